"""Optimizers over a network's flat parameter vector.

Each optimizer updates *all* parameters with a handful of vector operations,
which is what makes tiny networks fast in NumPy (and in Pyodide).  The update
conventions match PyTorch's ``torch.optim.SGD`` (with and without momentum,
no dampening) and ``torch.optim.Adam``.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import numpy as np

from ._registry import lookup
from ._types import Array, BoolArray


class SGD:
    """Plain stochastic gradient descent, ``w ← w − lr · g``."""

    name = "sgd"

    def __init__(self, n_params: int) -> None:
        self.n_params = n_params

    def reset(self) -> None:
        """Forget any state (none for plain SGD)."""

    def update(self, params: Array, grads: Array, lr: float, frozen: BoolArray | None) -> None:
        """Update ``params`` in place; entries where ``frozen`` is True do not move."""
        step = lr * grads
        if frozen is not None:
            step[frozen] = 0.0
        params -= step


class Momentum(SGD):
    """Heavy-ball momentum: ``v ← μ v + g``, ``w ← w − lr · v`` (PyTorch's convention)."""

    name = "momentum"

    def __init__(self, n_params: int, momentum: float = 0.9) -> None:
        super().__init__(n_params)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"The 'momentum' parameter must be in [0, 1). Got {momentum!r}.")
        self.momentum = momentum
        self.velocity = np.zeros(n_params)
        self._started = False

    def reset(self) -> None:
        """Zero the velocity."""
        self.velocity[...] = 0.0
        self._started = False

    def update(self, params: Array, grads: Array, lr: float, frozen: BoolArray | None) -> None:
        """Update ``params`` in place; frozen entries keep their value."""
        if self._started:
            self.velocity *= self.momentum
            self.velocity += grads
        else:  # PyTorch seeds the buffer with the first gradient
            self.velocity[...] = grads
            self._started = True
        step = lr * self.velocity
        if frozen is not None:
            step[frozen] = 0.0
        params -= step


class Adam(SGD):
    """Adam with bias correction (Kingma & Ba; PyTorch's ``Adam``)."""

    name = "adam"

    def __init__(
        self, n_params: int, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        super().__init__(n_params)
        for pname, value in (("beta1", beta1), ("beta2", beta2)):
            if not 0.0 <= value < 1.0:
                raise ValueError(f"The '{pname}' parameter must be in [0, 1). Got {value!r}.")
        if eps <= 0:
            raise ValueError(f"The 'eps' parameter must be > 0. Got {eps!r}.")
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m = np.zeros(n_params)
        self.v = np.zeros(n_params)
        self.t = 0

    def reset(self) -> None:
        """Zero the moment estimates and the step count."""
        self.m[...] = 0.0
        self.v[...] = 0.0
        self.t = 0

    def update(self, params: Array, grads: Array, lr: float, frozen: BoolArray | None) -> None:
        """Update ``params`` in place; frozen entries keep their value."""
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        self.m *= b1
        self.m += (1.0 - b1) * grads  # first moment: running mean of g
        self.v *= b2
        self.v += (1.0 - b2) * grads * grads  # second moment: running mean of g²
        bc1 = 1.0 - b1**self.t
        bc2 = 1.0 - b2**self.t
        denom = np.sqrt(self.v) / np.sqrt(bc2) + self.eps
        step = (lr / bc1) * self.m / denom
        if frozen is not None:
            step[frozen] = 0.0
        params -= step


OPTIMIZERS: Final = MappingProxyType({"sgd": SGD, "momentum": Momentum, "adam": Adam})


def make_optimizer(name: str, n_params: int, **kwargs: float) -> SGD:
    """Create the optimizer ``name`` for ``n_params`` parameters."""
    return lookup(OPTIMIZERS, name, "optimizer")(n_params, **kwargs)


__all__ = ["OPTIMIZERS", "SGD", "Adam", "Momentum", "make_optimizer"]
