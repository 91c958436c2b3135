"""Package data files, read with :mod:`importlib.resources` (works from a wheel and in Pyodide).

- ``digits.npz``: scikit-learn's ``load_digits`` (1,797 8x8 UCI digits) as ``images`` uint8
  (1797, 64) with pixel counts 0-16 and ``labels`` uint8 (1797,); written once by
  ``_convert_digits.py`` and read by :func:`pyplayground.datasets.load_digits`.
"""

from __future__ import annotations

__all__: list[str] = []
