"""The "Forward & backward" tab: one example's graph, a gradient-descent Step, gradcheck, m examples, warm-up."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine import gradcheck, optimizers, train_step
from lessons.graph import batch_graph, neuron_graph, single_neuron, toy_batch, warm_up

from ui import style
from ui.backprop.graph import fmt, fmt_vec, loss_steps_figure, neuron_graph_figure, warm_up_figure

STATE = "bp_gd"  # {"source": (x, w, b, y), "w": [...], "b": float, "losses": [...]}
ALPHAS = [0.01, 0.03, 0.1, 0.3, 1.0, 3.0]


def _start(source) -> dict:
    x, w, b, y = source
    net = single_neuron(w, b)
    return {"source": source, "w": list(w), "b": b, "losses": [neuron_graph(net, x, y).L]}


def _gd_state(source) -> dict:
    """The training state for this example, restarted when the example, label or start weights change."""
    if st.session_state.get(STATE, {}).get("source") != source:
        st.session_state[STATE] = _start(source)
    return st.session_state[STATE]


def _step(source, alpha: float) -> None:
    s = _gd_state(source)
    x, _, _, y = source
    net = single_neuron(s["w"], s["b"])
    train_step(net, np.reshape(x, (1, -1)), [y], optimizers.GradientDescent(alpha))
    s["w"], s["b"] = net.weights[0][0].tolist(), float(net.biases[0][0, 0])
    s["losses"].append(neuron_graph(net, x, y).L)


def _reset(source) -> None:
    st.session_state[STATE] = _start(source)


def render(x, w, b) -> None:
    """Draw the tab for the example x with the single-neuron tab's w, b as the starting point."""
    # Controls and numbers in a narrow column, the graph beside them: both on the first screen.
    controls, graph = st.columns([1, 2.6])
    with controls:
        y = st.radio("Label y of this example", [1, 0], key="w_bp_label", persist_state="session",
                     horizontal=True, format_func=lambda v: f"{v} · {'dog' if v else 'cat'}")
        alpha = st.select_slider("Learning rate α", options=ALPHAS, key="w_bp_alpha", persist_state="session")
        source = (tuple(x), tuple(w), b, y)
        s = _gd_state(source)
        with st.container(horizontal=True):
            st.button("Step", key="bp_step", on_click=_step, args=(source, alpha), type="primary",
                      help="w := w − α·dw,  b := b − α·db")
            st.button("Reset", key="bp_reset_gd", on_click=_reset, args=(source,))
        net = single_neuron(s["w"], s["b"])
        g = neuron_graph(net, x, y)
        losses = s["losses"]
        st.metric("gradient-descent steps", len(losses) - 1)
        # An ASCII minus, so Streamlit reads the change as negative (a fall in loss shows green).
        st.metric("loss L", fmt(g.L), delta=f"{losses[-1] - losses[-2]:.4g}" if len(losses) > 1 else None,
                  delta_color="inverse")
        st.metric("a = σ(z)", f"{g.a:.4f}")
    with graph:
        st.plotly_chart(neuron_graph_figure(g, height=400), config=style.CHART_CONFIG, key="bp_graph_chart")
        st.caption("The example is chapter 1's neuron: its inputs **x** and, as the starting point of gradient "
                   "descent, its **w** and **b**. Forward values are black; backward values, ∂L/∂(node), are "
                   "orange.")

    left, right = st.columns([1.15, 1])
    with left:
        check = gradcheck.check(net, np.reshape(x, (1, -1)), [y])
        names = [f"w{k}" for k in range(1, len(x) + 1)] + ["b"]
        values = list(s["w"]) + [s["b"]]
        st.markdown(f"**Gradients: backprop vs numeric** (centred differences, `engine.gradcheck`), "
                    f"and the next step with α = {alpha:g}")
        st.dataframe({"parameter": names, "value": [fmt(v) for v in values],
                      "backprop dL/dθ": [fmt(v) for v in check.analytic],
                      "numeric dL/dθ": [fmt(v) for v in check.numeric],
                      "after Step: θ − α·dθ": [fmt(v - alpha * d) for v, d in zip(values, check.analytic)]},
                     hide_index=True, key="bp_grad_table")
        ok = check.relative_error < 1e-7
        (st.success if ok else st.warning)(
            f"Relative error ‖backprop − numeric‖ / (‖backprop‖ + ‖numeric‖) = {check.relative_error:.1e} "
            + ("(below 1e-7: backprop is right)" if ok else "(large: the slope is extreme here)"))
    right.plotly_chart(loss_steps_figure(losses), config=style.CHART_CONFIG, key="bp_loss_chart")
    _batch_section(net)
    _warm_up_section()


def _batch_section(net) -> None:
    st.subheader("The same for m examples at once, vectorized")
    m = st.slider("Number of examples m", 2, 10, key="w_bp_batch_m", persist_state="session")
    X, y = toy_batch(m, n=net.layer_sizes[0], seed=0)
    g = batch_graph(net, X, y)
    n = X.shape[1]
    st.markdown(r"$Z = X W^\top + b \;\to\; A = \sigma(Z) \;\to\; dZ = A - Y \;\to\; "
                r"dW = \frac{1}{m}\, dZ^\top X,\ db = \frac{1}{m} \sum_i dZ_i$. "
                f"Shapes: $X$ ({m} × {n}), $W^\\top$ ({n} × 1), $Z, A, Y, dZ$ ({m} × 1), $dW$ (1 × {n}). "
                "One matrix product replaces the loop over the m examples; the weights are the current ones above.")
    columns = {f"x{k + 1}": X[:, k] for k in range(X.shape[1])}
    columns |= {"y": g.Y[:, 0].astype(int), "z": g.Z[:, 0], "a = σ(z)": g.A[:, 0], "dz = a − y": g.dZ[:, 0],
                "loss L": g.L[:, 0]}
    st.dataframe({k: [fmt(v) for v in col] if k != "y" else col for k, col in columns.items()},
                 hide_index=True, key="bp_batch_table")
    st.markdown(f"#### $dW$ = {fmt_vec(g.dW)} &nbsp;·&nbsp; $db$ = {fmt(g.db)} &nbsp;·&nbsp; "
                f"$J$ = mean of the {m} losses = {fmt(g.J)}")


def _warm_up_section() -> None:
    st.subheader("Warm-up: the graph of $J = 3(a + bc)$")
    st.markdown(r"Forward, left to right: $u = bc$, $v = a + u$, $J = 3v$. Backward, right to left, by the "
                r"chain rule: $\frac{dJ}{dv} = 3$, $\frac{dJ}{du} = \frac{dJ}{dv} \cdot 1$, "
                r"$\frac{dJ}{db} = \frac{dJ}{du} \cdot c$, $\frac{dJ}{dc} = \frac{dJ}{du} \cdot b$.")
    c1, c2, c3 = st.columns(3)
    a = c1.number_input("a", step=1.0, key="w_bp_warm_a", persist_state="session")
    b = c2.number_input("b", step=1.0, key="w_bp_warm_b", persist_state="session")
    c = c3.number_input("c", step=1.0, key="w_bp_warm_c", persist_state="session")
    st.plotly_chart(warm_up_figure(warm_up(a, b, c)), config=style.CHART_CONFIG, key="bp_warm_chart")
