"""What a viewer reads, in Chromium: no internal labels on any page, and the evidence card shows what each
source itself reports (its figures) for one cell of every attribute group. Expected values come from the data."""
from __future__ import annotations

import re

import pytest

from evidash import views
from evidash.vocab import GROUPS

from .test_browser import PAGES, assert_no_exception, ev, goto  # noqa: F401  (ev is a fixture)

pytestmark = pytest.mark.e2e

# The visible text of the main area and the sidebar, without code blocks (a copied link may carry ids in its
# query string, which is the link, not prose) and without icons (drawn from ligature names such as "link").

VISIBLE_TEXT_JS = """() => {
    document.querySelectorAll('[data-icon-glyph]').forEach(n => n.removeAttribute('data-icon-glyph'));
    document.querySelectorAll('span, i').forEach(n => {
        if (/Material/i.test(getComputedStyle(n).fontFamily)) n.setAttribute('data-icon-glyph', '1');
    });
    return ['[data-testid="stMain"]', '[data-testid="stSidebar"]'].map(sel => {
        const node = document.querySelector(sel);
        if (!node) return '';
        const copy = node.cloneNode(true);
        copy.querySelectorAll('code, pre, script, style, [data-icon-glyph]').forEach(n => n.remove());
        return copy.innerText || '';
    }).join('\\n');
}"""

SEED_LABEL = re.compile(r"\bseed[ _-]*(?:document|article|doc)?[ _-]*0\d\d\b", re.I)
ICON_NAME = re.compile(r":material/|\b(?:check_circle|help_outline|unfold_more|open_in_new|fact_check|menu_book)\b")


def internal_ids(ev) -> re.Pattern:
    """Cell ids and source ids as written in the data files (e.g. esketamine.anxiety.evidence_status)."""
    cells = sorted(ev.cells["cell_id"], key=len, reverse=True)
    sources = sorted((s for s in ev.sources["source_id"] if "_" in s), key=len, reverse=True)
    return re.compile(r"(?<![\w/=.-])(?:" + "|".join(map(re.escape, cells + sources)) + r")(?![\w])")


@pytest.mark.parametrize("present", [False, True], ids=["normal", "presenter"])
@pytest.mark.parametrize("slug", list(PAGES))
def test_no_internal_label_reaches_a_viewer(app_page, app_url, ev, slug, present):
    goto(app_page, f"{app_url}/{slug}?condition=trd" + ("&present=1" if present else ""))
    assert_no_exception(app_page)
    text = app_page.evaluate(VISIBLE_TEXT_JS)
    if not present:  # a presenter slide may start below the page title
        assert PAGES[slug] in text
    assert not SEED_LABEL.search(text), SEED_LABEL.search(text).group(0)
    assert not ICON_NAME.search(text), ICON_NAME.search(text).group(0)
    found = internal_ids(ev).search(text)
    assert not found, f"internal id {found.group(0)!r} on {slug}: …{text[max(0, found.start() - 80):found.end() + 80]}…"


def _cell_of_group(ev, group: str) -> str:
    """The first reported cell of an attribute group whose first citation has figures."""
    attributes = set(ev.attributes.loc[ev.attributes["group"] == group, "attribute_id"])
    cells = ev.cells[(ev.cells["attribute_id"].isin(attributes)) & (ev.cells["status"] == "reported")]
    for cell_id in cells["cell_id"]:
        citations = views.card(ev, cell_id).citations
        if len(citations) and citations.iloc[0]["figures"]:
            return cell_id
    pytest.fail(f"no reported {group} cell has a citation with figures")


@pytest.mark.parametrize("group", list(GROUPS))
def test_evidence_card_shows_what_the_source_reports(app_page, app_url, ev, group):
    cell_id = _cell_of_group(ev, group)
    goto(app_page, f"{app_url}/overview?cell={cell_id}")
    card = app_page.locator(".st-key-evidence_card").first
    card.wait_for(timeout=20_000)
    text = " ".join(card.inner_text().split())
    first = views.card(ev, cell_id).citations.iloc[0]
    assert f"The source reports: {' '.join(first['figures'].split())}" in text
    assert f"Where: {' '.join(first['locator'].split())}" in text
