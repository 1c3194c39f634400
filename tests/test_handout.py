"""The handout (PDF) and the presenter QR code: real pages through AppTest, the real download callable, the
PDF read back with pypdf, the QR code decoded with zxing-cpp."""
from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from evidash import handout, views
from evidash.data import load_evidence
from evidash.text import DISCLAIMER
from evidash.urlstate import default_treatments

from .conftest import BASE, DATA, rows
from .conftest import app as run_app

EV = load_evidence(DATA)
TITLES = dict(zip(EV.sources["source_id"], EV.sources["title"]))
NAMES = dict(zip(EV.treatments["treatment_id"], EV.treatments["name"]))
POINTS = {"A4": (595, 842), "Letter": (612, 792)}
DEFERRED: dict[str, object] = {}  # file id -> the download button's callable (AppTest's runtime lives one run)


@pytest.fixture(autouse=True)
def record_deferred_downloads(monkeypatch):
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        DEFERRED[file_id] = data_callable
        return file_id
    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)


def app(page: str | None = None, **params) -> AppTest:
    return run_app(page, url=True, **params)


def download_handout(at: AppTest, size: str | None = None) -> tuple[bytes, str]:
    """Open the 'Handout (PDF)' popover, pick a page size, and run the download button's own callable
    (what the server runs when the button is clicked)."""
    at.session_state["handout_popover"] = True
    at.run()
    if size:
        at.button_group(key="handout_size").set_value(size).run()
    assert not at.exception
    buttons = [b for b in at.get("download_button") if b.proto.id.endswith("-handout_download")]
    assert len(buttons) == 1, "one handout download button"
    proto = buttons[0].proto
    assert proto.ignore_rerun, "the PDF is built on click, without rerunning the page"
    return DEFERRED[proto.deferred_file_id](), proto.label


def read(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def flat(text: str) -> str:
    return " ".join(text.split())


def link_annotations(reader: PdfReader) -> list[str]:
    out = []
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                out.append(str(action["/URI"]))
    return out


def cited_titles(cell_ids) -> set[str]:
    ids = set(EV.citations.loc[EV.citations["cell_id"].isin(list(cell_ids)), "source_id"])
    ids |= set(EV.effects.loc[EV.effects["cell_id"].isin(list(cell_ids)), "source_id"])
    return {TITLES[s] for s in ids if s in TITLES}


def assert_handout(pdf: bytes, condition: str | None, treatments: list[str], titles: set[str], link: str) -> PdfReader:
    text, reader = read(pdf)
    words = flat(text)
    if condition:
        assert f"Condition: {condition}" in words
    for name in treatments:
        assert name in words, name
    missing = [t for t in titles if flat(t).rstrip(".") not in words]
    assert not missing, missing
    assert link.replace(" ", "") in "".join(text.split()), "the permalink is printed"
    assert link in link_annotations(reader), "the permalink is a clickable link"
    assert flat(DISCLAIMER) in words
    assert f"Data version {EV.version}" in words and EV.as_of in words
    return reader


def test_overview_handout_has_condition_treatments_every_reference_and_permalink():
    at = app(condition="trd")
    pdf, label = download_handout(at)
    assert label == "Download handout (A4)"
    shown = default_treatments(EV)
    matrix = views.matrix(EV, "trd", shown)
    cells = [c for col in matrix.treatment_columns for c in matrix.cell_ids[col] if isinstance(c, str)]
    reader = assert_handout(pdf, "Treatment-resistant depression", [NAMES[t] for t in shown], cited_titles(cells),
                            f"{BASE}/overview?condition=trd")
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == list(POINTS["A4"])
    uris = link_annotations(reader)
    assert any(u.startswith("https://doi.org/") for u in uris) and any("pubmed.ncbi.nlm.nih.gov" in u for u in uris)


def test_handout_references_show_what_each_source_reports():
    """Under each reference, for each cell of the view that cites it: the source's own figures and locator."""
    at = app(condition="trd", treatments=["ketamine_iv", "ect"])
    matrix = views.matrix(EV, "trd", ["ketamine_iv", "ect"])
    cells = {c for col in matrix.treatment_columns for c in matrix.cell_ids[col] if isinstance(c, str)}
    cited = EV.citations[EV.citations["cell_id"].isin(cells) & EV.citations["figures"].fillna("").str.strip().ne("")]
    assert len(cited), "the view's cells carry their sources' figures"
    words = flat(read(download_handout(at)[0])[0])
    for row in cited.head(5).itertuples():
        assert f"the source reports {flat(row.figures)}" in words, (row.cell_id, row.source_id)


def test_handout_follows_the_treatment_filter_and_group():
    at = app(condition="ptsd", treatments=["ketamine_iv", "cbt"], group="onset")
    pdf, _ = download_handout(at, "Letter")
    text, reader = read(pdf)
    words = flat(text)
    assert "Treatments shown: IV racemic ketamine (off-label); Cognitive behavioural therapy (CBT)" in words
    assert "Electroconvulsive therapy" not in words and "Administration setting" not in words
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == list(POINTS["Letter"])


def test_chart_page_handout_draws_the_chart_as_vector_with_its_references():
    at = app("pages/onset.py", condition="trd")
    pdf, _ = download_handout(at)
    shown = default_treatments(EV)
    # The chart plots onset_points.csv rows of the default measure (first improvement): their sources are the references.
    points = [r for r in rows("onset_points.csv") if r["condition_id"] == "trd" and r["measure"] == "first_improvement"
              and r["treatment_id"] in shown]
    reader = assert_handout(pdf, "Treatment-resistant depression", [NAMES[t] for t in shown],
                            {TITLES[r["source_id"]] for r in points}, f"{BASE}/onset?condition=trd")
    text = flat(read(pdf)[0])
    assert "Onset: time to first improvement" in text, "the chart's own text is in the PDF (vector, not a picture)"
    assert not reader.pages[0].images, "no raster image: chart and QR code are vector drawings"


def test_head_to_head_handout_names_the_two_treatments_and_the_trials():
    at = app("pages/head-to-head.py", condition="trd")
    pdf, _ = download_handout(at)
    text, _ = read(pdf)
    words = flat(text)
    assert f"Treatments shown: {NAMES['ketamine_iv']}; {NAMES['ect']}" in words
    rows = EV.comparisons[EV.comparisons["condition_id"] == "trd"]
    pair = rows[rows[["treatment_a", "treatment_b"]].isin(["ketamine_iv", "ect"]).all(axis=1)]
    assert len(pair)
    for study in set(pair["study"]):
        assert study in words, study
    for sid in set(pair["source_id"]):
        assert flat(TITLES[sid]).rstrip(".") in words, sid


@pytest.mark.parametrize("size", ["A4", "Letter"])
def test_page_sizes(size):
    m = views.matrix(EV, "mdd", ["cbt", "tms"])
    spec = handout.Handout("Overview: compare treatments", "http://example.org/overview?condition=mdd", "Major depressive disorder",
                           [NAMES["cbt"], NAMES["tms"]], [handout.matrix_part(m)])
    reader = PdfReader(io.BytesIO(handout.build(EV, spec, size)))
    assert all([round(float(x)) for x in page.mediabox[2:]] == list(POINTS[size]) for page in reader.pages)
    assert reader.metadata.title == "Overview: compare treatments"


def test_data_text_cannot_inject_pdf_markup():
    spec = handout.Handout('<b>Bold</b> & <a href="javascript:alert(1)">x</a>', "javascript:alert(1)", "<i>c</i>",
                           ["<font size=40>T</font>"])
    text, reader = read(handout.build(EV, spec, "A4"))
    assert '<b>Bold</b> & <a href="javascript:alert(1)">x</a>' in flat(text)
    assert "<font size=40>T</font>" in flat(text)
    assert not any(u.startswith("javascript") for u in link_annotations(reader))


def test_qr_code_decodes_to_the_permalink():
    link = "http://127.0.0.1:8501/overview?condition=trd&treatments=ketamine_iv&treatments=ect&cell=ect.trd.onset"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(handout.qr_png(link))))
    assert [r.text for r in found] == [link]
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode


def test_presenter_qr_code_toggles_stays_in_the_url_and_decodes_to_the_view():
    at = app("pages/onset.py", condition="trd", present="1")
    assert not at.get("image")
    at.button(key="toggle_qr").click().run()
    assert not at.exception
    assert at.query_params["qr"] in ("1", ["1"]) and at.query_params["present"] in ("1", ["1"])
    images = at.get("image")
    assert len(images) == 1
    alt = images[0].proto.imgs[0].alt
    link = alt.split(": ", 1)[1]
    assert link.endswith(f"{BASE}/onset?condition=trd"), "the audience's link: the same view, without presenter mode"
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(handout.qr_png(link, scale=4))))
    assert [r.text for r in found] == [link]
    shared = [c.value for c in at.code if c.value.startswith(BASE)]
    assert shared == [f"{BASE}/onset?condition=trd"], "Copy link is the audience's link: no present, qr or step"
    at.button(key="toggle_qr").click().run()
    assert not at.get("image") and "qr" not in at.query_params


def test_qr_from_the_url_and_only_in_presenter_mode():
    at = app(condition="trd", present="1", qr="1")
    assert len(at.get("image")) == 1
    at = app(condition="trd", qr="1")
    assert not at.get("image") and "qr" not in at.query_params


def test_presenter_on_a_local_address_is_warned_and_a_public_address_fixes_the_links(monkeypatch):
    """On 127.0.0.1 without EVIDASH_PUBLIC_URL the presenter sees why the room's phones may fail; with it set,
    the QR code (and every printed link) starts with the public address and the warning is gone."""
    from evidash.urlstate import LOCAL_ONLY_NOTICE, PUBLIC_URL_ENV
    monkeypatch.delenv(PUBLIC_URL_ENV, raising=False)
    at = app("pages/onset.py", condition="trd", present="1", qr="1")
    assert LOCAL_ONLY_NOTICE in [c.value for c in at.caption]
    monkeypatch.setenv(PUBLIC_URL_ENV, "https://evidence.example.org/")
    at = app("pages/onset.py", condition="trd", present="1", qr="1")
    assert LOCAL_ONLY_NOTICE not in [c.value for c in at.caption]
    alt = at.get("image")[0].proto.imgs[0].alt
    assert alt.endswith(": https://evidence.example.org/onset?condition=trd")
    normal = app("pages/onset.py", condition="trd")  # the audience's view never shows the warning
    assert LOCAL_ONLY_NOTICE not in [c.value for c in normal.caption]


# --- family handout (issue 21) ------------------------------------------------------------------------------------

def print_sizes(reader: PdfReader) -> set[float]:
    """The size in points of every piece of text printed (font size times the text matrix's scale)."""
    sizes: set[float] = set()

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes.add(round(size * (abs(tm[0]) or 1) * (abs(cm[0]) or 1), 1))
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.parametrize("page", ["claims", "overview"])
def test_family_handout_is_large_print_with_plain_texts_and_questions(page):
    at = app(page, audience="family", condition="trd")
    pdf, _ = download_handout(at, "A4")
    text, reader = read(pdf)
    words = flat(text)
    assert min(print_sizes(reader)) >= 14, sorted(print_sizes(reader))
    assert "Questions to ask your clinician" in words
    assert "(for patients and families)" in words and "audience=family" in "".join(text.split())
    claims = [r for r in rows_of("claims.csv")]
    if page == "claims":
        assert "What this means for you" in words
        trd = [c for c in claims if c["condition_id"] == "trd"]
        assert flat(trd[0]["meaning_plain"])[:50] in words
        overstated = [c for c in claims if c["verdict"] == "overstated"]
        assert any(flat(c["claim_plain"]).split(". ")[0][:40] in words for c in overstated)  # a question from the data
    else:
        cells = [r for r in rows_of("cells.csv") if r["condition_id"] == "trd" and r["status"] == "reported"]
        assert sum(flat(c["headline_plain"])[:25] in words for c in cells) >= len(cells) // 2


def rows_of(name: str) -> list[dict]:
    from .conftest import rows
    return rows(name)
