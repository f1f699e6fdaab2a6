"""Chapters 1 and 3 in headless Chromium: sliders drive z and σ(z); the graph's Step; every tab draws."""

import math

import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, wait_until_idle

pytestmark = pytest.mark.e2e

TITLE = "1 · The neuron and the sigmoid"
BACKPROP = "3 · Backpropagation"
LAYERS = "4 · Layers and deep networks"


def _open(page, server_url):
    return open_page(page, server_url, "neuron", TITLE)


def _slider(page, label: str):
    return page.get_by_test_id("stSlider").filter(has_text=label).get_by_role("slider")


def _metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_moving_the_x1_slider_changes_z_and_sigma(page, server_url):
    _open(page, server_url)
    expect(_metric(page, "z = w·x + b")).to_have_text("-0.450")
    expect(_metric(page, "a = σ(z)")).to_have_text("0.389")
    expect(_metric(page, "class (threshold 0.5)")).to_have_text("cat (0)")
    thumb = _slider(page, "input x1")
    thumb.focus()
    thumb.press("End")  # x1: 1.0 → 3.0
    wait_until_idle(page)
    z = 0.8 * 3.0 - 0.5 * 0.5 + 1.2 * -1.0 + 0.2
    expect(_metric(page, "z = w·x + b")).to_have_text(f"{z:.3f}")
    expect(_metric(page, "a = σ(z)")).to_have_text(f"{1 / (1 + math.exp(-z)):.3f}")
    expect(_metric(page, "class (threshold 0.5)")).to_have_text("dog (1)")
    assert_no_exception(page)


def test_step_button_lowers_the_loss_on_the_graph_tab(page, server_url):
    open_page(page, server_url, "backprop", BACKPROP)
    loss = _metric(page, "loss L")
    expect(loss).to_have_text("0.9432")
    page.get_by_role("button", name="Step").click()
    wait_until_idle(page)
    expect(_metric(page, "gradient-descent steps")).to_have_text("1")
    expect(loss).not_to_have_text("0.9432")
    assert float(loss.inner_text()) < 0.9432
    expect(page.get_by_text("below 1e-7: backprop is right")).to_be_visible()
    assert_no_exception(page)


def test_every_tab_draws_its_charts(page, server_url):
    _open(page, server_url)
    page.get_by_role("tab", name="The sigmoid and other activations").click()
    wait_until_idle(page)
    expect(page.get_by_role("tabpanel").locator(".js-plotly-plot")).to_have_count(2)
    open_page(page, server_url, "playground", LAYERS)
    for tab, charts in (("Why activations", 1), ("Inside a network", 4)):
        page.get_by_role("tab", name=tab).click()
        wait_until_idle(page)
        expect(page.get_by_role("tabpanel").locator(".js-plotly-plot")).to_have_count(charts)
    open_page(page, server_url, "backprop", BACKPROP)
    page.get_by_role("tab", name="Vectorization").click()
    wait_until_idle(page)
    page.get_by_role("button", name="Time it").click()
    wait_until_idle(page)
    expect(page.get_by_text("the two passes agree")).to_be_visible()
    assert_no_exception(page)


def test_slider_value_survives_a_visit_to_the_home_page(page, server_url):
    # Arrive the way a student does: from the home page's link.
    open_page(page, server_url, "", "Neuron Lab")
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("heading", name=TITLE).first.wait_for()
    wait_until_idle(page)
    thumb = _slider(page, "bias b")
    thumb.focus()
    thumb.press("Home")  # b: 0.2 → −3.0
    wait_until_idle(page)
    expect(_metric(page, "z = w·x + b")).to_have_text("-3.650")
    page.get_by_role("link", name="Neuron Lab").first.click()
    page.get_by_role("heading", name="Neuron Lab").first.wait_for()
    wait_until_idle(page)
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("heading", name=TITLE).first.wait_for()
    wait_until_idle(page)
    expect(_metric(page, "z = w·x + b")).to_have_text("-3.650")
