"""Cats-vs-dogs page: the session-state defaults, cached loaders and the model picker."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine import images
from engine.errors import ImageError
from engine.pets import data as pet_data
from engine.pets.models import PetModel, available_bundled, load_bundled

DEFAULTS = {
    "w_pets_model": (available_bundled() or ["logistic"])[0],
    "w_pets_camera_on": False,
    "w_pets_train_kind": "logistic",
    "w_pets_train_size": 64,
    "w_pets_train_colour": "rgb",
    "w_pets_train_lr": 3e-4,
    "w_pets_train_epochs": 60,
    "w_pets_train_hidden": 32,
    "pets_running": False,
    "pets_run": None,            # the run in progress: model, epoch generator, history
    "pets_session_model": None,  # the last model trained in this session (a PetModel)
    "pets_eval": None,           # its test-set evaluation
    "pets_photos": list,         # every photo given this session (ui.pets.predict.photo_inputs)
    "pets_uploader_ids": list,   # the uploader's file ids in the last run
    "pets_uploader_round": 0,    # how many times "Clear all uploads" emptied the uploader
}

MODEL_LABELS = {"cnn": "Conv net (bundled)", "logistic": "Logistic regression (bundled)",
                "mlp": "Neural network, 1 hidden layer (bundled)", "session": "Trained in this session"}


@dataclass
class Photo:
    name: str
    data: bytes
    file_id: str = ""   # Streamlit's id of the upload: two files of one name (or one content) stay two photos


@st.cache_resource(show_spinner=False)
def bundled_model(name: str) -> PetModel:
    """The pretrained model shipped in models/ (read-only, shared by every session)."""
    return load_bundled(name)


@st.cache_data(show_spinner=False, max_entries=200)
def picture(data: bytes, size: int, colour: str) -> tuple[np.ndarray | None, str]:
    """(the S×S picture the model sees, "") or (None, a plain error message) for one file's bytes."""
    try:
        return images.decode(data, size, colour), ""
    except ImageError as exc:
        return None, str(exc)


@st.cache_resource(show_spinner=False, max_entries=2)
def dataset(root: str, size: int, colour: str) -> pet_data.PetData:
    """The configured photo set at one size/colour (read-only, shared; decoded once, then cached)."""
    return pet_data.load(root, size=size, colour=colour)


def model_options() -> list[str]:
    return available_bundled() + (["session"] if st.session_state.pets_session_model is not None else [])


def chosen_model() -> PetModel:
    """Draw the model picker and return the chosen model."""
    options = model_options()
    if st.session_state.w_pets_model not in options:
        st.session_state.w_pets_model = options[0]
    name = st.radio("Model", options, format_func=_model_label, key="w_pets_model",
                    persist_state="session")
    return _model(name)


def current_model() -> PetModel:
    """The model the picker last chose (for a tab that does not draw the picker)."""
    name = st.session_state.w_pets_model
    return _model(name if name in model_options() else model_options()[0])


def _model(name: str) -> PetModel:
    return st.session_state.pets_session_model if name == "session" else bundled_model(name)


def _model_label(name: str) -> str:
    return MODEL_LABELS[name] + accuracy_note(_model(name))


def accuracy_note(model: PetModel) -> str:
    """" · test accuracy 81%" from the model's metadata, or "" when it was not measured."""
    acc = model.metadata.get("test_accuracy")
    return f" · test accuracy {acc:.0%}" if isinstance(acc, float) else ""


def enlarge(pic: np.ndarray, width: int) -> np.ndarray:
    """Nearest-neighbour upscaling of an (S, S, C) picture by ⌊width / S⌋ (at least 1), so it shows its
    real pixels on a projector when drawn ``width`` pixels wide."""
    factor = max(1, width // pic.shape[0])
    pic = np.repeat(np.repeat(pic, factor, axis=0), factor, axis=1)
    return pic[:, :, 0] if pic.shape[-1] == 1 else pic
