"""The download cache: pinned files, corrupted downloads, slimmed and built wheels."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from pyplayground.sitegen import fetch
from pyplayground.sitegen.fetch import FetchError, Pin

GOOD = b"the real wheel"


def pin_for(data: bytes, filename: str = "demo-1.0-py3-none-any.whl") -> Pin:
    return Pin("demo", "1.0", filename, hashlib.sha256(data).hexdigest())


def make_wheel(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        record = []
        for name, text in files.items():
            z.writestr(name, text)
            record.append(f"{name},sha256=x,{len(text)}")
        z.writestr("demo-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


def test_pinned_problem_reports_missing_and_altered_files(tmp_path: Path) -> None:
    pin = pin_for(GOOD)
    path = tmp_path / pin.filename
    assert fetch.pinned_problem(path, pin) == "missing"
    path.write_bytes(GOOD[:5])  # a truncated download
    assert "does not match the pinned" in fetch.pinned_problem(path, pin)
    path.write_bytes(GOOD)
    assert fetch.pinned_problem(path, pin) is None


def test_a_corrupted_cached_download_is_downloaded_again(tmp_path, monkeypatch) -> None:
    pin = pin_for(GOOD)
    (tmp_path / pin.filename).write_bytes(b"truncated")
    calls = []

    def fake_pip(args, what, cwd=None, env=None):
        calls.append(args)
        (tmp_path / pin.filename).write_bytes(GOOD)

    monkeypatch.setattr(fetch, "run_pip", fake_pip)
    messages = []
    (path,) = fetch.ensure_downloads([pin], tmp_path, [], log=messages.append)
    assert path.read_bytes() == GOOD
    assert len(calls) == 1 and "demo==1.0" in calls[0]
    assert any("unusable" in m and "downloading it again" in m for m in messages)
    # now cached: no second download
    fetch.ensure_downloads([pin], tmp_path, [], log=messages.append)
    assert len(calls) == 1


def test_a_download_that_stays_wrong_is_reported(tmp_path, monkeypatch) -> None:
    pin = pin_for(GOOD)

    def fake_pip(args, what, cwd=None, env=None):
        (tmp_path / pin.filename).write_bytes(b"something else")

    monkeypatch.setattr(fetch, "run_pip", fake_pip)
    with pytest.raises(FetchError, match=r"demo-1\.0-py3-none-any\.whl from PyPI is unusable"):
        fetch.ensure_downloads([pin], tmp_path, [], log=lambda _m: None)


def test_a_failing_pip_names_the_command_and_the_fix() -> None:
    with pytest.raises(FetchError) as info:
        fetch.run_pip(["download", "--no-such-option"], "pip download of demo==1.0")
    message = str(info.value)
    assert "pip download of demo==1.0 failed" in message
    assert "--no-such-option" in message


def test_zip_problem_detects_truncated_and_corrupt_zips(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path / "demo-1.0-py3-none-any.whl", {"demo/__init__.py": "x = 1\n"})
    assert fetch.zip_problem(wheel) is None
    truncated = tmp_path / "truncated.whl"
    truncated.write_bytes(wheel.read_bytes()[:-30])
    assert "not a readable zip" in fetch.zip_problem(truncated)
    data = bytearray(wheel.read_bytes())
    offset = data.index(b"x = 1") if b"x = 1" in data else 40  # stored or deflated body
    data[offset] ^= 0xFF
    corrupt = tmp_path / "corrupt.whl"
    corrupt.write_bytes(bytes(data))
    assert fetch.zip_problem(corrupt) is not None


def test_slim_wheel_drops_members_and_is_rebuilt_when_corrupted(tmp_path: Path) -> None:
    src = make_wheel(
        tmp_path / "demo-1.0-py3-none-any.whl",
        {"demo/__init__.py": "x = 1\n", "demo/dist/big.js": "js" * 1000},
    )
    out = tmp_path / "slim"
    slim = fetch.slim_wheel(src, out, ["demo/dist/"])
    with zipfile.ZipFile(slim) as z:
        names = z.namelist()
        record = z.read("demo-1.0.dist-info/RECORD").decode()
    assert "demo/dist/big.js" not in names and "demo/__init__.py" in names
    assert "big.js" not in record and "demo/__init__.py" in record
    slim.write_bytes(slim.read_bytes()[:20])  # corrupt the cached copy
    again = fetch.slim_wheel(src, out, ["demo/dist/"])
    assert fetch.zip_problem(again) is None
    # another drop list (SLIM changed): made again, not the cached copy
    with zipfile.ZipFile(fetch.slim_wheel(src, out, ["demo/"])) as z:
        assert "demo/__init__.py" not in z.namelist()


def test_package_closure_adds_dependencies_and_rejects_unknown_names() -> None:
    lock = {
        "packages": {"pandas": {"depends": ["numpy", "pytz"]}, "numpy": {}, "pytz": {"depends": []}}
    }
    assert fetch.package_closure(lock, ["pandas"]) == ["numpy", "pandas", "pytz"]
    with pytest.raises(FetchError, match="'scipy' is not in the Pyodide"):
        fetch.package_closure(lock, ["scipy"])


def fake_pyodide_dist(path: Path, version: str = fetch.PYODIDE_VERSION) -> Path:
    wheel_bytes = b"numpy wheel"
    lock = {
        "info": {"version": version},
        "packages": {
            "numpy": {
                "file_name": "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl",
                "sha256": hashlib.sha256(wheel_bytes).hexdigest(),
                "depends": [],
            }
        },
    }
    with zipfile.ZipFile(path, "w") as z:
        for name in fetch.PYODIDE_CORE_FILES:
            body = json.dumps(lock) if name == "pyodide-lock.json" else f"<{name}>"
            z.writestr(fetch.PYODIDE_DIST_PREFIX + name, body)
        z.writestr(fetch.PYODIDE_DIST_PREFIX + lock["packages"]["numpy"]["file_name"], wheel_bytes)
    return path


def test_extract_pyodide_reextracts_a_damaged_copy(tmp_path: Path) -> None:
    dist = fake_pyodide_dist(tmp_path / "dist.whl")
    out = tmp_path / "pyodide"
    assert fetch.extract_pyodide(dist, out, ["numpy"], log=lambda _m: None) == ["numpy"]
    assert (out / "pyodide.asm.wasm").read_text() == "<pyodide.asm.wasm>"
    assert fetch.pyodide_problem(out, fetch.sha256_file(dist)) is None
    (out / "pyodide.asm.wasm").write_text("<trunc")
    assert "wrong size" in fetch.pyodide_problem(out, fetch.sha256_file(dist))
    messages = []
    fetch.extract_pyodide(dist, out, ["numpy"], log=messages.append)
    assert (out / "pyodide.asm.wasm").read_text() == "<pyodide.asm.wasm>"
    assert messages and "extracting" in messages[0]


def test_extract_pyodide_checks_the_version(tmp_path: Path) -> None:
    dist = fake_pyodide_dist(tmp_path / "dist.whl", version="0.29.0")
    with pytest.raises(FetchError, match=r"expected 0\.27\.7"):
        fetch.extract_pyodide(dist, tmp_path / "out", ["numpy"], log=lambda _m: None)


def test_a_built_wheel_that_is_not_pure_is_rejected(tmp_path, monkeypatch) -> None:
    sdist = tmp_path / "demo-1.0.tar.gz"
    sdist.write_bytes(b"sdist")
    pin = Pin("demo", "1.0", sdist.name, hashlib.sha256(b"sdist").hexdigest())

    def fake_pip(args, what, cwd=None, env=None):
        assert env == fetch.PURE_BUILD_ENV
        work = Path(args[args.index("-w") + 1])
        make_wheel(work / "demo-1.0-cp311-cp311-linux_x86_64.whl", {"demo/_x.so": "elf"})

    monkeypatch.setattr(fetch, "run_pip", fake_pip)
    with pytest.raises(FetchError, match="not one py3-none-any wheel"):
        fetch.build_pure_wheel(sdist, pin, tmp_path / "built", log=lambda _m: None)


def test_a_built_pure_wheel_is_cached_and_rebuilt_when_corrupted(tmp_path, monkeypatch):
    sdist = tmp_path / "demo-1.0.tar.gz"
    sdist.write_bytes(b"sdist")
    pin = Pin("demo", "1.0", sdist.name, hashlib.sha256(b"sdist").hexdigest())
    builds = []

    def fake_pip(args, what, cwd=None, env=None):
        builds.append(1)
        work = Path(args[args.index("-w") + 1])
        make_wheel(work / "demo-1.0-py3-none-any.whl", {"demo/__init__.py": "x = 1\n"})

    monkeypatch.setattr(fetch, "run_pip", fake_pip)
    built = fetch.build_pure_wheel(sdist, pin, tmp_path / "built", log=lambda _m: None)
    assert fetch.build_pure_wheel(sdist, pin, tmp_path / "built", log=lambda _m: None) == built
    assert len(builds) == 1
    built.write_bytes(built.read_bytes()[:10])
    fetch.build_pure_wheel(sdist, pin, tmp_path / "built", log=lambda _m: None)
    assert len(builds) == 2
