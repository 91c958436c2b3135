"""Plain canvases for the pictures that change on every frame.

A change to any source of a Bokeh figure repaints the whole figure, and each repaint reads
every glyph's colours from the computed style: about 3 ms of the page's 16.7 ms frame for
the network diagram and the output heatmap together, plus the garbage of Bokeh's mapped
arrays.  So on the page the links, the bias fills, the neuron thumbnails, the output
heatmap and the loss curves are drawn by ``PAINT_JS`` on plain canvases that sit in each
figure's *underlay* layer, under Bokeh's own canvas.  Bokeh keeps everything that does not
change per frame and everything the mouse uses: the neuron outlines, the bias outlines, the
training points, the invisible wide link copies that catch hovering and clicking.

The Bokeh renderers of the painted pictures stay in the document (they draw the first state,
before the page has received a frame, and anything that renders the document without this
script); the page hides them once it paints, and their sources take each frame silently, so
tooltips still read the current weights and biases.  If a figure has no view to paint in,
the page shows the renderers again and updates their sources as before.

The colours come from the figures' own ``LinearColorMapper`` models, binned as Bokeh bins
them (a palette change comes with a new frame, like every other change).
"""

from __future__ import annotations

from typing import Any

from bokeh.models import GlyphRenderer, LinearColorMapper, Plot

from .geometry import BIAS, NODE

#: opacity of the output heatmap: diverging scale / class colours (the points show through)
HEAT_ALPHA = 0.8
CLASS_ALPHA = 0.85
#: opacity of the link curves
LINK_ALPHA = 0.85

PAINT_JS = """
// Plain-canvas painting (see pyplayground/ui/playground/paint.py).
const put = (model, attrs) => { model.setv(attrs, {silent: true}); model.change.emit(); };
const quiet = (model, attrs) => model.setv(attrs, {silent: true});
const paint = cb_obj._pgPaint || (cb_obj._pgPaint = {luts: new Map()});
const rgbaOf = (css) => {  // [r, g, b, a in 0..1] of any CSS colour
  if (paint.probe == null) {
    const c = document.createElement("canvas");
    c.width = c.height = 1;
    paint.probe = c.getContext("2d", {willReadFrequently: true});
  }
  const p = paint.probe;
  p.clearRect(0, 0, 1, 1);
  p.fillStyle = "rgba(0,0,0,0)";
  p.fillStyle = css;
  p.fillRect(0, 0, 1, 1);
  const d = p.getImageData(0, 0, 1, 1).data;
  return [d[0], d[1], d[2], d[3] / 255];
};
// A mapper's palette as packed RGBA words (little-endian ImageData) and CSS strings.
const lut = (mapper, alpha) => {
  let t = paint.luts.get(mapper);
  if (t != null && t.palette === mapper.palette && t.nanColor === mapper.nan_color &&
      t.alpha === alpha) { return t; }
  const pack = ([r, g, b, a]) =>
    ((Math.round(255 * a * alpha) << 24) | (b << 16) | (g << 8) | r) >>> 0;
  const rgba = mapper.palette.map(rgbaOf);
  t = {
    palette: mapper.palette, nanColor: mapper.nan_color, alpha: alpha,
    words: Uint32Array.from(rgba, pack), nan: pack(rgbaOf(mapper.nan_color)),
    css: rgba.map(([r, g, b, a]) => `rgba(${r},${g},${b},${a})`),
  };
  paint.luts.set(mapper, t);
  return t;
};
// Bokeh's LinearColorMapper binning: N equal bins over [low, high], clamped, NaN apart.
const bin = (mapper, n) => {
  const low = mapper.low, high = mapper.high, norm = 1 / (high - low), interval = 1 / n;
  return (v) => {
    if (v === high) { return n - 1; }
    const k = Math.floor((v - low) * norm / interval);
    return k < 0 ? 0 : k > n - 1 ? n - 1 : k;
  };
};
// (rows x cols) values, row 0 at the bottom as Bokeh draws images, into a canvas (row 0 on top).
const putImage = (canvas, values, rows, cols, mapper, alpha) => {
  if (canvas.width !== cols) { canvas.width = cols; }
  if (canvas.height !== rows) { canvas.height = rows; }
  const ctx = canvas.getContext("2d");
  let img = canvas._pgImage;
  if (img == null || img.width !== cols || img.height !== rows) {
    img = canvas._pgImage = ctx.createImageData(cols, rows);
    canvas._pgWords = new Uint32Array(img.data.buffer);
  }
  const words = canvas._pgWords, t = lut(mapper, alpha), colors = t.words, nan = t.nan;
  const n = colors.length, low = mapper.low, high = mapper.high;
  const norm = 1 / (high - low), interval = 1 / n;
  for (let r = 0; r < rows; r++) {
    const src = r * cols, dst = (rows - 1 - r) * cols;
    for (let c = 0; c < cols; c++) {
      const v = values[src + c];
      let k;
      if (v !== v) { words[dst + c] = nan; continue; }
      if (v === high) { k = n - 1; } else {  // as bin() above, inlined
        k = Math.floor((v - low) * norm / interval);
        k = k < 0 ? 0 : k > n - 1 ? n - 1 : k;
      }
      words[dst + c] = colors[k];
    }
  }
  ctx.putImageData(img, 0, 0);
};
// The figure's paint layer: a box over its frame in the underlays of its canvas (made again
// whenever Bokeh renders the figure anew). null when the figure has no view (or when
// window.pgPaintOff is set: Bokeh then draws everything, for comparison).
const surface = (fig) => {
  if (window.pgPaintOff) { return null; }
  let s = fig._pgSurface;
  if (s == null || !s.box.isConnected || s.view.canvas_view.underlays_el !== s.box.parentNode) {
    const view = window.Bokeh && Bokeh.index ? Bokeh.index.find_one(fig) : null;
    if (view == null || view.canvas_view == null || view.frame == null) { return null; }
    const box = document.createElement("div");
    box.className = "pg-paint";
    box.style.cssText = "position:absolute;overflow:hidden;pointer-events:none";
    view.canvas_view.underlays_el.append(box);
    s = fig._pgSurface = {view: view, box: box, canvases: {}, w: -1, h: -1};
  }
  const b = s.view.frame.bbox;
  if (b.width !== s.w || b.height !== s.h || b.left !== s.left || b.top !== s.top) {
    Object.assign(s.box.style, {left: `${b.left}px`, top: `${b.top}px`,
                                width: `${b.width}px`, height: `${b.height}px`});
    Object.assign(s, {w: b.width, h: b.height, left: b.left, top: b.top});
  }
  const xr = fig.x_range, yr = fig.y_range;
  s.sx = (x) => (x - xr.start) / (xr.end - xr.start) * s.w;
  s.sy = (y) => (yr.end - y) / (yr.end - yr.start) * s.h;
  return s;
};
// A canvas of the layer (in creation order). With `extent` [x, y, dw, dh] it sits there in
// data units, CSS-scaled and pixelated as Bokeh draws images; otherwise it covers the frame.
const canvasOf = (s, name, extent) => {
  let c = s.canvases[name];
  if (c == null) {
    c = s.canvases[name] = document.createElement("canvas");
    c.style.position = "absolute";
    if (extent != null) { c.style.imageRendering = "pixelated"; }
    s.box.append(c);
  }
  const box = extent == null ? [0, 0, s.w, s.h] : [
    s.sx(extent[0]), s.sy(extent[1] + extent[3]),
    s.sx(extent[0] + extent[2]) - s.sx(extent[0]), s.sy(extent[1]) - s.sy(extent[1] + extent[3]),
  ];
  const key = box.join(",");
  if (c._pgBox !== key) {
    c._pgBox = key;
    Object.assign(c.style, {left: `${box[0]}px`, top: `${box[1]}px`,
                            width: `${box[2]}px`, height: `${box[3]}px`});
  }
  return c;
};
// A canvas over the whole frame at the display's resolution, cleared; its context draws in
// CSS pixels of the frame.
const fullCanvas = (s, name) => {
  const c = canvasOf(s, name, null);
  const ratio = window.devicePixelRatio || 1;
  const pw = Math.round(s.w * ratio), ph = Math.round(s.h * ratio);
  if (c.width !== pw) { c.width = pw; }
  if (c.height !== ph) { c.height = ph; }
  const ctx = c.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, s.w, s.h);
  return ctx;
};
const show = (renderer, on) => {
  if (renderer.visible !== on) {
    renderer.setv({visible: on}, {silent: true});
    renderer.change.emit();
  }
};
// The diagram: link curves, bias fills and the neurons' thumbnails on one canvas.
// `thumbs` holds each neuron's (t x t) thumbnail in the order of the nodes' rows, rows from
// the bottom. Without a view, the Bokeh renderers draw it from the sources.
const showNetwork = (thumbs, t, bias, w, nd) => {
  const n = nodes.data.x.length;
  if (bias.length !== n || w.length !== links.data.xs.length || thumbs.length !== n * t * t) {
    return;  // a frame of another network shape than the diagram's (it follows)
  }
  const width = w.map((v) => 1 + 9 * Math.min(Math.abs(v), 5) / 5);
  net_figure._pgThumbs = thumbs;  // what the diagram shows (read by the browser tests)
  const s = surface(net_figure), set = s == null ? put : quiet;  // quiet: for the tooltips
  for (const r of net_painted) { show(r, s == null); }
  set(nodes, {data: {...nodes.data, bias: bias}});
  set(links, {data: {...links.data, w: w, width: width}});
  if (s == null) {
    const [rows, cols] = MOSAIC, img = new Float32Array(rows * cols).fill(NaN);
    const cells = nodes.data.cell;
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < t; r++) {
        for (let c = 0; c < t; c++) { img[cells[i] + r * cols + c] = thumbs[(i * t + r) * t + c]; }
      }
    }
    put(mosaic, {data: {img: [nd(img, MOSAIC)]}});
    return;
  }
  const ctx = fullCanvas(s, "net");
  const lt = lut(net_line_mapper, 1), lk = bin(net_line_mapper, lt.css.length);
  const xs = links.data.xs, ys = links.data.ys, sx = s.sx, sy = s.sy;
  ctx.globalAlpha = LINK_ALPHA;
  ctx.lineCap = "butt";
  ctx.lineJoin = "bevel";
  for (let i = 0; i < xs.length; i++) {
    const v = w[i], px = xs[i], py = ys[i];
    if (v !== v) { continue; }
    ctx.beginPath();
    ctx.moveTo(sx(px[0]), sy(py[0]));
    for (let j = 1; j < px.length; j++) { ctx.lineTo(sx(px[j]), sy(py[j])); }
    ctx.lineWidth = width[i];
    ctx.strokeStyle = lt.css[lk(v)];
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  const bx = nodes.data.bx, by = nodes.data.by;
  const half = BIAS / 2, bw = sx(BIAS) - sx(0), bh = sy(0) - sy(BIAS);
  for (let i = 0; i < n; i++) {
    const v = bias[i];
    if (v !== v) { continue; }
    ctx.fillStyle = lt.css[lk(v)];
    ctx.fillRect(sx(bx[i] - half), sy(by[i] + half), bw, bh);
  }
  // the thumbnails: coloured once into a strip (neuron i at rows (n - 1 - i) * t of the
  // canvas, which has row 0 on top), then copied into place, scaled without smoothing
  const strip = paint.strip || (paint.strip = document.createElement("canvas"));
  putImage(strip, thumbs, n * t, t, net_heat_mapper, 1);
  ctx.imageSmoothingEnabled = false;
  const x = nodes.data.x, y = nodes.data.y, nw = sx(NODE) - sx(0), nh = sy(0) - sy(NODE);
  for (let i = 0; i < n; i++) {
    ctx.drawImage(strip, 0, (n - 1 - i) * t, t, t, sx(x[i]), sy(y[i] + NODE), nw, nh);
  }
};
// The output view: the heatmap of the output (or hovered) neuron, or the class colours.
const showOutput = (values, size, classes, nd) => {
  const s = surface(heat_figure);
  show(heat_painted[0], s == null && !classes);
  show(heat_painted[1], s == null && classes);
  const set = s == null ? put : quiet;
  set(classes ? heat_classes : heat, {data: {img: [nd(values, [size, size])]}});
  if (s == null) { return; }
  const c = canvasOf(s, "heat", HEAT_EXTENT);
  if (classes) { putImage(c, values, size, size, class_mapper, CLASS_ALPHA); }
  else { putImage(c, values, size, size, heat_mapper, HEAT_ALPHA); }
};
// The loss chart, from its source (no axes): each series [column, colour, width] a polyline
// over the data's extent plus 10 % (as Bokeh's DataRange1d), broken at NaN.
const showLoss = () => {
  const s = surface(loss_figure);
  for (const r of loss_painted) { show(r, s == null); }
  if (s == null) {
    put(loss, {data: {...loss.data}});
    return;
  }
  const ctx = fullCanvas(s, "lines");
  const data = loss.data, xs = data.epoch;
  const extent = (cols) => {
    let lo = Infinity, hi = -Infinity;
    for (const col of cols) {
      for (const v of col) { if (v < lo) { lo = v; } if (v > hi) { hi = v; } }  // NaN: false
    }
    if (!(lo <= hi)) { return [0, 1]; }
    const pad = hi > lo ? (hi - lo) * 0.05 : Math.max(Math.abs(lo) * 0.5, 0.5);
    return [lo - pad, hi + pad];
  };
  const [x0, x1] = extent([xs]), [y0, y1] = extent(LOSS_SERIES.map(([col]) => data[col]));
  const kx = s.w / (x1 - x0), ky = s.h / (y1 - y0);
  ctx.lineCap = "butt";
  ctx.lineJoin = "bevel";
  for (const [col, color, lineWidth] of LOSS_SERIES) {
    const ys = data[col];
    ctx.beginPath();
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      const px = (xs[i] - x0) * kx, py = (y1 - ys[i]) * ky;
      if (!Number.isFinite(px) || !Number.isFinite(py)) { pen = false; continue; }
      if (pen) { ctx.lineTo(px, py); } else { ctx.moveTo(px, py); pen = true; }
    }
    ctx.strokeStyle = color;
    ctx.lineWidth = lineWidth;
    ctx.stroke();
  }
};
"""


def paint_args(
    *,
    net_figure: Plot,
    net_painted: list[GlyphRenderer],
    net_heat_mapper: LinearColorMapper,
    net_line_mapper: LinearColorMapper,
    mosaic_shape: tuple[int, int],
    heat_figure: Plot,
    heat_painted: list[GlyphRenderer],
    heat_mapper: LinearColorMapper,
    class_mapper: LinearColorMapper,
    heat_extent: tuple[float, float, float, float],
    loss_figure: Plot,
    loss_painted: list[GlyphRenderer],
    loss_series: list[tuple[str, str, float]],
) -> dict[str, Any]:
    """The ``CustomJS`` arguments ``PAINT_JS`` reads (besides the ``nodes``/``links`` sources).

    Parameters
    ----------
    net_figure, heat_figure : Plot
        The network diagram and the output heatmap figures.
    net_painted, heat_painted : list of GlyphRenderer
        Their renderers that the page paints instead (hidden on the page once it paints).
    net_heat_mapper, net_line_mapper : LinearColorMapper
        Colours of the thumbnails, and of the links and bias fills.
    heat_mapper, class_mapper : LinearColorMapper
        Colours of the output heatmap (diverging scale; classes).
    mosaic_shape : tuple of int
        ``(rows, cols)`` of the network's mosaic image (drawn by Bokeh without a view).
    heat_extent : tuple of float
        ``(x, y, dw, dh)`` of the output image in data units.
    loss_figure, loss_painted, loss_series : Plot, list of GlyphRenderer, list of tuple
        The loss chart, its line renderers and their ``(column, colour, width)``.

    Returns
    -------
    dict
        Name -> model or value, for ``CustomJS(args=...)``.
    """
    return {
        "net_figure": net_figure,
        "net_painted": net_painted,
        "net_heat_mapper": net_heat_mapper,
        "net_line_mapper": net_line_mapper,
        "MOSAIC": list(mosaic_shape),
        "NODE": NODE,
        "heat_figure": heat_figure,
        "heat_painted": heat_painted,
        "heat_mapper": heat_mapper,
        "class_mapper": class_mapper,
        "HEAT_EXTENT": list(heat_extent),
        "loss_figure": loss_figure,
        "loss_painted": loss_painted,
        "LOSS_SERIES": [list(x) for x in loss_series],
        "HEAT_ALPHA": HEAT_ALPHA,
        "CLASS_ALPHA": CLASS_ALPHA,
        "LINK_ALPHA": LINK_ALPHA,
        "BIAS": BIAS,
    }


__all__ = ["CLASS_ALPHA", "HEAT_ALPHA", "LINK_ALPHA", "PAINT_JS", "paint_args"]
