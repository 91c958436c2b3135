"""Precompile Python sources to bytecode with Pyodide's own Python (build time only).

The browser runs CPython 3.12.7 (Pyodide 0.27.7) with ``dont_write_bytecode``, so every
page load would otherwise compile every imported ``.py`` file again: the standard
library, numpy, pandas, bokeh, panel... There is no native Python 3.12 on the build
machine, so the bytecode is made by Pyodide itself, run under Node.js (the same
interpreter the browser runs, so the magic number always matches).

Two modes per archive (a wheel or the stdlib zip):

* ``replace``: each ``foo.py`` becomes ``foo.pyc`` (sourceless import, like Pyodide's own
  ``pyodide py-compile``). Smaller downloads; tracebacks show file and line, no source.
* ``alongside``: keep ``foo.py`` and add ``__pycache__/foo.cpython-312.pyc`` as an
  unchecked-hash pyc (PEP 552), so tracebacks and ``inspect.getsource`` still work. Used
  for our own package.

Results are cached under ``<cache>/compiled`` keyed by the input's sha256.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import SiteBuildError
from .fetch import Log, sha256_file, zip_problem

# Bump when the compile logic changes, so cached outputs are rebuilt.
COMPILER_VERSION = "1"

NODE_RUNNER = r"""
const path = require('path');
const fs = require('fs');
const [indexURL, workdir] = process.argv.slice(2);
const {loadPyodide} = require(path.join(indexURL, 'pyodide.js'));
(async () => {
  const py = await loadPyodide({indexURL: indexURL + '/'});
  py.FS.mkdirTree('/work');
  py.FS.mount(py.FS.filesystems.NODEFS, {root: workdir}, '/work');
  await py.runPythonAsync(fs.readFileSync(path.join(workdir, 'job.py'), 'utf8'));
})().catch((e) => { console.error(String(e)); process.exit(1); });
"""

# Runs inside Pyodide. Reads /work/job.json, writes the outputs and /work/result.json.
JOB_PY = r"""
import importlib._bootstrap_external as bx
import importlib.util
import json
import sys
import zipfile

TAG = sys.implementation.cache_tag
job = json.load(open("/work/job.json"))
result = []
for item in job:
    src, dst, prefix, mode = item["src"], item["dst"], item["prefix"], item["mode"]
    compiled = failed = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        names = set(zin.namelist())
        record_name = next((n for n in names if n.endswith(".dist-info/RECORD")), None)
        renamed = {}
        for info in zin.infolist():
            data = zin.read(info)
            name = info.filename
            if name.endswith(".py") and name != record_name:
                try:
                    code = compile(data, f"{prefix}/{name}", "exec", dont_inherit=True)
                except (SyntaxError, ValueError):
                    failed += 1
                    zout.writestr(info, data)
                    continue
                compiled += 1
                if mode == "replace":
                    pyc = bx._code_to_timestamp_pyc(code, 0, len(data))
                    out = zipfile.ZipInfo(name + "c", info.date_time)
                    out.compress_type = zipfile.ZIP_DEFLATED
                    zout.writestr(out, bytes(pyc))
                    renamed[name] = name + "c"
                    continue
                head, _, base = name.rpartition("/")
                pyc_name = (head + "/" if head else "") + f"__pycache__/{base[:-3]}.{TAG}.pyc"
                pyc = bx._code_to_hash_pyc(code, importlib.util.source_hash(data), False)
                out = zipfile.ZipInfo(pyc_name, info.date_time)
                out.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(out, bytes(pyc))
            if name == record_name:
                continue
            zout.writestr(info, data)
        if record_name:
            lines = []
            for line in zin.read(record_name).decode().splitlines():
                path = line.split(",")[0]
                lines.append(f"{renamed[path]},," if path in renamed else line)
            info = zin.getinfo(record_name)
            zout.writestr(info, "\n".join(lines) + "\n")
    result.append({"dst": dst, "compiled": compiled, "failed": failed})
json.dump(result, open("/work/result.json", "w"))
"""


class CompileError(SiteBuildError):
    """Precompiling with Pyodide under Node failed."""


@dataclasses.dataclass(frozen=True)
class Job:
    src: Path
    prefix: str  # the archive's root inside the browser's file system
    mode: str = "replace"  # or "alongside"


def find_node() -> str | None:
    return shutil.which("node") or shutil.which("nodejs")


def compile_archives(
    jobs: Sequence[Job], pyodide_dir: Path, cache: Path, log: Log = print
) -> dict[Path, Path]:
    """Return ``{src: compiled copy}`` for every job; compile what is not cached."""
    out_dir = Path(cache) / "compiled"
    out_dir.mkdir(parents=True, exist_ok=True)
    record_path = out_dir / "compiled.json"
    try:
        record = json.loads(record_path.read_text())
    except (OSError, ValueError):
        record = {}
    results: dict[Path, Path] = {}
    todo = []
    for job in jobs:
        key = f"{sha256_file(job.src)}:{job.prefix}:{job.mode}:{COMPILER_VERSION}"
        dst = out_dir / job.src.name
        entry = record.get(dst.name, {})
        if (
            dst.is_file()
            and entry.get("key") == key
            and entry.get("sha256") == sha256_file(dst)
            and zip_problem(dst) is None
        ):
            results[job.src] = dst
        else:
            todo.append((job, key, dst))
    if not todo:
        return results
    node = find_node()
    if node is None:
        raise CompileError(
            "precompiling needs Node.js (`node` on PATH) to run Pyodide; "
            "install Node 18+ or build with --no-compile"
        )
    log(f"precompiling {len(todo)} archive(s) to Python 3.12 bytecode with Pyodide under Node")
    with tempfile.TemporaryDirectory(prefix="pg-compile-") as tmp:
        work = Path(tmp)
        spec = []
        for i, (job, _key, _dst) in enumerate(todo):
            shutil.copyfile(job.src, work / f"in{i}.zip")
            spec.append(
                {
                    "src": f"/work/in{i}.zip",
                    "dst": f"/work/out{i}.zip",
                    "prefix": job.prefix,
                    "mode": job.mode,
                }
            )
        (work / "job.json").write_text(json.dumps(spec))
        (work / "job.py").write_text(JOB_PY)
        (work / "run.js").write_text(NODE_RUNNER)
        proc = subprocess.run(
            [node, str(work / "run.js"), str(Path(pyodide_dir).resolve()), str(work)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0 or not (work / "result.json").is_file():
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
            raise CompileError(
                f"precompiling with Pyodide under Node failed "
                f"(exit {proc.returncode}):\n{tail}\n"
                "Build with --no-compile to skip this step."
            )
        summary = json.loads((work / "result.json").read_text())
        for i, ((job, key, dst), res) in enumerate(zip(todo, summary, strict=True)):
            if res["compiled"] == 0:
                raise CompileError(f"no Python file in {job.src.name} could be compiled")
            shutil.copyfile(work / f"out{i}.zip", dst)
            record[dst.name] = {
                "key": key,
                "sha256": sha256_file(dst),
                "compiled": res["compiled"],
                "failed": res["failed"],
            }
            results[job.src] = dst
    record_path.write_text(json.dumps(record, indent=1, sort_keys=True))
    return results
