"""Engine benchmark: training throughput and heatmap-grid evaluation.

Run natively::

    .venv/bin/python bench/engine_bench.py [--json out.json] [--reps 7] [--min-time 0.2]

The same module runs unchanged inside Pyodide (``bench/pyodide_bench.mjs`` writes it
into Pyodide's file system and calls :func:`run_all`); PyTorch is imported lazily and
skipped where it is missing.

What is measured (see ``docs/benchmarks.md`` for the results):

* **Training**, TF Playground's default net (2-4-2-1, inputs x1, x2) and its largest
  (7 features, 6 x 8 hidden), tanh everywhere, 250 training samples of circle data,
  batch 10, SGD lr 0.03, 0.5 * MSE loss: one optimizer step per batch, 25 per epoch.

  - ``ours loop``: ``Network.accumulate_grad`` + ``SGD.update`` per pre-sliced batch;
    exactly the work the PyTorch loop below does (the like-for-like row).
  - ``ours Trainer.step(25)``: the public API, 25 epochs per call (adds the per-epoch
    NaN guard and one loss/accuracy pass over 500 samples per call).
  - ``ours Trainer.step(1)``: one epoch plus the loss pass, i.e. one UI frame's training.
  - ``torch f64/f32, 1 thread / default threads``: ``nn.Sequential`` of ``nn.Linear`` +
    ``nn.Tanh``, ``torch.optim.SGD``, ``0.5 * F.mse_loss``; ``zero_grad``, forward,
    backward, ``step`` per pre-sliced batch.

* **Grid**: ``evaluate_grid`` on the 100 x 100 heatmap grid (10,000 points), every
  neuron's output, float32 and float64; the feature grid is precomputed (it is constant
  across frames), its construction is timed separately.

Every figure is the median of ``--reps`` repetitions (default 7), each running the
operation repeatedly for at least ``--min-time`` seconds, after a warm-up; the repetitions
of the cases in one table are interleaved so that load from other processes hits them alike.
"""

from __future__ import annotations

import argparse
import gc
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

from pyplayground.engine import SGD, build_mlp, evaluate_grid
from pyplayground.trainer import TrainConfig, Trainer

DATE = "2026-11-22"
SEED = 12345
N_SAMPLES = 500  # TF Playground default: 500 points, 50 % train
BATCH = 10
LR = 0.03
GRID_N = 100

# TF Playground, Node v20 nn.ts without UI, quietest run (docs/benchmarks.md, reference §6b)
TF_REFERENCE = {
    # frame_ms = training epoch + loss over train+test + all-neuron 100x100 heatmaps
    "default": {"train_epochs_per_s": 7700.0, "grid_ms": 3.48, "frame_ms": 0.130 + 0.137 + 3.48},
    "max": {"train_epochs_per_s": 590.0, "grid_ms": 43.6, "frame_ms": 1.69 + 1.46 + 43.6},
}

ALL_FEATURES = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")
NETS: dict[str, dict[str, Any]] = {
    "default": {"features": ("x", "y"), "hidden": (4, 2), "label": "2-4-2-1"},
    "max": {"features": ALL_FEATURES, "hidden": (8,) * 6, "label": "7-8x6-1"},
}

IN_PYODIDE = sys.platform == "emscripten"


# ----------------------------------------------------------------------------- data
def _features(points: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """TF Playground's input features (same formulas as ``pyplayground.features``)."""
    x1, x2 = points[:, 0], points[:, 1]
    fns = {
        "x": lambda: x1,
        "y": lambda: x2,
        "xSquared": lambda: x1 * x1,
        "ySquared": lambda: x2 * x2,
        "xTimesY": lambda: x1 * x2,
        "sinX": lambda: np.sin(x1),
        "sinY": lambda: np.sin(x2),
    }
    return np.column_stack([fns[n]() for n in names])


def _circle(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TF Playground's circle data, noise 0: disc r < 2.5 (+1), ring 3.5..5 (-1)."""
    n_in = (n + 1) // 2
    r = np.concatenate([rng.uniform(0, 2.5, n_in), rng.uniform(3.5, 5.0, n - n_in)])
    ang = rng.uniform(0, 2 * np.pi, n)
    pts = np.column_stack([r * np.sin(ang), r * np.cos(ang)])
    y = np.where(r < 2.5, 1.0, -1.0)
    order = rng.permutation(n)
    return pts[order], y[order]


def _grid_points(n: int = GRID_N, extent: float = 6.0) -> np.ndarray:
    s = np.linspace(-extent, extent, n)
    rows, cols = np.meshgrid(s[::-1], s, indexing="ij")
    return np.column_stack([cols.ravel(), rows.ravel()])


class Problem:
    """One benchmark configuration: data, a fresh network, batches and the grid."""

    def __init__(self, name: str) -> None:
        spec = NETS[name]
        self.name = name
        self.label = spec["label"]
        self.features = spec["features"]
        self.hidden = spec["hidden"]
        rng = np.random.default_rng(SEED)
        pts, y = _circle(N_SAMPLES, rng)
        X = _features(pts, self.features)
        half = N_SAMPLES // 2
        self.X_train, self.y_train = X[:half], y[:half]
        self.X_test, self.y_test = X[half:], y[half:]
        self.grid = _features(_grid_points(), self.features)

    def network(self):
        return build_mlp(
            len(self.features),
            self.hidden,
            1,
            activation="tanh",
            problem="classification",
            rng=np.random.default_rng(SEED),
        )

    def batches(self, dtype=np.float64) -> list[tuple[np.ndarray, np.ndarray]]:
        X = self.X_train.astype(dtype)
        y = self.y_train.astype(dtype).reshape(-1, 1)
        return [(X[i : i + BATCH], y[i : i + BATCH]) for i in range(0, len(X), BATCH)]

    @property
    def steps_per_epoch(self) -> int:
        return -(-len(self.X_train) // BATCH)


# ---------------------------------------------------------------------------- timing
class Case:
    """A timed operation: ``fn`` is called repeatedly; ``setup`` runs untimed before each
    repetition (e.g. ``torch.set_num_threads``); one call of ``fn`` does ``units`` epochs."""

    def __init__(
        self, fn: Callable[[], object], setup: Callable[[], object] | None = None, units: int = 1
    ) -> None:
        self.fn, self.setup, self.units = fn, setup, units


def measure_many(
    cases: dict[str, Case], *, reps: int, min_time: float, warmup: float
) -> dict[str, dict[str, Any]]:
    """Median seconds per call of each case over ``reps`` repetitions.

    Each case first runs for ``warmup`` seconds (wasm JIT tier-up in Pyodide, caches,
    torch's lazy init), which also calibrates how many calls one repetition makes so it
    lasts at least ``min_time`` seconds.  The repetitions are then *interleaved* (rep 1
    of every case, then rep 2, ...), so a burst of load from other processes hits every
    case alike and the ratios between cases stay fair on a shared machine.
    """
    calls_per_rep: dict[str, int] = {}
    for name, case in cases.items():
        if case.setup:
            case.setup()
        fn = case.fn
        fn()
        t0 = time.perf_counter()
        calls = 0
        while True:
            fn()
            calls += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= warmup and calls >= 3:
                break
        calls_per_rep[name] = max(1, int(min_time / (elapsed / calls) + 0.999))
    times: dict[str, list[float]] = {name: [] for name in cases}
    cpu: dict[str, float] = dict.fromkeys(cases, 0.0)
    wall: dict[str, float] = dict.fromkeys(cases, 0.0)
    for _ in range(reps):
        for name, case in cases.items():
            if case.setup:
                case.setup()
            fn, n = case.fn, calls_per_rep[name]
            fn()  # untimed: the previous case may have evicted this one's caches
            c0, t0 = _cpu_times(), time.perf_counter()
            for _ in range(n):
                fn()
            dt = time.perf_counter() - t0
            cpu[name] += _cpu_times() - c0
            wall[name] += dt
            times[name].append(dt / n)
    return {
        name: {
            "median_s": statistics.median(times[name]),
            "min_s": min(times[name]),
            "max_s": max(times[name]),
            "calls_per_rep": calls_per_rep[name],
            "reps": reps,
            # < 1: this process did not get a whole core (a busy machine); > 1: threads.
            # In Pyodide this is the whole Node process (process.cpuUsage).
            "cpu_over_wall": round(cpu[name] / wall[name], 3),
            # CPU seconds per call: less sensitive than wall time to other processes
            # taking turns on the cores (still sensitive to shared caches)
            "cpu_s_per_call": cpu[name] / (reps * calls_per_rep[name]),
        }
        for name in cases
    }


def measure(
    fn: Callable[[], object], *, reps: int, min_time: float, warmup: float
) -> dict[str, Any]:
    """:func:`measure_many` for one function."""
    return measure_many({"fn": Case(fn)}, reps=reps, min_time=min_time, warmup=warmup)["fn"]


def _cpu_times() -> float:
    """CPU seconds used by this process (inside Pyodide: by the Node process)."""
    if IN_PYODIDE:
        import js  # type: ignore[import-not-found]

        usage = js.process.cpuUsage()
        return (usage.user + usage.system) / 1e6
    return time.process_time()


# -------------------------------------------------------------------------- training
def ours_train_cases(prob: Problem) -> dict[str, Case]:
    net = prob.network()
    opt = SGD(net.n_params)
    params, grads = net.params, net.grads
    batches = prob.batches()

    def loop_epoch() -> None:
        for xb, yb in batches:
            net.accumulate_grad(xb, yb)
            opt.update(params, grads, LR, None)

    cases = {"ours loop": Case(loop_epoch)}
    cfg = TrainConfig(learning_rate=LR, batch_size=BATCH)
    for epochs in (25, 1):
        tr = Trainer(
            prob.network(), prob.X_train, prob.y_train, prob.X_test, prob.y_test, config=cfg
        )
        cases[f"ours Trainer.step({epochs})"] = Case(
            lambda tr=tr, e=epochs: tr.step(e), units=epochs
        )
    return cases


def _rates(res: dict[str, Any], epochs_per_call: int, steps_per_epoch: int) -> dict[str, Any]:
    epoch_s = res["median_s"] / epochs_per_call
    res = dict(res)
    res["epoch_ms"] = epoch_s * 1e3
    res["epochs_per_s"] = 1.0 / epoch_s
    res["steps_per_s"] = steps_per_epoch / epoch_s
    res["samples_per_s"] = steps_per_epoch * BATCH / epoch_s
    res["best_epochs_per_s"] = epochs_per_call / res["min_s"]  # fastest repetition
    res["cpu_epochs_per_s"] = epochs_per_call / res["cpu_s_per_call"]
    return res


def torch_train_cases(prob: Problem) -> dict[str, Case]:
    import torch
    import torch.nn.functional as F

    cases: dict[str, Case] = {}
    default_threads = torch.get_num_threads()
    for dtype_name, tdtype, ndtype in (
        ("f64", torch.float64, np.float64),
        ("f32", torch.float32, np.float32),
    ):
        for threads in sorted({1, default_threads}):
            model, opt = _torch_model(prob, tdtype)
            batches = [
                (torch.from_numpy(xb.copy()), torch.from_numpy(yb.copy()))
                for xb, yb in prob.batches(ndtype)
            ]

            def epoch(model=model, opt=opt, batches=batches) -> None:
                for xb, yb in batches:
                    opt.zero_grad()
                    loss = 0.5 * F.mse_loss(model(xb), yb)
                    loss.backward()
                    opt.step()

            cases[f"torch {dtype_name} {threads} thr"] = Case(
                epoch, setup=lambda t=threads: torch.set_num_threads(t)
            )
    return cases


def train_bench(prob: Problem, kw: dict[str, Any], with_torch: bool) -> dict[str, Any]:
    cases = ours_train_cases(prob)
    default_threads = None
    if with_torch:
        import torch

        default_threads = torch.get_num_threads()
        cases.update(torch_train_cases(prob))
    try:
        res = measure_many(cases, **kw)
    finally:
        if default_threads is not None:
            torch.set_num_threads(default_threads)
    return {name: _rates(r, cases[name].units, prob.steps_per_epoch) for name, r in res.items()}


def _torch_model(prob: Problem, tdtype):
    import torch

    net = prob.network()
    mods: list[torch.nn.Module] = []
    for layer in net.layers:
        lin = torch.nn.Linear(layer.n_in, layer.n_out).to(tdtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(layer.w.T.copy()))
            lin.bias.copy_(torch.from_numpy(layer.b.copy()))
        mods += [lin, torch.nn.Tanh()]
    model = torch.nn.Sequential(*mods)
    return model, torch.optim.SGD(model.parameters(), lr=LR)


def check_same_work(prob: Problem) -> float:
    """Max |param difference| between ours and torch (float64) after 3 epochs."""
    import torch
    import torch.nn.functional as F

    net = prob.network()
    opt = SGD(net.n_params)
    model, topt = _torch_model(prob, torch.float64)
    for _ in range(3):
        for xb, yb in prob.batches():
            net.accumulate_grad(xb, yb)
            opt.update(net.params, net.grads, LR, None)
            topt.zero_grad()
            (0.5 * F.mse_loss(model(torch.from_numpy(xb)), torch.from_numpy(yb))).backward()
            topt.step()
    lins = [m for m in model if isinstance(m, torch.nn.Linear)]
    diff = 0.0
    for layer, lin in zip(net.layers, lins, strict=True):
        diff = max(diff, float(np.abs(layer.w.T - lin.weight.detach().numpy()).max()))
        diff = max(diff, float(np.abs(layer.b - lin.bias.detach().numpy()).max()))
    return diff


# ------------------------------------------------------------------------------ grid
def grid_bench(prob: Problem, kw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    net = prob.network()
    pts = _grid_points()
    cases = {
        f"evaluate_grid {dname}": Case(lambda d=dtype: evaluate_grid(net, prob.grid, dtype=d))
        for dname, dtype in (("float32", np.float32), ("float64", np.float64))
    }
    cases["feature grid (once per data/feature change)"] = Case(
        lambda: _features(pts, prob.features)
    )
    out = measure_many(cases, **kw)
    for res in out.values():
        res["ms"] = res["median_s"] * 1e3
    return out


# ----------------------------------------------------------------- per-call overhead
def micro_bench(kw: dict[str, Any]) -> dict[str, float]:
    """Microseconds per call of the NumPy operations one training step is made of."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((10, 8))
    w = rng.standard_normal((8, 8))
    b = rng.standard_normal(8)
    dw = np.empty((8, 8))
    db = np.empty(8)
    p = rng.standard_normal(433)
    g = rng.standard_normal(433)
    big = rng.standard_normal((8, 10_000)).astype(np.float32)
    tmp = np.empty_like(big)

    def tanh_via_exp() -> None:  # tanh(x) = 2 / (1 + exp(-2x)) - 1
        np.multiply(big, np.float32(-2.0), tmp)
        np.exp(tmp, tmp)
        np.add(tmp, np.float32(1.0), tmp)
        np.divide(np.float32(2.0), tmp, tmp)
        np.subtract(tmp, np.float32(1.0), tmp)

    cases: dict[str, Callable[[], object]] = {
        "x @ w  (10x8 @ 8x8)": lambda: x @ w,
        "z += b  (10x8)": lambda: np.add(x, b, out=x),
        "np.tanh(z)  (10x8)": lambda: np.tanh(x),
        "1 - a*a  (2 ufuncs, 10x8)": lambda: 1.0 - x * x,
        "np.matmul(x.T, dz, out=dw)": lambda: np.matmul(x.T, x, out=dw),
        "np.add.reduce(dz, 0, out=db)": lambda: np.add.reduce(x, axis=0, out=db),
        "params -= lr * grads  (433)": lambda: np.subtract(p, LR * g, out=p),
        "x[i:i+10]  (slice view)": lambda: x[0:10],
        "empty Python call (lambda: None)": lambda: None,
        "np.tanh  (8x10000 float32)": lambda: np.tanh(big),
        "tanh via exp, 5 ufuncs (8x10000 f32)": tanh_via_exp,
        "w.T @ big  (8x8 @ 8x10000 f32)": lambda: w.T.astype(np.float32) @ big,
    }
    kw = dict(kw, min_time=min(kw["min_time"], 0.05), warmup=min(kw["warmup"], 0.1))
    res = measure_many({k: Case(f) for k, f in cases.items()}, **kw)
    return {k: r["median_s"] * 1e6 for k, r in res.items()}


# ---------------------------------------------------------------------------- driver
def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "date": DATE,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "platform": platform.platform(),
        "pyodide": IN_PYODIDE,
    }
    if IN_PYODIDE:
        try:
            import pyodide  # type: ignore[import-not-found]

            info["pyodide_version"] = pyodide.__version__
        except Exception:  # pragma: no cover
            pass
        return info
    try:
        with open("/proc/cpuinfo") as f:
            models = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        info["cpu"] = models[0] if models else platform.processor()
    except OSError:
        info["cpu"] = platform.processor()
    info["cpus"] = os.cpu_count()
    try:
        import torch

        info["torch"] = torch.__version__
        info["torch_default_threads"] = torch.get_num_threads()
    except ImportError:
        info["torch"] = None
    try:
        cfg = np.show_config(mode="dicts")  # type: ignore[call-arg]
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        info["blas"] = f"{blas.get('name')} {blas.get('version', '')}".strip()
    except Exception:
        pass
    return info


def _loadavg() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def run_all(
    *,
    reps: int = 7,
    min_time: float = 0.2,
    warmup: float = 0.3,
    with_torch: bool | None = None,
    nets: tuple[str, ...] = ("default", "max"),
    prewarm: float = 0.0,
    log: Callable[[str], None] = lambda s: print(s, file=sys.stderr, flush=True),
) -> dict[str, Any]:
    """Run every benchmark and return a JSON-ready dict."""
    kw = {"reps": reps, "min_time": min_time, "warmup": warmup}
    if with_torch is None:
        try:
            import torch  # noqa: F401

            with_torch = True
        except ImportError:
            with_torch = False
    settings = dict(kw, prewarm=prewarm)
    result: dict[str, Any] = {"machine": machine_info(), "settings": settings, "nets": {}}
    result["machine"]["loadavg_start"] = _loadavg()
    wall0, cpu0 = time.perf_counter(), _cpu_times()
    if prewarm > 0:  # wasm tier-up: run the hot code once before any timing
        log(f"pre-warm {prewarm} s")
        for name in nets:
            prob = Problem(name)
            tr = Trainer(prob.network(), prob.X_train, prob.y_train, prob.X_test, prob.y_test)
            t_end = time.perf_counter() + prewarm / len(nets)
            while time.perf_counter() < t_end:
                tr.step(1)
                evaluate_grid(tr.network, prob.grid)
    for name in nets:
        prob = Problem(name)
        net = prob.network()
        entry: dict[str, Any] = {
            "label": prob.label,
            "n_params": net.n_params,
            "steps_per_epoch": prob.steps_per_epoch,
            "tf_playground_node": TF_REFERENCE[name],
        }
        log(f"[{name}] training")
        entry["train"] = train_bench(prob, kw, with_torch)
        if with_torch:
            entry["torch_max_param_diff_3_epochs_f64"] = check_same_work(prob)
        log(f"[{name}] grid")
        entry["grid"] = grid_bench(prob, kw)
        result["nets"][name] = entry
    log("micro")
    result["micro_us"] = micro_bench(kw)
    wall = time.perf_counter() - wall0
    result["machine"]["loadavg_end"] = _loadavg()
    result["machine"]["cpu_over_wall"] = round((_cpu_times() - cpu0) / wall, 3)
    result["machine"]["bench_wall_s"] = round(wall, 1)
    _summarise(result)
    return result


def _summarise(result: dict[str, Any]) -> None:
    for entry in result["nets"].values():
        tr = entry["train"]
        ours = tr["ours loop"]["steps_per_s"]
        torch_rows = {k: v for k, v in tr.items() if k.startswith("torch")}
        entry["ratio_vs_torch"] = {k: ours / v["steps_per_s"] for k, v in torch_rows.items()}
        if torch_rows:
            best = max(torch_rows, key=lambda k: torch_rows[k]["steps_per_s"])
            entry["ratio_vs_fastest_torch"] = {
                "torch": best,
                "ratio": ours / tr[best]["steps_per_s"],
            }
        tf = entry["tf_playground_node"]
        entry["ratio_vs_tf_train"] = tr["ours loop"]["epochs_per_s"] / tf["train_epochs_per_s"]
        g32 = entry["grid"]["evaluate_grid float32"]["ms"]
        entry["tf_grid_over_ours_f32"] = tf["grid_ms"] / g32
        # one UI frame: one epoch + loss over train and test + every neuron's heatmap
        entry["frame_ms"] = tr["ours Trainer.step(1)"]["epoch_ms"] + g32
        entry["tf_frame_ms"] = tf["frame_ms"]


def format_table(result: dict[str, Any]) -> str:
    m = result["machine"]
    lines = []
    env = "Pyodide " + str(m.get("pyodide_version", "")) if m.get("pyodide") else "native"
    lines.append(
        f"# engine_bench ({env}) {m['date']}  python {m['python']}  numpy {m['numpy']}"
        + (f"  torch {m.get('torch')}" if m.get("torch") else "")
    )
    for k in (
        "cpu",
        "cpus",
        "blas",
        "host_cpu",
        "node",
        "loadavg_start",
        "loadavg_end",
        "cpu_over_wall",
        "bench_wall_s",
    ):
        if m.get(k) is not None:
            lines.append(f"#   {k}: {m[k]}")
    s = result["settings"]
    lines.append(
        f"#   median of {s['reps']} reps, each >= {s['min_time']} s, warm-up {s['warmup']} s"
    )
    for name, e in result["nets"].items():
        lines.append("")
        lines.append(
            f"## {name} net {e['label']} ({e['n_params']} params), "
            f"{e['steps_per_epoch']} steps/epoch, batch {BATCH}"
        )
        lines.append(
            f"| {'training':<26} | {'steps/s':>10} | {'epochs/s':>9} | "
            f"{'samples/s':>11} | {'ms/epoch':>8} | {'ours/this':>9} | {'best ep/s':>9} | "
            f"{'cpu ep/s':>9} | cpu/wall |"
        )
        widths = (28, 12, 11, 13, 10, 11, 11, 11, 10)
        lines.append("|" + "|".join("-" * w for w in widths) + "|")
        ours = e["train"]["ours loop"]["steps_per_s"]
        for k, v in e["train"].items():
            lines.append(
                f"| {k:<26} | {v['steps_per_s']:>10,.0f} | {v['epochs_per_s']:>9,.1f} | "
                f"{v['samples_per_s']:>11,.0f} | {v['epoch_ms']:>8.3f} | "
                f"{ours / v['steps_per_s']:>8.2f}x | {v['best_epochs_per_s']:>9,.1f} | "
                f"{v['cpu_epochs_per_s']:>9,.1f} | {v['cpu_over_wall']:>8} |"
            )
        tf = e["tf_playground_node"]
        lines.append(
            f"| {'TF Playground (Node, ref.)':<26} | {tf['train_epochs_per_s'] * 25:>10,.0f} | "
            f"{tf['train_epochs_per_s']:>9,.1f} | {tf['train_epochs_per_s'] * 250:>11,.0f} | "
            f"{1e3 / tf['train_epochs_per_s']:>8.3f} | {e['ratio_vs_tf_train']:>8.2f}x | "
            f"{'':>9} | {'':>9} | {'':>8} |"
        )
        if "torch_max_param_diff_3_epochs_f64" in e:
            lines.append(
                f"same-work check: max |w_ours - w_torch| after 3 epochs (f64) = "
                f"{e['torch_max_param_diff_3_epochs_f64']:.2e}"
            )
        lines.append("")
        lines.append(
            f"| {'grid 100x100, every neuron':<44} | {'ms':>8} | {'min ms':>8} | cpu/wall |"
        )
        lines.append("|" + "|".join("-" * w for w in (46, 10, 10, 10)) + "|")
        for k, v in e["grid"].items():
            lines.append(
                f"| {k:<44} | {v['ms']:>8.3f} | {v['min_s'] * 1e3:>8.3f} | "
                f"{v['cpu_over_wall']:>8} |"
            )
        lines.append(
            f"| {'TF Playground (Node, ref.)':<44} | {tf['grid_ms']:>8.3f} | {'':>8} | {'':>8} |"
        )
        lines.append(
            f"UI frame (Trainer.step(1) + evaluate_grid f32): {e['frame_ms']:.2f} ms; "
            f"TF Playground (epoch + loss + heatmaps, Node): {e['tf_frame_ms']:.2f} ms"
        )
    lines.append("")
    lines.append("## per-call cost (µs)")
    for k, v in result["micro_us"].items():
        lines.append(f"| {k:<38} | {v:>9.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--min-time", type=float, default=0.2, help="seconds per repetition")
    ap.add_argument("--warmup", type=float, default=0.3, help="warm-up seconds per case")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--net", choices=sorted(NETS), action="append", help="default: both")
    args = ap.parse_args(argv)
    result = run_all(
        reps=args.reps,
        min_time=args.min_time,
        warmup=args.warmup,
        with_torch=False if args.no_torch else None,
        nets=tuple(args.net) if args.net else ("default", "max"),
    )
    print(format_table(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    gc.collect()
    sys.exit(main())
