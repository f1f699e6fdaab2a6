"""ui.live_chart's frames: the first figure whole, each later one a patch of what changed, which the
browser applies in turn (``tests.pagetools.live_figures`` is that rule, as live_chart_frontend/index.html
applies it)."""

import json

import numpy as np

from tests.pagetools import live_figures as rebuild
from ui.live_chart import frames_json, to_json


def test_patches_rebuild_every_frame_and_carry_only_what_changed():
    points = {"type": "scatter", "x": np.arange(300.0), "y": np.arange(300.0)}
    figures = [{"data": [points, {"type": "scatter", "x": [0, k], "y": [1.5, np.nan]}],
                "layout": {"images": [{"source": f"data:image/png;base64,{k}"}], "height": 300}}
               for k in range(4)]
    figures.append({"data": [points], "layout": {"height": 300}})  # a trace dropped
    figures.append({"data": [points, points], "layout": {"height": 320}})  # a trace added, the height changed
    text = frames_json(figures)
    assert rebuild(text) == [json.loads(to_json(f)) for f in figures]
    items = json.loads(text)
    assert not items[0].get("patch") and all(item["patch"] for item in items[1:])
    assert list(items[1]["data"]) == ["1"] and list(items[1]["layout"]) == ["images"]  # the points are not resent
    # Four frames that differ in a line and an image cost one figure plus three small patches.
    assert len(frames_json(figures[:4])) < len(to_json(figures[0])) + 3 * 200
