"""Registry look-up with scikit-learn-style errors, shared by the engine modules."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def lookup(registry: Mapping[str, T], name: object, what: str) -> T:
    """Return ``registry[name]``.

    Raises
    ------
    ValueError
        Naming ``what``, the bad value, the valid names and the closest match.
    """
    try:
        return registry[name]  # type: ignore[index]
    except (KeyError, TypeError):
        names = list(registry)
        close = difflib.get_close_matches(str(name), names, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Unknown {what} {name!r}; expected one of {names}.{hint}") from None


__all__ = ["lookup"]
