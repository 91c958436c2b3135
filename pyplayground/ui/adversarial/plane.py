"""The 2-D mode's view: decision map, the data, and one point's gradient-sign step.

Clicking (tapping) the plot picks the nearest point; the view then shows the FGSM step
at the current strength (an arrow to the perturbed point), the whole step direction
(dashed), and where the smallest flipping step lands (a cross on the boundary).
"""

from __future__ import annotations

from typing import Final

import numpy as np
from bokeh.models import ColumnDataSource, LinearColorMapper, Range1d
from bokeh.plotting import figure

from pyplayground.engine._types import Array
from pyplayground.ui.playground.bridge import Bridge
from pyplayground.ui.playground.palette import PALETTES, class_colors, encode_classes, heat_colors

from .points import MAX_EPS, PlaneNet, PointAttack

EXTENT: Final = 6.0
GRID: Final = 48
SIZE: Final = 380


def point_colors(problem: str, labels: Array) -> list[str]:
    """Dot colours of the playground's default palette."""
    pal = PALETTES["default"]
    if problem == "multiclass":
        return [pal.classes[int(v) % len(pal.classes)] for v in labels]
    return [pal.positive if v > 0 else pal.negative for v in labels]


class PlaneView:
    """The plane figure and its sources; a click sends ``adv-tap`` (x1, x2) through ``bridge``."""

    def __init__(self, bridge: Bridge) -> None:
        pal = PALETTES["default"]
        clear = "rgba(0, 0, 0, 0)"  # the unused image of the two is NaN: draw nothing
        self.heat_mapper = LinearColorMapper(
            palette=heat_colors(pal), low=-1, high=1, nan_color=clear
        )
        self.class_mapper = LinearColorMapper(
            palette=class_colors(pal, 3), low=0, high=3, nan_color=clear
        )
        empty = np.zeros((2, 2), dtype=np.float32)
        self.heat = ColumnDataSource({"img": [empty]}, name="pg-adv-plane-heat")
        self.classes = ColumnDataSource({"img": [empty]}, name="pg-adv-plane-classes")
        self.points = ColumnDataSource({"x": [], "y": [], "color": []}, name="pg-adv-plane-pts")
        self.marks = ColumnDataSource(
            {"x": [], "y": [], "kind": [], "color": [], "marker": [], "size": []},
            name="pg-adv-plane-marks",
        )
        self.path = ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []})
        self.step = ColumnDataSource({"x0": [], "y0": [], "x1": [], "y1": []})
        e = EXTENT
        fig = figure(
            frame_width=SIZE,
            frame_height=SIZE,
            x_range=Range1d(-e, e),
            y_range=Range1d(-e, e),
            tools="",
            toolbar_location=None,
            name="pg-adv-plane",
            css_classes=["pg-adv-plane"],
            title="click a point to attack it",
        )
        fig.x_range.syncable = False
        fig.y_range.syncable = False
        fig.grid.visible = False
        fig.title.text_font_style = "normal"
        kw = {"x": -e, "y": -e, "dw": 2 * e, "dh": 2 * e, "global_alpha": 0.6}
        self._heat_r = fig.image(image="img", source=self.heat, color_mapper=self.heat_mapper, **kw)
        self._class_r = fig.image(
            image="img", source=self.classes, color_mapper=self.class_mapper, **kw
        )
        fig.scatter("x", "y", source=self.points, color="color", line_color="white", size=6)
        fig.segment("x0", "y0", "x1", "y1", source=self.path, line_dash="dashed",
                    line_color="#333", line_width=1.5)  # fmt: skip
        fig.segment("x0", "y0", "x1", "y1", source=self.step, line_color="#000", line_width=3)
        fig.scatter("x", "y", source=self.marks, marker="marker", size="size",
                    fill_color="color", line_color="#000", line_width=2)  # fmt: skip
        fig.js_on_event("tap", bridge.callback("adv-tap", "return [cb_obj.x, cb_obj.y, 0];"))
        self.figure = fig

    def show_model(self, model: PlaneNet) -> None:
        """Redraw the decision map of ``model``."""
        c = np.linspace(-EXTENT, EXTENT, GRID)
        x1, x2 = np.meshgrid(c, c)  # row 0 at the bottom: Bokeh's image order
        out = model.predict(np.column_stack([x1.ravel(), x2.ravel()]))
        if model.problem == "multiclass":
            k = out.shape[1]
            self.class_mapper.update(palette=class_colors(PALETTES["default"], k), high=k)
            img = encode_classes(out.T.reshape(k, GRID, GRID)).astype(np.float32)
            self.classes.data = {"img": [img]}
            self.heat.data = {"img": [np.full((2, 2), np.nan, np.float32)]}
        else:
            self.heat.data = {"img": [out[:, 0].reshape(GRID, GRID).astype(np.float32)]}
            self.classes.data = {"img": [np.full((2, 2), np.nan, np.float32)]}

    def show_points(self, problem: str, xy: Array, labels: Array) -> None:
        """Draw the data points."""
        self.points.data = {"x": xy[:, 0].tolist(), "y": xy[:, 1].tolist(),
                            "color": point_colors(problem, labels)}  # fmt: skip

    def show_attack(self, problem: str, res: PointAttack | None) -> None:
        """Draw the chosen point, its step at ``eps`` and its smallest flip (or clear)."""
        if res is None:
            self.marks.data = {k: [] for k in self.marks.data}
            self.step.data = {k: [] for k in self.step.data}
            self.path.data = {k: [] for k in self.path.data}
            return
        col = point_colors(problem, np.array([res.pred, res.adv_pred]))
        xs, ys = [res.x[0], res.x_adv[0]], [res.x[1], res.x_adv[1]]
        kinds, colors = ["point", "perturbed"], col
        markers, sizes = ["circle", "diamond"], [14, 14]
        if res.flip_eps is not None:
            xs.append(res.x_flip[0])
            ys.append(res.x_flip[1])
            kinds.append("flip")
            colors.append("#ffd43b")
            markers.append("x")
            sizes.append(16)
        self.marks.data = {"x": xs, "y": ys, "kind": kinds, "color": colors,
                           "marker": markers, "size": sizes}  # fmt: skip
        end = res.x + MAX_EPS * res.direction
        self.path.data = {"x0": [res.x[0]], "y0": [res.x[1]], "x1": [end[0]], "y1": [end[1]]}
        self.step.data = {"x0": [res.x[0]], "y0": [res.x[1]], "x1": [res.x_adv[0]],
                          "y1": [res.x_adv[1]]}  # fmt: skip


__all__ = ["PlaneView", "point_colors"]
