"""A live view that draws data frames: the server sends numbers, the browser draws them.

While a model trains, each server run (``st.fragment(run_every=...)``) used to build and send whole Plotly
figures, a PNG of the decision boundary and the learning curves, four times a run: ~50 ms of server CPU a
run, so a class of 30 on one server shared ten runs a second (docs/classroom_notes.md). Here a run sends
only what changed, for many frames at once, and one small component (``live_frames_frontend/``: one HTML
file, ``live_frames.js`` and the ``plotly.min.js`` of the installed plotly package, served locally) plays
them on their schedule:

- **the boundary** as a grid of P(dog) (``r × r`` uint16, ``grid_bytes``), which the browser colours and
  outlines at ŷ = 0.5 in a canvas under a transparent Plotly chart of the points and axes;
- **the learning curves** as the new points of each series (``series``), appended to what the browser
  holds and drawn by the rules the figure's traces carry in ``meta.live`` (``ui.playground.figures``);
- **the numbers** (epoch, costs, accuracies) and each chart's text alternative, per frame.

Whole figures travel only in page runs (a click, Play, Pause: ``full``), never in a timer's run, and they
are drawn with the same code as the frames, so a frame and the full figure at the same epoch look the
same. Every kind of grid is r × r uint16, so a frame costs the same whatever the task (the redraw rate
with 5 classes is the 2-class one): ``kind`` "binary" (P(dog), drawn with a palette of 255 colours and the
boundary line, ``grid_bytes``), "classes" (the arg-max class in the top 3 bits, its probability in the next
6 and its margin over the runner-up in the last 7, ``class_grid_bytes``: drawn as the class's colour, paler
where the network is less sure, with a line where the class changes, placed between grid points by the
margins) and "value" (a regression's number scaled over the figure's [lo, hi],
``value_grid_bytes``: drawn with a palette and no line). The drawing rules are ``RENDERERS`` in
``live_frames.js``.

The browser's own clicks: while frames play, the component answers the page's Pause (and Step) at once on
the frame shown and reports ``{"action", "epoch", "play", "seq"}`` as its value; the page then pauses the
run on that very epoch (``ui.playground.session.apply_report``). It reports ``{"action": "resync"}`` when it
lacks what a frame needs (a remounted frame, a run it missed), and the next run sends the whole state.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np
import streamlit.components.v1 as components
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui import style
from ui.frontend import PLOTLY_JS, font_file, served_directory
from ui.live_chart import to_json

FRONTEND = Path(__file__).with_name("live_frames_frontend")
_component = components.declare_component("live_frames", path=str(served_directory(
    "neuronlab-live-frames-", {"index.html": FRONTEND / "index.html", "live_frames.js": FRONTEND / "live_frames.js",
                               "plotly.min.js": PLOTLY_JS, **font_file()})))

GRID_DTYPE = "<u2"        # P in [0, 1] as 0 … 65535: the ŷ = 0.5 line stays smooth where P hardly varies
GRID_SCALE = 65535


def grid_bytes(P: np.ndarray) -> bytes:
    """P(dog) over the plane, (r, r) with rows following y, as r·r little-endian uint16 (P · 65535)."""
    P = np.clip(np.nan_to_num(np.asarray(P, dtype=float), nan=0.5), 0.0, 1.0)
    return np.round(P * GRID_SCALE).astype(GRID_DTYPE).tobytes()


CLASS_SHIFT, P_BITS, MARGIN_BITS = 13, 6, 7   # "classes": class | probability | margin, 3 + 6 + 7 bits


def class_grid_bytes(classes: np.ndarray, probability: np.ndarray, margin: np.ndarray) -> bytes:
    """The arg-max class (r, r) ints 0 … 7, its probability (r, r) and its margin over the runner-up (r, r)
    as r·r little-endian uint16: class · 2¹³ + round(P · 63) · 2⁷ + round(margin · 127)."""
    c = np.clip(np.asarray(classes), 0, 7).astype(np.uint32)
    p = np.clip(np.nan_to_num(np.asarray(probability, dtype=float), nan=0.0), 0.0, 1.0)
    d = np.clip(np.nan_to_num(np.asarray(margin, dtype=float), nan=0.0), 0.0, 1.0)
    q = (c << CLASS_SHIFT) | (np.round(p * 63).astype(np.uint32) << MARGIN_BITS) | np.round(d * 127).astype(np.uint32)
    return q.astype(GRID_DTYPE).tobytes()


def class_grid_values(data: bytes, r: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``class_grid_bytes`` read back: classes, probabilities and margins, each (count, r, r)."""
    q = np.frombuffer(data, dtype=GRID_DTYPE).astype(np.int64).reshape(-1, r, r)
    return q >> CLASS_SHIFT, ((q >> MARGIN_BITS) & 63) / 63, (q & 127) / 127


def value_grid_bytes(V: np.ndarray, lo: float, hi: float) -> bytes:
    """A regression's numbers (r, r) as r·r uint16 on [lo, hi] (clipped): round((v − lo)/(hi − lo) · 65535)."""
    return grid_bytes((np.asarray(V, dtype=float) - lo) / (hi - lo))


def grid_values(data: bytes, r: int, count: int | None = None) -> np.ndarray:
    """``grid_bytes`` read back: (count, r, r) floats in [0, 1] (what the browser draws)."""
    q = np.frombuffer(data, dtype=GRID_DTYPE).astype(float) / GRID_SCALE
    return q.reshape(-1 if count is None else count, r, r)


def finite(values: Iterable[float]) -> list[float | None]:
    """Numbers for JSON: non-finite ones as null (a gap), as Plotly draws them."""
    return [v if math.isfinite(v) else None for v in map(float, values)]


def series(values: Sequence[float], start: int) -> dict:
    """One series' points from index ``start`` on: {"from": start, "values": [...]}, appended by the browser."""
    return {"from": int(start), "values": finite(values[start:])}


def is_fragment_run() -> bool:
    """Whether this is a fragment's own run (its timer, or a click inside it) rather than a page run."""
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.fragment_ids_this_run)


# Two races in Streamlit (1.67) lose a fragment run's output under load, both about its event loop, which
# sends every session's messages and which the script threads keep waiting for the GIL:
# - a run starts when its script thread says so, but the event loop handles that start later, and then
#   clears the fragment's messages still queued, this run's own included if it has drawn already;
# - a run that ends while the timer's next request waits is followed at once by the next run, whose start
#   clears what of this run the event loop has not yet sent.
# So a timer's run waits (without the GIL) until its start has been handled before it draws, and until its
# messages have left before it ends. Both read Streamlit internals; if those are not there, they wait not.

# Python hands the GIL to a waiting thread every 5 ms by default; with a dozen script threads computing,
# Streamlit's event loop, which sends every session's frames, got a turn that rarely. 1 ms keeps it
# answering (measured: docs/classroom_notes.md).
sys.setswitchinterval(0.001)


def _session():
    """The current fragment run's AppSession, or None (a page run, AppTest, another Streamlit)."""
    if not is_fragment_run() or not Runtime.exists():
        return None
    try:
        return Runtime.instance()._session_mgr.get_active_session_info(get_script_run_ctx().session_id).session
    except Exception:  # noqa: BLE001 - another Streamlit: nothing to wait for
        return None


def wait_until_started(limit: float) -> float:
    """In a fragment run, wait until the event loop has handled this run's start (callbacks run in order:
    one scheduled now runs after it), at most ``limit`` seconds; returns the seconds waited."""
    session = _session()
    if session is None:
        return 0.0
    started, handled = time.monotonic(), threading.Event()
    try:
        session._event_loop.call_soon_threadsafe(handled.set)
    except Exception:  # noqa: BLE001 - a closed loop: the session is going away
        return 0.0
    check = get_script_run_ctx().yield_check
    while not handled.wait(0.02) and time.monotonic() - started < limit:
        check()   # the student's own click stops this run here, at once
    return time.monotonic() - started


def wait_until_sent(limit: float) -> float:
    """In a fragment run, wait until this session's outgoing messages have left, at most ``limit`` seconds;
    returns the seconds waited."""
    session = _session()
    if session is None:
        return 0.0
    try:
        queue = session._browser_queue
    except AttributeError:
        return 0.0
    started, check = time.monotonic(), get_script_run_ctx().yield_check
    while not queue.is_empty() and time.monotonic() - started < limit:
        time.sleep(0.002)
        check()   # a click: the page run redraws everything anyway
    return time.monotonic() - started


def live_frames(*, key: str, view: str, batch: dict, grids: bytes = b"", full: str | None = None,
                controls: dict | None = None, label: str = "", present: bool = False,
                on_change: Callable[[], None] | None = None):
    """Mount (or update) the live view ``key`` and hand it ``batch``; returns the browser's last report.

    ``view`` names the layout ("playground": boundary | numbers over curves; "curves": the curves alone).
    ``batch``: {"token", "id", "play", "running", "every_ms", "frames": [{"epoch", "n": {group: count},
    "stats": [str], "text": {panel: str}}], "series": {name: {"from", "values"}}, "grid": {"count", "r"}}.
    ``grids``: the frames' grids, one after the other (``grid_bytes``). ``full``: the whole figures as JSON
    text ({panel: figure}, built in a page run), or None when the browser already has them. ``controls``:
    {"pause": button key, "step": button key} that the component answers itself while frames play."""
    return _component(view=view, batch=batch, grids=grids or b"", full=full or "", controls=controls or {},
                      config=style.CHART_CONFIG, title=label, present=present, key=key, default=None,
                      on_change=on_change)


def full_json(figures: dict[str, dict], extra: dict | None = None) -> str:
    """The whole figures of a view ({panel: figure dict}, NumPy arrays allowed) as the ``full`` argument."""
    return "{" + ",".join([f"{json.dumps(name)}:{to_json(fig)}" for name, fig in figures.items()]
                          + [f"{json.dumps(k)}:{to_json(v)}" for k, v in (extra or {}).items()]) + "}"
