"""Check a data folder: per-table schema (pandera) plus the rules that span tables.

``validate_raw`` returns every problem found (not just the first), each naming file, row and column.
It never writes to the data files.
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import pandas as pd
import pandera.errors as pa_errors

from .load import LINE, RawTables
from .problems import Problem
from .schema import (
    CELL_ID_PATTERN,
    CLAIMS_PAYERS_CANNOT_BACK,
    COST_ATTRIBUTES_UNIT,
    MEASURES_NEEDING_NOTE,
    NO_EVIDENCE_SEARCH_PREFIX,
    PAYER_TYPES,
    PERCENT_UNIT,
    SINGLE_STUDY_DESIGNS,
    TABLES,
    band_for_percent,
    is_ip_host,
)
from .schema import CLAIM_SOURCE_TYPE, LIST_SEPARATOR  # claims.csv / comparisons.csv

# The measures a number may have, by the attribute it belongs to (one vocabulary for every treatment).
ONSET_MEASURES = ("first_improvement", "response", "remission", "half_improved")
EFFICACY_MEASURES = ("response", "remission", "symptom_change")
SETTING_MEASURES = ("duration", "count", "frequency")

# Markup or script in a text field: data is shown as plain text, so none of this belongs there.
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!?]|\bjavascript\s*:|\bvbscript\s*:|\bdata\s*:\s*[a-z]+/|on[a-z]+\s*=\s*['\"]", re.I)
_ALLOWED_SCHEMES = ("http", "https")


def _line(frame: pd.DataFrame, index) -> int | None:
    try:
        return int(frame.at[index, LINE])
    except (KeyError, ValueError, TypeError):
        return None


def _friendly(check: str, failure) -> str:
    value = repr(failure) if not isinstance(failure, str) else f"'{failure}'"
    if check == "not_nullable":
        return "a value is required"
    if check == "field_uniqueness":
        return f"{value} appears more than once; ids must be unique"
    if check.startswith("coerce_dtype"):
        return f"{value} is not a number"
    if check.startswith("str_matches"):
        pattern = check[len("str_matches("):-1]
        return f"{value} does not have the expected form {pattern}"
    if check.startswith("isin"):
        allowed = check[len("isin("):-1]
        return f"{value} is not one of the allowed values {allowed}"
    if check.startswith("str_length"):
        return f"text is too long ({len(str(failure))} characters; {check})"
    if check.startswith("greater_than_or_equal_to") or check.startswith("less_than_or_equal_to"):
        return f"{value} is out of range ({check})"
    return f"{value} fails check {check}"


def _schema_problems(name: str, frame: pd.DataFrame, raw: RawTables) -> list[Problem]:
    model = TABLES[name]
    skip = raw.missing.get(name, set())
    data = frame.drop(columns=[LINE])
    try:
        model.validate(data, lazy=True)
        return []
    except pa_errors.SchemaErrors as exc:
        cases = exc.failure_cases
    except pa_errors.SchemaError as exc:  # pragma: no cover - lazy mode should collect
        return [Problem(name, None, None, str(exc))]
    out = []
    for case in cases.itertuples(index=False):
        column = case.column if isinstance(case.column, str) else None
        check = str(case.check)
        if column in skip or check == "column_in_dataframe" or check.startswith("dtype("):
            continue  # missing columns are reported once; failed number conversion is reported by coerce_dtype
        index = case.index
        row = None if index is None or (isinstance(index, float) and pd.isna(index)) else _line(frame, index)
        out.append(Problem(name, row, column, _friendly(check, case.failure_case)))
    return out


def _text_problems(name: str, frame: pd.DataFrame) -> list[Problem]:
    out = []
    for column in frame.columns:
        if column == LINE or column == "url":
            continue
        values = frame[column]
        hits = values.map(lambda v: isinstance(v, str) and bool(_MARKUP.search(v)))
        for index in values.index[hits.astype(bool)]:
            out.append(Problem(name, _line(frame, index), column, "text contains markup or a script scheme (HTML tags, javascript:, data:); write plain text"))
    return out


def check_url(url: str, blocked: set[str]) -> str | None:
    """Why ``url`` may not be published, or None when it is fine."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in _ALLOWED_SCHEMES:
        return f"uses the scheme '{parts.scheme or '(none)'}'; only http and https links are allowed"
    host = (parts.hostname or "").lower()
    if not host:
        return "has no host name"
    if parts.username or parts.password:
        return "must not contain a user name or password"
    if is_ip_host(host):
        return f"points at a bare IP address ({host}); cite the canonical page"
    for bad in blocked:
        if host == bad or host.endswith("." + bad):
            return f"points at {host}, a mirror or copy host listed in blocked_hosts.csv; cite the canonical work"
    if any(ch.isspace() for ch in url):
        return "contains spaces"
    return None


def _valid_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
        return True
    except (TypeError, ValueError):
        return False


def _num(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(number) else number


def _cross_table(raw: RawTables) -> list[Problem]:
    f = raw.frames
    out: list[Problem] = []
    P = Problem
    treatments = set(f["treatments.csv"]["treatment_id"].dropna())
    conditions = set(f["conditions.csv"]["condition_id"].dropna())
    attrs = f["attributes.csv"].dropna(subset=["attribute_id"]).drop_duplicates("attribute_id").set_index("attribute_id", drop=False)
    sources = set(f["sources.csv"]["source_id"].dropna())
    attr_records = {a["attribute_id"]: a for a in attrs.to_dict("records")}
    blocked = {h.lower() for h in f["blocked_hosts.csv"]["host"].dropna()}
    cells = f["cells.csv"]
    citations = f["citations.csv"]
    cited_cells = set(citations["cell_id"].dropna())
    today = dt.date.today()
    readable = {name: name not in raw.unreadable for name in f}

    seen_keys: dict[tuple, int | None] = {}
    for idx, cell in zip(cells.index, cells.to_dict("records")):
        row = _line(cells, idx)
        tid, cid, aid = cell["treatment_id"], cell["condition_id"], cell["attribute_id"]
        if tid is not None and readable["treatments.csv"] and tid not in treatments:
            out.append(P("cells.csv", row, "treatment_id", f"unknown treatment '{tid}' (not in treatments.csv)"))
        if cid is not None and readable["conditions.csv"] and cid not in conditions:
            out.append(P("cells.csv", row, "condition_id", f"unknown condition '{cid}' (not in conditions.csv)"))
        attr = None
        if aid is not None:
            if aid in attr_records:
                attr = attr_records[aid]
            elif readable["attributes.csv"]:
                out.append(P("cells.csv", row, "attribute_id", f"unknown attribute '{aid}' (not in attributes.csv)"))
        key = (tid, cid, aid)
        if key in seen_keys:
            out.append(P("cells.csv", row, "attribute_id", f"duplicate cell for ({tid}, {cid or 'all conditions'}, {aid}); first on row {seen_keys[key]}"))
        else:
            seen_keys[key] = row
        status = cell["status"]
        vmin, vmax = _num(cell["value_min"]), _num(cell["value_max"])
        if vmin is not None and vmax is not None and vmin > vmax:
            out.append(P("cells.csv", row, "value_max", f"value_max {vmax:g} is smaller than value_min {vmin:g}"))
        if isinstance(cell["reviewed"], str) and re.match(r"^\d{4}-\d{2}-\d{2}$", cell["reviewed"]):
            if not _valid_date(cell["reviewed"]):
                out.append(P("cells.csv", row, "reviewed", f"'{cell['reviewed']}' is not a real date"))
            elif dt.date.fromisoformat(cell["reviewed"]) > today:
                out.append(P("cells.csv", row, "reviewed", f"'{cell['reviewed']}' is in the future"))
        cell_id = cell["cell_id"]
        if status == "reported" and cell_id is not None and readable["citations.csv"] and cell_id not in cited_cells:
            out.append(P("cells.csv", row, "cell_id", f"reported cell '{cell_id}' has no citation in citations.csv"))
        if status in ("no_evidence", "not_applicable") and (vmin is not None or vmax is not None):
            out.append(P("cells.csv", row, "value_min", f"a {status} cell must not carry numbers"))
        if attr is None:
            continue
        per_condition = attr["per_condition"] == "true"
        if per_condition and cid is None:
            out.append(P("cells.csv", row, "condition_id", f"attribute '{aid}' differs by condition, so condition_id is required"))
        if not per_condition and cid is not None:
            out.append(P("cells.csv", row, "condition_id", f"attribute '{aid}' does not depend on condition; leave condition_id empty"))
        if attr["numeric"] != "true" and (vmin is not None or vmax is not None):
            out.append(P("cells.csv", row, "value_min", f"attribute '{aid}' is not numeric; leave value_min/value_max empty"))
        unit = attr["unit"]
        if unit == PERCENT_UNIT:
            for column, number in (("value_min", vmin), ("value_max", vmax)):
                if number is not None and not 0 <= number <= 100:
                    out.append(P("cells.csv", row, column, f"{number:g} is not a percentage between 0 and 100"))
        if status == "reported" and unit == COST_ATTRIBUTES_UNIT:
            for column in ("currency", "price_year", "price_year_basis", "region"):
                if cell.get(column) is None:
                    out.append(P("cells.csv", row, column, "a price must be dated and located: currency, price_year, price_year_basis and region are required"))
        is_side_effect = attr["group"] == "side_effects"
        band = cell.get("band")
        if is_side_effect and status == "reported" and band is None:
            out.append(P("cells.csv", row, "band", "a reported side-effect cell needs a frequency band"))
        if band is not None and not is_side_effect:
            out.append(P("cells.csv", row, "band", "band is only used on side-effect cells"))
        if is_side_effect and band is not None and vmax is not None and unit == PERCENT_UNIT:
            expected = band_for_percent(vmax)
            if band in ("very_common", "common", "uncommon", "rare", "very_rare") and band != expected:
                out.append(P("cells.csv", row, "band", f"band '{band}' does not match value_max {vmax:g}% (expected '{expected}')"))
        category = cell.get("category")
        if aid == "evidence_status" and status == "reported" and category is None:
            out.append(P("cells.csv", row, "category", "a reported evidence-status cell needs a category"))
        if category is not None and aid != "evidence_status":
            out.append(P("cells.csv", row, "category", "category is only used on evidence_status cells"))

    out += _measure_problems(raw, attr_records)
    cell_ids = set(cells["cell_id"].dropna())
    seen_citations: dict[tuple, int | None] = {}
    for idx, cit in zip(citations.index, citations.to_dict("records")):
        row = _line(citations, idx)
        if cit["cell_id"] is not None and readable["cells.csv"] and cit["cell_id"] not in cell_ids:
            out.append(P("citations.csv", row, "cell_id", f"unknown cell '{cit['cell_id']}' (not in cells.csv)"))
        if cit["source_id"] is not None and readable["sources.csv"] and cit["source_id"] not in sources:
            out.append(P("citations.csv", row, "source_id", f"unknown source '{cit['source_id']}' (not in sources.csv)"))
        key = (cit["cell_id"], cit["source_id"], cit["locator"])
        if key in seen_citations:
            out.append(P("citations.csv", row, "source_id", f"duplicate citation; same as row {seen_citations[key]}"))
        else:
            seen_citations[key] = row

    srcs = f["sources.csv"]
    cited_sources = set(citations["source_id"].dropna()) | set(f["effects.csv"]["source_id"].dropna())
    cited_sources |= claim_and_comparison_sources(raw)
    for idx, src in zip(srcs.index, srcs.to_dict("records")):
        row = _line(srcs, idx)
        url, doi, pmid = src["url"], src["doi"], src["pmid"]
        if url is not None:
            why = check_url(url, blocked)
            if why:
                out.append(P("sources.csv", row, "url", f"URL {why}"))
            elif doi is not None and urlsplit(url).hostname in ("doi.org", "dx.doi.org"):
                if urlsplit(url).path.lstrip("/").lower() != str(doi).lower():
                    out.append(P("sources.csv", row, "url", f"doi.org link does not match the doi column ({doi})"))
        if url is None and doi is None and pmid is None and src["source_type"] != "web_article":
            out.append(P("sources.csv", row, "url", "a source needs at least one of url, doi or pmid"))
        if src["source_id"] is not None and readable["citations.csv"] and src["source_id"] not in cited_sources:
            out.append(P("sources.csv", row, "source_id", f"source '{src['source_id']}' is not cited by any cell, effect, claim or comparison", "warning"))

    effects = f["effects.csv"]
    se_cells = {
        cid for cid, aid in zip(cells["cell_id"], cells["attribute_id"])
        if aid in attr_records and attr_records[aid]["group"] == "side_effects"
    }
    for idx, eff in zip(effects.index, effects.to_dict("records")):
        row = _line(effects, idx)
        if eff["cell_id"] is not None and readable["cells.csv"] and eff["cell_id"] not in se_cells:
            out.append(P("effects.csv", row, "cell_id", f"'{eff['cell_id']}' is not a side-effect cell in cells.csv"))
        if eff["source_id"] is not None and readable["sources.csv"] and eff["source_id"] not in sources:
            out.append(P("effects.csv", row, "source_id", f"unknown source '{eff['source_id']}' (not in sources.csv)"))
        vmin, vmax = _num(eff["value_min"]), _num(eff["value_max"])
        if vmin is not None and vmax is not None and vmin > vmax:
            out.append(P("effects.csv", row, "value_max", f"value_max {vmax:g} is smaller than value_min {vmin:g}"))
    return out


def _measure_rules(cell: dict, attr: dict | None) -> list[tuple[str, str]]:
    """(column, message) for each way a cell fails to say what its number measures and how it was obtained."""
    out = []
    status = cell["status"]
    if status in ("reported", "not_applicable") and cell.get("headline") is None:
        out.append(("headline", f"a {status} cell needs a headline (at most 45 characters) for the overview"))
    if status == "no_evidence" and not str(cell.get("detail") or "").startswith(NO_EVIDENCE_SEARCH_PREFIX):
        out.append(("detail", f"a no_evidence cell's detail must say what was searched, starting with '{NO_EVIDENCE_SEARCH_PREFIX} …'"))
    numeric = _num(cell["value_min"]) is not None or _num(cell["value_max"]) is not None
    if status != "reported" or not numeric:
        return out
    for column in ("measure", "design"):
        if cell.get(column) is None:
            out.append((column, f"a reported number must say what it measures and how it was obtained: {column} is required"))
    if cell.get("design") in SINGLE_STUDY_DESIGNS and _num(cell.get("n")) is None:
        out.append(("n", f"a result from a single study ({cell['design']}) needs its size n"))
    if cell.get("measure") in MEASURES_NEEDING_NOTE and cell.get("measure_note") is None:
        out.append(("measure_note", f"a {cell['measure']} figure needs measure_note naming the scale and who rated it"))
    if attr is None or cell.get("measure") is None:
        return out
    allowed = (("price",) if attr["unit"] == COST_ATTRIBUTES_UNIT else ONSET_MEASURES if attr["group"] == "onset"
               else ("incidence",) if attr["group"] == "side_effects" else EFFICACY_MEASURES if attr["group"] == "evidence"
               else SETTING_MEASURES if attr["group"] == "setting" else None)
    if allowed and cell["measure"] not in allowed:
        out.append(("measure", f"measure '{cell['measure']}' does not fit attribute '{attr['attribute_id']}' (use one of {', '.join(allowed)})"))
    return out


def _measure_problems(raw: RawTables, attr_records: dict) -> list[Problem]:
    """What each number measures, its design and size, the search behind a gap, and payer-only backing."""
    f = raw.frames
    cells, citations, sources = f["cells.csv"], f["citations.csv"], f["sources.csv"]
    kinds = dict(zip(sources["source_id"], sources["source_type"]))
    cited_kinds: dict[str, set] = {}
    for cell_id, source_id in zip(citations["cell_id"], citations["source_id"]):
        cited_kinds.setdefault(cell_id, set()).add(kinds.get(source_id))
    out = []
    for idx, cell in zip(cells.index, cells.to_dict("records")):
        row = _line(cells, idx)
        out += [Problem("cells.csv", row, column, message)
                for column, message in _measure_rules(cell, attr_records.get(cell["attribute_id"]))]
        backing = cited_kinds.get(cell["cell_id"], set())
        if (cell["status"] == "reported" and cell["attribute_id"] in CLAIMS_PAYERS_CANNOT_BACK and backing
                and "sources.csv" not in raw.unreadable and backing <= set(PAYER_TYPES)):
            out.append(Problem("cells.csv", row, "cell_id", "a payer policy cannot be the only support for an efficacy, onset or approval claim; cite a regulator, guideline or study"))
    return out


def validate_raw(raw: RawTables) -> list[Problem]:
    """All problems in the tables read by ``load.read_tables`` (read problems included)."""
    problems = list(raw.problems)
    for name, frame in raw.frames.items():
        if name in raw.unreadable:
            continue
        problems += _schema_problems(name, frame, raw)
        problems += _text_problems(name, frame)
    problems += _cross_table(raw)
    problems += claims_and_comparisons_problems(raw)
    # One message per (file, row, column, message); stable order for people reading it.
    unique = sorted(set(problems), key=lambda p: (list(TABLES).index(p.file) if p.file in TABLES else 99, p.row or 0, p.column or "", p.message))
    return unique


# --- claims.csv and comparisons.csv (issue 14) -------------------------------------------------------
def _id_list(value) -> list[str]:
    """The ids in a semicolon-separated list cell ('' and None give [])."""
    return [part.strip() for part in str(value or "").split(LIST_SEPARATOR) if part.strip()]


def claim_and_comparison_sources(raw: RawTables) -> set[str]:
    """Sources cited by claims (their article and decisive sources) and by comparisons."""
    claims, comparisons = raw.frames.get("claims.csv"), raw.frames.get("comparisons.csv")
    out: set[str] = set()
    if claims is not None and len(claims):
        out |= set(claims["source_id"].dropna())
        out |= {s for value in claims["source_ids"] for s in _id_list(value)}
    if comparisons is not None and len(comparisons):
        out |= set(comparisons["source_id"].dropna())
    return out


def claims_and_comparisons_problems(raw: RawTables) -> list[Problem]:
    """Rules spanning tables for claims.csv and comparisons.csv: every id they name exists, a claim comes
    from a web article, a comparison compares two different known treatments, and its numbers make sense
    (rates in %, ci_low <= effect <= ci_high, an effect always says its measure and direction)."""
    f, P, out = raw.frames, Problem, []
    readable = {name: name not in raw.unreadable for name in f}
    treatments = set(f["treatments.csv"]["treatment_id"].dropna())
    conditions = set(f["conditions.csv"]["condition_id"].dropna())
    cells = f["cells.csv"]
    cell_ids = set(cells["cell_id"].dropna())
    source_types = dict(zip(f["sources.csv"]["source_id"], f["sources.csv"]["source_type"]))
    cited_by_cell: dict[str, set] = {}
    for cell_id, source_id in zip(f["citations.csv"]["cell_id"], f["citations.csv"]["source_id"]):
        cited_by_cell.setdefault(cell_id, set()).add(source_id)
    today = dt.date.today()

    def known(file, row, column, value, ids, table, what):
        if value is not None and readable[table] and value not in ids:
            out.append(P(file, row, column, f"unknown {what} '{value}' (not in {table})"))

    def reviewed(file, row, value):
        if isinstance(value, str) and re.match(r"^\d{4}-\d{2}-\d{2}$", value):
            if not _valid_date(value):
                out.append(P(file, row, "reviewed", f"'{value}' is not a real date"))
            elif dt.date.fromisoformat(value) > today:
                out.append(P(file, row, "reviewed", f"'{value}' is in the future"))

    claims = f["claims.csv"]
    for idx, claim in zip(claims.index, claims.to_dict("records")):
        row = _line(claims, idx)
        article = claim["source_id"]
        known("claims.csv", row, "source_id", article, source_types, "sources.csv", "source")
        if article in source_types and source_types[article] != CLAIM_SOURCE_TYPE:
            out.append(P("claims.csv", row, "source_id", f"the article a claim comes from must be a {CLAIM_SOURCE_TYPE} source; '{article}' is a {source_types[article]}"))
        known("claims.csv", row, "condition_id", claim["condition_id"], conditions, "conditions.csv", "condition")
        listed = _id_list(claim["cell_ids"])
        if claim["cell_ids"] is not None and not listed:
            out.append(P("claims.csv", row, "cell_ids", "list at least one cell id (separate several with ';')"))
        for cell_id in listed:
            known("claims.csv", row, "cell_ids", cell_id, cell_ids, "cells.csv", "cell")
        backing = set().union(*(cited_by_cell.get(c, set()) for c in listed)) if listed else set()
        for source_id in _id_list(claim["source_ids"]):
            known("claims.csv", row, "source_ids", source_id, source_types, "sources.csv", "source")
            if source_id in source_types and readable["citations.csv"] and source_id not in backing:
                out.append(P("claims.csv", row, "source_ids", f"source '{source_id}' is not cited by any of the claim's cells; "
                             "a verdict rests on the cells, so cite it there first", "warning"))
        reviewed("claims.csv", row, claim["reviewed"])

    comparisons = f["comparisons.csv"]
    for idx, comp in zip(comparisons.index, comparisons.to_dict("records")):
        row = _line(comparisons, idx)
        a, b = comp["treatment_a"], comp["treatment_b"]
        known("comparisons.csv", row, "treatment_a", a, treatments, "treatments.csv", "treatment")
        known("comparisons.csv", row, "treatment_b", b, treatments, "treatments.csv", "treatment")
        if a is not None and a == b:
            out.append(P("comparisons.csv", row, "treatment_b", "treatment_b must differ from treatment_a"))
        known("comparisons.csv", row, "condition_id", comp["condition_id"], conditions, "conditions.csv", "condition")
        known("comparisons.csv", row, "source_id", comp["source_id"], source_types, "sources.csv", "source")
        effect, low, high = (_num(comp[c]) for c in ("effect", "ci_low", "ci_high"))
        if low is not None and high is not None and low > high:
            out.append(P("comparisons.csv", row, "ci_high", f"ci_high {high:g} is smaller than ci_low {low:g}"))
        if effect is not None and low is not None and effect < low:
            out.append(P("comparisons.csv", row, "effect", f"effect {effect:g} is below ci_low {low:g}"))
        if effect is not None and high is not None and effect > high:
            out.append(P("comparisons.csv", row, "effect", f"effect {effect:g} is above ci_high {high:g}"))
        if (low is None) != (high is None):
            out.append(P("comparisons.csv", row, "ci_low" if low is None else "ci_high", "give both ends of the interval, or neither"))
        if (effect is not None or low is not None or high is not None) and comp.get("effect_measure") is None:
            out.append(P("comparisons.csv", row, "effect_measure", "an effect or interval needs effect_measure naming the measure and its "
                         "direction as the source reports it (e.g. 'risk difference, ECT minus ketamine')"))
        reviewed("comparisons.csv", row, comp["reviewed"])
    return out


__all__ = ["validate_raw", "check_url", "CELL_ID_PATTERN"]
