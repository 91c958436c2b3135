"""Mini-batch gradients of a dense network in fewer NumPy calls (the training fast path).

:meth:`Network.accumulate_grad <pyplayground.engine.network.Network.accumulate_grad>` runs
every layer through ``Dense.forward`` and ``Dense.backward``: about nine NumPy calls per
layer plus a few small Python objects.  The playground's layers are tiny (at most 10 × 8
per batch), so each NumPy call costs a fixed few microseconds whatever its size (twice as
much in Pyodide), and the number of calls *is* the cost.  :class:`FastGradient` computes
the same gradients with fewer of them:

* **the bias folded into the matmul**: a layer's slice of the flat buffer, ``[w; b]``, is
  an ``(n_in + 1, n_out)`` matrix, and every layer's input sits in a buffer whose last
  column is 1, so ``x_aug @ [w; b] = x @ w + b`` is one call, and ``x_augᵀ @ dz`` writes
  ``dw`` and ``db`` (a sum over the batch: ``1ᵀ dz``) in one call;
* **buffers allocated once per batch size** and written with ``out``: tanh writes straight
  into the next layer's input buffer;
* plain local variables instead of per-layer caches and call chains.

The arithmetic is the same, in the same order, so the gradients agree with the general
path's to the last bit or two (2e-16 in Pyodide, where NumPy has no BLAS: only the bias
gradient of a one-unit layer differs, which ``add.reduce`` sums pairwise and the matmul
in order; ``tests/engine/test_fastpath.py``).  Dropout needs the general path.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._types import Array
from .network import Network


def _address(a: Array) -> int:
    return int(a.__array_interface__["data"][0])


class FastGradient:
    """Mean gradients of mini-batches of fixed training data, written into ``network.grads``.

    Parameters
    ----------
    network : Network
        Dense layers without dropout (see :meth:`supports`); its parameter buffer is read
        as it is at each call, so optimizers may update it in between.
    X : ndarray of shape (n_samples, n_inputs)
    y : ndarray of shape (n_samples, n_outputs) or (n_samples, 1)
        Targets as the network's head expects them (class ids for multiclass).

    Examples
    --------
    >>> import numpy as np
    >>> from pyplayground.engine import build_mlp
    >>> rng = np.random.default_rng(0)
    >>> net = build_mlp(2, [4, 2], rng=rng)
    >>> X, y = rng.normal(size=(20, 2)), np.sign(rng.normal(size=(20, 1)))
    >>> FastGradient(net, X, y).accumulate_grad(0, 10)  # same as accumulate_grad(X[:10], y[:10])
    """

    def __init__(self, network: Network, X: Array, y: Array) -> None:
        if not self.supports(network):
            raise ValueError(f"{network!r} needs the general path (dropout or a non-dense layer).")
        self.network = network
        self._plan: list[tuple[Array, Array, Array, str, Any]] = []
        offset = 0
        for layer in network.layers:
            n_in, n_out = layer.n_in, layer.n_out
            size = (n_in + 1) * n_out
            w_aug = network.params[offset : offset + size].reshape(n_in + 1, n_out)
            g_aug = network.grads[offset : offset + size].reshape(n_in + 1, n_out)
            if _address(w_aug) != _address(layer.w) or _address(w_aug[n_in]) != _address(layer.b):
                raise ValueError("The layer's w and b are not [w; b] in the flat buffer.")
            self._plan.append((w_aug, g_aug, w_aug[:n_in].T, layer.activation, layer._act))
            offset += size
        self._buffers: dict[int, list[tuple[Array, Array, Array, Array, Array | None]]] = {}
        self.set_data(X, y)

    @staticmethod
    def supports(network: Network) -> bool:
        """True for a network of :class:`~.layers.Dense` layers without dropout."""
        return all(
            getattr(layer, "kind", None) == "dense" and layer.dropout == 0.0
            for layer in network.layers
        )

    def set_data(self, X: Array, y: Array) -> None:
        """Use new training data (e.g. reshuffled): ``X`` gets its column of ones."""
        self.source = X  # the array given, to tell when the caller's data has changed
        x_aug = np.empty((len(X), X.shape[1] + 1))
        x_aug[:, :-1] = X
        x_aug[:, -1] = 1.0
        self._x_aug = x_aug
        self._y = y

    def _batch_buffers(self, nb: int) -> list[tuple[Array, Array, Array, Array, Array | None]]:
        """Per layer: (input with ones column, z, output view, dz, dx) for batches of ``nb``."""
        bufs = []
        layers = self.network.layers
        nxt = [np.ones((nb, layer.n_in + 1)) for layer in layers[1:]]
        for i, layer in enumerate(layers):
            x_aug = nxt[i - 1] if i > 0 else np.empty((0, 0))  # layer 0 reads the data
            out = nxt[i][:, : layer.n_out] if i < len(layers) - 1 else np.empty((nb, layer.n_out))
            dx = np.empty((nb, layer.n_in)) if i > 0 else None
            bufs.append((x_aug, np.empty((nb, layer.n_out)), out, np.empty((nb, layer.n_out)), dx))
        self._buffers[nb] = bufs
        return bufs

    def accumulate_grad(self, start: int, stop: int) -> None:
        """Mean gradient of samples ``start:stop`` into ``network.grads``.

        Equivalent to ``network.accumulate_grad(X[start:stop], y[start:stop])``.
        """
        x0 = self._x_aug[start:stop]
        yb = self._y[start:stop]
        nb = len(x0)
        bufs = self._buffers.get(nb) or self._batch_buffers(nb)
        matmul, tanh = np.matmul, np.tanh
        last = len(bufs) - 1
        # forward: z = [x, 1] @ [w; b], a = g(z) written into the next layer's input
        acts = []
        for i, ((w_aug, _g, _wt, name, act), (x_aug, z, out, _dz, _dx)) in enumerate(
            zip(self._plan, bufs, strict=True)
        ):
            matmul(x0 if i == 0 else x_aug, w_aug, z)
            if name == "tanh":
                a = tanh(z, out)
            elif name == "linear" and i == last:
                a = z
            else:
                a = act.fn(z)
                out[...] = a
            acts.append(a)
        # backward: the head's gradient, then dz = da · g'(z), [dw; db] = [x, 1]ᵀ dz
        head = self.network.head
        a = acts[-1]
        if head.loss_name == "half_squared_error":
            d = np.subtract(a, yb.reshape(a.shape))
            d /= nb
        else:
            d = head.grad(a, yb)
        for i in range(len(bufs) - 1, -1, -1):
            w_aug, g_aug, wt, name, act = self._plan[i]
            x_aug, z, _out, dz, dx = bufs[i]
            a = acts[i]
            if name == "tanh":
                np.multiply(a, a, dz)
                np.subtract(1.0, dz, dz)
                np.multiply(d, dz, dz)  # da · (1 − a²)
            elif name == "linear":
                dz = d
            else:
                dz = d * act.derivative(z, a)
            matmul((x0 if i == 0 else x_aug).T, dz, g_aug)
            if dx is not None:
                d = matmul(dz, wt, dx)


__all__ = ["FastGradient"]
