"""Compare conv-net recipes on the validation split only (the test photos are never scored here).

    python benchmarks/pets_recipe.py --data DIR --epochs 30 --set batchnorm=true --set label_smoothing=0.1

Each ``--set key=value`` overrides a field of the "cnn" preset (engine/pets/training.py: PRESETS);
prints one line per epoch (validation cost and accuracy) and a summary with the wall-clock and CPU time.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.pets import data as pet_data  # noqa: E402
from engine.pets.training import PRESETS, TrainConfig, train  # noqa: E402


def _value(field_type, text: str):
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    if "," in text or field_type.startswith("tuple"):
        return tuple(int(v) for v in text.split(","))
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get(pet_data.ENV_DATA), required=False)
    parser.add_argument("--preset", default="cnn")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args()
    config = replace(PRESETS[args.preset], epochs=args.epochs, patience=10 ** 6)
    types = {f.name: str(f.type) for f in fields(TrainConfig)}
    for item in args.set:
        key, text = item.split("=", 1)
        if key not in types:
            parser.error(f"unknown setting {key!r}")
        config = replace(config, **{key: _value(types[key], text)})
    data = pet_data.load(args.data, size=64)
    source = pet_data.load(args.data, size=config.source_size) if config.source_size else None
    print(f"# {json.dumps({k: v for k, v in vars(config).items()})}", flush=True)
    start, cpu0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    best = (0.0, 0, 9.0)
    for model, record in train(data, config, source, final=False):
        if record is None:
            break
        if record.diverged:
            print(record.message)
            return 1
        best = max(best, (record.test_accuracy, record.epoch, record.test_cost))
        print(f"epoch {record.epoch:3d}  train J {record.train_cost:.3f} acc {record.train_accuracy:.3f}  "
              f"val J {record.test_cost:.3f} acc {record.test_accuracy:.3f}  {time.perf_counter() - start:7.0f} s",
              flush=True)
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    cpu_seconds = cpu.ru_utime - cpu0.ru_utime + cpu.ru_stime - cpu0.ru_stime
    meta = model.metadata
    print(f"kept epoch {meta['epochs']} (lowest validation cost): validation accuracy "
          f"{meta['validation_accuracy']:.3f}; best accuracy seen {best[0]:.3f} at epoch {best[1]}; "
          f"wall {time.perf_counter() - start:.0f} s, CPU {cpu_seconds:.0f} s, "
          f"load {os.getloadavg()[0]:.1f}; {model.net.n_parameters:,} parameters")
    if "calibration" in meta:
        print(json.dumps({k: meta[k] for k in ("calibration", "unsure_band", "unsure_band_validation")}))
        if "novelty" in meta:
            print("novelty: share of validation pets flagged", meta["novelty"]["share_flagged_validation"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
