"""Session-state defaults: each page declares its own in one dict, calls ``init`` once per run, and
``reset`` puts them back ("Reset this page")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st


def fresh(value: Any) -> Any:
    """A default as a session's own value: a callable's result, a list copied (one dict of defaults serves
    every session and every reset, so none may share a mutable list), anything else as it is."""
    if callable(value):
        return value()
    return list(value) if isinstance(value, list) else value


def init(defaults: Mapping[str, Any]) -> None:
    """Set every key in ``defaults`` that the session does not have yet (never overwrites)."""
    for key, value in defaults.items():
        if key not in st.session_state:
            st.session_state[key] = fresh(value)


def reset(defaults: Mapping[str, Any]) -> None:
    """Set every key in ``defaults`` back to its default."""
    for key, value in defaults.items():
        st.session_state[key] = fresh(value)

