"""The validator on the shipped data and on malformed copies: every problem names file, row and column."""
from __future__ import annotations

import csv
import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from evidash.data import load_evidence

ROOT = Path(__file__).resolve().parent.parent


def rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_rows(path: Path, data: list[dict], fieldnames: list[str] | None = None) -> None:
    fieldnames = fieldnames or list(data[0].keys())
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows(data)


def set_field(path: Path, line: int, column: str, value: str) -> dict:
    """Set one field of the record on file line ``line`` (header = line 1). Returns the old record."""
    data = rows(path)
    old = dict(data[line - 2])
    data[line - 2][column] = value
    write_rows(path, data)
    return old


def problems(folder: Path) -> set[tuple]:
    return {(p.file, p.row, p.column) for p in load_evidence(folder).problems if p.severity == "error"}


def first_line(path: Path, predicate) -> int:
    for i, record in enumerate(rows(path), start=2):
        if predicate(record):
            return i
    raise AssertionError(f"no matching row in {path.name}")


def test_shipped_data_is_clean():
    ev = load_evidence(ROOT / "data")
    assert [str(p) for p in ev.problems if p.severity == "error"] == []


def test_cli_exit_codes_and_summary(real_copy):
    ok = subprocess.run([sys.executable, "-m", "evidash", "validate", str(ROOT / "data")], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.strip().splitlines()[-1].startswith("OK: ")
    assert "backed by label/regulatory/guideline/HTA/meta-analysis/RCT sources" in ok.stdout
    set_field(real_copy / "cells.csv", 2, "status", "maybe")
    set_field(real_copy / "sources.csv", 3, "url", "javascript:alert(1)")
    bad = subprocess.run([sys.executable, "-m", "evidash", "validate", str(real_copy)], capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 1
    assert "cells.csv:2:status: 'maybe' is not one of the allowed values" in bad.stdout
    assert "sources.csv:3:url: URL uses the scheme 'javascript'" in bad.stdout  # all problems, not just the first


def test_validator_never_writes(real_copy):
    set_field(real_copy / "cells.csv", 4, "value_min", "abc")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in real_copy.iterdir()}
    load_evidence(real_copy)
    subprocess.run([sys.executable, "-m", "evidash", "validate", str(real_copy)], capture_output=True, cwd=ROOT)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in real_copy.iterdir()}
    assert before == after


def _numeric_line(folder: Path) -> int:
    return first_line(folder / "cells.csv", lambda r: r["value_min"] and r["value_max"] and float(r["value_max"]) > 0 and r["attribute_id"] == "onset")


def _reported_line(folder: Path, attribute: str | None = None) -> int:
    return first_line(folder / "cells.csv", lambda r: r["status"] == "reported" and (attribute is None or r["attribute_id"] == attribute))


CASES = {
    "missing column": lambda d: (_drop_column(d / "cells.csv", "status"), ("cells.csv", 1, "status"))[1],
    "unknown treatment id": lambda d: (set_field(d / "cells.csv", 5, "treatment_id", "lsd"), ("cells.csv", 5, "treatment_id"))[1],
    "unknown condition id": lambda d: (set_field(d / "cells.csv", 40, "condition_id", "flu"), ("cells.csv", 40, "condition_id"))[1],
    "unknown status": lambda d: (set_field(d / "cells.csv", 6, "status", "probably"), ("cells.csv", 6, "status"))[1],
    "javascript url": lambda d: (set_field(d / "sources.csv", 3, "url", "javascript:alert(document.cookie)"), ("sources.csv", 3, "url"))[1],
    "data url": lambda d: (set_field(d / "sources.csv", 4, "url", "data:text/html,<b>x</b>"), ("sources.csv", 4, "url"))[1],
    "mirror host url": lambda d: (set_field(d / "sources.csv", 5, "url", "https://www.scribd.com/document/1"), ("sources.csv", 5, "url"))[1],
    "bare ip url": lambda d: (set_field(d / "sources.csv", 6, "url", "http://47.251.13.51:8081/28757132"), ("sources.csv", 6, "url"))[1],
    "malformed doi": lambda d: (set_field(d / "sources.csv", 7, "doi", "doi:10.1000/abc"), ("sources.csv", 7, "doi"))[1],
    "malformed pmid": lambda d: (set_field(d / "sources.csv", 8, "pmid", "PMID 123"), ("sources.csv", 8, "pmid"))[1],
    "unknown source type": lambda d: (set_field(d / "sources.csv", 9, "source_type", "blog"), ("sources.csv", 9, "source_type"))[1],
    "bad date": lambda d: (set_field(d / "cells.csv", 10, "reviewed", "2026-02-30"), ("cells.csv", 10, "reviewed"))[1],
    "date not iso": lambda d: (set_field(d / "cells.csv", 11, "reviewed", "22/11/2026"), ("cells.csv", 11, "reviewed"))[1],
    "future date": lambda d: (set_field(d / "cells.csv", 12, "reviewed", "2999-01-01"), ("cells.csv", 12, "reviewed"))[1],
    "not a number": lambda d: (lambda n: (set_field(d / "cells.csv", n, "value_min", "soon"), ("cells.csv", n, "value_min"))[1])(_numeric_line(d)),
    "html in text": lambda d: (set_field(d / "cells.csv", 13, "value", "<img src=x onerror=alert(1)>"), ("cells.csv", 13, "value"))[1],
    "citation to unknown source": lambda d: (set_field(d / "citations.csv", 4, "source_id", "made_up_2024"), ("citations.csv", 4, "source_id"))[1],
    "citation to unknown cell": lambda d: (set_field(d / "citations.csv", 5, "cell_id", "cbt.nothing"), ("citations.csv", 5, "cell_id"))[1],
    "effect on a non side-effect cell": lambda d: (set_field(d / "effects.csv", 3, "cell_id", "cbt.route"), ("effects.csv", 3, "cell_id"))[1],
}


def _new_rule_case(status_or_attr: str, column: str, value: str):
    """A CASES entry for the measure rules: blank or set ``column`` on the first matching cell."""
    def case(d: Path) -> tuple:
        line = first_line(d / "cells.csv", lambda r: r["status"] == status_or_attr if status_or_attr in ("reported", "no_evidence", "not_applicable")
                          else (r["status"] == "reported" and r["attribute_id"] == status_or_attr and bool(r["value_min"] or r["value_max"])))
        set_field(d / "cells.csv", line, column, value)
        return ("cells.csv", line, column)
    return case


def _payer_only_case(d: Path) -> tuple:
    line = first_line(d / "cells.csv", lambda r: r["status"] == "reported" and r["attribute_id"] == "key_efficacy")
    cell_id = rows(d / "cells.csv")[line - 2]["cell_id"]
    payer = next(r["source_id"] for r in rows(d / "sources.csv") if r["source_type"] == "payer")
    cits = [r for r in rows(d / "citations.csv") if r["cell_id"] != cell_id] + [{"cell_id": cell_id, "source_id": payer, "locator": "Criteria"}]
    write_rows(d / "citations.csv", cits)
    return ("cells.csv", line, "cell_id")


CASES.update({
    "headline missing": _new_rule_case("reported", "headline", ""),
    "headline too long": _new_rule_case("reported", "headline", "A headline far too long for one overview cell!"),
    "gap without its search": _new_rule_case("no_evidence", "detail", "Nothing found."),
    "number without measure": _new_rule_case("onset", "measure", ""),
    "number without design": _new_rule_case("key_efficacy", "design", ""),
    "measure misfit": _new_rule_case("onset", "measure", "price"),
    "price year basis missing": _new_rule_case("cost_session", "price_year_basis", ""),
    "payer-only efficacy": _payer_only_case,
})


def _drop_column(path: Path, column: str) -> None:
    data = rows(path)
    for r in data:
        r.pop(column)
    write_rows(path, data)


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_case_named_exactly(real_copy, case):
    expected = CASES[case](real_copy)
    found = problems(real_copy)
    assert expected in found, f"{case}: expected {expected}, got {sorted(found)[:10]}"


def test_duplicate_cell_key(real_copy):
    path = real_copy / "cells.csv"
    data = rows(path)
    copy = dict(data[0], cell_id="ketamine_iv.copy_of_first")
    data.insert(1, copy)  # becomes file line 3, same (treatment, condition, attribute) as line 2
    write_rows(path, data)
    assert ("cells.csv", 3, "attribute_id") in problems(real_copy)


def test_reported_cell_without_citation(real_copy):
    line = _reported_line(real_copy, "route")
    cell_id = rows(real_copy / "cells.csv")[line - 2]["cell_id"]
    cits = [r for r in rows(real_copy / "citations.csv") if r["cell_id"] != cell_id]
    write_rows(real_copy / "citations.csv", cits)
    assert ("cells.csv", line, "cell_id") in problems(real_copy)


def test_min_greater_than_max(real_copy):
    line = _numeric_line(real_copy)
    set_field(real_copy / "cells.csv", line, "value_min", "999")
    assert ("cells.csv", line, "value_max") in problems(real_copy)


def test_undated_price(real_copy):
    line = _reported_line(real_copy, "cost_session")
    set_field(real_copy / "cells.csv", line, "price_year", "")
    assert ("cells.csv", line, "price_year") in problems(real_copy)


def test_band_must_match_percentage(real_copy):
    line = first_line(real_copy / "cells.csv", lambda r: r["band"] == "very_common" and r["value_max"])
    set_field(real_copy / "cells.csv", line, "band", "rare")
    assert ("cells.csv", line, "band") in problems(real_copy)


def test_empty_file(real_copy):
    (real_copy / "citations.csv").write_text("", encoding="utf-8")
    found = problems(real_copy)
    assert ("citations.csv", 1, None) in found
    assert not any(f == "cells.csv" and c == "cell_id" for f, _, c in found)  # no cascade of "uncited" errors


def test_non_utf8_file(real_copy):
    path = real_copy / "sources.csv"
    lines = path.read_bytes().split(b"\n")
    lines[9] = lines[9].replace(b"a", b"\xe9", 1)  # file line 10
    path.write_bytes(b"\n".join(lines))
    assert ("sources.csv", 10, None) in problems(real_copy)


def test_ragged_row(real_copy):
    path = real_copy / "citations.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[6] = lines[6] + ",extra"  # file line 7
    path.write_text("\n".join(lines), encoding="utf-8")
    assert ("citations.csv", 7, None) in problems(real_copy)


def test_missing_file(real_copy):
    (real_copy / "effects.csv").unlink()
    assert ("effects.csv", None, None) in problems(real_copy)


# ---- What each number measures (issue 11): every rule on a malformed copy, named by file, row, column --------

PAYER_ONLY_ATTRIBUTES = ("onset", "durability", "evidence_status", "key_efficacy",
                         "regulatory_us", "regulatory_england", "regulatory_scotland")


def _cells(folder: Path) -> Path:
    return folder / "cells.csv"


def _line_where(folder: Path, predicate, name: str = "cells.csv") -> int:
    return first_line(folder / name, predicate)


def _numeric(r: dict) -> bool:
    return bool(r["value_min"] or r["value_max"])


def _attr_groups(folder: Path) -> dict[str, dict]:
    return {a["attribute_id"]: a for a in rows(folder / "attributes.csv")}


def _mutated(folder: Path, line: int, column: str, value: str, name: str = "cells.csv") -> set[tuple]:
    """Problems (errors) before and after setting one field; asserts the untouched data had none there."""
    before = problems(folder)
    assert (name, line, column) not in before, f"the valid data already has a problem at {name}:{line}:{column}"
    set_field(folder / name, line, column, value)
    return problems(folder)


def test_mini_data_is_clean(mini_dir):
    assert [str(p) for p in load_evidence(mini_dir).problems] == []


@pytest.mark.parametrize("status", ["reported", "not_applicable"])
def test_headline_required(real_copy, status):
    line = _line_where(real_copy, lambda r: r["status"] == status)
    assert ("cells.csv", line, "headline") in _mutated(real_copy, line, "headline", "")


def test_headline_not_required_on_a_gap(real_copy):
    line = _line_where(real_copy, lambda r: r["status"] == "no_evidence")
    set_field(_cells(real_copy), line, "headline", "")
    assert not any(row == line for _, row, _ in problems(real_copy))


def test_headline_at_most_45_characters(real_copy):
    line = _line_where(real_copy, lambda r: r["status"] == "reported")
    set_field(_cells(real_copy), line, "headline", "x" * 45)
    assert ("cells.csv", line, "headline") not in problems(real_copy)
    set_field(_cells(real_copy), line, "headline", "x" * 46)
    assert ("cells.csv", line, "headline") in problems(real_copy)


def test_headline_required_in_the_mini_data(mini_dir):
    # line 2: alpha.mdd.onset (reported); line 7: beta.ptsd.evidence_status (not applicable)
    set_field(mini_dir / "cells.csv", 2, "headline", "")
    set_field(mini_dir / "cells.csv", 7, "headline", "")
    found = problems(mini_dir)
    assert {("cells.csv", 2, "headline"), ("cells.csv", 7, "headline")} <= found


def test_no_evidence_detail_names_the_search(real_copy):
    line = _line_where(real_copy, lambda r: r["status"] == "no_evidence")
    assert rows(_cells(real_copy))[line - 2]["detail"].startswith("Searched")
    assert ("cells.csv", line, "detail") in _mutated(real_copy, line, "detail", "Nothing was found for this cell.")


def test_no_evidence_detail_in_the_mini_data(mini_dir):
    set_field(mini_dir / "cells.csv", 6, "detail", "No trials.")  # line 6: beta.mdd.onset, no_evidence
    assert ("cells.csv", 6, "detail") in problems(mini_dir)


@pytest.mark.parametrize("column", ["measure", "design"])
def test_reported_number_needs_measure_and_design(real_copy, column):
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and _numeric(r) and r["measure"] and r["design"])
    assert ("cells.csv", line, column) in _mutated(real_copy, line, column, "")


def test_reported_text_cell_needs_no_measure(real_copy):
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and not _numeric(r))
    set_field(_cells(real_copy), line, "measure", "")
    set_field(_cells(real_copy), line, "design", "")
    found = problems(real_copy)
    assert ("cells.csv", line, "measure") not in found and ("cells.csv", line, "design") not in found


@pytest.mark.parametrize("column,value", [("measure", "vibes"), ("design", "anecdote"), ("n", "0"), ("n", "many")])
def test_measure_design_and_n_take_known_values(real_copy, column, value):
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and _numeric(r) and r["n"])
    assert ("cells.csv", line, column) in _mutated(real_copy, line, column, value)


@pytest.mark.parametrize("design", ["rct", "open_label", "observational", "case_series"])
def test_single_study_needs_its_size(real_copy, design):
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and r["design"] == design and r["n"])
    assert ("cells.csv", line, "n") in _mutated(real_copy, line, "n", "")


def test_pooled_designs_need_no_size(real_copy):
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and _numeric(r) and r["design"] == "meta_analysis")
    set_field(_cells(real_copy), line, "n", "")
    assert ("cells.csv", line, "n") not in problems(real_copy)
    set_field(_cells(real_copy), line, "design", "case_series")  # the same number from one case series needs n
    assert ("cells.csv", line, "n") in problems(real_copy)


@pytest.mark.parametrize("measure", ["response", "remission", "symptom_change"])
def test_efficacy_measures_name_scale_and_rater(real_copy, measure):
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and r["attribute_id"] == "key_efficacy"
                       and _numeric(r) and r["measure_note"])
    set_field(_cells(real_copy), line, "measure", measure)
    assert ("cells.csv", line, "measure_note") not in problems(real_copy)
    set_field(_cells(real_copy), line, "measure_note", "")
    assert ("cells.csv", line, "measure_note") in problems(real_copy)


def test_other_measures_need_no_note(real_copy):
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and r["measure"] == "incidence")
    set_field(_cells(real_copy), line, "measure_note", "")
    assert ("cells.csv", line, "measure_note") not in problems(real_copy)


MISFITS = [  # (attribute group or unit, a measure that does not fit it)
    ("onset", "price"), ("onset", "incidence"), ("onset", "symptom_change"),
    ("side_effects", "remission"), ("side_effects", "price"),
    ("currency", "response"), ("currency", "incidence"),
    ("key_efficacy", "first_improvement"), ("key_efficacy", "price"),
]


@pytest.mark.parametrize("where,measure", MISFITS)
def test_measure_must_fit_the_attribute(real_copy, where, measure):
    attrs = _attr_groups(real_copy)

    def fits(r):
        a = attrs[r["attribute_id"]]
        return r["status"] == "reported" and _numeric(r) and where in (a["group"], a["unit"], a["attribute_id"])

    line = _line_where(real_copy, fits)
    assert ("cells.csv", line, "measure") in _mutated(real_copy, line, "measure", measure)


@pytest.mark.parametrize("where,measure", [("onset", "half_improved"), ("onset", "remission"), ("key_efficacy", "symptom_change"),
                                           ("currency", "price"), ("side_effects", "incidence")])
def test_fitting_measures_pass(real_copy, where, measure):
    attrs = _attr_groups(real_copy)
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and _numeric(r)
                       and where in (attrs[r["attribute_id"]]["group"], attrs[r["attribute_id"]]["unit"], r["attribute_id"]))
    set_field(_cells(real_copy), line, "measure", measure)
    set_field(_cells(real_copy), line, "measure_note", "MADRS (clinician-rated)")
    assert ("cells.csv", line, "measure") not in problems(real_copy)


@pytest.mark.parametrize("column", ["price_year_basis", "currency", "price_year", "region"])
def test_every_price_is_dated_and_located(real_copy, column):
    attrs = _attr_groups(real_copy)
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and attrs[r["attribute_id"]]["unit"] == "currency")
    assert ("cells.csv", line, column) in _mutated(real_copy, line, column, "")


def test_price_year_basis_is_published_or_seen(real_copy):
    attrs = _attr_groups(real_copy)
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and attrs[r["attribute_id"]]["unit"] == "currency")
    for basis in ("published", "seen"):
        set_field(_cells(real_copy), line, "price_year_basis", basis)
        assert ("cells.csv", line, "price_year_basis") not in problems(real_copy)
    set_field(_cells(real_copy), line, "price_year_basis", "guessed")
    assert ("cells.csv", line, "price_year_basis") in problems(real_copy)


def test_undated_price_in_the_mini_data(mini_dir):
    set_field(mini_dir / "cells.csv", 3, "price_year_basis", "")  # line 3: alpha.cost_session
    assert ("cells.csv", 3, "price_year_basis") in problems(mini_dir)


def _payer_source(folder: Path) -> str:
    return next(r["source_id"] for r in rows(folder / "sources.csv") if r["source_type"] == "payer")


def _cite_only(folder: Path, cell_id: str, source_id: str) -> None:
    cits = [r for r in rows(folder / "citations.csv") if r["cell_id"] != cell_id]
    cits.append({"cell_id": cell_id, "source_id": source_id, "locator": "Policy criteria"})
    write_rows(folder / "citations.csv", cits)


def _reported_attributes(folder: Path) -> list[str]:
    present = {r["attribute_id"] for r in rows(folder / "cells.csv") if r["status"] == "reported"}
    return [a for a in PAYER_ONLY_ATTRIBUTES if a in present]


@pytest.mark.parametrize("attribute", PAYER_ONLY_ATTRIBUTES)
def test_payer_alone_cannot_back_efficacy_onset_or_approval(real_copy, attribute):
    if attribute not in _reported_attributes(real_copy):
        pytest.skip(f"no reported {attribute} cell in the data")
    line = _reported_line(real_copy, attribute)
    cell_id = rows(_cells(real_copy))[line - 2]["cell_id"]
    assert ("cells.csv", line, "cell_id") not in problems(real_copy)
    _cite_only(real_copy, cell_id, _payer_source(real_copy))
    assert ("cells.csv", line, "cell_id") in problems(real_copy)


def test_payer_beside_a_study_or_on_coverage_is_fine(real_copy):
    payer = _payer_source(real_copy)
    line = _reported_line(real_copy, "key_efficacy")
    cell_id = rows(_cells(real_copy))[line - 2]["cell_id"]
    cits = rows(real_copy / "citations.csv") + [{"cell_id": cell_id, "source_id": payer, "locator": "Policy criteria"}]
    write_rows(real_copy / "citations.csv", cits)  # the study stays: the payer is not the only support
    coverage = _reported_line(real_copy, "coverage")
    _cite_only(real_copy, rows(_cells(real_copy))[coverage - 2]["cell_id"], payer)  # a payer speaks for coverage
    found = problems(real_copy)
    assert ("cells.csv", line, "cell_id") not in found and ("cells.csv", coverage, "cell_id") not in found


def test_payer_only_onset_in_the_mini_data(mini_dir):
    _cite_only(mini_dir, "alpha.mdd.onset", "payer2024_policy")  # line 2
    assert ("cells.csv", 2, "cell_id") in problems(mini_dir)
    _cite_only(mini_dir, "alpha.cost_session", "payer2024_policy")  # line 3: a price may rest on a payer alone
    assert ("cells.csv", 3, "cell_id") not in problems(mini_dir)


@pytest.mark.parametrize("kind", ["payer", "statistics", "think_tank", "economic_evaluation"])
def test_new_source_types_are_accepted(real_copy, kind):
    line = _line_where(real_copy, lambda r: r["source_type"] == "news", "sources.csv")
    set_field(real_copy / "sources.csv", line, "source_type", kind)
    assert ("sources.csv", line, "source_type") not in problems(real_copy)
    set_field(real_copy / "sources.csv", line, "source_type", "insurer")
    assert ("sources.csv", line, "source_type") in problems(real_copy)


def test_not_approved_is_an_evidence_category(real_copy):
    line = _line_where(real_copy, lambda r: r["status"] == "reported" and r["attribute_id"] == "evidence_status")
    set_field(_cells(real_copy), line, "category", "not_approved")
    assert ("cells.csv", line, "category") not in problems(real_copy)
    set_field(_cells(real_copy), line, "category", "unapproved")
    assert ("cells.csv", line, "category") in problems(real_copy)


# ---- glossary.csv: a required, validated table ------------------------------------------------------------

def test_glossary_is_required(real_copy):
    (real_copy / "glossary.csv").unlink()
    assert ("glossary.csv", None, None) in problems(real_copy)


@pytest.mark.parametrize("column,value", [
    ("term", ""), ("expansion", ""), ("explanation", ""),
    ("term", "T" * 21), ("expansion", "x" * 81), ("explanation", "x" * 301),
    ("explanation", "See <a href='x'>this</a>"),
])
def test_glossary_rows_are_checked(real_copy, column, value):
    assert ("glossary.csv", 3, column) in _mutated(real_copy, 3, column, value, "glossary.csv")


def test_glossary_terms_are_unique(real_copy):
    first = rows(real_copy / "glossary.csv")[0]["term"]
    assert ("glossary.csv", 4, "term") in _mutated(real_copy, 4, "term", first, "glossary.csv")


def test_glossary_missing_column(real_copy):
    _drop_column(real_copy / "glossary.csv", "expansion")
    assert ("glossary.csv", 1, "expansion") in problems(real_copy)


def test_synthetic_scale_data_passes_the_validator(tmp_path):
    """bench/make_scale_data.py follows every data rule (checked here at a small factor; 100x in the bench)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_scale_data", ROOT / "bench" / "make_scale_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = module.generate(tmp_path / "scale", factor=4, seed=1)
    assert counts["cells"] > 200
    ev = load_evidence(tmp_path / "scale")
    assert [str(p) for p in ev.problems if p.severity == "error"] == []
    reported_numbers = ev.cells[(ev.cells["status"] == "reported") & ev.cells["value_min"].notna()]
    assert reported_numbers["measure"].notna().all() and reported_numbers["design"].notna().all()
