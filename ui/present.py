"""Presentation mode: one switch on every page (and ``?present=1`` in a link) for the back of a hall.

It hides the sidebar, sets body text to 22 px and widgets to 20 px, and makes every chart styled by
``ui.style.styled`` use larger, dark type and thicker lines. The switch lives in the session, so it
survives moving between pages; the URL carries it too, so a shared link opens in the same mode.
"""

from __future__ import annotations

import contextvars

import streamlit as st

from ui import history

KEY = "present"
PARAM = "present"
# Where this run's switch sits (the sidebar, or the top-right bar in presentation mode), so the page can
# put its own "Reset this page" beside it (ui.chapter). One value per script run: each session's runs
# have their own thread, so their own context.
BAR: contextvars.ContextVar = contextvars.ContextVar("neuron_lab_bar")

# Every page: less empty space above the title, so the lesson starts higher on the first screen.
BASE_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 2.2rem !important; }
</style>
"""

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"] {
  display: none !important;
}
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 1.2rem 1.5rem 2rem 1.5rem !important; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li,
[data-testid="stCaptionContainer"], [data-testid="stAlertContentInfo"] p { font-size: 22px !important; }
[data-testid="stWidgetLabel"] p, [data-testid="stMetricLabel"] p, button p { font-size: 20px !important; }
[data-testid="stMetricValue"] { font-size: 2.4rem !important; }
h1 { font-size: 2.6rem !important; }
h2, h3 { font-size: 2rem !important; }
/* The switch and "Reset this page" float at the top right, beside the title, not on a row of their own. */
.st-key-present_bar { position: absolute; top: 0.2rem; right: 1.5rem; z-index: 10; }
/* The larger slider value sits clear of the thumb. */
[data-testid="stSliderThumbValue"] { transform: translateY(-8px); }
</style>
"""


def is_on() -> bool:
    """Whether this session is in presentation mode (False outside a script run)."""
    try:
        return bool(st.session_state.get(KEY, False))
    except Exception:  # noqa: BLE001 - no script run context (a test building a figure directly)
        return False


def bar():
    """The container the switch sits in (the sidebar, or the top-right bar in presentation mode)."""
    return BAR.get(st.sidebar)


def switch() -> None:
    """The switch, top right of every page; call once per run, before the page's own content."""
    if KEY not in st.session_state:
        st.session_state[KEY] = st.query_params.get(PARAM) == "1"
    # Off: in the sidebar, where it costs the page no height. On: top right, since the sidebar is hidden.
    where = (st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center",
                          width="content", key="present_bar")
             if st.session_state[KEY] else st.sidebar)
    BAR.set(where)
    with where:
        # persist_state: Streamlit gives a widget a different id on each page, so without it a page switch
        # can drop the value.
        st.toggle("Presentation mode", key=KEY, persist_state="session",
                  help="Large type, no sidebar: for a projector. A link with ?present=1 opens in this mode.")
    st.html(BASE_CSS)
    if st.session_state[KEY]:
        if st.query_params.get(PARAM) != "1" and history.ready():
            st.query_params[PARAM] = "1"
        st.html(CSS)
    elif PARAM in st.query_params and history.ready():
        del st.query_params[PARAM]
