"""Toy 2-D datasets, CSV upload and the 8x8 digits, in NumPy only (it runs in Pyodide).

The six TF Playground generators (``circle``, ``xor``, ``gauss``, ``spiral``, ``reg-plane``,
``reg-gauss``) follow ``dataset.ts`` of tensorflow/playground formula for formula. Three extra
sets (``two_moons``, ``spiral3``, ``blobs``) cover a second binary shape and multiclass problems.

Label conventions
-----------------
- ``"classification"``: ``y`` is float64 with values -1.0 and +1.0 (the tanh output's targets).
- ``"multiclass"``: ``y`` is int64 class indices ``0..n_classes-1``.
- ``"regression"``: ``y`` is continuous float64.

Every generator takes ``(n_samples, noise, *, rng)`` where ``noise`` is the playground slider
divided by 100 (0-0.5 from the UI, up to 0.8 from a URL) and ``rng`` is a ``np.random.Generator``.
Points are ordered by class (as in TF Playground); shuffle with :func:`train_test_split`.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Final

import numpy as np

from ._validation import MAX_SAMPLES, MIN_SAMPLES, PROBLEMS, Problem, unknown_name_error
from .csvdata import CSV_COLUMNS, CSVData, CSVFormatError, load_csv

__all__ = [
    "BLOB_CENTRES",
    "CSV_COLUMNS",
    "DATASETS",
    "DIGITS_SEED",
    "MAX_NOISE",
    "MAX_SAMPLES",
    "MIN_SAMPLES",
    "PROBLEMS",
    "REG_GAUSS_CENTRES",
    "CSVData",
    "CSVFormatError",
    "DatasetSpec",
    "dataset_names",
    "digits_train_test_split",
    "gauss_variance",
    "get_dataset_spec",
    "load_csv",
    "load_digits",
    "make_blobs",
    "make_circle",
    "make_dataset",
    "make_gauss",
    "make_reg_gauss",
    "make_reg_plane",
    "make_spiral",
    "make_spiral3",
    "make_two_moons",
    "make_xor",
    "reg_gauss_label",
    "train_test_split",
]

Generator = Callable[..., tuple[np.ndarray, np.ndarray]]

MAX_NOISE: Final = 0.8  # TF Playground accepts noise up to 80 (%) from the URL.
DIGITS_SEED: Final = 0


# --------------------------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------------------------


def _check_n_samples(n_samples: object, caller: str) -> int:
    ok = isinstance(n_samples, int | np.integer) and not isinstance(n_samples, bool)
    if not ok or not MIN_SAMPLES <= n_samples <= MAX_SAMPLES:  # type: ignore[operator]
        raise ValueError(
            f"The 'n_samples' parameter of {caller} must be an int in the range "
            f"[{MIN_SAMPLES}, {MAX_SAMPLES}]. Got {n_samples!r} instead."
        )
    return int(n_samples)  # type: ignore[call-overload]


def _check_fraction(value: object, name: str, caller: str, low: float, high: float) -> float:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if not ok or not low <= value <= high:  # type: ignore[operator]  # NaN fails too
        raise ValueError(
            f"The {name!r} parameter of {caller} must be a float in the range "
            f"[{low}, {high}]. Got {value!r} instead."
        )
    return float(value)  # type: ignore[arg-type]


def _check_noise(noise: object, caller: str) -> float:
    return _check_fraction(noise, "noise", caller, 0.0, MAX_NOISE)


def _halves(n_samples: int) -> tuple[int, int]:
    """Split like TF's ``for (i < N/2)`` loops, but keep exactly ``n_samples`` points."""
    first = (n_samples + 1) // 2
    return first, n_samples - first


def _signs(n_pos: int, n_neg: int) -> np.ndarray:
    return np.concatenate([np.ones(n_pos), -np.ones(n_neg)])


# --------------------------------------------------------------------------------------------
# TF Playground generators (dataset.ts)
# --------------------------------------------------------------------------------------------


def _circle_half(n: int, r_low: float, r_high: float, noise: float, rng: np.random.Generator):
    u = rng.random((n, 4))  # per point: r, angle, noise x, noise y (TF's draw order)
    r = r_low + (r_high - r_low) * u[:, 0]
    angle = 2.0 * np.pi * u[:, 1]
    xy = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    shift = (10.0 * u[:, 2:] - 5.0) * noise
    label = np.where(np.hypot(*(xy + shift).T) < 2.5, 1.0, -1.0)
    return xy, label


def make_circle(
    n_samples: int = 500, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return TF Playground's "Circle": a disc of radius 2.5 inside a ring 3.5-5.

    Parameters
    ----------
    n_samples : int, default=500
        The first ``ceil(n/2)`` points come from the disc, the rest from the ring.
    noise : float in [0, 0.8], default=0.0
        Label noise: the label is computed at the point shifted by ``U(-5, 5) * noise``.
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        The *clean* positions (noise flips labels, it does not move points).
    y : ndarray of shape (n_samples,), float64 in {-1, +1}
        +1 where the noisy point lies within radius 2.5.

    Notes
    -----
    ``r ~ U(0, 2.5)`` or ``U(3.5, 5)``, ``θ ~ U(0, 2π)``, ``x = r sin θ``, ``y = r cos θ``.
    """
    n_samples = _check_n_samples(n_samples, "make_circle")
    noise = _check_noise(noise, "make_circle")
    n_in, n_out = _halves(n_samples)
    x_in, y_in = _circle_half(n_in, 0.0, 2.5, noise, rng)
    x_out, y_out = _circle_half(n_out, 3.5, 5.0, noise, rng)
    return np.concatenate([x_in, x_out]), np.concatenate([y_in, y_out])


def make_xor(
    n_samples: int = 500, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return TF Playground's "Exclusive or": four quadrants, +1 where ``x·y >= 0``.

    Parameters
    ----------
    n_samples : int, default=500
    noise : float in [0, 0.8], default=0.0
        Label noise: the label is computed at the point shifted by ``U(-5, 5) * noise``.
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
        Clean positions; every coordinate is at least 0.3 away from 0 (TF's padding).
    y : ndarray of shape (n_samples,), float64 in {-1, +1}

    Notes
    -----
    ``x, y ~ U(-5, 5)``, then ``x += 0.3 if x > 0 else -0.3`` (same for ``y``).
    """
    n_samples = _check_n_samples(n_samples, "make_xor")
    noise = _check_noise(noise, "make_xor")
    u = 10.0 * rng.random((n_samples, 4)) - 5.0  # per point: x, y, noise x, noise y
    xy = u[:, :2] + np.where(u[:, :2] > 0, 0.3, -0.3)
    noisy = xy + u[:, 2:] * noise
    return xy, np.where(noisy[:, 0] * noisy[:, 1] >= 0, 1.0, -1.0)


def _marsaglia_normals(n: int, rng: np.random.Generator) -> np.ndarray:
    """Draw ``n`` standard normals with TF's ``normalRandom`` (Marsaglia polar, one per pair)."""
    out: list[np.ndarray] = []
    missing = n
    for _ in range(100):  # bounded: each round accepts ~78.5 % of its pairs
        if missing <= 0:
            break
        v = 2.0 * rng.random((int(missing * 1.3) + 8, 2)) - 1.0
        s = np.einsum("ij,ij->i", v, v)
        keep = (s <= 1.0) & (s > 0.0)  # TF rejects s > 1 only; s == 0 would give NaN
        z = np.sqrt(-2.0 * np.log(s[keep]) / s[keep]) * v[keep, 0]
        out.append(z[:missing])
        missing -= z[:missing].size
    if missing > 0:  # pragma: no cover - probability ~1e-60
        raise RuntimeError("Marsaglia polar sampling did not converge.")
    return np.concatenate(out) if out else np.empty(0)


def gauss_variance(noise: float) -> float:
    """Return the variance TF's "Gaussian" uses: noise [0, 0.5] maps linearly to [0.5, 4].

    Parameters
    ----------
    noise : float

    Returns
    -------
    variance : float
        ``0.5 + 7 * noise`` (unclamped, as d3's linear scale).
    """
    return 0.5 + noise * (4.0 - 0.5) / 0.5


def make_gauss(
    n_samples: int = 500, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return TF Playground's "Gaussian": two normal clouds at (2, 2) (+1) and (-2, -2) (-1).

    Parameters
    ----------
    n_samples : int, default=500
    noise : float in [0, 0.8], default=0.0
        Sets the spread: variance ``0.5 + 7 * noise`` (see :func:`gauss_variance`).
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), float64 in {-1, +1}
    """
    n_samples = _check_n_samples(n_samples, "make_gauss")
    noise = _check_noise(noise, "make_gauss")
    n_pos, n_neg = _halves(n_samples)
    centres = np.repeat([[2.0, 2.0], [-2.0, -2.0]], [n_pos, n_neg], axis=0)
    z = _marsaglia_normals(2 * n_samples, rng).reshape(n_samples, 2)
    return centres + math.sqrt(gauss_variance(noise)) * z, _signs(n_pos, n_neg)


def _spiral_arm(n: int, n_arm: float, delta: float, noise: float, rng: np.random.Generator):
    frac = np.arange(n) / n_arm
    r = 5.0 * frac
    t = 1.75 * frac * 2.0 * np.pi + delta
    jitter = (2.0 * rng.random((n, 2)) - 1.0) * noise
    return np.column_stack([r * np.sin(t), r * np.cos(t)]) + jitter


def make_spiral(
    n_samples: int = 500, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return TF Playground's "Spiral": two interleaved arms of 1.75 turns.

    Parameters
    ----------
    n_samples : int, default=500
    noise : float in [0, 0.8], default=0.0
        Displaces each coordinate by ``U(-1, 1) * noise``.
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), float64 in {-1, +1}
        Arm ``Δ = 0`` is +1, arm ``Δ = π`` is -1.

    Notes
    -----
    With ``n = n_samples / 2`` and ``i = 0..n-1``: ``r = 5 i / n``,
    ``t = 1.75 · (i / n) · 2π + Δ``, ``x = r sin t``, ``y = r cos t``.
    """
    n_samples = _check_n_samples(n_samples, "make_spiral")
    noise = _check_noise(noise, "make_spiral")
    n_pos, n_neg = _halves(n_samples)
    pos = _spiral_arm(n_pos, n_samples / 2, 0.0, noise, rng)
    neg = _spiral_arm(n_neg, n_samples / 2, np.pi, noise, rng)
    return np.concatenate([pos, neg]), _signs(n_pos, n_neg)


def _uniform_square(n_samples: int, noise: float, rng: np.random.Generator):
    u = 12.0 * rng.random((n_samples, 4)) - 6.0  # per point: x, y, noise x, noise y
    return u[:, :2], u[:, :2] + u[:, 2:] * noise


def make_reg_plane(
    n_samples: int = 1200, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return TF Playground's regression "Plane": ``label = (x + y) / 10``.

    Parameters
    ----------
    n_samples : int, default=1200
    noise : float in [0, 0.8], default=0.0
        The label is computed at the point shifted by ``U(-6, 6) * noise``.
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64, uniform on [-6, 6]²
    y : ndarray of shape (n_samples,), float64
    """
    n_samples = _check_n_samples(n_samples, "make_reg_plane")
    noise = _check_noise(noise, "make_reg_plane")
    xy, noisy = _uniform_square(n_samples, noise, rng)
    return xy, noisy.sum(axis=1) / 10.0


REG_GAUSS_CENTRES: Final = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]],
    dtype=float,
)
REG_GAUSS_CENTRES.setflags(write=False)


def reg_gauss_label(points: np.ndarray) -> np.ndarray:
    """Return TF's "Multi gaussian" label at each point.

    Parameters
    ----------
    points : ndarray of shape (n_samples, 2)

    Returns
    -------
    y : ndarray of shape (n_samples,), float64 in [-1, 1]
        ``sign · clip(1 - d/2, 0, 1)`` of the centre with the largest magnitude (ties: first).
    """
    d = np.hypot(points[:, :1] - REG_GAUSS_CENTRES[:, 0], points[:, 1:2] - REG_GAUSS_CENTRES[:, 1])
    v = REG_GAUSS_CENTRES[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    return v[np.arange(len(v)), np.argmax(np.abs(v), axis=1)]


def make_reg_gauss(
    n_samples: int = 1200, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return TF Playground's regression "Multi gaussian": six signed bumps.

    Parameters
    ----------
    n_samples : int, default=1200
    noise : float in [0, 0.8], default=0.0
        The label is computed at the point shifted by ``U(-6, 6) * noise``.
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64, uniform on [-6, 6]²
    y : ndarray of shape (n_samples,), float64 in [-1, 1]
        See :func:`reg_gauss_label` and ``REG_GAUSS_CENTRES``.
    """
    n_samples = _check_n_samples(n_samples, "make_reg_gauss")
    noise = _check_noise(noise, "make_reg_gauss")
    xy, noisy = _uniform_square(n_samples, noise, rng)
    return xy, reg_gauss_label(noisy)


# --------------------------------------------------------------------------------------------
# Extra sets: a second binary shape and two multiclass problems
# --------------------------------------------------------------------------------------------


def make_two_moons(
    n_samples: int = 500, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return two interleaving half circles (scikit-learn's moons, scaled to the plot).

    Parameters
    ----------
    n_samples : int, default=500
    noise : float in [0, 0.8], default=0.0
        Gaussian noise of standard deviation ``2.5 * noise`` (``noise`` in sklearn's units).
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64, within about [-3.75, 3.75] x [-1.9, 1.9]
    y : ndarray of shape (n_samples,), float64 in {-1, +1}
        The upper moon is +1.

    Notes
    -----
    ``t ~ U(0, π)``; upper ``(cos t, sin t)``, lower ``(1 - cos t, 0.5 - sin t)``; then
    ``2.5 · (p - (0.5, 0.25))`` centres the pair at the origin.
    """
    n_samples = _check_n_samples(n_samples, "make_two_moons")
    noise = _check_noise(noise, "make_two_moons")
    n_pos, n_neg = _halves(n_samples)
    t = np.pi * rng.random(n_samples)
    upper = np.column_stack([np.cos(t[:n_pos]), np.sin(t[:n_pos])])
    lower = np.column_stack([1.0 - np.cos(t[n_pos:]), 0.5 - np.sin(t[n_pos:])])
    xy = 2.5 * (np.concatenate([upper, lower]) - [0.5, 0.25])
    return xy + 2.5 * noise * rng.standard_normal((n_samples, 2)), _signs(n_pos, n_neg)


def _class_sizes(n_samples: int, n_classes: int) -> np.ndarray:
    base, extra = divmod(n_samples, n_classes)
    return base + (np.arange(n_classes) < extra).astype(np.intp)  # np.repeat needs intp on wasm32


def make_spiral3(
    n_samples: int = 600, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return a three-arm spiral: TF's spiral formula with arms 120° apart.

    Parameters
    ----------
    n_samples : int, default=600
        Split as evenly as possible over the arms (the first arms get the remainder).
    noise : float in [0, 0.8], default=0.0
        Displaces each coordinate by ``U(-1, 1) * noise``.
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64, within radius 5 + noise
    y : ndarray of shape (n_samples,), int64 in {0, 1, 2}

    Notes
    -----
    Arm ``k`` with ``m`` points, ``i = 0..m-1``: ``r = 5 i / m``,
    ``t = 1.75 · (i / m) · 2π + 2πk / 3``, ``x = r sin t``, ``y = r cos t``.
    """
    n_samples = _check_n_samples(n_samples, "make_spiral3")
    noise = _check_noise(noise, "make_spiral3")
    sizes = _class_sizes(n_samples, 3)
    arms = [_spiral_arm(m, max(m, 1), 2.0 * np.pi * k / 3, noise, rng) for k, m in enumerate(sizes)]
    return np.concatenate(arms), np.repeat(np.arange(3, dtype=np.int64), sizes)


BLOB_CENTRES: Final = np.array([[3.0, 3.0], [-3.0, 3.0], [-3.0, -3.0], [3.0, -3.0]])
BLOB_CENTRES.setflags(write=False)


def make_blobs(
    n_samples: int = 600, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return four Gaussian blobs, one per quadrant (class ``k`` at ``BLOB_CENTRES[k]``).

    Parameters
    ----------
    n_samples : int, default=600
        Split as evenly as possible over the four classes.
    noise : float in [0, 0.8], default=0.0
        Sets the spread: standard deviation ``0.5 + 1.5 * noise`` (0.5 to 1.25 from the UI),
        so the blobs stay mostly inside the [-6, 6]² plot.
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64 in {0, 1, 2, 3}
    """
    n_samples = _check_n_samples(n_samples, "make_blobs")
    noise = _check_noise(noise, "make_blobs")
    y = np.repeat(np.arange(4, dtype=np.int64), _class_sizes(n_samples, 4))
    spread = 0.5 + 1.5 * noise
    return BLOB_CENTRES[y] + spread * rng.standard_normal((n_samples, 2)), y


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """Describe one dataset of the registry.

    Attributes
    ----------
    name : str
        Registry and URL key, e.g. ``"circle"``.
    label : str
        Human-readable name shown in the UI, e.g. ``"Circle"``.
    problem : {"classification", "regression", "multiclass"}
    n_classes : int
        2 for classification, K >= 3 for multiclass, 0 for regression.
    n_samples : int
        Default number of points.
    generator : callable
        ``generator(n_samples, noise, *, rng) -> (X, y)``.
    """

    name: str
    label: str
    problem: Problem
    n_classes: int
    n_samples: int
    generator: Generator


_SPECS = (
    DatasetSpec("circle", "Circle", "classification", 2, 500, make_circle),
    DatasetSpec("xor", "Exclusive or", "classification", 2, 500, make_xor),
    DatasetSpec("gauss", "Gaussian", "classification", 2, 500, make_gauss),
    DatasetSpec("spiral", "Spiral", "classification", 2, 500, make_spiral),
    DatasetSpec("two_moons", "Two moons", "classification", 2, 500, make_two_moons),
    DatasetSpec("reg-plane", "Plane", "regression", 0, 1200, make_reg_plane),
    DatasetSpec("reg-gauss", "Multi gaussian", "regression", 0, 1200, make_reg_gauss),
    DatasetSpec("spiral3", "Three-arm spiral", "multiclass", 3, 600, make_spiral3),
    DatasetSpec("blobs", "Four blobs", "multiclass", 4, 600, make_blobs),
)
DATASETS: Final[Mapping[str, DatasetSpec]] = MappingProxyType({s.name: s for s in _SPECS})


def get_dataset_spec(name: str) -> DatasetSpec:
    """Return the registry entry for ``name``.

    Parameters
    ----------
    name : str

    Returns
    -------
    spec : DatasetSpec

    Raises
    ------
    ValueError
        For an unknown name; the message lists the valid names and suggests the closest.
    """
    try:
        return DATASETS[name]
    except (KeyError, TypeError):
        raise unknown_name_error("dataset", name, DATASETS) from None


def dataset_names(problem: str | None = None) -> tuple[str, ...]:
    """Return the registry keys in display order, optionally only those for ``problem``.

    Parameters
    ----------
    problem : {"classification", "regression", "multiclass"} or None, default=None

    Returns
    -------
    names : tuple of str
    """
    if problem is not None and problem not in PROBLEMS:
        raise unknown_name_error("problem", problem, PROBLEMS)
    return tuple(s.name for s in _SPECS if problem is None or s.problem == problem)


def make_dataset(
    name: str, n_samples: int | None = None, noise: float = 0.0, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Generate the registered dataset ``name``.

    Parameters
    ----------
    name : str
        A key of ``DATASETS``.
    n_samples : int in [2, 100000] or None, default=None
        None uses the dataset's default (500 classification, 1200 regression, 600 multiclass).
    noise : float in [0, 0.8], default=0.0
        The TF Playground noise slider divided by 100.
    rng : np.random.Generator

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,)
        float64 for classification (±1) and regression, int64 for multiclass.
    """
    spec = get_dataset_spec(name)
    n = spec.n_samples if n_samples is None else _check_n_samples(n_samples, "make_dataset")
    return spec.generator(n, _check_noise(noise, "make_dataset"), rng=rng)


def train_test_split(
    X: np.ndarray, y: np.ndarray, train_fraction: float = 0.5, *, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle once and split, as TF Playground does.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    train_fraction : float in [0.1, 0.9], default=0.5
        The "ratio of training to test data" slider divided by 100.
    rng : np.random.Generator
        Supplies the permutation.

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        The first ``floor(n_samples * train_fraction)`` shuffled points train, the rest test.

    Raises
    ------
    ValueError
        For a bad ``train_fraction``, mismatched lengths, or a split with an empty side.
    """
    train_fraction = _check_fraction(train_fraction, "train_fraction", "train_test_split", 0.1, 0.9)
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim < 1 or y.ndim < 1 or len(X) != len(y):
        raise ValueError(f"X and y must have the same length; got shapes {X.shape} and {y.shape}.")
    n = len(X)
    # round() first, so that e.g. 100 * 0.57 = 56.99999999999999 floors to 57 as TF's N*57/100.
    n_train = math.floor(round(n * train_fraction, 9))
    if not 0 < n_train < n:
        raise ValueError(
            f"train_test_split of {n} samples with train_fraction={train_fraction} leaves an "
            "empty training or test set."
        )
    order = rng.permutation(n)
    train, test = order[:n_train], order[n_train:]
    return X[train], y[train], X[test], y[test]


# --------------------------------------------------------------------------------------------
# 8x8 digits (UCI optdigits test set, as scikit-learn's load_digits)
# --------------------------------------------------------------------------------------------


@functools.cache
def _digits_raw() -> tuple[np.ndarray, np.ndarray]:
    blob = resources.files("pyplayground.data").joinpath("digits.npz").read_bytes()
    with np.load(io.BytesIO(blob)) as npz:
        images, labels = npz["images"], npz["labels"]
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Return the 1,797 8x8 handwritten digits that scikit-learn ships as ``load_digits``.

    Returns
    -------
    images : ndarray of shape (1797, 64), float64 in [0, 1]
        Row-major 8x8 pixel counts 0-16 divided by 16.
    labels : ndarray of shape (1797,), int64 in 0..9
    """
    images, labels = _digits_raw()
    return images.astype(np.float64) / 16.0, labels.astype(np.int64)


def digits_train_test_split(
    rng: np.random.Generator | None = None, test_fraction: float = 0.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle the digits once and split off a test set.

    Parameters
    ----------
    rng : np.random.Generator or None, default=None
        None uses ``np.random.default_rng(DIGITS_SEED)``, so the split is the same everywhere.
    test_fraction : float in [0.05, 0.95], default=0.2
        ``ceil(1797 * test_fraction)`` images go to the test set (360 by default).

    Returns
    -------
    X_train, y_train, X_test, y_test : ndarray
        Images as in :func:`load_digits`.
    """
    test_fraction = _check_fraction(
        test_fraction, "test_fraction", "digits_train_test_split", 0.05, 0.95
    )
    rng = np.random.default_rng(DIGITS_SEED) if rng is None else rng
    X, y = load_digits()
    n_test = math.ceil(round(len(X) * test_fraction, 9))
    order = rng.permutation(len(X))
    train, test = order[:-n_test], order[-n_test:]
    return X[train], y[train], X[test], y[test]
