"""A real build of the site (no stubs): the pipeline end to end, and failing builds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pyplayground.sitegen import SiteBuildError
from pyplayground.sitegen.build import build_site, main
from pyplayground.sitegen.pack import read_pack
from pyplayground.sitegen.urls import offsite_urls

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """A copy of the project (so a broken entry script does not touch the real one)."""
    root = tmp_path_factory.mktemp("project")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, root / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pyplayground", "web", "lessons"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name, ignore=ignore)
    return root


@pytest.fixture(scope="module")
def built(project: Path) -> Path:
    build_site(project, out=project / "site", cache=REPO / ".cache", log=lambda _m: None)
    return project / "site"


def test_the_site_has_everything_it_serves(built: Path) -> None:
    info = json.loads((built / "build-info.json").read_text())
    assert info["pyodide"] == "0.27.7" and info["panel"] == "1.9.4"
    assert "playground" in info["pages"]
    for name in (
        "index.html",
        "playground.html",
        "train.html",
        "playground.js",
        "sw.js",
        ".nojekyll",
        "static/loading.js",
        "static/worker_boot.js",
        "pyodide/pyodide.asm.wasm",
        "pyodide/python_stdlib.zip",
        "pyodide/pyodide-lock.json",
        "bokeh/release/bokeh-3.9.2.min.js",
        "panelcdn/1.9.4/dist/panel.min.js",
        f"wheels/{info['wheel']}",
        f"env/{info['pack']}",
    ):
        assert (built / name).is_file(), name
    lock = json.loads((built / "pyodide" / "pyodide-lock.json").read_text())
    assert {"numpy", "pandas", "pillow", "contourpy"} <= set(lock["packages"])
    for entry in lock["packages"].values():
        assert (built / "pyodide" / entry["file_name"]).is_file()
    assert "__BUILD_ID__" not in (built / "sw.js").read_text()
    assert info["build_id"] in (built / "sw.js").read_text()


def test_the_bundle_holds_precompiled_panel_bokeh_and_pure_builds(built: Path) -> None:
    info = json.loads((built / "build-info.json").read_text())
    files = read_pack((built / "env" / info["pack"]).read_bytes())
    for name in (
        "panel/__init__.pyc",
        "bokeh/__init__.pyc",
        "yaml/__init__.pyc",
        "markupsafe/__init__.pyc",
        "pyodide_http/__init__.pyc",
        "panel-1.9.4.dist-info/METADATA",
    ):
        assert name in files, name
    assert not any(n.endswith((".so", ".pyd")) for n in files)
    assert not any(
        n.startswith(("panel/dist/bundled/", "bokeh/server/static/js/")) for n in files
    )  # slimmed: served to the page from panelcdn/ and bokeh/


def test_no_url_points_off_site(built: Path) -> None:
    assert offsite_urls(built) == []


def test_a_broken_entry_script_fails_and_keeps_the_last_good_site(project, built) -> None:
    before = (built / "build-info.json").read_text()
    broken = project / "web" / "zz_broken.py"
    broken.write_text('"""Broken."""\nraise RuntimeError("boom in zz_broken")\n')
    try:
        with pytest.raises(SiteBuildError, match="zz_broken"):
            build_site(project, out=built, cache=REPO / ".cache", log=lambda _m: None)
    finally:
        broken.unlink()
    assert (built / "build-info.json").read_text() == before
    assert not (built.parent / ".site.building").exists()


def test_main_reports_a_failed_build(project, capsys, monkeypatch) -> None:
    def fail(*_args, **_kwargs):
        raise SiteBuildError("fetching failed: PyPI is unreachable")

    monkeypatch.setattr("pyplayground.sitegen.build.build_site", fail)
    assert main(["--out", str(project / "elsewhere")]) == 1
    assert "BUILD FAILED: fetching failed" in capsys.readouterr().err


def test_refuses_to_replace_a_folder_it_did_not_build(project, tmp_path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(SiteBuildError, match="refusing to replace"):
        build_site(project, out=tmp_path, cache=REPO / ".cache", log=lambda _m: None)
    assert (tmp_path / "precious.txt").read_text() == "keep me"
