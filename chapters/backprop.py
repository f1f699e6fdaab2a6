"""3 · Backpropagation: the computation graph step by step, and vectorization."""

import streamlit as st

from ui import state, tabs
from ui.backprop import steps, vectorize
from ui.neuron import controls

DEFAULTS = {"w_bp_label": 1, "w_bp_alpha": 1.0, "w_bp_batch_m": 4,
            "w_bp_warm_a": 5.0, "w_bp_warm_b": 3.0, "w_bp_warm_c": 2.0, "w_bp_vec_network": "one neuron, [3, 1]"}

state.init(DEFAULTS)

st.title("3 · Backpropagation")
st.markdown(r"**Forward**, the neuron computes $z = w \cdot x + b$, $\hat y = \sigma(z)$ and the loss "
            r"$\mathcal{L}(\hat y, y)$. **Backward**, the chain rule runs the same graph in reverse: "
            r"$\frac{\partial \mathcal{L}}{\partial z} = \hat y - y$, "
            r"$\frac{\partial \mathcal{L}}{\partial w_j} = (\hat y - y)\, x_j$, "
            r"$\frac{\partial \mathcal{L}}{\partial b} = \hat y - y$. Then one gradient-descent step. "
            "Vectorized, the same runs for all m examples at once.")
x, w, b, _, _ = controls.current()
tabs.tabs([("Forward & backward", lambda: steps.render(x, w, b)), ("Vectorization", vectorize.render)],
          key="bp_tab")
