"""5 · Cats vs dogs: the same NumPy engine on real photos. Upload a pet, see P(dog) and why."""

import functools

import streamlit as st

from ui import chapter, links, tabs
from ui.pets.common import DEFAULTS, chosen_model, current_model
from ui.pets.explain import explain_tab
from ui.pets.predict import clear_photos, model_card, photo_inputs, predict_tab
from ui.pets.train import LEARNING_RATES, train_tab

TABS = ("Predict", "What the model looks for", "Train")

setting = functools.partial(links.from_defaults, DEFAULTS)
LINK = links.Link("pets", (
    setting("w_pets_model", "model", options=("cnn", "logistic", "mlp", "session")),
    setting("w_pets_camera_on", "camera"),
    setting("w_pets_train_kind", "train_model", options=("logistic", "mlp")),
    setting("w_pets_train_hidden", "hidden", options=(8, 16, 32, 64)),
    setting("w_pets_train_size", "size", options=(32, 64)),
    setting("w_pets_train_colour", "colour", options=("rgb", "grey")),
    setting("w_pets_train_lr", "lr", options=tuple(LEARNING_RATES)),
    setting("w_pets_train_epochs", "epochs", bounds=(1, 200)),
    tabs.control(TABS, "pets_tab"),
))

# Reset keeps the uploader's round counter growing, so "Clear all uploads" empties the widget too.
chapter.begin("5 · Cats vs dogs", LINK, DEFAULTS, keep=("pets_uploader_round",), on_reset=clear_photos)
st.markdown(
    r"Everything so far, on real photos: a photo becomes 64 · 64 · 3 = 12,288 numbers $x$, and a network outputs "
    r"$\hat y = P(\text{dog})$. The **conv net** of chapter 6 does much better than the networks of chapter 4.")


def predict() -> None:
    """The upload and the model side by side, so the answer starts high on the first screen."""
    upload, which = st.columns([1.4, 1])
    with which:
        model = chosen_model()
        model_card(model)
    with upload:
        photos = photo_inputs()
    predict_tab(model, photos)


def looks_for() -> None:
    """The model chosen on the Predict tab and the photos kept from it."""
    explain_tab(current_model(), list(st.session_state.pets_photos))


tabs.tabs(list(zip(TABS, (predict, looks_for, train_tab))), key="pets_tab")
chapter.end(LINK)
