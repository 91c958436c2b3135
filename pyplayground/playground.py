"""The headless playground: state → data → network → trainer, without any UI.

:class:`Playground` owns everything a playground page shows and is driven by
:class:`~pyplayground.state.PlaygroundState` values.  The Panel UI, the lesson
task checker and the tests all use it the same way, so every behaviour can be
tested without a browser.

Which changes reset what (TF Playground's rules, plus the live changes its
users asked for):

============================================  ======================================
change                                        effect
============================================  ======================================
learning rate, regularization (+ rate),       applied live, training continues
optimizer, speed, display options
activation, network shape, features,          network reset to the seed's initial
batch size, dropout, initializer              weights (same weights every time)
dataset, noise, train ratio, problem          new data, network reset
Regenerate                                    new seed and data; training continues
============================================  ======================================
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import numpy as np

from .datasets import DATASETS, CSVFormatError, load_csv, make_dataset, train_test_split
from .engine import Network, build_mlp, evaluate_grid
from .engine._types import Array
from .features import feature_grid, feature_matrix
from .state import PlaygroundState
from .trainer import StepResult, TrainConfig, Trainer

_LIVE = ("learning_rate", "regularization", "regularization_rate", "optimizer")
_DISPLAY = ("show_test_data", "discretize", "palette", "epochs_per_frame", "hide_text", "hidden",
            "locked")  # fmt: skip
_NETWORK = ("activation", "network_shape", "features", "batch_size", "dropout", "initializer")
_DATA = ("dataset", "reg_dataset", "noise", "perc_train_data", "problem", "seed")


@dataclass(frozen=True, slots=True)
class Points:
    """Raw 2-D points with labels, split into train and test."""

    train: Array
    y_train: Array
    test: Array
    y_test: Array


def _consistent_dataset(state: PlaygroundState) -> PlaygroundState:
    """Point ``dataset`` at a generator of the state's problem type."""
    if state.problem == "regression" or DATASETS[state.dataset].problem == state.problem:
        return state
    fallback = next(n for n, s in DATASETS.items() if s.problem == state.problem)
    return state.replace(dataset=fallback)


def new_seed() -> str:
    """A fresh TF-Playground-style seed string such as ``"0.48213"``."""
    return f"0.{secrets.randbelow(100_000):05d}"


class Playground:
    """A playground session.

    Parameters
    ----------
    state : PlaygroundState, optional
        Initial configuration (defaults to TF Playground's).
    """

    def __init__(self, state: PlaygroundState | None = None) -> None:
        self.state = state or PlaygroundState()
        self.custom: Points | None = None
        self.history: list[StepResult] = []
        self._grid_cache: dict[tuple[tuple[str, ...], int], Array] = {}
        self._make_data()
        self.reset()

    # ------------------------------------------------------------ building
    def _make_data(self) -> None:
        s = self.state
        if self.custom is not None:
            self.points = self.custom
            return
        rng = np.random.default_rng(s.data_seed())
        X, y = make_dataset(s.active_dataset, noise=s.noise / 100.0, rng=rng)
        Xtr, ytr, Xte, yte = train_test_split(X, y, s.perc_train_data / 100.0, rng=rng)
        self.points = Points(Xtr, ytr, Xte, yte)

    @property
    def problem(self) -> str:
        """The problem type of the data in use."""
        return self.state.problem

    @property
    def n_outputs(self) -> int:
        """Output units: the number of classes for multiclass, else 1."""
        if self.problem != "multiclass":
            return 1
        labels = np.concatenate([self.points.y_train, self.points.y_test])
        return max(3, int(labels.max()) + 1)

    def _config(self) -> TrainConfig:
        s = self.state
        return TrainConfig(
            learning_rate=s.learning_rate,
            batch_size=s.batch_size,
            regularization=s.regularization,
            regularization_rate=s.regularization_rate,
            optimizer=s.optimizer,
        )

    def _features(self, points: Array) -> Array:
        return feature_matrix(points, self.state.features or ("x",))

    def reset(self) -> None:
        """Rebuild the network from the seed: the same initial weights every time."""
        s = self.state
        feats = s.features or ("x",)
        self.network: Network = build_mlp(
            len(feats),
            s.network_shape,
            self.n_outputs,
            activation=s.activation,
            problem=s.problem,
            init=s.initializer,
            dropout=s.dropout,
            feature_names=feats,
            rng=np.random.default_rng(s.init_seed()),
        )
        p = self.points
        self.trainer = Trainer(
            self.network,
            self._features(p.train),
            p.y_train,
            self._features(p.test),
            p.y_test,
            config=self._config(),
            rng=np.random.default_rng([*s.init_seed(), 2]),
        )
        self.history = [self.trainer.evaluate()]

    def _reload_data_into_trainer(self) -> None:
        p = self.points
        self.trainer.set_data(self._features(p.train), p.y_train, self._features(p.test), p.y_test)

    # ------------------------------------------------------------- changes
    def set_state(self, new: PlaygroundState) -> str:
        """Move to ``new``; returns ``"none"``, ``"live"``, ``"reset"`` or ``"data"``."""
        old, self.state = self.state, new
        changed = {f for f in (*_LIVE, *_DISPLAY, *_NETWORK, *_DATA)
                   if getattr(old, f) != getattr(new, f)}  # fmt: skip
        if changed & set(_DATA):
            self.custom = None
            self._make_data()
            self.reset()
            return "data"
        if changed & set(_NETWORK):
            self.reset()
            return "reset"
        if changed & set(_LIVE):
            self.trainer.configure(
                learning_rate=new.learning_rate,
                regularization=new.regularization,
                regularization_rate=new.regularization_rate,
                optimizer=new.optimizer,
            )
            return "live"
        return "none"

    def regenerate(self) -> None:
        """New seed and new data; the network keeps training (TF Playground's Regenerate).

        After custom data (CSV, added points) the generator's data may need a
        different output layer, so the network is reset in that case.
        """
        was_custom = self.custom is not None
        self.custom = None
        self.state = self.state.replace(seed=new_seed())
        self._make_data()
        if was_custom or self.network.n_outputs != self.n_outputs:
            self.reset()
        else:
            self._reload_data_into_trainer()

    def _check_label(self, label: float) -> float:
        label = float(label)
        if self.problem == "classification" and label not in (-1.0, 1.0):
            raise ValueError(f"A classification label must be -1 or 1. Got {label!r}.")
        if self.problem == "multiclass" and (
            not label.is_integer() or not 0 <= label < self.network.n_outputs
        ):
            raise ValueError(
                f"A class label must be an integer in [0, {self.network.n_outputs - 1}]. "
                f"Got {label!r}."
            )
        if not np.isfinite(label):
            raise ValueError(f"A label must be finite. Got {label!r}.")
        return label

    def add_point(self, x1: float, x2: float, label: float, *, test: bool = False) -> None:
        """Add one labelled point (click-to-add); training continues on the new data."""
        if not (np.isfinite(x1) and np.isfinite(x2)):
            raise ValueError(f"A point needs finite coordinates. Got ({x1!r}, {x2!r}).")
        label = self._check_label(label)
        p = self.points
        pt = np.array([[float(x1), float(x2)]])
        if test:
            new = Points(p.train, p.y_train, np.vstack([p.test, pt]), np.append(p.y_test, label))
        else:
            new = Points(np.vstack([p.train, pt]), np.append(p.y_train, label), p.test, p.y_test)
        self.custom = self.points = new
        self._reload_data_into_trainer()

    def use_csv(self, text: str, source_name: str = "upload.csv") -> str:
        """Train on uploaded CSV data (x1, x2, label); returns the detected problem.

        Raises ``CSVFormatError`` naming the line and column of the first problem.
        """
        data = load_csv(text, source_name=source_name)
        rng = np.random.default_rng(self.state.data_seed())
        try:
            Xtr, ytr, Xte, yte = train_test_split(
                data.X, data.y, self.state.perc_train_data / 100.0, rng=rng
            )
        except ValueError as exc:
            raise CSVFormatError(f"{source_name}: {exc}") from None
        self.custom = Points(Xtr, ytr, Xte, yte)
        self.points = self.custom
        self.state = _consistent_dataset(self.state.replace(problem=data.problem))
        self.reset()
        return data.problem

    # ------------------------------------------------------------ training
    def step(self, epochs: int | None = None) -> StepResult:
        """Train ``epochs`` epochs (default: the state's epochs per frame)."""
        result = self.trainer.step(epochs or self.state.epochs_per_frame)
        self.history.append(result)
        return result

    @property
    def last(self) -> StepResult:
        """The most recent metrics."""
        return self.history[-1]

    def set_weight(self, layer: int, i: int, j: int, value: float) -> None:
        """Edit the weight from unit ``i`` of the previous layer to unit ``j`` of ``layer``."""
        self.network.set_parameter(layer, "w", (i, j), value)
        self.history[-1] = self.trainer.evaluate()

    def set_bias(self, layer: int, j: int, value: float) -> None:
        """Edit the bias of unit ``j`` of ``layer`` (the output layer's included)."""
        self.network.set_parameter(layer, "b", (j,), value)
        self.history[-1] = self.trainer.evaluate()

    # --------------------------------------------------------------- views
    def grid(self, n: int = 100) -> list[Array]:
        """Every unit's output over the n×n plane [-6, 6]²: ``[inputs, layer_1, ..., output]``.

        Each entry has shape (n_units, n, n); row 0 of an image is y = +6.
        """
        feats = self.state.features or ("x",)
        key = (tuple(feats), n)
        if key not in self._grid_cache:
            self._grid_cache[key] = feature_grid(feats, n=n)
        outs = evaluate_grid(self.network, self._grid_cache[key])
        return [o.reshape(o.shape[0], n, n) for o in outs]

    def confusion_matrix(self, split: str = "test") -> np.ndarray:
        """Counts ``[true_class, predicted_class]`` for classification problems."""
        p = self.points
        pts, y = (p.test, p.y_test) if split == "test" else (p.train, p.y_train)
        if self.problem == "regression":
            raise ValueError("A confusion matrix needs a classification problem.")
        out = self.network.predict(self._features(pts)) if len(pts) else np.zeros((0, 1))
        if self.problem == "classification":
            true = (y > 0).astype(int)
            pred = (out[:, 0] >= 0).astype(int)
            k = 2
        else:
            true, pred, k = y.astype(int), np.argmax(out, axis=1), self.n_outputs
        cm = np.zeros((k, k), dtype=np.int64)
        np.add.at(cm, (true, pred), 1)
        return cm

    def metrics(self) -> dict[str, Any]:
        """Live metrics by name (what lesson task checks read)."""
        r = self.last
        return {
            "epoch": r.epoch,
            "train_loss": r.train_loss,
            "test_loss": r.test_loss,
            "train_accuracy": r.train_accuracy,
            "test_accuracy": r.test_accuracy,
            "diverged": r.status == "diverged",
            "dead_links": int(self.network.frozen.sum()),
            "n_layers": len(self.state.network_shape),
            "n_neurons": int(sum(self.state.network_shape)),
            "n_features": self.network.n_inputs,
            "max_abs_weight": float(np.max(np.abs(self.network.params[self.network.weight_mask]))),
        }

    @property
    def dataset_label(self) -> str:
        """Human name of the data in use."""
        return (
            "Custom data" if self.custom is not None else DATASETS[self.state.active_dataset].label
        )


__all__ = ["Playground", "Points", "new_seed"]
