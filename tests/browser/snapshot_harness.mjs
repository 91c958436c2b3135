// Memory snapshots (web/static/snapshot.js) exercised in Pyodide under Node.js, on a
// built site: the worker's own functions take a snapshot after a page's imports, the
// stored form is read back, and fresh Pyodides are restored from it. Driven by
// test_snapshot.py, which checks what this prints (one JSON line per step).
//
//   node tests/browser/snapshot_harness.mjs SITE PAGE
//
// Only the origin private file system (where the browser keeps the snapshot) is not
// exercised here; test_snapshot.py does that in Chromium.

import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import zlib from "node:zlib";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const [site, page] = process.argv.slice(2);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
const report = (step, data) => console.log(JSON.stringify({step, ...data}));

// The worker's scope: `self` is the global object; messages to the page are collected.
globalThis.self = globalThis;
globalThis.messages = [];
self.addEventListener = () => {};
self.postMessage = (msg) => messages.push(msg);
globalThis.XMLHttpRequest ??= class XMLHttpRequest {};  // panel.io.pyodide imports it
globalThis.loadPyodide = require(path.join(site, "pyodide/pyodide.js")).loadPyodide;
for (const script of ["worker_boot.js", "snapshot.js"]) {
  vm.runInThisContext(fs.readFileSync(path.join(site, "static", script), "utf8"), {filename: script});
}
const worker = fs.readFileSync(path.join(site, `${page}.js`), "utf8");
const config = JSON.parse(worker.match(/await pgBoot\((\{.*?\})\);/)[1]);
const loadOptions = {indexURL: path.join(site, "pyodide") + "/", env: {PANEL_CDN_ROOT: "./panelcdn/"}};

// First visit: what pgBoot does, from files instead of fetch.
const first = await loadPyodide(loadOptions);
first.runPython("import gc\ngc.disable()\ndel gc");
const watch = pgWatchDynlibs(first);
const loading = first.loadPackage(config.packages, {messageCallback: () => {}});
for (const p of config.packs) {
  await pgWritePack(first, new Uint8Array(zlib.gunzipSync(fs.readFileSync(path.join(site, p)))),
    config.sitePackages);
}
for (const w of config.wheels) {
  first.unpackArchive(new Uint8Array(fs.readFileSync(path.join(site, w))), "zip",
    {extractDir: config.sitePackages});
}
await loading;
const libs = watch.stop();
first.runPython("import importlib\nimportlib.invalidate_caches()\nimport pyodide.ffi\npyodide.ffi.jsnull = object()");
const taken = pgTakeSnapshot(first, config, libs, watch.why());
const pack = await pgPackFiles(first, config.sitePackages, new Set(taken.imported));
const blob = pgSnapshotBlob(config, taken, pack);
const bytes = new Uint8Array(await blob.arrayBuffer());
report("taken", {
  libs: libs.map((l) => path.basename(l.name)),
  memory: taken.memory.length,
  imported: taken.imported.length,
  packed: JSON.parse(new TextDecoder().decode(pack.subarray(8, 8 + new DataView(pack.buffer).getUint32(4, true)))).files.map((f) => f[0]),
  bytes: bytes.length,
  loadedAfter: Object.keys(first.loadedPackages).sort(),
  firstRandom: first.runPython("import random; random.random()"),
});

// Second visits: two restores from the same bytes.
const CHECKS = `
import json, random, sys
import numpy as np

a = np.arange(12.0).reshape(3, 4)
rng = np.random.default_rng(7)
out = {
    "matmul": float((a @ a.T).sum()),
    "inv": np.linalg.inv(np.array([[2.0, 1.0], [1.0, 3.0]])).round(6).tolist(),
    "fft": np.abs(np.fft.fft(np.ones(4))).round(6).tolist(),
    "rng7": rng.normal(size=2).round(6).tolist(),
    "random": random.random(),
    "legacy": float(np.random.random()),
    "gc": __import__("gc").isenabled(),
}
import pyplayground.ui.playground.app  # not imported before the snapshot: read from the files
out["late_import"] = pyplayground.ui.playground.app.__name__
json.dumps(out)
`;
const file = {arrayBuffer: async () => bytes.slice().buffer};
const restores = [];
for (let i = 0; i < 2; i++) {
  messages.length = 0;
  const restored = await pgRestoreSnapshot(file, config, loadOptions);
  const py = restored.pyodide;
  const checks = JSON.parse(py.runPython(CHECKS));
  const body = worker.match(/runPythonAsync\(`(.*?)`\)\n    self\.postMessage/s);
  const appCode = eval("`" + body[1] + "`");  // the worker's template literal, unescaped
  const result = await py.runPythonAsync(appCode);
  const docs = JSON.parse(result.toJs()[0]);
  restores.push({
    files: restored.files,
    loaded: Object.keys(py.loadedPackages).sort(),
    checks,
    docRoots: Object.values(docs)[0].roots.length,
  });
}
report("restored", {restores});

// What a broken snapshot does: each throws, so pgBoot boots the normal way.
const errors = {};
const attempt = async (name, buffer, cfg = config) => {
  try {
    await pgRestoreSnapshot({arrayBuffer: async () => buffer}, cfg, loadOptions);
    errors[name] = null;
  } catch (e) {
    errors[name] = String(e.message || e);
  }
};
await attempt("truncated", bytes.slice(0, bytes.length - 1000).buffer);
const other = {...config, snapshot: {...config.snapshot, key: `${page}-0000000000000000`}};
await attempt("other key", bytes.slice().buffer, other);
const moved = bytes.slice();
const metaLength = new DataView(moved.buffer).getUint32(8, true);
const meta = JSON.parse(new TextDecoder().decode(moved.subarray(12, 12 + metaLength)));
// XOR 1 keeps the number of digits, so the metadata keeps its length.
const shifted = JSON.stringify({...meta, libs: meta.libs.map((l, i) => (i ? l : {...l, tableBase: l.tableBase ^ 1}))});
moved.set(new TextEncoder().encode(shifted), 12);
await attempt("table layout", moved.buffer);
const tampered = bytes.slice();
const flipped = JSON.stringify({...meta, tableLength: meta.tableLength ^ 1});  // same length
tampered.set(new TextEncoder().encode(flipped), 12);
await attempt("table length", tampered.buffer);
const garbage = new TextEncoder().encode("PGSN but not a snapshot");
await attempt("garbage", garbage.buffer);
report("broken", {errors});
