"""The adversarial lesson page in Chromium: the attack explorer live in the Pyodide worker.

The harness fails every test on a request that leaves 127.0.0.1, a console or page
error, or an HTTP error (``conftest.py``).  Screenshots go to ``test-results/``.
"""

from __future__ import annotations

import json

import pytest
from pgbrowser import axe_violations, deep_text, wait_text

pytestmark = pytest.mark.browser
DIGITS = "#pg-widget-digits"
PLANE = "#pg-widget-plane"
LAST_JS = "() => window.pgAdv ? window.pgAdv.last : null"
IMG_JS = "(m.data.get ? m.data.get('img') : m.data.img)"
# records the strength of every packet the worker posts to the page
SEEN_JS = """() => {
  window.pgEpsSeen = [];
  pyodideWorker.addEventListener("message", (e) => {
    if (e.data && e.data.type === "pg-adv-packet") { window.pgEpsSeen.push(e.data.eps); }
  });
}"""


def open_lesson(app) -> None:
    app.page.goto(f"{app.base_url}lesson-adversarial.html", wait_until="domcontentloaded")
    app.wait_ready()
    wait_text(app, f"{DIGITS} .pg-adv-pred", "→")


def adv_image(app) -> list[float]:
    return app.model_js("pg-adv-adv-src", f"Array.from({IMG_JS}[0])")


def press(app, key: str, previous_n: int | None) -> dict:
    """Press ``key`` on the strength slider's handle; wait for the redraw it causes."""
    handle = app.page.locator(f"{DIGITS} .pg-adv-eps .noUi-handle").first
    handle.press(key)
    app.page.wait_for_function(
        "(n) => window.pgAdv && window.pgAdv.last && window.pgAdv.last.n !== n",
        arg=previous_n,
        timeout=20_000,
        polling=20,
    )
    return app.page.evaluate(LAST_JS)


def test_the_strength_slider_attacks_live_and_completes_a_task(app) -> None:
    open_lesson(app)
    pred = f"{DIGITS} .pg-adv-pred"
    assert deep_text(app, pred).startswith("3 → 3")  # digit 11 at eps 0.05: not fooled yet
    assert "not fooled" in deep_text(app, pred)
    wait_text(app, ".pg-task-status-smallest-eps", "condition")
    before = adv_image(app)
    # keyboard: each ArrowRight adds 0.005; the 3 flips at an eps of about 0.121
    last, n = None, None
    for _ in range(30):
        last = press(app, "ArrowRight", n)
        n = last["n"]
        if "fooled" in deep_text(app, pred) and "not fooled" not in deep_text(app, pred):
            break
    assert last is not None and 0.11 < last["eps"] < 0.14, last
    assert last["pred"] != 3
    assert adv_image(app) != before
    assert "→" in deep_text(app, pred) and deep_text(app, pred).split("→")[1].strip()[0] != "3"
    info = deep_text(app, f"{DIGITS} .pg-adv-info")
    assert "FGSM ε = " in info and "Smallest FGSM ε that changes this prediction: 0.12" in info
    # after the first packet through Bokeh, the page takes them straight from the worker
    assert app.page.evaluate("window.pgAdv.direct") >= 1
    wait_text(app, ".pg-task-status-smallest-eps", "Done")
    wait_text(app, ".pg-progress-text", "1 of 5 tasks done")
    app.screenshot("adversarial-fooled")
    # the perturbation's colour bar follows the strength
    high = app.model_js("pg-adv-pert-mapper", "m.high")
    assert high == pytest.approx(last["eps"], abs=1e-6)


def test_dragging_drawing_and_show_me(app) -> None:
    open_lesson(app)
    pred = f"{DIGITS} .pg-adv-pred"
    # drag the slider handle to the right: a large strength fools the model
    handle = app.page.locator(f"{DIGITS} .pg-adv-eps .noUi-handle").first
    handle.scroll_into_view_if_needed()
    app.page.evaluate(SEEN_JS)
    app.drag(handle, 60)
    app.page.wait_for_function(
        "() => window.pgAdv && window.pgAdv.last && window.pgAdv.last.eps > 0.2", timeout=20_000
    )
    wait_text(app, pred, "fooled")
    # the values went straight to the worker, one at a time; the drawing ends on the
    # slider's value and never steps back to an older one when Bokeh's late sync arrives
    app.page.wait_for_timeout(1000)
    final = float(deep_text(app, f"{DIGITS} .pg-adv-eps").split(":")[1].strip()[:5])
    seen = app.page.evaluate("window.pgEpsSeen")
    assert seen and seen[-1] == pytest.approx(final), seen
    assert all(v == pytest.approx(final) for v in seen[seen.index(seen[-1]) :]), seen
    assert f"FGSM ε = {final:.3f}" in deep_text(app, f"{DIGITS} .pg-adv-info")
    assert app.page.evaluate("pyodideWorker._pgHold.held.length") == 0
    # draw a vertical stroke on an empty canvas: the model sees a drawn digit
    app.click("pg-adv-clear")
    wait_text(app, pred, "drawn digit")
    figure = app.page.locator(f"{DIGITS} .pg-adv-orig").first
    figure.scroll_into_view_if_needed()
    box = figure.bounding_box()
    assert box, "the original image is not visible"
    x = box["x"] + box["width"] * 0.5  # the image fills the figure below its title
    app.page.mouse.move(x, box["y"] + box["height"] * 0.3)
    app.page.mouse.down()
    app.page.mouse.move(x, box["y"] + box["height"] * 0.9, steps=12)
    app.page.mouse.up()
    app.page.wait_for_function(
        "() => { const m = pyodideWorker.jsdoc.get_model_by_name('pg-adv-orig-src');"
        f" return m && Array.from({IMG_JS}[0]).some((v) => v > 0.3); }}",
        timeout=20_000,
    )
    app.screenshot("adversarial-drawn")
    # "show me" on the defence task: robust model, PGD, curves computed in the background
    app.click("pg-show-me-defence")
    wait_text(app, f"{DIGITS} .pg-adv-info", "PGD ε = 0.100")
    wait_text(app, f"{DIGITS} .pg-adv-status", "done", timeout_s=120)
    wait_text(app, ".pg-task-status-defence", "Done", timeout_s=30)
    n_curve = app.column_length("pg-adv-curve-robust", "acc")
    assert n_curve == 12
    app.screenshot("adversarial-defence")


def test_the_two_dimensional_view_flips_a_clicked_point(app) -> None:
    open_lesson(app)
    page = app.page
    page.locator("#pg-playground-net .pg-play button").first.click()
    page.wait_for_timeout(4000)
    page.locator("#pg-playground-net .pg-play button").first.click()
    plane = page.locator(f"{PLANE} .pg-adv-plane").first
    plane.scroll_into_view_if_needed()
    box = plane.bounding_box()
    assert box
    # the figure's frame is most of it; click near (2, 0), between the two rings
    page.mouse.click(box["x"] + box["width"] * 0.66, box["y"] + box["height"] * 0.5)
    info = wait_text(app, f"{PLANE} .pg-adv-point-info", "Smallest flipping step")
    assert "Point " in info
    app.screenshot("adversarial-plane")


def test_retraining_in_the_page(app) -> None:
    open_lesson(app)
    app.page.locator(f"{DIGITS} .pg-adv-model button", has_text="retrained").first.click()
    status = f"{DIGITS} .pg-adv-status"
    wait_text(app, status, "Retrained model (with adversarial training): epoch")
    wait_text(app, status, "epoch 15 of 15", timeout_s=180)
    accuracy = float(deep_text(app, status).split("test accuracy ")[1].split("%")[0])
    assert accuracy > 85
    wait_text(app, status, "done", timeout_s=120)
    assert app.column_length("pg-adv-curve-retrained", "acc") == 12
    app.screenshot("adversarial-retrained")


def test_no_serious_accessibility_violations_in_the_explorer(app) -> None:
    open_lesson(app)
    result = axe_violations(app, [DIGITS, PLANE])
    serious = [v for v in result if v["impact"] in ("serious", "critical")]
    assert not serious, json.dumps(serious, indent=1)
