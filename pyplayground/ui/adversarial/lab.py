"""The explorer's computations, without Panel: one attacked digit, curves, retraining.

Everything here is plain NumPy on top of :mod:`pyplayground.adversarial`, so the tests
compare it with the library run directly.  Work that takes longer than a frame
(:class:`CurveJob`, :class:`Retrainer`) advances in small units until a time budget is
spent, so the component can spread it over periodic-callback ticks.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

import numpy as np

from pyplayground.adversarial import fgsm, jsma, min_flip_strength, pgd, predict_labels
from pyplayground.datasets import digits_train_test_split
from pyplayground.engine import Network, build_mlp, make_optimizer
from pyplayground.engine._types import Array
from pyplayground.models import load_builtin

#: Shipped model file of each selectable model (``retrained`` is trained in the page).
MODEL_FILES: Final = {"plain": "digits_mlp", "robust": "digits_mlp_robust"}
#: Strengths of the accuracy curves: eps for FGSM/PGD, the pixel fraction gamma for JSMA.
LINF_STRENGTHS: Final = (0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5)
# JSMA strengths are whole numbers of pixel pairs: gamma = pairs / 32
JSMA_STRENGTHS: Final = (0.0, 1 / 32, 2 / 32, 3 / 32, 4 / 32, 6 / 32, 8 / 32, 10 / 32)
FLIP_TOL: Final = 1e-3
SEED: Final = 20261122


@cache
def test_digits() -> tuple[Array, Array]:
    """The 360 test digits ``(X, y)`` of :func:`digits_train_test_split` (cached)."""
    _, _, X, y = digits_train_test_split()
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


@cache
def train_digits() -> tuple[Array, Array]:
    """The 1,437 training digits (cached)."""
    X, y, _, _ = digits_train_test_split()
    return X, y


def shipped_model(name: str) -> Network:
    """A fresh copy of the shipped ``plain`` or ``robust`` model."""
    return load_builtin(MODEL_FILES[name])


def accuracy(net: Network) -> float:
    """Clean accuracy on the test digits."""
    X, y = test_digits()
    return float(np.mean(predict_labels(net, X) == y))


# --------------------------------------------------------------------- one digit


@dataclass(frozen=True, slots=True)
class LiveResult:
    """One attacked input and what the model says about it.

    ``p_clean`` / ``p_adv`` are class probabilities (softmax), never logits.
    """

    x: Array
    x_adv: Array
    label: int
    pred: int
    adv_pred: int
    p_clean: Array
    p_adv: Array
    eps: float
    attack: str
    targeted: bool
    target: int

    @property
    def perturbation(self) -> Array:
        """``x_adv - x``."""
        return self.x_adv - self.x

    @property
    def fooled(self) -> bool:
        """The adversarial input is not classified as the label."""
        return self.adv_pred != self.label

    @property
    def target_reached(self) -> bool:
        """A targeted attack made the model predict its target."""
        return self.targeted and self.adv_pred == self.target

    @property
    def changed(self) -> int:
        """Number of changed inputs (L0)."""
        return int(np.count_nonzero(self.x_adv != self.x))


def attack_digit(
    net: Network,
    x: Array,
    label: int,
    *,
    attack: str,
    eps: float,
    targeted: bool = False,
    target: int = 0,
    pgd_steps: int = 10,
) -> LiveResult:
    """Attack one digit ``x`` (shape (64,)) of true class ``label``.

    Parameters
    ----------
    net : Network
        A multiclass digits model.
    x : ndarray of shape (64,)
        Pixels in [0, 1].
    label : int
    attack : {"fgsm", "pgd", "jsma"}
        JSMA is always targeted (``eps`` is its pixel fraction gamma).
    eps : float
        Strength in [0, 1]; 0 leaves the digit unchanged.
    targeted : bool
    target : int
    pgd_steps : int

    Returns
    -------
    LiveResult
    """
    x1 = np.asarray(x, dtype=np.float64).reshape(1, -1)
    y = np.array([label])
    targeted = targeted or attack == "jsma"
    tgt = target if targeted else None
    if eps <= 0:
        out = net.predict(x1)
        pred = int(np.argmax(out[0]))
        return LiveResult(
            x1[0], x1[0].copy(), label, pred, pred, out[0], out[0], 0.0, attack, targeted, target
        )
    if attack == "fgsm":
        res = fgsm(net, x1, y, eps, target=tgt)
    elif attack == "pgd":
        res = pgd(net, x1, y, eps, n_steps=pgd_steps, target=tgt)
    elif attack == "jsma":
        res = jsma(net, x1, y, eps, target=target)
    else:
        raise ValueError(f"Unknown attack {attack!r}; expected fgsm, pgd or jsma.")
    return LiveResult(
        x1[0],
        res.x_adv[0],
        label,
        int(res.pred_clean[0]),
        int(res.pred_adv[0]),
        res.out_clean[0],
        res.out_adv[0],
        float(eps),
        attack,
        targeted,
        target,
    )


def min_flip(
    net: Any, x: Array, *, clip: tuple[float, float] | None, max_eps: float
) -> float | None:
    """Smallest untargeted FGSM strength that changes ``net``'s prediction of ``x``."""
    return min_flip_strength(net, x, clip=clip, max_eps=max_eps, tol=FLIP_TOL).eps


# ------------------------------------------------------------------------ curves


def curve_strengths(attack: str) -> Array:
    """The strengths a curve of ``attack`` is computed at."""
    return np.array(JSMA_STRENGTHS if attack == "jsma" else LINF_STRENGTHS)


def _jsma_prefix_predictions(net: Network, xb: Array, yb: Array, strengths: Array) -> list[Array]:
    """JSMA predictions at every strength from one run at the largest.

    JSMA is greedy and deterministic: with a budget of ``k`` pairs it changes exactly the
    first ``k`` pairs the run with a larger budget changes (it stops early only when the
    target is reached or nothing qualifies, which a longer run does too).  So replaying
    prefixes of the longest run's pairs gives every strength at the cost of one run.
    """
    res = jsma(net, xb, yb, float(strengths.max()), target=(yb + 1) % 10)
    theta, (lo, hi) = res.params["theta"], res.params["clip"]
    out = []
    for s in strengths:
        k = math.floor(float(s) * xb.shape[1] / 2)
        x = xb.copy()
        for i, pairs in enumerate(res.pixels or ()):
            sel = pairs[:k].reshape(-1)
            x[i, sel] = np.clip(x[i, sel] + theta, lo, hi)
        out.append(predict_labels(net, x))
    return out


class CurveJob:
    """Accuracy against strength over the test digits, for several models, in small units.

    A unit is one chunk of test digits of one model: at every strength for FGSM (cheap)
    and JSMA (one run at the largest strength, see :func:`_jsma_prefix_predictions`), at
    one strength for PGD.  JSMA targets ``(y + 1) % 10``, as
    :func:`pyplayground.adversarial.accuracy_vs_strength` does; the results equal it.

    Parameters
    ----------
    models : mapping of str to Network
    attack : {"fgsm", "pgd", "jsma"}
    pgd_steps : int
    clock : callable, optional
        Seconds (``time.perf_counter`` by default; tests pass their own).
    """

    CHUNKS: Final = {"fgsm": 40, "pgd": 12, "jsma": 4}

    def __init__(
        self,
        models: Mapping[str, Network],
        attack: str,
        pgd_steps: int = 10,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.models = dict(models)
        self.attack = attack
        self.pgd_steps = pgd_steps
        self.strengths = curve_strengths(attack)
        self.chunk = self.CHUNKS[attack]
        self._clock = clock
        X, _ = test_digits()
        self._n = len(X)
        self._correct = {name: np.zeros(len(self.strengths)) for name in self.models}
        per_strength = attack == "pgd"
        self._units = [
            (name, i, start)
            for name in self.models
            for i in (range(len(self.strengths)) if per_strength else (-1,))
            for start in range(0, self._n, self.chunk)
        ]
        self._next = 0
        self.units_run = 0

    @property
    def done(self) -> bool:
        """Every unit has run."""
        return self._next >= len(self._units)

    @property
    def progress(self) -> float:
        """Fraction of units done."""
        return self._next / len(self._units) if self._units else 1.0

    def _run_unit(self, name: str, i: int, start: int) -> None:
        X, y = test_digits()
        xb, yb = X[start : start + self.chunk], y[start : start + self.chunk]
        net, correct = self.models[name], self._correct[name]
        if self.attack == "pgd":
            s = float(self.strengths[i])
            pred = (
                predict_labels(net, xb)
                if s == 0
                else pgd(net, xb, yb, s, n_steps=self.pgd_steps).pred_adv
            )
            correct[i] += np.count_nonzero(pred == yb)
            return
        if self.attack == "jsma":
            preds = _jsma_prefix_predictions(net, xb, yb, self.strengths)
        else:
            preds = [predict_labels(net, xb) if s == 0 else fgsm(net, xb, yb, float(s)).pred_adv
                     for s in self.strengths]  # fmt: skip
        for j, pred in enumerate(preds):
            correct[j] += np.count_nonzero(pred == yb)

    def step(self, budget_s: float = 0.012, max_units: int | None = None) -> int:
        """Run units until ``budget_s`` seconds are spent (at least one); returns how many."""
        t0, ran = self._clock(), 0
        while not self.done and (max_units is None or ran < max_units):
            self._run_unit(*self._units[self._next])
            self._next += 1
            ran += 1
            if self._clock() - t0 >= budget_s:
                break
        self.units_run += ran
        return ran

    def finish(self) -> None:
        """Run every remaining unit now."""
        while not self.done:
            self.step(budget_s=float("inf"))

    def _model_units(self, name: str) -> tuple[int, int]:
        idx = [j for j, u in enumerate(self._units) if u[0] == name]
        return idx[0], idx[-1]

    def curve(self, name: str) -> Array | None:
        """Accuracy at each strength for model ``name``, or None until its units are done."""
        if name not in self.models or self._next <= self._model_units(name)[1]:
            return None
        return self._correct[name] / self._n

    def partial(self, name: str) -> tuple[Array, Array]:
        """Strengths and accuracies complete so far for ``name`` (for drawing progress)."""
        first, last = self._model_units(name)
        if self._next > last:
            return self.strengths, self._correct[name] / self._n
        if self.attack != "pgd":
            return self.strengths[:0], self.strengths[:0]
        per = -(-self._n // self.chunk)
        done = max(0, min(len(self.strengths), (self._next - first) // per))
        return self.strengths[:done], self._correct[name][:done] / self._n

    def accuracy_at(self, name: str, eps: float) -> float | None:
        """Accuracy of ``name`` at ``eps``, interpolated between strengths; None until done."""
        acc = self.curve(name)
        if acc is None:
            return None
        return float(np.interp(eps, self.strengths, acc))


# --------------------------------------------------------------------- retraining


class Retrainer:
    """Trains a fresh 64-32-10 MLP on the training digits in small units (one batch each).

    With ``adversarial=True`` every batch is half clean, half PGD examples (eps 0.1,
    5 steps), the recipe of the shipped robust model.
    """

    BATCH: Final = 32
    LEARNING_RATE: Final = 0.003

    def __init__(
        self,
        *,
        adversarial: bool,
        epochs: int = 15,
        rng: np.random.Generator | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.rng = rng if rng is not None else np.random.default_rng(SEED)
        self.adversarial = adversarial
        self.epochs = epochs
        self.net = build_mlp(
            64, (32,), 10, activation="relu", problem="multiclass", init="he", rng=self.rng
        )
        self._opt = make_optimizer("adam", self.net.n_params)
        self._clock = clock
        self.epoch = 0
        self._order: Array = np.zeros(0, dtype=np.int64)
        self._pos = 0

    @property
    def done(self) -> bool:
        """All epochs trained."""
        return self.epoch >= self.epochs

    def _batch(self) -> None:
        X, y = train_digits()
        if self._pos >= len(self._order):
            self._order, self._pos = self.rng.permutation(len(X)), 0
        idx = self._order[self._pos : self._pos + self.BATCH]
        self._pos += self.BATCH
        xb, yb = X[idx], y[idx]
        if self.adversarial:
            adv = pgd(
                self.net, xb, yb, 0.1, alpha=0.025, n_steps=5, random_start=True, rng=self.rng
            ).x_adv
            xb, yb = np.concatenate([xb, adv]), np.concatenate([yb, yb])
        self.net.loss_and_grad(xb, yb.astype(np.float64), rng=self.rng)
        self._opt.update(self.net.params, self.net.grads, self.LEARNING_RATE, None)
        if self._pos >= len(self._order):
            self.epoch += 1

    def step(self, budget_s: float = 0.012) -> int:
        """Train batches until ``budget_s`` is spent or an epoch ends; returns batches run."""
        t0, ran, epoch = self._clock(), 0, self.epoch
        while not self.done:
            self._batch()
            ran += 1
            if self.epoch != epoch or self._clock() - t0 >= budget_s:
                break
        return ran


__all__ = [
    "FLIP_TOL",
    "JSMA_STRENGTHS",
    "LINF_STRENGTHS",
    "MODEL_FILES",
    "CurveJob",
    "LiveResult",
    "Retrainer",
    "accuracy",
    "attack_digit",
    "curve_strengths",
    "min_flip",
    "shipped_model",
    "test_digits",
    "train_digits",
]
