"""Hand-drawn digits: strokes on the 8×8 canvas rasterised the way scikit-learn's digits were.

The digits were made from 32×32 bitmaps by counting the ink pixels of each 4×4 block
(0-16); :func:`rasterize` does the same with a pen about five bitmap pixels wide, then
divides by 16, so a drawn digit is on the scale the model was trained on.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Final

import numpy as np

from pyplayground.engine._types import Array

BITMAP: Final = 32
PEN_RADIUS: Final = 2.6  # bitmap pixels (strokes about 5 wide, as in the digits)
_STEP: Final = 0.25  # bitmap pixels between samples along a stroke


def _centres() -> Array:
    c = np.arange(BITMAP) + 0.5
    cx, cy = np.meshgrid(c, c)  # row r, column q: centre (q + 0.5, r + 0.5)
    return np.stack([cx.ravel(), cy.ravel()], axis=1)


def _samples(xs: Sequence[float], ys: Sequence[float]) -> Array:
    """Points along one stroke in bitmap pixels (x right, y down from the top)."""
    p = np.column_stack([np.asarray(xs, float), 8.0 - np.asarray(ys, float)]) * (BITMAP / 8)
    p = p[np.isfinite(p).all(axis=1)]
    if len(p) < 2:
        return p
    out = [p[:1]]
    for a, b in itertools.pairwise(p):
        n = max(1, int(np.ceil(np.hypot(*(b - a)) / _STEP)))
        t = np.arange(1, n + 1)[:, None] / n
        out.append(a + t * (b - a))
    return np.concatenate(out)


def rasterize(strokes_x: Sequence[Sequence[float]], strokes_y: Sequence[Sequence[float]]) -> Array:
    """Strokes in canvas units ([0, 8]², y up) → a flat 8×8 digit in [0, 1], row 0 on top.

    Parameters
    ----------
    strokes_x, strokes_y : sequence of sequences of float
        One list of coordinates per stroke (a single point makes a dot).

    Returns
    -------
    ndarray of shape (64,)
    """
    on = np.zeros(BITMAP * BITMAP, dtype=bool)
    centres = _centres()
    for xs, ys in zip(strokes_x, strokes_y, strict=False):
        pts = _samples(xs, ys)
        for start in range(0, len(pts), 256):
            chunk = pts[start : start + 256]
            d2 = ((centres[None, :, :] - chunk[:, None, :]) ** 2).sum(axis=2)
            on |= (d2 <= PEN_RADIUS**2).any(axis=0)
    blocks = on.reshape(8, 4, 8, 4).sum(axis=(1, 3))
    return blocks.reshape(64) / 16.0


__all__ = ["BITMAP", "PEN_RADIUS", "rasterize"]
