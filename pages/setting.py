"""Administration setting: time commitment of a course and where / who / anaesthesia / monitoring."""
from evidash import figures, render
from evidash.state import PageState, run_page


def body(state: PageState) -> None:
    ev = state.evidence
    view = figures.setting(ev, ev.version, tuple(state.treatment_ids))
    render.chart_block(ev, state.present, view)
    render.wide_table("Where, who, anaesthesia, monitoring and driving", view.companion_table,
                      "Open the Overview and select a cell to read its detail and sources.")


run_page("setting", body)
