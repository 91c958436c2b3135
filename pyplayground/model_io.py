"""Save and load networks as JSON (format ``pyplayground-model/1``).

A model file is one JSON object::

    {"format": "pyplayground-model/1",
     "problem": "classification",
     "features": ["x", "y"],
     "layers": [{"weights": [[...], ...], "biases": [...], "activation": "tanh"}, ...]}

``weights`` of a layer is an ``n_in x n_out`` matrix (row ``i`` holds the weights
leaving input ``i``), and the last layer is the output layer. Its activation is
fixed by the problem: ``"tanh"`` for classification, ``"linear"`` for regression
and ``"softmax"`` for multiclass (the engine keeps linear logits in the last layer
and applies softmax in the head). Optional per-layer ``"frozen"`` (bool matrix
shaped like ``weights``; L1-killed links) and ``"dropout"`` (float), and a
top-level ``"training"`` object of free-form metadata, may be present.

Every defect of a file raises :class:`ModelFormatError`, whose message names the
source and the JSON path, e.g.
``m.json: layers[1].weights: expected 4 rows (the previous layer's outputs), got 3``.
See ``docs/model-format.md``.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np

from .engine import ACTIVATIONS, HEADS, Dense, Network

__all__ = [
    "FORMAT",
    "OUTPUT_ACTIVATIONS",
    "ModelFormatError",
    "dumps",
    "load_model",
    "loads",
    "network_from_dict",
    "network_to_dict",
    "resolve_features",
    "save_model",
]

FORMAT: Final = "pyplayground-model/1"
# The activation a file names for the output layer of each problem.
OUTPUT_ACTIVATIONS: Final = {
    "classification": "tanh",
    "regression": "linear",
    "multiclass": "softmax",
}


class ModelFormatError(ValueError):
    """A malformed model file; the message reads ``source: json.path: what is wrong``."""


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def resolve_features(net: Network, features: Sequence[str] | None = None) -> list[str]:
    """Return the input names to record for ``net``.

    Parameters
    ----------
    net : Network
    features : sequence of str, optional
        Explicit names, one per input. Defaults to ``net.feature_names``, else
        ``"input0"``, ``"input1"``, ... (names that no point can be mapped to).

    Returns
    -------
    list of str

    Raises
    ------
    ValueError
        If the number of names differs from ``net.n_inputs``, or a name is
        empty or repeated.
    """
    if features is None:
        features = net.feature_names
    if features is None:  # nothing known about the inputs: name them by position
        return [f"input{i}" for i in range(net.n_inputs)]
    if isinstance(features, str):
        raise ValueError(f"features must be a sequence of names, not the string {features!r}.")
    names = [str(f) for f in features]
    if len(names) != net.n_inputs:
        raise ValueError(
            f"{len(names)} feature names given for a network with {net.n_inputs} inputs."
        )
    if not all(names) or len(set(names)) != len(names):
        raise ValueError(f"Feature names must be non-empty and distinct. Got {names}.")
    return names


def network_to_dict(
    net: Network,
    features: Sequence[str] | None = None,
    *,
    training: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Describe ``net`` as a JSON-ready dict in the ``pyplayground-model/1`` format.

    Parameters
    ----------
    net : Network
        A network of :class:`~pyplayground.engine.Dense` layers.
    features : sequence of str, optional
        Input names, one per input; defaults to ``net.feature_names``, else
        ``"input0"``, ``"input1"``, ...
    training : mapping, optional
        Free-form JSON-serialisable metadata (e.g. the training configuration),
        stored under ``"training"``.

    Returns
    -------
    dict
        Floats are written with ``repr`` precision, so a round trip is exact.

    Raises
    ------
    ValueError
        For a layer that is not ``Dense``, an output activation that does not
        match the head, non-finite parameters or a wrong number of feature names.
    """
    expected_out = HEADS[net.problem].output_activation
    if not np.isfinite(net.params).all():
        raise ValueError("Cannot save a network with infinite or NaN parameters.")
    layers = []
    for i, layer in enumerate(net.layers):
        if not isinstance(layer, Dense):
            raise ValueError(f"Only Dense layers can be saved; layer {i} is {layer!r}.")
        activation = layer.activation
        if i == len(net.layers) - 1:
            if activation != expected_out:
                raise ValueError(
                    f"The output layer's activation is {activation!r}, but a {net.problem} "
                    f"network needs {expected_out!r}."
                )
            activation = OUTPUT_ACTIVATIONS[net.problem]
        entry: dict[str, Any] = {
            "weights": layer.w.tolist(),
            "biases": layer.b.tolist(),
            "activation": activation,
        }
        if layer.frozen.any():
            entry["frozen"] = layer.frozen.tolist()
        if layer.dropout > 0:
            entry["dropout"] = layer.dropout
        layers.append(entry)
    out: dict[str, Any] = {
        "format": FORMAT,
        "problem": net.problem,
        "features": resolve_features(net, features),
        "layers": layers,
    }
    if training is not None:
        out["training"] = dict(training)
    return out


def dumps(
    net: Network,
    features: Sequence[str] | None = None,
    *,
    training: Mapping[str, Any] | None = None,
    indent: int | None = None,
) -> str:
    """Return the model file text of ``net`` (see :func:`network_to_dict`)."""
    return json.dumps(
        network_to_dict(net, features, training=training), indent=indent, allow_nan=False
    )


def save_model(
    net: Network,
    path: str | os.PathLike[str],
    features: Sequence[str] | None = None,
    *,
    training: Mapping[str, Any] | None = None,
) -> None:
    """Write ``net`` to ``path`` as a ``pyplayground-model/1`` JSON file.

    Parameters
    ----------
    net : Network
    path : str or path-like
    features : sequence of str, optional
        See :func:`network_to_dict`.
    training : mapping, optional
        Metadata stored under ``"training"``.
    """
    text = dumps(net, features, training=training)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.write("\n")


# --------------------------------------------------------------------------------------------
# Reading and validation
# --------------------------------------------------------------------------------------------


def _describe(value: object) -> str:
    """Name a JSON value's type the way a JSON author thinks of it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


class _Checker:
    """Raises :class:`ModelFormatError` with the source prefixed."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, message: str) -> ModelFormatError:
        """Return (for the caller to raise) an error located at ``path``."""
        return ModelFormatError(f"{self.source}: {path}: {message}")

    def get(self, obj: dict[str, Any], key: str, path: str, kind: type) -> Any:
        """Return ``obj[key]``, which must exist and be of JSON type ``kind``."""
        where = f"{path}.{key}" if path else key
        if key not in obj:
            raise self.fail(where, "missing required field.")
        value = obj[key]
        if not isinstance(value, kind):
            what = {dict: "an object", list: "an array", str: "a string"}[kind]
            raise self.fail(where, f"expected {what}, got {_describe(value)}.")
        return value

    def matrix(self, value: object, path: str, n_rows: int, why: str) -> np.ndarray:
        """A rectangular array of finite numbers with ``n_rows`` rows."""
        if not isinstance(value, list):
            raise self.fail(path, f"expected an array of rows, got {_describe(value)}.")
        if len(value) != n_rows:
            raise self.fail(path, f"expected {n_rows} rows ({why}), got {len(value)}.")
        n_cols = None
        for i, row in enumerate(value):
            if not isinstance(row, list):
                raise self.fail(f"{path}[{i}]", f"expected an array, got {_describe(row)}.")
            if n_cols is None:
                n_cols = len(row)
                if n_cols == 0:
                    raise self.fail(f"{path}[0]", "expected at least 1 column, got 0.")
            elif len(row) != n_cols:
                raise self.fail(
                    f"{path}[{i}]",
                    f"expected {n_cols} columns like row 0 (rows must be "
                    f"equally long), got {len(row)}.",
                )
            self._check_numbers(row, f"{path}[{i}]")
        return np.array(value, dtype=np.float64).reshape(n_rows, n_cols or 0)

    def vector(self, value: object, path: str, n: int, why: str) -> np.ndarray:
        """A list of ``n`` finite numbers."""
        if not isinstance(value, list):
            raise self.fail(path, f"expected an array of numbers, got {_describe(value)}.")
        if len(value) != n:
            raise self.fail(path, f"expected {n} values ({why}), got {len(value)}.")
        self._check_numbers(value, path)
        return np.array(value, dtype=np.float64)

    def _check_numbers(self, values: list[Any], path: str) -> None:
        for j, v in enumerate(values):
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise self.fail(f"{path}[{j}]", f"expected a number, got {_describe(v)}.")
            if not math.isfinite(v):
                raise self.fail(f"{path}[{j}]", f"expected a finite number, got {v!r}.")


def _check_header(ck: _Checker, d: object) -> tuple[str, list[str], list[Any]]:
    if not isinstance(d, dict):
        raise ck.fail("(top level)", f"expected a JSON object, got {_describe(d)}.")
    fmt = ck.get(d, "format", "", str)
    if fmt != FORMAT:
        newer = fmt.startswith("pyplayground-model/")
        hint = " (written by a newer pyplayground?)" if newer else ""
        raise ck.fail("format", f"expected {FORMAT!r}, got {fmt!r}{hint}.")
    problem = ck.get(d, "problem", "", str)
    if problem not in OUTPUT_ACTIVATIONS:
        raise ck.fail("problem", f"expected one of {list(OUTPUT_ACTIVATIONS)}, got {problem!r}.")
    features = ck.get(d, "features", "", list)
    for i, name in enumerate(features):
        if not isinstance(name, str) or not name:
            raise ck.fail(f"features[{i}]", f"expected a non-empty string, got {name!r}.")
    if not features:
        raise ck.fail("features", "expected at least one feature name, got [].")
    if len(set(features)) != len(features):
        dup = next(f for f in features if features.count(f) > 1)
        raise ck.fail("features", f"feature {dup!r} is listed twice.")
    layers = ck.get(d, "layers", "", list)
    if not layers:
        raise ck.fail("layers", "expected at least one (output) layer, got [].")
    if "training" in d and not isinstance(d["training"], dict):
        raise ck.fail("training", f"expected an object, got {_describe(d['training'])}.")
    return problem, features, layers


def _check_activation(ck: _Checker, act: str, path: str, problem: str, is_output: bool) -> str:
    """Return the engine's activation name for a layer."""
    if is_output:
        want = OUTPUT_ACTIVATIONS[problem]
        if act != want:
            raise ck.fail(
                path, f"the output layer of a {problem} model must use {want!r}, got {act!r}."
            )
        return HEADS[problem].output_activation
    if act == "softmax":
        raise ck.fail(path, "'softmax' is only allowed on the output layer of a multiclass model.")
    if act not in ACTIVATIONS:
        raise ck.fail(path, f"unknown activation {act!r}; expected one of {sorted(ACTIVATIONS)}.")
    return act


def _check_output_size(ck: _Checker, path: str, problem: str, n_out: int) -> None:
    if problem == "multiclass" and n_out < 3:  # as build_mlp: 2 classes are "classification"
        raise ck.fail(path, f"a multiclass output layer needs >= 3 columns (classes), got {n_out}.")
    if problem != "multiclass" and n_out != 1:
        raise ck.fail(path, f"a {problem} output layer needs exactly 1 column, got {n_out}.")


def _build_layer(
    ck: _Checker, entry: object, i: int, n_in: int, problem: str, is_output: bool
) -> Dense:
    path = f"layers[{i}]"
    if not isinstance(entry, dict):
        raise ck.fail(path, f"expected an object, got {_describe(entry)}.")
    why = "one per feature" if i == 0 else "the previous layer's outputs"
    w = ck.matrix(ck.get(entry, "weights", path, list), f"{path}.weights", n_in, why)
    n_out = w.shape[1]
    b = ck.vector(
        ck.get(entry, "biases", path, list), f"{path}.biases", n_out, "one per column of weights"
    )
    if is_output:
        _check_output_size(ck, f"{path}.weights", problem, n_out)
    act_name = ck.get(entry, "activation", path, str)
    act = _check_activation(ck, act_name, f"{path}.activation", problem, is_output)
    dropout = entry.get("dropout", 0.0)
    if isinstance(dropout, bool) or not isinstance(dropout, int | float) or not 0 <= dropout < 1:
        raise ck.fail(f"{path}.dropout", f"expected a number in [0, 1), got {dropout!r}.")
    layer = Dense(n_in, n_out, act, dropout=0.0 if is_output else float(dropout))
    layer.w, layer.b = w, b
    if "frozen" in entry:
        layer.frozen = _frozen_mask(ck, entry["frozen"], f"{path}.frozen", w.shape)
    return layer


def _frozen_mask(ck: _Checker, value: object, path: str, shape: tuple[int, int]) -> np.ndarray:
    ok = (
        isinstance(value, list)
        and len(value) == shape[0]
        and all(isinstance(r, list) and len(r) == shape[1] for r in value)
    )
    if not ok:
        raise ck.fail(path, f"expected a {shape[0]} x {shape[1]} array of booleans like weights.")
    for i, row in enumerate(value):  # type: ignore[arg-type]
        for j, v in enumerate(row):
            if not isinstance(v, bool):
                raise ck.fail(f"{path}[{i}][{j}]", f"expected true or false, got {_describe(v)}.")
    return np.array(value, dtype=bool).reshape(shape)


def network_from_dict(d: Mapping[str, Any], *, source: str = "<dict>") -> Network:
    """Build a :class:`~pyplayground.engine.Network` from a model dict.

    Parameters
    ----------
    d : mapping
        A parsed ``pyplayground-model/1`` object.
    source : str, default "<dict>"
        Name of where ``d`` came from, used as the prefix of error messages.

    Returns
    -------
    Network
        With ``feature_names`` from ``"features"`` and frozen links restored.

    Raises
    ------
    ModelFormatError
        For any defect, naming ``source`` and the JSON path of the offending value.
    """
    ck = _Checker(source)
    problem, features, entries = _check_header(ck, dict(d) if isinstance(d, Mapping) else d)
    n_in = len(features)
    layers = []
    for i, entry in enumerate(entries):
        layer = _build_layer(ck, entry, i, n_in, problem, is_output=i == len(entries) - 1)
        layers.append(layer)
        n_in = layer.n_out
    return Network(layers, problem, features)


def loads(text: str | bytes, *, source: str = "<string>") -> Network:
    """Parse model file text; see :func:`network_from_dict`.

    Raises
    ------
    ModelFormatError
        Also for text that is not valid JSON (the message gives line and column).
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ModelFormatError(f"{source}: not UTF-8 text ({exc.reason}).") from None
    try:
        d = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFormatError(
            f"{source}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg})."
        ) from None
    return network_from_dict(d, source=source)


def load_model(path: str | os.PathLike[str]) -> Network:
    """Read a ``pyplayground-model/1`` file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    Network

    Raises
    ------
    ModelFormatError
        For a malformed file; the message starts with ``path``.
    OSError
        If the file cannot be read.
    """
    with open(path, "rb") as fh:
        data = fh.read()
    return loads(data, source=os.fspath(path))
