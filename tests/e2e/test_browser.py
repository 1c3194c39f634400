"""The real experience in headless Chromium: pages, clicks, permalinks, downloads, presenter mode, axe."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest

from evidash import views
from evidash.data import load_evidence

from .conftest import ROOT

pytestmark = pytest.mark.e2e

SHOTS = ROOT / "artifacts" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BASELINE = json.loads((Path(__file__).parent / "axe_baseline.json").read_text(encoding="utf-8"))
PAGES = {
    "overview": "Overview: compare treatments",
    "onset": "Onset speed: how soon does it work?",
    "setting": "Administration setting: what a course involves",
    "cost": "Cost and access",
    "side-effects": "Side effects",
    "head-to-head": "Head-to-head: direct comparisons",
    "claims": "Claims check: what popular articles say",
    "sources": "Sources",
    "about": "About this dashboard",
    "lessons": "Lessons: run a session from the dashboard",
}


@pytest.fixture(scope="module")
def ev():
    return load_evidence(ROOT / "data")


def settle(page, timeout: int = 45_000) -> None:
    """Wait until Streamlit has finished the run: every page ends with the not-medical-advice footer."""
    page.get_by_text("not medical advice").last.wait_for(timeout=timeout)
    page.wait_for_function(
        """() => {
            const status = document.querySelector('[data-testid="stStatusWidget"]');
            const running = status && /running|connecting/i.test(status.innerText || '');
            return !running && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]');
        }""",
        timeout=timeout,
    )
    page.wait_for_timeout(500)


def goto(page, url: str) -> None:
    page.goto(url)
    settle(page)


def condition_shown(page) -> str:
    return page.locator('[data-testid="stMain"] .st-key-condition input').first.input_value()


def assert_no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator('[data-testid="stException"]').first.inner_text()


LABELS_FIT_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')].map(gd => {
    const box = gd.getBoundingClientRect();
    const labels = [...gd.querySelectorAll('.ytick text')];
    const left = Math.min(...labels.map(t => t.getBoundingClientRect().left));
    return {labels: labels.length, asked: gd.layout.margin && gd.layout.margin.l, drawn: gd._fullLayout._size.l, labelsFrom: left - box.left};
})"""


def assert_chart_labels_fit(page) -> None:
    """Every chart's left-axis labels are inside the chart, and the left margin the server reserved
    for them was enough (so Plotly laid the chart out once, not twice: charts.fit_left_margin)."""
    page.locator(".js-plotly-plot .ytick text").first.wait_for()
    charts = [c for c in page.evaluate(LABELS_FIT_JS) if c["labels"]]
    assert charts
    for chart in charts:
        assert chart["labelsFrom"] >= 0, chart
        assert chart["asked"] is not None and chart["drawn"] <= chart["asked"] + 0.5, chart


def run_axe(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
@pytest.mark.parametrize("slug", list(PAGES))
def test_page_loads_is_accessible_and_is_captured(app_page, app_url, slug, present):
    query = "?condition=trd" + ("&present=1" if present else "")
    goto(app_page, f"{app_url}/{slug}{query}")
    assert_no_exception(app_page)
    if present:  # no page title: the presenter bar names the page, or the slide on the overview
        bar = app_page.locator(".st-key-presenter_bar").inner_text()
        assert "Exit presenter mode" in bar
        if slug == "overview":
            assert app_page.get_by_text("Onset and durability · Treatment-resistant depression").first.is_visible()
            assert re.search(r"1 of \d+ · Onset and durability", bar), bar
    else:
        assert app_page.locator("h1").first.inner_text().strip() == PAGES[slug]
    assert "not medical advice" in app_page.locator('[data-testid="stMain"]').inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    app_page.screenshot(path=str(SHOTS / f"{slug}{'-presenter' if present else ''}.png"))
    if app_page.locator('[data-testid="stMain"] .js-plotly-plot').count():
        assert_chart_labels_fit(app_page)
    if present:
        assert not app_page.locator('[data-testid="stSidebar"]').is_visible()
        sizes = app_page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p')]
            .filter(p => !p.closest('button, summary, [data-testid="stPopover"]'))
            .map(p => parseFloat(getComputedStyle(p).fontSize))""")
        assert sizes and min(sizes) >= 20, sizes
        if app_page.locator(".js-plotly-plot").count():
            app_page.locator(".js-plotly-plot .xtick text").first.wait_for()
        chart_text = app_page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot .xtick text, .js-plotly-plot .ytick text, .js-plotly-plot .legendtext')]
            .filter(t => !t.closest('[data-stale="true"]'))
            .map(t => [t.textContent, parseFloat(t.style.fontSize || getComputedStyle(t).fontSize)])""")
        small = [(text, size) for text, size in chart_text or [] if size < 16]
        assert not small, small
    violations = run_axe(app_page)
    allowed = {b["rule"] for b in BASELINE["baseline"]}
    unexpected = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in violations if v["id"] not in allowed]
    assert not unexpected, unexpected


def test_clicking_a_cell_opens_the_card_with_the_source_link(app_page, app_url, ev):
    goto(app_page, f"{app_url}/overview?condition=trd")
    cell = app_page.locator(".st-key-cell__tier1__esketamine__monitoring_driving button").first
    cell.click()
    dialog = app_page.get_by_role("dialog")
    dialog.wait_for(timeout=20_000)
    assert "Esketamine nasal spray (Spravato) · Post-session monitoring and driving" in dialog.inner_text()
    assert "cell=esketamine.monitoring_driving" in app_page.url
    expected = views.card(ev, "esketamine.monitoring_driving").citations.iloc[0]["link"]
    href = dialog.get_by_role("link", name=re.compile("Open source 1")).get_attribute("href")
    assert href == expected and href.startswith("https://")


def test_permalink_reproduces_the_view_in_a_fresh_context(browser, browser_context_args, app_url, ev):
    url = f"{app_url}/overview?condition=ptsd&treatments=ketamine_iv&treatments=ect&group=evidence&cell=ketamine_iv.ptsd.evidence_status"
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        goto(page, url)
        assert "Post-traumatic stress disorder" in condition_shown(page)
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=20_000)
        assert "IV racemic ketamine (off-label) · Evidence status" in dialog.inner_text()
        expected = views.card(ev, "ketamine_iv.ptsd.evidence_status").citations.iloc[0]["link"]
        assert dialog.get_by_role("link", name=re.compile("Open source 1")).get_attribute("href") == expected
        page.keyboard.press("Escape")
        page.wait_for_timeout(800)
        cells = page.locator('[class*="st-key-cell__"]')
        keys = {re.search(r"st-key-cell__\w+?__(\S+)", c.get_attribute("class")).group(1) for c in cells.all()}
        assert keys == {"ketamine_iv__ptsd__evidence_status", "ketamine_iv__ptsd__key_efficacy",
                        "ect__ptsd__evidence_status", "ect__ptsd__key_efficacy"}
    finally:
        context.close()


def test_switching_pages_keeps_the_filters(app_page, app_url):
    goto(app_page, f"{app_url}/onset?condition=trd&treatments=cbt&treatments=ect")
    app_page.get_by_role("link", name="Cost and access").click()
    app_page.wait_for_url(re.compile(r"/cost"))
    settle(app_page)
    assert app_page.locator("h1").first.inner_text().strip() == "Cost and access"
    current = app_page.locator('[data-testid="stSidebarNav"] a[aria-current="page"]')  # for screen readers too
    assert current.count() == 1 and "Cost and access" in current.inner_text()
    assert "condition=trd" in app_page.url and "treatments=cbt" in app_page.url
    # Cost does not depend on the condition, so it offers only the treatments filter, holding the kept choice.
    assert app_page.locator('[data-testid="stMain"] .st-key-condition').count() == 0
    chips = app_page.locator(".st-key-treatments [data-tag]")
    assert [c.get_attribute("aria-label") for c in chips.all()] == ["CBT", "ECT"]
    app_page.get_by_role("link", name="Overview").click()
    app_page.wait_for_url(re.compile(r"/overview"))
    settle(app_page)
    assert "Treatment-resistant depression" in condition_shown(app_page)


def test_changing_the_condition_updates_chart_url_and_copy_link(app_page, app_url):
    goto(app_page, f"{app_url}/onset")
    app_page.locator('[data-testid="stMain"] .st-key-condition [data-testid="stSelectbox"]').click()
    app_page.get_by_role("option", name="Post-traumatic stress disorder", exact=True).click()
    # the screen figure (the phone figure of the same chart is hidden by a media query at this width)
    title = app_page.locator('[class*="st-key-screen_chart"] .js-plotly-plot .gtitle').filter(
        has_text="Post-traumatic stress disorder")
    title.wait_for(timeout=20_000)
    app_page.wait_for_url(re.compile(r"condition=ptsd"), timeout=20_000)
    settle(app_page)
    app_page.get_by_role("button", name=re.compile("Copy link")).click()
    code = app_page.get_by_role("dialog").locator("code").first
    code.wait_for(timeout=20_000)
    assert code.inner_text().strip().endswith("/onset?condition=ptsd")
    assert_no_exception(app_page)


def test_csv_download_equals_what_the_page_shows(app_page, app_url, ev):
    goto(app_page, f"{app_url}/onset?condition=trd")
    app_page.get_by_text("Data, sources and downloads for this chart").click()
    shown = app_page.locator('[data-testid="stExpander"] [data-testid="stDataFrame"]').first
    shown.wait_for()
    assert shown.is_visible()
    with app_page.expect_download() as info:
        app_page.get_by_role("button", name=re.compile("Download data \\(CSV\\)")).click()
    frame = pd.read_csv(io.BytesIO(Path(info.value.path()).read_bytes()))
    shown_ids = list(ev.treatments["treatment_id"])[:8]  # the default treatments filter
    expected = views.onset_point_table(views.onset_points(ev, "trd", shown_ids, views.ONSET_MEASURE_DEFAULT).points)
    assert list(frame["Point id"]) == list(expected["Point id"])  # the onset chart plots onset_points.csv rows
    assert list(frame["Result"]) == list(expected["Result"])


def test_hostile_url_runs_nothing(app_page, app_url):
    payload = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    img = "%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E"
    goto(app_page, f"{app_url}/overview?condition={payload}&cell={img}&group={img}&treatments={payload}&step={img}")
    assert app_page.dialogs == []  # type: ignore[attr-defined]
    assert app_page.locator("img[src=x]").count() == 0
    assert app_page.evaluate("() => [...document.scripts].some(s => s.textContent.includes('alert(1)'))") is False
    assert "The condition in the link was not recognised" in app_page.locator('[data-testid="stMain"]').inner_text()
    assert "All conditions" in condition_shown(app_page)


def test_presenter_mode_steps_with_arrow_keys(app_page, app_url, ev):
    from evidash import presenter

    slides = presenter.overview_slides(ev, "trd", list(ev.treatments["treatment_id"])[:8])
    goto(app_page, f"{app_url}/overview?present=1&condition=trd")
    assert app_page.get_by_text(f"1 of {len(slides)} · {slides[0].title}").first.is_visible()
    app_page.keyboard.press("ArrowRight")
    app_page.get_by_text(f"2 of {len(slides)} · {slides[1].title}").first.wait_for(timeout=20_000)
    assert "step=2" in app_page.url
    app_page.get_by_text(re.compile(r"^Sources \(\d+\)$")).first.click()
    app_page.get_by_text(re.compile(r"^\[1\] ")).first.wait_for(timeout=20_000)


def test_chart_exports_carry_title_sources_date_and_link(ev):
    from evidash import charts, figures

    view = figures.onset(ev, ev.version, "trd", tuple(ev.treatments["treatment_id"]), "first_improvement")
    fig = charts.with_provenance(go.Figure(view.fig), "Murrough 2013 [Observational]", ev.as_of, "http://127.0.0.1/onset?condition=trd")
    svg = charts.to_image(fig, "svg").decode("utf-8")
    for text in ("time to first improvement", "Murrough 2013", f"Data as of {ev.as_of}", "onset?condition=trd"):
        assert text.replace("&", "&amp;") in svg or text in svg, text
    assert charts.to_image(fig, "png")[:8] == b"\x89PNG\r\n\x1a\n"
