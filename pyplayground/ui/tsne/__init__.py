"""The t-SNE explorer (a lesson widget kind, ``:::{tsne} ID``); see :mod:`.app`."""

from .app import TSNEExplorer

__all__ = ["TSNEExplorer"]
