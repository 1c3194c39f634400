"""Onset by measure (issue 20 part 3): the view model, the chart and the page, from data/onset_points.csv.

Expectations are read from the data files (conftest.rows, without evidash), never typed in as cell values."""
from __future__ import annotations

import json

import pytest

from evidash import charts, figures, phone, views

from .conftest import DATA, app, rows

MEASURES = ["first_improvement", "response", "remission"]
POINTS = rows("onset_points.csv") if (DATA / "onset_points.csv").is_file() else []
TREATMENTS = [r["treatment_id"] for r in sorted(rows("treatments.csv"), key=lambda r: float(r["sort_order"]))]
SHORT = {r["treatment_id"]: r["short_name"] for r in rows("treatments.csv")}
CONDITIONS = [r["condition_id"] for r in sorted(rows("conditions.csv"), key=lambda r: float(r["sort_order"]))]
WITH_POINTS = [c for c in CONDITIONS if any(p["condition_id"] == c for p in POINTS)]
WITHOUT_POINTS = [c for c in CONDITIONS if c not in WITH_POINTS]
ACCELERATED = sorted({(p["treatment_id"], p["condition_id"]) for p in POINTS if p["protocol"] == "accelerated"})
TITLES = {r["source_id"]: r["title"] for r in rows("sources.csv")}


def expected_ids(condition: str, measure: str, treatments: list[str]) -> set[str]:
    return {p["point_id"] for p in POINTS if p["condition_id"] == condition and p["measure"] == measure
            and p["treatment_id"] in treatments}


def plain(label: str) -> str:
    return label.removesuffix(" ⚠")


# --- The view model -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("measure", MEASURES)
@pytest.mark.parametrize("condition", WITH_POINTS or CONDITIONS[:1])
def test_every_chosen_treatment_keeps_a_row_and_only_this_measure_is_plotted(ev, condition, measure):
    view = views.onset_points(ev, condition, TREATMENTS, measure)
    standard = view.rows[view.rows["protocol"] == "standard"]
    assert list(standard["treatment_id"]) == TREATMENTS  # one standard row per treatment, in the treatments' order
    assert [plain(label) for label in standard["Label"]] == [SHORT[t] for t in TREATMENTS]
    assert set(view.points["point_id"]) == expected_ids(condition, measure, TREATMENTS)
    assert set(view.points["measure"]) <= {measure}
    assert set(view.points["Label"]) <= set(view.rows["Label"])  # every point sits on a declared row
    assert list(view.rows["has_point"]) == [label in set(view.points["Label"]) for label in view.rows["Label"]]


def test_a_subset_of_treatments_gives_only_their_rows(ev):
    chosen = TREATMENTS[-2:]
    condition = (WITH_POINTS or CONDITIONS)[0]
    view = views.onset_points(ev, condition, chosen, MEASURES[0])
    assert set(view.rows["treatment_id"]) == set(chosen)
    assert set(view.points["point_id"]) == expected_ids(condition, MEASURES[0], chosen)


@pytest.mark.skipif(not ACCELERATED, reason="no accelerated protocol in the data")
@pytest.mark.parametrize("treatment,condition", ACCELERATED)
def test_an_accelerated_protocol_is_its_own_labelled_row_beside_the_standard_one(ev, treatment, condition):
    names = {p["protocol_name"].partition(":")[0].strip() for p in POINTS
             if (p["treatment_id"], p["condition_id"], p["protocol"]) == (treatment, condition, "accelerated")}
    for measure in MEASURES:  # the row is there for every measure, with or without a time
        view = views.onset_points(ev, condition, TREATMENTS, measure)
        mine = view.rows[view.rows["treatment_id"] == treatment]
        assert list(mine["protocol"]).count("standard") == 1  # never the treatment's only row
        labels = [plain(label) for label in mine.loc[mine["protocol"] == "accelerated", "Label"]]
        assert labels and all(label.startswith(f"{SHORT[treatment]} · accelerated") for label in labels)
        assert any(f"({name})" in label for label in labels for name in names)
        acc = view.points[view.points["protocol"] == "accelerated"]
        assert all("accelerated" in label for label in acc.loc[acc["treatment_id"] == treatment, "Label"])


def test_time_text_reads_aloud():
    assert views.time_text(2 / 24, 4 / 24) == "2–4 hours"
    assert views.time_text(1, 1) == "1 day"
    assert views.time_text(8, 14) == "8–14 days"
    assert views.time_text(21, 28) == "3–4 weeks"
    assert views.time_text(15, 21) == "15–21 days"


# --- The chart and its table ----------------------------------------------------------------------------------
@pytest.mark.parametrize("measure", MEASURES)
def test_chart_keeps_every_row_and_says_which_have_no_time(ev, measure):
    condition = (WITH_POINTS or CONDITIONS)[0]
    view = figures.onset(ev, ev.version, condition, tuple(TREATMENTS), measure)
    data = views.onset_points(ev, condition, TREATMENTS, measure)
    assert list(view.fig.layout.yaxis.categoryarray)[::-1] == list(data.rows["Label"])
    empty = [a for a in view.fig.layout.annotations if a.name == "empty_row"]
    assert sorted(a.y for a in empty) == sorted(data.rows.loc[~data.rows["has_point"], "Label"])
    assert all(a.text == views.NO_ONSET_POINT_TEXT for a in empty)
    assert measure.replace("_", " ") in view.fig.layout.title.text
    # The table (and its CSV) holds exactly the plotted points, each with its source title and locator.
    assert set(view.table["Point id"]) == expected_ids(condition, measure, TREATMENTS)
    by_id = {p["point_id"]: p for p in POINTS}
    for r in view.table.to_dict("records"):
        assert TITLES[by_id[r["Point id"]]["source_id"]] in r["Sources"]
        assert r["Where"] == by_id[r["Point id"]]["locator"] and r["Result"] == by_id[r["Point id"]]["result"]
    for name in dict.fromkeys(SHORT[t] for t in TREATMENTS):  # the summary names what is compared
        assert name in view.summary
    # Each point's hover carries result, design, n, source title and locator.
    hovers = " ".join(h for t in view.fig.data if t.hovertext is not None for h in t.hovertext if h)
    for r in view.table.to_dict("records"):
        assert r["Result"][:30] in hovers.replace("<br>", " ") or r["Result"].split()[0] in hovers
        assert r["Where"] in hovers


@pytest.mark.skipif(not WITHOUT_POINTS, reason="every condition has onset points")
def test_a_condition_without_points_shows_labelled_empty_rows_and_a_notice(ev):
    condition = WITHOUT_POINTS[0]
    view = figures.onset(ev, ev.version, condition, tuple(TREATMENTS), MEASURES[0])
    assert view.notice and "overview" in view.notice
    assert [plain(label) for label in list(view.fig.layout.yaxis.categoryarray)[::-1]] == [SHORT[t] for t in TREATMENTS]
    assert len([a for a in view.fig.layout.annotations if a.name == "empty_row"]) == len(TREATMENTS)
    assert not len(view.table)


@pytest.mark.parametrize("measure", MEASURES)
def test_the_phone_figure_labels_every_row(ev, measure):
    condition = (WITH_POINTS or CONDITIONS)[0]
    view = figures.onset(ev, ev.version, condition, tuple(TREATMENTS), measure)
    fig = phone.phone(view.fig)
    labels = [a.text.replace("<br>", " ") for a in fig.layout.annotations if a.name == "row_label"]
    assert labels == list(view.fig.layout.yaxis.categoryarray)[::-1]
    assert fig.layout.xaxis.ticktext is not None and list(fig.layout.xaxis.ticktext) == phone.SHORT_DAYS
    assert all((a.font.size or phone.MIN_FONT) >= phone.MIN_FONT for a in fig.layout.annotations)
    assert charts.fit_left_margin(view.fig).layout.margin.l > 0


def test_the_time_basis_is_in_the_marker_and_its_key(ev):
    from evidash.vocab import TIME_BASES
    condition = (WITH_POINTS or CONDITIONS)[0]
    for measure in MEASURES:
        view = figures.onset(ev, ev.version, condition, tuple(TREATMENTS), measure)
        bases = {p["time_basis"] for p in POINTS if p["point_id"] in set(view.table["Point id"])}
        symbols = {s for t in view.fig.data if t.marker is not None and t.marker.symbol is not None
                   and not isinstance(t.marker.symbol, str) for s in t.marker.symbol}
        assert {TIME_BASES[b].symbol for b in bases} <= symbols
        for b in bases:
            assert TIME_BASES[b].key in (view.fig.layout.title.subtitle.text or "")


# --- The page (AppTest) -------------------------------------------------------------------------------------------
def _figure(at) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def test_the_measure_in_the_link_picks_the_switch():
    condition = (WITH_POINTS or CONDITIONS)[0]
    at = app("onset", condition=condition, measure="remission")
    assert at.segmented_control(key="measure").value == "remission"
    assert not at.info
    title = _figure(at)["layout"]["title"]["text"]
    assert "remission" in title
    at.session_state["show_onset_data"] = True
    at.run()
    table = at.expander[0].dataframe[0].value
    assert set(table["Point id"]) == expected_ids(condition, "remission", TREATMENTS)
    at.segmented_control(key="measure").set_value("response").run()
    assert not at.exception
    assert at.query_params["measure"] in ("response", ["response"])
    assert "response" in _figure(at)["layout"]["title"]["text"]


def test_a_bad_measure_gives_the_notice_and_falls_back():
    at = app("onset", measure="<b>speed</b>")
    assert at.segmented_control(key="measure").value == "first_improvement"
    assert [i.value for i in at.info] == ["The onset measure in the link was not recognised, so first improvement is shown."]
    assert "measure" not in at.query_params
    assert "first improvement" in _figure(at)["layout"]["title"]["text"]


@pytest.mark.skipif(not WITHOUT_POINTS, reason="every condition has onset points")
def test_a_condition_without_points_names_where_its_onset_findings_are():
    at = app("onset", condition=WITHOUT_POINTS[0])
    notice = " ".join(i.value for i in at.info)
    assert "overview" in notice and f"/overview?condition={WITHOUT_POINTS[0]}&group=onset" in notice
    layout = _figure(at)["layout"]
    assert len(layout["yaxis"]["categoryarray"]) == len(TREATMENTS)


def test_without_the_file_every_row_is_empty_with_a_notice(mini_dir):
    from evidash.data import load_evidence
    with_file = load_evidence(mini_dir)
    view = views.onset_points(with_file, "mdd", ["alpha", "beta"], "first_improvement")
    assert list(view.rows["treatment_id"]) == ["alpha", "beta"] and list(view.rows["has_point"]) == [True, False]
    assert view.notice is None
    (mini_dir / "onset_points.csv").unlink()
    ev = load_evidence(mini_dir)
    for condition in ("mdd", views.ALL):
        view = views.onset_points(ev, condition, ["alpha", "beta"], "first_improvement")
        assert list(view.rows["treatment_id"]) == ["alpha", "beta"] and not view.rows["has_point"].any()
        assert not len(view.points) and "overview" in view.notice
        fig = figures.onset.__wrapped__(ev, ev.version, condition, ("alpha", "beta"), "first_improvement").fig
        assert len([a for a in fig.layout.annotations if a.name == "empty_row"]) == 2  # labelled rows, not an empty figure
