"""The Panel side of lesson widgets: the protocol every live part follows, and its factory.

A widget kind is declared in :mod:`pyplayground.widgets` (settings, metrics, factory).
Its component is a :class:`panel.viewable.Viewer` that

* is built as ``Component(state=None, peers=None)``: ``state`` is the full settings dict
  (``WidgetKind.state(...)``; ``None`` = defaults), ``peers`` the page's other live
  parts by id (a :class:`~pyplayground.ui.lesson_app.LessonPlayground` exposes its
  headless session as ``.pg``), so a widget can use a network trained in a playground;
* calls ``self.on_update(self)`` (an attribute, ``None`` by default) after every redraw:
  each animation frame and each change the learner makes; tasks are checked then;
* answers :meth:`metrics` (a dict keyed by the kind's metric names; ``None`` for a
  value not known yet) and :meth:`state_values` (the current settings, the kind's keys);
* :meth:`load_state` switches to a full settings dict and restarts, paused ("Show me",
  "Reset progress");
* works unchanged natively: ``Component().servable()`` under ``panel serve``, or in a
  notebook.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any, Protocol, runtime_checkable

from pyplayground.widgets import get_kind


@runtime_checkable
class LessonWidget(Protocol):
    """What :class:`~pyplayground.ui.lesson_app.LessonApp` needs from a live part."""

    on_update: Callable[[Any], None] | None

    def metrics(self) -> dict[str, Any]: ...

    def state_values(self) -> dict[str, Any]: ...

    def load_state(self, state: Mapping[str, Any]) -> None: ...


def widget_class(kind: str) -> type:
    """The component class of ``kind`` (imported now, from the kind's ``factory``)."""
    module, _, name = get_kind(kind).factory.partition(":")
    return getattr(importlib.import_module(module), name)


def make_widget(
    kind: str, state: Mapping[str, Any] | None = None, peers: Mapping[str, Any] | None = None
) -> Any:
    """Build the component of ``kind`` with the full settings ``state``."""
    full = get_kind(kind).state(state or {})
    return widget_class(kind)(state=full, peers=dict(peers or {}))


__all__ = ["LessonWidget", "make_widget", "widget_class"]
