"""Static thumbnails: one per dataset and one per input feature (SVG button icons)."""

from __future__ import annotations

import functools

import numpy as np

from pyplayground.datasets import DATASETS, make_dataset
from pyplayground.features import feature_grid

from .palette import PALETTES, heat_colors, hex_to_rgb, rgba_image
from .png import svg_image, upscale

THUMB_PX = 40
_CELLS = 20  # feature thumbnails: 20 x 20 cells, 2 px each


def dataset_image(name: str, palette: str = "default", cells: int = 50) -> np.ndarray:
    """RGBA image of 200 noise-free samples of a dataset (TF Playground's thumbnails)."""
    pal = PALETTES[palette]
    spec = DATASETS[name]
    points, labels = make_dataset(name, noise=0.0, rng=np.random.default_rng(7))
    pick = np.random.default_rng(8).permutation(len(points))[:200]
    points, labels = points[pick], labels[pick]
    img = np.full((cells, cells, 4), 255, dtype=np.uint8)
    img[..., :3] = (hex_to_rgb(pal.zero) * 0.4 + 255 * 0.6).astype(np.uint8)
    cols = np.clip(((points[:, 0] + 6) / 12 * cells).astype(int), 0, cells - 1)
    rows = np.clip(((6 - points[:, 1]) / 12 * cells).astype(int), 0, cells - 1)
    if spec.problem == "multiclass":
        rgb = np.array([hex_to_rgb(pal.classes[int(c) % len(pal.classes)]) for c in labels])
    else:
        rgb = rgba_image(np.clip(labels, -1, 1), heat_colors(pal), -1.0, 1.0)[:, :3]
    for dr in (0, 1):
        for dc in (0, 1):
            img[np.minimum(rows + dr, cells - 1), np.minimum(cols + dc, cells - 1), :3] = rgb
    return img


def feature_image(name: str, palette: str = "default") -> np.ndarray:
    """RGBA heatmap of one input feature over [-6, 6]² (row 0 is x2 = +6)."""
    values = feature_grid((name,), n=_CELLS)[:, 0].reshape(_CELLS, _CELLS)
    return rgba_image(values, heat_colors(PALETTES[palette]), -1.0, 1.0)


@functools.lru_cache(maxsize=64)
def dataset_icon(name: str, palette: str = "default") -> str:
    """SVG icon of a dataset thumbnail (a blank one if the generator fails)."""
    try:
        img = dataset_image(name, palette)
    except Exception as exc:  # keep the page usable; the error shows when it is chosen
        print(f"pyplayground: no thumbnail for dataset {name!r}: {exc!r}")
        img = np.full((50, 50, 4), 235, dtype=np.uint8)
    return svg_image(img, THUMB_PX)


@functools.lru_cache(maxsize=64)
def feature_icon(name: str, palette: str = "default", active: bool = True) -> str:
    """SVG icon of a feature heatmap; greyed out when the feature is off."""
    return svg_image(upscale(feature_image(name, palette), 2), THUMB_PX, inactive=not active)


__all__ = ["THUMB_PX", "dataset_icon", "dataset_image", "feature_icon", "feature_image"]
