"""The landing page (apps and lessons) and the lesson pages (build time only)."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import shutil
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


# ------------------------------------------------------------------ lesson pages
# One page per lesson, lesson-<id>.html: the converted web/lesson.py page (its head, and
# panel's page script that talks to the worker) with the lesson's prose as static HTML
# and one empty root element per live part (pyplayground/ui/lesson/contract.py). The
# worker, lesson.js?lesson=<id>, loads lessons/<id>.json and hydrates the roots.

# Lesson files publish their JSON Schema; its "$schema" names the dialect by URL (an
# identifier editors read, never fetched), the only URL the site's lesson files may hold.
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ROOT_DIV = re.compile(r'<div id="[^"]*" data-root-id="[^"]*" style="display: contents;"></div>\s*')
_DOCS_JSON = re.compile(r'<script type="application/json" id="[^"]+">.*?</script>\s*', re.S)
_EMBED = re.compile(
    r"<script>\s*\(function\(\) \{\s*const fn = function\(\) \{.*?embed_items.*?</script>\s*",
    re.S,
)
_TITLE = re.compile(r"<title>[^<]*</title>")


@dataclasses.dataclass(frozen=True)
class LessonPage:
    compiled: dict
    source: Path

    @property
    def id(self) -> str:
        return self.compiled["id"]

    @property
    def name(self) -> str:
        from pyplayground.ui.lesson.contract import page_name

        return page_name(self.id)


def compile_site_lessons(folder: Path) -> list[LessonPage]:
    """Check and compile every lesson in ``folder`` (sorted by file name).

    A lesson with any error, two lessons with one id, or a lesson that links off-site
    (the site serves every file itself) fails the build, naming each problem.
    """
    from .lessons import check_paths, compile_lesson, lesson_files
    from .urls import urls_in

    if not folder.is_dir():
        return []
    files = lesson_files([folder])
    errors = check_paths(files)
    if errors:
        raise SiteBuildError(
            "lessons with errors cannot be published:\n  " + "\n  ".join(errors)
            + "\nRun `pyplayground lesson check lessons` while you fix them."
        )  # fmt: skip
    out = []
    for path in files:
        compiled = compile_lesson(path)
        compiled["source"] = f"{folder.name}/{path.name}"
        urls = sorted(set(urls_in(json.dumps(compiled, ensure_ascii=False))))
        if urls:
            raise SiteBuildError(
                f"{folder.name}/{path.name} links off-site: {', '.join(urls)}. The site serves "
                "every file itself and holds no off-site URL; drop the link or name the page "
                "in words."
            )
        out.append(LessonPage(compiled, path))
    return out


def render_lesson_page(converted: str, lesson: LessonPage, template: Path, entry: str) -> str:
    """The page of ``lesson``: the converted ``entry`` page with the lesson's body."""
    import jinja2
    from markupsafe import Markup

    from pyplayground.lessons import Lesson
    from pyplayground.ui.lesson import contract

    from .convert import ConvertError

    keys = contract.root_keys(Lesson.from_dict(lesson.compiled))
    index = {key: i for i, key in enumerate(keys)}
    blocks, number = [], 0
    for raw in lesson.compiled["blocks"]:
        block = dict(raw)
        if block["type"] in ("playground", "widget", "task"):
            key = f"{block['type']}:{block['id']}"
            block["root_id"] = contract.root_id(index[key])
            block["element_id"] = contract.element_id(key)
            if block["type"] == "widget" and not block.get("height"):
                from pyplayground.widgets import get_kind

                block["height"] = get_kind(block["kind"]).default_height
            if block["type"] == "task":
                number += 1
                block["number"] = number
        blocks.append(block)

    def root(part: dict) -> Markup:
        rid = part["root_id"]
        return Markup(f'<div id="{rid}" data-root-id="{rid}" style="display: contents;">')

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template.parent),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    body = env.get_template(template.name).render(
        lesson=lesson.compiled,
        blocks=blocks,
        n_tasks=number,
        progress={"root_id": contract.root_id(index[contract.PROGRESS_ROOT])},
        root=root,
        storage_key=contract.storage_key(lesson.id),
        load_model=contract.LOAD_MODEL,
    )
    where = f"{lesson.name}.html (from {entry}.html)"
    html, n = _ROOT_DIV.subn("", converted)
    if n < 1:
        raise ConvertError(f"rewriting {where}: no root element (data-root-id) found")
    html = _replace_once(html, _DOCS_JSON, "", "pre-rendered document (application/json)", where)
    html = _replace_once(html, _EMBED, "", "embed script of the pre-rendered document", where)
    worker = f"./{entry}.js?{contract.QUERY_KEY}={lesson.id}"
    for call in ("pgStartWorker", "pgWorker"):
        html = _replace_once(
            html, f'{call}("./{entry}.js")', f'{call}("{worker}")', f"{call} call", where
        )
    title = Markup("<title>{}</title>").format(lesson.compiled["title"])
    html = _replace_once(html, _TITLE, title, "<title>", where)
    css = '<link rel="stylesheet" href="./static/loading.css" type="text/css">'
    html = _replace_once(
        html, css, f'{css}\n<link rel="stylesheet" href="./static/lesson.css" type="text/css">',
        "loading.css link", where,
    )  # fmt: skip
    body_tag = re.search(r'<body class="([^"]*)">', html)
    if body_tag is None:
        raise ConvertError(f"rewriting {where}: no <body class=...> tag found")
    html = _replace_once(
        html, body_tag.group(0), f'<body class="{body_tag.group(1)} pg-lesson-body">\n{body}',
        "<body> tag", where,
    )  # fmt: skip
    return _replace_once(
        html, "</body>", '<script src="./static/lesson.js"></script>\n</body>', "</body>", where
    )


def _replace_once(text: str, pattern: str | re.Pattern, repl: str, what: str, where: str) -> str:
    from .convert import ConvertError

    if isinstance(pattern, re.Pattern):
        new, n = pattern.subn(lambda _m: repl, text)
    else:
        n, new = text.count(pattern), text.replace(pattern, repl)
    if n != 1:
        raise ConvertError(
            f"rewriting {where}: expected the {what} exactly once, found it {n} times. The "
            "converted page changed (is panel still pinned to 1.9.4?); update the patterns of "
            "the lesson pages in pyplayground/sitegen/pages.py."
        )
    return new


def write_lesson_pages(site: Path, root: Path, converted: str, entry: str) -> list[LessonInfo]:
    """Write every lesson's page, ``lessons/<id>.json``, ``lessons/index.json`` and
    ``lessons/schema.json``; return the landing page's list, each linked to its page."""
    from .lessons import index_entry

    lessons = compile_site_lessons(root / "lessons")
    folder = site / "lessons"
    folder.mkdir()
    template = root / "web" / "templates" / "lesson.html.j2"
    links = []
    for lesson in lessons:
        data = json.dumps(lesson.compiled, ensure_ascii=False, separators=(",", ":"))
        (folder / f"{lesson.id}.json").write_text(data, encoding="utf-8")
        html = render_lesson_page(converted, lesson, template, entry)
        (site / f"{lesson.name}.html").write_text(html, encoding="utf-8")
        c = lesson.compiled
        links.append(
            LessonInfo(
                slug=lesson.id,
                title=c["title"],
                summary=c["summary"],
                level=c["level"],
                minutes=c["minutes"],
                href=f"./{lesson.name}.html",
            )
        )
    index = [{**index_entry(c.compiled), "page": f"{c.name}.html"} for c in lessons]
    (folder / "index.json").write_text(json.dumps(index, indent=1, ensure_ascii=False))
    schema = root / "lessons" / "schema.json"
    if schema.is_file():
        shutil.copyfile(schema, folder / "schema.json")
    return links
