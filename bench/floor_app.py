"""The bare floor page for bench.py: one selectbox (9 options) and one plotly express chart.

The chart title includes the selected condition, so bench.py measures filter changes the same way
as on the dashboard (wait for `.gtitle` to show the new name). No data files are read.
"""
import plotly.express as px
import streamlit as st

CONDITIONS = [f"Floor condition {i}" for i in range(1, 10)]


def floor_figure(condition: str):
    i = CONDITIONS.index(condition) + 1
    weeks = list(range(1, 13))
    return px.line(x=weeks, y=[(w * i) % 17 + w for w in weeks], markers=True,
                   title=f"Score by week · {condition}", labels={"x": "Week", "y": "Score"})


def floor() -> None:
    condition = st.selectbox("Condition", CONDITIONS, key="condition")
    st.plotly_chart(floor_figure(condition))


if __name__ == "__main__":  # `streamlit run bench/floor_app.py` (floor_nav_app.py imports floor(), plot_draw.py floor_figure())
    floor()
