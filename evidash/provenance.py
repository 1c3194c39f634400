"""Provenance rules: every reported number can be checked against what its source itself reports.

A citation of a reported cell records the source's own ``figures`` at its locator (numbers with units,
population or arm, and the source's qualifiers). A reported cell names the citation that carries its
headline (``headline_source``); its badge, design and n come from that source. Every number in the
headline and in value_min/value_max must appear in the figures of the cell's citations or in the cell's
``derivation`` (the arithmetic, for a computed number).

The functions here are pure (rows in, problems out); ``validate.py`` runs them with the other file rules.
"""
from __future__ import annotations

import re

import pandas as pd

from .problems import Problem
from .rules import ONSET_POINT_NUMBER_COLUMNS, blank, id_list, number, numbers_in  # noqa: F401  (numbers_in: used here and by tests)

# Numbers in running text: thousands separators are removed first ("1,409" -> 1409), signs are ignored
# (a range "6-24" is 6 and 24, not -24).

# What a note admits about a source that was not fully seen: such a source is not used until it is.
# ... or that its title was made from its address ("headline taken from the URL slug") rather than read on it.
UNSEEN = re.compile(r"\bnot\s+(?:seen|captured)\b|\btitle\s+describes\b|\bexact\s+title\b"
                    r"|\b(?:title|headline)\s+(?:was\s+)?(?:taken|inferred|derived|made)\s+from\s+the\s+"
                    r"(?:url|link|slug|(?:web\s+|page\s+)?address)", re.I)
# Research papers: a reader needs the authors to find them.
RESEARCH_TYPES = ("rct", "meta_analysis", "observational", "review", "economic_evaluation", "preclinical")

# Which source types can carry a number obtained by each design (the badge follows that source).
DESIGN_SOURCE_TYPES = {
    "meta_analysis": ("meta_analysis", "hta", "guideline"),
    "rct": ("rct", "label", "regulatory", "hta"),
    "open_label": ("rct", "observational"),
    "observational": ("observational", "rct"),
    "case_series": ("observational",),
    "label": ("label", "regulatory", "manufacturer"),  # a manufacturer's brief summary reprints the label
    "guideline": ("guideline",),
    "hta": ("hta",),
    "fee_schedule": ("payer", "regulatory"),
    "cost_study": ("economic_evaluation", "observational", "hta"),
    "payer_policy": ("payer",),
    "price_list": ("clinic", "news", "manufacturer", "think_tank", "web_article"),
    "service_info": ("clinic", "manufacturer", "web_article", "news"),  # what a service says it does (session length, steps)
    "drug_list_price": ("news", "hta", "manufacturer", "payer", "regulatory", "statistics"),
    "survey": ("observational", "statistics", "think_tank"),
    "review": ("review", "meta_analysis", "guideline"),
}

# Viewer-facing text never shows internal labels: a seed document's number, a cell id, or one of the team's own
# working files (a brief such as 'gaps.md R5', 'round3.md', 'verification.md'): viewers cannot open those.
_INTERNAL_LABEL = re.compile(r"\bseed(?:[ _-]*(?:document|article|doc))?[ _-]*0\d\d\b"
                             r"|\b[\w-]+\.(?:md|toml)\b|\b(?:evidence|ketamine|research|fact)\s+briefs?\b"
                             r"|\bverification\s+(?:file|notes?)\b|\bbriefs?\s+\([A-Z]{1,3}\d+\)", re.I)
# A word joined by underscores, not part of a web address or a longer word: compared with the source ids.
_ID_WORD = re.compile(r"(?<![\w/.-])\w+_\w+(?![\w/-])")
VIEWER_TEXT = {
    "sources.csv": ("title", "authors", "publisher", "note", "label"),
    "cells.csv": ("headline", "headline_plain", "value", "detail", "measure_note", "derivation"),
    "citations.csv": ("figures",),
    "effects.csv": ("effect", "frequency", "comparator", "comparator_name", "figures", "derivation"),
    "claims.csv": ("claim", "claim_plain", "reason", "meaning_plain"),
    "comparisons.csv": ("study", "outcome", "result_a", "result_b", "note"),
    "course_costs.csv": ("component", "figures", "derivation", "note"),
    "onset_points.csv": ("protocol_name", "result", "comparator", "figures", "derivation", "note"),
}

# The narrative text a viewer reads says what the sources give, not how the data were gathered ("the abstract seen",
# "n not captured", "seen 2026"). The figures column may say where a source's words were read (that is provenance
# for a checker), so it is not among these columns.
NARRATIVE_TEXT = {
    "cells.csv": ("headline", "headline_plain", "value", "detail", "measure_note"),
    "effects.csv": ("effect", "frequency", "comparator", "comparator_name"),
    "claims.csv": ("claim", "claim_plain", "reason", "meaning_plain"),
    "comparisons.csv": ("study", "outcome", "result_a", "result_b", "note", "measure_note"),
    "course_costs.csv": ("component", "note"),
    "onset_points.csv": ("protocol_name", "result", "comparator", "note"),
}
_PROCESS_WORDING = re.compile(
    r"\b(?:abstracts?|records?|pages?|sources?|summary|summaries|excerpts?|figures|cop(?:y|ies))(?: (?:was|were))? seen\b"
    r"|\bseen only\b|\bnot seen\b|\bwe could\b|\bcaptured\b|\bseen \d{4}\b", re.I)
PROCESS_MESSAGE = ("text describes how the data were gathered ('{}'); say what the sources give instead, e.g. 'the "
                   "abstract does not say', 'not found', 'accessed 2026' for an undated page")


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def missing_numbers(wanted: list[float], available: list[float]) -> list[float]:
    """The numbers of ``wanted`` that are not among ``available`` (in order, each once)."""
    out: list[float] = []
    for value in wanted:
        if not any(_same(value, have) for have in available) and not any(_same(value, o) for o in out):
            out.append(value)
    return out


def _g(value: float) -> str:
    return f"{value:g}"


class Context:
    """What the provenance rules need from the tables, computed once per validation."""

    def __init__(self, frames: dict[str, pd.DataFrame], unreadable: set[str], line):
        self.frames, self.unreadable, self.line = frames, unreadable, line
        cells = frames["cells.csv"]
        self.reported = set(cells.loc[cells["status"] == "reported", "cell_id"].dropna())
        sources = frames["sources.csv"]
        self.source_type = dict(zip(sources["source_id"], sources["source_type"]))
        cit = frames["citations.csv"]
        figures = cit["figures"] if "figures" in cit.columns else pd.Series([None] * len(cit), index=cit.index)
        self.cited: dict[str, list[tuple[str, object]]] = {}  # cell_id -> [(source_id, figures)]
        for cell_id, source_id, text in zip(cit["cell_id"], cit["source_id"], figures):
            self.cited.setdefault(cell_id, []).append((source_id, text))
        self.articles = set(frames["claims.csv"]["source_id"].dropna())
        attrs = frames["attributes.csv"].dropna(subset=["attribute_id"]).drop_duplicates("attribute_id")
        types = attrs["headline_types"] if "headline_types" in attrs.columns else pd.Series([None] * len(attrs), index=attrs.index)
        self.headline_types = {a: id_list(t) for a, t in zip(attrs["attribute_id"], types) if id_list(t)}
        self.treatment_ids = [t for t in frames["treatments.csv"]["treatment_id"].dropna()]
        # Source ids are the team's keys (viewers see titles and labels); an id with an underscore cannot be a word.
        self.source_ids = set() if "sources.csv" in unreadable else {
            str(s) for s in sources["source_id"].dropna() if "_" in str(s)}
        self.own_evidence = set(attrs.loc[attrs["own_evidence"] == "true", "attribute_id"]) if "own_evidence" in attrs else set()
        # source_id -> {treatment that was the comparator arm: the treatment under test} (comparisons.csv: tested)
        self.comparator_in: dict[str, dict[str, str]] = {}
        comparisons = frames.get("comparisons.csv")
        if comparisons is not None and "tested" in comparisons.columns:
            for r in comparisons.dropna(subset=["tested"]).to_dict("records"):
                if r["tested"] in (r["treatment_a"], r["treatment_b"]):
                    other = r["treatment_b"] if r["tested"] == r["treatment_a"] else r["treatment_a"]
                    self.comparator_in.setdefault(r["source_id"], {})[other] = r["tested"]

    def figures_numbers(self, cell_id: str, source_id: str | None = None) -> list[float]:
        return [n for sid, text in self.cited.get(cell_id, []) if source_id in (None, sid) for n in numbers_in(text)]


def citation_problems(ctx: Context, severity: str) -> list[Problem]:
    """A citation of a reported cell records the source's figures; a data cell never cites an article
    under check on the Claims page."""
    cit, out = ctx.frames["citations.csv"], []
    if "cells.csv" in ctx.unreadable:
        return out
    has_figures = "figures" in cit.columns
    for index, cell_id, source_id in zip(cit.index, cit["cell_id"], cit["source_id"]):
        row = ctx.line(cit, index)
        if has_figures and cell_id in ctx.reported and blank(cit.at[index, "figures"]):
            out.append(Problem("citations.csv", row, "figures",
                               "a citation of a reported cell needs figures: the source's own numbers at the locator, "
                               "with units, population or arm, and its qualifiers", severity))
        if source_id in ctx.articles:
            out.append(Problem("citations.csv", row, "source_id",
                               f"'{source_id}' is a popular article under check on the Claims page; it backs claims "
                               "only, never a data cell: cite the primary source", severity))
    return out


def _headline_problems(ctx: Context, cell: dict, row: int | None, severity: str) -> list[Problem]:
    """headline_source is one of the cell's citations, of a type the attribute and the design allow;
    n is in that source's figures."""
    source_id, cell_id = cell.get("headline_source"), cell["cell_id"]
    if blank(source_id):
        return [Problem("cells.csv", row, "headline_source", "a reported cell needs headline_source: the source_id of "
                                                             "the citation that carries its headline", severity)]
    if source_id not in {sid for sid, _ in ctx.cited.get(cell_id, [])}:
        return [Problem("cells.csv", row, "headline_source", f"'{source_id}' is not one of this cell's citations", severity)]
    out, kind = [], ctx.source_type.get(source_id)
    if kind is None:  # an unknown source (a foreign-key problem) or an unreadable sources.csv: nothing to compare
        return out
    allowed = ctx.headline_types.get(cell["attribute_id"])
    if allowed and kind not in allowed:
        out.append(Problem("cells.csv", row, "headline_source", f"the headline of a {cell['attribute_id']} cell comes from "
                                                                f"a {kind} source; use one of: {', '.join(allowed)}", severity))
    tested = ctx.comparator_in.get(source_id, {}).get(cell.get("treatment_id"))
    if tested and cell["attribute_id"] in ctx.own_evidence:
        out.append(Problem("cells.csv", row, "headline_source", f"'{source_id}' is a trial of '{tested}' in which this "
                                                                "treatment was the comparator arm; a "
                                                                f"{cell['attribute_id']} headline comes from the treatment's "
                                                                "own meta-analysis or pivotal trial (give the shared trial's "
                                                                "arms in value or detail)", severity))
    design = cell.get("design")
    if not blank(design) and design in DESIGN_SOURCE_TYPES and kind not in DESIGN_SOURCE_TYPES[design]:
        out.append(Problem("cells.csv", row, "design", f"design '{design}' does not fit the headline source "
                                                       f"'{source_id}', a {kind} source "
                                                       f"(fits: {', '.join(DESIGN_SOURCE_TYPES[design])})", severity))
    n = number(cell.get("n"))
    if n is not None and missing_numbers([n], ctx.figures_numbers(cell_id, source_id)):
        out.append(Problem("cells.csv", row, "n", f"n={_g(n)} is not in the figures of the headline source '{source_id}'",
                           severity))
    return out


def _number_problems(ctx: Context, cell: dict, row: int | None, severity: str) -> list[Problem]:
    """Every number of the headline and of value_min/value_max is in the citations' figures or the derivation."""
    available = ctx.figures_numbers(cell["cell_id"]) + numbers_in(cell.get("derivation"))
    out = []
    lost = missing_numbers(numbers_in(cell.get("headline")), available)
    if lost:
        out.append(Problem("cells.csv", row, "headline", f"{', '.join(map(_g, lost))} in the headline "
                                                         f"{'is' if len(lost) == 1 else 'are'} not in the figures of the "
                                                         "cell's citations or in its derivation", severity))
    for column in ("value_min", "value_max"):
        value = number(cell.get(column))
        if value is not None and missing_numbers([value], available):
            out.append(Problem("cells.csv", row, column, f"{column} {_g(value)} is not in the figures of the cell's "
                                                         "citations or in its derivation", severity))
    return out


def cell_problems(ctx: Context, severity: str) -> list[Problem]:
    cells, out = ctx.frames["cells.csv"], []
    if "citations.csv" in ctx.unreadable or "headline_source" not in cells.columns:
        return out
    for index, cell in zip(cells.index, cells.to_dict("records")):
        if cell["status"] != "reported" or blank(cell["cell_id"]) or cell["cell_id"] not in ctx.cited:
            continue  # a reported cell without citations is reported once, by validate.py
        row = ctx.line(cells, index)
        out += _headline_problems(ctx, cell, row, severity)
        out += _number_problems(ctx, cell, row, severity)
    return out


def source_problems(ctx: Context, severity: str) -> list[Problem]:
    """A source is used only once it was seen: no note that admits otherwise; research papers name their authors."""
    sources, out = ctx.frames["sources.csv"], []
    notes = sources["note"] if "note" in sources.columns else pd.Series([None] * len(sources), index=sources.index)
    for index, note, kind, authors in zip(sources.index, notes, sources["source_type"], sources["authors"]):
        row = ctx.line(sources, index)
        if not blank(note) and UNSEEN.search(str(note)):
            out.append(Problem("sources.csv", row, "note", "the note says part of this source was not seen; use a source "
                                                           "only after its exact title, authors and identifiers are seen",
                               severity))
        if kind in RESEARCH_TYPES and blank(authors):
            out.append(Problem("sources.csv", row, "authors", f"a {kind} paper needs its authors", severity))
    return out


def _texts(ctx: Context, columns_by_file: dict[str, tuple[str, ...]]):
    """(file, frame, index, column, text) of every non-blank text field named in ``columns_by_file`` of a readable
    file (the caller asks ``ctx.line`` only for a field that breaks its rule: looking a line up costs more than the check)."""
    for name, columns in columns_by_file.items():
        frame = ctx.frames.get(name)
        if frame is None or name in ctx.unreadable:
            continue
        for column in (c for c in columns if c in frame.columns):
            for index, text in zip(frame.index, frame[column]):
                if not blank(text):
                    yield name, frame, index, column, str(text)


def internal_label_problems(ctx: Context, severity: str) -> list[Problem]:
    """Viewer-facing text names no seed document, no cell id, no source id and no working file of the team (the app
    shows titles, names and the pages read instead)."""
    cell_id = re.compile(r"\b(?:" + "|".join(map(re.escape, ctx.treatment_ids)) + r")\.[a-z_]+", re.I) if ctx.treatment_ids else None
    def names_source(text: str) -> bool:
        return bool(ctx.source_ids) and any(word in ctx.source_ids for word in _ID_WORD.findall(text))
    return [Problem(name, ctx.line(frame, index), column, "text names an internal label (a seed document number, a cell "
                    "or source id, or a working file); name the article, the treatment and attribute, or the page read "
                    "instead", severity)
            for name, frame, index, column, text in _texts(ctx, VIEWER_TEXT)
            if _INTERNAL_LABEL.search(text) or (cell_id is not None and cell_id.search(text))
            or names_source(text)]


def process_wording_problems(ctx: Context, severity: str) -> list[Problem]:
    """Narrative text a viewer reads does not describe our reading ('the abstract seen', 'n not captured')."""
    return [Problem(name, ctx.line(frame, index), column, PROCESS_MESSAGE.format(found.group(0)), severity)
            for name, frame, index, column, text in _texts(ctx, NARRATIVE_TEXT)
            if (found := _PROCESS_WORDING.search(text))]


def course_cost_problems(ctx: Context, severity: str) -> list[Problem]:
    """Every amount of course_costs.csv (unit_cost, unit_cost_high) is in the row's figures (the source's own
    numbers) or in its derivation (our arithmetic from them)."""
    frame, out = ctx.frames.get("course_costs.csv"), []
    if frame is None or "course_costs.csv" in ctx.unreadable:
        return out
    for index, row in zip(frame.index, frame.to_dict("records")):
        available = numbers_in(row.get("figures")) + numbers_in(row.get("derivation"))
        for column in ("unit_cost", "unit_cost_high"):
            value = number(row.get(column))
            if value is not None and missing_numbers([value], available):
                out.append(Problem("course_costs.csv", ctx.line(frame, index), column,
                                   f"{column} {_g(value)} is not in the row's figures or in its derivation", severity))
    return out


def onset_point_problems(ctx: Context, severity: str) -> list[Problem]:
    """Every number of an onset point's result and its days_min/days_max is in the row's figures (the source's own
    numbers) or in its derivation (our arithmetic: weeks x 7, hours ÷ 24), as for a cell's headline and values."""
    frame, out = ctx.frames.get("onset_points.csv"), []
    if frame is None or "onset_points.csv" in ctx.unreadable:
        return out
    for index, row in zip(frame.index, frame.to_dict("records")):
        available = numbers_in(row.get("figures")) + numbers_in(row.get("derivation"))
        line = ctx.line(frame, index)
        lost = missing_numbers(numbers_in(row.get("result")), available)
        if lost:
            out.append(Problem("onset_points.csv", line, "result", f"{', '.join(map(_g, lost))} in the result "
                                                                   f"{'is' if len(lost) == 1 else 'are'} not in the row's "
                                                                   "figures or in its derivation", severity))
        for column in ONSET_POINT_NUMBER_COLUMNS:
            value = number(row.get(column))
            if value is not None and missing_numbers([value], available):
                out.append(Problem("onset_points.csv", line, column,
                                   f"{column} {_g(value)} is not in the row's figures or in its derivation", severity))
    return out


RULES = (citation_problems, cell_problems, source_problems, internal_label_problems, process_wording_problems,
         course_cost_problems, onset_point_problems)


def problems(frames: dict[str, pd.DataFrame], unreadable: set[str], line, severity: str = "error") -> list[Problem]:
    ctx = Context(frames, unreadable, line)
    return [p for rule in RULES for p in rule(ctx, severity)]
