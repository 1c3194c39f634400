"""Add or update the plain-language columns of family mode (issue 21) from staging CSVs.

    .venv/bin/python scripts/import_plain.py [--data data] [--staging /work/staging/plain]

Reads every ``cells_plain*.csv`` (cell_id,headline_plain) and ``claims_plain.csv``
(claim_id,claim_plain,meaning_plain) in the staging folder, and writes their texts into ``cells.csv``
(column ``headline_plain``, after ``headline``) and ``claims.csv`` (``claim_plain`` after ``claim``,
``meaning_plain`` after ``reason``). Rows and columns not named in the staging files are left as they are;
a staging id that is not in the data is reported and skipped. Run ``python -m evidash validate data`` after it.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# data file -> (id column, staging file pattern, {new column: column it follows})
TARGETS = {
    "cells.csv": ("cell_id", "cells_plain*.csv", {"headline_plain": "headline"}),
    "claims.csv": ("claim_id", "claims_plain*.csv", {"claim_plain": "claim", "meaning_plain": "reason"}),
}


def read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def staged(staging: Path, pattern: str, key: str, columns: list[str]) -> dict[str, dict[str, str]]:
    """id -> {column: text} from every staging file matching ``pattern`` (later files win); blank texts skipped."""
    out: dict[str, dict[str, str]] = {}
    for path in sorted(staging.glob(pattern)):
        _, rows = read(path)
        for row in rows:
            ident = (row.get(key) or "").strip()
            texts = {c: " ".join((row.get(c) or "").split()) for c in columns if (row.get(c) or "").strip()}
            if ident and texts:
                out.setdefault(ident, {}).update(texts)
    return out


def place(fields: list[str], new: dict[str, str]) -> list[str]:
    """The header with each new column right after the column it follows (or at the end)."""
    out = [f for f in fields if f not in new]
    for column, after in new.items():
        out.insert(out.index(after) + 1 if after in out else len(out), column)
    return out


def run(data: Path, staging: Path) -> list[str]:
    report = []
    for name, (key, pattern, new) in TARGETS.items():
        fields, rows = read(data / name)
        texts = staged(staging, pattern, key, list(new))
        known = {r[key] for r in rows}
        unknown = sorted(set(texts) - known)
        if unknown:
            report.append(f"{name}: {len(unknown)} staged id(s) not in the data, skipped: {', '.join(unknown[:10])}")
        updated = 0
        for row in rows:
            for column in new:
                row.setdefault(column, "")
            if row[key] in texts:
                row.update(texts[row[key]])
                updated += 1
        header = place(fields, new)
        with (data / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows({f: r.get(f, "") or "" for f in header} for r in rows)
        report.append(f"{name}: {updated} of {len(rows)} rows given {', '.join(new)}")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--staging", type=Path, default=Path("/work/staging/plain"))
    args = parser.parse_args(argv)
    for line in run(args.data, args.staging):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
