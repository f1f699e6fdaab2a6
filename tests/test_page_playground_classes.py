"""AppTest of the playground beyond two classes: k classes (softmax), numbers (regression), and points placed
on the plane, carried by the page's link (``lessons.drawn``)."""

from types import SimpleNamespace

import numpy as np
import pytest

from lessons import drawn, grid, presets
from tests import live_view
from ui import style
from ui.live_budget import Plan
from ui.live_frames import class_grid_values, grid_values
from ui.playground import controls as pg_controls
from ui.playground import session as pg_session
from ui.playground import views as pg_views

PAGE = "chapters/playground.py"
FRAMES = 3


@pytest.fixture(autouse=True)
def whole_frames(monkeypatch):
    """Every frame trains all its epochs and every run makes FRAMES frames, however busy the machine is
    (as in tests/test_page_playground.py)."""
    monkeypatch.setattr(pg_session, "FRAME_BUDGET_S", 10.0)
    monkeypatch.setattr(pg_views, "PAGE_TRAIN_S", 10.0)
    monkeypatch.setattr(pg_views, "live_plan", lambda touch=True: Plan(seconds=0.4, frames=FRAMES, train_s=10.0,
                                                                       sessions=1, live_cores=0.8))


def live(app):
    return live_view.sent(app, pg_session.LIVE_KEY)


def numbers(app) -> dict[str, str]:
    """{label: value} of the numbers row of the frame left on screen."""
    args, _ = live(app)
    labels = [label for _, label in live_view.full(args)["stats"]["labels"]]
    return dict(zip(labels, args["batch"]["frames"][-1]["stats"]))


def test_a_four_class_set_trains_live_with_a_softmax_output_and_a_class_map(open_page):
    app = open_page(PAGE, data="blobs", k="4", noise="0.5", layers="1", width1="8", speed="20", lr="0.03")
    run = app.session_state["pg_run"]
    assert run.net.output.name == "softmax" and run.net.layer_sizes == [2, 8, 4]
    assert set(np.unique(run.y_train)) == {0, 1, 2, 3} and set(np.unique(run.y_test)) == {0, 1, 2, 3}
    shapes = {row["array"]: row for row in app.dataframe[0].value.to_dict("records")}
    assert shapes["W[2]"]["shape"] == "(4 × 8)" and "softmax" in shapes["A[2] = ŷ"]["what it holds"]
    app.button(key="pg_play").click().run()
    for _ in range(3):
        app.run()   # the fragment's timer
    args, grids = live(app)
    batch = args["batch"]
    assert batch["running"] and len(batch["frames"]) == FRAMES
    # The frames carry the arg-max class and its probability, one uint16 a grid point: as many bytes as 2 classes.
    assert len(grids) == FRAMES * 60 * 60 * 2
    classes, confidence, margin = class_grid_values(grids, 60)
    _, _, G = pg_views.plane_of(run)
    want_class, want_p, want_margin = grid.class_map(run.net, G)
    np.testing.assert_array_equal(classes[-1], want_class)
    np.testing.assert_allclose(confidence[-1], want_p, atol=0.5 / 63)
    np.testing.assert_allclose(margin[-1], want_margin, atol=0.5 / 127)
    P = grid.outputs(run.net, G)
    np.testing.assert_allclose(want_margin, np.sort(P, axis=0)[-1] - np.sort(P, axis=0)[-2])
    assert set(np.unique(classes[-1])) == {0, 1, 2, 3}   # after 240 epochs every blob has its region
    assert confidence[-1].min() >= 0.25 - 0.5 / 63       # the arg-max of 4 probabilities is at least 1/4
    assert run.records[-1].train_accuracy > 0.9
    # The map: its drawing rule, each class its palette colour and marker shape, named in the legend.
    full = live_view.full(args)
    spec = full["boundary"]["layout"]["meta"]["grid"]
    assert spec["kind"] == "classes" and spec["k"] == 4
    assert spec["colors"] == [list(int(style.CLASS_PALETTE[c][i:i + 2], 16) for i in (1, 3, 5)) for c in range(4)]
    train = [t for t in full["boundary"]["data"] if t.get("showlegend")]
    assert [t["name"] for t in train] == [f"class {c}" for c in range(4)]
    assert [t["marker"]["symbol"] for t in train] == style.CLASS_MARKERS[:4]
    # The cost curve names its cost and shows its formula.
    titles = " ".join(a["text"] for a in full["curves"]["layout"]["annotations"])
    assert "categorical cross-entropy" in titles and "J = −(1/m) Σᵢ Σₖ yₖ log ŷₖ" in titles
    assert "class map: class 0" in batch["frames"][-1]["text"]["boundary"]
    app.button(key="pg_play").click().run()   # Pause: the page is whole, hover gives class and probability
    assert not app.exception and not app.session_state["pg_running"]
    paused = live_view.full(live(app)[0])["boundary"]
    heatmap = next(t for t in paused["data"] if t["type"] == "heatmap")
    assert "class %{customdata}" in heatmap["hovertemplate"]


def test_a_regression_trains_with_a_linear_output_r2_and_a_value_map(open_page):
    app = open_page(PAGE, data="bumps", layers="2", width1="8", width2="8", speed="20", lr="0.01")
    run = app.session_state["pg_run"]
    assert run.net.output.name == "linear" and run.net.layer_sizes == [2, 8, 8, 1]
    for _ in range(4):
        app.button(key="pg_step").click().run()
    assert not app.exception and run.epoch == 4
    row = numbers(app)
    assert set(row) == {"Epoch (of 1000)", "Train cost J", "Test cost J", "Train R²", "Test R²"}
    assert float(row["Test R²"]) == pytest.approx(run.records[-1].test_r2, abs=1e-3)
    args, grids = live(app)
    full = live_view.full(args)
    spec = full["boundary"]["layout"]["meta"]["grid"]
    lo, hi = spec["scale"]
    assert spec["kind"] == "value" and spec["line"] is False
    assert lo < min(run.y_train.min(), run.y_test.min()) and hi > max(run.y_train.max(), run.y_test.max())
    colour_bar = full["boundary"]["data"][0]["marker"]
    assert colour_bar["showscale"] and colour_bar["colorbar"]["title"]["text"] == "ŷ"
    assert (colour_bar["cmin"], colour_bar["cmax"]) == (lo, hi)
    _, _, G = pg_views.plane_of(run)
    V = grid.outputs(run.net, G)[0]
    np.testing.assert_allclose(lo + (hi - lo) * grid_values(grids, 60)[-1], np.clip(V, lo, hi), atol=(hi - lo) / 65535)
    titles = " ".join(a["text"] for a in full["curves"]["layout"]["annotations"])
    assert "squared error" in titles and "J = (1/2m) Σ (ŷ − y)²" in titles and "R²" in titles
    # Played on: the fit gets good, live.
    app.button(key="pg_play").click().run()
    for _ in range(4):
        app.run()
    assert run.records[-1].train_r2 > run.records[3].train_r2


def test_a_drawn_set_comes_from_the_link_and_goes_back_into_it(open_page):
    X = np.array([[-2.0, -2.0], [-1.5, -2.5], [2.0, 2.0], [2.5, 1.5], [0.0, 2.5], [0.5, 3.0], [-2.5, 2.0]])
    y = np.array([0, 0, 1, 1, 2, 2, 0])
    text = drawn.encode(X, y, "classes")
    app = open_page(PAGE, data=presets.DRAW_CLASSES, k="3", pts=text)
    assert not app.exception and not app.error
    run = app.session_state["pg_run"]
    assert run.net.layer_sizes[-1] == 3
    placed = np.vstack([run.X_train, run.X_test])
    assert len(placed) == 7 and len(run.X_test) == 2   # the 4th and the 7th point placed are test points
    np.testing.assert_allclose(np.sort(placed, axis=0), np.sort(X, axis=0), atol=drawn.GRID / 2)
    assert any("7 points placed (2 of them held out for testing" in c.value for c in app.caption)
    app.button(key="pg_step").click().run()
    assert run.epoch == 1
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()}
    assert params["pts"] == text and params["data"] == presets.DRAW_CLASSES
    assert live(app)[0]["batch"]["draw"] is True
    # Clear empties the plane (and the link); Play then asks for points instead of training nothing.
    app.button(key="pg_clear").click().run()
    params = {k: (v[0] if isinstance(v, list) else v) for k, v in app.query_params.items()}
    assert params.get("pts", "") == ""
    run = app.session_state["pg_run"]
    assert len(run.X_train) + len(run.X_test) == 0
    app.button(key="pg_play").click().run()
    assert not app.exception and not app.session_state["pg_running"]
    assert any("no points" in i.value for i in app.info)


@pytest.mark.parametrize("text", ["c!!notbase64", "cAAA" + "A" * 2000, "cAAAAA", "x" + drawn.encode([[0, 0]], [1])[1:],
                                  "c" + drawn.encode([[0, 0]], [1])[1:-1] + "__"])
def test_bad_drawn_text_in_a_link_gets_a_clear_message_not_a_traceback(open_page, text):
    app = open_page(PAGE, data=presets.DRAW_CLASSES, pts=text)
    assert not app.exception
    assert any("drawn points" in e.value and "could not be read" in e.value for e in app.error)
    run = app.session_state["pg_run"]
    assert len(run.X_train) + len(run.X_test) == 0


def _state(**values) -> dict:
    ss = {key: value for key, value in pg_controls.WIDGET_DEFAULTS.items()}
    ss.update({k: (v() if callable(v) else v) for k, v in pg_session.STATE_DEFAULTS.items()})
    ss.update(values)
    return ss


def test_a_click_adds_a_point_of_the_chosen_class_and_a_click_on_a_point_removes_it(monkeypatch):
    ss = _state(w_pg_dataset=presets.DRAW_CLASSES, w_pg_k=3, w_pg_place_class=2)
    monkeypatch.setattr(pg_session, "st", SimpleNamespace(session_state=ss))
    assert pg_session.place_point(1.0, -1.0, 0.2)
    X, y, kind = drawn.decode(ss["w_pg_drawn"])
    assert kind == "classes" and y.tolist() == [2] and np.allclose(X, [[1.0, -1.0]], atol=drawn.GRID)
    ss["w_pg_place_class"] = 0
    assert pg_session.place_point(-3.0, 2.0, 0.2)
    assert drawn.decode(ss["w_pg_drawn"])[1].tolist() == [2, 0]
    assert pg_session.place_point(1.04, -0.97, 0.2)   # on the first point: it goes
    X, y, _ = drawn.decode(ss["w_pg_drawn"])
    assert y.tolist() == [0] and np.allclose(X, [[-3.0, 2.0]], atol=drawn.GRID)
    assert not pg_session.place_point(9.0, 0.0) and not pg_session.place_point("nan", 0.0)  # off the plane
    ss["w_pg_drawn"] = drawn.encode(np.zeros((drawn.MAX_POINTS, 2)) + 3, np.zeros(drawn.MAX_POINTS, int))
    assert not pg_session.place_point(-3.0, -3.0) and "200 points" in ss["pg_note"]
    # Clicks travel in every report until the server has applied them: each is applied once.
    ss["w_pg_drawn"] = ""
    clicks = [{"id": "a-1", "x1": 1.0, "x2": 1.0, "radius": 0.2}, {"id": "a-2", "x1": -1.0, "x2": 1.0, "radius": 0.2}]
    assert pg_session.apply_points(clicks[:1]) and pg_session.apply_points(clicks)   # a-1 again, then a-2
    assert not pg_session.apply_points(clicks) and not pg_session.apply_points("junk")
    assert len(drawn.decode(ss["w_pg_drawn"])[0]) == 2 and ss["pg_points_applied"] == ["a-1", "a-2"]
    # Numbers: the chosen value.
    ss.update(w_pg_dataset=presets.DRAW_NUMBERS, w_pg_drawn="", w_pg_place_value=-2.0)
    assert pg_session.place_point(0.5, 0.5)
    X, y, kind = drawn.decode(ss["w_pg_drawn"])
    assert kind == "regression" and y == pytest.approx([-2.0], abs=drawn.VALUE_LIMIT / 255)


def test_a_point_placed_while_playing_keeps_the_network_training(open_page):
    text = drawn.encode([[-2, -2], [2, 2], [-2, 2], [2, -2], [0, 0]], [0, 1, 2, 0, 1], "classes")
    app = open_page(PAGE, data=presets.DRAW_CLASSES, k="3", pts=text, speed="5")
    app.button(key="pg_play").click().run()
    run = app.session_state["pg_run"]
    W = run.net.weights[0].copy()
    epochs = run.epoch
    app.session_state["w_pg_drawn"] = drawn.encode([[-2, -2], [2, 2], [-2, 2], [2, -2], [0, 0], [1, 1]],
                                                   [0, 1, 2, 0, 1, 1], "classes")
    app.run()
    assert app.session_state["pg_run"] is run and app.session_state["pg_running"]
    assert len(run.X_train) + len(run.X_test) == 6 and run.epoch > epochs
    assert not np.array_equal(run.net.weights[0], W)   # trained on, from where it was


@pytest.mark.parametrize("data", ["spiral_arms", "plane"])
def test_the_other_tabs_open_with_k_outputs_or_a_number(open_page, open_link, data):
    for tab in ("Why activations", "Inside a network"):
        other = open_link(PAGE, data=data, k="5", layers_tab=tab)
        assert not other.exception and not other.error
        assert not [b for b in other.button if b.key == "pg_play"]   # that tab, not the playground, was drawn
    app = open_page(PAGE, data=data, k="5")
    app.button(key="pg_step").click().run()
    assert not app.exception
    out = "softmax" if data == "spiral_arms" else "linear"
    assert any(f"output ŷ ({out})" in a["text"] for a in app.session_state["pg_detail_figures"][0]["layout"]["annotations"])


def test_a_k_class_network_exports_and_imports_back_with_its_data_set(open_page):
    app = open_page(PAGE, data="spiral_arms", k="5", layers="1", width1="6")
    app.button(key="pg_step").click().run()
    run = app.session_state["pg_run"]
    data = pg_session.export_bytes(run)
    W = run.net.weights[-1].copy()
    app.selectbox(key="w_pg_dataset").set_value("circles").run()
    assert app.session_state["pg_run"].net.output.name == "sigmoid"
    app.file_uploader(key="pg_import_file").set_value(("arms.npz", data, "application/octet-stream")).run()
    assert not app.exception and any("Imported" in s.value for s in app.success)
    run = app.session_state["pg_run"]
    assert run.setup.dataset == "spiral_arms" and run.setup.k == 5 and run.net.output.name == "softmax"
    np.testing.assert_array_equal(run.net.weights[-1], W)
