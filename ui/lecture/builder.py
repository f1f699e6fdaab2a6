"""Making a lecture: "Add this view to a lecture" on any page appends the page and its settings (its link)
to the lecture this session is building; the editor reorders, deletes and renames steps, takes the
speaker notes, downloads the TOML and runs an uploaded one (checked by ``model.parse``).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Callable

import streamlit as st

from ui import links, present
from ui.lecture import model, pages

DRAFT = "lecture_draft"        # {"title": str, "steps": [{"id": int, "step": model.Step}]}
UPLOAD_ROUND = "lecture_upload_round"
_ids = itertools.count(1)


def _draft() -> dict:
    if DRAFT not in st.session_state:
        st.session_state[DRAFT] = {"title": "My lecture", "steps": []}
    return st.session_state[DRAFT]


def session_lecture() -> model.Lecture | None:
    """The lecture built (or uploaded) in this session, if it has a step."""
    draft = st.session_state.get(DRAFT)
    if not draft or not draft["steps"]:
        return None
    return model.Lecture(model.SESSION_NAME, draft["title"], tuple(item["step"] for item in draft["steps"]))


def markdown_text(text: str) -> str:
    """``text`` with every Markdown character escaped, so a message quoting a file shows as typed."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>$~])", r"\\\1", text)


def _title_of(name: str) -> str:
    lecture = session_lecture() if name == model.SESSION_NAME else model.load(name)
    return f"{lecture.title} ({len(lecture.steps)} steps)" if lecture else name


def panel(start: Callable[[str], None]) -> None:
    """The "Lecture" menu beside the presentation switch: start a lecture, add this view, edit."""
    names = model.names() + ([model.SESSION_NAME] if session_lecture() else [])
    with present.bar().popover("Lecture", icon=":material/slideshow:",
                               help="Run a lecture with a presenter clicker (PageDown / PageUp), or build your own"):
        choice = st.selectbox("Lecture", names, format_func=_title_of, key="lecture_choice")
        st.button("Start the lecture", key="lecture_start", on_click=start, args=(choice,), type="primary",
                  icon=":material/play_circle:", width="stretch")
        st.caption("PageDown / PageUp (a presenter clicker): next / previous step. The bar in the corner opens "
                   "the speaker notes in a second window.")
        st.button("Add this view to a lecture", key="lecture_add", on_click=add_view, icon=":material/add:",
                  width="stretch", help="This page with its settings and open tab becomes the next step of "
                  "the lecture you are building")
        steps = len(_draft()["steps"])
        if st.button(f"My lecture: {steps} step{'s' if steps != 1 else ''}, edit, download, upload",
                     key="lecture_edit", icon=":material/edit_note:", width="stretch"):
            editor(start)


def add_view() -> None:
    """The page shown now, with the settings its link last wrote, as the draft's next step."""
    ss = st.session_state
    name, written = ss.get(links.PAGE_KEY), ss.get(links.WRITTEN_KEY)
    draft = _draft()
    if not name or written is None:
        st.toast("Open a page first, then add it.", icon=":material/info:")
        return
    if len(draft["steps"]) >= model.MAX_STEPS:
        st.toast(f"A lecture has at most {model.MAX_STEPS} steps.", icon=":material/warning:")
        return
    ref = pages.page(name)
    tab = ref.tab_control
    title = ref.title + (f": {written[tab.param]}" if tab is not None and tab.param in written else "")
    draft["steps"].append({"id": next(_ids), "step": model.step_from_link(name, written, title[:model.MAX_TITLE])})
    st.toast(f"Step {len(draft['steps'])} added: {title}", icon=":material/add:")


def _index(step_id: int) -> int:
    return next(i for i, item in enumerate(_draft()["steps"]) if item["id"] == step_id)


def _edit(step_id: int, field: str) -> None:
    item = _draft()["steps"][_index(step_id)]
    text = st.session_state[f"lecture_{field}_{step_id}"]
    if field == "title":
        text = text.strip()[:model.MAX_TITLE] or pages.page(item["step"].page).title
    item["step"] = dataclasses.replace(item["step"], **{field: text[:model.MAX_NOTE]})


def _move(step_id: int, by: int) -> None:
    steps = _draft()["steps"]
    i = _index(step_id)
    j = min(max(i + by, 0), len(steps) - 1)
    steps[i], steps[j] = steps[j], steps[i]


def _delete(step_id: int) -> None:
    del _draft()["steps"][_index(step_id)]


def _retitle() -> None:
    _draft()["title"] = st.session_state["lecture_draft_title"].strip()[:model.MAX_TITLE] or "My lecture"


def load_draft(lecture: model.Lecture) -> None:
    """Make ``lecture`` the one this session builds (an upload)."""
    st.session_state[DRAFT] = {"title": lecture.title,
                               "steps": [{"id": next(_ids), "step": step} for step in lecture.steps]}
    st.session_state.pop("lecture_draft_title", None)


def _summary(step: model.Step) -> str:
    parts = [f"{k}={v}" for k, v in step.settings]
    return (f"{pages.page(step.page).title}" + (f" · tab {step.tab}" if step.tab else "")
            + (f" · on arrival: {step.action}" if step.action else "")
            + (f" · {', '.join(parts)}" if parts else " · default settings"))


@st.dialog("My lecture", width="large")
def editor(start: Callable[[str], None]) -> None:
    """Rename, reorder, delete steps and write their notes; download, upload and run."""
    ss = st.session_state
    draft = _draft()
    st.text_input("Title of the lecture", value=draft["title"], key="lecture_draft_title", on_change=_retitle,
                  max_chars=model.MAX_TITLE)
    if not draft["steps"]:
        st.info("No steps yet. Close this, set a page up as you want to show it, and press **Add this view to "
                "a lecture** (in the Lecture menu). Or upload a lecture file below.", icon=":material/info:")
    for k, item in enumerate(draft["steps"]):
        sid, step = item["id"], item["step"]
        with st.container(border=True, key=f"lecture_step_box_{sid}"):
            title, buttons = st.columns([5, 2], vertical_alignment="bottom")
            title.text_input(f"Step {k + 1}: title", value=step.title, key=f"lecture_title_{sid}",
                             on_change=_edit, args=(sid, "title"), max_chars=model.MAX_TITLE)
            with buttons.container(horizontal=True, gap="small"):
                st.button("Up", key=f"lecture_up_{sid}", on_click=_move, args=(sid, -1), disabled=k == 0,
                          icon=":material/arrow_upward:", help=f"Move step {k + 1} up")
                st.button("Down", key=f"lecture_down_{sid}", on_click=_move, args=(sid, 1),
                          disabled=k == len(draft["steps"]) - 1, icon=":material/arrow_downward:",
                          help=f"Move step {k + 1} down")
                st.button("Delete", key=f"lecture_delete_{sid}", on_click=_delete, args=(sid,),
                          icon=":material/delete:", help=f"Delete step {k + 1}")
            st.caption(markdown_text(_summary(step)))
            st.text_area(f"Step {k + 1}: speaker note (plain text)", value=step.note, key=f"lecture_note_{sid}",
                         on_change=_edit, args=(sid, "note"), max_chars=model.MAX_NOTE, height=80)
    lecture = session_lecture()
    left, right = st.columns(2)
    if lecture is not None:
        left.download_button("Download the lecture (.toml)", model.to_toml(lecture), key="lecture_download",
                             file_name="lecture.toml", mime="application/toml", icon=":material/download:",
                             on_click="ignore", width="stretch")
        if right.button("Run this lecture", key="lecture_run", type="primary", icon=":material/play_circle:",
                        width="stretch"):
            start(model.SESSION_NAME)
            st.rerun()
    round_ = ss.get(UPLOAD_ROUND, 0)
    upload = st.file_uploader("Upload a lecture (.toml) and run it", type=["toml"], key=f"lecture_upload_{round_}",
                              help="A lecture file downloaded here or written by hand (docs/lectures.md)")
    if upload is not None:
        try:
            uploaded = model.parse(upload.getvalue())
        except model.LectureError as exc:
            st.error(f"Could not run {links.plain(upload.name, 60)}: {markdown_text(str(exc))}",
                     icon=":material/error:")
            return
        load_draft(uploaded)
        ss[UPLOAD_ROUND] = round_ + 1
        start(model.SESSION_NAME)
        st.rerun()
