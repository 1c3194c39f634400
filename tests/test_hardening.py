"""Bad data, hostile URLs and hostile data through the app: clear messages, nothing lost, nothing executed.
(Each validator rule is broken in tests/test_rules.py; here two representative cases go through the app.)"""
from __future__ import annotations

import hashlib
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import DATA, ROOT, app, rows, write_mini


def _hashes(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def _break(folder, case: str) -> tuple[str, int | None, str | None]:
    """Break the copy in ``folder`` one way; return the (file, row, column) the app must name."""
    if case == "unknown status":
        text = (folder / "cells.csv").read_text(encoding="utf-8").splitlines()
        text[1] = text[1].replace(",reported,", ",maybe,", 1)
        (folder / "cells.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
        return ("cells.csv", 2, "status")
    lines = (folder / "sources.csv").read_bytes().split(b"\n")  # "not utf-8": a byte no UTF-8 file holds, on line 5
    lines[4] = lines[4].replace(b"a", b"\xe9", 1)
    (folder / "sources.csv").write_bytes(b"\n".join(lines))
    return ("sources.csv", 5, None)


@pytest.mark.parametrize("case", ["unknown status", "not utf-8"])
def test_malformed_data_is_named_in_the_app_and_nothing_is_changed(tmp_path, monkeypatch, case):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    expected_file, expected_row, expected_column = _break(folder, case)
    before = _hashes(folder)
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(folder))
    at = app()
    assert at.error and "cannot show it" in at.error[0].value
    assert str(folder) not in at.error[0].value and str(tmp_path) not in at.error[0].value  # no server path for viewers
    problems = at.dataframe[0].value
    hit = problems[(problems["File"] == expected_file) & (problems["Column"].fillna("-") == (expected_column or "-"))]
    assert (hit["Row"] == expected_row).any(), problems.head()
    assert _hashes(folder) == before


PAYLOADS = ["<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "x" * 5000]


@pytest.mark.parametrize("payload", PAYLOADS, ids=["script", "attribute", "long"])
def test_hostile_query_values_fall_back(ev, payload):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key in ("condition", "treatments", "cell", "group", "present", "step", "source"):
        at.query_params[key] = payload
    at.run()
    assert not at.exception
    assert at.selectbox(key="condition").value == "all"
    assert at.multiselect(key="treatments").value == list(ev.treatments["treatment_id"])[:8]
    assert at.toggle(key="present").value is False
    shown = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert "<script" not in shown and "<img" not in shown and "x" * 300 not in shown


def test_hostile_query_values_on_the_sources_page(ev):
    payload = PAYLOADS[0]
    at = app("sources", types=payload, source=payload, condition=payload, treatments=payload)
    assert at.multiselect(key="types").value == []
    notes = " ".join(i.value for i in at.info)
    assert "source types in the link were not recognised" in notes and "source in the link was not found" in notes
    entries = [m.value for m in at.markdown if m.value.startswith("**") and m.value[2:3].isdigit()]
    assert len(entries) == len(ev.sources)  # every source listed
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption) + notes
    assert "<script" not in shown


def test_repeated_parameters_fall_back():
    treatments = [r["treatment_id"] for r in rows("treatments.csv")][:2]
    at = app(condition=[rows("conditions.csv")[0]["condition_id"], rows("conditions.csv")[1]["condition_id"]],
             treatments=[treatments[1], treatments[1], treatments[0]])
    assert at.selectbox(key="condition").value == "all"
    assert at.multiselect(key="treatments").value == [treatments[1], treatments[0]]


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
