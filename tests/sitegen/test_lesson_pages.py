"""Lesson pages: one static page per lesson around the real converted ``web/lesson.py``."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from pyplayground.lessons import load_lesson
from pyplayground.sitegen import SiteBuildError
from pyplayground.sitegen.convert import ConvertError, rewrite_html, run_panel_convert
from pyplayground.sitegen.pages import (
    JSON_SCHEMA_DIALECT,
    compile_site_lessons,
    render_index,
    render_lesson_page,
    write_lesson_pages,
)
from pyplayground.sitegen.urls import urls_in
from pyplayground.ui.lesson import contract
from pyplayground.widgets import get_kind

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "web" / "templates" / "lesson.html.j2"
ROOT_RE = re.compile(r'<div id="([^"]+)" data-root-id="([^"]+)" style="display: contents;">')


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> str:
    """The real, rewritten panel convert output of web/lesson.py."""
    out = tmp_path_factory.mktemp("convert")
    (result,) = run_panel_convert([REPO / "web" / "lesson.py"], out, pythonpath=REPO)
    return rewrite_html(result.html.read_text(encoding="utf-8"), "lesson")


@pytest.fixture(scope="module")
def lessons():
    return {lesson.id: lesson for lesson in compile_site_lessons(REPO / "lessons")}


def test_every_lesson_compiles_for_the_site(lessons) -> None:
    files = sorted(p for p in (REPO / "lessons").glob("*.md") if p.name != "README.md")
    assert len(lessons) == len(files)
    for lesson in lessons.values():
        assert lesson.compiled["source"].startswith("lessons/")  # no build-machine paths
        assert lesson.name == f"lesson-{lesson.id}"


def test_the_page_holds_the_prose_and_one_root_per_live_part(converted, lessons) -> None:
    lesson = lessons["learning-rate"]
    html = render_lesson_page(converted, lesson, TEMPLATE, "lesson")
    # the prose is static HTML, in the page before any script runs
    body = html[html.index("<body") :]
    assert "<h1>Learning rate: too small, just right, too large</h1>" in body
    assert '<div class="admonition tip">' in body
    assert body.count('class="pg-task"') == 4 and "Task 4</span>" in body
    # roots: as many as the app makes, sorting in document order
    keys = contract.root_keys(load_lesson(json.dumps(lesson.compiled)))
    roots = ROOT_RE.findall(html)
    assert [rid for rid, _ in roots] == [contract.root_id(i) for i in range(len(keys))]
    assert all(a == b for a, b in roots)
    assert len(re.findall(r"data-root-id=", html)) == len(keys)
    order = [body.index(f'data-root-id="{rid}"') for rid, _ in roots]
    assert order == sorted(order)
    assert 'id="pg-playground-plane"' in body and 'id="pg-task-too-large"' in body
    assert 'data-storage-key="pyplayground.lesson.learning-rate"' in body


def test_the_page_keeps_panels_script_and_drops_the_pre_render(converted, lessons) -> None:
    html = render_lesson_page(converted, lessons["overfitting"], TEMPLATE, "lesson")
    assert 'pgStartWorker("./lesson.js?lesson=overfitting")' in html
    assert 'const pyodideWorker = pgWorker("./lesson.js?lesson=overfitting");' in html
    assert "pyodideWorker.onmessage" in html  # panel's page script, unchanged
    assert 'type="application/json"' not in html and "embed_document" not in html
    assert "bokeh-mathjax" not in html  # the placeholder is not an HTML root
    assert "<title>Overfitting and regularization</title>" in html
    assert '<link rel="stylesheet" href="./static/lesson.css"' in html
    assert html.index('src="./static/lesson.js"') > html.index("pyodideWorker.onmessage")
    assert '<body class="pn-loading pn-arc pg-lesson-body">' in html
    assert urls_in(html) == []


def test_a_changed_converted_page_fails_with_the_pattern_named(converted, lessons) -> None:
    broken = re.sub(r"embed_items", "embed_all", converted)
    with pytest.raises(ConvertError, match=r"embed script.*sitegen/pages\.py"):
        render_lesson_page(broken, lessons["overfitting"], TEMPLATE, "lesson")
    with pytest.raises(ConvertError, match="no root element"):
        render_lesson_page(
            re.sub(r"data-root-id", "data-x", converted), lessons["neuron"], TEMPLATE, "lesson"
        )


def test_write_lesson_pages_publishes_pages_json_and_schema(tmp_path, converted) -> None:
    site = tmp_path / "site"
    site.mkdir()
    links = write_lesson_pages(site, REPO, converted, "lesson")
    assert [link.href for link in links] == [
        "./lesson-neuron.html",
        "./lesson-learning-rate.html",
        "./lesson-overfitting.html",
        "./lesson-depth-vs-width.html",
        "./lesson-tsne.html",
        "./lesson-adversarial.html",
    ]
    assert links[2].title == "Overfitting and regularization"
    assert (links[2].level, links[2].minutes) == ("beginner", 20)
    for link in links:
        assert (site / link.href[2:]).is_file()
        lesson = load_lesson((site / "lessons" / f"{link.slug}.json").read_text())
        assert lesson.id == link.slug
    index = json.loads((site / "lessons" / "index.json").read_text())
    assert [e["page"] for e in index] == [link.href[2:] for link in links]
    assert index[0]["n_tasks"] == 3
    schema = json.loads((site / "lessons" / "schema.json").read_text())
    assert schema == json.loads((REPO / "lessons" / "schema.json").read_text())
    assert schema["$schema"] == JSON_SCHEMA_DIALECT
    landing = render_index(
        REPO / "web" / "templates" / "index.html.j2",
        title="t",
        apps=[],
        lessons=links,
        version="0",
        pyodide_version="0",
        panel_version="0",
        bokeh_version="0",
    )
    assert '<a href="./lesson-overfitting.html"><h3>Overfitting and regularization</h3></a>' in (
        landing
    )
    assert "beginner · 20 min" in landing


def copy_lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    shutil.copytree(REPO / "lessons", folder)
    return folder


def test_a_broken_lesson_fails_the_build_naming_file_and_line(tmp_path) -> None:
    folder = copy_lessons(tmp_path)
    path = folder / "03-overfitting.md"
    path.write_text(path.read_text().replace('op: ">=", value: 0.15', 'op: "=>", value: 0.15'))
    with pytest.raises(SiteBuildError, match=r"03-overfitting\.md:\d+: .*=>") as err:
        compile_site_lessons(folder)
    assert "pyplayground lesson check" in str(err.value)


def test_two_lessons_with_one_id_fail_the_build(tmp_path) -> None:
    folder = copy_lessons(tmp_path)
    shutil.copy(folder / "01-neuron.md", folder / "05-neuron.md")
    with pytest.raises(SiteBuildError, match="id 'neuron' is also used"):
        compile_site_lessons(folder)


def test_a_lesson_linking_off_site_fails_the_build(tmp_path) -> None:
    folder = copy_lessons(tmp_path)
    path = folder / "02-learning-rate.md"
    path.write_text(
        path.read_text().replace(
            "## Batch size", "See [this](https://example.org/lr).\n\n## Batch size"
        )
    )
    with pytest.raises(
        SiteBuildError, match=r"02-learning-rate\.md links off-site: https://example"
    ):
        compile_site_lessons(folder)


def test_no_lessons_folder_means_no_lessons(tmp_path) -> None:
    assert compile_site_lessons(tmp_path / "lessons") == []


WIDGET_LESSON = """---
schema: playground-lesson/1
id: widgets
title: Widgets
summary: A lesson with widgets.
level: beginner
minutes: 5
runtime: browser
---

# Widgets

:::{tsne} explore
:height: 600
:::

:::{task} run
:title: Run 100 steps
check: {metric: step, op: ">=", value: 100}
:::

:::{adversarial} attack
:caption: Drag the strength slider.
:::
"""


def test_a_widget_gets_a_root_element_with_its_kind(tmp_path, converted) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (folder / "01-widgets.md").write_text(WIDGET_LESSON, encoding="utf-8")
    (lesson,) = compile_site_lessons(folder)
    html = render_lesson_page(converted, lesson, TEMPLATE, "lesson")
    keys = contract.root_keys(load_lesson(json.dumps(lesson.compiled)))
    assert keys == ["progress", "widget:explore", "task:run", "widget:attack"]
    roots = ROOT_RE.findall(html)
    assert [rid for rid, _ in roots] == [contract.root_id(i) for i in range(len(keys))]
    body = html[html.index("<body") :]
    explore = body.index('id="pg-widget-explore"')
    attack = body.index('id="pg-widget-attack"')
    assert explore < body.index('id="pg-task-run"') < attack
    assert "pg-lesson-tsne" in body and "pg-lesson-adversarial" in body
    assert "min-height: 600px" in body  # :height: given
    default = get_kind("adversarial").default_height
    assert f"min-height: {default}px" in body[attack:]  # the kind's default
    assert "<figcaption>Drag the strength slider.</figcaption>" in body
