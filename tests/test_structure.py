"""The shape of the code: no import cycles in the package, one page registry that everything reads, and
adding a page is a page file plus one registry entry (shown on a temporary copy of the app)."""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

from evidash import registry, urlstate

from .conftest import ROOT, rows

PACKAGE = ROOT / "evidash"


def _imports(path: Path) -> set[str]:
    """The evidash modules a module imports, anywhere in it (a lazy import inside a function counts too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found |= {alias.name for alias in node.names}
            elif node.module and node.module.startswith("evidash."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("evidash.")}
    modules = {p.stem for p in PACKAGE.glob("*.py")}
    return {m for m in found if m in modules}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt] if nxt in path else [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_inside_the_package():
    graph = {p.stem: _imports(p) - {p.stem} for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    assert _cycle(graph) is None, " -> ".join(_cycle(graph))


def test_every_page_file_is_registered_and_every_entry_has_its_file():
    files = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert {p.file for p in registry.pages()} == files
    slugs = [p.slug for p in registry.pages()]
    assert len(slugs) == len(set(slugs))


def test_every_parameter_a_page_reads_is_declared_and_every_page_parameter_is_read_somewhere():
    used = {name for page in registry.pages() for name in page.params}
    assert used <= set(urlstate.PARAMS), used - set(urlstate.PARAMS)
    everywhere = {name for name, p in urlstate.PARAMS.items() if p.presenter and p.kept}  # present, qr: every page
    everywhere.add("audience")  # family mode: read by every page's setup (state.py), like presenter mode
    assert set(urlstate.PARAMS) - everywhere <= used, set(urlstate.PARAMS) - everywhere - used


EXTRA_PAGE = '''"""A page added by a test."""
import streamlit as st

from evidash.state import PageState, run_page


def body(state: PageState) -> None:
    st.markdown(f"Extra page for {state.condition}")


run_page("extra", body)
'''
EXTRA_ENTRY = '''
[[page]]
slug = "extra"
file = "pages/extra.py"
nav = "Extra"
title = "An extra page"
icon = ":material/star:"
params = ["condition"]
'''
PROBE = '''
import json, sys
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("dashboard.py", default_timeout=60)
at.query_params["condition"] = sys.argv[1]
at.run()
at.switch_page("pages/extra.py").run()
print(json.dumps({"exception": [e.message for e in at.exception], "title": [t.value for t in at.title],
                  "markdown": [m.value for m in at.markdown], "condition": at.selectbox(key="condition").value,
                  "treatments": [m.key for m in at.multiselect]}))
'''


def test_adding_a_page_is_a_file_and_one_registry_entry(tmp_path):
    copy = tmp_path / "app"
    copy.mkdir()
    for name in ("dashboard.py", "evidash", "pages", "data", ".streamlit"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, copy / name)
    (copy / "pages" / "extra.py").write_text(EXTRA_PAGE, encoding="utf-8")
    with (copy / "evidash" / "pages.toml").open("a", encoding="utf-8") as fh:
        fh.write(EXTRA_ENTRY)
    condition = rows("conditions.csv", copy / "data")[-1]["condition_id"]
    done = subprocess.run([sys.executable, "-c", PROBE, condition], cwd=copy, capture_output=True, text=True,
                          env={"PYTHONPATH": str(copy), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["exception"] == []
    assert shown["title"] == ["An extra page"]
    assert f"Extra page for {condition}" in shown["markdown"]
    assert shown["condition"] == condition  # its filter is drawn and reads the link
    assert "treatments" not in shown["treatments"]  # a filter the page does not read is not drawn
