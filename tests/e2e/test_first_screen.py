"""The first screen holds the lesson: on every page not covered by its own test (gradient descent and
the playground have theirs), at 1280×720 and 1920×1080, the main action and the main chart are fully
on screen without scrolling, and the chart is the largest thing there. Plus the playground's charts
survive window resizes and a collapsed sidebar."""

import pytest
from playwright.sync_api import expect

from devtools.browser import (assert_no_exception, chart_boxes, live_charts, open_page, resize_round_trip,
                              visible_area, wait_until_idle)
from tests.photos import jpeg
from ui import nav

pytestmark = pytest.mark.e2e

TITLES = {p.url_path: p.title for p in nav.PAGES}
SIZES = [(1280, 720), (1920, 1080)]
# page: (how to find the main action, the main chart's key)
PAGES = {
    "": (lambda page: page.get_by_role("slider", name="Learning rate α"), "home_fit_chart"),
    "neuron": (lambda page: page.get_by_role("slider", name="weight w1"), "neuron_drawing_chart"),
    "backprop": (lambda page: page.get_by_role("button", name="Step", exact=True), "bp_graph_chart"),
    "pets": (lambda page: page.get_by_test_id("stFileUploaderDropzone"), "pets_p_dog_chart"),
    "convnets": (lambda page: page.get_by_role("radiogroup", name="Filter"), "cnn_conv_chart"),
}


def on_screen(box, width, height) -> bool:
    return box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= width + 1 and box["y"] + box["height"] <= height + 1


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("url_path", list(PAGES), ids=lambda p: p or "home")
def test_the_main_action_and_the_main_chart_share_the_first_screen(browser, server_url, tmp_path, url_path, size):
    width, height = size
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_page(page, server_url, url_path, TITLES[url_path])
    find_action, chart_key = PAGES[url_path]
    if url_path == "pets":  # the answer to an upload is the chart
        photo = tmp_path / "rex.jpg"
        photo.write_bytes(jpeg((120, 90, 60)))
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(photo))
        wait_until_idle(page)
    chart = page.locator(f".st-key-{chart_key}")
    expect(chart.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    page.wait_for_timeout(500)
    action_box, chart_box = find_action(page).first.bounding_box(), chart.bounding_box()
    assert on_screen(action_box, width, height), ("main action", action_box)
    assert on_screen(chart_box, width, height), ("main chart", chart_box)
    largest = visible_area(chart_box, width, height)
    for element in page.locator("[data-testid='stMainBlockContainer'] [data-testid='stElementContainer']").all():
        box = element.bounding_box()
        if box and element.locator(".js-plotly-plot").count() and chart_key not in (element.get_attribute("class") or ""):
            assert visible_area(box, width, height) <= largest, (element.get_attribute("class"), box, chart_box)
    assert_no_exception(page)
    context.close()


def test_the_playground_charts_survive_resizes_and_a_collapsed_sidebar(page, server_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page, server_url, "playground", TITLES["playground"])

    def check(what):
        page.wait_for_timeout(1000)  # Plotly's resize, Streamlit's new frame height
        for _ in range(60):  # the first visit: until both charts have drawn once
            boxes = chart_boxes(page)
            if {"pg_boundary_chart", "pg_curves_chart"} <= boxes.keys():
                break
            page.wait_for_timeout(500)
        for key in ("pg_boundary_chart", "pg_curves_chart"):
            assert key in boxes and boxes[key]["height"] > 200, (what, key, boxes.get(key))
            assert live_charts(page)[key]["draws"] >= 1, (what, key)
        return boxes["pg_boundary_chart"]["width"]

    resize_round_trip(page, check)
    page.get_by_role("button", name="Step (1 epoch)").click()
    wait_until_idle(page)
    check("after a step")
    assert live_charts(page)["pg_curves_chart"]["points"] == 1  # epoch 1 on the learning curves
    assert_no_exception(page)
