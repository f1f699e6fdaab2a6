"""The gradient-descent page in headless Chromium: Play advances the path and the cost curve to the
end, and the "Diverges" preset explains itself without an exception."""

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, wait_until_idle

pytestmark = pytest.mark.e2e

URL, TITLE = "gradient-descent", "2 · Cost and gradient descent"
# Charts in page order: 0 contour, 1 3-D surface, 2 cost curve, 3 data.
# Markers drawn (SVG) for trace t of chart i: what the audience actually sees.
POINTS = ("(i, t) => document.querySelectorAll('.js-plotly-plot')[i]"
          "?.querySelectorAll('.scatterlayer .trace')[t]?.querySelectorAll('.point').length ?? 0")


def _open(page, server_url):
    open_page(page, server_url, URL, TITLE)
    # A direct link must land on the page itself, not on Streamlit's "Page not found" notice.
    expect(page.get_by_text("Page not found")).to_have_count(0)
    expect(page.locator(".js-plotly-plot")).to_have_count(4, timeout=60_000)
    return page


def _points(page, chart: int, trace: int) -> int:
    return page.evaluate(f"([i, t]) => ({POINTS})(i, t)", [chart, trace])


def test_play_advances_the_path_and_the_cost_curve(page, server_url):
    _open(page, server_url)
    progress = page.get_by_test_id("stProgress")
    expect(progress).to_contain_text("Step 0 of 100")
    assert _points(page, 2, 0) == 1  # the cost curve starts with J at step 0 only
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(f"() => ({POINTS})(2, 0) > 10", timeout=60_000)
    page.wait_for_function(f"() => ({POINTS})(0, 0) > 10", timeout=60_000)  # run A's path on the map
    expect(progress).not_to_contain_text("Step 0 of 100")
    # Playback stops by itself at the end, with every step drawn.
    expect(progress).to_contain_text("Step 100 of 100", timeout=60_000)
    expect(page.get_by_role("button", name="Play")).to_be_enabled()
    wait_until_idle(page)
    assert _points(page, 2, 0) == 101
    assert_no_exception(page)


def test_diverges_preset_shows_the_message_and_no_exception(page, server_url):
    _open(page, server_url)
    page.get_by_role("button", name="Diverges").click()
    wait_until_idle(page)
    alert = page.get_by_test_id("stAlertContentError")
    expect(alert).to_contain_text("diverged")
    expect(alert).to_contain_text("Last finite point")
    page.get_by_role("button", name="Jump to end").click()
    wait_until_idle(page)
    expect(page.get_by_test_id("stProgress")).to_contain_text("Step 36 of 36")
    expect(page.get_by_test_id("stMetricValue").first).not_to_have_text("nan")
    assert_no_exception(page)
