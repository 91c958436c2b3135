// Run bench/tsne_bench.py inside Pyodide under Node (ours only; no scikit-learn there).
//
//   node bench/tsne_pyodide.mjs [<pyodide-dir>] [--json out.json] [--sizes 500,2000] [--iters 30]
//   node bench/tsne_pyodide.mjs --baseline OLD_TSNE_PY [--sizes 500] [--reps 15]
//
// <pyodide-dir> is a Pyodide 0.27.x distribution folder (pyodide.js, pyodide-lock.json,
// pyodide.asm.wasm, python_stdlib.zip, the numpy wheel); without it the first such folder
// under .cache/ is used (see bench/README.md for how to get one).  The pyplayground package and
// bench/tsne_bench.py are copied into Pyodide's file system and tsne_bench.run_all() runs the
// same measuring code as the native script.  With --baseline (an older pyplayground/tsne.py,
// e.g. `git show HEAD:pyplayground/tsne.py > /tmp/tsne_before.py`) it runs
// tsne_bench.compare_exact instead: the exact method of both versions, interleaved
// round by round, so that both see the same load.

import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { copyTree, findPyodide } from "./pyodide_fs.mjs";

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const opts = { dir: null, json: null, sizes: "500,2000", iters: 30, baseline: null, reps: 15 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === "--json") opts.json = argv[++i];
  else if (argv[i] === "--sizes") opts.sizes = argv[++i];
  else if (argv[i] === "--iters") opts.iters = Number(argv[++i]);
  else if (argv[i] === "--baseline") opts.baseline = argv[++i];
  else if (argv[i] === "--reps") opts.reps = Number(argv[++i]);
  else opts.dir = argv[i];
}
const dir = path.resolve(opts.dir ?? findPyodide(path.join(repo, ".cache")) ?? "");
if (!fs.existsSync(path.join(dir, "pyodide.js"))) {
  console.error(`no pyodide.js in ${dir}; usage: node bench/tsne_pyodide.mjs <pyodide-dir>`);
  process.exit(2);
}
const { loadPyodide } = require(path.join(dir, "pyodide.js"));
const pyodide = await loadPyodide({ indexURL: dir + path.sep });
await pyodide.loadPackage("numpy", { messageCallback: () => {} });
copyTree(pyodide.FS, path.join(repo, "pyplayground"), "/bench_src/pyplayground");
pyodide.FS.mkdirTree("/bench_src/bench");
pyodide.FS.writeFile(
  "/bench_src/bench/tsne_bench.py",
  fs.readFileSync(path.join(repo, "bench", "tsne_bench.py")),
);
if (opts.baseline) pyodide.FS.writeFile("/bench_src/tsne_before.py", fs.readFileSync(opts.baseline));
pyodide.globals.set("BASELINE", !!opts.baseline);
pyodide.globals.set("REPS", opts.reps);
pyodide.globals.set("SIZES", opts.sizes);
pyodide.globals.set("ITERS", opts.iters);
const host = { host_cpu: os.cpus()[0]?.model, cpus: os.cpus().length, node: process.version };
host.loadavg_start = os.loadavg().map((v) => +v.toFixed(2));
pyodide.globals.set("HOST", JSON.stringify(host));
const out = await pyodide.runPythonAsync(`
import json, sys
sys.path[:0] = ["/bench_src", "/bench_src/bench"]
import tsne_bench
_sizes = tuple(int(s) for s in SIZES.split(","))
if BASELINE:
    import tsne_before
    from pyplayground.tsne import TSNE
    _rows = []
    for _n in _sizes:
        _rows += tsne_bench.compare_exact({"before": tsne_before.TSNE, "after": TSNE}, _n, int(REPS))
    _r = {"machine": {"date": tsne_bench.DATE, "pyodide": True}, "rows": _rows}
    _r["machine"].update(json.loads(HOST))
    for _row in _rows:
        print(f"{_row['case']:14s} N={_row['n']:5d}  median {_row['ms_per_iter']:.3f} ms/step  "
              f"range {min(_row['reps_ms']):.3f}-{max(_row['reps_ms']):.3f};  "
              f"step(1) with KL {_row['step1_with_kl_ms']:.3f} ms")
else:
    _r = tsne_bench.run_all(_sizes, int(ITERS), with_sklearn=False)
    _r["machine"].update(json.loads(HOST), pyodide=True)
    print(tsne_bench.format_table(_r))
json.dumps(_r)
`);
const result = JSON.parse(out);
result.machine.loadavg_end = os.loadavg().map((v) => +v.toFixed(2));
console.log(`# host load average ${host.loadavg_start} -> ${result.machine.loadavg_end}`);
if (opts.json) fs.writeFileSync(opts.json, JSON.stringify(result, null, 2) + "\n");
