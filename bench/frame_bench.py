"""The playground's per-frame Python work, without the UI: training, loss pass, heatmaps.

Run natively::

    .venv/bin/python bench/frame_bench.py [--reps 7] [--min-time 0.2] [--json out.json]

or inside Pyodide under Node (``node bench/frame_pyodide.mjs``, which writes this file and
the ``pyplayground`` package into Pyodide's file system and calls :func:`run_all`).

A :class:`~pyplayground.playground.Playground` with TF Playground's defaults (circle, 500
points, 50 % training data, 2-4-2-1 tanh, batch 10, learning rate 0.03) or the largest net
(``--net max``: 7 features, 6 x 8 hidden).  Cases, in ms per call:

* ``step(1)``: one UI frame's training, ``Playground.step(1)`` (one epoch of 25 SGD steps,
  the NaN guard, the loss/accuracy pass over train + test);
* ``epoch``: ``Trainer._run_epoch`` alone (the 25 steps);
* ``loss pass``: ``Trainer.evaluate`` alone;
* ``grid``: ``Playground.grid(100)``, every neuron's 100 x 100 heatmap (float32).

Every figure is the median of ``--reps`` repetitions of at least ``--min-time`` seconds,
interleaved across cases, after ``--prewarm`` seconds of ``step(1)`` + ``grid`` (wasm
tier-up).  :func:`run_all` can time several copies of the package in one process (the
Pyodide runner's ``--src``), interleaved, so that before/after comparisons share the load.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import pyplayground  # noqa: F401
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

MAX_FEATURES = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
NETS = {
    "default": {},
    "max": {"network_shape": (8,) * 6, "features": MAX_FEATURES},
}


def _time(fn: Callable[[], Any], min_time: float) -> float:
    """Ms per call of ``fn``, over at least ``min_time`` seconds."""
    n, t0 = 0, time.perf_counter()
    while True:
        fn()
        n += 1
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return 1000 * dt / n


def make_cases(package: str, net: str) -> dict[str, Callable[[], Any]]:
    """The timed calls on a fresh playground of ``package`` (a copy of ``pyplayground``)."""
    playground = importlib.import_module(f"{package}.playground")
    state = importlib.import_module(f"{package}.state")
    pg = playground.Playground(state.PlaygroundState(**NETS[net]))
    tr = pg.trainer
    return {
        "step(1)": lambda: pg.step(1),
        "epoch": tr._run_epoch,
        "loss pass": tr.evaluate,
        "grid": lambda: pg.grid(100),
    }


def run_all(
    reps: int = 7,
    min_time: float = 0.2,
    prewarm: float = 2.0,
    nets: tuple[str, ...] = ("default",),
    packages: tuple[str, ...] = ("pyplayground",),
) -> dict[str, Any]:
    """Median ms per call of every case, per package and net.

    Several packages (e.g. the previous commit's ``pyplayground`` copied under another
    name) are timed in the same process, their repetitions interleaved with every case's.
    """
    cases = {(pkg, net): make_cases(pkg, net) for pkg in packages for net in nets}
    for fns in cases.values():
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < prewarm:
            fns["step(1)"]()
            fns["grid"]()
    runs: dict[tuple[str, str, str], list[float]] = {}
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(reps):
            for (pkg, net), fns in cases.items():
                for case, fn in fns.items():
                    runs.setdefault((pkg, net, case), []).append(_time(fn, min_time))
    results: dict[str, Any] = {}
    for (pkg, net, case), values in runs.items():
        results.setdefault(pkg, {}).setdefault(net, {})[case] = round(statistics.median(values), 4)
    return {
        "platform": sys.platform,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "results": results,
    }


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--min-time", type=float, default=0.2)
    parser.add_argument("--prewarm", type=float, default=1.0)
    parser.add_argument("--net", action="append", choices=sorted(NETS))
    parser.add_argument("--json", default=None)
    args = parser.parse_args(argv)
    result = run_all(args.reps, args.min_time, args.prewarm, tuple(args.net or ["default"]))
    print(json.dumps(result, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
