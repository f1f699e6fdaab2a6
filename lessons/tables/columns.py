"""What each column of a table is to a network: the target y, a numeric input, a text input to one-hot
encode, or something to leave out (an identifier, free text, a constant, mostly missing), each with a
reason a person can read. Then the rows become numbers: X (m, n) and y.

    plan = columns.plan(frame, target="species")        # the roles, and the task: classes or regression
    X, y, kept = columns.encode(frame, plan)             # rows with a missing value dropped
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from .reader import TableError

MAX_CATEGORIES = 12     # a text column with at most this many values is one-hot encoded
MAX_CLASSES = 20        # a classification target with more values than this is refused
AUTO_CLASSES = 10       # a numeric target with more distinct values than this is a regression, by default
MAX_MISSING = 0.5       # a column missing more than this share of its values is left out
NOT_NUMBERS = 0.05      # a column whose non-numbers are at most this share is numeric (the rest: missing)
TASKS = ("auto", "classes", "regression")
ID_NAME = re.compile(r"(^|[\s_\-.])(id|key|index|no|number|nr|code)$|^(id|index|unnamed: ?\d+)", re.IGNORECASE)


@dataclass
class Column:
    """One column's role: "target", "input" (numbers), "one-hot" (text with few values) or "left out"."""

    name: str
    role: str
    detail: str
    categories: list[str] = field(default_factory=list)   # one-hot: the values, one input column each


@dataclass
class Plan:
    """The roles of every column and the task. ``task`` is "classes" (``classes`` lists the k values of
    the target, in order: class index c is ``classes[c]``) or "regression"."""

    target: str
    task: str
    classes: list[str]
    columns: list[Column]
    auto_task: str = ""          # what "auto" would have chosen
    numeric_target: bool = False  # the target's values are numbers (class names then read "2", "10", "0.5")

    @property
    def inputs(self) -> list[Column]:
        return [c for c in self.columns if c.role in ("input", "one-hot")]

    @property
    def left_out(self) -> list[Column]:
        return [c for c in self.columns if c.role == "left out"]

    @property
    def feature_names(self) -> list[str]:
        """The network's n input columns, in order: a numeric column's name, or "colour = red" per value."""
        names = []
        for c in self.inputs:
            names += [c.name] if c.role == "input" else [f"{c.name} = {v}" for v in c.categories]
        return names

    @property
    def source_of(self) -> list[str]:
        """For each of the n input columns, the table column it comes from."""
        return [c.name for c in self.inputs for _ in (c.categories or [None])]


def plan(frame, target: str, task: str = "auto") -> Plan:
    """The role of every column of ``frame`` (text cells, as ``read_csv`` gives them) with ``target`` as y.

    task "auto": a numeric target with more than AUTO_CLASSES distinct values is a regression, anything
    else classes; "classes" or "regression" overrides that. Raises ``TableError`` for an unknown target,
    a target with one value or too many classes, a regression on text, or no usable input column.
    """
    import pandas as pd

    if task not in TASKS:
        raise TableError(f"The task must be one of {', '.join(TASKS)}; got {task!r}.", "target")
    if target not in frame.columns:
        names = ", ".join(map(str, frame.columns[:12])) + (", …" if len(frame.columns) > 12 else "")
        raise TableError(f"There is no column {target!r} to predict. The columns are: {names}.", "target")
    y_text = frame[target].dropna()
    y_numbers = pd.to_numeric(y_text, errors="coerce")
    numeric = len(y_text) > 0 and not y_numbers.isna().any()
    distinct = y_text.nunique()
    auto = "regression" if numeric and distinct > AUTO_CLASSES else "classes"
    chosen = auto if task == "auto" else task
    if distinct < 2:
        raise TableError(f"The target column {target!r} has only one value ({_value(y_text)}): there is nothing "
                         "to tell apart. Choose another column to predict.", "one_class")
    if chosen == "regression" and not numeric:
        raise TableError(f"The target column {target!r} holds text, so it cannot be a regression. Predict it as "
                         "classes, or choose a column of numbers.", "target")
    if chosen == "classes" and distinct > MAX_CLASSES:
        raise TableError(f"The target column {target!r} has {distinct} different values: too many classes (at most "
                         f"{MAX_CLASSES}). Predict it as a regression (numbers), or choose another column.",
                         "too_many_classes")
    classes = (sorted({_number_name(v) for v in y_numbers}, key=float) if numeric else sorted(map(str, y_text.unique()))
               ) if chosen == "classes" else []
    detail = (f"{len(classes)} classes: " + ", ".join(classes[:8]) + (" …" if len(classes) > 8 else "")
              if chosen == "classes" else "numbers (regression)")
    columns = [Column(target, "target", detail)]
    columns += [_role(frame[name], str(name)) for name in frame.columns if name != target]
    result = Plan(target, chosen, classes, columns, auto, bool(numeric))
    if not result.inputs:
        raise TableError("No column is left to learn from: every other column was left out "
                         f"({'; '.join(f'{c.name}: {c.detail}' for c in result.left_out)[:200]}). "
                         "A table needs at least one column of numbers or of a few text values.", "no_features")
    return result


def _role(series, name: str) -> Column:
    """A non-target column's role and why."""
    import pandas as pd

    values = series.dropna()
    m = len(series)
    missing = 1 - len(values) / m if m else 1.0
    if missing > MAX_MISSING:
        return Column(name, "left out", f"{missing:.0%} of its values are missing")
    distinct = values.nunique()
    if distinct <= 1:
        return Column(name, "left out", "the same value in every row" if distinct else "empty")
    numbers = pd.to_numeric(values, errors="coerce")
    not_numbers = int(numbers.isna().sum())
    if not_numbers <= NOT_NUMBERS * len(values):
        if _looks_like_id(name, numbers.dropna()):
            return Column(name, "left out", "looks like an identifier: a different whole number in every row")
        extra = (f"; {not_numbers} cell{'s' if not_numbers > 1 else ''} that are not numbers "
                 f"({_value(values[numbers.isna()])}) counted as missing") if not_numbers else ""
        return Column(name, "input", f"numbers, {numbers.min():g} … {numbers.max():g}{extra}")
    if distinct <= MAX_CATEGORIES and (distinct < len(values) or distinct <= 2):
        categories = sorted(map(str, values.unique()))
        return Column(name, "one-hot", f"{distinct} values, one input each: " + ", ".join(categories),
                      categories)
    words = values.astype(str).str.contains(r"\s").mean() > 0.5
    why = "an identifier" if distinct == len(values) and not words else "free text"
    return Column(name, "left out", f"looks like {why}: {distinct} different texts in {len(values)} rows "
                                    f"(one-hot encoding takes at most {MAX_CATEGORIES})")


def _looks_like_id(name: str, numbers) -> bool:
    """A column of distinct whole numbers that is named like an id or counts 1, 2, 3, … (row numbers)."""
    if len(numbers) < 3 or numbers.nunique() != len(numbers) or not np.all(numbers == np.round(numbers)):
        return False
    steps = np.diff(numbers.to_numpy(dtype=float))
    return bool(ID_NAME.search(name)) or bool(np.all(steps == 1))


def _number_name(value) -> str:
    """A numeric class's name: 2.0 and "2" are both class "2"."""
    return f"{float(value):g}"


def encode(frame, plan: Plan) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The table as numbers: X (m, n) float64, y (m,) (class indices 0 … k−1, or the numbers), and the
    boolean mask (rows,) of the rows kept. A row with a missing value in the target or in any input is
    dropped (counted by the caller as ``(~kept).sum()``)."""
    import pandas as pd

    blocks, kept = [], frame[plan.target].notna().to_numpy().copy()
    for column in plan.inputs:
        series = frame[column.name]
        if column.role == "input":
            values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float)
            kept &= np.isfinite(values)
            blocks.append(values[:, None])
        else:
            text = series.astype("string")
            kept &= series.notna().to_numpy()
            blocks.append(np.column_stack([(text == v).fillna(False).to_numpy(dtype=float)
                                           for v in column.categories]))
    X = np.hstack(blocks)[kept]
    target = frame[plan.target][kept]
    if plan.task == "regression":
        y = pd.to_numeric(target, errors="coerce").to_numpy(dtype=float)
    else:
        names = (pd.to_numeric(target, errors="coerce").map(_number_name) if plan.numeric_target
                 else target.astype(str))
        index = {name: c for c, name in enumerate(plan.classes)}
        if set(names.unique()) - set(index):
            raise TableError("The target has values the plan does not know; plan the columns again.", "target")
        y = names.map(index).to_numpy(dtype=int)
    return X, y, kept


def _value(values, limit: int = 30) -> str:
    text = str(values.iloc[0]) if len(values) else ""
    return "“" + (text if len(text) <= limit else text[:limit - 1] + "…") + "”"
