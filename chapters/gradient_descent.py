"""2 · Cost and gradient descent: the loss, the cost J(w, b), and (w, b) rolling down its convex surface."""

import streamlit as st

from ui.gradient_descent import controls
from ui.gradient_descent import figures as figs
from ui import state, style
from ui.gradient_descent.scene import Scene, scene_for

state.init(controls.DEFAULTS)
st.title("2 · Cost and gradient descent")
st.markdown(
    r"The **loss** scores one prediction $\hat y = \sigma(w x + b)$ against its label $y$ (1 = dog, "
    r"0 = cat): $\mathcal{L}(\hat y, y) = -\left[y \log \hat y + (1 - y) \log(1 - \hat y)\right]$. The "
    r"**cost** averages it over the $m$ examples: $J(w, b) = \frac{1}{m} \sum_{i=1}^{m} "
    r"\mathcal{L}(\hat y^{(i)}, y^{(i)})$ (+ $\frac{\lambda}{2m} w^2$ with L2). With one feature the "
    r"neuron has just two parameters, so $J$ is a **surface** we can draw. Gradient descent starts at "
    r"$(w_0, b_0)$ and repeats $w := w - \alpha\, dw,\ b := b - \alpha\, db$: a step of size $\alpha$ "
    "downhill. Press **Play**, or pick a preset.")


# The four charts of a frame, two per row: (heading, figure builder taking (scene, frame), widget key).
VIEWS = [
    ("**Contour map of J(w, b)** with the paths and −∇J, the steepest way down", figs.contour, "gd_contour_chart"),
    ("**The cost surface J(w, b) in 3-D** (drag to turn it)", figs.surface3d, "gd_surface_chart"),
    ("**Cost J after each step**", figs.cost_curve, "gd_cost_chart"),
    ("**The data and run A's ŷ = σ(w·x + b) now**", figs.data_fit, "gd_data_chart"),
]


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
        c1, c2 = st.columns([4, 1])
        c1.info("These cats and dogs are **fully separable**: one threshold on x splits them. Then J keeps "
                "falling as w grows (σ sharpens into a step), so the bowl has **no finite minimum** and "
                "gradient descent runs off towards w → ∞, ever more slowly. L2 adds λ/(2m)·w², which makes "
                "J strictly convex with a true bottom.", icon=":material/info:")
        c2.button("Add L2 (λ = 1)", key="gd_add_l2", on_click=add_l2, width="stretch")


@st.fragment(run_every=controls.TICK_SECONDS if st.session_state.gd_running else None)
def player(scene: Scene) -> None:
    """The five synchronised views at the current step; while playing, redrawn every tick."""
    last = scene.last_frame
    frame = controls.current_frame(last)
    if st.session_state.gd_running and frame >= last:
        controls.pause()
        st.rerun()  # a full run redefines this fragment without its timer
    st.progress(frame / max(last, 1), text=f"Step {frame} of {last}")
    run = scene.runs[0]
    k = min(frame, run.path.steps)
    m = st.columns(4)
    m[0].metric("Run A: weight w", figs.fmt(run.path.w[k]))
    m[1].metric("bias b", figs.fmt(run.path.b[k]))
    m[2].metric("cost J(w, b)", figs.fmt(run.path.J[k]))
    m[3].metric("step k", f"{k} of {run.path.steps}")
    for row in (VIEWS[:2], VIEWS[2:]):
        for column, (heading, figure, key) in zip(st.columns(2), row):
            column.markdown(heading)
            column.plotly_chart(figure(scene, frame), config=style.CHART_CONFIG, key=key)
    with st.container(border=True):
        lines = figs.update_latex(run, k)
        if lines:
            st.markdown(f"**Run A's next update, step {k} → {k + 1}** (α = {run.path.learning_rate:g})")
            for line in lines:
                st.latex(line)
        else:
            st.markdown(f"**Run A is over after {k} steps.** Press **Reset to start** and **Play** to watch "
                        "it again, or change a control.")


controls.presets()
settings = controls.controls()
scene = scene_for(settings)
notes(scene)
controls.playback_buttons()
player(scene)
with st.expander("Why is J a bowl? Why does the learning rate matter?"):
    st.markdown(
        "- For logistic regression J(w, b) is **convex**: any path downhill ends at the one minimum, if "
        "there is one. With overlapping classes there is; with separable data there is not (w → ∞).\n"
        "- **α too small**: tiny steps, many of them. **Just right**: it glides to the bottom. **Too large**: "
        "each step jumps across the valley and zig-zags. With L2 the bowl gets steep along w; once "
        "α·(steepness) > 2 every jump lands higher than the last and J **diverges**.\n"
        "- Without L2, logistic regression's gradient is bounded (|dw| ≤ mean |x|), so even a huge α "
        "only flings the path far out, where the surface is almost flat, and it crawls back.\n"
        "- **Momentum** averages past gradients, so the zig-zag cancels and the path speeds up along the "
        "valley; **RMSProp** and **Adam** divide each coordinate's step by its recent gradient size.")
