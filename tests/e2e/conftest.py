"""End-to-end fixtures: one Streamlit server and one Chromium page for the whole session.

Run: ``python -m pytest tests/e2e -q`` (needs /usr/bin/chromium and, for the axe test,
``npm install --no-save axe-core@4.14.1`` in the repo root). The server reads the repo's data/ folder
unless EVIDASH_DATA_DIR is set in the environment that runs pytest (it is passed through unchanged).
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # so tests can import evidash to compute expected values
    sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 720}
HEALTH_TIMEOUT_S = 60


def pytest_configure(config: pytest.Config) -> None:
    # pytest-playwright's base_url fixture triggers this deprecation warning under pytest 9.
    config.addinivalue_line("filterwarnings", "ignore::pytest.PytestRemovedIn10Warning")
    config.addinivalue_line("markers", "e2e: end-to-end browser test (starts Streamlit and Chromium)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(log_path: Path, env: dict | None = None):
    """`streamlit run dashboard.py` on a free port with ``env`` (default: this process's); yields its base URL."""
    port = _free_port()
    log = open(log_path, "w+b")
    cmd = [
        sys.executable, "-m", "streamlit", "run", "dashboard.py",
        "--server.headless=true", "--server.address=127.0.0.1", f"--server.port={port}",
        "--browser.gatherUsageStats=false",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env or os.environ.copy(), stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def output() -> str:
        log.flush()
        return log_path.read_text(encoding="utf-8", errors="replace")

    deadline = time.monotonic() + HEALTH_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited with code {proc.returncode} before becoming healthy:\n{output()}")
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy after {HEALTH_TIMEOUT_S} s:\n{output()}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory):
    """Start `streamlit run dashboard.py` on a free port; yield its base URL; stop it afterwards."""
    with streamlit_server(tmp_path_factory.mktemp("streamlit") / "server.log") as base:
        yield base


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": dict(VIEWPORT), "accept_downloads": True}


@pytest.fixture(scope="session")
def shared_page(browser, browser_context_args, app_url):
    """One page reused by most tests (Streamlit's JS compiles once); each test page.goto()s for a new session."""
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def app_page(shared_page):
    """The shared page with per-test dialog recording; listeners are removed after the test."""
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    shared_page.on("dialog", on_dialog)
    shared_page.dialogs = dialogs  # type: ignore[attr-defined]
    yield shared_page
    shared_page.remove_listener("dialog", on_dialog)
