"""Cost and access: dated, located price ranges; coverage, regulatory status and availability."""
import streamlit as st

from evidash import figures, render
from evidash.state import PageState, run_page


def body(state: PageState) -> None:
    ev = state.evidence
    view = figures.cost(ev, ev.version, tuple(state.treatment_ids))
    render.chart_block(ev, state.present, view)
    st.subheader("Coverage, regulatory status and availability")
    st.dataframe(view.extra, hide_index=True, width="stretch", row_height=60)
    st.caption("Regulatory status is given per jurisdiction (US FDA, England NICE, Scotland SMC) with dates.")


run_page("Cost and access", body, filters=("treatments",))
