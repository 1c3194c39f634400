"""Claims check and head-to-head pages through AppTest. Expected values are read from the data files, never
typed in here. (The validator's rules on claims.csv and comparisons.csv are broken in tests/test_rules.py.)"""
from __future__ import annotations

import json
import re

import pytest

from evidash.cite import escape_md
from evidash.vocab import VERDICT_LABELS

from .conftest import app, plain, rows, texts, write_mini


def numbers(values) -> list[float]:
    """A plotly spec array: a list, or a typed array {'dtype', 'bdata'} (base64)."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return [v for v in values or [] if isinstance(v, (int, float))]


@pytest.fixture(scope="module")
def claims() -> list[dict]:
    return rows("claims.csv")


@pytest.fixture(scope="module")
def comparisons() -> list[dict]:
    return rows("comparisons.csv")


def card_of(at, claim: dict) -> str:
    """The markdown block of a claim's card (found by its escaped claim text)."""
    wanted = escape_md(claim["claim"])
    cards = [m.value for m in at.markdown if wanted in m.value]
    assert cards, f"no card for {claim['claim_id']}"
    return cards[0]


# --- Claims page --------------------------------------------------------------------------------------
def test_claim_card_shows_verdict_and_links_to_its_cells_and_sources(claims):
    at = app("claims")
    assert at.title[0].value == "Claims check: what popular articles say"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    drawn = sum(sum(numbers(trace["x"])) for trace in chart["data"] if trace.get("type") == "bar")
    assert drawn == len(claims)  # the chart counts every claim once
    for claim in (claims[0], next(c for c in claims if c["verdict"] != claims[0]["verdict"])):
        card = card_of(at, claim)
        assert f"**{escape_md(VERDICT_LABELS[claim['verdict']])}**" in card
        assert ":material/" in card.split("**")[0]  # an icon before the word: never colour alone
        assert escape_md(claim["reason"]) in card
        for cell_id in [c for c in claim["cell_ids"].split(";") if c]:
            assert f"(/overview?cell={cell_id})" in card
        for source_id in claim["source_ids"].split(";"):
            assert f"(/sources?source={source_id})" in card
        assert f"(/sources?source={claim['source_id']})" in card  # the article it comes from


def test_claim_card_names_the_drug_it_concerns_and_the_article_note(claims):
    """Each card says which treatment(s) the claim is about (by name, from treatments.csv), and an article's note
    (e.g. that it promotes a clinic) is shown under its heading."""
    names = {t["treatment_id"]: t["name"] for t in rows("treatments.csv")}
    at = app("claims")
    for claim in claims:
        about = [names[t] for t in names if t in claim["concerns"].split(";")]
        assert about and all(escape_md(name) in card_of(at, claim).split("**About:**")[1].split("\n")[0] for name in about)
    notes = {s["source_id"]: s["note"] for s in rows("sources.csv")}
    for article in {c["source_id"] for c in claims}:
        if notes.get(article):
            assert f"About this article: {escape_md(notes[article])}" in texts(at)


def test_claim_cell_link_opens_that_cells_evidence_card(claims):
    claim = claims[0]
    at = app("claims")
    cell_id = re.search(r"\(/overview\?cell=([a-z0-9_.]+)\)", card_of(at, claim)).group(1)
    assert cell_id == claim["cell_ids"].split(";")[0]
    card = app(cell=cell_id)  # the link's target: the overview with ?cell=
    assert not card.info or "not found" not in card.info[0].value
    value = next(r["value"] for r in rows("cells.csv") if r["cell_id"] == cell_id)
    assert escape_md(value) in texts(card)


def test_claim_param_opens_one_claim(claims):
    claim = claims[-1]
    at = app("claims", claim=claim["claim_id"])
    heads = [s.value for s in at.subheader]
    assert heads[0] == "Selected claim"
    first_card = next(m.value for m in at.markdown if "(paraphrased)" in m.value)
    assert escape_md(claim["claim"]) in first_card  # the selected claim comes first
    assert at.query_params["claim"] in (claim["claim_id"], [claim["claim_id"]])
    at.button(key="close_claim").click().run()
    assert "claim" not in at.query_params
    assert "Selected claim" not in [s.value for s in at.subheader]


def test_unknown_claim_param_gives_a_notice_not_a_crash(claims):
    at = app("claims", claim="no_such_claim")
    assert any("claim in the link was not found" in i.value for i in at.info)
    assert sum("(paraphrased)" in m.value for m in at.markdown) == len(claims)


def test_condition_filter_limits_claims(claims, ev):
    at = app("claims", condition="ptsd")
    ptsd_cells = set(ev.cells.loc[ev.cells["condition_id"] == "ptsd", "cell_id"])
    expected = [c for c in claims if c["condition_id"] == "ptsd" or ptsd_cells & set(c["cell_ids"].split(";"))]
    assert 0 < len(expected) < len(claims)
    assert sum("(paraphrased)" in m.value for m in at.markdown) == len(expected)


# --- Head-to-head page --------------------------------------------------------------------------------
def test_ketamine_vs_ect_lists_elektd_and_ketect_with_their_numbers(comparisons):
    at = app("head-to-head")  # all conditions: ELEKT-D (TRD) and KetECT (unipolar inpatients, MDD)
    assert at.selectbox(key="a").value == "ketamine_iv" and at.selectbox(key="b").value == "ect"  # the defaults
    table = at.table[0].value  # as sent: Markdown-escaped (st.table renders Markdown), read back as plain text
    table = table.map(plain).rename(columns=plain, index=plain)
    studies = list(table.index)
    expected = [r for r in comparisons if {r["treatment_a"], r["treatment_b"]} == {"ketamine_iv", "ect"}]
    assert len(table) == len(expected)
    for study in ("ELEKT-D", "KetECT"):
        assert study in studies
    for row in expected:
        if row["study"] not in ("ELEKT-D", "KetECT"):
            continue
        shown = table.iloc[[i for i, s in enumerate(studies) if s == row["study"]]]
        line = shown[shown["Outcome"] == row["outcome"]].iloc[0]
        assert line["n"] == f"{int(row['n']):,}"
        ket, ect = (row["value_a"], row["value_b"]) if row["treatment_a"] == "ketamine_iv" else (row["value_b"], row["value_a"])
        if ket:
            assert f"{float(ket):g}%" in line["IV ketamine"] and f"{float(ect):g}%" in line["ECT"]
        for column in ("effect", "ci_low", "ci_high"):
            if row[column]:
                assert f"{float(row[column]):g}" in line["Effect (95% CI)"]
        assert line["Effect measure (direction as reported)"] == (row["effect_measure"] or "—")
    # The forest chart: every result with a stated direction drawn so that right favours IV ketamine (the first
    # treatment): as reported where a higher value favours it, else negated; the reported measure in its hover.
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    xs = {round(x, 6) for t in chart["data"] for x in numbers(t.get("x"))}
    hovers = " ".join(h.replace("<br>", " ") for t in chart["data"] for h in t.get("hovertext") or [])
    short = {t["treatment_id"]: t["short_name"] for t in rows("treatments.csv")}
    titles = {v["title"]["text"] for k, v in chart["layout"].items() if k.startswith("xaxis")}
    assert titles == {f"← favours {short['ect']} · favours {short['ketamine_iv']} →"}
    for row in expected:
        if not (row["effect_first"] and row["higher_favours"]):
            continue
        other = row["treatment_b"] if row["effect_first"] == row["treatment_a"] else row["treatment_a"]
        sign = 1 if (row["effect_first"] if row["higher_favours"] == "first" else other) == "ketamine_iv" else -1
        for column in ("effect", "ci_low", "ci_high"):
            if row[column]:
                assert round(sign * float(row[column]), 6) in xs
        assert row["effect_measure"] in hovers
    assert "Indirect: separate studies" in [s.value for s in at.subheader]


def flat(node) -> list:
    """The elements of an AppTest tree in page order."""
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for key in sorted(children) for leaf in flat(children[key])]


@pytest.mark.parametrize("a,b", [("ketamine_iv", "ect"), ("ect", "ketamine_iv")])
def test_forest_chart_comes_before_the_table_and_says_where_it_flipped(comparisons, a, b):
    at = app("head-to-head", a=a, b=b)
    order = [getattr(e, "type", "") for e in flat(at.main)]
    assert "plotly_chart" in order and "table" in order
    assert order.index("plotly_chart") < order.index("table")
    flips = [r for r in comparisons if {r["treatment_a"], r["treatment_b"]} == {a, b}
             and r["higher_favours"] and ((r["effect_first"] == a) != (r["higher_favours"] == "first"))]
    line = " ".join(plain(m.value) for m in at.markdown if "Sign flipped for display" in m.value)
    assert flips and all(r["study"] in line for r in flips) and line.count("\n") == 0  # one line
    table = at.table[0].value.map(plain).rename(columns=plain, index=plain)
    for r in flips:  # the table keeps the number as reported
        shown = table[table["Outcome"] == r["outcome"]].iloc[0]
        assert shown["Effect measure (direction as reported)"] == r["effect_measure"]
        assert all(f"{float(r[c]):g}" in shown["Effect (95% CI)"] for c in ("effect", "ci_low", "ci_high") if r[c])


def test_ketamine_vs_tms_says_no_direct_trial_exists(comparisons):
    assert not [r for r in comparisons if {r["treatment_a"], r["treatment_b"]} == {"ketamine_iv", "tms"}]
    at = app("head-to-head", condition="trd", b="tms")
    warning = " ".join(w.value for w in at.warning)
    assert "No randomised or meta-analytic direct comparison of IV ketamine and TMS was found" in plain(warning)
    assert not at.table and not at.get("plotly_chart")  # only the indirect rows
    assert "Indirect: separate studies (the only evidence shown)" in [s.value for s in at.subheader]
    labels = {b.key for b in at.button if isinstance(b.key, str) and b.key.startswith("cell__")}
    assert any(k.endswith("__ketamine_iv__trd__onset") for k in labels) and any(k.endswith("__tms__trd__onset") for k in labels)
    assert at.query_params["b"] in ("tms", ["tms"])


def test_pair_in_either_order_and_all_conditions(comparisons):
    at = app("head-to-head", a="tms", b="ect")
    expected = [r for r in comparisons if {r["treatment_a"], r["treatment_b"]} == {"ect", "tms"}]
    assert len(at.table[0].value) == len(expected)
    noun = "result" if len(expected) == 1 else "results"  # counted as a reader says it, not "result(s)"
    assert any(c.value.startswith(f"{len(expected)} {noun} in which patients were randomised") for c in at.caption)
    assert [plain(c) for c in at.table[0].value.columns][:6] == ["Condition", "Design", "n", "Outcome", "Measure", "TMS"]


def test_unknown_treatment_in_link_falls_back_with_a_notice():
    at = app("head-to-head", a="not_a_treatment")
    assert any("first treatment in the link was not recognised" in i.value for i in at.info)
    assert at.selectbox(key="a").value == "ketamine_iv"


def test_both_pages_work_on_other_data(tmp_path, monkeypatch):
    """Another data folder (the small fixture: no ketamine, no ECT, cells missing): defaults fall back to
    the first two treatments and nothing crashes."""
    folder = write_mini(tmp_path / "data")
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(folder))
    at = app("claims")
    assert "Alpha works within hours" in texts(at) and "(/overview?cell=alpha.mdd.onset)" in texts(at)
    at = app("head-to-head")
    assert (at.selectbox(key="a").value, at.selectbox(key="b").value) == ("alpha", "beta")
    assert list(at.table[0].value.index) == ["Test trial"]
