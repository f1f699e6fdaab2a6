"""Gradient-descent page: the player's views of up to three runs, as plain Plotly figures the browser animates.

The page sends everything once per setup (``player_spec``): each view's figures, in which a trace
that follows the step carries ``meta.live`` (which run, which per-step series, how to cut them),
and each run's per-step series. The browser (``player_frontend/player.js``) builds those traces for
any step, between steps too, with no server round trip. ``at_frame`` does the same in Python for a
whole step, so the tests read exactly what the page shows.

The 2-D views are two stacked layers: a ``base`` drawn once (the contour map, the data points, the
axes) and a transparent ``live`` layer on top with the moving traces. Redrawing the live layer
takes a few milliseconds; redrawing the 120 × 120 contour each frame took 20.
"""

from __future__ import annotations

import functools

import numpy as np
import plotly.io as pio

from engine.activations import sigmoid

from ui import style
from ui.gradient_descent import look
from ui.gradient_descent.look import INK, TICK_SIZE, TITLE_SIZE
from ui.gradient_descent.scene import Run, Scene

CONTOUR_SCALE = [[0.0, "#FFFFFF"], [0.35, "#D9DEE6"], [1.0, "#7D8A99"]]  # pale: the paths stay visible
# Slate, light at the bottom of the bowl to dark on the rim, with dark level lines: the run colours
# (blue, vermillion, green) stand out against all of it.
SURFACE_SCALE = [[0.0, "#F3F5F8"], [0.45, "#C3CCD6"], [1.0, "#56606C"]]
ARROW = "#A0468A"   # −∇J: a direction, not a run, so none of the runs' colours (Okabe–Ito purple, darker)
FIT_X_POINTS = 200


def fmt(v: float, digits: int = 4) -> str:
    """A number for the screen: never "nan" or "inf"."""
    return f"{v:.{digits}g}" if np.isfinite(v) else "—"


# Runs A, B, C differ by line and marker shape as well as colour (colour is never the only channel).
RUN_DASHES = ("solid", "dash", "dot")
RUN_SYMBOLS = ("circle", "square", "diamond")


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


def _live(run: int, **how) -> dict:
    """``meta`` of a trace that follows the step: run index plus the series it is cut from."""
    return {"live": {"run": run, **how}}


# ---------------------------------------------------------------------------------------- series


def _arrow_tips(scene: Scene, run: Run) -> tuple[np.ndarray, np.ndarray]:
    """Tip of the −∇J arrow drawn at each step's point (NaN where there is none): the direction of
    (−dw, −db) at a fixed on-screen length; its size is in the numbers panel."""
    p = run.path
    w_lo, w_hi, b_lo, b_hi = scene.window
    sw, sb = w_hi - w_lo, b_hi - b_lo
    tip_w, tip_b = np.full(p.steps + 1, np.nan), np.full(p.steps + 1, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        dx, dy = -p.dw / sw, -p.db / sb
        norm = np.hypot(dx, dy)
        ok = np.isfinite(norm) & (norm > 0) & ~scene.outside(p.w[:-1], p.b[:-1])
        tip_w[:-1] = np.where(ok, p.w[:-1] + 0.18 * sw * dx / norm, np.nan)
        tip_b[:-1] = np.where(ok, p.b[:-1] + 0.18 * sb * dy / norm, np.nan)
    return tip_w, tip_b


def _lift(scene: Scene) -> float:
    """How far the 3-D path floats above the surface, so the bowl never hides it."""
    J = scene.J_grid[np.isfinite(scene.J_grid)]
    return 0.02 * float(J.max() - J.min()) if len(J) else 0.0


def series(scene: Scene) -> list[dict[str, np.ndarray]]:
    """Per run, the per-step arrays the live traces are cut from, each of length steps + 1.

    w, b: the path, clipped for the maps; wr, br: unclipped (for σ(w·x + b)); J: the cost;
    w3, b3, J3: the 3-D path (NaN outside the window, J lifted above the surface); tip_w, tip_b:
    the −∇J arrow's tip (run A only, NaN where none).
    """
    out = []
    lift = _lift(scene)
    for i, run in enumerate(scene.runs):
        p = run.path
        w, b = _clip(scene, p.w, p.b)
        outside = scene.outside(p.w, p.b)
        s = {"w": w, "b": b, "wr": p.w, "br": p.b, "J": p.J,
             "w3": np.where(outside, np.nan, p.w), "b3": np.where(outside, np.nan, p.b),
             "J3": np.where(outside, np.nan, p.J + lift)}
        if i == 0:
            s["tip_w"], s["tip_b"] = _arrow_tips(scene, run)
        out.append(s)
    return out


def status(scene: Scene) -> dict:
    """Run A's numbers at every step, as the player's status line shows them (w, b, J)."""
    p = scene.runs[0].path
    return {"w": [fmt(v) for v in p.w], "b": [fmt(v) for v in p.b], "J": [fmt(v) for v in p.J]}


# ----------------------------------------------------------------------------------------- views


def contour(scene: Scene) -> dict:
    """Contours of J(w, b) (log-spaced) under each run's path, its current point, the start, the
    minimum, and run A's direction of steepest descent −∇J = (−dw, −db) as an arrow."""
    with np.errstate(divide="ignore"):
        logJ = np.log10(scene.J_grid)
    tickvals, ticktext = _log_ticks(scene.J_grid)
    layout = look.layout(dict(l=66, r=74, t=34, b=56),
                         dict(title=dict(text="weight w"), range=list(scene.window[:2])),
                         dict(title=dict(text="bias b"), range=list(scene.window[2:])))
    colorbar = {"title": {"text": "cost J", "side": "top", "font": {"size": TICK_SIZE, "color": INK}},
                "tickvals": tickvals, "ticktext": ticktext, "thickness": 14, "x": 1.02, "xanchor": "left",
                "len": 1, "y": 0, "yanchor": "bottom", "tickfont": {"size": TICK_SIZE, "color": INK}}
    base = [{"type": "contour", "x": look.b64(scene.w_grid), "y": look.b64(scene.b_grid), "z": look.b64(logJ),
             "ncontours": 24, "colorscale": CONTOUR_SCALE, "line": {"width": 1, "color": "#8893A0"},
             "name": "J(w, b)", "hoverinfo": "skip", "colorbar": colorbar}]
    live = []
    for i, run in enumerate(scene.runs):
        live.append(look.scatter(
            mode="lines+markers", name=run.label, line={"width": 4, "color": run.color, "dash": RUN_DASHES[i]},
            marker={"size": 8, "color": run.color, "symbol": RUN_SYMBOLS[i]},
            meta=_live(i, x="w", y="b", upto=True, text="step"),
            hovertemplate="step %{text}<br>w = %{x:.3f}<br>b = %{y:.3f}<extra></extra>"))
        live.append(look.scatter(
            mode="markers", showlegend=False, hoverinfo="skip", meta=_live(i, x="w", y="b", end_symbol="x"),
            marker={"size": 20, "color": run.color, "symbol": "circle", "line": {"width": 2.5, "color": INK}}))
    w0, b0 = float(scene.runs[0].path.w[0]), float(scene.runs[0].path.b[0])
    upper = b0 > 0.5 * (scene.window[2] + scene.window[3])
    live.append(look.scatter(
        x=[w0], y=[b0], mode="markers+text", name="start (w₀, b₀)", text=["start"], hoverinfo="name",
        textposition="bottom center" if upper else "top center", textfont={"size": 17, "color": INK},
        marker={"size": 14, "color": INK, "symbol": "circle-open", "line": {"width": 3}}))
    if scene.minimum is not None:
        live.append(look.scatter(
            x=[scene.minimum.w], y=[scene.minimum.b], mode="markers+text", text=["minimum"], hoverinfo="name",
            name=f"minimum, J* = {scene.minimum.J:.3f}", textposition="bottom center",
            textfont={"size": 17, "color": INK},
            marker={"size": 22, "color": style.GREEN, "symbol": "star", "line": {"width": 1.5, "color": INK}}))
    live.append(look.scatter(
        mode="lines+markers+text", name="−∇J", hoverinfo="skip", line={"width": 4, "color": ARROW},
        text=["", "−∇J"], textposition="middle right", textfont={"size": 19, "color": ARROW},
        marker={"size": [0, 16], "symbol": "arrow", "angleref": "previous", "color": ARROW},
        meta=_live(0, x=["w", "tip_w"], y=["b", "tip_b"])))
    return look.view(base, live, layout)


def cost_curve(scene: Scene) -> dict:
    """J against step for every run, up to step k, on fixed axes so the curve visibly grows."""
    all_J = np.concatenate([r.path.J for r in scene.runs])
    lo, hi = float(np.nanmin(all_J)), float(np.nanmax(all_J))
    log_y = hi / max(lo, 1e-12) > 30
    shapes, notes = [], []
    if scene.minimum is not None:
        J = scene.minimum.J
        shapes.append({"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": J, "y1": J,
                       "line": {"dash": "dash", "color": style.GREEN, "width": 2}})
        notes.append({"text": f"minimum J* = {J:.3f}", "xref": "x domain", "x": 1, "xanchor": "right",
                      "yref": "y", "y": np.log10(J) if log_y else J, "yanchor": "bottom", "showarrow": False,
                      "font": {"size": 16, "color": INK}})
        lo = min(lo, J)
    y_range = [np.log10(lo) - 0.1, np.log10(hi) + 0.1] if log_y else [max(0.0, lo - 0.05 * (hi - lo)),
                                                                          hi + 0.05 * (hi - lo) + 1e-3]
    y_axis = dict(title=dict(text="cost J" + (" (log)" if log_y else "")), type="log" if log_y else "linear",
                  range=[float(v) for v in y_range], **({"dtick": 1} if log_y else {}))
    layout = look.layout(dict(l=66, r=16, t=12, b=56),
                         dict(title=dict(text="step (number of updates)"), range=[0, scene.steps]), y_axis,
                         shapes=shapes, annotations=notes)
    live = [look.scatter(mode="lines+markers", name=run.label,
                         line={"width": 3.5, "color": run.color, "dash": RUN_DASHES[i]},
                         marker={"size": 5, "color": run.color, "symbol": RUN_SYMBOLS[i]},
                         meta=_live(i, x="step", y="J", upto=True),
                         hovertemplate="step %{x}<br>J = %{y:.4f}<extra></extra>")
            for i, run in enumerate(scene.runs)]
    return look.view([], live, layout)


def data_fit(scene: Scene) -> dict:
    """The cats and dogs on the x axis with run A's current σ(w x + b) and its 0.5 threshold x = −b/w."""
    lo, hi = float(scene.x.min()), float(scene.x.max())
    pad = 0.15 * (hi - lo)
    half = {"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": 0.5, "y1": 0.5,
            "line": {"dash": "dot", "color": "#555555", "width": 1.5}}
    layout = look.layout(dict(l=66, r=16, t=40, b=56),
                         dict(title=dict(text="feature x"), range=[lo - pad, hi + pad]),
                         dict(title=dict(text="P(dog) = ŷ"), range=[-0.08, 1.08], tickvals=[0, 0.5, 1]),
                         showlegend=True, shapes=[half])
    base = [look.scatter(x=look.floats(scene.x[scene.y == label]), y=look.floats(scene.y[scene.y == label]),
                         mode="markers", name=name,
                         marker={"size": 11, "color": style.CLASS_COLORS[label], "opacity": 0.8,
                                 "line": {"width": 1, "color": "#333"}})
            for label, name in ((0, "cat (y = 0)"), (1, "dog (y = 1)"))]
    live = [look.scatter(x=look.floats(np.linspace(lo - pad, hi + pad, FIT_X_POINTS)), mode="lines",
                         name=f"run {scene.runs[0].name}: ŷ = σ(w·x + b)", line={"width": 4, "color": style.ACCENT},
                         hoverinfo="skip", meta=_live(0, sigmoid=["wr", "br"])),
            look.scatter(y=[-0.08, 0.8, 1.08], mode="lines+text", name="ŷ = 0.5", hoverinfo="skip",
                         line={"color": style.ACCENT, "width": 2.5, "dash": "dash"}, textposition="middle left",
                         textfont={"size": 16, "color": style.ACCENT},
                         meta=_live(0, threshold=["wr", "br"], within=[lo - pad, hi + pad]))]
    return look.view(base, live, layout)


def _eye(scene: Scene) -> dict:
    """The 3-D camera: 2 box-widths from the centre, in the direction from run A's start to where it
    goes (the minimum, else its last point), 1.1 up."""
    p = scene.runs[0].path
    end = (scene.minimum.w, scene.minimum.b) if scene.minimum is not None else (p.w[-1], p.b[-1])
    w_lo, w_hi, b_lo, b_hi = scene.window
    d = np.array([(end[0] - p.w[0]) / (w_hi - w_lo), (end[1] - p.b[0]) / (b_hi - b_lo)])
    norm = np.hypot(*d)
    dx, dy = d / norm if np.isfinite(norm) and norm > 1e-6 else (0.88, -0.47)
    return {"x": float(2.0 * dx), "y": float(2.0 * dy), "z": 1.1}


def surface3d(scene: Scene) -> dict:
    """J(w, b) as a 3-D bowl (the base layer) with each run's path (w, b, J) just above it up to step k
    (the live layer, drawn over the bowl, so a path is never hidden by it)."""
    # Every other grid line: a 60 × 60 mesh looks the same and draws twice as fast.
    sub = slice(None, None, 2)
    J = scene.J_grid[sub, sub]
    finite = J[np.isfinite(J)]
    lo, hi = (float(finite.min()), float(finite.max())) if len(finite) else (0.0, 1.0)
    data = [{"type": "surface", "x": look.b64(scene.w_grid[sub]), "y": look.b64(scene.b_grid[sub]),
             "z": look.b64(J), "colorscale": SURFACE_SCALE, "showscale": False, "opacity": 1.0, "name": "J(w, b)",
             "lighting": {"ambient": 0.75, "diffuse": 0.5, "specular": 0.05, "roughness": 0.9},
             "contours": {"z": {"show": True, "color": "#2F3A45", "width": 1, "start": lo, "end": hi,
                                "size": (hi - lo) / 12 or 1}},
             "hovertemplate": "w = %{x:.2f}<br>b = %{y:.2f}<br>J = %{z:.3f}<extra></extra>"}]
    for i, run in enumerate(scene.runs):
        data.append({"type": "scatter3d", "mode": "lines+markers", "name": run.label, "hoverinfo": "skip",
                     "line": {"width": 9, "color": run.color}, "marker": {"size": 3.5, "color": run.color},
                     "meta": _live(i, x="w3", y="b3", z="J3", upto=True)})
        data.append({"type": "scatter3d", "mode": "markers", "showlegend": False, "hoverinfo": "skip",
                     "marker": {"size": 9, "color": run.color, "line": {"width": 2, "color": INK}},
                     "meta": _live(i, x="w3", y="b3", z="J3", end_symbol="x")})
    w_lo, w_hi, b_lo, b_hi = scene.window
    axis = dict(title=dict(font=dict(size=TITLE_SIZE, color=INK)), tickfont=dict(size=TICK_SIZE, color=INK),
                backgroundcolor="#FFFFFF", gridcolor="#D5D9DE")
    layout = look.layout(dict(l=0, r=0, t=8, b=0), dragmode="turntable", uirevision="gd-surface", scene=dict(
        xaxis=look.merge(axis, dict(title=dict(text="w"), range=[w_lo, w_hi])),
        yaxis=look.merge(axis, dict(title=dict(text="b"), range=[b_lo, b_hi])),
        zaxis=look.merge(axis, dict(title=dict(text="cost J"),
                                    range=[lo - 0.02 * (hi - lo), hi + 2 * _lift(scene)])),
        # A square bowl whatever the window's proportions, seen from above the side the path runs to,
        # so the wall it comes down faces the camera rather than hiding it.
        aspectmode="manual", aspectratio=dict(x=1.15, y=1.15, z=0.75),
        camera=dict(eye=_eye(scene), center=dict(x=0, y=0, z=-0.1))))
    # Two stacked charts, as the 2-D views: the bowl and its axes drawn once per setup (a software-rendered
    # bowl costs ~50 ms a frame, its axes ~25), the paths on a transparent 3-D layer above it.
    return {"base": {"data": data[:1], "layout": layout},
            "live": {"data": data[1:], "layout": look.live_scene_layout(layout)}}


# ------------------------------------------------------------------------------ the whole player


def player_spec(scene: Scene) -> dict:
    """Everything the player draws for one setup: the views, each run's per-step series, run A's
    numbers, and the shared template (sent once rather than in each figure)."""
    return {
        "last": scene.last_frame,
        "runs": [{"name": r.name, "label": r.label, "color": r.color, "steps": r.path.steps,
                  "diverged": r.path.diverged} for r in scene.runs],
        "series": series(scene),
        "status": status(scene),
        "views": {"map": contour(scene), "cost": cost_curve(scene), "fit": data_fit(scene),
                  "bowl": surface3d(scene)},
        "template": _template(),
    }


@functools.lru_cache(maxsize=1)
def _template() -> dict:
    return pio.templates[pio.templates.default].to_plotly_json()


# ------------------------------------------------------------------------- one step, as drawn


def _cut(values, k: int, upto: bool):
    values = np.asarray(values, dtype=float)
    return values[:k + 1] if upto else values[k:k + 1]


def at_frame(trace: dict, spec: dict, frame: int) -> dict:
    """A trace as the player draws it at step ``frame`` (a whole step: no glide between steps).

    The rules, mirrored by ``liveTrace`` in player.js: k = min(frame, the run's steps); ``upto``
    keeps the series up to step k, otherwise the value at k; a pair of series draws a segment from
    the first to the second at k; ``sigmoid`` draws σ(w_k·x + b_k); ``threshold`` the line x = −b_k/w_k;
    ``end_symbol`` marks the last point of a diverged run.
    """
    how = (trace.get("meta") or {}).get("live")
    if how is None:
        return trace
    run, s = spec["runs"][how["run"]], spec["series"][how["run"]]
    k = min(int(frame), run["steps"])
    out = dict(trace)
    for axis in ("x", "y", "z"):
        key = how.get(axis)
        if key == "step":
            out[axis] = np.arange(k + 1) if how.get("upto") else np.array([k])
        elif isinstance(key, list):
            out[axis] = np.array([s[key[0]][k], s[key[1]][k]], dtype=float)
        elif key is not None:
            out[axis] = _cut(s[key], k, how.get("upto", False))
    if how.get("text") == "step":
        out["text"] = np.arange(k + 1)
    if "sigmoid" in how:
        w, b = s[how["sigmoid"][0]][k], s[how["sigmoid"][1]][k]
        with np.errstate(over="ignore", invalid="ignore"):
            out["y"] = sigmoid(w * np.asarray(trace["x"], dtype=float) + b)
    if "threshold" in how:
        w, b = s[how["threshold"][0]][k], s[how["threshold"][1]][k]
        lo, hi = how["within"]
        x = -b / w if w != 0 else np.nan
        shown = np.isfinite(x) and lo <= x <= hi
        out["x"] = np.full(3, x if shown else np.nan)
        out["text"] = ["", f"ŷ = 0.5 at x = {x:.2f} " if shown else "", ""]
    if "end_symbol" in how and run["diverged"] and k == run["steps"]:
        out["marker"] = {**trace.get("marker", {}), "symbol": how["end_symbol"]}
    return out


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
