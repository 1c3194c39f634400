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
    goto(app_page, f"{app_url}/head-to-head?condition=all")
    assert_no_exception(app_page)
    main = app_page.locator('[data-testid="stMain"]').inner_text()
    pair = [r for r in rows("comparisons.csv") if {r["treatment_a"], r["treatment_b"]} == {"ketamine_iv", "ect"}]
    for study in ("ELEKT-D", "KetECT"):
        assert study in main
    for r in pair:
        for column in ("ci_low", "ci_high"):
            if r[column]:
                assert f"{float(r[column]):g}" in main
    goto(app_page, f"{app_url}/head-to-head?condition=trd&b=tms")
    assert "No randomised or meta-analytic direct comparison of IV ketamine and TMS was found" in (
        app_page.locator('[data-testid="stMain"]').inner_text())
    assert app_page.locator(".js-plotly-plot").count() == 0


def _short() -> dict[str, str]:
    return {t["treatment_id"]: t["short_name"] for t in rows("treatments.csv")}


@pytest.mark.parametrize("a,b", [("ketamine_iv", "ect"), ("ect", "ketamine_iv")])
def test_head_to_head_forest_chart_is_above_the_table_with_one_favoured_side(app_page, app_url, a, b):
    """Every panel's x-axis title, as drawn, names the second treatment on the left and the first on the right;
    swapping the two mirrors them; the chart sits above the table."""
    goto(app_page, f"{app_url}/head-to-head?condition=all&a={a}&b={b}")
    assert_no_exception(app_page)
    main = app_page.locator('[data-testid="stMain"]')
    chart = main.locator(".js-plotly-plot").first
    chart.locator(".xtitle").first.wait_for(timeout=20_000)
    titles = chart.locator("g.infolayer text[class$='title']").all_text_contents()
    titles = [t for t in titles if "favours" in t]
    panels = {(r["effect_measure"].split(",")[0]) for r in rows("comparisons.csv")
              if {r["treatment_a"], r["treatment_b"]} == {a, b} and r["effect_first"] and r["higher_favours"]}
    short = _short()
    assert len(titles) == len(panels) >= 2
    assert set(titles) == {f"← favours {short[b]} · favours {short[a]} →"}
    for title in titles:
        left, right = title.split(" · ")
        assert short[b] in left and short[a] in right
    table = main.locator('[data-testid="stTable"]').first
    assert chart.bounding_box()["y"] + chart.bounding_box()["height"] <= table.bounding_box()["y"]
