"""The explorer's Bokeh plots: scatter plots on fixed ranges, fed by one source each.

Coordinates are fitted into [-1, 1] in Python (t-SNE's scale means nothing), so the plot
ranges never change and BokehJS never sends auto-ranges back to the worker: an animation
frame is exactly one ``ColumnDataSource`` update.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import panel as pn
from bokeh.models import ColumnDataSource, Range1d
from bokeh.plotting import figure

from pyplayground.widgets.tsne import N_RUNS

LIMIT: Final = 1.08


def _named(name: str, tag: str) -> str:
    """Bokeh model names must be unique in a document: a page may hold several explorers."""
    return f"{name}-{tag}" if tag else name


def fit(Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x and y of ``Y`` (n, 2) centred and scaled into [-1, 1], aspect kept, as float32."""
    if len(Y) == 0:
        return np.zeros(0, np.float32), np.zeros(0, np.float32)
    lo, hi = Y.min(axis=0), Y.max(axis=0)
    half = float((hi - lo).max()) / 2
    mid = (lo + hi) / 2
    Z = (Y - mid) / half if half > 0 else Y - mid
    Z = Z.astype(np.float32)
    return np.ascontiguousarray(Z[:, 0]), np.ascontiguousarray(Z[:, 1])


def scatter_figure(title: str, size: int, name: str, css: str) -> figure:
    """A square scatter figure with fixed ranges, no tools, no axes."""
    fig = figure(
        width=size,
        height=size,
        x_range=Range1d(-LIMIT, LIMIT),
        y_range=Range1d(-LIMIT, LIMIT),
        toolbar_location=None,
        tools="",
        title=title,
        name=name,
        css_classes=[css],
        min_border=4,
        output_backend="canvas",
    )
    fig.axis.visible = False
    fig.grid.visible = False
    fig.outline_line_color = "#ccc"
    fig.title.text_font_size = "12px"
    fig.title.text_font_style = "normal"
    return fig


class EmbeddingPlot:
    """The t-SNE layout (run 1): one source with ``x``, ``y`` and ``color``."""

    def __init__(self, size: int = 340, tag: str = "") -> None:
        self.source = ColumnDataSource(
            {"x": np.zeros(0, np.float32), "y": np.zeros(0, np.float32), "color": []},
            name=_named("pg-tsne-embedding-source", tag),
        )
        self.figure = scatter_figure(
            "t-SNE", size, _named("pg-tsne-embedding", tag), "pg-tsne-embedding-fig"
        )
        # no outline: one canvas fill per point per frame, not a fill and a stroke
        self.figure.scatter(
            "x", "y", source=self.source, size=7, fill_color="color", line_color=None, alpha=0.85
        )
        self.pane = pn.pane.Bokeh(self.figure, margin=(0, 6), css_classes=["pg-tsne-plot"])

    def reset(self, Y: np.ndarray, colors: list[str], title: str) -> None:
        """New points: every column (colours too)."""
        x, y = fit(Y)
        self.source.data = {"x": x, "y": y, "color": list(colors)}
        self.figure.title.text = title

    def move(self, Y: np.ndarray) -> None:
        """New positions only: one ``ColumnDataChanged`` of ``x`` and ``y``."""
        x, y = fit(Y)
        self.source.data.update(x=x, y=y)


class BesidePlot:
    """The original data or its PCA, with point size as depth for 3-D data."""

    def __init__(self, size: int = 340, tag: str = "") -> None:
        self.source = ColumnDataSource(
            {"x": [], "y": [], "color": [], "size": []}, name=_named("pg-tsne-beside-source", tag)
        )
        self.figure = scatter_figure(
            "original data", size, _named("pg-tsne-beside", tag), "pg-tsne-beside-fig"
        )
        self.figure.scatter(
            "x", "y", source=self.source, size="size", color="color", alpha=0.85,
            line_color="white", line_width=0.5,
        )  # fmt: skip
        self.pane = pn.pane.Bokeh(self.figure, margin=(0, 6), css_classes=["pg-tsne-beside"])

    def show(
        self, x: np.ndarray, y: np.ndarray, size: np.ndarray, colors: list[str], order: np.ndarray,
        title: str,
    ) -> None:  # fmt: skip
        """Draw the points in ``order`` (far ones first)."""
        fx, fy = fit(np.column_stack([x, y]))
        self.source.data = {
            "x": fx[order],
            "y": fy[order],
            "size": np.asarray(size, np.float32)[order],
            "color": [colors[i] for i in order],
        }
        self.figure.title.text = title


class RunsPlot:
    """Every run as a small multiple; one source holds all runs' columns (one update)."""

    def __init__(self, size: int = 176, tag: str = "") -> None:
        cols: dict[str, list] = {"color": []}
        for r in range(N_RUNS):
            cols[f"x{r}"] = []
            cols[f"y{r}"] = []
        self.source = ColumnDataSource(cols, name=_named("pg-tsne-runs-source", tag))
        self.figures = []
        for r in range(N_RUNS):
            name = _named(f"pg-tsne-run-{r + 1}", tag)
            fig = scatter_figure(f"run {r + 1}", size, name, "pg-tsne-run")
            fig.scatter(
                f"x{r}", f"y{r}", source=self.source, size=4, fill_color="color",
                line_color=None, alpha=0.85,
            )  # fmt: skip
            self.figures.append(fig)
        self.pane = pn.GridBox(
            *[pn.pane.Bokeh(f, margin=2) for f in self.figures],
            ncols=3,
            margin=(0, 6),
            css_classes=["pg-tsne-runs"],
        )

    @staticmethod
    def _columns(layouts: list[np.ndarray]) -> dict[str, np.ndarray]:
        out = {}
        for r, Y in enumerate(layouts):
            out[f"x{r}"], out[f"y{r}"] = fit(Y)
        return out

    def reset(self, layouts: list[np.ndarray], colors: list[str]) -> None:
        """New points for every run."""
        self.source.data = {"color": list(colors), **self._columns(layouts)}

    def move(self, layouts: list[np.ndarray]) -> None:
        """New positions of every run: one update."""
        self.source.data.update(**self._columns(layouts))


__all__ = ["BesidePlot", "EmbeddingPlot", "RunsPlot", "fit", "scatter_figure"]
