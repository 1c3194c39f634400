"""The validator end to end: the shipped data, the command line, and that it never writes. Every rule is broken,
one at a time, in tests/test_rules.py; here only what needs the real files or a real process."""
from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from evidash.__main__ import main
from evidash.data import load_evidence

from .conftest import DATA, ROOT


def _set_field(path: Path, line: int, column: str, value: str) -> None:
    import csv
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        fields, data = reader.fieldnames, list(reader)
    data[line - 2][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(data)


def test_shipped_data_has_no_errors(ev):
    assert [str(p) for p in ev.problems if p.severity == "error"] == []


def test_cli_exit_codes_and_summary(real_copy, capsys):
    ok = subprocess.run([sys.executable, "-m", "evidash", "validate", str(DATA)], capture_output=True, text=True, cwd=ROOT)
    assert ok.returncode == 0, ok.stdout
    assert ok.stdout.strip().splitlines()[-1].startswith("OK: ")
    assert "backed by label/regulatory/guideline/HTA/meta-analysis/RCT sources" in ok.stdout
    _set_field(real_copy / "cells.csv", 2, "status", "maybe")
    _set_field(real_copy / "sources.csv", 3, "url", "javascript:alert(1)")
    assert main(["validate", str(real_copy)]) == 1  # the same entry point, in this process
    out = capsys.readouterr().out
    assert "cells.csv:2:status: 'maybe' is not one of the allowed values" in out
    assert "sources.csv:3:url: URL uses the scheme 'javascript'" in out  # all problems, not just the first
    assert out.strip().splitlines()[-1].startswith("FAILED: ")
    assert main(["validate", str(real_copy / "nope")]) == 2 and "not a folder" in capsys.readouterr().err


def test_validator_never_writes(real_copy):
    _set_field(real_copy / "cells.csv", 4, "value_min", "abc")
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in real_copy.rglob("*") if p.is_file()}
    load_evidence(real_copy)
    main(["validate", str(real_copy)])
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in real_copy.rglob("*") if p.is_file()}
    assert before == after


def test_synthetic_scale_data_passes_the_validator(tmp_path):
    """bench/make_scale_data.py follows every data rule (checked here at a small factor; 100x in the bench)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("make_scale_data", ROOT / "bench" / "make_scale_data.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    counts = module.generate(tmp_path / "scale", factor=4, seed=1)
    ev = load_evidence(tmp_path / "scale")
    assert counts["cells"] == len(ev.cells) > 0
    assert [str(p) for p in ev.problems if p.severity == "error"] == []
