"""One live training run on a page (the pets Train tab, the conv-net chapter): its session state, its
Start / Pause–Resume / Reset buttons, reading the photos with a progress bar, training a slice of
mini-batches per fragment tick, its live learning curves, and scoring the test photos at the end.

The run lives in ``st.session_state[f"{prefix}_run"]`` as a dict: the model, its generator of
mini-batch and epoch records (``engine.pets.training.live(..., batches=True)``), the history of epoch
records, the mini-batch costs, and whether it is done.

The server trains a few runs at a time (``ui.train_queue``): a run that is started (or resumed) queues for a
slot; while it waits, its panel says its place and about how long, with a button to leave the line, and
its fragment asks again every WAIT_SECONDS. Pause, Reset and the run's end give the slot back.

Live: each tick (a fragment run every TICK_SECONDS) draws what the previous tick trained, then trains
for TRAIN_SECONDS, stopping between two mini-batches, and notes the curves FRAMES_PER_TICK times on the
way; the browser plays those frames TICK_SECONDS / FRAMES_PER_TICK apart, so the curves move 20 times a
second even when an epoch takes several seconds, and Pause answers within a tick. A frame is data
(``ui.live_frames``): a tick sends the new epoch records and mini-batch costs, and each frame only how many
of them it shows; the whole figure is built only in a page run (a click).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from engine.pets import data as pet_data
from engine.pets.training import evaluate
from engine.training import BatchRecord

import uuid

from ui import style
from ui.live_frames import full_json, is_fragment_run, live_frames, wait_until_sent, wait_until_started
from ui.pets import figures as pets_figures
from ui.pets.common import dataset
from ui.playground import figures as pg_figures
from ui import train_queue
from ui.train_queue import Turn

TICK_SECONDS = 0.5      # a fragment run while training
TRAIN_SECONDS = 0.38    # of which training: the rest draws, and the page stays quick to answer
FRAMES_PER_TICK = 10    # → 20 curve updates a second (fewer in a tick that ends an epoch)
WAIT_SECONDS = 1.0      # a run waiting for a training slot asks again this often


def _alive(owner: str) -> bool:
    """Whether the session that queued a run still has a browser tab (a closed tab's run is dropped)."""
    return not Runtime.exists() or Runtime.instance().is_active_session(owner.split(":", 1)[0])


train_queue.QUEUE.alive = _alive


@dataclass(frozen=True)
class TrainingRun:
    """The session keys of one page's run: ``{prefix}_run``, ``{prefix}_running``, ``{prefix}_eval`` and
    ``{prefix}_session_model`` (the trained model, kept for the page's other tabs)."""

    prefix: str
    forget_model_on_reset: bool = False

    @property
    def run(self) -> dict | None:
        return st.session_state[f"{self.prefix}_run"]

    @property
    def running(self) -> bool:
        return st.session_state[f"{self.prefix}_running"]

    @property
    def evaluation(self) -> dict | None:
        return st.session_state[f"{self.prefix}_eval"]

    # -- the queue ----------------------------------------------------------------------------------

    def owner(self) -> str:
        """This session's run of this page, in the server's training queue: "session id:page:tag" (the tag
        tells apart sessions that share an id, as AppTest's do)."""
        ss = st.session_state
        key = f"{self.prefix}_queue_owner"
        if key not in ss:
            ctx = get_script_run_ctx()
            ss[key] = f"{ctx.session_id if ctx is not None else 'local'}:{self.prefix}:{uuid.uuid4().hex[:8]}"
        return ss[key]

    def turn(self) -> Turn:
        """This run's place: training, or waiting (asks again if the queue gave it up, e.g. a tab the
        browser had put to sleep)."""
        turn = train_queue.QUEUE.turn(self.owner())
        return turn if turn.queued else train_queue.QUEUE.join(self.owner())

    def timer(self) -> float | None:
        """The live panel's ``run_every``: none when stopped, slower while waiting for a slot."""
        ss = st.session_state
        every = None if not self.running else TICK_SECONDS if self.turn().training else WAIT_SECONDS
        ss[f"{self.prefix}_timer"] = every
        return every

    def leave_queue(self) -> None:
        """"Leave the queue": the run stays as it is (paused, or not started) and gives up its place."""
        ss = st.session_state
        train_queue.QUEUE.leave(self.owner())
        ss[f"{self.prefix}_running"] = False
        ss[f"{self.prefix}_rerun"] = True   # the page redraws its buttons and stops the timer

    # -- the buttons' callbacks ---------------------------------------------------------------------

    def start(self) -> None:
        ss = st.session_state
        ss[f"{self.prefix}_run"] = {"pending": True}
        ss[f"{self.prefix}_running"] = True
        ss[f"{self.prefix}_eval"] = None
        train_queue.QUEUE.leave(self.owner())   # a new run goes to the back of the line
        train_queue.QUEUE.join(self.owner())

    @staticmethod
    def unfinished(run: dict | None) -> bool:
        """A run that has been prepared and has epochs left."""
        return bool(run and "gen" in run and not run.get("done"))

    def pause_or_resume(self) -> None:
        if self.unfinished(self.run):
            st.session_state[f"{self.prefix}_running"] = not self.running
            (train_queue.QUEUE.join if self.running else train_queue.QUEUE.leave)(self.owner())

    def reset(self) -> None:
        ss = st.session_state
        ss[f"{self.prefix}_run"] = None
        ss[f"{self.prefix}_running"] = False
        ss[f"{self.prefix}_eval"] = None
        train_queue.QUEUE.leave(self.owner())
        if self.forget_model_on_reset:
            ss[f"{self.prefix}_session_model"] = None

    def buttons(self, start_key: str, pause_key: str, reset_key: str) -> None:
        """Start training · Pause / Resume · Reset, in one row."""
        running, run = self.running, self.run
        paused = self.unfinished(run) and not running
        b1, b2, b3, _ = st.columns([1.5, 1.2, 1.1, 2.2])  # "Start training" whole at 1280 px
        b1.button("Start training", key=start_key, on_click=self.start, type="primary", disabled=running,
                  icon=":material/play_arrow:")
        b2.button("Resume" if paused else "Pause", key=pause_key, on_click=self.pause_or_resume,
                  disabled=not (running or paused), icon=":material/play_arrow:" if paused else ":material/pause:")
        b3.button("Reset", key=reset_key, on_click=self.reset, icon=":material/restart_alt:")

    # -- the run ------------------------------------------------------------------------------------

    @staticmethod
    def photos(root: str, size: int, colour: str):
        """The photo set at this size and colour, decoded with a progress bar the first time."""
        bar = st.progress(0.0, text="Reading the photos…")
        if not pet_data.is_cached(root, size, colour):
            pet_data.load(root, size=size, colour=colour,
                          progress=lambda done, total: bar.progress(
                              0.8 * done / total, text=f"Decoding photos (only the first time): {done}/{total}"))
        data = dataset(root, size, colour)
        bar.progress(0.9, text="Standardising the pixels and building the model…")
        return data, bar

    def begin(self, model, gen, epochs: int, root: str, size: int, colour: str, summary: str) -> None:
        st.session_state[f"{self.prefix}_run"] = {
            "model": model, "gen": gen, "history": [], "batches": [], "step": (0, 0), "epochs": epochs,
            "root": root, "size": size, "colour": colour, "summary": summary, "error": "", "done": False,
            "seconds": 0.0}

    @staticmethod
    def advance(run: dict, seconds: float, frames: int = 1) -> list[tuple[int, int]]:
        """Train for about ``seconds`` (at least one mini-batch), stopping between two mini-batches.

        Returns the run's state at ``frames`` moments spread over those seconds, each as (epochs done,
        mini-batches done): what each frame of the live curves shows."""
        start = time.perf_counter()
        marks: list[tuple[int, int]] = []
        while not run["done"]:
            record = next(run["gen"], None)
            if isinstance(record, BatchRecord):
                run["batches"].append((record.at, record.loss))  # without L2, as the epochs' curves
                run["step"] = (record.step, record.steps)
            elif record is None or record.diverged:
                run["done"] = True
                run["error"] = record.message if record is not None else ""
            else:
                run["history"].append(record)
                run["done"] = len(run["history"]) >= run["epochs"]
            elapsed = time.perf_counter() - start
            if elapsed >= seconds * (len(marks) + 1) / frames:
                marks.append((len(run["history"]), len(run["batches"])))
            if elapsed >= seconds:
                break
        run["seconds"] += time.perf_counter() - start
        now = (len(run["history"]), len(run["batches"]))
        if not marks or marks[-1] != now:
            marks.append(now)
        return marks

    @staticmethod
    def epochs_done(run: dict) -> float:
        """How far the run is, in epochs: 3.25 is a quarter into epoch 4."""
        return max(float(len(run["history"])), run["batches"][-1][0] if run["batches"] else 0.0)

    def progress(self, run: dict) -> None:
        """The progress bar (epoch and mini-batch, seconds an epoch, paused) and any divergence message."""
        done, epochs = self.epochs_done(run), run["epochs"]
        step, steps = run["step"]
        where = (f"Epoch {len(run['history']) + 1} of {epochs}, mini-batch {step} of {steps}"
                 if 0 < step < steps and not run["done"] else f"Epoch {len(run['history'])} of {epochs}")
        per_epoch = f", {run['seconds'] / done:.1f} s an epoch" if done >= 0.05 else ""
        paused = " (paused)" if not self.running and not run["done"] else ""
        st.progress(min(done / epochs, 1.0), text=f"{where}{per_epoch}{paused}")
        if run["error"]:
            st.error(run["error"], icon=":material/warning:")

    def frames(self, run: dict) -> list[tuple[int, int]]:
        """What to draw at the start of a fragment run: while running, the frames the previous tick
        trained (see ``advance``), each drawn once; else one frame of the run as it is. A run draws
        first and trains after, so its charts are fresh on screen while it trains instead of fading as
        stale. Frames left from before a Pause are dropped, so Resume never plays the curves backwards."""
        now = [(len(run["history"]), len(run["batches"]))]
        marks = run.pop("marks", None)
        return (marks or now) if self.running else now

    def tick(self, run: dict) -> None:
        """One fragment run's training (while running), noting the frames for the next run to draw."""
        if self.running:
            run["marks"] = self.advance(run, TRAIN_SECONDS, FRAMES_PER_TICK)

    def live_panel(self, draw: Callable[[dict, list[tuple[int, int]]], None],
                   finish: Callable[[dict], object]) -> None:
        """A page's live panel (its fragment): ``draw(run, frames)`` what the last tick trained, then train
        this tick if the run holds a training slot (else say where it is in the line); at the run's end
        ``finish(run)`` and rerun the page, which stops the timer."""
        ss = st.session_state
        if ss.pop(f"{self.prefix}_rerun", False):
            st.rerun()
        wait_until_started(0.3 * TICK_SECONDS)
        run = self.run
        if not run:
            return
        turn = self.turn() if self.running else None
        timer = ss.get(f"{self.prefix}_timer")
        if turn is not None and is_fragment_run() and timer != (TICK_SECONDS if turn.training else WAIT_SECONDS):
            st.rerun()   # granted a slot (the page prepares the run), or back in line: the page sets the timer
        if turn is not None and not turn.training:
            self.waiting(run, turn)
            if run.get("history") or run.get("batches"):
                draw(run, [(len(run["history"]), len(run["batches"]))])
            return
        run.pop("queued_at", None)
        if "model" not in run:   # started, its photos and model not yet prepared
            return
        draw(run, self.frames(run))
        wait_until_sent(0.2 * TICK_SECONDS)   # before this tick trains (ui.live_frames: Streamlit's races)
        self.tick(run)
        if run["done"] and self.running:
            finish(run)
            st.rerun()

    def waiting(self, run: dict, turn: Turn) -> None:
        """Where the run is in the line, about how long it will wait, and a way out."""
        since = run.setdefault("queued_at", time.monotonic())
        waited = time.monotonic() - since
        st.progress(min(1.0, waited / max(waited + turn.wait_s, 1e-6)),
                    text=f"Waiting for a training slot: {'you are next' if turn.place == 1 else f'number {turn.place} in line'}"
                         f", about {_duration(turn.wait_s)} ({turn.waiting} waiting)")
        st.info(f"This server trains {turn.slots} run{'s' if turn.slots != 1 else ''} at a time, so that each "
                "trains at full speed; the others wait their turn. Yours starts by itself.",
                icon=":material/hourglass_top:")
        st.button("Leave the queue", key=f"{self.prefix}_leave_queue", on_click=self.leave_queue,
                  icon=":material/logout:")

    def curves(self, run: dict, marks: list[tuple[int, int]], key: str, height: int) -> None:
        """The live learning curves, one frame per mark: cost J (mini-batches, and train and test at each
        epoch's end) and accuracy, on an epoch axis as long as the run. A timer's run sends the new points
        only; a page run (or the browser asking, ``resync``) the whole figure."""
        live = run.setdefault("live", {"token": uuid.uuid4().hex, "batch": 0, "sent": [], "full": True})
        full = live["full"] or not is_fragment_run()
        live["full"] = False
        history, batches = run["history"], run["batches"]
        start_e, start_b = (0, 0) if full or not live["sent"] else live["sent"][0]
        start_e, start_b = min(start_e, len(history)), min(start_b, len(batches))
        now = (len(history), len(batches))
        live["sent"] = [now] if full else (live["sent"] + [now])[-2:]
        live["batch"] += 1
        frames = []
        for h, b in marks:
            last = history[h - 1] if h else None
            text = (f"Learning curves after {h} of {run['epochs']} epochs and {b} mini-batches: cost J "
                    f"{last.train_cost:.2f}, test accuracy {last.test_accuracy:.0%}" if last else
                    f"Learning curves: {b} mini-batches into the first epoch" if b else "Learning curves: no step yet")
            frames.append({"epoch": h, "n": {"epochs": h, "batches": b}, "stats": [], "text": {"curves": text}})
        series = {**pg_figures.curve_series(history, start_e), **pg_figures.batch_series(batches, start_b)}
        batch = {"token": live["token"], "id": live["batch"], "play": 0, "charts": {"curves": key},
                 "running": self.running, "every_ms": round(1000 * TICK_SECONDS / max(1, len(frames))),
                 "frames": frames, "series": series, "grid": {"r": 0, "count": 0}}
        figure = None
        if full:
            h, b = marks[-1]
            figure = full_json({"curves": pg_figures.learning_curves(history[:h], height=height, batches=batches[:b],
                                                                     epochs=run["epochs"])})
        live_frames(key=f"{self.prefix}_live", view="curves", batch=batch, full=figure,
                    label="Learning curves: cost J per mini-batch and per epoch, and accuracy per epoch",
                    on_change=self._resync)

    def _resync(self) -> None:
        """The browser lacks what a frame needs (a remounted chart, a tick it missed): send it all next."""
        run = self.run
        report = st.session_state.get(f"{self.prefix}_live")
        if run and isinstance(report, dict) and report.get("action") == "resync" and "live" in run:
            run["live"]["full"] = True

    def should_prepare(self) -> bool:
        """A started run whose turn has come (``ui.train_queue``): the page decodes its photos and builds its
        model now, not while it waits, so a class in line holds no copies of the photos."""
        run = self.run
        return bool(run and run.get("pending") and self.running and self.turn().training)

    def finish(self, run: dict) -> dict | None:
        """Stop, score the model on the test photos and keep it as the session's model. The run's training
        (its copies of the photos) is let go: a class of trained models would otherwise keep thirty."""
        ss = st.session_state
        ss[f"{self.prefix}_running"] = False
        train_queue.QUEUE.leave(self.owner())
        gen = run.pop("gen", None)
        if gen is not None:
            gen.close()
        if run["error"] or not run["history"]:
            return None
        data = dataset(run["root"], run["size"], run["colour"])
        model = run["model"]
        result = evaluate(model, data.images_test, data.y_test)
        model.metadata.update(test_accuracy=result["accuracy"], train_accuracy=run["history"][-1].train_accuracy)
        ss[f"{self.prefix}_session_model"] = model
        ss[f"{self.prefix}_eval"] = {k: result[k] for k in ("accuracy", "confusion", "fpr", "tpr", "auc")}
        return result

    def results(self) -> None:
        """Test accuracy, ROC AUC, the confusion matrix and the ROC curve of the finished run."""
        ev = self.evaluation
        st.subheader("How well it does on the test photos")
        m1, m2 = st.columns(2)
        m1.metric("test accuracy", f"{ev['accuracy']:.1%}")
        m2.metric("ROC AUC", f"{ev['auc']:.3f}")
        left, right = st.columns(2)
        left.plotly_chart(pets_figures.confusion(ev["confusion"]), config=style.CHART_CONFIG,
                          key=f"{self.prefix}_confusion_chart")
        right.plotly_chart(pets_figures.roc(ev["fpr"], ev["tpr"], ev["auc"]), config=style.CHART_CONFIG,
                           key=f"{self.prefix}_roc_chart")


def _duration(seconds: float) -> str:
    """A wait in words: "a few seconds", "40 s", "3 min"."""
    if seconds < 5:
        return "a few seconds"
    if seconds < 90:
        return f"{round(seconds / 5) * 5:.0f} s"
    return f"{round(seconds / 60):.0f} min"
