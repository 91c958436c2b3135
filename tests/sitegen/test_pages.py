"""The landing page: app links from docstrings, lessons from front matter."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyplayground.sitegen import SiteBuildError
from pyplayground.sitegen.pages import app_link, lessons_in, render_index

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = REPO / "web" / "templates" / "index.html.j2"


def lesson(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_lessons_read_only_the_front_matter(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    lesson(lessons, "02-b.md", "---\ntitle: Second\nlevel: beginner\nminutes: 10\n---\n# body\n")
    lesson(lessons, "01-a.md", "---\ntitle: First\nsummary: Start here\n---\n```python\n---\n")
    lesson(lessons, "README.md", "not a lesson")
    first, second = lessons_in(lessons, lesson_page="lesson")
    assert (first.slug, first.title, first.summary, first.minutes) == (
        "01-a",
        "First",
        "Start here",
        None,
    )
    assert (second.title, second.level, second.minutes) == ("Second", "beginner", 10)
    assert first.href == "./lesson.html?lesson=01-a"
    assert lessons_in(lessons)[0].href == ""  # no lesson page yet: listed, not linked
    assert lessons_in(tmp_path / "none") == []


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("# no front matter\n", "must start with YAML front matter"),
        ("---\ntitle: x\n", "no closing '---'"),
        ("---\ntitle: [unclosed\n---\n", "invalid YAML"),
        ("---\nsummary: no title\n---\n", "non-empty 'title'"),
        ("---\ntitle: x\nminutes: ten\n---\n", "'minutes' must be a whole number"),
    ],
)
def test_bad_front_matter_names_the_file(tmp_path: Path, text: str, error: str) -> None:
    path = lesson(tmp_path, "bad.md", text)
    with pytest.raises(SiteBuildError, match=error) as info:
        lessons_in(tmp_path)
    assert str(path) in str(info.value)


def test_app_link_comes_from_the_docstring(tmp_path: Path) -> None:
    entry = tmp_path / "train.py"
    entry.write_text('"""Train a network.\n\nPick a dataset\nand press Train.\n"""\nx = 1\n')
    link = app_link(entry)
    assert (link.title, link.description, link.href) == (
        "Train a network",
        "Pick a dataset and press Train.",
        "./train.html",
    )


def test_the_landing_page_lists_apps_and_an_empty_lesson_list() -> None:
    html = render_index(
        TEMPLATE,
        title="pyplayground",
        apps=[app_link(REPO / "web" / "playground.py"), app_link(REPO / "web" / "train.py")],
        lessons=[],
        version="0",
        pyodide_version="0.27.7",
        panel_version="1.9.4",
        bokeh_version="3.9.2",
    )
    assert 'href="./playground.html"' in html
    assert 'href="./train.html"' in html
    assert "No lessons yet." in html
    assert "pyplayground serve" in html  # the file:// notice


def test_the_landing_page_escapes_lesson_text(tmp_path: Path) -> None:
    lesson(tmp_path, "x.md", "---\ntitle: '<script>alert(1)</script>'\n---\n")
    html = render_index(
        TEMPLATE,
        title="t",
        apps=[],
        lessons=lessons_in(tmp_path),
        version="0",
        pyodide_version="",
        panel_version="",
        bokeh_version="",
    )
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
