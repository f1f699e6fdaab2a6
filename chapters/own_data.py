"""7 · Your own data: beyond two classes (softmax), and a network trained on a table you bring."""

import functools

import streamlit as st

from lessons.tables import EXAMPLES

from ui import chapter, links, tabs
from ui.own_data import softmax, table
from ui.own_data.common import DEFAULTS, EPOCHS, HIDDEN_CHOICES, K_CHOICES, LEARNING_RATES, TASK_LABELS, Z_RANGE

TABS = ("Softmax", "Your table")

setting = functools.partial(links.from_defaults, DEFAULTS)
# The table's own choices (its target, the map's inputs) depend on the file, so they are not in the link.
LINK = links.Link("your-data", (
    setting("w_od_k", "k", options=K_CHOICES),
    *(setting(f"w_od_z{c}", f"z{c}", bounds=Z_RANGE, step=0.1) for c in range(1, max(K_CHOICES) + 1)),
    setting("w_od_true", "true", bounds=(1, max(K_CHOICES))),
    setting("w_od_table", "table", options=(*EXAMPLES, "upload")),
    setting("w_od_task", "task", options=tuple(TASK_LABELS)),
    setting("w_od_hidden", "hidden", options=HIDDEN_CHOICES),
    setting("w_od_epochs", "epochs", bounds=EPOCHS, step=10),
    setting("w_od_lr", "lr", options=LEARNING_RATES),
    tabs.control(TABS, "od_tab"),
))

# Reset keeps the uploader's round counter growing, so clearing the upload empties the widget too.
chapter.begin("7 · Your own data", LINK, DEFAULTS, keep=("od_uploader_round",), on_reset=table.clear_upload)
st.markdown(
    "Every data set so far was ours, with two classes. Here the output layer grows to **k classes** with "
    "**softmax**, or to **numbers** with a linear output, and the network learns from **your own table**. "
    "(Your own photos, in classes you name, are in chapter 6's last tab.)")
tabs.tabs(list(zip(TABS, (softmax.render, table.render))), key="od_tab")
chapter.end(LINK)
