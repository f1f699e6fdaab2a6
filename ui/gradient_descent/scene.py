"""Gradient-descent page: everything the views draw, computed once per setting by the engine (cached)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine import datasets
from lessons import surface

from ui import style
from ui.gradient_descent.controls import OPTIMIZERS, RUN_NAMES, Settings

GRID = 120          # the contour and the 3-D surface: GRID × GRID values of J


@dataclass
class Run:
    name: str           # "A", "B", "C"
    label: str          # "A: Gradient descent, α = 1"
    color: str
    path: surface.DescentPath


@dataclass
class Scene:
    x: np.ndarray       # (m,) the feature
    y: np.ndarray       # (m,) 0 = cat, 1 = dog
    runs: list[Run]
    minimum: surface.Minimum | None
    window: tuple[float, float, float, float]  # w_lo, w_hi, b_lo, b_hi
    w_grid: np.ndarray  # (GRID,)
    b_grid: np.ndarray  # (GRID,)
    J_grid: np.ndarray  # (GRID, GRID), rows follow b
    steps: int          # as asked; a diverged run has fewer

    @property
    def last_frame(self) -> int:
        return max(r.path.steps for r in self.runs)

    def outside(self, w, b):
        """True where the point (w, b) lies outside the plotted window; scalars or same-shape arrays."""
        w_lo, w_hi, b_lo, b_hi = self.window
        return (w < w_lo) | (w > w_hi) | (b < b_lo) | (b > b_hi)

    def leaves_window(self, run: Run) -> int | None:
        """First step at which the run's point lies outside the plotted window, if any."""
        out = np.flatnonzero(self.outside(run.path.w, run.path.b))
        return int(out[0]) if len(out) else None


def scene_for(settings: Settings) -> Scene:
    """The scene for these settings (cached: the engine runs once per setup)."""
    return _build(settings.n, settings.overlap, settings.seed, settings.l2, settings.w0, settings.b0,
                  settings.steps, settings.batch_size, settings.runs)


@st.cache_data(max_entries=64, show_spinner=False)
def _build(n, overlap, seed, l2, w0, b0, steps, batch_size, runs) -> Scene:
    X, y = datasets.one_feature(n, overlap, seed)
    out = []
    for i, (opt, lr) in enumerate(runs):
        path = surface.descent_path(X, y, w0, b0, opt, lr, steps, batch_size=batch_size, l2=l2, seed=seed)
        out.append(Run(RUN_NAMES[i], f"{RUN_NAMES[i]}: {OPTIMIZERS[opt].split(' (')[0]}, α = {lr:g}",
                       style.RUNS[i], path))
    best = surface.minimum(X, y, l2)
    if best is not None:
        # Centre the view on the bottom of the bowl, with the start and its mirror image inside,
        # so the 3-D surface reads as a bowl rather than one slope of it.
        anchors_w, anchors_b = [w0, best.w, 2 * best.w - w0], [b0, best.b, 2 * best.b - b0]
    else:
        anchors_w = [w0] + [r.path.w[-1] for r in out if not r.path.diverged]
        anchors_b = [b0] + [r.path.b[-1] for r in out if not r.path.diverged]
    window = surface.view_window(np.concatenate([r.path.w for r in out]),
                                 np.concatenate([r.path.b for r in out]), anchors_w, anchors_b)
    w_grid = np.linspace(window[0], window[1], GRID)
    b_grid = np.linspace(window[2], window[3], GRID)
    J_grid = surface.cost_grid(X, y, w_grid, b_grid, l2)
    return Scene(X[:, 0], y, out, best, window, w_grid, b_grid, J_grid, steps)
