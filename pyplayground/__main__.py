"""``python -m pyplayground``: the same as the ``pyplayground`` command."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
