"""Lessons (evidash/lessons.py): the example files, the one-link encoding, tampered links, TOML round trips, and
a lesson run through AppTest with the presenter bar (evidash/presenter.py). The rules are broken one by one in
tests/test_rules.py."""
from __future__ import annotations

import base64
import re
import tomllib
import zlib

import pytest

from evidash import lessons, registry

from .conftest import DATA, app, rows

FILES = sorted((DATA / "lessons").glob("*.toml"))
CELLS = {r["cell_id"] for r in rows("cells.csv")}
CLAIMS = {r["claim_id"] for r in rows("claims.csv")}


def raw(path):
    with path.open("rb") as fh:
        return tomllib.load(fh)


def test_the_two_example_lessons_are_there_and_clean(ev):
    by_title = {raw(p)["title"]: raw(p) for p in FILES}
    residents = by_title["Rapid-acting options in treatment-resistant depression"]
    patients = by_title["What the popular ketamine articles get right and wrong"]
    assert residents["audience"] == "residents" and 15 <= residents["minutes"] <= 25 and 6 <= len(residents["steps"]) <= 8
    assert patients["audience"] == "patients and families" and 10 <= patients["minutes"] <= 20
    assert sum(s["page"] == "claims" for s in patients["steps"]) >= len(patients["steps"]) - 1, "built on the Claims page"
    assert lessons.check_folder(DATA, ev) == []
    for lesson in (residents, patients):
        for step in lesson["steps"]:
            assert step["note"] and len(step["note"]) <= lessons.NOTE_MAX
            params = step.get("params", {})
            assert params.get("cell", next(iter(CELLS))) in CELLS and params.get("claim", next(iter(CLAIMS))) in CLAIMS


def test_a_lesson_travels_whole_in_one_link_and_back(ev):
    for path in FILES:
        lesson, problems = lessons.load(path.stem, ev)
        assert problems == [] and lesson.steps
        token = lessons.encode(lesson)
        assert token.startswith("v1.") and re.fullmatch(r"v1\.[A-Za-z0-9_-]+", token) and len(token) < 4000
        back, notices = lessons.open_value(token, ev)
        assert notices == [] and back.steps == lesson.steps and back.title == lesson.title


def test_a_lesson_file_round_trips_through_toml(ev):
    lesson, _ = lessons.load(FILES[0].stem, ev)
    again, problems = lessons.parse_toml(lessons.to_toml(lesson), ev)
    assert problems == [] and again.steps == lesson.steps and again.title == lesson.title


def _token(compact: dict) -> str:
    import json
    data = zlib.compress(json.dumps(compact).encode("utf-8"))
    return "v1." + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


@pytest.mark.parametrize("token", [
    "v1.", "v1.!!!!", "v1.AAAA", "v2.abc", "v1." + "A" * 20_000,
    _token({"t": "x", "s": "not a list"}), _token([1, 2, 3]),
    "v1." + base64.urlsafe_b64encode(zlib.compress(b"0" * 10_000_000)).decode().rstrip("="),  # a zlib bomb
], ids=["empty", "not-base64", "not-zlib", "unknown-version", "too-long", "bad-steps", "not-an-object", "bomb"])
def test_a_tampered_link_gives_a_notice_never_an_exception(ev, token):
    lesson, notices = lessons.open_value(token, ev)
    assert notices and (lesson is None or not lesson.steps)


def test_a_link_whose_steps_no_longer_fit_keeps_the_steps_that_work(ev):
    cell = next(iter(sorted(CELLS)))
    token = _token({"t": "Old lesson", "a": "residents", "m": 5, "s": [
        ["overview", {"cell": cell}, "Still here", ""],
        ["overview", {"cell": "removed.cell"}, "Removed cell", ""],
        ["onset", {"zzz": "1"}, "Unknown parameter", ""],
        ["nowhere", {}, "Unknown page", ""],
    ]})
    lesson, notices = lessons.open_value(token, ev)
    assert [s.title for s in lesson.steps] == ["Still here"]
    assert len(notices) == 1 and "3 steps of this lesson no longer fit the data" in notices[0]
    assert "step 2" in notices[0] and "step 3" in notices[0] and "step 4" in notices[0]


def test_every_step_parameter_is_one_the_page_reads():
    for spec in registry.pages():
        assert set(lessons.page_params(spec.slug)) <= set(spec.params)


def test_a_lesson_opens_with_its_counter_and_steps_across_pages():
    lesson_id = FILES[-1].stem  # the residents' lesson
    steps = raw(FILES[-1])["steps"]
    at = app(lesson=lesson_id, present="1")
    counter = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("**1 of ")]
    assert counter == [f"**1 of {len(steps)}** · {lessons._text(steps[0]['title'])}"]
    assert not any(c.value.startswith("Speaker note") for c in at.caption), "the note is hidden by default"
    at.toggle(key="presenter_notes").set_value(True).run()
    assert any(c.value.replace("\\", "").startswith("Speaker note: " + steps[0]["note"][:30]) for c in at.caption)
    at.button(key="next_step").click().run()
    assert not at.exception
    assert at.query_params["step"] in ("2", ["2"])  # AppTest does not follow st.switch_page; the URL says the step


def test_a_tampered_lesson_link_shows_a_notice_in_the_app():
    at = app(lesson="v1.tampered-and-cut", present="1")
    assert any("could not be read" in i.value for i in at.info)
    assert not any(m.value.startswith("**1 of ") and "lesson" in m.value for m in at.markdown)


def test_the_lessons_page_lists_the_lessons_and_builds_one_from_add_to_lesson(ev):
    at = app(condition="trd", group="onset")
    at.button(key="add_to_lesson").click().run()
    at.switch_page("pages/claims.py").run()
    at.button(key="add_to_lesson").click().run()
    at.switch_page("pages/lessons.py").run()
    assert not at.exception
    shown = "\n".join(m.value.replace("\\", "") for m in at.markdown)
    for path in FILES:
        assert raw(path)["title"] in shown
        assert at.button(key=f"present_{path.stem}") and at.button(key=f"follow_{path.stem}")
    links = [c.value for c in at.code if "lesson=v1." in c.value]
    assert len(links) == 1
    lesson, notices = lessons.open_value(links[0].split("lesson=")[1], ev)
    assert notices == [] and [(s.page, s.params) for s in lesson.steps] == [
        ("overview", {"condition": ["trd"], "group": ["onset"]}), ("claims", {"condition": ["trd"]})]
    assert [s.title for s in lesson.steps] == ["Overview · TRD", "Claims check · TRD"]
    toml = [d for d in at.get("download_button") if d.proto.label == "Download lesson (.toml)"]
    assert len(toml) == 1
    at.button(key="draft_clear").click().run()
    assert not [c.value for c in at.code if "lesson=v1." in c.value]


def test_the_chart_link_in_presenter_mode_is_the_audiences_link():
    import json

    at = app("pages/onset.py", url=True, condition="trd", present="1", qr="1", lesson=FILES[-1].stem, step="2")
    spec = json.dumps(json.loads(at.get("plotly_chart")[0].proto.spec))
    assert "onset?condition=trd" in spec
    assert not re.search(r"[?&](present|qr|step|lesson)=", spec.split("onset?", 1)[1][:300])
