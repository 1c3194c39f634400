"""Check a data folder: the pandera models of ``schema.py`` (columns and row rules), the foreign keys
of ``schema.FOREIGN_KEYS``, then one small function per file for the rules that need other rows.

``validate_raw`` returns every problem found (not just the first), each naming file, row and column.
It never writes to the data files.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pandas as pd
import pandera.errors as pa_errors

from . import policies, provenance
from .load import LINE, RawTables
from .problems import Problem
from .cite import check_url
from .rules import (ATTRIBUTE_FIELDS, ATTRIBUTE_PREFIX, CLAIM_SOURCE_TYPE, EFFECT_NUMBER_COLUMNS, FOREIGN_KEYS, PAYER_TYPES,
                    ForeignKey, id_list, number)
from .schema import CELL_ID_PATTERN, MARKUP_PATTERN, TABLES

_MARKUP = re.compile(MARKUP_PATTERN, re.I)
_MARKUP_MESSAGE = "text contains markup or a script scheme (HTML tags, javascript:, data:); write plain text"


def _line(frame: pd.DataFrame, index) -> int | None:
    try:
        return int(frame.at[index, LINE])
    except (KeyError, ValueError, TypeError):
        return None


def _quoted(failure) -> str:
    return f"'{failure}'" if isinstance(failure, str) else repr(failure)


def _args(check: str) -> str:
    """The arguments of a pandera check as it names itself: 'isin([...])' -> '[...]'."""
    return check.partition("(")[2][:-1]


# pandera check name -> message builder (failure value, check as pandera names it).
MESSAGES = {
    "not_nullable": lambda value, check: "a value is required",
    "field_uniqueness": lambda value, check: f"{_quoted(value)} appears more than once; ids must be unique",
    "coerce_dtype": lambda value, check: f"{_quoted(value)} is not a number",
    "str_matches": lambda value, check: f"{_quoted(value)} does not have the expected form {_args(check)}",
    "isin": lambda value, check: f"{_quoted(value)} is not one of the allowed values {_args(check)}",
    "str_length": lambda value, check: f"text is too long ({len(str(value))} characters; {check})",
    "greater_than_or_equal_to": lambda value, check: f"{_quoted(value)} is out of range ({check})",
    "greater_than": lambda value, check: f"{_quoted(value)} is out of range ({check})",
    "less_than_or_equal_to": lambda value, check: f"{_quoted(value)} is out of range ({check})",
    "real_date": lambda value, check: f"{_quoted(value)} is not a real date",
    "not_future": lambda value, check: f"{_quoted(value)} is in the future",
}


def _friendly(check: str, failure) -> str:
    builder = MESSAGES.get(check.partition("(")[0])
    return builder(failure, check) if builder else f"{_quoted(failure)} fails check {check}"


def _attributes(raw: RawTables) -> pd.DataFrame:
    """attributes.csv indexed by attribute_id (the first row of an id that appears twice)."""
    attrs = raw.frames["attributes.csv"]
    return attrs.dropna(subset=["attribute_id"]).drop_duplicates("attribute_id").set_index("attribute_id")


def _with_attributes(frame: pd.DataFrame, raw: RawTables) -> pd.DataFrame:
    """Cells with their attribute's fields joined on as ``_attribute_<field>`` (for the row rules)."""
    attrs, out = _attributes(raw), frame.copy()
    out[ATTRIBUTE_PREFIX + "known"] = frame["attribute_id"].isin(attrs.index)
    for field in ATTRIBUTE_FIELDS:
        out[ATTRIBUTE_PREFIX + field] = frame["attribute_id"].map(attrs[field])
    return out


def _failure_cases(name: str, frame: pd.DataFrame) -> pd.DataFrame | None:
    try:
        TABLES[name].validate(frame.drop(columns=[LINE]), lazy=True)
    except pa_errors.SchemaErrors as exc:
        return exc.failure_cases
    return None


def _row_rule_problems(name: str, frame: pd.DataFrame, cases: pd.DataFrame) -> list[Problem]:
    """A problem per failed row rule and row (pandera lists the row once per column; validate_raw keeps one)."""
    rules = TABLES[name].__row_rules__
    return [Problem(name, _line(frame, index), rules[check].column, rules[check].message(frame.loc[index].to_dict()))
            if index in frame.index else Problem(name, None, None, f"{_quoted(failure)} fails check {check}")  # a rule raised
            for check, index, failure in zip(cases["check"], cases["index"], cases["failure_case"])]


def _schema_problems(name: str, frame: pd.DataFrame, raw: RawTables) -> list[Problem]:
    data = _with_attributes(frame, raw) if name == "cells.csv" else frame
    cases = _failure_cases(name, data)
    if cases is None:
        return []
    by_rule = cases["check"].isin(list(TABLES[name].__row_rules__))
    out = _row_rule_problems(name, data, cases[by_rule])
    rest = cases[~by_rule]
    for column, check, index, failure in zip(rest["column"], rest["check"].astype(str), rest["index"], rest["failure_case"]):
        if column in raw.missing[name] or check.startswith("dtype("):
            continue  # a missing column is reported once by load.py, a failed number conversion by coerce_dtype
        out.append(Problem(name, _line(frame, index), column, _friendly(check, failure)))
    return out


def _text_problems(name: str, frame: pd.DataFrame) -> list[Problem]:
    out = []
    for column in frame.columns:
        if column == "url":
            continue  # checked as a link (check_url)
        out += [Problem(name, _line(frame, index), column, _MARKUP_MESSAGE)  # plain loop: a map per column cost more
                for index, value in zip(frame.index, frame[column].tolist()) if isinstance(value, str) and _MARKUP.search(value)]
    return out


# --- Foreign keys: one loop over schema.FOREIGN_KEYS ---------------------------------------------------
def _target_ids(raw: RawTables, key: ForeignKey) -> set:
    target = raw.frames[key.target_file]
    if key.target_group is None:
        return set(target[key.target_column].dropna())
    groups = _attributes(raw)["group"].to_dict()
    return {value for value, attribute in zip(target[key.target_column], target["attribute_id"])
            if attribute in groups and groups[attribute] == key.target_group}


def _foreign_key_problems(raw: RawTables) -> list[Problem]:
    out = []
    for key in FOREIGN_KEYS:
        if key.target_file in raw.unreadable:
            continue
        ids, frame = _target_ids(raw, key), raw.frames[key.file]
        for index, field in zip(frame.index, frame[key.column]):
            values = id_list(field) if key.is_list else [] if field is None else [field]
            out += [Problem(key.file, _line(frame, index), key.column,
                            key.message.format(noun=key.noun, value=value, target_file=key.target_file))
                    for value in values if value not in ids]
    return out


# --- The rules that need other rows or files: one function per file -------------------------------------
def _cited_kinds(raw: RawTables) -> dict[str, set]:
    """cell_id -> the source types of its citations."""
    sources, citations = raw.frames["sources.csv"], raw.frames["citations.csv"]
    kinds = dict(zip(sources["source_id"], sources["source_type"]))
    out: dict[str, set] = {}
    for cell_id, source_id in zip(citations["cell_id"], citations["source_id"]):
        out.setdefault(cell_id, set()).add(kinds.get(source_id))
    return out


def _cells_problems(raw: RawTables) -> list[Problem]:
    """One cell per (treatment, condition, attribute); a reported cell is cited, and not by a payer alone
    when it speaks for efficacy, onset or approval."""
    cells, out, first = raw.frames["cells.csv"], [], {}
    cited = set(raw.frames["citations.csv"]["cell_id"].dropna())
    kinds = _cited_kinds(raw)
    unbacked = set(_attributes(raw).query("payer_can_back == 'false'").index)
    for index, cell in zip(cells.index, cells.to_dict("records")):
        row, tid, cid, aid = _line(cells, index), cell["treatment_id"], cell["condition_id"], cell["attribute_id"]
        if (tid, cid, aid) in first:
            out.append(Problem("cells.csv", row, "attribute_id", f"duplicate cell for ({tid}, {cid or 'all conditions'}, {aid}); "
                                                                 f"first on row {first[(tid, cid, aid)]}"))
        first.setdefault((tid, cid, aid), row)
        reported = cell["status"] == "reported"
        if reported and cell["cell_id"] is not None and "citations.csv" not in raw.unreadable and cell["cell_id"] not in cited:
            out.append(Problem("cells.csv", row, "cell_id", f"reported cell '{cell['cell_id']}' has no citation in citations.csv"))
        backing = kinds.get(cell["cell_id"])  # None when the cell has no citation
        if (reported and aid in unbacked and backing and "sources.csv" not in raw.unreadable
                and backing <= set(PAYER_TYPES)):
            out.append(Problem("cells.csv", row, "cell_id", "a payer policy cannot be the only support for an efficacy, onset "
                                                           "or approval claim; cite a regulator, guideline or study"))
    return out


def _citations_problems(raw: RawTables) -> list[Problem]:
    """One citation per (cell, source, locator)."""
    citations, out, first = raw.frames["citations.csv"], [], {}
    for index, key in zip(citations.index, zip(citations["cell_id"], citations["source_id"], citations["locator"])):
        if key in first:
            out.append(Problem("citations.csv", _line(citations, index), "source_id", f"duplicate citation; same as row {first[key]}"))
        else:
            first[key] = _line(citations, index)
    return out


def _url_problem(url, doi, blocked: set[str]) -> str | None:
    why = check_url(url, blocked)
    if why:
        return f"URL {why}"
    if doi is not None and urlsplit(url).hostname in ("doi.org", "dx.doi.org"):
        if urlsplit(url).path.removeprefix("/").lower() != str(doi).lower():
            return f"doi.org link does not match the doi column ({doi})"
    return None


def _sources_problems(raw: RawTables) -> list[Problem]:
    """A safe link that agrees with the doi; a warning for a source nothing cites."""
    sources, out = raw.frames["sources.csv"], []
    blocked = {host.lower() for host in raw.frames["blocked_hosts.csv"]["host"].dropna()}
    cited = set(raw.frames["citations.csv"]["source_id"].dropna()) | set(raw.frames["effects.csv"]["source_id"].dropna())
    cited |= claim_and_comparison_sources(raw) | set(raw.frames["course_costs.csv"]["source_id"].dropna())
    cited |= set(raw.frames["onset_points.csv"]["source_id"].dropna())
    first: dict[tuple[str, str], int | None] = {}
    for index, url, doi, source_id in zip(sources.index, sources["url"], sources["doi"], sources["source_id"]):
        row = _line(sources, index)
        why = _url_problem(url, doi, blocked) if url is not None else None
        if why:
            out.append(Problem("sources.csv", row, "url", why))
        for column in ("doi", "pmid"):  # one work, one row: else the bibliography lists it twice
            value = sources.at[index, column]
            if value is None:
                continue
            key = (column, str(value).lower())
            if key in first:
                out.append(Problem("sources.csv", row, column, f"{column} {value} is already the {column} of the source "
                                                               f"on row {first[key]}; one work, one row"))
            first.setdefault(key, row)
        if source_id is not None and "citations.csv" not in raw.unreadable and source_id not in cited:
            out.append(Problem("sources.csv", row, "source_id",
                               f"source '{source_id}' is not cited by any cell, effect, claim or comparison", "warning"))
    return out


def claim_and_comparison_sources(raw: RawTables) -> set[str]:
    """Sources cited by claims (their article and decisive sources) and by comparisons."""
    claims, comparisons = raw.frames["claims.csv"], raw.frames["comparisons.csv"]
    listed = {source_id for value in claims["source_ids"] for source_id in id_list(value)}
    return set(claims["source_id"].dropna()) | listed | set(comparisons["source_id"].dropna())


def _claims_problems(raw: RawTables) -> list[Problem]:
    """A claim comes from a web article, and the cells it cites are about the treatments it concerns."""
    f, out = raw.frames, []
    claims, types = f["claims.csv"], dict(zip(f["sources.csv"]["source_id"], f["sources.csv"]["source_type"]))
    cell_treatment = dict(zip(f["cells.csv"]["cell_id"], f["cells.csv"]["treatment_id"]))
    for index, claim in zip(claims.index, claims.to_dict("records")):
        row, article = _line(claims, index), claim["source_id"]
        if article in types and types[article] != CLAIM_SOURCE_TYPE:
            out.append(Problem("claims.csv", row, "source_id", f"the article a claim comes from must be a {CLAIM_SOURCE_TYPE} "
                                                               f"source; '{article}' is a {types[article]}"))
        concerns = set(id_list(claim.get("concerns")))
        for cell_id in id_list(claim["cell_ids"]):
            treatment = cell_treatment.get(cell_id)
            if concerns and treatment and treatment not in concerns:
                out.append(Problem("claims.csv", row, "cell_ids", f"cell '{cell_id}' is about '{treatment}', which this claim "
                                                                  f"does not concern ({'; '.join(sorted(concerns))}): answer a "
                                                                  "claim with the treatment it is about"))
    return out


def _effects_problems(raw: RawTables) -> list[Problem]:
    """Every rate and arm size of a specific effect is in what its source prints (figures) or in its derivation,
    as for a cell's numbers (provenance.py)."""
    effects, out = raw.frames["effects.csv"], []
    if "figures" not in effects.columns:
        return out
    for index, effect in zip(effects.index, effects.to_dict("records")):
        available = provenance.numbers_in(effect.get("figures")) + provenance.numbers_in(effect.get("derivation"))
        for column in EFFECT_NUMBER_COLUMNS:
            value = number(effect.get(column))
            if value is not None and provenance.missing_numbers([value], available):
                out.append(Problem("effects.csv", _line(effects, index), column,
                                   f"{column} {value:g} is not in the effect's figures or its derivation"))
    return out


# The provenance rules (figures, headline source, numbers traced to their source): errors since the data round
# of 2026-12-06 filled them (they were warnings while it was under way).
PROVENANCE_SEVERITY = "error"

FILE_RULES = {
    "cells.csv": _cells_problems,
    "citations.csv": _citations_problems,
    "sources.csv": _sources_problems,
    "claims.csv": _claims_problems,
    "effects.csv": _effects_problems,
}


def validate_raw(raw: RawTables) -> list[Problem]:
    """All problems in the tables read by ``load.read_tables`` (read problems included)."""
    problems = list(raw.problems)
    for name, frame in raw.frames.items():
        if name in raw.unreadable:
            continue
        problems += _schema_problems(name, frame, raw)
        problems += _text_problems(name, frame)
    problems += _foreign_key_problems(raw)
    for check in FILE_RULES.values():
        problems += check(raw)
    problems += provenance.problems(raw.frames, raw.unreadable, _line, PROVENANCE_SEVERITY)
    if not raw.unreadable & {"cells.csv", "citations.csv", "sources.csv", "treatments.csv", "attributes.csv"}:
        problems += policies.check(raw.frames)
    # One message per (file, row, column, message); stable order for people reading it.
    rank = {name: i for i, name in enumerate(TABLES)}
    return sorted(set(problems), key=lambda p: (rank.get(p.file, len(rank)), p.row or 0, p.column or "", p.message))


__all__ = ["validate_raw", "check_url", "CELL_ID_PATTERN"]
