"""Headless Chromium against `streamlit run app.py`: the harness of the e2e tests and benchmarks.

Chromium is Debian's (/usr/bin/chromium) with the flags this machine needs; the server listens on
127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def launch(playwright, **kwargs):
    """Debian's headless Chromium with the flags this machine needs."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **kwargs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(log_path: Path, extra_args: tuple[str, ...] = ()):
    """Run `streamlit run app.py` on a free port for the duration of the block; yields its base URL."""
    port = free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             *extra_args],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.time() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("streamlit run app.py did not become healthy within 60 s:\n"
                                       + log_path.read_text()[-3000:])
                time.sleep(0.3)
            yield url
        finally:
            stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a child process, and kill it if it has not gone within 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def open_page(tab, server_url: str, url_path: str, title: str):
    """Go to a page and wait until its title is drawn and the session is settled: the browser's history
    guard has reported in (``ui.history``), and the run that then writes the page's settings to the URL
    has finished."""
    tab.goto(f"{server_url}/{url_path}")
    tab.get_by_role("heading", name=title).first.wait_for()
    wait_for_history_guard(tab)
    wait_until_idle(tab)
    return tab


def wait_for_history_guard(tab, timeout_ms: int = 30_000) -> None:
    """Wait until a run of this session has known the history guard was in place (``ui.history.ready``),
    so the page writes its settings to the URL from then on."""
    tab.wait_for_function("() => window.__neuronLabHistoryReady === true", timeout=timeout_ms)


def wait_until_idle(tab, timeout_ms: int = 60_000) -> None:
    """Wait until the app's script run has finished (stApp's data-test-script-state)."""
    tab.wait_for_timeout(200)
    tab.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout_ms)


def wait_until_settled(tab, read, quiet_ms: int = 400, timeout_ms: int = 30_000):
    """Poll ``read()`` until it has returned the same value for ``quiet_ms`` (a layout that has stopped
    moving: a chart sized to the window, a frame's new height), and return that value. Waits for the
    state, however long the machine takes, rather than for a fixed time."""
    deadline = time.monotonic() + timeout_ms / 1000
    value, since = read(), time.monotonic()
    while time.monotonic() < deadline:
        tab.wait_for_timeout(100)
        now = read()
        if now != value:
            value, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet_ms / 1000:
            return value
    raise AssertionError(f"still changing after {timeout_ms} ms; last read {value}")


def resize_round_trip(tab, check) -> None:
    """Resize the window 1280×720 → 1920×1080 → 1280×720, then collapse the sidebar, calling ``check(what)``
    after each; ``check`` returns the main chart's width, which must follow the window each time."""
    widths = [check("1280")]
    tab.set_viewport_size({"width": 1920, "height": 1080})
    widths.append(check("1920"))
    assert widths[-1] > widths[0] * 1.3, widths
    tab.set_viewport_size({"width": 1280, "height": 720})
    widths.append(check("back to 1280"))
    assert abs(widths[-1] - widths[0]) < 40, widths
    tab.get_by_test_id("stSidebar").hover()  # the collapse button shows on hover
    tab.get_by_role("button", name="Collapse sidebar").click()
    tab.wait_for_function("() => document.querySelector('[data-testid=\"stSidebar\"]')"
                          "?.getAttribute('data-collapsed') === 'true'")
    widths.append(check("sidebar collapsed"))
    assert widths[-1] > widths[0] * 1.15, widths


def assert_no_exception(tab) -> None:
    """No Streamlit exception box is on the page."""
    n = tab.locator('[data-testid="stException"]').count()
    assert n == 0, f"{n} exception(s) on the page: " + tab.locator('[data-testid="stException"]').first.inner_text()


# Evaluated inside each component frame: its live charts (ui/live_chart_frontend: one #chart a frame;
# ui/live_frames_frontend: a .chart per panel), each with its key, redraw count, first trace's points, line
# swaps and box in the frame.
_LIVE_CHART_STATE = """() => [...document.querySelectorAll('[data-chart]')].map((chart) => {
  const r = chart.getBoundingClientRect();
  return {key: chart.dataset.chart, draws: Number(chart.dataset.draws || 0), points: Number(chart.dataset.points ?? -1),
          lineSwaps: Number(chart.dataset.lineSwaps || 0), box: {x: r.x, y: r.y, width: r.width, height: r.height}};
})"""


# Scrolls the live chart with the given key (ui.live_chart, ui.live_frames) into the middle of the window;
# false until it exists.
SCROLL_TO_CHART = """(key) => {
  for (const f of document.querySelectorAll('iframe')) {
    try {
      const chart = f.contentDocument?.querySelector(`[data-chart="${key}"]`);
      if (chart) {
        chart.scrollIntoView({block: 'center'});   // scrolls the page around the frame too
        return true;
      }
    } catch (e) { /* a frame that is not ours */ }
  }
  return false;
}"""


def scroll_to_chart(tab, key: str) -> bool:
    """Scroll the live chart ``key`` into the middle of the window (its frame may be replaced meanwhile, so
    this runs in the page, not on an element handle); False when there is no such chart yet."""
    return tab.evaluate(SCROLL_TO_CHART, key)


def _frame_charts(tab) -> list[tuple[dict, dict]]:
    """(chart state, the frame element's box) for every live chart in every component frame."""
    found = []
    for frame in tab.frames[1:]:
        try:
            states = frame.evaluate(_LIVE_CHART_STATE)
            outer = frame.frame_element().bounding_box() if states else None
        except Exception:  # noqa: BLE001 - a frame being replaced or not yet loaded; skip it
            continue
        if outer:
            found += [(state, outer) for state in states]
    return found


def chart_boxes(tab) -> dict[str, dict]:
    """Each live chart on the page (``ui.live_chart``, ``ui.live_frames``), by chart key: its box in the window,
    the part its frame shows (a frame left too short cuts the chart off)."""
    boxes = {}
    for state, outer in _frame_charts(tab):
        box = state["box"]
        x0, y0 = outer["x"] + max(0.0, box["x"]), outer["y"] + max(0.0, box["y"])
        x1 = min(outer["x"] + box["x"] + box["width"], outer["x"] + outer["width"])
        y1 = min(outer["y"] + box["y"] + box["height"], outer["y"] + outer["height"])
        boxes[state["key"]] = {"x": x0, "y": y0, "width": max(0.0, x1 - x0), "height": max(0.0, y1 - y0)}
    return boxes


def visible_area(box: dict, width: float, height: float) -> float:
    """The area of ``box`` (a Playwright bounding box) inside a width × height window."""
    w = max(0.0, min(box["x"] + box["width"], width) - max(box["x"], 0))
    h = max(0.0, min(box["y"] + box["height"], height) - max(box["y"], 0))
    return w * h


def live_charts(tab) -> dict[str, dict]:
    """Every live chart on the page (``ui.live_chart``, ``ui.live_frames``) by key: its redraw count ("draws"),
    the number of points in the first trace on screen ("points") and how many redraws only moved its lines
    ("lineSwaps")."""
    return {state["key"]: {k: state[k] for k in ("key", "draws", "points", "lineSwaps")}
            for state, _ in _frame_charts(tab)}


# Evaluated inside each gradient-descent player frame (ui/gradient_descent/player_frontend/player.js).
_PLAYER_STATE = """() => {
  const body = document.body;
  if (!body || !body.dataset.role) return null;
  const text = (name) => document.querySelector(`[data-stat="${name}"]`)?.textContent ?? null;
  const views = {};
  for (const view of document.querySelectorAll('.view')) {
    const r = view.getBoundingClientRect();
    const first = view.querySelector('.layer.live .scatterlayer .trace');
    views[view.dataset.view] = {draws: Number(view.dataset.draws || 0),
                                box: {x: r.x, y: r.y, width: r.width, height: r.height},
                                drawn: !!view.querySelector('.main-svg, canvas'),
                                points: first ? first.querySelectorAll('.point').length : -1};
  }
  return {role: body.dataset.role, frame: Number(body.dataset.frame ?? -1), running: body.dataset.running === 'true',
          scene: body.dataset.scene ?? null, step: text('step'), last: text('last'), w: text('w'), b: text('b'),
          J: text('J'), error: document.getElementById('error')?.hidden === false, views};
}"""


def players(tab) -> dict[str, dict]:
    """The gradient-descent page's players (``ui.gradient_descent.player``) by role ("leader",
    "follower"): the step shown ("frame"), whether it plays, the status texts and, per view, its
    redraw count, its box in the window's coordinates, whether Plotly has drawn it and how many
    points its first moving trace shows (run A's path on the map, its cost curve)."""
    out = {}
    for frame in tab.frames[1:]:
        try:
            state = frame.evaluate(_PLAYER_STATE)
            outer = frame.frame_element().bounding_box() if state else None
        except Exception:  # noqa: BLE001 - a frame being replaced or not yet loaded; skip it
            continue
        if state and outer:
            for view in state["views"].values():
                view["box"]["x"] += outer["x"]
                view["box"]["y"] += outer["y"]
            out[state["role"]] = state
    return out
