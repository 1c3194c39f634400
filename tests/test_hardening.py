"""Bad data, hostile URLs and hostile data through the app: clear messages, nothing lost, nothing executed."""
from __future__ import annotations

import hashlib
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from evidash.data import load_evidence

from .conftest import DATA, ROOT, write_mini
from .test_validate import CASES


def _hashes(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_data_is_named_in_the_app(tmp_path, monkeypatch, case):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    expected_file, expected_row, expected_column = CASES[case](folder)
    before = _hashes(folder)
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.error and "cannot show it" in at.error[0].value
    problems = at.dataframe[0].value
    hit = problems[(problems["File"] == expected_file) & (problems["Column"].fillna("-") == (expected_column or "-"))]
    assert (hit["Row"] == expected_row).any(), problems.head()
    assert _hashes(folder) == before


PAYLOADS = [
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "x" * 5000,
    "../../etc/passwd",
    "%00%0d%0a",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_query_values_fall_back(payload):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key in ("condition", "treatments", "cell", "group", "present", "step", "source"):
        at.query_params[key] = payload
    at.run()
    assert not at.exception
    assert at.selectbox(key="condition").value == "all"
    assert len(at.multiselect(key="treatments").value) == 5
    assert at.toggle(key="present").value is False
    shown = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert payload not in shown or payload.isalnum()
    assert "<script" not in shown and "<img" not in shown


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_hostile_query_values_on_the_sources_page(payload):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key in ("types", "source", "condition", "treatments"):
        at.query_params[key] = payload
    at.run()
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    assert at.multiselect(key="types").value == []
    notes = " ".join(i.value for i in at.info)
    assert "source types in the link were not recognised" in notes and "source in the link was not found" in notes
    entries = [m.value for m in at.markdown if m.value.startswith("**") and m.value[2:3].isdigit()]
    assert len(entries) == len(load_evidence(DATA).sources)  # every source listed
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption) + notes
    assert "<script" not in shown and "<img" not in shown and "x" * 300 not in shown


def test_repeated_parameters_fall_back():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["condition"] = ["ptsd", "ocd"]
    at.query_params["treatments"] = ["cbt", "cbt", "ect"]
    at.run()
    assert not at.exception
    assert at.selectbox(key="condition").value == "all"
    assert at.multiselect(key="treatments").value == ["cbt", "ect"]


def _forced_card_app():
    """Render an evidence card from data that failed validation (forced past the validator)."""
    import os

    import streamlit as st

    from evidash import render
    from evidash.data import load_evidence

    ev = load_evidence(os.environ["EVIDASH_DATA_DIR"])
    st.write("ok" if not ev.ok else "unexpectedly valid")
    render.evidence_card(ev, "alpha.mdd.onset")


def test_hostile_data_is_rejected_and_rendered_inert(tmp_path, monkeypatch):
    folder = write_mini(tmp_path / "data")
    cells = (folder / "cells.csv").read_text(encoding="utf-8")
    cells = cells.replace("Within hours,Trial data.", '"<img src=x onerror=alert(1)>","[click](javascript:alert(2)) <b>bold</b>"')
    (folder / "cells.csv").write_text(cells, encoding="utf-8")
    sources = (folder / "sources.csv").read_text(encoding="utf-8")
    sources = sources.replace("https://doi.org/10.1000/xyz123,10.1000/xyz123,12345678", "javascript:alert(3),,")
    (folder / "sources.csv").write_text(sources, encoding="utf-8")
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(folder))
    at = AppTest.from_function(_forced_card_app, default_timeout=60).run()
    assert not at.exception
    assert at.markdown[0].value == "ok"  # the validator rejected the data
    body = " ".join(m.value for m in at.markdown)
    assert "\\<img" in body  # escaped: shown as text, not HTML
    assert "\\[click\\]\\(javascript" in body  # escaped: not a link
    assert not [b for b in at.get("link_button") if "javascript" in b.proto.url]
