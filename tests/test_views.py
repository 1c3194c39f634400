"""View models, chart builders and badges: pure code from the evidence tables to what a page shows. Expected
values come from the data (read back through the tables) or are typed in for made-up inputs; no test pins a
single cell of the shipped data."""
from __future__ import annotations

import pandas as pd
import pytest

from evidash import figures, views
from evidash.bib import vancouver
from evidash.cite import escape_md, source_link
from evidash.data import load_evidence, summary

from .conftest import DATA


def _rewrite(folder, name: str, edit) -> None:
    frame = pd.read_csv(folder / name, dtype=str, keep_default_na=False)
    frame = edit(frame)
    (folder / name).write_text(frame.to_csv(index=False), encoding="utf-8")


def test_summary_line(ev):
    line = summary(ev)
    assert f"{len(ev.cells)} cells" in line and f"{len(ev.sources)} sources" in line and "% of reported cells" in line


def test_matrix_follows_condition(ev):
    everything = list(ev.treatments["treatment_id"])
    m = views.matrix(ev, "ptsd", everything)
    row = m.display.index[m.display["Attribute"] == "Evidence status"][0]
    short = ev.treatments.set_index("treatment_id").at["ketamine_iv", "short_name"]
    # The overview shows each cell's short headline; the full value stays in the evidence card.
    expected = ev.cells.set_index("cell_id").loc["ketamine_iv.ptsd.evidence_status", "headline"]
    assert m.display.at[row, short] == expected
    assert m.cell_ids.at[row, short] == "ketamine_iv.ptsd.evidence_status"
    all_rows = views.matrix(ev, views.ALL, everything)
    per_condition = int(ev.attributes["per_condition"].sum())
    shown = min(len(ev.conditions), views.MAX_CONDITION_ROWS)
    assert len(all_rows.display) == len(m.display) + per_condition * (shown - 1)  # one row per condition


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
    durability = views.durability(ev, "trd", everything)
    assert set(durability["condition_id"]) == {"trd"} and len(durability) == len(everything)
    table = views.table_for(durability)
    assert list(table["Cell id"]) == list(durability["cell_id"])
    prices = views.costs(ev, everything)
    # 'USD, 2024 prices, US' or, for an undated page, 'USD, 2026 (year seen; page undated) prices, US'
    assert prices["Price basis"].str.match(r"^[A-Z]{3}, \d{4}( \(year seen; page undated\))? prices, \S.*$").all()
    seen = prices["price_year_basis"] == "seen"
    assert prices.loc[seen, "Price basis"].str.contains("year seen; page undated", regex=False).all()
    assert not prices.loc[~seen, "Price basis"].str.contains("year seen", regex=False).any()


def test_escape_and_links_are_safe():
    assert escape_md("[x](javascript:alert(1))") == r"\[x\]\(javascript\:alert\(1\)\)"
    assert "<" not in escape_md("<script>").replace("\\<", "")
    assert source_link({"url": "javascript:alert(1)", "doi": None, "pmid": None}) is None
    assert source_link({"url": None, "doi": "10.1000/x1", "pmid": None}) == "https://doi.org/10.1000/x1"
    assert source_link({"url": None, "doi": None, "pmid": "123"}) == "https://pubmed.ncbi.nlm.nih.gov/123/"
    # The evidence card and the Sources page give a reference in one style (Vancouver), a float year as a year.
    assert vancouver({"authors": "Smith J", "title": "A trial", "publisher": "J Tests", "year": 2020.0, "doi": "10.1/x",
                      "pmid": None, "source_type": "rct"}) == "Smith J. A trial. J Tests. 2020. doi:10.1/x."


def test_chart_left_margin_fits_the_longest_label(ev):
    """The server reserves the left margin the y labels need (so the browser lays a chart out once):
    longer labels and presenter type get more room; a chart without category labels is left alone."""
    from evidash import charts, figures
    tids = tuple(ev.treatments["treatment_id"])

    def margin(condition, present):
        view = figures.onset(ev, ev.version, condition, tids)
        fig = figures.framed(view, view.key, views.source_line(view.table), ev.as_of, "http://x/onset", present)
        labels = {y for t in fig.data for y in t.y if isinstance(y, str)}
        return fig.layout.margin.l, max(labels, key=lambda y: charts.text_width_px(y, 15))

    one, one_label = margin("trd", False)
    every, every_label = margin(views.ALL, False)
    # Row labels name the treatment (and a protocol variant, 'TMS · accelerated (SNT)'); all conditions add the condition.
    assert " — " in every_label and " — " not in one_label
    assert one == int(charts.text_width_px(one_label, 15) + charts.LABEL_PAD_PX)
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
    assert "Very common<br>(60.4 per 100)<br><i>see note</i>" in texts and "Not quantified<br>per patient" in texts
    assert not any(" (" in t for t in texts)


@pytest.mark.parametrize("present", [False, True])
def test_onset_chart_keeps_its_size_when_the_condition_changes(ev, present):
    """Every single condition's onset chart is drawn in one frame (height, left and bottom margins), so a condition
    change never moves the page below the chart; no chart is made smaller than its own content needs, and
    'all conditions' (many more rows) keeps its own, taller size."""
    from evidash import figures
    tids = tuple(ev.treatments["treatment_id"])
    sizes, own = {}, {}
    for condition in ["all"] + list(ev.conditions["condition_id"]):
        view = figures.onset(ev, ev.version, condition, tids)
        line = views.source_line(view.table)
        shown = figures.framed(view, view.key, line, ev.as_of, "http://x/onset", present, figures.steady_frame(ev, view, present))
        alone = figures.framed(view, view.key, line, ev.as_of, "http://x/onset", present)
        sizes[condition] = (shown.layout.height, shown.layout.margin.l or 0, shown.layout.margin.b or 0)
        own[condition] = (alone.layout.height, alone.layout.margin.l or 0, alone.layout.margin.b or 0)
        assert all(s >= o for s, o in zip(sizes[condition], own[condition]))
    single = {sizes[c] for c in ev.conditions["condition_id"]}
    assert len(single) == 1, sizes
    assert sizes["all"] == own["all"] and sizes["all"][0] >= next(iter(single))[0]


def test_chart_text_wraps_at_words_and_keeps_long_words_whole():
    """Expected lines written out by hand: hover text breaks between words, never inside one (a DOI stays
    whole), at most six lines; heatmap text may break after a hyphen and puts the bracket on its own line."""
    from evidash import charts
    assert charts._wrap("one two three four", 9) == "one two<br>three<br>four"
    assert charts._wrap("see 10.1007/s00213-017-4706-6 here", 12) == "see<br>10.1007/s00213-017-4706-6<br>here"
    assert charts._wrap("a b c d e f g h", 1) == "a<br>b<br>c<br>d<br>e<br>f"
    assert charts._wrap("") == ""
    assert charts._cell_lines("Neuro-psychiatric (1–10%)", 12) == "Neuro-<br>psychiatric<br>(1–10%)"
    assert charts._cell_lines("Sedation", 12) == "Sedation"


def test_cost_chart_stacks_one_full_width_panel_per_currency():
    """Prices in two currencies: two stacked panels, each named by its axis title, each with its own rows,
    and the left margin fits the longest label of either panel (side by side, labels ran into the next panel)."""
    from evidash import charts
    # LabelFull is what views.costs gives each price: what is priced, then (second line) what kind of price.
    rows = pd.DataFrame({
        "Treatment": ["A", "B", "A"], "Label": ["A (US, 2020)", "B (US, 2021)", "A (UK, 2022)"],
        "LabelFull": ["A · per session<br>price list (self-pay), US, 2020", "B · per session<br>fee schedule, US, 2021",
                      "A · per session<br>a much longer second line of the label, UK, 2022"],
        "Attribute": ["Cost per session"] * 3, "currency": ["USD", "USD", "GBP"], "value_min": [1.0, 2.0, 3.0],
        "value_max": [2.0, 3.0, 4.0], "value": ["x"] * 3, "Backing": ["y"] * 3, "Sources": ["z"] * 3})
    fig = charts.cost_chart(rows, {"A": "#111111", "B": "#222222"}, "Prices")
    assert [fig.layout.xaxis.title.text, fig.layout.xaxis2.title.text] == ["Amount (USD)", "Amount (GBP)"]
    top, bottom = fig.layout.yaxis.domain, fig.layout.yaxis2.domain
    assert bottom[1] < top[0] and top[1] - top[0] > bottom[1] - bottom[0]  # stacked; two rows get more height than one
    assert list(fig.layout.yaxis2.categoryarray) == ["A · per session<br>a much longer second line of the label, UK, 2022"]
    charts.fit_left_margin(fig)  # the widest line of any label, in either panel
    assert fig.layout.margin.l == int(charts.text_width_px("a much longer second line of the label, UK, 2022", 15) + charts.LABEL_PAD_PX)
    assert not fig.layout.annotations  # no subplot titles over the legend


def test_sources_line_sits_below_multi_line_tick_labels(ev):
    """The sources line drawn into a chart starts below its x tick labels, however many lines they
    have (the heatmap's column names wrap to four), in normal and presenter type."""
    from evidash import charts, figures
    view = figures.side_effects(ev, ev.version, tuple(ev.treatments["treatment_id"]))
    assert "Neurological<br>(seizures,<br>headache,<br>sedation)" in view.fig.data[0].x
    assert not any(x.startswith("<br>") for x in view.fig.data[0].x)
    for present, tick_px in ((False, 12), (True, charts.PRESENTER_FONT - 1)):
        fig = figures.framed(view, view.key, views.source_line(view.table), ev.as_of, "http://x/side-effects", present)
        note = next(a for a in fig.layout.annotations if a.name == "provenance")
        assert -note.yshift >= 48 + 3 * tick_px and fig.layout.margin.b > -note.yshift


def test_badge_follows_the_source_of_the_headline_number(mini_dir):
    """A number from an observational study wears the observational badge, even when the cell also cites a
    meta-analysis (as context)."""
    _rewrite(mini_dir, "sources.csv", lambda f: pd.concat([f, pd.DataFrame([
        {"source_id": "review2021_chart", "title": "A chart review", "authors": "Lee K", "publisher": "J Obs", "year": "2021",
         "url": "https://doi.org/10.1000/chart", "doi": "10.1000/chart", "source_type": "observational"},
        {"source_id": "pooled2022_ma", "title": "A meta-analysis", "authors": "Kim J", "publisher": "J Meta", "year": "2022",
         "url": "https://doi.org/10.1000/pooled", "doi": "10.1000/pooled", "source_type": "meta_analysis"}])]).fillna(""))
    cell = load_evidence(mini_dir).cells.set_index("cell_id").loc["alpha.se_cardiovascular"]
    numbers = f"{cell['headline']}; n={cell['n']}" if str(cell["n"]) not in ("", "nan") else str(cell["headline"])
    _rewrite(mini_dir, "citations.csv", lambda f: pd.concat([f, pd.DataFrame([
        {"cell_id": "alpha.se_cardiovascular", "source_id": "review2021_chart", "locator": "Results", "figures": numbers},
        {"cell_id": "alpha.se_cardiovascular", "source_id": "pooled2022_ma", "locator": "Abstract",
         "figures": "mean blood pressure rise, 15 trials"}])]).fillna(""))
    strongest = load_evidence(mini_dir).cells.set_index("cell_id").loc["alpha.se_cardiovascular", "best_source_type"]
    assert strongest != "observational"  # before: the headline comes from the trial, a stronger source
    _rewrite(mini_dir, "cells.csv", lambda f: f.assign(headline_source=f["headline_source"].where(
        f["cell_id"] != "alpha.se_cardiovascular", "review2021_chart"), design=f["design"].where(
        f["cell_id"] != "alpha.se_cardiovascular", "observational")))
    ev = load_evidence(mini_dir)
    cell = ev.cells.set_index("cell_id").loc["alpha.se_cardiovascular"]
    assert "meta_analysis" in set(ev.citations.loc[ev.citations["cell_id"] == "alpha.se_cardiovascular", "source_type"])
    assert cell["best_source_type"] == "observational" and views.badge(cell) == "Observational"
    assert ev.ok and not [p for p in ev.problems if "alpha.se_cardiovascular" in str(p)]


def test_without_a_headline_source_the_badge_ignores_a_payer_on_claims_it_cannot_back(mini_dir):
    _rewrite(mini_dir, "cells.csv", lambda f: f.assign(headline_source=""))
    cits = (mini_dir / "citations.csv").read_text(encoding="utf-8").splitlines()
    cits = [line for line in cits if not line.startswith(("alpha.mdd.onset,", "alpha.cost_session,"))]
    cits += ["alpha.mdd.onset,payer2024_policy,Criteria,x", "alpha.mdd.onset,news2019_price,Paragraph 3,x",
             "alpha.cost_session,payer2024_policy,Fee table,x", "alpha.cost_session,news2019_price,Paragraph 2,x"]
    (mini_dir / "citations.csv").write_text("\n".join(cits) + "\n", encoding="utf-8")
    ev = load_evidence(mini_dir)
    best = dict(zip(ev.cells["cell_id"], ev.cells["best_source_type"]))
    assert best["alpha.mdd.onset"] == "news"  # a payer (tier 3) does not back onset: the news story is its best
    assert best["alpha.cost_session"] == "payer"  # a payer does back a price


def test_caution_flags_small_and_uncontrolled_results():
    from evidash.data import caution
    from evidash.vocab import DESIGN_LABELS
    assert caution("open_label", 24) == f"uncontrolled ({DESIGN_LABELS['open_label']}) · small study (n=24)"
    assert caution("rct", 49) == "small study (n=49)"
    assert caution("rct", 50) == "" and caution("meta_analysis", float("nan")) == "" and caution(None, None) == ""
    assert caution("observational", 5000) == "uncontrolled (observational)"


def test_method_line_names_measure_design_size_and_caution():
    cell = {"status": "reported", "measure": "response", "design": "rct", "n": 403}
    assert views.method_line(cell) == "response · RCT, n=403"
    assert views.method_line(cell, skip_design="RCT") == "response · n=403"
    small = {"status": "reported", "measure": "first_improvement", "design": "open_label", "n": 24}
    from evidash.vocab import DESIGN_LABELS
    assert views.method_line(small) == f"first improvement · {DESIGN_LABELS['open_label']}, n=24 ⚠ small, uncontrolled"
    assert views.method_line({"status": "reported", "measure": "price", "design": "fee_schedule", "n": None}) == "fee schedule"
    assert views.method_line({"status": "no_evidence", "measure": None, "design": None, "n": None}) == ""


def test_real_small_uncontrolled_onset_is_flagged(ev):
    cells = ev.cells.set_index("cell_id")
    flagged = cells[(cells["status"] == "reported") & ((cells["n"] < 50) | cells["design"].isin(["open_label", "observational", "case_series"]))]
    assert len(flagged) and (flagged["caution"] != "").all()
    assert (cells.loc[cells["caution"] != "", "status"] == "reported").all()


def test_shown_figures_are_shared_read_only_and_copies_do_not_touch_them():
    """figures.framed hands every session the same figure; its dict is built once (no deep copy per run)
    and stays unchanged when a caller copies the figure and restyles the copy (as the handout does)."""
    import json

    import plotly.graph_objects as go

    from evidash import figures

    ev = load_evidence(DATA)
    condition = ev.conditions["condition_id"].iloc[0]
    view = figures.onset.__wrapped__(ev, ev.version, condition, tuple(ev.treatments["treatment_id"]))
    fig = figures.framed.__wrapped__(view, view.key, "Sources: x", ev.as_of, "http://127.0.0.1/onset", False)
    assert fig.to_dict() is fig.to_dict()
    before = json.dumps(fig.to_dict(), sort_keys=True, default=str)
    copy = go.Figure(fig)
    copy.update_layout(title_text="changed", font_size=30)
    assert json.dumps(fig.to_dict(), sort_keys=True, default=str) == before
    assert copy.layout.title.text == "changed" and fig.layout.title.text != "changed"


def test_cited_by_names_each_cell_and_links_its_card():
    """The Sources page names citing cells as a viewer reads them; the cell id is only in the link."""
    from evidash import render
    from evidash.data import load_evidence
    from .conftest import DATA
    ev = load_evidence(DATA)
    names = views.cell_names(ev)
    cell = ev.cells.iloc[0]
    assert names[cell["cell_id"]].startswith(ev.treatments.set_index("treatment_id").loc[cell["treatment_id"], "short_name"] + " · ")
    source = ev.sources.iloc[0].to_dict()
    entry = render.bibliography_entry(1, source, [cell["cell_id"]], names)
    label = entry.split("cited by: ")[1]
    assert label.startswith("[") and f"(/overview?cell={cell['cell_id']})" in label
    assert cell["cell_id"] not in label.split("](")[0]


def test_a_long_source_is_cut_at_a_word_and_keeps_its_type():
    line = views.source_line(pd.DataFrame({"Sources": [
        "A very long title of a web article about ketamine clinics and what they charge per infusion [Web article]; Short [RCT]"]}))
    first, second = line.split("; ")
    assert first == "A very long title of a web article about ketamine… [Web article]" and second == "Short [RCT]"


def test_not_applicable_is_never_said_twice():
    assert views.cell_text({"status": "not_applicable", "value": "Not applicable: talking therapy"}) == "Not applicable: talking therapy"
    assert views.cell_text({"status": "not_applicable", "value": "a talking therapy"}) == "Not applicable: a talking therapy"


def test_hours_in_clinic_keeps_every_treatment_as_a_labelled_row(ev):
    """A treatment without both a course length and a time per visit stays in the chart and says which is missing;
    a time per visit that is only a minimum gives an 'at least' point (issue 20: nothing silently drops out)."""
    tids = list(ev.treatments["treatment_id"])
    view = figures.setting(ev, ev.version, tuple(tids))
    nums = views.setting_numbers(ev, tids)
    rows = list(view.fig.layout.yaxis.categoryarray)[::-1]
    assert len(rows) == len(tids)
    for row, name in zip(rows, ev.treatments["short_name"]):
        assert row.startswith(name)
    empty = {a.y: a.text for a in view.fig.layout.annotations if a.name == "empty_row"}
    missing = nums.loc[nums["hours_min"].isna()]
    assert set(empty) == set(missing["Treatment"])
    assert all(text.startswith("not derivable: no ") for text in empty.values())
    for r in nums.loc[nums["at_least"]].itertuples():
        assert f"{r.Treatment} · at least" in rows and r.hours_min == r.hours_max
        assert r.Treatment in view.summary


def test_counts_read_as_a_reader_says_them():
    from evidash.text import count
    assert [count(0, "step"), count(1, "step"), count(11, "result"), count(2, "study", "studies")] == [
        "0 steps", "1 step", "11 results", "2 studies"]
