"""Training throughput of Neuron Lab's engine against scikit-learn's MLPClassifier and PyTorch (CPU).

The same MLP, the same data, plain mini-batch SGD (no momentum, no L2), float32, a fixed number of
epochs; we report samples per second (epochs × n / wall time, best of --repeats), the ratios, and
the engine's large-batch dense step as a fraction of this machine's float32 np.matmul GFLOP/s.

    python benchmarks/engine_throughput.py            # full run (about 2 minutes on 2 cores)
    python benchmarks/engine_throughput.py --quick    # smaller, for a smoke test

PyTorch is optional (not a dependency): its row is reported when `import torch` works.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Network, fit, optimizers  # noqa: E402

CASES = [
    # name, layer sizes, n samples, batch size, epochs, hidden activation, learning rate
    ("images 12288-128-32-1", [12288, 128, 32, 1], 2000, 64, 3, "relu", 0.01),
    ("toy 2-8-8-1", [2, 8, 8, 1], 1000, 64, 60, "tanh", 0.1),
]


def make_data(n: int, m: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, m), dtype=np.float32)
    y = (X[:, : min(m, 16)].sum(axis=1) > 0).astype(np.float32)
    return X, y


def time_best(run, repeats: int) -> float:
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_engine(X, y, sizes, batch, epochs, act, lr, repeats):
    def run():
        net = Network(sizes, activation=act, seed=0, dtype=np.float32)
        for _ in fit(net, X, y, optimizers.GradientDescent(lr), epochs=epochs, batch_size=batch):
            pass
    return time_best(run, repeats)


def bench_sklearn(X, y, sizes, batch, epochs, act, lr, repeats):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    def run():
        clf = MLPClassifier(hidden_layer_sizes=tuple(sizes[1:-1]), activation=act, solver="sgd", alpha=0.0,
                            batch_size=batch, learning_rate_init=lr, momentum=0.0, max_iter=epochs,
                            n_iter_no_change=epochs + 1, tol=0.0, shuffle=True, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            clf.fit(X, y)
    return time_best(run, repeats)


def bench_torch(X, y, sizes, batch, epochs, act, lr, repeats):
    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y).reshape(-1, 1)
    act_cls = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh}[act]

    def run():
        torch.manual_seed(0)
        layers = []
        for u_in, u_out in zip(sizes[:-2], sizes[1:-1]):
            layers += [torch.nn.Linear(u_in, u_out), act_cls()]
        model = torch.nn.Sequential(*layers, torch.nn.Linear(sizes[-2], 1))
        opt = torch.optim.SGD(model.parameters(), lr=lr)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        g = torch.Generator().manual_seed(0)
        for _ in range(epochs):
            order = torch.randperm(len(Xt), generator=g)
            for start in range(0, len(Xt), batch):
                idx = order[start:start + batch]
                opt.zero_grad(set_to_none=True)
                loss = loss_fn(model(Xt[idx]), yt[idx])
                loss.backward()
                opt.step()
    return time_best(run, repeats)


def matmul_gflops(n: int = 2048, repeats: int = 5) -> float:
    rng = np.random.default_rng(0)
    A = rng.standard_normal((n, n), dtype=np.float32)
    B = rng.standard_normal((n, n), dtype=np.float32)
    A @ B
    return 2 * n ** 3 / time_best(lambda: A @ B, repeats) / 1e9


def engine_dense_step_gflops(X, y, sizes, repeats: int = 5) -> float:
    """One full-batch forward + backward (no optimizer) through the dense layers."""
    net = Network(sizes, activation="relu", seed=0, dtype=np.float32)
    net.backprop(X, y)
    seconds = time_best(lambda: net.backprop(X, y), repeats)
    n = len(X)
    pairs = list(zip(sizes[:-1], sizes[1:]))
    flops = 2 * n * sum(a * b for a, b in pairs)            # forward Z = A_prev @ W.T
    flops += 2 * n * sum(a * b for a, b in pairs)           # dW = dZ.T @ A_prev
    flops += 2 * n * sum(a * b for a, b in pairs[1:])       # dA_prev = dZ @ W (not for the input)
    return flops / seconds / 1e9


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller data and one repeat")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats

    try:
        import torch
        torch_version = torch.__version__
    except ImportError:
        torch_version = None
    import sklearn

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"NumPy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"PyTorch {torch_version or 'not installed'}")
    peak = matmul_gflops(1024 if args.quick else 2048)
    print(f"np.matmul float32 peak: {peak:.1f} GFLOP/s\n")
    print("| case | engine samples/s | scikit-learn samples/s | PyTorch samples/s | engine ÷ sklearn "
          "| engine ÷ PyTorch |")
    print("|---|---|---|---|---|---|")
    for name, sizes, n, batch, epochs, act, lr in CASES:
        if args.quick:
            n, epochs = min(n, 500), 1
        X, y = make_data(n, sizes[0])
        rates = {}
        for label, bench in (("engine", bench_engine), ("sklearn", bench_sklearn),
                             ("torch", bench_torch if torch_version else None)):
            if bench is not None:
                rates[label] = epochs * n / bench(X, y, sizes, batch, epochs, act, lr, repeats)
        torch_rate = f"{rates['torch']:,.0f}" if "torch" in rates else "—"
        torch_ratio = f"{rates['engine'] / rates['torch']:.2f}×" if "torch" in rates else "—"
        print(f"| {name}, n={n}, batch {batch}, {epochs} epochs | {rates['engine']:,.0f} | "
              f"{rates['sklearn']:,.0f} | {torch_rate} | {rates['engine'] / rates['sklearn']:.2f}× | "
              f"{torch_ratio} |")

    sizes, n = CASES[0][1], (500 if args.quick else 2000)
    X, y = make_data(n, sizes[0])
    achieved = engine_dense_step_gflops(X, y, sizes, repeats=2 if args.quick else 5)
    print(f"\nengine full-batch dense step ({'-'.join(map(str, sizes))}, n={n}, float32): "
          f"{achieved:.1f} GFLOP/s = {achieved / peak:.0%} of np.matmul peak")


if __name__ == "__main__":
    main()
