"""Ten-minute soak of the playground page: is the rate steady and memory flat?

Serves a built site (``site/`` by default), opens ``playground.html`` in headless
Chromium (fresh profile, loopback-only guard), presses Play on the default network and
keeps it running for ``--minutes``.  Every minute it records drawn frames/s, epochs/s, the
summed resident memory of the Chromium it launched (browser, renderer with page and
worker, GPU and utility processes) and the page's JavaScript heap, and compares the last
minute with the first (targets: rate within 10 %, memory growth <= 10 %).

    .venv/bin/python bench/playground_soak.py [--site site] [--minutes 10] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from pgbrowser import AppPage, Server, descendant_pids, launch  # noqa: E402

REPAINTS_JS = "() => window.pgFrames ? window.pgFrames.repaints : 0"


def chromium_rss_mb() -> float:
    """Resident memory of the Chromium this script launched, in MB (from /proc; other
    browsers on the machine are not counted)."""
    total = 0
    for pid in descendant_pids():
        try:
            text = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        if "Name:\tchromium" not in text:
            continue
        for line in text.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def epoch(app: AppPage) -> int:
    return app.number("pg-epoch")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=str(REPO / "site"))
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server = Server(Path(args.site))
    rows = []
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
            context, page, guard = launch(pw, Path(profile), (server.url,))
            app = AppPage(page, guard, server.url)
            app.open("playground.html")
            cdp = context.new_cdp_session(page)
            app.click("pg-play")
            page.wait_for_timeout(3000)
            for minute in range(1, args.minutes + 1):
                r0, e0, t0 = page.evaluate(REPAINTS_JS), epoch(app), time.monotonic()
                page.wait_for_timeout(60_000)
                r1, e1, dt = page.evaluate(REPAINTS_JS), epoch(app), time.monotonic() - t0
                row = {
                    "minute": minute,
                    "drawn_frames_per_s": round((r1 - r0) / dt, 1),
                    "epochs_per_s": round((e1 - e0) / dt, 1),
                    "chromium_rss_mb": round(chromium_rss_mb(), 1),
                    # the page's JavaScript heap (the worker's Python lives in its own)
                    "page_js_heap_mb": round(
                        cdp.send("Runtime.getHeapUsage")["usedSize"] / 2**20, 1
                    ),
                    "load_average_1min": float(Path("/proc/loadavg").read_text().split()[0]),
                }
                rows.append(row)
                print(json.dumps(row), flush=True)
            problems = guard.problems() if hasattr(guard, "problems") else []
            context.close()
    finally:
        server.stop()
    first, last = rows[0], rows[-1]
    summary = {
        "rows": rows,
        "rate_change_pct": round(
            100 * (last["epochs_per_s"] - first["epochs_per_s"]) / first["epochs_per_s"], 1
        ),
        "memory_change_pct": round(
            100 * (last["chromium_rss_mb"] - first["chromium_rss_mb"]) / first["chromium_rss_mb"], 1
        ),
        "page_js_heap_change_pct": round(
            100 * (last["page_js_heap_mb"] - first["page_js_heap_mb"]) / first["page_js_heap_mb"],
            1,
        ),
        "guard_problems": problems,
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    print(json.dumps({k: v for k, v in summary.items() if k != "rows"}))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
