"""What a page's worker needs to keep a memory snapshot of Python (web/static/snapshot.js).

A first visit imports the page's modules, copies Python's memory and keeps it in the
browser's Cache Storage; a second visit restores it instead of starting Python. The
snapshot is only valid for the exact runtime, packages, worker code and imports it was
made with, so its key is a digest of all of them: a rebuilt site with any change gets
new keys, and the worker drops older snapshots of the same page.
"""

from __future__ import annotations

import ast
import hashlib
import json
from pathlib import Path

#: Imported by Panel's worker template before the entry script runs.
TEMPLATE_IMPORTS = ("panel", "panel.io.pyodide")

#: Files of the built site the snapshot depends on, besides the bundle and our wheel.
RUNTIME_FILES = (
    "pyodide/pyodide.asm.wasm",
    "pyodide/pyodide.asm.js",
    "pyodide/python_stdlib.zip",
    "pyodide/pyodide-lock.json",
    "static/worker_boot.js",
    "static/snapshot.js",
)


def snapshot_imports(entry: Path) -> list[str]:
    """Modules imported before the snapshot: the template's and the entry's module level.

    Parameters
    ----------
    entry : Path
        The page's entry script (``web/NAME.py``).

    Returns
    -------
    list of str
        Dotted module names, in import order, without repeats.
    """
    tree = ast.parse(entry.read_text(encoding="utf-8"), str(entry))
    names = list(TEMPLATE_IMPORTS)
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return list(dict.fromkeys(names))


def runtime_digest(site: Path, packs: list[str], wheels: list[str]) -> str:
    """Digest of the site's files that a snapshot of any page depends on.

    Parameters
    ----------
    site : Path
        The site being assembled (Pyodide, ``static/``, the bundle and wheel written).
    packs, wheels : list of str
        The bundle and wheel paths of the boot configuration (``./env/...``).
    """
    h = hashlib.sha256()
    for rel in (*RUNTIME_FILES, *packs, *wheels):
        path = site / rel.removeprefix("./")
        h.update(rel.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def snapshot_config(name: str, entry: Path, digest: str) -> dict:
    """The ``snapshot`` entry of a worker's boot configuration.

    Parameters
    ----------
    name : str
        The page (``train`` for ``train.html``); one snapshot is kept per page.
    entry : Path
        The page's entry script.
    digest : str
        :func:`runtime_digest` of the site.

    Returns
    -------
    dict
        ``{"page", "imports", "key"}``; the key is ``NAME-<16 hex digits>``.
    """
    imports = snapshot_imports(entry)
    h = hashlib.sha256(digest.encode())
    h.update(json.dumps(imports).encode())
    return {"page": name, "imports": imports, "key": f"{name}-{h.hexdigest()[:16]}"}
