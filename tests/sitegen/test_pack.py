"""Package bundles: what the worker writes into Pyodide's file system."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from pyplayground.sitegen import SiteBuildError
from pyplayground.sitegen.pack import pack_wheels, read_pack, write_pack


def wheel(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, body in files.items():
            z.writestr(name, body)
    return path


def test_round_trip(tmp_path: Path) -> None:
    a = wheel(tmp_path / "a.whl", {"a/__init__.pyc": b"\x00\x01", "a-1.dist-info/RECORD": b"r"})
    b = wheel(tmp_path / "b.whl", {"b/data/x.json": b"{}", "b/__init__.py": b"x = 1\n"})
    out = tmp_path / "env.pack.gz"
    assert write_pack([a, b], out) == 4
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    assert read_pack(out.read_bytes()) == {
        "a/__init__.pyc": b"\x00\x01",
        "a-1.dist-info/RECORD": b"r",
        "b/data/x.json": b"{}",
        "b/__init__.py": b"x = 1\n",
    }


def test_packing_is_deterministic(tmp_path: Path) -> None:
    a = wheel(tmp_path / "a.whl", {"a/x.py": b"1", "a/y.py": b"2"})
    assert pack_wheels([a]) == pack_wheels([a])


def test_conflicting_files_are_an_error(tmp_path: Path) -> None:
    a = wheel(tmp_path / "a.whl", {"shared/x.py": b"1"})
    b = wheel(tmp_path / "b.whl", {"shared/x.py": b"2"})
    with pytest.raises(SiteBuildError, match=r"b\.whl and a\.whl both contain shared/x\.py"):
        pack_wheels([a, b])


def test_read_pack_rejects_other_data() -> None:
    with pytest.raises(ValueError, match="bad magic"):
        read_pack(b"PK\x03\x04 a zip")
