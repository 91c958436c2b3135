"""Bokeh views of the digits mode: three 8×8 images, probability bars, accuracy curves.

Each view keeps its figure and sources for its whole life.  A redraw is **one** Bokeh
change: :class:`Packet` holds everything a redraw shows in a one-row source, and a
page-side ``CustomJS`` writes it into the views' sources with silent sets (nothing is
echoed back to Python).  In the Pyodide worker every model change costs a serialisation
and a message (about 7-10 ms), so three images, two bar series and two texts sent
separately would cost several times what one packet costs.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Final

import numpy as np
from bokeh.models import (
    BasicTicker,
    ColorBar,
    ColumnDataSource,
    CustomJS,
    Div,
    FactorRange,
    FreehandDrawTool,
    Legend,
    LegendItem,
    LinearColorMapper,
    Range1d,
)
from bokeh.palettes import Greys256, RdBu11
from bokeh.plotting import figure
from bokeh.transform import dodge

from pyplayground.engine._types import Array
from pyplayground.ui.a11y import name_parts_js

from .lab import LiveResult

#: Ink is dark: 0 → white, 1 → black.
INK: Final = tuple(reversed(Greys256))
DIVERGING: Final = tuple(RdBu11)  # negative blue, positive red
CLASSES: Final = tuple(str(k) for k in range(10))
CURVE_COLORS: Final = {"plain": "#d95f02", "robust": "#1b9e77", "retrained": "#7570b3"}
CURVE_LABELS: Final = {
    "plain": "plain model",
    "robust": "robust model (adversarially trained)",
    "retrained": "retrained in the page",
}
IMAGE_PX: Final = 132


def image_rows(x: Array) -> np.ndarray:
    """A flat 8×8 digit as float32 rows for a Bokeh image (row 0 at the bottom)."""
    return np.ascontiguousarray(np.asarray(x, dtype=np.float32).reshape(8, 8)[::-1])


def _image_figure(title: str, name: str) -> figure:
    fig = figure(
        title=title,
        frame_width=IMAGE_PX,
        frame_height=IMAGE_PX,
        x_range=Range1d(0, 8),
        y_range=Range1d(0, 8),
        tools="",
        toolbar_location=None,
        name=name,
        css_classes=[name],
        min_border=4,
        outline_line_color="#bbb",
    )
    fig.x_range.syncable = False
    fig.y_range.syncable = False
    fig.axis.visible = False
    fig.grid.visible = False
    fig.title.text_font_size = "13px"
    fig.title.text_font_style = "normal"
    return fig


def _colour_bar(mapper: LinearColorMapper, name: str) -> ColorBar:
    return ColorBar(
        color_mapper=mapper,
        ticker=BasicTicker(desired_num_ticks=5),
        width=10,
        major_label_text_font_size="10px",
        padding=2,
        name=name,
    )


class DigitImages:
    """Original (drawable), perturbation (magnified, with its colour bar), adversarial, and
    the model's loss gradient (what FGSM takes the sign of)."""

    def __init__(self) -> None:
        empty = np.zeros((8, 8), dtype=np.float32)
        self.orig = ColumnDataSource({"img": [empty]}, name="pg-adv-orig-src")
        self.pert = ColumnDataSource({"img": [empty]}, name="pg-adv-pert-src")
        self.adv = ColumnDataSource({"img": [empty]}, name="pg-adv-adv-src")
        self.grad = ColumnDataSource({"img": [empty]}, name="pg-adv-grad-src")
        self.strokes = ColumnDataSource({"xs": [], "ys": []}, name="pg-adv-strokes")
        self.ink = LinearColorMapper(palette=list(INK), low=0, high=1)
        self.pert_mapper = LinearColorMapper(
            palette=list(DIVERGING), low=-0.1, high=0.1, name="pg-adv-pert-mapper"
        )
        self.grad_mapper = LinearColorMapper(palette=list(DIVERGING), low=-1, high=1)
        self.orig_fig = _image_figure("original (draw here)", "pg-adv-orig")
        self.orig_fig.image(image="img", x=0, y=0, dw=8, dh=8, source=self.orig,
                            color_mapper=self.ink)  # fmt: skip
        lines = self.orig_fig.multi_line(
            xs="xs", ys="ys", source=self.strokes, line_color="#e8590c", line_width=3,
            line_alpha=0.7,
        )  # fmt: skip
        draw = FreehandDrawTool(renderers=[lines], num_objects=0, description="Draw a digit")
        self.orig_fig.add_tools(draw)
        self.orig_fig.toolbar.active_drag = draw
        self.pert_fig = _image_figure("perturbation (magnified)", "pg-adv-pert")
        self.pert_fig.image(image="img", x=0, y=0, dw=8, dh=8, source=self.pert,
                            color_mapper=self.pert_mapper)  # fmt: skip
        self.pert_fig.add_layout(_colour_bar(self.pert_mapper, "pg-adv-colorbar"), "right")
        self.adv_fig = _image_figure("adversarial", "pg-adv-adv")
        self.adv_fig.image(image="img", x=0, y=0, dw=8, dh=8, source=self.adv,
                           color_mapper=self.ink)  # fmt: skip
        self.grad_fig = _image_figure("loss gradient (scaled to ±1)", "pg-adv-grad")
        self.grad_fig.image(image="img", x=0, y=0, dw=8, dh=8, source=self.grad,
                            color_mapper=self.grad_mapper)  # fmt: skip
        self.grad_fig.add_layout(_colour_bar(self.grad_mapper, "pg-adv-grad-colorbar"), "right")

    def set_direct(self, fields: dict[str, Any]) -> None:
        """Set the images from a packet's fields in Python (before the page is shown)."""
        for key, src in (("orig", self.orig), ("pert", self.pert), ("adv", self.adv),
                         ("grad", self.grad)):  # fmt: skip
            src.data = {"img": [np.asarray(fields[key], dtype=np.float32).reshape(8, 8)]}
        self.pert_mapper.update(low=-fields["pmax"], high=fields["pmax"])
        self.grad_mapper.update(low=-fields["gmax"], high=fields["gmax"])


class ProbabilityBars:
    """Class probabilities before and after the attack, side by side."""

    def __init__(self) -> None:
        self.source = ColumnDataSource(
            {"cls": list(CLASSES), "before": [0.0] * 10, "after": [0.0] * 10},
            name="pg-adv-bars-src",
        )
        fig = figure(
            x_range=FactorRange(*CLASSES),
            y_range=Range1d(0, 1.02),
            frame_width=330,
            frame_height=150,
            tools="",
            toolbar_location=None,
            title="class probabilities",
            name="pg-adv-bars",
            css_classes=["pg-adv-bars"],
            min_border_left=36,
        )
        fig.y_range.syncable = False
        fig.x_range.syncable = False
        before = fig.vbar(x=dodge("cls", -0.18, range=fig.x_range), top="before", width=0.34,
                          source=self.source, color="#9aa0a6")  # fmt: skip
        after = fig.vbar(x=dodge("cls", 0.18, range=fig.x_range), top="after", width=0.34,
                         source=self.source, color="#d6336c")  # fmt: skip
        fig.add_layout(
            Legend(
                items=[LegendItem(label="before", renderers=[before]),
                       LegendItem(label="after attack", renderers=[after])],
                location="top_right", label_text_font_size="11px", background_fill_alpha=0.7,
                padding=2, spacing=0,
            )
        )  # fmt: skip
        fig.xgrid.visible = False
        fig.yaxis.axis_label = "probability"
        fig.title.text_font_style = "normal"
        self.figure = fig

    def set_direct(self, before: Array, after: Array) -> None:
        """Set the bars from Python."""
        self.source.data = {"cls": list(CLASSES), "before": list(map(float, before)),
                            "after": list(map(float, after))}  # fmt: skip


class CurvePlot:
    """Test accuracy against strength, one line per model, and a marker at the current eps."""

    def __init__(self) -> None:
        self.sources = {
            name: ColumnDataSource({"s": [], "acc": []}, name=f"pg-adv-curve-{name}")
            for name in CURVE_COLORS
        }
        self.cursor = ColumnDataSource({"x": [0.1, 0.1], "y": [0, 1]}, name="pg-adv-cursor")
        fig = figure(
            x_range=Range1d(0, 0.5),
            y_range=Range1d(0, 1.02),
            frame_width=330,
            frame_height=170,
            tools="",
            toolbar_location=None,
            title="test accuracy under attack (360 digits)",
            name="pg-adv-curves",
            css_classes=["pg-adv-curves"],
            min_border_left=36,
        )
        fig.x_range.syncable = False
        fig.y_range.syncable = False
        items = []
        for name, src in self.sources.items():
            line = fig.line("s", "acc", source=src, color=CURVE_COLORS[name], line_width=2)
            dots = fig.scatter("s", "acc", source=src, color=CURVE_COLORS[name], size=4)
            items.append(LegendItem(label=CURVE_LABELS[name], renderers=[line, dots]))
        fig.line("x", "y", source=self.cursor, color="#555", line_dash="dashed")
        fig.add_layout(Legend(items=items, location="top_right", label_text_font_size="10px",
                              background_fill_alpha=0.7, padding=2, spacing=0))  # fmt: skip
        fig.xaxis.axis_label = "strength"
        fig.yaxis.axis_label = "accuracy"
        fig.title.text_font_style = "normal"
        self.figure = fig

    def show(self, curves: dict[str, tuple[Array, Array]], x_max: float) -> None:
        """Draw ``{model: (strengths, accuracies)}``; models not given are emptied."""
        for name, src in self.sources.items():
            s, acc = curves.get(name, ((), ()))
            new = {"s": [float(v) for v in s], "acc": [float(v) for v in acc]}
            if new != dict(src.data):
                src.data = new
        if self.figure.x_range.end != x_max:
            self.figure.x_range.end = x_max


# ----------------------------------------------------------------------- packets


def pred_html(r: LiveResult, *, drawn: bool) -> str:
    """The prediction line: clean → adversarial class, confidence, verdict."""
    verdict = (
        '<span class="pg-fooled">fooled</span>'
        if r.fooled
        else '<span class="pg-held">not fooled</span>'
    )
    if r.targeted:
        hit = "reached" if r.target_reached else "not reached"
        verdict += f" · target {r.target} {hit}"
    label = "drawn digit" if drawn else f"true label {r.label}"
    conf = 100 * float(r.p_adv[r.adv_pred])
    return (
        f'<span class="pg-big">{r.pred}</span> → '
        f'<span class="pg-big {"pg-fooled" if r.fooled else ""}">{r.adv_pred}</span> '
        f"({conf:.0f}% sure) · {verdict}<br>"
        f'<span class="pg-note">Predicted class before → after the attack; {label}.</span>'
    )


def info_html(r: LiveResult, pmax: float, flip: float | str | None) -> str:
    """Strength, changed pixels, magnification and the smallest fooling strength."""
    what = "pixel fraction γ" if r.attack == "jsma" else "ε"
    flip_txt = flip if isinstance(flip, str) else "none up to 1" if flip is None else f"{flip:.3f}"
    return (
        f"{r.attack.upper()} {what} = {r.eps:.3f} · {r.changed} of 64 pixels changed · "
        f"perturbation shown ×{1 / pmax:.0f}<br>"
        f'<span class="pg-note">Smallest FGSM ε that changes this prediction: {flip_txt}</span>'
    )


def packet_fields(
    r: LiveResult, grad: Array, *, drawn: bool, flip: float | str | None
) -> dict[str, Any]:
    """Everything one redraw shows, as :class:`Packet` fields.

    ``grad`` (the loss gradient) is scaled to ±1; the perturbation's colour range is its
    largest magnitude (at least 0.01), so the picture is magnified by ``1 / pmax``.
    """
    pert = r.perturbation
    pmax = max(float(np.abs(pert).max()), 0.01)
    gmax = max(float(np.abs(grad).max()), 1e-12)
    return {
        "orig": image_rows(r.x).ravel(),
        "pert": image_rows(pert).ravel(),
        "adv": image_rows(r.x_adv).ravel(),
        "grad": image_rows(grad / gmax).ravel(),
        "pmax": pmax,
        "gmax": 1.0,
        "p_clean": np.asarray(r.p_clean, dtype=np.float32),
        "p_adv": np.asarray(r.p_adv, dtype=np.float32),
        "eps": float(r.eps),
        "adv_pred": r.adv_pred,
        "pred_html": pred_html(r, drawn=drawn),
        "info_html": info_html(r, pmax, flip),
    }


UNPACK_JS = """
const src = cb_obj, d = cb_obj.data;
if (!d.n || !d.n.length) { return; }
const put = (model, attrs) => { model.setv(attrs, {silent: true}); model.change.emit(); };
const text = (div, html) => {  // straight into the element: re-rendering a Div re-lays out
  div.setv({text: html}, {silent: true});
  let el = div._pgEl;
  if (el == null || !el.isConnected) {
    const view = window.Bokeh && Bokeh.index ? Bokeh.index.find_one(div) : null;
    el = div._pgEl = view != null ? view.markup_el : null;
  }
  if (el != null) { el.innerHTML = html; } else { div.change.emit(); }
};
// window.pgAdv (read by the browser tests and bench/adversarial_browser.py)
const stats = window.pgAdv ||
  (window.pgAdv = {received: 0, painted: 0, direct: 0, last: null});
const ND = src._pgND || (src._pgND = d.orig[0].constructor);  // Bokeh's ndarray class
const at = (t) => (t == null ? null : t - performance.timeOrigin);
const apply = (get) => {
  const received = performance.now();
  const img = (k) => new ND(get(k), [8, 8]);
  put(orig, {data: {img: [img("orig")]}});
  put(pert, {data: {img: [img("pert")]}});
  put(adv, {data: {img: [img("adv")]}});
  put(grad, {data: {img: [img("grad")]}});
  put(mapper, {low: -get("pmax"), high: get("pmax")});
  put(grad_mapper, {low: -get("gmax"), high: get("gmax")});
  put(bars, {data: {cls: bars.data.cls, before: Array.from(get("p_clean")),
                    after: Array.from(get("p_adv"))}});
  put(cursor, {data: {x: [get("eps"), get("eps")], y: [0, 1]}});
  text(pred, get("pred_html"));
  text(info, get("info_html"));
  stats.received += 1;
  const last = {n: get("n"), eps: get("eps"), pred: get("adv_pred"), received: received,
                painted: null, py_ms: get("py_ms") ?? null,
                // a direct answer: when the worker took the request and posted the packet
                // (page clock; bench/adversarial_browser.py)
                worker_in: at(get("t_in")), worker_out: at(get("t_out"))};
  requestAnimationFrame(() => {
    stats.painted += 1;
    last.painted = performance.now();
    stats.last = last;
  });
};
apply((k) => (d[k] ? d[k][0] : undefined));
if (!src._pgNamed) { src._pgNamed = true; A11Y }
// From now on the worker may post packets past Bokeh (see Packet in views.py).
const worker = typeof pyodideWorker !== "undefined" ? pyodideWorker : null;
if (worker != null && !src._pgDirect) {
  src._pgDirect = true;
  worker.addEventListener("message", (event) => {
    const msg = event.data;
    if (msg == null || msg.id !== src.id) { return; }
    if (msg.type === "pg-adv-packet") {
      stats.direct += 1;
      apply((k) => msg[k]);
    }
    // the answer to a strength sent straight from the slider (EPS_JS): send the next one
    if (msg.req != null && src._pgEps != null) { src._pgEps.answer(msg.req); }
  });
  HOLD
  (window.pgAdvPackets || (window.pgAdvPackets = {}))[src.id] = src;  // for EPS_JS
  worker.postMessage({type: "pg-adv-ready", id: src.id});
}
"""

# Installed on the page with the direct path (once per worker): Panel's patches that carry
# the value of a slider posting its values straight to the worker (EPS_JS registers it) are
# held back until that slider has been still for HOLD_MS, so the worker computes each
# posted value at once instead of first applying a patch (10-50 ms in the worker).  Panel
# sends no further patch before the worker answers a held one ("idle"); non-patch messages
# pass.
HOLD_JS = """
if (worker._pgHold == null) {
    const post = worker.postMessage.bind(worker);
    const hold = worker._pgHold = {
      ids: new Set(), held: [], timer: null,
      later(ms) { clearTimeout(this.timer); this.timer = setTimeout(() => this.release(), ms); },
      release() {
        clearTimeout(this.timer);
        this.timer = null;
        for (const args of this.held.splice(0)) { post(...args); }
      },
    };
    const ours = (e) => e != null && e.attr === "value" && e.model != null &&
      hold.ids.has(e.model.id);
    worker.postMessage = (msg, ...rest) => {
      const patch = msg != null && msg.type === "patch" ? msg.patch : null;
      if (patch != null && (hold.held.length || (patch.events || []).some(ours))) {
        hold.held.push([msg, ...rest]);
        if (hold.timer == null) { hold.later(HOLD_MS); }
        return;
      }
      post(msg, ...rest);
    };
  }
"""
HOLD_MS: Final = 100


# Runs in the page on every change of the strength slider's value.  Once the page takes
# packets straight from the worker (UNPACK_JS), the value is posted straight to the worker
# too ({type: "pg-adv-eps"}), past Panel's patch queue (which sends one patch and waits for
# the worker to apply it, ~10+ ms, before sending the next).  At most one value is in
# flight: the worker's answer (the packet, or "pg-adv-ack", carrying the request number)
# sends the latest value that came meanwhile; the ones in between are never computed.
# Bokeh still syncs the value as usual (held back during a move, HOLD_JS); the worker then
# only records it.
EPS_JS = """
const worker = typeof pyodideWorker !== "undefined" ? pyodideWorker : null;
// the packet source, once it takes packets straight from the worker (UNPACK_JS); by id, so
// that the slider does not pull the source (and the views it writes to) into the document
const packet = window.pgAdvPackets != null ? window.pgAdvPackets[packet_id] : null;
if (worker == null || packet == null) { return; }  // the Bokeh sync redraws
const hold = worker._pgHold;  // (HOLD_JS) Panel's patch of this value waits till we are still
if (hold != null) { hold.ids.add(cb_obj.id); hold.later(HOLD_MS); }
const q = packet._pgEps || (packet._pgEps = {
  req: 0, inflight: false, pending: null, value: null, t: 0,
  post(v) {
    this.req += 1;
    this.inflight = true;
    this.value = v;
    this.t = performance.now();
    worker.postMessage({type: "pg-adv-eps", id: packet.id, value: v, req: this.req});
  },
  answer(req) {  // the worker answered request `req` (UNPACK_JS): send the latest value
    if (req !== this.req) { return; }
    const v = this.pending;
    this.pending = null;
    if (v != null && v !== this.value) { this.post(v); } else { this.inflight = false; }
  },
});
const v = cb_obj.value;
// (an answer lost for a second, e.g. to a long computation: send again rather than wait)
if (q.inflight && performance.now() - q.t < 1000) { q.pending = v; } else { q.post(v); }
"""


# Accessible names for the parts of Panel/Bokeh widgets that render without one (slider
# handles, spin buttons, checkboxes), inside the explorer's widgets only.  Runs on the page
# after the first layout (a figure's inner width is set then) and after the first packet.
A11Y_JS = "setTimeout(" + name_parts_js("pg-adv-") + ", 0);"


def a11y_callback() -> CustomJS:
    """A ``CustomJS`` naming the explorer's unnamed widget parts (see ``A11Y_JS``)."""
    return CustomJS(code=A11Y_JS)


def _in_worker() -> bool:
    """Whether this runs in Pyodide inside a Web Worker (the static site)."""
    if sys.platform != "emscripten":
        return False
    import js

    return hasattr(js, "postMessage") and not hasattr(js, "document")


def eps_callback(packet_id: str) -> dict[str, Any]:
    """``jscallback`` arguments posting the strength slider's value straight to the worker,
    for the :class:`Packet` whose source has id ``packet_id``."""
    return {"args": {"packet_id": packet_id}, "value": EPS_JS.replace("HOLD_MS", str(HOLD_MS))}


class Packet:
    """The one-row source a redraw sends, and its page-side unpacker.

    In the Pyodide worker, once the page has unpacked one packet sent through Bokeh, it
    installs a listener and answers ``pg-adv-ready``; later packets are posted straight to
    the page (``postMessage`` with typed arrays), which saves the worker the serialisation
    of a Bokeh change and the page the patch it would apply.  The packet's content and its
    unpacking are the same either way.

    From then on the page also posts the strength slider's value straight to the worker
    (``pg-adv-eps`` with a request number, see ``EPS_JS``); ``on_eps(value)`` handles it.
    The answer carries the request number: the next packet sent while handling it, or
    else a ``pg-adv-ack``.
    """

    def __init__(self, images: DigitImages, bars: ProbabilityBars, curves: CurvePlot,
                 pred: Div, info: Div) -> None:  # fmt: skip
        self.source = ColumnDataSource({}, name="pg-adv-packet")
        self.n = 0
        self.direct = False  # set when the page says it listens for direct packets
        self.on_eps: Any = None  # called with each strength the page posts directly
        self.post: Any = None  # posts a message to the page (set in the worker)
        self._req: int | None = None  # the request being answered
        self._t_in = 0.0  # when it came (ms since the epoch, for the benchmark)
        self.clock: Any = lambda: 1000 * time.time()
        self._listener: Any = None
        self.source.js_on_change(
            "data",
            CustomJS(
                args={
                    "orig": images.orig,
                    "pert": images.pert,
                    "adv": images.adv,
                    "mapper": images.pert_mapper,
                    "grad": images.grad,
                    "grad_mapper": images.grad_mapper,
                    "bars": bars.source,
                    "cursor": curves.cursor,
                    "pred": pred,
                    "info": info,
                },
                code=UNPACK_JS.replace("A11Y", A11Y_JS)
                .replace("HOLD", HOLD_JS.strip())
                .replace("HOLD_MS", str(HOLD_MS)),
            ),
        )
        if _in_worker():
            self._listen()

    def _listen(self) -> None:
        import js
        from pyodide.ffi import create_proxy, to_js

        sid = self.source.id

        def on_message(event: Any) -> None:
            data = event.data
            if getattr(data, "id", None) != sid:
                return
            kind = getattr(data, "type", None)
            if kind == "pg-adv-ready":
                self.direct = True
            elif kind == "pg-adv-eps":
                self.request(data.value, int(data.req))

        def post(msg: dict[str, Any]) -> None:
            js.postMessage(to_js(msg, dict_converter=js.Object.fromEntries))

        self.post = post
        self.clock = lambda: js.performance.timeOrigin + js.performance.now()
        self._listener = create_proxy(on_message)
        js.addEventListener("message", self._listener)

    def request(self, value: Any, req: int) -> None:
        """Handle strength ``value`` posted by the page as request ``req``; always answer."""
        self._req, self._t_in = req, self.clock()
        try:
            if self.on_eps is not None:
                self.on_eps(value)
        finally:
            req, self._req = self._req, None
            if req is not None and self.post is not None:  # no packet carried the answer
                self.post({"type": "pg-adv-ack", "id": self.source.id, "req": req})

    def attach(self, model: Any) -> None:
        """Keep the source in the document by referencing it from a rendered model."""
        model.tags = [*model.tags, self.source]

    def send(self, fields: dict[str, Any]) -> int:
        """Send one redraw (one Bokeh change, or one direct message); returns its number."""
        self.n += 1
        if self.direct and self.post is not None:
            msg = {"type": "pg-adv-packet", "id": self.source.id, "n": self.n, **fields}
            if self._req is not None:
                msg["req"], self._req = self._req, None
                msg["t_in"], msg["t_out"] = self._t_in, self.clock()
            self.post(msg)
        else:
            self.source.data = {"n": [self.n], **{k: [v] for k, v in fields.items()}}
        return self.n


__all__ = [
    "CURVE_COLORS",
    "CurvePlot",
    "DigitImages",
    "Packet",
    "ProbabilityBars",
    "a11y_callback",
    "eps_callback",
    "image_rows",
    "info_html",
    "packet_fields",
    "pred_html",
]
