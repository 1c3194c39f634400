"""Family mode (issue 21): the toggle and ?audience=family, the Claims page's family labels and 'What this means for
you', plain headlines on the overview, jargon explained, the article filter, and the reading level of the plain texts
(Flesch-Kincaid grade with textstat 0.7.3, which works offline). Expected values come from the data files."""
from __future__ import annotations

import statistics

import pytest
import textstat

from evidash import family

from .conftest import app, rows, texts

VERDICT_FAMILY = {"supported": "Accurate", "partly_supported": "Partly accurate", "overstated": "Goes too far",
                  "insufficient": "Not enough evidence to say", "contradicted": "Wrong"}
GRADE_GOAL = 8  # US grade 6-8: patient material
CLAIMS = rows("claims.csv")
CELLS = [r for r in rows("cells.csv") if r["status"] in ("reported", "not_applicable")]


def test_the_toggle_switches_family_mode_and_keeps_it_in_the_url():
    at = app("claims")
    assert not at.exception and at.toggle(key="family_mode").value is False
    assert "audience" not in at.query_params
    at.toggle(key="family_mode").set_value(True).run()
    assert not at.exception
    assert at.query_params["audience"] in ("family", ["family"])
    assert "What this means for you" in texts(at)
    at.switch_page("pages/overview.py").run()  # kept across a page switch
    assert at.toggle(key="family_mode").value is True
    assert at.query_params["audience"] in ("family", ["family"])
    at.toggle(key="family_mode").set_value(False).run()
    assert "audience" not in at.query_params


def test_family_claims_page_shows_family_labels_plain_texts_and_what_it_means():
    at = app("claims", audience="family")
    assert not at.exception
    body = texts(at).replace("\\", "")  # escaped markdown, read as shown
    assert "What this means for you" in body
    for verdict in {c["verdict"] for c in CLAIMS}:
        assert VERDICT_FAMILY[verdict] in body, verdict
    assert "Supported**" not in body and "**Overstated**" not in body
    first = CLAIMS[0]
    assert first["claim_plain"][:60] in body
    assert "Both: IV ketamine clinics (off-label) and esketamine (Spravato)" in body
    assert "My article isn't here" in [e.label for e in at.expander]
    chart = at.get("plotly_chart")[0].proto.spec
    assert "Accurate" in chart and "Goes too far" in chart


def test_standard_claims_page_keeps_the_standard_labels():
    at = app("claims")
    body = texts(at)
    assert "What this means for you" not in body and "Supported" in body


def test_claims_can_be_filtered_by_article_with_recognisable_titles():
    at = app("claims")
    box = at.selectbox(key="article_filter")
    articles = list(dict.fromkeys(c["source_id"] for c in CLAIMS))
    assert box.options[0] == "All articles" and len(box.options) == len(articles) + 1
    assert not any(o.startswith("Untitled") for o in box.options), box.options  # a descriptive title comes first
    box.set_value(articles[2]).run()
    assert not at.exception
    wanted = [c["claim_id"] for c in CLAIMS if c["source_id"] == articles[2]]
    assert any(f"The claims ({len(wanted)})" in s.value for s in at.subheader), [s.value for s in at.subheader]


def test_family_overview_shows_plain_headlines_and_explains_terms():
    at = app("overview", audience="family", condition="trd")
    assert not at.exception
    labels = " ".join(b.label for b in at.button if isinstance(b.key, str) and b.key.startswith("cell__"))
    trd = [c for c in CELLS if c["condition_id"] == "trd" and c["treatment_id"] == "ketamine_iv"]
    assert trd and all(c["headline_plain"][:20].split("(")[0].strip() in labels.replace("\\", "") for c in trd[:3])
    assert any(e.label.startswith("Words explained") for e in at.expander)


def _grades(texts_: list[str]) -> list[tuple[float, str]]:
    return [(textstat.flesch_kincaid_grade(t), t) for t in texts_ if t.strip()]


@pytest.mark.parametrize("column,texts_", [
    ("claims.claim_plain", [c["claim_plain"] for c in CLAIMS]),
    ("claims.meaning_plain", [c["meaning_plain"] for c in CLAIMS]),
])
def test_family_texts_read_at_grade_8_or_below(column, texts_):
    grades = _grades(texts_)
    assert len(grades) == len(texts_), f"{column}: some texts are blank"
    mean = statistics.mean(g for g, _ in grades)
    outliers = sorted(((round(g, 1), t[:70]) for g, t in grades if g > GRADE_GOAL + 2), reverse=True)
    print(f"{column}: mean Flesch-Kincaid grade {mean:.1f}; outliers above grade {GRADE_GOAL + 2}: {outliers}")
    assert mean <= GRADE_GOAL, (mean, outliers)


def test_plain_headlines_read_at_grade_8_or_below():
    """Headlines are short phrases: measured together, as one text, and a headline's own grade is listed when high."""
    texts_ = [c["headline_plain"] for c in CELLS]
    assert all(t.strip() for t in texts_)
    joined = ". ".join(t.rstrip(".") for t in texts_) + "."
    grade = textstat.flesch_kincaid_grade(joined)
    outliers = sorted(((round(g, 1), t) for g, t in _grades(texts_) if g > GRADE_GOAL + 4), reverse=True)
    print(f"headline_plain: Flesch-Kincaid grade {grade:.1f} over {len(texts_)} headlines; outliers: {outliers[:10]}")
    assert grade <= GRADE_GOAL, (grade, outliers[:10])


def test_questions_come_from_the_data(ev):
    qs = family.questions(ev, ev.claims[ev.claims["verdict"] == "overstated"], ["ketamine_iv"])
    overstated = [c for c in CLAIMS if c["verdict"] == "overstated"][0]
    assert overstated["claim_plain"].split(". ")[0].rstrip(".") in qs[0] and "goes too far" in qs[0]
    assert any("IV ketamine" in q and "cost" in q for q in qs)
