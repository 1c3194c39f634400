"""Lessons: the ready-made lessons of data/lessons/ (present them, or follow along), and a builder for your own:
views added with "Add to lesson" (in Copy link on every page), titles and notes edited, steps reordered or removed,
one link that carries the whole lesson, the .toml file to download, and a lesson file to upload."""
import pandas as pd
import streamlit as st

from evidash import handout, lessonhandout, lessons, presenter, registry, urlstate
from evidash.cite import escape_md
from evidash.state import PageState, run_page

INTRO = ("A lesson is an ordered set of views with a title and a speaker note each. **Present** opens it in presenter "
         "mode: ← and → (or Previous and Next) move between steps across pages, with each step's filters. The speaker "
         "note is only shown when you switch it on. The audience's QR code and Copy link open the view alone.")


def lesson_link(lesson: lessons.Lesson, value: str, present: bool = False) -> str:
    first = lesson.steps[0].page if lesson.steps else "overview"
    return f"{urlstate.base_url()}/{first}?lesson={value}" + ("&present=1" if present else "")


def steps_text(lesson: lessons.Lesson) -> str:
    nav = {p.slug: p.nav for p in registry.pages()}
    return "\n".join(f"{i}. {escape_md(s.title)} *({escape_md(nav.get(s.page, s.page))})*" for i, s in enumerate(lesson.steps, 1))


def handout_popover(row, ev, lesson: lessons.Lesson, link: str, key: str) -> None:
    """'Lesson handout (PDF)': the whole lesson in one PDF, built only when the download is clicked."""
    box = row.popover("Lesson handout (PDF)", icon=":material/picture_as_pdf:", key=f"handout_{key}", on_change="rerun",
                      help="Each step's chart or table with its references, the speaker notes and a QR code of the lesson")
    if not box.open:
        return
    size = box.segmented_control("Page size", handout.PAGE_SIZES, default="A4", key=f"lesson_size_{key}") or "A4"
    large = box.checkbox("Large print (14 pt)", key=f"lesson_large_{key}")
    notes = box.checkbox("Speaker notes", value=True, key=f"lesson_notes_{key}")
    box.download_button(f"Download lesson handout ({size})", lambda: lessonhandout.build(ev, lesson, link, size, notes, large),
                        file_name=handout.file_name(lesson.title, size).replace("handout-", "lesson-"), mime="application/pdf",
                        key=f"lesson_pdf_{key}", icon=":material/download:", on_click="ignore", type="primary")
    box.caption("Building it draws every chart, so it takes a little while.")


def open_buttons(ev, lesson: lessons.Lesson, value: str, key: str) -> None:
    row = st.container(horizontal=True, gap="small")
    if row.button("Present", icon=":material/slideshow:", key=f"present_{key}", type="primary",
                  help="Open the first step in presenter mode"):
        presenter.start(value, ev, present=True)
    if row.button("Follow along", icon=":material/visibility:", key=f"follow_{key}", help="Step through it without presenter mode"):
        presenter.start(value, ev, present=False)
    handout_popover(row, ev, lesson, lesson_link(lesson, value), key)


def ready_made(ev) -> None:
    st.subheader("Ready-made lessons", anchor="ready-made")
    for lesson_id in urlstate.lesson_ids(ev.data_dir):
        lesson, problems = lessons.load(lesson_id, ev)
        if lesson is None or not lesson.steps:
            continue
        with st.container(border=True, key=f"lesson_{lesson_id}"):
            st.markdown(f"**{escape_md(lesson.title)}**  \nFor {escape_md(lesson.audience)} · about {lesson.minutes} minutes · "
                        f"{len(lesson.steps)} steps")
            with st.expander("Steps"):
                st.markdown(steps_text(lesson))
            open_buttons(ev, lesson, lesson_id, lesson_id)
            st.caption("Link for the room (follow along):")
            st.code(lesson_link(lesson, lesson_id), language=None, wrap_lines=True)
            if st.button("Copy into the builder", icon=":material/edit:", key=f"edit_{lesson_id}",
                         help="Start your own lesson from this one"):
                presenter.set_draft(lessons.Lesson(lesson.title, lesson.audience, lesson.minutes, lesson.steps))
                st.rerun()


def editor(lesson: lessons.Lesson) -> lessons.Lesson:
    """The steps in a table: order, title and note can be edited, a step can be removed."""
    nav = {p.slug: p.nav for p in registry.pages()}
    table = pd.DataFrame({
        "Order": range(1, len(lesson.steps) + 1),
        "Title": [s.title for s in lesson.steps],
        "View": [nav.get(s.page, s.page) + "".join(f" · {k}={','.join(v)}" for k, v in s.params.items()) for s in lesson.steps],
        "Note": [s.note for s in lesson.steps],
        "Remove": [False] * len(lesson.steps),
    })
    edited = st.data_editor(
        table, key=f"steps_{lessons.encode(lesson)[-24:]}", hide_index=True, width="stretch", num_rows="fixed",
        column_config={
            "Order": st.column_config.NumberColumn("Order", min_value=1, step=1, width="small", help="Type a number to move a step"),
            "Title": st.column_config.TextColumn("Step title", max_chars=lessons.TITLE_MAX, required=True),
            "View": st.column_config.TextColumn("View", disabled=True),
            "Note": st.column_config.TextColumn("Speaker note", max_chars=lessons.NOTE_MAX, width="large"),
            "Remove": st.column_config.CheckboxColumn("Remove", width="small"),
        })
    kept = edited[~edited["Remove"].astype(bool)].assign(_i=range(len(edited))[: len(edited[~edited["Remove"].astype(bool)])])
    order = sorted(((float(r.Order) if pd.notna(r.Order) else 1e9, i) for i, r in zip(kept.index, kept.itertuples())))
    steps = []
    for _, i in order:
        old = lesson.steps[i]
        title = str(edited.at[i, "Title"] or old.title).strip()[:lessons.TITLE_MAX] or old.title
        note = str(edited.at[i, "Note"] or "").strip()[:lessons.NOTE_MAX]
        steps.append(lessons.Step(old.page, old.params, title, note))
    return lessons.Lesson(lesson.title, lesson.audience, lesson.minutes, tuple(steps))


def builder(ev) -> None:
    st.subheader("Build your own lesson", anchor="builder")
    lesson = presenter.draft()
    cols = st.columns([3, 2, 1])
    title = cols[0].text_input("Lesson title", lesson.title, max_chars=lessons.TITLE_MAX, key="draft_title")
    audience = cols[1].text_input("Audience", lesson.audience, key="draft_audience")
    minutes = cols[2].number_input("Minutes", 1, lessons.MINUTES_MAX, max(1, lesson.minutes or 10), key="draft_minutes")
    lesson = lessons.Lesson(title.strip() or "My lesson", audience.strip(), int(minutes), lesson.steps)
    if not lesson.steps:
        st.info("No steps yet. On any page, open **Copy link** and choose **Add to lesson**: the view on screen, with its "
                "filters, becomes the next step.", icon=":material/playlist_add:")
    else:
        lesson = editor(lesson)
    presenter.set_draft(lesson)
    if lesson.steps:
        token = lessons.encode(lesson)
        st.markdown(f"**Your lesson: {len(lesson.steps)} step(s).** One link carries all of it (nothing is stored on the server):")
        st.code(lesson_link(lesson, token), language=None, wrap_lines=True)
        open_buttons(ev, lesson, token, "draft")
        row = st.container(horizontal=True, gap="small")
        row.download_button("Download lesson (.toml)", lessons.to_toml(lesson).encode("utf-8"), file_name="lesson.toml",
                            mime="application/toml", icon=":material/download:", key="draft_toml",
                            help="Put it in data/lessons/ to make it a ready-made lesson")
        if row.button("Start again", icon=":material/delete:", key="draft_clear"):
            presenter.set_draft(lessons.Lesson("My lesson", "residents", 10))
            st.rerun()
    upload(ev)


def upload(ev) -> None:
    file = st.file_uploader("Open a lesson file (.toml)", type=["toml"], key="lesson_upload")
    if file is None:
        return
    lesson, problems = lessons.parse_toml(file.getvalue().decode("utf-8", errors="replace"), ev, file=file.name)
    if problems:
        st.warning(f"{len(problems)} problem(s) in {escape_md(file.name)}; steps with a problem are left out.",
                   icon=":material/warning:")
        st.dataframe(pd.DataFrame([{"File": p.file, "Step": p.row, "Field": p.column, "Problem": p.message} for p in problems]),
                     hide_index=True, width="stretch")
    if lesson is not None and lesson.steps:
        st.success(f"{escape_md(lesson.title)}: {len(lesson.steps)} step(s) ready.", icon=":material/check:")
        if st.button("Open in the builder", key="upload_to_builder", icon=":material/edit:"):
            presenter.set_draft(lesson)
            st.rerun()


def body(state: PageState) -> None:
    st.markdown(INTRO)
    ready_made(state.evidence)
    builder(state.evidence)


run_page("lessons", body)
