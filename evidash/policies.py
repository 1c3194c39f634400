"""Content policies: goals for the data as a whole, reported as warnings (never errors).

A data edit that adds a gap or a weak source is valid; the policies say when the whole falls short of what
the project aims for, so maintainers see it in ``python -m evidash validate`` and on the About page, and no
test fails on an honest edit.
"""
from __future__ import annotations

import pandas as pd

from .problems import Problem
from .rules import QUANTIFIED_BANDS
from .vocab import STRONG_SOURCE_TYPES

MAX_GAPS = 60  # no_evidence cells
MIN_STRONG_SHARE = 0.80  # reported cells with at least one label/regulatory/guideline/HTA/meta-analysis/RCT source
SHARE_FROM = 20  # the share is a goal for a data set, measured once it has this many reported cells
MIN_QUANTIFIED_SIDE_EFFECTS = 3  # per drug or device: side-effect categories with a quantified band
NON_PRODUCT_CLASSES = ("psychological",)  # treatment classes without a drug or device (no side-effect bands expected)


def _warning(file: str, message: str) -> Problem:
    return Problem(file, None, None, f"content policy: {message}", "warning")


def gaps(cells: pd.DataFrame) -> list[Problem]:
    n = int((cells["status"] == "no_evidence").sum())
    return [_warning("cells.csv", f"{n} cells say 'no evidence found' (goal: at most {MAX_GAPS})")] if n > MAX_GAPS else []


def strong_share(cells: pd.DataFrame, citations: pd.DataFrame, sources: pd.DataFrame) -> list[Problem]:
    reported = cells.loc[cells["status"] == "reported", "cell_id"]
    if len(reported) < SHARE_FROM:
        return []
    kinds = dict(zip(sources["source_id"], sources["source_type"]))
    strong = {c for c, s in zip(citations["cell_id"], citations["source_id"]) if kinds.get(s) in STRONG_SOURCE_TYPES}
    share = reported.isin(strong).mean()
    if share >= MIN_STRONG_SHARE:
        return []
    return [_warning("citations.csv", f"{share:.0%} of reported cells cite a label, regulator, guideline, HTA, "
                                      f"meta-analysis or RCT (goal: at least {MIN_STRONG_SHARE:.0%})")]


def side_effect_bands(cells: pd.DataFrame, treatments: pd.DataFrame, attributes: pd.DataFrame) -> list[Problem]:
    out = []
    if (attributes["group"] == "side_effects").sum() < MIN_QUANTIFIED_SIDE_EFFECTS:
        return out  # the goal cannot be met with fewer categories
    for t in treatments.to_dict("records"):
        if any(word in str(t.get("treatment_class") or "").lower() for word in NON_PRODUCT_CLASSES):
            continue
        mine = cells[(cells["treatment_id"] == t["treatment_id"]) & cells["attribute_id"].str.startswith("se_")
                     & (cells["status"] == "reported") & cells["band"].isin(QUANTIFIED_BANDS)]
        n = mine["attribute_id"].nunique()
        if n < MIN_QUANTIFIED_SIDE_EFFECTS:
            out.append(_warning("cells.csv", f"{t['treatment_id']} has {n} side-effect categories with a quantified "
                                             f"frequency (goal: at least {MIN_QUANTIFIED_SIDE_EFFECTS})"))
    return out


def plain_http(sources: pd.DataFrame) -> list[Problem]:
    plain = [s for s, url in zip(sources["source_id"], sources["url"]) if isinstance(url, str) and url.lower().startswith("http://")]
    return [_warning("sources.csv", f"{len(plain)} sources link over plain http ({', '.join(plain[:5])}); use https "
                                    "where the site offers it")] if plain else []


def check(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every content policy over readable tables (``frames`` as read by load.read_tables)."""
    cells, citations, sources = frames["cells.csv"], frames["citations.csv"], frames["sources.csv"]
    return (gaps(cells) + strong_share(cells, citations, sources) + side_effect_bands(cells, frames["treatments.csv"], frames["attributes.csv"])
            + plain_http(sources))
