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


def live_figures(text: str) -> list[dict]:
    """The figures a live chart's ``figure`` argument stands for: one whole figure, or a list whose later
    items are patches on the one before (``ui.live_chart.frames_json``), applied as the browser does."""
    parsed = json.loads(text)
    if not isinstance(parsed, list):
        return [parsed]
    figures = []
    for item in parsed:
        if not item.get("patch"):
            figures.append(item)
            continue
        data = figures[-1]["data"][:item["n"]]
        data += [None] * (item["n"] - len(data))
        for index, trace in item["data"].items():
            data[int(index)] = trace
        layout = {k: v for k, v in {**figures[-1]["layout"], **item["layout"]}.items() if k not in item["drop"]}
        figures.append({"data": data, "layout": layout})
    return figures
