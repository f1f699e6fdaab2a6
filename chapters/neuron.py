"""1 · The neuron: z = w·x + b, activations, forward/backward on the graph, inside a network, vectorization."""

import numpy as np
import streamlit as st

from lessons.graph import single_neuron
from ui import state, style
from ui.neuron import activations as neuron_activations
from ui.backprop import steps as neuron_backprop
from ui.playground import inside as neuron_inside
from ui.backprop import vectorize as neuron_vectorize
from ui.neuron.drawing import neuron_figure

DEFAULTS = {
    "w_neuron_x1": 1.0, "w_neuron_x2": 0.5, "w_neuron_x3": -1.0,
    "w_neuron_w1": 0.8, "w_neuron_w2": -0.5, "w_neuron_w3": 1.2, "w_neuron_b": 0.2,
    "w_neuron_label": 1, "w_neuron_alpha": 1.0, "w_neuron_batch_m": 4,
    "w_neuron_warm_a": 5.0, "w_neuron_warm_b": 3.0, "w_neuron_warm_c": 2.0,
    "w_neuron_linear_seed": 1,
    "w_neuron_net_activation": "sigmoid", "w_neuron_net_depth": 6, "w_neuron_net_data": "circles",
    "w_neuron_net_when": "after training", "w_neuron_vec_network": "one neuron, [3, 1]",
}
LIMIT = 3.0
# persist_state (Streamlit 1.67) keeps a keyed widget's value while it is not drawn: a closed tab, another page.
KEEP = {"persist_state": "session"}

state.init(DEFAULTS)
st.title("1 · The neuron")
st.markdown("A neuron weighs its inputs, adds a bias and squashes the sum: **z = w·x + b**, **a = σ(z)**. "
            "Use the tabs to go from one neuron to what happens inside a whole network.")
# Only the open tab runs (on_change="rerun"), so a slider moves without redrawing every tab.
tab_neuron, tab_act, tab_graph, tab_inside, tab_vec = st.tabs(
    ["A single neuron", "Activations", "Forward & backward", "Inside a network", "Vectorization"],
    key="neuron_tab", on_change="rerun")
# x, w, b feed three tabs, so they are read from session state (a slider's value is there before the
# run starts, and w_ keys outlive the slider while its tab is closed).
x = [st.session_state[f"w_neuron_x{k}"] for k in (1, 2, 3)]
w = [st.session_state[f"w_neuron_w{k}"] for k in (1, 2, 3)]
b = st.session_state["w_neuron_b"]
(Z, A), = single_neuron(w, b).layer_outputs(np.reshape(x, (1, -1)))
z, a = float(Z[0, 0]), float(A[0, 0])

if tab_neuron.open:
    with tab_neuron:
        left, right = st.columns([1, 1.9])
        with left:
            cx, cw = st.columns(2)
            for k in (1, 2, 3):
                cx.slider(f"input x{k}", -LIMIT, LIMIT, step=0.1, key=f"w_neuron_x{k}", **KEEP)
                cw.slider(f"weight w{k}", -LIMIT, LIMIT, step=0.1, key=f"w_neuron_w{k}", **KEEP)
            st.slider("bias b", -LIMIT, LIMIT, step=0.1, key="w_neuron_b", **KEEP)
        with right:
            m1, m2, m3 = st.columns(3)
            m1.metric("z = w·x + b", f"{z:.3f}")
            m2.metric("a = σ(z)", f"{a:.3f}")
            m3.metric("class (threshold 0.5)", "dog (1)" if a >= 0.5 else "cat (0)")
            terms = " + ".join(f"({wk:g})·({xk:g})" for wk, xk in zip(w, x))
            st.markdown(f"z = {terms} + ({b:g}) = **{z:.3f}**, &nbsp; σ(z) = 1 / (1 + e^(−z)) = **{a:.3f}**")
            st.plotly_chart(neuron_figure(x, w, b, z, a, w_max=LIMIT), config=style.CHART_CONFIG,
                            key="neuron_drawing_chart")
            st.caption("Edge thickness ∝ |weight|; blue edges (w > 0) push towards dog, orange (w < 0) "
                       "towards cat.")
if tab_act.open:
    with tab_act:
        neuron_activations.render(z)
if tab_graph.open:
    with tab_graph:
        neuron_backprop.render(x, w, b)
if tab_inside.open:
    with tab_inside:
        neuron_inside.render()
if tab_vec.open:
    with tab_vec:
        neuron_vectorize.render()
