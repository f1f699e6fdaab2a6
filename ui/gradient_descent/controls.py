"""Gradient-descent page: its controls, presets and playback buttons (widgets and session state only)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

from ui import links, numbers

OPTIMIZERS = {"gd": "Gradient descent", "momentum": "Momentum (β = 0.9)", "rmsprop": "RMSProp",
              "adam": "Adam"}
BATCHING = {"full": "Full batch", "mini": "Mini-batch", "sgd": "SGD (1 example)"}
# A log scale from 1e-4 to 50: the 1-2-5 series, plus the few values the presets use.
LEARNING_RATES = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
                  1.0, 2.0, 3.0, 5.0, 10.0, 12.0, 20.0, 30.0, 50.0]
L2_VALUES = [0.0, 0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
SPEEDS = [2, 5, 10, 20, 50, 100]  # steps per second
RUN_NAMES = ["A", "B", "C"]

# Every control with its default and the values it offers, in the page's link (the step shown is not a
# setting: a link starts at step 0). A preset overrides some controls; the rest fall back to the defaults.
LINK = links.Link("gradient-descent", (
    links.Control("w_gd_n", "m", 60, bounds=(10, 300), step=10),
    links.Control("w_gd_overlap", "overlap", 0.5, bounds=(0.0, 1.0), step=0.05),
    links.Control("w_gd_seed", "seed", 0, bounds=(0, 9999)),
    links.Control("w_gd_l2", "l2", 0.0, options=tuple(L2_VALUES)),
    links.Control("w_gd_optimizer", "opt", "gd", options=tuple(OPTIMIZERS)),
    links.Control("w_gd_lr", "lr", 1.0, options=tuple(LEARNING_RATES)),
    links.Control("w_gd_batching", "batching", "full", options=tuple(BATCHING)),
    links.Control("w_gd_batch_size", "batch", 10, bounds=(2, 64)),
    links.Control("w_gd_w0", "w0", -4.0, bounds=(-10.0, 10.0), step=0.5),
    links.Control("w_gd_b0", "b0", 3.0, bounds=(-10.0, 10.0), step=0.5),
    links.Control("w_gd_steps", "steps", 100, bounds=(10, 500), step=10),
    links.Control("w_gd_speed", "speed", 10, options=tuple(SPEEDS)),
    *[control for i, lr in ((2, 0.01), (3, 20.0)) for control in (
        links.Control(f"w_gd_run{i}_on", f"run{i}", False),
        links.Control(f"w_gd_run{i}_optimizer", f"opt{i}", "gd", options=tuple(OPTIMIZERS)),
        links.Control(f"w_gd_run{i}_lr", f"lr{i}", lr, options=tuple(LEARNING_RATES)))],
))
CONTROLS = {c.key: c.default for c in LINK.controls}
# Playback state: the step shown, whether it plays, the clock it plays by, and the number of the
# server's last playback command (the browser's player adopts the server's step when it changes).
DEFAULTS = {**CONTROLS, "gd_frame": 0, "gd_last": 0, "gd_running": False, "gd_play_t0": 0.0,
            "gd_play_frame0": 0, "gd_cmd": 0, "gd_ack": None}
PLAYER_KEY = "gd_player"

# key -> (button label, what it shows, the controls it changes); every other control goes back to its default.
PRESETS = {
    "too_small": ("α too small", "α = 0.01: tiny steps, 100 of them barely leave the start",
                  {"w_gd_lr": 0.01}),
    "just_right": ("α just right", "α = 2: glides to the bottom", {"w_gd_lr": 2.0}),
    "overshoots": ("α too large", "α = 30: every step jumps across the valley", {
        "w_gd_lr": 30.0, "w_gd_w0": 1.0, "w_gd_b0": -2.0, "w_gd_steps": 60, "w_gd_speed": 5}),
    "diverges": ("Diverges", "α = 12 on a bowl made steep by L2 (λ = 10): each jump lands higher", {
        "w_gd_lr": 12.0, "w_gd_l2": 10.0, "w_gd_steps": 60, "w_gd_speed": 5}),
    # At α = 50 plain GD keeps bouncing off the walls; momentum averages the bounces away.
    "momentum": ("Momentum", "Momentum vs plain gradient descent, both at α = 50", {
        "w_gd_lr": 50.0, "w_gd_w0": 5.5, "w_gd_b0": 2.0, "w_gd_steps": 60, "w_gd_speed": 5,
        "w_gd_run2_on": True, "w_gd_run2_optimizer": "momentum", "w_gd_run2_lr": 50.0}),
    "adam": ("Adam", "Adam vs plain gradient descent, both at α = 0.2", {
        "w_gd_optimizer": "adam", "w_gd_lr": 0.2, "w_gd_steps": 150, "w_gd_run2_on": True,
        "w_gd_run2_optimizer": "gd", "w_gd_run2_lr": 0.2}),
    "compare": ("Compare α", "Three runs at once: α = 1, 0.01 and 20", {
        "w_gd_lr": 1.0, "w_gd_run2_on": True, "w_gd_run2_lr": 0.01, "w_gd_run3_on": True,
        "w_gd_run3_lr": 20.0}),
}

# The playback buttons: key -> (label, icon, shortcut Streamlit binds, what the browser's player
# does with a click, the keys it answers). Streamlit reserves R (it reruns the app) for itself,
# so "Reset" binds Home and the player adds R.
BUTTONS = {
    "gd_play": ("Play", ":material/play_arrow:", "Space", "play", ()),
    "gd_pause": ("Pause", ":material/pause:", "Space", "pause", ("space",)),
    "gd_step": ("Step", ":material/redo:", "Right", "step", ("arrowright",)),
    "gd_end": ("End", ":material/skip_next:", "End", "end", ("end",)),
    "gd_reset": ("Reset", ":material/replay:", "Home", "reset", ("r", "home")),
}
HELP = {"gd_play": "Play the run from this step (Space)", "gd_pause": "Pause where you see it (Space)",
        "gd_step": "One update: step k → k + 1 (→)", "gd_end": "Jump to the last step (End)",
        "gd_reset": "Back to step 0 (R or Home)"}
BUTTON_ACTIONS = {key: spec[3] for key, spec in BUTTONS.items()}
KEY_ACTIONS = {"space": "toggle", **{k: spec[3] for spec in BUTTONS.values() for k in spec[4] if k != "space"}}


@dataclass(frozen=True)
class Settings:
    """What the controls currently ask for, in plain values (hashable, for caching)."""

    n: int
    overlap: float
    seed: int
    l2: float
    w0: float
    b0: float
    steps: int
    batch_size: int | None
    runs: tuple[tuple[str, float], ...]  # (optimizer key, learning rate) for run A, then B, C


def _fmt(v: float) -> str:
    return f"{v:g}"


def preset_values(name: str) -> dict:
    """Every control's value under a preset: the preset's own, the defaults for the rest."""
    return {**CONTROLS, **PRESETS[name][2]}


def apply_preset(name: str) -> None:
    """Set every control to the preset's value (or its default) and play from step 0."""
    for key, value in preset_values(name).items():
        st.session_state[key] = value
    play(from_start=True)


def _command() -> None:
    """A playback change made by the server: the browser's player adopts it."""
    st.session_state.gd_cmd += 1


def _clock_frame() -> int:
    """The step the clock has reached while playing (the browser's player reports its own)."""
    s = st.session_state
    if s.gd_running:
        s.gd_frame = s.gd_play_frame0 + int((time.monotonic() - s.gd_play_t0) * s.w_gd_speed)
    return int(s.gd_frame)


def play(from_start: bool = False) -> None:
    if from_start or 0 < st.session_state.gd_last <= st.session_state.gd_frame:
        st.session_state.gd_frame = 0
    st.session_state.gd_running = True
    st.session_state.gd_play_t0 = time.monotonic()
    st.session_state.gd_play_frame0 = st.session_state.gd_frame
    _command()


def pause() -> None:
    _clock_frame()
    st.session_state.gd_running = False
    _command()


def step_once() -> None:
    st.session_state.gd_frame = _clock_frame() + 1  # clamped to the path's length when drawn
    st.session_state.gd_running = False
    _command()


def to_end() -> None:
    st.session_state.gd_running = False
    st.session_state.gd_frame = 10**9  # clamped to the last step when drawn
    _command()


def rewind() -> None:
    st.session_state.gd_running = False
    st.session_state.gd_frame = 0
    _command()


def apply_report() -> None:
    """The browser's player played, paused, stepped or switched to a preset on its own: take its
    step and running flag (and the preset's controls), unless the server has issued a newer command
    since, which the player then adopts instead."""
    s = st.session_state
    report = s.get(PLAYER_KEY)
    if not isinstance(report, dict) or report.get("base") != s.gd_cmd:
        return
    s.gd_ack = {"iid": report.get("iid"), "seq": report.get("seq")}
    preset = str(report.get("preset", "")).removeprefix("gd_preset_")
    if report.get("action") == "preset" and preset in PRESETS:
        for key, value in preset_values(preset).items():
            s[key] = value
    s.gd_frame = max(0, int(report.get("frame", 0)))
    s.gd_running = bool(report.get("running"))
    if s.gd_running:
        s.gd_play_t0 = time.monotonic()
        s.gd_play_frame0 = s.gd_frame


def playback() -> dict:
    """What the player needs from the session: step, running flag, speed, the number of the server's
    last command, and the last report it applied."""
    s = st.session_state
    return {"frame": int(s.gd_frame), "running": bool(s.gd_running), "speed": float(s.w_gd_speed),
            "cmd": int(s.gd_cmd), "ack": s.gd_ack}


def presets() -> None:
    """One small button per preset, in a row that wraps."""
    with st.container(horizontal=True, gap="xsmall", vertical_alignment="center", key="gd_presets"):
        st.markdown("**Presets**", width="content")
        for name, (label, what, _) in PRESETS.items():
            st.button(label, key=f"gd_preset_{name}", help=f"{what}. Sets every control and plays.",
                      on_click=apply_preset, args=(name,))


def controls() -> None:
    """Run A's optimizer in view; the data, the start and the extra runs folded away (set once a lesson)."""
    with st.container(border=True):
        st.markdown("**Run A: the optimizer**")
        st.select_slider("Learning rate α (log scale)", LEARNING_RATES, key="w_gd_lr",
                         persist_state="session", format_func=_fmt)
        st.selectbox("Optimizer", list(OPTIMIZERS), format_func=OPTIMIZERS.get, key="w_gd_optimizer",
                     persist_state="session")
        batching = st.radio("Gradient from", list(BATCHING), format_func=BATCHING.get, horizontal=True,
                            key="w_gd_batching", persist_state="session")
        st.slider("Mini-batch size", 2, 64, key="w_gd_batch_size", persist_state="session",
                  disabled=batching != "mini")
    with st.expander("Data: cats (y = 0) and dogs (y = 1)", key="gd_data_box"):
        st.slider("Number of points m", 10, 300, step=10, key="w_gd_n", persist_state="session")
        st.slider("Class overlap (0 = fully separable)", 0.0, 1.0, step=0.05, key="w_gd_overlap",
                  persist_state="session")
        numbers.whole_number("Random seed", 0, 9999, key="w_gd_seed", persist_state="session")
        st.select_slider("L2 regularisation λ", L2_VALUES, key="w_gd_l2", persist_state="session",
                         format_func=_fmt)
    with st.expander("Start, number of steps, playback speed", key="gd_start_box"):
        st.slider("Start w₀", -10.0, 10.0, step=0.5, key="w_gd_w0", persist_state="session")
        st.slider("Start b₀", -10.0, 10.0, step=0.5, key="w_gd_b0", persist_state="session")
        st.slider("Number of steps", 10, 500, step=10, key="w_gd_steps", persist_state="session")
        st.select_slider("Playback speed (steps per second)", SPEEDS, key="w_gd_speed", persist_state="session")
    with st.expander("Compare runs: up to two more optimizers or learning rates", key="gd_runs_box"):
        for i in (2, 3):
            st.toggle(f"Run {RUN_NAMES[i - 1]}", key=f"w_gd_run{i}_on", persist_state="session")
            c1, c2 = st.columns(2)
            c1.selectbox("Optimizer", list(OPTIMIZERS), format_func=OPTIMIZERS.get,
                         key=f"w_gd_run{i}_optimizer", persist_state="session")
            c2.select_slider("Learning rate α", LEARNING_RATES, key=f"w_gd_run{i}_lr",
                             persist_state="session", format_func=_fmt)
        st.caption("Runs B and C share the data, start, steps, batching and λ of run A.")


def read_settings(values=None) -> Settings:
    """The settings that control values ask for: the session's widgets, or a dict like ``CONTROLS``."""
    s = st.session_state if values is None else values
    batch = {"full": None, "mini": int(s["w_gd_batch_size"]), "sgd": 1}[s["w_gd_batching"]]
    runs = [(s["w_gd_optimizer"], float(s["w_gd_lr"]))]
    runs += [(s[f"w_gd_run{i}_optimizer"], float(s[f"w_gd_run{i}_lr"])) for i in (2, 3) if s[f"w_gd_run{i}_on"]]
    return Settings(int(s["w_gd_n"]), float(s["w_gd_overlap"]), int(s["w_gd_seed"]), float(s["w_gd_l2"]),
                    float(s["w_gd_w0"]), float(s["w_gd_b0"]), int(s["w_gd_steps"]), batch, tuple(runs))


def playback_buttons() -> None:
    """Play / Pause / Step / End / Reset in one row, each a callback so a click never cuts a run short.
    In the browser the player answers them (and their keys) itself; these callbacks are the
    server's path: before the player has loaded, and in AppTest."""
    running = st.session_state.gd_running
    callbacks = {"gd_play": play, "gd_pause": pause, "gd_step": step_once, "gd_end": to_end, "gd_reset": rewind}
    disabled = {"gd_play": running, "gd_pause": not running}
    with st.container(horizontal=True, gap="small", key="gd_playback"):
        # Material icons ship with Streamlit (offline), unlike emoji fonts on a lecture-hall PC.
        for key, (label, icon, shortcut, _, _) in BUTTONS.items():
            st.button(label, key=key, icon=icon, on_click=callbacks[key], disabled=disabled.get(key, False),
                      type="primary" if key == "gd_play" else "secondary", shortcut=shortcut, help=HELP[key])


def current_frame(last: int) -> int:
    """The step to draw: while playing it follows the clock, so slow redraws never slow the run."""
    s = st.session_state
    if s.gd_running:
        elapsed = time.monotonic() - s.gd_play_t0
        s.gd_frame = s.gd_play_frame0 + int(elapsed * s.w_gd_speed)
    s.gd_frame = max(0, min(int(s.gd_frame), last))
    s.gd_last = last
    return s.gd_frame
