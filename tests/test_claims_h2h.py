"""Claims check and head-to-head pages (issue 14) through AppTest, and the validator on claims.csv and
comparisons.csv. Expected values are read from the data files, never typed in here."""
from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from evidash.cite import escape_md
from evidash.data import load_evidence
from evidash.schema import VERDICT_LABELS

from .conftest import DATA, ROOT, write_mini
from .test_validate import first_line, problems, set_field


def app(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def plain(text: str) -> str:
    """Markdown as read: escapes removed."""
    return text.replace("\\", "")


def texts(at) -> str:
    parts = ([m.value for m in at.markdown] + [c.value for c in at.caption] + [i.value for i in at.info]
             + [w.value for w in at.warning] + [s.value for s in at.subheader])
    return "\n".join(parts)


def numbers(values) -> list[float]:
    """A plotly spec array: a list, or a typed array {'dtype', 'bdata'} (base64)."""
    if isinstance(values, dict) and "bdata" in values:
        import base64

        import numpy as np
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return [v for v in values or [] if isinstance(v, (int, float))]


def csv_rows(name: str) -> list[dict]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def claims() -> list[dict]:
    return csv_rows("claims.csv")


@pytest.fixture(scope="module")
def comparisons() -> list[dict]:
    return csv_rows("comparisons.csv")


def card_of(at, claim: dict) -> str:
    """The markdown block of a claim's card (found by its escaped claim text)."""
    wanted = escape_md(claim["claim"])
    cards = [m.value for m in at.markdown if wanted in m.value]
    assert cards, f"no card for {claim['claim_id']}"
    return cards[0]


# --- Claims page --------------------------------------------------------------------------------------
def test_claim_card_shows_verdict_and_links_to_its_cells_and_sources(claims):
    at = app("pages/claims.py")
    assert at.title[0].value == "Claims check: what popular articles say"
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    drawn = sum(sum(numbers(trace["x"])) for trace in chart["data"] if trace.get("type") == "bar")
    assert drawn == len(claims)  # the chart counts every claim once
    for claim in (claims[0], next(c for c in claims if c["verdict"] != claims[0]["verdict"])):
        card = card_of(at, claim)
        assert f"**{escape_md(VERDICT_LABELS[claim['verdict']])}**" in card
        assert ":material/" in card.split("**")[0]  # an icon before the word: never colour alone
        assert escape_md(claim["reason"]) in card
        for cell_id in claim["cell_ids"].split(";"):
            assert f"(/overview?cell={cell_id})" in card
        for source_id in claim["source_ids"].split(";"):
            assert f"(/sources?source={source_id})" in card
        assert f"(/sources?source={claim['source_id']})" in card  # the article it comes from


def test_claim_cell_link_opens_that_cells_evidence_card(claims):
    claim = claims[0]
    at = app("pages/claims.py")
    cell_id = re.search(r"\(/overview\?cell=([a-z0-9_.]+)\)", card_of(at, claim)).group(1)
    assert cell_id == claim["cell_ids"].split(";")[0]
    card = app(cell=cell_id)  # the link's target: the overview with ?cell=
    assert not card.info or "not found" not in card.info[0].value
    ev = load_evidence(DATA)
    value = ev.cells.set_index("cell_id").at[cell_id, "value"]
    assert escape_md(value) in texts(card)


def test_claim_param_opens_one_claim(claims):
    claim = claims[-1]
    at = app("pages/claims.py", claim=claim["claim_id"])
    heads = [s.value for s in at.subheader]
    assert heads[0] == "Selected claim"
    first_card = next(m.value for m in at.markdown if "(paraphrased)" in m.value)
    assert escape_md(claim["claim"]) in first_card  # the selected claim comes first
    assert at.query_params["claim"] in (claim["claim_id"], [claim["claim_id"]])
    at.button(key="close_claim").click().run()
    assert "claim" not in at.query_params
    assert "Selected claim" not in [s.value for s in at.subheader]


def test_unknown_claim_param_gives_a_notice_not_a_crash(claims):
    at = app("pages/claims.py", claim="no_such_claim")
    assert any("claim in the link was not found" in i.value for i in at.info)
    assert sum("(paraphrased)" in m.value for m in at.markdown) == len(claims)


def test_condition_filter_limits_claims(claims):
    at = app("pages/claims.py", condition="ptsd")
    ev = load_evidence(DATA)
    ptsd_cells = set(ev.cells.loc[ev.cells["condition_id"] == "ptsd", "cell_id"])
    expected = [c for c in claims if c["condition_id"] == "ptsd" or ptsd_cells & set(c["cell_ids"].split(";"))]
    assert 0 < len(expected) < len(claims)
    assert sum("(paraphrased)" in m.value for m in at.markdown) == len(expected)


# --- Head-to-head page --------------------------------------------------------------------------------
def test_ketamine_vs_ect_in_trd_lists_elektd_and_ketect_with_their_numbers(comparisons):
    at = app("pages/head-to-head.py", condition="trd")
    assert at.selectbox(key="a").value == "ketamine_iv" and at.selectbox(key="b").value == "ect"  # the defaults
    table = at.table[0].value  # as sent: Markdown-escaped (st.table renders Markdown), read back as plain text
    table = table.map(plain).rename(columns=plain, index=plain)
    studies = list(table.index)
    expected = [r for r in comparisons if {r["treatment_a"], r["treatment_b"]} == {"ketamine_iv", "ect"} and r["condition_id"] == "trd"]
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
    # The forest chart: one panel per effect measure, every reported number drawn, direction on the panel.
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    xs = {round(x, 6) for t in chart["data"] for x in numbers(t.get("x"))}
    headings = " ".join(a["text"].replace("<br>", " ") for a in chart["layout"]["annotations"])
    for row in expected:
        for column in ("effect", "ci_low", "ci_high"):
            if row[column]:
                assert round(float(row[column]), 6) in xs
        if row["effect_measure"]:
            assert row["effect_measure"][1:] in headings
    assert "Indirect: separate studies" in [s.value for s in at.subheader]


def test_ketamine_vs_tms_says_no_direct_trial_exists(comparisons):
    assert not [r for r in comparisons if {r["treatment_a"], r["treatment_b"]} == {"ketamine_iv", "tms"}]
    at = app("pages/head-to-head.py", condition="trd", b="tms")
    warning = " ".join(w.value for w in at.warning)
    assert "No randomised or meta-analytic direct comparison of IV ketamine and TMS was found" in plain(warning)
    assert not at.table and not at.get("plotly_chart")  # only the indirect rows
    assert "Indirect: separate studies (the only evidence shown)" in [s.value for s in at.subheader]
    labels = {b.key for b in at.button if isinstance(b.key, str) and b.key.startswith("cell__")}
    assert any(k.endswith("__ketamine_iv__trd__onset") for k in labels) and any(k.endswith("__tms__trd__onset") for k in labels)
    assert at.query_params["b"] in ("tms", ["tms"])


def test_pair_in_either_order_and_all_conditions(comparisons):
    at = app("pages/head-to-head.py", a="tms", b="ect")
    expected = [r for r in comparisons if {r["treatment_a"], r["treatment_b"]} == {"ect", "tms"}]
    assert len(at.table[0].value) == len(expected)
    assert [plain(c) for c in at.table[0].value.columns][:6] == ["Condition", "Design", "n", "Outcome", "Measure", "TMS"]


def test_unknown_treatment_in_link_falls_back_with_a_notice():
    at = app("pages/head-to-head.py", a="not_a_treatment")
    assert any("first treatment in the link was not recognised" in i.value for i in at.info)
    assert at.selectbox(key="a").value == "ketamine_iv"


# --- Validator ----------------------------------------------------------------------------------------
def test_shipped_claims_and_comparisons_are_clean():
    ev = load_evidence(DATA)
    bad = [str(p) for p in ev.problems if p.severity == "error" and p.file in ("claims.csv", "comparisons.csv")]
    assert bad == []
    assert len(ev.claims) >= 25 and len(ev.comparisons) > 0


@pytest.mark.parametrize("file, column, value, fragment", [
    ("claims.csv", "verdict", "true-ish", "not one of the allowed values"),
    ("claims.csv", "topic", "astrology", "not one of the allowed values"),
    ("claims.csv", "cell_ids", "ketamine_iv.no_such_cell", "unknown cell"),
    ("claims.csv", "source_ids", "no_such_source", "unknown source"),
    ("claims.csv", "source_id", "fda_spravato_label", "must be a web_article source"),
    ("claims.csv", "condition_id", "flu", "unknown condition"),
    ("comparisons.csv", "design", "observational", "not one of the allowed values"),
    ("comparisons.csv", "favours", "ketamine", "not one of the allowed values"),
    ("comparisons.csv", "treatment_b", "homeopathy", "unknown treatment"),
    ("comparisons.csv", "source_id", "no_such_source", "unknown source"),
    ("comparisons.csv", "condition_id", "flu", "unknown condition"),
    ("comparisons.csv", "n", "many", "is not a number"),
    ("comparisons.csv", "effect", "99", "above ci_high"),
    ("comparisons.csv", "ci_low", "50", "smaller than ci_low"),
])
def test_malformed_rows_name_file_row_and_column(real_copy: Path, file, column, value, fragment):
    path = real_copy / file
    if file == "comparisons.csv":  # a row with effect and interval (ELEKT-D response)
        line = first_line(path, lambda r: r["effect"] and r["ci_low"] and r["ci_high"])
    else:
        line = 2
    set_field(path, line, column, value)
    found = [p for p in load_evidence(real_copy).problems if p.severity == "error"]
    hits = [p for p in found if (p.file, p.row, p.column) == (file, line, column if column != "ci_low" else "ci_high")]
    assert hits, [str(p) for p in found]
    assert any(fragment in p.message for p in hits), [p.message for p in hits]
    assert str(hits[0]).startswith(f"{file}:{line}:")


def test_effect_without_measure_and_half_interval_are_errors(real_copy: Path):
    path = real_copy / "comparisons.csv"
    line = first_line(path, lambda r: r["effect"] and r["ci_low"] and r["ci_high"])
    set_field(path, line, "effect_measure", "")
    set_field(path, line, "ci_high", "")
    found = problems(real_copy)
    assert ("comparisons.csv", line, "effect_measure") in found
    assert ("comparisons.csv", line, "ci_high") in found


def test_sources_cited_only_by_claims_or_comparisons_are_not_reported_uncited(real_copy: Path):
    ev = load_evidence(real_copy)
    warned = {p.message.split("'")[1] for p in ev.problems if p.file == "sources.csv" and "is not cited" in p.message}
    assert "seed_003" not in warned  # only claims cite the article
    only_compared = set(ev.comparisons["source_id"]) - set(ev.citations["source_id"]) - set(ev.effects["source_id"])
    assert only_compared and not (only_compared & warned)


def test_claims_and_comparisons_files_are_required(tmp_path):
    folder = write_mini(tmp_path / "data")
    assert not [p for p in load_evidence(folder).problems if p.severity == "error"]
    (folder / "claims.csv").unlink()
    assert ("claims.csv", None, None) in problems(folder)


def test_both_pages_work_on_other_data(tmp_path, monkeypatch):
    """Another data folder (the small fixture: no ketamine, no ECT, cells missing): defaults fall back to
    the first two treatments and nothing crashes."""
    folder = write_mini(tmp_path / "data")
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(folder))
    at = app("pages/claims.py")
    assert "Alpha works within hours" in texts(at) and "(/overview?cell=alpha.mdd.onset)" in texts(at)
    at = app("pages/head-to-head.py")
    assert (at.selectbox(key="a").value, at.selectbox(key="b").value) == ("alpha", "beta")
    assert list(at.table[0].value.index) == ["Test trial"]
