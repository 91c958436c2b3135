"""t-SNE in the browser: ours (Pyodide) against tsnejs, in the same headless Chromium run.

Run after ``python build.py`` (it needs the built ``site/``)::

    .venv/bin/python bench/tsne_browser.py [--site site] [--sizes 500,2000] [--json out.json]
                                            [--no-page] [--no-kernels] [--methods exact,fft]
                                            [--baseline OLD_TSNE_PY]

``tsnejs`` is the npm package ``tsne`` (a fork of karpathy's tsnejs, the code the Distill
article ran), installed into the ignored ``.cache/npm`` if missing.  Results, method and
machine go into ``docs/benchmarks.md`` ("t-SNE in the browser").

Two parts:

1. **Kernels** (``bench/tsne_browser.html`` in a temporary folder served on 127.0.0.1,
   with ``site/pyodide`` beside it): Pyodide 0.27.7 and tsnejs run *in the same page*, on
   the main thread, one after the other, repetition by repetition (rep 1 of ours, rep 1 of
   tsnejs, rep 2 ...).  Data: ``bench/tsne_bench.make_data`` (10 Gaussian clusters in 50-D),
   perplexity 30, epsilon 10, exaggeration 4 for 100 steps, random initial layout (the
   tsnejs schedule, which the explorer uses).  Ours: ``TSNE(...).start(X)`` timed once,
   warm-up (5 steps exact, 300 fft, then 1 s more), then 5 repetitions of
   ``step(6, compute_kl=False)``.  tsnejs: ``initDataRaw`` timed once, warm-up (3 steps,
   then up to 1 s), then 5 repetitions of 6 steps (2 at N >= 1000).  Figures are the median
   ms per step.  ``--baseline`` names another ``tsne.py`` (e.g. ``git show
   HEAD:pyplayground/tsne.py > /tmp/tsne_before.py``): its exact method runs as the case
   ``before exact`` in the same page, interleaved with the others, for a before/after
   comparison under the same load.
2. **Page** (``site/lesson-tsne.html`` itself, served on 127.0.0.1): the explorer is opened
   through its "share this view" link on a dataset of the given size, played for
   ``--seconds`` seconds from step ``--warm-steps`` (300) on, and the page's main thread
   is watched with
   ``requestAnimationFrame``: the longest gap between two frames (the UI must never block
   for more than a frame per step batch), and, from the page's Bokeh document, how many
   embedding updates (frames) arrived and how many steps each carried.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pyplayground.sitegen.serve import make_server, server_url  # noqa: E402

CHROME = os.environ.get("PG_CHROME", "/usr/lib/chromium/chromium")
TSNEJS = REPO / ".cache" / "npm" / "node_modules" / "tsne" / "tsne.js"
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
DATE = "2026-11-22"

PAGE_JS = r"""
async (cfg) => {
  const out = {rows: [], log: []};
  const t0 = performance.now();
  const py = await loadPyodide({indexURL: "./pyodide/"});
  await py.loadPackage("numpy");
  for (const f of cfg.files) {
    const text = await (await fetch("./src/" + f)).text();
    const dir = ("/src/" + f).split("/").slice(0, -1).join("/");
    py.FS.mkdirTree(dir);
    py.FS.writeFile("/src/" + f, text);
  }
  py.runPython(`
import sys
sys.path.insert(0, "/src")
import numpy as np
import tsne_bench
from pyplayground.tsne import TSNE
if ${cfg.baseline ? "True" : "False"}:
    from tsne_before import TSNE as TSNE_BEFORE
`);
  out.log.push(`pyodide ready in ${(performance.now() - t0).toFixed(0)} ms`);
  const now = () => performance.now();
  const median = (a) => {
    const s = [...a].sort((x, y) => x - y);
    return s[Math.floor(s.length / 2)];
  };
  for (const n of cfg.sizes) {
    py.runPython(`X = tsne_bench.make_data(${n})`);
    const Xjs = py.globals.get("X").toJs();  // an array of Float64Array rows
    const X = Array.from(Xjs, (row) => Array.from(row));
    const cases = [];
    const variants = cfg.methods.map((m) => ["ours", "TSNE", m]);
    if (cfg.baseline && cfg.methods.includes("exact")) {
      variants.push(["before", "TSNE_BEFORE", "exact"]);
    }
    for (const [who, cls, method] of variants) {
      if (method === "exact" && n > cfg.exact_max) continue;
      const st = `st_${who}_${method}`;
      let t = now();
      py.runPython(`${st} = ${cls}(method="${method}", perplexity=30, early_exaggeration=4,
          n_iter_early_exag=100, learning_rate=10, init="random", random_state=0).start(X)`);
      const start = now() - t;
      py.runPython(`${st}.step(${method === "fft" ? 300 : 5}, compute_kl=False)`);
      const until = now() + 1000;
      while (now() < until) { py.runPython(`${st}.step(1, compute_kl=False)`); }
      const code = `${st}.step(6, compute_kl=False)`;
      cases.push({name: `${who} ${method}`, start, per: 6, reps: [],
                  run: () => py.runPython(code)});
    }
    if (n <= cfg.tsnejs_max) {
      const T = new tsnejs.tSNE({epsilon: 10, perplexity: 30, dim: 2});
      let t = now();
      T.initDataRaw(X);
      const start = now() - t;
      for (let i = 0; i < 3; i++) T.step();
      const until = now() + 1000;
      while (now() < until) { T.step(); }
      const per = n >= 1000 ? 2 : 6;
      cases.push({name: "tsnejs", start, per, reps: [],
                  run: () => { for (let i = 0; i < per; i++) T.step(); }});
    }
    for (let rep = 0; rep < cfg.reps; rep++) {
      for (const c of cases) {
        const t = now();
        c.run();
        c.reps.push((now() - t) / c.per);
      }
    }
    for (const c of cases) {
      out.rows.push({case: c.name, n, ms_per_step: median(c.reps), reps_ms: c.reps,
                     start_ms: c.start});
    }
  }
  return out;
}
"""

WATCH_JS = r"""
async ([seconds, stepName, sourceName]) => {
  const doc = pyodideWorker.jsdoc;
  const counter = doc.get_model_by_name(stepName);
  const stepText = () => {
    const m = counter.text.replace(/<[^>]*>/g, " ").replace(/,/g, "").match(/\d+/);
    return m ? parseInt(m[0]) : -1;
  };
  const src = doc.get_model_by_name(sourceName);
  let changes = 0, dataChanges = 0;
  src.change.connect(() => { changes += 1; });
  src.properties.data.change.connect(() => { dataChanges += 1; });
  const gaps = [];
  let last = performance.now();
  let running = true;
  const frame = (t) => {
    gaps.push(t - last);
    last = t;
    if (running) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const step0 = stepText();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const wall = performance.now() - t0;
  const step1 = stepText();
  gaps.sort((a, b) => a - b);
  const pct = (p) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))];
  return {wall_ms: wall, steps: step1 - step0, updates: Math.max(changes, dataChanges),
          frames: gaps.length,
          gap_max_ms: gaps[gaps.length - 1], gap_p99_ms: pct(0.99), gap_p50_ms: pct(0.5),
          gaps_over_50ms: gaps.filter((g) => g > 50).length};
}
"""


def _ensure_tsnejs() -> Path:
    if not TSNEJS.is_file():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed to install tsnejs (npm package 'tsne')")
        subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(TSNEJS.parents[3]),
             "tsne@1.0.1"],
            check=True,
        )  # fmt: skip
    return TSNEJS


def _kernel_folder(site: Path, baseline: Path | None = None) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="tsne-browser-"))
    (tmp / "pyodide").symlink_to((site / "pyodide").resolve(), target_is_directory=True)
    shutil.copy(_ensure_tsnejs(), tmp / "tsne.js")
    src = tmp / "src" / "pyplayground"
    src.mkdir(parents=True)
    (src / "__init__.py").write_text("")
    shutil.copy(REPO / "pyplayground" / "tsne.py", src / "tsne.py")
    shutil.copy(REPO / "bench" / "tsne_bench.py", tmp / "src" / "tsne_bench.py")
    if baseline is not None:
        shutil.copy(baseline, tmp / "src" / "tsne_before.py")
    (tmp / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>t-SNE bench</title>"
        "<link rel='icon' href='data:,'>"
        "<script src='./pyodide/pyodide.js'></script><script src='./tsne.js'></script>"
        "<body>t-SNE browser benchmark</body>"
    )
    return tmp


def _serve(folder: Path) -> tuple[Any, str]:
    import threading

    httpd = make_server(folder, port=0, quiet=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, server_url(httpd)


def _launch(pw: Any, profile: Path) -> tuple[Any, Any]:
    context = pw.chromium.launch_persistent_context(
        str(profile), executable_path=CHROME, headless=True, args=CHROME_ARGS,
        viewport={"width": 1280, "height": 900},
    )  # fmt: skip
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors  # type: ignore[attr-defined]
    return context, page


def run_kernels(
    pw: Any,
    site: Path,
    sizes: list[int],
    reps: int,
    methods: tuple[str, ...] = ("exact", "fft"),
    baseline: Path | None = None,
) -> dict[str, Any]:
    """Part 1: ours (and ``baseline``'s exact method) and tsnejs per step, in one page."""
    folder = _kernel_folder(site, baseline)
    httpd, url = _serve(folder)
    try:
        context, page = _launch(pw, folder / "profile")
        page.goto(url + "index.html", wait_until="load")
        cfg = {
            "sizes": sizes,
            "methods": list(methods),
            "baseline": baseline is not None,
            "exact_max": 2000,
            "tsnejs_max": 2000,
            "reps": reps,
            "files": ["pyplayground/__init__.py", "pyplayground/tsne.py", "tsne_bench.py"]
            + (["tsne_before.py"] if baseline is not None else []),
        }
        result = page.evaluate(PAGE_JS, cfg)
        result["user_agent"] = page.evaluate("navigator.userAgent")
        result["errors"] = list(page.errors)
        context.close()
        return result
    finally:
        httpd.shutdown()
        shutil.rmtree(folder, ignore_errors=True)


def _explore_link(**settings: Any) -> tuple[str, str]:
    from pyplayground.lessons import Lesson
    from pyplayground.sitegen.lessons import compile_lesson
    from pyplayground.ui.tsne.share import encode_hash, state_tag
    from pyplayground.widgets.tsne import KIND

    lesson = Lesson.from_dict(compile_lesson(REPO / "lessons" / "05-tsne.md"))
    initial = KIND.state(dict(lesson.widgets["explore"].state))
    tag = state_tag(initial)
    return "#" + encode_hash(KIND.state(settings), tag), tag


PAGE_CASES = {
    "gaussian cloud, 500 points, 100-D, exact": {
        "dataset": "gaussian_cloud", "n_points": 500, "dim": 100, "perplexity": 30,
        "pause_at": 0,
    },
    "digits, 1,797 points, 64-D, fft": {
        "dataset": "digits", "n_points": 1797, "perplexity": 30, "pause_at": 0,
    },
}  # fmt: skip


def run_page(pw: Any, site: Path, seconds: float, warm_steps: int) -> list[dict[str, Any]]:
    """Part 2: the lesson page's explorer while it plays."""
    httpd, url = _serve(site)
    rows = []
    try:
        for name, settings in PAGE_CASES.items():
            profile = Path(tempfile.mkdtemp(prefix="tsne-page-"))
            context, page = _launch(pw, profile)
            link, tag = _explore_link(**settings)
            source = f"pg-tsne-embedding-source-{tag}"
            page.goto(url + "lesson-tsne.html" + link, wait_until="load")
            page.wait_for_function(
                "() => window.pgLoading && (window.pgLoading.ready || window.pgLoading.error)",
                timeout=180_000,
            )
            play = page.locator("#pg-widget-explore .pg-tsne-play button").first
            n_points = 500 if settings["dataset"] == "gaussian_cloud" else settings["n_points"]
            page.wait_for_function(  # the link is applied once the page has rendered
                "([name, n]) => { const d = pyodideWorker.jsdoc.get_model_by_name(name);"
                " return d && d.data.x && d.data.x.length === n; }",
                arg=[source, n_points],
                timeout=120_000,
            )
            names = [seconds / 2, f"pg-tsne-step-{tag}", source]
            idle = page.evaluate(WATCH_JS, names)  # the page before play: the baseline
            play.click()
            # past the first steps (one per frame) and the fft's early expansion, whose grid
            # changes every step: the kernel benchmark also warms up 300 steps
            page.wait_for_function(
                "([name, k]) => { const t = pyodideWorker.jsdoc.get_model_by_name(name).text;"
                " return parseInt(t.replace(/<[^>]*>/g, ' ').replace(/,/g, '')"
                ".match(/\\d+/)[0]) >= k; }",
                arg=[f"pg-tsne-step-{tag}", warm_steps],
                timeout=300_000,
                polling=200,
            )
            row = page.evaluate(WATCH_JS, [seconds, *names[1:]])
            row["idle"] = {k: idle[k] for k in ("gap_p50_ms", "gap_p99_ms", "gap_max_ms")}
            play.click()
            row["case"] = name
            row["ms_per_step_wall"] = row["wall_ms"] / max(row["steps"], 1)
            row["steps_per_update"] = row["steps"] / max(row["updates"], 1)
            row["errors"] = list(page.errors)
            rows.append(row)
            context.close()
            shutil.rmtree(profile, ignore_errors=True)
    finally:
        httpd.shutdown()
    return rows


def _table(result: dict[str, Any]) -> str:
    lines = []
    k = result.get("kernels")
    if k:
        lines.append("| case | N | ms/step (median) | reps | start ms |")
        lines.append("|---|---:|---:|---|---:|")
        for r in k["rows"]:
            reps = ", ".join(f"{t:.2f}" for t in r["reps_ms"])
            lines.append(
                f"| {r['case']} | {r['n']} | {r['ms_per_step']:.2f} | {reps} "
                f"| {r['start_ms']:.0f} |"
            )
    for r in result.get("page", []):
        lines.append(
            f"page: {r['case']}: {r['steps']} steps in {r['wall_ms'] / 1000:.1f} s = "
            f"{r['ms_per_step_wall']:.2f} ms/step; {r['updates']} updates "
            f"({r['steps_per_update']:.1f} steps each); rAF frames {r['frames']}, gap "
            f"p50 {r['gap_p50_ms']:.1f} / p99 {r['gap_p99_ms']:.1f} / max {r['gap_max_ms']:.1f} ms"
            f" (idle page: p99 {r['idle']['gap_p99_ms']:.1f} / max {r['idle']['gap_max_ms']:.1f})"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: see the module docstring."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--site", type=Path, default=REPO / "site")
    ap.add_argument("--sizes", default="500,2000")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seconds", type=float, default=8.0)
    ap.add_argument("--warm-steps", type=int, default=300)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-page", action="store_true")
    ap.add_argument("--no-kernels", action="store_true")
    ap.add_argument("--methods", default="exact,fft", help="our methods in the kernel part")
    ap.add_argument("--baseline", type=Path, help="an older tsne.py: its exact method as well")
    args = ap.parse_args(argv)
    if not (args.site / "lesson-tsne.html").is_file():
        raise SystemExit(f"{args.site} has no lesson-tsne.html: run `python build.py` first")
    from playwright.sync_api import sync_playwright

    result: dict[str, Any] = {
        "date": DATE,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_start": [round(v, 2) for v in os.getloadavg()],
        },
    }
    t = time.time()
    with sync_playwright() as pw:
        if not args.no_kernels:
            sizes = [int(s) for s in args.sizes.split(",")]
            methods = tuple(args.methods.split(","))
            result["kernels"] = run_kernels(pw, args.site, sizes, args.reps, methods, args.baseline)
        if not args.no_page:
            result["page"] = run_page(pw, args.site, args.seconds, args.warm_steps)
    result["machine"]["loadavg_end"] = [round(v, 2) for v in os.getloadavg()]
    result["seconds"] = round(time.time() - t, 1)
    print(_table(result))
    print(f"# load average {result['machine']['loadavg_start']} -> "
          f"{result['machine']['loadavg_end']}; {result['seconds']} s")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    for part in (result.get("kernels", {}), *result.get("page", [])):
        if part.get("errors"):
            print("console errors:", part["errors"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
