"""Convolution chapter, tab 2: parameter counts, weight sharing, and the shapes through the conv net."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine.errors import ModelFileError
from engine.pets.models import PetModel, Standardizer
from engine.pets.training import PRESETS
from lessons import convolution

from ui import style
from ui.convnets import figures
from ui.convnets.common import conv_model
from ui.pets.common import bundled_model

SIDE, CHANNELS, K, FILTERS = 64, 3, 3, 16   # the bundled models' pictures and the conv net's first layer
UNITS = (1, 256)
ROW_PX = 35  # a data-frame row, so the whole shape table shows without scrolling


@st.cache_resource(show_spinner=False)
def _untrained_conv_net() -> PetModel:
    """The bundled conv net's architecture with untrained weights: its shapes, when the file is missing."""
    recipe = PRESETS["cnn"]
    return PetModel.new("cnn", SIDE, "rgb", Standardizer(np.zeros(3), np.ones(3)), list(recipe.hidden),
                        dense=recipe.dense, dropout=recipe.dropout, batchnorm=recipe.batchnorm)


def _shape_rows(model: PetModel) -> list[dict]:
    return [{"l": r.l, "layer": r.layer, "output": r.array,
             "shape": f"(m, {', '.join(map(str, r.shape))})",
             "parameters": r.parameters, "how they add up": r.count}
            for r in convolution.shape_table(model.net)]


def render() -> None:
    n = SIDE * SIDE * CHANNELS
    st.subheader("A dense layer against a filter bank")
    left, right = st.columns([1, 1.3], gap="large")
    with left:
        units = st.slider("Units u of the dense layer", *UNITS, key="w_cnn_units", persist_state="session")
        dense = convolution.dense_parameters(n, units)
        conv = convolution.conv_parameters(K, CHANNELS, FILTERS)
        st.markdown(f"A {SIDE}×{SIDE} colour picture is n = {SIDE}·{SIDE}·{CHANNELS} = **{n:,}** numbers. "
                    "A dense layer gives every unit its own weight for every one of them:")
        st.latex(rf"n \cdot u + u = {n:,} \cdot {units} + {units} = \mathbf{{{dense:,}}}".replace(",", "{,}"))
        st.markdown(f"A bank of {FILTERS} filters of 3×3×{CHANNELS} needs the same few numbers whatever the "
                    "picture's size:")
        st.latex(rf"3 \cdot 3 \cdot {CHANNELS} \cdot {FILTERS} + {FILTERS} = \mathbf{{{conv:,}}}")
        st.markdown(
            "**Weight sharing:** one filter's 27 weights are used at every one of the "
            f"{SIDE * SIDE:,} positions, so a pattern it learns to find (an edge, a patch of fur) is found "
            "anywhere in the picture. **Local connections:** each output looks only at its 3×3 neighbourhood.")
    right.plotly_chart(figures.parameter_bars(dense, units, conv, FILTERS), config=style.CHART_CONFIG,
                       key="cnn_params_chart")

    st.subheader("Pooling, and the shapes through the bundled conv net")
    st.markdown(
        "After each convolution and its ReLU, **2×2 max-pooling** keeps the largest of every 2×2 block, "
        r"$A[y, x, c] = \max_{a, b \in \{0, 1\}} A_{\text{prev}}[2y + a,\ 2x + b,\ c]$: "
        "it halves H and W, keeps the channels C, and has no parameters. Each block sees a wider part of the "
        "photo than the one before, with more filters: shapes are A[l] (m, H, W, C) for m photos.")
    model, message = conv_model()
    if model is None:
        st.info("The bundled conv net's file is missing, so the table shows the same architecture with "
                "untrained weights (the shapes and counts are the same).", icon=":material/info:")
        model = _untrained_conv_net()
    rows = _shape_rows(model)
    st.dataframe(rows, hide_index=True, width="stretch", height=ROW_PX * (len(rows) + 1) + 3, key="cnn_shapes_table",
                 column_config={"parameters": st.column_config.NumberColumn(format="localized")})
    text = (f"Total: **{model.net.n_parameters:,} parameters**, most of them in the dense layer after "
            "flattening.")
    try:
        mlp = bundled_model("mlp")
        text += (f" Chapter 5's network with one hidden layer of {mlp.net.layer_sizes[1]} units has "
                 f"**{mlp.net.n_parameters:,}** on the same photos, and it sees no shapes at all.")
    except ModelFileError:
        pass
    st.markdown(text)
