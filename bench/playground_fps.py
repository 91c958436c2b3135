"""Drawn frames/s of the playground page in headless Chromium, for one or more built sites.

Serves each site given with ``--site`` (``site/`` by default) on its own loopback port and,
for each round, opens ``playground.html`` in a fresh headless Chromium profile (the
browser tests' flags and guard), presses Play on the default network (TF Playground's
2-4-2-1, one epoch per frame unless ``--hash`` / ``--speed`` say otherwise), waits
``--warmup`` seconds, then counts drawn frames (``window.pgFrames.repaints``) and epochs
over ``--seconds``; before pressing Play it counts an empty page's animation frames for
``--ceiling`` seconds in the same browser (the most frames/s any page gets right now: fewer
than 60 when the CPUs are busy).  With several sites, the rounds alternate between them
(A B A B ...), so load from other processes hits every site alike; compare medians.

    .venv/bin/python bench/playground_fps.py --site /tmp/before --site site --rounds 5 \
        [--seconds 10] [--warmup 3] [--hash 'networkShape=8,8'] [--speed 1] [--json out.json]

Each round also records the CPU time per drawn frame of the page's main thread
(threads named ``chromium``: the main threads of the renderer, browser and GPU processes;
almost all of it is the page), of the Pyodide worker (``DedicatedWorker``) and of all Chromium
processes together, read from ``/proc``: on a busy machine these move much less than the
frame rate does.  ``--quiet 0.2`` waits before each round (up to ``--quiet-wait``
seconds) until other processes use less than 20 % of the CPUs.  ``--profile`` adds the
page's main-thread busy time per frame (Chrome's ``Performance.getMetrics``: script,
layout, style and task durations; wall time).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from pgbrowser import AppPage, Server, descendant_pids, frame_ceiling, launch  # noqa: E402

REPAINTS_JS = "() => window.pgFrames ? window.pgFrames.repaints : 0"
METRICS = ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")


def epoch(app: AppPage) -> int:
    """The epoch counter shown on the page."""
    return app.number("pg-epoch")


def thread_cpu() -> dict[str, float]:
    """CPU seconds used so far by each thread name among this process's descendants.

    That is the Chromium this script launched (browser, renderer with its page and worker
    threads, GPU process) and Playwright's driver.  CPU time, unlike wall time, hardly
    depends on what other processes do at the same time.
    """
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {}
    for pid in descendant_pids():
        for task in Path(f"/proc/{pid}/task").glob("[0-9]*"):
            try:
                name, rest = (task / "stat").read_text().split(" (", 1)[1].rsplit(")", 1)
            except (OSError, ValueError):
                continue
            fields = rest.split()
            out[name] = out.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / tick
    return out


def machine_busy(seconds: float = 2.0) -> float:
    """Fraction of all CPUs busy over ``seconds`` (from /proc/stat)."""

    def read() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    total0, idle0 = read()
    time.sleep(seconds)
    total1, idle1 = read()
    return 1.0 - (idle1 - idle0) / max(total1 - total0, 1)


def wait_quiet(threshold: float, max_wait: float) -> float:
    """Wait (at most ``max_wait`` s) until other processes keep the CPUs < ``threshold`` busy."""
    deadline = time.monotonic() + max_wait
    busy = machine_busy()
    while busy > threshold and time.monotonic() < deadline:
        busy = machine_busy()
    return busy


def page_metrics(cdp: Any) -> dict[str, float]:
    """Chrome's cumulative main-thread durations (seconds) for the page."""
    got = cdp.send("Performance.getMetrics")["metrics"]
    return {m["name"]: m["value"] for m in got if m["name"] in METRICS}


def one_round(
    pw: Any, server: Server, args: argparse.Namespace, viewport: dict[str, int]
) -> dict[str, Any]:
    """Open the page in a fresh profile, play, and measure one window."""
    with tempfile.TemporaryDirectory() as profile:
        context, page, guard = launch(pw, Path(profile), (server.url,))
        try:
            page.set_viewport_size(viewport)
            app = AppPage(page, guard, server.url)
            app.open("playground.html" + (f"#{args.hash}" if args.hash else ""))
            if args.hash:
                page.wait_for_timeout(1000)
            if args.speed != "1":
                app.select("pg-speed", args.speed)
            ceiling = frame_ceiling(context, args.ceiling) if args.ceiling > 0 else None
            cdp = context.new_cdp_session(page) if args.profile else None
            if cdp is not None:
                cdp.send("Performance.enable")
            app.click("pg-play")
            page.wait_for_timeout(args.warmup * 1000)
            m0 = page_metrics(cdp) if cdp is not None else {}
            c0 = thread_cpu()
            r0, e0, t0 = page.evaluate(REPAINTS_JS), epoch(app), time.monotonic()
            page.wait_for_timeout(args.seconds * 1000)
            r1, e1, dt = page.evaluate(REPAINTS_JS), epoch(app), time.monotonic() - t0
            c1 = thread_cpu()
            m1 = page_metrics(cdp) if cdp is not None else {}
            row: dict[str, Any] = {
                "drawn_frames_per_s": round((r1 - r0) / dt, 1),
                "epochs_per_s": round((e1 - e0) / dt, 1),
                "load_average_1min": os.getloadavg()[0],
            }
            if ceiling is not None:
                row["empty_page_frames_per_s"] = ceiling
            frames = max(r1 - r0, 1)
            for name in ("chromium", "DedicatedWorker"):
                used = sum(v - c0.get(k, 0.0) for k, v in c1.items() if k.startswith(name))
                row[f"cpu_ms_per_frame_{name}"] = round(1000 * used / frames, 2)
            if args.threads:
                row["cpu_ms_per_frame_by_thread"] = {
                    k: round(1000 * (v - c0.get(k, 0.0)) / frames, 2)
                    for k, v in sorted(c1.items(), key=lambda kv: c0.get(kv[0], 0.0) - kv[1])
                    if v - c0.get(k, 0.0) > 0
                }
            row["cpu_ms_per_frame_all"] = round(
                1000 * sum(v - c0.get(k, 0.0) for k, v in c1.items()) / frames, 2
            )
            for name in m1:
                row[f"page_{name}_ms_per_frame"] = round(1000 * (m1[name] - m0[name]) / frames, 2)
            problems = guard.problems()
            if problems:
                row["guard_problems"] = problems
        finally:
            context.close()
    return row


def main(argv: list[str] | None = None) -> int:
    """Run the rounds and print one JSON line per round, then the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", action="append", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--hash", default="")
    parser.add_argument("--speed", default="1")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=720)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument(
        "--ceiling",
        type=float,
        default=3.0,
        help="seconds of an empty page's animation frames before each round (0: skip)",
    )
    parser.add_argument("--threads", action="store_true", help="CPU per frame of every thread")
    parser.add_argument(
        "--quiet",
        type=float,
        default=1.0,
        help="before each round, wait until the CPUs are less busy than this fraction",
    )
    parser.add_argument("--quiet-wait", type=float, default=120.0, help="longest wait (s)")
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    sites = [Path(s).resolve() for s in (args.site or [str(REPO / "site")])]
    servers = [Server(s) for s in sites]
    rows: dict[str, list[dict[str, Any]]] = {str(s): [] for s in sites}
    viewport = {"width": args.width, "height": args.height}
    try:
        with sync_playwright() as pw:
            for r in range(args.rounds):
                for site, server in zip(sites, servers, strict=True):
                    busy = wait_quiet(args.quiet, args.quiet_wait) if args.quiet < 1 else None
                    row = one_round(pw, server, args, viewport)
                    if busy is not None:
                        row["busy_before_round"] = round(busy, 2)
                    rows[str(site)].append(row)
                    print(json.dumps({"round": r + 1, "site": str(site), **row}), flush=True)
    finally:
        for server in servers:
            server.stop()
    summary: dict[str, Any] = {"date": time.strftime("%Y-%m-%d %H:%M"), "args": vars(args)}
    for site, site_rows in rows.items():
        summary[site] = {
            "median_drawn_frames_per_s": statistics.median(
                x["drawn_frames_per_s"] for x in site_rows
            ),
            "median_epochs_per_s": statistics.median(x["epochs_per_s"] for x in site_rows),
            "median_empty_page_frames_per_s": statistics.median(
                x.get("empty_page_frames_per_s", float("nan")) for x in site_rows
            ),
            "rounds": site_rows,
        }
        print(site, json.dumps({k: v for k, v in summary[site].items() if k != "rounds"}))
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
