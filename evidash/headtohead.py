"""Head-to-head (issue 14): direct randomised or meta-analytic comparisons of two treatments from
comparisons.csv, as a table and a forest-style chart. Pure view models plus one cached chart view.

Direction of effects. Each row's ``effect``, ``ci_low`` and ``ci_high`` are exactly as its source reports
them, in the source's own direction, which ``effect_measure`` states ("risk difference, ECT minus
ketamine"); the table shows them so. The chart draws every panel in one direction: right of no
difference favours the first treatment chosen (``a``). ``effect_first`` and ``higher_favours`` say which
treatment a higher value favours (``rules.higher_favoured``); where that is ``b``, a difference is negated
and a ratio inverted, the interval's ends swapped, and the row is marked ↔ (``orient``). A row whose
direction of benefit the data do not state is not drawn (``undrawn``). Results of one measure kind
("risk difference (percentage points)") share a panel, whatever their reported direction.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import charts, views
from .cite import source_link
from .data import Evidence
from .figures import ChartView
from .rules import higher_favoured, id_list, null_effect
from .vocab import DESIGN_LABELS, MEASURE_LABELS, SOURCE_TYPE_LABELS
from .text import count

DEFAULT_A, DEFAULT_B = "ketamine_iv", "ect"
NUMBER_COLUMNS = ("n", "value_a", "value_b", "effect", "ci_low", "ci_high")
NO_DIRECT = "No randomised or meta-analytic direct comparison of {a} and {b} was found"
INDIRECT_LABEL = "Indirect: separate studies"


def defaults(ev: Evidence) -> tuple[str, str]:
    """IV ketamine vs ECT where both exist, else the first two treatments."""
    tids = list(ev.treatments["treatment_id"])
    a = DEFAULT_A if DEFAULT_A in tids else (tids[0] if tids else "")
    rest = [t for t in tids if t != a]
    b = DEFAULT_B if DEFAULT_B in rest else (rest[0] if rest else a)
    return a, b


def names(ev: Evidence) -> dict[str, str]:
    return ev.names("treatment_short")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in NUMBER_COLUMNS:
        if column in out.columns:
            out[column] = pd.to_numeric(out[column], errors="coerce")
    return out


def pair_rows(ev: Evidence, a: str, b: str) -> pd.DataFrame:
    """Every comparison of a and b in any condition, stored in either order."""
    c = ev.comparisons
    if not len(c):
        return _typed(c)
    hit = ((c["treatment_a"] == a) & (c["treatment_b"] == b)) | ((c["treatment_a"] == b) & (c["treatment_b"] == a))
    return _typed(c[hit]).reset_index(drop=True)


def _also(rows: pd.DataFrame, condition: str) -> pd.Series:
    """Rows shown under ``condition`` through also_conditions (pooled analyses that include its patients)."""
    if "also_conditions" not in rows.columns:
        return pd.Series(False, index=rows.index)
    return rows["also_conditions"].map(lambda v: condition in id_list(v)).astype(bool)


def direct(ev: Evidence, a: str, b: str, condition: str) -> pd.DataFrame:
    """The direct comparisons of a and b for the condition (every condition for 'all'), in file order: the
    condition's own rows and pooled analyses whose also_conditions name it (labelled by their population)."""
    rows = pair_rows(ev, a, b)
    if condition != views.ALL and len(rows):
        rows = rows[(rows["condition_id"] == condition) | _also(rows, condition)]
    return rows.reset_index(drop=True)


def elsewhere(ev: Evidence, a: str, b: str, condition: str) -> dict[str, int]:
    """Condition name -> number of direct comparisons of a and b in other conditions than ``condition``
    (rows already shown under it through also_conditions are not counted)."""
    if condition == views.ALL:
        return {}
    rows = pair_rows(ev, a, b)
    rows = rows[(rows["condition_id"] != condition) & ~_also(rows, condition)] if len(rows) else rows
    return {views.condition_label(ev, c): int(n) for c, n in rows.groupby("condition_id", sort=False).size().items()}


def _num(value) -> str:
    return "" if value is None or pd.isna(value) else f"{value:g}"


def effect_text(row) -> str:
    """'14.2 (95% CI 3.9 to 24.2)', 'not reported (95% CI 2 to 30)', '1.41 (CI not reported)' or '—'."""
    effect, low, high = row.get("effect"), row.get("ci_low"), row.get("ci_high")
    has_ci = pd.notna(low) and pd.notna(high)
    if pd.notna(effect):
        return f"{_num(effect)} (95% CI {_num(low)} to {_num(high)})" if has_ci else f"{_num(effect)} (CI not reported)"
    if has_ci:
        return f"point estimate not reported (95% CI {_num(low)} to {_num(high)})"
    return "—"


def favours_text(row, ev_names: dict[str, str]) -> str:
    side = row.get("favours")
    if side in ("treatment_a", "treatment_b"):
        return f"Favours {ev_names.get(row[side], row[side])}"
    return "Neither (no clear difference or mixed)"


def arm(row, treatment: str, column: str):
    """Result for ``treatment`` whichever order the row stores the pair in (column: 'result' or 'value')."""
    return row[f"{column}_a"] if row["treatment_a"] == treatment else row[f"{column}_b"]


def arm_text(row, treatment: str) -> str:
    """The arm's result in words, with its rate in % where the source gives one."""
    value = arm(row, treatment, "value")
    text = str(arm(row, treatment, "result"))
    if value is None or pd.isna(value) or f"{value:g}%" in text:
        return text
    return f"{text} ({value:g}%)"


def table(ev: Evidence, rows: pd.DataFrame, a: str, b: str, with_condition: bool = False,
          condition: str = views.ALL) -> pd.DataFrame:
    """The comparisons as shown: one row per result, columns in the order the viewer chose (a, then b), every
    number as reported. A row shown under ``condition`` through also_conditions is labelled by its population."""
    short = names(ev)
    titles = ev.sources.set_index("source_id")["title"]
    types = ev.sources.set_index("source_id")["source_type"].map(SOURCE_TYPE_LABELS)
    out = []
    for r in rows.to_dict("records"):
        measure = MEASURE_LABELS.get(r["measure"], "other outcome" if r["measure"] == "other" else r["measure"])
        note = r.get("measure_note")
        population = population_of(r, condition)
        record = {
            "Study": r["study"] + (f" ({population})" if population else ""),
            "Condition": views.condition_label(ev, r["condition_id"]),
            "Design": DESIGN_LABELS.get(r["design"], r["design"]),
            "n": "" if pd.isna(r["n"]) else f"{int(r['n']):,}",
            "Outcome": r["outcome"],
            "Measure": measure + (f": {note}" if isinstance(note, str) and note else ""),
            short.get(a, a): arm_text(r, a),
            short.get(b, b): arm_text(r, b),
            "Effect measure (direction as reported)": r["effect_measure"] if isinstance(r["effect_measure"], str) else "—",
            "Effect (95% CI)": effect_text(r),
            "Favours": favours_text(r, short),
            "Sources": f"{titles.get(r['source_id'], r['source_id'])} [{types.get(r['source_id'], '?')}]",
            "Where": r["locator"],
            "Comparison id": r["comparison_id"],
        }
        out.append(record)
    columns = ["Study", "Condition", "Design", "n", "Outcome", "Measure", short.get(a, a), short.get(b, b),
               "Effect measure (direction as reported)", "Effect (95% CI)", "Favours", "Sources", "Where", "Comparison id"]
    frame = pd.DataFrame(out, columns=columns)
    return frame if with_condition else frame.drop(columns=["Condition"])


# --- forest chart ------------------------------------------------------------------------------------
FLIP_MARK = "↔ sign flipped for display"
INVERT_MARK = "↔ inverted (1/x) for display"


def null_value(effect_measure: str) -> float:
    """No difference: 1 for ratios (risk, odds, hazard ratio), 0 for differences."""
    return null_effect(effect_measure)


def measure_kind(effect_measure: str) -> str:
    """The measure without its reported direction: 'risk difference, ECT minus ketamine (percentage points)' ->
    'risk difference (percentage points)'; 'standardised mean difference, ECT vs ketamine (negative favours ECT)' ->
    'standardised mean difference'. Results of one kind share a panel once they are drawn in one direction."""
    head = effect_measure.split(",")[0].strip()
    units = [u for u in re.findall(r"\(([^()]*)\)", effect_measure) if "favour" not in u.lower()]
    return head + (f" ({units[-1]})" if units else "")


@dataclass
class Drawn:
    """A result as the chart draws it: right of no difference favours the first treatment chosen (``a``)."""
    effect: float | None
    low: float | None
    high: float | None
    flipped: bool  # negated (a difference) or inverted (a ratio) from the reported direction
    ratio: bool

    @property
    def mark(self) -> str:
        return (INVERT_MARK if self.ratio else FLIP_MARK) if self.flipped else ""


def _value(v) -> float | None:
    return None if v is None or pd.isna(v) else float(v)


def orient(row, a: str) -> Drawn | None:
    """The row's effect and 95% CI drawn so that a higher value favours ``a``: as reported when a higher value
    already favours ``a``, else a difference negated or a ratio inverted, the interval's ends swapped. None when
    the row does not say which treatment a higher value favours (effect_first, higher_favours), or a is not in it."""
    favoured = higher_favoured(row)
    if favoured is None or a not in (row["treatment_a"], row["treatment_b"]):
        return None
    effect, low, high = _value(row.get("effect")), _value(row.get("ci_low")), _value(row.get("ci_high"))
    if effect is None and (low is None or high is None):
        return None
    ratio = null_value(str(row.get("effect_measure") or "")) == 1.0
    if favoured == a:
        return Drawn(effect, low, high, False, ratio)
    if ratio:
        if any(v is not None and v <= 0 for v in (effect, low, high)):
            return None
        def flip(v):
            return None if v is None else 1.0 / v
    else:
        def flip(v):
            return None if v is None else -v
    return Drawn(flip(effect), flip(high), flip(low), True, ratio)  # the ends swap: the low end was the high one


def _reported(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with an effect measure and an effect or a whole interval."""
    if not len(rows):
        return rows
    return rows[rows["effect_measure"].notna() & (rows["effect"].notna() | (rows["ci_low"].notna() & rows["ci_high"].notna()))]


def undrawn(rows: pd.DataFrame, a: str) -> pd.DataFrame:
    """Rows with an effect that the chart cannot draw in one direction: the data do not say which side favours whom."""
    reported = _reported(rows)
    if not len(reported):
        return reported
    return reported[[orient(r, a) is None for r in reported.to_dict("records")]]


def flipped(rows: pd.DataFrame, a: str) -> list[dict]:
    """The drawn rows whose sign the chart flipped (or ratio it inverted), in file order."""
    return [r for r in _reported(rows).to_dict("records") if (d := orient(r, a)) is not None and d.flipped]


def flip_line(ev: Evidence, rows: pd.DataFrame, a: str, b: str) -> str:
    """One line for the page: where the chart flipped a sign, or '' when it flipped none."""
    short = names(ev)
    done = flipped(rows, a)
    if not done:
        return ""
    what = "; ".join(f"{r['study']} {MEASURE_LABELS.get(r['measure'], r['outcome'])}"
                     + (" (ratio inverted)" if orient(r, a).ratio else "") for r in done)
    return (f"↔ Sign flipped for display, so that right favours {short.get(a, a)} in every panel: {what}. "
            "The table keeps the numbers as reported.")


def undrawn_line(ev: Evidence, rows: pd.DataFrame, a: str) -> str:
    """One line naming the results with an effect that the chart leaves out (direction of benefit not stated)."""
    missing = undrawn(rows, a)
    if not len(missing):
        return ""
    what = "; ".join(f"{r['study']} ({r['effect_measure']}: {effect_text(r)})" for r in missing.to_dict("records"))
    return (f"Not drawn, because the data do not say which side of no difference favours which treatment: {what}. "
            "See the table.")


@dataclass
class Panel:
    measure: str  # the measure kind (measure_kind), shared by its rows
    rows: pd.DataFrame
    drawn: list[Drawn]
    heading: str  # the measure, the pair in the chosen order and where no difference lies


def panels(rows: pd.DataFrame, short: dict[str, str], a: str = "", b: str = "") -> list[Panel]:
    """Drawable rows (an effect or interval, and a stated direction), one panel per measure kind (file order),
    every panel in one direction: right of no difference favours ``a``."""
    reported = _reported(rows)
    if not len(reported):
        return []
    reported = reported.copy()
    reported["_drawn"] = [orient(r, a) for r in reported.to_dict("records")]
    reported = reported[reported["_drawn"].notna()]
    if not len(reported):
        return []
    reported["_kind"] = [measure_kind(m) for m in reported["effect_measure"]]
    out = []
    for kind, part in reported.groupby("_kind", sort=False):
        null = null_value(kind)
        heading = f"{kind[:1].upper() + kind[1:]} · {short.get(a, a)} vs {short.get(b, b)} · {null:g} = no difference"
        out.append(Panel(kind, part.drop(columns=["_drawn", "_kind"]), list(part["_drawn"]), charts._wrap(heading, 80)))
    return out


def axis_title(short: dict[str, str], a: str, b: str) -> str:
    """The x axis title of every panel: which side favours which treatment (right favours a)."""
    return f"← favours {short.get(b, b)} · favours {short.get(a, a)} →"


def arms_text(r, a: str, b: str, short: dict[str, str]) -> str:
    """'IV ketamine 46% vs ECT 63%' from value_a/value_b, in the chosen order; '' when either is missing."""
    va, vb = arm(r, a, "value"), arm(r, b, "value")
    if va is None or vb is None or pd.isna(va) or pd.isna(vb):
        return ""
    return f"{short.get(a, a)} {va:g}% vs {short.get(b, b)} {vb:g}%"


def population_of(r, condition: str) -> str:
    """The population label of a row shown under ``condition`` through also_conditions, else ''."""
    if condition == views.ALL or r.get("condition_id") == condition:
        return ""
    pop = r.get("population")
    return pop if isinstance(pop, str) else ""


def point_label(r, drawn: Drawn, short: dict[str, str], a: str, b: str, seen: set[str], condition: str = views.ALL) -> str:
    measure = MEASURE_LABELS.get(r["measure"], "") if r["measure"] != "other" else ""
    label = r["study"] + (f" · {measure}" if measure else "")
    if label in seen:  # the same study and measure twice in one chart: tell them apart by outcome
        label = f"{label} · {r['outcome'][:40]}"
    seen.add(label)
    lines = [charts._wrap(label, 34)]
    population = population_of(r, condition)
    if population:
        lines.append(charts._wrap(population, 34))
    favours = r["favours"]
    verdict = f"favours {short.get(r[favours], r[favours])}" if favours in ("treatment_a", "treatment_b") else "no clear difference"
    if pd.isna(r["effect"]):
        verdict += " · interval only"
    elif pd.isna(r["ci_low"]) or pd.isna(r["ci_high"]):
        verdict += " · no CI reported"
    lines.append(f"<i>{verdict}</i>")
    arms = arms_text(r, a, b, short) if pd.isna(r["effect"]) else ""
    if arms:  # only the interval is reported: the arms' own figures beside it
        lines.append(arms)
    if drawn.flipped:
        lines.append(drawn.mark)
    return "<br>".join(lines)


FAVOURS_SYMBOL = {"treatment_a": "circle", "treatment_b": "square", "neither": "diamond"}


def _drawn_text(d: Drawn) -> str:
    return effect_text({"effect": d.effect, "ci_low": d.low, "ci_high": d.high})


def _result_traces(fig: go.Figure, panel: Panel, i: int, short: dict, colours: dict, seen_labels: set[str],
                   a: str, b: str, condition: str) -> list[str]:
    """Panel ``i``'s results: a 95% CI line and a point coloured and shaped by the treatment it favours, drawn in
    the panel's direction. Returns the row labels, top to bottom."""
    labels = []
    for r, d in zip(panel.rows.to_dict("records"), panel.drawn):
        label = point_label(r, d, short, a, b, seen_labels, condition)
        labels.append(label)
        favours = r["favours"] if r["favours"] in FAVOURS_SYMBOL else "neither"
        who = r[favours] if favours != "neither" else None
        colour = colours.get(who, "#555555") if who else "#555555"
        arms = arms_text(r, a, b, short)
        hover = (f"<b>{r['study']}</b> ({DESIGN_LABELS.get(r['design'], r['design'])}"
                 + (f", n={int(r['n']):,}" if pd.notna(r["n"]) else "") + ")<br>"
                 + (f"{charts._wrap(population_of(r, condition))}<br>" if population_of(r, condition) else "")
                 + f"{charts._wrap(r['outcome'])}<br>As reported: {charts._wrap(r['effect_measure'])}: {effect_text(r)}"
                 + (f"<br>Drawn as: {_drawn_text(d)} ({d.mark})" if d.flipped else "")
                 + (f"<br>Arms: {arms}" if arms else ""))
        if d.low is not None and d.high is not None:
            fig.add_trace(go.Scatter(x=[d.low, d.high], y=[label, label], mode="lines+markers", name="95% CI",
                                     line=dict(color=colour, width=3), marker=dict(symbol="line-ns-open", size=14, color=colour),
                                     hovertext=[hover, hover], hovertemplate="%{hovertext}<extra></extra>"), row=i, col=1)
        if d.effect is not None:
            name = f"Favours {short.get(who, who)}" if who else "Neither / no clear difference"
            fig.add_trace(go.Scatter(x=[d.effect], y=[label], mode="markers", name=name,
                                     marker=dict(symbol=FAVOURS_SYMBOL[favours], size=15, color=colour, line=dict(width=1, color="#1a1a1a")),
                                     hovertext=[hover], hovertemplate="%{hovertext}<extra></extra>"), row=i, col=1)
    return labels


def _panel_axes(fig: go.Figure, panel: Panel, i: int, labels: list[str], title: str) -> None:
    """Panel ``i``'s axes: rows in data order, the x range padded around the results and the null line,
    a dashed line at no difference, the measure and the pair as the panel's heading, and which side favours
    which treatment as the axis title (the same on every panel)."""
    null = null_value(panel.measure)
    fig.add_vline(x=null, line=dict(color="#333333", width=1, dash="dash"), row=i, col=1)
    values = [null] + [v for d in panel.drawn for v in (d.effect, d.low, d.high) if v is not None]
    ratio = null == 1.0
    if ratio:  # a ratio on a log axis: an inverted ratio mirrors about 1 as a negated difference mirrors about 0
        values = [math.log10(v) for v in values]
    pad = (max(values) - min(values)) * 0.08 or (0.05 if ratio else 0.5)
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], range=charts.category_range(len(labels)), row=i, col=1)
    # No automargin on these axes: the gaps are sized here, and the bottom margin by the provenance line.
    fig.update_xaxes(title_text=title, showgrid=True, gridcolor="#dddddd", zeroline=False, type="log" if ratio else "linear",
                     range=[min(values) - pad, max(values) + pad], automargin=False, row=i, col=1)
    axis = "" if i == 1 else str(i)
    fig.add_annotation(text=f"<b>{panel.heading}</b>", xref=f"x{axis} domain", yref=f"y{axis} domain", x=0, y=1,
                       xanchor="left", yanchor="bottom", yshift=6, showarrow=False, align="left", font=dict(size=15))


def forest(rows: pd.DataFrame, ev: Evidence, a: str, b: str, title: str, condition: str = views.ALL) -> go.Figure:
    """Point and 95% CI whisker per result; one stacked panel per measure kind, every panel drawn so that right of
    no difference favours ``a`` (flipped results marked ↔), a dashed line at no difference."""
    from plotly.subplots import make_subplots

    short = names(ev)
    colours = dict(zip(ev.treatments["treatment_id"], ev.treatments["colour"]))
    parts = panels(rows, short, a, b)
    if not parts:
        return charts._empty(title, "None of these comparisons reports an effect size or interval with a stated direction")
    counts = [len(p.rows) for p in parts]
    seen: set[str] = set()
    label_lines = max(point_label(r, d, short, a, b, seen, condition).count("<br>") + 1
                      for p in parts for r, d in zip(p.rows.to_dict("records"), p.drawn))
    gap_px, row_px = 150, max(64, 18 * label_lines + 10)  # gap: tick labels, axis title and the next panel's heading
    plot_px = row_px * sum(counts) + gap_px * (len(parts) - 1)
    fig = make_subplots(rows=len(parts), cols=1, row_heights=counts,
                        vertical_spacing=gap_px / plot_px if len(parts) > 1 else 0)
    seen_labels: set[str] = set()
    x_title = axis_title(short, a, b)
    for i, panel in enumerate(parts, start=1):
        _panel_axes(fig, panel, i, _result_traces(fig, panel, i, short, colours, seen_labels, a, b, condition), x_title)
    top = 64 + 22 * (parts[0].heading.count("<br>") + 1)  # title and the first panel's heading
    # No legend: each row's label says which treatment it favours, and the axis title says which side is whose.
    fig.update_layout(template=charts.TEMPLATE, title=title, height=max(300, plot_px + top + 90), hovermode="closest",
                      showlegend=False,
                      # Margins as sized here and by charts.fit_left_margin: left to expand, Plotly widened the left
                      # margin of this chart far beyond its labels (observed in Chromium), squeezing the panels.
                      margin=dict(t=top, autoexpand=False))
    return fig


def chart_summary(ev: Evidence, rows: pd.DataFrame, a: str, b: str, label: str) -> str:
    short = names(ev)
    parts = panels(rows, short, a, b)
    plotted = sum(len(p.rows) for p in parts)
    flips = len(flipped(rows, a))
    missing = len(undrawn(rows, a))
    studies = rows["study"].nunique() if len(rows) else 0
    return (f"{count(len(rows), 'direct result')} from {count(studies, 'study or review report')} compare {short.get(a, a)} and "
            f"{short.get(b, b)} ({label.lower()}); {plotted} give an effect size or interval and are drawn, one panel per "
            f"effect measure, every panel with right of no difference favouring {short.get(a, a)}"
            + (f" ({flips} flipped from the direction reported, marked ↔)" if flips else "")
            + (f"; {missing} with an effect whose direction of benefit the data do not state "
               f"{'is' if missing == 1 else 'are'} not drawn" if missing else "")
            + ". The others are results in words, listed in the table.")


@st.cache_resource(max_entries=256, show_spinner=False)
def chart_view(_ev: Evidence, version: str, a: str, b: str, condition: str) -> ChartView:
    """The forest chart, its summary and the table of its rows, built once per data version and choice."""
    ev = _ev
    short = names(ev)
    label = views.condition_label(ev, condition)
    rows = direct(ev, a, b, condition)
    fig = forest(rows, ev, a, b, f"Direct comparisons: {short.get(a, a)} vs {short.get(b, b)} · {label}", condition)
    return ChartView(fig, chart_summary(ev, rows, a, b, label), table(ev, rows, a, b, with_condition=True, condition=condition),
                     f"head-to-head-{a}-{b}-{condition}", key=("h2h", version, a, b, condition))


def source_rows(ev: Evidence, rows: pd.DataFrame) -> list[dict]:
    """Each distinct source of the rows once: study, title, type, safe external link."""
    src = ev.sources.set_index("source_id", drop=False)
    out, seen = [], set()
    for r in rows.to_dict("records"):
        sid = r["source_id"]
        if sid in seen or sid not in src.index:
            continue
        seen.add(sid)
        s = src.loc[sid]
        out.append({"source_id": sid, "study": r["study"], "title": s["title"],
                    "type": SOURCE_TYPE_LABELS.get(s["source_type"], s["source_type"]), "link": source_link(s)})
    return out
