"""Training-step speed of Neuron Lab's picture layers (engine/conv.py) against PyTorch (CPU).

One step is forward + backward + an Adam update (α = 0.001, β1 = 0.9, β2 = 0.999, ε = 1e-8) of the
same network on one batch of 64 float32 pictures of 64×64×3, with the same starting weights in both;
the engine's step is ``engine.train_step(net, X, y, optimizers.Adam(0.001))``, PyTorch's ``zero_grad``,
forward, ``BCEWithLogitsLoss``, ``backward``, ``torch.optim.Adam(...).step()``:

    conv3×3 16 → ReLU → pool → conv3×3 32 → ReLU → pool → conv3×3 64 → ReLU → pool
    → Flatten → Dense 64 → ReLU → Dense 1, logistic loss (the engine starts backward from dZ[L] = A[L] − Y)

We report samples per second (64 / median seconds per step over --repeats, the two frameworks
timed in turns so both see the same machine), the ratio, the extra memory a step needs, and the
load average before and after timing (figures are only worth keeping from a quiet machine).
Three settings: all cores with BLAS on all of them (the default), all cores with BLAS on one thread
(the picture layers still split each batch over the cores: see ``settings``), and one core
(``threadpool_limits(1)``, ``engine.parallel.THREADS = 1``, ``torch.set_num_threads(1)``).

    python benchmarks/cnn_throughput.py            # about a minute on 2 cores
    python benchmarks/cnn_throughput.py --quick    # fewer repeats, for a smoke test
    python benchmarks/cnn_throughput.py --layers   # the engine's forward and backward per step of the stack
    python benchmarks/cnn_throughput.py --layers --unfused   # … per layer, Conv2D, ReLU, MaxPool2D apart
    python benchmarks/cnn_throughput.py --profile  # where each framework's step goes: the engine's layers
                                                   # and PyTorch's own profiler (channels last), same run

PyTorch is optional (not a dependency): its rows appear when `import torch` works.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import Network, conv, optimizers, parallel, train_step  # noqa: E402
from engine.activations import sigmoid  # noqa: E402
from engine.conv import Conv2D, Flatten, MaxPool2D  # noqa: E402
from engine.layers import Activation, Dense  # noqa: E402

M, SIDE, CHANNELS = 64, 64, 3
FILTERS = (16, 32, 64)
HIDDEN = 64
LEARNING_RATE = 0.001  # Adam's α; β1, β2 and ε are both frameworks' defaults (0.9, 0.999, 1e-8)


def make_data(seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((M, SIDE, SIDE, CHANNELS), dtype=np.float32)
    Y = (rng.random((M, 1)) < 0.5).astype(np.float32)
    return X, Y


def engine_network(seed: int = 0) -> Network:
    rng = np.random.default_rng(seed)
    he = float(np.sqrt(2.0))
    layers, C_prev = [], CHANNELS
    for C in FILTERS:
        layers += [Conv2D.initialized(3, C_prev, C, he, rng, np.float32), Activation("relu"), MaxPool2D()]
        C_prev = C
    flat = (SIDE // 2 ** len(FILTERS)) ** 2 * C_prev
    layers += [Flatten(), Dense.initialized(flat, HIDDEN, he, rng, np.float32), Activation("relu"),
               Dense.initialized(HIDDEN, 1, 1.0, rng, np.float32)]
    return Network.from_layers(layers, (SIDE, SIDE, CHANNELS), dtype=np.float32)


def torch_model(net: Network, channels_last: bool):
    """The same network in PyTorch, with the engine's starting weights (NCHW filters, C·H·W flatten)."""
    import torch

    modules = []
    for layer in net.layers:
        if isinstance(layer, Conv2D):
            conv = torch.nn.Conv2d(layer.W.shape[2], layer.W.shape[3], layer.k, padding=layer.k // 2)
            conv.weight.data = torch.from_numpy(layer.W.transpose(3, 2, 0, 1).copy())
            conv.bias.data = torch.from_numpy(layer.b[0].copy())
            modules.append(conv)
        elif isinstance(layer, Activation):
            modules.append(torch.nn.ReLU())
        elif isinstance(layer, MaxPool2D):
            modules.append(torch.nn.MaxPool2d(2))
        elif isinstance(layer, Flatten):
            modules.append(torch.nn.Flatten())
        elif isinstance(layer, Dense):
            W = layer.W
            if W.shape[1] == (SIDE // 8) ** 2 * FILTERS[-1]:  # engine flattens (H, W, C), PyTorch (C, H, W)
                h = SIDE // 8
                W = W.reshape(-1, h, h, FILTERS[-1]).transpose(0, 3, 1, 2).reshape(W.shape)
            dense = torch.nn.Linear(W.shape[1], W.shape[0])
            dense.weight.data = torch.from_numpy(np.ascontiguousarray(W))
            dense.bias.data = torch.from_numpy(layer.b[0].copy())
            modules.append(dense)
    model = torch.nn.Sequential(*modules)
    return model.to(memory_format=torch.channels_last) if channels_last else model


def engine_stepper(net: Network, X, Y):
    """One training step of the engine: backprop, then Adam on every parameter; returns J."""
    optimizer = optimizers.Adam(LEARNING_RATE)
    return lambda: train_step(net, X, Y, optimizer)


def torch_stepper(net: Network, X, Y, channels_last: bool):
    """The same step in PyTorch, on its own copy of the engine's starting weights; returns J."""
    import torch

    model = torch_model(net, channels_last)
    x = torch.from_numpy(X.transpose(0, 3, 1, 2).copy())
    x = x.contiguous(memory_format=torch.channels_last) if channels_last else x
    y = torch.from_numpy(Y)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        return loss

    return step


def settings() -> list[tuple[str, int, int]]:
    """(label, BLAS threads, threads of the picture layers); PyTorch gets max(BLAS, picture) threads.

    The middle row exists because after a product on a multi-threaded BLAS (the Dense layers),
    OpenBLAS keeps its worker spinning on the other core for a while, where the picture layers'
    second thread then gets about half a core.
    """
    cores = os.cpu_count() or 1
    rows = [(f"{cores} cores, BLAS on {cores} threads", cores, cores),
            (f"{cores} cores, BLAS on 1 thread", 1, cores), ("1 core", 1, 1)]
    return rows if cores > 1 else rows[-1:]


def seconds_per_step(steppers: dict, blas_threads: int, layer_threads: int, repeats: int,
                     steps: int) -> tuple[dict, dict]:
    """(median, best) over repeats of (time for ``steps`` steps) / steps, the frameworks taking turns."""
    torch = _torch()
    times = {name: [] for name in steppers}
    parallel.THREADS = layer_threads
    with threadpool_limits(blas_threads):
        if torch:
            torch.set_num_threads(max(blas_threads, layer_threads))
        for step in steppers.values():
            for _ in range(3):
                step()
        for _ in range(repeats):
            for name, step in steppers.items():
                t0 = time.perf_counter()
                for _ in range(steps):
                    step()
                times[name].append((time.perf_counter() - t0) / steps)
    parallel.THREADS = None
    return ({name: float(np.median(t)) for name, t in times.items()},
            {name: float(np.min(t)) for name, t in times.items()})


def memory_of(name: str) -> dict:
    """Extra memory of one step, measured in a fresh process: peak RSS growth over the first steps,
    and for the engine also NumPy's peak of one warm step (tracemalloc) and the work arrays kept."""
    X, Y = make_data()
    net = engine_network()
    if name == "engine":
        step = engine_stepper(net, X, Y)
    else:
        step = torch_stepper(net, X, Y, channels_last=name == "torch_channels_last")
    before = _peak_rss_mb()
    for _ in range(3):
        step()
    out = {"rss_growth_mb": _peak_rss_mb() - before}
    if name == "engine":
        tracemalloc.start()
        step()
        out["numpy_step_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2 ** 20
        tracemalloc.stop()
        kept = sum(a.nbytes for layer in net.layers for a in getattr(layer, "_work", {}).values())
        out["work_arrays_mb"] = kept / 2 ** 20
    return out


def _peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM (ru_maxrss would keep the parent's peak across exec)."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_memory(names) -> dict:
    result = {}
    for name in names:
        run = subprocess.run([sys.executable, __file__, "--memory-of", name], capture_output=True, text=True,
                             check=True)
        result[name] = json.loads(run.stdout)
    return result


def check_same_network(net: Network, X, Y) -> tuple[float, float]:
    """(J of the engine, J of PyTorch) on the first batch: the two compute the same function."""
    return net.cost(X, Y), torch_stepper(net, X, Y, channels_last=False)().item()


def layer_times(blas_threads: int, layer_threads: int, steps: int,
                fused: bool = True) -> list[tuple[str, float, float]]:
    """(layer, forward ms, backward ms) of the engine's step, each the fastest over ``steps`` steps.

    The same walk as ``Network.backprop``: forward in training mode, each Conv2D → ReLU → MaxPool2D
    as one fused step (``engine.conv.fuse``) unless ``fused`` is False, then backward from
    dZ[L] = A[L] − Y, the first layer skipping dA_prev.
    """
    X, Y = make_data()
    net = engine_network()
    layers = conv.fuse(net.layers) if fused else net.layers
    forward, backward = np.full(len(layers), np.inf), np.full(len(layers), np.inf)
    parallel.THREADS = layer_threads
    with threadpool_limits(blas_threads):
        for _ in range(steps + 2):  # two to warm up: work arrays, thread pool
            A = net.check_inputs(X)
            for i, layer in enumerate(layers):
                t0 = time.perf_counter()
                A = layer.forward(A, True)
                forward[i] = min(forward[i], time.perf_counter() - t0)
            d = sigmoid(A) - Y
            for i in range(len(layers) - 1, -1, -1):
                t0 = time.perf_counter()
                d = layers[i].backward(d, need_dA_prev=i > 0)
                backward[i] = min(backward[i], time.perf_counter() - t0)
    parallel.THREADS = None
    return [(repr(layer), f * 1e3, b * 1e3) for layer, f, b in zip(layers, forward, backward)]


def print_layer_times(steps: int, fused: bool) -> None:
    rows = [(label, layer_times(blas, threads, steps, fused)) for label, blas, threads in settings() if blas == 1]
    print(f"engine, ms per layer (fastest of {steps} steps): "
          + "; ".join(f"{label}: forward | backward" for label, _ in rows) + "\n")
    print("| layer | " + " | ".join(f"{label} forward | {label} backward" for label, _ in rows) + " |")
    print("|---|" + "---|---|" * len(rows))
    for i, (name, _, _) in enumerate(rows[0][1]):
        print(f"| {name} | " + " | ".join(f"{times[i][1]:.1f} | {times[i][2]:.1f}" for _, times in rows) + " |")
    print("| sum | " + " | ".join(f"{sum(t[1] for t in times):.1f} | {sum(t[2] for t in times):.1f}"
                                   for _, times in rows) + " |")


def torch_profile(channels_last: bool, threads: int, steps: int) -> list[tuple[str, float, int]]:
    """(PyTorch operator, self CPU ms per step, calls per step), largest first, from torch.profiler over
    ``steps`` steps on ``threads`` threads (after three warm-up steps)."""
    torch = _torch()
    X, Y = make_data()
    step = torch_stepper(engine_network(), X, Y, channels_last)
    torch.set_num_threads(threads)
    for _ in range(3):
        step()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    rows = [(e.key, e.self_cpu_time_total / 1e3 / steps, e.count // steps) for e in prof.key_averages()]
    return sorted(rows, key=lambda r: -r[1])


def print_profiles(steps: int) -> None:
    """The engine's per-step layer times beside PyTorch's operator profile, 2 cores then 1 core."""
    cores = os.cpu_count() or 1
    for threads in sorted({cores, 1}, reverse=True):
        rows = layer_times(1, threads, steps)
        print(f"\n{threads} thread(s). Engine, fastest of {steps} steps (ms): "
              + "; ".join(f"{name} {f:.1f} + {b:.1f}" for name, f, b in rows)
              + f"; sum {sum(f + b for _, f, b in rows):.1f}")
        if _torch() is None:
            continue
        prof = torch_profile(True, threads, steps)
        total = sum(ms for _, ms, _ in prof)
        print(f"PyTorch channels last, self CPU ms per step (sum {total:.1f}; with {threads} threads the sum "
              "counts each thread's time):")
        for name, ms, calls in prof[:14]:
            print(f"  {name:40s} {ms:6.2f} ms  ({calls} calls)")


def _load_average() -> str:
    """The 1-, 5- and 15-minute load averages of the machine, or "unknown" without /proc/loadavg."""
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "unknown"


def _cpu_seconds() -> tuple[float, float, float] | None:
    """(busy CPU seconds of the whole machine, of this process, wall clock), or None without /proc/stat."""
    try:
        with open("/proc/stat") as stat:
            fields = [int(v) for v in stat.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    busy = (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait
    own = resource.getrusage(resource.RUSAGE_SELF)
    return busy, own.ru_utime + own.ru_stime, time.perf_counter()


def _others_share(start) -> str:
    """How much of the cores other processes used since ``start``: near 0 % for figures to trust."""
    end = _cpu_seconds()
    if start is None or end is None:
        return "unknown"
    others = (end[0] - start[0]) - (end[1] - start[1])
    return f"{max(0.0, others) / ((end[2] - start[2]) * (os.cpu_count() or 1)):.0%}"


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def machine_line() -> str:
    torch = _torch()
    blas = ", ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture', '?')}, "
                     f"{i.get('num_threads')} threads)" for i in threadpool_info() if i.get("user_api") == "blas")
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"NumPy {np.__version__}, BLAS {blas or 'unknown'}"
            + (f", OPENBLAS_CORETYPE={coretype}" if coretype else "")
            + f", PyTorch {torch.__version__ if torch else 'not installed'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="two repeats of two steps")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--steps", type=int, default=3, help="steps per timed repeat")
    parser.add_argument("--layers", action="store_true", help="time each layer of the engine's step instead")
    parser.add_argument("--unfused", action="store_true",
                        help="with --layers: time Conv2D, ReLU and MaxPool2D one by one, not as fused steps")
    parser.add_argument("--profile", action="store_true",
                        help="the engine's layers and PyTorch's profiler (channels last) on the same cores")
    parser.add_argument("--memory-of", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_of:
        print(json.dumps(memory_of(args.memory_of)))
        return
    repeats, steps = (2, 2) if args.quick else (args.repeats, args.steps)

    print(machine_line())
    print(f"load average before timing: {_load_average()}")
    if args.layers:
        print_layer_times(repeats, fused=not args.unfused)
        print(f"load average after timing: {_load_average()}")
        return
    if args.profile:
        print_profiles(repeats)
        print(f"load average after timing: {_load_average()}")
        return
    cpu_start = _cpu_seconds()
    X, Y = make_data()
    net = engine_network()
    steppers = {"engine": engine_stepper(net, X, Y)}
    torch = _torch()
    if torch:
        J_engine, J_torch = check_same_network(net, X, Y)
        print(f"same network: J = {J_engine:.6f} (engine), {J_torch:.6f} (PyTorch)")
        steppers["torch"] = torch_stepper(net, X, Y, channels_last=False)
        steppers["torch_channels_last"] = torch_stepper(net, X, Y, channels_last=True)
    print(f"one step = forward + backward + Adam update, batch {M} of {SIDE}×{SIDE}×{CHANNELS} float32; "
          f"median of {repeats} repeats × {steps} steps\n")

    print("| setting | engine samples/s | PyTorch samples/s (NCHW) | PyTorch samples/s (channels last) "
          "| engine ÷ PyTorch (NCHW) | engine ÷ PyTorch (best) |")
    print("|---|---|---|---|---|---|")
    bests = []
    for label, blas_threads, layer_threads in settings():
        seconds, best_seconds = seconds_per_step(steppers, blas_threads, layer_threads, repeats, steps)
        rate = {name: M / s for name, s in seconds.items()}
        bests.append(f"{label}: " + ", ".join(f"{name} {s * 1e3:.0f} ms" for name, s in best_seconds.items()))
        if torch:
            best = max(rate["torch"], rate["torch_channels_last"])
            cells = (f"{rate['torch']:,.0f} | {rate['torch_channels_last']:,.0f} | "
                     f"{rate['engine'] / rate['torch']:.2f}× | {rate['engine'] / best:.2f}×")
        else:
            cells = "— | — | — | —"
        print(f"| {label} | {rate['engine']:,.0f} ({seconds['engine'] * 1e3:.0f} ms) | {cells} |")

    print("\nfastest repeat per step: " + "; ".join(bests))
    print(f"other processes used {_others_share(cpu_start)} of the cores while timing; "
          f"load average after timing: {_load_average()}")
    memory = measure_memory(["engine"] + (["torch", "torch_channels_last"] if torch else []))
    e = memory["engine"]
    print("\nextra memory of a step (fresh process, peak RSS growth over the first 3 steps): "
          + ", ".join(f"{name} {m['rss_growth_mb']:.0f} MB" for name, m in memory.items()))
    print(f"engine, warm step: NumPy peak {e['numpy_step_peak_mb']:.0f} MB (tracemalloc), "
          f"plus {e['work_arrays_mb']:.0f} MB of work arrays kept between batches")


if __name__ == "__main__":
    main()
