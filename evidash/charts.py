"""Plotly figure builders: one template, each treatment's fixed colour, source in every hover."""
from __future__ import annotations

import os
import textwrap
import threading
import warnings

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

TEMPLATE = "evidash"
_base = go.layout.Template(pio.templates["simple_white"])
# The app's own font on screen (Streamlit serves "Source Sans"); exports fall back to DejaVu Sans.
_base.layout.font = dict(family='"Source Sans", "Source Sans Pro", "DejaVu Sans", Arial, sans-serif', size=15, color="#1a1a1a")
_base.layout.title = dict(font=dict(size=18, weight=600), x=0, xanchor="left", pad=dict(l=6))  # pad: off the edge of exported images
_base.layout.margin = dict(l=10, r=20, t=60, b=50)
_base.layout.hoverlabel = dict(font_size=14, align="left")
# y=1: a fixed gap above tall plots too; xref container: the legend may use the whole width (not just the
# plot area right of long labels), so it stays on one row and off the title.
_base.layout.legend = dict(title_text="", orientation="h", yanchor="bottom", y=1.0, x=0, xref="container")
pio.templates[TEMPLATE] = _base

DAY_TICKS = [1 / 24, 4 / 24, 1, 7, 30, 90, 365]
DAY_TICK_TEXT = ["1 hour", "4 hours", "1 day", "1 week", "1 month", "3 months", "1 year"]


def _wrap(text: str, width: int = 60, hyphens: bool = False) -> str:
    """Plotly text (hover, labels) wrapped at ``width`` characters with <br>, at most six lines; a word longer
    than the width stays whole on a line of its own; with ``hyphens``, a hyphenated word may break after its hyphen."""
    lines = textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=hyphens)
    return "<br>".join(lines[:6])


def _cell_lines(text: str, width: int = 14) -> str:
    """Text for a heatmap cell or column, wrapped to fit its width at 1280 px: a part in brackets
    ("Common (1–10%)") starts its own line, and a long hyphenated word may break after the hyphen."""
    head, bracket, share = text.partition(" (")
    return _wrap(head, width, hyphens=True) + (f"<br>{_wrap('(' + share, width)}" if bracket else "")


def _empty(title: str, message: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(template=TEMPLATE, title=title, height=260, xaxis_visible=False, yaxis_visible=False)
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font_size=16)
    return fig


# Marker shape per measure, so points that measure different things never look alike on one axis.
MEASURE_SYMBOLS = {
    "first improvement": "circle", "response": "diamond", "remission": "star",
    "half of patients improved": "square", "symptom change": "triangle-up",
}


def _range_traces(fig: go.Figure, data: pd.DataFrame, lo: str, hi: str, label: str, colours: dict[str, str],
                  row=None, col=None) -> None:
    """One trace per treatment (segments separated by gaps), so a chart with hundreds of rows stays light.
    With a ``Measure`` column, each point's marker shape says what it measures."""
    for treatment, rows in data.groupby("Treatment", sort=False):
        xs, ys, hover, symbols = [], [], [], []
        for r in rows.to_dict("records"):
            method = f"<br>Measures: {r['Method']}" if r.get("Method") else ""
            text = (f"<b>{r[label]}</b><br>{_wrap(r.get('value', ''))}{method}<br>Backing: {r.get('Backing', '')}"
                    f"<br>Sources: {_wrap(r.get('Sources', ''))}")
            xs += [r[lo], r[hi], None]
            ys += [r[label], r[label], None]
            hover += [text, text, None]
            symbol = r.get("Symbol") or MEASURE_SYMBOLS.get(r.get("Measure") or "", "circle")  # a Symbol column wins
            symbols += [symbol, symbol, "circle"]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, mode="lines+markers", name=str(treatment), legendgroup=str(treatment),
            showlegend=False,  # every row label names its treatment: a colour legend would only repeat it
            line=dict(width=12, color=colours.get(treatment, "#555555")),
            marker=dict(size=16, color=colours.get(treatment, "#555555"), line=dict(width=1, color="#1a1a1a"), symbol=symbols),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", connectgaps=False,
        ), row=row, col=col)


MEASURE_GLYPHS = {"circle": "●", "diamond": "◆", "star": "★", "square": "■", "triangle-up": "▲"}


def measure_legend(fig: go.Figure, measures: list[str]) -> None:
    """A key to the marker shapes, as the chart's subtitle: 'Marker shape = measure: ● first improvement ◆ response'.
    (Legend entries for the shapes wrapped the legend into the title on a 1280-px screen.)"""
    key = "   ".join(f"{MEASURE_GLYPHS[MEASURE_SYMBOLS.get(m, 'circle')]} {m}" for m in measures)
    fig.update_layout(title_subtitle_text=f"Marker shape = what is measured:   {key}", title_subtitle_font_size=15,
                      margin_t=(fig.layout.margin.t or 90) + 24)


TIME_BASIS_GLYPHS = {"triangle-left": "◀", "circle": "●", "diamond": "◆", "square": "■"}


def time_basis_legend(fig: go.Figure, bases: list[tuple[str, str]]) -> None:
    """A key to the onset chart's marker shapes as its subtitle: what kind of time each point is
    (``bases``: (plotly symbol, words) pairs, e.g. ('triangle-left', 'by: the rate at that time only'))."""
    key = "   ".join(f"{TIME_BASIS_GLYPHS.get(symbol, '●')} {words}" for symbol, words in bases)
    fig.update_layout(title_subtitle_text=f"Marker = what the time is:   {key}", title_subtitle_font_size=15,
                      margin_t=(fig.layout.margin.t or 90) + 24)


def category_range(n: int) -> list[float]:
    """A fixed range for n category rows: half a row of room at each end. Autorange would pad a
    lines+markers axis by 5 % of its length, a blank band several rows high on a long chart."""
    return [-0.6, n - 0.4]


def range_chart(df: pd.DataFrame, lo: str, hi: str, colours: dict[str, str], title: str, x_title: str,
                log_days: bool = False, label: str = "Label", rows: list[str] | None = None,
                empty_text: str | dict[str, str] = "no value reported") -> go.Figure:
    """Ranges (or points, min = max) on one row per label. With ``rows``, exactly those rows in that order: a row
    without a value keeps its label and says ``empty_text`` (one text, or one per row label; never silently dropped),
    even when no row has a value."""
    data = df.dropna(subset=[lo, hi])
    if not len(data) and not rows:
        return _empty(title, "No numeric values reported for this selection")
    order = list(dict.fromkeys(rows if rows else data[label]))
    fig = go.Figure()
    if len(data):
        _range_traces(fig, data, lo, hi, label, colours)
    empty = [r for r in order if r not in set(data[label])] if rows else []
    if empty:  # every empty row as an invisible point, so it keeps its place and its label (fit_left_margin sees it)
        fig.add_trace(go.Scatter(x=[1 if log_days else 0] * len(empty), y=empty, mode="markers", marker=dict(opacity=0),
                                 showlegend=False, hoverinfo="skip", name="rows without a value"))
        for r in empty:
            text = empty_text.get(r, "no value reported") if isinstance(empty_text, dict) else empty_text
            fig.add_annotation(text=text, x=0.01, xref="paper", y=r, yref="y", xanchor="left", showarrow=False,
                               font=dict(size=14, color="#555555", style="italic"), name="empty_row")
    fig.update_layout(template=TEMPLATE, title=title, height=max(280, 110 + 48 * len(order)), xaxis_title=x_title,
                      yaxis_title=None, hovermode="closest", legend_title_text="", margin=dict(t=90))
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], range=category_range(len(order)))
    if log_days:
        fig.update_xaxes(type="log", tickvals=DAY_TICKS, ticktext=DAY_TICK_TEXT, range=[-2.0, 2.7], showgrid=True, gridcolor="#dddddd")
    else:
        fig.update_xaxes(showgrid=True, gridcolor="#dddddd", rangemode="tozero")
    return fig


def cost_chart(df: pd.DataFrame, colours: dict[str, str], title: str) -> go.Figure:
    """Price ranges, one panel per currency so amounts in different currencies never share an axis.

    Panels are stacked, each as wide as the chart with its labels in the one left margin (side by side,
    long labels of one panel ran into the next), and each as tall as its rows."""
    from plotly.subplots import make_subplots

    data = df.dropna(subset=["value_min", "value_max"])
    if not len(data):
        return _empty(title, "No prices reported for this selection")
    data = data.assign(LabelFull=data["Label"] if "LabelFull" not in data.columns else data["LabelFull"])
    currencies = list(dict.fromkeys(data["currency"]))
    counts = [data.loc[data["currency"] == c, "LabelFull"].nunique() for c in currencies]
    gap_px, row_px = 100, 48  # gap: the upper panel's tick labels and axis title
    plot_px = row_px * sum(counts) + gap_px * (len(currencies) - 1)
    # Each panel's x-axis title names its currency (no subplot titles: they would sit on the legend).
    fig = make_subplots(rows=len(currencies), cols=1, row_heights=counts,
                        vertical_spacing=gap_px / plot_px if len(currencies) > 1 else 0)
    for i, currency in enumerate(currencies, start=1):
        part = data[data["currency"] == currency]
        _range_traces(fig, part, "value_min", "value_max", "LabelFull", colours, row=i, col=1)
        labels = list(dict.fromkeys(part["LabelFull"]))[::-1]
        fig.update_yaxes(categoryorder="array", categoryarray=labels, range=category_range(len(labels)), row=i, col=1)
        fig.update_xaxes(showgrid=True, gridcolor="#dddddd", title_text=f"Amount ({currency})", rangemode="tozero", row=i, col=1)
    fig.update_layout(template=TEMPLATE, title=title, height=max(320, plot_px + 150), legend_title_text="",
                      margin=dict(t=100))
    return fig


COMPONENT_PATTERNS = ["", "/", ".", "x", "-", "|"]  # components of one bar differ by pattern, not colour alone


def course_cost_chart(comps: pd.DataFrame, totals: list, refs: pd.DataFrame, colours: dict[str, str], title: str,
                      currency: str) -> go.Figure:
    """One basis: a stacked bar per treatment by component (the low end: fewest units at the lowest price), a
    low-high range mark to the high end, reported HTA or model course costs as labelled diamonds, and a labelled
    row for every treatment, priced or not (a component without a price is written, never drawn as 0)."""
    ref_label = [f"◇ {str(c).split(':')[0]}" for c in refs["component"]] if len(refs) else []
    refs = refs.assign(Row=ref_label) if len(refs) else refs
    rows = []
    for t in totals:  # each reported course cost on its own row, under its treatment's bar
        rows += [t.treatment] + (list(refs.loc[refs["Treatment"] == t.treatment, "Row"]) if len(refs) else [])
    fig = go.Figure()
    # Every row as an invisible point: a treatment with nothing priced keeps its row, and fit_left_margin sees its label.
    fig.add_trace(go.Scatter(x=[0] * len(rows), y=rows, mode="markers", marker=dict(opacity=0), showlegend=False,
                             hoverinfo="skip", name="rows"))
    priced = comps[comps["subtotal_low"].notna()] if len(comps) else comps
    for treatment, part in (priced.groupby("Treatment", sort=False) if len(priced) else []):
        for i, r in enumerate(part.to_dict("records")):
            hover = (f"<b>{treatment} · {_wrap(r['component'], 50)}</b><br>{_wrap(r['arithmetic'], 60)}"
                     f"<br>Source: {_wrap(r.get('locator') or '', 60)}")
            fig.add_trace(go.Bar(
                x=[r["subtotal_low"]], y=[treatment], orientation="h", name=str(r["component"]), showlegend=False,
                marker=dict(color=colours.get(treatment, "#777777"), line=dict(width=1.5, color="#1a1a1a"),
                            pattern=dict(shape=COMPONENT_PATTERNS[i % len(COMPONENT_PATTERNS)], fgcolor="#1a1a1a",
                                         fgopacity=0.45, size=8)),
                text=[_wrap(str(r["component"]).split(" (")[0], 22)], textposition="inside", insidetextanchor="middle",
                textfont=dict(color="#1a1a1a", size=13), hovertext=[hover], hovertemplate="%{hovertext}<extra></extra>",
                cliponaxis=False))
    xs, ys = [], []
    for t in totals:
        if t.low is not None and t.high is not None and t.high > t.low:
            xs += [t.low, t.high, None]
            ys += [t.treatment, t.treatment, None]
    if xs:
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", name="Low–high range of the course total",
                                 line=dict(color="#1a1a1a", width=3), marker=dict(symbol="line-ns-open", size=22,
                                                                                   color="#1a1a1a", line=dict(width=3)),
                                 hoverinfo="skip"))
    top = max([t.high for t in totals if t.high is not None] + [0])
    if len(refs):
        top = max(top, float(refs["high"].max()))
        values = [f"{currency} {lo:,.0f}" + (f"–{hi:,.0f}" if hi != lo else "") for lo, hi in zip(refs["low"], refs["high"])]
        fig.add_trace(go.Scatter(
            x=[float(v) for v in refs["high"]], y=list(refs["Row"]), mode="markers+text", name="Course cost reported by an HTA or model",
            marker=dict(symbol="diamond", size=17, color="#ffffff", line=dict(width=2.5, color="#1a1a1a")),
            text=values, textposition="middle right", textfont=dict(size=14, color="#1a1a1a"),
            hovertext=[f"<b>{_wrap(c, 60)}</b><br>{currency} {lo:,.2f}" + (f"–{hi:,.2f}" if hi != lo else "")
                       for c, lo, hi in zip(refs["component"], refs["low"], refs["high"])],
            hovertemplate="%{hovertext}<extra></extra>"))
        for r in refs.to_dict("records"):
            if r["high"] > r["low"]:
                fig.add_shape(type="line", x0=r["low"], x1=r["high"], y0=r["Row"], y1=r["Row"],
                              line=dict(color="#1a1a1a", width=2, dash="dot"))
                fig.add_trace(go.Scatter(x=[r["low"]], y=[r["Row"]], mode="markers", showlegend=False, hoverinfo="skip",
                                         marker=dict(symbol="diamond", size=11, color="#ffffff",
                                                     line=dict(width=2, color="#1a1a1a"))))
    span = top * 1.45 if top else 1
    for t in totals:
        x = t.high if t.high is not None else 0
        grey = t.low is None
        fig.add_annotation(x=x, y=t.treatment, text=_wrap(t.text, 48), showarrow=False, xanchor="left", xshift=8,
                           yshift=-14 if not grey else 0, align="left",
                           font=dict(size=14, color="#555555" if grey else "#1a1a1a", style="italic" if grey else "normal"),
                           name="course_total")
    # The key is the subtitle (a legend beside a long title pushed the plot area far to the right).
    key = "Bar: low end, by component (pattern)  ┃  line: to the high end" + ("  ┃  ◇ course cost an HTA or model reports"
                                                                             if len(refs) else "")
    fig.update_layout(template=TEMPLATE, title=title, barmode="stack", height=170 + 64 * len(rows), bargap=0.45,
                      showlegend=False, margin=dict(t=100, r=30), uniformtext=dict(minsize=11, mode="hide"),
                      title_subtitle_text=key, title_subtitle_font_size=14)
    fig.update_yaxes(categoryorder="array", categoryarray=rows[::-1], range=category_range(len(rows)))
    fig.update_xaxes(range=[0, span], showgrid=True, gridcolor="#dddddd", title_text=f"Cost of an acute course ({currency})",
                     tickformat=",")
    return fig


NOTE_SUFFIX = " · see note"


def _heat_text(text: str) -> str:
    """A heatmap cell's text: its finding wrapped to the column (bracket on its own line), then 'see note'."""
    head, noted, _ = text.partition(NOTE_SUFFIX)
    return _cell_lines(head) + ("<br><i>see note</i>" if noted else "")


def heatmap(grid: pd.DataFrame, title: str, zmax: int = 6, labels_on_top: bool = False) -> go.Figure:
    """Treatments × side-effect categories; the finding is written in each cell (not colour alone). Every
    treatment and category in ``grid`` keeps its row and column, in the grid's order, even when empty. With
    ``labels_on_top`` the category names sit above the cells, so they are on the first screen."""
    if not len(grid):
        return _empty(title, "No side-effect data for this selection")
    cols = list(dict.fromkeys(grid["Attribute"]))
    rows = list(dict.fromkeys(grid["Treatment"]))
    z = grid.pivot_table(index="Treatment", columns="Attribute", values="rank", aggfunc="first", sort=False, dropna=False)
    text = grid.pivot_table(index="Treatment", columns="Attribute", values="Band", aggfunc="first", sort=False, dropna=False)
    z, text = z.reindex(index=rows, columns=cols), text.reindex(index=rows, columns=cols)
    wrapped = text.map(lambda s: _heat_text(s) if isinstance(s, str) else "")
    fig = go.Figure(go.Heatmap(
        z=z.values.astype(float), x=[_cell_lines(c, 12) for c in cols], y=rows, text=wrapped.values, texttemplate="%{text}",
        textfont=dict(size=13, color="#1a1a1a"), zmin=0, zmax=zmax, showscale=False, xgap=3, ygap=3,
        colorscale=[[0, "#f4f4f4"], [0.34, "#fdf3d7"], [0.67, "#f9c98f"], [1, "#ef8a62"]],
        hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>",
    ))
    label_lines = max(c.count("<br>") + 1 for c in fig.data[0].x)
    top = 60 + (17 * label_lines + 10 if labels_on_top else 0)
    fig.update_layout(template=TEMPLATE, title=title, height=top + 60 + 80 * len(rows) + (0 if labels_on_top else 50),
                      xaxis_side="top" if labels_on_top else "bottom", yaxis_autorange="reversed",
                      margin=dict(t=top, b=110 if not labels_on_top else 40))
    fig.update_xaxes(tickangle=0, tickfont_size=12)
    if labels_on_top:  # the title (and subtitle) at the top edge, the category names between them and the cells
        fig.update_layout(title_yref="container", title_y=1, title_yanchor="top", title_pad_t=12)
    return fig


def comparator_chart(table: pd.DataFrame, colours: dict[str, str], title: str, missing: list[str] = ()) -> go.Figure:
    """Both arms' rates per 100 for each effect (open circle: comparator; filled diamond: treatment), joined by a
    line, with the difference written beside it: shapes and text, never colour alone. Each treatment in ``missing``
    (shown, but without a controlled comparison here) keeps a labelled row that says so."""
    if not len(table):
        return _empty(title, "No controlled comparison for this selection")
    rows = table.to_dict("records")
    labels = [f"{r['Treatment']} · {_wrap(r['Effect'], 46)}" for r in rows]
    # Four traces for the whole chart (lines, comparator markers, treatment markers, differences), not three per effect: the
    # browser draws a chart's traces one by one, and this chart is on the side-effect page's first screen.
    fig = go.Figure()
    missing_labels = [f"{name} · no controlled comparison" for name in missing]
    if missing_labels:
        fig.add_trace(go.Scatter(x=[0] * len(missing_labels), y=missing_labels, mode="text", showlegend=False,
                                 text=["  none recorded in this category"] * len(missing_labels),
                                 textposition="middle right", hoverinfo="skip"))
    hovers = [f"<b>{r['Treatment']} · {r['Effect']}</b><br>{r['With treatment (per 100)']} per 100 with the treatment"
              f"<br>{r['With comparator (per 100)']} per 100 with {_wrap(r['Comparator'])}<br>{r['Difference (per 100)']}"
              f"<br>People per arm: {r['People per arm']}<br>Source: {_wrap(r['Source'])}" for r in rows]
    line_x = [x for r in rows for x in (r["comparator_rate"], r["rate"], None)]
    line_y = [y for label in labels for y in (label, label, None)]
    fig.add_trace(go.Scatter(x=line_x, y=line_y, mode="lines", showlegend=False, line=dict(color="#888888", width=3),
                             hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[r["comparator_rate"] for r in rows], y=labels, mode="markers", name="comparator",
                             showlegend=False, marker=dict(symbol="circle-open", size=15, color="#1a1a1a", line_width=2.5),
                             hovertext=hovers, hovertemplate="%{hovertext}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[r["rate"] for r in rows], y=labels, mode="markers", name="treatment", showlegend=False,
                             marker=dict(symbol="diamond", size=16, color=[colours.get(r["Treatment"], "#555555") for r in rows],
                                         line=dict(width=1, color="#1a1a1a")),
                             hovertext=hovers, hovertemplate="%{hovertext}<extra></extra>"))
    # The difference is written right of both arms, so it never sits on the line when the comparator's rate is higher.
    fig.add_trace(go.Scatter(x=[max(r["rate"], r["comparator_rate"]) for r in rows], y=labels, mode="markers+text",
                             marker=dict(size=16, opacity=0), text=[f"  {r['Difference (per 100)']}" for r in rows],
                             textposition="middle right", showlegend=False, hoverinfo="skip"))
    labels = labels + missing_labels
    order = list(dict.fromkeys(labels))
    fig.update_layout(template=TEMPLATE, title=title, height=max(280, 130 + 52 * len(order)), hovermode="closest",
                      margin=dict(t=100), title_subtitle_text="◇ with the treatment   ○ with the comparator (placebo, sham or "
                                                              "another treatment, named in the table)",
                      title_subtitle_font_size=15)
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], range=category_range(len(order)))
    fig.update_xaxes(title_text="People with the effect, per 100", range=[0, 119], showgrid=True, gridcolor="#dddddd",
                     tickvals=[0, 20, 40, 60, 80, 100])
    return fig


ICON_STATES = {  # grey-scale safe: shape and fill differ, not colour alone
    "both": dict(symbol="circle", color="#595959", line=dict(width=1, color="#1a1a1a")),
    "extra": dict(symbol="square", color="#000000", line=dict(width=1, color="#000000")),
    "none": dict(symbol="circle-open", color="#9a9a9a", line=dict(width=1.5, color="#9a9a9a")),
}


def icon_counts(rate: float, comparator_rate: float) -> tuple[int, int, int]:
    """People out of 100 (rounded): with the effect in both groups, extra in the treatment group, extra in the comparator."""
    a, b = int(round(rate)), int(round(comparator_rate))
    return min(a, b), max(a - b, 0), max(b - a, 0)


def icon_array(rate: float, comparator_rate: float, treatment: str, comparator: str, effect: str, extra_label: str) -> go.Figure:
    """Two groups of 100 people (MAGICapp's pictograph): ● would have the effect either way, ■ the extra people in
    that group, ○ no effect. Each panel is titled with its count, so the figure reads in grey scale."""
    from plotly.subplots import make_subplots
    both, extra_t, extra_c = icon_counts(rate, comparator_rate)
    panels = [(treatment, both + extra_t, extra_t), (comparator, both + extra_c, extra_c)]
    titles = [f"{_wrap(name, 34)}<br><b>{n} of 100</b> with {_wrap(effect.lower(), 34)}" for name, n, _ in panels]
    fig = make_subplots(rows=1, cols=2, subplot_titles=titles, horizontal_spacing=0.08)
    names = {"both": "would have it either way", "extra": extra_label, "none": "no effect"}
    shown = set()
    for col, (_, affected, extra) in enumerate(panels, start=1):
        states = ["both"] * (affected - extra) + ["extra"] * extra + ["none"] * (100 - affected)
        for state in ("both", "extra", "none"):
            idx = [i for i, s in enumerate(states) if s == state]
            if not idx:
                continue
            fig.add_trace(go.Scatter(
                x=[i % 10 for i in idx], y=[i // 10 for i in idx], mode="markers", name=names[state], legendgroup=state,
                showlegend=state not in shown, marker=dict(size=17, **ICON_STATES[state]), hoverinfo="skip"), row=1, col=col)
            shown.add(state)
    fig.update_xaxes(visible=False, range=[-0.7, 9.7])
    fig.update_yaxes(visible=False, range=[9.7, -0.7])
    fig.update_layout(template=TEMPLATE, height=470, margin=dict(t=110, b=20, l=10, r=10),
                      legend=dict(orientation="h", y=-0.02, yanchor="top", x=0, xref="paper"))
    fig.update_annotations(font_size=15)
    return fig


EXPORT_CONFIG = {"displaylogo": False}
WIDE_LABEL_MARGIN_PX = 200  # a left margin this wide leaves too little plot width for a sources line to start in
PRESENTER_FONT = 18


def export_config(filename: str) -> dict:
    return {**EXPORT_CONFIG, "toImageButtonOptions": {"format": "png", "filename": filename, "scale": 2}}


def with_provenance(fig: go.Figure, source_line: str, as_of: str, link: str, font_size: int = 12, wrap: int = 95) -> go.Figure:
    """Draw the source line, the data's as-of date and the page link into the figure itself, so that
    every export (modebar PNG, PNG/SVG downloads) carries them. Call it last, once the fonts are final:
    it goes below the x-axis tick labels (however many lines they have) and the axis title."""
    text = _wrap(f"Sources: {source_line}", wrap) + f"<br>Data as of {as_of} · " + (link if len(link) <= wrap else "<br>".join(
        link[i:i + wrap] for i in range(0, len(link), wrap)))
    lines = text.count("<br>") + 1
    has_axis_title = bool(fig.layout.xaxis.title.text)
    tick_size = fig.layout.xaxis.tickfont.size or fig.layout.font.size or pio.templates[TEMPLATE].layout.font.size
    tick_lines = max((x.count("<br>") + 1 for t in fig.data for x in (t.x if t.x is not None else []) if isinstance(x, str)),
                     default=1)
    gap = (78 if has_axis_title else 48) + int(1.25 * tick_size * (tick_lines - 1))
    # Below a wide label margin the plot area is narrow: a line started at its left edge ran past the figure's
    # right edge and was cut off, so there it ends at the plot's right edge and reaches back into the margin.
    wide_margin = (fig.layout.margin.l or 0) >= WIDE_LABEL_MARGIN_PX
    fig.add_annotation(text=text, xref="paper", yref="paper", x=1 if wide_margin else 0, y=0,
                       xanchor="right" if wide_margin else "left", yanchor="top",
                       yshift=-gap, showarrow=False, align="left", font=dict(size=font_size, color="#333333"),
                       name="provenance")
    line_px = int(font_size * 1.65)
    fig.update_layout(margin=dict(b=gap + line_px * lines + 12), height=(fig.layout.height or 400) + line_px * lines + 40)
    return fig


def presenter(fig: go.Figure) -> go.Figure:
    """Larger chart text for presenting (body ≥ 20 px, chart text ≥ 16 px at 1280×720)."""
    fig.update_layout(font_size=PRESENTER_FONT, title_font_size=22, hoverlabel_font_size=18, legend_font_size=PRESENTER_FONT)
    if fig.layout.title.subtitle.text:
        fig.update_layout(title_subtitle_font_size=PRESENTER_FONT)
    fig.update_xaxes(tickfont_size=PRESENTER_FONT - 1, title_font_size=PRESENTER_FONT)
    fig.update_yaxes(tickfont_size=PRESENTER_FONT - 1, title_font_size=PRESENTER_FONT)
    fig.update_annotations(font_size=16)
    fig.update_traces(textfont_size=16, selector=dict(type="heatmap"))
    if fig.layout.xaxis.side == "top":  # category labels above a heatmap: room for their larger lines
        lines = max((str(x).count("<br>") + 1 for t in fig.data for x in (t.x if t.x is not None else [])), default=1)
        grow = int(lines * 1.3 * (PRESENTER_FONT - 1 - 12)) + 16  # and the larger title and subtitle
        fig.update_layout(margin_t=(fig.layout.margin.t or 60) + grow, height=(fig.layout.height or 400) + grow)
    return fig


# Advance widths in ems by character class, from Source Sans (the charts' font on screen) as measured in
# Chromium; they overestimate real labels by 1-11 %, plus 5 % for rounding. Exports fall back to wider
# fonts: there, automargin makes the room (a second layout pass costs nothing in a static export).
_NARROW, _WIDE = set(" .,:;·'()[]|!ilIjft"), set("—–%@mwMW")
LABEL_PAD_PX = 28  # tick mark, gap to the axis and the paper edge


def text_width_px(text: str, size: float) -> float:
    """Estimated drawn width of one line of label text (the server cannot measure it exactly)."""
    ems = sum(0.27 if c in _NARROW else 0.83 if c in _WIDE else 0.58 if c.isupper() or c.isdigit() else 0.5
              for c in text)
    return ems * size * 1.05


def fit_left_margin(fig: go.Figure) -> go.Figure:
    """Reserve room for the longest category label on the left axes.

    Plotly's axis ``automargin`` (kept on, from the template, as a safety net against clipped labels)
    grows a margin that is too small by laying the whole chart out a second time. Starting from a
    margin that already fits makes that second pass unnecessary, which halves the drawing time in the
    browser on every filter change (measured with bench/plot_draw.py)."""
    lines = {line for t in fig.data for y in (t.y if t.y is not None else []) if isinstance(y, str)
             for line in y.split("<br>")}  # every chart keeps all its category axes on the left
    if not lines:
        return fig
    size = fig.layout.yaxis.tickfont.size or fig.layout.font.size or pio.templates[TEMPLATE].layout.font.size
    fig.update_layout(margin_l=int(max(text_width_px(line, size) for line in lines) + LABEL_PAD_PX))
    return fig


_KALEIDO_LOCK = threading.Lock()  # kaleido's shared browser answers one request at a time, in order


def _kaleido_server() -> None:
    """Keep one kaleido browser running for this process once an image has been asked for (a cold start
    costs ~1.5-3 s per image, a warm one ~0.2 s); restart it if its thread has died."""
    import kaleido
    server = kaleido._sync_server.GlobalKaleidoServer()
    if server.is_running() and not server._thread.is_alive():  # noqa: SLF001 (no public liveness check)
        server.close(silence_warnings=True)
    if not server.is_running() and os.environ.get("EVIDASH_KALEIDO_SERVER", "1") != "0":
        kaleido.start_sync_server(silence_warnings=True)


def render_image(fig: go.Figure, fmt: str, width: int, height: int, scale: float = 1) -> bytes:
    """PNG, SVG or PDF bytes via kaleido, which drives the system Chromium (BROWSER_PATH). One request at
    a time: with a shared browser, concurrent requests could otherwise receive each other's images."""
    os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
    with _KALEIDO_LOCK, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="The kopts argument is ignored")
        _kaleido_server()
        return fig.to_image(format=fmt, width=width, height=height, scale=scale)


def to_image(fig: go.Figure, fmt: str) -> bytes:
    """PNG or SVG bytes of a chart as shown (1280 px wide)."""
    return render_image(fig, fmt, 1280, int(fig.layout.height or 500), scale=2 if fmt == "png" else 1)


_WARMING = threading.Lock()


def warm_up() -> None:
    """Start kaleido's browser in the background (once per process), so that the first image or handout
    asked for does not wait for Chromium to start (~1.5-3 s). Returns at once."""
    import kaleido
    if kaleido._sync_server.GlobalKaleidoServer().is_running() or not _WARMING.acquire(blocking=False):  # noqa: SLF001
        return

    def run():
        try:
            render_image(go.Figure(layout=dict(width=100, height=100)), "svg", 100, 100)
        except Exception:  # a missing browser shows up as a message when an image is asked for
            pass
        finally:
            _WARMING.release()
    threading.Thread(target=run, daemon=True, name="kaleido-warm-up").start()
