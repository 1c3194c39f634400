"""The vocabularies of the data, one table each: every allowed value with its label and display cues.

The schema takes its allowed values from here (``ids(TABLE)``), the pages their labels, icons and colours.
Adding a value is one row in one table.
"""
from __future__ import annotations

from dataclasses import dataclass


def ids(table: dict) -> tuple[str, ...]:
    return tuple(table)


def labels(table: dict) -> dict[str, str]:
    return {key: row.label for key, row in table.items()}


@dataclass(frozen=True)
class Term:
    label: str
    short: str = ""  # a shorter label, where one is used (filters, chart axes)


@dataclass(frozen=True)
class SourceType:
    label: str
    tier: int  # 1 strongest


@dataclass(frozen=True)
class Tier:
    label: str
    kind: str  # the styling kind of a cell backed at this tier (render.KIND_STYLE)


@dataclass(frozen=True)
class Verdict:
    label: str
    short: str
    family: str  # the label family mode shows (read right by patients and families)
    icon: str  # Material icon on the page: never colour alone
    symbol: str  # text symbol in the chart


@dataclass(frozen=True)
class Topic:
    label: str
    colour: str  # Okabe-Ito (colour-blind safe)
    pattern: str  # plotly bar pattern, so topics differ by more than colour
    text_colour: str = "#000000"  # count text on the fill


GROUPS = {
    "onset": Term("Onset and durability", "Onset"),
    "setting": Term("Administration setting", "Setting"),
    "cost_access": Term("Cost and access", "Cost and access"),
    "side_effects": Term("Side effects", "Side effects"),
    "evidence": Term("Evidence status", "Evidence"),
}

SOURCE_TYPES = {
    "label": SourceType("Drug label", 1),
    "regulatory": SourceType("Regulator", 1),
    "guideline": SourceType("Guideline", 1),
    "hta": SourceType("HTA", 1),
    "meta_analysis": SourceType("Meta-analysis", 2),
    "rct": SourceType("RCT", 2),
    "observational": SourceType("Observational", 3),
    "economic_evaluation": SourceType("Economic evaluation", 3),
    "review": SourceType("Review", 3),
    "preclinical": SourceType("Animal or laboratory study", 3),
    "payer": SourceType("Payer policy", 3),
    "statistics": SourceType("Official statistics", 3),
    "think_tank": SourceType("Think tank / opinion", 4),
    "news": SourceType("News", 4),
    "manufacturer": SourceType("Manufacturer", 4),
    "clinic": SourceType("Clinic / info page", 4),
    "web_article": SourceType("Web article", 4),
}
TIERS = {
    1: Tier("Regulator, label, guideline or HTA", "tier1"),
    2: Tier("Trials or meta-analysis", "tier2"),
    3: Tier("Other studies, payers, statistics", "tier3"),
    4: Tier("Weak (news, clinic, web, opinion)", "tier4"),
}
STRONG_TIER = 2  # types at this tier or stronger count as authoritative backing in the summary line

BANDS = {  # CIOMS frequency bands of a per-patient frequency
    "very_common": Term("Very common (≥10%)"),
    "common": Term("Common (1–10%)"),
    "uncommon": Term("Uncommon (0.1–1%)"),
    "rare": Term("Rare (0.01–0.1%)"),
    "very_rare": Term("Very rare (<0.01%)"),
    "not_quantified": Term("Reported, not quantified"),
    "none_reported": Term("None reported"),
}
CATEGORIES = {
    "approved": Term("Approved or cleared"),
    "guideline_recommended": Term("Guideline-recommended"),
    "investigational": Term("Investigational"),
    "not_approved": Term("Not approved for this use"),
    "insufficient_evidence": Term("Insufficient evidence"),
    "not_recommended": Term("Not recommended"),
}
MEASURES = {  # what a cell's number measures (one vocabulary for every treatment)
    "first_improvement": Term("first improvement"),
    "response": Term("response"),
    "remission": Term("remission"),
    "half_improved": Term("half of patients improved"),
    "symptom_change": Term("symptom change"),
    "incidence": Term("% of patients"),
    "price": Term("price"),
    "duration": Term("duration"),
    "count": Term("count"),
    "frequency": Term("frequency"),
}
DESIGNS = {  # how the number was obtained
    "meta_analysis": Term("meta-analysis"), "rct": Term("RCT"), "open_label": Term("open-label"),
    "observational": Term("observational"), "case_series": Term("case series"), "label": Term("drug label"),
    "guideline": Term("guideline"), "hta": Term("HTA"), "fee_schedule": Term("fee schedule"),
    "cost_study": Term("cost study"), "payer_policy": Term("payer policy"), "price_list": Term("reported price"),
    "drug_list_price": Term("drug list price"), "survey": Term("survey"), "review": Term("review"),
    "service_info": Term("service page"),
}
STATUSES = ("reported", "no_evidence", "not_applicable")
COMPARATOR_TYPES = {  # what a specific side effect's rate is compared with (effects.csv comparator_type)
    "placebo": Term("placebo", "placebo"),
    "active_placebo": Term("active placebo (e.g. midazolam, not inert)", "active placebo"),
    "sham": Term("sham treatment", "sham"),
    "active": Term("another active treatment", "active comparator"),
    "control": Term("control group (usual care or waiting list)", "control group"),
    "none": Term("no comparator (uncontrolled rate)", "no comparator"),
}
CONTROLLED_TYPES = tuple(k for k in COMPARATOR_TYPES if k != "none")
USES = {  # in what use a specific side effect was seen (effects.csv use)
    "therapeutic": Term("therapeutic use"),
    "recreational": Term("recreational or non-medical use (never banded with therapeutic use)"),
}
ATTRIBUTIONS = {  # events the source does not attribute to the treatment (effects.csv attribution): a note, not a band
    "judged_unrelated": Term("judged unrelated or doubtfully related to the treatment (by the investigators or the manufacturer)"),
    "not_attributed": Term("counted whatever the cause (not attributed to the treatment)"),
}

VERDICTS = {  # strongest support first
    "supported": Verdict("Supported", "Supported", "Accurate", ":material/check_circle:", "✓"),
    "partly_supported": Verdict("Partly supported", "Partly supported", "Partly accurate", ":material/contrast:", "◐"),
    "overstated": Verdict("Overstated", "Overstated", "Goes too far", ":material/unfold_more:", "▲"),
    "insufficient": Verdict("No good evidence either way", "Not enough evidence", "Not enough evidence to say",
                            ":material/help_outline:", "?"),
    "contradicted": Verdict("Contradicted", "Contradicted", "Wrong", ":material/cancel:", "✗"),
}
CLAIM_TOPICS = {
    "efficacy": Topic("Efficacy", "#0072B2", "", "#ffffff"),
    "onset": Topic("Onset and durability", "#E69F00", "/"),
    "safety": Topic("Safety and side effects", "#D55E00", "x", "#ffffff"),
    "setting": Topic("Setting and supervision", "#009E73", "|"),
    "cost_access": Topic("Cost and access", "#CC79A7", "\\"),
    "evidence": Topic("Approval and evidence status", "#56B4E9", "-"),
}


@dataclass(frozen=True)
class CostBasis:
    label: str  # the panel's title: who pays, where, and which year
    short: str  # the choice's name in the basis switch
    currency: str  # ISO code: every row of a basis is in this currency
    note: str = ""  # what the basis covers, shown under its panel


# The bases of course_costs.csv: one chart panel each, never mixed (a Medicare rate and a clinic's self-pay price
# answer different questions). A basis names its year where all its rows share one.
COST_BASES = {
    "us_medicare_2026": CostBasis("US, Medicare national rates, 2026", "US Medicare 2026", "USD",
                                  "What Medicare pays (national amounts, before geographic adjustment)."),
    "us_self_pay": CostBasis("US, self-pay and list prices (year per row)", "US self-pay and list", "USD",
                             "What a patient paying out of pocket is charged, or the drug's list price; not what insurers pay."),
    "england_nhs": CostBasis("England, NHS costs and list prices (year per row)", "England NHS", "GBP",
                             "Costs to the NHS: BNF list prices and NHS costing studies."),
    "england_self_pay": CostBasis("England, NHS trust self-pay fees (seen 2026)", "England self-pay", "GBP",
                                  "What an NHS trust charges patients who pay for themselves."),
    "ontario_hta_2019": CostBasis("Canada (Ontario), HTA model costs, 2019 CAD", "Ontario HTA (CAD)", "CAD",
                                  "Reference figures only: no course is built from components on this basis."),
}
COST_KINDS = {  # a row of course_costs.csv is a component of our build, or a course cost an HTA or model reports
    "component": Term("component"),
    "reference": Term("reported course cost (reference mark)"),
}
COST_STATUSES = {  # a component's price: found, searched and not found, or not a service the basis pays for
    "priced": Term("priced"),
    "not_priced": Term("not priced"),
    "not_covered": Term("not covered on this basis"),
}


# --- onset_points.csv (issue 20 part 3): one reported time to one onset measure --------------------------
ONSET_MEASURES = {  # the onset page's measure switch, in its order
    "first_improvement": Term("first improvement", "First improvement"),
    "response": Term("response (at least a 50% fall on a named scale)", "Response"),
    "remission": Term("remission (below a named cut-off)", "Remission"),
}
ONSET_PROTOCOLS = {  # which protocol a time comes from: the one most patients receive, or a named faster variant
    "standard": Term("standard protocol", "standard"),
    "accelerated": Term("accelerated protocol", "accelerated"),
}


@dataclass(frozen=True)
class TimeBasis:
    label: str  # what kind of time it is, in words (tables, hover)
    word: str  # the word before the time on the chart and in tables: "by 7 days", "median 14 days"
    symbol: str  # the plotly marker of a point with this basis (a key under the chart's title says which)
    key: str  # the words beside the marker in that key


TIME_BASES = {  # what a reported time is
    "median": TimeBasis("median time to the measure (time-to-event)", "median", "diamond", "median"),
    "mean": TimeBasis("mean time to the measure (time-to-event)", "mean", "square", "mean"),
    "earliest_difference": TimeBasis("first assessment with a significant difference (onset may be earlier)",
                                     "first significant at", "circle", "first significant at (may be earlier)"),
    "assessed_at": TimeBasis("rate at that time point only (the time is an upper bound)", "by", "triangle-left",
                             "by (measured then only)"),
}

# Derived views used across the package (computed from the tables above, never declared twice).
SOURCE_TYPE_LABELS = labels(SOURCE_TYPES)
SOURCE_TIER = {key: row.tier for key, row in SOURCE_TYPES.items()}
TIER_LABELS = labels(TIERS)
STRONG_SOURCE_TYPES = tuple(key for key, row in SOURCE_TYPES.items() if row.tier <= STRONG_TIER)
GROUP_LABELS = labels(GROUPS)
BAND_LABELS = labels(BANDS)
CATEGORY_LABELS = labels(CATEGORIES)
MEASURE_LABELS = labels(MEASURES)
DESIGN_LABELS = labels(DESIGNS)
VERDICT_LABELS = labels(VERDICTS)
CLAIM_TOPIC_LABELS = labels(CLAIM_TOPICS)
COMPARATOR_TYPE_LABELS = labels(COMPARATOR_TYPES)
