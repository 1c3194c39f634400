"""Presenter mode and lessons in Chromium (issue 24): exit on every page, shared links without the presenter's
parameters, one history entry per view, overview slides that fit 1280x720, both example lessons stepped with →,
a lesson built through the UI and opened in a fresh context, a tampered lesson link."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from evidash import lessons, presenter, registry, urlstate, views
from evidash.data import load_evidence

from .conftest import ROOT
from .test_browser import assert_no_exception, goto, settle

pytestmark = pytest.mark.e2e

SHOTS = Path("/tmp/shots24")
LESSONS = sorted((ROOT / "data" / "lessons").glob("*.toml"))


@pytest.fixture(scope="module")
def ev():
    return load_evidence(ROOT / "data")


def bar(page) -> str:
    return page.locator(".st-key-presenter_bar").inner_text()


def wait_counter(page, text: str) -> None:
    page.locator(".st-key-presenter_bar").get_by_text(re.compile(re.escape(text))).first.wait_for(timeout=30_000)
    settle(page)


@pytest.mark.parametrize("slug", [p.slug for p in registry.pages()])
def test_exit_presenter_mode_leaves_it_on_every_page(app_page, app_url, slug):
    goto(app_page, f"{app_url}/{slug}?present=1&qr=1&condition=trd")
    assert not app_page.locator('[data-testid="stSidebar"]').is_visible()
    app_page.get_by_role("button", name="Exit presenter mode").click()
    app_page.locator("h1").first.wait_for(timeout=30_000)
    settle(app_page)
    assert app_page.locator("h1").first.inner_text().strip() == registry.page(slug).title
    query = parse_qs(urlsplit(app_page.url).query)
    assert not {"present", "qr", "step", "lesson"} & set(query), app_page.url
    assert app_page.locator(".st-key-presenter_bar").count() == 0
    assert_no_exception(app_page)


def test_a_copied_link_never_carries_presenter_mode(app_page, app_url):
    goto(app_page, f"{app_url}/onset?present=1&qr=1&condition=trd")
    assert "present=1" in app_page.url  # the presenter's own address keeps it (a reload stays in presenter mode)
    app_page.get_by_role("button", name=re.compile("Copy link")).click()
    code = app_page.get_by_role("dialog").locator("code").first
    code.wait_for()
    shared = code.inner_text().strip()
    assert shared.endswith("/onset?condition=trd"), shared
    assert not re.search(r"[?&](present|qr|step|lesson)=", shared)
    qr_alt = app_page.locator(".st-key-presenter_qr img").first.get_attribute("alt")
    assert qr_alt.endswith("/onset?condition=trd"), qr_alt


def test_the_qr_code_covers_no_content(app_page, app_url):
    goto(app_page, f"{app_url}/overview?present=1&qr=1&condition=trd")
    qr = app_page.locator(".st-key-presenter_qr").bounding_box()
    boxes = app_page.evaluate("""() => [...document.querySelectorAll('[data-testid="stMain"] button, [data-testid="stMain"] p, .js-plotly-plot')]
        .filter(e => !e.closest('.st-key-presenter_qr')).map(e => e.getBoundingClientRect())
        .filter(r => r.width > 0 && r.height > 0 && r.top < innerHeight).map(r => [r.left, r.top, r.right, r.bottom])""")
    overlap = [b for b in boxes if b[0] < qr["x"] + qr["width"] and b[2] > qr["x"] and b[1] < qr["y"] + qr["height"] and b[3] > qr["y"]]
    assert not overlap, overlap[:3]


def test_one_back_returns_to_the_previous_view(app_page, app_url):
    goto(app_page, f"{app_url}/onset?condition=trd")
    app_page.get_by_role("link", name="Cost and access").click()
    app_page.wait_for_url(re.compile(r"/cost"))
    settle(app_page)
    app_page.go_back()
    app_page.wait_for_url(re.compile(r"/onset"), timeout=20_000)
    settle(app_page)
    assert app_page.locator("h1").first.inner_text().strip() == registry.page("onset").title
    # A lesson: each step is one entry, across pages.
    first = LESSONS[-1].stem
    goto(app_page, f"{app_url}/overview?lesson={first}&present=1")
    wait_counter(app_page, "1 of ")
    assert app_page.evaluate("() => window.__evidashHistory === true"), "static/history.js is loaded (static serving)"
    urls = [app_page.url]
    for n in (2, 3):
        app_page.keyboard.press("ArrowRight")
        wait_counter(app_page, f"{n} of ")
        urls.append(app_page.url)
    for n, expected in ((2, urls[1]), (1, urls[0])):
        app_page.go_back()
        wait_counter(app_page, f"{n} of ")
        assert urlsplit(app_page.url).path == urlsplit(expected).path
        assert parse_qs(urlsplit(app_page.url).query)["step"] == [str(n)]


@pytest.mark.parametrize("condition", ["trd", "all"])
@pytest.mark.parametrize("qr", [False, True], ids=["no-qr", "qr"])
def test_every_overview_slide_fits_the_screen(app_page, app_url, ev, condition, qr):
    slides = presenter.overview_slides(ev, condition, urlstate.default("treatments", ev), narrow=qr)
    for number, slide in enumerate(slides, start=1):
        goto(app_page, f"{app_url}/overview?present=1&condition={condition}&step={number}" + ("&qr=1" if qr else ""))
        wait_counter(app_page, f"{number} of {len(slides)}")
        toggle = app_page.locator(".st-key-show_slide_sources")
        box = toggle.bounding_box()
        assert box["y"] + box["height"] <= 720, (number, slide.title, box)
        cells = app_page.locator('[class*="st-key-cell__"] button')
        assert cells.count() >= len(slide.rows), "the cells are clickable buttons"
        head = app_page.locator(".st-key-matrix_head")
        assert head.evaluate("e => getComputedStyle(e).position") == "sticky"
        title = app_page.locator('[data-testid="stMain"] h3').first.bounding_box()  # the slide's title
        assert title["y"] + title["height"] <= head.bounding_box()["y"] + 0.5, ("the title runs under the header row",
                                                                                number, title, head.bounding_box())
        background = cells.first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)") or "No evidence" in cells.first.inner_text()


def _expected(step: lessons.Step, ev) -> dict:
    return {k: v for k, v in step.params.items() if urlstate.parse(k, v, ev)[0] != urlstate.default(k, ev)}


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_each_example_lesson_steps_through_with_the_arrow_key(app_page, app_url, ev, path):
    lesson, problems = lessons.load(path.stem, ev)
    assert not problems
    slides = presenter.lesson_slides(ev, lesson)
    goto(app_page, f"{app_url}/overview?lesson={path.stem}&present=1")
    SHOTS.mkdir(parents=True, exist_ok=True)
    for number, slide in enumerate(slides, start=1):
        if number > 1:
            app_page.keyboard.press("ArrowRight")
        wait_counter(app_page, f"{number} of {len(slides)}")
        assert slide.title in bar(app_page)
        assert urlsplit(app_page.url).path == f"/{slide.page}", (number, app_page.url)
        query = parse_qs(urlsplit(app_page.url).query)
        assert query["step"] == [str(number)] and query["lesson"] == [path.stem]
        step = next(s for s in lesson.steps if s.title == slide.title.split(" (")[0])
        for name, values in _expected(step, ev).items():
            assert query.get(name) == values, (number, name, app_page.url)
        if "condition" in step.params and "condition" in urlstate.filters_for(slide.page):
            assert app_page.locator('[data-testid="stMain"] .st-key-condition input').first.input_value() == \
                views.condition_label(ev, step.params["condition"][0])  # a condition's name, or "All conditions"
        assert_no_exception(app_page)
        app_page.screenshot(path=str(SHOTS / f"{path.stem}-{number:02d}.png"))
    assert app_page.get_by_role("button", name="Next").is_disabled()


def test_a_lesson_built_in_the_app_opens_in_a_fresh_context(app_page, app_url, browser, browser_context_args):
    goto(app_page, f"{app_url}/overview?condition=trd&group=onset")

    def add() -> None:
        app_page.get_by_role("button", name=re.compile("Copy link")).click()
        app_page.get_by_role("button", name="Add to lesson").click()
        app_page.get_by_text(re.compile(r"Added to your lesson as step")).first.wait_for()
        app_page.keyboard.press("Escape")
        settle(app_page)

    add()
    app_page.get_by_role("link", name="Onset speed").click()
    app_page.wait_for_url(re.compile(r"/onset"))
    settle(app_page)
    add()
    app_page.get_by_role("link", name="Claims check").click()
    app_page.wait_for_url(re.compile(r"/claims"))
    settle(app_page)
    add()
    app_page.get_by_role("link", name="Lessons").click()
    app_page.wait_for_url(re.compile(r"/lessons"))
    settle(app_page)
    link = next(t.strip() for t in app_page.locator("code").all_inner_texts() if "lesson=v1." in t)
    context = browser.new_context(**browser_context_args)
    try:
        fresh = context.new_page()
        fresh.goto(link + "&present=1")
        wait_counter(fresh, "1 of 3")
        titles = [bar(fresh)]
        for n in (2, 3):
            fresh.keyboard.press("ArrowRight")
            wait_counter(fresh, f"{n} of 3")
            titles.append(bar(fresh))
            assert urlsplit(fresh.url).path == ["", "/overview", "/onset", "/claims"][n]
        assert "Overview · TRD" in titles[0] and "Onset speed · TRD" in titles[1] and "Claims check" in titles[2]
    finally:
        context.close()


def test_a_tampered_lesson_link_shows_a_notice_not_an_error(app_page, app_url, ev):
    lesson, _ = lessons.load(LESSONS[0].stem, ev)
    token = lessons.encode(lesson)
    tampered = token[:-12] + "AAAAxxxxBBBB"
    goto(app_page, f"{app_url}/overview?lesson={tampered}&present=1")
    main = app_page.locator('[data-testid="stMain"]').inner_text()
    assert "could not be read" in main
    assert_no_exception(app_page)
    assert app_page.get_by_role("button", name="Exit presenter mode").is_visible()
