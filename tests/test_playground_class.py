"""A class on one server: the playground's live views let other students' page runs go first, and draw one
frame a run when the server's live-view budget is shared (``ui/playground/views.py``, ``ui/chapter.py``)."""

import threading
import time
from types import SimpleNamespace

import pytest

from tests.test_page_playground import PAGE, epoch, live_frames
from ui import chapter
from ui.playground import session as pg_session
from ui.playground import views as pg_views


@pytest.fixture(autouse=True)
def quiet_server(monkeypatch):
    """No page runs and no playground sessions from other tests; whole frames (as the playground's tests)."""
    monkeypatch.setattr(chapter, "_page_runs", {})
    monkeypatch.setattr(pg_views, "_open_sessions", {})
    monkeypatch.setattr(pg_session, "FRAME_BUDGET_S", 10.0)
    monkeypatch.setattr(pg_views, "RUN_BUDGET_S", 10.0)


def fake_run(monkeypatch, session_id: str, fragment: bool, yield_check=lambda: None):
    """Make ``session_id`` the current script run: a fragment's own run or a page run."""
    ctx = SimpleNamespace(session_id=session_id, fragment_ids_this_run=["live"] if fragment else [],
                          yield_check=yield_check, cached_message_hashes=frozenset({"sent-earlier"}))
    monkeypatch.setattr(pg_views, "get_script_run_ctx", lambda: ctx)
    monkeypatch.setattr(chapter, "get_script_run_ctx", lambda: ctx)


def test_a_live_view_run_waits_until_another_sessions_page_run_ends(monkeypatch):
    chapter._page_runs["other"] = time.monotonic()
    fake_run(monkeypatch, "me", fragment=True)

    def other_page_run_ends():
        time.sleep(0.3)
        with chapter._page_runs_changed:
            chapter._page_runs.pop("other")
            chapter._page_runs_changed.notify_all()

    ender = threading.Thread(target=other_page_run_ends)
    ender.start()
    waited = pg_views.yield_to_page_runs(limit=30.0)
    ender.join()
    assert 0.15 <= waited < 20.0  # it ended with the other run, long before its limit
    assert chapter.page_runs_elsewhere("me") == 0


def test_a_live_view_run_waits_at_most_its_limit(monkeypatch):
    chapter._page_runs["other"] = time.monotonic()
    fake_run(monkeypatch, "me", fragment=True)
    assert pg_views.yield_to_page_runs(limit=0.1) >= 0.1
    assert chapter.page_runs_elsewhere("me") == 1  # still running: this run went ahead anyway
    assert pg_views.get_script_run_ctx().cached_message_hashes == frozenset()  # and sends its messages whole


def test_a_page_run_and_a_sessions_own_page_run_never_wait(monkeypatch):
    chapter._page_runs["other"] = time.monotonic()
    fake_run(monkeypatch, "me", fragment=False)
    assert pg_views.yield_to_page_runs(limit=30.0) == 0.0  # a page run is the interactive one
    fake_run(monkeypatch, "other", fragment=True)
    assert chapter.page_runs_elsewhere("other") == 0  # its own page run does not count


def test_a_students_own_click_ends_the_wait(monkeypatch):
    class Clicked(Exception):
        """What Streamlit's yield check raises when this session has a page run waiting."""

    def yield_check():
        raise Clicked

    chapter._page_runs["other"] = time.monotonic()
    fake_run(monkeypatch, "me", fragment=True, yield_check=yield_check)
    with pytest.raises(Clicked):
        pg_views.yield_to_page_runs(limit=30.0)


def test_a_page_run_cut_short_stops_counting_after_a_few_seconds(monkeypatch):
    chapter._page_runs["gone"] = time.monotonic() - chapter.PAGE_RUN_STALE_S - 0.1  # never reached chapter.end
    assert chapter.page_runs_elsewhere("me") == 0
    fake_run(monkeypatch, "me", fragment=False)
    chapter._mark_page_run(True)
    assert set(chapter._page_runs) == {"me"}  # the stale entry is dropped at the next page run
    chapter._mark_page_run(False)
    assert chapter._page_runs == {}


def test_a_page_marks_its_run_from_begin_to_end(open_page, monkeypatch):
    seen = []
    original = chapter._mark_page_run
    monkeypatch.setattr(chapter, "_mark_page_run", lambda running: (seen.append(running), original(running)))
    open_page(PAGE)
    assert seen and seen[-2:] == [True, False]
    assert chapter._page_runs == {}


def test_with_a_shared_timer_a_run_trains_as_much_and_draws_one_frame(open_page):
    for k in range(29):  # 29 other students on the playground: each timer is 30 / SERVER_RUNS_PER_SECOND
        pg_views.frame_seconds(f"student{k}")
    app = open_page(PAGE, speed="5")
    assert app.session_state["pg_live_timer"] == pytest.approx(30 / pg_views.SERVER_RUNS_PER_SECOND)
    app.button(key="pg_play").click().run()
    n = pg_views.FRAMES_PER_RUN
    assert app.session_state["pg_running"] and epoch(app) == (5 * n, 1000)
    frames = live_frames(app)
    assert len(frames["pg_boundary_chart"]) == len(frames["pg_curves_chart"]) == 1


def test_a_detail_view_run_that_finds_others_busy_sends_the_figures_it_drew_last(open_page, monkeypatch):
    app = open_page(PAGE)
    drawn = app.session_state["pg_detail_figures"]
    assert drawn is not None and drawn[0]["data"]  # the page run drew the graph
    chapter._page_runs["other"] = time.monotonic()
    fake_run(monkeypatch, "me", fragment=True)
    monkeypatch.setattr(pg_views, "live_chart", lambda figure, **_: sent.append(figure))
    monkeypatch.setattr(pg_views.pg_figures, "network_graph", lambda *a, **k: pytest.fail("graph rebuilt"))
    monkeypatch.setattr(pg_views, "YIELD_S", 0.01)
    state = {key: app.session_state[key] for key in ("pg_run", "pg_running", "pg_saturation", "pg_detail_figures")}
    monkeypatch.setattr(pg_views, "st", SimpleNamespace(session_state=state, subheader=lambda *a: None,
                                                         caption=lambda *a: None))
    sent = []
    pg_views.detail_view.__wrapped__()
    assert sent == list(drawn)


def test_a_rerun_from_a_fragment_sends_the_page_whole(monkeypatch):
    ctx = SimpleNamespace(cached_message_hashes=frozenset({"chart-sent-three-runs-ago"}))
    monkeypatch.setattr(pg_views, "get_script_run_ctx", lambda: ctx)
    monkeypatch.setattr(pg_views.st, "rerun", lambda: seen.append(ctx.cached_message_hashes))
    seen = []
    pg_views.rerun_page()
    assert seen == [frozenset()]  # no reference to a message the browser may have dropped


def test_a_closed_tab_stops_sharing_the_live_view_budget_at_once(monkeypatch):
    # A lecturer who reloads the page leaves a closed session behind: it must not slow the new tab's view
    # for the minute a session otherwise counts (OPEN_WINDOW_S).
    open_tabs = {"a", "b", "c"}
    runtime = SimpleNamespace(is_active_session=lambda session_id: session_id in open_tabs)
    monkeypatch.setattr(pg_views.Runtime, "exists", staticmethod(lambda: True))
    monkeypatch.setattr(pg_views.Runtime, "instance", staticmethod(lambda: runtime))
    for session_id in ("a", "b", "c"):
        pg_views.frame_seconds(session_id)
    assert pg_views.frame_seconds("c") == pytest.approx(3 / pg_views.SERVER_RUNS_PER_SECOND)
    open_tabs -= {"a", "b"}  # two tabs closed: only "c" is left on the playground
    assert pg_views.frame_seconds("c") == pg_views.FRAME_SECONDS
