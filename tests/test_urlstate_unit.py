"""evidash/urlstate.py without a browser or a page run: each function against a stand-in for Streamlit's
query string, session state and context. Fast enough to run once per mutant (docs/mutation.md);
tests/test_url.py checks the same rules through whole pages with AppTest.

Expected values come from the data files or are typed in here, never from the module under test."""
from __future__ import annotations

import csv
from types import SimpleNamespace

import pytest

from evidash import coursecost, urlstate
from evidash.data import load_evidence

from .conftest import DATA

BASE = "https://teach.example.org"


def column(name: str, col: str, order: bool = True) -> list[str]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    if order and rows and "sort_order" in rows[0]:
        rows.sort(key=lambda r: float(r["sort_order"]))
    return [r[col] for r in rows]


TREATMENTS = column("treatments.csv", "treatment_id")
CONDITIONS = column("conditions.csv", "condition_id")
GROUPS = list(dict.fromkeys(column("attributes.csv", "group")))
CLAIMS = column("claims.csv", "claim_id", order=False)
SOURCES = column("sources.csv", "source_id", order=False)
CELLS = column("cells.csv", "cell_id", order=False)
NAMES = dict(zip(TREATMENTS, column("treatments.csv", "name")))


class Query:
    """Streamlit's st.query_params as the module uses it: one or several values per name."""

    def __init__(self, **values):
        self.data: dict[str, list[str]] = {}
        for k, v in values.items():
            self[k] = v

    def get_all(self, name):
        return list(self.data.get(name, []))

    def __setitem__(self, name, value):
        self.data[name] = [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def __delitem__(self, name):
        del self.data[name]

    def __contains__(self, name):
        return name in self.data

    def __iter__(self):
        return iter(list(self.data))

    def update(self, other):
        for k, v in other.items():
            self[k] = v


@pytest.fixture(scope="module")
def ev():
    return load_evidence(DATA)


@pytest.fixture
def st(monkeypatch):
    """A fresh stand-in for ``streamlit`` inside urlstate, on /onset of BASE."""
    fake = SimpleNamespace(query_params=Query(), session_state={}, context=SimpleNamespace(url=f"{BASE}/onset"),
                           switched=[])
    fake.switch_page = lambda page, query_params=None: fake.switched.append((page, query_params))
    monkeypatch.setattr(urlstate, "st", fake)
    monkeypatch.delenv(urlstate.PUBLIC_URL_ENV, raising=False)  # links start with the browser's address
    return fake


# Declarations ---------------------------------------------------------------------------------------

def test_every_parameter_the_dashboard_has_always_used_is_declared_in_link_order():
    assert list(urlstate.PARAMS) == ["condition", "treatments", "group", "a", "b", "claim", "cell", "source",
                                     "types", "basis", "heatmap", "category", "comparison", "measure", "audience", "present", "step",
                                     "qr", "lesson"]


def test_an_undeclared_name_is_refused_by_every_entry_point(st, ev):
    for call in (lambda: urlstate.param("colour"), lambda: urlstate.allowed("colour", ev),
                 lambda: urlstate.default("colour", ev), lambda: urlstate.notice("colour", ev),
                 lambda: urlstate.kept("colour"), lambda: urlstate.remove("colour"),
                 lambda: urlstate.write("colour", "x", ev), lambda: urlstate.link("overview", colour="x")):
        with pytest.raises(urlstate.UndeclaredParameter, match="'colour' is not declared"):
            call()
    assert issubclass(urlstate.UndeclaredParameter, KeyError)
    assert st.query_params.data == {}


def test_allowed_values_come_from_the_data(ev):
    assert urlstate.allowed("condition", ev) == ["all"] + CONDITIONS
    assert urlstate.allowed("treatments", ev) == TREATMENTS
    assert urlstate.allowed("a", ev) == urlstate.allowed("b", ev) == TREATMENTS
    assert urlstate.allowed("group", ev) == ["all"] + GROUPS
    assert urlstate.allowed("claim", ev) == CLAIMS
    assert urlstate.allowed("source", ev) == SOURCES
    assert urlstate.allowed("cell", ev) == CELLS
    assert urlstate.allowed("step", ev) == [str(i) for i in range(1, urlstate.MAX_STEPS + 1)]
    assert urlstate.allowed("lesson", ev) == sorted(p.stem for p in (ev.data_dir / "lessons").glob("*.toml"))
    assert urlstate.allowed("present", ev) == urlstate.allowed("qr", ev) == ["0", "1"]
    assert urlstate.allowed("audience", ev) == ["general", "family"]
    assert "meta_analysis" in urlstate.allowed("types", ev) and "label" in urlstate.allowed("types", ev)


def test_defaults(ev):
    assert urlstate.default("condition", ev) == "all"
    assert urlstate.default("treatments", ev) == TREATMENTS[:8]
    assert (urlstate.default("a", ev), urlstate.default("b", ev)) == ("ketamine_iv", "ect")
    assert urlstate.default("group", ev) == "all"
    assert urlstate.default("types", ev) == []
    assert urlstate.default("step", ev) == "1"
    assert urlstate.default("present", ev) == urlstate.default("qr", ev) == "0"
    assert urlstate.default("audience", ev) == "general"
    assert urlstate.default("claim", ev) is urlstate.default("cell", ev) is urlstate.default("source", ev) is None


def test_default_treatments_stop_at_eight(ev):
    many = SimpleNamespace(treatments={"treatment_id": [f"t{i}" for i in range(11)]})
    assert urlstate.default_treatments(many) == [f"t{i}" for i in range(8)]


def test_notices_name_what_was_not_recognised(ev):
    assert urlstate.notice("condition", ev) == "The condition in the link was not recognised, so all conditions are shown."
    assert urlstate.notice("a", ev) == f"The first treatment in the link was not recognised, so {NAMES['ketamine_iv']} is shown."
    assert urlstate.notice("b", ev) == f"The second treatment in the link was not recognised, so {NAMES['ect']} is shown."
    assert urlstate.notice("present", ev) is None
    assert urlstate.notice("audience", ev) == "The audience in the link was not recognised, so the standard view is shown."


def test_the_cost_and_side_effect_switches_come_from_the_data(ev):
    bases = list(dict.fromkeys(b for b in ev.course_costs["basis"] if b in coursecost.COST_BASES))
    ordered = [b for b in coursecost.COST_BASES if b in bases]
    assert urlstate.allowed("basis", ev) == [*ordered, "reported"] and urlstate.default("basis", ev) == ordered[0]
    first = coursecost.COST_BASES[ordered[0]].short
    assert urlstate.notice("basis", ev) == f"The cost basis in the link was not recognised, so {first} is shown."
    categories = list(ev.attributes.loc[ev.attributes["group"] == "side_effects", "attribute_id"])
    assert urlstate.allowed("category", ev) == categories and urlstate.default("category", ev) == categories[0]
    assert urlstate.allowed("comparison", ev) == ["chart", "people"] and urlstate.default("comparison", ev) == "chart"


def test_pair_defaults_fall_back_to_the_first_treatments_when_the_usual_pair_is_missing():
    other = SimpleNamespace(treatments={"treatment_id": ["x", "y"], "name": ["Ex", "Why"]})
    assert urlstate.default("a", other) == "x" and urlstate.default("b", other) == "y"
    assert urlstate.notice("b", other) == "The second treatment in the link was not recognised, so Why is shown."
    empty = SimpleNamespace(treatments={"treatment_id": [], "name": []})
    assert urlstate.notice("a", empty) == "The first treatment in the link was not recognised, so  is shown."  # never "None"


def test_filters_for_each_page():
    assert urlstate.filters_for("overview") == ("condition", "treatments")
    assert urlstate.filters_for("onset") == ("condition", "treatments")
    assert urlstate.filters_for("cost") == ("treatments",)
    assert urlstate.filters_for("head-to-head") == ("condition",)
    assert urlstate.filters_for("sources") == ()
    assert urlstate.filters_for("about") == ()


# Reading --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, raw, expected", [
    ("condition", ["trd"], ("trd", False)),
    ("condition", [], ("all", False)),
    ("condition", ["nope"], ("all", True)),
    ("condition", ["trd", "ocd"], ("all", True)),  # a single parameter given twice
    ("condition", ["trd", "trd"], ("all", True)),
    ("treatments", ["ect", "cbt", "ect"], (["ect", "cbt"], False)),  # repeated values once, in link order
    ("treatments", ["ect", "nope"], (["ect"], True)),
    ("treatments", ["nope"], (TREATMENTS[:8], True)),
    ("treatments", [], (TREATMENTS[:8], False)),
    ("types", ["label", "guideline"], (["label", "guideline"], False)),
    ("types", [], ([], False)),
    ("present", ["1"], (True, False)),
    ("present", ["0"], (False, False)),
    ("present", ["yes"], (False, True)),
    ("present", [], (False, False)),
    ("audience", ["family"], ("family", False)),
    ("audience", ["families"], ("general", True)),
    ("audience", [], ("general", False)),
    ("step", ["2"], ("2", False)),
    ("step", ["99"], ("1", True)),
    ("cell", ["nope"], (None, True)),
    ("a", ["nope"], ("ketamine_iv", True)),  # a default that comes from the data
    ("b", ["ect", "cbt"], ("ect", True)),
])
def test_parse(ev, name, raw, expected):
    assert urlstate.parse(name, raw, ev) == expected


def test_parse_a_lesson_by_name_or_encoded_in_the_link(ev):
    """The lesson parameter takes a lesson file's name or an encoded lesson (its own check, ``accepts``)."""
    first = urlstate.allowed("lesson", ev)[0]
    assert urlstate.parse("lesson", [first], ev) == (first, False)
    encoded = urlstate.LESSON_VERSION + ".eJyrVkrOz0vOT0lVsgKqLMnMz1OqBQBXTQd2"
    assert urlstate.parse("lesson", [encoded], ev) == (encoded, False)
    assert urlstate.parse("lesson", ["no-such-lesson"], ev) == (None, True)
    assert urlstate.parse("lesson", ["x" + encoded], ev) == (None, True)
    assert urlstate.parse("lesson", [first, "no-such-lesson"], ev) == (None, True)


def test_read_query_keeps_the_link_for_this_run(st):
    st.query_params = Query(condition="trd", treatments=["ect", "cbt"])
    assert urlstate.read_query() == {"condition": ["trd"], "treatments": ["ect", "cbt"]}
    assert st.session_state["_query_as_read"] == {"condition": ["trd"], "treatments": ["ect", "cbt"]}


def test_read_query_restores_a_query_lost_by_the_mode_switch(st):
    st.query_params = Query(condition="ocd", colour="red")
    urlstate.stash_for_rerun()
    assert st.session_state["_query_to_restore"] == {"condition": ["ocd"]}  # undeclared names are dropped
    st.query_params = Query(colour="blue")  # what the rerun's address holds
    assert urlstate.read_query() == {"condition": ["ocd"]}  # the link as it was, declared names only
    assert st.session_state["_query_as_read"] == {"condition": ["ocd"]}
    assert st.query_params.get_all("condition") == ["ocd"] and "_query_to_restore" not in st.session_state


def test_seed_from_url_reads_the_link_once(st, ev):
    st.session_state["_query_as_read"] = {"condition": ["ptsd"], "group": ["nope"]}
    assert urlstate.seed_from_url("condition", ev) is None
    assert st.session_state["condition"] == "ptsd" and st.session_state["_filters"] == {"condition": "ptsd"}
    assert urlstate.seed_from_url("group", ev) == "group"  # bad value: its name, so the page shows the notice
    assert st.session_state["group"] == "all" and "group" not in st.session_state["_filters"]  # not a kept parameter
    st.session_state["group"] = "safety"
    assert urlstate.seed_from_url("group", ev) is None and st.session_state["group"] == "safety"  # widget value stands


def test_seed_from_url_without_the_name_in_the_link_or_without_a_link(st, ev):
    st.session_state["_query_as_read"] = {"condition": ["ptsd"]}
    assert urlstate.seed_from_url("treatments", ev) is None
    assert st.session_state["treatments"] == TREATMENTS[:8]
    del st.session_state["_query_as_read"]
    assert urlstate.seed_from_url("step", ev) is None and st.session_state["step"] == "1"


def test_seed_from_url_prefers_the_kept_value_across_a_page_switch(st, ev):
    st.session_state.update({"_filters": {"condition": "ocd"}, "condition": "trd", "_query_as_read": {"condition": ["mdd"]}})
    assert urlstate.seed_from_url("condition", ev) is None
    assert st.session_state["condition"] == "ocd"


def test_from_url_takes_a_bad_value_out_of_the_address(st, ev):
    st.query_params = Query(cell="nope", condition="trd")
    assert urlstate.from_url("cell", ev) == (None, True)
    assert "cell" not in st.query_params and st.query_params.get_all("condition") == ["trd"]
    st.query_params = Query(cell=CELLS[0])
    assert urlstate.from_url("cell", ev) == (CELLS[0], False)
    assert st.query_params.get_all("cell") == [CELLS[0]]
    st.query_params = Query(a="nope", b="cbt")
    assert urlstate.from_url("a", ev) == ("ketamine_iv", True)  # a default that comes from the data
    assert st.query_params.data == {"b": ["cbt"]}
    st.query_params = Query(types=["label", "nope"])
    assert urlstate.from_url("types", ev) == (["label"], True)
    assert st.query_params.get_all("types") == ["label"]  # the good values stay in the address


# Kept values -----------------------------------------------------------------------------------------

def test_keep_and_remember(st):
    assert urlstate.kept("condition", "fallback") == "fallback"
    urlstate.keep("condition", "trd")
    assert urlstate.kept("condition") == "trd"
    st.session_state["treatments"] = ["ect"]
    urlstate.remember("treatments")
    assert st.session_state["_filters"] == {"condition": "trd", "treatments": ["ect"]}
    with pytest.raises(urlstate.UndeclaredParameter, match="'group' is not declared as kept"):
        urlstate.keep("group", "safety")


# Writing ---------------------------------------------------------------------------------------------

def test_write_puts_ids_and_removes_the_default(st, ev):
    urlstate.write("condition", "trd", ev)
    urlstate.write("treatments", ["ect", "cbt"], ev)
    urlstate.write("present", True, ev)
    assert st.query_params.data == {"condition": ["trd"], "treatments": ["ect", "cbt"], "present": ["1"]}
    urlstate.write("condition", "all", ev)
    urlstate.write("treatments", TREATMENTS[:8], ev)
    urlstate.write("present", False, ev)
    urlstate.write("cell", None, ev)
    assert st.query_params.data == {}


def test_write_leaves_an_unchanged_value_alone(st, ev):
    class Watched(Query):
        writes = 0

        def __setitem__(self, name, value):
            Watched.writes += 1
            super().__setitem__(name, value)
    st.query_params = Watched(condition="trd")
    Watched.writes = 0
    urlstate.write("condition", "trd", ev)
    assert Watched.writes == 0  # an unchanged URL is not written again (no history entry)


def test_remove(st):
    st.query_params = Query(cell=CELLS[0], condition="trd")
    urlstate.remove("cell")
    urlstate.remove("source")  # absent: nothing happens
    assert st.query_params.data == {"condition": ["trd"]}


def test_switch_page_carries_declared_parameters_only(st):
    st.query_params = Query(condition="trd", treatments=["ect", "cbt"], colour="red", cell=[])
    assert urlstate.switch_params() == {"condition": "trd", "treatments": ["ect", "cbt"]}
    urlstate.switch_page("pages/cost.py")
    urlstate.switch_page("pages/about.py", {"condition": "ocd"})
    assert st.switched == [("pages/cost.py", {"condition": "trd", "treatments": ["ect", "cbt"]}),
                           ("pages/about.py", {"condition": "ocd"})]


# Links -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url, base, path", [
    (f"{BASE}/onset?x=1", BASE, "/onset"),
    ("http://127.0.0.1:8501/", "http://127.0.0.1:8501", "/overview"),
    ("http://127.0.0.1:8501", "http://127.0.0.1:8501", "/overview"),
    ("ftp://files.example.org/cost", "", "/cost"),
    ("", "", "/overview"),
    (None, "", "/overview"),
])
def test_base_url_and_path(st, url, base, path):
    st.context = SimpleNamespace(url=url)
    assert urlstate.base_url() == base
    assert urlstate.current_path() == path


@pytest.mark.parametrize("public, base", [
    ("https://evidence.example.org/", "https://evidence.example.org"),
    ("https://example.org/dash/", "https://example.org/dash"),
    ("http://10.0.0.5:8501", "http://10.0.0.5:8501"),
    ("javascript:alert(1)", "http://127.0.0.1:8501"),  # not an http(s) address: ignored
    ("", "http://127.0.0.1:8501"),
])
def test_public_address_starts_every_printed_link(st, monkeypatch, public, base):
    monkeypatch.setenv(urlstate.PUBLIC_URL_ENV, public)
    st.context = SimpleNamespace(url="http://127.0.0.1:8501/onset")
    st.query_params = Query(condition="trd", present="1")
    assert urlstate.base_url() == base
    assert urlstate.view_url() == f"{base}/onset?condition=trd"


def test_public_address_from_secrets(st, monkeypatch):
    monkeypatch.delenv(urlstate.PUBLIC_URL_ENV, raising=False)
    st.secrets = {"public_url": "https://teach.example.edu/"}
    assert urlstate.public_url() == "https://teach.example.edu"


class _NoSecrets:
    def get(self, name, default=None):
        raise FileNotFoundError("no secrets.toml")  # what Streamlit does without a secrets file


@pytest.mark.parametrize("secrets, value", [
    ({"public_url": "https://teach.example.edu"}, "https://teach.example.edu"),
    ({}, ""),  # no such key
    ({"public_url": ""}, ""),
    ({"public_url": None}, ""),
    (_NoSecrets(), ""),  # no secrets file at all
])
def test_a_secret_is_its_value_or_empty(st, secrets, value):
    st.secrets = secrets
    assert urlstate._secret("public_url") == value


@pytest.mark.parametrize("public", ["https://", "http:///dash", "https:evidence.example.org"])
def test_a_public_address_needs_scheme_and_host(st, monkeypatch, public):
    monkeypatch.setenv(urlstate.PUBLIC_URL_ENV, public)
    assert urlstate.public_url() == ""


def test_only_trailing_slashes_leave_a_public_address(st, monkeypatch):
    monkeypatch.setenv(urlstate.PUBLIC_URL_ENV, "https://example.org/TEX/X/")
    assert urlstate.public_url() == "https://example.org/TEX/X"


@pytest.mark.parametrize("url, public, local", [
    ("http://localhost:8501/overview", "", True),
    ("http://127.0.0.1:8501/", "", True),
    ("http://192.168.1.20:8501/", "", True),
    ("http://10.1.2.3/", "", True),
    ("http://[::1]:8501/", "", True),
    ("http://laptop.local:8501/", "", True),
    ("http://dash.localhost:8501/", "", True),
    ("http://LAPTOP.LOCALHOST/", "", True),
    ("https://evidence.example.org/", "", False),
    ("http://93.184.216.34/", "", False),
    ("http://localhost:8501/", "https://evidence.example.org", False),  # a public address is set
    (None, "", False),
])
def test_local_only_when_links_would_not_open_elsewhere(st, monkeypatch, url, public, local):
    monkeypatch.setenv(urlstate.PUBLIC_URL_ENV, public)
    st.context = SimpleNamespace(url=url)
    assert urlstate.local_only() is local


def test_base_url_without_a_context_url(st):
    st.context = SimpleNamespace()
    assert urlstate.base_url() == "" and urlstate.current_path() == "/overview"
    assert urlstate.local_only() is False


def test_canonical_url_orders_declared_parameters_and_drops_the_rest(st):
    st.query_params = Query(qr="1", colour="red", treatments=["ect", "cbt"], condition="trd", present="1")
    assert urlstate.canonical_url() == f"{BASE}/onset?condition=trd&treatments=ect&treatments=cbt&present=1&qr=1"
    assert urlstate.view_url() == f"{BASE}/onset?condition=trd&treatments=ect&treatments=cbt"
    assert urlstate.canonical_url("/cost", {"treatments": ["cbt"]}) == f"{BASE}/cost?treatments=cbt"
    st.query_params = Query()
    assert urlstate.canonical_url() == f"{BASE}/onset"
    assert urlstate.view_url() == f"{BASE}/onset"


def test_view_url_keeps_undeclared_names_out(st):
    st.query_params = Query(colour="red", step="2", group="safety")
    assert urlstate.view_url() == f"{BASE}/onset?group=safety"


def test_link_between_pages_quotes_values():
    assert urlstate.link("overview") == "/overview"
    assert urlstate.link("overview", cell="a b/c", condition="trd") == "/overview?cell=a%20b%2Fc&condition=trd"


def test_an_encoded_lesson_may_be_exactly_the_longest_allowed():
    head = urlstate.LESSON_VERSION + "."
    assert urlstate.looks_encoded(head + "a" * (urlstate.LESSON_MAX - len(head)))
    assert not urlstate.looks_encoded(head + "a" * (urlstate.LESSON_MAX - len(head) + 1))
