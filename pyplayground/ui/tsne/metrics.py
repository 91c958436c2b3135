"""Measures of a t-SNE layout that make the Distill article's lessons checkable (NumPy only).

Each takes the current embedding (and the data or classes) and returns a float, or
``None`` when it does not apply (no classes, too few points).
"""

from __future__ import annotations

import numpy as np

K_NEIGHBOURS = 5
TRUST_MAX_POINTS = 1000  # the rank matrix of the data is N × N


def sq_distances(X: np.ndarray) -> np.ndarray:
    """Squared Euclidean distances between all rows, shape (n, n)."""
    sq = np.einsum("ij,ij->i", X, X)
    D = X @ X.T
    D *= -2.0
    D += sq[:, None]
    D += sq[None, :]
    np.maximum(D, 0.0, out=D)
    return D


def knn(Y: np.ndarray, k: int = K_NEIGHBOURS, rows: np.ndarray | None = None) -> np.ndarray:
    """Indices of the ``k`` nearest other rows (unordered) of every row, or of ``rows`` only.

    Returns shape (n, k), or (len(rows), k).
    """
    n = Y.shape[0]
    k = min(k, n - 1)
    if rows is None:
        D = sq_distances(Y)
        np.fill_diagonal(D, np.inf)
    else:
        Q = Y[rows]
        D = Q @ Y.T
        D *= -2.0
        D += np.einsum("ij,ij->i", Q, Q)[:, None]
        D += np.einsum("ij,ij->i", Y, Y)[None, :]
        D[np.arange(len(rows)), rows] = np.inf
    return np.argpartition(D, k - 1, axis=1)[:, :k]


def knn_agreement(
    neighbours: np.ndarray, labels: np.ndarray | None, rows: np.ndarray | None = None
) -> float | None:
    """Fraction of neighbours that share their point's class (``rows``: whose neighbours)."""
    if labels is None or len(np.unique(labels)) < 2:
        return None
    own = labels if rows is None else labels[rows]
    return float(np.mean(labels[neighbours] == own[:, None]))


def data_ranks(X: np.ndarray) -> np.ndarray | None:
    """Rank of every point in every other point's distance order (self = 0), or None if big."""
    n = X.shape[0]
    if n > TRUST_MAX_POINTS or n < 3 * K_NEIGHBOURS:
        return None
    order = np.argsort(sq_distances(X), axis=1, kind="stable")
    ranks = np.empty((n, n), dtype=np.int32)
    rows = np.arange(n)[:, None]
    ranks[rows, order] = np.arange(n, dtype=np.int32)[None, :]
    # a point is its own rank 0 even when it has duplicates
    ranks[np.arange(n), np.arange(n)] = 0
    return ranks


def trustworthiness(
    neighbours: np.ndarray, ranks: np.ndarray | None, rows: np.ndarray | None = None
) -> float | None:
    """Venna & Kaski's trustworthiness of the embedding's neighbours (scikit-learn's formula).

    With ``rows`` (whose neighbours were given), the penalty sum is estimated from them.
    """
    if ranks is None:
        return None
    n = ranks.shape[0]
    k = neighbours.shape[1]
    rows = np.arange(n) if rows is None else rows
    r = ranks[rows[:, None], neighbours] - k
    penalty = float(r[r > 0].sum()) * n / len(rows)
    return 1.0 - penalty * 2.0 / (n * k * (2.0 * n - 3.0 * k - 1.0))


def _class_stats(Y: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    classes = np.unique(labels)
    centres = np.stack([Y[labels == c].mean(axis=0) for c in classes])
    radii = np.array(
        [np.sqrt(np.mean(np.sum((Y[labels == c] - centres[i]) ** 2, axis=1)))
         for i, c in enumerate(classes)]
    )  # fmt: skip
    return centres, radii


def size_ratio(Y: np.ndarray, labels: np.ndarray | None) -> float | None:
    """RMS radius of the smallest class over that of the largest (1 = equal)."""
    if labels is None or len(np.unique(labels)) < 2:
        return None
    radii = _class_stats(Y, labels)[1]
    return float(radii.min() / radii.max()) if radii.max() > 0 else None


def distance_ratio(Y: np.ndarray, labels: np.ndarray | None) -> float | None:
    """Largest distance between class centres over the smallest (three or more classes)."""
    if labels is None or len(np.unique(labels)) < 3:
        return None
    centres = _class_stats(Y, labels)[0]
    d = np.sqrt(sq_distances(centres))[np.triu_indices(len(centres), 1)]
    return float(d.max() / d.min()) if d.min() > 0 else None


def separation(Y: np.ndarray, labels: np.ndarray | None) -> float | None:
    """Smallest distance between two class centres over the mean RMS radius of the classes.

    Large when every class is a compact group away from the others; near 0 when classes
    overlap or surround each other.
    """
    if labels is None or len(np.unique(labels)) < 2:
        return None
    centres, radii = _class_stats(Y, labels)
    d = np.sqrt(sq_distances(centres))[np.triu_indices(len(centres), 1)]
    mean = float(radii.mean())
    return float(d.min() / mean) if mean > 0 else None


def clumps(Y: np.ndarray, factor: float = 3.0, min_size: int = 5) -> int | None:
    """Number of groups of at least ``min_size`` points when points closer than ``factor``
    times the median nearest-neighbour distance are joined (single linkage).

    An even spread is one group; t-SNE at a tiny perplexity breaks noise into many clumps.
    """
    n = Y.shape[0]
    if n < 2 * min_size:
        return None
    D = sq_distances(Y)
    np.fill_diagonal(D, np.inf)
    t = factor * float(np.median(np.sqrt(D.min(axis=1))))
    A = t * t >= D
    label = np.arange(n)
    while True:  # min-label propagation with pointer jumping: connected components
        new = np.minimum(label, np.where(A, label[None, :], n).min(axis=1))
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    return int((np.bincount(label) >= min_size).sum())


def elongation(Y: np.ndarray, labels: np.ndarray | None) -> float | None:
    """Mean over classes of the first principal axis's share of the variance (2-D layouts)."""
    groups = [Y] if labels is None else [Y[labels == c] for c in np.unique(labels)]
    shares = []
    for G in groups:
        if len(G) < 3:
            continue
        ev = np.linalg.eigvalsh(np.cov(G.T))
        if ev.sum() > 0:
            shares.append(float(ev[-1] / ev.sum()))
    return float(np.mean(shares)) if shares else None


def runs_agreement(layouts: list[np.ndarray]) -> float | None:
    """Mean correlation of all pairwise distances between every two runs' layouts.

    1 = the runs agree up to rotation, reflection and scale; lower = different layouts.
    """
    if len(layouts) < 2 or layouts[0].shape[0] < 3:
        return None
    iu = np.triu_indices(layouts[0].shape[0], 1)
    dists = [np.sqrt(sq_distances(Y))[iu] for Y in layouts]
    corr = [
        float(np.corrcoef(dists[a], dists[b])[0, 1])
        for a in range(len(dists))
        for b in range(a + 1, len(dists))
    ]
    return float(np.mean(corr))


__all__ = [
    "K_NEIGHBOURS",
    "clumps",
    "data_ranks",
    "distance_ratio",
    "elongation",
    "knn",
    "knn_agreement",
    "runs_agreement",
    "separation",
    "size_ratio",
    "sq_distances",
    "trustworthiness",
]
