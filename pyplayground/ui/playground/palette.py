"""Colours of the playground (TF Playground's scale plus a colour-blind-safe one).

Heatmaps use a *quantized* scale of 31 shades from the negative colour through grey to
the positive colour (TF Playground's ``d3.scale.quantize``); a Bokeh
``LinearColorMapper`` over [-1, 1] with these 31 colours does exactly that binning in
the browser, so the worker only ships float32 values.  Links and bias squares use a
near-continuous 256-shade version of the same scale.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

ORANGE: Final = "#f59322"
GREY: Final = "#e8eaeb"
BLUE: Final = "#0877bd"


@dataclass(frozen=True, slots=True)
class Palette:
    """A diverging scale (negative, zero, positive) plus colours for up to 6 classes."""

    name: str
    label: str
    negative: str
    zero: str
    positive: str
    classes: tuple[str, ...]


PALETTES: Final = {
    "default": Palette(
        "default",
        "Orange / blue (TF Playground)",
        ORANGE,
        GREY,
        BLUE,
        # class 0 / 1 keep TF's orange and blue; the rest are Okabe-Ito colours
        (ORANGE, BLUE, "#009e73", "#cc79a7", "#56b4e9", "#d55e00"),
    ),
    "colorblind": Palette(
        "colorblind",
        "Purple / green (colour-blind safe)",
        "#7b3294",
        "#f2f2f2",
        "#008837",
        ("#7b3294", "#008837", "#e69f00", "#56b4e9", "#000000", "#d55e00"),
    ),
}


def hex_to_rgb(color: str) -> np.ndarray:
    """``"#rrggbb"`` -> float array [r, g, b] in 0..255."""
    c = color.lstrip("#")
    return np.array([int(c[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def rgb_to_hex(rgb: np.ndarray) -> str:
    """Float/int [r, g, b] in 0..255 -> ``"#rrggbb"``."""
    r, g, b = (round(min(max(float(v), 0.0), 255.0)) for v in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def diverging(palette: Palette, n: int) -> list[str]:
    """``n`` colours interpolated negative -> zero -> positive (n odd keeps an exact zero)."""
    lo, mid, hi = (hex_to_rgb(c) for c in (palette.negative, palette.zero, palette.positive))
    out = []
    for t in np.linspace(-1.0, 1.0, n):
        rgb = mid + (hi - mid) * t if t >= 0 else mid + (mid - lo) * t
        out.append(rgb_to_hex(rgb))
    return out


def heat_colors(palette: Palette) -> list[str]:
    """TF Playground's 31 quantized heatmap shades."""
    return diverging(palette, 31)


def line_colors(palette: Palette) -> list[str]:
    """256 shades for links and biases (a practically continuous scale)."""
    return diverging(palette, 255)


#: Shades per class in the multi-class output heatmap.
CLASS_SHADES: Final = 8


def class_colors(palette: Palette, n_classes: int) -> list[str]:
    """Palette for multi-class heatmaps: for class ``c``, ``CLASS_SHADES`` shades from
    grey (uncertain) to the class colour (confident); index ``c * CLASS_SHADES + k``."""
    grey = hex_to_rgb(palette.zero)
    out = []
    for c in range(n_classes):
        target = hex_to_rgb(palette.classes[c % len(palette.classes)])
        for t in np.linspace(0.15, 1.0, CLASS_SHADES):
            out.append(rgb_to_hex(grey + (target - grey) * t))
    return out


def encode_classes(probs: np.ndarray) -> np.ndarray:
    """Class probabilities (n_classes, ...) -> one value per pixel for :func:`class_colors`.

    The value is ``class + confidence`` with confidence in [0, 1): mapped linearly over
    [0, n_classes] it selects the class's block of shades and a shade inside it.
    """
    k = probs.shape[0]
    best = np.argmax(probs, axis=0)
    conf = (np.max(probs, axis=0) - 1.0 / k) / (1.0 - 1.0 / k)
    return (best + np.clip(conf, 0.0, 0.999)).astype(np.float32)


def rgba_image(values: np.ndarray, colors: list[str], low: float, high: float) -> np.ndarray:
    """Map values to an (h, w, 4) uint8 image with the same binning as LinearColorMapper."""
    table = np.array([hex_to_rgb(c) for c in colors], dtype=np.uint8)
    n = len(colors)
    idx = np.floor((np.asarray(values, dtype=np.float64) - low) / (high - low) * n)
    idx = np.clip(np.nan_to_num(idx, nan=n // 2), 0, n - 1).astype(np.intp)
    rgb = table[idx]
    alpha = np.full((*rgb.shape[:-1], 1), 255, dtype=np.uint8)
    return np.concatenate([rgb, alpha], axis=-1)


__all__ = [
    "BLUE",
    "CLASS_SHADES",
    "GREY",
    "ORANGE",
    "PALETTES",
    "Palette",
    "class_colors",
    "diverging",
    "encode_classes",
    "heat_colors",
    "line_colors",
    "rgba_image",
]
