"""Every validator rule, broken on purpose in the small test data (conftest.MINI), named by file, row,
column and message. Fast (the tables are read once and edited in memory), so a mutation run of
validate.py can use it: see docs/mutation.md.

Expected values are fixed literals or come from MINI, never from the validator.
"""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from evidash import rules, schema, validate
from evidash.load import LINE, read_tables
from evidash.problems import Problem
from evidash.provenance import missing_numbers, numbers_in
from evidash.cite import check_url
from evidash.validate import PROVENANCE_SEVERITY, validate_raw

from .conftest import write_mini

MARKUP = "text contains markup or a script scheme (HTML tags, javascript:, data:); write plain text"
PAYER_ONLY = ("a payer policy cannot be the only support for an efficacy, onset or approval claim; "
              "cite a regulator, guideline or study")
PRICE = "a price must be dated and located: currency, price_year, price_year_basis and region are required"
INTERVAL = "give both ends of the interval, or neither"
EFFECT_MEASURE = ("an effect or interval needs effect_measure naming the measure and its direction as the source "
                  "reports it (e.g. 'risk difference, ECT minus ketamine')")
DIRECTION_WITHOUT_EFFECT = ("effect_first and higher_favours describe a reported effect: leave them empty when there is no "
                            "effect or interval")
NEEDS = "a reported number must say what it measures and how it was obtained: {} is required"
CC = "course_costs.csv"
OP = "onset_points.csv"
COST_SOURCED = ("an amount must be sourced and dated: source_id, locator, figures (the source's own numbers), "
                "currency and price_year are required")


_PANDERA: dict[tuple, object] = {}  # (file, content) -> pandera's failure cases: one pass per distinct table


UNCACHED = validate._failure_cases


@pytest.fixture(autouse=True)
def pandera_once_per_table_content(monkeypatch):
    """Each case edits one table; the other tables are the same as in every other case, so pandera's result for
    them is reused (keyed by the table's content). The validator's own code still runs in full for every case."""
    original = validate._failure_cases

    def cached(name, frame):
        key = (name, frame.to_csv())  # the table's whole content, cheaply (hashing each row cost more than the check)
        if key not in _PANDERA:
            _PANDERA[key] = original(name, frame)
        return _PANDERA[key]
    monkeypatch.setattr(validate, "_failure_cases", cached)


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return read_tables(write_mini(tmp_path_factory.mktemp("mini") / "data"))


@pytest.fixture
def raw(base):
    return copy.deepcopy(base)


def edit(raw, file: str, line: int, **values) -> None:
    """Set fields of the record on file line ``line`` as load.py would ('' becomes None)."""
    frame = raw.frames[file]
    index = frame.index[frame[LINE] == line][0]
    for column, value in values.items():
        frame.at[index, column] = value.strip() or None


def add_row(raw, file: str, **values) -> int:
    """Append a record (copying the first row for fields not given); returns its file line."""
    frame = raw.frames[file]
    line = int(frame[LINE].max()) + 1
    record = dict(frame.iloc[0]) | {c: (v.strip() or None) for c, v in values.items()} | {LINE: line}
    frame.loc[frame.index.max() + 1] = [record[c] for c in frame.columns]
    return line


def drop_rows(raw, file: str, **match) -> None:
    frame = raw.frames[file]
    keep = ~frame[list(match)].eq(list(match.values())).all(axis=1)
    raw.frames[file] = frame[keep]


def found(raw) -> set[tuple]:
    return {(p.file, p.row, p.column, p.message, p.severity) for p in validate_raw(raw)}


def error(file, row, column, message) -> tuple:
    return (file, row, column, message, "error")


def warning(file, row, column, message) -> tuple:
    return (file, row, column, message, "warning")


def test_mini_tables_are_clean(base):
    assert validate_raw(copy.deepcopy(base)) == []


# --- Row rules (schema.RowRule): (file, line, edits) -> the one problem they must cause --------------------
ROW_CASES = {
    "value_min_le_value_max": ("cells.csv", 2, dict(value_min="5"), "value_max", "value_max 1 is smaller than value_min 5"),
    "value_min_le_value_max (effects)": ("effects.csv", 2, dict(value_min="13"), "value_max", "value_max 12 is smaller than value_min 13"),
    "no_numbers_on_a_gap": ("cells.csv", 6, dict(value_min="3"), "value_min", "a no_evidence cell must not carry numbers"),
    "no_numbers_on_a_gap (max only)": ("cells.csv", 7, dict(value_max="3"), "value_min", "a not_applicable cell must not carry numbers"),
    "condition_required": ("cells.csv", 2, dict(condition_id=""), "condition_id",
                           "attribute 'onset' differs by condition, so condition_id is required"),
    "condition_not_used": ("cells.csv", 3, dict(condition_id="mdd"), "condition_id",
                           "attribute 'cost_session' does not depend on condition; leave condition_id empty"),
    "numbers_need_numeric_attribute": ("cells.csv", 5, dict(value_min="1"), "value_min",
                                       "attribute 'evidence_status' is not numeric; leave value_min/value_max empty"),
    "numbers_need_numeric_attribute (max only)": ("cells.csv", 5, dict(value_max="1"), "value_min",
                                                  "attribute 'evidence_status' is not numeric; leave value_min/value_max empty"),
    "percentage_value_min": ("cells.csv", 4, dict(value_min="-1"), "value_min", "-1 is not a percentage between 0 and 100"),
    "percentage_value_max": ("cells.csv", 4, dict(value_max="101"), "value_max", "101 is not a percentage between 0 and 100"),
    "price_needs_currency": ("cells.csv", 3, dict(currency=""), "currency", PRICE),
    "price_needs_price_year": ("cells.csv", 3, dict(price_year=""), "price_year", PRICE),
    "price_needs_price_year_basis": ("cells.csv", 3, dict(price_year_basis=""), "price_year_basis", PRICE),
    "price_needs_region": ("cells.csv", 3, dict(region=""), "region", PRICE),
    "band_required": ("cells.csv", 4, dict(band=""), "band", "a reported side-effect cell needs a frequency band"),
    "band_only_on_side_effects": ("cells.csv", 2, dict(band="rare"), "band", "band is only used on side-effect cells"),
    "band_matches_value_max": ("cells.csv", 4, dict(band="rare"), "band",
                               "band 'rare' does not match value_max 12% (expected 'very_common')"),
    "category_required": ("cells.csv", 5, dict(category=""), "category", "a reported evidence-status cell needs a category"),
    "category_only_on_evidence_status": ("cells.csv", 2, dict(category="approved"), "category",
                                         "category is only used on evidence_status cells"),
    "headline_required": ("cells.csv", 2, dict(headline=""), "headline",
                          "a reported cell needs a headline (at most 45 characters) for the overview"),
    "headline_required (not applicable)": ("cells.csv", 7, dict(headline=""), "headline",
                                           "a not_applicable cell needs a headline (at most 45 characters) for the overview"),
    "plain_headline_required": ("cells.csv", 2, dict(headline_plain=""), "headline_plain",
                                "a reported cell needs headline_plain, the headline in plain words for family mode"),
    "plain_headline_required (not applicable)": ("cells.csv", 7, dict(headline_plain=""), "headline_plain",
                                                 "a not_applicable cell needs headline_plain, the headline in plain words for family mode"),
    "plain_headline_keeps_numbers": ("cells.csv", 3, dict(headline_plain="USD 400-900 each visit, 2 a week"), "headline_plain",
                                     "headline_plain has number(s) the headline does not: 900, 2 (a plain headline keeps the "
                                     "headline's numbers and adds none)"),
    "claim_plain_required": ("claims.csv", 2, dict(claim_plain=""), "claim_plain",
                             "every claim needs claim_plain, the claim in plain words for family mode"),
    "meaning_plain_required": ("claims.csv", 2, dict(meaning_plain=" "), "meaning_plain",
                               "every claim needs meaning_plain, 'What this means for you' in plain words for family mode"),
    "gap_names_its_search": ("cells.csv", 6, dict(detail="No trials."), "detail",
                             "a no_evidence cell's detail must say what was searched, starting with 'Searched …'"),
    "number_needs_measure": ("cells.csv", 2, dict(measure=""), "measure", NEEDS.format("measure")),
    "number_needs_design": ("cells.csv", 2, dict(design=""), "design", NEEDS.format("design")),
    "number_needs_design (max only)": ("cells.csv", 2, dict(design="", value_min=""), "design", NEEDS.format("design")),
    "single_study_needs_n": ("cells.csv", 2, dict(n=""), "n", "a result from a single study (rct) needs its size n"),
    "measure_needs_note": ("cells.csv", 2, dict(measure="response", measure_note=""), "measure_note",
                           "a response figure needs measure_note naming the scale and who rated it"),
    "measure_fits_attribute": ("cells.csv", 2, dict(measure="price"), "measure",
                               "measure 'price' does not fit attribute 'onset' (use one of first_improvement, response, remission, half_improved)"),
    "measure_fits_attribute (price)": ("cells.csv", 3, dict(measure="incidence"), "measure",
                                       "measure 'incidence' does not fit attribute 'cost_session' (use one of price)"),
    "measure_fits_attribute (side effect)": ("cells.csv", 4, dict(measure="price"), "measure",
                                             "measure 'price' does not fit attribute 'se_cardiovascular' (use one of incidence)"),
    "source_needs_a_link": ("sources.csv", 3, dict(url=""), "url", "a source needs at least one of url, doi or pmid"),
    "claim_lists_a_cell": ("claims.csv", 2, dict(cell_ids=" ; "), "cell_ids", "list at least one cell id (separate several with ';')"),
    "claim_rests_on_evidence": ("claims.csv", 2, dict(cell_ids="", source_ids=""), "source_ids",
                                "a verdict rests on evidence: list its deciding sources, its cells, or both"),
    "treatments_differ": ("comparisons.csv", 2, dict(treatment_b="alpha"), "treatment_b", "treatment_b must differ from treatment_a"),
    "ci_low_le_ci_high": ("comparisons.csv", 2, dict(ci_low="19", effect="19"), "ci_high", "ci_high 18 is smaller than ci_low 19"),
    "effect_not_below_ci_low": ("comparisons.csv", 2, dict(effect="1"), "effect", "effect 1 is below ci_low 2"),
    "effect_not_above_ci_high": ("comparisons.csv", 2, dict(effect="18.5"), "effect", "effect 18.5 is above ci_high 18"),
    "interval_needs_ci_low": ("comparisons.csv", 2, dict(ci_low=""), "ci_low", INTERVAL),
    "interval_needs_ci_high": ("comparisons.csv", 2, dict(ci_high=""), "ci_high", INTERVAL),
    "effect_needs_its_measure": ("comparisons.csv", 2, dict(effect_measure=""), "effect_measure", EFFECT_MEASURE),
    "effect_needs_its_measure (interval only)": ("comparisons.csv", 2, dict(effect_measure="", effect=""), "effect_measure",
                                                 EFFECT_MEASURE),
    "effect_needs_effect_first": ("comparisons.csv", 2, dict(effect_first=""), "effect_first",
                                  "an effect or interval needs effect_first: the treatment_id that effect_measure names first"),
    "effect_needs_effect_first (interval only)": ("comparisons.csv", 2, dict(effect="", effect_first=""), "effect_first",
                                                  "an effect or interval needs effect_first: the treatment_id that effect_measure names first"),
    "effect_needs_effect_first (lower end only)": ("comparisons.csv", 2, dict(effect="", ci_high="", effect_first=""),
                                                   "effect_first",
                                                   "an effect or interval needs effect_first: the treatment_id that effect_measure names first"),
    "effect_needs_effect_first (upper end only)": ("comparisons.csv", 2, dict(effect="", ci_low="", effect_first=""),
                                                   "effect_first",
                                                   "an effect or interval needs effect_first: the treatment_id that effect_measure names first"),
    "effect_first_in_pair": ("comparisons.csv", 2, dict(effect_first="gamma"), "effect_first",
                             "effect_first 'gamma' is neither treatment_a nor treatment_b"),
    "tested_in_pair": ("comparisons.csv", 2, dict(tested="gamma"), "tested", "tested 'gamma' is neither treatment_a nor treatment_b"),
    "tested_only_for_trials": ("comparisons.csv", 2, dict(tested="alpha", design="meta_analysis"), "tested",
                               "tested names the arm under test in a randomised trial; leave it empty for a meta-analysis"),
    "direction_needs_an_effect": ("comparisons.csv", 2, dict(effect="", ci_low="", ci_high="", effect_measure=""), "effect_first",
                                  DIRECTION_WITHOUT_EFFECT),
    "direction_needs_an_effect (higher_favours only)": ("comparisons.csv", 2, dict(effect="", ci_low="", ci_high="", effect_measure="",
                                                                                    effect_first=""), "effect_first", DIRECTION_WITHOUT_EFFECT),
    "higher_favours_agrees_with_favours": ("comparisons.csv", 2, dict(higher_favours="second"), "higher_favours",
                                           "higher_favours 'second' makes this estimate (above 0) favour beta, but favours says alpha"),
    "higher_favours_agrees_with_favours (ratio)": ("comparisons.csv", 2, dict(effect_measure="risk ratio, alpha vs beta", effect="0.8",
                                                                               ci_low="0.7", ci_high="0.9"), "higher_favours",
                                                   "higher_favours 'first' makes this estimate (below 1) favour beta, but favours says alpha"),
    "higher_favours_agrees_with_favours (second treatment named first)": (
        "comparisons.csv", 2, dict(effect_first="beta"), "higher_favours",
        "higher_favours 'first' makes this estimate (above 0) favour beta, but favours says alpha"),
    "also_conditions_only_pooled": ("comparisons.csv", 2, dict(also_conditions="ptsd", population="MDD incl. PTSD trials"),
                                    "also_conditions", "also_conditions is for pooled analyses (design meta_analysis); "
                                                       "a trial belongs under its own condition"),
    "also_conditions_not_its_own": ("comparisons.csv", 2, dict(design="meta_analysis", also_conditions="ptsd;mdd",
                                                               population="MDD incl. PTSD trials"),
                                    "also_conditions", "also_conditions repeats the row's own condition 'mdd'"),
    "also_conditions_need_population": ("comparisons.csv", 2, dict(design="meta_analysis", also_conditions="ptsd"), "population",
                                        "a row shown under further conditions needs population: who its pooled trials enrolled "
                                        "(e.g. 'MDD incl. TRD trials')"),
    "cost_needs_unit_cost": (CC, 2, dict(unit_cost=""), "unit_cost", "a priced component or a reported course cost needs unit_cost"),
    "cost_needs_unit_cost (reference)": (CC, 4, dict(unit_cost="", unit_cost_high=""), "unit_cost",
                                         "a priced component or a reported course cost needs unit_cost"),
    "cost_needs_unit_cost (reference, whatever its status)": (CC, 4, dict(status="not_priced", unit_cost="", unit_cost_high=""),
                                                               "unit_cost", "a priced component or a reported course cost needs unit_cost"),
    "unpriced_carries_no_cost": (CC, 3, dict(unit_cost="10"), "unit_cost",
                                 "a not_priced component carries no amount (the chart shows it as not priced, never as 0); "
                                 "leave unit_cost and unit_cost_high empty"),
    "unpriced_carries_no_cost (high only)": (CC, 3, dict(status="not_covered", unit_cost_high="10"), "unit_cost",
                                             "a not_covered component carries no amount (the chart shows it as not priced, "
                                             "never as 0); leave unit_cost and unit_cost_high empty"),
    "unpriced_names_its_search": (CC, 3, dict(note="Nothing found."), "note",
                                  "a not_priced component's note must say what was searched, starting with 'Searched …'"),
    "not_covered_says_why": (CC, 3, dict(status="not_covered", note=""), "note",
                             "a not_covered component's note must say why the basis does not pay for it, and where it is priced"),
    "cost_needs_source_id": (CC, 2, dict(source_id=""), "source_id", COST_SOURCED),
    "cost_needs_locator": (CC, 4, dict(locator=""), "locator", COST_SOURCED),
    "cost_needs_figures": (CC, 2, dict(figures=""), "figures", COST_SOURCED),
    "cost_needs_currency": (CC, 2, dict(currency=""), "currency", COST_SOURCED),
    "cost_needs_price_year": (CC, 4, dict(price_year=""), "price_year", COST_SOURCED),
    "component_needs_units": (CC, 2, dict(units_high=""), "units_low",
                              "a priced component needs units_low and units_high: how many units a typical acute course uses, low and high"),
    "component_needs_unit_label": (CC, 3, dict(unit_label=""), "unit_label",
                                   "a component needs unit_label: what one unit is (session, dose, infusion, assessment)"),
    "units_low_le_units_high": (CC, 2, dict(units_low="13"), "units_high", "units_high 12 is smaller than units_low 13"),
    "unit_cost_le_unit_cost_high": (CC, 4, dict(unit_cost="6785", unit_cost_high="4720"), "unit_cost_high",
                                    "unit_cost_high 4720 is smaller than unit_cost 6785"),
    "currency_fits_basis": (CC, 2, dict(currency="GBP"), "currency",
                            "basis 'us_medicare_2026' is in USD; this row says GBP (one currency per panel)"),
    "reference_is_priced": (CC, 4, dict(status="not_priced"), "status",
                            "a reported course cost is a figure the source gives: its status is 'priced'"),
    "comparator_rate_needs_rate": ("effects.csv", 2, dict(rate=""), "rate",
                                   "a comparator rate needs the treatment arm's rate (rate) beside it"),
    "rate_needs_comparator_type": ("effects.csv", 2, dict(comparator_type=""), "comparator_type",
                                   "a rate must say what it is compared with: comparator_type ('none' for an uncontrolled rate)"),
    "comparator_rate_needs_a_controlled_type": ("effects.csv", 2, dict(comparator_type="none"), "comparator_type",
                                                "a comparator rate needs a controlled comparator_type (placebo, active_placebo, "
                                                "sham, active, control), not 'none'"),
    "comparison_names_its_comparator": ("effects.csv", 2, dict(comparator_name=""), "comparator_name",
                                        "a controlled comparison names its comparator arm in comparator_name "
                                        "(e.g. 'placebo spray + oral antidepressant')"),
    "uncontrolled_has_no_comparator_arm": ("effects.csv", 2, dict(comparator_type="none", comparator_rate="", comparator_name=""),
                                           "comparator_name", "an uncontrolled rate (comparator_type 'none') has no comparator arm: "
                                                              "leave comparator_name and n_comparator empty"),
    "uncontrolled_has_no_comparator_arm (name only)": ("effects.csv", 2, dict(comparator_type="none", comparator_rate="", n_comparator=""),
                                                       "comparator_name", "an uncontrolled rate (comparator_type 'none') has no "
                                                                          "comparator arm: leave comparator_name and n_comparator empty"),
    "rate_needs_figures": ("effects.csv", 2, dict(figures="", derivation="12 and 4 of 150 each"), "figures",
                           "a rate needs figures: what the source itself prints (numbers as printed, arm sizes)"),
    "days_min_le_days_max": (OP, 2, dict(days_min="2"), "days_max", "days_max 1 is smaller than days_min 2"),
    "point_id_names_its_row": (OP, 2, dict(measure="remission"), "point_id",
                               "point_id 'alpha.mdd.first_improvement' must be 'alpha.mdd.remission' or "
                               "'alpha.mdd.remission.<suffix>' (treatment, condition and measure of the row)"),
    "onset_single_study_needs_n": (OP, 2, dict(n=""), "n", "a time from a single study (rct) needs its size n"),
    "headline_types_known": ("attributes.csv", 2, dict(headline_types="label;gossip"), "headline_types",
                             "unknown source type(s) 'gossip' (separate several with ';')"),
}


@pytest.mark.parametrize("case", sorted(ROW_CASES))
def test_row_rule_is_broken_and_named(raw, case):
    file, line, edits, column, message = ROW_CASES[case]
    edit(raw, file, line, **edits)
    assert error(file, line, column, message) in found(raw)


def test_an_unknown_basis_is_named_and_its_currency_left_unchecked(raw):
    edit(raw, CC, 2, basis="mars_2026")
    (problem,) = found(raw)  # one message, on the basis; the currency rule does not trip over a basis it does not know
    assert problem[1:3] == (2, "basis") and "'mars_2026' is not one of the allowed values" in problem[3]


def test_every_row_rule_has_a_case():
    declared = {name for model in schema.TABLES.values() for name in getattr(model, "__row_rules__", {})}
    assert declared == {case.split(" (")[0] for case in ROW_CASES}


@pytest.mark.parametrize("edits", [
    [("cells.csv", 4, dict(value_min="0", value_max="100", derivation="the ends: 0 and 100"))],  # the ends of a percentage
    [("cells.csv", 4, dict(band="not_quantified"))],  # a band that names no range needs no match
    [("cells.csv", 4, dict(value_min="0.05", value_max="0.05", band="rare", derivation="0.05"))],
    [("cells.csv", 2, dict(value_min="1"))],  # min == max
    [("cells.csv", 2, dict(design="meta_analysis", n="")), ("cells.csv", 4, dict(design="meta_analysis")),
     ("sources.csv", 2, dict(source_type="meta_analysis"))],  # a pooled result needs no n
    [("cells.csv", 5, dict(measure="", design=""))],  # a reported text cell needs no measure
    [("cells.csv", 6, dict(headline=""))],  # a gap needs no headline
    [("cells.csv", 3, dict(headline_plain="800 or 400 USD, a visit"))],  # the headline's numbers, in any order
    [("cells.csv", 3, dict(headline_plain="About the cost of one visit"))],  # or none of them
    [("cells.csv", 3, dict(headline="USD 400-800 per session (1,000 asked)", headline_plain="1000 asked; USD 400-800 a visit")),
     ("citations.csv", 3, dict(figures="$400 to $800 per session (2019); 1,000 asked"))],  # thousands separator
    [("cells.csv", 2, dict(measure="half_improved"))],
    [("sources.csv", 6, dict(url=""))],  # a web article may have no link
    [("sources.csv", 2, dict(url="https://doi.org/10.1000/XYZ123"))],  # doi case does not matter
    [("sources.csv", 2, dict(url="https://x.org/?q=<b>"))],  # the url column is checked as a URL, not as text
    [("comparisons.csv", 2, dict(effect="2"))], [("comparisons.csv", 2, dict(effect="18"))],
    [("comparisons.csv", 2, dict(effect="", ci_low="", ci_high="", effect_measure="", effect_first="", higher_favours=""))],
    [("comparisons.csv", 2, dict(effect_first="beta", higher_favours="second"))],  # beta named first, a higher value favours alpha
    [("comparisons.csv", 2, dict(higher_favours=""))],  # direction of benefit not stated: allowed (the row is not drawn)
    [("comparisons.csv", 2, dict(ci_low="-2", higher_favours="second", favours="treatment_b"))],  # interval across 0: not checked
    [("comparisons.csv", 2, dict(design="meta_analysis", also_conditions="ptsd", population="MDD incl. PTSD trials"))],
    [("cells.csv", 2, dict(reviewed=dt.date.today().isoformat()))],
    [(CC, 3, dict(status="not_covered", note="Not a service this basis pays for; priced on the self-pay basis."))],
    [(CC, 3, dict(source_id="", locator="", figures=""))],  # a not_priced component may name no source
    [(CC, 2, dict(units_low="12"))], [(CC, 4, dict(unit_cost_high=""))],  # one number: low == high
    [(OP, 2, dict(days_min="1"))],  # one time: min == max
    [(OP, 2, dict(point_id="alpha.mdd.first_improvement.snt", protocol="accelerated"))],  # a suffix names a variant
    [(OP, 2, dict(design="meta_analysis", n=""))],  # a pooled time needs no n
    [(OP, 2, dict(comparator="", derivation="", days_min="1", result="lower than placebo"))],  # 1 is in the figures
    [(OP, 2, dict(time_basis="median", result="median 1 day to a lower MADRS"))],
    [("claims.csv", 2, dict(concerns="alpha;beta", cell_ids="alpha.mdd.onset;beta.mdd.onset"))],  # a listed cell without citations
    [("effects.csv", 2, dict(comparator_type="none", comparator_rate="", comparator_name="", n_comparator=""))],  # uncontrolled
    [("effects.csv", 2, dict(comparator_rate="", n_comparator=""))],  # controlled, the comparator's rate not reported
    [("effects.csv", 2, dict(rate="", comparator_rate="", comparator_type="", comparator_name="", n_arm="", n_comparator="",
                             figures=""))],  # a text-only effect needs none of the comparator columns
    [("effects.csv", 2, dict(rate="8", comparator_rate="2.7", derivation="12 of 150 = 8%; 4 of 150 = 2.7%"))],  # our arithmetic
    [("effects.csv", 2, dict(use="recreational", attribution="judged_unrelated"))],
])
def test_valid_edge_passes(raw, edits):
    for file, line, values in edits:
        edit(raw, file, line, **values)
    assert found(raw) == set()


# --- Dates: reviewed is a real day, not in the future --------------------------------------------------
@pytest.mark.parametrize("file", ["cells.csv", "claims.csv", "comparisons.csv", OP])
@pytest.mark.parametrize("value,message", [("2026-02-30", "'2026-02-30' is not a real date"),
                                           ("2999-01-01", "'2999-01-01' is in the future")])
def test_reviewed_is_a_real_past_date(raw, file, value, message):
    edit(raw, file, 2, reviewed=value)
    assert error(file, 2, "reviewed", message) in found(raw)


# --- Foreign keys (rules.FOREIGN_KEYS) ------------------------------------------------------------------
FK_CASES = {
    ("cells.csv", "treatment_id"): ("gamma", "unknown treatment 'gamma' (not in treatments.csv)"),
    ("cells.csv", "condition_id"): ("flu", "unknown condition 'flu' (not in conditions.csv)"),
    ("cells.csv", "attribute_id"): ("mood", "unknown attribute 'mood' (not in attributes.csv)"),
    ("citations.csv", "cell_id"): ("alpha.nothing", "unknown cell 'alpha.nothing' (not in cells.csv)"),
    ("citations.csv", "source_id"): ("made_up", "unknown source 'made_up' (not in sources.csv)"),
    ("effects.csv", "cell_id"): ("alpha.mdd.onset", "'alpha.mdd.onset' is not a side-effect cell in cells.csv"),
    ("effects.csv", "source_id"): ("made_up", "unknown source 'made_up' (not in sources.csv)"),
    ("claims.csv", "source_id"): ("made_up", "unknown source 'made_up' (not in sources.csv)"),
    ("claims.csv", "condition_id"): ("flu", "unknown condition 'flu' (not in conditions.csv)"),
    ("claims.csv", "concerns"): ("alpha;gamma", "unknown treatment 'gamma' (not in treatments.csv)"),
    ("claims.csv", "cell_ids"): ("alpha.mdd.onset; ghost", "unknown cell 'ghost' (not in cells.csv)"),
    ("claims.csv", "source_ids"): ("smith2020_trial;ghost", "unknown source 'ghost' (not in sources.csv)"),
    ("comparisons.csv", "treatment_a"): ("gamma", "unknown treatment 'gamma' (not in treatments.csv)"),
    ("comparisons.csv", "treatment_b"): ("gamma", "unknown treatment 'gamma' (not in treatments.csv)"),
    ("comparisons.csv", "condition_id"): ("flu", "unknown condition 'flu' (not in conditions.csv)"),
    ("comparisons.csv", "source_id"): ("made_up", "unknown source 'made_up' (not in sources.csv)"),
    ("comparisons.csv", "also_conditions"): ("ptsd;flu", "unknown condition 'flu' (not in conditions.csv)"),
    ("course_costs.csv", "treatment_id"): ("gamma", "unknown treatment 'gamma' (not in treatments.csv)"),
    ("course_costs.csv", "source_id"): ("made_up", "unknown source 'made_up' (not in sources.csv)"),
    (OP, "treatment_id"): ("gamma", "unknown treatment 'gamma' (not in treatments.csv)"),
    (OP, "condition_id"): ("flu", "unknown condition 'flu' (not in conditions.csv)"),
    (OP, "source_id"): ("made_up", "unknown source 'made_up' (not in sources.csv)"),
}


@pytest.mark.parametrize("file,column", sorted(FK_CASES))
def test_foreign_key_is_broken_and_named(raw, file, column):
    value, message = FK_CASES[(file, column)]
    edit(raw, file, 2, **{column: value})
    problems = found(raw)
    assert error(file, 2, column, message) in problems
    assert [p for p in problems if p[:3] == (file, 2, column) and p[3].startswith(("unknown", "'"))] == [error(file, 2, column, message)]


def test_every_foreign_key_has_a_case():
    assert {(key.file, key.column) for key in rules.FOREIGN_KEYS} == set(FK_CASES)


def test_side_effect_cells_need_their_attribute_group(raw):
    edit(raw, "attributes.csv", 4, group="setting")  # se_cardiovascular is no longer a side effect
    assert error("effects.csv", 2, "cell_id", "'alpha.se_cardiovascular' is not a side-effect cell in cells.csv") in found(raw)


def test_no_foreign_key_errors_against_an_unreadable_file(tmp_path):
    folder = write_mini(tmp_path / "data")
    (folder / "treatments.csv").write_text("", encoding="utf-8")
    (folder / "sources.csv").unlink()
    lines = (folder / "glossary.csv").read_text(encoding="utf-8").splitlines()
    (folder / "glossary.csv").write_text("\n".join(lines + ["TRD,Again,<b>x</b>"]) + "\n", encoding="utf-8")  # later files are still checked
    assert validate_raw(read_tables(folder)) == [
        Problem("treatments.csv", 1, None, "file is empty; it needs at least a header row"),
        Problem("sources.csv", None, None, "file not found in the data folder"),
        Problem("glossary.csv", 2, "term", "'TRD' appears more than once; ids must be unique"),
        Problem("glossary.csv", 3, "explanation", MARKUP),
        Problem("glossary.csv", 3, "term", "'TRD' appears more than once; ids must be unique"),
    ]


# --- Rules that need other rows ----------------------------------------------------------------------------
def test_duplicate_cell_key(raw):
    line = add_row(raw, "cells.csv", cell_id="alpha.mdd.onset.copy")
    assert error("cells.csv", line, "attribute_id", "duplicate cell for (alpha, mdd, onset); first on row 2") in found(raw)


def test_duplicate_cell_key_without_condition(raw):
    frame = raw.frames["cells.csv"]
    line = add_row(raw, "cells.csv", **{c: frame.iloc[1][c] or "" for c in frame.columns if c != LINE} | {"cell_id": "alpha.copy"})
    assert error("cells.csv", line, "attribute_id",
                 "duplicate cell for (alpha, all conditions, cost_session); first on row 3") in found(raw)


def test_third_copy_points_at_the_first(raw):
    add_row(raw, "cells.csv", cell_id="alpha.copy1")
    line = add_row(raw, "cells.csv", cell_id="alpha.copy2")
    assert error("cells.csv", line, "attribute_id", "duplicate cell for (alpha, mdd, onset); first on row 2") in found(raw)


def test_reported_cell_needs_a_citation(raw):
    drop_rows(raw, "citations.csv", cell_id="alpha.mdd.evidence_status")
    assert found(raw) == {error("cells.csv", 5, "cell_id", "reported cell 'alpha.mdd.evidence_status' has no citation in citations.csv"),
                          warning("sources.csv", 4, "source_id",  # agency_label backed only that cell
                                  "source 'agency_label' is not cited by any cell, effect, claim or comparison")}


def test_uncited_cells_are_not_reported_when_citations_are_unreadable(raw):
    raw.unreadable.add("citations.csv")
    raw.frames["citations.csv"] = raw.frames["citations.csv"].iloc[0:0]
    assert not [p for p in found(raw) if p[0] == "cells.csv"]


def test_payer_alone_cannot_back_onset(raw):
    drop_rows(raw, "citations.csv", cell_id="alpha.mdd.onset")
    add_row(raw, "citations.csv", cell_id="alpha.mdd.onset", source_id="payer2024_policy", locator="Fee table")
    assert error("cells.csv", 2, "cell_id", PAYER_ONLY) in found(raw)


def test_payer_beside_a_study_or_on_a_price_is_fine(raw):
    add_row(raw, "citations.csv", cell_id="alpha.mdd.onset", source_id="payer2024_policy", locator="Fee table")
    drop_rows(raw, "citations.csv", cell_id="alpha.cost_session", source_id="news2019_price")
    assert not [p for p in found(raw) if p[3] == PAYER_ONLY]


def test_payer_rule_is_skipped_when_sources_are_unreadable(raw):
    drop_rows(raw, "citations.csv", cell_id="alpha.mdd.onset")
    add_row(raw, "citations.csv", cell_id="alpha.mdd.onset", source_id="payer2024_policy", locator="Fee table")
    raw.unreadable.add("sources.csv")
    assert error("cells.csv", 2, "cell_id", PAYER_ONLY) not in found(raw)


def test_duplicate_citation(raw):
    line = add_row(raw, "citations.csv")
    other = add_row(raw, "citations.csv", locator="Another page")  # another locator is another citation
    other_cell = add_row(raw, "citations.csv", cell_id="alpha.se_cardiovascular")  # same source and place, another cell
    other_source = add_row(raw, "citations.csv", source_id="agency_label")  # same cell and place, another source
    problems = found(raw)
    assert error("citations.csv", line, "source_id", "duplicate citation; same as row 2") in problems
    assert not [p for p in problems if p[1] in (other, other_cell, other_source)]


@pytest.mark.parametrize("url,message", [
    ("javascript:alert(1)", "URL uses the scheme 'javascript'; only http and https links are allowed"),
    ("https://mirror.example.com/x", "URL points at mirror.example.com, a mirror or copy host listed in blocked_hosts.csv; "
                                     "cite the canonical work"),
    ("https://doi.org/10.1000/other", "doi.org link does not match the doi column (10.1000/xyz123)"),
    ("https://dx.doi.org/10.1000/other", "doi.org link does not match the doi column (10.1000/xyz123)"),
])
def test_source_url(raw, url, message):
    edit(raw, "sources.csv", 2, url=url)
    assert error("sources.csv", 2, "url", message) in found(raw)


def test_blocked_hosts_ignore_case(raw):
    edit(raw, "blocked_hosts.csv", 2, host="Mirror.Example.COM")
    edit(raw, "sources.csv", 3, url="https://a.mirror.example.com/x")
    assert error("sources.csv", 3, "url", "URL points at a.mirror.example.com, a mirror or copy host listed in "
                                          "blocked_hosts.csv; cite the canonical work") in found(raw)


def test_doi_link_without_doi_column_is_fine(raw):
    edit(raw, "sources.csv", 2, url="https://doi.org/10.1000/other", doi="")
    assert found(raw) == set()


def test_uncited_source_is_a_warning(raw):
    line = add_row(raw, "sources.csv", source_id="unused2024", doi="10.1000/unused", pmid="", url="https://doi.org/10.1000/unused")
    assert found(raw) == {warning("sources.csv", line, "source_id",
                                  "source 'unused2024' is not cited by any cell, effect, claim or comparison")}


@pytest.mark.parametrize("file,column,value", [
    ("claims.csv", "source_id", "only_here"), ("claims.csv", "source_ids", "smith2020_trial; only_here"),
    ("comparisons.csv", "source_id", "only_here"), ("effects.csv", "source_id", "only_here"),
])
def test_a_source_cited_anywhere_is_cited(raw, file, column, value):
    add_row(raw, "sources.csv", source_id="only_here")
    edit(raw, file, 2, **{column: value})
    assert not [p for p in found(raw) if p[0] == "sources.csv" and "only_here" in p[3]]


def test_no_uncited_warning_when_citations_are_unreadable(raw):
    add_row(raw, "sources.csv", source_id="unused2024", doi="", pmid="", url="https://example.org/unused")
    raw.unreadable.add("citations.csv")
    assert not [p for p in found(raw) if p[0] == "sources.csv"]


def test_claim_article_is_a_web_article(raw):
    edit(raw, "claims.csv", 2, source_id="smith2020_trial")
    assert error("claims.csv", 2, "source_id", "the article a claim comes from must be a web_article source; "
                                               "'smith2020_trial' is a rct") in found(raw)


def test_claim_cells_are_about_the_treatments_it_concerns(raw):
    edit(raw, "claims.csv", 2, cell_ids="alpha.mdd.onset;beta.mdd.onset")
    assert error("claims.csv", 2, "cell_ids", "cell 'beta.mdd.onset' is about 'beta', which this claim does not concern "
                                              "(alpha): answer a claim with the treatment it is about") in found(raw)
    edit(raw, "claims.csv", 2, concerns="alpha;beta")
    assert not [p for p in found(raw) if p[0] == "claims.csv" and p[2] == "cell_ids"]


def test_a_claim_concerning_several_treatments_names_them_all(raw):
    edit(raw, "claims.csv", 2, concerns="alpha;zeta", cell_ids="alpha.mdd.onset;beta.mdd.onset")  # zeta: unknown, its own error
    assert error("claims.csv", 2, "cell_ids", "cell 'beta.mdd.onset' is about 'beta', which this claim does not concern "
                                              "(alpha; zeta): answer a claim with the treatment it is about") in found(raw)


def test_claim_may_rest_on_sources_alone(raw):
    edit(raw, "claims.csv", 2, cell_ids="", source_ids="smith2020_trial")
    assert not [p for p in found(raw) if p[0] == "claims.csv"]


# --- pandera's own checks, in words --------------------------------------------------------------------------
SCHEMA_CASES = [
    ("cells.csv", 2, dict(status="maybe"), "status", "'maybe' is not one of the allowed values ('reported', 'no_evidence', 'not_applicable')"),
    ("cells.csv", 2, dict(value_min="soon"), "value_min", "'soon' is not a number"),
    ("cells.csv", 2, dict(headline="x" * 46), "headline", "text is too long (46 characters; str_length(None, 45))"),
    ("cells.csv", 2, dict(n="0"), "n", "0.0 is out of range (greater_than_or_equal_to(1))"),
    ("cells.csv", 2, dict(detail=""), "detail", "a value is required"),
    ("cells.csv", 2, dict(reviewed="2026/01/01"), "reviewed", "'2026/01/01' does not have the expected form '^\\d{4}-\\d{2}-\\d{2}$'"),
    ("cells.csv", 2, dict(value="<b>x</b>"), "value", MARKUP),
    ("sources.csv", 2, dict(note="<b>x</b>"), "note", MARKUP),  # a column after url
    ("effects.csv", 2, dict(value_max="101"), "value_max", "101.0 is out of range (less_than_or_equal_to(100))"),
    ("comparisons.csv", 2, dict(higher_favours="up"), "higher_favours", "'up' is not one of the allowed values ('first', 'second')"),
    ("comparisons.csv", 2, dict(population="x" * 81), "population", "text is too long (81 characters; str_length(None, 80))"),
    ("cells.csv", 3, dict(cell_id="alpha.mdd.onset"), "cell_id", "'alpha.mdd.onset' appears more than once; ids must be unique"),
]


@pytest.mark.parametrize("file,line,edits,column,message", SCHEMA_CASES)
def test_schema_check_in_words(raw, file, line, edits, column, message):
    edit(raw, file, line, **edits)
    assert error(file, line, column, message) in found(raw)


def test_not_a_number_is_reported_once(raw):
    edit(raw, "cells.csv", 2, value_min="soon")
    assert [p for p in found(raw) if p[:3] == ("cells.csv", 2, "value_min")] == [error("cells.csv", 2, "value_min", "'soon' is not a number")]


def test_missing_column_is_reported_once(tmp_path):
    folder = write_mini(tmp_path / "data")
    lines = (folder / "glossary.csv").read_text(encoding="utf-8").splitlines()
    (folder / "glossary.csv").write_text("\n".join(",".join(line.split(",")[:2]) for line in lines) + "\n", encoding="utf-8")
    assert validate_raw(read_tables(folder)) == [Problem("glossary.csv", 1, "explanation", "required column is missing from the header")]


def test_problems_are_sorted_by_file_row_column_and_unique(raw):
    edit(raw, "citations.csv", 2, locator="<b>x</b>")
    edit(raw, "cells.csv", 3, status="maybe")
    edit(raw, "cells.csv", 2, value="<b>x</b>", detail="<i>y</i>")
    raw.problems += [Problem("cells.csv", None, None, "file note"), Problem("cells.csv", None, None, "file note"),
                     Problem("cells.csv", 1, None, "a header note"), Problem("cells.csv", 2, "A", "x"),
                     Problem("cells.csv", 2, None, "y")]
    assert [(p.file, p.row, p.column) for p in validate_raw(raw)] == [
        ("cells.csv", None, None), ("cells.csv", 1, None), ("cells.csv", 2, None), ("cells.csv", 2, "A"),
        ("cells.csv", 2, "detail"), ("cells.csv", 2, "value"), ("cells.csv", 3, "status"), ("citations.csv", 2, "locator")]


def test_problems_on_one_field_are_sorted_by_message(raw):
    edit(raw, "claims.csv", 2, cell_ids="zeta;ghost")
    assert [p.message for p in validate_raw(raw) if p.column == "cell_ids"] == [
        "unknown cell 'ghost' (not in cells.csv)", "unknown cell 'zeta' (not in cells.csv)"]


def test_unknown_file_sorts_last(raw):
    raw.problems += [Problem("zzz.csv", 1, None, "x"), Problem("blocked_hosts.csv", 1, None, "y")]
    assert [p.file for p in validate_raw(raw)] == ["blocked_hosts.csv", "zzz.csv"]


# --- check_url, one reason each ------------------------------------------------------------------------------
@pytest.mark.parametrize("url,reason", [
    ("https://example.org/a", None),
    ("http://example.org/a", None),
    ("HTTPS://example.org/a", None),
    ("http://[::1", "is not a valid URL"),
    ("ftp://example.org/a", "uses the scheme 'ftp'; only http and https links are allowed"),
    ("example.org/a", "uses the scheme '(none)'; only http and https links are allowed"),
    ("https:///a", "has no host name"),
    ("https://user@example.org/a", "must not contain a user name or password"),
    ("https://:pw@example.org/a", "must not contain a user name or password"),
    ("https://10.0.0.1/a", "points at a bare IP address (10.0.0.1); cite the canonical page"),
    ("https://[::1]/a", "points at a bare IP address (::1); cite the canonical page"),
    ("https://mirror.example.com/a", "points at mirror.example.com, a mirror or copy host listed in blocked_hosts.csv; cite the canonical work"),
    ("https://www.mirror.example.com/a", "points at www.mirror.example.com, a mirror or copy host listed in blocked_hosts.csv; cite the canonical work"),
    ("https://notmirror.example.com/a", None),
    ("https://example.org/a b", "contains spaces"),
    ("https://example.org/a\tb", "contains spaces"),
])
def test_check_url(url, reason):
    assert check_url(url, {"mirror.example.com", "other.example.net"}) == reason


def test_a_value_is_quoted_as_written(raw):
    edit(raw, "cells.csv", 2, status="it's")
    assert error("cells.csv", 2, "status", "'it's' is not one of the allowed values ('reported', 'no_evidence', 'not_applicable')") in found(raw)


def test_an_unknown_check_is_named():
    from evidash.validate import _friendly
    assert _friendly("custom_check(1)", "x") == "'x' fails check custom_check(1)"
    assert _friendly("custom_check", 3) == "3 fails check custom_check"


def test_a_rule_that_raises_is_reported_not_hidden(raw, monkeypatch):
    def broken(row):
        raise ValueError("boom")
    monkeypatch.setattr(rules, "_has_number", broken)
    monkeypatch.setattr(validate, "_failure_cases", UNCACHED)  # a broken rule must really run
    assert Problem("cells.csv", None, None, "'ValueError(\"boom\")' fails check no_numbers_on_a_gap") in validate_raw(raw)


def test_an_attribute_listed_twice_counts_once_first_row_wins(raw):
    line = add_row(raw, "attributes.csv", **dict(raw.frames["attributes.csv"].iloc[2]) | {
        "group": "setting", "unit": "days", "per_condition": "true", "numeric": "false", "sort_order": "9", LINE: ""})
    message = "'se_cardiovascular' appears more than once; ids must be unique"
    assert found(raw) == {error("attributes.csv", 4, "attribute_id", message), error("attributes.csv", line, "attribute_id", message)}


def test_an_attribute_with_a_missing_field_still_counts(raw):
    edit(raw, "attributes.csv", 4, description="")
    assert found(raw) == {error("attributes.csv", 4, "description", "a value is required")}


def test_problems_after_a_skipped_check_are_kept(raw):
    edit(raw, "cells.csv", 2, value_min="soon", n="many", status="maybe", measure="vibes")
    assert {p[2] for p in found(raw) if p[1] == 2} == {"value_min", "n", "status", "measure"}


def test_problems_beside_a_missing_column_are_kept(tmp_path):
    folder = write_mini(tmp_path / "data")
    (folder / "glossary.csv").write_text("term,expansion\nTRD,Treatment-resistant depression\nTRD,Again\n", encoding="utf-8")
    assert validate_raw(read_tables(folder)) == [
        Problem("glossary.csv", 1, "explanation", "required column is missing from the header"),
        Problem("glossary.csv", 2, "term", "'TRD' appears more than once; ids must be unique"),
        Problem("glossary.csv", 3, "term", "'TRD' appears more than once; ids must be unique"),
    ]


def test_a_single_id_is_not_split(raw):
    edit(raw, "cells.csv", 2, treatment_id="gamma;delta")
    assert [p for p in found(raw) if p[2] == "treatment_id"] == [
        error("cells.csv", 2, "treatment_id", "unknown treatment 'gamma;delta' (not in treatments.csv)")]


def test_later_foreign_keys_are_checked_when_one_target_is_unreadable(raw):
    raw.unreadable.add("treatments.csv")
    edit(raw, "cells.csv", 2, treatment_id="gamma")
    edit(raw, "citations.csv", 3, source_id="made_up")
    problems = found(raw)
    assert error("citations.csv", 3, "source_id", "unknown source 'made_up' (not in sources.csv)") in problems
    assert not [p for p in problems if p[2] == "treatment_id"]


# --- Provenance (provenance.py): figures, headline source, numbers traced to their source --------------------
FIGURES = ("a citation of a reported cell needs figures: the source's own numbers at the locator, with units, "
           "population or arm, and its qualifiers")
UNSEEN = ("the note says part of this source was not seen; use a source only after its exact title, authors and "
          "identifiers are seen")
LABEL = ("text names an internal label (a seed document number, a cell or source id, or a working file); name the "
         "article, the treatment and attribute, or the page read instead")
PROCESS = ("text describes how the data were gathered ('{}'); say what the sources give instead, e.g. 'the abstract "
           "does not say', 'not found', 'accessed 2026' for an undated page")
PROVENANCE_CASES = {
    "figures required": ("citations.csv", 2, dict(figures=""), "figures", FIGURES),
    "headline_source required": ("cells.csv", 2, dict(headline_source=""), "headline_source",
                                 "a reported cell needs headline_source: the source_id of the citation that carries its headline"),
    "headline_source cited": ("cells.csv", 2, dict(headline_source="agency_label"), "headline_source",
                              "'agency_label' is not one of this cell's citations"),
    "headline_source fits the design": ("cells.csv", 4, dict(design="label"), "design",
                                        "design 'label' does not fit the headline source 'smith2020_trial', a rct source "
                                        "(fits: label, regulatory, manufacturer)"),
    "n in the headline source's figures": ("cells.csv", 4, dict(n="301"), "n",
                                           "n=301 is not in the figures of the headline source 'smith2020_trial'"),
    "headline numbers in figures": ("cells.csv", 3, dict(headline="USD 400-900 per session"), "headline",
                                    "900 in the headline is not in the figures of the cell's citations or in its derivation"),
    "headline numbers in figures (several)": ("cells.csv", 3, dict(headline="USD 450-900 per session"), "headline",
                                              "450, 900 in the headline are not in the figures of the cell's citations or in "
                                              "its derivation"),
    "value_min in figures": ("cells.csv", 3, dict(value_min="450"), "value_min",
                             "value_min 450 is not in the figures of the cell's citations or in its derivation"),
    "value_max in figures": ("cells.csv", 3, dict(value_max="850"), "value_max",
                             "value_max 850 is not in the figures of the cell's citations or in its derivation"),
    "a computed number needs its derivation": ("cells.csv", 2, dict(derivation=""), "value_min",
                                               "value_min 0.08 is not in the figures of the cell's citations or in its derivation"),
    "source seen": ("sources.csv", 2, dict(note="Exact title not seen; abstract read on a copy."), "note", UNSEEN),
    "source seen (title describes)": ("sources.csv", 3, dict(note="Title describes the work."), "note", UNSEEN),
    "source seen (title from its address)": ("sources.csv", 3, dict(note="Local news; headline taken from the URL slug."),
                                             "note", UNSEEN),
    "research paper authors": ("sources.csv", 2, dict(authors=""), "authors", "a rct paper needs its authors"),
    "no seed label in text": ("cells.csv", 2, dict(detail="As seed document 003 says."), "detail", LABEL),
    "no cell id in text": ("claims.csv", 2, dict(reason="See alpha.mdd.onset for the trial."), "reason", LABEL),
    "no working file in a source note": ("sources.csv", 2, dict(note="Title and PMID from gaps.md R5."), "note", LABEL),
    "no evidence brief in a source note": ("sources.csv", 3, dict(note="Year from the evidence brief."), "note", LABEL),
    "no brief and item in a source note": ("sources.csv", 3, dict(note="PMID as in the ketamine brief (S36)."), "note",
                                           LABEL),
    "no verification file in a source note": ("sources.csv", 2, dict(note="PMID as given in the verification file."),
                                              "note", LABEL),
    "no working file in cell text": ("cells.csv", 2, dict(detail="As verification.md says, the trial found this."),
                                     "detail", LABEL),
    "no process wording in text": ("cells.csv", 2, dict(detail="The abstract seen gives no rate."), "detail",
                                   PROCESS.format("abstract seen")),
    "no process wording in a note": ("comparisons.csv", 2, dict(note="n not captured."), "note", PROCESS.format("captured")),
    "an access date, not a sighting": ("course_costs.csv", 2, dict(note="Undated page, seen 2026."), "note",
                                       PROCESS.format("seen 2026")),
}


def provenance(file, row, column, message) -> tuple:
    return (file, row, column, message, PROVENANCE_SEVERITY)


@pytest.mark.parametrize("case", sorted(PROVENANCE_CASES))
def test_provenance_rule_is_broken_and_named(raw, case):
    file, line, edits, column, message = PROVENANCE_CASES[case]
    edit(raw, file, line, **edits)
    assert provenance(file, line, column, message) in found(raw)


def test_a_cell_may_not_cite_an_article_under_check(raw):
    line = add_row(raw, "citations.csv", cell_id="alpha.mdd.onset", source_id="blog2024_alpha", locator="Para 1",
                   figures="works in hours")
    assert provenance("citations.csv", line, "source_id", "'blog2024_alpha' is a popular article under check on the Claims "
                      "page; it backs claims only, never a data cell: cite the primary source") in found(raw)


def test_a_cell_without_citations_does_not_stop_the_cells_after_it(raw):
    """An uncited reported cell is reported once (by validate.py); the provenance rules still read every later cell."""
    drop_rows(raw, "citations.csv", cell_id="alpha.mdd.onset")  # line 2: no citations left
    edit(raw, "cells.csv", 4, n="301")  # line 4: a later cell with a provenance problem
    assert provenance("cells.csv", 4, "n", "n=301 is not in the figures of the headline source 'smith2020_trial'") in found(raw)


def test_sources_without_a_note_column_are_checked_without_it(raw):
    """note is an optional column of sources.csv: a file without it still validates (no crash, no note problems)."""
    raw.frames["sources.csv"] = raw.frames["sources.csv"].drop(columns=["note"])
    assert not [p for p in found(raw) if p[0] == "sources.csv" and p[2] == "note"]


def test_citation_rules_are_skipped_when_cells_are_unreadable(raw):
    """Like the other rules that read an unreadable file: only 'file not found' is said, not what follows from it."""
    add_row(raw, "citations.csv", cell_id="alpha.mdd.onset", source_id="blog2024_alpha", locator="Para 1", figures="")
    raw.unreadable.add("cells.csv")
    assert not [p for p in found(raw) if p[0] == "citations.csv" and ("popular article" in p[3] or "needs figures" in p[3])]


def test_an_own_evidence_headline_is_not_the_comparator_arm_of_another_treatments_trial(raw):
    """key efficacy (attributes.csv: own_evidence): alpha's headline from a trial of beta, in which alpha was the comparator."""
    edit(raw, "attributes.csv", 2, own_evidence="true")
    edit(raw, "comparisons.csv", 2, tested="beta")
    assert provenance("cells.csv", 2, "headline_source", "'smith2020_trial' is a trial of 'beta' in which this treatment was "
                      "the comparator arm; a onset headline comes from the treatment's own meta-analysis or pivotal trial "
                      "(give the shared trial's arms in value or detail)") in found(raw)
    edit(raw, "comparisons.csv", 2, tested="alpha")  # alpha's own trial: its headline may come from it
    edit(raw, "attributes.csv", 2, own_evidence="true")
    assert not {p for p in found(raw) if p[2] == "headline_source"}


def test_the_attribute_limits_the_headline_source(raw):
    edit(raw, "attributes.csv", 5, headline_types="rct;meta_analysis")
    assert provenance("cells.csv", 5, "headline_source", "the headline of a evidence_status cell comes from a label source; "
                      "use one of: rct, meta_analysis") in found(raw)


@pytest.mark.parametrize("file,line,edits", [
    ("citations.csv", 2, dict(figures="From 2 h to 1 day in 120 patients (n=120)")),
    ("cells.csv", 3, dict(headline="USD 400 to 800", derivation="")),
    ("citations.csv", 3, dict(figures="$400 to $800 per session, USD 1,400 a course")),  # with thousands separators
    ("cells.csv", 6, dict(headline_source="")),  # a gap needs no headline source
    ("citations.csv", 3, dict(figures="")),  # only citations of reported cells need figures: drop the cell's status below
    ("sources.csv", 3, dict(authors="")),  # news needs no authors
    ("sources.csv", 2, dict(note="Seen on PubMed; title as printed.")),
])
def test_provenance_valid_edge_passes(raw, file, line, edits):
    edit(raw, file, line, **edits)
    if file == "citations.csv" and line == 3 and not edits["figures"]:
        edit(raw, "cells.csv", 3, status="no_evidence", headline="", headline_source="", value_min="", value_max="",
             detail="Searched PubMed.", design="", measure="", currency="", price_year="", price_year_basis="", region="")
    if file == "cells.csv" and line == 3:
        edit(raw, "citations.csv", 3, figures="$400 to $800 per session")
    assert not {p for p in found(raw) if p[4] == PROVENANCE_SEVERITY}


@pytest.mark.parametrize("text,numbers", [
    ("1,409 sessions", [1409.0]),
    ("6-24 sessions; 0.5 mg/kg", [6.0, 24.0, 0.5]),
    ("GBP 10,554.25 per course", [10554.25]),
    ("doses 6,12 and 24", [6.0, 12.0, 24.0]),
    ("", []),
    (None, []),
])
def test_numbers_in_text(text, numbers):
    assert numbers_in(text) == numbers


# --- Reading the files (load.py): what cannot be read is named, and nothing after it is lost ----------------
def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path):
    folder = write_mini(tmp_path / "data")
    text = (folder / "sources.csv").read_bytes().split(b"\n")
    text[2] = text[2].replace(b"a", b"\xe9", 1)  # file line 3
    (folder / "sources.csv").write_bytes(b"\n".join(text))
    assert Problem("sources.csv", 3, None, "file is not valid UTF-8 (byte 0xe9); save it as UTF-8") in validate_raw(read_tables(folder))


def test_a_row_with_too_many_fields_is_named_and_skipped(tmp_path):
    folder = write_mini(tmp_path / "data")
    lines = (folder / "glossary.csv").read_text(encoding="utf-8").splitlines()
    (folder / "glossary.csv").write_text("\n".join(lines + ["TRD2,x,y,extra"]) + "\n", encoding="utf-8")
    assert validate_raw(read_tables(folder)) == [Problem("glossary.csv", 3, None, "row has 4 fields but the header has 3")]


def test_a_source_file_without_a_header_row_is_empty(tmp_path):
    folder = write_mini(tmp_path / "data")
    (folder / "effects.csv").write_text("\n\n", encoding="utf-8")
    assert Problem("effects.csv", 1, None, "file is empty; it needs at least a header row") in validate_raw(read_tables(folder))


# --- One work, one row ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("column,value", [("doi", "10.1000/XYZ123"), ("pmid", "12345678")])
def test_two_sources_may_not_share_a_doi_or_pmid(raw, column, value):
    edit(raw, "sources.csv", 4, **{column: value})  # agency_label takes smith2020_trial's identifier
    assert error("sources.csv", 4, column, f"{column} {value} is already the {column} of the source on row 2; "
                                           "one work, one row") in found(raw)


# --- The payer rule follows attributes.csv (payer_can_back) ---------------------------------------------------
def test_a_payer_may_back_an_attribute_that_allows_it(raw):
    drop_rows(raw, "citations.csv", cell_id="alpha.mdd.onset")
    add_row(raw, "citations.csv", cell_id="alpha.mdd.onset", source_id="payer2024_policy", locator="Fee table")
    edit(raw, "attributes.csv", 2, payer_can_back="true")
    assert PAYER_ONLY not in {p[3] for p in found(raw)}


# --- Content policies (policies.py): warnings about the whole, never errors -----------------------------------
def _policy(message: str) -> tuple:
    return ("cells.csv", None, None, f"content policy: {message}", "warning")


def test_too_many_gaps_is_a_warning(raw, monkeypatch):
    from evidash import policies
    monkeypatch.setattr(policies, "MAX_GAPS", 0)
    assert _policy("1 cells say 'no evidence found' (goal: at most 0)") in found(raw)


def test_too_few_strong_sources_is_a_warning(raw, monkeypatch):
    from evidash import policies
    monkeypatch.setattr(policies, "SHARE_FROM", 1)
    edit(raw, "sources.csv", 2, source_type="observational")  # smith2020_trial (rct) backs two of the reported cells
    edit(raw, "sources.csv", 4, source_type="manufacturer")  # agency_label (label) backs the third
    assert ("citations.csv", None, None, "content policy: 0% of reported cells cite a label, regulator, guideline, HTA, "
            "meta-analysis or RCT (goal: at least 80%)", "warning") in found(raw)


def test_a_drug_or_device_with_few_quantified_side_effects_is_a_warning(raw, monkeypatch):
    from evidash import policies
    monkeypatch.setattr(policies, "MIN_QUANTIFIED_SIDE_EFFECTS", 1)  # the small data has one side-effect category
    problems = found(raw)
    assert _policy("beta has 0 side-effect categories with a quantified frequency (goal: at least 1)") in problems
    assert not [p for p in problems if p[3].startswith("content policy: alpha")]  # alpha's cell is quantified
    edit(raw, "treatments.csv", 3, treatment_class="Psychological therapy")
    assert not [p for p in found(raw) if "side-effect categories" in p[3]]  # a talking therapy has no bands to give


@pytest.mark.parametrize("name", ["cells.csv", "citations.csv", "sources.csv", "treatments.csv", "attributes.csv"])
def test_content_policies_are_skipped_when_a_table_they_read_is_unreadable(raw, monkeypatch, name):
    """An unreadable table is 'file not found' and nothing more: the policies would judge the whole by what is left."""
    from evidash import policies
    monkeypatch.setattr(policies, "MAX_GAPS", 0)
    edit(raw, "sources.csv", 3, url="http://news.example.org/alpha")
    assert len([p for p in found(raw) if p[3].startswith("content policy:")]) == 2  # a gap and a plain-http link
    raw.unreadable.add(name)
    raw.frames[name] = raw.frames[name].iloc[0:0]
    assert not [p for p in found(raw) if p[3].startswith("content policy:")]


def test_plain_http_links_are_a_warning(raw):
    edit(raw, "sources.csv", 3, url="http://news.example.org/alpha")
    assert ("sources.csv", None, None, "content policy: 1 sources link over plain http (news2019_price); use https "
            "where the site offers it", "warning") in found(raw)


# --- course_costs.csv: amounts traced to the source's figures, bases and a source cited by a cost only -------
@pytest.mark.parametrize("line,column,value", [(2, "unit_cost", "99"), (4, "unit_cost", "4700"), (4, "unit_cost_high", "6800")])
def test_course_cost_amount_is_in_the_figures(raw, line, column, value):
    edit(raw, CC, line, **{column: value})
    assert error(CC, line, column, f"{column} {value} is not in the row's figures or in its derivation") in found(raw)


def test_course_cost_amount_may_come_from_the_derivation(raw):
    edit(raw, CC, 2, figures="total RVU 2.95; conversion factor $33.4009")  # 98.53 is only in the derivation
    assert found(raw) == set()
    edit(raw, CC, 2, derivation="our arithmetic")
    assert error(CC, 2, "unit_cost", "unit_cost 98.53 is not in the row's figures or in its derivation") in found(raw)


def test_course_cost_basis_and_kind_are_declared(raw):
    edit(raw, CC, 2, basis="mars", kind="guess")
    problems = {p[:3] for p in found(raw)}
    assert {(CC, 2, "basis"), (CC, 2, "kind")} <= problems


def test_a_source_cited_only_by_a_course_cost_is_cited(raw):
    drop_rows(raw, "citations.csv", source_id="payer2024_policy")
    assert not [p for p in found(raw) if p[0] == "sources.csv" and "payer2024_policy" in p[3]]
    drop_rows(raw, CC, source_id="payer2024_policy")
    assert warning("sources.csv", 5, "source_id",
                   "source 'payer2024_policy' is not cited by any cell, effect, claim or comparison") in found(raw)


def test_course_cost_text_is_plain_and_names_no_internal_label(raw):
    edit(raw, CC, 3, note="Searched <b>here</b>.", component="see alpha.cost_session")
    problems = found(raw)
    assert error(CC, 3, "note", MARKUP) in problems
    assert error(CC, 3, "component", LABEL) in problems


# --- Specific effects against their comparator: numbers traced to what the source prints; vocabularies -------
@pytest.mark.parametrize("column,value", [("rate", "13"), ("comparator_rate", "5"), ("n_arm", "151"), ("n_comparator", "149")])
def test_effect_numbers_are_in_the_figures(raw, column, value):
    edit(raw, "effects.csv", 2, **{column: value})
    assert error("effects.csv", 2, column, f"{column} {value} is not in the effect's figures or its derivation") in found(raw)


@pytest.mark.parametrize("column,value,message", [
    ("comparator_type", "wishful", "'wishful' is not one of the allowed values "
                                   "('placebo', 'active_placebo', 'sham', 'active', 'control', 'none')"),
    ("use", "party", "'party' is not one of the allowed values ('therapeutic', 'recreational')"),
    ("attribution", "maybe", "'maybe' is not one of the allowed values ('judged_unrelated', 'not_attributed')"),
    ("comparator_rate", "101", "101.0 is out of range (less_than_or_equal_to(100))"),
    ("rate", "-1", "-1.0 is out of range (greater_than_or_equal_to(0))"),
    ("n_arm", "0", "0.0 is out of range (greater_than_or_equal_to(1))"),
])
def test_effect_columns_are_checked(raw, column, value, message):
    edit(raw, "effects.csv", 2, **{column: value})
    assert error("effects.csv", 2, column, message) in found(raw)


# --- Lesson rules (evidash/lessons.RULES): a lesson in data/lessons/*.toml, named by file, step and field ------
LESSON = {
    "title": "A test lesson", "audience": "residents", "minutes": 10,
    "steps": [
        {"title": "The matrix", "page": "overview", "note": "A short note.", "params": {"condition": "mdd", "cell": "alpha.mdd.onset"}},
        {"title": "A claim", "page": "claims", "params": {"claim": "alpha_fast"}},
    ],
}
LFILE = "lessons/test.toml"
LESSON_CASES = {
    "toml_readable": (None, None, None, "the file is not valid TOML"),
    "field_known": (dict(colour="red"), None, "colour", "unknown field 'colour' (a lesson has audience, minutes, steps, title)"),
    "title_required": (dict(title=""), None, "title", "a lesson needs a title (at most 80 characters)"),
    "audience_required": (dict(audience=" "), None, "audience",
                          "a lesson needs an audience, e.g. 'residents' or 'patients and families'"),
    "minutes_in_range": (dict(minutes=0), None, "minutes", "minutes must be a whole number from 1 to 240 (the estimated length)"),
    "steps_required": (dict(steps=[]), None, "steps", "a lesson needs between 1 and 40 steps ([[steps]])"),
    "step_field_known": ((1, dict(colour="red")), 1, "colour", "unknown field 'colour' in a step (a step has note, page, params, title)"),
    "step_title_required": ((2, dict(title="x" * 81)), 2, "title", "a step needs a title (at most 80 characters)"),
    "step_page_known": ((2, dict(page="nowhere")), 2, "page", "unknown page 'nowhere' (one of "),
    "step_param_read": ((2, dict(params={"group": "onset"})), 2, "params.group",
                        "the page 'claims' does not read the URL parameter 'group' (it reads condition, claim)"),
    "step_param_value": ((1, dict(params={"cell": "alpha.gone"})), 1, "params.cell", "'alpha.gone' is not an allowed value of 'cell'"),
    "note_length": ((1, dict(note="n" * 281)), 1, "note", "a speaker note is at most 280 characters (this one has 281)"),
}


@pytest.fixture(scope="module")
def mini_ev(tmp_path_factory):
    from evidash.data import load_evidence
    return load_evidence(write_mini(tmp_path_factory.mktemp("mini_lessons") / "data"))


def test_the_test_lesson_is_clean(mini_ev):
    from evidash import lessons
    assert lessons.check(copy.deepcopy(LESSON), LFILE, mini_ev) == []


@pytest.mark.parametrize("case", sorted(LESSON_CASES))
def test_lesson_rule_is_broken_and_named(mini_ev, tmp_path, case):
    from evidash import lessons
    edits, step, column, message = LESSON_CASES[case]
    if edits is None:  # not TOML at all: read through the folder check, as the validator does
        (tmp_path / "lessons").mkdir()
        (tmp_path / "lessons" / "test.toml").write_text('title = "unclosed\n', encoding="utf-8")
        found_ = lessons.check_folder(tmp_path, mini_ev)
    else:
        raw = copy.deepcopy(LESSON)
        if isinstance(edits, tuple):
            raw["steps"][edits[0] - 1].update(edits[1])
        else:
            raw.update(edits)
        found_ = lessons.check(raw, LFILE, mini_ev)
    assert [(p.file, p.row, p.column) for p in found_] == [(LFILE, step, column)]
    assert found_[0].message.startswith(message) and found_[0].severity == "error"


def test_every_lesson_rule_has_a_case():
    from evidash import lessons
    assert set(LESSON_CASES) == set(lessons.RULES)


def test_a_lesson_file_problem_is_printed_by_the_validator(real_copy, capsys):
    from evidash.__main__ import main
    (real_copy / "lessons" / "broken.toml").write_text(
        'title = "Broken"\naudience = "residents"\nminutes = 5\n[[steps]]\ntitle = "x"\npage = "onset"\n'
        '[steps.params]\nzzz = "1"\n', encoding="utf-8")
    assert main(["validate", str(real_copy)]) == 1
    out = capsys.readouterr().out
    assert "lessons/broken.toml:1:params.zzz: the page 'onset' does not read the URL parameter 'zzz'" in out


# --- onset_points.csv: vocabularies, times above 0, unique ids, lengths, figures, numbers traced, optional file ---
ONSET_CASES = [
    ("measure", dict(measure="speed", point_id="alpha.mdd.speed"), "measure",
     "'speed' is not one of the allowed values ('first_improvement', 'response', 'remission')"),
    ("protocol", dict(protocol="turbo"), "protocol", "'turbo' is not one of the allowed values ('standard', 'accelerated')"),
    ("time_basis", dict(time_basis="soonish"), "time_basis",
     "'soonish' is not one of the allowed values ('median', 'mean', 'earliest_difference', 'assessed_at')"),
    ("design", dict(design="hunch"), "design", "'hunch' is not one of the allowed values"),
    ("days above 0", dict(days_min="0", derivation="0 to 1 day"), "days_min", "0.0 is out of range (greater_than(0))"),
    ("figures required", dict(figures=""), "figures", "a value is required"),
    ("protocol_name required", dict(protocol_name=""), "protocol_name", "a value is required"),
    ("result length", dict(result="x" * 121), "result", "text is too long (121 characters; str_length(None, 120))"),
    ("protocol_name length", dict(protocol_name="x" * 81), "protocol_name", "text is too long (81 characters; str_length(None, 80))"),
    ("comparator length", dict(comparator="x" * 61), "comparator", "text is too long (61 characters; str_length(None, 60))"),
    ("note length", dict(note="x" * 401), "note", "text is too long (401 characters; str_length(None, 400))"),
    ("point_id form", dict(point_id="Alpha mdd"), "point_id", "'Alpha mdd' does not have the expected form"),
    ("result in figures", dict(result="MADRS lower than placebo from 3 h"), "result",
     "3 in the result is not in the row's figures or in its derivation"),
    ("result numbers in figures (several)", dict(result="lower than placebo from 3 h to 5 days"), "result",
     "3, 5 in the result are not in the row's figures or in its derivation"),
    ("days_min in figures", dict(days_min="0.5"), "days_min", "days_min 0.5 is not in the row's figures or in its derivation"),
    ("days_max in figures", dict(days_max="7"), "days_max", "days_max 7 is not in the row's figures or in its derivation"),
    ("markup", dict(result="<b>fast</b>"), "result", MARKUP),
    ("no internal label", dict(note="as alpha.mdd.onset says"), "note", LABEL),
]


def _labels(raw) -> set[tuple]:
    return {p[:3] for p in found(raw) if p[3] == LABEL}


def test_where_a_source_was_read_may_stay_in_its_figures_and_clinical_seen_is_not_process(raw):
    """The figures column may say where the source's words were read (provenance for a checker); 'seen in' about
    patients is clinical wording, not a description of our reading."""
    edit(raw, "citations.csv", 2, figures="Recommendation 1.2.3 wording seen only on a copy of the NICE PDF (p. 4).")
    edit(raw, "cells.csv", 2, detail="Bladder harm is mainly seen in recreational use.")
    assert not [p for p in found(raw) if p[3].startswith("text describes how the data were gathered")]


def test_a_label_brief_summary_and_a_web_address_are_not_working_files(raw):
    """'Brief summary' of a label and a page's address in a source note are not the team's working files."""
    edit(raw, "sources.csv", 2, note="Manufacturer's brief summary of prescribing information; read at www.example.org/guide.html.")
    assert ("sources.csv", 2, "note") not in _labels(raw)


def test_a_cell_id_is_an_internal_label_whatever_its_case(raw):
    edit(raw, "cells.csv", 2, detail="Alpha.mdd.onset has the trial.")
    assert ("cells.csv", 2, "detail") in _labels(raw)


def test_a_source_id_in_viewer_text_is_an_internal_label(raw):
    """A source note or a comparison's note that points to another source by its id (the team's key) names it by
    what viewers see instead; the id inside a web address or a longer word is not a mention."""
    edit(raw, "sources.csv", 3, note="Cite the primary instead: smith2020_trial.")
    edit(raw, "comparisons.csv", 2, note="Same trial as news2019_price.")
    edit(raw, "cells.csv", 2, detail="Read at https://news.example.org/smith2020_trial/page and in smith2020_trials.")
    labels = _labels(raw)
    assert {("sources.csv", 3, "note"), ("comparisons.csv", 2, "note")} <= labels
    assert ("cells.csv", 2, "detail") not in labels


def test_without_sources_no_text_is_taken_for_a_source_id(raw):
    """With sources.csv unreadable its ids are not trusted: a comparison's note naming one is not flagged (the file
    itself is reported instead), as with cell ids when treatments.csv is unreadable."""
    edit(raw, "comparisons.csv", 2, note="Same trial as news2019_price.")
    assert ("comparisons.csv", 2, "note") in _labels(raw)
    raw.unreadable.add("sources.csv")
    assert ("comparisons.csv", 2, "note") not in _labels(raw)


def test_without_treatments_no_text_is_taken_for_a_cell_id(raw):
    """With treatments.csv unreadable there are no ids to look for; 'e.g.' is not a cell id."""
    edit(raw, "cells.csv", 2, detail="A first effect, e.g. within hours.")
    raw.unreadable.add("treatments.csv")
    raw.frames["treatments.csv"] = raw.frames["treatments.csv"].iloc[0:0]
    assert _labels(raw) == set()


def test_the_label_check_reads_on_past_an_unreadable_file_and_a_blank_field(raw):
    edit(raw, "cells.csv", 2, detail="")
    edit(raw, "cells.csv", 3, detail="See alpha.mdd.onset.")
    edit(raw, "claims.csv", 2, reason="See alpha.mdd.onset for the trial.")
    raw.unreadable.add("citations.csv")  # read before claims.csv
    raw.frames["citations.csv"] = raw.frames["citations.csv"].iloc[0:0]
    assert {("cells.csv", 3, "detail"), ("claims.csv", 2, "reason")} <= _labels(raw)


@pytest.mark.parametrize("case", ONSET_CASES, ids=[c[0] for c in ONSET_CASES])
def test_onset_point_check_in_words(raw, case):
    _, edits, column, message = case
    edit(raw, OP, 2, **edits)
    problems = [p for p in found(raw) if p[:3] == (OP, 2, column) and p[4] == "error"]
    assert [p for p in problems if p[3].startswith(message)], (message, problems)


def test_onset_point_id_is_unique(raw):
    line = add_row(raw, OP)
    assert error(OP, line, "point_id", "'alpha.mdd.first_improvement' appears more than once; ids must be unique") in found(raw)


def test_a_source_cited_only_by_an_onset_point_is_cited(raw):
    edit(raw, OP, 2, source_id="payer2024_policy", figures="lower from 2 h; 1 day; n=120")
    drop_rows(raw, "citations.csv", source_id="payer2024_policy")
    drop_rows(raw, CC, source_id="payer2024_policy")
    assert not [p for p in found(raw) if p[0] == "sources.csv" and "payer2024_policy" in p[3]]


def test_a_missing_onset_points_file_is_an_empty_table(tmp_path):
    from evidash.data import load_evidence
    folder = write_mini(tmp_path / "data")
    (folder / OP).unlink()
    assert validate_raw(read_tables(folder)) == []
    ev = load_evidence(folder)
    assert ev.ok and len(ev.onset_points) == 0 and "point_id" in ev.onset_points.columns


# --- The helpers behind the rules, at their edges (each case kills a mutant that the data cases let through) ---
@pytest.mark.parametrize("percent,band", [(10, "very_common"), (9.99, "common"), (1, "common"), (0.999, "uncommon"),
                                          (0.1, "uncommon"), (0.0999, "rare"), (0.01, "rare"), (0.0099, "very_rare")])
def test_band_for_percent_at_each_cioms_boundary(percent, band):
    assert rules.band_for_percent(percent) == band


@pytest.mark.parametrize("text,original,new", [
    ("0.000000001", "0", []),  # a difference of exactly the tolerance is the same number
    ("1.0000000015", "1", ["1"]),  # 1.5e-9 apart near 1 is a different number
    ("1000000.0000001", "1,000,000", []),  # the tolerance grows with the number
])
def test_new_numbers_tolerance(text, original, new):
    assert rules.new_numbers(text, original) == new


@pytest.mark.parametrize("wanted,available,missing", [
    ([1e-9], [0], []),  # exactly the tolerance apart (at least 1e-9) is the same number
    ([5e-10], [0], []),  # near zero the tolerance is 1e-9, not a share of the number
    ([1.5e-9], [0], [1.5e-9]),  # but not twice that
    ([1e10 + 1], [1e10], []),  # the tolerance grows with the number (1e-9 of it)
])
def test_missing_numbers_tolerance(wanted, available, missing):
    """The provenance rules' number matching at its edges (a headline number against the source's figures)."""
    assert missing_numbers(wanted, available) == missing


DIRECTION = dict(treatment_a="alpha", treatment_b="beta", effect_first="alpha", higher_favours="first",
                 favours="treatment_b", effect="0.5", ci_low="0.2", ci_high="0.8", effect_measure="mean difference")


def test_higher_favoured_needs_effect_first_in_the_pair():
    assert rules.higher_favoured(DIRECTION) == "alpha"
    assert rules.higher_favoured({**DIRECTION, "effect_first": "gamma"}) is None


@pytest.mark.parametrize("edits,contradicts", [
    ({}, True),  # above 0, a higher value favours alpha, favours names beta
    ({"ci_low": None, "ci_high": None}, True),  # the estimate alone
    ({"effect": None, "ci_high": None}, True),  # one end alone
    ({"effect": None, "ci_low": None}, True),
    ({"favours": "treatment_a"}, False),
    ({"ci_low": "-0.2"}, False),  # the interval crosses no difference: not checked
    ({"effect": "-0.5", "ci_low": "-1", "ci_high": "0.2"}, False),
    ({"ci_low": "0"}, False),  # an interval that touches no difference is not on one side
    ({"effect": "-0.5", "ci_low": "-1", "ci_high": "0", "favours": "treatment_a"}, False),
    ({"effect": None, "ci_low": None, "ci_high": None}, False),  # nothing to compare
])
def test_direction_contradiction_only_when_the_whole_estimate_is_on_one_side(edits, contradicts):
    message = rules._direction_contradicts({**DIRECTION, **edits})
    assert (message is not None) == contradicts
    if contradicts:
        assert message == "higher_favours 'first' makes this estimate (above 0) favour alpha, but favours says beta"


def test_n_must_be_in_the_headline_sources_own_figures(raw):
    """Another citation of the same cell printing the number does not do: n belongs to the headline's source."""
    add_row(raw, "citations.csv", cell_id="alpha.se_cardiovascular", source_id="agency_label", locator="Section 6",
            figures="pooled label table, n=301")
    edit(raw, "cells.csv", 4, n="301")
    assert provenance("cells.csv", 4, "n", "n=301 is not in the figures of the headline source 'smith2020_trial'") in found(raw)
