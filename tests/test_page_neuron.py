"""AppTest of "1 · The neuron and the sigmoid": the sliders drive z, σ(z), the drawing and the activations."""

import numpy as np
import pytest

from tests.pagetools import annotations, arr, chart, metric, number, open_tab

PAGE = "chapters/neuron.py"
TABS = "neuron_tab"


def test_single_neuron_shows_z_sigma_and_class_from_the_sliders(open_page):
    neuron = open_page(PAGE)
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


def test_neuron_drawing_colours_each_edge_by_its_contribution_w_times_x(open_page):
    neuron = open_page(PAGE)
    neuron.slider(key="w_neuron_w2").set_value(-2.5).run()
    fig = chart(neuron, "neuron_drawing_chart")
    text = annotations(fig)
    # Defaults x = (1, 0.5, −1), w = (0.8, w2, 1.2): contributions 0.8, −1.25 and −1.2.
    assert "w1·x1 = +0.80" in text and "w2·x2 = -1.25" in text and "w3·x3 = -1.20" in text
    z = number(metric(neuron, "z = w·x + b"))
    assert f"z = {z:+.3f}" in text
    edges = [t for t in fig["data"] if t["mode"] == "lines"]
    # Input edges come first: w1·x1 > 0 is blue (towards dog); w3 = +1.2 on x3 = −1 pushes towards
    # cat, so its edge is orange although w3 > 0.
    assert edges[0]["line"]["color"] == "#0072B2"
    assert edges[1]["line"]["color"] == "#E69F00" and edges[2]["line"]["color"] == "#E69F00"
    assert edges[1]["line"]["width"] > edges[0]["line"]["width"]
    assert any("positive w on a negative x pushes towards cat" in c.value for c in neuron.caption)


def test_activation_tab_marks_the_current_z_and_shades_saturation(open_page):
    neuron = open_page(PAGE)
    neuron.slider(key="w_neuron_b").set_value(-1.5).run()
    z = number(metric(neuron, "z = w·x + b"))
    fig = chart(open_tab(neuron, TABS, "The sigmoid and other activations"), "neuron_act_chart")
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


def test_only_the_open_tab_runs(open_page):
    neuron = open_page(PAGE)
    assert [c.proto.id.rsplit("-", 1)[-1] for c in neuron.get("plotly_chart")] == ["neuron_drawing_chart"]
    open_tab(neuron, TABS, "The sigmoid and other activations")
    assert not [m for m in neuron.metric if m.label == "z = w·x + b"]
    assert [c.proto.id.rsplit("-", 1)[-1] for c in neuron.get("plotly_chart")] == ["neuron_act_chart",
                                                                                   "neuron_bound_chart"]


def test_a_link_opens_the_tab_it_names(open_page):
    neuron = open_page(PAGE, neuron_tab="The sigmoid and other activations")
    charts = [c.proto.id.rsplit("-", 1)[-1] for c in neuron.get("plotly_chart")]
    assert charts == ["neuron_act_chart", "neuron_bound_chart"]
