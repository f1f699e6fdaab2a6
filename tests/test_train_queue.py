"""The server's training queue (``ui/train_queue.py``): a few runs at a time in the order they were asked
for, places and estimates, leaving, nobody starved; and on the conv-net page, two sessions sharing one slot."""

import pytest

from tests.conftest import whole_app
from tests.pagetools import open_tab
from ui import train_queue
from ui.train_queue import TrainQueue


class Clock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock():
    return Clock()


def test_runs_take_the_slots_in_the_order_they_asked_and_the_rest_wait_in_line(clock):
    queue = TrainQueue(2, clock=clock)
    turns = {name: queue.join(name) for name in "abcde"}
    assert [turns[n].training for n in "abcde"] == [True, True, False, False, False]
    assert [turns[n].place for n in "cde"] == [1, 2, 3]
    assert queue.snapshot() == (["a", "b"], ["c", "d", "e"])
    queue.leave("a")   # a's run ended: the head of the line trains
    assert queue.snapshot() == (["b", "c"], ["d", "e"])
    assert queue.turn("d").place == 1 and queue.turn("e").place == 2


def test_a_waiting_run_can_leave_the_line_and_those_behind_move_up(clock):
    queue = TrainQueue(1, clock=clock)
    for name in "abcd":
        queue.join(name)
    queue.leave("b")
    assert queue.snapshot() == (["a"], ["c", "d"])
    assert queue.turn("c").place == 1 and queue.turn("d").place == 2
    assert not queue.turn("b").queued  # gone: a later join goes to the back
    assert queue.join("b").place == 3


def test_the_estimate_counts_the_holders_time_left_and_the_runs_ahead(clock):
    queue = TrainQueue(2, clock=clock)
    queue.join("a")
    clock.t += 10
    queue.join("b")
    for name in "cde":
        queue.join(name)
    clock.t += 5   # a has held its slot 15 s, b 5 s; a hold takes 30 s here until measured
    assert queue.turn("c").wait_s == pytest.approx(15)   # a's slot frees first
    assert queue.turn("d").wait_s == pytest.approx(25)   # then b's
    assert queue.turn("e").wait_s == pytest.approx(45)   # then the slot c took
    queue.leave("a")   # a held for 15 s: the measured hold
    assert queue.hold_s == pytest.approx(15)
    assert queue.turn("d").wait_s == pytest.approx(10)   # b: 15 − 5


def test_nobody_holds_a_slot_for_ever_while_others_wait(clock):
    queue = TrainQueue(1, clock=clock)
    queue.join("long")
    queue.join("short")

    def ask_for(seconds: float, *names: str) -> None:   # each page asks every few seconds
        for _ in range(int(seconds / 5)):
            clock.t += 5
            for name in names:
                queue.turn(name)

    ask_for(train_queue.QUANTUM_S - 5, "long", "short")
    assert queue.snapshot() == (["long"], ["short"])
    ask_for(5, "long", "short")
    assert queue.snapshot() == (["short"], ["long"])   # the long run waits its turn again
    queue.leave("short")
    assert queue.turn("long").training
    ask_for(2 * train_queue.QUANTUM_S, "long")   # alone, it keeps its slot
    assert queue.turn("long").training


def test_a_run_whose_page_stopped_asking_or_closed_is_given_up(clock):
    open_tabs = {"a", "b", "c"}
    queue = TrainQueue(1, clock=clock, alive=lambda owner: owner in open_tabs)
    for name in "abc":
        queue.join(name)
    open_tabs.discard("b")    # b's tab closed
    assert queue.turn("c").place == 1
    clock.t += train_queue.STALE_S + 1   # a's page stopped asking (a sleeping tab)
    assert queue.turn("c").training and queue.snapshot() == (["c"], [])


def test_slots_follow_the_deployment_or_the_cores(monkeypatch):
    monkeypatch.setenv("NEURONLAB_TRAIN_SLOTS", "3")
    assert train_queue.default_slots() == 3
    monkeypatch.delenv("NEURONLAB_TRAIN_SLOTS")
    assert train_queue.default_slots() >= 1


# -- on the page: two sessions, one slot -------------------------------------------------------------

PAGE = "chapters/convnets.py"
TRAIN_TAB = "Train a small conv net"


def session(epochs: int = 3):
    """A new session (a browser) on the conv-net page's training tab, with ``epochs`` set."""
    app = whole_app()
    app.run()
    app.switch_page(PAGE).run()
    open_tab(app, "cnn_tab", TRAIN_TAB)
    app.slider(key="w_cnn_train_epochs").set_value(epochs).run()
    return app


def progress(app) -> str:
    return [p.proto.text for p in app.get("progress")][-1]


def test_a_second_run_waits_for_the_slot_says_where_it_is_and_can_leave(tiny_data, monkeypatch):
    import ui.training_run

    monkeypatch.setattr(train_queue, "QUEUE", TrainQueue(1, alive=train_queue.QUEUE.alive))
    monkeypatch.setattr(ui.training_run, "TRAIN_SECONDS", 0.0)  # one mini-batch a tick: the run lasts a few ticks
    first, second = session(), session()
    first.button(key="cnn_train_start").click().run()
    second.button(key="cnn_train_start").click().run()
    assert first.session_state["cnn_running"] and second.session_state["cnn_running"]
    assert progress(second).startswith("Waiting for a training slot: you are next, about ")
    assert any("trains 1 run at a time" in i.value for i in second.info)
    second.run()
    assert "model" not in second.session_state["cnn_run"]  # nothing prepared while it waits: no photos held
    first.run()   # the first session trains meanwhile
    assert first.session_state["cnn_run"]["batches"]
    second.button(key="cnn_leave_queue").click().run()
    assert not second.session_state["cnn_running"]
    assert train_queue.QUEUE.snapshot()[1] == []
    second.button(key="cnn_train_start").click().run()   # back in line …
    for _ in range(60):   # … until the first run ends and gives the slot back
        if first.session_state["cnn_eval"] is not None:
            break
        first.run()
    assert first.session_state["cnn_eval"] is not None
    assert "gen" not in first.session_state["cnn_run"]  # the ended run let its photos go; its model stays
    assert first.session_state["cnn_session_model"] is not None
    second.run()
    assert second.session_state["cnn_run"]["batches"], "the waiting run trains once the slot is free"
    assert not progress(second).startswith("Waiting")
