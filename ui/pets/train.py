"""Cats-vs-dogs page, "Train" tab: train on the configured photo set, live, then score the test photos."""

from __future__ import annotations

import streamlit as st

from engine.pets import calibration
from engine.pets import data as pet_data
from engine.pets.training import PRESETS, TrainConfig, live

from ui import style
from ui.pets import figures as pets_figures
from ui.pets.common import dataset, enlarge
from ui.training_run import TrainingRun

LEARNING_RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]

HOW_TO = f"""
**No photo set is configured**, so training is off (predicting with the bundled models still works).
The app never takes a folder typed into the page; whoever starts the server chooses it:

1. Get photos: `python -m engine.pets download --out data/pets` (the full Kaggle/Microsoft set, ~800 MB),
   or any folder with `train/cat/`, `train/dog/` (and optionally `test/cat/`, `test/dog/`).
2. Start the app with it: `{pet_data.ENV_DATA}=data/pets/PetImages streamlit run app.py`
"""


RUN = TrainingRun("pets", forget_model_on_reset=True)


def train_tab() -> None:
    root = pet_data.configured_root()
    if root is None:
        st.info(HOW_TO, icon=":material/folder_off:")
        return
    st.markdown(f"Photo set: **{root.name}** (set by `${pet_data.ENV_DATA}` when the app was started).")
    running = st.session_state.pets_running
    c1, c2, c3 = st.columns(3)
    kind = c1.radio("Model", ["logistic", "mlp"], key="w_pets_train_kind",
                    persist_state="session", disabled=running, horizontal=True,
                    format_func={"logistic": "logistic regression", "mlp": "1 hidden layer"}.get)
    c1.select_slider("Hidden units (ReLU)", [8, 16, 32, 64], key="w_pets_train_hidden", persist_state="session",
                     disabled=running or kind != "mlp")
    c2.radio("Picture size S (pixels)", [32, 64], key="w_pets_train_size",
             persist_state="session", disabled=running, horizontal=True)
    c2.radio("Colour", ["rgb", "grey"], key="w_pets_train_colour",
             persist_state="session", disabled=running, horizontal=True,
             format_func={"rgb": "colour (3 numbers per pixel)", "grey": "grey (1 per pixel)"}.get)
    c3.select_slider("Learning rate α (Adam)", LEARNING_RATES, key="w_pets_train_lr",
                     persist_state="session", disabled=running)
    c3.slider("Epochs", 1, 200, key="w_pets_train_epochs", persist_state="session", disabled=running)
    RUN.buttons("pets_start", "pets_pause", "pets_reset")
    if RUN.should_prepare():   # started, and its turn to train has come
        _prepare_run(str(root))
    # Tick only while training (or waiting for a training slot), so an idle page makes no work.
    st.fragment(RUN.live_panel, run_every=RUN.timer())(_draw, _finish)
    if st.session_state.pets_eval is not None:
        _results(str(root))


def _prepare_run(root: str) -> None:
    """Decode (with a progress bar, once; then cached on disk) and build the model and its epoch generator."""
    ss = st.session_state
    size, colour = ss.w_pets_train_size, ss.w_pets_train_colour
    data, bar = RUN.photos(root, size, colour)
    kind = ss.w_pets_train_kind
    config = TrainConfig(kind=kind, hidden=(ss.w_pets_train_hidden,), learning_rate=ss.w_pets_train_lr,
                         l2=PRESETS[kind].l2, epochs=ss.w_pets_train_epochs, batch_size=PRESETS[kind].batch_size,
                         flip=False)
    model, gen = live(data, config, batches=True)
    bar.empty()
    RUN.begin(model, gen, config.epochs, root, size, colour, data.summary())


def _draw(run: dict, marks: list[tuple[int, int]]) -> None:
    history = run["history"]
    st.caption(run["summary"])
    RUN.progress(run)
    # Always drawn ("–" before the first epoch's end): an element appearing above the live chart would
    # mount it again, empty, mid-run.
    last = history[-1] if history else None
    m1, m2 = st.columns(2)
    m1.metric("training accuracy", f"{last.train_accuracy:.1%}" if last else "–")
    m2.metric("test accuracy", f"{last.test_accuracy:.1%}" if last else "–")
    st.markdown("**Cross-entropy cost J** (without the L2 term) of each mini-batch as it trains, and of all "
                "training and test photos at the end of each epoch; **accuracy** at the end of each epoch.")
    RUN.curves(run, marks, key="pets_cost_chart", height=460)


def _finish(run: dict) -> None:
    """Score the trained model on the test photos and make it the session's model."""
    result = RUN.finish(run)
    if result is not None:
        y_test = dataset(run["root"], run["size"], run["colour"]).y_test
        st.session_state.pets_eval.update(mistakes=result["mistakes"], p_mistakes=result["p"][result["mistakes"]],
                                          size=run["size"], colour=run["colour"],
                                          reliability=calibration.reliability(y_test, result["p"]))


def _results(root: str) -> None:
    ev = RUN.evaluation
    RUN.results()
    _honesty(ev["reliability"])
    st.markdown("**The most confidently wrong test photos** (as the model sees them). The model is now "
                "available as *Trained in this session* in the Predict tab.")
    data = dataset(root, ev["size"], ev["colour"])
    cols = st.columns(4)
    for i, (idx, p) in enumerate(zip(ev["mistakes"], ev["p_mistakes"])):
        truth = "dog" if data.y_test[idx] == 1 else "cat"
        with cols[i % 4]:
            st.image(enlarge(data.images_test[idx], 160), width=160)
            st.caption(f"a **{truth}**, but P(dog) = {p:.2f}")


def _honesty(table: calibration.Reliability) -> None:
    """The reliability diagram of the session's model on the test photos, and what its ECE says."""
    st.subheader("Is its confidence honest?")
    left, right = st.columns([1.2, 1])
    left.plotly_chart(pets_figures.reliability([("this model", table)], height=480,
                                               title="Reliability on the test photos"),
                      config=style.CHART_CONFIG, key="pets_reliability_chart")
    right.markdown(
        "The test photos are split into 10 bins of P(dog). For each, the chart puts the share that really are "
        "dogs against the bin's mean P(dog): on the dashed diagonal, \"P(dog) = 0.8\" is right 8 times in 10. "
        f"The **expected calibration error** is the average gap, weighted by the photos in each bin: "
        f"**ECE = {table.ece:.3f}**. Points below the diagonal on the right (and above it on the left) mean "
        "the model is more sure than it should be. The bundled conv net divides its logit by a temperature T "
        "fitted on its validation photos to close that gap (see *About this model's confidence* on the Predict "
        "tab); this model trained on every training photo, so none are left to fit T on.")
