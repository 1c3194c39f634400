"""Write a synthetic but valid evidence data set about FACTOR x the real one (default 100x).

    python bench/make_scale_data.py OUT_DIR [--factor 100] [--seed 0]

Copies data/attributes.csv, data/blocked_hosts.csv and data/glossary.csv; generates treatments,
conditions, cells, sources, citations and effects with numpy/pandas (no per-row Python loops over
cells). Every cell follows the data rules: a headline on reported and not-applicable cells, measure,
design (and n for a single study) on every reported number, a dated and located price
(price_year_basis too), a "Searched ..." note on every gap, and no efficacy, onset or approval cell
backed by a payer policy alone. Any other table the schema declares is written with its header only.
At factor 100: 50 treatments, 40 conditions, ~9,350 cells, 5,000 sources, ~12,000 citations.
The result passes ``python -m evidash validate OUT_DIR`` with 0 errors.
"""
from __future__ import annotations

import argparse
import math
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
sys.path.insert(0, str(REPO))

from evidash.provenance import DESIGN_SOURCE_TYPES  # noqa: E402
from evidash.rules import HEADLINE_MAX  # noqa: E402
from evidash.schema import TABLES  # noqa: E402

OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"]
# Source types in about the proportions of the real data (data round 2).
SOURCE_TYPES = ["label", "regulatory", "guideline", "hta", "meta_analysis", "rct", "observational",
                "economic_evaluation", "review", "payer", "statistics", "think_tank", "news", "manufacturer",
                "clinic", "web_article"]
SOURCE_TYPE_P = np.array([3, 4, 19, 8, 40, 33, 32, 7, 16, 8, 3, 2, 27, 6, 22, 8], dtype=float)
CATEGORIES = ["approved", "guideline_recommended", "investigational", "not_approved", "insufficient_evidence", "not_recommended"]
# What a number measures, by attribute group (the validator's vocabulary), and how it was obtained.
ONSET_MEASURES = np.array(["first_improvement", "response", "remission", "half_improved"])
EFFICACY_MEASURES = np.array(["response", "remission", "symptom_change"])
SETTING_MEASURES = {"session_minutes": "duration", "visit_minutes": "duration", "course_weeks": "duration",
                    "sessions_per_week": "frequency", "course_sessions": "count"}
STUDY_DESIGNS = np.array(["meta_analysis", "rct", "open_label", "observational", "case_series", "label"])
STUDY_DESIGN_P = np.array([30, 35, 12, 15, 3, 5], dtype=float)
SINGLE_STUDY = ["rct", "open_label", "observational", "case_series"]
PRICE_DESIGNS = np.array(["fee_schedule", "price_list", "cost_study", "hta"])
SETTING_DESIGNS = np.array(["guideline", "label", "review", "rct"])
CLASSES = ["Drug (synthetic)", "Psychological therapy (synthetic)", "Brain stimulation (synthetic)", "Device (synthetic)"]
LOCATORS = np.array(["Abstract: Results", "Abstract: Methods", "Table 2", "Figure 3", "Section 4.1", "Summary"])
REVIEWED = np.array(["2025-03-14", "2025-09-30", "2026-01-15", "2026-06-02"])
# Plausible numeric ranges (min of value_min, max of value_min, max spread) per non-% numeric attribute.
NUM_RANGES = {
    "onset": (0.05, 60.0, 40.0),
    "session_minutes": (5.0, 60.0, 30.0),
    "visit_minutes": (20.0, 180.0, 60.0),
    "sessions_per_week": (1.0, 5.0, 2.0),
    "course_sessions": (4.0, 36.0, 12.0),
    "course_weeks": (2.0, 20.0, 8.0),
    "cost_session": (50.0, 1500.0, 800.0),
    "cost_course": (500.0, 20000.0, 10000.0),
}


def band_for_percent(p: np.ndarray) -> np.ndarray:
    """Vectorised copy of evidash.rules.band_for_percent."""
    return np.select([p >= 10, p >= 1, p >= 0.1, p >= 0.01], ["very_common", "common", "uncommon", "rare"], "very_rare")


def _ids(prefix: str, n: int, width: int) -> list[str]:
    return [f"{prefix}{i:0{width}d}" for i in range(1, n + 1)]


def generate(out: Path, factor: float = 100.0, seed: int = 0) -> dict[str, int]:
    rng = np.random.default_rng(seed)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("attributes.csv", "blocked_hosts.csv", "glossary.csv"):
        shutil.copyfile(DATA / name, out / name)
    for name in ("claims.csv", "comparisons.csv"):  # header only: the real rows name real treatments, cells and sources
        (out / name).write_text((DATA / name).read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    attrs = pd.read_csv(DATA / "attributes.csv", dtype=str, keep_default_na=False)

    # Real data: 5 treatments x 8 conditions, 169 sources. 100x "evidence volume" ~ 50 x 40, 5,000 sources.
    n_t = max(2, round(5 * math.sqrt(factor)))
    n_c = max(2, round(8 * math.sqrt(factor) / 2))
    n_s = max(20, round(50 * factor))

    tids = _ids("t", n_t, 3)
    treatments = pd.DataFrame({
        "treatment_id": tids,
        "name": [f"Synthetic treatment {i:03d}" for i in range(1, n_t + 1)],
        "short_name": [f"T{i:03d}" for i in range(1, n_t + 1)],
        "treatment_class": [CLASSES[i % len(CLASSES)] for i in range(n_t)],
        "description": [f"Synthetic treatment number {i} generated for load testing." for i in range(1, n_t + 1)],
        "colour": [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n_t)],
        "sort_order": range(1, n_t + 1),
    })
    cids = _ids("c", n_c, 3)
    conditions = pd.DataFrame({
        "condition_id": cids,
        "name": [f"Synthetic condition {i:03d}" for i in range(1, n_c + 1)],
        "short_name": [f"Cond {i:03d}" for i in range(1, n_c + 1)],
        "description": [f"Synthetic condition number {i} generated for load testing." for i in range(1, n_c + 1)],
        "sort_order": range(1, n_c + 1),
    })

    # ---- cells: cross products, built with numpy repeat/tile -------------------------------------
    per = attrs[attrs["per_condition"] == "true"]
    non = attrs[attrs["per_condition"] != "true"]
    pc_t = np.repeat(tids, len(cids) * len(per))
    pc_c = np.tile(np.repeat(cids, len(per)), n_t)
    pc_a = np.tile(per["attribute_id"].to_numpy(), n_t * n_c)
    np_t = np.repeat(tids, len(non))
    np_a = np.tile(non["attribute_id"].to_numpy(), n_t)
    t_col = np.concatenate([np_t, pc_t])
    c_col = np.concatenate([np.full(len(np_t), None, dtype=object), pc_c.astype(object)])
    a_col = np.concatenate([np_a, pc_a])
    n = len(t_col)
    cell_id = np.where(pd.isna(c_col), pd.Series(t_col) + "." + pd.Series(a_col),
                       pd.Series(t_col) + "." + pd.Series(c_col).fillna("") + "." + pd.Series(a_col))

    a_info = attrs.set_index("attribute_id")
    unit = a_info.loc[a_col, "unit"].to_numpy()
    numeric = a_info.loc[a_col, "numeric"].to_numpy() == "true"
    group = a_info.loc[a_col, "group"].to_numpy()

    status = rng.choice(np.array(["reported", "no_evidence", "not_applicable"]), size=n, p=[0.64, 0.34, 0.02])
    reported = status == "reported"
    has_num = reported & numeric & (rng.random(n) < 0.8)

    vmin = np.full(n, np.nan)
    vmax = np.full(n, np.nan)
    pct = unit == "%"
    # Percent attributes: log-uniform frequencies 0.005 .. 95 %.
    lo = np.exp(rng.uniform(np.log(0.005), np.log(60.0), n))
    hi = np.minimum(100.0, lo * rng.uniform(1.0, 1.6, n))
    m = has_num & pct
    vmin[m], vmax[m] = np.round(lo[m], 3), np.round(hi[m], 3)
    vmax = np.maximum(vmax, vmin)  # rounding never inverts, but be explicit
    for aid, (mn, mx, spread) in NUM_RANGES.items():
        m = has_num & (a_col == aid)
        a = rng.uniform(mn, mx, m.sum())
        b = a + rng.uniform(0, spread, m.sum())
        vmin[m], vmax[m] = np.round(a, 2), np.round(b, 2)

    value = np.where(status == "no_evidence", "No evidence found",
                     np.where(status == "not_applicable", "Not applicable", ""))
    num_text = pd.Series(vmin).round(2).astype(str) + "-" + pd.Series(vmax).round(2).astype(str) + " " + pd.Series(unit)
    value = np.where(has_num, num_text.to_numpy(), value)
    value = np.where(reported & ~has_num, "Reported qualitatively (synthetic value)", value)
    detail = np.where(reported, "Synthetic detail: a made-up summary of the evidence behind this cell, written to exercise the layout with text of realistic length.",
                      np.where(status == "no_evidence", "Searched PubMed, guideline and regulator sites (synthetic): nothing found for this cell.",
                               "Synthetic: this attribute does not apply to this treatment."))
    short = pd.Series(vmin).round(1).astype(str) + "-" + pd.Series(vmax).round(1).astype(str) + " " + pd.Series(unit).fillna("")
    headline = np.where(has_num, short.str.slice(0, HEADLINE_MAX).str.strip().to_numpy(),
                        np.where(reported, "Reported (synthetic)", np.where(status == "not_applicable", "Not applicable", None)))

    # What each reported number measures, the design behind it and, for a single study, its size.
    measure = np.full(n, None, dtype=object)
    measure[has_num & (group == "onset")] = rng.choice(ONSET_MEASURES, n)[has_num & (group == "onset")]
    measure[has_num & (group == "evidence")] = rng.choice(EFFICACY_MEASURES, n)[has_num & (group == "evidence")]
    measure[has_num & (group == "side_effects")] = "incidence"
    measure[has_num & (group == "setting")] = pd.Series(a_col).map(SETTING_MEASURES).fillna("count").to_numpy()[has_num & (group == "setting")]
    measure[has_num & (unit == "currency")] = "price"
    measure_note = np.where(np.isin(measure.astype(str), ["response", "remission", "symptom_change"]),
                            "MADRS, clinician-rated (synthetic)", None)
    design = np.where(has_num, rng.choice(STUDY_DESIGNS, n, p=STUDY_DESIGN_P / STUDY_DESIGN_P.sum()), None)
    design = np.where(has_num & (group == "setting"), rng.choice(SETTING_DESIGNS, n), design)
    design = np.where(has_num & (unit == "currency"), rng.choice(PRICE_DESIGNS, n), design)
    single = np.isin(design.astype(str), SINGLE_STUDY)
    size = np.round(np.exp(rng.uniform(np.log(8), np.log(5000), n)))
    n_col = np.where(single | (has_num & (design == "meta_analysis") & (rng.random(n) < 0.5)), size, np.nan)

    cost = (unit == "currency") & reported
    currency = np.where(cost, rng.choice(np.array(["USD", "GBP", "EUR"]), n), None)
    price_year = np.where(cost, rng.integers(2015, 2026, n).astype(float), np.nan)
    price_year_basis = np.where(cost, rng.choice(np.array(["published", "seen"]), n, p=[0.8, 0.2]), None)
    region = np.where(cost, rng.choice(np.array(["US", "UK", "Germany", "Canada"]), n), None)

    se = (group == "side_effects") & reported
    band = np.where(se & has_num, band_for_percent(np.nan_to_num(vmax)), None)
    band = np.where(se & ~has_num, "not_quantified", band)
    category = np.where((a_col == "evidence_status") & reported, rng.choice(np.array(CATEGORIES), n), None)

    cells = pd.DataFrame({
        "cell_id": cell_id, "treatment_id": t_col, "condition_id": c_col, "attribute_id": a_col,
        "headline": headline, "headline_plain": headline, "value": value, "detail": detail, "measure": measure, "measure_note": measure_note,
        "design": design, "n": n_col, "value_min": vmin, "value_max": vmax, "status": status,
        "reviewed": rng.choice(REVIEWED, n), "currency": currency, "price_year": price_year,
        "price_year_basis": price_year_basis, "region": region, "band": band, "category": category,
    })
    cells["price_year"] = cells["price_year"].astype("Int64")
    cells["n"] = cells["n"].astype("Int64")

    # ---- sources ----------------------------------------------------------------------------------
    sidx = np.arange(1, n_s + 1)
    doi = pd.Series(sidx).map(lambda i: f"10.5555/{100000 + i}")
    stype = rng.choice(np.array(SOURCE_TYPES), n_s, p=SOURCE_TYPE_P / SOURCE_TYPE_P.sum())
    pmid = np.where(rng.random(n_s) < 0.3, (30000000 + sidx).astype(str), None)
    sources = pd.DataFrame({
        "source_id": [f"s{i:05d}" for i in sidx],
        "title": [f"Synthetic study {i} of treatment outcomes" for i in sidx],
        "authors": [f"Author{i % 997} A et al." for i in sidx],
        "publisher": rng.choice(np.array(["Journal of Synthetic Medicine", "Synthetic Reviews", "Agency for Made-up Data"]), n_s),
        "year": rng.integers(1995, 2026, n_s),
        "url": "https://doi.org/" + doi,
        "doi": doi,
        "pmid": pmid,
        "source_type": stype,
        "note": "Synthetic source for load testing.",
    })

    # ---- citations: 1-3 distinct sources per reported cell; every source cited at least once -----
    rep_ids = cells.loc[reported, "cell_id"].to_numpy()
    k = rng.integers(1, 4, len(rep_ids))
    cit_cell = np.repeat(rep_ids, k)
    base = rng.integers(0, n_s, len(rep_ids))
    offs = np.concatenate([np.arange(j) for j in k]) if len(k) else np.array([], dtype=int)
    src_pos = (np.repeat(base, k) + offs * 7919) % n_s  # distinct per cell (k <= 3 << n_s)
    # Cover every source: overwrite the first-citation source of the first n_s cells with a permutation.
    first = np.concatenate([[0], np.cumsum(k)[:-1]])
    cover = min(n_s, len(first))
    src_pos[first[:cover]] = rng.permutation(n_s)[:cover]
    # Re-derive offsets from the new first source so sources stay distinct within a cell.
    src_pos = (np.repeat(src_pos[first], k) + offs * 7919) % n_s
    citations = pd.DataFrame({
        "cell_id": cit_cell,
        "source_id": sources["source_id"].to_numpy()[src_pos],
        "locator": rng.choice(LOCATORS, len(cit_cell)),
    })
    # A payer policy never backs an efficacy, onset or approval claim alone: a cell of that kind whose every
    # source is a payer gets one more citation, to a non-payer source (so it differs from the cell's others).
    is_payer = pd.Series(stype[src_pos] == "payer")
    claim = pd.Series(cit_cell).map(dict(zip(cells["cell_id"], cells["attribute_id"]))).isin(set(attrs.loc[attrs["payer_can_back"] == "false", "attribute_id"]))
    payer_only = (is_payer.groupby(pd.Series(cit_cell)).transform("all") & claim).to_numpy()
    lone = first[payer_only[first]]  # the first citation row of each payer-only cell
    others = sources.loc[stype != "payer", "source_id"].to_numpy()
    extra = pd.DataFrame({"cell_id": cit_cell[lone], "source_id": others[lone % len(others)],
                          "locator": rng.choice(LOCATORS, len(lone))})
    citations = pd.concat([citations, extra], ignore_index=True)
    # The headline's source must fit the cell's design (an RCT number from an RCT, a fee from a fee schedule):
    # a cell none of whose sources fits gets one more citation, to the first source of a fitting type.
    types = dict(zip(sources["source_id"], sources["source_type"]))
    designs = dict(zip(cells["cell_id"], cells["design"]))
    first_of_type: dict[str, str] = {}
    for sid, kind in zip(sources["source_id"], sources["source_type"]):
        first_of_type.setdefault(kind, sid)
    attribute_types = {a: set(str(t).split(";")) for a, t in zip(attrs["attribute_id"], attrs.get("headline_types", []))
                       if isinstance(t, str) and t.strip()}
    cell_attribute = dict(zip(cells["cell_id"], cells["attribute_id"]))

    def allowed(cell: str) -> list[str] | None:
        """The source types that may carry this cell's headline (its design's, within its attribute's), in order."""
        design, limit = designs.get(cell), attribute_types.get(cell_attribute[cell])
        kinds = list(DESIGN_SOURCE_TYPES[design]) if isinstance(design, str) else None
        if limit:
            kinds = [k for k in (kinds or SOURCE_TYPES) if k in limit]
        return kinds

    headline, fitting = {}, []
    for cell, sid in zip(citations["cell_id"], citations["source_id"]):
        kinds = allowed(cell)
        if cell not in headline and (kinds is None or types[sid] in kinds):
            headline[cell] = sid
    cited = citations.groupby("cell_id")["source_id"].agg(set).to_dict()
    for cell in designs:
        if cell in cited and cell not in headline:
            sid = next((first_of_type[k] for k in allowed(cell) or [] if k in first_of_type
                        and first_of_type[k] not in cited[cell]), None)
            if sid:
                fitting.append({"cell_id": cell, "source_id": sid, "locator": LOCATORS[0]})
                headline[cell] = sid
    citations = pd.concat([citations, pd.DataFrame(fitting, columns=["cell_id", "source_id", "locator"])], ignore_index=True)
    # Provenance: each citation records (synthetic) figures holding the cell's numbers; one citation per cell
    # carries its headline.
    numbers = cells.set_index("cell_id")[["n", "value_min", "value_max"]].astype("Float64")
    listed = numbers.apply(lambda r: " ".join(f"{v:.12g}" for v in r.dropna()), axis=1)
    citations["figures"] = "Synthetic figures: " + citations["cell_id"].map(listed).fillna("") + " " + cells.set_index(
        "cell_id").loc[citations["cell_id"], "headline"].fillna("").to_numpy()
    cells["headline_source"] = cells["cell_id"].map(headline)

    # ---- effects: 2-4 per side-effect cell (reported ones) ----------------------------------------
    se_ids = cells.loc[se, "cell_id"].to_numpy()
    ke = rng.integers(2, 5, len(se_ids))
    eff_cell = np.repeat(se_ids, ke)
    eff_no = np.concatenate([np.arange(1, j + 1) for j in ke]) if len(ke) else np.array([], dtype=int)
    ne = len(eff_cell)
    e_lo = np.round(rng.uniform(0, 40, ne), 2)
    e_hi = np.round(np.minimum(100, e_lo + rng.uniform(0, 20, ne)), 2)
    e_has = rng.random(ne) < 0.6
    effects = pd.DataFrame({
        "effect_id": pd.Series(eff_cell) + ".e" + pd.Series(eff_no).astype(str),
        "cell_id": eff_cell,
        "effect": "Synthetic effect " + pd.Series(eff_no).astype(str),
        "frequency": np.where(e_has, "Rate given in the source", "Reported without a rate"),
        "value_min": np.where(e_has, e_lo, np.nan),
        "value_max": np.where(e_has, e_hi, np.nan),
        "comparator": np.where(rng.random(ne) < 0.3, "placebo", None),
        "source_id": sources["source_id"].to_numpy()[rng.integers(0, n_s, ne)],
        "locator": rng.choice(LOCATORS, ne),
    })

    written = {"attributes.csv", "blocked_hosts.csv", "glossary.csv"}
    for name, frame in (("treatments.csv", treatments), ("conditions.csv", conditions), ("cells.csv", cells),
                        ("sources.csv", sources), ("citations.csv", citations), ("effects.csv", effects)):
        frame.to_csv(out / name, index=False)
        written.add(name)
    for name, model in TABLES.items():  # tables this generator does not fill (e.g. claims, comparisons): header only
        if name not in written:
            (out / name).write_text(",".join(model.to_schema().columns) + "\n", encoding="utf-8")
    return {"treatments": n_t, "conditions": n_c, "cells": len(cells), "sources": n_s,
            "citations": len(citations), "effects": len(effects)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out_dir")
    p.add_argument("--factor", type=float, default=100.0)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    t0 = time.perf_counter()
    counts = generate(Path(args.out_dir), args.factor, args.seed)
    print(f"wrote {args.out_dir}: " + ", ".join(f"{v} {k}" for k, v in counts.items())
          + f" in {time.perf_counter() - t0:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
