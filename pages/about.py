"""About: purpose, how sources are graded, the as-of date, and the not-medical-advice notice."""
import streamlit as st

from evidash import summary
from evidash.schema import SOURCE_TIER, SOURCE_TYPE_LABELS, TIER_LABELS
from evidash.state import DISCLAIMER, PageState, run_page


def body(state: PageState) -> None:
    ev = state.evidence
    st.warning(DISCLAIMER, icon=":material/warning:")
    st.markdown(
        "This dashboard compares **IV racemic ketamine** (off-label), **esketamine nasal spray** (Spravato), "
        "**cognitive behavioural therapy (CBT)**, **electroconvulsive therapy (ECT)** and **transcranial magnetic "
        "stimulation (TMS)** on onset speed, administration setting, cost and access, side effects and evidence status, "
        "for eight conditions. It is built for teaching and for informed conversations, and every value links to its source."
    )
    st.subheader("How sources are graded")
    rows = [{"Source type": SOURCE_TYPE_LABELS[k], "Strength": TIER_LABELS[v]} for k, v in sorted(SOURCE_TIER.items(), key=lambda kv: kv[1])]
    st.dataframe(rows, hide_index=True, width="stretch")
    st.markdown(
        "Each cell shows the strongest kind of source behind it. Where the researchers found nothing, the cell says "
        "*No evidence found* instead of guessing. Claims that could only be seen on copies of a work cite the work itself "
        "(DOI, PubMed, regulator or guideline page). Prices are always shown with their currency, year and place."
    )
    st.subheader("Data")
    st.markdown(f"Data reviewed up to **{ev.as_of}**. Contents: {summary(ev)}.")


run_page("About this dashboard", body, filters=())
