"""Presenter mode and lessons, on every page: one bar drawn by ``state.run_page`` above the page.

A *deck* is the ordered list of slides the bar steps through:
- with a lesson (``?lesson=<id>`` or a lesson encoded in the link, see ``lessons.py``): its steps, each a page with
  its filters; an overview step becomes as many slides as its attribute group needs to fit a 1280x720 screen;
- without a lesson, on the overview: the attribute groups of the matrix, split the same way;
- elsewhere: no deck (the bar still leaves presenter mode, shows the QR code and links to the other pages).

``?step=`` says where in the deck (so a reload or a shared presenter link lands on the same step). Previous/Next
(also the ← and → keys) go to the neighbouring slide: a rerun with the new query string on the same page, or
``st.switch_page`` with the slide's filters to another page. The filters of the slide are adopted as the kept
values, so the filter widgets show them. The audience's links (Copy link, QR code, chart links) never carry
the presenter's parameters (``urlstate.view_url``).
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import streamlit as st

from . import lessons, registry, urlstate, views
from .data import Evidence

_SLIDE = "_presenter_slide"  # the slide this run shows (read by the overview's body)
_AT = "_presenter_at"  # (lesson, step) this session last showed: a different one in the URL is an arrival
_LESSON_CACHE = "_lesson_cache"  # (lesson value, data version) -> (lesson, notices)
NOTES_KEY = "presenter_notes"


@dataclass(frozen=True)
class Slide:
    page: str  # page slug
    params: dict = field(default_factory=dict)  # declared, non-presenter URL parameters: name -> list of values
    title: str = ""
    note: str = ""
    group: str | None = None  # overview slides: the attribute group
    part: int = 0  # overview slides: which part of the group (0-based)
    rows: tuple = ()  # overview slides: the matrix rows shown


# --- Fitting the overview into 1280x720 slides --------------------------------------------------------
# Measured in Chromium at 1280x720 in presenter mode (tests/e2e/test_presenter.py checks every slide):
SLIDE_HEIGHT = 720
FIXED_PX = 330  # above the matrix rows (bar, filter row without labels, heading, header row: ~240 px), the Sources toggle below, and a margin
LINE_PX = 26  # one line of cell text (17 px type; the 20 px attribute names set the pace)
ROW_PAD_PX = 10  # a cell button's padding and the gap between rows
QR_BAR_PX = 55  # with the QR code on, the narrower bar may take a second line
CHARS_PER_LINE = 18  # in a treatment column when five treatments are shown (a little under the measured 19)


def _lines(text: str, width: int) -> int:
    return sum(max(1, len(textwrap.wrap(part, max(8, width), break_long_words=True))) for part in str(text).split("\n\n"))


def row_height(m: views.Matrix, index, narrow: bool = False) -> int:
    """The estimated height in px of one matrix row on a presenter slide."""
    n = max(1, len(m.treatment_columns))
    width = int(CHARS_PER_LINE * 5 / max(n, 3) * (0.8 if narrow else 1.0))
    lines = _lines(m.display.at[index, "Attribute"], width)
    for name in m.treatment_columns:
        headline = f"{m.display.at[index, name]} [1, 2]"  # room for reference numbers
        badge = m.badges.at[index, name] if m.badges is not None else ""
        lines = max(lines, _lines(headline, width) + (_lines(f"xx {badge}", width) if badge else 0))
    return lines * LINE_PX + ROW_PAD_PX


def split_rows(m: views.Matrix, rows, narrow: bool = False) -> list[list]:
    """``rows`` in order, cut into slides that fit the screen (at least one row per slide)."""
    budget = SLIDE_HEIGHT - FIXED_PX - (QR_BAR_PX if narrow else 0)
    parts, current, used = [], [], 0
    for index in rows:
        h = row_height(m, index, narrow)
        if current and used + h > budget:
            parts.append(current)
            current, used = [], 0
        current.append(index)
        used += h
    if current:
        parts.append(current)
    return parts


def overview_slides(ev: Evidence, condition: str, treatment_ids: list[str], group: str = views.ALL,
                    params: dict | None = None, title: str = "", note: str = "", narrow: bool = False) -> list[Slide]:
    """The overview's presenter slides: each attribute group (or only ``group``), split to fit the screen."""
    from .render import _matrix

    m = _matrix(ev, ev.version, condition, tuple(treatment_ids))
    groups = views.attribute_groups(ev) if group in (None, views.ALL) else [group]
    out = []
    for g in groups:
        rows = list(m.display.index[m.display["Group"] == views.GROUP_LABELS.get(g, g)])
        parts = split_rows(m, rows, narrow) if rows else [[]]
        for k, part in enumerate(parts):
            label = title or views.GROUP_LABELS.get(g, g)
            if len(parts) > 1:
                label += f" ({k + 1}/{len(parts)})"
            out.append(Slide("overview", dict(params or {}), label, note, g, k, tuple(part)))
    return out


# --- The deck -----------------------------------------------------------------------------------------

def _value(params: dict, name: str, ev: Evidence):
    return urlstate.parse(name, params.get(name, []), ev)[0]


def lesson_slides(ev: Evidence, lesson: lessons.Lesson, narrow: bool = False) -> list[Slide]:
    out = []
    for step in lesson.steps:
        params = {k: list(v) for k, v in step.params.items()}
        if step.page == "overview":
            out += overview_slides(ev, _value(params, "condition", ev), _value(params, "treatments", ev),
                                   _value(params, "group", ev), params, step.title, step.note, narrow)
        else:
            out.append(Slide(step.page, params, step.title, step.note))
    return out


def open_lesson(value: str, ev: Evidence) -> tuple[lessons.Lesson | None, list[str]]:
    """The lesson a ``lesson`` value names, decoded and checked once per session and data version."""
    cache = st.session_state.setdefault(_LESSON_CACHE, {})
    key = (value, ev.version)
    if key not in cache:
        cache.clear()
        cache[key] = lessons.open_value(value, ev)
    return cache[key]


def lesson_value() -> str:
    """The lesson of this view: from the URL, else kept from the last page (a page switch drops it)."""
    return st.query_params.get("lesson") or urlstate.kept("lesson") or ""


def current_view(page: str, ev: Evidence) -> dict:
    return {k: v for k, v in urlstate.current().items()
            if k in urlstate.PARAMS and not urlstate.PARAMS[k].presenter and k in registry.page(page).params}


def deck(page: str, ev: Evidence, condition: str, treatment_ids: list[str], lesson) -> list[Slide]:
    narrow = bool(urlstate.kept("qr"))
    if lesson is not None:
        return lesson_slides(ev, lesson, narrow)
    if page == "overview":
        group, _ = urlstate.from_url("group", ev)
        return overview_slides(ev, condition, treatment_ids, group, current_view(page, ev), narrow=narrow)
    return []


def current_slide() -> Slide | None:
    """The slide this run shows (set by the bar), for the page body."""
    return st.session_state.get(_SLIDE)


# --- Moving -------------------------------------------------------------------------------------------

def adopt(params: dict, ev: Evidence) -> None:
    """Make a slide's filters the current ones: kept filters take its values (defaults where it has none),
    the page's own parameters are read again from the URL."""
    for name, p in urlstate.PARAMS.items():
        if p.presenter:
            continue
        if p.kept:
            value = _value(params, name, ev)
            urlstate.keep(name, value)
            st.session_state[name] = value
        else:
            st.session_state.pop(name, None)


def go(slide: Slide, number: int, here: str, ev: Evidence) -> None:
    """Show slide ``number`` (1-based): same page, a rerun with its query string; else a page switch."""
    query = {k: v for k, v in slide.params.items() if v}
    if urlstate.kept("present"):
        query["present"] = ["1"]
    if urlstate.kept("qr"):
        query["qr"] = ["1"]
    value = lesson_value()
    if value:
        query["lesson"] = [value]
    query["step"] = [str(number)]
    urlstate.keep("step", str(number))
    st.session_state[_AT] = (value, str(number))
    adopt(slide.params, ev)
    flat = {k: v if len(v) > 1 else v[0] for k, v in query.items()}
    if slide.page == here:
        st.query_params.from_dict(flat)
        st.rerun()
    st.switch_page(registry.page(slide.page).file, query_params=flat)


def _arrive(slide: Slide, number: int, page: str, ev: Evidence, value: str) -> None:
    """A step reached by a link, a reload, Back or Forward: a bare lesson link (or one on another page) goes to the
    step's view; otherwise the URL's own filters (from the history) become the current ones."""
    st.session_state[_AT] = (value, str(number))
    view = current_view(page, ev)
    if slide.page != page or (not view and slide.params):
        go(slide, number, page, ev)
    adopt(view, ev)
    urlstate.keep("step", str(number))


def leave(ev: Evidence) -> None:
    """Exit presenter mode and the lesson: drop their parameters and rerun the whole app."""
    for name in ("present", "qr"):
        urlstate.keep(name, False)
    for name in ("lesson", "step"):
        st.session_state.get("_filters", {}).pop(name, None)
    for name in ("present", "qr", "lesson", "step"):
        urlstate.remove(name)
    st.session_state.pop(NOTES_KEY, None)
    st.session_state.pop(_AT, None)
    st.rerun(scope="app")


def start(value: str, ev: Evidence, present: bool = True) -> None:
    """Open a lesson (a file id or an encoded lesson) at its first step, in presenter mode or to follow along."""
    lesson, _ = open_lesson(value, ev)
    if lesson is None or not lesson.steps:
        return
    urlstate.keep("present", present)
    urlstate.keep("lesson", value)
    slides = lesson_slides(ev, lesson)
    go(slides[0], 1, "", ev)


# --- The bar ------------------------------------------------------------------------------------------

def _toggle_qr() -> None:
    urlstate.keep("qr", not urlstate.kept("qr", False))


def bar(page: str, ev: Evidence, condition: str, treatment_ids: list[str], present: bool) -> None:
    """The presenter's bar (and the lesson's, when following a lesson without presenter mode)."""
    st.session_state.pop(_SLIDE, None)
    value = lesson_value()
    lesson, notices = open_lesson(value, ev) if value else (None, [])
    notices = [_md(n) for n in notices]  # they quote what the link holds: escaped, never markdown
    if value and urlstate.parse("lesson", [value], ev)[1]:
        notices = [urlstate.notice("lesson", ev)]
    if lesson is not None and lesson.steps:
        urlstate.keep("lesson", value)
        urlstate._put("lesson", [value])
    else:
        lesson = None
        st.session_state.get("_filters", {}).pop("lesson", None)
        urlstate.remove("lesson")
    if not (present or lesson is not None):
        for note in notices:
            st.info(note, icon=":material/info:")
        return
    slides = deck(page, ev, condition, treatment_ids, lesson)
    raw_step = st.query_params.get("step") or (urlstate.kept("step") if lesson is not None else None) or "1"
    step, bad = urlstate.parse("step", [raw_step], ev)
    number = int(step)
    if bad or (slides and number > len(slides)):
        notices.append(urlstate.notice("step", ev))
        number = 1
    if slides:
        urlstate.keep("step", str(number))
        urlstate._put("step", [str(number)] if (number > 1 or lesson is not None) else [])
    else:
        urlstate.remove("step")
    slide = slides[number - 1] if slides else None
    if lesson is not None and st.session_state.get(_AT) != (value, str(number)):
        _arrive(slide, number, page, ev, value)
    if slide is not None and slide.page == page:
        st.session_state[_SLIDE] = slide
    with st.container(key="presenter_bar", horizontal=True, vertical_alignment="center", gap="small"):
        if slides:
            if st.button("Previous", icon=":material/arrow_back:", shortcut="Left", disabled=number == 1, key="prev_step",
                         help="The previous step (← key)"):
                go(slides[number - 2], number - 1, page, ev)
            if st.button("Next", icon=":material/arrow_forward:", shortcut="Right", disabled=number == len(slides),
                         key="next_step", help="The next step (→ key)"):
                go(slides[number], number + 1, page, ev)
            off = "" if slide.page == page else " (you are on another page)"
            st.markdown(f"**{number} of {len(slides)}** · {_md(slide.title)}{off}", width="stretch")
        elif lesson is None:
            st.markdown(f"**{_md(registry.page(page).nav)}**", width="stretch")
        if present and slide is not None and slide.note:
            st.toggle("Note", key=NOTES_KEY, help="Your speaker note for this step (shown only when switched on)")
        with st.popover("Pages", icon=":material/menu:", help="Go to another page, staying in presenter mode"):
            for spec in registry.pages():
                st.page_link(spec.file, label=spec.nav, icon=spec.icon)
        if present:
            shown = urlstate.kept("qr", False)
            st.button("Hide QR" if shown else "QR code", icon=":material/qr_code_2:", on_click=_toggle_qr,
                      key="toggle_qr", help="A QR code of this view for the room's phones (without the lesson controls)")
        label = "Exit presenter mode" if present else "Leave lesson"
        if st.button(label, icon=":material/close_fullscreen:", key="exit_present",
                     help="Back to the normal view of this page"):
            leave(ev)
    if present and slide is not None and slide.note and st.session_state.get(NOTES_KEY):
        st.caption(f"Speaker note: {_md(slide.note)}")
    for note in notices:
        st.info(note, icon=":material/info:")


def _md(text: str) -> str:
    from .cite import escape_md
    return escape_md(text)


# --- The lesson being built in the app (session only; its link carries it whole) ---------------------------
DRAFT = "_lesson_draft"
PAGE = "_current_page"  # the slug of the page this run draws (set by run_page)


def draft() -> lessons.Lesson:
    return st.session_state.get(DRAFT) or lessons.Lesson(title="My lesson", audience="residents", minutes=10)


def set_draft(lesson: lessons.Lesson) -> None:
    st.session_state[DRAFT] = lesson


def step_title(page: str, params: dict, ev: Evidence) -> str:
    """A first title for a view added to a lesson: the page and, where it has one, the condition."""
    title = registry.page(page).nav
    condition = params.get("condition", [None])[0]
    if condition and condition != views.ALL:
        short = dict(zip(ev.conditions["condition_id"], ev.conditions["short_name"])).get(condition, condition)
        title += f" · {short}"
    for name in ("claim", "cell", "source"):
        if params.get(name):
            title += f" · {params[name][0]}"
    return title[:lessons.TITLE_MAX]


def add_current_view(ev: Evidence) -> None:
    """'Add to lesson': append the view on screen (its page and declared parameters) as a step of the draft."""
    page = st.session_state.get(PAGE) or "overview"
    params = {k: list(v) for k, v in current_view(page, ev).items()}
    lesson = draft()
    step = lessons.Step(page=page, params=params, title=step_title(page, params, ev))
    set_draft(lessons.Lesson(lesson.title, lesson.audience, lesson.minutes, lesson.steps + (step,)))
    st.toast(f"Added to your lesson as step {len(lesson.steps) + 1}. Open Lessons to edit it and get its link.",
             icon=":material/playlist_add:")
