"""Cold and warm load phases of built sites in headless Chromium, variants interleaved.

``python bench/load_phases.py --runs 5 /tmp/site_a /tmp/site_b`` loads ``train.html`` of
each site in turn (A B A B ...): a fresh profile (cold), then a second visit in the same
profile (warm, once the service worker has kept the files and, on a site with memory
snapshots, once the snapshot is stored: web/static/snapshot.js). Prints the median of
each phase (``window.pgLoading.phases``) per site and variant and the load average; keeps
the worker's ``pyplayground:`` console lines of each load (the bundle written, the
snapshot restored) in ``test-results/load-phases.json``. ``--page`` picks another page.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "browser"))

from pgbrowser import (  # noqa: E402
    OFFLINE_READY_JS,
    READY_JS,
    SNAPSHOT_JS,
    Server,
    launch,
    phase_times,
    record,
)

# Wait after a cold load before the warm one (PG_CACHE_WAIT_MS): V8 writes a wasm module's
# compiled code to its cache only some time after tier-up, not at once.
CACHE_WAIT_MS = int(os.environ.get("PG_CACHE_WAIT_MS", "500"))


def load(page, url: str) -> dict:
    """Open ``url`` in ``page`` and return ``window.pgLoading`` once it is interactive.

    Parameters
    ----------
    page : playwright.sync_api.Page
        The page to navigate.
    url : str
        An app page of the served site.

    Returns
    -------
    dict
        ``window.pgLoading``.

    Raises
    ------
    RuntimeError
        If the page reports a start-up error.
    """
    page.goto(url, wait_until="load")
    page.wait_for_function(READY_JS, timeout=120_000)
    status = page.evaluate("window.pgLoading")
    if status.get("error"):
        raise RuntimeError(f"{url}: {status['error']}")
    return status


def one_run(pw, site: Path, page_name: str) -> dict:
    """A cold and a warm load of ``page_name`` of ``site`` on a fresh profile.

    Parameters
    ----------
    pw : playwright.sync_api.Playwright
        The running Playwright.
    site : Path
        A built site (served on a free loopback port for this run).
    page_name : str
        The page to load, e.g. ``"train.html"``.

    Returns
    -------
    dict
        Phases of both loads, the worker's ``pyplayground:`` console lines of each, the
        snapshot messages (stored, restored) and the sizes of the profile's wasm code
        cache entries after the cold load.
    """
    server = Server(site)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="pg-bench-") as profile:
        context, page, _guard = launch(pw, Path(profile), (server.url,), route=False)
        page.on("console", lambda m: lines.append(m.text) if "pyplayground:" in m.text else None)
        snapshots = []
        try:
            cold = phase_times(load(page, server.url + page_name), digits=3)
            page.wait_for_function(OFFLINE_READY_JS, timeout=60_000)
            if (site / "static" / "snapshot.js").is_file():
                page.wait_for_function(SNAPSHOT_JS, timeout=90_000)
                snapshots.append(page.evaluate("window.pgLoading.snapshot"))
            page.wait_for_timeout(CACHE_WAIT_MS)  # Chromium writes its code cache late
            n = len(lines)
            cache = code_cache(Path(profile))
            page.goto("about:blank")
            warm_status = load(page, server.url + page_name)
            warm = phase_times(warm_status, digits=3)
            snapshots.append(warm_status.get("snapshot"))
        finally:
            context.close()
            server.stop()
    return {
        "cold": cold,
        "warm": warm,
        "cold_log": lines[:n],
        "warm_log": lines[n:],
        "snapshots": snapshots,
        "wasm_code_cache": cache,
    }


def code_cache(profile: Path) -> list[int]:
    """Sizes of the files in Chromium's wasm code cache of ``profile``, largest first.

    Parameters
    ----------
    profile : Path
        A Chromium profile folder.

    Returns
    -------
    list of int
        Byte sizes of the files under ``Default/Code Cache/wasm``.
    """
    folder = profile / "Default" / "Code Cache" / "wasm"
    return sorted((f.stat().st_size for f in folder.rglob("*") if f.is_file()), reverse=True)


def main() -> int:
    """Run the benchmark (command line: see the module docstring).

    Returns
    -------
    int
        The exit status.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sites", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--page", default="train.html")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    results: dict[str, list[dict]] = {str(s): [] for s in args.sites}
    loads = []
    with sync_playwright() as pw:
        for i in range(args.runs):
            for site in args.sites:
                r = one_run(pw, site, args.page)
                results[str(site)].append(r)
                loads.append(os.getloadavg()[0])
                print(
                    f"run {i} {site}: cold {r['cold']['total']} warm {r['warm']['total']} "
                    f"(packages {r['cold'].get('packages')} / {r['warm'].get('packages')}) "
                    f"load {loads[-1]:.1f}",
                    flush=True,
                )
                for line in r["cold_log"][-4:]:
                    print("   cold:", line)
                for line in r["warm_log"]:
                    print("   warm:", line)
    summary = {}
    for site, runs in results.items():
        summary[site] = {}
        for kind in ("cold", "warm"):
            keys = dict.fromkeys(k for r in runs for k in r[kind])  # phases in order
            summary[site][kind] = {
                k: round(statistics.median(r[kind][k] for r in runs if k in r[kind]), 3)
                for k in keys
            }
        print(site, json.dumps(summary[site]))
    print(f"load average during the runs: {min(loads):.1f}-{max(loads):.1f}")
    record("load-phases", {"summary": summary, "runs": results, "load": loads})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
