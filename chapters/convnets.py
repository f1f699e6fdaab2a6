"""6 · Convolutional networks: filters that slide over the picture, the step that makes the photos work."""

import functools

import streamlit as st

from lessons import convolution
from ui import chapter, links, tabs
from ui.convnets import by_hand, inside, own_classes, train, why
from ui.convnets.common import DEFAULTS

TABS = ("One convolution by hand", "Why convolution", "Inside the trained conv net", "Train a small conv net",
        "Your own classes")

setting = functools.partial(links.from_defaults, {**DEFAULTS, **own_classes.DEFAULTS})
# Every tab's settings; the sample photo of "Inside" is not, since the photos depend on the server's folder.
LINK = links.Link("convnets", (
    setting("w_cnn_source", "picture", options=("sample", "upload")),
    setting("w_cnn_sample", "drawing", options=tuple(convolution.SAMPLES)),
    setting("w_cnn_size", "size", options=tuple(by_hand.SIZES)),
    setting("w_cnn_filter", "filter", options=tuple(convolution.FILTERS)),
    setting("w_cnn_bias", "bias", bounds=by_hand.BIAS_RANGE, step=0.1),
    setting("w_cnn_row", "i", bounds=(1, max(by_hand.SIZES))),
    setting("w_cnn_col", "j", bounds=(1, max(by_hand.SIZES))),
    setting("w_cnn_units", "units", bounds=why.UNITS),
    setting("w_cnn_inside_model", "net", options=("bundled", "session")),
    setting("w_cnn_channels", "channels", options=tuple(inside.CHANNEL_CHOICES)),
    setting("w_cnn_train_epochs", "epochs", bounds=train.EPOCHS),
    setting("w_cnn_train_lr", "lr", options=tuple(train.LEARNING_RATES)),
    # Your own classes: how many and their training; the names and photos are the student's own.
    setting("w_cnn_own_k", "classes", options=own_classes.K_CHOICES),
    setting("w_cnn_own_epochs", "own_epochs", bounds=own_classes.EPOCHS, step=10),
    setting("w_cnn_own_lr", "own_lr", options=tuple(own_classes.LEARNING_RATES)),
    setting("w_cnn_own_finetune", "finetune"),
    tabs.control(TABS, "cnn_tab"),
))

chapter.begin("6 · Convolutional networks", LINK, {**DEFAULTS, **own_classes.DEFAULTS},
              keep=("cnn_own_uploader_round",), on_reset=own_classes.reset_photos)
st.markdown(
    "Chapter 5's dense networks read a photo as one row of numbers, blind to which pixel is next to which. A "
    r"**conv net** keeps the picture's shape, $A^{[l]}$ $(m, H, W, C)$, and learns small **filters** that slide "
    "over it.")
tabs.tabs(list(zip(TABS, (by_hand.render, why.render, inside.render, train.render, own_classes.render))),
          key="cnn_tab")
chapter.end(LINK)
