"""Page setup shared by every page: data (cached once per data version), URL-bound filters, chrome.

Every page file ends with one call to ``run_page()``, which sets the page up first (``setup_page``), so a
page works the same whether it is reached through the navigation, a deep link on a freshly started
server, or AppTest. What the URL holds is declared in ``urlstate``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from . import handout, lastgood, nav, presenter, reconnect, registry, urlstate
from .data import Evidence, load_evidence
from .urlstate import view_url
from .load import data_dir_from_env, data_version
from .problems import errors
from .render import page_css
from .text import DISCLAIMER, FOOTER_TAIL, count
from . import views
from .views import ALL


reconnect.install()  # a browser that reconnects from a dead worker gets a full run (see reconnect.py)


@st.cache_resource(show_spinner="Loading and checking the evidence data…", max_entries=4)
def _load(data_dir: str, version: str) -> Evidence:
    """Read and validate once per data version (the version changes when any data file changes).

    ``cache_resource`` shares one read-only copy across reruns and sessions (no copy per rerun); pages
    never modify the returned tables.
    """
    return load_evidence(Path(data_dir))


def get_served() -> lastgood.Served:
    """The data version to show: the files on disk if they validate, else the last version that did
    (``lastgood``), else the files with their problems."""
    data_dir = data_dir_from_env()
    return lastgood.STORE.choose(data_dir, _load(str(data_dir), data_version(data_dir)))


def get_evidence() -> Evidence:
    return get_served().evidence


@dataclass
class PageState:
    evidence: Evidence
    condition: str
    treatment_ids: list[str]
    present: bool = False
    served: lastgood.Served | None = None  # which data version is shown, and the problems of newer files
    family: bool = False  # family mode (?audience=family): plain texts, family verdict labels (family.py)


PRESENTER_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] {font-size: 21px;}
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"] {display: none !important;}
[data-testid="stAppViewContainer"] {background: #ffffff; color: #000000;}
.block-container {padding-top: 1rem; max-width: 100%;}
.stMarkdown p, .stMarkdown li, [data-testid="stTable"] td, [data-testid="stTable"] th,
[data-testid="stWidgetLabel"] p {font-size: 21px !important; color: #000000;}
[data-testid="stTable"] td, [data-testid="stTable"] th {border: 1px solid #333333 !important; vertical-align: top;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, .stCaption {color: #111111 !important; font-size: 19px !important;}
h1 {font-size: 2.1rem !important;}
.block-container {padding-top: 0.6rem !important;}
.st-key-presenter_bar {gap: 0.4rem;}
.st-key-presenter_bar > div:has(.stMarkdown) {flex: 1 1 240px !important; min-width: 240px;}
.st-key-presenter_bar button {padding: 0.2rem 0.6rem !important; min-height: 2.3rem !important;}
.st-key-presenter_bar button p {font-size: 18px !important; white-space: nowrap;}
.st-key-presenter_bar [data-testid="stMarkdownContainer"] p {margin: 0;}
[class*="st-key-cell__"] button p {font-size: 17px !important; line-height: 1.3 !important;}
.st-key-matrix [data-testid="stMarkdownContainer"] p, .st-key-matrix_head p {font-size: 20px !important; line-height: 1.25;}
h3 {font-size: 1.35rem !important; padding: 0.2rem 0 0.1rem 0 !important;}
[data-testid="stHeading"]:has(h3) [data-testid="stMarkdownContainer"] {margin-bottom: -0.6rem !important;}
.st-key-matrix_head {top: 0 !important;}
.st-key-condition [data-testid="stWidgetLabel"], .st-key-treatments [data-testid="stWidgetLabel"] {position: absolute !important;
  width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;}
.st-key-presenter_qr {position: fixed; right: 14px; bottom: 14px; z-index: 999990; width: 172px !important;
  background: #ffffff; border: 2px solid #000000; border-radius: 6px; padding: 6px 6px 2px 6px; gap: 0;}
.st-key-presenter_qr [data-testid="stImageCaption"], .st-key-presenter_qr [data-testid="stCaptionContainer"] {font-size: 15px !important; color: #000000 !important; text-align: center; margin: 0;}
</style>
"""
# With the QR code on, the page keeps the bottom-right corner free, so the QR code covers no content.
QR_ROOM_CSS = "<style>.block-container {padding-right: 196px !important;}</style>"
_LINK_SLOT = "_copy_link_slot"

def _show_data_problems(ev: Evidence) -> None:
    bad = errors(ev.problems)
    st.error(
        f"The evidence data has {count(len(bad), 'problem')}, so the dashboard cannot show it. "
        "Nothing has been changed in the files. A maintainer can fix them (see data/README.md) and reload."
    )
    st.dataframe(
        [{"File": p.file, "Row": p.row, "Column": p.column, "Problem": p.message} for p in bad[:500]],
        hide_index=True, width="stretch",
    )


_NOTES = "_url_notices"


def setup_page(title: str) -> PageState:
    """Everything outside the filtered body: page config, data, filter values seeded from the URL
    (or kept from the previous page), the presenter switch, the title. Stops the page on bad data.

    The returned state holds the filter values as seeded; ``filtered_body`` draws the widgets that
    change them.
    """
    st.set_page_config(page_title=f"{title} · Evidence dashboard", page_icon=nav.PAGE_ICON, layout="wide")
    nav.ensure_navigation()
    page_css()
    try:
        served = get_served()
    except Exception as exc:  # never show a traceback to a viewer
        st.error(f"The evidence data could not be loaded ({type(exc).__name__}). Nothing has been changed in the files.")
        footer(None)
        st.stop()
    ev = served.evidence
    if not ev.ok:
        _show_data_problems(ev)
        footer(None)
        st.stop()
    if served.stale:
        stale_banner(served)
    present = _seed_url_state(ev)
    if present:
        st.html(PRESENTER_CSS + (QR_ROOM_CSS if urlstate.kept("qr") else ""))
    else:
        st.title(title)
    return PageState(evidence=ev, condition=st.session_state["condition"], treatment_ids=list(st.session_state["treatments"]),
                     present=bool(present), served=served, family=st.session_state.get("audience") == "family")


def stale_banner(served: lastgood.Served) -> None:
    """One quiet line while the files on disk do not validate and the last good version is shown."""
    with st.container(key="stale_data_banner"):
        st.caption(f":material/history: {stale_text(served)}")


def stale_text(served: lastgood.Served) -> str:
    return (f"Showing the evidence data as of {served.evidence.as_of} (data version {served.evidence.version}); "
            "a newer edit of the data is being checked and is not shown yet.")


def _seed_url_state(ev: Evidence) -> bool:
    """Read the link: the kept filters (their notices are shown once, by the filtered body) and presenter
    mode with its QR code; draws the presenter switch and returns whether presenter mode is on."""
    urlstate.read_query()
    filters = [p.name for p in urlstate.PARAMS.values() if p.kept and not p.presenter]
    bad = [urlstate.seed_from_url(name, ev) for name in filters]
    st.session_state[_NOTES] = [urlstate.notice(b, ev) for b in bad if b]
    urlstate.seed_from_url("present", ev)
    urlstate.seed_from_url("qr", ev)
    with st.sidebar:
        present = st.toggle("Presenter mode", key="present", on_change=urlstate.remember, args=("present",),
                            help="Large type, no sidebar, one card per attribute group (also ?present=1).")
        st.session_state["family_mode"] = st.session_state.get("audience") == "family"
        family = st.toggle("Family mode", key="family_mode", on_change=_remember_audience,
                           help="Plain words for patients and families: plain verdict labels, 'What this means for you', "
                                "terms explained (also ?audience=family).")
    urlstate.write("audience", "family" if family else "general", ev)
    urlstate.write("present", present, ev)
    urlstate.write("qr", present and urlstate.kept("qr"), ev)  # the on-screen QR code (presenter mode)
    return present


def _remember_audience() -> None:
    urlstate.keep("audience", "family" if st.session_state["family_mode"] else "general")


def run_page(page: str, body) -> None:
    """A whole page: ``setup_page``, then ``body(state)`` under a row with the page's filters, then the footer.

    The filters and the body form one ``st.fragment``: changing a filter reruns just that part, so
    the browser redraws the filters and what they change, not the navigation, title and footer.
    ``page`` is the page's slug in the registry (pages.toml), which gives its title and the filters its content
    depends on; the others keep their values (and stay in the URL) but are not shown, so no control on screen
    ever does nothing.
    """
    spec = registry.page(page)
    st.session_state[presenter.PAGE] = page
    state = setup_page(spec.title)
    presenter.bar(page, state.evidence, state.condition, state.treatment_ids, state.present)
    history_script()
    # In presenter mode or a lesson the whole page reruns on a change, so the bar always matches the body.
    run_body = _filtered_body if (state.present or presenter.lesson_value()) else filtered_body
    run_body(state, body, urlstate.filters_for(page), spec.title)
    footer(state.evidence)


def history_script() -> None:
    """One browser history entry per view, and each new step shown from its top: a small static script
    (static/history.js, served by Streamlit's static serving; no inline script, for a strict CSP)."""
    # In the sidebar, so it takes no room (nor a gap) on the page; the script runs while the sidebar is hidden too.
    st.sidebar.html('<script src="/app/static/history.js"></script>', unsafe_allow_javascript=True, width="content")


FILTER_WIDTHS = {"condition": 2.6, "treatments": 4.3}


def _filter_row(ev: Evidence, filters: tuple[str, ...], own_link: bool) -> list:
    """This page's filter widgets in one row, with room for the copy-link control; returns the row's columns."""
    link_width = [1.4] if own_link else []
    row = st.columns([FILTER_WIDTHS[f] for f in filters] + link_width, vertical_alignment="bottom") if filters else [st.container()]
    cols = dict(zip(filters, row))
    if "condition" in cols:
        names = {**ev.names("condition"), ALL: "All conditions"}
        cols["condition"].selectbox("Condition", urlstate.allowed("condition", ev),
                                    format_func=lambda c: names.get(c, c), key="condition",
                                    on_change=urlstate.remember, args=("condition",))
    if "treatments" in cols:
        treatment_ids = urlstate.allowed("treatments", ev)
        short = ev.names("treatment_short")
        cols["treatments"].multiselect(
            "Treatments shown", treatment_ids, format_func=lambda t: short.get(t, t), key="treatments",
            on_change=urlstate.remember, args=("treatments",), placeholder="Choose treatments",
            help="Full names: " + "; ".join(ev.treatments["name"]) if len(treatment_ids) <= 12 else None)
    return row


def _filtered_body(state: PageState, body, filters: tuple[str, ...], title: str = "") -> None:
    """The filter row (this page's filters and the copy-link control), notices, then ``body``.

    Runs as a fragment: a fragment rerun reuses ``state`` from the last full run for the data and
    presenter mode, and reads the filter values from the widgets."""
    ev = state.evidence
    defaults = urlstate.default("treatments", ev)
    row = _filter_row(ev, filters, True)
    condition = st.session_state.get("condition", urlstate.kept("condition", ALL))
    chosen = list(st.session_state.get("treatments", urlstate.kept("treatments", defaults)))
    urlstate.write("condition", condition, ev)
    urlstate.write("treatments", chosen, ev)
    st.session_state[_LINK_SLOT] = row[-1].container()
    notes = st.session_state.pop(_NOTES, [])
    if not chosen:
        notes.append("No treatment was selected, so the default treatments are shown.")
        chosen = defaults
    for note in notes:
        st.info(note, icon=":material/info:")
    shown_state = PageState(evidence=ev, condition=condition or ALL, treatment_ids=chosen, present=state.present,
                            served=state.served, family=state.family)
    handout.start()  # the body's charts and tables register themselves for the handout
    body(shown_state)
    copy_link()
    # The handout control closes the page's content: next to the filters it squeezed the treatment list on a
    # 1280-px screen.
    handout_popover(st.container(key="handout_row"), title, shown_state, filters)
    presenter_qr(state.present)


filtered_body = st.fragment(_filtered_body)


def presenter_qr(present: bool) -> None:
    """In presenter mode with the QR code switched on: the QR code of this view, fixed in the bottom-right corner."""
    if not (present and urlstate.kept("qr")):
        return
    link = view_url()
    with st.container(key="presenter_qr"):
        st.image(handout.qr_png(link, scale=4), width=156, caption="Scan to open this view",
                 alt=f"QR code of the address of this view: {link}")
        if urlstate.local_only():  # the presenter's screen only: the audience's phones open the public address
            st.caption(urlstate.LOCAL_ONLY_NOTICE)


def handout_popover(container, title: str, state: PageState, filters: tuple[str, ...]) -> None:
    """'Handout (PDF)': a page-size choice and the download, built only when clicked (the popover's content
    is drawn only while it is open; opening it starts the chart renderer, so the click is quick)."""
    box = container.popover("Handout (PDF)", icon=":material/picture_as_pdf:", key="handout_popover", on_change="rerun",
                            help="One PDF of this view to take away: chart or table, references with links, QR code")
    if not box.open:
        return
    from .charts import warm_up
    warm_up()
    ev = state.evidence
    locale = (getattr(st.context, "locale", None) or "").lower()
    default = "Letter" if locale in ("en-us", "en-ca", "es-mx", "fr-ca") else "A4"
    size = box.segmented_control("Page size", handout.PAGE_SIZES, default=default, key="handout_size") or default
    parts, scope = handout.collected()
    names = ev.names("treatment")
    tids = state.treatment_ids if "treatments" in filters else scope.get("treatment_ids", [])
    spec = handout.Handout(
        title=title or "Evidence dashboard", link=view_url(), parts=parts, source_ids=scope.get("source_ids", []),
        condition=views.condition_label(ev, state.condition) if "condition" in filters else None,
        treatments=[names.get(t, t) for t in tids])
    if state.family:  # large print, plain texts and questions to ask (family.py)
        from . import claimcheck, family
        spec.family, spec.title = True, f"{spec.title} (for patients and families)"
        spec.questions = family.questions(ev, claimcheck.claims_for(ev, state.condition), tids)
    box.download_button(f"Download handout ({size})", lambda: handout.build(ev, spec, size), file_name=handout.file_name(spec.title, size),
                        mime="application/pdf", key="handout_download", icon=":material/download:", on_click="ignore",
                        type="primary")
    box.caption("Title, date, data version, the chart or table of this view, numbered references with links, "
                "the disclaimer and a QR code of this view.")


def copy_link_popover(container=st) -> None:
    with container.popover("Copy link", icon=":material/link:", help="The address of exactly this view, to share or bookmark"):
        st.caption("Use the copy icon at the right of the address:")
        st.code(view_url(), language=None, wrap_lines=True)
        if urlstate.kept("present", False) and urlstate.local_only():
            st.caption(urlstate.LOCAL_ONLY_NOTICE)
        n = len(presenter.draft().steps)
        st.button("Add to lesson", icon=":material/playlist_add:", key="add_to_lesson", on_click=presenter.add_current_view,
                  args=(get_evidence(),), help=f"Add this view as a step of the lesson you are building ({count(n, 'step')} so far; "
                                               "edit it on the Lessons page)")



def copy_link() -> None:
    """A 'Copy link' control with the canonical URL of the current view (filled in at the end of
    the page run, so it includes everything the page put into the URL)."""
    slot = st.session_state.pop(_LINK_SLOT, None)
    if slot is None:
        return
    with slot:
        copy_link_popover(st.container(horizontal=True, gap="small"))


def footer(ev: Evidence | None) -> None:
    as_of = f" Data reviewed up to {ev.as_of}." if ev is not None else ""
    st.divider()
    st.caption(f"{DISCLAIMER}{as_of} {FOOTER_TAIL}")
