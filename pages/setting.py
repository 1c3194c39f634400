"""Administration setting: time commitment of a course and where / who / anaesthesia / monitoring."""
import streamlit as st

from evidash import charts, render, views
from evidash.state import footer, setup_page

state = setup_page("Administration setting: what a course involves")
ev = state.evidence
nums = views.setting_numbers(ev, state.treatment_ids)
nums["value"] = [f"{r.course_sessions_text}; {r.visit_minutes_text} per visit" for r in nums.itertuples()]
nums["Label"] = nums["Treatment"]
nums["Sources"] = "Derived: sessions per course × time in clinic per visit (see table for each source)"
nums["Backing"] = "Derived from the cells below"
fig = charts.range_chart(nums, "hours_min", "hours_max", views.colour_map(ev), "Total hours in clinic for a typical initial course (derived)",
                         "Hours (sessions per course × time in clinic per visit, incl. required monitoring)")
known = nums.dropna(subset=["hours_min"])
summary = (f"{len(known)} of {len(nums)} treatments have both a course length and a time per visit, so a total time "
           "in clinic can be derived; the others lack one of the two numbers.")
table = views.table_for(views.attribute_table(ev, views.SETTING_NUMERIC, state.treatment_ids))
render.chart_block(ev, state.present, fig, summary, table, "setting-time")

st.subheader("Where, who, anaesthesia, monitoring and driving")
text = views.attribute_table(ev, views.SETTING_TEXT, state.treatment_ids)
st.dataframe(views.wide(text, views.treatment_table(ev, state.treatment_ids)), hide_index=True, width="stretch", row_height=60)
st.caption("Open the Overview and select a cell to read its detail and sources.")
footer(ev)
