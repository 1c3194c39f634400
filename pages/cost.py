"""Cost and access: the cost of an acute course built from its components (one panel per basis), the prices
reported by clinics and lists, and coverage, regulatory status and availability."""
import streamlit as st

from evidash import coursecost, figures, render, urlstate
from evidash.state import PageState, run_page

COURSE_INTRO = ("Each bar adds the parts of a typical acute course on one basis (who pays, where, which year): "
                "units per course × unit cost, with the source of every number. The bar is the low end (fewest "
                "sessions at the lowest price); the black line runs to the high end. A part without a price says "
                "\"not priced\" and what was searched: it is never counted as 0. Diamonds are course costs that "
                "health-technology assessments and models report, for comparison. Amounts are not converted between "
                "currencies or years.")


def body(state: PageState) -> None:
    ev = state.evidence
    tids = tuple(state.treatment_ids)
    st.subheader(coursecost.SECTION_TITLE)
    st.caption(COURSE_INTRO)
    bases = coursecost.bases(ev)
    if bases:
        if urlstate.seed_from_url("basis", ev):
            st.info(urlstate.notice("basis", ev), icon=":material/info:")
        # One panel at a time (one basis, one currency): a switch, kept in the link, rather than five charts at once.
        basis = st.segmented_control("Cost basis (who pays, where, which year)", bases, required=True, key="basis",
                                     format_func=lambda b: coursecost.COST_BASES[b].short)
        urlstate.write("basis", basis, ev)
        view = figures.course_cost(ev, ev.version, basis, tids)
        render.chart_block(ev, state.present, view)
        render.arithmetic_table(f"The arithmetic: {coursecost.COST_BASES[basis].label}", view.companion_table)
    st.subheader("Prices reported by clinics and lists")
    view = figures.cost(ev, ev.version, tids)
    render.chart_block(ev, state.present, view)
    render.wide_table("Coverage, regulatory status and availability", view.companion_table,
                      "Regulatory status is given per jurisdiction (US FDA, England NICE, Scotland SMC) with dates.")


run_page("cost", body)
