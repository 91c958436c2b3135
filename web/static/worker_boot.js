// Start-up of the Pyodide worker (imported by every converted NAME.js worker).
//
// pyplayground/sitegen/convert.py replaces the start-up of panel convert's worker
// template with `await pgBoot(config)`. Everything is loaded from this site:
//   1. runtime:  Pyodide (pyodide.asm.wasm, python_stdlib.zip), precompiled at build time
//   2. packages: numpy... from ./pyodide/ via loadPackage; meanwhile one bundle of pure
//                packages (panel, bokeh...) and our own wheel are written to site-packages
//   3. install:  import caches, the jsnull shim
//   4. app:      the entry script (panel's template runs it after pgBoot), with Python's
//                garbage collector off until the document is built (pgStarted)
// Page->worker patches go through pgApplyPatch (see PATCH_HANDLER in sitegen/convert.py).
// Each phase posts {type: 'pg-progress'} to the page; a failure posts {type: 'pg-error'}
// with a hint and stops the start-up (the page shows it, static/loading.js).

const PG_T0 = performance.now();
const PG_HINTS = {
  runtime: "The Python runtime could not be loaded. Rebuild the site (python build.py) " +
    "and serve it over http (pyplayground serve).",
  packages: "A Pyodide package could not be loaded. Rebuild the site (python build.py); " +
    "the pyodide/ folder of the site is incomplete.",
  install: "Installing the Python packages failed. Rebuild the site (python build.py).",
  app: "The app raised a Python exception while starting. Run it natively to debug: " +
    "panel serve web/<page>.py",
  callback: "A Python callback raised an exception. Reload the page; run the app " +
    "natively (panel serve web/<page>.py) to debug it.",
};

let pgStep = "runtime";
let pgFailed = false;  // a start-up step failed; later rejections are consequences

function pgProgress(step, detail) {
  pgStep = step;
  self.postMessage({type: "pg-progress", step: step, detail: detail || "",
                    t: performance.now() - PG_T0});
}

function pgFail(step, error) {
  pgFailed = pgFailed || step !== "callback";
  const message = String((error && error.message) || error);
  console.error(`pyplayground start-up failed while in step "${step}":`, message);
  self.postMessage({type: "pg-error", step: step, message: message,
                    hint: PG_HINTS[step] || ""});
}

// After start-up (step "app" done), a rejected promise is a failed Python callback.
self.addEventListener("unhandledrejection", (event) => {
  if (!pgFailed) {
    pgFail(pgStep === "app" ? "callback" : pgStep, event.reason);
  }
});

// The page asks for every file the worker downloaded, to keep them for offline use.
performance.setResourceTimingBufferSize(1000);
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "pg-resources") {
    const urls = performance.getEntriesByType("resource").map((e) => e.name);
    urls.push(self.location.href);
    self.postMessage({type: "pg-resources", urls: urls});
  }
});

async function pgFetch(url) {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`could not download ${url}: HTTP ${response.status}`);
  }
  if (url.endsWith(".gz")) {
    const stream = response.body.pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).arrayBuffer();
  }
  return response.arrayBuffer();
}

// A pack is "PGPK" + uint32 (little endian) index length + JSON index + file data;
// the index is {"files": [[path, offset, size], ...]} (see sitegen/pack.py).
// `data` is an ArrayBuffer or a Uint8Array view of one.
async function pgWritePack(pyodide, data, root) {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== "PGPK") {
    throw new Error("not a pyplayground package bundle (bad magic)");
  }
  const indexLength = view.getUint32(4, true);
  const index = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + indexLength)));
  const base = 8 + indexLength;
  const made = new Set();
  let written = 0;
  for (const [path, offset, size] of index.files) {
    if (++written % 400 === 0) {
      await new Promise((resolve) => setTimeout(resolve, 0));  // let loadPackage progress
    }
    const full = `${root}/${path}`;
    const dir = full.slice(0, full.lastIndexOf("/"));
    if (!made.has(dir)) {
      pyodide.FS.mkdirTree(dir);
      made.add(dir);
    }
    pyodide.FS.writeFile(full, bytes.subarray(base + offset, base + offset + size));
  }
  return index.files.length;
}

// The document is built and on its way to the page (called by the converted worker,
// see sitegen/convert.py): what start-up made stays alive for the page's lifetime, so
// freeze it (later collections skip it; a full collection of it costs ~0.1 s) and turn
// the garbage collector back on for the app's own work.
function pgStarted() {
  self.pyodide.runPython("import gc\ngc.freeze()\ngc.enable()\ndel gc");
}

// A memory snapshot taken during start-up is stored once the page says it is
// interactive (static/loading.js posts {type: "pg-interactive"}): off the start-up's path.
let pgSnapshotTaken = null;
self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "pg-interactive" && pgSnapshotTaken !== null) {
    const [config, taken] = pgSnapshotTaken;
    pgSnapshotTaken = null;
    pgStoreSnapshot(self.pyodide, config, taken);
  }
});

// Apply a Bokeh patch from the page now (see PATCH_HANDLER in sitegen/convert.py).
let pgPatcher = null;
function pgApplyPatch(patch) {
  if (pgPatcher === null) {
    const namespace = self.pyodide.toPy({});
    pgPatcher = self.pyodide.runPython(`
from panel.io.pyodide import _convert_json_patch
from panel.io.state import state


def apply_patch(patch):
    state.curdoc.apply_json_patch(_convert_json_patch(patch), setter="js")


apply_patch
`, {globals: namespace});
    namespace.destroy();
  }
  try {
    pgPatcher(patch);
  } catch (e) {
    pgFail("callback", e);
  }
}

async function pgBoot(config) {
  const url = (path) => new URL(path, self.location.href).href;
  const loadOptions = {
    indexURL: url(config.indexURL),
    env: {PANEL_CDN_ROOT: url(config.panelCdn)},
  };
  const stored = await pgFindSnapshot(config);
  if (stored !== null) {
    pgProgress("runtime", "restoring Python as it was after your last visit");
    try {
      const restored = await pgRestoreSnapshot(stored, config, loadOptions);
      self.pyodide = restored.pyodide;
      self.postMessage({type: "pg-snapshot", restored: true, files: restored.files});
      pgProgress("install", config.installLabel);
      return;
    } catch (e) {
      console.warn("pyplayground: the stored memory snapshot could not be used " +
                   `(${(e && e.message) || e}); starting Python from scratch`);
      await pgDropSnapshot(config);
    }
  }
  // Downloads start now and overlap with the runtime start-up.
  const packs = config.packs.map((p) => pgFetch(url(p)));
  const wheels = config.wheels.map((w) => pgFetch(url(w)));
  packs.concat(wheels).forEach((p) => p.catch(() => {}));  // reported below, when awaited

  pgProgress("runtime");
  try {
    self.pyodide = await loadPyodide(loadOptions);
    // Python's cyclic garbage collector stays off until the document is built
    // (pgStarted): importing Panel and Bokeh (~1000 modules, ~150,000 objects that
    // live as long as the page) triggered about 240 collections, 0.15-0.2 s in Pyodide.
    self.pyodide.runPython("import gc\ngc.disable()\ndel gc");
  } catch (e) {
    pgFail("runtime", e);
    throw e;
  }

  // Pyodide's packages (numpy...) and our bundle load together: the bundle is written in
  // slices while loadPackage waits for downloads and compiles the packages' wasm.
  pgProgress("packages", `${config.packages.join(", ")}, ${config.installLabel}`);
  const failures = [];
  const watch = config.snapshot ? pgWatchDynlibs(self.pyodide) : null;
  const loading = self.pyodide.loadPackage(config.packages, {
    messageCallback: () => {},
    errorCallback: (msg) => failures.push(msg),
  });
  loading.catch(() => {});  // reported below, when awaited
  let files = 0;
  let writing = 0;  // ms spent writing the bundle (reported in the console)
  try {
    for (const pack of packs) {
      const buffer = await pack;
      const start = performance.now();
      files += await pgWritePack(self.pyodide, buffer, config.sitePackages);
      writing += performance.now() - start;
    }
    for (const wheel of wheels) {
      self.pyodide.unpackArchive(await wheel, "zip", {extractDir: config.sitePackages});
    }
  } catch (e) {
    pgFail("install", e);
    throw e;
  }
  let libs = null;
  try {
    await loading;
    libs = watch && watch.stop();
    const missing = config.packages.filter((p) => !(p in self.pyodide.loadedPackages));
    if (failures.length || missing.length) {
      throw new Error(failures.concat(missing.map((p) => `${p} was not loaded`)).join("\n"));
    }
  } catch (e) {
    pgFail("packages", e);
    throw e;
  }

  pgProgress("install", config.installLabel);
  try {
    self.pyodide.runPython(`
import importlib
importlib.invalidate_caches()
# Panel 1.9 uses pyodide.ffi.jsnull (Pyodide >= 0.28). In 0.27 a JS null already
# converts to None, so a sentinel that never matches is equivalent.
import pyodide.ffi
if not hasattr(pyodide.ffi, "jsnull"):
    pyodide.ffi.jsnull = object()
del importlib, pyodide
`);
    console.log(`pyplayground: installed ${files} files (${Math.round(writing)} ms, ` +
                `loadPackage running alongside) and ${wheels.length} wheel(s)`);
  } catch (e) {
    pgFail("install", e);
    throw e;
  }
  if (config.snapshot) {
    pgProgress("imports", config.snapshot.imports.join(", "));
    const taken = pgTakeSnapshot(self.pyodide, config, libs, watch.why());
    if (taken !== null) {
      pgSnapshotTaken = [config, taken];
    }
  }
}
