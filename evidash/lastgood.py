"""Last good data: viewers keep seeing the last data version that validated while a newer edit does not.

A maintainer who saves a broken file (a typo, a half-written save, a file read mid-save) must not blank a
presenter's screen. So the app serves the newest version that passed the validator:

- in memory, per data folder, for the life of the process;
- on disk, as a snapshot of the exact bytes that passed, in a cache folder outside data/ (``cache_dir()``:
  $EVIDASH_CACHE_DIR, else $XDG_CACHE_HOME/evidash, else ~/.cache/evidash; one sub-folder per data folder,
  keyed by its absolute path), so a restarted process that finds broken files still has it.

Only when no version of a folder ever validated does the page show the problem list. The files' problems
are always logged for maintainers (once per data version) and listed on the About page; viewers see file
names relative to the data folder, never a server path. Nothing here writes to the data folder.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .data import Evidence, load_evidence
from .load import CHANGELOG, Snapshot
from .problems import Problem, errors

CACHE_ENV = "EVIDASH_CACHE_DIR"
POINTER = "latest.json"

log = logging.getLogger("evidash.data")
if not log.handlers and not logging.getLogger("evidash").handlers:
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s evidash: %(message)s"))
    logging.getLogger("evidash").addHandler(_handler)
    logging.getLogger("evidash").setLevel(logging.INFO)


@dataclass
class Served:
    """What a page shows: ``evidence`` (the version to draw) and, when that is not the files on disk,
    the problems of the files on disk (``pending``)."""
    evidence: Evidence
    stale: bool = False  # True: ``evidence`` is the last good version, not the (invalid) files on disk
    pending: list[Problem] = field(default_factory=list)  # problems of the files on disk (when stale)
    saved_at: str = ""  # when the shown version was first seen valid (UTC, ISO minutes), if known

    @property
    def label(self) -> str:
        """The shown version in words: '<version>, reviewed up to <date>'."""
        return f"version {self.evidence.version}, reviewed up to {self.evidence.as_of}"


def cache_dir() -> Path:
    value = os.environ.get(CACHE_ENV, "").strip()
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "evidash"


def _key(data_dir: Path) -> str:
    return str(Path(data_dir).resolve())


def snapshot_dir(data_dir: Path) -> Path:
    """Where the snapshots of one data folder live (a hash of its absolute path)."""
    return cache_dir() / hashlib.sha256(_key(data_dir).encode()).hexdigest()[:16]


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())


class LastGood:
    """Per process: the last good Evidence of each data folder, and which versions were saved/logged."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._good: dict[str, Served] = {}
        self._logged: set[tuple[str, str]] = set()
        self._disk_tried: set[str] = set()

    def choose(self, data_dir: Path, latest: Evidence) -> Served:
        """The version to show for ``latest`` (the files on disk, validated)."""
        key = _key(data_dir)
        if latest.ok:
            with self._lock:
                known = self._good.get(key)
                if known is not None and known.evidence.version == latest.version and known.evidence is latest:
                    return known
                served = Served(latest, saved_at=known.saved_at if known and known.evidence.version == latest.version else _now())
                self._good[key] = served
            if known is None or known.evidence.version != latest.version:
                save_snapshot(data_dir, latest, served.saved_at)
                if known is not None:
                    log.info("evidence data in %s validates again (version %s); serving it", key, latest.version)
            return served
        with self._lock:
            good = self._good.get(key)
            if good is None and key not in self._disk_tried:
                self._disk_tried.add(key)
                good = load_snapshot(data_dir)
                if good is not None:
                    self._good[key] = good
            first = (key, latest.version) not in self._logged
            self._logged.add((key, latest.version))
        if first:
            _log_problems(key, latest, good)
        if good is None:
            return Served(latest)
        return Served(good.evidence, stale=True, pending=errors(latest.problems), saved_at=good.saved_at)

    def forget(self, data_dir: Path | None = None) -> None:
        """Drop the in-memory state (tests; a snapshot on disk is kept)."""
        with self._lock:
            if data_dir is None:
                self._good.clear(); self._logged.clear(); self._disk_tried.clear()
            else:
                key = _key(data_dir)
                self._good.pop(key, None); self._disk_tried.discard(key)
                self._logged = {k for k in self._logged if k[0] != key}


STORE = LastGood()


def _log_problems(key: str, latest: Evidence, good: Served | None) -> None:
    bad = errors(latest.problems)
    if good is not None:
        log.warning("evidence data in %s does not validate (%d problem(s)); viewers keep seeing the last good %s",
                    key, len(bad), good.label)
    else:
        log.error("evidence data in %s does not validate (%d problem(s)) and no earlier version validated; "
                  "viewers see the problem list", key, len(bad))
    for problem in bad[:200]:
        log.warning("  %s", problem)


def save_snapshot(data_dir: Path, ev: Evidence, saved_at: str) -> Path | None:
    """Write the exact bytes that validated to the cache (atomically: a new folder, then the pointer file
    replaced in one step). Never raises: without a cache the app still serves, it just has no snapshot."""
    from .schema import OPTIONAL_FILES
    if not ev.files or any(raw is None for name, raw in ev.files.items() if name not in OPTIONAL_FILES):
        return None
    base = snapshot_dir(data_dir)
    target = base / f"v-{ev.version}"
    try:
        base.mkdir(parents=True, exist_ok=True)
        if not (target / POINTER).is_file():
            tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=base))
            for name, raw in ev.files.items():
                if raw is not None:  # a missing optional file stays missing in the snapshot
                    (tmp / name).write_bytes(raw)
            changelog = Path(data_dir) / CHANGELOG
            if changelog.is_file():
                shutil.copyfile(changelog, tmp / CHANGELOG)
            meta = {"data_dir": _key(data_dir), "version": ev.version, "as_of": ev.as_of, "saved_at": saved_at}
            (tmp / POINTER).write_text(json.dumps(meta), encoding="utf-8")
            try:
                tmp.rename(target)
            except OSError:  # another process saved the same version first
                shutil.rmtree(tmp, ignore_errors=True)
        fd, tmp_pointer = tempfile.mkstemp(prefix=".pointer-", dir=base)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"folder": target.name}, fh)
        os.replace(tmp_pointer, base / POINTER)
        for old in base.glob("v-*"):
            if old.name != target.name:
                shutil.rmtree(old, ignore_errors=True)
        return target
    except OSError as exc:
        log.warning("could not save a snapshot of the evidence data in %s: %s", base, exc)
        return None


def load_snapshot(data_dir: Path) -> Served | None:
    """The last good version saved for ``data_dir``, validated again (a snapshot the current rules reject,
    e.g. after an upgrade, is not used); None if there is none."""
    base = snapshot_dir(data_dir)
    try:
        folder = base / json.loads((base / POINTER).read_text(encoding="utf-8"))["folder"]
        meta = json.loads((folder / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    files = {}
    from .schema import OPTIONAL_FILES, TABLES
    for name in TABLES:
        try:
            files[name] = (folder / name).read_bytes()
        except OSError:
            if name in OPTIONAL_FILES:
                files[name] = None
                continue
            return None
    ev = load_evidence(folder, Snapshot(files, str(meta.get("version", "")), True))
    if not ev.ok:
        log.warning("the saved snapshot in %s no longer validates; not used", folder)
        return None
    log.info("evidence data in %s does not validate; using the snapshot saved %s (version %s)",
             _key(data_dir), meta.get("saved_at", "?"), ev.version)
    return Served(ev, saved_at=str(meta.get("saved_at", "")))
