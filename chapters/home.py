"""Home: the story in a few lines, links to the chapters, and the engine at work."""

import numpy as np
import streamlit as st

from engine import Network, datasets, fit, optimizers
from ui import figures, nav, state, style

DEFAULTS = {"w_home_learning_rate": 1.0, "w_home_epochs": 60}


@st.cache_data(show_spinner=False)
def train_logistic_regression(learning_rate: float, epochs: int, seed: int = 0):
    """A one-neuron network [1, 1] trained by full-batch gradient descent on a 1-D set."""
    X, y = datasets.one_feature(m=80, overlap=0.6, seed=seed)
    net = Network([1, 1], seed=seed)
    records = list(fit(net, X, y, optimizers.GradientDescent(learning_rate), epochs=epochs))
    x_grid = np.linspace(X.min() - 1, X.max() + 1, 200).reshape(-1, 1)
    return X[:, 0], y, x_grid[:, 0], net.forward(x_grid)[:, 0], records, net


state.init(DEFAULTS)
st.title("Neuron Lab")
st.markdown(
    "#### Neural networks from first principles, one neuron at a time\n"
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

st.divider()
st.subheader("The engine at work: a one-neuron network learns, right now")
st.markdown("Eighty cats (y = 0) and dogs (y = 1) described by one feature x. The neuron starts "
            "with random w and b and takes full-batch gradient-descent steps on J(w, b).")
c1, c2 = st.columns(2)
learning_rate = c1.select_slider("Learning rate α", options=[0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0],
                                 key="w_home_learning_rate", persist_state="session")
epochs = c2.slider("Gradient-descent steps", 1, 300, key="w_home_epochs", persist_state="session")
x, y, x_grid, p_grid, records, net = train_logistic_regression(learning_rate, epochs)
last = records[-1]
w, b = float(net.weights[0][0, 0]), float(net.biases[0][0, 0])
m1, m2, m3, m4 = st.columns(4)
m1.metric("w", f"{w:.3f}")
m2.metric("b", f"{b:.3f}")
m3.metric("cost J", f"{last.train_cost:.4f}")
m4.metric("training accuracy", f"{last.train_accuracy:.0%}")
left, right = st.columns(2)
left.plotly_chart(figures.one_feature_fit(x, y, x_grid, p_grid, title="Data and ŷ = σ(wx + b)"),
                  config=style.CHART_CONFIG, key="home_fit_chart")
right.plotly_chart(figures.cost_curve({"train": [r.train_cost for r in records]},
                                      title="Cost J after each step", x_title="gradient-descent step"),
                   config=style.CHART_CONFIG, key="home_cost_chart")
st.caption("Everything here is computed by Neuron Lab's own NumPy engine (`engine/`), no deep-learning "
           "framework.")
