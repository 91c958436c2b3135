"""Keep the page URL's hash and the playground state in step.

Uses Panel's ``Location`` model (``pn.state.location``).  Under ``panel serve`` it is
synced over the websocket; in the ``pyodide-worker`` build the page sends the worker its
``window.location`` right after the first render, so the hash arrives *after* the app
was built: the app is drawn with the defaults first, then the hash is applied.  Writing
``location.hash`` updates the page URL (``history.pushState``) in both targets.

Without a Location (tests, notebooks) everything here is a no-op.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import panel as pn


class UrlSync:
    """Calls ``on_hash(text)`` when the page hash changes (not for our own writes)."""

    def __init__(self, on_hash: Callable[[str], None]) -> None:
        self._on_hash = on_hash
        self._written: str | None = None
        self._seen: str | None = None
        self.location: Any = pn.state.location
        if self.location is not None:
            self.location.param.watch(self._changed, "hash")
            if self.location.hash:
                pn.state.onload(lambda: self._apply(self.location.hash))

    @property
    def active(self) -> bool:
        """Whether a page URL is attached."""
        return self.location is not None

    def _changed(self, event: Any) -> None:
        self._apply(event.new)

    def _apply(self, hash_text: str) -> None:
        text = (hash_text or "").lstrip("#")
        if text == self._written or text == self._seen:
            return
        self._seen = text
        self._on_hash(text)

    def write(self, hash_text: str) -> None:
        """Put ``hash_text`` (without ``#``) into the page URL."""
        if self.location is None or hash_text == self._written:
            return
        self._written = hash_text
        self._seen = hash_text
        self.location.hash = "#" + hash_text


__all__ = ["UrlSync"]
