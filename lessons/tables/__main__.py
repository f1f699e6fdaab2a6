"""python -m lessons.tables FILE --target COLUMN [--hidden 8,8] [--epochs N] [--seed S] [--task auto|classes|regression]

Train a network on a CSV table and print what was kept, encoded and dropped, the split, and on the last
line ``test accuracy: 0.xxx`` (classes) or ``test R²: 0.xxx`` (numbers). A file that cannot be used gets
one line saying what is wrong and how to fix it, and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import pipeline
from .reader import MAX_BYTES, TableError, read_csv

EXIT_BAD_FILE = 2


def _hidden(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip() != "")
    except ValueError:
        raise argparse.ArgumentTypeError(f"hidden layers are whole numbers separated by commas, e.g. 8,8; got {text!r}")
    if any(u < 1 or u > 512 for u in sizes):
        raise argparse.ArgumentTypeError(f"each hidden layer needs 1 to 512 units; got {text!r}")
    return sizes


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lessons.tables",
                                description="Train a Neuron Lab network on a CSV table (a header row, one row per "
                                            "example) and report its test accuracy or R².")
    p.add_argument("file", help="the CSV file")
    p.add_argument("--target", required=True, help="the column to predict")
    p.add_argument("--task", choices=("auto", "classes", "regression"), default="auto",
                   help="classes or numbers; auto: a numeric target with more than 10 values is a regression")
    p.add_argument("--hidden", type=_hidden, default=(8, 8), help="units per hidden layer, e.g. 8,8 (empty: none)")
    p.add_argument("--epochs", type=int, default=pipeline.Settings.epochs,
                   help=f"passes over the training rows (default {pipeline.Settings.epochs})")
    p.add_argument("--seed", type=int, default=0, help="seeds the split, the initial weights and the shuffling")
    return p


def read_file(path: str) -> bytes:
    """The file's bytes, refusing a missing file, a folder or one over the size cap before reading it."""
    if not os.path.isfile(path):
        raise TableError(f"There is no file {path!r}. Give the path of a CSV file.", "missing")
    if os.path.getsize(path) > MAX_BYTES:
        raise TableError(f"The file is larger than the {MAX_BYTES / 1024 / 1024:g} MB limit "
                         f"({os.path.getsize(path):,} bytes). Keep a sample of the rows and try again.", "too_large")
    with open(path, "rb") as f:
        return f.read(MAX_BYTES + 1)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.epochs < 1 or args.epochs > 100_000:
        parser().error("--epochs must be from 1 to 100000")
    try:
        frame = read_csv(read_file(args.file))
        prepared = pipeline.prepare(frame, args.target, args.task, seed=args.seed)
    except TableError as exc:
        print(f"{os.path.basename(args.file)}: {exc}", file=sys.stderr)
        return EXIT_BAD_FILE
    settings = pipeline.Settings(hidden=args.hidden, epochs=args.epochs, seed=args.seed)
    print(f"Read {os.path.basename(args.file)}: {prepared.n_rows} rows, {len(frame.columns)} columns.")
    for line in prepared.summary():
        print(line)
    print(settings.describe(prepared))
    net, records, result = pipeline.run(prepared, settings)
    if records and records[-1].diverged:
        print(records[-1].message, file=sys.stderr)
    if result.task == "classes":
        print(f"train accuracy: {result.train_score:.3f}")
        print(f"test accuracy: {result.test_score:.3f}")
    else:
        print(f"train R²: {result.train_score:.3f}   test mean absolute error: {result.mae:.4g}")
        print(f"test R²: {result.test_score:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
