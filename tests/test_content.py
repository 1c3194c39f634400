"""Content facts of the shipped data that the evidence rounds established (tests/content_facts.toml), and the
completeness of the comparison grid, derived from the data files themselves (no count is typed in here)."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from .conftest import rows

FACTS = tomllib.loads((Path(__file__).parent / "content_facts.toml").read_text(encoding="utf-8"))
SOURCES = {r["source_id"]: r for r in rows("sources.csv")}
CITED = {(r["cell_id"], r["source_id"]) for r in rows("citations.csv")}


@pytest.mark.parametrize("fact", FACTS["source"], ids=[f["id"] for f in FACTS["source"]])
def test_source_facts(fact):
    source = SOURCES[fact["id"]]
    for column, expected in fact.items():
        if column not in ("id", "why"):
            assert source[column] == expected, f"{fact['id']}.{column}: {fact['why']}"


@pytest.mark.parametrize("fact", FACTS["cited"], ids=[f["cell"] for f in FACTS["cited"]])
def test_citation_facts(fact):
    assert (fact["cell"], fact["source"]) in CITED, fact["why"]


def test_absent_texts():
    text = " ".join(r["value"] + " " + r["detail"] + " " + r["headline"] for r in rows("cells.csv"))
    for fact in FACTS["absent"]:
        assert fact["text"] not in text, fact["why"]


def test_every_treatment_and_condition_has_every_per_condition_attribute():
    """The grid is complete: one cell (reported, a gap or not applicable) per treatment, condition and attribute
    that differs by condition, so no treatment silently drops out of a view."""
    treatments = {r["treatment_id"] for r in rows("treatments.csv")}
    conditions = {r["condition_id"] for r in rows("conditions.csv")}
    for attribute in (r["attribute_id"] for r in rows("attributes.csv") if r["per_condition"] == "true"):
        have = {(c["treatment_id"], c["condition_id"]) for c in rows("cells.csv") if c["attribute_id"] == attribute}
        missing = {(t, c) for t in treatments for c in conditions} - have
        assert not missing, f"{attribute}: {sorted(missing)[:5]}"


def test_every_condition_free_attribute_has_a_cell_per_treatment():
    treatments = {r["treatment_id"] for r in rows("treatments.csv")}
    for attribute in (r["attribute_id"] for r in rows("attributes.csv") if r["per_condition"] == "false"):
        have = {c["treatment_id"] for c in rows("cells.csv") if c["attribute_id"] == attribute}
        assert treatments <= have, f"{attribute}: no cell for {sorted(treatments - have)}"
