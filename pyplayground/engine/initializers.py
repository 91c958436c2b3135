"""Weight initializers; all randomness comes from a passed ``np.random.Generator``."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType
from typing import Final

import numpy as np

from ._registry import lookup
from ._types import Array

InitFn = Callable[[int, int, np.random.Generator], tuple[Array, Array]]


def playground_init(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """TF Playground: weights ``U(−0.5, 0.5)``, every bias 0.1."""
    return rng.uniform(-0.5, 0.5, size=(n_in, n_out)), np.full(n_out, 0.1)


def xavier_init(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """Glorot/Xavier uniform: ``U(±sqrt(6 / (n_in + n_out)))``, biases 0."""
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out)), np.zeros(n_out)


def he_init(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """He/Kaiming normal: ``N(0, 2 / n_in)``, biases 0 (suits ReLU)."""
    return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out)), np.zeros(n_out)


def zeros_init(n_in: int, n_out: int, rng: np.random.Generator) -> tuple[Array, Array]:
    """All zeros (TF Playground's ``initZero=true``)."""
    return np.zeros((n_in, n_out)), np.zeros(n_out)


INITIALIZERS: Final = MappingProxyType(
    {"playground": playground_init, "xavier": xavier_init, "he": he_init, "zeros": zeros_init}
)


def get_initializer(name: str) -> InitFn:
    """Look up an initializer by name."""
    return lookup(INITIALIZERS, name, "init")


__all__ = [
    "INITIALIZERS",
    "get_initializer",
    "he_init",
    "playground_init",
    "xavier_init",
    "zeros_init",
]
