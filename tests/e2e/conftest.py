"""End-to-end fixtures: one `streamlit run app.py` server and one headless Chromium per session.

Locally the e2e tests skip when Chromium or Playwright is missing; with CI=true that is a failure.
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
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Playwright's expect() retries for 5 s by default; a first page run on a busy 2-core CI machine can
# take longer. This only lengthens the wait: every assertion still has to come true.
EXPECT_TIMEOUT_MS = 30_000
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def pytest_configure(config):
    try:
        from playwright.sync_api import expect
    except ImportError:
        return  # the e2e tests are then skipped (or failed under CI) with a reason
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def _missing_browser_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found (install Debian's chromium: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -r requirements-dev.txt)"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _missing_browser_reason()
    if reason is None:
        return
    for item in items:
        if "e2e" in item.keywords:
            if os.environ.get("CI") == "true":
                item.add_marker(pytest.mark.usefixtures("_fail_without_browser"))
            else:
                item.add_marker(pytest.mark.skip(reason=f"e2e skipped: {reason}"))


@pytest.fixture
def _fail_without_browser():
    pytest.fail(f"CI=true but the browser tests cannot run: {_missing_browser_reason()}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(log_path: Path):
    """Run `streamlit run app.py` on a free port for the duration of the block; yields its base URL."""
    port = _free_port()
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true"],
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
                    pytest.fail("streamlit run app.py did not become healthy within 60 s:\n"
                                + log_path.read_text()[-3000:])
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """One app server shared by the whole test session."""
    with streamlit_server(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server_url):
    """A fresh browser tab (1400×900). After the test, asserts the app asked nothing of the internet."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    outside: list[str] = []
    tab.on("request", lambda req: outside.append(req.url)
           if urlparse(req.url).scheme in ("http", "https", "ws", "wss")
           and urlparse(req.url).hostname not in LOCAL_HOSTS else None)
    tab.set_default_timeout(30_000)
    yield tab
    context.close()
    assert not outside, f"The app made requests beyond localhost: {outside[:5]}"


def open_page(tab, server_url: str, url_path: str, title: str):
    """Go to a page and wait until its title is drawn and the script has finished running."""
    tab.goto(f"{server_url}/{url_path}")
    tab.get_by_role("heading", name=title).first.wait_for()
    wait_until_idle(tab)
    return tab


def wait_until_idle(tab, timeout_ms: int = 60_000) -> None:
    """Wait until the app's script run has finished (stApp's data-test-script-state)."""
    tab.wait_for_timeout(200)
    tab.wait_for_function(
        "() => { const app = document.querySelector('[data-testid=\"stApp\"]');"
        " return app && app.getAttribute('data-test-script-state') === 'notRunning'; }",
        timeout=timeout_ms)


def assert_no_exception(tab) -> None:
    """No Streamlit exception box is on the page."""
    n = tab.locator('[data-testid="stException"]').count()
    assert n == 0, f"{n} exception(s) on the page: " + tab.locator('[data-testid="stException"]').first.inner_text()


# Evaluated inside each live chart's frame (ui/live_chart_frontend/index.html).
_LIVE_CHART_STATE = """() => {
  const chart = document.getElementById('chart');
  return chart && chart.dataset.chart ? {key: chart.dataset.chart, draws: Number(chart.dataset.draws || 0),
                  points: chart._fullData?.length ? chart._fullData[0].x.length : -1} : null;
}"""


def live_charts(tab) -> dict[str, dict]:
    """Every live chart on the page (``ui.live_chart``) by key: its Plotly redraw count ("draws") and
    the number of points in its first trace ("points")."""
    charts = {}
    for frame in tab.frames[1:]:
        try:
            state = frame.evaluate(_LIVE_CHART_STATE)
        except Exception:  # noqa: BLE001 - a frame being replaced or not yet loaded; skip it
            continue
        if state:
            charts[state["key"]] = state
    return charts
