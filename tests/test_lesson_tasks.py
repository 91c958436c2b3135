"""Every shipped lesson's tasks, played headlessly with the real engine.

For each task, a simulated learner does what the hints say (loads the task's
solution state, or follows a scripted action such as editing weights), trains
the playground epoch by epoch and feeds every snapshot to a TaskTracker, as the
page does.  The task must complete.  It must *not* complete from the initial
state without training, and a task with a solution must not complete by just
pressing play on the initial state.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from pyplayground.lesson_tracker import TaskTracker
from pyplayground.lessons import Lesson, Task
from pyplayground.playground import Playground
from pyplayground.sitegen.lessons import compile_lesson, lesson_files

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"
EPOCHS_PER_UPDATE = 5  # the page sends a metrics update every few epochs
MAX_EPOCHS = 600


def _load() -> dict[str, Lesson]:
    lessons = [Lesson.from_dict(compile_lesson(p)) for p in lesson_files([LESSONS_DIR])]
    return {lesson.id: lesson for lesson in lessons}


LESSONS = _load()
# tasks on playgrounds; tasks on widgets (t-SNE, adversarial) are played in their
# components' tests (tests/ui/test_tsne_explorer.py, tests/ui/test_adversarial_explorer.py)
CASES = [
    (lesson.id, task.id)
    for lesson in LESSONS.values()
    for task in lesson.tasks
    if task.playground in lesson.playgrounds
]


def flip_output_neuron(pg: Playground) -> None:
    """Lesson 1's hints: type minus each weight and the bias of the output neuron."""
    layer = len(pg.network.layers) - 1
    w, b = pg.network.layers[layer].w, pg.network.layers[layer].b
    for i in range(w.shape[0]):
        pg.set_weight(layer, i, 0, -float(w[i, 0]))
    pg.set_bias(layer, 0, -float(b[0]))


@dataclass(frozen=True)
class Script:
    """What the learner does: train ``before`` epochs, act, then train until done."""

    before: int = 0
    action: Callable[[Playground], None] | None = None
    use_solution: bool = True


SCRIPTS = {
    ("neuron", "flip"): Script(before=30, action=flip_output_neuron),
    # as after task 1: the network has overfit before the learner switches L2 on
    ("overfitting", "l2"): Script(before=200),
}


def feed(tracker: TaskTracker, pg: Playground, task: Task) -> bool:
    tracker.update(pg.metrics(), pg.state, playground=task.playground)
    return tracker.status(task.id).done


def train(tracker: TaskTracker, pg: Playground, task: Task, epochs: int) -> bool:
    for _ in range(0, epochs, EPOCHS_PER_UPDATE):
        pg.step(EPOCHS_PER_UPDATE)
        if feed(tracker, pg, task):
            return True
    return False


def start(lesson_id: str, task_id: str) -> tuple[Lesson, Task, Playground, TaskTracker]:
    lesson = LESSONS[lesson_id]
    task = lesson.task(task_id)
    pg = Playground(lesson.playgrounds[task.playground].state)
    return lesson, task, pg, TaskTracker(lesson)


def test_the_playground_lessons_have_two_to_four_tasks() -> None:
    assert set(LESSONS) >= {"neuron", "learning-rate", "overfitting", "depth-vs-width"}
    assert set(LESSONS) >= {"tsne", "adversarial"}
    for lesson in LESSONS.values():
        if not lesson.widgets:
            assert 2 <= len(lesson.tasks) <= 4, lesson.id


@pytest.mark.parametrize(("lesson_id", "task_id"), CASES)
def test_task_is_not_done_before_the_learner_does_anything(lesson_id: str, task_id: str) -> None:
    _, task, pg, tracker = start(lesson_id, task_id)
    assert not feed(tracker, pg, task)
    assert tracker.status(task_id).met < tracker.status(task_id).total


@pytest.mark.parametrize(("lesson_id", "task_id"), CASES)
def test_following_the_hints_completes_the_task(lesson_id: str, task_id: str) -> None:
    _, task, pg, tracker = start(lesson_id, task_id)
    script = SCRIPTS.get((lesson_id, task_id), Script())
    if script.before:
        train(tracker, pg, task, script.before)
    if script.action is not None:
        script.action(pg)
    if script.use_solution and task.solution is not None:
        pg.set_state(task.solution)
    done = feed(tracker, pg, task) or train(tracker, pg, task, MAX_EPOCHS)
    status = tracker.status(task_id)
    assert done, f"{lesson_id}/{task_id}: {status.summary}: {status.conditions}"
    assert status.met == status.total


def _needs_a_change(lesson_id: str, task_id: str) -> bool:
    script = SCRIPTS.get((lesson_id, task_id))
    has_action = script is not None and script.action is not None
    return has_action or LESSONS[lesson_id].task(task_id).solution is not None


@pytest.mark.parametrize(("lesson_id", "task_id"), [c for c in CASES if _needs_a_change(*c)])
def test_pressing_play_alone_does_not_solve_a_task_that_needs_a_change(
    lesson_id: str, task_id: str
) -> None:
    _, task, pg, tracker = start(lesson_id, task_id)
    assert not train(tracker, pg, task, 300)
