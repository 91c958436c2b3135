"""A sequential network whose parameters live in one flat buffer.

Every layer's ``w`` and ``b`` are views into :attr:`Network.params`, and its
gradients are views into :attr:`Network.grads`.  Optimizers and regularizers
therefore touch every parameter with a few vector operations, whatever the
depth.  Layers follow the :class:`~pyplayground.engine.layers.Layer`
protocol, so other layer kinds (convolutions) stack the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._types import Array, BoolArray
from .activations import get_activation
from .initializers import get_initializer
from .layers import Dense
from .losses import Head, get_head, softmax


class Network:
    """A stack of layers with an output head (activation + loss).

    Parameters
    ----------
    layers : sequence of Dense
        The last layer is the output layer.
    problem : {"classification", "regression", "multiclass"}
        Selects the head; see :mod:`pyplayground.engine.losses`.
    feature_names : sequence of str, optional
        Names of the input features (metadata saved in model files).

    Attributes
    ----------
    params, grads : ndarray of shape (n_params,)
        Flat parameter and gradient buffers; layer attributes are views.
    weight_mask : ndarray of bool, shape (n_params,)
        True for weights (regularized), False for biases.
    frozen : ndarray of bool, shape (n_params,)
        Links frozen by L1 regularization; True only at weight positions.
    """

    def __init__(
        self,
        layers: Sequence[Dense],
        problem: str = "classification",
        feature_names: Sequence[str] | None = None,
    ) -> None:
        if not layers:
            raise ValueError("A network needs at least one (output) layer.")
        for prev, nxt in itertools.pairwise(layers):
            if prev.n_out != nxt.n_in:
                raise ValueError(
                    f"Layer sizes do not chain: {prev!r} outputs {prev.n_out} values "
                    f"but {nxt!r} expects {nxt.n_in}."
                )
        self.head: Head = get_head(problem)
        self.layers: list[Dense] = list(layers)
        self.feature_names: tuple[str, ...] | None = (
            tuple(feature_names) if feature_names is not None else None
        )
        if self.feature_names is not None and len(self.feature_names) != self.n_inputs:
            raise ValueError(
                f"{len(self.feature_names)} feature names given for {self.n_inputs} inputs."
            )
        self._allocate()

    def _allocate(self) -> None:
        sizes = [int(np.prod(s)) for layer in self.layers for s in layer.param_shapes().values()]
        n = sum(sizes)
        self.params: Array = np.zeros(n)
        self.grads: Array = np.zeros(n)
        self.weight_mask: BoolArray = np.zeros(n, dtype=bool)
        self.frozen: BoolArray = np.zeros(n, dtype=bool)
        offset = 0
        for layer in self.layers:
            pviews: dict[str, Array] = {}
            gviews: dict[str, Array] = {}
            for name, shape in layer.param_shapes().items():
                size = int(np.prod(shape))
                sl = slice(offset, offset + size)
                pviews[name] = self.params[sl].reshape(shape)
                gviews[name] = self.grads[sl].reshape(shape)
                if name == "w":
                    self.weight_mask[sl] = True
                    self.frozen[sl] = layer.frozen.reshape(-1)
                    layer.frozen = self.frozen[sl].reshape(shape)
                offset += size
            layer.bind(pviews, gviews)

    # ------------------------------------------------------------------ shape
    @property
    def problem(self) -> str:
        """The head's problem type."""
        return self.head.problem

    @property
    def n_inputs(self) -> int:
        """Number of input features."""
        return self.layers[0].n_in

    @property
    def n_outputs(self) -> int:
        """Number of output units (1, or the number of classes)."""
        return self.layers[-1].n_out

    @property
    def hidden_sizes(self) -> tuple[int, ...]:
        """Sizes of the hidden layers."""
        return tuple(layer.n_out for layer in self.layers[:-1])

    @property
    def n_params(self) -> int:
        """Total number of trainable parameters."""
        return int(self.params.size)

    def __repr__(self) -> str:
        shape = "-".join(str(s) for s in (self.n_inputs, *self.hidden_sizes, self.n_outputs))
        return f"Network({shape}, problem={self.problem!r})"

    # ---------------------------------------------------------------- passes
    def forward(
        self, x: Array, *, training: bool = False, rng: np.random.Generator | None = None
    ) -> tuple[Array, list[Any]]:
        """Run every layer; returns the raw output (logits for softmax) and caches."""
        caches = []
        for layer in self.layers:
            x, cache = layer.forward(x, training=training, rng=rng)
            caches.append(cache)
        return x, caches

    def backward(self, dout: Array, caches: list[Any], *, need_dx: bool = False) -> Array | None:
        """Backpropagate ``dout``; fills :attr:`grads` and optionally returns ``dx``."""
        last = len(self.layers) - 1
        d: Array | None = dout
        for i in range(last, -1, -1):
            d = self.layers[i].backward(d, caches[i], need_dx=(i > 0 or need_dx))
        return d

    def loss_and_grad(
        self,
        x: Array,
        y: Array,
        *,
        training: bool = True,
        rng: np.random.Generator | None = None,
    ) -> float:
        """Mean data loss on ``(x, y)``; the mean gradient is left in :attr:`grads`."""
        out, caches = self.forward(x, training=training, rng=rng)
        loss, dout = self.head.loss(out, y)
        self.backward(dout, caches)
        return loss

    def accumulate_grad(
        self, x: Array, y: Array, *, rng: np.random.Generator | None = None
    ) -> None:
        """Like :meth:`loss_and_grad` in training mode, without computing the loss value."""
        out, caches = self.forward(x, training=True, rng=rng)
        self.backward(self.head.grad(out, y), caches)

    def input_gradient(self, x: Array, y: Array) -> tuple[float, Array]:
        """Loss and its gradient with respect to the inputs ``x`` (for attacks)."""
        out, caches = self.forward(x)
        loss, dout = self.head.loss(out, y)
        dx = self.backward(dout, caches, need_dx=True)
        assert dx is not None
        return loss, dx

    def loss(self, x: Array, y: Array) -> float:
        """Mean data loss without touching the gradients."""
        out, _ = self.forward(x)
        return self.head.loss(out, y)[0]

    def predict(self, x: Array) -> Array:
        """Outputs as a user sees them: tanh/linear values or class probabilities."""
        out, _ = self.forward(x)
        return self.head.predict(out)

    def activations(self, x: Array) -> list[Array]:
        """Post-activation output of every layer (softmax applied to the last)."""
        outs = []
        for layer in self.layers:
            x, _ = layer.forward(x)
            outs.append(x)
        outs[-1] = self.head.predict(outs[-1])
        return outs

    # ------------------------------------------------------------ utilities
    def copy(self) -> Network:
        """A deep copy (parameters and frozen links)."""
        layers = [Dense(lay.n_in, lay.n_out, lay.activation, lay.dropout) for lay in self.layers]
        net = Network(layers, self.problem, self.feature_names)
        net.params[...] = self.params
        net.frozen[...] = self.frozen
        return net

    def set_parameter(self, layer: int, kind: str, index: tuple[int, ...], value: float) -> None:
        """Set one weight (``kind="w"``, ``index=(i, j)``) or bias (``"b"``, ``(j,)``).

        An edited weight keeps its frozen flag, as in TF Playground.
        """
        if not 0 <= layer < len(self.layers):
            raise ValueError(f"layer must be in [0, {len(self.layers) - 1}]. Got {layer}.")
        if kind not in ("w", "b"):
            raise ValueError(f"kind must be 'w' or 'b'. Got {kind!r}.")
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"A parameter value must be finite. Got {value!r}.")
        target = self.layers[layer].w if kind == "w" else self.layers[layer].b
        try:
            target[index] = value
        except IndexError:
            raise ValueError(
                f"index {index} is out of range for {kind} of shape {target.shape}."
            ) from None


def build_mlp(
    n_inputs: int,
    hidden: Sequence[int],
    n_outputs: int = 1,
    *,
    activation: str | Sequence[str] = "tanh",
    problem: str = "classification",
    init: str = "playground",
    dropout: float = 0.0,
    feature_names: Sequence[str] | None = None,
    rng: np.random.Generator,
) -> Network:
    """Build a fully connected network.

    Parameters
    ----------
    n_inputs : int
        Number of input features.
    hidden : sequence of int
        Hidden layer sizes (may be empty: a linear model on the features).
    n_outputs : int, default 1
        Output units (the number of classes for ``problem="multiclass"``).
    activation : str or sequence of str, default "tanh"
        Hidden activation, or one per hidden layer.
    problem : {"classification", "regression", "multiclass"}
        Picks the output activation and loss (tanh / linear / softmax).
    init : {"playground", "xavier", "he", "zeros"}
        Initializer for every layer.
    dropout : float, default 0.0
        Dropout rate on hidden layer outputs while training.
    feature_names : sequence of str, optional
        Input names, stored as metadata.
    rng : numpy.random.Generator
        Source of every random number; weights are drawn layer by layer.

    Returns
    -------
    Network
    """
    hidden = [int(h) for h in hidden]
    if int(n_inputs) < 1:
        raise ValueError(f"The 'n_inputs' parameter must be >= 1. Got {n_inputs!r}.")
    if any(h < 1 for h in hidden):
        raise ValueError(f"Every hidden layer needs >= 1 neuron. Got {hidden!r}.")
    head = get_head(problem)
    if problem == "multiclass" and n_outputs < 3:
        raise ValueError(f"A multiclass network needs n_outputs >= 3. Got {n_outputs!r}.")
    acts = [activation] * len(hidden) if isinstance(activation, str) else list(activation)
    if len(acts) != len(hidden):
        raise ValueError(f"{len(acts)} activations given for {len(hidden)} hidden layers.")
    for act in acts:
        get_activation(act)
    init_fn = get_initializer(init)
    sizes = [int(n_inputs), *hidden, int(n_outputs)]
    layers = []
    for i, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
        is_output = i == len(sizes) - 2
        act = head.output_activation if is_output else acts[i]
        layer = Dense(n_in, n_out, act, dropout=0.0 if is_output else dropout)
        layer.w, layer.b = init_fn(n_in, n_out, rng)
        layers.append(layer)
    return Network(layers, problem, feature_names)


def evaluate_grid(network: Network, grid: Array, dtype: type = np.float32) -> list[Array]:
    """Every neuron's output over a grid of inputs, in one vectorised pass.

    Parameters
    ----------
    network : Network
    grid : ndarray of shape (n_points, n_inputs)
        Feature matrix of the grid points (see ``features.feature_grid``).
    dtype : numpy dtype, default float32
        Precision of the pass; float32 halves the work for display-only use.

    Returns
    -------
    list of ndarray
        ``[inputs, layer_1, ..., output]``, each of shape (n_units, n_points):
        row ``k`` is unit ``k``'s value at every grid point, contiguous, so
        ``out[k].reshape(n, n)`` is its heatmap.  Softmax is applied to the
        output of a multiclass network.
    """
    xt = np.ascontiguousarray(grid.T, dtype=dtype)
    outs = [xt]
    for layer in network.layers:
        z = layer.w.T.astype(dtype) @ xt
        z += layer.b.astype(dtype)[:, None]
        xt = get_activation(layer.activation).fn(z)
        outs.append(xt)
    if network.problem == "multiclass":
        outs[-1] = softmax(outs[-1].T).T.copy()
    return outs


__all__ = ["Network", "build_mlp", "evaluate_grid"]
