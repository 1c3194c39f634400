"""The cost of an acute course (issue 20, part 1): the data meets the issue's bar, and the cost page shows one panel
per basis with every chosen treatment as a row and the arithmetic (units × unit cost = subtotal) with linked sources.
Expected values are computed here from the CSV (read without evidash) or written as literals."""
from __future__ import annotations

import json
import re

from .conftest import app, rows

BASIS_TITLES = {
    "us_medicare_2026": "US, Medicare national rates, 2026",
    "us_self_pay": "US, self-pay and list prices (year per row)",
    "england_nhs": "England, NHS costs and list prices (year per row)",
    "england_self_pay": "England, NHS trust self-pay fees (seen 2026)",
    "ontario_hta_2019": "Canada (Ontario), HTA model costs, 2019 CAD",
}
TREATMENT_ROWS = sorted(rows("treatments.csv"), key=lambda r: int(r["sort_order"]))
TREATMENTS = [r["short_name"] for r in TREATMENT_ROWS]  # as the chart names its rows, in the data's order


def _costs():
    return rows("course_costs.csv")


def _priced(basis: str) -> set[str]:
    return {r["treatment_id"] for r in _costs() if r["basis"] == basis and r["kind"] == "component" and r["status"] == "priced"}


def test_us_costs_cover_every_treatment_with_ketamine_as_labelled_self_pay():
    us = _priced("us_medicare_2026") | _priced("us_self_pay")
    assert us == {r["treatment_id"] for r in TREATMENT_ROWS}
    medicare_ketamine = [r for r in _costs() if r["basis"] == "us_medicare_2026" and r["treatment_id"] == "ketamine_iv"]
    assert [r["status"] for r in medicare_ketamine] == ["not_covered"] and "self-pay" in medicare_ketamine[0]["note"]


def test_ect_has_anaesthesia_and_facility_and_esketamine_drug_and_observation():
    def parts(tid, basis):
        return " | ".join(r["component"].lower() for r in _costs() if r["treatment_id"] == tid and r["basis"] == basis
                          and r["kind"] == "component")
    assert "anaesthesia" in parts("ect", "us_medicare_2026") and "facility" in parts("ect", "us_medicare_2026")
    for basis in ("us_self_pay", "england_nhs"):
        assert "drug" in parts("esketamine", basis) and "observation" in parts("esketamine", basis)


def test_every_unpriced_component_says_what_was_searched():
    for r in _costs():
        if r["status"] == "not_priced":
            assert r["note"].startswith("Searched") and not r["unit_cost"], r["row_id"]


def test_hta_reference_marks_are_there():
    refs = {r["source_id"] for r in _costs() if r["kind"] == "reference"}
    assert {"nice_consult839_esketamine", "ontario2021_rtms_hta", "stat2019_spravato_price"} <= refs


def _charts(at) -> list[dict]:
    return [json.loads(p.proto.spec) for p in at.get("plotly_chart")]


def _title(fig: dict) -> str:
    title = fig["layout"].get("title", {})
    return title.get("text", "") if isinstance(title, dict) else str(title)


BASES = [b for b in BASIS_TITLES if b in {r["basis"] for r in rows("course_costs.csv")}]


def _panel(at) -> dict:
    """The course-cost panel on screen: the page's first chart."""
    return _charts(at)[0]


def test_cost_page_has_the_section_first_and_one_panel_per_basis():
    at = app("cost")
    heads = [s.value for s in at.subheader]
    assert heads.index("Cost of an acute course") < heads.index("Coverage, regulatory status and availability")
    assert len(at.get("plotly_chart")) == 1  # one chart at a time
    switch = at.segmented_control(key="basis")
    assert switch.options == ["US Medicare 2026", "US self-pay and list", "England NHS", "England self-pay",
                              "Ontario HTA (CAD)"][:len(BASES)] + ["As reported (not like for like)"]
    assert switch.value == "us_medicare_2026"
    assert _title(_panel(at)) == BASIS_TITLES["us_medicare_2026"]
    for basis in BASES[1:]:  # the switch changes the panel, and the link keeps it
        switch.set_value(basis).run()
        assert _title(_panel(at)) == BASIS_TITLES[basis]
        assert at.query_params["basis"] in (basis, [basis])
        switch = at.segmented_control(key="basis")


def test_every_treatment_keeps_a_labelled_row_on_every_panel():
    for basis in BASES:
        fig = _panel(app("cost", basis=basis))
        categories = fig["layout"]["yaxis"]["categoryarray"]
        assert [c for c in categories if not c.startswith("◇")] == TREATMENTS[::-1], basis
        written = [a.get("text", "") for a in fig["layout"].get("annotations", [])]
        assert len([w for w in written if w]) >= len(TREATMENTS)  # a total, or why there is none, for every row
        bars = {t["y"][0] for t in fig["data"] if t["type"] == "bar"}
        unpriced = [w for w in written if re.search(r"not priced|not covered|not searched on this basis|reference figures only", w)]
        assert len(bars) + len([w for w in unpriced if not w.startswith(("USD", "GBP", "CAD"))]) >= len(TREATMENTS), basis


def test_medicare_panel_draws_the_priced_components_and_says_what_is_not_priced():
    fig = _panel(app("cost"))
    bars = {(t["y"][0], round(t["x"][0], 2)) for t in fig["data"] if t["type"] == "bar"}
    assert ("ECT", round(6 * 98.53, 2)) in bars and ("CBT", round(12 * 167.0, 2)) in bars
    written = [a["text"] for a in fig["layout"]["annotations"]]
    assert "USD 591–1,182 + 2 not priced" in written
    assert "not priced (2 components searched)" in written  # TMS
    assert "not covered on this basis" in written  # IV ketamine


def test_reference_marks_sit_on_their_basis_panel():
    fig = _panel(app("cost", basis="england_nhs"))
    marks = [t for t in fig["data"] if t["type"] == "scatter" and t.get("name") == "Course cost reported by an HTA or model"]
    assert marks and 10554.25 in marks[0]["x"]
    assert "◇ NICE consultation (company model)" in fig["layout"]["yaxis"]["categoryarray"]


def test_arithmetic_table_shows_units_times_unit_cost_with_linked_sources():
    tables = {}
    for basis in BASES:
        at = app("cost", basis=basis)
        tables[basis] = at.table[0].value
    medicare = tables["us_medicare_2026"]
    assert list(medicare.columns)[:2] == ["Component", "Units × unit cost = subtotal"]
    joined = "\n".join(str(v) for t in tables.values() for v in t.to_numpy().ravel())
    for r in rows("course_costs.csv"):  # every priced component: its low subtotal, computed here, in the arithmetic column
        if r["kind"] == "component" and r["status"] == "priced":
            low = float(r["units_low"]) * float(r["unit_cost"])
            assert f"{low:,.0f}" in joined.replace("\\", ""), r["row_id"]
    assert "6–12 sessions × USD 98\\.53 = USD 591–1,182" in joined
    assert "8 doses × GBP 326–489 = GBP 2,608–3,912" in joined
    assert "](https://payerready.com/codes/cpt/90870)" in joined
    assert "javascript" not in joined.lower()
    assert "Course total" in medicare.to_string()


def test_the_treatment_filter_applies_to_the_section():
    for basis in BASES:
        fig = _panel(app("cost", basis=basis, treatments=["ect"]))
        assert [c for c in fig["layout"]["yaxis"]["categoryarray"] if not c.startswith("◇")] == ["ECT"]


def test_data_text_is_escaped_in_the_arithmetic_table(real_copy, monkeypatch):
    path = real_copy / "course_costs.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Psychiatrist's fee", "*Psychiatrist's* fee [x](y)"),
                    encoding="utf-8")
    monkeypatch.setenv("EVIDASH_DATA_DIR", str(real_copy))
    at = app("cost")
    cell = next(v for v in at.table[0].value["Component"] if "Psychiatrist" in v)
    assert cell.startswith("\\*Psychiatrist's\\* fee \\[x\\]\\(y\\)")


def test_the_reported_prices_are_the_last_view_of_the_switch_and_keep_the_access_table():
    at = app("cost", basis="reported")
    assert not at.exception and at.segmented_control(key="basis").value == "reported"
    charts = _charts(at)
    assert len(charts) == 1 and _title(charts[0]).startswith("Reported prices")
    assert any("not like for like" in c.value for c in at.caption)
    assert "Coverage, regulatory status and availability" in [s.value for s in at.subheader]
    assert not any(m.value.startswith("**The arithmetic") for m in at.markdown)  # the arithmetic belongs to a basis
    at.segmented_control(key="basis").set_value("england_nhs").run()
    assert _title(_panel(at)) == BASIS_TITLES["england_nhs"] and at.query_params["basis"] in ("england_nhs", ["england_nhs"])
