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


def _shared_trial_arms():
    """(cell_id, source_id, value_a, value_b) for every randomised comparison with both arms' rates, for both treatments'
    cells of the attribute it belongs to: response or remission -> key efficacy; relapse -> durability."""
    out = []
    for r in rows("comparisons.csv"):
        if r["design"] != "rct" or not (r["value_a"] and r["value_b"]):
            continue
        attribute = ("key_efficacy" if r["measure"] in ("response", "remission")
                     else "durability" if "relapse" in r["outcome"].lower() else None)
        if attribute:
            for treatment in (r["treatment_a"], r["treatment_b"]):
                out.append((f"{treatment}.{r['condition_id']}.{attribute}", r["source_id"], r["value_a"], r["value_b"]))
    return out


def test_a_shared_trial_shows_both_arms_in_both_treatments_cells():
    """Where one trial reports both treatments (ELEKT-D, KetECT), a cell of either treatment that cites it gives both arms'
    figures, so neither treatment's number is read without the other's (issue 20)."""
    from evidash.provenance import numbers_in

    cells = {r["cell_id"]: r for r in rows("cells.csv")}
    checked = 0
    for cell_id, source_id, value_a, value_b in _shared_trial_arms():
        cell = cells.get(cell_id)
        if not cell or cell["status"] != "reported" or (cell_id, source_id) not in CITED:
            continue
        shown = numbers_in(" ".join(cell[c] for c in ("headline", "value", "detail")))
        missing = [v for v in (float(value_a), float(value_b)) if not any(abs(v - n) < 1e-9 for n in shown)]
        assert not missing, f"{cell_id} cites {source_id} but does not give both arms: {missing} missing"
        checked += 1
    assert checked, "no cell cites a shared trial with both arms: the test would check nothing"


def test_no_key_efficacy_headline_is_a_comparator_arm():
    """No treatment's key efficacy cell takes its headline from a trial in which it was the comparator (comparisons.csv:
    tested), and none cites only such trials (issue 20)."""
    comparator_in: dict[str, set[str]] = {}
    for r in rows("comparisons.csv"):
        if r["tested"]:
            comparator_in.setdefault(r["source_id"], set()).add(r["treatment_b"] if r["tested"] == r["treatment_a"] else r["treatment_a"])
    own = {r["attribute_id"] for r in rows("attributes.csv") if r["own_evidence"] == "true"}
    assert own and comparator_in
    cited: dict[str, set[str]] = {}
    for cell_id, source_id in CITED:
        cited.setdefault(cell_id, set()).add(source_id)
    for cell in rows("cells.csv"):
        if cell["attribute_id"] not in own or cell["status"] != "reported":
            continue
        theirs = {s for s in cited.get(cell["cell_id"], set()) if cell["treatment_id"] in comparator_in.get(s, set())}
        assert cell["headline_source"] not in theirs, cell["cell_id"]
        assert cited[cell["cell_id"]] - theirs, f"{cell['cell_id']} cites only trials in which it was the comparator"
