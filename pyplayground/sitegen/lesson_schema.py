"""The JSON Schema of lesson files (published as ``lessons/schema.json``; build time only).

:func:`build_schema` describes the front matter and every directive's options: the
playground state's fields (:data:`pyplayground.state.FIELDS`), the task conditions of
:mod:`pyplayground.lessons` and each widget kind's settings (:data:`pyplayground.widgets.KINDS`).
:mod:`.lessons` validates lessons with it; editors use the published copy.
"""

from __future__ import annotations

from typing import Any

from pyplayground.lessons import (
    ID_PATTERN,
    LEVELS,
    MAX_ID_LENGTH,
    METRIC_OPS,
    METRICS,
    RUNTIMES,
    SCHEMA_VERSION,
    STATE_KEYS,
    STATE_OPS,
)
from pyplayground.state import (
    CONTROLS,
    FIELDS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    SEED_RE,
)
from pyplayground.widgets import KINDS, ParamSpec, WidgetKind


def _field_schema(key: str) -> dict[str, Any]:
    spec = FIELDS[key]
    out: dict[str, Any] = {"description": spec.label}
    if spec.kind in ("choice", "number_choice"):
        out["enum"] = list(spec.choices)
    elif spec.kind == "int":
        out.update(type="integer", minimum=int(spec.low), maximum=int(spec.high))
    elif spec.kind in ("bool", "feature"):
        out["type"] = "boolean"
    elif spec.kind == "shape":
        out.update(
            type="array",
            maxItems=MAX_HIDDEN_LAYERS,
            items={"type": "integer", "minimum": 1, "maximum": MAX_NEURONS},
        )
    elif spec.kind == "seed":
        out.update(type=["string", "number"], pattern=SEED_RE.pattern)
    else:  # pragma: no cover - a new kind in state.py must be added here
        raise ValueError(f"No schema for field kind {spec.kind!r} ({key}).")
    return out


def _state_schema() -> dict[str, Any]:
    props = {key: _field_schema(key) for key in FIELDS}
    props["hidden"] = {"$ref": "#/$defs/controlList", "description": "Controls not shown."}
    props["locked"] = {"$ref": "#/$defs/controlList", "description": "Controls shown disabled."}
    return {
        "type": "object",
        "description": "Playground state under its URL keys (PlaygroundState).",
        "additionalProperties": False,
        "properties": props,
    }


def _param_schema(spec: ParamSpec) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": spec.label + (f". {spec.description}" if spec.description else "")
    }
    if spec.kind == "choice":
        out["enum"] = list(spec.choices)
    elif spec.kind in ("int", "number"):
        out["type"] = "integer" if spec.kind == "int" else "number"
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
        if spec.maximum is not None:
            out["maximum"] = spec.maximum
    else:
        out["type"] = {"bool": "boolean", "text": "string"}[spec.kind]
    return out


def _widget_schema(kind: WidgetKind, *, options: bool) -> dict[str, Any]:
    props = {p.name: _param_schema(p) for p in kind.params}
    if options:
        props["height"] = {"type": "integer", "minimum": 200, "maximum": 1600}
        props["caption"] = {"type": "string"}
    return {
        "type": "object",
        "description": f"A :::{{{kind.name}}} ID block ({kind.title}): settings."
        if options
        else f"Settings of a {kind.title}.",
        "additionalProperties": False,
        "properties": props,
    }


def build_schema() -> dict[str, Any]:
    """The lesson JSON Schema (2020-12), generated from the state and check registries.

    The root validates the front matter; ``$defs/playgroundBlock`` and
    ``$defs/taskBlock`` validate the directives (options and YAML body together).
    """
    ident = {
        "type": "string",
        "pattern": ID_PATTERN,
        "maxLength": MAX_ID_LENGTH,
        "description": "lowercase letters and digits, words joined by '-'",
    }
    text = {"type": "string", "minLength": 1}

    def group(mode: str) -> dict[str, Any]:
        return {
            "type": "object",
            "required": [mode],
            "additionalProperties": False,
            "properties": {
                mode: {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}},
                "label": {"type": "string"},
            },
        }

    def task_block(
        description: str, check: dict[str, Any], solution: dict[str, Any]
    ) -> dict[str, Any]:
        return {
            "type": "object",
            "description": description,
            "required": ["title", "check"],
            "additionalProperties": False,
            "properties": {
                "playground": {"$ref": "#/$defs/id"},
                "title": {**text, "maxLength": 120},
                "text": {"type": "string"},
                "check": check,
                "hints": {"type": "array", "items": text},
                "solution": solution,
            },
        }

    def branch(key: str, then: str, otherwise: dict[str, Any]) -> dict[str, Any]:
        return {"if": {"required": [key]}, "then": {"$ref": then}, "else": otherwise}

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "pyplayground lesson",
        "description": (
            "Front matter of a lesson file (lessons/<id>.md). The :::{playground} and "
            ":::{task} directive bodies follow $defs/playgroundBlock and $defs/taskBlock. "
            "Generated by `pyplayground lesson sync`; do not edit by hand."
        ),
        "type": "object",
        "required": ["schema", "id", "title", "summary", "level", "minutes", "runtime"],
        "additionalProperties": False,
        "properties": {
            "schema": {"const": SCHEMA_VERSION},
            "id": {"$ref": "#/$defs/id"},
            "title": {**text, "maxLength": 120},
            "summary": {**text, "maxLength": 300},
            "level": {"enum": list(LEVELS)},
            "minutes": {"type": "integer", "minimum": 1, "maximum": 600},
            "runtime": {"enum": list(RUNTIMES)},
            "authors": {"type": "array", "items": text},
            "playground": {"$ref": "#/$defs/state"},
        },
        "$defs": {
            "id": ident,
            "control": {"enum": list(CONTROLS), "description": "A control name."},
            "controlList": {
                "type": "array",
                "uniqueItems": True,
                "items": {"$ref": "#/$defs/control"},
            },
            "state": _state_schema(),
            "metric": {"enum": list(METRICS)},
            "condition": {
                "type": "object",
                **branch(
                    "all",
                    "#/$defs/allGroup",
                    branch(
                        "any",
                        "#/$defs/anyGroup",
                        branch(
                            "metric", "#/$defs/metricCondition", {"$ref": "#/$defs/stateCondition"}
                        ),
                    ),
                ),
            },
            "allGroup": group("all"),
            "anyGroup": group("any"),
            "metricCondition": {
                "type": "object",
                "required": ["metric", "op", "value"],
                "additionalProperties": False,
                "properties": {
                    "metric": {"$ref": "#/$defs/metric"},
                    "op": {"enum": list(METRIC_OPS)},
                    "value": {"type": ["number", "boolean"]},
                    "for_epochs": {"type": "integer", "minimum": 1, "maximum": 100_000},
                    "label": {"type": "string"},
                },
            },
            "stateCondition": {
                "type": "object",
                "required": ["state", "op", "value"],
                "additionalProperties": False,
                "properties": {
                    "state": {"enum": list(STATE_KEYS)},
                    "op": {"enum": list(STATE_OPS)},
                    "value": {},
                    "label": {"type": "string"},
                },
            },
            "playgroundBlock": {
                **_state_schema(),
                "description": "A :::{playground} ID block: options plus state overrides.",
                "properties": {
                    **_state_schema()["properties"],
                    "height": {"type": "integer", "minimum": 200, "maximum": 1600},
                    "caption": {"type": "string"},
                },
            },
            **{f"{k.name}Block": _widget_schema(k, options=True) for k in KINDS.values()},
            **{f"{k.name}Settings": _widget_schema(k, options=False) for k in KINDS.values()},
            "widgetTaskBlock": task_block(
                "A :::{task} ID block on a widget: its check reads the widget's metrics "
                "and settings; its solution is settings of that widget.",
                check={"type": "object"},
                solution={"type": "object"},
            ),
            "taskBlock": task_block(
                "A :::{task} ID block: options plus check, hints and solution.",
                check={"$ref": "#/$defs/condition"},
                solution={"$ref": "#/$defs/state"},
            ),
        },
    }


__all__ = ["build_schema"]
