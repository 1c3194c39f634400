"""Every page through Streamlit's AppTest: real content, URL state, bad input."""
from __future__ import annotations

import json
import re
import shutil

import pytest

from evidash import registry, views
from evidash.cite import escape_md
from evidash.vocab import SOURCE_TYPE_LABELS

from .conftest import DATA, app, markdown_tables, texts

CHART_PAGES = {"onset": "onset", "setting": "setting", "cost": "course_cost_us_medicare_2026",  # slug -> first chart
               "side-effects": "side_effects"}


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


@pytest.mark.parametrize("page", [p.slug for p in registry.pages()])
def test_every_page_renders_its_content(page):
    at = app(page)
    assert at.title[0].value == registry.page(page).title
    assert "not medical advice" in texts(at)
    if page in CHART_PAGES:
        figure = json.loads(at.get("plotly_chart")[0].proto.spec)
        assert figure["data"], "chart has no traces"
        # The data section is drawn only once opened: closed, no table or download is sent.
        assert [e.label for e in at.expander][0] == "Data, sources and downloads for this chart"
        assert not at.get("download_button")
        chart = CHART_PAGES[page]
        at.session_state[f"show_{chart}_data"] = True
        at.run()
        labels = [b.proto.label for b in at.get("download_button")]
        assert "Download data (CSV)" in labels and "Chart as PNG" in labels and "Chart as SVG" in labels
        # The rows it plots, by id: cells, the components of a course cost (the cost page's first chart), or onset points.
        assert {"Cell id", "Row id", "Point id"} & set(at.expander[0].dataframe[0].value.columns)


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


def test_group_filter_limits_rows(ev):
    at = app()
    at.segmented_control(key="group").set_value("cost_access").run()
    attributes = {cell_id.split(".")[-1] for cell_id in cell_buttons(at)}
    assert attributes == set(ev.attributes.loc[ev.attributes["group"] == "cost_access", "attribute_id"])


def test_bad_query_values_fall_back_with_a_notice(ev):
    at = app(condition="nope", cell="<script>alert(1)</script>", treatments="lsd")
    assert at.selectbox(key="condition").value == "all"
    notes = " ".join(i.value for i in at.info)
    assert "condition in the link was not recognised" in notes
    assert "cell in the link was not found" in notes
    assert at.multiselect(key="treatments").value == list(ev.treatments["treatment_id"])[:8]


def test_treatment_filter_limits_columns():
    at = app()
    at.multiselect(key="treatments").set_value(["cbt", "ect"]).run()
    treatments = {cell_id.split(".")[0] for cell_id in cell_buttons(at)}
    assert treatments == {"cbt", "ect"}


def test_sources_page_lists_every_source(ev):
    at = app("sources")
    listed_sources(bibliography(at), ev.sources)
    # Grouped by type: one heading per source type present, with its count.
    counts = ev.sources["source_type"].value_counts()
    assert {h.value for h in at.subheader} >= {f"{SOURCE_TYPE_LABELS[k]} ({n})" for k, n in counts.items()}


def test_source_permalink(ev):
    source = ev.citations["source_id"].value_counts().index[0]  # the most cited source
    title = ev.sources.set_index("source_id").at[source, "title"]
    cells = set(ev.citations.loc[ev.citations["source_id"] == source, "cell_id"])
    at = app("sources", source=source)
    at.query_params["source"] = source
    at.run()
    selected = next(m.value for m in at.markdown if m.value.startswith("**1.**")).replace("\\", "")
    assert "Selected source" in texts(at) and title.rstrip(".") in selected
    assert all(f"cell={c}" in selected for c in cells), "the selected source lists every cell that cites it"


def test_source_type_filter_is_in_the_url(ev):
    at = app("sources", types=["guideline", "label", "nonsense"])
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
    at = app("side-effects")
    at.selectbox(key="category").set_value("se_dissociative").run()
    assert not at.exception
    effects = markdown_tables(at)[-1]  # a static table: its text wraps on a shared screen
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


def test_presenter_mode_steps_through_slides_and_exit_reruns_the_whole_page(ev):
    groups = views.attribute_groups(ev)
    first = views.GROUP_LABELS[groups[0]]
    condition = views.condition_label(ev, "trd")
    at = app(present="1", condition="trd")
    counter = [m.value for m in at.markdown if m.value.startswith("**1 of ")]
    assert counter and first in counter[0]
    total = int(counter[0].split(" of ")[1].split("**")[0])
    assert total >= len(groups), "every group has at least one slide"
    assert any(s.value == f"{first} · {condition}" for s in at.subheader)
    cells = [b for b in at.button if b.key and b.key.startswith("cell__")]
    assert cells and all("[" in b.label for b in cells if "No evidence" not in b.label and "Not applicable" not in b.label), \
        "each reported headline carries its reference numbers"
    at.toggle(key="show_slide_sources").set_value(True).run()
    assert any(m.value.replace("\\", "").startswith("[1] ") for m in at.markdown), "the numbered sources behind the toggle"
    at.button(key="next_step").click().run()
    assert any(m.value.startswith(f"**2 of {total}**") for m in at.markdown)
    assert at.query_params["step"] in ("2", ["2"])
    at.button(key="exit_present").click().run()
    assert not at.exception
    assert at.title and at.title[0].value == "Overview: compare treatments"
    assert not any(re.match(r"\*\*\d+ of \d+\*\*", m.value) for m in at.markdown)
    assert "present" not in at.query_params and "step" not in at.query_params
    assert at.toggle(key="present").value is False


def test_copy_link_holds_the_canonical_view():
    at = app(condition="ocd", cell="cbt.ocd.evidence_status")
    codes = [c.value for c in at.code]
    assert any("/overview?condition=ocd" in c and "cell=cbt.ocd.evidence_status" in c for c in codes), codes
