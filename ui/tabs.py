"""A chapter's tabs, of which only the open one runs (so a slider moves without redrawing every tab)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st


def tabs(views: Sequence[tuple[str, Callable[[], None]]], key: str, in_url: bool = True) -> None:
    """One tab per (label, draw) pair; only the open tab's ``draw`` runs. With ``in_url`` the open tab
    is in the address bar (``?key=label``), so a link or a reload opens the same tab."""
    extra = {"bind": "query-params"} if in_url else {}
    made = st.tabs([label for label, _ in views], key=key, on_change="rerun", **extra)
    for tab, (_, draw) in zip(made, views):
        if tab.open:
            with tab:
                draw()
