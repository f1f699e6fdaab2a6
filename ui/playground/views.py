"""The playground's live views, each run as an ``st.fragment`` so training redraws only these parts."""

from __future__ import annotations

import functools
import html
import threading
import time

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime import Runtime
from threadpoolctl import ThreadpoolController

from lessons import features, grid

from ui import chapter
from ui.playground import figures as pg_figures
from ui.playground import session as pg_session
from ui.live_chart import live_chart

# While training, each run of the live view trains FRAMES_PER_RUN slices of epochs and sends a figure
# after each; the browser plays them FRAME_SECONDS / FRAMES_PER_RUN apart. One Streamlit run per quarter
# second costs the server and the browser far less than one per frame did (8 redraws a second at most).
FRAME_SECONDS = 0.25
FRAMES_PER_RUN = 4         # → 16 chart updates a second
# A run stops making frames after this long (wall clock): on a server shared by a class, where each
# frame takes longer, every session then gets fewer frames a run rather than the server falling behind.
RUN_BUDGET_S = 0.12
DETAIL_SECONDS = 1.0       # the heavier network graph and diagnostics: once a second
# Live-view runs a second for the whole server, shared by every session that has the playground open: one
# process runs Python on about one core, and a run costs ~50 ms. Without a shared budget, a class of 30
# starved (runs pile up, and Streamlit drops a fragment's unsent output when its next run starts);
# docs/classroom_notes.md has the measurements.
SERVER_RUNS_PER_SECOND = 10
OPEN_WINDOW_S = 60.0       # a session counts as "on the playground" for a minute after its last full run
_open_sessions: dict[str, float] = {}
_open_lock = threading.Lock()


def frame_seconds(session_id: str | None = None, *, touch: bool = True) -> float:
    """The live view's timer: FRAME_SECONDS, or n / SERVER_RUNS_PER_SECOND when n sessions have drawn the
    playground in the last minute (counting only sessions that play let the first to press Play starve
    the rest); a session whose tab has closed no longer counts. ``touch=False`` reads it without counting
    this session as seen now."""
    if session_id is None:
        ctx = get_script_run_ctx()
        session_id = ctx.session_id if ctx is not None else None
    now = time.monotonic()
    with _open_lock:
        if session_id is not None and touch:
            _open_sessions[session_id] = now
        for stale in [s for s, seen in _open_sessions.items() if now - seen > OPEN_WINDOW_S or not _connected(s)]:
            del _open_sessions[stale]
        n = max(1, len(_open_sessions))
    return max(FRAME_SECONDS, n / SERVER_RUNS_PER_SECOND)


def _connected(session_id: str) -> bool:
    """Whether a browser tab still holds this session: a closed tab (a lecturer's reload, a student who
    left) stops counting at once instead of slowing everyone else's live view for a minute."""
    if not Runtime.exists():  # AppTest and plain scripts: no server, so every session counts
        return True
    return Runtime.instance().is_active_session(session_id)


# A live-view run (the browser's timer) waits while another student's page run is in progress (a click, a
# page visit), at most YIELD_S: with a class on one server the click is then answered first, instead of
# taking turns with every playing session's training and drawing (docs/classroom_notes.md).
YIELD_S = 1.0
# When the class has grown so that the shared timer is RETIME_FACTOR times the one this session's live
# view was started with, one page run restarts the timer at the shared rate, at a moment when no other
# session's page run is going (during arrivals, a wave of these restarts slowed the others' clicks).
RETIME_FACTOR = 1.5


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


_BLAS = ThreadpoolController()


def single_threaded_blas(view):
    """Run ``view`` with NumPy's BLAS on one thread. The playground's matrices are small: a second
    BLAS thread gains nothing on a quiet machine and, when the browser drawing the page shares the
    cores, its waiting threads starve it (the README's benchmarks give the figures)."""
    @functools.wraps(view)
    def run(*args, **kwargs):
        with _BLAS.limit(limits=1, user_api="blas"):
            return view(*args, **kwargs)
    return run


STAT_STYLE = ("display:flex;flex-wrap:wrap;gap:0.1rem 1.6rem;margin-bottom:0.3rem",
              "font-size:0.95rem;color:#333333", "font-size:1.7rem;line-height:1.2;color:#111111")


def stats_html(run) -> str:
    """Epoch, costs and accuracies as one row of large numbers.

    One markdown element rather than five ``st.metric`` in five columns: Streamlit re-renders every
    element of the fragment on each frame, and those eleven elements cost about 0.6 redraws a second
    in headless Chromium (``benchmarks/playground_browser_fps.py``). Each value carries a
    ``data-stat`` name for tests. All text here is ours (numbers and fixed labels), never user input.
    """
    last = run.records[-1] if run.records else None
    stats = [("epoch", f"Epoch (of {run.setup.max_epochs})", f"{run.epoch}"),
             ("train_cost", "Train cost J", f"{last.train_cost:.4f}" if last else "–"),
             ("test_cost", "Test cost J", f"{last.test_cost:.4f}" if last else "–"),
             ("train_accuracy", "Train accuracy", f"{last.train_accuracy:.1%}" if last else "–"),
             ("test_accuracy", "Test accuracy", f"{last.test_accuracy:.1%}" if last else "–")]
    row, label, value = STAT_STYLE
    cells = "".join(f'<div><div style="{label}">{html.escape(name)}</div>'
                    f'<div style="{value}" data-stat="{key}">{html.escape(text)}</div></div>'
                    for key, name, text in stats)
    return f'<div role="group" aria-label="Training progress" style="{row}">{cells}</div>'


@single_threaded_blas
def live_view() -> None:
    """Everything that changes while training; reruns on its own every FRAME_SECONDS when running."""
    ss = st.session_state
    yield_to_page_runs()
    run = ss["pg_run"]
    running = ss["pg_running"]
    shared = frame_seconds(touch=False)
    ctx = _fragment_run()
    if (running and ctx is not None and shared > RETIME_FACTOR * (ss["pg_live_timer"] or FRAME_SECONDS)
            and not chapter.page_runs_elsewhere(ctx.session_id)):
        rerun_page()  # the class has grown: a page run restarts this timer (not while others click: it can wait)
    # On a shared server each session's timer is longer than FRAME_SECONDS: its run then trains as much
    # but draws only the last frame (the four frames would play in a quarter second, then stand still).
    every_slice = shared <= FRAME_SECONDS
    lo, hi = grid.bounds(run.X_train, run.X_test)
    xs, ys, G = grid.plane(lo, hi, BOUNDARY_RESOLUTION)

    def frame() -> tuple[dict, dict]:
        boundary = pg_figures.decision_boundary(xs, ys, grid.probability(run.net, G, run.setup.features),
                                                run.X_train, run.y_train, run.X_test, run.y_test,
                                                live=ss["pg_running"])
        return boundary, pg_figures.learning_curves(run.records, height=330)

    frames = []
    if running:
        start = time.perf_counter()
        for _ in range(FRAMES_PER_RUN):
            pg_session.advance(run, ss["w_pg_speed"])
            if run.finished or run.diverged_message:
                break
            if every_slice:
                frames.append(frame())
            if time.perf_counter() - start > RUN_BUDGET_S:
                break
        if run.finished:
            ss["pg_running"] = False
            rerun_page()  # a whole-page run stops the timer and re-enables ▶ Play
    frames = frames or [frame()]
    every = FRAME_SECONDS / FRAMES_PER_RUN if len(frames) > 1 else None
    left, right = st.columns([1.25, 1])
    with left:
        live_chart([b for b, _ in frames], key="pg_boundary_chart", every=every,
                   label="P(dog) over the input plane, with the decision boundary and the points")
    with right:
        st.markdown(stats_html(run), unsafe_allow_html=True)
        if run.diverged_message:
            st.error(f"{run.diverged_message} The weights were rolled back to epoch {run.epoch}, the last "
                     "finite state. Press Reset to start again.", icon=":material/error:")
        live_chart([c for _, c in frames], key="pg_curves_chart", every=every,
                   label="Learning curves: cost J and accuracy per epoch, train and test")


@single_threaded_blas
def detail_view() -> None:
    """The network graph and per-layer diagnostics: redrawn once a second while training. A timer's run
    that still finds other students' page runs going after its wait sends the figures it drew last (the
    chart stays as it was; building the graph is most of this view's cost)."""
    ss = st.session_state
    yield_to_page_runs()
    ctx = _fragment_run()
    busy = ctx is not None and chapter.page_runs_elsewhere(ctx.session_id) > 0
    run = ss["pg_run"]
    st.subheader("The network: every unit's output over the input plane")
    st.caption("Blue = high (dog side), orange = low (cat side). Edges: blue w > 0, orange w < 0, thicker = "
               "larger |w|. Pause, then hover over a tile or the middle of an edge to read its values.")
    if not busy or ss["pg_detail_figures"] is None:
        lo, hi = grid.bounds(run.X_train, run.X_test)
        _, _, G_small = grid.plane(lo, hi, UNIT_RESOLUTION)
        ss["pg_detail_figures"] = (
            pg_figures.network_graph(grid.unit_maps(run.net, G_small, run.setup.features),
                                     list(run.net.weights), list(run.net.biases),
                                     features.input_labels(run.setup.features), run.net.activation_names,
                                     live=ss["pg_running"]),
            pg_figures.diagnostics(run.records, ss["pg_saturation"]))
    graph, diagnostics = ss["pg_detail_figures"]
    live_chart(graph, key="pg_graph_chart", label="The network drawn as a graph of unit heatmaps and weighted edges")
    st.subheader("Per-layer diagnostics")
    live_chart(diagnostics, key="pg_diagnostics_chart",
               label="Per-layer gradient norm and share of saturated units per epoch")
