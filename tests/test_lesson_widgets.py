"""Widgets in lessons: kind declarations, ``:::{tsne}``/``:::{adversarial}`` blocks, their
tasks' checks, compiled JSON and task tracking (no Panel; the components have their own tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pyplayground.lesson_tracker import TaskTracker
from pyplayground.lessons import Lesson, LessonError, WidgetSpec, parse_check
from pyplayground.sitegen.lessons import build_schema, check_paths, compile_lesson
from pyplayground.ui.lesson.contract import part_key, root_keys
from pyplayground.widgets import KINDS, ParamSpec, SpecError, get_kind

HEAD = """---
schema: playground-lesson/1
id: {id}
title: Widgets
summary: A lesson with widgets.
level: beginner
minutes: 5
runtime: browser
---

# Widgets
"""

GOOD = """
:::{tsne} explore
:height: 600
perplexity: 5
:::

:::{task} raise
:title: Raise the perplexity and run 100 steps
check:
  all:
    - {state: perplexity, op: ">=", value: 30}
    - {metric: step, op: ">=", value: 100, for_epochs: 3}
hints: [Drag the perplexity slider.]
solution: {perplexity: 40}
:::

:::{playground} net
:::

:::{adversarial} attack
eps: 0.05
:::

:::{task} fool
:title: Fool the model
check:
  all:
    - {metric: fooled, op: "==", value: true}
solution: {eps: 0.3}
:::

:::{task} on-net
:playground: net
:title: Train
check: {metric: epoch, op: ">=", value: 10}
:::
"""


def _write(tmp_path: Path, body: str, lesson_id: str = "widgets") -> Path:
    path = tmp_path / f"01-{lesson_id}.md"
    path.write_text(HEAD.format(id=lesson_id) + body, encoding="utf-8")
    return path


def _errors(tmp_path: Path, body: str) -> list[str]:
    path = _write(tmp_path, body)
    return [e.replace(path.as_posix(), "L") for e in check_paths([path])]


# ------------------------------------------------------------------ specs
def test_param_spec_checks_kind_range_and_choices() -> None:
    num = ParamSpec("p", "number", 1.0, "p", minimum=2, maximum=10)
    assert num.check(3) == 3.0 and isinstance(num.check(3), float)
    for bad in (1, 11, "3", True, float("nan")):
        with pytest.raises(SpecError, match="p is a number from 2 to 10"):
            num.check(bad)
    whole = ParamSpec("n", "int", 1, "n", minimum=0)
    assert whole.check(4.0) == 4 and isinstance(whole.check(4.0), int)
    with pytest.raises(SpecError, match="whole number >= 0"):
        whole.check(1.5)
    choice = ParamSpec("c", "choice", "fgsm", "c", choices=("fgsm", "pgd"))
    with pytest.raises(SpecError, match="did you mean 'pgd'"):
        choice.check("pdg")
    flag = ParamSpec("f", "bool", False, "f")
    with pytest.raises(SpecError, match="true or false"):
        flag.check(1)


def test_every_kind_declares_consistent_defaults() -> None:
    for kind in KINDS.values():
        assert kind.state({}) == kind.defaults()
        for spec in kind.params:  # every default is itself allowed
            assert spec.check(spec.default) == spec.default, (kind.name, spec.name)
        assert kind.counter is None or kind.counter in kind.metric_map
        module, _, cls = kind.factory.partition(":")
        assert module.startswith("pyplayground.ui.") and cls


def test_kind_state_names_unknown_keys_and_lenient_state_skips_them() -> None:
    tsne = get_kind("tsne")
    with pytest.raises(SpecError, match=r"'perplexty' is not a tsne setting.*'perplexity'"):
        tsne.state({"perplexty": 5})
    state, notes = tsne.lenient_state({"perplexity": 5, "perplexty": 5, "epsilon": -1})
    assert state["perplexity"] == 5.0 and state["epsilon"] == tsne.defaults()["epsilon"]
    assert len(notes) == 2
    with pytest.raises(KeyError, match=r"not a widget kind.*'tsne'"):
        get_kind("tnse")


# ------------------------------------------------------------------ checks
def test_checks_on_widgets_use_the_kinds_vocabulary() -> None:
    group = parse_check({"metric": "step", "op": ">=", "value": 5, "for_epochs": 4}, kind="tsne")
    assert group.describe() == "all of: step ≥ 5 for 4 steps in a row"
    with pytest.raises(LessonError, match="'test_loss' is not a metric of tsne"):
        parse_check({"metric": "test_loss", "op": "<", "value": 1}, kind="tsne")
    with pytest.raises(LessonError, match="not a tsne setting"):
        parse_check({"state": "learningRate", "op": "==", "value": 0.1}, kind="tsne")
    with pytest.raises(
        LessonError, match=r"check.value: 500 is not allowed; perplexity is a number from .* to 100"
    ):
        parse_check({"state": "perplexity", "op": ">=", "value": 500}, kind="tsne")
    with pytest.raises(LessonError, match="adversarial widget has no steps to count"):
        parse_check(
            {"metric": "fooled", "op": "==", "value": True, "for_epochs": 2}, kind="adversarial"
        )
    with pytest.raises(LessonError, match="not allowed here"):
        parse_check({"state": "attack", "op": "<", "value": "fgsm"}, kind="adversarial")


# ---------------------------------------------------------------- compiling
def test_widget_lesson_compiles_and_loads(tmp_path: Path) -> None:
    compiled = compile_lesson(_write(tmp_path, GOOD))
    json.dumps(compiled)  # JSON-ready
    types = [(b["type"], b.get("kind")) for b in compiled["blocks"] if b["type"] != "prose"]
    assert types == [
        ("widget", "tsne"),
        ("task", "tsne"),
        ("playground", None),
        ("widget", "adversarial"),
        ("task", "adversarial"),
        ("task", None),
    ]
    lesson = Lesson.from_dict(compiled)
    assert list(lesson.parts) == ["explore", "net", "attack"]
    assert isinstance(lesson.parts["explore"], WidgetSpec)
    assert lesson.parts["explore"].state["perplexity"] == 5.0
    assert lesson.parts["explore"].height == 600
    # a task belongs to the nearest live part above it unless it names one
    assert [t.playground for t in lesson.tasks] == ["explore", "attack", "net"]
    assert lesson.task("raise").solution["perplexity"] == 40.0
    assert lesson.task("fool").solution["eps"] == 0.3
    assert root_keys(lesson) == [
        "progress",
        "widget:explore",
        "task:raise",
        "playground:net",
        "widget:attack",
        "task:fool",
        "task:on-net",
    ]
    assert part_key(lesson, "net") == "playground:net"


def test_tracker_counts_a_widgets_steps_and_restarts_streaks(tmp_path: Path) -> None:
    lesson = Lesson.from_dict(compile_lesson(_write(tmp_path, GOOD)))
    tracker = TaskTracker(lesson)
    settings = {**get_kind("tsne").defaults(), "perplexity": 30.0}
    (status,) = tracker.update({"step": 100, "kl": 1.0}, settings, "explore")
    assert (status.met, status.conditions[1].held) == (1, 1)
    tracker.update({"step": 101}, settings, "explore")
    (status,) = tracker.update({"step": 5}, settings, "explore")  # restarted
    assert not status.done and status.conditions[1].held == 0
    for step in (100, 101):
        (status,) = tracker.update({"step": step}, settings, "explore")
    assert not status.done
    (status,) = tracker.update({"step": 102}, settings, "explore")
    assert status.done and tracker.n_done == 1
    (status,) = tracker.update({"fooled": True}, get_kind("adversarial").defaults(), "attack")
    assert status.task_id == "fool" and status.done
    # a snapshot of a widget never touches other parts' tasks
    assert not tracker.status("on-net").done


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            ":::{tsne} a\nperplexty: 5\n:::\n",
            ["L:13: tsne a: unknown key 'perplexty'; did you mean 'perplexity'?"],
        ),
        (
            ":::{tsne} a\nperplexity: 500\n:::\n",
            ["L:13: tsne a: perplexity 500 is out of range; 'perplexity' must be from .* to 100"],
        ),
        (
            ":::{adversarial} a\n:::\n\n:::{task} t\n:title: T\ncheck:\n  all:\n"
            "    - {metric: fooled, op: '==', value: true, for_epochs: 3}\n:::\n",
            [
                r"L:19: task t: check.all\[0\].for_epochs the adversarial widget has no steps "
                "to count; leave for_epochs out"
            ],
        ),
        (
            ":::{tsne} a\n:::\n\n:::{task} t\n:title: T\ncheck:\n  all:\n"
            "    - {state: perplexity, op: '>=', value: 50}\nsolution: {perplexity: 20}\n:::\n",
            ["L:20: task t: solution does not meet the check's condition 'perplexity ≥ 50'"],
        ),
        (
            ":::{tsne} a\nperplexity: 50\n:::\n\n:::{task} t\n:title: T\ncheck:\n"
            "  {state: perplexity, op: '>=', value: 50}\n:::\n",
            [
                "L:19: task t: check is already met by the tsne's initial settings; add a "
                "condition the learner must work for"
            ],
        ),
        (
            ":::{playground} a\n:::\n\n:::{tsne} a\n:::\n",
            [
                "L:15: tsne a: id 'a' is already used by the playground above; give each part "
                "its own id"
            ],
        ),
    ],
)
def test_broken_widget_blocks_are_reported_with_file_and_line(
    tmp_path: Path, body: str, expected: list[str]
) -> None:
    errors = _errors(tmp_path, body)
    assert len(errors) == len(expected), errors
    for error, pattern in zip(errors, expected, strict=True):
        assert error == pattern or re.fullmatch(pattern, error), error


def test_schema_describes_every_widget_block() -> None:
    defs = build_schema()["$defs"]
    for name, kind in KINDS.items():
        block = defs[f"{name}Block"]
        assert set(block["properties"]) == {*kind.param_map, "height", "caption"}
        assert block["additionalProperties"] is False


# -------------------------------------------------------------------- math
def test_math_is_typeset_and_bad_formulas_are_reported(tmp_path: Path) -> None:
    good = (
        "Inline $\\sigma(z) = \\frac{1}{1+e^{-z}}$ and\n\n$$\n\\|x\\|_\\infty \\le \\epsilon\n$$\n"
    )
    compiled = compile_lesson(_write(tmp_path, good))
    html = compiled["blocks"][0]["html"]
    assert '<math display="inline">' in html and "<mfrac>" in html
    assert '<math display="block">' in html and "\\epsilon" not in html
    bad = "Broken $\\frac{1}{$ here.\n\nUnknown $\\foo x$.\n"
    errors = _errors(tmp_path, bad)
    assert errors[0].startswith("L:12: math: cannot typeset $\\frac{1}{$")
    assert errors[1] == "L:14: math: unknown TeX command \\foo in $\\foo x$"
