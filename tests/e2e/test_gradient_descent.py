"""The gradient-descent page in headless Chromium: Play advances the step the student sees and Pause
stops it there (and the server knows that step), the keys drive playback, the lesson fits on the
first screen, the charts survive resizes and a collapsed sidebar, and the "Diverges" preset explains
itself without an exception."""

import time

import pytest
from playwright.sync_api import expect

from devtools.browser import (assert_no_exception, open_page, players, resize_round_trip, visible_area,
                              wait_until_idle, wait_until_settled)

pytestmark = pytest.mark.e2e

URL, TITLE = "gradient-descent", "2 · Cost and gradient descent"


def _open(page, server_url):
    open_page(page, server_url, URL, TITLE)
    # A direct link must land on the page itself, not on Streamlit's "Page not found" notice.
    expect(page.get_by_text("Page not found")).to_have_count(0)
    return wait_for(page, lambda p: "leader" in p and "follower" in p and p["leader"]["views"]["map"]["drawn"])


def wait_for(page, test, timeout_s: float = 30, read=players):
    """Poll ``read(page)`` (the players, unless told) until ``test`` of it holds; returns what it read."""
    deadline = time.monotonic() + timeout_s
    seen = {}
    while time.monotonic() < deadline:
        seen = read(page)
        try:
            if test(seen):
                return seen
        except KeyError:
            pass
        page.wait_for_timeout(50)
    raise AssertionError(f"the page never reached the expected state; last seen {seen}")


def leader(page) -> dict:
    return players(page)["leader"]


def numbers_panel(page):
    return page.get_by_text("Run A's next update", exact=False)


def test_play_advances_the_step_and_pause_stops_where_the_student_sees_it(page, server_url):
    _open(page, server_url)
    start = leader(page)
    assert (start["frame"], start["step"], start["last"]) == (0, "0", "100")
    assert start["views"]["map"]["points"] == 1  # run A's path starts at (w₀, b₀) only
    page.get_by_role("button", name="Play").click()
    wait_for(page, lambda p: p["leader"]["frame"] >= 8 and p["leader"]["running"])
    moving = leader(page)
    assert moving["views"]["map"]["points"] > 5 and moving["views"]["cost"]["points"] > 5
    page.get_by_role("button", name="Pause").click()
    stopped = wait_for(page, lambda p: not p["leader"]["running"])["leader"]
    page.wait_for_timeout(800)
    assert leader(page)["frame"] == stopped["frame"]  # no step after the pause, and no jump back
    assert stopped["frame"] < 100
    # The server took the player's step: the numbers panel and Step continue from there.
    k = stopped["frame"]
    expect(page.get_by_text(f"step {k} → {k + 1}", exact=False)).to_be_visible()
    page.get_by_role("button", name="Step").click()
    wait_for(page, lambda p: p["leader"]["frame"] == k + 1)
    expect(page.get_by_text(f"step {k + 1} → {k + 2}", exact=False)).to_be_visible()
    assert_no_exception(page)


def test_play_runs_to_the_end_and_stops_by_itself(page, server_url):
    _open(page, server_url)
    page.get_by_role("button", name="Play").click()
    end = wait_for(page, lambda p: p["leader"]["frame"] == 100 and not p["leader"]["running"], 60)["leader"]
    assert end["views"]["cost"]["points"] == 101  # J at every step
    wait_until_idle(page)
    expect(page.get_by_role("button", name="Play")).to_be_enabled()
    expect(page.get_by_text("Run A is over after 100 steps", exact=False)).to_be_visible()
    assert_no_exception(page)


def test_keys_space_right_and_r_drive_playback(page, server_url):
    _open(page, server_url)
    page.get_by_role("heading", name=TITLE).click()  # focus the page, not a widget
    page.keyboard.press("Space")
    wait_for(page, lambda p: p["leader"]["running"] and p["leader"]["frame"] >= 3)
    page.keyboard.press("Space")
    paused = wait_for(page, lambda p: not p["leader"]["running"])["leader"]["frame"]
    page.keyboard.press("ArrowRight")
    wait_for(page, lambda p: p["leader"]["frame"] == paused + 1)
    wait_until_idle(page)
    assert leader(page)["frame"] == paused + 1  # one step, not one here and one from Streamlit's shortcut
    page.keyboard.press("End")
    wait_for(page, lambda p: p["leader"]["frame"] == 100)
    page.keyboard.press("r")
    wait_for(page, lambda p: p["leader"]["frame"] == 0)
    wait_until_idle(page)
    expect(page.get_by_text("step 0 → 1", exact=False)).to_be_visible()  # the server followed
    # Space on the page played, it did not scroll it.
    assert page.evaluate("document.querySelector('[data-testid=\"stMain\"]')?.scrollTop ?? 0") == 0
    assert_no_exception(page)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280x720", "1920x1080"])
def test_play_and_the_map_are_on_the_first_screen_and_the_map_is_the_largest_thing(page, server_url, size):
    width, height = size
    page.set_viewport_size({"width": width, "height": height})
    _open(page, server_url)
    wait_until_idle(page)
    # The map sizes itself to the rest of the screen: measure once the layout has stopped moving.
    wait_until_settled(page, lambda: (page.get_by_role("button", name="Play").bounding_box(),
                                      [v["box"] for v in leader(page)["views"].values()]))
    play = page.get_by_role("button", name="Play").bounding_box()
    lead = leader(page)
    chart = lead["views"]["map"]["box"]
    for box, what in ((play, "Play"), (chart, "the map")):
        assert box["x"] >= 0 and box["y"] >= 0, what
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (what, box)
    largest = visible_area(chart, width, height)
    others = [visible_area(lead["views"]["cost"]["box"], width, height)]
    for element in page.locator("[data-testid='stElementContainer']").all():
        if element.locator("iframe").count():
            continue  # the players themselves: their views are compared above
        box = element.bounding_box()
        if box:
            others.append(visible_area(box, width, height))
    assert largest > max(others), (largest, max(others))


def test_the_charts_survive_resizes_and_a_collapsed_sidebar(page, server_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    _open(page, server_url)

    def check(what):
        # Plotly's resize, the height fitted to the window: read once the boxes have stopped moving.
        wait_until_settled(page, lambda: [v["box"] for v in leader(page)["views"].values()])
        state = leader(page)
        for name in ("map", "cost"):
            view = state["views"][name]
            assert view["drawn"] and view["box"]["height"] > 200, (what, name, view)
        return state["views"]["map"]["box"]["width"]

    resize_round_trip(page, check)
    assert_no_exception(page)


def test_a_preset_shows_at_once_and_sets_the_controls(page, server_url):
    _open(page, server_url)
    before = leader(page)["scene"]
    page.get_by_role("button", name="α too large").click()
    wait_for(page, lambda p: p["leader"]["scene"] != before and p["leader"]["running"], 5)
    wait_until_idle(page)
    # The server applied the preset the player showed: α = 30, start (1, −2), 60 steps.
    expect(page.locator(".st-key-w_gd_lr")).to_contain_text("30")
    assert leader(page)["last"] == "60"
    assert_no_exception(page)


def test_diverges_preset_shows_the_message_and_no_exception(page, server_url):
    _open(page, server_url)
    page.get_by_role("button", name="Diverges").click()
    wait_until_idle(page)
    alert = page.get_by_test_id("stAlertContentError")
    expect(alert).to_contain_text("diverged")
    expect(alert).to_contain_text("Last finite point")
    page.get_by_role("button", name="End").first.click()
    end = wait_for(page, lambda p: p["leader"]["frame"] == 36)["leader"]
    assert (end["step"], end["last"]) == ("36", "36")
    assert "nan" not in (end["w"] + end["b"] + end["J"]).lower()
    assert_no_exception(page)


_BOWL = """() => {
  const view = P.views.find((v) => v.name === 'bowl');
  // The camera the student sees: the scene's own, not the layout's copy (saved only on some mouseups).
  const eye = (layer) => layer.el._fullLayout.scene._scene.getCamera().eye;
  const [base, live] = view.layers;
  return {kinds: view.layers.map((l) => l.kind), draws: view.draws,
          base: base.el._fullData.map((t) => t.type), live: live.el._fullData.map((t) => t.type),
          path: live.el._fullData[0].x.filter((x) => Number.isFinite(x)).length,
          eyes: [eye(base), eye(live)], through: getComputedStyle(live.el).pointerEvents};
}"""


def _turned(follower, before):
    """The bowl's state once its camera has left ``before``'s and the paths have caught up (the paths
    redraw at the player's next frame, later on a loaded machine)."""
    def settled(now):
        return (now["eyes"][0] != pytest.approx(before["eyes"][0], abs=0.05)
                and now["eyes"][1] == pytest.approx(now["eyes"][0], abs=1e-6))
    return wait_for(follower.page, settled, timeout_s=10, read=lambda _: follower.evaluate(_BOWL))


def test_the_bowl_paths_move_while_playing_and_follow_the_bowl_when_it_is_turned(page, server_url):
    _open(page, server_url)
    follower = next(f for f in page.frames[1:]
                    if f.evaluate("() => typeof P !== 'undefined' && P.role === 'follower'"))
    page.get_by_role("button", name="Play").click()
    wait_for(page, lambda p: p["leader"]["frame"] >= 5)
    bowl = follower.locator('[data-view="bowl"]')
    bowl.scroll_into_view_if_needed()
    # On screen, the bowl draws while it plays (off screen it does not): wait for a few of its frames.
    playing = wait_for(page, lambda b: b["draws"] > 5 and b["path"] > 5, read=lambda _: follower.evaluate(_BOWL))
    assert playing["kinds"] == ["base", "live"] and playing["base"] == ["surface"]
    assert set(playing["live"]) == {"scatter3d"} and playing["path"] > 5 and playing["through"] == "none"
    assert playing["draws"] > 5
    assert playing["eyes"][0] == pytest.approx(playing["eyes"][1])
    box = bowl.bounding_box()  # turn the bowl as a student does, while it plays: drag across it
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 150, y + 40, steps=10)
    page.mouse.up()
    turned = _turned(follower, playing)
    assert turned["eyes"][0] != pytest.approx(playing["eyes"][0], abs=0.05)  # the bowl turned
    assert turned["eyes"][1] == pytest.approx(turned["eyes"][0], abs=1e-6)   # and its paths with it
    # Once the run has stopped, a turn still takes the paths along (nothing else redraws them then).
    wait_for(page, lambda p: not p["leader"]["running"], timeout_s=30)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 120, y - 30, steps=10)
    page.mouse.up()
    stopped = _turned(follower, turned)
    assert stopped["eyes"][0] != pytest.approx(turned["eyes"][0], abs=0.05)
    assert stopped["eyes"][1] == pytest.approx(stopped["eyes"][0], abs=1e-6)
    assert_no_exception(page)
