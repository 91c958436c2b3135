"""Slider-to-screen latency of the adversarial explorer in the browser (Pyodide worker).

Run after ``python build.py`` (it needs the built site)::

    .venv/bin/python bench/adversarial_browser.py [--site site] [--reps 30] [--drags N]
        [--json out.json]

Serves the site on 127.0.0.1 and opens ``lesson-adversarial.html`` in headless Chromium
(``/usr/lib/chromium/chromium``, fresh profile, every request kept on the loopback).  For
each case it moves the strength slider of the digits explorer and times, on the page's
own clock (``performance.now()``), from the input event to the animation frame after the
page has applied the redraw the worker sent back: new adversarial image, perturbation,
probabilities and prediction on screen (``window.pgAdv.last.painted``, set by the
explorer's page-side unpacker).

Cases (medians and p90 over ``--reps`` moves each):

* ``fgsm key``: an arrow key on the slider handle (one step of 0.005), FGSM, one digit;
* ``fgsm drag``: a mouse drag of the handle (12 moves), from the *last* move to the frame
  showing the final value (``--drags`` drags, default ``--reps``; the page posts the
  slider's values straight to the worker, one in flight at a time, see
  ``pyplayground/ui/adversarial/views.py``);
* ``pgd10 key``: the same key press with 10-step PGD;
* ``pgd11 key, curves running``: a key press (11-step PGD) while the worker computes the
  PGD accuracy-vs-strength curves of both models for 11 steps in the background (started
  by the step change just before); the longest gap between the page's animation frames
  during that time is reported too, and the same gap over 5 s with nothing running, as the
  baseline of this (headless, shared) machine.

Each move waits for the previous redraw and a 150 ms pause, so moves do not overlap.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from pgbrowser import DEEP_TEXT_JS, AppPage, Server, launch  # noqa: E402

DIGITS = "#pg-widget-digits"
# records the time of the next input event on the slider (capture phase, page clock)
ARM_JS = """() => {
  window.pgAdvT0 = null;
  const mark = (e) => { if (window.pgAdvT0 == null) { window.pgAdvT0 = e.timeStamp; } };
  if (!window.pgAdvArmed) {
    window.pgAdvArmed = true;
    document.addEventListener("keydown", (e) => { window.pgAdvT0 = e.timeStamp; }, true);
    document.addEventListener("pointermove", (e) => { window.pgAdvLastMove = e.timeStamp; },
                              true);
  }
  return window.pgAdv && window.pgAdv.last ? window.pgAdv.last.n : null;
}"""
GAP_JS = """() => {
  window.pgGap = {max: 0, last: performance.now(), run: true};
  const loop = (t) => {
    const g = window.pgGap;
    g.max = Math.max(g.max, t - g.last); g.last = t;
    if (g.run) { requestAnimationFrame(loop); }
  };
  requestAnimationFrame(loop);
}"""


def _wait_redraw(app: AppPage, n: Any, timeout_ms: int = 30_000) -> dict:
    app.page.wait_for_function(
        "(n) => window.pgAdv && window.pgAdv.last && window.pgAdv.last.n !== n"
        " && window.pgAdv.last.painted != null",
        arg=n,
        timeout=timeout_ms,
        polling=10,
    )
    app.page.wait_for_timeout(30)  # a later packet of the same move would replace `last`
    return app.page.evaluate("() => window.pgAdv.last")


PARTS: dict[str, list[dict[str, float]]] = {}


def _record(label: str, t0: float, last: dict, what: str) -> None:
    """Where the time went, on the page's clock: to the worker and back, Python's own
    share, the page's drawing; for a value posted straight to the worker also when the
    worker took it and posted the answer."""
    row = {
        f"{what} to packet on the page ms": last["received"] - t0,
        "of which Python computing + packing ms": last["py_ms"] or 0.0,
        "packet to painted frame ms": last["painted"] - last["received"],
    }
    if last.get("worker_in") is not None:
        row[f"{what} to worker taking the value ms"] = last["worker_in"] - t0
        row["worker taking the value to posting the packet ms"] = (
            last["worker_out"] - last["worker_in"]
        )
        row["posting to packet on the page ms"] = last["received"] - last["worker_out"]
    PARTS.setdefault(label, []).append(row)


def key_latency(app: AppPage, key: str, label: str = "") -> float:
    handle = app.page.locator(f"{DIGITS} .pg-adv-eps .noUi-handle").first
    n = app.page.evaluate(ARM_JS)
    handle.press(key)
    last = _wait_redraw(app, n)
    t0 = app.page.evaluate("() => window.pgAdvT0")
    _record(label, t0, last, "key")
    return float(last["painted"] - t0)


def parts_summary(label: str) -> dict[str, float]:
    rows = PARTS.get(label, [])
    keys = [k for k in rows[0] if all(k in r for r in rows)] if rows else []
    return {k: round(statistics.median(r[k] for r in rows), 1) for k in keys}


def drag_latency(app: AppPage, dx: float) -> float:
    handle = app.page.locator(f"{DIGITS} .pg-adv-eps .noUi-handle").first
    n = app.page.evaluate(ARM_JS)
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    app.page.mouse.move(x, y)
    app.page.mouse.down()
    app.page.mouse.move(x + dx, y, steps=12)
    app.page.mouse.up()
    app.page.wait_for_timeout(50)
    title = app.page.locator(f"{DIGITS} .pg-adv-eps").first.evaluate(DEEP_TEXT_JS)
    want_eps = float(re.search(r":\s*(\d+\.\d{3})", title).group(1))  # format "0.000"
    app.page.wait_for_function(
        "([n, e]) => window.pgAdv && window.pgAdv.last && window.pgAdv.last.n !== n"
        " && Math.abs(window.pgAdv.last.eps - e) < 1e-9",
        arg=[n, want_eps],
        timeout=30_000,
        polling=10,
    )
    app.page.wait_for_timeout(30)
    last = app.page.evaluate("() => window.pgAdv.last")
    t0 = app.page.evaluate("() => window.pgAdvLastMove")
    _record("fgsm drag", t0, last, "last move")
    return float(last["painted"] - t0)


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {
        "n": len(values),
        "median_ms": round(statistics.median(values), 1),
        "p90_ms": round(p90, 1),
        "min_ms": round(ordered[0], 1),
        "max_ms": round(ordered[-1], 1),
    }


def set_attack(app: AppPage, label: str) -> None:
    n = app.page.evaluate(ARM_JS)
    app.page.locator(f"{DIGITS} .pg-adv-attack button", has_text=label).first.click()
    _wait_redraw(app, n)


def run(site: Path, reps: int, drags: int | None = None) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    server = Server(site)
    out: dict[str, Any] = {}
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
            context, page, guard = launch(pw, Path(profile), (server.url,))
            app = AppPage(page, guard, server.url)
            page.goto(server.url + "lesson-adversarial.html", wait_until="domcontentloaded")
            app.wait_ready()
            page.locator(f"{DIGITS} .pg-adv-eps").first.scroll_into_view_if_needed()
            page.wait_for_timeout(15_000)  # the FGSM curves finish; the worker goes idle
            page.evaluate(GAP_JS)
            page.wait_for_timeout(5_000)
            idle_gap = page.evaluate("() => { window.pgGap.run = false; return window.pgGap.max; }")
            out["page frame gap, idle 5 s (ms)"] = round(idle_gap, 1)

            def keys(label: str) -> None:
                values = []
                for i in range(reps):
                    values.append(key_latency(app, "ArrowRight" if i % 2 else "ArrowLeft", label))
                    page.wait_for_timeout(150)
                out[label] = {**summary(values), **parts_summary(label)}
                print(label, out[label], flush=True)

            keys("fgsm key")
            values = []
            for i in range(max(3, reps if drags is None else drags)):
                values.append(drag_latency(app, 40 if i % 2 == 0 else -40))
                page.wait_for_timeout(300)
            out["fgsm drag"] = {**summary(values), **parts_summary("fgsm drag")}
            print("fgsm drag", out["fgsm drag"], flush=True)
            set_attack(app, "PGD")
            page.wait_for_timeout(20_000)  # let the PGD curves finish first
            keys("pgd10 key")
            # 11 PGD steps: a new curve job; move the slider while it computes
            n = page.evaluate(ARM_JS)
            page.locator(f"{DIGITS} .pg-adv-steps .noUi-handle").first.press("ArrowRight")
            _wait_redraw(app, n)
            page.evaluate(GAP_JS)
            t0 = time.monotonic()
            values, status = [], ""
            for i in range(reps):
                values.append(key_latency(app, "ArrowRight" if i % 2 else "ArrowLeft"))
                status = page.locator(f"{DIGITS} .pg-adv-status").first.evaluate(DEEP_TEXT_JS)
                if "done" in status:
                    break
                page.wait_for_timeout(150)
            gap = page.evaluate("() => { window.pgGap.run = false; return window.pgGap.max; }")
            out["pgd11 key, curves running"] = summary(values)
            out["page frame gap while curves run (ms)"] = round(gap, 1)
            out["curves status at the end"] = status
            out["curve seconds observed"] = round(time.monotonic() - t0, 1)
            print("curves running", out["pgd11 key, curves running"], gap, status, flush=True)
            problems = guard.problems()
            context.close()
            if problems:
                raise SystemExit("\n".join(problems))
    finally:
        server.stop()
    return out


def main(argv: list[str] | None = None) -> int:
    """Measure and print (and with ``--json`` write) the latencies."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(REPO / "site"))
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--drags", type=int, default=None, help="drags (default: --reps)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    result = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load "
        + Path("/proc/loadavg").read_text().split()[0],
        "results": run(Path(args.site), args.reps, args.drags),
    }
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
