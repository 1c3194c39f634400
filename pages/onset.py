"""Onset speed: one measure (first improvement, response or remission) compared across treatments on a log time axis,
each (treatment, protocol) a row; durability alongside."""
import streamlit as st

from evidash import figures, render, urlstate, views
from evidash.cite import escape_md
from evidash.state import PageState, run_page
from evidash.vocab import ONSET_MEASURES


def body(state: PageState) -> None:
    ev = state.evidence
    if urlstate.seed_from_url("measure", ev):
        st.info(urlstate.notice("measure", ev), icon=":material/info:")
    measure = st.segmented_control("Time to", list(ONSET_MEASURES), format_func=lambda m: ONSET_MEASURES[m].short,
                                   required=True, key="measure",
                                   help="Each view compares one measure across the treatments: first measurable improvement, "
                                        "response (at least a 50% fall on a named scale) or remission (below a named cut-off).")
    urlstate.write("measure", measure, ev)
    view = figures.onset(ev, ev.version, state.condition, tuple(state.treatment_ids), measure)
    if view.notice:
        overview = (urlstate.link("overview", group="onset") if state.condition == views.ALL
                    else urlstate.link("overview", condition=state.condition, group="onset"))
        st.info(f"{escape_md(view.notice)} [Open the overview's onset row]({render.md_url(overview)})", icon=":material/info:")
    render.chart_block(ev, state.present, view)
    render.lazy_table("Durability, relapse and maintenance (table with sources)", view.companion_table, key="show_durability",
                      csv_name=f"durability-{state.condition}.csv")


run_page("onset", body)
