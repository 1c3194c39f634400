"""Reference-manager exports of the real bibliography, read back with real parsers, and Vancouver text.

Every source in data/sources.csv is exported to BibTeX, RIS and CSL-JSON with evidash.bib; each
export is parsed back (bibtexparser, rispy, json) and its title, authors, year, journal or publisher,
DOI, PMID and URL are compared with sources.csv. The expected author list is worked out here from the
authors column, independently of evidash.bib: 'Smith JA, Doe B, et al.' is two people and more;
a part that is not 'Surname INITIALS' makes its ';'-separated group one organisation
('Tees, Esk and Wear Valleys NHS Foundation Trust' is one author, not two).
"""
from __future__ import annotations

import csv
import json
import re

import bibtexparser
import pytest
import rispy
from bibtexparser import middlewares
from pylatexenc.latex2text import LatexNodes2Text

from evidash import bib

from .conftest import DATA

ARTICLE_TYPES = {"meta_analysis", "rct", "observational", "review", "economic_evaluation"}  # journal articles
# Variables and item types of CSL 1.0.2 used by an export (https://docs.citationstyles.org/en/stable/specification.html).
CSL_KEYS = {"number", "id", "type", "title", "author", "issued", "container-title", "publisher", "DOI", "PMID", "URL", "note"}
CSL_TYPES = {"article-journal", "webpage", "report", "book", "document"}
_ET_AL = re.compile(r",?\s*\bet al\b\.?", re.I)
_UPPER = "A-ZÀ-ÖØ-Þ"  # Latin capitals, with accented ones ('Å' in Hammar Å)
_INITIALS = re.compile(rf"[{_UPPER}]{{1,4}}|[{_UPPER}]+[a-z]{{1,3}}[{_UPPER}]+")  # 'JA', 'ACdeC' (Williams ACdeC)


def _sources() -> list[dict]:
    with (DATA / "sources.csv").open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in r.items()} for r in csv.DictReader(fh)]


SOURCES = _sources()
IDS = [s["source_id"] for s in SOURCES]


def _is_person(part: str) -> bool:
    bits = part.split()
    return len(bits) >= 2 and bool(_INITIALS.fullmatch(bits[-1]))


def expected_authors(text: str) -> tuple[list[str], bool]:
    """(names, more): the people or organisations in an authors cell, and whether it says 'et al.'."""
    names, more = [], False
    for group in text.split(";"):
        if _ET_AL.search(group):
            more = True
            group = _ET_AL.sub("", group)
        group = group.strip().strip(",").strip()
        if not group:
            continue
        parts = [p.strip() for p in group.split(",") if p.strip()]
        names += parts if all(_is_person(p) for p in parts) else [group]
    return names, more


def _each(check) -> None:
    """Run ``check`` on every source; a failure names the source it failed on."""
    for source in SOURCES:
        try:
            check(source)
        except AssertionError as exc:
            raise AssertionError(f"{source['source_id']}: {exc}") from exc


def expected_year(source: dict) -> str:
    return str(int(float(source["year"]))) if source["year"] else ""


def expected_url(source: dict) -> str:
    """The link an export carries: the source's own URL, else its DOI, else its PubMed page."""
    if source["url"]:
        return source["url"]
    if source["doi"]:
        return f"https://doi.org/{source['doi']}"
    if source["pmid"]:
        return f"https://pubmed.ncbi.nlm.nih.gov/{source['pmid']}/"
    return ""


def _frame():
    import pandas as pd
    return pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False)


def test_expected_authors_reads_people_groups_and_et_al():
    assert expected_authors("Smith JA, de Wit L, et al.") == (["Smith JA", "de Wit L"], True)
    assert expected_authors("Tees, Esk and Wear Valleys NHS Foundation Trust") == (["Tees, Esk and Wear Valleys NHS Foundation Trust"], False)
    assert expected_authors("Reif A et al.; ESCAPE-TRD Investigators") == (["Reif A", "ESCAPE-TRD Investigators"], True)
    assert expected_authors("") == ([], False)
    # An initial outside A-Z (Hammar Å) is still an initial, not the start of an organisation's name.
    assert expected_authors("Brus O, Hammar Å, Landén M") == (["Brus O", "Hammar Å", "Landén M"], False)


# ---- BibTeX ---------------------------------------------------------------------------------------------

_LATEX = LatexNodes2Text()


def _bibtex_entries() -> dict:
    """BibTeX parsed back; text fields LaTeX-decoded, url/doi/pmid read verbatim (a URL's & and % are not LaTeX)."""
    text = bib.bibtex(_frame())
    library = bibtexparser.parse_string(text, append_middleware=[middlewares.SeparateCoAuthors()])
    assert not library.failed_blocks, [b.error for b in library.failed_blocks]
    return {e.key: e for e in library.entries}


@pytest.fixture(scope="module")
def bibtex_entries():
    return _bibtex_entries()


def _bib_person(name: str) -> str:
    """'Smith, JA' -> 'Smith JA'; '{Org, Name}' -> 'Org, Name' (LaTeX decoded)."""
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return _LATEX.latex_to_text(name[1:-1]).strip()
    last, _, first = name.partition(",")
    return _LATEX.latex_to_text(f"{last.strip()} {first.strip()}".strip()).strip()


def _decoded(entry, key: str) -> str:
    field = entry.fields_dict.get(key)
    return _LATEX.latex_to_text(field.value).strip() if field else ""


def _raw(entry, key: str) -> str:
    field = entry.fields_dict.get(key)
    return field.value.strip() if field else ""


def test_bibtex_has_every_source_once(bibtex_entries):
    assert sorted(bibtex_entries) == sorted(IDS)


def test_bibtex_round_trip(bibtex_entries):
    _each(lambda source: _bibtex_matches(bibtex_entries[source["source_id"]], source))


def _bibtex_matches(entry, source: dict) -> None:
    assert _decoded(entry, "title") == source["title"]
    names, more = expected_authors(source["authors"])
    authors = [_bib_person(a) for a in (entry.fields_dict["author"].value if "author" in entry.fields_dict else [])]
    assert authors == names + (["others"] if more else [])
    assert _raw(entry, "year") == expected_year(source)
    place = "journal" if entry.entry_type == "article" else "publisher"
    assert _decoded(entry, place) == source["publisher"]
    if source["source_type"] in ARTICLE_TYPES:
        assert entry.entry_type == "article"
    assert _raw(entry, "doi") == source["doi"]
    assert _raw(entry, "pmid") == source["pmid"]
    assert _raw(entry, "url") == expected_url(source)


# ---- RIS ------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ris_entries():
    entries = rispy.loads(bib.ris(_frame()))
    return {e["id"]: e for e in entries}


def test_ris_has_every_source_once(ris_entries):
    assert sorted(ris_entries) == sorted(IDS)
    assert len(rispy.loads(bib.ris(_frame()))) == len(IDS)


def test_ris_round_trip(ris_entries):
    _each(lambda source: _ris_matches(ris_entries[source["source_id"]], source))


def _ris_matches(entry, source: dict) -> None:
    assert entry["title"] == source["title"]
    names, more = expected_authors(source["authors"])
    assert entry.get("authors", []) == names  # RIS has no "et al.": the shortened list holds the names given
    assert entry.get("year", "") == expected_year(source)
    place = "journal_name" if entry["type_of_reference"] == "JOUR" else "publisher"
    assert entry.get(place, "") == source["publisher"]
    if source["source_type"] in ARTICLE_TYPES:
        assert entry["type_of_reference"] == "JOUR"
    assert entry.get("doi", "") == source["doi"]
    assert entry.get("accession_number", "") == (f"PMID:{source['pmid']}" if source["pmid"] else "")
    assert entry.get("urls", []) == ([expected_url(source)] if expected_url(source) else [])


# ---- CSL-JSON -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def csl_items():
    items = json.loads(bib.csl_json(_frame()))
    assert isinstance(items, list)
    return {i["id"]: i for i in items}


def test_csl_json_has_every_source_once_with_csl_keys_only(csl_items):
    assert sorted(csl_items) == sorted(IDS)
    for item in csl_items.values():
        assert set(item) <= CSL_KEYS, set(item) - CSL_KEYS
        assert {"id", "type", "title"} <= set(item)
        assert item["type"] in CSL_TYPES
        for person in item.get("author", []):
            assert set(person) in ({"family", "given"}, {"literal"}), person
        if "issued" in item:
            parts = item["issued"]["date-parts"]
            assert len(parts) == 1 and all(isinstance(p, int) for p in parts[0])


def _csl_person(person: dict) -> str:
    return person["literal"] if "literal" in person else f"{person['family']} {person['given']}"


def test_csl_json_round_trip(csl_items):
    _each(lambda source: _csl_matches(csl_items[source["source_id"]], source))


def _csl_matches(item, source: dict) -> None:
    assert item["title"] == source["title"]
    names, more = expected_authors(source["authors"])
    assert [_csl_person(p) for p in item.get("author", [])] == names  # CSL has no "et al." person
    year = item.get("issued", {}).get("date-parts", [[None]])[0][0]
    assert ("" if year is None else str(year)) == expected_year(source)
    place = "container-title" if item["type"] == "article-journal" else "publisher"
    assert item.get(place, "") == source["publisher"]
    if source["source_type"] in ARTICLE_TYPES:
        assert item["type"] == "article-journal"
    assert item.get("DOI", "") == source["doi"]
    assert item.get("PMID", "") == source["pmid"]
    assert item.get("URL", "") == expected_url(source)


# ---- exports of a part of the list, and hostile text ------------------------------------------------------

def test_exports_of_a_subset_hold_exactly_that_subset():
    frame = _frame()
    part = frame[frame["source_type"].isin(["label", "guideline"])]
    assert 0 < len(part) < len(frame)
    assert sorted(e.key for e in bibtexparser.parse_string(bib.bibtex(part)).entries) == sorted(part["source_id"])
    assert sorted(e["id"] for e in rispy.loads(bib.ris(part))) == sorted(part["source_id"])
    assert sorted(i["id"] for i in json.loads(bib.csl_json(part))) == sorted(part["source_id"])


def test_special_characters_survive_every_format():
    import pandas as pd
    tricky = pd.DataFrame([{
        "source_id": "tricky2024", "title": "Costs & outcomes: 50% {braced} results", "authors": "Öst LG, O'Brien K, et al.",
        "publisher": "Journal of Q&A", "year": "2024", "url": "https://example.org/a?b=1&c=%20d", "doi": "10.1000/a_b(c)",
        "pmid": "123", "source_type": "rct", "note": "",
    }])
    entry = bibtexparser.parse_string(bib.bibtex(tricky), append_middleware=[middlewares.SeparateCoAuthors()]).entries[0]
    assert _decoded(entry, "title") == "Costs & outcomes: 50% (braced) results"  # braces become parentheses
    assert [_bib_person(a) for a in entry.fields_dict["author"].value] == ["Öst LG", "O'Brien K", "others"]
    assert _decoded(entry, "journal") == "Journal of Q&A"
    assert _raw(entry, "url") == "https://example.org/a?b=1&c=%20d" and _raw(entry, "doi") == "10.1000/a_b(c)"
    ris = rispy.loads(bib.ris(tricky))[0]
    assert ris["title"] == tricky.at[0, "title"] and ris["urls"] == [tricky.at[0, "url"]]
    csl = json.loads(bib.csl_json(tricky))[0]
    assert csl["title"] == tricky.at[0, "title"] and csl["author"][0] == {"family": "Öst", "given": "LG"}


# ---- Vancouver ------------------------------------------------------------------------------------------

def test_vancouver_journal_article():
    source = {"source_id": "x", "authors": "Smith JA, Doe B, et al.", "title": "A trial of alpha in depression.",
              "publisher": "J Test Med", "year": "2020", "doi": "10.1000/xyz123", "pmid": "12345678",
              "url": "https://doi.org/10.1000/xyz123", "source_type": "rct"}
    # NLM/Vancouver: Authors. Title. Journal. Year. doi: PMID:
    assert bib.vancouver(source) == ("Smith JA, Doe B, et al. A trial of alpha in depression. J Test Med. 2020. "
                                     "doi:10.1000/xyz123. PMID: 12345678.")


def test_vancouver_organisation_web_page():
    source = {"source_id": "y", "authors": "National Institute for Health and Care Excellence",
              "title": "Depression in adults: treatment and management (NG222)", "publisher": "NICE", "year": "2022",
              "doi": "", "pmid": "", "url": "https://www.nice.org.uk/guidance/ng222", "source_type": "guideline"}
    # A document from an organisation: Author. Title. Publisher; Year.
    assert bib.vancouver(source) == ("National Institute for Health and Care Excellence. "
                                     "Depression in adults: treatment and management (NG222). NICE; 2022.")


def test_a_reports_number_comes_from_its_label_and_the_title_stays_the_publishers():
    source = {"source_id": "y", "authors": "National Institute for Health and Care Excellence",
              "title": "Depression in adults: treatment and management", "publisher": "NICE", "year": "2022",
              "doi": "", "pmid": "", "url": "https://www.nice.org.uk/guidance/ng222", "source_type": "guideline",
              "label": "NG222"}
    assert bib.vancouver(source) == ("National Institute for Health and Care Excellence. "
                                     "Depression in adults: treatment and management. NICE; 2022. Report No.: NG222.")
    import pandas as pd
    frame = pd.DataFrame([source])
    assert "number = {NG222}" in bib.bibtex(frame)
    assert rispy.loads(bib.ris(frame))[0]["number"] == "NG222"
    assert json.loads(bib.csl_json(frame))[0]["number"] == "NG222"
    # A short name is not a number; a number the title already shows is not repeated; an article has none.
    assert bib.report_number({**source, "label": "ELEKT-D"}) == ""
    assert bib.report_number({**source, "label": "Berman 2000"}) == ""
    assert bib.report_number({**source, "title": "Guidance (NG222)"}) == ""
    assert bib.report_number({**source, "source_type": "rct"}) == ""
    assert bib.report_number({**source, "label": "CPB 0445"}) == "CPB 0445"


def test_vancouver_without_authors_or_year():
    source = {"source_id": "z", "authors": "", "title": "Ketamine clinic prices", "publisher": "Example Clinic",
              "year": "", "doi": "", "pmid": "", "url": "https://clinic.example.org/prices", "source_type": "clinic"}
    assert bib.vancouver(source) == "Ketamine clinic prices. Example Clinic."


def test_vancouver_keeps_one_mark_after_an_abbreviation_or_a_question():
    source = {"source_id": "w", "authors": "Janssen Pharmaceuticals Inc.", "title": "Does alpha work?",
              "publisher": "US FDA (FDALabel)", "year": "2026", "doi": "", "pmid": "", "url": "https://www.fda.gov/x",
              "source_type": "label"}
    assert bib.vancouver(source) == "Janssen Pharmaceuticals Inc. Does alpha work? US FDA (FDALabel); 2026."


def test_no_reference_in_the_data_has_a_doubled_full_stop(ev):
    doubled = [r for r in (bib.vancouver(s) for s in ev.sources.to_dict("records")) if re.search(r"(?<!\.)\.\.(?!\.)|\?\.", r)]
    assert not doubled, doubled[:3]


def test_links_of_a_source():
    source = {"doi": "10.1000/xyz123", "pmid": "12345678", "url": "https://www.journal.example.org/article/1", "source_type": "rct"}
    assert bib.links(source) == [("DOI", "https://doi.org/10.1000/xyz123"),
                                 ("PubMed", "https://pubmed.ncbi.nlm.nih.gov/12345678/"),
                                 ("Publisher page", "https://www.journal.example.org/article/1")]
    assert bib.links({"doi": "10.1000/x", "pmid": "", "url": "https://doi.org/10.1000/x", "source_type": "rct"}) == [
        ("DOI", "https://doi.org/10.1000/x")]  # the same address is not listed twice
    assert bib.links({"doi": "", "pmid": "", "url": "javascript:alert(1)", "source_type": "clinic"}) == []
