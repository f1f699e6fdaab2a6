"""Gradient-descent page: the charts' look, as plain Plotly layouts (the house look plus projector rules).

Plain dicts, not ``go.Figure``: validating the player's seven figures took 200 ms a setup, a
preset's whole budget; these take 2 ms.
"""

from __future__ import annotations

import base64
import copy
import functools

import numpy as np
import plotly.graph_objects as go

from ui import style

FONT = style.FONT_FAMILY
INK = "#111111"                # contrast 18.9:1 on white
TICK_SIZE, TITLE_SIZE = 16, 18
NO_ZOOM = dict(fixedrange=True)


def presenting() -> bool:
    """Whether the session is in presentation mode (``ui.present``), which the house look follows."""
    try:
        from ui import present
    except ImportError:  # the presentation switch is optional
        return False
    return present.is_on()


@functools.lru_cache(maxsize=4)
def _house(presenting: bool) -> dict:
    """The house look of ``ui.style.styled`` (presentation mode included) as a plain layout."""
    layout = style.styled(go.Figure()).to_plotly_json()["layout"]
    layout.pop("template", None)
    layout.pop("height", None)
    layout.pop("title", None)
    return layout


def merge(base: dict, extra: dict) -> dict:
    """``base`` updated by ``extra``, nested dicts merged key by key (neither is changed)."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        out[key] = merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def layout(margin: dict, x: dict | None = None, y: dict | None = None, **extra) -> dict:
    """The house look plus this page's projector rules: dark ticks and titles of at least 16 px, the
    app's font, no zoom, and fixed margins (both layers of a view put the plot area in one place)."""
    house = _house(presenting())
    size = max(house["font"]["size"], 17)
    axis = dict(tickfont=dict(size=max(TICK_SIZE, size - 1), color=INK),
                title=dict(font=dict(size=max(TITLE_SIZE, size + 1), color=INK)),
                automargin=False, linecolor="#333333", tickcolor="#333333", ticks="outside", **NO_ZOOM)
    # Larger type (presentation mode) needs proportionally wider margins for the same tick labels.
    margin = {side: round(px * size / 17) for side, px in margin.items()}
    layout = merge(house, dict(
        autosize=True, font=dict(family=FONT, size=size, color=INK), margin=dict(autoexpand=False, **margin),
        dragmode=False, showlegend=False, hoverlabel=dict(font=dict(family=FONT, size=size - 1)),
        legend=dict(orientation="h", yanchor="bottom", y=1.01, x=0, font=dict(size=size - 1, color=INK))))
    if x is not None:
        layout["xaxis"] = merge(layout["xaxis"], merge(axis, x))
        layout["yaxis"] = merge(layout["yaxis"], merge(axis, y or {}))
    return merge(layout, extra)


def live_layout(layout: dict) -> dict:
    """The live layer's layout: the base's plot area, transparent, with no axis text or grid."""
    bare = dict(showgrid=False, zeroline=False, showline=False, showticklabels=False, ticks="", title=None)
    return merge(layout, dict(paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", showlegend=False,
                               shapes=[], annotations=[], xaxis=bare, yaxis=bare))


def live_scene_layout(layout: dict) -> dict:
    """The 3-D live layer's layout: the base's scene (ranges, aspect, camera), transparent, with no axes,
    grid or walls. Only the paths are drawn again each frame; the camera follows the base's
    (``player.js``), so this layer keeps no camera of its own (no ``uirevision``)."""
    bare = dict(showgrid=False, zeroline=False, showline=False, showticklabels=False, showbackground=False,
                showspikes=False, ticks="", title=dict(text=""))
    scene = layout["scene"]
    return merge(layout, dict(paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", showlegend=False,
                               uirevision=None, scene=dict(bgcolor="rgba(0,0,0,0)", dragmode=False,
                                                           **{a: bare for a in ("xaxis", "yaxis", "zaxis") if a in scene})))


def b64(a: np.ndarray) -> dict:
    """A float32 array in Plotly's typed-array form: 4 bytes a value for the big static arrays."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    out = {"dtype": "f4", "bdata": base64.b64encode(a.tobytes()).decode("ascii")}
    if a.ndim > 1:
        out["shape"] = ", ".join(str(n) for n in a.shape)
    return out


def view(base_data: list, live_data: list, layout: dict) -> dict:
    return {"base": {"data": base_data, "layout": layout},
            "live": {"data": live_data, "layout": live_layout(layout)}}


def scatter(**props) -> dict:
    return {"type": "scatter", **props}


def floats(v) -> list:
    return np.asarray(v, dtype=float).tolist()
