"""AppTest of chapter 6's "Your own classes": photos per class (uploads, a bad file among them), transfer
learning to the end, per-class held-out accuracy, the confusion matrix's cells and their photos, a new
photo's prediction, and the model and photo downloads."""

import io
import re
import zipfile

import pytest

from lessons import transfer
from tests.pagetools import chart, open_tab, table
from tests.photos import jpeg
from ui.convnets import own_photos

PAGE = "chapters/convnets.py"
TAB = "Your own classes"


def own_tab(open_page):
    return open_tab(open_page(PAGE), "cnn_tab", TAB)


def train_to_the_end(app, limit: int = 60):
    app.button(key="cnn_own_start").click().run()
    for _ in range(limit):
        if app.session_state["cnn_own_eval"] is not None or not app.session_state["cnn_own_running"]:
            break
        app.run()
    assert not app.exception, app.exception
    return app


@pytest.fixture
def trained(open_page):
    app = own_tab(open_page)
    app.button(key="cnn_own_samples").click().run()
    return train_to_the_end(app)


def test_sample_pictures_train_to_per_class_accuracy_and_a_confusion_matrix(trained):
    app = trained
    ev = app.session_state["cnn_own_eval"]
    held = ev["held"]
    assert ev["names"] == list(transfer.KINDS) and len(held.y) == 9
    rows = table(app, "held-out photos")
    assert list(rows["class"]) == list(transfer.KINDS) and list(rows["held-out photos"]) == [3, 3, 3]
    assert held.accuracy >= 0.85 and list(rows["accuracy"]) == [f"{a:.0%}" for a in held.per_class]
    figure = chart(app, "cnn_own_confusion_chart")
    cells = figure["data"][1]
    assert figure["data"][0]["type"] == "heatmap" and len(cells["customdata"]) == 9  # one clickable marker a cell
    history = app.session_state["cnn_own_run"]["history"]
    assert len(history) == transfer.Settings().epochs and history[-1].test_accuracy == pytest.approx(held.accuracy)


def test_a_cell_of_the_confusion_matrix_opens_the_photos_it_counts(trained):
    app = trained
    held = app.session_state["cnn_own_eval"]["held"]
    t = 1
    box = [b for b in app.selectbox if b.key.startswith("cnn_own_cell_box_")][0]
    box.set_value(f"{t},{t}").run()
    assert app.session_state["cnn_own_cell"] == f"{t},{t}"
    shown = [c.value for c in app.caption if "P(disc)" in c.value]
    assert len(shown) == len(held.photos_in(t, t)) == held.confusion[t, t]
    photos = [p for group in app.session_state["cnn_own_eval"]["photos"] for p in group]
    names = {re.sub(r"\\(.)", r"\1", s.split(" · ")[0]) for s in shown}
    assert names == {photos[r].name for r in held.photos_in(t, t)}


def test_a_new_photo_gets_a_class_and_the_model_and_photos_download(trained):
    app = trained
    disc = transfer.sample_photos("disc", 1, seed=9)[0]
    app.file_uploader(key="cnn_own_try").set_value(("new.jpg", disc, "image/jpeg")).run()
    assert not app.exception
    verdict = [m.value for m in app.markdown if " · ŷ = " in m.value]
    assert verdict and verdict[0].startswith("**disc**")
    bars = chart(app, "cnn_own_predict_chart")["data"][0]
    assert list(bars["y"]) == list(transfer.KINDS)
    assert {b.proto.label for b in app.get("download_button")} == {"Download the model (.npz, format 2)",
                                                                   "Download the labelled photos (.zip)"}
    # What the two buttons hand over (Streamlit calls these when they are clicked).
    model = transfer.ClassModel.load(app.session_state["cnn_own_session_model"].to_bytes())
    assert model.names == list(transfer.KINDS)
    ev = app.session_state["cnn_own_eval"]
    with zipfile.ZipFile(io.BytesIO(own_photos.photos_zip(ev["names"], ev["photos"]))) as z:
        names = z.namelist()
    assert len(names) == 45 and {n.split("/")[0] for n in names} == set(transfer.KINDS)


def test_uploaded_photos_are_kept_per_class_and_a_bad_file_gets_a_message(open_page):
    app = own_tab(open_page)
    app.session_state["w_cnn_own_k"] = 2
    app.run()
    blues = [("blue%d.jpg" % i, jpeg((30, 80, 210), seed=i), "image/jpeg") for i in range(5)]
    oranges = [("orange%d.jpg" % i, jpeg((220, 140, 40), seed=10 + i), "image/jpeg") for i in range(4)]
    app.file_uploader(key="cnn_own_upload_0_0").set_value(blues).run()
    app.file_uploader(key="cnn_own_upload_1_0").set_value(oranges + [("notes.jpg", b"not a photo", "image/jpeg")]).run()
    assert [len(p) for p in app.session_state["cnn_own_photos"][:2]] == [5, 4]
    assert any("notes.jpg" in e.value and "not an image" in e.value for e in app.error)
    app.button(key="cnn_own_start").click().run()
    assert any("at least 5 photos; add more to: class 2 (4)" in e.value for e in app.error)
    assert app.session_state["cnn_own_eval"] is None
    app.switch_page("chapters/neuron.py").run()
    app.switch_page(PAGE).run()
    assert [len(p) for p in app.session_state["cnn_own_photos"][:2]] == [5, 4]
    app.button(key="reset_convnets").click().run()
    assert app.session_state["cnn_own_photos"] == [[] for _ in range(5)] and not app.exception


def test_the_zip_folders_are_safe_names_for_any_class_name():
    used = set()
    assert own_photos.folder_name("../../etc/passwd", used) == "etc_passwd"
    assert own_photos.folder_name("Cat", used) == "Cat" and own_photos.folder_name("cat", used) == "cat_2"
    assert own_photos.folder_name("   ", used) == "class"
