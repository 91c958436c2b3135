"""The ``pyplayground`` command line, run in-process through ``main`` (and once as a process)."""

from __future__ import annotations

import json
import subprocess
import sys
import types

import numpy as np
import pytest

from pyplayground.cli import COMMANDS, main
from pyplayground.datasets import make_dataset, train_test_split
from pyplayground.engine import build_mlp
from pyplayground.features import feature_matrix
from pyplayground.model_io import load_model
from pyplayground.trainer import TrainConfig, Trainer

FAST = ["--samples", "60", "--epochs", "3"]
KEYS = ["epoch", "train_loss", "test_loss", "train_accuracy", "test_accuracy", "status", "message"]


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.strip().splitlines()]


def _write_csv(path, X, y, header=("x1", "x2", "label")):
    rows = [",".join(header)] + [
        f"{a!r},{b!r},{c}" for (a, b), c in zip(X.tolist(), y.tolist(), strict=True)
    ]
    path.write_text("\n".join(rows) + "\n")
    return path


# --------------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------------


def test_train_json_prints_one_object_per_epoch(capsys):
    assert main(["train", *FAST, "--json"]) == 0
    out = capsys.readouterr().out
    rows = _json_lines(out)
    assert [r["epoch"] for r in rows] == [1, 2, 3]
    assert all(list(r) == KEYS and r["status"] == "ok" for r in rows)
    assert 0 <= rows[-1]["test_accuracy"] <= 1


def test_train_follows_the_documented_seeding(capsys):
    """Data from default_rng([seed, 0]), weights from [seed, 1], trainer from seed."""
    argv = ["train", "--dataset", "xor", "--noise", "10", "--samples", "80", "--seed", "7",
            "--train-fraction", "60", "--layers", "3", "--batch-size", "4", "--epochs", "4",
            "--learning-rate", "0.1", "--json"]  # fmt: skip
    assert main(argv) == 0
    rows = _json_lines(capsys.readouterr().out)
    data_rng = np.random.default_rng([7, 0])
    X, y = make_dataset("xor", 80, 0.1, rng=data_rng)
    Xtr, ytr, Xte, yte = train_test_split(X, y, 0.6, rng=data_rng)
    net = build_mlp(2, [3], feature_names=["x", "y"], rng=np.random.default_rng([7, 1]))
    trainer = Trainer(
        net, feature_matrix(Xtr, ["x", "y"]), ytr, feature_matrix(Xte, ["x", "y"]), yte,
        config=TrainConfig(learning_rate=0.1, batch_size=4), rng=np.random.default_rng(7),
    )  # fmt: skip
    expected = [trainer.step(1).as_dict() for _ in range(4)]
    assert rows == expected


def test_same_seed_same_run_other_seed_other_run(capsys):
    runs = []
    for seed in ("1", "1", "2"):
        assert main(["train", *FAST, "--seed", seed, "--json"]) == 0
        runs.append(capsys.readouterr().out)
    assert runs[0] == runs[1] != runs[2]


@pytest.mark.parametrize(
    "extra",
    [["--dataset", "reg-gauss"], ["--dataset", "blobs", "--layers", "", "--optimizer", "adam"],
     ["--features", "x,y,xSquared,ySquared,xTimesY,sinX,sinY", "--activation", "relu",
      "--regularization", "L1", "--regularization-rate", "0.01", "--init", "he",
      "--dropout", "0.2", "--shuffle", "--partial-batch", "carry", "--batch-size", "7",
      "--optimizer", "momentum"]],
)  # fmt: skip
def test_train_accepts_every_setting(extra, capsys):
    assert main(["train", *FAST, "--json", *extra]) == 0
    assert _json_lines(capsys.readouterr().out)[-1]["status"] == "ok"


def test_train_human_summary(capsys):
    assert main(["train", *FAST]) == 0
    out = capsys.readouterr().out
    assert "circle (60 points, noise 0%)" in out
    assert "2-4-2-1 classification" in out
    assert "epoch 3: train loss" in out and "test accuracy" in out


INVALID = [
    (["--noise", "60"], "--noise", "[0, 50] percent"),
    (["--train-fraction", "95"], "--train-fraction", "[10, 90] percent"),
    (["--batch-size", "0"], "--batch-size", "[1, 1000]"),
    (["--batch-size", "2.5"], "--batch-size", "an int"),
    (["--learning-rate", "0"], "--learning-rate", "(0, 10]"),
    (["--learning-rate", "11"], "--learning-rate", "(0, 10]"),
    (["--learning-rate", "nan"], "--learning-rate", "(0, 10]"),
    (["--regularization-rate", "-1"], "--regularization-rate", "[0, 10]"),
    (["--layers", "4,0"], "--layers", "[1, 256]"),
    (["--layers", "300"], "--layers", "[1, 256]"),
    (["--layers", ",".join(["2"] * 11)], "--layers", "at most 10 layers"),
    (["--layers", "4,x"], "--layers", "comma-separated"),
    (["--features", "x,z"], "--features", "unknown feature 'z'"),
    (["--features", "x,x"], "--features", "repeated"),
    (["--dataset", "moons"], "--dataset", "invalid choice"),
    (["--activation", "swish"], "--activation", "invalid choice"),
    (["--optimizer", "rmsprop"], "--optimizer", "invalid choice"),
    (["--regularization", "l2"], "--regularization", "invalid choice"),
    (["--problem", "ranking"], "--problem", "invalid choice"),
    (["--partial-batch", "drop"], "--partial-batch", "invalid choice"),
    (["--epochs", "0"], "--epochs", "[1, 100000]"),
    (["--seed", "-1"], "--seed", "[0, 4294967295]"),
    (["--samples", "1"], "--samples", "[2, 100000]"),
    (["--dropout", "1"], "--dropout", "[0, 1)"),
    (["--init", "glorot"], "--init", "'playground', 'xavier', 'he', 'zeros'"),
    (["--problem", "regression"], "--problem regression", "['reg-plane', 'reg-gauss']"),
    (["--test-csv", "t.csv"], "--test-csv", "needs --train-csv"),
    (["--init", "a.json", "--init-model", "b.json"], "--init", "--init-model"),
]


@pytest.mark.parametrize(("argv", "flag", "allowed"), INVALID, ids=lambda v: str(v)[:30])
def test_invalid_values_exit_2_naming_flag_and_range(argv, flag, allowed, capsys):
    assert main(["train", *argv]) == 2
    err = capsys.readouterr().err
    assert flag in err
    assert allowed in err


def test_diverged_training_exits_3(capsys):
    argv = ["train", "--dataset", "reg-plane", "--samples", "200", "--learning-rate", "10",
            "--activation", "linear", "--epochs", "50", "--json"]  # fmt: skip
    assert main(argv) == 3
    captured = capsys.readouterr()
    rows = _json_lines(captured.out)
    assert rows[-1]["status"] == "diverged"
    assert all(r["status"] == "ok" for r in rows[:-1])
    assert "diverged" in captured.err and "learning rate" in captured.err


def test_diverged_training_does_not_save(tmp_path, capsys):
    model = tmp_path / "m.json"
    argv = ["train", "--dataset", "reg-plane", "--samples", "200", "--learning-rate", "10",
            "--activation", "linear", "--save", str(model)]  # fmt: skip
    assert main(argv) == 3
    assert not model.exists()
    assert "diverged" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# --save, predict, --init, --export-python
# --------------------------------------------------------------------------------------------


@pytest.fixture
def saved_model(tmp_path, capsys):
    model = tmp_path / "model.json"
    argv = ["train", "--samples", "100", "--epochs", "20", "--features", "x,y,xTimesY",
            "--seed", "3", "--save", str(model)]  # fmt: skip
    assert main(argv) == 0
    assert f"wrote {model}" in capsys.readouterr().out
    return model


def test_save_records_training_metadata(saved_model):
    d = json.loads(saved_model.read_text())
    assert d["format"] == "pyplayground-model/1"
    assert d["features"] == ["x", "y", "xTimesY"]
    assert d["training"]["seed"] == 3
    assert d["training"]["epochs"] == 20


def test_save_then_predict_round_trip(saved_model, tmp_path, capsys):
    points = np.array([[0.5, 1.0], [-2.0, 3.0], [4.0, -1.5]])
    csv_path = tmp_path / "points.csv"
    csv_path.write_text("x1,x2\n" + "".join(f"{a},{b}\n" for a, b in points))
    assert main(["predict", "--model", str(saved_model), "--csv", str(csv_path), "--json"]) == 0
    rows = _json_lines(capsys.readouterr().out)
    net = load_model(saved_model)
    expected = net.predict(feature_matrix(points, net.feature_names))[:, 0]
    assert [r["output"] for r in rows] == expected.tolist()
    assert [r["label"] for r in rows] == [1 if v >= 0 else -1 for v in expected]
    assert [[r["x1"], r["x2"]] for r in rows] == points.tolist()
    assert main(["predict", "--model", str(saved_model), "--csv", str(csv_path)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "x1,x2,output,label"
    assert float(lines[1].split(",")[2]) == expected[0]


def test_predict_multiclass_prints_probabilities(tmp_path, capsys):
    model = tmp_path / "m.json"
    assert main(["train", "--dataset", "spiral3", *FAST, "--save", str(model), "--json"]) == 0
    assert not capsys.readouterr().err
    csv_path = tmp_path / "p.csv"
    csv_path.write_text("x1,x2\n1,2\n")
    assert main(["predict", "--model", str(model), "--csv", str(csv_path), "--json"]) == 0
    (row,) = _json_lines(capsys.readouterr().out)
    assert len(row["probabilities"]) == 3
    assert sum(row["probabilities"]) == pytest.approx(1)
    assert row["label"] == int(np.argmax(row["probabilities"]))
    assert main(["predict", "--model", str(model), "--csv", str(csv_path)]) == 0
    assert capsys.readouterr().out.startswith("x1,x2,label,p0,p1,p2\n")


@pytest.mark.parametrize(
    ("content", "message"),
    [("x,y\n1,2\n", "missing column(s) ['x1', 'x2']"),
     ("x1,x2\n1,abc\n", "p.csv:2: column 'x2': 'abc' is not a number"),
     ("", "empty file")],
)  # fmt: skip
def test_predict_reports_bad_csv(saved_model, tmp_path, content, message, capsys):
    csv_path = tmp_path / "p.csv"
    csv_path.write_text(content)
    assert main(["predict", "--model", str(saved_model), "--csv", str(csv_path)]) == 2
    assert message in capsys.readouterr().err


def test_predict_reports_bad_model(tmp_path, capsys):
    model = tmp_path / "bad.json"
    model.write_text('{"format": "pyplayground-model/1", "problem": "classification"}')
    csv_path = tmp_path / "p.csv"
    csv_path.write_text("x1,x2\n1,2\n")
    assert main(["predict", "--model", str(model), "--csv", str(csv_path)]) == 2
    assert "bad.json: features: missing required field" in capsys.readouterr().err
    assert main(["predict", "--model", str(tmp_path / "none.json"), "--csv", str(csv_path)]) == 2
    assert "--model: cannot read" in capsys.readouterr().err


def test_predict_requires_model_and_csv(capsys):
    assert main(["predict", "--csv", "p.csv"]) == 2
    assert "--model" in capsys.readouterr().err


@pytest.mark.parametrize("flag", ["--init", "--init-model"])
def test_training_continues_from_a_saved_model(saved_model, flag, capsys):
    fresh = ["train", "--samples", "100", "--features", "x,y,xTimesY", "--seed", "3",
             "--epochs", "1", "--json"]  # fmt: skip
    assert main(fresh) == 0
    fresh_loss = _json_lines(capsys.readouterr().out)[0]["train_loss"]
    assert main([*fresh, flag, str(saved_model)]) == 0
    continued_loss = _json_lines(capsys.readouterr().out)[0]["train_loss"]
    assert continued_loss < fresh_loss


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--layers", "3"], "--layers cannot be used with a starting model"),
     (["--features", "x,y"], "--features x,y differs from"),
     (["--dataset", "reg-plane"], "is a classification model with 1 output(s)")],
)  # fmt: skip
def test_starting_model_conflicts(saved_model, extra, message, capsys):
    argv = ["train", "--init", str(saved_model), "--samples", "50", "--epochs", "1", *extra]
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_export_python_output_runs(tmp_path, capsys):
    script = tmp_path / "predictor.py"
    model = tmp_path / "m.json"
    argv = ["train", *FAST, "--features", "x,y,sinY", "--export-python", str(script),
            "--save", str(model), "--json"]  # fmt: skip
    assert main(argv) == 0
    capsys.readouterr()
    csv_path = tmp_path / "pts.csv"
    csv_path.write_text("x1,x2\n0.5,-1\n3,2\n")
    done = subprocess.run(
        [sys.executable, str(script), str(csv_path)], capture_output=True, text=True, check=True
    )
    assert main(["predict", "--model", str(model), "--csv", str(csv_path)]) == 0
    assert done.stdout == capsys.readouterr().out


def test_write_failure_exits_1(tmp_path, capsys):
    target = tmp_path / "no-such-dir" / "m.json"
    assert main(["train", *FAST, "--save", str(target)]) == 1
    assert "cannot write" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# CSV training data
# --------------------------------------------------------------------------------------------


@pytest.fixture
def xor_csvs(tmp_path):
    rng = np.random.default_rng(5)
    X = rng.uniform(-5, 5, size=(80, 2))
    y = np.where(X[:, 0] * X[:, 1] >= 0, 1, 0)
    return (_write_csv(tmp_path / "train.csv", X[:60], y[:60]),
            _write_csv(tmp_path / "test.csv", X[60:], y[60:]))  # fmt: skip


def test_train_csv_split_by_train_fraction(xor_csvs, capsys):
    argv = ["train", "--train-csv", str(xor_csvs[0]), "--train-fraction", "75", "--epochs", "2"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "train.csv (60 points)" in out
    assert "test loss" in out


def test_train_csv_with_test_csv(xor_csvs, capsys):
    argv = ["train", "--train-csv", str(xor_csvs[0]), "--test-csv", str(xor_csvs[1]),
            "--features", "xTimesY", "--layers", "", "--learning-rate", "0.01",
            "--epochs", "30", "--json"]  # fmt: skip
    assert main(argv) == 0
    last = _json_lines(capsys.readouterr().out)[-1]
    assert last["test_accuracy"] >= 0.9  # xTimesY alone separates XOR


def test_train_csv_regression_and_multiclass(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 2))
    reg = _write_csv(tmp_path / "reg.csv", X, X[:, 0] + 0.5 * X[:, 1])
    assert main(["train", "--train-csv", str(reg), "--epochs", "2"]) == 0
    assert "2-4-2-1 regression" in capsys.readouterr().out
    multi = _write_csv(tmp_path / "multi.csv", X, np.arange(40) % 4)
    assert main(["train", "--train-csv", str(multi), "--epochs", "2"]) == 0
    assert "2-4-2-4 multiclass" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--noise", "10"], "--noise cannot be used with --train-csv"),
     (["--dataset", "xor"], "--dataset cannot be used with --train-csv"),
     (["--samples", "10"], "--samples cannot be used with --train-csv"),
     (["--test-csv", "{test}", "--train-fraction", "70"], "--train-fraction cannot be used"),
     (["--problem", "multiclass"], "multiclass labels must be")],
)  # fmt: skip
def test_train_csv_conflicts(xor_csvs, extra, message, capsys):
    extra = [e.format(test=xor_csvs[1]) for e in extra]
    assert main(["train", "--train-csv", str(xor_csvs[0]), *extra]) == 2
    assert message in capsys.readouterr().err


def test_bad_train_csv_exits_2_with_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,label\n1,2,1\n3,oops,0\n")
    assert main(["train", "--train-csv", str(bad)]) == 2
    assert "bad.csv:3: column 'x2': 'oops' is not a number" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# Dispatch, delegates and the installed entry points
# --------------------------------------------------------------------------------------------


def test_registry_has_the_commands():
    assert {"train", "predict", "build", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize(("argv", "code"), [([], 2), (["--help"], 0), (["nope"], 2)])
def test_top_level_usage(argv, code, capsys):
    assert main(argv) == code
    captured = capsys.readouterr()
    assert "train" in captured.out + captured.err


@pytest.mark.parametrize("name", ["build", "serve"])
def test_build_and_serve_delegate_their_arguments(name, monkeypatch):
    calls = []
    fake = types.ModuleType(f"pyplayground.sitegen.{name}")
    fake.main = lambda argv: calls.append(argv) or 0
    monkeypatch.setitem(sys.modules, f"pyplayground.sitegen.{name}", fake)
    assert main([name, "--out", "site", "--help"]) == 0
    assert calls == [["--out", "site", "--help"]]


def test_missing_delegate_is_a_clear_error(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pyplayground.sitegen.serve", None)  # import fails
    assert main(["serve"]) == 1
    assert "pyplayground serve: error: pyplayground.sitegen.serve" in capsys.readouterr().err


def test_runs_as_a_module_process(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pyplayground.cli", "train", *FAST, "--json"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(_json_lines(done.stdout)) == 3
    bad = subprocess.run(
        [sys.executable, "-m", "pyplayground", "train", "--noise", "99"],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "argument --noise" in bad.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--train-csv", "absent.csv"], "--train-csv: cannot read absent.csv"),
     (["--init", "absent.json"], "cannot read the starting model absent.json")],
)  # fmt: skip
def test_missing_input_files_exit_2(argv, message, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["train", *argv]) == 2
    assert message in capsys.readouterr().err
