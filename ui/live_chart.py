"""A Plotly chart that stays mounted while its figure changes, for redraws several times a second.

``st.plotly_chart`` derives the chart's identity from the figure itself, so every new figure
unmounts the old chart and draws the new one from scratch (``Plotly.newPlot``, 150–500 ms a chart
in headless Chromium on our machine). This component keeps one chart per ``key`` and hands each
new figure to ``Plotly.react``, which redraws only what changed.

Two details keep those redraws cheap (measured, see ``benchmarks/playground_browser_fps.py``):

- figures are plain dicts (``go.Figure`` checks every property and encodes arrays as base64
  typed arrays, which Plotly.react compares as objects and so redraws in full every time);
  arrays travel as plain JSON lists;
- the figure's template travels on its own and the frontend reuses the parsed template object
  while its text is unchanged; a new template object also means a full redraw.

The frontend is one HTML file (``live_chart_frontend/index.html``) plus the ``plotly.min.js`` that
ships inside the installed ``plotly`` Python package. Both are copied into a private temporary
directory when this module is first imported and served from there by Streamlit, so the app needs
no internet connection and the repository carries no copy of plotly.js.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import streamlit.components.v1 as components
from plotly.utils import PlotlyJSONEncoder

from . import style
from .frontend import PLOTLY_JS, font_file, served_directory

FRONTEND = Path(__file__).with_name("live_chart_frontend")
_component = components.declare_component("live_chart", path=str(served_directory(
    "neuronlab-live-chart-", {"index.html": FRONTEND / "index.html", "plotly.min.js": PLOTLY_JS,
                              **font_file()})))


def _plain(value):
    """json.dumps fallback: NumPy arrays and scalars as plain lists and numbers."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def to_json(obj) -> str:
    """``obj`` as JSON with every array a plain list. Non-finite numbers (gaps in a line, a diverged
    cost) become null, as Plotly expects; that slower path runs only when there are any."""
    try:
        return json.dumps(obj, default=_plain, allow_nan=False)
    except ValueError:  # NaN or ±inf somewhere: Plotly's encoder writes them as null
        return json.dumps(json.loads(json.dumps(obj, default=_plain)), cls=PlotlyJSONEncoder)


def frames_json(figures: list[dict]) -> str:
    """The figures as one JSON list: the first whole, each later one as a patch on the one before it
    ({"patch": true, "n": number of traces, "data": {index: trace}, "layout": {key: value}, "drop": [layout
    keys gone]}, only what changed). While training, four boundary frames differ only in their image and four curve frames
    only in their lines, so the patches are a fraction of the whole figures."""
    items, before = [], None
    for figure in figures:
        traces = [to_json(trace) for trace in figure["data"]]
        layout = {key: to_json(value) for key, value in figure["layout"].items()}
        if before is None:
            items.append('{"data":[%s],"layout":{%s}}' % (
                ",".join(traces), ",".join(f"{json.dumps(k)}:{v}" for k, v in layout.items())))
        else:
            old_traces, old_layout = before
            data = {i: t for i, t in enumerate(traces) if i >= len(old_traces) or old_traces[i] != t}
            changed = {k: v for k, v in layout.items() if old_layout.get(k) != v}
            dropped = [k for k in old_layout if k not in layout]
            items.append('{"patch":true,"n":%d,"data":{%s},"layout":{%s},"drop":%s}' % (
                len(traces), ",".join(f'"{i}":{t}' for i, t in data.items()),
                ",".join(f"{json.dumps(k)}:{v}" for k, v in changed.items()), json.dumps(dropped)))
        before = traces, layout
    return "[" + ",".join(items) + "]"


def live_chart(spec: dict | list[dict], *, key: str, label: str | None = None, every: float | None = None) -> None:
    """Draw a figure given as a plain {"data": [...], "layout": {...}} dict (NumPy arrays allowed, as
    ``ui.playground.figures`` builds them) in a chart that persists across reruns under ``key``. ``label`` is
    the chart's accessible name (default: its title).

    A list of figures with ``every`` (seconds) is played in the browser one every ``every`` seconds, the
    last one staying: a server that sends four figures each quarter of a second moves the chart 16 times a
    second. Figures share the first one's template."""
    specs = spec if isinstance(spec, list) else [spec]
    template, figures = None, []
    for one in specs:
        layout = dict(one.get("layout", {}))
        template = layout.pop("template", template)
        figures.append({"data": one.get("data", []), "layout": layout})
    title = figures[-1]["layout"].get("title")
    label = label or (title.get("text") if isinstance(title, dict) else None) or key
    played = every is not None and len(figures) > 1
    _component(figure=frames_json(figures) if played else to_json(figures[-1]), template=to_json(template),
               every_ms=round(every * 1000) if played else 0, config=style.CHART_CONFIG, chart=key, title=label,
               key=key, default=None)
