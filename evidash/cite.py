"""Reference formatting and safe links. Data text is escaped before it reaches markdown."""
from __future__ import annotations

import re

import pandas as pd

from .schema import DOI_PATTERN
from .validate import check_url

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


def escape_md(text) -> str:
    """Escape markdown (and so any HTML) in text that comes from data files."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip() != ""


def source_link(source: pd.Series | dict, blocked: set[str] = frozenset()) -> str | None:
    """The link to show for a source: its URL if safe, else doi.org, else PubMed; None if none is safe."""
    url = source.get("url")
    if _present(url) and check_url(str(url), set(blocked)) is None:
        return str(url)
    doi = source.get("doi")
    if _present(doi) and re.match(DOI_PATTERN, str(doi)):
        return f"https://doi.org/{doi}"
    pmid = source.get("pmid")
    if _present(pmid) and str(pmid).isdigit():
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return None


def format_reference(source: pd.Series | dict) -> str:
    """Plain-text reference: Authors. Title. Publisher; Year. doi:… PMID …"""
    parts = []
    if _present(source.get("authors")):
        parts.append(str(source["authors"]).rstrip(".") + ".")
    parts.append(str(source.get("title", "")).rstrip(".") + ".")
    tail = []
    if _present(source.get("publisher")):
        tail.append(str(source["publisher"]))
    year = source.get("year")
    if _present(year):
        tail.append(str(int(float(year))) if str(year).replace(".0", "").isdigit() else str(year))
    if tail:
        parts.append("; ".join(tail) + ".")
    if _present(source.get("doi")):
        parts.append(f"doi:{source['doi']}")
    if _present(source.get("pmid")):
        parts.append(f"PMID {source['pmid']}")
    return " ".join(parts)


def reference_markdown(source: pd.Series | dict, blocked: set[str] = frozenset()) -> str:
    """Escaped reference plus a markdown link (opened in a new tab by Streamlit) when a safe link exists."""
    text = escape_md(format_reference(source))
    link = source_link(source, blocked)
    if link:
        return f"{text} [Open source ↗]({link.replace(')', '%29').replace(' ', '%20')})"
    return f"{text} *(no online link)*"
