"""The cost of an acute course in headless Chromium at 1280×720: the section's panels are drawn with their titles and a
row per treatment, and the arithmetic table has real links to each component's source."""
from __future__ import annotations

import pytest

from .test_browser import goto

pytestmark = pytest.mark.e2e

FIRST_PANEL = "US, Medicare national rates, 2026"
TREATMENTS = {"IV ketamine", "Esketamine", "CBT", "ECT", "TMS"}


def test_course_cost_panels_are_drawn_with_a_row_per_treatment(app_page, app_url):
    goto(app_page, f"{app_url}/cost")
    main = app_page.locator('[data-testid="stMain"]')
    assert main.get_by_role("heading", name="Cost of an acute course").is_visible()
    first = main.locator(".js-plotly-plot").first
    assert first.locator(".gtitle").first.text_content() == FIRST_PANEL
    first.scroll_into_view_if_needed()
    ticks = set(first.locator(".ytick text").all_text_contents())
    assert TREATMENTS <= ticks
    written = " ".join(first.locator(".annotation-text").all_text_contents())
    assert "USD 591–1,182 + 2 not priced" in written and "not covered on this basis" in written
    assert first.locator(".barlayer .point").count() >= 2  # ECT and CBT are drawn; the others are written, not 0
    assert first.locator(".xtitle").text_content() == "Cost of an acute course (USD)"


def test_arithmetic_table_links_each_component_to_its_source(app_page, app_url):
    goto(app_page, f"{app_url}/cost")
    table = app_page.locator('[data-testid="stTable"]').first
    table.scroll_into_view_if_needed()
    assert "6–12 sessions × USD 98.53 = USD 591–1,182" in table.inner_text()
    link = table.locator('a[href="https://payerready.com/codes/cpt/90870"]')
    assert link.count() == 1 and "CPT 90870" in link.inner_text()
    hrefs = table.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs and all(h.startswith(("https://", "http://")) for h in hrefs)


def test_course_cost_panel_in_presenter_mode(app_page, app_url):
    goto(app_page, f"{app_url}/cost?present=1")
    first = app_page.locator(".js-plotly-plot").first
    first.scroll_into_view_if_needed()
    assert first.locator(".gtitle").first.text_content() == FIRST_PANEL
    sizes = first.locator(".ytick text").evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert sizes and min(sizes) >= 16


def test_basis_switch_changes_the_panel_and_the_link(app_page, app_url):
    goto(app_page, f"{app_url}/cost")
    app_page.locator('[data-testid="stMain"]').get_by_text("England NHS", exact=True).first.click()
    title = app_page.locator(".js-plotly-plot .gtitle").filter(has_text="England, NHS costs and list prices")
    title.first.wait_for(timeout=30_000)
    app_page.wait_for_function("() => location.search.includes('basis=england_nhs')", timeout=10_000)
    first = app_page.locator(".js-plotly-plot").first
    ticks = set(first.locator(".ytick text").all_text_contents())
    assert TREATMENTS <= ticks and "◇ NICE consultation (company model)" in ticks
    goto(app_page, f"{app_url}/cost?basis=england_nhs")  # the link opens the same panel
    assert app_page.locator(".js-plotly-plot .gtitle").first.text_content().startswith("England, NHS costs")


def test_sources_line_under_a_wide_label_margin_is_not_cut_off(app_page, app_url):
    """The reported prices have long two-line labels, so the plot area is narrow: the sources line drawn into the
    chart must still end inside the figure (it ran past the right edge and was cut off)."""
    goto(app_page, f"{app_url}/cost?basis=reported")
    chart = app_page.locator(".js-plotly-plot").filter(has_text="Reported prices").first
    chart.wait_for(timeout=30_000)
    chart.scroll_into_view_if_needed()
    note = chart.locator(".annotation-text").filter(has_text="Sources:").first
    box, frame = note.bounding_box(), chart.locator("svg.main-svg").first.bounding_box()
    assert "ketamine" in note.text_content().lower()  # the line names the sources, e.g. "How much does ketamine…"
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
