"""Claims check and head-to-head in headless Chromium: a claim's cell link opens that cell's evidence
card; a deep link to the head-to-head page shows the direct trials with their numbers from the data."""
from __future__ import annotations

import csv

import pytest

from evidash.vocab import VERDICT_LABELS

from .conftest import ROOT
from .test_browser import assert_no_exception, goto

pytestmark = pytest.mark.e2e


def rows(name: str) -> list[dict]:
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_claim_cell_link_opens_the_evidence_card(app_page, app_url):
    claim = rows("claims.csv")[0]
    cell_id = claim["cell_ids"].split(";")[0]
    goto(app_page, f"{app_url}/claims?claim={claim['claim_id']}")
    assert_no_exception(app_page)
    card = app_page.locator(".st-key-selected_claim")
    assert VERDICT_LABELS[claim["verdict"]] in card.inner_text()
    link = card.locator(f'a[href="/overview?cell={cell_id}"]')
    assert link.count() == 1
    goto(app_page, f"{app_url}{link.get_attribute('href')}")  # the link opens a new tab; follow it here
    dialog = app_page.get_by_role("dialog")
    dialog.wait_for(timeout=20_000)
    cell = next(r for r in rows("cells.csv") if r["cell_id"] == cell_id)
    assert cell["value"][:40] in dialog.inner_text()


def test_head_to_head_deep_link_lists_direct_trials(app_page, app_url):
    goto(app_page, f"{app_url}/head-to-head?condition=trd")
    assert_no_exception(app_page)
    main = app_page.locator('[data-testid="stMain"]').inner_text()
    trd = [r for r in rows("comparisons.csv") if {r["treatment_a"], r["treatment_b"]} == {"ketamine_iv", "ect"}
           and r["condition_id"] == "trd"]
    for study in ("ELEKT-D", "KetECT"):
        assert study in main
    for r in trd:
        for column in ("ci_low", "ci_high"):
            if r[column]:
                assert f"{float(r[column]):g}" in main
    goto(app_page, f"{app_url}/head-to-head?condition=trd&b=tms")
    assert "No randomised or meta-analytic direct comparison of IV ketamine and TMS was found" in (
        app_page.locator('[data-testid="stMain"]').inner_text())
    assert app_page.locator(".js-plotly-plot").count() == 0
