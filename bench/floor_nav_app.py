"""The bare floor page (bench/floor_app.py) served through st.navigation with a second page, so the
browser also draws a sidebar with page links, as in any multipage app. bench.py --nav-floor measures
it next to the bare page, to separate the cost of being a multipage app from the dashboard's own."""
import streamlit as st
from floor_app import floor  # same folder: streamlit puts the script's folder on sys.path


def other() -> None:
    st.write("A second page, so that the navigation has two links.")


st.navigation([st.Page(floor, title="Floor", default=True), st.Page(other, title="Other", url_path="other")]).run()
