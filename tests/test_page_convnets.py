"""AppTest of the convolution chapter: a filter by hand, shapes, inside a conv net, live training."""

import io
import json
import re

import numpy as np
import pytest
from PIL import Image

import ui.convnets.common
from engine.pets.models import BUNDLED, PetModel, Standardizer, load_bundled
from engine.pets.models import verdict as verdict_of
from lessons import convolution as cv
from tests import live_view
from tests.pagetools import arr, chart, live_figures, open_tab, table

PAGE = "chapters/convnets.py"
TABS = ["One convolution by hand", "Why convolution", "Inside the trained conv net", "Train a small conv net",
        "Your own classes"]
VERDICT = re.compile(r"\*\*(Cat|Dog|Unsure, leans cat|Unsure, leans dog|Unsure: unlike the photos it learned from)"
                     r"\*\* · P\(dog\) = \*\*(\d\.\d\d)\*\*")


def striped_jpeg() -> bytes:
    """A 120×90 photo-like JPEG with strong vertical edges (so the filters have something to find)."""
    a = np.zeros((90, 120, 3), np.uint8)
    a[:, ::20] = 255
    a[:, 1::20] = 255
    a[30:60, 40:80] = (200, 120, 40)
    buf = io.BytesIO()
    Image.fromarray(a).save(buf, "JPEG", quality=95)
    return buf.getvalue()


@pytest.fixture
def tiny_model(monkeypatch):
    """A small untrained conv net (16×16 colour, filters 4 and 8) in place of the bundled one."""
    model = PetModel.new("cnn", 16, "rgb", Standardizer(np.full(3, 0.5), np.full(3, 0.25)), hidden=[4, 8], seed=3)
    monkeypatch.setattr(ui.convnets.common, "bundled_model",
                        lambda name: model if name == "cnn" else load_bundled(name))
    return model


@pytest.fixture
def missing_model(monkeypatch, tmp_path):
    """No models/pets_cnn.npz (read uncached, so an earlier test's cached model does not count)."""
    monkeypatch.setitem(BUNDLED, "cnn", tmp_path / "pets_cnn.npz")
    monkeypatch.setattr(ui.convnets.common, "bundled_model", load_bundled)


def latex_value(app) -> float:
    """The value at the end of the one-pixel formula, \\mathbf{…}."""
    formulas = [l.value for l in app.latex if r"\sum_{a=0}" in l.value]
    assert len(formulas) == 1
    return float(re.search(r"\\mathbf\{(-?\d+\.\d+)\}", formulas[0]).group(1))


def figure_z(app, key: str, trace: int) -> np.ndarray:
    return arr(chart(app, key)["data"][trace]["z"])


def verdicts(app) -> list[tuple[str, float]]:
    return [(m.group(1), float(m.group(2))) for v in app.markdown for m in [VERDICT.match(v.value)] if m]


# -- every tab ------------------------------------------------------------------------------------


def test_every_tab_runs_with_no_exception(open_page, no_data, tiny_model):
    app = open_page(PAGE)
    assert app.title[0].value == "6 · Convolutional networks"
    assert [t.label for t in app.tabs] == TABS
    for label in TABS:
        open_tab(app, "cnn_tab", label)
        assert not app.exception and not app.error
    open_tab(app, "cnn_tab", TABS[0])
    assert chart(app, "cnn_conv_chart")


def test_a_link_can_open_a_tab(open_page, no_data):
    app = open_page(PAGE, cnn_tab="Why convolution")
    assert chart(app, "cnn_params_chart")
    assert not [c for c in app.get("plotly_chart") if c.proto.id.endswith("-cnn_conv_chart")]


# -- 1 · one convolution by hand ------------------------------------------------------------------


@pytest.mark.parametrize("name", list(cv.FILTERS))
def test_choosing_a_filter_shows_the_engines_output_map(open_page, no_data, name):
    app = open_page(PAGE)
    app.radio(key="w_cnn_filter").set_value(name).run()
    assert not app.exception
    A = cv.sample_picture("cat", 32)
    np.testing.assert_allclose(figure_z(app, "cnn_conv_chart", 0), A)
    expected = cv.convolve(A, cv.FILTERS[name].W)
    np.testing.assert_allclose(figure_z(app, "cnn_conv_chart", 1), expected, atol=1e-9)
    rows = "\\\\".join("&".join(str(int(w)) if float(w).is_integer() else "" for w in r) for r in cv.FILTERS[name].W)
    if name != "blur":  # the blur's ninths are typeset as fractions
        shown = next(l.value for l in app.latex if "W = " in l.value)
        assert rows.replace(" ", "") in shown.replace(" ", "")


def test_filters_give_different_maps(open_page, no_data):
    app = open_page(PAGE)
    vertical = figure_z(app, "cnn_conv_chart", 1)
    app.radio(key="w_cnn_filter").set_value("horizontal").run()
    horizontal = figure_z(app, "cnn_conv_chart", 1)
    assert not np.allclose(vertical, horizontal)


@pytest.mark.parametrize("row, col, bias", [(19, 26, 0.0), (1, 1, 0.5), (10, 17, -0.3)])
def test_the_pixel_formula_shows_that_pixels_value(open_page, no_data, row, col, bias):
    app = open_page(PAGE)
    app.radio(key="w_cnn_filter").set_value("sharpen").run()
    app.slider(key="w_cnn_row").set_value(row).run()
    app.slider(key="w_cnn_col").set_value(col).run()
    app.slider(key="w_cnn_bias").set_value(bias).run()
    Z = cv.convolve(cv.sample_picture("cat", 32), cv.FILTERS["sharpen"].W, bias)
    assert latex_value(app) == pytest.approx(Z[row - 1, col - 1], abs=5e-4)
    assert latex_value(app) == pytest.approx(figure_z(app, "cnn_conv_chart", 1)[row - 1, col - 1], abs=5e-4)
    window = chart(app, "cnn_conv_chart")["layout"]["shapes"][0]
    assert (window["x0"], window["x1"], window["y0"], window["y1"]) == (col - 1.5, col + 1.5, row - 1.5, row + 1.5)


def test_the_default_pixel_sits_on_an_edge_of_the_drawing(open_page, no_data):
    app = open_page(PAGE)
    assert latex_value(app) == pytest.approx(2.55)


def test_an_uploaded_photo_becomes_the_small_grey_picture(open_page, no_data):
    app = open_page(PAGE)
    app.radio(key="w_cnn_source").set_value("upload").run()
    app.radio(key="w_cnn_size").set_value(24).run()
    data = striped_jpeg()
    app.file_uploader(key="cnn_hand_upload").set_value(("stripes.jpg", data, "image/jpeg")).run()
    assert not app.exception and not app.error
    A = cv.grey_picture(data, 24)
    np.testing.assert_allclose(figure_z(app, "cnn_conv_chart", 0), A, atol=1e-6)
    np.testing.assert_allclose(figure_z(app, "cnn_conv_chart", 1), cv.convolve(A, cv.FILTERS["vertical"].W),
                               atol=1e-6)


def test_shrinking_the_picture_keeps_the_pixel_inside(open_page, no_data):
    app = open_page(PAGE)
    app.slider(key="w_cnn_row").set_value(32).run()
    app.radio(key="w_cnn_size").set_value(24).run()
    assert not app.exception
    assert app.session_state["w_cnn_row"] == 24


def test_a_bad_upload_by_hand_gets_a_message_and_the_drawing(open_page, no_data):
    app = open_page(PAGE)
    app.radio(key="w_cnn_source").set_value("upload").run()
    app.file_uploader(key="cnn_hand_upload").set_value(("notes.jpg", b"not a photo at all", "image/jpeg")).run()
    assert not app.exception
    assert len(app.error) == 1 and "notes.jpg" in app.error[0].value and "not an image" in app.error[0].value
    np.testing.assert_allclose(figure_z(app, "cnn_conv_chart", 0), cv.sample_picture("cat", 32))


# -- 2 · why convolution --------------------------------------------------------------------------


def test_parameter_counts_follow_the_units_slider(open_page, no_data):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[1])
    app.slider(key="w_cnn_units").set_value(32).run()
    formulas = " ".join(l.value for l in app.latex)
    assert "393{,}248" in formulas and r"\mathbf{448}" in formulas
    bars = chart(app, "cnn_params_chart")["data"][0]
    assert list(arr(bars["x"])) == [12288 * 32 + 32, 448]


def test_shape_table_is_read_from_the_conv_nets_layers(open_page, no_data, tiny_model):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[1])
    shown = table(app, "shape")
    rows = cv.shape_table(tiny_model.net)
    assert list(shown["shape"]) == [f"(m, {', '.join(map(str, r.shape))})" for r in rows]
    assert list(shown["parameters"]) == [r.parameters for r in rows]
    assert "(m, 8, 8, 4)" in list(shown["shape"])  # 16×16 pooled once
    total = next(m.value for m in app.markdown if m.value.startswith("Total:"))
    assert f"{tiny_model.net.n_parameters:,} parameters" in total


def test_without_the_bundled_model_the_table_shows_the_architecture(open_page, no_data, missing_model):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[1])
    assert not app.exception
    assert any("untrained weights" in i.value for i in app.info)
    assert "(m, 4, 4, 256)" in list(table(app, "shape")["shape"])  # the cnn preset: 48-96-192-256 filters
    assert any(layer.startswith("batch norm") for layer in table(app, "shape")["layer"])


# -- 3 · inside the trained conv net --------------------------------------------------------------


def test_an_uploaded_photo_gets_p_dog_feature_maps_and_grad_cam(open_page, no_data, tiny_model):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[2])
    data = striped_jpeg()
    app.file_uploader(key="cnn_inside_upload").set_value(("rex.jpg", data, "image/jpeg")).run()
    assert not app.exception and not app.error
    [(verdict, p)] = verdicts(app)
    expected = tiny_model.predict_bytes(data)
    assert p == pytest.approx(expected, abs=0.005)
    assert verdict == verdict_of(expected).capitalize()  # the unsure band of chapter 5, 0.35–0.65
    maps = [t for t in chart(app, "cnn_maps_chart")["data"] if t["type"] == "heatmap"]
    assert len(maps) == 4 + 6  # block 1 has 4 filters, block 2 shows its first 6 of 8
    inside = cv.look_inside(tiny_model, tiny_model.picture(data))
    np.testing.assert_allclose(arr(maps[0]["z"]), inside.maps[0][1][:, :, 0], atol=1e-5)
    evidence = chart(app, "cnn_evidence_chart")["data"]
    cams = [arr(t["z"]) for t in evidence if t["type"] == "heatmap"][:2]
    np.testing.assert_allclose(cams[0], inside.cam_dog, atol=1e-6)
    np.testing.assert_allclose(cams[1], inside.cam_cat, atol=1e-6)
    assert chart(app, "cnn_filters_chart")["layout"]["images"][0]["source"].startswith("data:image/png;base64,")


def test_the_most_active_channels_can_be_shown_instead(open_page, no_data, tiny_model):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[2])
    app.radio(key="w_cnn_channels").set_value("active").run()
    assert not app.exception
    names = [t["name"] for t in chart(app, "cnn_maps_chart")["data"]]
    inside = cv.look_inside(tiny_model, cv.sample_colour_picture("cat", 16))
    expected = [f"A[{l}] channel {c + 1}" for l, A in inside.maps for c in cv.strongest_channels(A, 6)]
    assert names == expected


def test_a_sample_drawing_is_shown_without_an_upload(open_page, no_data, tiny_model):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[2])
    [(_, p)] = verdicts(app)
    assert p == pytest.approx(tiny_model.predict_proba(cv.sample_colour_picture("cat", 16)[None])[0], abs=0.005)


def test_a_bad_upload_inside_gets_a_message(open_page, no_data, tiny_model):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[2])
    app.file_uploader(key="cnn_inside_upload").set_value(("holiday.jpg", b"\xff\xd8\xff broken", "image/jpeg")).run()
    assert not app.exception
    assert len(app.error) == 1 and app.error[0].value.startswith("**holiday.jpg**:")
    assert not verdicts(app)


def test_a_missing_bundled_model_gives_a_message_not_a_traceback(open_page, no_data, missing_model):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[2])
    assert not app.exception
    assert any("python -m engine.pets train" in w.value and "--model cnn" in w.value for w in app.warning)


@pytest.mark.skipif(not BUNDLED["cnn"].exists(), reason="models/pets_cnn.npz is not here yet")
def test_the_bundled_conv_net_looks_at_an_uploaded_photo(open_page, no_data):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[2])
    data = striped_jpeg()
    app.file_uploader(key="cnn_inside_upload").set_value(("rex.jpg", data, "image/jpeg")).run()
    assert not app.exception and not app.error
    [(_, p)] = verdicts(app)
    assert p == pytest.approx(load_bundled("cnn").predict_bytes(data), abs=0.005)
    assert len([t for t in chart(app, "cnn_maps_chart")["data"] if t["type"] == "heatmap"]) == 4 * 6


# -- 4 · train a small conv net -------------------------------------------------------------------


def live_charts(app) -> dict[str, dict]:
    """Each live chart's figure by chart key: the learning curves as the browser draws the frame left on
    screen (``ui.live_frames``), the filters' last figure (``ui.live_chart``)."""
    charts = {}
    for element in app.get("component_instance"):
        args = json.loads(element.proto.json_args)
        if "chart" in args:  # ui.live_chart
            charts[args["chart"]] = live_figures(args["figure"])[-1]  # the frame left on screen
        elif "batch" in args:  # ui.live_frames
            batch = args["batch"]
            base = live_view.full(args)["curves"]
            charts[batch["charts"]["curves"]] = live_view.curves_at(base, live_view.history(batch["series"]),
                                                                    batch["frames"][-1]["n"])
    return charts


def progress_text(app) -> str:
    texts = [p.proto.text for p in app.get("progress")]
    assert texts, "no progress bar"
    return texts[-1]


def test_training_without_a_photo_folder_says_how_to_configure_it(open_page, no_data):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[3])
    assert any("NEURONLAB_PETS_DATA=" in i.value and "streamlit run app.py" in i.value for i in app.info)
    assert not [b for b in app.button if b.key == "cnn_train_start"]


def test_training_on_tiny_photos_advances_epochs_and_ends_with_a_confusion_matrix(open_page, tiny_data, tiny_model):
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[3])
    app.slider(key="w_cnn_train_epochs").set_value(3).run()
    app.button(key="cnn_train_start").click().run()
    seen = []
    for _ in range(20):  # AppTest does not tick fragments on its own: rerun until the run is done
        assert not app.exception, app.exception
        seen.append(len(app.session_state["cnn_run"]["history"]))
        if app.session_state["cnn_eval"] is not None:
            break
        app.run()
    assert seen == sorted(seen) and seen[-1] == 3
    assert progress_text(app).startswith("Epoch 3 of 3")
    charts = live_charts(app)
    curves = {t["name"]: t for t in charts["cnn_train_curves_chart"]["data"] if t["yaxis"] == "y"}
    assert len(curves["train"]["x"]) == 3  # train cost per epoch
    # One mini-batch cost per step (20 photos, batches of 32: one step an epoch), at epochs 1, 2, 3.
    assert curves["mini-batch"]["x"] == [1.0, 2.0, 3.0]
    assert charts["cnn_train_filters_chart"]["layout"]["images"][0]["source"].startswith("data:image/png")
    C = figure_z(app, "cnn_confusion_chart", 0)
    assert C.shape == (2, 2) and C.sum() == 10  # the 10 test photos
    accuracy = next(m.value for m in app.metric if m.label == "test accuracy")
    assert accuracy == f"{np.trace(C) / 10:.1%}"
    # The trained model is offered in the Inside tab.
    session = app.session_state["cnn_session_model"]
    assert session is not None and session.size == 32
    open_tab(app, "cnn_tab", TABS[2])
    app.radio(key="w_cnn_inside_model").set_value("session").run()
    assert not app.exception
    [(_, p)] = verdicts(app)
    assert p == pytest.approx(session.predict_proba(cv.sample_colour_picture("cat", 32)[None])[0], abs=0.005)


def test_pause_keeps_the_model_and_resume_goes_on(open_page, tiny_data, monkeypatch):
    import dataclasses

    import ui.convnets.train
    import ui.training_run

    monkeypatch.setattr(ui.training_run, "TRAIN_SECONDS", 0.0)  # one record a tick: a mini-batch or an epoch's end
    real_config = ui.convnets.train.config
    monkeypatch.setattr(ui.convnets.train, "config",  # 20 photos in batches of 8: three mini-batches an epoch
                        lambda epochs, lr: dataclasses.replace(real_config(epochs, lr), batch_size=8))
    app = open_tab(open_page(PAGE), "cnn_tab", TABS[3])
    app.slider(key="w_cnn_train_epochs").set_value(4).run()
    app.button(key="cnn_train_start").click().run()
    for _ in range(10):  # until the first mini-batch of epoch 2
        if len(app.session_state["cnn_run"]["batches"]) == 4:
            break
        app.run()
    run = app.session_state["cnn_run"]
    model, done = run["model"], len(run["history"])
    assert done == 1 and run["step"] == (1, 3)
    # Paused in the middle of an epoch: the page shows where, and nothing trains until Resume.
    app.button(key="cnn_train_pause").click().run()
    assert app.session_state["cnn_running"] is False
    assert progress_text(app).startswith("Epoch 2 of 4, mini-batch 1 of 3")
    app.run()
    app.run()
    assert len(app.session_state["cnn_run"]["history"]) == done and len(app.session_state["cnn_run"]["batches"]) == 4
    assert "(paused)" in progress_text(app)
    assert app.button(key="cnn_train_pause").label == "Resume"
    app.button(key="cnn_train_pause").click().run()
    # Resume never replays frames from before the Pause: every frame sent holds all four mini-batches.
    frames = live_view.sent(app, "cnn_live")[0]["batch"]["frames"]
    assert all(f["n"]["batches"] >= 4 for f in frames)
    for _ in range(30):
        if app.session_state["cnn_eval"] is not None:
            break
        app.run()
    run = app.session_state["cnn_run"]
    assert run["model"] is model and len(run["history"]) == 4 and len(run["batches"]) == 12
    # The mini-batch costs are on the curves, at their places on the epoch axis: the last at epoch 4.
    curves = live_charts(app)["cnn_train_curves_chart"]["data"]
    assert curves[0]["name"].startswith("mini-batch") and curves[0]["x"][-1] == 4.0
    assert not app.exception
