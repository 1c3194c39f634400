"""Overview: the comparison matrix for the selected condition; clicking a cell opens its evidence card."""
import streamlit as st

from evidash import render, views
from evidash.state import (NOTICES, PageState, copy_link_popover, exit_presenter_button, handout_slot, run_page, sync_param,
                            url_choice)


def _go_to_step(step: int) -> None:
    st.session_state["step"] = str(step)


def presenter_steps(state: PageState) -> None:
    """Presenter mode: one attribute group at a time, stepped with the arrow keys."""
    if url_choice("step", [str(i) for i in range(1, len(render.PRESENTER_STEPS) + 1)], "1"):
        st.info("The step in the link was not recognised, so the first card is shown.", icon=":material/info:")
    step = int(st.session_state["step"])
    bar = st.columns([1.6, 1.3, 3.7, 1.6, 1.9], vertical_alignment="center")
    bar[0].button("Previous", icon=":material/arrow_back:", shortcut="Left", disabled=step == 1, key="prev_step",
                  on_click=_go_to_step, args=(step - 1,))
    bar[1].button("Next", icon=":material/arrow_forward:", shortcut="Right", disabled=step == len(render.PRESENTER_STEPS),
                  key="next_step", on_click=_go_to_step, args=(step + 1,))
    sync_param("step", str(step), "1")
    exit_presenter_button(bar[2])
    copy_link_popover(bar[3])
    handout_slot(bar[4])
    render.presenter_card(state.evidence, state.condition, state.treatment_ids, step)


def body(state: PageState) -> None:
    ev = state.evidence
    url_cell = st.query_params.get("cell")
    if url_cell is not None and url_cell not in set(ev.cells["cell_id"]):
        st.info("The cell in the link was not found in the data, so no evidence card is open.", icon=":material/info:")
        url_cell = None
    if state.present:
        presenter_steps(state)
        return
    if url_choice("group", render.GROUP_CHOICES, "all"):
        st.info(NOTICES["group"], icon=":material/info:")
    bar = st.columns([5, 1.4], vertical_alignment="center")
    group = bar[0].segmented_control(
        "Attribute group", render.GROUP_CHOICES, format_func=render.GROUP_SHORT.get,
        required=True, key="group", label_visibility="collapsed",
    )
    sync_param("group", group, "all")
    with bar[1].popover("How to read a cell", icon=":material/help:"):
        st.markdown(render.LEGEND)
    if state.condition == views.ALL and len(ev.conditions) > views.MAX_CONDITION_ROWS:
        st.caption(f"With all conditions, rows that differ by condition show the first {views.MAX_CONDITION_ROWS} of "
                   f"{len(ev.conditions)} conditions; pick a condition above for any other.")
    clicked = render.matrix(ev, state.condition, state.treatment_ids, group or "all")
    selected = clicked or url_cell
    if selected:
        if st.query_params.get("cell") != selected:
            st.query_params["cell"] = selected
        render.evidence_dialog(ev, selected)


run_page("Overview: compare treatments", body, presenter_bar=True)
