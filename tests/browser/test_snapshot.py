"""Memory snapshots: a second visit restores Python instead of starting it (snapshot.js).

The machinery is checked in Pyodide under Node.js (``snapshot_harness.mjs``: numpy's
wasm modules, the files, the random generators, broken snapshots), then the whole
path in Chromium: stored after a first visit, restored on the second, a corrupted or
outdated snapshot replaced.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from pgbrowser import REPO, SNAPSHOT_JS

pytestmark = pytest.mark.browser

HARNESS = Path(__file__).with_name("snapshot_harness.mjs")
SNAPSHOT_DIR = "pyplayground-snapshots"
# The snapshot files in the origin private file system, as {name: size}.
LIST_JS = """async (dir) => {
  const root = await navigator.storage.getDirectory();
  let handle;
  try { handle = await root.getDirectoryHandle(dir); } catch (e) { return {}; }
  const out = {};
  for await (const [name, entry] of handle.entries()) { out[name] = (await entry.getFile()).size; }
  return out;
}"""
WRITE_JS = """async ([dir, name, text]) => {
  const root = await navigator.storage.getDirectory();
  const handle = await root.getDirectoryHandle(dir, {create: true});
  const writable = await (await handle.getFileHandle(name, {create: true})).createWritable();
  await writable.write(text);
  await writable.close();
}"""


@pytest.fixture(scope="module")
def harness(built_site: Path) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is needed (it also precompiles the site's Python)")
    proc = subprocess.run(
        [node, str(HARNESS), str(built_site), "train"],
        capture_output=True, text=True, timeout=300, cwd=REPO, check=False,
    )  # fmt: skip
    steps = {}
    for line in proc.stdout.splitlines():
        if line.startswith('{"step":'):
            data = json.loads(line)
            steps[data.pop("step")] = data
    assert proc.returncode == 0, f"the harness failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}"
    return steps


def test_the_snapshot_holds_numpy_modules_and_the_files_python_may_still_read(harness) -> None:
    taken = harness["taken"]
    libs = taken["libs"]
    assert len(libs) == len(set(libs)) >= 15
    assert any(name.startswith("_multiarray_umath.") for name in libs)
    assert 40 << 20 < taken["memory"] < 200 << 20
    packed = set(taken["packed"])
    site_packages = "lib/python3.12/site-packages/"
    # every wasm module is there to be instantiated again
    assert sum(p.endswith(".so") for p in packed) == len(libs)
    # modules imported before the snapshot are in its memory, not among its files
    assert taken["imported"] > 300
    for module in ("numpy/__init", "bokeh/models/__init", "pyplayground/ui/train_app"):
        assert not any(p.startswith(site_packages + module) for p in packed), module
    # modules imported later, and data files, are
    assert any(p.startswith(site_packages + "pyplayground/ui/playground/app.") for p in packed)
    assert any(p.startswith(site_packages + "panel/") and p.endswith(".css") for p in packed)
    assert not [p for p in packed if p.endswith((".pyi", ".h", ".ts", ".map"))]
    # the page's list of loaded packages was refilled after the copy
    assert taken["loadedAfter"] == ["numpy", "packaging"]


def test_a_restored_python_computes_like_numpy_and_draws_new_random_numbers(harness) -> None:
    restores = harness["restored"]["restores"]
    assert len(restores) == 2
    a = np.arange(12.0).reshape(3, 4)
    expected = {
        "matmul": float((a @ a.T).sum()),
        "inv": np.linalg.inv(np.array([[2.0, 1.0], [1.0, 3.0]])).round(6).tolist(),
        "fft": np.abs(np.fft.fft(np.ones(4))).round(6).tolist(),
        "rng7": np.random.default_rng(7).normal(size=2).round(6).tolist(),
    }
    for r in restores:
        checks = r["checks"]
        assert {k: checks[k] for k in expected} == expected  # both rounded to 6 digits
        assert checks["late_import"] == "pyplayground.ui.playground.app"
        assert checks["gc"] is False  # collected from pgStarted on, as after a first visit
        assert r["loaded"] == ["numpy", "packaging"]
        assert r["docRoots"] > 0  # the page's own code built its document
        assert r["files"] == len(harness["taken"]["packed"])
    first, second = (r["checks"] for r in restores)
    # reseeded on restore: not the numbers the snapshot's own state would give
    assert first["random"] != second["random"] != harness["taken"]["firstRandom"]
    assert first["legacy"] != second["legacy"]
    assert 0 <= first["random"] < 1


def test_a_broken_snapshot_is_refused_with_a_reason(harness) -> None:
    errors = harness["broken"]["errors"]
    assert "truncated" in errors["truncated"]
    assert "this page is train-0000000000000000" in errors["other key"]
    assert "function table at" in errors["table layout"]
    assert "the snapshot's had" in errors["table length"]  # found after every module loaded
    assert "not a pyplayground snapshot" in errors["garbage"]


def wait_snapshot(app) -> dict:
    app.wait_until(SNAPSHOT_JS, timeout_ms=90_000)
    return app.page.evaluate("window.pgLoading.snapshot")


def loss_grows(app) -> None:
    """Training runs: numpy's restored wasm modules do the work."""
    app.click("pg-play")
    deadline = time.monotonic() + 60
    while app.column_length("pg-loss-source", "epoch") < 4:
        assert time.monotonic() < deadline, "training did not start"
        app.page.wait_for_timeout(100)


def test_a_second_visit_restores_the_stored_snapshot(browser_factory, site_url) -> None:
    app = browser_factory(site_url)
    outdated = "train-0123456789abcdef.bin"  # a snapshot from an older build
    other_page = "playground-0123456789abcdef.bin"
    app.page.goto(site_url + "index.html")
    for name in (outdated, other_page):
        app.page.evaluate(WRITE_JS, [SNAPSHOT_DIR, name, "old"])
    app.open("train.html")
    stored = wait_snapshot(app)
    assert stored["stored"], stored
    files = app.page.evaluate(LIST_JS, SNAPSHOT_DIR)
    ours = [n for n in files if n.startswith("train-") and n != outdated]
    assert len(ours) == 1 and files[ours[0]] == stored["bytes"] > 50 << 20
    assert outdated not in files and other_page in files

    app.page.goto("about:blank")
    status = app.open("train.html")
    assert status["snapshot"]["restored"] is True
    assert [p[0] for p in status["phases"]][:4] == ["page", "runtime", "packages", "install"]
    loss_grows(app)
    app.screenshot("snapshot-warm-train")


# Flip the lowest bit of the recorded function table length (same number of digits):
# the restore then fails at its very end, after the memory and every module are back.
TAMPER_JS = """async ([dir, name]) => {
  const root = await navigator.storage.getDirectory();
  const handle = await (await root.getDirectoryHandle(dir)).getFileHandle(name);
  const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
  const length = new DataView(bytes.buffer).getUint32(8, true);
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)));
  meta.tableLength ^= 1;
  bytes.set(new TextEncoder().encode(JSON.stringify(meta)), 12);
  const writable = await handle.createWritable();
  await writable.write(bytes);
  await writable.close();
}"""


def test_a_snapshot_that_fails_late_is_replaced(browser_factory, site_url) -> None:
    app = browser_factory(site_url)
    app.open("train.html")
    stored = wait_snapshot(app)
    name = next(n for n in app.page.evaluate(LIST_JS, SNAPSHOT_DIR) if n.startswith("train-"))
    app.page.evaluate(TAMPER_JS, [SNAPSHOT_DIR, name])
    warnings = []
    app.page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    app.page.goto("about:blank")
    status = app.open("train.html")
    assert "imports" in [p[0] for p in status["phases"]]  # started Python from scratch
    assert any("could not be used" in w and "function table" in w for w in warnings), warnings
    again = wait_snapshot(app)
    assert again["stored"] and again["bytes"] == pytest.approx(stored["bytes"], rel=0.01)
    loss_grows(app)


def test_every_page_starts_from_its_snapshot(browser_factory, site_url, built_site) -> None:
    """Each app page and every lesson: a restored worker shows the page and runs it."""
    lessons = sorted(p.name for p in built_site.glob("lesson-*.html"))
    pages = ["train.html", "playground.html", *lessons]
    app = browser_factory(site_url)
    stored_for = set()
    for page in pages:
        worker = "lesson" if page.startswith("lesson-") else page.removesuffix(".html")
        if worker not in stored_for:  # the first visit of this worker stores its snapshot
            app.open(page)
            assert wait_snapshot(app)["stored"], page
            stored_for.add(worker)
            app.page.goto("about:blank")
        status = app.open(page)
        assert (status.get("snapshot") or {}).get("restored"), f"{page} did not restore"
        play = app.page.locator(".pg-play button")
        if page == "train.html":
            loss_grows(app)
        elif play.count():  # a playground on the page: its frames are painted
            painted = app.page.evaluate("window.pgFrames ? window.pgFrames.painted : 0")
            play.first.click()
            app.wait_until(f"() => window.pgFrames && window.pgFrames.painted > {painted + 3}")
            play.first.click()
        app.page.goto("about:blank")
    assert stored_for == {"train", "playground", "lesson"}
