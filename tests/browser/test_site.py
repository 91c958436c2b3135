"""The built site in headless Chromium: landing page, playground, errors, file://."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from pgbrowser import READY_JS, Server

pytestmark = pytest.mark.browser

IMAGE_SUM = (
    "(() => { const d = m.data.get ? m.data.get('image') : m.data.image;"
    " const a = d[0].array || d[0]; let s = 0;"
    " for (let i = 0; i < a.length; i++) { s += Math.abs(a[i]); } return s; })()"
)
# A checksum of the training points: positions and colours (noise flips labels).
POINTS_SUM = (
    "(() => { const d = (k) => m.data.get ? m.data.get(k) : m.data[k];"
    " const x = d('x'), c = d('color'); let s = 0;"
    " for (let i = 0; i < x.length; i++) { s += (x[i] + (c[i] === c[0] ? 1 : 0)) * (i + 1); }"
    " return s; })()"
)
POINTS_CHANGED = (
    "() => (m => {expr})(pyodideWorker.jsdoc.get_model_by_name('pg-points-source')) !== {before}"
)


def wait_number(app, css_class: str, predicate, timeout_s: float = 60.0) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        value = app.number(css_class)
        if predicate(value):
            return value
        assert time.monotonic() < deadline, f".{css_class} stayed at {value}"
        app.page.wait_for_timeout(100)


def test_landing_page_lists_apps_and_lessons(app, built_site: Path) -> None:
    app.page.goto(app.base_url + "index.html", wait_until="load")
    link = app.page.locator("a.pg-app-link[href='./train.html']")
    assert link.count() == 1
    lessons = sorted(
        p
        for p in (Path(__file__).parents[2] / "lessons").glob("*.md")
        if not p.name.lower().startswith("readme")
    )
    if lessons:
        assert app.page.locator(".pg-lesson").count() == len(lessons)
    else:
        assert app.page.locator(".pg-empty").inner_text() == "No lessons yet."
    assert app.page.locator("#pg-file-warning").is_hidden()
    link.click()
    app.page.wait_for_url("**/train.html")
    app.wait_ready()


def test_playground_trains_pauses_and_switches_dataset(app) -> None:
    status = app.open("train.html")
    assert [p[0] for p in status["phases"]][-1] == "ready"
    assert app.number("pg-epoch") == 0
    image0 = app.model_js("pg-image-source", IMAGE_SUM)
    points0 = app.model_js("pg-points-source", POINTS_SUM)

    app.click("pg-dataset", "xor")
    app.wait_until(POINTS_CHANGED.format(expr=POINTS_SUM, before=points0))

    app.click("pg-play")
    wait_number(app, "pg-epoch", lambda e: e >= 5)
    assert app.column_length("pg-loss-source", "epoch") >= 6
    assert app.model_js("pg-image-source", IMAGE_SUM) != pytest.approx(image0)
    assert "Pause" in app.text("pg-play")

    app.click("pg-play")  # pause
    app.page.wait_for_timeout(300)
    paused = app.number("pg-epoch")
    app.page.wait_for_timeout(1000)
    assert app.number("pg-epoch") == paused
    assert "Train" in app.text("pg-play")
    app.screenshot("playground-trained")

    app.click("pg-reset")
    wait_number(app, "pg-epoch", lambda e: e == 0)


def test_dragging_the_noise_slider_regenerates_the_data(app) -> None:
    app.open("train.html")
    points0 = app.model_js("pg-points-source", POINTS_SUM)
    before = app.text("pg-noise")
    app.drag(app.page.locator(".pg-noise .noUi-handle").first, 120)
    app.wait_until(POINTS_CHANGED.format(expr=POINTS_SUM, before=points0))
    after = app.text("pg-noise")
    assert after != before, (before, after)
    assert re.search(r"0\.[1-5]", after), after


def test_file_url_explains_that_the_site_must_be_served(browser_factory, built_site) -> None:
    for page in ("train.html", "index.html"):
        app = browser_factory(built_site.as_uri() + "/", extra_allowed=("file://",))
        app.page.goto(app.base_url + page, wait_until="load")
        if page == "index.html":
            warning = app.page.locator("#pg-file-warning")
            assert warning.is_visible()
            assert "pyplayground serve" in warning.inner_text()
            continue
        app.page.wait_for_function(READY_JS, timeout=30_000)
        error = app.page.evaluate("window.pgLoading.error")
        assert error["title"] == "This site must be served over http"
        shown = app.page.locator("#pg-loading").inner_text()
        assert "must be served over http" in shown
        assert "pyplayground serve" in shown
        app.screenshot("file-url-message")


def _serve(site: Path):
    return Server(site)


def test_install_failure_is_shown_on_the_page(browser_factory, site_copy: Path) -> None:
    pack = next((site_copy / "env").glob("*.pack.gz"))
    pack.write_bytes(pack.read_bytes()[:4096])  # a truncated download
    server = _serve(site_copy)
    try:
        app = browser_factory(server.url)
        app.guard.expect_errors = True
        app.page.goto(server.url + "train.html")
        app.page.wait_for_function(READY_JS, timeout=120_000)
        error = app.page.evaluate("window.pgLoading.error")
        assert error["title"] == "Start-up failed (install)", error
        assert "python build.py" in error["hint"]
        assert app.page.locator("#pg-loading.pg-loading-error").is_visible()
        assert "Start-up failed" in app.page.locator("#pg-loading").inner_text()
        app.screenshot("install-failure")
    finally:
        server.stop()


def _broken_wheel(wheel: Path) -> None:
    """Make ui/train_app.py raise at import (and drop its precompiled bytecode)."""
    data = io.BytesIO()
    with zipfile.ZipFile(wheel) as zin, zipfile.ZipFile(data, "w") as zout:
        for info in zin.infolist():
            if "train_app" in info.filename and info.filename.endswith(".pyc"):
                continue
            body = zin.read(info)
            if info.filename == "pyplayground/ui/train_app.py":
                body = b'raise RuntimeError("pg-test: broken app module")\n'
            zout.writestr(info, body)
    wheel.write_bytes(data.getvalue())


def test_python_exception_at_start_up_is_shown_on_the_page(
    browser_factory, site_copy: Path
) -> None:
    _broken_wheel(next((site_copy / "wheels").glob("pyplayground-*.whl")))
    server = _serve(site_copy)
    try:
        app = browser_factory(server.url)
        app.guard.expect_errors = True
        app.page.goto(server.url + "train.html")
        app.page.wait_for_function(READY_JS, timeout=120_000)
        error = app.page.evaluate("window.pgLoading.error")
        assert error["title"] == "Start-up failed (app)", error
        assert "RuntimeError: pg-test: broken app module" in error["message"]
        assert "panel serve" in error["hint"]
        shown = app.page.locator("#pg-loading").inner_text()
        assert "pg-test: broken app module" in shown
        app.screenshot("python-exception")
    finally:
        server.stop()
