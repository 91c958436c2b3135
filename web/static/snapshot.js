// Memory snapshots of the Python worker: a second visit skips Python's start-up.
//
// Imported by every converted NAME.js worker after worker_boot.js (sitegen/convert.py);
// pgBoot calls these functions. The build gives each worker a snapshot key that changes
// with anything the snapshot depends on (Pyodide, the package bundle, our wheel, the
// worker's imports); see `snapshot` in sitegen/build.py's boot_config.
//
// First visit (no snapshot stored under the key):
//   * pgWatchDynlibs: while loadPackage loads numpy's wasm modules, each module's name,
//     memory base and size, and table base and size are recorded.
//   * pgTakeSnapshot (after the install step): the page's modules are imported
//     (config.snapshot.imports) and pyodide.makeMemorySnapshot() copies the wasm memory
//     (about 60 MB, 0.1 s). The JS objects Python holds are recorded by name (globals of
//     the worker) or by source (functions Python made with run_js).
//   * pgStoreSnapshot (once the page is interactive): the files Python may still read
//     (site-packages without the modules already imported) are packed beside the memory
//     and the whole is stored in the origin private file system; older keys go.
// Second visit (pgRestoreSnapshot):
//   * loadPyodide({_loadSnapshot}) restores the memory instead of starting Python;
//   * every wasm module is instantiated again at its recorded memory and table base, and
//     its memory is put back as the snapshot had it (instantiating re-applies its data
//     segments and constructors);
//   * the files are written, import caches invalidated, random generators reseeded.
// Anything unexpected (another table layout, a JS object that cannot be named, a failed
// restore) drops the snapshot and the page boots the normal way (worker_boot.js).

const PG_SNAPSHOT_DIR = "pyplayground-snapshots";
const PG_SNAPSHOT_MAGIC = "PGSN";
const PG_SNAPSHOT_VERSION = 1;
// Files Python never reads at run time (type stubs, C sources, TypeScript, source maps)
// stay out of the snapshot's files.
const PG_SNAPSHOT_SKIP = [".pyi", ".pxd", ".pyx", ".h", ".c", ".a", ".ts", ".map", ".less"];

// The snapshots live in the origin private file system: one file per page,
// pyplayground-snapshots/<key>.bin (a second visit reads 90 MB in about 50 ms there,
// against 150-450 ms from Cache Storage).
async function pgSnapshotDir(create) {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(PG_SNAPSHOT_DIR, {create: create});
}

// The stored snapshot's file for this worker, or null (none stored, or no storage).
async function pgFindSnapshot(config) {
  if (!config.snapshot || !(self.navigator && navigator.storage && navigator.storage.getDirectory)) {
    return null;
  }
  try {
    const dir = await pgSnapshotDir(false);
    return await (await dir.getFileHandle(`${config.snapshot.key}.bin`)).getFile();
  } catch (e) {
    return null;  // NotFoundError: nothing stored yet
  }
}

async function pgDropSnapshot(config) {
  try {
    await (await pgSnapshotDir(false)).removeEntry(`${config.snapshot.key}.bin`);
  } catch (e) {
    // nothing stored
  }
}

// Record how Pyodide loads wasm modules (dynamic libraries) until stop() is called.
function pgWatchDynlibs(pyodide) {
  const module = pyodide._module;
  const libs = [];
  let current = null;
  let unsupported = null;
  const instantiate = WebAssembly.instantiate;
  const load = module.loadDynamicLibrary;
  WebAssembly.instantiate = function (binary, imports) {
    if (current !== null && imports && imports.env && !(binary instanceof WebAssembly.Module)) {
      if (current.memoryBase !== undefined) {
        unsupported = `${current.name} loads another library`;
      }
      const meta = module.getDylinkMetadata(binary);
      Object.assign(current, {
        memoryBase: imports.env.__memory_base,
        memorySize: meta.memorySize,
        tableBase: imports.env.__table_base,
        tableSize: meta.tableSize,
      });
    }
    return instantiate.apply(this, arguments);
  };
  module.loadDynamicLibrary = function (name, flags, localScope, handle) {
    current = {name: name, global: !!flags.global};
    libs.push(current);
    if (handle !== undefined || !flags.loadAsync) {
      unsupported = `${name} is loaded through dlopen`;
    }
    return load.apply(this, arguments);
  };
  return {
    stop() {
      WebAssembly.instantiate = instantiate;
      module.loadDynamicLibrary = load;
      current = null;
      return unsupported === null ? libs : null;
    },
    why: () => unsupported,
  };
}

// A JS object Python holds, as something JSON can carry (see pgSnapshotObject).
function pgSnapshotName(obj) {
  for (const name of Object.getOwnPropertyNames(self)) {
    let value;
    try {
      value = self[name];
    } catch (e) {
      continue;
    }
    if (value === obj) {
      return {global: name};
    }
  }
  if (typeof obj === "function" && !String(obj).includes("[native code]")) {
    return {source: String(obj)};  // made by run_js: no closure but the worker's globals
  }
  throw new Error(`a JS object held by Python cannot be named: ${String(obj).slice(0, 80)}`);
}

function pgSnapshotObject(serialized) {
  if (serialized.global !== undefined) {
    return self[serialized.global];
  }
  return (0, eval)(`(${serialized.source})`);
}

// Import the page's modules and copy Python's memory. Returns what pgStoreSnapshot
// needs, or null (the reason is logged; the page goes on without a snapshot). An import
// that fails is left to the app's own start-up, which shows it on the page.
function pgTakeSnapshot(pyodide, config, libs, why) {
  const start = performance.now();
  let imported;
  try {
    const files = pyodide.runPython(`
import importlib
import sys

for _name in ${JSON.stringify(config.snapshot.imports)}:
    importlib.import_module(_name)
del _name
sorted({f for m in list(sys.modules.values())
        for f in (getattr(m, "__file__", None), getattr(m, "__cached__", None))
        if isinstance(f, str) and f.endswith((".py", ".pyc"))})
`);
    imported = files.toJs();
    files.destroy();
  } catch (e) {
    console.info(`pyplayground: no memory snapshot: importing the page's modules failed`);
    return null;
  }
  if (libs === null) {
    console.info(`pyplayground: no memory snapshot: ${why}`);
    return null;
  }
  // Pyodide checks that its JS-side tables are as it left them at start-up; the list
  // of loaded packages is the one that grew since. Emptied for the copy, then refilled.
  const loaded = {...pyodide.loadedPackages};
  for (const name of Object.keys(loaded)) {
    delete pyodide.loadedPackages[name];
  }
  pyodide._api.config._makeSnapshot = true;
  try {
    const memory = pyodide.makeMemorySnapshot({serializer: pgSnapshotName});
    return {memory: memory, libs: libs, loaded: loaded, imported: imported,
      tableLength: pyodide._module.wasmTable.length, ms: performance.now() - start};
  } catch (e) {
    console.info(`pyplayground: no memory snapshot: ${e.message}`);
    return null;
  } finally {
    pyodide._api.config._makeSnapshot = false;
    Object.assign(pyodide.loadedPackages, loaded);
  }
}

// Every file under `root` except `skip`, as a pack (see pgWritePack in worker_boot.js).
// Yields now and then, so the page's messages (clicks...) are not held up.
async function pgPackFiles(pyodide, root, skip) {
  const FS = pyodide.FS;
  const files = [];
  const dirs = [root];
  while (dirs.length) {
    const dir = dirs.pop();
    for (const name of FS.readdir(dir)) {
      if (name === "." || name === "..") {
        continue;
      }
      const path = `${dir}/${name}`;
      if (FS.isDir(FS.stat(path).mode)) {
        dirs.push(path);
      } else if (!skip.has(path) && !PG_SNAPSHOT_SKIP.some((end) => name.endsWith(end))) {
        files.push([path, FS.readFile(path)]);
        if (files.length % 200 === 0) {
          await new Promise((resolve) => setTimeout(resolve, 0));
        }
      }
    }
  }
  const index = [];
  let offset = 0;
  for (const [path, data] of files) {
    index.push([path.slice(1), offset, data.length]);  // relative to "/"
    offset += data.length;
  }
  const head = new TextEncoder().encode(JSON.stringify({files: index}));
  const pack = new Uint8Array(8 + head.length + offset);
  pack.set(new TextEncoder().encode("PGPK"), 0);
  new DataView(pack.buffer).setUint32(4, head.length, true);
  pack.set(head, 8);
  let at = 8 + head.length;
  for (const [, data] of files) {
    pack.set(data, at);
    at += data.length;
  }
  return pack;
}

// The stored form: "PGSN", uint32 version, uint32 length of the JSON metadata, the
// metadata, zero padding to 16 bytes, Pyodide's memory snapshot, the pack of files.
// Where the memory starts, after metadata of `metaLength` bytes:
const pgSnapshotDataStart = (metaLength) => Math.ceil((12 + metaLength) / 16) * 16;

function pgSnapshotBlob(config, taken, pack) {
  const meta = new TextEncoder().encode(JSON.stringify({
    version: PG_SNAPSHOT_VERSION,
    key: config.snapshot.key,
    libs: taken.libs,
    tableLength: taken.tableLength,
    loaded: taken.loaded,
    memory: taken.memory.length,
    pack: pack.length,
  }));
  const head = new Uint8Array(12);
  head.set(new TextEncoder().encode(PG_SNAPSHOT_MAGIC), 0);
  new DataView(head.buffer).setUint32(4, PG_SNAPSHOT_VERSION, true);
  new DataView(head.buffer).setUint32(8, meta.length, true);
  const pad = new Uint8Array(pgSnapshotDataStart(meta.length) - 12 - meta.length);
  return new Blob([head, meta, pad, taken.memory, pack]);
}

// Pack the files beside the memory and keep both for the next visit. Resolves to a
// summary (also posted to the page as {type: "pg-snapshot"}).
async function pgStoreSnapshot(pyodide, config, taken) {
  const start = performance.now();
  let summary;
  try {
    const pack = await pgPackFiles(pyodide, config.sitePackages, new Set(taken.imported));
    const blob = pgSnapshotBlob(config, taken, pack);
    const dir = await pgSnapshotDir(true);
    const older = [];  // snapshots of this page made by other builds
    for await (const name of dir.keys()) {
      const page = /^(.+)-[0-9a-f]{16}\.bin$/.exec(name);  // <page>-<16 hex digits>.bin
      if (page && page[1] === config.snapshot.page && name !== `${config.snapshot.key}.bin`) {
        older.push(name);
      }
    }
    for (const name of older) {
      await dir.removeEntry(name);
    }
    // A writable stream writes to a temporary file that replaces the old one on close:
    // another tab never reads a half-written snapshot.
    const writable = await (await dir.getFileHandle(`${config.snapshot.key}.bin`,
      {create: true})).createWritable();
    await writable.write(blob);
    await writable.close();
    summary = {stored: true, bytes: blob.size, takeMs: Math.round(taken.ms),
      storeMs: Math.round(performance.now() - start)};
  } catch (e) {
    summary = {stored: false, error: String((e && e.message) || e)};
    console.info(`pyplayground: the memory snapshot was not stored: ${summary.error}`);
  }
  self.postMessage({type: "pg-snapshot", ...summary});
  return summary;
}

// Parse a stored snapshot: {meta, memory, pack} (views into one buffer).
function pgReadSnapshot(buffer, config) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const magic = new TextDecoder().decode(bytes.subarray(0, 4));
  if (magic !== PG_SNAPSHOT_MAGIC || view.getUint32(4, true) !== PG_SNAPSHOT_VERSION) {
    throw new Error("not a pyplayground snapshot of this version");
  }
  const metaLength = view.getUint32(8, true);
  const meta = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + metaLength)));
  if (meta.key !== config.snapshot.key) {
    throw new Error(`snapshot of ${meta.key}, this page is ${config.snapshot.key}`);
  }
  const at = pgSnapshotDataStart(metaLength);
  if (at + meta.memory + meta.pack !== bytes.length) {
    throw new Error("the stored snapshot is truncated");
  }
  return {
    meta: meta,
    memory: bytes.subarray(at, at + meta.memory),
    pack: bytes.subarray(at + meta.memory, at + meta.memory + meta.pack),
  };
}

// Instantiate the recorded wasm modules again, at their recorded places.
async function pgReloadDynlibs(pyodide, libs, tableLength) {
  const module = pyodide._module;
  const handle = module._PyMem_RawMalloc(40);  // the dlopen handle layout emscripten reads
  try {
    for (const lib of libs) {
      if (lib.tableSize && module.wasmTable.length !== lib.tableBase) {
        throw new Error(`function table at ${module.wasmTable.length}, ` +
                        `${lib.name} was at ${lib.tableBase}`);
      }
      const region = lib.memorySize ?
        module.HEAPU8.slice(lib.memoryBase, lib.memoryBase + lib.memorySize) : null;
      module.HEAPU8.fill(0, handle, handle + 40);
      module.HEAPU8[handle + 8] = 1;  // "already placed": take the bases below
      module.HEAPU32[(handle + 12) >> 2] = lib.memoryBase;
      module.HEAPU32[(handle + 16) >> 2] = lib.memorySize;
      module.HEAPU32[(handle + 20) >> 2] = lib.tableBase;
      module.HEAPU32[(handle + 24) >> 2] = lib.tableSize;
      await module.loadDynamicLibrary(lib.name, {loadAsync: true, nodelete: true,
        allowUndefined: true, global: lib.global, fs: module.FS}, lib.global ? null : {}, handle);
      delete module.LDSO.loadedLibsByHandle[handle];
      if (region !== null) {
        module.HEAPU8.set(region, lib.memoryBase);
      }
      const base = module.PATH.basename(lib.name);  // as Pyodide's loadDynlib does
      module.LDSO.loadedLibsByName[base] ??= module.LDSO.loadedLibsByName[lib.name];
    }
  } finally {
    module._PyMem_RawFree(handle);
  }
  if (module.wasmTable.length !== tableLength) {  // function pointers in memory would be off
    throw new Error(`function table of ${module.wasmTable.length} entries, ` +
                    `the snapshot's had ${tableLength}`);
  }
}

// Start Pyodide from a stored snapshot. Throws if it cannot; the caller then boots the
// normal way.
async function pgRestoreSnapshot(file, config, loadOptions) {
  const t = [performance.now()];
  let stored = null;
  const memory = file.arrayBuffer().then((buffer) => {
    stored = pgReadSnapshot(buffer, config);
    t.push(performance.now());
    return stored.memory;
  });
  // loadPyodide fetches and compiles its runtime while the snapshot is read.
  const pyodide = await loadPyodide({
    ...loadOptions,
    _loadSnapshot: memory,
    _snapshotDeserializer: pgSnapshotObject,
  });
  t.push(performance.now());
  pgProgress("packages", "restoring the snapshot's files and wasm modules");
  const files = await pgWritePack(pyodide, stored.pack, "");
  t.push(performance.now());
  await pgReloadDynlibs(pyodide, stored.meta.libs, stored.meta.tableLength);
  Object.assign(pyodide.loadedPackages, stored.meta.loaded);
  pyodide.runPython(`
import importlib
import random
import sys

importlib.invalidate_caches()
random.seed()
if "numpy.random" in sys.modules:
    sys.modules["numpy.random"].seed()
del importlib, random, sys
`);
  t.push(performance.now());
  const ms = t.slice(1).map((x, i) => Math.round(x - t[i]));
  console.log(`pyplayground: restored the memory snapshot (${stored.memory.length >> 20} MB) ` +
              `and ${files} files: read ${ms[0]} ms, runtime ${ms[1]} ms, files ${ms[2]} ms, ` +
              `wasm modules ${ms[3]} ms`);
  return {pyodide: pyodide, files: files, ms: ms};
}
