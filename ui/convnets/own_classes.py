"""Convolution chapter, "Your own classes": name 2–5 classes, give each a few photos, and train a new softmax
layer on the bundled conv net's frozen features (transfer learning), live; then per-class accuracy on
held-out photos, a confusion matrix whose cells open the photos they count, a prediction for a new photo,
and the model and the labelled photos to download."""

from __future__ import annotations

import numpy as np
import streamlit as st

from engine.pets.models import PetModel
from lessons import transfer

from ui import style
from ui.convnets import own_photos
from ui.convnets.common import conv_model
from ui.own_data import figures
from ui.own_data.common import plain_md
from ui.own_data.results import settle
from ui.pets.common import enlarge, picture
from ui.pets.predict import UPLOAD_TYPES
from ui.training_run import TrainingRun

K_CHOICES = (2, 3, 4, 5)
EPOCHS = (10, 200)
LEARNING_RATES = [1e-3, 3e-3, 1e-2]

DEFAULTS = {
    "w_cnn_own_k": 3,
    **{f"w_cnn_own_name{c}": f"class {c}" for c in range(1, max(K_CHOICES) + 1)},
    "w_cnn_own_finetune": False,
    "w_cnn_own_epochs": transfer.Settings().epochs,
    "w_cnn_own_lr": transfer.Settings().learning_rate,
    "w_cnn_own_camera": False,
    "w_cnn_own_shot_to": 0,
    "cnn_own_cell": "",              # the confusion matrix's chosen cell, "true,predicted"
    "cnn_own_cell_round": 0,         # a new cell selectbox each time a click or a new run chooses the cell
    "cnn_own_photos": lambda: [[] for _ in range(max(K_CHOICES))],  # per class: own_photos.OwnPhoto
    "cnn_own_uploader_ids": lambda: [[] for _ in range(max(K_CHOICES))],
    "cnn_own_uploader_round": lambda: [0] * max(K_CHOICES),
    "cnn_own_shots": list,           # camera shots already added (their file ids)
    "cnn_own_running": False,
    "cnn_own_run": None,
    "cnn_own_eval": None,            # the held-out verdicts and the model files
    "cnn_own_session_model": None,   # the trained ClassModel
}

RUN = TrainingRun("cnn_own", forget_model_on_reset=True)


def reset_photos() -> None:
    """"Reset this page": forget every class's photos (new uploader keys empty the widgets too)."""
    for c in range(max(K_CHOICES)):
        own_photos.clear_class(c)
    st.session_state.cnn_own_shots = []


def _names(k: int) -> list[str]:
    ss = st.session_state
    return [ss[f"w_cnn_own_name{c}"].strip() or f"class {c}" for c in range(1, k + 1)]


def render() -> None:
    model, message = conv_model()
    if model is None:
        st.warning(message, icon=":material/model_training:")
        return
    st.markdown(
        "**Transfer learning.** The bundled conv net learnt from 2,000 photos of cats and dogs to find edges, "
        "textures and parts; those help with other pictures too. So its convolutions stay **frozen**, and only a "
        r"**new output layer** is trained: k softmax units on the features the conv blocks output, "
        r"$\hat y = \text{softmax}(W F + b)$, from a few photos per class, in seconds. With *fine-tune the last "
        "block*, a copy of the last convolution learns too (slower). Each photo is also used as its mirror image; "
        f"{transfer.HELD_OUT:.0%} of each class's photos (at least one) are held out to test it.")
    running = RUN.running
    top = st.columns([1.2, 1, 1, 1.3], vertical_alignment="bottom")
    k = top[0].segmented_control("Number of classes", K_CHOICES, key="w_cnn_own_k", persist_state="session",
                                 required=True, disabled=running) or 3
    top[1].slider("Epochs", *EPOCHS, step=10, key="w_cnn_own_epochs", persist_state="session", disabled=running)
    top[2].select_slider("Learning rate α (Adam)", LEARNING_RATES, key="w_cnn_own_lr", persist_state="session",
                         disabled=running)
    top[3].toggle("Fine-tune the last block", key="w_cnn_own_finetune", persist_state="session", disabled=running,
                  help="Also train a copy of the last convolution (its filters start from the bundled net's).")
    _classes(k, model, running)
    RUN.buttons("cnn_own_start", "cnn_own_pause", "cnn_own_reset")
    # Tick only while training (slower while waiting for a slot), so an idle page makes no work.
    st.fragment(_panel, run_every=RUN.timer())(k, model)


def _panel(k: int, model: PetModel) -> None:
    """Preparing the run, the live panel and the results in one fragment, as chapter 7's table does
    (ui.own_data.table._panel: a timer tick can cut a full run short)."""
    run = RUN.run
    if run and run.get("pending"):
        _prepare_run(k, model)
        run = RUN.run
    if run and run.get("problem"):
        st.error(run["problem"], icon=":material/photo_library:")
    RUN.live_panel(_draw, _finish)
    if RUN.evaluation is not None:
        _results(model)
    settle(RUN)


def _classes(k: int, model: PetModel, running: bool) -> None:
    ss = st.session_state
    st.button("Fill with sample pictures (stripes, discs, checks)", key="cnn_own_samples", disabled=running,
              on_click=own_photos.fill_with_samples, args=(model.size, model.colour), icon=":material/auto_awesome:",
              help=f"Three classes of {own_photos.SAMPLE_PER_CLASS} generated pictures each, to try it without photos.")
    columns = st.columns(k, gap="small")
    for c, column in enumerate(columns):
        with column, st.container(border=True):
            st.text_input("Class name", key=f"w_cnn_own_name{c + 1}", persist_state="session", max_chars=30,
                          disabled=running)
            name = _names(k)[c]
            own_photos.class_photos(c, name, model.size, model.colour, running)
            photos = ss.cnn_own_photos[c]
            n = len(photos)
            st.caption(f"{n} photo{'' if n == 1 else 's'}" + ("" if n >= transfer.MIN_PHOTOS else
                                                               f" (at least {transfer.MIN_PHOTOS})"))
            own_photos.thumbnails(photos, limit=6, width=48 if k > 3 else 56)
            if photos:
                st.button("Clear", key=f"cnn_own_clear_{c}", on_click=own_photos.clear_class, args=(c,),
                          disabled=running, icon=":material/delete:")
    own_photos.camera(k, _names(k), model.size, model.colour, running)


def _prepare_run(k: int, model: PetModel) -> None:
    """Check the classes, extract the frozen features with a progress bar, and set up the head's training."""
    ss = st.session_state
    names = _names(k)
    photos = ss.cnn_own_photos[:k]
    y = np.array([c for c, group in enumerate(photos) for _ in group], dtype=int)
    try:
        transfer.check_classes(y, names)
    except ValueError as exc:
        ss.cnn_own_run, ss.cnn_own_running = {"problem": str(exc)}, False
        return
    pictures = np.stack([p.picture for group in photos for p in group])
    settings = transfer.Settings(learning_rate=ss.w_cnn_own_lr, epochs=ss.w_cnn_own_epochs,
                                 fine_tune=ss.w_cnn_own_finetune)
    bar = st.progress(0.0, text="Passing the photos through the frozen conv net…")
    own = transfer.OwnClasses.start(transfer.Backbone(model), pictures, y, names, settings,
                                    progress=lambda done, total: bar.progress(done / total, text=(
                                        f"Frozen features: pass {done} of {total} (photos, mirror images, held out)")))
    bar.empty()
    summary = (f"{len(own.train)} training photos (and their mirror images), {len(own.test)} held out · head "
               f"{' → '.join(type(l).__name__ for l in own.net.layers)}, {own.net.n_parameters:,} parameters to learn")
    RUN.begin(own.net, own.training, settings.epochs, None, model.size, model.colour, summary)
    RUN.run.update(own=own, names=names, photos=[list(group) for group in photos])


def _draw(run: dict, marks: list[tuple[int, int]]) -> None:
    history = run["history"]
    st.caption(run["summary"])
    RUN.progress(run)
    if history:
        last = history[-1]
        m1, m2, m3 = st.columns(3)
        m1.metric("training cost J", f"{last.train_cost:.3f}")
        m2.metric("training accuracy", f"{last.train_accuracy:.1%}")
        m3.metric("held-out accuracy", f"{last.test_accuracy:.1%}")
    RUN.curves(run, marks, key="cnn_own_curves_chart", height=420)
    st.caption("Categorical cross-entropy J and accuracy: training photos (with mirror images) and held-out photos. "
               "One full-batch step an epoch.")


def _finish(run: dict) -> None:
    ss = st.session_state
    ss.cnn_own_running = False
    if run["error"] or not run["history"]:
        return
    own: transfer.OwnClasses = run["own"]
    ss.cnn_own_session_model = own.model()
    ss.cnn_own_eval = {"held": own.held_out(), "names": run["names"], "photos": run["photos"]}
    held = ss.cnn_own_eval["held"]
    wrong = [(t, p) for t in range(len(run["names"])) for p in range(len(run["names"]))
             if t != p and held.confusion[t, p]]
    _choose_cell(f"{wrong[0][0]},{wrong[0][1]}" if wrong else "0,0")


def _results(model: PetModel) -> None:
    ev = RUN.evaluation
    held, names, photos = ev["held"], ev["names"], ev["photos"]
    flat = [p for group in photos for p in group]
    st.subheader("How well it tells your classes apart (held-out photos)")
    left, right = st.columns([1, 1.1], gap="large")
    with left:
        st.metric("held-out accuracy", f"{held.accuracy:.0%}" if np.isfinite(held.accuracy) else "–")
        st.dataframe([{"class": n, "held-out photos": int(held.confusion[c].sum()),
                       "accuracy": f"{a:.0%}" if np.isfinite(a) else "–"} for c, (n, a) in
                      enumerate(zip(names, held.per_class))], hide_index=True, width="stretch",
                     key="cnn_own_per_class_table")
    with right:
        st.plotly_chart(figures.confusion(held.confusion, names, "Confusion matrix: click a cell", clickable=True),
                        config=style.CHART_CONFIG, key="cnn_own_confusion_chart", on_select=_on_cell,
                        selection_mode="points")
    _cell_photos(held, names, flat)
    _predict(model, names)
    _downloads(names, photos)


def _choose_cell(cell: str) -> None:
    """Make ``cell`` the one shown. The selectbox is drawn anew (a new key) with it as its index, rather than
    set through its widget key (see ui/own_data/table.py on why)."""
    ss = st.session_state
    ss.cnn_own_cell = cell
    ss.cnn_own_cell_round += 1


def _on_cell() -> None:
    """A click on the confusion matrix: that cell's photos show below."""
    state = st.session_state.get("cnn_own_confusion_chart") or {}
    points = (state.get("selection") or {}).get("points") or []
    for point in points:
        data = point.get("customdata")
        if isinstance(data, (list, tuple)) and len(data) == 2:
            _choose_cell(f"{int(data[0])},{int(data[1])}")
            return


def _cell_photos(held: transfer.HeldOut, names: list[str], flat: list) -> None:
    ss = st.session_state
    k = len(names)
    cells = [f"{t},{p}" for t in range(k) for p in range(k)]
    if ss.cnn_own_cell not in cells:
        ss.cnn_own_cell = cells[0]

    def label(cell: str) -> str:
        t, p = map(int, cell.split(","))
        n = held.confusion[t, p]
        return f"true {names[t]}, predicted {names[p]}: {n} photo{'' if n == 1 else 's'}"

    cell = st.selectbox("Photos in the cell", cells, index=cells.index(ss.cnn_own_cell), format_func=label,
                        key=f"cnn_own_cell_box_{ss.cnn_own_cell_round}")
    ss.cnn_own_cell = cell
    t, p = map(int, cell.split(","))
    rows = held.photos_in(t, p)
    if not rows:
        st.caption("No held-out photo in this cell.")
        return
    probabilities = {int(r): P for r, P in zip(held.rows, held.P)}
    columns = st.columns(6)
    for i, r in enumerate(rows):
        with columns[i % 6]:
            st.image(flat[r].jpeg, width=120)
            st.caption(f"{plain_md(flat[r].name)} · P({plain_md(names[p])}) = {probabilities[r][p]:.2f}")


def _predict(model: PetModel, names: list[str]) -> None:
    st.subheader("Try a new photo")
    left, right = st.columns([1, 1.6], gap="large")
    file = left.file_uploader("A photo the model has not seen", type=UPLOAD_TYPES, key="cnn_own_try")
    if file is None:
        right.info("Upload a photo to see which of your classes the model puts it in.")
        return
    pic, error = picture(file.getvalue(), model.size, model.colour)
    if pic is None:
        left.error(f"**{plain_md(file.name)}**: {error}", icon=":material/broken_image:")
        return
    p = st.session_state.cnn_own_session_model.predict_proba(pic[None])[0]
    left.image(enlarge(pic, 192), width=192, caption=f"what the model sees, {model.size}×{model.size}")
    with right:
        best = int(np.argmax(p))
        st.markdown(f"**{plain_md(names[best])}** · ŷ = **{p[best]:.2f}**")
        st.plotly_chart(figures.probability_bars(names, p), config=style.CHART_CONFIG, key="cnn_own_predict_chart")


def _downloads(names: list[str], photos: list[list]) -> None:
    trained = st.session_state.cnn_own_session_model
    c1, c2 = st.columns(2)
    c1.download_button("Download the model (.npz, format 2)", data=trained.to_bytes, file_name="own_classes.npz",
                       mime="application/octet-stream", key="cnn_own_download_model", icon=":material/download:")
    c2.download_button("Download the labelled photos (.zip)", data=lambda: own_photos.photos_zip(names, photos),
                       file_name="own_classes_photos.zip", mime="application/zip", key="cnn_own_download_photos",
                       icon=":material/folder_zip:",
                       help=f"One folder per class; each photo at most {own_photos.KEPT_SIDE} px a side, as kept here.")
