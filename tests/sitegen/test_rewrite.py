"""Build-time rewrites of the pinned Panel, Bokeh and pyodide-http wheels."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pyplayground.sitegen import rewrite
from pyplayground.sitegen.fetch import PURE_WHEELS
from pyplayground.sitegen.rewrite import REWRITES, Rewrite, RewriteError

REPO = Path(__file__).resolve().parents[2]
DOWNLOADS = REPO / ".cache" / "downloads"


def demo_wheel(path: Path, files: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
        record = [f"{name},sha256=old,{len(text)}" for name, text in files.items()]
        z.writestr("demo-1.0.dist-info/RECORD", "\n".join(record) + "\n")
    return path


def test_rewrite_text_replaces_once_and_names_a_missing_or_repeated_text() -> None:
    rw = Rewrite("demo/x.py", "a = 1\n", "a = 2\n", "demo")
    assert rewrite.rewrite_text("a = 1\nb = 1\n", [rw], "x.py") == "a = 2\nb = 1\n"
    with pytest.raises(
        RewriteError, match=r"x\.py \(demo\): expected 'a = 1' exactly once, found it 0"
    ):
        rewrite.rewrite_text("b = 1\n", [rw], "x.py")
    with pytest.raises(RewriteError, match="found it 2 times"):
        rewrite.rewrite_text("a = 1\na = 1\n", [rw], "x.py")


def test_rewrite_wheel_updates_record_and_is_cached(tmp_path: Path) -> None:
    src = demo_wheel(
        tmp_path / "demo-1.0-py3-none-any.whl", {"demo/x.py": "a = 1\n", "demo/y.py": "b = 1\n"}
    )
    rws = [Rewrite("demo/x.py", "a = 1\n", "a = 22\n", "demo")]
    out = rewrite.rewrite_wheel(src, tmp_path / "out", rws)
    with zipfile.ZipFile(out) as z:
        assert z.read("demo/x.py") == b"a = 22\n"
        assert z.read("demo/y.py") == b"b = 1\n"
        record = z.read("demo-1.0.dist-info/RECORD").decode().splitlines()
    digest = base64.urlsafe_b64encode(hashlib.sha256(b"a = 22\n").digest()).rstrip(b"=")
    assert f"demo/x.py,sha256={digest.decode()},7" in record
    assert "demo/y.py,sha256=old,6" in record
    mtime = out.stat().st_mtime_ns
    assert rewrite.rewrite_wheel(src, tmp_path / "out", rws) == out
    assert out.stat().st_mtime_ns == mtime  # reused
    changed = [Rewrite("demo/x.py", "a = 1\n", "a = 3\n", "demo")]
    with zipfile.ZipFile(rewrite.rewrite_wheel(src, tmp_path / "out", changed)) as z:
        assert z.read("demo/x.py") == b"a = 3\n"  # another rewrite: made again
    out.write_bytes(b"corrupt")
    with zipfile.ZipFile(rewrite.rewrite_wheel(src, tmp_path / "out", changed)) as z:
        assert z.read("demo/x.py") == b"a = 3\n"


def test_rewrite_wheel_names_a_missing_member(tmp_path: Path) -> None:
    src = demo_wheel(tmp_path / "demo-1.0-py3-none-any.whl", {"demo/x.py": "a = 1\n"})
    with pytest.raises(RewriteError, match=r"no member demo/gone\.py"):
        rewrite.rewrite_wheel(src, tmp_path / "out", [Rewrite("demo/gone.py", "a", "b", "demo")])


def pinned_wheel(name: str) -> Path:
    (pin,) = [p for p in PURE_WHEELS if p.name == name]
    path = DOWNLOADS / pin.filename
    if not path.is_file():
        pytest.skip(f"{pin.filename} is not cached yet (python build.py fills .cache/)")
    return path


@pytest.fixture(scope="module")
def rewritten(tmp_path_factory) -> Path:
    """The rewritten wheels, extracted into one folder (pure Python; importable here)."""
    root = tmp_path_factory.mktemp("rewritten")
    for name, rws in REWRITES.items():
        wheel = rewrite.rewrite_wheel(pinned_wheel(name), root / "wheels", rws)
        with zipfile.ZipFile(wheel) as z:
            z.extractall(root / "site")
    return root / "site"


def run_python(site: Path, code: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(site)}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_every_rewrite_matches_the_pinned_wheels(rewritten: Path) -> None:
    for rws in REWRITES.values():
        for rw in rws:
            text = (rewritten / rw.path).read_text(encoding="utf-8")
            compile(text, rw.path, "exec")
            assert rw.new in text


def test_rewritten_panel_imports_the_rest_on_first_use(rewritten: Path) -> None:
    out = run_python(
        rewritten,
        """
import sys
import panel as pn
assert "rewritten" in pn.__file__, pn.__file__
lazy = ("panel.chat", "panel.template", "panel.pipeline", "panel.interact")
assert not [m for m in lazy if m in sys.modules], [m for m in lazy if m in sys.modules]
assert "requests" not in sys.modules and "urllib3" not in sys.modules
assert callable(pn.interact) and pn.interact.__module__ == "panel.interact"
assert pn.Template is pn.template.Template
assert pn.chat.ChatInterface.__name__ == "ChatInterface"
assert pn.pipeline.Pipeline.__name__ == "Pipeline"
try:
    pn.no_such_name
except AttributeError as e:
    assert "no_such_name" in str(e)
print("ok")
""",
    )
    assert out.strip() == "ok"


def test_rewritten_bokeh_signatures_are_the_same_but_lazy(rewritten: Path) -> None:
    code = """
import inspect, pickle
import bokeh.models
names = sorted(n for n in dir(bokeh.models) if inspect.isclass(getattr(bokeh.models, n)))
print(type(bokeh.models.Slider.__init__.__signature__).__name__)
sig = bokeh.models.Slider.__init__.__signature__
assert str(pickle.loads(pickle.dumps(sig))) == str(sig)
def sig(obj):
    try:
        return str(inspect.signature(obj))
    except ValueError as e:
        return repr(e)
for n in names:
    cls = getattr(bokeh.models, n)
    print(n, sig(cls.__init__), sig(cls))
"""

    def lines(site: Path) -> list[str]:
        return re.sub(r" at 0x[0-9a-f]+", "", run_python(site, code)).splitlines()

    lazy = lines(rewritten)
    eager = lines(Path(os.devnull))  # the installed, unrewritten Bokeh
    assert lazy[0] == "_PgLazySignature" and eager[0] == "Signature"
    assert len(lazy) > 300
    assert lazy[1:] == eager[1:]
