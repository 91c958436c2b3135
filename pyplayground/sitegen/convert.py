"""Convert the entry scripts in ``web/`` with ``panel convert`` and make them local.

``panel convert --to pyodide-worker`` writes ``NAME.html`` (the page, pre-rendered) and
``NAME.js`` (a Web Worker that runs Pyodide). Both point at CDNs (jsdelivr, cdn.bokeh.org,
cdn.holoviz.org), which this site never uses. The rewrite below:

* points BokehJS and Panel's JS/CSS at ``./bokeh/release/`` and ``./panelcdn/``;
* applies page->worker patches synchronously (``pgApplyPatch``): the template's way
  loses a patch when two arrive close together;
* replaces the worker's start-up (``loadPyodide()``, ``micropip.install([...])``) with
  ``pgBoot`` from ``web/static/worker_boot.js``: local Pyodide, local packages, our
  precompiled package bundle and wheel, the ``jsnull`` shim, progress messages, and
  install errors that stop the start-up and reach the page instead of being logged;
* calls ``pgStarted`` once the built document is posted to the page (Python's garbage
  collector is off from ``pgBoot`` until then);
* adds the loading screen (``static/loading.js`` and ``loading.css``) to the page; it
  starts the worker at the top of ``<head>``, before BokehJS, and hands it to the page.

Every pattern must be found the expected number of times, or :class:`ConvertError` names
the missing pattern: a Panel upgrade that changes the template fails the build instead
of producing a site that silently loads from a CDN or not at all.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from . import SiteBuildError


class ConvertError(SiteBuildError):
    """``panel convert`` failed or its output no longer matches the rewrite."""


@dataclasses.dataclass(frozen=True)
class Converted:
    name: str  # "playground" for web/playground.py
    html: Path
    js: Path


CDN_REWRITES = (
    ("https://cdn.bokeh.org/bokeh/release/", "./bokeh/release/"),
    ("https://cdn.holoviz.org/panel/", "./panelcdn/"),
)

# The worker's start-up, from the "Loading pyodide" log to "Environment loaded!".
BOOT_BLOCK = re.compile(
    r'  console\.log\("Loading pyodide\.\.\."\);\n.*?'
    r'  console\.log\("Environment loaded!"\);\n',
    re.S,
)
IMPORT_SCRIPTS = re.compile(r'^importScripts\("[^"]+"\);$', re.M)
WORKER_SCRIPTS = (
    'importScripts("./pyodide/pyodide.js", "./static/worker_boot.js", "./static/snapshot.js");'
)
# Panel's template hands each page->worker patch over in the global `patch` and applies it
# later (runPythonAsync starts on the next event-loop turn): a second patch that arrives in
# between overwrites the first, so e.g. a button click was lost while training streamed.
PATCH_HANDLER = (
    "    self.pyodide.globals.set('patch', msg.patch)\n"
    "    self.pyodide.runPythonAsync(`\n"
    "    from panel.io.pyodide import _convert_json_patch\n"
    "    state.curdoc.apply_json_patch(_convert_json_patch(patch), setter='js')\n"
    "    `)\n"
)
EXEC_STATUS = "self.postMessage({type: 'status', msg: 'Executing code'})"
EXEC_CATCH = "    const traceback = `${e}`\n"
# The end of the message that hands the built document to the page.
RENDER_POSTED = "      root_ids: root_ids\n    })\n"


def _replace_once(text: str, pattern: str | re.Pattern, repl: str, what: str, where: str) -> str:
    if isinstance(pattern, re.Pattern):
        new, n = pattern.subn(lambda _m: repl, text)
    else:
        n = text.count(pattern)
        new = text.replace(pattern, repl)
    if n != 1:
        raise ConvertError(
            f"rewriting {where}: expected the {what} exactly once, found it {n} times.\n"
            "The panel convert template changed (is panel still pinned to 1.9.4?). "
            "Update the patterns in pyplayground/sitegen/convert.py to the new template."
        )
    return new


def rewrite_html(html: str, name: str) -> str:
    """Make a converted page use local files and show the loading screen."""
    where = f"{name}.html"
    for cdn, local in CDN_REWRITES:
        if cdn not in html:
            raise ConvertError(
                f"rewriting {where}: no {cdn} URL found; the panel convert "
                "output changed, update CDN_REWRITES in sitegen/convert.py"
            )
        html = html.replace(cdn, local)
    # Start the worker before BokehJS loads: Python boots while the page loads.
    start = (
        '<head>\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<link rel="icon" href="./static/favicon.svg" type="image/svg+xml">\n'
        '<link rel="stylesheet" href="./static/loading.css" type="text/css">\n'
        '<script src="./static/loading.js"></script>\n'
        f'<script>pgStartWorker("./{name}.js");</script>'
    )
    html = _replace_once(html, "<head>", start, "<head> tag", where)
    html = _replace_once(
        html,
        f'const pyodideWorker = new Worker("./{name}.js");',
        f'const pyodideWorker = pgWorker("./{name}.js");',
        "worker construction",
        where,
    )
    return html


def rewrite_worker(js: str, name: str, boot_config: dict) -> str:
    """Make a converted worker boot from local files via ``pgBoot``."""
    where = f"{name}.js"
    js = _replace_once(
        js,
        IMPORT_SCRIPTS,
        WORKER_SCRIPTS,
        "importScripts(<pyodide CDN>) line",
        where,
    )
    config = json.dumps(boot_config, indent=None, sort_keys=True)
    boot = f'  await pgBoot({config});\n  self.pyodide.globals.set("sendPatch", sendPatch);\n'
    js = _replace_once(
        js,
        BOOT_BLOCK,
        boot,
        "start-up block (loadPyodide ... micropip.install ... 'Environment loaded!')",
        where,
    )
    js = _replace_once(js, EXEC_STATUS, "pgProgress('app')", "'Executing code' status", where)
    js = _replace_once(
        js,
        RENDER_POSTED,
        RENDER_POSTED + "    pgStarted()\n",
        "'render' message of the built document",
        where,
    )
    js = _replace_once(
        js,
        EXEC_CATCH,
        "    pgFail('app', e)\n" + EXEC_CATCH,
        "catch block of the app execution",
        where,
    )
    js = _replace_once(
        js,
        PATCH_HANDLER,
        "    pgApplyPatch(msg.patch)\n",
        "patch handler (globals.set('patch') + runPythonAsync)",
        where,
    )
    for bad in ("micropip.install", "loadPyodide()", "cdn.jsdelivr.net"):
        if bad in js:
            raise ConvertError(
                f"rewriting {where}: {bad!r} is still in the worker after "
                "the rewrite; update sitegen/convert.py"
            )
    return js


# Globals of panel's worker template that share the namespace of the entry script.
RESERVED_GLOBALS = {
    "state": "the worker template runs `from panel.io.state import state` in the same globals",
    "location": "the worker stores the page location in this global",
    "sendPatch": "the worker's function that sends patches to the page",
}
MAX_ENTRY_LINES = 30


def check_entry_script(path: Path) -> None:
    """An entry script only composes components, and keeps clear of the template's globals."""
    text = path.read_text(encoding="utf-8")
    if len(text.splitlines()) > MAX_ENTRY_LINES:
        raise ConvertError(
            f"{path} has more than {MAX_ENTRY_LINES} lines: an entry script only composes "
            "components; move the code into pyplayground/ui/"
        )
    for node in _module_level_nodes(ast.parse(text, str(path))):
        names = []
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names = [node.id]
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [(a.asname or a.name).partition(".")[0] for a in node.names]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names = [node.name]
        for name in names:
            if name in RESERVED_GLOBALS:
                raise ConvertError(
                    f"{path}:{node.lineno} binds the name {name!r}, which breaks the page in "
                    f"the browser ({RESERVED_GLOBALS[name]}); rename it"
                )


def _module_level_nodes(tree: ast.Module):
    """Every node whose names land in the module's globals (not inside functions)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            todo.extend(n for n in ast.iter_child_nodes(node) if not isinstance(n, ast.Lambda))


def run_panel_convert(
    entries: Sequence[Path], out_dir: Path, pythonpath: Path, timeout: float = 600
) -> list[Converted]:
    """Run ``panel convert`` on ``entries``; check that every page and worker exists."""
    for entry in entries:
        check_entry_script(Path(entry))
    out_dir.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "panel",
        "convert",
        *map(str, entries),
        "--to",
        "pyodide-worker",
        "--out",
        str(out_dir),
        "--disable-http-patch",
        "--num-procs",
        "1",
    ]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            [str(pythonpath), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as e:
        raise ConvertError(f"panel convert took longer than {timeout:.0f} s: {cmd}") from e
    output = (proc.stdout + proc.stderr).strip()
    results, missing = [], []
    for entry in entries:
        name = Path(entry).stem
        html, js = out_dir / f"{name}.html", out_dir / f"{name}.js"
        if html.is_file() and js.is_file():
            results.append(Converted(name, html, js))
        else:
            missing.append(str(entry))
    if proc.returncode != 0 or missing or "Failed to convert" in output:
        tail = "\n".join(output.splitlines()[-25:])
        raise ConvertError(
            f"panel convert failed for {', '.join(missing) or 'the entry scripts'} "
            f"(exit code {proc.returncode}).\n{tail}\n"
            "The entry script must run natively too: try `panel serve web/<name>.py` to "
            "see the error."
        )
    return results
