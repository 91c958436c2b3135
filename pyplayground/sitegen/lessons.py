"""Lesson files → validated, compiled lesson JSON (build time only; never runs in the browser).

A lesson is ``lessons/<id>.md``: MyST-compatible Markdown with YAML front matter
and colon-fence directives: ``:::{playground} ID``, one per widget kind of
:data:`pyplayground.widgets.KINDS` (``:::{tsne} ID``, ``:::{adversarial} ID``) and
``:::{task} ID`` (see ``docs/authoring-lessons.md``).  This module

* parses it with markdown-it-py and mdit-py-plugins (front matter, colon fences, math);
* validates the front matter and each directive with the JSON Schema from
  :func:`build_schema` (published as ``lessons/schema.json``), then with the
  state's strict parser and :func:`pyplayground.lessons.parse_check`;
* reports every problem as ``file:line: where: field message``;
* compiles a valid lesson to JSON for :func:`pyplayground.lessons.load_lesson`.

Public API: :func:`check_paths`, :func:`compile_lesson`, :func:`lesson_files`,
:func:`index_entry`, :func:`new_lesson`; also :func:`build_schema` (from
:mod:`.lesson_schema`) and :func:`reference_markdown`, :func:`update_reference` (from
:mod:`.lesson_reference`).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import jsonschema
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from pyplayground.lessons import (
    COMPILED_FORMAT,
    ID_RE,
    LEVELS,
    MAX_ID_LENGTH,
    METRICS,
    PLAYGROUND,
    RUNTIMES,
    SCHEMA_VERSION,
    Condition,
    LessonError,
    parse_check,
    state_overrides,
    state_values,
    state_yaml,
)
from pyplayground.state import (
    CONTROLS,
    PlaygroundState,
    StateError,
    _suggest,
)
from pyplayground.widgets import KINDS, SpecError, WidgetKind

from .lesson_reference import reference_markdown, update_reference
from .lesson_schema import build_schema

#: MyST admonitions allowed in prose (rendered as ``<div class="admonition NAME">``).
ADMONITIONS: Final = (
    "note",
    "tip",
    "hint",
    "important",
    "warning",
    "caution",
    "attention",
    "danger",
    "error",
    "seealso",
    "admonition",
)
#: Directives: the playground, one per widget kind, and the task.
DIRECTIVES: Final = ("playground", *KINDS, "task")
_BLOCK_OPTIONS: Final = ("height", "caption")
_OPTION_RE: Final = re.compile(r"^:([A-Za-z][\w-]*):(?:\s+(.*))?$")
_INFO_RE: Final = re.compile(r"^\{([^}]*)\}\s*(.*)$")
_ORDER_RE: Final = re.compile(r"^\d+-")


class LessonCheckError(ValueError):
    """A lesson file is not valid; ``errors`` holds one ``file:line: ...`` line per problem."""

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = list(errors)


_SCHEMA: Final = build_schema()
_VALIDATORS: Final = {
    name: jsonschema.Draft202012Validator(
        _SCHEMA if name == "front matter" else {"$defs": _SCHEMA["$defs"], "$ref": ref}
    )
    for name, ref in (
        ("front matter", ""),
        ("playground", "#/$defs/playgroundBlock"),
        ("task", "#/$defs/taskBlock"),
        ("widget task", "#/$defs/widgetTaskBlock"),
        *((k, f"#/$defs/{k}Block") for k in KINDS),
    )
}


# ---------------------------------------------------------------- YAML lines
def _compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _node_line(node: yaml.Node | None, path: Sequence[Any], *, key: bool = False) -> int | None:
    """0-based line of the node at ``path`` (of its key with ``key=True``), or the deepest found."""
    if node is None:
        return None
    line = node.start_mark.line
    for i, part in enumerate(path):
        last = i == len(path) - 1
        if isinstance(node, yaml.MappingNode):
            for knode, vnode in node.value:
                if knode.value == part:
                    node = knode if (last and key) else vnode
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line
    return line


def _duplicate_keys(node: yaml.Node | None, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        out = []
        for knode, vnode in node.value:
            if knode.value in seen:
                out.append((*prefix, knode.value))
            seen.add(knode.value)
            out += _duplicate_keys(vnode, (*prefix, knode.value))
        return out
    if isinstance(node, yaml.SequenceNode):
        return [d for i, v in enumerate(node.value) for d in _duplicate_keys(v, (*prefix, i))]
    return []


def _path_text(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _path_parts(text: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", text)]


# ------------------------------------------------------------ schema errors
def _schema_message(err: jsonschema.ValidationError) -> tuple[list[Any], str, bool]:
    """Return (path, message, point-at-key) for one schema error, in the checker's words."""
    path = list(err.absolute_path)
    value, kind, want = err.instance, err.validator, err.validator_value
    name = next((str(p) for p in reversed(path) if isinstance(p, str)), "value")
    if kind == "enum":
        if list(want) == list(CONTROLS):
            return path, f"{value!r} is not a control{_suggest(str(value), CONTROLS)}", False
        if list(want) == list(METRICS):
            return path, f"{value!r} is not a metric{_suggest(str(value), METRICS)}", False
        choices = [str(w) for w in want if isinstance(w, str)]
        return (
            path,
            (
                f"{value!r} is not allowed; '{name}' must be one of {list(want)}"
                f"{_suggest(str(value), choices)}"
            ),
            False,
        )
    if kind == "additionalProperties":
        allowed = list(err.schema.get("properties", {}))
        extra = [k for k in value if k not in allowed]
        key = extra[0] if extra else "?"
        full = _path_text([*path, key])
        return [*path, key], f"unknown key {full!r}{_suggest(str(key), allowed)}", True
    if kind == "required":
        missing = [k for k in want if k not in value]
        return path, f"missing required key {missing[0]!r}", False
    if kind == "type":
        wanted = " or ".join(
            {
                "integer": "a whole number",
                "number": "a number",
                "string": "text",
                "boolean": "true or false",
                "array": "a list",
                "object": "a mapping",
            }.get(t, t)
            for t in (want if isinstance(want, list) else [want])
        )
        return path, f"{value!r} is not allowed; '{name}' must be {wanted}", False
    if kind in ("minimum", "maximum"):
        low, high = err.schema.get("minimum"), err.schema.get("maximum")
        rng = f"from {low} to {high}" if low is not None and high is not None else f"{kind} {want}"
        return path, f"{value!r} is out of range; '{name}' must be {rng}", False
    if kind == "const":
        return path, f"{value!r} is not allowed; '{name}' must be {want!r}", False
    if kind == "pattern":
        what = err.schema.get("description", f"text matching {want}")
        return path, f"{value!r} is not allowed; '{name}' must be {what}", False
    if kind in ("maxItems", "minItems"):
        bound = "at most" if kind == "maxItems" else "at least"
        return path, f"{value!r} has {len(value)} items; '{name}' allows {bound} {want}", False
    if kind == "uniqueItems":
        return path, f"{value!r} repeats an item", False
    if kind in ("minLength", "maxLength"):
        if kind == "minLength":
            return path, f"'{name}' must not be empty", False
        return path, f"'{name}' is too long ({len(value)} characters; at most {want})", False
    return path, err.message, False


# ------------------------------------------------------------------ markdown
_UNKNOWN_TEX: Final = re.compile(r">(\\[A-Za-z]+)<")
_MATHML_NS: Final = ' xmlns="http://www.w3.org/1998/Math/MathML"'


def tex_to_mathml(tex: str, display: str = "inline") -> str:
    """TeX math as MathML, typeset at build time (browsers render MathML natively).

    Raises ``ValueError`` naming the problem (a syntax error, an unknown command).
    The MathML namespace URL is left out: HTML does not need it, and the site holds no
    off-site URL.
    """
    from latex2mathml.converter import convert

    try:
        out = convert(tex, display=display)
    except Exception as exc:  # latex2mathml raises its own error classes, some bare
        detail = str(exc) or type(exc).__name__
        raise ValueError(f"cannot typeset ${tex}$ ({detail}); check braces, ^ and _") from None
    unknown = _UNKNOWN_TEX.search(out)
    if unknown:
        raise ValueError(f"unknown TeX command {unknown.group(1)} in ${tex}$")
    return out.replace(_MATHML_NS, "", 1)


def _render_math(display: str) -> Any:
    def render(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
        tex = tokens[idx].content.strip()
        try:
            return tex_to_mathml(tex, display)
        except ValueError:  # reported by the checker (_Compiler.check_math)
            return f'<code class="math-error">{html.escape(tex)}</code>'

    return render


def _markdown() -> MarkdownIt:
    md = (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .use(front_matter_plugin)
        .use(colon_fence_plugin)
        .use(dollarmath_plugin)
        .enable(["table", "strikethrough"])
    )
    md.add_render_rule("colon_fence", _render_admonition)
    md.add_render_rule("math_inline", _render_math("inline"))
    md.add_render_rule("math_block", _render_math("block"))
    return md


def _render_admonition(self: Any, tokens: list[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    name, arg = _directive_name(token.info)
    lines = token.content.splitlines()
    while lines and _OPTION_RE.match(lines[0]):
        lines.pop(0)  # MyST options such as :class: are not used here
    title = arg or ("Note" if name == "admonition" else name.capitalize())
    body = _MD.render("\n".join(lines))
    cls = html.escape(name if name != "admonition" else "note")
    return (
        f'<div class="admonition {cls}">\n<p class="admonition-title">'
        f"{_MD.renderInline(title)}</p>\n{body}</div>\n"
    )


def _directive_name(info: str) -> tuple[str, str]:
    match = _INFO_RE.match(info.strip())
    if not match:
        return "", info.strip()
    return match.group(1).strip(), match.group(2).strip()


_MD: Final = _markdown()


# ------------------------------------------------------------------- reading
@dataclass
class _Loc:
    """Where the YAML of one section sits in the file, to turn field paths into lines."""

    node: yaml.Node | None
    first_line: int  # file line (1-based) of the YAML's first line
    head: int = 0  # the directive's ::: line (errors about the whole block point here)
    options: dict[str, int] = field(default_factory=dict)  # :option: -> file line
    ok: bool = True  # False after a YAML syntax error

    def line(self, path: Sequence[Any], *, key: bool = False) -> int:
        if path and path[0] in self.options:
            return self.options[path[0]]
        if (not path and self.head) or self.node is None:
            return self.head or self.first_line
        return self.first_line + (_node_line(self.node, path, key=key) or 0)


@dataclass
class _Reader:
    """Checks and compiles one lesson file; collects errors instead of stopping."""

    path: Path
    text: str
    errors: list[tuple[int, str]] = field(default_factory=list)

    def error(self, line: int, where: str, message: str) -> None:
        self.errors.append((line, f"{self.path.as_posix()}:{line}: {where}: {message}"))

    # ------------------------------------------------------------- helpers
    def load_yaml(self, text: str, first_line: int, where: str) -> tuple[Any, _Loc, bool]:
        """Parse YAML whose first line is file line ``first_line``; returns (data, loc, ok)."""
        try:
            data = yaml.safe_load(text) if text.strip() else None
            node = _compose(text) if text.strip() else None
        except yaml.YAMLError as exc:
            # an unclosed bracket or quote is reported where it starts (the context mark)
            context, context_mark = (
                getattr(exc, "context", None),
                getattr(exc, "context_mark", None),
            )
            mark = context_mark if context else getattr(exc, "problem_mark", None)
            line = first_line + (mark.line if mark else 0)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            detail = f"{problem} ({context} that starts on this line)" if context else problem
            self.error(line, where, f"YAML syntax error: {detail}")
            return None, _Loc(None, first_line), False
        loc = _Loc(node, first_line)
        for dup in _duplicate_keys(node):
            self.error(loc.line(dup, key=True), where, f"{_path_text(dup)} is given twice")
        return data, loc, True

    def validate(self, kind: str, data: Any, loc: _Loc, where: str) -> bool:
        """Schema-validate; report errors (those under ``check`` are left to parse_check)."""
        ok = True
        for err in sorted(_VALIDATORS[kind].iter_errors(data), key=lambda e: list(e.path)):
            path, message, key = _schema_message(err)
            if kind in ("task", "widget task") and path[:1] == ["check"]:
                continue
            text = message if key else f"{_path_text(path)} {message}"
            self.error(loc.line(path, key=key), where, text.strip())
            ok = False
        return ok

    def state(
        self,
        data: Mapping[str, Any],
        loc: _Loc,
        where: str,
        *,
        base: PlaygroundState | None = None,
        prefix: tuple[str, ...] = (),
    ) -> PlaygroundState | None:
        try:
            state, _ = PlaygroundState.from_dict(data, base=base, strict=True)
        except StateError as exc:
            parts = [*prefix, *_path_parts(exc.key)]
            self.error(loc.line(parts), where, f"{_path_text(parts)} {str(exc).partition(': ')[2]}")
            return None
        return state

    # ------------------------------------------------------------ sections
    def front_matter(self, tokens: list[Token]) -> dict[str, Any] | None:
        where = "front matter"
        if not tokens or tokens[0].type != "front_matter":
            self.error(1, where, "missing: a lesson starts with '---', YAML keys, '---'")
            return None
        data, loc, ok = self.load_yaml(tokens[0].content, 2, where)
        if not ok:
            return None
        if not isinstance(data, dict):
            self.error(2, where, f"must be a mapping of keys. Got {data!r}")
            return None
        if not self.validate("front matter", data, loc, where):
            return None
        expected = _ORDER_RE.sub("", self.path.stem)
        if data["id"] != expected:
            self.error(
                loc.line(["id"]),
                where,
                f"id {data['id']!r} does not match the file "
                f"name {self.path.name!r}; expected {expected!r}",
            )
        state = self.state(data.get("playground", {}), loc, where, prefix=("playground",))
        if state is None:
            return None
        data["_state"] = state
        return data

    def directive(self, token: Token) -> tuple[str, str, dict[str, Any], _Loc]:
        """Split a directive into (name, id, options merged into the body, location)."""
        name, arg = _directive_name(token.info)
        where = f"{name} {arg}".strip()
        head = _line_of(token)
        lines = token.content.splitlines()
        options: dict[str, Any] = {}
        option_lines: dict[str, int] = {}
        for i, text in enumerate(lines):
            match = _OPTION_RE.match(text)
            if not match:
                break
            key, raw = match.group(1), (match.group(2) or "").strip()
            try:
                value = yaml.safe_load(raw) if raw else ""
            except yaml.YAMLError:
                value = raw
            if key in options:
                self.error(head + 1 + i, where, f"option :{key}: is given twice")
            options[key], option_lines[key] = value, head + 1 + i
        body_line = head + 1 + len(options)
        data, loc, ok = self.load_yaml("\n".join(lines[len(option_lines) :]), body_line, where)
        loc.head, loc.options, loc.ok = head, option_lines, ok
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.error(body_line, where, f"the body must be YAML keys. Got {data!r}")
            data = {}
        for key, value in options.items():
            if key in data:
                self.error(
                    option_lines[key],
                    where,
                    f"{key} is given both as option :{key}: and in the body",
                )
            data[key] = value
        return name, arg, data, loc


def _line_of(token: Token) -> int:
    return token.map[0] + 1 if token.map else 1


@dataclass
class _Compiler:
    reader: _Reader
    page: dict[str, Any]
    blocks: list[dict[str, Any]] = field(default_factory=list)
    playgrounds: dict[str, PlaygroundState] = field(default_factory=dict)
    widgets: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    last_part: str | None = None
    tasks: dict[str, int] = field(default_factory=dict)
    pending: list[tuple[dict[str, Any], _Loc]] = field(default_factory=list)

    def run(self, tokens: list[Token]) -> None:
        prose: list[Token] = []
        prose_line = 0
        for token in tokens[1:]:
            fenced = token.type in ("colon_fence", "fence") and token.level == 0
            name = _directive_name(token.info)[0] if fenced else ""
            if token.type == "fence" and name in DIRECTIVES:
                self.reader.error(
                    _line_of(token),
                    name,
                    f"use a ::: colon fence, not ``` (write ':::{{{name}}} ID')",
                )
                continue
            if token.type == "colon_fence" and name and name not in ADMONITIONS:
                self.flush(prose, prose_line)
                prose = []
                self.directive(token)
                continue
            if not prose:
                prose_line = _line_of(token)
            prose.append(token)
        self.flush(prose, prose_line)
        for block, loc in self.pending:
            self.finish_task(block, loc)

    def check_math(self, tokens: list[Token]) -> None:
        """Report every formula that cannot be typeset, with its line."""
        for token in tokens:
            formulas = [token] if token.type == "math_block" else []
            formulas += [c for c in token.children or [] if c.type == "math_inline"]
            for formula in formulas:
                try:
                    tex_to_mathml(formula.content.strip())
                except ValueError as exc:
                    self.reader.error(_line_of(token), "math", str(exc))

    def flush(self, tokens: list[Token], line: int) -> None:
        if tokens:
            self.check_math(tokens)
            html_text = _MD.renderer.render(tokens, _MD.options, {})
            if html_text.strip():
                self.blocks.append({"type": "prose", "line": line, "html": html_text})

    def directive(self, token: Token) -> None:
        reader = self.reader
        name, arg, data, loc = reader.directive(token)
        line = loc.head
        if name not in DIRECTIVES:
            allowed = [*DIRECTIVES, *ADMONITIONS]
            reader.error(
                line,
                f"{{{name}}}",
                f"{name!r} is not a directive; allowed: {allowed}{_suggest(name, allowed)}",
            )
            return
        where = f"{name} {arg}".strip()
        if not arg:
            reader.error(line, name, f"needs an id: ':::{{{name}}} my-id'")
            return
        if not ID_RE.match(arg) or len(arg) > MAX_ID_LENGTH:
            reader.error(
                line,
                where,
                f"id {arg!r} is not allowed; use lowercase letters and digits, words joined by '-'",
            )
            return
        if name != "task" and (arg in self.playgrounds or arg in self.widgets):
            used = "playground" if arg in self.playgrounds else self.widgets[arg][0]
            text = (
                f"{used} {arg!r} is defined twice"
                if used == name
                else f"id {arg!r} is already used by the {used} above; give each part its own id"
            )
            reader.error(line, where, text)
            return
        if name == "playground":
            self.playground(arg, data, loc, where)
        elif name in KINDS:
            self.widget(KINDS[name], arg, data, loc, where)
        else:
            self.task(arg, data, loc, where)

    def playground(self, pid: str, data: dict[str, Any], loc: _Loc, where: str) -> None:
        reader = self.reader
        self.playgrounds[pid] = self.page["_state"]  # keeps tasks' references resolvable
        self.last_part = pid
        if not loc.ok or not reader.validate("playground", data, loc, where):
            return
        options = {k: data.pop(k) for k in ("height", "caption") if k in data}
        state = reader.state(data, loc, where, base=self.page["_state"])
        if state is None:
            return
        self.playgrounds[pid] = state
        self.blocks.append(
            {
                "type": "playground",
                "id": pid,
                "line": loc.head,
                "state": state.to_dict(),
                "overrides": state_overrides(state, self.page["_state"]),
                "height": options.get("height"),
                "caption": options.get("caption", ""),
            }
        )

    def widget(
        self, kind: WidgetKind, wid: str, data: dict[str, Any], loc: _Loc, where: str
    ) -> None:
        reader = self.reader
        self.widgets[wid] = (kind.name, kind.defaults())  # keeps tasks' references resolvable
        self.last_part = wid
        if not loc.ok or not reader.validate(kind.name, data, loc, where):
            return
        options = {k: data.pop(k) for k in _BLOCK_OPTIONS if k in data}
        try:
            state = kind.state(data)
        except SpecError as exc:
            parts = _path_parts(exc.path)
            reader.error(loc.line(parts), where, f"{_path_text(parts)} {exc.detail}")
            return
        self.widgets[wid] = (kind.name, state)
        self.blocks.append(
            {
                "type": "widget",
                "kind": kind.name,
                "id": wid,
                "line": loc.head,
                "state": state,
                "overrides": dict(data),
                "height": options.get("height"),
                "caption": options.get("caption", ""),
            }
        )

    def task(self, tid: str, data: dict[str, Any], loc: _Loc, where: str) -> None:
        reader = self.reader
        if tid in self.tasks:
            reader.error(
                loc.head, where, f"task {tid!r} is defined twice (first at line {self.tasks[tid]})"
            )
            return
        self.tasks[tid] = loc.head
        target = data.get("playground", self.last_part)
        schema = "widget task" if target in self.widgets else "task"
        if not loc.ok or not reader.validate(schema, data, loc, where):
            return
        if "playground" not in data:
            if self.last_part is None:
                reader.error(
                    loc.head,
                    where,
                    "no :::{playground} (or other live part) above it; add one or name it "
                    "with ':playground: ID'",
                )
                return
            data["playground"] = self.last_part
        block = {"type": "task", "id": tid, "line": loc.head, **data}
        self.blocks.append(block)
        self.pending.append((block, loc))  # references are resolved once all are known

    def finish_task(self, block: dict[str, Any], loc: _Loc) -> None:
        reader = self.reader
        where = f"task {block['id']}"
        pid = block["playground"]
        if pid in self.widgets:
            kind, base = self.widgets[pid]
        elif pid in self.playgrounds:
            kind, base = PLAYGROUND, self.playgrounds[pid]
        else:
            known = [*self.playgrounds, *self.widgets]
            reader.error(
                loc.line(["playground"]),
                where,
                f"playground {pid!r} is not defined{_suggest(pid, known)} "
                f"(live parts in this lesson: {known})",
            )
            return
        try:
            check = parse_check(block["check"], kind=kind)
        except LessonError as exc:
            reader.error(loc.line(_path_parts(exc.path)), where, f"{exc.path} {exc.detail}")
            return
        solution = overrides = None
        if "solution" in block:
            resolved = self.solution(kind, base, block["solution"], loc, where)
            if resolved is None:
                return
            values, solution, overrides = resolved
            for item in check.items if check.mode == "all" else ():
                if (
                    isinstance(item, Condition)
                    and item.source == "state"
                    and not item.holds({}, values)
                ):
                    reader.error(
                        loc.line(["solution"]),
                        where,
                        f"solution does not meet the check's condition '{item.describe()}'",
                    )
        if _already_met(check, base):
            start = (
                "playground's initial state" if kind == PLAYGROUND else f"{kind}'s initial settings"
            )
            reader.error(
                loc.line(["check"]),
                where,
                f"check is already met by the {start}; add a condition the learner must work for",
            )
        hints = block.get("hints", [])
        compiled = {
            "type": "task",
            "id": block["id"],
            "line": block["line"],
            "playground": pid,
            **({} if kind == PLAYGROUND else {"kind": kind}),
            "title": block["title"],
            "title_html": _MD.renderInline(block["title"]),
            "text_html": _MD.render(block.get("text", "")),
            "check": block["check"],
            "hints": hints,
            "hints_html": [_MD.renderInline(h) for h in hints],
            "solution": solution,
            "solution_overrides": overrides,
        }
        block.clear()  # the same dict is already in place in the block list
        block.update(compiled)

    def solution(
        self, kind: str, base: Any, data: Any, loc: _Loc, where: str
    ) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
        """A task's ``solution:`` over its live part's initial state: (check values, full
        state, overrides), or ``None`` after reporting an error."""
        if kind == PLAYGROUND:
            state = self.reader.state(data, loc, where, base=base, prefix=("solution",))
            if state is None:
                return None
            return state_values(state), state.to_dict(), state_overrides(state, base)
        try:
            full = KINDS[kind].state(data, "solution", base)
        except SpecError as exc:
            parts = _path_parts(exc.path)
            self.reader.error(loc.line(parts), where, f"{_path_text(parts)} {exc.detail}")
            return None
        return full, full, {k: v for k, v in full.items() if base.get(k) != v}


def _already_met(check: Any, state: PlaygroundState | Mapping[str, Any]) -> bool:
    values = state_values(state) if isinstance(state, PlaygroundState) else dict(state)

    def holds(node: Any) -> bool:
        if isinstance(node, Condition):
            return node.source == "state" and node.holds({}, values)
        results = [holds(item) for item in node.items]
        return all(results) if node.mode == "all" else any(results)

    return holds(check)


def _read(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path.as_posix()}:1: file: cannot be read ({exc})"]
    reader = _Reader(path, text)
    tokens = _MD.parse(text)
    page = reader.front_matter(tokens)
    if page is None:
        return None, [m for _, m in sorted(reader.errors, key=lambda e: e[0])]
    compiler = _Compiler(reader, page)
    compiler.run(tokens)
    errors = [m for _, m in sorted(reader.errors, key=lambda e: e[0])]
    if errors:
        return None, errors
    state: PlaygroundState = page.pop("_state")
    compiled = {
        "format": COMPILED_FORMAT,
        "schema": page["schema"],
        "id": page["id"],
        "title": page["title"],
        "summary": page["summary"],
        "level": page["level"],
        "minutes": page["minutes"],
        "runtime": page["runtime"],
        "authors": page.get("authors", []),
        "source": path.as_posix(),
        "state": state.to_dict(),
        "blocks": compiler.blocks,
    }
    return compiled, []


# ----------------------------------------------------------------------- API
def lesson_files(paths: Iterable[str | Path]) -> list[Path]:
    """The lesson files named by ``paths``: files as given, directories' ``*.md`` sorted.

    In a directory, ``README.md`` and files starting with ``_`` are skipped.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += sorted(
                p for p in path.glob("*.md") if p.name != "README.md" and not p.name.startswith("_")
            )
        else:
            out.append(path)
    return out


def check_paths(paths: Iterable[str | Path]) -> list[str]:
    """Validate lesson files and directories; return every error as ``file:line: ...``.

    An empty list means all are valid.  Two lessons with the same id are an error.
    """
    errors: list[str] = []
    seen: dict[str, str] = {}
    files = lesson_files(paths)
    for path in files:
        if not path.exists():
            errors.append(f"{path.as_posix()}:1: file: does not exist")
            continue
        compiled, problems = _read(path)
        errors += problems
        if compiled is not None:
            if compiled["id"] in seen:
                errors.append(
                    f"{path.as_posix()}:1: front matter: id {compiled['id']!r} is "
                    f"also used by {seen[compiled['id']]}"
                )
            seen[compiled["id"]] = path.as_posix()
    return errors


def compile_lesson(path: str | Path) -> dict[str, Any]:
    """Validate one lesson file and return its compiled JSON-ready dict.

    Raises :class:`LessonCheckError` (with ``.errors``) when the file is not valid.
    The result loads with :func:`pyplayground.lessons.Lesson.from_dict`.
    """
    compiled, errors = _read(Path(path))
    if compiled is None:
        raise LessonCheckError(errors)
    return compiled


def index_entry(compiled: Mapping[str, Any]) -> dict[str, Any]:
    """The lesson list's entry for a compiled lesson (what the site's index shows)."""
    return {
        "id": compiled["id"],
        "title": compiled["title"],
        "summary": compiled["summary"],
        "level": compiled["level"],
        "minutes": compiled["minutes"],
        "runtime": compiled["runtime"],
        "n_tasks": sum(1 for b in compiled["blocks"] if b["type"] == "task"),
    }


def new_lesson(lesson_id: str, title: str | None = None) -> str:
    """A commented lesson template for ``lesson_id`` that passes :func:`check_paths`."""
    if not ID_RE.match(lesson_id) or len(lesson_id) > MAX_ID_LENGTH:
        raise ValueError(
            "The 'lesson_id' parameter must be lowercase letters and digits, words joined by "
            f"'-' (at most {MAX_ID_LENGTH} characters). Got {lesson_id!r}."
        )
    title = title or lesson_id.replace("-", " ").capitalize()
    page = PlaygroundState().replace(
        dataset="gauss", network_shape=(2,), hidden=frozenset({"problem", "uploadCsv"})
    )
    state_lines = "\n".join(state_yaml(state_overrides(page), "  "))
    return _TEMPLATE.format(
        schema=SCHEMA_VERSION,
        id=lesson_id,
        id_line=f"id: {lesson_id}".ljust(29),
        title=title,
        state=state_lines,
        levels=" | ".join(LEVELS),
        runtimes=" | ".join(RUNTIMES),
    )


_TEMPLATE: Final = """\
---
# Lesson file: check it with `pyplayground lesson check`, see docs/authoring-lessons.md.
# The schema for editors is lessons/schema.json.
schema: {schema}
{id_line}# must match the file name (without the NN- prefix)
title: {title}
summary: One sentence shown in the lesson list.
level: beginner              # {levels}
minutes: 10
runtime: browser             # {runtimes}
playground:                  # the page's initial state: playground URL keys
{state}
---

# {title}

Write what the learner should notice, in plain Markdown. Math like $w_1 x_1 + b$
and admonitions (`:::{{note}}`, `:::{{tip}}`, `:::{{warning}}`) work too.

:::{{playground}} main
:height: 480
# state overrides for this playground (same keys as the front matter's playground)
learningRate: 0.1
:::

:::{{tip}}
Press the play button and watch the loss curve.
:::

:::{{task}} train-it
:playground: main
:title: Train the network until the test loss is below 0.05
check:
  all:
    - {{metric: test_loss, op: "<", value: 0.05}}
    - {{metric: epoch, op: ">=", value: 10}}
hints:
  - Press the play button and wait a few seconds.
  - Still stuck? Try a larger learning rate.
solution:                    # "show me": loaded over the playground's state
  learningRate: 0.3
:::
"""


__all__ = [
    "ADMONITIONS",
    "DIRECTIVES",
    "LessonCheckError",
    "build_schema",
    "check_paths",
    "compile_lesson",
    "index_entry",
    "lesson_files",
    "new_lesson",
    "reference_markdown",
    "update_reference",
]
