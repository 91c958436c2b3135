"""Adversarial-attack benchmark: what one slider move of the explorable costs.

Run natively, and optionally the same code inside Pyodide under Node::

    .venv/bin/python bench/adversarial_bench.py [--json out.json] [--reps 7] [--min-time 0.2]
    .venv/bin/python bench/adversarial_bench.py --pyodide [.cache/pyodide-0.27.7]

``--pyodide`` writes a small Node script to a temporary folder, copies ``pyplayground/``
(sources, model files, digits data) and this file into Pyodide's in-memory file system,
loads numpy with ``loadPackage`` and calls :func:`run_all` there.

Cases (shipped ``digits_mlp``, 64-32-10 ReLU; test digit 0 of the default split, a 0,
target class 1 where targeted), each a full public call including the result's
forward passes (class probabilities for both images):

* ``fgsm 1 digit``: :func:`~pyplayground.adversarial.fgsm`, eps 0.1;
* ``pgd 10 steps 1 digit``: :func:`~pyplayground.adversarial.pgd`, eps 0.1, random start;
* ``jsma pairs 1 digit``: gamma 0.2 (at most 6 pair steps), target 1;
* ``jsma single-pixel 1 digit``: gamma 0.2 (at most 12 steps), target 1;
* ``min_flip_strength 1 digit``: 64-point eps scan + bisection to 1e-4;
* ``input_gradient 1 digit``: the engine's forward + backward alone (the floor);
* ``fgsm curve 360 digits x 11 eps``: :func:`accuracy_vs_strength` for the test set;
* ``pgd 10 steps 360 digits``.

Browser targets: <= 50 ms (FGSM) and <= 300 ms (PGD) from slider to redraw; the
Adversarial Playground (Norton & Qi 2017) took 3,335 ms per request with a GPU server.
Every figure is the median of ``--reps`` repetitions of at least ``--min-time`` seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

try:
    import pyplayground  # noqa: F401
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyplayground.adversarial import accuracy_vs_strength, fgsm, jsma, min_flip_strength, pgd
from pyplayground.datasets import digits_train_test_split
from pyplayground.models import load_builtin

DATE = "2026-11-22"
IN_PYODIDE = sys.platform == "emscripten"
TARGETS_MS = {"fgsm 1 digit": 50.0, "pgd 10 steps 1 digit": 300.0}
ADVERSARIAL_PLAYGROUND_MS = 3335.0


def measure(fn: Callable[[], object], *, reps: int, min_time: float, warmup: float) -> float:
    """Median seconds per call over ``reps`` repetitions of >= ``min_time`` seconds each."""
    fn()
    t0, calls = time.perf_counter(), 0
    while (elapsed := time.perf_counter() - t0) < warmup or calls < 3:
        fn()
        calls += 1
    n = max(1, int(min_time / (elapsed / calls) + 0.999))
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(n):
            fn()
        times.append((time.perf_counter() - t) / n)
    return statistics.median(times)


def cases() -> dict[str, Callable[[], object]]:
    """The timed calls, by name."""
    model = load_builtin("digits_mlp")
    _, _, X, y = digits_train_test_split()
    x1, y1 = X[:1], y[:1]
    t1 = (y1 + 1) % 10
    rng = np.random.default_rng(0)
    eps_grid = np.linspace(0.0, 0.3, 11)
    return {
        "input_gradient 1 digit": lambda: model.input_gradient(x1, y1.astype(float)),
        "fgsm 1 digit": lambda: fgsm(model, x1, y1, 0.1),
        "pgd 10 steps 1 digit": lambda: pgd(model, x1, y1, 0.1, random_start=True, rng=rng),
        "jsma pairs 1 digit": lambda: jsma(model, x1, y1, 0.2, target=t1),
        "jsma single-pixel 1 digit": lambda: jsma(model, x1, y1, 0.2, target=t1, pairs=False),
        "min_flip_strength 1 digit": lambda: min_flip_strength(model, x1[0], int(y1[0])),
        "fgsm curve 360 digits x 11 eps": lambda: accuracy_vs_strength(
            model, X, y, "fgsm", eps_grid
        ),
        "pgd 10 steps 360 digits": lambda: pgd(model, X, y, 0.1),
    }


def run_all(reps: int = 7, min_time: float = 0.2, warmup: float = 0.3) -> dict[str, Any]:
    """Time every case; returns a JSON-ready dict (milliseconds per call)."""
    results = {}
    for name, fn in cases().items():
        sec = measure(fn, reps=reps, min_time=min_time, warmup=warmup)
        results[name] = round(sec * 1e3, 4)
        print(f"  {name:34s} {sec * 1e3:10.3f} ms", flush=True)
    model = load_builtin("digits_mlp")
    _, _, X, y = digits_train_test_split()
    res = jsma(model, X[:1], y[:1], 0.2, target=(y[:1] + 1) % 10)
    return {
        "date": DATE,
        "environment": "pyodide" if IN_PYODIDE else "native",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
        "settings": {"reps": reps, "min_time": min_time, "warmup": warmup},
        "jsma_pairs_steps_on_digit0": int(res.n_iter[0]),
        "ms": results,
    }


_NODE_RUNNER = r"""
const { createRequire } = require("node:module");
const fs = require("node:fs"), path = require("node:path");
const [dir, repo, args] = process.argv.slice(2);
function copyTree(FS, src, dst) {
  FS.mkdirTree(dst);
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name), d = `${dst}/${e.name}`;
    if (e.isDirectory()) { if (e.name !== "__pycache__") copyTree(FS, s, d); }
    else if (!e.name.endsWith(".pyc")) FS.writeFile(d, fs.readFileSync(s));
  }
}
(async () => {
  const { loadPyodide } = require(path.join(dir, "pyodide.js"));
  const py = await loadPyodide({ indexURL: dir + path.sep });
  await py.loadPackage("numpy", { messageCallback: () => {} });
  copyTree(py.FS, path.join(repo, "pyplayground"), "/b/pyplayground");
  py.FS.mkdirTree("/b/bench");
  py.FS.writeFile("/b/bench/adversarial_bench.py",
                  fs.readFileSync(path.join(repo, "bench", "adversarial_bench.py")));
  const out = py.runPython(`
import sys, json
sys.path[:0] = ["/b", "/b/bench"]
import adversarial_bench
json.dumps(adversarial_bench.run_all(**json.loads('${args}')))
`);
  console.log("RESULT " + out);
})();
"""


def run_pyodide(pyodide_dir: Path, **settings: Any) -> dict[str, Any]:
    """Run :func:`run_all` inside Pyodide under Node (needs ``node`` on PATH)."""
    import subprocess
    import tempfile

    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "runner.cjs"
        script.write_text(_NODE_RUNNER)
        cmd = ["node", str(script), str(pyodide_dir.resolve()), str(repo), json.dumps(settings)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    print("\n".join(ln for ln in proc.stdout.splitlines() if not ln.startswith("RESULT ")))
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"pyodide run failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


def main(argv: list[str] | None = None) -> int:
    """Command line: run the benchmark, print a table, optionally write JSON."""
    p = argparse.ArgumentParser(description="Time the adversarial attacks (see module doc).")
    p.add_argument("--json", help="write the results to this file")
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--min-time", type=float, default=0.2)
    p.add_argument("--warmup", type=float, default=None, help="0.3 s native, 1.0 s Pyodide")
    p.add_argument("--pyodide", nargs="?", const=".cache/pyodide-0.27.7", default=None,
                   help="also run inside Pyodide from this distribution folder")  # fmt: skip
    args = p.parse_args(argv)
    print(f"adversarial_bench {DATE}  load average {os.getloadavg()}  cpus {os.cpu_count()}")
    print("native:")
    warm = 0.3 if args.warmup is None else args.warmup
    out = {"native": run_all(args.reps, args.min_time, warm)}
    if args.pyodide:
        print(f"pyodide ({args.pyodide}):")
        warm = 1.0 if args.warmup is None else args.warmup
        out["pyodide"] = run_pyodide(
            Path(args.pyodide), reps=args.reps, min_time=args.min_time, warmup=warm
        )
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
