"""Browser -> Python events (hover, tap, click on the plot, frame acks) through one string.

BokehJS callbacks (``CustomJS``) write ``"kind|a|b|c|seq"`` into the ``text`` of a small
``Div`` that is never displayed; the change syncs to Python like any model property,
under ``panel serve`` and inside the Pyodide worker.  A plain string property is cheap to
apply there: a ``ColumnDataSource.data`` change may hold model references, so applying
one makes Bokeh re-walk the whole document (about 15 ms per event in the worker).
``seq`` grows on every event, so repeating the same event still counts as a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bokeh.models import CustomJS, Div

Handler = Callable[[float, float, float], None]

#: JS statement sending ``kind`` with the array ``v`` (used inside other callbacks too)
SEND_JS = """
bridge._pgSeq = (bridge._pgSeq || 0) + 1;
bridge.text = [KIND, v[0] ?? 0, v[1] ?? 0, v[2] ?? 0, bridge._pgSeq].join("|");
"""


class Bridge:
    """Dispatches browser events by ``kind`` to Python handlers."""

    def __init__(self) -> None:
        self.model = Div(text="", visible=False, name="pg-bridge")
        self._handlers: dict[str, Handler] = {}
        self.model.on_change("text", self._changed)

    def on(self, kind: str, handler: Handler) -> None:
        """Call ``handler(a, b, c)`` for every event of ``kind``."""
        self._handlers[kind] = handler

    def emit(self, kind: str, a: float = 0.0, b: float = 0.0, c: float = 0.0) -> None:
        """Dispatch an event from Python (tests, keyboard paths)."""
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(float(a), float(b), float(c))

    def _changed(self, attr: str, old: Any, new: Any) -> None:
        parts = str(new).split("|")
        if len(parts) != 5:
            return
        try:
            a, b, c = (float(x) for x in parts[1:4])
        except ValueError:
            return
        self.emit(parts[0], a, b, c)

    @staticmethod
    def send_js(kind: str) -> str:
        """JS statements sending ``kind`` with the values in the array ``v``."""
        return SEND_JS.replace("KIND", f'"{kind}"')

    def callback(self, kind: str, values: str, **args: Any) -> CustomJS:
        """A ``CustomJS`` sending ``kind`` with ``values``: JS statements returning [a, b, c].

        They may ``return null`` to send nothing.
        """
        code = f"""
        const v = (() => {{ {values} }})();
        if (v == null) {{ return; }}
        {self.send_js(kind)}
        """
        return CustomJS(args={"bridge": self.model, **args}, code=code)


__all__ = ["Bridge"]
