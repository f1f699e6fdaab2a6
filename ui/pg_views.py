"""The playground's live views, each run as an ``st.fragment`` so training redraws only these parts."""

from __future__ import annotations

import streamlit as st

from engine import features, grid

from . import pg_figures, pg_session, style
from .live_chart import live_chart

FRAME_SECONDS = 0.15       # up to 6.7 screen updates a second while training (target: at least 5)
DETAIL_SECONDS = 1.0       # the heavier network graph and diagnostics: once a second
BOUNDARY_RESOLUTION = 60   # grid points per side of the decision-boundary heatmap
UNIT_RESOLUTION = 20       # … and of each unit's small heatmap in the network graph


def live_view() -> None:
    """Everything that changes while training; reruns on its own every FRAME_SECONDS when running."""
    ss = st.session_state
    run = ss["pg_run"]
    if ss["pg_running"]:
        pg_session.advance(run, ss["w_pg_speed"])
        if run.finished:
            ss["pg_running"] = False
            st.rerun()  # a whole-page run stops the timer and re-enables ▶ Play
    last = run.records[-1] if run.records else None
    m = st.columns(5)
    m[0].metric(f"Epoch (of {run.setup.max_epochs})", f"{run.epoch}")
    m[1].metric("Train cost J", f"{last.train_cost:.4f}" if last else "–")
    m[2].metric("Test cost J", f"{last.test_cost:.4f}" if last else "–")
    m[3].metric("Train accuracy", f"{last.train_accuracy:.1%}" if last else "–")
    m[4].metric("Test accuracy", f"{last.test_accuracy:.1%}" if last else "–")
    if run.diverged_message:
        st.error(f"{run.diverged_message} The weights were rolled back to epoch {run.epoch}, the last "
                 "finite state. Press Reset to start again.", icon=":material/error:")
    lo, hi = grid.bounds(run.X_train, run.X_test)
    xs, ys, G = grid.plane(lo, hi, BOUNDARY_RESOLUTION)
    left, right = st.columns([1.2, 1])
    with left:
        live_chart(pg_figures.decision_boundary(xs, ys, grid.probability(run.net, G, run.setup.features),
                                                run.X_train, run.y_train, run.X_test, run.y_test,
                                                live=ss["pg_running"]), key="pg_boundary_chart")
    with right:
        live_chart(pg_figures.learning_curves(run.records), key="pg_curves_chart")


def detail_view() -> None:
    """The network graph and per-layer diagnostics: redrawn once a second while training."""
    ss = st.session_state
    run = ss["pg_run"]
    lo, hi = grid.bounds(run.X_train, run.X_test)
    st.subheader("The network: every unit's output over the input plane")
    st.caption("Blue = high (dog side), orange = low (cat side). Edges: blue w > 0, orange w < 0, thicker = "
               "larger |w|. Hover over a tile or the middle of an edge to read its values.")
    _, _, G_small = grid.plane(lo, hi, UNIT_RESOLUTION)
    live_chart(pg_figures.network_graph(grid.unit_maps(run.net, G_small, run.setup.features),
                                        list(run.net.weights), list(run.net.biases),
                                        features.input_labels(run.setup.features), run.net.activation_names),
               key="pg_graph_chart")
    st.subheader("Per-layer diagnostics")
    live_chart(pg_figures.diagnostics(run.records, ss["pg_saturation"]), key="pg_diagnostics_chart")
