"""Where every neuron, link and bias square of the network diagram goes (pure Python).

Coordinates are screen pixels of the diagram's frame with y pointing up, so the Bokeh
figure can use them as data coordinates 1:1.  Layer 0 is the input layer, the last is
the output layer.  Only the numbers live here; :mod:`.network_view` draws them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

WIDTH: Final = 600
HEIGHT: Final = 384
NODE: Final = 36  # thumbnail side in px
PITCH: Final = 46  # vertical distance between neuron centres
TOP: Final = 10
LEFT: Final = 56  # room for the input labels
RIGHT: Final = 34  # room for the output labels
BIAS: Final = 10  # bias square side
CURVE_POINTS: Final = 14
CELL: Final = 2  # px per heatmap cell: every neuron's thumbnail is drawn in one mosaic image


@dataclass(frozen=True, slots=True)
class Geometry:
    """Positions for one network shape ``sizes = (n_inputs, *hidden, n_outputs)``."""

    sizes: tuple[int, ...]

    @property
    def n_columns(self) -> int:
        """Number of layers drawn, inputs and output included."""
        return len(self.sizes)

    @property
    def spacing(self) -> float:
        """Horizontal distance between layer centres."""
        return (WIDTH - LEFT - RIGHT - NODE) / max(self.n_columns - 1, 1)

    def column_x(self, layer: int) -> float:
        """Centre x of a layer's column (left edges on the mosaic's CELL grid)."""
        left = LEFT + layer * self.spacing
        return CELL * round(left / CELL) + NODE / 2

    @staticmethod
    def row_y(row: int) -> float:
        """Centre y of the ``row``-th neuron from the top."""
        return HEIGHT - TOP - NODE / 2 - row * PITCH

    def centres(self, layer: int) -> tuple[np.ndarray, np.ndarray]:
        """Centre coordinates of every neuron of a layer."""
        n = self.sizes[layer]
        return np.full(n, self.column_x(layer)), np.array([self.row_y(r) for r in range(n)])

    def links(self, layer: int) -> tuple[list[np.ndarray], list[np.ndarray], list[tuple[int, int]]]:
        """Curves into ``layer`` (>= 1) from every neuron of the layer before.

        Returns xs, ys (one array per link) and the (i, j) index of each link, in the
        row-major order of the weight matrix ``w[i, j]``.
        """
        x0, y0 = self.centres(layer - 1)
        x1, y1 = self.centres(layer)
        t = np.linspace(0.0, 1.0, CURVE_POINTS)
        # cubic Bezier with horizontal tangents at both ends (like d3's diagonal)
        b0, b1, b2, b3 = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
        xs, ys, index = [], [], []
        for i in range(len(x0)):
            for j in range(len(x1)):
                sx, ex = x0[i] + NODE / 2, x1[j] - NODE / 2
                mx = (sx + ex) / 2
                xs.append(b0 * sx + b1 * mx + b2 * mx + b3 * ex)
                ys.append((b0 + b1) * y0[i] + (b2 + b3) * y1[j])
                index.append((i, j))
        return xs, ys, index


def link_width(w: np.ndarray) -> np.ndarray:
    """TF Playground's stroke width: ``1 + 9 * min(|w|, 5) / 5`` px."""
    return 1.0 + 9.0 * np.minimum(np.abs(w), 5.0) / 5.0


__all__ = ["BIAS", "CELL", "HEIGHT", "NODE", "PITCH", "WIDTH", "Geometry", "link_width"]
