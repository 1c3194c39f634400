"""Side effects: heatmap of frequency bands; pick a category to list specific effects with sources."""
import streamlit as st

from evidash import charts, render, views
from evidash.state import footer, setup_page

state = setup_page("Side effects")
ev = state.evidence
grid = views.side_effect_grid(ev, state.treatment_ids)
fig = charts.heatmap(grid, "Side-effect categories: highest reported frequency band")
very = grid[grid["band"] == "very_common"]
summary = (f"The heatmap shows {grid['attribute_id'].nunique()} side-effect categories for {grid['treatment_id'].nunique()} treatments; "
           f"{len(very)} combinations are reported as very common (10% of patients or more). Bands come from different studies.")
render.chart_block(ev, state.present, fig, summary, views.table_for(grid, ["Band"]), "side-effects")

attrs = ev.attributes[ev.attributes["group"] == "side_effects"]
names = dict(zip(attrs["attribute_id"], attrs["name"]))
category = st.selectbox("Show specific effects for", list(attrs["attribute_id"]), format_func=names.get, key="category")
cells = grid.loc[grid["attribute_id"] == category, "cell_id"].tolist()
effects = views.effects_for_cells(ev, cells)
if len(effects):
    render.effects_table(effects)
else:
    st.caption("No specific effects with frequencies are recorded for this category.")
footer(ev)
