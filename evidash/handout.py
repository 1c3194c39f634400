"""A one-file PDF handout of the current view: title, date, data version and as-of date, condition and
treatments, the page's charts (vector) and tables, numbered references with their links, the disclaimer,
and the view's permalink as text and as a QR code.

Built with reportlab (layout, tables, links, embedded DejaVu fonts) and svglib (a chart's SVG from
kaleido placed as vector drawing); the QR code comes from segno and is drawn as vector squares.

Pages hand their content to the handout through a small registry in the session (``start``/``add``):
shared drawing helpers (``render.chart_block``, ``render.matrix``, ``render.wide_table``,
``render.presenter_card``) register what they draw, so page files stay thin. ``build`` is pure (no
Streamlit) and runs only when the download button is clicked.
"""
from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import segno

from . import bib, claimcheck, views
from .data import Evidence
from .rules import text as _str
from .text import DISCLAIMER

PAGE_SIZES = ("A4", "Letter")
FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT, FONT_BOLD, FONT_ITALIC = "DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"
CHART_WIDTH_PX = 1216  # laid out at its on-screen width at 1280x720 (what the chart layouts are made for), scaled to the text width
# Columns of the page tables that the handout leaves out: ids, long source lists (the numbered references
# replace them), raw numbers repeated in the value text.
HIDDEN_COLUMNS = {"Sources", "Cell id", "Cells", "Claim id", "Comparison id", "Where", "Min", "Max", "Reviewed", "Status",
                  "Point id", "Min (days)", "Max (days)", "Figures", "Derivation", "Note"}
REFS = "Refs"
MAX_GRID_COLUMNS = 8  # a wider table is printed as one block of "column: value" lines per row


@dataclass
class Part:
    """One piece of the page: a chart (plotly figure) and/or a table. ``cell_ids`` (same shape as ``table``)
    marks a grid whose cells carry their own references (the overview matrix)."""
    heading: str = ""
    fig: object | None = None
    table: pd.DataFrame | None = None
    cell_ids: pd.DataFrame | None = None
    note: str = ""


@dataclass
class Handout:
    title: str
    link: str
    condition: str | None = None  # condition label, None when the page does not filter by condition
    treatments: list[str] = field(default_factory=list)  # names of the treatments shown
    parts: list[Part] = field(default_factory=list)
    source_ids: list[str] = field(default_factory=list)  # further references (e.g. the Sources page's list)
    family: bool = False  # family mode (issue 21): plain texts, large print, questions for the clinician
    questions: list[str] = field(default_factory=list)  # "Questions to ask your clinician" (family.questions)


# --- the registry a page run fills (Streamlit session) -------------------------------------------------
_PARTS, _SCOPE = "_handout_parts", "_handout_scope"


def start() -> None:
    """Forget the parts of the previous run (called before the page body draws)."""
    import streamlit as st
    st.session_state[_PARTS] = []
    st.session_state[_SCOPE] = {}


def add(part: Part) -> None:
    import streamlit as st
    st.session_state.setdefault(_PARTS, []).append(part)


def add_sources(source_ids) -> None:
    """References the page lists without a table (the Sources page)."""
    import streamlit as st
    st.session_state.setdefault(_SCOPE, {}).setdefault("source_ids", []).extend(list(source_ids))


def scope_treatments(treatment_ids) -> None:
    """The treatments a page shows when it does not use the shared treatments filter (head-to-head)."""
    import streamlit as st
    scope = st.session_state.setdefault(_SCOPE, {})
    scope["treatment_ids"] = list(dict.fromkeys(scope.get("treatment_ids", []) + list(treatment_ids)))


def collected() -> tuple[list[Part], dict]:
    import streamlit as st
    return list(st.session_state.get(_PARTS, [])), dict(st.session_state.get(_SCOPE, {}))


# --- QR code --------------------------------------------------------------------------------------------
def qr(link: str) -> segno.QRCode:
    return segno.make(link, error="m", micro=False)


def qr_png(link: str, scale: int = 6) -> bytes:
    buf = io.BytesIO()
    qr(link).save(buf, kind="png", scale=scale, border=3, dark="#000000", light="#ffffff")
    return buf.getvalue()


# --- references -----------------------------------------------------------------------------------------
class _Refs:
    """Numbers sources in the order the handout first cites them."""

    def __init__(self, ev: Evidence):
        self.ev = ev
        cit = ev.citations.sort_values("tier", kind="stable")
        self.by_cell: dict[str, list[str]] = cit.groupby("cell_id", sort=False)["source_id"].agg(list).to_dict()
        for cell, sid in zip(ev.effects.get("cell_id", []), ev.effects.get("source_id", [])):
            self.by_cell.setdefault(cell, [])
            if sid not in self.by_cell[cell]:
                self.by_cell[cell].append(sid)
        self.comparison = dict(zip(ev.comparisons.get("comparison_id", []), ev.comparisons.get("source_id", [])))
        self.claims = {c["claim_id"]: [c["source_id"]] + claimcheck.ids(c.get("source_ids"))
                       for c in ev.claims.to_dict("records")} if len(ev.claims) else {}
        self.known = set(ev.sources["source_id"])
        self.numbers: dict[str, int] = {}
        # What each source itself reports at its locator, per citing cell (citations.csv: figures, locator).
        self.reports = {(c, s): (loc, fig) for c, s, loc, fig in zip(
            ev.citations["cell_id"], ev.citations["source_id"], ev.citations["locator"],
            ev.citations["figures"] if "figures" in ev.citations else [None] * len(ev.citations))}
        self.cells_of: dict[str, list[str]] = {}  # source -> the cells of this handout that cite it
        # Onset points (onset_points.csv) cite their source like a cell: its locator and figures, named as a viewer reads them.
        points = ev.onset_points if "point_id" in ev.onset_points.columns else pd.DataFrame(columns=["point_id"])
        self.point_names: dict[str, str] = {}
        for p in points.to_dict("records"):
            self.by_cell.setdefault(p["point_id"], [p["source_id"]])
            self.reports[(p["point_id"], p["source_id"])] = (p.get("locator"), p.get("figures"))
            self.point_names[p["point_id"]] = (f"{ev.name('treatment_short', p['treatment_id'])} · time to "
                                               f"{str(p['measure']).replace('_', ' ')} ({views.condition_label(ev, p['condition_id'])})")

    def _used(self, cell_ids) -> None:
        for cell in cell_ids:
            for sid in self.by_cell.get(cell, []):
                if cell not in self.cells_of.setdefault(sid, []):
                    self.cells_of[sid].append(cell)

    def number(self, source_ids) -> list[int]:
        out = []
        for sid in source_ids:
            if sid not in self.known:
                continue
            if sid not in self.numbers:
                self.numbers[sid] = len(self.numbers) + 1
            if self.numbers[sid] not in out:
                out.append(self.numbers[sid])
        return out

    def of_cells(self, cell_ids) -> list[int]:
        self._used(cell_ids)
        return self.number([s for c in cell_ids for s in self.by_cell.get(c, [])])

    def reported(self, sid: str) -> list[tuple[str, str, str]]:
        """(cell, locator, figures) for each cell of this handout that cites ``sid`` with figures."""
        out = []
        for cell in self.cells_of.get(sid, []):
            locator, figures = self.reports.get((cell, sid), (None, None))
            if isinstance(figures, str) and figures.strip():
                out.append((cell, locator if isinstance(locator, str) else "", figures))
        return out

    def of_row(self, row: dict) -> list[int]:
        cells = [row["Cell id"]] if isinstance(row.get("Cell id"), str) else []
        cells += [row["Point id"]] if isinstance(row.get("Point id"), str) else []
        cells += claimcheck.ids(row.get("Cells"))
        self._used(cells)
        sources = [s for c in cells for s in self.by_cell.get(c, [])]
        if isinstance(row.get("Comparison id"), str):
            sources.append(self.comparison.get(row["Comparison id"]))
        if isinstance(row.get("Claim id"), str):
            sources += self.claims.get(row["Claim id"], [])
        return self.number(sources)


def marks(numbers: list[int]) -> str:
    return "[" + ", ".join(map(str, numbers)) + "]" if numbers else ""


def table_rows(part: Part, refs: _Refs) -> tuple[list[str], list[list[str]]]:
    """A part's table as header and text rows, with reference numbers: a 'Refs' column for row tables,
    the numbers after each cell's text for a grid."""
    table = part.table.reset_index(drop=True)
    if part.cell_ids is not None:
        ids = part.cell_ids.reset_index(drop=True)
        rows = []
        for i in range(len(table)):
            row = []
            for col in table.columns:
                text = _str(table.at[i, col])
                if col == "Group" and i and text == _str(table.at[i - 1, col]):
                    text = ""  # the group's name heads its first row only
                cell = ids.at[i, col] if col in ids.columns else None
                numbers = refs.of_cells([cell]) if isinstance(cell, str) else []
                row.append(f"{text} {marks(numbers)}".strip())
            rows.append(row)
        return [str(c) for c in table.columns], rows
    shown = [c for c in table.columns if c not in HIDDEN_COLUMNS
             and not (c == "Condition" and len(table) and table[c].nunique() == 1)]  # a single condition: in the header
    rows = []
    records = table.to_dict("records")
    with_refs = any(k in table.columns for k in ("Cell id", "Cells", "Comparison id", "Claim id", "Point id"))
    for record in records:
        row = [_str(record[c]) for c in shown]
        if with_refs:
            row.append(marks(refs.of_row(record)))
        rows.append(row)
    return [str(c) for c in shown] + ([REFS] if with_refs else []), rows


# --- PDF ------------------------------------------------------------------------------------------------
_FONTS_READY = False


def _fonts() -> None:
    """DejaVu Sans for all text (every character of the data: en dashes, ≥, ⚠, arrows), for reportlab and for
    the chart SVGs (svglib maps the charts' font families to it)."""
    global _FONTS_READY, FONT, FONT_BOLD, FONT_ITALIC
    if _FONTS_READY:
        return
    import os
    if not os.path.exists(f"{FONT_DIR}/DejaVuSans.ttf"):  # no fonts-dejavu (scripts/setup.sh installs it): PDF core fonts
        FONT, FONT_BOLD, FONT_ITALIC = "Helvetica", "Helvetica-Bold", "Helvetica-Oblique"
        _FONTS_READY = True
        return
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from svglib import fonts as svgfonts

    for name, file in ((FONT, "DejaVuSans.ttf"), (FONT_BOLD, "DejaVuSans-Bold.ttf"), (FONT_ITALIC, "DejaVuSans-Oblique.ttf")):
        pdfmetrics.registerFont(TTFont(name, f"{FONT_DIR}/{file}"))
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    addMapping(FONT, 0, 1, FONT_ITALIC)
    addMapping(FONT, 1, 1, FONT_BOLD)
    for family in ("Source Sans", "Source Sans Pro", "DejaVu Sans", "Arial", "sans-serif", "Open Sans", "verdana"):
        svgfonts.register_font(family, f"{FONT_DIR}/DejaVuSans.ttf", rlgFontName=FONT)
        svgfonts.register_font(family, f"{FONT_DIR}/DejaVuSans-Bold.ttf", weight="bold", rlgFontName=FONT_BOLD)
    _FONTS_READY = True


BODY_MIN_PT = 9.0  # no text in a handout is smaller than this
LARGE_PRINT_PT = 14.0  # the large-print option's smallest text


FAMILY_PT = 14  # the smallest print of a family handout (large print)


def _family_styles():
    """Large print: every text at least FAMILY_PT points."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    pt, lead = FAMILY_PT, FAMILY_PT * 1.35
    base = ParagraphStyle("body", fontName=FONT, fontSize=pt, leading=lead, textColor=HexColor("#000000"))
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=27, spaceAfter=6),
        "meta": ParagraphStyle("meta", parent=base),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=18, leading=23, spaceBefore=12, spaceAfter=6),
        "cell": ParagraphStyle("cell", parent=base),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD),
        "ref": ParagraphStyle("ref", parent=base, leftIndent=22, firstLineIndent=-22, spaceAfter=4),
        "reports": ParagraphStyle("reports", parent=base, leftIndent=30, spaceAfter=2),
        "small": ParagraphStyle("small", parent=base),
        "qr": ParagraphStyle("qr", parent=base, alignment=1),
    }


def _styles(min_pt: float = BODY_MIN_PT, family: bool = False):
    """The paragraph styles; every size at least ``min_pt`` (the large-print option raises it), the
    leading in proportion; ``family``: the family handout's large print (every text at least FAMILY_PT)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    if family:
        return _family_styles()

    def size(pt: float, leading: float) -> dict:
        grown = max(pt, min_pt)
        return {"fontSize": grown, "leading": leading * grown / pt}

    base = ParagraphStyle("body", fontName=FONT, textColor=HexColor("#1a1a1a"), **size(9, 12))
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, spaceAfter=4, **size(16, 20)),
        "meta": ParagraphStyle("meta", parent=base, textColor=HexColor("#333333"), **size(8.5, 11.5)),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, spaceBefore=10, spaceAfter=4, **size(11.5, 15)),
        "cell": ParagraphStyle("cell", parent=base, **size(7, 8.6)),
        "head": ParagraphStyle("head", parent=base, fontName=FONT_BOLD, **size(7, 8.6)),
        "ref": ParagraphStyle("ref", parent=base, leftIndent=16, firstLineIndent=-16, spaceAfter=3, **size(8, 10.4)),
        "reports": ParagraphStyle("reports", parent=base, leftIndent=24, spaceAfter=2, textColor=HexColor("#333333"),
                                  **size(8, 10.4)),
        "small": ParagraphStyle("small", parent=base, textColor=HexColor("#333333"), **size(7.5, 9.5)),
        "qr": ParagraphStyle("qr", parent=base, alignment=1, **size(7, 8.5)),
        "note": ParagraphStyle("note", parent=base, fontName=FONT_ITALIC, leftIndent=8, borderPadding=4,
                               backColor=HexColor("#f2f2f2"), spaceAfter=4, **size(9, 12)),
    }


def _link(url: str, text: str | None = None) -> str:
    """A clickable link in reportlab's paragraph markup (text and address escaped; http/https only)."""
    if not url.lower().startswith(("http://", "https://", "/")):
        return escape(text or url)
    return f"<a href={quoteattr(url)} color=\"#0b4f9c\"><u>{escape(text or url)}</u></a>"


def qr_drawing(link: str, size_pt: float):
    """The QR code as vector squares (one rectangle per run of dark modules in a row)."""
    from reportlab.graphics.shapes import Drawing, Rect
    from reportlab.lib.colors import black, white

    matrix = qr(link).matrix
    border = 2
    n = len(matrix) + 2 * border
    unit = size_pt / n
    d = Drawing(size_pt, size_pt)
    d.add(Rect(0, 0, size_pt, size_pt, fillColor=white, strokeColor=None))
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                d.add(Rect((border + start) * unit, size_pt - (border + r + 1) * unit, (c - start) * unit, unit,
                           fillColor=black, strokeColor=None, strokeWidth=0))
            else:
                c += 1
    return d


def chart_svg(fig) -> bytes:
    from .charts import render_image
    return render_image(fig, "svg", CHART_WIDTH_PX, int(fig.layout.height or 500))


_SVG = "{http://www.w3.org/2000/svg}"


def split_text_lines(svg: bytes) -> bytes:
    """Plotly writes a multi-line label as one <text> with a <tspan class="line"> per line (each line going
    back to the label's x and down by dy). svglib would draw the lines one after another on a single
    line, so every line becomes a <text> of its own, at its own y."""
    import re

    from lxml import etree

    root = etree.fromstring(svg)
    for text in list(root.iter(f"{_SVG}text")):
        lines = [c for c in text if c.tag == f"{_SVG}tspan" and "line" in (c.get("class") or "").split()]
        if len(lines) < 2:
            continue
        size = re.search(r"font-size:\s*([\d.]+)px", text.get("style") or "")
        size = float(size.group(1)) if size else 15.0
        parent, at, offset = text.getparent(), text.getparent().index(text), 0.0
        for i, line in enumerate(lines):
            dy = (line.get("dy") or "0").strip()
            shift = float(dy[:-2]) * size if dy.endswith("em") else float(dy.rstrip("px") or 0)
            offset = shift if line.get("y") is not None else offset + shift  # a line with its own y: dy counts from it
            new = etree.Element(f"{_SVG}text", attrib=dict(text.attrib))
            new.set("x", line.get("x") or text.get("x") or "0")
            new.set("y", str(float(line.get("y") or text.get("y") or 0) + offset))
            new.text = line.text
            for child in list(line):
                new.append(child)
            parent.insert(at + 1 + i, new)
        parent.remove(text)
    for image in root.iter(f"{_SVG}image"):  # a heatmap's cells: plotly draws them as a small PNG
        _flatten_image(image)
    _pattern_fills(root)
    return etree.tostring(root)


def _pattern_fills(root) -> None:
    """svglib cannot fill with an SVG pattern (plotly's hatched bars): such shapes get the pattern's
    background colour (the hatching is lost; the colour and the legend still tell the series apart)."""
    import re

    colours = {}
    for pattern in root.iter(f"{_SVG}pattern"):
        rect = pattern.find(f"{_SVG}rect")
        if rect is not None and rect.get("fill"):
            colours[pattern.get("id")] = (rect.get("fill"), rect.get("fill-opacity") or "1")
    if not colours:
        return
    fill = re.compile(r"fill:\s*url\(['\"]?#([^'\")]+)['\"]?\)")
    for element in root.iter():
        style = element.get("style") if isinstance(element.tag, str) else None
        match = fill.search(style or "")
        if match and match.group(1) in colours:
            colour, opacity = colours[match.group(1)]
            element.set("style", fill.sub(f"fill: {colour}; fill-opacity: {opacity}", style))


def _flatten_image(image) -> None:
    """A PNG inside the SVG (plotly's heatmap cells, one pixel per cell) on white and enlarged without
    smoothing: reportlab would draw its transparent pixels black and a viewer would blur its cells."""
    import base64

    from PIL import Image

    key = next((k for k in image.attrib if k.endswith("href")), None)
    data = image.get(key, "") if key else ""
    if not data.startswith("data:image/png;base64,"):
        return
    try:
        picture = Image.open(io.BytesIO(base64.b64decode(data.split(",", 1)[1]))).convert("RGBA")
    except Exception:
        return
    factor = max(1, min(40, 800 // max(picture.size)))
    flat = Image.new("RGB", picture.size, "white")
    flat.paste(picture, mask=picture.getchannel("A"))
    flat = flat.resize((picture.width * factor, picture.height * factor), Image.NEAREST)
    out = io.BytesIO()
    flat.save(out, format="PNG")
    image.set(key, "data:image/png;base64," + base64.b64encode(out.getvalue()).decode())


def _chart_flowable(fig, width: float, max_height: float):
    from reportlab.platypus import Paragraph
    from svglib.svglib import svg2rlg

    try:
        drawing = svg2rlg(io.BytesIO(split_text_lines(chart_svg(fig))))
    except Exception as exc:  # the chart cannot be drawn (browser missing): say so, keep the rest
        return Paragraph(escape(f"The chart could not be drawn here ({type(exc).__name__}); see its table below "
                                "and the online view."), _styles()["small"])
    scale = min(width / drawing.width, max_height / drawing.height)
    drawing.width, drawing.height = drawing.width * scale, drawing.height * scale
    drawing.scale(scale, scale)
    return drawing


def _col_widths(header: list[str], rows: list[list[str]], width: float, pt: float = 7) -> list[float]:
    """Every column at least as wide as its longest word (no word is broken), the rest of the width shared
    in proportion to how much text each column holds."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pad = 7
    mins, wants = [], []
    for i, name in enumerate(header):
        texts = [r[i] for r in rows]
        words = [w for t in texts for w in t.split()] + name.split()
        longest = max((stringWidth(w, FONT_BOLD if w in name.split() else FONT, pt) for w in words), default=10)
        mins.append(min(longest, width / 4) + pad)
        total = sum(stringWidth(t, FONT, pt) for t in texts) / max(len(texts), 1)
        wants.append(max(total, stringWidth(name, FONT_BOLD, pt)) + pad)
    if sum(mins) >= width:
        return [width * m / sum(mins) for m in mins]
    spare = width - sum(mins)
    extra = [max(w - m, 0) for w, m in zip(wants, mins)]
    if sum(extra) <= spare:  # everything fits on one line: share the rest evenly
        return [m + e + (spare - sum(extra)) / len(mins) for m, e in zip(mins, extra)]
    return [m + spare * e / sum(extra) for m, e in zip(mins, extra)]


def _table_flowable(header: list[str], rows: list[list[str]], width: float, styles):
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import LongTable, Paragraph, TableStyle

    data = [[Paragraph(escape(h), styles["head"]) for h in header]]
    data += [[Paragraph(escape(text).replace("\n", "<br/>"), styles["cell"]) for text in row] for row in rows]
    table = LongTable(data, colWidths=_col_widths(header, rows, width, styles["cell"].fontSize), repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, HexColor("#8a8a8a")),
        ("BACKGROUND", (0, 0), (-1, 0), HexColor("#e8e8e8")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _records_flowable(header: list[str], rows: list[list[str]], width: float, styles, label_share: float = 0.24):
    """A wide table as records: per row, its first value as a heading line, then one line per column."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import LongTable, Paragraph, TableStyle

    data, commands = [], [("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 3),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 3), ("TOPPADDING", (0, 0), (-1, -1), 1),
                          ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]
    for row in rows:
        top = len(data)
        data.append([Paragraph(f"<b>{escape(header[0])}: {escape(row[0])}</b>", styles["cell"]), ""])
        commands += [("SPAN", (0, top), (1, top)), ("BACKGROUND", (0, top), (1, top), HexColor("#e8e8e8")),
                     ("LINEABOVE", (0, top), (1, top), 0.8, HexColor("#555555"))]
        for name, text in zip(header[1:], row[1:]):
            if text:
                data.append([Paragraph(escape(name), styles["head"]), Paragraph(escape(text), styles["cell"])])
    if not data:
        return Paragraph("", styles["cell"])
    table = LongTable(data, colWidths=[width * label_share, width * (1 - label_share)])
    table.setStyle(TableStyle(commands + [("LINEBELOW", (0, len(data) - 1), (1, len(data) - 1), 0.8, HexColor("#555555"))]))
    return table


def _header(ev: Evidence, handout: Handout, today: dt.date, width: float, styles, meta_lines=(), what: str = "view") -> list:
    """What this is, when, which data and which selection; the QR code of the view at the right."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    meta = [f"Evidence handout · created {today.day} {today:%B %Y}", *meta_lines,
            f"Data version {ev.version} · data reviewed up to {ev.as_of}"]
    left = [Paragraph(escape(handout.title), styles["title"])] + [Paragraph(escape(m), styles["meta"]) for m in meta]
    if handout.condition:
        left.append(Paragraph(f"<b>Condition:</b> {escape(handout.condition)}", styles["meta"]))
    if handout.treatments:
        left.append(Paragraph(f"<b>Treatments shown:</b> {escape('; '.join(handout.treatments))}", styles["meta"]))
    left.append(Paragraph(f"<b>This {what} online:</b> {_link(handout.link)}", styles["meta"]))
    qr_size = (40 if getattr(handout, "family", False) else 30) * mm
    right = [qr_drawing(handout.link, qr_size), Paragraph(f"Scan to open this {what}", styles["qr"])]
    head = Table([[left, right]], colWidths=[width - qr_size - 6 * mm, qr_size + 6 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("ALIGN", (1, 0), (1, 0), "RIGHT")]))
    return [head, Spacer(1, 4 * mm)]


def _parts(handout: Handout, refs: _Refs, width: float, max_chart_height: float, styles, lead: list | None = None) -> list:
    """Each part of the view: heading, chart and note kept together, then its table (numbered to the references)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Paragraph, Spacer

    story = []
    for number, part in enumerate(handout.parts):
        if getattr(handout, "family", False):
            story += _family_part(part, refs, width, styles)
            continue
        block = list(lead or []) if number == 0 else []  # a lesson step's heading stays with its first part
        if part.heading:
            block.append(Paragraph(escape(part.heading), styles["h2"]))
        if part.fig is not None:
            block += [_chart_flowable(part.fig, width, max_chart_height), Spacer(1, 2 * mm)]
        if part.note:
            block += [Paragraph(escape(part.note), styles["small"]), Spacer(1, 2 * mm)]
        if block:
            story.append(KeepTogether(block))
        if part.table is not None and len(part.table):
            header, rows = table_rows(part, refs)
            table = (_table_flowable(header, rows, width, styles) if part.cell_ids is not None or len(header) <= MAX_GRID_COLUMNS
                     else _records_flowable(header, rows, width, styles))
            story += [CondPageBreak(30 * mm), table, Spacer(1, 3 * mm)]
    if not handout.parts and not handout.source_ids:
        story.append(Paragraph("This page holds text only (no chart or table); open the link above for it.", styles["body"]))
    return story


def _family_part(part: Part, refs: _Refs, width: float, styles) -> list:
    """A part in large print: no chart (its text would print too small; the QR code opens it) and so no chart data,
    only its one-sentence summary; a table as one block per row (a grid of five treatments does not fit 14-point
    print), the note under it."""
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, Paragraph, Spacer

    story = [Paragraph(escape(part.heading), styles["h2"])] if part.heading else []
    if part.fig is not None:
        story.append(Paragraph("The chart of this view is online: scan the QR code or open the link above.", styles["body"]))
    if part.table is not None and len(part.table) and part.fig is None:  # a chart's data table: online, with the chart
        header, rows = table_rows(part, refs)
        if header and header[0] == "Group":  # the grid's group column: the attribute heads each block
            header, rows = header[1:], [r[1:] for r in rows]
        story += [CondPageBreak(40 * mm), _records_flowable(header, rows, width, styles, label_share=0.3), Spacer(1, 3 * mm)]
    if part.note:
        story += [Paragraph(escape(part.note), styles["body"]), Spacer(1, 3 * mm)]
    return story


def _questions(questions: list[str], width: float, styles) -> list:
    """The 'Questions to ask your clinician' box (family handout)."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

    if not questions:
        return []
    cells = [[Paragraph("Questions to ask your clinician", styles["h2"])]]
    cells += [[Paragraph(f"\u2610&nbsp;{escape(q)}", styles["body"])] for q in questions]
    box = Table(cells, colWidths=[width])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2, HexColor("#000000")),
                             ("BACKGROUND", (0, 0), (-1, -1), HexColor("#f3f3f3")),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return [KeepTogether([box]), Spacer(1, 5 * mm)]


def _references(ev: Evidence, refs: _Refs, styles, family: bool = False) -> list:
    """Numbered Vancouver references with their links; a reference never runs over a page break."""
    from reportlab.platypus import KeepTogether, Paragraph

    story = [Paragraph(f"References ({len(refs.numbers)})", styles["h2"])]
    if not refs.numbers:
        story.append(Paragraph("No sources are cited in this view.", styles["body"]))
    sources = ev.sources.drop_duplicates("source_id").set_index("source_id", drop=False)
    for sid, number in refs.numbers.items():
        source = sources.loc[sid].to_dict()
        links = " · ".join(f"{escape(label)}: {_link(url, url)}" for label, url in bib.links(source))
        block = [Paragraph(f"{number}.&nbsp;{escape(bib.vancouver(source))}" + (f" {links}" if links else ""), styles["ref"])]
        for cell, locator, figures in ([] if family else refs.reported(sid)):  # what the source reports, per cell
            where = f" ({escape(locator)})" if locator else ""
            name = refs.point_names.get(cell) or claimcheck.cell_link_text(ev, cell)
            block.append(Paragraph(f"<i>{escape(name)}</i>{where}: the source reports "
                                   f"{escape(figures)}", styles["reports"]))
        story.append(KeepTogether(block))
    return story


def build(ev: Evidence, handout: Handout, page_size: str = "A4", today: dt.date | None = None,
          disclaimer: str | None = None) -> bytes:
    """The handout as PDF bytes (``page_size``: 'A4' or 'Letter')."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer


    _fonts()
    disclaimer = disclaimer or DISCLAIMER
    styles = _styles(family=handout.family)
    size = {"A4": A4, "Letter": LETTER}[page_size]
    margin = 14 * mm
    width = size[0] - 2 * margin
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin + 8 * mm, title=handout.title, author="Evidence dashboard",
                            subject="Evidence handout", creator="evidash (reportlab)")
    refs = _Refs(ev)
    story = _header(ev, handout, today or dt.datetime.now(dt.timezone.utc).date(), width, styles)
    if handout.family:
        story += _questions(handout.questions, width, styles)
    story += _parts(handout, refs, width, size[1] - 2 * margin - 30 * mm, styles)
    refs.number(handout.source_ids)
    story += _references(ev, refs, styles, handout.family)
    story += [Spacer(1, 4 * mm), Paragraph(f"<b>Disclaimer.</b> {escape(disclaimer)}", styles["body"]),
              Paragraph(f"Every value comes with its source; numbers in brackets refer to the references above. "
                        f"Permalink of this view: {_link(handout.link)}", styles["small"])]

    def footer(canvas, doc_):
        canvas.saveState()
        canvas.setFont(FONT, FAMILY_PT if handout.family else BODY_MIN_PT)
        canvas.setFillColorRGB(0.25, 0.25, 0.25)
        canvas.drawString(margin, margin, "Not medical advice: talk to your clinician." if handout.family else disclaimer)
        canvas.drawRightString(size[0] - margin, margin, f"Page {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


@dataclass
class LessonStep:
    heading: str
    link: str
    parts: list[Part] = field(default_factory=list)
    note: str = ""  # the speaker note ("" leaves it out)


def build_lesson(ev: Evidence, title: str, about: str, link: str, steps: list[LessonStep], page_size: str = "A4",
                 large: bool = False, today: dt.date | None = None) -> bytes:
    """A whole lesson as one PDF: per step its heading, speaker note, link and parts; one numbered reference
    list; a QR code of the lesson. Text at least 9 pt (14 pt with ``large``); steps flow on without page breaks
    of their own, so no page is left nearly blank."""
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _fonts()
    styles = _styles(LARGE_PRINT_PT if large else BODY_MIN_PT)
    size = {"A4": A4, "Letter": LETTER}[page_size]
    margin = 14 * mm
    width = size[0] - 2 * margin
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=size, leftMargin=margin, rightMargin=margin, topMargin=margin,
                            bottomMargin=margin + 8 * mm, title=title, author="Evidence dashboard",
                            subject="Lesson handout", creator="evidash (reportlab)")
    refs = _Refs(ev)
    story = _header(ev, Handout(title=title, link=link), today or dt.datetime.now(dt.timezone.utc).date(), width, styles,
                    [about] if about else [], what="lesson")
    chart_height = (size[1] - 2 * margin) * 0.42
    for step in steps:
        lead = [Paragraph(escape(step.heading), styles["h2"])]
        if step.note:
            lead.append(Paragraph(f"<b>Speaker note:</b> {escape(step.note)}", styles["note"]))
        lead.append(Paragraph(f"View online: {_link(step.link)}", styles["small"]))
        parts = step.parts or [Part(note="")]
        story += _parts(Handout(title=title, link=step.link, parts=parts), refs, width, chart_height, styles, lead)
    story += _references(ev, refs, styles)
    story += [Spacer(1, 4 * mm), Paragraph(f"<b>Disclaimer.</b> {escape(DISCLAIMER)}", styles["body"])]

    def footer(canvas, doc_):
        canvas.saveState()
        pt = styles["body"].fontSize
        canvas.setFont(FONT, pt)
        canvas.setFillColorRGB(0.25, 0.25, 0.25)
        canvas.drawString(margin, margin, "Educational material, not medical advice" if large
                          else f"{title[:60]} · educational material, not medical advice")
        canvas.drawRightString(size[0] - margin, margin, f"Page {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()


def file_name(title: str, page_size: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in title.split(":")[0].lower()).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return f"handout-{slug or 'view'}-{page_size.lower()}.pdf"


# --- parts from the shared view models (used by the render helpers, the bench and the tests) ------------
def matrix_part(m, rows=None, heading: str = "Comparison: the headline of each cell",
                plain: dict[str, str] | None = None) -> Part:
    """The overview matrix (views.Matrix) as a grid: Group, Attribute, one column per treatment; with ``plain``
    (cell id -> plain headline, family mode) the plain headlines stand in for the headlines."""
    display, ids = m.display, m.cell_ids
    if rows is not None:
        display, ids = display.loc[rows], ids.loc[rows]
    if plain:
        display = display.copy()
        for col in m.treatment_columns:
            if col in ids.columns:
                display[col] = [plain.get(c, v) if isinstance(c, str) else v for c, v in zip(ids[col], display[col])]
    return Part(heading=heading, table=display, cell_ids=ids,
                note="Each cell gives the finding in short; numbers in brackets are its references.")


def chart_part(fig, table: pd.DataFrame | None, summary: str = "") -> Part:
    return Part(fig=fig, table=table, note=summary)
