"""A bad data edit while a browser session is open (evidash/lastgood.py): the chart stays, a banner says which
version is shown; the file is restored and the banner goes. Runs its own server on a copy of the data."""
from __future__ import annotations

import os
import re
import shutil

import pytest

from evidash.data import load_evidence

from .conftest import ROOT, streamlit_server
from .test_browser import assert_no_exception, settle

pytestmark = pytest.mark.e2e

BANNER = "a newer edit of the data is being checked"
CHART_TITLE = "Onset: time to first improvement · Treatment-resistant depression"


@pytest.fixture(scope="module")
def data_server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lastgood")
    data = folder / "data"
    shutil.copytree(ROOT / "data", data)
    env = {**os.environ, "EVIDASH_DATA_DIR": str(data), "EVIDASH_CACHE_DIR": str(folder / "cache")}
    with streamlit_server(folder / "server.log", env) as url:
        yield url, data, folder


def _open(page, name: str) -> None:
    """Switch page inside the same session (a full rerun, which reads the data version again)."""
    page.locator('[data-testid="stSidebarNav"]').get_by_text(name, exact=True).click()
    settle(page)


def _banner(page):
    return page.locator(".st-key-stale_data_banner")


def _chart_title(page) -> str:
    page.locator(".js-plotly-plot .gtitle").first.wait_for(timeout=30_000)
    return page.locator(".js-plotly-plot .gtitle").first.text_content()


def test_a_bad_edit_keeps_the_chart_and_shows_a_banner_until_restored(data_server, browser, browser_context_args):
    url, data, folder = data_server
    good = load_evidence(data)
    original = (data / "cells.csv").read_bytes()
    ctx = browser.new_context(**browser_context_args)
    ctx.set_default_timeout(30_000)
    try:
        page = ctx.new_page()
        page.goto(url + "/onset?condition=trd")
        settle(page)
        assert CHART_TITLE in _chart_title(page)
        assert _banner(page).count() == 0

        # A maintainer's save cut off mid-row (an unterminated quoted field on a new last line).
        with (data / "cells.csv").open("ab") as fh:
            fh.write(b'ketamine_iv.trd.onset_copy,ketamine_iv,trd,onset,"Hours (half-writ')
        _open(page, "Administration setting")
        _open(page, "Onset speed")
        assert CHART_TITLE in _chart_title(page), "the chart stays"
        banner = _banner(page).inner_text()
        assert BANNER in banner and good.version in banner and f"as of {good.as_of}" in banner, banner
        assert_no_exception(page)
        body = page.locator("body").inner_text()
        assert "cannot show it" not in body
        assert str(data) not in body and str(folder) not in body, "no server path for viewers"

        # A visitor who arrives now (new session) gets the last good version too.
        page.reload()
        settle(page)
        assert CHART_TITLE in _chart_title(page) and BANNER in _banner(page).inner_text()

        # The About page tells the maintainer why: the problem list (a canvas table) under a plain heading.
        _open(page, "About")
        about = page.locator('[data-testid="stMain"]').inner_text()
        assert "A newer edit of the data files is not shown" in about
        grid = page.locator(".st-key-pending_data_problems [data-testid='stDataFrame']")
        grid.wait_for(timeout=30_000)
        # The grid's accessible copy of its cells is filled in after the canvas draws: wait for the file's cell
        # (attached, as that copy is visually hidden) before reading them all.
        file_cell = grid.locator("[role='gridcell']").filter(has_text=re.compile(r"^\s*cells\.csv\s*$"))
        file_cell.first.wait_for(state="attached", timeout=30_000)
        cells = [c.strip() for c in grid.locator("[role='gridcell']").all_text_contents()]
        assert "cells.csv" in cells, cells[:20]
        assert str(data) not in about

        # Restored: the next page load shows the files again, without the banner.
        (data / "cells.csv").write_bytes(original)
        _open(page, "Onset speed")
        assert CHART_TITLE in _chart_title(page)
        assert _banner(page).count() == 0
        assert re.search(r"condition=trd", page.url)
        assert_no_exception(page)
    finally:
        (data / "cells.csv").write_bytes(original)
        ctx.close()
