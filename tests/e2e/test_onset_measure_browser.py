"""The onset page's measure switch in Chromium at 1280×720 (issue 20, part 3): clicking a measure puts it in the URL
and redraws the chart for that measure with every chosen treatment as a labelled row; the permalink reproduces it.
Expectations come from the data files."""
from __future__ import annotations

import csv
import re

import pytest

from .conftest import ROOT
from .test_browser import assert_no_exception, goto, settle

pytestmark = pytest.mark.e2e


def _rows(name: str) -> list[dict]:
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


TREATMENTS = sorted(_rows("treatments.csv"), key=lambda r: float(r["sort_order"]))[:8]  # the default filter
POINTS = _rows("onset_points.csv")
ACCELERATED = [p for p in POINTS if p["protocol"] == "accelerated"]
# A condition with an accelerated protocol if there is one (its row must be labelled), else one with any point.
CONDITION = (ACCELERATED or POINTS)[0]["condition_id"]
CONDITION_NAME = next(r["name"] for r in _rows("conditions.csv") if r["condition_id"] == CONDITION)
SCREEN = '[data-testid="stMain"] [class*="st-key-screen_chart__onset"] .js-plotly-plot'


def row_of(point: dict) -> str | None:
    """The chart row a point of CONDITION sits on: the treatment's short name, or '<short> · accelerated (<variant>)'."""
    ids = {t["treatment_id"]: t["short_name"] for t in TREATMENTS}
    if point["condition_id"] != CONDITION or point["treatment_id"] not in ids:
        return None
    if point["protocol"] != "accelerated":
        return ids[point["treatment_id"]]
    head, colon, _ = point["protocol_name"].partition(":")
    return f"{ids[point['treatment_id']]} · accelerated" + (f" ({head.strip()})" if colon and head.strip() else "")


def expected_rows() -> list[str]:
    labels = [t["short_name"] for t in TREATMENTS]
    return labels + list(dict.fromkeys(r for r in map(row_of, ACCELERATED) if r and r not in labels))


def shown_rows(page) -> list[str]:
    ticks = page.evaluate(f"""() => [...document.querySelectorAll('{SCREEN} .ytick text')].map(t => t.textContent)""")
    return [t.removesuffix(" ⚠").strip() for t in ticks]


def title(page) -> str:
    return page.locator(f"{SCREEN} .gtitle").first.text_content()


def test_measure_switch_is_kept_in_the_url_and_the_permalink(app_page, app_url):
    goto(app_page, f"{app_url}/onset?condition={CONDITION}")
    assert_no_exception(app_page)
    assert f"time to first improvement · {CONDITION_NAME}" in title(app_page)
    app_page.locator(".st-key-measure").get_by_text("Remission", exact=True).click()
    app_page.wait_for_url(re.compile(r"measure=remission"), timeout=20_000)
    settle(app_page)
    app_page.wait_for_function(f"""() => [...document.querySelectorAll('{SCREEN} .gtitle')]
        .some(t => t.textContent.includes('time to remission'))""", timeout=20_000)
    assert f"Onset: time to remission · {CONDITION_NAME}" in title(app_page)
    assert sorted(shown_rows(app_page)) == sorted(expected_rows())  # every chosen treatment keeps its row
    empty = app_page.locator(f"{SCREEN} .annotation-text", has_text="no time reported for this measure").count()
    plotted = {row_of(p) for p in POINTS if p["measure"] == "remission"} - {None}
    assert empty == len(expected_rows()) - len(plotted)
    url = app_page.url
    assert "condition=" + CONDITION in url

    goto(app_page, url)  # the permalink reproduces the view
    assert_no_exception(app_page)
    assert f"Onset: time to remission · {CONDITION_NAME}" in title(app_page)
    assert sorted(shown_rows(app_page)) == sorted(expected_rows())
    assert "measure=remission" in app_page.url
