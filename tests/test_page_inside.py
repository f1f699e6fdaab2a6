"""AppTest of "4 · Layers and deep networks": why activations matter and what happens inside a trained network."""

import numpy as np
import pytest

from engine import Network, datasets
from lessons import diagnostics
from tests.pagetools import arr, chart, metric, number, open_tab

PAGE = "chapters/playground.py"
TABS = "layers_tab"


def test_linear_layers_collapse_to_one_line_and_tanh_does_not(open_page):
    layers = open_page(PAGE)
    fig = chart(open_tab(layers, TABS, "Why activations"), "inside_linear_chart")
    stacked, collapsed, curved = (arr(t["y"]) for t in fig["data"])
    np.testing.assert_allclose(stacked, collapsed, atol=1e-12)
    assert np.allclose(np.diff(stacked, 2), 0, atol=1e-9)
    assert not np.allclose(np.diff(curved, 2), 0, atol=1e-6)
    layers.number_input(key="w_inside_linear_seed").set_value(7).run()
    assert not np.allclose(arr(chart(layers, "inside_linear_chart")["data"][0]["y"]), stacked)


def test_inside_a_network_shows_shapes_and_the_vanishing_gradient(open_page):
    layers = open_page(PAGE)
    open_tab(layers, TABS, "Inside a network")
    heat = chart(layers, "inside_heatmaps_chart")
    titles = [a["text"] for a in heat["layout"]["annotations"]]
    assert titles[0] == "A[1]<br>200 × 8" and titles[-1] == "A[7]<br>200 × 1"
    layers.radio(key="w_inside_when").set_value("at initialisation").run()
    sigmoid_ratio = number(metric(layers, "‖dW‖ first / last layer"))
    layers.selectbox(key="w_inside_activation").set_value("relu").run()
    relu_ratio = number(metric(layers, "‖dW‖ first / last layer"))
    assert sigmoid_ratio < 0.01 < relu_ratio
    norms = arr(chart(layers, "inside_gradnorm_chart")["data"][0]["y"])
    X, y = datasets.make("circles", m=200, seed=0)
    expected = diagnostics.gradient_norms(Network([2] + [8] * 6 + [1], activation="relu", seed=0), X, y)
    assert norms == pytest.approx(expected, rel=1e-6)


def test_inside_a_network_follows_the_depth_and_reports_saturation(open_page):
    layers = open_page(PAGE)
    open_tab(layers, TABS, "Inside a network")
    layers.slider(key="w_inside_depth").set_value(2).run()
    heat = chart(layers, "inside_heatmaps_chart")
    assert len([t for t in heat["data"] if t["type"] == "heatmap"]) == 3
    sat = chart(layers, "inside_sat_chart")
    assert all(0 <= v <= 1 for trace in sat["data"] for v in arr(trace["y"]))
    assert 0 <= number(metric(layers, "hidden units saturated")) <= 100
    assert 50 <= number(metric(layers, "training accuracy")) <= 100
