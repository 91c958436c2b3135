"""Export a trained network as a standalone Python file that needs only NumPy.

The generated module embeds the weights as literals (``repr`` precision, so the
values are exact) and defines

- ``features(points)``: TF Playground's input features of raw ``(x1, x2)`` points,
- ``predict_features(matrix)``: the network on a feature matrix,
- ``predict(points)``: both, reproducing :meth:`Network.predict`,
- ``classify(points)``: the predicted label (±1, or the class index),
- ``main(argv)``: ``python model.py points.csv`` prints predictions as CSV.

Models whose inputs are not TF Playground features (e.g. ``pixel0..pixel63`` of
the digits) get only ``predict_features``; their CSV demo reads one column per
feature name.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType
from typing import Final

import numpy as np

from . import __version__
from .engine import Dense, Network
from .engine.activations import LEAKY_RELU_SLOPE
from .model_io import resolve_features

__all__ = ["ACTIVATION_SOURCE", "FEATURE_SOURCE", "export_python"]

_GELU_C: Final = float(np.sqrt(2.0 / np.pi))  # the engine's tanh-approximation constant

# Body of each engine activation as a function of the pre-activation ``z``; the
# formulas are the engine's, so exported predictions agree to rounding.
ACTIVATION_SOURCE: Final = MappingProxyType(
    {
        "tanh": "return np.tanh(z)",
        "relu": "return np.maximum(z, 0.0)",
        "sigmoid": (
            "e = np.exp(-np.abs(z))  # never overflows\n"
            "    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))"
        ),
        "linear": "return z",
        "leaky_relu": f"return np.where(z > 0, z, {LEAKY_RELU_SLOPE!r} * z)",
        "gelu": f"return 0.5 * z * (1.0 + np.tanh({_GELU_C!r} * (z + 0.044715 * z**3)))",
    }
)

# Source of each TF Playground feature (pyplayground.features.FEATURES) of x1, x2.
FEATURE_SOURCE: Final = MappingProxyType(
    {
        "x": "x1",
        "y": "x2",
        "xSquared": "x1 * x1",
        "ySquared": "x2 * x2",
        "xTimesY": "x1 * x2",
        "sinX": "np.sin(x1)",
        "sinY": "np.sin(x2)",
    }
)

_HEADER = '''"""Standalone predictor exported by pyplayground {version}; needs only NumPy.

Network {shape} ({problem}); inputs: {inputs}.

Usage::

    python model.py data.csv    # a CSV whose header names {csv_columns}
{usage}
"""

from __future__ import annotations

import csv
import sys

import numpy as np

PROBLEM = {problem!r}
FEATURES = {features!r}
POINT_INPUT = {point_input!r}  # True: inputs are computed from (x1, x2) points
'''

_BODY = '''

def features(points):
    """Return the feature matrix, shape (n, len(FEATURES)), of points of shape (n, 2)."""
    if not POINT_INPUT:
        raise ValueError(
            "This model's inputs are not computed from (x1, x2) points; "
            "call predict_features with a matrix whose columns are FEATURES."
        )
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2); got {points.shape}.")
    x1, x2 = points[:, 0], points[:, 1]
    return np.column_stack([np.broadcast_to(f(x1, x2), x1.shape) for f in _FEATURE_FNS])


def predict_features(matrix):
    """Return the network outputs, shape (n, n_outputs), for a feature matrix.

    Values are tanh outputs in [-1, 1] (classification), real values (regression)
    or class probabilities (multiclass), as ``Network.predict`` gives them.
    """
    x = np.asarray(matrix, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(FEATURES):
        raise ValueError(f"matrix must have shape (n, {len(FEATURES)}); got {x.shape}.")
    for w, b, activation in LAYERS:
        x = activation(x @ w + b)
    if PROBLEM == "multiclass":
        shifted = x - x.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        x = e / e.sum(axis=1, keepdims=True)
    return x


def predict(points):
    """Return the network outputs, shape (n, n_outputs), for raw points of shape (n, 2)."""
    return predict_features(features(points))


def _labels(out):
    if PROBLEM == "classification":
        return np.where(out[:, 0] >= 0, 1, -1)
    if PROBLEM == "multiclass":
        return np.argmax(out, axis=1)
    return None


def classify(points):
    """Return the predicted labels: +1/-1 (classification) or class indices (multiclass)."""
    labels = _labels(predict(points))
    if labels is None:
        raise ValueError("classify needs a classification or multiclass model.")
    return labels


def _read_columns(path, columns):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = [row for row in csv.reader(fh, skipinitialspace=True) if any(c.strip() for c in row)]
    if not rows:
        raise ValueError(f"{path}: empty file; expected a header naming {list(columns)}.")
    header = [c.strip() for c in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise ValueError(f"{path}: missing column(s) {missing} in the header {header}.")
    idx = [header.index(c) for c in columns]
    return np.array([[float(row[i]) for i in idx] for row in rows[1:]], dtype=np.float64)


def main(argv=None):
    """Print ``inputs..., outputs...`` as CSV for the points in a CSV file."""
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__)
        return 2
    columns = ["x1", "x2"] if POINT_INPUT else list(FEATURES)
    data = _read_columns(argv[0], columns).reshape(-1, len(columns))
    out = predict(data) if POINT_INPUT else predict_features(data)
    labels = _labels(out)
    names = ["output"] if out.shape[1] == 1 else [f"p{k}" for k in range(out.shape[1])]
    writer = csv.writer(sys.stdout, lineterminator="\\n")
    writer.writerow(columns + names + ([] if labels is None else ["label"]))
    for i in range(len(data)):
        extra = [] if labels is None else [int(labels[i])]
        writer.writerow([repr(float(v)) for v in (*data[i], *out[i])] + extra)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
'''


def _floats(values: np.ndarray) -> str:
    return "[" + ", ".join(repr(float(v)) for v in values) + "]"


def _layer_source(i: int, layer: Dense) -> str:
    rows = "".join(f"            {_floats(row)},\n" for row in layer.w)
    return (
        f"    (  # layer {i + 1}: {layer.n_in} -> {layer.n_out}, {layer.activation}\n"
        f"        np.array([\n{rows}        ]),\n"
        f"        np.array({_floats(layer.b)}),\n"
        f"        _{layer.activation},\n"
        f"    ),\n"
    )


def _activation_defs(names: Sequence[str]) -> str:
    defs = []
    for name in dict.fromkeys(names):  # each used activation once, in order
        defs.append(f"\n\ndef _{name}(z):\n    {ACTIVATION_SOURCE[name]}\n")
    return "".join(defs)


def _check_exportable(net: Network) -> None:
    for i, layer in enumerate(net.layers):
        if not isinstance(layer, Dense):
            raise ValueError(f"Only Dense layers can be exported; layer {i} is {layer!r}.")
        if layer.activation not in ACTIVATION_SOURCE:
            raise ValueError(
                f"Activation {layer.activation!r} of layer {i} cannot be exported; "
                f"expected one of {sorted(ACTIVATION_SOURCE)}."
            )
    if not np.isfinite(net.params).all():
        raise ValueError("Cannot export a network with infinite or NaN parameters.")


def export_python(net: Network, features: Sequence[str] | None = None) -> str:
    """Return the source of a NumPy-only Python module that reproduces ``net.predict``.

    Parameters
    ----------
    net : Network
        A network of :class:`~pyplayground.engine.Dense` layers.
    features : sequence of str, optional
        Input names, one per input; defaults to ``net.feature_names``. When every
        name is a TF Playground feature key (``"x"``, ``"sinY"``, ...), the module's
        ``predict(points)`` computes the features from raw ``(x1, x2)`` points.

    Returns
    -------
    str
        Python source; write it to ``model.py`` and ``import model`` or run
        ``python model.py points.csv``.

    Raises
    ------
    ValueError
        For non-Dense layers, activations without an export formula, non-finite
        parameters, or a wrong number of feature names.
    """
    _check_exportable(net)
    names = tuple(resolve_features(net, features))
    point_input = all(name in FEATURE_SOURCE for name in names)
    shape = "-".join(str(s) for s in (net.n_inputs, *net.hidden_sizes, net.n_outputs))
    header = _HEADER.format(
        version=__version__,
        shape=shape,
        problem=net.problem,
        inputs=", ".join(names),
        features=names,
        point_input=point_input,
        csv_columns="x1 and x2" if point_input else "every input in FEATURES",
        usage=(
            "    predict([[0.5, -1.0]])          # raw (x1, x2) points -> outputs"
            if point_input
            else "    predict_features(matrix)        # columns in the order of FEATURES"
        ),
    )
    fns = (
        "".join(f"    lambda x1, x2: {FEATURE_SOURCE[n]},  # {n}\n" for n in names)
        if point_input
        else ""
    )
    layers = "".join(_layer_source(i, layer) for i, layer in enumerate(net.layers))
    return (
        header
        + _activation_defs([layer.activation for layer in net.layers])
        + f"\n\n_FEATURE_FNS = [\n{fns}]\n\n# (weights (n_in, n_out), biases, activation)"
        + f" per layer; the last is the output layer\nLAYERS = [\n{layers}]\n"
        + _BODY
    )
