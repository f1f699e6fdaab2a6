"""Convolution chapter, tab 3: one photo through the trained conv net: P(dog), the first layer's filters,
the feature maps of every block, and where the model found its evidence (Grad-CAM, gradient × input)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import streamlit as st

from engine.pets import data as pet_data
from engine.pets.models import PetModel
from lessons import convolution

from ui import style
from ui.convnets import figures
from ui.convnets.common import configured_test_photos, conv_model
from ui.pets.common import accuracy_note, enlarge, picture
from ui.pets.predict import UPLOAD_TYPES

CHANNELS_SHOWN = 6
CHANNEL_CHOICES = {"first": f"the first {CHANNELS_SHOWN}", "active": f"the {CHANNELS_SHOWN} most active"}


def _chosen_model() -> tuple[PetModel | None, str]:
    """The model picker (bundled, or the one trained in tab 4) → (model, "") or (None, why not)."""
    session = st.session_state.cnn_session_model
    if session is not None:
        choice = st.radio("Conv net", ["bundled", "session"], key="w_cnn_inside_model", persist_state="session",
                          horizontal=True, format_func={"bundled": "bundled (64×64)",
                                                        "session": f"trained in this session "
                                                                   f"({session.size}×{session.size})"}.get)
        if choice == "session":
            return session, ""
    return conv_model()


def _samples() -> dict[str, str]:
    """Choice key → label: the drawings, then a few test photos of the configured set (if any)."""
    options = {f"drawn:{k}": f"drawing: {v}" for k, v in convolution.SAMPLES.items()}
    root = pet_data.configured_root()
    if root is not None:
        for n, (label, _) in enumerate(configured_test_photos(str(root))):
            options[f"photo:{n}"] = label
    return options


def _photo(model: PetModel) -> tuple[np.ndarray | None, str]:
    """(the picture the model sees (S, S, C), its name) from an upload or a sample; None after a bad upload."""
    left, right = st.columns(2)
    file = left.file_uploader("Upload a photo of a cat or a dog", type=UPLOAD_TYPES, key="cnn_inside_upload")
    if file is not None:
        pic, error = picture(file.getvalue(), model.size, model.colour)
        if pic is None:
            st.error(f"**{file.name}**: {error}", icon=":material/broken_image:")
        return pic, file.name
    options = _samples()
    if st.session_state.w_cnn_inside_sample not in options:
        st.session_state.w_cnn_inside_sample = next(iter(options))
    key = right.selectbox("…or look at a sample", list(options), key="w_cnn_inside_sample",
                          persist_state="session", format_func=options.get)
    kind, name = key.split(":")
    if kind == "drawn":
        pic = convolution.sample_colour_picture(name, model.size)
        return (pic.mean(axis=-1, keepdims=True) if model.colour == "grey" else pic), options[key]
    root = pet_data.configured_root()
    path = Path(configured_test_photos(str(root))[int(name)][1])
    pic, error = picture(path.read_bytes(), model.size, model.colour)
    if pic is None:
        st.error(f"**{path.name}**: {error}", icon=":material/broken_image:")
    return pic, options[key]


def render() -> None:
    model, message = _chosen_model()
    if model is None:
        st.warning(message, icon=":material/model_training:")
        return
    pic, name = _photo(model)
    if pic is None:
        return
    inside = convolution.look_inside(model, pic)
    said = model.assess(pic[None])[0]
    left, right = st.columns([1, 2.4], gap="large")
    with left:
        st.image(enlarge(pic, 256), width=256, caption=f"{name}: what the model sees, {model.size}×{model.size}")
        # The same verdict as chapter 5: the model's unsure band (and novelty test), its own test accuracy.
        st.markdown(f"**{said.verdict.capitalize()}** · P(dog) = **{said.p_dog:.2f}**")
        if note := accuracy_note(model):
            st.caption(note.removeprefix(" · ").capitalize())
        st.markdown(f"$z^{{[L]}} = {inside.z:+.2f}$, $\\hat y = \\sigma(z^{{[L]}})$"
                    + (" (averaged with the mirror image)" if model.mirror_average else ""))
    with right:
        F = convolution.first_layer_filters(model.net)
        st.markdown(f"**What layer 1 looks for: its {len(F)} filters** $W^{{[1]}}$ "
                    f"({' × '.join(map(str, model.net.layers[0].W.shape))}), each stretched to black … white "
                    "on its own. A filter that is bright in red and dark in blue fires on orange; one bright "
                    "on the left and dark on the right finds vertical edges.")
        st.plotly_chart(figures.filters_figure(F), config=style.CHART_CONFIG, key="cnn_filters_chart")

    st.subheader("Feature maps: every block's output")
    choice = st.radio("Channels shown", list(CHANNEL_CHOICES), key="w_cnn_channels", persist_state="session",
                      horizontal=True, format_func=CHANNEL_CHOICES.get)
    shown = [convolution.strongest_channels(A, CHANNELS_SHOWN) if choice == "active"
             else list(range(min(CHANNELS_SHOWN, A.shape[-1]))) for _, A in inside.maps]
    st.caption(" · ".join(f"A[{l}] = ReLU(Z[{l}]): {A.shape[0]}×{A.shape[1]}×{A.shape[2]}"
                          for l, A in inside.maps)
               + ". Each map on its own scale: white = 0 (the filter found nothing), dark blue = its strongest.")
    st.plotly_chart(figures.feature_maps(inside.maps, shown), config=style.CHART_CONFIG, key="cnn_maps_chart")

    st.subheader("Where the model looked")
    st.markdown(
        r"**Grad-CAM**, with our own backward pass: walk the layers in reverse from $dz^{[L]} = 1$ to get "
        r"$\partial z^{[L]} / \partial A$ for the last block's maps $A$; weigh each channel by its mean "
        r"gradient, $\alpha_c = \frac{1}{HW} \sum_{y, x} \partial z^{[L]} / \partial A[y, x, c]$; then "
        r"$\text{ReLU}(\sum_c \alpha_c A[:, :, c])$, enlarged to the photo. For cat, the same with $-z^{[L]}$. "
        r"**Gradient × input**, $\tilde x \odot \partial z^{[L]} / \partial \tilde x$, is chapter 5's "
        r"$w \odot \tilde x$ for a network: blue pixels pushed towards dog, orange towards cat.")
    st.plotly_chart(figures.evidence(pic, inside.cam_dog, inside.cam_cat, inside.saliency),
                    config=style.CHART_CONFIG, key="cnn_evidence_chart")
    h, w = inside.maps[-1][1].shape[:2]
    st.caption(f"Grad-CAM is computed on the last block's {h}×{w} maps, so it is "
               "coarse; each map is scaled so its strongest point is 1. Colours of the gradient × input are "
               "clipped at the 99th percentile.")
