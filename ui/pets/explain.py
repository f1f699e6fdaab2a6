"""Cats-vs-dogs page, "What the model looks for" tab: logistic-regression weights and w ⊙ x̃."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine import activations
from engine.pets.models import PetModel

from ui import style
from ui.pets import figures as pets_figures
from ui.pets.common import Photo, bundled_model, enlarge, picture


def explain_tab(chosen: PetModel, photos: list[Photo]) -> None:
    """Weights as a picture, then which pixels of one uploaded photo pushed towards dog or cat."""
    model = chosen if chosen.kind == "logistic" else bundled_model("logistic")
    if chosen.kind != "logistic":
        st.info("A hidden layer mixes pixels before deciding, so only logistic regression has one weight "
                "per pixel to show. Showing the bundled logistic-regression model.")
    st.markdown(
        f"Logistic regression computes $z = w \\cdot \\tilde x + b$ with one weight per number in the "
        f"{model.size}×{model.size} picture ($\\tilde x$: the pixels standardised, 0 = the average photo), "
        r"then $P(\text{dog}) = \sigma(z)$. Reshaping $w$ back into a picture shows where it looks: a "
        "**blue** weight (w > 0) pushes towards **dog** where the pixel is brighter than average and towards "
        "cat where it is darker; **orange** (w < 0) the other way round.")
    st.plotly_chart(pets_figures.weight_pictures(model.logistic_weights()), config=style.CHART_CONFIG,
                    key="pets_weights_chart")
    st.caption("Colours are clipped at the 99th percentile of |w| so a few extreme pixels do not wash out "
               "the rest. Expect blurry blobs, not a drawn animal: one weight per pixel cannot know where "
               "in the picture the ears are.")

    st.subheader("Which pixels pushed your photo which way")
    readable = [(p.name, pic) for p in photos
                for pic in [picture(p.data, model.size, model.colour)[0]] if pic is not None]
    if not readable:
        st.info("Upload a photo in the **Predict** tab to see its pixel-by-pixel contributions w ⊙ x̃.")
        return
    names = [name for name, _ in readable]
    index = st.selectbox("Photo", range(len(names)), format_func=lambda i: names[i], key="pets_explain_photo")
    pic = readable[index][1]
    contrib, b = model.contributions(pic)
    z = float(contrib.sum()) + b
    p_dog = float(activations.sigmoid(np.array(z)))
    left, right = st.columns([1, 2])
    with left:
        st.image(enlarge(pic, 256), width=256, caption="what the model sees")
        push_dog, push_cat = float(contrib[contrib > 0].sum()), float(contrib[contrib < 0].sum())
        st.markdown(f"Pixels pushing to dog: **{push_dog:+.2f}**  \nPixels pushing to cat: **{push_cat:+.2f}**"
                    f"  \nBias b: **{b:+.2f}**  \nz = **{z:+.2f}**, so $P(\\text{{dog}}) = \\sigma(z)$ = "
                    f"**{p_dog:.2f}**")
    right.plotly_chart(pets_figures.contribution_map(contrib, title="w ⊙ x̃ summed over colours"),
                       config=style.CHART_CONFIG, key="pets_contrib_chart")
