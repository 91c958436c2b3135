"""Pretrained models shipped with the package, read with :mod:`importlib.resources`.

=====================  ==================================================================
name                   model
=====================  ==================================================================
``digits_mlp``         64-32-10 ReLU MLP on the 8x8 digits (clean training)
``digits_mlp_robust``  the same, adversarially trained (PGD, eps 0.1, mixed with clean)
=====================  ==================================================================

Both were written by ``python -m pyplayground.models._train_digits``; the file's
``"training"`` object records the settings and the test accuracies.  Loading works from
a wheel and in Pyodide.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Final

from pyplayground.engine import Network
from pyplayground.model_io import loads

__all__ = ["MODELS", "load_builtin", "model_metadata"]

MODELS: Final = ("digits_mlp", "digits_mlp_robust")


def _text(name: str) -> bytes:
    if name not in MODELS:
        raise ValueError(f"Unknown built-in model {name!r}; expected one of {list(MODELS)}.")
    return resources.files(__name__).joinpath(f"{name}.json").read_bytes()


def load_builtin(name: str = "digits_mlp") -> Network:
    """Load a shipped model by name (a fresh :class:`Network` on every call)."""
    return loads(_text(name), source=f"pyplayground.models/{name}.json")


def model_metadata(name: str = "digits_mlp") -> dict[str, Any]:
    """The ``"training"`` object of a shipped model (settings and test accuracies)."""
    return dict(json.loads(_text(name)).get("training", {}))
