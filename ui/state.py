"""Session-state defaults: each page declares its own in one dict and calls ``init`` once."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st


def init(defaults: Mapping[str, Any]) -> None:
    """Set every key in ``defaults`` that the session does not have yet (never overwrites)."""
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = value() if callable(value) else value


def reset(defaults: Mapping[str, Any]) -> None:
    """Put every key in ``defaults`` back to its default (for a page's Reset button)."""
    for key, value in defaults.items():
        st.session_state[key] = value() if callable(value) else value


# Widgets whose value must survive a visit to another page use keys starting with this prefix,
# e.g. "w_gd_learning_rate". Buttons and file uploaders must not (their values cannot be set).
PERSIST_PREFIX = "w_"


def keep_widget_values() -> None:
    """Stop Streamlit from dropping the values of widgets on pages that are not being shown.

    Streamlit deletes a widget's state when a run does not draw it; re-assigning the value
    each run (in app.py, before the page runs) detaches it from that clean-up.
    """
    for key in list(st.session_state.keys()):
        if isinstance(key, str) and key.startswith(PERSIST_PREFIX):
            st.session_state[key] = st.session_state[key]
