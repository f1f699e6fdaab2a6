"""The first screen holds the lesson: on every page not covered by its own test (gradient descent and
the playground have theirs), at 1280×720 and 1920×1080, the main action and the main chart are fully
on screen without scrolling, and the chart is the largest thing there. Plus every one of the playground's
live charts stays drawn through window resizes both ways, playing and paused, and a collapsed sidebar."""

import io

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, chart_boxes, open_page, scroll_to_chart, visible_area, wait_until_idle
from tests.photos import jpeg
from ui import nav

pytestmark = pytest.mark.e2e

TITLES = {p.url_path: p.title for p in nav.PAGES}
TITLE_PLAYGROUND = TITLES["playground"]
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


PLAYGROUND_CHARTS = ("pg_boundary_chart", "pg_curves_chart", "pg_graph_chart", "pg_diagnostics_chart")


def painted(page, key: str) -> dict:
    """Scroll the live chart ``key`` into view and read what the screen shows there: its box, the share of
    its pixels that are not background, and whether the data's blue (train line, dog side) is drawn. A chart
    can hold a whole figure and still show nothing (a collapsed container: the bug this guards)."""
    for _ in range(60):  # a first visit or a new figure: until the chart is on the page
        if scroll_to_chart(page, key):
            break
        page.wait_for_timeout(500)
    page.wait_for_timeout(300)
    box = chart_boxes(page)[key]
    assert box["height"] > 0 and box["y"] < page.viewport_size["height"], (key, box)  # collapsed, or off screen
    shot = page.screenshot(clip={"x": box["x"], "y": max(0, box["y"]), "width": box["width"],
                                 "height": min(box["height"], page.viewport_size["height"] - max(0, box["y"]))})
    pixels = np.asarray(Image.open(io.BytesIO(shot)).convert("RGB"), dtype=int)
    ink = (pixels.min(axis=2) < 200).mean()
    blue = ((np.abs(pixels - (0, 114, 178)).sum(axis=2) < 60)).sum()
    return {"box": box, "ink": ink, "blue": int(blue)}


def all_painted(page, what: str) -> float:
    """Every live chart of the playground drawn on screen; returns the boundary's width."""
    page.wait_for_timeout(800)  # Plotly's resize, Streamlit's new frame height
    for key in PLAYGROUND_CHARTS:
        seen = painted(page, key)
        assert seen["box"]["height"] > 200 and seen["ink"] > 0.005, (what, key, seen)  # not blank
        assert seen["blue"] > 50, (what, key, seen)  # its data, not only axes
    return chart_boxes(page)["pg_boundary_chart"]["width"]


def test_every_playground_chart_survives_resizes_both_ways_playing_and_paused(page, server_url):
    # A lecturer plugs into a projector (1920 × 1080 → 1280 × 720) and back, paused and while playing.
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_page(page, server_url, "playground", TITLE_PLAYGROUND)
    page.get_by_role("button", name="Step (1 epoch)").click()
    wait_until_idle(page)
    wide = all_painted(page, "1920, paused")
    page.set_viewport_size({"width": 1280, "height": 720})
    narrow = all_painted(page, "1920 → 1280, paused")
    assert narrow < 0.8 * wide
    page.get_by_role("button", name="Play").click()
    page.set_viewport_size({"width": 1920, "height": 1080})
    assert all_painted(page, "1280 → 1920, playing") > 1.2 * narrow
    page.set_viewport_size({"width": 1280, "height": 720})
    all_painted(page, "1920 → 1280, playing")
    page.keyboard.press("Escape")
    page.get_by_role("heading", name=TITLE_PLAYGROUND).click()
    page.keyboard.press("Space")  # Pause, answered on the frame shown
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    wait_until_idle(page)
    page.set_viewport_size({"width": 1920, "height": 1080})
    all_painted(page, "1280 → 1920, paused")
    page.get_by_test_id("stSidebar").hover()  # the collapse button shows on hover
    page.get_by_role("button", name="Collapse sidebar").click()
    all_painted(page, "sidebar collapsed")
    assert_no_exception(page)
