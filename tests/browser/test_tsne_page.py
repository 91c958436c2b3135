"""The t-SNE lesson page in Chromium: thumbnails, sliders by keyboard, play/pause, the step
counter and the plot moving, a task completed, and "share this view" reproducing the view.

The harness fails every test on a request that leaves 127.0.0.1, a console or page error,
or an HTTP error (``conftest.py``).
"""

from __future__ import annotations

import time

import pytest
from pgbrowser import deep_text as text
from pgbrowser import wait_text

from pyplayground.lessons import Lesson
from pyplayground.sitegen.lessons import compile_lesson
from pyplayground.ui.tsne.share import state_tag
from pyplayground.widgets.tsne import KIND

pytestmark = pytest.mark.browser
EXPLORE = "#pg-widget-explore"
REPO_LESSON = __import__("pathlib").Path(__file__).resolve().parents[2] / "lessons" / "05-tsne.md"


def explore_tag() -> str:
    lesson = Lesson.from_dict(compile_lesson(REPO_LESSON))
    return state_tag(KIND.state(dict(lesson.widgets["explore"].state)))


def step(app) -> int:
    digits = "".join(c for c in text(app, f"{EXPLORE} .pg-tsne-step") if c.isdigit())
    return int(digits)


def wait_step(app, at_least: int, timeout_s: float = 90.0) -> int:
    deadline = time.monotonic() + timeout_s
    while (value := step(app)) < at_least:
        assert time.monotonic() < deadline, f"the step counter stayed at {value}"
        app.page.wait_for_timeout(100)
    return value


def xs(app, tag: str) -> list[float]:
    return app.model_js(f"pg-tsne-embedding-source-{tag}", "Array.from(m.data.x)")


def press(app, css_class: str, key: str) -> None:
    handle = app.page.locator(f"{EXPLORE} .{css_class} .noUi-handle").first
    handle.focus()
    app.page.keyboard.press(key)


def test_explore_play_a_task_and_share_the_view(app) -> None:
    page = app.page
    tag = explore_tag()
    page.goto(f"{app.base_url}lesson-tsne.html", wait_until="domcontentloaded")
    assert "How to use t-SNE effectively" in page.locator("main.pg-lesson h1").inner_text()
    app.wait_ready()
    wait_text(app, ".pg-task-status-too-big", "0 of 2 conditions met")
    # the menu: every dataset as a thumbnail button, the block's dataset chosen
    assert page.locator(f"{EXPLORE} .pg-tsne-dataset").count() == 20
    assert "Two Clusters" in text(app, f"{EXPLORE} .pg-tsne-description")
    assert step(app) == 0
    app.screenshot("tsne-page-start")

    # perplexity by keyboard: End = 100 > 99 = points - 1: clamped, with a note
    press(app, "pg-tsne-perplexity", "End")
    wait_text(app, f"{EXPLORE} .pg-tsne-notes", "using 99")
    assert "perplexity%3D100" in page.locator(f"{EXPLORE} .pg-tsne-link input").input_value()

    # play: the counter runs, the layout moves, the task completes; pause stops it
    before = xs(app, tag)
    page.locator(f"{EXPLORE} .pg-tsne-play button").first.click()
    wait_step(app, 50)
    during = xs(app, tag)
    assert during != before and len(during) == 100
    wait_text(app, ".pg-task-status-too-big", "Done")
    page.locator(f"{EXPLORE} .pg-tsne-play button").first.click()
    wait_text(app, f"{EXPLORE} .pg-tsne-play", "Play")
    page.wait_for_timeout(600)
    paused = step(app)
    page.wait_for_timeout(800)
    assert step(app) == paused > 200
    app.screenshot("tsne-page-played")

    # a thumbnail switches the data: 3-D trefoil drawn with depth beside the embedding
    page.locator(f"{EXPLORE} .pg-tsne-dataset-trefoil_knot button").first.click()
    wait_text(app, f"{EXPLORE} .pg-tsne-description", "Trefoil Knot")
    title = app.model_js(f"pg-tsne-beside-{tag}", "m.title.text")
    assert "3-D" in title
    wait_text(app, f"{EXPLORE} .pg-tsne-step", "Step0")  # a new dataset starts at step 0
    press(app, "pg-tsne-n-points", "PageUp")  # 50 -> a larger knot, by keyboard
    page.wait_for_function(
        "([name]) => pyodideWorker.jsdoc.get_model_by_name(name).data.x.length > 50",
        arg=[f"pg-tsne-embedding-source-{tag}"],
        timeout=30_000,
    )
    n_points = len(xs(app, tag))
    link_input = page.locator(f"{EXPLORE} .pg-tsne-link input").first
    page.wait_for_function("(el) => el.value.includes('n_points')", arg=link_input.element_handle())
    link = link_input.input_value()
    assert link.startswith("#tsne=") and "trefoil_knot" in link
    assert f"n_points%3D{n_points}%26" in link
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    app.click("pg-tsne-copy-link")  # the link goes to the clipboard and the address bar
    page.wait_for_function("(link) => location.hash === link", arg=link)
    assert page.evaluate("navigator.clipboard.readText()") == page.url
    wait_text(app, f"{EXPLORE} .pg-tsne-copy-link-status", "Link copied ✓", timeout_s=10)
    app.screenshot("tsne-page-trefoil")

    # the shared link opens the page in the same view: dataset, sizes, perplexity
    page.goto(f"{app.base_url}lesson-tsne.html{link}", wait_until="domcontentloaded")
    app.wait_ready()
    wait_text(app, f"{EXPLORE} .pg-tsne-description", "Trefoil Knot", timeout_s=60)
    page.wait_for_function(
        "([name, n]) => pyodideWorker.jsdoc.get_model_by_name(name).data.x.length === n",
        arg=[f"pg-tsne-embedding-source-{tag}", n_points],
        timeout=30_000,
    )
    assert page.locator(f"{EXPLORE} .pg-tsne-link input").input_value() == link
    wait_text(app, f"{EXPLORE} .pg-tsne-notes", f"using {n_points - 1}")  # perplexity 100
    app.screenshot("tsne-page-shared")


def test_five_runs_and_show_me(app) -> None:
    page = app.page
    page.goto(f"{app.base_url}lesson-tsne.html", wait_until="domcontentloaded")
    app.wait_ready()
    runs = "#pg-widget-runs"
    wait_text(app, ".pg-task-status-topology", "conditions met")
    assert page.locator(f"{runs} .pg-tsne-run").count() == 5
    app.click("pg-show-me-topology")
    wait_text(app, ".pg-task-message-topology", "settings that work")
    page.locator(f"{runs} .pg-tsne-play button").first.click()
    wait_text(app, ".pg-task-status-topology", "Done", timeout_s=120)
    wait_text(app, f"{runs} .pg-tsne-step", "auto-paused")
    page.locator(runs).scroll_into_view_if_needed()
    app.screenshot("tsne-page-runs")
