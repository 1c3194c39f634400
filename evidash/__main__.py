"""Command line: ``python -m evidash validate [DATA_DIR]``.

Prints every problem as ``file:row:column: message`` (for a lesson in data/lessons/: ``file:step:field``), then a
one-line summary.
Exit code 0 when there are no errors (warnings allowed), 1 when there are errors, 2 on bad usage.
Never writes to the data files.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import lessons
from .data import load_evidence, summary
from .load import data_dir_from_env
from .problems import errors


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evidash", description="Evidence data tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    val = sub.add_parser("validate", help="check a data folder and list every problem")
    val.add_argument("data_dir", nargs="?", default=None, help="data folder (default: $EVIDASH_DATA_DIR or data/)")
    args = parser.parse_args(argv)

    data_dir = Path(args.data_dir) if args.data_dir else data_dir_from_env()
    if not data_dir.is_dir():
        print(f"{data_dir}: not a folder", file=sys.stderr)
        return 2
    ev = load_evidence(data_dir)
    problems = list(ev.problems)
    if ev.ok:  # the lessons are checked against the tables (pages, parameters, cells, claims)
        problems += lessons.check_folder(data_dir, ev)
    for problem in problems:
        print(problem)
    n_errors = len(errors(problems))
    n_warnings = len(problems) - n_errors
    if n_errors:
        print(f"FAILED: {n_errors} error(s), {n_warnings} warning(s) in {data_dir}")
        return 1
    n_lessons = len(lessons.ids(data_dir))
    print(f"OK: {summary(ev)}; {n_lessons} lesson(s)" + (f"; {n_warnings} warning(s)" if n_warnings else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
