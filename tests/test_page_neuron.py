"""AppTest of "1 · The neuron": every tab's widgets drive the numbers and charts it shows."""

import base64
import json

import numpy as np
import pytest

from engine import Network, datasets
from lessons import diagnostics
from lessons.graph import single_neuron

PAGE = "chapters/neuron.py"


@pytest.fixture
def neuron(app):
    app.run()
    app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    return app


def open_tab(app, label: str):
    """Select a tab as a click would: only the open tab's content runs."""
    app.session_state["neuron_tab"] = label
    app.run()
    assert not app.exception, app.exception
    return app


def chart(app, key: str) -> dict:
    """The Plotly figure (as JSON) of the chart drawn with ``key``."""
    for element in app.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart with key {key!r}")


def arr(value) -> np.ndarray:
    """A trace's x/y/z: Plotly writes NumPy arrays as {"dtype", "bdata" (base64), "shape"}."""
    if isinstance(value, dict) and "bdata" in value:
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return out.reshape([int(n) for n in str(shape).split(",")]) if shape else out
    return np.asarray(value, dtype=float)


def metric(app, label: str) -> str:
    values = [m.value for m in app.metric if m.label == label]
    assert values, f"no metric {label!r}"
    return values[0]


def table(app, column: str):
    """The one data frame on the page that has ``column``."""
    frames = [d.value for d in app.dataframe if column in d.value.columns]
    assert len(frames) == 1, f"{len(frames)} tables with a column {column!r}"
    return frames[0]


def number(text: str) -> float:
    return float(str(text).replace("−", "-").replace("×", "").replace("%", ""))


def annotations(fig: dict) -> str:
    return " ".join(a.get("text", "") for a in fig["layout"].get("annotations", []))


def test_single_neuron_shows_z_sigma_and_class_from_the_sliders(neuron):
    for key, value in {"w_neuron_x1": 2.0, "w_neuron_x2": -1.0, "w_neuron_x3": 0.5, "w_neuron_w1": 1.5,
                       "w_neuron_w2": 0.5, "w_neuron_w3": -2.0, "w_neuron_b": 0.3}.items():
        neuron.slider(key=key).set_value(value)
    neuron.run()
    z = 1.5 * 2.0 + 0.5 * -1.0 - 2.0 * 0.5 + 0.3
    assert number(metric(neuron, "z = w·x + b")) == pytest.approx(z, abs=1e-3)
    assert number(metric(neuron, "a = σ(z)")) == pytest.approx(1 / (1 + np.exp(-z)), abs=1e-3)
    assert metric(neuron, "class (threshold 0.5)") == "dog (1)"
    neuron.slider(key="w_neuron_b").set_value(-3.0).run()
    assert metric(neuron, "class (threshold 0.5)") == "cat (0)"


def test_neuron_drawing_labels_weights_and_colours_edges_by_sign(neuron):
    neuron.slider(key="w_neuron_w2").set_value(-2.5).run()
    fig = chart(neuron, "neuron_drawing_chart")
    text = annotations(fig)
    assert "w2 = -2.50" in text and "w1 = +0.80" in text
    z = number(metric(neuron, "z = w·x + b"))
    assert f"z = {z:+.3f}" in text
    edges = [t for t in fig["data"] if t["mode"] == "lines"]
    # Input edges come first: w1 > 0 is blue (dog), w2 < 0 orange (cat) and thicker (|w2| > |w1|).
    assert edges[0]["line"]["color"] == "#0072B2" and edges[1]["line"]["color"] == "#E69F00"
    assert edges[1]["line"]["width"] > edges[0]["line"]["width"]


def test_activation_tab_marks_the_current_z_and_shades_saturation(neuron):
    neuron.slider(key="w_neuron_b").set_value(-1.5).run()
    z = number(metric(neuron, "z = w·x + b"))
    fig = chart(open_tab(neuron, "Activations"), "neuron_act_chart")
    markers = [t for t in fig["data"] if t.get("name") == "current z"]
    assert len(markers) == 4 and all(arr(t["x"])[0] == pytest.approx(z, abs=1e-3) for t in markers)
    # Sigmoid panel: marker at σ(z) and σ'(z) = σ(1 − σ).
    s = 1 / (1 + np.exp(-z))
    assert arr(markers[0]["y"]) == pytest.approx([s, s * (1 - s)], abs=1e-3)
    # Grey bands: two for sigmoid, two for tanh, one each for ReLU and leaky ReLU (z ≤ 0).
    assert len(fig["layout"]["shapes"]) == 6
    bound = chart(neuron, "neuron_bound_chart")
    slope = next(t for t in bound["data"] if t["name"] == "σ'(z)")
    assert arr(slope["y"]).max() == pytest.approx(0.25)


def test_linear_layers_collapse_to_one_line_and_tanh_does_not(neuron):
    fig = chart(open_tab(neuron, "Activations"), "neuron_linear_chart")
    stacked, collapsed, curved = (arr(t["y"]) for t in fig["data"])
    np.testing.assert_allclose(stacked, collapsed, atol=1e-12)
    assert np.allclose(np.diff(stacked, 2), 0, atol=1e-9)
    assert not np.allclose(np.diff(curved, 2), 0, atol=1e-6)
    neuron.number_input(key="w_neuron_linear_seed").set_value(7).run()
    assert not np.allclose(arr(chart(neuron, "neuron_linear_chart")["data"][0]["y"]), stacked)


def test_graph_gradients_are_the_engines_and_match_gradcheck(neuron):
    open_tab(neuron, "Forward & backward")
    grads = table(neuron, "backprop dL/dθ")
    x, w, b = [1.0, 0.5, -1.0], [0.8, -0.5, 1.2], 0.2  # the page's defaults
    dW, db = single_neuron(w, b).gradients(np.array([x]), [1])
    shown = [number(v) for v in grads["backprop dL/dθ"]]
    assert shown == pytest.approx(list(dW[0][0]) + [db[0][0, 0]], rel=1e-3)
    assert [number(v) for v in grads["numeric dL/dθ"]] == pytest.approx(shown, rel=1e-3)
    assert "below 1e-7" in neuron.success[0].value


def test_step_button_applies_one_update_and_the_loss_falls(neuron):
    open_tab(neuron, "Forward & backward")
    before = number(metric(neuron, "loss L"))
    expected_w1 = number(table(neuron, "after Step: θ − α·dθ")["after Step: θ − α·dθ"][0])
    neuron.button(key="neuron_step").click().run()
    assert metric(neuron, "gradient-descent steps") == "1"
    after = number(metric(neuron, "loss L"))
    assert after < before
    assert number(table(neuron, "after Step: θ − α·dθ")["value"][0]) == pytest.approx(expected_w1, rel=1e-3)
    assert arr(chart(neuron, "neuron_loss_chart")["data"][0]["y"]) == pytest.approx([before, after], rel=1e-3)
    neuron.button(key="neuron_reset_gd").click().run()
    assert metric(neuron, "gradient-descent steps") == "0"


def test_changing_the_label_restarts_gradient_descent_for_a_cat(neuron):
    open_tab(neuron, "Forward & backward")
    neuron.button(key="neuron_step").click().run()
    neuron.radio(key="w_neuron_label").set_value(0).run()
    assert metric(neuron, "gradient-descent steps") == "0"
    assert "dz = a − y" in annotations(chart(neuron, "neuron_graph_chart"))
    assert "= 0 (cat)" in annotations(chart(neuron, "neuron_graph_chart"))


def test_vectorized_batch_table_has_m_rows_with_dz_equal_a_minus_y(neuron):
    open_tab(neuron, "Forward & backward")
    neuron.slider(key="w_neuron_batch_m").set_value(6).run()
    batch = table(neuron, "dz = a − y")
    assert len(batch) == 6
    a = np.array([number(v) for v in batch["a = σ(z)"]])
    dz = np.array([number(v) for v in batch["dz = a − y"]])
    np.testing.assert_allclose(dz, a - batch["y"].to_numpy(), atol=1e-3)


def test_warm_up_graph_shows_forward_and_backward_numbers(neuron):
    open_tab(neuron, "Forward & backward")
    text = annotations(chart(neuron, "neuron_warm_chart"))
    assert "= 33" in text and "dJ/db = 3c<br>= 6" in text and "dJ/dc = 3b<br>= 9" in text
    neuron.number_input(key="w_neuron_warm_a").set_value(1.0)
    neuron.number_input(key="w_neuron_warm_b").set_value(2.0)
    neuron.number_input(key="w_neuron_warm_c").set_value(-3.0).run()
    text = annotations(chart(neuron, "neuron_warm_chart"))
    assert "= −15" in text and "dJ/db = 3c<br>= −9" in text and "dJ/dc = 3b<br>= 6" in text


def test_inside_a_network_shows_shapes_and_the_vanishing_gradient(neuron):
    open_tab(neuron, "Inside a network")
    heat = chart(neuron, "neuron_heatmaps_chart")
    titles = [a["text"] for a in heat["layout"]["annotations"]]
    assert titles[0] == "A[1]<br>200 × 8" and titles[-1] == "A[7]<br>200 × 1"
    neuron.radio(key="w_neuron_net_when").set_value("at initialisation").run()
    sigmoid_ratio = number(metric(neuron, "‖dW‖ first / last layer"))
    neuron.selectbox(key="w_neuron_net_activation").set_value("relu").run()
    relu_ratio = number(metric(neuron, "‖dW‖ first / last layer"))
    assert sigmoid_ratio < 0.01 < relu_ratio
    norms = arr(chart(neuron, "neuron_gradnorm_chart")["data"][0]["y"])
    X, y = datasets.make("circles", n=200, seed=0)
    expected = diagnostics.gradient_norms(Network([2] + [8] * 6 + [1], activation="relu", seed=0), X, y)
    assert norms == pytest.approx(expected, rel=1e-6)


def test_inside_a_network_follows_the_depth_and_reports_saturation(neuron):
    open_tab(neuron, "Inside a network")
    neuron.slider(key="w_neuron_net_depth").set_value(2).run()
    heat = chart(neuron, "neuron_heatmaps_chart")
    assert len([t for t in heat["data"] if t["type"] == "heatmap"]) == 3
    sat = chart(neuron, "neuron_sat_chart")
    assert all(0 <= v <= 1 for trace in sat["data"] for v in arr(trace["y"]))
    assert 0 <= number(metric(neuron, "hidden units saturated")) <= 100
    assert 50 <= number(metric(neuron, "training accuracy")) <= 100


def test_vectorization_timing_shows_equal_outputs_and_a_speed_up(neuron):
    open_tab(neuron, "Vectorization")
    assert "Time it" in neuron.info[0].value
    neuron.button(key="neuron_vec_run").click().run()
    timings = table(neuron, "speed-up")
    assert list(timings["m"]) == ["10", "100", "1,000", "10,000"]
    assert all(number(v) < 1e-12 for v in timings["max |ŷ loop − ŷ vectorized|"])
    assert number(timings["speed-up"].iloc[-1]) > 1
    assert any("agree" in s.value for s in neuron.success)


def test_only_the_open_tab_runs(neuron):
    assert [c.proto.id.rsplit("-", 1)[-1] for c in neuron.get("plotly_chart")] == ["neuron_drawing_chart"]
    open_tab(neuron, "Inside a network")
    assert not [m for m in neuron.metric if m.label == "z = w·x + b"]
    assert metric(neuron, "training accuracy").endswith("%")


def test_the_neurons_example_follows_into_the_graph_tab_and_survives_a_page_visit(neuron):
    neuron.slider(key="w_neuron_x1").set_value(-2.0).run()
    open_tab(neuron, "Forward & backward")
    assert "x (input)</b><br>= [−2, 0.5, −1]" in annotations(chart(neuron, "neuron_graph_chart"))
    neuron.switch_page("chapters/home.py").run()
    neuron.switch_page(PAGE).run()
    open_tab(neuron, "A single neuron")
    assert neuron.slider(key="w_neuron_x1").value == -2.0
