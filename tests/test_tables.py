"""lessons.tables: the CSV reader's refusals, the column roles, the pipeline on scikit-learn's own tables
against scikit-learn's MLP, and the command line (in-process, and once as a real subprocess)."""

import subprocess
import sys

import numpy as np
import pytest

from benchmarks.tables_vs_sklearn import reference_score, sklearn_csv
from lessons import tables
from lessons.tables import __main__ as cli

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent


def csv(text: str) -> bytes:
    return text.encode()


def numbers_table(m: int = 30, target="y") -> str:
    rng = np.random.default_rng(0)
    rows = [f"{rng.normal():.3f},{rng.normal():.3f},{'a' if i % 2 else 'b'}" for i in range(m)]
    return f"x1,x2,{target}\n" + "\n".join(rows) + "\n"


# -- bad files: one TableError each, of its own kind ------------------------------------------------------

BAD_FILES = {
    "empty": (b"", "empty"),
    "whitespace": (b"  \n\n ", "empty"),
    "binary": (bytes(range(256)) * 4, "binary"),
    "xlsx": (b"PK\x03\x04" + bytes(100), "binary"),
    "not utf-8": ("name,city\nJosé,Zürich\n".encode("latin-1"), "encoding"),
    "utf-16": ("a,b\n1,2\n".encode("utf-16"), "encoding"),
    "one row": (b"x,y\n1,2\n", "one_row"),
    "header only": (b"x,y\n", "one_row"),
    "10,000 columns": ((",".join(f"c{i}" for i in range(10_000)) + "\n" + ",".join("1" * 10_000) + "\n").encode(),
                       "too_wide"),
    "over the cap": (b"x,y\n" + b"1,2\n" * (tables.MAX_BYTES // 4), "too_large"),
    "formula": (b'x,y\n1,a\n2,"=HYPERLINK(""http://127.0.0.1/x"",""click"")"\n3,b\n', "formula"),
    "formula with @": (b"x,y\n1,a\n2,@SUM(A1:A3)\n3,b\n", "formula"),
    "dde": (b"x,y\n1,a\n2,+cmd|' /C calc'!A0\n3,b\n", "formula"),
    "formula header": (b"x,=1+1\n1,2\n3,4\n", "formula"),
    "ragged": (b"x,y\n1,2\n3,4,5\n6,7\n", "malformed"),
    "no header": (b"1,2\n3,4\n5,6\n", "no_header"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_each_bad_file_gets_its_own_clear_message(case):
    data, kind = BAD_FILES[case]
    with pytest.raises(tables.TableError) as info:
        frame = tables.read_csv(data)
        tables.prepare(frame, "y")
    assert info.value.kind == kind
    message = str(info.value)
    assert "\n" not in message and 30 < len(message) < 320
    assert "Traceback" not in message and "pandas" not in message


def test_a_wide_file_is_refused_from_its_header_line_before_pandas_parses_it(monkeypatch):
    import pandas as pd

    def never(*args, **kwargs):
        raise AssertionError("pandas parsed a file the header had already refused")

    monkeypatch.setattr(pd, "read_csv", never)
    with pytest.raises(tables.TableError, match="10,000 columns"):
        tables.read_csv(BAD_FILES["10,000 columns"][0])


@pytest.mark.parametrize("text, kind", [
    ("x,y\n" + "".join(f"{i},same\n" for i in range(20)), "one_class"),
    ("x,y\n" + "".join(f"{i * 0.5},{'' if i > 3 else 'a' if i % 2 else 'b'}\n" for i in range(20)), "too_few_rows"),
    ("id,y\n" + "".join(f"{i},{i % 2}\n" for i in range(20)), "no_features"),
    ("x,y\n" + "".join(f"{i},name{i}\n" for i in range(30)), "too_many_classes"),
])
def test_tables_a_network_cannot_learn_from_are_refused(text, kind):
    with pytest.raises(tables.TableError) as info:
        tables.prepare(tables.read_csv(csv(text)), "y")
    assert info.value.kind == kind


def test_an_unknown_target_names_the_columns():
    with pytest.raises(tables.TableError, match="no column 'z'.*x1, x2, y"):
        tables.prepare(tables.read_csv(csv(numbers_table())), "z")


def test_negative_numbers_are_not_formulas_and_semicolons_and_a_bom_are_read():
    text = "\ufeffx;y;label\n" + "".join(f"-{i}.5;{i * 2};{'a' if i % 2 else 'b'}\n" for i in range(12))
    frame = tables.read_csv(text.encode())
    assert list(frame.columns) == ["x", "y", "label"] and frame["x"].iloc[1] == "-1.5"


# -- the roles of the columns ---------------------------------------------------------------------------

def test_the_fruit_example_leaves_out_its_identifier_and_free_text_and_one_hot_encodes_colour():
    prepared = tables.prepare(tables.read_csv(tables.example_csv("fruit")), "fruit")
    roles = {c.name: c.role for c in prepared.plan.columns}
    assert roles == {"fruit": "target", "fruit_id": "left out", "weight_g": "input", "diameter_cm": "input",
                     "sugar_pct": "input", "colour": "one-hot", "notes": "left out"}
    details = {c.name: c.detail for c in prepared.plan.columns}
    assert "identifier" in details["fruit_id"] and "free text" in details["notes"]
    assert prepared.task == "classes" and prepared.plan.classes == ["apple", "orange", "pear"]
    assert prepared.feature_names[3:] == ["colour = green", "colour = orange", "colour = red", "colour = yellow"]
    assert prepared.n_dropped > 0 and len(prepared.y_train) + len(prepared.y_test) == 240 - prepared.n_dropped
    lines = "\n".join(prepared.summary())
    assert f"{prepared.n_dropped} dropped for a missing value" in lines and "Left out: notes" in lines


def test_the_flats_example_is_a_regression_with_one_hot_districts():
    prepared = tables.prepare(tables.read_csv(tables.example_csv("flats")), "rent_eur")
    assert prepared.task == "regression" and prepared.k == 1
    assert "district = old town" in prepared.feature_names and "listing" in [c.name for c in prepared.plan.left_out]
    net, records, result = tables.run(prepared, tables.Settings(epochs=60))
    assert records[-1].test_r2 == pytest.approx(result.test_score, abs=1e-9)  # R² does not change with the units
    assert result.test_score > 0.85 and result.mae < 150


def test_inputs_are_standardised_on_the_training_rows_only():
    prepared = tables.prepare(tables.read_csv(tables.example_csv("exam")), "result")
    np.testing.assert_allclose(prepared.X_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(prepared.X_train.std(axis=0), 1, atol=1e-12)
    assert np.abs(prepared.X_test.mean(axis=0)).max() > 1e-3  # the test rows do not set the scale


def test_the_task_is_chosen_by_the_target_and_can_be_overridden():
    few = "x,grade\n" + "".join(f"{i * 0.1:.1f},{i % 3 + 1}\n" for i in range(30))
    many = "x,price\n" + "".join(f"{i * 0.1:.1f},{i * 1.5 + 3}\n" for i in range(30))
    frame_few, frame_many = tables.read_csv(csv(few)), tables.read_csv(csv(many))
    assert tables.prepare(frame_few, "grade").task == "classes"
    assert tables.prepare(frame_few, "grade").plan.classes == ["1", "2", "3"]
    assert tables.prepare(frame_few, "grade", task="regression").task == "regression"
    assert tables.prepare(frame_many, "price").task == "regression"
    with pytest.raises(tables.TableError, match="too many classes"):
        tables.prepare(frame_many, "price", task="classes")
    with pytest.raises(tables.TableError, match="holds text"):
        tables.prepare(tables.read_csv(csv(numbers_table())), "y", task="regression")


def test_a_few_non_numbers_in_a_numeric_column_count_as_missing():
    text = "x,y\n" + "".join(f"{'oops' if i == 5 else i},{'a' if i % 2 else 'b'}\n" for i in range(40))
    prepared = tables.prepare(tables.read_csv(csv(text)), "y")
    x = next(c for c in prepared.plan.columns if c.name == "x")
    assert x.role == "input" and "1 cell that are not numbers (“oops”) counted as missing" in x.detail
    assert prepared.n_dropped == 1


# -- scikit-learn's tables, against scikit-learn's MLP ----------------------------------------------------

@pytest.mark.parametrize("name, floor, margin", [("iris", 0.88, 0.04), ("wine", 0.93, 0.04),
                                                 ("breast_cancer", 0.92, 0.04), ("diabetes", 0.2, 0.12)])
def test_sklearns_own_tables_train_as_well_as_sklearns_mlp_on_the_same_splits(name, floor, margin):
    """Three seeds (split and initial weights): every run above the floor, the mean within ``margin`` of
    scikit-learn's. Both overfit diabetes' 332 training rows, so single runs spread widely there."""
    frame = tables.read_csv(sklearn_csv(name))
    ours, theirs = [], []
    for seed in range(3):
        prepared = tables.prepare(frame, "target", seed=seed)
        assert prepared.task == ("regression" if name == "diabetes" else "classes")
        settings = tables.Settings(seed=seed)
        ours.append(tables.run(prepared, settings)[2].test_score)
        theirs.append(reference_score(prepared, settings))
    assert min(ours) >= floor, (ours, theirs)
    assert np.mean(ours) >= np.mean(theirs) - margin, (ours, theirs)


# -- the command line ------------------------------------------------------------------------------------

def test_the_command_line_prints_what_it_kept_and_ends_with_the_test_accuracy(tmp_path, capsys):
    path = tmp_path / "iris.csv"
    path.write_bytes(sklearn_csv("iris"))
    assert cli.main([str(path), "--target", "target", "--hidden", "6", "--epochs", "50", "--seed", "2"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0] == "Read iris.csv: 150 rows, 5 columns."
    assert any(line.startswith("Split: 114 training rows, 36 test rows") for line in out)
    assert any("[4, 6, 3]" in line and "50 epochs" in line and "seed 2" in line for line in out)
    accuracy = float(out[-1].removeprefix("test accuracy: "))
    assert out[-1] == f"test accuracy: {accuracy:.3f}" and accuracy > 0.8


def test_the_command_line_ends_with_the_test_r2_for_numbers(tmp_path, capsys):
    path = tmp_path / "flats.csv"
    path.write_bytes(tables.example_csv("flats"))
    assert cli.main([str(path), "--target", "rent_eur", "--epochs", "30"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1].startswith("test R²: 0.") and len(out[-1]) == len("test R²: 0.000")
    assert any(line.startswith("One-hot encoded: district → district = centre") for line in out)
    assert any(line.startswith("Left out: listing (looks like an identifier") for line in out)


@pytest.mark.parametrize("case", ["empty", "binary", "not utf-8", "one row", "10,000 columns", "over the cap",
                                  "formula"])
def test_the_command_line_answers_a_bad_file_with_one_line_and_status_2(tmp_path, capsys, case):
    path = tmp_path / "table.csv"
    path.write_bytes(BAD_FILES[case][0])
    assert cli.main([str(path), "--target", "y"]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert captured.err.startswith("table.csv: ")


def test_the_command_line_for_a_missing_file_and_a_one_class_target(tmp_path, capsys):
    assert cli.main([str(tmp_path / "nothing.csv"), "--target", "y"]) == 2
    assert "There is no file" in capsys.readouterr().err
    path = tmp_path / "same.csv"
    path.write_bytes(csv("x,y\n" + "".join(f"{i},same\n" for i in range(20))))
    assert cli.main([str(path), "--target", "y"]) == 2
    assert "only one value" in capsys.readouterr().err


def test_the_real_command_refuses_a_bad_file_with_no_traceback(tmp_path):
    path = tmp_path / "book.xlsx.csv"
    path.write_bytes(BAD_FILES["xlsx"][0])
    done = subprocess.run([sys.executable, "-m", "lessons.tables", str(path), "--target", "y"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert "Excel" in done.stderr and "Save the table as CSV" in done.stderr
