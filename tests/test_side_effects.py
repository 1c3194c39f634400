"""Side effects against their comparator (issue 20, parts 2 and 6), through AppTest: 'per 100' figures against a
named comparator, the icon array of 100 people with its text alternative, the two heatmap modes in the URL, every
shown treatment a row, notes instead of bands for unattributed deaths and recreational data, the condition notice.

Expected values come from data/effects.csv read as text (conftest.rows), never from the code under test."""
from __future__ import annotations

import json

import pytest

from .conftest import app, markdown_tables, plain, rows

EFFECTS = rows("effects.csv")
SHORT = {r["treatment_id"]: r["short_name"] for r in rows("treatments.csv")}
CONTROLLED = ("placebo", "active_placebo", "sham", "active", "control")


def treatment_of(effect: dict) -> str:
    return effect["cell_id"].split(".")[0]


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def heatmap(at) -> dict:
    return next(c for c in charts(at) if c["data"] and c["data"][0].get("type") == "heatmap")


def icon_chart(at) -> dict:
    return next(c for c in charts(at) if any("no effect" in (t.get("name") or "") for t in c["data"]))


def read_table(table):
    """A static (Markdown) table as read: markdown escapes removed."""
    return table.map(lambda v: plain(v) if isinstance(v, str) else v)


def comparator_table(at):
    return next(read_table(t) for t in markdown_tables(at) if "Difference (per 100)" in t.columns)


def per_panel(fig: dict) -> dict[str, dict[str, int]]:
    """xaxis -> trace name -> number of icons."""
    out: dict[str, dict[str, int]] = {}
    for t in fig["data"]:
        out.setdefault(t.get("xaxis", "x"), {})[t["name"]] = len(t["x"])
    return out


@pytest.mark.parametrize("treatment", ["ketamine_iv", "esketamine", "tms"])
def test_each_has_side_effects_with_a_numeric_comparator_rate(treatment):
    mine = [e for e in EFFECTS if treatment_of(e) == treatment and e["comparator_rate"] and e["rate"]]
    assert mine, treatment
    assert all(e["comparator_type"] in CONTROLLED and e["comparator_name"] for e in mine)
    assert all(0 <= float(e["comparator_rate"]) <= 100 for e in mine)


def test_an_uncontrolled_rate_is_labelled_no_comparator():
    uncontrolled = [e for e in EFFECTS if e["rate"] and e["comparator_type"] == "none"]
    assert uncontrolled and all(not e["comparator_rate"] and not e["comparator_name"] for e in uncontrolled)
    at = app("side-effects", category="se_psychiatric", treatments=["cbt"])
    table = read_table(markdown_tables(at)[-1])
    assert set(table["Comparator"]) >= {"no comparator"}
    assert "Link" not in table.columns and table["Source"].str.contains(r"↗\]\(https?://").any()


def test_each_effect_sits_under_its_own_treatment():
    """A finding about ECT in a ketamine trial is an ECT row; an active comparator is never the row's own treatment."""
    for e in EFFECTS:
        if e["comparator_type"] == "active":
            assert not e["comparator_name"].startswith(SHORT[treatment_of(e)]), e["effect_id"]
    ketamine = [e for e in EFFECTS if treatment_of(e) == "ketamine_iv"]
    assert not any("linked to ect" in e["frequency"].lower() or "more common with ect" in e["frequency"].lower()
                   for e in ketamine)


def test_the_comparator_view_shows_per_100_against_a_named_comparator():
    aspire = next(e for e in EFFECTS if e["effect_id"] == "esketamine.se_dissociative.dissociation_aspire")
    at = app("side-effects", category="se_dissociative")
    table = comparator_table(at)
    row = table[table["Effect"] == aspire["effect"]].iloc[0]
    assert row["With treatment (per 100)"] == aspire["rate"] and row["With comparator (per 100)"] == aspire["comparator_rate"]
    difference = float(aspire["rate"]) - float(aspire["comparator_rate"])
    assert row["Difference (per 100)"] == f"{difference:.1f} more per 100"
    assert aspire["comparator_name"] in row["Comparator"] and "placebo" in row["Comparator"]
    assert row["People per arm"] == f"{aspire['n_arm']} vs {aspire['n_comparator']}"
    assert any("how many more people per 100" in s.value for s in at.subheader)
    chart = next(c for c in charts(at) if "How many more people per 100" in c["layout"]["title"]["text"])
    assert chart["layout"]["xaxis"]["title"]["text"] == "People with the effect, per 100"
    with_rows = {treatment_of(e) for e in EFFECTS if e["cell_id"].endswith(".se_dissociative") and e["comparator_rate"]
                 and not e["attribution"] and e["use"] != "recreational"}
    labels = list(chart["layout"]["yaxis"]["categoryarray"])
    for t in SHORT:  # every shown treatment keeps a labelled row, saying so when it has no controlled comparison
        assert any(label.startswith(f"{SHORT[t]} · ") for label in labels), t
        assert (f"{SHORT[t]} · no controlled comparison" in labels) == (t not in with_rows), t


def test_the_icon_array_shows_100_people_in_each_group_with_a_text_alternative():
    aspire = next(e for e in EFFECTS if e["effect_id"] == "esketamine.se_dissociative.dissociation_aspire")
    at = app("side-effects", category="se_dissociative", treatments=["esketamine"], comparison="people")
    assert not any("How many more people per 100" in c["layout"].get("title", {}).get("text", "") for c in charts(at))
    at.selectbox(key="icon_effect").set_value(aspire["effect_id"]).run()
    assert not at.exception
    fig = icon_chart(at)
    panels = per_panel(fig)
    treated, compared = round(float(aspire["rate"])), round(float(aspire["comparator_rate"]))
    assert [sum(p.values()) for p in panels.values()] == [100, 100]
    first, second = panels.values()
    assert first["would have it either way"] == compared and first["extra people with the effect in this group"] == treated - compared
    assert second == {"would have it either way": compared, "no effect": 100 - compared}
    symbols = {t["name"]: t["marker"]["symbol"] for t in fig["data"]}
    assert len(set(symbols.values())) == 3, "grey-scale safe: each state has its own shape"
    words = plain(next(m.value for m in at.markdown if m.value.startswith("**In words:**")))
    assert f"about {treated} had dissociation" in words and f"about {compared}" in words
    assert f"{treated - compared} extra people" in words


@pytest.mark.parametrize("mode,title", [("highest", "highest reported rate"), ("excess", "extra people per 100 over the comparator")])
def test_the_heatmap_mode_is_kept_in_the_url(mode, title):
    at = app("side-effects")
    at.segmented_control(key="heatmap").set_value(mode).run()
    assert title in heatmap(at)["layout"]["title"]["text"]
    assert at.query_params.get("heatmap", "highest") in (mode, [mode]) or (mode == "highest" and "heatmap" not in at.query_params)


@pytest.mark.parametrize("treatments", [["ketamine_iv", "esketamine", "cbt", "ect", "tms"], ["cbt", "tms"], ["tms", "ketamine_iv"]])
@pytest.mark.parametrize("mode", ["highest", "excess"])
def test_every_shown_treatment_is_a_labelled_row(treatments, mode):
    at = app("side-effects", treatments=treatments, heatmap=mode)
    order = [t for t in SHORT if t in treatments]  # the data's order
    assert list(heatmap(at)["data"][0]["y"]) == [SHORT[t] for t in order]


def test_a_category_without_a_controlled_comparison_says_so():
    at = app("side-effects", category="se_abuse", heatmap="excess")
    assert any("No controlled comparison is recorded for abuse" in w.value for w in at.warning)
    texts = [t for row in heatmap(at)["data"][0]["text"] for t in row]
    assert "No controlled<br>comparison" in texts


def test_deaths_not_attributed_and_recreational_data_are_notes_not_bands():
    unrelated = [e for e in EFFECTS if e["attribution"]]
    recreational = [e for e in EFFECTS if e["use"] == "recreational"]
    assert unrelated and recreational
    at = app("side-effects")
    fig = heatmap(at)
    cols, rows_ = fig["data"][0]["x"], fig["data"][0]["y"]
    cols = [c.replace("-<br>", "-").replace("<br>", " ") for c in cols]
    cell = {(r, c): fig["data"][0]["text"][i][j] for i, r in enumerate(rows_) for j, c in enumerate(cols)}
    esk_mortality = cell[("Esketamine", "Mortality")]
    assert "see note" in esk_mortality and "Uncommon" not in esk_mortality and "0.3" not in esk_mortality
    # deaths did occur in the trials (judged unrelated): the cell says none was attributed to it, not "none in trials"
    assert "attributed" in esk_mortality and "None in trials" not in esk_mortality
    categories = {r["attribute_id"]: r["name"] for r in rows("attributes.csv")}
    for e in recreational:  # a recreational rate never becomes its category's band
        shown = cell[(SHORT[treatment_of(e)], categories[e["cell_id"].split(".")[1]])].replace("<br>", " ")
        if e["frequency"][0].isdigit():
            assert e["frequency"].split("%")[0] not in shown, (e["effect_id"], shown)
    notes = plain(" ".join(m.value for m in at.markdown))
    assert "judged unrelated" in notes and "Recreational or non-medical use" in notes


def test_category_labels_sit_above_the_heatmap():
    at = app("side-effects")
    assert heatmap(at)["layout"]["xaxis"]["side"] == "top"


def test_the_page_says_it_has_no_condition_filter():
    at = app("side-effects", condition="trd")
    assert any("no condition filter" in i.value and "Treatment-resistant depression" in plain(i.value) for i in at.info)
    assert not any("no condition filter" in i.value for i in app("side-effects").info)


def test_presenter_mode_draws_the_comparator_view():
    at = app("side-effects", present="1", category="se_neurological")
    assert comparator_table(at).shape[0] > 0
    assert any("How many more people per 100" in c["layout"].get("title", {}).get("text", "") for c in charts(at))
    at.segmented_control(key="comparison").set_value("people").run()
    assert icon_chart(at) and comparator_table(at).shape[0] > 0 and at.query_params["comparison"] in ("people", ["people"])


def test_text_from_the_data_is_shown_escaped(real_copy, monkeypatch):
    """Markdown in an effect's name is shown as typed: no bold, no link."""
    path = real_copy / "effects.csv"
    text = path.read_text(encoding="utf-8")
    hostile = "Dissociation **loud** [click](https://evil.example)"
    text = text.replace('"Dissociation (acute suicidal ideation, pooled ASPIRE)"', f'"{hostile} (pooled ASPIRE)"', 1)
    assert hostile in text
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(real_copy))
    at = app("side-effects", treatments=["esketamine"], category="se_dissociative", comparison="people")
    at.selectbox(key="icon_effect").set_value("esketamine.se_dissociative.dissociation_aspire").run()
    words = next(m.value for m in at.markdown if m.value.startswith("**In words:**"))
    assert r"\*\*loud\*\*" in words and r"\[click\]" in words and "](https://evil.example)" not in words


def test_a_static_table_escapes_data_text_and_links_only_http_addresses():
    from streamlit.testing.v1 import AppTest

    def page():
        import pandas as pd
        from evidash import render
        render.link_table(pd.DataFrame({
            "Treatment": ["*A*", "B", "C"], "Effect": ["[x](javascript:alert(1))", "a | b", "two\nlines"],
            "Source": ["Title *one*", "A title that is much longer than sixty characters, so it is cut at a word", "T"],
            "Where": ["Table 2", "", None], "Link": ["javascript:alert(1)", "https://example.org/a_(b)", None]}))

    at = AppTest.from_function(page).run()
    assert not at.exception
    assert not at.table  # one Markdown table: no Arrow table for the browser to load before the page's charts
    [table] = markdown_tables(at)
    assert list(table["Treatment"]) == ["\\*A\\*", "B", "C"] and list(table.columns) == ["Treatment", "Effect", "Source"]
    # Markup is escaped, a pipe stays in its cell and a line break does not end the row.
    assert list(table["Effect"]) == ["\\[x\\]\\(javascript\\:alert\\(1\\)\\)", "a \\| b", "two lines"]
    assert list(table["Source"]) == [
        "Title \\*one\\* · Table 2",  # an unsafe address: the title, not a link
        "[A title that is much longer than sixty characters, so it… ↗](https://example.org/a_%28b%29)",  # cut at a word
        "T"]
