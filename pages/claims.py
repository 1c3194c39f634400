"""Claims check: what popular articles say about ketamine, the verdict the dashboard's own cells support,
a chart of verdicts by topic, and one card per claim with links to its cells and sources.
?claim=<id> opens one claim at the top of the page."""
import streamlit as st

from evidash import claimcheck, family, handout, render, urlstate, views
from evidash.cite import escape_md
from evidash.vocab import CLAIM_TOPIC_LABELS, VERDICTS
from evidash.state import PageState, run_page

LEGEND = (
    "Each claim is paraphrased from one of four popular web articles and judged on the published evidence: the "
    "deciding sources named on its card and the dashboard's cells it links to (click one to see its evidence card). "
    "Each card says which drug the claim is about: IV ketamine (clinics, off-label), esketamine nasal spray "
    "(Spravato), or both. The scale, strongest support first:\n\n"
    + "\n".join(f"- {claimcheck.verdict_markdown(v)}" for v in VERDICTS)
    + "\n\n*Partly supported*: part of the claim holds, or it holds for one drug or condition but not another. "
    "*Overstated*: there is something behind it, but the claim goes further than the evidence. "
    "*No good evidence either way*: the studies that exist are too few or too small to say; this is not the same "
    "as *Contradicted*, where good evidence shows the claim is wrong."
)


def _close_claim() -> None:
    urlstate.remove("claim")


FAMILY_LEGEND = (
    "Each claim comes from a popular web article. We checked it against published studies and gave it one of these "
    "labels:\n\n" + "\n".join(f"- {family.verdict_markdown(v)}" for v in VERDICTS)
    + "\n\n*Not enough evidence to say* means the studies are too few or too small; it does not mean the claim is wrong.\n\n"
    + family.NOTE
)


def family_card(ev, claim: dict, key: str, link: bool = True) -> None:
    """One claim for families: the family verdict label, the claim in plain words, who it is about, 'What this
    means for you', and the evidence behind it. Terms from the glossary are explained on hover or tap (the (?) icon)."""
    said = family.plain(claim.get("claim_plain"), claim["claim"])
    meaning = family.plain(claim.get("meaning_plain"), claim["reason"])
    lines = [
        f"{family.verdict_markdown(claim['verdict'])}",
        f"**The article says:** {escape_md(said)}",
        f"**About:** {escape_md(family.concerns_label(ev, claim.get('concerns')))}",
        f"**{family.WHAT_IT_MEANS}:** {escape_md(meaning)}",
        f"**From:** {escape_md(claimcheck.article_title(ev, claim['source_id']))}",
    ]
    cells = claimcheck.ids(claim.get("cell_ids"))
    if cells:
        lines.append(f"**The evidence (tap to see it):** {claimcheck.cell_links(ev, cells)}")
    with st.container(border=True, key=key):
        st.markdown("  \n".join(lines), help=views.glossary_help(ev, said, meaning))
        st.caption(f"Checked {escape_md(claim['reviewed'])}" + (f" · [Link to this claim]({urlstate.link('claims', claim=claim['claim_id'])})" if link else ""))


def claim_card(ev, claim: dict, key: str, link: bool = True, plain: bool = False) -> None:
    """One claim: verdict (icon and word), the paraphrased claim, its article, the reason, and links that
    open the cells and sources it rests on. Every data text is escaped. ``plain``: the family card."""
    if plain:
        family_card(ev, claim, key, link)
        return
    topic = CLAIM_TOPIC_LABELS.get(claim["topic"], claim["topic"])
    condition = views.condition_label(ev, claim["condition_id"]) if isinstance(claim["condition_id"], str) else "Not condition-specific"
    lines = [
        f"{claimcheck.verdict_markdown(claim['verdict'])} · {escape_md(topic)} · {escape_md(condition)}",
        f"**Claim** (paraphrased): {escape_md(claim['claim'])}",
        f"**About:** {escape_md(claimcheck.concerns_label(ev, claim.get('concerns')))}",
        f"**From:** [{escape_md(claimcheck.article_title(ev, claim['source_id']))}]({urlstate.link('sources', source=claim['source_id'])}) (web article)",
        f"**Why:** {escape_md(claim['reason'])}",
    ]
    cells = claimcheck.ids(claim.get("cell_ids"))
    if cells:
        lines.append(f"**Cells it rests on:** {claimcheck.cell_links(ev, cells)}")
    decisive = claimcheck.source_links(ev, claimcheck.ids(claim.get("source_ids")))
    if decisive:
        lines.append(f"**Deciding sources:** {decisive}")
    with st.container(border=True, key=key):
        st.markdown("  \n".join(lines))  # one block, line breaks: a compact card
        st.caption(f"Reviewed {escape_md(claim['reviewed'])}" + (f" · [Link to this claim]({urlstate.link('claims', claim=claim['claim_id'])})" if link else ""))


def body(state: PageState) -> None:
    ev = state.evidence
    if not len(ev.claims):
        st.info("No claims have been entered yet (data/claims.csv is empty).", icon=":material/info:")
        return
    wanted, bad = urlstate.from_url("claim", ev)
    if bad:
        st.info(urlstate.notice("claim", ev), icon=":material/info:")
    if wanted:
        st.subheader("Selected claim", anchor="selected-claim")
        claim_card(ev, ev.claims[ev.claims["claim_id"] == wanted].iloc[0].to_dict(), key="selected_claim", link=False,
                   plain=state.family)
        st.button("Close and list all claims", icon=":material/close:", on_click=_close_claim, key="close_claim")
    claims = claimcheck.claims_for(ev, state.condition)
    if state.family:
        st.info(family.NOTE, icon=":material/family_restroom:")
    with st.popover("How verdicts are judged" if not state.family else "What the labels mean", icon=":material/help:"):
        st.markdown(FAMILY_LEGEND if state.family else LEGEND)
    render.chart_block(ev, state.present, claimcheck.chart_view(ev, ev.version, state.condition, state.family))
    if not len(claims):
        return
    articles = list(dict.fromkeys(claims["source_id"]))
    titles = {a: claimcheck.article_title(ev, a) for a in articles}
    article = st.selectbox("Article", ["all"] + articles, key="article_filter",
                           format_func=lambda a: "All articles" if a == "all" else titles.get(a, a),
                           help="Show the claims of one article")
    if article != "all" and article in titles:
        claims = claims[claims["source_id"] == article]
    with st.expander("My article isn't here", icon=":material/search:"):
        st.markdown(family.NOT_HERE)
    st.subheader(f"The claims ({len(claims)})")
    if state.condition != views.ALL:
        st.caption("Claims about this condition, or judged on one of its cells. Choose All conditions for every claim.")
    for article, group in claims.groupby("source_id", sort=False):
        st.markdown(f"#### From “{escape_md(claimcheck.article_title(ev, article))}”")
        note = claimcheck.article_note(ev, article)
        if note:
            st.caption(f"About this article: {escape_md(note)}")
        for claim in group.to_dict("records"):
            claim_card(ev, claim, key=f"claim_{claim['claim_id']}", plain=state.family)
    if state.family:
        handout.add(handout.Part(heading="The claims in plain words", table=family.claims_table(ev, claims),
                                 note=family.NOTE))
        shown = claims.get("claim_plain", claims["claim"]).fillna("").tolist() + claims.get("meaning_plain", claims["reason"]).fillna("").tolist()
        terms = family.terms_in(ev, *shown)
        if len(terms):
            with st.expander(f"Words explained ({len(terms)})", icon=":material/menu_book:"):
                st.markdown(family.terms_markdown(terms))


run_page("claims", body)
