"""Adding a treatment, a condition and an attribute is a data-only change (data/README.md promises it):
in a temporary copy of the data, each new row shows on every page that lists its kind, with no code change."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from evidash.data import load_evidence

import shutil

from .conftest import DATA, app

NEW_TREATMENT = ("testtx", "Test treatment invented by a test", "Testtx")
NEW_CONDITION = ("testcond", "Test condition invented by a test", "Testcond")
NEW_ATTRIBUTE = ("testattr", "setting", "Test attribute invented by a test")
SEARCHED = "Searched nothing: a row made by a test."


def _append(path: Path, rows: list[dict]) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        fields = csv.DictReader(f).fieldnames
    with path.open("a", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in fields})


def _gap(treatment: str, condition: str, attribute: str) -> dict:
    cell_id = ".".join(p for p in (treatment, condition, attribute) if p)
    return {"cell_id": cell_id, "treatment_id": treatment, "condition_id": condition, "attribute_id": attribute,
            "value": "No evidence found", "detail": SEARCHED, "status": "no_evidence", "reviewed": "2026-12-01"}


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> Path:
    """The real data plus one treatment, one condition and one attribute, each with every cell it needs
    (built once for the module; the tests only read it)."""
    real_copy = tmp_path_factory.mktemp("grown") / "data"
    shutil.copytree(DATA, real_copy)
    ev = load_evidence(real_copy)
    _append(real_copy / "treatments.csv", [{"treatment_id": NEW_TREATMENT[0], "name": NEW_TREATMENT[1],
                                            "short_name": NEW_TREATMENT[2], "colour": "#000000", "sort_order": 99}])
    _append(real_copy / "conditions.csv", [{"condition_id": NEW_CONDITION[0], "name": NEW_CONDITION[1],
                                            "short_name": NEW_CONDITION[2], "sort_order": 99}])
    _append(real_copy / "attributes.csv", [{"attribute_id": NEW_ATTRIBUTE[0], "group": NEW_ATTRIBUTE[1], "name": NEW_ATTRIBUTE[2],
                                            "description": "A text attribute added by a test.", "per_condition": "false",
                                            "numeric": "false", "sort_order": 20, "payer_can_back": "true"}])
    treatments = list(ev.treatments["treatment_id"]) + [NEW_TREATMENT[0]]
    conditions = list(ev.conditions["condition_id"]) + [NEW_CONDITION[0]]
    cells = []
    for attr in ev.attributes.itertuples(index=False):
        for t in treatments:
            for c in (conditions if attr.per_condition else [""]):
                if t == NEW_TREATMENT[0] or c == NEW_CONDITION[0]:
                    cells.append(_gap(t, c, attr.attribute_id))
    cells += [_gap(t, "", NEW_ATTRIBUTE[0]) for t in treatments]
    _append(real_copy / "cells.csv", cells)
    grown_ev = load_evidence(real_copy)
    assert grown_ev.ok, [str(p) for p in grown_ev.problems if p.severity == "error"][:5]
    return real_copy


def _page(monkeypatch, data: Path, page: str, **params) -> AppTest:
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(data))
    return app(page, **params)


def _all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [b.label for b in at.button]
    parts += [str(t.value) for t in at.table] + [str(d.value) for d in at.dataframe]
    parts += [json.dumps(json.loads(p.proto.spec)) for p in at.get("plotly_chart")]
    return "\n".join(parts)


def test_the_new_condition_is_a_choice_and_its_rows_show(grown, monkeypatch):
    at = _page(monkeypatch, grown, "pages/overview.py", condition=NEW_CONDITION[0])
    assert NEW_CONDITION[1] in at.selectbox(key="condition").options
    assert at.selectbox(key="condition").value == NEW_CONDITION[0]
    labels = [b.label for b in at.button if isinstance(b.key, str) and b.key.startswith("cell__")]
    assert len(labels) > 0


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/onset.py", "pages/setting.py", "pages/cost.py",
                                  "pages/side-effects.py"])
def test_the_new_treatment_shows_on_every_comparison_page(grown, monkeypatch, page):
    at = _page(monkeypatch, grown, page, treatments=[NEW_TREATMENT[0], "ketamine_iv"], condition="trd")
    assert NEW_TREATMENT[0] in at.multiselect(key="treatments").value
    assert NEW_TREATMENT[2] in _all_text(at), page


@pytest.mark.parametrize("page", ["pages/overview.py", "pages/setting.py"])
def test_the_new_attribute_shows_where_its_group_is_shown(grown, monkeypatch, page):
    at = _page(monkeypatch, grown, page)
    assert NEW_ATTRIBUTE[2] in _all_text(at), page
