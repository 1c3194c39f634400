"""About: purpose, how sources are graded, the data version and latest changes, the glossary, the notice."""
import streamlit as st

from evidash import summary
from evidash.cite import escape_md
from evidash.load import changelog_entries
from evidash.vocab import SOURCE_TIER, SOURCE_TYPE_LABELS, TIER_LABELS
from evidash.state import PageState, run_page
from evidash.text import DISCLAIMER


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
    rows = [{"Source type": SOURCE_TYPE_LABELS[k], "Strength": f"{v} · {TIER_LABELS[v]}"}
            for k, v in sorted(SOURCE_TIER.items(), key=lambda kv: kv[1])]
    st.table(rows)
    st.markdown(
        "Each cell shows the strongest kind of source behind *that claim*. A payer (an insurer's or Medicare's coverage "
        "policy, a fee schedule, a billing guide) is evidence of what is paid for, not of what works or what is approved: "
        "it never counts towards the badge of an onset, durability, efficacy, evidence-status or regulatory cell, and the "
        "validator rejects such a cell if a payer is its only source. Every number says what it measures (first "
        "improvement, response, remission, the time until half of patients improved, % of patients, price), the design "
        "behind it and, for a single study, its size; results from fewer than 50 patients or without a control group are "
        "marked ⚠. Where a search found nothing citable, the cell says *No evidence found* and its card says what was "
        "searched. Prices always carry currency, year and place; a price from an undated page carries the year it was "
        "seen, and says so, for every treatment alike."
    )
    st.subheader("Data version and latest changes")
    st.markdown(f"Data version **{escape_md(ev.version)}**, reviewed up to **{ev.as_of}**. Contents: {escape_md(summary(ev))}.")
    served = state.served
    if served is not None and served.stale:
        pending_problems(served)
    entries = changelog_entries(ev.data_dir, limit=3)
    if entries:
        for heading, text in entries:
            with st.expander(heading, expanded=heading == entries[0][0]):
                st.markdown(text)
    else:
        st.caption("No data changelog (data/CHANGELOG.md) was found.")
    st.subheader("Glossary")
    st.table(ev.glossary.rename(columns={"term": "Term", "expansion": "Stands for", "explanation": "Meaning"})
             .set_index("Term").rename_axis(None))


def pending_problems(served) -> None:
    """For maintainers: why a newer edit of the data is not shown (file, row, column, problem; file names
    are relative to the data folder)."""
    with st.container(key="pending_data_problems"):
        st.markdown(f"**A newer edit of the data files is not shown:** it has {len(served.pending)} problem(s). "
                    f"Viewers see the last version that passed the checks"
                    f"{' (first seen ' + served.saved_at + ')' if served.saved_at else ''}. "
                    "Fix the rows below (see data/README.md); the next page load then shows the new version.")
        st.dataframe([{"File": p.file, "Row": p.row, "Column": p.column, "Problem": p.message} for p in served.pending[:500]],
                     hide_index=True, width="stretch")


run_page("about", body)
