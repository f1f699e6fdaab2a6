"""The "Inside a network" tab: A[l] heatmaps, histograms, saturation and gradient norm per layer."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from engine import Network, activations, datasets, fit, optimizers
from lessons import diagnostics
from lessons.diagnostics import LayerReport
from lessons.graph import compose_linear, single_neuron

from ui import numbers, style

RUNS = "inside_runs"   # session cache: (activation, depth, data) → trained result
WIDTH, N_POINTS, EPOCHS, LEARNING_RATE = 8, 200, 300, 0.01
SCALES = {"sigmoid": ([[0, "#FFFFFF"], [1, style.DOG]], 0.0, 1.0),
          "tanh": ([[0, style.CAT], [0.5, "#FFFFFF"], [1, style.DOG]], -1.0, 1.0)}
RELU_SCALE = [[0, "#FFFFFF"], [1, style.GREEN]]


def train(activation: str, depth: int, data: str, progress=None) -> dict:
    """Train [2, 8 × depth, 1] with Adam on a seeded 2-D set; diagnostics at initialisation and after."""
    X, y = datasets.make(data, m=N_POINTS, seed=0)
    order = np.argsort(y, kind="stable")  # cats first, then dogs: the heatmaps show the two blocks
    X, y = X[order], y[order]
    net = Network([2] + [WIDTH] * depth + [1], activation=activation, seed=0)
    initial = diagnostics.inspect(net, X, y)
    last = None
    for record in fit(net, X, y, optimizers.Adam(LEARNING_RATE), epochs=EPOCHS):
        last = record
        if progress is not None and record.epoch % 25 == 0:
            progress.progress(record.epoch / EPOCHS, text=f"Training: epoch {record.epoch} of {EPOCHS}")
    return {"initial": initial, "trained": diagnostics.inspect(net, X, y),
            "accuracy": net.accuracy(X, y), "cost": net.cost(X, y),
            "message": last.message if last is not None else ""}


def get_run(activation: str, depth: int, data: str) -> dict:
    runs = st.session_state.setdefault(RUNS, {})
    key = (activation, depth, data)
    if key not in runs:
        bar = st.progress(0.0, text="Training the network…")
        runs[key] = train(activation, depth, data, progress=bar)
        bar.empty()
        while len(runs) > 16:  # a long lecture should not grow the session without bound
            runs.pop(next(iter(runs)))
    return runs[key]


def _scale(activation: str, A: np.ndarray):
    if activation in SCALES:
        return SCALES[activation]
    return RELU_SCALE, min(0.0, float(A.min())), max(float(A.max()), 1e-9)


def heatmaps_figure(reports: list[LayerReport], height: int = 520) -> go.Figure:
    """One heatmap per layer of A[l] (m examples × u[l] units), each titled with its shape."""
    L = len(reports)
    widths = [max(r.shape[1], 3) for r in reports]
    fig = make_subplots(rows=1, cols=L, column_widths=widths, horizontal_spacing=0.2 / L,
                        subplot_titles=[f"A[{r.layer}]<br>{r.shape[0]} × {r.shape[1]}" for r in reports])
    for i, r in enumerate(reports, start=1):
        scale, lo, hi = _scale(r.activation, r.A)
        # Two colour bars on the right: hidden layers (shared scale) on top, the output ŷ below.
        show = i in (1, L)
        bar = dict(x=1.01, y=0.22 if i == L else 0.78, len=0.42, thickness=16,
                   title=dict(text="ŷ" if i == L else "a", side="top"))
        fig.add_trace(go.Heatmap(z=r.A, colorscale=scale, zmin=lo, zmax=hi, showscale=show, colorbar=bar,
                                 hovertemplate="unit %{x}<br>example %{y}<br>a = %{z:.3f}<extra></extra>"),
                      row=1, col=i)
        fig.update_xaxes(showticklabels=False, title_text=f"{r.shape[1]} units", row=1, col=i)
        fig.update_yaxes(showticklabels=i == 1, autorange="reversed", row=1, col=i)
    fig.update_yaxes(title_text="example i (cats, then dogs)", col=1)
    fig = style.styled(fig, height)
    fig.update_layout(margin=dict(l=80, r=80, t=80, b=55))
    fig.update_xaxes(title_font=dict(size=style.FONT_SIZE - 2))
    fig.update_annotations(font_size=style.FONT_SIZE - 1)
    return fig


def histograms_figure(reports: list[LayerReport], height: int = 360) -> go.Figure:
    """Per layer, how the n·u activations are distributed, with the saturated share in the title."""
    L = len(reports)
    fig = make_subplots(rows=1, cols=L, horizontal_spacing=0.25 / L, shared_yaxes=True,
                        subplot_titles=[f"A[{r.layer}]<br>{r.saturation:.0%} sat." for r in reports])
    for i, r in enumerate(reports, start=1):
        centres = (r.edges[:-1] + r.edges[1:]) / 2
        fig.add_trace(go.Bar(x=centres, y=r.shares, width=np.diff(r.edges), showlegend=False,
                             marker=dict(color=style.DOG if i < L else style.ACCENT, line=dict(width=0)),
                             hovertemplate="a ≈ %{x:.2f}: %{y:.1%}<extra></extra>"),
                      row=1, col=i)
        fig.update_xaxes(title_text="a", nticks=3, row=1, col=i)
    fig.update_yaxes(title_text="share of entries", tickformat=".0%", col=1)
    fig = style.styled(fig, height)
    fig.update_layout(bargap=0, margin=dict(t=80))
    fig.update_annotations(font_size=style.FONT_SIZE - 1)
    return fig


def per_layer_figure(initial: list[float], trained: list[float], y_title: str, title: str,
                     log_y: bool = False, percent: bool = False, height: int = 380) -> go.Figure:
    """Grouped bars per layer: at initialisation and after training."""
    layers = [str(l) for l in range(1, len(initial) + 1)]
    fig = go.Figure()
    for name, values, colour in (("at initialisation", initial, style.GREY), ("after training", trained, style.DOG)):
        fig.add_trace(go.Bar(x=layers, y=values, name=name, marker_color=colour))
    fig.update_xaxes(title="layer l", type="category")
    fig.update_yaxes(title=y_title, type="log" if log_y else "linear", tickformat=".0%" if percent else None)
    if log_y:
        fig.update_yaxes(dtick=1, exponentformat="power")
    fig = style.styled(fig, height, title)
    fig.update_layout(legend=dict(orientation="h", y=-0.3, x=0))
    return fig


def render() -> None:
    """Widgets, training (cached per session) and the four views of the network's insides."""
    st.markdown(f"A network with hidden layers of {WIDTH} units, trained here with Adam (α = {LEARNING_RATE}, "
                f"{EPOCHS} epochs) on {N_POINTS} points. Pick the activation and the depth: with a deep "
                "**sigmoid** stack the gradient that reaches the first layers all but vanishes; with **ReLU** "
                "it does not.")
    c1, c2, c3, c4 = st.columns(4)
    activation = c1.selectbox("Hidden activation", activations.HIDDEN,
                              format_func=lambda name: activations.spec(name).label,
                              key="w_inside_activation", persist_state="session")
    depth = c2.slider("Hidden layers", 1, 8, key="w_inside_depth", persist_state="session")
    data = c3.selectbox("Data set", list(datasets.TWO_D), key="w_inside_data", persist_state="session")
    when = c4.radio("Show the network", ["after training", "at initialisation"], key="w_inside_when",
                    persist_state="session")
    run = get_run(activation, depth, data)
    if run["message"]:
        st.error(run["message"])
    reports = run["trained"] if when == "after training" else run["initial"]
    m1, m2, m3, m4 = st.columns(4)
    m1.metric("training accuracy", f"{run['accuracy']:.0%}")
    m2.metric("cost J after training", f"{run['cost']:.3f}")
    m3.metric("‖dW‖ first / last layer", f"{reports[0].grad_norm / max(reports[-1].grad_norm, 1e-300):.1e}")
    m4.metric("hidden units saturated", f"{np.mean([r.saturation for r in reports[:-1]]):.0%}")
    st.plotly_chart(heatmaps_figure(reports), config=style.CHART_CONFIG, key="inside_heatmaps_chart")
    st.caption("Each row is one example, each column one unit: $A^{[l]}$ has shape (m examples × u[l] units). "
               "The last panel is ŷ = P(dog).")
    st.plotly_chart(histograms_figure(reports), config=style.CHART_CONFIG, key="inside_hist_chart")
    rules = "; ".join(f"{activations.spec(n).label}: {activations.spec(n).saturation_rule}" for n in activations.HIDDEN)
    st.caption(f"Saturated (sat.) means the slope g′(z), and so the gradient through the unit, almost "
               f"vanishes. {rules}.")
    left, right = st.columns(2)
    init, trained = run["initial"], run["trained"]
    left.plotly_chart(per_layer_figure([r.saturation for r in init], [r.saturation for r in trained],
                                       "share saturated", "Saturated share per layer", percent=True),
                      config=style.CHART_CONFIG, key="inside_sat_chart")
    right.plotly_chart(per_layer_figure([r.grad_norm for r in init], [r.grad_norm for r in trained],
                                        "‖dW[l]‖ (log scale)", "Gradient norm per layer", log_y=True),
                       config=style.CHART_CONFIG, key="inside_gradnorm_chart")


def linear_stack_figure(x: np.ndarray, stacked: np.ndarray, collapsed: np.ndarray, with_tanh: np.ndarray,
                        height: int = 420) -> go.Figure:
    """Output of two linear layers, the single collapsed layer (same line), and the tanh version (a curve)."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=x, y=stacked, name="two linear layers, no activation",
                             line=dict(width=7, color=style.DOG)))
    fig.add_trace(go.Scatter(x=x, y=collapsed, name="ONE layer: W_eff·x + b_eff",
                             line=dict(width=3, color="#111111", dash="dash")))
    fig.add_trace(go.Scatter(x=x, y=with_tanh, name="same weights, tanh in between",
                             line=dict(width=4, color=style.ACCENT)))
    fig.update_xaxes(title="input x")
    fig.update_yaxes(title="output z[2]")
    fig = style.styled(fig, height, "Stacked linear maps are still one line")
    fig.update_layout(legend=dict(orientation="h", y=-0.25, x=0))
    return fig


def render_linear_stack() -> None:
    """Why a network needs activations: two linear layers collapse to one."""
    seed = numbers.whole_number("Random weights for a 1 → 3 → 1 network (seed)", 0, 999,
                                key="w_inside_linear_seed", persist_state="session")
    xs = np.linspace(-3, 3, 121).reshape(-1, 1)
    lin, with_tanh = Network([1, 3, 1], "linear", seed=seed), Network([1, 3, 1], "tanh", seed=seed)
    W_eff, b_eff = compose_linear(lin.weights, lin.biases)
    collapsed = single_neuron(W_eff[0], b_eff[0, 0])
    # Z of the last layer (the logit): the network's output before its final sigmoid.
    st.plotly_chart(linear_stack_figure(xs[:, 0], lin.layer_outputs(xs)[-1][0][:, 0],
                                        collapsed.layer_outputs(xs)[0][0][:, 0],
                                        with_tanh.layer_outputs(xs)[-1][0][:, 0]),
                    config=style.CHART_CONFIG, key="inside_linear_chart")
    st.markdown(f"$W^{{[2]}}(W^{{[1]}} x + b^{{[1]}}) + b^{{[2]}} = {W_eff[0, 0]:.3f}\\,x {b_eff[0, 0]:+.3f}$: "
                "without an activation, any number of layers is one linear layer.")
