"""The playground beyond two classes in real Chromium: points placed by clicking on the plane (and carried by the
link), and a 4-class set playing live."""

import re
import time
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from playwright.sync_api import expect

from devtools.browser import assert_no_exception, open_page, wait_until_idle
from lessons import drawn
from ui import style

pytestmark = pytest.mark.e2e

TITLE = "4 · Layers and deep networks"
FRAME = 'iframe[title="ui.live_frames.live_frames"]'


def live_frame(page):
    return next(f for f in page.frames[1:] if f.evaluate("() => !!document.querySelector('[data-chart=\"pg_boundary_chart\"]')"))


_SHOWN = """() => V.drawing ? -1 : V.panels.boundary.chart.data.filter((t) => t.type === 'scatter' && t.x
    && t.x.length && t.x[0] !== null).reduce((n, t) => n + t.x.length, 0)"""


def plane_to_page(page, x1: float, x2: float) -> tuple[float, float]:
    """Where the point (x1, x2) of the plane is on the page, in pixels (from the chart's own axes), once the
    chart shows every point the link holds (a click then lands on the chart as drawn)."""
    wait_until_idle(page)
    frame = live_frame(page)
    want = len(drawn_points(page)[0])
    for _ in range(200):
        if frame.evaluate(_SHOWN) == want:
            break
        page.wait_for_timeout(50)
    else:
        raise AssertionError(f"the chart never showed the link's {want} points")
    inside = frame.evaluate("""([x1, x2]) => {
      const chart = V.panels.boundary.chart, fl = chart._fullLayout;
      return [fl.xaxis._offset + fl.xaxis.c2p(x1), fl.yaxis._offset + fl.yaxis.c2p(x2)];
    }""", [x1, x2])
    box = page.locator(FRAME).bounding_box()
    chart = frame.locator("[data-chart='pg_boundary_chart']").bounding_box()  # page coordinates
    assert chart and box
    return chart["x"] + inside[0], chart["y"] + inside[1]


def drawn_points(page):
    text = parse_qs(urlparse(page.url).query).get("pts", [""])[0]
    return drawn.decode(text)[:2] if text else (np.zeros((0, 2)), np.zeros(0))


def wait_for_points(page, count: int):
    for _ in range(200):
        if len(drawn_points(page)[0]) == count:
            return drawn_points(page)
        page.wait_for_timeout(100)
    raise AssertionError(f"the link never held {count} points: {page.url}")


def test_points_placed_by_clicking_appear_on_the_plane_and_in_the_link(page, server_url):
    # One epoch a frame and a limit of 10000: the run is still playing however slowly a loaded machine places points.
    open_page(page, server_url, "playground?data=draw_classes&k=3&speed=1&epochs=10000", TITLE)
    frame = page.frame_locator(FRAME)
    expect(frame.locator("[data-chart='pg_boundary_chart']")).to_have_attribute("data-draws", re.compile(r"[1-9]"))
    clicks = [(-2.0, -2.0, 0), (2.0, 2.0, 1), (-2.0, 2.0, 2), (2.0, -2.0, 0)]
    for i, (x1, x2, c) in enumerate(clicks):
        page.locator(".st-key-w_pg_place_class button", has_text=f" {c}").click()
        wait_until_idle(page)
        page.mouse.click(*plane_to_page(page, x1, x2))
        X, y = wait_for_points(page, i + 1)
        if i == 1:   # training goes on while points are placed
            page.get_by_role("button", name="Play").click()
            expect(page.get_by_role("button", name="Pause")).to_be_visible()
    X, y = drawn_points(page)
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    np.testing.assert_allclose(X, [c[:2] for c in clicks], atol=0.1)   # a pixel or two and the link's 0.05 grid
    assert y.tolist() == [c[2] for c in clicks]
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    epoch = frame.locator("[data-stat='epoch']")
    seen = int(epoch.inner_text())
    expect(epoch).not_to_have_text(str(seen), timeout=20_000)   # still training with the 4 points
    # The chart shows them: each class its trace, colour and marker shape.
    traces = live_frame(page).evaluate("""() => V.panels.boundary.chart.data.filter((t) => t.type === 'scatter'
        && t.x && t.x.length && t.x[0] !== null).map((t) => [t.name, t.x.length, t.marker.symbol, t.marker.color])""")
    assert sum(n for _, n, _, _ in traces) == 4
    assert {(name, symbol, colour) for name, _, symbol, colour in traces} <= {
        (f"class {c}", style.CLASS_MARKERS[c], style.CLASS_PALETTE[c]) for c in range(3)}
    # A click on a point removes it.
    page.mouse.click(*plane_to_page(page, 2.0, 2.0))
    X, y = wait_for_points(page, 3)
    assert y.tolist() == [0, 2, 0]
    assert_no_exception(page)


_CLASS_SHARES = """(colours) => {
  // Each pixel of the class map to the class whose colour it is a tint of (the direction from white).
  const image = V.panels.boundary.image, data = image.getContext('2d').getImageData(0, 0, image.width, image.height).data;
  const counts = colours.map(() => 0);
  for (let i = 0; i < data.length; i += 4) {
    const d = [255 - data[i], 255 - data[i + 1], 255 - data[i + 2]];
    const n = Math.hypot(...d);
    if (n < 20) continue;
    let best = -1, bestCos = 0.97;
    colours.forEach((c, k) => {
      const e = [255 - c[0], 255 - c[1], 255 - c[2]];
      const cos = (d[0] * e[0] + d[1] * e[1] + d[2] * e[2]) / (n * Math.hypot(...e));
      if (cos > bestCos) { bestCos = cos; best = k; }
    });
    if (best >= 0) counts[best] += 1;
  }
  return counts.map((n) => n / (data.length / 4));
}"""


def test_a_four_class_set_plays_live(page, server_url):
    open_page(page, server_url, "playground?data=blobs&k=4&noise=0.5&layers=1&width1=8&speed=2&epochs=10000", TITLE)
    expect(page.frame_locator(FRAME).locator("[data-chart='pg_boundary_chart']")).to_have_attribute(
        "data-draws", re.compile(r"[1-9]"))
    frame = live_frame(page)
    page.get_by_role("button", name="Play").click()
    expect(page.get_by_role("button", name="Pause")).to_be_visible()
    epoch = page.frame_locator(FRAME).locator("[data-stat='epoch']")
    expect(epoch).not_to_have_text("0", timeout=20_000)
    start = int(frame.evaluate("() => Number(document.body.dataset.frames)"))
    seen, deadline = set(), time.monotonic() + 60
    while time.monotonic() < deadline:
        seen.add(epoch.inner_text())
        if len(seen) >= 8 and int(frame.evaluate("() => Number(document.body.dataset.frames)")) >= start + 8:
            break
        page.wait_for_timeout(50)
    assert len(seen) >= 8, f"the epoch counter showed only {sorted(seen)}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:   # trained on: every blob gets its region
        shares = frame.evaluate(_CLASS_SHARES, [[int(c[i:i + 2], 16) for i in (1, 3, 5)] for c in style.CLASS_PALETTE[:4]])
        if min(shares) > 0.08:
            break
        page.wait_for_timeout(100)
    assert min(shares) > 0.08, shares
    page.get_by_role("button", name="Pause").click()
    expect(page.get_by_role("button", name="Play")).to_be_visible()
    assert_no_exception(page)
