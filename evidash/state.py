"""Page setup shared by every page: data (cached once per data version), URL-bound filters, chrome.

Every page calls ``setup_page()`` first, so a page works the same whether it is reached through the
navigation, a deep link on a freshly started server, or AppTest.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from . import nav
from .data import Evidence, load_evidence
from .load import data_dir_from_env, data_version
from .problems import errors
from .views import ALL

APP_TITLE = "Ketamine, CBT, ECT and TMS: a sourced comparison"
DISCLAIMER = "Educational material, not medical advice. Talk to a qualified clinician about any treatment decision."
MAX_PARAM_LENGTH = 200


@st.cache_resource(show_spinner="Loading and checking the evidence data…", max_entries=4)
def _load(data_dir: str, version: str) -> Evidence:
    """Read and validate once per data version (the version changes when any data file changes).

    ``cache_resource`` shares one read-only copy across reruns and sessions (no copy per rerun); pages
    never modify the returned tables.
    """
    return load_evidence(Path(data_dir))


def get_evidence() -> Evidence:
    data_dir = data_dir_from_env()
    return _load(str(data_dir), data_version(data_dir))


@dataclass
class PageState:
    evidence: Evidence
    condition: str
    treatment_ids: list[str]


def _show_data_problems(ev: Evidence) -> None:
    bad = errors(ev.problems)
    st.error(
        f"The evidence data in `{ev.data_dir}` has {len(bad)} problem(s), so the dashboard cannot show it. "
        "Nothing has been changed in the files. A maintainer can fix them (see data/README.md) and reload."
    )
    st.dataframe(
        [{"File": p.file, "Row": p.row, "Column": p.column, "Problem": p.message} for p in bad[:500]],
        hide_index=True, width="stretch",
    )


def _url_params(ev: Evidence) -> tuple[list[str], dict[str, list[str]]]:
    """Check the URL's filter values; restore a query string lost by a mode switch (see nav.py).

    Returns notices for values that are not valid (the widgets then fall back to their defaults)
    and the query string as read.
    """
    restored = nav.take_query_to_restore()
    params = restored if restored is not None else {k: st.query_params.get_all(k) for k in st.query_params}
    notes = []
    conditions = set(ev.conditions["condition_id"]) | {ALL}
    raw = params.get("condition", [])
    if raw and (len(raw) > 1 or raw[0] not in conditions or len(raw[0]) > MAX_PARAM_LENGTH):
        notes.append("The condition in the link was not recognised, so all conditions are shown.")
        raw = []
    treatments = set(ev.treatments["treatment_id"])
    raw_t = params.get("treatments", [])
    if raw_t and any(t not in treatments or len(t) > MAX_PARAM_LENGTH for t in raw_t):
        notes.append("Some treatments in the link were not recognised and were left out.")
    if restored is not None:
        if raw:
            st.session_state["condition"] = raw[0]
        good_t = [t for t in raw_t if t in treatments]
        if good_t:
            st.session_state["treatments"] = good_t
        for key, values in restored.items():
            if key not in ("condition", "treatments"):
                st.query_params[key] = values if len(values) > 1 else values[0]
    return notes, params


def setup_page(title: str) -> PageState:
    """Page config, data, sidebar filters bound to the URL, and notices. Stops the page on bad data."""
    st.set_page_config(page_title=f"{title} · Evidence dashboard", page_icon=":material/balance:", layout="wide")
    nav.ensure_navigation()
    try:
        ev = get_evidence()
    except Exception as exc:  # never show a traceback to a viewer
        st.error(f"The evidence data could not be loaded ({type(exc).__name__}). Nothing has been changed in the files.")
        footer(None)
        st.stop()
    if not ev.ok:
        _show_data_problems(ev)
        footer(None)
        st.stop()
    notes, _ = _url_params(ev)
    names = dict(zip(ev.conditions["condition_id"], ev.conditions["name"]))
    names[ALL] = "All conditions"
    tnames = dict(zip(ev.treatments["treatment_id"], ev.treatments["name"]))
    with st.sidebar:
        condition = st.selectbox(
            "Condition", [ALL] + list(ev.conditions["condition_id"]), format_func=lambda c: names.get(c, c),
            key="condition", bind="query-params",
        )
        chosen = st.multiselect(
            "Treatments shown", list(ev.treatments["treatment_id"]), default=list(ev.treatments["treatment_id"]),
            format_func=lambda t: tnames.get(t, t), key="treatments", bind="query-params",
        )
    if not chosen:
        notes.append("No treatment was selected, so all five are shown.")
        chosen = list(ev.treatments["treatment_id"])
    st.title(title)
    for note in notes:
        st.info(note, icon=":material/info:")
    return PageState(evidence=ev, condition=condition or ALL, treatment_ids=list(chosen))


def footer(ev: Evidence | None) -> None:
    as_of = f" Data reviewed up to {ev.as_of}." if ev is not None else ""
    st.divider()
    st.caption(f"{DISCLAIMER}{as_of} Every value links to its source; see the Sources and About pages.")
