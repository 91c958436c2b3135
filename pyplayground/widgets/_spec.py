"""Declarations shared by the lesson format and the live parts of a page (no Panel, no NumPy).

A lesson page holds *live parts*: playgrounds and explorable widgets (t-SNE, adversarial
attacks, and later CNNs).  Each widget *kind* declares, as data, what a lesson may set
(:class:`ParamSpec`: the ``:::{tsne} ID`` body, a task's ``solution:`` and ``state:``
conditions) and what a task may check (:class:`MetricSpec`).  Build-time checks,
the runtime task tracker and the generated reference all read these declarations.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final

#: Kinds of parameter values.
PARAM_KINDS: Final = ("choice", "int", "number", "bool", "text")


class SpecError(ValueError):
    """A widget parameter value that is not allowed; ``path`` names the key."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.detail = message


def suggest(name: str, names: Any) -> str:
    """``"; did you mean 'x'?"`` for the closest of ``names``, or ``""``."""
    close = difflib.get_close_matches(str(name), [str(n) for n in names], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """A live metric a task check can read.

    ``kind`` is ``"number"``, ``"integer"`` or ``"boolean"``; ``percent``
    metrics are fractions in [0, 1] shown as percentages.
    """

    name: str
    kind: str
    label: str
    description: str
    percent: bool = False


@dataclass(frozen=True, slots=True)
class ParamSpec:
    """One setting of a widget: its name, kind, default and allowed values.

    ``kind`` is one of :data:`PARAM_KINDS`. ``choices`` lists the allowed values of a
    ``"choice"``; ``minimum``/``maximum`` bound an ``"int"`` or ``"number"`` (inclusive).
    """

    name: str
    kind: str
    default: Any
    label: str
    description: str = ""
    choices: tuple[Any, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def allowed(self) -> str:
        """The allowed values in words (for errors and the reference)."""
        if self.kind == "choice":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "text":
            return "text"
        what = "a whole number" if self.kind == "int" else "a number"
        if self.minimum is not None and self.maximum is not None:
            return f"{what} from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{what} >= {self.minimum:g}"
        if self.maximum is not None:
            return f"{what} <= {self.maximum:g}"
        return what

    def check(self, value: Any, path: str = "") -> Any:
        """Return ``value`` if allowed (ints accepted for numbers); else :class:`SpecError`."""
        path = path or self.name
        bad = SpecError(path, f"{value!r} is not allowed; {self.name} is {self.allowed()}")
        if self.kind == "choice":
            if value not in self.choices or isinstance(value, bool) != isinstance(
                self.choices[0], bool
            ):
                raise SpecError(
                    path,
                    f"{value!r} is not allowed; {self.name} is {self.allowed()}"
                    f"{suggest(str(value), self.choices)}",
                )
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise bad
            return value
        if self.kind == "text":
            if not isinstance(value, str):
                raise bad
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise bad
        if self.kind == "int" and not float(value).is_integer():
            raise bad
        if not math.isfinite(value):
            raise bad
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise bad
        return int(value) if self.kind == "int" else float(value)

    @property
    def ordered(self) -> bool:
        """Whether ``<``/``>`` comparisons make sense (numbers)."""
        return self.kind in ("int", "number")


@dataclass(frozen=True, slots=True)
class WidgetKind:
    """A kind of live part a lesson can place with ``:::{<name>} ID``.

    Parameters
    ----------
    name : str
        The directive name (``"tsne"``).
    title : str
        What the reference and messages call it (``"t-SNE explorer"``).
    description : str
        One paragraph for the authoring guide.
    params : tuple of ParamSpec
        Its settings (a block body, ``solution:``, ``state:`` conditions).
    metrics : tuple of MetricSpec
        What task checks can read.
    counter : str or None
        The metric that counts steps (``for_epochs`` streaks count it; a decrease
        means a restart).  ``None``: ``for_epochs`` is not available.
    factory : str
        ``"module:Class"`` of the Panel component (imported only when a page uses it).
    default_height : int
        Placeholder height on the page before Python starts, in pixels.
    """

    name: str
    title: str
    description: str
    params: tuple[ParamSpec, ...]
    metrics: tuple[MetricSpec, ...]
    counter: str | None
    factory: str
    default_height: int = 520
    param_map: Mapping[str, ParamSpec] = field(init=False, repr=False, compare=False)
    metric_map: Mapping[str, MetricSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "param_map", MappingProxyType({p.name: p for p in self.params}))
        object.__setattr__(self, "metric_map", MappingProxyType({m.name: m for m in self.metrics}))
        if self.counter is not None and self.counter not in self.metric_map:
            raise ValueError(f"{self.name}: counter {self.counter!r} is not one of its metrics")

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default."""
        return {p.name: p.default for p in self.params}

    def state(
        self, data: Mapping[str, Any], path: str = "", base: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The full state: ``base`` (or the defaults) updated with the checked ``data``.

        Raises :class:`SpecError` naming the first unknown key or bad value.
        """
        if not isinstance(data, Mapping):
            raise SpecError(path, f"must be a mapping of {self.name} settings. Got {data!r}")
        out = dict(self.defaults() if base is None else base)
        for key, value in data.items():
            where = f"{path}.{key}" if path else str(key)
            spec = self.param_map.get(key)
            if spec is None:
                raise SpecError(
                    where,
                    f"{key!r} is not a {self.name} setting; allowed: {list(self.param_map)}"
                    f"{suggest(str(key), self.param_map)}",
                )
            out[key] = spec.check(value, where)
        return out

    def lenient_state(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """Like :meth:`state` but skips bad entries; returns the state and one note per skip."""
        out, notes = self.defaults(), []
        for key, value in (data or {}).items():
            try:
                out.update(self.state({key: value}, base=out))
            except SpecError as exc:
                notes.append(str(exc))
        return out, notes


__all__ = ["PARAM_KINDS", "MetricSpec", "ParamSpec", "SpecError", "WidgetKind", "suggest"]
