"""Headless training loop with TF Playground's semantics.

One *epoch* walks the training set in a fixed order (no reshuffle unless
``shuffle=True``) and updates the weights every ``batch_size`` samples with
the mean gradient of that mini-batch.  When the training-set size is not a
multiple of the batch size, the last, partial batch is handled by
``partial_batch``:

``"apply"`` (default)
    The partial batch is applied at the end of the epoch, averaged over its
    own size, so every epoch ends with every sample's gradient applied.
``"carry"``
    TF Playground's exact behaviour: the leftover gradients are carried into
    the first mini-batch of the next epoch, which is averaged over more samples.

Regularization is applied once per update from the pre-step weights (see
:mod:`pyplayground.engine.regularizers`).  The reported loss is the data term
only, computed with a full pass after the epoch, as TF Playground reports it.
A non-finite loss or weight stops training with ``status == "diverged"``; the
last finite weights are kept so the network never holds NaN.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .engine import Network, get_regularizer, make_optimizer
from .engine._types import Array
from .engine.fastpath import FastGradient
from .engine.regularizers import apply_regularization

PARTIAL_BATCH_MODES = ("apply", "carry")


@dataclass(frozen=True, slots=True)
class TrainConfig:
    """Training hyperparameters; any of them may change between epochs.

    Parameters
    ----------
    learning_rate : float, default 0.03
    batch_size : int, default 10
    regularization : {"none", "L1", "L2"}
    regularization_rate : float, default 0.0
    optimizer : {"sgd", "momentum", "adam"}
    momentum : float, default 0.9
    beta1, beta2, eps : float
        Adam's constants.
    shuffle : bool, default False
        Reshuffle the training order every epoch.
    partial_batch : {"apply", "carry"}
        What to do with a last batch smaller than ``batch_size``.
    """

    learning_rate: float = 0.03
    batch_size: int = 10
    regularization: str = "none"
    regularization_rate: float = 0.0
    optimizer: str = "sgd"
    momentum: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    shuffle: bool = False
    partial_batch: str = "apply"

    def validate(self) -> TrainConfig:
        """Raise ``ValueError`` naming the first invalid parameter; return self."""
        checks = [
            ("learning_rate", self.learning_rate, 0.0, 100.0),
            ("regularization_rate", self.regularization_rate, 0.0, 100.0),
        ]
        for name, value, lo, hi in checks:
            if not (isinstance(value, int | float) and lo <= value <= hi):
                raise ValueError(
                    f"The '{name}' parameter must be a number in [{lo}, {hi}]. Got {value!r}."
                )
        if self.learning_rate == 0:
            raise ValueError("The 'learning_rate' parameter must be > 0. Got 0.")
        if not isinstance(self.batch_size, int) or not 1 <= self.batch_size <= 100_000:
            raise ValueError(
                "The 'batch_size' parameter must be an int in [1, 100000]. "
                f"Got {self.batch_size!r}."
            )
        if self.partial_batch not in PARTIAL_BATCH_MODES:
            raise ValueError(
                f"The 'partial_batch' parameter must be one of {PARTIAL_BATCH_MODES}. "
                f"Got {self.partial_batch!r}."
            )
        get_regularizer(self.regularization)
        make_optimizer(self.optimizer, 1)
        return self


@dataclass(frozen=True, slots=True)
class StepResult:
    """Metrics after the last epoch of a :meth:`Trainer.step` call.

    Accuracies are ``None`` for regression; ``test_*`` are ``None`` without test data.
    ``grad_norms`` holds the root-mean-square weight gradient of each layer at
    the last update (vanishing/exploding gradients show up here).
    """

    epoch: int
    train_loss: float
    test_loss: float | None
    train_accuracy: float | None
    test_accuracy: float | None
    status: str = "ok"
    message: str = ""
    grad_norms: tuple[float, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (used by ``pyplayground train --json``)."""
        return {
            "epoch": self.epoch,
            "train_loss": self.train_loss,
            "test_loss": self.test_loss,
            "train_accuracy": self.train_accuracy,
            "test_accuracy": self.test_accuracy,
            "status": self.status,
            "message": self.message,
        }


def _as_2d(x: Array, name: str, n_inputs: int) -> Array:
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != n_inputs:
        raise ValueError(f"{name} must have shape (n_samples, {n_inputs}). Got {x.shape}.")
    return x


class Trainer:
    """Trains a :class:`~pyplayground.engine.Network` epoch by epoch.

    Parameters
    ----------
    network : Network
        Trained in place.
    X_train : ndarray of shape (n_train, n_inputs)
    y_train : ndarray of shape (n_train,)
        ±1 for classification, floats for regression, class ids for multiclass.
    X_test, y_test : ndarray, optional
    config : TrainConfig
    rng : numpy.random.Generator, optional
        Used only for dropout and ``shuffle``.
    """

    def __init__(
        self,
        network: Network,
        X_train: Array,
        y_train: Array,
        X_test: Array | None = None,
        y_test: Array | None = None,
        *,
        config: TrainConfig | None = None,
        rng: np.random.Generator | None = None,
    ) -> None:
        self.network = network
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.config = (config or TrainConfig()).validate()
        self.set_data(X_train, y_train, X_test, y_test)
        self._make_optimizer()
        self.epoch = 0
        self.status = "ok"
        self.message = ""
        self._carry: Array | None = None
        self._carry_n = 0

    # ------------------------------------------------------------ settings
    def set_data(
        self,
        X_train: Array,
        y_train: Array,
        X_test: Array | None = None,
        y_test: Array | None = None,
    ) -> None:
        """Replace the data (TF Playground's Regenerate: training continues)."""
        n_in = self.network.n_inputs
        self.X_train = _as_2d(X_train, "X_train", n_in)
        self.y_train = np.asarray(y_train, dtype=np.float64).reshape(len(self.X_train), -1)
        if len(self.X_train) == 0:
            raise ValueError("X_train must contain at least one sample.")
        if X_test is not None and len(X_test) > 0:
            self.X_test: Array | None = _as_2d(X_test, "X_test", n_in)
            self.y_test: Array | None = np.asarray(y_test, dtype=np.float64).reshape(
                len(self.X_test), -1
            )
        else:
            self.X_test = self.y_test = None
        tests = [] if self.X_test is None else [self.X_test]
        self._X_all = np.vstack([self.X_train, *tests])
        self._carry, self._carry_n = None, 0
        self._fast: FastGradient | None = None  # built on first use (see _gradients)

    def configure(self, **changes: Any) -> None:
        """Change hyperparameters without resetting the weights (e.g. the learning rate)."""
        old = self.config
        self.config = replace(old, **changes).validate()
        self._regularizer = get_regularizer(self.config.regularization)
        if any(
            getattr(old, k) != getattr(self.config, k)
            for k in ("optimizer", "momentum", "beta1", "beta2", "eps")
        ):
            self._make_optimizer()

    def _make_optimizer(self) -> None:
        c = self.config
        self._regularizer = get_regularizer(c.regularization)
        kwargs: dict[str, float] = {}
        if c.optimizer == "momentum":
            kwargs = {"momentum": c.momentum}
        elif c.optimizer == "adam":
            kwargs = {"beta1": c.beta1, "beta2": c.beta2, "eps": c.eps}
        self.optimizer = make_optimizer(c.optimizer, self.network.n_params, **kwargs)
        self._has_frozen = bool(self.network.frozen.any())

    def restart(self) -> None:
        """Epoch 0, fresh optimizer state and status (weights are left as they are)."""
        self.epoch = 0
        self.status, self.message = "ok", ""
        self._carry, self._carry_n = None, 0
        self._make_optimizer()

    # ------------------------------------------------------------ training
    def step(self, epochs: int = 1) -> StepResult:
        """Train ``epochs`` epochs (fewer if training diverges) and report metrics."""
        if epochs < 1:
            raise ValueError(f"The 'epochs' parameter must be >= 1. Got {epochs!r}.")
        if self.status == "diverged":
            return self.evaluate()
        net = self.network
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for _ in range(epochs):
                snapshot = net.params.copy()
                self._run_epoch()
                self.epoch += 1
                if not np.isfinite(net.params).all():
                    net.params[...] = snapshot
                    net.grads[...] = 0.0  # the non-finite gradients are not a usable reading
                    self._diverge("a weight became infinite or NaN")
                    break
            result = self.evaluate()
        if self.status == "ok" and not np.isfinite(result.train_loss):
            net.grads[...] = 0.0
            self._diverge("the training loss became infinite")
            result = self.evaluate()
        return result

    def _diverge(self, what: str) -> None:
        self.status = "diverged"
        self.message = (
            f"Training diverged at epoch {self.epoch}: {what}. The learning rate "
            f"({self.config.learning_rate}) is probably too high; lower it and press Reset."
        )

    def _run_epoch(self) -> None:
        cfg = self.config
        X, y = self.X_train, self.y_train
        if cfg.shuffle:
            order = self.rng.permutation(len(X))
            X, y = X[order], y[order]
        n, bs = len(X), cfg.batch_size
        net = self.network
        fast = self._gradients(X, y)
        for start in range(0, n, bs):
            if fast is not None:
                fast.accumulate_grad(start, start + bs)
                nb = min(bs, n - start)
            else:
                xb, yb = X[start : start + bs], y[start : start + bs]
                net.accumulate_grad(xb, yb, rng=self.rng)
                nb = len(xb)
            if nb < bs and cfg.partial_batch == "carry":
                # the summed gradient waits for the next epoch; with fewer samples than a
                # batch in the whole set it keeps adding up until a full batch is reached
                summed = net.grads * nb
                if self._carry is not None:
                    summed += self._carry
                self._carry, self._carry_n = summed, self._carry_n + nb
                if self._carry_n < bs:
                    continue
                net.grads[...] = self._carry / self._carry_n
                self._carry, self._carry_n = None, 0
                self._update()
                continue
            if self._carry is not None:
                net.grads *= nb
                net.grads += self._carry
                net.grads /= nb + self._carry_n
                self._carry, self._carry_n = None, 0
            self._update()

    def _gradients(self, X: Array, y: Array) -> FastGradient | None:
        """The fast path over this epoch's order of the data, or None (dropout)."""
        if not FastGradient.supports(self.network):
            return None
        if self._fast is None:
            self._fast = FastGradient(self.network, X, y)
        elif self._fast.source is not X:  # reshuffled
            self._fast.set_data(X, y)
        return self._fast

    def _update(self) -> None:
        cfg = self.config
        net = self.network
        reg = self._regularizer
        use_reg = reg.name != "none" and cfg.regularization_rate > 0
        before = net.params.copy() if use_reg else None
        frozen = net.frozen if self._has_frozen else None
        self.optimizer.update(net.params, net.grads, cfg.learning_rate, frozen)
        if before is not None:
            step = cfg.learning_rate * cfg.regularization_rate
            apply_regularization(net.params, before, net.weight_mask, net.frozen, reg, step)
            if reg.kills_links:
                self._has_frozen = bool(net.frozen.any())

    # ---------------------------------------------------------- evaluation
    def evaluate(self) -> StepResult:
        """Loss and accuracy on the training and test sets (one forward pass)."""
        net = self.network
        with np.errstate(over="ignore", invalid="ignore"):
            out, _ = net.forward(self._X_all)
        n_tr = len(self.X_train)
        train_loss, train_acc = self._metrics(out[:n_tr], self.y_train)
        test_loss = test_acc = None
        if self.X_test is not None and self.y_test is not None:
            test_loss, test_acc = self._metrics(out[n_tr:], self.y_test)
        norms = tuple(float(np.sqrt(np.mean(layer.dw * layer.dw))) for layer in net.layers)
        return StepResult(
            self.epoch, train_loss, test_loss, train_acc, test_acc,
            self.status, self.message, norms,
        )  # fmt: skip

    def _metrics(self, out: Array, y: Array) -> tuple[float, float | None]:
        head = self.network.head
        with np.errstate(over="ignore", invalid="ignore"):
            loss = head.loss(out, y)[0]
        if not np.isfinite(loss):
            loss = float("inf")
        if head.problem == "classification":
            acc = float(np.mean(np.where(out[:, 0] >= 0, 1.0, -1.0) == y[:, 0]))
        elif head.problem == "multiclass":
            acc = float(np.mean(np.argmax(out, axis=1) == y[:, 0]))
        else:
            acc = None
        return float(loss), acc


__all__ = ["PARTIAL_BATCH_MODES", "StepResult", "TrainConfig", "Trainer"]
