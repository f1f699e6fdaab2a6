"""Access for everyone (WCAG 2.1 AA), on every page, once per run (``install``):

- every Plotly chart gets a text alternative that says what it shows now, read from the figure itself
  (its title, axes and each trace's values: "cost J: 60 points, from 0.69 to 0.23, falling"), in a
  paragraph that screen readers read right after the chart and that takes no room on the screen;
- a formula too wide for its column can be scrolled with the keyboard (it takes focus), and the keyboard
  hint inside a primary button (Streamlit draws it at 60 % opacity, 2.9:1) is drawn at full contrast.

The pages' own widgets keep Streamlit's keyboard support and visible focus.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Sequence

import numpy as np
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

TEXT_CLASS = "neuron-lab-chart-text"
MAX_TRACES = 4

CSS_AND_SCRIPT = """
<style>
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > #neuron-lab-a11y) { display: none; }
/* A chart's text alternative: read by screen readers after the chart, no room taken on screen. */
[data-testid="stElementContainer"]:has(.%(text)s) {
  position: absolute !important; width: 1px !important; height: 1px !important; overflow: hidden !important;
  clip-path: inset(50%%) !important; white-space: nowrap !important; margin: -1px !important; }
/* The keyboard hint in a primary button at full contrast (white on the theme's blue: 5.1:1). */
button[kind="primary"] kbd { color: #ffffff !important; opacity: 1 !important; }
</style>
<script id="neuron-lab-a11y">
(() => {
  if (window.__neuronLabA11y) return;
  window.__neuronLabA11y = true;
  // A formula wider than its column scrolls: it must take keyboard focus to be scrolled without a mouse.
  let queued = false;
  const mark = () => {
    queued = false;
    for (const box of document.querySelectorAll('.katex-display')) {
      const wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && box.getAttribute('tabindex') !== '0') {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'group');
        box.setAttribute('aria-label', 'Formula, scroll sideways to read it all');
      } else if (!wide && box.getAttribute('tabindex') === '0') {
        box.removeAttribute('tabindex');
      }
    }
  };
  new MutationObserver(() => { if (!queued) { queued = true; requestAnimationFrame(mark); } })
    .observe(document.body, {childList: true, subtree: true});
  window.addEventListener('resize', () => requestAnimationFrame(mark));
  mark();
})();
</script>
""" % {"text": TEXT_CLASS}


def install() -> None:
    """Once per run, before the page: the styles and the script above, and charts that describe themselves."""
    st.html(CSS_AND_SCRIPT, unsafe_allow_javascript=True)
    if not getattr(DeltaGenerator.plotly_chart, "_neuron_lab_described", False):
        DeltaGenerator.plotly_chart = _described(DeltaGenerator.plotly_chart)
        st.plotly_chart = functools.partial(DeltaGenerator.plotly_chart, st._main)  # noqa: SLF001


def _described(plotly_chart):
    @functools.wraps(plotly_chart)
    def described(self, figure_or_data, *args, **kwargs):
        shown = plotly_chart(self, figure_or_data, *args, **kwargs)
        try:
            text = describe(figure_or_data)
        except Exception:  # noqa: BLE001 - a description must never break the chart it describes
            text = ""
        if text:
            self.html(f'<p class="{TEXT_CLASS}">{html.escape(text)}</p>')
        return shown

    described._neuron_lab_described = True
    return described


# -- what a figure shows, in words ----------------------------------------------------------------

def _num(v: float) -> str:
    if not math.isfinite(v):
        return str(v)
    return f"{v:.3g}" if abs(v) < 1e4 else f"{v:.2e}"


def _text(value) -> str:
    if value is None:
        return ""
    text = getattr(value, "text", value)
    return str(text or "").replace("<b>", "").replace("</b>", "").replace("<br>", " ")


def _values(data) -> np.ndarray | None:
    if data is None or isinstance(data, (str, bytes)):
        return None
    try:
        array = np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        return None
    return array if array.size else None


def _trend(y: np.ndarray) -> str:
    finite = y[np.isfinite(y)]
    if finite.size < 2:
        return ""
    first, last = finite[0], finite[-1]
    scale = max(abs(first), abs(last), 1e-12)
    if abs(last - first) <= 0.02 * scale:
        return "about flat"
    return "falling" if last < first else "rising"


def _trace(trace, x_title: str, y_title: str) -> str:
    name = _text(getattr(trace, "name", ""))
    kind = trace.type
    if kind in ("heatmap", "contour", "surface", "image"):
        z = _values(getattr(trace, "z", None))
        if z is None:
            return f"{name}: a picture"
        finite = z[np.isfinite(z)]
        shape = "×".join(str(n) for n in z.shape)
        return f"{name}: a {shape} map, values from {_num(finite.min())} to {_num(finite.max())}" if finite.size \
            else f"{name}: a {shape} map"
    x, y = _values(getattr(trace, "x", None)), _values(getattr(trace, "y", None))
    if kind == "bar":
        labels = getattr(trace, "x", None)
        y = _values(getattr(trace, "y", None))
        if y is None or labels is None:
            return f"{name}: bars"
        pairs = [f"{label} {_num(v)}" for label, v in list(zip(labels, y.ravel()))[:8]]
        return f"{name}: " + ", ".join(pairs)
    if y is None:
        return ""
    y = y.ravel()
    if y.size == 1:
        at = f" at {x_title or 'x'} = {_num(float(x.ravel()[0]))}" if x is not None and x.size else ""
        return f"{name}: one point, {y_title or 'y'} = {_num(float(y[0]))}{at}"
    finite = y[np.isfinite(y)]
    if not finite.size:
        return f"{name}: {y.size} points"
    if "lines" not in str(getattr(trace, "mode", None) or "lines"):  # points: where they lie
        words = f"{name}: {y.size} points"
        if x is not None and np.isfinite(x).any():
            words += f", {x_title or 'x'} from {_num(np.nanmin(x))} to {_num(np.nanmax(x))}"
        return words + f", {y_title or 'y'} from {_num(finite.min())} to {_num(finite.max())}"
    words = f"{name}: {y.size} points, {y_title or 'y'} from {_num(finite[0])} to {_num(finite[-1])}"
    if x is not None and x.size == y.size:
        xs = x.ravel()
        words += f" as {x_title or 'x'} goes from {_num(xs[0])} to {_num(xs[-1])}, {_trend(y)}"
    return words


def describe(figure) -> str:
    """One paragraph: the chart's title, its axes, and what each of its first traces shows now."""
    data: Sequence = getattr(figure, "data", ()) or ()
    layout = getattr(figure, "layout", None)
    if layout is None or not data:
        return ""
    title = _text(getattr(layout, "title", None))
    x_title = _text(getattr(getattr(layout, "xaxis", None), "title", None))
    y_title = _text(getattr(getattr(layout, "yaxis", None), "title", None))
    head = f"Chart: {title}." if title else "Chart."
    axes = f" Across: {x_title}; up: {y_title}." if x_title or y_title else ""
    # Traces with a name: the unnamed ones are a drawing's strokes (edges, arrows), which a caption explains.
    shown = [t for t in data if getattr(t, "visible", True) not in (False, "legendonly") and _text(t.name)]
    parts = [p for p in (_trace(t, x_title, y_title) for t in shown[:MAX_TRACES]) if p]
    more = f" And {len(shown) - MAX_TRACES} more traces." if len(shown) > MAX_TRACES else ""
    return head + axes + (" " + "; ".join(parts) + "." if parts else "") + more
