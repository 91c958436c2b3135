// Helpers shared by the Pyodide-under-Node benchmark scripts.

import fs from "node:fs";
import path from "node:path";

export function findPyodide(root) {
  // depth-first search for a folder holding both pyodide.js and pyodide-lock.json
  if (!fs.existsSync(root)) return null;
  const stack = [root];
  while (stack.length) {
    const d = stack.pop();
    let entries;
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      continue;
    }
    const names = new Set(entries.map((e) => e.name));
    if (names.has("pyodide.js") && names.has("pyodide-lock.json")) return d;
    for (const e of entries) if (e.isDirectory()) stack.push(path.join(d, e.name));
  }
  return null;
}

export function copyTree(FS, src, dst) {
  // copy every .py file below src into Pyodide's FS at dst
  FS.mkdirTree(dst);
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name);
    const d = `${dst}/${e.name}`;
    if (e.isDirectory()) {
      if (e.name !== "__pycache__") copyTree(FS, s, d);
    } else if (e.name.endsWith(".py")) {
      FS.writeFile(d, fs.readFileSync(s));
    }
  }
}
