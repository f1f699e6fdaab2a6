"""python -m engine.pets: predict's line format, per-image errors, train and evaluate on tiny photos."""

import json
import re
import subprocess
import sys

import numpy as np
from PIL import Image

from engine.pets import data as pet_data
from engine.pets.__main__ import main
from engine.pets.models import PetModel
from tests.conftest import ROOT

LINE = re.compile(r"^(?P<path>[^\t]+)\t(?P<p>0\.\d{4}|1\.0000)\t(?P<verdict>cat|dog)$")


def save_photo(path, colour, size=(40, 30), noise_seed=None):
    a = np.full((size[1], size[0], 3), colour, np.uint8)
    if noise_seed is not None:
        rng = np.random.default_rng(noise_seed)
        a = np.clip(a.astype(int) + rng.integers(-30, 30, a.shape), 0, 255).astype(np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(a).save(path)
    return path


def test_predict_prints_path_tab_probability_tab_verdict(tmp_path, capsys):
    a = save_photo(tmp_path / "a.jpg", (200, 120, 40))
    b = save_photo(tmp_path / "b.png", (20, 60, 200))
    assert main(["predict", "--model", "logistic", str(a), str(b)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for line, path in zip(lines, (a, b)):
        m = LINE.match(line)
        assert m, line
        assert m["path"] == str(path)
        assert (m["verdict"] == "dog") == (float(m["p"]) >= 0.5)


def test_predict_reports_a_bad_image_on_its_line_and_predicts_the_others(tmp_path, capsys):
    good = save_photo(tmp_path / "good.jpg", (90, 90, 90))
    bad = tmp_path / "notes.jpg"
    bad.write_text("a text file renamed .jpg")
    missing = tmp_path / "missing.jpg"
    status = main(["predict", "--model", "mlp", str(bad), str(good), str(missing)])
    lines = capsys.readouterr().out.splitlines()
    assert status == 1 and len(lines) == 3
    assert lines[0].startswith(f"{bad}\tERROR\t") and "not an image" in lines[0]
    assert LINE.match(lines[1])
    assert lines[2].startswith(f"{missing}\tERROR\t")


def test_predict_runs_as_a_module_from_the_shell(tmp_path):
    photo = save_photo(tmp_path / "x.jpg", (120, 100, 80))
    out = subprocess.run([sys.executable, "-m", "engine.pets", "predict", str(photo)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert LINE.match(out.stdout.strip())


def tiny_dataset(root):
    """Orange-ish cats and blue-ish dogs, noisy, so a model can learn them."""
    for split, n in (("train", 12), ("test", 6)):
        for i in range(n):
            save_photo(root / split / "cat" / f"cat.{i}.jpg", (220, 140, 40), noise_seed=i)
            save_photo(root / split / "dog" / f"dog.{i}.jpg", (30, 80, 210), noise_seed=100 + i)
    return root


def test_train_then_evaluate_a_model_from_the_command_line(tmp_path, capsys, monkeypatch):
    root = tiny_dataset(tmp_path / "pets")
    monkeypatch.setenv(pet_data.ENV_CACHE, str(tmp_path / "cache"))
    out = tmp_path / "lr.npz"
    assert main(["train", "--data", str(root), "--model", "logistic", "--out", str(out), "--size", "16",
                 "--epochs", "30", "--l2", "1", "--lr", "0.01"]) == 0
    printed = capsys.readouterr()
    assert "saved" in printed.out and "test 100.0%" in printed.out
    assert "training logistic [" in printed.err  # the progress bar
    model = PetModel.load(out)
    assert model.size == 16 and model.metadata["test_accuracy"] == 1.0
    assert model.metadata["data"] == {"name": root.name, "photos": 36,
                                      "fingerprint": pet_data.load(root, size=16).description()["fingerprint"]}
    assert str(tmp_path) not in json.dumps(model.metadata)  # no machine's path in a model file

    assert main(["evaluate", "--data", str(root), "--model", str(out)]) == 0
    report = capsys.readouterr().out
    assert "test accuracy: 100.0% on 12 photos" in report
    assert re.search(r"cat\s+6\s+0\n\s+dog\s+0\s+6", report)


def test_train_without_data_explains_how_to_get_it(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(pet_data.ENV_DATA, raising=False)
    assert main(["train", "--model", "mlp", "--out", str(tmp_path / "m.npz")]) == 2
    assert "python -m engine.pets download" in capsys.readouterr().err
