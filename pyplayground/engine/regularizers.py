"""Weight penalties with TF Playground's semantics.

The penalty is applied *once per mini-batch update*, from the weight as it was
before the step, and is not scaled by the batch size::

    w ← w − lr · mean_grad
    w ← w − lr · λ · R′(w_before)

Biases are never regularized.  With L1, a weight that the penalty pushes
across zero is set to exactly 0 and frozen ("dead") until the network is
reset.  The reported loss is the data term only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np

from ._registry import lookup
from ._types import Array


@dataclass(frozen=True, slots=True)
class Regularizer:
    """A penalty ``R(w)`` and its derivative ``R′(w)``."""

    name: str
    penalty: Callable[[Array], float]
    derivative: Callable[[Array], Array]
    kills_links: bool = False


NONE: Final = Regularizer("none", lambda w: 0.0, np.zeros_like)
L1: Final = Regularizer("L1", lambda w: float(np.abs(w).sum()), np.sign, kills_links=True)
L2: Final = Regularizer("L2", lambda w: 0.5 * float(np.sum(w * w)), lambda w: w.copy())

REGULARIZERS: Final = MappingProxyType({r.name: r for r in (NONE, L1, L2)})


def get_regularizer(name: str) -> Regularizer:
    """Look up a regularizer by name (``"none"``, ``"L1"``, ``"L2"``)."""
    return lookup(REGULARIZERS, name, "regularization")


def apply_regularization(
    params: Array,
    before: Array,
    weight_mask: Array,
    frozen: Array,
    reg: Regularizer,
    step: float,
) -> None:
    """Apply ``w ← w − step · R′(w_before)`` in place to the weights.

    Parameters
    ----------
    params : ndarray of shape (n_params,)
        Parameters after the gradient step; modified in place.
    before : ndarray of shape (n_params,)
        Parameters before the gradient step.
    weight_mask : ndarray of bool, shape (n_params,)
        True for weights, False for biases (never regularized).
    frozen : ndarray of bool, shape (n_params,)
        Dead links; not updated, and newly killed L1 links are added in place.
    reg : Regularizer
    step : float
        ``learning_rate * regularization_rate``.
    """
    if reg.name == "none" or step == 0.0:
        return
    live = weight_mask & ~frozen
    w = params[live]
    w_new = w - step * reg.derivative(before[live])
    if reg.kills_links:
        crossed = w * w_new < 0  # the penalty pushed the weight across zero
        w_new[crossed] = 0.0
        idx = np.flatnonzero(live)[crossed]
        frozen[idx] = True
    params[live] = w_new


__all__ = [
    "L1",
    "L2",
    "NONE",
    "REGULARIZERS",
    "Regularizer",
    "apply_regularization",
    "get_regularizer",
]
