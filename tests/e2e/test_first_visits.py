"""A class opens the lecturer's link at once on a freshly started server: every student gets the page."""

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, streamlit_server, wait_until_idle

pytestmark = pytest.mark.e2e

STUDENTS = 10
TITLE = "4 · Layers and deep networks"


def test_ten_simultaneous_first_visits_to_the_playground_all_render_without_an_exception(browser, tmp_path):
    with streamlit_server(tmp_path / "server.log") as url:
        contexts = [browser.new_context(viewport={"width": 1280, "height": 720}) for _ in range(STUDENTS)]
        tabs = [context.new_page() for context in contexts]
        for tab in tabs:  # all ten requests go out before any page has finished
            tab.goto(f"{url}/playground", wait_until="commit")
        for tab in tabs:
            expect(tab.get_by_role("heading", name=TITLE).first).to_be_visible(timeout=120_000)
            wait_until_idle(tab, 180_000)
            assert_no_exception(tab)
        for context in contexts:
            context.close()
        log = (tmp_path / "server.log").read_text()
        assert "Traceback" not in log and "partially initialized" not in log
