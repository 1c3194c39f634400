"""The declared schema of the evidence data: one source of truth for files, columns, types and enums.

Per-table rules are pandera ``DataFrameModel``s: types, required values, enums (from ``vocab.py``),
patterns, and the row rules of ``rules.py`` attached to each model as named dataframe checks. Foreign keys
are ``rules.FOREIGN_KEYS``. Columns not listed here are allowed and kept: maintainers may add columns freely.
"""
from __future__ import annotations

from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from . import vocab
from .rules import (
    ATTRIBUTE_RULES, CELL_RULES, CLAIM_RULES, COMPARISON_RULES, COURSE_COST_RULES, DATE_PATTERN, EFFECT_RULES,
    HEADLINE_MAX, MIN_LE_MAX, ONSET_POINT_RULES, POINT_ID_PATTERN,
    PRICE_YEAR_BASES, SOURCE_RULES, row_rules,
)

ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
CELL_ID_PATTERN = r"^[a-z0-9][a-z0-9_.]*$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
PMID_PATTERN = r"^\d{1,9}$"
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
# Markup or script in a text field: data is shown as plain text, so none of this belongs there.
MARKUP_PATTERN = r"<\s*/?\s*[a-zA-Z!?]|\bjavascript\s*:|\bvbscript\s*:|\bdata\s*:\s*[a-z]+/|on[a-z]+\s*=\s*['\"]"
BOOLEAN_TEXT = ("true", "false")

GROUPS = vocab.ids(vocab.GROUPS)
STATUSES = vocab.STATUSES
SOURCE_TYPES = vocab.ids(vocab.SOURCE_TYPES)
BANDS = vocab.ids(vocab.BANDS)
CATEGORIES = vocab.ids(vocab.CATEGORIES)
MEASURES = vocab.ids(vocab.MEASURES)
DESIGNS = vocab.ids(vocab.DESIGNS)
VERDICTS = vocab.ids(vocab.VERDICTS)
CLAIM_TOPICS = vocab.ids(vocab.CLAIM_TOPICS)
COMPARISON_DESIGNS = ("rct", "meta_analysis")  # only randomised or meta-analytic direct comparisons
COMPARISON_MEASURES = ("response", "remission", "symptom_change", "other")
FAVOURS = ("treatment_a", "treatment_b", "neither")
HIGHER_FAVOURS = ("first", "second")  # which treatment of effect_measure a higher value favours


def _optional(**kwargs) -> pa.Field:
    return pa.Field(nullable=True, **kwargs)


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
    payer_can_back: Series[str] = pa.Field(isin=BOOLEAN_TEXT)  # may a payer policy alone back this attribute's cells?
    headline_types: Optional[Series[str]] = _optional()  # source types that may carry a reported cell's headline
    # "true": a reported cell's headline comes from the treatment's own evidence, never from its comparator arm in a trial
    # of another treatment (comparisons.csv: tested); key efficacy
    own_evidence: Optional[Series[str]] = _optional(isin=BOOLEAN_TEXT)

    class Config:
        strict = False


@row_rules(*CELL_RULES)
class CellSchema(pa.DataFrameModel):
    cell_id: Series[str] = pa.Field(str_matches=CELL_ID_PATTERN, unique=True)
    treatment_id: Series[str]
    condition_id: Series[str] = _optional()
    attribute_id: Series[str]
    headline: Optional[Series[str]] = _optional(str_length={"max_value": HEADLINE_MAX})
    headline_plain: Optional[Series[str]] = _optional(str_length={"max_value": 90})  # family mode (issue 21)
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


COMPARATOR_TYPES = vocab.ids(vocab.COMPARATOR_TYPES)
USES = vocab.ids(vocab.USES)
ATTRIBUTIONS = vocab.ids(vocab.ATTRIBUTIONS)


@row_rules(*EFFECT_RULES)
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
    # Against the comparator (GRADE-style absolute risks): both arms' rates in % of patients, the comparator arm
    # named and typed, n per arm where reported, and what the source itself prints (figures) or our arithmetic.
    rate: Optional[Series[float]] = _optional(coerce=True, ge=0, le=100)
    comparator_rate: Optional[Series[float]] = _optional(coerce=True, ge=0, le=100)
    comparator_name: Optional[Series[str]] = _optional(str_length={"max_value": 80})
    comparator_type: Optional[Series[str]] = _optional(isin=COMPARATOR_TYPES)
    n_arm: Optional[Series[float]] = _optional(coerce=True, ge=1)
    n_comparator: Optional[Series[float]] = _optional(coerce=True, ge=1)
    figures: Optional[Series[str]] = _optional(str_length={"max_value": 600})
    derivation: Optional[Series[str]] = _optional(str_length={"max_value": 300})
    use: Optional[Series[str]] = _optional(isin=USES)  # therapeutic (blank) or recreational: never one band
    attribution: Optional[Series[str]] = _optional(isin=ATTRIBUTIONS)  # not attributed to the treatment: a note

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


@row_rules(*CLAIM_RULES)
class ClaimSchema(pa.DataFrameModel):
    claim_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    source_id: Series[str]
    claim: Series[str] = pa.Field(str_length={"max_value": 300})
    claim_plain: Optional[Series[str]] = _optional(str_length={"max_value": 300})  # the claim in plain words (family mode)
    concerns: Series[str]  # the treatment(s) the claim is about, ids separated by ';' (FK treatments.csv)
    condition_id: Series[str] = _optional()
    topic: Series[str] = pa.Field(isin=CLAIM_TOPICS)
    verdict: Series[str] = pa.Field(isin=VERDICTS)
    reason: Series[str] = pa.Field(str_length={"max_value": 400})
    meaning_plain: Optional[Series[str]] = _optional(str_length={"max_value": 500})  # "What this means for you"
    cell_ids: Series[str] = _optional()
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
    effect_first: Optional[Series[str]] = _optional()  # the treatment_id effect_measure names first (FK: the pair)
    higher_favours: Optional[Series[str]] = _optional(isin=HIGHER_FAVOURS)
    tested: Optional[Series[str]] = _optional()  # a trial's treatment under test (its experimental arm); the other is the comparator
    also_conditions: Optional[Series[str]] = _optional()  # further conditions whose patients a pooled analysis includes
    population: Optional[Series[str]] = _optional(str_length={"max_value": 80})  # label of the row under those conditions
    note: Optional[Series[str]] = _optional(str_length={"max_value": 800})
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN, real_date=(), not_future=())

    class Config:
        strict = False


@row_rules(*COURSE_COST_RULES)
class CourseCostSchema(pa.DataFrameModel):
    """One component of the cost of an acute course on one basis (or a course cost an HTA reports)."""
    row_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    treatment_id: Series[str]
    basis: Series[str] = pa.Field(isin=vocab.ids(vocab.COST_BASES))
    kind: Series[str] = pa.Field(isin=vocab.ids(vocab.COST_KINDS))
    component: Series[str] = pa.Field(str_length={"max_value": 120})
    status: Series[str] = pa.Field(isin=vocab.ids(vocab.COST_STATUSES))
    unit_cost: Series[float] = _optional(coerce=True, ge=0)
    unit_cost_high: Series[float] = _optional(coerce=True, ge=0)
    currency: Series[str] = _optional(str_matches=CURRENCY_PATTERN)
    price_year: Series[float] = _optional(coerce=True, ge=1950, le=2100)
    units_low: Series[float] = _optional(coerce=True, ge=0)
    units_high: Series[float] = _optional(coerce=True, ge=0)
    unit_label: Series[str] = _optional(str_length={"max_value": 40})
    source_id: Series[str] = _optional()
    locator: Series[str] = _optional()
    figures: Series[str] = _optional(str_length={"max_value": 600})  # the source's own numbers at the locator
    derivation: Series[str] = _optional(str_length={"max_value": 300})  # our arithmetic from those numbers
    note: Series[str] = _optional(str_length={"max_value": 600})
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN, real_date=(), not_future=())

    class Config:
        strict = False


@row_rules(*ONSET_POINT_RULES)
class OnsetPointSchema(pa.DataFrameModel):
    """One reported time to one onset measure (first improvement, response, remission) for a treatment in a condition."""
    point_id: Series[str] = pa.Field(str_matches=POINT_ID_PATTERN, unique=True)
    treatment_id: Series[str]
    condition_id: Series[str]
    measure: Series[str] = pa.Field(isin=vocab.ids(vocab.ONSET_MEASURES))
    protocol: Series[str] = pa.Field(isin=vocab.ids(vocab.ONSET_PROTOCOLS))
    protocol_name: Series[str] = pa.Field(str_length={"max_value": 80})
    days_min: Series[float] = pa.Field(coerce=True, gt=0)
    days_max: Series[float] = pa.Field(coerce=True, gt=0)
    time_basis: Series[str] = pa.Field(isin=vocab.ids(vocab.TIME_BASES))
    result: Series[str] = pa.Field(str_length={"max_value": 120})
    comparator: Series[str] = _optional(str_length={"max_value": 60})
    design: Series[str] = pa.Field(isin=DESIGNS)
    n: Series[float] = _optional(coerce=True, ge=1)
    source_id: Series[str]
    locator: Series[str]
    figures: Series[str] = pa.Field(str_length={"max_value": 600})  # the source's own numbers at the locator
    derivation: Series[str] = _optional(str_length={"max_value": 300})  # our arithmetic (weeks x 7, hours ÷ 24)
    note: Series[str] = _optional(str_length={"max_value": 400})
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN, real_date=(), not_future=())

    class Config:
        strict = False

# File name -> model. Order = load order (and the order problems are listed in).
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
    "claims.csv": ClaimSchema,
    "comparisons.csv": ComparisonSchema,
    "course_costs.csv": CourseCostSchema,
    "onset_points.csv": OnsetPointSchema,
}
OPTIONAL_FILES = ("onset_points.csv",)  # a missing optional file is an empty table, not a problem
for _model in TABLES.values():
    _model.__row_rules__ = getattr(_model, "__row_rules__", {})  # rule name -> RowRule ({} for a model without)


def required_columns(model: type[pa.DataFrameModel]) -> list[str]:
    """Columns a file must have: every declared column that is not Optional."""
    schema = model.to_schema()
    return [name for name, col in schema.columns.items() if col.required]


def empty_frame(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    cols = list(model.to_schema().columns)
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})
