"""Every page through Streamlit's AppTest: real content, URL state, bad input."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from evidash.cite import escape_md
from evidash.data import load_evidence
from evidash.schema import SOURCE_TYPE_LABELS

from .conftest import DATA, ROOT

PAGES = {
    "pages/overview.py": "Overview: compare treatments",
    "pages/onset.py": "Onset speed: how soon does it work?",
    "pages/setting.py": "Administration setting: what a course involves",
    "pages/cost.py": "Cost and access",
    "pages/side-effects.py": "Side effects",
    "pages/sources.py": "Sources",
    "pages/about.py": "About this dashboard",
}


@pytest.fixture(scope="module")
def ev():
    return load_evidence(DATA)


def app(**params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join(parts)


def cell_buttons(at) -> dict[str, str]:
    """Matrix cell buttons: cell id -> label."""
    out = {}
    for b in at.button:
        if isinstance(b.key, str) and b.key.startswith("cell__"):
            out[b.key.split("__", 2)[2].replace("__", ".")] = b.label
    return out


def link_urls(at) -> list[str]:
    return [e.proto.url for e in at.get("link_button")]


def bibliography(at) -> list[str]:
    """The numbered reference entries listed on the Sources page (markdown, '**1.** Smith J. …')."""
    return [m.value for m in at.markdown if re.match(r"^\*\*\d+\.\*\* ", m.value)]


def listed_sources(entries: list[str], sources) -> None:
    """Exactly these sources are listed: one entry each, every title (as escaped on the page) present."""
    assert len(entries) == len(sources)
    body = "\n".join(entries)
    for title in sources["title"]:
        assert escape_md(title.rstrip(".")) in body, title


@pytest.mark.parametrize("page", sorted(PAGES))
def test_every_page_renders_its_content(page):
    at = app()
    if page != "pages/overview.py":
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.title[0].value == PAGES[page]
    assert "not medical advice" in texts(at)
    if page in ("pages/onset.py", "pages/setting.py", "pages/cost.py", "pages/side-effects.py"):
        figure = json.loads(at.get("plotly_chart")[0].proto.spec)
        assert figure["data"], "chart has no traces"
        # The data section is drawn only once opened: closed, no table or download is sent.
        assert [e.label for e in at.expander][0] == "Data, sources and downloads for this chart"
        assert not at.get("download_button")
        chart = {"pages/onset.py": "onset", "pages/setting.py": "setting", "pages/cost.py": "cost"}.get(page, "side_effects")
        at.session_state[f"show_{chart}_data"] = True
        at.run()
        labels = [b.proto.label for b in at.get("download_button")]
        assert "Download data (CSV)" in labels and "Chart as PNG" in labels and "Chart as SVG" in labels
        assert "Cell id" in at.expander[0].dataframe[0].value.columns


def test_condition_switch_changes_evidence_row(ev):
    at = app()
    at.selectbox(key="condition").set_value("ptsd").run()
    assert not at.exception
    buttons = cell_buttons(at)
    # The button shows the cell's short headline first (the full value is in the evidence card).
    expected = ev.cells.set_index("cell_id").loc["ketamine_iv.ptsd.evidence_status", "headline"]
    assert buttons["ketamine_iv.ptsd.evidence_status"].replace("\\", "").startswith(expected)
    assert "ketamine_iv.mdd.evidence_status" not in buttons


def test_selected_cell_opens_card_with_citation_and_https_link(ev):
    at = app(condition="ptsd", cell="ketamine_iv.ptsd.evidence_status")
    assert not at.exception
    cit = ev.citations[ev.citations["cell_id"] == "ketamine_iv.ptsd.evidence_status"]
    src = ev.sources.set_index("source_id").loc[list(cit["source_id"])]
    body = texts(at)
    assert any(title.replace("(", "\\(")[:40].split("\\")[0] in body for title in src["title"])
    urls = link_urls(at)
    assert urls and all(u.startswith("https://") for u in urls)
    expected = {u for u in src["url"].dropna()} | {f"https://doi.org/{d}" for d in src["doi"].dropna()}
    assert set(urls) & expected


def test_clicking_a_cell_opens_its_card(ev):
    at = app(condition="trd")
    key = next(b.key for b in at.button if isinstance(b.key, str) and b.key.endswith("esketamine__monitoring_driving"))
    at.button(key=key).click().run()
    assert not at.exception
    assert at.query_params["cell"] in ("esketamine.monitoring_driving", ["esketamine.monitoring_driving"])
    assert "SPRAVATO" in texts(at)
    assert any(u.startswith("https://") for u in link_urls(at))


def test_group_filter_limits_rows():
    at = app()
    at.segmented_control(key="group").set_value("cost_access").run()
    attributes = {cell_id.split(".")[-1] for cell_id in cell_buttons(at)}
    assert attributes == {"cost_session", "cost_course", "coverage", "regulatory_us", "regulatory_england", "regulatory_scotland", "availability"}


def test_bad_query_values_fall_back_with_a_notice():
    at = app(condition="nope", cell="<script>alert(1)</script>", treatments="lsd")
    assert not at.exception
    assert at.selectbox(key="condition").value == "all"
    notes = " ".join(i.value for i in at.info)
    assert "condition in the link was not recognised" in notes
    assert "cell in the link was not found" in notes
    assert len(at.multiselect(key="treatments").value) == 5


def test_treatment_filter_limits_columns():
    at = app()
    at.multiselect(key="treatments").set_value(["cbt", "ect"]).run()
    treatments = {cell_id.split(".")[0] for cell_id in cell_buttons(at)}
    assert treatments == {"cbt", "ect"}


def test_sources_page_lists_every_source(ev):
    at = app()
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    listed_sources(bibliography(at), ev.sources)
    # Grouped by type: one heading per source type present, with its count.
    counts = ev.sources["source_type"].value_counts()
    assert {h.value for h in at.subheader} >= {f"{SOURCE_TYPE_LABELS[k]} ({n})" for k, n in counts.items()}


def test_source_permalink(ev):
    at = app(source="fda_spravato_label")
    at.switch_page("pages/sources.py").run()
    at.query_params["source"] = "fda_spravato_label"
    at.run()
    assert not at.exception
    body = texts(at)
    assert "SPRAVATO" in body and "esketamine.monitoring_driving" in body.replace("\\", "")


def test_source_type_filter_is_in_the_url(ev):
    at = app(types=["guideline", "label", "nonsense"])
    at.switch_page("pages/sources.py").run()
    assert not at.exception
    assert at.multiselect(key="types").value == ["guideline", "label"]
    assert "source types in the link were not recognised" in texts(at)
    expected = ev.sources[ev.sources["source_type"].isin(["guideline", "label"])]
    assert 0 < len(expected) < len(ev.sources)
    listed_sources(bibliography(at), expected)
    assert sorted(h.value for h in at.subheader) == sorted(
        f"{SOURCE_TYPE_LABELS[k]} ({n})" for k, n in expected["source_type"].value_counts().items())
    at.multiselect(key="types").set_value(["rct"]).run()
    assert at.query_params["types"] in ("rct", ["rct"])
    rcts = ev.sources[ev.sources["source_type"] == "rct"]
    listed_sources(bibliography(at), rcts)
    assert [h.value for h in at.subheader] == [f"RCT ({len(rcts)})"]


def test_side_effect_category_lists_specific_effects():
    at = app()
    at.switch_page("pages/side-effects.py").run()
    at.selectbox(key="category").set_value("se_dissociative").run()
    assert not at.exception
    effects = at.dataframe[-1].value
    assert len(effects) >= 1 and "Frequency" in effects.columns


def test_broken_data_shows_problems_not_a_traceback(tmp_path, monkeypatch):
    broken = tmp_path / "data"
    shutil.copytree(DATA, broken)
    text = (broken / "cells.csv").read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace("reported", "maybe", 1)
    (broken / "cells.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    before = (broken / "cells.csv").read_bytes()
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(broken))
    at = app()
    assert not at.exception
    assert "problem" in at.error[0].value
    problems = at.dataframe[0].value
    assert {"File", "Row", "Column", "Problem"} <= set(problems.columns)
    assert ((problems["File"] == "cells.csv") & (problems["Row"] == 2) & (problems["Column"] == "status")).any()
    assert (broken / "cells.csv").read_bytes() == before


def test_presenter_mode_steps_through_groups():
    at = app(present="1", condition="trd")
    assert not at.exception
    assert at.get("table"), "presenter card is a table"
    assert any("1 of 5 · Onset and durability · Treatment-resistant depression" in h.value for h in at.subheader)
    assert any(m.value.replace("\\", "").startswith("Sources: [1]") for m in at.markdown)
    at.button(key="next_step").click().run()
    assert any("2 of 5 · Administration setting" in h.value for h in at.subheader)
    assert at.query_params["step"] in ("2", ["2"])
    at.button(key="exit_present").click().run()
    assert not at.get("table") or not any("of 5" in h.value for h in at.subheader)


def test_copy_link_holds_the_canonical_view():
    at = app(condition="ocd", cell="cbt.ocd.evidence_status")
    codes = [c.value for c in at.code]
    assert any("/overview?condition=ocd" in c and "cell=cbt.ocd.evidence_status" in c for c in codes), codes
