"""What a lesson page and the lesson app agree on (no Panel: the build imports it too).

A lesson page (``lesson-<id>.html``, written by ``pyplayground.sitegen.pages``) holds the
lesson's prose as static HTML and one empty *root element* per live part, in document
order: the progress bar, every playground and every task.  The Pyodide worker
(``lesson.js?lesson=<id>``) builds the same roots in the same order
(:meth:`pyplayground.ui.lesson_app.LessonApp.servable`), and Panel's page script maps the
document's roots onto the page's root elements *by sorting their* ``data-root-id``: so
the ids here are zero-padded and sort in document order, and their number must match.
"""

from __future__ import annotations

import re
from typing import Final

from pyplayground.lessons import Lesson, PlaygroundSpec, Task, WidgetSpec

#: The converted entry script the lesson pages run (``web/lesson.py``).
ENTRY: Final = "lesson"
#: Query parameter of the worker URL (``lesson.js?lesson=<id>``) naming the lesson.
QUERY_KEY: Final = "lesson"
#: Where the site publishes compiled lessons, relative to the site root.
LESSONS_DIR: Final = "lessons"
#: Bokeh model (hidden ``Div``) the page writes the stored progress into, once rendered.
LOAD_MODEL: Final = "pg-lesson-load"
#: Bokeh model (hidden ``Div``) whose text the app sets to the progress to store.
SAVE_MODEL: Final = "pg-lesson-save"
#: Local storage key prefix; the key is ``STORAGE_PREFIX + lesson id``.
STORAGE_PREFIX: Final = "pyplayground.lesson."
PROGRESS_ROOT: Final = "progress"
_SAFE_RE: Final = re.compile(r"[^a-z0-9-]")


def page_name(lesson_id: str) -> str:
    """The page of a lesson, without ``.html`` (``lesson-overfitting``)."""
    return f"{ENTRY}-{lesson_id}"


def data_url(lesson_id: str) -> str:
    """The compiled lesson JSON, relative to the site root."""
    return f"./{LESSONS_DIR}/{lesson_id}.json"


def storage_key(lesson_id: str) -> str:
    """The local storage key of a lesson's progress."""
    return STORAGE_PREFIX + lesson_id


def part_key(lesson: Lesson, part_id: str) -> str:
    """The root key of a live part: ``playground:<id>`` or ``widget:<id>``."""
    part = lesson.parts[part_id]
    return f"{'widget' if isinstance(part, WidgetSpec) else 'playground'}:{part_id}"


def root_keys(lesson: Lesson) -> list[str]:
    """The live parts of the page, in document order: ``progress``, ``playground:<id>``,
    ``widget:<id>`` (t-SNE, adversarial, ...), ``task:<id>``."""
    keys = [PROGRESS_ROOT]
    for block in lesson.blocks:
        if isinstance(block, PlaygroundSpec):
            keys.append(f"playground:{block.id}")
        elif isinstance(block, WidgetSpec):
            keys.append(f"widget:{block.id}")
        elif isinstance(block, Task):
            keys.append(f"task:{block.id}")
    return keys


def root_id(index: int) -> str:
    """``data-root-id`` of the ``index``-th root: sorts in document order."""
    return f"pgl-{index:03d}"


def element_id(key: str) -> str:
    """A stable element id for a part (``playground:main`` -> ``pg-playground-main``)."""
    return "pg-" + _SAFE_RE.sub("-", key.replace(":", "-").lower())


__all__ = [
    "ENTRY",
    "LESSONS_DIR",
    "LOAD_MODEL",
    "PROGRESS_ROOT",
    "QUERY_KEY",
    "SAVE_MODEL",
    "STORAGE_PREFIX",
    "data_url",
    "element_id",
    "page_name",
    "part_key",
    "root_id",
    "root_keys",
    "storage_key",
]
