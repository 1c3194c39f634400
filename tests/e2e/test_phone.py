"""The phone layout (issue 21) in Chromium at 390×844: no page scrolls sideways, the overview's cells name their
treatment, charts keep a plot area of at least 200 px with text of at least 12 px, the presenter's QR code and
Copy link open this layout, and axe passes on it. Expected values come from the data."""
from __future__ import annotations

import base64
import io

import pytest
import zxingcpp
from PIL import Image

from .test_browser import BASELINE, PAGES, assert_no_exception, ev, goto, run_axe, settle  # noqa: F401

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
# A phone browser's User-Agent (Chrome on an Android phone): the app draws the phone figure when it holds "Mobi".
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            "Mobile Safari/537.36")

SIDEWAYS_JS = """() => {
    const boxes = [document.documentElement, document.body, document.querySelector('[data-testid="stAppViewContainer"]'),
                   document.querySelector('[data-testid="stMain"]')].filter(Boolean);
    return boxes.map(b => b.scrollWidth - b.clientWidth).filter(d => d > 1);
}"""

VISIBLE_PLOT_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
    .filter(gd => gd.getBoundingClientRect().width > 0 && !gd.closest('[data-stale="true"]'))
    .map(gd => ({width: gd._fullLayout._size.w, chart: gd.getBoundingClientRect().width,
                 small: [...gd.querySelectorAll('text')].filter(t => t.textContent.trim())
                        .map(t => [t.textContent.slice(0, 30), parseFloat(t.style.fontSize || getComputedStyle(t).fontSize)])
                        .filter(([, size]) => size < 12)}))"""


@pytest.fixture(scope="module")
def phone_page(browser, browser_context_args, app_url):
    context = browser.new_context(**{**browser_context_args, "viewport": dict(PHONE), "has_touch": True,
                                   "is_mobile": True, "user_agent": PHONE_UA})
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    context.close()


def visible_plots(page) -> list[dict]:
    page.locator('[data-testid="stMain"] [class*=st-key-phone_chart] .js-plotly-plot').first.wait_for()
    page.wait_for_timeout(300)
    return page.evaluate(VISIBLE_PLOT_JS)


@pytest.mark.parametrize("slug", list(PAGES))
def test_phone_layout_has_no_sideways_scroll_and_passes_axe(phone_page, app_url, slug):
    goto(phone_page, f"{app_url}/{slug}?condition=trd")
    assert_no_exception(phone_page)
    assert phone_page.locator("h1").first.inner_text().strip() == PAGES[slug]
    assert phone_page.evaluate(SIDEWAYS_JS) == []
    if phone_page.locator('[data-testid="stMain"] .js-plotly-plot').count():
        plots = visible_plots(phone_page)
        assert plots and all(p["width"] >= 200 and not p["small"] for p in plots), plots
        # Only the phone's figures are drawn: no screen figure at all (each chart is drawn once).
        assert phone_page.locator('[class*="st-key-screen_chart"]').count() == 0
    violations = run_axe(phone_page)
    allowed = {b["rule"] for b in BASELINE["baseline"]}
    unexpected = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in violations if v["id"] not in allowed]
    assert not unexpected, unexpected


@pytest.mark.parametrize("condition", ["all", "trd", "ptsd"])
def test_overview_cells_name_their_treatment_on_a_phone(phone_page, app_url, ev, condition):
    goto(phone_page, f"{app_url}/overview?condition={condition}")
    names = list(ev.treatments["short_name"]) + list(ev.treatments["name"])
    texts = phone_page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-cell__"] button')]
        .filter(b => b.getBoundingClientRect().width > 0).map(b => b.innerText)""")
    assert len(texts) > 20
    named = [t for t in texts if any(n in [line.strip() for line in t.split("\n")] for n in names)]  # a line of its own
    assert len(named) >= 0.9 * len(texts), [t for t in texts if t not in named][:5]
    # One tap opens the evidence card.
    phone_page.locator('[class*="st-key-cell__tier"] button').filter(visible=True).first.click()
    phone_page.locator(".st-key-evidence_card").first.wait_for()
    assert phone_page.evaluate(SIDEWAYS_JS) == []


def test_overview_cells_do_not_repeat_the_treatment_on_a_wide_screen(app_page, app_url):
    goto(app_page, f"{app_url}/overview?condition=trd")
    first_lines = app_page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-cell__"] button')].map(b => b.innerText.split('\\n')[0])""")
    assert "IV ketamine" not in first_lines


def test_a_wide_screen_draws_each_chart_once_as_the_screen_figure(app_page, app_url):
    goto(app_page, f"{app_url}/side-effects")
    screen = app_page.locator('[data-testid="stMain"] [class*="st-key-screen_chart"] .js-plotly-plot')
    screen.first.wait_for()
    screen.nth(1).wait_for()
    assert screen.count() >= 2  # the side-effect page draws two charts: the heatmap and the comparison
    assert app_page.locator('[class*="st-key-phone_chart"]').count() == 0
    assert app_page.locator('[class*="st-key-screen_chart"] .modebar-btn').count() > 0  # PNG download, zoom


def test_onset_plot_area_is_wide_enough_on_a_phone(phone_page, app_url):
    goto(phone_page, f"{app_url}/onset?condition=trd")
    plots = visible_plots(phone_page)
    assert plots[0]["width"] >= 200 and plots[0]["chart"] <= PHONE["width"], plots
    labels = phone_page.evaluate("""() => [...document.querySelectorAll('[class*=st-key-phone_chart] .annotation-text')].map(t => t.textContent)""")
    assert any(label.startswith("IV ketamine") for label in labels), labels  # the row's label, above the row
    # No Plotly toolbar over the phone's title (it covered the title's end); the screen's chart keeps it.
    assert phone_page.locator("[class*=st-key-phone_chart] .modebar-btn").count() == 0


HEAT_BOXES_JS = """() => {
    const gd = document.querySelector('[class*=st-key-phone_chart] .js-plotly-plot');
    const box = e => { const b = e.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom, e.textContent]; };
    return {labels: [...gd.querySelectorAll('.annotation-text')].map(box),
            cells: [...gd.querySelectorAll('.heatmap-label text')].filter(t => t.textContent.trim()).map(box)};
}"""


def test_phone_heatmap_cell_text_stays_clear_of_the_row_labels(phone_page, app_url):
    """A five-line cell ("Very / common / (60.4 per / 100) / see note") once ran over its row's label above it."""
    goto(phone_page, f"{app_url}/side-effects")
    visible_plots(phone_page)
    boxes = phone_page.evaluate(HEAT_BOXES_JS)
    assert len(boxes["cells"]) >= 20 and any(label[4] == "Dissociative and perceptual" for label in boxes["labels"])
    clash = [(label[4], cell[4]) for label in boxes["labels"] for cell in boxes["cells"]
             if label[0] < cell[2] and label[2] > cell[0] and label[1] < cell[3] and label[3] > cell[1]]
    assert not clash, clash[:3]


def _opens_phone_layout(phone_page, url: str) -> None:
    phone_page.goto(url)
    settle(phone_page)
    assert_no_exception(phone_page)
    assert phone_page.locator("[class*=st-key-phone_chart] .js-plotly-plot, [class*='st-key-cell__'] button").first.is_visible()
    assert phone_page.evaluate(SIDEWAYS_JS) == []
    assert "present=1" not in phone_page.url


def test_presenter_qr_code_and_copy_link_open_the_phone_layout(app_page, phone_page, app_url):
    goto(app_page, f"{app_url}/onset?condition=trd&present=1&qr=1")
    src = app_page.locator(".st-key-presenter_qr img").first.get_attribute("src")
    if src.startswith("data:"):
        png = base64.b64decode(src.split(",", 1)[1])
    else:
        png = app_page.request.get(src if src.startswith("http") else f"{app_url}{src}").body()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "QR code not decoded"
    link = found[0].text
    assert link.startswith(app_url) and "/onset" in link and "present" not in link
    _opens_phone_layout(phone_page, link)
    assert phone_page.locator("[class*=st-key-phone_chart] .js-plotly-plot").first.is_visible()
    # Copy link on the normal view opens the same layout.
    goto(app_page, f"{app_url}/onset?condition=trd")
    app_page.get_by_role("button", name="Copy link").first.click()
    copied = app_page.locator('[data-testid="stPopoverBody"] code, [data-testid="stPopoverBody"] pre').first.inner_text().strip()
    assert copied.startswith(app_url)
    _opens_phone_layout(phone_page, copied)
