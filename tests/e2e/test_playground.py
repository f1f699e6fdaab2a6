"""The network playground in real Chromium: change the architecture, press Play, watch it train, pause on the
frame shown."""

import base64
import io
import re
import time

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, chart_boxes, live_charts, open_page, wait_until_idle
from ui.playground.images import probability_png

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


def live_view(page):
    """The live view's frame (``ui.live_frames``): the boundary, the numbers and the curves."""
    return page.frame_locator('iframe[title="ui.live_frames.live_frames"]')


def epoch_metric(page):
    return live_view(page).locator("[data-stat='epoch']")


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
    # A loaded machine plays fewer frames of more epochs each: wait for the frames, not a time.
    wait_for_chart(page, "pg_curves_chart", lambda s: s["points"] > first + 5 and s["draws"] >= before["draws"] + 3)
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


@pytest.mark.parametrize("width, height", [(1280, 720), (1920, 1080)])
def test_play_and_the_decision_boundary_are_on_the_first_screen(browser, server_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    open_page(page, server_url, "playground", TITLE)
    wait_for_chart(page, "pg_boundary_chart", lambda s: s["draws"] >= 1)
    play = page.get_by_role("button", name="Play").bounding_box()
    chart = chart_boxes(page).get("pg_boundary_chart")
    assert chart, "no decision-boundary chart on the page"
    content = page.get_by_test_id("stMainBlockContainer").bounding_box()
    assert play["y"] + play["height"] <= height
    assert chart["y"] >= 0 and chart["y"] + chart["height"] <= height + 1
    assert chart["width"] >= 0.4 * content["width"] and chart["height"] > 200
    context.close()


def test_space_plays_and_pauses_and_right_steps(page, server_url):
    open_page(page, server_url, "playground", TITLE)
    wait_for_chart(page, "pg_curves_chart", lambda s: s["draws"] >= 1)  # every frame loaded
    page.get_by_role("heading", name=TITLE).click()  # focus the page, not a widget or a chart's frame
    page.keyboard.press("ArrowRight")
    expect(epoch_metric(page)).to_have_text("1")
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    page.wait_for_timeout(1500)
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    wait_until_idle(page)
    assert int(epoch_metric(page).inner_text()) > 1
    assert_no_exception(page)


def test_a_markdown_link_in_the_url_is_shown_as_text_not_a_link(page, server_url):
    from urllib.parse import quote

    value = "[Click here to log in](http://127.0.0.1:8639/phish)"
    open_page(page, server_url, f"playground?data={quote(value)}", TITLE)
    alert = page.get_by_test_id("stAlert").filter(has_text="Ignored URL parameters")
    expect(alert).to_contain_text(value)
    assert alert.locator("a").count() == 0


def frame_of(page, key: str):
    """The Playwright frame holding the live chart ``key``."""
    return next(f for f in page.frames[1:] if f.evaluate(f"() => !!document.querySelector('[data-chart=\"{key}\"]')"))


# Inside the live view's frame: the curves' lines on screen after frames drawn by the fast path (swapLines),
# then the same figure drawn by Plotly.react, both as lists of (x, y) pixels per line.
_LINES_AND_PLOTLY_S = """async () => {
  const panel = V.panels.curves;
  const read = () => [...panel.chart.querySelectorAll('.scatterlayer > .trace path.js-line')].map(
      (path) => path.getAttribute('d').slice(1).split('L').map((p) => p.split(',').map(Number)));
  V.drawing = true;  // no frame of the view's own may come between the two readings
  try {
    const ours = read(), figure = panel.built;
    await Plotly.react(panel.chart, figure.data, figure.layout, config());
    return {ours: ours, plotly: read()};
  } finally {
    V.drawing = false;
  }
}"""


def test_learning_curves_move_in_place_where_plotly_draws_them(page, server_url):
    open_page(page, server_url, "playground", TITLE)
    wait_for_chart(page, "pg_curves_chart", lambda s: s["draws"] >= 1)
    page.get_by_role("button", name="Play").click()
    moved = wait_for_chart(page, "pg_curves_chart", lambda s: s["lineSwaps"] >= 3)
    later = wait_for_chart(page, "pg_curves_chart", lambda s: s["draws"] >= moved["draws"] + 8)
    # Most frames only move the lines; a redraw by Plotly is left for a new epoch-axis range.
    assert later["lineSwaps"] - moved["lineSwaps"] >= 0.5 * (later["draws"] - moved["draws"]) > 0, (moved, later)
    lines = frame_of(page, "pg_curves_chart").evaluate(_LINES_AND_PLOTLY_S)
    page.get_by_role("button", name="Pause").click()
    wait_until_idle(page)
    assert moved["draws"] > moved["lineSwaps"] >= 3
    assert len(lines["ours"]) == len(lines["plotly"]) == 4  # train and test, cost and accuracy
    for ours, plotly in zip(lines["ours"], lines["plotly"]):
        # Plotly leaves out points on a straight run; the ends are the same pixels.
        assert ours[0] == pytest.approx(plotly[0], abs=0.02) and ours[-1] == pytest.approx(plotly[-1], abs=0.02)
        assert len(plotly) <= len(ours)
    after = live_chart(page, "pg_curves_chart")
    assert after["points"] > 1
    assert_no_exception(page)


# Inside the live view's frame: what is on screen now. The boundary's canvas and its grid image as digests
# (and the image's pixels when asked), the grid of P(dog) of the frame shown, and the curves' figure.
_ON_SCREEN = """async (pixels) => {
  const digest = async (data) => [...new Uint8Array(await crypto.subtle.digest('SHA-256', data))]
      .map((b) => b.toString(16).padStart(2, '0')).join('');
  const b = V.panels.boundary, c = V.panels.curves;
  const canvas = b.canvas.getContext('2d').getImageData(0, 0, b.canvas.width, b.canvas.height).data;
  const image = b.image.getContext('2d').getImageData(0, 0, b.image.width, b.image.height).data;
  const figure = V.running ? c.built : c.drawn;
  return {epoch: V.shown.epoch, frozen: !!V.frozen, running: V.running, canvas: await digest(canvas),
          image: pixels ? Array.from(image) : null, size: b.image.width, grid: Array.from(V.shown.grid),
          curves: figure.data.map((t) => [t.name, t.x, t.y]), range: figure.layout.xaxis.range};
}"""


def test_pause_stops_on_the_frame_shown_and_the_full_figure_draws_it_identically(page, server_url):
    open_page(page, server_url, "playground", TITLE)
    wait_for_chart(page, "pg_curves_chart", lambda s: s["draws"] >= 1)
    page.get_by_role("button", name="Play").click()
    view = frame_of(page, "pg_boundary_chart")
    view.wait_for_function("() => Number(document.body.dataset.frames || 0) >= 20", timeout=60_000)
    page.get_by_role("button", name="Pause").click()
    frame = view.evaluate(_ON_SCREEN, True)
    assert frame["frozen"] and frame["running"], frame  # answered in the browser, on the frame shown
    # The server's answer: paused on that epoch, its whole figures drawn with the same code.
    view.wait_for_function("() => !V.running && !V.frozen", timeout=60_000)
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    paused = view.evaluate(_ON_SCREEN, False)
    assert paused["epoch"] == frame["epoch"] > 0
    assert paused["grid"] == frame["grid"]        # the same weights: P(dog) to the last bit
    assert paused["canvas"] == frame["canvas"]    # … so the same pixels
    assert paused["curves"] == frame["curves"] and paused["range"] == frame["range"]  # the full figure's values
    assert len(frame["curves"][0][1]) == frame["epoch"]  # every epoch on the curves
    # The browser's drawing of the grid against the Python reference (ui/playground/images.probability_png).
    P = np.array(frame["grid"], dtype=float).reshape(60, 60) / 65535
    reference = np.asarray(Image.open(io.BytesIO(base64.b64decode(probability_png(P).split(",", 1)[1]))).convert("RGB"),
                           dtype=int)
    ours = np.array(frame["image"], dtype=int).reshape(frame["size"], frame["size"], 4)[..., :3]
    assert ours.shape == reference.shape
    line_ours, line_ref = ours.sum(axis=2) < 3 * 60, reference.sum(axis=2) < 3 * 60
    assert (line_ours & line_ref).sum() >= 0.9 * line_ref.sum() and line_ref.sum() > 100  # the same ŷ = 0.5 line
    off_line = ~(line_ours | line_ref)
    assert np.abs(ours - reference)[off_line].mean() < 1.5  # the same colours (within a level)
    assert_no_exception(page)
