"""The course's notation, said once and reachable from every page (the sidebar)."""

import streamlit as st

NOTATION = r"""
| symbol | meaning |
|---|---|
| $m$ | number of examples (rows of $X$) |
| $n$ | number of input features (columns of $X$) |
| $L$ | number of layers; layers are $l = 1 \dots L$ |
| $u^{[l]}$ | units in layer $l$ ($u^{[0]} = n$, $u^{[L]} = 1$) |
| $X$ | inputs, $(m, n)$; one row per example; $A^{[0]} = X$ |
| $W^{[l]}$, $b^{[l]}$ | weights $(u^{[l]}, u^{[l-1]})$ and biases $(1, u^{[l]})$ |
| $Z^{[l]}$, $A^{[l]}$ | $Z^{[l]} = A^{[l-1]} W^{[l]\top} + b^{[l]}$, $A^{[l]} = g(Z^{[l]})$, both $(m, u^{[l]})$ |
| $\hat y$ | $\sigma(Z^{[L]}) = P(\text{dog})$; $y = 1$ is dog, $y = 0$ is cat |
| $\mathcal{L}$, $J$ | loss of one example, cost $J = \frac{1}{m} \sum_i \mathcal{L}(\hat y^{(i)}, y^{(i)})$ |
| $dW^{[l]}$ | $\partial J / \partial W^{[l]} = \frac{1}{m}\, dZ^{[l]\top} A^{[l-1]}$, with $dZ^{[L]} = A^{[L]} - Y$ |
"""

OTHER_TEXTS = ("Some textbooks write $n$ for the number of examples and $m$ (or $d$) for the features, "
               "or put examples in columns ($X$ is $(n_x, m)$). Here rows are examples, always.")


def sidebar() -> None:
    """The notation box, folded away in the sidebar."""
    with st.sidebar.expander("Notation", icon=":material/functions:"):
        st.markdown(NOTATION)
        st.caption(OTHER_TEXTS)
