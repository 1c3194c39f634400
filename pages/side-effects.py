"""Side effects: a heatmap by category (highest reported rate, or excess over the comparator); for one category,
how many more people per 100 get each effect than with its named comparator, or (on the same switch) an icon array
of 100 people for one effect; then every specific effect with its source."""
import streamlit as st

from evidash import charts, render, urlstate, views
from evidash import figures
from evidash.cite import escape_md
from evidash.state import PageState, run_page
from evidash.vocab import COMPARATOR_TYPES


def _seeded(name: str, ev) -> None:
    if urlstate.seed_from_url(name, ev):
        st.info(urlstate.notice(name, ev), icon=":material/info:")


def icon_text(row, effect: str) -> str:
    """The icon array in words (its text alternative)."""
    both, extra_t, extra_c = charts.icon_counts(row["rate"], row["comparator_rate"])
    treated, compared = both + extra_t, both + extra_c
    line = (f"Of 100 people given {row['Treatment']}, about {treated} had {effect.lower()} "
            f"({row['With treatment (per 100)']} per 100); of 100 people given {row['Comparator']}, about {compared} "
            f"({row['With comparator (per 100)']} per 100). ")
    if extra_t:
        line += f"That is {row['Difference (per 100)']} with {row['Treatment']}: {extra_t} extra people (■) in every 100."
    elif extra_c:
        line += f"That is {row['Difference (per 100)']} with {row['Treatment']}: {extra_c} extra people (■) with the comparator."
    else:
        line += "Rounded to whole people, the two groups do not differ."
    return line + " Icons are rounded to whole people; the rates in brackets are the trial arms' own (from the source's figures)."


def icon_array(table, present: bool) -> None:
    """100 people with and 100 without the treatment, for one effect of the table, with the picture in words."""
    labels = {r["effect_id"]: f"{r['Treatment']} · {r['Effect']} (vs {r['Comparator']})" for r in table.to_dict("records")}
    picked = st.selectbox("Show 100 people for", list(labels), format_func=labels.get, key="icon_effect")
    row = table.set_index("effect_id").loc[picked]
    row = {**row.to_dict(), "effect_id": picked}
    effect = str(row["Effect"]).split(" (")[0]
    fig = figures.icon_figure(float(row["rate"]), float(row["comparator_rate"]), str(row["Treatment"]), str(row["Comparator"]),
                              effect, present)
    alt = icon_text(row, effect)
    with st.container(key="icon_array"):
        st.plotly_chart(fig, theme=None, width="stretch", config=charts.export_config(f"icons-{picked}"), key="icon_chart")
        st.markdown(f"**In words:** {escape_md(alt)}")


def comparator_section(state: PageState, category: str) -> None:
    ev = state.evidence
    name = ev.name("attribute", category)
    st.subheader(f"{escape_md(name)}: how many more people per 100?", anchor="comparator")
    view = figures.comparator(ev, ev.version, tuple(state.treatment_ids), category)
    table = view.table
    if not len(table):
        st.warning(f"No controlled comparison is recorded for {escape_md(name.lower())} for the treatments shown: the rates below "
                   "have no comparator, so they cannot say how many more people get an effect because of the treatment.",
                   icon=":material/warning:")
        return
    # One picture at a time, kept in the link: every effect of the category against its comparator, or 100 people
    # for one of them (an icon array, for families and for teaching absolute risk).
    _seeded("comparison", ev)
    shown_as = st.segmented_control("Show", list(views.COMPARISON_VIEWS), format_func=views.COMPARISON_VIEWS.get,
                                    required=True, key="comparison")
    urlstate.write("comparison", shown_as, ev)
    if shown_as == "people":
        icon_array(table, state.present)
    else:
        render.chart_block(ev, state.present, view)
    render.link_table(table[views.COMPARATOR_COLUMNS])
    st.caption("Difference = rate with the treatment minus rate with the comparator, in people per 100 (a risk "
               "difference, as in GRADE summary-of-findings tables). Placebo, sham and active comparators answer different "
               f"questions: {escape_md('; '.join(f'{t.short} = {t.label}' for k, t in COMPARATOR_TYPES.items() if k != 'none'))}.")


def body(state: PageState) -> None:
    ev = state.evidence
    if state.condition != views.ALL:
        st.info(f"This page has no condition filter, so the condition in the link ({escape_md(views.condition_label(ev, state.condition))}) "
                "is not applied here: side effects are shown from every population studied, and each effect names its "
                "trial and population. The condition still applies on the other pages.", icon=":material/info:")
    _seeded("heatmap", ev)
    mode = st.segmented_control("Heatmap shows", list(views.HEATMAP_MODES), format_func=views.HEATMAP_MODES.get,
                                required=True, key="heatmap")
    urlstate.write("heatmap", mode, ev)
    view = figures.side_effects(ev, ev.version, tuple(state.treatment_ids), mode)
    render.chart_block(ev, state.present, view)
    notes = figures.effect_notes(ev, ev.version, tuple(state.treatment_ids))
    if notes:
        with st.expander(f"Notes: {len(notes)} findings shown as notes, not as bands", key="heat_notes"):
            st.markdown("\n".join(f"- {escape_md(n)}" for n in notes))
    attrs = ev.attributes[ev.attributes["group"] == views.SIDE_EFFECT_GROUP_ID]
    names = dict(zip(attrs["attribute_id"], attrs["name"]))
    _seeded("category", ev)
    category = st.selectbox("Category", list(attrs["attribute_id"]), format_func=names.get, key="category")
    urlstate.write("category", category, ev)
    comparator_section(state, category)
    st.subheader("Every specific effect in this category")
    cells = view.companion_table.loc[view.companion_table["attribute_id"] == category, "cell_id"].dropna().tolist()
    effects = views.effects_for_cells(ev, cells)
    if len(effects):
        render.effects_table(effects, static=True)
    else:
        st.caption("No specific effects with frequencies are recorded for this category.")


run_page("side-effects", body)
