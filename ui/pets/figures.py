"""Plotly figures for the cats-vs-dogs page: P(dog) bars, weight pictures, confusion matrix, ROC."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from engine.pets.calibration import Reliability
from engine.pets.models import THRESHOLD

from ui import style

CHANNELS = {3: ["red channel", "green channel", "blue channel"], 1: ["grey"]}


def p_dog_bars(names: Sequence[str], p: Sequence[float], height: int | None = None,
               band: tuple[float, float] | None = None, unsure: Sequence[bool] | None = None) -> go.Figure:
    """One horizontal bar per photo: P(dog) from 0 (cat) to 1 (dog), threshold 0.5 marked; the unsure
    ``band`` shaded, and the bars of photos called unsure (``unsure``) in grey."""
    p = np.asarray(p, dtype=float)
    unsure = np.zeros(len(p), bool) if unsure is None else np.asarray(unsure, bool)
    colours = [style.GREY if u else (style.DOG if v >= THRESHOLD else style.CAT) for v, u in zip(p, unsure)]
    # The label is the bar's own length, so the two always agree.
    labels = [f"{v:.2f} · {'unsure' if u else 'dog' if v >= THRESHOLD else 'cat'}" for v, u in zip(p, unsure)]
    # Numbered, so two photos with one file name stay two bars (a shared label would stack them).
    short = [f"{i}. " + (n if len(n) <= 26 else n[:23] + "…") for i, n in enumerate(names, start=1)]
    fig = go.Figure(go.Bar(x=p, y=short, orientation="h", marker_color=colours, text=labels,
                           textposition="outside", textfont=dict(size=style.FONT_SIZE),
                           hovertemplate="%{y}: P(dog) = %{x:.3f}<extra></extra>", cliponaxis=False))
    label = f"threshold {THRESHOLD:g}"
    if band is not None:
        fig.add_vrect(x0=band[0], x1=band[1], fillcolor=style.GREY, opacity=0.15, line_width=0)
        label += f" · grey: unsure, {band[0]:.2f}–{band[1]:.2f}"
    fig.add_vline(x=THRESHOLD, line=dict(dash="dash", width=2, color=style.GREY),
                  annotation_text=label, annotation_position="top")
    fig.update_xaxes(title="P(dog) = ŷ   (0 = surely cat, 1 = surely dog)", range=[0, 1.18],
                     tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    fig.update_yaxes(autorange="reversed", title=None)
    return style.styled(fig, height or 130 + 45 * len(p), None)


def reliability(curves: Sequence[tuple[str, Reliability]], height: int = 520,
                title: str | None = "Reliability: does P(dog) mean what it says?") -> go.Figure:
    """The reliability diagram: for each bin of P(dog), the share of photos that really are dogs against
    the bin's mean P(dog); on the diagonal, a confidence of 0.8 is right 8 times in 10. One line per
    (label, table) in ``curves``, its ECE in the legend, each point's photo count on hover."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="honest (ECE 0)",
                             line=dict(dash="dash", width=2, color=style.GREY), hoverinfo="skip"))
    # With a before and an after, the before is the grey dotted line; a lone curve is the accent colour.
    colours = [style.GREY, style.ACCENT, style.DOG] if len(curves) > 1 else [style.ACCENT]
    for i, (label, table) in enumerate(curves):
        held = table.count > 0
        before = i == 0 and len(curves) > 1
        fig.add_trace(go.Scatter(
            x=table.mean_p[held], y=table.share_dogs[held], mode="lines+markers",
            name=f"{label} (ECE {table.ece:.3f})", customdata=table.count[held], marker=dict(size=11),
            line=dict(width=3 if before else 4, color=colours[i % len(colours)], dash="dot" if before else "solid"),
            hovertemplate="mean P(dog) %{x:.2f}: %{y:.0%} were dogs (%{customdata} photos)<extra></extra>"))
    fig.update_xaxes(title="mean P(dog) in the bin", range=[0, 1], dtick=0.2)
    fig.update_yaxes(title="share that are dogs", range=[0, 1.02], dtick=0.2, tickformat=".0%")
    # Under the chart: inside it, the legend hides a curve somewhere at a narrow width.
    fig.update_layout(legend=dict(orientation="v", x=0, y=-0.22, xanchor="left", yanchor="top"))
    return style.styled(fig, height, title)


def _signed_heatmap(z: np.ndarray, limit: float, name: str, showscale: bool) -> go.Heatmap:
    return go.Heatmap(z=z, zmin=-limit, zmax=limit, zmid=0, colorscale=style.DIVERGING, showscale=showscale,
                      name=name, colorbar=dict(title="weight", tickfont=dict(size=style.FONT_SIZE - 3)),
                      hovertemplate="row %{y}, column %{x}: %{z:.4f}<extra>" + name + "</extra>")


def weight_pictures(w: np.ndarray, height: int = 380) -> go.Figure:
    """The logistic-regression weights as pictures: one panel per colour channel plus their sum.

    w has shape (S, S, C); blue (w > 0) pushes towards dog, orange (w < 0) towards cat.
    """
    channels = w.shape[-1]
    panels = [w[:, :, c] for c in range(channels)]
    titles = list(CHANNELS[channels])
    if channels > 1:
        panels.append(w.sum(axis=-1))
        titles.append("sum of the channels")
    fig = make_subplots(rows=1, cols=len(panels), subplot_titles=titles, horizontal_spacing=0.03)
    for i, (z, name) in enumerate(zip(panels, titles), start=1):
        limit = float(np.quantile(np.abs(z), 0.99)) or 1.0
        fig.add_trace(_signed_heatmap(z, limit, name, showscale=i == len(panels)), row=1, col=i)
        fig.update_xaxes(showticklabels=False, showgrid=False, showline=False, row=1, col=i)
        fig.update_yaxes(showticklabels=False, showgrid=False, showline=False, autorange="reversed",
                         scaleanchor=f"x{i if i > 1 else ''}", row=1, col=i)
    fig = style.styled(fig, height, None)
    fig.update_annotations(font_size=style.FONT_SIZE)
    return fig


def contribution_map(contrib: np.ndarray, height: int = 420, title: str | None = None) -> go.Figure:
    """Σ_c w ⊙ x̃ per pixel, (S, S): blue pixels pushed the photo towards dog, orange towards cat."""
    z = contrib.sum(axis=-1)
    limit = float(np.quantile(np.abs(z), 0.99)) or 1.0
    fig = go.Figure(_signed_heatmap(z, limit, "w ⊙ x̃", showscale=True))
    fig.data[0].colorbar.title = "push on z"
    fig.update_xaxes(showticklabels=False, showgrid=False, showline=False, title="← image columns →")
    fig.update_yaxes(showticklabels=False, showgrid=False, showline=False, autorange="reversed",
                     scaleanchor="x", title="← image rows →")
    return style.styled(fig, height, title)


def confusion(C: np.ndarray, height: int = 400) -> go.Figure:
    """The 2×2 confusion matrix C[true, predicted] as an annotated heatmap."""
    labels = ["cat", "dog"]
    total = max(int(C.sum()), 1)
    text = [[f"{C[i, j]}<br>({C[i, j] / total:.0%})" for j in range(2)] for i in range(2)]
    fig = go.Figure(go.Heatmap(z=C, x=[f"predicted {l}" for l in labels], y=[f"true {l}" for l in labels],
                               text=text, texttemplate="%{text}", textfont=dict(size=style.FONT_SIZE + 5),
                               colorscale=[[0, "#FFFFFF"], [1, style.DOG]], showscale=False,
                               hovertemplate="%{y}, %{x}: %{z} photos<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return style.styled(fig, height, "Confusion matrix (test photos)")


def roc(fpr: np.ndarray, tpr: np.ndarray, auc: float, height: int = 400) -> go.Figure:
    """TPR against FPR as the threshold on P(dog) falls, with the chance diagonal."""
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="chance (AUC 0.5)",
                             line=dict(dash="dash", width=2, color=style.GREY)))
    fig.add_trace(go.Scatter(x=fpr, y=tpr, mode="lines", name=f"model (AUC {auc:.2f})",
                             line=dict(width=4, color=style.ACCENT)))
    fig.update_xaxes(title="false-positive rate (cats called dog)", range=[0, 1])
    fig.update_yaxes(title="true-positive rate (dogs found)", range=[0, 1.02])
    fig.update_layout(legend=dict(x=0.98, y=0.04, xanchor="right", yanchor="bottom"))
    return style.styled(fig, height, "ROC curve (test photos)")
