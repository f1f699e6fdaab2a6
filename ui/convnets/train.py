"""Convolution chapter, tab 4: train a small conv net live on the configured photo set, a few mini-batches a tick."""

from __future__ import annotations

import streamlit as st

from engine.pets import data as pet_data
from engine.pets.training import TrainConfig, live
from lessons import convolution

from ui.convnets import figures
from ui.live_chart import live_chart
from ui.training_run import TrainingRun

SIZE, COLOUR = 32, "rgb"
FILTERS = (8, 16, 32)          # three blocks: 32×32 → 16×16 → 8×8 → 4×4
EPOCHS = (1, 40)
LEARNING_RATES = [3e-4, 1e-3, 3e-3]

HOW_TO = f"""
**No photo set is configured**, so training is off (the other tabs work without one).
The app never takes a folder typed into the page; whoever starts the server chooses it:

`{pet_data.ENV_DATA}=/path/to/cats_and_dogs_filtered streamlit run app.py`

Any folder with `train/cat/`, `train/dog/` (and optionally `test/cat/`, `test/dog/`) works;
`python -m engine.pets download --out data/pets` fetches the full Kaggle/Microsoft set.
"""


def config(epochs: int, learning_rate: float) -> TrainConfig:
    """The small conv net: 3×3 convolutions with 8, 16, 32 filters (each + ReLU + 2×2 max-pool), dense 64,
    dropout 0.5, Adam on mini-batches of 32, each batch randomly mirrored and shifted by up to 3 pixels."""
    return TrainConfig(kind="cnn", hidden=FILTERS, learning_rate=learning_rate, l2=0.0, epochs=epochs,
                       batch_size=32, flip=False, dense=64, dropout=0.5, augment=True, shift=3, cosine=False)


RUN = TrainingRun("cnn")


def render() -> None:
    root = pet_data.configured_root()
    if root is None:
        st.info(HOW_TO, icon=":material/folder_off:")
        return
    st.markdown(
        f"Train a small conv net from scratch on **{root.name}** at {SIZE}×{SIZE} colour: three blocks of "
        f"3×3 convolution with {', '.join(map(str, FILTERS))} filters, each followed by ReLU and 2×2 max-pooling, "
        "then a dense layer of 64 ReLU units and the output unit. Each mini-batch of 32 photos is mirrored at "
        "random and shifted by up to 3 pixels, so the network never sees quite the same photo twice.")
    running = st.session_state.cnn_running
    c1, c2 = st.columns(2)
    c1.slider("Epochs", *EPOCHS, key="w_cnn_train_epochs", persist_state="session", disabled=running)
    c2.select_slider("Learning rate α (Adam)", LEARNING_RATES, key="w_cnn_train_lr", persist_state="session",
                     disabled=running)
    RUN.buttons("cnn_train_start", "cnn_train_pause", "cnn_train_reset")
    if RUN.should_prepare():   # started, and its turn to train has come
        _prepare_run(str(root))
    # Tick only while training (or waiting for a training slot), so an idle page makes no work.
    st.fragment(RUN.live_panel, run_every=RUN.timer())(_draw, RUN.finish)
    if RUN.evaluation is not None:
        RUN.results()
        st.markdown("The model is now in the **Inside the trained conv net** tab as *trained in this session*: "
                    "look at its filters, feature maps and evidence there.")


def _prepare_run(root: str) -> None:
    """Decode the photos (with a progress bar, once; then cached on disk), build the model and its epochs."""
    ss = st.session_state
    data, bar = RUN.photos(root, SIZE, COLOUR)
    cfg = config(ss.w_cnn_train_epochs, ss.w_cnn_train_lr)
    model, gen = live(data, cfg, batches=True)
    bar.empty()
    RUN.begin(model, gen, cfg.epochs, root, SIZE, COLOUR, data.summary())


def _draw(run: dict, marks: list[tuple[int, int]]) -> None:
    """What the last tick trained: progress, the last epoch's numbers, the curves as ``marks`` frames."""
    history = run["history"]
    st.caption(run["summary"] + f" · {run['model'].net.n_parameters:,} parameters")
    RUN.progress(run)
    # Always drawn ("–" before the first epoch's end): an element appearing above the live chart would
    # mount it again, empty, mid-run.
    last = history[-1] if history else None
    m1, m2, m3 = st.columns(3)
    m1.metric("training cost J", f"{last.train_cost:.3f}" if last else "–")
    m2.metric("training accuracy (during the epoch)", f"{last.train_accuracy:.1%}" if last else "–")
    m3.metric("test accuracy", f"{last.test_accuracy:.1%}" if last else "–")
    left, right = st.columns([1.3, 1], gap="large")
    with left:
        RUN.curves(run, marks, key="cnn_train_curves_chart", height=520)
    with right:
        F = convolution.first_layer_filters(run["model"].net)
        live_chart(figures.filters_figure(F, title="Layer 1's filters W[1], as they learn",
                                          per_row=4).to_plotly_json(), key="cnn_train_filters_chart")
        st.caption("Each 3×3×3 filter stretched to black … white on its own; they start as random noise.")
