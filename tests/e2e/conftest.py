"""End-to-end fixtures: one `streamlit run app.py` server and one headless Chromium per session.

Locally the e2e tests skip when Chromium or Playwright is missing; with CI=true that is a failure.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from devtools.browser import CHROMIUM, LOCAL_HOSTS, launch, streamlit_server

# Playwright's expect() retries for 5 s by default; a first page run on a busy 2-core CI machine can
# take longer. This only lengthens the wait: every assertion still has to come true.
EXPECT_TIMEOUT_MS = 30_000

SECOND_BROWSER_GROUP = {"test_accessibility", "test_lecture", "test_replicas", "test_first_visits"}


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
    # Under pytest-xdist (pytest.ini: -n 2 --dist loadgroup) the browser tests run in two groups, each on one
    # worker in turn with that worker's session server and Chromium below. The second group (a few modules
    # that start their own servers or walk many pages) runs beside the engine and AppTest tests, which take
    # the other worker a fraction of the first group's time; the rest, the first group, on the other worker.
    for item in items:
        if "e2e" in item.keywords:
            second = item.module.__name__.rsplit(".", 1)[-1] in SECOND_BROWSER_GROUP
            item.add_marker(pytest.mark.xdist_group("browser-2" if second else "browser"))
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


@pytest.fixture(scope="session")
def server_url(tmp_path_factory):
    """One app server shared by the whole test session."""
    with streamlit_server(tmp_path_factory.mktemp("streamlit") / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch(pw)
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


