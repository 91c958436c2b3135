"""The approximate t-SNE gradient of :mod:`pyplayground.tsne`'s ``"fft"`` method.

* :class:`_FFTRepulsion`: the repulsive force with the kernel ``1/(1+r²)`` split in two, a
  smooth far part interpolated on a regular grid (Lagrange nodes per box) and convolved with
  ``np.fft`` (FIt-SNE, Linderman et al. 2019), and a short-range rest summed exactly over the
  pairs closer than the split radius (a cell list);
* :func:`_sparse_attraction`: the attractive force over a sparse ``P`` (nearest neighbours).

Private to :mod:`pyplayground.tsne`, which documents the method and its accuracy (and
imports :data:`MACHINE_EPSILON` from here).
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Final

import numpy as np

MACHINE_EPSILON: Final = float(np.finfo(np.float64).eps)
# FFT repulsion (see _FFTRepulsion)
_FFT_NODES: Final = 3  # Lagrange nodes per box and axis (FIt-SNE's default)
_FFT_BOXES_PER_SQRT_N: Final = 1.6  # boxes per axis ~ 1.6·√N: about 30 near pairs per point
_FFT_LADDER: Final = 8  # grid spacings are powers of 2^(1/8), so kernel FFTs can be reused
_SPLIT_KAPPA: Final = 6.0  # split radius in grid spacings
_SPLIT_ORDER: Final = 3  # Taylor order of the far kernel inside the split radius
_NEAR_PAIR_BUDGET: Final = 400  # candidate near pairs per point before the radius is halved


def _lagrange(t: np.ndarray, p: int) -> np.ndarray:
    """Lagrange basis at ``p`` equispaced nodes ``(k + ½)/p`` of the unit box, shape (n, p)."""
    u = (np.arange(p) + 0.5) / p
    W = np.ones((t.shape[0], p))
    for k in range(p):
        for m in range(p):
            if m != k:
                W[:, k] *= (t - u[m]) / (u[k] - u[m])
    return W


def _fast_len(n: int) -> int:
    """Smallest 5-smooth integer >= n (fast FFT sizes)."""
    while True:
        m = n
        for f in (2, 3, 5):
            while m % f == 0:
                m //= f
        if m == 1:
            return n
        n += 1


def _far_kernel(rho: np.ndarray, rho_c: float) -> tuple[np.ndarray, np.ndarray]:
    """Smooth far-field part of the kernel, as functions of ``ρ = r²``.

    Returns ``q(ρ)`` (potential) and ``g(ρ) = −q'(ρ)`` (force factor: the pair force is
    ``g·(y_i − y_j)``).  Beyond the split radius ``q = 1/(1+ρ)`` and ``g = q²``; inside it ``q``
    is the Taylor polynomial of ``1/(1+ρ)`` about ``ρ_c`` (order 3, so ``C³`` at the seam),
    flat enough near 0 for the grid to resolve it.
    """
    a = 1.0 / (1.0 + rho_c)
    inside = rho < rho_c
    neg_x = np.where(inside, (rho_c - rho) * a, 0.0)  # −x ∈ [0, 1)
    q = np.zeros_like(rho)
    g = np.zeros_like(rho)
    power = np.ones_like(rho)
    for m in range(_SPLIT_ORDER + 1):
        q += power
        if m < _SPLIT_ORDER:
            g += (m + 1) * power
        power = power * neg_x
    k = 1.0 / (1.0 + rho)
    return np.where(inside, q * a, k), np.where(inside, g * (a * a), k * k)


def _near_pairs(Y: np.ndarray, rc: float, budget: int) -> tuple[np.ndarray, np.ndarray] | None:
    """All pairs ``i < j`` (unordered, each once) in the same or adjacent cells of size ``rc``.

    A superset of the pairs closer than ``rc``; None when there would be more than
    ``budget`` candidates.
    """
    n, d = Y.shape
    cell_xy = ((Y - Y.min(axis=0)) / rc).astype(np.intp)
    shape = cell_xy.max(axis=0) + 1
    strides = np.append(np.cumprod(shape[:0:-1])[::-1], 1)  # row-major cell numbering
    cell = cell_xy @ strides
    order = np.argsort(cell, kind="stable")
    cell_xy = cell_xy[order]
    n_cells = int(np.prod(shape))
    counts = np.bincount(cell[order], minlength=n_cells)
    starts = np.cumsum(counts) - counts
    pos = np.arange(n)
    # half of the 3^d neighbourhood (lexicographically positive offsets) plus the own cell
    offsets = [o for o in itertools.product((-1, 0, 1), repeat=d) if o >= (0,) * d]
    parts = []
    for off in offsets:
        other = cell_xy + np.array(off)
        ok = ((other >= 0) & (other < shape)).all(axis=1)
        oc = np.where(ok, other @ strides, 0)
        cnt = np.where(ok, counts[oc], 0)
        parts.append((off, oc, cnt))
    if sum(int(c.sum()) for _, _, c in parts) > budget:
        return None
    rows, cols = [], []
    for off, oc, cnt in parts:
        total = int(cnt.sum())
        if total == 0:
            continue
        i = np.repeat(pos, cnt)
        j = np.repeat(starts[oc] - (np.cumsum(cnt) - cnt), cnt) + np.arange(total)
        if not any(off):
            keep = j > i
            i, j = i[keep], j[keep]
        rows.append(i)
        cols.append(j)
    return order[np.concatenate(rows)], order[np.concatenate(cols)]


class _FFTRepulsion:
    """Repulsion ``Σ_j k_ij² (y_i − y_j)`` and ``Z = Σ_{i≠j} k_ij`` with ``k = 1/(1+r²)``.

    The kernel is split at ``r_c = κ·s`` (``s`` the grid spacing): a smooth far part,
    interpolated on a regular grid (each point spreads its unit charge onto the ``3^d``
    Lagrange nodes of its box) and convolved by zero-padded FFT, as in FIt-SNE; and a
    short-range remainder, exact over the pairs closer than ``r_c`` (a cell list), as in
    particle-particle/particle-mesh codes.  Grid interpolation alone (FIt-SNE's default of
    3 nodes per unit) errs by 3-5 % near each point, which is where t-SNE balances its
    forces: final KL 4-6 % above the exact method.  With the split the force error is
    about 0.2 %.

    The grid has ``G ≈ 4.8·√N`` nodes per axis (about 30 near pairs per point),
    padded to ``2G``.  ``s`` is rounded up on a ``2^(1/8)`` ladder so the kernels' FFTs,
    which depend only on ``(s, r_c)``, are reused while the embedding grows slowly.  ``Z``
    comes from Parseval (``cᵀ(K ⊛ c)`` in Fourier space): one forward and ``d`` inverse
    FFTs per iteration.
    """

    def __init__(self, n_samples: int, p: int = _FFT_NODES) -> None:
        self.p = p
        self.boxes = _fast_len(max(16, math.ceil(_FFT_BOXES_PER_SQRT_N * math.sqrt(n_samples))))
        self.budget = _NEAR_PAIR_BUDGET * n_samples
        self._key: tuple[Any, ...] | None = None
        self._kernels: tuple[np.ndarray, list[np.ndarray]] = (np.empty(0), [])
        self._level: int | None = None

    def _kernel_fft(self, d: int, s: float, rho_c: float) -> tuple[np.ndarray, list[np.ndarray]]:
        key = (d, s, rho_c)
        if key != self._key:
            m = 2 * self.boxes * self.p
            off = np.where(np.arange(m) < m // 2, np.arange(m), np.arange(m) - m) * s
            grids = np.meshgrid(*([off] * d), indexing="ij")
            q, g = _far_kernel(sum(x * x for x in grids), rho_c)
            # q is even, so its spectrum is real
            self._kernels = (np.fft.rfftn(q).real, [np.fft.rfftn(x * g) for x in grids])
            self._key = key
        return self._kernels

    def __call__(self, Y: np.ndarray) -> tuple[np.ndarray, float]:
        n, d = Y.shape
        p, boxes = self.p, self.boxes
        G = boxes * p
        lo = Y.min(axis=0)
        span = max(float((Y.max(axis=0) - lo).max()), 1e-12)
        level = math.ceil(_FFT_LADDER * math.log2(span / (G - 1)))
        if self._level is not None and level <= self._level <= level + 2:
            level = self._level  # keep the cached kernels unless the grid shrinks a lot
        self._level = level
        s = 2.0 ** (level / _FFT_LADDER)
        kappa = _SPLIT_KAPPA
        pairs = _near_pairs(Y, kappa * s, self.budget)
        while pairs is None and kappa > 1.0:  # very uneven density: shorter split radius
            kappa /= 2
            pairs = _near_pairs(Y, kappa * s, self.budget)
        rho_c = (kappa * s) ** 2 if pairs is not None else 0.0  # 0: grid only, no split
        K, Gk = self._kernel_fft(d, s, rho_c)
        # far field on the grid
        t = (Y - lo) / (p * s)
        b = np.minimum(t.astype(np.intp), boxes - 1)
        t -= b
        idx = np.zeros((n, 1), dtype=np.intp)
        w = np.ones((n, 1))
        for a in range(d):
            node = b[:, a : a + 1] * p + np.arange(p)
            idx = (idx[:, :, None] * G + node[:, None, :]).reshape(n, -1)
            w = (w[:, :, None] * _lagrange(t[:, a], p)[:, None, :]).reshape(n, -1)
        M = (2 * G,) * d
        charges = np.bincount(idx.ravel(), w.ravel(), minlength=G**d).reshape((G,) * d)
        C = np.fft.rfftn(charges, s=M, axes=tuple(range(d)))
        power = C.real * C.real + C.imag * C.imag
        power *= K
        power[..., 1:-1] *= 2.0  # rfftn keeps half of the (even-length) last axis
        Z = float(power.sum()) / math.prod(M) - n * float(_far_kernel(np.zeros(1), rho_c)[0][0])
        crop = (slice(0, G),) * d
        F = np.empty((n, d))
        for a in range(d):
            field = np.fft.irfftn(C * Gk[a], s=M, axes=tuple(range(d)))[crop].ravel()
            F[:, a] = np.einsum("ij,ij->i", field[idx], w)
        # near field: exact kernel minus its far part, for pairs closer than r_c
        if pairs is not None and pairs[0].size:
            i, j = pairs
            diffs, rho = _pair_differences(Y, i, j)
            near = np.flatnonzero(rho < rho_c)
            i, j, rho = i[near], j[near], rho[near]
            diffs = [diff[near] for diff in diffs]
            k = 1.0 / (1.0 + rho)
            q, g = _far_kernel(rho, rho_c)
            Z += 2.0 * float((k - q).sum())
            k *= k
            k -= g
            _scatter_pair_forces(F, i, j, k, diffs)
        return F, max(Z, MACHINE_EPSILON)


def _pair_differences(
    Y: np.ndarray, i: np.ndarray, j: np.ndarray
) -> tuple[list[np.ndarray], np.ndarray]:
    """Per-axis ``y_i − y_j`` (1-D gathers are cheaper than row gathers) and ``‖y_i − y_j‖²``."""
    diffs = []
    for a in range(Y.shape[1]):
        column = np.ascontiguousarray(Y[:, a])
        diffs.append(column[i] - column[j])
    rho = diffs[0] * diffs[0]
    for diff in diffs[1:]:
        rho += diff * diff
    return diffs, rho


def _scatter_pair_forces(
    F: np.ndarray, i: np.ndarray, j: np.ndarray, weight: np.ndarray, diffs: list[np.ndarray]
) -> None:
    """``F_i += w·(y_i − y_j)`` and ``F_j −= w·(y_i − y_j)`` for every stored pair."""
    n = F.shape[0]
    for a, diff in enumerate(diffs):
        f = weight * diff
        F[:, a] += np.bincount(i, f, minlength=n)
        F[:, a] -= np.bincount(j, f, minlength=n)


def _sparse_attraction(
    Y: np.ndarray, rows: np.ndarray, cols: np.ndarray, vals: np.ndarray, want_log: bool
) -> tuple[np.ndarray, float | None]:
    """``Σ_j p_ij k_ij (y_i − y_j)`` over the stored pairs, and ``Σ_{ordered} p log k``."""
    diffs, rho = _pair_differences(Y, rows, cols)
    rho += 1.0
    k = np.reciprocal(rho, out=rho)
    F = np.zeros(Y.shape)
    _scatter_pair_forces(F, rows, cols, vals * k, diffs)
    plogk = 2.0 * float(np.dot(vals, np.log(k))) if want_log else None
    return F, plogk
