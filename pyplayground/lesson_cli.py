"""``pyplayground lesson check|new|sync|compile``: lesson tooling for instructors.

Wire it into the main CLI with :func:`add_lesson_parser`, or run it alone with
``python -m pyplayground.lesson_cli check lessons/``.  Build-time modules
(markdown-it, jsonschema, PyYAML) are imported inside the commands only.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

DEFAULT_DIR = "lessons"
DEFAULT_SCHEMA = "lessons/schema.json"
DEFAULT_DOC = "docs/authoring-lessons.md"


def add_lesson_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``lesson`` command (with its subcommands) to a CLI's subparsers.

    The parser's default ``func`` is :func:`run`, called with the parsed namespace.
    """
    parser = subparsers.add_parser(
        "lesson",
        help="check, create and compile lesson files",
        description="Tools for lesson files (lessons/<id>.md); see docs/authoring-lessons.md.",
    )
    sub = parser.add_subparsers(dest="lesson_command", required=True, metavar="COMMAND")

    check = sub.add_parser("check", help="validate lessons; exit 0 only when all are valid")
    check.add_argument("paths", nargs="*", default=[DEFAULT_DIR], help="files or directories")

    new = sub.add_parser("new", help="write a commented lesson template that passes check")
    new.add_argument("id", help="lesson id: lowercase words joined by '-', e.g. 'activations'")
    new.add_argument("--dir", default=DEFAULT_DIR, help="where to write it (default: lessons)")
    new.add_argument("--title", help="lesson title (default: from the id)")
    new.add_argument("--force", action="store_true", help="overwrite an existing file")

    sync = sub.add_parser(
        "sync", help="regenerate lessons/schema.json and the reference tables of the guide"
    )
    sync.add_argument("--schema", default=DEFAULT_SCHEMA)
    sync.add_argument("--doc", default=DEFAULT_DOC)
    sync.add_argument("--check", action="store_true", help="only report whether they are stale")

    comp = sub.add_parser("compile", help="print a lesson's compiled JSON (what the site loads)")
    comp.add_argument("path")
    comp.add_argument("-o", "--output", help="write to a file instead of stdout")

    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run a parsed ``lesson`` command; returns the exit status."""
    command = args.lesson_command
    if command == "check":
        return _check(args.paths)
    if command == "new":
        return _new(args.id, Path(args.dir), args.title, args.force)
    if command == "sync":
        return _sync(Path(args.schema), Path(args.doc), args.check)
    return _compile(args.path, args.output)


def _check(paths: list[str]) -> int:
    from pyplayground.sitegen.lessons import check_paths, lesson_files

    files = lesson_files(paths)
    if not files:
        print(f"error: no lesson files found in {paths}", file=sys.stderr)
        return 1
    errors = check_paths(paths)
    for line in errors:
        print(line, file=sys.stderr)
    if errors:
        print(f"{len(errors)} problem(s) in {len(files)} lesson file(s)", file=sys.stderr)
        return 1
    print(f"{len(files)} lesson file(s) OK")
    return 0


def _new(lesson_id: str, folder: Path, title: str | None, force: bool) -> int:
    from pyplayground.sitegen.lessons import new_lesson

    try:
        text = new_lesson(lesson_id, title)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    existing = sorted(folder.glob(f"*{lesson_id}.md")) if folder.is_dir() else []
    same = [p for p in existing if re.sub(r"^\d+-", "", p.stem) == lesson_id]
    if same and not force:
        print(f"error: {same[0]} already exists (use --force to overwrite)", file=sys.stderr)
        return 1
    if same:
        path = same[0]
    else:
        numbers = [
            int(m.group(1)) for p in folder.glob("*.md") if (m := re.match(r"^(\d+)-", p.name))
        ]
        path = folder / (f"{max(numbers) + 1:02d}-{lesson_id}.md" if numbers else f"{lesson_id}.md")
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    print(f"next: edit it, run `pyplayground lesson check {path}`, then `python build.py`")
    return 0


def _sync(schema_path: Path, doc_path: Path, check_only: bool) -> int:
    from pyplayground.sitegen.lessons import build_schema, update_reference

    schema_text = json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"
    targets = [(schema_path, schema_text)]
    if doc_path.exists():
        targets.append((doc_path, update_reference(doc_path.read_text(encoding="utf-8"))))
    stale = [p for p, text in targets if not p.exists() or p.read_text(encoding="utf-8") != text]
    if check_only:
        for path in stale:
            print(f"{path} is out of date; run `pyplayground lesson sync`", file=sys.stderr)
        return 1 if stale else 0
    for path, text in targets:
        if path in stale:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if not stale:
        print("already up to date")
    return 0


def _compile(path: str, output: str | None) -> int:
    from pyplayground.sitegen.lessons import LessonCheckError, compile_lesson

    try:
        compiled = compile_lesson(path)
    except LessonCheckError as exc:
        for line in exc.errors:
            print(line, file=sys.stderr)
        return 1
    text = json.dumps(compiled, indent=1, ensure_ascii=False) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
        print(f"wrote {output}")
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``lesson`` subcommands on their own: ``main(["check", "lessons"])``."""
    parser = argparse.ArgumentParser(prog="pyplayground")
    add_lesson_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["lesson", *(sys.argv[1:] if argv is None else argv)])
    return run(args)


if __name__ == "__main__":
    raise SystemExit(main())
