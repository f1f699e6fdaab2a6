"""Reading what an AppTest page drew: charts, metrics, tables, numbers as a person reads them."""

import base64
import json

import numpy as np


def open_tab(app, key: str, label: str):
    """Select a tab as a click would (only the open tab's content runs) and rerun."""
    app.session_state[key] = label
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
