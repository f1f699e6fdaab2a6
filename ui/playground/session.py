"""The playground's model in ``st.session_state``: one ``lessons.presets.Run`` kept across reruns,
rebuilt (with a note) when the data or the architecture changes, retuned in place when only the
training settings change, and advanced a few epochs per frame while the "running" flag is set.

While playing, the server trains a batch of frames ahead of what the browser shows (``ui.live_frames``).
So that Pause stops on the frame a student sees, each batch starts with a mark (``Mark``: the weights,
the optimizer's state, the shuffling RNG and how many epochs each frame trained); the browser reports the
epoch on screen when Pause is pressed (``apply_report``), and the run goes back to the latest mark at or
before it and trains the same slices again, which gives the very same weights.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from engine import ModelFileError, Network
from lessons import drawn, grid, presets

from ui.playground import controls as pg_controls
from ui.threads import single_blas

STATE_DEFAULTS = {"pg_run": None, "pg_running": False, "pg_note": "", "pg_saturation": list,
                  "pg_import_message": None, "pg_depth_width": None,
                  "pg_live_timer": None, "pg_detail_figures": None,
                  # the live view's frames (ui.playground.views): the number of the server's last playback
                  # command, the batch marks, what was sent, and what the next run owes the browser
                  "pg_play_id": 0, "pg_marks": list, "pg_live_token": None, "pg_batch": 0, "pg_sent_ends": list,
                  "pg_send_full": False, "pg_rerun_page": False, "pg_finish_pending": False, "pg_retimed": 0.0,
                  "pg_points_applied": list}
LIVE_KEY = "pg_live"   # the live view component's key: its value is the browser's last report
MARKS_KEPT = 6         # batch marks kept: a browser that draws slowly shows frames up to ~3 batches old

# Training per frame stops after this long, whatever "epochs per frame" says, so a big network trains
# fewer epochs a frame instead of redrawing less often (a Step's epoch too). The live view's frames take
# theirs from the server's budget (ui.live_budget.FRAME_TRAIN_S alone, less when the server is crowded).
FRAME_BUDGET_S = 0.015
# Setup fields that define the data or the network (changing one means a new model), with the
# words the reset note uses for them.
MODEL_FIELDS = {"dataset": "data set", "noise": "noise", "n_points": "number of points", "test_ratio": "test share",
                "seed": "seed", "hidden": "hidden layers", "activation": "activation",
                "features": "input features"}


def _new_run(setup: presets.Setup, note: str = "", weights_from: Network | None = None) -> presets.Run:
    """Install a fresh run of ``setup``, with the weights of ``weights_from`` if given (an import)."""
    ss = st.session_state
    run = presets.Run(setup)
    if weights_from is not None:
        run.net.weights, run.net.biases = weights_from.weights, weights_from.biases
    ss["pg_run"] = run
    ss["pg_saturation"] = []
    ss["pg_note"] = note
    ss["pg_marks"] = []
    ss["pg_finish_pending"] = False
    command()
    record_saturation(run)
    return run


def current_run() -> presets.Run:
    """The session's run, made to match the widgets: rebuilt if data/architecture changed."""
    ss = st.session_state
    setup = pg_controls.setup_from_state(ss)
    run = ss["pg_run"]
    if run is None:
        return _new_run(setup)
    changed = [words for f, words in MODEL_FIELDS.items() if getattr(run.setup, f) != getattr(setup, f)]
    if not changed and run.setup.layer_sizes != setup.layer_sizes:
        changed.append("number of classes")
    if changed:
        ss["pg_running"] = False
        return _new_run(setup, f"You changed the {', '.join(changed)}: the model was reset to new "
                               f"random weights (epoch 0). Press ▶ Play to train it.")
    if run.setup.drawn != setup.drawn:
        # A point placed or removed: the same network trains on, on the new points. Batches marked before
        # were trained on the old ones, so a Pause no longer goes back into them.
        run.take_points(setup)
        ss["pg_marks"] = []
        ss["pg_send_full"] = True
    elif run.setup != setup:
        run.retune(setup)
    return run


def record_saturation(run: presets.Run) -> None:
    """Append (epoch, share of saturated units per hidden layer) for the diagnostics chart."""
    history = st.session_state["pg_saturation"]
    if not history or history[-1][0] != run.epoch:
        history.append((run.epoch, grid.saturated_share(run.net, run.X_train_in)))


def advance(run: presets.Run, epochs: int, budget_s: float | None = None) -> int:
    """Train up to ``epochs`` epochs, stopping early after ``budget_s`` seconds (default FRAME_BUDGET_S);
    returns epochs done. Within a batch (``mark``) the slice is noted, so the batch can be trained again."""
    budget_s = FRAME_BUDGET_S if budget_s is None else budget_s
    start, done = time.perf_counter(), 0
    for _ in run.train(epochs):
        done += 1
        if time.perf_counter() - start > budget_s:
            break
    record_saturation(run)
    marks = st.session_state["pg_marks"]
    if marks and marks[-1].run is run and done:
        marks[-1].slices.append(done)
    return done


# -- batch marks: Pause on the frame shown ---------------------------------------------------------

@dataclass
class Mark:
    """A run's state at the start of a batch, and the epochs each of the batch's frames trained."""

    run: presets.Run
    setup: presets.Setup
    epoch: int
    params: list[np.ndarray]
    optimizer_t: int
    optimizer_state: list
    rng_state: dict
    saturation: int
    slices: list[int] = field(default_factory=list)


def mark(run: presets.Run) -> None:
    """Note the run's state: a batch of frames starts here."""
    ss = st.session_state
    ss["pg_marks"] = ss["pg_marks"][-(MARKS_KEPT - 1):] + [Mark(
        run, run.setup, run.epoch, [p.copy() for p in run.net.parameters()], run.optimizer.t,
        copy.deepcopy(run.optimizer._state), copy.deepcopy(run.rng.bit_generator.state), len(ss["pg_saturation"]))]


def rollback(run: presets.Run, epoch: int) -> bool:
    """Put the run back at ``epoch`` (a frame of a marked batch) with the weights it had there: back to the
    batch's mark, then the same slices trained again. False (and nothing changed) if no mark covers it or
    the training settings changed since."""
    ss = st.session_state
    found = [m for m in ss["pg_marks"] if m.run is run and m.setup == run.setup and m.epoch <= epoch]
    if not found or epoch > run.epoch:
        return False
    m = found[-1]
    ends = np.cumsum([0, *m.slices]) + m.epoch
    if epoch not in ends:
        return False
    for p, saved in zip(run.net.parameters(), m.params):
        p[...] = saved
    run.optimizer.t, run.optimizer._state = m.optimizer_t, copy.deepcopy(m.optimizer_state)
    run.rng.bit_generator.state = copy.deepcopy(m.rng_state)
    del run.records[m.epoch:]
    run.diverged_message = ""
    del ss["pg_saturation"][m.saturation:]
    slices = m.slices[:list(ends).index(epoch)]
    ss["pg_marks"] = [x for x in ss["pg_marks"] if x.epoch <= m.epoch]
    m.slices = []
    for n in slices:
        for _ in run.train(n):
            pass
        record_saturation(run)
        m.slices.append(n)
    return run.epoch == epoch


def settle() -> None:
    """A run that reached its limit or diverged in the last batch stops now (its frames have played by the
    time the timer asks, or the student has clicked): the page then shows ▶ Play again."""
    ss = st.session_state
    if ss["pg_running"] and ss["pg_finish_pending"]:
        ss["pg_running"] = False
        command()


def command() -> None:
    """The server changed the playback (Play, Pause, Step, Reset, a new model): a report about frames from
    before is out of date."""
    ss = st.session_state
    ss["pg_play_id"] = int(ss.get("pg_play_id", 0)) + 1
    ss["pg_finish_pending"] = False


def apply_report() -> None:
    """The live view's report (its value): Pause or Step pressed on the frame it shows, or a request for the
    whole state. A Pause goes back to that frame's epoch, a Step one epoch beyond; a report about an older
    playback is ignored. The live view then reruns the page, which redraws the buttons and stops the timer."""
    ss = st.session_state
    report = ss.get(LIVE_KEY)
    if not isinstance(report, dict):
        return
    if apply_points(report.get("points")):
        ss["pg_rerun_page"] = True   # the link carries the new points; a page run writes it
    if report.get("action") == "point":
        return
    if report.get("action") == "resync":
        ss["pg_send_full"] = True
        return
    if report.get("action") not in ("pause", "step") or not ss["pg_running"] or report.get("play") != ss["pg_play_id"]:
        return
    run = ss["pg_run"]
    ss["pg_running"] = False
    try:
        epoch = int(report.get("epoch"))
    except (TypeError, ValueError):
        epoch = -1
    with single_blas():
        rollback(run, epoch)
        if report["action"] == "step":
            advance(run, 1)
    command()
    ss["pg_rerun_page"] = True


# -- points you place ------------------------------------------------------------------------------

REMOVE_RADIUS = (0.05, 0.6, 0.25)
APPLIED_KEPT = 50                   # the ids of the last clicks applied, sent back so the browser stops resending


def apply_points(points) -> bool:
    """The clicks on the plane a report carries ([{"id", "x1", "x2", "radius"}, …], every one the browser has
    not yet seen applied), each applied once, in order. Returns whether any was new."""
    ss = st.session_state
    if not isinstance(points, list):
        return False
    applied, new = list(ss["pg_points_applied"]), False
    for point in points[:drawn.MAX_POINTS]:
        if not isinstance(point, dict) or not isinstance(point.get("id"), str) or point["id"] in applied:
            continue
        applied.append(point["id"])
        place_point(point.get("x1"), point.get("x2"), point.get("radius"))
        new = True
    ss["pg_points_applied"] = applied[-APPLIED_KEPT:]
    return new   # (least, most, default) distance in data units for a click to hit a point


def place_point(x1, x2, radius=None) -> bool:
    """A click on the plane of a drawn set: removes the point within ``radius`` of (x1, x2) if there is one,
    else adds one there of the chosen class (or number). Returns whether the set changed. Clicks outside
    the plane, values that are not numbers, and other data sets change nothing."""
    ss = st.session_state
    setup = pg_controls.setup_from_state(ss)
    try:
        x1, x2 = float(x1), float(x2)
        radius = float(radius) if radius is not None else REMOVE_RADIUS[2]
    except (TypeError, ValueError):
        return False
    if not (setup.is_drawn and np.isfinite([x1, x2, radius]).all()
            and max(abs(x1), abs(x2)) <= presets.DRAW_EXTENT):
        return False
    X, y = setup.points
    radius = float(np.clip(radius, *REMOVE_RADIUS[:2]))
    X_new, y_new = drawn.remove_near(X, y, x1, x2, radius)
    if len(X_new) == len(X):
        if len(X) >= drawn.MAX_POINTS:
            ss["pg_note"] = (f"The plane holds its most, {drawn.MAX_POINTS} points (what a link can carry): "
                             "click on a point to remove it, or Clear.")
            return False
        classes = setup.dataset == presets.DRAW_CLASSES
        label = int(ss["w_pg_place_class"]) if classes else float(ss["w_pg_place_value"])
        X_new, y_new = drawn.add_point(X, y, x1, x2, label)
    kind = "classes" if setup.dataset == presets.DRAW_CLASSES else "regression"
    ss["w_pg_drawn"] = drawn.encode(X_new, y_new, kind) if len(X_new) else ""
    return True


def clear_points() -> None:
    """"Clear": no points on the plane (the network keeps its weights until Reset)."""
    st.session_state["w_pg_drawn"] = ""


def dataset_changed() -> None:
    """A drawn set of the other kind (numbers on a classes plane) is cleared when the data set changes."""
    ss = st.session_state
    text, dataset = ss["w_pg_drawn"], ss["w_pg_dataset"]
    if text and dataset in (presets.DRAW_CLASSES, presets.DRAW_NUMBERS) and \
            text[0] != ("c" if dataset == presets.DRAW_CLASSES else "r"):
        ss["w_pg_drawn"] = ""


# -- button callbacks (run before the page script, so the page draws the new state) ---------------

def play() -> None:
    run = current_run()
    if run.diverged_message:
        st.session_state["pg_note"] = "This run diverged. Press Reset (and lower the learning rate) first."
    elif len(run.X_train) == 0:
        st.session_state["pg_note"] = "The plane has no points to learn from yet: click on it to place some."
    elif run.finished:
        st.session_state["pg_note"] = (f"The run reached its epochs limit ({run.setup.max_epochs}). "
                                       "Raise the limit or press Reset.")
    else:
        st.session_state["pg_note"] = ""
        st.session_state["pg_running"] = True
        command()


def pause() -> None:
    st.session_state["pg_running"] = False
    command()


def play_or_pause() -> None:
    """The one Play/Pause button (and the Space key)."""
    if st.session_state["pg_running"]:
        pause()
    else:
        play()


def step() -> None:
    st.session_state["pg_running"] = False
    command()
    with single_blas():
        advance(current_run(), 1)


def reset() -> None:
    st.session_state["pg_running"] = False
    _new_run(pg_controls.setup_from_state(st.session_state))


def regenerate() -> None:
    st.session_state["w_pg_seed"] = (int(st.session_state["w_pg_seed"]) + 1) % 10000


def apply_preset(name: str) -> None:
    ss = st.session_state
    pg_controls.apply_setup(ss, presets.PRESETS[name])
    ss["pg_running"] = False
    _new_run(pg_controls.setup_from_state(ss),
             f"Preset “{pg_controls.PRESET_TITLES[name]}” loaded. {pg_controls.PRESET_NOTES[name]} "
             "Press ▶ Play and watch.")


def run_depth_vs_width(epochs: int, progress) -> None:
    """Train both networks of the experiment, updating ``progress`` (an st.progress), and keep
    their curves in the session."""
    seed = int(st.session_state["w_pg_seed"])
    total = epochs * len(presets.depth_vs_width_setups(epochs, seed))
    results, done = {}, 0
    for name, run, record in presets.depth_vs_width(epochs, seed):
        done += 1
        results[name] = run
        if done % 25 == 0 or done == total:
            progress.progress(done / total, text=f"Training {name}: epoch {record.epoch} of {epochs}")
    st.session_state["pg_depth_width"] = {
        name: {"layer_sizes": run.net.layer_sizes, "n_parameters": run.net.n_parameters,
               "train_cost": [r.train_cost for r in run.records],
               "test_cost": [r.test_cost for r in run.records],
               "test_accuracy": [r.test_accuracy for r in run.records]}
        for name, run in results.items()}


def depth_vs_width_budget() -> dict:
    """Both networks' shapes and parameter counts, for the experiment's description."""
    setups = presets.depth_vs_width_setups()
    deep, wide = setups["deep & narrow"], setups["shallow & wide"]

    def shape(setup):
        return f"{len(setup.hidden)} hidden layer{'s' if len(setup.hidden) > 1 else ''} of {setup.hidden[0]} tanh units"

    return {"deep": presets.n_parameters(deep.layer_sizes), "wide": presets.n_parameters(wide.layer_sizes),
            "deep_shape": shape(deep), "wide_shape": shape(wide)}


def depth_vs_width_verdict(results: dict) -> str:
    """What the experiment's outcome means, in one paragraph, from its final test accuracies."""
    deep, wide = (results[name]["test_accuracy"][-1] for name in ("deep & narrow", "shallow & wide"))
    if abs(deep - wide) < 0.02:
        outcome = f"Here both reach about the same test accuracy ({deep:.0%} deep, {wide:.0%} wide)."
    elif wide > deep:
        outcome = f"Here the shallow & wide network wins ({wide:.0%} test accuracy against {deep:.0%})."
    else:
        outcome = f"Here the deep & narrow network wins ({deep:.0%} test accuracy against {wide:.0%})."
    return (outcome + " One hidden layer with enough units can draw any boundary in the plane, and a 2-D "
            "spiral is not hard enough to need more. Depth pays off when a function is built from simple "
            "pieces composed many times (pictures: edges → shapes → ears), where one layer would need far "
            "more units for the same fit.")


# -- export / import ------------------------------------------------------------------------------

def export_bytes(run: presets.Run) -> bytes:
    """The trained network as ``.npz`` bytes, with the setup in its metadata so import restores it."""
    return run.net.to_bytes(metadata={"playground_setup": run.setup.as_dict(), "epoch": run.epoch})


def import_model() -> None:
    """on_change of the file uploader: load, check it fits the playground, install it."""
    ss = st.session_state
    upload = ss.get("pg_import_file")
    if upload is None:
        return
    try:
        net, meta = Network.load_with_metadata(upload.getvalue(), max_units=pg_controls.MAX_WIDTH,
                                               max_layers=2 * pg_controls.MAX_HIDDEN_LAYERS + 1)
        setup = _setup_for(net, meta)
    except ModelFileError as exc:
        ss["pg_import_message"] = ("error", f"Could not import “{upload.name}”: {exc}")
        return
    pg_controls.apply_setup(ss, setup)
    ss["pg_running"] = False
    _new_run(pg_controls.setup_from_state(ss), weights_from=net)
    ss["pg_import_message"] = ("success", f"Imported “{upload.name}”: {net!r}. The controls now show "
                                          "its setup; press ▶ Play to keep training it.")


def _setup_for(net: Network, meta: dict) -> presets.Setup:
    """The Setup an imported network belongs to; raises ModelFileError if the page cannot show it."""
    saved = meta.get("playground_setup") if isinstance(meta, dict) else None
    try:
        setup = presets.Setup.from_dict(saved) if isinstance(saved, dict) else presets.Setup()
        acts = set(net.activation_names)
        activation = acts.pop() if len(acts) == 1 else ("several" if acts else setup.activation)
        setup = setup.with_(hidden=tuple(net.layer_sizes[1:-1]), activation=activation, l2=net.l2)
    except (ValueError, TypeError) as exc:
        raise ModelFileError(f"this network does not fit the playground ({exc}).") from None
    if len(setup.hidden) > pg_controls.MAX_HIDDEN_LAYERS:
        raise ModelFileError(f"it has {len(setup.hidden)} hidden layers; the playground shows at most "
                             f"{pg_controls.MAX_HIDDEN_LAYERS}.")
    if net.output.name != setup.output:
        raise ModelFileError(f"it has a {net.output.name} output, but its data set "
                             f"({setup.dataset}) needs a {setup.output} one.")
    if setup.layer_sizes != net.layer_sizes:
        raise ModelFileError(f"the network expects {net.layer_sizes[0]} inputs but its setup gives "
                             f"{setup.layer_sizes[0]} (x1, x2 and {len(setup.features)} extra features).")
    return setup
