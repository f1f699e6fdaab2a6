"""Every page opens in real headless Chromium, draws its title, and shows no exception."""

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, wait_until_idle
from ui import nav

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("info", nav.PAGES, ids=lambda p: p.url_path or "home")
def test_page_renders_title_without_exception(page, server_url, info):
    open_page(page, server_url, info.url_path, info.title)
    assert_no_exception(page)


def test_home_trains_logistic_regression_and_links_every_chapter(page, server_url):
    open_page(page, server_url, "", "Neuron Lab")
    metrics = page.get_by_test_id("stMetricValue")
    expect(metrics).to_have_count(4)
    expect(metrics.nth(3)).to_have_text("84%")  # training accuracy of the seeded default run
    for info in nav.PAGES[1:]:
        expect(page.get_by_role("link", name=info.title).first).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2)


BODY_FONT_PX = """() => parseFloat(getComputedStyle(
    document.querySelector('[data-testid="stMarkdownContainer"] p')).fontSize)"""


LARGE_BODY_TEXT = "() => (" + BODY_FONT_PX + ")() >= 20"


def _in_presentation_mode(page) -> None:
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden()
    page.wait_for_function(LARGE_BODY_TEXT)


def test_a_present_1_link_opens_presentation_mode_and_it_survives_navigation(page, server_url):
    open_page(page, server_url, "?present=1", "Neuron Lab")
    _in_presentation_mode(page)
    page.get_by_role("link", name=nav.PAGES[1].title).first.click()
    page.get_by_role("heading", name=nav.PAGES[1].title).first.wait_for()
    wait_until_idle(page)
    _in_presentation_mode(page)
    assert_no_exception(page)


def test_the_switch_turns_presentation_mode_on_and_off(page, server_url):
    open_page(page, server_url, "", "Neuron Lab")
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    assert page.evaluate(BODY_FONT_PX) < 20
    page.get_by_text("Presentation mode").click()
    wait_until_idle(page)
    _in_presentation_mode(page)
    assert "present=1" in page.url
    page.get_by_text("Presentation mode").click()
    wait_until_idle(page)
    expect(page.locator('[data-testid="stSidebar"]')).to_be_visible()
    assert "present=1" not in page.url
