"""TF Playground's seven input features and the heatmap grid they are evaluated on.

Grid layout (the UI's heatmaps rely on it)
------------------------------------------
:func:`grid_points` returns ``n * n`` points in row-major image order. Row ``j`` (0 at the
top) has ``x2 = extent - 2 * extent * j / (n - 1)`` and column ``i`` (0 at the left) has
``x1 = -extent + 2 * extent * i / (n - 1)``; point ``j * n + i`` is ``(x1_i, x2_j)``. So
``values.reshape(n, n)`` is an image whose top-left pixel is ``(-extent, +extent)`` and whose
bottom-right pixel is ``(+extent, -extent)``, as TF Playground's ``xScale``/``yScale`` give.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

import numpy as np

__all__ = [
    "DEFAULT_FEATURES",
    "FEATURES",
    "FEATURE_NAMES",
    "Feature",
    "feature_grid",
    "feature_matrix",
    "get_feature",
    "grid_points",
]


@dataclass(frozen=True, slots=True)
class Feature:
    """One input feature.

    Attributes
    ----------
    name : str
        The URL key, e.g. ``"xSquared"``.
    label : str
        The label shown next to the input node, e.g. ``"X₁²"``.
    fn : callable
        ``fn(x1, x2) -> values``, vectorised over arrays of equal shape.
    """

    name: str
    label: str
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray]


_FEATURES = (
    Feature("x", "X₁", lambda x1, x2: x1),
    Feature("y", "X₂", lambda x1, x2: x2),
    Feature("xSquared", "X₁²", lambda x1, x2: x1 * x1),
    Feature("ySquared", "X₂²", lambda x1, x2: x2 * x2),
    Feature("xTimesY", "X₁X₂", lambda x1, x2: x1 * x2),
    Feature("sinX", "sin(X₁)", lambda x1, x2: np.sin(x1)),
    Feature("sinY", "sin(X₂)", lambda x1, x2: np.sin(x2)),
)
FEATURES: Final[Mapping[str, Feature]] = MappingProxyType({f.name: f for f in _FEATURES})
FEATURE_NAMES: Final = tuple(FEATURES)
DEFAULT_FEATURES: Final = ("x", "y")


def get_feature(name: str) -> Feature:
    """Return the feature registered as ``name``.

    Parameters
    ----------
    name : str
        One of ``FEATURE_NAMES``.

    Returns
    -------
    feature : Feature

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid names and suggests the closest.
    """
    try:
        return FEATURES[name]
    except (KeyError, TypeError):
        same_case = [key for key in FEATURE_NAMES if key.lower() == str(name).lower()]
        close = same_case or difflib.get_close_matches(str(name), FEATURE_NAMES, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"Unknown feature {name!r}; expected one of {list(FEATURE_NAMES)}.{hint}"
        ) from None


def _check_names(names: Sequence[str]) -> list[Feature]:
    if isinstance(names, str):
        raise ValueError(f"names must be a sequence of feature names, not the string {names!r}.")
    features = [get_feature(name) for name in names]
    if len({f.name for f in features}) != len(features):
        raise ValueError(f"names must not repeat a feature; got {list(names)}.")
    return features


def feature_matrix(points: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Evaluate the named features at each point.

    Parameters
    ----------
    points : array-like of shape (n_points, 2)
        Columns ``x1`` and ``x2``.
    names : sequence of str
        Feature names from ``FEATURE_NAMES``, in the column order wanted (no repeats).

    Returns
    -------
    matrix : ndarray of shape (n_points, len(names)), float64
        ``matrix[:, k] = FEATURES[names[k]].fn(x1, x2)``.
    """
    features = _check_names(names)
    points = np.asarray(points, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n_points, 2); got {points.shape}.")
    x1, x2 = points[:, 0], points[:, 1]
    out = np.empty((len(points), len(features)), dtype=np.float64)
    for k, feature in enumerate(features):
        out[:, k] = feature.fn(x1, x2)
    return out


def grid_points(n: int = 100, extent: float = 6.0) -> np.ndarray:
    """Return TF Playground's ``n`` x ``n`` heatmap grid over ``[-extent, extent]²``.

    Parameters
    ----------
    n : int >= 2, default=100
        Points per side (TF uses 100 for the big heatmap, 10 for node thumbnails).
    extent : float > 0, default=6.0

    Returns
    -------
    points : ndarray of shape (n * n, 2), float64
        Row-major image order: point ``j * n + i`` has
        ``x1 = -extent + 2 * extent * i / (n - 1)`` (column ``i``) and
        ``x2 = extent - 2 * extent * j / (n - 1)`` (row ``j``, row 0 at the top).
        ``points[0]`` is ``(-extent, extent)``.
    """
    ok_n = isinstance(n, int | np.integer) and not isinstance(n, bool) and n >= 2
    if not ok_n:
        raise ValueError(f"The 'n' parameter of grid_points must be an int >= 2. Got {n!r}.")
    if not (isinstance(extent, int | float | np.number) and 0 < extent < np.inf):
        raise ValueError(
            f"The 'extent' parameter of grid_points must be a float in the range (0, inf). "
            f"Got {extent!r} instead."
        )
    steps = np.arange(n, dtype=np.float64)
    x1 = -extent + 2.0 * extent * steps / (n - 1)
    x2 = extent - 2.0 * extent * steps / (n - 1)
    rows, cols = np.meshgrid(x2, x1, indexing="ij")
    return np.column_stack([cols.ravel(), rows.ravel()])


def feature_grid(names: Sequence[str], n: int = 100, extent: float = 6.0) -> np.ndarray:
    """Return the named features on the heatmap grid of :func:`grid_points`.

    Parameters
    ----------
    names : sequence of str
    n : int >= 2, default=100
    extent : float > 0, default=6.0

    Returns
    -------
    matrix : ndarray of shape (n * n, len(names)), float64
        ``matrix[:, k].reshape(n, n)`` is feature ``k`` as an image, top-left at
        ``(-extent, +extent)``.
    """
    return feature_matrix(grid_points(n, extent), names)
