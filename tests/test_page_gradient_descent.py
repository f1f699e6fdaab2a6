"""AppTest of the gradient-descent page: defaults, every preset, playback controls and the warnings."""

import base64
import json

import numpy as np
import pytest

from engine import datasets
from lessons import surface
from ui.gradient_descent import controls as gd_controls

PAGE = "chapters/gradient_descent.py"




def _traces(app, chart: int) -> list[dict]:
    """The Plotly traces of chart 0 (contour), 1 (3-D), 2 (cost) or 3 (data)."""
    return json.loads(app.get("plotly_chart")[chart].proto.spec)["data"]


def _values(trace: dict, axis: str) -> np.ndarray:
    v = trace[axis]
    if isinstance(v, dict):  # Plotly's typed-array encoding
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray(v, dtype=float)


def _metrics(app) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_defaults_show_five_views_at_the_start_point(open_page):
    app = open_page(PAGE)
    assert app.title[0].value == "2 · Cost and gradient descent"
    assert len(app.get("plotly_chart")) == 4
    m = _metrics(app)
    assert m["Run A: weight w"] == "-4" and m["bias b"] == "3" and m["step k"] == "0 of 100"
    X, y = datasets.one_feature(60, 0.5, 0)
    assert float(m["cost J(w, b)"]) == pytest.approx(surface.cost_at(X, y, -4.0, 3.0), rel=1e-3)
    assert "w := w - \\alpha" in app.latex[0].value
    assert "-4 - 1 \\times" in app.latex[2].value  # the first update with its numbers
    contour_names = [t.get("name", "") for t in _traces(app, 0)]
    assert any(n.startswith("minimum") for n in contour_names)
    assert not app.error


def test_step_button_takes_exactly_the_engines_first_step(open_page):
    app = open_page(PAGE)
    app.button(key="gd_step").click().run()
    X, y = datasets.one_feature(60, 0.5, 0)
    path = surface.descent_path(X, y, -4.0, 3.0, "gd", 1.0, 100)
    m = _metrics(app)
    assert m["step k"] == "1 of 100"
    assert float(m["Run A: weight w"]) == pytest.approx(path.w[1], rel=1e-3)
    assert float(m["bias b"]) == pytest.approx(path.b[1], rel=1e-3)
    cost = _traces(app, 2)[0]
    assert len(_values(cost, "y")) == 2  # J at steps 0 and 1


def test_jump_to_end_then_reset_returns_to_the_start(open_page):
    app = open_page(PAGE)
    app.button(key="gd_end").click().run()
    assert _metrics(app)["step k"] == "100 of 100"
    assert len(_values(_traces(app, 2)[0], "y")) == 101
    assert float(_metrics(app)["cost J(w, b)"]) < 0.21  # near the minimum J* ≈ 0.200
    app.button(key="gd_reset").click().run()
    assert _metrics(app)["step k"] == "0 of 100"


def test_changing_the_learning_rate_changes_the_path(open_page):
    app = open_page(PAGE)
    app.button(key="gd_end").click().run()
    before = _values(_traces(app, 0)[1], "x")  # run A's path on the contour map
    app.select_slider(key="w_gd_lr").set_value(0.01).run()
    after = _values(_traces(app, 0)[1], "x")
    assert not app.exception
    assert len(before) == len(after) == 101
    assert abs(after[-1] - before[-1]) > 1.0  # α = 0.01 barely leaves the start
    assert float(_metrics(app)["cost J(w, b)"]) > 3.0


@pytest.mark.parametrize("key", list(gd_controls.PRESETS))
def test_every_preset_sets_every_control_and_runs(open_page, key):
    app = open_page(PAGE)
    app.select_slider(key="w_gd_l2").set_value(100.0).run()  # a value no preset keeps
    app.button(key=f"gd_preset_{key}").click().run()
    assert not app.exception, app.exception
    expected = {**gd_controls.CONTROLS, **gd_controls.PRESETS[key][1]}
    for name, value in expected.items():
        assert app.session_state[name] == value, name
    assert app.session_state["gd_running"] is True
    runs = 1 + sum(expected[f"w_gd_run{i}_on"] for i in (2, 3))
    cost_names = [t["name"] for t in _traces(app, 2)]
    assert [n[0] for n in cost_names] == ["A", "B", "C"][:runs]
    if key == "diverges":
        assert "diverged" in app.error[0].value
    else:
        assert not app.error


def test_diverging_run_is_explained_without_any_nan_on_screen(open_page):
    app = open_page(PAGE)
    app.button(key="gd_preset_diverges").click().run()
    app.button(key="gd_end").click().run()
    message = app.error[0].value
    assert "diverged" in message and "Last finite point" in message and "smaller" in message
    shown = [m.value for m in app.metric] + [l.value for l in app.latex] + [message]
    assert not any("nan" in s.lower() or "inf" in s.lower().replace("infinite", "") for s in shown)
    contour = _traces(app, 0)
    assert contour[2]["marker"]["symbol"] == "x"  # the last finite point is marked


def test_separable_data_explains_the_missing_minimum_and_offers_l2(open_page):
    app = open_page(PAGE)
    app.slider(key="w_gd_overlap").set_value(0.0).run()
    assert "no finite minimum" in app.info[0].value
    app.button(key="gd_add_l2").click().run()
    assert app.session_state["w_gd_l2"] == 1.0
    assert not app.info
    assert any(t.get("name", "").startswith("minimum") for t in _traces(app, 0))


def test_a_running_playback_survives_a_click_on_another_widget(open_page):
    app = open_page(PAGE)
    app.button(key="gd_play").click().run()
    assert app.session_state["gd_running"] is True
    app.toggle(key="w_gd_run2_on").set_value(True).run()
    assert not app.exception
    assert app.session_state["gd_running"] is True
    assert [t["name"][0] for t in _traces(app, 2)] == ["A", "B"]
    app.button(key="gd_pause").click().run()
    assert app.session_state["gd_running"] is False


def test_mini_batch_and_sgd_paths_take_one_point_per_update(open_page):
    app = open_page(PAGE)
    app.radio(key="w_gd_batching").set_value("sgd").run()
    app.button(key="gd_end").click().run()
    assert not app.exception
    J = _values(_traces(app, 2)[0], "y")
    assert len(J) == 101  # 100 updates of one example each, not 100 epochs
    assert np.any(np.diff(J) > 0)  # single examples sometimes push the full cost up
