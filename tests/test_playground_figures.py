"""The playground's figure builders and the live chart's JSON: what the browser is sent."""

import base64
import io
import json

import numpy as np
import pytest
from PIL import Image

from lessons import features, grid, presets
from ui import style
from ui.playground import figures as pg_figures
from ui.playground import images as pg_images
from ui.live_chart import to_json


def decode(uri: str) -> Image.Image:
    head, data = uri.split(",", 1)
    assert head in ("data:image/png;base64", "data:image/jpeg;base64")
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    image.load()
    return image


def test_probability_image_colours_follow_p_and_mark_the_boundary():
    xs = np.linspace(-1, 1, 20)
    P = np.tile((xs > 0).astype(float) * 0.98 + 0.01, (20, 1))  # cat (0.01) left of x = 0, dog (0.99) right
    image = decode(pg_images.probability_png(P)).convert("RGB")
    assert image.size == (20 * pg_images.BOUNDARY_UPSCALE,) * 2
    pixels = np.asarray(image).astype(int)
    cat, dog = pixels[60, 5], pixels[60, -5]
    assert cat[0] > cat[2] and dog[2] > dog[0]  # orange (red > blue) on the cat side, blue on the dog side
    dark = (pixels.sum(axis=2) < 3 * 60)
    columns = np.flatnonzero(dark.any(axis=0))
    assert dark.any(axis=0).sum() <= 8 and 50 < columns.mean() < 70  # one vertical line near the middle
    uniform = decode(pg_images.probability_png(np.full((20, 20), 0.9))).convert("RGB")
    assert not (np.asarray(uniform).astype(int).sum(axis=2) < 3 * 60).any()  # no crossing, no line


def test_probability_image_rows_run_top_down_while_p_rows_follow_y():
    P = np.zeros((10, 10))
    P[5:] = 1.0  # the upper half of the plane (larger y) is dog
    pixels = np.asarray(decode(pg_images.probability_png(P, upscale=2)).convert("RGB")).astype(int)
    assert pixels[0, 10, 2] > pixels[0, 10, 0] and pixels[-1, 10, 0] > pixels[-1, 10, 2]


@pytest.mark.parametrize("epochs, end", [(0, 10), (10, 10), (11, 20), (21, 50), (51, 100), (101, 200),
                                         (201, 500), (999, 1000), (1001, 2000)])
def test_epoch_axis_grows_in_1_2_5_steps(epochs, end):
    assert pg_figures._epoch_axis_end(epochs) == end


def test_to_json_sends_arrays_as_lists_and_non_finite_numbers_as_null():
    spec = {"data": [{"x": np.arange(3), "y": np.array([1.0, np.nan, np.inf]), "n": np.int64(4)}]}
    back = json.loads(to_json(spec))
    assert back == {"data": [{"x": [0, 1, 2], "y": [1.0, None, None], "n": 4}]}
    assert json.loads(to_json({"z": np.eye(2)})) == {"z": [[1.0, 0.0], [0.0, 1.0]]}


def _graph(live: bool):
    run = presets.Run(presets.Setup(hidden=(3, 2)))
    lo, hi = grid.bounds(run.X_train, run.X_test)
    _, _, G = grid.plane(lo, hi, 20)
    maps = grid.unit_maps(run.net, G, run.setup.features)
    return run, maps, pg_figures.network_graph(maps, list(run.net.weights), list(run.net.biases),
                                               features.input_labels(run.setup.features),
                                               run.net.activation_names, live=live)


def test_network_graph_is_one_image_while_live_and_hoverable_when_paused():
    run, _, live = _graph(live=True)
    assert live["data"] == [] and live["layout"]["datarevision"] == "live"
    assert decode(live["layout"]["images"][0]["source"]).mode == "RGB"
    _, _, paused = _graph(live=False)
    edges, units = paused["data"]
    assert len(edges["customdata"]) == sum(W.size for W in run.net.weights)  # one hover per weight
    assert len(units["x"]) == sum(run.net.layer_sizes)
    assert paused["layout"]["datarevision"] != "live"
    assert [a["text"] for a in paused["layout"]["annotations"][:4]] == [
        "<b>inputs</b>", "<b>hidden 1 (tanh)</b>", "<b>hidden 2 (tanh)</b>", "<b>output ŷ</b>"]


def test_network_graph_image_draws_each_unit_tile_in_its_own_colours():
    run, maps, fig = _graph(live=True)
    image = np.asarray(decode(fig["layout"]["images"][0]["source"])).astype(int)
    h, w, _ = image.shape
    sizes = run.net.layer_sizes
    xs = [l * pg_figures.LAYER_GAP for l in range(len(sizes))]
    ys = pg_figures._positions(sizes)
    left, right = -0.5, xs[-1] + 0.5
    top, bottom = max(y.max() for y in ys) + 0.5, min(y.min() for y in ys) - 0.5
    # A point inside the output tile, a quarter tile from its top-left corner, and the map value it shows
    # (tiles are nearest-neighbour upscaled maps with rows flipped: image rows run top-down).
    col = int((xs[-1] - 0.25 - left) / (right - left) * w)
    row = int((top - (ys[-1][0] + 0.25)) / (top - bottom) * h)
    r = maps[-1].shape[1]
    p = maps[-1][0][r - 1 - r // 4, r // 4]
    expected = pg_images.colour(np.array([2 * p - 1]))[0]
    assert np.abs(image[row, col] - expected).max() < 25  # JPEG at quality 90: close, not exact


def test_diagnostics_keep_both_panels_before_any_epoch_and_match_layers_after():
    empty = pg_figures.diagnostics([], [(0, [0.1, 0.2])])
    assert {t.get("xaxis", "x") for t in empty["data"]} == {"x", "x2"}
    run = presets.Run(presets.Setup(hidden=(4, 4)))
    history = []
    for record in run.train(5):
        history.append((record.epoch, grid.saturated_share(run.net, run.X_train_in)))
    fig = pg_figures.diagnostics(run.records, history)
    norms = [t for t in fig["data"] if t.get("xaxis", "x") == "x"]
    shares = [t for t in fig["data"] if t.get("xaxis") == "x2"]
    assert len(norms) == 3 and len(shares) == 2  # W[1..3]; hidden layers 1 and 2
    assert all(len(t["x"]) == 5 for t in norms)
    assert fig["layout"]["xaxis"]["range"] == [0, 10]


def test_learning_curves_share_the_epoch_axis_and_show_percent():
    run = presets.Run(presets.Setup())
    for _ in run.train(12):
        pass
    fig = pg_figures.learning_curves(run.records)
    cost = [t for t in fig["data"] if t["yaxis"] == "y"]
    accuracy = [t for t in fig["data"] if t["yaxis"] == "y2"]
    assert [t["name"] for t in cost] == ["train", "test"] and len(accuracy) == 2
    # Percent to 2 decimals and costs to 5: what a chart can show, a quarter of the JSON of a live frame.
    assert np.allclose(accuracy[0]["y"], [100 * r.train_accuracy for r in run.records], atol=0.005)
    assert np.allclose(cost[0]["y"], [r.train_cost for r in run.records], atol=5e-6)
    assert fig["layout"]["xaxis"]["range"] == fig["layout"]["xaxis2"]["range"] == [0, 20]
    assert fig["layout"]["template"]["layout"]["plot_bgcolor"] == "white"
    assert style.FONT_SIZE == fig["layout"]["font"]["size"]
