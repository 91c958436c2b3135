"""Array type aliases shared by the engine modules."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

Array = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Grads = dict[str, Array]

__all__ = ["Array", "BoolArray", "Grads", "IntArray"]
