"""Your own table (chapter 7 and ``python -m lessons.tables``): a CSV file with a header row → a network
trained on it, classes or numbers.

    reader     bytes → a table of text cells, or one TableError that says what to fix
    columns    each column's role (target, numbers, one-hot, left out, and why) and the rows as X, y
    pipeline   split, standardise on the training rows, the network, training (engine.fit), test scores
    examples   tables made here from a seed, for the page
    __main__   the command line
"""

from .columns import Column, Plan, encode, plan
from .examples import EXAMPLES, example_csv
from .pipeline import Evaluation, Prepared, Settings, build_network, evaluate, model_metadata, prepare, run, training
from .reader import MAX_BYTES, MAX_COLUMNS, TableError, read_csv

__all__ = ["Column", "Plan", "plan", "encode", "EXAMPLES", "example_csv", "Evaluation", "Prepared", "Settings",
           "build_network", "evaluate", "model_metadata", "prepare", "run", "training", "MAX_BYTES", "MAX_COLUMNS",
           "TableError", "read_csv"]
