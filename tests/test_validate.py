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
