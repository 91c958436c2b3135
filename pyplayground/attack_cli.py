"""``pyplayground attack``: run FGSM, PGD or JSMA over the 8x8-digits test set.

Examples::

    pyplayground attack --attack fgsm --eps 0.1 --json
    pyplayground attack --model digits_mlp_robust --attack pgd --eps 0.1 --steps 20 --random-start
    pyplayground attack --attack jsma --gamma 0.2 --target 3
    python -m pyplayground.attack_cli --model m.json --attack fgsm --eps 0.05

``--model`` takes a model file or a shipped model name (``digits_mlp``, the default, or
``digits_mlp_robust``); it must be a multiclass model with 64 inputs.  The data are the
360 test images of :func:`pyplayground.datasets.digits_train_test_split` (``--limit``
takes the first N).  A targeted attack (``--target``, required for JSMA) skips the
images whose label is the target.

Exit status: 0 success, 2 an invalid flag value or model file (the message names the flag).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["build_parser", "main"]

PROG = "pyplayground attack"
EXIT_USAGE = 2
N_PIXELS = 64


class _UsageError(Exception):
    """An invalid flag value; the message starts with the flag."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pyplayground attack``."""
    p = argparse.ArgumentParser(
        prog=PROG,
        description="Attack a digits classifier on the 8x8-digits test set (360 images).",
    )
    p.add_argument(
        "--model", default="digits_mlp",
        help="model file (.json) or shipped model name: digits_mlp (default), digits_mlp_robust",
    )  # fmt: skip
    p.add_argument("--attack", default="fgsm", help="fgsm (default), pgd or jsma")
    p.add_argument("--eps", type=float, help="L∞ strength of fgsm/pgd in [0, 1] (default 0.1)")
    p.add_argument("--gamma", type=float, help="jsma: max fraction of pixels changed (0, 1]")
    p.add_argument("--theta", type=float, help="jsma: change per pixel in [-1, 1], not 0 (1)")
    p.add_argument("--single-pixel", action="store_true", help="jsma: pick pixels, not pairs")
    p.add_argument("--target", type=int, help="target class (targeted attack; required by jsma)")
    p.add_argument("--steps", type=int, help="pgd: number of steps in [1, 1000] (default 10)")
    p.add_argument("--alpha", type=float, help="pgd: step size in [0, 1] (2.5·eps/steps)")
    p.add_argument("--random-start", action="store_true", help="pgd: random start in the ball")
    p.add_argument("--seed", type=int, default=0, help="pgd: seed of the random start (0)")
    p.add_argument("--limit", type=int, help="attack only the first N test images")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    return p


def _in_range(flag: str, value: float, lo: float, hi: float, *, lo_open: bool = False) -> None:
    ok = math.isfinite(value) and (value > lo if lo_open else value >= lo) and value <= hi
    if not ok:
        left = "(" if lo_open else "["
        raise _UsageError(f"{flag} must be a number in {left}{lo:g}, {hi:g}]; got {value!r}.")


def _check_flags(args: argparse.Namespace) -> None:
    from .adversarial import ATTACKS

    if args.attack not in ATTACKS:
        raise _UsageError(f"--attack must be one of {', '.join(ATTACKS)}; got {args.attack!r}.")
    only = {"--gamma": ("jsma", args.gamma), "--theta": ("jsma", args.theta),
            "--single-pixel": ("jsma", args.single_pixel or None),
            "--steps": ("pgd", args.steps), "--alpha": ("pgd", args.alpha),
            "--random-start": ("pgd", args.random_start or None),
            "--eps": ("fgsm/pgd", args.eps)}  # fmt: skip
    for flag, (attacks, value) in only.items():
        if value is not None and args.attack not in attacks.split("/"):
            raise _UsageError(f"{flag} applies only to --attack {attacks}, not {args.attack}.")
    if args.eps is not None:
        _in_range("--eps", args.eps, 0.0, 1.0)
    if args.gamma is not None:
        _in_range("--gamma", args.gamma, 0.0, 1.0, lo_open=True)
    if args.theta is not None:
        _in_range("--theta", args.theta, -1.0, 1.0)
        if args.theta == 0:
            raise _UsageError("--theta must be non-zero (a pixel change); got 0.")
    if args.alpha is not None:
        _in_range("--alpha", args.alpha, 0.0, 1.0)
    if args.steps is not None and not 1 <= args.steps <= 1000:
        raise _UsageError(f"--steps must be an int in [1, 1000]; got {args.steps}.")
    if args.limit is not None and args.limit < 1:
        raise _UsageError(f"--limit must be an int >= 1; got {args.limit}.")
    if args.seed < 0:
        raise _UsageError(f"--seed must be an int >= 0; got {args.seed}.")
    if args.attack == "jsma" and args.target is None:
        raise _UsageError("--target is required for --attack jsma (a targeted attack).")


def _load(spec: str) -> Any:
    from .model_io import ModelFormatError, load_model
    from .models import MODELS, load_builtin

    try:
        net = load_builtin(spec) if spec in MODELS else load_model(spec)
    except ModelFormatError as exc:
        raise _UsageError(f"--model: {exc}") from None
    except OSError as exc:
        names = ", ".join(MODELS)
        raise _UsageError(
            f"--model: cannot read {spec!r} ({exc.strerror or exc}); give a model file or "
            f"one of {names}."
        ) from None
    if net.problem != "multiclass" or net.n_inputs != N_PIXELS:
        raise _UsageError(
            f"--model: {spec!r} must be a multiclass model with {N_PIXELS} inputs (8x8 digits); "
            f"it is {net!r}."
        )
    return net


def _run(args: argparse.Namespace) -> dict[str, Any]:
    from .adversarial import fgsm, jsma, pgd
    from .datasets import digits_train_test_split

    _check_flags(args)
    net = _load(args.model)
    if args.target is not None and not 0 <= args.target < net.n_outputs:
        last = net.n_outputs - 1
        raise _UsageError(f"--target must be a class in [0, {last}]; got {args.target}.")
    _, _, X, y = digits_train_test_split()
    index = np.arange(len(X))[: args.limit]
    excluded = 0
    if args.target is not None:
        keep = y[index] != args.target
        excluded = int(np.count_nonzero(~keep))
        index = index[keep]
    X, y = X[index], y[index]
    eps = 0.1 if args.eps is None else args.eps
    if args.attack == "fgsm":
        res = fgsm(net, X, y, eps, target=args.target)
    elif args.attack == "pgd":
        res = pgd(
            net, X, y, eps, alpha=args.alpha, n_steps=10 if args.steps is None else args.steps,
            target=args.target, random_start=args.random_start,
            rng=np.random.default_rng(args.seed),
        )  # fmt: skip
    else:
        res = jsma(
            net, X, y, 0.1 if args.gamma is None else args.gamma, target=args.target,
            theta=1.0 if args.theta is None else args.theta, pairs=not args.single_pixel,
        )  # fmt: skip
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in res.params.items()}
    if args.attack == "pgd" and args.random_start:
        params["seed"] = args.seed
    linf, l0 = res.linf, res.l0
    examples = []
    for j, i in enumerate(index.tolist()):
        row = {"index": i, "label": int(y[j]), "pred_clean": int(res.pred_clean[j]),
               "pred_adv": int(res.pred_adv[j]), "success": bool(res.success[j]),
               "linf": float(linf[j]), "l0": int(l0[j]), "n_iter": int(res.n_iter[j])}  # fmt: skip
        if args.target is not None:
            row["target"] = args.target
        examples.append(row)
    n = len(index)
    return {
        "model": args.model,
        "attack": args.attack,
        "targeted": args.target is not None,
        "target": args.target,
        "params": params,
        "data": "digits test split (digits_train_test_split())",
        "n_examples": n,
        "n_excluded": excluded,
        "clean_accuracy": float(np.mean(res.pred_clean == y)) if n else None,
        "adversarial_accuracy": float(np.mean(res.pred_adv == y)) if n else None,
        "success_rate": res.success_rate if n else None,
        "mean_linf": float(linf.mean()) if n else None,
        "mean_l0": float(l0.mean()) if n else None,
        "examples": examples,
    }


def _print_summary(out: dict[str, Any]) -> None:
    def pct(v: float | None) -> str:
        return "n/a" if v is None else f"{100 * v:.1f}%"

    params = ", ".join(f"{k}={v}" for k, v in out["params"].items() if k != "clip")
    target = f", target {out['target']}" if out["targeted"] else ""
    print(f"{out['attack']} on {out['model']} ({params}{target})")
    print(f"  images attacked:      {out['n_examples']} (skipped {out['n_excluded']})")
    print(f"  clean accuracy:       {pct(out['clean_accuracy'])}")
    print(f"  accuracy under attack: {pct(out['adversarial_accuracy'])}")
    print(f"  attack success rate:  {pct(out['success_rate'])}")
    if out["n_examples"]:
        print(f"  mean L∞ / L0:         {out['mean_linf']:.4f} / {out['mean_l0']:.2f} pixels")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pyplayground attack``; returns the exit status (0, or 2 for a bad flag)."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # --help, or argparse's own usage error (exit 2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        out = _run(args)
    except _UsageError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(out, allow_nan=False))
    else:
        _print_summary(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
