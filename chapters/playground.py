"""4 · Layers and deep networks: the playground, stacked linear layers, and what happens inside a network."""

import streamlit as st

from lessons import features, presets
from ui import state, style, tabs
from ui.playground import controls as pg_controls
from ui.playground import figures as pg_figures
from ui.playground import inside
from ui.playground import session as pg_session
from ui.playground import views as pg_views

TITLE = "4 · Layers and deep networks"
DEFAULTS = pg_controls.WIDGET_DEFAULTS | pg_session.STATE_DEFAULTS | inside.DEFAULTS
DEPTH_WIDTH_EPOCHS = 600


state.init(DEFAULTS)
ignored = pg_controls.read_url_once(st.session_state)
st.title(TITLE)
st.markdown("Stack **layers** of neurons, choose how **wide** each is, and watch them learn to separate cats "
            "(y = 0, orange) from dogs (y = 1, blue). Logistic regression (0 hidden layers) can only draw a "
            r"straight line; each hidden layer, $Z^{[l]} = A^{[l-1]} W^{[l]\top} + b^{[l]}$, "
            r"$A^{[l]} = g(Z^{[l]})$, bends it. The "
            "address bar holds every setting: copy it to share this exact setup.")


def playground() -> None:
    if ignored:
        st.warning(f"Ignored URL parameters with values the page does not offer: {', '.join(ignored)}.")
    st.markdown("**Presets**: one click sets every control.")
    cols = st.columns(3)
    for i, (name, label) in enumerate(pg_controls.PRESET_TITLES.items()):
        cols[i % 3].button(label, key=f"pg_preset_{name}", on_click=pg_session.apply_preset, args=(name,),
                           width="stretch")

    side, main = st.columns([1, 2.5], gap="large")
    with side:
        with st.expander("**Data**", expanded=True):
            pg_controls.data_controls(pg_session.regenerate)
        with st.expander("**Network**", expanded=True):
            pg_controls.network_controls()
        with st.expander("**Training**", expanded=True):
            pg_controls.training_controls()
    run = pg_session.current_run()
    pg_controls.write_url(st.session_state)

    with main:
        running = st.session_state["pg_running"]
        b = st.columns(4)
        b[0].button("Play", key="pg_play", on_click=pg_session.play, disabled=running, type="primary",
                    icon=":material/play_arrow:", width="stretch")
        b[1].button("Pause", key="pg_pause", on_click=pg_session.pause, disabled=not running,
                    icon=":material/pause:", width="stretch")
        b[2].button("Step (1 epoch)", key="pg_step", on_click=pg_session.step, icon=":material/skip_next:",
                    width="stretch")
        b[3].button("Reset", key="pg_reset", on_click=pg_session.reset, icon=":material/restart_alt:",
                    width="stretch")
        if st.session_state["pg_note"]:
            st.info(st.session_state["pg_note"], icon=":material/info:")
        st.fragment(run_every=pg_views.FRAME_SECONDS if running else None)(pg_views.live_view)()
    st.fragment(run_every=pg_views.DETAIL_SECONDS if running else None)(pg_views.detail_view)()

    st.subheader("Matrix shapes for this architecture")
    m = len(run.X_train)
    st.markdown(f"For the **m = {m} training examples** and **n = {run.net.layer_sizes[0]} inputs** "
                f"({', '.join(features.input_labels(run.setup.features))}), one forward pass uses:")
    st.dataframe([{"array": name, "shape": f"({r} × {c})", "what it holds": what}
                  for name, (r, c), what in presets.matrix_shapes(run.net.layer_sizes, m)],
                 hide_index=True, width="stretch", key="pg_shapes_table")
    st.markdown(f"Total: **{run.net.n_parameters:,} trainable parameters** (all W and b).")

    st.subheader("Experiment: depth vs width")
    budget = pg_session.depth_vs_width_budget()
    st.markdown(f"The same 400-point spiral and the same budget of about **{budget['deep']:,} parameters**: a "
                f"**deep & narrow** network ({budget['deep_shape']}) against a **shallow & wide** one "
                f"({budget['wide_shape']}, {budget['wide']:,} parameters). {DEPTH_WIDTH_EPOCHS} epochs of "
                "Adam (α = 0.01) each, on the page's seed.")
    if st.button("Run the depth-vs-width experiment", key="pg_depth_width_run", icon=":material/science:"):
        bar = st.progress(0.0, text="Starting…")
        pg_session.run_depth_vs_width(DEPTH_WIDTH_EPOCHS, bar)
        bar.empty()
    if st.session_state["pg_depth_width"]:
        c1, c2 = st.columns(2)
        cost_fig, acc_fig = pg_figures.depth_vs_width(st.session_state["pg_depth_width"])
        c1.plotly_chart(cost_fig, config=style.CHART_CONFIG, key="pg_depth_width_cost")
        c2.plotly_chart(acc_fig, config=style.CHART_CONFIG, key="pg_depth_width_accuracy")
        st.info(pg_session.depth_vs_width_verdict(st.session_state["pg_depth_width"]), icon=":material/info:")

    st.subheader("Export and import the trained network")
    c1, c2 = st.columns(2)
    if running:
        c1.caption("Pause training to download the current weights.")
    else:
        c1.download_button("Download the network (.npz)", pg_session.export_bytes(run), key="pg_export",
                           file_name=f"playground_{run.setup.dataset}_epoch{run.epoch}.npz",
                           mime="application/octet-stream", icon=":material/download:", on_click="ignore")
    c2.file_uploader("Import a network (.npz saved by this page)", type=["npz"], key="pg_import_file",
                     on_change=pg_session.import_model)
    if st.session_state["pg_import_message"]:
        kind, text = st.session_state["pg_import_message"]
        (st.success if kind == "success" else st.error)(text)


tabs.tabs([("Playground", playground), ("Why activations", inside.render_linear_stack),
           ("Inside a network", inside.render)], key="layers_tab", in_url=False)
