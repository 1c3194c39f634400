"""The lesson handout (evidash/lessonhandout.py): one PDF of a whole example lesson, read back with pypdf: every
step title, the notes when asked for, body text of at least 9 pt (14 pt in large print), no near-blank page, and a
QR code that decodes to the lesson's link."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from evidash import handout, lessonhandout, lessons

from .conftest import DATA

LINK = "http://127.0.0.1:8501/overview?lesson=trd-rapid-options"


@pytest.fixture(scope="module")
def lesson(ev):
    found, problems = lessons.load("trd-rapid-options", ev)
    assert not problems
    return found


@pytest.fixture(scope="module")
def pdf(ev, lesson):
    return lessonhandout.build(ev, lesson, LINK, "A4", notes=True)


def font_sizes(reader: PdfReader) -> list[float]:
    """The size of every run of text outside the charts (a chart is a vector drawing scaled to the page width,
    with its own type: its text is drawn under a scaling matrix and is left out here)."""
    sizes = []

    def visit(text, cm, tm, font, size):
        if text.strip() and abs(cm[0]) >= 0.99:
            sizes.append(abs(size * tm[0]) if tm[0] else size)
    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_the_lesson_handout_holds_every_step_and_its_note(pdf, lesson):
    reader = PdfReader(io.BytesIO(pdf))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for number, step in enumerate(lesson.steps, start=1):
        assert f"Step {number}. {step.title}" in text, step.title
        assert step.note[:40] in text
    assert lesson.title in text and "References (" in text and "not medical advice" in text


def test_no_page_is_nearly_blank_and_no_text_is_small(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    lengths = [len(p.extract_text().strip()) for p in reader.pages]
    assert all(n > 300 for n in lengths[:-1]) and lengths[-1] > 80, lengths
    sizes = font_sizes(reader)
    assert sizes and min(sizes) >= handout.BODY_MIN_PT - 0.01, sorted(set(sizes))[:5]


def test_large_print_is_at_least_14_pt_and_notes_can_be_left_out(ev, lesson):
    reader = PdfReader(io.BytesIO(lessonhandout.build(ev, lesson, LINK, "Letter", notes=False, large=True)))
    sizes = font_sizes(reader)
    assert min(sizes) >= handout.LARGE_PRINT_PT - 0.01
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Speaker note" not in text


def test_the_qr_code_opens_the_lesson(ev, lesson, monkeypatch, tmp_path, pdf):
    drawn = []
    original = handout.qr_drawing
    monkeypatch.setattr(handout, "qr_drawing", lambda link, size: drawn.append(link) or original(link, size))
    handout.build_lesson(ev, lesson.title, "", LINK, [], "A4")
    assert drawn == [LINK]
    if shutil.which("pdftoppm"):  # read the QR code off the rendered first page
        (tmp_path / "h.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(tmp_path / "h.pdf"), str(tmp_path / "p")], check=True)
        image = Image.open(next(tmp_path.glob("p*.png")))
        assert LINK in [r.text for r in zxingcpp.read_barcodes(image)]
