"""The network playground in real Chromium: change the architecture, press Play, watch it train."""

import re
import time

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, live_charts, open_page, wait_until_idle

pytestmark = pytest.mark.e2e

TITLE = "4 · Layers and deep networks"

def live_chart(page, key: str) -> dict:
    """Redraw count and first-trace points of the live chart ``key`` (zeros before it first draws)."""
    return live_charts(page).get(key, {"key": key, "draws": 0, "points": -1})


def wait_for_chart(page, key: str, test, timeout_s: float = 30) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = live_chart(page, key)
        if test(state):
            return state
        page.wait_for_timeout(100)
    raise AssertionError(f"live chart {key} never reached the expected state; last seen {state}")


def epoch_metric(page):
    # A fragment rerun can briefly leave the previous (stale) copy in the page: read the live one.
    return page.locator("[data-stale='false'] [data-stat='epoch']").last


def test_change_layers_and_width_then_play_advances_epochs_and_cost_chart(page, server_url):
    open_page(page, server_url, "playground", TITLE)
    expect(epoch_metric(page)).to_have_text("0")

    layers = page.locator(".st-key-w_pg_layers input[type='range']")
    layers.focus()
    layers.press("ArrowRight")
    wait_until_idle(page)
    expect(layers).to_have_value("3")
    expect(page.locator(".st-key-w_pg_width_3 input")).to_be_visible()
    width = page.locator(".st-key-w_pg_width_1 input")
    width.fill("6")
    width.press("Enter")
    wait_until_idle(page)
    expect(page).to_have_url(re.compile(r"layers=3.*width1=6|width1=6.*layers=3"))
    # [2, 6, 4, 4, 1]: (2·6 + 6) + (6·4 + 4) + (4·4 + 4) + (4 + 1) = 71
    expect(page.get_by_text("71 trainable parameters", exact=False)).to_be_visible()

    before = wait_for_chart(page, "pg_curves_chart", lambda s: s["draws"] >= 1)
    page.get_by_role("button", name="Play").click()
    expect(epoch_metric(page)).not_to_have_text("0", timeout=20_000)
    first = int(epoch_metric(page).inner_text())
    wait_for_chart(page, "pg_curves_chart", lambda s: s["points"] > first + 5)
    expect(epoch_metric(page)).not_to_have_text(str(first))
    page.get_by_role("button", name="Pause").click()
    wait_until_idle(page)
    expect(page.get_by_role("button", name="Play")).to_be_enabled()
    after = live_chart(page, "pg_curves_chart")
    assert after["points"] > first
    # The same chart was redrawn in place (Plotly.react), not replaced by a new one every frame.
    assert after["draws"] >= before["draws"] + 3
    assert_no_exception(page)


def test_a_link_with_query_parameters_reproduces_the_setup(page, server_url):
    open_page(page, server_url, "playground?data=xor&layers=1&width1=5&act=relu&features=x1x2", TITLE)
    expect(page.locator(".st-key-w_pg_layers input[type='range']")).to_have_value("1", timeout=20_000)
    expect(page.locator(".st-key-w_pg_width_1 input")).to_have_value("5")
    expect(page.get_by_role("combobox", name="Hidden activation g")).to_have_value("ReLU")
    expect(page.get_by_text("n = 3 inputs", exact=False)).to_be_visible()
    expect(page).to_have_url(re.compile(r"data=xor"))
    assert_no_exception(page)
