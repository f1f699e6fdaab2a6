"""2 · Cost and gradient descent: the loss, the cost J(w, b), and (w, b) rolling down its convex surface."""

import streamlit as st

from ui import chapter
from ui.gradient_descent import controls
from ui.gradient_descent import figures as figs
from ui.gradient_descent.player import player, scene_id
from ui.gradient_descent.scene import Scene, scene_for

# Reset: every control and the playback back to step 0; the command number only grows (the player adopts it).
chapter.begin("2 · Cost and gradient descent", controls.LINK, controls.DEFAULTS, keep=("gd_cmd", "gd_ack"),
              on_reset=controls.rewind)
st.markdown(
    r"**Loss** of one prediction $\hat y = \sigma(w x + b)$: $\mathcal{L}(\hat y, y) = -\left[y \log \hat y + "
    r"(1 - y) \log(1 - \hat y)\right]$; **cost** over the $m$ examples: $J(w, b) = \frac{1}{m} \sum_i "
    r"\mathcal{L}(\hat y^{(i)}, y^{(i)})$.")


def add_l2() -> None:
    st.session_state.w_gd_l2 = 1.0


def notes(scene: Scene) -> None:
    """Plain-words warnings: a diverged run, a path leaving the window, data with no minimum."""
    for run in scene.runs:
        p = run.path
        if p.diverged:
            st.error(f"**Run {run.label}** — {p.message} Last finite point (marked ✕): step {p.steps}, "
                     f"w = {figs.fmt(p.w[-1])}, b = {figs.fmt(p.b[-1])}, J = {figs.fmt(p.J[-1])}.",
                     icon=":material/warning:")
        out = scene.leaves_window(run)
        if out is not None:
            st.caption(f"Run {run.name} leaves the plotted window at step {out} (|w| up to "
                       f"{figs.fmt(abs(p.w).max(), 3)}, |b| up to {figs.fmt(abs(p.b).max(), 3)}); the maps "
                       "show the part inside, the cost chart all of it.")
    if scene.minimum is None:
        c1, c2 = st.columns([3, 1], vertical_alignment="center")
        c1.info("These cats and dogs are **fully separable**: one threshold on x splits them. Then J keeps "
                "falling as w grows (σ sharpens into a step), so the bowl has **no finite minimum** and "
                "gradient descent runs off towards w → ∞, ever more slowly. L2 adds λ/(2m)·w², which makes "
                "J strictly convex with a true bottom.", icon=":material/info:")
        c2.button("Add L2 (λ = 1)", key="gd_add_l2", on_click=add_l2, width="stretch")


def numbers(scene: Scene, frame: int) -> None:
    """Run A's update w := w − α·dw at the step shown, typeset; while playing, a pointer to Pause."""
    run = scene.runs[0]
    k = min(frame, run.path.steps)
    with st.container(border=True):
        if st.session_state.gd_running:
            st.markdown("**Playing.** Pause (Space) or Step (→) to see run A's update in numbers.")
            return
        lines = figs.update_latex(run, k)
        if not lines:
            st.markdown(f"**Run A is over after {k} steps.** Press **Reset** (R) and **Play** (Space) to "
                        "watch it again, or change a control.")
            return
        st.markdown(f"**Run A's next update, step {k} → {k + 1}** (α = {run.path.learning_rate:g})")
        for line in lines:
            st.latex(line)


def preset_scenes() -> dict:
    """Each preset button's setup and speed, which the player fetches ahead and shows at a click."""
    return {f"gd_preset_{name}": {"scene": scene_id(controls.read_settings(controls.preset_values(name))),
                                  "speed": controls.preset_values(name)["w_gd_speed"]}
            for name in controls.PRESETS}


settings = controls.read_settings()
scene = scene_for(settings)
frame = controls.current_frame(scene.last_frame)
controls.presets()
controls.playback_buttons()
player(settings, controls.playback(), key=controls.PLAYER_KEY, buttons=controls.BUTTON_ACTIONS,
       presets=preset_scenes(), keys=controls.KEY_ACTIONS, on_change=controls.apply_report,
       label="Gradient descent on the contour map of J(w, b), and the cost after each step")
notes(scene)
numbers(scene, frame)
left, right = st.columns([2, 3], gap="medium")
with left:
    controls.controls()
with right:
    st.markdown("**Run A's ŷ = σ(w·x + b) on the data, and the cost surface J(w, b) in 3-D** (drag to turn it)")
    player(settings, controls.playback(), key="gd_follower", role="follower", keys=controls.KEY_ACTIONS,
           heights={"fit": 300, "bowl": 520}, throttle_ms={"bowl": 100},
           label="The data with run A's fitted curve, and the cost surface J(w, b) in 3-D with the paths on it")
with st.expander("Why is J a bowl? Why does the learning rate matter?"):
    st.markdown(
        r"- The **loss** scores one prediction against its label $y$ (1 = dog, 0 = cat): "
        r"$\mathcal{L}(\hat y, y) = -\left[y \log \hat y + (1 - y) \log(1 - \hat y)\right]$; the cost $J$ "
        r"averages it over the $m$ examples (+ $\frac{\lambda}{2m} w^2$ with L2). With one feature the "
        "neuron has two parameters, so $J$ is a **surface** we can draw.\n"
        "- For logistic regression J(w, b) is **convex**: any path downhill ends at the one minimum, if "
        "there is one. With overlapping classes there is; with separable data there is not (w → ∞).\n"
        "- **α too small**: tiny steps, many of them. **Just right**: it glides to the bottom. **Too large**: "
        "each step jumps across the valley and zig-zags. With L2 the bowl gets steep along w; once "
        "α·(steepness) > 2 every jump lands higher than the last and J **diverges**.\n"
        "- Without L2, logistic regression's gradient is bounded (|dw| ≤ mean |x|), so even a huge α "
        "only flings the path far out, where the surface is almost flat, and it crawls back.\n"
        "- **Momentum** averages past gradients, so the zig-zag cancels and the path speeds up along the "
        "valley; **RMSProp** and **Adam** divide each coordinate's step by its recent gradient size.")
chapter.end(controls.LINK)
