"""Lessons at runtime: compiled lesson JSON, task checks, task progress.

This module runs in the browser (Pyodide), so it uses the standard library and
:mod:`pyplayground.state` only: no YAML, no Markdown.  Lesson files
(``lessons/<id>.md``) are parsed and validated at build time by
:mod:`pyplayground.sitegen.lessons`, which writes the compiled JSON loaded here
with :func:`load_lesson`.

A task's ``check`` is data, never code: a tree of ``all``/``any`` groups whose
leaves compare a live *metric* (:data:`METRICS`) or a *state* key (the
playground's URL keys, :data:`STATE_KEYS`) with a value::

    check:
      all:
        - {metric: test_loss, op: "<", value: 0.1, for_epochs: 10}
        - {state: networkShape, op: "len<=", value: 3}

:class:`pyplayground.lesson_tracker.TaskTracker` takes successive metrics/state
snapshots and reports each task's status ("2 of 3 conditions met"); a completed task
stays complete.
:func:`lesson_block` writes a ``:::{playground}`` block for a state (the UI's
"copy as lesson block" button).
"""

from __future__ import annotations

import html
import json
import math
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

from .features import FEATURE_NAMES
from .state import CONTROLS, FIELDS, PlaygroundState, StateError, _suggest
from .widgets import KINDS, SpecError, WidgetKind, get_kind
from .widgets._spec import MetricSpec

#: The ``schema:`` value every lesson file declares.
SCHEMA_VERSION: Final = "playground-lesson/1"
#: The ``format`` of compiled lesson JSON (what :func:`load_lesson` reads).
COMPILED_FORMAT: Final = "pyplayground-compiled-lesson/1"
RUNTIMES: Final = ("browser", "gpu-optional", "gpu-required")
LEVELS: Final = ("beginner", "intermediate", "advanced")
#: The kind of a playground part (widget kinds are named by :data:`pyplayground.widgets.KINDS`).
PLAYGROUND: Final = "playground"
#: Lesson, playground and task ids: lowercase words joined by ``-``.
ID_PATTERN: Final = r"^[a-z0-9]+(-[a-z0-9]+)*$"
ID_RE: Final = re.compile(ID_PATTERN)
MAX_ID_LENGTH: Final = 40
#: Progress dicts carry this version; others are ignored on restore.
PROGRESS_VERSION: Final = 1


class LessonError(ValueError):
    """A lesson or check that is not valid; ``path`` names the field (``check.all[1].op``)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.detail = message


# ---------------------------------------------------------------- registries
#: Metrics by name: :meth:`pyplayground.playground.Playground.metrics` plus derived gaps.
METRICS: Final = MappingProxyType(
    {
        m.name: m
        for m in (
            MetricSpec("epoch", "integer", "epoch", "Epochs trained since the last reset."),
            MetricSpec("train_loss", "number", "training loss", "Loss on the training points."),
            MetricSpec("test_loss", "number", "test loss", "Loss on the test points."),
            MetricSpec(
                "train_accuracy",
                "number",
                "training accuracy",
                "Fraction of training points on the right side (0 to 1; classification only).",
                percent=True,
            ),
            MetricSpec(
                "test_accuracy",
                "number",
                "test accuracy",
                "Fraction of test points on the right side (0 to 1; classification only).",
                percent=True,
            ),
            MetricSpec(
                "loss_gap",
                "number",
                "test − training loss",
                "test_loss − train_loss: how much worse the network does on points it "
                "never trained on (large = overfitting).",
            ),
            MetricSpec(
                "accuracy_gap",
                "number",
                "training − test accuracy",
                "train_accuracy − test_accuracy.",
                percent=True,
            ),
            MetricSpec(
                "diverged",
                "boolean",
                "training diverged",
                "True once training has blown up (a weight or the loss became infinite).",
            ),
            MetricSpec(
                "dead_links",
                "integer",
                "dead links",
                "Links cut by L1 regularization (weights frozen at exactly zero).",
            ),
            MetricSpec("n_layers", "integer", "hidden layers", "Number of hidden layers."),
            MetricSpec("n_neurons", "integer", "hidden neurons", "Neurons in all hidden layers."),
            MetricSpec("n_features", "integer", "input features", "Input features switched on."),
            MetricSpec(
                "max_abs_weight",
                "number",
                "largest weight",
                "The largest weight magnitude in the network (biases excluded).",
            ),
        )
    }
)

_DERIVED: Final[Mapping[str, Callable[[Mapping[str, Any]], float | None]]] = MappingProxyType(
    {
        "loss_gap": lambda m: _difference(m.get("test_loss"), m.get("train_loss")),
        "accuracy_gap": lambda m: _difference(m.get("train_accuracy"), m.get("test_accuracy")),
    }
)

_COMPARE: Final = MappingProxyType(
    {
        "<": operator.lt,
        "<=": operator.le,
        ">": operator.gt,
        ">=": operator.ge,
        "==": operator.eq,
        "!=": operator.ne,
    }
)
_MEMBER_WORDS: Final = MappingProxyType(
    {
        "in": "is one of",
        "not_in": "is not one of",
        "contains": "includes",
        "not_contains": "does not include",
    }
)
_SYMBOL: Final = MappingProxyType({"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "!=": "≠"})
#: Operators allowed on metrics.
METRIC_OPS: Final = tuple(_COMPARE)
#: ``len…`` operators compare the number of items of a list-valued state key.
LENGTH_OPS: Final = tuple(f"len{op}" for op in _COMPARE)
#: Membership operators: ``in`` a list of values, or a list-valued key that ``contains`` one.
MEMBER_OPS: Final = ("in", "not_in", "contains", "not_contains")
#: Operators allowed on state keys.
STATE_OPS: Final = (*METRIC_OPS, *LENGTH_OPS, *MEMBER_OPS)

#: State keys a check can read: every URL key, plus ``features`` (the names switched on),
#: ``hidden`` and ``locked`` (control names).
STATE_KEYS: Final = MappingProxyType(
    {
        **{key: spec.label.lower() for key, spec in FIELDS.items()},
        "features": "input features",
        "hidden": "hidden controls",
        "locked": "locked controls",
    }
)
_LIST_KEYS: Final = frozenset({"networkShape", "features", "hidden", "locked"})
_ORDERED_KINDS: Final = frozenset({"int", "number_choice"})


def _difference(a: Any, b: Any) -> float | None:
    if _is_number(a) and _is_number(b):
        return float(a) - float(b)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def with_derived(metrics: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``metrics`` plus the derived metrics (``loss_gap``, ``accuracy_gap``)."""
    out = dict(metrics)
    for name, derive in _DERIVED.items():
        if out.get(name) is None:
            out[name] = derive(out)
    return out


def state_values(state: PlaygroundState | Mapping[str, Any]) -> dict[str, Any]:
    """The state as check keys see it: URL keys plus ``features``/``hidden``/``locked`` lists.

    ``state`` is a :class:`PlaygroundState` or a dict of URL keys (such as
    ``PlaygroundState.to_dict()``); a partial dict is read over the defaults.
    """
    if not isinstance(state, PlaygroundState):
        state, _ = PlaygroundState.from_dict(state, strict=False)
    values = state.to_dict()
    values["features"] = list(state.features)
    return values


# -------------------------------------------------------------------- checks
@dataclass(frozen=True, slots=True)
class Condition:
    """One comparison: a metric or a state key against a value.

    ``for_epochs`` (metrics only) asks for the comparison to hold that many
    consecutive epochs; ``label`` replaces the generated description.
    """

    source: str  # "metric" | "state"
    name: str
    op: str
    value: Any
    for_epochs: int = 1
    label: str = ""
    kind: str = PLAYGROUND  # the live part's kind: "playground" or a widget kind

    def holds(self, metrics: Mapping[str, Any], state: Mapping[str, Any]) -> bool:
        """Whether the comparison is true for one snapshot (``for_epochs`` not applied)."""
        actual = (metrics if self.source == "metric" else state).get(self.name)
        return _compare(actual, self.op, self.value)

    def describe(self) -> str:
        """Human-readable text, e.g. ``"test loss < 0.1 for 10 epochs in a row"``."""
        if self.label:
            return self.label
        if self.source == "metric":
            spec = metric_specs(self.kind)[self.name]
            text = f"{spec.label} {_SYMBOL[self.op]} {_show(self.value, spec.percent)}"
            if spec.kind == "boolean":
                text = spec.label if self.value is (self.op == "==") else f"not {spec.label}"
            if self.for_epochs > 1:
                text += f" for {self.for_epochs} {_counter_unit(self.kind)} in a row"
            return text
        label = state_labels(self.kind)[self.name]
        if self.op in LENGTH_OPS:
            return f"number of {label} {_SYMBOL[self.op[3:]]} {self.value}"
        if self.op in MEMBER_OPS:
            verb = _MEMBER_WORDS[self.op]
            return f"{label} {verb} {_show(self.value)}"
        return f"{label} {_SYMBOL[self.op]} {_show(self.value)}"


@dataclass(frozen=True, slots=True)
class Group:
    """``all`` or ``any`` of several conditions or groups."""

    mode: str  # "all" | "any"
    items: tuple[Condition | Group, ...]
    label: str = ""

    def describe(self) -> str:
        """Human-readable text, e.g. ``"any of: A; B"``."""
        if self.label:
            return self.label
        return f"{self.mode} of: " + "; ".join(item.describe() for item in self.items)


def _show(value: Any, percent: bool = False) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if percent and _is_number(value):
        return f"{value * 100:g}%"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    return str(value)


def _compare(actual: Any, op: str, value: Any) -> bool:
    if actual is None:
        return False
    if op in _COMPARE:
        if _is_number(actual) and _is_number(value):
            if isinstance(actual, float) and math.isnan(actual):
                return False
            return bool(_COMPARE[op](actual, value))
        if op in ("==", "!="):
            same = _normal(actual) == _normal(value)
            return same if op == "==" else not same
        return False
    if op in LENGTH_OPS:
        if not isinstance(actual, list | tuple):
            return False
        return bool(_COMPARE[op[3:]](len(actual), value))
    if op in ("in", "not_in"):
        inside = _normal(actual) in [_normal(v) for v in value]
        return inside if op == "in" else not inside
    if op in ("contains", "not_contains"):
        if not isinstance(actual, list | tuple):
            return False
        inside = value in actual
        return inside if op == "contains" else not inside
    return False


def _normal(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def metric_specs(kind: str = PLAYGROUND) -> Mapping[str, MetricSpec]:
    """The metrics a check on a live part of ``kind`` can read."""
    return METRICS if kind == PLAYGROUND else get_kind(kind).metric_map


def state_labels(kind: str = PLAYGROUND) -> Mapping[str, str]:
    """The state keys a check on a live part of ``kind`` can read, with their labels."""
    if kind == PLAYGROUND:
        return STATE_KEYS
    return {name: spec.label for name, spec in get_kind(kind).param_map.items()}


def counter_metric(kind: str = PLAYGROUND) -> str | None:
    """The metric that counts steps of a live part of ``kind`` (``epoch`` for playgrounds)."""
    return "epoch" if kind == PLAYGROUND else get_kind(kind).counter


def _counter_unit(kind: str) -> str:
    counter = counter_metric(kind)
    return "epochs" if counter == "epoch" else f"{counter}s"


def parse_check(data: Any, path: str = "check", kind: str = PLAYGROUND) -> Group:
    """Validate a check (plain data) and return it as a :class:`Group`.

    A single condition is wrapped in ``all``.  ``kind`` is the kind of live part the
    check reads (``"playground"`` or a widget kind such as ``"tsne"``): it decides which
    metrics and state keys exist.  Raises :class:`LessonError` naming the field
    (``check.all[0].op``), the bad value and what is allowed.
    """
    if kind != PLAYGROUND and kind not in KINDS:
        raise LessonError(path, f"{kind!r} is not a kind of live part")
    node = _parse_node(data, path, kind)
    return node if isinstance(node, Group) else Group("all", (node,))


_GROUP_KEYS: Final = frozenset({"all", "any", "label"})
_METRIC_KEYS: Final = frozenset({"metric", "op", "value", "for_epochs", "label"})
_STATE_PRED_KEYS: Final = frozenset({"state", "op", "value", "label"})


def _parse_node(data: Any, path: str, part: str = PLAYGROUND) -> Condition | Group:
    if not isinstance(data, Mapping):
        raise LessonError(
            path, f"must be a mapping with 'all', 'any', 'metric' or 'state'. Got {data!r}"
        )
    kinds = [k for k in ("all", "any", "metric", "state") if k in data]
    if len(kinds) != 1:
        found = f"both {kinds[0]!r} and {kinds[1]!r}" if kinds else "none of them"
        raise LessonError(
            path, f"needs exactly one of 'all', 'any', 'metric', 'state'; found {found}"
        )
    kind = kinds[0]
    allowed = {
        "all": _GROUP_KEYS,
        "any": _GROUP_KEYS,
        "metric": _METRIC_KEYS,
        "state": _STATE_PRED_KEYS,
    }[kind]
    for key in data:
        if key not in allowed:
            raise LessonError(
                f"{path}.{key}",
                f"unknown key {key!r} in a {kind} condition; allowed: {sorted(allowed)}"
                f"{_suggest(str(key), allowed)}",
            )
    label = data.get("label", "")
    if not isinstance(label, str):
        raise LessonError(f"{path}.label", f"must be text. Got {label!r}")
    if kind in ("all", "any"):
        items = data[kind]
        if not isinstance(items, list) or not items:
            raise LessonError(
                f"{path}.{kind}", f"must be a non-empty list of conditions. Got {items!r}"
            )
        parsed = tuple(
            _parse_node(item, f"{path}.{kind}[{i}]", part) for i, item in enumerate(items)
        )
        return Group(kind, parsed, label)
    if kind == "metric":
        return _parse_metric(data, path, label, part)
    if part != PLAYGROUND:
        return _parse_widget_state(data, path, label, get_kind(part))
    return _parse_state(data, path, label)


def _require_op(data: Mapping[str, Any], path: str, ops: Sequence[str]) -> str:
    if "op" not in data:
        raise LessonError(path, f"missing 'op'; allowed: {list(ops)}")
    op = data["op"]
    if op not in ops:
        raise LessonError(
            f"{path}.op", f"{op!r} is not allowed here; allowed: {list(ops)}{_suggest(op, ops)}"
        )
    if "value" not in data:
        raise LessonError(path, "missing 'value'")
    return str(op)


def _parse_metric(
    data: Mapping[str, Any], path: str, label: str, part: str = PLAYGROUND
) -> Condition:
    name = data["metric"]
    metrics = metric_specs(part)
    if name not in metrics:
        what = "a metric" if part == PLAYGROUND else f"a metric of {part}"
        raise LessonError(
            f"{path}.metric",
            f"{name!r} is not {what}; allowed: {list(metrics)}{_suggest(str(name), metrics)}",
        )
    spec = metrics[name]
    ops = ("==", "!=") if spec.kind == "boolean" else METRIC_OPS
    op = _require_op(data, path, ops)
    value = data["value"]
    if spec.kind == "boolean":
        if not isinstance(value, bool):
            raise LessonError(f"{path}.value", f"{name} is true or false. Got {value!r}")
    elif not _is_number(value) or not math.isfinite(value):
        raise LessonError(f"{path}.value", f"{name} is a number. Got {value!r}")
    elif spec.percent and not -1 <= value <= 1:
        raise LessonError(
            f"{path}.value", f"{name} is a fraction between 0 and 1 (0.9 = 90%). Got {value!r}"
        )
    for_epochs = data.get("for_epochs", 1)
    if (
        isinstance(for_epochs, bool)
        or not isinstance(for_epochs, int)
        or not (1 <= for_epochs <= 100_000)
    ):
        raise LessonError(
            f"{path}.for_epochs", f"must be a whole number from 1 to 100000. Got {for_epochs!r}"
        )
    if for_epochs > 1 and counter_metric(part) is None:
        raise LessonError(
            f"{path}.for_epochs", f"the {part} widget has no steps to count; leave for_epochs out"
        )
    return Condition("metric", name, op, value, for_epochs, label, part)


def _parse_widget_state(
    data: Mapping[str, Any], path: str, label: str, kind: WidgetKind
) -> Condition:
    key = data["state"]
    if key not in kind.param_map:
        raise LessonError(
            f"{path}.state",
            f"{key!r} is not a {kind.name} setting; allowed: {list(kind.param_map)}"
            f"{_suggest(str(key), kind.param_map)}",
        )
    spec = kind.param_map[key]
    ops = (*METRIC_OPS, "in", "not_in") if spec.ordered else ("==", "!=", "in", "not_in")
    op = _require_op(data, path, ops)
    value = data["value"]
    vpath = f"{path}.value"
    try:
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                raise LessonError(vpath, f"{op} needs a non-empty list of values. Got {value!r}")
            value = [spec.check(v, f"{vpath}[{i}]") for i, v in enumerate(value)]
        else:
            value = spec.check(value, vpath)
    except SpecError as exc:
        raise LessonError(exc.path, exc.detail) from None
    return Condition("state", key, op, value, 1, label, kind.name)


def _parse_state(data: Mapping[str, Any], path: str, label: str) -> Condition:
    key = data["state"]
    if key not in STATE_KEYS:
        raise LessonError(
            f"{path}.state",
            f"{key!r} is not a state key (use the URL keys, e.g. 'networkShape')"
            f"{_suggest(str(key), STATE_KEYS)}",
        )
    if key in _LIST_KEYS:
        ops: tuple[str, ...] = ("==", "!=", *LENGTH_OPS, "contains", "not_contains")
    elif key in FIELDS and FIELDS[key].kind in _ORDERED_KINDS:
        ops = (*METRIC_OPS, "in", "not_in")
    else:
        ops = ("==", "!=", "in", "not_in")
    op = _require_op(data, path, ops)
    value = data["value"]
    vpath = f"{path}.value"
    if op in LENGTH_OPS:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise LessonError(vpath, f"{op} needs a whole number >= 0. Got {value!r}")
    elif op in ("contains", "not_contains"):
        _check_item(key, value, vpath)
    elif op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise LessonError(vpath, f"{op} needs a non-empty list of values. Got {value!r}")
        value = [_check_value(key, v, f"{vpath}[{i}]") for i, v in enumerate(value)]
    elif op in ("<", "<=", ">", ">="):
        if not _is_number(value) or not math.isfinite(value):
            raise LessonError(vpath, f"{op} needs a number. Got {value!r}")
    elif key in _LIST_KEYS:
        if not isinstance(value, list):
            raise LessonError(vpath, f"{key} is a list. Got {value!r}")
        for i, item in enumerate(value):
            _check_item(key, item, f"{vpath}[{i}]")
        value = _canonical_list(key, value)
    else:
        value = _check_value(key, value, vpath)
    return Condition("state", key, op, value, 1, label)


def _canonical_list(key: str, value: list[Any]) -> list[Any]:
    """Order a names list the way :func:`state_values` does (layer order matters, names' not)."""
    if key == "features":
        return sorted(value, key=FEATURE_NAMES.index)
    if key in ("hidden", "locked"):
        return sorted(value)
    return list(value)


def _check_item(key: str, item: Any, path: str) -> None:
    if key == "networkShape":
        if isinstance(item, bool) or not isinstance(item, int) or item < 1:
            raise LessonError(path, f"a layer size is a whole number >= 1. Got {item!r}")
        return
    names = FEATURE_NAMES if key == "features" else tuple(CONTROLS)
    what = "an input feature" if key == "features" else "a control"
    if item not in names:
        raise LessonError(path, f"{item!r} is not {what}{_suggest(str(item), names)}")


def _check_value(key: str, value: Any, path: str) -> Any:
    """A value must be one the state itself allows (caught with the strict parser)."""
    spec = FIELDS.get(key)
    if spec is not None and spec.kind == "choice":
        if value not in spec.choices:
            raise LessonError(
                path,
                f"{value!r} is not allowed; '{key}' must be one of {list(spec.choices)}"
                f"{_suggest(str(value), spec.choices)}",
            )
        return value
    try:
        state, _ = PlaygroundState.from_dict({key: value}, strict=True)
    except StateError as exc:
        raise LessonError(path, str(exc)) from None
    return state_values(state)[key]


# ------------------------------------------------------------------- lessons
@dataclass(frozen=True, slots=True)
class ProseBlock:
    """Rendered Markdown between directives."""

    html: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class PlaygroundSpec:
    """A ``:::{playground} ID`` block: a live playground with its full initial state."""

    id: str
    state: PlaygroundState
    overrides: Mapping[str, Any] = field(default_factory=dict)
    height: int | None = None
    caption: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Task:
    """A ``:::{task} ID`` block: a step checked against one playground's live metrics."""

    id: str
    playground: str
    title: str
    check: Group
    hints: tuple[str, ...] = ()
    hints_html: tuple[str, ...] = ()
    text_html: str = ""
    title_html: str = ""
    solution: PlaygroundState | Mapping[str, Any] | None = None
    solution_overrides: Mapping[str, Any] | None = None
    line: int = 0


@dataclass(frozen=True, slots=True)
class WidgetSpec:
    """A ``:::{<kind>} ID`` block (``:::{tsne} main``): a live widget with its full settings."""

    id: str
    kind: str
    state: Mapping[str, Any]
    overrides: Mapping[str, Any] = field(default_factory=dict)
    height: int | None = None
    caption: str = ""
    line: int = 0


Part = PlaygroundSpec | WidgetSpec
Block = ProseBlock | PlaygroundSpec | WidgetSpec | Task


@dataclass(frozen=True, slots=True)
class Lesson:
    """A compiled lesson: metadata, the page state and its blocks in document order."""

    id: str
    title: str
    summary: str
    level: str
    minutes: int
    runtime: str
    state: PlaygroundState
    blocks: tuple[Block, ...]
    authors: tuple[str, ...] = ()
    source: str = ""

    @property
    def playgrounds(self) -> dict[str, PlaygroundSpec]:
        """Playground blocks by id, in document order."""
        return {b.id: b for b in self.blocks if isinstance(b, PlaygroundSpec)}

    @property
    def widgets(self) -> dict[str, WidgetSpec]:
        """Widget blocks (t-SNE, adversarial, ...) by id, in document order."""
        return {b.id: b for b in self.blocks if isinstance(b, WidgetSpec)}

    @property
    def parts(self) -> dict[str, Part]:
        """Every live part (playgrounds and widgets) by id, in document order."""
        return {b.id: b for b in self.blocks if isinstance(b, PlaygroundSpec | WidgetSpec)}

    def part_kind(self, part_id: str) -> str:
        """``"playground"`` or the widget kind of the live part ``part_id``."""
        return _kind_of(self.parts[part_id])

    @property
    def tasks(self) -> tuple[Task, ...]:
        """Task blocks in document order."""
        return tuple(b for b in self.blocks if isinstance(b, Task))

    def task(self, task_id: str) -> Task:
        """The task called ``task_id`` (``KeyError`` naming the known ids otherwise)."""
        for task in self.tasks:
            if task.id == task_id:
                return task
        raise KeyError(
            f"No task {task_id!r} in lesson {self.id!r}; tasks: {[t.id for t in self.tasks]}"
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Lesson:
        """Build from compiled lesson JSON (as written by ``sitegen.lessons.compile_lesson``).

        Raises :class:`LessonError` naming the first invalid field.
        """
        if data.get("format") != COMPILED_FORMAT:
            raise LessonError("format", f"expected {COMPILED_FORMAT!r}. Got {data.get('format')!r}")
        state = _state(data.get("state", {}), "state")
        raw_blocks = list(data.get("blocks", []))
        kinds = {
            str(raw.get("id")): (raw.get("kind") if raw.get("type") == "widget" else PLAYGROUND)
            for raw in raw_blocks
            if raw.get("type") in ("playground", "widget")
        }
        blocks: list[Block] = []
        for i, raw in enumerate(raw_blocks):
            blocks.append(_block(raw, f"blocks[{i}]", kinds))
        lesson = cls(
            id=str(data["id"]),
            title=str(data["title"]),
            summary=str(data.get("summary", "")),
            level=str(data.get("level", "beginner")),
            minutes=int(data.get("minutes", 0)),
            runtime=str(data.get("runtime", "browser")),
            state=state,
            blocks=tuple(blocks),
            authors=tuple(data.get("authors", ())),
            source=str(data.get("source", "")),
        )
        known = lesson.parts
        for task in lesson.tasks:
            if task.playground not in known:
                raise LessonError(f"task {task.id}", f"unknown live part {task.playground!r}")
        return lesson


def _kind_of(part: Part) -> str:
    return part.kind if isinstance(part, WidgetSpec) else PLAYGROUND


def _state(data: Any, path: str, base: PlaygroundState | None = None) -> PlaygroundState:
    if not isinstance(data, Mapping):
        raise LessonError(path, f"must be a mapping of URL keys. Got {data!r}")
    try:
        state, _ = PlaygroundState.from_dict(data, base=base, strict=True)
    except StateError as exc:
        raise LessonError(f"{path}.{exc.key}", str(exc).partition(": ")[2]) from None
    return state


def _widget_state(kind: str, data: Any, path: str, base: Mapping[str, Any] | None = None) -> dict:
    try:
        return get_kind(kind).state(data, path, base)
    except SpecError as exc:
        raise LessonError(exc.path, exc.detail) from None
    except KeyError as exc:
        raise LessonError(f"{path}", str(exc.args[0])) from None


def _block(raw: Mapping[str, Any], path: str, kinds: Mapping[str, str] | None = None) -> Block:
    kind = raw.get("type")
    line = int(raw.get("line", 0))
    if kind == "prose":
        return ProseBlock(str(raw.get("html", "")), line)
    if kind == "playground":
        return PlaygroundSpec(
            id=str(raw["id"]),
            state=_state(raw["state"], f"{path}.state"),
            overrides=MappingProxyType(dict(raw.get("overrides", {}))),
            height=raw.get("height"),
            caption=str(raw.get("caption", "")),
            line=line,
        )
    if kind == "widget":
        wkind = str(raw.get("kind"))
        return WidgetSpec(
            id=str(raw["id"]),
            kind=wkind,
            state=MappingProxyType(_widget_state(wkind, raw.get("state", {}), f"{path}.state")),
            overrides=MappingProxyType(dict(raw.get("overrides", {}))),
            height=raw.get("height"),
            caption=str(raw.get("caption", "")),
            line=line,
        )
    if kind == "task":
        part = (kinds or {}).get(str(raw["playground"]), PLAYGROUND)
        solution = raw.get("solution")
        if solution is not None:
            solution = (
                _state(solution, f"{path}.solution")
                if part == PLAYGROUND
                else MappingProxyType(_widget_state(part, solution, f"{path}.solution"))
            )
        overrides = raw.get("solution_overrides")
        hints = tuple(str(h) for h in raw.get("hints", ()))
        return Task(
            id=str(raw["id"]),
            playground=str(raw["playground"]),
            title=str(raw["title"]),
            check=parse_check(raw["check"], f"{path}.check", part),
            hints=hints,
            hints_html=tuple(raw.get("hints_html", [html.escape(h) for h in hints])),
            text_html=str(raw.get("text_html", "")),
            title_html=str(raw.get("title_html", html.escape(str(raw["title"])))),
            solution=solution,
            solution_overrides=None if overrides is None else MappingProxyType(dict(overrides)),
            line=line,
        )
    raise LessonError(
        f"{path}.type",
        f"{kind!r} is not a block type; allowed: ['prose', 'playground', 'widget', 'task']",
    )


def load_lesson(text: str) -> Lesson:
    """Load a lesson from compiled lesson JSON text (what the site serves)."""
    return Lesson.from_dict(json.loads(text))


# ------------------------------------------------------------- lesson blocks
_PLAIN_RE: Final = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# quoted even where YAML 1.2 would read them as text (YAML 1.1 reads them as booleans)
_YAML_WORDS: Final = frozenset(["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"])


def _yaml_float(value: float) -> str:
    # PyYAML (YAML 1.1) reads "1e-05" as text: write floats with a decimal point
    text = repr(float(value))
    if "e" in text or "E" in text:
        text = f"{value:.15f}".rstrip("0")
    return text + "0" if text.endswith(".") else text


def yaml_scalar(value: Any) -> str:
    """Format a scalar or a flat list as YAML flow text (JSON where quoting is needed)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _is_number(value):
        return _yaml_float(value) if isinstance(value, float) else str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(yaml_scalar(v) for v in value) + "]"
    text = str(value)
    if _PLAIN_RE.match(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def state_overrides(state: PlaygroundState, base: PlaygroundState | None = None) -> dict[str, Any]:
    """The URL-keyed values of ``state`` that differ from ``base`` (defaults if None).

    ``hidden``/``locked`` list the controls ``state`` adds to ``base``'s
    (in lessons, a playground's lists add to the page's).
    """
    base = base or PlaygroundState()
    new, old = state.to_dict(), base.to_dict()
    out = {
        key: value
        for key, value in new.items()
        if key not in ("hidden", "locked") and value != old[key]
    }
    for key in ("hidden", "locked"):
        extra = sorted(set(new[key]) - set(old[key]))
        if extra:
            out[key] = extra
    return out


def state_yaml(overrides: Mapping[str, Any], indent: str = "") -> list[str]:
    """YAML lines ``key: value`` for URL-keyed values, one per line, in :data:`FIELDS` order."""
    order = [*FIELDS, "hidden", "locked"]
    keys = sorted(overrides, key=lambda k: order.index(k) if k in order else len(order))
    return [f"{indent}{key}: {yaml_scalar(overrides[key])}" for key in keys]


def lesson_block(
    state: PlaygroundState,
    playground_id: str = "main",
    *,
    base: PlaygroundState | None = None,
    height: int | None = None,
) -> str:
    """A ready ``:::{playground}`` block that reproduces ``state`` (for "copy as lesson block").

    Parameters
    ----------
    state : PlaygroundState
        What the playground should start with (hidden/locked controls included).
    playground_id : str
        The block's id (lowercase words joined by ``-``).
    base : PlaygroundState, optional
        The state the block is applied over: the lesson page's state when known,
        else the defaults.  Only the differences are written.
    height : int, optional
        Adds a ``:height:`` option (pixels).

    Returns
    -------
    str
        Markdown text ending in a newline.
    """
    if not ID_RE.match(playground_id) or len(playground_id) > MAX_ID_LENGTH:
        raise ValueError(
            f"The 'playground_id' parameter must be lowercase words joined by '-'. "
            f"Got {playground_id!r}."
        )
    lines = [f":::{{playground}} {playground_id}"]
    if height is not None:
        lines.append(f":height: {int(height)}")
    lines += state_yaml(state_overrides(state, base))
    lines.append(":::")
    return "\n".join(lines) + "\n"


__all__ = [
    "COMPILED_FORMAT",
    "ID_PATTERN",
    "LENGTH_OPS",
    "LEVELS",
    "MEMBER_OPS",
    "METRICS",
    "METRIC_OPS",
    "PLAYGROUND",
    "RUNTIMES",
    "SCHEMA_VERSION",
    "STATE_KEYS",
    "STATE_OPS",
    "Block",
    "Condition",
    "Group",
    "Lesson",
    "LessonError",
    "MetricSpec",
    "Part",
    "PlaygroundSpec",
    "ProseBlock",
    "Task",
    "WidgetSpec",
    "counter_metric",
    "lesson_block",
    "load_lesson",
    "metric_specs",
    "parse_check",
    "state_labels",
    "state_overrides",
    "state_values",
    "state_yaml",
    "with_derived",
    "yaml_scalar",
]
