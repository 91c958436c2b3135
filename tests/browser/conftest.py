"""Browser test harness: the built static site in headless Chromium (marker ``browser``).

* ``built_site`` (session): builds the site once into a temporary folder, reusing the
  download cache ``.cache/``. Set ``PG_SITE_DIR=site`` to test an existing build instead.
* ``site_url`` (session): serves it on a free loopback port (``sitegen.serve``).
* ``app`` (per test): a fresh Chromium profile (cold caches) through Playwright, driving
  Debian's real binary ``/usr/lib/chromium/chromium`` (not the ``/usr/bin`` wrapper,
  which adds extensions and API keys) with flags that keep Chromium itself off the
  network. Every test fails on a request that leaves 127.0.0.1, a console error, a page
  error, or an app page that is not interactive within ``PG_LOAD_TIMEOUT_S`` (120 s).
  A failing test leaves a screenshot in ``test-results/``.

Widgets are found by their stable ``pg-...`` CSS classes (Panel ``css_classes``);
Playwright's CSS selectors pierce the open shadow roots Panel and Bokeh render into.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pgbrowser import AXE_CORE, CHROME, REPO, AppPage, Server, launch


def _ensure_axe_core() -> None:
    """Install axe-core from the npm registry into the ignored cache (accessibility tests)."""
    if AXE_CORE.is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is needed to install axe-core for the accessibility tests", pytrace=False)
    import subprocess

    proc = subprocess.run(
        [npm, "install", "--no-audit", "--no-fund", "--prefix", str(AXE_CORE.parents[2]),
         "axe-core@4"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if proc.returncode != 0 or not AXE_CORE.is_file():
        pytest.fail(f"npm install axe-core failed:\n{proc.stderr[-2000:]}", pytrace=False)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly built site (once per session), or ``$PG_SITE_DIR``."""
    pytest.importorskip("playwright.sync_api")
    if not os.access(CHROME, os.X_OK):
        pytest.skip(f"no Chromium at {CHROME} (apt-get install chromium, or set PG_CHROME)")
    given = os.environ.get("PG_SITE_DIR")
    if given:
        site = Path(given).resolve()
        assert (site / "build-info.json").is_file(), f"PG_SITE_DIR={given} is not a built site"
        return site
    from pyplayground.sitegen import SiteBuildError
    from pyplayground.sitegen.build import build_site

    _ensure_axe_core()
    out = tmp_path_factory.mktemp("built") / "site"
    try:
        build_site(REPO, out=out, cache=REPO / ".cache", log=lambda _msg: None)
    except SiteBuildError as e:
        pytest.fail(f"the site does not build:\n{e}", pytrace=False)
    return out


@pytest.fixture(scope="session")
def site_server(built_site: Path) -> Iterator[Server]:
    server = Server(built_site)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def site_url(site_server: Server) -> str:
    return site_server.url


# -------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture
def browser_factory(playwright_instance, tmp_path, request):
    """``open_browser(base_url)`` -> AppPage on a fresh profile; checked at teardown."""
    opened: list[tuple[object, AppPage]] = []

    def open_browser(
        base_url: str, extra_allowed: tuple[str, ...] = (), route: bool = True
    ) -> AppPage:
        profile = tmp_path / f"profile{len(opened)}"
        context, page, guard = launch(
            playwright_instance, profile, (base_url, *extra_allowed), route=route
        )
        app = AppPage(page, guard, base_url)
        opened.append((context, app))
        return app

    yield open_browser
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    problems = []
    for i, (context, app) in enumerate(opened):
        if failed:
            try:
                app.screenshot(f"{request.node.name}-{i}-failure")
            except Exception as e:  # the page may be gone; the failure is reported anyway
                print(f"no screenshot: {e}")
        problems += app.guard.problems()
        context.close()
    if problems and not failed:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def app(browser_factory, site_url: str, site_server: Server) -> Iterator[AppPage]:
    """An AppPage on the session's server; fails on 4xx/5xx responses too."""
    before = len(site_server.log)
    page = browser_factory(site_url)
    yield page
    bad = [(p, c) for p, c in site_server.log[before:] if c >= 400]
    assert not bad, f"the site answered with errors: {bad}"


@pytest.fixture
def site_copy(built_site: Path, tmp_path: Path) -> Path:
    """A private copy of the built site, for tests that break it on purpose."""
    dst = tmp_path / "site"
    shutil.copytree(built_site, dst)
    return dst
