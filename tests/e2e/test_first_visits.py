"""A class opens the lecturer's link at once on a freshly started server: every student gets the page.

The race this guards against is on the server (the first runs of a fresh process importing the pages'
modules at once: "partially initialized module"), so most of the class are websocket clients that speak
Streamlit's protocol as a tab does (``devtools.streamlit_client``), and two are real Chromium tabs. Ten
Chromium tabs rendering the playground at once cost a minute of this 2-core machine and tested the same
server runs.
"""

import threading

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, streamlit_server, wait_until_idle
from devtools.streamlit_client import StreamlitClient

pytestmark = pytest.mark.e2e

CLIENTS, TABS = 8, 2
TITLE = "4 · Layers and deep networks"
PAGE_TEXT = "Each hidden layer"   # the playground's first line of text, drawn by its page run


def test_ten_simultaneous_first_visits_to_the_playground_all_render_without_an_exception(browser, tmp_path):
    with streamlit_server(tmp_path / "server.log") as url:
        start = threading.Barrier(CLIENTS + 1)
        runs, failures = [], []

        def student() -> None:
            client = StreamlitClient(url, timeout=120)
            try:
                client.connect("playground")
                start.wait()
                runs.append(client.open_page("playground"))
            except Exception as exc:  # reported below with the others' results
                failures.append(repr(exc))
            finally:
                client.close()

        threads = [threading.Thread(target=student) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(TABS)]
        tabs = [context.new_page() for context in contexts]
        start.wait()  # every client is connected: now all ten first runs are asked for at once
        for tab in tabs:
            tab.goto(f"{url}/playground", wait_until="commit")
        for thread in threads:
            thread.join(180)
        for tab in tabs:
            expect(tab.get_by_role("heading", name=TITLE).first).to_be_visible(timeout=120_000)
            wait_until_idle(tab, 180_000)
            assert_no_exception(tab)
        for context in contexts:
            context.close()

        assert not failures, failures
        assert len(runs) == CLIENTS
        for run in runs:
            assert run.full and not run.exceptions, (run.status, run.exceptions)
            assert any(PAGE_TEXT in text for text in run.markdown), run.markdown[:3]
        log = (tmp_path / "server.log").read_text()
        assert "Traceback" not in log and "partially initialized" not in log
