"""Side effects: heatmap of frequency bands; pick a category to list specific effects with sources."""
import streamlit as st

from evidash import figures, render, views
from evidash.state import PageState, run_page


def body(state: PageState) -> None:
    ev = state.evidence
    view = figures.side_effects(ev, ev.version, tuple(state.treatment_ids))
    render.chart_block(ev, state.present, view)
    attrs = ev.attributes[ev.attributes["group"] == "side_effects"]
    names = dict(zip(attrs["attribute_id"], attrs["name"]))
    category = st.selectbox("Show specific effects for", list(attrs["attribute_id"]), format_func=names.get, key="category")
    cells = view.companion_table.loc[view.companion_table["attribute_id"] == category, "cell_id"].tolist()
    effects = views.effects_for_cells(ev, cells)
    if len(effects):
        render.effects_table(effects)
    else:
        st.caption("No specific effects with frequencies are recorded for this category.")


run_page("side-effects", body)
