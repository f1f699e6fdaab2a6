"""Python-loop vs vectorized forward pass for m = 10 … 100 000 examples, on this machine.

    python benchmarks/vectorization.py            # both networks, m = 10 … 100 000
    python benchmarks/vectorization.py --max-m 10000

Prints one row per m: seconds per pass each way, the speed-up, and max |ŷ_loop − ŷ_vectorized|
(which must be at rounding level: the script exits with an error otherwise).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Network  # noqa: E402
from lessons.vectorize import sweep  # noqa: E402

NETWORKS = {"one neuron [3, 1], sigmoid": ([3, 1], "sigmoid"),
            "small network [2, 8, 8, 1], tanh": ([2, 8, 8, 1], "tanh")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-m", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3, help="best of this many runs per size")
    args = parser.parse_args()
    ms = [m for m in (10, 100, 1_000, 10_000, 100_000) if m <= args.max_m]
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}; machine load (1 min) {os.getloadavg()[0]:.1f}")
    print("# command: python benchmarks/vectorization.py " + " ".join(sys.argv[1:]))
    worst = 0.0
    for label, (sizes, activation) in NETWORKS.items():
        net = Network(sizes, activation=activation, seed=0)
        print(f"\n{label}")
        print(f"{'m':>8} {'loop (s)':>11} {'vectorized (s)':>15} {'speed-up':>9} {'max |Δŷ|':>10}")
        for t in sweep(net, ms, seed=0, repeats=args.repeats):
            worst = max(worst, t.max_abs_difference)
            print(f"{t.m:>8,} {t.loop_seconds:>11.4g} {t.vectorized_seconds:>15.3g} {t.speed_up:>8.0f}× "
                  f"{t.max_abs_difference:>10.1e}", flush=True)
    if worst > 1e-12:
        sys.exit(f"The loop and vectorized passes disagree by {worst:.2e}: a bug, not rounding.")
    print(f"\nBoth passes agree on every ŷ to {worst:.1e}.")


if __name__ == "__main__":
    main()
