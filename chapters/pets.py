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
    "Everything so far, on real photos. A photo becomes a small S×S picture, its pixels become one long "
    "row **x** (64 × 64 × 3 = 12,288 numbers), each standardised as x̃ = (x − μ) / σ, and the same "
    "network as before outputs **P(dog) = ŷ**. y = 1 is dog, y = 0 is cat.")

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
