"""Plotly figure builders shared by several pages."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from . import style


def cost_curve(series: dict[str, Sequence[float]], height: int = 360, title: str | None = "Cost J per epoch",
               x_title: str = "epoch", log_y: bool = False) -> go.Figure:
    """J against epoch for one or more named series (e.g. "train", "test"), in the house colours."""
    fig = go.Figure()
    for i, (name, values) in enumerate(series.items()):
        values = np.asarray(values, dtype=float)
        fig.add_trace(go.Scatter(x=np.arange(1, len(values) + 1), y=values, mode="lines", name=name,
                                 line=dict(width=3, color=style.RUNS[i % len(style.RUNS)])))
    fig.update_xaxes(title=x_title)
    fig.update_yaxes(title="cost J", type="log" if log_y else "linear")
    return style.styled(fig, height, title)


def one_feature_fit(x: np.ndarray, y: np.ndarray, x_grid: np.ndarray, p_grid: np.ndarray,
                    height: int = 360, title: str | None = None) -> go.Figure:
    """Points of a 1-D two-class set at y = 0 / 1 and the fitted curve ŷ = σ(wx + b)."""
    fig = go.Figure()
    for label, name in ((0, "cat (y = 0)"), (1, "dog (y = 1)")):
        mask = y == label
        fig.add_trace(go.Scatter(x=x[mask], y=y[mask], mode="markers", name=name,
                                 marker=dict(size=11, color=style.CLASS_COLORS[label], opacity=0.75,
                                             line=dict(width=1, color="#333"))))
    fig.add_trace(go.Scatter(x=x_grid, y=p_grid, mode="lines", name="ŷ = σ(wx + b)",
                             line=dict(width=4, color=style.ACCENT)))
    fig.add_hline(y=0.5, line=dict(dash="dot", color=style.GREY), annotation_text="threshold 0.5")
    fig.update_xaxes(title="feature x")
    fig.update_yaxes(title="P(dog) = ŷ", range=[-0.08, 1.08])
    return style.styled(fig, height, title)
