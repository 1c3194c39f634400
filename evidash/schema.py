"""The declared schema of the evidence data: one source of truth for files, columns, types and enums.

Per-table rules are pandera ``DataFrameModel``s: types, required values, enums, patterns, and the
row rules (``RowRule``: a check that needs one row only, e.g. value_min <= value_max) attached to
each model as a named dataframe check. Foreign keys are the ``FOREIGN_KEYS`` table. The few rules
that need other rows or files (one cell per key, citations for reported cells, ...) live in
``validate.py``. Columns not listed here are allowed and kept: maintainers may add columns freely.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import dataclass
from typing import Callable, Optional

import pandas as pd
import pandera.pandas as pa
from pandera import extensions
from pandera.typing import Series

ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
CELL_ID_PATTERN = r"^[a-z0-9][a-z0-9_.]*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
PMID_PATTERN = r"^\d{1,9}$"
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
# Markup or script in a text field: data is shown as plain text, so none of this belongs there.
MARKUP_PATTERN = r"<\s*/?\s*[a-zA-Z!?]|\bjavascript\s*:|\bvbscript\s*:|\bdata\s*:\s*[a-z]+/|on[a-z]+\s*=\s*['\"]"

GROUPS = ("onset", "setting", "cost_access", "side_effects", "evidence")
GROUP_LABELS = {
    "onset": "Onset and durability",
    "setting": "Administration setting",
    "cost_access": "Cost and access",
    "side_effects": "Side effects",
    "evidence": "Evidence status",
}
STATUSES = ("reported", "no_evidence", "not_applicable")
BOOLEAN_TEXT = ("true", "false")
SOURCE_TYPES = (
    "label", "regulatory", "guideline", "hta", "meta_analysis", "rct",
    "observational", "economic_evaluation", "review", "payer", "statistics",
    "think_tank", "news", "manufacturer", "clinic", "web_article",
)
# Source types that count as authoritative backing in the summary line.
STRONG_SOURCE_TYPES = ("label", "regulatory", "guideline", "hta", "meta_analysis", "rct")
# A payer (insurer or Medicare coverage policy, fee schedule, billing guide) speaks for what is paid,
# not for what works or what is approved: it never counts as backing for these attributes' cells.
PAYER_TYPES = ("payer",)
CLAIMS_PAYERS_CANNOT_BACK = ("onset", "durability", "evidence_status", "key_efficacy",
                             "regulatory_us", "regulatory_england", "regulatory_scotland")
BANDS = ("very_common", "common", "uncommon", "rare", "very_rare", "not_quantified", "none_reported")
CATEGORIES = (
    "approved", "guideline_recommended", "investigational", "not_approved", "insufficient_evidence", "not_recommended",
)
# What a cell's number measures (one vocabulary for every treatment, so a chart can say it).
MEASURES = (
    "first_improvement", "response", "remission", "half_improved", "symptom_change",
    "incidence", "price", "duration", "count", "frequency",
)
MEASURES_NEEDING_NOTE = ("response", "remission", "symptom_change")  # the note names the scale and the rater
# How the number was obtained.
DESIGNS = (
    "meta_analysis", "rct", "open_label", "observational", "case_series", "label", "guideline", "hta",
    "fee_schedule", "cost_study", "payer_policy", "price_list", "drug_list_price", "survey", "review",
)
SINGLE_STUDY_DESIGNS = ("rct", "open_label", "observational", "case_series")  # these need n
UNCONTROLLED_DESIGNS = ("open_label", "observational", "case_series")
SMALL_N = 50
PRICE_YEAR_BASES = ("published", "seen")
HEADLINE_MAX = 45
NO_EVIDENCE_SEARCH_PREFIX = "Searched"
COST_ATTRIBUTES_UNIT = "currency"
PERCENT_UNIT = "%"
EVIDENCE_STATUS_ATTRIBUTE = "evidence_status"  # the attribute whose cells carry a category
QUANTIFIED_BANDS = BANDS[:5]  # the bands that name a percentage range
PRICE_COLUMNS = ("currency", "price_year", "price_year_basis", "region")  # a reported price needs all four
# The measures a number may have, by the attribute it belongs to (one vocabulary for every treatment).
ONSET_MEASURES = ("first_improvement", "response", "remission", "half_improved")
EFFICACY_MEASURES = ("response", "remission", "symptom_change")
SETTING_MEASURES = ("duration", "count", "frequency")
GROUP_MEASURES = {"onset": ONSET_MEASURES, "side_effects": ("incidence",), "evidence": EFFICACY_MEASURES,
                  "setting": SETTING_MEASURES}
PRICE_MEASURES = ("price",)


def _optional(**kwargs) -> pa.Field:
    return pa.Field(nullable=True, **kwargs)


# --- Row rules: checks that need one row only -------------------------------------------------------
# Each RowRule becomes a pandera dataframe check named ``rule.name`` on its model; validate.py turns a
# failure into ``file:row:column: message`` with the rule's column and message. Cells are checked with
# their attribute's fields joined on as ``_attribute_<field>`` columns (see ``ATTRIBUTE_FIELDS``).
ATTRIBUTE_PREFIX = "_attribute_"
ATTRIBUTE_FIELDS = ("group", "unit", "per_condition", "numeric")


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


def row_rules(*rules: RowRule):
    """Class decorator: attach each rule to the model as a pandera dataframe check named ``rule.name``."""
    def attach(model: type[pa.DataFrameModel]) -> type[pa.DataFrameModel]:
        for rule in rules:
            def check(cls, frame: pd.DataFrame, rule: RowRule = rule) -> pd.Series:
                return pd.Series([not rule.fails(row) for row in _rows(frame)], index=frame.index, dtype=bool)
            setattr(model, f"_rule_{rule.name}", pa.dataframe_check(name=rule.name)(check))
        model.__row_rules__ = {rule.name: rule for rule in rules}
        return model
    return attach


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


def _not_percent(column: str) -> Callable[[dict], bool]:
    def fails(row: dict) -> bool:
        value = number(row.get(column))
        return _known(row) and _attr(row, "unit") == PERCENT_UNIT and value is not None and not 0 <= value <= 100
    return fails


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
    *(RowRule(f"percentage_{column}", column, _not_percent(column),
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


class TreatmentSchema(pa.DataFrameModel):
    treatment_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    name: Series[str]
    short_name: Series[str]
    colour: Series[str] = pa.Field(str_matches=COLOUR_PATTERN)
    sort_order: Series[int] = pa.Field(coerce=True)
    treatment_class: Optional[Series[str]] = _optional()
    description: Optional[Series[str]] = _optional()

    class Config:
        strict = False


class ConditionSchema(pa.DataFrameModel):
    condition_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    name: Series[str]
    short_name: Series[str]
    sort_order: Series[int] = pa.Field(coerce=True)
    description: Optional[Series[str]] = _optional()

    class Config:
        strict = False


ATTRIBUTE_RULES = (
    RowRule("headline_types_known", "headline_types",
            lambda r: any(kind not in SOURCE_TYPES for kind in id_list(r.get("headline_types"))),
            lambda r: ("unknown source type(s) "
                       + ", ".join(f"'{k}'" for k in id_list(r["headline_types"]) if k not in SOURCE_TYPES)
                       + f" (separate several with '{LIST_SEPARATOR}')")),
)


@row_rules(*ATTRIBUTE_RULES)
class AttributeSchema(pa.DataFrameModel):
    attribute_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    group: Series[str] = pa.Field(isin=GROUPS)
    name: Series[str]
    unit: Series[str] = _optional()
    description: Series[str]
    per_condition: Series[str] = pa.Field(isin=BOOLEAN_TEXT)
    numeric: Series[str] = pa.Field(isin=BOOLEAN_TEXT)
    sort_order: Series[int] = pa.Field(coerce=True)
    headline_types: Optional[Series[str]] = _optional()  # source types that may carry a reported cell's headline

    class Config:
        strict = False


@row_rules(*CELL_RULES)
class CellSchema(pa.DataFrameModel):
    cell_id: Series[str] = pa.Field(str_matches=CELL_ID_PATTERN, unique=True)
    treatment_id: Series[str]
    condition_id: Series[str] = _optional()
    attribute_id: Series[str]
    headline: Optional[Series[str]] = _optional(str_length={"max_value": HEADLINE_MAX})
    value: Series[str] = pa.Field(str_length={"max_value": 120})
    detail: Series[str] = pa.Field(str_length={"max_value": 600})
    measure: Optional[Series[str]] = _optional(isin=MEASURES)
    measure_note: Optional[Series[str]] = _optional(str_length={"max_value": 120})
    design: Optional[Series[str]] = _optional(isin=DESIGNS)
    n: Optional[Series[float]] = _optional(coerce=True, ge=1)
    value_min: Series[float] = _optional(coerce=True)
    value_max: Series[float] = _optional(coerce=True)
    status: Series[str] = pa.Field(isin=STATUSES)
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN, real_date=(), not_future=())
    currency: Series[str] = _optional(str_matches=CURRENCY_PATTERN)
    price_year: Series[float] = _optional(coerce=True, ge=1950, le=2100)
    price_year_basis: Optional[Series[str]] = _optional(isin=PRICE_YEAR_BASES)
    region: Series[str] = _optional()
    band: Series[str] = _optional(isin=BANDS)
    category: Series[str] = _optional(isin=CATEGORIES)
    headline_source: Series[str] = _optional()  # the citation that carries the headline (provenance.py)
    derivation: Optional[Series[str]] = _optional(str_length={"max_value": 300})  # the arithmetic of a computed number

    class Config:
        strict = False


class CitationSchema(pa.DataFrameModel):
    cell_id: Series[str]
    source_id: Series[str]
    locator: Series[str]
    figures: Series[str] = _optional(str_length={"max_value": 600})  # the source's own numbers at the locator

    class Config:
        strict = False


@row_rules(*SOURCE_RULES)
class SourceSchema(pa.DataFrameModel):
    source_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    title: Series[str]
    authors: Series[str] = _optional()
    publisher: Series[str] = _optional()
    year: Series[float] = _optional(coerce=True, ge=1900, le=2100)
    url: Series[str] = _optional()
    doi: Series[str] = _optional(str_matches=DOI_PATTERN)
    pmid: Series[str] = _optional(str_matches=PMID_PATTERN)
    source_type: Series[str] = pa.Field(isin=SOURCE_TYPES)
    note: Optional[Series[str]] = _optional()
    label: Optional[Series[str]] = _optional(str_length={"max_value": 40})  # a short name (trial acronym) for the app

    class Config:
        strict = False


@row_rules(MIN_LE_MAX)
class EffectSchema(pa.DataFrameModel):
    effect_id: Series[str] = pa.Field(str_matches=CELL_ID_PATTERN, unique=True)
    cell_id: Series[str]
    effect: Series[str]
    frequency: Series[str]
    value_min: Series[float] = _optional(coerce=True, ge=0, le=100)
    value_max: Series[float] = _optional(coerce=True, ge=0, le=100)
    comparator: Series[str] = _optional()
    source_id: Series[str]
    locator: Series[str]

    class Config:
        strict = False


class GlossarySchema(pa.DataFrameModel):
    term: Series[str] = pa.Field(unique=True, str_length={"max_value": 20})
    expansion: Series[str] = pa.Field(str_length={"max_value": 80})
    explanation: Series[str] = pa.Field(str_length={"max_value": 300})

    class Config:
        strict = False


class BlockedHostSchema(pa.DataFrameModel):
    host: Series[str] = pa.Field(unique=True)
    reason: Series[str]

    class Config:
        strict = False


# File name -> (model, key column used in messages). Order = load order.
TABLES: dict[str, type[pa.DataFrameModel]] = {
    "treatments.csv": TreatmentSchema,
    "conditions.csv": ConditionSchema,
    "attributes.csv": AttributeSchema,
    "cells.csv": CellSchema,
    "citations.csv": CitationSchema,
    "sources.csv": SourceSchema,
    "effects.csv": EffectSchema,
    "blocked_hosts.csv": BlockedHostSchema,
    "glossary.csv": GlossarySchema,
}


def required_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """Columns a file must have: every declared column that is not Optional."""
    schema = model.to_schema()
    return [name for name, col in schema.columns.items() if col.required]


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


BAND_LABELS = {
    "very_common": "Very common (≥10%)",
    "common": "Common (1–10%)",
    "uncommon": "Uncommon (0.1–1%)",
    "rare": "Rare (0.01–0.1%)",
    "very_rare": "Very rare (<0.01%)",
    "not_quantified": "Reported, not quantified",
    "none_reported": "None reported",
}
CATEGORY_LABELS = {
    "approved": "Approved or cleared",
    "guideline_recommended": "Guideline-recommended",
    "investigational": "Investigational",
    "not_approved": "Not approved for this use",
    "insufficient_evidence": "Insufficient evidence",
    "not_recommended": "Not recommended",
}
SOURCE_TYPE_LABELS = {
    "label": "Drug label",
    "regulatory": "Regulator",
    "guideline": "Guideline",
    "hta": "HTA",
    "meta_analysis": "Meta-analysis",
    "rct": "RCT",
    "observational": "Observational",
    "economic_evaluation": "Economic evaluation",
    "review": "Review",
    "payer": "Payer policy",
    "statistics": "Official statistics",
    "think_tank": "Think tank / opinion",
    "news": "News",
    "manufacturer": "Manufacturer",
    "clinic": "Clinic / info page",
    "web_article": "Web article",
}
# Strength tier of each source type: 1 strongest. Used for badges and sorting.
SOURCE_TIER = {
    "label": 1, "regulatory": 1, "guideline": 1, "hta": 1,
    "meta_analysis": 2, "rct": 2,
    "observational": 3, "economic_evaluation": 3, "review": 3, "payer": 3, "statistics": 3,
    "news": 4, "manufacturer": 4, "clinic": 4, "web_article": 4, "think_tank": 4,
}
TIER_LABELS = {
    1: "Regulator, label, guideline or HTA",
    2: "Trials or meta-analysis",
    3: "Other studies, payers, statistics",
    4: "Weak (news, clinic, web, opinion)",
}
MEASURE_LABELS = {
    "first_improvement": "first improvement",
    "response": "response",
    "remission": "remission",
    "half_improved": "half of patients improved",
    "symptom_change": "symptom change",
    "incidence": "% of patients",
    "price": "price",
    "duration": "duration",
    "count": "count",
    "frequency": "frequency",
}
DESIGN_LABELS = {
    "meta_analysis": "meta-analysis", "rct": "RCT", "open_label": "open-label", "observational": "observational",
    "case_series": "case series", "label": "drug label", "guideline": "guideline", "hta": "HTA",
    "fee_schedule": "fee schedule", "cost_study": "cost study", "payer_policy": "payer policy",
    "price_list": "clinic price list", "drug_list_price": "drug list price", "survey": "survey", "review": "review",
}

_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def is_ip_host(host: str) -> bool:
    return bool(_IPV4.match(host)) or ":" in host


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    cols = list(model.to_schema().columns)
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


# --- Claims check (claims.csv) and head-to-head comparisons (comparisons.csv), issue 14 ---------------
VERDICTS = ("supported", "partly_supported", "overstated", "not_supported", "contradicted")  # strongest support first
VERDICT_LABELS = {
    "supported": "Supported",
    "partly_supported": "Partly supported",
    "overstated": "Overstated",
    "not_supported": "Not supported by current evidence",
    "contradicted": "Contradicted",
}
VERDICT_SHORT = {"supported": "Supported", "partly_supported": "Partly supported", "overstated": "Overstated",
                 "not_supported": "Not supported", "contradicted": "Contradicted"}
CLAIM_TOPICS = ("efficacy", "onset", "safety", "setting", "cost_access", "evidence")
CLAIM_TOPIC_LABELS = {"efficacy": "Efficacy", "onset": "Onset and durability", "safety": "Safety and side effects",
                      "setting": "Setting and supervision", "cost_access": "Cost and access", "evidence": "Approval and evidence status"}
CLAIM_SOURCE_TYPE = "web_article"  # the article a claim comes from
COMPARISON_DESIGNS = ("rct", "meta_analysis")  # only randomised or meta-analytic direct comparisons
COMPARISON_MEASURES = ("response", "remission", "symptom_change", "other")
FAVOURS = ("treatment_a", "treatment_b", "neither")
LIST_SEPARATOR = ";"  # cell_ids and source_ids of a claim: ids separated by semicolons


def id_list(value) -> list[str]:
    """The ids in a semicolon-separated list field ('' and None give [])."""
    return [part.strip() for part in str(value or "").split(LIST_SEPARATOR) if part.strip()]


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
    RowRule("claim_lists_a_cell", "cell_ids",
            lambda r: not blank(r.get("cell_ids")) and not id_list(r["cell_ids"]),
            lambda r: f"list at least one cell id (separate several with '{LIST_SEPARATOR}')"),
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
)


@row_rules(*CLAIM_RULES)
class ClaimSchema(pa.DataFrameModel):
    claim_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    source_id: Series[str]
    claim: Series[str] = pa.Field(str_length={"max_value": 300})
    condition_id: Series[str] = _optional()
    topic: Series[str] = pa.Field(isin=CLAIM_TOPICS)
    verdict: Series[str] = pa.Field(isin=VERDICTS)
    reason: Series[str] = pa.Field(str_length={"max_value": 400})
    cell_ids: Series[str]
    source_ids: Series[str] = _optional()
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN, real_date=(), not_future=())

    class Config:
        strict = False


@row_rules(*COMPARISON_RULES)
class ComparisonSchema(pa.DataFrameModel):
    comparison_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    treatment_a: Series[str]
    treatment_b: Series[str]
    condition_id: Series[str]
    study: Series[str] = pa.Field(str_length={"max_value": 80})
    source_id: Series[str]
    locator: Series[str]
    design: Series[str] = pa.Field(isin=COMPARISON_DESIGNS)
    n: Series[float] = _optional(coerce=True, ge=1)
    outcome: Series[str] = pa.Field(str_length={"max_value": 200})
    measure: Series[str] = pa.Field(isin=COMPARISON_MEASURES)
    measure_note: Optional[Series[str]] = _optional(str_length={"max_value": 200})
    result_a: Series[str] = pa.Field(str_length={"max_value": 160})
    result_b: Series[str] = pa.Field(str_length={"max_value": 160})
    value_a: Series[float] = _optional(coerce=True, ge=0, le=100)
    value_b: Series[float] = _optional(coerce=True, ge=0, le=100)
    effect_measure: Series[str] = _optional(str_length={"max_value": 160})
    effect: Series[float] = _optional(coerce=True)
    ci_low: Series[float] = _optional(coerce=True)
    ci_high: Series[float] = _optional(coerce=True)
    favours: Series[str] = pa.Field(isin=FAVOURS)
    note: Optional[Series[str]] = _optional(str_length={"max_value": 800})
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN, real_date=(), not_future=())

    class Config:
        strict = False


TABLES["claims.csv"] = ClaimSchema
TABLES["comparisons.csv"] = ComparisonSchema
for _model in TABLES.values():
    _model.__row_rules__ = getattr(_model, "__row_rules__", {})  # rule name -> RowRule ({} for a model without)


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
    ForeignKey("claims.csv", "cell_ids", "cells.csv", "cell_id", "cell", is_list=True),
    ForeignKey("claims.csv", "source_ids", "sources.csv", "source_id", "source", is_list=True),
    ForeignKey("comparisons.csv", "treatment_a", "treatments.csv", "treatment_id", "treatment"),
    ForeignKey("comparisons.csv", "treatment_b", "treatments.csv", "treatment_id", "treatment"),
    ForeignKey("comparisons.csv", "condition_id", "conditions.csv", "condition_id", "condition"),
    ForeignKey("comparisons.csv", "source_id", "sources.csv", "source_id", "source"),
)
