"""Train the shipped 8x8-digits classifiers with the engine (deterministic).

Run ``python -m pyplayground.models._train_digits`` from the repository root (a few
seconds on one core; ``--dry-run`` only prints the metrics).  It writes, next to this file:

- ``digits_mlp.json``: 64-32-10 ReLU MLP, softmax head, Adam, clean training;
- ``digits_mlp_robust.json``: the same architecture and initial weights, trained on
  half clean, half PGD examples (eps 0.1, 5 steps of 0.025, random start; Madry et al.'s
  adversarial training mixed 50/50 with clean data, as in Goodfellow et al.).

Both use the default digits split (:func:`pyplayground.datasets.digits_train_test_split`,
1,437 train / 360 test).  Weights are rounded to 7 significant digits before saving, and
the accuracies stored under ``"training"`` are measured on the rounded weights.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from pyplayground.adversarial import fgsm, pgd, predict_labels
from pyplayground.datasets import digits_train_test_split
from pyplayground.engine import Network, build_mlp, make_optimizer
from pyplayground.model_io import save_model

HERE = Path(__file__).resolve().parent
SEED = 20261122
HIDDEN = (32,)
EPOCHS = 60
BATCH = 32
LEARNING_RATE = 0.003
ADV_EPS = 0.1
ADV_STEPS = 5
ADV_META = {
    "attack": "pgd",
    "eps": ADV_EPS,
    "n_steps": ADV_STEPS,
    "alpha": ADV_EPS / 4,
    "random_start": True,
    "mix": "50% clean + 50% adversarial per batch",
}
FEATURES = tuple(f"pixel{i}" for i in range(64))


def _train(
    net: Network,
    X: np.ndarray,
    y: np.ndarray,
    *,
    rng: np.random.Generator,
    adversarial: bool,
) -> None:
    opt = make_optimizer("adam", net.n_params)
    yf = y.astype(np.float64)
    for _ in range(EPOCHS):
        order = rng.permutation(len(X))
        for start in range(0, len(X), BATCH):
            idx = order[start : start + BATCH]
            xb, yb = X[idx], yf[idx]
            if adversarial:
                adv = pgd(
                    net, xb, y[idx], ADV_EPS, alpha=ADV_EPS / 4, n_steps=ADV_STEPS,
                    random_start=True, rng=rng,
                ).x_adv  # fmt: skip
                xb, yb = np.concatenate([xb, adv]), np.concatenate([yb, yb])
            net.loss_and_grad(xb, yb, rng=rng)
            opt.update(net.params, net.grads, LEARNING_RATE, None)


def _round(net: Network, digits: int = 7) -> None:
    net.params[...] = [float(f"{v:.{digits}g}") for v in net.params]


def _report(net: Network, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    out = {"test_accuracy": float(np.mean(predict_labels(net, X) == y))}
    for eps in (0.05, 0.1, 0.2):
        out[f"test_accuracy_fgsm_{eps}"] = float(np.mean(fgsm(net, X, y, eps).pred_adv == y))
    out["test_accuracy_pgd10_0.1"] = float(np.mean(pgd(net, X, y, 0.1).pred_adv == y))
    return {k: round(v, 4) for k, v in out.items()}


def train_both() -> dict[str, tuple[Network, dict[str, Any]]]:
    """Train both models; returns ``{name: (network, training metadata)}``."""
    X_train, y_train, X_test, y_test = digits_train_test_split()
    models = {}
    for name, adversarial in (("digits_mlp", False), ("digits_mlp_robust", True)):
        rng = np.random.default_rng(SEED)
        net = build_mlp(
            64, HIDDEN, 10, activation="relu", problem="multiclass", init="he",
            feature_names=FEATURES, rng=rng,
        )  # fmt: skip
        _train(net, X_train, y_train, rng=rng, adversarial=adversarial)
        _round(net)
        meta: dict[str, Any] = {
            "script": "pyplayground/models/_train_digits.py",
            "data": "digits_train_test_split() (1437 train / 360 test)",
            "seed": SEED,
            "optimizer": "adam",
            "learning_rate": LEARNING_RATE,
            "batch_size": BATCH,
            "epochs": EPOCHS,
            "adversarial_training": ADV_META if adversarial else None,
            **_report(net, X_test, y_test),
        }
        models[name] = (net, meta)
    return models


def main(argv: list[str] | None = None) -> int:
    """Train and write both model files (or only print their metrics with ``--dry-run``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="train and report, write nothing")
    args = parser.parse_args(argv)
    for name, (net, meta) in train_both().items():
        print(name, {k: v for k, v in meta.items() if "accuracy" in k})
        if not args.dry_run:
            save_model(net, HERE / f"{name}.json", training=meta)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
