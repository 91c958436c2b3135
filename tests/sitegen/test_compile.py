"""Precompiling with Pyodide's own Python under Node (needs node and the Pyodide cache)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pyplayground.sitegen import compile as compile_mod
from pyplayground.sitegen.compile import CompileError, Job, compile_archives
from pyplayground.sitegen.fetch import PYODIDE_VERSION, pyodide_problem

REPO = Path(__file__).resolve().parents[2]
PYODIDE = REPO / ".cache" / f"pyodide-{PYODIDE_VERSION}"
MAGIC_312 = (3531).to_bytes(2, "little") + b"\r\n"


@pytest.fixture
def pyodide_dir() -> Path:
    if compile_mod.find_node() is None:
        pytest.skip("node is not installed")
    if not (PYODIDE / ".complete.json").is_file():
        pytest.skip("no cached Pyodide yet (python build.py fills .cache/)")
    return PYODIDE


def demo_wheel(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("demo/__init__.py", "VALUE = 42\n")
        z.writestr("demo/bad.py", "def broken(:\n")
        z.writestr("demo/data.txt", "not python")
        z.writestr(
            "demo-1.0.dist-info/RECORD", "demo/__init__.py,sha256=x,11\ndemo/bad.py,sha256=y,14\n"
        )
    return path


def test_replace_and_alongside_modes(pyodide_dir: Path, tmp_path: Path) -> None:
    src = demo_wheel(tmp_path / "demo-1.0-py3-none-any.whl")
    other = demo_wheel(tmp_path / "other-1.0-py3-none-any.whl")
    out = compile_archives(
        [
            Job(src, "/lib/python3.12/site-packages"),
            Job(other, "/lib/python3.12/site-packages", mode="alongside"),
        ],
        pyodide_dir,
        tmp_path / "cache",
        log=lambda _m: None,
    )
    with zipfile.ZipFile(out[src]) as z:
        names = set(z.namelist())
        pyc = z.read("demo/__init__.pyc")
        record = z.read("demo-1.0.dist-info/RECORD").decode()
    assert "demo/__init__.py" not in names and "demo/__init__.pyc" in names
    assert pyc[:4] == MAGIC_312 and pyc[4:8] == b"\0\0\0\0"  # timestamp pyc, sourceless
    assert "demo/bad.py" in names  # a file that does not compile is kept as source
    assert "demo/data.txt" in names
    assert "demo/__init__.pyc,," in record
    with zipfile.ZipFile(out[other]) as z:
        names = set(z.namelist())
        pyc = z.read("demo/__pycache__/__init__.cpython-312.pyc")
    assert "demo/__init__.py" in names
    assert pyc[:4] == MAGIC_312 and pyc[4:8] == b"\1\0\0\0"  # hash-based, unchecked


def test_results_are_cached_and_a_damaged_copy_is_redone(pyodide_dir, tmp_path) -> None:
    src = demo_wheel(tmp_path / "demo-1.0-py3-none-any.whl")
    jobs = [Job(src, "/lib/python3.12/site-packages")]
    messages: list[str] = []
    first = compile_archives(jobs, pyodide_dir, tmp_path / "cache", log=messages.append)[src]
    compile_archives(jobs, pyodide_dir, tmp_path / "cache", log=messages.append)
    assert len(messages) == 1  # the second call compiled nothing
    first.write_bytes(first.read_bytes()[:50])
    again = compile_archives(jobs, pyodide_dir, tmp_path / "cache", log=messages.append)[src]
    assert len(messages) == 2 and zipfile.is_zipfile(again)


def test_without_node_the_error_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(compile_mod, "find_node", lambda: None)
    src = demo_wheel(tmp_path / "demo-1.0-py3-none-any.whl")
    with pytest.raises(CompileError, match=r"needs Node\.js.*--no-compile"):
        compile_archives([Job(src, "/x")], tmp_path, tmp_path / "cache", log=lambda _m: None)


def test_a_broken_pyodide_is_reported(tmp_path) -> None:
    if compile_mod.find_node() is None:
        pytest.skip("node is not installed")
    src = demo_wheel(tmp_path / "demo-1.0-py3-none-any.whl")
    (tmp_path / "pyodide").mkdir()
    assert pyodide_problem(tmp_path / "pyodide", "x") is not None
    with pytest.raises(CompileError, match=r"(?s)failed.*--no-compile"):
        compile_archives(
            [Job(src, "/x")], tmp_path / "pyodide", tmp_path / "cache", log=lambda _m: None
        )
