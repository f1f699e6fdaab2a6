"""Gradient-descent page: its controls, presets and playback buttons (widgets and session state only)."""

from __future__ import annotations

import time
from dataclasses import dataclass

import streamlit as st

OPTIMIZERS = {"gd": "Gradient descent", "momentum": "Momentum (β = 0.9)", "rmsprop": "RMSProp",
              "adam": "Adam"}
BATCHING = {"full": "Full batch", "mini": "Mini-batch", "sgd": "SGD (1 example)"}
# A log scale from 1e-4 to 50: the 1-2-5 series, plus the few values the presets use.
LEARNING_RATES = [0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
                  1.0, 2.0, 3.0, 5.0, 10.0, 12.0, 20.0, 30.0, 50.0]
L2_VALUES = [0.0, 0.01, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0]
SPEEDS = [2, 5, 10, 20, 50, 100]  # steps per second
TICK_SECONDS = 0.5
RUN_NAMES = ["A", "B", "C"]

# Every control's default; a preset overrides some and the rest fall back to these.
CONTROLS = {
    "w_gd_n": 60, "w_gd_overlap": 0.5, "w_gd_seed": 0, "w_gd_l2": 0.0,
    "w_gd_optimizer": "gd", "w_gd_lr": 1.0, "w_gd_batching": "full", "w_gd_batch_size": 10,
    "w_gd_w0": -4.0, "w_gd_b0": 3.0, "w_gd_steps": 100, "w_gd_speed": 10,
    "w_gd_run2_on": False, "w_gd_run2_optimizer": "gd", "w_gd_run2_lr": 0.01,
    "w_gd_run3_on": False, "w_gd_run3_optimizer": "gd", "w_gd_run3_lr": 20.0,
}
# Playback state: the step shown, whether it plays, and the clock it plays by.
DEFAULTS = {**CONTROLS, "gd_frame": 0, "gd_last": 0, "gd_running": False, "gd_play_t0": 0.0,
            "gd_play_frame0": 0}

# key -> (button label, the controls it changes); every other control goes back to its default.
PRESETS = {
    "too_small": ("Too small", {"w_gd_lr": 0.01}),
    "just_right": ("Just right", {"w_gd_lr": 2.0}),
    "overshoots": ("Too large: overshoots", {"w_gd_lr": 30.0, "w_gd_w0": 1.0, "w_gd_b0": -2.0,
                                             "w_gd_steps": 60, "w_gd_speed": 5}),
    "diverges": ("Diverges", {"w_gd_lr": 12.0, "w_gd_l2": 10.0, "w_gd_steps": 60, "w_gd_speed": 5}),
    # At α = 50 plain GD keeps bouncing off the walls; momentum averages the bounces away.
    "momentum": ("Momentum vs plain GD", {"w_gd_lr": 50.0, "w_gd_w0": 5.5, "w_gd_b0": 2.0, "w_gd_steps": 60,
                                          "w_gd_speed": 5, "w_gd_run2_on": True,
                                          "w_gd_run2_optimizer": "momentum", "w_gd_run2_lr": 50.0}),
    "adam": ("Adam", {"w_gd_optimizer": "adam", "w_gd_lr": 0.2, "w_gd_steps": 150, "w_gd_run2_on": True,
                      "w_gd_run2_optimizer": "gd", "w_gd_run2_lr": 0.2}),
    "compare": ("Compare α: 0.01 / 1 / 20", {"w_gd_lr": 1.0, "w_gd_run2_on": True, "w_gd_run2_lr": 0.01,
                                             "w_gd_run3_on": True, "w_gd_run3_lr": 20.0}),
}


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


def apply_preset(name: str) -> None:
    """Set every control to the preset's value (or its default) and play from step 0."""
    for key, value in {**CONTROLS, **PRESETS[name][1]}.items():
        st.session_state[key] = value
    play(from_start=True)


def play(from_start: bool = False) -> None:
    if from_start or 0 < st.session_state.gd_last <= st.session_state.gd_frame:
        st.session_state.gd_frame = 0
    st.session_state.gd_running = True
    st.session_state.gd_play_t0 = time.monotonic()
    st.session_state.gd_play_frame0 = st.session_state.gd_frame


def pause() -> None:
    st.session_state.gd_running = False


def step_once() -> None:
    st.session_state.gd_running = False
    st.session_state.gd_frame += 1  # clamped to the path's length when drawn


def to_end() -> None:
    st.session_state.gd_running = False
    st.session_state.gd_frame = 10**9  # clamped to the last step when drawn


def rewind() -> None:
    st.session_state.gd_running = False
    st.session_state.gd_frame = 0


def presets() -> None:
    """One button per preset, in a row."""
    st.markdown("**Presets** (one click sets every control and plays)")
    cols = st.columns(len(PRESETS))
    for col, (name, (label, _)) in zip(cols, PRESETS.items()):
        col.button(label, key=f"gd_preset_{name}", on_click=apply_preset, args=(name,), width="stretch")


def controls() -> Settings:
    """Draw the data, optimizer and start controls; return the settings they describe."""
    data, opt, start = st.columns(3)
    with data.container(border=True):
        st.markdown("**Data: cats (y = 0) and dogs (y = 1)**")
        st.slider("Number of points m", 10, 300, step=10, key="w_gd_n", persist_state="session")
        st.slider("Class overlap (0 = fully separable)", 0.0, 1.0, step=0.05, key="w_gd_overlap",
                  persist_state="session")
        st.number_input("Random seed", 0, 9999, step=1, key="w_gd_seed", persist_state="session")
        st.select_slider("L2 regularisation λ", L2_VALUES, key="w_gd_l2", persist_state="session", format_func=_fmt)
    with opt.container(border=True):
        st.markdown("**Run A: the optimizer**")
        st.selectbox("Optimizer", list(OPTIMIZERS), format_func=OPTIMIZERS.get, key="w_gd_optimizer",
                     persist_state="session")
        st.select_slider("Learning rate α (log scale)", LEARNING_RATES, key="w_gd_lr",
                         persist_state="session", format_func=_fmt)
        batching = st.radio("Gradient from", list(BATCHING), format_func=BATCHING.get, horizontal=True,
                            key="w_gd_batching", persist_state="session")
        st.slider("Mini-batch size", 2, 64, key="w_gd_batch_size", persist_state="session", disabled=batching != "mini")
    with start.container(border=True):
        st.markdown("**Start and length**")
        st.slider("Start w₀", -10.0, 10.0, step=0.5, key="w_gd_w0", persist_state="session")
        st.slider("Start b₀", -10.0, 10.0, step=0.5, key="w_gd_b0", persist_state="session")
        st.slider("Number of steps", 10, 500, step=10, key="w_gd_steps", persist_state="session")
        st.select_slider("Playback speed (steps per second)", SPEEDS, key="w_gd_speed", persist_state="session")
    with st.expander("Compare runs: overlay up to two more optimizers or learning rates", expanded=True):
        cols = st.columns(2)
        for col, i in zip(cols, (2, 3)):
            with col:
                st.toggle(f"Run {RUN_NAMES[i - 1]}", key=f"w_gd_run{i}_on", persist_state="session")
                c1, c2 = st.columns(2)
                c1.selectbox("Optimizer", list(OPTIMIZERS), format_func=OPTIMIZERS.get,
                             key=f"w_gd_run{i}_optimizer", persist_state="session")
                c2.select_slider("Learning rate α", LEARNING_RATES, key=f"w_gd_run{i}_lr",
                                 persist_state="session", format_func=_fmt)
        st.caption("Runs B and C share the data, start, steps, batching and λ of run A.")
    return read_settings()


def read_settings() -> Settings:
    s = st.session_state
    batch = {"full": None, "mini": int(s.w_gd_batch_size), "sgd": 1}[s.w_gd_batching]
    runs = [(s.w_gd_optimizer, float(s.w_gd_lr))]
    runs += [(s[f"w_gd_run{i}_optimizer"], float(s[f"w_gd_run{i}_lr"])) for i in (2, 3) if s[f"w_gd_run{i}_on"]]
    return Settings(int(s.w_gd_n), float(s.w_gd_overlap), int(s.w_gd_seed), float(s.w_gd_l2),
                    float(s.w_gd_w0), float(s.w_gd_b0), int(s.w_gd_steps), batch, tuple(runs))


def playback_buttons() -> None:
    """Play / Pause / Step / End / Reset, each a callback so a click never cuts a run short."""
    running = st.session_state.gd_running
    c1, c2, c3, c4, c5 = st.columns(5)
    # Material icons ship with Streamlit (offline), unlike emoji fonts on a lecture-hall PC.
    c1.button("Play", key="gd_play", icon=":material/play_arrow:", on_click=play, disabled=running,
              width="stretch", type="primary")
    c2.button("Pause", key="gd_pause", icon=":material/pause:", on_click=pause, disabled=not running,
              width="stretch")
    c3.button("Step +1", key="gd_step", icon=":material/redo:", on_click=step_once, width="stretch")
    c4.button("Jump to end", key="gd_end", icon=":material/skip_next:", on_click=to_end, width="stretch")
    c5.button("Reset to start", key="gd_reset", icon=":material/replay:", on_click=rewind, width="stretch")


def current_frame(last: int) -> int:
    """The step to draw: while playing it follows the clock, so slow redraws never slow the run."""
    s = st.session_state
    if s.gd_running:
        elapsed = time.monotonic() - s.gd_play_t0
        s.gd_frame = s.gd_play_frame0 + int(elapsed * s.w_gd_speed)
    s.gd_frame = max(0, min(int(s.gd_frame), last))
    s.gd_last = last
    return s.gd_frame
