// Run bench/frame_bench.py inside Pyodide under Node: the playground's per-frame Python work.
//
//   node bench/frame_pyodide.mjs [--pyodide <dir>] [--src <dir>[,<dir>...]] [--rounds 1]
//                                [--reps 7] [--min-time 0.2] [--prewarm 2] [--net default|max]
//                                [--json out.json]
//
// --src names folders that each hold a `pyplayground` package (default: this checkout),
// e.g. an unpacked `git archive HEAD pyplayground` and the working tree.  They are copied
// into one Pyodide as packages pgsrc0, pgsrc1, ... and timed in the same process with their
// repetitions interleaved, so that load from other processes hits them alike.  --rounds
// repeats the whole run in fresh Pyodides; the medians over rounds are printed at the end.
// --pyodide is a Pyodide 0.27.x folder (default: the first one found under .cache/).

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
  const o = { dir: null, src: [repo], rounds: 1, reps: 7, minTime: 0.2, prewarm: 2, nets: [], json: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--pyodide") o.dir = next();
    else if (a === "--src") o.src = next().split(",").map((s) => path.resolve(s));
    else if (a === "--rounds") o.rounds = Number(next());
    else if (a === "--reps") o.reps = Number(next());
    else if (a === "--min-time") o.minTime = Number(next());
    else if (a === "--prewarm") o.prewarm = Number(next());
    else if (a === "--net") o.nets.push(next());
    else if (a === "--json") o.json = next();
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!o.nets.length) o.nets = ["default"];
  return o;
}

async function runOnce(dir, o) {
  const { loadPyodide } = require(path.join(dir, "pyodide.js"));
  const pyodide = await loadPyodide({ indexURL: dir + path.sep, stdout: () => {}, stderr: console.error });
  await pyodide.loadPackage("numpy", { messageCallback: () => {} });
  o.src.forEach((src, i) => copyTree(pyodide.FS, path.join(src, "pyplayground"), `/bench_src/pgsrc${i}`));
  pyodide.FS.mkdirTree("/bench_src/bench");
  pyodide.FS.writeFile("/bench_src/bench/frame_bench.py", fs.readFileSync(path.join(here, "frame_bench.py")));
  pyodide.globals.set("SETTINGS_JSON", JSON.stringify(o));
  const out = await pyodide.runPythonAsync(`
import json, sys
sys.path[:0] = ["/bench_src", "/bench_src/bench"]
import frame_bench
_o = json.loads(SETTINGS_JSON)
_pk = tuple(f"pgsrc{i}" for i in range(len(_o["src"])))
json.dumps(frame_bench.run_all(_o["reps"], _o["minTime"], _o["prewarm"], tuple(_o["nets"]), _pk))
`);
  const res = JSON.parse(out);
  // name the results by source folder
  res.results = Object.fromEntries(o.src.map((src, i) => [src, res.results[`pgsrc${i}`]]));
  return res;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const dir = path.resolve(o.dir ?? findPyodide(path.join(repo, ".cache")) ?? "");
  if (!fs.existsSync(path.join(dir, "pyodide.js"))) throw new Error(`no pyodide.js in ${dir}`);
  const all = Object.fromEntries(o.src.map((s) => [s, []]));
  for (let r = 0; r < o.rounds; r++) {
    const res = await runOnce(dir, o);
    const load = os.loadavg()[0];
    for (const src of o.src) {
      all[src].push({ ...res.results[src], loadavg: load });
      console.log(JSON.stringify({ round: r + 1, src, loadavg: load, ...res.results[src] }));
    }
  }
  const median = (v) => {
    const s = [...v].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const summary = {};
  for (const src of o.src) {
    summary[src] = {};
    for (const net of o.nets) {
      const cases = Object.keys(all[src][0][net]);
      summary[src][net] = Object.fromEntries(
        cases.map((c) => [c, +median(all[src].map((x) => x[net][c])).toFixed(4)]),
      );
    }
    console.log(`${src}: median ms over ${o.rounds} rounds: ${JSON.stringify(summary[src])}`);
  }
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ date: new Date().toISOString(), cpu: os.cpus()[0]?.model, summary, rounds: all }, null, 1) + "\n");
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
