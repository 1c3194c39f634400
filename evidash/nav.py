"""The page list, defined once: used by dashboard.py and by pages reached without it."""
import streamlit as st

from . import urlstate

PAGE_SPECS = [
    ("pages/overview.py", "Overview", ":material/grid_view:", "overview"),
    ("pages/onset.py", "Onset speed", ":material/schedule:", "onset"),
    ("pages/setting.py", "Administration setting", ":material/local_hospital:", "setting"),
    ("pages/cost.py", "Cost and access", ":material/payments:", "cost"),
    ("pages/side-effects.py", "Side effects", ":material/report:", "side-effects"),
    ("pages/head-to-head.py", "Head-to-head", ":material/compare_arrows:", "head-to-head"),
    ("pages/claims.py", "Claims check", ":material/fact_check:", "claims"),
    ("pages/sources.py", "Sources", ":material/menu_book:", "sources"),
    ("pages/about.py", "About", ":material/info:", "about"),
]
ENTRY_FLAG = "_entered_via_navigation"


def _home() -> None:
    """The root URL: go to the overview with the same query string, so the overview has its own
    address (/overview) like every other page (the default page of st.navigation is always /)."""
    urlstate.switch_page(PAGE_SPECS[0][0])


def pages() -> list:
    home = st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden")
    return [home] + [st.Page(path, title=title, icon=icon, url_path=url) for path, title, icon, url in PAGE_SPECS]


def run() -> None:
    """Build the navigation and run the chosen page (the whole of dashboard.py)."""
    page = st.navigation(pages())
    st.session_state[ENTRY_FLAG] = True
    page.run()


def ensure_navigation() -> None:
    """On a freshly started server Streamlit runs a deep-linked page file without the entrypoint
    (old-style multipage mode, with a file-name sidebar). Register the navigation and rerun so the
    page is served through it, with the same URL and query string."""
    if st.session_state.pop(ENTRY_FLAG, False):
        return
    if getattr(st.runtime, "exists", lambda: False)() and not _in_apptest():
        page = _calling_page()
        params = urlstate.switch_params()
        st.navigation(pages(), position="hidden")
        if page is None:  # not called from a page file: rerun and restore the query string then
            urlstate.stash_for_rerun()
            st.rerun()
        urlstate.switch_page(page, params)


def _calling_page() -> str | None:
    """The pages/*.py file (relative to the app folder) whose run called setup_page, if any."""
    import inspect
    from pathlib import Path

    known = {path for path, *_ in PAGE_SPECS}
    for frame in inspect.stack():
        path = Path(frame.filename)
        rel = f"{path.parent.name}/{path.name}"
        if rel in known:
            return rel
    return None


def _in_apptest() -> bool:
    import sys
    return "streamlit.testing.v1.app_test" in sys.modules
