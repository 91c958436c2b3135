"""Finite-difference gradient checking (used by the tests and by lessons)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._types import Array


def numerical_gradient(f: Callable[[Array], float], x: Array, h: float = 1e-5) -> Array:
    """Central-difference gradient of the scalar function ``f`` at ``x``.

    ``x`` is nudged in place and restored, so ``f`` may read it through a
    closure.  Error is ``O(h²)``.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=[["readwrite"]])
    for _ in it:
        i = it.multi_index
        old = float(x[i])
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def rel_error(a: Array, b: Array) -> float:
    """Relative error of two gradients, ``‖a − b‖ / max(‖a‖ + ‖b‖, 1e-300)``.

    Norm-based rather than element-wise, so entries whose true gradient is
    zero (where finite differences leave ~1e-11 of rounding noise) do not
    dominate the measure.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = max(float(np.linalg.norm(a) + np.linalg.norm(b)), 1e-300)
    return float(np.linalg.norm(a - b)) / denom


__all__ = ["numerical_gradient", "rel_error"]
