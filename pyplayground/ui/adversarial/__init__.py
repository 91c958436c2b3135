"""The adversarial attack explorer (the ``:::{adversarial}`` lesson widget)."""

from __future__ import annotations

from .app import AdversarialExplorer

__all__ = ["AdversarialExplorer"]
