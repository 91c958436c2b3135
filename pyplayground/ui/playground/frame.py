"""One model update per animation frame.

Every frame the worker sends a single one-row ``ColumnDataSource`` change holding all
that moved: every neuron thumbnail (one float32 block), biases, weights, the output
heatmap, the counters and the chart points.  A ``CustomJS`` on the page unpacks it into
the sources the glyphs draw from (silent sets plus change signals, so the page does not
echo these changes back) and, on the next animation frame, reports the frame number through the
:class:`~.bridge.Bridge` so the app never runs more than a few frames ahead of what the
page has painted.

Each model update costs the Pyodide worker a serialisation and a message (offline-pyodide
notes: several ms each), so one update instead of seven is what makes 60 frames/s
reachable.  Before the page has acknowledged a frame (the document is still being built,
or there is no browser at all, as in tests) the app also writes the same values into the
Python-side models directly (:meth:`PlaygroundApp._apply_direct`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from bokeh.models import ColumnDataSource, CustomJS, Div, GlyphRenderer

from .bridge import Bridge

#: chart_mode values
NO_CHART, ADD_POINT, RESET_CHART = 0, 1, 2
MAX_CHART_POINTS = 1000


@dataclass(slots=True)
class Frame:
    """Everything one frame changes on the page."""

    thumbs: np.ndarray  # (n_nodes, s, s) float32, rows flipped for Bokeh
    bias: np.ndarray  # (n_nodes,) float32, NaN for inputs
    w: np.ndarray  # (n_links,) float32
    main: np.ndarray  # (n, n) float32 heatmap, rows flipped
    classes: bool  # main is a class encoding (multi-class output)
    epoch: int
    train_loss: float
    test_loss: float
    grads: np.ndarray  # (n_layers,) float32 RMS gradients (NaN: none)
    epoch_html: str
    stats_html: str
    chart_mode: int = NO_CHART

    def columns(self, frame: int) -> dict[str, list[object]]:
        """The one-row columns of the frame source."""
        return {
            "frame": [frame],
            "thumbs": [self.thumbs],
            "bias": [self.bias],
            "w": [self.w],
            "main": [self.main],
            "classes": [self.classes],
            "epoch": [self.epoch],
            "train_loss": [self.train_loss],
            "test_loss": [self.test_loss],
            "grads": [self.grads],
            "epoch_html": [self.epoch_html],
            "stats_html": [self.stats_html],
            "chart_mode": [self.chart_mode],
        }


UNPACK_JS = """
const d = cb_obj.data;
if (!d.frame || !d.frame.length) { return; }
const one = (k) => d[k][0];
// Silent sets + change signals: the views redraw, but no document event is raised, so
// nothing is sent back to the worker (CustomJS runs after Panel's patch has finished).
const put = (model, attrs) => { model.setv(attrs, {silent: true}); model.change.emit(); };
// every neuron thumbnail arrives as one (n, s, s) block
const T = one("thumbs");
const n = nodes.data.key.length;
if (T.shape && T.shape[0] === n) {
  const s1 = T.shape[1], s2 = T.shape[2], S = s1 * s2, C = T.constructor;
  const imgs = new Array(n);
  for (let k = 0; k < n; k++) {
    imgs[k] = new C(new Float32Array(T.buffer, T.byteOffset + 4 * k * S, S), [s1, s2]);
  }
  put(nodes, {data: {...nodes.data, img: imgs, bias: one("bias")}});
}
const w = one("w");
if (w.length === links.data.xs.length) {
  const width = w.map((v) => 1 + 9 * Math.min(Math.abs(v), 5) / 5);
  put(links, {data: {...links.data, w: w, width: width}});
}
put(one("classes") ? heat_classes : heat, {data: {img: [one("main")]}});
// Text goes straight into the Div's element: re-rendering a Div re-runs the page layout.
const text = (div, html) => {
  div.setv({text: html}, {silent: true});
  let el = div._pgEl;
  if (el == null || !el.isConnected) {
    const view = window.Bokeh && Bokeh.index ? Bokeh.index.find_one(div) : null;
    el = div._pgEl = view != null ? view.markup_el : null;
  }
  if (el != null) { el.innerHTML = html; } else { div.change.emit(); }
};
text(epoch_div, one("epoch_html"));
text(stats_div, one("stats_html"));
// charts: a point per frame, halved whenever a series reaches MAX points
const mode = one("chart_mode");
const e = one("epoch");
const lossPoint = {epoch: [e], train: [one("train_loss")], test: [one("test_loss")]};
const gradPoint = {epoch: [e]};
const g = one("grads");
for (let k = 0; k < n_grads; k++) {
  const v = k < g.length ? g[k] : NaN;
  gradPoint["g" + k] = [v > 0 && isFinite(v) ? v : NaN];
}
const append = (src, point, keepEvery) => {
  const out = {};
  for (const [key, col] of Object.entries(src.data)) {
    const all = Array.from(col).concat(point[key] ?? [NaN]);
    out[key] = keepEvery > 1 ? all.filter((_, i) => (all.length - 1 - i) % keepEvery === 0) : all;
  }
  put(src, {data: out});
};
if (mode === 2) {
  put(loss, {data: lossPoint});
  const empty = {};
  for (const key of Object.keys(gradPoint)) { empty[key] = []; }
  put(grads, {data: empty});
  loss._pgStride = 1; loss._pgLast = e;
} else if (mode === 1) {
  const stride = loss._pgStride || 1;
  if (loss._pgLast === undefined || e - loss._pgLast >= stride) {
    loss._pgLast = e;
    const full = loss.data.epoch.length + 1 >= MAX;
    append(loss, lossPoint, full ? 2 : 1);
    append(grads, gradPoint, full ? 2 : 1);
    if (full) { loss._pgStride = stride * 2; }
  }
}
const frame = one("frame");
requestAnimationFrame(() => {
  const seq = (bridge.data.seq && bridge.data.seq.length ? bridge.data.seq[0] : 0) + 1;
  bridge.data = {kind: ["ack"], a: [frame], b: [0], c: [0], seq: [seq]};
});
"""


class FrameChannel:
    """The per-frame source and its page-side unpacker."""

    def __init__(
        self,
        bridge: Bridge,
        *,
        nodes: ColumnDataSource,
        links: ColumnDataSource,
        heat: ColumnDataSource,
        heat_classes: ColumnDataSource,
        loss: ColumnDataSource,
        grads: ColumnDataSource,
        epoch_div: Div,
        stats_div: Div,
        n_grads: int,
    ) -> None:
        self.source = ColumnDataSource({}, name="pg-frame")
        self.frame = 0
        self.source.js_on_change(
            "data",
            CustomJS(
                args={
                    "bridge": bridge.source, "nodes": nodes, "links": links, "heat": heat,
                    "heat_classes": heat_classes, "loss": loss, "grads": grads,
                    "epoch_div": epoch_div, "stats_div": stats_div, "n_grads": n_grads,
                    "MAX": MAX_CHART_POINTS,
                },
                code=UNPACK_JS,
            ),
        )  # fmt: skip

    def attach(self, renderer_or_model: GlyphRenderer | Div) -> None:
        """Keep the source in the document by referencing it from a rendered model."""
        renderer_or_model.tags = [*renderer_or_model.tags, self.source]

    def send(self, frame: Frame) -> int:
        """Send one frame (one model update); returns its number."""
        self.frame += 1
        self.source.data = frame.columns(self.frame)
        return self.frame


__all__ = ["ADD_POINT", "NO_CHART", "RESET_CHART", "Frame", "FrameChannel"]
