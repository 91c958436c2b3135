"""Serve the built site on the loopback interface (``pyplayground serve``).

A plain static server with the MIME types the site needs (``application/wasm`` for
Pyodide's streaming compile, JavaScript modules, gzip packs served as bytes, never with
``Content-Encoding``) and ``Cache-Control: no-cache`` so a rebuilt site is picked up.
"""

from __future__ import annotations

import argparse
import errno
import functools
import http.server
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from . import SiteBuildError

DEFAULT_SITE = Path("site")
MIME_TYPES = {
    ".wasm": "application/wasm",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".map": "application/json",
    ".css": "text/css",
    ".html": "text/html",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".gz": "application/gzip",
    ".md": "text/markdown",
    ".txt": "text/plain",
    ".webmanifest": "application/manifest+json",
}


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with explicit MIME types and revalidation on every request."""

    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        **MIME_TYPES,
    }
    quiet = False

    def guess_type(self, path: str) -> str:  # never a Content-Encoding for .gz files
        return MIME_TYPES.get(Path(str(path)).suffix.lower()) or super().guess_type(path)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        if not self.quiet:
            super().log_message(format, *args)


def make_server(
    site_dir: Path,
    host: str = "127.0.0.1",
    port: int = 0,
    quiet: bool = False,
    handler_class: type[SiteRequestHandler] = SiteRequestHandler,
) -> http.server.ThreadingHTTPServer:
    """A server for ``site_dir`` bound to ``host:port`` (0 picks a free port)."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise SiteBuildError(
            f"no built site in {site_dir} (index.html is missing): "
            "run `python build.py` (or `pyplayground build`) first"
        )
    handler = functools.partial(
        type("Handler", (handler_class,), {"quiet": quiet}), directory=str(site_dir)
    )
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise SiteBuildError(
                f"port {port} on {host} is already in use (is another server running?). "
                "Choose another one with --port N, or --port 0 for any free port."
            ) from e
        raise SiteBuildError(f"cannot listen on {host}:{port}: {e}") from e


def server_url(server: http.server.HTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


def serve(
    site_dir: Path = DEFAULT_SITE, host: str = "127.0.0.1", port: int = 0, quiet: bool = False
) -> None:
    """Serve ``site_dir`` until interrupted; prints the URL to open."""
    server = make_server(site_dir, host, port, quiet=quiet)
    print(
        f"Serving {Path(site_dir).resolve()} at {server_url(server)}  (Ctrl+C to stop)", flush=True
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped")
    finally:
        server.server_close()


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(
        prog="pyplayground serve", description="Serve the built static site locally."
    )
    parser.add_argument(
        "--dir", type=Path, default=DEFAULT_SITE, help="the built site (default: %(default)s)"
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=0, help="port to listen on (default: 0 = any free port)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log requests")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        serve(args.dir, args.host, args.port, quiet=args.quiet)
    except SiteBuildError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
