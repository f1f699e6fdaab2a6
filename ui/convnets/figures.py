"""Plotly figures for the convolution chapter: a filter sliding over a picture, parameter counts,
the first layer's filters, feature maps and where the model looked."""

from __future__ import annotations

import base64
import io

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from ui import present, style

GREYS = [[0, "#000000"], [1, "#FFFFFF"]]
ACTIVE = [[0, "#FFFFFF"], [1, style.DOG]]          # a ReLU feature map: 0 white, strongest dark blue
# Grad-CAM over the photo: transparent where there is no evidence, vermilion where it is strongest.
EVIDENCE = [[0, "rgba(213,94,0,0)"], [0.3, "rgba(213,94,0,0.25)"], [1, "rgba(213,94,0,0.9)"]]
FILTER_PX = 22                                      # image pixels per filter weight in the filter pictures


def _font() -> int:
    """The charts' base type size: larger in presentation mode, as ``style.styled`` makes it."""
    return style.PRESENT_FONT_SIZE if present.is_on() else style.FONT_SIZE


def _picture_axes(fig: go.Figure, row: int, col: int, anchor: str, ticks: bool = False) -> None:
    """Square pixels, row 1 at the top, no grid."""
    common = dict(showgrid=False, zeroline=False, showline=False, showticklabels=ticks, constrain="domain",
                  row=row, col=col)
    fig.update_xaxes(**common)
    fig.update_yaxes(**common, autorange="reversed", scaleanchor=anchor)


def convolution_pair(A: np.ndarray, Z: np.ndarray, i: int, j: int, height: int = 430) -> go.Figure:
    """The grey picture A (H, W) with the 3×3 window around (i, j), and the output map Z (H, W) with
    pixel (i, j) outlined; rows and columns counted from 1."""
    H, Wd = A.shape
    rows, cols = np.arange(1, H + 1), np.arange(1, Wd + 1)
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.07,
                        subplot_titles=["input A (0 black … 1 white)", "output Z"])
    fig.add_trace(go.Heatmap(z=A, x=cols, y=rows, zmin=0, zmax=1, colorscale=GREYS, showscale=False, name="A",
                             hovertemplate="A[%{y}, %{x}] = %{z:.3f}<extra></extra>"), row=1, col=1)
    limit = float(np.max(np.abs(Z))) or 1.0
    fig.add_trace(go.Heatmap(z=Z, x=cols, y=rows, zmin=-limit, zmax=limit, zmid=0, colorscale=style.DIVERGING,
                             name="Z", colorbar=dict(title=dict(text="Z[i, j]"), thickness=14, len=0.9,
                                                     tickfont=dict(size=_font() - 1)),
                             hovertemplate="Z[%{y}, %{x}] = %{z:.3f}<extra></extra>"), row=1, col=2)
    window = dict(type="rect", line=dict(color=style.GREEN, width=4), fillcolor="rgba(0,0,0,0)")
    fig.add_shape(**window, x0=j - 1.5, x1=j + 1.5, y0=i - 1.5, y1=i + 1.5, row=1, col=1)
    fig.add_shape(**window, x0=j - 0.5, x1=j + 0.5, y0=i - 0.5, y1=i + 0.5, row=1, col=2)
    fig = style.styled(fig, height, None)
    for c, anchor in ((1, "x"), (2, "x2")):
        _picture_axes(fig, 1, c, anchor, ticks=True)
        fig.update_xaxes(title="column j", row=1, col=c)
    fig.update_yaxes(title="row i", row=1, col=1)
    fig.update_annotations(font_size=_font())
    fig.update_layout(margin=dict(l=55, r=10, t=40, b=50))
    return fig


def parameter_bars(dense: int, units: int, conv: int, filters: int, height: int = 360) -> go.Figure:
    """Two bars on a log scale: a dense layer of u units against a 3×3 filter bank, on the same picture."""
    labels = [f"dense layer, {units} unit{'s' if units > 1 else ''}", f"3×3 convolution, {filters} filters"]
    fig = go.Figure(go.Bar(x=[dense, conv], y=labels, orientation="h", marker_color=[style.CAT, style.DOG],
                           text=[f"{dense:,}", f"{conv:,}"], textposition="outside", cliponaxis=False,
                           textfont=dict(size=_font() + 1),
                           hovertemplate="%{y}: %{x:,} parameters<extra></extra>"))
    fig.update_xaxes(type="log", title="parameters (weights + biases), log scale",
                     range=[1, np.log10(max(dense, conv)) + 0.8])
    fig.update_yaxes(autorange="reversed", title=None)
    fig = style.styled(fig, height, "Parameters to learn on a 64×64 colour picture")
    fig.update_yaxes(tickfont=dict(size=_font(), color=style.INK))
    fig.update_layout(margin=dict(l=270))
    return fig


def _png(rgb: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def filters_figure(F: np.ndarray, height: int | None = None, title: str | None = None, per_row: int = 8) -> go.Figure:
    """The first layer's filters as small colour pictures, numbered 1 … C under each.

    F (C, k, k, C_prev) in [0, 1] (``lessons.convolution.first_layer_filters``); grey filters are drawn grey.
    One PNG under the axes, so a live chart swaps a single image when the filters change.
    """
    C, k = F.shape[0], F.shape[1]
    per_row = min(per_row, C)
    n_rows = -(-C // per_row)
    step_x, step_y = k + 1, k + 2  # in filter pixels: a gap beside each filter, room for its number below
    width, tall = per_row * step_x, n_rows * step_y
    canvas = np.full((tall * FILTER_PX, width * FILTER_PX, 3), 255, np.uint8)
    rgb = np.repeat(F, 3, axis=-1) if F.shape[-1] == 1 else F
    tiles = np.round(255 * rgb).astype(np.uint8).repeat(FILTER_PX, axis=1).repeat(FILTER_PX, axis=2)
    labels = []
    for c in range(C):
        r, q = divmod(c, per_row)
        y0, x0 = r * step_y * FILTER_PX, q * step_x * FILTER_PX
        canvas[y0:y0 + k * FILTER_PX, x0:x0 + k * FILTER_PX] = tiles[c]
        labels.append(dict(x=q * step_x + k / 2, y=r * step_y + k + 0.75, xref="x", yref="y", text=f"{c + 1}",
                           showarrow=False, font=dict(size=_font())))
    fig = go.Figure()
    fig.add_layout_image(source=_png(canvas), xref="x", yref="y", x=0, y=0, sizex=width, sizey=tall,
                         sizing="stretch", layer="below")
    fig.add_trace(go.Scatter(x=[0, width], y=[0, tall], mode="markers", marker=dict(opacity=0), hoverinfo="skip",
                             showlegend=False))
    fig.update_xaxes(range=[0, width], visible=False)
    fig.update_yaxes(range=[tall, 0], visible=False, scaleanchor="x")
    fig = style.styled(fig, height or 60 + 110 * n_rows, title)
    fig.update_layout(annotations=labels, margin=dict(l=10, r=10, t=50 if title else 10, b=10))
    return fig


def feature_maps(maps: list[tuple[int, np.ndarray]], channels: list[list[int]], height: int | None = None) -> go.Figure:
    """One row per convolution block l: the ReLU maps A[l][:, :, c] of the chosen channels c, each on
    its own scale (white = 0, dark blue = that map's largest value).

    The grid's axes are written out as one layout rather than through ``make_subplots`` and per-axis
    updates, which took ~0.45 s for 24 maps.
    """
    n_rows, n_cols = len(maps), max(len(c) for c in channels)
    gap_x, gap_y = 0.015, 0.06
    width, tall = (1 - gap_x * (n_cols - 1)) / n_cols, (1 - gap_y * (n_rows - 1)) / n_rows
    traces, axes, titles, frames = [], {}, [], []
    for r, ((l, A), cs) in enumerate(zip(maps, channels)):
        top = 1 - r * (tall + gap_y)
        for q, c in enumerate(cs):
            n = r * n_cols + q + 1
            x, y = f"x{n if n > 1 else ''}", f"y{n if n > 1 else ''}"
            a = A[:, :, c]
            traces.append(go.Heatmap(z=a, zmin=0, zmax=max(float(a.max()), 1e-9), colorscale=ACTIVE, showscale=False,
                                     xaxis=x, yaxis=y, name=f"A[{l}] channel {c + 1}",
                                     hovertemplate=f"A[{l}], channel {c + 1}<br>row %{{y}}, column %{{x}}"
                                                   "<br>a = %{z:.3f}<extra></extra>"))
            left = q * (width + gap_x)
            hidden = dict(showgrid=False, zeroline=False, showline=False, showticklabels=False, constrain="domain")
            axes[f"xaxis{n if n > 1 else ''}"] = dict(hidden, domain=[left, min(left + width, 1)], anchor=y,
                                                      range=[-0.5, a.shape[1] - 0.5])
            axes[f"yaxis{n if n > 1 else ''}"] = dict(hidden, domain=[max(top - tall, 0), top], anchor=x, scaleanchor=x,
                                                      range=[a.shape[0] - 0.5, -0.5])
            titles.append(dict(text=f"A[{l}] ch {c + 1}", x=left + width / 2, y=top, xref="paper", yref="paper",
                               xanchor="center", yanchor="bottom", showarrow=False, font=dict(size=_font() - 1)))
            # a thin frame, so an all-zero map still shows where it is
            frames.append(dict(type="rect", xref=x, yref=y, x0=-0.5, x1=a.shape[1] - 0.5, y0=-0.5,
                               y1=a.shape[0] - 0.5, line=dict(color="#BBBBBB", width=1)))
    layout = style.styled(go.Figure(), height or 40 + 175 * n_rows, None).layout
    layout.update(axes, annotations=titles, shapes=frames, margin=dict(l=10, r=10, t=40, b=10))
    return go.Figure(data=traces, layout=layout)


def _bar_below(x: float, title: str) -> dict:
    """A horizontal colour bar under the panel centred at paper x."""
    return dict(orientation="h", x=x, xanchor="center", y=-0.04, yanchor="top", len=0.28, thickness=14,
                title=dict(text=title, side="top"), tickfont=dict(size=_font() - 1))


def evidence(picture: np.ndarray, cam_dog: np.ndarray, cam_cat: np.ndarray, saliency: np.ndarray,
             height: int = 500) -> go.Figure:
    """Grad-CAM for dog and for cat over the picture (S, S, 3) in [0, 1], and gradient × input (S, S):
    blue pushed z[L] up (towards dog), orange down (towards cat)."""
    S = picture.shape[0]
    rgb = np.round(255 * (np.repeat(picture, 3, -1) if picture.shape[-1] == 1 else picture)).astype(np.uint8)
    fig = make_subplots(rows=1, cols=3, horizontal_spacing=0.04,
                        subplot_titles=["Grad-CAM: evidence for dog", "Grad-CAM: evidence for cat",
                                        "gradient × input, x̃ ⊙ ∂z/∂x̃"])
    for c, cam, name in ((1, cam_dog, "dog"), (2, cam_cat, "cat")):
        fig.add_trace(go.Image(z=rgb, hoverinfo="skip"), row=1, col=c)
        fig.add_trace(go.Heatmap(z=cam, zmin=0, zmax=1, colorscale=EVIDENCE, showscale=c == 1, name=name,
                                 colorbar=_bar_below(0.34, "Grad-CAM (0 none … 1 strongest)"),
                                 hovertemplate=f"evidence for {name}: %{{z:.2f}}<extra></extra>"), row=1, col=c)
    limit = float(np.quantile(np.abs(saliency), 0.99)) or 1.0
    fig.add_trace(go.Heatmap(z=saliency, zmin=-limit, zmax=limit, zmid=0, colorscale=style.DIVERGING,
                             colorbar=_bar_below(0.84, "push on z (← cat, dog →)"), name="x̃ ⊙ ∂z/∂x̃",
                             hovertemplate="row %{y}, column %{x}: %{z:.4f}<extra></extra>"), row=1, col=3)
    fig = style.styled(fig, height, None)
    for c, anchor in ((1, "x"), (2, "x2"), (3, "x3")):
        _picture_axes(fig, 1, c, anchor)
        fig.update_xaxes(range=[-0.5, S - 0.5], row=1, col=c)
        fig.update_yaxes(range=[S - 0.5, -0.5], autorange=False, row=1, col=c)
    fig.update_annotations(font_size=_font())
    fig.update_layout(margin=dict(l=10, r=10, t=40, b=100))
    return fig
