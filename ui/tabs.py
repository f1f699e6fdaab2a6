"""A chapter's tabs, of which only the open one runs (so a slider moves without redrawing every tab).

The open tab is remembered in the session (so a visit to another page does not close it) and is in
the URL through the page's ``ui.links.Link`` (so a reload or a copied link opens the same tab): add
``control(labels, key)`` to the page's link.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from ui import links


MEMORY_PREFIX = "tab_"


def remembered(key: str) -> str:
    """The session key that keeps the open tab of ``key`` while its page is not shown."""
    return f"{MEMORY_PREFIX}{key}"


def control(labels: Sequence[str], key: str) -> links.Control:
    """The URL parameter ``key`` for the tabs ``labels``: the open tab's label."""
    return links.Control(remembered(key), key, labels[0], options=tuple(labels))


def tabs(views: Sequence[tuple[str, Callable[[], None]]], key: str) -> None:
    """One tab per (label, draw) pair; only the open tab's ``draw`` runs.

    Streamlit forgets a widget's value once its page is left; the label kept under ``remembered(key)``
    (set from the URL by the page's link on entry) reopens that tab when the page comes back."""
    ss = st.session_state
    labels = [label for label, _ in views]
    memory = remembered(key)
    if key not in ss and ss.get(memory) in labels:
        ss[key] = ss[memory]
    made = st.tabs(labels, key=key, on_change="rerun")
    for tab, (label, draw) in zip(made, views):
        if tab.open:
            ss[memory] = label
            with tab:
                draw()
