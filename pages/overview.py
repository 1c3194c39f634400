"""Overview: the comparison matrix for the selected condition; clicking a cell opens its evidence card."""
import streamlit as st

from evidash import render, views
from evidash.state import NOTICES, footer, setup_page, sync_param, url_choice

state = setup_page("Overview: compare treatments")
ev = state.evidence

url_cell = st.query_params.get("cell")
if url_cell is not None and url_cell not in set(ev.cells["cell_id"]):
    st.info("The cell in the link was not found in the data, so no evidence card is open.", icon=":material/info:")
    url_cell = None

st.markdown(f"Condition: **{views.condition_label(ev, state.condition)}** · click any cell to see where it comes from.")
if url_choice("group", render.GROUP_CHOICES, "all"):
    st.info(NOTICES["group"], icon=":material/info:")
group = st.segmented_control(
    "Attribute group", render.GROUP_CHOICES, format_func=lambda g: "All groups" if g == "all" else views.GROUP_LABELS[g],
    required=True, key="group",
)
sync_param("group", group, "all")
with st.expander("How to read a cell", expanded=False):
    st.markdown(render.LEGEND)
clicked = render.matrix(ev, state.condition, state.treatment_ids, group or "all")
selected = clicked or url_cell
if selected:
    if st.query_params.get("cell") != selected:
        st.query_params["cell"] = selected
    render.evidence_dialog(ev, selected)
footer(ev)
