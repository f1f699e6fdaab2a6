"""A whole-number box that says, in words, when a typed value is outside its range.

``st.number_input`` with ``min_value``/``max_value`` answers a typed 99 in a 1–32 box with a red outline
and silently keeps the old value. This box takes any whole number, puts an out-of-range one back at the
nearest limit and says so under the box, once.
"""

from __future__ import annotations

import streamlit as st


def _message_key(key: str) -> str:
    return f"{key}__range_note"


def _clamp(key: str, label: str, lo: int, hi: int) -> None:
    ss = st.session_state
    typed = ss[key]
    if typed is None:
        ss[key] = lo
        ss[_message_key(key)] = f"{label} needs a number from {lo} to {hi}: set to {lo}."
        return
    value = min(max(int(typed), lo), hi)
    if value != typed:
        word = "largest" if typed > hi else "smallest"
        ss[_message_key(key)] = f"{typed:g} is outside {lo}–{hi} for {label.lower()}: set to the {word}, {value}."
    ss[key] = value


def whole_number(label: str, lo: int, hi: int, *, key: str, container=None, **kwargs) -> int:
    """A number box for whole numbers ``lo`` … ``hi`` (its value in ``st.session_state[key]``)."""
    where = container if container is not None else st
    where.number_input(label, step=1, key=key, on_change=_clamp, args=(key, label, lo, hi),
                       help=f"A whole number from {lo} to {hi}.", **kwargs)
    note = st.session_state.pop(_message_key(key), None)
    if note:
        where.warning(note, icon=":material/straighten:")
    return st.session_state[key]
