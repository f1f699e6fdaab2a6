"""AppTest of the cats-vs-dogs page: predictions per upload, errors per bad file, training on tiny photos."""

import json
import re

import pytest

from engine import images
from engine.pets import nonpets
from engine.pets.models import NOVEL, load_bundled, verdict
from tests.pagetools import arr, open_tab
from tests.photos import jpeg

PAGE = "chapters/pets.py"


VERDICT = re.compile(r"\*\*(Cat|Dog|Unsure, leans cat|Unsure, leans dog|" + NOVEL.capitalize() +
                     r")\*\* · P\(dog\) = \*\*(0\.\d\d|1\.00)\*\*")


def verdict_lines(app) -> list[str]:
    return [m.value for m in app.markdown if VERDICT.match(m.value)]


def test_page_has_three_tabs_and_a_model_picker(open_page, no_data):
    app = open_page(PAGE)
    assert [t.label for t in app.tabs] == ["Predict", "What the model looks for", "Train"]
    acc = {name: load_bundled(name).metadata["test_accuracy"] for name in ("cnn", "logistic", "mlp")}
    assert app.radio(key="w_pets_model").options == [
        f"Conv net (bundled) · test accuracy {acc['cnn']:.0%}",
        f"Logistic regression (bundled) · test accuracy {acc['logistic']:.0%}",
        f"Neural network, 1 hidden layer (bundled) · test accuracy {acc['mlp']:.0%}"]
    # The conv net is the default.
    assert app.session_state["w_pets_model"] == "cnn"
    assert app.expander[0].label == "About this model"
    assert any(m.value.startswith("**") and f"test accuracy {acc['cnn']:.1%}**" in m.value for m in app.markdown)


def test_each_upload_gets_a_probability_and_a_bad_one_a_message(open_page, no_data):
    app = open_page(PAGE)
    app.file_uploader(key="pets_uploads").set_value([
        ("rex.jpg", jpeg((120, 90, 60)), "image/jpeg"),
        ("notes.jpg", b"just some text, renamed", "image/jpeg"),
        ("tom.jpg", jpeg((200, 200, 190)), "image/jpeg"),
    ]).run()
    assert not app.exception
    errors = [e.value for e in app.error]
    assert len(errors) == 1 and "notes.jpg" in errors[0] and "not an image" in errors[0]
    verdicts = verdict_lines(app)
    assert len(verdicts) == 2
    model = load_bundled("cnn")
    low, high = model.unsure_band
    for text, data in zip(verdicts, [jpeg((120, 90, 60)), jpeg((200, 200, 190))]):
        label, p = VERDICT.match(text).groups()
        said = model.assess(images.decode(data, model.size, model.colour)[None])[0]
        assert float(p) == pytest.approx(said.p_dog, abs=0.005)
        # The verdict follows the model's own unsure band (chosen on its validation photos), and a picture
        # far from anything it has seen is unsure whatever its P(dog).
        assert label == verdict(said.p_dog, (low, high), said.novel).capitalize(), text
    # The P(dog) bars, then the bundled conv net's reliability diagram (About this model's confidence).
    assert [c.key for c in app.get("plotly_chart")] == ["pets_p_dog_chart", "pets_about_reliability_chart"]
    # The next tab reads the same two photos, kept in the session.
    open_tab(app, "pets_tab", "What the model looks for")
    assert {c.key for c in app.get("plotly_chart")} == {"pets_weights_chart", "pets_contrib_chart"}
    assert app.selectbox(key="pets_explain_photo").options == ["rex.jpg", "tom.jpg"]


def test_choosing_the_mlp_changes_the_probabilities(open_page, no_data):
    app = open_page(PAGE)
    app.file_uploader(key="pets_uploads").set_value(("rex.jpg", jpeg((120, 90, 60)), "image/jpeg")).run()
    before = verdict_lines(app)
    picker = app.radio(key="w_pets_model")
    mlp = next(label for label in picker.options if label.startswith("Neural network, 1 hidden layer"))
    picker.set_value(mlp).run()  # AppTest radios take the shown label
    assert app.session_state["w_pets_model"] == "mlp"
    after = verdict_lines(app)
    assert not app.exception and len(after) == 1 and before != after


def test_explain_tab_splits_the_logit_into_pixel_pushes(open_page, no_data):
    app = open_page(PAGE)
    app.file_uploader(key="pets_uploads").set_value(("rex.jpg", jpeg((120, 90, 60)), "image/jpeg")).run()
    open_tab(app, "pets_tab", "What the model looks for")
    text = next(m.value for m in app.markdown if "Pixels pushing to dog" in m.value)
    dog, cat, b, z = (float(v) for v in re.findall(r"\*\*([+-]\d+\.\d\d)\*\*", text)[:4])
    assert dog > 0 > cat
    assert z == pytest.approx(dog + cat + b, abs=0.02)


def test_train_tab_without_data_says_how_to_get_it(open_page, no_data):
    app = open_page(PAGE, pets_tab="Train")
    assert any("python -m engine.pets download" in i.value for i in app.info)
    assert not [b for b in app.button if b.key == "pets_start"]


def test_training_in_the_page_scores_the_test_photos_and_adds_a_session_model(open_page, tiny_data):
    app = open_page(PAGE, pets_tab="Train")
    app.radio(key="w_pets_train_size").set_value(32).run()
    app.slider(key="w_pets_train_epochs").set_value(15).run()
    app.select_slider(key="w_pets_train_lr").set_value(1e-2).run()
    app.button(key="pets_start").click().run()
    for _ in range(20):  # AppTest does not tick fragments on its own: rerun until the run is done
        if app.session_state["pets_eval"] is not None:
            break
        app.run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["test accuracy"] == "100.0%"
    assert float(metrics["ROC AUC"]) == pytest.approx(1.0)
    assert len(app.session_state["pets_run"]["history"]) == 15
    # Is its confidence honest: the reliability diagram of the test photos and its ECE.
    table = app.session_state["pets_eval"]["reliability"]
    assert table.count.sum() == 10  # tiny_data's test photos
    assert any(f"ECE = {table.ece:.3f}" in m.value for m in app.markdown)
    assert any(c.proto.id.endswith("-pets_reliability_chart") for c in app.get("plotly_chart"))
    open_tab(app, "pets_tab", "Predict")
    assert "session" in app.radio(key="w_pets_model").options[-1].lower()
    picker = app.radio(key="w_pets_model")
    picker.set_value(picker.options[-1]).run()
    assert not app.exception and app.session_state["w_pets_model"] == "session"
    assert len(app.error) == 0


def test_a_diverged_run_shows_the_engine_message_not_nan(open_page, tiny_data, monkeypatch):
    import ui.pets.train
    from engine.training import EpochRecord

    real_live = ui.pets.train.live

    def live_that_diverges(data, config, batches=False):
        model, records = real_live(data, config, batches)

        def gen():
            for record in records:  # the first epoch (and its mini-batches, if asked for) trains as usual
                yield record
                if isinstance(record, EpochRecord):
                    break
            yield EpochRecord(epoch=2, train_cost=float("nan"), train_accuracy=0.5, grad_norms=[float("nan")],
                              diverged=True, message="Training diverged: lower the learning rate.")
        return model, gen()

    monkeypatch.setattr(ui.pets.train, "live", live_that_diverges)
    app = open_page(PAGE, pets_tab="Train")
    app.radio(key="w_pets_train_size").set_value(32).run()
    app.button(key="pets_start").click().run()
    for _ in range(20):
        if not app.session_state["pets_running"]:
            break
        app.run()
    assert not app.exception
    assert [e.value for e in app.error] == ["Training diverged: lower the learning rate."]
    shown = " ".join(m.value for m in app.metric) + " ".join(m.value for m in app.markdown)
    assert "nan" not in shown.lower()
    assert app.session_state["pets_session_model"] is None


def test_the_same_file_uploaded_twice_is_two_rows_and_bars_agree_with_their_labels(open_page, no_data):
    app = open_page(PAGE)
    photo = jpeg((120, 90, 60))
    app.file_uploader(key="pets_uploads").set_value([("rex.jpg", photo, "image/jpeg"),
                                                     ("rex.jpg", photo, "image/jpeg")]).run()
    assert not app.exception and len(verdict_lines(app)) == 2
    chart = next(c for c in app.get("plotly_chart") if c.proto.id.endswith("-pets_p_dog_chart"))
    bars = json.loads(chart.proto.spec)["data"][0]
    assert bars["y"] == ["1. rex.jpg", "2. rex.jpg"]
    for length, label in zip(arr(bars["x"]), bars["text"]):
        assert label.startswith(f"{length:.2f}")


def test_one_table_shows_the_same_photos_under_every_bundled_model(open_page, no_data):
    app = open_page(PAGE)
    photos = [("rex.jpg", jpeg((120, 90, 60))), ("tom.jpg", jpeg((200, 200, 190)))]
    app.file_uploader(key="pets_uploads").set_value([(n, d, "image/jpeg") for n, d in photos]).run()
    table = next(d.value for d in app.dataframe if "photo" in d.value.columns)
    assert list(table["photo"]) == ["rex.jpg", "tom.jpg"]
    for name, prefix in (("cnn", "Conv net"), ("logistic", "Logistic regression"), ("mlp", "Neural network")):
        model = load_bundled(name)
        column = next(c for c in table.columns if c.startswith(prefix))
        assert column.endswith(f"test accuracy {model.metadata['test_accuracy']:.0%}")
        for (_, data), shown in zip(photos, table[column]):
            assert shown.startswith(f"{model.predict_bytes(data):.2f} · ")


def test_the_predict_tab_shows_calibrated_p_dog_and_what_the_band_means(open_page, no_data):
    app = open_page(PAGE)
    data = jpeg((150, 110, 80), size=(120, 90), seed=3)
    app.file_uploader(key="pets_uploads").set_value(("rex.jpg", data, "image/jpeg")).run()
    model = load_bundled("cnn")
    [text] = verdict_lines(app)
    assert float(VERDICT.match(text).group(2)) == pytest.approx(model.predict_bytes(data), abs=0.005)
    low, high = model.unsure_band
    band = model.metadata["unsure_band_validation"]
    caption = next(c.value for c in app.caption if "What the model sees" in c.value)
    assert f"P(dog) is calibrated (σ(z / T), T = {model.temperature:.2f})" in caption
    assert (f"Between {low:.2f} and {high:.2f} the model is unsure; outside that band it was right "
            f"{band['accuracy_outside']:.0%} of the time on its validation photos") in caption
    # The bars shade the band.
    chart = next(c for c in app.get("plotly_chart") if c.proto.id.endswith("-pets_p_dog_chart"))
    [shape] = [s for s in json.loads(chart.proto.spec)["layout"]["shapes"] if s["type"] == "rect"]
    assert (shape["x0"], shape["x1"]) == (low, high)


def test_a_picture_with_no_animal_is_called_unsure(open_page, no_data):
    app = open_page(PAGE)
    text_picture = next(pic for kind, pic in nonpets.generate(per_kind=1, seed=4) if kind == "text")
    app.file_uploader(key="pets_uploads").set_value(("notes.png", nonpets.as_png(text_picture), "image/png")).run()
    assert not app.exception
    [line] = verdict_lines(app)
    assert line.startswith(f"**{NOVEL.capitalize()}**")
    assert any("unlike the photos it learned from" in i.value.lower() for i in app.info)


def test_about_this_model_draws_its_reliability_before_and_after_calibration(open_page, no_data):
    app = open_page(PAGE)
    model = load_bundled("cnn")
    meta = model.metadata
    chart = next(c for c in app.get("plotly_chart") if c.proto.id.endswith("-pets_about_reliability_chart"))
    traces = json.loads(chart.proto.spec)["data"]
    before, after = meta["test_reliability_before"], meta["test_reliability_after"]
    assert [t["name"] for t in traces] == ["honest (ECE 0)", f"raw network, T = 1 (ECE {before['ece']:.3f})",
                                           f"calibrated, T = {model.temperature:.2f} (ECE {after['ece']:.3f})"]
    held = [v for v, n in zip(after["mean_p"], after["count"]) if n]
    assert arr(traces[2]["x"]) == pytest.approx(held)
    text = " ".join(m.value for m in app.markdown)
    assert f"went from **{before['ece']:.3f}** to **{after['ece']:.3f}**" in text
