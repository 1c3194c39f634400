"""Onset speed: time to first response on a log time axis, with durability alongside."""
from evidash import figures, render
from evidash.state import PageState, run_page


def body(state: PageState) -> None:
    ev = state.evidence
    view = figures.onset(ev, ev.version, state.condition, tuple(state.treatment_ids))
    render.chart_block(ev, state.present, view)
    render.lazy_table("Durability, relapse and maintenance (table with sources)", view.companion_table, key="show_durability",
                      csv_name=f"durability-{state.condition}.csv")


run_page("onset", body)
