"""Claims check (issue 14): what popular articles claim, the verdict our cells support, and a chart of
the verdicts. Pure view models plus one cached chart view; the page draws them (pages/claims.py).

A claim belongs to a condition when it names that condition or when one of the cells it rests on is a
cell of that condition (a claim about "PTSD, OCD and pain" is listed under each of them).
"""
from __future__ import annotations


import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from . import charts, views
from .cite import escape_md
from .data import Evidence
from .figures import ChartView
from .urlstate import link
from .rules import LIST_SEPARATOR
from .vocab import CLAIM_TOPIC_LABELS, CLAIM_TOPICS, SOURCE_TYPE_LABELS, VERDICT_LABELS, VERDICTS
from .text import count


def ids(value) -> list[str]:
    """The ids of a semicolon-separated list cell."""
    return [part.strip() for part in str(value or "").split(LIST_SEPARATOR) if part.strip()] if isinstance(value, str) else []


def claims_for(ev: Evidence, condition: str) -> pd.DataFrame:
    """The claims shown for a condition (all claims for 'all'), in file order, with their cell conditions."""
    claims = ev.claims
    if not len(claims) or condition == views.ALL:
        return claims
    cell_condition = dict(zip(ev.cells["cell_id"], ev.cells["condition_id"]))
    keep = [c == condition or any(cell_condition.get(cell) == condition for cell in ids(cells))
            for c, cells in zip(claims["condition_id"], claims["cell_ids"])]
    return claims[keep]


def verdict_label(verdict: str) -> str:
    return VERDICT_LABELS.get(verdict, verdict)


def verdict_markdown(verdict: str) -> str:
    """Icon and word (markdown): the verdict is never told by colour alone."""
    return f"{(VERDICTS[verdict].icon if verdict in VERDICTS else '')} **{escape_md(verdict_label(verdict))}**".strip()


def cell_link_text(ev: Evidence, cell_id: str) -> str:
    cell = ev.cells[ev.cells["cell_id"] == cell_id]
    if not len(cell):
        return cell_id
    c = cell.iloc[0]
    treatment = ev.name("treatment_short", c["treatment_id"])
    attribute = dict(zip(ev.attributes["attribute_id"], ev.attributes["name"])).get(c["attribute_id"], c["attribute_id"])
    condition = c["condition_id"]
    where = f" ({views.condition_label(ev, condition)})" if isinstance(condition, str) else ""
    return f"{treatment} · {attribute}{where}"


def cell_links(ev: Evidence, cell_ids: list[str]) -> str:
    """Markdown links that open each cell's evidence card on the overview (data text escaped)."""
    return " · ".join(f"[{escape_md(cell_link_text(ev, c))}]({link('overview', cell=c)})" for c in cell_ids)


def source_links(ev: Evidence, source_ids: list[str]) -> str:
    """Markdown links to each source's entry on the Sources page (title and type escaped)."""
    src = ev.sources.set_index("source_id")
    parts = []
    for s in source_ids:
        if s not in src.index:
            continue
        kind = SOURCE_TYPE_LABELS.get(src.at[s, "source_type"], src.at[s, "source_type"])
        parts.append(f"[{escape_md(src.at[s, 'title'])}]({link('sources', source=s)}) ({escape_md(kind)})")
    return " · ".join(parts)


def concerns_label(ev: Evidence, concerns, name=None) -> str:
    """The treatments a claim is about, by name ("IV ketamine and Esketamine"), in the order of treatments.csv;
    ``name`` (treatment row -> text) chooses the names, e.g. family mode's plain ones."""
    wanted = set(ids(concerns))
    names = [name(t) if name else t.name for t in ev.treatments.itertuples() if t.treatment_id in wanted]
    return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 2 else names) if names else "Not stated"


def article_note(ev: Evidence, source_id: str) -> str:
    """What a reader should know about the article itself (e.g. that it promotes a clinic): its source note."""
    match = ev.sources.loc[ev.sources["source_id"] == source_id, "note"]
    return str(match.iloc[0]) if len(match) and isinstance(match.iloc[0], str) else ""


def article_title(ev: Evidence, source_id: str) -> str:
    """The article's title; where the page had none (an 'Untitled …' title quoting its first words), a descriptive
    title from sources.csv's label comes first, in brackets, so a reader can recognise the article."""
    match = ev.sources[ev.sources["source_id"] == source_id]
    if not len(match):
        return source_id
    title = str(match.iloc[0]["title"])
    label = match.iloc[0].get("label")
    return f"[{label}] {title}" if title.startswith("Untitled") and isinstance(label, str) and label.strip() else title


def claims_table(ev: Evidence, claims: pd.DataFrame) -> pd.DataFrame:
    """The claims as a flat table (shown under the chart and downloaded as CSV)."""
    titles = ev.sources.set_index("source_id")["title"]
    types = ev.sources.set_index("source_id")["source_type"].map(SOURCE_TYPE_LABELS)
    conditions = ev.conditions.set_index("condition_id")["short_name"]
    rows = []
    for c in claims.to_dict("records"):
        decisive = ids(c.get("source_ids"))
        rows.append({
            "Claim id": c["claim_id"],
            "Article": titles.get(c["source_id"], c["source_id"]),
            "Claim (paraphrased)": c["claim"],
            "Condition": conditions.get(c["condition_id"], "Not condition-specific") if isinstance(c["condition_id"], str) else "Not condition-specific",
            "Topic": CLAIM_TOPIC_LABELS.get(c["topic"], c["topic"]),
            "Verdict": verdict_label(c["verdict"]),
            "Reason": c["reason"],
            "About": concerns_label(ev, c.get("concerns")),
            "Cells": "; ".join(ids(c["cell_ids"])),
            "Sources": "; ".join(f"{titles.get(s, s)} [{types.get(s, '?')}]" for s in decisive),
            "Reviewed": c["reviewed"],
        })
    return pd.DataFrame(rows, columns=["Claim id", "Article", "Claim (paraphrased)", "Condition", "Topic", "Verdict", "Reason",
                                       "Cells", "Sources", "Reviewed"])


def verdict_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """Counts by verdict and topic (every pair, zeros included), in scale and topic order."""
    index = pd.MultiIndex.from_product([list(VERDICTS), list(CLAIM_TOPICS)], names=["verdict", "topic"])
    counts = claims.groupby(["verdict", "topic"]).size() if len(claims) else pd.Series(dtype=int)
    return counts.reindex(index, fill_value=0).rename("count").reset_index()


def verdict_axis_label(verdict: str, total: int, family: bool = False) -> str:
    if verdict not in VERDICTS:
        return f"{verdict} ({total})"
    v = VERDICTS[verdict]
    return f"{v.symbol} {v.family if family else v.short} ({total})"


def verdict_chart(claims: pd.DataFrame, title: str, family: bool = False) -> go.Figure:
    """Horizontal stacked bars: one bar per verdict (symbol, word and total on the axis), one segment
    per topic (colour, fill pattern and count written in the segment)."""
    if not len(claims):
        return charts._empty(title, "No claims for this selection")
    counts = verdict_counts(claims)
    totals = counts.groupby("verdict")["count"].sum()
    labels = {v: verdict_axis_label(v, int(totals.get(v, 0)), family) for v in VERDICTS}
    fig = go.Figure()
    for topic in CLAIM_TOPICS:
        part = counts[counts["topic"] == topic]
        if not part["count"].sum():
            continue
        shown = part[part["count"] > 0]
        fig.add_trace(go.Bar(
            y=[labels[v] for v in shown["verdict"]], x=shown["count"], orientation="h", name=CLAIM_TOPIC_LABELS[topic],
            marker=dict(color=CLAIM_TOPICS[topic].colour, line=dict(color="#1a1a1a", width=1),
                        pattern=dict(shape=CLAIM_TOPICS[topic].pattern, fgcolor="#ffffff", fgopacity=0.35, solidity=0.2)),
            text=shown["count"], textposition="inside", insidetextanchor="middle",
            textfont=dict(color=CLAIM_TOPICS[topic].text_colour, size=15), outsidetextfont=dict(color="#1a1a1a"),
            hovertemplate=f"%{{y}}<br>{CLAIM_TOPIC_LABELS[topic]}: %{{x}} claims<extra></extra>",
        ))
    order = [labels[v] for v in VERDICTS]
    # Every verdict of the scale keeps its row, with a count of 0 where no claim has it.
    fig.add_trace(go.Bar(y=order, x=[0] * len(order), orientation="h", showlegend=False, hoverinfo="skip",
                         marker=dict(color="rgba(0,0,0,0)")))
    fig.update_layout(template=charts.TEMPLATE, title=title, barmode="stack", height=150 + 56 * len(VERDICTS),
                      xaxis_title="Number of claims", yaxis_title=None, legend=dict(title_text="Topic: ", traceorder="normal"),
                      # room for a second legend row when many topics wrap (presenter type, longer family labels)
                      margin=dict(t=100 if len(fig.data) <= 5 else 130, autoexpand=False),  # see headtohead.forest
                      uniformtext=dict(minsize=12, mode="hide"))
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1])
    fig.update_xaxes(showgrid=True, gridcolor="#dddddd", dtick=1 if int(totals.max() or 0) <= 12 else None, rangemode="tozero")
    return fig


def summary(claims: pd.DataFrame, label: str, family: bool = False) -> str:
    if not len(claims):
        return f"No claims from the seed articles concern {label.lower()}."
    counts = claims["verdict"].value_counts()
    parts = [f"{int(counts[v])} {(VERDICTS[v].family if family else VERDICTS[v].short).lower()}" for v in VERDICTS if counts.get(v, 0)]
    articles = claims["source_id"].nunique()
    return (f"{count(len(claims), 'claim')} from {count(articles, 'popular article')} ({label.lower()}): " + ", ".join(parts) + ". "
            "Each verdict rests on the dashboard's own cells, linked on the claim's card.")


@st.cache_resource(max_entries=64, show_spinner=False)
def chart_view(_ev: Evidence, version: str, condition: str, family: bool = False) -> ChartView:
    """The verdict chart, its summary and table for a condition, built once per data version."""
    ev = _ev
    label = views.condition_label(ev, condition)
    claims = claims_for(ev, condition)
    fig = verdict_chart(claims, f"Verdicts on claims in popular articles · {label}", family)
    return ChartView(fig, summary(claims, label, family), claims_table(ev, claims), f"claims-{condition}",
                     key=("claims", version, condition) + (("family",) if family else ()))
