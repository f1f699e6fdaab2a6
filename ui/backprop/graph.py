"""Computation graphs drawn as boxes and arrows, forward values in black, backward values in orange."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from lessons.graph import NeuronGraph, WarmUp

from ui import style

_BOX_W, _BOX_H = 1.9, 1.0


@dataclass
class Node:
    key: str
    x: float
    y: float
    title: str          # what the node computes, e.g. "z = w·x + b"
    forward: str        # its value, e.g. "= 1.234"
    backward: str = ""  # its derivative, e.g. "dz = a − y = −0.23"


def fmt(v: float, digits: int = 4) -> str:
    """A number for a node: ``digits`` significant digits, huge slopes in scientific notation, ∞ spelled out."""
    if not np.isfinite(v):
        return "∞" if v > 0 else "−∞"
    return f"{v:.{digits}g}".replace("-", "−")


def fmt_vec(v, digits: int = 4) -> str:
    """A vector for a node, each entry as ``fmt`` writes it: "[0.5, −1.2]"."""
    return "[" + ", ".join(fmt(t, digits) for t in np.ravel(v)) + "]"


def graph_figure(nodes: list[Node], edges: list[tuple[str, str]], height: int = 440,
                 title: str | None = None) -> go.Figure:
    """Boxes at (x, y) with title / forward / backward lines, and an arrow for every (from, to) edge."""
    by_key = {n.key: n for n in nodes}
    fig = go.Figure()
    for a, b in edges:
        p, q = by_key[a], by_key[b]
        fig.add_annotation(x=q.x - _BOX_W / 2, y=q.y, ax=p.x + _BOX_W / 2, ay=p.y, xref="x", yref="y",
                           axref="x", ayref="y", showarrow=True, arrowhead=3, arrowsize=1.3, arrowwidth=3,
                           arrowcolor=style.GREY, text="")
    for n in nodes:
        fig.add_shape(type="rect", x0=n.x - _BOX_W / 2, x1=n.x + _BOX_W / 2, y0=n.y - _BOX_H / 2,
                      y1=n.y + _BOX_H / 2, line=dict(width=3, color="#333"), fillcolor="#F7F7F7", layer="below")
        text = f"<b>{n.title}</b><br>{n.forward}"
        if n.backward:
            text += f"<br><span style='color:{style.ACCENT}'><b>{n.backward}</b></span>"
        fig.add_annotation(x=n.x, y=n.y, text=text, showarrow=False, font=dict(size=style.FONT_SIZE))
    xs, ys = [n.x for n in nodes], [n.y for n in nodes]
    fig.update_xaxes(visible=False, range=[min(xs) - _BOX_W * 0.6, max(xs) + _BOX_W * 0.6])
    fig.update_yaxes(visible=False, range=[min(ys) - _BOX_H * 0.7, max(ys) + _BOX_H * 0.7])
    fig = style.styled(fig, height, title)
    fig.update_layout(margin=dict(l=10, r=10, t=50 if title else 10, b=10), plot_bgcolor="white")
    return fig


def neuron_graph_figure(g: NeuronGraph, height: int = 520) -> go.Figure:
    """x, w, b → z → a → L with the forward values, and dL/d(node) under each."""
    label = "dog" if g.y == 1 else "cat"
    nodes = [
        Node("x", 0, 2.5, "x (input)", "= " + fmt_vec(g.x, 3)),
        Node("w", 0, 1.25, "w (weights)", "= " + fmt_vec(g.w, 3), "dw = x·dz<br>= " + fmt_vec(g.dw, 3)),
        Node("b", 0, 0, "b (bias)", f"= {fmt(g.b)}", f"db = dz<br>= {fmt(g.db)}"),
        Node("z", 2.35, 1.25, "z = w·x + b", f"= {fmt(g.z)}", f"dz = a − y<br>= {fmt(g.dz)}"),
        Node("a", 4.7, 1.25, "a = σ(z)", f"= {fmt(g.a)}", f"dL/da<br>= {fmt(g.da)}"),
        Node("y", 4.7, 0, "y (label)", f"= {int(g.y)} ({label})"),
        Node("L", 7.05, 1.25, "L(a, y)", f"= {fmt(g.L)}", "dL/dL = 1"),
    ]
    edges = [("x", "z"), ("w", "z"), ("b", "z"), ("z", "a"), ("a", "L"), ("y", "L")]
    return graph_figure(nodes, edges, height)


def warm_up_figure(g: WarmUp, height: int = 480) -> go.Figure:
    """J = 3(a + b·c) as u = b·c, v = a + u, J = 3v, with dJ/d(node) under each value."""
    nodes = [
        Node("a", 0, 2.5, "a", f"= {fmt(g.a)}", f"dJ/da = {fmt(g.da)}"),
        Node("b", 0, 1.25, "b", f"= {fmt(g.b)}", f"dJ/db = 3c<br>= {fmt(g.db)}"),
        Node("c", 0, 0, "c", f"= {fmt(g.c)}", f"dJ/dc = 3b<br>= {fmt(g.dc)}"),
        Node("u", 2.35, 0.6, "u = b·c", f"= {fmt(g.u)}", f"dJ/du = {fmt(g.du)}"),
        Node("v", 4.7, 1.5, "v = a + u", f"= {fmt(g.v)}", f"dJ/dv = {fmt(g.dv)}"),
        Node("J", 7.05, 1.5, "J = 3v", f"= {fmt(g.J)}", "dJ/dJ = 1"),
    ]
    edges = [("b", "u"), ("c", "u"), ("a", "v"), ("u", "v"), ("v", "J")]
    return graph_figure(nodes, edges, height)


def loss_steps_figure(losses, height: int = 380) -> go.Figure:
    """L after each gradient-descent step, starting from step 0 (the starting weights)."""
    steps = np.arange(len(losses))
    fig = go.Figure(go.Scatter(x=steps, y=losses, mode="lines+markers", name="loss L",
                               line=dict(width=4, color=style.DOG), marker=dict(size=10)))
    fig.update_xaxes(title="gradient-descent step", dtick=1 if len(losses) <= 12 else None,
                     range=[-0.3, max(len(losses) - 1, 1) + 0.3])
    fig.update_yaxes(title="loss L", rangemode="tozero")
    return style.styled(fig, height, "Loss after each step")
