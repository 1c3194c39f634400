"""The cost of an acute course, built from its components (course_costs.csv): pure view models.

One rule for every treatment: a component's subtotal is units per course × unit cost, at the low end
(units_low × unit_cost) and at the high end (units_high × unit_cost_high, or unit_cost when the source gives one
price). A course total adds the priced components only, and says which components are not priced: a component
without a price is shown as "not priced", never as 0. Each basis (who pays, where, which year) is its own panel;
course costs reported by HTAs and models are reference marks on the panel of their basis.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .cite import check_url, escape_md, source_link
from .data import Evidence
from .rules import blank, number
from .vocab import COST_BASES, SOURCE_TYPE_LABELS

NOT_PRICED = "not priced"
NOT_COVERED = "not covered on this basis"
NOT_ENTERED = "not searched on this basis"
REFERENCE_ONLY = "reference figures only: no course built on this basis"
SECTION_TITLE = "Cost of an acute course"


def money(currency: str, low: float | None, high: float | None = None) -> str:
    """'USD 591' or 'USD 591–1,182' (whole units from 100 up, cents below)."""
    def fmt(value: float) -> str:
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    if low is None:
        return ""
    if high is None or abs(high - low) < 0.005:
        return f"{currency} {fmt(low)}"
    return f"{currency} {fmt(low)}–{fmt(high)}"


def _units(low, high, label: str) -> str:
    if low is None:
        return ""
    count = f"{low:g}" if high is None or high == low else f"{low:g}–{high:g}"
    plural = "" if (high or low) == 1 or label.endswith("s") else "s"
    return f"{count} {label}{plural}"


def bases(ev: Evidence) -> list[str]:
    """The bases in the data, in the vocabulary's order."""
    present = set(ev.course_costs["basis"].dropna()) if len(ev.course_costs) else set()
    return [b for b in COST_BASES if b in present]


# The cost page's switch offers the bases and, last, the prices as clinics and lists report them (cells.csv):
# one chart at a time, each view kept in the link (?basis=reported).
REPORTED = "reported"
REPORTED_SHORT = "As reported (not like for like)"


def views_of(ev: Evidence) -> list[str]:
    """The cost page's switch: every basis in the data, then the reported prices."""
    return [*bases(ev), REPORTED]


def view_label(choice: str) -> str:
    return REPORTED_SHORT if choice == REPORTED else COST_BASES[choice].short


def components(ev: Evidence, basis: str, treatment_ids: list[str]) -> pd.DataFrame:
    """Component rows of one basis for the chosen treatments, in treatment order, with subtotals and the
    arithmetic in words."""
    cc = ev.course_costs
    if not len(cc):
        return cc.assign(subtotal_low=pd.Series(dtype=float), subtotal_high=pd.Series(dtype=float))
    rows = cc[(cc["basis"] == basis) & (cc["kind"] == "component") & cc["treatment_id"].isin(treatment_ids)].copy()
    order = dict(zip(ev.treatments["treatment_id"], ev.treatments["sort_order"]))
    rows["_order"] = rows["treatment_id"].map(order)
    rows = rows.sort_values("_order", kind="stable").drop(columns="_order")
    lows, highs, sums = [], [], []
    for r in rows.to_dict("records"):
        cost, cost_high = number(r.get("unit_cost")), number(r.get("unit_cost_high"))
        units_low, units_high = number(r.get("units_low")), number(r.get("units_high"))
        priced = r.get("status") == "priced" and None not in (cost, units_low, units_high)
        low = units_low * cost if priced else None
        high = units_high * (cost_high if cost_high is not None else cost) if priced else None
        lows.append(low)
        highs.append(high)
        label = str(r.get("unit_label") or "unit")
        if priced:
            unit = money(r["currency"], cost, cost_high)
            sums.append(f"{_units(units_low, units_high, label)} × {unit} = {money(r['currency'], low, high)}")
        elif r.get("status") == "not_covered":
            sums.append(NOT_COVERED)
        else:
            sums.append(f"{_units(units_low, units_high, label)} × {NOT_PRICED}".strip(" ×"))
    rows["subtotal_low"] = pd.Series(lows, index=rows.index, dtype=float)
    rows["subtotal_high"] = pd.Series(highs, index=rows.index, dtype=float)
    rows["arithmetic"] = sums
    rows["Treatment"] = rows["treatment_id"].map(ev.names("treatment_short"))
    return rows.reset_index(drop=True)


def references(ev: Evidence, basis: str, treatment_ids: list[str]) -> pd.DataFrame:
    """Course costs reported by HTAs and models on one basis (reference marks)."""
    cc = ev.course_costs
    if not len(cc):
        return cc
    rows = cc[(cc["basis"] == basis) & (cc["kind"] == "reference") & cc["treatment_id"].isin(treatment_ids)].copy()
    rows["Treatment"] = rows["treatment_id"].map(ev.names("treatment_short"))
    rows["low"] = rows["unit_cost"]
    rows["high"] = rows["unit_cost_high"].fillna(rows["unit_cost"])
    return rows.reset_index(drop=True)


@dataclass(frozen=True)
class Total:
    treatment_id: str
    treatment: str
    state: str  # 'priced' (every component priced), 'partial', 'not_priced', 'not_covered', 'not_entered'
    low: float | None
    high: float | None
    missing: tuple[str, ...]  # the components without a price
    text: str  # the total in words, as the chart and the table show it


def totals(ev: Evidence, basis: str, treatment_ids: list[str], comps: pd.DataFrame | None = None) -> list[Total]:
    """One total per chosen treatment, in treatment order: every treatment keeps a row on every basis."""
    comps = components(ev, basis, treatment_ids) if comps is None else comps
    currency = COST_BASES[basis].currency
    names = ev.names("treatment_short")
    whole = ev.course_costs
    built = len(whole) and ((whole["basis"] == basis) & (whole["kind"] == "component")).any()
    out = []
    for tid in [t for t in ev.treatments["treatment_id"] if t in treatment_ids]:
        rows = comps[comps["treatment_id"] == tid]
        priced = rows[rows["subtotal_low"].notna()]
        missing = tuple(rows.loc[rows["subtotal_low"].isna() & (rows["status"] == "not_priced"), "component"])
        if not len(rows):
            out.append(Total(tid, names.get(tid, tid), "not_entered", None, None, (), NOT_ENTERED if built else REFERENCE_ONLY))
        elif not len(priced) and (rows["status"] == "not_covered").all():
            out.append(Total(tid, names.get(tid, tid), "not_covered", None, None, (), NOT_COVERED))
        elif not len(priced):
            out.append(Total(tid, names.get(tid, tid), "not_priced", None, None, missing,
                             f"{NOT_PRICED} ({len(missing)} component{'s' if len(missing) != 1 else ''} searched)"))
        else:
            low, high = float(priced["subtotal_low"].sum()), float(priced["subtotal_high"].sum())
            text = money(currency, low, high)
            if missing:
                text += f" + {len(missing)} not priced"
            out.append(Total(tid, names.get(tid, tid), "partial" if missing else "priced", low, high, missing, text))
    return out


def _source_cell(ev: Evidence, source_id, locator) -> str:
    """Markdown: the source's title as a link (http/https only) and the locator, escaped."""
    if blank(source_id):
        return "none found"
    match = ev.sources[ev.sources["source_id"] == source_id]
    if not len(match):
        return escape_md(source_id)
    source = match.iloc[0].to_dict()
    url = source_link(source)  # the validator already refused blocked hosts; check_url keeps http/https only
    title = escape_md(source.get("title"))
    kind = SOURCE_TYPE_LABELS.get(source.get("source_type"), "")
    linked = f"[{title} ↗]({_md_url(url)})" if url and check_url(url, set()) is None else title
    where = f" · {escape_md(locator)}" if not blank(locator) else ""
    return f"{linked} ({escape_md(kind)}){where}"


def _md_url(url: str) -> str:
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


ARITHMETIC_COLUMNS = ["Treatment", "Component", "Units × unit cost = subtotal", "Source", "What the source reports",
                      "Our arithmetic and notes"]


def arithmetic_table(ev: Evidence, basis: str, treatment_ids: list[str]) -> pd.DataFrame:
    """The table under a panel: every component (units × unit cost = subtotal) with its source linked, then each
    treatment's course total; data text escaped for markdown (st.table renders it)."""
    comps = components(ev, basis, treatment_ids)
    rows = []
    for total in totals(ev, basis, treatment_ids, comps):
        for r in comps[comps["treatment_id"] == total.treatment_id].to_dict("records"):
            notes = " ".join(escape_md(r.get(c)) for c in ("derivation", "note") if not blank(r.get(c)))
            rows.append({"Treatment": escape_md(total.treatment), "Component": escape_md(r["component"]),
                         "Units × unit cost = subtotal": escape_md(r["arithmetic"]),
                         "Source": _source_cell(ev, r.get("source_id"), r.get("locator")),
                         "What the source reports": escape_md(r.get("figures")), "Our arithmetic and notes": notes})
        missing = f" Not priced: {'; '.join(total.missing)}." if total.missing else ""
        rows.append({"Treatment": escape_md(total.treatment), "Component": "**Course total**",
                     "Units × unit cost = subtotal": f"**{escape_md(total.text)}**",
                     "Source": "", "What the source reports": "",
                     "Our arithmetic and notes": escape_md(("Sum of the priced components." + missing)
                                                           if total.state in ("priced", "partial") else missing.strip())})
    for r in references(ev, basis, treatment_ids).to_dict("records"):
        rows.append({"Treatment": escape_md(r["Treatment"]), "Component": "Reference: " + escape_md(r["component"]),
                     "Units × unit cost = subtotal": escape_md(money(r["currency"], r["low"], r["high"])
                                                              + f" ({int(r['price_year'])} prices)"),
                     "Source": _source_cell(ev, r.get("source_id"), r.get("locator")),
                     "What the source reports": escape_md(r.get("figures")), "Our arithmetic and notes": escape_md(r.get("note"))})
    return pd.DataFrame(rows, columns=ARITHMETIC_COLUMNS)


def plain_table(ev: Evidence, basis: str, treatment_ids: list[str]) -> pd.DataFrame:
    """The panel's rows as plain data (CSV download, sources line): components and references."""
    comps = components(ev, basis, treatment_ids)
    refs = references(ev, basis, treatment_ids)
    titles = dict(zip(ev.sources["source_id"], ev.sources["title"]))
    kinds = dict(zip(ev.sources["source_id"], ev.sources["source_type"].map(SOURCE_TYPE_LABELS)))
    out = []
    for r in comps.to_dict("records"):
        out.append({"Row id": r["row_id"], "Treatment": r["Treatment"], "Basis": COST_BASES[basis].label, "Kind": "component",
                    "Component": r["component"], "Status": r["status"], "Units low": r.get("units_low"),
                    "Units high": r.get("units_high"), "Unit": r.get("unit_label"), "Unit cost": r.get("unit_cost"),
                    "Unit cost high": r.get("unit_cost_high"), "Currency": r.get("currency"), "Price year": r.get("price_year"),
                    "Subtotal low": r["subtotal_low"], "Subtotal high": r["subtotal_high"], "Arithmetic": r["arithmetic"],
                    "Sources": _title(titles, kinds, r.get("source_id")), "Locator": r.get("locator"),
                    "Figures": r.get("figures"), "Derivation": r.get("derivation"), "Note": r.get("note")})
    for r in refs.to_dict("records"):
        out.append({"Row id": r["row_id"], "Treatment": r["Treatment"], "Basis": COST_BASES[basis].label, "Kind": "reference",
                    "Component": r["component"], "Status": r["status"], "Unit cost": r["low"], "Unit cost high": r["high"],
                    "Currency": r.get("currency"), "Price year": r.get("price_year"),
                    "Sources": _title(titles, kinds, r.get("source_id")), "Locator": r.get("locator"),
                    "Figures": r.get("figures"), "Note": r.get("note")})
    return pd.DataFrame(out)


def _title(titles: dict, kinds: dict, source_id) -> str:
    if blank(source_id):
        return ""
    return f"{titles.get(source_id, source_id)} [{kinds.get(source_id, '?')}]"


def summary(ev: Evidence, basis: str, treatment_ids: list[str]) -> str:
    """One sentence per panel: what is priced, what is not, and how the build compares with the references."""
    info = COST_BASES[basis]
    parts = []
    for total in totals(ev, basis, treatment_ids):
        parts.append(f"{total.treatment}: {total.text}")
    refs = references(ev, basis, treatment_ids)
    ref_text = "; ".join(f"{r['Treatment']} {r['component']}: {money(r['currency'], r['low'], r['high'])}"
                         for r in refs.to_dict("records"))
    return (f"{info.label}. {info.note} Course totals add the priced components only (low end: fewest units at the "
            f"lowest price; high end: most units at the highest price): " + "; ".join(parts) + "."
            + (f" Reported course costs for comparison: {ref_text}." if ref_text else ""))
