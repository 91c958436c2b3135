"""The landing page: links to every app page and the list of lessons (build time only)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from . import SiteBuildError


@dataclasses.dataclass(frozen=True)
class AppLink:
    name: str
    title: str
    description: str
    href: str


@dataclasses.dataclass(frozen=True)
class LessonInfo:
    slug: str
    title: str
    summary: str = ""
    level: str = ""
    minutes: int | None = None
    href: str = ""


def app_link(entry: Path) -> AppLink:
    """Title and description of an entry script, from its module docstring."""
    doc = ast.get_docstring(ast.parse(entry.read_text(encoding="utf-8"))) or ""
    lines = [ln.strip() for ln in doc.strip().splitlines()]
    title = lines[0].rstrip(".") if lines else entry.stem.replace("_", " ").title()
    description = " ".join(ln for ln in lines[1:] if ln)
    return AppLink(entry.stem, title, description, f"./{entry.stem}.html")


def front_matter(text: str, source: str) -> dict:
    """The YAML front matter (between leading ``---`` lines) of a Markdown lesson."""
    import yaml

    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise SiteBuildError(f"{source}: a lesson must start with YAML front matter (---)")
    try:
        end = next(i for i, ln in enumerate(lines[1:], 1) if ln.strip() in ("---", "..."))
    except StopIteration:
        raise SiteBuildError(f"{source}: the front matter has no closing '---' line") from None
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as e:
        raise SiteBuildError(f"{source}: invalid YAML front matter: {e}") from e
    if not isinstance(data, dict):
        raise SiteBuildError(f"{source}: the front matter must be a mapping")
    return data


def lesson_info(path: Path, lesson_page: str | None) -> LessonInfo:
    """Read only id/title/summary/level/minutes from a lesson's front matter."""
    data = front_matter(path.read_text(encoding="utf-8"), str(path))
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise SiteBuildError(f"{path}: the front matter needs a non-empty 'title'")
    minutes = data.get("minutes")
    if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)):
        raise SiteBuildError(f"{path}: 'minutes' must be a whole number, not {minutes!r}")
    slug = str(data.get("id") or path.stem)
    href = f"./{lesson_page}.html?lesson={slug}" if lesson_page else ""
    return LessonInfo(
        slug=slug,
        title=title.strip(),
        summary=str(data.get("summary") or "").strip(),
        level=str(data.get("level") or "").strip(),
        minutes=minutes,
        href=href,
    )


def lessons_in(folder: Path, lesson_page: str | None = None) -> list[LessonInfo]:
    """Every ``*.md`` lesson in ``folder`` (sorted by file name); [] if there is none."""
    if not folder.is_dir():
        return []
    return [
        lesson_info(p, lesson_page)
        for p in sorted(folder.glob("*.md"))
        if not p.name.lower().startswith("readme")
    ]


def render_index(template: Path, **context) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template.parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template(template.name).render(**context)
