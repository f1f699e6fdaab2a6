"""Cats-vs-dogs page, "Train" tab: train on the configured photo set, live, then score the test photos."""

from __future__ import annotations

import time

import streamlit as st

from engine.pets import data as pet_data
from engine.pets.training import PRESETS, TrainConfig, evaluate, live

from ui import figures, style
from ui.pets import figures as pets_figures
from ui.pets.common import dataset, enlarge

LEARNING_RATES = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]
TICK_SECONDS = 0.7  # work per fragment tick, so the page stays responsive between ticks

HOW_TO = f"""
**No photo set is configured**, so training is off (predicting with the bundled models still works).
The app never takes a folder typed into the page; whoever starts the server chooses it:

1. Get photos: `python -m engine.pets download --out data/pets` (the full Kaggle/Microsoft set, ~800 MB),
   or any folder with `train/cat/`, `train/dog/` (and optionally `test/cat/`, `test/dog/`).
2. Start the app with it: `{pet_data.ENV_DATA}=data/pets/PetImages streamlit run app.py`
"""


def _start() -> None:
    st.session_state.pets_run = {"pending": True}
    st.session_state.pets_running = True
    st.session_state.pets_eval = None


def _unfinished(run: dict | None) -> bool:
    """A run that has been prepared and has epochs left."""
    return bool(run and "gen" in run and not run.get("done"))


def _pause_or_resume() -> None:
    if _unfinished(st.session_state.pets_run):
        st.session_state.pets_running = not st.session_state.pets_running


def _reset() -> None:
    st.session_state.pets_run = None
    st.session_state.pets_running = False
    st.session_state.pets_eval = None
    st.session_state.pets_session_model = None


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
    b1, b2, b3, _ = st.columns([1, 1, 1, 3])
    b1.button("Start training", key="pets_start", on_click=_start, type="primary", disabled=running,
              icon=":material/play_arrow:")
    run = st.session_state.pets_run
    paused = _unfinished(run) and not running
    b2.button("Resume" if paused else "Pause", key="pets_pause", on_click=_pause_or_resume,
              disabled=not (running or paused), icon=":material/pause:")
    b3.button("Reset", key="pets_reset", on_click=_reset, icon=":material/restart_alt:")
    if run and run.get("pending"):
        _prepare_run(str(root))
    # Tick only while training, so an idle page makes no work.
    st.fragment(_live_panel, run_every=0.5 if st.session_state.pets_running else None)()
    if st.session_state.pets_eval is not None:
        _results(str(root))


def _prepare_run(root: str) -> None:
    """Decode (with a progress bar, once; then cached on disk) and build the model and its epoch generator."""
    ss = st.session_state
    size, colour = ss.w_pets_train_size, ss.w_pets_train_colour
    bar = st.progress(0.0, text="Reading the photos…")
    if not pet_data.is_cached(root, size, colour):
        pet_data.load(root, size=size, colour=colour,
                      progress=lambda done, total: bar.progress(0.8 * done / total,
                                                                text=f"Decoding photos (only the first time): "
                                                                     f"{done}/{total}"))
    data = dataset(root, size, colour)
    bar.progress(0.85, text="Standardising the pixels and building the model…")
    kind = ss.w_pets_train_kind
    config = TrainConfig(kind=kind, hidden=(ss.w_pets_train_hidden,), learning_rate=ss.w_pets_train_lr,
                         l2=PRESETS[kind].l2, epochs=ss.w_pets_train_epochs, batch_size=PRESETS[kind].batch_size,
                         flip=False)
    model, gen = live(data, config)
    bar.empty()
    ss.pets_run = {"model": model, "gen": gen, "history": [], "epochs": config.epochs, "root": root,
                   "size": size, "colour": colour, "summary": data.summary(), "error": "", "done": False}


def _live_panel() -> None:
    ss = st.session_state
    run = ss.pets_run
    if not run or "gen" not in run:
        return
    if ss.pets_running:
        deadline = time.perf_counter() + TICK_SECONDS
        while time.perf_counter() < deadline and not run["done"]:
            record = next(run["gen"], None)
            if record is None or record.diverged:
                run["done"] = True
                run["error"] = record.message if record is not None else ""
            else:
                run["history"].append(record)
        if run["done"]:
            _finish(run)
            st.rerun()
    history = run["history"]
    st.caption(run["summary"])
    done = len(history)
    st.progress(done / run["epochs"], text=f"Epoch {done} of {run['epochs']}"
                + (" (paused)" if not ss.pets_running and not run["done"] else ""))
    if run["error"]:
        st.error(run["error"], icon=":material/warning:")
    if history:
        last = history[-1]
        m1, m2 = st.columns(2)
        m1.metric("training accuracy", f"{last.train_accuracy:.1%}")
        m2.metric("test accuracy", f"{last.test_accuracy:.1%}")
        st.plotly_chart(figures.cost_curve({"train": [r.train_cost for r in history],
                                            "test": [r.test_cost for r in history]},
                                           title="Cross-entropy cost J per epoch (without the L2 term)"),
                        config=style.CHART_CONFIG, key="pets_cost_chart")


def _finish(run: dict) -> None:
    """Score the trained model on the test photos and make it the session's model."""
    ss = st.session_state
    ss.pets_running = False
    if run["error"] or not run["history"]:
        return
    data = dataset(run["root"], run["size"], run["colour"])
    model = run["model"]
    result = evaluate(model, data.images_test, data.y_test)
    model.metadata.update(test_accuracy=result["accuracy"], train_accuracy=run["history"][-1].train_accuracy)
    ss.pets_session_model = model
    ss.pets_eval = {k: result[k] for k in ("accuracy", "confusion", "fpr", "tpr", "auc", "mistakes")}
    ss.pets_eval.update(p_mistakes=result["p"][result["mistakes"]], size=run["size"], colour=run["colour"])


def _results(root: str) -> None:
    ev = st.session_state.pets_eval
    st.subheader("How well it does on the test photos")
    m1, m2 = st.columns(2)
    m1.metric("test accuracy", f"{ev['accuracy']:.1%}")
    m2.metric("ROC AUC", f"{ev['auc']:.3f}")
    left, right = st.columns(2)
    left.plotly_chart(pets_figures.confusion(ev["confusion"]), config=style.CHART_CONFIG,
                      key="pets_confusion_chart")
    right.plotly_chart(pets_figures.roc(ev["fpr"], ev["tpr"], ev["auc"]), config=style.CHART_CONFIG,
                       key="pets_roc_chart")
    st.markdown("**The most confidently wrong test photos** (as the model sees them). The model is now "
                "available as *Trained in this session* in the Predict tab.")
    data = dataset(root, ev["size"], ev["colour"])
    cols = st.columns(4)
    for i, (idx, p) in enumerate(zip(ev["mistakes"], ev["p_mistakes"])):
        truth = "dog" if data.y_test[idx] == 1 else "cat"
        with cols[i % 4]:
            st.image(enlarge(data.images_test[idx], 160), width=160)
            st.caption(f"a **{truth}**, but P(dog) = {p:.2f}")
