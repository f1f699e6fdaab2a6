"""The single neuron's inputs, weights and bias: chapter 1 sets them, chapter 3 reuses them."""

from __future__ import annotations

import numpy as np
import streamlit as st

from lessons.graph import single_neuron
from ui import links, state

DEFAULTS = {
    "w_neuron_x1": 1.0, "w_neuron_x2": 0.5, "w_neuron_x3": -1.0,
    "w_neuron_w1": 0.8, "w_neuron_w2": -0.5, "w_neuron_w3": 1.2, "w_neuron_b": 0.2,
}
LIMIT = 3.0
# The neuron's URL parameters (x1=…&w1=…&b=…), shared by chapter 1 and chapter 3, which reuses the neuron.
CONTROLS = tuple(links.Control(key, key.removeprefix("w_neuron_"), default, bounds=(-LIMIT, LIMIT), step=0.1)
                 for key, default in DEFAULTS.items())
# persist_state (Streamlit 1.67) keeps a keyed widget's value while it is not drawn: a closed tab, another page.
KEEP = {"persist_state": "session"}


def current() -> tuple[list[float], list[float], float, float, float]:
    """(x, w, b, z, a) of the neuron as its sliders last set it (read from session state, so any
    tab or page can use them without drawing the sliders)."""
    state.init(DEFAULTS)
    x = [st.session_state[f"w_neuron_x{k}"] for k in (1, 2, 3)]
    w = [st.session_state[f"w_neuron_w{k}"] for k in (1, 2, 3)]
    b = st.session_state["w_neuron_b"]
    (Z, A), = single_neuron(w, b).layer_outputs(np.reshape(x, (1, -1)))
    return x, w, b, float(Z[0, 0]), float(A[0, 0])


def sliders() -> None:
    """x1..x3 and w1..w3 side by side, then b."""
    cx, cw = st.columns(2)
    for k in (1, 2, 3):
        cx.slider(f"input x{k}", -LIMIT, LIMIT, step=0.1, key=f"w_neuron_x{k}", **KEEP)
        cw.slider(f"weight w{k}", -LIMIT, LIMIT, step=0.1, key=f"w_neuron_w{k}", **KEEP)
    st.slider("bias b", -LIMIT, LIMIT, step=0.1, key="w_neuron_b", **KEEP)
