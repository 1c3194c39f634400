"""Overview: the comparison matrix for the selected condition; clicking a cell opens its evidence card."""
import streamlit as st

from evidash import family, render, urlstate, views
from evidash.state import PageState, copy_link_popover, exit_presenter_button, handout_slot, run_page


def _go_to_step(step: int) -> None:
    st.session_state["step"] = str(step)


def presenter_steps(state: PageState) -> None:
    """Presenter mode: one attribute group at a time, stepped with the arrow keys."""
    ev = state.evidence
    if urlstate.seed_from_url("step", ev):
        st.info(urlstate.notice("step", ev), icon=":material/info:")
    step = int(st.session_state["step"])
    last = len(urlstate.allowed("step", ev))
    bar = st.columns([1.6, 1.3, 3.7, 1.6, 1.9], vertical_alignment="center")
    bar[0].button("Previous", icon=":material/arrow_back:", shortcut="Left", disabled=step == 1, key="prev_step",
                  on_click=_go_to_step, args=(step - 1,))
    bar[1].button("Next", icon=":material/arrow_forward:", shortcut="Right", disabled=step == last,
                  key="next_step", on_click=_go_to_step, args=(step + 1,))
    urlstate.write("step", str(step), ev)
    exit_presenter_button(bar[2])
    copy_link_popover(bar[3])
    handout_slot(bar[4])
    render.presenter_card(state.evidence, state.condition, state.treatment_ids, step)


def body(state: PageState) -> None:
    ev = state.evidence
    url_cell, bad = urlstate.from_url("cell", ev)
    if bad:
        st.info(urlstate.notice("cell", ev), icon=":material/info:")
    if state.present:
        presenter_steps(state)
        return
    if urlstate.seed_from_url("group", ev):
        st.info(urlstate.notice("group", ev), icon=":material/info:")
    bar = st.columns([5, 1.4], vertical_alignment="center")
    group = bar[0].segmented_control(
        "Attribute group", urlstate.allowed("group", ev), format_func=lambda g: render.GROUP_SHORT.get(g, views.GROUP_LABELS.get(g, g)),
        required=True, key="group", label_visibility="collapsed",
    )
    urlstate.write("group", group, ev)
    with bar[1].popover("How to read a cell", icon=":material/help:"):
        st.markdown(render.LEGEND)
    if state.condition == views.ALL and len(ev.conditions) > views.MAX_CONDITION_ROWS:
        st.caption(f"With all conditions, rows that differ by condition show the first {views.MAX_CONDITION_ROWS} of "
                   f"{len(ev.conditions)} conditions; pick a condition above for any other.")
    plain = family.headlines(ev) if state.family else None
    clicked = render.matrix(ev, state.condition, state.treatment_ids, group or "all", plain)
    if plain:
        terms = family.terms_in(ev, *plain.values())
        if len(terms):
            with st.expander(f"Words explained ({len(terms)})", icon=":material/menu_book:"):
                st.markdown(family.terms_markdown(terms))
    selected = clicked or url_cell
    if selected:
        urlstate.write("cell", selected, ev)
        render.evidence_dialog(ev, selected)


run_page("overview", body)
