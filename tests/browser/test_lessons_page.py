"""Lesson pages of the built site in Chromium: static prose, live playgrounds and tasks.

The harness fails every test on a request that leaves 127.0.0.1, a console or page
error, or an HTTP error (``conftest.py``).
"""

from __future__ import annotations

import json

import pytest
from pgbrowser import deep_text as text
from pgbrowser import wait_text

pytestmark = pytest.mark.browser
KEY = "pyplayground.lesson.{}"
DISABLED_JS = "(el) => !!el.shadowRoot.querySelector('[disabled]')"


def epoch(app, playground: str) -> int:
    digits = text(app, f"#pg-playground-{playground} .pg-epoch").replace(",", "")
    return int(digits)


def stored(app, lesson: str) -> dict:
    raw = app.page.evaluate(f"localStorage.getItem({json.dumps(KEY.format(lesson))})")
    return json.loads(raw) if raw else {}


def open_lesson(app, lesson: str) -> None:
    app.page.goto(f"{app.base_url}lesson-{lesson}.html", wait_until="domcontentloaded")


def test_a_lesson_page_from_static_prose_to_a_completed_task(app) -> None:
    page = app.page
    open_lesson(app, "overfitting")
    # the prose is in the page itself, readable before Python has started
    assert page.locator("main.pg-lesson h1").inner_text() == "Overfitting and regularization"
    assert page.locator(".pg-task").count() == 3
    assert not page.evaluate("window.pgLoading.ready")
    app.wait_ready()
    wait_text(app, ".pg-task-status-see-the-gap", "0 of 1 condition met")
    assert "0 of 3 tasks done" in text(app, ".pg-progress-text")

    # the playground starts in the lesson's state: hidden controls absent, locked disabled
    main = "#pg-playground-main"
    assert page.locator(f"{main} .pg-learning-rate select").first.input_value() == "0.1"
    assert page.locator(f"{main} .pg-feature-sinX").first.is_visible()
    for hidden in ("pg-optimizer", "pg-problem", "pg-dropout", "pg-upload", "pg-export-card"):
        assert page.locator(f"{main} .{hidden}").first.is_hidden(), hidden
    for locked in ("pg-noise", "pg-perc-train"):
        assert page.locator(f"{main} .{locked}").first.is_visible(), locked
        assert page.locator(f"{main} .{locked}").first.evaluate(DISABLED_JS), locked
    assert page.locator(f"{main} .pg-dataset-xor button").first.is_disabled()
    assert not page.locator(f"{main} .pg-learning-rate").first.evaluate(DISABLED_JS)

    # a hint, then training: the task turns complete in the page
    app.click("pg-hint-see-the-gap")
    wait_text(app, ".pg-task-hints-see-the-gap", "Press play")
    app.click("pg-play")
    wait_text(app, ".pg-task-status-see-the-gap", "Done")
    app.click("pg-play")
    wait_text(app, ".pg-progress-text", "1 of 3 tasks done")
    progress = stored(app, "overfitting")
    assert progress["tasks"]["see-the-gap"] == {
        "done": True,
        "done_epoch": progress["tasks"]["see-the-gap"]["done_epoch"],
        "hints": 1,
    }

    # the progress survives a reload; the playground starts afresh
    page.reload(wait_until="domcontentloaded")
    app.wait_ready()
    wait_text(app, ".pg-task-status-see-the-gap", "Done")
    wait_text(app, ".pg-progress-text", "1 of 3 tasks done")
    assert "Press play" in text(app, ".pg-task-hints-see-the-gap")
    assert epoch(app, "main") == 0

    # "show me" loads the solution; training completes that task too
    app.click("pg-show-me-l1")
    wait_text(app, ".pg-task-message-l1", "press ▶ Play")
    regularization = page.locator(f"{main} .pg-regularization select").first
    page.wait_for_function("(el) => el.value === 'L1'", arg=regularization.element_handle())
    app.click("pg-play")
    wait_text(app, ".pg-task-status-l1", "Done")
    app.click("pg-play")
    wait_text(app, ".pg-progress-text", "2 of 3 tasks done")
    assert stored(app, "overfitting")["tasks"]["l1"]["done"]

    # reset progress: nothing done, nothing stored as done, the lesson's state back
    app.click("pg-reset-progress")
    wait_text(app, ".pg-progress-text", "0 of 3 tasks done")
    wait_text(app, ".pg-task-status-see-the-gap", "0 of 1 condition met")
    assert not any(t["done"] or t["hints"] for t in stored(app, "overfitting")["tasks"].values())
    assert page.locator(f"{main} .pg-learning-rate select").first.input_value() == "0.1"
    assert epoch(app, "main") == 0


def test_two_playgrounds_on_one_page_train_apart(app) -> None:
    open_lesson(app, "neuron")
    app.wait_ready()
    wait_text(app, ".pg-task-status-train", "0 of 2 conditions met")
    # hidden controls of this lesson: no layers, no activation
    assert app.page.locator("#pg-playground-main .pg-add-layer").first.is_hidden()
    assert app.page.locator("#pg-playground-circle .pg-activation").first.is_hidden()
    app.page.locator("#pg-playground-main .pg-play button").first.click()
    wait_text(app, ".pg-task-status-train", "Done")
    app.page.locator("#pg-playground-main .pg-play button").first.click()
    assert epoch(app, "main") > 0
    assert epoch(app, "circle") == 0  # its frames went to its own views only
    assert "Done" not in text(app, ".pg-task-status-circle")
    app.click("pg-show-me-circle")
    app.page.locator("#pg-playground-circle .pg-play button").first.click()
    wait_text(app, ".pg-task-status-circle", "Done")
    app.page.locator("#pg-playground-circle .pg-play button").first.click()
    wait_text(app, ".pg-progress-text", "2 of 3 tasks done")


def test_the_landing_page_links_every_lesson_to_its_page(app) -> None:
    app.page.goto(app.base_url + "index.html", wait_until="load")
    links = app.page.locator(".pg-lesson a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "./lesson-overfitting.html" in hrefs and len(hrefs) >= 4
    item = app.page.locator(".pg-lesson", has=app.page.locator("a[href='./lesson-neuron.html']"))
    assert "beginner · 15 min" in item.inner_text()
    schema = app.page.evaluate("fetch('./lessons/schema.json').then((r) => r.json())")
    assert "$defs" in schema


# Everything a lesson's playground shows (canvases, controls, text; through shadow roots)
# that reaches past the playground's own box, so would be cut off or scrolled sideways.
OUTSIDE_JS = """(figure) => {
  const box = figure.getBoundingClientRect(), out = [];
  const shown = (el) => ["CANVAS", "BUTTON", "SELECT", "INPUT", "IMG", "svg"].includes(el.tagName)
    || [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && shown(el)
          && (r.right > box.right + 1 || r.left < box.left - 1)) {
        out.push(`${el.tagName}.${String(el.className).slice(0, 40)}: ${r.left}..${r.right}`);
      }
      if (el.shadowRoot) { walk(el.shadowRoot); }
    }
  };
  walk(figure);
  return out;
}"""


@pytest.mark.parametrize("width", [1100, 1400])
def test_a_lesson_playground_fits_the_page(app, width: int) -> None:
    page = app.page
    page.set_viewport_size({"width": width, "height": 900})
    open_lesson(app, "overfitting")
    app.wait_ready()
    figure = page.locator("#pg-playground-main")
    page.locator("#pg-playground-main .pg-heatmap-figure").first.wait_for()
    page.wait_for_timeout(500)  # let the layout settle
    sizes = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert sizes[0] <= sizes[1], f"the page scrolls sideways: {sizes}"
    assert figure.evaluate("(f) => f.scrollWidth <= f.clientWidth"), "the playground scrolls"
    assert figure.evaluate(OUTSIDE_JS) == []
    # the output column (loss and accuracy, heatmap, legend) and the network are on the page
    for part in ("pg-stats-box", "pg-heatmap-figure", "pg-legend", "pg-network-figure"):
        box = page.locator(f"#pg-playground-main .{part}").first.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, part
    app.screenshot(f"lesson-playground-{width}")
