"""Sources: the bibliography (formatted references with real links), filterable by type and text;
?source=<id> highlights one; BibTeX / RIS / CSL-JSON exports of the whole list or what is shown."""
import streamlit as st

from evidash import handout, render, urlstate, views
from evidash.vocab import SOURCE_TIER, SOURCE_TYPE_LABELS
from evidash.state import PageState, run_page


def body(state: PageState) -> None:
    ev = state.evidence
    table = views.sources_table(ev)
    cited = dict(zip(table["source_id"], table["Cells"]))
    names = views.cell_names(ev)
    wanted, bad = urlstate.from_url("source", ev)
    if bad:
        st.info(urlstate.notice("source", ev), icon=":material/info:")
    if wanted:
        row = ev.sources[ev.sources["source_id"] == wanted].iloc[0]
        with st.container(border=True, key="selected_source"):
            st.subheader("Selected source")
            st.markdown(render.bibliography_entry(1, row, cited[wanted], names, shown=None))
            render.reference_exports(st, ev.sources[ev.sources["source_id"] == wanted], f"source-{wanted}", "This reference")
    if urlstate.seed_from_url("types", ev):
        st.info(urlstate.notice("types", ev), icon=":material/info:")
    bar = st.columns([3, 2], vertical_alignment="bottom")
    types = bar[0].multiselect("Source types", urlstate.allowed("types", ev), format_func=SOURCE_TYPE_LABELS.get,
                               key="types", placeholder="All source types")
    urlstate.write("types", types, ev)
    needle = bar[1].text_input("Find in references", key="find", placeholder="author, title, journal, DOI…").strip().lower()
    shown = ev.sources[ev.sources["source_type"].isin(types)] if types else ev.sources
    if needle:
        text = shown[["title", "authors", "publisher", "doi", "pmid", "source_id"]].astype(str).agg(" ".join, axis=1).str.lower()
        shown = shown[text.str.contains(needle, regex=False)]
    shown = shown.assign(_tier=shown["source_type"].map(SOURCE_TIER), _type=shown["source_type"].map(SOURCE_TYPE_LABELS))
    shown = shown.sort_values(["_tier", "_type", "title"], key=lambda s: s.str.lower() if s.dtype == object else s)
    st.caption(f"{len(shown)} of {len(table)} sources, strongest kinds first, in Vancouver style. DOI, PubMed and official-page "
               "links open the work; 'cited by' opens the evidence card of each cell that cites it.")
    render.reference_exports(st, shown.drop(columns=["_tier", "_type"]), "evidence-dashboard-sources",
                             "The references listed below")
    handout.add_sources(shown["source_id"])  # the handout lists the references shown
    number = 0
    for kind, group in shown.groupby("_type", sort=False):
        st.subheader(f"{kind} ({len(group)})")
        for source in group.to_dict("records"):
            number += 1
            st.markdown(render.bibliography_entry(number, source, cited.get(source["source_id"], []), names))


run_page("sources", body)
