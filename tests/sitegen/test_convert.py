"""panel convert + the rewrite to local files: every pattern found, or a clear error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pyplayground.sitegen.convert import (
    ConvertError,
    check_entry_script,
    rewrite_html,
    rewrite_worker,
    run_panel_convert,
)

REPO = Path(__file__).resolve().parents[2]
DEMO = '''"""Demo page"""
import panel as pn

pn.Column(pn.widgets.FloatSlider(name="k"), "hello").servable(title="demo")
'''
BOOT = {"indexURL": "./pyodide/", "packages": ["numpy"]}


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> tuple[str, str]:
    """The real panel convert output for a tiny app (html, worker js)."""
    tmp = tmp_path_factory.mktemp("convert")
    (tmp / "demo.py").write_text(DEMO)
    (result,) = run_panel_convert([tmp / "demo.py"], tmp / "out", pythonpath=REPO)
    assert result.name == "demo"
    return result.html.read_text(), result.js.read_text()


def test_the_page_loads_only_local_files(converted) -> None:
    html = rewrite_html(converted[0], "demo")
    assert "cdn.bokeh.org" not in html and "cdn.holoviz.org" not in html
    assert "./bokeh/release/bokeh-3.9.2.min.js" in html
    assert "./panelcdn/1.9.4/dist/panel.min.js" in html
    # the worker starts first thing in <head>, and panel's script takes it over
    head = html[html.index("<head>") : html.index("bokeh-3.9.2.min.js")]
    assert 'pgStartWorker("./demo.js")' in head
    assert 'const pyodideWorker = pgWorker("./demo.js");' in html
    assert re.findall(r"https?://[^\s\"'<>]+", html) == ["http://www.w3.org/2000/svg"] * len(
        re.findall("http://www.w3.org/2000/svg", html)
    )


def test_the_worker_boots_from_local_files(converted) -> None:
    js = rewrite_worker(converted[1], "demo", BOOT)
    assert js.startswith(
        'importScripts("./pyodide/pyodide.js", "./static/worker_boot.js", "./static/snapshot.js");'
    )
    assert f"await pgBoot({json.dumps(BOOT, sort_keys=True)});" in js
    assert "micropip" not in js and "loadPyodide()" not in js and "https://" not in js
    assert "pgFail('app', e)" in js
    assert "pgApplyPatch(msg.patch)" in js
    assert "globals.set('patch'" not in js


@pytest.mark.parametrize(
    ("needle", "what"),
    [
        ('importScripts("', "importScripts"),
        ('console.log("Environment loaded!");', "start-up block"),
        ("msg: 'Executing code'", "'Executing code' status"),
        ("self.pyodide.globals.set('patch', msg.patch)", "patch handler"),
    ],
)
def test_a_changed_worker_template_fails_the_build(converted, needle, what) -> None:
    broken = converted[1].replace(needle, "something else")
    with pytest.raises(ConvertError, match=re.escape(what)) as info:
        rewrite_worker(broken, "demo", BOOT)
    assert "sitegen/convert.py" in str(info.value)


@pytest.mark.parametrize(
    "needle", ["https://cdn.bokeh.org/bokeh/release/", "<head>", 'new Worker("./demo.js")']
)
def test_a_changed_page_template_fails_the_build(converted, needle) -> None:
    with pytest.raises(ConvertError, match=r"demo\.html"):
        rewrite_html(converted[0].replace(needle, "something else"), "demo")


def test_a_failing_entry_script_names_the_script_and_the_fix(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise RuntimeError('boom in the entry script')\n")
    with pytest.raises(ConvertError) as info:
        run_panel_convert([tmp_path / "broken.py"], tmp_path / "out", pythonpath=REPO)
    message = str(info.value)
    assert "broken.py" in message
    assert "panel serve web/<name>.py" in message


@pytest.mark.parametrize(
    "source",
    [
        "from panel.io.state import state\n",
        "state = {'n': 0}\n",
        "def location():\n    pass\n",
        "for state in range(3):\n    pass\n",
    ],
)
def test_an_entry_script_may_not_shadow_the_worker_globals(tmp_path: Path, source) -> None:
    (tmp_path / "page.py").write_text(source)
    with pytest.raises(ConvertError, match="rename it"):
        check_entry_script(tmp_path / "page.py")


def test_locals_named_state_are_fine(tmp_path: Path) -> None:
    (tmp_path / "page.py").write_text("def f():\n    state = 1\n    return state\n")
    check_entry_script(tmp_path / "page.py")


def test_an_entry_script_stays_short(tmp_path: Path) -> None:
    (tmp_path / "page.py").write_text("x = 1\n" * 31)
    with pytest.raises(ConvertError, match="more than 30 lines"):
        check_entry_script(tmp_path / "page.py")


def test_the_project_entry_scripts_pass_the_checks() -> None:
    for entry in sorted((REPO / "web").glob("*.py")):
        check_entry_script(entry)
