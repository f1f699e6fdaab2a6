"""A class on one server: the playground's live views let other students' page runs go first, share the
server's measured spare time evenly (``ui/live_budget.py``), send data frames rather than figures, and stop
on the frame the student sees (``ui/playground/views.py``, ``ui/playground/session.py``, ``ui/chapter.py``)."""

import threading
import time
from types import SimpleNamespace

import numpy as np
import pytest

from tests import live_view
from tests.test_page_playground import FRAMES, PAGE, epoch, live
from ui import chapter
from ui import live_budget
from ui.live_budget import LiveBudget, Plan
from ui.playground import controls as pg_controls
from ui.playground import session as pg_session
from ui.playground import views as pg_views


@pytest.fixture(autouse=True)
def quiet_server(monkeypatch):
    """No page runs from other tests; whole frames (as the playground's tests) and a fixed share."""
    monkeypatch.setattr(chapter, "_page_runs", {})
    monkeypatch.setattr(pg_session, "FRAME_BUDGET_S", 10.0)
    monkeypatch.setattr(pg_views, "PAGE_TRAIN_S", 10.0)
    monkeypatch.setattr(pg_views, "live_plan", lambda touch=True: Plan(seconds=0.4, frames=FRAMES, train_s=10.0,
                                                                       sessions=1, live_cores=0.8))


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


# -- the measured budget, shared evenly (ui/live_budget.py) ---------------------------------------


class Clock:
    """A server's clock and its process's CPU time, moved by the test."""

    def __init__(self):
        self.t, self.cpu = 100.0, 0.0

    def spend(self, seconds: float, cores: float) -> None:
        """``seconds`` pass with the process using ``cores``."""
        self.t += seconds
        self.cpu += seconds * cores

    def budget(self) -> LiveBudget:
        return LiveBudget(clock=lambda: self.t, process_cpu=lambda: self.cpu)


def settle(budget: LiveBudget, clock: Clock, cores: float, live: float = 0.0, rounds: int = 12) -> None:
    """Let the budget measure ``rounds`` half seconds of the process using ``cores``, ``live`` of it live views."""
    for _ in range(rounds):
        clock.spend(0.5, cores)
        budget.note(None, live * 0.5)


def test_every_session_watching_gets_the_same_share_and_at_least_three_frames_a_second():
    clock = Clock()
    budget = clock.budget()
    for k in range(30):
        budget.seen(f"student{k}")
    plans = {budget.plan(f"student{k}") for k in range(30)}
    assert len(plans) == 1  # one student never gets more than another
    [plan] = plans
    assert plan.sessions == 30 and live_budget.MIN_SECONDS <= plan.seconds <= live_budget.MAX_SECONDS
    assert plan.frames / plan.seconds >= live_budget.MIN_FPS
    alone = Clock().budget().plan("lecturer")
    assert alone.seconds == live_budget.MIN_SECONDS and alone.frames == round(live_budget.MAX_FPS * alone.seconds)
    assert alone.frames / alone.seconds > plan.frames / plan.seconds


def test_the_live_budget_is_what_the_rest_of_the_process_leaves():
    clock = Clock()
    budget = clock.budget()
    settle(budget, clock, cores=0.15, live=0.15)   # nothing but live views
    assert budget.live_cores == pytest.approx(live_budget.TARGET_CORES, abs=0.02)
    settle(budget, clock, cores=0.75, live=0.15)   # clicks and arrivals take 0.6 of a core
    assert budget.live_cores == pytest.approx(live_budget.TARGET_CORES - 0.6, abs=0.03)
    settle(budget, clock, cores=0.15, live=0.15)   # and give it back
    assert budget.live_cores == pytest.approx(live_budget.TARGET_CORES, abs=0.02)


def test_when_other_programs_keep_the_cores_busy_runs_make_fewer_frames_rather_than_come_late():
    budget = Clock().budget()
    budget.note("me", run_cpu=0.012, frames=10, frames_cpu=0.010, draw_cpu=0.002, frames_wall=0.012)
    quiet = budget.plan("me")
    assert quiet.frames == round(live_budget.MAX_FPS * quiet.seconds)
    # The same frames, but each waited for a core: 1 ms of CPU took 40 ms by the clock.
    for _ in range(10):
        budget.note("me", run_cpu=0.012, frames=10, frames_cpu=0.010, draw_cpu=0.002, frames_wall=0.400)
    busy = budget.plan("me")
    assert busy.seconds == quiet.seconds and busy.frames < quiet.frames
    assert busy.frames * 0.040 <= live_budget.WALL_SHARE * busy.seconds + 1e-9  # the run ends in time …
    assert busy.frames >= live_budget.MIN_FPS * busy.seconds  # … and still brings frames


def test_a_heavy_network_gets_fewer_frames_for_the_same_cpu_and_a_crowded_server_trains_less_per_frame():
    clock = Clock()
    budget = clock.budget()
    for k in range(28):
        budget.seen(f"s{k}")
    budget.seen("light")
    budget.seen("heavy")
    budget.note("light", run_cpu=0.012, frames=10, frames_cpu=0.010, draw_cpu=0.002)
    budget.note("heavy", run_cpu=0.104, frames=4, frames_cpu=0.100, draw_cpu=0.020)
    light, heavy = budget.plan("light"), budget.plan("heavy")
    assert light.seconds == heavy.seconds and heavy.frames < light.frames
    share = budget.live_cores / light.sessions * light.seconds  # CPU-seconds a run of each may use
    assert heavy.frames >= live_budget.MIN_FPS * heavy.seconds  # the picture keeps coming …
    assert heavy.frames * (heavy.train_s + 0.020 / 4) <= share + 1e-9  # … each frame training less
    assert heavy.train_s < live_budget.FRAME_TRAIN_S == light.train_s


def test_a_closed_tab_stops_sharing_the_live_view_budget_at_once():
    # A lecturer who reloads the page leaves a closed session behind: it must not slow the new tab's view
    # for the minute a session otherwise counts.
    open_tabs = {"a", "b", "c"}
    budget = Clock().budget()
    budget.connected = lambda session_id: session_id in open_tabs
    for session_id in ("a", "b", "c"):
        budget.seen(session_id)
    assert budget.plan("c").sessions == 3
    open_tabs -= {"a", "b"}  # two tabs closed: only "c" is left on the playground
    assert budget.plan("c").sessions == 1


def test_the_page_asks_the_budget_for_its_timer(open_page, monkeypatch):
    monkeypatch.setattr(pg_views, "live_plan", lambda touch=True: Plan(seconds=1.2, frames=6, train_s=0.01,
                                                                       sessions=30, live_cores=0.7))
    app = open_page(PAGE)
    assert app.session_state["pg_live_timer"] == 1.2
    app.button(key="pg_play").click().run()
    args, grids = live(app)
    assert len(args["batch"]["frames"]) == 6 and args["batch"]["every_ms"] == 200


# -- a frame is data: what a timer's run sends --------------------------------------------------------


class Playing:
    """A session that pressed Play (AppTest), whose next runs are the live view's own fragment runs."""

    def __init__(self, app, monkeypatch):
        keys = list(pg_session.STATE_DEFAULTS) + list(pg_controls.WIDGET_DEFAULTS) + [pg_session.LIVE_KEY]
        self.state = {k: app.session_state[k] for k in keys if k in app.session_state}
        self.sent: list[dict] = []
        self.reruns = 0
        fake_st = SimpleNamespace(session_state=self.state, error=lambda *a, **k: None,
                                  rerun=lambda: setattr(self, "reruns", self.reruns + 1))
        monkeypatch.setattr(pg_views, "st", fake_st)
        monkeypatch.setattr(pg_session, "st", fake_st)
        monkeypatch.setattr(pg_views, "live_frames", lambda **kwargs: self.sent.append(kwargs))
        monkeypatch.setattr(pg_views, "YIELD_S", 0.01)
        fake_run(monkeypatch, "me", fragment=True)

    def tick(self) -> dict:
        """One run of the live view's timer; returns what it sent to the browser."""
        pg_views.live_view()
        return self.sent[-1]

    def report(self, **value) -> None:
        """The browser's report (the component's new value), then its rerun."""
        self.state[pg_session.LIVE_KEY] = value
        pg_session.apply_report()


@pytest.fixture
def playing(open_page, monkeypatch):
    app = open_page(PAGE, speed="5")
    app.button(key="pg_play").click().run()
    assert epoch(app) == (5 * FRAMES, 1000)
    return Playing(app, monkeypatch)


def test_a_timer_run_sends_data_frames_and_builds_no_figure(playing, monkeypatch):
    from ui.playground import figures, images

    for builder in ("decision_boundary", "learning_curves", "network_graph"):
        monkeypatch.setattr(figures, builder, lambda *a, **k: pytest.fail("a figure was built for a frame"))
    monkeypatch.setattr(images, "probability_png", lambda *a, **k: pytest.fail("a PNG was made for a frame"))
    first, second = playing.tick(), playing.tick()
    for sent in (first, second):
        assert sent["full"] is None  # no figure: the browser has it from the page run
        batch = sent["batch"]
        assert batch["running"] and len(batch["frames"]) == FRAMES
        assert len(sent["grids"]) == FRAMES * 60 * 60 * 2 and isinstance(sent["grids"], bytes)
        assert set(batch["series"]) == {"train_cost", "test_cost", "train_accuracy", "test_accuracy"}
        assert all(set(frame) == {"epoch", "n", "stats", "text"} for frame in batch["frames"])
    # The curves' new points only: each run from the end of the batch before the last, so one run the
    # browser misses leaves no gap (the page run sent epochs 1–20).
    assert [f["epoch"] for f in second["batch"]["frames"]] == [45, 50, 55, 60]
    assert first["batch"]["series"]["train_cost"]["from"] == 20
    assert second["batch"]["series"]["train_cost"]["from"] == 20 and len(second["batch"]["series"]["train_cost"]["values"]) == 40
    # Every frame says what its charts show, in words.
    assert second["batch"]["frames"][-1]["text"]["curves"].startswith("Cost J ")
    assert "after 60 epochs" in second["batch"]["frames"][-1]["text"]["boundary"]


def test_pause_from_the_browser_stops_on_the_frame_shown_with_its_weights(playing):
    sent = [playing.tick(), playing.tick()]
    before = live_view.frames({"batch": sent[0]["batch"]}, sent[0]["grids"])
    shown = before[2]   # the browser was showing the third frame of the first batch (the server is at 60)
    playing.report(action="pause", epoch=shown["epoch"], play=playing.state["pg_play_id"], seq=1)
    run = playing.state["pg_run"]
    assert not playing.state["pg_running"] and run.epoch == shown["epoch"] == 35
    assert playing.state["pg_rerun_page"]  # the live view's next run reruns the page (▶ Play, no timer)
    playing.tick()
    assert playing.reruns == 1
    paused = playing.sent[-1]
    [frame] = live_view.frames({"batch": paused["batch"]}, paused["grids"])
    assert frame["epoch"] == 35 and np.array_equal(frame["P"], shown["P"])  # the very same weights
    # Played again, it trains the same epochs again: the frames after the pause are those it had sent.
    playing.state["pg_running"] = True
    again = playing.tick()
    again_grids = live_view.frames({"batch": again["batch"]}, again["grids"])
    assert again_grids[0]["epoch"] == before[3]["epoch"] == 40
    assert np.array_equal(again_grids[0]["P"], before[3]["P"])


def test_a_report_about_an_older_playback_is_ignored_and_a_resync_sends_everything(playing):
    playing.tick()
    run = playing.state["pg_run"]
    epochs = run.epoch
    playing.report(action="pause", epoch=25, play=playing.state["pg_play_id"] - 1, seq=1)
    assert playing.state["pg_running"] and run.epoch == epochs
    playing.report(action="resync", seq=2)
    sent = playing.tick()
    assert sent["full"] is not None and sent["batch"]["series"]["train_cost"]["from"] == 0


def test_step_from_the_browser_goes_one_epoch_beyond_the_frame_shown(playing):
    sent = playing.tick()
    shown = sent["batch"]["frames"][0]["epoch"]
    playing.report(action="step", epoch=shown, play=playing.state["pg_play_id"], seq=1)
    assert not playing.state["pg_running"] and playing.state["pg_run"].epoch == shown + 1


def test_the_compute_turn_goes_to_the_runs_in_the_order_they_asked():
    from ui.threads import FairLock

    lock, order = FairLock(), []

    def run(name: str, delay: float) -> None:
        time.sleep(delay)
        with lock.taken():
            order.append(name)
            time.sleep(0.02)

    with lock.taken():   # a run holds the turn while five others ask, one after the other
        threads = [threading.Thread(target=run, args=(f"s{k}", 0.01 * k)) for k in range(5)]
        for thread in threads:
            thread.start()
        time.sleep(0.2)
    for thread in threads:
        thread.join()
    assert order == [f"s{k}" for k in range(5)]


def test_a_timer_is_kept_while_the_class_stays_about_the_same_size():
    steps = live_budget.SECONDS_STEPS

    def class_of(n: int) -> LiveBudget:
        budget = Clock().budget()
        for k in range(n - 1):
            budget.seen(f"s{k}")
        return budget

    first = {}   # the smallest class that gets each step
    for n in range(1, 80):
        first.setdefault(class_of(n).plan("me").seconds, n)
    assert list(first) == list(steps)
    assert class_of(first[steps[1]]).plan("me", current=steps[0]).seconds == steps[0]  # just past: kept
    assert class_of(first[steps[2]] - 1).plan("me", current=steps[2]).seconds == steps[2]  # just under: kept
    assert class_of(2 * first[steps[1]]).plan("me", current=steps[0]).seconds > steps[0]  # twice: a new timer
    assert class_of(1).plan("me", current=steps[2]).seconds == steps[0]  # everyone left: the full rate again


def test_a_students_click_ends_the_wait_for_the_compute_turn():
    from ui.threads import FairLock

    class Clicked(Exception):
        pass

    lock, clicks = FairLock(), []

    def check():
        if clicks:
            raise Clicked

    with lock.taken():   # another student's run computes …
        def click_soon():
            time.sleep(0.1)
            clicks.append(True)

        clicker = threading.Thread(target=click_soon)
        clicker.start()
        started = time.monotonic()
        with pytest.raises(Clicked):
            with lock.taken(check):
                pass
        clicker.join()
        assert time.monotonic() - started < 5   # … and this one gave up its place at the click
    with lock.taken(check=lambda: None):   # the line is not left blocked
        pass
