"""Tests for the packaged 8x8 digits (scikit-learn is the test-only oracle)."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pytest

from pyplayground.datasets import DIGITS_SEED, digits_train_test_split, load_digits


def test_matches_sklearn_load_digits_exactly():
    sk_datasets = pytest.importorskip("sklearn.datasets")
    bunch = sk_datasets.load_digits()
    images, labels = load_digits()
    np.testing.assert_array_equal(images * 16.0, bunch.data)
    np.testing.assert_array_equal(labels, bunch.target)


def test_shapes_dtypes_and_range():
    images, labels = load_digits()
    assert images.shape == (1797, 64) and images.dtype == np.float64
    assert labels.shape == (1797,) and labels.dtype == np.int64
    assert images.min() == 0.0 and images.max() == 1.0
    np.testing.assert_array_equal(np.unique(labels), np.arange(10))
    np.testing.assert_array_equal(np.unique(images * 16), np.arange(17))


def test_returns_fresh_arrays_each_call():
    images, labels = load_digits()
    images[:] = -1
    labels[:] = -1
    again, again_labels = load_digits()
    assert again.min() == 0.0 and again_labels.min() == 0


def test_data_file_is_small_uint8_and_packaged():
    resource = resources.files("pyplayground.data").joinpath("digits.npz")
    assert resource.is_file()
    assert len(resource.read_bytes()) < 100_000
    with resource.open("rb") as fh, np.load(fh) as npz:
        assert set(npz.files) == {"images", "labels"}
        assert npz["images"].dtype == np.uint8 and npz["labels"].dtype == np.uint8


def test_default_split_is_deterministic_and_partitions():
    a = digits_train_test_split()
    b = digits_train_test_split()
    for left, right in zip(a, b, strict=True):
        np.testing.assert_array_equal(left, right)
    X_train, y_train, X_test, y_test = a
    assert X_train.shape == (1437, 64) and X_test.shape == (360, 64)
    assert y_train.shape == (1437,) and y_test.shape == (360,)
    explicit = digits_train_test_split(np.random.default_rng(DIGITS_SEED))
    np.testing.assert_array_equal(explicit[3], y_test)
    images, _ = load_digits()
    together = np.concatenate([X_train, X_test])
    order = np.lexsort(together.T[::-1])
    np.testing.assert_array_equal(together[order], images[np.lexsort(images.T[::-1])])


def test_split_with_rng_and_fraction():
    X_train, _, X_test, _ = digits_train_test_split(np.random.default_rng(1), test_fraction=0.5)
    assert len(X_test) == 899 and len(X_train) == 898
    other = digits_train_test_split(np.random.default_rng(2), test_fraction=0.5)
    assert not np.array_equal(X_test, other[2])


@pytest.mark.parametrize("fraction", [0.0, 1.0, 0.01, -0.2, float("nan")])
def test_split_fraction_validated(fraction):
    with pytest.raises(ValueError, match=r"'test_fraction' parameter .*\[0\.05, 0\.95\]"):
        digits_train_test_split(test_fraction=fraction)
