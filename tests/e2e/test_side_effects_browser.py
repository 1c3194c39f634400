"""The side-effect page in Chromium at 1280×720 (issue 20, parts 2 and 6): the comparator view and its icon array
of 100 people, the heatmap mode and the category in the URL, category labels on the first screen, screenshots."""
from __future__ import annotations

import csv
import re

import pytest

from .conftest import ROOT, VIEWPORT
from .test_browser import SHOTS, assert_no_exception, goto, settle

pytestmark = pytest.mark.e2e

EFFECTS = {r["effect_id"]: r for r in csv.DictReader((ROOT / "data" / "effects.csv").open(encoding="utf-8"))}
ASPIRE = EFFECTS["esketamine.se_dissociative.dissociation_aspire"]

ICONS = '.st-key-icon_array .js-plotly-plot .scatterlayer .point'


def choose(page, key: str, option) -> None:
    """Pick ``option`` (text or pattern) in the selectbox with widget key ``key``; the list is opened again if a rerun
    closed it before the option showed."""
    box = page.locator(f'[data-testid="stMain"] .st-key-{key} [data-testid="stSelectbox"]').first
    box.scroll_into_view_if_needed()
    for attempt in range(4):
        box.click()
        wanted = page.get_by_role("option", name=option, exact=isinstance(option, str))
        try:
            wanted.first.wait_for(timeout=5_000)
        except Exception:
            page.keyboard.press("Escape")
            continue
        wanted.first.click()
        return
    raise AssertionError(f"option {option!r} of {key} never showed")


def chart_titles(page) -> list[str]:
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot .gtitle')]
        .map(t => t.textContent)""")


def test_comparator_view_and_icon_array(app_page, app_url):
    goto(app_page, f"{app_url}/side-effects?treatments=esketamine&category=se_dissociative")
    assert_no_exception(app_page)
    assert any("How many more people per 100 · Dissociative and perceptual" in t for t in chart_titles(app_page))
    # The switch shows 100 people instead of the per-100 chart, and the link keeps it.
    app_page.locator(".st-key-comparison").get_by_text("100 people, one effect").click()
    app_page.wait_for_url(re.compile(r"comparison=people"))
    app_page.locator(ICONS).first.wait_for()
    assert not any("How many more people per 100" in t for t in chart_titles(app_page))
    assert app_page.locator(ICONS).count() == 200  # two groups of 100 people
    # Pick the ASPIRE row: the pictograph and its text alternative follow it.
    choose(app_page, "icon_effect", re.compile(re.escape(ASPIRE["effect"])))
    treated, compared = round(float(ASPIRE["rate"])), round(float(ASPIRE["comparator_rate"]))
    words = app_page.locator(".st-key-icon_array").get_by_text(f"about {treated} had dissociation").first
    words.wait_for(timeout=20_000)
    settle(app_page)
    text = words.inner_text()
    assert f"about {compared}" in text and f"{treated - compared} extra people" in text
    assert app_page.locator(ICONS).count() == 200
    legend = app_page.evaluate("() => [...document.querySelectorAll('.st-key-icon_array .legendtext')].map(t => t.textContent)")
    assert any("would have it either way" in t for t in legend) and any("no effect" in t for t in legend)
    SHOTS.mkdir(parents=True, exist_ok=True)
    app_page.locator(".st-key-icon_array").scroll_into_view_if_needed()
    app_page.screenshot(path=str(SHOTS / "side-effects-icon-array.png"))


def test_heatmap_mode_and_category_are_kept_in_the_url(app_page, app_url):
    goto(app_page, f"{app_url}/side-effects")
    app_page.locator(".st-key-heatmap").get_by_text("Excess over comparator").click()
    app_page.wait_for_url(re.compile(r"heatmap=excess"), timeout=20_000)
    settle(app_page)
    assert any("extra people per 100 over the comparator" in t for t in chart_titles(app_page))
    choose(app_page, "category", "Mortality")
    app_page.wait_for_url(re.compile(r"category=se_mortality"), timeout=20_000)
    settle(app_page)
    url = app_page.url
    goto(app_page, url)  # the link reproduces the view
    assert any("extra people per 100" in t for t in chart_titles(app_page))
    assert app_page.locator('[data-testid="stMain"] .st-key-category input').first.input_value() == "Mortality"
    assert app_page.get_by_text("Mortality: how many more people per 100?").first.is_visible()
    assert_no_exception(app_page)


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
@pytest.mark.parametrize("mode", ["highest", "excess"])
def test_category_labels_and_every_treatment_on_the_first_screen(app_page, app_url, present, mode):
    goto(app_page, f"{app_url}/side-effects?heatmap={mode}" + ("&present=1" if present else ""))
    heat = app_page.locator('[data-testid="stMain"] .js-plotly-plot').first
    heat.locator(".xtick text").first.wait_for()
    boxes = heat.evaluate("""gd => [...gd.querySelectorAll('.xtick text')].map(t => {
        const b = t.getBoundingClientRect(); return [t.textContent, b.top, b.bottom]; })""")
    assert len(boxes) == 10
    assert all(0 <= top and bottom <= VIEWPORT["height"] for _, top, bottom in boxes), boxes
    rows = heat.evaluate("""gd => [...gd.querySelectorAll('.ytick text')]
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top).map(t => t.textContent)""")
    assert rows == ["IV ketamine", "Esketamine", "CBT", "ECT", "TMS"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    app_page.screenshot(path=str(SHOTS / f"side-effects-{mode}{'-presenter' if present else ''}.png"))


def test_ignored_condition_gives_a_notice(app_page, app_url):
    goto(app_page, f"{app_url}/side-effects?condition=trd")
    assert app_page.get_by_text("This page has no condition filter").first.is_visible()
