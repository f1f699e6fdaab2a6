"""Figures for the activations tab: each g(z) and g'(z), and the σ' ≤ 0.25 bound."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from engine import activations
from lessons.diagnostics import saturated

from ui import style

SATURATED_FILL = "rgba(102, 102, 102, 0.16)"


def z_grid(z_now: float, half_width: float = 6.0, n: int = 601) -> np.ndarray:
    """A grid of z wide enough to show the current z."""
    r = max(half_width, abs(z_now) + 1.0)
    return np.linspace(-r, r, n)


def _intervals(z: np.ndarray, mask: np.ndarray) -> list[tuple[float, float]]:
    """Contiguous stretches of z where mask is True."""
    out, start = [], None
    for zi, m in zip(z, mask):
        if m and start is None:
            start = zi
        elif not m and start is not None:
            out.append((start, zi))
            start = None
    if start is not None:
        out.append((start, z[-1]))
    return out


def activation_grid(z_now: float, names: Sequence[str] = activations.HIDDEN,
                    height: int = 720) -> go.Figure:
    """2 × 2 panels of g(z) and g'(z) with a marker at the current z; saturated z shaded grey."""
    z = z_grid(z_now)
    fig = make_subplots(rows=2, cols=2, subplot_titles=[activations.spec(n).title for n in names],
                        vertical_spacing=0.16, horizontal_spacing=0.08)
    for i, name in enumerate(names):
        row, col = i // 2 + 1, i % 2 + 1
        g, dg = activations.get(name)
        a, da = g(z), dg(z)
        first = i == 0
        fig.add_trace(go.Scatter(x=z, y=a, name="g(z)", legendgroup="g", showlegend=first,
                                 line=dict(width=4, color=style.DOG)), row=row, col=col)
        fig.add_trace(go.Scatter(x=z, y=da, name="slope g'(z)", legendgroup="dg", showlegend=first,
                                 line=dict(width=4, color=style.ACCENT, dash="dash")), row=row, col=col)
        a_now, da_now = float(g(np.float64(z_now))), float(dg(np.float64(z_now)))
        fig.add_trace(go.Scatter(x=[z_now, z_now], y=[a_now, da_now], mode="markers+text",
                                 name="current z", legendgroup="now", showlegend=first,
                                 text=[f"g = {a_now:.3f}", f"g' = {da_now:.3f}"],
                                 textposition=["top left", "bottom right"], textfont=dict(size=style.FONT_SIZE - 1),
                                 marker=dict(size=15, color=style.GREEN, line=dict(width=2, color="#222"))),
                      row=row, col=col)
        for z0, z1 in _intervals(z, saturated(z, a, name)):
            fig.add_vrect(x0=z0, x1=z1, fillcolor=SATURATED_FILL, line_width=0, row=row, col=col)
        fig.update_xaxes(title_text="z", row=row, col=col)
    fig.update_yaxes(title_text="g(z), g'(z)", col=1)
    fig = style.styled(fig, height)
    fig.update_layout(legend=dict(orientation="h", y=1.1, x=0))
    fig.update_annotations(font_size=style.FONT_SIZE + 1)
    return fig


def sigmoid_bound_figure(z: np.ndarray, height: int = 420) -> go.Figure:
    """σ(z), σ'(z) and σ(z)(1 − σ(z)) on the same axes: the last two coincide and peak at 0.25."""
    s = activations.sigmoid(z)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=z, y=s, name="σ(z)", line=dict(width=4, color=style.DOG)))
    fig.add_trace(go.Scatter(x=z, y=activations.sigmoid_derivative(z), name="σ'(z)",
                             line=dict(width=6, color=style.ACCENT)))
    step = max(len(z) // 40, 1)
    fig.add_trace(go.Scatter(x=z[::step], y=(s * (1 - s))[::step], mode="markers", name="σ(z)·(1 − σ(z))",
                             marker=dict(size=9, color=style.GREEN, symbol="x")))
    fig.add_hline(y=0.25, line=dict(dash="dot", width=3, color=style.GREY),
                  annotation_text="0.25 = σ'(0), the largest slope", annotation_font_size=style.FONT_SIZE,
                  annotation_position="bottom right")
    fig.update_xaxes(title="z")
    fig.update_yaxes(title="value", range=[-0.03, 1.05])
    fig = style.styled(fig, height, "σ'(z) = σ(z)(1 − σ(z)) ≤ 0.25")
    fig.update_layout(legend=dict(orientation="h", y=-0.25, x=0))
    return fig


def render(z: float) -> None:
    """The tab: the four activations at the current z and the σ' bound."""
    st.markdown(f"Each activation g(z) (solid) and its slope g'(z) (dashed). The green marker is the current "
                f"z = {z:.3f} from the first tab. Grey bands: **saturated**, where the slope almost vanishes "
                "and learning through the unit stalls.")
    st.plotly_chart(activation_grid(z), config=style.CHART_CONFIG, key="neuron_act_chart")
    left, right = st.columns(2)
    left.plotly_chart(sigmoid_bound_figure(z_grid(0.0)), config=style.CHART_CONFIG, key="neuron_bound_chart")
    right.markdown(r"The sigmoid's slope is $\sigma'(z) = \sigma(z)\,(1 - \sigma(z))$, never more than "
                   r"$\frac{1}{4}$ (at $z = 0$). Far from $z = 0$ it is almost flat: a large $|z|$ gives "
                   "a confident answer but almost no slope to learn from. That is why ReLU, whose slope is "
                   "1 for every z > 0, trains deep networks better (chapter 4).")
