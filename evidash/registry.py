"""The page registry (``pages.toml``): every page's slug, file, names, icon and the URL parameters it reads.

Read by the navigation (``nav.py``), by ``state.run_page`` (title, filters), by ``urlstate`` (which page uses
which parameter) and by the tests. Adding a page is a page file and one entry in ``pages.toml``.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

REGISTRY = Path(__file__).resolve().parent / "pages.toml"


@dataclass(frozen=True)
class PageSpec:
    slug: str
    file: str
    nav: str
    title: str
    icon: str
    params: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def pages() -> tuple[PageSpec, ...]:
    with REGISTRY.open("rb") as fh:
        entries = tomllib.load(fh)["page"]
    return tuple(PageSpec(**{**entry, "params": tuple(entry.get("params", ()))}) for entry in entries)


def page(slug: str) -> PageSpec:
    for spec in pages():
        if spec.slug == slug:
            return spec
    raise KeyError(f"page {slug!r} is not in {REGISTRY.name}")


def by_file(file: str) -> PageSpec | None:
    return next((spec for spec in pages() if spec.file == file), None)


def using(param: str) -> tuple[str, ...]:
    """The slugs of the pages that read URL parameter ``param``."""
    return tuple(spec.slug for spec in pages() if param in spec.params)
