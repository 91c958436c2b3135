"""The dataset menu's thumbnails: each dataset at its slider start values, as a small image."""

from __future__ import annotations

import functools
from typing import Final

import numpy as np

from pyplayground.tsne import _pca
from pyplayground.ui.playground.palette import hex_to_rgb
from pyplayground.ui.playground.png import svg_image, upscale
from pyplayground.widgets.tsne import KIND

from .data import build_data

THUMB_PX: Final = 48
_CELLS: Final = 24


def dataset_image(name: str, cells: int = _CELLS) -> np.ndarray:
    """RGBA image of a dataset at its start values: 2-D as is, 3-D as x-y, else its PCA."""
    img = np.full((cells, cells, 4), 255, dtype=np.uint8)
    if name == "activations":
        # a sketch: two classes pulled apart, as a trained hidden layer does
        rng = np.random.default_rng(5)
        X = np.concatenate([rng.normal(-1.2, 0.5, (40, 2)), rng.normal(1.2, 0.5, (40, 2))])
        colors = ["#ff9900"] * 40 + ["#003399"] * 40
    else:
        data = build_data(KIND.state({"dataset": name, "n_points": 200 if name == "digits" else 0}))
        X, colors = data.X, data.colors
        if X.shape[1] == 1:
            X = np.column_stack([X[:, 0], np.zeros(len(X))])
        elif X.shape[1] > 3:
            X = _pca(X, 2, np.random.default_rng(0))
    xy = X[:, :2]
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = float(max((hi - lo).max(), 1e-12))
    mid = (lo + hi) / 2
    pos = ((xy - mid) / span * 0.84 + 0.5) * (cells - 1)
    cols = np.clip(np.round(pos[:, 0]).astype(int), 0, cells - 1)
    rows = np.clip(np.round(cells - 1 - pos[:, 1]).astype(int), 0, cells - 1)
    order = np.argsort(X[:, 2]) if X.shape[1] == 3 else np.arange(len(X))
    for i in order:
        img[rows[i], cols[i], :3] = hex_to_rgb(colors[i]).astype(np.uint8)
    return img


@functools.lru_cache(maxsize=32)
def dataset_icon(name: str) -> str:
    """SVG icon of a dataset's thumbnail (blank if its generator fails)."""
    try:
        img = dataset_image(name)
    except Exception as exc:  # keep the page usable; an error shows when it is chosen
        print(f"pyplayground: no t-SNE thumbnail for {name!r}: {exc!r}")
        img = np.full((_CELLS, _CELLS, 4), 235, dtype=np.uint8)
    return svg_image(upscale(img, 2), THUMB_PX)


__all__ = ["THUMB_PX", "dataset_icon", "dataset_image"]
