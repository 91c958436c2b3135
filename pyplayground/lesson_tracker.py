"""Task progress in a lesson: which conditions hold, which tasks are complete.

:class:`TaskTracker` takes successive metrics/state snapshots of a lesson's live parts
(playgrounds and widgets) and reports each task's status ("2 of 3 conditions met"); a
completed task stays complete, and the progress can be saved and restored. The checks
themselves are parsed by :func:`pyplayground.lessons.parse_check`. Runs in the browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .lessons import (
    PLAYGROUND,
    PROGRESS_VERSION,
    Condition,
    Group,
    Lesson,
    Task,
    _is_number,
    _kind_of,
    counter_metric,
    state_values,
    with_derived,
)
from .state import PlaygroundState


@dataclass(frozen=True, slots=True)
class ConditionStatus:
    """One top-level condition of a task, as the learner sees it.

    ``held``/``needed`` count consecutive epochs for ``for_epochs`` conditions
    (``None`` otherwise).
    """

    text: str
    met: bool
    held: int | None = None
    needed: int | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"text": self.text, "met": self.met, "held": self.held, "needed": self.needed}


@dataclass(frozen=True, slots=True)
class TaskStatus:
    """A task's status after the latest snapshot.

    ``met`` of ``total`` top-level conditions hold now; with ``mode == "any"``
    one is enough.  ``done`` stays true once reached.
    """

    task_id: str
    done: bool
    met: int
    total: int
    mode: str
    conditions: tuple[ConditionStatus, ...]
    hints_shown: int
    n_hints: int

    @property
    def summary(self) -> str:
        """E.g. ``"Done"``, ``"2 of 3 conditions met"``, ``"0 of 2 met (any one will do)"``."""
        if self.done:
            return "Done"
        if self.mode == "any" and self.total > 1:
            return f"{self.met} of {self.total} met (any one will do)"
        noun = "condition" if self.total == 1 else "conditions"
        return f"{self.met} of {self.total} {noun} met"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (for the UI)."""
        return {
            "task": self.task_id,
            "done": self.done,
            "met": self.met,
            "total": self.total,
            "mode": self.mode,
            "summary": self.summary,
            "conditions": [c.as_dict() for c in self.conditions],
            "hints_shown": self.hints_shown,
            "n_hints": self.n_hints,
        }


@dataclass(slots=True)
class _TaskRecord:
    done: bool = False
    done_epoch: int | None = None
    hints: int = 0
    streaks: dict[tuple[int, ...], int] = field(default_factory=dict)
    status: TaskStatus | None = None


class TaskTracker:
    """Evaluates a lesson's task checks on successive snapshots; pure, no I/O.

    Parameters
    ----------
    lesson : Lesson
    progress : dict, optional
        A dict from :meth:`progress` (e.g. read back from local storage).
        Entries that do not fit the lesson are ignored.

    Examples
    --------
    >>> tracker = TaskTracker(lesson)                       # doctest: +SKIP
    >>> for status in tracker.update(pg.metrics(), pg.state, playground="main"):
    ...     print(status.task_id, status.summary)           # doctest: +SKIP
    """

    def __init__(self, lesson: Lesson, progress: Mapping[str, Any] | None = None) -> None:
        self.lesson = lesson
        self._records = {task.id: _TaskRecord() for task in lesson.tasks}
        self._last_epoch: dict[str, int] = {}
        if progress:
            self._restore(progress)

    # ------------------------------------------------------------- updates
    def update(
        self,
        metrics: Mapping[str, Any],
        state: PlaygroundState | Mapping[str, Any],
        playground: str | None = None,
    ) -> list[TaskStatus]:
        """Feed one snapshot of a playground; returns the status of its tasks.

        Parameters
        ----------
        metrics : dict
            ``Playground.metrics()`` (``epoch`` is needed for ``for_epochs``).
        state : PlaygroundState or dict of URL keys
        playground : str, optional
            The playground the snapshot comes from; ``None`` means every task
            (fine for lessons with a single playground).
        """
        parts = self.lesson.parts
        if playground is not None and playground not in parts:
            raise KeyError(
                f"No live part {playground!r} in lesson {self.lesson.id!r}; "
                f"live parts (playgrounds and widgets): {list(parts)}"
            )
        part = PLAYGROUND if playground is None else _kind_of(parts[playground])
        if part == PLAYGROUND:
            values, svalues = with_derived(metrics), state_values(state)
        else:
            values, svalues = dict(metrics), dict(state)
        counter = counter_metric(part)
        epoch = values.get(counter) if counter else None
        epoch = int(epoch) if _is_number(epoch) else None
        out = []
        for task in self.lesson.tasks:
            if playground is not None and task.playground != playground:
                continue
            record = self._records[task.id]
            last = self._last_epoch.get(task.playground)
            if epoch is not None and last is not None and epoch < last:
                record.streaks.clear()  # the network was reset: streaks start again
            record.status = self._evaluate(task, record, values, svalues, epoch)
            out.append(record.status)
        if epoch is not None:
            for name in self.lesson.parts if playground is None else (playground,):
                self._last_epoch[name] = epoch
        return out

    def _evaluate(
        self,
        task: Task,
        record: _TaskRecord,
        metrics: Mapping[str, Any],
        state: Mapping[str, Any],
        epoch: int | None,
    ) -> TaskStatus:
        conditions = []
        for i, item in enumerate(task.check.items):
            met = _evaluate(item, (i,), metrics, state, epoch, record.streaks)
            held = needed = None
            if isinstance(item, Condition) and item.for_epochs > 1:
                needed = item.for_epochs
                start = record.streaks.get((i,))
                held = 0 if start is None or epoch is None else min(epoch - start + 1, needed)
            conditions.append(ConditionStatus(item.describe(), met, held, needed))
        met_all = [c.met for c in conditions]
        ok = all(met_all) if task.check.mode == "all" else any(met_all)
        if ok and not record.done:
            record.done, record.done_epoch = True, epoch
        if record.done:
            conditions = [ConditionStatus(c.text, True, c.needed, c.needed) for c in conditions]
        return self._status(task, record, tuple(conditions))

    def _status(
        self, task: Task, record: _TaskRecord, conditions: tuple[ConditionStatus, ...]
    ) -> TaskStatus:
        return TaskStatus(
            task_id=task.id,
            done=record.done,
            met=sum(c.met for c in conditions),
            total=len(conditions),
            mode=task.check.mode,
            conditions=conditions,
            hints_shown=record.hints,
            n_hints=len(task.hints),
        )

    # ------------------------------------------------------------- queries
    def status(self, task_id: str) -> TaskStatus:
        """The task's latest status (before any snapshot: nothing met yet)."""
        task = self.lesson.task(task_id)
        record = self._records[task_id]
        if record.status is not None:
            return record.status
        conditions = []
        for item in task.check.items:
            streak = isinstance(item, Condition) and item.for_epochs > 1
            needed = item.for_epochs if isinstance(item, Condition) and streak else None
            held = (needed if record.done else 0) if streak else None
            conditions.append(ConditionStatus(item.describe(), record.done, held, needed))
        return self._status(task, record, tuple(conditions))

    def statuses(self) -> list[TaskStatus]:
        """Every task's status, in document order."""
        return [self.status(task.id) for task in self.lesson.tasks]

    @property
    def n_done(self) -> int:
        """Number of completed tasks."""
        return sum(r.done for r in self._records.values())

    @property
    def all_done(self) -> bool:
        """Whether every task is complete."""
        return self.n_done == len(self._records)

    # --------------------------------------------------------------- hints
    def reveal_hint(self, task_id: str) -> str | None:
        """Reveal the task's next hint and return it (Markdown); ``None`` when none are left."""
        task = self.lesson.task(task_id)
        record = self._records[task_id]
        if record.hints >= len(task.hints):
            return None
        record.hints += 1
        if record.status is not None:
            record.status = self._status(task, record, record.status.conditions)
        return task.hints[record.hints - 1]

    def visible_hints(self, task_id: str, *, html: bool = True) -> tuple[str, ...]:
        """The hints revealed so far (rendered HTML, or Markdown with ``html=False``)."""
        task = self.lesson.task(task_id)
        hints = task.hints_html if html else task.hints
        return hints[: self._records[task_id].hints]

    def solution_state(self, task_id: str) -> PlaygroundState | Mapping[str, Any] | None:
        """The task's "show me" state: its live part's initial state plus the solution
        (a :class:`PlaygroundState`, or a widget's full settings dict)."""
        return self.lesson.task(task_id).solution

    # ------------------------------------------------------------ progress
    def progress(self) -> dict[str, Any]:
        """A JSON-serialisable progress dict (what the UI keeps in local storage)."""
        return {
            "version": PROGRESS_VERSION,
            "lesson": self.lesson.id,
            "tasks": {
                task_id: {"done": r.done, "done_epoch": r.done_epoch, "hints": r.hints}
                for task_id, r in self._records.items()
            },
        }

    def _restore(self, progress: Mapping[str, Any]) -> None:
        if progress.get("version") != PROGRESS_VERSION or progress.get("lesson") != self.lesson.id:
            return
        tasks = progress.get("tasks")
        if not isinstance(tasks, Mapping):
            return
        for task in self.lesson.tasks:
            entry = tasks.get(task.id)
            if not isinstance(entry, Mapping):
                continue
            record = self._records[task.id]
            record.done = entry.get("done") is True
            epoch = entry.get("done_epoch")
            record.done_epoch = epoch if isinstance(epoch, int) and record.done else None
            hints = entry.get("hints")
            if isinstance(hints, int) and not isinstance(hints, bool):
                record.hints = min(max(hints, 0), len(task.hints))

    def forget(self) -> None:
        """Start over: no task done, no hints shown."""
        self._records = {task.id: _TaskRecord() for task in self.lesson.tasks}
        self._last_epoch.clear()


def _evaluate(
    node: Condition | Group,
    path: tuple[int, ...],
    metrics: Mapping[str, Any],
    state: Mapping[str, Any],
    epoch: int | None,
    streaks: dict[tuple[int, ...], int],
) -> bool:
    if isinstance(node, Group):
        # evaluate every child (no short-circuit) so each streak is kept up to date
        results = [
            _evaluate(item, (*path, i), metrics, state, epoch, streaks)
            for i, item in enumerate(node.items)
        ]
        return all(results) if node.mode == "all" else any(results)
    now = node.holds(metrics, state)
    if node.for_epochs <= 1:
        return now
    if not now or epoch is None:
        streaks.pop(path, None)
        return False
    start = streaks.setdefault(path, epoch)
    return epoch - start + 1 >= node.for_epochs


__all__ = ["ConditionStatus", "TaskStatus", "TaskTracker"]
