"""Last good data (evidash/lastgood.py): a bad edit never blanks the page; the last version that validated is
served, from memory or from the snapshot on disk, with a banner; the problems go to the About page and the log."""
from __future__ import annotations

import json
import logging
import os
import shutil
from pathlib import Path

import pytest

from evidash import lastgood
from evidash.data import UNSETTLED, load_evidence
from evidash.load import read_files
from evidash.schema import TABLES

from .conftest import DATA, app, texts

BAD_LINE = 'broken.row,alpha,"unterminated\n'


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(lastgood.CACHE_ENV, str(folder))
    return folder


def _append(folder: Path, name: str, text: str) -> None:
    with (folder / name).open("a", encoding="utf-8") as fh:
        fh.write(text)


def _bump_mtime(folder: Path, name: str) -> None:
    st = (folder / name).stat()
    os.utime(folder / name, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_cache_folder_follows_env_then_xdg_then_home(monkeypatch, tmp_path):
    monkeypatch.setenv(lastgood.CACHE_ENV, str(tmp_path / "c1"))
    assert lastgood.cache_dir() == tmp_path / "c1"
    monkeypatch.delenv(lastgood.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert lastgood.cache_dir() == tmp_path / "xdg" / "evidash"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert lastgood.cache_dir() == tmp_path / "home" / ".cache" / "evidash"


def test_a_good_version_is_served_and_snapshotted_outside_the_data_folder(mini_dir, cache):
    store = lastgood.LastGood()
    latest = load_evidence(mini_dir)
    served = store.choose(mini_dir, latest)
    assert served.evidence is latest and not served.stale and served.pending == []
    snap = lastgood.snapshot_dir(mini_dir)
    assert snap.parent == cache and not snap.is_relative_to(mini_dir)
    folder = snap / json.loads((snap / lastgood.POINTER).read_text())["folder"]
    for name in TABLES:  # the exact bytes that validated
        assert (folder / name).read_bytes() == (mini_dir / name).read_bytes()
    meta = json.loads((folder / lastgood.POINTER).read_text())
    assert meta["version"] == latest.version and meta["as_of"] == "2026-11-01"
    assert sorted(p.name for p in mini_dir.iterdir()) == sorted(TABLES)  # nothing written to the data folder


def test_a_bad_edit_keeps_the_last_good_version_and_names_the_problem(mini_dir, cache, caplog):
    store = lastgood.LastGood()
    good = load_evidence(mini_dir)
    store.choose(mini_dir, good)
    _append(mini_dir, "cells.csv", "beta.ptsd.onset,beta,ptsd,onset,,x,,,,,,,,maybe,2026-11-02,,,,,,,,,\n")
    bad = load_evidence(mini_dir)
    assert not bad.ok and bad.version != good.version
    with caplog.at_level(logging.WARNING, logger="evidash"):
        served = store.choose(mini_dir, bad)
        store.choose(mini_dir, bad)  # logged once per data version, not on every page load
    assert served.stale and served.evidence is good
    assert any(p.file == "cells.csv" and p.row == 8 and p.column == "status" for p in served.pending), served.pending
    logged = [r.getMessage() for r in caplog.records]
    assert sum("does not validate" in m for m in logged) == 1
    assert any(m.strip().startswith("cells.csv:8:status:") for m in logged), logged
    # The edit is fixed: the new files are served, no banner.
    lines = (mini_dir / "cells.csv").read_text(encoding="utf-8").splitlines()
    (mini_dir / "cells.csv").write_text("\n".join(lines[:-1]).replace("maybe", "reported") + "\n", encoding="utf-8")
    _bump_mtime(mini_dir, "cells.csv")
    fixed = load_evidence(mini_dir)
    assert fixed.ok
    again = store.choose(mini_dir, fixed)
    assert again.evidence is fixed and not again.stale


def test_a_half_written_file_is_a_bad_edit(mini_dir, cache):
    store = lastgood.LastGood()
    good = load_evidence(mini_dir)
    store.choose(mini_dir, good)
    raw = (mini_dir / "cells.csv").read_bytes()
    (mini_dir / "cells.csv").write_bytes(raw[: len(raw) * 2 // 3])  # a save cut off mid-row
    half = load_evidence(mini_dir)
    assert not half.ok
    served = store.choose(mini_dir, half)
    assert served.stale and served.evidence is good and served.pending


def test_files_changing_while_read_do_not_count_as_valid(mini_dir, monkeypatch):
    versions = iter(str(i) for i in range(100))
    monkeypatch.setattr("evidash.load.data_version", lambda _d: next(versions))  # a save in progress, every read
    snap = read_files(mini_dir, attempts=3, pause_s=0)
    assert not snap.stable
    ev = load_evidence(mini_dir, snap)
    assert not ev.ok and ev.problems[0] == UNSETTLED
    monkeypatch.undo()
    assert read_files(mini_dir).stable


def test_a_restarted_process_serves_the_snapshot(mini_dir, cache):
    good = load_evidence(mini_dir)
    lastgood.LastGood().choose(mini_dir, good)
    _append(mini_dir, "sources.csv", BAD_LINE)
    bad = load_evidence(mini_dir)
    assert not bad.ok
    served = lastgood.LastGood().choose(mini_dir, bad)  # a fresh process: nothing in memory
    assert served.stale and served.evidence.ok
    assert served.evidence.version == good.version and served.evidence.as_of == good.as_of
    assert list(served.evidence.cells["cell_id"]) == list(good.cells["cell_id"])
    assert served.saved_at


def test_never_valid_shows_the_problems(mini_dir, cache):
    _append(mini_dir, "sources.csv", BAD_LINE)
    bad = load_evidence(mini_dir)
    served = lastgood.LastGood().choose(mini_dir, bad)
    assert served.evidence is bad and not served.stale
    assert not lastgood.snapshot_dir(mini_dir).exists()


def test_a_snapshot_that_no_longer_validates_is_not_used(mini_dir, cache):
    lastgood.LastGood().choose(mini_dir, load_evidence(mini_dir))
    snap = lastgood.snapshot_dir(mini_dir)
    folder = snap / json.loads((snap / lastgood.POINTER).read_text())["folder"]
    _append(folder, "cells.csv", BAD_LINE)
    _append(mini_dir, "cells.csv", BAD_LINE)
    served = lastgood.LastGood().choose(mini_dir, load_evidence(mini_dir))
    assert not served.stale and not served.evidence.ok


def test_an_unwritable_cache_does_not_stop_serving(mini_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv(lastgood.CACHE_ENV, str(blocker / "cache"))
    latest = load_evidence(mini_dir)
    served = lastgood.LastGood().choose(mini_dir, latest)
    assert served.evidence is latest and not served.stale


# Through the app (AppTest): the banner, the chart that stays, the About page's problem list, no server path.

def _all_text(at) -> str:
    return texts(at) + "\n".join(e.value for e in at.error) + "\n".join(str(d.value) for d in at.dataframe)


def test_the_app_keeps_the_last_good_data_with_a_banner(tmp_path, monkeypatch, cache):
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(folder))
    good = app("onset")
    assert good.get("plotly_chart") and not good.error
    assert not [c for c in good.caption if "being checked" in c.value]
    good_version = load_evidence(folder).version
    n_lines = len((folder / "cells.csv").read_text(encoding="utf-8").splitlines())
    _append(folder, "cells.csv", BAD_LINE)

    at = app("onset")
    banner = [c.value for c in at.caption if "being checked" in c.value]
    assert len(banner) == 1 and good_version in banner[0], [c.value for c in at.caption]
    assert "as of 2026-" in banner[0]
    assert at.get("plotly_chart"), "the chart stays"
    assert not at.error
    assert str(folder) not in _all_text(at) and str(tmp_path) not in _all_text(at)

    about = app("about")
    problems = about.dataframe[-1].value
    assert {"File", "Row", "Column", "Problem"} <= set(problems.columns)
    assert ((problems["File"] == "cells.csv") & (problems["Row"] == n_lines + 1)).any(), problems
    assert "newer edit of the data files is not shown" in texts(about)
    assert str(folder) not in _all_text(about) and str(tmp_path) not in _all_text(about)

    (folder / "cells.csv").write_text((DATA / "cells.csv").read_text(encoding="utf-8"), encoding="utf-8")
    _bump_mtime(folder, "cells.csv")
    restored = app("onset")
    assert not [c for c in restored.caption if "being checked" in c.value]
    assert restored.get("plotly_chart")
    about = app("about")
    assert "newer edit" not in texts(about)
