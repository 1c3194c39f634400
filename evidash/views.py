"""Pure view models: evidence tables + filters in, the DataFrames a page shows out (no Streamlit here)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .bib import vancouver
from .cite import escape_md, source_link
from .data import Evidence
from .rules import COST_ATTRIBUTES_UNIT as COST_UNIT
from .rules import text as _text
from .rules import SMALL_N, UNCONTROLLED_DESIGNS
from .vocab import BAND_LABELS, DESIGN_LABELS, GROUP_LABELS, MEASURE_LABELS, SOURCE_TIER, SOURCE_TYPE_LABELS, TIER_LABELS

ALL = "all"
NO_EVIDENCE_TEXT = "No evidence found"
NOT_APPLICABLE_TEXT = "Not applicable"
NOT_ENTERED_TEXT = "Not entered"
BAND_ORDER = ["none_reported", "not_quantified", "very_rare", "rare", "uncommon", "common", "very_common"]


def treatment_table(ev: Evidence, treatment_ids: list[str] | None = None) -> pd.DataFrame:
    t = ev.treatments
    if treatment_ids is not None:
        t = t[t["treatment_id"].isin(treatment_ids)]
    return t.reset_index(drop=True)


def attribute_groups(ev: Evidence) -> list[str]:
    """The attribute groups in the data, in the attributes' order (the overview's group filter and the
    presenter's cards, one per group)."""
    return list(dict.fromkeys(ev.attributes["group"]))


def colour_map(ev: Evidence) -> dict[str, str]:
    """Fixed colour per treatment short name (charts label treatments by short name)."""
    return dict(zip(ev.treatments["short_name"], ev.treatments["colour"]))


def cell_names(ev: Evidence) -> dict[str, str]:
    """Every cell's readable name, "<treatment short name> · <attribute name> (<condition>)", by cell id: what a
    viewer reads wherever a cell is named (never its id)."""
    treatments = dict(zip(ev.treatments["treatment_id"], ev.treatments["short_name"]))
    attributes = dict(zip(ev.attributes["attribute_id"], ev.attributes["name"]))
    conditions = dict(zip(ev.conditions["condition_id"], ev.conditions["name"]))
    return {c: f"{treatments.get(t, t)} · {attributes.get(a, a)}" + (f" ({conditions.get(k, k)})" if isinstance(k, str) else "")
            for c, t, a, k in zip(ev.cells["cell_id"], ev.cells["treatment_id"], ev.cells["attribute_id"], ev.cells["condition_id"])}


def condition_label(ev: Evidence, condition: str) -> str:
    if condition == ALL:
        return "All conditions"
    match = ev.conditions.loc[ev.conditions["condition_id"] == condition, "name"]
    return str(match.iloc[0]) if len(match) else condition


def _cells_for(ev: Evidence, attribute_id: str, condition: str, treatment_ids: list[str]) -> pd.DataFrame:
    c = ev.cells
    c = c[(c["attribute_id"] == attribute_id) & c["treatment_id"].isin(treatment_ids)]
    if condition != ALL:
        c = c[c["condition_id"] == condition]
    return c


def badge(cell) -> str:
    """Short source-strength badge text for a reported cell."""
    kind = cell.get("best_source_type")
    if not isinstance(kind, str):
        return ""
    return SOURCE_TYPE_LABELS.get(kind, kind)


def cell_text(cell) -> str:
    if cell is None:
        return NOT_ENTERED_TEXT
    if cell["status"] == "no_evidence":
        return NO_EVIDENCE_TEXT
    if cell["status"] == "not_applicable":
        value = str(cell["value"])
        return value if value.startswith(NOT_APPLICABLE_TEXT) else f"{NOT_APPLICABLE_TEXT}: {value}"  # never "Not applicable: Not applicable: …"
    tag = badge(cell)
    return f"{cell['value']}  [{tag}]" if tag else str(cell["value"])


def method_line(cell, skip_design: str = "", compact: bool = False) -> str:
    """What a reported number measures, how it was obtained and on how many patients, with a caution
    for small or uncontrolled results: 'response · RCT, n=403'. '' for a cell without numbers.
    ``skip_design`` leaves out a design already named (e.g. by the source badge)."""
    if cell is None or cell["status"] != "reported" or not _text(cell.get("measure")):
        return ""
    measure = "" if cell["measure"] in ("price", "duration", "count", "frequency") else MEASURE_LABELS.get(cell["measure"], cell["measure"])
    design = DESIGN_LABELS.get(_text(cell.get("design")), _text(cell.get("design")))
    if design.lower() == skip_design.lower():
        design = ""
    n = pd.to_numeric(cell.get("n"), errors="coerce")
    size = f"n={int(n):,}" if pd.notna(n) else ""
    parts = [p for p in (measure, ", ".join(x for x in (design, size) if x)) if p]
    flags = [word for word, hit in (("small", pd.notna(n) and n < SMALL_N),
                                    ("uncontrolled", cell.get("design") in UNCONTROLLED_DESIGNS)) if hit]
    if compact:  # the matrix: the warning sign alone (its legend and the card say what it means)
        return " · ".join(parts) + (" ⚠" if flags else "")
    return " · ".join(parts) + (f" ⚠ {', '.join(flags)}" if flags else "")


def headline(cell) -> str:
    """The short overview text of a cell (its headline; the value where no headline was entered)."""
    if cell is None:
        return NOT_ENTERED_TEXT
    if cell["status"] == "no_evidence":
        return NO_EVIDENCE_TEXT
    return _text(cell.get("headline")) or str(cell["value"])


def cell_kind(cell) -> str:
    """'tier1'..'tier4', 'no_evidence', 'not_applicable' or 'missing': drives the matrix styling."""
    if cell is None:
        return "missing"
    if cell["status"] != "reported":
        return str(cell["status"])
    tier = cell.get("best_tier")
    return f"tier{int(tier)}" if tier is not None and pd.notna(tier) else "tier4"


@dataclass
class Matrix:
    display: pd.DataFrame  # columns: Group, Attribute, then one per treatment short name (headlines)
    cell_ids: pd.DataFrame  # same shape; None where no cell
    kinds: pd.DataFrame  # same shape; styling kinds
    treatment_columns: list[str]
    methods: pd.DataFrame | None = None  # same shape; what each number measures, design, n, caution
    badges: pd.DataFrame | None = None  # same shape; strongest source type of each reported cell


MAX_CONDITION_ROWS = 8


def matrix(ev: Evidence, condition: str, treatment_ids: list[str]) -> Matrix:
    """The overview comparison: attributes (grouped) as rows, treatments as columns.

    With all conditions, per-condition attributes get one row per condition (the first
    ``MAX_CONDITION_ROWS`` conditions; pick a condition to see any other)."""
    treatments = treatment_table(ev, treatment_ids)
    conditions = ev.conditions.head(MAX_CONDITION_ROWS) if condition == ALL else ev.conditions[ev.conditions["condition_id"] == condition]
    lookup = ev.cell_lookup
    rows, ids, kinds, methods, badges = [], [], [], [], []
    for attr in ev.attributes.itertuples(index=False):
        conds = list(conditions.itertuples(index=False)) if attr.per_condition else [None]
        for cond in conds:
            label = attr.name if cond is None or condition != ALL else f"{attr.name} — {cond.short_name}"
            row = {"Group": GROUP_LABELS.get(attr.group, attr.group), "Attribute": label}
            id_row, kind_row = {"Group": None, "Attribute": None}, {"Group": "label", "Attribute": "label"}
            method_row, badge_row = {"Group": None, "Attribute": None}, {"Group": None, "Attribute": None}
            for t in treatments.itertuples(index=False):
                key = (t.treatment_id, None if cond is None else cond.condition_id, attr.attribute_id)
                cell = lookup.get(key)
                row[t.short_name] = headline(cell)
                id_row[t.short_name] = None if cell is None else cell["cell_id"]
                kind_row[t.short_name] = cell_kind(cell)
                shown_badge = badge(cell) if cell is not None and cell["status"] == "reported" else ""
                method_row[t.short_name] = method_line(cell, skip_design=shown_badge, compact=True)
                badge_row[t.short_name] = shown_badge
            rows.append(row)
            ids.append(id_row)
            kinds.append(kind_row)
            methods.append(method_row)
            badges.append(badge_row)
    cols = ["Group", "Attribute"] + list(treatments["short_name"])
    frame = lambda records: pd.DataFrame(records, columns=cols)  # noqa: E731
    return Matrix(frame(rows), frame(ids), frame(kinds), list(treatments["short_name"]), frame(methods), frame(badges))


CITATION_COLUMNS = ["source_id", "reference", "title", "locator", "figures", "headline", "source_type", "tier", "link"]


def cell_citations(ev: Evidence, cell_id: str) -> pd.DataFrame:
    """Citations of one cell with their formatted reference, what the source itself reports there (figures),
    whether it carries the cell's headline, type and safe link: the headline's source first, then by strength."""
    cit = ev.citations[ev.citations["cell_id"] == cell_id]
    cells = ev.cells[ev.cells["cell_id"] == cell_id]
    headline_source = _text(cells["headline_source"].iloc[0]) if len(cells) and "headline_source" in cells else ""
    src = ev.sources.set_index("source_id", drop=False)
    rows = []
    for c in cit.to_dict("records"):
        if c["source_id"] not in src.index:
            continue
        s = src.loc[c["source_id"]]
        rows.append({
            "source_id": c["source_id"],
            "reference": vancouver(s),
            "title": s["title"],
            "locator": c["locator"],
            "figures": _text(c.get("figures")),
            "headline": c["source_id"] == headline_source,
            "source_type": SOURCE_TYPE_LABELS.get(s["source_type"], s["source_type"]),
            "tier": c["tier"],
            "link": source_link(s),
        })
    out = pd.DataFrame(rows, columns=CITATION_COLUMNS)
    out = out.assign(_first=~out["headline"].astype(bool)).sort_values(["_first", "tier"], kind="stable")
    return out.drop(columns="_first").reset_index(drop=True)


@dataclass
class Card:
    cell: pd.Series
    treatment: str
    condition: str
    attribute: str
    group: str
    citations: pd.DataFrame
    effects: pd.DataFrame


def card(ev: Evidence, cell_id: str) -> Card | None:
    hit = ev.cells[ev.cells["cell_id"] == cell_id]
    if not len(hit):
        return None
    cell = hit.iloc[0]
    t = ev.treatments.set_index("treatment_id")
    a = ev.attributes.set_index("attribute_id")
    cond = cell["condition_id"]
    return Card(
        cell=cell,
        treatment=str(t.loc[cell["treatment_id"], "name"]) if cell["treatment_id"] in t.index else cell["treatment_id"],
        condition="All conditions" if not isinstance(cond, str) else condition_label(ev, cond),
        attribute=str(a.loc[cell["attribute_id"], "name"]) if cell["attribute_id"] in a.index else cell["attribute_id"],
        group=GROUP_LABELS.get(a.loc[cell["attribute_id"], "group"], "") if cell["attribute_id"] in a.index else "",
        citations=cell_citations(ev, cell_id),
        effects=effects_for_cells(ev, [cell_id]),
    )


def _sources_line(ev: Evidence, cell_ids) -> pd.Series:
    """'Title [type]; Title [type]' per cell id, for tables under charts and for CSV exports."""
    cit = ev.citations[ev.citations["cell_id"].isin(list(cell_ids))]
    titles = ev.sources.set_index("source_id")["title"]
    cit = cit.assign(text=cit["source_id"].map(titles).fillna(cit["source_id"]) + " [" + cit["source_type"].map(SOURCE_TYPE_LABELS).fillna("?") + "]")
    return cit.groupby("cell_id")["text"].agg("; ".join)


def _with_names(ev: Evidence, cells: pd.DataFrame) -> pd.DataFrame:
    t = ev.treatments.set_index("treatment_id")
    c = ev.conditions.set_index("condition_id")
    out = cells.copy()
    out["Treatment"] = out["treatment_id"].map(t["short_name"])
    out["Condition"] = out["condition_id"].map(c["short_name"]).fillna("All conditions")
    out["Sources"] = out["cell_id"].map(_sources_line(ev, out["cell_id"])).fillna("")
    out["Backing"] = out["best_tier"].map(TIER_LABELS).fillna("")
    return out


def _order(ev: Evidence, column: str) -> dict:
    if column == "treatment_id":
        return dict(zip(ev.treatments["treatment_id"], ev.treatments["sort_order"]))
    if column == "condition_id":
        return dict(zip(ev.conditions["condition_id"], ev.conditions["sort_order"]))
    return {}


def durability(ev: Evidence, condition: str, treatment_ids: list[str]) -> pd.DataFrame:
    cells = _with_names(ev, _cells_for(ev, "durability", condition, treatment_ids))
    return cells.reset_index(drop=True)


def table_for(cells: pd.DataFrame, value_columns: list[str] | None = None) -> pd.DataFrame:
    """The table shown under a chart (and downloaded as CSV): exactly the plotted cells with sources."""
    cols = ["Treatment", "Condition", "Attribute", "value", "value_min", "value_max", "status", "Backing", "Sources", "cell_id"]
    extra = [c for c in (value_columns or []) if c in cells.columns]
    present = [c for c in cols if c in cells.columns] + extra
    out = cells[present].rename(columns={"value": "Value", "value_min": "Min", "value_max": "Max", "status": "Status", "cell_id": "Cell id"})
    out.insert(out.columns.get_loc("Value") + 1, "Measures", [method_line(r) for r in cells.to_dict("records")])
    out["Status"] = out["Status"].map({"reported": "Reported", "no_evidence": NO_EVIDENCE_TEXT, "not_applicable": NOT_APPLICABLE_TEXT}).fillna(out["Status"])
    return out.reset_index(drop=True)


# The two numbers the setting chart multiplies into hours in clinic per course.
COURSE_SESSIONS, VISIT_MINUTES = "course_sessions", "visit_minutes"


def page_attributes(ev: Evidence, group: str, numeric: bool | None = None, unit: str | None = None,
                    exclude_unit: str | None = None) -> list[str]:
    """The attributes a page shows, in their sort order, read from attributes.csv (group, numeric, unit):
    adding an attribute to the data puts it on its page with no code change."""
    a = ev.attributes[ev.attributes["group"] == group]
    if numeric is not None:
        a = a[a["numeric"] == numeric]
    if unit is not None:
        a = a[a["unit"] == unit]
    if exclude_unit is not None:
        a = a[a["unit"] != exclude_unit]
    return list(a["attribute_id"])


def setting_numeric(ev: Evidence) -> list[str]:
    return page_attributes(ev, "setting", numeric=True)


def setting_text(ev: Evidence) -> list[str]:
    return page_attributes(ev, "setting", numeric=False)


def cost_attributes(ev: Evidence) -> list[str]:
    return page_attributes(ev, "cost_access", unit=COST_UNIT)


def access_attributes(ev: Evidence) -> list[str]:
    return page_attributes(ev, "cost_access", exclude_unit=COST_UNIT)


def setting_numbers(ev: Evidence, treatment_ids: list[str]) -> pd.DataFrame:
    """One row per treatment: the course numbers and the derived total hours in clinic per course."""
    treatments = treatment_table(ev, treatment_ids)
    numeric = list(dict.fromkeys(setting_numeric(ev) + [COURSE_SESSIONS, VISIT_MINUTES]))
    cells = ev.cells[ev.cells["treatment_id"].isin(treatment_ids) & ev.cells["attribute_id"].isin(numeric)]
    rows = []
    for t in treatments.itertuples(index=False):
        row = {"Treatment": t.short_name, "treatment_id": t.treatment_id}
        for aid in numeric:
            hit = cells[(cells["treatment_id"] == t.treatment_id) & (cells["attribute_id"] == aid)]
            cell = hit.iloc[0] if len(hit) else None
            row[f"{aid}_min"] = cell["value_min"] if cell is not None else None
            row[f"{aid}_max"] = cell["value_max"] if cell is not None else None
            row[f"{aid}_text"] = cell_text(cell)
            row[f"{aid}_cell"] = cell["cell_id"] if cell is not None else None
        keys = [f"{a}_{end}" for a in (COURSE_SESSIONS, VISIT_MINUTES) for end in ("min", "max")]
        known = all(pd.notna(row[k]) for k in keys)
        lower = pd.notna(row[keys[0]]) and pd.notna(row[keys[2]])  # a minimum time per visit without a maximum
        row["hours_min"] = row[keys[0]] * row[keys[2]] / 60 if lower else None
        row["hours_max"] = row[keys[1]] * row[keys[3]] / 60 if known else row["hours_min"]
        row["at_least"] = lower and not known  # an open upper end: the total is at least hours_min
        row["missing"] = ("" if lower else "not derivable: " + " and ".join(
            what for what, k in (("no course length", keys[0]), ("no time per visit", keys[2])) if pd.isna(row[k])) + " reported")
        rows.append(row)
    return pd.DataFrame(rows)


def attribute_table(ev: Evidence, attribute_ids: list[str], treatment_ids: list[str], condition: str | None = None) -> pd.DataFrame:
    """Long table of the given attributes' cells, with names and sources (for text tables and CSV)."""
    c = ev.cells[ev.cells["attribute_id"].isin(attribute_ids) & ev.cells["treatment_id"].isin(treatment_ids)]
    if condition is not None and condition != ALL:
        c = c[c["condition_id"].isna() | (c["condition_id"] == condition)]
    out = _with_names(ev, c)
    names = ev.attributes.set_index("attribute_id")["name"]
    out["Attribute"] = out["attribute_id"].map(names)
    order_t, order_a = _order(ev, "treatment_id"), dict(zip(ev.attributes["attribute_id"], ev.attributes["sort_order"]))
    out = out.assign(_t=out["treatment_id"].map(order_t), _a=out["attribute_id"].map(order_a)).sort_values(["_a", "_t"]).drop(columns=["_t", "_a"])
    return out.reset_index(drop=True)


def wide(table: pd.DataFrame, treatments: pd.DataFrame) -> pd.DataFrame:
    """Attributes as rows and treatments as columns, values with their badge (for compact text tables)."""
    if not len(table):
        return pd.DataFrame(columns=["Attribute"] + list(treatments["short_name"]))
    table = table.assign(Shown=[cell_text(r) for _, r in table.iterrows()])
    w = table.pivot_table(index="Attribute", columns="Treatment", values="Shown", aggfunc="first", sort=False)
    cols = [c for c in treatments["short_name"] if c in w.columns]
    return w[cols].reset_index()




def price_year_text(cell) -> str:
    """'2024' for a dated price; '2026 (year seen; page undated)' when the page gave no date."""
    year = cell.get("price_year")
    text = "?" if year is None or pd.isna(year) else str(int(year))
    return text + (" (year seen; page undated)" if cell.get("price_year_basis") == "seen" else "")


def price_basis(cell) -> str:
    return f"{_text(cell.get('currency')) or '?'}, {price_year_text(cell)} prices, {_text(cell.get('region')) or '?'}"


def costs(ev: Evidence, treatment_ids: list[str]) -> pd.DataFrame:
    """Reported prices with the currency, year and place they belong to. One rule for every
    treatment: a price from an undated page carries the year it was seen, and says so."""
    t = attribute_table(ev, cost_attributes(ev), treatment_ids)
    t = t[t["status"] == "reported"].copy()
    t["Price basis"] = [price_basis(r) for r in t.to_dict("records")]
    year = t["price_year"].map(lambda y: "" if pd.isna(y) else str(int(y)))
    seen = t["price_year_basis"].map(lambda b: ", year seen" if b == "seen" else "")
    kind = t["design"].map(lambda d: PRICE_KIND.get(d, DESIGN_LABELS.get(d, "source")) if isinstance(d, str) else "source")
    per = t["attribute_id"].map({"cost_session": "per session", "cost_course": "per course"}).fillna(t["Attribute"])
    t["Label"] = t["Treatment"] + " (" + t["region"].fillna("?") + ", " + year + seen + ")"
    # Two lines: what is priced, then what kind of price it is (a fee schedule pays the clinician's fee only,
    # a reported price is what a clinic, news report or consumer page says is charged), so unlike prices are never
    # read alike.
    t["LabelFull"] = t["Treatment"] + " · " + per + "<br>" + kind + ", " + t["region"].fillna("?") + ", " + year + seen
    return t.reset_index(drop=True)


PRICE_KIND = {"fee_schedule": "fee schedule (clinician's fee)", "price_list": "reported price (clinic or article)",
              "drug_list_price": "drug list price (drug only)",
              "cost_study": "cost study", "hta": "HTA costing", "payer_policy": "payer policy"}


SIDE_EFFECT_GROUP_ID = "side_effects"


def side_effect_grid(ev: Evidence, treatment_ids: list[str]) -> pd.DataFrame:
    """Long table treatments × side-effect categories with band, band label and rank (for the heatmap)."""
    attrs = ev.attributes[ev.attributes["group"] == SIDE_EFFECT_GROUP_ID]
    t = attribute_table(ev, list(attrs["attribute_id"]), treatment_ids)
    band = t["band"].where(t["status"] == "reported")
    t["Band"] = band.map(BAND_LABELS).fillna(t["status"].map({"no_evidence": NO_EVIDENCE_TEXT, "not_applicable": NOT_APPLICABLE_TEXT}))
    t["rank"] = band.map({b: i for i, b in enumerate(BAND_ORDER)})
    return t


def effects_for_cells(ev: Evidence, cell_ids: list[str]) -> pd.DataFrame:
    """Specific side effects (with frequency and source) behind the given category cells."""
    e = ev.effects[ev.effects["cell_id"].isin(cell_ids)].copy()
    src = ev.sources.set_index("source_id")
    cells = ev.cells.set_index("cell_id")
    tnames = ev.treatments.set_index("treatment_id")["short_name"]
    e["Treatment"] = e["cell_id"].map(cells["treatment_id"]).map(tnames)
    e["Source"] = e["source_id"].map(src["title"]).fillna(e["source_id"])
    e["Type"] = e["source_id"].map(src["source_type"]).map(SOURCE_TYPE_LABELS)
    e["link"] = [source_link(src.loc[s]) if s in src.index else None for s in e["source_id"]]
    return e.reset_index(drop=True)


def sources_table(ev: Evidence) -> pd.DataFrame:
    """Every source with its reference, type, safe link and the cells that cite it."""
    cit = ev.citations
    eff = ev.effects[["cell_id", "source_id"]] if len(ev.effects) else pd.DataFrame(columns=["cell_id", "source_id"])
    citing = pd.concat([cit[["cell_id", "source_id"]], eff]).drop_duplicates()
    by_source = citing.groupby("source_id")["cell_id"].agg(lambda s: sorted(set(s)))
    rows = []
    for s in ev.sources.itertuples(index=False):
        d = s._asdict()
        rows.append({
            "source_id": s.source_id,
            "Reference": vancouver(d),
            "Type": SOURCE_TYPE_LABELS.get(s.source_type, s.source_type),
            "source_type": s.source_type,
            "Link": source_link(d),
            "Cells": by_source.get(s.source_id, []),
            "title": s.title,
            "year": s.year,
        })
    out = pd.DataFrame(rows)
    return out


def group_cells(ev: Evidence, group: str, condition: str, treatment_ids: list[str]) -> pd.DataFrame:
    """All cells of one attribute group for the condition (presenter cards)."""
    attrs = ev.attributes[ev.attributes["group"] == group]
    return attribute_table(ev, list(attrs["attribute_id"]), treatment_ids, condition)



def glossary_help(ev: Evidence, *texts) -> str | None:
    """Hover help explaining the glossary's abbreviations that appear in ``texts`` (None if none do)."""
    joined = " ".join(str(t) for t in texts if isinstance(t, str))
    lines = [f"**{escape_md(g.term)}**: {escape_md(g.expansion)}. {escape_md(g.explanation)}" for g in ev.glossary.itertuples(index=False)
             if re.search(rf"(?<![A-Za-z-]){re.escape(g.term)}(?![A-Za-z])", joined)]
    return "  \n".join(lines) or None


def shorten_source(part: str, limit: int = 70) -> str:
    """'Title [type]' cut at a word of the title, never inside a word or the [type] tag."""
    if len(part) < limit:
        return part
    title, bracket, tag = part.rpartition(" [") if part.endswith("]") else (part, "", "")
    tag = f" [{tag}" if bracket else ""
    room = max(20, limit - len(tag) - 1)
    cut = title[:room].rsplit(" ", 1)[0].rstrip(",;:") if len(title) > room else title
    return f"{cut}…{tag}" if cut != title else f"{title}{tag}"


def source_line(table: pd.DataFrame, limit: int = 5) -> str:
    """Short 'Title [type]; …' line of the distinct sources behind a chart's cells."""
    seen: list[str] = []
    for text in table.get("Sources", pd.Series(dtype=str)).dropna():
        for part in str(text).split("; "):
            if part and part not in seen:
                seen.append(part)
    if not seen:
        return "none (no reported values)"
    short = [shorten_source(p) for p in seen[:limit]]
    more = f"; and {len(seen) - limit} more (see 'Data, sources and downloads' under the chart)" if len(seen) > limit else ""
    return "; ".join(short) + more


# --- Side effects against their comparator (issue 20) ----------------------------------------------------
HEATMAP_MODES = {"highest": "Highest reported rate", "excess": "Excess over comparator"}
COMPARISON_VIEWS = {"chart": "Every effect, per 100", "people": "100 people, one effect"}  # one chart at a time
NO_CONTROLLED_TEXT = "No controlled comparison"


def _rate_text(value: float) -> str:
    """A rate per 100 as read aloud: '60.4', '3', '0.071'."""
    return f"{value:.3g}" if value < 1 else f"{value:.1f}".removesuffix(".0")


def difference_text(rd: float) -> str:
    """A risk difference in people per 100: '28.1 more per 100', '2.2 fewer per 100', 'no difference'."""
    if abs(rd) < 0.05:
        return "no difference per 100"
    return f"{_rate_text(abs(rd))} {'more' if rd > 0 else 'fewer'} per 100"


def comparator_short(row) -> str:
    """The comparator as a heatmap cell names it: 'placebo', 'sham', or the active treatment's name."""
    from .vocab import COMPARATOR_TYPES
    kind = _text(row.get("comparator_type"))
    if kind == "active":
        return _text(row.get("comparator_name")).split(" (")[0] or "active comparator"
    return COMPARATOR_TYPES[kind].short if kind in COMPARATOR_TYPES else ""


def effect_rows(ev: Evidence, treatment_ids: list[str], attribute_id: str | None = None) -> pd.DataFrame:
    """The specific effects of the shown treatments (one category, or all), with treatment, category, source and the
    columns the comparator view needs: rd (treatment minus comparator, per 100) where both arms' rates are known."""
    from .vocab import CONTROLLED_TYPES
    e = ev.effects
    for column in ("rate", "comparator_rate", "comparator_name", "comparator_type", "n_arm", "n_comparator", "use", "attribution",
                   "figures", "derivation"):
        if column not in e.columns:
            e = e.assign(**{column: None})
    cells = ev.cells.set_index("cell_id")
    e = e.assign(treatment_id=e["cell_id"].map(cells["treatment_id"]), attribute_id=e["cell_id"].map(cells["attribute_id"]))
    e = e[e["treatment_id"].isin(treatment_ids)]
    if attribute_id is not None:
        e = e[e["attribute_id"] == attribute_id]
    e = e.copy()
    for column in ("rate", "comparator_rate", "n_arm", "n_comparator"):
        e[column] = pd.to_numeric(e[column], errors="coerce")
    names = ev.names("treatment_short")
    e["Treatment"] = e["treatment_id"].map(names)
    e["Category"] = e["attribute_id"].map(ev.names("attribute"))
    e["recreational"] = e["use"].eq("recreational")
    e["unattributed"] = e["attribution"].isin(["judged_unrelated", "not_attributed"])
    e["controlled"] = e["comparator_type"].isin(CONTROLLED_TYPES) & e["rate"].notna() & e["comparator_rate"].notna()
    e["rd"] = (e["rate"] - e["comparator_rate"]).where(e["controlled"])
    src = ev.sources.set_index("source_id")
    e["Source"] = e["source_id"].map(src["title"]).fillna(e["source_id"])
    e["link"] = [source_link(src.loc[s]) if s in src.index else None for s in e["source_id"]]
    order = {t: i for i, t in enumerate(treatment_ids)}
    e = e.assign(_t=e["treatment_id"].map(order)).sort_values(["_t"], kind="stable").drop(columns="_t")
    return e.reset_index(drop=True)


COMPARATOR_COLUMNS = ["Treatment", "Effect", "Comparator", "With treatment (per 100)", "With comparator (per 100)",
                      "Difference (per 100)", "People per arm", "Source", "Where", "Link"]


def comparator_table(rows: pd.DataFrame) -> pd.DataFrame:
    """How many more people per 100 get each effect than with its named comparator: both arms' rates and the
    difference, for the controlled rows of ``effect_rows`` (therapeutic use only), largest excess first."""
    from .vocab import COMPARATOR_TYPES
    c = rows[rows["controlled"] & ~rows["recreational"] & ~rows["unattributed"]].sort_values("rd", ascending=False, kind="stable")
    def arms(r) -> str:
        n1, n2 = r["n_arm"], r["n_comparator"]
        return f"{int(n1):,} vs {int(n2):,}" if pd.notna(n1) and pd.notna(n2) else "not reported"
    out = pd.DataFrame({
        "Treatment": c["Treatment"],
        "Effect": c["effect"],
        "Comparator": [f"{_text(r['comparator_name'])} ({COMPARATOR_TYPES[r['comparator_type']].short})"
                       for r in c.to_dict("records")],
        "With treatment (per 100)": c["rate"].map(_rate_text),
        "With comparator (per 100)": c["comparator_rate"].map(_rate_text),
        "Difference (per 100)": c["rd"].map(difference_text),
        "People per arm": [arms(r) for r in c.to_dict("records")],
        "Source": c["Source"], "Where": c["locator"], "Link": c["link"],
        "effect_id": c["effect_id"], "Cell id": c["cell_id"], "rate": c["rate"], "comparator_rate": c["comparator_rate"],
        "rd": c["rd"],
    })
    return out.reset_index(drop=True)


def effect_notes(rows: pd.DataFrame) -> list[str]:
    """Plain notes for what a band must not carry: events the source does not attribute to the treatment, and
    recreational-use data (never banded with therapeutic use)."""
    from .vocab import ATTRIBUTIONS
    notes = []
    for r in rows[rows["unattributed"]].to_dict("records"):
        notes.append(f"{r['Treatment']} · {r['Category']}: {r['effect']} — {r['frequency']}. "
                     f"Counted as a note, not as a harm band: {ATTRIBUTIONS[r['attribution']].label}.")
    for r in rows[rows["recreational"] & ~rows["unattributed"]].to_dict("records"):
        notes.append(f"{r['Treatment']} · {r['Category']}: {r['effect']} — {r['frequency']}. "
                     "Recreational or non-medical use: shown as a note, never in the treatment's band.")
    return notes


EXCESS_LEVELS = [(0.05, "no excess"), (1, "under 1 more per 100"), (5, "1 to 5 more per 100"), (10, "5 to 10 more per 100"),
                 (float("inf"), "10 or more per 100")]


def excess_level(rd: float) -> int:
    """0 for no excess, then 1-4 by size: the heatmap's shade in 'excess over comparator' mode."""
    for i, (upper, _) in enumerate(EXCESS_LEVELS):
        if rd < upper:
            return i
    return len(EXCESS_LEVELS) - 1


def side_effect_heat(ev: Evidence, treatment_ids: list[str], mode: str = "highest") -> pd.DataFrame:
    """Treatments × side-effect categories for the heatmap, computed from the specific effects: every shown treatment
    is a row and every category a column. 'highest': the highest per-patient rate in therapeutic use that the source
    attributes to the treatment (its band and rate); 'excess': the largest number of extra people per 100 over a
    named comparator. Unattributed events and recreational data are notes (``note`` True), never the band."""
    from .rules import band_for_percent
    attrs = ev.attributes[ev.attributes["group"] == SIDE_EFFECT_GROUP_ID]
    rows = effect_rows(ev, treatment_ids)
    lookup = ev.cell_lookup
    out = []
    for t in treatment_table(ev, treatment_ids).itertuples(index=False):
        for a in attrs.itertuples(index=False):
            cell = lookup.get((t.treatment_id, None, a.attribute_id))
            mine = rows[(rows["treatment_id"] == t.treatment_id) & (rows["attribute_id"] == a.attribute_id)]
            noted = bool((mine["unattributed"] | mine["recreational"]).any())
            banded = mine[~mine["unattributed"] & ~mine["recreational"] & mine["rate"].notna()]
            rec = {"Treatment": t.short_name, "treatment_id": t.treatment_id, "Attribute": a.name,
                   "attribute_id": a.attribute_id, "cell_id": None if cell is None else cell["cell_id"], "note": noted,
                   "rank": None, "effect_id": None}
            if cell is None:
                rec["Band"] = NOT_ENTERED_TEXT
            elif cell["status"] == "no_evidence":
                rec["Band"] = NO_EVIDENCE_TEXT
            elif cell["status"] == "not_applicable":
                rec["Band"] = NOT_APPLICABLE_TEXT
            elif mode == "excess":
                controlled = banded[banded["controlled"]]
                if len(controlled):
                    top = controlled.loc[controlled["rd"].idxmax()]
                    rd = float(top["rd"])
                    head = f"+{_rate_text(rd)} per 100" if rd >= 0.05 else "No excess"
                    rec.update(Band=f"{head} (vs {comparator_short(top)})", rank=excess_level(rd), effect_id=top["effect_id"])
                elif not len(banded) and cell.get("band") == "none_reported" and not noted:
                    rec.update(Band=BAND_LABELS["none_reported"], rank=None)
                else:
                    rec.update(Band=NO_CONTROLLED_TEXT, rank=None)
            elif len(banded):
                top = banded.loc[banded["rate"].idxmax()]
                rate = float(top["rate"])
                unquantified = mine[~mine["unattributed"] & ~mine["recreational"] & mine["rate"].isna()]
                if rate == 0 and len(unquantified):  # 0 of the counted effects, but others were not counted
                    rec.update(Band="Not quantified per patient", rank=BAND_ORDER.index("not_quantified"))
                elif rate == 0 and bool(mine["unattributed"].any()):  # events occurred, judged not caused by it
                    rec.update(Band="0 per 100 attributed", rank=BAND_ORDER.index("none_reported"))
                elif rate == 0:
                    rec.update(Band="None in trials (0 per 100)", rank=BAND_ORDER.index("none_reported"))
                else:
                    band = band_for_percent(rate)
                    rec.update(Band=f"{BAND_LABELS[band].split(' (')[0]} ({_rate_text(rate)} per 100)",
                               rank=BAND_ORDER.index(band))
                rec["effect_id"] = top["effect_id"]
            elif cell.get("band") == "none_reported" and not noted:
                rec.update(Band=BAND_LABELS["none_reported"], rank=BAND_ORDER.index("none_reported"))
            else:
                rec.update(Band="Not quantified per patient", rank=BAND_ORDER.index("not_quantified"))
            if noted:
                rec["Band"] += " · see note"
            out.append(rec)
    return pd.DataFrame(out)


# --- Onset by measure (issue 20 part 3): onset_points.csv -------------------------------------------------
ONSET_MEASURE_DEFAULT = "first_improvement"
NO_ONSET_POINT_TEXT = "no time reported for this measure"
ONSET_POINT_COLUMNS = ["Treatment", "Condition", "Protocol", "Measure", "Time", "Min (days)", "Max (days)", "Time basis",
                       "Result", "Comparator", "Design", "n", "Sources", "Where", "Figures", "Derivation", "Note", "Point id"]


@dataclass
class OnsetView:
    rows: pd.DataFrame  # one per chart row: Label, treatment_id, Treatment, condition_id, protocol, variant, has_point
    points: pd.DataFrame  # one per reported time of the measure, with its row's Label and what the chart and table show
    notice: str | None  # said above the chart when the condition has no onset_points rows at all


def _time_unit(days: float) -> tuple[float, str]:
    if days < 1 / 24:
        return 1440, "minutes"
    if days < 1:
        return 24, "hours"
    if days < 14:
        return 1, "days"
    return 1 / 7, "weeks"


def time_text(low: float, high: float) -> str:
    """A time in days as read aloud: '4 hours', '2–4 hours', '1 day', '8–14 days', '3–4 weeks' (the unit of the
    longer end; weeks only for whole weeks, else days)."""
    factor, unit = _time_unit(high)
    if unit == "weeks" and any(abs(v / 7 - round(v / 7)) > 1e-9 for v in (low, high)):
        factor, unit = 1, "days"
    digits = 0 if unit == "minutes" else 1
    a, b = (f"{round(v * factor, digits):g}" for v in (low, high))
    if unit == "days" and a == b == "1":
        return "1 day"
    if unit == "weeks" and a == b == "1":
        return "1 week"
    return f"{a} {unit}" if a == b else f"{a}–{b} {unit}"


def _variant(protocol_name) -> str:
    """The short name of an accelerated protocol: 'SNT' from 'SNT: 10 iTBS sessions a day for 5 days' ('' if none)."""
    head, colon, _ = _text(protocol_name).partition(":")
    return head.strip() if colon and 0 < len(head.strip()) <= 20 else ""


def _row_label(treatment: str, protocol: str, variant: str, condition: str | None) -> str:
    label = treatment if condition is None else f"{treatment} — {condition}"
    if protocol == "accelerated":
        label += " · accelerated" + (f" ({variant})" if variant else "")
    return label


def onset_points(ev: Evidence, condition: str, treatment_ids: list[str], measure: str = ONSET_MEASURE_DEFAULT) -> OnsetView:
    """The onset chart for one measure: one row per (treatment, protocol) for every chosen treatment, with or without a
    point (never dropped); an accelerated protocol gets its own labelled row wherever the condition has one. With all
    conditions, rows for each of the first MAX_CONDITION_ROWS conditions that have onset points."""
    from .data import caution
    from .vocab import ONSET_MEASURES, ONSET_PROTOCOLS, TIME_BASES
    from .schema import OnsetPointSchema, empty_frame
    p = ev.onset_points if "point_id" in ev.onset_points.columns else empty_frame(OnsetPointSchema)
    p = p[p["treatment_id"].isin(treatment_ids)]
    conditions = ev.conditions
    if condition == ALL:
        conditions = conditions[conditions["condition_id"].isin(set(p["condition_id"]))].head(MAX_CONDITION_ROWS)
    else:
        conditions = conditions[conditions["condition_id"] == condition]
    p = p[p["condition_id"].isin(conditions["condition_id"])].copy()
    names = ev.names("treatment_short")
    cond_names = dict(zip(ev.conditions["condition_id"], ev.conditions["short_name"]))
    p["variant"] = [_variant(n) if pr == "accelerated" else "" for n, pr in zip(p["protocol_name"], p["protocol"])] if len(p) else ""
    rows = []
    cond_list = list(conditions["condition_id"]) if len(conditions) else [None]
    for cond in cond_list:
        for t in treatment_table(ev, treatment_ids).itertuples(index=False):
            mine = p[(p["treatment_id"] == t.treatment_id) & (p["condition_id"] == cond)]
            variants = [("standard", "")] + sorted({("accelerated", v) for v in mine.loc[mine["protocol"] == "accelerated", "variant"]})
            for protocol, variant in variants:
                shown = None if condition != ALL or cond is None else cond_names.get(cond, cond)
                rows.append({"Label": _row_label(t.short_name, protocol, variant, shown), "treatment_id": t.treatment_id,
                             "Treatment": t.short_name, "condition_id": cond, "protocol": protocol, "variant": variant})
    rows = pd.DataFrame(rows, columns=["Label", "treatment_id", "Treatment", "condition_id", "protocol", "variant"])
    key = dict(zip(zip(rows["treatment_id"], rows["condition_id"], rows["protocol"], rows["variant"]), rows["Label"]))
    pts = p[p["measure"] == measure].copy()
    pts["Label"] = [key.get((a, b, c, d)) for a, b, c, d in zip(pts["treatment_id"], pts["condition_id"], pts["protocol"], pts["variant"])]
    pts = pts.dropna(subset=["Label", "days_min", "days_max"])
    src = ev.sources.set_index("source_id")
    title = src["title"].to_dict() if len(src) else {}
    kind = src["source_type"].map(SOURCE_TYPE_LABELS).to_dict() if len(src) else {}
    tier = src["source_type"].map(SOURCE_TIER).map(TIER_LABELS).to_dict() if len(src) else {}
    pts["Treatment"] = pts["treatment_id"].map(names)
    pts["Condition"] = pts["condition_id"].map(cond_names)
    pts["Measure"] = ONSET_MEASURES[measure].label if measure in ONSET_MEASURES else measure
    pts["Time"] = [f"{TIME_BASES[b].word} {time_text(lo, hi)}" if b in TIME_BASES else time_text(lo, hi)
                   for b, lo, hi in zip(pts["time_basis"], pts["days_min"], pts["days_max"])]
    pts["Time basis"] = pts["time_basis"].map(lambda b: TIME_BASES[b].label if b in TIME_BASES else b)
    pts["Symbol"] = pts["time_basis"].map(lambda b: TIME_BASES[b].symbol if b in TIME_BASES else "circle")
    pts["caution"] = [caution(d, n) for d, n in zip(pts["design"], pts["n"])]
    pts["Design"] = pts["design"].map(lambda d: DESIGN_LABELS.get(d, d))
    pts["Protocol"] = [f"{ONSET_PROTOCOLS[pr].short if pr in ONSET_PROTOCOLS else pr}: {_text(n)}"
                       for pr, n in zip(pts["protocol"], pts["protocol_name"])]
    pts["Sources"] = [f"{title.get(s, s)} [{kind.get(s, '?')}]" for s in pts["source_id"]]
    pts["Backing"] = pts["source_id"].map(tier).fillna("")
    pts["value"] = [f"{t}: {_text(r)}" for t, r in zip(pts["Time"], pts["result"])]
    pts["Method"] = [", ".join(x for x in (d, f"n={int(n):,}" if pd.notna(n) else "", (_text(c) if _text(c).lower().startswith("none") else f"vs {_text(c)}") if _text(c) else "") if x)
                     + f" · {pr}" + (f" · ⚠ {cau}" if cau else "") + f"<br>Where: {_text(loc)}"
                     for d, n, c, pr, cau, loc in zip(pts["Design"], pts["n"], pts["comparator"], pts["Protocol"], pts["caution"],
                                                      pts["locator"])]
    order = {label: i for i, label in enumerate(rows["Label"])}
    pts = pts.assign(_row=pts["Label"].map(order)).sort_values(["_row", "days_min"], kind="stable").drop(columns="_row")
    flagged = set(pts.loc[pts["caution"] != "", "Label"])
    rows["has_point"] = rows["Label"].isin(set(pts["Label"]))
    rows["caution"] = rows["Label"].isin(flagged)
    shown = {label: f"{label} ⚠" if label in flagged else label for label in rows["Label"]}
    rows["Label"] = rows["Label"].map(shown)
    pts["Label"] = pts["Label"].map(shown)
    notice = None
    if not len(p):
        where = "any condition" if condition == ALL else condition_label(ev, condition).lower()
        notice = (f"No time to first improvement, response or remission is recorded for {where} yet, so every "
                  "treatment's row below is empty. Each treatment's own onset finding, with its source, is on the "
                  "overview (onset row).")
    return OnsetView(rows.reset_index(drop=True), pts.reset_index(drop=True), notice)


def onset_point_table(points: pd.DataFrame) -> pd.DataFrame:
    """The table under the onset chart (and its CSV): exactly the plotted points, each with its source and locator."""
    out = pd.DataFrame({
        "Treatment": points["Treatment"], "Condition": points["Condition"], "Protocol": points["Protocol"],
        "Measure": points["Measure"], "Time": points["Time"], "Min (days)": points["days_min"], "Max (days)": points["days_max"],
        "Time basis": points["Time basis"], "Result": points["result"], "Comparator": points["comparator"],
        "Design": points["Design"], "n": points["n"], "Sources": points["Sources"], "Where": points["locator"],
        "Figures": points["figures"], "Derivation": points["derivation"], "Note": points["note"], "Point id": points["point_id"],
    }, columns=ONSET_POINT_COLUMNS)
    return out.reset_index(drop=True)
