"""Benchmark: the table pipeline (lessons.tables) against scikit-learn's MLPClassifier / MLPRegressor on
scikit-learn's own bundled tables (iris, wine, breast cancer; diabetes for numbers), same split, same
standardised inputs, same network and training; plus how fast the command line answers a bad file.

Run: python benchmarks/tables_vs_sklearn.py [--seeds 10] [--epochs 100] [--no-cli]

Each table is written to a CSV (class names as text) and read back by ``lessons.tables`` exactly as an
upload is. Both networks: hidden layers 8, 8 (ReLU), Adam α = 0.01, mini-batches of 32, 100 epochs (the
pipeline's default), λ = alpha = 1e-4 (the same penalty λ/(2m)Σ‖W‖²), no early stopping; the regression
trains on the target standardised on the training rows, for both. Seeds 0 … S−1 each give a new split
and new initial weights.
scikit-learn is a test-only reference: the app never imports it.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from lessons import tables  # noqa: E402

TABLES = ("iris", "wine", "breast_cancer", "diabetes")


def sklearn_csv(name: str) -> bytes:
    """scikit-learn's bundled table ``name`` as CSV bytes: its columns, and the target (class names as text)."""
    from sklearn import datasets as sk

    bunch = getattr(sk, f"load_{name}")(as_frame=True)
    frame = bunch.frame.copy()
    if name != "diabetes":
        frame["target"] = [bunch.target_names[i] for i in bunch.target]
    buf = io.StringIO()
    frame.to_csv(buf, index=False)
    return buf.getvalue().encode()


def reference_score(prepared: tables.Prepared, settings: tables.Settings) -> float:
    """scikit-learn's test accuracy (or R²) with the same split, inputs, network and training."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    kind = MLPClassifier if prepared.task == "classes" else MLPRegressor
    model = kind(hidden_layer_sizes=settings.hidden, activation=settings.activation, solver="adam",
                 alpha=settings.l2, batch_size=settings.batch_size, learning_rate_init=settings.learning_rate,
                 max_iter=settings.epochs, tol=0.0, n_iter_no_change=settings.epochs + 1, random_state=settings.seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(prepared.X_train, prepared.targets(prepared.y_train))
    return float(model.score(prepared.X_test, prepared.targets(prepared.y_test)))


def compare(name: str, seeds: int, epochs: int) -> dict:
    frame = tables.read_csv(sklearn_csv(name))
    ours, theirs, seconds = [], [], []
    for seed in range(seeds):
        prepared = tables.prepare(frame, "target", seed=seed)
        settings = tables.Settings(epochs=epochs, seed=seed)
        start = time.perf_counter()
        _, _, result = tables.run(prepared, settings)
        seconds.append(time.perf_counter() - start)
        ours.append(result.test_score)
        theirs.append(reference_score(prepared, settings))
    return {"name": name, "task": prepared.task, "m": prepared.n_rows, "n": len(prepared.mean), "k": prepared.k,
            "test": len(prepared.y_test), "ours": ours, "sklearn": theirs, "seconds": statistics.median(seconds)}


def _cell(values: list[float]) -> str:
    return f"{statistics.mean(values):.3f} ({min(values):.3f}–{max(values):.3f})"


def cli_bad_files() -> list[tuple[str, float, int, str]]:
    """(case, seconds, exit status, the one line printed) for each bad file, through a real subprocess."""
    cases = {"empty": b"", "binary": b"PK\x03\x04" + bytes(200), "not UTF-8": "a,b\nété,1\n".encode("latin-1"),
             "one row": b"a,b\n1,2\n", "one class": b"x,y\n" + b"".join(b"%d,same\n" % i for i in range(20)),
             "10,000 columns": (",".join(f"c{i}" for i in range(10_000)) + "\n").encode() * 3,
             "formula": b"x,y\n1,a\n2,=HYPERLINK(\"http://x\")\n" + b"3,b\n" * 10,
             "over the cap": b"x,y\n" + b"1,2\n" * (tables.MAX_BYTES // 4 + 10)}
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for case, data in cases.items():
            path = Path(tmp) / "table.csv"
            path.write_bytes(data)
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "lessons.tables", str(path), "--target", "y"], cwd=ROOT,
                                  capture_output=True, text=True)
            out.append((case, time.perf_counter() - start, done.returncode, done.stderr.strip()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=tables.Settings().epochs)
    parser.add_argument("--no-cli", action="store_true", help="skip the command line's bad-file timings")
    args = parser.parse_args()
    print("| table | m × n, task | test rows | Neuron Lab | scikit-learn | our training time |")
    print("|---|---|---|---|---|---|")
    for name in TABLES:
        r = compare(name, args.seeds, args.epochs)
        what = f"{r['k']} classes" if r["task"] == "classes" else "numbers"
        score = "accuracy" if r["task"] == "classes" else "R²"
        print(f"| {name} | {r['m']} × {r['n']}, {what} | {r['test']} | {score} {_cell(r['ours'])} | "
              f"{score} {_cell(r['sklearn'])} | {r['seconds']:.2f} s |")
    print(f"(mean over seeds 0–{args.seeds - 1}, range in brackets)")
    if not args.no_cli:
        print("\n| bad file | exit status | seconds | the line printed |\n|---|---|---|---|")
        for case, seconds, status, line in cli_bad_files():
            print(f"| {case} | {status} | {seconds:.2f} | {line[:110]} |")


if __name__ == "__main__":
    main()
