"""The bare floor page (bench/floor_app.py) served through st.navigation with a second page, so the
browser also draws a sidebar with page links, as in any multipage app. bench.py --nav-floor measures
it next to the bare page, to separate the cost of being a multipage app from the dashboard's own."""
import plotly.express as px
import streamlit as st

CONDITIONS = [f"Floor condition {i}" for i in range(1, 10)]


def floor() -> None:
    condition = st.selectbox("Condition", CONDITIONS, key="condition")
    i = CONDITIONS.index(condition) + 1
    weeks = list(range(1, 13))
    fig = px.line(x=weeks, y=[(w * i) % 17 + w for w in weeks], markers=True,
                  title=f"Score by week · {condition}", labels={"x": "Week", "y": "Score"})
    st.plotly_chart(fig)


def other() -> None:
    st.write("A second page, so that the navigation has two links.")


st.navigation([st.Page(floor, title="Floor", default=True), st.Page(other, title="Other", url_path="other")]).run()
