"""Convolution chapter: the session-state defaults, the bundled conv net and the sample photos."""

from __future__ import annotations

import streamlit as st

from engine.errors import DatasetError, ModelFileError
from engine.pets import data as pet_data
from engine.pets.models import BUNDLED, MODELS_DIR, PetModel

from ui.pets.common import bundled_model

DEFAULTS = {
    # 1 · one convolution by hand
    "w_cnn_source": "sample",
    "w_cnn_sample": "cat",
    "w_cnn_size": 32,
    "w_cnn_filter": "vertical",
    "w_cnn_bias": 0.0,
    "w_cnn_row": 19,
    "w_cnn_col": 26,
    # 2 · why convolution
    "w_cnn_units": 16,
    # 3 · inside the trained conv net
    "w_cnn_inside_model": "bundled",
    "w_cnn_inside_sample": "drawn:cat",
    "w_cnn_channels": "first",
    # 4 · train a small conv net
    "w_cnn_train_epochs": 15,
    "w_cnn_train_lr": 1e-3,
    "cnn_running": False,
    "cnn_run": None,            # the run in progress: model, epoch generator, history
    "cnn_session_model": None,  # the last conv net trained in this session (a PetModel)
    "cnn_eval": None,           # its test-set evaluation
}

MISSING_MODEL = f"""
**The bundled conv net is not here yet** (`models/pets_cnn.npz` is missing from `{MODELS_DIR.name}/`), so this
tab has nothing to look inside. Train one (a few minutes per epoch on a laptop) and reload the page:

`python -m engine.pets train --data /path/to/cats_and_dogs_filtered --model cnn --out models/pets_cnn.npz`

Or train a small one in the **Train a small conv net** tab: it then appears here as *trained in this session*.
"""


def conv_model() -> tuple[PetModel | None, str]:
    """(the bundled conv net, "") or (None, a message saying how to get it)."""
    try:
        return bundled_model("cnn"), ""
    except ModelFileError as exc:
        if not BUNDLED["cnn"].exists():
            return None, MISSING_MODEL
        return None, f"**The bundled conv net could not be read**: {exc}"


@st.cache_data(show_spinner=False, max_entries=4)
def configured_test_photos(root: str, per_class: int = 4) -> list[tuple[str, str]]:
    """(label, path) of the first few test cats and dogs of the configured photo set (paths from
    ``$NEURONLAB_PETS_DATA`` only, never typed into the page)."""
    try:
        photos = pet_data.find_photos(root)["test"]
    except (DatasetError, OSError):
        return []
    out = []
    for label, name in ((0, "cat"), (1, "dog")):
        chosen = [p for p, y in photos if y == label][:per_class]
        out += [(f"test photo: a {name} ({p.name})", str(p)) for p in chosen]
    return out
