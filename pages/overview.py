"""Overview: the comparison matrix for the selected condition; clicking a cell opens its evidence card.
In presenter mode (or a lesson step on this page) it shows one slide: the rows of one attribute group that fit
a 1280x720 screen, stepped by the presenter bar (evidash/presenter.py)."""
import streamlit as st

from evidash import family, presenter, render, urlstate, views
from evidash.state import PageState, run_page


def slide(state: PageState) -> str | None:
    """The presenter's slide: the current slide's part of its group, for the filters now shown."""
    ev = state.evidence
    current = presenter.current_slide()
    if current is None or current.group is None:
        return None
    slides = [s for s in presenter.overview_slides(ev, state.condition, state.treatment_ids, current.group,
                                                   narrow=bool(urlstate.kept("qr")))]
    part = slides[min(current.part, len(slides) - 1)]
    heading = f"{current.title} · {views.condition_label(ev, state.condition)}"
    return render.presenter_slide(ev, state.condition, state.treatment_ids, current.group, part.rows, heading)


def body(state: PageState) -> None:
    ev = state.evidence
    url_cell, bad = urlstate.from_url("cell", ev)
    if bad:
        st.info(urlstate.notice("cell", ev), icon=":material/info:")
    if presenter.current_slide() is not None:
        clicked = slide(state)
    else:
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
        clicked = render.matrix(ev, state.condition, state.treatment_ids, group or "all", plain=plain)
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
