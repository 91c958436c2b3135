"""Browser -> Python events (hover, tap, click on the plot) through one Bokeh source.

BokehJS callbacks (``CustomJS``) write ``{kind, a, b, c, seq}`` into a tiny
``ColumnDataSource``; the change syncs to Python like any model property, both under
``panel serve`` and inside the Pyodide worker, where it arrives as one patch message.
``seq`` grows on every event, so repeating the same event still counts as a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bokeh.models import ColumnDataSource, CustomJS

Handler = Callable[[float, float, float], None]


class Bridge:
    """Dispatches browser events by ``kind`` to Python handlers."""

    def __init__(self) -> None:
        self.source = ColumnDataSource(
            data={"kind": [""], "a": [0.0], "b": [0.0], "c": [0.0], "seq": [0]}
        )
        self._handlers: dict[str, Handler] = {}
        self.source.on_change("data", self._changed)

    def on(self, kind: str, handler: Handler) -> None:
        """Call ``handler(a, b, c)`` for every event of ``kind``."""
        self._handlers[kind] = handler

    def emit(self, kind: str, a: float = 0.0, b: float = 0.0, c: float = 0.0) -> None:
        """Dispatch an event from Python (tests, keyboard paths)."""
        handler = self._handlers.get(kind)
        if handler is not None:
            handler(float(a), float(b), float(c))

    def _changed(self, attr: str, old: Any, new: Any) -> None:
        try:
            kind = str(new["kind"][0])
            a, b, c = (float(new[k][0]) for k in ("a", "b", "c"))
        except (KeyError, IndexError, TypeError, ValueError):
            return
        self.emit(kind, a, b, c)

    def callback(self, kind: str, values: str, *, next_frame: bool = False,
                 **args: Any) -> CustomJS:  # fmt: skip
        """A ``CustomJS`` sending ``kind`` with ``values``: JS statements returning [a, b, c].

        They may ``return null`` to send nothing.  With ``next_frame`` the event is sent
        from the next animation frame (after the browser painted what just changed).
        """
        send = f"""
          const seq = (bridge.data.seq && bridge.data.seq.length ? bridge.data.seq[0] : 0) + 1;
          bridge.data = {{kind: ["{kind}"], a: [v[0] ?? 0], b: [v[1] ?? 0], c: [v[2] ?? 0],
                          seq: [seq]}};"""
        if next_frame:
            send = f"requestAnimationFrame(() => {{ {send} }});"
        code = f"""
        const v = (() => {{ {values} }})();
        if (v == null) {{ return; }}
        {send}
        """
        return CustomJS(args={"bridge": self.source, **args}, code=code)


__all__ = ["Bridge"]
