"""Check a built site: no URL points off-site, every local reference resolves.

Every text file of the site is scanned for ``http://`` and ``https://`` URLs. Allowed are
only

* XML namespace names (``xmlns="..."`` attributes, and the W3C namespaces that scripts
  pass to ``createElementNS``): identifiers, never fetched;
* in the vendor files the site serves unchanged (BokehJS, Panel's JS, Pyodide's loader),
  the URLs listed in :data:`VENDOR_URLS`, each reviewed and labelled. ``"text"`` marks a
  licence or documentation link inside a comment or an error message. ``"unused: ..."``
  marks a feature that would download from a CDN and that no page of this site uses; the
  browser tests block and fail on every request that leaves 127.0.0.1, so a page that
  starts using one fails its test.

Anything else, and any URL at all in a file the build writes itself (pages, workers,
landing page, service worker, static files), fails the build.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from . import SiteBuildError

TEXT_SUFFIXES = {
    ".html",
    ".htm",
    ".js",
    ".mjs",
    ".cjs",
    ".css",
    ".json",
    ".map",
    ".svg",
    ".txt",
    ".md",
    ".webmanifest",
    ".xml",
    ".py",
    ".csv",
    ".ts",
}
URL_RE = re.compile(r"https?://[^\s\"'<>()`\\]+")
XMLNS_RE = re.compile(r"""xmlns(?::[\w.-]+)?\s*=\s*["'](https?://[^"']+)["']""")
NAMESPACE_URIS = frozenset(
    {
        "http://www.w3.org/2000/svg",
        "http://www.w3.org/1999/xhtml",
        "http://www.w3.org/1999/xlink",
        "http://www.w3.org/1998/Math/MathML",
        "http://www.w3.org/XML/1998/namespace",
        "http://www.w3.org/2000/xmlns/",
    }
)

_BOKEH = "bokeh/release/bokeh-3.9.2.min.js"
_TEXT = "text"
_TABLER = "unused: TablerIcon (named icons on widgets) loads its web font from a CDN"
_MATHJAX = "unused: LaTeX in Bokeh text without bokeh-mathjax loads MathJax from a CDN"
_GMAP = "unused: GMapPlot loads the Google Maps API"
_SLICKGRID = "unused: SlickGrid's remote-model example code, never called by Bokeh"
_INDEX_URL = "unused: default indexURL; worker_boot.js always passes a local indexURL"
VENDOR_URLS: dict[str, dict[str, str]] = {
    _BOKEH: {
        "http://jquery.org/license": _TEXT,
        "http://www.foretagsplatsen.se": _TEXT,
        "https://bokeh.org/": _TEXT,
        "https://github.com/tabler/tabler-icons/blob/master/LICENSE": _TEXT,
        "https://tabler.io": _TEXT,
        "https://docs.bokeh.org/en/latest/docs/user_guide/interaction/tools.html": _TEXT,
        "https://developers.google.com/maps/documentation/javascript/get-api-key": _TEXT,
        "https://cdn.jsdelivr.net/npm/@tabler/icons-webfont@latest": _TABLER,
        "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-svg.js": _MATHJAX,
        "https://maps.googleapis.com/maps/api/js?v=${s": _GMAP,
    },
    "bokeh/release/bokeh-gl-3.9.2.min.js": {
        "http://get.webgl.org": _TEXT,
        "https://www.npmjs.com/package/glsl-read-float": _TEXT,
    },
    "bokeh/release/bokeh-tables-3.9.2.min.js": {
        "http://github.com/mleibman/slickgrid": _TEXT,
        "http://threedubmedia.com": _TEXT,
        "http://threedubmedia.com/code/license": _TEXT,
        "https://jquery.com/": _TEXT,
        "https://jquery.org/license": _TEXT,
        "http://octopart.com/api/v3/parts/search?apikey=68b25f31&include[]=short_description"
        "&show[]=uid&show[]=manufacturer&show[]=mpn&show[]=brand&show[]=octopart_url"
        "&show[]=short_description&q=": _SLICKGRID,
    },
    "bokeh/release/bokeh-widgets-3.9.2.min.js": {
        "http://fusejs.io": _TEXT,
        "http://kiro.me": _TEXT,
        "http://www.apache.org/licenses/LICENSE-2.0": _TEXT,
        "https://github.com/jshjohnson/Choices#readme": _TEXT,
        "https://github.com/markedjs/marked": _TEXT,
        "https://github.com/markedjs/marked.": _TEXT,
        "https://redux.js.org/Errors?code=": _TEXT,
    },
    "panelcdn/1.9.4/dist/panel.min.js": {
        "http://foo.com": "text: dummy base of a URL parser, never fetched",
        "http://foo.com/": "text: dummy base of a URL parser, never fetched",
        "http://panel.pyviz.org": "unused: Tabulator's remote pagination placeholder",
        "https://github.com/uber/deck.gl/": _TEXT,
    },
    "panelcdn/1.9.4/dist/bundled/reactiveesm/es-module-shims@^1.10.0/dist/es-module-shims.min.js": {
        "https://www.jsdelivr.com/using-sri-with-dynamic-files": _TEXT,
    },
    "pyodide/pyodide.js": {
        "https://cdn.jsdelivr.net/pyodide/v${d.version}/full/": _INDEX_URL,
    },
}


def _is_text(path: Path, data: bytes) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES or b"\0" not in data[:8192]


def urls_in(text: str) -> list[str]:
    """The http(s) URLs in ``text`` that are not XML namespace names."""
    namespaces = set(XMLNS_RE.findall(text))
    return [u for u in URL_RE.findall(text) if u not in namespaces and u not in NAMESPACE_URIS]


def offsite_urls(site: Path) -> list[tuple[str, str]]:
    """``(file, url)`` for every URL in a text file of ``site`` that is not allowed."""
    found = []
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if not _is_text(path, data):
            continue  # wasm, zip, gzip, images
        rel = path.relative_to(site).as_posix()
        allowed = VENDOR_URLS.get(rel, {})
        found += [(rel, u) for u in urls_in(data.decode("utf-8", "replace")) if u not in allowed]
    return found


def local_references(html: str) -> list[str]:
    """Site-relative paths a page loads through ``src=`` / ``href=`` attributes."""
    refs = re.findall(r"""(?:src|href)\s*=\s*["']\./([^"'?#]+)""", html)
    return [urllib.parse.unquote(r) for r in refs]


def check_site(site: Path, pages: list[str]) -> None:
    """Fail if a URL points off-site or a page references a file the site lacks."""
    found = offsite_urls(site)
    if found:
        by_file: dict[str, list[str]] = {}
        for f, u in found:
            by_file.setdefault(f, []).append(u)
        lines = []
        for f, us in sorted(by_file.items())[:40]:
            shown = sorted(set(us))
            more = f" (+{len(shown) - 5} more)" if len(shown) > 5 else ""
            lines.append(f"  {f}: {', '.join(shown[:5])}{more}")
        raise SiteBuildError(
            f"{len(found)} URL(s) in the built site point off-site; the site must serve "
            "everything itself:\n"
            + "\n".join(lines)
            + ("\n  ..." if len(by_file) > 40 else "")
            + "\nMake them local (sitegen/convert.py), leave the file out of the site, or, "
            "for a vendor file whose URL is never fetched, review it and add it to "
            "VENDOR_URLS in sitegen/urls.py."
        )
    missing = []
    for page in ["index", *pages]:
        html = (site / f"{page}.html").read_text(encoding="utf-8")
        missing += [
            f"{page}.html -> {ref}" for ref in local_references(html) if not (site / ref).is_file()
        ]
    if missing:
        raise SiteBuildError(
            "pages reference files that are not in the site:\n  " + "\n  ".join(missing)
        )
