"""A class of simulated students on one server (or behind nginx), without a browser.

Each student is a thread with its own ``devtools.streamlit_client`` session, speaking Streamlit's
websocket protocol as a browser tab does, and does what a student does in a lecture:

1. opens the home page (``connect`` = page, health, host config and websocket; ``home`` = first run),
2. follows the link to the playground (``playground``), sets the width of layer 1 (``control``),
3. presses Play (``play``) and watches for --seconds: the live view's fragment reruns on the frontend's
   timer (its ``run_every``); each run brings a batch of data frames (``ui.live_frames``) that the browser
   plays over the run's interval. ``frame`` is the time between two frames shown, played as the browser
   plays them (a batch's frames ``every_ms`` apart, from its arrival, at most half a batch kept from the
   one before); "updates a second" counts them,
4. presses Pause (``pause``), opens the pets page (``pets``), uploads a small generated JPEG, different
   for every student, and reads P(dog) from the answer (``upload``: URL request + HTTP PUT + rerun),
5. closes the tab.

With --train the class does chapter 6 instead: opens the conv-net page's training tab (``convnets``),
presses Start training for one epoch (``train``), waits for a training slot (``queue wait``: from the
click to the first mini-batch trained; ``ui.train_queue``) and trains to the end, reading its
seconds an epoch from the progress bar (epochs a second per running student).

Students arrive spread over --ramp seconds. A latency is from the request sent to the
``script_finished`` of the first run that shows its effect. A live-view run that reaches the
student with nothing drawn (``FINISHED_EARLY_FOR_RERUN``: the server discarded its drawing before
sending it) is a dropped run. Errors are exceptions drawn on the page, timeouts, HTTP and websocket
failures. The servers' CPU % (of one core) and RSS are sampled from /proc twice a second; their pids
are found from the ports they listen on, or given with --server-pid. The headline "server CPU per
frame" is the servers' CPU time while the whole class plays divided by the frames delivered meanwhile.

With --start-server the servers run as deployed: ``deploy/serve.py``'s nginx and one replica per core
(--replicas, default the cores; ``--replicas 1`` is a single ``streamlit run`` without nginx), no file
watcher (--watch-files keeps the development default). Before the class, one visit to every page warms
each server (imports, models), as a lecturer's check does; --cold skips it. Localhost only; at most
200 students and 600 s of Play. The last table gives every target with its measured figure.

    python benchmarks/classroom_load.py --students 30 --seconds 45 --ramp 10 --start-server
    python benchmarks/classroom_load.py --students 30 --seconds 45 --ramp 10 --start-server --replicas 1
    python benchmarks/classroom_load.py --students 60 --seconds 45 --ramp 10 --start-server
    python benchmarks/classroom_load.py --students 30 --train --ramp 5 --start-server [--data DIR]
    python benchmarks/classroom_load.py --students 30 --seconds 60 --url http://127.0.0.1:8501 [--json out.json]

The load generator runs on the same machine and reports its own CPU use: on a small machine it takes
cores from the server, so the figures are conservative. It does not fetch the static JavaScript or the
components' files (a browser caches them after the first visit).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy import serve  # noqa: E402
from devtools.browser import streamlit_server  # noqa: E402
from devtools.streamlit_client import ClientError, StreamlitClient, require_local  # noqa: E402

NGINX = serve.NGINX
MAX_STUDENTS = 200
MAX_REPLICAS = serve.MAX_REPLICAS
MAX_SECONDS = 600
LIVE_VIEW = "ui.live_frames.live_frames"
CONTROL_KEY, CONTROL_VALUE = "w_pg_width_1", 5.0    # "Units in layer 1": 4 → 5 …
CONTROL_ECHO = "width1=5"                           # … which the page mirrors into its URL
PLAY_KEY, UPLOADER_KEY = "pg_play", "pets_uploads"
PLAYGROUND_QUERY = "epochs=10000"
ACTIONS = ["connect", "home", "playground", "control", "play", "frame", "pause", "pets", "upload",
           "convnets", "train", "queue wait", "trained"]
TRAIN_PAGE, TRAIN_QUERY, TRAIN_KEY = "convnets", "cnn_tab=Train+a+small+conv+net&epochs={epochs}", "cnn_train_start"
TRAINING = re.compile(r"^Epoch (\d+) of (\d+)(?:, mini-batch (\d+) of (\d+))?")
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "cats_and_dogs_filtered"
P_DOG = re.compile(r"P\(dog\) = \*\*([0-9.]+)\*\*")
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Student:
    """What one simulated student saw."""

    index: int
    upstream: str = ""
    actions: dict[str, list[float]] = field(default_factory=dict)   # action → latencies in seconds
    errors: list[str] = field(default_factory=list)
    epoch_before_play: int | None = None
    epoch_last: int | None = None
    batches: list[tuple[float, int, float]] = field(default_factory=list)  # (arrival, frames, every s)
    frames: int = 0           # frames delivered (in all the batches that reached the student)
    shown: int = 0            # frames played on their schedule (``playback``)
    frames_dropped: int = 0   # live-view runs that arrived with their drawing discarded by the server
    page_reruns: int = 0      # live-view runs that reran the page instead (a new timer)
    play_from: float = 0.0    # perf_counter when Play was answered …
    play_seconds: float = 0.0 # … and for how long the student watched
    p_dog: float | None = None
    epochs_per_s: float | None = None  # --train: epochs trained a second, from the progress bar, while training
    trained: bool = False

    @property
    def epochs_advanced(self) -> int:
        if self.epoch_before_play is None or self.epoch_last is None:
            return 0
        return self.epoch_last - self.epoch_before_play


def photo(seed: int) -> bytes:
    """A small JPEG, different for every seed (so no student hits another's decode cache)."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, size=(96, 128, 3), dtype=np.uint8)
    pixels[..., 0] = np.clip(pixels[..., 0] // 2 + 100, 0, 255)   # warm brown, like a furry pet
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, format="JPEG", quality=85)
    return out.getvalue()


def live_batches(run) -> list[dict]:
    """The playground live view's batches in a run (``ui.live_frames``): {"running", "every_ms", "frames", …}."""
    out = []
    for name, text in run.components:
        if name == LIVE_VIEW and '"view": "playground"' in text:
            out.append(json.loads(text)["batch"])
    return out


def epochs(run) -> list[int]:
    """The epochs of the frames the live view was sent in a run."""
    return [frame["epoch"] for batch in live_batches(run) for frame in batch["frames"]]


def playback(batches: list[tuple[float, int, float]], end: float) -> list[float]:
    """When each frame is shown, as ``live_frames.js`` plays them: a batch's frames ``every`` s apart from when
    it arrives (or from the last frame due, when frames are still waiting), keeping at most half a batch of
    the frames still waiting when the next batch arrives."""
    shown: list[float] = []
    waiting, due = 0, None

    def play_until(t: float) -> None:
        nonlocal waiting, due
        while waiting and due is not None and due <= t:
            shown.append(due)
            waiting -= 1
            due += every

    every = 0.0
    for arrival, frames, step in batches:
        play_until(arrival)
        waiting = min(waiting, frames // 2) + frames
        every = step
        if due is None or due < arrival:
            due = arrival
    play_until(end)
    return shown


def simulate(url: str, index: int, play_seconds: float, stop_at: float, timeout: float = 60.0) -> Student:
    """One student's lecture (the module docstring's steps), recorded; never raises."""
    student = Student(index)
    client = StreamlitClient(url, timeout=timeout)

    def act(name: str, do):
        if time.perf_counter() > stop_at:
            raise ClientError(f"{name}: the run's time limit was reached")
        start = time.perf_counter()
        try:
            result = do()
        except ClientError as exc:
            raise ClientError(f"{name}: {exc}") from exc
        student.actions.setdefault(name, []).append(getattr(result, "seconds", None) or time.perf_counter() - start)
        for text in getattr(result, "exceptions", []):
            student.errors.append(f"{name}: exception on the page: {text[:200]}")
        return result

    try:
        act("connect", client.connect)
        student.upstream = client.upstream
        act("home", lambda: client.open_page(""))
        # The lecturer's link: a run long enough to play the whole time (the default stops at 1000 epochs).
        act("playground", lambda: client.open_page("playground", PLAYGROUND_QUERY))
        # Each action is answered when its effect shows: the new width in the page's URL, the live
        # view's timer started (Play) or stopped (Pause), a P(dog) drawn.
        changed = act("control", lambda: client.set_widget(
            CONTROL_KEY, CONTROL_VALUE, until=lambda run: run.full and CONTROL_ECHO in client.query_string))
        student.epoch_before_play = (epochs(changed) or [None])[-1]
        played = act("play", lambda: client.click(PLAY_KEY, until=lambda run: run.full and bool(client.auto_reruns)))
        student.epoch_last = (epochs(played) or [student.epoch_before_play])[-1]
        for batch in live_batches(played):   # Play's own run brings the first frames
            if batch["running"] and batch["frames"]:
                student.batches.append((played.finished_at, len(batch["frames"]), batch["every_ms"] / 1000))
                student.frames += len(batch["frames"])
        watch(client, student, min(play_seconds, max(0.0, stop_at - time.perf_counter())), played.finished_at)
        act("pause", lambda: client.click(PLAY_KEY, until=lambda run: run.full and not client.auto_reruns))
        act("pets", lambda: client.open_page("pets"))
        answer = act("upload", lambda: client.upload(UPLOADER_KEY, f"pet_{index}.jpg", photo(index), "image/jpeg",
                                                     until=lambda run: any(P_DOG.search(b) for b in run.markdown)))
        student.p_dog = next(float(p) for body in answer.markdown for p in P_DOG.findall(body))
    except ClientError as exc:
        student.errors.append(f"{exc}")
    except Exception as exc:  # noqa: BLE001 - a websocket or protocol failure is a measured error
        student.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        try:
            client.close()
        except Exception:  # noqa: BLE001 - closing a broken connection: nothing left to measure
            pass
    return student


def warm_up(url: str, timeout: float = 60.0, train: bool = False) -> float:
    """One visit to every page of the scenario, upload included, before the class arrives (as a lecturer
    checking the app does): each page's first run imports its modules and loads its models once per
    process, which a class would otherwise pay for in its first seconds. With ``train``: the training tab,
    one run started until it trains (the photos decoded once) and reset. Returns the seconds it took."""
    start = time.perf_counter()
    client = StreamlitClient(url, timeout=timeout)
    try:
        client.connect()
        if train:
            client.open_page(TRAIN_PAGE, TRAIN_QUERY.format(epochs=1))
            client.click(TRAIN_KEY, until=lambda run: run.full and bool(client.auto_reruns))
            deadline = time.perf_counter() + 10 * timeout
            while client.auto_reruns and time.perf_counter() < deadline:
                runs = client.follow_auto_reruns(2.0)
                if any(TRAINING.match(text) and "mini-batch" in text for run in runs for text in run.progress):
                    break
            client.click("cnn_train_reset")
            return time.perf_counter() - start
        for page in ("", "playground", "pets"):
            client.open_page(page)
        client.upload(UPLOADER_KEY, "warm_up.jpg", photo(MAX_STUDENTS), "image/jpeg",
                      until=lambda run: any(P_DOG.search(b) for b in run.markdown))
    finally:
        client.close()
    return time.perf_counter() - start


def watch(client: StreamlitClient, student: Student, seconds: float, since: float) -> None:
    """Let the live view play for ``seconds``: note the batches of frames that reach the student (a run whose
    live view was drawn), the dropped runs and the last epoch seen; then play them as the browser does."""
    runs = client.follow_auto_reruns(seconds)
    for i, run in enumerate(runs):
        for text in run.exceptions:
            student.errors.append(f"frame: exception on the page: {text[:200]}")
        for batch in live_batches(run):
            if batch["running"] and batch["frames"]:
                student.batches.append((run.finished_at, len(batch["frames"]), batch["every_ms"] / 1000))
                student.frames += len(batch["frames"])
                student.epoch_last = batch["frames"][-1]["epoch"]
        if not run.components and run.status == "FINISHED_EARLY_FOR_RERUN":
            if i + 1 < len(runs) and not runs[i + 1].fragment_ids:
                student.page_reruns += 1   # it reran the page (a new timer for a grown class), by design
            else:
                student.frames_dropped += 1
    end = time.perf_counter()
    student.play_from, student.play_seconds = since, end - since
    shown = playback(student.batches, end)
    student.shown = len(shown)
    # The gaps between frames shown, the wait after the last one included: a student who saw none waited it all.
    student.actions.setdefault("frame", []).extend(b - a for a, b in zip([since, *shown], [*shown, end]) if b > a)


def simulate_train(url: str, index: int, stop_at: float, timeout: float = 60.0, train_epochs: int = 1) -> Student:
    """One student of the --train class: the conv-net page's training tab, Start training, wait for a slot,
    train to the end (or to the class's time limit); never raises."""
    student = Student(index)
    client = StreamlitClient(url, timeout=timeout)

    def act(name: str, do):
        start = time.perf_counter()
        try:
            result = do()
        except ClientError as exc:
            raise ClientError(f"{name}: {exc}") from exc
        student.actions.setdefault(name, []).append(getattr(result, "seconds", None) or time.perf_counter() - start)
        for text in getattr(result, "exceptions", []):
            student.errors.append(f"{name}: exception on the page: {text[:200]}")
        return result

    try:
        act("connect", lambda: client.connect(TRAIN_PAGE))
        student.upstream = client.upstream
        act("convnets", lambda: client.open_page(TRAIN_PAGE, TRAIN_QUERY.format(epochs=train_epochs)))
        clicked = time.perf_counter()
        granted = None

        seen: list[tuple[float, float]] = []   # (when, epochs done) while training

        def note(run) -> None:
            nonlocal granted
            for text in run.exceptions:
                student.errors.append(f"train: exception on the page: {text[:200]}")
            for text in run.progress:
                m = TRAINING.match(text)
                if not m:
                    continue
                if granted is None:   # trained (a run may end within one tick)
                    granted = run.finished_at
                    student.actions.setdefault("queue wait", []).append(granted - clicked)
                epoch, _, step, steps = m.groups()
                seen.append((run.finished_at, int(epoch) - 1 + int(step) / int(steps) if step else int(epoch)))

        note(act("train", lambda: client.click(TRAIN_KEY, until=lambda run: run.full)))
        while client.auto_reruns and time.perf_counter() < stop_at:
            for run in client.follow_auto_reruns(min(5.0, max(0.1, stop_at - time.perf_counter()))):
                note(run)
        student.trained = not client.auto_reruns
        if len(seen) >= 2 and seen[-1][0] > seen[0][0]:   # the progress bar's advance while training
            student.epochs_per_s = (seen[-1][1] - seen[0][1]) / (seen[-1][0] - seen[0][0])
        if student.trained:
            student.actions.setdefault("trained", []).append(time.perf_counter() - clicked)
        elif granted is None:
            student.errors.append("train: still waiting for a slot when the class ended")
    except ClientError as exc:
        student.errors.append(f"{exc}")
    except Exception as exc:  # noqa: BLE001 - a websocket or protocol failure is a measured error
        student.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        try:
            client.close()
        except Exception:  # noqa: BLE001 - closing a broken connection: nothing left to measure
            pass
    return student


# -- the server's CPU and memory, from /proc --------------------------------------------------------

def listening_pid(port: int) -> int | None:
    """The pid of the local process listening on TCP ``port`` (from /proc/net/tcp{,6}), if visible."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:   # 0A = LISTEN
                inodes.add(f"socket:[{parts[9]}]")
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                return int(proc.name)
        except OSError:
            continue
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    """Resident memory of the process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise OSError(f"no VmRSS for pid {pid}")


class Sampler(threading.Thread):
    """Every ``period`` seconds: the summed CPU % (100 = one core) and RSS (MB) of ``pids``."""

    def __init__(self, pids: list[int], period: float = 0.5):
        super().__init__(daemon=True)
        self.pids, self.period = pids, period
        self.samples: list[dict] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        t0 = last_t = time.perf_counter()
        last_cpu = self._cpu()
        while not self._stop_event.wait(self.period):
            try:
                now, cpu = time.perf_counter(), self._cpu()
                rss = sum(rss_mb(pid) for pid in self.pids)
            except OSError:
                break   # a server went away; what was sampled stays
            self.samples.append({"t": round(now - t0, 2), "at": now, "dt": now - last_t,
                                 "cpu_percent": round(100 * (cpu - last_cpu) / (now - last_t), 1),
                                 "rss_mb": round(rss, 1)})
            last_t, last_cpu = now, cpu

    def _cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def stop(self) -> list[dict]:
        self._stop_event.set()
        self.join(5)
        return self.samples


# -- local servers: one, or deploy/serve.py's replicas behind nginx ---------------------------------

# A single server runs as deploy/Dockerfile runs one: no file watcher. With the development default,
# Streamlit's event loop walks every imported module's path after each script run (~8 % of a loaded
# server's CPU).
AS_DEPLOYED = serve.AS_DEPLOYED


@contextlib.contextmanager
def local_servers(replicas: int, tmp: Path, watch_files: bool = False):
    """``streamlit run app.py`` once (``replicas`` = 1), or ``deploy/serve.py``'s deployment of ``replicas``
    behind nginx; yields (URL, server pids, the servers' own URLs)."""
    if not 1 <= replicas <= MAX_REPLICAS:
        raise ValueError(f"--replicas must be 1…{MAX_REPLICAS}")
    extra = () if watch_files else AS_DEPLOYED
    if replicas == 1:
        os.environ.setdefault("MALLOC_ARENA_MAX", "2")
        with streamlit_server(tmp / "server.log", extra) as url:
            pids = [pid for pid in [listening_pid(urlparse(url).port)] if pid]
            yield url, pids, [url]
        return
    with serve.deployment(replicas, tmp / "deploy", extra_args=extra, say=lambda text: None) as d:
        yield d.url, d.pids(), d.replica_urls


# -- the class --------------------------------------------------------------------------------------

def run_class(url: str, students: int, seconds: float, ramp: float = 5.0, pids: list[int] = (),
              timeout: float = 60.0, train: bool = False, train_epochs: int = 1) -> dict:
    """Simulate ``students`` students against ``url`` (the module docstring's scenario, or the --train
    class) and return the summary (``summarize``) with every student's record and the resource samples.
    With ``train`` each student trains ``train_epochs`` and the class ends after ``seconds`` at most."""
    if not 1 <= students <= MAX_STUDENTS:
        raise ValueError(f"--students must be 1…{MAX_STUDENTS}")
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"--seconds must be in (0, {MAX_SECONDS}]")
    url = require_local(url)
    load_before = os.getloadavg()
    sampler = Sampler(list(pids)) if pids else None
    if sampler:
        sampler.start()
    own_cpu_before, wall_before = time.process_time(), time.perf_counter()
    # Everything stops by itself: Play for `seconds`, plus time to arrive and for the other actions.
    stop_at = wall_before + ramp + seconds + (0 if train else 6 * timeout)
    results: list[Student | None] = [None] * students

    def one(i: int) -> None:
        time.sleep(ramp * i / students)
        results[i] = (simulate_train(url, i, stop_at, timeout, train_epochs) if train
                      else simulate(url, i, seconds, stop_at, timeout))

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(students)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, stop_at + timeout - time.perf_counter()))
    wall = time.perf_counter() - wall_before
    own_cpu = time.process_time() - own_cpu_before
    samples = sampler.stop() if sampler else []
    done = [r if r is not None else Student(i, errors=["did not finish in time"]) for i, r in enumerate(results)]
    summary = summarize(done, samples, train=train)
    summary.update(url=url, students=students, seconds=seconds, ramp=ramp, wall_seconds=round(wall, 1),
                   pids=list(pids), load_average_before=[round(x, 2) for x in load_before],
                   load_average_after=[round(x, 2) for x in os.getloadavg()], cpu_count=os.cpu_count(),
                   generator_cpu_percent=round(100 * own_cpu / wall, 1), train=train)
    summary["per_student"] = [asdict(s) | {"epochs_advanced": s.epochs_advanced} for s in done]
    summary["samples"] = [{k: v for k, v in x.items() if k not in ("at", "dt")} for x in samples]
    summary["targets"] = targets(summary)
    return summary


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def cpu_per_frame(students: list[Student], samples: list[dict]) -> dict:
    """The servers' CPU per frame delivered: over the whole class, and while every student plays (from the
    last Play answered to the first Pause sent), when the class had such a window of at least 5 s."""
    out = {}
    frames = sum(s.frames for s in students)
    cpu = sum(x["cpu_percent"] / 100 * x["dt"] for x in samples)
    if frames and samples:
        out["all_ms"] = round(1000 * cpu / frames, 2)
    playing = [s for s in students if s.play_seconds > 0]
    if len(playing) == len(students) and samples:
        t0 = max(s.play_from for s in playing)
        t1 = min(s.play_from + s.play_seconds for s in playing)
        if t1 - t0 >= 5:
            cpu = sum(x["cpu_percent"] / 100 * x["dt"] for x in samples if t0 <= x["at"] - x["dt"] and x["at"] <= t1)
            window = sum(n for s in playing for at, n, _ in s.batches if t0 <= at <= t1)
            seconds = sum(x["dt"] for x in samples if t0 <= x["at"] - x["dt"] and x["at"] <= t1)
            if window and seconds:
                out.update(playing_ms=round(1000 * cpu / window, 2), playing_seconds=round(seconds, 1),
                           playing_cpu_percent=round(100 * cpu / seconds))
    return out


def summarize(students: list[Student], samples: list[dict], train: bool = False) -> dict:
    """Per action count / p50 / p95 / max in ms, errors, epochs and frames per session, resources."""
    actions = {}
    for name in ACTIONS:
        values = [v for s in students for v in s.actions.get(name, [])]
        if values:
            actions[name] = {"count": len(values), "p50_ms": round(1000 * percentile(values, 50)),
                             "p95_ms": round(1000 * percentile(values, 95)), "max_ms": round(1000 * max(values))}
    advanced = [s.epochs_advanced for s in students]
    rates = [s.shown / s.play_seconds for s in students if s.play_seconds > 0]
    delivered_rates = [s.frames / s.play_seconds for s in students if s.play_seconds > 0]
    errors = [f"student {s.index}: {e}" for s in students for e in s.errors]
    upstreams: dict[str, int] = {}
    for s in students:
        if s.upstream:
            upstreams[s.upstream] = upstreams.get(s.upstream, 0) + 1
    summary = {
        "actions": actions, "errors": errors, "students_with_errors": sum(1 for s in students if s.errors),
        "epochs_advanced": _spread(advanced), "frames_per_second": _spread(rates, digits=2),
        "frames_delivered_per_second": _spread(delivered_rates, digits=2),
        "starved_sessions": sum(1 for a in advanced if a <= 0),
        "frames_delivered": sum(s.frames for s in students), "frames_dropped": sum(s.frames_dropped for s in students),
        "page_reruns": sum(s.page_reruns for s in students),
        "runs_delivered": sum(len(s.batches) for s in students),
        "p_dog": [s.p_dog for s in students if s.p_dog is not None], "upstreams": upstreams}
    if train:
        summary["epochs_per_second"] = _spread([s.epochs_per_s for s in students if s.epochs_per_s], digits=3)
        summary["trained"] = sum(1 for s in students if s.trained)
        summary.pop("starved_sessions")
    if samples:
        cpu, rss = [x["cpu_percent"] for x in samples], [x["rss_mb"] for x in samples]
        summary["server"] = {"cpu_mean_percent": round(statistics.fmean(cpu)), "cpu_peak_percent": round(max(cpu)),
                             "rss_start_mb": rss[0], "rss_peak_mb": max(rss), "rss_end_mb": rss[-1]}
        summary["cpu_per_frame"] = cpu_per_frame(students, samples)
    return summary


def _spread(values: list[float], digits: int = 0) -> dict:
    if not values:
        return {}
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits),
            "max": round(max(values), digits)}


def targets(summary: dict) -> list[tuple[str, str, str]]:
    """The issue's targets for this class with what was measured: (target, measured, "met" / "missed" / "—")."""
    rows = []
    met = lambda ok: "met" if ok else "missed"  # noqa: E731
    n, a = summary["students"], summary["actions"]
    if summary.get("train"):
        wait = a.get("queue wait")
        rows.append(("queue wait p50 / p95 (report)", f"{wait['p50_ms'] / 1000:.1f} / {wait['p95_ms'] / 1000:.1f} s"
                     if wait else "no run got a slot", "—"))
        e = summary.get("epochs_per_second", {})
        rows.append(("epochs a second per running student, min / median (report)",
                     f"{e['min']} / {e['median']}" if e else "—", "—"))
        rows.append((f"runs trained to the end (of {n})", str(summary.get("trained", 0)), met(summary.get("trained") == n)))
    else:
        f = summary["frames_per_second"]
        if f:
            if n > 30:
                rows.append(("live-view updates a second per student, median ≥ 4", f"{f['median']}", met(f["median"] >= 4)))
            else:
                rows.append(("live-view updates a second per student, min ≥ 3", f"{f['min']}", met(f["min"] >= 3)))
                rows.append(("live-view updates a second per student, median ≥ 8", f"{f['median']}", met(f["median"] >= 8)))
        control = a.get("control")
        if control:
            rows.append(("control → update p95 ≤ 300 ms", f"{control['p95_ms']} ms", met(control["p95_ms"] <= 300)))
        rows.append(("every session advancing", f"{n - summary['starved_sessions']} of {n}",
                     met(summary["starved_sessions"] == 0)))
        c = summary.get("cpu_per_frame", {})
        if c:
            text = f"{c['playing_ms']} ms while all play ({c['playing_cpu_percent']} % CPU), " if "playing_ms" in c else ""
            rows.append(("server CPU per delivered frame (report)", text + f"{c.get('all_ms', '—')} ms over the class", "—"))
    rows.append(("errors = 0", str(len(summary["errors"])), met(not summary["errors"])))
    return rows


def report(summary: dict) -> str:
    """The summary as a readable table, the targets last."""
    lines = [f"Classroom load: {summary['students']} students, "
             + (f"Start training for at most {summary['seconds']:g} s" if summary.get("train")
                else f"{summary['seconds']:g} s of Play each")
             + f", arrivals over {summary['ramp']:g} s, {summary['url']} ({summary['wall_seconds']} s in all)",
             f"load average before {summary['load_average_before'][0]}, after {summary['load_average_after'][0]} "
             f"(1 min); {summary['cpu_count']} CPU cores; the load generator used "
             f"{summary['generator_cpu_percent']} % of one core; "
             + ("no warm-up visit" if summary.get("warm_up_seconds") is None
                else f"warmed by one visit ({summary['warm_up_seconds']} s)"), "",
             f"{'action':<11}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"]
    for name, a in summary["actions"].items():
        lines.append(f"{name:<11}{a['count']:>7}{a['p50_ms']:>9}{a['p95_ms']:>9}{a['max_ms']:>9}")
    e, f, d = summary["epochs_advanced"], summary["frames_per_second"], summary["frames_delivered_per_second"]
    if e and not summary.get("train"):
        lines += ["", f"epochs advanced per session while playing: min {e['min']}, median {e['median']}, max {e['max']}; "
                      f"sessions that did not advance: {summary['starved_sessions']}"]
    if f:
        lines.append(f"live-view updates a second per student (frames shown on schedule): min {f['min']}, median "
                     f"{f['median']}, max {f['max']}; delivered: median {d['median']} ({summary['frames_delivered']} "
                     f"frames in {summary['runs_delivered']} runs; runs whose drawing the server discarded: "
                     f"{summary['frames_dropped']}; runs that reran the page for a new timer: "
                     f"{summary.get('page_reruns', 0)})")
    if summary["p_dog"]:
        lines.append(f"P(dog) read by {len(summary['p_dog'])} students (e.g. {summary['p_dog'][0]:.2f})")
    if "server" in summary:
        s = summary["server"]
        lines.append(f"servers (pid {', '.join(map(str, summary['pids']))}): CPU mean {s['cpu_mean_percent']} %, "
                     f"peak {s['cpu_peak_percent']} % (100 % = one core); RSS start {s['rss_start_mb']:.0f} MB, "
                     f"peak {s['rss_peak_mb']:.0f} MB, end {s['rss_end_mb']:.0f} MB")
        lines.append("  over time (s: CPU %, RSS MB): " + ", ".join(
            f"{x['t']:.0f}: {x['cpu_percent']:.0f} %, {x['rss_mb']:.0f}" for x in _evenly(summary["samples"], 10)))
    if summary["upstreams"]:
        lines.append("sessions per upstream: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["upstreams"].items())))
    lines += ["", f"errors: {len(summary['errors'])} (students with an error: {summary['students_with_errors']})"]
    lines += [f"  {text}" for text in summary["errors"][:10]]
    rows = summary.get("targets") or targets(summary)
    width = max(len(t) for t, _, _ in rows)
    lines += ["", f"{'target':<{width}}  {'measured':<48}  result"]
    lines += [f"{t:<{width}}  {m:<48}  {r}" for t, m, r in rows]
    return "\n".join(lines)


def _evenly(samples: list[dict], n: int) -> list[dict]:
    if len(samples) <= n:
        return samples
    return [samples[round(i * (len(samples) - 1) / (n - 1))] for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=10, help=f"simulated students, 1…{MAX_STUDENTS}")
    parser.add_argument("--seconds", type=float, default=30.0,
                        help=f"seconds of Play per student (with --train: the class's limit), ≤ {MAX_SECONDS}")
    parser.add_argument("--ramp", type=float, default=5.0, help="students arrive evenly over this many seconds")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running server (or proxy) on 127.0.0.1 / localhost")
    where.add_argument("--start-server", action="store_true", help="start the servers for the run (deploy/serve.py)")
    parser.add_argument("--replicas", type=int, default=serve.cores(),
                        help=f"with --start-server: replicas behind nginx, 1 = one server without nginx "
                             f"(default: one per core, {serve.cores()} here)")
    parser.add_argument("--train", action="store_true",
                        help="the class trains chapter 6's conv net instead of playing the playground")
    parser.add_argument("--train-epochs", type=int, default=1, help="with --train: epochs each student trains")
    parser.add_argument("--data", type=Path, help="with --train --start-server: the photo folder "
                                                  f"(default $NEURONLAB_PETS_DATA, else {DEFAULT_DATA})")
    parser.add_argument("--cold", action="store_true",
                        help="no warm-up visit before the class (the first students then pay for the imports)")
    parser.add_argument("--watch-files", action="store_true",
                        help="with --start-server: keep Streamlit's file watcher on (the development default)")
    parser.add_argument("--server-pid", type=int, action="append", default=[],
                        help="pid(s) whose CPU and RSS to sample (default: the process listening on the URL's port)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for any one answer")
    parser.add_argument("--json", type=Path, help="also write the full summary (per student, samples) here")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= MAX_STUDENTS or not 0 < args.seconds <= MAX_SECONDS or args.ramp < 0:
        parser.error(f"--students 1…{MAX_STUDENTS}, --seconds in (0, {MAX_SECONDS}], --ramp ≥ 0")
    if args.train and args.start_server:
        data = args.data or Path(os.environ.get("NEURONLAB_PETS_DATA") or DEFAULT_DATA)
        if not data.is_dir():
            parser.error(f"--train trains on photos: give --data DIR (no folder at {data})")
        os.environ["NEURONLAB_PETS_DATA"] = str(data.resolve())

    def measure(url: str, pids: list[int], servers: list[str] = ()) -> dict:
        pids = args.server_pid or pids or [pid for pid in [listening_pid(urlparse(url).port or 80)] if pid]
        warmed = None if args.cold else round(sum(warm_up(u, args.timeout, args.train) for u in (servers or [url])), 1)
        summary = run_class(url, args.students, args.seconds, args.ramp, pids, args.timeout, args.train,
                            args.train_epochs)
        summary["warm_up_seconds"] = warmed
        summary["replicas"] = len(servers) if servers else None
        return summary

    if args.start_server:
        if args.replicas > 1 and not Path(NGINX).exists():
            parser.error(f"--replicas needs nginx at {NGINX} (apt-get install nginx); --replicas 1 runs one server")
        with tempfile.TemporaryDirectory() as tmp, \
                local_servers(args.replicas, Path(tmp), args.watch_files) as (url, pids, servers):
            summary = measure(url, pids, servers)
    else:
        try:
            summary = measure(require_local(args.url), [])
        except ValueError as exc:
            parser.error(str(exc))
    print(report(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
