"""Docs that are tested (as datasette does): the maintainers' data/README.md names every column and every
allowed value the schema declares, and README.md names every URL parameter."""
from __future__ import annotations

import re

import pytest

from evidash import urlstate, vocab
from evidash.schema import TABLES

from .conftest import ROOT

DATA_README = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
VOCABULARIES = {"group": vocab.GROUPS, "status": vocab.STATUSES, "source_type": vocab.SOURCE_TYPES, "band": vocab.BANDS,
                "category": vocab.CATEGORIES, "measure": vocab.MEASURES, "design": vocab.DESIGNS, "verdict": vocab.VERDICTS,
                "topic": vocab.CLAIM_TOPICS, "basis": vocab.COST_BASES, "kind": vocab.COST_KINDS,
                "cost status": vocab.COST_STATUSES, "comparator_type": vocab.COMPARATOR_TYPES, "use": vocab.USES,
                "attribution": vocab.ATTRIBUTIONS, "onset measure": vocab.ONSET_MEASURES, "protocol": vocab.ONSET_PROTOCOLS,
                "time_basis": vocab.TIME_BASES}


def _named(text: str, word: str) -> bool:
    return f"`{word}`" in text


@pytest.mark.parametrize("file", sorted(TABLES))
def test_every_column_is_documented(file):
    assert _named(DATA_README, file), f"{file} is not in data/README.md"
    missing = [c for c in TABLES[file].to_schema().columns if not _named(DATA_README, c)]
    assert missing == [], f"{file}: columns not documented in data/README.md: {missing}"


@pytest.mark.parametrize("name", sorted(VOCABULARIES))
def test_every_allowed_value_is_documented(name):
    missing = [v for v in vocab.ids(VOCABULARIES[name]) if not _named(DATA_README, v)]
    assert missing == [], f"{name}: values not documented in data/README.md: {missing}"


def test_every_url_parameter_is_in_the_readme():
    shown = set(re.findall(r"[?&]([a-z_]+)=", README)) | set(re.findall(r"`([a-z_]+)`", README))
    assert set(urlstate.PARAMS) <= shown, set(urlstate.PARAMS) - shown
