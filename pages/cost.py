"""Cost and access: dated, located price ranges; coverage, regulatory status and availability."""
from evidash import figures, render
from evidash.state import PageState, run_page


def body(state: PageState) -> None:
    ev = state.evidence
    view = figures.cost(ev, ev.version, tuple(state.treatment_ids))
    render.chart_block(ev, state.present, view)
    render.wide_table("Coverage, regulatory status and availability", view.companion_table,
                      "Regulatory status is given per jurisdiction (US FDA, England NICE, Scotland SMC) with dates.")


run_page("cost", body)
