"""Lesson format, checker, compiler, schema, CLI, task tracking and the lesson-block emitter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pyplayground.features import FEATURE_NAMES
from pyplayground.lesson_cli import main as lesson_main
from pyplayground.lesson_tracker import TaskTracker
from pyplayground.lessons import (
    METRICS,
    STATE_KEYS,
    Lesson,
    LessonError,
    lesson_block,
    load_lesson,
    parse_check,
)
from pyplayground.sitegen.lessons import (
    LessonCheckError,
    build_schema,
    check_paths,
    compile_lesson,
    index_entry,
    lesson_files,
    new_lesson,
    update_reference,
)
from pyplayground.state import (
    CONTROLS,
    FIELDS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    PlaygroundState,
    StateError,
)

ROOT = Path(__file__).resolve().parents[1]
LESSONS_DIR = ROOT / "lessons"
FIXTURES = Path(__file__).resolve().parent / "lessons_fixtures"


# ------------------------------------------------------------ shipped lessons
def test_shipped_lessons_are_valid() -> None:
    files = lesson_files([LESSONS_DIR])
    assert len(files) >= 4
    assert check_paths([LESSONS_DIR]) == []


@pytest.mark.parametrize("path", lesson_files([LESSONS_DIR]), ids=lambda p: p.name)
def test_compiled_lesson_is_json_and_loads(path: Path) -> None:
    compiled = compile_lesson(path)
    lesson = load_lesson(json.dumps(compiled))
    assert lesson.id == compiled["id"]
    assert lesson.tasks and lesson.playgrounds
    assert all(t.hints for t in lesson.tasks), "every shipped task has hints"
    assert index_entry(compiled)["n_tasks"] == len(lesson.tasks)


def test_schema_file_is_generated_from_the_registries() -> None:
    published = json.loads((LESSONS_DIR / "schema.json").read_text(encoding="utf-8"))
    assert published == build_schema(), "run `pyplayground lesson sync`"


def test_guide_reference_is_up_to_date() -> None:
    doc = (ROOT / "docs" / "authoring-lessons.md").read_text(encoding="utf-8")
    assert update_reference(doc) == doc, "run `pyplayground lesson sync`"


# ------------------------------------------------------ schema vs registries
SCHEMA = build_schema()
STATE_PROPS = SCHEMA["$defs"]["state"]["properties"]


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_schema_agrees_with_fields_and_controls() -> None:
    assert set(STATE_PROPS) == {*FIELDS, "hidden", "locked"}
    assert SCHEMA["$defs"]["control"]["enum"] == list(CONTROLS)
    assert SCHEMA["$defs"]["metric"]["enum"] == list(METRICS)
    assert SCHEMA["$defs"]["stateCondition"]["properties"]["state"]["enum"] == list(STATE_KEYS)
    for key, spec in FIELDS.items():
        prop = STATE_PROPS[key]
        if spec.kind in ("choice", "number_choice"):
            assert prop["enum"] == list(spec.choices), key
        elif spec.kind == "int":
            assert (prop["minimum"], prop["maximum"]) == (spec.low, spec.high), key
        elif spec.kind in ("bool", "feature"):
            assert prop["type"] == "boolean", key
    shape = STATE_PROPS["networkShape"]
    assert shape["maxItems"] == MAX_HIDDEN_LAYERS
    assert shape["items"]["maximum"] == MAX_NEURONS


def _schema_ok(state: dict[str, Any]) -> bool:
    validator = jsonschema.Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/state"})
    return validator.is_valid(state)


def _strict_ok(state: dict[str, Any]) -> bool:
    try:
        PlaygroundState.from_dict(state, strict=True)
    except StateError:
        return False
    return True


def _valid_states() -> st.SearchStrategy[dict[str, Any]]:
    values: dict[str, st.SearchStrategy[Any]] = {}
    for key, spec in FIELDS.items():
        if key in ("dataset", "problem"):
            continue  # kept consistent below
        if spec.kind in ("choice", "number_choice"):
            values[key] = st.sampled_from(spec.choices)
        elif spec.kind == "int":
            values[key] = st.integers(int(spec.low), int(spec.high))
        elif spec.kind in ("bool", "feature"):
            values[key] = st.booleans()
        elif spec.kind == "shape":
            values[key] = st.lists(st.integers(1, MAX_NEURONS), max_size=MAX_HIDDEN_LAYERS)
        elif spec.kind == "seed":
            values[key] = st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True)
    values["hidden"] = st.lists(st.sampled_from(list(CONTROLS)), unique=True, max_size=4)
    values["locked"] = st.lists(st.sampled_from(list(CONTROLS)), unique=True, max_size=4)
    return st.fixed_dictionaries({}, optional=values)


@settings(max_examples=60, deadline=None)
@given(_valid_states())
def test_states_the_state_model_accepts_pass_the_schema(data: dict[str, Any]) -> None:
    assert _strict_ok(data)
    assert _schema_ok(data)
    state, _ = PlaygroundState.from_dict(data, strict=True)
    assert _schema_ok(state.to_dict())


@pytest.mark.parametrize(
    "bad",
    [
        {"dataset": "moons"},
        {"activation": "softmax"},
        {"learningRate": 0.5},
        {"batchSize": 0},
        {"batchSize": 31},
        {"noise": 81},
        {"percTrainData": 5},
        {"networkShape": [9]},
        {"networkShape": [0]},
        {"networkShape": [1] * (MAX_HIDDEN_LAYERS + 1)},
        {"seed": "has space"},
        {"showTestData": "yes"},
        {"hidden": ["datset"]},
        {"locked": ["nope"]},
        {"datset": "circle"},
    ],
)
def test_values_the_state_model_rejects_fail_the_schema(bad: dict[str, Any]) -> None:
    assert not _strict_ok(bad)
    assert not _schema_ok(bad)


# ----------------------------------------------------------------- fixtures
def test_valid_fixture_passes_and_compiles() -> None:
    path = FIXTURES / "valid.md"
    assert check_paths([path]) == []
    compiled = compile_lesson(path)
    lesson = Lesson.from_dict(json.loads(json.dumps(compiled)))
    kinds = [b["type"] for b in compiled["blocks"]]
    assert kinds == ["prose", "playground", "prose", "task", "playground", "task", "task"]
    prose = compiled["blocks"][0]["html"]
    # math is typeset at build time: MathML, no TeX left, no namespace URL
    assert '<math display="inline"><mrow><msub><mi>w</mi><mn>1</mn></msub>' in prose
    assert "w_1" not in prose and "MathML" not in prose
    assert '<div class="admonition note">' in compiled["blocks"][2]["html"]
    assert "Custom title" in compiled["blocks"][2]["html"]
    main, second = lesson.playgrounds["main"], lesson.playgrounds["second"]
    assert main.line == 21 and main.height == 400 and main.caption == "The first one"
    assert main.state.learning_rate == 0.1 and main.state.seed == "0.10"
    assert main.state.hidden == {"problem"} and main.state.locked == {"dataset"}
    assert second.state.dataset == "circle" and second.state.network_shape == ()
    streak, any_of, back = lesson.tasks
    assert streak.playground == "main" and any_of.playground == "second"
    assert back.playground == "main"
    assert streak.hints_html[0] == "First hint with <code>code</code>."
    assert "Keep the loss low" in streak.text_html
    assert any_of.solution is not None and any_of.solution.features == (
        "x",
        "y",
        "xSquared",
        "ySquared",
    )
    assert any_of.solution.dataset == "circle"
    assert compiled["blocks"][5]["solution_overrides"] == {"xSquared": True, "ySquared": True}


def _fixture_errors(name: str) -> list[str]:
    path = FIXTURES / name
    prefix = path.as_posix()
    return [e.replace(prefix, name) for e in check_paths([path])]


BROKEN = {
    "yaml-syntax.md": [
        "yaml-syntax.md:7: front matter: YAML syntax error: expected ',' or ']', but got ':' "
        "(while parsing a flow sequence that starts on this line)"
    ],
    "body-yaml.md": [
        "body-yaml.md:18: task broken: YAML syntax error: expected ',' or '}', but got "
        "'<stream end>' (while parsing a flow mapping that starts on this line)"
    ],
    "unknown-control.md": [
        "unknown-control.md:15: playground main: hidden[0] 'datset' is not a control; "
        "did you mean 'dataset'?"
    ],
    "bad-enum.md": [
        "bad-enum.md:8: front matter: runtime 'gpu' is not allowed; 'runtime' must be one of "
        "['browser', 'gpu-optional', 'gpu-required']",
        "bad-enum.md:10: front matter: playground.dataset 'moons' is not allowed; 'dataset' must "
        "be one of ['circle', 'xor', 'gauss', 'spiral', 'two_moons', 'spiral3', 'blobs']; "
        "did you mean 'two_moons'?",
    ],
    "out-of-range.md": [
        "out-of-range.md:12: playground main: noise 95 is out of range; 'noise' must be from "
        "0 to 80",
        "out-of-range.md:13: playground main: networkShape[1] 12 is out of range; "
        "'networkShape' must be from 1 to 8",
    ],
    "dangling-ref.md": [
        "dangling-ref.md:15: task train: playground 'mian' is not defined; did you mean "
        "'main'? (live parts in this lesson: ['main'])"
    ],
    "bad-check.md": [
        "bad-check.md:19: task bad-op: check.all[1].op '<<' is not allowed here; allowed: "
        "['<', '<=', '>', '>=', '==', '!=']; did you mean '<'?",
        "bad-check.md:26: task bad-metric: check.all[0].metric 'test_los' is not a metric; "
        f"allowed: {list(METRICS)}; did you mean 'test_loss'?",
        "bad-check.md:33: task bad-value: check.all[0].value 'rellu' is not allowed; "
        "'activation' must be one of ['tanh', 'relu', 'sigmoid', 'linear', 'leaky_relu', "
        "'gelu']; did you mean 'relu'?",
        "bad-check.md:39: task too-easy: check is already met by the playground's initial "
        "state; add a condition the learner must work for",
    ],
    "unknown-key.md": [
        "unknown-key.md:2: front matter: missing required key 'title'",
        "unknown-key.md:4: front matter: unknown key 'tittle'; did you mean 'title'?",
    ],
    "bad-directive.md": [
        "bad-directive.md:11: {playgound}: 'playgound' is not a directive; allowed: "
        "['playground', 'tsne', 'adversarial', 'task', 'note', 'tip', 'hint', 'important', "
        "'warning', 'caution', "
        "'attention', 'danger', 'error', 'seealso', 'admonition']; did you mean 'playground'?",
        "bad-directive.md:14: playground: needs an id: ':::{playground} my-id'",
        "bad-directive.md:18: playground main: learningRate 0.5 is not allowed; 'learningRate' "
        "must be one of [1e-05, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]",
        "bad-directive.md:21: playground main: playground 'main' is defined twice",
        "bad-directive.md:31: task sol: solution does not meet the check's condition "
        "'batch size = 1'",
        "bad-directive.md:34: task: use a ::: colon fence, not ``` (write ':::{task} ID')",
    ],
    "wrong-id.md": [
        "wrong-id.md:3: front matter: id 'another-id' does not match the file name "
        "'wrong-id.md'; expected 'wrong-id'"
    ],
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_lesson_fails_with_file_line_messages(name: str) -> None:
    assert _fixture_errors(name) == BROKEN[name]
    with pytest.raises(LessonCheckError) as info:
        compile_lesson(FIXTURES / name)
    assert len(info.value.errors) == len(BROKEN[name])


def test_every_fixture_is_covered() -> None:
    assert {p.name for p in FIXTURES.glob("*.md")} == {*BROKEN, "valid.md"}


def test_missing_front_matter_and_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "plain.md").write_text("# No front matter\n", encoding="utf-8")
    assert check_paths([tmp_path / "plain.md"]) == [
        f"{(tmp_path / 'plain.md').as_posix()}:1: front matter: missing: a lesson starts with "
        "'---', YAML keys, '---'"
    ]
    (tmp_path / "01-same.md").write_text(new_lesson("same"), encoding="utf-8")
    (tmp_path / "02-same.md").write_text(new_lesson("same"), encoding="utf-8")
    errors = check_paths([tmp_path / "01-same.md", tmp_path / "02-same.md"])
    assert len(errors) == 1 and "id 'same' is also used by" in errors[0]
    assert check_paths([tmp_path / "missing.md"])[0].endswith(":1: file: does not exist")


def test_duplicate_yaml_keys_are_reported(tmp_path: Path) -> None:
    text = new_lesson("dup").replace("minutes: 10", "minutes: 10\nminutes: 12")
    (tmp_path / "dup.md").write_text(text, encoding="utf-8")
    errors = check_paths([tmp_path / "dup.md"])
    assert errors == [f"{(tmp_path / 'dup.md').as_posix()}:9: front matter: minutes is given twice"]


# --------------------------------------------------------------------- CLI
def test_cli_check_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    assert lesson_main(["check", str(LESSONS_DIR)]) == 0
    assert "lesson file(s) OK" in capsys.readouterr().out
    assert lesson_main(["check", str(FIXTURES / "unknown-control.md")]) == 1
    err = capsys.readouterr().err
    assert "hidden[0] 'datset' is not a control; did you mean 'dataset'?" in err
    assert lesson_main(["check", str(FIXTURES / "valid.md"), str(FIXTURES / "bad-enum.md")]) == 1


def test_cli_new_writes_a_template_that_passes_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "lessons"
    assert lesson_main(["new", "first-steps", "--dir", str(folder)]) == 0
    assert (folder / "first-steps.md").exists()
    assert lesson_main(["check", str(folder)]) == 0
    assert lesson_main(["new", "first-steps", "--dir", str(folder)]) == 1  # no overwrite
    (folder / "07-other.md").write_text(new_lesson("other"), encoding="utf-8")
    assert lesson_main(["new", "next-one", "--dir", str(folder), "--title", "Next"]) == 0
    assert "title: Next" in (folder / "08-next-one.md").read_text(encoding="utf-8")
    assert lesson_main(["check", str(folder)]) == 0
    assert lesson_main(["new", "Bad_Id", "--dir", str(folder)]) == 2
    capsys.readouterr()


def test_template_is_commented_and_compiles(tmp_path: Path) -> None:
    text = new_lesson("demo")
    assert text.count("#") > 5
    path = tmp_path / "demo.md"
    path.write_text(text, encoding="utf-8")
    lesson = Lesson.from_dict(compile_lesson(path))
    assert [t.id for t in lesson.tasks] == ["train-it"]


def test_cli_sync_check_and_compile(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    schema = tmp_path / "schema.json"
    args = ["--schema", str(schema), "--doc", str(tmp_path / "none.md")]
    assert lesson_main(["sync", "--check", *args]) == 1
    assert lesson_main(["sync", *args]) == 0
    assert lesson_main(["sync", "--check", *args]) == 0
    out = tmp_path / "neuron.json"
    assert lesson_main(["compile", str(LESSONS_DIR / "01-neuron.md"), "-o", str(out)]) == 0
    assert load_lesson(out.read_text(encoding="utf-8")).id == "neuron"
    assert lesson_main(["compile", str(FIXTURES / "wrong-id.md")]) == 1
    capsys.readouterr()


def test_runtime_module_imports_no_build_tools() -> None:
    code = (
        "import sys, pyplayground.lessons; "
        "bad = {'yaml', 'markdown_it', 'jsonschema', 'mdit_py_plugins', 'pyplayground.sitegen'}"
        " & set(sys.modules); assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# ------------------------------------------------------------------ checks
@pytest.mark.parametrize(
    ("check", "path", "fragment"),
    [
        ({"metric": "test_loss", "op": "<<", "value": 1}, "check.op", "'<<' is not allowed"),
        ({"metric": "diverged", "op": "<", "value": True}, "check.op", "'<' is not allowed"),
        ({"metric": "diverged", "op": "==", "value": 1}, "check.value", "true or false"),
        ({"metric": "test_accuracy", "op": ">=", "value": 90}, "check.value", "0.9 = 90%"),
        ({"metric": "epoch", "op": ">=", "value": 5, "for_epochs": 0}, "check.for_epochs", "1"),
        ({"metric": "epoch", "op": ">=", "value": 5, "extra": 1}, "check.extra", "unknown key"),
        ({"state": "learningRate", "op": "==", "value": 0.5}, "check.value", "0.5"),
        ({"state": "dataset", "op": "<", "value": "circle"}, "check.op", "not allowed"),
        ({"state": "networkShape", "op": "len>=", "value": -1}, "check.value", ">= 0"),
        ({"state": "features", "op": "contains", "value": "z"}, "check.value", "input feature"),
        ({"state": "hidden", "op": "contains", "value": "datset"}, "check.value", "'dataset'"),
        ({"state": "batchSize", "op": "in", "value": []}, "check.value", "non-empty list"),
        ({"state": "model.layers", "op": "==", "value": 1}, "check.state", "URL keys"),
        ({"all": []}, "check.all", "non-empty list"),
        ({"all": [{"metric": "epoch", "op": ">", "value": 1}], "any": []}, "check", "both"),
        ({"any": [{"metric": "epoch", "op": ">", "value": 1}, 3]}, "check.any[1]", "mapping"),
        ({"metric": "epoch", "op": ">="}, "check", "missing 'value'"),
    ],
)
def test_parse_check_names_the_field(check: dict[str, Any], path: str, fragment: str) -> None:
    with pytest.raises(LessonError) as info:
        parse_check(check)
    assert info.value.path == path
    assert fragment in info.value.detail
    # the published schema rejects the same checks (where it can see the problem)
    validator = jsonschema.Draft202012Validator(
        {"$defs": SCHEMA["$defs"], "$ref": "#/$defs/condition"}
    )
    # value types and per-key operators are checked by parse_check only
    semantic = path.endswith(".value") or check.get("metric") == "diverged" or "state" in check
    assert semantic or not validator.is_valid(check)


def test_state_conditions_read_url_keys_and_feature_lists() -> None:
    state = PlaygroundState().replace(network_shape=(8, 8, 8), features=("x", "sinX"))
    check = parse_check(
        {
            "all": [
                {"state": "networkShape", "op": "len>=", "value": 3},
                {"state": "networkShape", "op": "==", "value": [8, 8, 8]},
                {"state": "features", "op": "==", "value": ["sinX", "x"]},
                {"state": "features", "op": "not_contains", "value": "y"},
                {"state": "sinX", "op": "==", "value": True},
                {"state": "learningRate", "op": "in", "value": [0.01, 0.03]},
                {"state": "activation", "op": "!=", "value": "relu"},
            ]
        }
    )
    values = state.to_dict() | {"features": list(state.features)}
    assert all(item.holds({}, values) for item in check.items)


# ----------------------------------------------------------------- tracker
def _lesson(check: dict[str, Any], hints: tuple[str, ...] = ("one", "two")) -> Lesson:
    state = PlaygroundState().to_dict()
    return Lesson.from_dict(
        {
            "format": "pyplayground-compiled-lesson/1",
            "id": "t",
            "title": "T",
            "state": state,
            "blocks": [
                {"type": "playground", "id": "main", "state": state},
                {"type": "playground", "id": "other", "state": state},
                {
                    "type": "task",
                    "id": "a",
                    "playground": "main",
                    "title": "A",
                    "check": check,
                    "hints": list(hints),
                },
                {
                    "type": "task",
                    "id": "b",
                    "playground": "other",
                    "title": "B",
                    "check": {"metric": "epoch", "op": ">=", "value": 1},
                },
            ],
        }
    )


STATE = PlaygroundState()


def _m(epoch: int, test_loss: float = 1.0, train_loss: float = 1.0) -> dict[str, Any]:
    return {"epoch": epoch, "test_loss": test_loss, "train_loss": train_loss}


def test_tracker_counts_conditions_and_stays_complete() -> None:
    lesson = _lesson(
        {
            "all": [
                {"metric": "test_loss", "op": "<", "value": 0.1},
                {"metric": "epoch", "op": ">=", "value": 10},
                {"state": "batchSize", "op": "==", "value": 10},
            ]
        }
    )
    tracker = TaskTracker(lesson)
    assert tracker.status("a").summary == "0 of 3 conditions met"
    (status,) = tracker.update(_m(0), STATE, "main")
    assert (status.met, status.total, status.done) == (1, 3, False)
    assert status.summary == "1 of 3 conditions met"
    assert [c.met for c in status.conditions] == [False, False, True]
    assert status.conditions[0].text == "test loss < 0.1"
    (status,) = tracker.update(_m(12, 0.05), STATE, "main")
    assert status.done and status.summary == "Done"
    (status,) = tracker.update(_m(0, 5.0), STATE.replace(batch_size=3), "main")
    assert status.done and status.met == status.total  # completion stays
    assert not tracker.status("b").done and tracker.n_done == 1 and not tracker.all_done


def test_tracker_for_epochs_needs_consecutive_epochs_and_resets() -> None:
    lesson = _lesson({"metric": "test_loss", "op": "<", "value": 0.1, "for_epochs": 10})
    tracker = TaskTracker(lesson)

    def feed(epoch: int, loss: float) -> Any:
        return tracker.update(_m(epoch, loss), STATE, "main")[0]

    assert feed(1, 0.05).conditions[0].held == 1
    assert feed(5, 0.05).conditions[0].held == 5
    assert feed(6, 0.5).conditions[0].held == 0  # broken streak
    for epoch in range(7, 16):
        status = feed(epoch, 0.05)
    assert not status.done and status.conditions[0].held == 9
    assert status.conditions[0].text == "test loss < 0.1 for 10 epochs in a row"
    assert feed(2, 0.05).conditions[0].held == 1  # reset (epoch went back): start again
    for epoch in range(3, 12):
        status = feed(epoch, 0.05)
    assert status.done and status.conditions[0].held == 10


def test_tracker_any_mode_and_nested_groups() -> None:
    lesson = _lesson(
        {
            "any": [
                {"metric": "test_loss", "op": "<", "value": 0.1},
                {
                    "all": [
                        {"metric": "epoch", "op": ">=", "value": 5},
                        {"metric": "loss_gap", "op": ">=", "value": 0.2},
                    ]
                },
            ]
        }
    )
    tracker = TaskTracker(lesson)
    (status,) = tracker.update(_m(6, 0.5, 0.4), STATE, "main")
    assert status.summary == "0 of 2 met (any one will do)"
    assert status.conditions[1].text == "all of: epoch ≥ 5; test − training loss ≥ 0.2"
    (status,) = tracker.update(_m(7, 0.6, 0.3), STATE, "main")
    assert status.done


def test_tracker_routes_snapshots_by_playground() -> None:
    tracker = TaskTracker(_lesson({"metric": "epoch", "op": ">=", "value": 1}))
    assert [s.task_id for s in tracker.update(_m(3), STATE, "other")] == ["b"]
    assert tracker.status("b").done and not tracker.status("a").done
    assert len(tracker.update(_m(3), STATE)) == 2  # no playground: every task
    with pytest.raises(KeyError, match="playgrounds"):
        tracker.update(_m(3), STATE, "nope")


def test_tracker_missing_metrics_never_count_as_met() -> None:
    tracker = TaskTracker(_lesson({"metric": "test_accuracy", "op": "<=", "value": 0.5}))
    (status,) = tracker.update({"epoch": 3, "test_accuracy": None}, STATE, "main")
    assert not status.done
    (status,) = tracker.update({"epoch": 3, "test_loss": float("nan")}, STATE.to_dict(), "main")
    assert not status.done


def test_tracker_hints_one_at_a_time_and_progress_round_trip() -> None:
    lesson = _lesson({"metric": "epoch", "op": ">=", "value": 5})
    tracker = TaskTracker(lesson)
    assert tracker.visible_hints("a") == ()
    assert tracker.reveal_hint("a") == "one"
    assert tracker.status("a").hints_shown == 1
    assert tracker.reveal_hint("a") == "two"
    assert tracker.reveal_hint("a") is None
    assert tracker.visible_hints("a", html=False) == ("one", "two")
    tracker.update(_m(5), STATE, "main")
    progress = json.loads(json.dumps(tracker.progress()))
    restored = TaskTracker(lesson, progress)
    assert restored.status("a").done and restored.status("a").hints_shown == 2
    assert not restored.status("b").done
    assert restored.progress() == progress
    restored.forget()
    assert restored.n_done == 0 and restored.visible_hints("a") == ()


@pytest.mark.parametrize(
    "progress",
    [
        {"version": 99, "lesson": "t", "tasks": {"a": {"done": True}}},
        {"version": 1, "lesson": "other", "tasks": {"a": {"done": True}}},
        {"version": 1, "lesson": "t", "tasks": {"a": {"done": "yes", "hints": "2"}}},
        {"version": 1, "lesson": "t", "tasks": "garbage"},
    ],
)
def test_tracker_ignores_stale_or_malformed_progress(progress: dict[str, Any]) -> None:
    tracker = TaskTracker(_lesson({"metric": "epoch", "op": ">=", "value": 5}), progress)
    assert tracker.n_done == 0 and tracker.status("a").hints_shown == 0


def test_tracker_clamps_restored_hint_count() -> None:
    progress = {"version": 1, "lesson": "t", "tasks": {"a": {"done": False, "hints": 9}}}
    tracker = TaskTracker(_lesson({"metric": "epoch", "op": ">=", "value": 5}), progress)
    assert tracker.status("a").hints_shown == 2


def test_status_as_dict_is_json_ready() -> None:
    tracker = TaskTracker(_lesson({"metric": "epoch", "op": ">=", "value": 5}))
    (status,) = tracker.update(_m(1), STATE, "main")
    data = json.loads(json.dumps(status.as_dict()))
    assert data["summary"] == "0 of 1 condition met" and data["conditions"][0]["met"] is False


def test_lesson_from_dict_rejects_bad_compiled_data() -> None:
    with pytest.raises(LessonError, match="format"):
        Lesson.from_dict({"format": "old"})
    state = PlaygroundState().to_dict() | {"dataset": "moons"}
    with pytest.raises(LessonError, match="dataset"):
        Lesson.from_dict(
            {
                "format": "pyplayground-compiled-lesson/1",
                "id": "x",
                "title": "x",
                "state": state,
                "blocks": [],
            }
        )


# ------------------------------------------------------------ lesson block
_FEATURES = st.lists(st.sampled_from(FEATURE_NAMES), unique=True, max_size=4)


@settings(max_examples=80, deadline=None)
@given(
    data=_valid_states(),
    features=_FEATURES,
    seed=st.sampled_from(["0.10", "1e5", "true", "no", "007", "abc-DEF_1.2"]),
)
def test_lesson_block_round_trips_through_yaml_and_strict_parsing(
    data: dict[str, Any], features: list[str], seed: str
) -> None:
    state, _ = PlaygroundState.from_dict(data, strict=True)
    state = state.replace(features=tuple(f for f in FEATURE_NAMES if f in features), seed=seed)
    block = lesson_block(state, "copy")
    lines = block.splitlines()
    assert lines[0] == ":::{playground} copy" and lines[-1] == ":::"
    body = yaml.safe_load("\n".join(lines[1:-1])) or {}
    parsed, _ = PlaygroundState.from_dict(body, strict=True)
    assert parsed == state


def test_lesson_block_passes_the_checker_inside_a_lesson(tmp_path: Path) -> None:
    page = tmp_path / "with-block.md"
    page.write_text(new_lesson("with-block"), encoding="utf-8")
    base = Lesson.from_dict(compile_lesson(page)).state
    state = base.replace(
        learning_rate=0.00001,
        network_shape=(8, 8, 8),
        features=("x", "y", "sinX"),
        regularization="L2",
        hidden=base.hidden | {"dataset"},
        locked=frozenset({"noise"}),
    )
    block = lesson_block(state, "copied", base=base, height=500)
    assert block.splitlines()[1] == ":height: 500"
    assert "learningRate: 0.00001" in block and "networkShape: [8, 8, 8]" in block
    assert "dataset:" not in block  # same as the page: not repeated
    text = new_lesson("with-block") + "\n" + block
    path = tmp_path / "with-block.md"
    path.write_text(text, encoding="utf-8")
    assert check_paths([path]) == []
    lesson = Lesson.from_dict(compile_lesson(path))
    assert lesson.playgrounds["copied"].state == state


def test_lesson_block_rejects_bad_ids() -> None:
    with pytest.raises(ValueError, match="playground_id"):
        lesson_block(PlaygroundState(), "Main Id")
