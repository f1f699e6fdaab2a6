"""The load generator measures a real class: a local server, three simulated students, a few seconds.

The numbers must come from the server's answers: epochs read from the playground's stats, P(dog)
read from the pets page, latencies timed on the wire, CPU and memory read from /proc.
"""

import pytest

from benchmarks import classroom_load
from devtools.browser import streamlit_server
from devtools.streamlit_client import StreamlitClient

STUDENTS = 3
PLAY_SECONDS = 3


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with streamlit_server(tmp_path_factory.mktemp("classroom") / "server.log") as url:
        yield url


@pytest.mark.server
def test_three_students_train_upload_and_are_timed_with_no_error(server):
    pid = classroom_load.listening_pid(int(server.rsplit(":", 1)[1]))
    summary = classroom_load.run_class(server, STUDENTS, PLAY_SECONDS, ramp=1, pids=[pid])

    assert summary["errors"] == []
    for student in summary["per_student"]:
        assert student["epochs_advanced"] > 0, student
        assert student["frames"] > 0, student
        assert 0.0 <= student["p_dog"] <= 1.0, student
    for name in ("connect", "home", "playground", "control", "play", "frame", "pause", "pets", "upload"):
        assert summary["actions"][name]["count"] >= STUDENTS
        assert 0 < summary["actions"][name]["p50_ms"] <= summary["actions"][name]["max_ms"]
    assert summary["server"]["rss_peak_mb"] > 50
    assert summary["server"]["cpu_peak_percent"] > 0


@pytest.mark.server
def test_a_control_change_reaches_the_server_as_a_browser_sends_it(server):
    client = StreamlitClient(server)
    try:
        client.connect("playground")
        client.open_page("playground")
        assert "width1=4" in client.query_string
        changed = client.set_widget("w_pg_width_1", 7.0, until=lambda run: run.full and "width1=7" in client.query_string)
        # The page mirrors its controls into the URL: the new width came back from the server.
        assert "width1=7" in client.query_string
        assert classroom_load.epochs(changed) == [0]   # a new architecture starts again at epoch 0
        played = client.click("pg_play")
        assert played.full and client.auto_reruns, "Play announces the live view's run_every timer"
        runs = client.follow_auto_reruns(1.5)
        frames = [run for run in runs if run.status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY"]
        assert frames and all(run.fragment_ids for run in frames), "the timer reran the live view alone"
        assert classroom_load.epochs(frames[-1])[-1] > classroom_load.epochs(played)[-1]
        client.click("pg_play")
        assert not client.auto_reruns, "Pause stops the timer"
    finally:
        client.close()


@pytest.mark.parametrize("url", ["http://example.org", "http://10.0.0.1:8501", "https://127.0.0.1:8501"])
def test_only_local_servers_are_loaded(url):
    with pytest.raises(ValueError):
        StreamlitClient(url)
    with pytest.raises(ValueError):
        classroom_load.run_class(url, 1, 1)


@pytest.mark.parametrize("students, seconds", [(0, 10), (classroom_load.MAX_STUDENTS + 1, 10),
                                               (1, 0), (1, classroom_load.MAX_SECONDS + 1)])
def test_a_class_is_bounded_in_size_and_time(students, seconds):
    with pytest.raises(ValueError):
        classroom_load.run_class("http://127.0.0.1:9", students, seconds)


def test_the_client_reports_the_history_guard_under_the_key_the_app_reads():
    from devtools import streamlit_client
    from ui import history

    assert streamlit_client.HISTORY_REPORT_KEY == history.REPORT_KEY


def test_frames_are_played_on_their_schedule_and_a_late_batch_shows_as_a_wait():
    # Two batches of 4 frames 0.1 s apart; the second arrives 0.5 s after the first (0.1 s after they ran out).
    shown = classroom_load.playback([(10.0, 4, 0.1), (10.5, 4, 0.1)], end=11.5)
    assert shown == pytest.approx([10.0, 10.1, 10.2, 10.3, 10.5, 10.6, 10.7, 10.8])
    # A batch arriving while frames still wait keeps at most half a batch of them: the view never lags.
    shown = classroom_load.playback([(10.0, 8, 0.1), (10.1, 8, 0.1)], end=12.0)
    assert len(shown) == 2 + 4 + 8 and shown[-1] == pytest.approx(10.0 + 13 * 0.1)


def test_the_report_ends_with_every_target_and_whether_it_was_met():
    students = [classroom_load.Student(i, epoch_before_play=0, epoch_last=100, frames=90, shown=90 - 30 * i,
                                       play_seconds=10.0, actions={"control": [0.1, 0.2]}) for i in range(3)]
    summary = classroom_load.summarize(students, [])
    summary.update(students=3, seconds=10, ramp=1, url="http://127.0.0.1:1", wall_seconds=12, train=False,
                   load_average_before=[0.5], load_average_after=[0.6], cpu_count=2, generator_cpu_percent=1)
    rows = {target: (measured, result) for target, measured, result in classroom_load.targets(summary)}
    assert rows["live-view updates a second per student, min ≥ 3"] == ("3.0", "met")
    assert rows["live-view updates a second per student, median ≥ 8"] == ("6.0", "missed")
    assert rows["control → update p95 ≤ 300 ms"] == ("200 ms", "met")
    assert rows["errors = 0"] == ("0", "met")
    assert classroom_load.report(summary).splitlines()[-1].startswith("errors = 0")


@pytest.fixture(scope="module")
def training_server(tmp_path_factory):
    """A server with a tiny photo folder and one training slot."""
    from engine.pets import data as pet_data
    from tests.photos import photo_folder

    tmp = tmp_path_factory.mktemp("train")
    root = photo_folder(tmp / "pets")
    with pytest.MonkeyPatch.context() as env:
        env.setenv(pet_data.ENV_DATA, str(root))
        env.setenv(pet_data.ENV_CACHE, str(tmp / "cache"))
        env.setenv("NEURONLAB_TRAIN_SLOTS", "1")
        with streamlit_server(tmp / "server.log") as url:
            yield url


@pytest.mark.server
def test_a_class_pressing_train_waits_its_turn_and_the_waits_are_reported(training_server):
    summary = classroom_load.run_class(training_server, 3, 120, ramp=0.5, train=True, train_epochs=30)

    assert summary["errors"] == [], summary["errors"]
    assert summary["trained"] == 3
    assert summary["actions"]["queue wait"]["count"] == 3
    waits = sorted(w for s in summary["per_student"] for w in s["actions"]["queue wait"])
    assert waits[-1] > waits[0] + 0.5   # one slot: the last in line waited for the runs ahead of it
    assert summary["epochs_per_second"]["min"] > 0
    assert {t for t, _, _ in summary["targets"]} >= {"queue wait p50 / p95 (report)", "runs trained to the end (of 3)"}
