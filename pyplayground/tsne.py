"""t-SNE in NumPy: exact and FFT-interpolated gradients, with a step-wise interface for animation.

:class:`TSNE` follows scikit-learn's estimator (same parameters, defaults, optimiser and error
messages); ``TSNE(...).start(X)`` returns a :class:`TSNEStepper` whose ``step(k)`` advances ``k``
iterations and returns the current embedding and KL divergence, for a UI that redraws between
calls.  Everything is vectorised NumPy, so it runs unchanged in Pyodide.

Methods
-------
``"exact"``
    Dense ``P`` (perplexity search over all ``n - 1`` neighbours) and the exact ``O(N²)``
    gradient.  The stepper computes it in float32 over each pair once (row blocks of the
    upper triangle, element-wise passes and row/column sums; see ``_ExactKernel``);
    :func:`kl_gradient` and :func:`kl_divergence` stay float64.  The right choice up to
    about 1,000 points.
``"fft"`` (alias ``"barnes_hut"``)
    For larger ``N`` (a few thousand points).  Attraction runs over a sparse ``P`` of the
    ``3·perplexity`` nearest neighbours, as in Barnes-Hut t-SNE.  For repulsion the kernel
    ``1/(1+r²)`` is split in two: a smooth far part, interpolated on a regular grid and
    convolved with ``np.fft`` (FIt-SNE, Linderman et al. 2019), and a short-range rest summed
    exactly over the pairs closer than the split radius (found with a cell list; the
    particle-particle/particle-mesh idea).  Cost ``O(N·k)`` plus FFTs on a grid of about
    ``4.8·√N`` nodes per axis; the repulsive force is off by about 0.2 % and the final KL
    comes within about 2 % of the exact method's.  ``"barnes_hut"`` is accepted so that
    scikit-learn code runs unchanged; no tree is built.

Differences from scikit-learn
-----------------------------
- The Student-t has one degree of freedom for every ``n_components`` (scikit-learn uses
  ``max(n_components - 1, 1)``); identical for the usual 2-D output.
- The embedding is re-centred after every update (as tsnejs does), so it stays in view.
- ``kl_divergence_`` and :attr:`TSNEStep.kl_divergence` always use the un-exaggerated ``P``.
- Input is rescaled to unit range before anything else (the result does not change: the
  perplexity calibration is scale-free), which avoids overflow for unscaled features.

For the Distill/tsnejs behaviour use ``early_exaggeration=4, n_iter_early_exag=100`` and a
learning rate (tsnejs "epsilon") of 10; tsnejs keeps momentum 0.5 until step 250, here the
momentum switches when exaggeration ends.

References
----------
L. van der Maaten, G. Hinton, "Visualizing Data using t-SNE", JMLR 9, 2008.
G. Linderman et al., "Fast interpolation-based t-SNE for improved visualization of single-cell
RNA-seq data", Nature Methods 16, 2019.
"""

from __future__ import annotations

import itertools
import math
import numbers
import warnings
from typing import Any, Final, NamedTuple

import numpy as np

from .tsne_fft import MACHINE_EPSILON, _FFTRepulsion, _sparse_attraction

__all__ = [
    "METHODS",
    "TSNE",
    "TSNEStep",
    "TSNEStepper",
    "joint_probabilities",
    "joint_probabilities_nn",
    "kl_divergence",
    "kl_gradient",
]

METHODS: Final = ("exact", "fft", "barnes_hut")

_PERPLEXITY_TOL: Final = 1e-5  # nats, as scikit-learn
_SEARCH_STEPS: Final = 100
_N_ITER_CHECK: Final = 50
_MIN_GAIN: Final = 0.01
_MOMENTUM: Final = 0.5
_FINAL_MOMENTUM: Final = 0.8
_KNN_BLOCK: Final = 512  # rows of the distance matrix held at once by the neighbour search
_PCA_EXACT_MAX: Final = 100  # min(n_samples, n_features) up to which PCA uses a full SVD
_EXACT_MAX_BLOCKS: Final = 8  # row blocks of the exact method's upper triangle
_EXACT_BLOCK_ROWS: Final = 100  # about N / 100 blocks (5 at N = 500: area 0.6·N²)


# --------------------------------------------------------------------------------------------
# Parameter validation (scikit-learn's messages, without its machinery)
# --------------------------------------------------------------------------------------------


class _Interval(NamedTuple):
    kind: type  # numbers.Integral or numbers.Real
    low: float | None
    high: float | None
    closed: str  # "left", "right", "both", "neither"

    def ok(self, v: object) -> bool:
        if isinstance(v, bool) or not isinstance(v, self.kind):
            return False
        v = float(v)  # type: ignore[arg-type]
        if math.isnan(v):
            return False
        low_open = self.closed in ("right", "neither")
        high_open = self.closed in ("left", "neither")
        if self.low is not None and (v < self.low or (v == self.low and low_open)):
            return False
        return not (self.high is not None and (v > self.high or (v == self.high and high_open)))

    def describe(self) -> str:
        kind = "an int" if self.kind is numbers.Integral else "a float"
        lo = "-inf" if self.low is None else _fmt(self.low)
        hi = "inf" if self.high is None else _fmt(self.high)
        left = "[" if self.closed in ("left", "both") and self.low is not None else "("
        right = "]" if self.closed in ("right", "both") and self.high is not None else ")"
        return f"{kind} in the range {left}{lo}, {hi}{right}"


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


class _Options(NamedTuple):
    options: tuple[str, ...]

    def ok(self, v: object) -> bool:
        return isinstance(v, str) and v in self.options

    def describe(self) -> str:
        return "a str among {" + ", ".join(repr(o) for o in sorted(self.options)) + "}"


class _Instance(NamedTuple):
    cls: type
    text: str

    def ok(self, v: object) -> bool:
        return isinstance(v, self.cls)

    def describe(self) -> str:
        return self.text


class _NoneOK(NamedTuple):
    def ok(self, v: object) -> bool:
        return v is None

    def describe(self) -> str:
        return "None"


_CONSTRAINTS: Final[dict[str, tuple[Any, ...]]] = {
    "n_components": (_Interval(numbers.Integral, 1, None, "left"),),
    "perplexity": (_Interval(numbers.Real, 0, None, "neither"),),
    "early_exaggeration": (_Interval(numbers.Real, 1, None, "left"),),
    "learning_rate": (_Options(("auto",)), _Interval(numbers.Real, 0, None, "neither")),
    "n_iter": (_Interval(numbers.Integral, 1, None, "left"),),
    "n_iter_early_exag": (_Interval(numbers.Integral, 0, None, "left"),),
    "n_iter_without_progress": (_Interval(numbers.Integral, -1, None, "left"),),
    "min_grad_norm": (_Interval(numbers.Real, 0, None, "left"),),
    "method": (_Options(METHODS),),
    "init": (_Options(("pca", "random")), _Instance(np.ndarray, "an instance of 'numpy.ndarray'")),
    "random_state": (
        _Interval(numbers.Integral, 0, None, "left"),
        _Instance(np.random.Generator, "an instance of 'numpy.random.Generator'"),
        _NoneOK(),
    ),
}


def _check_param(owner: str, name: str, value: object) -> None:
    constraints = _CONSTRAINTS[name]
    if any(c.ok(value) for c in constraints):
        return
    texts = [c.describe() for c in constraints]
    joined = texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " or " + texts[-1]
    raise ValueError(f"The {name!r} parameter of {owner} must be {joined}. Got {value!r} instead.")


def _check_X(X: object, owner: str = "TSNE") -> np.ndarray:
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"{owner} expects numeric data; X could not be converted to float."
        ) from None
    if X.ndim != 2:
        raise ValueError(
            f"Expected a 2-D array of shape (n_samples, n_features), got shape {X.shape} instead."
        )
    n, f = X.shape
    if n < 2:
        raise ValueError(
            f"Found array with {n} sample(s) (shape={X.shape}) while a minimum of 2 is "
            f"required by {owner}."
        )
    if f < 1:
        raise ValueError(
            f"Found array with 0 feature(s) (shape={X.shape}) while a minimum of 1 is "
            f"required by {owner}."
        )
    if np.isnan(X).any():
        raise ValueError("Input X contains NaN.")
    if not np.isfinite(X).all():
        raise ValueError("Input X contains infinity or a value too large for dtype('float64').")
    return X


def _normalize(X: np.ndarray) -> tuple[np.ndarray, bool]:
    """Centre and scale ``X`` into [-1, 1]; returns (X, all rows identical)."""
    scale = float(np.abs(X).max())
    if scale > 0:
        X = X / scale
    X = X - X.mean(axis=0)
    spread = float(np.abs(X).max())
    if spread == 0.0:
        return X, True
    return X / spread, False


# --------------------------------------------------------------------------------------------
# Input affinities
# --------------------------------------------------------------------------------------------


def _binary_search_perplexity(D: np.ndarray, perplexity: float) -> np.ndarray:
    """Row-wise Gaussian conditionals ``p_{j|i}`` with perplexity ``perplexity``.

    ``D`` holds squared distances to each row's candidate neighbours (no self-distances).
    All rows are solved at once: a safeguarded Newton iteration on ``log β`` with a bisection
    bracket (usually 5-10 passes instead of bisection's 20-50), tolerance 1e-5 nats on the
    entropy.  Distances are shifted by the row minimum first, so every row has one
    ``exp(0) = 1`` and its normaliser is at least 1: no 0/0 (tsnejs's NaN source).  Rows that
    cannot reach the target (perplexity above the number of neighbours, identical points)
    end near uniform after the step budget, never non-finite.
    """
    n, m = D.shape
    Ds = D - D.min(axis=1, keepdims=True)
    target = math.log(perplexity)
    P = np.empty_like(Ds)
    mean = Ds.mean(axis=1)
    flat = mean <= 0.0  # all candidates equidistant: any β gives the uniform row
    P[flat] = 1.0 / m
    u = -np.log(np.where(flat, 1.0, mean))  # u = log β; β ≈ 1/mean distance to start
    lo = np.full(n, -np.inf)
    hi = np.full(n, np.inf)
    active = np.flatnonzero(~flat)
    for _ in range(_SEARCH_STEPS):
        if active.size == 0:
            break
        d = Ds if active.size == n else Ds[active]
        beta = np.exp(u[active])
        E = np.exp(d * -beta[:, None])
        S = E.sum(axis=1)
        Ed = E * d
        m1 = Ed.sum(axis=1) / S
        m2 = (Ed * d).sum(axis=1) / S
        H = np.log(S) + beta * m1
        diff = H - target
        done = np.abs(diff) <= _PERPLEXITY_TOL
        rows = active[done]
        P[rows] = E[done] / S[done, None]
        # entropy too high means β too small: raise the lower bracket, and vice versa
        ua = u[active]
        lo_a = np.where(diff > 0, ua, lo[active])
        hi_a = np.where(diff > 0, hi[active], ua)
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            slope = beta * beta * np.maximum(m2 - m1 * m1, 0.0)  # -dH/du
            newton = ua + diff / slope  # non-finite when slope ~ 0: bisection below
        step = np.clip(newton - ua, -5.0, 5.0)  # at most a factor e^5 per pass
        cand = ua + step
        inside = np.isfinite(cand) & (cand > lo_a) & (cand < hi_a)
        bisect = np.where(
            np.isinf(hi_a), ua + 2.0, np.where(np.isinf(lo_a), ua - 2.0, 0.5 * (lo_a + hi_a))
        )
        u[active] = np.where(inside, cand, bisect)
        lo[active], hi[active] = lo_a, hi_a
        active = active[~done]
    if active.size:  # step budget spent: keep the last iterate (finite, near the target)
        d = Ds[active]
        E = np.exp(d * -np.exp(u[active])[:, None])
        P[active] = E / E.sum(axis=1, keepdims=True)
    return P


def _sq_distances(X: np.ndarray, rows: slice | None = None) -> np.ndarray:
    sq = np.einsum("ij,ij->i", X, X)
    Xr = X if rows is None else X[rows]
    D = Xr @ X.T
    D *= -2.0
    D += sq[rows if rows is not None else slice(None), None]
    D += sq[None, :]
    np.maximum(D, 0.0, out=D)
    return D


def joint_probabilities(X: np.ndarray, perplexity: float) -> np.ndarray:
    """Dense symmetric input affinities ``P`` of t-SNE (the exact method).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    perplexity : float
        Target perplexity of every conditional ``p_{·|i}``, ``0 < perplexity``; values at or
        above ``n_samples - 1`` cannot be reached and give (near-)uniform rows.

    ``X`` is centred and scaled into [-1, 1] first: the result does not depend on the
    scale (each row's bandwidth adapts), and unscaled features cannot overflow.

    Returns
    -------
    P : ndarray of shape (n_samples, n_samples)
        ``(p_{j|i} + p_{i|j}) / 2n`` floored at machine epsilon off the diagonal, zero on it;
        sums to 1 (up to the floor), as scikit-learn's ``_joint_probabilities``.
    """
    X = _normalize(np.asarray(X, dtype=np.float64))[0]
    n = X.shape[0]
    D = _sq_distances(X)
    off = ~np.eye(n, dtype=bool)
    cond = _binary_search_perplexity(D[off].reshape(n, n - 1), perplexity)
    P = np.zeros((n, n))
    P[off] = cond.ravel()
    P += P.T
    P /= max(float(P.sum()), MACHINE_EPSILON)
    np.maximum(P, MACHINE_EPSILON, out=P)
    np.fill_diagonal(P, 0.0)
    return P


def _nearest_neighbors(X: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and squared distances of each row's ``k`` nearest other rows, sorted."""
    n = X.shape[0]
    idx = np.empty((n, k), dtype=np.intp)
    dist = np.empty((n, k))
    for start in range(0, n, _KNN_BLOCK):
        rows = slice(start, min(start + _KNN_BLOCK, n))
        D = _sq_distances(X, rows)
        r = np.arange(rows.start, rows.stop)
        D[r - start, r] = np.inf  # never one's own neighbour
        part = (
            np.argpartition(D, k - 1, axis=1)[:, :k] if k < n - 1 else np.argsort(D, axis=1)[:, :k]
        )
        pd = np.take_along_axis(D, part, axis=1)
        order = np.argsort(pd, axis=1, kind="stable")
        idx[rows] = np.take_along_axis(part, order, axis=1)
        dist[rows] = np.take_along_axis(pd, order, axis=1)
    return idx, dist


def joint_probabilities_nn(
    X: np.ndarray, perplexity: float, n_neighbors: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sparse input affinities over nearest neighbours (Barnes-Hut t-SNE's ``P``).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    perplexity : float
    n_neighbors : int, optional
        Default ``min(n_samples - 1, int(3 * perplexity + 1))``, as scikit-learn.

    Returns
    -------
    rows, cols : ndarray of shape (n_pairs,), intp
        Each unordered pair once, ``rows < cols``, sorted.
    values : ndarray of shape (n_pairs,)
        ``P_ij = P_ji``; the full symmetric matrix (both orders) sums to 1.
    """
    X = _normalize(np.asarray(X, dtype=np.float64))[0]
    n = X.shape[0]
    k = min(n - 1, int(3.0 * perplexity + 1)) if n_neighbors is None else n_neighbors
    idx, dist = _nearest_neighbors(X, k)
    cond = _binary_search_perplexity(dist, perplexity)
    i = np.repeat(np.arange(n, dtype=np.int64), k)
    j = idx.ravel()
    key = np.minimum(i, j) * n + np.maximum(i, j)
    uniq, inverse = np.unique(key, return_inverse=True)
    values = np.bincount(inverse.ravel(), weights=cond.ravel(), minlength=uniq.size)
    values /= max(2.0 * float(values.sum()), MACHINE_EPSILON)
    return (uniq // n).astype(np.intp), (uniq % n).astype(np.intp), values


# --------------------------------------------------------------------------------------------
# Objective and gradients
# --------------------------------------------------------------------------------------------


def _kernel_matrix(Y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``1 / (1 + ‖y_i − y_j‖²)`` as one rank-(d+2) product: [Y, |y|², 1]·[−2Y, 1, |y|²+1]ᵀ."""
    n, d = Y.shape
    sq = np.einsum("ij,ij->i", Y, Y)
    A = np.empty((n, d + 2))
    B = np.empty((n, d + 2))
    A[:, :d], A[:, d], A[:, d + 1] = Y, sq, 1.0
    B[:, :d], B[:, d], B[:, d + 1] = -2.0 * Y, 1.0, sq + 1.0
    num = np.matmul(A, B.T, out=out)
    np.maximum(num, 1.0, out=num)  # 1 + d² >= 1; absorbs rounding of the expansion
    np.reciprocal(num, out=num)
    return num


def kl_divergence(Y: np.ndarray, P: np.ndarray) -> float:
    """Exact ``KL(P ‖ Q(Y))`` for a dense ``P`` (zero diagonal) and embedding ``Y``."""
    Y = np.asarray(Y, dtype=np.float64)
    num = _kernel_matrix(Y)
    np.fill_diagonal(num, 0.0)
    Z = float(num.sum())
    mask = P > 0
    return float(np.sum(P[mask] * np.log(P[mask] / (num[mask] / Z))))


def kl_gradient(
    Y: np.ndarray, P: np.ndarray, exaggeration: float = 1.0
) -> tuple[np.ndarray, float]:
    """Exact gradient of ``KL(exaggeration·P ‖ Q(Y))`` with respect to ``Y``, and ``Z``.

    ``∂C/∂y_i = 4 Σ_j (a·p_ij − q_ij)(y_i − y_j)/(1 + ‖y_i − y_j‖²)``, with ``a`` the
    exaggeration and ``Z = Σ_{i≠j} 1/(1 + ‖y_i − y_j‖²)``.

    Returns
    -------
    grad : ndarray of shape (n_samples, n_components)
    Z : float
    """
    grad, Z, _ = _exact_gradient(np.asarray(Y, dtype=np.float64), P, exaggeration, None, None)
    return grad, Z


def _exact_gradient(
    Y: np.ndarray,
    P: np.ndarray,
    exaggeration: float,
    buffers: tuple[np.ndarray, np.ndarray] | None,
    plogp: float | None,
) -> tuple[np.ndarray, float, float | None]:
    """Gradient, Z and (when ``plogp`` is given) the un-exaggerated KL of the exact method."""
    n, d = Y.shape
    num_buf, w_buf = buffers if buffers is not None else (None, None)
    num = _kernel_matrix(Y, out=num_buf)
    kl = None
    if plogp is not None:
        # Σ P log P − Σ P log k + log Z; the diagonal of num is 1 here, so log k_ii = 0
        w = np.log(num, out=w_buf)
        w *= P
        cross = float(w.sum())
    np.fill_diagonal(num, 0.0)
    Z = max(float(num.sum()), MACHINE_EPSILON)
    if plogp is not None:
        kl = plogp - cross + math.log(Z)
    # (a·P − num/Z)·num = a·(P − num/(aZ))·num: no exaggerated copy of P is needed
    W = np.multiply(num, -1.0 / (exaggeration * Z), out=w_buf)
    W += P
    W *= num
    C = np.empty((n, d + 1))
    C[:, :d], C[:, d] = Y, 1.0
    R = W @ C  # [Σ_j w_ij y_j, Σ_j w_ij]
    grad = R[:, d:] * Y
    grad -= R[:, :d]
    grad *= 4.0 * exaggeration
    return grad, Z, kl


class _ExactKernel:
    """The stepper's exact gradient: float32, each pair once, in row blocks.

    The rows are cut into about ``N / 100`` (at most 8) blocks of about equal area in the
    upper triangle; block ``b`` (rows ``s:e``) holds the columns ``s:`` (its own diagonal
    square and everything to its right), about 0.6·N² elements in all at N = 500 instead
    of N².  Per block: the differences ``y_ia − y_ja`` (``subtract.outer``, one buffer per
    axis), the kernel ``k = 1/(1 + Σ_a (y_ia − y_ja)²)`` (no ``|y|²`` expansion, so no
    cancellation and no ``maximum`` guard: ``k ∈ (0, 1]``, ``k_ii = 1`` exactly, then set to
    0), ``Z``, then ``W = (P − k/(aZ))·k`` and the force ``Σ_j w_ij (y_i − y_j)`` as row sums
    of ``W·Δ`` for the block's rows and column sums (with the opposite sign) for the
    columns right of the diagonal square, each one fused ``einsum`` pass.  Summing the
    products with the differences, not ``y_i Σ_j w_ij − Σ_j w_ij y_j`` (a matrix product),
    avoids the cancellation that float32 cannot afford once the layout has spread (1e-2
    relative error near convergence in Pyodide, where NumPy has no BLAS).

    The embedding, gains and update stay float64.  The gradient agrees with
    :func:`kl_gradient` to about 2e-4 relative on a converged layout (1e-6 during
    exaggeration), from rounding the kernel and the weights to float32; scikit-learn's
    t-SNE keeps the whole embedding in float32.  Buffers: ``(d + 3)`` block sets of float32,
    about ``0.6·(d + 3)·N²·4`` bytes (3 MB at N = 500 and d = 2; the float64 version held
    two ``N × N`` float64 buffers, 4 MB).  Why not fewer passes: in Pyodide (wasm, no BLAS)
    each element-wise pass over 250,000 float32 costs about 0.13 ms, ``subtract.outer``
    0.22 ms, ``reciprocal`` 0.26 ms and a thin matrix product 0.5 ms; all squared distances
    as one ``(N, 4) @ (4, N)`` product cost 1 ms, more than the per-axis differences.
    """

    def __init__(self, P: np.ndarray, n_components: int) -> None:
        n, d = P.shape[0], n_components
        n_blocks = max(1, min(_EXACT_MAX_BLOCKS, n // _EXACT_BLOCK_ROWS))
        # equal areas of the upper triangle: the b-th cut at n·(1 − √(1 − b/B))
        cuts = [round(n * (1.0 - math.sqrt(1.0 - b / n_blocks))) for b in range(n_blocks)]
        edges = sorted({*cuts, n})
        self.bounds = list(itertools.pairwise(edges))
        self.cols = np.empty((d, n), dtype=np.float32)  # the embedding, one row per axis
        # per block: views made once (each NumPy call costs microseconds in Pyodide)
        self.blocks = []
        for s, e in self.bounds:
            m, shape = e - s, (e - s, n - s)
            k, t = np.empty(shape, dtype=np.float32), np.empty(shape, dtype=np.float32)
            diffs = [np.empty(shape, dtype=np.float32) for _ in range(d)]
            self.blocks.append(
                _Block(
                    s, e, np.ascontiguousarray(P[s:e, s:], dtype=np.float32), k, t, diffs,
                    [(self.cols[a, s:e], self.cols[a, s:]) for a in range(d)],
                    k.reshape(-1)[:: n - s + 1], k[:, :m], t[:, :m], t[:, m:],
                    [x[:, m:] for x in diffs],
                )
            )  # fmt: skip

    def __call__(
        self, Y: np.ndarray, exaggeration: float, plogp: float | None
    ) -> tuple[np.ndarray, float | None]:
        """Gradient of ``KL(a·P ‖ Q)`` (float64) and, with ``plogp``, the un-exaggerated KL."""
        n, d = Y.shape
        np.copyto(self.cols, Y.T)  # to float32
        Z = 0.0
        cross = 0.0  # Σ_ij p_ij log k_ij
        for bl in self.blocks:
            k, t = bl.k, bl.w
            for a, (rows, cols) in enumerate(bl.cols):
                diff = np.subtract.outer(rows, cols, out=bl.diffs[a])
                np.square(diff, out=k if a == 0 else t)
                if a:
                    k += t
            k += 1.0
            np.reciprocal(k, out=k)
            if plogp is not None:  # the diagonal is k = 1, p = 0 here: it adds 0
                np.log(k, out=t)
                t *= bl.P
                cross += 2.0 * float(t.sum()) - float(bl.w_square.sum())
            bl.diagonal[...] = 0.0  # of the leading square
            Z += 2.0 * float(k.sum()) - float(bl.k_square.sum())
        Z = max(Z, MACHINE_EPSILON)
        # (a·P − k/Z)·k = a·(P − k/(aZ))·k: no exaggerated copy of P is needed
        c = np.float32(-1.0 / (exaggeration * Z))
        grad = np.zeros((n, d))
        for bl in self.blocks:
            W = np.multiply(bl.k, c, out=bl.w)
            W += bl.P
            W *= bl.k
            s, e = bl.start, bl.stop
            for a in range(d):  # Σ_j w_ij (y_i − y_j): one fused product-sum pass each
                grad[s:e, a] += np.einsum("ij,ij->i", W, bl.diffs[a])
                if e < n:
                    grad[e:, a] -= np.einsum("ij,ij->j", bl.w_right, bl.diffs_right[a])
        grad *= 4.0 * exaggeration
        kl = None if plogp is None else plogp - cross + math.log(Z)
        return grad, kl


class _Block(NamedTuple):
    """One row block of :class:`_ExactKernel`: rows ``start:stop``, columns ``start:``."""

    start: int
    stop: int
    P: np.ndarray
    k: np.ndarray
    w: np.ndarray
    diffs: list[np.ndarray]
    cols: list[tuple[np.ndarray, np.ndarray]]  # per axis: the block's rows, its columns
    # views of k, w and the diffs: k's diagonal, the leading m × m squares, the rest
    diagonal: np.ndarray
    k_square: np.ndarray
    w_square: np.ndarray
    w_right: np.ndarray
    diffs_right: list[np.ndarray]


# --------------------------------------------------------------------------------------------
# Stepper and estimator
# --------------------------------------------------------------------------------------------


class TSNEStep(NamedTuple):
    """What :meth:`TSNEStepper.step` returns.

    Attributes
    ----------
    iteration : int
        Iterations done so far.
    embedding : ndarray of shape (n_samples, n_components)
        A copy of the embedding after the last update.
    kl_divergence : float
        ``KL(P ‖ Q)`` (un-exaggerated ``P``) at the start of the last iteration, as
        scikit-learn reports it; approximate for the ``"fft"`` method.
    grad_norm : float
        Norm of the last gradient times the per-coordinate gains (scikit-learn's stopping
        criterion; of the exaggerated objective during exaggeration).
    """

    iteration: int
    embedding: np.ndarray
    kl_divergence: float
    grad_norm: float


class TSNEStepper:
    """A running t-SNE optimisation; create it with :meth:`TSNE.start`.

    Each :meth:`step` call advances a fixed number of iterations (no early stopping), so a
    UI can call ``step(1)`` per frame for the first steps and ``step(10)`` later, as the
    Distill playground does.  The schedule (exaggeration, momentum) depends only on the
    iteration count, so ``step(a)`` then ``step(b)`` equals ``step(a + b)``.

    Attributes
    ----------
    iteration : int
    learning_rate : float
    method : {"exact", "fft"}
    n_samples : int
    """

    def __init__(
        self,
        Y: np.ndarray,
        method: str,
        affinities: Any,
        *,
        learning_rate: float,
        early_exaggeration: float,
        n_iter_early_exag: int,
    ) -> None:
        self._Y = Y
        self.method = method
        self.learning_rate = learning_rate
        self.early_exaggeration = early_exaggeration
        self.n_iter_early_exag = n_iter_early_exag
        self.iteration = 0
        self.n_samples = Y.shape[0]
        self._update = np.zeros_like(Y)
        self._gains = np.ones_like(Y)
        self._mean_weights = np.full(Y.shape[0], 1.0 / Y.shape[0])
        if method == "exact":
            self._P = affinities
            pos = affinities[affinities > 0]
            self._plogp = float(np.dot(pos, np.log(pos)))
            self._kernel = _ExactKernel(affinities, Y.shape[1])
        else:
            self._pairs = affinities
            vals = affinities[2]
            pos = vals[vals > 0]
            self._plogp = 2.0 * float(np.dot(pos, np.log(pos)))
            self._repulsion = _FFTRepulsion(Y.shape[0])

    @property
    def embedding(self) -> np.ndarray:
        """A copy of the current embedding, shape (n_samples, n_components)."""
        return self._Y.copy()

    @property
    def affinities(self) -> Any:
        """The input affinities: dense ``P`` (exact) or ``(rows, cols, values)`` (fft)."""
        return self._P if self.method == "exact" else self._pairs

    def _gradient(self, exaggeration: float, want_kl: bool) -> tuple[np.ndarray, float | None]:
        Y = self._Y
        if self.method == "exact":
            return self._kernel(Y, exaggeration, self._plogp if want_kl else None)
        rows, cols, vals = self._pairs
        attr, plogk = _sparse_attraction(Y, rows, cols, vals, want_kl)
        rep, Z = self._repulsion(Y)
        grad = attr
        grad *= exaggeration
        grad -= rep / Z
        grad *= 4.0
        kl = None if plogk is None else self._plogp - plogk + math.log(Z)
        return grad, kl

    def kl_divergence(self) -> float:
        """KL divergence of the current embedding (approximate ``Q`` for the fft method)."""
        return float(self._gradient(1.0, True)[1])  # type: ignore[arg-type]

    def step(self, n_steps: int = 1, *, compute_kl: bool = True) -> TSNEStep:
        """Advance ``n_steps`` iterations of gradient descent with momentum and gains.

        Parameters
        ----------
        n_steps : int >= 0, default=1
        compute_kl : bool, default=True
            Evaluate the KL divergence during the last iteration (one extra ``log`` pass
            for the exact method); ``kl_divergence`` is NaN in the result otherwise.

        Returns
        -------
        TSNEStep

        Raises
        ------
        FloatingPointError
            If the gradient stops being finite (a far too large learning rate); the
            embedding keeps its last finite value.
        """
        if isinstance(n_steps, bool) or not isinstance(n_steps, numbers.Integral) or n_steps < 0:
            raise ValueError(
                f"The 'n_steps' parameter of TSNEStepper.step must be an int in the range "
                f"[0, inf). Got {n_steps!r} instead."
            )
        kl = float("nan")
        grad_norm = float("nan")
        for s in range(int(n_steps)):
            early = self.iteration < self.n_iter_early_exag
            exaggeration = self.early_exaggeration if early else 1.0
            momentum = _MOMENTUM if early else _FINAL_MOMENTUM
            want = compute_kl and s == n_steps - 1
            with np.errstate(over="ignore", invalid="ignore"):  # checked just below
                grad, kl_now = self._gradient(exaggeration, want)
            if not np.isfinite(grad).all():
                raise FloatingPointError(
                    f"t-SNE diverged at iteration {self.iteration} (non-finite gradient); "
                    f"lower the learning rate (now {self.learning_rate:g})."
                )
            if kl_now is not None:
                kl = kl_now
            inc = self._update * grad < 0.0
            self._gains = np.where(inc, self._gains + 0.2, self._gains * 0.8)
            np.maximum(self._gains, _MIN_GAIN, out=self._gains)
            grad *= self._gains
            self._update *= momentum
            self._update -= self.learning_rate * grad
            self._Y += self._update
            mean = self._mean_weights @ self._Y  # 7 µs in Pyodide; Y.mean(axis=0): 50
            for a, value in enumerate(mean):
                self._Y[:, a] -= value
            self.iteration += 1
            if s == n_steps - 1:
                grad_norm = float(np.linalg.norm(grad))  # of gains·grad, as scikit-learn
        return TSNEStep(self.iteration, self._Y.copy(), kl, grad_norm)


class TSNE:
    """t-distributed Stochastic Neighbor Embedding.

    Parameters
    ----------
    n_components : int, default=2
        Dimension of the embedding (``"fft"``: 1 or 2).
    perplexity : float, default=30.0
        Effective number of neighbours; must be below ``n_samples``.  5-50 is usual.
    early_exaggeration : float, default=12.0
        Factor on ``P`` during the first ``n_iter_early_exag`` iterations.
    learning_rate : float or "auto", default="auto"
        ``"auto"`` is ``max(n_samples / early_exaggeration / 4, 50)`` (scikit-learn's rule);
        usually in [10, 1000].  The Distill "epsilon" is this learning rate.
    n_iter : int, default=1000
        Maximum number of iterations (scikit-learn's ``max_iter``).
    n_iter_early_exag : int, default=250
        Iterations with exaggeration and momentum 0.5; then momentum 0.8.
    n_iter_without_progress : int, default=300
        After exaggeration, stop when the KL divergence (checked every 50 iterations) has
        not improved for this many iterations.
    min_grad_norm : float, default=1e-7
        Stop when the gradient norm (checked every 50 iterations) falls below this.
    method : {"exact", "fft", "barnes_hut"}, default="exact"
        See the module docstring; ``"barnes_hut"`` is an alias of ``"fft"``.
    init : {"pca", "random"} or ndarray of shape (n_samples, n_components), default="pca"
        PCA scaled so the first coordinate has standard deviation 1e-4, or
        ``N(0, 1e-4²)`` samples (tsnejs and scikit-learn both use this scale).
    random_state : int, np.random.Generator or None, default=None
        Seed or generator for the initial embedding (and the randomized PCA).

    Attributes
    ----------
    embedding_ : ndarray of shape (n_samples, n_components)
    kl_divergence_ : float
        KL divergence at the start of the last iteration.
    n_iter_ : int
        Iterations run.
    learning_rate_ : float
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).normal(size=(60, 5))
    >>> Y = TSNE(perplexity=10, n_iter=300, random_state=0).fit_transform(X)
    >>> Y.shape
    (60, 2)
    >>> stepper = TSNE(perplexity=10, random_state=0).start(X)
    >>> frame = stepper.step(10)  # frame.embedding, frame.kl_divergence
    """

    def __init__(
        self,
        n_components: int = 2,
        *,
        perplexity: float = 30.0,
        early_exaggeration: float = 12.0,
        learning_rate: float | str = "auto",
        n_iter: int = 1000,
        n_iter_early_exag: int = 250,
        n_iter_without_progress: int = 300,
        min_grad_norm: float = 1e-7,
        method: str = "exact",
        init: str | np.ndarray = "pca",
        random_state: int | np.random.Generator | None = None,
    ) -> None:
        self.n_components = n_components
        self.perplexity = perplexity
        self.early_exaggeration = early_exaggeration
        self.learning_rate = learning_rate
        self.n_iter = n_iter
        self.n_iter_early_exag = n_iter_early_exag
        self.n_iter_without_progress = n_iter_without_progress
        self.min_grad_norm = min_grad_norm
        self.method = method
        self.init = init
        self.random_state = random_state

    def __repr__(self) -> str:
        defaults = TSNE()
        changed = [
            f"{k}={v!r}"
            for k, v in self.get_params().items()
            if not isinstance(v, np.ndarray) and v != getattr(defaults, k)
        ]
        return f"TSNE({', '.join(changed)})"

    def get_params(self) -> dict[str, Any]:
        """Return the constructor parameters as a dict."""
        return {name: getattr(self, name) for name in _CONSTRAINTS}

    def set_params(self, **params: Any) -> TSNE:
        """Set constructor parameters (validated at the next fit); returns self."""
        for key, value in params.items():
            if key not in _CONSTRAINTS:
                raise ValueError(
                    f"Invalid parameter {key!r} for TSNE; valid: {list(_CONSTRAINTS)}."
                )
            setattr(self, key, value)
        return self

    def _validate_params(self) -> None:
        for name in _CONSTRAINTS:
            _check_param("TSNE", name, getattr(self, name))
        if self.method != "exact" and self.n_components > 2:
            raise ValueError(
                f"The {self.method!r} method supports n_components of 1 or 2; got "
                f"{self.n_components}. Use method='exact'."
            )

    def start(self, X: Any) -> TSNEStepper:
        """Validate, compute the input affinities and the initial embedding; return a stepper.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        TSNEStepper
            Its :meth:`~TSNEStepper.step` runs the optimisation.

        Raises
        ------
        ValueError
            For an invalid parameter, fewer than 2 samples, NaN or infinite input,
            ``perplexity >= n_samples``, or an ``init`` array of the wrong shape.
        """
        self._validate_params()
        X = _check_X(X)
        n = X.shape[0]
        if self.perplexity >= n:
            raise ValueError(
                f"perplexity ({self.perplexity}) must be less than n_samples ({n}); "
                f"use a perplexity below {n} (5 to 50 is usual)."
            )
        rng = (
            self.random_state
            if isinstance(self.random_state, np.random.Generator)
            else np.random.default_rng(self.random_state)
        )
        Xn, constant = _normalize(X)
        if constant:
            warnings.warn(
                "All samples of X are identical: P is uniform and the embedding carries no "
                "information.",
                UserWarning,
                stacklevel=2,
            )
        method = "exact" if self.method == "exact" else "fft"
        if method == "exact":
            affinities: Any = joint_probabilities(Xn, self.perplexity)
        else:
            affinities = joint_probabilities_nn(Xn, self.perplexity)
        Y = self._initial_embedding(Xn, constant, rng)
        if self.learning_rate == "auto":
            lr = max(n / self.early_exaggeration / 4.0, 50.0)
        else:
            lr = float(self.learning_rate)
        return TSNEStepper(
            Y,
            method,
            affinities,
            learning_rate=lr,
            early_exaggeration=float(self.early_exaggeration),
            n_iter_early_exag=int(self.n_iter_early_exag),
        )

    def _initial_embedding(
        self, X: np.ndarray, constant: bool, rng: np.random.Generator
    ) -> np.ndarray:
        n, d = X.shape[0], self.n_components
        if isinstance(self.init, np.ndarray):
            Y = np.array(self.init, dtype=np.float64)
            if Y.shape != (n, d):
                raise ValueError(
                    f"The 'init' array must have shape (n_samples, n_components) = {(n, d)}; "
                    f"got {Y.shape}."
                )
            if not np.isfinite(Y).all():
                raise ValueError("The 'init' array contains NaN or infinity.")
            return Y
        if self.init == "pca" and not constant:
            Y = _pca(X, d, rng)
            std = float(np.std(Y[:, 0]))
            if std > 0:
                return Y / std * 1e-4
        return 1e-4 * rng.standard_normal((n, d))

    def fit_transform(self, X: Any, y: None = None) -> np.ndarray:
        """Fit ``X`` into an embedded space and return that embedding.

        Runs :meth:`start` then up to ``n_iter`` iterations, checking every 50 iterations
        for a small gradient and, after exaggeration, for lack of progress (scikit-learn's
        stopping rules; a small gradient during exaggeration ends the exaggeration phase).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : None
            Ignored.

        Returns
        -------
        embedding : ndarray of shape (n_samples, n_components)
        """
        stepper = self.start(X)
        best_kl, best_iter = np.inf, 0
        result = None
        while stepper.iteration < self.n_iter:
            it = stepper.iteration
            k = min(_N_ITER_CHECK - it % _N_ITER_CHECK, self.n_iter - it)
            result = stepper.step(k)
            it = stepper.iteration
            if it % _N_ITER_CHECK:
                continue
            if it > self.n_iter_early_exag:
                if result.kl_divergence < best_kl:
                    best_kl, best_iter = result.kl_divergence, it
                elif it - best_iter > self.n_iter_without_progress:
                    break
            if result.grad_norm <= self.min_grad_norm:
                if it >= stepper.n_iter_early_exag:
                    break
                # converged while exaggerated: end that phase now (scikit-learn does too)
                stepper.n_iter_early_exag = it
        assert result is not None
        self.embedding_ = result.embedding
        self.kl_divergence_ = float(result.kl_divergence)
        self.n_iter_ = stepper.iteration
        self.learning_rate_ = stepper.learning_rate
        self.n_features_in_ = np.asarray(X).shape[1]
        return self.embedding_

    def fit(self, X: Any, y: None = None) -> TSNE:
        """Fit ``X`` into an embedded space; returns self (see :meth:`fit_transform`)."""
        self.fit_transform(X)
        return self


def _pca(X: np.ndarray, d: int, rng: np.random.Generator) -> np.ndarray:
    """First ``d`` principal-component scores of ``X`` (randomized for large inputs).

    Signs are fixed so each component's largest-magnitude loading is positive.
    """
    Xc = X - X.mean(axis=0)
    n, f = Xc.shape
    d_eff = min(d, n, f)
    if min(n, f) <= _PCA_EXACT_MAX:
        _, _, Vt = np.linalg.svd(Xc, full_matrices=False)
    else:  # randomized range finder with power iterations (no n × f or f × f products)
        q = min(d_eff + 10, n, f)
        Q = np.linalg.qr(Xc @ rng.standard_normal((f, q)))[0]
        for _ in range(4):
            Q = np.linalg.qr(Xc.T @ Q)[0]
            Q = np.linalg.qr(Xc @ Q)[0]
        _, _, Vt = np.linalg.svd(Q.T @ Xc, full_matrices=False)
    V = Vt[:d_eff]
    signs = np.sign(V[np.arange(d_eff), np.argmax(np.abs(V), axis=1)])
    V = V * np.where(signs == 0, 1.0, signs)[:, None]
    Y = np.zeros((n, d))
    Y[:, :d_eff] = Xc @ V.T
    return Y
