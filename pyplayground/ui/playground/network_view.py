"""The node-link diagram: every neuron's live heatmap, links sized and coloured by weight.

One Bokeh figure.  Its data sources:

* ``mosaic``: every neuron's thumbnail in ONE ``image`` (NaN, drawn transparent, between
  them), coloured in the browser by a 31-shade mapper.  It shows the diagram until the
  page paints frames itself (see :mod:`.paint`); frames carry the thumbnails alone;
* ``nodes``: one row per neuron (inputs, hidden, output): its bias (a square at the
  lower left), its outline (which catches the mouse) and its position;
* ``links``: one row per weight: a curve (``multi_line``) whose colour and width
  columns change every frame, drawn over an invisible wide copy that catches the mouse;
* ``labels``: static text.

Hovering a neuron sends its key through the :class:`~.bridge.Bridge` (the output view
then shows it large); hovering a link or bias shows its value; clicking one opens the
editor.  Keys are ``layer * 16 + unit`` (layer 0 = inputs).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import panel as pn
import param
from bokeh.models import (
    ColumnDataSource,
    HoverTool,
    LinearColorMapper,
    Range1d,
    TapTool,
)
from bokeh.plotting import figure

from pyplayground.engine import Network
from pyplayground.features import FEATURES

from .bridge import Bridge
from .geometry import BIAS, CELL, HEIGHT, LEFT, NODE, RIGHT, WIDTH, Geometry, link_width
from .paint import LINK_ALPHA
from .palette import PALETTES, heat_colors, line_colors

THUMB = NODE // CELL  # thumbnail resolution (cells per side)
MOSAIC = (HEIGHT // CELL, WIDTH // CELL)  # (rows, columns) of the mosaic image
MOSAIC_EXTENT = (0.0, 0.0, float(WIDTH), float(HEIGHT))  # its (x, y, dw, dh) in data units


def node_key(layer: int, unit: int) -> int:
    """The bridge key of a neuron."""
    return layer * 16 + unit


def split_key(key: int) -> tuple[int, int]:
    """Inverse of :func:`node_key`."""
    return key // 16, key % 16


def thumbnails(grid: np.ndarray, cells: int = THUMB) -> np.ndarray:
    """Sample (n_units, n, n) heatmaps on ``cells`` x ``cells`` points, flipped for Bokeh.

    Point samples of the big grid (corners included), not block averages: averaging every
    neuron of the largest network costs the Pyodide worker ~4 ms a frame, sampling ~0.1 ms.
    Bokeh draws image row 0 at the bottom, the grid has row 0 at the top (y = +6).
    """
    n = grid.shape[1]
    idx = np.linspace(0, n - 1, cells).round().astype(np.intp)[::-1]
    return np.ascontiguousarray(grid[:, idx][:, :, idx[::-1]], dtype=np.float32)


def _bare_figure(start: float, end: float, **params: Any) -> figure:
    """A transparent figure without axes, grid, title or tools over ``[start, end] × [0, HEIGHT]``
    (one pixel per unit)."""
    fig = figure(
        frame_width=round(end - start),
        frame_height=HEIGHT,
        x_range=Range1d(start, end),
        y_range=Range1d(0, HEIGHT),
        title=None,  # an empty title costs a text layout on every repaint
        toolbar_location=None,
        tools="",
        min_border=0,
        outline_line_color=None,
        background_fill_color=None,
        border_fill_color=None,
        **params,
    )
    fig.axis.visible = False
    fig.grid.visible = False
    return fig


class NetworkView(pn.viewable.Viewer):
    """The network diagram (figure only; the layer buttons live in the app)."""

    bridge = param.ClassSelector(class_=Bridge, doc="Where hover and click events go.")
    palette = param.Selector(default="default", objects=list(PALETTES))

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        pal = PALETTES[self.palette]
        self.heat_mapper = LinearColorMapper(
            palette=heat_colors(pal), low=-1, high=1, nan_color="rgba(0,0,0,0)"
        )
        self.line_mapper = LinearColorMapper(
            palette=line_colors(pal), low=-1, high=1, nan_color="rgba(0,0,0,0)"
        )
        self.nodes = ColumnDataSource(self._empty_nodes(), name="pg-nodes")
        self.mosaic = ColumnDataSource(
            {"img": [np.full(MOSAIC, np.nan, dtype=np.float32)]}, name="pg-mosaic"
        )
        self._cells = np.zeros(0, dtype=np.intp)  # mosaic index of every thumbnail cell
        self.links = ColumnDataSource(
            {"xs": [], "ys": [], "w": [], "width": [], "layer": [], "i": [], "j": [], "name": []},
            name="pg-links",
        )
        self.labels = ColumnDataSource({"x": [], "y": [], "text": [], "align": []})
        self.figure = self._make_figure()
        self.sizes: tuple[int, ...] = ()

    @staticmethod
    def _empty_nodes() -> dict[str, list[object]]:
        cols = ("x", "y", "cx", "cy", "bias", "bx", "by", "key", "layer", "unit", "name", "cell")
        return {c: [] for c in cols}

    # ------------------------------------------------------------ figure
    def _make_figure(self) -> figure:
        fig = _bare_figure(
            LEFT, WIDTH - RIGHT, name="pg-network-figure", css_classes=["pg-network-figure"]
        )
        lm = self.line_mapper
        links_r = fig.multi_line(
            "xs",
            "ys",
            source=self.links,
            line_width="width",
            line_alpha=LINK_ALPHA,
            line_color={"field": "w", "transform": lm},
        )
        hit_r = fig.multi_line(
            "xs",
            "ys",
            source=self.links,
            line_width=10,
            line_alpha=0.0,
            hover_line_alpha=0.25,
            hover_line_color="#444444",
        )
        mosaic_r = fig.image(
            image="img",
            **dict(zip(("x", "y", "dw", "dh"), MOSAIC_EXTENT, strict=True)),
            source=self.mosaic,
            color_mapper=self.heat_mapper,
        )
        node_r = fig.rect(
            "cx",
            "cy",
            width=NODE,
            height=NODE,
            source=self.nodes,
            fill_alpha=0.0,
            line_color="#9aa0a6",
            line_width=1,
            hover_line_color="#202124",
            hover_line_width=2.5,
            hover_fill_alpha=0.0,
        )
        # the bias squares: fill (painted on the page) and outline (hover, click) apart
        square: dict[str, Any] = {"width": BIAS, "height": BIAS, "source": self.nodes}
        bias_fill_r = fig.rect(
            "bx", "by", **square, fill_color={"field": "bias", "transform": lm}, line_color=None
        )
        bias_r = fig.rect(
            "bx",
            "by",
            **square,
            fill_alpha=0.0,
            line_color="#5f6368",
            hover_line_color="#202124",
            hover_line_width=2,
            hover_fill_alpha=0.0,
        )
        links_r.nonselection_glyph = None
        #: the renderers the page paints on its own canvas (see .paint)
        self.painted = [links_r, mosaic_r, bias_fill_r]
        hover_node = HoverTool(
            renderers=[node_r],
            tooltips=None,
            callback=self.bridge.callback(
                "hover",
                """const idx = cb_data.index.indices;
                   const k = idx.length ? nodes.data.key[idx[0]] : -1;
                   if (nodes._pgHover === k) { return null; }
                   nodes._pgHover = k;
                   return [k];""",
                nodes=self.nodes,
            ),
        )
        hover_link = HoverTool(
            renderers=[hit_r],
            tooltips=[("Weight", "@name"), ("value", "@w{0.000}")],
            line_policy="interp",
            attachment="above",
        )
        hover_bias = HoverTool(
            renderers=[bias_r], tooltips=[("Bias", "@name"), ("value", "@bias{0.000}")]
        )
        tap = TapTool(
            renderers=[hit_r, bias_r],
            behavior="inspect",
            callback=self.bridge.callback(
                "edit",
                """const src = cb_data.source;
                   const idx = src.inspected.indices;
                   if (!idx.length) { return null; }
                   const n = idx[idx.length - 1];
                   if (src === links) { return [src.data.layer[n], src.data.i[n], src.data.j[n]]; }
                   return [src.data.layer[n], -1, src.data.unit[n]];""",
                links=self.links,
            ),
        )
        fig.add_tools(hover_link, hover_bias, hover_node, tap)
        fig.js_on_event(
            "mouseleave",
            self.bridge.callback(
                "hover",
                "if (nodes._pgHover === -1) { return null; } nodes._pgHover = -1; return [-1];",
                nodes=self.nodes,
            ),
        )
        return fig

    def _label_figure(self, start: float, end: float) -> figure:
        """Static text beside the diagram (input and output names), in a figure of its own
        so the per-frame repaint of the diagram does not lay the text out again."""
        fig = _bare_figure(start, end)
        fig.text(
            "x",
            "y",
            text="text",
            source=self.labels,
            text_align="align",
            text_baseline="middle",
            text_font_size="13px",
            text_color="#3c4043",
        )
        return fig

    def set_palette(self, name: str) -> None:
        """Switch colours (the browser recolours; no data is resent)."""
        self.palette = name
        pal = PALETTES[name]
        self.heat_mapper.palette = heat_colors(pal)
        self.line_mapper.palette = line_colors(pal)

    # --------------------------------------------------------- structure
    def set_structure(self, network: Network, features: Sequence[str]) -> None:
        """Lay the diagram out for a new network shape (after a reset)."""
        sizes = (network.n_inputs, *network.hidden_sizes, network.n_outputs)
        geo = Geometry(sizes)
        self.sizes = sizes
        nodes = self._empty_nodes()
        for layer, n in enumerate(sizes):
            cx, cy = geo.centres(layer)
            for unit in range(n):
                nodes["x"].append(cx[unit] - NODE / 2)
                nodes["y"].append(cy[unit] - NODE / 2)
                nodes["cx"].append(cx[unit])
                nodes["cy"].append(cy[unit])
                # inputs have no bias: their square sits off the plot, out of reach
                off = -10 * BIAS if layer == 0 else 0.0
                nodes["bx"].append(cx[unit] - NODE / 2 - BIAS / 2 - 1 + off)
                nodes["by"].append(cy[unit] - NODE / 2 + BIAS / 2 + off)
                nodes["key"].append(node_key(layer, unit))
                nodes["layer"].append(layer)
                nodes["unit"].append(unit)
                nodes["name"].append(self._node_name(layer, unit, sizes, features))
                nodes["bias"].append(np.nan)
        links: dict[str, list[object]] = {k: [] for k in self.links.data}
        for layer in range(1, len(sizes)):
            xs, ys, index = geo.links(layer)
            links["xs"] += xs
            links["ys"] += ys
            for i, j in index:
                links["layer"].append(layer)
                links["i"].append(i)
                links["j"].append(j)
                src = self._node_name(layer - 1, i, sizes, features)
                links["name"].append(f"{src} → {self._node_name(layer, j, sizes, features)}")
        w = self._weights(network)
        links["w"], links["width"] = list(w), list(link_width(w))
        nodes["bias"] = list(self._biases(network))
        self._cells = self._mosaic_cells(nodes)
        # flat mosaic index of each thumbnail's first cell (the page builds the mosaic from
        # thumbnails only when it cannot paint them itself)
        nodes["cell"] = [int(c) for c in self._cells[:: THUMB * THUMB]]
        self.nodes.data = nodes
        self.links.data = links
        self.labels.data = self._labels(geo, sizes, features, network.problem)

    @staticmethod
    def _mosaic_cells(nodes: dict[str, list[Any]]) -> np.ndarray:
        """Flat mosaic index of each cell of each thumbnail (rows counted from the bottom)."""
        r = np.arange(THUMB)
        cells = [
            ((round(y) // CELL + r)[:, None] * MOSAIC[1] + (round(x) // CELL + r)[None, :]).ravel()
            for x, y in zip(nodes["x"], nodes["y"], strict=True)
        ]
        return np.concatenate(cells) if cells else np.zeros(0, dtype=np.intp)

    def mosaic_image(self, thumbs: np.ndarray) -> np.ndarray:
        """Every thumbnail placed in one (rows, cols) float32 image, NaN elsewhere."""
        img = np.full(MOSAIC[0] * MOSAIC[1], np.nan, dtype=np.float32)
        img[self._cells] = thumbs.ravel()
        return img.reshape(MOSAIC)

    @staticmethod
    def _node_name(layer: int, unit: int, sizes: Sequence[int], features: Sequence[str]) -> str:
        if layer == 0:
            return FEATURES[features[unit]].label if unit < len(features) else f"x{unit}"
        if layer == len(sizes) - 1:
            return "output" if sizes[-1] == 1 else f"class {unit}"
        return f"H{layer}.{unit + 1}"

    @staticmethod
    def _labels(
        geo: Geometry, sizes: Sequence[int], features: Sequence[str], problem: str
    ) -> dict[str, list[object]]:
        out: dict[str, list[object]] = {"x": [], "y": [], "text": [], "align": []}
        cx, cy = geo.centres(0)
        for unit in range(sizes[0]):
            out["x"].append(cx[unit] - NODE / 2 - BIAS - 6)
            out["y"].append(cy[unit])
            out["text"].append(FEATURES[features[unit]].label)
            out["align"].append("right")
        last = len(sizes) - 1
        cx, cy = geo.centres(last)
        for unit in range(sizes[last]):
            out["x"].append(cx[unit] + NODE / 2 + 4)
            out["y"].append(cy[unit])
            out["text"].append("out" if sizes[last] == 1 else f"C{unit}")
            out["align"].append("left")
        return out

    @staticmethod
    def _weights(network: Network) -> np.ndarray:
        return np.concatenate([layer.w.ravel() for layer in network.layers]).astype(np.float32)

    @staticmethod
    def _biases(network: Network) -> np.ndarray:
        b = [np.full(network.n_inputs, np.nan)] + [layer.b for layer in network.layers]
        return np.concatenate(b).astype(np.float32)

    # ------------------------------------------------------------- frame
    def frame_arrays(
        self, grids: Sequence[np.ndarray], network: Network
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One frame's values (float32): every neuron's thumbnail ``(n_nodes, THUMB, THUMB)``
        in the order of the ``nodes`` rows, rows counted from the bottom; biases; weights."""
        blocks = []
        for layer, grid in enumerate(grids):
            if layer == len(grids) - 1 and network.problem == "multiclass":
                grid = grid * 2.0 - 1.0  # probabilities 0..1 on the -1..1 scale
            blocks.append(thumbnails(grid))
        return np.concatenate(blocks), self._biases(network), self._weights(network)

    def apply(self, thumbs: np.ndarray, bias: np.ndarray, w: np.ndarray) -> None:
        """Write a frame into the Python-side sources (before the page is live)."""
        self.mosaic.data.update(img=[self.mosaic_image(thumbs)])
        self.nodes.data.update(bias=bias)
        self.links.data.update(w=w, width=link_width(w).astype(np.float32))

    def __panel__(self) -> pn.Row:
        return pn.Row(
            pn.pane.Bokeh(self._label_figure(0, LEFT), margin=0),
            pn.pane.Bokeh(self.figure, margin=0),
            pn.pane.Bokeh(self._label_figure(WIDTH - RIGHT, WIDTH), margin=0),
            margin=0,
            css_classes=["pg-network"],
        )


__all__ = ["MOSAIC", "MOSAIC_EXTENT", "THUMB", "NetworkView", "node_key", "split_key", "thumbnails"]
