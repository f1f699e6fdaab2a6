"""AppTest of chapter 7, your own data: softmax with its numbers, a table trained live (classes and numbers),
its map, and every kind of bad file answered with one message while the rest of the page stays."""

import re

import numpy as np
import pytest

from engine.activations import sigmoid
from engine.losses import softmax
from lessons import tables
from tests.pagetools import arr, chart, metric, number, table

PAGE = "chapters/own_data.py"


def train_to_the_end(app, limit: int = 60):
    app.button(key="od_start").click().run()
    for _ in range(limit):
        if app.session_state["od_eval"] is not None or not app.session_state["od_running"]:
            break
        app.run()
    assert not app.exception, app.exception
    return app


def formulas(app) -> list[str]:
    """The page's st.latex formulas, without the $$ Streamlit wraps them in."""
    return [l.value.strip().strip("$").strip() for l in app.latex]


def upload(app, name: str, data: bytes):
    app.session_state["w_od_table"] = "upload"
    app.run()
    app.file_uploader(key="od_upload_file").set_value((name, data, "text/csv")).run()
    assert not app.exception, app.exception
    return app


# -- softmax -----------------------------------------------------------------------------------------

def test_two_class_softmax_shows_the_sigmoid_of_the_difference_with_the_numbers(open_page):
    app = open_page(PAGE)
    assert app.title[0].value == "7 · Your own data"
    z1, z2 = app.session_state["w_od_z1"], app.session_state["w_od_z2"]
    bars = arr(chart(app, "od_softmax_chart")["data"][0]["y"])
    np.testing.assert_allclose(bars, softmax(np.array([[z1, z2]]))[0], rtol=1e-12)
    identity = [f for f in formulas(app) if r"\sigma(" in f and "and" in f][0]
    left, right = re.findall(r"= (?:\\mathbf\{)?(0\.\d{4})", identity)
    assert left == right == f"{float(sigmoid(z1 - z2)):.4f}" == f"{bars[0]:.4f}"
    assert f"\\sigma({z1 - z2:.2f})" in identity


def test_k_logits_from_a_link_give_k_probabilities_and_the_loss_of_the_true_class(open_page):
    app = open_page(PAGE, k="4", z1="0.5", z2="2", z3="-1", z4="0", true="2")
    z = np.array([0.5, 2.0, -1.0, 0.0])
    y_hat = softmax(z[None])[0]
    np.testing.assert_allclose(arr(chart(app, "od_softmax_chart")["data"][0]["y"]), y_hat, rtol=1e-12)
    loss = [f for f in formulas(app) if f.startswith(r"L = -\log \hat y_{2}")][0]
    assert loss.endswith(rf"\mathbf{{{-np.log(y_hat[1]):.3f}}}")
    dz = [f for f in formulas(app) if f.startswith("dz")][0]
    assert dz.endswith("(" + ",\\; ".join(f"{d:+.3f}" for d in y_hat - np.eye(4)[1]) + ")")
    app.slider(key="w_od_z3").set_value(3.0).run()
    assert arr(chart(app, "od_softmax_chart")["data"][0]["y"]).argmax() == 2


# -- a table --------------------------------------------------------------------------------------------

def test_an_example_table_shows_its_columns_trains_and_draws_the_map(open_page):
    app = open_page(PAGE, od_tab="Your table")
    roles = table(app, "becomes")
    assert dict(zip(roles["column"], roles["becomes"]))["colour"] == "text → one-hot"
    assert "left out" in dict(zip(roles["column"], roles["becomes"]))["notes"]
    train_to_the_end(app)
    result = app.session_state["od_eval"]["result"]
    assert number(metric(app, "test accuracy")) == pytest.approx(100 * result.test_score, abs=0.06)
    assert result.test_score > 0.8
    confusion = chart(app, "od_confusion_chart")
    assert arr(confusion["data"][0]["z"]).reshape(3, 3).sum() == len(app.session_state["od_eval"]["prepared"].y_test)
    figure = chart(app, "od_map_chart")
    assert figure["layout"]["images"][0]["sizing"] == "stretch"
    assert [t["name"] for t in figure["data"] if t.get("showlegend", True)] == ["apple", "orange", "pear"]
    assert len(figure["data"]) == 6  # training and test rows of each class
    assert any("held at their means" in c.value for c in app.caption)
    assert app.get("download_button")
    # Another pair of inputs redraws the map over them.
    x, y = app.session_state["od_map"]  # by default the two columns of numbers the output moves most with
    assert {x, y} <= {"weight_g", "diameter_cm", "sugar_pct"}
    other = ({"weight_g", "diameter_cm", "sugar_pct"} - {x, y}).pop()
    [b for b in app.selectbox if b.key.startswith("od_map_y_")][0].set_value(other).run()
    assert app.session_state["od_map"] == (x, other)
    assert chart(app, "od_map_chart")["layout"]["yaxis"]["title"]["text"] == other


def test_a_table_of_numbers_is_a_regression_with_r2_and_a_map_of_numbers(open_page):
    app = open_page(PAGE, od_tab="Your table", table="flats", epochs="40")
    assert any("Here: **numbers**" in c.value for c in app.caption)
    train_to_the_end(app)
    result = app.session_state["od_eval"]["result"]
    assert number(metric(app, "test R²")) == pytest.approx(result.test_score, abs=6e-4) and result.test_score > 0.8
    history = app.session_state["od_run"]["history"]
    assert history[-1].train_accuracy is None and history[-1].test_r2 == pytest.approx(result.test_score, abs=1e-9)
    assert chart(app, "od_fit_chart") and chart(app, "od_map_chart")["data"][0]["type"] == "heatmap"


def test_predicting_numbers_as_classes_is_refused_with_a_message(open_page):
    app = open_page(PAGE, od_tab="Your table", table="flats", task="classes")
    assert not app.exception
    assert len(app.error) == 1 and "too many classes" in app.error[0].value
    assert "od_start" not in [b.key for b in app.button]  # nothing to train until the target makes sense


# -- bad files -------------------------------------------------------------------------------------------

WIDE = (",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" for _ in range(10_000)) + "\n").encode()
BAD = {
    "empty": (b"", "The file is empty"),
    "binary": (bytes(range(256)) * 8, "binary file"),
    "not UTF-8": ("city,value\nZürich,1\nKöln,2\n".encode("latin-1"), "not UTF-8"),
    "one row": (b"x,y\n1,2\n", "only one data row"),
    "one class only": (b"x,y\n" + b"".join(b"%d.5,same\n" % i for i in range(30)), "only one value"),
    "10,000 columns": (WIDE, "10,000 columns"),
    "over the cap": (b"x,y\n" + b"1,2\n" * (tables.MAX_BYTES // 4), "larger than the 10 MB limit"),
    "formula": (b'x,y\n1,a\n2,"=HYPERLINK(""http://127.0.0.1/x"",""[click](http://127.0.0.1)"")"\n3,b\n', "formula"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_each_bad_file_gets_one_clear_message_and_nothing_else_is_lost(open_page, case):
    app = open_page(PAGE, od_tab="Your table", k="3")
    data, words = BAD[case]
    upload(app, "table.csv", data)
    assert len(app.error) == 1, [e.value for e in app.error]
    message = app.error[0].value
    assert words in message.replace("\\", "")
    assert "Traceback" not in message and "](" not in message.replace("\\](", "")  # a link shows as text
    assert app.session_state["w_od_k"] == 3 and app.session_state["od_tab"] == "Your table"
    app.selectbox(key="w_od_table").set_value("exam").run()  # the page goes on
    assert not app.error and table(app, "becomes") is not None


def test_an_uploaded_table_trains_and_survives_a_visit_to_another_page(open_page):
    text = "height,weight,kind\n" + "".join(
        f"{h:.1f},{w:.1f},{'big' if h + w > 0 else 'small'}\n"
        for h, w in np.random.default_rng(0).normal(size=(120, 2)))
    app = upload(open_page(PAGE, od_tab="Your table"), "mine.csv", text.encode())
    assert app.session_state["od_target"] == "kind"
    app.switch_page("chapters/neuron.py").run()
    app.switch_page(PAGE).run()
    assert app.session_state["od_upload"][0] == "mine.csv" and not app.error
    train_to_the_end(app)
    assert app.session_state["od_eval"]["result"].test_score > 0.85


def test_changing_a_setting_after_training_clears_the_model_it_no_longer_describes(open_page):
    app = train_to_the_end(open_page(PAGE, od_tab="Your table", table="exam", epochs="30"))
    assert app.session_state["od_eval"] is not None and app.get("download_button")
    app.slider(key="w_od_epochs").set_value(50).run()
    assert app.session_state["od_eval"] is None and app.session_state["od_run"] is None
    assert not app.get("download_button") and not app.exception
