"""Output heads: each pairs an output activation with a loss.

=================  ===================  =====================================
problem            output activation    loss (reported and differentiated)
=================  ===================  =====================================
classification     tanh                 ½ (a − y)², labels ±1 (TF Playground)
regression         linear               ½ (a − y)²
multiclass         softmax              cross-entropy, integer labels
=================  ===================  =====================================

Losses are means over samples (and sums over output units), so the gradient
of a mini-batch is already the mean gradient.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np

from ._registry import lookup
from ._types import Array


def half_squared_error(out: Array, y: Array) -> tuple[float, Array]:
    """Mean over samples of ``½ Σ_k (out_k − y_k)²`` and its gradient.

    Parameters
    ----------
    out : ndarray of shape (n_samples, n_outputs)
    y : ndarray of shape (n_samples,) or (n_samples, n_outputs)

    Returns
    -------
    loss : float
    dout : ndarray of shape (n_samples, n_outputs)
        ``(out − y) / n_samples``.
    """
    y2 = y.reshape(out.shape)
    diff = out - y2
    n = out.shape[0]
    return 0.5 * float(np.sum(diff * diff)) / n, diff / n


def half_squared_error_grad(out: Array, y: Array) -> Array:
    """Only the gradient of :func:`half_squared_error` (the training fast path)."""
    diff = out - y.reshape(out.shape)
    diff /= out.shape[0]
    return diff


def softmax(logits: Array) -> Array:
    """Row-wise softmax, shifted by the row maximum for stability."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits: Array, y: Array) -> tuple[float, Array]:
    """Mean cross-entropy of ``softmax(logits)`` against integer labels.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_classes)
    y : ndarray of shape (n_samples,)
        Class indices in ``[0, n_classes)`` (any numeric dtype).

    Returns
    -------
    loss : float
    dlogits : ndarray of shape (n_samples, n_classes)
        Gradient through softmax *and* the loss, ``(softmax(logits) − onehot(y)) / n``.
    """
    n = logits.shape[0]
    idx = y.astype(np.int64).reshape(-1)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_z = np.log(np.exp(shifted).sum(axis=1))
    rows = np.arange(n)
    loss = float(np.sum(log_z - shifted[rows, idx])) / n
    dlogits = np.exp(shifted - log_z[:, None])
    dlogits[rows, idx] -= 1.0  # ∂(−log p_y)/∂logits = p − onehot(y)
    return loss, dlogits / n


@dataclass(frozen=True, slots=True)
class Head:
    """An output activation with its loss.

    ``output_activation`` is applied inside the last :class:`Dense` layer,
    except for softmax, which is fused into the loss (the layer emits logits).
    """

    problem: str
    output_activation: str
    loss_name: str

    def loss(self, out: Array, y: Array) -> tuple[float, Array]:
        """Return ``(loss, dout)`` for the last layer's output."""
        if self.loss_name == "cross_entropy":
            return softmax_cross_entropy(out, y)
        return half_squared_error(out, y)

    def grad(self, out: Array, y: Array) -> Array:
        """Return only ``dout`` (skips computing the loss value)."""
        if self.loss_name == "cross_entropy":
            return softmax_cross_entropy(out, y)[1]
        return half_squared_error_grad(out, y)

    def predict(self, out: Array) -> Array:
        """Map the last layer's output to what a user sees (probabilities for softmax)."""
        return softmax(out) if self.loss_name == "cross_entropy" else out


HEADS: Final = MappingProxyType(
    {
        "classification": Head("classification", "tanh", "half_squared_error"),
        "regression": Head("regression", "linear", "half_squared_error"),
        "multiclass": Head("multiclass", "linear", "cross_entropy"),
    }
)


def get_head(problem: str) -> Head:
    """Look up the output head for ``problem``; unknown names raise ``ValueError``."""
    return lookup(HEADS, problem, "problem")


__all__ = [
    "HEADS",
    "Head",
    "get_head",
    "half_squared_error",
    "half_squared_error_grad",
    "softmax",
    "softmax_cross_entropy",
]
