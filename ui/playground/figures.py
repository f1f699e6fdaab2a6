"""Plotly figures of the network playground: decision boundary, learning curves, the network drawn
as a graph of per-unit heatmaps, per-layer diagnostics, and the depth-vs-width overlay. The pictures
inside two of them (P(dog) over the plane, the graph's tiles and edges) are drawn by ``images``.

The live figures are plain figure dicts ({"data": [...], "layout": {...}}, drawn by ``ui.live_frames`` and
``ui.live_chart``) rather than ``go.Figure`` objects: Plotly's property-by-property checking costs ~40 ms a
figure. Each chart's styled layout is built once with ``ui.style.styled`` and cached (``_figure``); the
traces are added as they are. While training, the decision boundary and the learning curves are not built
here at all: the browser draws each frame from the grid and the new points (``boundary_grid``,
``curve_series``, ``batch_series``), by the rules these figures carry (``layout.meta``, ``meta.live``).
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import plotly.graph_objects as go
from PIL import ImageColor

from ui import present, style
from ui.playground import images

MAX_CURVE_POINTS = 800  # longer histories are thinned: the screen has fewer pixels than that anyway
_LAYOUTS: dict[str, dict] = {}


def _figure(traces: list[dict], height: int, title: str | None, layout: dict | None = None,
            after: dict | None = None, extra: dict | None = None) -> dict:
    """A figure dict in the house style: the layout of ``styled(go.Figure(layout=layout), height,
    title)`` then ``update_layout(after)``, cached by its arguments; ``extra`` top-level layout keys
    (per-frame images, annotations) and the traces are added as they are."""
    key = json.dumps([height, title, layout, after, present.is_on()], sort_keys=True, default=str)
    base = _LAYOUTS.get(key)
    if base is None:
        fig = style.styled(go.Figure(layout=layout or {}), height, title)
        # Tick labels stay inside our margins; not checking each one for overflow saves Plotly a
        # text measurement per label on every live redraw (~25 % of a learning-curve redraw).
        fig.update_xaxes(ticklabeloverflow="allow")
        fig.update_yaxes(ticklabeloverflow="allow")
        if after:
            fig.update_layout(after)
        if len(_LAYOUTS) > 256:
            _LAYOUTS.clear()
        base = _LAYOUTS[key] = fig.layout.to_plotly_json()
    return {"data": traces, "layout": {**base, **(extra or {})}}


def _thin_xy(x: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, v) with at most MAX_CURVE_POINTS points, evenly spread, always keeping the last one."""
    if len(v) <= MAX_CURVE_POINTS:
        return x, v
    idx = np.unique(np.r_[np.linspace(0, len(v) - 1, MAX_CURVE_POINTS).astype(int), len(v) - 1])
    return x[idx], v[idx]


def _thin(values) -> tuple[np.ndarray, np.ndarray]:
    """(epochs 1, 2, …, values) with at most MAX_CURVE_POINTS points, always keeping the last one."""
    values = np.asarray(values, dtype=float)
    return _thin_xy(np.arange(1, len(values) + 1), values)


def _digest(*arrays: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=8)
    for a in arrays:
        h.update(np.ascontiguousarray(a).tobytes())
    return h.hexdigest()


def boundary_grid(xs, task: str = "binary", k: int = 2, scale: tuple[float, float] | None = None) -> dict:
    """How the browser draws the network's output under the decision-boundary chart (``ui.live_frames``): an
    r × r grid (rows following y) stretched over [lo, hi]² (the grid points are cell centres),
    ``images.BOUNDARY_UPSCALE`` image pixels per grid cell. "binary": P(dog), coloured with ``palette`` (256
    RGB triples: index i < 255 is P = i / 254, 255 the line) and outlined where P crosses 0.5. "classes": the
    arg-max class and its probability, each class one of ``colors`` (``style.CLASS_PALETTE``), paler where
    P is lower, outlined where the class changes. "value": a regression's number over ``scale`` [lo, hi],
    coloured with ``palette`` (Viridis), no line."""
    d = float(xs[1] - xs[0]) if len(xs) > 1 else 1.0
    spec = {"kind": "binary" if task == "binary" else "classes" if task == "classes" else "value",
            "r": len(xs), "extent": [float(xs[0]) - d / 2, float(xs[-1]) + d / 2], "upscale": images.BOUNDARY_UPSCALE}
    if task == "classes":
        return spec | {"k": int(k), "colors": [list(ImageColor.getrgb(c)) for c in style.CLASS_PALETTE[:k]],
                       "line": list(images.BOUNDARY_LINE)}
    if task == "regression":
        return spec | {"palette": images.value_palette(), "line": False, "scale": list(scale)}
    return spec | {"palette": images.probability_palette()}


def value_scale(*ys: np.ndarray) -> tuple[float, float]:
    """The colour scale [lo, hi] of a regression's map: the numbers' range with 10 % to spare (±1 when
    there are none), fixed for a run so a frame never rescales."""
    values = np.concatenate([np.asarray(y, dtype=float).ravel() for y in ys]) if ys else np.zeros(0)
    if not values.size:
        return -1.0, 1.0
    lo, hi = float(values.min()), float(values.max())
    pad = 0.1 * (hi - lo) if hi > lo else 1.0
    return round(lo - pad, 3), round(hi + pad, 3)


CLASS_NAMES = {0: "cat", 1: "dog"}


def _binary_traces(P, xs, ys, X_train, y_train, X_test, y_test, live) -> list[dict]:
    traces = [
        # the colour bar, on a trace with no visible points
        dict(type="scatter", x=[None, None], y=[None, None], mode="markers", showlegend=False, hoverinfo="skip",
             marker=dict(color=[0, 1], cmin=0, cmax=1, colorscale=style.DIVERGING, opacity=images.HEATMAP_OPACITY,
                         showscale=True, colorbar=dict(title=dict(text="P(dog)"), thickness=12, len=0.8,
                                                       tickvals=[0, 0.5, 1], x=1.01, xpad=4))),
        # the boundary line is drawn with the probabilities; this entry names it in the legend
        dict(type="scatter", x=[None], y=[None], mode="lines", name="ŷ = 0.5 (decision boundary)",
             line=dict(width=3, color="#222222"), hoverinfo="skip"),
    ]
    if not live:
        traces.append(dict(type="heatmap", x=xs, y=ys, z=np.round(P, 4), zmin=0, zmax=1, opacity=0, showscale=False,
                           showlegend=False, name="P(dog)",
                           hovertemplate="x1 = %{x:.2f}<br>x2 = %{y:.2f}<br>P(dog) = %{z:.3f}<extra></extra>"))
    for X, y, kind in ((X_train, y_train, "train"), (X_test, y_test, "test")):
        for label, animal in ((0, "cat"), (1, "dog")):
            mask = y == label
            # Test points: a thin dark outline, so they read as different without hiding the boundary.
            outline = dict(width=1.2, color="#111111") if kind == "test" else dict(width=0.8, color="#FFFFFF")
            traces.append(dict(
                type="scatter", x=X[mask, 0], y=X[mask, 1], mode="markers", name=f"{kind} {animal} (y = {label})",
                # Cat circles, dog squares: colour is never the only channel (WCAG 1.4.1).
                marker=dict(size=8 if kind == "train" else 9, color=style.CLASS_COLORS[label], line=outline,
                            symbol=style.CLASS_MARKERS[label]),
                hovertemplate=f"{kind} {animal}<br>x1 = %{{x:.2f}}<br>x2 = %{{y:.2f}}<extra></extra>"))
    return traces


def _class_traces(P, xs, ys, X_train, y_train, X_test, y_test, live, k: int) -> list[dict]:
    """k classes: each its colour and its marker shape; train points filled, test points with a dark rim.
    Paused, an invisible heatmap gives the class and its probability on hover (P = ``grid.class_map``'s
    (classes, probability, margin))."""
    traces = []
    if not live:
        classes, confidence = P[0], P[1]
        traces.append(dict(type="heatmap", x=xs, y=ys, z=np.round(confidence, 4), customdata=classes, zmin=0, zmax=1,
                           opacity=0, showscale=False, showlegend=False, name="class",
                           hovertemplate="x1 = %{x:.2f}<br>x2 = %{y:.2f}<br>class %{customdata}, "
                                         "P = %{z:.3f}<extra></extra>"))
    for X, y, kind in ((X_train, y_train, "train"), (X_test, y_test, "test")):
        for c in range(k):
            mask = np.asarray(y) == c
            outline = dict(width=1.6, color="#111111") if kind == "test" else dict(width=1.0, color="#FFFFFF")
            traces.append(dict(
                type="scatter", x=X[mask, 0], y=X[mask, 1], mode="markers", name=f"class {c}",
                legendgroup=f"class {c}", showlegend=kind == "train",
                marker=dict(size=10 if kind == "train" else 11, color=style.CLASS_PALETTE[c], line=outline,
                            symbol=style.CLASS_MARKERS[c]),
                hovertemplate=f"{kind} class {c}<br>x1 = %{{x:.2f}}<br>x2 = %{{y:.2f}}<extra></extra>"))
    return traces


def _value_traces(V, xs, ys, X_train, y_train, X_test, y_test, live, scale) -> list[dict]:
    """Regression: the numbers as a colour scale (Viridis) with its colour bar; each point coloured by its
    own y on the same scale (a good fit: the point melts into the map), train circles, test diamonds."""
    lo, hi = scale
    traces = [dict(type="scatter", x=[None, None], y=[None, None], mode="markers", showlegend=False, hoverinfo="skip",
                   marker=dict(color=[lo, hi], cmin=lo, cmax=hi, colorscale="Viridis", opacity=images.HEATMAP_OPACITY,
                               showscale=True, colorbar=dict(title=dict(text="ŷ"), thickness=12, len=0.8, x=1.01,
                                                             xpad=4)))]
    if not live:
        traces.append(dict(type="heatmap", x=xs, y=ys, z=np.round(V, 4), opacity=0, showscale=False, showlegend=False,
                           name="ŷ", hovertemplate="x1 = %{x:.2f}<br>x2 = %{y:.2f}<br>ŷ = %{z:.3f}<extra></extra>"))
    for X, y, kind in ((X_train, y_train, "train"), (X_test, y_test, "test")):
        traces.append(dict(
            type="scatter", x=X[:, 0], y=X[:, 1], mode="markers", name=kind, customdata=np.round(y, 3),
            marker=dict(size=9 if kind == "train" else 10, color=np.round(y, 4), cmin=lo, cmax=hi, colorscale="Viridis",
                        symbol="circle" if kind == "train" else "diamond",
                        line=dict(width=1.0 if kind == "train" else 1.6, color="#FFFFFF" if kind == "train" else "#111111")),
            hovertemplate=f"{kind}<br>x1 = %{{x:.2f}}<br>x2 = %{{y:.2f}}<br>y = %{{customdata}}<extra></extra>"))
    return traces


def decision_boundary(xs, ys, P, X_train, y_train, X_test, y_test, *, live: bool = False, height: int = 420,
                      title: str | None = None, task: str = "binary", k: int = 2,
                      scale: tuple[float, float] | None = None, clickable: bool = False) -> dict:
    """The network's output over the plane, train points filled, test points outlined. ``task`` "binary":
    P(dog) with the ŷ = 0.5 boundary; "classes": each region in its class's colour (``k`` classes, each also
    with its own marker shape), paler where less sure; "regression": ŷ on a colour ``scale`` (lo, hi).

    The output itself is not in the figure: the browser draws it from a grid (``boundary_grid`` in
    ``layout.meta``; ``ui.live_frames``) in a canvas under the chart, whose backgrounds are transparent, so
    a frame while training changes no trace. With ``live=False`` (paused) the figure also carries an
    invisible heatmap of the output ``P`` (binary: P (r, r); classes: (classes, probability, margin); regression:
    ŷ (r, r)), so hovering anywhere reads x1, x2 and the output; its revision follows P. ``P`` may be None
    when ``live``. ``clickable`` (a drawn set: a click places a point) turns off drag-to-zoom.
    """
    if task == "classes":
        traces = _class_traces(P, xs, ys, X_train, y_train, X_test, y_test, live, k)
    elif task == "regression":
        traces = _value_traces(P, xs, ys, X_train, y_train, X_test, y_test, live, scale)
    else:
        traces = _binary_traces(P, xs, ys, X_train, y_train, X_test, y_test, live)
    extent = [float(xs[0]), float(xs[-1])]
    layout = dict(xaxis=dict(title=dict(text="x1 (data units)"), range=extent, constrain="domain"),
                  yaxis=dict(title=dict(text="x2 (data units)"), range=extent, scaleanchor="x",
                             constrain="domain"))
    # No legend for two classes or numbers: the caption under the chart names the marks, so the plot keeps the
    # chart's width; k classes get one row above the plot (colour and shape of each). The backgrounds are
    # see-through: the output is drawn beneath the chart, the grid lines above it.
    after = dict(showlegend=False, margin=dict(l=55, r=10, t=10, b=50), paper_bgcolor="rgba(0,0,0,0)",
                 plot_bgcolor="rgba(0,0,0,0)")
    if task == "classes":
        after |= dict(showlegend=True, legend=dict(orientation="v", x=1.02, y=1, xanchor="left", yanchor="top",
                                                   itemclick=False, itemdoubleclick=False, tracegroupgap=2))
    if clickable:
        after |= dict(dragmode=False)
    points = _digest(X_train, y_train, X_test, y_test)
    grid_arrays = [] if P is None else ([*P] if task == "classes" else [P])
    revision = f"{points}:live" if live else f"{points}:{_digest(*grid_arrays)}"
    return _figure(traces, height, title, layout, after,
                   extra=dict(datarevision=revision, uirevision=points,
                              meta=dict(grid=boundary_grid(xs, task, k, scale))))


def _panel_title(text: str, x: float, y: float, size: int = style.FONT_SIZE) -> dict:
    """A subplot's title: an annotation whose bottom-left corner sits at (x, y) in paper coordinates."""
    return dict(text=text, x=x, y=y, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                showarrow=False, font=dict(size=size))


def _epoch_axis_end(epochs: int) -> int:
    """The right end of the epoch axis: the first of 10, 20, 50, 100, 200, 500, … that holds ``epochs``.
    The axis then stays put for many frames instead of rescaling on every one."""
    end = 10
    while end < epochs:
        end = end * 5 // 2 if str(end)[0] == "2" else end * 2
    return end


def _rounded(values, which: str) -> np.ndarray:
    """What a chart can show (a quarter of the JSON a frame used to take): J to 5 decimals, accuracy in
    percent to 2. The same rule for the figure and the series the browser extends it with."""
    v = np.asarray(values, dtype=float)
    return np.round(100 * v, 2) if which in ("accuracy", "r2") else np.round(v, 5)


CURVE_SERIES = {f"{kind}_{which}": (kind, which) for which in ("cost", "accuracy") for kind in ("train", "test")}
R2_SERIES = {f"{kind}_{which}": (kind, which) for which in ("cost", "r2") for kind in ("train", "test")}


def curve_series(records, start: int = 0, second: str = "accuracy") -> dict:
    """The learning curves' points from epoch ``start`` + 1 on, as ``ui.live_frames`` series: train and test
    J and accuracy (%) (``second`` "r2": R² (%), for a regression), rounded as ``learning_curves`` draws them."""
    from ui.live_frames import finite
    series = R2_SERIES if second == "r2" else CURVE_SERIES
    return {name: {"from": int(start), "values": finite(_rounded(_values(records[start:], name), which))}
            for name, (_, which) in series.items()}


def _values(records, name: str) -> list[float]:
    """One attribute of each record; None (no test set yet: a drawn set of 3 points) as NaN, a gap."""
    return [np.nan if (v := getattr(r, name)) is None else v for r in records]


def batch_series(batches, start: int = 0) -> dict:
    """The mini-batch costs from step ``start`` on: where each sits on the epoch axis and its J."""
    from ui.live_frames import finite
    at = np.asarray(batches[start:], dtype=float).reshape(-1, 2)
    return {"batch_at": {"from": int(start), "values": finite(np.round(at[:, 0], 4))},
            "batch_cost": {"from": int(start), "values": finite(np.round(at[:, 1], 5))}}


def learning_curves(records, height: int = 620, batches=None, epochs: int | None = None,
                    cost_name: str = "cross-entropy", cost_formula: str = "", second: str = "accuracy") -> dict:
    """Train and test cost J (top) and accuracy (bottom) per epoch, on one shared epoch axis.

    The cost panel's title names the cost (``cost_name``) and, if given, its formula (``cost_formula``, one
    line of plain text, e.g. ``engine.outputs.OutputSpec.cost_formula``); ``second`` "r2" puts R² (%) of a
    regression in the bottom panel instead of accuracy.

    ``batches`` [(epoch − 1 + step/steps, J of that mini-batch), …] adds the mini-batch costs under the
    epoch curves, so a long epoch is seen moving; ``epochs`` (the run's length) fixes the epoch axis.

    Each trace's ``meta.live`` says which series it draws (x "epoch" is 1, 2, …; ``group`` names the count
    a frame gives for it) and ``layout.meta`` the thinning and the epoch axis's rule: the browser builds
    every frame while training from the series alone, as this function would (``ui.live_frames``)."""
    traces = []
    if batches is not None:
        x, v = _thin_xy(*np.asarray(batches, dtype=float).reshape(-1, 2).T)
        traces.append(dict(type="scatter", x=np.round(x, 4), y=np.round(v, 5), mode="lines",
                           name="mini-batch", xaxis="x", yaxis="y",
                           hovertemplate="a mini-batch, before its step<br>epoch %{x:.2f}<br>cost %{y:.3f}"
                                         "<extra></extra>",
                           line=dict(width=1.5, color="#8C8C8C"),
                           meta=dict(live=dict(x="batch_at", y="batch_cost", group="batches"))))
    for row, which in ((1, "cost"), (2, second)):
        for i, kind in enumerate(("train", "test")):
            x, v = _thin(_values(records, f"{kind}_{which}"))
            traces.append(dict(type="scatter", x=x, y=_rounded(v, which), mode="lines",
                               name=kind, legendgroup=kind, showlegend=row == 1,
                               xaxis="x" if row == 1 else "x2", yaxis="y" if row == 1 else "y2",
                               hovertemplate=f"{kind}<br>epoch %{{x}}<br>{which} %{{y:.3f}}<extra></extra>",
                               line=dict(width=3.5, color=style.RUNS[i], dash="solid" if i == 0 else "dash"),
                               meta=dict(live=dict(x="epoch", y=f"{kind}_{which}", group="epochs"))))
    axis = [0, epochs if epochs else _epoch_axis_end(len(records))]
    layout = dict(xaxis=dict(anchor="y", range=axis, showticklabels=False),
                  yaxis=dict(domain=[0.56, 1.0], title=dict(text="cost J"), rangemode="tozero"),
                  xaxis2=dict(anchor="y2", matches="x", range=axis, title=dict(text="epoch")),
                  yaxis2=dict(domain=[0.0, 0.44], title=dict(text="R² (%)" if second == "r2" else "accuracy (%)"),
                              range=[-20, 102] if second == "r2" else [0, 102]))
    cost_title = f"<b>Cost J</b> ({cost_name})" + (f"<br>{cost_formula}" if cost_formula else "")
    after = dict(legend=dict(orientation="h", y=1.075, x=1, xanchor="right", yanchor="bottom"),
                 margin=dict(t=100 if cost_formula else 75),
                 annotations=[_panel_title(cost_title, 0, 1.0),
                              _panel_title("<b>R²</b>" if second == "r2" else "<b>Accuracy</b>",
                                           0, 0.44)])
    if cost_formula:   # the cost's title takes the top row: the legend goes beside the lower panel's,
        # in a wider gap between the panels, so it covers no curve
        after["legend"] = dict(orientation="h", y=0.445, x=1, xanchor="right", yanchor="bottom")
        layout["yaxis"]["domain"] = [0.62, 1.0]
    meta = dict(curves=dict(max_points=MAX_CURVE_POINTS, epoch_axis=epochs or "auto", axes=["xaxis", "xaxis2"]))
    return _figure(traces, height, None, layout, after, extra=dict(meta=meta))


# -- the network as a graph -----------------------------------------------------------------------

LAYER_GAP = 3.2         # distance between layer columns, in tile widths
UNIT_GAP = 1.35         # distance between units of one layer, in tile heights


def _positions(layer_sizes: list[int]) -> list[np.ndarray]:
    """y centre of every unit, layer by layer (x of layer l is l · LAYER_GAP)."""
    return [(np.arange(u) - (u - 1) / 2) * -UNIT_GAP for u in layer_sizes]


def network_graph(unit_maps: list[np.ndarray], weights: list[np.ndarray], biases: list[np.ndarray],
                  input_labels: list[str], activation_names: list[str], *, live: bool = False,
                  height: int | None = None, output: str = "sigmoid") -> dict:
    """Every unit as a small heatmap of its output over the input plane; every edge coloured by the
    sign of its weight (blue +, orange −) and as thick as |w|.

    Tiles and edges are one image (``_graph_image``). With ``live=False`` (paused) invisible markers on
    the tiles and on the edge midpoints show each unit's bias and range and each weight on hover.
    While training (``live=True``) the figure is the image alone under a constant data revision, so
    a redraw swaps one image (about 5 ms in headless Chromium instead of 55 ms with edge traces).

    unit_maps[l] has shape (u_l, r, r) (from ``lessons.grid.unit_maps``); weights[l] is W[l+1] (u_l+1, u_l).
    """
    sizes = [m.shape[0] for m in unit_maps]
    ys = _positions(sizes)
    xs = [l * LAYER_GAP for l in range(len(sizes))]
    top, bottom = max(y.max() for y in ys) + 0.5, min(y.min() for y in ys) - 0.5
    left, right = -0.5, xs[-1] + 0.5
    traces = [] if live else [_edge_hovers(weights, xs, ys),
                              _unit_hovers(unit_maps, biases, input_labels, activation_names, xs, ys)]
    image = dict(source=images.graph_image(unit_maps, weights, activation_names, xs, ys, (left, right, bottom, top),
                                           output),
                 xref="x", yref="y", x=left, y=top, sizex=right - left, sizey=top - bottom, sizing="stretch",
                 layer="below")
    out_name = {"softmax": "output ŷ (softmax)", "linear": "output ŷ (linear)"}.get(output, "output ŷ")
    names = ["inputs"] + [f"hidden {l} ({g})" for l, g in enumerate(activation_names, start=1)] + [out_name]
    font = dict(size=style.FONT_SIZE - 2)
    annotations = [dict(x=x, y=top + 0.35, text=f"<b>{name}</b>", showarrow=False, yanchor="bottom", font=font)
                   for x, name in zip(xs, names)]
    annotations += [dict(x=-0.6, y=float(y), text=label, showarrow=False, xanchor="right", font=font)
                    for y, label in zip(ys[0], input_labels)]
    if height is None:
        height = int(np.clip(70 * (top - bottom) + 130, 360, 1100))
    layout = dict(xaxis=dict(visible=False, range=[left - 1.6, right + 0.4], fixedrange=True),
                  yaxis=dict(visible=False, range=[bottom - 0.3, top + 1.2], fixedrange=True))
    after = dict(showlegend=False, plot_bgcolor="white", margin=dict(l=10, r=10, t=10, b=10))
    revision = "live" if live else _digest(*weights, *biases)
    return _figure(traces, height, None, layout, after,
                   extra=dict(images=[image], annotations=annotations, datarevision=revision))


def _edge_hovers(weights, xs, ys) -> dict:
    """Invisible markers on every edge's midpoint that show its weight on hover."""
    mid_x, mid_y, custom = [], [], []
    for l, W in enumerate(weights):
        j_in, i_out = np.meshgrid(np.arange(W.shape[1]), np.arange(W.shape[0]))
        x0, x1 = xs[l] + 0.5, xs[l + 1] - 0.5
        mid_x.append(np.full(W.size, (x0 + x1) / 2))
        mid_y.append((ys[l][j_in.ravel()] + ys[l + 1][i_out.ravel()]) / 2)
        custom.append(np.column_stack([np.full(W.size, l + 1), i_out.ravel() + 1, j_in.ravel() + 1, W.ravel()]))
    return dict(type="scatter", x=np.concatenate(mid_x), y=np.concatenate(mid_y), mode="markers",
                marker=dict(size=7, color="rgba(0,0,0,0)"), customdata=np.concatenate(custom),
                hovertemplate="W[%{customdata[0]}] row %{customdata[1]}, col %{customdata[2]}"
                              "<br>w = %{customdata[3]:.3f}<extra></extra>")


def _unit_hovers(unit_maps, biases, input_labels, activation_names, xs, ys) -> dict:
    x, y, text = [], [], []
    n_layers = len(unit_maps)
    for l, maps in enumerate(unit_maps):
        lows, highs = maps.min(axis=(1, 2)), maps.max(axis=(1, 2))
        for u in range(maps.shape[0]):
            if l == 0:
                name = f"input {input_labels[u]}"
            elif l == n_layers - 1:
                name = f"output ŷ = σ(z), b = {biases[l - 1][0, u]:.3f}"
            else:
                name = f"layer {l} unit {u + 1} ({activation_names[l - 1]}), b = {biases[l - 1][0, u]:.3f}"
            x.append(xs[l])
            y.append(float(ys[l][u]))
            text.append(f"{name}<br>output over the plane: {lows[u]:.2f} … {highs[u]:.2f}")
    return dict(type="scatter", x=x, y=y, mode="markers", text=text, hovertemplate="%{text}<extra></extra>",
                marker=dict(size=26, symbol="square", color="rgba(0,0,0,0)"))


# -- diagnostics and experiments -------------------------------------------------------------------

LAYER_COLOURS = style.RUNS + ["#000000"]  # seven: W[1] … W[7] of the deepest network, no colour twice


def diagnostics(records, saturation_history, height: int = 400) -> dict:
    """Per layer, over training, side by side: the gradient norm ‖dW[l]‖ (left, log axis: vanishing
    gradients show as low lines for early layers) and the share of saturated units (right, sampled
    at every screen update; ``saturation_history`` holds (epoch, [share per hidden layer]))."""
    traces = []
    norms = np.array([r.grad_norms for r in records], dtype=float) if records else np.zeros((0, 0))
    for l in range(norms.shape[1]):
        x, v = _thin(np.maximum(norms[:, l], 1e-12))
        traces.append(dict(type="scatter", x=x, y=v, mode="lines", name=f"layer {l + 1}", legendgroup=str(l),
                           hovertemplate=f"‖dW[{l + 1}]‖ = %{{y:.2e}}<br>epoch %{{x}}<extra></extra>",
                           line=dict(width=3, color=LAYER_COLOURS[l % len(LAYER_COLOURS)])))
    if saturation_history and saturation_history[0][1]:
        epochs = [e for e, _ in saturation_history]
        shares = np.array([s for _, s in saturation_history], dtype=float)
        for l in range(shares.shape[1]):
            traces.append(dict(type="scatter", x=epochs, y=100 * shares[:, l], mode="lines+markers",
                               name=f"layer {l + 1}", legendgroup=str(l), showlegend=not len(norms),
                               xaxis="x2", yaxis="y2", marker=dict(size=5),
                               hovertemplate=f"layer {l + 1}: %{{y:.1f}} % saturated<br>epoch %{{x}}<extra></extra>",
                               line=dict(width=3, color=LAYER_COLOURS[l % len(LAYER_COLOURS)])))
    if not len(norms):  # nothing trained yet: keep both panels' axes on screen
        traces.append(dict(type="scatter", x=[None], y=[None], showlegend=False, hoverinfo="skip"))
    # Ticks at 1, 2, 5 × 10^k on a short log range, at powers of ten only when it spans over two decades.
    positive = norms[norms > 0]
    log_step = 1 if positive.size and np.log10(positive.max() / positive.min()) > 2 else "D2"
    epochs = [0, _epoch_axis_end(len(records))]
    layout = dict(xaxis=dict(domain=[0.0, 0.45], anchor="y", range=epochs, title=dict(text="epoch")),
                  yaxis=dict(title=dict(text="‖dW[l]‖ (log scale)"), type="log", dtick=log_step, tickformat=".0e"),
                  xaxis2=dict(domain=[0.55, 1.0], anchor="y2", range=epochs, title=dict(text="epoch")),
                  yaxis2=dict(anchor="x2", title=dict(text="saturated units (%)"), range=[0, 102]))
    after = dict(legend=dict(orientation="h", y=1.12, x=1, xanchor="right", yanchor="bottom"),
                 margin=dict(t=90),
                 annotations=[_panel_title("<b>Gradient norm per layer</b>", 0, 1.02, style.FONT_SIZE + 1),
                              _panel_title("<b>Saturated units per hidden layer</b>", 0.55, 1.02,
                                           style.FONT_SIZE + 1)])
    return _figure(traces, height, None, layout, after)


def depth_vs_width(results: dict, height: int = 380) -> tuple[go.Figure, go.Figure]:
    """Overlaid train/test cost and test accuracy of the deep-narrow and shallow-wide runs."""
    cost, acc = go.Figure(), go.Figure()
    for i, (name, res) in enumerate(results.items()):
        label = f"{name} {res['layer_sizes']}, {res['n_parameters']} parameters"
        colour = style.RUNS[i % len(style.RUNS)]
        for key, dash in (("train_cost", "solid"), ("test_cost", "dot")):
            x, v = _thin(res[key])
            cost.add_trace(go.Scatter(x=x, y=v, mode="lines", name=f"{name}: {key.split('_')[0]}",
                                      line=dict(width=3.5, color=colour, dash=dash)))
        x, v = _thin(res["test_accuracy"])
        acc.add_trace(go.Scatter(x=x, y=100 * v, mode="lines", name=label, line=dict(width=3.5, color=colour)))
    cost.update_xaxes(title="epoch")
    cost.update_yaxes(title="cost J", rangemode="tozero")
    acc.update_xaxes(title="epoch")
    acc.update_yaxes(title="test accuracy (%)", range=[40, 102])
    cost = style.styled(cost, height, "Cost J: deep & narrow vs shallow & wide")
    acc = style.styled(acc, height, "Test accuracy")
    for fig in (cost, acc):
        fig.update_layout(legend=dict(orientation="h", y=-0.25, x=0), margin=dict(b=120))
    return cost, acc
