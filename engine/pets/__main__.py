"""Cats vs dogs from the command line.

    python -m engine.pets train    --data DIR --model cnn|logistic|mlp --out FILE
    python -m engine.pets evaluate --data DIR --model cnn|logistic|mlp|FILE
    python -m engine.pets predict  --model cnn|logistic|mlp|FILE IMAGE...
    python -m engine.pets download --out DIR [--url URL --sha256 HEX]

--data defaults to $NEURONLAB_PETS_DATA. ``predict`` prints one line per image,
``path<TAB>P(dog)<TAB>cat|dog``, or ``path<TAB>ERROR<TAB>message`` for a file it cannot read
(the other images are still predicted; the exit status is then 1).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from ..errors import DatasetError, ImageError, ModelFileError
from . import data as pet_data
from . import download as pet_download
from .models import THRESHOLD, resolve
from .training import PRESETS, evaluate, score_test, train


class ProgressBar:
    """A one-line text bar on stderr: ``label [#####.....] 50% 5/10``."""

    def __init__(self, label: str, stream=None, width: int = 30):
        self.label, self.stream, self.width = label, stream or sys.stderr, width
        self.start = time.perf_counter()

    def __call__(self, done: float, total: float, note: str = "") -> None:
        share = 0.0 if total <= 0 else min(1.0, done / total)
        filled = int(round(share * self.width))
        elapsed = time.perf_counter() - self.start
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] {share:4.0%} "
                          f"{_count(done)}/{_count(total)} {elapsed:5.1f}s {note}   ")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


def _count(n: float) -> str:
    return f"{n / 1e6:.1f}M" if n >= 1e6 else f"{n:g}"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (DatasetError, ModelFileError, pet_download.DownloadError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine.pets", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def data_options(p):
        p.add_argument("--data", default=os.environ.get(pet_data.ENV_DATA),
                       help=f"photo folder (default: ${pet_data.ENV_DATA})")
        p.add_argument("--limit", type=int, default=None, help="at most this many photos per class and split")
        p.add_argument("--cache", default=None, help="cache folder (default: .cache/pets)")

    p = sub.add_parser("train", help="train a model and save it")
    data_options(p)
    p.add_argument("--model", choices=sorted(PRESETS), required=True)
    p.add_argument("--out", required=True, help="model file to write (.npz)")
    p.add_argument("--size", type=int, default=64, help="picture side S in pixels (default 64)")
    p.add_argument("--colour", choices=["rgb", "grey"], default="rgb")
    p.add_argument("--epochs", type=int)
    p.add_argument("--lr", type=float, help="learning rate α")
    p.add_argument("--l2", type=float, help="L2 strength λ")
    p.add_argument("--hidden", type=int, help="hidden units (mlp)")
    p.add_argument("--filters", help="convolution filters per block, e.g. 16,32,64,128 (cnn)")
    p.add_argument("--patience", type=int, help="epochs without a better validation cost before stopping")
    p.add_argument("--refit", choices=["yes", "no"],
                   help="after early stopping, train again on all training photos for the chosen epochs")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(run=_train)

    p = sub.add_parser("evaluate", help="score a model on the data set's test photos")
    data_options(p)
    p.add_argument("--model", required=True, help="cnn, logistic, mlp or a model file")
    p.set_defaults(run=_evaluate)

    p = sub.add_parser("predict", help="P(dog) for image files")
    p.add_argument("--model", default="cnn", help="cnn (the default), logistic, mlp or a model file")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.set_defaults(run=_predict)

    p = sub.add_parser("download", help="download and unpack the full Kaggle/Microsoft photo set")
    p.add_argument("--out", required=True, help="folder to unpack into")
    p.add_argument("--url", default=pet_download.SOURCE.url)
    p.add_argument("--sha256", default=pet_download.SOURCE.sha256,
                   help="expected SHA-256 of the archive (checked before unpacking)")
    p.set_defaults(run=_download)
    return parser


def _filters(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in text.split(","))
    except ValueError:
        raise ValueError(f"--filters takes whole numbers separated by commas, e.g. 16,32,64; got {text!r}.") from None


def _load_data(args, size: int, colour: str) -> pet_data.PetData:
    if not args.data:
        raise DatasetError(f"No data folder: pass --data DIR or set ${pet_data.ENV_DATA}. "
                           "Get photos with: python -m engine.pets download --out data/pets")
    bar = ProgressBar("decoding photos")
    data = pet_data.load(args.data, size=size, colour=colour, cache_dir=args.cache, progress=bar,
                         max_per_class=args.limit)
    print(f"data: {data.summary()}{' (from cache)' if data.from_cache else ''}", file=sys.stderr)
    return data


def _train(args) -> int:
    data = _load_data(args, args.size, args.colour)
    config = PRESETS[args.model]
    changes = {"epochs": args.epochs, "learning_rate": args.lr, "l2": args.l2,
               "batch_size": args.batch_size, "seed": args.seed,
               "hidden": _filters(args.filters) if args.filters else ((args.hidden,) if args.hidden else None),
               "patience": args.patience, "refit": None if args.refit is None else args.refit == "yes"}
    config = replace(config, **{k: v for k, v in changes.items() if v is not None})
    source = None
    if config.source_size:
        print(f"random resized crops of the photos at {config.source_size}×{config.source_size}:", file=sys.stderr)
        source = _load_data(args, config.source_size, args.colour)
    bar = ProgressBar(f"training {args.model}")
    model = None
    start, cpu = time.perf_counter(), time.process_time()
    for model, record in train(data, config, source):
        if record is None:
            break
        if record.diverged:
            print(f"\n{record.message}", file=sys.stderr)
            return 1
        if record.extra.get("phase") == "refit":
            if record.epoch == 1:
                bar = ProgressBar("refit on all training photos")
            bar(record.epoch, record.extra["epochs"], f"J={record.train_cost:.3f}")
        else:
            bar(record.epoch, config.epochs, f"J={record.train_cost:.3f} val J={record.test_cost:.3f} "
                                             f"val acc={record.test_accuracy:.1%}")
    sys.stderr.write("\n")
    meta = model.metadata
    meta["training_time"] = {"wall_seconds": round(time.perf_counter() - start),
                             "cpu_seconds": round(time.process_time() - cpu),
                             "load_average_at_end": round(os.getloadavg()[0], 2)}
    model.save(args.out)
    print(f"saved {args.out}: train accuracy {meta['train_accuracy']:.1%}, validation "
          f"{meta['validation_accuracy']:.1%}, test {meta['test_accuracy']:.1%} "
          f"({meta['epochs']} epochs; {meta['procedure']}); "
          f"{meta['training_time']['wall_seconds'] / 60:.0f} min wall-clock, "
          f"{meta['training_time']['cpu_seconds'] / 60:.0f} min CPU")
    if "calibration" in meta:
        print(_honesty(meta))
    return 0


def _honesty(meta: dict) -> str:
    """Calibration, the unsure band and the novelty test, as recorded in a model's metadata."""
    before, after = meta["test_reliability_before"]["ece"], meta["test_reliability_after"]["ece"]
    val, test = meta["unsure_band_validation"], meta["unsure_band_test"]
    low, high = meta["unsure_band"]
    lines = [f"temperature T = {meta['calibration']['temperature']:.3f} (fitted on the "
             f"{meta['calibration']['fitted_on']}); test ECE {before:.3f} before, {after:.3f} after",
             f"unsure band {low:.2f}–{high:.2f}: outside it, validation {val['accuracy_outside']:.1%} right "
             f"({val['share_outside']:.0%} of photos), test {test['accuracy_outside']:.1%} right "
             f"({test['share_outside']:.0%} of photos)"]
    if "novelty" in meta:
        lines.append(f"far from anything seen: {meta['novelty']['share_flagged_validation']:.0%} of validation pets, "
                     f"{meta.get('novelty_test_share_flagged', float('nan')):.0%} of test pets, "
                     f"{meta.get('novelty_nonpets_share_flagged', float('nan')):.0%} of "
                     f"{meta.get('novelty_nonpets_count', 0)} generated pictures with no animal")
    return "\n".join(lines)


def _evaluate(args) -> int:
    model = resolve(args.model)
    data = _load_data(args, model.size, model.colour)
    result = evaluate(model, data.images_test, data.y_test)
    (tn, fp), (fn, tp) = result["confusion"]
    print(f"model: {model.describe()}")
    print(f"test accuracy: {result['accuracy']:.1%} on {len(data.y_test)} photos, ROC AUC {result['auc']:.3f}")
    if "calibration" in model.metadata:
        print(_honesty({**model.metadata, **score_test(model, data.images_test, data.y_test)}))
    print(f"confusion (rows = true, columns = predicted):\n"
          f"         cat   dog\n  cat  {tn:5d} {fp:5d}\n  dog  {fn:5d} {tp:5d}")
    return 0


def _predict(args) -> int:
    model = resolve(args.model)
    failed = 0
    for name in args.images:
        try:
            p = model.predict_bytes(Path(name).read_bytes())
        except (ImageError, OSError) as exc:
            print(f"{name}\tERROR\t{exc}")
            failed += 1
        else:
            print(f"{name}\t{p:.4f}\t{'dog' if p >= THRESHOLD else 'cat'}")
    return 1 if failed else 0


def _download(args) -> int:
    bar = ProgressBar("downloading")
    folder = pet_download.fetch(args.url, args.out, sha256=args.sha256 or None, progress=bar)
    measured = (Path(args.out).expanduser() / "SHA256.txt").read_text().split()[0]
    print(f"SHA-256 {measured}: " + ("matches --sha256" if args.sha256 else
                                     "NOT verified (no checksum configured for this URL; compare it with the "
                                     "publisher's, then pass --sha256 next time)"))
    print(f"unpacked into {folder}\nuse it with: export {pet_data.ENV_DATA}={folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
