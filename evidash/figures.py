"""What each chart page shows (figure, one-sentence summary, table of plotted cells), built once per
data version and filter combination: reruns that do not change the inputs reuse the cached result.

The views are cached with ``st.cache_resource``: every session gets the same object, with no copy or
unpickling per rerun, so nothing may modify a returned view. ``framed`` builds the figure as shown
(provenance drawn in, presenter styling) from its own copy, cached per view, link and mode.
``_ev`` and ``_view`` are not hashed: ``version`` and ``view.key`` stand for them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import charts, coursecost, views
from .data import Evidence


@dataclass
class ChartView:
    fig: go.Figure
    summary: str
    table: pd.DataFrame
    filename: str
    # The page's second table beside the chart: durability (onset), where/who/anaesthesia (setting),
    # coverage and regulatory status (cost); or, for the side-effect heatmap, which cell is behind each category.
    companion_table: pd.DataFrame | None = None
    key: tuple = ()  # (chart, data version, filters…): identifies the view for caches
    notice: str | None = None  # a line said above the chart (e.g. a condition without any onset times)


@st.cache_resource(max_entries=512, show_spinner=False)
def onset(_ev: Evidence, version: str, condition: str, treatment_ids: tuple[str, ...],
          measure: str = views.ONSET_MEASURE_DEFAULT) -> ChartView:
    """One onset measure (first improvement, response or remission) compared across the chosen treatments: one row per
    (treatment, protocol), every chosen treatment a labelled row with or without a time (onset_points.csv)."""
    from .vocab import ONSET_MEASURES, TIME_BASES
    ev, tids = _ev, list(treatment_ids)
    label = views.condition_label(ev, condition)
    what = ONSET_MEASURES[measure].short.lower() if measure in ONSET_MEASURES else measure
    data = views.onset_points(ev, condition, tids, measure)
    rows, points = data.rows, data.points
    title = f"Onset: time to {what} · {label}"
    fig = charts.range_chart(points, "days_min", "days_max", views.colour_map(ev), title,
                             "Time after the first session (log scale)", log_days=True, rows=list(rows["Label"]),
                             empty_text=views.NO_ONSET_POINT_TEXT)
    bases = [b for b in TIME_BASES if b in set(points["time_basis"])]
    if bases:
        charts.time_basis_legend(fig, [(TIME_BASES[b].symbol, TIME_BASES[b].key) for b in bases])
    shown = list(dict.fromkeys(rows["Treatment"]))
    accelerated = [lab.removesuffix(" ⚠") for lab in rows.loc[rows["protocol"] == "accelerated", "Label"]]
    with_time = rows[rows["has_point"]]
    empty = [lab.removesuffix(" ⚠") for lab in rows.loc[~rows["has_point"], "Label"]]
    found = "; ".join(f"{r.Label.removesuffix(' ⚠')}: {r.Time}" for r in points.drop_duplicates("Label").itertuples())
    flagged = ", ".join(dict.fromkeys(lab.removesuffix(" ⚠") for lab in rows.loc[rows["caution"], "Label"]))
    summary = (f"This chart compares the time to {what} in {label.lower()} across {', '.join(shown)}"
               + (f" (with {', '.join(accelerated)} as a separate row)" if accelerated else "") + ". "
               + (f"{len(with_time)} of {len(rows)} rows {'reports' if len(with_time) == 1 else 'report'} a time ({found})."
                  if len(with_time)
                  else f"None of the {len(rows)} rows reports a time to {what}.")
               + (f" No time to {what} is reported for {', '.join(empty[:10])}"
                  + (f" and {len(empty) - 10} more" if len(empty) > 10 else "") + "." if empty else "")
               + (f" ⚠ marks a small or uncontrolled study ({flagged})." if flagged else "")
               + " A 'by' time is an upper bound (the rate was measured then only); times come from different trials, "
                 "populations and protocols, so compare them with care.")
    durability = views.table_for(views.durability(ev, condition, tids))[["Treatment", "Condition", "Value", "Backing", "Sources", "Cell id"]]
    return ChartView(fig, summary, views.onset_point_table(points), f"onset-{measure}-{condition}", durability,
                     ("onset", version, condition, treatment_ids, measure), notice=data.notice)


@st.cache_resource(max_entries=512, show_spinner=False)
def setting(_ev: Evidence, version: str, treatment_ids: tuple[str, ...]) -> ChartView:
    ev, tids = _ev, list(treatment_ids)
    nums = views.setting_numbers(ev, tids)
    nums["value"] = [f"{r.course_sessions_text}; {r.visit_minutes_text} per visit" for r in nums.itertuples()]
    nums["Label"] = [f"{r.Treatment} · at least" if r.at_least else r.Treatment for r in nums.itertuples()]
    nums["Sources"] = "Derived: sessions per course × time in clinic per visit (see table for each source)"
    nums["Backing"] = "Derived from the cells below"
    # Every shown treatment keeps its row: one without both numbers says which is missing.
    fig = charts.range_chart(nums, "hours_min", "hours_max", views.colour_map(ev),
                             "Total hours in clinic for a typical initial course (derived)",
                             "Hours (sessions per course × time in clinic per visit, incl. required monitoring)",
                             rows=list(nums["Label"]), empty_text=dict(zip(nums["Label"], nums["missing"])))
    known = nums.dropna(subset=["hours_min"])
    opened = list(nums.loc[nums["at_least"], "Treatment"])
    gaps = [f"{r.Treatment} ({r.missing.removeprefix('not derivable: ')})" for r in nums.itertuples() if r.missing]
    summary = (f"{len(known)} of {len(nums)} treatments have a course length and a time per visit, so a total time "
               "in clinic can be derived"
               + (f"; for {', '.join(opened)} the time per visit is a minimum, so the total is at least the value shown"
                  if opened else "")
               + (f". Not derivable: {'; '.join(gaps)}." if gaps else "."))
    table = views.table_for(views.attribute_table(ev, views.setting_numeric(ev), tids))
    text = views.wide(views.attribute_table(ev, views.setting_text(ev), tids), views.treatment_table(ev, tids))
    return ChartView(fig, summary, table, "setting-time", text, ("setting", version, treatment_ids))


@st.cache_resource(max_entries=512, show_spinner=False)
def cost(_ev: Evidence, version: str, treatment_ids: tuple[str, ...]) -> ChartView:
    ev, tids = _ev, list(treatment_ids)
    prices = views.costs(ev, tids)
    fig = charts.cost_chart(prices, views.colour_map(ev), "Reported prices (each bar: its own currency, year and place)")
    if len(prices):
        fig.update_layout(title_subtitle_text="Not like for like: read under each label what the price covers and who pays it",
                          title_subtitle_font_size=15, margin_t=(fig.layout.margin.t or 100) + 20)
    bases = "; ".join(sorted(set(prices["Price basis"]))) if len(prices) else "none"
    covers = "; ".join(f"{r.Treatment} {r.Attribute.lower()}: {r.headline}" for r in prices.itertuples() if isinstance(r.headline, str))
    summary = (f"{len(prices)} reported prices from these bases: {bases}. Amounts are shown as reported, "
               "not converted between currencies or adjusted for inflation. What each price covers differs: "
               f"{covers}.")
    access = views.wide(views.attribute_table(ev, views.access_attributes(ev), tids), views.treatment_table(ev, tids))
    return ChartView(fig, summary, views.table_for(prices, ["Price basis"]), "cost", access, ("cost", version, treatment_ids))


HEATMAP_TITLES = {
    "highest": ("Side effects: highest reported rate per 100 patients",
                "Therapeutic use; the highest rate a source attributes to the treatment, whatever its comparator"),
    "excess": ("Side effects: extra people per 100 over the comparator",
               "Largest excess over a named comparator (placebo, sham or another treatment): comparators differ by row"),
}


@st.cache_resource(max_entries=512, show_spinner=False)
def course_cost(_ev: Evidence, version: str, basis: str, treatment_ids: tuple[str, ...]) -> ChartView:
    """One basis of the acute-course cost build: the chart, a summary, the plain rows (CSV) and, as the companion
    table, the arithmetic (units × unit cost = subtotal) with each component's source linked."""
    ev, tids = _ev, list(treatment_ids)
    info = coursecost.COST_BASES[basis]
    comps = coursecost.components(ev, basis, tids)
    fig = charts.course_cost_chart(comps, coursecost.totals(ev, basis, tids, comps), coursecost.references(ev, basis, tids),
                                   views.colour_map(ev), info.label, info.currency)
    return ChartView(fig, coursecost.summary(ev, basis, tids), coursecost.plain_table(ev, basis, tids),
                     f"course-cost-{basis}", coursecost.arithmetic_table(ev, basis, tids),
                     (f"course_cost_{basis}", version, treatment_ids))


@st.cache_resource(max_entries=512, show_spinner=False)
def side_effects(_ev: Evidence, version: str, treatment_ids: tuple[str, ...], mode: str = "highest") -> ChartView:
    """The heatmap, computed from the specific effects (views.side_effect_heat): every shown treatment a row, every
    category a column, category names above the cells."""
    ev, tids = _ev, list(treatment_ids)
    grid = views.side_effect_heat(ev, tids, mode)
    title, subtitle = HEATMAP_TITLES[mode]
    fig = charts.heatmap(grid, title, zmax=6 if mode == "highest" else len(views.EXCESS_LEVELS) - 1, labels_on_top=True)
    if len(grid):
        fig.update_layout(title_subtitle_text=subtitle, title_subtitle_font_size=14, margin_t=fig.layout.margin.t + 16,
                          height=fig.layout.height + 16)
    rows = views.effect_rows(ev, tids)
    src = ev.sources.set_index("source_id")
    by_effect = rows.set_index("effect_id")
    def source_of(effect_id):
        if not isinstance(effect_id, str) or effect_id not in by_effect.index:
            return ""
        sid = by_effect.at[effect_id, "source_id"]
        kind = src.at[sid, "source_type"] if sid in src.index else ""
        return f"{by_effect.at[effect_id, 'Source']} [{views.SOURCE_TYPE_LABELS.get(kind, kind)}]"
    table = pd.DataFrame({
        "Treatment": grid["Treatment"], "Category": grid["Attribute"], "Shown": grid["Band"],
        "From": [by_effect.at[e, "effect"] if isinstance(e, str) and e in by_effect.index else "" for e in grid["effect_id"]],
        "Sources": [source_of(e) for e in grid["effect_id"]], "Cell id": grid["cell_id"]})
    if mode == "excess":
        none = grid.loc[grid["Band"].str.startswith(views.NO_CONTROLLED_TEXT), "Treatment"]
        summary = (f"Extra people per 100 with each treatment over its comparator, in {grid['attribute_id'].nunique()} categories for "
                   f"{grid['treatment_id'].nunique()} treatments. {len(none)} treatment–category pairs have no controlled "
                   "comparison and say so. Comparators differ (placebo, sham, or another treatment such as ECT in KetECT), "
                   "so compare rows with care.")
    else:
        very = grid[grid["Band"].str.startswith("Very common")]
        summary = (f"The heatmap shows {grid['attribute_id'].nunique()} side-effect categories for {grid['treatment_id'].nunique()} "
                   f"treatments; {len(very)} combinations have a rate of 10 per 100 patients or more in therapeutic use. "
                   "Rates come from different studies and comparators. Deaths not attributed to a treatment and recreational-use "
                   "data are notes under the chart, never a band.")
    return ChartView(fig, summary, table, f"side-effects-{mode}", grid, ("side_effects", version, treatment_ids, mode))


@st.cache_resource(max_entries=512, show_spinner=False)
def comparator(_ev: Evidence, version: str, treatment_ids: tuple[str, ...], attribute_id: str) -> ChartView:
    """How many more people per 100 get each effect of one category than with its named comparator."""
    ev, tids = _ev, list(treatment_ids)
    rows = views.effect_rows(ev, tids, attribute_id)
    table = views.comparator_table(rows)
    src = ev.sources.set_index("source_id")
    kinds = rows.set_index("effect_id")["source_id"].map(src["source_type"]).map(views.SOURCE_TYPE_LABELS)
    table["Sources"] = [f"{s} [{kinds.get(e, '')}]" for s, e in zip(table["Source"], table["effect_id"])]
    category = ev.name("attribute", attribute_id)
    shown = list(dict.fromkeys(table["Treatment"]))
    names = ev.names("treatment_short")
    without = [names.get(t, t) for t in tids if names.get(t, t) not in shown]
    fig = charts.comparator_chart(table, views.colour_map(ev), f"How many more people per 100 · {category}", without)
    if len(table):
        top = table.iloc[0]
        summary = (f"{len(table)} effects in {category.lower()} have a rate in both arms of a controlled comparison. "
                   f"The largest excess: {top['Treatment']}, {top['Effect'].lower()}: {top['With treatment (per 100)']} vs "
                   f"{top['With comparator (per 100)']} per 100 with {top['Comparator']} ({top['Difference (per 100)']}).")
    else:
        summary = f"No effect in {category.lower()} has a rate in both arms of a controlled comparison for the treatments shown."
    if without:
        summary += f" No controlled comparison in this category for: {', '.join(without)}."
    return ChartView(fig, summary, table, f"comparator-{attribute_id}", None, ("comparator", version, treatment_ids, attribute_id))


class SharedFigure(go.Figure):
    """A figure shared read-only by every session: ``to_dict()`` is computed once and returned as is.

    ``st.plotly_chart`` calls ``to_dict()`` (a deep copy of the whole figure) on every run of every
    session; for a cold load that copy was about 18 % of the server's CPU per visitor (bench/README.md,
    profile). Nothing may modify the figure or the returned dict (tests/test_content.py pins this)."""

    def to_dict(self):
        cached = getattr(self, "_shared_dict", None)
        if cached is None:
            cached = super().to_dict()
            object.__setattr__(self, "_shared_dict", cached)
        return cached


@st.cache_resource(max_entries=1024, show_spinner=False)
def framed(_view: ChartView, key: tuple, source_line: str, as_of: str, link: str, present: bool,
           frame: tuple[int, int, int] | None = None) -> go.Figure:
    """The figure as shown: a copy of the view's figure with the sources, as-of date and link drawn in
    (and presenter styling); with ``frame`` (height, left and bottom margins), at least that high, with at
    least those margins. Shared read-only, like the views."""
    fig = go.Figure(_view.fig)
    if present:
        fig = charts.presenter(fig)
    fig = charts.fit_left_margin(fig)
    if frame:  # the left margin is final before the sources line is placed (it ends at the plot's edge below a wide one)
        fig.update_layout(margin_l=max(fig.layout.margin.l or 0, frame[1]))
    fig = charts.with_provenance(fig, source_line, as_of, link, font_size=16 if present else 14)
    if frame:
        fig.update_layout(height=max(fig.layout.height or 0, frame[0]), margin_b=max(fig.layout.margin.b or 0, frame[2]))
    return SharedFigure(fig)


@st.cache_resource(max_entries=1024, show_spinner=False)
def phone_framed(_view: ChartView, key: tuple, source_line: str, as_of: str, link: str) -> go.Figure:
    """The figure as a phone shows it (phone.py): row labels above the rows, text >= 12 px, provenance wrapped."""
    from . import phone
    fig = phone.phone(_view.fig)
    return SharedFigure(charts.with_provenance(fig, source_line, as_of, link, font_size=phone.MIN_FONT, wrap=phone.TEXT_WRAP))


def steady_frame(ev: Evidence, view: ChartView, present: bool) -> tuple[int, int, int] | None:
    """The frame a per-condition chart keeps while the condition changes: None for other charts and for
    all conditions at once (a longer chart of its own)."""
    chart, version, condition, treatment_ids, measure = (view.key + (None,) * 5)[:5]
    if chart != "onset" or condition == views.ALL:
        return None
    return _onset_frame(ev, version, treatment_ids, present, measure or views.ONSET_MEASURE_DEFAULT)


@st.cache_resource(max_entries=256, show_spinner=False)
def _onset_frame(_ev: Evidence, version: str, treatment_ids: tuple[str, ...], present: bool,
                 measure: str = views.ONSET_MEASURE_DEFAULT) -> tuple[int, int, int]:
    """The largest height, left and bottom margins of the onset chart over the single conditions, for these
    treatments and this measure. Drawn in this frame, a condition change changes what is inside the chart but never its
    size or its plot area: the time axis stays at the same place on the shared screen, so a class can
    flip between two conditions and compare the points, and nothing below the chart moves. (It did not
    measurably speed up the condition change; see bench/README.md.)"""
    sizes = []
    for condition in _ev.conditions["condition_id"]:
        view = onset(_ev, version, condition, treatment_ids, measure)
        fig = framed(view, view.key, views.source_line(view.table), _ev.as_of, "", present)
        sizes.append((int(fig.layout.height or 0), int(fig.layout.margin.l or 0), int(fig.layout.margin.b or 0)))
    return tuple(max(size[i] for size in sizes) for i in range(3))


@st.cache_resource(max_entries=256, show_spinner=False)
def effect_notes(_ev: Evidence, version: str, treatment_ids: tuple[str, ...]) -> list[str]:
    """The side-effect page's notes (unattributed deaths, recreational data), built once per data version and filter."""
    return views.effect_notes(views.effect_rows(_ev, list(treatment_ids)))


@st.cache_resource(max_entries=512, show_spinner=False)
def icon_figure(rate: float, comparator_rate: float, treatment: str, comparator: str, effect: str, present: bool) -> go.Figure:
    """The icon array of 100 people per group, built once per effect and mode (shared read-only)."""
    fig = charts.icon_array(rate, comparator_rate, treatment, comparator, effect, "extra people with the effect in this group")
    return SharedFigure(charts.presenter(fig) if present else fig)
