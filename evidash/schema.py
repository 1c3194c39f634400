"""The declared schema of the evidence data: one source of truth for files, columns, types and enums.

Per-table column rules are pandera ``DataFrameModel``s (types, required values, enums, patterns).
Rules that span tables (foreign keys, one cell per key, citations for reported cells, ...) live in
``validate.py``. Columns not listed here are allowed and kept: maintainers may add columns freely.
"""
from __future__ import annotations

import re
from typing import Optional

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

ID_PATTERN = r"^[a-z0-9][a-z0-9_]*$"
CELL_ID_PATTERN = r"^[a-z0-9][a-z0-9_.]*$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
PMID_PATTERN = r"^\d{1,9}$"
COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"

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


class AttributeSchema(pa.DataFrameModel):
    attribute_id: Series[str] = pa.Field(str_matches=ID_PATTERN, unique=True)
    group: Series[str] = pa.Field(isin=GROUPS)
    name: Series[str]
    unit: Series[str] = _optional()
    description: Series[str]
    per_condition: Series[str] = pa.Field(isin=BOOLEAN_TEXT)
    numeric: Series[str] = pa.Field(isin=BOOLEAN_TEXT)
    sort_order: Series[int] = pa.Field(coerce=True)

    class Config:
        strict = False


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
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN)
    currency: Series[str] = _optional(str_matches=CURRENCY_PATTERN)
    price_year: Series[float] = _optional(coerce=True, ge=1950, le=2100)
    price_year_basis: Optional[Series[str]] = _optional(isin=PRICE_YEAR_BASES)
    region: Series[str] = _optional()
    band: Series[str] = _optional(isin=BANDS)
    category: Series[str] = _optional(isin=CATEGORIES)

    class Config:
        strict = False


class CitationSchema(pa.DataFrameModel):
    cell_id: Series[str]
    source_id: Series[str]
    locator: Series[str]

    class Config:
        strict = False


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

    class Config:
        strict = False


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
# Short badge text next to the tier icon on the overview (colour is never the only cue).
TIER_SHORT = {1: "Regulator/guideline", 2: "Trials", 3: "Other studies", 4: "Weak source"}
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
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN)

    class Config:
        strict = False


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
    reviewed: Series[str] = pa.Field(str_matches=DATE_PATTERN)

    class Config:
        strict = False


TABLES["claims.csv"] = ClaimSchema
TABLES["comparisons.csv"] = ComparisonSchema
