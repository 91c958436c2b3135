"""The ``pyplayground`` command: headless training, prediction, site build and preview.

Subcommands
-----------
``train``
    Train a network with the playground's settings (flags mirror the UI; see
    ``pyplayground train --help`` and the table below), print metrics, and
    optionally save the model (``--save``) or a standalone predictor
    (``--export-python``).
``predict``
    Run a saved model on the points of a CSV file.
``build``, ``serve``
    Hand the remaining arguments to ``pyplayground.sitegen.build.main`` /
    ``pyplayground.sitegen.serve.main``.

Flag ranges of ``train`` (UI ranges where they differ)
------------------------------------------------------
=========================  ==================================  ==========================
flag                       accepted                            TF Playground UI
=========================  ==================================  ==========================
``--noise``                percent in [0, 50]                  slider 0-50, step 5
``--train-fraction``       percent in [10, 90]                 percTrainData 10-90
``--batch-size``           int in [1, 1000]                    slider 1-30
``--learning-rate``        number in (0, 10]                   0.00001-10 menu
``--regularization-rate``  number in [0, 10]                   0-10 menu
``--layers``               "4,2": up to 10 hidden layers,      up to 6 layers of
                           each 1-256 neurons; "" for none     1-8 neurons
``--samples``              int in [2, 100000]                  fixed per dataset
``--epochs``               int in [1, 100000]                  runs until paused
``--dropout``              number in [0, 1)                    (not in TF)
=========================  ==================================  ==========================

``--init`` takes an initializer name, or a path ending in ``.json`` that is read
as a saved model to start from (same as ``--init-model``).

Exit status: 0 success, 1 an output file could not be written or a delegated
module is missing, 2 an invalid flag value or input file, 3 training diverged.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, NamedTuple

if TYPE_CHECKING:
    import numpy as np

    from .engine import Network
    from .trainer import StepResult, TrainConfig

__all__ = [
    "COMMANDS",
    "EXIT_DIVERGED",
    "EXIT_FAILURE",
    "EXIT_USAGE",
    "Command",
    "UsageError",
    "main",
]

PROG: Final = "pyplayground"
EXIT_FAILURE: Final = 1
EXIT_USAGE: Final = 2
EXIT_DIVERGED: Final = 3

MAX_HIDDEN_LAYERS: Final = 10
MAX_NEURONS: Final = 256
DEFAULT_LAYERS: Final = (4, 2)
DEFAULT_FEATURES: Final = ("x", "y")


class UsageError(Exception):
    """An invalid flag value or input file; reported with exit status 2."""


# --------------------------------------------------------------------------------------------
# Flag value parsers (argparse reports their messages as "argument --flag: ...", exit 2)
# --------------------------------------------------------------------------------------------


def _ranged(
    kind: type,
    lo: float,
    hi: float,
    *,
    hi_open: bool = False,
    lo_open: bool = False,
    note: str = "",
) -> Callable[[str], Any]:
    """Return an argparse ``type`` accepting ``kind`` values in a range."""
    left, right = "(" if lo_open else "[", ")" if hi_open else "]"
    what = "an int" if kind is int else "a number"
    expected = f"expected {what} in {left}{lo:g}, {hi:g}{right}{note}"
    if kind is int:  # no exponent notation for big int bounds
        expected = f"expected an int in {left}{lo}, {hi}{right}{note}"

    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{expected}; got {text!r}.") from None
        too_low = value <= lo if lo_open else value < lo
        too_high = value >= hi if hi_open else value > hi
        if not math.isfinite(value) or too_low or too_high:
            raise argparse.ArgumentTypeError(f"{expected}; got {text!r}.")
        return value

    return parse


def _parse_layers(text: str) -> tuple[int, ...]:
    """``"4,2"`` -> ``(4, 2)``; ``""`` -> ``()`` (no hidden layer)."""
    expected = (
        f"expected comma-separated hidden layer sizes, each an int in [1, {MAX_NEURONS}], "
        f"at most {MAX_HIDDEN_LAYERS} layers ('' for none)"
    )
    parts = [p.strip() for p in text.split(",")] if text.strip() else []
    try:
        sizes = tuple(int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{expected}; got {text!r}.") from None
    if len(sizes) > MAX_HIDDEN_LAYERS or any(not 1 <= s <= MAX_NEURONS for s in sizes):
        raise argparse.ArgumentTypeError(f"{expected}; got {text!r}.")
    return sizes


def _parse_features(text: str) -> tuple[str, ...]:
    """``"x,y,sinX"`` -> a tuple of TF Playground feature keys."""
    from .features import FEATURE_NAMES

    names = tuple(p.strip() for p in text.split(",") if p.strip())
    expected = f"expected comma-separated names from {list(FEATURE_NAMES)}"
    unknown = [n for n in names if n not in FEATURE_NAMES]
    if not names or unknown:
        what = f"unknown feature {unknown[0]!r}" if unknown else "no feature given"
        raise argparse.ArgumentTypeError(f"{what}; {expected}.")
    if len(set(names)) != len(names):
        raise argparse.ArgumentTypeError(f"a feature is repeated in {text!r}; {expected}.")
    return names


def _parse_init(text: str) -> str:
    """An initializer name, or a model path ending in ``.json``."""
    from .engine import INITIALIZERS

    if text.lower().endswith(".json") or text in INITIALIZERS:
        return text
    raise argparse.ArgumentTypeError(
        f"expected an initializer from {list(INITIALIZERS)} or a model file ending in .json; "
        f"got {text!r}."
    )


# --------------------------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------------------------


def _add_data_arguments(p: argparse.ArgumentParser) -> None:
    from .datasets import DATASETS, MAX_SAMPLES, MIN_SAMPLES, PROBLEMS

    g = p.add_argument_group("data")
    g.add_argument("--dataset", choices=list(DATASETS), help="generated dataset (default: circle)")
    g.add_argument(
        "--noise",
        type=_ranged(float, 0, 50, note=" percent"),
        metavar="PERCENT",
        help="noise in percent, 0-50 like TF Playground's slider (default: 0)",
    )
    g.add_argument(
        "--train-fraction",
        type=_ranged(float, 10, 90, note=" percent"),
        metavar="PERCENT",
        help="percent of the data used for training, 10-90 (default: 50); not with --test-csv",
    )
    g.add_argument(
        "--samples",
        type=_ranged(int, MIN_SAMPLES, MAX_SAMPLES),
        metavar="N",
        help="number of generated points (default: the dataset's)",
    )
    g.add_argument(
        "--problem",
        choices=list(PROBLEMS),
        help="problem type (default: the dataset's or inferred from --train-csv)",
    )
    g.add_argument(
        "--train-csv",
        metavar="CSV",
        help="train on this CSV (header x1,x2,label) instead of a generated dataset; "
        "without --test-csv it is split by --train-fraction",
    )
    g.add_argument("--test-csv", metavar="CSV", help="test data for --train-csv")
    g.add_argument(
        "--seed",
        type=_ranged(int, 0, 2**32 - 1),
        default=0,
        help="seed of the data, the initial weights and dropout/shuffle (default: 0)",
    )
    g.add_argument(
        "--features",
        type=_parse_features,
        metavar="NAMES",
        help="comma-separated input features (default: x,y)",
    )


def _add_model_arguments(p: argparse.ArgumentParser) -> None:
    from .engine import ACTIVATIONS

    g = p.add_argument_group("network")
    g.add_argument(
        "--layers",
        type=_parse_layers,
        metavar="SIZES",
        help=f"hidden layer sizes, e.g. '4,2' or '' for none; each 1-{MAX_NEURONS}, "
        f"at most {MAX_HIDDEN_LAYERS} layers (default: 4,2)",
    )
    g.add_argument(
        "--activation", choices=list(ACTIVATIONS), help="hidden activation (default: tanh)"
    )
    g.add_argument(
        "--init",
        type=_parse_init,
        metavar="NAME|MODEL.json",
        help="initializer (playground, xavier, he, zeros), or a saved model file "
        "ending in .json to start from (default: playground)",
    )
    g.add_argument("--init-model", metavar="MODEL.json", help="start from this saved model")
    g.add_argument(
        "--dropout",
        type=_ranged(float, 0, 1, hi_open=True),
        help="dropout rate of hidden layers while training (default: 0)",
    )


def _add_training_arguments(p: argparse.ArgumentParser) -> None:
    from .engine import OPTIMIZERS, REGULARIZERS
    from .trainer import PARTIAL_BATCH_MODES

    g = p.add_argument_group("training")
    g.add_argument(
        "--learning-rate",
        type=_ranged(float, 0, 10, lo_open=True),
        default=0.03,
        help="learning rate in (0, 10] (default: 0.03)",
    )
    g.add_argument(
        "--batch-size",
        default=10,
        type=_ranged(int, 1, 1000, note=" (TF Playground's slider: 1-30)"),
        help="mini-batch size in [1, 1000] (default: 10)",
    )
    g.add_argument(
        "--regularization",
        choices=list(REGULARIZERS),
        default="none",
        help="weight penalty (default: none)",
    )
    g.add_argument(
        "--regularization-rate",
        type=_ranged(float, 0, 10),
        default=0.0,
        help="penalty rate in [0, 10] (default: 0)",
    )
    g.add_argument(
        "--optimizer",
        choices=list(OPTIMIZERS),
        default="sgd",
        help="update rule (default: sgd, as TF Playground)",
    )
    g.add_argument(
        "--epochs",
        type=_ranged(int, 1, 100_000),
        default=100,
        help="epochs to train (default: 100)",
    )
    g.add_argument(
        "--shuffle",
        action="store_true",
        help="reshuffle the training set every epoch (TF Playground does not)",
    )
    g.add_argument(
        "--partial-batch",
        choices=list(PARTIAL_BATCH_MODES),
        default="apply",
        help="last smaller batch: apply it, or carry it into the next epoch as TF "
        "Playground does (default: apply)",
    )


def _add_train_arguments(p: argparse.ArgumentParser) -> None:
    _add_data_arguments(p)
    _add_model_arguments(p)
    _add_training_arguments(p)
    g = p.add_argument_group("output")
    g.add_argument("--save", metavar="MODEL.json", help="save the trained model as JSON")
    g.add_argument(
        "--export-python",
        metavar="FILE.py",
        help="write a standalone NumPy predictor of the trained model",
    )
    g.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object per epoch (epoch, train_loss, test_loss, "
        "train_accuracy, test_accuracy, status, message)",
    )


def _add_predict_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", required=True, metavar="MODEL.json", help="a saved model")
    p.add_argument(
        "--csv",
        required=True,
        metavar="CSV",
        help="points with a header naming x1 and x2 (or the model's inputs)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object per point")


# --------------------------------------------------------------------------------------------
# train
# --------------------------------------------------------------------------------------------


class _Data(NamedTuple):
    X_train: np.ndarray  # raw (x1, x2) points
    y_train: np.ndarray
    X_test: np.ndarray | None
    y_test: np.ndarray | None
    problem: str
    n_outputs: int
    description: str


def _conflict(args: argparse.Namespace, flags: Sequence[str], because: str) -> None:
    for flag in flags:
        if getattr(args, flag.removeprefix("--").replace("-", "_")) is not None:
            raise UsageError(f"{flag} cannot be used with {because}.")


def _train_fraction(args: argparse.Namespace) -> float:
    return (50.0 if args.train_fraction is None else args.train_fraction) / 100.0


def _generated_data(args: argparse.Namespace, rng: np.random.Generator) -> _Data:
    from .datasets import DATASETS, dataset_names, make_dataset, train_test_split

    name = args.dataset or "circle"
    spec = DATASETS[name]
    if args.problem is not None and args.problem != spec.problem:
        raise UsageError(
            f"--problem {args.problem} does not fit --dataset {name} (a {spec.problem} dataset); "
            f"choose --dataset from {list(dataset_names(args.problem))}."
        )
    noise = 0.0 if args.noise is None else args.noise
    X, y = make_dataset(name, args.samples, noise / 100.0, rng=rng)
    Xtr, ytr, Xte, yte = train_test_split(X, y, _train_fraction(args), rng=rng)
    n_out = spec.n_classes if spec.problem == "multiclass" else 1
    desc = f"{name} ({len(X)} points, noise {noise:g}%)"
    return _Data(Xtr, ytr, Xte, yte, spec.problem, n_out, desc)


def _read_bytes(flag: str, path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise UsageError(f"{flag}: cannot read {path}: {exc.strerror}.") from None


def _csv_data(args: argparse.Namespace, rng: np.random.Generator) -> _Data:
    from .datasets import load_csv, train_test_split

    _conflict(
        args, ["--dataset", "--noise", "--samples"], "--train-csv (they shape generated data)"
    )
    Xtr, ytr, problem = load_csv(
        _read_bytes("--train-csv", args.train_csv),
        problem=args.problem,
        source_name=os.path.basename(args.train_csv),
    )
    if args.test_csv is None:
        Xtr, ytr, Xte, yte = train_test_split(Xtr, ytr, _train_fraction(args), rng=rng)
        desc = f"{args.train_csv} ({len(Xtr) + len(Xte)} points)"
    else:
        _conflict(args, ["--train-fraction"], "--test-csv (the test set is given)")
        Xte, yte, _ = load_csv(
            _read_bytes("--test-csv", args.test_csv),
            problem=problem,
            source_name=os.path.basename(args.test_csv),
        )
        desc = f"{args.train_csv} ({len(Xtr)} points), test {args.test_csv} ({len(Xte)} points)"
    n_out = int(max(ytr.max(), yte.max())) + 1 if problem == "multiclass" else 1
    return _Data(Xtr, ytr, Xte, yte, problem, n_out, desc)


def _load_data(args: argparse.Namespace, seed: int) -> _Data:
    import numpy as np

    rng = np.random.default_rng([seed, 0])  # the data depend on the seed only
    if args.test_csv is not None and args.train_csv is None:
        raise UsageError("--test-csv needs --train-csv.")
    return _csv_data(args, rng) if args.train_csv is not None else _generated_data(args, rng)


def _init_model_path(args: argparse.Namespace) -> str | None:
    if args.init is not None and args.init_model is not None:
        raise UsageError("--init cannot be used with --init-model (give one starting point).")
    if args.init is not None and args.init.lower().endswith(".json"):
        return str(args.init)
    return args.init_model


def _load_init_model(path: str, args: argparse.Namespace, data: _Data) -> Network:
    from .features import FEATURE_NAMES
    from .model_io import load_model

    _conflict(args, ["--layers", "--activation", "--dropout"], f"a starting model ({path})")
    try:
        net = load_model(path)
    except OSError as exc:
        raise UsageError(f"cannot read the starting model {path}: {exc.strerror}.") from None
    names = net.feature_names or ()
    if any(n not in FEATURE_NAMES for n in names):
        raise UsageError(f"{path}: inputs {list(names)} are not TF Playground features.")
    if args.features is not None and tuple(args.features) != names:
        raise UsageError(
            f"--features {','.join(args.features)} differs from {path}'s inputs {','.join(names)}."
        )
    if net.problem != data.problem or net.n_outputs != data.n_outputs:
        raise UsageError(
            f"{path} is a {net.problem} model with {net.n_outputs} output(s), but the data "
            f"need a {data.problem} model with {data.n_outputs}."
        )
    return net


def _make_network(args: argparse.Namespace, data: _Data) -> Network:
    import numpy as np

    from .engine import build_mlp

    path = _init_model_path(args)
    if path is not None:
        return _load_init_model(path, args, data)
    features = args.features or DEFAULT_FEATURES
    return build_mlp(
        len(features),
        DEFAULT_LAYERS if args.layers is None else args.layers,
        data.n_outputs,
        activation=args.activation or "tanh",
        problem=data.problem,
        init=args.init or "playground",
        dropout=args.dropout or 0.0,
        feature_names=features,
        rng=np.random.default_rng([args.seed, 1]),  # same seed, same initial weights
    )


def _train_config(args: argparse.Namespace) -> TrainConfig:
    from .trainer import TrainConfig

    return TrainConfig(
        learning_rate=args.learning_rate,
        batch_size=args.batch_size,
        regularization=args.regularization,
        regularization_rate=args.regularization_rate,
        optimizer=args.optimizer,
        shuffle=args.shuffle,
        partial_batch=args.partial_batch,
    )


def _finite_or_none(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _result_json(result: StepResult) -> str:
    return json.dumps({k: _finite_or_none(v) for k, v in result.as_dict().items()})


def _summary(result: StepResult) -> str:
    parts = [f"epoch {result.epoch}: train loss {result.train_loss:.4g}"]
    if result.test_loss is not None:
        parts.append(f"test loss {result.test_loss:.4g}")
    if result.train_accuracy is not None:
        parts.append(f"train accuracy {100 * result.train_accuracy:.1f}%")
    if result.test_accuracy is not None:
        parts.append(f"test accuracy {100 * result.test_accuracy:.1f}%")
    return ", ".join(parts)


def _training_metadata(args: argparse.Namespace, data: _Data, result: StepResult) -> dict[str, Any]:
    return {
        "data": data.description,
        "seed": args.seed,
        "epochs": result.epoch,
        "learning_rate": args.learning_rate,
        "batch_size": args.batch_size,
        "regularization": args.regularization,
        "regularization_rate": args.regularization_rate,
        "optimizer": args.optimizer,
        "train_loss": _finite_or_none(result.train_loss),
        "test_loss": _finite_or_none(result.test_loss),
    }


def _write_outputs(args: argparse.Namespace, net: Network, data: _Data, result: StepResult) -> int:
    from .export import export_python
    from .model_io import save_model

    try:
        if args.save:
            save_model(net, args.save, training=_training_metadata(args, data, result))
        if args.export_python:
            with open(args.export_python, "w", encoding="utf-8") as fh:
                fh.write(export_python(net))
    except OSError as exc:
        print(f"{PROG} train: error: cannot write {exc.filename}: {exc.strerror}.", file=sys.stderr)
        return EXIT_FAILURE
    if not args.json:
        for path in (args.save, args.export_python):
            if path:
                print(f"wrote {path}")
    return 0


def _run_train(args: argparse.Namespace) -> int:
    import numpy as np

    from .features import feature_matrix
    from .trainer import Trainer

    data = _load_data(args, args.seed)
    net = _make_network(args, data)
    names = net.feature_names or DEFAULT_FEATURES
    x_test = None if data.X_test is None else feature_matrix(data.X_test, names)
    trainer = Trainer(
        net,
        feature_matrix(data.X_train, names),
        data.y_train,
        x_test,
        data.y_test,
        config=_train_config(args),
        rng=np.random.default_rng(args.seed),
    )
    if not args.json:
        shape = "-".join(str(s) for s in (net.n_inputs, *net.hidden_sizes, net.n_outputs))
        acts = "/".join(dict.fromkeys(layer.activation for layer in net.layers[:-1])) or "none"
        print(f"data: {data.description}")
        print(
            f"network: {shape} {net.problem}, hidden activation {acts}, inputs "
            f"{','.join(names)}; training {args.epochs} epochs"
        )
    for _ in range(args.epochs):
        result = trainer.step(1)
        if args.json:
            print(_result_json(result), flush=True)
        if result.status == "diverged":
            print(f"{PROG} train: {result.message}", file=sys.stderr)
            return EXIT_DIVERGED
    if not args.json:
        print(_summary(result))
    return _write_outputs(args, net, data, result)


# --------------------------------------------------------------------------------------------
# predict
# --------------------------------------------------------------------------------------------


def _read_points(path: str, columns: Sequence[str]) -> np.ndarray:
    """The named columns of a CSV file as a float matrix (other columns are ignored)."""
    import numpy as np

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, skipinitialspace=True)
            rows = [(reader.line_num, r) for r in reader if any(c.strip() for c in r)]
    except OSError as exc:
        raise UsageError(f"--csv: cannot read {path}: {exc.strerror}.") from None
    if not rows:
        raise UsageError(f"{path}:1: empty file; expected a header naming {list(columns)}.")
    header = [c.strip() for c in rows[0][1]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise UsageError(f"{path}:{rows[0][0]}: missing column(s) {missing} in the header.")
    idx = [header.index(c) for c in columns]
    out = np.empty((len(rows) - 1, len(columns)))
    for k, (line, row) in enumerate(rows[1:]):
        for j, (i, col) in enumerate(zip(idx, columns, strict=True)):
            text = row[i].strip() if i < len(row) else ""
            try:
                out[k, j] = float(text)
            except ValueError:
                raise UsageError(
                    f"{path}:{line}: column {col!r}: {text!r} is not a number."
                ) from None
            if not math.isfinite(out[k, j]):
                raise UsageError(f"{path}:{line}: column {col!r}: {text!r} is not finite.")
    return out


def _prediction_rows(
    net: Network, columns: Sequence[str], x: np.ndarray, point_input: bool
) -> list[dict[str, Any]]:
    import numpy as np

    from .features import feature_matrix

    out = net.predict(feature_matrix(x, net.feature_names or ()) if point_input else x)
    rows = []
    for point, values in zip(x.tolist(), out.tolist(), strict=True):
        row: dict[str, Any] = dict(zip(columns, point, strict=True))
        if net.problem == "multiclass":
            row["label"] = int(np.argmax(values))
            row["probabilities"] = values
        else:
            row["output"] = values[0]
            if net.problem == "classification":
                row["label"] = 1 if values[0] >= 0 else -1
        rows.append(row)
    return rows


def _run_predict(args: argparse.Namespace) -> int:
    from .features import FEATURE_NAMES
    from .model_io import load_model

    try:
        net = load_model(args.model)
    except OSError as exc:
        raise UsageError(f"--model: cannot read {args.model}: {exc.strerror}.") from None
    names = list(net.feature_names or ())
    point_input = all(n in FEATURE_NAMES for n in names)
    columns = ["x1", "x2"] if point_input else names
    rows = _prediction_rows(net, columns, _read_points(args.csv, columns), point_input)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return 0
    writer = csv.writer(sys.stdout, lineterminator="\n")
    for i, row in enumerate(rows):
        probs = row.pop("probabilities", None)
        if probs is not None:
            row.update({f"p{k}": p for k, p in enumerate(probs)})
        if i == 0:
            writer.writerow(row.keys())
        writer.writerow(row.values())
    return 0


# --------------------------------------------------------------------------------------------
# Registry and dispatch
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Command:
    """A subcommand.

    Either ``add_arguments`` and ``run`` (parsed here), or ``delegate``: a module
    whose ``main(argv)`` receives the remaining arguments unparsed.
    """

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None
    run: Callable[[argparse.Namespace], int] | None = None
    delegate: str | None = None


_COMMANDS = (
    Command("train", "train a network headlessly", _add_train_arguments, _run_train),
    Command("predict", "run a saved model on CSV points", _add_predict_arguments, _run_predict),
    Command(
        "build",
        "build the static site (pyplayground.sitegen.build)",
        delegate="pyplayground.sitegen.build",
    ),
    Command(
        "serve",
        "preview the built site (pyplayground.sitegen.serve)",
        delegate="pyplayground.sitegen.serve",
    ),
    Command(
        "lesson",
        "check, create and compile lesson files (pyplayground.lesson_cli)",
        delegate="pyplayground.lesson_cli",
    ),
    Command(
        "attack",
        "run FGSM/PGD/JSMA on the digits test set (pyplayground.attack_cli)",
        delegate="pyplayground.attack_cli",
    ),
    Command(
        "tsne",
        "embed a Distill dataset or a CSV with t-SNE (pyplayground.tsne_cli)",
        delegate="pyplayground.tsne_cli",
    ),
)
COMMANDS: Final = MappingProxyType({c.name: c for c in _COMMANDS})


def _build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog=PROG, description="pyplayground: a NumPy deep-learning playground."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        if cmd.add_arguments is not None:
            cmd.add_arguments(p)
    return parser


def _run_delegate(name: str, target: str, argv: list[str]) -> int:
    try:
        module = importlib.import_module(target)
    except ImportError as exc:
        missing = exc.name or "?"
        if target == missing or target.startswith(f"{missing}."):
            why = f"{target} is not available in this installation"
        else:
            why = f"{target} needs the missing module {missing!r}"
        print(
            f"{PROG} {name}: error: {why}; install the build extra: pip install -e '.[build]'.",
            file=sys.stderr,
        )
        return EXIT_FAILURE
    code = module.main(argv)
    return 0 if code is None else int(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``pyplayground`` command line.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns
    -------
    int
        The exit status: 0 success, 1 failure to write or import, 2 invalid usage
        or input file, 3 training diverged.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    cmd = COMMANDS.get(args_list[0]) if args_list else None
    if cmd is not None and cmd.delegate is not None:
        return _run_delegate(cmd.name, cmd.delegate, args_list[1:])
    parser = _build_parser()
    if not args_list:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse: --help, --version or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    from .datasets import CSVFormatError
    from .model_io import ModelFormatError

    try:
        return COMMANDS[args.command].run(args)  # type: ignore[misc]
    except (UsageError, CSVFormatError, ModelFormatError) as exc:
        print(f"{PROG} {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
