"""The playground's controls: one table of every widget (key, URL name, default, allowed values),
the widget groups that draw them, and the bridge to ``lessons.presets.Setup`` and the URL.

Every control is mirrored in the URL (``LINK``, see ``ui.links``) so a link reproduces the exact setup,
seed included: the URL is read when the page is entered and rewritten whenever a value changes.
"""

from __future__ import annotations

import math
from typing import Any

import streamlit as st

from engine import activations, datasets, optimizers
from lessons import drawn, features, presets
from ui import links, numbers, tabs

LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0]
BATCH_SIZES = [0, 256, 128, 64, 32, 16, 8, 4, 2, 1]  # 0 = full batch
L2_VALUES = [0.0, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0]
EPOCH_LIMITS = [100, 200, 300, 500, 600, 1000, 2000, 5000, 10000]
POINTS = [100, 200, 300, 400, 500, 800, 1000]
TEST_SHARES = [10, 20, 30, 40, 50]  # percent
SPEEDS = [1, 2, 5, 10, 20, 50]
# The page's limits: what a lecture needs and what a shared server can afford per student.
MAX_HIDDEN_LAYERS = 6
MAX_WIDTH = 32
PRESET_TITLES: dict[str, str] = {
    "logreg_xor": "Logistic regression can't do XOR",
    "xor_one_hidden": "One hidden layer solves XOR",
    "spiral_depth": "Three layers of 8 learn the spiral",
    "lr_too_high": "Too-high learning rate",
    "sigmoid_deep": "Deep sigmoid net: vanishing gradient",
    "relu_deep": "ReLU fixes it",
    "four_blobs": "Four classes: a softmax output",
    "five_arms": "Five spiral arms need depth",
    "bumps_fit": "Numbers: fit two hills and a dip",
}
# One line per preset: what it shows, and why when the outcome may surprise.
PRESET_NOTES: dict[str, str] = {
    "logreg_xor": "With no hidden layer the boundary is a straight line, and no line splits XOR: accuracy "
                  "stays near 50 %.",
    "xor_one_hidden": "Four tanh units bend the line into the two corridors XOR needs.",
    "spiral_depth": "Three hidden layers of 8 units learn the spiral; set Hidden layers to 1 and the same 8 "
                    "units cannot. A single layer of about 60 units can too (the depth-vs-width experiment "
                    "below): depth is one way to get there, not the only one.",
    "lr_too_high": "α = 30 is far too large: every step overshoots, so the cost jumps up and down (between "
                   "about 1 and 11) instead of falling. It does not run off to infinity because tanh and σ "
                   "saturate, so the weights swing back and forth. Try α = 0.3.",
    "sigmoid_deep": "Six sigmoid layers: the slope σ′ ≤ 1/4 shrinks the gradient at every layer on its way "
                    "back, so the first layers hardly learn and the cost stays near log 2 ≈ 0.69.",
    "relu_deep": "The same depth with ReLU, whose slope is 1 where it is on: the gradient reaches the first "
                 "layers and the network learns.",
    "four_blobs": "Four classes need four output units: softmax turns their z into four probabilities that sum "
                  "to 1, and each region takes the colour (and the points the shape) of its most likely class. The "
                  "cost is the categorical cross-entropy; it starts at log 4 ≈ 1.39, a uniform guess.",
    "five_arms": "Five interleaved arms: two hidden layers of 16 bend the borders around each arm. Watch the "
                 "paler bands: there the network is less sure which arm a point belongs to.",
    "bumps_fit": "A regression: one linear output unit predicts a number, and the cost is the squared error "
                 "(1/2m) Σ (ŷ − y)². Each point is coloured by its own y: as the fit improves they melt into the map.",
}
OPTIMIZER_LABELS = {"gd": "gradient descent", "momentum": "momentum", "rmsprop": "RMSProp", "adam": "Adam"}


TASK_LABELS = {"binary": "2 classes", "classes": "k classes", "regression": "numbers"}
DATASET_LABELS = {
    **{name: f"{name} (2 classes)" for name in datasets.TWO_D},
    "spiral_arms": "k-arm spiral (k classes)", "blobs": "k blobs (k classes)",
    presets.DRAW_CLASSES: "points you place (k classes)",
    "plane": "a plane (numbers)", "bumps": "Gaussian bumps (numbers)",
    presets.DRAW_NUMBERS: "points you place (numbers)",
}
DRAW_VALUES = tuple(float(v) for v in range(-5, 6))   # the numbers one places (drawn.VALUE_LIMIT = 5)


class DrawnControl(links.Control):
    """The drawn points in the link: ``lessons.drawn``'s text (or "" for none); anything ``drawn.decode``
    refuses is ignored with a message (``drawn_problem``)."""

    def parse(self, text: str) -> str:
        if text:
            drawn.decode(text)
        return text

    def encode(self, value) -> str:
        return str(value)


def drawn_problem(ignored: list[str]) -> str:
    """A clear message for drawn points a link carried that could not be read, or ""."""
    bad = [text for text in ignored if text.startswith(f"{DRAWN_PARAM}=")]
    if not bad:
        return ""
    return (f"The link's drawn points ({links.plain(bad[0], 40)}) could not be read: a set of up to "
            f"{drawn.MAX_POINTS} points is a letter c or r followed by the page's own code, and this one is cut "
            "short or changed. The plane starts empty; place points by clicking, then copy the address again.")


DRAWN_PARAM = "pts"
CONTROLS: list[links.Control] = [
    links.Control("w_pg_dataset", "data", "circles", options=presets.DATASETS),
    links.Control("w_pg_k", "k", 4, bounds=presets.K_RANGE),
    DrawnControl("w_pg_drawn", DRAWN_PARAM, ""),
    links.Control("w_pg_place_class", "place", 0, bounds=(0, presets.DRAW_MAX_CLASSES - 1)),
    links.Control("w_pg_place_value", "value", 1.0, options=DRAW_VALUES),
    links.Control("w_pg_noise", "noise", 0.1, bounds=(0.0, 1.0)),
    links.Control("w_pg_points", "points", 300, options=tuple(POINTS)),
    links.Control("w_pg_test_share", "test", 30, options=tuple(TEST_SHARES)),
    links.Control("w_pg_seed", "seed", 0, bounds=(0, 9999)),
    links.Control("w_pg_layers", "layers", 2, bounds=(0, MAX_HIDDEN_LAYERS)),
    *[links.Control(f"w_pg_width_{l}", f"width{l}", 4, bounds=(1, MAX_WIDTH))
      for l in range(1, MAX_HIDDEN_LAYERS + 1)],
    links.Control("w_pg_activation", "act", "tanh", options=presets.HIDDEN_ACTIVATIONS),
    links.Control("w_pg_features", "features", [], options=tuple(features.FEATURES), many=True),
    links.Control("w_pg_learning_rate", "lr", 0.03, options=tuple(LEARNING_RATES)),
    links.Control("w_pg_optimizer", "opt", "adam", options=tuple(optimizers.OPTIMIZERS)),
    links.Control("w_pg_batch", "batch", 0, options=tuple(BATCH_SIZES)),
    links.Control("w_pg_l2", "l2", 0.0, options=tuple(L2_VALUES)),
    links.Control("w_pg_max_epochs", "epochs", 1000, options=tuple(EPOCH_LIMITS)),
    # 5 epochs a frame at up to 30 frames a second: the default 1000 epochs take about 7 s to watch.
    links.Control("w_pg_speed", "speed", 5, options=tuple(SPEEDS)),
]
WIDGET_DEFAULTS = {c.key: (list(c.default) if c.many else c.default) for c in CONTROLS}
TABS = ("Playground", "Why activations", "Inside a network")


# -- Setup <-> session state ----------------------------------------------------------------------

def setup_from_state(ss) -> presets.Setup:
    """The engine ``Setup`` the widgets currently describe."""
    n_layers = int(ss["w_pg_layers"])
    dataset = ss["w_pg_dataset"]
    is_drawn = dataset in (presets.DRAW_CLASSES, presets.DRAW_NUMBERS)
    return presets.Setup(
        dataset=dataset, k=int(ss["w_pg_k"]), drawn=ss["w_pg_drawn"] if is_drawn else "",
        noise=float(ss["w_pg_noise"]), n_points=int(ss["w_pg_points"]),
        test_ratio=ss["w_pg_test_share"] / 100, seed=int(ss["w_pg_seed"]),
        hidden=tuple(int(ss[f"w_pg_width_{l}"]) for l in range(1, n_layers + 1)),
        activation=ss["w_pg_activation"], features=tuple(ss["w_pg_features"]),
        learning_rate=float(ss["w_pg_learning_rate"]), optimizer=ss["w_pg_optimizer"],
        batch_size=int(ss["w_pg_batch"]) or None, l2=float(ss["w_pg_l2"]),
        max_epochs=int(ss["w_pg_max_epochs"]))


def apply_setup(ss, setup: presets.Setup) -> None:
    """Put a setup's values into the widgets (for a preset or an imported model); widths of unused
    layers and the playback speed are left as they are."""
    ss["w_pg_dataset"] = setup.dataset
    ss["w_pg_k"] = int(setup.k)
    if setup.is_drawn:
        ss["w_pg_drawn"] = setup.drawn
    ss["w_pg_noise"] = round(float(setup.noise), 2)
    ss["w_pg_points"] = _nearest(POINTS, setup.n_points)
    ss["w_pg_test_share"] = _nearest(TEST_SHARES, round(setup.test_ratio * 100))
    ss["w_pg_seed"] = int(setup.seed)
    ss["w_pg_layers"] = len(setup.hidden)
    for l, units in enumerate(setup.hidden, start=1):
        ss[f"w_pg_width_{l}"] = int(units)
    ss["w_pg_activation"] = setup.activation
    ss["w_pg_features"] = list(setup.features)
    ss["w_pg_learning_rate"] = _nearest(LEARNING_RATES, setup.learning_rate)
    ss["w_pg_optimizer"] = setup.optimizer
    ss["w_pg_batch"] = _nearest(BATCH_SIZES, setup.batch_size or 0)
    ss["w_pg_l2"] = _nearest(L2_VALUES, setup.l2)
    ss["w_pg_max_epochs"] = _nearest(EPOCH_LIMITS, setup.max_epochs)


def _nearest(options: list, value) -> Any:
    return min(options, key=lambda o: abs(math.log1p(o) - math.log1p(value)))


# -- URL query parameters -------------------------------------------------------------------------

# The other tabs' controls (``ui.playground.inside``) and the open tab are in the URL too.
INSIDE_CONTROLS = [
    links.Control("w_inside_activation", "in_act", "sigmoid", options=activations.HIDDEN),
    links.Control("w_inside_depth", "in_layers", 6, bounds=(1, 8)),
    links.Control("w_inside_data", "in_data", "circles", options=tuple(datasets.TWO_D)),
    links.Control("w_inside_when", "in_when", "after training", options=("after training", "at initialisation")),
    links.Control("w_inside_linear_seed", "lin_seed", 1, bounds=(0, 999)),
]
LINK = links.Link("playground", (*CONTROLS, *INSIDE_CONTROLS, tabs.control(TABS, "layers_tab")))


# -- widget groups --------------------------------------------------------------------------------

def data_controls(on_regenerate, on_dataset) -> None:
    st.selectbox("Data set", presets.DATASETS, key="w_pg_dataset", persist_state="session",
                 format_func=DATASET_LABELS.get, on_change=on_dataset,
                 help="2 classes: one sigmoid output unit. k classes: k softmax units. Numbers: one linear unit.")
    dataset = st.session_state["w_pg_dataset"]
    task = presets.Setup(dataset=dataset).task
    if task == "classes":
        st.slider("Classes k", *presets.K_RANGE, key="w_pg_k", persist_state="session",
                  help="Each class gets its own colour and marker shape; the network one softmax unit per class.")
    if dataset in (presets.DRAW_CLASSES, presets.DRAW_NUMBERS):
        st.caption("Click on the plane to place a point; click on a point to remove it. Training goes on while "
                   f"you place them; up to {drawn.MAX_POINTS} points travel in the page's link.")
        st.select_slider("Test share (%)", TEST_SHARES, key="w_pg_test_share", persist_state="session",
                         help="Of the points in the order placed: with 30 %, the 4th, 7th, 10th, … are test points.")
        return
    st.slider("Noise (std of the jitter, data units)", 0.0, 1.0, step=0.05, key="w_pg_noise", persist_state="session")
    c1, c2 = st.columns(2)
    c1.select_slider("Number of points", POINTS, key="w_pg_points", persist_state="session")
    c2.select_slider("Test share (%)", TEST_SHARES, key="w_pg_test_share", persist_state="session")
    numbers.whole_number("Seed (data and initial weights)", 0, 9999, key="w_pg_seed", persist_state="session")
    st.button("Regenerate (seed + 1)", key="pg_regenerate", on_click=on_regenerate, icon=":material/casino:",
              help="New data and new initial weights", width="stretch")


def place_controls(dataset: str, on_clear) -> None:
    """What a click on the plane places (a class or a number), and Clear: one compact row."""
    st.markdown("**A click on the plane places " + ("class**" if dataset == presets.DRAW_CLASSES else "a point**"),
                width="content")
    if dataset == presets.DRAW_CLASSES:
        k = int(st.session_state["w_pg_k"])
        if st.session_state["w_pg_place_class"] >= k:
            st.session_state["w_pg_place_class"] = 0
        st.segmented_control("A click places a point of", list(range(k)), key="w_pg_place_class", required=True,
                             format_func=lambda c: f"{MARKER_GLYPHS[c]} {c}", persist_state="session",
                             label_visibility="collapsed",
                             help="The class a click on the plane places; a click on a point removes it.")
    else:
        st.selectbox("A click places a point with the number", DRAW_VALUES, key="w_pg_place_value", width=120,
                     persist_state="session", format_func=lambda v: f"y = {v:g}", label_visibility="collapsed",
                     help="The number y a click on the plane places; a click on a point removes it.")
    st.button("Clear", key="pg_clear", on_click=on_clear, icon=":material/delete_sweep:",
              help="Remove every point you placed")


# The class markers as characters, for labels (``style.CLASS_MARKERS``: circle, square, diamond, triangle, x, star).
MARKER_GLYPHS = ["●", "■", "◆", "▲", "✕", "★", "▼", "✚"]


def network_controls() -> None:
    st.slider("Hidden layers (0 = logistic regression)", 0, MAX_HIDDEN_LAYERS, key="w_pg_layers",
              persist_state="session")
    n_layers = st.session_state["w_pg_layers"]
    cols = st.columns(3)
    for l in range(1, n_layers + 1):
        numbers.whole_number(f"Units in layer {l}", 1, MAX_WIDTH, key=f"w_pg_width_{l}", container=cols[(l - 1) % 3],
                             persist_state="session")
    st.selectbox("Hidden activation g", presets.HIDDEN_ACTIVATIONS, key="w_pg_activation", persist_state="session",
                 format_func=lambda name: activations.spec(name).label)
    st.multiselect("Extra input features", list(features.FEATURES), key="w_pg_features", persist_state="session",
                   format_func=lambda k: features.FEATURES[k][0], placeholder="only x1 and x2")


def training_controls() -> None:
    st.select_slider("Learning rate α", LEARNING_RATES, key="w_pg_learning_rate", persist_state="session")
    st.selectbox("Optimizer", list(optimizers.OPTIMIZERS), key="w_pg_optimizer", persist_state="session",
                 format_func=OPTIMIZER_LABELS.get)
    st.select_slider("Batch size (examples per step)", BATCH_SIZES, key="w_pg_batch", persist_state="session",
                     format_func=lambda b: "full batch" if b == 0 else str(b))
    st.select_slider("L2 penalty λ", L2_VALUES, key="w_pg_l2", persist_state="session", format_func=lambda v: f"{v:g}")
    c1, c2 = st.columns(2)
    c1.select_slider("Epochs limit", EPOCH_LIMITS, key="w_pg_max_epochs", persist_state="session")
    c2.select_slider("Epochs per frame", SPEEDS, key="w_pg_speed", persist_state="session",
                     help="How many epochs each screen update trains (up to 30 updates a second, fewer when a "
                     "class shares the server; at most 15 ms of training each, so a big network trains fewer)")
