"""evidash/reconnect.py: a session that reconnected from a dead worker answers its first fragment rerun with a
full run; a session that has run keeps Streamlit's own behaviour (an unknown fragment is ignored)."""
from __future__ import annotations

from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.runtime.app_session import AppSession

from evidash import reconnect


class FakeSession:
    def __init__(self, fragments=()):
        self.fragments = set(fragments)
        self.asked: list[str] = []

    def has_fragment(self, fragment_id: str) -> bool:
        return fragment_id in self.fragments


def _state(fragment_id: str = "", condition: str = "trd") -> ClientState:
    cs = ClientState()
    cs.fragment_id = fragment_id
    cs.query_string = f"condition={condition}"
    return cs


def _install(monkeypatch) -> None:
    def fake(self, client_state=None):  # stands in for Streamlit's request_rerun: records what it was asked
        self.asked.append("none" if client_state is None else (client_state.fragment_id or f"full:{client_state.query_string}"))

    monkeypatch.setattr(AppSession, "request_rerun", fake)
    assert reconnect.install()
    assert reconnect.install()  # idempotent: wraps once


def test_first_rerun_of_an_unknown_fragment_runs_the_whole_page(monkeypatch):
    _install(monkeypatch)
    session = FakeSession()
    AppSession.request_rerun(session, _state("frag-of-the-dead-worker"))
    assert session.asked == ["full:condition=trd"]
    # After that full run the fragment exists and its reruns stay fragment reruns.
    session.fragments.add("frag-new")
    AppSession.request_rerun(session, _state("frag-new"))
    assert session.asked[-1] == "frag-new"


def test_a_session_that_has_run_keeps_streamlits_behaviour(monkeypatch):
    _install(monkeypatch)
    session = FakeSession()
    AppSession.request_rerun(session, _state(""))  # the normal first request of a page load: a full run
    AppSession.request_rerun(session, _state("gone"))  # a fragment removed by a full run: passed on unchanged
    assert session.asked == ["full:condition=trd", "gone"]


def test_a_known_fragment_is_never_changed(monkeypatch):
    _install(monkeypatch)
    session = FakeSession({"frag"})
    AppSession.request_rerun(session, _state("frag"))
    AppSession.request_rerun(session, None)
    assert session.asked == ["frag", "none"]
