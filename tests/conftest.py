"""Shared pytest fixtures (keep small; other test modules may append fixtures)."""

from __future__ import annotations

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh, seeded generator per test, so tests never share random state."""
    return np.random.default_rng(1234)
