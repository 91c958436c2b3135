"""The 18 synthetic datasets of Distill's "How to Use t-SNE Effectively", in NumPy only.

Each generator follows ``public/assets/demo-configs.js`` of ``distillpub/post--misread-tsne``
construction for construction, including the point order (cluster datasets interleave their
clusters: point ``2i`` is blue, ``2i + 1`` orange) and the CSS colours the article draws the
points with.  Randomness comes from a ``np.random.Generator`` (the article used
``Math.random``/``d3.randomNormal``), so the shapes match but not the individual numbers.

The registry :data:`DISTILL_DATASETS` holds, per dataset, the UI name, the article's description
and its sliders (``min``, ``max``, ``start``); :data:`DISTILL_FIGURES` holds the 13 figure rows
of the article (dataset, parameters, perplexities, epsilon and step counts).

Example
-------
>>> import numpy as np
>>> data = make_distill_data("trefoil_knot", rng=np.random.default_rng(0))
>>> data.X.shape
(50, 3)
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, NamedTuple

import numpy as np

__all__ = [
    "BLUE",
    "DISTILL_DATASETS",
    "DISTILL_FIGURES",
    "GREEN",
    "ORANGE",
    "DistillData",
    "DistillFigure",
    "DistillSpec",
    "Slider",
    "angle_color",
    "circle_evenly_spaced",
    "circle_randomly_spaced",
    "cluster_in_cluster",
    "distill_names",
    "ellipsoidal_gaussian_cloud",
    "equally_spaced",
    "gaussian_cloud",
    "get_distill_spec",
    "grid",
    "linked_rings",
    "make_distill_data",
    "orthogonal_steps",
    "random_jump",
    "random_walk",
    "three_clusters",
    "trefoil_knot",
    "two_clusters",
    "two_different_sized_clusters",
    "two_long_linear_clusters",
    "uniform_distribution",
    "unlinked_rings",
]

BLUE: Final = "#039"
ORANGE: Final = "#f90"
GREEN: Final = "#6a3"

_MAX_POINTS: Final = 100_000  # a sanity cap on n_samples; the sliders stop far below it
_MAX_DIM: Final = 100_000


class DistillData(NamedTuple):
    """One generated dataset.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features), float64
    colors : tuple of str, length n_samples
        The CSS colour Distill draws each point with (``"#039"``, ``"hsl(120,50%,50%)"``,
        ``"rgb(20,127,255)"``).
    labels : ndarray of shape (n_samples,), int64
        Cluster index for the cluster datasets (0 blue, 1 orange, 2 green); 0 elsewhere.
    """

    X: np.ndarray
    colors: tuple[str, ...]
    labels: np.ndarray


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def _check_int(value: object, name: str, caller: str, low: int, high: int = _MAX_POINTS) -> int:
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not ok or not low <= value <= high:  # type: ignore[operator]
        raise ValueError(
            f"The {name!r} parameter of {caller} must be an int in the range "
            f"[{low}, {high}]. Got {value!r} instead."
        )
    return int(value)  # type: ignore[call-overload]


def _check_float(value: object, name: str, caller: str, low: float, high: float) -> float:
    ok = isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)
    if not ok or not low < value <= high:  # type: ignore[operator]  # NaN fails too
        raise ValueError(
            f"The {name!r} parameter of {caller} must be a float in the range "
            f"({low}, {high}]. Got {value!r} instead."
        )
    return float(value)  # type: ignore[arg-type]


def _check_rng(rng: object, caller: str) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"The 'rng' parameter of {caller} must be an instance of 'numpy.random.Generator'. "
            f"Got {rng!r} instead."
        )
    return rng


def angle_color(t: float) -> str:
    """Return Distill's ``angleColor(t)``: ``hsl(⌊300·t/2π⌋, 50%, 50%)``."""
    return f"hsl({math.trunc(300 * t / (2 * math.pi))},50%,50%)"


def _angle_colors(t: np.ndarray) -> tuple[str, ...]:
    return tuple(angle_color(float(v)) for v in t)


def _solid(n: int, color: str = BLUE) -> tuple[str, ...]:
    return (color,) * n


def _interleave(*blocks: np.ndarray) -> np.ndarray:
    """Stack equally long blocks row by row: a0, b0, c0, a1, b1, c1, ..."""
    stacked = np.stack(blocks, axis=1)  # (n, n_blocks, dim)
    return stacked.reshape(-1, stacked.shape[-1])


def _clusters(blocks: list[np.ndarray]) -> DistillData:
    k, n = len(blocks), blocks[0].shape[0]
    colors = (BLUE, ORANGE, GREEN)[:k] * n
    labels = np.tile(np.arange(k, dtype=np.int64), n)
    return DistillData(_interleave(*blocks), colors, labels)


def _zeros_labels(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


# --------------------------------------------------------------------------------------------
# The 18 generators (demo-configs.js)
# --------------------------------------------------------------------------------------------


def grid(points_per_side: int = 10, *, rng: np.random.Generator | None = None) -> DistillData:
    """Square lattice ``(x, y)``, ``x, y = 0 .. size-1`` (``gridData``); deterministic.

    Colours are Distill's spatial colours ``rgb(20, c1, c2)`` with ``c1``, ``c2`` the x and y
    position mapped linearly onto 0-255 and truncated.
    """
    size = _check_int(points_per_side, "points_per_side", "grid", 1)
    x, y = np.meshgrid(np.arange(size, dtype=np.float64), np.arange(size), indexing="ij")
    X = np.column_stack([x.ravel(), y.ravel()])
    return DistillData(X, _spatial_colors(X), _zeros_labels(len(X)))


def _spatial_colors(X: np.ndarray) -> tuple[str, ...]:
    def scale(v: np.ndarray) -> np.ndarray:
        lo, hi = v.min(), v.max()
        # d3.scaleLinear maps a degenerate domain to the middle of the range
        f = (v - lo) / (hi - lo) if hi > lo else np.full_like(v, 0.5)
        return np.trunc(f * 255).astype(np.int64)

    c1, c2 = scale(X[:, 0]), scale(X[:, 1])
    return tuple(f"rgb(20,{a},{b})" for a, b in zip(c1.tolist(), c2.tolist(), strict=True))


def two_clusters(
    points_per_cluster: int = 50, dim: int = 2, *, rng: np.random.Generator
) -> DistillData:
    """Two unit Gaussians, the second shifted by +10 on axis 0 (``twoClustersData``).

    Distill's code falls back to ``dim = 50`` when no dimension is given; the UI starts at 2.
    """
    n = _check_int(points_per_cluster, "points_per_cluster", "two_clusters", 1)
    dim = _check_int(dim, "dim", "two_clusters", 1, _MAX_DIM)
    rng = _check_rng(rng, "two_clusters")
    a, b = _pairs_of_normals(rng, n, dim, 2)
    b[:, 0] += 10
    return _clusters([a, b])


def _pairs_of_normals(rng: np.random.Generator, n: int, dim: int, k: int) -> list[np.ndarray]:
    """``k`` (n, dim) normal blocks in Distill's draw order: point by point, then cluster."""
    z = rng.standard_normal((n, k, dim))
    return [z[:, j].copy() for j in range(k)]


def three_clusters(
    points_per_cluster: int = 50, dim: int = 2, *, rng: np.random.Generator
) -> DistillData:
    """Three unit Gaussians shifted along axis 0 by 0, 10 and 50 (``threeClustersData``)."""
    n = _check_int(points_per_cluster, "points_per_cluster", "three_clusters", 1)
    dim = _check_int(dim, "dim", "three_clusters", 1, _MAX_DIM)
    rng = _check_rng(rng, "three_clusters")
    a, b, c = _pairs_of_normals(rng, n, dim, 3)
    b[:, 0] += 10
    c[:, 0] += 50
    return _clusters([a, b, c])


def two_different_sized_clusters(
    points_per_cluster: int = 50, dim: int = 2, scale: float = 5.0, *, rng: np.random.Generator
) -> DistillData:
    """``N(0, I)`` and ``N(0, I) / scale`` shifted +20 on axis 0 (``twoDifferentClustersData``).

    The code default is ``scale = 10`` (used by figure 03); the UI slider starts at 5.
    """
    caller = "two_different_sized_clusters"
    n = _check_int(points_per_cluster, "points_per_cluster", caller, 1)
    dim = _check_int(dim, "dim", caller, 1, _MAX_DIM)
    scale = _check_float(scale, "scale", caller, 0.0, 1e6)
    rng = _check_rng(rng, caller)
    a, b = _pairs_of_normals(rng, n, dim, 2)
    b /= scale
    b[:, 0] += 20
    return _clusters([a, b])


def two_long_linear_clusters(
    points_per_cluster: int = 50, *, rng: np.random.Generator
) -> DistillData:
    """Two parallel noisy lines in 2-D (``longClusterData``), noise ``s = 0.03·n``.

    Blue ``(i + s·ε, i + s·ε)``, orange ``(i + s·ε + n/5, i + s·ε − n/5)``.
    """
    n = _check_int(points_per_cluster, "points_per_cluster", "two_long_linear_clusters", 1)
    rng = _check_rng(rng, "two_long_linear_clusters")
    s = 0.03 * n
    i = np.arange(n, dtype=np.float64)[:, None]
    z = s * rng.standard_normal((n, 4))  # x1, y1, x2, y2 per i, as drawn in the JS loop
    a = i + z[:, 0:2]
    b = i + z[:, 2:4] + np.array([n / 5, -n / 5])
    return _clusters([a, b])


def cluster_in_cluster(
    points_per_cluster: int = 50, dim: int = 2, *, rng: np.random.Generator
) -> DistillData:
    """A unit Gaussian (blue) inside a Gaussian of std 50 (orange) (``subsetClustersData``)."""
    n = _check_int(points_per_cluster, "points_per_cluster", "cluster_in_cluster", 1)
    dim = _check_int(dim, "dim", "cluster_in_cluster", 1, _MAX_DIM)
    rng = _check_rng(rng, "cluster_in_cluster")
    a, b = _pairs_of_normals(rng, n, dim, 2)
    return _clusters([a, 50 * b])


def _circle(t: np.ndarray) -> DistillData:
    X = np.column_stack([np.cos(t), np.sin(t)])
    return DistillData(X, _angle_colors(t), _zeros_labels(len(t)))


def circle_evenly_spaced(
    n_points: int = 50, *, rng: np.random.Generator | None = None
) -> DistillData:
    """Unit circle at angles ``2πi/n`` (``circleData``); deterministic, hue = angle."""
    n = _check_int(n_points, "n_points", "circle_evenly_spaced", 1)
    return _circle(2 * np.pi * np.arange(n) / n)


def circle_randomly_spaced(n_points: int = 50, *, rng: np.random.Generator) -> DistillData:
    """Unit circle at uniform random angles (``randomCircleData``); hue = angle."""
    n = _check_int(n_points, "n_points", "circle_randomly_spaced", 1)
    rng = _check_rng(rng, "circle_randomly_spaced")
    return _circle(2 * np.pi * rng.random(n))


def gaussian_cloud(n_points: int = 50, dim: int = 2, *, rng: np.random.Generator) -> DistillData:
    """``N(0, I_dim)`` (``gaussianData``)."""
    n = _check_int(n_points, "n_points", "gaussian_cloud", 1)
    dim = _check_int(dim, "dim", "gaussian_cloud", 1, _MAX_DIM)
    rng = _check_rng(rng, "gaussian_cloud")
    return DistillData(rng.standard_normal((n, dim)), _solid(n), _zeros_labels(n))


def ellipsoidal_gaussian_cloud(
    n_points: int = 50, dim: int = 2, *, rng: np.random.Generator
) -> DistillData:
    """``N(0, I_dim)`` with coordinate ``j`` divided by ``1 + j`` (``longGaussianData``)."""
    n = _check_int(n_points, "n_points", "ellipsoidal_gaussian_cloud", 1)
    dim = _check_int(dim, "dim", "ellipsoidal_gaussian_cloud", 1, _MAX_DIM)
    rng = _check_rng(rng, "ellipsoidal_gaussian_cloud")
    X = rng.standard_normal((n, dim)) / (1.0 + np.arange(dim))
    return DistillData(X, _solid(n), _zeros_labels(n))


def trefoil_knot(n_points: int = 50, *, rng: np.random.Generator | None = None) -> DistillData:
    """3-D trefoil ``(sin t + 2 sin 2t, cos t − 2 cos 2t, −sin 3t)``, ``t = 2πi/n``.

    Deterministic (``trefoilData``); hue = ``t``.
    """
    n = _check_int(n_points, "n_points", "trefoil_knot", 1)
    t = 2 * np.pi * np.arange(n) / n
    X = np.column_stack(
        [np.sin(t) + 2 * np.sin(2 * t), np.cos(t) - 2 * np.cos(2 * t), -np.sin(3 * t)]
    )
    return DistillData(X, _angle_colors(t), _zeros_labels(n))


def _rings(n: int, offset: float) -> DistillData:
    t = 2 * np.pi * np.arange(n) / n
    cos, sin, zero = np.cos(t), np.sin(t), np.zeros(n)
    c, s = math.cos(0.4), math.sin(0.4)

    def rotate(x: np.ndarray, y: np.ndarray, z: np.ndarray) -> np.ndarray:
        return np.column_stack([x, c * y + s * z, -s * y + c * z])

    ring1 = rotate(cos, sin, zero)  # orange
    ring2 = rotate(offset + cos, zero, sin)  # blue
    X = _interleave(ring1, ring2)
    colors = (ORANGE, BLUE) * n
    labels = np.tile(np.array([1, 0], dtype=np.int64), n)
    return DistillData(X, colors, labels)


def linked_rings(n_points: int = 50, *, rng: np.random.Generator | None = None) -> DistillData:
    """Two linked unit circles in 3-D (``linkData``); deterministic, ``2·n`` points.

    Ring 1 (orange) lies in the x-y plane, ring 2 (blue) in the x-z plane shifted +1 in x;
    both are rotated 0.4 rad about the x axis.  Label 1 = orange, 0 = blue.
    """
    n = _check_int(n_points, "n_points", "linked_rings", 1)
    return _rings(n, 1.0)


def unlinked_rings(n_points: int = 50, *, rng: np.random.Generator | None = None) -> DistillData:
    """As :func:`linked_rings` but ring 2 is shifted +3 in x (``unlinkData``)."""
    n = _check_int(n_points, "n_points", "unlinked_rings", 1)
    return _rings(n, 3.0)


def orthogonal_steps(n_points: int = 50, *, rng: np.random.Generator | None = None) -> DistillData:
    """Point ``i`` has ones in its first ``i`` of ``n`` coordinates (``orthoCurve``).

    Deterministic; hue = ``1.5π·i/n``.
    """
    n = _check_int(n_points, "n_points", "orthogonal_steps", 1, 20_000)
    X = (np.arange(n)[None, :] < np.arange(n)[:, None]).astype(np.float64)
    return DistillData(X, _angle_colors(1.5 * np.pi * np.arange(n) / n), _zeros_labels(n))


def random_walk(n_points: int = 100, dim: int = 100, *, rng: np.random.Generator) -> DistillData:
    """Cumulative sum of ``N(0, I_dim)`` steps (``randomWalk``); hue = ``1.5π·i/n``."""
    n = _check_int(n_points, "n_points", "random_walk", 1)
    dim = _check_int(dim, "dim", "random_walk", 1, _MAX_DIM)
    rng = _check_rng(rng, "random_walk")
    X = np.cumsum(rng.standard_normal((n, dim)), axis=0)
    return DistillData(X, _angle_colors(1.5 * np.pi * np.arange(n) / n), _zeros_labels(n))


def random_jump(n_points: int = 100, dim: int = 100, *, rng: np.random.Generator) -> DistillData:
    """A random walk plus per-point noise ``√dim·N(0, I_dim)`` (``randomJump``)."""
    n = _check_int(n_points, "n_points", "random_jump", 1)
    dim = _check_int(dim, "dim", "random_jump", 1, _MAX_DIM)
    rng = _check_rng(rng, "random_jump")
    z = rng.standard_normal((n, 2, dim))  # per point: the step, then the jump
    X = np.cumsum(z[:, 0], axis=0) + math.sqrt(dim) * z[:, 1]
    return DistillData(X, _angle_colors(1.5 * np.pi * np.arange(n) / n), _zeros_labels(n))


def equally_spaced(
    n_points: int = 50, noise: float = 0.5, *, rng: np.random.Generator
) -> DistillData:
    """Point ``i`` is ``e_i·(1 + noise·N(0, 1))`` in ``n`` dimensions (``simplexData``)."""
    n = _check_int(n_points, "n_points", "equally_spaced", 1, 20_000)
    if not isinstance(noise, int | float | np.integer | np.floating) or not 0 <= noise < 1e6:
        raise ValueError(
            "The 'noise' parameter of equally_spaced must be a float in the range [0, 1e6). "
            f"Got {noise!r} instead."
        )
    rng = _check_rng(rng, "equally_spaced")
    X = np.diag(1.0 + float(noise) * rng.standard_normal(n))
    return DistillData(X, _solid(n), _zeros_labels(n))


def uniform_distribution(
    n_points: int = 50, dim: int = 3, *, rng: np.random.Generator
) -> DistillData:
    """Uniform in the unit cube ``[0, 1)^dim`` (``cubeData``)."""
    n = _check_int(n_points, "n_points", "uniform_distribution", 1)
    dim = _check_int(dim, "dim", "uniform_distribution", 1, _MAX_DIM)
    rng = _check_rng(rng, "uniform_distribution")
    return DistillData(rng.random((n, dim)), _solid(n), _zeros_labels(n))


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slider:
    """One data slider of the Distill playground.

    Attributes
    ----------
    param : str
        Keyword of the generator, e.g. ``"points_per_cluster"``.
    label : str
        The slider's caption in the article, e.g. ``"Points Per Cluster"``.
    min, max, start : int
        The slider's range and initial value (Distill's ``min``, ``max``, ``start``).
    """

    param: str
    label: str
    min: int
    max: int
    start: int


@dataclass(frozen=True, slots=True)
class DistillSpec:
    """Registry entry of one Distill dataset.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"two_clusters"``.
    label : str
        The article's menu name, e.g. ``"Two Clusters"``.
    description : str
        The article's description shown under the menu.
    generator : callable
        ``generator(**params, rng=rng) -> DistillData``.
    sliders : tuple of Slider
    random : bool
        False for the deterministic generators (grid, circle, trefoil, rings, steps).
    """

    name: str
    label: str
    description: str
    generator: Callable[..., DistillData]
    sliders: tuple[Slider, ...]
    random: bool = True

    @property
    def defaults(self) -> dict[str, int]:
        """The slider start values, ``{param: start}``."""
        return {s.param: s.start for s in self.sliders}

    def n_samples(self, **params: int) -> int:
        """Return how many points ``params`` (missing ones at their start values) produce."""
        p = {**self.defaults, **params}
        if self.name == "grid":
            return p["points_per_side"] ** 2
        if "points_per_cluster" in p:
            return p["points_per_cluster"] * (3 if self.name == "three_clusters" else 2)
        return p["n_points"] * (2 if self.name in ("linked_rings", "unlinked_rings") else 1)


_PPC = ("points_per_cluster", "Points Per Cluster", 1, 100, 50)
_DIM100 = ("dim", "Dimensions", 1, 100, 2)


def _s(*args: object) -> Slider:
    return Slider(*args)  # type: ignore[arg-type]


_SPECS = (
    DistillSpec(
        "grid",
        "Grid",
        "A square grid with equal spacing between points. Try convergence at different sizes.",
        grid,
        (_s("points_per_side", "Points Per Side", 2, 20, 10),),
        random=False,
    ),
    DistillSpec(
        "two_clusters",
        "Two Clusters",
        "Two clusters with equal numbers of points.",
        two_clusters,
        (_s(*_PPC), _s(*_DIM100)),
    ),
    DistillSpec(
        "three_clusters",
        "Three Clusters",
        "Three clusters with equal numbers of points, but at different distances from each "
        "other. Cluster distances are only apparent at certain perplexities",
        three_clusters,
        (_s(*_PPC), _s(*_DIM100)),
    ),
    DistillSpec(
        "two_different_sized_clusters",
        "Two Different-Sized Clusters",
        "Two clusters with equal numbers of points, but different variances within the "
        "clusters. Cluster separation depends on perplexity.",
        two_different_sized_clusters,
        (_s(*_PPC), _s(*_DIM100), _s("scale", "Scale", 1, 10, 5)),
    ),
    DistillSpec(
        "two_long_linear_clusters",
        "Two Long Linear Clusters",
        "Two sets of points, arranged in parallel lines that are close to each other. "
        "Note curvature of lines.",
        two_long_linear_clusters,
        (_s(*_PPC),),
    ),
    DistillSpec(
        "cluster_in_cluster",
        "Cluster In Cluster",
        "A dense, tight cluster inside of a wide, sparse cluster. "
        "Perplexity makes a big difference here.",
        cluster_in_cluster,
        (_s(*_PPC), _s(*_DIM100)),
    ),
    DistillSpec(
        "circle_evenly_spaced",
        "Circle (Evenly Spaced)",
        "Points evenly distributed in a circle. Hue corresponds to angle in the circle.",
        circle_evenly_spaced,
        (_s("n_points", "Number Of Points", 1, 100, 50),),
        random=False,
    ),
    DistillSpec(
        "circle_randomly_spaced",
        "Circle (Randomly Spaced)",
        "Points randomly distributed in a circle. Hue corresponds to angle in the circle.",
        circle_randomly_spaced,
        (_s("n_points", "Number Of Points", 1, 100, 50),),
    ),
    DistillSpec(
        "gaussian_cloud",
        "Gaussian Cloud",
        "Points in a unit Gaussian distribution. Data is entirely random, so any visible "
        "subclusters are not statistically significant",
        gaussian_cloud,
        (_s("n_points", "Number Of Points", 1, 500, 50), _s(*_DIM100)),
    ),
    DistillSpec(
        "ellipsoidal_gaussian_cloud",
        "Ellipsoidal Gaussian Cloud",
        "Points in an ellipsoidal Gaussian distribution.  Dimension n has variance 1/n. "
        "Elongation is visible in plot.",
        ellipsoidal_gaussian_cloud,
        (_s("n_points", "Number Of Points", 1, 500, 50), _s(*_DIM100)),
    ),
    DistillSpec(
        "trefoil_knot",
        "Trefoil Knot",
        "Points arranged in 3D, following a trefoil knot. Different runs may give different "
        "results.",
        trefoil_knot,
        (_s("n_points", "Number Of Points", 1, 200, 50),),
        random=False,
    ),
    DistillSpec(
        "linked_rings",
        "Linked Rings",
        "Points arranged in 3D, on two linked circles. Different runs may give different results.",
        linked_rings,
        (_s("n_points", "Number Of Points", 1, 200, 50),),
        random=False,
    ),
    DistillSpec(
        "unlinked_rings",
        "Unlinked Rings",
        "Points arranged in 3D, on two unlinked circles",
        unlinked_rings,
        (_s("n_points", "Number Of Points", 1, 200, 50),),
        random=False,
    ),
    DistillSpec(
        "orthogonal_steps",
        "Orthogonal Steps",
        "Points related by mutually orthogonal steps. Very similar to a random walk.",
        orthogonal_steps,
        (_s("n_points", "Number Of Points", 1, 500, 50),),
        random=False,
    ),
    DistillSpec(
        "random_walk",
        "Random Walk",
        "Random (Gaussian) walk. Smoother than you might think.",
        random_walk,
        (_s("n_points", "Number Of Points", 1, 1000, 100), _s("dim", "Dimension", 1, 1000, 100)),
    ),
    DistillSpec(
        "random_jump",
        "Random Jump",
        "Random (Gaussian) Jump",
        random_jump,
        (_s("n_points", "Number Of Points", 1, 1000, 100), _s("dim", "Dimension", 1, 1000, 100)),
    ),
    DistillSpec(
        "equally_spaced",
        "Equally Spaced",
        "A set of points, where distances between all pairs of points are the same in the "
        "original space.",
        equally_spaced,
        (_s("n_points", "Number Of Points", 2, 100, 50),),
    ),
    DistillSpec(
        "uniform_distribution",
        "Uniform Distribution",
        "Points uniformly distributed in a unit cube.",
        uniform_distribution,
        (_s("n_points", "Number Of Points", 2, 200, 50), _s("dim", "Dimensions", 1, 10, 3)),
    ),
)

DISTILL_DATASETS: Final[Mapping[str, DistillSpec]] = MappingProxyType({s.name: s for s in _SPECS})


def _unknown(name: object, valid: Iterable[str]) -> ValueError:
    valid = list(valid)
    close = difflib.get_close_matches(str(name), valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(f"Unknown Distill dataset {name!r}; expected one of {valid}.{hint}")


def get_distill_spec(name: str) -> DistillSpec:
    """Return the registry entry for a key (``"two_clusters"``) or a menu name (``"Two Clusters"``).

    Keys are matched exactly; menu names case-insensitively, and ``-`` counts as ``_``.

    Raises
    ------
    ValueError
        For an unknown name; the message lists the keys and suggests the closest.
    """
    if isinstance(name, str):
        if name in DISTILL_DATASETS:
            return DISTILL_DATASETS[name]
        key = name.strip().lower().replace("-", "_")
        for spec in _SPECS:
            if key in (spec.name, spec.label.lower(), spec.label.lower().replace(" ", "_")):
                return spec
    raise _unknown(name, DISTILL_DATASETS)


def distill_names() -> tuple[str, ...]:
    """Return the 18 registry keys in the article's menu order."""
    return tuple(s.name for s in _SPECS)


def make_distill_data(
    name: str, *, rng: np.random.Generator, strict: bool = True, **params: int | float
) -> DistillData:
    """Generate a registered dataset with slider values ``params`` (the rest at their start).

    Parameters
    ----------
    name : str
        A key of :data:`DISTILL_DATASETS` or a menu name.
    rng : np.random.Generator
        Used by the random datasets; the deterministic ones ignore it.
    strict : bool, default=True
        Require every slider value to lie in the slider's ``[min, max]`` range.  False
        accepts any value the generator accepts (the article's figure 05 uses 200 points
        per cluster, above the slider's 100).
    **params
        Slider values by generator keyword, e.g. ``points_per_cluster=50, dim=2``.

    Returns
    -------
    DistillData

    Raises
    ------
    ValueError
        For an unknown dataset or parameter name, or an out-of-range value.
    """
    spec = get_distill_spec(name)
    sliders = {s.param: s for s in spec.sliders}
    extra = {"noise"} if spec.name == "equally_spaced" else set()
    for key, value in params.items():
        if key not in sliders and key not in extra:
            valid = sorted([*sliders, *extra])
            raise ValueError(f"Unknown parameter {key!r} for {spec.name!r}; expected {valid}.")
        slider = sliders.get(key)
        if strict and slider is not None:
            numeric = isinstance(value, int | float | np.integer | np.floating)
            if not numeric or isinstance(value, bool) or not slider.min <= value <= slider.max:
                raise ValueError(
                    f"The {key!r} slider of {spec.label!r} ranges over "
                    f"[{slider.min}, {slider.max}]. Got {value!r} instead."
                )
    return spec.generator(**{**spec.defaults, **params}, rng=rng)


# --------------------------------------------------------------------------------------------
# The article's figures (figure-configs.js)
# --------------------------------------------------------------------------------------------


class DistillFigure(NamedTuple):
    """One row of small multiples in the article (all with ``epsilon = 10``, 2-D output).

    Attributes
    ----------
    id : str
        ``"01"`` .. ``"13"``.
    dataset : str
        Registry key.
    params : dict
        Generator parameters (may lie outside the slider ranges, e.g. 200 points per cluster).
    perplexities : tuple of int
        One per panel.
    steps : tuple of int
        One per panel.
    epsilon : float
        tsnejs learning rate.
    """

    id: str
    dataset: str
    params: Mapping[str, int]
    perplexities: tuple[int, ...]
    steps: tuple[int, ...]
    epsilon: float = 10.0


_PERPS: Final = (2, 5, 30, 50, 100)
_FIVE_K: Final = (5000,) * 5


def _fig(fid: str, dataset: str, params: dict[str, int], perps=_PERPS, steps=_FIVE_K):
    return DistillFigure(fid, dataset, MappingProxyType(params), tuple(perps), tuple(steps))


DISTILL_FIGURES: Final[tuple[DistillFigure, ...]] = (
    _fig("01", "two_clusters", {"points_per_cluster": 50, "dim": 2}),
    _fig(
        "02",
        "two_clusters",
        {"points_per_cluster": 50, "dim": 2},
        (30,) * 5,
        (10, 20, 60, 120, 1000),
    ),
    # figure-configs.js passes no scale, so the code default 10 applies
    _fig("03", "two_different_sized_clusters", {"points_per_cluster": 75, "dim": 2, "scale": 10}),
    _fig("04", "three_clusters", {"points_per_cluster": 50, "dim": 2}),
    _fig("05", "three_clusters", {"points_per_cluster": 200, "dim": 2}),
    _fig("06", "gaussian_cloud", {"n_points": 500, "dim": 100}),
    _fig("07", "ellipsoidal_gaussian_cloud", {"n_points": 100, "dim": 50}),
    _fig("08", "two_long_linear_clusters", {"points_per_cluster": 75}),
    _fig("09", "cluster_in_cluster", {"points_per_cluster": 75, "dim": 50}),
    _fig("10", "linked_rings", {"n_points": 100}),
    _fig("11", "trefoil_knot", {"n_points": 150}),
    _fig("12", "trefoil_knot", {"n_points": 100}, (2,) * 5),
    _fig("13", "trefoil_knot", {"n_points": 100}, (50,) * 5),
)
