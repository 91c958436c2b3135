"""Constants and error helpers shared by the data modules (NumPy-free, stdlib only)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Final, Literal

Problem = Literal["classification", "regression", "multiclass"]
PROBLEMS: Final = ("classification", "regression", "multiclass")
MIN_SAMPLES: Final = 2
MAX_SAMPLES: Final = 100_000


def unknown_name_error(kind: str, name: object, valid: Iterable[str]) -> ValueError:
    """A ``ValueError`` listing the valid names and the closest match to ``name``."""
    valid = list(valid)
    same_case = [key for key in valid if key.lower() == str(name).lower()]
    close = same_case or difflib.get_close_matches(str(name), valid, n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    return ValueError(f"Unknown {kind} {name!r}; expected one of {valid}.{hint}")


__all__ = ["MAX_SAMPLES", "MIN_SAMPLES", "PROBLEMS", "Problem", "unknown_name_error"]
