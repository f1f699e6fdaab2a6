"""Chapter 7, tab 1: softmax, where it first appears. k logits become k probabilities; the categorical
cross-entropy and dZ = ŷ − y with the numbers plugged in; and with k = 2, softmax is σ(z₁ − z₂)."""

from __future__ import annotations

import streamlit as st

from lessons.softmax import softmax_step

from ui import style
from ui.own_data import figures
from ui.own_data.common import K_CHOICES, Z_RANGE


def _v(x: float, digits: int = 3) -> str:
    """A number for LaTeX: negatives in brackets, so "− (−0.30)" reads right."""
    text = f"{x:.{digits}f}"
    return f"({text})" if x < 0 else text


def _controls() -> tuple[list[float], int]:
    ss = st.session_state
    k = st.segmented_control("Number of classes k", K_CHOICES, key="w_od_k", persist_state="session",
                             required=True)
    k = k or 2
    for c in range(1, max(K_CHOICES) + 1):
        if c <= k:
            st.slider(f"logit z{c} (class {c})", *Z_RANGE, step=0.1, key=f"w_od_z{c}", persist_state="session")
    if ss.w_od_true > k:
        ss.w_od_true = 1
    true = st.radio("True class y", list(range(1, k + 1)), key="w_od_true", persist_state="session",
                    horizontal=True, format_func=lambda c: f"class {c}")
    return [ss[f"w_od_z{c}"] for c in range(1, k + 1)], true - 1


def render() -> None:
    st.markdown(
        r"Until now one output unit said $\hat y = \sigma(z) = P(\text{dog})$, and $1 - \hat y$ was the other class. "
        r"For **k classes** the output layer has **k units**, one logit $z_k$ each, and **softmax** turns them into "
        r"k probabilities that are positive and sum to 1: $\hat y_k = \frac{e^{z_k}}{\sum_j e^{z_j}}$.")
    left, middle, right = st.columns([1, 1.25, 1.25], gap="medium")
    with left:
        z, true = _controls()
    step = softmax_step(z, true)
    names = [f"class {c}" for c in range(1, len(z) + 1)]
    with middle:
        st.plotly_chart(figures.softmax_bars(step.y_hat, true, names), config=style.CHART_CONFIG,
                        key="od_softmax_chart")
    with right:
        st.plotly_chart(figures.sigmoid_identity(z[0], z[1]), config=style.CHART_CONFIG, key="od_sigmoid_chart")
    _numbers(step, true)
    _two_classes(step, len(z))


def _numbers(step, true: int) -> None:
    k = len(step.z)
    exps = ",\\; ".join(f"e^{{{_v(zk, 2)}}} = {e:.3f}" for zk, e in zip(step.z, step.exp))
    probs = ",\\; ".join(f"\\hat y_{c + 1} = \\frac{{{e:.3f}}}{{{step.total:.3f}}} = \\mathbf{{{p:.3f}}}"
                         for c, (e, p) in enumerate(zip(step.exp, step.y_hat)))
    dz = ",\\; ".join(f"{p:.3f} - {int(y)}" for p, y in zip(step.y_hat, step.y))
    st.markdown("**Softmax, with the numbers:**")
    st.latex(exps + r",\quad \textstyle\sum_j e^{z_j} = " + f"{step.total:.3f}")
    st.latex(probs)
    st.markdown(
        rf"**The cost** is the **categorical cross-entropy**. y is one-hot (a 1 for class {true + 1}, 0 for the "
        r"others), so of $L = -\sum_k y_k \log \hat y_k$ only the true class's term is left, and over m examples "
        r"$J = -\frac{1}{m} \sum_{i=1}^{m} \sum_k y_{ik} \log \hat y_{ik}$. The engine computes it from the logits, "
        r"$\log \hat y_k = z_k - \log \sum_j e^{z_j}$, so nothing overflows.")
    st.latex(rf"L = -\log \hat y_{{{true + 1}}} = -\log {step.y_hat[true]:.3f} = \mathbf{{{step.loss:.3f}}}")
    st.markdown(r"**Backpropagation starts from the same shortcut** as for the sigmoid, $dZ^{[L]} = A^{[L]} - Y$:")
    st.latex(rf"dz = \hat y - y = ({dz}) = (" + ",\\; ".join(f"{d:+.3f}" for d in step.dz) + ")")
    st.caption(f"k = {k} units in the output layer, so W[L] has k rows and b[L] k entries. The push on each logit "
               "is ŷ − y: the true class's logit goes up by 1 − ŷ, every other one down by its ŷ.")


def _two_classes(step, k: int) -> None:
    z1, z2 = step.z[0], step.z[1]
    st.markdown("**Two classes: softmax is the sigmoid of the difference.** Divide the top and the bottom by "
                r"$e^{z_1}$:" + ("" if k == 2 else f" (with only classes 1 and 2; here k = {k}, so set k = 2 to see "
                                                      "the bars above agree)"))
    st.latex(r"\hat y_1 = \frac{e^{z_1}}{e^{z_1} + e^{z_2}} = \frac{1}{1 + e^{-(z_1 - z_2)}} = \sigma(z_1 - z_2)")
    st.latex(rf"\frac{{e^{{{_v(z1, 2)}}}}}{{e^{{{_v(z1, 2)}}} + e^{{{_v(z2, 2)}}}}} = "
             rf"\frac{{{step.exp[0]:.3f}}}{{{step.exp[0]:.3f} + {step.exp[1]:.3f}}} = {step.pair[0]:.4f}"
             rf"\quad\text{{and}}\quad \sigma({_v(z1, 2)} - {_v(z2, 2)}) = \sigma({_v(z1 - z2, 2)}) = "
             rf"\mathbf{{{step.sigmoid_of_difference:.4f}}}")
    st.caption("So a two-class softmax output is a sigmoid output with z = z₁ − z₂: chapters 1–6 were softmax all "
               "along. Only the difference of the logits matters; adding the same number to every z changes nothing.")
