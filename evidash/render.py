"""Streamlit rendering helpers shared by the pages (data text always escaped; links http/https only)."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from . import bib, handout, views
from .charts import export_config, to_image
from .figures import framed, phone_framed, steady_frame
from .phone import CHART_CONFIG as PHONE_CHART_CONFIG, PHONE_CSS, SCROLL_BOX_JS, on_phone
from .urlstate import link, remove, view_url
from .cite import blank, check_url, escape_md
from .data import Evidence
from .rules import text as field_text
from .vocab import BAND_LABELS, CATEGORY_LABELS, TIER_LABELS
from .vocab import SOURCE_TYPE_LABELS as SOURCE_LABELS

# Background / text colours per matrix cell kind. The cell text always carries the meaning
# (badge in brackets, "No evidence found", "Not applicable"), so colour is never the only cue.
KIND_STYLE = {
    "tier1": "background-color: #d9efdc; color: #10351a",
    "tier2": "background-color: #dbe9f7; color: #0d2b4d",
    "tier3": "background-color: #fbf0cc; color: #3d3000",
    "tier4": "background-color: #f8dede; color: #4a1010",
    "no_evidence": "background-color: #ffffff; color: #555555; font-style: italic",
    "not_applicable": "background-color: #e6e6e6; color: #444444",
    "missing": "background-color: #ffffff; color: #777777",
    "label": "",
}
LEGEND = (
    "**How to read a cell:** first line, the finding in short; second line, an icon and the strongest kind of source "
    "behind it; for numbers, a third line says what the number measures (first improvement, response, remission, "
    "% of patients, price), the study design and its size. :material/warning: marks a small (fewer than 50 patients) "
    "or uncontrolled result. Icon and shading show the same strength: :material/verified: green = regulator, label, "
    "guideline or HTA; :material/science: blue = trials or meta-analysis; :material/description: yellow = other studies, "
    "payer policies or statistics; :material/campaign: pink = weak (news, clinic, web or opinion pages). "
    ":material/help_outline: *No evidence found* (white) means a search found no citable source (the card says what "
    "was searched); :material/block: *Not applicable* (grey) means the attribute cannot apply. Click a cell for the "
    "full sentence and its sources."
)

# Page CSS (constant, from code; never built from data). Cell buttons are styled by the strength kind
# encoded in their widget key, which Streamlit exposes as a class name.
CSS = """
<style>
.block-container {padding-top: 3.2rem; padding-left: 2rem; padding-right: 2rem;}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {gap: 0.7rem;}
h1 {font-size: 1.75rem !important; padding: 0 0 0.2rem 0 !important;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {color: #4a4a55 !important; opacity: 1 !important;}
[class*="st-key-cell__"] button {min-height: 2.4rem; padding: 0.2rem 0.45rem; text-align: left; justify-content: flex-start;
  line-height: 1.2;}
[class*="st-key-cell__"] button div, [class*="st-key-cell__"] button p {text-align: left;}
[class*="st-key-cell__"] button p {font-size: 0.875rem; line-height: 1.18; margin: 0; overflow-wrap: normal; word-break: normal; hyphens: manual;}
.st-key-matrix [data-testid="stHorizontalBlock"] {gap: 0.4rem;}
.st-key-matrix_head {position: sticky; top: 3.75rem; z-index: 5; background: #ffffff; border-bottom: 1px solid #8a8a8a;}
.st-key-matrix, .st-key-matrix [data-testid="stVerticalBlock"] {gap: 0.3rem;}
.st-key-matrix [data-testid="stMarkdownContainer"] p {font-size: 0.92rem; margin: 0; line-height: 1.25;}
""" + "".join(
    f'[class*="st-key-cell__{kind}__"] button {{{style}; border-color: #8a8a8a;}}\n'
    for kind, style in KIND_STYLE.items() if style
) + PHONE_CSS + "</style>"


def page_css() -> None:
    st.html(CSS + SCROLL_BOX_JS, unsafe_allow_javascript=True)  # one element: a second one would add a gap above the page


KIND_ICON = {
    "tier1": ":material/verified:", "tier2": ":material/science:", "tier3": ":material/description:",
    "tier4": ":material/campaign:", "no_evidence": ":material/help_outline:", "not_applicable": ":material/block:",
    "missing": ":material/remove:",
}
GROUP_SHORT = {"all": "All groups", "onset": "Onset", "setting": "Setting", "cost_access": "Cost and access",
               "side_effects": "Side effects", "evidence": "Evidence"}


def _cell_key(kind: str, cell_id: str) -> str:
    return f"cell__{kind}__{cell_id.replace('.', '__')}"


@st.cache_resource(max_entries=256, show_spinner=False)
def _matrix(_ev: Evidence, version: str, condition: str, treatment_ids: tuple[str, ...]) -> views.Matrix:
    """The matrix view model, built once per data version and filter combination (read-only)."""
    return views.matrix(_ev, condition, list(treatment_ids))


def matrix(ev: Evidence, condition: str, treatment_ids: list[str], group: str = "all", rows=None,
           numbers: dict[str, list[int]] | None = None, plain: dict[str, str] | None = None) -> str | None:
    """Draw the comparison matrix as a grid of buttons (real, keyboard-reachable controls whose text
    wraps); returns the cell id of a button clicked in this run, else None.

    ``rows`` (index labels of the view model) draws only those rows (a presenter slide); ``numbers`` gives each
    cell its reference numbers, shown after the headline (the presenter's numbered sources); ``plain``: cell id -> the
    headline in plain words (family mode), shown instead of the headline."""
    m = _matrix(ev, ev.version, condition, tuple(treatment_ids))
    groups = views.GROUP_LABELS
    shown = m.display.index if group == "all" else m.display.index[m.display["Group"] == groups.get(group, group)]
    if rows is not None:
        shown = [i for i in shown if i in set(rows)]
    handout.add(handout.matrix_part(m, shown, plain=plain))
    handout.scope_treatments(treatment_ids)
    widths = [1.05] + [1.0] * len(m.treatment_columns)
    clicked = None
    with st.container(key="matrix_head"):
        header = st.columns(widths, vertical_alignment="bottom")
        header[0].markdown("**Attribute**")
        for col, name in zip(header[1:], m.treatment_columns):
            col.markdown(f"**{escape_md(name)}**")
    with st.container(key="matrix"):
        current_group = None
        for i in shown:
            g = m.display.at[i, "Group"]
            cols = st.columns(widths, vertical_alignment="center")
            # The group's name heads its first row (no row of its own: five attribute rows fit on the first screen).
            group_head = f":gray[{escape_md(g).upper()}]  \n" if g != current_group and numbers is None else ""
            current_group = g
            cols[0].markdown(group_head + escape_md(m.display.at[i, "Attribute"]))
            for col, name in zip(cols[1:], m.treatment_columns):
                cell_id = m.cell_ids.at[i, name]
                if not isinstance(cell_id, str):  # no cell (None, or NaN in a pandas 3 str column)
                    col.caption(views.NOT_ENTERED_TEXT)
                    continue
                kind = m.kinds.at[i, name]
                # The treatment's name closes the label: hidden on a wide screen (the column heads name it), shown
                # first on a phone, where the columns stack (phone.PHONE_CSS).
                headline = (plain or {}).get(cell_id) if kind not in ("no_evidence", "missing") else None
                text = headline or m.display.at[i, name]
                method = m.methods.at[i, name]
                if numbers is None:
                    label = cell_label(kind, text, m.badges.at[i, name], method)
                else:  # presenter: the headline with its reference numbers, then the strength; the method on hover
                    marks = numbers.get(cell_id, [])
                    label = cell_label(kind, text, m.badges.at[i, name], "",
                                       f" [{', '.join(map(str, marks))}]" if marks else "")
                tip = f"Open the evidence for {name}: {m.display.at[i, 'Attribute']}"
                if numbers is not None and method:
                    tip += f" ({method})"
                if col.button(label + f"\n\n{escape_md(name)}", key=_cell_key(kind, cell_id), width="stretch", wrap=True,
                              help=tip):
                    clicked = cell_id
    return clicked


def cell_label(kind: str, headline: str, badge: str, method: str, marks: str = "") -> str:
    """A matrix cell's button text: the headline (and its reference ``marks``, e.g. ' [1, 2]'), then the strength
    icon with its short label, then (for numbers) what is measured, the design and the size. Data text is escaped."""
    icon = KIND_ICON.get(kind, "")
    if kind == "no_evidence":
        return f"{icon} *{escape_md(headline)}*"
    if kind in ("not_applicable", "missing"):
        return f"{icon} {escape_md(headline)}"
    second = f"{icon} {escape_md(badge)}".strip() + (f" · {escape_md(method)}" if method else "")
    return f"{escape_md(headline)}{escape_md(marks)}\n\n{second.replace('⚠', ':material/warning:')}"


def evidence_card(ev: Evidence, cell_id: str) -> None:
    """The evidence card: value, detail, each citation with locator, type and link, reviewed date."""
    c = views.card(ev, cell_id)
    if c is None:
        st.warning("That cell is not in the data; pick a cell in the table.")
        return
    cell = c.cell
    with st.container(border=True, key="evidence_card"):
        help_text = views.glossary_help(ev, c.treatment, c.attribute, c.condition, cell["value"], cell["detail"],
                                        cell.get("measure_note"))
        st.subheader(f"{escape_md(c.treatment)} · {escape_md(c.attribute)}", anchor="evidence-card",
                     help=help_text)
        st.caption(escape_md(f"{c.group} · {c.condition} · reviewed {cell['reviewed']}"))
        status = cell["status"]
        if status == "reported":
            st.markdown(f"**{escape_md(cell['value'])}**")
            method = views.method_line(cell)
            if method:
                note = cell.get("measure_note")
                st.markdown(":material/straighten: *Measures:* " + escape_md(method + (f" — {note}" if isinstance(note, str) else ""))
                            .replace("⚠", ":material/warning:"))
            derivation = field_text(cell.get("derivation"))
            if derivation:
                st.markdown(":material/calculate: *Our arithmetic:* " + escape_md(derivation))
            if isinstance(cell.get("caution"), str) and cell["caution"]:
                st.warning(escape_md(f"Read with care: {cell['caution']}. One small or uncontrolled study can overstate an effect."),
                           icon=":material/warning:")
        elif status == "no_evidence":
            st.markdown(f"*{views.NO_EVIDENCE_TEXT}*")
        else:
            st.markdown(f"*{views.NOT_APPLICABLE_TEXT}*")
        st.markdown(escape_md(cell["detail"]))
        extras = []
        if isinstance(cell.get("band"), str):
            extras.append(f"Frequency band: {BAND_LABELS.get(cell['band'], cell['band'])}")
        if isinstance(cell.get("category"), str):
            extras.append(f"Evidence category: {CATEGORY_LABELS.get(cell['category'], cell['category'])}")
        if isinstance(cell.get("currency"), str):
            extras.append(f"Price basis: {views.price_basis(cell)}")
        if extras:
            st.markdown(escape_md(" · ".join(extras)))
        _card_sources(ev, c, cell_id)


def _card_sources(ev: Evidence, c: views.Card, cell_id: str) -> None:
    """The evidence card's sources (numbered, with locator, type and link), specific effects and exports."""
    status = c.cell["status"]
    if len(c.citations):
        st.markdown("**Sources**" + (" (the first carries the headline)" if c.citations["headline"].any() and len(c.citations) > 1 else ""))
        for i, cit in enumerate(c.citations.itertuples(index=False), start=1):
            tier = TIER_LABELS.get(int(cit.tier), "") if pd.notna(cit.tier) else ""
            lines = [f"{i}\\. {escape_md(cit.reference)}"]
            if cit.figures:
                lines.append(f"*The source reports:* {escape_md(cit.figures)}")
            lines.append(f"*Where:* {escape_md(cit.locator)} · *Type:* {escape_md(cit.source_type)} ({escape_md(tier)})"
                         + (" · *carries the headline*" if cit.headline else ""))
            st.markdown("  \n".join(lines))
            if isinstance(cit.link, str) and cit.link:  # a source without a safe link gives None or NaN
                st.link_button(f"Open source {i} ↗", cit.link, help=cit.link)
            else:
                st.caption("No online link recorded for this source.")
    elif status == "reported":
        st.warning("This cell has no citation.")
    elif status == "no_evidence":
        st.caption("No source is attached: the search described above found nothing for this cell.")
    else:
        st.caption("No source is attached: this attribute does not apply to this treatment.")
    if len(c.effects):
        st.markdown("**Specific effects**")
        effects_table(c.effects)
    cited = sources_of(ev, [cell_id])
    if len(cited):
        st.caption("Take these references home:")
        reference_exports(st, cited, f"sources-{cell_id.replace('.', '-')}", "This card's references")


def _close_card() -> None:
    remove("cell")


@st.dialog("Evidence card", width="large", on_dismiss=_close_card)
def evidence_dialog(ev: Evidence, cell_id: str) -> None:
    """The evidence card as an overlay (stays on screen wherever the matrix is scrolled)."""
    evidence_card(ev, cell_id)
    st.caption("Link to this card: copy the page address; it includes the cell.")


def link_table(table: pd.DataFrame, link_column: str = "Link", source_column: str = "Source", where_column: str = "Where") -> None:
    """A static table, first column as the row label: its text wraps on a shared screen and no data grid has to
    load (a canvas grid delays a page's first chart). Data text escaped. The source, where in it, and its link
    share one column: the title (cut at a word, in full on the Sources page) links to the source only for an
    http/https address."""
    def source_cell(row) -> str:
        title = escape_md(views.shorten_source(str(row[source_column]), 60))
        url = row[link_column]
        linked = (f"[{title} ↗]({md_url(url)})"
                  if isinstance(url, str) and check_url(url, set()) is None else title)
        where = row.get(where_column)
        return f"{linked} · {escape_md(where)}" if isinstance(where, str) and where.strip() else linked

    sources = [source_cell(row) for row in table.to_dict("records")]
    shown = table.drop(columns=[link_column, source_column, where_column])
    shown = shown.map(lambda v: escape_md(v) if isinstance(v, str) else v)
    shown[source_column] = sources
    st.markdown(markdown_table(shown))


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` (its text already escaped or built as markdown) as one Markdown table: one element for the browser
    to draw, where st.table draws every cell as its own Markdown block after loading its Arrow table code, which
    held back the side-effect page's first chart (bench/README.md). Our own column headers are escaped here."""
    def cell(value) -> str:
        return "" if blank(value) else " ".join(str(value).split())  # a line break would end the table row

    lines = ["| " + " | ".join(escape_md(c) for c in frame.columns) + " |", "|" + " --- |" * len(frame.columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join(lines)


def effects_table(effects: pd.DataFrame, static: bool = False) -> None:
    """Specific effects with their comparator: an uncontrolled rate says 'no comparator'. ``static``: as a
    ``link_table`` (the side-effect page), else a scrolling data grid (the evidence card)."""
    effects = effects.copy()
    kind = effects["comparator_type"] if "comparator_type" in effects.columns else pd.Series(None, index=effects.index)
    named = effects["comparator"].where(effects["comparator"].map(lambda v: isinstance(v, str) and bool(v.strip())))
    effects["comparator"] = named.where(kind != "none").fillna("no comparator")
    shown = effects[["Treatment", "effect", "frequency", "comparator", "Source", "Type", "locator", "link"]].rename(
        columns={"effect": "Effect", "frequency": "Frequency", "comparator": "Comparator", "locator": "Where", "link": "Link"})
    if static:
        link_table(shown)
        return
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "Link": st.column_config.LinkColumn("Link", display_text="Open ↗"),
    })


def lazy_expander(label: str, key: str):
    """An expander whose content is drawn only while it is open (opening it reruns the page), so
    filter changes do not redraw tables and buttons nobody is looking at. Returns the container to
    draw into, or None while closed."""
    box = st.expander(label, key=key, on_change="rerun")
    return box if box.open else None


def lazy_table(label: str, table: pd.DataFrame, key: str, csv_name: str | None = None, **dataframe_args) -> None:
    """A table in an on-demand expander; with ``csv_name`` it also offers the table as CSV."""
    box = lazy_expander(label, key)
    if box is None:
        return
    box.dataframe(table, hide_index=True, width="stretch", **dataframe_args)
    if csv_name:
        box.download_button("Download this table (CSV)", table.to_csv(index=False).encode("utf-8"),
                            file_name=csv_name, mime="text/csv", key=f"{key}_csv", icon=":material/download:")


def wide_table(heading: str, table: pd.DataFrame, note: str) -> None:
    """A heading, a treatments-as-columns text table and a note under it. A static table: its text
    wraps and the columns share the page width, so every treatment is on screen without scrolling
    sideways (a canvas data grid would hide the last columns behind a horizontal scroll bar)."""
    st.subheader(heading)
    st.table(escaped_table(table.set_index(table.columns[0]).rename_axis(None)))
    st.caption(note)
    handout.add(handout.Part(heading=heading, table=table, note=note))


def arithmetic_table(heading: str, table: pd.DataFrame) -> None:
    """A table whose text is already escaped markdown (coursecost.arithmetic_table: links to the sources),
    with its first column as the row label."""
    st.markdown(f"**{escape_md(heading)}**")
    if not len(table):
        st.caption("No rows for the chosen treatments.")
        return
    st.table(table.set_index(table.columns[0]).rename_axis(None))


def escaped_table(table: pd.DataFrame) -> pd.DataFrame:
    """st.table renders markdown in its cells: escape data text (values, row and column labels)."""
    out = table.map(lambda v: escape_md(v) if isinstance(v, str) else v)
    out.index = [escape_md(i) if isinstance(i, str) else i for i in out.index]
    out.columns = [escape_md(c) if isinstance(c, str) else c for c in out.columns]
    return out


def chart_block(ev: Evidence, present: bool, view) -> None:
    """A chart (with its sources, as-of date and link drawn in), a one-sentence text summary, and an
    on-demand "Data, sources and downloads" section: the plotted cells with their sources, a CSV of
    exactly those cells, and the chart as PNG or SVG."""
    summary, table, filename = view.summary, view.table, view.filename
    sources = views.source_line(table)
    fig = framed(view, view.key, sources, ev.as_of, view_url(), present, steady_frame(ev, view, present))
    # The handout draws the chart as on a normal screen (not presenter styling), with the audience's link.
    printed = framed(view, view.key, sources, ev.as_of, view_url(), False)
    handout.add(handout.chart_part(printed, table, summary))
    # theme=None: the chart keeps its own template (15 px dark text, as in the exports); Streamlit's theme
    # would replace it with 12 px grey text, too small and too faint on a shared screen.
    suffix = re.sub(r"[^a-z0-9_]", "_", str(view.key[0]).lower())  # one page may draw several charts
    if not present and on_phone():  # one figure per chart: the phone's (phone.py) on a phone, else the screen's
        with st.container(key=f"phone_chart__{suffix}"):
            st.plotly_chart(phone_framed(view, view.key, sources, ev.as_of, view_url()),
                            config={**export_config(filename), **PHONE_CHART_CONFIG}, width="stretch", theme=None,
                            key=f"phone_plot__{suffix}")
    else:
        with st.container(key=f"screen_chart__{suffix}"):
            st.plotly_chart(fig, config=export_config(filename), width="stretch", theme=None)
    st.markdown(escape_md(summary))
    box = lazy_expander("Data, sources and downloads for this chart", key=f"show_{view.key[0]}_data")
    if box is None:
        return
    chart = view.key[0]
    box.dataframe(table, hide_index=True, width="stretch")
    row = box.container(horizontal=True, gap="small")
    row.download_button("Download data (CSV)", table.to_csv(index=False).encode("utf-8"), file_name=f"{filename}.csv",
                        mime="text/csv", key=f"dl_{chart}", icon=":material/download:")
    row.download_button("Chart as PNG", lambda: to_image(fig, "png"), file_name=f"{filename}.png",
                        mime="image/png", key=f"png_{chart}", icon=":material/image:", on_click="ignore")
    row.download_button("Chart as SVG", lambda: to_image(fig, "svg"), file_name=f"{filename}.svg",
                        mime="image/svg+xml", key=f"svg_{chart}", icon=":material/image:", on_click="ignore")
    cited = sources_of(ev, table["Cell id"]) if "Cell id" in table.columns else ev.sources.iloc[0:0]
    if "Point id" in table.columns:  # the onset chart: the sources of its points (onset_points.csv)
        used = ev.onset_points.loc[ev.onset_points["point_id"].isin(list(table["Point id"])), "source_id"]
        cited = ev.sources[ev.sources["source_id"].isin(set(used.dropna()))]
    if "Row id" in table.columns:  # a course-cost panel: the sources of its components and references
        used = ev.course_costs.loc[ev.course_costs["row_id"].isin(list(table["Row id"])), "source_id"]
        cited = ev.sources[ev.sources["source_id"].isin(set(used.dropna()))]
    if len(cited):
        box.caption(f"The {len(cited)} sources behind this chart, for a reference manager:")
        reference_exports(box, cited, f"{filename}-sources", "The sources behind this chart")


def reference_numbers(ev: Evidence, cell_ids) -> tuple[dict[str, list[int]], list[str]]:
    """Number the sources of ``cell_ids`` in order of first use (strongest first within a cell): each cell's
    numbers, and the numbered reference lines."""
    titles = ev.sources.set_index("source_id")["title"]
    numbers: dict[str, int] = {}
    refs, marks = [], {}
    for cell_id in cell_ids:
        cit = ev.citations[ev.citations["cell_id"] == cell_id].sort_values("tier")
        for source_id, kind in zip(cit["source_id"], cit["source_type"]):
            if source_id not in numbers:
                numbers[source_id] = len(numbers) + 1
                refs.append(f"[{numbers[source_id]}] {titles.get(source_id, source_id)} ({SOURCE_LABELS.get(kind, kind)})")
            marks.setdefault(cell_id, []).append(numbers[source_id])
    return marks, refs


def presenter_slide(ev: Evidence, condition: str, treatment_ids: list[str], group: str, rows, heading: str) -> str | None:
    """One presenter slide of the overview: ``rows`` of one attribute group as the clickable, colour-coded matrix,
    each headline numbered to its sources, the sources behind a 'Sources' toggle. Returns a clicked cell id."""
    m = _matrix(ev, ev.version, condition, tuple(treatment_ids))
    ids = [c for i in rows for c in m.cell_ids.loc[i, m.treatment_columns] if isinstance(c, str)]
    marks, refs = reference_numbers(ev, ids)
    st.subheader(heading, anchor=False)
    clicked = matrix(ev, condition, treatment_ids, group, rows=rows, numbers=marks)
    if st.toggle(f"Sources ({len(refs)})", key="show_slide_sources", help="The numbered sources of this slide"):
        st.markdown(escape_md("; ".join(refs)) if refs else "No reported values on this slide, so no sources.")
    return clicked


def reference_exports(container, sources: pd.DataFrame, key: str, what: str = "these sources") -> None:
    """BibTeX, RIS and CSL-JSON downloads of ``sources`` (written only when clicked)."""
    row = container.container(horizontal=True, gap="small")
    for label, (writer, ext, mime) in bib.EXPORTS.items():
        row.download_button(f"{label}", lambda w=writer: w(sources).encode("utf-8"), file_name=f"{key}.{ext}", mime=mime,
                            key=f"{key}_{ext}", icon=":material/library_books:", on_click="ignore",
                            help=f"{what} for Zotero, EndNote or Mendeley ({label})")


def sources_of(ev: Evidence, cell_ids) -> pd.DataFrame:
    """The sources cited by the given cells (citations and specific effects)."""
    ids = set(ev.citations.loc[ev.citations["cell_id"].isin(list(cell_ids)), "source_id"])
    ids |= set(ev.effects.loc[ev.effects["cell_id"].isin(list(cell_ids)), "source_id"])
    return ev.sources[ev.sources["source_id"].isin(ids)]


CITED_BY_SHOWN = 12


def md_url(url: str) -> str:
    """A URL safe inside a markdown link target (brackets and spaces percent-encoded)."""
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def bibliography_entry(number: int, source, cited: list[str], names: dict[str, str] | None = None,
                       shown: int | None = CITED_BY_SHOWN) -> str:
    """One reference as markdown: number, Vancouver text (escaped), real links, type and strength,
    and 'cited by' links, named by cell (``names``: views.cell_names), that open each citing cell's evidence card
    (the first ``shown`` of them; None: all, as for the selected source)."""
    links = " · ".join(f"[{label} ↗]({md_url(url)})" for label, url in bib.links(source))
    names = names or {}
    listed = cited if shown is None else cited[:shown]
    cells = "; ".join(f"[{escape_md(names.get(c, 'a cell'))}]({link('overview', cell=c)})" for c in listed)
    more = f" and {len(cited) - len(listed)} more" if len(cited) > len(listed) else ""
    return (f"**{number}.** {escape_md(bib.vancouver(source))}  \n"
            f"{links or '*no online link*'}  \n"
            f"*{escape_md(bib.strength(source))}* · cited by: {cells or 'no cell'}{more}")
