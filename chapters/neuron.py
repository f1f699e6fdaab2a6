"""1 · The neuron and the sigmoid: z = w·x + b, a = σ(z), and the other activations."""

import streamlit as st

from ui import chapter, links, style, tabs
from ui.neuron import activations, controls
from ui.neuron.drawing import neuron_figure

TABS = ("A single neuron", "The sigmoid and other activations")
LINK = links.Link("neuron", (*controls.CONTROLS, tabs.control(TABS, "neuron_tab")))

chapter.begin("1 · The neuron and the sigmoid", LINK)
st.markdown(r"A neuron weighs its inputs, adds a bias and squashes the sum: $z = w \cdot x + b$, "
            r"$a = \sigma(z) = \frac{1}{1 + e^{-z}}$. One neuron with the sigmoid is **logistic regression**: "
            r"$a$ is read as $\hat y = P(\text{dog} \mid x)$.")
x, w, b, z, a = controls.current()


def single_neuron() -> None:
    left, right = st.columns([1, 1.9])
    with left:
        controls.sliders()
    with right:
        # The drawing first, so the neuron and its sliders share the first screen; the numbers follow.
        st.plotly_chart(neuron_figure(x, w, b, z, a, w_max=controls.LIMIT, height=380), config=style.CHART_CONFIG,
                        key="neuron_drawing_chart")
        st.caption("Edge thickness ∝ |w·x|, the size of each input's contribution to z. Blue edges "
                   "(w·x > 0) push z up, towards dog; orange edges (w·x < 0) push it down, towards cat. "
                   "The sign of w alone does not say which: a positive w on a negative x pushes "
                   "towards cat.")
        m1, m2, m3 = st.columns(3)
        m1.metric("z = w·x + b", f"{z:.3f}")
        m2.metric("a = σ(z)", f"{a:.3f}")
        m3.metric("class (threshold 0.5)", "dog (1)" if a >= 0.5 else "cat (0)")
        terms = " + ".join(f"({wk:g})({xk:g})" for wk, xk in zip(w, x))
        st.markdown(f"$z = {terms} + ({b:g}) = \\mathbf{{{z:.3f}}}$, &nbsp; "
                    f"$\\sigma(z) = \\frac{{1}}{{1 + e^{{-z}}}} = \\mathbf{{{a:.3f}}}$")


tabs.tabs(list(zip(TABS, (single_neuron, lambda: activations.render(z)))), key="neuron_tab")
chapter.end(LINK)
