"""The pure-NumPy network engine: layers, activations, losses, optimizers.

Imports only NumPy and the standard library, so it runs unchanged in Pyodide.
"""

from __future__ import annotations

from .activations import ACTIVATIONS, activation_backward, activation_forward, get_activation
from .gradcheck import numerical_gradient, rel_error
from .initializers import INITIALIZERS, get_initializer
from .layers import Dense, Layer, dense_backward, dense_forward, dropout_backward, dropout_forward
from .losses import HEADS, get_head, half_squared_error, softmax, softmax_cross_entropy
from .network import Network, build_mlp, evaluate_grid
from .optim import OPTIMIZERS, SGD, Adam, Momentum, make_optimizer
from .regularizers import REGULARIZERS, apply_regularization, get_regularizer

__all__ = [
    "ACTIVATIONS",
    "HEADS",
    "INITIALIZERS",
    "OPTIMIZERS",
    "REGULARIZERS",
    "SGD",
    "Adam",
    "Dense",
    "Layer",
    "Momentum",
    "Network",
    "activation_backward",
    "activation_forward",
    "apply_regularization",
    "build_mlp",
    "dense_backward",
    "dense_forward",
    "dropout_backward",
    "dropout_forward",
    "evaluate_grid",
    "get_activation",
    "get_head",
    "get_initializer",
    "get_regularizer",
    "half_squared_error",
    "make_optimizer",
    "numerical_gradient",
    "rel_error",
    "softmax",
    "softmax_cross_entropy",
]
