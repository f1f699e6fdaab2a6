"""Playground speed on this machine: engine epochs per second, and the page's redraw cost per frame.

Run:  python benchmarks/playground_speed.py

The engine numbers are measured twice, in fresh processes: with OpenBLAS's default threading and
with OPENBLAS_NUM_THREADS=1. For these tiny matrices the threads cost more than they give, most of
all when the machine's cores are busy with other work.

1. Engine: a 2-8-8-1 tanh network, full-batch gradient descent on 500 points (target ≥ 1 000 epochs/s),
   both bare ``fit`` and the page's ``Run.train`` (which also scores a held-out test set each epoch).
2. Page frame: what one fragment tick does besides training, i.e. the plane grids, every Plotly figure
   of the live view and their JSON serialisation (what st.plotly_chart sends), for the default
   architecture and for the largest one (6 × 32). Target: a frame (training + drawing) under 200 ms,
   so at least 5 redraws per second.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plotly.io  # noqa: E402

from engine import Network, datasets, features, fit, grid, optimizers, presets  # noqa: E402
from ui import pg_figures  # noqa: E402
from ui.pg_session import FRAME_BUDGET_S  # noqa: E402

from ui.pg_views import BOUNDARY_RESOLUTION, UNIT_RESOLUTION  # noqa: E402


def best_of(fn, repeats: int = 5) -> float:
    """The fastest of several timings (seconds): the least disturbed by other processes."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def engine_epochs_per_second(epochs: int = 1000) -> tuple[float, float]:
    X, y = datasets.make("spiral", 500, 0.1, seed=0)

    def bare():
        net = Network([2, 8, 8, 1], "tanh", seed=0)
        for _ in fit(net, X, y, optimizers.GradientDescent(0.1), epochs):
            pass

    setup = presets.Setup(dataset="spiral", n_points=700, test_ratio=2 / 7, hidden=(8, 8), activation="tanh",
                          optimizer="gd", learning_rate=0.1, max_epochs=epochs)  # 500 train + 200 test

    def page_run():
        run = presets.Run(setup)
        for _ in run.train(epochs):
            pass

    return epochs / best_of(bare, 3), epochs / best_of(page_run, 3)


def frame_seconds(setup: presets.Setup) -> tuple[float, int]:
    """Seconds to compute and serialise every live figure once; and the JSON size in bytes."""
    run = presets.Run(setup)
    for _ in run.train(50):
        pass
    saturation = [(run.epoch, grid.saturated_share(run.net, run.X_train_in))]
    size = 0

    def draw():
        nonlocal size
        lo, hi = grid.bounds(run.X_train, run.X_test)
        xs, ys, G = grid.plane(lo, hi, BOUNDARY_RESOLUTION)
        _, _, G_small = grid.plane(lo, hi, UNIT_RESOLUTION)
        figs = [pg_figures.decision_boundary(xs, ys, grid.probability(run.net, G, setup.features),
                                             run.X_train, run.y_train, run.X_test, run.y_test),
                pg_figures.learning_curves(run.records, "cost"),
                pg_figures.learning_curves(run.records, "accuracy"),
                pg_figures.network_graph(grid.unit_maps(run.net, G_small, setup.features), list(run.net.weights),
                                         list(run.net.biases), features.input_labels(setup.features),
                                         run.net.activation_names),
                pg_figures.gradient_norms(run.records),
                pg_figures.saturation(saturation)]
        size = sum(len(plotly.io.to_json(f, validate=False)) for f in figs)

    return best_of(draw), size


def engine_in_subprocess(threads: str | None) -> str:
    env = dict(os.environ)
    if threads:
        env["OPENBLAS_NUM_THREADS"] = env["OMP_NUM_THREADS"] = threads
    out = subprocess.run([sys.executable, __file__, "--engine-only"], env=env, capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def main() -> None:
    if "--engine-only" in sys.argv:
        bare, page = engine_epochs_per_second()
        print(f"{bare:.0f} {page:.0f}")
        return
    print("Engine, 2-8-8-1 tanh, 500 training points, full-batch gradient descent (target ≥ 1 000 epochs/s)")
    for label, threads in (("default BLAS threads", None), ("OPENBLAS_NUM_THREADS=1", "1")):
        bare, page = engine_in_subprocess(threads).split()
        print(f"  {label:24s} fit(): {bare:>5} epochs/s   Run.train() incl. 200 test points: {page:>5} epochs/s")
    print(f"  (load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"\nPage frame (figures + JSON), training capped at {FRAME_BUDGET_S * 1000:.0f} ms per frame")
    for label, setup in (("default 2-4-4-1, 300 points", presets.Setup()),
                         ("2-8-8-1 on 500 train points", presets.Setup(n_points=700, test_ratio=2 / 7, hidden=(8, 8))),
                         ("largest 2-(32×6)-1, 5 features", presets.Setup(hidden=(32,) * 6, n_points=1000,
                                                                       features=tuple(features.FEATURES)))):
        seconds, size = frame_seconds(setup)
        worst = seconds + FRAME_BUDGET_S
        print(f"  {label:32s} draw {seconds * 1000:6.1f} ms, {size / 1024:6.0f} kB JSON; "
              f"with a full training slice {worst * 1000:5.0f} ms → {1 / worst:4.1f} frames/s")
    print("\nReproduce: python benchmarks/playground_speed.py")


if __name__ == "__main__":
    main()
