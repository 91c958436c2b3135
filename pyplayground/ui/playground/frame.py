"""One message per animation frame.

Everything a frame changes (every neuron's thumbnail in one float32 array, biases, weights,
the output heatmap, the counters, the chart points) travels as one :class:`Frame`.  A
page-side function (``UNPACK_JS``) shows it at the next animation frame: the diagram, the
output heatmap and the loss curves are painted on plain canvases (:mod:`.paint`), the other
charts' sources take silent sets plus change signals, so nothing is echoed back.  The page
acknowledges each frame as it shows it, and the app runs at most ``MAX_AHEAD`` frames
ahead of what the page has shown.

Two ways a frame can travel:

* **Bokeh**: a change of the one-row ``ColumnDataSource`` ``pg-frame``, unpacked by a
  ``CustomJS``.  Works everywhere (``panel serve``, tests, the static site).
* **Direct** (static site only): in the Pyodide worker a Bokeh model change costs a
  serialisation of the whole change against the document's ~450 models plus a message
  (measured ~10-15 ms per change in the worker), so once the page has said it can (the
  first Bokeh frame installs a listener on the worker and answers ``pg-ready``), the
  animation frames are posted with ``postMessage`` as plain typed arrays and the page
  acknowledges with ``postMessage`` too.  Frames drawn outside the animation (after a
  click) still go through Bokeh, so they stay ordered with the structural model changes
  that Panel sends when the click's handler returns.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import numpy as np
from bokeh.models import ColumnDataSource, CustomJS, Div, GlyphRenderer, Plot

from pyplayground.ui.a11y import name_parts_js

from .bridge import Bridge
from .paint import PAINT_JS

#: chart_mode values
NO_CHART, ADD_POINT, RESET_CHART = 0, 1, 2
MAX_CHART_POINTS = 1000
GRAD_EVERY = 8  # the gradient-flow chart gets every 8th chart point
#: frames the app may send beyond the last one the page has shown, before training waits:
#: with one in hand, a frame the worker finishes late (the CPUs are shared) still has the
#: page's next animation frame to meet, not the current one
MAX_AHEAD = 1
QUEUE = MAX_AHEAD + 1  # frames the page holds; older ones are passed over (never in play)


@dataclass(slots=True)
class Frame:
    """Everything one frame changes on the page."""

    thumbs: np.ndarray  # (n_nodes, THUMB, THUMB) float32: every neuron's thumbnail
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
    confusion: np.ndarray | None = None  # (k, k) counts when due, else None

    def fields(self, number: int) -> dict[str, Any]:
        """The frame as flat fields (arrays are flattened float32)."""
        return {
            "frame": number,
            "thumbs": np.ascontiguousarray(self.thumbs, dtype=np.float32).ravel(),
            "thumb": int(self.thumbs.shape[-1]),
            "bias": self.bias.astype(np.float32),
            "w": self.w.astype(np.float32),
            "main": np.ascontiguousarray(self.main, dtype=np.float32).ravel(),
            "main_size": int(self.main.shape[0]),
            "classes": bool(self.classes),
            "epoch": int(self.epoch),
            "train_loss": float(self.train_loss),
            "test_loss": float(self.test_loss),
            "grads": self.grads.astype(np.float32),
            "epoch_html": self.epoch_html,
            "stats_html": self.stats_html,
            "chart_mode": int(self.chart_mode),
            "cm": (
                np.zeros(0, np.float32)
                if self.confusion is None
                else self.confusion.astype(np.float32).ravel()
            ),
            "cm_k": 0 if self.confusion is None else int(self.confusion.shape[0]),
        }


# Runs in the page for every Bokeh frame; installs the direct path on the first one.
UNPACK_JS = """
const d = cb_obj.data;
if (!d.frame || !d.frame.length) { return; }
// The charts below the diagram (gradient flow, confusion matrix) take their data silently
// while they are scrolled out of view and repaint when shown again:
// a repaint of a chart with axes measures its tick labels again, several ms of the page's
// frame, enough to miss a display frame.
const shown = (fig) => {
  let el = fig._pgEl;
  if (el == null || !el.isConnected) {
    const view = window.Bokeh && Bokeh.index ? Bokeh.index.find_one(fig) : null;
    if (view == null || typeof IntersectionObserver === "undefined") { return true; }
    el = fig._pgEl = view.el;
    fig._pgShown = true;  // until the observer says otherwise
    fig._pgStale = fig._pgStale || [];
    new IntersectionObserver((entries) => {
      if (el !== fig._pgEl) { return; }
      fig._pgShown = entries[entries.length - 1].isIntersecting;
      if (fig._pgShown) { for (const m of fig._pgStale.splice(0)) { m.change.emit(); } }
    }).observe(el);
  }
  return fig._pgShown;
};
const putShown = (fig, model, attrs) => {
  if (shown(fig)) { put(model, attrs); return; }
  model.setv(attrs, {silent: true});
  if (!fig._pgStale.includes(model)) { fig._pgStale.push(model); }
};
const text = (div, html) => {  // straight into the element: re-rendering a Div re-lays out
  div.setv({text: html}, {silent: true});
  let el = div._pgEl;
  if (el == null || !el.isConnected) {
    const view = window.Bokeh && Bokeh.index ? Bokeh.index.find_one(div) : null;
    el = div._pgEl = view != null ? view.markup_el : null;
  }
  if (el == null) { div.change.emit(); return; }
  // Same tags as shown (only the text differs, e.g. the epoch number): rewrite the text
  // nodes in place, without parsing HTML. New elements would have to be restyled, and
  // Bokeh's next paint reads computed styles, which forces that restyle at once.
  const parts = html.split(/(<[^>]*>)/);  // text, tag, text, tag, ..., text
  const shape = parts.map((p, i) => (i % 2 ? p : p === "" ? "" : "#")).join("");
  const nodes = div._pgNodes;
  if (nodes != null && div._pgShape === shape && nodes.every((t) => el.contains(t))) {
    let n = 0;
    for (let i = 0; i < parts.length; i += 2) {
      if (parts[i] !== "") {
        const t = nodes[n++];
        if (t.data !== parts[i]) { t.data = parts[i]; }
      }
    }
    return;
  }
  el.innerHTML = html;
  // its text nodes, one per non-empty text part (no entities): the next frame's targets
  const found = [], walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) { found.push(walk.currentNode); }
  const texts = parts.filter((p, i) => i % 2 === 0 && p !== "");
  const same = found.length === texts.length && found.every((t, i) => t.data === texts[i]);
  div._pgNodes = same ? found : null;
  div._pgShape = shape;
};
const worker = typeof pyodideWorker !== "undefined" ? pyodideWorker : null;
// window.pgFrames (read by browser tests and benchmarks): frames received, frames shown
// (at most one per animation frame) and frames passed over for a newer one
const stats = window.pgFrames ||
  (window.pgFrames = {received: 0, painted: 0, repaints: 0, skipped: 0, direct: 0});
const ack = (frame) => {
  if (worker != null) {
    worker.postMessage({type: "pg-ack", frame: frame, channel: cb_obj.id});
    return;
  }
  const v = [frame];
  SEND_ACK
};
// Frames are shown one per animation frame, in order. The app sends at most MAX_AHEAD
// beyond the last one shown, so the queue holds at most QUEUE while playing; frames beyond
// that (clicks answered while frames are queued) pass over the oldest.
const offer = (get, nd) => {
  stats.received += 1;
  const queue = cb_obj._pgQueue || (cb_obj._pgQueue = []);
  queue.push([get, nd]);
  while (queue.length > QUEUE) { queue.shift(); stats.skipped += 1; }
  show_next();
};
const show_next = () => {
  if (cb_obj._pgScheduled) { return; }
  cb_obj._pgScheduled = true;
  requestAnimationFrame(() => {
    cb_obj._pgScheduled = false;
    const [g, n] = cb_obj._pgQueue.shift();
    // acknowledge first: the app computes the next frame while this one is unpacked and
    // painted
    ack(g("frame"));
    unpack(g, n);
    stats.painted += 1;
    stats.repaints += 1;
    if (cb_obj._pgQueue.length) { show_next(); }
  });
};
const unpack = (get, nd) => {
  // the diagram, the output view and the loss chart are painted on plain canvases (PAINT_JS)
  showNetwork(get("thumbs"), get("thumb"), get("bias"), get("w"), nd);
  showOutput(get("main"), get("main_size"), get("classes"), nd);
  text(epoch_div, get("epoch_html"));
  text(stats_div, get("stats_html"));
  // charts: one point per frame, halved whenever a series reaches MAX points
  const mode = get("chart_mode"), e = get("epoch"), g = get("grads");
  const lossPoint = {epoch: [e], train: [get("train_loss")], test: [get("test_loss")]};
  const gradPoint = {epoch: [e]};
  for (let k = 0; k < n_grads; k++) {
    const v = k < g.length ? g[k] : NaN;
    gradPoint["g" + k] = [v > 0 && isFinite(v) ? v : NaN];
  }
  // a chart's source grows in place, keeping every `every`-th point when it is halved
  const grow = (src, point, every) => {
    const data = src.data;
    for (const key of Object.keys(data)) {
      const col = Array.isArray(data[key]) ? data[key] : Array.from(data[key]);
      col.push(point[key] !== undefined ? point[key][0] : NaN);
      data[key] = every > 1 ? col.filter((_, i) => (col.length - 1 - i) % every === 0) : col;
    }
  };
  if (mode === 2) {
    quiet(loss, {data: lossPoint});
    showLoss();
    const empty = {};
    for (const key of Object.keys(gradPoint)) { empty[key] = []; }
    putShown(grad_figure, grads, {data: empty});
    loss._pgStride = 1; loss._pgLast = e;
  } else if (mode === 1) {
    const stride = loss._pgStride || 1;
    if (loss._pgLast === undefined || e - loss._pgLast >= stride) {
      loss._pgLast = e;
      const full = loss.data.epoch.length + 1 >= MAX;
      grow(loss, lossPoint, full ? 2 : 1);
      showLoss();  // painted (PAINT_JS)
      // the gradient chart takes every GRAD_EVERY-th point: one figure fewer to repaint
      // on most frames (each Bokeh figure repaint costs the page several ms)
      grads._pgSkip = ((grads._pgSkip || 0) + 1) % GRAD_EVERY;
      if (grads._pgSkip === 0 || full) {
        grow(grads, gradPoint, full ? 2 : 1);
        putShown(grad_figure, grads, {data: {...grads.data}});  // Bokeh repaints it
      }
      if (full) { loss._pgStride = stride * 2; }
    }
  }
  const k = get("cm_k");
  if (k > 0) {
    const cm = get("cm"), c = {t: [], p: [], n: [], frac: [], text: [], text_color: []};
    for (let i = 0; i < k; i++) {
      let row = 0;
      for (let j = 0; j < k; j++) { row += cm[i * k + j]; }
      for (let j = 0; j < k; j++) {
        const v = cm[i * k + j], f = v / Math.max(row, 1);
        c.t.push(i); c.p.push(j); c.n.push(v); c.frac.push(f);
        c.text.push(String(v)); c.text_color.push(f > 0.6 ? "white" : "black");
      }
    }
    putShown(confusion_figure, confusion, {data: c});
  }
};
// Accessible names for the parts of Panel/Bokeh widgets that render without one (slider
// handles, spin buttons, checkboxes, the file input). Widgets may re-render after a change,
// so this runs after every frame sent through Bokeh (those follow each user action).
const a11y = A11Y_NAMES;
setTimeout(a11y, 0);
// Bokeh arrays arrive as Bokeh ndarrays; keep their class for the direct path.
const ND = d.thumbs[0].constructor;
const one = (k) => d[k][0];
offer(one, (a, shape) => new ND(a, shape));
if (worker != null && !cb_obj._pgDirect) {
  cb_obj._pgDirect = true;
  worker.addEventListener("message", (event) => {
    const msg = event.data;
    if (msg != null && msg.type === "pg-frame" && msg.channel === cb_obj.id) {
      stats.direct += 1;
      offer((k) => msg[k], (a, shape) => new ND(a, shape));
    }
  });
  worker.postMessage({type: "pg-ready", channel: cb_obj.id});
}
"""


def _in_worker() -> bool:
    if sys.platform != "emscripten":
        return False
    import js

    return hasattr(js, "postMessage") and not hasattr(js, "document")


def unpack_js(send_ack: str) -> str:
    """The page-side unpacker (``UNPACK_JS`` after ``PAINT_JS``) with the acknowledgement
    ``send_ack`` (JS)."""
    names = name_parts_js("pg-", file_label="Upload a CSV file")
    return PAINT_JS + UNPACK_JS.replace("SEND_ACK", send_ack).replace("A11Y_NAMES", names)


class FrameChannel:
    """The per-frame source, its page-side unpacker and (in the worker) the direct path.

    Parameters
    ----------
    grad_figure, confusion_figure : Plot
        The figures of the ``grads`` and ``confusion`` sources: while one is off screen,
        its source changes silently and the figure repaints once it is shown again.
    paint : dict
        The arguments of the plain-canvas painter (:func:`.paint.paint_args`).
    on_ack : callable
        Called with the number of each frame the page has painted.
    """

    def __init__(
        self,
        bridge: Bridge,
        *,
        nodes: ColumnDataSource,
        mosaic: ColumnDataSource,
        links: ColumnDataSource,
        heat: ColumnDataSource,
        heat_classes: ColumnDataSource,
        loss: ColumnDataSource,
        grads: ColumnDataSource,
        epoch_div: Div,
        stats_div: Div,
        confusion: ColumnDataSource,
        n_grads: int,
        grad_figure: Plot,
        confusion_figure: Plot,
        paint: dict[str, Any],
        on_ack: Any = None,
    ) -> None:
        self.source = ColumnDataSource({}, name="pg-frame")
        self.frame = 0
        self.direct = False  # set once the page has installed the direct path
        self._on_ack = on_ack
        bridge.on("ack", lambda a, b, c: self._ack(int(a)))
        self.source.js_on_change(
            "data",
            CustomJS(
                args={
                    "bridge": bridge.model,
                    "nodes": nodes,
                    "mosaic": mosaic,
                    "links": links,
                    "heat": heat,
                    "heat_classes": heat_classes,
                    "loss": loss,
                    "grads": grads,
                    "epoch_div": epoch_div,
                    "stats_div": stats_div,
                    "n_grads": n_grads,
                    "confusion": confusion,
                    "grad_figure": grad_figure,
                    "confusion_figure": confusion_figure,
                    "MAX": MAX_CHART_POINTS,
                    "GRAD_EVERY": GRAD_EVERY,
                    "QUEUE": QUEUE,
                    **paint,
                },
                code=unpack_js(Bridge.send_js("ack")),
            ),
        )
        self._listener: Any = None
        if _in_worker():
            self._listen()

    def _listen(self) -> None:
        import js
        from pyodide.ffi import create_proxy

        self._listener = create_proxy(lambda event: self.receive(event.data))
        js.addEventListener("message", self._listener)

    def receive(self, message: Any) -> None:
        """A message from the page to the worker: acks and the direct path's handshake.

        Only messages that name this channel (its source's id) count: the worker also
        gets other channels' messages and the page's own (``pg-interactive``...).
        """
        if getattr(message, "channel", None) != self.source.id:
            return
        kind = getattr(message, "type", None)
        if kind == "pg-ack":
            self._ack(int(message.frame))
        elif kind == "pg-ready":
            self.direct = True

    def _ack(self, frame: int) -> None:
        if self._on_ack is not None:
            self._on_ack(frame)

    def attach(self, model: GlyphRenderer | Div | Any) -> None:
        """Keep the source in the document by referencing it from a rendered model."""
        model.tags = [*model.tags, self.source]

    def send(self, frame: Frame, *, direct: bool = False) -> int:
        """Send one frame; ``direct`` posts it past Bokeh when the page allows it."""
        self.frame += 1
        fields = frame.fields(self.frame)
        if direct and self.direct:
            import js
            from pyodide.ffi import to_js

            fields["type"] = "pg-frame"
            fields["channel"] = self.source.id
            js.postMessage(to_js(fields, dict_converter=js.Object.fromEntries))
        else:
            self.source.data = {k: [v] for k, v in fields.items()}
        return self.frame


__all__ = ["ADD_POINT", "MAX_AHEAD", "NO_CHART", "RESET_CHART", "Frame", "FrameChannel"]
