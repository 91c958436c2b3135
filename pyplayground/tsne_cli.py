"""``pyplayground tsne``: run t-SNE on a Distill dataset or a CSV file and print the embedding.

Wired into the main CLI as a delegate (``main(argv)`` gets the arguments after ``tsne``);
runs alone as ``python -m pyplayground.tsne_cli --dataset trefoil_knot --json``.

Examples
--------
``pyplayground tsne --dataset two_clusters --param points_per_cluster=50 --perplexity 10``
``pyplayground tsne --dataset data.csv --method fft --steps 500 --json > out.json``
``pyplayground tsne --list``

A CSV file holds one sample per row and numeric columns; a first row with any non-numeric
cell is a header, and a header column named ``label`` is kept as labels (not a feature).

Exit status: 0 success, 2 invalid flags or input, 3 the optimisation diverged.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .distill_data import DISTILL_DATASETS, get_distill_spec, make_distill_data
from .tsne import METHODS, TSNE

__all__ = ["main"]

PROG = "pyplayground tsne"
EXIT_USAGE = 2
EXIT_DIVERGED = 3


class _InputError(ValueError):
    """Invalid flag value or input file (exit status 2)."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Embed a Distill dataset or a CSV file with t-SNE and print the result.",
    )
    parser.add_argument(
        "--dataset",
        default="two_clusters",
        help="a Distill dataset key (see --list) or a path to a .csv file (default: two_clusters)",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a dataset slider value, e.g. points_per_cluster=50 (repeatable)",
    )
    parser.add_argument("--perplexity", type=float, default=30.0, help="default: 30")
    parser.add_argument(
        "--learning-rate", default="auto", help="a number or 'auto' (default: auto)"
    )
    parser.add_argument(
        "--early-exaggeration", type=float, default=12.0, help="default: 12 (tsnejs: 4)"
    )
    parser.add_argument("--steps", type=int, default=1000, help="iterations to run (default: 1000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    parser.add_argument("--method", choices=METHODS, default="exact", help="default: exact")
    parser.add_argument("--init", choices=("pca", "random"), default="pca", help="default: pca")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--list", action="store_true", help="list the Distill datasets and exit")
    return parser


def _parse_params(items: list[str]) -> dict[str, float | int]:
    params: dict[str, float | int] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name:
            raise _InputError(f"--param expects NAME=VALUE, got {item!r}.")
        try:
            value: float | int = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise _InputError(f"--param {name}: {text!r} is not a number.") from None
        params[name.strip()] = value
    return params


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def load_csv_features(path: str | Path) -> tuple[np.ndarray, list[Any] | None]:
    """Read numeric samples from a CSV file; returns ``(X, labels or None)``.

    Raises
    ------
    ValueError
        For a missing or empty file, ragged rows or a non-numeric cell (with its line).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise _InputError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None
    rows = [(n, row) for n, row in enumerate(csv.reader(text.splitlines()), 1) if row]
    if not rows:
        raise _InputError(f"{path}: no data rows.")
    header = None
    if not all(_is_number(cell) for cell in rows[0][1]):
        header = [cell.strip().lower() for cell in rows[0][1]]
        rows = rows[1:]
    if not rows:
        raise _InputError(f"{path}: a header but no data rows.")
    width = len(header) if header is not None else len(rows[0][1])
    label_col = header.index("label") if header is not None and "label" in header else None
    data, labels = [], []
    for line, row in rows:
        if len(row) != width:
            raise _InputError(f"{path}:{line}: expected {width} columns, found {len(row)}.")
        values = []
        for col, cell in enumerate(row):
            if col == label_col:
                labels.append(cell.strip())
                continue
            try:
                values.append(float(cell))
            except ValueError:
                raise _InputError(
                    f"{path}:{line}: column {col + 1} holds {cell!r}, not a number."
                ) from None
        data.append(values)
    X = np.array(data, dtype=np.float64)
    if X.shape[1] == 0:
        raise _InputError(f"{path}: no feature columns besides 'label'.")
    return X, (labels if label_col is not None else None)


def _load(args: argparse.Namespace) -> tuple[np.ndarray, list[str] | None, list[Any] | None]:
    """Return ``(X, colors, labels)`` for ``--dataset``."""
    name = args.dataset
    params = _parse_params(args.param)
    if name.lower().endswith(".csv") or Path(name).is_file():
        if params:
            raise _InputError("--param applies to Distill datasets only, not to CSV files.")
        X, labels = load_csv_features(name)
        return X, None, labels
    try:
        spec = get_distill_spec(name)
    except ValueError as exc:
        raise _InputError(str(exc)) from None
    data = make_distill_data(spec.name, rng=np.random.default_rng(args.seed), **params)
    return data.X, list(data.colors), data.labels.tolist()


def _list_datasets() -> str:
    lines = []
    for spec in DISTILL_DATASETS.values():
        sliders = ", ".join(f"{s.param}={s.start} [{s.min}-{s.max}]" for s in spec.sliders)
        lines.append(f"{spec.name:30s} {sliders}")
    return "\n".join(lines)


def _learning_rate(text: str) -> float | str:
    if text == "auto":
        return text
    try:
        return float(text)
    except ValueError:
        raise _InputError(f"--learning-rate must be a number or 'auto', got {text!r}.") from None


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``tsne`` command; returns the exit status."""
    if args.list:
        print(_list_datasets())
        return 0
    if args.steps < 0:
        raise _InputError(f"--steps must be >= 0, got {args.steps}.")
    X, colors, labels = _load(args)
    model = TSNE(
        perplexity=args.perplexity,
        learning_rate=_learning_rate(args.learning_rate),
        early_exaggeration=args.early_exaggeration,
        method=args.method,
        init=args.init,
        random_state=args.seed,
    )
    stepper = model.start(X)
    stepper.step(args.steps, compute_kl=False)
    embedding = stepper.embedding
    kl = stepper.kl_divergence()
    if args.json:
        out = {
            "dataset": args.dataset,
            "n_samples": int(X.shape[0]),
            "n_features": int(X.shape[1]),
            "method": args.method,
            "perplexity": args.perplexity,
            "learning_rate": stepper.learning_rate,
            "early_exaggeration": args.early_exaggeration,
            "steps": stepper.iteration,
            "seed": args.seed,
            "kl_divergence": kl,
            "embedding": np.round(embedding, 6).tolist(),
            "colors": colors,
            "labels": labels,
        }
        print(json.dumps(out))
        return 0
    print(
        f"# t-SNE of {args.dataset}: {X.shape[0]} samples x {X.shape[1]} features, "
        f"method {args.method}, perplexity {args.perplexity:g}, "
        f"learning rate {stepper.learning_rate:g}, seed {args.seed}"
    )
    print(f"# KL divergence {kl:.6f} after {stepper.iteration} iterations")
    print(",".join(f"y{a}" for a in range(embedding.shape[1])))
    for row in embedding:
        print(",".join(f"{v:.6f}" for v in row))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pyplayground tsne`` with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = _build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help or a usage error
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return run(args)
    except FloatingPointError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_DIVERGED
    except ValueError as exc:  # _InputError, and TSNE's / the generators' parameter errors
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    raise SystemExit(main())
