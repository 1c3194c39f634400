"""Head-to-head forest chart in one direction (issue 20, part 5), as view models: every panel's right side favours
the first treatment chosen, flipped results are negated (differences) or inverted (ratios) with the interval's ends
swapped, swapping the two treatments mirrors the chart, pooled analyses show under the conditions of their patients,
and the phone figure keeps the direction. Expectations come from the data files (comparisons.csv, treatments.csv)."""
from __future__ import annotations

import pytest

from evidash import headtohead as h2h
from evidash import phone, views
from evidash.data import load_evidence

from .conftest import rows, write_mini

PAIR = ("ketamine_iv", "ect")


def _num(v: str) -> float | None:
    return float(v) if v not in ("", None) else None


def favoured_by_higher(r: dict) -> str | None:
    """From the file itself: the treatment a higher value favours, or None when the row does not say."""
    if r["higher_favours"] not in ("first", "second") or not r["effect_first"]:
        return None
    other = r["treatment_b"] if r["effect_first"] == r["treatment_a"] else r["treatment_a"]
    return r["effect_first"] if r["higher_favours"] == "first" else other


def with_effect(r: dict) -> bool:
    return bool(r["effect_measure"]) and (bool(r["effect"]) or bool(r["ci_low"] and r["ci_high"]))


@pytest.fixture(scope="module")
def comparisons() -> list[dict]:
    return rows("comparisons.csv")


@pytest.fixture(scope="module")
def short() -> dict[str, str]:
    return {t["treatment_id"]: t["short_name"] for t in rows("treatments.csv")}


def pairs(comparisons) -> list[tuple[str, str]]:
    found = {(r["treatment_a"], r["treatment_b"]) for r in comparisons if with_effect(r)}
    return sorted(found | {(b, a) for a, b in found})


def test_every_row_with_an_effect_states_its_direction_or_is_listed_as_not_drawn(ev, comparisons):
    for a, b in pairs(comparisons):
        drawn_ids = {r["comparison_id"] for p in h2h.panels(h2h.direct(ev, a, b, views.ALL), h2h.names(ev), a, b)
                     for r in p.rows.to_dict("records")}
        undrawn_ids = set(h2h.undrawn(h2h.direct(ev, a, b, views.ALL), a)["comparison_id"])
        for r in comparisons:
            if {r["treatment_a"], r["treatment_b"]} != {a, b} or not with_effect(r):
                continue
            assert r["effect_first"] in (r["treatment_a"], r["treatment_b"])  # always named: effect_measure says it
            if favoured_by_higher(r) is None:
                assert r["comparison_id"] in undrawn_ids and r["comparison_id"] not in drawn_ids
            else:
                assert r["comparison_id"] in drawn_ids and r["comparison_id"] not in undrawn_ids


def test_every_panel_right_of_no_difference_favours_the_first_treatment(ev, comparisons, short):
    """Where the whole drawn estimate lies on one side of no difference and the row names the treatment it favours,
    that side is right exactly when the favoured treatment is the first one chosen."""
    checked = 0
    for a, b in pairs(comparisons):
        fig = h2h.forest(h2h.direct(ev, a, b, views.ALL), ev, a, b, "t")
        titles = {fig.layout[k].title.text for k in fig.layout if k.startswith("xaxis")}
        assert titles == {f"← favours {short[b]} · favours {short[a]} →"}
        for panel in h2h.panels(h2h.direct(ev, a, b, views.ALL), h2h.names(ev), a, b):
            null = 1.0 if "ratio" in panel.measure else 0.0
            assert f"{short[a]} vs {short[b]}" in panel.heading
            for r, d in zip(panel.rows.to_dict("records"), panel.drawn):
                values = [v for v in (d.effect, d.low, d.high) if v is not None]
                if r["favours"] not in ("treatment_a", "treatment_b"):
                    continue
                if all(v > null for v in values) or all(v < null for v in values):
                    assert (values[0] > null) == (r[r["favours"]] == a), (a, r["comparison_id"])
                    checked += 1
    assert checked >= 4  # ELEKT-D, KetECT, Shi 24 h, McLoughlin HRSD, each in both orders


@pytest.mark.parametrize("a,b", [PAIR, PAIR[::-1]])
def test_flips_negate_differences_and_invert_ratios_with_the_ends_swapped(ev, comparisons, a, b):
    by_id = {r["comparison_id"]: r for r in comparisons}
    flipped_ids = {r["comparison_id"] for r in h2h.flipped(h2h.direct(ev, a, b, views.ALL), a)}
    seen_kinds = set()
    for panel in h2h.panels(h2h.direct(ev, a, b, views.ALL), h2h.names(ev), a, b):
        for r, d in zip(panel.rows.to_dict("records"), panel.drawn):
            raw = by_id[r["comparison_id"]]
            effect, low, high = _num(raw["effect"]), _num(raw["ci_low"]), _num(raw["ci_high"])
            flip = favoured_by_higher(raw) != a
            ratio = "ratio" in raw["effect_measure"]
            assert d.flipped == flip and (r["comparison_id"] in flipped_ids) == flip
            if not flip:
                expected = (effect, low, high)
            elif ratio:
                seen_kinds.add("ratio")
                expected = (1 / effect if effect else None, 1 / high if high else None, 1 / low if low else None)
            else:
                seen_kinds.add("difference")
                expected = (-effect if effect is not None else None, -high if high is not None else None,
                            -low if low is not None else None)
            for got, want in zip((d.effect, d.low, d.high), expected):
                assert (got is None and want is None) or got == pytest.approx(want)
            if d.low is not None:
                assert d.low <= d.high and (d.effect is None or d.low <= d.effect <= d.high)
            assert ("↔" in h2h.point_label(r, d, h2h.names(ev), a, b, set())) == flip
    assert "difference" in seen_kinds


def test_orient_inverts_a_ratio_with_the_ends_swapped():
    row = {"treatment_a": "x", "treatment_b": "y", "effect_first": "x", "higher_favours": "first",
           "effect_measure": "risk ratio, x vs y", "effect": 0.5, "ci_low": 0.25, "ci_high": 2.0}
    assert h2h.orient(row, "x") == h2h.Drawn(0.5, 0.25, 2.0, False, True)
    assert h2h.orient(row, "y") == h2h.Drawn(2.0, 0.5, 4.0, True, True)
    assert h2h.orient(dict(row, higher_favours=None), "x") is None  # direction not stated: not drawn


def test_swapping_the_treatments_mirrors_the_chart(ev, comparisons):
    for a, b in pairs(comparisons):
        rows_ab = h2h.direct(ev, a, b, views.ALL)
        ab, ba = h2h.panels(rows_ab, h2h.names(ev), a, b), h2h.panels(h2h.direct(ev, b, a, views.ALL), h2h.names(ev), b, a)
        assert [p.measure for p in ab] == [p.measure for p in ba]
        for p, q in zip(ab, ba):
            assert list(p.rows["comparison_id"]) == list(q.rows["comparison_id"])
            for d, e in zip(p.drawn, q.drawn):
                assert d.flipped != e.flipped
                for x, y in ((d.effect, e.effect), (d.low, e.high), (d.high, e.low)):
                    if x is None:
                        assert y is None
                    elif d.ratio:
                        assert x * y == pytest.approx(1.0)
                    else:
                        assert x == pytest.approx(-y)


def test_interval_only_rows_show_the_arms_figures(ev, comparisons, short):
    a, b = PAIR
    shown = 0
    for panel in h2h.panels(h2h.direct(ev, a, b, views.ALL), h2h.names(ev), a, b):
        for r, d in zip(panel.rows.to_dict("records"), panel.drawn):
            raw = next(c for c in comparisons if c["comparison_id"] == r["comparison_id"])
            if raw["effect"] or not (raw["value_a"] and raw["value_b"]):
                continue
            va, vb = (raw["value_a"], raw["value_b"]) if raw["treatment_a"] == a else (raw["value_b"], raw["value_a"])
            label = h2h.point_label(r, d, h2h.names(ev), a, b, set())
            assert f"{short[a]} {float(va):g}% vs {short[b]} {float(vb):g}%" in label
            shown += 1
    assert shown == sum(1 for c in comparisons if {c["treatment_a"], c["treatment_b"]} == set(PAIR) and not c["effect"]
                        and c["ci_low"] and c["value_a"] and c["value_b"] and favoured_by_higher(c))


def test_flip_line_names_each_flipped_result(ev):
    a, b = PAIR
    rows_ = h2h.direct(ev, a, b, views.ALL)
    line = h2h.flip_line(ev, rows_, a, b)
    for r in h2h.flipped(rows_, a):
        assert r["study"] in line
    assert (line == "") == (not h2h.flipped(rows_, a))


def test_phone_figure_keeps_one_direction(ev, short):
    a, b = PAIR
    fig = phone.phone(h2h.forest(h2h.direct(ev, a, b, views.ALL), ev, a, b, "t"))
    titles = {fig.layout[k].title.text.replace("<br>", " ") for k in fig.layout if k.startswith("xaxis")}
    assert titles == {f"← favours {short[b]} · favours {short[a]} →"}
    labels = [ann.text for ann in fig.layout.annotations if ann.name == "row_label"]
    assert any("↔" in t for t in labels)  # the flipped marks survive as the phone's row labels
    assert all(ann.font.size is None or ann.font.size >= phone.MIN_FONT for ann in fig.layout.annotations)


def test_pooled_analysis_shows_under_the_condition_of_its_patients(tmp_path):
    """also_conditions on the small test data: the pooled row appears under that condition too, labelled by its
    population, and is not counted as 'elsewhere'."""
    folder = write_mini(tmp_path / "data")
    path = folder / "comparisons.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",rct,", ",meta_analysis,").replace(",treatment_a,alpha,first,,,", ",treatment_a,alpha,first,ptsd,MDD incl. PTSD trials,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ev = load_evidence(folder)
    pop = ev.comparisons.iloc[0]["population"]
    study = ev.comparisons.iloc[0]["study"]
    under = h2h.direct(ev, "alpha", "beta", "ptsd")
    assert len(under) == 1 and h2h.elsewhere(ev, "alpha", "beta", "ptsd") == {}
    table = h2h.table(ev, under, "alpha", "beta", condition="ptsd")
    assert list(table["Study"]) == [f"{study} ({pop})"]
    own = h2h.table(ev, h2h.direct(ev, "alpha", "beta", "mdd"), "alpha", "beta", condition="mdd")
    assert list(own["Study"]) == [study]  # under its own condition: no population label
    (panel,) = h2h.panels(under, h2h.names(ev), "alpha", "beta")
    assert pop in h2h.point_label(panel.rows.iloc[0].to_dict(), panel.drawn[0], h2h.names(ev), "alpha", "beta", set(), "ptsd")
