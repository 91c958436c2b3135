"""Build the static site: ``python build.py`` / ``pyplayground build``.

Pipeline (each step fails the build with a message naming what failed):

1. our own wheel (``python -m build --wheel``);
2. fetch (cached in ``.cache/``): Pyodide 0.27.7, its numpy/pandas/... wheels, the pure
   wheels of Panel/Bokeh and their dependencies, PyYAML/MarkupSafe built from sdists;
3. ``panel convert`` every entry script ``web/*.py``; rewrite the pages and workers to
   load everything from this site (:mod:`.convert`);
4. precompile all Python code to bytecode with Pyodide under Node (:mod:`.compile`);
5. assemble ``site/``: landing page, app pages, one page per lesson (:mod:`.pages`),
   Pyodide, one package bundle, our wheel, BokehJS and Panel's JS/CSS, static files, the
   service worker;
6. check: no URL in any text file points off-site; print the size report.

The site is assembled in a temporary folder and only replaces ``--out`` when every step
passed, so a failed build never leaves a half-built site behind.
"""

from __future__ import annotations

import argparse
import ast
import dataclasses
import hashlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from pyplayground import __version__

from . import SiteBuildError
from .compile import Job, compile_archives
from .convert import Converted, rewrite_html, rewrite_worker, run_panel_convert
from .fetch import (
    BOKEH_VERSION,
    PANEL_VERSION,
    PYODIDE_CORE_FILES,
    PYODIDE_VERSION,
    Fetched,
    Log,
    fetch_all,
)
from .pack import write_pack
from .pages import (
    JSON_SCHEMA_DIALECT,
    LessonInfo,
    app_link,
    lessons_in,
    render_index,
    write_lesson_pages,
)
from .rewrite import apply_rewrites
from .snapshot import runtime_digest, snapshot_config
from .urls import VENDOR_URLS, check_site

REPO = Path(__file__).resolve().parents[2]
SITE_PACKAGES = "/lib/python3.12/site-packages"
STDLIB_ZIP = "/lib/python312.zip"
# Loaded from ./pyodide/ when any page starts (with their dependencies). The other
# Pyodide packages of the site (fetch.PYODIDE_PACKAGES: pandas, pillow, contourpy,
# micropip) are loaded by a page whose entry script imports them, or on demand with
# `await pyodide_js.loadPackage("pandas")` (Pyodide's ModuleNotFoundError says so).
# pandas alone costs about 1.2 s per page load.
STARTUP_PACKAGES = ("numpy", "packaging")
# Panel's dist folder: the bundle, its CSS and spinners, its theme. Third-party bundles
# under dist/bundled/ (tens of MB, full of CDN URLs) are copied only when a converted page
# references them (e.g. Tabulator's JS for a page with a table).
PANEL_DIST_ALWAYS = (
    "panel/dist/panel.min.js",
    "panel/dist/css/",
    "panel/dist/bundled/theme/",
    "panel/dist/assets/",
)
PANEL_DIST_NEVER = ("panel/dist/assets/logo/",)
# The entry script whose page the lesson pages are made from (pages.write_lesson_pages).
LESSON_ENTRY = "lesson"
# lessons/schema.json is published for editors; its "$schema" dialect URL is an identifier.
VENDOR_URLS.setdefault("lessons/schema.json", {})[JSON_SCHEMA_DIALECT] = (
    "text: the JSON Schema dialect ($schema), an identifier editors never fetch"
)


@dataclasses.dataclass
class BuildReport:
    out: Path
    build_id: str
    pages: list[str]
    total_bytes: int
    file_count: int
    cold_load_bytes: dict[str, int]
    seconds: float

    def summary(self) -> str:
        mb = 1e6
        lines = [
            f"site built in {self.seconds:.0f} s: {self.out}  (build {self.build_id})",
            f"  {self.file_count} files, {self.total_bytes / mb:.1f} MB on disk",
        ]
        for page, size in self.cold_load_bytes.items():
            lines.append(
                f"  {page}: a cold load downloads about {size / mb:.1f} MB "
                "(files referenced by the page and its worker)"
            )
        return "\n".join(lines)


# ----------------------------------------------------------------------------- steps


def build_wheel(root: Path, out_dir: Path) -> Path:
    """``python -m build --wheel`` for the project at ``root``; the wheel's path."""
    cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out_dir)]
    if importlib.util.find_spec("hatchling") is not None:
        cmd.append("--no-isolation")  # the backend is installed: no download needed
    out_dir.mkdir(parents=True, exist_ok=True)
    # cwd: not the project root, where `python -m build` would find our build.py shim
    proc = subprocess.run(
        [*cmd, str(root)], capture_output=True, text=True, check=False, cwd=out_dir
    )
    wheels = sorted(out_dir.glob("pyplayground-*-py3-none-any.whl"))
    if proc.returncode != 0 or len(wheels) != 1:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        raise SiteBuildError(
            f"building our wheel failed (exit {proc.returncode}):\n{tail}\n"
            "Install the build tools: pip install -e '.[build]'"
        )
    return wheels[0]


def entry_scripts(web: Path) -> list[Path]:
    entries = sorted(p for p in web.glob("*.py") if not p.name.startswith("_"))
    if not entries:
        raise SiteBuildError(f"no entry scripts (*.py) in {web}")
    return entries


def extract_members(
    wheel: Path,
    prefix: str,
    dest: Path,
    include: Sequence[str] = ("",),
    exclude: Sequence[str] = (),
    rename=None,
) -> int:
    """Copy the members of ``wheel`` under ``prefix`` and ``include`` to ``dest``."""
    n = 0
    with zipfile.ZipFile(wheel) as z:
        for name in z.namelist():
            if (
                not name.startswith(prefix)
                or name.endswith("/")
                or not name.startswith(tuple(include))
                or name.startswith(tuple(exclude))
            ):
                continue
            rel = rename(name) if rename else name[len(prefix) :]
            if rel is None:
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(name))
            n += 1
    if n == 0:
        raise SiteBuildError(f"{wheel.name} has no files under {prefix}")
    return n


def bokeh_release_name(name: str) -> str | None:
    m = re.fullmatch(r"bokeh/server/static/js/(bokeh(?:-[a-z]+)?)\.min\.js", name)
    return f"{m.group(1)}-{BOKEH_VERSION}.min.js" if m else None


def panel_dist_members(pages: Iterable[str]) -> tuple[str, ...]:
    """Wheel paths to copy from panel/dist: the basics and every bundle a page uses."""
    used = set(PANEL_DIST_ALWAYS)
    for html in pages:
        for name in re.findall(
            r"https://cdn\.holoviz\.org/panel/[^/]+/dist/bundled/([^/\"']+)/", html
        ):
            used.add(f"panel/dist/bundled/{name}/")
    return tuple(sorted(used))


def tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -------------------------------------------------------------------------- assemble


def write_pyodide(fetched: Fetched, compiled: dict[Path, Path], dest: Path) -> None:
    """The runtime and the Pyodide packages, with a lockfile that lists only those."""
    dest.mkdir(parents=True)
    lock = json.loads((fetched.pyodide_dir / "pyodide-lock.json").read_text())
    for name in PYODIDE_CORE_FILES:
        if name == "pyodide-lock.json":
            continue
        src = fetched.pyodide_dir / name
        shutil.copyfile(compiled.get(src, src), dest / name)
    packages = {}
    for name in fetched.pyodide_packages:
        entry = dict(lock["packages"][name])
        src = fetched.pyodide_dir / entry["file_name"]
        data = compiled.get(src, src).read_bytes()
        (dest / entry["file_name"]).write_bytes(data)
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        packages[name] = entry
    lock["packages"] = packages
    (dest / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))


def project_root(given: Path | None = None) -> Path:
    """The project to build: ``given``, else the current folder, else this checkout."""
    candidates = [given] if given else [Path.cwd(), REPO]
    for root in candidates:
        if (root / "pyproject.toml").is_file() and (root / "web").is_dir():
            return root.resolve()
    raise SiteBuildError(
        f"{candidates[0]} is not the pyplayground project (no pyproject.toml and web/); "
        "run the build from the project folder or pass --project DIR"
    )


def build_site(
    root: Path = REPO,
    out: Path | None = None,
    cache: Path | None = None,
    precompile: bool = True,
    log: Log = print,
) -> BuildReport:
    """Build the site of the project at ``root`` into ``out`` (default ``root/site``)."""
    t0 = time.perf_counter()
    root = Path(root).resolve()
    out = Path(out or root / "site").resolve()
    cache = Path(cache or root / ".cache").resolve()
    if out.exists() and any(out.iterdir()) and not (out / "build-info.json").is_file():
        raise SiteBuildError(
            f"{out} exists and is not a site built by this tool; "
            "refusing to replace it (choose another --out)"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pg-build-") as tmp_name:
        tmp = Path(tmp_name)
        log("1/6 building our wheel")
        wheel = build_wheel(root, tmp / "dist")
        log(f"2/6 fetching Pyodide and wheels (cached in {cache})")
        fetched = apply_rewrites(fetch_all(cache, log), cache, log)
        log("3/6 converting the entry scripts with panel convert")
        entries = entry_scripts(root / "web")
        converted = run_panel_convert(entries, tmp / "convert", pythonpath=root)
        if precompile:
            log("4/6 precompiling Python to bytecode")
            compiled = compile_archives(
                compile_jobs(fetched, wheel), fetched.pyodide_dir, cache, log
            )
        else:
            log("4/6 precompiling skipped (--no-compile)")
            compiled = {}
        log("5/6 assembling the site")
        site = out.with_name(f".{out.name}.building")
        shutil.rmtree(site, ignore_errors=True)
        site.mkdir()
        try:
            info = assemble(site, root, fetched, compiled, wheel, entries, converted)
            info["precompiled"] = precompile
            log("6/6 checking the site")
            check_site(site, info["pages"] + info["lesson_pages"])
            (site / "build-info.json").write_text(json.dumps(info, indent=1))
            total, count = tree_bytes(site), sum(1 for p in site.rglob("*") if p.is_file())
            replace_tree(site, out)
        except BaseException:
            shutil.rmtree(site, ignore_errors=True)  # never leave a half-built site
            raise
    return BuildReport(
        out, info["build_id"], info["pages"], total, count, info["cold_load_bytes"],
        time.perf_counter() - t0,
    )  # fmt: skip


def compile_jobs(fetched: Fetched, wheel: Path) -> list[Job]:
    """Everything Python the browser imports: stdlib, Pyodide packages, pure wheels, ours."""
    lock = json.loads((fetched.pyodide_dir / "pyodide-lock.json").read_text())
    jobs = [Job(fetched.pyodide_dir / "python_stdlib.zip", STDLIB_ZIP)]
    jobs += [
        Job(fetched.pyodide_dir / lock["packages"][p]["file_name"], SITE_PACKAGES)
        for p in fetched.pyodide_packages
    ]
    jobs += [Job(w, SITE_PACKAGES) for w in fetched.pure_wheels]
    jobs.append(Job(wheel, SITE_PACKAGES, mode="alongside"))  # keep our sources readable
    return jobs


def assemble(
    site: Path,
    root: Path,
    fetched: Fetched,
    compiled: dict[Path, Path],
    wheel: Path,
    entries: list[Path],
    converted: list[Converted],
) -> dict:
    """Write every file of the site into ``site``; return the build information."""
    web = root / "web"
    write_pyodide(fetched, compiled, site / "pyodide")
    pack_name = write_bundle([compiled.get(w, w) for w in fetched.pure_wheels], site / "env")
    (site / "wheels").mkdir()
    shutil.copyfile(compiled.get(wheel, wheel), site / "wheels" / wheel.name)
    extract_members(
        fetched.bokeh_wheel, "bokeh/server/static/js/", site / "bokeh/release",
        rename=bokeh_release_name,
    )  # fmt: skip
    pages = {c.name: c.html.read_text(encoding="utf-8") for c in converted}
    extract_members(
        fetched.panel_wheel, "panel/dist/", site / "panelcdn" / PANEL_VERSION / "dist",
        include=panel_dist_members(pages.values()), exclude=PANEL_DIST_NEVER,
    )  # fmt: skip
    shutil.copytree(
        web / "static", site / "static", ignore=shutil.ignore_patterns("sw.js", "__pycache__")
    )
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text())
    digest = runtime_digest(site, [f"./env/{pack_name}"], [f"./wheels/{wheel.name}"])
    boots = {}
    for conv, entry in zip(converted, entries, strict=True):
        boots[conv.name] = boot_config(entry, lock, pack_name, wheel.name)
        boots[conv.name]["snapshot"] = snapshot_config(conv.name, entry, digest)
        html = rewrite_html(pages[conv.name], conv.name)
        js = rewrite_worker(conv.js.read_text(encoding="utf-8"), conv.name, boots[conv.name])
        (site / f"{conv.name}.html").write_text(html, encoding="utf-8")
        (site / f"{conv.name}.js").write_text(js, encoding="utf-8")
    names = [c.name for c in converted]
    if LESSON_ENTRY in names:  # one page per lesson, made from the converted lesson page
        lesson_html = (site / f"{LESSON_ENTRY}.html").read_text(encoding="utf-8")
        lessons = write_lesson_pages(site, root, lesson_html, LESSON_ENTRY)
    else:
        lessons = lessons_in(root / "lessons")  # listed, not linked
    write_index(site, root, entries, lessons)
    (site / ".nojekyll").write_text("")  # GitHub Pages: serve _-prefixed paths as they are
    build_id = site_digest(site)
    sw = (web / "static" / "sw.js").read_text(encoding="utf-8")
    if "__BUILD_ID__" not in sw:
        raise SiteBuildError("web/static/sw.js has no __BUILD_ID__ placeholder")
    (site / "sw.js").write_text(sw.replace("__BUILD_ID__", build_id), encoding="utf-8")
    return {
        "build_id": build_id,
        "version": __version__,
        "pyodide": PYODIDE_VERSION,
        "panel": PANEL_VERSION,
        "bokeh": BOKEH_VERSION,
        "pages": names,
        "lesson_pages": [Path(lesson.href).stem for lesson in lessons if lesson.href],
        "startup_packages": {n: b["packages"] for n, b in boots.items()},
        "pack": pack_name,
        "wheel": wheel.name,
        "cold_load_bytes": {f"{n}.html": cold_load_bytes(site, n, boots[n]) for n in names},
    }


def write_bundle(wheels: list[Path], dest: Path) -> str:
    """One gzip pack of ``wheels`` in ``dest``, named by its content; its file name."""
    dest.mkdir()
    tmp = dest / "python-packages.pack.gz"
    write_pack(wheels, tmp)
    name = f"python-packages-{hashlib.sha256(tmp.read_bytes()).hexdigest()[:12]}.pack.gz"
    tmp.rename(dest / name)
    return name


def write_index(site: Path, root: Path, entries: list[Path], lessons: list[LessonInfo]) -> None:
    index = render_index(
        root / "web" / "templates" / "index.html.j2",
        title="pyplayground",
        apps=[app_link(e) for e in entries if e.stem != LESSON_ENTRY],
        lessons=lessons,
        version=__version__,
        pyodide_version=PYODIDE_VERSION,
        panel_version=PANEL_VERSION,
        bokeh_version=BOKEH_VERSION,
    )
    (site / "index.html").write_text(index, encoding="utf-8")


def replace_tree(new: Path, out: Path) -> None:
    """Put the finished site ``new`` in place of ``out``."""
    old = out.with_name(f".{out.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    new.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def imported_modules(script: Path) -> set[str]:
    """Top-level modules an entry script imports."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.partition(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.partition(".")[0])
    return names


def boot_config(entry: Path, lock: dict, pack: str, wheel: str) -> dict:
    """What the worker of ``entry``'s page loads (read by web/static/worker_boot.js)."""
    by_module = {m: name for name, p in lock["packages"].items() for m in p.get("imports", [])}
    packages = set(STARTUP_PACKAGES)
    packages.update(by_module[m] for m in imported_modules(entry) if m in by_module)
    return {
        "indexURL": "./pyodide/",
        "panelCdn": "./panelcdn/",
        "packages": sorted(packages),
        "packs": [f"./env/{pack}"],
        "wheels": [f"./wheels/{wheel}"],
        "sitePackages": SITE_PACKAGES,
        "installLabel": "panel, bokeh, pyplayground",
    }


def site_digest(site: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(site.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(site)).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:12]


def cold_load_bytes(site: Path, name: str, boot: dict) -> int:
    """Bytes of the files a first visit of ``name``.html downloads (static estimate).

    The page and what it references (scripts, stylesheets), the worker, Pyodide's
    runtime files and start-up packages, the package bundle and our wheel. Files Panel
    requests later (e.g. CSS named inside the document) are not counted: the browser
    tests measure the real transfer (docs/site.md).
    """
    files = {f"{name}.html", f"{name}.js", "static/worker_boot.js", "static/snapshot.js", "sw.js"}
    html = (site / f"{name}.html").read_text(encoding="utf-8")
    for ref in re.findall(r'(?:src|href)="\./([^"?#]+)"', html):
        files.add(ref)
    files.update(f"pyodide/{f}" for f in PYODIDE_CORE_FILES)
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text())
    todo, seen = list(boot["packages"]), set()
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(lock["packages"][p].get("depends", []))
    files.update(f"pyodide/{lock['packages'][p]['file_name']}" for p in seen)
    files.update(p.lstrip("./") for p in boot["packs"] + boot["wheels"])
    return sum((site / f).stat().st_size for f in files if (site / f).is_file())


# ------------------------------------------------------------------------------- cli


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(
        prog="pyplayground build", description="Build the static site into site/."
    )
    parser.add_argument(
        "--project", type=Path, default=None, help="project folder (default: the current one)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="output folder (default: site/ in the project)"
    )
    parser.add_argument(
        "--cache", type=Path, default=None, help="download cache (default: .cache/ in the project)"
    )
    parser.add_argument(
        "--no-compile",
        dest="precompile",
        action="store_false",
        help="skip precompiling to bytecode (no Node.js needed; slower pages)",
    )
    parser.add_argument("--serve", action="store_true", help="serve the site after building")
    parser.add_argument(
        "--port",
        type=int,
        default=0,
        help="with --serve: port to listen on (default: any free port)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        report = build_site(
            project_root(args.project), out=args.out, cache=args.cache, precompile=args.precompile
        )
    except SiteBuildError as e:
        print(f"\nBUILD FAILED: {e}", file=sys.stderr)
        return 1
    print(report.summary())
    if args.serve:
        from .serve import serve

        try:
            serve(report.out, port=args.port)
        except SiteBuildError as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
    return 0
