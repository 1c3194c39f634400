"""Streamlit rendering helpers shared by the pages (data text always escaped; links http/https only)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from . import views
from .charts import export_config
from .cite import escape_md
from .data import Evidence
from .schema import BAND_LABELS, CATEGORY_LABELS, TIER_LABELS

# Background / text colours per matrix cell kind. The cell text always carries the meaning
# (badge in brackets, "No evidence found", "Not applicable"), so colour is never the only cue.
KIND_STYLE = {
    "tier1": "background-color: #d9efdc; color: #10351a",
    "tier2": "background-color: #dbe9f7; color: #0d2b4d",
    "tier3": "background-color: #fbf0cc; color: #3d3000",
    "tier4": "background-color: #f8dede; color: #4a1010",
    "no_evidence": "background-color: #ffffff; color: #555555; font-style: italic",
    "not_applicable": "background-color: #e6e6e6; color: #444444",
    "missing": "background-color: #ffffff; color: #777777",
    "label": "",
}
LEGEND = (
    "**How to read a cell:** the value, then the strongest kind of source behind it in [brackets]. "
    "Shading follows the same strength: green = regulatory or guideline, blue = trials or meta-analysis, "
    "yellow = other studies, pink = weak (news, clinic or web pages). *No evidence found* (white, italic) means "
    "the researchers found no source; *Not applicable* (grey) means the attribute cannot apply."
)


def matrix(ev: Evidence, condition: str, treatment_ids: list[str], selected: str | None, key: str = "matrix") -> str | None:
    """Draw the comparison matrix; returns the selected cell id (from the grid or the URL)."""
    m = views.matrix(ev, condition, treatment_ids)
    styled = m.display.style.apply(lambda _: m.kinds.map(lambda k: KIND_STYLE.get(k, "")), axis=None)
    default = None
    if selected:
        where = views.locate_cell(m, selected)
        if where:
            default = {"selection": {"cells": [where]}}
    config = {
        "Group": st.column_config.TextColumn("Group", width="small", pinned=True),
        "Attribute": st.column_config.TextColumn("Attribute", width="medium", pinned=True),
    }
    for col in m.treatment_columns:
        config[col] = st.column_config.TextColumn(col, width="medium")
    event = st.dataframe(
        styled, key=f"{key}_{condition}_{'-'.join(treatment_ids)}", hide_index=True, width="stretch", height=430,
        on_select="rerun", selection_mode="single-cell", selection_default=default, column_config=config,
        row_height=38,
    )
    cells = event.selection.get("cells", []) if event is not None else []
    if cells:
        row, col = cells[0]
        if col in m.treatment_columns and 0 <= row < len(m.cell_ids):
            return m.cell_ids.at[row, col]
    return selected


def evidence_card(ev: Evidence, cell_id: str) -> None:
    """The evidence card: value, detail, each citation with locator, type and link, reviewed date."""
    c = views.card(ev, cell_id)
    if c is None:
        st.warning("That cell is not in the data; pick a cell in the table.")
        return
    cell = c.cell
    with st.container(border=True):
        st.subheader(f"{c.treatment} · {c.attribute}", anchor="evidence-card")
        st.caption(escape_md(f"{c.group} · {c.condition} · reviewed {cell['reviewed']}"))
        status = cell["status"]
        if status == "reported":
            st.markdown(f"**{escape_md(cell['value'])}**")
        elif status == "no_evidence":
            st.markdown(f"*{views.NO_EVIDENCE_TEXT}*")
        else:
            st.markdown(f"*{views.NOT_APPLICABLE_TEXT}*")
        st.markdown(escape_md(cell["detail"]))
        extras = []
        if isinstance(cell.get("band"), str):
            extras.append(f"Frequency band: {BAND_LABELS.get(cell['band'], cell['band'])}")
        if isinstance(cell.get("category"), str):
            extras.append(f"Evidence category: {CATEGORY_LABELS.get(cell['category'], cell['category'])}")
        if isinstance(cell.get("currency"), str):
            year = "" if pd.isna(cell.get("price_year")) else f" {int(cell['price_year'])}"
            extras.append(f"Price basis: {cell['currency']}{year}, {cell.get('region') or '?'}")
        if extras:
            st.markdown(escape_md(" · ".join(extras)))
        if len(c.citations):
            st.markdown("**Sources**")
            for i, cit in enumerate(c.citations.itertuples(index=False), start=1):
                tier = TIER_LABELS.get(int(cit.tier), "") if pd.notna(cit.tier) else ""
                line = f"{i}\\. {escape_md(cit.reference)}  \n*Where:* {escape_md(cit.locator)} · *Type:* {escape_md(cit.source_type)} ({escape_md(tier)})"
                st.markdown(line)
                if cit.link:
                    st.link_button(f"Open source {i} ↗", cit.link, help=cit.link)
                else:
                    st.caption("No online link recorded for this source.")
        elif status == "reported":
            st.warning("This cell has no citation.")
        else:
            st.caption("No source is attached: the evidence briefs found nothing for this cell.")
        if len(c.effects):
            st.markdown("**Specific effects**")
            effects_table(c.effects)


def effects_table(effects: pd.DataFrame) -> None:
    shown = effects[["Treatment", "effect", "frequency", "comparator", "Source", "Type", "locator", "link"]].rename(
        columns={"effect": "Effect", "frequency": "Frequency", "comparator": "Comparator", "locator": "Where", "link": "Link"})
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "Link": st.column_config.LinkColumn("Link", display_text="Open ↗"),
    })


def chart_block(fig, summary: str, table: pd.DataFrame, filename: str, alt: str | None = None) -> None:
    """A chart, its one-sentence text summary, the plotted cells with sources, and a CSV download of them."""
    st.plotly_chart(fig, config=export_config(filename), width="stretch")
    st.markdown(escape_md(summary))
    with st.expander("Data and sources behind this chart", expanded=False):
        st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(
        "Download this data (CSV)", table.to_csv(index=False).encode("utf-8"), file_name=f"{filename}.csv",
        mime="text/csv", key=f"dl_{filename}",
    )
