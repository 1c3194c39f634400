"""A problem found in the data, named by file, row and column."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    row: int | None  # line number in the CSV file (the header is line 1); None = whole file
    column: str | None
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        row = "-" if self.row is None else str(self.row)
        column = self.column or "-"
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{row}:{column}: {prefix}{self.message}"


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]
