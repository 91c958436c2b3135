"""Share this view: the settings as a page-URL hash, and reading it back when a page opens.

A lesson page's URL is fixed (``lesson-tsne.html``), so the view travels in the hash:
``#tsne=<url-encoded settings>``.  The settings are those that differ from the kind's
defaults, plus ``w``: a short tag of the widget's *initial* settings, so that on a page
with several t-SNE explorers only the one that made the link applies it.  Values are
parsed leniently (``KIND.lenient_state``): a bad value is skipped with a note.

The page's hash reaches Python through :class:`HashReader`, a hidden text input that a
``document_ready`` callback fills with ``window.location.hash``: in the Pyodide worker
``js.location`` is the *worker's* URL, not the page's.
"""

from __future__ import annotations

import json
import urllib.parse
import zlib
from collections.abc import Mapping
from typing import Any, Final

import panel as pn
from bokeh.models import CustomJS

from pyplayground.widgets.tsne import KIND

HASH_KEY: Final = "tsne"
TAG_KEY: Final = "w"


def state_tag(state: Mapping[str, Any]) -> str:
    """Six hex digits naming a widget by its initial settings."""
    text = json.dumps(dict(state), sort_keys=True, default=str)
    return f"{zlib.crc32(text.encode()) & 0xFFFFFF:06x}"


def _fmt(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def encode_hash(state: Mapping[str, Any], tag: str) -> str:
    """``tsne=<encoded>`` (no ``#``) for the settings that differ from the defaults."""
    defaults = KIND.defaults()
    pairs = [(k, _fmt(v)) for k, v in state.items() if k in defaults and v != defaults[k]]
    pairs.append((TAG_KEY, tag))
    return f"{HASH_KEY}=" + urllib.parse.quote(urllib.parse.urlencode(pairs), safe="")


def _convert(key: str, text: str) -> Any:
    spec = KIND.param_map.get(key)
    if spec is None:
        return text  # lenient_state names the unknown key
    if spec.kind == "int":
        number = float(text)
        return int(number) if number.is_integer() else number
    if spec.kind == "number":
        return float(text)
    if spec.kind == "bool":
        return {"true": True, "false": False}.get(text.lower(), text)
    return text


def parse_hash(text: str, tag: str | None = None) -> tuple[dict[str, Any] | None, list[str]]:
    """The full settings a page hash asks for, and a note per skipped value.

    Returns ``(None, [])`` when the hash holds no t-SNE view, or one made by another
    widget (its tag differs from ``tag``).
    """
    body = (text or "").lstrip("#")
    found = None
    for part in body.split("&"):
        key, _, value = part.partition("=")
        if key == HASH_KEY:
            found = urllib.parse.unquote(value)
    if found is None:
        return None, []
    raw = dict(urllib.parse.parse_qsl(found, keep_blank_values=True))
    if tag is not None and raw.get(TAG_KEY, tag) != tag:
        return None, []
    raw.pop(TAG_KEY, None)
    data: dict[str, Any] = {}
    notes: list[str] = []
    for key, value in raw.items():
        try:
            data[key] = _convert(key, value)
        except ValueError:
            notes.append(f"{key}: {value!r} is not a number; skipped")
    state, skipped = KIND.lenient_state(data)
    return state, notes + skipped


class HashReader(pn.widgets.TextInput):
    """A hidden input that the page fills with its URL hash once the document is ready.

    ``value`` starts empty and becomes the hash (``" "`` for none): watch it.
    """

    def __init__(self, **params: Any) -> None:
        params.setdefault("visible", False)
        params.setdefault("css_classes", ["pg-tsne-hash"])
        super().__init__(**params)

    def _get_model(self, doc: Any, root: Any = None, parent: Any = None, comm: Any = None) -> Any:
        model = super()._get_model(doc, root, parent, comm)
        if doc is not None:
            doc.js_on_event(
                "document_ready",
                CustomJS(args={"m": model}, code="m.value = window.location.hash || ' ';"),
            )
        return model


#: JS run by the "copy link" button before it copies: the page URL gets the view's hash,
#: so the address bar holds the link too (the clipboard gets the full link).
COPY_LINK_JS: Final = """
try { history.replaceState(null, "", src.value); } catch (e) {}
"""

__all__ = ["COPY_LINK_JS", "HASH_KEY", "HashReader", "encode_hash", "parse_hash", "state_tag"]
