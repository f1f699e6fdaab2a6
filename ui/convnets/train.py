"""Convolution chapter, tab 4: train a small conv net live on the configured photo set, one epoch a tick."""

from __future__ import annotations

import time

import streamlit as st

from engine.pets import data as pet_data
from engine.pets.training import TrainConfig, evaluate, live
from lessons import convolution

from ui import style
from ui.convnets import figures
from ui.live_chart import live_chart
from ui.pets import figures as pets_figures
from ui.pets.common import dataset
from ui.playground import figures as pg_figures

SIZE, COLOUR = 32, "rgb"
FILTERS = (8, 16, 32)          # three blocks: 32×32 → 16×16 → 8×8 → 4×4
EPOCHS = (1, 40)
LEARNING_RATES = [3e-4, 1e-3, 3e-3]
TICK_SECONDS = 0.5             # work per fragment tick; an epoch of 2,000 photos takes about 1–2 s here

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


def _start() -> None:
    st.session_state.cnn_run = {"pending": True}
    st.session_state.cnn_running = True
    st.session_state.cnn_eval = None


def _unfinished(run: dict | None) -> bool:
    return bool(run and "gen" in run and not run.get("done"))


def _pause_or_resume() -> None:
    if _unfinished(st.session_state.cnn_run):
        st.session_state.cnn_running = not st.session_state.cnn_running


def _reset() -> None:
    st.session_state.cnn_run = None
    st.session_state.cnn_running = False
    st.session_state.cnn_eval = None


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
    b1, b2, b3, _ = st.columns([1, 1, 1, 3])
    b1.button("Start training", key="cnn_train_start", on_click=_start, type="primary", disabled=running,
              icon=":material/play_arrow:")
    run = st.session_state.cnn_run
    paused = _unfinished(run) and not running
    b2.button("Resume" if paused else "Pause", key="cnn_train_pause", on_click=_pause_or_resume,
              disabled=not (running or paused), icon=":material/play_arrow:" if paused else ":material/pause:")
    b3.button("Reset", key="cnn_train_reset", on_click=_reset, icon=":material/restart_alt:")
    if run and run.get("pending"):
        _prepare_run(str(root))
    # Tick only while training, so an idle page makes no work.
    st.fragment(_live_panel, run_every=TICK_SECONDS if st.session_state.cnn_running else None)()
    if st.session_state.cnn_eval is not None:
        _results()


def _prepare_run(root: str) -> None:
    """Decode the photos (with a progress bar, once; then cached on disk), build the model and its epochs."""
    ss = st.session_state
    bar = st.progress(0.0, text="Reading the photos…")
    if not pet_data.is_cached(root, SIZE, COLOUR):
        pet_data.load(root, size=SIZE, colour=COLOUR,
                      progress=lambda done, total: bar.progress(0.8 * done / total,
                                                                text=f"Decoding photos (only the first time): "
                                                                     f"{done}/{total}"))
    data = dataset(root, SIZE, COLOUR)
    bar.progress(0.9, text="Standardising the pixels and building the conv net…")
    cfg = config(ss.w_cnn_train_epochs, ss.w_cnn_train_lr)
    model, gen = live(data, cfg)
    bar.empty()
    ss.cnn_run = {"model": model, "gen": gen, "history": [], "epochs": cfg.epochs, "root": root,
                  "summary": data.summary(), "error": "", "done": False, "seconds": 0.0}


def _advance(run: dict) -> None:
    """Train for about TICK_SECONDS (at least one epoch), then stop at the end of an epoch."""
    deadline = time.perf_counter() + TICK_SECONDS
    start = time.perf_counter()
    while not run["done"]:
        record = next(run["gen"], None)
        if record is None or record.diverged:
            run["done"] = True
            run["error"] = record.message if record is not None else ""
        else:
            run["history"].append(record)
            run["done"] = len(run["history"]) >= run["epochs"]
        if time.perf_counter() >= deadline:
            break
    run["seconds"] += time.perf_counter() - start


def _live_panel() -> None:
    """Draw the run so far, then (while running) train the next epoch: drawing first keeps the charts
    fresh on screen while the epoch runs, instead of faded as stale until it ends."""
    ss = st.session_state
    run = ss.cnn_run
    if not run or "gen" not in run:
        return
    _draw(run)
    if ss.cnn_running:
        _advance(run)
        if run["done"]:
            _finish(run)
            st.rerun()


def _draw(run: dict) -> None:
    ss = st.session_state
    history = run["history"]
    st.caption(run["summary"] + f" · {run['model'].net.n_parameters:,} parameters")
    done = len(history)
    per_epoch = f", {run['seconds'] / done:.1f} s an epoch" if done else ""
    st.progress(done / run["epochs"], text=f"Epoch {done} of {run['epochs']}{per_epoch}"
                + (" (paused)" if not ss.cnn_running and not run["done"] else ""))
    if run["error"]:
        st.error(run["error"], icon=":material/warning:")
    if not history:
        return
    last = history[-1]
    m1, m2, m3 = st.columns(3)
    m1.metric("training cost J", f"{last.train_cost:.3f}")
    m2.metric("training accuracy (during the epoch)", f"{last.train_accuracy:.1%}")
    m3.metric("test accuracy", f"{last.test_accuracy:.1%}")
    left, right = st.columns([1.3, 1], gap="large")
    with left:
        live_chart(pg_figures.learning_curves(history, height=520), key="cnn_train_curves_chart",
                   label="Learning curves: cost J and accuracy per epoch, train and test")
    with right:
        F = convolution.first_layer_filters(run["model"].net)
        live_chart(figures.filters_figure(F, title="Layer 1's filters W[1], as they learn",
                                          per_row=4).to_plotly_json(), key="cnn_train_filters_chart")
        st.caption("Each 3×3×3 filter stretched to black … white on its own; they start as random noise.")


def _finish(run: dict) -> None:
    """Score the trained model on the test photos and keep it for the Inside tab."""
    ss = st.session_state
    ss.cnn_running = False
    if run["error"] or not run["history"]:
        return
    data = dataset(run["root"], SIZE, COLOUR)
    model = run["model"]
    result = evaluate(model, data.images_test, data.y_test)
    model.metadata.update(test_accuracy=result["accuracy"], train_accuracy=run["history"][-1].train_accuracy)
    ss.cnn_session_model = model
    ss.cnn_eval = {k: result[k] for k in ("accuracy", "confusion", "fpr", "tpr", "auc")}


def _results() -> None:
    ev = st.session_state.cnn_eval
    st.subheader("How well it does on the test photos")
    m1, m2 = st.columns(2)
    m1.metric("test accuracy", f"{ev['accuracy']:.1%}")
    m2.metric("ROC AUC", f"{ev['auc']:.3f}")
    left, right = st.columns(2)
    left.plotly_chart(pets_figures.confusion(ev["confusion"]), config=style.CHART_CONFIG, key="cnn_confusion_chart")
    right.plotly_chart(pets_figures.roc(ev["fpr"], ev["tpr"], ev["auc"]), config=style.CHART_CONFIG,
                       key="cnn_roc_chart")
    st.markdown("The model is now in the **Inside the trained conv net** tab as *trained in this session*: look "
                "at its filters, feature maps and evidence there.")
