"""Validated, typed evidence tables: what every page works from.

``load_evidence(data_dir)`` reads and validates a data folder once and returns an ``Evidence``
object. When the data has errors, ``Evidence.ok`` is False and ``problems`` names them; the app
shows those instead of a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .load import LINE, Snapshot, data_dir_from_env, read_files, read_tables
from .problems import Problem, errors
from .rules import PAYER_TYPES, SMALL_N, UNCONTROLLED_DESIGNS
from .vocab import DESIGN_LABELS, SOURCE_TIER, STRONG_SOURCE_TYPES
from .validate import validate_raw


@dataclass
class Evidence:
    treatments: pd.DataFrame
    conditions: pd.DataFrame
    attributes: pd.DataFrame
    cells: pd.DataFrame
    citations: pd.DataFrame
    sources: pd.DataFrame
    effects: pd.DataFrame
    glossary: pd.DataFrame = field(default_factory=pd.DataFrame)
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)  # claims.csv: seed-article claims and verdicts
    comparisons: pd.DataFrame = field(default_factory=pd.DataFrame)  # comparisons.csv: direct head-to-head results
    course_costs: pd.DataFrame = field(default_factory=pd.DataFrame)  # course_costs.csv: acute-course cost components
    onset_points: pd.DataFrame = field(default_factory=pd.DataFrame)  # onset_points.csv: times to each onset measure
    problems: list[Problem] = field(default_factory=list)
    data_dir: Path | None = None
    version: str = ""  # fingerprint of the data files; part of every cache key
    files: dict[str, bytes | None] = field(default_factory=dict, repr=False)  # the bytes that were validated

    @property
    def ok(self) -> bool:
        return not errors(self.problems)

    @cached_property
    def cell_lookup(self) -> dict[tuple, dict]:
        """(treatment_id, condition_id or None, attribute_id) -> cell record; built once per Evidence."""
        lookup: dict[tuple, dict] = {}
        for record in self.cells.to_dict("records"):
            cond = record["condition_id"] if isinstance(record["condition_id"], str) else None
            lookup.setdefault((record["treatment_id"], cond, record["attribute_id"]), record)
        return lookup

    @cached_property
    def _names(self) -> dict[str, dict[str, str]]:
        t, c, a = self.treatments, self.conditions, self.attributes
        return {"treatment": dict(zip(t["treatment_id"], t["name"])), "treatment_short": dict(zip(t["treatment_id"], t["short_name"])),
                "condition": dict(zip(c["condition_id"], c["name"])), "condition_short": dict(zip(c["condition_id"], c["short_name"])),
                "attribute": dict(zip(a["attribute_id"], a["name"])), "source": dict(zip(self.sources["source_id"], self.sources["title"]))}

    def name(self, kind: str, key: str) -> str:
        """The name of a treatment, condition, attribute or source (kind: 'treatment', 'treatment_short',
        'condition', 'condition_short', 'attribute', 'source'); the id itself when it is not in the data."""
        return self._names[kind].get(key, key)

    def names(self, kind: str) -> dict[str, str]:
        """id -> name for one kind (see ``name``)."""
        return self._names[kind]

    @cached_property
    def as_of(self) -> str:
        """The most recent review date of any cell (the data's as-of date)."""
        dates = self.cells["reviewed"].dropna()
        return str(dates.max()) if len(dates) else "unknown"


def _bool(series: pd.Series) -> pd.Series:
    return series.map(lambda v: str(v).strip().lower() == "true")


def _typed(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Numbers and booleans typed for the pages, whether or not the files passed validation.

    The pandera models coerce the same columns, but only return a frame when every check passes: with
    one bad row, ``validate(lazy=True)`` raises and the file's columns stay text. The app still shows a
    partly broken data set (the problems are listed on screen), so a bad number becomes NaN here."""
    out = {}
    for name, frame in frames.items():
        frame = frame.copy()
        for column in ("value_min", "value_max", "price_year", "year", "sort_order", "n", "unit_cost", "unit_cost_high",
                       "units_low", "units_high", "days_min", "days_max"):
            if column in frame.columns:
                frame[column] = pd.to_numeric(frame[column], errors="coerce")
        for column in ("per_condition", "numeric", "payer_can_back"):
            if column in frame.columns:
                frame[column] = _bool(frame[column])
        out[name] = frame
    return out


def _derive(t: dict[str, pd.DataFrame]) -> None:
    """Add columns the pages need: each citation's source type and each cell's best source tier."""
    sources = t["sources.csv"].dropna(subset=["source_id"]).drop_duplicates("source_id").set_index("source_id", drop=False)
    cit = t["citations.csv"]
    if len(cit) and len(sources):
        cit["source_type"] = cit["source_id"].map(sources["source_type"])
    else:
        cit["source_type"] = pd.Series(dtype="object")
    cit["tier"] = cit["source_type"].map(SOURCE_TIER)
    cells = t["cells.csv"]
    # A cell's badge is the source that carries its headline (headline_source): a 12.5% from a chart review
    # wears "Observational" even when the cell also cites a meta-analysis for context. A cell without one
    # (data that does not validate) falls back to its strongest source *for that claim*, where a payer
    # policy never backs an efficacy, onset or approval claim.
    claim_attr = cit["cell_id"].map(dict(zip(cells["cell_id"], cells["attribute_id"])))
    attrs = t["attributes.csv"]
    unbacked = set(attrs.loc[~attrs["payer_can_back"].astype(bool), "attribute_id"]) if "payer_can_back" in attrs else set()
    counts = ~(claim_attr.isin(unbacked) & cit["source_type"].isin(PAYER_TYPES))
    best = cit[counts].dropna(subset=["tier"]).sort_values("tier").drop_duplicates("cell_id")
    strongest = cells["cell_id"].map(best.set_index("cell_id")["source_type"]) if len(best) else pd.Series(None, index=cells.index)
    if "headline_source" not in cells.columns:
        cells["headline_source"] = None
    cited = set(zip(cit["cell_id"], cit["source_id"]))
    own = [sources["source_type"].get(s) if (c, s) in cited else None for c, s in zip(cells["cell_id"], cells["headline_source"])]
    cells["best_source_type"] = pd.Series(own, index=cells.index, dtype="object").fillna(strongest)
    cells["best_tier"] = cells["best_source_type"].map(SOURCE_TIER)
    cells["n_citations"] = cells["cell_id"].map(cit.groupby("cell_id").size()).fillna(0).astype(int)
    for column in ("headline", "measure", "measure_note", "design", "n", "price_year_basis"):
        if column not in cells.columns:
            cells[column] = None
    cells["caution"] = [caution(d, n) for d, n in zip(cells["design"], cells["n"])]


def caution(design, n) -> str:
    """'' or a short warning for a result from a small (n < 50) or uncontrolled study."""
    parts = []
    if isinstance(design, str) and design in UNCONTROLLED_DESIGNS:
        parts.append(f"uncontrolled ({DESIGN_LABELS[design]})")
    number = pd.to_numeric(n, errors="coerce")
    if pd.notna(number) and number < SMALL_N:
        parts.append(f"small study (n={int(number)})")
    return " · ".join(parts)


UNSETTLED = Problem("(data folder)", None, None,
                    "the files changed while they were being read (a save in progress?); they are read again on the next page load")


def load_evidence(data_dir: Path | str | None = None, snapshot: Snapshot | None = None) -> Evidence:
    """Read, validate and type a data folder (default: $EVIDASH_DATA_DIR or the repo's data/).

    The files are read once, as one consistent set of bytes (``read_files``); those bytes are what is
    validated, typed and kept in ``Evidence.files`` (so a snapshot of a valid version is exactly what passed)."""
    data_dir = Path(data_dir) if data_dir is not None else data_dir_from_env()
    snapshot = snapshot or read_files(data_dir)
    raw = read_tables(data_dir, snapshot.files)
    problems = validate_raw(raw)
    if not snapshot.stable:
        problems = [UNSETTLED, *problems]
    t = _typed(raw.frames)
    _derive(t)
    for frame in t.values():
        if LINE in frame.columns:
            frame.drop(columns=[LINE], inplace=True)
    ordered = {}
    for name, key in (("treatments.csv", "sort_order"), ("conditions.csv", "sort_order"), ("attributes.csv", "sort_order")):
        ordered[name] = t[name].sort_values(key, kind="stable").reset_index(drop=True)
    return Evidence(
        treatments=ordered["treatments.csv"],
        conditions=ordered["conditions.csv"],
        attributes=ordered["attributes.csv"],
        cells=t["cells.csv"],
        citations=t["citations.csv"],
        sources=t["sources.csv"],
        effects=t["effects.csv"],
        glossary=t["glossary.csv"].sort_values("term", key=lambda s: s.str.lower()).reset_index(drop=True),
        claims=t["claims.csv"].reset_index(drop=True),
        comparisons=t["comparisons.csv"].reset_index(drop=True),
        course_costs=t["course_costs.csv"].reset_index(drop=True),
        onset_points=t["onset_points.csv"].reset_index(drop=True),
        problems=problems,
        data_dir=data_dir,
        version=snapshot.version,
        files=snapshot.files,
    )


def summary(ev: Evidence) -> str:
    """One line: counts and the share of reported cells backed by strong sources."""
    cells = ev.cells
    reported = cells[cells["status"] == "reported"]
    strong_cells = set(ev.citations.loc[ev.citations["source_type"].isin(STRONG_SOURCE_TYPES), "cell_id"])
    n_strong = int(reported["cell_id"].isin(strong_cells).sum())
    share = (100.0 * n_strong / len(reported)) if len(reported) else 0.0
    counts = cells["status"].value_counts()
    return (
        f"{len(cells)} cells ({counts.get('reported', 0)} reported, {counts.get('no_evidence', 0)} no evidence, "
        f"{counts.get('not_applicable', 0)} not applicable), {len(ev.sources)} sources, {len(ev.citations)} citations, "
        f"{len(ev.effects)} specific side effects; {share:.0f}% of reported cells ({n_strong}/{len(reported)}) backed by "
        f"label/regulatory/guideline/HTA/meta-analysis/RCT sources"
    )
