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
