"""AppTest of "3 · Backpropagation": the graph's numbers are the engine's, Step and the vectorized pass."""

import numpy as np
import pytest

from lessons.graph import single_neuron
from tests.pagetools import annotations, arr, chart, metric, number, open_tab, table

PAGE = "chapters/backprop.py"
TABS = "bp_tab"


def test_graph_gradients_are_the_engines_and_match_gradcheck(open_page):
    bp = open_page(PAGE)
    open_tab(bp, TABS, "Forward & backward")
    grads = table(bp, "backprop dL/dθ")
    x, w, b = [1.0, 0.5, -1.0], [0.8, -0.5, 1.2], 0.2  # the page's defaults
    dW, db = single_neuron(w, b).gradients(np.array([x]), [1])
    shown = [number(v) for v in grads["backprop dL/dθ"]]
    assert shown == pytest.approx(list(dW[0][0]) + [db[0][0, 0]], rel=1e-3)
    assert [number(v) for v in grads["numeric dL/dθ"]] == pytest.approx(shown, rel=1e-3)
    assert "below 1e-7" in bp.success[0].value


def test_step_button_applies_one_update_and_the_loss_falls(open_page):
    bp = open_page(PAGE)
    open_tab(bp, TABS, "Forward & backward")
    before = number(metric(bp, "loss L"))
    expected_w1 = number(table(bp, "after Step: θ − α·dθ")["after Step: θ − α·dθ"][0])
    bp.button(key="bp_step").click().run()
    assert metric(bp, "gradient-descent steps") == "1"
    after = number(metric(bp, "loss L"))
    assert after < before
    assert number(table(bp, "after Step: θ − α·dθ")["value"][0]) == pytest.approx(expected_w1, rel=1e-3)
    assert arr(chart(bp, "bp_loss_chart")["data"][0]["y"]) == pytest.approx([before, after], rel=1e-3)
    bp.button(key="bp_reset_gd").click().run()
    assert metric(bp, "gradient-descent steps") == "0"


def test_changing_the_label_restarts_gradient_descent_for_a_cat(open_page):
    bp = open_page(PAGE)
    open_tab(bp, TABS, "Forward & backward")
    bp.button(key="bp_step").click().run()
    bp.radio(key="w_bp_label").set_value(0).run()
    assert metric(bp, "gradient-descent steps") == "0"
    assert "dz = a − y" in annotations(chart(bp, "bp_graph_chart"))
    assert "= 0 (cat)" in annotations(chart(bp, "bp_graph_chart"))


def test_vectorized_batch_table_has_m_rows_with_dz_equal_a_minus_y(open_page):
    bp = open_page(PAGE)
    open_tab(bp, TABS, "Forward & backward")
    bp.slider(key="w_bp_batch_m").set_value(6).run()
    batch = table(bp, "dz = a − y")
    assert len(batch) == 6
    a = np.array([number(v) for v in batch["a = σ(z)"]])
    dz = np.array([number(v) for v in batch["dz = a − y"]])
    np.testing.assert_allclose(dz, a - batch["y"].to_numpy(), atol=1e-3)


def test_warm_up_graph_shows_forward_and_backward_numbers(open_page):
    bp = open_page(PAGE)
    open_tab(bp, TABS, "Forward & backward")
    text = annotations(chart(bp, "bp_warm_chart"))
    assert "= 33" in text and "dJ/db = 3c<br>= 6" in text and "dJ/dc = 3b<br>= 9" in text
    bp.number_input(key="w_bp_warm_a").set_value(1.0)
    bp.number_input(key="w_bp_warm_b").set_value(2.0)
    bp.number_input(key="w_bp_warm_c").set_value(-3.0).run()
    text = annotations(chart(bp, "bp_warm_chart"))
    assert "= −15" in text and "dJ/db = 3c<br>= −9" in text and "dJ/dc = 3b<br>= 6" in text


def test_vectorization_timing_shows_equal_outputs_and_a_speed_up(open_page):
    bp = open_page(PAGE)
    open_tab(bp, TABS, "Vectorization")
    assert "Time it" in bp.info[0].value
    bp.button(key="bp_vec_run").click().run()
    timings = table(bp, "speed-up")
    assert list(timings["m"]) == ["10", "100", "1,000", "10,000"]
    assert all(number(v) < 1e-12 for v in timings["max |ŷ loop − ŷ vectorized|"])
    assert number(timings["speed-up"].iloc[-1]) > 1
    assert any("agree" in s.value for s in bp.success)


def test_the_neurons_example_from_chapter_1_follows_into_the_graph_and_survives_a_page_visit(open_page):
    bp = open_page(PAGE)
    bp.switch_page("chapters/neuron.py").run()
    bp.slider(key="w_neuron_x1").set_value(-2.0).run()
    bp.switch_page(PAGE).run()
    open_tab(bp, TABS, "Forward & backward")
    assert "x (input)</b><br>= [−2, 0.5, −1]" in annotations(chart(bp, "bp_graph_chart"))
    bp.switch_page("chapters/home.py").run()
    bp.switch_page("chapters/neuron.py").run()
    assert bp.slider(key="w_neuron_x1").value == -2.0


def test_a_link_opens_the_tab_it_names(open_page):
    bp = open_page(PAGE, bp_tab="Vectorization")
    assert "Time it" in bp.info[0].value
