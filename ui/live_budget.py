"""How much live drawing this server can afford, measured, and how it is shared by the sessions watching.

A session that plays the playground asks the server for a run every ``seconds`` (its fragment's
``run_every``); each run trains and grids ``frames`` frames, which the browser plays over those seconds
(``ui.live_frames``). Everything here is per process (one replica) and never imports Streamlit.

- **Spare time, measured.** Every half second the budget reads the process's CPU time (all threads:
  script runs, Streamlit's event loop, NumPy). What the live views may use is what the process may use
  (``TARGET_CORES``, about one core: one Python process, one GIL) minus what everything else in it used
  (page runs, arrivals, the detail view): the clicks' share comes first.
- **Runs stay short.** A run's frames also fit in ``WALL_SHARE`` of its interval at the wall-clock time a
  frame has taken this session (waits for the GIL and for a core included): on a machine whose cores other
  programs keep busy, runs make fewer frames rather than arriving late (a late run's drawing is thrown away
  by Streamlit when the next one starts).
- **Shared evenly.** Each session watching gets the same share of that. Its runs come every
  ``seconds``: long enough that the runs' fixed cost (Streamlit's run, the message) is at most
  ``RUN_SHARE`` of what one process may use, in steps (``SECONDS_STEPS``) so that a timer, which only a
  page run can change, changes seldom. Its frames per run follow its own measured cost per frame (a big network
  costs more per frame than a small one). Below ``SMOOTH_FPS`` a second each frame trains for less time
  instead (at least one epoch), so a crowded server slows the training, not the picture; only when even
  that does not fit does a session get fewer frames, ``MIN_FPS`` at least.
- **Alone**, a session gets ``MAX_FPS`` frames a second (runs every ``MIN_SECONDS``).

docs/classroom_notes.md has the measurements behind the constants.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

TARGET_CORES = 0.9      # what one process may use: Python runs on about one core at a time
WALL_SHARE = 0.35       # a run's frames take at most this share of its interval, by the wall clock
MIN_LIVE_CORES = 0.1    # the live views never get less than this, however busy the rest
RUN_SHARE = 0.3         # the runs' fixed cost may take this share of the live budget
SECONDS_STEPS = (0.6, 0.9, 1.35, 2.0)   # a session's run period: alone … a crowded server
MIN_SECONDS, MAX_SECONDS = SECONDS_STEPS[0], SECONDS_STEPS[-1]
MAX_FRAMES = 40         # frames a run at most (MAX_FPS at MAX_SECONDS)
MAX_FPS, SMOOTH_FPS, MIN_FPS = 30.0, 10.0, 3.0
FRAME_TRAIN_S = 0.015   # training in one frame at most (a big network trains fewer epochs a frame)
MIN_TRAIN_S = 0.001     # … and at least (at least one epoch is always trained)
RUN_COST_S = 0.012      # a live run's fixed cost until measured: Streamlit's run, the message, our setup
FRAME_COST_S = 0.002    # a frame's CPU until measured: one slice of training and the grid
DRAW_COST_S = 0.0005    # … of which the grid and the numbers
FRAME_WALL_S = 0.003    # a frame's wall-clock time until measured
MEASURE_EVERY_S = 0.5
OPEN_WINDOW_S = 60.0    # a session counts as watching for a minute after its last run, unless its tab closed
EWMA = 0.3
RUN_EWMA = 0.05         # the runs' fixed cost moves slowly: the timers follow it, and a new timer costs a page run


@dataclass(frozen=True)
class Plan:
    """One session's share: a run every ``seconds`` with ``frames`` frames played ``every_ms`` apart, each
    training for at most ``train_s``; ``sessions`` watching share ``live_cores``."""

    seconds: float
    frames: int
    train_s: float
    sessions: int
    live_cores: float

    @property
    def every_ms(self) -> int:
        return max(1, round(1000 * self.seconds / self.frames))


class LiveBudget:
    """The server's live-view budget and its fair shares (one per process; ``BUDGET`` below)."""

    def __init__(self, *, target_cores: float = TARGET_CORES, clock: Callable[[], float] = time.monotonic,
                 process_cpu: Callable[[], float] = time.process_time,
                 connected: Callable[[str], bool] = lambda session_id: True):
        self.target = target_cores
        self._clock, self._process_cpu = clock, process_cpu
        self.connected = connected
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}
        # session → (CPU per frame, of which drawing, wall-clock time per frame)
        self._frame_cost: dict[str, tuple[float, float, float]] = {}
        self.run_cost = RUN_COST_S
        self.live_cores = target_cores
        self.used_cores = 0.0           # the process's CPU, last window
        self._live_cpu = 0.0
        self._t = clock()
        self._cpu = process_cpu()

    # -- who is watching --------------------------------------------------------------------------

    def seen(self, session_id: str | None, touch: bool = True) -> int:
        """Count ``session_id`` as watching now (unless ``touch`` is False); returns how many are. A session
        stops counting a minute after its last run, or at once when its tab has closed."""
        now = self._clock()
        with self._lock:
            if session_id is not None and touch:
                self._seen[session_id] = now
            for stale in [s for s, t in self._seen.items() if now - t > OPEN_WINDOW_S or not self.connected(s)]:
                del self._seen[stale]
                self._frame_cost.pop(stale, None)
            return max(1, len(self._seen))

    def forget(self, session_id: str) -> None:
        with self._lock:
            self._seen.pop(session_id, None)
            self._frame_cost.pop(session_id, None)

    # -- measuring --------------------------------------------------------------------------------

    def note(self, session_id: str | None, run_cpu: float, frames: int = 0, frames_cpu: float = 0.0,
             draw_cpu: float = 0.0, frames_wall: float | None = None) -> None:
        """After a live run: its CPU time in all (``run_cpu``), and of that ``frames_cpu`` for its ``frames``
        frames (training and drawing), ``draw_cpu`` of which drawing; ``frames_wall`` the frames' wall time."""
        with self._lock:
            self._live_cpu += run_cpu + _STREAMLIT_RUN_S
            if frames > 0:
                self.run_cost += RUN_EWMA * (max(0.0, run_cpu - frames_cpu) + _STREAMLIT_RUN_S - self.run_cost)
                new = (frames_cpu / frames, draw_cpu / frames,
                       (frames_wall if frames_wall is not None else frames_cpu) / frames)
                old = self._frame_cost.get(session_id)
                self._frame_cost[session_id] = new if old is None else tuple(
                    o + EWMA * (n - o) for o, n in zip(old, new))
            self._measure()

    def _measure(self) -> None:
        """Every MEASURE_EVERY_S: what the process used, and so what is left for the live views (smoothed).
        Called with the lock held."""
        now = self._clock()
        dt = now - self._t
        if dt < MEASURE_EVERY_S:
            return
        cpu = self._process_cpu()
        used = max(0.0, (cpu - self._cpu) / dt)
        live = min(used, self._live_cpu / dt)
        wanted = min(self.target, max(MIN_LIVE_CORES, self.target - (used - live)))
        self.live_cores += 0.5 * (wanted - self.live_cores)
        self.used_cores = used
        self._t, self._cpu, self._live_cpu = now, cpu, 0.0

    # -- sharing ----------------------------------------------------------------------------------

    def plan(self, session_id: str | None, touch: bool = True, current: float | None = None) -> Plan:
        """This session's share now (see the module docstring). ``current``: the interval its timer runs at;
        kept unless the class has grown 30 % past it or shrunk 20 % below the step under it (a new interval
        costs a page run)."""
        n = self.seen(session_id, touch)
        with self._lock:
            self._measure()
            live, run_cost = self.live_cores, self.run_cost
            frame_cost, draw_cost, frame_wall = self._frame_cost.get(session_id, (FRAME_COST_S, DRAW_COST_S,
                                                                                   FRAME_WALL_S))
        wanted = n * run_cost / (RUN_SHARE * self.target)
        seconds = next((step for step in SECONDS_STEPS if step >= wanted), MAX_SECONDS)
        if current in SECONDS_STEPS and seconds != current:
            below = max([step for step in SECONDS_STEPS if step < current], default=0.0)
            if 0.8 * below <= wanted <= 1.3 * current:
                seconds = current
        most = min(MAX_FRAMES, round(MAX_FPS * seconds))
        smooth = min(most, math.ceil(SMOOTH_FPS * seconds))
        for_frames = max(0.0, live / n * seconds - run_cost)      # CPU-seconds for this run's frames
        wall = WALL_SHARE * seconds                                # … and wall-clock seconds
        by_cpu = math.floor(for_frames / max(frame_cost, 1e-6))
        by_wall = math.floor(wall / max(frame_wall, 1e-6))
        frames = min(most, max(smooth, min(by_cpu, by_wall)))
        train_s = FRAME_TRAIN_S
        if frames * frame_cost > for_frames or frames * frame_wall > wall:
            # Short of time: each frame trains for less (what is left after drawing it), so the frames keep
            # coming; and if one epoch a frame still does not fit, fewer frames, MIN_FPS at least.
            stretch = max(frame_wall, 1e-6) / max(frame_cost, 1e-6)   # wall-clock seconds per CPU-second
            floor = draw_cost + MIN_TRAIN_S
            fits = math.floor(min(for_frames, wall / stretch) / floor)
            frames = min(frames, max(min(most, math.ceil(MIN_FPS * seconds)), fits))
            share = min(for_frames, wall / stretch) / frames - draw_cost
            train_s = min(FRAME_TRAIN_S, max(MIN_TRAIN_S, share))
        return Plan(seconds=round(seconds, 3), frames=frames, train_s=train_s, sessions=n, live_cores=live)


# What a live run costs beyond what the run itself measures: Streamlit starting and finishing the fragment's
# run, serialising and hashing its message, the event loop writing it to the websocket. Measured: 15
# students on one server, 36 live runs a second, took 0.66 of a core, of which 0.19 in the runs themselves
# and ~0.1 in page runs and the detail view: ~10 ms a run (docs/classroom_notes.md).
_STREAMLIT_RUN_S = 0.010

BUDGET = LiveBudget()
