"""The playground's live views, each run as an ``st.fragment`` so training redraws only these parts.

The live view (``live_view``) sends data frames, not figures (``ui.live_frames``): each run of its timer
trains a batch of frames ahead, each a slice of epochs, and sends the grid of P(dog) and the new points
of the learning curves of each; the browser plays them over the next run's interval. How many frames a
run makes and how often each session's timer fires come from the server's measured spare time, shared
evenly by the sessions on the playground (``ui.live_budget``). Whole figures are built only in page runs
(a click), where they bring back hover while paused.
"""

from __future__ import annotations

import contextlib
import time
import uuid

import numpy as np
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime import Runtime

from lessons import drawn, features, grid, presets

from ui import chapter, present
from ui.live_budget import BUDGET, Plan
from ui.live_chart import live_chart
from ui.live_frames import (class_grid_bytes, full_json, grid_bytes, live_frames, value_grid_bytes, wait_until_sent,
                            wait_until_started)
from ui.playground import figures as pg_figures
from ui.playground import session as pg_session
from ui.threads import FairLock, single_threaded_blas

DETAIL_SECONDS = 1.0       # the heavier network graph and diagnostics: once a second (alone)
# A page run (a click) trains at most this long for the frames it sends: the click's answer comes first.
PAGE_TRAIN_S = 0.03


def _session_id() -> str | None:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _connected(session_id: str) -> bool:
    """Whether a browser tab still holds this session: a closed tab (a lecturer's reload, a student who
    left) stops counting at once instead of slowing everyone else's live view for a minute."""
    if not Runtime.exists():  # AppTest and plain scripts: no server, so every session counts
        return True
    return Runtime.instance().is_active_session(session_id)


BUDGET.connected = _connected


def live_plan(*, touch: bool = True) -> Plan:
    """This session's share of the server's live budget (``ui.live_budget``): its timer, frames a run and
    training a frame (the timer it runs at kept while the class is about the same size)."""
    current = st.session_state.get("pg_live_timer") if st.session_state.get("pg_running") else None
    return BUDGET.plan(_session_id(), touch=touch, current=current)


# A live-view run (the browser's timer) waits while another student's page run is in progress (a click, a
# page visit), at most YIELD_SHARE of its timer's interval and YIELD_S: with a class on one server the click
# is then answered first. Not longer: the timer's next request would stop the waiting run (Streamlit stops a
# fragment's run when the same fragment is asked for again), and the student would get nothing.
YIELD_S = 0.25
YIELD_SHARE = 0.1
# A timer's run waits (without the GIL) for Streamlit's event loop before it draws and before it ends, at
# most FLUSH_SHARE of its interval each time (``ui.live_frames.wait_until_started``, ``wait_until_sent``).
FLUSH_SHARE = 0.3


# One timer's run computes at a time in this process (its training and grids, the detail view's graph): Python
# runs one thread at a time anyway (the GIL), and fifteen threads taking turns every few milliseconds kept
# Streamlit's event loop, which sends the frames, and the clicks' page runs waiting for the GIL. A page run
# never waits for it. Taken in the order asked, so no session waits behind the others for ever.
_COMPUTE = FairLock()


def computing():
    """The context a timer's run computes in: the process's one compute turn (``_COMPUTE``), given up if the
    student clicks meanwhile (Streamlit's yield check stops the run); a page run's is free."""
    ctx = _fragment_run()
    return _COMPUTE.taken(ctx.yield_check) if ctx is not None else contextlib.nullcontext()



# When the class has grown (or shrunk) so that the budget's timer (``ui.live_budget.SECONDS_STEPS``) is not
# the one this session's live view was started with, one page run restarts it, at a moment when no other
# session's page run is going, and at most once every RETIME_EVERY_S (during arrivals, a wave of these
# restarts slowed the others' clicks).
RETIME_EVERY_S = 8.0


def _fragment_run():
    """The run's context if this is a fragment's own run (its timer), else None (a page run)."""
    ctx = get_script_run_ctx()
    return ctx if ctx is not None and ctx.fragment_ids_this_run else None


def rerun_page() -> None:
    """``st.rerun()`` from a fragment run, with the page sent whole. The rerun would reuse the message-cache
    hashes that came with this fragment run's request, and the browser drops a cached message after a few
    runs; a reference to one it has dropped is an error there ("Cached ForwardMsg MISS"; the load generator
    hit it at load average 17)."""
    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.cached_message_hashes = frozenset()
    st.rerun()


def yield_to_page_runs(limit: float = YIELD_S) -> float:
    """In a fragment run, wait (without the GIL) while other sessions run a page, up to ``limit`` seconds;
    returns the seconds waited. A page run never waits: it is the interactive one."""
    ctx = _fragment_run()
    if ctx is None:
        return 0.0
    start = time.monotonic()
    while (left := start + limit - time.monotonic()) > 0 and chapter.page_runs_elsewhere(ctx.session_id,
                                                                                         wait=min(left, 0.05)):
        ctx.yield_check()  # this student's own click: Streamlit stops this run here and runs the page
    # The browser's cache hashes came with the timer's request, which may have waited behind this session's
    # last run (and this wait); the browser has aged its cache since, so this run sends its messages whole
    # rather than as references to ones it may have dropped ("Cached ForwardMsg MISS", seen under load).
    ctx.cached_message_hashes = frozenset()
    return time.monotonic() - start


BOUNDARY_RESOLUTION = 60   # grid points per side of the decision-boundary heatmap
UNIT_RESOLUTION = 20       # … and of each unit's small heatmap in the network graph
STAT_LABELS = ("epoch", "train_cost", "test_cost", "train_accuracy", "test_accuracy")
CHARTS = {"boundary": "pg_boundary_chart", "curves": "pg_curves_chart"}


def stat_labels(run) -> list[list[str]]:
    """The numbers row's [key, label] pairs (the epoch's label names the run's limit; a regression shows R²)."""
    score = "R²" if run.setup.task == "regression" else "accuracy"
    names = [f"Epoch (of {run.setup.max_epochs})", "Train cost J", "Test cost J", f"Train {score}", f"Test {score}"]
    return [[key, name] for key, name in zip(STAT_LABELS, names)]


def _number(value, form: str) -> str:
    return "–" if value is None or not np.isfinite(value) else format(value, form)


def stats(run) -> list[str]:
    """Epoch, costs and accuracies (R² for a regression) as the numbers row shows them (``stat_labels``)."""
    last = run.records[-1] if run.records else None
    if last is None:
        return [f"{run.epoch}", "–", "–", "–", "–"]
    if run.setup.task == "regression":
        # R² of fewer than 2 points is undefined (Σ (y − ȳ)² = 0): a drawn set's first test point shows none.
        scores = [_number(last.train_r2 if len(run.X_train) > 1 else None, ".3f"),
                  _number(last.test_r2 if len(run.X_test) > 1 else None, ".3f")]
    else:
        scores = [_number(last.train_accuracy, ".1%"), _number(last.test_accuracy, ".1%")]
    return [f"{run.epoch}", _number(last.train_cost, ".4f"), _number(last.test_cost, ".4f"), *scores]


def _describe_map(run, P) -> str:
    """What the map shows now, in a few words (part of the chart's accessible name)."""
    task = run.setup.task
    if task == "classes":
        classes = P[0]
        shares = [np.mean(classes == c) for c in range(run.setup.n_classes)]
        return "class map: " + ", ".join(f"class {c} {share:.0%}" for c, share in enumerate(shares))
    if task == "regression":
        return f"predicted ŷ from {np.min(P):.2f} to {np.max(P):.2f} over the plane"
    return f"{np.mean(P >= 0.5):.0%} of the plane on the dog side"


def texts(run, P) -> dict[str, str]:
    """What each chart shows now, in words: its accessible name, set with every frame."""
    task = run.setup.task
    what = {"binary": "Decision boundary", "classes": "Regions of the classes", "regression": "Regression fit"}[task]
    if not run.records:
        return {"boundary": f"{what} before training: the untrained network, {_describe_map(run, P)}",
                "curves": "Learning curves: no epoch trained yet"}
    last = run.records[-1]
    back = run.records[max(0, len(run.records) - 1 - max(1, len(run.records) // 10))]
    trend = ("falling" if last.train_cost < back.train_cost - 1e-4 else
             "rising" if last.train_cost > back.train_cost + 1e-4 else "flat")
    epochs = f"{run.epoch} epoch{'s' if run.epoch != 1 else ''}"
    score = (f"test R² {_number(last.test_r2, '.2f')}" if task == "regression"
             else f"test accuracy {_number(last.test_accuracy, '.0%')}")
    return {"boundary": f"{what} after {epochs}: {_describe_map(run, P)}, {score}",
            "curves": f"Cost J {last.train_cost:.2f} after {epochs}, {trend}; {score}"}


def _output(run, G):
    """The network's output over the grid G: P(dog) (r, r), (classes, confidence) or ŷ (r, r)."""
    task = run.setup.task
    if task == "classes":
        return grid.class_map(run.net, G, run.setup.features)
    if task == "regression":
        return grid.outputs(run.net, G, run.setup.features)[0]
    return grid.probability(run.net, G, run.setup.features)


def value_scale(run) -> tuple[float, float]:
    """A regression's colour scale: its data's range (drawn sets: the numbers one can place, −5 … 5)."""
    if run.setup.is_drawn:
        return -drawn.VALUE_LIMIT, drawn.VALUE_LIMIT
    return pg_figures.value_scale(run.y_train, run.y_test)


def _encode(run, P) -> bytes:
    task = run.setup.task
    if task == "classes":
        return class_grid_bytes(*P)
    if task == "regression":
        return value_grid_bytes(P, *value_scale(run))
    return grid_bytes(P)


def _frame(run, G) -> tuple[dict, bytes]:
    """One frame of the run as it is now: its numbers and the grid of the output."""
    P = _output(run, G)
    return {"epoch": run.epoch, "n": {"epochs": run.epoch}, "stats": stats(run), "text": texts(run, P)}, _encode(run, P)


def caption(run) -> str:
    """The words under the live view: what the map's colours and marks mean for this task."""
    task, setup = run.setup.task, run.setup
    if task == "classes":
        what = (f"Left: each region in the colour of the class the network predicts there (arg-max of the {setup.n_classes} "
                "softmax outputs), paler where it is less sure; dark lines separate the classes. Each class also has "
                "its own marker shape; filled marks are training points, marks with a dark rim test points.")
    elif task == "regression":
        what = ("Left: the predicted number ŷ over the plane (colour bar on the right); each point is coloured by its "
                "own y on the same scale, so where the fit is good a point melts into the map. Circles are training "
                "points, diamonds with a dark rim test points.")
    else:
        what = ("Left: P(dog) over the plane (orange cat, blue dog); the dark line ŷ = 0.5 is the decision boundary; "
                "cats are circles and dogs squares, filled for training points, with a dark rim for test points.")
    if setup.is_drawn:
        what += (f" {len(run.X_train) + len(run.X_test)} points placed ({len(run.X_test)} of them held out for testing: "
                 f"the test share, {setup.test_ratio:.0%}, in the order they were placed).")
    return what + " The address bar holds every setting: copy it to share this exact setup."


def plane_of(run, resolution: int = 0):
    """The square the map covers (a drawn set: the fixed plane one places points on) and its grid."""
    if run.setup.is_drawn:
        lo, hi = -presets.DRAW_EXTENT, presets.DRAW_EXTENT
    else:
        lo, hi = grid.bounds(run.X_train, run.X_test)
    return grid.plane(lo, hi, resolution or BOUNDARY_RESOLUTION)


def curves_figure(run, height: int = 330) -> dict:
    """The learning curves, their cost named with its formula (``engine.outputs``)."""
    spec = run.net.output
    return pg_figures.learning_curves(run.records, height=height, cost_name=spec.cost_name,
                                      cost_formula=spec.cost_formula,
                                      second="r2" if run.setup.task == "regression" else "accuracy")


def _full(run, xs, ys, G, running: bool) -> str:
    """The whole figures (a page run): the points and axes of the map, hover while paused, the curves."""
    P = None if running else _output(run, G)
    task = run.setup.task
    boundary = pg_figures.decision_boundary(xs, ys, P, run.X_train, run.y_train, run.X_test, run.y_test,
                                            live=running, task=task, k=run.setup.n_classes,
                                            scale=value_scale(run) if task == "regression" else None,
                                            clickable=run.setup.is_drawn)
    return full_json({"boundary": boundary, "curves": curves_figure(run)},
                     {"stats": {"labels": stat_labels(run)}})


def _train_batch(run, G, plan: Plan, page_run: bool) -> tuple[list[dict], list[bytes]]:
    """Train and grid ``plan.frames`` frames from a mark (``pg_session.mark``), each a slice of at most
    ``plan.train_s`` seconds; a page run stops after PAGE_TRAIN_S. Notes the cost in the budget: CPU, and
    wall-clock time in its compute turn (waits for a core and for the GIL)."""
    ss = st.session_state
    pg_session.mark(run)
    frames, grids = [], []
    started, cpu0 = time.perf_counter(), time.thread_time()
    train_cpu = draw_cpu = 0.0
    for _ in range(plan.frames):
        t0 = time.thread_time()
        pg_session.advance(run, ss["w_pg_speed"], plan.train_s)
        t1 = time.thread_time()
        frame, data = _frame(run, G)
        t2 = time.thread_time()
        train_cpu, draw_cpu = train_cpu + t1 - t0, draw_cpu + t2 - t1
        frames.append(frame)
        grids.append(data)
        if run.finished or run.diverged_message:
            ss["pg_finish_pending"] = True   # the next run stops the timer, once these frames have played
            break
        if page_run and time.perf_counter() - started > PAGE_TRAIN_S:
            break
    BUDGET.note(_session_id(), time.thread_time() - cpu0, len(frames), train_cpu + draw_cpu, draw_cpu,
                time.perf_counter() - started)
    return frames, grids


@single_threaded_blas
def live_view() -> None:
    """Everything that changes while training: the boundary, the numbers and the learning curves, one
    component (``ui.live_frames``). Reruns on its own timer while running (``live_plan``)."""
    ss = st.session_state
    interval = ss["pg_live_timer"] or 1.0
    wait_until_started(FLUSH_SHARE * interval)
    yield_to_page_runs(min(YIELD_S, YIELD_SHARE * interval))
    ctx = _fragment_run()
    page_run = ctx is None
    if not page_run and (ss["pg_rerun_page"] or (ss["pg_running"] and ss["pg_finish_pending"])):
        # Paused from the browser, or the last frames have played: the page run stops the timer
        # (pg_session.settle) and redraws ▶ Play.
        ss["pg_rerun_page"] = False
        rerun_page()
    ss["pg_rerun_page"] = False
    run = ss["pg_run"]
    running = ss["pg_running"]
    plan = live_plan()
    timer = ss["pg_live_timer"] or plan.seconds
    if (running and not page_run and plan.seconds != timer and time.monotonic() - ss["pg_retimed"] > RETIME_EVERY_S
            and not chapter.page_runs_elsewhere(ctx.session_id)):
        ss["pg_retimed"] = time.monotonic()
        rerun_page()  # the class has grown or shrunk: a page run restarts the timer (not while others click)
    xs, ys, G = plane_of(run)
    if ss["pg_live_token"] is None:   # a new session, or "Reset this page": the browser starts from nothing
        ss["pg_live_token"] = uuid.uuid4().hex
        ss["pg_send_full"] = True
    full = page_run or ss["pg_send_full"]
    ss["pg_send_full"] = False
    with computing():
        if running and not ss["pg_finish_pending"]:
            frames, grids = _train_batch(run, G, plan, page_run)
        else:
            frame, data = _frame(run, G)
            frames, grids = [frame], [data]
    # The curves' new points: everything after a whole figure; else from the end of the batch before the
    # last, so one run the browser missed (Streamlit drops a fragment's unsent output) leaves no gap.
    sent = ss["pg_sent_ends"]
    start = 0 if full else min(sent[0] if sent else 0, len(run.records))
    ss["pg_sent_ends"] = [run.epoch] if full else (sent + [run.epoch])[-2:]
    ss["pg_batch"] += 1
    batch = {"token": ss["pg_live_token"], "id": ss["pg_batch"], "play": ss["pg_play_id"], "charts": CHARTS,
             "running": bool(running), "every_ms": plan.every_ms,
             "frames": frames, "series": pg_figures.curve_series(run.records, start,
                                                                  "r2" if run.setup.task == "regression" else "accuracy"),
             "grid": {"r": BOUNDARY_RESOLUTION, "count": len(frames)},
             "draw": bool(run.setup.is_drawn), "points_applied": ss["pg_points_applied"]}
    live_frames(key=pg_session.LIVE_KEY, view="playground", batch=batch, grids=b"".join(grids),
                full=_full(run, xs, ys, G, running) if full else None,
                controls={"pause": "pg_play", "step": "pg_step"},
                label={"binary": "P(dog) over the input plane with the decision boundary",
                       "classes": "The predicted class over the input plane",
                       "regression": "The predicted number over the input plane"}[run.setup.task]
                      + ", the numbers, and the learning curves", present=present.is_on(), on_change=pg_session.apply_report)
    if run.diverged_message:
        st.error(f"{run.diverged_message} The weights were rolled back to epoch {run.epoch}, the last "
                 "finite state. Press Reset to start again.", icon=":material/error:")
    wait_until_sent(FLUSH_SHARE * plan.seconds)


def _detail_figures(run) -> None:
    """Build the network graph and the diagnostics into the session (``pg_detail_figures``)."""
    ss = st.session_state
    _, _, G_small = plane_of(run, UNIT_RESOLUTION)
    ss["pg_detail_figures"] = (
        pg_figures.network_graph(grid.unit_maps(run.net, G_small, run.setup.features),
                                 list(run.net.weights), list(run.net.biases),
                                 features.input_labels(run.setup.features), run.net.activation_names,
                                 live=ss["pg_running"], output=run.net.output.name),
        pg_figures.diagnostics(run.records, ss["pg_saturation"]))


@single_threaded_blas
def detail_view() -> None:
    """The network graph and per-layer diagnostics: redrawn once a second while training. A timer's run
    that still finds other students' page runs going after its wait sends the figures it drew last (the
    chart stays as it was; building the graph is most of this view's cost)."""
    ss = st.session_state
    wait_until_started(0.3)
    yield_to_page_runs()
    ctx = _fragment_run()
    busy = ctx is not None and chapter.page_runs_elsewhere(ctx.session_id) > 0
    run = ss["pg_run"]
    st.subheader("The network: every unit's output over the input plane")
    outputs = {"classes": f" The output column has one tile per class (class 0 at the top), P(class) over the plane: "
                          f"blue where it is above 1/{run.setup.n_classes}, orange below.",
               "regression": " The output tile is the predicted number ŷ, scaled by its largest |ŷ|."}
    st.caption("Blue = high (dog side), orange = low (cat side). Edges: blue w > 0, orange w < 0, thicker = "
               "larger |w|. Pause, then hover over a tile or the middle of an edge to read its values."
               + outputs.get(run.setup.task, ""))
    if not busy or ss["pg_detail_figures"] is None:
        with computing():
            _detail_figures(run)
    graph, diagnostics = ss["pg_detail_figures"]
    live_chart(graph, key="pg_graph_chart", label="The network drawn as a graph of unit heatmaps and weighted edges")
    st.subheader("Per-layer diagnostics")
    live_chart(diagnostics, key="pg_diagnostics_chart",
               label="Per-layer gradient norm and share of saturated units per epoch")
    wait_until_sent(0.3)
