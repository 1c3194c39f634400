"""Onset speed: time to first response on a log time axis, with durability alongside."""
import streamlit as st

from evidash import charts, render, views
from evidash.state import footer, setup_page

state = setup_page("Onset speed: how soon does it work?")
ev = state.evidence
label = views.condition_label(ev, state.condition)
data = views.onset(ev, state.condition, state.treatment_ids)
plotted = data.dropna(subset=["value_min", "value_max"])
fig = charts.range_chart(plotted, "value_min", "value_max", views.colour_map(ev), f"Time to first response · {label}",
                         "Time after the first session (log scale)", log_days=True)
fastest = plotted.sort_values("value_min").iloc[0] if len(plotted) else None
summary = (f"For {label.lower()}, {len(plotted)} of {len(data)} treatment cells report a time to first response; "
           + (f"the earliest reported is {fastest['Label']} ({fastest['value']})." if fastest is not None else "none are numeric.")
           + " Ranges come from different trials and populations, so compare them with care.")
render.chart_block(ev, state.present, fig, summary, views.table_for(data), f"onset-{state.condition}")

st.subheader("Durability, relapse and maintenance")
dur = views.durability(ev, state.condition, state.treatment_ids)
render_table = views.table_for(dur)[["Treatment", "Condition", "Value", "Backing", "Sources", "Cell id"]]
st.dataframe(render_table, hide_index=True, width="stretch")
st.download_button("Download durability table (CSV)", render_table.to_csv(index=False).encode("utf-8"),
                   file_name=f"durability-{state.condition}.csv", mime="text/csv")
footer(ev)
