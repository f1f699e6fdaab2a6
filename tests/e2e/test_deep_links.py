"""A shared link straight to a chapter works on a freshly started server (the lecturer's first click)."""

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, streamlit_server, wait_until_idle
from ui import nav

pytestmark = pytest.mark.e2e


def test_deep_link_on_a_fresh_server_goes_through_app_navigation(browser, tmp_path):
    target = nav.PAGES[-1]
    with streamlit_server(tmp_path / "server.log") as url:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        tab = context.new_page()
        tab.goto(f"{url}/{target.url_path}")
        expect(tab.get_by_role("heading", name=target.title).first).to_be_visible(timeout=60_000)
        wait_until_idle(tab)
        assert_no_exception(tab)
        sidebar = tab.get_by_test_id("stSidebarNav")
        # app.py's navigation lists every chapter by its title; Streamlit's legacy pages/-folder mode
        # would list file names ("app", "home", ...) and skip app.py's page config.
        for info in nav.PAGES:
            expect(sidebar.get_by_text(info.title, exact=True)).to_be_visible()
        expect(sidebar.get_by_text("app", exact=True)).to_have_count(0)
        context.close()


OLD_URLS = {"neuron": "1 · The neuron and the sigmoid", "gradient-descent": "2 · Cost and gradient descent",
            "playground": "4 · Layers and deep networks", "pets": "5 · Cats vs dogs"}


@pytest.mark.parametrize("old_path", list(OLD_URLS))
def test_the_urls_of_the_first_release_still_open_their_chapter(page, server_url, old_path):
    page.goto(f"{server_url}/{old_path}")
    expect(page.get_by_role("heading", name=OLD_URLS[old_path]).first).to_be_visible(timeout=60_000)
    wait_until_idle(page)
    assert_no_exception(page)
