"""The output column's plots: decision boundary, loss chart, gradient flow, confusion matrix.

Each keeps its Bokeh figure and sources for its whole life and changes only data, so a
frame is one small model update per visible plot.  The time-series charts never grow
past ``2 * MAX_POINTS`` points: they keep one point per ``stride`` epochs and halve
their resolution (doubling the stride) when full, so drawing cost stays flat however
long training runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import panel as pn
import param
from bokeh.models import (
    BasicTicker,
    ColumnDataSource,
    LinearColorMapper,
    LogScale,
    Range1d,
)
from bokeh.plotting import figure

from .bridge import Bridge
from .paint import CLASS_ALPHA, HEAT_ALPHA
from .palette import PALETTES, class_colors, encode_classes, heat_colors

EXTENT = 6.0
MAX_POINTS = 500
LOSS_SERIES = (("test", "black", 1.5), ("train", "#777777", 1.5))  # (column, colour, width)
GRAD_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#666666")


def swatch(color: str) -> str:
    """A small line sample for legends (a box, not a coloured character, so text contrast
    rules do not apply to it)."""
    return (
        f'<span aria-hidden="true" style="display:inline-block;width:14px;height:3px;'
        f'background:{color};vertical-align:middle"></span>'
    )


class Decimator:
    """Keeps a time series under ``2 * max_points`` points by halving it when full."""

    def __init__(self, max_points: int = MAX_POINTS) -> None:
        self.max_points = max_points
        self.stride = 1
        self.last_x: float | None = None
        self.count = 0

    def reset(self) -> None:
        """Start a new series."""
        self.stride, self.last_x, self.count = 1, None, 0

    def accept(self, x: float) -> bool:
        """Whether a point at ``x`` should be kept (spacing >= stride)."""
        if self.last_x is not None and x - self.last_x < self.stride:
            return False
        self.last_x = x
        self.count += 1
        return True

    def full(self) -> bool:
        """True when the series should be halved."""
        return self.count >= 2 * self.max_points

    def halve(self, data: dict[str, list[float]]) -> dict[str, list[float]]:
        """Every other point of every column (the last point is kept)."""
        self.stride *= 2
        keep = {k: v[-1::-2][::-1] for k, v in data.items()}
        self.count = len(next(iter(keep.values()))) if keep else 0
        return keep


def _small_figure(**kw: object) -> figure:
    kw.setdefault("title", None)  # an empty title is still laid out on every repaint
    fig = figure(
        toolbar_location=None,
        tools="",
        min_border_left=40,
        min_border_right=8,
        min_border_top=6,
        min_border_bottom=24,
        background_fill_color=None,
        border_fill_color=None,
        outline_line_color="#dadce0",
        **kw,
    )
    fig.grid.grid_line_color = "#f1f3f4"
    fig.axis.major_label_text_font_size = "10px"
    fig.axis.axis_line_color = "#dadce0"
    # auto-ranges follow the data on the page; syncing every change back would cost the
    # Pyodide worker a patch per frame
    fig.x_range.syncable = False
    fig.y_range.syncable = False
    return fig


class HeatmapPlot(pn.viewable.Viewer):
    """The big output view: a 100x100 heatmap of the output (or hovered) neuron + points."""

    bridge = param.ClassSelector(class_=Bridge)
    palette = param.Selector(default="default", objects=list(PALETTES))
    show_test = param.Boolean(default=False)
    size = param.Integer(default=300, bounds=(100, 800))

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        pal = PALETTES[self.palette]
        self.heat_mapper = LinearColorMapper(palette=heat_colors(pal), low=-1, high=1)
        self.class_mapper = LinearColorMapper(palette=class_colors(pal, 3), low=0, high=3)
        empty = np.zeros((2, 2), dtype=np.float32)
        self.heat = ColumnDataSource({"img": [empty]}, name="pg-heat")
        self.classes = ColumnDataSource({"img": [empty]}, name="pg-heat-classes")
        self.train = ColumnDataSource({"x": [], "y": [], "color": []}, name="pg-train")
        self.test = ColumnDataSource({"x": [], "y": [], "color": []}, name="pg-test")
        self.n_classes = 0
        self.figure = self._make_figure()

    def _make_figure(self) -> figure:
        e = EXTENT
        fig = _small_figure(
            frame_width=self.size,
            frame_height=self.size,
            x_range=Range1d(-e, e),
            y_range=Range1d(-e, e),
            name="pg-heatmap-figure",
            css_classes=["pg-heatmap-figure"],
        )
        # tick labels are HTML around the figure (see __panel__): Bokeh axes would be
        # measured and drawn again on every frame
        fig.axis.visible = False
        fig.grid.visible = False
        fig.min_border_left = fig.min_border_right = 0
        fig.min_border_top = fig.min_border_bottom = 0
        #: where the images lie (x, y, dw, dh): the page paints there too (see .paint)
        self.extent = (-e, -e, 2 * e, 2 * e)
        place = dict(zip(("x", "y", "dw", "dh"), self.extent, strict=True))
        self._heat_r = fig.image(
            image="img",
            **place,
            source=self.heat,
            color_mapper=self.heat_mapper,
            global_alpha=HEAT_ALPHA,
        )
        self._class_r = fig.image(
            image="img",
            **place,
            source=self.classes,
            color_mapper=self.class_mapper,
            global_alpha=CLASS_ALPHA,
            visible=False,
        )
        #: the renderers the page paints on its own canvas (see .paint)
        self.painted = [self._heat_r, self._class_r]
        # The points sit on Bokeh's overlay canvas: a new heatmap repaints only the primary
        # canvas, so the 500 circles are drawn again only when the points change.
        fig.scatter(
            "x",
            "y",
            source=self.train,
            size=6,
            fill_color="color",
            line_color="white",
            line_width=1,
            level="overlay",
        )
        self._test_r = fig.scatter(
            "x",
            "y",
            source=self.test,
            size=6,
            fill_color="color",
            line_color="black",
            line_alpha=0.6,
            line_width=1,
            visible=self.show_test,
            level="overlay",
        )
        fig.js_on_event(
            "tap",
            self.bridge.callback("tap", "return [cb_obj.x, cb_obj.y, 0];"),
        )
        return fig

    @param.depends("show_test", watch=True)
    def _toggle_test(self) -> None:
        self._test_r.visible = self.show_test

    def set_palette(self, name: str) -> None:
        """Switch colours (the mappers recolour in the browser)."""
        self.palette = name
        pal = PALETTES[name]
        self.heat_mapper.palette = heat_colors(pal)
        self.class_mapper.palette = class_colors(pal, max(self.n_classes, 1))

    def set_points(
        self,
        train: tuple[np.ndarray, np.ndarray],
        test: tuple[np.ndarray, np.ndarray],
        problem: str,
        n_classes: int,
    ) -> None:
        """Show new data (after a data change, an added point or a palette change)."""
        self.n_classes = n_classes if problem == "multiclass" else 0
        if self.n_classes:
            self.class_mapper.update(
                palette=class_colors(PALETTES[self.palette], n_classes), high=n_classes
            )
        for src, (pts, y) in ((self.train, train), (self.test, test)):
            src.data = {"x": pts[:, 0], "y": pts[:, 1], "color": self.point_colors(y, problem)}

    def point_colors(self, y: np.ndarray, problem: str) -> list[str]:
        """Fill colour of each point: its class, or its value on the heat scale."""
        pal = PALETTES[self.palette]
        if problem == "multiclass":
            return [pal.classes[int(c) % len(pal.classes)] for c in y]
        shades = heat_colors(pal)
        idx = np.clip(((np.clip(y, -1, 1) + 1) / 2 * len(shades)).astype(int), 0, len(shades) - 1)
        return [shades[i] for i in idx]

    def frame_image(self, values: np.ndarray, *, classes: bool, discretize: bool) -> np.ndarray:
        """The float32 image to send: (n, n) values, or (k, n, n) class probabilities."""
        if classes:
            probs = values
            if discretize:
                probs = (probs == probs.max(axis=0, keepdims=True)).astype(np.float32)
            img = encode_classes(probs)
        else:
            img = np.where(values >= 0, 1.0, -1.0) if discretize else values
        return np.ascontiguousarray(img[::-1], dtype=np.float32)

    def set_mode(self, classes: bool) -> None:
        """Show the class-colour image (multi-class output) or the diverging one."""
        if classes != self._class_r.visible:
            self._class_r.visible = classes
            self._heat_r.visible = not classes

    def apply(self, img: np.ndarray, *, classes: bool) -> None:
        """Write a frame's image into the Python-side source (before the page is live)."""
        (self.classes if classes else self.heat).data.update(img=[img])

    def __panel__(self) -> pn.Column:
        ticks = range(-6, 7, 2)
        size, pad = self.size, 26

        def label(value: int, pos: str) -> str:
            return (
                f'<span style="position:absolute;{pos};font-size:10px;color:#3c4043;'
                f'line-height:12px">{value}</span>'
            )

        y = "".join(label(v, f"top:{(6 - v) / 12 * size - 6:.1f}px;right:4px") for v in ticks)
        x = "".join(label(v, f"left:{pad + (v + 6) / 12 * size - 6:.1f}px;top:2px") for v in ticks)
        box = "position:relative;margin:0"
        return pn.Column(
            pn.Row(
                pn.pane.HTML(
                    f'<div style="{box};width:{pad}px;height:{size}px">{y}</div>',
                    width=pad,
                    height=size,
                    margin=0,
                ),
                pn.pane.Bokeh(self.figure, margin=0),
                margin=0,
            ),
            pn.pane.HTML(
                f'<div style="{box};width:{size + pad}px;height:16px">{x}</div>',
                width=size + pad,
                height=16,
                margin=0,
            ),
            margin=(4, 0, 0, 0),
            css_classes=["pg-heatmap"],
        )


class LossChart(pn.viewable.Viewer):
    """Train (grey) and test (black) loss per epoch, decimated as it grows."""

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.source = ColumnDataSource({"epoch": [], "train": [], "test": []}, name="pg-loss")
        self._dec = Decimator()
        self._data: dict[str, list[float]] = {"epoch": [], "train": [], "test": []}
        # no axes, like TF Playground: they would be re-measured on every frame
        fig = _small_figure(frame_width=300, frame_height=64, name="pg-loss-figure")
        fig.axis.visible = False
        fig.grid.visible = False
        fig.min_border_left = fig.min_border_bottom = 2
        #: the renderers the page paints on its own canvas (see .paint)
        self.painted = [
            fig.line("epoch", col, source=self.source, line_color=color, line_width=width)
            for col, color, width in LOSS_SERIES
        ]
        self.figure = fig

    def reset(self, epoch: int, train: float, test: float | None) -> None:
        """Start over with one point."""
        self._dec.reset()
        self._dec.accept(epoch)
        self._data = {"epoch": [epoch], "train": [_finite(train)], "test": [_finite(test)]}
        self.source.data = {k: list(v) for k, v in self._data.items()}

    def add(self, epoch: int, train: float, test: float | None) -> None:
        """Append a point if it is due (one model update), or resend a halved series."""
        if not self._dec.accept(epoch):
            return
        point = {"epoch": [epoch], "train": [_finite(train)], "test": [_finite(test)]}
        for k, v in point.items():
            self._data[k] += v
        if self._dec.full():
            self._data = self._dec.halve(self._data)
            self.source.data = {k: list(v) for k, v in self._data.items()}
        else:
            self.source.stream(point)

    def __panel__(self) -> pn.pane.Bokeh:
        return pn.pane.Bokeh(self.figure, margin=(0, 0, 0, 0), css_classes=["pg-loss-chart"])


def _finite(v: float | None) -> float:
    return float(v) if v is not None and np.isfinite(v) else float("nan")


class GradientFlow(pn.viewable.Viewer):
    """Root-mean-square weight gradient of each layer over time, on a log scale."""

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.n_layers = 7
        cols = ["epoch", *(f"g{k}" for k in range(self.n_layers))]
        self._data: dict[str, list[float]] = {c: [] for c in cols}
        self.source = ColumnDataSource(dict(self._data), name="pg-grads")
        self._dec = Decimator()
        fig = _small_figure(
            frame_width=520, frame_height=120, y_axis_type="log", name="pg-gradient-figure"
        )
        assert isinstance(fig.y_scale, LogScale)
        fig.xaxis.ticker = BasicTicker(desired_num_ticks=4)
        self._lines = [
            fig.line(
                "epoch", f"g{k}", source=self.source, line_color=GRAD_COLORS[k], line_width=1.5
            )
            for k in range(self.n_layers)
        ]
        self.figure = fig
        # an HTML legend: a Bokeh legend re-creates a canvas layer on every repaint
        self.legend = pn.pane.HTML("", margin=(0, 8), css_classes=["pg-gradient-legend"])

    def set_layers(self, n_layers: int) -> None:
        """Show one line per weight layer of the network."""
        for k, line in enumerate(self._lines):
            line.visible = k < n_layers
        items = "".join(
            f'<span style="margin-right:10px">{swatch(GRAD_COLORS[k])} layer {k + 1}</span>'
            for k in range(min(n_layers, self.n_layers))
        )
        self.legend.object = (
            f'<div style="font-size:11px">{items}<span style="color:#5f6368">RMS weight '
            "gradient per layer (log scale)</span></div>"
        )

    def reset(self) -> None:
        """Start a new series."""
        self._dec.reset()
        self._data = {k: [] for k in self._data}
        self.source.data = {k: list(v) for k, v in self._data.items()}

    def add(self, epoch: int, norms: Sequence[float]) -> None:
        """Append one point per layer (non-positive values leave a gap)."""
        if not norms or not self._dec.accept(epoch):
            return
        point: dict[str, list[float]] = {"epoch": [float(epoch)]}
        for k in range(self.n_layers):
            v = norms[k] if k < len(norms) else float("nan")
            point[f"g{k}"] = [float(v) if np.isfinite(v) and v > 0 else float("nan")]
        for k, v in point.items():
            self._data[k] += v
        if self._dec.full():
            self._data = self._dec.halve(self._data)
            self.source.data = {k: list(v) for k, v in self._data.items()}
        else:
            self.source.stream(point)

    def __panel__(self) -> pn.Column:
        return pn.Column(
            self.legend,
            pn.pane.Bokeh(self.figure, margin=0),
            margin=0,
            css_classes=["pg-gradient-flow"],
        )


class ConfusionMatrix(pn.viewable.Viewer):
    """Counts of (true, predicted) classes on the test set, shaded by row fraction."""

    def __init__(self, **params: object) -> None:
        super().__init__(**params)
        self.source = ColumnDataSource(
            {"t": [], "p": [], "n": [], "frac": [], "text": [], "text_color": []}
        )
        self.mapper = LinearColorMapper(
            palette=[
                f"#{255 - int(200 * t):02x}{255 - int(140 * t):02x}ff"
                for t in np.linspace(0, 1, 32)
            ],
            low=0,
            high=1,
        )
        fig = _small_figure(
            frame_width=150,
            frame_height=150,
            x_range=Range1d(-0.5, 1.5),
            y_range=Range1d(1.5, -0.5),
            name="pg-confusion-figure",
        )
        self._k = -1
        fig.grid.visible = False
        fig.xaxis.axis_label = "predicted"
        fig.yaxis.axis_label = "true"
        fig.axis.axis_label_text_font_size = "10px"
        fig.axis.axis_label_text_font_style = "normal"
        fig.rect(
            "p",
            "t",
            1,
            1,
            source=self.source,
            line_color="white",
            fill_color={"field": "frac", "transform": self.mapper},
        )
        fig.text(
            "p",
            "t",
            text="text",
            source=self.source,
            text_align="center",
            text_baseline="middle",
            text_font_size="11px",
            text_color="text_color",
        )
        self.figure = fig

    def set_classes(self, k: int, labels: Sequence[str] = ()) -> None:
        """Lay the axes out for ``k`` classes (0: no matrix, e.g. regression)."""
        if k == self._k:
            return
        self._k = k
        self.figure.x_range.end = max(k, 1) - 0.5
        self.figure.y_range.start = max(k, 1) - 0.5
        ticks = list(range(k))
        names = list(labels) or [str(i) for i in ticks]
        for axis in (self.figure.xaxis, self.figure.yaxis):
            axis.ticker = ticks
            axis.major_label_overrides = {i: str(n) for i, n in zip(ticks, names, strict=False)}
        if not k:
            self.source.data = {c: [] for c in self.source.data}

    def update(self, cm: np.ndarray | None) -> None:
        """Show counts (None: no matrix); the page does the same from frame messages."""
        if cm is None:
            self.source.data = {c: [] for c in self.source.data}
            return
        k = cm.shape[0]
        frac = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
        t, p = np.indices((k, k))
        self.source.data = {
            "t": t.ravel().tolist(),
            "p": p.ravel().tolist(),
            "n": cm.ravel().tolist(),
            "frac": frac.ravel().tolist(),
            "text": [str(int(v)) for v in cm.ravel()],
            "text_color": ["white" if f > 0.6 else "black" for f in frac.ravel()],
        }

    def __panel__(self) -> pn.pane.Bokeh:
        return pn.pane.Bokeh(self.figure, margin=0, css_classes=["pg-confusion"])


__all__ = [
    "ConfusionMatrix",
    "Decimator",
    "GradientFlow",
    "HeatmapPlot",
    "LossChart",
]
