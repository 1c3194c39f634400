"""A visitor whose worker died keeps a working page (scripts/serve.sh, issue 23).

When a Streamlit process dies, the browser reconnects by itself, and behind nginx it lands on another
process, which starts a new, empty session for it. The page still shows what the old session drew, and the
browser does not ask for a run. Its next action is often a filter change, and the filters live in a
``st.fragment`` (state.filtered_body): the browser asks to rerun a fragment this new session has never seen.
Streamlit ignores such a request on purpose (the fragment "does not exist anymore"). The visitor would then
click and click on a page that no longer answers.

``install()`` changes one thing: in a session that has not yet had a full run, a rerun of an unknown fragment
becomes a full run of the page, with the browser's widget values and URL. A session that has run keeps
Streamlit's behaviour. It wraps ``AppSession.request_rerun`` once per process. scripts/serve.sh starts its
workers through ``python -m evidash.worker`` so it is in place before the first browser reconnects; the app
also installs it on its first run (state.py). Checked by tests/e2e/test_balancer.py (a worker killed under
two browsers) and tests/test_reconnect.py.
"""
from __future__ import annotations

import logging

log = logging.getLogger("evidash.reconnect")


def install() -> bool:
    """Wrap ``AppSession.request_rerun`` (idempotent); False if this Streamlit has no such method."""
    try:
        from streamlit.proto.ClientState_pb2 import ClientState
        from streamlit.runtime.app_session import AppSession
    except ImportError:  # pragma: no cover - a Streamlit without these modules
        return False
    original = getattr(AppSession, "request_rerun", None)
    if original is None or not hasattr(AppSession, "has_fragment"):
        return False
    if getattr(original, "_evidash_reconnect", False):
        return True

    def request_rerun(self, client_state=None):
        if client_state is not None and client_state.fragment_id:
            if not getattr(self, "_evidash_had_full_run", False) and not self.has_fragment(client_state.fragment_id):
                full = ClientState()
                full.CopyFrom(client_state)
                full.fragment_id = ""
                log.info("a reconnected session asked for a fragment it never ran; running the whole page instead")
                client_state = full
        if client_state is None or not client_state.fragment_id:
            self._evidash_had_full_run = True
        return original(self, client_state)

    request_rerun._evidash_reconnect = True  # type: ignore[attr-defined]
    request_rerun.__doc__ = original.__doc__
    AppSession.request_rerun = request_rerun
    return True
