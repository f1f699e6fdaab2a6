"""One look for every chart: large type and thick lines that read on a projector."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import streamlit  # noqa: F401  importing Streamlit sets Plotly's default template; ours below must win

from ui import present

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
CAT = "#E69F00"      # y = 0
DOG = "#0072B2"      # y = 1
ACCENT = "#D55E00"
GREEN = "#009E73"
GREY = "#666666"
RUNS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
CLASS_COLORS = {0: CAT, 1: DOG}
# k classes: Okabe–Ito colours (class 0 and 1 keep cat orange and dog blue), each class also with its own
# marker shape, so no class is told apart by colour alone.
CLASS_PALETTE = [CAT, DOG, GREEN, "#CC79A7", ACCENT, "#56B4E9", "#F0E442", "#000000"]
CLASS_MARKERS = ["circle", "square", "diamond", "triangle-up", "x", "star", "triangle-down", "cross"]

FONT_SIZE = 17
PRESENT_FONT_SIZE = 22  # presentation mode: chart type for the back of a hall
INK = "#111111"         # text on white: contrast 18.9:1
# The app's own font (Streamlit's theme), also served inside the chart components so they match the page.
FONT_FAMILY = '"Source Sans", "Source Sans Pro", sans-serif'
# Every figure starts from the white template. Setting it as the default applies it when a figure is
# created, at no cost; passing template= per figure re-validates the whole template (~50 ms a figure),
# too slow for live redraws.
pio.templates.default = "plotly_white"

# A diverging scale for probabilities / signed weights: cat orange ↔ white ↔ dog blue.
DIVERGING = [[0.0, CAT], [0.5, "#FFFFFF"], [1.0, DOG]]


def styled(fig: go.Figure, height: int = 420, title: str | None = None) -> go.Figure:
    """Apply the house look to a figure and return it (fonts, margins, white background).

    Ticks and titles are dark and at least 16 px; in presentation mode (``ui.present``) the type is
    larger still and lines and markers thicker.
    """
    big = present.is_on()
    size = PRESENT_FONT_SIZE if big else FONT_SIZE
    fig.update_layout(
        height=height,
        font=dict(family=FONT_FAMILY, size=size, color=INK),
        title=dict(text=title, font=dict(size=size + 3, color=INK)) if title else None,
        margin=dict(l=60, r=20, t=60 if title else 20, b=55),
        legend=dict(font=dict(size=size - 1, color=INK)),
        hoverlabel=dict(font_size=size - 1),
    )
    axis = dict(title_font=dict(size=size + 1, color=INK), tickfont=dict(size=size - 1, color=INK),
                showline=True, linecolor="#444", gridcolor="#E3E3E3", zerolinecolor="#BBBBBB")
    fig.update_xaxes(**axis)
    fig.update_yaxes(**axis)
    if big:
        _thicken(fig)
    return fig


def _thicken(fig: go.Figure, factor: float = 1.6) -> None:
    """Lines and markers of scatter traces ``factor`` times as thick, for a projector."""
    for trace in fig.data:
        if trace.type != "scatter":
            continue
        if trace.line is not None and trace.line.width is not None:
            trace.line.width = trace.line.width * factor
        if trace.marker is not None and isinstance(trace.marker.size, (int, float)):
            trace.marker.size = trace.marker.size * factor


# Plotly's mode bar and scroll-zoom get in the way during a live demo.
CHART_CONFIG = {"displaylogo": False, "scrollZoom": False,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
