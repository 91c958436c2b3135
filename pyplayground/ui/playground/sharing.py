"""Export and share: model JSON, NumPy code, a PNG of the boundary, the link, a lesson block.

The downloads are computed in Python when clicked (``FileDownload`` callbacks); the two
"copy" buttons run in the page (``js_on_click``) because the clipboard belongs to it.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import panel as pn

from pyplayground import model_io
from pyplayground.export import export_python
from pyplayground.lessons import lesson_block
from pyplayground.playground import Playground
from pyplayground.state import PlaygroundState
from pyplayground.ui.clipboard import copy_button

from .palette import PALETTES, class_colors, encode_classes, heat_colors, hex_to_rgb, rgba_image
from .png import encode_png, upscale


def boundary_png(pg: Playground, size: int = 100, scale: int = 3) -> bytes:
    """The output heatmap with the training points, as PNG bytes (no plotting library)."""
    out = pg.grid(size)[-1]
    pal = PALETTES[pg.state.palette]
    if pg.problem == "multiclass":
        k = out.shape[0]
        img = rgba_image(encode_classes(out), class_colors(pal, k), 0.0, float(k))
    else:
        values = np.where(out[0] >= 0, 1.0, -1.0) if pg.state.discretize else out[0]
        img = rgba_image(values, heat_colors(pal), -1.0, 1.0)
    img = upscale(img, scale)
    n = img.shape[0]
    p = pg.points
    pts, y = p.train, p.y_train
    if len(pts):
        cols = ((pts[:, 0] + 6) / 12 * n).astype(int)
        rows = ((6 - pts[:, 1]) / 12 * n).astype(int)
        ok = (cols >= 1) & (cols < n - 1) & (rows >= 1) & (rows < n - 1)
        rows, cols, y = rows[ok], cols[ok], y[ok]
        if pg.problem == "multiclass":
            colors = np.array([hex_to_rgb(pal.classes[int(c) % len(pal.classes)]) for c in y])
        else:
            colors = rgba_image(np.clip(y, -1, 1), heat_colors(pal), -1.0, 1.0)[:, :3]
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                img[rows + dr, cols + dc, :3] = 255  # white outline
        img[rows, cols, :3] = colors
    return encode_png(img)


class Sharing:
    """The export/share widgets; ``get_pg`` returns the live :class:`Playground`."""

    def __init__(self, get_pg: Callable[[], Playground]) -> None:
        self._get_pg = get_pg
        kw: dict[str, Any] = {"width": 230, "margin": (2, 8), "embed": False}
        self.model = pn.widgets.FileDownload(
            callback=self._model_json,
            filename="model.json",
            label="Download model (JSON)",
            css_classes=["pg-download-model"],
            color="default",
            **kw,
        )
        self.code = pn.widgets.FileDownload(
            callback=self._python,
            filename="model.py",
            label="Download NumPy code",
            css_classes=["pg-download-code"],
            color="default",
            **kw,
        )
        self.png = pn.widgets.FileDownload(
            callback=self._png,
            filename="boundary.png",
            label="Download PNG of the output",
            css_classes=["pg-download-png"],
            color="default",
            **kw,
        )
        self.lesson_text = pn.widgets.TextAreaInput(
            label="Lesson block",
            value="",
            height=110,
            width=230,
            margin=(2, 8),
            css_classes=["pg-lesson-text"],
        )
        self.copy_link, self.link_status = copy_button(
            "Copy link",
            "window.location.href",
            "Link copied",
            "pg-copy-link",
            width=112,
            margin=(2, 4, 2, 8),
        )
        self.copy_lesson, self.lesson_status = copy_button(
            "Copy as lesson block",
            "src.value",
            "Lesson block copied",
            "pg-copy-lesson",
            args={"src": self.lesson_text},
            width=150,
            margin=(2, 8),
        )
        self.widgets = [
            self.model,
            self.code,
            self.png,
            self.copy_link,
            self.link_status,
            self.copy_lesson,
            self.lesson_status,
            self.lesson_text,
        ]

    def update(self, state: PlaygroundState) -> None:
        """Refresh the lesson block text for a new state."""
        try:
            self.lesson_text.value = lesson_block(state)
        except ValueError as exc:  # a state the lesson format cannot express
            self.lesson_text.value = f"# cannot make a lesson block: {exc}"

    def _model_json(self) -> io.StringIO:
        pg = self._get_pg()
        s = pg.state
        training = {"hash": s.to_hash(), "epoch": pg.last.epoch}
        return io.StringIO(
            model_io.dumps(pg.network, s.features or ("x",), training=training, indent=1)
        )

    def _python(self) -> io.StringIO:
        pg = self._get_pg()
        return io.StringIO(export_python(pg.network, pg.state.features or ("x",)))

    def _png(self) -> io.BytesIO:
        return io.BytesIO(boundary_png(self._get_pg()))

    def panel(self) -> pn.Column:
        """The widgets as one column."""
        return pn.Column(
            self.model,
            self.code,
            self.png,
            pn.Row(self.copy_link, margin=0),
            self.link_status,
            self.copy_lesson,
            self.lesson_status,
            self.lesson_text,
            margin=0,
            css_classes=["pg-export"],
        )


__all__ = ["Sharing", "boundary_png"]
