// Start-up of a built page's worker, replayed in Pyodide under Node (docs/site.md, "Load time").
//
//   node bench/load_time.mjs [--runs N] [--page train] [--importtime] SITE [SITE...]
//
// Each run is a fresh Node process that does what the page's worker does (NAME.js and
// static/worker_boot.js of that site): loadPyodide from SITE/pyodide, loadPackage of the
// start-up packages while the package bundle and our wheel are written, the install step,
// then the page's entry code up to the serialised document (panel's init_doc/write_doc).
// Python's garbage collector is off during start-up when the site's worker does that
// (pgStarted). With several sites the runs alternate (A B A B ...), so a burst of load
// from other processes hits all of them alike. Prints one JSON line per run and the
// medians: seconds per phase (runtime, packages, install, app), and app_cpu, the CPU
// seconds of the app phase (steadier than wall time on a shared machine).
// --importtime: one run per site with PYTHONPROFILEIMPORTTIME=1 (the table on stderr).
// Not replayed: downloads, the HTTP cache and the page (Chromium: tests/browser/
// test_offline_and_speed.py); lesson pages (they read the page's location).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);

function parseArgs(argv) {
  const opts = { runs: 1, page: "train", importtime: false, child: false, sites: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--runs") opts.runs = Number(argv[++i]);
    else if (a === "--page") opts.page = argv[++i];
    else if (a === "--importtime") opts.importtime = true;
    else if (a === "--child") opts.child = true;
    else opts.sites.push(a);
  }
  if (!opts.sites.length) {
    console.error("usage: node bench/load_time.mjs [--runs N] [--page NAME] [--importtime] SITE...");
    process.exit(2);
  }
  return opts;
}

function writePack(py, buffer, root) {
  const ab = buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.length);
  const view = new DataView(ab);
  const n = view.getUint32(4, true);
  const index = JSON.parse(new TextDecoder().decode(new Uint8Array(ab, 8, n)));
  const base = 8 + n;
  const made = new Set();
  for (const [p, offset, size] of index.files) {
    const full = `${root}/${p}`;
    const dir = full.slice(0, full.lastIndexOf("/"));
    if (!made.has(dir)) {
      py.FS.mkdirTree(dir);
      made.add(dir);
    }
    py.FS.writeFile(full, new Uint8Array(ab, base + offset, size));
  }
}

async function oneRun(site, page, importtime) {
  const js = fs.readFileSync(path.join(site, `${page}.js`), "utf8");
  const config = JSON.parse(js.match(/await pgBoot\((\{.*?\})\);/)[1]);
  const body = js.match(/runPythonAsync\(`(.*?)`\)\n    self\.postMessage/s);
  if (!body) throw new Error(`${site}/${page}.js: the app code was not found`);
  const appCode = eval("`" + body[1] + "`");  // the worker's template literal, unescaped
  const gcOff = js.includes("pgStarted()");
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const cpu = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  const marks = [];
  const mark = (name) => marks.push([name, performance.now(), cpu()]);

  const { loadPyodide } = require(path.resolve(site, "pyodide/pyodide.js"));
  const py = await loadPyodide({
    indexURL: path.resolve(site, "pyodide") + "/",
    env: importtime ? { PYTHONPROFILEIMPORTTIME: "1" } : {},
  });
  mark("runtime");
  globalThis.XMLHttpRequest ??= class XMLHttpRequest {};  // panel.io.pyodide imports it
  if (gcOff) py.runPython("import gc\ngc.disable()\ndel gc");
  const loading = py.loadPackage(config.packages, { messageCallback: () => {} });
  for (const p of config.packs) {
    writePack(py, zlib.gunzipSync(fs.readFileSync(path.join(site, p))), config.sitePackages);
  }
  for (const w of config.wheels) {
    const data = new Uint8Array(fs.readFileSync(path.join(site, w)));
    py.unpackArchive(data, "zip", { extractDir: config.sitePackages });
  }
  await loading;
  mark("packages");
  py.runPython(`
import importlib
importlib.invalidate_caches()
import pyodide.ffi
if not hasattr(pyodide.ffi, "jsnull"):
    pyodide.ffi.jsnull = object()
del importlib, pyodide
`);
  mark("install");
  await py.runPythonAsync(appCode);
  mark("app");
  if (gcOff) py.runPython("import gc\ngc.freeze()\ngc.enable()\ndel gc");
  const out = {};
  let [prevT, prevCpu] = [t0, 0];
  for (const [name, t, c] of marks) {
    out[name] = +((t - prevT) / 1000).toFixed(3);
    if (name === "app") out.app_cpu = +(c - prevCpu).toFixed(3);
    [prevT, prevCpu] = [t, c];
  }
  out.total = +((prevT - t0) / 1000).toFixed(3);
  return out;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const opts = parseArgs(process.argv.slice(2));
if (opts.child) {
  const result = await oneRun(opts.sites[0], opts.page, opts.importtime);
  console.log("PG-RESULT " + JSON.stringify(result));
  process.exit(0);
}
const os = await import("node:os");
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
const results = Object.fromEntries(opts.sites.map((s) => [s, []]));
const self = fileURLToPath(import.meta.url);
const runs = opts.importtime ? 1 : opts.runs;
for (let i = 0; i < runs; i++) {
  for (const site of opts.sites) {
    const args = [self, "--child", "--page", opts.page, site];
    if (opts.importtime) args.push("--importtime");
    const proc = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 28 });
    const line = proc.stdout.split("\n").find((l) => l.startsWith("PG-RESULT "));
    if (opts.importtime) process.stderr.write(proc.stderr);
    if (!line) {
      console.error(`${site}: run failed (exit ${proc.status})\n${proc.stderr.slice(-3000)}`);
      process.exit(1);
    }
    const r = JSON.parse(line.slice("PG-RESULT ".length));
    results[site].push(r);
    console.log(`run ${i + 1} ${site} ${JSON.stringify(r)}`);
  }
}
console.log(`load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
for (const [site, rs] of Object.entries(results)) {
  const keys = Object.keys(rs[0]);
  const med = Object.fromEntries(keys.map((k) => [k, +median(rs.map((r) => r[k])).toFixed(3)]));
  console.log(`median of ${rs.length} ${site} ${JSON.stringify(med)}`);
}
