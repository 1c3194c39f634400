"""Read the CSV files of a data folder into DataFrames, without trusting them.

Every file is read as text; each record keeps the line number where it starts (``_line``) so that
problems can name file, row and column. Nothing here writes to the data folder.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .problems import Problem
from .schema import OPTIONAL_FILES, TABLES, empty_frame, required_columns

LINE = "_line"
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DATA_DIR_ENV = "EVIDASH_DATA_DIR"


def data_dir_from_env() -> Path:
    """The data folder the app uses: $EVIDASH_DATA_DIR if set, else the repo's data/."""
    value = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(value) if value else DEFAULT_DATA_DIR


def data_version(data_dir: Path) -> str:
    """A cheap fingerprint of the data files (name, size, mtime) used as a cache key."""
    parts = []
    for name in TABLES:
        path = Path(data_dir) / name
        try:
            st = path.stat()
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:missing")
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:16]


@dataclass
class Snapshot:
    """The bytes of every declared data file (None: missing), read at one data version."""
    files: dict[str, bytes | None]
    version: str
    stable: bool  # False: a file changed while it was being read (a save in progress)


def read_files(data_dir: Path | str, attempts: int = 3, pause_s: float = 0.1) -> Snapshot:
    """Read every declared file's bytes so that they belong together: the fingerprint is taken before and
    after the read and must match. A file being saved while we read it (an editor truncating, then writing)
    changes size or mtime, so the read is retried; if it never settles, ``stable`` is False and the caller
    treats the data as a bad edit for now."""
    data_dir = Path(data_dir)
    files: dict[str, bytes | None] = {}
    before = data_version(data_dir)
    for attempt in range(attempts):
        files = {}
        for name in TABLES:
            try:
                files[name] = (data_dir / name).read_bytes()
            except OSError:  # missing, a folder, unreadable: reported as "file not found" below
                files[name] = None
        after = data_version(data_dir)
        if after == before:
            return Snapshot(files, before, True)
        before = after
        if attempt + 1 < attempts:
            time.sleep(pause_s)
    return Snapshot(files, before, False)


@dataclass
class RawTables:
    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Required columns each file lacks (their row checks are skipped: one problem per column is enough).
    missing: dict[str, set[str]] = field(default_factory=dict)
    # Files that could not be read at all (missing, empty, not UTF-8, no header).
    unreadable: set[str] = field(default_factory=set)


def _decode(name: str, raw: bytes, problems: list[Problem]) -> str | None:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(Problem(name, line, None, f"file is not valid UTF-8 (byte {raw[exc.start]:#04x}); save it as UTF-8"))
        return None


def read_csv_text(name: str, text: str, problems: list[Problem]) -> pd.DataFrame | None:
    """Parse CSV text; rows with the wrong number of fields are reported and skipped."""
    if not text.strip():
        problems.append(Problem(name, 1, None, "file is empty; it needs at least a header row"))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        problems.append(Problem(name, 1, None, f"cannot read the header row: {exc}"))
        return None
    header = [h.strip() for h in header]
    seen: set[str] = set()
    for h in header:
        if not h:
            problems.append(Problem(name, 1, None, "header has an empty column name"))
        elif h in seen:
            problems.append(Problem(name, 1, h, "column appears twice in the header"))
        seen.add(h)
    records, lines = [], []
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(name, start, None, f"malformed CSV: {exc}"))
            break
        if not any(cell.strip() for cell in row):
            start = reader.line_num + 1
            continue
        if len(row) != len(header):
            problems.append(Problem(name, start, None, f"row has {len(row)} fields but the header has {len(header)}"))
        else:
            records.append(row)
            lines.append(start)
        start = reader.line_num + 1
    frame = pd.DataFrame(records, columns=header, dtype="object") if records else pd.DataFrame(columns=header, dtype="object")
    frame = frame.loc[:, [c for c in frame.columns if c]]
    frame = frame.apply(lambda s: s.map(lambda v: v.strip() if isinstance(v, str) else v))
    frame = frame.replace({"": None})
    frame[LINE] = lines
    return frame


def read_tables(data_dir: Path | str, files: dict[str, bytes | None] | None = None) -> RawTables:
    """Read every declared file of ``data_dir`` (or parse ``files``, their bytes as ``read_files`` read them);
    missing files and columns become problems."""
    if files is None:
        files = read_files(data_dir).files
    out = RawTables()
    for name, model in TABLES.items():
        raw = files.get(name)
        frame = None
        if raw is None and name in OPTIONAL_FILES:  # an optional file not yet made: an empty table, no problem
            frame = empty_frame(model)
            frame[LINE] = pd.Series(dtype="int64")
            out.frames[name] = frame
            out.missing[name] = set()
            continue
        if raw is None:
            out.problems.append(Problem(name, None, None, "file not found in the data folder"))
        else:
            text = _decode(name, raw, out.problems)
            if text is not None:
                frame = read_csv_text(name, text, out.problems)
        if frame is not None:
            missing = [c for c in required_columns(model) if c not in frame.columns]
            for column in missing:
                out.problems.append(Problem(name, 1, column, "required column is missing from the header"))
                frame[column] = None
            out.missing[name] = set(missing)
        if frame is None:
            out.unreadable.add(name)
            frame = empty_frame(model)
            frame[LINE] = pd.Series(dtype="int64")
        out.frames[name] = frame
    return out


CHANGELOG = "CHANGELOG.md"


def changelog_entries(data_dir: Path | None, limit: int = 3) -> list[tuple[str, str]]:
    """The newest ``limit`` entries of data/CHANGELOG.md as (heading, markdown body). Each entry starts
    with a '## ' heading; body lines are escaped (only list bullets are kept as markdown)."""
    from .cite import escape_md

    path = Path(data_dir or DEFAULT_DATA_DIR) / CHANGELOG
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    entries: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("## "):
            entries.append((line[3:].strip(), []))
        elif entries and line.strip():
            bullet = line.lstrip().startswith(("- ", "* "))
            body = line.lstrip()[2:] if bullet else line.strip()
            entries[-1][1].append(("- " if bullet else "") + escape_md(body))
    return [(heading, "\n".join(lines)) for heading, lines in entries[:limit]]
