"""The lesson app without a browser: roots, lesson state, live task checks, progress.

The browser side (static page, local storage, hydration) is in
``tests/browser/test_lessons_page.py``; here the app is driven through its widgets and
the page's hidden models the way the page would drive them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pn = pytest.importorskip("panel")

from bokeh.document import Document  # noqa: E402
from panel.io.document import MockSessionContext  # noqa: E402
from panel.io.state import set_curdoc  # noqa: E402

from pyplayground.lessons import Lesson  # noqa: E402
from pyplayground.sitegen.convert import check_entry_script  # noqa: E402
from pyplayground.sitegen.lessons import compile_lesson  # noqa: E402
from pyplayground.ui.lesson import contract  # noqa: E402
from pyplayground.ui.lesson.views import SAVE_JS  # noqa: E402
from pyplayground.ui.lesson_app import (  # noqa: E402
    LessonApp,
    compile_from_repo,
    lesson_id_from_query,
    merge_progress,
    serve_page,
)

REPO = Path(__file__).resolve().parents[2]
LESSON_FILES = sorted((REPO / "lessons").glob("[0-9]*.md"))


def lesson(name: str) -> Lesson:
    (path,) = [p for p in LESSON_FILES if p.stem.split("-", 1)[1] == name]
    return Lesson.from_dict(compile_lesson(path))


@pytest.fixture
def overfitting() -> LessonApp:
    return LessonApp(lesson("overfitting"))


def page_doc() -> Document:
    """A document like the Pyodide worker's (a mocked session context)."""
    doc = Document()
    doc._session_context = lambda: MockSessionContext(document=doc)  # type: ignore[method-assign]
    return doc


def click(button) -> None:
    button.clicks += 1


def train(app: LessonApp, playground: str, epochs: int) -> None:
    for _ in range(epochs):
        app.playgrounds[playground].step()


def summary(app: LessonApp, task: str) -> str:
    return app.task_views[task].status.object


def stored(app: LessonApp) -> dict:
    return json.loads(app.store.save_model.text)


# ------------------------------------------------------------------ the page


@pytest.mark.parametrize("path", LESSON_FILES, ids=lambda p: p.stem)
def test_every_lesson_hydrates_one_root_per_page_element(path: Path) -> None:
    compiled = compile_lesson(path)
    doc = page_doc()
    with set_curdoc(doc):
        app = LessonApp(Lesson.from_dict(compiled))
        app.serve_roots()
    keys = contract.root_keys(app.lesson)
    assert [k for k, _ in app.roots()] == keys
    # Panel's page script pairs roots and page elements by order: nothing else may be a root
    assert len(doc.roots) == len(keys)
    assert doc.title == compiled["title"]
    assert doc.get_model_by_name(contract.LOAD_MODEL) is not None
    assert doc.get_model_by_name(contract.SAVE_MODEL) is not None


def test_the_entry_script_is_a_valid_entry_script() -> None:
    check_entry_script(REPO / "web" / "lesson.py")


def test_without_a_lesson_the_page_says_where_to_find_one() -> None:
    doc = page_doc()
    with set_curdoc(doc):
        serve_page()
    assert len(doc.roots) == 1
    assert "index.html" in json.dumps(doc.to_json(deferred=False))


def test_lesson_ids_come_only_from_a_valid_query() -> None:
    assert lesson_id_from_query("?lesson=overfitting") == "overfitting"
    assert lesson_id_from_query("lesson=depth-vs-width&x=1") == "depth-vs-width"
    for bad in ("", "?lesson=", "?lesson=../secret", "?lesson=Big", "?other=neuron"):
        assert lesson_id_from_query(bad) is None


def test_natively_a_lesson_is_compiled_from_the_repository() -> None:
    found = compile_from_repo("overfitting", REPO / "lessons")
    assert found is not None and found.title == "Overfitting and regularization"
    assert compile_from_repo("no-such-lesson", REPO / "lessons") is None


def test_the_whole_lesson_renders_as_one_column_natively(overfitting: LessonApp) -> None:
    column = overfitting.__panel__()
    html = " ".join(str(getattr(o, "object", "")) for o in column.objects)
    assert "Overfitting and regularization" in html and "Task:" in html


# ------------------------------------------------------------ the playground


def test_the_playground_starts_in_the_lessons_state(overfitting: LessonApp) -> None:
    app = overfitting.playgrounds["main"]
    spec = overfitting.lesson.playgrounds["main"]
    assert app.pg.state == spec.state
    c = app.controls
    assert c.learning_rate.value == 0.1 and c.noise.value == 50
    # hidden: absent; locked: shown but disabled
    assert not c.optimizer.visible and not c.problem.visible and not c.dropout.visible
    assert not app.export_box.visible
    assert c.noise.visible and c.noise.disabled
    assert c.perc_train.disabled
    assert not c.learning_rate.disabled and not c.regularization.disabled


def test_the_playground_ignores_the_page_url(overfitting: LessonApp) -> None:
    app = overfitting.playgrounds["main"]
    before = app.pg.state
    app.load_hash("learningRate=3&noise_lock=false")
    assert app.pg.state == before


def test_direct_frames_only_with_one_playground_on_the_page() -> None:
    assert LessonApp(lesson("overfitting")).playgrounds["main"].direct_frames
    two = LessonApp(lesson("neuron"))
    assert [a.direct_frames for a in two.playgrounds.values()] == [False, False]


# ------------------------------------------------------------------- tasks


def test_tasks_are_checked_on_every_update(overfitting: LessonApp) -> None:
    assert "0 of 1 condition met" in summary(overfitting, "see-the-gap")
    assert "1 of 3 conditions met" in summary(overfitting, "l2")
    assert "0 of 3 tasks done" in overfitting.progress_view.text.object
    train(overfitting, "main", 80)
    assert "✓ Done" in summary(overfitting, "see-the-gap")
    assert "pg-done" in summary(overfitting, "see-the-gap")
    assert "1 of 3 tasks done" in overfitting.progress_view.text.object


def test_a_streak_is_shown_while_it_grows(overfitting: LessonApp) -> None:
    click(overfitting.task_views["l2"].show_me)  # L2 closes the gap from epoch 0 on
    train(overfitting, "main", 5)
    assert "(6 of 20)" in summary(overfitting, "l2")
    train(overfitting, "main", 14)
    assert "✓ Done" in summary(overfitting, "l2") and "of 20)" not in summary(overfitting, "l2")


def test_hints_are_revealed_one_at_a_time(overfitting: LessonApp) -> None:
    view = overfitting.task_views["l2"]
    assert view.hint_button.visible and not view.hints.visible
    click(view.hint_button)
    assert view.hints.visible and view.hints.object.count("<li>") == 1
    assert "Regularization" in view.hints.object
    assert view.hint_button.label == "Next hint (2 of 2)" and not view.hint_button.disabled
    click(view.hint_button)
    assert view.hints.object.count("<li>") == 2
    assert view.hint_button.disabled and view.hint_button.label == "No more hints"
    click(view.hint_button)  # nothing left: no error, nothing new
    assert view.hints.object.count("<li>") == 2


def test_show_me_loads_the_solution_and_training_completes_the_task(
    overfitting: LessonApp,
) -> None:
    app = overfitting.playgrounds["main"]
    train(overfitting, "main", 5)
    view = overfitting.task_views["l1"]
    assert view.show_me.visible
    assert not overfitting.task_views["see-the-gap"].show_me.visible  # no solution given
    click(view.show_me)
    assert app.pg.state == overfitting.lesson.task("l1").solution
    assert app.pg.last.epoch == 0 and not app.runner.playing
    assert view.message.visible and "Play" in view.message.object
    train(overfitting, "main", 60)
    assert "✓ Done" in summary(overfitting, "l1")


# ---------------------------------------------------------------- progress


def test_nothing_is_stored_before_the_stored_progress_arrived(overfitting: LessonApp) -> None:
    click(overfitting.task_views["l2"].hint_button)
    assert overfitting.store.save_model.text == ""
    assert overfitting.store.key == "pyplayground.lesson.overfitting"
    assert "localStorage.setItem(key, cb_obj.text)" in SAVE_JS


def test_stored_progress_is_restored_and_merged(overfitting: LessonApp) -> None:
    click(overfitting.task_views["l1"].hint_button)  # before the page sent the stored progress
    saved = {
        "version": 1,
        "lesson": "overfitting",
        "tasks": {"see-the-gap": {"done": True, "done_epoch": 60, "hints": 2}},
    }
    # what static/lesson.js writes into the load model once the page is rendered
    overfitting.store.load_model.text = json.dumps({"progress": json.dumps(saved)})
    assert overfitting.store.loaded
    assert "✓ Done" in summary(overfitting, "see-the-gap")
    assert overfitting.task_views["see-the-gap"].hints.object.count("<li>") == 2
    assert overfitting.task_views["l1"].hints.object.count("<li>") == 1
    assert "1 of 3 tasks done" in overfitting.progress_view.text.object
    tasks = stored(overfitting)["tasks"]
    assert tasks["see-the-gap"]["done"] and tasks["l1"]["hints"] == 1
    click(overfitting.task_views["l2"].hint_button)
    assert stored(overfitting)["tasks"]["l2"]["hints"] == 1


@pytest.mark.parametrize(
    "text", ['{"progress": null}', '{"progress": "{not json"}', "garbage", '{"progress": "[1]"}']
)
def test_missing_or_unreadable_storage_starts_afresh(overfitting: LessonApp, text: str) -> None:
    overfitting.store.load_model.text = text
    assert overfitting.store.loaded
    assert "0 of 3 tasks done" in overfitting.progress_view.text.object
    assert stored(overfitting)["lesson"] == "overfitting"


def test_reset_progress_forgets_tasks_and_restarts_the_playgrounds(
    overfitting: LessonApp,
) -> None:
    overfitting.store.receive('{"progress": null}')
    app = overfitting.playgrounds["main"]
    train(overfitting, "main", 80)
    click(overfitting.task_views["l1"].show_me)
    click(overfitting.task_views["l1"].hint_button)
    assert stored(overfitting)["tasks"]["see-the-gap"]["done"]
    click(overfitting.progress_view.reset)
    assert "0 of 3 tasks done" in overfitting.progress_view.text.object
    assert app.pg.state == overfitting.lesson.playgrounds["main"].state
    assert app.pg.last.epoch == 0
    assert not overfitting.task_views["l1"].hints.visible
    assert not overfitting.task_views["l1"].message.visible
    assert not any(t["done"] or t["hints"] for t in stored(overfitting)["tasks"].values())


def test_tasks_follow_their_own_playground() -> None:
    app = LessonApp(lesson("neuron"))
    app.store.receive('{"progress": null}')
    train(app, "circle", 3)
    assert "✓ Done" not in summary(app, "train")  # trained only the other playground
    train(app, "main", 3)
    assert "✓ Done" in summary(app, "train")


def test_merge_progress_keeps_the_most_of_both() -> None:
    current = {
        "version": 1,
        "lesson": "x",
        "tasks": {
            "a": {"done": False, "done_epoch": None, "hints": 2},
            "b": {"done": True, "done_epoch": 4, "hints": 0},
        },
    }
    other = {"version": 1, "lesson": "x", "tasks": {"a": {"done": True, "hints": 1}, "z": {}}}
    merged = merge_progress(current, other)
    assert merged["tasks"]["a"]["done"] and merged["tasks"]["a"]["hints"] == 2
    assert merged["tasks"]["b"] == {"done": True, "done_epoch": 4, "hints": 0}
    assert set(merged["tasks"]) == {"a", "b"}
    assert merge_progress(current, {**other, "lesson": "y"}) == current
    assert merge_progress(current, {**other, "version": 9}) == current
    assert merge_progress(current, None) == current
