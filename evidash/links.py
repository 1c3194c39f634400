"""Canonical links to the current view: page path plus the query that reproduces it."""
from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import streamlit as st

# Order of parameters in a canonical link (stable, so equal views give equal links).
PARAM_ORDER = ["condition", "treatments", "group", "a", "b", "claim", "cell", "source", "types", "present", "step", "qr"]
# Parameters that only change how the shared screen looks (presenter mode, its card, its QR code): a link
# handed to the audience (the QR code, the handout) leaves them out, so a phone opens the normal view.
PRESENTER_PARAMS = ("present", "step", "qr")


def base_url() -> str:
    url = getattr(st.context, "url", None) or ""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return ""


def current_path() -> str:
    url = getattr(st.context, "url", None) or ""
    path = urlsplit(url).path or "/"
    return "/overview" if path in ("", "/") else path


def canonical_url(path: str | None = None, params: dict[str, list[str]] | None = None) -> str:
    """The shareable address of the current view (or of ``path`` with ``params``)."""
    if params is None:
        params = {k: st.query_params.get_all(k) for k in st.query_params}
    ordered = [(k, v) for k in PARAM_ORDER for v in params.get(k, [])]  # unknown parameters are dropped
    query = urlencode(ordered)
    return f"{base_url()}{path or current_path()}" + (f"?{query}" if query else "")


def view_url() -> str:
    """The address of the current view as handed to the audience: ``canonical_url`` without presenter mode."""
    params = {k: st.query_params.get_all(k) for k in st.query_params if k not in PRESENTER_PARAMS}
    return canonical_url(params=params)
