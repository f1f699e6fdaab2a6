"""Running a lecture: ``?lecture=NAME&step=K`` in the address, PageDown / PageUp (what a presenter clicker
sends) to move, the step's title and "k of n" small in a corner, and a presenter view
(``?lecture=NAME&presenter=1``) that follows the projected window.

Every step change starts in the browser, so the history guard (``ui.history``) knows the page the step is
on before the first address write: the corner bar (a small component, ``frontend/``) answers the keys and
its buttons, tells the guard the step's path, then asks the server for the step. The server puts the page's
controls to the step's settings (the rest to their defaults, as a fresh link does), runs the arrival
action through the page's own callbacks, and switches page when the step is on another one. So each step is
one history entry, and Back and Forward walk the steps. A change the server starts (Start, an upload) goes
through the browser too: the server hands the bar the step to go to, and the bar asks for it as a key does.

A step the address names that the session did not write (a link, a reload, Back or Forward) is arrived at
from the address: the step's settings, then the address's own on top (as the page was left).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from ui import history, links, present, state, tabs
from ui.frontend import font_file, served_directory
from ui.lecture import actions, builder, model, pages, share

PARAM, STEP_PARAM, PRESENTER_PARAM = "lecture", "step", "presenter"
AT = "lecture_at"              # {"name", "step" (0-based)} of the lecture this session is in, or None
WRITTEN = "lecture_written"    # (name, step 1-based) the address has, as the session last wrote or read it
BAR_KEY = "lecture_bar_keys"   # the corner bar's report: {"go", "lecture", "nonce"} or {"end": nonce}
HANDLED = "lecture_handled"    # the nonce of the last report acted on
ORDER = "lecture_order"       # {"go", "lecture", "nonce"}: a step change the server asks the browser to make
CHANNEL = "neuronlab-lecture"  # BroadcastChannel between the projected window and the presenter view
_nonce = itertools.count(1)

FRONTEND = Path(__file__).with_name("frontend")
_bar = components.declare_component("lecture_bar", path=str(served_directory(
    "neuronlab-lecture-", {"index.html": FRONTEND / "index.html", "lecture.js": FRONTEND / "lecture.js",
                           **font_file()})))

# The keys: in the app's own document (``st.html`` runs it there), once. It only counts PageDown / PageUp
# presses while a lecture's bar is on the page, also from inside the charts' frames, and hands them to the
# bar (which may be between two mounts when a step changes page).
KEYS = """
<style>
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > #neuron-lab-lecture-keys) { display: none; }
.st-key-lecture_bar { position: fixed; right: 0.8rem; bottom: 0.6rem; z-index: 999990;
                      width: min(34rem, calc(100vw - 1.6rem)); }
</style>
<script id="neuron-lab-lecture-keys">
(() => {
  if (window.__neuronLabLectureKeys) return;
  window.__neuronLabLectureKeys = true;
  window.__neuronLabLectureMoves = [];
  const bar = () => document.querySelector('.st-key-lecture_bar iframe');
  const typing = (t) => !!t && (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT'
      || (t.tagName === 'INPUT' && !['range', 'checkbox', 'radio', 'button', 'submit'].includes(t.type)));
  const onKey = (event) => {
    if ((event.key !== 'PageDown' && event.key !== 'PageUp') || !bar() || typing(event.target)) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    window.__neuronLabLectureMoves.push(event.key === 'PageDown' ? 1 : -1);
    window.dispatchEvent(new Event('neuronlab-lecture-move'));
  };
  const watch = (win) => {
    try {
      if (!win || win.__neuronLabKeysWatched) return;
      win.__neuronLabKeysWatched = true;
      win.addEventListener('keydown', onKey, true);
    } catch (error) { /* a frame of another origin */ }
  };
  let queued = false;
  const scan = () => {
    queued = false;
    for (const frame of document.querySelectorAll('iframe')) {
      if (!frame.__neuronLabKeysWatched) {
        frame.__neuronLabKeysWatched = true;
        frame.addEventListener('load', () => watch(frame.contentWindow));
      }
      watch(frame.contentWindow);
    }
  };
  watch(window);
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(scan); } })
    .observe(document.body, {childList: true, subtree: true});
  scan();
})();
</script>
"""

PRESENTER_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
.st-key-present_bar, [data-testid="stHeader"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1rem 1.5rem !important; }
</style>
"""


def lecture_named(name: str | None) -> model.Lecture | None:
    """The lecture ``name``: this session's own ("mine") or a file's; None if there is none."""
    if name == model.SESSION_NAME:
        return builder.session_lecture()
    try:
        return model.load(name) if name else None
    except model.LectureError:
        return None


def _url() -> tuple[str, int] | None:
    """(lecture, step 1-based) as the address has them, or None."""
    name = st.query_params.get(PARAM)
    if not name:
        return None
    try:
        step = int(st.query_params.get(STEP_PARAM, "1"))
    except ValueError:
        step = 1
    return name[:60], step


def drive(page) -> None:
    """Once per run, before the page: run the presenter view (and stop), or follow the lecture this
    session is in: the bar's requests, a step the address names, the address itself, the corner bar."""
    ss = st.session_state
    if st.query_params.get(PRESENTER_PARAM) == "1":
        _presenter()
        st.stop()
    here = _page_of(page)
    # Each change is marked done only once it is made (a step on another page: just before the switch), so
    # a run cut short by the next one (Streamlit stops a run when another is asked for) is redone, not lost.
    report = ss.get(BAR_KEY)
    if isinstance(report, dict) and report.get("nonce") and report["nonce"] != ss.get(HANDLED):
        if report.get("end"):
            ss[AT] = None
        elif isinstance(report.get("go"), int):
            if (ss.get(ORDER) or {}).get("nonce") == report["nonce"]:
                ss[ORDER] = None
            _go(str(report.get("lecture")), report["go"], here, done=(HANDLED, report["nonce"]))
        ss[HANDLED] = report["nonce"]
    else:
        url = _url()
        if url != ss.get(WRITTEN) and (ss.get(WRITTEN) is None or history.ready()):
            _arrive_from_url(url, here, first=WRITTEN not in ss)
            ss[WRITTEN] = url
    _write_url()
    builder.panel(start=start)
    share.button()
    _corner(here)


def _page_of(page) -> pages.PageRef | None:
    """The page ``st.navigation`` is about to run."""
    path = getattr(page, "url_path", None)
    name = path or pages.HOME
    return pages.page(name) if name in pages.names() else None


def start(name: str, step: int = 0) -> None:
    """Ask the browser to go to ``step`` of lecture ``name`` (a callback: Start, an upload)."""
    st.session_state[ORDER] = {"go": step, "lecture": name, "nonce": f"s{next(_nonce)}"}


def _go(name: str, k: int, here: pages.PageRef | None, done: tuple[str, str] | None = None) -> None:
    """Go to step ``k`` (0-based) of ``name``: the page's controls, the arrival action, the page. ``done``
    (key, value) is set in the session before a switch to another page (which ends this run)."""
    lecture = lecture_named(name)
    if lecture is None or not 0 <= k < len(lecture.steps):
        return
    step = lecture.steps[k]
    ref = pages.page(step.page)
    _apply(ref, step)
    actions.arrive(ref.name, step.action)
    st.session_state[AT] = {"name": name, "step": k}
    if here is None or ref.name != here.name:
        st.session_state[WRITTEN] = (name, k + 1)
        if done is not None:
            st.session_state[done[0]] = done[1]
        st.switch_page(ref.file, query_params={**_shared(), **step.query, PARAM: name, STEP_PARAM: str(k + 1)})


def _shared() -> dict[str, str]:
    return {"present": "1"} if present.is_on() else {}


def _apply(ref: pages.PageRef, step: model.Step, then_url: bool = False) -> None:
    """Every control of ``ref`` to the step's setting or its default, the page marked as entered (so the
    address it has now is not read as a link); with ``then_url`` the address's own settings on top."""
    ss = st.session_state
    state.init({**ref.link.defaults, **ref.defaults})
    state.reset(ref.link.defaults)
    query = step.query
    for control in ref.link.controls:
        if control.param in query:
            ss[control.key] = control.parse(query[control.param])
    ignored = []
    if then_url:  # as ``Link.enter``: what the page left behind wrote is not a link to this one
        left = ss.get(links.WRITTEN_KEY, {}) if ss.get(links.PAGE_KEY) != ref.link.page else {}
        ignored = ref.link.read(ss, skip={p for p, text in left.items() if st.query_params.get(p) == text})
    tab = ref.tab_control
    if tab is not None:  # the open tab's widget, if the page is on screen now
        ss[tab.key.removeprefix(tabs.MEMORY_PREFIX)] = ss[tab.key]
    ss[links.PAGE_KEY] = ref.link.page
    ss[links.IGNORED_KEY] = ignored
    ss.pop(links.WRITTEN_KEY, None)


def _arrive_from_url(url: tuple[str, int] | None, here: pages.PageRef | None, first: bool) -> None:
    """The address names a step this session did not write: a link, a reload, Back or Forward."""
    ss = st.session_state
    if url is None:
        ss[AT] = None
        return
    name, number = url
    lecture = lecture_named(name)
    if lecture is None:
        ss[AT] = None
        st.warning(f"There is no lecture called {links.plain(name, 40)} on this server (the lectures: "
                   f"{', '.join(model.names())}).", icon=":material/slideshow:")
        return
    k = min(max(number, 1), len(lecture.steps)) - 1
    step = lecture.steps[k]
    if here is not None and here.name == step.page:
        _apply(pages.page(step.page), step, then_url=True)
        actions.arrive(step.page, step.action)
        ss[AT] = {"name": name, "step": k}
    elif first:  # a link to a step that names another page: go there
        _go(name, k, here)
    else:  # Back or Forward to a page visited off the lecture's path: it stays as it was left
        ss[AT] = {"name": name, "step": k}


def _write_url() -> None:
    """The address says where the lecture is (one update; the page writes its own settings after)."""
    ss = st.session_state
    if not history.ready():
        return
    at = ss.get(AT)
    want = (at["name"], at["step"] + 1) if at else None
    params = st.query_params
    if want is None:
        if PARAM in params or STEP_PARAM in params:
            for param in (PARAM, STEP_PARAM):
                if param in params:
                    del params[param]
    elif _url() != want:
        params.update({PARAM: want[0], STEP_PARAM: str(want[1])})
    ss[WRITTEN] = want


def _steps_for(lecture: model.Lecture) -> list[dict]:
    return [{"title": s.title, "note": s.note, "path": pages.page(s.page).path,
             "page": pages.page(s.page).title} for s in lecture.steps]


def _corner(here: pages.PageRef | None) -> None:
    """The bar in the corner (and the keys) while in a lecture, or while the server has a step to go to."""
    ss = st.session_state
    order = ss.get(ORDER)
    at = ss.get(AT)
    name = order["lecture"] if order else (at["name"] if at else None)
    lecture = lecture_named(name)
    if lecture is None:
        ss[ORDER] = None
        return
    st.html(KEYS, unsafe_allow_javascript=True)
    with st.container(key="lecture_bar"):
        _bar(role="bar", lecture=lecture.name, title=lecture.title, steps=_steps_for(lecture),
             step=at["step"] if at and at["name"] == lecture.name else -1,
             order=order, here=here.path if here else "/", channel=CHANNEL, key=BAR_KEY, default=None)


def _presenter() -> None:
    """The speaker-note window: the step, its note and the next step, following the projected window."""
    st.html(PRESENTER_CSS)
    name = st.query_params.get(PARAM, "")
    lecture = lecture_named(name)
    try:
        step = int(st.query_params.get(STEP_PARAM, "1")) - 1
    except ValueError:
        step = 0
    with st.container(key="lecture_presenter"):
        _bar(role="presenter", lecture=name[:60], title=lecture.title if lecture else "",
             steps=_steps_for(lecture) if lecture else [], step=step, order=None, here="/", channel=CHANNEL,
             key="lecture_presenter_view", default=None)
