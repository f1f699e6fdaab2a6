"""6 · Convolutional networks: filters that slide over the picture, the step that makes the photos work."""

import streamlit as st

from ui import state, tabs
from ui.convnets import by_hand, inside, train, why
from ui.convnets.common import DEFAULTS

state.init(DEFAULTS)
st.title("6 · Convolutional networks")
st.markdown(
    "Chapter 5's networks read a photo as one row of 12,288 numbers, blind to which pixel sits next to which. "
    r"A **convolutional network** keeps the picture's shape, $A^{[l]}$ of shape $(m, H, W, C)$, and learns "
    r"small **filters** $W^{[l]}$ that slide over it.")
tabs.tabs([("One convolution by hand", by_hand.render), ("Why convolution", why.render),
           ("Inside the trained conv net", inside.render), ("Train a small conv net", train.render)],
          key="cnn_tab")
