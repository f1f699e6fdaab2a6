"""AppTest of the network playground: controls, presets, play/step/reset, URL state, import/export."""

import html
import json
import re

import numpy as np
import pytest

from engine import Network
from lessons import presets
from tests.pagetools import live_figures
from ui.playground import views as pg_views
from ui.playground.controls import PRESET_TITLES

PAGE = "chapters/playground.py"


@pytest.fixture(autouse=True)
def whole_frames(monkeypatch):
    """The page caps training at a few milliseconds a frame, and a run's frames at a time budget, so a
    slow machine redraws as often; these tests count epochs and frames, so every frame trains all its
    epochs and every run makes all its frames, however busy the machine is."""
    from ui.playground import session

    monkeypatch.setattr(session, "FRAME_BUDGET_S", 10.0)
    monkeypatch.setattr(pg_views, "RUN_BUDGET_S", 10.0)


@pytest.fixture
def open_playground(open_page):
    return lambda **query: open_page(PAGE, **query)


STAT = re.compile(r'<div style="[^"]*">([^<]*)</div><div style="[^"]*" data-stat="(\w+)">([^<]*)</div>')


def stats(app) -> dict[str, tuple[str, str]]:
    """The live statistics row (``ui.playground.views.stats_html``): {name: (label, value)}."""
    rows = [m.value for m in app.markdown if 'aria-label="Training progress"' in m.value]
    assert len(rows) == 1, rows
    return {key: (html.unescape(label), html.unescape(value)) for label, key, value in STAT.findall(rows[0])}


def metrics(app) -> dict[str, str]:
    """{label: value} of the statistics row, e.g. {"Train cost J": "0.6931", …}."""
    return dict(stats(app).values())


def live_frames(app) -> dict[str, list[dict]]:
    """The figures each live chart (``ui.live_chart``) was sent, by chart key, template included: one
    figure, or while playing the few the browser plays in turn."""
    charts = {}
    for element in app.get("component_instance"):
        args = json.loads(element.proto.json_args)
        if "chart" not in args:  # another component (ui.history's report)
            continue
        figures = live_figures(args["figure"])
        for figure in figures:
            figure["layout"]["template"] = json.loads(args["template"])
        charts[args["chart"]] = figures
    return charts


def live_charts(app) -> dict[str, dict]:
    """The figure each live chart shows last (the one that stays), by chart key."""
    return {key: figures[-1] for key, figures in live_frames(app).items()}


def epoch(app) -> tuple[int, int]:
    """(epochs trained, epochs limit) from the "Epoch (of N)" statistic."""
    label, value = stats(app)["epoch"]
    return int(value), int(re.search(r"of (\d+)", label).group(1))


def test_defaults_show_epoch_zero_every_chart_and_the_matrix_shapes(open_playground):
    app = open_playground()
    assert app.title[0].value == "4 · Layers and deep networks"
    assert epoch(app) == (0, 1000)
    charts = live_charts(app)
    assert set(charts) == {"pg_boundary_chart", "pg_curves_chart", "pg_graph_chart", "pg_diagnostics_chart"}
    boundary = charts["pg_boundary_chart"]
    assert boundary["layout"]["images"][0]["source"].startswith("data:image/png;base64,")
    # paused: an invisible heatmap of P(dog) answers hovers; 4 point traces (train/test × cat/dog)
    assert [t["type"] for t in boundary["data"]].count("heatmap") == 1
    assert sum(len(t["x"]) for t in boundary["data"] if t.get("mode") == "markers" and t["x"][0] is not None) == 300
    assert boundary["layout"]["template"]["layout"]["plot_bgcolor"] == "white"
    table = app.dataframe[0].value
    rows = dict(zip(table["array"], table["shape"]))
    assert rows["X = A[0]"] == "(210 × 2)" and rows["W[1]"] == "(4 × 2)" and rows["W[3]"] == "(1 × 4)"
    assert any("37 trainable parameters" in m.value for m in app.markdown)


def test_step_trains_exactly_one_epoch_and_shows_finite_costs(open_playground):
    app = open_playground()
    app.button(key="pg_step").click().run()
    shown = metrics(app)
    assert epoch(app) == (1, 1000)
    assert 0 < float(shown["Train cost J"]) < 2 and 0 < float(shown["Test cost J"]) < 2


def test_play_sends_a_few_frames_per_run_until_paused(open_playground):
    n = pg_views.FRAMES_PER_RUN
    app = open_playground(speed="5")
    app.button(key="pg_play").click().run()
    assert app.session_state["pg_running"] and epoch(app) == (5 * n, 1000)
    frames = live_frames(app)
    assert len(frames["pg_boundary_chart"]) == len(frames["pg_curves_chart"]) == n
    # Each frame is 5 more epochs; only the boundary image changes: the points keep their data revision,
    # so Plotly.react leaves them alone, and there is no hover heatmap to recompute.
    boundaries = frames["pg_boundary_chart"]
    assert len({b["layout"]["datarevision"] for b in boundaries}) == 1
    assert len({b["layout"]["images"][0]["source"] for b in boundaries}) == n
    assert all("heatmap" not in [t["type"] for t in b["data"]] for b in boundaries)
    lengths = [[len(t["x"]) for t in c["data"] if t["yaxis"] == "y"] for c in frames["pg_curves_chart"]]
    assert lengths == [[5 * k, 5 * k] for k in range(1, n + 1)]
    app.run()  # what the fragment's timer does in the browser
    assert epoch(app) == (10 * n, 1000)
    app.button(key="pg_play").click().run()  # now labelled Pause
    app.run()
    assert not app.session_state["pg_running"] and epoch(app) == (10 * n, 1000)
    assert len(live_frames(app)["pg_boundary_chart"]) == 1
    assert "heatmap" in [t["type"] for t in live_charts(app)["pg_boundary_chart"]["data"]]


def test_training_stops_at_the_epochs_limit(open_playground):
    app = open_playground(epochs="100", speed="50")
    app.button(key="pg_play").click().run()
    for _ in range(3):
        app.run()
    assert epoch(app) == (100, 100)
    assert not app.session_state["pg_running"]


def test_changing_the_architecture_resets_the_model_with_a_note(open_playground):
    app = open_playground()
    app.button(key="pg_step").click().run()
    app.slider(key="w_pg_layers").set_value(3).run()
    assert epoch(app) == (0, 1000)
    assert any("hidden layers" in i.value and "reset" in i.value for i in app.info)
    assert app.session_state["pg_run"].net.layer_sizes == [2, 4, 4, 4, 1]


def test_changing_the_learning_rate_keeps_the_trained_model(open_playground):
    app = open_playground()
    for _ in range(3):
        app.button(key="pg_step").click().run()
    app.select_slider(key="w_pg_learning_rate").set_value(0.1).run()
    assert epoch(app) == (3, 1000)
    assert app.session_state["pg_run"].optimizer.learning_rate == 0.1


def test_extra_features_widen_the_input_layer(open_playground):
    app = open_playground()
    app.multiselect(key="w_pg_features").set_value(["x1_sq", "x1x2"]).run()
    assert app.session_state["pg_run"].net.layer_sizes == [4, 4, 4, 1]
    assert any("n = 4 inputs" in m.value and "x1·x2" in m.value for m in app.markdown)


@pytest.mark.parametrize("name", list(presets.PRESETS))
def test_each_preset_sets_every_control_and_trains(open_playground, name):
    app = open_playground()
    app.button(key=f"pg_preset_{name}").click().run()
    setup = presets.PRESETS[name]
    assert app.slider(key="w_pg_layers").value == len(setup.hidden)
    assert app.selectbox(key="w_pg_dataset").value == setup.dataset
    assert app.select_slider(key="w_pg_learning_rate").value == setup.learning_rate
    assert app.session_state["pg_run"].setup == setup.with_(max_epochs=setup.max_epochs)
    assert any(PRESET_TITLES[name] in i.value for i in app.info)
    app.button(key="pg_step").click().run()
    assert not app.exception
    assert epoch(app) == (1, setup.max_epochs)


def test_url_parameters_set_the_controls_on_first_load(open_playground):
    app = open_playground(data="spiral", layers="3", width3="7", act="relu", features="x1_sq,sin_x2", seed="42")
    assert app.selectbox(key="w_pg_dataset").value == "spiral"
    assert app.number_input(key="w_pg_width_3").value == 7
    assert app.session_state["pg_run"].net.layer_sizes == [4, 4, 4, 7, 1]
    assert app.session_state["pg_run"].setup.seed == 42


def test_bad_url_parameters_are_ignored_with_a_warning(open_playground):
    app = open_playground(lr="banana", layers="99")
    assert app.select_slider(key="w_pg_learning_rate").value == 0.03
    assert app.slider(key="w_pg_layers").value == 2
    assert any("lr=banana" in w.value and "layers=99" in w.value for w in app.warning)


def test_every_control_is_written_to_the_url_when_it_changes(open_playground):
    app = open_playground()
    app.slider(key="w_pg_layers").set_value(1).run()
    app.selectbox(key="w_pg_optimizer").set_value("momentum").run()
    assert app.query_params["layers"] == ["1"] or app.query_params["layers"] == "1"
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()}
    assert params["opt"] == "momentum"
    assert {"data", "noise", "points", "test", "seed", "layers", "act", "features", "lr", "opt", "batch",
            "l2", "epochs", "speed"} <= params.keys()


def test_regenerate_moves_to_the_next_seed_and_new_data(open_playground):
    app = open_playground()
    before = app.session_state["pg_run"].X_train.copy()
    app.button(key="pg_regenerate").click().run()
    assert app.number_input(key="w_pg_seed").value == 1
    assert not np.array_equal(app.session_state["pg_run"].X_train, before)


def test_a_diverging_run_shows_an_error_and_no_nan(open_playground):
    app = open_playground(act="relu", opt="gd", lr="30", layers="2", width1="8", width2="8", speed="20")
    app.button(key="pg_play").click().run()
    errors = [e.value for e in app.error]
    assert any("diverged" in e and "learning rate" in e for e in errors)
    assert not app.session_state["pg_running"]
    shown = metrics(app)
    assert len(shown) == 5 and all("nan" not in v.lower() and "inf" not in v.lower() for v in shown.values())


def test_exported_network_imports_back_with_its_setup(open_playground):
    app = open_playground(layers="1", width1="5", act="sigmoid")
    for _ in range(2):
        app.button(key="pg_step").click().run()
    run = app.session_state["pg_run"]
    data = run.net.to_bytes(metadata={"playground_setup": run.setup.as_dict(), "epoch": 2})
    W = run.net.weights[0].copy()
    app.button(key="pg_reset").click().run()
    app.slider(key="w_pg_layers").set_value(3).run()
    app.file_uploader(key="pg_import_file").set_value(("mine.npz", data, "application/octet-stream")).run()
    assert not app.exception
    assert any("Imported" in s.value for s in app.success)
    assert app.slider(key="w_pg_layers").value == 1 and app.number_input(key="w_pg_width_1").value == 5
    np.testing.assert_array_equal(app.session_state["pg_run"].net.weights[0], W)


def test_importing_a_bad_file_shows_a_clear_error(open_playground):
    app = open_playground()
    app.file_uploader(key="pg_import_file").set_value(("bad.npz", b"not a zip at all", "application/octet-stream"))
    app.run()
    assert any("Could not import" in e.value and "bad.npz" in e.value for e in app.error)
    too_wide = Network([2, 40, 1]).to_bytes()
    app.file_uploader(key="pg_import_file").set_value(("wide.npz", too_wide, "application/octet-stream")).run()
    assert any("at most 32" in e.value for e in app.error)
    assert app.session_state["pg_run"].net.layer_sizes == [2, 4, 4, 1]


def test_depth_vs_width_experiment_overlays_both_runs(open_playground):
    app = open_playground()
    app.button(key="pg_depth_width_run").click().run()
    results = app.session_state["pg_depth_width"]
    assert set(results) == {"deep & narrow", "shallow & wide"}
    assert all(len(r["train_cost"]) == 600 for r in results.values())
    assert len(app.get("plotly_chart")) == 2  # the overlays; the live charts are components
    budget = presets.n_parameters(results["deep & narrow"]["layer_sizes"])
    assert any(f"about **{budget:,} parameters**" in m.value for m in app.markdown)
    deep, wide = (results[n]["test_accuracy"][-1] for n in ("deep & narrow", "shallow & wide"))
    verdict = next(i.value for i in app.info if "spiral is not hard enough" in i.value)
    assert f"{deep:.0%}" in verdict and f"{wide:.0%}" in verdict


def test_the_too_high_learning_rate_preset_explains_its_bouncing_cost(open_playground):
    app = open_playground()
    app.button(key="pg_preset_lr_too_high").click().run()
    assert any("every step overshoots" in i.value and "Try α = 0.3" in i.value for i in app.info)


@pytest.mark.parametrize("param", ["seed", "layers", "width1", "points", "test", "epochs", "speed", "noise", "lr"])
@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "1e308", "-5", "x" * 5000])
def test_a_link_with_an_impossible_number_gets_a_warning_not_a_traceback(open_playground, param, value):
    app = open_playground(**{param: value})
    assert not app.exception
    assert any("Ignored URL parameters" in w.value and param in w.value for w in app.warning)


@pytest.mark.parametrize("value", ["[Click here to log in](http://127.0.0.1:8639/phish)",
                                   "<img src=x onerror=alert(1)>", "$\\\\frac{1}{0}$", "**bold**"])
def test_a_link_carrying_markdown_or_html_is_shown_as_plain_text(open_playground, value):
    app = open_playground(data=value)
    warning = next(w.value for w in app.warning if "Ignored URL parameters" in w.value)
    assert f"` data={value} `" in warning  # inside a code span: shown as typed, never rendered


def test_a_width_typed_outside_its_range_is_set_to_the_limit_with_a_message(open_playground):
    app = open_playground()
    app.number_input(key="w_pg_width_1").set_value(99).run()
    assert not app.exception
    assert app.number_input(key="w_pg_width_1").value == 32
    assert any("99 is outside 1–32 for units in layer 1: set to the largest, 32." in w.value for w in app.warning)
    assert app.session_state["pg_run"].net.layer_sizes[1] == 32
    app.number_input(key="w_pg_width_1").set_value(0).run()
    assert app.number_input(key="w_pg_width_1").value == 1
    assert any("set to the smallest, 1" in w.value for w in app.warning)
    app.run()  # the message is said once
    assert not any("outside" in w.value for w in app.warning)


def test_the_live_timer_is_shared_by_every_session_on_the_playground(monkeypatch):
    monkeypatch.setattr(pg_views, "_open_sessions", {})
    assert pg_views.frame_seconds("a") == pg_views.FRAME_SECONDS  # one student: the full rate
    for k in range(29):
        pg_views.frame_seconds(f"s{k}")
    # 30 sessions share SERVER_RUNS_PER_SECOND runs: each one's timer is 30 / 10 = 3 s.
    assert pg_views.frame_seconds("a") == pytest.approx(30 / pg_views.SERVER_RUNS_PER_SECOND)
    monkeypatch.setattr(pg_views, "OPEN_WINDOW_S", -1.0)  # everyone else left long ago
    assert pg_views.frame_seconds("a") == pg_views.FRAME_SECONDS
