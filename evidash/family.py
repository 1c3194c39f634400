"""Family mode (issue 21, ``?audience=family``): plain texts from the data, verdict labels families read right,
jargon explained from data/glossary.csv, and questions to ask a clinician written from the data.

Pure helpers; the pages and the handout draw them. Every data text is escaped where it is drawn.
"""
from __future__ import annotations

import re

import pandas as pd

from . import claimcheck, urlstate
from .cite import escape_md
from .data import Evidence
from .rules import blank, id_list
from .vocab import VERDICTS

FAMILY = "family"
GENERAL = "general"
TOGGLE_KEY = "family_mode"
WHAT_IT_MEANS = "What this means for you"
# How a claim's treatment reads in family mode (the question families ask: the clinic drip or the nasal spray?).
FAMILY_NAMES = {"ketamine_iv": "IV ketamine clinics (off-label)", "esketamine": "esketamine (Spravato)"}
NOTE = ("These labels judge what an article says, checked against published studies. They do not say whether a "
        "treatment will work for you or is safe for you: only a clinician who knows you can help with that.")
NOT_HERE = (
    "**My article isn't here.** You can still check it with this dashboard:\n"
    "1. Write down one claim from your article, with its numbers (for example *works within hours*).\n"
    "2. Find which treatment it is about: IV ketamine at a clinic, esketamine (Spravato) nasal spray, or another one.\n"
    "3. Open **Overview**, pick the condition, and tap the cell for that treatment and topic "
    "(onset, side effects, cost, evidence). The card shows what the studies found and where.\n"
    "4. Compare: does the article say more, or sound more certain, than the card? Bring both to your clinician."
)


def active() -> bool:
    """Whether this view is in family mode (the kept ``audience`` parameter)."""
    return urlstate.kept("audience", GENERAL) == FAMILY


def verdict_label(verdict: str) -> str:
    return VERDICTS[verdict].family if verdict in VERDICTS else verdict


def verdict_markdown(verdict: str) -> str:
    """Icon and family word (markdown): never colour alone."""
    return f"{(VERDICTS[verdict].icon if verdict in VERDICTS else '')} **{escape_md(verdict_label(verdict))}**".strip()


def concerns_label(ev: Evidence, concerns) -> str:
    """Who a claim is about, as a family reads it: 'Both: IV ketamine clinics (off-label) and esketamine (Spravato)'."""
    wanted = set(id_list(concerns))
    joined = claimcheck.concerns_label(ev, concerns, lambda t: FAMILY_NAMES.get(t.treatment_id, t.short_name))
    return f"Both: {joined}" if wanted == {"ketamine_iv", "esketamine"} else joined


def plain(value, fallback) -> str:
    """The plain text where the data has one, else the original."""
    return str(fallback) if blank(value) else str(value)


def headlines(ev: Evidence) -> dict[str, str]:
    """cell id -> plain headline (only cells that have one)."""
    if "headline_plain" not in ev.cells.columns:
        return {}
    return {c: str(h) for c, h in zip(ev.cells["cell_id"], ev.cells["headline_plain"]) if not blank(h)}


def terms_in(ev: Evidence, *texts) -> pd.DataFrame:
    """The glossary rows whose term appears (as a word) in ``texts``, in glossary order."""
    joined = " ".join(str(t) for t in texts if isinstance(t, str))
    keep = [bool(re.search(rf"(?<![A-Za-z-]){re.escape(str(term))}(?![A-Za-z])", joined)) for term in ev.glossary["term"]]
    return ev.glossary[keep]


def terms_markdown(terms: pd.DataFrame) -> str:
    return "\n".join(f"- **{escape_md(g.term)}** ({escape_md(g.expansion)}): {escape_md(g.explanation)}"
                     for g in terms.itertuples(index=False))


def claims_table(ev: Evidence, claims: pd.DataFrame) -> pd.DataFrame:
    """The claims in plain words, one row each (the family handout): label, claim, who it is about, what it means."""
    rows = [{"Our check": verdict_label(c["verdict"]), "The article says": plain(c.get("claim_plain"), c["claim"]),
             "About": concerns_label(ev, c.get("concerns")), WHAT_IT_MEANS: plain(c.get("meaning_plain"), c["reason"]),
             "Claim id": c["claim_id"], "Cells": c.get("cell_ids")} for c in claims.to_dict("records")]
    return pd.DataFrame(rows, columns=["Our check", "The article says", "About", WHAT_IT_MEANS, "Claim id", "Cells"])


def questions(ev: Evidence, claims: pd.DataFrame | None = None, treatment_ids: list[str] | None = None) -> list[str]:
    """Short questions to ask a clinician, written from the data: the claims on screen that go too far, are
    wrong or lack evidence, and what the treatments in view cost and need."""
    claims = ev.claims if claims is None else claims
    out: list[str] = []
    shaky = claims[claims["verdict"].isin(["overstated", "contradicted", "insufficient"])] if len(claims) else claims
    for c in shaky.head(2).itertuples(index=False):
        text = plain(getattr(c, "claim_plain", None), c.claim)
        first = text.split(". ")[0].rstrip(".")
        out.append(f"I read that \u201c{first}\u201d. Our check says: {verdict_label(c.verdict).lower()}. What do you think?")
    names = dict(zip(ev.treatments["treatment_id"], ev.treatments["short_name"]))
    about = [t for t in (treatment_ids or []) if t in names] or [t for c in claims.get("concerns", []) for t in id_list(c)]
    order = list(names)
    about = sorted(dict.fromkeys(about), key=order.index)[:2]
    if about:
        which = " or ".join(names[t] for t in about)
        out.append(f"Is {which} a good fit for me, and what would you try first?")
        out.append(f"How soon could {which} help, and how long might the benefit last?")
        out.append(f"What side effects should I watch for with {which}, and who do I call if they happen?")
        out.append(f"What would {which} cost me, and will my insurance pay for it?")
    else:
        out.append("Where can I read the studies behind this, and how strong are they?")
    return out
