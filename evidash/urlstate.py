"""The URL of a view, owned here and only here: every query parameter is declared once in ``PARAMS``.

A declaration says what a parameter holds (allowed values, from the data where they come from the data),
its default, whether it holds one value or several, whether it is kept across page
switches, whether only the presenter's screen uses it, and the notice shown when a link holds a bad value.
From that come: reading a link (bad values fall back to the default, with the notice), writing a value
back (the default is removed from the URL), the filters kept across page switches, the canonical
Copy-link address and the audience's link (``view_url``). A name that is not declared cannot be written.

Old links keep working: parameter names and value formats are the ones the dashboard has always used.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import quote, urlencode, urlsplit

import streamlit as st

from . import coursecost, headtohead, registry, views
from .data import Evidence
from .vocab import ONSET_MEASURES, SOURCE_TYPE_LABELS

ALL = views.ALL
DEFAULT_MAX_TREATMENTS = 8  # larger data sets start with the first eight, so tables and charts stay legible
_QUERY = "_query_as_read"  # this session's query string at its last full run (never a module global:
# script runs of different sessions run at the same time in different threads)
_RESTORE = "_query_to_restore"  # a query string lost by the fresh-server mode switch (nav.py)
_KEPT = "_filters"  # our own copy of the kept values, so a page switch never resets them


class UndeclaredParameter(KeyError):
    """A URL parameter that is not declared in ``PARAMS``."""


@dataclass(frozen=True)
class Param:
    name: str
    allowed: Callable[[Evidence], list[str]]  # the values a link may hold
    default: Any = None  # a value, or a function of the Evidence; never written into the URL
    multi: bool = False  # several values (?treatments=a&treatments=b), else exactly one
    kept: bool = False  # kept across page switches (and so in the URL of every page)
    presenter: bool = False  # only the presenter's screen: left out of the audience's link
    flag: bool = False  # "1" / "0" in the URL, True / False on the page
    notice: str | Callable[[Evidence], str] | None = None  # shown when the link holds a bad value
    accepts: Callable[[Evidence, str], bool] | None = None  # for values no list can hold (an encoded lesson)

    def default_for(self, ev: Evidence):
        return self.default(ev) if callable(self.default) else self.default


def default_treatments(ev: Evidence) -> list[str]:
    return list(ev.treatments["treatment_id"])[:DEFAULT_MAX_TREATMENTS]


def _column(ev: Evidence, table: str, column: str) -> list[str]:
    return list(getattr(ev, table)[column])


def _pair_default(ev: Evidence, which: int) -> str:
    return headtohead.defaults(ev)[which]


def _pair_notice(ev: Evidence, which: int) -> str:
    default = _pair_default(ev, which)
    name = dict(zip(ev.treatments["treatment_id"], ev.treatments["name"])).get(default, default)
    return f"The {('first', 'second')[which]} treatment in the link was not recognised, so {name} is shown."


MAX_STEPS = 60  # a lesson's steps, or the overview's presenter slides; the page says when a step is past the end


def _steps(ev: Evidence) -> list[str]:
    return [str(i) for i in range(1, MAX_STEPS + 1)]


LESSON_FOLDER = "lessons"  # data/lessons/<id>.toml (evidash/lessons.py reads and checks them)
LESSON_VERSION = "v1"  # an encoded lesson in a link: "v1." + base64url(zlib(JSON))
LESSON_MAX = 12_000  # characters of an encoded lesson in a link


def lesson_ids(data_dir) -> list[str]:
    """The ids of the lesson files (file names without .toml), sorted."""
    if data_dir is None:
        return []
    return sorted(p.stem for p in (Path(data_dir) / LESSON_FOLDER).glob("*.toml"))


def looks_encoded(value: str) -> bool:
    return isinstance(value, str) and value.startswith(LESSON_VERSION + ".") and len(value) <= LESSON_MAX


def _lesson_ids(ev: Evidence) -> list[str]:
    return lesson_ids(ev.data_dir)


def _lesson_value(ev: Evidence, value: str) -> bool:
    return value in _lesson_ids(ev) or looks_encoded(value)


_FLAG = lambda ev: ["0", "1"]  # noqa: E731


def _basis_name(ev: Evidence) -> str:
    return coursecost.view_label(coursecost.views_of(ev)[0])
def _side_effect_categories(ev: Evidence) -> list[str]:
    return list(ev.attributes.loc[ev.attributes["group"] == views.SIDE_EFFECT_GROUP_ID, "attribute_id"])

# The declaration. Its order is the order of parameters in a canonical link (equal views, equal links).
PARAMS: dict[str, Param] = {p.name: p for p in (
    Param("condition", lambda ev: [ALL] + list(ev.conditions["condition_id"]), ALL, kept=True,
          notice="The condition in the link was not recognised, so all conditions are shown."),
    Param("treatments", lambda ev: _column(ev, "treatments", "treatment_id"), default_treatments, multi=True, kept=True,
          notice="Some treatments in the link were not recognised and were left out."),
    Param("group", lambda ev: [ALL] + views.attribute_groups(ev), ALL,
          notice="The attribute group in the link was not recognised, so all groups are shown."),
    Param("a", lambda ev: _column(ev, "treatments", "treatment_id"), lambda ev: _pair_default(ev, 0),
          notice=lambda ev: _pair_notice(ev, 0)),
    Param("b", lambda ev: _column(ev, "treatments", "treatment_id"), lambda ev: _pair_default(ev, 1),
          notice=lambda ev: _pair_notice(ev, 1)),
    Param("claim", lambda ev: _column(ev, "claims", "claim_id"),
          notice="The claim in the link was not found, so all claims are listed."),
    Param("cell", lambda ev: _column(ev, "cells", "cell_id"),
          notice="The cell in the link was not found in the data, so no evidence card is open."),
    Param("source", lambda ev: _column(ev, "sources", "source_id"),
          notice="The source in the link was not found, so all sources are listed."),
    Param("types", lambda ev: list(SOURCE_TYPE_LABELS), [], multi=True,
          notice="Some source types in the link were not recognised and were left out."),
    Param("basis", coursecost.views_of, lambda ev: coursecost.views_of(ev)[0],  # a basis, or the reported prices
          notice=lambda ev: f"The cost basis in the link was not recognised, so {_basis_name(ev)} is shown."),
    Param("heatmap", lambda ev: list(views.HEATMAP_MODES), "highest",
          notice="The heatmap view in the link was not recognised, so the highest reported rate is shown."),
    Param("category", _side_effect_categories, lambda ev: (_side_effect_categories(ev) or [None])[0],
          notice="The side-effect category in the link was not recognised, so the first category is shown."),
    Param("comparison", lambda ev: list(views.COMPARISON_VIEWS), "chart",  # the side-effect page's per-100 view switch
          notice="The comparison view in the link was not recognised, so every effect per 100 is shown."),
    Param("measure", lambda ev: list(ONSET_MEASURES), views.ONSET_MEASURE_DEFAULT,  # the onset chart's measure switch
          notice=f"The onset measure in the link was not recognised, so {ONSET_MEASURES[views.ONSET_MEASURE_DEFAULT].short.lower()} "
                 "is shown."),
    Param("audience", lambda ev: ["general", "family"], "general", kept=True,  # family mode (issue 21)
          notice="The audience in the link was not recognised, so the standard view is shown."),
    Param("present", _FLAG, "0", flag=True, kept=True, presenter=True),  # a bad value: normal view, silently
    Param("step", _steps, "1", kept=True, presenter=True,
          notice="The step in the link was not recognised, so the first step is shown."),
    Param("qr", _FLAG, "0", flag=True, kept=True, presenter=True),  # the on-screen QR code (presenter mode)
    # A lesson: the id of a file in data/lessons/, or a whole lesson encoded in the link (lessons.encode).
    # Read from the URL (else kept from the last page) by presenter.py, which also keeps ``step`` beside it.
    Param("lesson", _lesson_ids, accepts=_lesson_value, kept=True, presenter=True,
          notice="The lesson in the link could not be read, so no lesson is open."),
)}


def param(name: str) -> Param:
    try:
        return PARAMS[name]
    except KeyError:
        raise UndeclaredParameter(f"URL parameter {name!r} is not declared in evidash.urlstate.PARAMS") from None


def allowed(name: str, ev: Evidence) -> list[str]:
    return param(name).allowed(ev)


def default(name: str, ev: Evidence):
    return param(name).default_for(ev)


def notice(name: str, ev: Evidence) -> str | None:
    text = param(name).notice
    return text(ev) if callable(text) else text


def filters_for(page: str) -> tuple[str, ...]:
    """The kept filters a page's content depends on, from the page registry (the others stay in the URL but
    are not shown), in declaration order."""
    used = registry.page(page).params
    return tuple(p.name for p in PARAMS.values() if p.kept and not p.presenter and p.name in used)


# Reading -------------------------------------------------------------------------------------------

def parse(name: str, raw: list[str], ev: Evidence) -> tuple[Any, bool]:
    """The value a link's raw values stand for, and whether any was bad (then the default stands in)."""
    p = param(name)
    if p.accepts is not None:
        ok = [v for v in raw if p.accepts(ev, v)]
    else:
        known = set(p.allowed(ev))
        ok = [v for v in raw if v in known]
    bad = bool(raw) and (len(ok) != len(raw) or (not p.multi and len(raw) > 1))
    if p.multi:
        value = list(dict.fromkeys(ok)) or list(p.default_for(ev))
    else:
        value = ok[0] if ok and len(raw) == 1 else p.default_for(ev)
    return (value == "1" if p.flag else value), bad


def current() -> dict[str, list[str]]:
    """The query string now (with whatever this run has written)."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def read_query() -> dict[str, list[str]]:
    """The query string at the start of a full run (restoring one lost by the mode switch, see nav.py)."""
    restored = st.session_state.pop(_RESTORE, None)
    if restored is not None:
        st.query_params.update(restored)
    query = st.session_state[_QUERY] = restored if restored is not None else current()
    return query


def seed_from_url(name: str, ev: Evidence) -> str | None:
    """Seed the widget (session) value of ``name``: from the kept copy (kept parameters, so a page switch
    never resets them), else from the link on the first run, else the default.

    Returns ``name`` when the link held a bad value (the default is used instead; see ``notice``), else None.
    """
    p = param(name)
    store = st.session_state.setdefault(_KEPT, {})
    if p.kept and name in store:
        st.session_state[name] = store[name]
        return None
    if name in st.session_state:
        return None
    value, bad = parse(name, st.session_state.get(_QUERY, {}).get(name, []), ev)
    st.session_state[name] = value
    if p.kept:
        store[name] = value
    return name if bad else None


def from_url(name: str, ev: Evidence) -> tuple[Any, bool]:
    """A parameter that no widget holds (a cell, a claim, a source): its value in the URL now, and whether
    the link held a bad value (which is then taken out of the URL, so Copy link never repeats it)."""
    value, bad = parse(name, st.query_params.get_all(param(name).name), ev)
    if bad:
        write(name, value, ev)
    return value, bad


# Kept values ---------------------------------------------------------------------------------------

def kept(name: str, fallback=None):
    param(name)
    return st.session_state.get(_KEPT, {}).get(name, fallback)


def keep(name: str, value) -> None:
    if not param(name).kept:
        raise UndeclaredParameter(f"URL parameter {name!r} is not declared as kept")
    st.session_state.setdefault(_KEPT, {})[name] = value


def remember(name: str) -> None:
    """on_change callback of a kept parameter's widget: keep the user's new value."""
    keep(name, st.session_state[name])


# Writing -------------------------------------------------------------------------------------------

def write(name: str, value, ev: Evidence) -> None:
    """Put a value into the URL (ids, not labels); the default (or None) removes the parameter."""
    p = param(name)
    if p.flag:
        value = "1" if value else "0"
    if value is None or value == p.default_for(ev):
        _put(name, [])
    else:
        _put(name, [value] if isinstance(value, str) else list(value))


def remove(name: str) -> None:
    param(name)
    _put(name, [])


def _put(name: str, values: list[str]) -> None:
    if st.query_params.get_all(name) != values:
        if values:
            st.query_params[name] = values
        elif name in st.query_params:
            del st.query_params[name]


def switch_params() -> dict[str, str | list[str]]:
    """The declared parameters now, in the form ``st.switch_page(query_params=...)`` takes."""
    return {k: v if len(v) > 1 else v[0] for k, v in current().items() if k in PARAMS and v}


def switch_page(page: str, params: dict[str, str | list[str]] | None = None) -> None:
    """``st.switch_page`` to ``page`` carrying the declared parameters (those now, unless ``params``)."""
    st.switch_page(page, query_params=switch_params() if params is None else params)


def stash_for_rerun() -> None:
    """Keep the query string across a rerun that loses it (the fresh-server mode switch, see nav.py)."""
    st.session_state[_RESTORE] = {k: v for k, v in current().items() if k in PARAMS}


# Links ---------------------------------------------------------------------------------------------

PUBLIC_URL_ENV = "EVIDASH_PUBLIC_URL"  # the public address every printed link starts with (README, Deploying)
LOCAL_ONLY_NOTICE = ("Links and the QR code point at this machine or network, so phones in the room may not open "
                     "them. Set EVIDASH_PUBLIC_URL to the dashboard's public address (README, Deploying).")


def _secret(name: str) -> str:
    """A value from .streamlit/secrets.toml, or '' when there is no such file or key."""
    try:
        return str(st.secrets.get(name, "") or "")
    except Exception:  # no secrets file: Streamlit raises rather than returning nothing
        return ""


def public_url() -> str:
    """The public address set by whoever deploys the app: $EVIDASH_PUBLIC_URL, else ``public_url`` in
    .streamlit/secrets.toml. Given as scheme://host[:port][/prefix], without a trailing slash; '' when unset or
    not an http(s) address."""
    value = os.environ.get(PUBLIC_URL_ENV, "").strip() or _secret("public_url").strip()
    parts = urlsplit(value)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    return ""


def base_url() -> str:
    """The start of every link the app prints (Copy link, QR code, handouts, the link inside charts): the public
    address if one is set, else the address this browser used."""
    public = public_url()
    if public:
        return public
    url = getattr(st.context, "url", None) or ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def local_only() -> bool:
    """True when no public address is set and the app was reached on this machine (localhost, a loopback
    address) or on a private network: the links it prints would not open elsewhere."""
    if public_url():
        return False
    host = (urlsplit(getattr(st.context, "url", None) or "").hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def current_path() -> str:
    url = getattr(st.context, "url", None) or ""
    path = urlsplit(url).path or "/"
    return "/overview" if path == "/" else path


def canonical_url(path: str | None = None, params: dict[str, list[str]] | None = None) -> str:
    """The shareable address of the current view (or of ``path`` with ``params``): declared parameters
    only, in declaration order."""
    if params is None:
        params = current()
    query = urlencode([(k, v) for k in PARAMS for v in params.get(k, [])])
    return f"{base_url()}{path or current_path()}" + (f"?{query}" if query else "")


def link(page: str, **params: str) -> str:
    """A link from one page to another with declared parameters, e.g. ``link("overview", cell=cell_id)``."""
    for name in params:
        param(name)
    return f"/{page}" + (f"?{urlencode(params, quote_via=quote)}" if params else "")


def view_url() -> str:
    """The address of the current view as handed to the audience: ``canonical_url`` without the
    presenter's parameters, so a phone opens the normal view."""
    return canonical_url(params={k: v for k, v in current().items() if not (k in PARAMS and PARAMS[k].presenter)})
