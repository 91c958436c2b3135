"""The full playground page (``playground.html``) on the built site, in Chromium.

Every test runs on the static site in headless Chromium with the harness' network guard
(any request off 127.0.0.1, console error or page error fails the test).  The speed test
records what it measured in ``test-results/playground_speed.json``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from pgbrowser import axe_violations, frame_ceiling, record

from pyplayground.ui.playground.geometry import CELL, HEIGHT, NODE, WIDTH, Geometry
from pyplayground.ui.playground.paint import CLASS_ALPHA, HEAT_ALPHA
from pyplayground.ui.playground.palette import (
    PALETTES,
    class_colors,
    heat_colors,
    line_colors,
    rgba_image,
)

pytestmark = pytest.mark.browser
PAGE = "playground.html"
FRAMES_JS = "() => window.pgFrames ? window.pgFrames.painted : 0"
DIRECT_JS = "() => window.pgFrames ? window.pgFrames.direct : 0"


def epoch(app) -> int:
    return app.number("pg-epoch")


def wait_epoch(app, predicate, timeout_s: float = 60.0) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        value = epoch(app)
        if predicate(value):
            return value
        assert time.monotonic() < deadline, f"the epoch counter stayed at {value}"
        app.page.wait_for_timeout(100)


def source_js(name: str, expr: str) -> str:
    """A JS function evaluating ``expr`` with ``m`` = the model called ``name``."""
    return f"() => (m => {expr})(pyodideWorker.jsdoc.get_model_by_name('{name}'))"


# a checksum of the big heatmap's image, as the page holds it
HEAT_SUM = source_js(
    "pg-heat",
    "{ const a = m.data.img[0]; let s = 0;"
    " for (let i = 0; i < a.length; i++) { s += a[i] * (i % 7 + 1); } return s; }",
)


def heat_sum(app) -> float:
    return app.page.evaluate(HEAT_SUM)


def network_point(app, layer: int, row: int, sizes: tuple[int, ...]) -> tuple[float, float]:
    """Page coordinates of a neuron's centre in the network diagram."""
    figure = app.page.locator(".pg-network").first  # label figures + diagram, from x = 0
    figure.scroll_into_view_if_needed()
    box = figure.bounding_box()
    geo = Geometry(sizes)
    return box["x"] + geo.column_x(layer), box["y"] + HEIGHT - geo.row_y(row)


def open_playground(app, hash_text: str = "") -> float:
    """Open the page; returns the seconds until it was interactive."""
    status = app.open(PAGE + (f"#{hash_text}" if hash_text else ""))
    # the first frame has been painted: the page and the worker are in step
    app.wait_until("() => window.pgFrames && window.pgFrames.painted > 0")
    return dict(status.get("phases", [])).get("ready", 0.0) / 1000


# ------------------------------------------------------------------ behaviour


def test_plays_pauses_and_steps(app) -> None:
    open_playground(app)
    assert epoch(app) == 0
    before = heat_sum(app)
    app.click("pg-play")
    wait_epoch(app, lambda e: e >= 20)
    app.click("pg-play")
    paused = wait_epoch(app, lambda e: e > 0)
    app.page.wait_for_timeout(500)
    stopped = epoch(app)
    app.page.wait_for_timeout(700)
    assert epoch(app) == stopped >= paused  # really paused
    assert heat_sum(app) != before
    assert float(app.text("pg-train-loss")) < 0.5
    assert app.page.evaluate(DIRECT_JS) > 0  # animation frames bypassed Bokeh
    app.click("pg-step")
    wait_epoch(app, lambda e: e == stopped + 1)
    app.click("pg-reset")
    wait_epoch(app, lambda e: e == 0)


def test_url_hash_in_and_out(app) -> None:
    open_playground(
        app, "activation=relu&networkShape=3&learningRate=0.1&seed=0.777&noise_lock=true"
    )
    select = app.page.locator(".pg-activation select").first
    deadline = time.monotonic() + 30
    while select.input_value() != "ReLU":
        assert time.monotonic() < deadline, "the URL hash was not applied"
        app.page.wait_for_timeout(100)
    assert app.page.locator(".pg-learning-rate select").first.input_value() == "0.1"
    assert app.page.locator(".pg-noise").first.evaluate(
        "(el) => !!el.shadowRoot.querySelector('[disabled]')"
    )
    app.click("pg-add-layer")
    app.page.wait_for_function("() => location.hash.includes('networkShape=3,2')")
    assert "seed=0.777" in app.page.url and "noise_lock=true" in app.page.url


def test_hostile_hash_is_reported_once(app) -> None:
    open_playground(app, "learningRate=abc&networkShape=99,-1&dataset=%3Cimg%20src=x%3E&x=0")
    notices = app.page.locator(".pg-notices").first
    notices.wait_for(state="visible", timeout=30_000)
    assert "learningRate" in app.text("pg-notices")
    app.click("pg-play")
    wait_epoch(app, lambda e: e >= 5)
    app.click("pg-play")
    app.click("pg-dismiss")
    notices.wait_for(state="hidden")


def test_hover_shows_a_neuron_and_click_edits_a_weight(app) -> None:
    open_playground(app)
    out = heat_sum(app)
    x, y = network_point(app, 1, 0, (2, 4, 2, 1))
    app.page.mouse.move(x, y)
    app.page.wait_for_function(f"() => ({HEAT_SUM})() !== {out}")
    app.page.mouse.move(x, y - 600)  # leave the figure: back to the output
    app.page.wait_for_function(f"() => ({HEAT_SUM})() === {out}")
    # click the middle of the link X1 -> H1.1, then type a new weight
    geo = Geometry((2, 4, 2, 1))
    xs, ys, _ = geo.links(1)
    fx, fy = network_point(app, 0, 0, (2, 4, 2, 1))
    dx, dy = xs[0][7] - geo.column_x(0), HEIGHT - ys[0][7] - (HEIGHT - geo.row_y(0))
    app.page.mouse.click(fx + dx, fy + dy)
    param = app.page.locator(".pg-edit-param select").first
    deadline = time.monotonic() + 30
    while not param.input_value().startswith("weight X₁ → H1.1"):
        assert time.monotonic() < deadline, f"the editor shows {param.input_value()!r}"
        app.page.wait_for_timeout(100)
    value = app.page.locator(".pg-edit-value input").first
    value.fill("2.5")
    value.press("Enter")
    app.page.wait_for_function(source_js("pg-links", "Math.abs(m.data.w[0] - 2.5) < 1e-6"))


# The page's own canvases (pyplayground/ui/playground/paint.py): the output heatmap's
# pixels; on the diagram's canvas, the centre of every thumbnail cell (with the value the
# frame gave it) and the centres of the links and bias squares (with their values); and
# whether Bokeh's image renderers are hidden.
PAINTED_JS = """(name) => {
  const fig = pyodideWorker.jsdoc.get_model_by_name(name);
  const s = fig._pgSurface;
  if (s == null || !s.box.isConnected) { return null; }
  const out = {
    hidden: fig.renderers.filter((r) => r.glyph.properties.image != null).map((r) => !r.visible),
    images: {},
  };
  const heat = s.canvases.heat;
  if (heat != null) {
    out.images.heat = [heat.height, heat.width,
      Array.from(heat.getContext("2d").getImageData(0, 0, heat.width, heat.height).data)];
  }
  const net = s.canvases.net;
  if (net != null) {
    const ratio = net.width / s.w;
    const px = net.getContext("2d").getImageData(0, 0, net.width, net.height).data;
    const at = (x, y) => {
      const i = 4 * (Math.floor(s.sy(y) * ratio) * net.width + Math.floor(s.sx(x) * ratio));
      return [px[i], px[i + 1], px[i + 2], px[i + 3]];
    };
    const links = pyodideWorker.jsdoc.get_model_by_name("pg-links").data;
    const nodes = pyodideWorker.jsdoc.get_model_by_name("pg-nodes").data;
    out.links = links.xs.map((xs, k) => [links.w[k], at(xs[7], links.ys[k][7])]);
    out.bias = Array.from(nodes.bias).map((b, k) => [b, at(nodes.bx[k], nodes.by[k])])
      .filter(([b]) => Number.isFinite(b));
    const t = Math.round(Math.sqrt(fig._pgThumbs.length / nodes.x.length)), cell = NODE / t;
    out.cells = [];
    for (let i = 0; i < nodes.x.length; i++) {
      for (let r = 0; r < t; r++) {
        for (let c = 0; c < t; c++) {
          out.cells.push([fig._pgThumbs[(i * t + r) * t + c],
                          at(nodes.x[i] + (c + 0.5) * cell, nodes.y[i] + (r + 0.5) * cell)]);
        }
      }
    }
  }
  return out;
}""".replace("NODE", str(NODE))


def source_image(app, name: str) -> np.ndarray:
    rows, cols, flat = app.model_js(
        name, "[m.data.img[0].shape[0], m.data.img[0].shape[1], Array.from(m.data.img[0])]"
    )
    return np.array(flat, dtype=np.float64).reshape(rows, cols)


def close_colors(pairs: list, colors: list[str]) -> np.ndarray:
    """For [value, [r, g, b, a]] pairs: whether each pixel shows the value's colour."""
    values = np.array([v for v, _ in pairs], dtype=np.float64)
    got = np.array([p[:3] for _, p in pairs], dtype=int)
    want = rgba_image(values, colors, -1.0, 1.0)[:, :3].astype(int)
    return np.abs(got - want).max(axis=1) <= 3


def check_painted(app, palette: str, classes: int = 0) -> None:
    """What the page painted equals the frame's values through the palette's colours
    (``classes``: the output view shows that many class colours)."""
    pal = PALETTES[palette]
    heat = app.page.evaluate(PAINTED_JS, "pg-heatmap-figure")
    net = app.page.evaluate(PAINTED_JS, "pg-network-figure")
    assert heat is not None and net is not None, "no painted canvas on the page"
    assert all(heat["hidden"]) and all(net["hidden"]), "Bokeh still draws a painted image"
    if classes:
        source, alpha, colors = (
            "pg-heat-classes",
            round(255 * CLASS_ALPHA),
            class_colors(pal, classes),
        )
        low, high = 0.0, float(classes)
    else:
        source, colors = "pg-heat", heat_colors(pal)
        alpha, low, high = round(255 * HEAT_ALPHA), -1.0, 1.0
    values = source_image(app, source)[::-1]  # Bokeh's row 0 is the bottom row
    rows, cols, px = heat["images"]["heat"]
    got = np.array(px, dtype=np.uint8).reshape(rows, cols, 4)
    want = rgba_image(values, colors, low, high)
    # translucent pixels are stored premultiplied: their colour may round by 1-2
    assert np.abs(got[..., :3].astype(int) - want[..., :3]).max() <= 2
    assert (got[..., 3] == alpha).all()
    # every thumbnail cell shows its value's colour, opaque
    assert len(net["cells"]) >= 9 * 18 * 18
    assert close_colors(net["cells"], heat_colors(pal)).all()
    assert all(p[3] == 255 for _, p in net["cells"])
    for kind in ("links", "bias"):  # a link may cross another: most must match
        covered = [pair for pair in net[kind] if pair[1][3] > 128]
        assert len(covered) >= 0.75 * len(net[kind]), kind
        assert close_colors(covered, line_colors(pal)).mean() >= 0.75, kind


def test_pictures_are_painted_from_the_frame_values(app) -> None:
    open_playground(app)
    painted = app.page.evaluate(FRAMES_JS)
    app.click("pg-step")
    app.click("pg-step")
    wait_epoch(app, lambda e: e == 2)
    app.wait_until(f"() => window.pgFrames.painted >= {painted + 2}")
    check_painted(app, "default")
    # the loss curves too: Bokeh's lines hidden, ours drawn (two points after two steps)
    loss = app.page.evaluate(
        "() => { const f = pyodideWorker.jsdoc.get_model_by_name('pg-loss-figure');"
        " const c = f._pgSurface.canvases.lines;"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) { n += d[i] > 0; }"
        " return [f.renderers.map((r) => r.visible), n]; }"
    )
    assert loss[0] == [False, False] and loss[1] > 50, loss
    # the colour-blind palette repaints with its colours
    pixels = (
        "() => { const f = pyodideWorker.jsdoc.get_model_by_name('pg-heatmap-figure');"
        " const c = f._pgSurface.canvases.heat;"
        " return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)"
        ".join(); }"
    )
    before = app.page.evaluate(pixels)
    app.select("pg-palette", PALETTES["colorblind"].label)
    app.wait_until(f"() => ({pixels})() !== {json.dumps(before)}")
    check_painted(app, "colorblind")


def test_bokeh_draws_the_pictures_when_the_page_does_not(app) -> None:
    open_playground(app)
    app.page.evaluate("() => { window.pgPaintOff = true; }")
    painted = app.page.evaluate(FRAMES_JS)
    app.click("pg-step")
    app.wait_until(f"() => window.pgFrames.painted > {painted}")
    hidden = app.page.evaluate(PAINTED_JS, "pg-network-figure")["hidden"]
    assert not any(hidden), "the mosaic renderer stays hidden"
    # the page built the mosaic from the frame's thumbnails, each from its node's first cell
    mosaic = source_image(app, "pg-mosaic").ravel()
    thumbs, cells = app.page.evaluate(
        "() => [Array.from(pyodideWorker.jsdoc.get_model_by_name('pg-network-figure')"
        "._pgThumbs), Array.from(pyodideWorker.jsdoc.get_model_by_name('pg-nodes').data.cell)]"
    )
    t = 18
    thumbs = np.array(thumbs).reshape(len(cells), t, t)
    cols = WIDTH // CELL
    for i, first in enumerate(cells):
        index = first + np.arange(t)[:, None] * cols + np.arange(t)[None, :]
        np.testing.assert_array_equal(mosaic[index], thumbs[i])
    assert (~np.isnan(mosaic)).sum() == len(cells) * t * t


def test_click_on_the_plot_adds_a_point(app) -> None:
    open_playground(app)
    n = app.column_length("pg-train", "x")
    app.select("pg-add-class", "Class +1 (positive)")
    plot = app.page.locator(".pg-heatmap-figure").first
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    app.page.wait_for_timeout(300)
    app.page.mouse.click(box["x"] + box["width"] * 0.8, box["y"] + box["height"] * 0.2)
    app.page.wait_for_function(source_js("pg-train", f"m.data.x.length === {n + 1}"))


def test_problem_types_and_class_colours(app) -> None:
    open_playground(app)
    app.select("pg-problem", "Multi-class")
    app.page.wait_for_function(source_js("pg-heat-classes", "m.data.img[0].length === 10000"))
    app.click("pg-play")
    wait_epoch(app, lambda e: e >= 5)
    app.click("pg-play")
    app.page.wait_for_timeout(500)  # the last frame painted
    check_painted(app, "default", classes=3)
    app.select("pg-problem", "Regression")
    app.page.locator(".pg-dataset-reg-gauss").first.wait_for(state="visible")
    app.click("pg-dataset-reg-gauss")
    app.page.wait_for_function("() => location.hash.includes('regDataset=reg-gauss')")
    assert "%" not in app.text("pg-stats-box")  # no accuracy for regression


def test_keyboard_alone_can_train(app) -> None:
    open_playground(app)
    rate = app.page.locator(".pg-learning-rate select").first
    rate.focus()
    app.page.keyboard.press("ArrowDown")
    app.page.wait_for_function("() => location.hash.includes('learningRate=0.1&')")
    play = app.page.locator(".pg-play button").first
    play.focus()
    app.page.keyboard.press("Enter")
    wait_epoch(app, lambda e: e >= 3)
    app.page.keyboard.press("Enter")
    feature = app.page.locator(".pg-feature-xSquared button").first
    feature.focus()
    app.page.keyboard.press("Space")
    app.page.wait_for_function("() => location.hash.includes('xSquared=true')")


def test_copy_link_and_downloads(app) -> None:
    open_playground(app, "seed=0.4242")
    app.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    app.page.wait_for_function("() => location.hash.includes('seed=0.4242')")
    app.click("pg-copy-link")
    copied = app.page.evaluate("navigator.clipboard.readText()")
    assert copied == app.page.url
    # the outcome is shown next to the button (a live region)
    app.page.locator(".pg-copy-link-status").get_by_text("Link copied ✓").wait_for(timeout=10_000)
    with app.page.expect_download() as info:
        app.click("pg-download-model")
    model = json.loads(Path(info.value.path()).read_text())
    assert model["format"].startswith("pyplayground-model")
    with app.page.expect_download() as info:
        app.click("pg-download-png")
    assert Path(info.value.path()).read_bytes().startswith(b"\x89PNG")


def test_no_serious_accessibility_violations(app) -> None:
    open_playground(app)
    result = axe_violations(app)
    record("playground_axe", {"violations": result})
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)


# ------------------------------------------------------------------ speed


REPAINTS_JS = "() => window.pgFrames ? window.pgFrames.repaints : 0"


def measure(app, seconds: float) -> dict[str, float]:
    """Frames drawn (distinct repaints showing a new frame) and epochs trained per second."""
    r0, f0, e0 = app.page.evaluate(REPAINTS_JS), app.page.evaluate(FRAMES_JS), epoch(app)
    t0 = time.monotonic()
    app.page.wait_for_timeout(seconds * 1000)
    r1, f1, e1 = app.page.evaluate(REPAINTS_JS), app.page.evaluate(FRAMES_JS), epoch(app)
    dt = time.monotonic() - t0
    return {
        "drawn_frames_per_s": round((r1 - r0) / dt, 1),
        "frames_applied_per_s": round((f1 - f0) / dt, 1),
        "epochs_per_s": round((e1 - e0) / dt, 1),
    }


@pytest.mark.slow
def test_speed(app) -> None:
    largest = "networkShape=8,8,8,8,8,8&" + "&".join(
        f"{f}=true" for f in ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
    )
    results: dict[str, dict[str, float]] = {}
    for name, hash_text, speed in (
        ("default net, 1 epoch/frame", "", "1"),
        ("default net, 100 epochs/frame", "", "100"),
        ("largest net (7 inputs, 6x8), 1 epoch/frame", largest, "1"),
    ):
        ready_s = open_playground(app, hash_text)
        if hash_text:
            app.page.wait_for_function("() => location.hash.includes('sinY=true')")
            app.page.wait_for_timeout(1000)
        app.select("pg-speed", speed)
        # the most frames/s an empty page gets in this browser right now (paused meanwhile)
        ceiling = frame_ceiling(app.page.context)
        app.click("pg-play")
        app.page.wait_for_timeout(3000)  # warm-up: wasm tier-up, caches
        results[name] = {
            **measure(app, 10),
            "empty_page_frames_per_s": ceiling,
            "interactive_after_s": round(ready_s, 1),
        }
        app.click("pg-play")
    record("playground_speed", results)
    print(json.dumps(results, indent=1))
    for r in results.values():
        assert r["drawn_frames_per_s"] > 2 and r["epochs_per_s"] > 2
