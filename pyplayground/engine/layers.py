"""Layers as pure forward/backward pairs with explicit caches.

The functional ops (``dense_forward`` / ``dense_backward``,
``dropout_forward`` / ``dropout_backward``) hold no state and are what the
gradient checks exercise.  :class:`Dense` wraps them with parameter *views*
into the owning network's flat parameter and gradient buffers, so an
optimizer updates every layer with one vector operation.

Any object with ``param_shapes``, ``bind``, ``forward`` and ``backward`` (the
:class:`Layer` protocol) can be stacked in a network; convolutional layers slot
in the same way.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol, runtime_checkable

import numpy as np

from ._types import Array, BoolArray
from .activations import ActivationCache, activation_backward, get_activation


class DenseCache(NamedTuple):
    """Inputs saved by :func:`dense_forward` for the backward pass."""

    x: Array
    w: Array


def dense_forward(x: Array, w: Array, b: Array) -> tuple[Array, DenseCache]:
    """Affine map ``z = x @ w + b``.

    Parameters
    ----------
    x : ndarray of shape (n_samples, n_in)
    w : ndarray of shape (n_in, n_out)
        Row ``i`` holds the weights leaving input ``i``.
    b : ndarray of shape (n_out,)

    Returns
    -------
    z : ndarray of shape (n_samples, n_out)
    cache : DenseCache
    """
    z = x @ w
    z += b  # in place: saves a temporary per call
    return z, DenseCache(x, w)


def dense_backward(dz: Array, cache: DenseCache) -> tuple[Array, Array, Array]:
    """Gradients of :func:`dense_forward`.

    Returns
    -------
    dx : ndarray of shape (n_samples, n_in)
    dw : ndarray of shape (n_in, n_out)
    db : ndarray of shape (n_out,)
    """
    x, w = cache
    dx = dz @ w.T  # dL/dx = dL/dz · ∂z/∂x, and ∂z/∂x = wᵀ
    dw = x.T @ dz  # each weight sees its input times the upstream gradient
    db = dz.sum(axis=0)  # b is broadcast over samples, so its gradients add up
    return dx, dw, db


class DropoutCache(NamedTuple):
    """The scaled keep-mask of :func:`dropout_forward`."""

    mask: Array


def dropout_forward(
    x: Array, rate: float, *, rng: np.random.Generator | None, training: bool
) -> tuple[Array, DropoutCache | None]:
    """Inverted dropout: zero each unit with probability ``rate`` while training.

    Kept units are scaled by ``1 / (1 - rate)`` so the expected activation is
    unchanged and inference needs no rescaling.  Outside training, or with
    ``rate == 0``, this is the identity and the cache is ``None``.
    """
    if not training or rate <= 0.0:
        return x, None
    if rng is None:
        raise ValueError("dropout_forward needs rng (a numpy.random.Generator) while training.")
    if not 0.0 <= rate < 1.0:
        raise ValueError(
            f"The 'rate' parameter of dropout must be in [0, 1). Got {rate!r} instead."
        )
    mask = (rng.random(x.shape) >= rate) / (1.0 - rate)
    return x * mask, DropoutCache(mask)


def dropout_backward(dout: Array, cache: DropoutCache | None) -> Array:
    """Gradient of :func:`dropout_forward`: dropped units pass no gradient."""
    if cache is None:
        return dout
    return dout * cache.mask  # ∂out/∂x is the (scaled) keep-mask


@runtime_checkable
class Layer(Protocol):
    """What a network needs from a layer."""

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Shapes of the trainable parameters, in buffer order."""
        ...

    def bind(self, params: dict[str, Array], grads: dict[str, Array]) -> None:
        """Attach views into the network's flat parameter and gradient buffers."""
        ...

    def forward(
        self, x: Array, *, training: bool = False, rng: np.random.Generator | None = None
    ) -> tuple[Array, Any]:
        """Return the layer output and the cache its backward pass needs."""
        ...

    def backward(self, dout: Array, cache: Any, *, need_dx: bool = True) -> Array | None:
        """Write parameter gradients into the bound buffers and return ``dx``."""
        ...


class DenseLayerCache(NamedTuple):
    """Caches of the three ops inside a :class:`Dense` layer."""

    dense: DenseCache
    act: ActivationCache
    dropout: DropoutCache | None


class Dense:
    """Fully connected layer ``a = g(x @ w + b)`` with optional dropout on ``a``.

    Parameters
    ----------
    n_in, n_out : int
        Fan-in and fan-out.
    activation : str
        A key of :data:`~pyplayground.engine.activations.ACTIVATIONS`.
    dropout : float, default 0.0
        Probability of dropping each output unit while training.

    Attributes
    ----------
    w : ndarray of shape (n_in, n_out)
        View into the network's parameter buffer (after :meth:`bind`).
    b : ndarray of shape (n_out,)
    dw, db : ndarray
        Views into the network's gradient buffer.
    frozen : ndarray of bool, shape (n_in, n_out)
        Links frozen by L1 regularization (TF Playground's ``isDead``).
    """

    kind = "dense"

    def __init__(self, n_in: int, n_out: int, activation: str = "tanh", dropout: float = 0.0):
        if int(n_in) < 1 or int(n_out) < 1:
            raise ValueError(f"Dense layer sizes must be >= 1. Got n_in={n_in}, n_out={n_out}.")
        self._act = get_activation(activation)
        if not 0.0 <= float(dropout) < 1.0:
            raise ValueError(f"The 'dropout' parameter must be in [0, 1). Got {dropout!r} instead.")
        self.n_in = int(n_in)
        self.n_out = int(n_out)
        self.activation = activation
        self.dropout = float(dropout)
        self.w: Array = np.zeros((self.n_in, self.n_out))
        self.b: Array = np.zeros(self.n_out)
        self.dw: Array = np.zeros_like(self.w)
        self.db: Array = np.zeros_like(self.b)
        self.frozen: BoolArray = np.zeros((self.n_in, self.n_out), dtype=bool)

    def __repr__(self) -> str:
        return f"Dense({self.n_in}, {self.n_out}, activation={self.activation!r})"

    def param_shapes(self) -> dict[str, tuple[int, ...]]:
        """Return ``{"w": (n_in, n_out), "b": (n_out,)}``."""
        return {"w": (self.n_in, self.n_out), "b": (self.n_out,)}

    def bind(self, params: dict[str, Array], grads: dict[str, Array]) -> None:
        """Attach buffer views, keeping the current values."""
        params["w"][...] = self.w
        params["b"][...] = self.b
        self.w, self.b = params["w"], params["b"]
        self.dw, self.db = grads["w"], grads["b"]

    def forward(
        self, x: Array, *, training: bool = False, rng: np.random.Generator | None = None
    ) -> tuple[Array, DenseLayerCache]:
        """Forward pass; returns the activations and a :class:`DenseLayerCache`."""
        z, dcache = dense_forward(x, self.w, self.b)
        act = self._act
        a = act.fn(z)
        acache = ActivationCache(z, a, act)
        pcache = None
        if training and self.dropout > 0.0:
            a, pcache = dropout_forward(a, self.dropout, rng=rng, training=training)
        return a, DenseLayerCache(dcache, acache, pcache)

    def backward(
        self, dout: Array, cache: DenseLayerCache, *, need_dx: bool = True
    ) -> Array | None:
        """Backward pass; writes ``dw``/``db`` in place and returns ``dx``."""
        da = dropout_backward(dout, cache.dropout)
        dz = activation_backward(da, cache.act)
        x = cache.dense.x
        np.matmul(x.T, dz, out=self.dw)  # ∂L/∂w = xᵀ · dz
        np.add.reduce(dz, axis=0, out=self.db)  # bias broadcast over samples: gradients add up
        if not need_dx:
            return None
        return dz @ cache.dense.w.T  # ∂L/∂x = dz · wᵀ


__all__ = [
    "Dense",
    "DenseCache",
    "DenseLayerCache",
    "DropoutCache",
    "Layer",
    "dense_backward",
    "dense_forward",
    "dropout_backward",
    "dropout_forward",
]
