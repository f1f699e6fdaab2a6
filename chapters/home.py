"""Home: the story in a few lines, links to the chapters, and the engine at work."""

import streamlit as st

from lessons import first_neuron
from ui import chapter, figures, links, nav, present, style

LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
LINK = links.Link("home", (links.Control("w_home_learning_rate", "lr", 1.0, options=LEARNING_RATES),
                           links.Control("w_home_epochs", "steps", 60, bounds=(1, 300))))


@st.cache_data(show_spinner=False)
def train(learning_rate: float, epochs: int) -> first_neuron.FirstNeuron:
    return first_neuron.train(learning_rate, epochs)


@st.cache_resource(show_spinner=False, max_entries=64)
def charts(learning_rate: float, epochs: int, presenting: bool):
    """The two figures for one setting (and look), shared by every student who picks it: building them
    was most of a home visit's server time (30–65 ms), which a class arriving at once pays together."""
    run = train(learning_rate, epochs)
    return (figures.one_feature_fit(run.x, run.y, run.x_grid, run.p_grid, title="Data and ŷ = σ(wx + b)",
                                    height=330),
            figures.cost_curve({"train": [r.train_cost for r in run.records]}, title="Cost J after each step",
                               x_title="gradient-descent step", height=280))


chapter.begin("Neuron Lab", LINK)
st.markdown("#### Neural networks from first principles, one neuron at a time")

# First the engine at work, controls beside the fitted curve, so the lesson is on the first screen.
st.markdown("**A one-neuron network learns, right now.** Eighty cats (y = 0) and dogs (y = 1) described by one "
            "feature x; the neuron starts from random w and b and takes full-batch gradient-descent steps on J(w, b).")
knobs, chart_column = st.columns([1, 1.9], gap="medium")
with knobs:
    learning_rate = st.select_slider("Learning rate α", options=LEARNING_RATES, key="w_home_learning_rate",
                                     persist_state="session")
    epochs = st.slider("Gradient-descent steps", 1, 300, key="w_home_epochs", persist_state="session")
    run = train(learning_rate, epochs)
    last = run.records[-1]
    m1, m2 = st.columns(2)
    m1.metric("w", f"{run.w:.3f}")
    m2.metric("b", f"{run.b:.3f}")
    m3, m4 = st.columns(2)
    m3.metric("cost J", f"{last.train_cost:.4f}")
    m4.metric("training accuracy", f"{last.train_accuracy:.0%}")
with chart_column:
    fit_chart, cost_chart = charts(learning_rate, epochs, present.is_on())
    st.plotly_chart(fit_chart, config=style.CHART_CONFIG, key="home_fit_chart")
    st.plotly_chart(cost_chart, config=style.CHART_CONFIG, key="home_cost_chart")
st.caption("Everything here is computed by Neuron Lab's own NumPy engine (`engine/`), no deep-learning framework.")

st.subheader("The story, one chapter at a time")
st.markdown(
    r"A neuron computes $z = w \cdot x + b$ and squashes it with the **sigmoid** "
    r"$\sigma(z) = \frac{1}{1 + e^{-z}}$ into a probability $\hat y$. One neuron is **logistic regression**. "
    r"We score it with the **loss** $\mathcal{L}(\hat y, y)$ and the **cost** $J(w, b)$, a convex bowl that "
    "**gradient descent** rolls down. **Forward** and **backward propagation** compute $\\hat y$ and the "
    r"gradients. **Layers** of neurons, $Z^{[l]} = A^{[l-1]} W^{[l]\top} + b^{[l]}$, and then **deeper "
    "networks** learn curved boundaries. Then a real task: telling **cats from dogs** in photos."
)
cols = st.columns(2)
for i, page in enumerate(p for p in nav.PAGES if p.url_path):
    with cols[i % 2], st.container(border=True):
        st.page_link(page.file, label=page.title, icon=page.icon)
        st.caption(page.blurb)
chapter.end(LINK)
