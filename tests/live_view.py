"""Reading what a live view (``ui.live_frames``) was sent, and what the browser builds from it.

``curves_at`` is the browser's rule for a frame of the learning curves (``live_frames.js``: ``curvesFigure``)
written again in Python, so AppTest tests can check a data frame against the full figure; the e2e tests
check the browser itself (tests/e2e/test_live_frames.py).
"""

from __future__ import annotations

import json

import numpy as np

from ui.live_frames import grid_values


def sent(app, key: str) -> tuple[dict, bytes]:
    """(the JSON arguments, the grids' bytes) of the live view ``key`` in the app's last run."""
    for element in app.get("component_instance"):
        proto = element.proto
        if proto.id.endswith(f"-{key}"):
            grids = b"".join(a.bytes for a in proto.special_args if a.key == "grids")
            return json.loads(proto.json_args), grids
    raise AssertionError(f"no live view with key {key!r}")


def full(args: dict) -> dict:
    """The whole figures a page run sent ({panel: figure, "stats": {...}}), or {}."""
    return json.loads(args["full"]) if args.get("full") else {}


def frames(args: dict, grids: bytes) -> list[dict]:
    """The batch's frames, each with its grid of P(dog) as an (r, r) array ("P") and its numbers by name."""
    batch = args["batch"]
    r = batch["grid"]["r"]
    planes = grid_values(grids, r) if grids else np.zeros((0, r, r))
    labels = [key for key, _ in (full(args).get("stats") or {}).get("labels", [])]
    out = []
    for i, frame in enumerate(batch["frames"]):
        out.append({**frame, "P": planes[i] if i < len(planes) else None,
                    "numbers": dict(zip(labels, frame["stats"])) if labels else {}})
    return out


def history(series: dict, before: dict | None = None) -> dict[str, list]:
    """Series merged as the browser merges them: each part replaces everything from its ``from`` on."""
    out = {name: list(values) for name, values in (before or {}).items()}
    for name, part in series.items():
        have = out.setdefault(name, [])
        assert part["from"] <= len(have), (name, part["from"], len(have))
        del have[part["from"]:]
        have.extend(part["values"])
    return out


def _thin_index(n: int, most: int) -> list[int] | None:
    if n <= most:
        return None
    step = (n - 1) / (most - 1)
    out = []
    for i in range(most):
        k = n - 1 if i == most - 1 else int(i * step)
        if not out or out[-1] != k:
            out.append(k)
    if out[-1] != n - 1:
        out.append(n - 1)
    return out


def _axis_end(n: int) -> int:
    end = 10
    while end < n:
        end = end * 5 // 2 if str(end)[0] == "2" else end * 2
    return end


def curves_at(base: dict, series: dict[str, list], counts: dict[str, int]) -> dict:
    """The learning-curves figure a frame with ``counts`` ({"epochs": n, ...}) draws on ``base``."""
    meta = base["layout"].get("meta", {}).get("curves", {})
    most = meta.get("max_points", 800)
    data = []
    for trace in base["data"]:
        live = (trace.get("meta") or {}).get("live")
        if not live:
            data.append(trace)
            continue
        n = max(0, min(counts.get(live["group"], 0), len(series.get(live["y"], []))))
        ys = series.get(live["y"], [])[:n]
        xs = list(range(1, n + 1)) if live["x"] == "epoch" else series.get(live["x"], [])[:n]
        idx = _thin_index(n, most)
        data.append({**trace, "x": [xs[i] for i in idx] if idx else xs, "y": [ys[i] for i in idx] if idx else ys})
    layout = dict(base["layout"])
    end = _axis_end(counts.get("epochs", 0)) if meta.get("epoch_axis", "auto") == "auto" else meta["epoch_axis"]
    for axis in meta.get("axes", []):
        layout[axis] = {**layout[axis], "range": [0, end]}
    return {"data": data, "layout": layout}
