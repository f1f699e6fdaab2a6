"""Chapter 7, tab 2: your table. A CSV file (or an example made here) → what each column becomes → a
network trained live → test accuracy or R², the confusion matrix or predicted-against-true, and the map
over two chosen inputs."""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from lessons import tables

from ui.own_data import results
from ui.own_data.common import EPOCHS, HIDDEN_CHOICES, LEARNING_RATES, TASK_LABELS, plain_md
from ui.own_data.results import RUN
MAX_UPLOAD_MB = tables.MAX_BYTES // (1024 * 1024)
PREVIEW_ROWS = 200
ROLE_ICONS = {"target": "the target y", "input": "numbers → 1 input", "one-hot": "text → one-hot",
              "left out": "left out"}


@st.cache_data(show_spinner=False, max_entries=8)
def read(data: bytes) -> tuple[pd.DataFrame | None, str]:
    """(the table, "") or (None, the one-line message a bad file gets)."""
    try:
        return tables.read_csv(data), ""
    except tables.TableError as exc:
        return None, str(exc)


@st.cache_data(show_spinner=False)
def example(name: str) -> bytes:
    """An example table's CSV bytes (made from a seed, so the same every time)."""
    return tables.example_csv(name)


@st.cache_data(show_spinner=False, max_entries=16)
def planned(data: bytes, target: str, task: str) -> tuple[tables.Plan | None, str]:
    frame, _ = read(data)
    try:
        return tables.plan(frame, target, task), ""
    except tables.TableError as exc:
        return None, str(exc)


def uploader_key() -> str:
    round_ = st.session_state.od_uploader_round
    return "od_upload_file" if round_ == 0 else f"od_upload_file_{round_}"


def clear_upload() -> None:
    """Forget the uploaded table; a new uploader key empties the widget too."""
    ss = st.session_state
    ss.od_upload, ss.od_uploader_ids = None, []
    ss.od_uploader_round += 1
    RUN.reset()


def _table() -> tuple[str, bytes] | None:
    """The chosen example's CSV, or the uploaded file (kept in the session, also after a visit elsewhere)."""
    ss = st.session_state
    options = {**{name: f"Example: {ex.title}" for name, ex in tables.EXAMPLES.items()}, "upload": "Your CSV file"}
    choice = st.selectbox("Table", list(options), format_func=options.get, key="w_od_table", persist_state="session",
                          disabled=RUN.running)
    if choice != "upload":
        st.caption(tables.EXAMPLES[choice].about + " Made here from a seed, with an identifier, a text column and a "
                                                  "few gaps, as real tables have.")
        return f"{choice}.csv", example(choice)
    key = uploader_key()
    mounted = key in ss
    file = st.file_uploader(f"A CSV file with a header row, one row per example (at most {MAX_UPLOAD_MB} MB)",
                            type=["csv", "tsv", "txt"], key=key, max_upload_size=MAX_UPLOAD_MB,
                            disabled=RUN.running)
    if file is not None and file.file_id not in ss.od_uploader_ids:
        ss.od_upload = (file.name, file.getvalue())
    elif file is None and mounted and ss.od_uploader_ids:
        ss.od_upload = None  # removed in the uploader (its ×)
    ss.od_uploader_ids = [file.file_id] if file is not None else []
    if ss.od_upload is None:
        st.info("Upload a CSV file: a header row naming the columns, then one row per example. Pick the column "
                "to predict; every other column of numbers becomes an input, a text column with a few values is "
                "one-hot encoded.", icon=":material/upload_file:")
        return None
    return ss.od_upload


def setup(name: str, data: bytes) -> tuple:
    """What a trained model depends on: the table, its target and task, and the training settings. A model
    trained on another setup is cleared as soon as the page shows a different one."""
    ss = st.session_state
    return (name, len(data), hash(data), ss.od_target, ss.w_od_task, ss.w_od_hidden, ss.w_od_epochs, ss.w_od_lr)


def render() -> None:
    chosen = _table()
    if chosen is None:
        if RUN.run:
            RUN.reset()
        return
    name, data = chosen
    frame, error = read(data)
    if frame is None:
        st.error(f"**{plain_md(name)}**: {plain_md(error)}", icon=":material/error:")
        return
    with st.expander(f"{name}: {len(frame):,} rows × {len(frame.columns)} columns (the first {PREVIEW_ROWS} rows)"):
        st.dataframe(frame.head(PREVIEW_ROWS), hide_index=True, key="od_preview_table")
    plan = _target_and_plan(name, data, frame)
    if plan is None:
        return
    _roles(plan)
    _settings()
    run = RUN.run
    if run and run.get("setup", setup(name, data)) != setup(name, data):
        RUN.reset()  # the table or a setting changed: that model answers another question
    RUN.buttons("od_start", "od_pause", "od_reset")
    # Tick only while training (slower while waiting for a slot), so an idle page makes no work.
    st.fragment(_panel, run_every=RUN.timer())(name, data)


def _panel(name: str, data: bytes) -> None:
    """Everything of the run, in one fragment: preparing it, the live panel, the results. A timer tick can
    cut the full run that started (or finished) training short; run inside the fragment, each step is done
    by whichever run comes next, full or fragment (ui.own_data.results.settle)."""
    run = RUN.run
    if run and run.get("pending"):
        _prepare_run(data)
        run = RUN.run
        if run:
            run["setup"] = setup(name, data)
    if run and run.get("error_message"):
        st.error(plain_md(run["error_message"]), icon=":material/error:")
    RUN.live_panel(results.draw_live, results.finish)
    if RUN.evaluation is not None:
        results.show(RUN.evaluation, st.session_state.od_session_model)
    results.settle(RUN)


def _target_and_plan(name: str, data: bytes, frame: pd.DataFrame) -> tables.Plan | None:
    ss = st.session_state
    columns = [str(c) for c in frame.columns]
    example = tables.EXAMPLES.get(ss.w_od_table)
    if ss.od_target not in columns:
        ss.od_target = example.target if example and example.target in columns else columns[-1]
    c1, c2 = st.columns([1.2, 1])
    # The choice lives in ss.od_target and the selectbox only shows it (index), under a key of its own per table.
    # Set through its widget key instead, the box came back at its first option in 1 of ~6 fresh sessions in
    # Chromium (a Start pressed right after the page loaded), and the run was lost with the changed target.
    token = hashlib.blake2b(name.encode() + data[:4096], digest_size=6).hexdigest()
    ss.od_target = c1.selectbox("Column to predict (the target y)", columns, index=columns.index(ss.od_target),
                                key=f"od_target_box_{token}", disabled=RUN.running)
    target = ss.od_target
    task = c2.radio("Predict it as", list(TASK_LABELS), format_func=TASK_LABELS.get, key="w_od_task",
                    persist_state="session", horizontal=True, disabled=RUN.running)
    plan, error = planned(data, target, task)
    if plan is None:
        st.error(f"**{plain_md(name)}**: {plain_md(error)}", icon=":material/error:")
        return None
    if task == "auto":
        c2.caption("Automatic: a column of numbers with more than 10 different values is a regression; anything "
                   "else is classes. "
                   + ("Here: **numbers**." if plan.task == "regression" else f"Here: **{len(plan.classes)} classes**."))
    return plan


def _roles(plan: tables.Plan) -> None:
    rows = [{"column": c.name, "becomes": ROLE_ICONS[c.role], "why / how": c.detail} for c in plan.columns]
    n = len(plan.feature_names)
    st.markdown(f"**What each column becomes**: n = **{n}** inputs for the network"
                + (f", {len(plan.left_out)} column{'s' if len(plan.left_out) > 1 else ''} left out" if plan.left_out
                   else "") + ". Rows with a missing value in a used column are dropped when training starts.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="od_roles_table")


def _settings() -> None:
    running = RUN.running
    c1, c2, c3 = st.columns(3)
    c1.select_slider("Hidden layers (units each, ReLU)", HIDDEN_CHOICES, key="w_od_hidden", persist_state="session",
                     disabled=running)
    c2.slider("Epochs", *EPOCHS, step=10, key="w_od_epochs", persist_state="session", disabled=running)
    c3.select_slider("Learning rate α (Adam)", LEARNING_RATES, key="w_od_lr", persist_state="session",
                     disabled=running)


def settings() -> tables.Settings:
    ss = st.session_state
    hidden = () if ss.w_od_hidden == "none" else tuple(int(u) for u in ss.w_od_hidden.split(","))
    return tables.Settings(hidden=hidden, epochs=ss.w_od_epochs, learning_rate=ss.w_od_lr)


def _prepare_run(data: bytes) -> None:
    """Encode, split and standardise the table, build the network and its training generator."""
    ss = st.session_state
    frame, _ = read(data)
    try:
        prepared = tables.prepare(frame, ss.od_target, ss.w_od_task)
    except tables.TableError as exc:
        ss.od_run, ss.od_running = {"error_message": str(exc)}, False
        return
    chosen = settings()
    net = tables.build_network(prepared, chosen)
    RUN.begin(net, tables.training(prepared, net, chosen, batches=True), chosen.epochs, None, None, None,
              " · ".join(prepared.summary()[-2:]) + " · " + chosen.describe(prepared))
    RUN.run.update(prepared=prepared, settings=chosen)
