"""t-SNE benchmark: time per iteration of ours (exact, fft) and scikit-learn (exact, Barnes-Hut).

Run natively (about a minute on a 2-core machine)::

    .venv/bin/python bench/tsne_bench.py [--json out.json] [--sizes 500 2000] [--iters 30]

The same module runs inside Pyodide (``node bench/tsne_pyodide.mjs``), where scikit-learn is
absent and only our rows are measured.

What is measured (results in ``docs/benchmarks.md``, section "t-SNE"):

* Data: 10 Gaussian clusters (centres ``N(0, 8²)``, unit spread) in 50 dimensions; perplexity
  30, PCA init, seed 0, learning rate "auto".
* ``start``: :meth:`TSNE.start` (input affinities, neighbour search, PCA init), once.
* ``ours exact`` / ``ours fft``: the median over 5 repetitions of ``step(6, compute_kl=False)``
  divided by 6 (30 iterations in all), after a warm-up of 300 iterations for ``fft`` (its cost
  depends on how far the embedding has spread) or 5 for ``exact`` (layout-independent), then
  at least one more second of steps (wasm JIT tier-up).
  These are full optimiser iterations: gradient, gains, momentum, re-centring.
* ``sklearn exact`` / ``sklearn barnes_hut``: scikit-learn cannot be stepped, and its fit
  needs ``max_iter >= 250``, so its per-iteration figure would be ``total / n_iter``
  including the affinities and the neighbour search.  Instead we time its objective
  (``_kl_divergence`` / ``_kl_divergence_bh``, gradient only, ``compute_error=False``,
  one thread) 5 × 6 times on the layout ``ours fft`` reached; its optimiser update adds
  well under 1 % on top.

``compare_exact`` times the exact method of two versions of the module interleaved, round by
round (``node bench/tsne_pyodide.mjs --baseline OLD_TSNE_PY``), for before/after figures.

OpenBLAS/OpenMP are limited to one thread (environment variables set before NumPy loads):
the browser has one thread too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

try:
    import pyplayground  # noqa: F401
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyplayground.tsne import TSNE  # noqa: E402

DATE = "2026-11-22"
SEED = 0
N_FEATURES = 50
PERPLEXITY = 30.0


def make_data(n: int, seed: int = SEED) -> np.ndarray:
    """10 unit Gaussian clusters in 50-D around ``N(0, 8²)`` centres."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=8.0, size=(10, N_FEATURES))
    return centres[np.arange(n) % 10] + rng.normal(size=(n, N_FEATURES))


def _median_ms(f, reps: int, per: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1e3 / per)
    return statistics.median(times), times


def bench_ours(method: str, n: int, iters: int = 30) -> dict[str, Any]:
    X = make_data(n)
    t = time.perf_counter()
    stepper = TSNE(method=method, perplexity=PERPLEXITY, random_state=SEED).start(X)
    start_ms = (time.perf_counter() - t) * 1e3
    stepper.step(300 if method == "fft" else 5, compute_kl=False)
    warm_until = time.perf_counter() + 1.0  # wasm JIT tier-up, caches, page faults
    while time.perf_counter() < warm_until:
        stepper.step(1, compute_kl=False)
    reps = 5
    per = max(1, iters // reps)
    ms, times = _median_ms(lambda: stepper.step(per, compute_kl=False), reps, per)
    t = time.perf_counter()
    stepper.kl_divergence()
    kl_ms = (time.perf_counter() - t) * 1e3
    return {
        "case": f"ours {method}",
        "n": n,
        "ms_per_iter": ms,
        "reps_ms": times,
        "start_ms": start_ms,
        "kl_eval_ms": kl_ms,
        "layout": stepper.embedding,
    }


def bench_sklearn(method: str, n: int, Y: np.ndarray, iters: int = 30) -> dict[str, Any] | None:
    try:
        from scipy.sparse import csr_matrix
        from sklearn.manifold import _t_sne
        from sklearn.neighbors import NearestNeighbors
    except ImportError:
        return None
    X = make_data(n)
    params = Y.astype(np.float32).ravel()
    if method == "exact":
        d = _sq_dist(X)
        P = _t_sne._joint_probabilities(d, PERPLEXITY, 0)

        def call():
            _t_sne._kl_divergence(params, P, 1, n, 2, compute_error=False)

    else:
        k = min(n - 1, int(3 * PERPLEXITY + 1))
        graph = NearestNeighbors(n_neighbors=k).fit(X).kneighbors_graph(mode="distance")
        graph.data **= 2
        P = csr_matrix(_t_sne._joint_probabilities_nn(graph, PERPLEXITY, 0))

        def call():
            _t_sne._kl_divergence_bh(params, P, 1, n, 2, angle=0.5, compute_error=False)

    call()  # warm-up
    per = max(1, iters // 5)
    ms, times = _median_ms(lambda: [call() for _ in range(per)], 5, per)
    return {"case": f"sklearn {method}", "n": n, "ms_per_iter": ms, "reps_ms": times}


def compare_exact(
    tsne_classes: dict[str, Any], n: int = 500, reps: int = 15, per: int = 6
) -> list[dict[str, Any]]:
    """Interleaved per-step timing of the exact method of several ``TSNE`` classes.

    For before/after comparisons under the same load (``tsne_pyodide.mjs --baseline``):
    the explorer's tsnejs-like schedule (perplexity 30, exaggeration 4 for 100 steps,
    learning rate 10, random start), 5 steps and 2 s of warm-up for all, then ``reps``
    rounds of ``step(per, compute_kl=False)``, one class after the other in each round.
    Also the median of one ``step(1)`` with the KL (``compute_kl=True``) per round.
    """
    X = make_data(n)
    steppers = {
        name: cls(
            method="exact", perplexity=PERPLEXITY, early_exaggeration=4, n_iter_early_exag=100,
            learning_rate=10, init="random", random_state=SEED,
        ).start(X)
        for name, cls in tsne_classes.items()
    }  # fmt: skip
    for st in steppers.values():
        st.step(5, compute_kl=False)
    until = time.perf_counter() + 2.0
    while time.perf_counter() < until:
        for st in steppers.values():
            st.step(1, compute_kl=False)
    times: dict[str, list[float]] = {name: [] for name in steppers}
    kl_times: dict[str, list[float]] = {name: [] for name in steppers}
    for _ in range(reps):
        for name, st in steppers.items():
            t = time.perf_counter()
            st.step(per, compute_kl=False)
            times[name].append((time.perf_counter() - t) * 1e3 / per)
        for name, st in steppers.items():
            t = time.perf_counter()
            st.step(1, compute_kl=True)
            kl_times[name].append((time.perf_counter() - t) * 1e3)
    return [
        {
            "case": f"{name} exact",
            "n": n,
            "ms_per_iter": statistics.median(times[name]),
            "reps_ms": times[name],
            "step1_with_kl_ms": statistics.median(kl_times[name]),
        }
        for name in steppers
    ]


def _sq_dist(X: np.ndarray) -> np.ndarray:
    sq = (X * X).sum(1)
    D = sq[:, None] + sq[None, :] - 2 * X @ X.T
    np.maximum(D, 0, out=D)
    np.fill_diagonal(D, 0)
    return D


def run_all(
    sizes: tuple[int, ...] = (500, 2000), iters: int = 30, with_sklearn: bool = True
) -> dict[str, Any]:
    """Run every case; returns ``{"machine": ..., "rows": [...]}`` (JSON-serialisable)."""
    rows = []
    for n in sizes:
        fft = bench_ours("fft", n, iters)
        layout = fft.pop("layout")
        exact = bench_ours("exact", n, iters)
        exact.pop("layout")
        rows += [exact, fft]
        if with_sklearn:
            for method in ("exact", "barnes_hut"):
                row = bench_sklearn(method, n, layout, iters)
                if row is not None:
                    rows.append(row)
    machine = {
        "date": DATE,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": sys.platform,
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
    }
    if sys.platform != "emscripten":  # Pyodide reports a made-up load average
        with contextlib.suppress(AttributeError, OSError):
            machine["loadavg"] = [round(v, 2) for v in os.getloadavg()]
    try:
        import sklearn

        machine["sklearn"] = sklearn.__version__
    except ImportError:
        pass
    return {"machine": machine, "rows": rows}


def format_table(result: dict[str, Any]) -> str:
    lines = [
        f"# {result['machine']}",
        f"{'case':20s} {'N':>6s} {'ms/iter':>9s} {'start ms':>9s}  reps (ms/iter)",
    ]
    for r in result["rows"]:
        start = f"{r['start_ms']:9.0f}" if "start_ms" in r else " " * 9
        reps = ", ".join(f"{t:.2f}" for t in r["reps_ms"])
        lines.append(f"{r['case']:20s} {r['n']:6d} {r['ms_per_iter']:9.2f} {start}  {reps}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--iters", type=int, default=30)
    parser.add_argument("--no-sklearn", action="store_true")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    result = run_all(tuple(args.sizes), args.iters, not args.no_sklearn)
    print(format_table(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
