"""Overview: the comparison matrix for the selected condition; selecting a cell opens its evidence card."""
import streamlit as st

from evidash import render, views
from evidash.state import footer, setup_page

state = setup_page("Overview: compare treatments")
ev = state.evidence

url_cell = st.query_params.get("cell")
if url_cell is not None and url_cell not in set(ev.cells["cell_id"]):
    st.info("The cell in the link was not found in the data, so no evidence card is open.", icon=":material/info:")
    url_cell = None

st.markdown(f"Condition: **{views.condition_label(ev, state.condition)}**. Select any cell to see where it comes from.")
st.caption(render.LEGEND)
selected = render.matrix(ev, state.condition, state.treatment_ids, url_cell)
if selected:
    if st.query_params.get("cell") != selected:
        st.query_params["cell"] = selected
    render.evidence_card(ev, selected)
footer(ev)
