"""One look for every chart: large type and thick lines that read on a projector."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import streamlit  # noqa: F401  importing Streamlit sets Plotly's default template; ours below must win

# Okabe–Ito colours: distinguishable with the common colour-vision deficiencies.
CAT = "#E69F00"      # y = 0
DOG = "#0072B2"      # y = 1
ACCENT = "#D55E00"
GREEN = "#009E73"
GREY = "#666666"
RUNS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
CLASS_COLORS = {0: CAT, 1: DOG}

FONT_SIZE = 17
# Every figure starts from the white template. Setting it as the default applies it when a figure is
# created, at no cost; passing template= per figure re-validates the whole template (~50 ms a figure),
# too slow for live redraws.
pio.templates.default = "plotly_white"

# A diverging scale for probabilities / signed weights: cat orange ↔ white ↔ dog blue.
DIVERGING = [[0.0, CAT], [0.5, "#FFFFFF"], [1.0, DOG]]


def styled(fig: go.Figure, height: int = 420, title: str | None = None) -> go.Figure:
    """Apply the house look to a figure and return it (fonts, margins, white background)."""
    fig.update_layout(
        height=height,
        font=dict(size=FONT_SIZE, color="#111111"),
        title=dict(text=title, font=dict(size=FONT_SIZE + 3)) if title else None,
        margin=dict(l=60, r=20, t=60 if title else 20, b=55),
        legend=dict(font=dict(size=FONT_SIZE - 1)),
        hoverlabel=dict(font_size=FONT_SIZE - 1),
    )
    fig.update_xaxes(title_font=dict(size=FONT_SIZE + 1), tickfont=dict(size=FONT_SIZE - 2),
                     showline=True, linecolor="#444", gridcolor="#E3E3E3", zerolinecolor="#BBBBBB")
    fig.update_yaxes(title_font=dict(size=FONT_SIZE + 1), tickfont=dict(size=FONT_SIZE - 2),
                     showline=True, linecolor="#444", gridcolor="#E3E3E3", zerolinecolor="#BBBBBB")
    return fig


# Plotly's mode bar and scroll-zoom get in the way during a live demo.
CHART_CONFIG = {"displaylogo": False, "scrollZoom": False,
                "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"]}
