"""Head-to-head: two treatments (?a= and ?b=, default IV ketamine vs ECT) and the shared condition filter.
First every randomised or meta-analytic direct comparison in the data (the forest chart, every panel with
right of no difference favouring the first treatment, then the table as reported), then the
two treatments' own cells side by side, labelled as indirect (separate studies). When no direct
comparison exists the page says so plainly and shows only the indirect rows."""
import streamlit as st

from evidash import headtohead as h2h
from evidash import render, urlstate, views
from evidash.cite import escape_md
from evidash.state import PageState, run_page
from evidash.text import count

TABLE_COLUMNS_HIDDEN = ("Sources", "Where", "Comparison id")


def pick_treatments(ev) -> tuple[str, str]:
    """Two selectboxes bound to ?a= and ?b= (ids in the URL; unknown values fall back with a notice)."""
    tids = urlstate.allowed("a", ev)
    full = ev.names("treatment")
    for key in ("a", "b"):
        if urlstate.seed_from_url(key, ev):
            st.info(urlstate.notice(key, ev), icon=":material/info:")
    cols = st.columns(2, vertical_alignment="bottom")
    a = cols[0].selectbox("First treatment", tids, format_func=lambda t: full.get(t, t), key="a")
    b = cols[1].selectbox("Second treatment", tids, format_func=lambda t: full.get(t, t), key="b")
    urlstate.write("a", a, ev)
    urlstate.write("b", b, ev)
    return a, b


def direct_section(ev, a: str, b: str, condition: str, present: bool) -> bool:
    """The direct comparisons (table, chart, sources, notes); returns whether any exist."""
    short = h2h.names(ev)
    label = views.condition_label(ev, condition)
    rows = h2h.direct(ev, a, b, condition)
    other = h2h.elsewhere(ev, a, b, condition)
    also = "; ".join(f"{escape_md(name)} ({n})" for name, n in other.items())
    st.subheader("Direct comparisons: randomised trials and meta-analyses", anchor="direct")
    if not len(rows):
        where = "in any condition" if condition == views.ALL else f"for {label}"
        st.warning(h2h.NO_DIRECT.format(a=escape_md(short.get(a, a)), b=escape_md(short.get(b, b))) + f" {escape_md(where)}.",
                   icon=":material/search_off:")
        if also:
            st.markdown(f"Direct comparisons of these two exist for other conditions: {also}. Choose that condition, or All conditions, to see them.")
        return False
    table = h2h.table(ev, rows, a, b, with_condition=condition == views.ALL, condition=condition)
    st.caption(f"{count(len(rows), 'result')} in which patients were randomised between {escape_md(short.get(a, a))} and "
               f"{escape_md(short.get(b, b))}, or pooled from such trials. In the chart, right of no difference favours "
               f"{escape_md(short.get(a, a))} in every panel; the table gives each effect exactly as its source reports it, "
               "in the direction named under 'Effect measure'.")
    # The chart first: one direction across every panel (see evidash/headtohead.py, orient).
    render.chart_block(ev, present, h2h.chart_view(ev, ev.version, a, b, condition))
    for line in (h2h.flip_line(ev, rows, a, b), h2h.undrawn_line(ev, rows, a)):
        if line:
            st.markdown(escape_md(line))
    # st.table renders Markdown in every cell, index and header: escape all of it (data text stays plain text).
    shown = table.drop(columns=list(TABLE_COLUMNS_HIDDEN)).map(escape_md).rename(columns=escape_md)
    st.table(shown.set_index("Study").rename_axis(None))
    if also:
        st.markdown(f"Also direct comparisons of these two in other conditions (often broader populations): {also}. "
                    "Choose that condition, or All conditions, to see them.")
    st.markdown("**Sources of these comparisons**")
    lines = []
    for s in h2h.source_rows(ev, rows):
        external = f" · [open ↗]({s['link'].replace(')', '%29').replace(' ', '%20')})" if s["link"] else ""
        lines.append(f"- **{escape_md(s['study'])}**: [{escape_md(s['title'])}]({urlstate.link('sources', source=s['source_id'])}) "
                     f"({escape_md(s['type'])}){external}")
    st.markdown("\n".join(lines))
    box = render.lazy_expander("Notes on each result (population, n, caveats)", key="h2h_notes")
    if box is not None:
        for r in rows.to_dict("records"):
            note = r.get("note") if isinstance(r.get("note"), str) else ""
            box.markdown(f"**{escape_md(r['study'])}: {escape_md(r['outcome'])}.** {escape_md(note)} *Where:* {escape_md(r['locator'])}")
    return True


def indirect_section(ev, a: str, b: str, condition: str, only: bool) -> None:
    """The two treatments' own cells side by side, labelled as indirect; a click opens a cell's card."""
    st.subheader(h2h.INDIRECT_LABEL + (" (the only evidence shown)" if only else ""), anchor="indirect")
    st.caption("Each column comes from separate studies of that treatment, often in different patients, with different "
               "outcomes and follow-up. Differences between the columns are not a head-to-head result. Click a cell for its "
               "evidence card and sources.")
    clicked = render.matrix(ev, condition, [t for t in ev.treatments["treatment_id"] if t in (a, b)])
    url_cell, bad = urlstate.from_url("cell", ev)
    if bad:
        st.info(urlstate.notice("cell", ev), icon=":material/info:")
    selected = clicked or url_cell
    if selected:
        urlstate.write("cell", selected, ev)
        render.evidence_dialog(ev, selected)


def body(state: PageState) -> None:
    ev = state.evidence
    if len(ev.treatments) < 2:
        st.info("The data hold fewer than two treatments, so there is nothing to compare.", icon=":material/info:")
        return
    a, b = pick_treatments(ev)
    if a == b:
        st.info("Choose two different treatments to compare.", icon=":material/info:")
        return
    found = direct_section(ev, a, b, state.condition, state.present)
    indirect_section(ev, a, b, state.condition, only=not found)


run_page("head-to-head", body)
