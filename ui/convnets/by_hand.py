"""Convolution chapter, tab 1: one 3×3 filter sliding over a small grey picture, one pixel written out."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import streamlit as st

from lessons import convolution

from ui import style
from ui.convnets import figures
from ui.pets.common import picture
from ui.pets.predict import UPLOAD_TYPES

SIZES = [24, 32, 48]          # small enough that every pixel is visible on a projector
BIAS_RANGE = (-1.0, 1.0)


def _clamp_pixel(size: int) -> None:
    """Keep the chosen pixel inside the picture when the picture shrinks (before the sliders are drawn)."""
    ss = st.session_state
    ss.w_cnn_row = min(max(ss.w_cnn_row, 1), size)
    ss.w_cnn_col = min(max(ss.w_cnn_col, 1), size)


def _picture_input(size: int) -> tuple[np.ndarray, str]:
    """(the grey picture A (size, size), what it is), from a built-in drawing or an upload."""
    source = st.radio("Picture", ["sample", "upload"], key="w_cnn_source", persist_state="session",
                      horizontal=True, format_func={"sample": "a drawing", "upload": "your photo"}.get)
    if source == "upload":
        file = st.file_uploader("Upload a photo (it becomes a small grey picture)", type=UPLOAD_TYPES,
                                key="cnn_hand_upload")
        if file is not None:
            pic, error = picture(file.getvalue(), size, "grey")
            if pic is not None:
                return pic[:, :, 0].astype(np.float64), file.name
            st.error(f"**{file.name}**: {error} Showing the drawing instead.", icon=":material/broken_image:")
        else:
            st.caption("No photo yet: showing the drawing.")
    name = st.selectbox("Drawing", list(convolution.SAMPLES), key="w_cnn_sample", persist_state="session",
                        format_func=convolution.SAMPLES.get, disabled=source == "upload")
    return convolution.sample_picture(name, size), convolution.SAMPLES[name]


def tex_number(v: float, digits: int = 2) -> str:
    """A weight or pixel for LaTeX: whole numbers as they are, ninths (the blur) as fractions, else rounded."""
    if float(v).is_integer():
        return f"{int(v)}"
    frac = Fraction(float(v)).limit_denominator(9)
    if frac.denominator == 9 and abs(float(frac) - v) < 1e-12:
        sign = "-" if frac < 0 else ""
        return f"{sign}\\tfrac{{{abs(frac.numerator)}}}{{{frac.denominator}}}"
    return f"{v:.{digits}f}"


def filter_matrix(W: np.ndarray) -> str:
    rows = r" \\ ".join(" & ".join(tex_number(w) for w in row) for row in W)
    return rf"W = \begin{{bmatrix}} {rows} \end{{bmatrix}}"


def pixel_formula(s: convolution.PixelSum) -> str:
    """Z[i, j] = Σ_a Σ_b W[a, b] · A[i+a−1, j+b−1] + b, then its nine products (one filter row per
    line), then the value."""
    lines = []
    for a in range(3):
        terms = " + ".join(f"({tex_number(s.W[a, b])})({s.window[a, b]:.2f})" for b in range(3))
        lines.append(("&= " if a == 0 else r"&\quad + ") + terms)
    lines[-1] += f" + ({tex_number(s.b)})"
    return (r"\begin{aligned} "
            rf"Z[{s.i}, {s.j}] &= \sum_{{a=0}}^{{2}} \sum_{{b=0}}^{{2}} W[a, b]\, A[{s.i}+a-1,\ {s.j}+b-1] + b \\ "
            + r" \\ ".join(lines)
            + rf" \\ &= \mathbf{{{s.value:.3f}}} \end{{aligned}}")


def render() -> None:
    # The picture and its output first, so they share the first screen with the filter; the words follow.
    controls, main = st.columns([1, 3], gap="medium")
    with controls:
        name = st.radio("Filter", list(convolution.FILTERS), key="w_cnn_filter", persist_state="session",
                        format_func=lambda k: convolution.FILTERS[k].label)
        f = convolution.FILTERS[name]
        st.latex(filter_matrix(f.W))
        st.caption(f.what)
        size = st.radio("Picture size (pixels per side)", SIZES, key="w_cnn_size", persist_state="session",
                        horizontal=True)
        A, what = _picture_input(size)
    with main:
        _clamp_pixel(size)
        s1, s2, s3 = st.columns(3)
        i = s1.slider("Output pixel: row i", 1, size, key="w_cnn_row", persist_state="session")
        j = s2.slider("Output pixel: column j", 1, size, key="w_cnn_col", persist_state="session")
        b = s3.slider("Bias b", *BIAS_RANGE, step=0.1, key="w_cnn_bias", persist_state="session")
        Z = convolution.convolve(A, f.W, b)  # the engine's Conv2D with W set to this filter
        st.plotly_chart(figures.convolution_pair(A, Z, i, j, height=340), config=style.CHART_CONFIG,
                        key="cnn_conv_chart")
        st.markdown(
            "A **filter** W is a 3×3 grid of weights. At every position it multiplies the 9 pixels under it by "
            "its 9 weights and adds them up, plus a bias b: one output pixel. Sliding it over the whole picture "
            "is a **convolution**; outside the picture pixels count as 0 (*zero padding*), so Z is as large as A.")
        st.caption(f"Left: {what}, {size}×{size} grey pixels (0 = black, 1 = white), with the 3×3 window "
                   f"(green) that makes output pixel ({i}, {j}). Right: the output of our engine's `Conv2D` with W set to this filter. "
                   "Along the border the window also covers the zero padding. Hover to read a pixel's value.")
    st.markdown(f"**Output pixel ({i}, {j}) by hand.** a, b = 0, 1, 2 walk the 3×3 window (row a, column b); "
                "the last + b is the bias. Pixels are shown rounded to 2 decimals.")
    st.latex(pixel_formula(convolution.pixel_sum(A, f.W, i, j, b)))
