"""Every page opens in real headless Chromium, draws its title, and shows no exception."""

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page
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
