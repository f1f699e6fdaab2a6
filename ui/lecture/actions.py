"""What a lecture step does on arrival, through each page's own callbacks and session state (never a
simulated click): press Play, take N steps, or jump to the end. A step without an action arrives paused at
the start, so every visit to a step shows the same thing.

An action is written ``"play"``, ``"end"`` or ``"step N"``; ``OFFERED`` says which pages take which, with
the largest N.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import streamlit as st

from ui.backprop import steps as bp_steps
from ui.gradient_descent import controls as gd
from ui.neuron import controls as neuron
from ui.playground import session as pg_session

# page: {action kind: the largest N for "step N" (None: the action takes no number)}
OFFERED: dict[str, dict[str, int | None]] = {
    "gradient-descent": {"play": None, "step": 500, "end": None},
    "playground": {"play": None, "step": 500},
    "backprop": {"step": 50},
}
STEP_BUDGET_S = 20.0  # "step N" on the playground trains N epochs at once, at most this long


@dataclass(frozen=True)
class Action:
    kind: str          # "play", "step", "end"
    n: int = 0         # for "step"

    def __str__(self) -> str:
        return f"step {self.n}" if self.kind == "step" else self.kind


def parse(text: str, page: str) -> Action:
    """The action ``text`` names on ``page``; ValueError with a sentence a lecturer can act on."""
    offered = OFFERED.get(page, {})
    words = "“" + "”, “".join(k if n is None else f"{k} N (1 to {n})" for k, n in offered.items()) + "”"
    match = re.fullmatch(r"\s*([a-z]+)(?:\s+(\d{1,6}))?\s*", text)
    kind = match.group(1) if match else None
    if kind not in offered:
        raise ValueError(f"the page {page} has no action “{text}”"
                         + (f" (it offers {words})" if offered else " (it offers none)"))
    if offered[kind] is None:
        if match.group(2):
            raise ValueError(f"the action “{kind}” takes no number")
        return Action(kind)
    if not match.group(2) or not 1 <= int(match.group(2)) <= offered[kind]:
        raise ValueError(f"“{text}”: write “{kind} N” with N from 1 to {offered[kind]}")
    return Action(kind, int(match.group(2)))


def arrive(page: str, action: Action | None) -> None:
    """Run ``action`` on ``page`` (its controls already set), or put the page's playback at its start."""
    handler = ARRIVE.get(page)
    if handler is not None:
        handler(action)


def _gradient_descent(action: Action | None) -> None:
    if action is None:
        gd.rewind()
    elif action.kind == "play":
        gd.play(from_start=True)
    elif action.kind == "end":
        gd.to_end()
    else:
        gd.rewind()
        st.session_state.gd_frame = action.n  # the player adopts it with the rewind's command


def _playground(action: Action | None) -> None:
    if action is None:
        pg_session.pause()
        return
    pg_session.reset()  # epoch 0 of the step's setup (its seed gives the same start every time)
    if action.kind == "play":
        pg_session.play()
    else:
        pg_session.advance(pg_session.current_run(), action.n, budget_s=STEP_BUDGET_S)


def _backprop(action: Action | None) -> None:
    x, w, b, _, _ = neuron.current()
    source = (tuple(x), tuple(w), b, st.session_state["w_bp_label"])
    bp_steps._reset(source)  # noqa: SLF001 - the page's own Reset, as its button calls it
    for _ in range(action.n if action is not None else 0):
        bp_steps._step(source, st.session_state["w_bp_alpha"])  # noqa: SLF001 - the page's own Step


ARRIVE = {"gradient-descent": _gradient_descent, "playground": _playground, "backprop": _backprop}
