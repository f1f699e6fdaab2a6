"""Chapter 7, "Your table": the live panel while the network trains, and what it learnt once it has: test
accuracy or R², the confusion matrix or predicted against true, the map over two inputs, and the model file."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import streamlit as st

from lessons import maps, tables

from ui import style
from ui.live_chart import live_chart
from ui.own_data import figures
from ui.own_data.common import plain_md
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.training_run import TICK_SECONDS, TrainingRun

RUN = TrainingRun("od", forget_model_on_reset=True)


def draw_live(run: dict, marks: list[tuple[int, int]]) -> None:
    """Progress, the last epoch's scores and the learning curves, one frame per mark (ui.training_run)."""
    prepared: tables.Prepared = run["prepared"]
    history = run["history"]
    st.caption(run["summary"])
    RUN.progress(run)
    if history:
        last = history[-1]
        m1, m2, m3 = st.columns(3)
        m1.metric("training cost J", f"{last.train_cost:.3f}")
        if prepared.task == "classes":
            m2.metric("training accuracy (during the epoch)", f"{last.train_accuracy:.1%}")
            m3.metric("test accuracy", f"{last.test_accuracy:.1%}")
        else:
            m2.metric("training R² (during the epoch)", f"{last.train_r2:.3f}")
            m3.metric("test R²", f"{last.test_r2:.3f}")
    if prepared.task == "classes":
        st.markdown("**Categorical cross-entropy J** of each mini-batch and, at each epoch's end, of the training "
                    "and test rows; **accuracy** at each epoch's end.")
        RUN.curves(run, marks, key="od_curves_chart", height=440)
    else:
        frames = [figures.regression_curves(history[:h], epochs=run["epochs"]) for h, _ in marks]
        live_chart(frames, key="od_curves_chart", every=TICK_SECONDS / len(frames) if len(frames) > 1 else None,
                   label="Learning curves: squared-error cost J and R² per epoch")


def settle(run: TrainingRun) -> None:
    """At the end of a fragment run: if the timer ticked although nothing trains any more (the full run that
    would have stopped it was cut short by a tick), rerun the page once, which draws the fragment without a
    timer. In Chromium, on fresh servers, a tick cut the finishing full run short in 4 of 16 runs."""
    ctx = get_script_run_ctx()
    if not run.running and ctx is not None and ctx.fragment_ids_this_run and run.run and run.run.get("done"):
        if not st.session_state.get(f"{run.prefix}_settled"):
            st.session_state[f"{run.prefix}_settled"] = True
            st.rerun()
    elif run.running:
        st.session_state[f"{run.prefix}_settled"] = False


def finish(run: dict) -> None:
    """Stop and score the trained network on the test rows; it becomes the page's model."""
    ss = st.session_state
    ss.od_running = False
    if run["error"] or not run["history"]:
        return
    prepared, net = run["prepared"], run["model"]
    ss.od_session_model = net
    ss.od_eval = {"result": tables.evaluate(prepared, net), "prepared": prepared, "settings": run["settings"]}


def show(evaluation: dict, net) -> None:
    result: tables.Evaluation = evaluation["result"]
    prepared: tables.Prepared = evaluation["prepared"]
    plan = prepared.plan
    st.subheader("How well it does on the test rows")
    m1, m2, m3 = st.columns(3)
    if result.task == "classes":
        m1.metric("test accuracy", f"{result.test_score:.1%}")
        m2.metric("training accuracy", f"{result.train_score:.1%}")
        m3.metric("always the most common class", f"{np.bincount(prepared.y_test).max() / len(prepared.y_test):.1%}",
                  help="What a model that ignores the inputs would score on the test rows.")
    else:
        m1.metric("test R²", f"{result.test_score:.3f}")
        m2.metric("training R²", f"{result.train_score:.3f}")
        m3.metric(f"test mean absolute error ({plan.target})", f"{result.mae:.4g}")
    left, right = st.columns([1, 1.2], gap="large")
    with left:
        if result.task == "classes":
            st.plotly_chart(figures.confusion(result.confusion, plan.classes, "Confusion matrix (test rows)"),
                            config=style.CHART_CONFIG, key="od_confusion_chart")
            st.dataframe(pd.DataFrame({"class": plan.classes, "test rows": result.confusion.sum(axis=1),
                                       "accuracy": [f"{a:.0%}" if np.isfinite(a) else "–" for a in result.per_class]}),
                         hide_index=True, width="stretch", key="od_per_class_table")
        else:
            st.plotly_chart(figures.predicted_vs_true(result.y_true, result.y_pred, plan.target),
                            config=style.CHART_CONFIG, key="od_fit_chart")
    with right:
        _map(prepared, net)
    st.download_button("Download the trained network (.npz, format 2)",
                       data=net.to_bytes(tables.model_metadata(prepared, evaluation["settings"])),
                       file_name=f"{_safe(plan.target)}_network.npz", mime="application/octet-stream",
                       key="od_download_model", icon=":material/download:")


def _map(prepared: tables.Prepared, net) -> None:
    ss = st.session_state
    names = prepared.feature_names
    if len(names) < 2:
        st.info("The table has a single input, so there is no plane to draw.")
        return
    # The two inputs live in ss.od_map; the boxes show them (index), keyed by the inputs on offer.
    if not (ss.od_map and ss.od_map[0] in names and ss.od_map[1] in names):
        # By default the two columns of numbers the network's output moves most with, among those with many
        # values (a one-hot input, 0 or 1, or a count of rooms makes a poor axis); failing two, any.
        X = np.r_[prepared.X_train, prepared.X_test]
        numeric = {c.name for c in prepared.plan.inputs if c.role == "input"}
        wide = [i for i, name in enumerate(names) if name in numeric and len(np.unique(X[:, i])) >= 8]
        order = maps.strongest_inputs(net, prepared, wide if len(wide) >= 2 else None)
        ss.od_map = (names[order[0]], names[order[1]])
    x, y = ss.od_map
    token = hashlib.blake2b("\n".join(names).encode(), digest_size=6).hexdigest()
    c1, c2 = st.columns(2)
    x = c1.selectbox("Map: across", names, index=names.index(x), key=f"od_map_x_{token}")
    others = [n for n in names if n != x]
    y = c2.selectbox("Map: up", others, index=others.index(y) if y in others else 0,
                     key=f"od_map_y_{token}_{names.index(x)}")
    ss.od_map = (x, y)
    i, j = names.index(x), names.index(y)
    plane = maps.feature_map(net, prepared, i, j)
    points = maps.points(prepared, i, j)
    if prepared.task == "classes":
        fig = figures.class_map(plane, prepared.plan.classes, points, x, y)
    else:
        fig = figures.number_map(plane, points, x, y, prepared.plan.target)
    st.plotly_chart(fig, config=style.CHART_CONFIG, key="od_map_chart")
    others = len(names) - 2
    st.caption(f"What the network says across {plain_md(x)} and {plain_md(y)}"
               + (f", with the other {others} input{'s' if others > 1 else ''} held at "
                  f"{'their' if others > 1 else 'its'} means over the training rows (a one-hot input at the share of "
                  "rows with that value)" if others else "")
               + ". The rows' dots are where they really are, so a row can sit in another colour when its other "
                 "inputs differ from the means. "
               + ("Filled: training rows; outlined: test rows." if prepared.task == "classes" else
                  "Each dot is coloured by its true value: where it matches the colour under it, the network got it "
                  "right. Circles: training rows; diamonds: test rows."))


def _safe(text: str) -> str:
    """A file-name-safe version of a column name."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(text))[:40].strip("_")
    return cleaned or "table"
