"""The local server: MIME types, a clear message for a busy port, the printed URL."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from pyplayground.sitegen import SiteBuildError
from pyplayground.sitegen.serve import main, make_server, server_url


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>x</title>")
    (tmp_path / "pyodide").mkdir()
    (tmp_path / "pyodide" / "pyodide.asm.wasm").write_bytes(b"\0asm\1\0\0\0")
    (tmp_path / "app.js").write_text("console.log(1)")
    (tmp_path / "env.pack.gz").write_bytes(b"\x1f\x8b packed")
    (tmp_path / "w.whl").write_bytes(b"PK")
    return tmp_path


@pytest.fixture
def running(site: Path):
    server = make_server(site, port=0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_url(server)
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("path", "mime"),
    [
        ("pyodide/pyodide.asm.wasm", "application/wasm"),
        ("app.js", "text/javascript"),
        ("index.html", "text/html"),
        ("env.pack.gz", "application/gzip"),
        ("w.whl", "application/zip"),
    ],
)
def test_mime_types(running: str, path: str, mime: str) -> None:
    with urllib.request.urlopen(running + path) as response:
        assert response.headers["Content-Type"] == mime
        assert response.headers.get("Content-Encoding") is None  # .gz is served as bytes
        assert response.headers["Cache-Control"] == "no-cache"


def test_binds_loopback_and_a_free_port(running: str) -> None:
    assert running.startswith("http://127.0.0.1:") and not running.endswith(":0/")


def test_a_busy_port_gives_a_clear_message(site: Path, capsys) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SiteBuildError, match=f"port {port} on 127.0.0.1 is already in use"):
            make_server(site, port=port)
        assert main(["--dir", str(site), "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert "already in use" in err and "--port" in err


def test_no_site_gives_a_clear_message(tmp_path: Path, capsys) -> None:
    assert main(["--dir", str(tmp_path / "missing")]) == 2
    assert "python build.py" in capsys.readouterr().err


def test_serve_prints_the_url_to_open(site: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pyplayground.sitegen.serve", "--dir", str(site), "--quiet"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        url = line.split(" at ")[1].split()[0]
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "index.html") as response:
            assert response.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
