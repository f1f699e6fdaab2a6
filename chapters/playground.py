"""4 · Layers and deep networks: the playground, stacked linear layers, and what happens inside a network."""

import streamlit as st

from lessons import features, presets
from ui import chapter, links, style, tabs
from ui.playground import controls as pg_controls
from ui.playground import figures as pg_figures
from ui.playground import inside
from ui.playground import session as pg_session
from ui.playground import views as pg_views

TITLE = "4 · Layers and deep networks"
DEPTH_WIDTH_EPOCHS = 600

chapter.begin(TITLE, pg_controls.LINK, pg_session.STATE_DEFAULTS)
if problem := pg_controls.drawn_problem(st.session_state.get(links.IGNORED_KEY, [])):
    st.error(problem, icon=":material/link_off:")
st.markdown(r"Each hidden layer, $A^{[l]} = g(A^{[l-1]} W^{[l]\top} + b^{[l]})$, bends the boundary between "
            "cats (orange) and dogs (blue).")


def playground() -> None:
    pg_session.settle()
    running = st.session_state["pg_running"]
    # One row: the presets fold into a popover; the playback buttons carry keyboard shortcuts. (Streamlit
    # keeps R for its own rerun, so Reset is Home.)
    with st.container(horizontal=True, vertical_alignment="center"):
        with st.popover("Presets", icon=":material/auto_awesome:", help="One click sets every control."):
            for name, label in pg_controls.PRESET_TITLES.items():
                st.button(label, key=f"pg_preset_{name}", on_click=pg_session.apply_preset, args=(name,),
                          width="stretch")
        st.button("Pause" if running else "Play", key="pg_play", on_click=pg_session.play_or_pause,
                  type="secondary" if running else "primary", shortcut="Space",
                  icon=":material/pause:" if running else ":material/play_arrow:",
                  help="Space: play or pause")
        st.button("Step (1 epoch)", key="pg_step", on_click=pg_session.step, icon=":material/skip_next:",
                  shortcut="Right", help="→: one epoch")
        st.button("Reset", key="pg_reset", on_click=pg_session.reset, icon=":material/restart_alt:",
                  shortcut="Home", help="Home: back to epoch 0 with new initial weights")
    if st.session_state["w_pg_dataset"] in (presets.DRAW_CLASSES, presets.DRAW_NUMBERS):
        with st.container(horizontal=True, vertical_alignment="center"):
            pg_controls.place_controls(st.session_state["w_pg_dataset"], pg_session.clear_points)
    run = pg_session.current_run()
    if st.session_state["pg_note"]:
        st.info(st.session_state["pg_note"], icon=":material/info:")
    every = pg_views.live_plan().seconds  # this session's share of the server's live budget
    st.session_state["pg_live_timer"] = every
    st.fragment(run_every=every if running else None)(pg_views.live_view)()
    st.caption(pg_views.caption(run))
    # The network is what a lesson changes; data and training are set once and stay folded.
    network, data, training = st.columns(3)
    with network.expander("**Network**", expanded=True):
        pg_controls.network_controls()
    with data.expander("**Data**", expanded=False):
        pg_controls.data_controls(pg_session.regenerate, pg_session.dataset_changed)
    with training.expander("**Training**", expanded=False):
        pg_controls.training_controls()
    st.fragment(run_every=max(pg_views.DETAIL_SECONDS, 4 * every) if running else None)(pg_views.detail_view)()

    st.subheader("Matrix shapes for this architecture")
    m = len(run.X_train)
    st.markdown(f"For the **m = {m} training examples** and **n = {run.net.layer_sizes[0]} inputs** "
                f"({', '.join(features.input_labels(run.setup.features))}), one forward pass uses:")
    st.dataframe([{"array": name, "shape": f"({r} × {c})", "what it holds": what}
                  for name, (r, c), what in presets.matrix_shapes(run.net.layer_sizes, m, run.setup.output)],
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


tabs.tabs(list(zip(pg_controls.TABS, (playground, inside.render_linear_stack, inside.render))), key="layers_tab")
chapter.end(pg_controls.LINK)
