"""The "Vectorization" tab: time a Python-loop forward pass against the NumPy one, plot the ratio."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from engine import Network
from lessons.vectorize import Timing, sweep

from ui import style

RESULTS = "bp_timings"  # {"network": label, "timings": [Timing, ...]}
# Capped at 10 000 so the page's run stays near 2 s; benchmarks/vectorization.py goes to 100 000.
PAGE_MS = [10, 100, 1_000, 10_000]
NETWORKS = {"one neuron, [3, 1]": ([3, 1], "sigmoid"), "small network, [2, 8, 8, 1], tanh": ([2, 8, 8, 1], "tanh")}


def timing_figure(timings: list[Timing], height: int = 420) -> go.Figure:
    """Left: seconds per forward pass against m (log–log). Right: the speed-up, loop time / vectorized time."""
    ms = [t.m for t in timings]
    fig = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                        subplot_titles=["Time for one forward pass", "Speed-up of the vectorized pass"])
    fig.add_trace(go.Scatter(x=ms, y=[t.loop_seconds for t in timings], name="Python loops",
                             mode="lines+markers", line=dict(width=4, color=style.ACCENT), marker=dict(size=11)),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=ms, y=[t.vectorized_seconds for t in timings], name="vectorized NumPy",
                             mode="lines+markers", line=dict(width=4, color=style.DOG), marker=dict(size=11)),
                  row=1, col=1)
    fig.add_trace(go.Scatter(x=ms, y=[t.speed_up for t in timings], name="loop time / vectorized time",
                             mode="lines+markers+text", text=[f"{t.speed_up:.0f}×" for t in timings],
                             textposition="top left", textfont=dict(size=style.FONT_SIZE), cliponaxis=False,
                             line=dict(width=4, color=style.GREEN), marker=dict(size=11)), row=1, col=2)
    fig.update_xaxes(type="log", title_text="number of examples m",
                     range=[np.log10(min(ms)) - 0.4, np.log10(max(ms)) + 0.3])
    fig.update_xaxes(dtick=1)
    ticks = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100]
    fig.update_yaxes(type="log", title_text="time per pass", row=1, col=1, tickvals=ticks,
                     ticktext=["1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s", "10 s", "100 s"])
    ups = [t.speed_up for t in timings]
    fig.update_yaxes(type="log", title_text="times faster", row=1, col=2, dtick=1,
                     range=[min(0.0, np.log10(min(ups))) - 0.2, np.log10(max(max(ups), 10)) + 0.4])
    fig = style.styled(fig, height)
    fig.update_layout(legend=dict(orientation="h", y=-0.3, x=0), margin=dict(t=60))
    fig.update_annotations(font_size=style.FONT_SIZE + 1)
    return fig


def _run(label: str) -> None:
    sizes, activation = NETWORKS[label]
    net = Network(sizes, activation=activation, seed=0)
    bar = st.progress(0.0, text="Timing…")
    timings = []
    for i, t in enumerate(sweep(net, PAGE_MS, seed=0, repeats=3), start=1):
        timings.append(t)
        bar.progress(i / len(PAGE_MS), text=f"Timed m = {t.m:,}")
    bar.empty()
    st.session_state[RESULTS] = {"network": label, "timings": timings}


def render() -> None:
    st.markdown("The same forward pass two ways: **Python loops** over examples and units "
                r"($z_j = b_j + \sum_k W_{jk}\, a_k$, one number at a time) and **vectorized** NumPy, "
                r"$Z^{[l]} = A^{[l-1]} W^{[l]\top} + b^{[l]}$ for all $m$ examples in one matrix product. "
                r"Both give the same $\hat y$.")
    c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
    label = c1.selectbox("Network", list(NETWORKS), key="w_bp_vec_network", persist_state="session")
    if c2.button(f"Time it (m = 10 … {PAGE_MS[-1]:,})", key="bp_vec_run", type="primary"):
        _run(label)
    result = st.session_state.get(RESULTS)
    if result is None or result["network"] != label:
        st.info(f"Press **Time it** to measure both forward passes of the {label} on this machine "
                "(about 2 seconds).")
        return
    timings = result["timings"]
    st.plotly_chart(timing_figure(timings), config=style.CHART_CONFIG, key="bp_vec_chart")
    st.dataframe({"m": [f"{t.m:,}" for t in timings],
                  "loop (ms)": [f"{1e3 * t.loop_seconds:.3g}" for t in timings],
                  "vectorized (ms)": [f"{1e3 * t.vectorized_seconds:.3g}" for t in timings],
                  "speed-up": [f"{t.speed_up:.0f}×" for t in timings],
                  "max |ŷ loop − ŷ vectorized|": [f"{t.max_abs_difference:.1e}" if t.max_abs_difference else "0"
                                                   for t in timings]},
                 hide_index=True, key="bp_vec_table")
    worst = max(t.max_abs_difference for t in timings)
    st.success(f"Network {result['network']}: the two passes agree to {worst:.0e} on every ŷ "
               "(only the order of additions differs).")
    st.caption("The full sweep up to m = 100 000: `python benchmarks/vectorization.py`.")
