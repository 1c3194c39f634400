"""Reading at a glance on a shared 1280×720 screen, on the real data: the overview's first screen, cell text
that fits its cell, tables that fit the viewport, a bibliography of real links, ?source= highlighting."""
from __future__ import annotations

from urllib.parse import unquote

import pytest

from evidash import bib
from evidash.data import load_evidence

from .conftest import ROOT, VIEWPORT
from .test_browser import goto

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def ev():
    return load_evidence(ROOT / "data")


def _visible_rows(page) -> list[int]:
    """For each matrix row entirely inside the viewport, the number of its treatment cells."""
    return page.evaluate(f"""() => {{
        const rows = [...document.querySelectorAll('.st-key-matrix [data-testid="stHorizontalBlock"]')];
        return rows.filter(r => {{ const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= {VIEWPORT["height"]}; }})
                   .map(r => new Set([...r.querySelectorAll('[class*="st-key-cell__"] button')]
                        .filter(b => b.getBoundingClientRect().width > 0)
                        .map(b => Math.round(b.getBoundingClientRect().left))).size);
    }}""")


@pytest.mark.parametrize("condition", ["mdd", "trd", "ptsd"])
def test_overview_first_screen_shows_five_rows_of_all_treatments(app_page, app_url, ev, condition):
    goto(app_page, f"{app_url}/overview?condition={condition}")
    assert app_page.locator('[data-testid="stSidebar"]').is_visible()  # with the sidebar open
    n_treatments = len(ev.treatments)
    rows = _visible_rows(app_page)
    full = [r for r in rows if r == n_treatments]
    assert len(full) >= 5, rows


def test_no_matrix_cell_text_is_wider_than_its_cell(app_page, app_url):
    goto(app_page, f"{app_url}/overview")
    overflow = app_page.evaluate("""() => [...document.querySelectorAll('[class*="st-key-cell__"] button')]
        .filter(b => b.scrollWidth > b.clientWidth + 1 || [...b.querySelectorAll('p')].some(p => p.scrollWidth > p.clientWidth + 1))
        .map(b => b.innerText.slice(0, 60))""")
    assert overflow == []
    assert app_page.locator('[class*="st-key-cell__"] button').count() > 100


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
@pytest.mark.parametrize("slug", ["setting", "cost", "about"])
def test_tables_show_every_treatment_column_inside_the_viewport(app_page, app_url, ev, slug, present):
    goto(app_page, f"{app_url}/{slug}" + ("?present=1" if present else ""))
    tables = app_page.locator('[data-testid="stMain"] [data-testid="stTable"] table')
    assert tables.count() >= 1
    width = VIEWPORT["width"]
    for i in range(tables.count()):
        table = tables.nth(i)
        box = table.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (slug, i, box)
        scroller = table.evaluate("t => { const s = t.parentElement; return [s.scrollWidth, s.clientWidth]; }")
        assert scroller[0] <= scroller[1] + 1, (slug, i, scroller)
    if slug != "about":  # the treatments-as-columns table (on the cost page, after the course-cost arithmetic)
        headers = [tables.nth(i).locator("thead th").all_inner_texts() for i in range(tables.count())]
        assert any(all(name in header for name in ev.treatments["short_name"]) for header in headers), headers


def test_sources_page_has_a_real_link_for_every_url_doi_and_pmid(app_page, app_url, ev):
    goto(app_page, f"{app_url}/sources")
    hrefs = {unquote(h) for h in app_page.eval_on_selector_all('[data-testid="stMain"] a[href]', "els => els.map(e => e.href)")}
    missing = []
    for source in ev.sources.to_dict("records"):
        for label, url in bib.links(source):
            if unquote(url) not in hrefs:
                missing.append((source["source_id"], label, url))
    assert missing == []
    with_doi = ev.sources["doi"].dropna()
    assert len(with_doi) > 50 and all(f"https://doi.org/{d}" in hrefs for d in with_doi)


def test_source_parameter_highlights_that_entry(app_page, app_url, ev):
    row = ev.sources[ev.sources["pmid"].notna()].iloc[0]
    goto(app_page, f"{app_url}/sources?source={row['source_id']}")
    box = app_page.locator(".st-key-selected_source")
    assert box.is_visible()
    text = box.inner_text()
    assert str(row["title"])[:40] in text
    assert "Selected source" in text
    assert box.locator(f'a[href="https://pubmed.ncbi.nlm.nih.gov/{row["pmid"]}/"]').count() == 1
    top = box.bounding_box()["y"]
    assert 0 <= top < VIEWPORT["height"]
