"""The neuron drawn as a diagram: inputs, weighted edges, the sum z, the sigmoid, the output class."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from ui import style

# Diagram coordinates (arbitrary units): inputs on the left, output on the right.
_X_INPUT, _X_SUM, _X_ACT, _X_OUT = 0.0, 3.0, 5.6, 7.6
_MAX_EDGE_WIDTH = 14.0


def contribution_color(c: float) -> str:
    """A contribution to z that pushes it up (towards dog) is blue; one that pushes it down, orange."""
    return style.DOG if c >= 0 else style.CAT


def _edge_width(c: float, c_max: float) -> float:
    """1.5 px for a contribution of 0, growing with |c| up to the widest edge at |c| ≥ c_max."""
    return 1.5 + _MAX_EDGE_WIDTH * min(abs(c) / c_max, 1.0)


def neuron_figure(x: Sequence[float], w: Sequence[float], b: float, z: float, a: float,
                  w_max: float = 3.0, height: int = 430) -> go.Figure:
    """A drawing of z = w·x + b, a = σ(z). Each input edge shows its contribution w_k·x_k to z:
    thickness ∝ |w_k·x_k|, blue where it pushes z up (towards dog), orange where it pushes z down."""
    n = len(x)
    ys = [(n - 1) / 2 - k for k in range(n)]
    c_max = w_max * w_max  # the largest |w·x| the sliders allow
    fig = go.Figure()
    for k, (xk, wk, yk) in enumerate(zip(x, w, ys), start=1):
        c = wk * xk
        fig.add_trace(go.Scatter(x=[_X_INPUT, _X_SUM], y=[yk, 0], mode="lines", hoverinfo="skip",
                                 line=dict(width=_edge_width(c, c_max), color=contribution_color(c)),
                                 showlegend=False))
        fig.add_annotation(x=_X_INPUT + 1.3, y=yk * 0.58 + 0.22, text=f"<b>w{k}·x{k} = {c:+.2f}</b>",
                           showarrow=False, font=dict(size=style.FONT_SIZE, color=contribution_color(c)),
                           bgcolor="rgba(255,255,255,0.85)")
    # Bias: an edge from below into the sum; its contribution to z is b itself.
    fig.add_trace(go.Scatter(x=[_X_SUM, _X_SUM], y=[-1.75, 0], mode="lines", hoverinfo="skip",
                             line=dict(width=_edge_width(b, c_max), color=contribution_color(b)), showlegend=False))
    fig.add_annotation(x=_X_SUM, y=-1.95, text=f"<b>b = {b:+.2f}</b>", showarrow=False,
                       font=dict(size=style.FONT_SIZE, color=contribution_color(b)))
    for x0, x1 in ((_X_SUM, _X_ACT), (_X_ACT, _X_OUT)):
        fig.add_trace(go.Scatter(x=[x0, x1], y=[0, 0], mode="lines", hoverinfo="skip",
                                 line=dict(width=4, color=style.GREY), showlegend=False))
    label = int(a >= 0.5)
    cls = "dog (y = 1)" if label else "cat (y = 0)"
    nodes = [(_X_INPUT, yk, f"x{k} = {xk:+.2f}", "#FFFFFF", 46) for k, (xk, yk) in enumerate(zip(x, ys), start=1)]
    nodes += [(_X_SUM, 0, "Σ", "#FFFFFF", 70), (_X_ACT, 0, "σ", "#FFFFFF", 70),
              (_X_OUT, 0, "", style.CLASS_COLORS[label], 52)]
    fig.add_trace(go.Scatter(x=[p[0] for p in nodes], y=[p[1] for p in nodes], mode="markers",
                             marker=dict(size=[p[4] for p in nodes], color=[p[3] for p in nodes], opacity=1,
                                         line=dict(width=3, color="#333")),
                             hoverinfo="skip", showlegend=False))
    for nx, ny, text, _, _ in nodes:
        if text in ("Σ", "σ"):
            fig.add_annotation(x=nx, y=ny, text=f"<b>{text}</b>", showarrow=False, font=dict(size=30))
        elif text:
            fig.add_annotation(x=nx - 0.45, y=ny, text=f"<b>{text}</b>", showarrow=False, xanchor="right",
                               font=dict(size=style.FONT_SIZE + 1))
    fig.add_annotation(x=_X_SUM + 0.2, y=0.62, text=f"<b>z = {z:+.3f}</b>", showarrow=False,
                       font=dict(size=style.FONT_SIZE + 2))
    fig.add_annotation(x=_X_ACT, y=0.78, text=f"<b>a = σ(z)<br>= {a:.3f}</b>", showarrow=False,
                       font=dict(size=style.FONT_SIZE + 2))
    fig.add_annotation(x=_X_OUT, y=-0.62, text=f"<b>{cls}</b><br>a {'≥' if label else '<'} 0.5",
                       showarrow=False, font=dict(size=style.FONT_SIZE + 1, color=style.CLASS_COLORS[label]))
    fig.update_xaxes(visible=False, range=[-2.9, _X_OUT + 1.1])
    fig.update_yaxes(visible=False, range=[-2.3, (n - 1) / 2 + 0.7])
    fig = style.styled(fig, height)
    fig.update_layout(margin=dict(l=10, r=10, t=10, b=10), plot_bgcolor="white")
    return fig
