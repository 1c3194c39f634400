"""The phone layout (issue 21): what a 390-px-wide portrait screen gets instead of the 1280-px layout.

One app serves both. Each chart is drawn once: the screen figure, or, when the browser says it is a phone (its
User-Agent holds "Mobi", the token every phone browser sends and tablets and desktops do not: ``is_phone``), a phone
figure built here. Drawing both and hiding one by a media query made every filter change draw two charts (1.8x the
bare page instead of 1.2x, bench/README.md). The phone figure puts each row's label above its row (an annotation,
not a tick label beside it), so the plot area keeps the whole width; its text is at least ``MIN_FONT`` px; titles,
subtitles, axis titles and the provenance line are wrapped to the phone's width. The matrix, tables and page padding
are adapted by the media query of ``PHONE_CSS`` (max-width ``PHONE_MAX_PX``) alone, whatever the device says.
"""
from __future__ import annotations

import plotly.graph_objects as go

from . import charts

MOBILE_TOKEN = "Mobi"  # in the User-Agent of phone browsers (Safari on iPhone, Chrome/Firefox on Android phones)


def is_phone(user_agent: str | None) -> bool:
    """Whether a browser's User-Agent is a phone's: it holds ``MOBILE_TOKEN`` (tablets and desktops do not)."""
    return bool(user_agent) and MOBILE_TOKEN in user_agent


def on_phone() -> bool:
    """Whether this session's browser is a phone (False where no headers exist, as in AppTest)."""
    import streamlit as st

    try:
        return is_phone(st.context.headers.get("User-Agent"))
    except Exception:  # noqa: BLE001 - no request context: not a phone
        return False

# Plotly's toolbar sits over the top right of the figure, where a phone's wrapped title runs to the edge: on a
# phone it covered the title's end. Zoom and pan by toolbar are awkward on a touch screen, and the chart's PNG and
# SVG downloads stay under "Data, sources and downloads", so a phone's chart has no toolbar.
CHART_CONFIG = {"displayModeBar": False}

PHONE_MAX_PX = 640  # Streamlit stacks columns below this width too
MIN_FONT = 12
LABEL_WRAP = 44  # characters of a row label per line (12-px text over a ~340-px plot)
TITLE_WRAP = 36
TEXT_WRAP = 50
ROW_PX = 40  # a row's bar or point, without its label
LABEL_LINE_PX = 16
TOP_PX = 24
HEAT_ROW_PX, HEAT_GAP_PX = 92, 24  # a heatmap row (at least): its cells and, in the gap above them, its label
HEAT_LINE_PX = 16  # one line of a heatmap cell's 12-px text, with its leading
SHORT_DAYS = ["1 h", "4 h", "1 day", "1 wk", "1 mo", "3 mo", "1 yr"]

# Phone-only CSS (constant, from code; never built from data). Added to the page CSS by render.page_css.
PHONE_CSS = f"""
[data-testid="stLayoutWrapper"]:has(> .st-key-matrix_head) {{margin-bottom: -0.45rem;}}
[class*="st-key-cell__"] button [data-testid="stMarkdownContainer"] p:last-child:not(:first-child) {{display: none;}}
@media (max-width: {PHONE_MAX_PX}px) {{
  .block-container {{padding-left: 0.8rem !important; padding-right: 0.8rem !important; padding-top: 4rem !important;}}
  h1 {{font-size: 1.45rem !important;}}
  .st-key-matrix_head, [data-testid="stLayoutWrapper"]:has(> .st-key-matrix_head) {{display: none;}}
  .st-key-matrix [data-testid="stHorizontalBlock"] {{flex-direction: column; flex-wrap: nowrap; align-items: stretch;}}
  .st-key-matrix [data-testid="stColumn"] {{width: 100% !important; flex: 0 0 auto !important; min-width: 100% !important;}}
  .st-key-matrix [data-testid="stMarkdownContainer"] {{margin-bottom: 0 !important;}}
  [class*="st-key-cell__"] button > div, [class*="st-key-cell__"] button > div > span {{justify-content: flex-start;
    width: 100%;}}
  [class*="st-key-cell__"] button [data-testid="stMarkdownContainer"] {{align-items: flex-start; text-align: left; width: 100%;}}
  .st-key-matrix [data-testid="stHorizontalBlock"] {{border: 1px solid #b8b8c0; border-radius: 0.5rem; padding: 0.5rem;
    gap: 0.35rem;}}
  [class*="st-key-cell__"] button [data-testid="stMarkdownContainer"] {{display: flex; flex-direction: column;}}
  [class*="st-key-cell__"] button [data-testid="stMarkdownContainer"] p:last-child:not(:first-child) {{display: block;
    order: -1; font-weight: 700; margin-bottom: 0.15rem;}}
  [class*="st-key-cell__"] button p {{font-size: 0.95rem;}}
  [data-testid="stTable"] {{overflow-x: auto; max-width: 100%;}}
  [data-testid="stTable"] table {{min-width: 560px;}}
  [data-testid="stMarkdownContainer"] table {{display: block; overflow-x: auto; max-width: 100%;}}
  [data-testid="stMarkdownContainer"] table :is(th, td) {{overflow-wrap: normal; min-width: 6.5rem;}}
  [data-testid="stCode"] pre, [data-testid="stCode"] code {{white-space: pre-wrap !important; word-break: break-all;}}
  [data-testid="stMarkdownContainer"] {{overflow-wrap: anywhere;}}
}}
"""


# A table wider than a phone scrolls inside its own box (Streamlit's wrapper of st.table, or a Markdown table itself);
# axe asks that such a box can be reached with the keyboard, so the box gets tabindex=0 and a name. Constant code, no data; behind nginx the
# Content-Security-Policy allows it by its hash (scripts/serve.sh, INLINE_SCRIPTS), so never build it from data.
SCROLL_BOX_JS = """<script>
(() => {
  if (window.__evidashScrollBoxes) return;
  window.__evidashScrollBoxes = true;
  let queued = false;
  const mark = () => {
    queued = false;
    document.querySelectorAll('[data-testid="stTable"] div, [data-testid="stMarkdownContainer"] table').forEach(box => {
      const scrolls = box.scrollWidth > box.clientWidth + 1 && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX);
      if (scrolls && !box.hasAttribute('tabindex')) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', 'Table: scroll sideways to see every column');
      }
    });
  };
  const queue = () => { if (!queued) { queued = true; requestAnimationFrame(mark); } };
  new MutationObserver(queue).observe(document.body, {childList: true, subtree: true});
  window.addEventListener('resize', queue);
  queue();
})();
</script>"""


INLINE_SCRIPTS = (SCROLL_BOX_JS,)  # every inline script the app adds: scripts/serve.sh allows each by hash in the CSP


def _axis_name(ref: str | None, kind: str) -> str:
    """'y2' -> 'yaxis2' (the layout key of a trace's axis)."""
    ref = ref or kind
    return f"{kind}axis{ref[1:]}"


def _categories(fig: go.Figure) -> dict[str, list[str]]:
    """The string categories on each y axis, in the order drawn from top to bottom."""
    found: dict[str, list[str]] = {}
    for trace in fig.data:
        ys = trace.y if getattr(trace, "y", None) is not None else []
        ref = getattr(trace, "yaxis", None) or "y"
        for y in ys:
            if isinstance(y, str) and y not in found.setdefault(ref, []):
                found[ref].append(y)
    for ref, cats in found.items():
        axis = fig.layout[_axis_name(ref, "y")]
        order = list(axis.categoryarray) if axis.categoryarray is not None else None
        if order:  # categoryarray runs bottom to top
            found[ref] = [c for c in order[::-1] if c in cats] + [c for c in cats if c not in order]
        elif axis.autorange == "reversed":
            found[ref] = cats
        else:
            found[ref] = cats[::-1]
    return found


def _plain(label: str) -> str:
    return " ".join(str(label).replace("<br>", " ").split())


def _heat_row_px(fig: go.Figure) -> int:
    """A phone heatmap row's height: its tallest cell text ("Very / common / (60.4 per / 100) / see note") fits in
    the cell, so the text never runs into the row label in the gap above it."""
    lines = [str(t).count("<br>") + 1 for trace in fig.data if trace.type == "heatmap" and trace.text is not None
             for row in trace.text for t in row if t]
    return max(HEAT_ROW_PX, HEAT_GAP_PX + HEAT_LINE_PX * max(lines or [1]) + 8)


def _transpose_heatmap(fig: go.Figure) -> go.Figure:
    """A treatments × categories heatmap turned so its many categories are rows (labels above them) and the few
    treatments are columns."""
    out = go.Figure(fig)
    new = []
    for trace in out.data:
        if trace.type == "heatmap":
            z = [list(r) for r in zip(*trace.z)] if trace.z is not None else None
            text = [[charts._cell_lines(_plain(s), 9) if isinstance(s, str) and s else "" for s in r]
                    for r in zip(*trace.text)] if trace.text is not None else None
            new.append(go.Heatmap(z=z, text=text, x=[_plain(y) for y in trace.y], y=[_plain(x) for x in trace.x],
                                  texttemplate="%{text}", textfont=dict(size=MIN_FONT, color="#1a1a1a"),
                                  zmin=trace.zmin, zmax=trace.zmax, showscale=False, xgap=3, ygap=HEAT_GAP_PX,
                                  colorscale=trace.colorscale, hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>"))
        else:
            new.append(trace)
    out = go.Figure(data=new, layout=out.layout)
    out.update_xaxes(side="top", tickfont_size=MIN_FONT)
    out.update_yaxes(autorange="reversed")
    return out


PANEL_GAP_PX = 110  # between stacked panels: tick labels, the axis title and the next panel's heading


def _top_axis(fig: go.Figure, cats: dict[str, list[str]]) -> str | None:
    """The y axis ref of the top panel of a stacked figure (highest domain), or None."""
    def top(ref: str) -> float:
        domain = fig.layout[_axis_name(ref, "y")].domain
        return domain[1] if domain is not None else 1.0
    return max(cats, key=top) if cats else None


def _heading_px(fig: go.Figure, cats: dict[str, list[str]]) -> int:
    """Room above the top panel for its heading (an annotation at the top of its domain, as headtohead draws)."""
    ref = _top_axis(fig, cats)
    if ref is None:
        return 0
    lines = [charts._wrap(_plain(a.text), TEXT_WRAP).count("<br>") + 1 if "<br>" not in (a.text or "") else a.text.count("<br>") + 1
             for a in fig.layout.annotations if a.yref == f"{ref} domain" and a.yanchor == "bottom" and a.text]
    return 20 * max(lines) + 8 if lines else 0


def _stack_panels(fig: go.Figure, cats: dict[str, list[str]], label_px: dict[str, int]) -> None:
    """Stacked panels get the phone's own heights (rows x (row + label)) and gaps, top to bottom, as the figure's
    height counts them; the screen figure's domain fractions would squeeze rows whose labels sit above them."""
    refs = sorted(cats, key=lambda r: -(fig.layout[_axis_name(r, "y")].domain or (0, 1))[1])
    heights = {ref: len(cats[ref]) * (ROW_PX + label_px[ref]) for ref in refs}
    plot = sum(heights.values()) + PANEL_GAP_PX * (len(refs) - 1)
    y = 1.0
    for ref in refs:
        h = heights[ref] / plot
        fig.layout[_axis_name(ref, "y")].domain = [max(0.0, y - h), y]
        y -= h + PANEL_GAP_PX / plot


def phone(fig: go.Figure) -> go.Figure:
    """A copy of ``fig`` laid out for a phone: row labels above their rows, full-width plot, text >= 12 px."""
    fig = go.Figure(fig)
    heat = any(t.type == "heatmap" for t in fig.data)
    if heat:
        fig = _transpose_heatmap(fig)
    cats = _categories(fig)
    row_px = _heat_row_px(fig) if heat else 0
    bars = any(t.type == "bar" for t in fig.data)
    lines = {ref: [charts._wrap(_plain(c), LABEL_WRAP).count("<br>") + 1 for c in cs] for ref, cs in cats.items()}
    label_px = {ref: LABEL_LINE_PX * max(ls or [1]) + 4 for ref, ls in lines.items()}
    for ref, cs in cats.items():
        fig.update_layout({_axis_name(ref, "y"): dict(showticklabels=False, ticks="", automargin=False)})
        if not heat:
            fig.update_layout({_axis_name(ref, "y"): dict(range=[-0.5 - 0.0, len(cs) - 0.5 + 0.45])})
        for c in cs:
            fig.add_annotation(text=charts._wrap(_plain(c), LABEL_WRAP), x=0, xref="paper", y=c, yref=ref,
                               xanchor="left", yanchor="bottom", yshift=(row_px - HEAT_GAP_PX) / 2 - 2 if heat else 16 if bars else 10, showarrow=False,
                               align="left", font=dict(size=MIN_FONT + 1, color="#1a1a1a"), name="row_label")
    rows = sum(len(cs) for cs in cats.values())
    extra = sum(label_px[ref] * len(cs) for ref, cs in cats.items())
    panels = max(1, len(cats))
    title = fig.layout.title.text or ""
    subtitle = fig.layout.title.subtitle.text or ""
    title_lines = charts._wrap(title, TITLE_WRAP).count("<br>") + 1 if title else 0
    sub_lines = charts._wrap(subtitle, TEXT_WRAP).count("<br>") + 1 if subtitle else 0
    legend_rows = 0
    if any(t.showlegend is not False and t.name for t in fig.data) and fig.layout.showlegend is not False:
        names = [t.name for t in fig.data if t.showlegend is not False and t.name]
        legend_rows = len(names) + 1  # one entry a row (long topic names), under the legend's title
    top = TOP_PX + 20 * title_lines + 16 * sub_lines + 22 * legend_rows + (50 if heat else 0) + _heading_px(fig, cats)
    fig.update_layout(
        title=dict(text=charts._wrap(title, TITLE_WRAP), font_size=16, y=1, yref="container", yanchor="top", pad_t=10,
                   subtitle=dict(text=charts._wrap(subtitle, TEXT_WRAP), font_size=MIN_FONT) if subtitle else None),
        font_size=13, hoverlabel_font_size=13, legend=dict(font_size=MIN_FONT, orientation="h", x=0, xref="container", y=1.0,
                                                                  yanchor="bottom", entrywidth=1.0, entrywidthmode="fraction",
                                                                  title_side="top left"),
        margin=dict(l=8, r=12, t=top, b=60, autoexpand=False),
        height=top + 60 + (rows * row_px if heat else rows * ROW_PX + extra + (panels - 1) * PANEL_GAP_PX),
    )
    if not heat and len(cats) > 1:
        _stack_panels(fig, cats, label_px)
    fig.update_xaxes(tickfont_size=MIN_FONT, title_font_size=MIN_FONT + 1)
    for name in [k for k in fig.layout if k.startswith("xaxis")]:
        axis = fig.layout[name]
        if axis.title.text:
            axis.title.text = charts._wrap(_plain(axis.title.text), TEXT_WRAP)
        if axis.ticktext is not None and list(axis.ticktext) == charts.DAY_TICK_TEXT:
            axis.ticktext = SHORT_DAYS
    for ann in fig.layout.annotations:
        if ann.name != "row_label" and ann.text and "<br>" not in ann.text:
            ann.text = charts._wrap(ann.text, TEXT_WRAP)
        if ann.font.size is not None and ann.font.size < MIN_FONT:
            ann.font.size = MIN_FONT
    fig.update_traces(textfont_size=MIN_FONT, width=0.45, selector=dict(type="bar"))
    fig.update_traces(marker_size=12, line_width=9, selector=dict(type="scatter", mode="lines+markers"))
    return fig
