"""Head-to-head (issue 14): direct randomised or meta-analytic comparisons of two treatments from
comparisons.csv, as a table and a forest-style chart. Pure view models plus one cached chart view.

Direction of effects. Each row's ``effect``, ``ci_low`` and ``ci_high`` are exactly as its source reports
them, in the source's own direction, which ``effect_measure`` states ("risk difference, ECT minus
ketamine"). Nothing is flipped or recomputed here: the chart draws one panel per effect measure (so two
measures or two directions never share an axis), names the measure and direction on that panel's axis,
and says which side favours which treatment only where the data say so, either in the measure itself
("negative favours ECT") or through a row whose whole estimate lies on one side of no difference and
whose ``favours`` names a treatment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import charts, views
from .cite import source_link
from .data import Evidence
from .figures import ChartView
from .vocab import DESIGN_LABELS, MEASURE_LABELS, SOURCE_TYPE_LABELS

DEFAULT_A, DEFAULT_B = "ketamine_iv", "ect"
NUMBER_COLUMNS = ("n", "value_a", "value_b", "effect", "ci_low", "ci_high")
NO_DIRECT = "No randomised or meta-analytic direct comparison of {a} and {b} was found"
INDIRECT_LABEL = "Indirect: separate studies"
_EXPLICIT_SIDE = re.compile(r"\b(negative|positive|lower|higher)\s+(?:values?\s+)?favou?rs\s+([^);,]+)", re.I)


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


def direct(ev: Evidence, a: str, b: str, condition: str) -> pd.DataFrame:
    """The direct comparisons of a and b for the condition (every condition for 'all'), in file order."""
    rows = pair_rows(ev, a, b)
    if condition != views.ALL and len(rows):
        rows = rows[rows["condition_id"] == condition]
    return rows.reset_index(drop=True)


def elsewhere(ev: Evidence, a: str, b: str, condition: str) -> dict[str, int]:
    """Condition name -> number of direct comparisons of a and b in other conditions than ``condition``."""
    if condition == views.ALL:
        return {}
    rows = pair_rows(ev, a, b)
    rows = rows[rows["condition_id"] != condition] if len(rows) else rows
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


def table(ev: Evidence, rows: pd.DataFrame, a: str, b: str, with_condition: bool = False) -> pd.DataFrame:
    """The comparisons as shown: one row per result, columns in the order the viewer chose (a, then b)."""
    short = names(ev)
    titles = ev.sources.set_index("source_id")["title"]
    types = ev.sources.set_index("source_id")["source_type"].map(SOURCE_TYPE_LABELS)
    out = []
    for r in rows.to_dict("records"):
        measure = MEASURE_LABELS.get(r["measure"], "other outcome" if r["measure"] == "other" else r["measure"])
        note = r.get("measure_note")
        record = {
            "Study": r["study"],
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
def null_value(effect_measure: str) -> float:
    """No difference: 1 for ratios (risk, odds, hazard ratio), 0 for differences."""
    return 1.0 if "ratio" in effect_measure.lower() else 0.0


def side_rule(effect_measure: str, rows: pd.DataFrame, short: dict[str, str]) -> str:
    """Which side of no difference favours which treatment, only where the data say so (see module doc)."""
    explicit = _EXPLICIT_SIDE.search(effect_measure)
    if explicit:
        return ""  # the measure already says it, in the source's words
    null = null_value(effect_measure)
    found = set()
    for r in rows.to_dict("records"):
        if r["favours"] not in ("treatment_a", "treatment_b"):
            continue
        values = [v for v in (r["effect"], r["ci_low"], r["ci_high"]) if pd.notna(v)]
        if not values or not (all(v > null for v in values) or all(v < null for v in values)):
            continue
        side = "right" if values[0] > null else "left"
        found.add((side, short.get(r[r["favours"]], r[r["favours"]])))
    if len(found) != 1:
        return ""
    side, name = found.pop()
    return f"{side} of {null:g} favours {name}"


@dataclass
class Panel:
    measure: str
    rows: pd.DataFrame
    heading: str  # the measure as reported and, where the data say it, which side favours which treatment


def panels(rows: pd.DataFrame, short: dict[str, str]) -> list[Panel]:
    """Rows with an effect or an interval, one panel per effect measure (file order)."""
    if not len(rows):
        return []
    numeric = rows[rows["effect_measure"].notna() & (rows["effect"].notna() | (rows["ci_low"].notna() & rows["ci_high"].notna()))]
    out = []
    for measure, part in numeric.groupby("effect_measure", sort=False):
        rule = side_rule(measure, part, short)
        out.append(Panel(measure, part, charts._wrap(measure[:1].upper() + measure[1:] + (f" · {rule}" if rule else ""), 80)))
    return out


def point_label(r, short: dict[str, str], seen: set[str]) -> str:
    measure = MEASURE_LABELS.get(r["measure"], "") if r["measure"] != "other" else ""
    label = r["study"] + (f" · {measure}" if measure else "")
    if label in seen:  # the same study and measure twice in one chart: tell them apart by outcome
        label = f"{label} · {r['outcome'][:40]}"
    seen.add(label)
    favours = r["favours"]
    verdict = f"favours {short.get(r[favours], r[favours])}" if favours in ("treatment_a", "treatment_b") else "no clear difference"
    if pd.isna(r["effect"]):
        verdict += " · interval only"
    elif pd.isna(r["ci_low"]) or pd.isna(r["ci_high"]):
        verdict += " · no CI reported"
    return f"{charts._wrap(label, 34)}<br><i>{verdict}</i>"


FAVOURS_SYMBOL = {"treatment_a": "circle", "treatment_b": "square", "neither": "diamond"}


def _result_traces(fig: go.Figure, panel: Panel, i: int, short: dict, colours: dict, seen_labels: set[str]) -> list[str]:
    """Panel ``i``'s results: a 95% CI line and a point coloured and shaped by the treatment it favours.
    Returns the row labels, top to bottom."""
    labels = []
    for r in panel.rows.to_dict("records"):
        label = point_label(r, short, seen_labels)
        labels.append(label)
        favours = r["favours"] if r["favours"] in FAVOURS_SYMBOL else "neither"
        who = r[favours] if favours != "neither" else None
        colour = colours.get(who, "#555555") if who else "#555555"
        hover = (f"<b>{r['study']}</b> ({DESIGN_LABELS.get(r['design'], r['design'])}"
                 + (f", n={int(r['n']):,}" if pd.notna(r["n"]) else "") + ")<br>"
                 + f"{charts._wrap(r['outcome'])}<br>{charts._wrap(panel.measure)}: {effect_text(r)}")
        if pd.notna(r["ci_low"]) and pd.notna(r["ci_high"]):
            fig.add_trace(go.Scatter(x=[r["ci_low"], r["ci_high"]], y=[label, label], mode="lines+markers", name="95% CI",
                                     line=dict(color=colour, width=3), marker=dict(symbol="line-ns-open", size=14, color=colour),
                                     hovertext=[hover, hover], hovertemplate="%{hovertext}<extra></extra>"), row=i, col=1)
        if pd.notna(r["effect"]):
            name = f"Favours {short.get(who, who)}" if who else "Neither / no clear difference"
            fig.add_trace(go.Scatter(x=[r["effect"]], y=[label], mode="markers", name=name,
                                     marker=dict(symbol=FAVOURS_SYMBOL[favours], size=15, color=colour, line=dict(width=1, color="#1a1a1a")),
                                     hovertext=[hover], hovertemplate="%{hovertext}<extra></extra>"), row=i, col=1)
    return labels


def _panel_axes(fig: go.Figure, panel: Panel, i: int, labels: list[str]) -> None:
    """Panel ``i``'s axes: rows in data order, the x range padded around the results and the null line,
    a dashed line at no difference, and the measure with its direction as the panel's heading."""
    null = null_value(panel.measure)
    fig.add_vline(x=null, line=dict(color="#333333", width=1, dash="dash"), row=i, col=1)
    values = [null] + [v for c in ("effect", "ci_low", "ci_high") for v in panel.rows[c].dropna()]
    pad = (max(values) - min(values)) * 0.08 or 0.5
    fig.update_yaxes(categoryorder="array", categoryarray=labels[::-1], range=charts.category_range(len(labels)), row=i, col=1)
    # One-line axis title; the measure and its direction head the panel (an annotation above it).
    # No automargin on these axes: the gaps are sized here, and the bottom margin by the provenance line.
    fig.update_xaxes(title_text=f"Effect as reported (point) with its 95% CI (line) · {null:g} = no difference", showgrid=True,
                     gridcolor="#dddddd", zeroline=False, range=[min(values) - pad, max(values) + pad], automargin=False, row=i, col=1)
    axis = "" if i == 1 else str(i)
    fig.add_annotation(text=f"<b>{panel.heading}</b>", xref=f"x{axis} domain", yref=f"y{axis} domain", x=0, y=1,
                       xanchor="left", yanchor="bottom", yshift=6, showarrow=False, align="left", font=dict(size=15))


def forest(rows: pd.DataFrame, ev: Evidence, a: str, b: str, title: str) -> go.Figure:
    """Point and 95% CI whisker per result; one stacked panel per effect measure, each with its own axis
    titled with the measure and its direction, and a dashed line at no difference."""
    from plotly.subplots import make_subplots

    short = names(ev)
    colours = dict(zip(ev.treatments["treatment_id"], ev.treatments["colour"]))
    parts = panels(rows, short)
    if not parts:
        return charts._empty(title, "None of these comparisons reports an effect size or interval")
    counts = [len(p.rows) for p in parts]
    gap_px, row_px = 150, 64  # gap: tick labels, axis title and the next panel's heading (up to two lines)
    plot_px = row_px * sum(counts) + gap_px * (len(parts) - 1)
    fig = make_subplots(rows=len(parts), cols=1, row_heights=counts,
                        vertical_spacing=gap_px / plot_px if len(parts) > 1 else 0)
    seen_labels: set[str] = set()
    for i, panel in enumerate(parts, start=1):
        _panel_axes(fig, panel, i, _result_traces(fig, panel, i, short, colours, seen_labels))
    top = 64 + 22 * (parts[0].heading.count("<br>") + 1)  # title and the first panel's heading
    # No legend: each row's label says which treatment it favours, and the axis title says point and line.
    fig.update_layout(template=charts.TEMPLATE, title=title, height=max(300, plot_px + top + 90), hovermode="closest",
                      showlegend=False,
                      # Margins as sized here and by charts.fit_left_margin: left to expand, Plotly widened the left
                      # margin of this chart far beyond its labels (observed in Chromium), squeezing the panels.
                      margin=dict(t=top, autoexpand=False))
    return fig


def chart_summary(ev: Evidence, rows: pd.DataFrame, a: str, b: str, label: str) -> str:
    short = names(ev)
    parts = panels(rows, short)
    plotted = sum(len(p.rows) for p in parts)
    studies = rows["study"].nunique() if len(rows) else 0
    return (f"{len(rows)} direct result(s) from {studies} study or review report(s) compare {short.get(a, a)} and "
            f"{short.get(b, b)} ({label.lower()}); {plotted} give an effect size or interval and are drawn, one panel per "
            "effect measure, in the direction each source reports (named under each panel). The others are results in words, "
            "listed in the table.")


@st.cache_resource(max_entries=256, show_spinner=False)
def chart_view(_ev: Evidence, version: str, a: str, b: str, condition: str) -> ChartView:
    """The forest chart, its summary and the table of its rows, built once per data version and choice."""
    ev = _ev
    short = names(ev)
    label = views.condition_label(ev, condition)
    rows = direct(ev, a, b, condition)
    fig = forest(rows, ev, a, b, f"Direct comparisons: {short.get(a, a)} vs {short.get(b, b)} · {label}")
    return ChartView(fig, chart_summary(ev, rows, a, b, label), table(ev, rows, a, b, with_condition=True),
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
