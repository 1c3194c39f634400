"""One PDF for a whole lesson: per step its title, the chart or table of its view (with numbered references), the
speaker note (optional) and the link of the view; one reference list and a QR code of the lesson. Built with the
handout builder (``handout.build_lesson``) from the same view models the pages draw, without Streamlit."""
from __future__ import annotations

import pandas as pd

from . import claimcheck, figures, handout, headtohead, lessons, registry, urlstate, views
from .data import Evidence


def _value(step: lessons.Step, name: str, ev: Evidence):
    return urlstate.parse(name, step.params.get(name, []), ev)[0]


def _chart(ev: Evidence, view, link: str) -> handout.Part:
    fig = figures.framed(view, view.key, views.source_line(view.table), ev.as_of, link, False)
    return handout.chart_part(fig, view.table, view.summary)


def step_parts(ev: Evidence, step: lessons.Step, link: str) -> list[handout.Part]:
    """What the step's view shows, as handout parts."""
    condition = _value(step, "condition", ev)
    tids = tuple(_value(step, "treatments", ev))
    page = step.page
    if page == "overview":
        m = views.matrix(ev, condition, list(tids))
        group = _value(step, "group", ev)
        rows = m.display.index if group == views.ALL else m.display.index[m.display["Group"] == views.GROUP_LABELS.get(group, group)]
        parts = [handout.matrix_part(m, rows, heading=f"{views.condition_label(ev, condition)}: the headline of each cell")]
        cell = _value(step, "cell", ev)
        if cell:
            c = ev.cells[ev.cells["cell_id"] == cell].iloc[0]
            parts.append(handout.Part(heading="Open card", table=pd.DataFrame(
                {"Cell": [views.headline(c)], "What it says": [str(c["value"])], "Cell id": [cell]})))
        return parts
    if page == "onset":
        view = figures.onset(ev, ev.version, condition, tids, _value(step, "measure", ev) or views.ONSET_MEASURE_DEFAULT)
        return [_chart(ev, view, link), handout.Part(heading="Durability, relapse and maintenance", table=view.companion_table)]
    if page in ("setting", "cost"):
        view = getattr(figures, page)(ev, ev.version, tids)
        heading = "Coverage, regulatory status and availability" if page == "cost" else "Where, who, anaesthesia, monitoring and driving"
        return [_chart(ev, view, link), handout.Part(heading=heading, table=view.companion_table)]
    if page == "side-effects":
        return [_chart(ev, figures.side_effects(ev, ev.version, tids), link)]
    if page == "head-to-head":
        a, b = _value(step, "a", ev), _value(step, "b", ev)
        rows = headtohead.direct(ev, a, b, condition)
        if not len(rows):
            return [handout.Part(note="No direct comparison of these two treatments in the data for this condition.")]
        table = headtohead.table(ev, rows, a, b, with_condition=condition == views.ALL, condition=condition)
        return [handout.Part(heading="Direct comparisons", table=table), _chart(ev, headtohead.chart_view(ev, ev.version, a, b, condition), link)]
    if page == "claims":
        claim = _value(step, "claim", ev)
        if claim:
            c = ev.claims[ev.claims["claim_id"] == claim].iloc[0]
            return [handout.Part(heading="The claim and its verdict", table=pd.DataFrame({
                "Claim (paraphrased)": [c["claim"]], "Verdict": [claimcheck.verdict_label(c["verdict"])],
                "Why": [c["reason"]], "Claim id": [claim]}))]
        chart = _chart(ev, claimcheck.chart_view(ev, ev.version, condition), link)
        chart.table = None  # the chart of verdicts; the claims themselves are in the following steps or online
        return [chart]
    return [handout.Part(note=f"This step shows the {registry.page(page).nav} page; open its link for it.")]


def build(ev: Evidence, lesson: lessons.Lesson, lesson_link: str, page_size: str = "A4", notes: bool = True,
          large: bool = False) -> bytes:
    base = lesson_link.split("/", 3)
    origin = "/".join(base[:3]) if lesson_link.startswith("http") else ""
    steps = []
    for number, step in enumerate(lesson.steps, start=1):
        query = "&".join(f"{k}={v}" for k, values in step.params.items() for v in values)
        link = f"{origin}/{step.page}" + (f"?{query}" if query else "")
        steps.append(handout.LessonStep(f"Step {number}. {step.title}", link, step_parts(ev, step, link),
                                        step.note if notes else ""))
    about = f"For {lesson.audience} · about {lesson.minutes} minutes · {len(lesson.steps)} steps" if lesson.audience else ""
    return handout.build_lesson(ev, lesson.title, about, lesson_link, steps, page_size, large)
