"""The live parts of a lesson page: task status, hints, "show me", progress, local storage.

Each view is a small Panel component that the lesson app hydrates into a root element
of the static page (see :mod:`.contract`).  They hold no lesson logic: the app feeds
them :class:`~pyplayground.lesson_tracker.TaskStatus` objects and wires their buttons.  Every
``show`` compares the new HTML with the old, so a view costs nothing on the frames
where its task did not change.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import panel as pn
from bokeh.models import Column, CustomJS, Div

from pyplayground.lesson_tracker import TaskStatus
from pyplayground.lessons import Task

from .contract import LOAD_MODEL, SAVE_MODEL

TASK_CSS = """
:host { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.pg-status { font-size: 14px; line-height: 1.45; color: #3c4043; }
.pg-summary { font-weight: 600; }
.pg-status.pg-done .pg-summary { color: #137333; }
.pg-conditions { list-style: none; margin: 4px 0 0; padding: 0; }
.pg-conditions li { margin: 2px 0; }
.pg-conditions .pg-mark { display: inline-block; width: 1.3em; color: #9aa0a6; }
.pg-conditions .pg-met .pg-mark { color: #137333; }
.pg-held { color: #5f6368; font-variant-numeric: tabular-nums; }
.pg-hints { margin: 4px 0 0; padding-left: 1.3em; font-size: 14px; color: #3c4043; }
.pg-hints li { margin: 4px 0; }
.pg-hints p { margin: 0; }
.pg-message { font-size: 13px; color: #1a73e8; }
.pg-progress-text { font-size: 14px; color: #3c4043; }
"""

# Runs in the page whenever the app stores progress (``SAVE_MODEL``'s text changes).
SAVE_JS = """
try {
  window.localStorage.setItem(key, cb_obj.text);
} catch (e) {
  console.warn("pyplayground: progress not saved (local storage unavailable):", e);
}
"""


def status_html(status: TaskStatus) -> str:
    """A task's status as the learner sees it: summary line and one line per condition."""
    items = []
    for c in status.conditions:
        mark = "✓" if c.met else "○"
        held = ""
        if c.needed is not None and not status.done:
            held = f' <span class="pg-held">({c.held or 0} of {c.needed})</span>'
        cls = "pg-met" if c.met else "pg-open"
        items.append(
            f'<li class="{cls}"><span class="pg-mark" aria-hidden="true">{mark}</span>'
            f"{html.escape(c.text)}{held}</li>"
        )
    done = " pg-done" if status.done else ""
    summary = "✓ Done" if status.done else html.escape(status.summary)
    return (
        f'<div class="pg-status{done}" role="status">'
        f'<div class="pg-summary">{summary}</div>'
        f'<ul class="pg-conditions">{"".join(items)}</ul></div>'
    )


def hints_html(hints: Sequence[str]) -> str:
    """The hints revealed so far (already rendered HTML), as a numbered list."""
    if not hints:
        return ""
    return '<ol class="pg-hints">' + "".join(f"<li>{h}</li>" for h in hints) + "</ol>"


class TaskView(pn.viewable.Viewer):
    """One task's live part: status, revealed hints, *Hint* and *Show me* buttons."""

    def __init__(
        self,
        task: Task,
        *,
        on_hint: Callable[[str], None],
        on_show_me: Callable[[str], None],
        playground_element: str = "",
    ) -> None:
        super().__init__()
        self.task = task
        tid = task.id
        self.status = pn.pane.HTML(
            "",
            css_classes=["pg-task-status", f"pg-task-status-{tid}"],
            stylesheets=[TASK_CSS],
            margin=(0, 0, 4, 0),
            sizing_mode="stretch_width",
        )
        self.hints = pn.pane.HTML(
            "",
            css_classes=["pg-task-hints", f"pg-task-hints-{tid}"],
            stylesheets=[TASK_CSS],
            margin=0,
            sizing_mode="stretch_width",
            visible=False,
        )
        self.hint_button = pn.widgets.Button(
            label="Hint",
            css_classes=["pg-hint", f"pg-hint-{tid}"],
            description="Reveal the next hint",
            visible=bool(task.hints),
            width=150,
            margin=(4, 8, 4, 0),
        )
        self.show_me = pn.widgets.Button(
            label="Show me",
            css_classes=["pg-show-me", f"pg-show-me-{tid}"],
            description="Load a working setup into the playground",
            visible=task.solution is not None,
            width=110,
            margin=(4, 8, 4, 0),
        )
        self.message = pn.pane.HTML(
            "",
            css_classes=["pg-task-message", f"pg-task-message-{tid}"],
            stylesheets=[TASK_CSS],
            margin=(0, 0, 0, 0),
            visible=False,
        )
        self.hint_button.on_click(lambda _e: on_hint(tid))
        self.show_me.on_click(lambda _e: on_show_me(tid))
        if playground_element:
            # the playground may be far above the task: bring it into view
            self.show_me.js_on_click(
                args={"id": playground_element},
                code="const el = document.getElementById(id);"
                " if (el) { el.scrollIntoView({behavior: 'smooth', block: 'start'}); }",
            )
        self.layout = pn.Column(
            self.status,
            self.hints,
            pn.Row(self.hint_button, self.show_me, margin=0),
            self.message,
            css_classes=["pg-task-live", f"pg-task-live-{tid}"],
            sizing_mode="stretch_width",
            margin=0,
        )
        self._hint_count = -1

    def show(self, status: TaskStatus, hints: Sequence[str]) -> None:
        """Display ``status`` and the revealed ``hints`` (rendered HTML)."""
        text = status_html(status)
        if self.status.object != text:
            self.status.object = text
        if len(hints) != self._hint_count:
            self._hint_count = len(hints)
            self.hints.object = hints_html(hints)
            self.hints.visible = bool(hints)
            left = len(self.task.hints) - len(hints)
            self.hint_button.disabled = left <= 0
            if not hints:
                self.hint_button.label = "Hint"
            elif left > 0:
                self.hint_button.label = f"Next hint ({len(hints) + 1} of {len(self.task.hints)})"
            else:
                self.hint_button.label = "No more hints"

    def say(self, text: str) -> None:
        """A one-line message under the buttons ("" hides it)."""
        self.message.object = f'<div class="pg-message">{html.escape(text)}</div>' if text else ""
        self.message.visible = bool(text)

    def __panel__(self) -> pn.viewable.Viewable:
        return self.layout


class ProgressStore:
    """Keeps the lesson's progress in the page's local storage.

    The Python side runs in a Web Worker, which has no local storage.  Two hidden Bokeh
    ``Div`` models carry it: the page (``static/lesson.js``) writes the stored progress
    into ``LOAD_MODEL``'s text once the document is rendered, and a ``CustomJS`` stores
    ``SAVE_MODEL``'s text whenever the app changes it.  Nothing is stored before the
    stored progress has arrived, so a fresh start can never overwrite it.
    """

    def __init__(self, key: str, on_load: Callable[[dict[str, Any] | None], None]) -> None:
        self.key = key
        self.loaded = False
        self._on_load = on_load
        self.load_model = Div(text="", visible=False, name=LOAD_MODEL)
        self.save_model = Div(text="", visible=False, name=SAVE_MODEL)
        self.save_model.js_on_change("text", CustomJS(args={"key": key}, code=SAVE_JS))
        self.load_model.on_change("text", self._received)
        self.pane = pn.pane.Bokeh(
            Column(children=[self.load_model, self.save_model], visible=False),
            visible=False,
            margin=0,
        )

    def _received(self, attr: str, old: Any, new: Any) -> None:
        self.receive(str(new))

    def receive(self, text: str) -> None:
        """Handle what the page sent: ``{"progress": <stored JSON text or null>}``."""
        try:
            stored = json.loads(json.loads(text).get("progress") or "null")
        except (ValueError, AttributeError, TypeError):
            stored = None  # unreadable storage: start afresh rather than fail
        self.loaded = True
        self._on_load(stored if isinstance(stored, dict) else None)

    def write(self, progress: Mapping[str, Any]) -> bool:
        """Store ``progress`` (once the stored progress has been read); True if sent."""
        if not self.loaded:
            return False
        text = json.dumps(progress, sort_keys=True, separators=(",", ":"))
        if self.save_model.text != text:
            self.save_model.text = text
        return True


class ProgressView(pn.viewable.Viewer):
    """The page's progress bar: "2 of 4 tasks done" and *Reset progress*."""

    def __init__(self, store: ProgressStore, *, on_reset: Callable[[], None]) -> None:
        super().__init__()
        self.text = pn.pane.HTML(
            "",
            css_classes=["pg-progress-text"],
            stylesheets=[TASK_CSS],
            margin=(6, 12, 0, 0),
        )
        self.reset = pn.widgets.Button(
            label="Reset progress",
            css_classes=["pg-reset-progress"],
            description="Forget completed tasks and hints, and restart the playgrounds",
            width=140,
            margin=(0, 0),
        )
        self.reset.on_click(lambda _e: on_reset())
        self.layout = pn.Row(self.text, self.reset, store.pane, margin=0)

    def show(self, done: int, total: int) -> None:
        text = (
            f'<span class="pg-progress-text">{done} of {total} task{"" if total == 1 else "s"}'
            " done</span>"
        )
        if self.text.object != text:
            self.text.object = text

    def __panel__(self) -> pn.viewable.Viewable:
        return self.layout


__all__ = [
    "ProgressStore",
    "ProgressView",
    "TaskView",
    "hints_html",
    "status_html",
]
