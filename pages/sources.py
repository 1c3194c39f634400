"""Sources: every source with its reference, type, link and the cells that cite it (?source=<id>)."""
import streamlit as st

from evidash import views
from evidash.cite import escape_md, reference_markdown
from evidash.schema import SOURCE_TYPE_LABELS
from evidash.state import PageState, run_page, sync_param, url_choice


def body(state: PageState) -> None:
    ev = state.evidence
    table = views.sources_table(ev)
    wanted = st.query_params.get("source")
    if wanted is not None and wanted not in set(table["source_id"]):
        st.info("The source in the link was not found, so all sources are listed.", icon=":material/info:")
        wanted = None
    if wanted:
        row = ev.sources[ev.sources["source_id"] == wanted].iloc[0]
        with st.container(border=True):
            st.subheader("Selected source")
            st.markdown(reference_markdown(row))
            st.markdown(f"*Type:* {escape_md(SOURCE_TYPE_LABELS.get(row['source_type'], row['source_type']))}")
            cited = table.loc[table["source_id"] == wanted, "Cells"].iloc[0]
            st.markdown("**Cited by:** " + (", ".join(f"[{escape_md(c)}](/overview?cell={c})" for c in cited) or "no cell"))
    if url_choice("types", list(SOURCE_TYPE_LABELS), [], multi=True):
        st.info("Some source types in the link were not recognised and were left out.", icon=":material/info:")
    types = st.multiselect("Source types", list(SOURCE_TYPE_LABELS), format_func=SOURCE_TYPE_LABELS.get, key="types",
                           placeholder="All source types")
    sync_param("types", types, [])
    shown = table[table["source_type"].isin(types)] if types else table
    st.caption(f"{len(shown)} of {len(table)} sources. Each links to its DOI, PubMed record or official page.")
    st.dataframe(
        shown.assign(Cited=shown["Cells"].map(len), Permalink="/sources?source=" + shown["source_id"])[
            ["Reference", "Type", "Link", "Cited", "Permalink", "source_id"]],
        hide_index=True, width="stretch", height=520,
        column_config={
            "Link": st.column_config.LinkColumn("Link", display_text="Open ↗"),
            "Permalink": st.column_config.LinkColumn("Details", display_text="Details"),
            "Cited": st.column_config.NumberColumn("Cells citing it"),
            "source_id": st.column_config.TextColumn("Id"),
        },
    )


run_page("Sources", body, filters=())
