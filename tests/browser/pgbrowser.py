"""Helpers of the browser tests: serving the site, a guarded Chromium, widget access.

Used by ``conftest.py`` (fixtures) and the test modules. Widgets are found by their stable
``pg-...`` CSS classes (Panel ``css_classes``); Playwright's CSS selectors pierce the open
shadow roots Panel and Bokeh render into.
"""

from __future__ import annotations

import dataclasses
import http.server
import itertools
import json
import os
import re
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
RESULTS = REPO / "test-results"
AXE_CORE = REPO / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
CHROME = os.environ.get("PG_CHROME", "/usr/lib/chromium/chromium")
LOAD_TIMEOUT_MS = int(float(os.environ.get("PG_LOAD_TIMEOUT_S", "120")) * 1000)
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,"
    "AutofillServerCommunication,Translate,MediaRouter",
    "--disable-component-extensions-with-background-pages",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-breakpad",
    # nothing but 127.0.0.1 resolves, so no request can leave the machine
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# Text of an element and of everything under it, through shadow roots; no <style>.
DEEP_TEXT_JS = """(element) => {
  const walk = (node) => {
    if (node.nodeType === Node.TEXT_NODE) { return node.textContent; }
    if (node.nodeName === "STYLE" || node.nodeName === "SCRIPT") { return ""; }
    let text = node.shadowRoot ? walk(node.shadowRoot) : "";
    for (const child of node.childNodes) { text += walk(child); }
    return text;
  };
  return walk(element).replace(/\\s+/g, " ").trim();
}"""
READY_JS = "() => window.pgLoading && (window.pgLoading.ready || window.pgLoading.error)"
# The page has handed its files to the service worker, or failed to (static/loading.js).
OFFLINE_READY_JS = "() => window.pgLoading.offlineReady || window.pgLoading.cached !== undefined"
# The worker has stored its memory snapshot, or failed to (static/snapshot.js).
SNAPSHOT_JS = "() => window.pgLoading.snapshot"


class Server:
    """The site served on a free loopback port, in a thread; records every response."""

    def __init__(self, site: Path) -> None:
        from pyplayground.sitegen.serve import SiteRequestHandler, make_server

        log: list[tuple[str, int]] = []
        self.log = log

        class Recording(SiteRequestHandler):
            def log_request(self, code="-", size="-") -> None:
                log.append((self.path, int(getattr(code, "value", code))))

        self.httpd: http.server.HTTPServer = make_server(
            site, port=0, quiet=True, handler_class=Recording
        )
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def errors(self) -> list[tuple[str, int]]:
        return [(p, c) for p, c in self.log if c >= 400]


@dataclasses.dataclass
class Guard:
    """What a test must not see: off-site requests, console errors, page errors."""

    allowed_prefixes: tuple[str, ...]
    offsite: list[str] = dataclasses.field(default_factory=list)
    console_errors: list[str] = dataclasses.field(default_factory=list)
    page_errors: list[str] = dataclasses.field(default_factory=list)
    expect_errors: bool = False

    def allowed(self, url: str) -> bool:
        return url.startswith(self.allowed_prefixes) or url.startswith(("data:", "blob:"))

    def problems(self) -> list[str]:
        out = [f"request left 127.0.0.1: {u}" for u in self.offsite]
        if not self.expect_errors:
            out += [f"console error: {m}" for m in self.console_errors]
            out += [f"page error: {m}" for m in self.page_errors]
        return out


class AppPage:
    """A Playwright page plus helpers for pyplayground's pages."""

    def __init__(self, page, guard: Guard, base_url: str) -> None:
        self.page = page
        self.guard = guard
        self.base_url = base_url

    # --- navigation
    def open(self, path: str = "train.html", wait: bool = True) -> dict:
        self.page.goto(self.base_url + path, wait_until="load")
        return self.wait_ready() if wait else {}

    def wait_ready(self, timeout_ms: int = LOAD_TIMEOUT_MS) -> dict:
        """Wait until the app is interactive; fail with the on-page error if it is not."""
        self.page.wait_for_function(READY_JS, timeout=timeout_ms, polling=50)
        status = self.page.evaluate("window.pgLoading")
        if status.get("error"):
            e = status["error"]
            raise AssertionError(
                f"the page shows a start-up error: {e['title']}\n{e['message']}\nhint: {e['hint']}"
            )
        return status

    # --- widgets (by pg-... class; selectors pierce shadow DOM)
    def widget(self, css_class: str):
        return self.page.locator(f".{css_class}").first

    def click(self, css_class: str, text: str | None = None) -> None:
        buttons = self.page.locator(f".{css_class} button")
        (buttons.filter(has_text=text) if text else buttons).first.click()

    def text(self, css_class: str) -> str:
        """Visible text of a widget, including what its shadow root renders."""
        return self.widget(css_class).evaluate(DEEP_TEXT_JS)

    def number(self, css_class: str) -> int:
        digits = re.findall(r"\d[\d,]*", self.text(css_class))
        assert digits, f"no number in .{css_class}: {self.text(css_class)!r}"
        return int(digits[-1].replace(",", ""))

    def select(self, css_class: str, label: str) -> None:
        self.page.locator(f".{css_class} select").first.select_option(label=label)

    def drag(self, locator, dx: float, dy: float = 0.0, steps: int = 8) -> None:
        box = locator.bounding_box()
        assert box, "nothing to drag (element not visible)"
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        self.page.mouse.move(x, y)
        self.page.mouse.down()
        self.page.mouse.move(x + dx, y + dy, steps=steps)
        self.page.mouse.up()

    # --- Bokeh document of the worker-backed page
    def model_js(self, name: str, expression: str):
        """Evaluate ``expression`` with ``m`` = the Bokeh model called ``name``."""
        return self.page.evaluate(
            "([name, expr]) => { const m = pyodideWorker.jsdoc.get_model_by_name(name);"
            " return Function('m', 'return (' + expr + ')')(m); }",
            [name, expression],
        )

    def column_length(self, source: str, column: str) -> int:
        return self.model_js(
            source, f"m.data.get ? m.data.get('{column}').length : m.data['{column}'].length"
        )

    def wait_until(self, js: str, timeout_ms: int = 30_000) -> None:
        self.page.wait_for_function(js, timeout=timeout_ms, polling=50)

    def screenshot(self, name: str) -> Path:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


def launch(playwright_instance, profile: Path, allowed: tuple[str, ...], route: bool = True):
    """A persistent context on a fresh profile, guarded; returns (context, page, guard).

    ``route=False`` leaves out Playwright's request interception, which disables the
    HTTP cache (used for load-time measurements; ``--host-resolver-rules`` still keeps
    every request on 127.0.0.1 and the request log still records any that is not).
    """
    context = playwright_instance.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROME,
        headless=True,
        args=CHROME_ARGS,
        viewport={"width": 1100, "height": 720},
    )
    guard = Guard(allowed_prefixes=allowed)

    def on_route(r) -> None:
        if guard.allowed(r.request.url):
            r.continue_()
        else:
            guard.offsite.append(r.request.url)
            r.abort()

    if route:
        context.route("**/*", on_route)
    context.on("request", lambda r: None if guard.allowed(r.url) else guard.offsite.append(r.url))
    page = context.pages[0] if context.pages else context.new_page()
    page.on("console", lambda m: guard.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: guard.page_errors.append(str(e)))
    return context, page, guard


def phase_times(status: dict, digits: int = 2) -> dict[str, float]:
    """Seconds spent in each start-up phase (``window.pgLoading.phases``), and the total."""
    marks = status["phases"]
    out = {}
    for (name, start), (_next, end) in itertools.pairwise(marks):
        out[name] = round((end - start) / 1000, digits)
    out["total"] = round(marks[-1][1] / 1000, digits)
    return out


def record(name: str, data: dict) -> Path:
    """Write measurements to test-results/<name>.json (ignored by git)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=1))
    return path


def deep_text(app: AppPage, selector: str) -> str:
    """The text of the first element matching ``selector``, shadow roots included."""
    return app.page.locator(selector).first.evaluate(DEEP_TEXT_JS)


def wait_text(app: AppPage, selector: str, expected: str, timeout_s: float = 90.0) -> str:
    """Wait until ``selector``'s text contains ``expected``; return the text."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = deep_text(app, selector)
        if expected in value:
            return value
        assert time.monotonic() < deadline, f"{selector} never said {expected!r}: {value!r}"
        app.page.wait_for_timeout(100)


def frame_ceiling(context, seconds: float = 3.0) -> float:
    """Animation frames per second of an empty page in ``context``: the most frames/s any
    page can draw in this browser on this machine right now (Chromium produces fewer than
    60 when the CPUs are busy, whatever the page does)."""
    page = context.new_page()
    try:
        page.set_content("<!doctype html><title>frames</title>")
        page.evaluate(
            "() => { window.n = 0;"
            " const f = () => { window.n += 1; requestAnimationFrame(f); };"
            " requestAnimationFrame(f); }"
        )
        page.wait_for_timeout(500)
        n0, t0 = page.evaluate("() => window.n"), time.monotonic()
        page.wait_for_timeout(seconds * 1000)
        n1, dt = page.evaluate("() => window.n"), time.monotonic() - t0
    finally:
        page.close()
    return round((n1 - n0) / dt, 1)


def descendant_pids(root: int | None = None) -> list[int]:
    """Process ids of every descendant of ``root`` (this process by default), from /proc:
    the Chromium a script launched, not other browsers on the machine."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    todo, found = list(children.get(root or os.getpid(), [])), []
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def axe_violations(app: AppPage, include: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2 A/AA violations on the page (or inside the ``include`` selectors),
    each as ``{id, impact, help, nodes}``; skips the test when axe-core is not installed."""
    import pytest

    if not AXE_CORE.is_file():
        pytest.skip(f"axe-core not found at {AXE_CORE} (npm install --prefix .cache/npm axe-core)")
    app.page.add_script_tag(path=str(AXE_CORE))
    return app.page.evaluate(
        "async (include) => { const r = await axe.run("
        "include ? {include: include.map((s) => [s])} : document,"
        " {runOnly: ['wcag2a', 'wcag2aa']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }",
        include,
    )
