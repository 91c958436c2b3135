"""Tests for the input-feature registry and the heatmap grid."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyplayground.features import (
    DEFAULT_FEATURES,
    FEATURE_NAMES,
    FEATURES,
    Feature,
    feature_grid,
    feature_matrix,
    get_feature,
    grid_points,
)

TF_ORDER = ("x", "y", "xSquared", "ySquared", "xTimesY", "sinX", "sinY")


def test_registry_order_labels_and_immutability():
    assert FEATURE_NAMES == TF_ORDER == tuple(FEATURES)
    assert [f.label for f in FEATURES.values()] == [
        "X₁", "X₂", "X₁²", "X₂²", "X₁X₂", "sin(X₁)", "sin(X₂)"
    ]  # fmt: skip
    assert all(isinstance(f, Feature) and f.name == k for k, f in FEATURES.items())
    assert DEFAULT_FEATURES == ("x", "y")
    with pytest.raises(TypeError):
        FEATURES["cosX"] = FEATURES["sinX"]  # type: ignore[index]


def test_feature_values():
    points = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -6.0]])
    x1, x2 = points.T
    expected = np.column_stack([x1, x2, x1**2, x2**2, x1 * x2, np.sin(x1), np.sin(x2)])
    np.testing.assert_allclose(feature_matrix(points, TF_ORDER), expected, rtol=0, atol=0)
    subset = feature_matrix(points, ["sinY", "x"])
    np.testing.assert_array_equal(subset, expected[:, [6, 0]])


@settings(max_examples=50, deadline=None)
@given(
    names=st.lists(st.sampled_from(TF_ORDER), unique=True, max_size=7),
    n_points=st.integers(0, 50),
    seed=st.integers(0, 2**32 - 1),
)
def test_feature_matrix_shape_matches_per_feature_calls(names, n_points, seed):
    points = np.random.default_rng(seed).uniform(-6, 6, size=(n_points, 2))
    out = feature_matrix(points, names)
    assert out.shape == (n_points, len(names)) and out.dtype == np.float64
    for k, name in enumerate(names):
        np.testing.assert_array_equal(out[:, k], FEATURES[name].fn(points[:, 0], points[:, 1]))


def test_unknown_feature_suggests_closest():
    with pytest.raises(ValueError, match=r"Unknown feature 'sinx'.*Did you mean 'sinX'\?"):
        feature_matrix(np.zeros((1, 2)), ["x", "sinx"])
    with pytest.raises(ValueError, match=r"Did you mean 'xSquared'\?"):
        get_feature("xSqared")
    with pytest.raises(ValueError, match="expected one of"):
        get_feature("cosX")


def test_bad_names_and_points():
    with pytest.raises(ValueError, match="not the string"):
        feature_matrix(np.zeros((1, 2)), "x")
    with pytest.raises(ValueError, match="repeat"):
        feature_matrix(np.zeros((1, 2)), ["x", "x"])
    with pytest.raises(ValueError, match=r"shape \(n_points, 2\)"):
        feature_matrix(np.zeros((4, 3)), ["x"])


def test_grid_orientation_top_left_is_minus6_plus6():
    n = 100
    points = grid_points(n, 6.0)
    assert points.shape == (n * n, 2)
    np.testing.assert_array_equal(points[0], [-6.0, 6.0])  # top-left
    np.testing.assert_array_equal(points[n - 1], [6.0, 6.0])  # top-right
    np.testing.assert_array_equal(points[-n], [-6.0, -6.0])  # bottom-left
    np.testing.assert_array_equal(points[-1], [6.0, -6.0])  # bottom-right
    image_x1 = points[:, 0].reshape(n, n)
    image_x2 = points[:, 1].reshape(n, n)
    assert (np.diff(image_x1, axis=1) > 0).all() and (np.diff(image_x1, axis=0) == 0).all()
    assert (np.diff(image_x2, axis=0) < 0).all() and (np.diff(image_x2, axis=1) == 0).all()


@pytest.mark.parametrize("n", [2, 3, 10, 100])
def test_grid_matches_tf_scales(n):
    i = np.arange(n)
    image = grid_points(n).reshape(n, n, 2)
    for j in range(n):
        np.testing.assert_allclose(image[j, :, 0], -6 + 12 * i / (n - 1), atol=1e-12)
        np.testing.assert_allclose(image[j, :, 1], 6 - 12 * j / (n - 1), atol=1e-12)


def test_feature_grid_is_feature_matrix_on_grid():
    grid = feature_grid(["xTimesY", "y"], n=10, extent=3.0)
    assert grid.shape == (100, 2)
    product = grid[:, 0].reshape(10, 10)
    assert product[0, 0] == -9.0 and product[0, -1] == 9.0 and product[-1, 0] == 9.0
    np.testing.assert_array_equal(grid, feature_matrix(grid_points(10, 3.0), ["xTimesY", "y"]))


@pytest.mark.parametrize(("n", "extent"), [(1, 6.0), (2.5, 6.0), (True, 6.0), (10, 0.0),
                                           (10, -1.0), (10, float("inf"))])  # fmt: skip
def test_grid_validation(n, extent):
    with pytest.raises(ValueError, match="parameter of grid_points"):
        grid_points(n, extent)
