"""6 · Convolutional networks: filters that slide over the picture, the step that makes the photos work."""

import streamlit as st

from ui import state
from ui.convnets import by_hand, inside, train, why
from ui.convnets.common import DEFAULTS

state.init(DEFAULTS)
st.title("6 · Convolutional networks")
st.markdown(
    "Chapter 5's networks read a photo as one row of 12,288 numbers, blind to which pixel sits next to which. "
    r"A **convolutional network** keeps the picture's shape, $A^{[l]}$ of shape $(m, H, W, C)$, and learns "
    r"small **filters** $W^{[l]}$ that slide over it.")
# Only the open tab runs (on_change="rerun"), so a slider moves without redrawing every tab. The open tab
# is in the address bar (?cnn_tab=…), so a lecturer can link straight to one.
tab_hand, tab_why, tab_inside, tab_train = st.tabs(
    ["One convolution by hand", "Why convolution", "Inside the trained conv net", "Train a small conv net"],
    key="cnn_tab", on_change="rerun", bind="query-params")

if tab_hand.open:
    with tab_hand:
        by_hand.render()
if tab_why.open:
    with tab_why:
        why.render()
if tab_inside.open:
    with tab_inside:
        inside.render()
if tab_train.open:
    with tab_train:
        train.render()
