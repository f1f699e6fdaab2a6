"""What every page does around its own content: session defaults, the link (``ui.links``), the title
with a "Reset this page" button (in the sidebar), and the URL written back at the end of the run.

    LINK = links.Link("neuron", (...controls...))
    chapter.begin("1 · The neuron and the sigmoid", LINK, DEFAULTS)
    ...the page...
    chapter.end(LINK)
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import history, links, present, state, tabs


# The page runs in progress on this server (session id → start), so that timer-driven fragment runs can let
# a student's click or page visit go first (``ui/playground/views.py``). A run cut short (a rerun, a closed
# tab) never reaches ``end``: its entry counts for PAGE_RUN_STALE_S at most.
PAGE_RUN_STALE_S = 3.0
_page_runs: dict[str, float] = {}
_page_runs_changed = threading.Condition()


def _mark_page_run(running: bool) -> None:
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    with _page_runs_changed:
        now = time.monotonic()
        for stale in [s for s, start in _page_runs.items() if now - start > PAGE_RUN_STALE_S]:
            del _page_runs[stale]
        if running:
            _page_runs[ctx.session_id] = now
        elif _page_runs.pop(ctx.session_id, None) is not None:
            _page_runs_changed.notify_all()


def _others_running(session_id: str | None) -> int:
    now = time.monotonic()
    return sum(1 for s, start in _page_runs.items() if s != session_id and now - start < PAGE_RUN_STALE_S)


def page_runs_elsewhere(session_id: str | None, wait: float = 0.0) -> int:
    """How many other sessions are running a page now, after waiting up to ``wait`` seconds for one to end."""
    with _page_runs_changed:
        if wait > 0 and _others_running(session_id):
            _page_runs_changed.wait(wait)
        return _others_running(session_id)


# A browser whose server went away (a replica of a class deployment died, or the server was restarted)
# reconnects to a new session on its own and reruns the page it shows, with the values its widgets had and
# the page's address. The new session's first run then already carries the history guard's report, which a
# fresh visit sends only in a later run, once the guard is in place (``ui.history``): so a report that the
# guard has not yet seen in an earlier run of this session (``history.READY_KEY`` unset) means the page
# outlived its server, and it says so.
RESTART_NOTE = ("**The server restarted:** your settings are back; a model trained or a photo uploaded before is "
                "lost, so press ▶ Play (or Start training) to train again.")


def _restart_note(page: str) -> None:
    ss = st.session_state
    if "chapter_seen" not in ss:   # this session's first page run
        ss["chapter_seen"] = True
        if ss.get(history.REPORT_KEY) is True and not ss.get(history.READY_KEY):
            ss["chapter_restarted_on"] = page
    if ss.get("chapter_restarted_on") == page:
        st.warning(RESTART_NOTE, icon=":material/restart_alt:")
    else:
        ss.pop("chapter_restarted_on", None)   # said once, on the page the student was on


def _reset(defaults: Mapping[str, Any], also: Callable[[], None] | None) -> None:
    """Every control and result of the page back to its start (other pages keep theirs); the open tab
    stays, since it is where the lecturer is, not a setting."""
    state.reset(defaults)
    if also is not None:
        also()


def begin(title: str, link: links.Link, defaults: Mapping[str, Any] | None = None, *,
          keep: tuple[str, ...] = (), on_reset: Callable[[], None] | None = None) -> None:
    """Set the page's defaults (its controls' and ``defaults``), read the link if the page has just been
    entered, draw the title with "Reset this page", and say which of the link's values were ignored.

    "Reset this page" sets every default again except the open tab and the keys in ``keep``, then
    calls ``on_reset``."""
    _mark_page_run(True)
    page_defaults = {**link.defaults, **(defaults or {})}
    state.init(page_defaults)
    everything = {key: value for key, value in page_defaults.items()
                  if key not in keep and not key.startswith(tabs.MEMORY_PREFIX)}
    ignored = link.enter(st.session_state)
    # Beside the presentation switch: in the sidebar, or at the top right in presentation mode (no sidebar).
    present.bar().button("Reset this page", key=f"reset_{link.page}", on_click=_reset,
                         args=(everything, on_reset), icon=":material/restart_alt:",
                         help="Every control and result on this page back to its start. Other pages keep theirs.")
    st.title(title)
    _restart_note(link.page)
    link.warn(ignored)


def end(link: links.Link) -> None:
    """Write every control's current value to the URL (one update; the history entry is replaced)."""
    link.write(st.session_state)
    _mark_page_run(False)
