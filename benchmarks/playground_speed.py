"""Playground speed on this machine: engine epochs per second, and the page's redraw cost per frame.

Run:  python benchmarks/playground_speed.py

The engine numbers are measured twice, in fresh processes: with OpenBLAS's default threading and
with OPENBLAS_NUM_THREADS=1. For these tiny matrices the threads cost more than they give, most of
all when the machine's cores are busy with other work.

1. Engine: a 2-8-8-1 tanh network, full-batch gradient descent on 500 points (target ≥ 1 000 epochs/s),
   both bare ``fit`` and the page's ``Run.train`` (which also scores a held-out test set each epoch).
2. Page frame on the server: what one tick of the live view does besides training (the plane grid,
   the decision-boundary image, the figures and their JSON), and the same for the detail view
   (network graph and diagnostics, once a second), for the default architecture up to the largest
   one (6 × 32). The redraw rate in the browser is measured by playground_browser_fps.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Network, datasets, fit, optimizers  # noqa: E402
from lessons import features, grid, presets  # noqa: E402
from ui.live_chart import to_json  # noqa: E402
from ui.playground import figures as pg_figures  # noqa: E402
from ui.playground.session import FRAME_BUDGET_S  # noqa: E402
from ui.playground.views import BOUNDARY_RESOLUTION, UNIT_RESOLUTION  # noqa: E402


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


def frame_seconds(setup: presets.Setup) -> tuple[float, float, int]:
    """Seconds to compute and serialise (a) the live view's figures (boundary + learning curves,
    every frame) and (b) the detail view's (network graph + diagnostics, once a second); and the
    live frame's JSON size in bytes."""
    run = presets.Run(setup)
    for _ in run.train(50):
        pass
    saturation = [(run.epoch, grid.saturated_share(run.net, run.X_train_in))]
    lo, hi = grid.bounds(run.X_train, run.X_test)
    size = 0

    def live():
        nonlocal size
        xs, ys, G = grid.plane(lo, hi, BOUNDARY_RESOLUTION)
        figs = [pg_figures.decision_boundary(xs, ys, grid.probability(run.net, G, setup.features),
                                             run.X_train, run.y_train, run.X_test, run.y_test, live=True),
                pg_figures.learning_curves(run.records)]
        size = sum(len(to_json(f)) for f in figs)

    def detail():
        _, _, G_small = grid.plane(lo, hi, UNIT_RESOLUTION)
        figs = [pg_figures.network_graph(grid.unit_maps(run.net, G_small, setup.features), list(run.net.weights),
                                         list(run.net.biases), features.input_labels(setup.features),
                                         run.net.activation_names),
                pg_figures.diagnostics(run.records, saturation)]
        for f in figs:
            to_json(f)

    return best_of(live), best_of(detail), size


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
    print(f"\nPage frame on the server (figures + JSON), training capped at {FRAME_BUDGET_S * 1000:.0f} ms a frame")
    for label, setup in (("default 2-4-4-1, 300 points", presets.Setup()),
                         ("2-8-8-1 on 500 train points", presets.Setup(n_points=700, test_ratio=2 / 7, hidden=(8, 8))),
                         ("largest 2-(32×6)-1, 5 features", presets.Setup(hidden=(32,) * 6, n_points=1000,
                                                                       features=tuple(features.FEATURES)))):
        live, detail, size = frame_seconds(setup)
        worst = live + FRAME_BUDGET_S
        print(f"  {label:32s} live view {live * 1000:5.1f} ms ({size / 1024:3.0f} kB JSON), detail view "
              f"{detail * 1000:5.1f} ms; with a full training slice {worst * 1000:4.0f} ms a frame")
    print("\nReproduce: python benchmarks/playground_speed.py")


if __name__ == "__main__":
    main()
