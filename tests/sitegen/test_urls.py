"""The site check: no URL may point off-site; every page reference must resolve."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyplayground.sitegen import SiteBuildError
from pyplayground.sitegen.urls import VENDOR_URLS, check_site, offsite_urls, urls_in


def test_namespace_uris_are_not_links() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:cc="http://creativecommons.org/ns#">'
        '<a href="https://example.org/x">x</a></svg>'
    )
    assert urls_in(svg) == ["https://example.org/x"]
    js = 'document.createElementNS("http://www.w3.org/2000/svg", "g")'
    assert urls_in(js) == []


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, body in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body)
    return root


def test_offsite_urls_in_any_text_file_are_found(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": '<script src="https://cdn.example.com/x.js"></script>',
            "static/site.css": "body { background: url(http://img.example.com/a.png) }",
            "data.json": '{"u": "https://api.example.com/v1"}',
            "pyodide/pyodide.asm.wasm": b"\0asm https://not-text.example.com",
        },
    )
    found = dict(offsite_urls(site))
    assert found == {
        "index.html": "https://cdn.example.com/x.js",
        "static/site.css": "http://img.example.com/a.png",
        "data.json": "https://api.example.com/v1",
    }


def test_vendor_urls_are_allowed_only_in_their_own_file(tmp_path: Path) -> None:
    allowed = next(iter(VENDOR_URLS["pyodide/pyodide.js"]))
    site = write_site(
        tmp_path, {"pyodide/pyodide.js": f'x = "{allowed}"', "playground.js": f'x = "{allowed}"'}
    )
    assert offsite_urls(site) == [("playground.js", allowed)]


def test_every_vendor_url_is_labelled() -> None:
    for urls in VENDOR_URLS.values():
        for label in urls.values():
            assert label == "text" or label.startswith(("text: ", "unused: "))


def test_check_site_fails_with_the_files_and_the_fix(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": '<a href="./app.html">app</a>',
            "app.html": '<script src="https://cdn.example.com/x.js"></script>',
        },
    )
    with pytest.raises(SiteBuildError) as info:
        check_site(site, ["app"])
    message = str(info.value)
    assert "app.html: https://cdn.example.com/x.js" in message
    assert "VENDOR_URLS" in message


def test_check_site_fails_on_missing_local_files(tmp_path: Path) -> None:
    site = write_site(
        tmp_path,
        {
            "index.html": '<a href="./app.html?x=1">app</a>',
            "app.html": '<script src="./static/missing.js"></script>',
        },
    )
    with pytest.raises(SiteBuildError, match=r"app.html -> static/missing.js"):
        check_site(site, ["app"])
    (site / "static").mkdir()
    (site / "static" / "missing.js").write_text("")
    check_site(site, ["app"])
