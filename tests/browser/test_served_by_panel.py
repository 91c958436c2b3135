"""The same app module under `panel serve` (server-side Python), driven in Chromium."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def served_app():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "panel", "serve", str(REPO / "web" / "train.py"),
         "--port", str(port), "--address", "127.0.0.1",
         "--allow-websocket-origin", f"127.0.0.1:{port}"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(base + "train", timeout=5).close()
            break
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "panel serve failed"
            time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def test_trains_under_panel_serve(browser_factory, served_app: str) -> None:
    app = browser_factory(served_app)
    app.page.goto(served_app + "train", wait_until="load")
    app.widget("pg-play").wait_for(timeout=60_000)
    app.page.locator(".pg-epoch").first.wait_for(timeout=60_000)
    assert app.number("pg-epoch") == 0
    app.click("pg-dataset", "gauss")
    app.click("pg-play")
    deadline = time.monotonic() + 60
    while app.number("pg-epoch") < 5:
        assert time.monotonic() < deadline, "no training progress under panel serve"
        app.page.wait_for_timeout(100)
    app.click("pg-play")  # pause
    deadline = time.monotonic() + 30
    while "Train" not in app.text("pg-play"):
        assert time.monotonic() < deadline, "the pause button did not pause"
        app.page.wait_for_timeout(100)
    paused = app.number("pg-epoch")
    app.page.wait_for_timeout(800)
    assert app.number("pg-epoch") == paused
    app.screenshot("panel-serve-trained")
