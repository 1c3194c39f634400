"""Cost and access: dated, located price ranges; coverage, regulatory status and availability."""
import streamlit as st

from evidash import charts, render, views
from evidash.state import footer, setup_page

state = setup_page("Cost and access")
ev = state.evidence
prices = views.costs(ev, state.treatment_ids)
fig = charts.cost_chart(prices, views.colour_map(ev), "Reported prices (each bar: its own currency, year and place)")
bases = "; ".join(sorted(set(prices["Price basis"]))) if len(prices) else "none"
summary = (f"{len(prices)} reported prices from these bases: {bases}. Amounts are shown as reported, "
           "not converted between currencies or adjusted for inflation.")
render.chart_block(ev, state.present, fig, summary, views.table_for(prices, ["Price basis"]), "cost")

st.subheader("Coverage, regulatory status and availability")
access = views.attribute_table(ev, views.ACCESS_ATTRIBUTES, state.treatment_ids)
st.dataframe(views.wide(access, views.treatment_table(ev, state.treatment_ids)), hide_index=True, width="stretch", row_height=60)
st.caption("Regulatory status is given per jurisdiction (US FDA, England NICE, Scotland SMC) with dates.")
footer(ev)
