"""Real content of the shipped data and the pure view/citation helpers."""
from __future__ import annotations

from urllib.parse import urlsplit

import pandas as pd
import pytest

from evidash import views
from evidash.cite import escape_md, format_reference, source_link
from evidash.data import load_evidence, summary
from evidash.validate import check_url

from .conftest import DATA


@pytest.fixture(scope="module")
def ev():
    return load_evidence(DATA)


def test_scale_of_the_data(ev):
    assert len(ev.cells) >= 200
    assert len(ev.sources) >= 60
    assert set(ev.treatments["treatment_id"]) == {"ketamine_iv", "esketamine", "cbt", "ect", "tms"}
    assert set(ev.conditions["condition_id"]) == {"mdd", "trd", "suicidal_ideation", "bipolar_depression", "ptsd", "anxiety", "ocd", "chronic_pain"}


def test_every_treatment_condition_has_onset_and_status_cells(ev):
    for attribute in ("onset", "evidence_status", "durability", "key_efficacy"):
        cells = ev.cells[ev.cells["attribute_id"] == attribute]
        pairs = set(zip(cells["treatment_id"], cells["condition_id"]))
        assert len(pairs) == 40, attribute
    onset = ev.cells[(ev.cells["attribute_id"] == "onset") & (ev.cells["status"] == "reported")]
    assert set(onset["treatment_id"]) == {"ketamine_iv", "esketamine", "cbt", "ect", "tms"}


def test_esketamine_monitoring_is_cited_to_its_label(ev):
    cit = ev.citations[ev.citations["cell_id"] == "esketamine.monitoring_driving"]
    assert "fda_spravato_label" in set(cit["source_id"])
    label = ev.sources.set_index("source_id").loc["fda_spravato_label"]
    assert label["source_type"] == "label"
    cell = ev.cells.set_index("cell_id").loc["esketamine.monitoring_driving"]
    assert "2" in cell["value"] and "next day" in (cell["value"] + cell["detail"]).lower()


def test_no_source_links_a_mirror_or_non_http_scheme(ev):
    blocked = set(pd.read_csv(DATA / "blocked_hosts.csv")["host"])
    for s in ev.sources.itertuples():
        if isinstance(s.url, str):
            assert check_url(s.url, blocked) is None, (s.source_id, s.url)
            assert urlsplit(s.url).hostname not in blocked
        link = source_link(s._asdict(), blocked)
        if s.source_type != "web_article":
            assert link and link.startswith(("https://", "http://")), s.source_id


def test_seeds_are_weak_web_articles_without_links(ev):
    seeds = ev.sources[ev.sources["source_id"].str.startswith("seed_")]
    assert len(seeds) == 4
    assert set(seeds["source_type"]) == {"web_article"}
    assert seeds["url"].isna().all()


def test_costs_are_dated_and_located(ev):
    costs = ev.cells[ev.cells["attribute_id"].isin(["cost_session", "cost_course"]) & (ev.cells["status"] == "reported")]
    assert len(costs) >= 2
    assert costs[["currency", "price_year", "region"]].notna().all().all()


def test_known_corrections_from_verification_are_applied(ev):
    text = " ".join(ev.cells["value"].fillna("") + " " + ev.cells["detail"].fillna(""))
    assert "38% vs 22%" not in text  # ELEKT-D remission could not be verified
    ketect = ev.sources.set_index("source_id").loc["ekstrand2022_ketect"]
    assert ketect["doi"] == "10.1093/ijnp/pyab088" and ketect["pmid"] == "35020871"
    iv_us = ev.cells.set_index("cell_id").loc["ketamine_iv.regulatory_us"]
    assert "not" in iv_us["value"].lower()  # racemic ketamine is not FDA-approved for psychiatric use


def test_summary_line(ev):
    line = summary(ev)
    assert f"{len(ev.cells)} cells" in line and f"{len(ev.sources)} sources" in line and "% of reported cells" in line


def test_matrix_follows_condition(ev):
    everything = list(ev.treatments["treatment_id"])
    m = views.matrix(ev, "ptsd", everything)
    row = m.display.index[m.display["Attribute"] == "Evidence status"][0]
    expected = ev.cells.set_index("cell_id").loc["ketamine_iv.ptsd.evidence_status", "value"]
    assert m.display.at[row, "IV ketamine"].startswith(expected)
    assert m.cell_ids.at[row, "IV ketamine"] == "ketamine_iv.ptsd.evidence_status"
    all_rows = views.matrix(ev, views.ALL, everything)
    assert len(all_rows.display) == len(m.display) + 4 * 7  # per-condition attributes get one row per condition


def test_no_evidence_and_not_applicable_look_different(ev):
    m = views.matrix(ev, "ocd", list(ev.treatments["treatment_id"]))
    kinds = set(m.kinds.drop(columns=["Group", "Attribute"]).stack())
    assert {"no_evidence", "not_applicable"} <= kinds
    texts = set(m.display.drop(columns=["Group", "Attribute"]).stack())
    assert views.NO_EVIDENCE_TEXT in texts
    assert any(t.startswith(views.NOT_APPLICABLE_TEXT) for t in texts)


def test_card_has_formatted_citations(ev):
    card = views.card(ev, "esketamine.monitoring_driving")
    assert card.treatment.startswith("Esketamine")
    assert len(card.citations) >= 1
    first = card.citations.iloc[0]
    assert first["link"].startswith("https://") and first["locator"]
    assert views.card(ev, "no.such.cell") is None


def test_chart_tables_hold_exactly_the_plotted_cells(ev):
    everything = list(ev.treatments["treatment_id"])
    onset = views.onset(ev, "trd", everything)
    assert set(onset["condition_id"]) == {"trd"} and len(onset) == 5
    table = views.table_for(onset)
    assert list(table["Cell id"]) == list(onset["cell_id"])
    prices = views.costs(ev, everything)
    assert prices["Price basis"].str.match(r"^[A-Z]{3} \(\d{4} prices, .+\)$").all()


def test_escape_and_links_are_safe():
    assert escape_md("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert "<" not in escape_md("<script>").replace("\\<", "")
    assert source_link({"url": "javascript:alert(1)", "doi": None, "pmid": None}) is None
    assert source_link({"url": None, "doi": "10.1000/x1", "pmid": None}) == "https://doi.org/10.1000/x1"
    assert source_link({"url": None, "doi": None, "pmid": "123"}) == "https://pubmed.ncbi.nlm.nih.gov/123/"
    assert format_reference({"authors": "Smith J", "title": "A trial", "publisher": "J Tests", "year": 2020.0, "doi": "10.1/x", "pmid": None}) == "Smith J. A trial. J Tests; 2020. doi:10.1/x"


def test_chart_left_margin_fits_the_longest_label(ev):
    """The server reserves the left margin the y labels need (so the browser lays a chart out once):
    longer labels and presenter type get more room; a chart without category labels is left alone."""
    from evidash import charts, figures, render
    tids = tuple(ev.treatments["treatment_id"])

    def margin(condition, present):
        view = figures.onset(ev, ev.version, condition, tids)
        fig = figures.framed(view, view.key, render.source_line(view.table), ev.as_of, "http://x/onset", present)
        longest = max((y for t in fig.data for y in t.y if isinstance(y, str)), key=len)
        return fig.layout.margin.l, longest

    one, one_label = margin("trd", False)
    every, every_label = margin(views.ALL, False)
    assert one_label == "IV ketamine" and " — " in every_label
    assert one == int(charts.text_width_px("IV ketamine", 15) + charts.LABEL_PAD_PX)
    assert every > one and margin("trd", True)[0] > one
    assert charts.text_width_px("MMMM", 15) > charts.text_width_px("iiii", 15)
    empty = charts.fit_left_margin(charts._empty("t", "nothing"))
    assert empty.layout.margin.l is None


def test_long_charts_have_no_blank_band(ev):
    """Category rows fill the axis: autorange would add 5 % of its length as blank space at each end."""
    from evidash import charts, figures
    view = figures.onset(ev, ev.version, views.ALL, tuple(ev.treatments["treatment_id"]))
    rows = len(view.fig.layout.yaxis.categoryarray)
    assert rows > 5 and list(view.fig.layout.yaxis.range) == charts.category_range(rows) == [-0.6, rows - 0.4]


def test_heatmap_cells_put_the_share_on_its_own_line(ev):
    from evidash import figures
    view = figures.side_effects(ev, ev.version, tuple(ev.treatments["treatment_id"]))
    texts = {t for row in view.fig.data[0].text for t in row if t}
    assert "Very common<br>(≥10%)" in texts and "Reported, not<br>quantified" in texts
    assert not any(" (" in t for t in texts)


def test_cost_chart_stacks_one_full_width_panel_per_currency():
    """Prices in two currencies: two stacked panels, each named by its axis title, each with its own rows,
    and the left margin fits the longest label of either panel (side by side, labels ran into the next panel)."""
    from evidash import charts
    rows = pd.DataFrame({
        "Treatment": ["A", "B", "A"], "Label": ["A (US, 2020)", "B (US, 2021)", "A with a much longer label (UK, 2022)"],
        "Attribute": ["Cost per session"] * 3, "currency": ["USD", "USD", "GBP"], "value_min": [1.0, 2.0, 3.0],
        "value_max": [2.0, 3.0, 4.0], "value": ["x"] * 3, "Backing": ["y"] * 3, "Sources": ["z"] * 3})
    fig = charts.cost_chart(rows, {"A": "#111111", "B": "#222222"}, "Prices")
    assert [fig.layout.xaxis.title.text, fig.layout.xaxis2.title.text] == ["Amount (USD)", "Amount (GBP)"]
    top, bottom = fig.layout.yaxis.domain, fig.layout.yaxis2.domain
    assert bottom[1] < top[0] and top[1] - top[0] > bottom[1] - bottom[0]  # stacked; two rows get more height than one
    assert list(fig.layout.yaxis2.categoryarray) == ["A with a much longer label (UK, 2022) · Cost per session"]
    charts.fit_left_margin(fig)
    assert fig.layout.margin.l == int(charts.text_width_px(fig.layout.yaxis2.categoryarray[0], 15) + charts.LABEL_PAD_PX)
    assert not fig.layout.annotations  # no subplot titles over the legend


def test_sources_line_sits_below_multi_line_tick_labels(ev):
    """The sources line drawn into a chart starts below its x tick labels, however many lines they
    have (the heatmap's column names wrap to four), in normal and presenter type."""
    from evidash import charts, figures, render
    view = figures.side_effects(ev, ev.version, tuple(ev.treatments["treatment_id"]))
    assert "Neurological<br>(seizures,<br>headache,<br>sedation)" in view.fig.data[0].x
    assert not any(x.startswith("<br>") for x in view.fig.data[0].x)
    for present, tick_px in ((False, 12), (True, charts.PRESENTER_FONT - 1)):
        fig = figures.framed(view, view.key, render.source_line(view.table), ev.as_of, "http://x/side-effects", present)
        note = next(a for a in fig.layout.annotations if a.name == "provenance")
        assert -note.yshift >= 48 + 3 * tick_px and fig.layout.margin.b > -note.yshift
