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

