"""The bibliography: formatted references with real links, and reference-manager exports.

Exports are written with well-kept libraries (bibtexparser for BibTeX, rispy for RIS); CSL-JSON is
plain JSON in the Citation Style Language's variable names. Each export holds title, authors, year,
journal or publisher, DOI, PMID and URL, so Zotero, EndNote and Mendeley import them whole.
"""
from __future__ import annotations

import json
import re

import bibtexparser
import pandas as pd
import rispy
from bibtexparser import model

from .cite import present as _present
from .rules import text as _text
from .cite import source_link
from .vocab import SOURCE_TIER, SOURCE_TYPE_LABELS, TIER_LABELS

# Source types published as journal articles (the publisher column then holds the journal).
ARTICLE_TYPES = ("meta_analysis", "rct", "observational", "review", "economic_evaluation")
_ET_AL_ANY = re.compile(r",?\s*\bet al\b\.?", re.I)


def _year(source) -> str:
    year = source.get("year")
    try:
        return str(int(float(year))) if _present(year) else ""
    except (TypeError, ValueError):
        return ""


def authors(source) -> tuple[list[str], bool]:
    """The author list as written ('Smith J, Doe A, et al.'; groups may be separated by ';') split into
    names, and whether it was shortened with 'et al.'. A group whose comma-separated parts are not all
    'Surname INITIALS' is one organisation ('Tees, Esk and Wear Valleys NHS Foundation Trust')."""
    text = _text(source.get("authors"))
    if not text:
        return [], False
    more = bool(_ET_AL_ANY.search(text))
    names: list[str] = []
    for group in text.split(";"):
        group = _ET_AL_ANY.sub("", group).strip().strip(",").strip()
        if not group:
            continue
        parts = [p.strip() for p in group.split(",") if p.strip()]
        names += parts if all(split_name(p) for p in parts) else [group]
    return names, more


def is_article(source) -> bool:
    return _text(source.get("source_type")) in ARTICLE_TYPES or (_present(source.get("doi")) and _text(source.get("source_type")) in ("guideline", "hta"))


def links(source) -> list[tuple[str, str]]:
    """(label, address) of every real link of a source: DOI, PubMed, and the official page."""
    out = []
    doi, pmid = _text(source.get("doi")), _text(source.get("pmid"))
    if doi:
        out.append(("DOI", f"https://doi.org/{doi}"))
    if pmid.isdigit():
        out.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"))
    page = source_link({"url": source.get("url")})
    if page and all(page.rstrip("/") != url.rstrip("/") for _, url in out):
        out.append(("Official page" if not is_article(source) else "Publisher page", page))
    return out


def _closed(text: str) -> str:
    """A reference element with its full stop: 'Janssen Pharmaceuticals Inc.' and a title ending in '?' keep their
    own mark instead of gaining a second one."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


# A report's own number kept in `label` ('NG222', 'CPB 0445', 'LCD L34998'): one token of capitals with a digit.
_REPORT_NO = re.compile(r"[A-Z][A-Z-]*\s?[A-Z]*\d[\dA-Z-]*")


def report_number(source) -> str:
    """The guidance, policy or report number of a document that is not a journal article, from its `label`
    (the title stays exactly the publisher's: NICE's page title carries no 'NG222'); '' when the label is a short
    name rather than a number, or the title already shows it."""
    label = _text(source.get("label"))
    if is_article(source) or not _REPORT_NO.fullmatch(label) or label.lower() in _text(source.get("title")).lower():
        return ""
    return label


def vancouver(source) -> str:
    """One reference in Vancouver style (plain text): Authors. Title. Journal. Year. doi: PMID:
    A report adds its number as NLM's Citing Medicine does: 'Publisher; Year. Report No.: NG222.'"""
    names, more = authors(source)
    parts = []
    if names:
        parts.append(", ".join(names) + ", et al." if more else _closed(", ".join(names)))
    parts.append(_closed(_text(source.get("title"))))
    publisher, year = _text(source.get("publisher")), _year(source)
    # Vancouver: 'Journal. Year.' for an article; 'Publisher; Year.' for a report or web page.
    where = (". " if is_article(source) else "; ").join(x for x in (publisher.rstrip("."), year) if x)
    if where:
        parts.append(f"{where}.")
    if number := report_number(source):
        parts.append(f"Report No.: {number}.")
    if _text(source.get("doi")):
        parts.append(f"doi:{source['doi']}.")
    if _text(source.get("pmid")):
        parts.append(f"PMID: {source['pmid']}.")
    return " ".join(parts)


def strength(source) -> str:
    kind = _text(source.get("source_type"))
    tier = SOURCE_TIER.get(kind)
    return f"{SOURCE_TYPE_LABELS.get(kind, kind)} · {TIER_LABELS.get(tier, '')}"


def _records(sources: pd.DataFrame) -> list[dict]:
    return sources.to_dict("records")


def split_name(name: str) -> tuple[str, str] | None:
    """'Smith JA' -> ('Smith', 'JA'); None for an organisation (no trailing initials)."""
    bits = name.split()
    last = bits[-1] if bits else ""
    # Initials: 'J', 'JA', 'ACdeC' (Williams ACdeC: lower-case particles between capitals), 'Å' (Hammar Å).
    if (len(bits) >= 2 and re.fullmatch(r"[^\W\d_]{1,6}\.?", last) and last[0].isupper()
            and (last.rstrip(".").isupper() or sum(c.isupper() for c in last) >= 2)):
        return " ".join(bits[:-1]), last
    return None


def _bib_name(name: str) -> str:
    """'Smith JA' -> 'Smith, JA'; an organisation stays whole in braces."""
    parts = split_name(name)
    return f"{parts[0]}, {parts[1]}" if parts else "{" + name + "}"


def _bib_escape(text: str) -> str:
    return text.replace("\\", "").replace("{", "(").replace("}", ")").replace("%", r"\%").replace("&", r"\&")


def bibtex(sources: pd.DataFrame) -> str:
    library = bibtexparser.Library()
    for s in _records(sources):
        names, more = authors(s)
        fields = {"title": "{" + _bib_escape(_text(s["title"])) + "}"}
        if names:
            fields["author"] = " and ".join(_bib_name(_bib_escape(n)) for n in names) + (" and others" if more else "")
        if _year(s):
            fields["year"] = _year(s)
        publisher = _bib_escape(_text(s.get("publisher")))
        if publisher:
            fields["journal" if is_article(s) else "publisher"] = publisher
        if number := report_number(s):
            fields["number"] = _bib_escape(number)
        for key in ("doi", "pmid"):
            if _text(s.get(key)):
                fields[key] = _text(s[key])
        page = source_link({"url": s.get("url")})
        if page:
            fields["url"] = page
        fields["note"] = _bib_escape(f"Source type: {SOURCE_TYPE_LABELS.get(s['source_type'], s['source_type'])}")
        entry = model.Entry("article" if is_article(s) else "misc", s["source_id"],
                            [model.Field(k, v) for k, v in fields.items()])
        library.add(entry)
    return bibtexparser.write_string(library)


def ris(sources: pd.DataFrame) -> str:
    entries = []
    for s in _records(sources):
        names, more = authors(s)
        entry = {"type_of_reference": "JOUR" if is_article(s) else "ELEC", "title": _text(s["title"]),
                 "id": s["source_id"]}
        if names:
            entry["authors"] = names  # RIS has no 'et al.': the list holds the names the source gives
        if _year(s):
            entry["year"] = _year(s)
        if _text(s.get("publisher")):
            entry["journal_name" if is_article(s) else "publisher"] = _text(s["publisher"])
        if number := report_number(s):
            entry["number"] = number
        if _text(s.get("doi")):
            entry["doi"] = _text(s["doi"])
        if _text(s.get("pmid")):
            entry["accession_number"] = f"PMID:{_text(s['pmid'])}"
        page = source_link({"url": s.get("url")})
        if page:
            entry["urls"] = [page]
        entry["notes"] = [f"Source type: {SOURCE_TYPE_LABELS.get(s['source_type'], s['source_type'])}"]
        entries.append(entry)
    return rispy.dumps(entries)


def csl_json(sources: pd.DataFrame) -> str:
    items = []
    for s in _records(sources):
        names, more = authors(s)
        item = {"id": s["source_id"], "type": "article-journal" if is_article(s) else "webpage", "title": _text(s["title"])}
        if names:
            item["author"] = [{"family": split_name(n)[0], "given": split_name(n)[1]} if split_name(n) else {"literal": n}
                              for n in names]
        if _year(s):
            item["issued"] = {"date-parts": [[int(_year(s))]]}
        if _text(s.get("publisher")):
            item["container-title" if is_article(s) else "publisher"] = _text(s["publisher"])
        if number := report_number(s):
            item["number"] = number
        if _text(s.get("doi")):
            item["DOI"] = _text(s["doi"])
        if _text(s.get("pmid")):
            item["PMID"] = _text(s["pmid"])
        page = source_link({"url": s.get("url")})
        if page:
            item["URL"] = page
        item["note"] = f"Source type: {SOURCE_TYPE_LABELS.get(s['source_type'], s['source_type'])}"
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=1)


EXPORTS = {  # label -> (writer, file extension, MIME type)
    "BibTeX": (bibtex, "bib", "application/x-bibtex"),
    "RIS": (ris, "ris", "application/x-research-info-systems"),
    "CSL-JSON": (csl_json, "json", "application/vnd.citationstyles.csl+json"),
}
