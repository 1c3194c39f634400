"""The navigation, built from the page registry (pages.toml): used by dashboard.py and by pages reached without it."""
import streamlit as st

from . import registry, urlstate

ENTRY_FLAG = "_entered_via_navigation"
PAGE_ICON = "⚖️"  # the browser tab's icon: an emoji is drawn locally, no request to a font server


def set_icon() -> None:
    """Set the tab icon before the navigation is sent: otherwise the browser takes the current page's Material
    icon as favicon and loads it from fonts.gstatic.com (a request to Google on every page, which the
    Content-Security-Policy blocks and reports)."""
    st.set_page_config(page_icon=PAGE_ICON)


def _home() -> None:
    """The root URL: go to the overview with the same query string, so the overview has its own
    address (/overview) like every other page (the default page of st.navigation is always /)."""
    urlstate.switch_page(registry.pages()[0].file)


def pages() -> list:
    home = st.Page(_home, title="Home", url_path="home", default=True, visibility="hidden")
    return [home] + [st.Page(p.file, title=p.nav, icon=p.icon, url_path=p.slug) for p in registry.pages()]


def run() -> None:
    """Build the navigation and run the chosen page (the whole of dashboard.py)."""
    set_icon()
    page = st.navigation(pages())
    st.session_state[ENTRY_FLAG] = True
    page.run()


def ensure_navigation() -> None:
    """Why this exists: with a pages/ folder, a freshly started server runs a deep-linked page file without the
    entrypoint (Streamlit's old multipage mode). We register the navigation and switch to the same page, URL and
    query string. Guarded by tests/e2e/test_browser.py::test_permalink_reproduces_the_view_in_a_fresh_context."""
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

    known = {p.file for p in registry.pages()}
    for frame in inspect.stack():
        path = Path(frame.filename)
        rel = f"{path.parent.name}/{path.name}"
        if rel in known:
            return rel
    return None


def _in_apptest() -> bool:
    import sys
    return "streamlit.testing.v1.app_test" in sys.modules
