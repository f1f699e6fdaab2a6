"""5 · Cats vs dogs: the same NumPy engine on real photos. Upload a pet, see P(dog) and why."""

import streamlit as st

from ui import state
from ui.pets.common import DEFAULTS, chosen_model
from ui.pets.explain import explain_tab
from ui.pets.predict import model_card, photo_inputs, predict_tab
from ui.pets.train import train_tab

state.init(DEFAULTS)
st.title("5 · Cats vs dogs")
st.markdown(
    r"Everything so far, on real photos. A photo becomes a small 64×64 picture, its pixels one long row "
    r"$x$ of 64 · 64 · 3 = 12,288 numbers, each standardised as $\tilde x = (x - \mu) / \sigma$, and a "
    r"network outputs $\hat y = P(\text{dog})$ ($y = 1$ is dog, $y = 0$ is cat). Logistic regression and "
    "the one-hidden-layer network of chapter 4 top out near 60 % on photos they have never seen; the "
    "**conv net** of chapter 6, whose filters slide over the picture, does much better and is the default.")

predict, looks_for, train = st.tabs(["Predict", "What the model looks for", "Train"])
with predict:
    model = chosen_model()
    model_card(model)
    photos = photo_inputs()
    predict_tab(model, photos)
with looks_for:
    explain_tab(model, photos)
with train:
    train_tab()
