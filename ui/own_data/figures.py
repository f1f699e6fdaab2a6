"""Chapter 7's figures: softmax's bars and the sigmoid it becomes for two classes, the learning curves of
a regression, a table's map over two inputs, the k-class confusion matrix and predicted against true."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go
from PIL import Image
from plotly.subplots import make_subplots

from engine.activations import sigmoid

from ui import style

PALETTE, MARKERS = style.CLASS_PALETTE, style.CLASS_MARKERS


def class_colour(c: int) -> str:
    return PALETTE[c % len(PALETTE)]


def softmax_bars(y_hat: np.ndarray, true: int, names: Sequence[str], height: int = 340) -> go.Figure:
    """ŷ_k for each class as a bar (its own colour), the true class outlined and named."""
    labels = [f"{n}<br>(true)" if c == true else n for c, n in enumerate(names)]
    fig = go.Figure(go.Bar(x=labels, y=y_hat, marker=dict(color=[class_colour(c) for c in range(len(y_hat))],
                                                          line=dict(color=[style.INK if c == true else "white"
                                                                           for c in range(len(y_hat))], width=3)),
                           text=[f"{p:.3f}" for p in y_hat], textposition="outside", cliponaxis=False,
                           hovertemplate="%{x}: ŷ = %{y:.4f}<extra></extra>"))
    fig.update_yaxes(title="ŷₖ = softmax(z)ₖ", range=[0, 1.12], tickvals=[0, 0.25, 0.5, 0.75, 1])
    fig.update_xaxes(title=None, tickangle=0)
    return style.styled(fig, height, "The k probabilities sum to 1")


def sigmoid_identity(z1: float, z2: float, height: int = 340) -> go.Figure:
    """σ(t) against t = z₁ − z₂, with the point of the current logits: two-class softmax lies on it."""
    t = np.linspace(-10, 10, 401)
    d = z1 - z2
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=t, y=sigmoid(t), mode="lines", name="σ(z₁ − z₂)",
                             line=dict(width=4, color=style.DOG), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[d], y=[float(sigmoid(d))], mode="markers", name="softmax(z₁, z₂)₁",
                             marker=dict(size=16, color=style.ACCENT, symbol="diamond",
                                         line=dict(width=2, color="white")),
                             hovertemplate="z₁ − z₂ = %{x:.2f}<br>ŷ₁ = %{y:.4f}<extra></extra>"))
    fig.add_annotation(x=0.97, y=0.1, xref="paper", yref="paper", xanchor="right", yanchor="bottom", showarrow=False,
                       text=f"σ({d:.2f}) = <b>{float(sigmoid(d)):.3f}</b>", font=dict(color=style.ACCENT),
                       bgcolor="white")
    fig.update_xaxes(title="z₁ − z₂", range=[-10, 10], zeroline=True)
    fig.update_yaxes(title="ŷ₁", range=[-0.02, 1.05])
    fig.update_layout(showlegend=False)
    return style.styled(fig, height, "Two classes: ŷ₁ = σ(z₁ − z₂)")


def regression_curves(history, height: int = 460, epochs: int | None = None) -> dict:
    """Train and test cost J = (1/2m) Σ (ŷ − y)² (on the standardised target) and R², per epoch."""
    x = np.arange(1, len(history) + 1)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.1,
                        subplot_titles=("<b>Cost J</b> = (1/2m) Σ (ŷ − y)², y standardised",
                                        "<b>R²</b> = 1 − Σ(ŷ − y)² / Σ(y − ȳ)²"))
    for i, kind in enumerate(("train", "test")):
        style_ = dict(width=3.5, color=style.RUNS[i], dash="solid" if i == 0 else "dash")
        fig.add_trace(go.Scatter(x=x, y=[getattr(r, f"{kind}_cost") for r in history], mode="lines", name=kind,
                                 legendgroup=kind, line=style_), row=1, col=1)
        r2 = [getattr(r, f"{kind}_r2") for r in history]
        fig.add_trace(go.Scatter(x=x, y=[np.nan if v is None else v for v in r2], mode="lines", name=kind,
                                 legendgroup=kind, showlegend=False, line=style_), row=2, col=1)
    end = epochs or max(len(history), 10)
    fig.update_xaxes(range=[0, end])
    fig.update_xaxes(title="epoch", row=2, col=1)
    fig.update_yaxes(title="cost J", rangemode="tozero", row=1, col=1)
    fig.update_yaxes(title="R²", range=[-0.5, 1.02], row=2, col=1)
    fig.update_layout(legend=dict(orientation="h", y=1.12, x=1, xanchor="right"))
    fig = style.styled(fig, height, None)
    fig.update_annotations(font_size=style.FONT_SIZE)
    return fig.to_plotly_json()


def _region_image(values: np.ndarray) -> np.ndarray:
    """RGB (r, r, 3) uint8: each point in its winning class's colour, paler where the network is less
    sure (white at 1/k), and the boundaries between regions drawn dark."""
    k = values.shape[-1]
    winner, confidence = values.argmax(axis=-1), values.max(axis=-1)
    colours = np.array([[int(class_colour(c)[i:i + 2], 16) for i in (1, 3, 5)] for c in range(k)], dtype=float)
    strength = np.clip((confidence - 1 / k) / (1 - 1 / k), 0, 1)[..., None] * 0.55 + 0.1
    rgb = 255 * (1 - strength) + colours[winner] * strength
    edge = np.zeros(winner.shape, dtype=bool)
    edge[:, 1:] |= winner[:, 1:] != winner[:, :-1]
    edge[1:, :] |= winner[1:, :] != winner[:-1, :]
    rgb[edge] = [60, 60, 60]
    return rgb.astype(np.uint8)


def class_map(plane, names: Sequence[str], points, x_title: str, y_title: str, height: int = 520) -> go.Figure:
    """The class regions over two inputs, with the training rows filled and the test rows outlined, each
    class in its own colour and marker."""
    xs, ys = plane.xs, plane.ys
    fig = go.Figure()
    # One picture stretched over the axes (a go.Image would force one unit per pixel on both axes).
    fig.add_layout_image(source=Image.fromarray(_region_image(plane.values)[::-1]), xref="x", yref="y", x=xs[0],
                         y=ys[-1], sizex=xs[-1] - xs[0], sizey=ys[-1] - ys[0], sizing="stretch", layer="below")
    X_train, X_test, y_train, y_test = points
    for c, name in enumerate(names):
        for X, y, test in ((X_train, y_train, False), (X_test, y_test, True)):
            rows = X[y == c]
            if not len(rows):
                continue
            colour = class_colour(c)
            fig.add_trace(go.Scatter(
                x=rows[:, 0], y=rows[:, 1], mode="markers", name=name, showlegend=not test,
                legendgroup=name, marker=dict(symbol=MARKERS[c % len(MARKERS)], size=10 if test else 9,
                                              color="white" if test else colour,
                                              line=dict(width=2 if test else 1, color=colour if test else "white")),
                hovertemplate=f"{name} ({'test' if test else 'training'} row)<br>%{{x:.3g}}, %{{y:.3g}}"
                              "<extra></extra>"))
    fig.update_xaxes(title=x_title, range=[xs[0], xs[-1]], showgrid=False)
    fig.update_yaxes(title=y_title, range=[ys[0], ys[-1]], showgrid=False)
    fig = style.styled(fig, height, None)
    fig.update_layout(legend=dict(orientation="h", y=-0.14, x=0, yanchor="top", font=dict(size=style.FONT_SIZE - 3)),
                      margin=dict(b=110))
    return fig


def number_map(plane, points, x_title: str, y_title: str, target: str, height: int = 520) -> go.Figure:
    """The predicted number over two inputs as a heatmap (Cividis, readable with every colour vision), with
    the rows on it coloured by their true value on the same scale (test rows as diamonds)."""
    X_train, X_test, y_train, y_test = points
    lo = float(min(plane.values.min(), y_train.min(), y_test.min()))
    hi = float(max(plane.values.max(), y_train.max(), y_test.max()))
    fig = go.Figure(go.Heatmap(x=plane.xs, y=plane.ys, z=plane.values, zmin=lo, zmax=hi, colorscale="Cividis",
                               colorbar=dict(title=dict(text=f"ŷ: {target}")),
                               hovertemplate="%{x:.3g}, %{y:.3g}<br>ŷ = %{z:.4g}<extra></extra>"))
    for X, y, name, symbol in ((X_train, y_train, "training rows", "circle"), (X_test, y_test, "test rows", "diamond")):
        fig.add_trace(go.Scatter(x=X[:, 0], y=X[:, 1], mode="markers", name=name,
                                 marker=dict(symbol=symbol, size=10, color=y, colorscale="Cividis", cmin=lo, cmax=hi,
                                             line=dict(width=1.5, color=style.INK if symbol == "circle" else "white")),
                                 hovertemplate=f"{name}<br>%{{x:.3g}}, %{{y:.3g}}<br>y = %{{marker.color:.4g}}"
                                               "<extra></extra>"))
    fig.update_xaxes(title=x_title, showgrid=False)
    fig.update_yaxes(title=y_title, showgrid=False)
    fig = style.styled(fig, height, None)
    fig.update_layout(legend=dict(orientation="h", y=-0.16, x=0, yanchor="top", font=dict(size=style.FONT_SIZE - 3)),
                      margin=dict(b=100))
    return fig


def confusion(C: np.ndarray, names: Sequence[str], title: str, height: int | None = None,
              clickable: bool = False) -> go.Figure:
    """C[true, predicted] for k classes as an annotated heatmap; ``clickable`` adds one invisible square
    marker per cell (its customdata [true, predicted]) so a click selects the cell."""
    k = len(names)
    total = max(int(C.sum()), 1)
    text = [[f"{C[i, j]}" for j in range(k)] for i in range(k)]
    fig = go.Figure(go.Heatmap(z=C, x=list(range(k)), y=list(range(k)), text=text, texttemplate="%{text}",
                               textfont=dict(size=style.FONT_SIZE + 5), colorscale=[[0, "#FFFFFF"], [1, style.DOG]],
                               showscale=False, customdata=[[[i, j] for j in range(k)] for i in range(k)],
                               hovertemplate="true %{customdata[0]}, predicted %{customdata[1]}: %{z}<extra></extra>"))
    if clickable:
        ii, jj = np.meshgrid(range(k), range(k), indexing="ij")
        # customdata as plain lists: a click hands the browser's copy back, and base64 arrays would not survive.
        fig.add_trace(go.Scatter(x=jj.ravel().tolist(), y=ii.ravel().tolist(), mode="markers",
                                 customdata=np.c_[ii.ravel(), jj.ravel()].tolist(),
                                 marker=dict(symbol="square", size=max(30, 240 // k), opacity=0.01, color="#000"),
                                 hovertemplate=[f"true {names[i]}, predicted {names[j]}: {C[i, j]} photo"
                                                f"{'' if C[i, j] == 1 else 's'} ({C[i, j] / total:.0%})"
                                                "<br>click to see them"
                                                "<extra></extra>" for i, j in zip(ii.ravel(), jj.ravel())],
                                 showlegend=False))
    fig.update_xaxes(title="predicted", tickvals=list(range(k)), ticktext=list(names), side="bottom", showgrid=False,
                     zeroline=False, range=[-0.5, k - 0.5])
    fig.update_yaxes(title="true", tickvals=list(range(k)), ticktext=list(names), showgrid=False, zeroline=False,
                     range=[k - 0.5, -0.5])
    fig = style.styled(fig, height or 160 + 70 * k, title)
    fig.update_layout(clickmode="event+select", dragmode=False)
    return fig


def predicted_vs_true(y_true: np.ndarray, y_pred: np.ndarray, target: str, height: int = 440) -> go.Figure:
    """Each test row's prediction against its true value; on the diagonal is a perfect prediction."""
    lo, hi = float(min(y_true.min(), y_pred.min())), float(max(y_true.max(), y_pred.max()))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[lo, hi], y=[lo, hi], mode="lines", name="ŷ = y (perfect)",
                             line=dict(dash="dash", width=2, color=style.GREY)))
    fig.add_trace(go.Scatter(x=y_true, y=y_pred, mode="markers", name="test rows",
                             marker=dict(size=9, color=style.DOG, line=dict(width=1, color="white")),
                             hovertemplate="true %{x:.4g}<br>predicted %{y:.4g}<extra></extra>"))
    fig.update_xaxes(title=f"true {target}")
    fig.update_yaxes(title=f"predicted {target}")
    fig.update_layout(legend=dict(x=0.02, y=0.98))
    return style.styled(fig, height, "Test rows: predicted against true")


def probability_bars(names: Sequence[str], p: np.ndarray, height: int | None = None) -> go.Figure:
    """One horizontal bar per class: the probability the model gives it."""
    fig = go.Figure(go.Bar(x=p, y=list(names), orientation="h",
                           marker=dict(color=[class_colour(c) for c in range(len(names))]),
                           text=[f"{v:.2f}" for v in p], textposition="outside", cliponaxis=False,
                           hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    fig.update_xaxes(title="probability ŷ_k", range=[0, 1.15])
    fig.update_yaxes(autorange="reversed", title=None)
    return style.styled(fig, height or 120 + 48 * len(names), None)
