"""Row rules and foreign keys of the evidence data, declared as tables.

A ``RowRule`` is a check that needs one row only (e.g. value_min <= value_max). ``schema.py`` attaches each
rule to its pandera model as a named dataframe check; ``validate.py`` turns a failure into
``file:row:column: message`` with the rule's column and message. ``FOREIGN_KEYS`` lists every id a file
names in another file. Rules that need other rows or files live in ``validate.py`` and ``provenance.py``.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from typing import Callable

import pandas as pd
import pandera.pandas as pa
from pandera import extensions

from .vocab import BANDS as _BANDS
from .vocab import COST_BASES as _COST_BASES
from .vocab import CONTROLLED_TYPES as _CONTROLLED
from .vocab import SOURCE_TYPES as _SOURCE_TYPES
from .vocab import ids

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
MEASURES_NEEDING_NOTE = ("response", "remission", "symptom_change")  # the note names the scale and the rater
SINGLE_STUDY_DESIGNS = ("rct", "open_label", "observational", "case_series")  # these need n
UNCONTROLLED_DESIGNS = ("open_label", "observational", "case_series")
SMALL_N = 50
PRICE_YEAR_BASES = ("published", "seen")
HEADLINE_MAX = 45
NO_EVIDENCE_SEARCH_PREFIX = "Searched"
COST_ATTRIBUTES_UNIT = "currency"
PERCENT_UNIT = "%"
EVIDENCE_STATUS_ATTRIBUTE = "evidence_status"  # the attribute whose cells carry a category
QUANTIFIED_BANDS = ids(_BANDS)[:5]  # the bands that name a percentage range
PRICE_COLUMNS = ("currency", "price_year", "price_year_basis", "region")  # a reported price needs all four
# The measures a number may have, by the attribute it belongs to (one vocabulary for every treatment).
ONSET_MEASURES = ("first_improvement", "response", "remission", "half_improved")
EFFICACY_MEASURES = ("response", "remission", "symptom_change")
SETTING_MEASURES = ("duration", "count", "frequency")
GROUP_MEASURES = {"onset": ONSET_MEASURES, "side_effects": ("incidence",), "evidence": EFFICACY_MEASURES,
                  "setting": SETTING_MEASURES}
PRICE_MEASURES = ("price",)
# A payer (insurer or Medicare coverage policy, fee schedule, billing guide) speaks for what is paid, not for
# what works or what is approved: attributes.csv says where it may back a cell (payer_can_back).
PAYER_TYPES = ("payer",)
LIST_SEPARATOR = ";"  # cell_ids and source_ids of a claim: ids separated by semicolons


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
SHOWN_STATUSES = ("reported", "not_applicable")  # cells with a headline on the overview (and a plain one in family mode)


def numbers_in(text) -> list[float]:
    """The numbers written in ``text`` (thousands separators removed, signs ignored)."""
    if blank(text):
        return []
    return [float(n) for n in _NUMBER.findall(_THOUSANDS.sub("", str(text)))]


def new_numbers(text, original) -> list[str]:
    """The numbers of a plain-language ``text`` that its ``original`` does not write (as written, each once)."""
    have = numbers_in(original)
    out: list[str] = []
    for value in numbers_in(text):
        shown = f"{value:g}"
        if not any(abs(value - h) <= 1e-9 * max(1.0, abs(h)) for h in have) and shown not in out:
            out.append(shown)
    return out


def id_list(value) -> list[str]:
    """The ids in a semicolon-separated list field ('', None and NaN give [])."""
    if blank(value):
        return []
    return [part.strip() for part in str(value).split(LIST_SEPARATOR) if part.strip()]


def band_for_percent(percent: float) -> str:
    """CIOMS frequency band for a per-patient frequency given in percent."""
    if percent >= 10:
        return "very_common"
    if percent >= 1:
        return "common"
    if percent >= 0.1:
        return "uncommon"
    if percent >= 0.01:
        return "rare"
    return "very_rare"

# --- Row rules: checks that need one row only -------------------------------------------------------
# Each RowRule becomes a pandera dataframe check named ``rule.name`` on its model; validate.py turns a
# failure into ``file:row:column: message`` with the rule's column and message. Cells are checked with
# their attribute's fields joined on as ``_attribute_<field>`` columns (see ``ATTRIBUTE_FIELDS``).
ATTRIBUTE_PREFIX = "_attribute_"
ATTRIBUTE_FIELDS = ("group", "unit", "per_condition", "numeric", "payer_can_back")


def number(value) -> float | None:
    """A field's number, or None when it is empty or not a number."""
    try:
        result = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(result) else result


def blank(value) -> bool:
    """True for an empty field (None, or NaN after pandera coerced the column to numbers)."""
    return value is None or (isinstance(value, float) and pd.isna(value))


def text(value) -> str:
    """A field as text: '' for an empty field (None, NaN or only spaces), else the text, stripped."""
    return "" if blank(value) else str(value).strip()


@dataclass(frozen=True)
class RowRule:
    name: str  # the pandera check name
    column: str  # the column a failure points at
    fails: Callable[[dict], bool]  # row -> True when the row breaks the rule
    message: Callable[[dict], str]  # row -> what is wrong, in words


_last = threading.local()  # the last frame checked and its rows: every row rule of a validation reads the same frame


def _rows(frame: pd.DataFrame) -> list[dict]:
    entry = getattr(_last, "entry", None)
    if entry is None or entry[0] is not frame:
        entry = _last.entry = (frame, frame.to_dict("records"))
    return entry[1]


def passes(frame: pd.DataFrame, rule: RowRule) -> pd.Series:
    """One row rule over a frame: True where the row keeps the rule."""
    return pd.Series([not rule.fails(row) for row in _rows(frame)], index=frame.index, dtype=bool)


# The decorator runs while schema.py is imported, before any test, so mutmut cannot tell which tests reach it and
# would report its mutants as survived (docs/mutation.md). It only wires rules to models; the checking itself is
# `passes` above, mutated and mapped as usual, and test_every_row_rule_has_a_case guards the wiring.
def row_rules(*rules: RowRule):  # pragma: no mutate
    """Class decorator: attach each rule to the model as a pandera dataframe check named ``rule.name``."""
    def attach(model: type[pa.DataFrameModel]) -> type[pa.DataFrameModel]:  # pragma: no mutate
        for rule in rules:  # pragma: no mutate
            def check(cls, frame: pd.DataFrame, rule: RowRule = rule) -> pd.Series:  # pragma: no mutate
                return passes(frame, rule)  # pragma: no mutate
            setattr(model, f"_rule_{rule.name}", pa.dataframe_check(name=rule.name)(check))  # pragma: no mutate
        model.__row_rules__ = {rule.name: rule for rule in rules}  # pragma: no mutate
        return model  # pragma: no mutate
    return attach  # pragma: no mutate


@extensions.register_check_method(check_type="element_wise")
def real_date(value) -> bool:
    """A YYYY-MM-DD text names a real day (other forms are left to ``str_matches``)."""
    if not isinstance(value, str) or not re.match(DATE_PATTERN, value):
        return True
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


@extensions.register_check_method(check_type="element_wise")
def not_future(value) -> bool:
    """A real date is not after today."""
    if not isinstance(value, str) or not re.match(DATE_PATTERN, value) or not real_date(value):
        return True
    return dt.date.fromisoformat(value) <= dt.date.today()


def _attr(row: dict, field: str):
    return row.get(ATTRIBUTE_PREFIX + field)


def _known(row: dict) -> bool:
    """The cell's attribute is in attributes.csv (its fields were joined on)."""
    return bool(row.get(ATTRIBUTE_PREFIX + "known", False))


def _has_number(row: dict) -> bool:
    return number(row.get("value_min")) is not None or number(row.get("value_max")) is not None


def _reported_number(row: dict) -> bool:
    return row.get("status") == "reported" and _has_number(row)


def _side_effect(row: dict) -> bool:
    return _known(row) and _attr(row, "group") == "side_effects"


def _min_above_max(row: dict) -> bool:
    low, high = number(row.get("value_min")), number(row.get("value_max"))
    return low is not None and high is not None and low > high


def _not_percent(row: dict, column: str) -> bool:
    value = number(row.get(column))
    return _known(row) and _attr(row, "unit") == PERCENT_UNIT and value is not None and not 0 <= value <= 100


def _band_mismatch(row: dict) -> bool:
    band, high = row.get("band"), number(row.get("value_max"))
    return (_side_effect(row) and not blank(band) and high is not None and _attr(row, "unit") == PERCENT_UNIT
            and band in QUANTIFIED_BANDS and band != band_for_percent(high))


def allowed_measures(row: dict) -> tuple[str, ...] | None:
    """The measures that fit the cell's attribute (None: any)."""
    if _attr(row, "unit") == COST_ATTRIBUTES_UNIT:
        return PRICE_MEASURES
    return GROUP_MEASURES.get(_attr(row, "group"))


def _measure_misfit(row: dict) -> bool:
    allowed = allowed_measures(row) if _known(row) else None
    return (_reported_number(row) and not blank(row.get("measure")) and bool(allowed)
            and row["measure"] not in allowed)


def _min_max_message(row: dict) -> str:
    return f"value_max {number(row['value_max']):g} is smaller than value_min {number(row['value_min']):g}"


MIN_LE_MAX = RowRule("value_min_le_value_max", "value_max", _min_above_max, _min_max_message)
_PRICE_MESSAGE = "a price must be dated and located: currency, price_year, price_year_basis and region are required"
_NUMBERED_MESSAGE = "a reported number must say what it measures and how it was obtained: {} is required"

CELL_RULES = (
    MIN_LE_MAX,
    RowRule("no_numbers_on_a_gap", "value_min",
            lambda r: r.get("status") in ("no_evidence", "not_applicable") and _has_number(r),
            lambda r: f"a {r['status']} cell must not carry numbers"),
    RowRule("condition_required", "condition_id",
            lambda r: _known(r) and _attr(r, "per_condition") == "true" and blank(r.get("condition_id")),
            lambda r: f"attribute '{r['attribute_id']}' differs by condition, so condition_id is required"),
    RowRule("condition_not_used", "condition_id",
            lambda r: _known(r) and _attr(r, "per_condition") != "true" and not blank(r.get("condition_id")),
            lambda r: f"attribute '{r['attribute_id']}' does not depend on condition; leave condition_id empty"),
    RowRule("numbers_need_numeric_attribute", "value_min",
            lambda r: _known(r) and _attr(r, "numeric") != "true" and _has_number(r),
            lambda r: f"attribute '{r['attribute_id']}' is not numeric; leave value_min/value_max empty"),
    *(RowRule(f"percentage_{column}", column, lambda r, column=column: _not_percent(r, column),
              lambda r, column=column: f"{number(r[column]):g} is not a percentage between 0 and 100")
      for column in ("value_min", "value_max")),
    *(RowRule(f"price_needs_{column}", column,
              lambda r, column=column: (_known(r) and r.get("status") == "reported"
                                        and _attr(r, "unit") == COST_ATTRIBUTES_UNIT and blank(r.get(column))),
              lambda r: _PRICE_MESSAGE)
      for column in PRICE_COLUMNS),
    RowRule("band_required", "band",
            lambda r: _side_effect(r) and r.get("status") == "reported" and blank(r.get("band")),
            lambda r: "a reported side-effect cell needs a frequency band"),
    RowRule("band_only_on_side_effects", "band",
            lambda r: _known(r) and not blank(r.get("band")) and _attr(r, "group") != "side_effects",
            lambda r: "band is only used on side-effect cells"),
    RowRule("band_matches_value_max", "band", _band_mismatch,
            lambda r: (f"band '{r['band']}' does not match value_max {number(r['value_max']):g}% "
                       f"(expected '{band_for_percent(number(r['value_max']))}')")),
    RowRule("category_required", "category",
            lambda r: (_known(r) and r.get("attribute_id") == EVIDENCE_STATUS_ATTRIBUTE
                       and r.get("status") == "reported" and blank(r.get("category"))),
            lambda r: "a reported evidence-status cell needs a category"),
    RowRule("category_only_on_evidence_status", "category",
            lambda r: _known(r) and not blank(r.get("category")) and r.get("attribute_id") != EVIDENCE_STATUS_ATTRIBUTE,
            lambda r: "category is only used on evidence_status cells"),
    RowRule("headline_required", "headline",
            lambda r: r.get("status") in ("reported", "not_applicable") and blank(r.get("headline")),
            lambda r: f"a {r['status']} cell needs a headline (at most {HEADLINE_MAX} characters) for the overview"),
    RowRule("plain_headline_required", "headline_plain",
            lambda r: r.get("status") in SHOWN_STATUSES and blank(r.get("headline_plain")),
            lambda r: f"a {r['status']} cell needs headline_plain, the headline in plain words for family mode"),
    RowRule("plain_headline_keeps_numbers", "headline_plain",
            lambda r: r.get("status") in SHOWN_STATUSES and bool(new_numbers(r.get("headline_plain"), r.get("headline"))),
            lambda r: ("headline_plain has number(s) the headline does not: "
                       + ", ".join(new_numbers(r.get("headline_plain"), r.get("headline")))
                       + " (a plain headline keeps the headline's numbers and adds none)")),
    RowRule("gap_names_its_search", "detail",
            lambda r: (r.get("status") == "no_evidence"
                       and not ("" if blank(r.get("detail")) else str(r["detail"])).startswith(NO_EVIDENCE_SEARCH_PREFIX)),
            lambda r: f"a no_evidence cell's detail must say what was searched, starting with '{NO_EVIDENCE_SEARCH_PREFIX} …'"),
    *(RowRule(f"number_needs_{column}", column,
              lambda r, column=column: _reported_number(r) and blank(r.get(column)),
              lambda r, column=column: _NUMBERED_MESSAGE.format(column))
      for column in ("measure", "design")),
    RowRule("single_study_needs_n", "n",
            lambda r: _reported_number(r) and r.get("design") in SINGLE_STUDY_DESIGNS and number(r.get("n")) is None,
            lambda r: f"a result from a single study ({r['design']}) needs its size n"),
    RowRule("measure_needs_note", "measure_note",
            lambda r: _reported_number(r) and r.get("measure") in MEASURES_NEEDING_NOTE and blank(r.get("measure_note")),
            lambda r: f"a {r['measure']} figure needs measure_note naming the scale and who rated it"),
    RowRule("measure_fits_attribute", "measure", _measure_misfit,
            lambda r: (f"measure '{r['measure']}' does not fit attribute '{r['attribute_id']}' "
                       f"(use one of {', '.join(allowed_measures(r))})")),
)
SOURCE_RULES = (
    RowRule("source_needs_a_link", "url",
            lambda r: (blank(r.get("url")) and blank(r.get("doi")) and blank(r.get("pmid"))
                       and r.get("source_type") != "web_article"),
            lambda r: "a source needs at least one of url, doi or pmid"),
)


ATTRIBUTE_RULES = (
    RowRule("headline_types_known", "headline_types",
            lambda r: any(kind not in _SOURCE_TYPES for kind in id_list(r.get("headline_types"))),
            lambda r: ("unknown source type(s) "
                       + ", ".join(f"'{k}'" for k in id_list(r["headline_types"]) if k not in _SOURCE_TYPES)
                       + f" (separate several with '{LIST_SEPARATOR}')")),
)


CLAIM_SOURCE_TYPE = "web_article"  # the article a claim comes from

# --- Specific side effects against their comparator (effects.csv) ---------------------------------------
# rate: % of patients with the effect in the treatment arm; comparator_rate: the same in the comparator arm;
# comparator_type: placebo, active_placebo, sham, active, control, or none (an uncontrolled rate).
EFFECT_NUMBER_COLUMNS = ("rate", "comparator_rate", "n_arm", "n_comparator")  # each must be in figures/derivation
_CONTROLLED_TEXT = ", ".join(_CONTROLLED)


def _uncontrolled(row: dict) -> bool:
    return row.get("comparator_type") == "none"


EFFECT_RULES = (
    MIN_LE_MAX,
    RowRule("comparator_rate_needs_rate", "rate",
            lambda r: number(r.get("comparator_rate")) is not None and number(r.get("rate")) is None,
            lambda r: "a comparator rate needs the treatment arm's rate (rate) beside it"),
    RowRule("rate_needs_comparator_type", "comparator_type",
            lambda r: number(r.get("rate")) is not None and blank(r.get("comparator_type")),
            lambda r: "a rate must say what it is compared with: comparator_type ('none' for an uncontrolled rate)"),
    RowRule("comparator_rate_needs_a_controlled_type", "comparator_type",
            lambda r: number(r.get("comparator_rate")) is not None and _uncontrolled(r),
            lambda r: f"a comparator rate needs a controlled comparator_type ({_CONTROLLED_TEXT}), not 'none'"),
    RowRule("comparison_names_its_comparator", "comparator_name",
            lambda r: r.get("comparator_type") in _CONTROLLED and blank(r.get("comparator_name")),
            lambda r: "a controlled comparison names its comparator arm in comparator_name (e.g. 'placebo spray + oral antidepressant')"),
    RowRule("uncontrolled_has_no_comparator_arm", "comparator_name",
            lambda r: _uncontrolled(r) and (not blank(r.get("comparator_name")) or number(r.get("n_comparator")) is not None),
            lambda r: "an uncontrolled rate (comparator_type 'none') has no comparator arm: leave comparator_name and n_comparator empty"),
    RowRule("rate_needs_figures", "figures",
            lambda r: number(r.get("rate")) is not None and blank(r.get("figures")),
            lambda r: "a rate needs figures: what the source itself prints (numbers as printed, arm sizes)"),
)




def _numbers(row: dict, *columns: str) -> list[float | None]:
    return [number(row.get(column)) for column in columns]


def _effect_outside(row: dict, side: str) -> bool:
    effect, low, high = _numbers(row, "effect", "ci_low", "ci_high")
    if effect is None:
        return False
    return (low is not None and effect < low) if side == "below" else (high is not None and effect > high)


_EFFECT_MEASURE_MESSAGE = ("an effect or interval needs effect_measure naming the measure and its direction as the "
                           "source reports it (e.g. 'risk difference, ECT minus ketamine')")
CLAIM_RULES = (
    *(RowRule(f"{column}_required", column, lambda r, column=column: blank(r.get(column)),
              lambda r, column=column, what=what: f"every claim needs {column}, {what} for family mode")
      for column, what in (("claim_plain", "the claim in plain words"),
                           ("meaning_plain", "'What this means for you' in plain words"))),
    RowRule("claim_lists_a_cell", "cell_ids",
            lambda r: not blank(r.get("cell_ids")) and not id_list(r["cell_ids"]),
            lambda r: f"list at least one cell id (separate several with '{LIST_SEPARATOR}')"),
    RowRule("claim_rests_on_evidence", "source_ids",
            lambda r: not id_list(r.get("cell_ids")) and not id_list(r.get("source_ids")),
            lambda r: "a verdict rests on evidence: list its deciding sources, its cells, or both"),
)
COMPARISON_RULES = (
    RowRule("treatments_differ", "treatment_b",
            lambda r: not blank(r.get("treatment_a")) and r.get("treatment_a") == r.get("treatment_b"),
            lambda r: "treatment_b must differ from treatment_a"),
    RowRule("ci_low_le_ci_high", "ci_high",
            lambda r: None not in _numbers(r, "ci_low", "ci_high") and number(r["ci_low"]) > number(r["ci_high"]),
            lambda r: f"ci_high {number(r['ci_high']):g} is smaller than ci_low {number(r['ci_low']):g}"),
    RowRule("effect_not_below_ci_low", "effect", lambda r: _effect_outside(r, "below"),
            lambda r: f"effect {number(r['effect']):g} is below ci_low {number(r['ci_low']):g}"),
    RowRule("effect_not_above_ci_high", "effect", lambda r: _effect_outside(r, "above"),
            lambda r: f"effect {number(r['effect']):g} is above ci_high {number(r['ci_high']):g}"),
    *(RowRule(f"interval_needs_{column}", column,
              lambda r, column=column, other=other: number(r.get(column)) is None and number(r.get(other)) is not None,
              lambda r: "give both ends of the interval, or neither")
      for column, other in (("ci_low", "ci_high"), ("ci_high", "ci_low"))),
    RowRule("effect_needs_its_measure", "effect_measure",
            lambda r: any(v is not None for v in _numbers(r, "effect", "ci_low", "ci_high")) and blank(r.get("effect_measure")),
            lambda r: _EFFECT_MEASURE_MESSAGE),
    # Direction (issue 20): which treatment effect_measure names first, and which one a higher value favours, so the
    # head-to-head chart can put one treatment on the same side of every panel (see headtohead.orient).
    RowRule("effect_needs_effect_first", "effect_first",
            lambda r: _has_effect(r) and blank(r.get("effect_first")),
            lambda r: "an effect or interval needs effect_first: the treatment_id that effect_measure names first"),
    RowRule("effect_first_in_pair", "effect_first",
            lambda r: not blank(r.get("effect_first")) and r["effect_first"] not in (r.get("treatment_a"), r.get("treatment_b")),
            lambda r: f"effect_first '{r['effect_first']}' is neither treatment_a nor treatment_b"),
    RowRule("tested_in_pair", "tested",
            lambda r: not blank(r.get("tested")) and r["tested"] not in (r.get("treatment_a"), r.get("treatment_b")),
            lambda r: f"tested '{r['tested']}' is neither treatment_a nor treatment_b"),
    RowRule("tested_only_for_trials", "tested",
            lambda r: not blank(r.get("tested")) and r.get("design") != "rct",
            lambda r: "tested names the arm under test in a randomised trial; leave it empty for a meta-analysis"),
    RowRule("direction_needs_an_effect", "effect_first",
            lambda r: not _has_effect(r) and not (blank(r.get("effect_first")) and blank(r.get("higher_favours"))),
            lambda r: "effect_first and higher_favours describe a reported effect: leave them empty when there is no effect or interval"),
    RowRule("higher_favours_agrees_with_favours", "higher_favours", lambda r: _direction_contradicts(r) is not None,
            lambda r: _direction_contradicts(r)),
    # also_conditions: a pooled analysis shown under further conditions whose patients its trials include.
    RowRule("also_conditions_only_pooled", "also_conditions",
            lambda r: bool(id_list(r.get("also_conditions"))) and r.get("design") != "meta_analysis",
            lambda r: "also_conditions is for pooled analyses (design meta_analysis); a trial belongs under its own condition"),
    RowRule("also_conditions_not_its_own", "also_conditions",
            lambda r: r.get("condition_id") in id_list(r.get("also_conditions")),
            lambda r: f"also_conditions repeats the row's own condition '{r['condition_id']}'"),
    RowRule("also_conditions_need_population", "population",
            lambda r: bool(id_list(r.get("also_conditions"))) and blank(r.get("population")),
            lambda r: "a row shown under further conditions needs population: who its pooled trials enrolled (e.g. 'MDD incl. TRD trials')"),
)


def _has_effect(row: dict) -> bool:
    return any(v is not None for v in _numbers(row, "effect", "ci_low", "ci_high"))


def higher_favoured(row: dict) -> str | None:
    """The treatment_id a higher value of the row's effect favours (from effect_first and higher_favours), or None."""
    first, higher = row.get("effect_first"), row.get("higher_favours")
    if blank(first) or higher not in ("first", "second"):
        return None
    pair = [t for t in (row.get("treatment_a"), row.get("treatment_b")) if not blank(t)]
    if first not in pair or len(pair) != 2:
        return None
    return first if higher == "first" else next(t for t in pair if t != first)


def null_effect(effect_measure) -> float:
    """No difference: 1 for a ratio (risk, odds or hazard ratio), 0 for a difference."""
    return 1.0 if "ratio" in text(effect_measure).lower() else 0.0


def _direction_contradicts(row: dict) -> str | None:
    """A message when higher_favours contradicts favours: the whole reported estimate lies on one side of no
    difference and favours names the treatment on the other side. None when they agree or cannot be compared."""
    side = row.get("favours")
    favoured = higher_favoured(row)
    if favoured is None or side not in ("treatment_a", "treatment_b"):
        return None
    values = [v for v in _numbers(row, "effect", "ci_low", "ci_high") if v is not None]
    null = null_effect(row.get("effect_measure"))
    if not values or not (all(v > null for v in values) or all(v < null for v in values)):
        return None
    above = values[0] > null
    winner = favoured if above else next(t for t in (row["treatment_a"], row["treatment_b"]) if t != favoured)
    if winner == row[side]:
        return None
    where = "above" if above else "below"
    return (f"higher_favours '{row['higher_favours']}' makes this estimate ({where} {null:g}) favour {winner}, "
            f"but favours says {row[side]}")


# --- course_costs.csv: the cost of an acute course, built from its components ---------------------------
def _costed(row: dict) -> bool:
    """A row that carries an amount: a priced component, or a course cost an HTA or model reports."""
    return row.get("kind") == "reference" or row.get("status") == "priced"


def _unpriced(row: dict) -> bool:
    return row.get("kind") == "component" and row.get("status") in ("not_priced", "not_covered")


def _basis_currency(row: dict) -> str | None:
    basis = _COST_BASES.get(row.get("basis"))
    return basis.currency if basis else None


COST_SOURCE_COLUMNS = ("source_id", "locator", "figures", "currency", "price_year")
_COST_SOURCE_MESSAGE = ("an amount must be sourced and dated: source_id, locator, figures (the source's own numbers), "
                        "currency and price_year are required")
COURSE_COST_RULES = (
    RowRule("cost_needs_unit_cost", "unit_cost",
            lambda r: _costed(r) and number(r.get("unit_cost")) is None,
            lambda r: "a priced component or a reported course cost needs unit_cost"),
    RowRule("unpriced_carries_no_cost", "unit_cost",
            lambda r: _unpriced(r) and (number(r.get("unit_cost")) is not None or number(r.get("unit_cost_high")) is not None),
            lambda r: (f"a {r['status']} component carries no amount (the chart shows it as not priced, never as 0); "
                       "leave unit_cost and unit_cost_high empty")),
    RowRule("unpriced_names_its_search", "note",
            lambda r: (r.get("kind") == "component" and r.get("status") == "not_priced"
                       and not text(r.get("note")).startswith(NO_EVIDENCE_SEARCH_PREFIX)),
            lambda r: f"a not_priced component's note must say what was searched, starting with '{NO_EVIDENCE_SEARCH_PREFIX} …'"),
    RowRule("not_covered_says_why", "note",
            lambda r: r.get("kind") == "component" and r.get("status") == "not_covered" and not text(r.get("note")),
            lambda r: "a not_covered component's note must say why the basis does not pay for it, and where it is priced"),
    *(RowRule(f"cost_needs_{column}", column,
              lambda r, column=column: _costed(r) and blank(r.get(column)),
              lambda r: _COST_SOURCE_MESSAGE)
      for column in COST_SOURCE_COLUMNS),
    RowRule("component_needs_units", "units_low",
            lambda r: (r.get("kind") == "component" and r.get("status") == "priced"
                       and (number(r.get("units_low")) is None or number(r.get("units_high")) is None)),
            lambda r: "a priced component needs units_low and units_high: how many units a typical acute course uses, low and high"),
    RowRule("component_needs_unit_label", "unit_label",
            lambda r: r.get("kind") == "component" and blank(r.get("unit_label")),
            lambda r: "a component needs unit_label: what one unit is (session, dose, infusion, assessment)"),
    RowRule("units_low_le_units_high", "units_high",
            lambda r: None not in _numbers(r, "units_low", "units_high") and number(r["units_low"]) > number(r["units_high"]),
            lambda r: f"units_high {number(r['units_high']):g} is smaller than units_low {number(r['units_low']):g}"),
    RowRule("unit_cost_le_unit_cost_high", "unit_cost_high",
            lambda r: (None not in _numbers(r, "unit_cost", "unit_cost_high")
                       and number(r["unit_cost"]) > number(r["unit_cost_high"])),
            lambda r: f"unit_cost_high {number(r['unit_cost_high']):g} is smaller than unit_cost {number(r['unit_cost']):g}"),
    RowRule("currency_fits_basis", "currency",
            lambda r: (not blank(r.get("currency")) and _basis_currency(r) is not None
                       and r["currency"] != _basis_currency(r)),
            lambda r: f"basis '{r['basis']}' is in {_basis_currency(r)}; this row says {r['currency']} (one currency per panel)"),
    RowRule("reference_is_priced", "status",
            lambda r: r.get("kind") == "reference" and r.get("status") != "priced",
            lambda r: "a reported course cost is a figure the source gives: its status is 'priced'"),
)


# --- onset_points.csv: one reported time to one onset measure (issue 20 part 3) ------------------------------
ONSET_POINT_NUMBER_COLUMNS = ("days_min", "days_max")  # with every number of result: in figures or derivation
POINT_ID_PATTERN = r"^[a-z0-9][a-z0-9_]*\.[a-z0-9][a-z0-9_]*\.[a-z0-9][a-z0-9_]*(\.[a-z0-9][a-z0-9_]*)?$"


def _point_id_prefix(row: dict) -> str:
    return ".".join(text(row.get(column)) for column in ("treatment_id", "condition_id", "measure"))


def _point_id_misfit(row: dict) -> bool:
    point_id, prefix = text(row.get("point_id")), _point_id_prefix(row)
    return bool(point_id) and point_id != prefix and not point_id.startswith(prefix + ".")


ONSET_POINT_RULES = (
    RowRule("days_min_le_days_max", "days_max",
            lambda r: None not in _numbers(r, "days_min", "days_max") and number(r["days_min"]) > number(r["days_max"]),
            lambda r: f"days_max {number(r['days_max']):g} is smaller than days_min {number(r['days_min']):g}"),
    RowRule("point_id_names_its_row", "point_id", _point_id_misfit,
            lambda r: (f"point_id '{r['point_id']}' must be '{_point_id_prefix(r)}' or '{_point_id_prefix(r)}.<suffix>' "
                       "(treatment, condition and measure of the row)")),
    RowRule("onset_single_study_needs_n", "n",
            lambda r: r.get("design") in SINGLE_STUDY_DESIGNS and number(r.get("n")) is None,
            lambda r: f"a time from a single study ({r['design']}) needs its size n"),
)

# --- Foreign keys: every id a file names exists in the file it points at ----------------------------
@dataclass(frozen=True)
class ForeignKey:
    file: str
    column: str
    target_file: str
    target_column: str
    noun: str  # what the id names, for the message
    is_list: bool = False  # the field holds several ids separated by LIST_SEPARATOR
    target_group: str | None = None  # only target rows (cells) whose attribute is in this group count
    message: str = "unknown {noun} '{value}' (not in {target_file})"


FOREIGN_KEYS = (
    ForeignKey("cells.csv", "treatment_id", "treatments.csv", "treatment_id", "treatment"),
    ForeignKey("cells.csv", "condition_id", "conditions.csv", "condition_id", "condition"),
    ForeignKey("cells.csv", "attribute_id", "attributes.csv", "attribute_id", "attribute"),
    ForeignKey("citations.csv", "cell_id", "cells.csv", "cell_id", "cell"),
    ForeignKey("citations.csv", "source_id", "sources.csv", "source_id", "source"),
    ForeignKey("effects.csv", "cell_id", "cells.csv", "cell_id", "side-effect cell", target_group="side_effects",
               message="'{value}' is not a side-effect cell in {target_file}"),
    ForeignKey("effects.csv", "source_id", "sources.csv", "source_id", "source"),
    ForeignKey("claims.csv", "source_id", "sources.csv", "source_id", "source"),
    ForeignKey("claims.csv", "condition_id", "conditions.csv", "condition_id", "condition"),
    ForeignKey("claims.csv", "concerns", "treatments.csv", "treatment_id", "treatment", is_list=True),
    ForeignKey("claims.csv", "cell_ids", "cells.csv", "cell_id", "cell", is_list=True),
    ForeignKey("claims.csv", "source_ids", "sources.csv", "source_id", "source", is_list=True),
    ForeignKey("comparisons.csv", "treatment_a", "treatments.csv", "treatment_id", "treatment"),
    ForeignKey("comparisons.csv", "treatment_b", "treatments.csv", "treatment_id", "treatment"),
    ForeignKey("comparisons.csv", "condition_id", "conditions.csv", "condition_id", "condition"),
    ForeignKey("comparisons.csv", "source_id", "sources.csv", "source_id", "source"),
    ForeignKey("comparisons.csv", "also_conditions", "conditions.csv", "condition_id", "condition", is_list=True),
    ForeignKey("course_costs.csv", "treatment_id", "treatments.csv", "treatment_id", "treatment"),
    ForeignKey("course_costs.csv", "source_id", "sources.csv", "source_id", "source"),
    ForeignKey("onset_points.csv", "treatment_id", "treatments.csv", "treatment_id", "treatment"),
    ForeignKey("onset_points.csv", "condition_id", "conditions.csv", "condition_id", "condition"),
    ForeignKey("onset_points.csv", "source_id", "sources.csv", "source_id", "source"),
)
