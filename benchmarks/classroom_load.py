"""A class of simulated students on one server (or behind a proxy), without a browser.

Each student is a thread with its own ``devtools.streamlit_client`` session, speaking Streamlit's
websocket protocol as a browser tab does, and does what a student does in a lecture:

1. opens the home page (``connect`` = page, health, host config and websocket; ``home`` = first run),
2. follows the link to the playground (``playground``), sets the width of layer 1 (``control``),
3. presses Play (``play``) and watches for --seconds: the live view's fragment reruns on the
   frontend's timer (its ``run_every``), epochs read from the stats; ``frame`` is the time between
   two live-view updates that reached the student (the wait after the last one included),
4. presses Pause (``pause``), opens the pets page (``pets``), uploads a small generated JPEG, different
   for every student, and reads P(dog) from the answer (``upload``: URL request + HTTP PUT + rerun),
5. closes the tab.

Students arrive spread over --ramp seconds. A latency is from the request sent to the
``script_finished`` of the first run that shows its effect. A live-view run that reaches the
student with nothing drawn (``FINISHED_EARLY_FOR_RERUN``: the server discarded its drawing before
sending it) is a dropped frame. Errors are
exceptions drawn on the page, timeouts, HTTP and websocket failures. The server's CPU % (of one core) and RSS are
sampled from /proc twice a second; its pid is found from the port it listens on, or given with
--server-pid (repeat it for several replicas). Localhost only; at most 200 students and 600 s of Play.
With --start-server the servers run as deployed (``deploy/Dockerfile``: no file watcher; --watch-files
keeps the development default). Before the class, one visit to every page warms the server (imports,
models), as a lecturer's check does; --cold skips it.

    python benchmarks/classroom_load.py --students 30 --seconds 60 --start-server
    python benchmarks/classroom_load.py --students 60 --seconds 60 --start-server --replicas 3   # behind nginx
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
import pwd
import re
import statistics
import subprocess
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

from devtools.browser import free_port, stop, streamlit_server  # noqa: E402
from devtools.streamlit_client import ClientError, StreamlitClient, require_local  # noqa: E402

NGINX = "/usr/sbin/nginx"
DEPLOY = ROOT / "deploy"
MAX_STUDENTS = 200
MAX_REPLICAS = 8
MAX_SECONDS = 600
CONTROL_KEY, CONTROL_VALUE = "w_pg_width_1", 5.0    # "Units in layer 1": 4 → 5 …
CONTROL_ECHO = "width1=5"                           # … which the page mirrors into its URL
PLAY_KEY, UPLOADER_KEY = "pg_play", "pets_uploads"
ACTIONS = ["connect", "home", "playground", "control", "play", "frame", "pause", "pets", "upload"]
EPOCH = re.compile(r'data-stat="epoch">(\d+)<')
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
    frames: int = 0           # live-view updates that reached the student
    frames_dropped: int = 0   # live-view runs that arrived with their drawing discarded by the server
    play_seconds: float = 0.0
    p_dog: float | None = None

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


def epochs(run) -> list[int]:
    return [int(value) for body in run.markdown for value in EPOCH.findall(body)]


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
        act("playground", lambda: client.open_page("playground"))
        # Each action is answered when its effect shows: the new width in the page's URL, the live
        # view's timer started (Play) or stopped (Pause), a P(dog) drawn.
        changed = act("control", lambda: client.set_widget(
            CONTROL_KEY, CONTROL_VALUE, until=lambda run: run.full and CONTROL_ECHO in client.query_string))
        student.epoch_before_play = (epochs(changed) or [None])[-1]
        played = act("play", lambda: client.click(PLAY_KEY, until=lambda run: run.full and bool(client.auto_reruns)))
        student.epoch_last = (epochs(played) or [student.epoch_before_play])[-1]
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


def warm_up(url: str, timeout: float = 60.0) -> float:
    """One visit to every page of the scenario, upload included, before the class arrives (as a lecturer
    checking the app does): each page's first run imports its modules and loads its models once per
    process, which a class would otherwise pay for in its first seconds. Returns the seconds it took."""
    start = time.perf_counter()
    client = StreamlitClient(url, timeout=timeout)
    try:
        client.connect()
        for page in ("", "playground", "pets"):
            client.open_page(page)
        client.upload(UPLOADER_KEY, "warm_up.jpg", photo(MAX_STUDENTS), "image/jpeg",
                      until=lambda run: any(P_DOG.search(b) for b in run.markdown))
    finally:
        client.close()
    return time.perf_counter() - start


def watch(client: StreamlitClient, student: Student, seconds: float, since: float) -> None:
    """Let the live view play for ``seconds``: count the updates that reach the student (a run whose
    stats arrived) and the dropped ones, note the gaps between updates and the last epoch seen."""
    last_update = since
    for run in client.follow_auto_reruns(seconds):
        for text in run.exceptions:
            student.errors.append(f"frame: exception on the page: {text[:200]}")
        seen = epochs(run)
        if seen:
            student.frames += 1
            student.actions.setdefault("frame", []).append(run.finished_at - last_update)
            last_update = run.finished_at
            student.epoch_last = seen[-1]
        elif run.status == "FINISHED_EARLY_FOR_RERUN":
            student.frames_dropped += 1
    end = time.perf_counter()
    # The wait after the last update counts too: a student who saw none waited the whole time.
    student.actions.setdefault("frame", []).append(end - last_update)
    student.play_seconds = end - since


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
            self.samples.append({"t": round(now - t0, 2), "cpu_percent": round(100 * (cpu - last_cpu) / (now - last_t), 1),
                                 "rss_mb": round(rss, 1)})
            last_t, last_cpu = now, cpu

    def _cpu(self) -> float:
        return sum(cpu_seconds(pid) for pid in self.pids)

    def stop(self) -> list[dict]:
        self._stop_event.set()
        self.join(5)
        return self.samples


# -- local servers: one, or replicas behind nginx with deploy/'s affinity ---------------------------

NGINX_CONFIG = """daemon off;
{user}worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    log_format route '$cookie_neuronlab_route $upstream_addr $status $request_method $uri';
    access_log {tmp}/access.log route;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {deploy}/nginx/affinity.conf;
    upstream neuronlab {{
        hash $route consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            include {deploy}/nginx/location.conf;
            # For measurements and tests only: which replica answered (the client records it).
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_config(port: int, upstreams: list[str], tmp: Path) -> str:
    """deploy/'s affinity and proxy settings (included as they are) in a config that runs as the
    current user on 127.0.0.1:``port``, with its pid, logs and temporary files under ``tmp``."""
    servers = "\n".join(f"        server {urlparse(url).netloc};" for url in upstreams)
    # Run as root, nginx would start its workers as "nobody", who cannot write the temporary files.
    user = f"user {pwd.getpwuid(os.getuid()).pw_name};\n" if os.geteuid() == 0 else ""
    return NGINX_CONFIG.format(user=user, tmp=tmp, deploy=DEPLOY, servers=servers, port=port)


@contextlib.contextmanager
def nginx_proxy(upstreams: list[str], tmp: Path):
    """Debian's nginx in front of ``upstreams`` for the duration of the block; yields its URL.
    Its access log (``tmp/access.log``) has one "route-cookie upstream status method uri" line a request."""
    tmp.mkdir(parents=True, exist_ok=True)
    port = free_port()
    (tmp / "nginx.conf").write_text(nginx_config(port, upstreams, tmp))
    proc = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-e", str(tmp / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 20
        while listening_pid(port) is None:
            if proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("nginx did not start:\n" + (tmp / "error.log").read_text()[-3000:])
            time.sleep(0.1)
        yield url
    finally:
        stop(proc)


# The servers run as deploy/Dockerfile runs them: no file watcher. With the development default, Streamlit's
# event loop walks every imported module's path after each script run (~8 % of a loaded server's CPU).
AS_DEPLOYED = ("--server.fileWatcherType", "none")


@contextlib.contextmanager
def local_servers(replicas: int, tmp: Path, watch_files: bool = False):
    """``streamlit run app.py`` once, or ``replicas`` times behind nginx; yields (URL, server pids, the
    servers' own URLs)."""
    if not 1 <= replicas <= MAX_REPLICAS:
        raise ValueError(f"--replicas must be 1…{MAX_REPLICAS}")
    extra = () if watch_files else AS_DEPLOYED
    with contextlib.ExitStack() as stack:
        urls = [stack.enter_context(streamlit_server(tmp / f"server{i}.log", extra)) for i in range(replicas)]
        pids = [pid for url in urls if (pid := listening_pid(urlparse(url).port))]
        if replicas == 1:
            yield urls[0], pids, urls
        else:
            yield stack.enter_context(nginx_proxy(urls, tmp / "nginx")), pids, urls


# -- the class --------------------------------------------------------------------------------------

def run_class(url: str, students: int, seconds: float, ramp: float = 5.0, pids: list[int] = (),
              timeout: float = 60.0) -> dict:
    """Simulate ``students`` students against ``url`` (the module docstring's scenario) and return
    the summary (``summarize``) with every student's record and the resource samples."""
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
    stop_at = wall_before + ramp + seconds + 6 * timeout
    results: list[Student | None] = [None] * students

    def one(i: int) -> None:
        time.sleep(ramp * i / students)
        results[i] = simulate(url, i, seconds, stop_at, timeout)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(students)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, stop_at + timeout - time.perf_counter()))
    wall = time.perf_counter() - wall_before
    own_cpu = time.process_time() - own_cpu_before
    samples = sampler.stop() if sampler else []
    done = [r if r is not None else Student(i, errors=["did not finish in time"]) for i, r in enumerate(results)]
    summary = summarize(done, samples)
    summary.update(url=url, students=students, seconds=seconds, ramp=ramp, wall_seconds=round(wall, 1),
                   pids=list(pids), load_average_before=[round(x, 2) for x in load_before],
                   load_average_after=[round(x, 2) for x in os.getloadavg()], cpu_count=os.cpu_count(),
                   generator_cpu_percent=round(100 * own_cpu / wall, 1))
    summary["per_student"] = [asdict(s) | {"epochs_advanced": s.epochs_advanced} for s in done]
    summary["samples"] = samples
    return summary


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summarize(students: list[Student], samples: list[dict]) -> dict:
    """Per action count / p50 / p95 / max in ms, errors, epochs and frames per session, resources."""
    actions = {}
    for name in ACTIONS:
        values = [v for s in students for v in s.actions.get(name, [])]
        if values:
            actions[name] = {"count": len(values), "p50_ms": round(1000 * percentile(values, 50)),
                             "p95_ms": round(1000 * percentile(values, 95)), "max_ms": round(1000 * max(values))}
    advanced = [s.epochs_advanced for s in students]
    rates = [s.frames / s.play_seconds for s in students if s.play_seconds > 0]
    delivered, dropped = sum(s.frames for s in students), sum(s.frames_dropped for s in students)
    errors = [f"student {s.index}: {e}" for s in students for e in s.errors]
    upstreams: dict[str, int] = {}
    for s in students:
        if s.upstream:
            upstreams[s.upstream] = upstreams.get(s.upstream, 0) + 1
    summary = {
        "actions": actions, "errors": errors, "students_with_errors": sum(1 for s in students if s.errors),
        "epochs_advanced": _spread(advanced), "frames_per_second": _spread(rates, digits=2),
        "starved_sessions": sum(1 for a in advanced if a <= 0),
        "frames_delivered": delivered, "frames_dropped": dropped,
        "p_dog": [s.p_dog for s in students if s.p_dog is not None], "upstreams": upstreams}
    if samples:
        cpu, rss = [x["cpu_percent"] for x in samples], [x["rss_mb"] for x in samples]
        summary["server"] = {"cpu_mean_percent": round(statistics.fmean(cpu)), "cpu_peak_percent": round(max(cpu)),
                             "rss_start_mb": rss[0], "rss_peak_mb": max(rss), "rss_end_mb": rss[-1]}
    return summary


def _spread(values: list[float], digits: int = 0) -> dict:
    if not values:
        return {}
    return {"min": round(min(values), digits), "median": round(statistics.median(values), digits),
            "max": round(max(values), digits)}


def report(summary: dict) -> str:
    """The summary as a readable table."""
    lines = [f"Classroom load: {summary['students']} students, {summary['seconds']:g} s of Play each, "
             f"arrivals over {summary['ramp']:g} s, {summary['url']} ({summary['wall_seconds']} s in all)",
             f"load average before {summary['load_average_before'][0]}, after {summary['load_average_after'][0]} "
             f"(1 min); {summary['cpu_count']} CPU cores; the load generator used "
             f"{summary['generator_cpu_percent']} % of one core; "
             + ("no warm-up visit" if summary.get("warm_up_seconds") is None
                else f"warmed by one visit ({summary['warm_up_seconds']} s)"), "",
             f"{'action':<11}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"]
    for name, a in summary["actions"].items():
        lines.append(f"{name:<11}{a['count']:>7}{a['p50_ms']:>9}{a['p95_ms']:>9}{a['max_ms']:>9}")
    e, f = summary["epochs_advanced"], summary["frames_per_second"]
    if e:
        lines += ["", f"epochs advanced per session while playing: min {e['min']}, median {e['median']}, max {e['max']}; "
                      f"sessions that did not advance: {summary['starved_sessions']}"]
    if f:
        lines.append(f"live-view updates per second per session: min {f['min']}, median {f['median']}, max {f['max']}; "
                     f"live-view runs whose drawing the server discarded: {summary['frames_dropped']} "
                     f"(against {summary['frames_delivered']} delivered)")
    if summary["p_dog"]:
        lines.append(f"P(dog) read by {len(summary['p_dog'])} students (e.g. {summary['p_dog'][0]:.2f})")
    if "server" in summary:
        s = summary["server"]
        lines.append(f"server (pid {', '.join(map(str, summary['pids']))}): CPU mean {s['cpu_mean_percent']} %, "
                     f"peak {s['cpu_peak_percent']} % (100 % = one core); RSS start {s['rss_start_mb']:.0f} MB, "
                     f"peak {s['rss_peak_mb']:.0f} MB, end {s['rss_end_mb']:.0f} MB")
        lines.append("  over time (s: CPU %, RSS MB): " + ", ".join(
            f"{x['t']:.0f}: {x['cpu_percent']:.0f} %, {x['rss_mb']:.0f}" for x in _evenly(summary["samples"], 10)))
    if summary["upstreams"]:
        lines.append("sessions per upstream: " + ", ".join(f"{k} {v}" for k, v in sorted(summary["upstreams"].items())))
    lines += ["", f"errors: {len(summary['errors'])} (students with an error: {summary['students_with_errors']})"]
    lines += [f"  {text}" for text in summary["errors"][:10]]
    return "\n".join(lines)


def _evenly(samples: list[dict], n: int) -> list[dict]:
    if len(samples) <= n:
        return samples
    return [samples[round(i * (len(samples) - 1) / (n - 1))] for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=10, help=f"simulated students, 1…{MAX_STUDENTS}")
    parser.add_argument("--seconds", type=float, default=30.0, help=f"seconds of Play per student, ≤ {MAX_SECONDS}")
    parser.add_argument("--ramp", type=float, default=5.0, help="students arrive evenly over this many seconds")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running server (or proxy) on 127.0.0.1 / localhost")
    where.add_argument("--start-server", action="store_true", help="start `streamlit run app.py` for the run")
    parser.add_argument("--replicas", type=int, default=1,
                        help=f"with --start-server: that many servers behind nginx (deploy/nginx), 1…{MAX_REPLICAS}")
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

    def measure(url: str, pids: list[int], servers: list[str] = ()) -> dict:
        pids = args.server_pid or pids or [pid for pid in [listening_pid(urlparse(url).port or 80)] if pid]
        warmed = None if args.cold else round(sum(warm_up(u, args.timeout) for u in (servers or [url])), 1)
        summary = run_class(url, args.students, args.seconds, args.ramp, pids, args.timeout)
        summary["warm_up_seconds"] = warmed
        return summary

    if args.start_server:
        if args.replicas > 1 and not Path(NGINX).exists():
            parser.error(f"--replicas needs nginx at {NGINX} (apt-get install nginx)")
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
