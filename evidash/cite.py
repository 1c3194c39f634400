"""Links and references: which links may be published, the link shown for a source, plain-text references,
and escaping of data text before it reaches markdown."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .rules import blank, text
from .schema import DOI_PATTERN

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
_ALLOWED_SCHEMES = ("http", "https")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def escape_md(text) -> str:
    """Escape markdown (and so any HTML) in text that comes from data files."""
    if blank(text):
        return ""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def present(value) -> bool:
    """A field holds something (not None, NaN or blank text)."""
    return text(value) != ""


def is_ip_host(host: str) -> bool:
    return bool(_IPV4.match(host)) or ":" in host


def check_url(url: str, blocked: set[str]) -> str | None:
    """Why ``url`` may not be published, or None when it is fine."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a valid URL"
    if parts.scheme.lower() not in _ALLOWED_SCHEMES:
        return f"uses the scheme '{parts.scheme or '(none)'}'; only http and https links are allowed"
    host = (parts.hostname or "").lower()
    if not host:
        return "has no host name"
    if parts.username or parts.password:
        return "must not contain a user name or password"
    if is_ip_host(host):
        return f"points at a bare IP address ({host}); cite the canonical page"
    for bad in blocked:
        if host == bad or host.endswith("." + bad):
            return f"points at {host}, a mirror or copy host listed in blocked_hosts.csv; cite the canonical work"
    if any(ch.isspace() for ch in url):
        return "contains spaces"
    return None


def source_link(source, blocked: set[str] = frozenset()) -> str | None:
    """The link to show for a source: its URL if safe, else doi.org, else PubMed; None if none is safe."""
    url = source.get("url")
    if present(url) and check_url(str(url), set(blocked)) is None:
        return str(url)
    doi = source.get("doi")
    if present(doi) and re.match(DOI_PATTERN, str(doi)):
        return f"https://doi.org/{doi}"
    pmid = source.get("pmid")
    if present(pmid) and str(pmid).isdigit():
        return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
    return None
