"""The URL, parameter by parameter (evidash/urlstate.py): a link that breaks a parameter gives its notice and
the default; a good value comes back in the Copy-link address; a default is never written; the Copy-link
order is stable; a parameter that is not declared cannot be written.

Expected values come from the data files or are typed in here, never from the module under test. A new
parameter declared without a case below fails ``test_every_declared_parameter_has_a_case``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from evidash import urlstate

from .conftest import BASE, rows
from .conftest import app as run_app


def by_order(name: str, column: str) -> list[str]:
    return [r[column] for r in sorted(rows(name), key=lambda r: float(r["sort_order"]))]


TREATMENTS = by_order("treatments.csv", "treatment_id")
CONDITIONS = by_order("conditions.csv", "condition_id")
GROUPS = list(dict.fromkeys(r["group"] for r in sorted(rows("attributes.csv"), key=lambda r: float(r["sort_order"]))))
NAMES = {r["treatment_id"]: r["name"] for r in rows("treatments.csv")}
SIDE_EFFECTS = [r["attribute_id"] for r in sorted(rows("attributes.csv"), key=lambda r: float(r["sort_order"]))
                if r["group"] == "side_effects"]
PAIR = ("ketamine_iv", "ect")  # the head-to-head page's default pair (IV ketamine vs ECT)


def app(page: str, **params) -> AppTest:
    return run_app(page, url=True, **params)


def notices(at) -> list[str]:
    return [i.value for i in at.info]


def copy_link(at) -> str:
    links = [c.value for c in at.code if c.value.startswith(BASE)]
    assert len(links) == 1, links
    return links[0]


def link_query(at) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(copy_link(at)).query)


def has_caption(at, text: str) -> bool:
    return any(text in c.value for c in at.caption)


def has_subheader(at, text: str) -> bool:
    return any(text in s.value for s in at.subheader)


@dataclass
class Case:
    page: str
    good: str | list[str]  # a valid value that is not the default
    shown: Callable  # what the page shows for this parameter
    default: object  # what ``shown`` gives for the default
    notice: str | None  # the notice for a bad value (None: the parameter falls back silently)
    context: dict = field(default_factory=dict)  # other parameters the page needs to use this one
    good_shown: object = None  # what ``shown`` gives for ``good`` (None: ``good`` itself)
    url_default: str | list[str] | None = None  # the default as a URL value (None: nothing to write)


CASES = {
    "condition": Case("overview", CONDITIONS[1], lambda at: at.selectbox(key="condition").value, "all",
                      "The condition in the link was not recognised, so all conditions are shown.", url_default="all"),
    "treatments": Case("overview", [TREATMENTS[2], TREATMENTS[0]], lambda at: at.multiselect(key="treatments").value,
                       TREATMENTS[:8], "Some treatments in the link were not recognised and were left out.",
                       url_default=TREATMENTS[:8]),
    "group": Case("overview", GROUPS[-1], lambda at: at.segmented_control(key="group").value, "all",
                  "The attribute group in the link was not recognised, so all groups are shown.", url_default="all"),
    "a": Case("head-to-head", "cbt", lambda at: at.selectbox(key="a").value, PAIR[0],
              f"The first treatment in the link was not recognised, so {NAMES[PAIR[0]]} is shown.", url_default=PAIR[0]),
    "b": Case("head-to-head", "tms", lambda at: at.selectbox(key="b").value, PAIR[1],
              f"The second treatment in the link was not recognised, so {NAMES[PAIR[1]]} is shown.", url_default=PAIR[1]),
    "claim": Case("claims", rows("claims.csv")[0]["claim_id"], lambda at: has_subheader(at, "Selected claim"), False,
                  "The claim in the link was not found, so all claims are listed.", good_shown=True),
    "cell": Case("overview", rows("cells.csv")[0]["cell_id"], lambda at: has_caption(at, "Link to this card"), False,
                 "The cell in the link was not found in the data, so no evidence card is open.", good_shown=True),
    "source": Case("sources", rows("sources.csv")[0]["source_id"], lambda at: has_subheader(at, "Selected source"), False,
                   "The source in the link was not found, so all sources are listed.", good_shown=True),
    "types": Case("sources", [rows("sources.csv")[0]["source_type"]], lambda at: at.multiselect(key="types").value, [],
                  "Some source types in the link were not recognised and were left out."),
    "basis": Case("cost", "england_nhs", lambda at: at.segmented_control(key="basis").value, "us_medicare_2026",
                  "The cost basis in the link was not recognised, so US Medicare 2026 is shown.",
                  url_default="us_medicare_2026"),
    "heatmap": Case("side-effects", "excess", lambda at: at.segmented_control(key="heatmap").value, "highest",
                    "The heatmap view in the link was not recognised, so the highest reported rate is shown.",
                    url_default="highest"),
    "comparison": Case("side-effects", "people", lambda at: at.segmented_control(key="comparison").value, "chart",
                       "The comparison view in the link was not recognised, so every effect per 100 is shown.",
                       url_default="chart"),
    "category": Case("side-effects", SIDE_EFFECTS[-1], lambda at: at.selectbox(key="category").value, SIDE_EFFECTS[0],
                     "The side-effect category in the link was not recognised, so the first category is shown.",
                     url_default=SIDE_EFFECTS[0]),
    "measure": Case("onset", "remission", lambda at: at.segmented_control(key="measure").value, "first_improvement",
                    "The onset measure in the link was not recognised, so first improvement is shown.",
                    url_default="first_improvement"),
    "audience": Case("overview", "family", lambda at: at.toggle(key="family_mode").value, False,
                     "The audience in the link was not recognised, so the standard view is shown.", good_shown=True,
                     url_default="general"),
    "present": Case("overview", "1", lambda at: at.toggle(key="present").value, False, None, good_shown=True,
                    url_default="0"),
    "step": Case("overview", "2", lambda at: next(m.value.split(" of ")[0].strip("*") for m in at.markdown if " of " in m.value), "1",
                 "The step in the link was not recognised, so the first step is shown.", context={"present": "1"},
                 url_default="1"),
    "qr": Case("overview", "1", lambda at: bool(at.get("image")), False, None, context={"present": "1"}, good_shown=True,
               url_default="0"),
    "lesson": Case("overview", "trd-rapid-options",  # its first step is on the overview
                   lambda at: any(m.value.startswith("**1 of ") for m in at.markdown), False,
                   "The lesson in the link could not be read, so no lesson is open.", good_shown=True),
}
BAD = "<script>alert(1)</script>"  # unknown, and markup (long and hostile values: tests/test_hardening.py)


def test_every_declared_parameter_has_a_case():
    assert set(CASES) == set(urlstate.PARAMS)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_bad_value_gives_the_notice_and_the_default(name):
    case = CASES[name]
    at = app(case.page, **case.context, **{name: BAD})
    assert case.shown(at) == case.default
    assert notices(at) == ([case.notice] if case.notice else [])
    assert name not in dict(link_query(at)), "a bad value is not carried into the Copy-link address"


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if isinstance(c.good, list)))
def test_a_partly_bad_list_keeps_the_good_values_with_the_notice(name):
    case = CASES[name]
    at = app(case.page, **case.context, **{name: case.good + ["no_such_value"] + case.good})
    assert case.shown(at) == case.good
    assert notices(at) == [case.notice]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_good_value_round_trips_into_the_copy_link(name):
    case = CASES[name]
    at = app(case.page, **case.context, **{name: case.good})
    assert case.shown(at) == (case.good if case.good_shown is None else case.good_shown)
    assert notices(at) == []
    values = case.good if isinstance(case.good, list) else [case.good]
    if urlstate.PARAMS[name].presenter:  # the presenter's own address keeps it; the shared link never has it
        assert at.query_params[name] in (values, values[0])
        assert name not in dict(link_query(at))
    else:
        assert [v for k, v in link_query(at) if k == name] == values
    assert urlsplit(copy_link(at)).path == f"/{case.page}"


@pytest.mark.parametrize("name", sorted(n for n, c in CASES.items() if c.url_default is not None))
def test_a_default_value_is_not_written(name):
    case = CASES[name]
    at = app(case.page, **case.context, **{name: case.url_default})
    assert case.shown(at) == case.default
    assert name not in at.query_params
    assert name not in dict(link_query(at))


def test_copy_link_order_is_stable_whatever_the_order_of_the_link():
    cell = next(r["cell_id"] for r in rows("cells.csv") if r["condition_id"] == CONDITIONS[1])
    given = [("utm_source", "mail"), ("cell", cell), ("group", GROUPS[0]), ("treatments", [TREATMENTS[1], TREATMENTS[0]]),
             ("condition", CONDITIONS[1])]
    at = app("overview", **dict(given))
    assert link_query(at) == [("condition", CONDITIONS[1]), ("treatments", TREATMENTS[1]), ("treatments", TREATMENTS[0]),
                              ("group", GROUPS[0]), ("cell", cell)]  # declared order; undeclared parameters dropped


def test_canonical_url_orders_declared_parameters_and_drops_the_rest():
    params = {"qr": ["1"], "zzz": ["1"], "b": ["tms"], "present": ["1"], "a": ["cbt"], "condition": ["trd"]}
    assert urlstate.canonical_url("/head-to-head", params).endswith("/head-to-head?condition=trd&a=cbt&b=tms&present=1&qr=1")


def _audience_link_app():
    import streamlit as st

    from evidash import urlstate

    st.code(urlstate.view_url())


def test_the_audience_link_leaves_out_the_presenters_parameters():
    at = AppTest.from_function(_audience_link_app)
    for key, value in {"qr": "1", "step": "3", "zzz": "1", "present": "1", "condition": "trd"}.items():
        at.query_params[key] = value
    at.run()
    assert at.code[0].value == "/overview?condition=trd"


def test_a_parameter_that_is_not_declared_cannot_be_written():
    for write in (lambda: urlstate.write("utm_source", "mail", None), lambda: urlstate.remove("utm_source"),
                  lambda: urlstate.keep("utm_source", "mail"), lambda: urlstate.seed_from_url("utm_source", None)):
        with pytest.raises(urlstate.UndeclaredParameter):
            write()
    with pytest.raises(urlstate.UndeclaredParameter):
        urlstate.keep("cell", "x")  # declared, but not kept across page switches


def _writes_an_undeclared_parameter():
    import streamlit as st

    from evidash import urlstate

    try:
        urlstate.write("utm_source", "mail", None)
    except urlstate.UndeclaredParameter as exc:
        st.write(f"refused: {exc}")


def test_a_page_that_writes_an_undeclared_parameter_is_refused():
    at = AppTest.from_function(_writes_an_undeclared_parameter).run()
    assert not at.exception
    assert "refused" in at.markdown[0].value and "utm_source" in at.markdown[0].value
    assert "utm_source" not in at.query_params


def test_kept_filters_survive_a_page_switch_and_others_do_not():
    at = app("overview", condition=CONDITIONS[1], treatments=TREATMENTS[:2], group=GROUPS[-1])
    at.query_params.clear()  # as a browser does on a page switch
    at.switch_page("pages/sources.py").run()  # a page without the filters: they stay in the URL
    assert dict(link_query(at)) == {"condition": CONDITIONS[1], "treatments": TREATMENTS[1]}
    assert [v for k, v in link_query(at) if k == "treatments"] == TREATMENTS[:2]
    at.switch_page("pages/onset.py").run()
    assert at.selectbox(key="condition").value == CONDITIONS[1]
    assert at.multiselect(key="treatments").value == TREATMENTS[:2]


def test_links_between_pages_carry_only_declared_parameters():
    assert urlstate.link("sources", source="fda label") == "/sources?source=fda%20label"
    assert urlstate.link("overview", cell="cbt.ocd.evidence_status") == "/overview?cell=cbt.ocd.evidence_status"
    assert urlstate.link("about") == "/about"
    with pytest.raises(urlstate.UndeclaredParameter):
        urlstate.link("overview", utm_source="mail")
