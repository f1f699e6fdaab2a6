"""How fast the gradient-descent page's engine work is: J on a 120 × 120 grid plus a 500-step path.

Target: ≤ 50 ms together at the page's default data (m = 60 points), so changing a control feels
instant. Reproduce with:

    python benchmarks/surface_speed.py            # default m = 60, plus m = 300 (the slider's maximum)
    python benchmarks/surface_speed.py --repeat 50

Prints the median and best wall time and the median CPU time of this process over ``--repeat`` runs;
the machine is shared, so the best run and the CPU time show what the code costs, and the median
wall time what a user might see under load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import datasets  # noqa: E402
from lessons import surface  # noqa: E402

GRID, STEPS, TARGET_MS = 120, 500, 50.0


def measure(m: int, repeat: int, optimizer: str = "gd", batch_size: int | None = None) -> dict[str, float]:
    X, y = datasets.one_feature(m, 0.5, seed=0)
    w_values, b_values = np.linspace(-6, 6, GRID), np.linspace(-4, 4, GRID)
    grid_t, path_t, total_t, cpu_t = [], [], [], []
    for _ in range(repeat):
        c0 = time.process_time()
        t0 = time.perf_counter()
        J = surface.cost_grid(X, y, w_values, b_values)
        t1 = time.perf_counter()
        path = surface.descent_path(X, y, -4.0, 3.0, optimizer, 1.0, STEPS, batch_size=batch_size)
        t2 = time.perf_counter()
        cpu_t.append(time.process_time() - c0)
        grid_t.append(t1 - t0)
        path_t.append(t2 - t1)
        total_t.append(t2 - t0)
    assert J.shape == (GRID, GRID) and path.steps == STEPS
    ms = lambda v: 1e3 * v  # noqa: E731
    return {"grid_med": ms(statistics.median(grid_t)), "path_med": ms(statistics.median(path_t)),
            "total_med": ms(statistics.median(total_t)), "total_best": ms(min(total_t)),
            "cpu_med": ms(statistics.median(cpu_t))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"J on a {GRID}×{GRID} grid + a {STEPS}-step path; {args.repeat} repeats; "
          f"{os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"{'case':36s} {'grid med':>9s} {'path med':>9s} {'total med':>10s} {'total best':>11s} "
          f"{'CPU med':>9s}")
    cases = [("m = 60 (default), full-batch GD", 60, "gd", None),
             ("m = 60, Adam, mini-batch 10", 60, "adam", 10),
             ("m = 300 (slider max), full-batch GD", 300, "gd", None)]
    results = []
    for name, m, opt, batch in cases:
        r = measure(m, args.repeat, opt, batch)
        results.append(r)
        print(f"{name:36s} {r['grid_med']:7.1f} ms {r['path_med']:7.1f} ms {r['total_med']:8.1f} ms "
              f"{r['total_best']:9.1f} ms {r['cpu_med']:7.1f} ms")
    r = results[0]
    verdict = "meets" if r["cpu_med"] <= TARGET_MS else "MISSES"
    print(f"Default case: {r['cpu_med']:.1f} ms CPU (median), best wall {r['total_best']:.1f} ms, median wall "
          f"{r['total_med']:.1f} ms — {verdict} the {TARGET_MS:.0f} ms target (judged on CPU time, which other "
          "users' load inflates least).")
    print("Reproduce: python benchmarks/surface_speed.py")


if __name__ == "__main__":
    main()
