"""Lessons: an ordered set of views with a title and a speaker note each, to run a teaching session.

A lesson lives in ``data/lessons/<id>.toml`` (read with ``tomllib``)::

    title = "Rapid-acting options in treatment-resistant depression"
    audience = "residents"
    minutes = 20

    [[steps]]
    title = "The overview for TRD"
    page = "overview"                 # a page slug from evidash/pages.toml
    note = "At most 280 characters, for the presenter only."
    [steps.params]                    # the view's URL parameters (declared in evidash/urlstate.py)
    condition = "trd"
    treatments = ["ketamine_iv", "ect"]

A lesson made in the app travels whole in its link (``encode``/``decode``: ``v1.`` + base64url of the
zlib-compressed JSON), so it needs no server storage. The rules (``RULES``) are checked by
``python -m evidash validate`` for the files, and on every lesson opened from a link or an upload: a step that
no longer fits the data is left out with a notice, never an exception.
"""
from __future__ import annotations

import base64
import json
import tomllib
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from . import registry
from .problems import Problem
from .urlstate import LESSON_FOLDER as FOLDER
from .urlstate import LESSON_MAX as TOKEN_MAX
from .urlstate import LESSON_VERSION as VERSION
from .urlstate import PARAMS, lesson_ids as ids, looks_encoded, parse
from .text import count

NOTE_MAX = 280
TITLE_MAX = 80
MINUTES_MAX = 240
STEPS_MAX = 40
JSON_MAX = 64_000  # bytes of a decoded lesson (a zlib bomb stops here)
FIELDS = {"title", "audience", "minutes", "steps"}
STEP_FIELDS = {"title", "page", "params", "note"}

# Every rule a lesson must keep, by name (tests/test_rules.py breaks each one).
RULES = {
    "toml_readable": "the file is not valid TOML: {error}",
    "field_known": "unknown field {name!r} (a lesson has {allowed})",
    "title_required": "a lesson needs a title (at most {max} characters)",
    "audience_required": "a lesson needs an audience, e.g. 'residents' or 'patients and families'",
    "minutes_in_range": "minutes must be a whole number from 1 to {max} (the estimated length)",
    "steps_required": "a lesson needs between 1 and {max} steps ([[steps]])",
    "step_field_known": "unknown field {name!r} in a step (a step has {allowed})",
    "step_title_required": "a step needs a title (at most {max} characters)",
    "step_page_known": "unknown page {page!r} (one of {pages})",
    "step_param_read": "the page {page!r} does not read the URL parameter {name!r} (it reads {allowed})",
    "step_param_value": "{value!r} is not an allowed value of {name!r}",
    "note_length": "a speaker note is at most {max} characters (this one has {n})",
}


@dataclass(frozen=True)
class Step:
    page: str
    params: dict = field(default_factory=dict)  # name -> list of values
    title: str = ""
    note: str = ""


@dataclass(frozen=True)
class Lesson:
    title: str
    audience: str = ""
    minutes: int = 0
    steps: tuple[Step, ...] = ()
    id: str = ""  # the file's id; "" for a lesson carried in a link


def _problem(file: str, step: int | None, column: str | None, rule: str, **values) -> Problem:
    return Problem(file, step, column, RULES[rule].format(**values))


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _values(value) -> list[str] | None:
    """A parameter's values as the URL holds them (a string or a list of strings), else None."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def page_params(page: str) -> tuple[str, ...]:
    """The URL parameters a lesson step on ``page`` may set: those the page reads, without the presenter's."""
    return tuple(n for n in registry.page(page).params if n in PARAMS and not PARAMS[n].presenter)


def check(raw: dict, file: str, ev) -> list[Problem]:
    """Every problem of one lesson (as read from TOML or a link), named by file, step (as the row) and field."""
    out = []
    for name in sorted(set(raw) - FIELDS):
        out.append(_problem(file, None, name, "field_known", name=name, allowed=", ".join(sorted(FIELDS))))
    title = _text(raw.get("title"))
    if not title or len(title) > TITLE_MAX:
        out.append(_problem(file, None, "title", "title_required", max=TITLE_MAX))
    if not _text(raw.get("audience")):
        out.append(_problem(file, None, "audience", "audience_required"))
    minutes = raw.get("minutes")
    if not (isinstance(minutes, int) and not isinstance(minutes, bool) and 1 <= minutes <= MINUTES_MAX):
        out.append(_problem(file, None, "minutes", "minutes_in_range", max=MINUTES_MAX))
    steps = raw.get("steps")
    if not isinstance(steps, list) or not 1 <= len(steps) <= STEPS_MAX:
        out.append(_problem(file, None, "steps", "steps_required", max=STEPS_MAX))
        steps = steps if isinstance(steps, list) else []
    slugs = [p.slug for p in registry.pages()]
    for number, step in enumerate(steps[:STEPS_MAX], start=1):
        if not isinstance(step, dict):
            out.append(_problem(file, number, "page", "step_page_known", page=str(step)[:40], pages=", ".join(slugs)))
            continue
        for name in sorted(set(step) - STEP_FIELDS):
            out.append(_problem(file, number, name, "step_field_known", name=name, allowed=", ".join(sorted(STEP_FIELDS))))
        step_title = _text(step.get("title"))
        if not step_title or len(step_title) > TITLE_MAX:
            out.append(_problem(file, number, "title", "step_title_required", max=TITLE_MAX))
        note = step.get("note", "")
        if not isinstance(note, str) or len(note.strip()) > NOTE_MAX:
            out.append(_problem(file, number, "note", "note_length", max=NOTE_MAX, n=len(note) if isinstance(note, str) else 0))
        page = step.get("page")
        if page not in slugs:
            out.append(_problem(file, number, "page", "step_page_known", page=str(page), pages=", ".join(slugs)))
            continue
        params = step.get("params", {})
        params = params if isinstance(params, dict) else {"params": params}
        readable = page_params(page)
        for name, value in params.items():
            if name not in readable:
                out.append(_problem(file, number, f"params.{name}", "step_param_read", page=page, name=name,
                                    allowed=", ".join(readable) or "none"))
                continue
            values = _values(value)
            bad = values is None or not values or parse(name, values, ev)[1]
            if bad:
                out.append(_problem(file, number, f"params.{name}", "step_param_value", value=value, name=name))
    return out


def build(raw: dict, file: str, ev, lesson_id: str = "") -> tuple[Lesson, list[Problem]]:
    """The lesson with the steps that work (a step with a problem is left out), and its problems."""
    problems = check(raw, file, ev)
    broken = {p.row for p in problems if p.row is not None and p.column != "note"}
    steps = []
    for number, step in enumerate(raw.get("steps") if isinstance(raw.get("steps"), list) else [], start=1):
        if number > STEPS_MAX or number in broken or not isinstance(step, dict):
            continue
        params = {name: _values(value) for name, value in step.get("params", {}).items()}
        note = _text(step.get("note"))
        steps.append(Step(page=step["page"], params=params, title=_text(step.get("title"))[:TITLE_MAX],
                          note=note[:NOTE_MAX]))
    minutes = raw.get("minutes") if isinstance(raw.get("minutes"), int) else 0
    lesson = Lesson(title=_text(raw.get("title"))[:TITLE_MAX] or "Lesson", audience=_text(raw.get("audience")),
                    minutes=minutes, steps=tuple(steps), id=lesson_id)
    return lesson, problems


def as_raw(lesson: Lesson) -> dict:
    """The lesson in the form its TOML file holds (single values unwrapped from their lists)."""
    steps = []
    for s in lesson.steps:
        step = {"title": s.title, "page": s.page}
        if s.params:
            step["params"] = {k: (v[0] if len(v) == 1 and k != "treatments" else list(v)) for k, v in s.params.items()}
        if s.note:
            step["note"] = s.note
        steps.append(step)
    return {"title": lesson.title, "audience": lesson.audience, "minutes": lesson.minutes, "steps": steps}


# --- Files ------------------------------------------------------------------------------------------

def folder(data_dir) -> Path:
    return Path(data_dir) / FOLDER


def read_file(path: Path) -> tuple[dict | None, list[Problem]]:
    name = f"{FOLDER}/{path.name}"
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh), []
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return None, [_problem(name, None, None, "toml_readable", error=str(exc))]


def load(lesson_id: str, ev) -> tuple[Lesson | None, list[Problem]]:
    path = folder(ev.data_dir) / f"{lesson_id}.toml"
    if lesson_id not in ids(ev.data_dir):
        return None, []
    raw, problems = read_file(path)
    if raw is None:
        return None, problems
    return build(raw, f"{FOLDER}/{path.name}", ev, lesson_id)


def check_folder(data_dir, ev) -> list[Problem]:
    """Every problem of every lesson file in ``data_dir/lessons`` (for ``python -m evidash validate``)."""
    out = []
    for path in sorted(folder(data_dir).glob("*.toml")):
        raw, problems = read_file(path)
        out += problems if raw is None else check(raw, f"{FOLDER}/{path.name}", ev)
    return out


def parse_toml(text: str, ev, file: str = "uploaded lesson") -> tuple[Lesson | None, list[Problem]]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return None, [_problem(file, None, None, "toml_readable", error=str(exc))]
    return build(raw, file, ev)


def _toml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def to_toml(lesson: Lesson) -> str:
    """The lesson as a file for data/lessons/ (read back by ``tomllib`` to the same lesson)."""
    raw = as_raw(lesson)
    lines = [f"title = {_toml_value(raw['title'])}", f"audience = {_toml_value(raw['audience'] or 'residents')}",
             f"minutes = {max(1, min(MINUTES_MAX, raw['minutes'] or 5 * max(1, len(raw['steps']))))}"]
    for step in raw["steps"]:
        lines += ["", "[[steps]]", f"title = {_toml_value(step['title'])}", f"page = {_toml_value(step['page'])}"]
        if step.get("note"):
            lines.append(f"note = {_toml_value(step['note'])}")
        if step.get("params"):
            lines.append("[steps.params]")
            lines += [f"{k} = {_toml_value(v)}" for k, v in step["params"].items()]
    return "\n".join(lines) + "\n"


# --- Links ------------------------------------------------------------------------------------------

def encode(lesson: Lesson) -> str:
    """The whole lesson as one URL-safe value: ``v1.`` + base64url(zlib(compact JSON)), no padding."""
    raw = as_raw(lesson)
    compact = {"t": raw["title"], "a": raw["audience"], "m": raw["minutes"],
               "s": [[s["page"], s.get("params", {}), s["title"], s.get("note", "")] for s in raw["steps"]]}
    data = zlib.compress(json.dumps(compact, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 9)
    return f"{VERSION}." + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def decode_raw(token: str) -> dict | None:
    """The lesson a link carries, in TOML form, or None when it cannot be read (any tampering ends here)."""
    if not looks_encoded(token):
        return None
    body = token[len(VERSION) + 1:]
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj()
        text = inflater.decompress(data, JSON_MAX)
        if inflater.unconsumed_tail:
            return None
        compact = json.loads(text.decode("utf-8"))
        steps = [{"page": s[0], "params": s[1], "title": s[2], "note": s[3]} for s in compact["s"]]
        return {"title": compact.get("t", ""), "audience": compact.get("a", ""), "minutes": compact.get("m", 0),
                "steps": steps}
    except Exception:  # noqa: BLE001 - a link is untrusted input: any failure means "cannot be read"
        return None


def open_value(value: str, ev) -> tuple[Lesson | None, list[str]]:
    """The lesson a ``?lesson=`` value names (a file id or an encoded lesson) and the notices for the viewer."""
    if not value:
        return None, []
    if looks_encoded(value):
        raw = decode_raw(value)
        if raw is None:
            return None, ["The lesson in the link could not be read (it may have been cut or changed), so no lesson is open."]
        lesson, problems = build(raw, "link", ev)
    else:
        lesson, problems = load(value, ev)
        if lesson is None:
            return None, ["The lesson in the link was not found, so no lesson is open."]
    return lesson, notices(lesson, problems)


def notices(lesson: Lesson, problems: list[Problem]) -> list[str]:
    """One plain notice for the viewer when steps were left out (the details name step and field)."""
    dropped = sorted({p.row for p in problems if p.row is not None and p.column != "note"})
    if not dropped:
        return []
    details = "; ".join(f"step {p.row}: {p.message}" for p in problems if p.row in dropped)[:400]
    if not lesson.steps:
        return [f"None of the lesson's steps fit the data any more ({details}), so no lesson is open."]
    return [f"{count(len(dropped), 'step')} of this lesson no longer fit the data and were left out ({details}). "
            f"The other {count(len(lesson.steps), 'step')} work."]
