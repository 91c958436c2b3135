"""A lesson page: live playgrounds and tasks around the lesson's static prose.

On the static site each lesson is a page ``lesson-<id>.html`` whose prose is plain HTML,
visible before Python starts (written at build time by ``pyplayground.sitegen.pages``).
Its worker ``lesson.js?lesson=<id>`` runs ``web/lesson.py``, which builds a
:class:`LessonApp` from the compiled lesson JSON the site serves
(``lessons/<id>.json``) and hydrates one root per live part into the page's root
elements (:mod:`pyplayground.ui.lesson.contract`):

* the progress bar ("2 of 4 tasks done", *Reset progress*);
* every playground, a :class:`LessonPlayground`: it starts in the block's state, so
  hidden controls are absent and locked ones disabled, and never follows the page URL;
* every widget (``:::{tsne}``, ``:::{adversarial}``, ...): the kind's component
  (:mod:`pyplayground.ui.widgets`), imported only when the lesson uses it, built with
  the block's settings and the page's other live parts as its ``peers``;
* every task: its status, re-checked on every redraw of its playground (every frame
  while training, and after every change), hints one at a time, *Show me*.

Progress (completed tasks, hints shown) is kept in the page's local storage
(:class:`~pyplayground.ui.lesson.views.ProgressStore`) and survives reloads.

Natively (``panel serve web/lesson.py`` with ``?lesson=<id>``, or ``LessonApp`` in a
notebook) the whole lesson renders as one column, prose included, compiled from
``lessons/*.md``; progress is then not stored.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import panel as pn

from pyplayground.lesson_tracker import TaskTracker
from pyplayground.lessons import (
    ID_RE,
    Lesson,
    PlaygroundSpec,
    ProseBlock,
    Task,
    WidgetSpec,
    load_lesson,
)
from pyplayground.state import PlaygroundState

from .lesson.contract import (
    PROGRESS_ROOT,
    QUERY_KEY,
    data_url,
    element_id,
    part_key,
    root_keys,
    storage_key,
)
from .lesson.views import ProgressStore, ProgressView, TaskView
from .playground.app import PlaygroundApp
from .widgets import make_widget

PROSE_CSS = """
:host { font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
"""


class LessonPlayground(PlaygroundApp):
    """A playground of a lesson.

    Starts in the block's full state (hidden and locked controls included), ignores the
    page URL (a lesson page may hold several playgrounds), and calls ``on_update(self)``
    after every redraw, which is every metrics update.
    """

    def __init__(self, spec: PlaygroundSpec, **params: Any) -> None:
        super().__init__(initial_hash=spec.state.to_hash(), **params)
        self.spec = spec
        self.on_update: Any = None
        # Direct frames (postMessage past Bokeh) carry no playground id: with two
        # playgrounds on a page, each would paint the other's frames. Bokeh frames only.
        self.direct_frames = True

    def load_hash(self, text: str) -> None:
        """A lesson's playground never follows the page's URL hash."""

    def draw(self, **kwargs: Any):
        if not getattr(self, "direct_frames", True):
            kwargs["direct"] = False
        frame = super().draw(**kwargs)
        callback = getattr(self, "on_update", None)
        if callback is not None:
            callback(self)
        return frame

    def load_state(self, state: PlaygroundState) -> None:
        """Switch to ``state`` and start again from epoch 0, paused ("show me", restart)."""
        self.pg.custom = None
        self.apply(state)
        self.reset()


class LessonApp(pn.viewable.Viewer):
    """The live parts of one lesson page.

    Parameters
    ----------
    lesson : Lesson
        From :func:`pyplayground.lessons.load_lesson` (the compiled JSON).
    """

    def __init__(self, lesson: Lesson, **params: Any) -> None:
        super().__init__(**params)
        self.lesson = lesson
        self.tracker = TaskTracker(lesson)
        self.store = ProgressStore(storage_key(lesson.id), self._restore)
        self.progress_view = ProgressView(self.store, on_reset=self.reset_progress)
        self.task_views = {
            task.id: TaskView(
                task,
                on_hint=self.reveal_hint,
                on_show_me=self.show_me,
                playground_element=element_id(part_key(lesson, task.playground)),
            )
            for task in lesson.tasks
        }
        self.playgrounds: dict[str, LessonPlayground] = {}
        single = len(lesson.playgrounds) == 1
        for pid, spec in lesson.playgrounds.items():
            app = LessonPlayground(spec)
            app.direct_frames = single
            app.on_update = functools.partial(self._updated, pid)
            self.playgrounds[pid] = app
        # widgets, in document order; each sees every playground and the widgets before it
        self.widgets: dict[str, Any] = {}
        for wid, wspec in lesson.widgets.items():
            peers = {**self.playgrounds, **self.widgets}
            widget = make_widget(wspec.kind, wspec.state, peers=peers)
            widget.on_update = functools.partial(self._updated, wid)
            self.widgets[wid] = widget
        self._stored: dict[str, Any] | None = None
        for pid, part in self.parts.items():
            self._updated(pid, part)
        self._show_progress()

    @property
    def parts(self) -> dict[str, Any]:
        """Every live component (playgrounds and widgets) by id."""
        return {**self.playgrounds, **self.widgets}

    def _snapshot(self, part: Any) -> tuple[dict[str, Any], Any]:
        if isinstance(part, LessonPlayground):
            return part.pg.metrics(), part.pg.state
        return part.metrics(), part.state_values()

    # ------------------------------------------------------------ checking
    def _updated(self, part_id: str, part: Any) -> None:
        """The live part ``part_id`` redrew: check its tasks against its metrics and state."""
        metrics, state = self._snapshot(part)
        statuses = self.tracker.update(metrics, state, playground=part_id)
        for status in statuses:
            self.task_views[status.task_id].show(status, self.tracker.visible_hints(status.task_id))
        self._show_progress()

    def _show_progress(self) -> None:
        self.progress_view.show(self.tracker.n_done, len(self.lesson.tasks))
        progress = self.tracker.progress()
        if progress != self._stored and self.store.write(progress):
            self._stored = progress

    def _show_all(self) -> None:
        for task in self.lesson.tasks:
            self.task_views[task.id].show(
                self.tracker.status(task.id), self.tracker.visible_hints(task.id)
            )
        self._show_progress()

    # ------------------------------------------------------------- actions
    def reveal_hint(self, task_id: str) -> None:
        """The *Hint* button: show the task's next hint."""
        self.tracker.reveal_hint(task_id)
        self._show_all()

    def show_me(self, task_id: str) -> None:
        """The *Show me* button: load the task's solution state into its playground."""
        task = self.lesson.task(task_id)
        solution = self.tracker.solution_state(task_id)
        if solution is None:
            return
        self.parts[task.playground].load_state(solution)
        if task.playground in self.playgrounds:
            text = "The playground now has a setup that works: press ▶ Play and watch the checks."
        else:
            text = "The explorable now has settings that work: try it and watch the checks."
        self.task_views[task_id].say(text)

    def reset_progress(self) -> None:
        """*Reset progress*: forget completed tasks and hints, restart every playground."""
        self.tracker.forget()
        for view in self.task_views.values():
            view.say("")
        for app in self.playgrounds.values():
            app.load_state(app.spec.state)
        for wid, widget in self.widgets.items():
            widget.load_state(dict(self.lesson.widgets[wid].state))
        self._show_all()

    def _restore(self, stored: dict[str, Any] | None) -> None:
        """The page sent the stored progress: merge it with what happened meanwhile."""
        merged = merge_progress(self.tracker.progress(), stored)
        self.tracker = TaskTracker(self.lesson, merged)
        self._stored = None
        for pid, part in self.parts.items():
            metrics, state = self._snapshot(part)
            self.tracker.update(metrics, state, playground=pid)
        self._show_all()

    # ------------------------------------------------------------ rendering
    def roots(self) -> list[tuple[str, Any]]:
        """The live parts in page order, as ``(key, component)`` (see ``contract.root_keys``)."""
        parts: dict[str, Any] = {PROGRESS_ROOT: self.progress_view}
        parts.update({f"playground:{k}": v for k, v in self.playgrounds.items()})
        parts.update({f"widget:{k}": v for k, v in self.widgets.items()})
        parts.update({f"task:{k}": v for k, v in self.task_views.items()})
        return [(key, parts[key]) for key in root_keys(self.lesson)]

    def serve_roots(self) -> None:
        """Add one document root per live part, in page order, and nothing else.

        Panel's page script matches roots to the page's root elements by order, so no
        ``Location`` root (the playgrounds ignore the URL) and no ``BrowserInfo`` root.
        """
        pn.config.browser_info = False
        doc = pn.state.curdoc
        # Bokeh recomputes the document's models once, after the last root, instead of
        # after each root (which grew quadratically with the roots: ~0.3 s for 6 roots).
        with doc.models.freeze() if doc is not None else contextlib.nullcontext():
            for _key, part in self.roots():
                part.servable(title=self.lesson.title, location=False)

    def __panel__(self) -> pn.viewable.Viewable:
        """The whole lesson in one column, prose included (``panel serve``, notebooks)."""
        items: list[Any] = [self.progress_view]
        for block in self.lesson.blocks:
            if isinstance(block, ProseBlock):
                items.append(_prose(block.html))
            elif isinstance(block, PlaygroundSpec | WidgetSpec):
                items.append(self.parts[block.id])
                if block.caption:
                    items.append(_prose(f"<p><em>{_escape(block.caption)}</em></p>"))
            elif isinstance(block, Task):
                items.append(_prose(f"<h3>Task: {block.title_html}</h3>{block.text_html}"))
                items.append(self.task_views[block.id])
        return pn.Column(*items, css_classes=["pg-lesson-app"], margin=(0, 12))


def merge_progress(current: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """``current`` progress plus ``stored`` (done if done in either, the most hints)."""
    if not stored or stored.get("lesson") != current.get("lesson"):
        return current
    if stored.get("version") != current.get("version"):
        return current
    tasks = {}
    theirs = stored.get("tasks") if isinstance(stored.get("tasks"), dict) else {}
    for tid, mine in current["tasks"].items():
        other = theirs.get(tid) if isinstance(theirs.get(tid), dict) else {}
        done = mine["done"] or other.get("done") is True
        hints = other.get("hints")
        hints = hints if isinstance(hints, int) and not isinstance(hints, bool) else 0
        epoch = mine["done_epoch"] if mine["done"] else other.get("done_epoch")
        tasks[tid] = {"done": done, "done_epoch": epoch, "hints": max(mine["hints"], hints)}
    return {**current, "tasks": tasks}


# --------------------------------------------------------------- the page


def no_lesson(message: str = "") -> pn.viewable.Viewable:
    """What ``lesson.html`` shows without a lesson (the lessons have their own pages)."""
    text = message or "This page shows a lesson. Choose one on the start page."
    page = pn.pane.HTML(
        f'<h1 style="font-size:22px;font-weight:500">Lessons</h1><p>{_escape(text)}</p>'
        '<p><a href="./index.html">All lessons</a></p>',
        stylesheets=[PROSE_CSS],
        margin=(12, 20),
    )
    # in a Column: an HTML pane as a document root makes `panel convert` add MathJax (1.7 MB)
    return pn.Column(page, css_classes=["pg-no-lesson"])


def lesson_id_from_query(query: str) -> str | None:
    """The lesson id in a URL query (``?lesson=overfitting``), if it is a valid id."""
    values = urllib.parse.parse_qs(query.lstrip("?")).get(QUERY_KEY, [])
    value = values[0] if values else ""
    return value if ID_RE.match(value) else None


def in_browser() -> bool:
    return sys.platform == "emscripten"


def _fetch_text(url: str) -> str:
    """GET ``url`` synchronously (a worker may block; relative to the worker's URL)."""
    import js

    request = js.XMLHttpRequest.new()
    request.open("GET", url, False)
    request.send()
    if request.status != 200:
        raise FileNotFoundError(f"{url}: HTTP {request.status}; rebuild the site")
    return str(request.responseText)


def compile_from_repo(lesson_id: str, folder: Path | None = None) -> Lesson | None:
    """Natively: compile the lesson called ``lesson_id`` from ``lessons/*.md``."""
    from pyplayground.sitegen.lessons import compile_lesson, lesson_files

    folder = folder or Path.cwd() / "lessons"
    if not folder.is_dir():
        folder = Path(__file__).resolve().parents[2] / "lessons"
    for path in lesson_files([folder]):
        compiled = compile_lesson(path)
        if compiled["id"] == lesson_id:
            return Lesson.from_dict(compiled)
    return None


def serve_page() -> None:
    """What ``web/lesson.py`` does: serve the lesson this page (or session) asks for."""
    pn.config.browser_info = False  # no extra document root (see LessonApp.serve_roots)
    if in_browser():
        import js

        lesson_id = lesson_id_from_query(str(js.location.search))
        if lesson_id is None:
            no_lesson().servable(title="Lessons", location=False)
            return
        LessonApp(load_lesson(_fetch_text(data_url(lesson_id)))).serve_roots()
        return
    args = pn.state.session_args.get(QUERY_KEY)
    lesson_id = lesson_id_from_query(f"{QUERY_KEY}={args[0].decode()}") if args else None
    lesson = compile_from_repo(lesson_id) if lesson_id else None
    if lesson is None:
        no_lesson().servable(title="Lessons", location=False)
    else:
        LessonApp(lesson).servable(title=lesson.title)


def _prose(text: str) -> pn.pane.HTML:
    return pn.pane.HTML(text, stylesheets=[PROSE_CSS], sizing_mode="stretch_width", margin=0)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = [
    "LessonApp",
    "LessonPlayground",
    "compile_from_repo",
    "lesson_id_from_query",
    "merge_progress",
    "no_lesson",
    "serve_page",
]
