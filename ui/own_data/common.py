"""Chapter 7: the session-state defaults and the limits of the page's controls, in one place."""

from __future__ import annotations

import re

K_CHOICES = (2, 3, 4, 5)
Z_RANGE = (-6.0, 6.0)
HIDDEN_CHOICES = ("none", "4", "8", "8,8", "16,16", "32,16")
EPOCHS = (10, 500)
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1)
TASK_LABELS = {"auto": "automatic", "classes": "classes", "regression": "numbers (regression)"}

DEFAULTS = {
    # Softmax
    "w_od_k": 2,
    "w_od_z1": 1.2,
    "w_od_z2": -0.3,
    "w_od_z3": 0.5,
    "w_od_z4": -1.0,
    "w_od_z5": 0.0,
    "w_od_true": 1,
    # Your table
    "w_od_table": "fruit",
    "od_target": "",            # the column to predict (the page's own state; the selectbox follows it)
    "w_od_task": "auto",
    "w_od_hidden": "8,8",
    "w_od_epochs": 100,
    "w_od_lr": 0.01,
    "od_map": None,             # the map's two inputs (across, up)
    "od_upload": None,          # (file name, bytes) of the CSV uploaded this session
    "od_uploader_ids": list,    # the uploader's file ids in the last run
    "od_uploader_round": 0,     # how many times the upload was cleared (a new uploader key each time)
    "od_running": False,
    "od_run": None,             # the training run: network, generator, history (ui.training_run)
    "od_eval": None,            # its test scores
    "od_session_model": None,   # the trained network
}

_MARKDOWN = re.compile(r"([\\`*_{}\[\]()#+!|<>$~:])")
_LIST_START = re.compile(r"^(\s*)(\d+)([.)])|^(\s*)([-])")


def plain_md(text: str) -> str:
    """Text from a file (a column name, a cell) made safe for Markdown: every character Markdown, HTML, LaTeX
    or an emoji code could act on is escaped (and a list marker at the start), so it shows exactly as written."""
    text = _MARKDOWN.sub(r"\\\1", str(text))
    return _LIST_START.sub(lambda m: (m[1] + m[2] + "\\" + m[3]) if m[2] else (m[4] + "\\" + m[5]), text)
