"""AppTest of the network playground: controls, presets, play/step/reset, URL state, import/export."""

import json
import re

import numpy as np
import pytest

from engine import Network
from lessons import grid, presets
from tests import live_view
from tests.pagetools import live_figures
from ui.live_budget import Plan
from ui.playground import figures as pg_figures
from ui.playground import session as pg_session
from ui.playground import views as pg_views
from ui.playground.controls import PRESET_TITLES

PAGE = "chapters/playground.py"
FRAMES = 4  # frames a run in these tests


@pytest.fixture(autouse=True)
def whole_frames(monkeypatch):
    """The page caps training at a few milliseconds a frame, and sizes a run's batch from the server's
    measured spare time, so a slow machine redraws as often; these tests count epochs and frames, so every
    frame trains all its epochs and every run makes FRAMES frames, however busy the machine is."""
    monkeypatch.setattr(pg_session, "FRAME_BUDGET_S", 10.0)
    monkeypatch.setattr(pg_views, "PAGE_TRAIN_S", 10.0)
    monkeypatch.setattr(pg_views, "live_plan", lambda touch=True: Plan(seconds=0.4, frames=FRAMES, train_s=10.0,
                                                                       sessions=1, live_cores=0.8))


@pytest.fixture
def open_playground(open_page):
    return lambda **query: open_page(PAGE, **query)


def live(app) -> tuple[dict, bytes]:
    """What the live view (``ui.live_frames``) was sent in the last run: its arguments and grids."""
    return live_view.sent(app, pg_session.LIVE_KEY)


def stats(app) -> dict[str, tuple[str, str]]:
    """The numbers row of the frame left on screen: {name: (label, value)}."""
    args, _ = live(app)
    labels = dict(live_view.full(args)["stats"]["labels"])
    frame = args["batch"]["frames"][-1]
    return {key: (labels[key], value) for key, value in zip(labels, frame["stats"])}


def metrics(app) -> dict[str, str]:
    """{label: value} of the numbers row, e.g. {"Train cost J": "0.6931", …}."""
    return dict(stats(app).values())


def live_charts(app) -> dict[str, dict]:
    """Each chart's whole figure, by chart key: the live view's (a page run sends them) and the detail
    view's live charts, template included."""
    args, _ = live(app)
    charts = {args["batch"]["charts"][panel]: figure for panel, figure in live_view.full(args).items()
              if panel in args["batch"]["charts"]}
    for element in app.get("component_instance"):
        other = json.loads(element.proto.json_args)
        if "chart" in other:  # ui.live_chart
            figure = live_figures(other["figure"])[-1]
            figure["layout"]["template"] = json.loads(other["template"])
            charts[other["chart"]] = figure
    return charts


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
    # P(dog) travels as a grid the browser draws under the see-through chart, not as an image
    assert "images" not in boundary["layout"] and boundary["layout"]["plot_bgcolor"] == "rgba(0,0,0,0)"
    assert boundary["layout"]["meta"]["grid"]["kind"] == "binary" and boundary["layout"]["meta"]["grid"]["r"] == 60
    # paused: an invisible heatmap of P(dog) answers hovers; 4 point traces (train/test × cat/dog)
    assert [t["type"] for t in boundary["data"]].count("heatmap") == 1
    assert sum(len(t["x"]) for t in boundary["data"] if t.get("mode") == "markers" and t["x"][0] is not None) == 300
    assert boundary["layout"]["template"]["layout"]["plot_bgcolor"] == "white"
    [frame] = live_view.frames(*live(app))
    heatmap = next(t for t in boundary["data"] if t["type"] == "heatmap")
    assert np.allclose(frame["P"], heatmap["z"], atol=1e-4)  # the grid drawn is the P hovered
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


def test_play_sends_data_frames_of_p_and_the_new_points_until_paused(open_playground):
    app = open_playground(speed="5")
    app.button(key="pg_play").click().run()
    assert app.session_state["pg_running"] and epoch(app) == (5 * FRAMES, 1000)
    args, grids = live(app)
    batch = args["batch"]
    assert batch["running"] and batch["every_ms"] == 100  # FRAMES frames over the run's 0.4 s
    frames = live_view.frames(args, grids)
    assert [f["epoch"] for f in frames] == [5 * k for k in range(1, FRAMES + 1)]
    assert len(grids) == FRAMES * 60 * 60 * 2  # uint16 P(dog) on the 60 × 60 grid, per frame
    run = app.session_state["pg_run"]
    _, _, G = grid.plane(*grid.bounds(run.X_train, run.X_test), 60)
    assert np.allclose(frames[-1]["P"], grid.probability(run.net, G), atol=1 / 65535)  # the last is the model now
    assert len({f["P"].tobytes() for f in frames}) == FRAMES  # each frame its own boundary
    # The curves: every epoch's numbers once; a frame draws what the full figure at its epoch would.
    history = live_view.history(batch["series"])
    assert len(history["train_cost"]) == 5 * FRAMES
    base = live_view.full(args)["curves"]
    for frame in frames:
        drawn = live_view.curves_at(base, history, frame["n"])
        whole = json.loads(json.dumps(pg_figures.learning_curves(run.records[:frame["epoch"]], height=330),
                                      default=lambda a: a.tolist()))
        assert [(t["x"], t["y"]) for t in drawn["data"]] == [(t["x"], t["y"]) for t in whole["data"]]
        assert drawn["layout"]["xaxis"]["range"] == whole["layout"]["xaxis"]["range"]
    assert "heatmap" not in [t["type"] for t in live_view.full(args)["boundary"]["data"]]  # no hover while playing
    app.run()  # what the fragment's timer does in the browser
    assert epoch(app) == (10 * FRAMES, 1000)
    app.button(key="pg_play").click().run()  # now labelled Pause
    app.run()
    assert not app.session_state["pg_running"] and epoch(app) == (10 * FRAMES, 1000)
    assert len(live(app)[0]["batch"]["frames"]) == 1
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
    app.run()  # the timer's next run: the frames up to the last finite epoch have played
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
