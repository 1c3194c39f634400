"""Cost and access: the cost of an acute course built from its components (one panel per basis) or, on the same
switch, the prices reported by clinics and lists; then coverage, regulatory status and availability."""
import streamlit as st

from evidash import coursecost, figures, render, urlstate
from evidash.state import PageState, run_page

COURSE_INTRO = ("Each bar adds the parts of a typical acute course on one basis (who pays, where, which year): "
                "units per course × unit cost, with the source of every number. The bar is the low end (fewest "
                "sessions at the lowest price); the black line runs to the high end. A part without a price says "
                "\"not priced\" and what was searched: it is never counted as 0. Diamonds are course costs that "
                "health-technology assessments and models report, for comparison. Amounts are not converted between "
                "currencies or years.")


REPORTED_INTRO = ("Prices as clinics, price lists, news reports and consumer pages give them, each in its own "
                  "currency, year and place. They are not like for like: one is a clinician's fee, another a price a "
                  "clinic or article reports, another a drug's list price. Read under each label what the price covers "
                  "and who pays it.")


def body(state: PageState) -> None:
    ev = state.evidence
    tids = tuple(state.treatment_ids)
    st.subheader(coursecost.SECTION_TITLE)
    if urlstate.seed_from_url("basis", ev):
        st.info(urlstate.notice("basis", ev), icon=":material/info:")
    # One chart at a time (one basis, one currency; or the prices as reported): a switch, kept in the link.
    choice = st.segmented_control("Cost basis (who pays, where, which year)", coursecost.views_of(ev), required=True,
                                  key="basis", format_func=coursecost.view_label)
    urlstate.write("basis", choice, ev)
    prices = figures.cost(ev, ev.version, tids)
    if choice == coursecost.REPORTED:
        st.markdown("**Prices as reported by clinics, lists and articles**")
        st.caption(REPORTED_INTRO)
        render.chart_block(ev, state.present, prices)
    else:
        st.caption(COURSE_INTRO)
        view = figures.course_cost(ev, ev.version, choice, tids)
        render.chart_block(ev, state.present, view)
        render.arithmetic_table(f"The arithmetic: {coursecost.COST_BASES[choice].label}", view.companion_table)
    render.wide_table("Coverage, regulatory status and availability", prices.companion_table,
                      "Regulatory status is given per jurisdiction (US FDA, England NICE, Scotland SMC) with dates.")


run_page("cost", body)
