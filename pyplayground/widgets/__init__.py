"""Live parts a lesson page can hold besides playgrounds: their declarations (no Panel).

Every kind is a :class:`WidgetKind` in :data:`KINDS`, keyed by its directive name
(``:::{tsne} ID`` in a lesson).  Its Panel component is named by ``factory`` and imported
only when a page uses the kind (:func:`pyplayground.ui.widgets.make_widget`), so a page
without t-SNE never imports the t-SNE code.

A new kind (a CNN explorer, say) is one module here declaring ``KIND`` and one Panel
component following the protocol in :mod:`pyplayground.ui.widgets`; the lesson format,
the build checks, the task tracker and the authoring reference pick it up from here.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from . import adversarial, tsne
from ._spec import PARAM_KINDS, MetricSpec, ParamSpec, SpecError, WidgetKind, suggest

#: Widget kinds by directive name.
KINDS: Final = MappingProxyType({k.name: k for k in (tsne.KIND, adversarial.KIND)})


def get_kind(name: str) -> WidgetKind:
    """The kind called ``name``; ``KeyError`` naming the known kinds otherwise."""
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(
            f"{name!r} is not a widget kind; known: {list(KINDS)}{suggest(name, KINDS)}"
        ) from None


__all__ = [
    "KINDS",
    "PARAM_KINDS",
    "MetricSpec",
    "ParamSpec",
    "SpecError",
    "WidgetKind",
    "get_kind",
]
