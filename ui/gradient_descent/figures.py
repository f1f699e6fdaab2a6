"""Gradient-descent page: the five synchronised views of one frame (step k) of up to three runs."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from engine.activations import sigmoid

from ui import figures, style
from ui.gradient_descent.scene import Run, Scene

CONTOUR_SCALE = [[0.0, "#FFFFFF"], [0.35, "#D9DEE6"], [1.0, "#7D8A99"]]  # pale: the paths stay visible
SURFACE_SCALE = [[0.0, "#C9D6E3"], [1.0, "#5E6B7A"]]  # darker than the page, so the flat rim shows


def fmt(v: float, digits: int = 4) -> str:
    """A number for the screen: never "nan" or "inf"."""
    return f"{v:.{digits}g}" if np.isfinite(v) else "—"


def _clip(scene: Scene, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Plotly clips lines at the axes itself; this only stops 1e300-sized numbers reaching the browser.
    w_lo, w_hi, b_lo, b_hi = scene.window
    span_w, span_b = w_hi - w_lo, b_hi - b_lo
    return np.clip(w, w_lo - 5 * span_w, w_hi + 5 * span_w), np.clip(b, b_lo - 5 * span_b, b_hi + 5 * span_b)


def _log_ticks(J: np.ndarray) -> tuple[list[float], list[str]]:
    lo, hi = np.log10(max(np.nanmin(J), 1e-6)), np.log10(np.nanmax(J))
    nice = [v * 10.0 ** e for e in range(-3, 6) for v in (1, 2, 5)]
    keep = [v for v in nice if lo - 1e-9 <= np.log10(v) <= hi + 1e-9] or [10 ** lo]
    return [float(np.log10(v)) for v in keep], [f"{v:g}" for v in keep]


def contour(scene: Scene, frame: int) -> go.Figure:
    """Contours of J(w, b) (log-spaced), each run's path up to step k, its current point, the start,
    the minimum, and run A's direction of steepest descent −∇J = (−dw, −db) as an arrow."""
    with np.errstate(divide="ignore"):
        logJ = np.log10(scene.J_grid)
    tickvals, ticktext = _log_ticks(scene.J_grid)
    # float32 halves what every playback tick sends to the browser; plenty for a picture.
    fig = go.Figure(go.Contour(
        x=scene.w_grid.astype(np.float32), y=scene.b_grid.astype(np.float32), z=logJ.astype(np.float32),
        ncontours=24, colorscale=CONTOUR_SCALE, line=dict(width=1, color="#8893A0"), name="J(w, b)",
        colorbar=dict(title=dict(text="cost J", side="right"), tickvals=tickvals, ticktext=ticktext,
                      thickness=16), hoverinfo="skip"))
    for run in scene.runs:
        _path_2d(fig, scene, run, frame)
    w0, b0 = scene.runs[0].path.w[0], scene.runs[0].path.b[0]
    fig.add_trace(go.Scatter(x=[w0], y=[b0], mode="markers+text", name="start (w₀, b₀)", text=["start"],
                             textposition="top center", textfont=dict(size=16), showlegend=False,
                             marker=dict(size=14, color="#111", symbol="circle-open", line=dict(width=3))))
    if scene.minimum is not None:
        fig.add_trace(go.Scatter(x=[scene.minimum.w], y=[scene.minimum.b], mode="markers+text",
                                 name=f"minimum, J* = {scene.minimum.J:.3f}", showlegend=False,
                                 text=["minimum"], textposition="bottom center",
                                 textfont=dict(size=16, color="#111"),
                                 marker=dict(size=22, color=style.GREEN, symbol="star",
                                             line=dict(width=1.5, color="#111"))))
    _gradient_arrow(fig, scene, scene.runs[0], frame)
    fig.update_xaxes(title="weight w", range=scene.window[:2])
    fig.update_yaxes(title="bias b", range=scene.window[2:])
    fig.update_layout(uirevision="gd-contour", showlegend=True,
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=15)))
    fig = style.styled(fig, 560)
    fig.update_layout(margin=dict(t=20 + 28 * len(scene.runs)))
    return fig


def _path_2d(fig: go.Figure, scene: Scene, run: Run, frame: int) -> None:
    k = min(frame, run.path.steps)
    w, b = _clip(scene, run.path.w[:k + 1], run.path.b[:k + 1])
    fig.add_trace(go.Scatter(x=w, y=b, mode="lines+markers", name=run.label,
                             line=dict(width=3, color=run.color), marker=dict(size=7, color=run.color),
                             hovertemplate="step %{text}<br>w = %{x:.3f}<br>b = %{y:.3f}<extra></extra>",
                             text=np.arange(k + 1)))
    symbol = "x" if run.path.diverged and k == run.path.steps else "circle"
    fig.add_trace(go.Scatter(x=w[-1:], y=b[-1:], mode="markers", showlegend=False, hoverinfo="skip",
                             marker=dict(size=18, color=run.color, symbol=symbol,
                                         line=dict(width=2, color="#111"))))


def _gradient_arrow(fig: go.Figure, scene: Scene, run: Run, frame: int) -> None:
    p = run.path
    if frame >= p.steps or not np.isfinite([p.dw[frame], p.db[frame]]).all():
        return
    w, b = p.w[frame], p.b[frame]
    if scene.outside(w, b):
        return
    w_lo, w_hi, b_lo, b_hi = scene.window
    # The arrow shows the direction of −∇J at a fixed on-screen length; its size is in the numbers.
    sw, sb = w_hi - w_lo, b_hi - b_lo
    dx, dy = -p.dw[frame] / sw, -p.db[frame] / sb
    norm = np.hypot(dx, dy)
    if norm == 0:
        return
    tip_w, tip_b = w + 0.18 * sw * dx / norm, b + 0.18 * sb * dy / norm
    fig.add_annotation(x=tip_w, y=tip_b, ax=w, ay=b, xref="x", yref="y", axref="x", ayref="y",
                       showarrow=True, arrowhead=3, arrowsize=1.2, arrowwidth=4, arrowcolor=style.ACCENT,
                       text="−∇J", font=dict(size=18, color=style.ACCENT), xanchor="left")


def surface3d(scene: Scene, frame: int) -> go.Figure:
    """J(w, b) as a 3-D bowl with each run's path (w, b, J) drawn on it up to step k."""
    # Every other grid line: a 60 × 60 mesh looks the same and redraws twice as fast each tick.
    sub = slice(None, None, 2)
    J = scene.J_grid[sub, sub].astype(np.float32)
    fig = go.Figure(go.Surface(x=scene.w_grid[sub].astype(np.float32), y=scene.b_grid[sub].astype(np.float32),
                               z=J, colorscale=SURFACE_SCALE, showscale=False, opacity=0.85, name="J(w, b)",
                               hovertemplate="w = %{x:.2f}<br>b = %{y:.2f}<br>J = %{z:.3f}<extra></extra>"))
    w_lo, w_hi, b_lo, b_hi = scene.window
    for run in scene.runs:
        k = min(frame, run.path.steps)
        w, b, J = run.path.w[:k + 1], run.path.b[:k + 1], run.path.J[:k + 1].copy()
        outside = scene.outside(w, b)
        w, b = np.where(outside, np.nan, w), np.where(outside, np.nan, b)
        J[outside] = np.nan
        fig.add_trace(go.Scatter3d(x=w, y=b, z=J, mode="lines+markers", name=run.label,
                                   line=dict(width=7, color=run.color), marker=dict(size=3, color=run.color)))
        fig.add_trace(go.Scatter3d(x=w[-1:], y=b[-1:], z=J[-1:], mode="markers", showlegend=False,
                                   marker=dict(size=8, color=run.color, line=dict(width=2, color="#111"))))
    axis = dict(title_font=dict(size=17), tickfont=dict(size=13))
    fig.update_layout(scene=dict(xaxis=dict(title="w", range=[w_lo, w_hi], **axis),
                                 yaxis=dict(title="b", range=[b_lo, b_hi], **axis),
                                 zaxis=dict(title="cost J", **axis),
                                 camera=dict(eye=dict(x=-1.5, y=-1.5, z=1.1))),
                      uirevision="gd-surface", showlegend=False)
    fig = style.styled(fig, 560)
    fig.update_layout(margin=dict(l=0, r=0, t=10, b=0))
    return fig


def cost_curve(scene: Scene, frame: int) -> go.Figure:
    """J against step for every run, up to step k, on fixed axes so the curve visibly grows."""
    fig = go.Figure()
    all_J = np.concatenate([r.path.J for r in scene.runs])
    lo, hi = float(np.nanmin(all_J)), float(np.nanmax(all_J))
    log_y = hi / max(lo, 1e-12) > 30
    for run in scene.runs:
        k = min(frame, run.path.steps)
        fig.add_trace(go.Scatter(x=np.arange(k + 1), y=run.path.J[:k + 1], mode="lines+markers",
                                 name=run.label, line=dict(width=3, color=run.color),
                                 marker=dict(size=5, color=run.color)))
    if scene.minimum is not None:
        fig.add_hline(y=scene.minimum.J, line=dict(dash="dash", color=style.GREEN, width=2),
                      annotation_text=f"minimum J* = {scene.minimum.J:.3f}", annotation_position="top right")
        lo = min(lo, scene.minimum.J)
    y_range = [np.log10(lo) - 0.1, np.log10(hi) + 0.1] if log_y else [max(0.0, lo - 0.05 * (hi - lo)),
                                                                          hi + 0.05 * (hi - lo) + 1e-3]
    fig.update_xaxes(title="step (number of updates)", range=[0, scene.steps])
    fig.update_yaxes(title="cost J" + (" (log scale)" if log_y else ""), type="log" if log_y else "linear",
                     range=y_range)
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=15)))
    return style.styled(fig, 420)


def data_fit(scene: Scene, frame: int) -> go.Figure:
    """The cats and dogs on the x axis with run A's current σ(w x + b) and its 0.5 threshold x = −b/w."""
    run = scene.runs[0]
    k = min(frame, run.path.steps)
    w, b = float(run.path.w[k]), float(run.path.b[k])
    lo, hi = float(scene.x.min()), float(scene.x.max())
    pad = 0.15 * (hi - lo)
    x_grid = np.linspace(lo - pad, hi + pad, 300)
    with np.errstate(over="ignore", invalid="ignore"):
        p_grid = sigmoid(w * x_grid + b)
    fig = figures.one_feature_fit(scene.x, scene.y, x_grid, p_grid, height=420)
    fig.data[-1].name = f"ŷ = σ({fmt(w, 3)}·x + {fmt(b, 3)})"
    if w != 0 and lo - pad <= -b / w <= hi + pad:
        fig.add_vline(x=-b / w, line=dict(color=style.ACCENT, width=3, dash="dash"),
                      annotation_text=f"ŷ = 0.5 at x = {-b / w:.2f}", annotation_position="bottom right",
                      annotation_font=dict(size=15, color=style.ACCENT))
    fig.update_xaxes(range=[lo - pad, hi + pad])
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, font=dict(size=15)))
    return fig


UPDATE_RULES = {
    "gd": r"w := w - \alpha\,dw \qquad b := b - \alpha\,db",
    "momentum": r"v := \beta v + (1-\beta)\,d\theta \qquad \theta := \theta - \alpha\,v",
    "rmsprop": r"s := \beta s + (1-\beta)\,d\theta^2 \qquad \theta := \theta - \alpha\,\frac{d\theta}{\sqrt{s}+\varepsilon}",
    "adam": r"\theta := \theta - \alpha\,\frac{\hat v}{\sqrt{\hat s}+\varepsilon}"
            r"\quad(\hat v, \hat s\text{: bias-corrected averages of } d\theta,\ d\theta^2)",
}


def update_latex(run: Run, frame: int) -> list[str]:
    """The update from step k to k + 1 in numbers, as LaTeX lines (empty past the last step)."""
    p = run.path
    if frame >= p.steps:
        return []
    a = p.learning_rate
    w, b, w1, b1, dw, db = p.w[frame], p.b[frame], p.w[frame + 1], p.b[frame + 1], p.dw[frame], p.db[frame]
    lines = [UPDATE_RULES[p.optimizer],
             rf"dw = {fmt(dw)}, \quad db = {fmt(db)} \quad \text{{(gradient at step {frame})}}"]
    if p.optimizer == "gd":
        lines += [rf"w = {fmt(w)} - {a:g} \times ({fmt(dw)}) = {fmt(w1)}",
                  rf"b = {fmt(b)} - {a:g} \times ({fmt(db)}) = {fmt(b1)}"]
    else:
        # The optimizer's direction u (v, or the scaled gradient), read off the step it took.
        uw, ub = (w - w1) / a, (b - b1) / a
        lines += [rf"w = {fmt(w)} - {a:g} \times ({fmt(uw)}) = {fmt(w1)}",
                  rf"b = {fmt(b)} - {a:g} \times ({fmt(ub)}) = {fmt(b1)}"]
    return lines
