"""Adversarial attacks on any engine classifier: FGSM and PGD (L∞), JSMA (L0).

Every attack takes a :class:`~pyplayground.engine.Network` with a ``"multiclass"``
(softmax + cross-entropy, integer labels) or ``"classification"`` (tanh, labels ±1)
head, inputs ``x`` of shape (n_samples, n_inputs), and returns an :class:`AttackResult`.
Gradients come from the engine's own backprop (:meth:`Network.input_gradient`), so the
module needs only NumPy and runs in Pyodide.  The model is not changed: its gradient
buffer is restored after every attack.

==========  =====  ==================================================================
attack      norm   update
==========  =====  ==================================================================
``fgsm``    L∞     ``x + eps·sign(∇x L(x, y))``; targeted ``x − eps·sign(∇x L(x, t))``
``pgd``     L∞     ``n_steps`` FGSM steps of size ``alpha``, each projected onto the
                   eps-ball around ``x`` and the valid range (BIM; with a random start
                   in the ball, Madry et al.'s PGD)
``jsma``    L0     Papernot et al.'s saliency map over pixel pairs (or single pixels):
                   add ``theta`` to the most salient pair until the target class wins
                   or ``floor(gamma · n_inputs / 2)`` pairs are spent
==========  =====  ==================================================================

Inputs are clipped to ``clip = (lo, hi)``, by default ``(0, 1)`` for images; pass
``clip=None`` for unbounded inputs (the playground's 2-D points).  The L∞ bound holds
exactly in floating point: ``np.abs(x_adv - x).max() <= eps`` is always true.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Final

import numpy as np

from .engine import Network
from .engine._types import Array, BoolArray, IntArray

__all__ = [
    "ATTACKS",
    "DEFAULT_CLIP",
    "AttackResult",
    "FlipResult",
    "StrengthCurve",
    "accuracy_vs_strength",
    "example_losses",
    "fgsm",
    "get_attack",
    "jsma",
    "min_flip_strength",
    "pgd",
    "predict_labels",
    "target_gradients",
]

Clip = tuple[float, float] | None
DEFAULT_CLIP: Final = (0.0, 1.0)
MAX_STEPS: Final = 1000
_CHUNK: Final = 1 << 22  # JSMA pair scores per chunk (n_rows · n_inputs²), ~32 MB of float64


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttackResult:
    """The outcome of an attack on ``n`` examples.

    Attributes
    ----------
    attack : str
        ``"fgsm"``, ``"pgd"`` or ``"jsma"``.
    x_adv : ndarray of shape (n, n_inputs)
    success : ndarray of bool, shape (n,)
        Untargeted: the prediction differs from the label ``y``.
        Targeted: the prediction is the target.
    pred_clean, pred_adv : ndarray of int64, shape (n,)
        Predicted classes (±1 for a ``"classification"`` head).
    out_clean, out_adv : ndarray of shape (n, n_outputs)
        What :meth:`Network.predict` shows: class probabilities, or the tanh output.
    n_iter : ndarray of int64, shape (n,)
        Gradient steps taken (1 for FGSM, ``n_steps`` for PGD, pairs changed for JSMA).
    target : ndarray of int64, shape (n,), or None
        The targets of a targeted attack.
    pixels : tuple of ndarray, or None
        JSMA only: for each example, the changed inputs in the order chosen, shape
        (n_iter, 2) for pairs or (n_iter, 1) for single pixels.
    params : dict
        The attack's parameters after defaults were filled in.
    x : ndarray of shape (n, n_inputs)
        The clean inputs (a copy).
    """

    attack: str
    x_adv: Array
    success: BoolArray
    pred_clean: IntArray
    pred_adv: IntArray
    out_clean: Array
    out_adv: Array
    n_iter: IntArray
    target: IntArray | None
    pixels: tuple[IntArray, ...] | None
    params: dict[str, Any]
    x: Array

    @property
    def success_rate(self) -> float:
        """Fraction of examples on which the attack succeeded."""
        return float(np.mean(self.success)) if self.success.size else 0.0

    @property
    def linf(self) -> Array:
        """Per-example L∞ distance ``max |x_adv − x|``, shape (n,)."""
        return np.abs(self.x_adv - self.x).max(axis=1)

    @property
    def l0(self) -> IntArray:
        """Per-example number of changed inputs, shape (n,)."""
        return np.count_nonzero(self.x_adv != self.x, axis=1).astype(np.int64)

    def as_dict(self, *, include_inputs: bool = False) -> dict[str, Any]:
        """A JSON-ready summary; ``include_inputs`` adds ``x_adv`` (big for many examples)."""
        out: dict[str, Any] = {
            "attack": self.attack,
            "params": dict(self.params),
            "success": self.success.tolist(),
            "success_rate": self.success_rate,
            "pred_clean": self.pred_clean.tolist(),
            "pred_adv": self.pred_adv.tolist(),
            "n_iter": self.n_iter.tolist(),
            "linf": self.linf.tolist(),
            "l0": self.l0.tolist(),
        }
        if self.target is not None:
            out["target"] = self.target.tolist()
        if include_inputs:
            out["x_adv"] = self.x_adv.tolist()
        return out


@dataclass(frozen=True, slots=True)
class StrengthCurve:
    """Accuracy under attack for several strengths (:func:`accuracy_vs_strength`)."""

    attack: str
    strengths: Array
    accuracy: Array
    success_rate: Array
    clean_accuracy: float

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "attack": self.attack,
            "strengths": self.strengths.tolist(),
            "accuracy": self.accuracy.tolist(),
            "success_rate": self.success_rate.tolist(),
            "clean_accuracy": self.clean_accuracy,
        }


@dataclass(frozen=True, slots=True)
class FlipResult:
    """The smallest FGSM step that changes a prediction (:func:`min_flip_strength`).

    ``eps`` changes the prediction; ``eps_below`` (``eps - eps_below <= tol``) and every
    scanned grid value below it do not.  ``eps`` is None when even ``max_eps`` does not
    flip; then ``x_adv`` is the attack at ``max_eps``.
    """

    eps: float | None
    eps_below: float
    pred_clean: int
    pred_adv: int
    x_adv: Array

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "eps": self.eps,
            "eps_below": self.eps_below,
            "pred_clean": self.pred_clean,
            "pred_adv": self.pred_adv,
            "x_adv": self.x_adv.tolist(),
        }


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


def _check_model(model: Network, caller: str) -> None:
    problem = getattr(model, "problem", None)
    if problem not in ("multiclass", "classification"):
        raise ValueError(
            f"The 'model' parameter of {caller} must be a classifier (problem 'multiclass' "
            f"or 'classification'). Got problem {problem!r}."
        )


def _check_clip(clip: object, caller: str) -> Clip:
    if clip is None:
        return None
    try:
        lo, hi = (float(v) for v in clip)  # type: ignore[union-attr]
    except (TypeError, ValueError):
        raise ValueError(
            f"The 'clip' parameter of {caller} must be None or a pair (lo, hi). Got {clip!r}."
        ) from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(
            f"The 'clip' parameter of {caller} must be finite with lo < hi. Got {clip!r}."
        )
    return lo, hi


def _check_x(model: Network, x: object, clip: Clip, caller: str, name: str = "x") -> Array:
    arr = np.array(x, dtype=np.float64)  # a copy: attacks never write into the caller's array
    d = model.n_inputs
    if arr.ndim == 1 and arr.size == d:
        arr = arr.reshape(1, d)
    if arr.ndim != 2 or arr.shape[1] != d:
        raise ValueError(
            f"The '{name}' parameter of {caller} must have shape (n_samples, {d}) for this "
            f"model ({d} inputs). Got shape {np.shape(x)}."
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"The '{name}' parameter of {caller} must be finite.")
    if clip is not None and arr.size and (arr.min() < clip[0] or arr.max() > clip[1]):
        raise ValueError(
            f"The '{name}' parameter of {caller} must lie in the clip range [{clip[0]}, "
            f"{clip[1]}]. Got values in [{arr.min():.6g}, {arr.max():.6g}]; pass clip=None "
            "for unbounded inputs."
        )
    return arr


def _check_labels(model: Network, labels: object, n: int, caller: str, name: str) -> IntArray:
    arr = np.asarray(labels)
    if arr.ndim == 0:
        arr = np.full(n, arr.item())
    arr = arr.reshape(-1)
    if arr.size != n:
        raise ValueError(
            f"The '{name}' parameter of {caller} must have one entry per example ({n}). "
            f"Got {arr.size}."
        )
    if model.problem == "multiclass":
        k = model.n_outputs
        ok = np.issubdtype(arr.dtype, np.number) and not np.issubdtype(arr.dtype, np.bool_)
        ok = ok and bool(np.all(np.isfinite(arr))) and bool(np.all(arr == np.round(arr)))
        if not ok or (arr.size and (arr.min() < 0 or arr.max() > k - 1)):
            bad = arr[(arr < 0) | (arr > k - 1)] if ok else arr
            raise ValueError(
                f"The '{name}' parameter of {caller} must hold class indices, ints in "
                f"[0, {k - 1}]. Got {bad.reshape(-1)[:5].tolist()}."
            )
    elif arr.size and not np.isin(arr, (-1, 1)).all():
        raise ValueError(
            f"The '{name}' parameter of {caller} must hold labels -1 or +1 for a "
            f"classification model. Got {np.unique(arr)[:5].tolist()}."
        )
    return arr.astype(np.int64)


def _check_number(
    value: object, name: str, caller: str, lo: float, hi: float, *, lo_open: bool = False
) -> float:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    v = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not (ok and math.isfinite(v) and (v > lo if lo_open else v >= lo) and v <= hi):
        left = "(" if lo_open else "["
        right = "inf)" if math.isinf(hi) else f"{hi}]"
        raise ValueError(
            f"The '{name}' parameter of {caller} must be a number in the range "
            f"{left}{lo}, {right}. Got {value!r}."
        )
    return v


def _check_strength(value: object, name: str, caller: str, clip: Clip) -> float:
    span = math.inf if clip is None else clip[1] - clip[0]
    return _check_number(value, name, caller, 0.0, span)


def _check_int(value: object, name: str, caller: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not lo <= value <= hi:
        raise ValueError(
            f"The '{name}' parameter of {caller} must be an int in [{lo}, {hi}]. Got {value!r}."
        )
    return int(value)


# --------------------------------------------------------------------------------------------
# Model helpers
# --------------------------------------------------------------------------------------------


def _labels_from_output(problem: str, out: Array) -> IntArray:
    if problem == "multiclass":
        return np.argmax(out, axis=1).astype(np.int64)
    return np.where(out[:, 0] >= 0, 1, -1).astype(np.int64)  # the trainer's rule: tanh >= 0


def predict_labels(model: Network, x: Array) -> IntArray:
    """Predicted classes of ``x``: argmax for multiclass, sign (±1) for classification."""
    out, _ = model.forward(np.asarray(x, dtype=np.float64))
    return _labels_from_output(model.problem, out)


def example_losses(model: Network, x: Array, labels: Array) -> Array:
    """Per-example loss, shape (n,): cross-entropy, or ``½ (a − y)²`` for classification."""
    out, _ = model.forward(np.asarray(x, dtype=np.float64))
    labels = np.asarray(labels)
    if model.problem == "multiclass":
        shifted = out - out.max(axis=1, keepdims=True)
        log_z = np.log(np.exp(shifted).sum(axis=1))
        return log_z - shifted[np.arange(len(out)), labels.astype(np.int64)]
    return 0.5 * (out[:, 0] - labels.reshape(-1)) ** 2


def _input_gradient(model: Network, x: Array, labels: IntArray) -> Array:
    """∇x of the mean loss; the model's gradient buffer is left as it was."""
    saved = model.grads.copy()
    try:
        _, dx = model.input_gradient(x, labels.astype(np.float64))
    finally:
        model.grads[...] = saved
    return dx


def target_gradients(model: Network, x: Array, target: IntArray) -> tuple[Array, Array, Array]:
    """Forward derivatives that JSMA's saliency map is made of.

    Parameters
    ----------
    model : Network
        A multiclass network.
    x : ndarray of shape (n, n_inputs)
    target : ndarray of int, shape (n,)

    Returns
    -------
    logits : ndarray of shape (n, n_classes)
    alpha : ndarray of shape (n, n_inputs)
        ``∂Z_t / ∂x``: how each input moves the target logit.
    beta : ndarray of shape (n, n_inputs)
        ``Σ_{j≠t} ∂Z_j / ∂x``: how it moves all other logits together.
    """
    n = len(x)
    saved = model.grads.copy()
    try:
        # one pass over [x; x]: the first copy backpropagates e_t, the second 1 − e_t
        out, caches = model.forward(np.concatenate([x, x]))
        dout = np.zeros_like(out)
        rows = np.arange(n)
        dout[rows, target] = 1.0
        dout[n:] = 1.0
        dout[n + rows, target] = 0.0
        dx = model.backward(dout, caches, need_dx=True)
    finally:
        model.grads[...] = saved
    assert dx is not None
    return out[:n], dx[:n], dx[n:]


def _project(x_adv: Array, x: Array, eps: float | Array, clip: Clip) -> Array:
    """Project onto the L∞ ball of radius ``eps`` around ``x``, then onto ``clip``."""
    x = np.broadcast_to(x, x_adv.shape)
    x_adv = np.clip(x_adv, x - eps, x + eps)
    if clip is not None:
        np.clip(x_adv, clip[0], clip[1], out=x_adv)
    # x ± eps is rounded to the nearest double, which may lie one ulp outside the ball;
    # one step towards x puts it inside (both ends are exact doubles, rounding is monotone)
    for _ in range(2):
        over = np.abs(x_adv - x) > eps
        if not over.any():
            break
        x_adv[over] = np.nextafter(x_adv[over], x[over])
    return x_adv


def _result(
    name: str,
    model: Network,
    x: Array,
    x_adv: Array,
    y: IntArray | None,
    target: IntArray | None,
    n_iter: IntArray,
    params: dict[str, Any],
    pixels: tuple[IntArray, ...] | None = None,
) -> AttackResult:
    out_clean, _ = model.forward(x)
    out_adv, _ = model.forward(x_adv)
    pred_clean = _labels_from_output(model.problem, out_clean)
    pred_adv = _labels_from_output(model.problem, out_adv)
    success = pred_adv == target if target is not None else pred_adv != y
    return AttackResult(
        attack=name,
        x_adv=x_adv,
        success=np.asarray(success, dtype=bool),
        pred_clean=pred_clean,
        pred_adv=pred_adv,
        out_clean=model.head.predict(out_clean),
        out_adv=model.head.predict(out_adv),
        n_iter=n_iter,
        target=target,
        pixels=pixels,
        params=params,
        x=x,
    )


def _setup(
    model: Network, x: object, y: object, target: object, clip: object, caller: str
) -> tuple[Array, IntArray | None, IntArray | None, Clip]:
    _check_model(model, caller)
    clip = _check_clip(clip, caller)
    arr = _check_x(model, x, clip, caller)
    n = len(arr)
    t = None if target is None else _check_labels(model, target, n, caller, "target")
    if y is None and t is None:
        raise ValueError(f"{caller} needs the labels 'y' (untargeted) or a 'target'.")
    labels = None if y is None else _check_labels(model, y, n, caller, "y")
    return arr, labels, t, clip


# --------------------------------------------------------------------------------------------
# L∞ attacks
# --------------------------------------------------------------------------------------------


def fgsm(
    model: Network,
    x: Array,
    y: Array | None,
    eps: float = 0.1,
    *,
    target: int | Array | None = None,
    clip: Clip = DEFAULT_CLIP,
) -> AttackResult:
    """Fast gradient sign method (Goodfellow et al. 2015): one signed gradient step.

    Parameters
    ----------
    model : Network
        A ``"multiclass"`` or ``"classification"`` network.
    x : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples,) or int, or None
        True labels (class indices, or ±1); may be None for a targeted attack.
    eps : float, default 0.1
        L∞ radius, in ``[0, hi − lo]`` for clipped inputs.
    target : int or ndarray of shape (n_samples,), optional
        Makes the attack targeted: step *down* the loss of the target class.
    clip : (lo, hi) or None, default (0, 1)
        Valid input range; None for unbounded inputs.

    Returns
    -------
    AttackResult

    Notes
    -----
    ``x_adv = clip(x + eps · sign(∇x L(x, y)))``, or ``clip(x − eps · sign(∇x L(x, t)))``
    when targeted; ``L`` is the model's training loss.
    """
    x, labels, t, clip = _setup(model, x, y, target, clip, "fgsm")
    eps = _check_strength(eps, "eps", "fgsm", clip)
    if t is None:
        step = np.sign(_input_gradient(model, x, labels))  # type: ignore[arg-type]
    else:
        step = -np.sign(_input_gradient(model, x, t))
    x_adv = _project(x + eps * step, x, eps, clip)
    n_iter = np.ones(len(x), dtype=np.int64)
    params = {"eps": eps, "targeted": t is not None, "clip": clip}
    return _result("fgsm", model, x, x_adv, labels, t, n_iter, params)


def pgd(
    model: Network,
    x: Array,
    y: Array | None,
    eps: float = 0.1,
    *,
    alpha: float | None = None,
    n_steps: int = 10,
    target: int | Array | None = None,
    random_start: bool = False,
    rng: np.random.Generator | None = None,
    init_noise: Array | None = None,
    clip: Clip = DEFAULT_CLIP,
) -> AttackResult:
    """Iterative FGSM (BIM) / projected gradient descent under an L∞ bound.

    Parameters
    ----------
    model, x, y, eps, target, clip
        As in :func:`fgsm`.
    alpha : float, optional
        Step size, in ``[0, hi − lo]``; defaults to ``2.5 · eps / n_steps`` (Madry et al.).
    n_steps : int in [1, 1000], default 10
    random_start : bool, default False
        Start from ``x + U(−eps, eps)`` (projected) instead of ``x``: Madry et al.'s PGD.
        Needs ``rng``.
    rng : numpy.random.Generator, optional
        Source of the random start.
    init_noise : ndarray of shape (n_samples, n_inputs), optional
        An explicit start perturbation with ``|init_noise| <= eps`` (replaces the random
        start; used to compare implementations).

    Returns
    -------
    AttackResult
        The last iterate (not the first successful one).

    Notes
    -----
    ``x⁰ = P(x + δ)``, ``x^{k+1} = P(x^k + alpha · sign(∇x L(x^k, y)))`` (``−`` and ``t``
    when targeted), where ``P`` projects onto ``{|x' − x|∞ <= eps} ∩ [lo, hi]^d``.
    """
    x, labels, t, clip = _setup(model, x, y, target, clip, "pgd")
    eps = _check_strength(eps, "eps", "pgd", clip)
    n_steps = _check_int(n_steps, "n_steps", "pgd", 1, MAX_STEPS)
    alpha = 2.5 * eps / n_steps if alpha is None else _check_strength(alpha, "alpha", "pgd", clip)
    x_adv = x.copy()
    if init_noise is not None:
        noise = np.asarray(init_noise, dtype=np.float64)
        if noise.shape != x.shape or not np.all(np.abs(noise) <= eps):
            raise ValueError(
                f"The 'init_noise' parameter of pgd must have shape {x.shape} with values in "
                f"[-eps, eps] = [{-eps}, {eps}]."
            )
        x_adv = _project(x + noise, x, eps, clip)
    elif random_start:
        if not isinstance(rng, np.random.Generator):
            raise ValueError(
                "The 'rng' parameter of pgd must be a numpy.random.Generator when "
                f"random_start=True. Got {rng!r}."
            )
        x_adv = _project(x + rng.uniform(-eps, eps, size=x.shape), x, eps, clip)
    labels_for_loss, direction = (labels, 1.0) if t is None else (t, -1.0)
    for _ in range(n_steps):
        g = _input_gradient(model, x_adv, labels_for_loss)  # type: ignore[arg-type]
        x_adv = _project(x_adv + direction * alpha * np.sign(g), x, eps, clip)
    params = {
        "eps": eps,
        "alpha": alpha,
        "n_steps": n_steps,
        "random_start": bool(random_start or init_noise is not None),
        "targeted": t is not None,
        "clip": clip,
    }
    n_iter = np.full(len(x), n_steps, dtype=np.int64)
    return _result("pgd", model, x, x_adv, labels, t, n_iter, params)


# --------------------------------------------------------------------------------------------
# L0 attack
# --------------------------------------------------------------------------------------------


def _saliency_choice(
    alpha: Array, beta: Array, domain: BoolArray, increase: bool, pairs: bool
) -> tuple[IntArray, BoolArray]:
    """The most salient pair (or pixel) per row; ``ok`` is False where none qualifies."""
    m, d = alpha.shape
    if not pairs:
        a, b, valid = alpha, beta, domain
        flat_d = d
    else:
        a = alpha[:, :, None] + alpha[:, None, :]  # α of the pair (p, q)
        b = beta[:, :, None] + beta[:, None, :]
        valid = domain[:, :, None] & domain[:, None, :] & np.triu(np.ones((d, d), bool), 1)
        flat_d = d * d
    # increase: the pair must raise the target (α > 0) and lower the others (β < 0)
    valid = valid & ((a > 0) & (b < 0) if increase else (a < 0) & (b > 0))
    score = np.where(valid, -a * b, -np.inf).reshape(m, flat_d)
    best = np.argmax(score, axis=1)
    ok = np.isfinite(score[np.arange(m), best])
    if pairs:
        return np.stack(np.divmod(best, d), axis=1).astype(np.int64), ok
    return best.reshape(m, 1).astype(np.int64), ok


def jsma(
    model: Network,
    x: Array,
    y: Array | None,
    gamma: float = 0.1,
    *,
    target: int | Array,
    theta: float = 1.0,
    pairs: bool = True,
    clip: Clip = DEFAULT_CLIP,
) -> AttackResult:
    """Jacobian-based saliency map attack (Papernot et al. 2016), targeted, L0.

    Parameters
    ----------
    model : Network
        A ``"multiclass"`` network.
    x : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples,), or None
        True labels (reported only; success means reaching the target).
    gamma : float in (0, 1], default 0.1
        Maximum fraction of inputs to change: at most ``floor(gamma · n_inputs / 2)``
        pairs (``floor(gamma · n_inputs)`` single pixels).
    target : int or ndarray of shape (n_samples,)
        The class to reach.
    theta : float, default 1.0
        Change added to each chosen input (then clipped); > 0 brightens, < 0 darkens.
        Non-zero, at most ``hi − lo`` in size for clipped inputs.
    pairs : bool, default True
        Pick pixel pairs (the paper) or single pixels (cheaper, adversarial.js's variant).
    clip : (lo, hi) or None, default (0, 1)

    Returns
    -------
    AttackResult
        ``pixels[i]`` lists the inputs changed for example ``i``, in order.

    Notes
    -----
    With ``α = Σ_{i∈S} ∂Z_t/∂x_i`` and ``β = Σ_{i∈S} Σ_{j≠t} ∂Z_j/∂x_i`` for a set ``S`` of
    one or two inputs (``Z`` are the logits), the saliency of ``S`` is ``−α·β`` when
    ``α > 0`` and ``β < 0`` (``α < 0``, ``β > 0`` for ``theta < 0``), else 0.  Each
    iteration changes the most salient ``S`` among inputs not changed before that can
    still move in the direction of ``theta``.  It stops when the target is predicted,
    the budget is spent, or no set has positive saliency.
    """
    _check_model(model, "jsma")
    if model.problem != "multiclass":
        raise ValueError(
            "The 'model' parameter of jsma must be a multiclass network. "
            f"Got problem {model.problem!r}."
        )
    x, labels, t, clip = _setup(model, x, y, target, clip, "jsma")
    assert t is not None
    gamma = _check_number(gamma, "gamma", "jsma", 0.0, 1.0, lo_open=True)
    span = math.inf if clip is None else clip[1] - clip[0]
    theta = _check_number(theta, "theta", "jsma", -span, span)
    if theta == 0:
        raise ValueError("The 'theta' parameter of jsma must be non-zero. Got 0.")
    n, d = x.shape
    k = 2 if pairs else 1
    max_iter = math.floor(gamma * d / k)
    lo, hi = clip if clip is not None else (-math.inf, math.inf)
    increase = theta > 0
    x_adv = x.copy()
    domain = x_adv < hi if increase else x_adv > lo
    n_iter = np.zeros(n, dtype=np.int64)
    chosen: list[list[IntArray]] = [[] for _ in range(n)]
    active = np.ones(n, dtype=bool)
    chunk = max(1, _CHUNK // (d * d if pairs else d))
    for _ in range(max_iter):
        idx = np.flatnonzero(active & (domain.sum(axis=1) >= k))
        for start in range(0, len(idx), chunk):
            rows = idx[start : start + chunk]
            logits, a, b = target_gradients(model, x_adv[rows], t[rows])
            reached = np.argmax(logits, axis=1) == t[rows]
            sel, ok = _saliency_choice(a, b, domain[rows], increase, pairs)
            active[rows[reached | ~ok]] = False
            go = ~reached & ok
            rows, sel = rows[go], sel[go]
            vals = x_adv[rows[:, None], sel] + theta
            x_adv[rows[:, None], sel] = np.clip(vals, lo, hi)
            domain[rows[:, None], sel] = False
            n_iter[rows] += 1
            for r, s in zip(rows.tolist(), sel, strict=True):
                chosen[r].append(s)
    pixels = tuple(
        np.array(c, dtype=np.int64).reshape(-1, k) if c else np.zeros((0, k), np.int64)
        for c in chosen
    )
    params = {"gamma": gamma, "theta": theta, "pairs": pairs, "max_iter": max_iter, "clip": clip}
    return _result("jsma", model, x, x_adv, labels, t, n_iter, params, pixels)


# --------------------------------------------------------------------------------------------
# Registry and sweeps
# --------------------------------------------------------------------------------------------

AttackFn = Callable[..., AttackResult]
ATTACKS: Final[Mapping[str, AttackFn]] = MappingProxyType({"fgsm": fgsm, "pgd": pgd, "jsma": jsma})


def get_attack(name: str) -> AttackFn:
    """Look up an attack; unknown names raise ``ValueError`` listing the valid ones."""
    try:
        return ATTACKS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"The 'attack' parameter must be one of {list(ATTACKS)}. Got {name!r}."
        ) from None


def accuracy_vs_strength(
    model: Network,
    X: Array,
    y: Array,
    attack: str = "fgsm",
    strengths: Array | list[float] = (0.0, 0.05, 0.1, 0.2, 0.3),  # type: ignore[assignment]
    *,
    target: int | Array | None = None,
    **kwargs: Any,
) -> StrengthCurve:
    """Accuracy on ``(X, y)`` under an attack at each strength.

    Parameters
    ----------
    model : Network
    X : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples,)
    attack : {"fgsm", "pgd", "jsma"}
    strengths : sequence of float
        ``eps`` for FGSM/PGD, ``gamma`` for JSMA (0 means no attack).
    target : int or ndarray, optional
        Targets (required by JSMA; by default JSMA targets ``(y + 1) % n_classes``).
    **kwargs
        Passed to the attack (``clip``, ``n_steps``, ``alpha``, ``rng``, ``theta``, ...).

    Returns
    -------
    StrengthCurve
        ``accuracy[i]``: fraction of examples still classified as ``y`` at
        ``strengths[i]``; ``success_rate[i]``: the attack's own success rate.
    """
    caller = "accuracy_vs_strength"
    fn = get_attack(attack)
    _check_model(model, caller)
    values = np.asarray(strengths, dtype=np.float64).reshape(-1)
    if values.size == 0:
        raise ValueError(f"The 'strengths' parameter of {caller} must hold at least one value.")
    X = _check_x(model, X, None, caller, "X")  # the attack checks the clip range
    labels = _check_labels(model, y, len(X), caller, "y")
    if attack == "jsma" and target is None:
        target = (labels + 1) % model.n_outputs
    t = None if target is None else _check_labels(model, target, len(X), caller, "target")
    pred_clean = predict_labels(model, X)
    acc, rate = np.zeros(values.size), np.zeros(values.size)
    for i, s in enumerate(values):
        if s == 0:  # no attack (JSMA's gamma must be > 0, and a step of 0 changes nothing)
            pred = pred_clean
            success = pred == t if t is not None else pred != labels
        else:
            res = fn(model, X, labels, float(s), target=t, **kwargs)
            pred, success = res.pred_adv, res.success
        acc[i] = np.mean(pred == labels)
        rate[i] = np.mean(success)
    clean = float(np.mean(pred_clean == labels))
    return StrengthCurve(attack, values, acc, rate, clean)


def min_flip_strength(
    model: Network,
    x: Array,
    y: int | None = None,
    *,
    clip: Clip = DEFAULT_CLIP,
    max_eps: float | None = None,
    tol: float = 1e-4,
    n_grid: int = 64,
) -> FlipResult:
    """Smallest FGSM ``eps`` that changes the model's prediction of one example.

    Parameters
    ----------
    model : Network
    x : ndarray of shape (n_inputs,) or (1, n_inputs)
    y : int, optional
        Label whose loss FGSM increases; defaults to the clean prediction.
    clip : (lo, hi) or None, default (0, 1)
        None for unbounded inputs (2-D playground models).
    max_eps : float, optional
        Largest ``eps`` tried; defaults to ``hi − lo``, or 1.0 without ``clip``.
    tol : float, default 1e-4
        Width of the final bracket ``[eps_below, eps]``.
    n_grid : int, default 64
        ``eps`` values scanned before bisecting.  FGSM success need not be monotone in
        ``eps``, so the scan finds the first flipping grid value and bisection then
        narrows the bracket just below it.

    Returns
    -------
    FlipResult
    """
    caller = "min_flip_strength"
    _check_model(model, caller)
    clip = _check_clip(clip, caller)
    x1 = _check_x(model, x, clip, caller)
    if len(x1) != 1:
        raise ValueError(f"The 'x' parameter of {caller} must be one example. Got {len(x1)}.")
    default_max = 1.0 if clip is None else clip[1] - clip[0]
    if max_eps is None:
        max_eps = default_max
    max_eps = _check_strength(max_eps, "max_eps", caller, clip)
    tol = _check_number(tol, "tol", caller, 0.0, math.inf, lo_open=True)
    n_grid = _check_int(n_grid, "n_grid", caller, 1, 100_000)
    pred0 = int(predict_labels(model, x1)[0])
    label = np.array([pred0 if y is None else y])
    label = _check_labels(model, label, 1, caller, "y")
    step = np.sign(_input_gradient(model, x1, label))

    def attacked(eps: Array) -> tuple[Array, IntArray]:
        xs = _project(x1 + eps[:, None] * step, x1, eps[:, None], clip)
        return xs, predict_labels(model, xs)

    grid = np.linspace(0.0, max_eps, n_grid + 1)[1:]
    xs, preds = attacked(grid)
    flips = np.flatnonzero(preds != pred0)
    if flips.size == 0:
        return FlipResult(None, float(max_eps), pred0, int(preds[-1]), xs[-1])
    j = int(flips[0])
    lo_eps, hi_eps = (0.0 if j == 0 else float(grid[j - 1])), float(grid[j])
    x_hi, p_hi = xs[j], int(preds[j])
    for _ in range(200):  # bisection: bounded, so it also ends for a tiny tol
        if hi_eps - lo_eps <= tol:
            break
        mid = 0.5 * (lo_eps + hi_eps)
        xm, pm = attacked(np.array([mid]))
        if pm[0] != pred0:
            hi_eps, x_hi, p_hi = mid, xm[0], int(pm[0])
        else:
            lo_eps = mid
    return FlipResult(hi_eps, lo_eps, pred0, p_hi, x_hi)
