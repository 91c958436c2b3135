"""Element-wise activation functions as forward/backward pairs.

Each activation maps a pre-activation ``z`` to ``a = g(z)``; the backward pass
multiplies the upstream gradient by ``g'(z)``, computed from whichever of ``z``
and ``a`` is cheaper (``1 - a**2`` for tanh re-uses the forward result).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, NamedTuple

import numpy as np

from ._registry import lookup
from ._types import Array

LEAKY_RELU_SLOPE: Final = 0.01
_GELU_C: Final = float(np.sqrt(2.0 / np.pi))


@dataclass(frozen=True, slots=True)
class Activation:
    """An element-wise activation ``g`` with its derivative.

    Attributes
    ----------
    name : str
        Registry key, also used in URLs and model files.
    label : str
        Human readable name for the UI.
    fn : callable
        ``fn(z) -> a``.
    derivative : callable
        ``derivative(z, a) -> g'(z)`` evaluated element-wise.
    """

    name: str
    label: str
    fn: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array]


def _sigmoid(z: Array) -> Array:
    # exp of a non-positive number never overflows, so split by sign for stability
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _gelu(z: Array) -> Array:
    return 0.5 * z * (1.0 + np.tanh(_GELU_C * (z + 0.044715 * z**3)))


def _gelu_derivative(z: Array, a: Array) -> Array:
    inner = _GELU_C * (z + 0.044715 * z**3)
    t = np.tanh(inner)
    # product rule on 0.5 z (1 + tanh(u(z))), u'(z) = c (1 + 3 * 0.044715 z^2)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * _GELU_C * (1.0 + 0.134145 * z * z)


TANH: Final = Activation("tanh", "Tanh", np.tanh, lambda z, a: 1.0 - a * a)
RELU: Final = Activation(
    "relu", "ReLU", lambda z: np.maximum(z, 0.0), lambda z, a: (z > 0).astype(z.dtype)
)
SIGMOID: Final = Activation("sigmoid", "Sigmoid", _sigmoid, lambda z, a: a * (1.0 - a))
LINEAR: Final = Activation("linear", "Linear", lambda z: z, lambda z, a: np.ones_like(z))
LEAKY_RELU: Final = Activation(
    "leaky_relu",
    "Leaky ReLU",
    lambda z: np.where(z > 0, z, LEAKY_RELU_SLOPE * z),
    lambda z, a: np.where(z > 0, 1.0, LEAKY_RELU_SLOPE).astype(z.dtype),
)
GELU: Final = Activation("gelu", "GELU", _gelu, _gelu_derivative)

ACTIVATIONS: Final = MappingProxyType(
    {act.name: act for act in (TANH, RELU, SIGMOID, LINEAR, LEAKY_RELU, GELU)}
)


def get_activation(name: str) -> Activation:
    """Look up an activation by name.

    Raises
    ------
    ValueError
        If ``name`` is not a key of :data:`ACTIVATIONS`; the message lists the
        valid names and the closest match.
    """
    return lookup(ACTIVATIONS, name, "activation")


class ActivationCache(NamedTuple):
    """What :func:`activation_backward` needs: the input, output and function."""

    z: Array
    a: Array
    activation: Activation


def activation_forward(z: Array, name: str) -> tuple[Array, ActivationCache]:
    """Apply the activation ``name`` element-wise.

    Parameters
    ----------
    z : ndarray
        Pre-activations of any shape.
    name : str
        A key of :data:`ACTIVATIONS`.

    Returns
    -------
    a : ndarray, same shape as ``z``
    cache : ActivationCache
    """
    act = get_activation(name)
    a = act.fn(z)
    return a, ActivationCache(z, a, act)


def activation_backward(da: Array, cache: ActivationCache) -> Array:
    """Return ``dz = da * g'(z)`` (chain rule through the element-wise map)."""
    z, a, act = cache
    return da * act.derivative(z, a)


__all__ = [
    "ACTIVATIONS",
    "Activation",
    "ActivationCache",
    "activation_backward",
    "activation_forward",
    "get_activation",
]
