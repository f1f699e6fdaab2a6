"""3 · Backpropagation: the computation graph step by step, and vectorization."""

import streamlit as st

from ui import chapter, links, tabs
from ui.backprop import steps, vectorize
from ui.neuron import controls

TABS = ("Forward & backward", "Vectorization")
# This chapter's controls, and chapter 1's neuron, which it differentiates.
LINK = links.Link("backprop", (
    links.Control("w_bp_label", "y", 1, options=(1, 0)),
    links.Control("w_bp_alpha", "alpha", 1.0, options=tuple(steps.ALPHAS)),
    links.Control("w_bp_batch_m", "m", 4, bounds=(2, 10)),
    *(links.Control(f"w_bp_warm_{name}", name, default, bounds=(-1e6, 1e6))
      for name, default in (("a", 5.0), ("b", 3.0), ("c", 2.0))),
    links.Control("w_bp_vec_network", "network", "one neuron, [3, 1]", options=tuple(vectorize.NETWORKS)),
    *controls.CONTROLS,
    tabs.control(TABS, "bp_tab"),
))

chapter.begin("3 · Backpropagation", LINK)
st.markdown(r"**Forward**, the neuron computes $z = w \cdot x + b$, $\hat y = \sigma(z)$ and the loss "
            r"$\mathcal{L}(\hat y, y)$. **Backward**, the chain rule runs the same graph in reverse: "
            r"$\frac{\partial \mathcal{L}}{\partial z} = \hat y - y$, "
            r"$\frac{\partial \mathcal{L}}{\partial w_j} = (\hat y - y)\, x_j$, "
            r"$\frac{\partial \mathcal{L}}{\partial b} = \hat y - y$. Then one gradient-descent step. "
            "Vectorized, the same runs for all m examples at once.")
x, w, b, _, _ = controls.current()
tabs.tabs(list(zip(TABS, (lambda: steps.render(x, w, b), vectorize.render))), key="bp_tab")
chapter.end(LINK)
