"""Tests for the toy dataset generators, the registry and the train/test split."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyplayground import datasets as ds
from pyplayground.datasets import (
    DATASETS,
    DatasetSpec,
    dataset_names,
    get_dataset_spec,
    make_dataset,
    train_test_split,
)

TF_NAMES = ("circle", "xor", "gauss", "spiral", "reg-plane", "reg-gauss")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(1234)


# --------------------------------------------------------------------------------------------
# A literal, scalar transcription of tensorflow/playground dataset.ts, drawing one uniform at a
# time in the same order as the TypeScript. numpy's Generator.random(k) yields the same doubles
# as k scalar calls, so the vectorised generators must reproduce these values.
# --------------------------------------------------------------------------------------------


def _tf_circle(num_samples, noise, rand):
    def uni(a, b):
        return rand() * (b - a) + a

    radius, points = 5, []

    def half(count, r_lo, r_hi):
        for _ in range(count):
            r = uni(r_lo, r_hi)
            angle = uni(0, 2 * math.pi)
            x, y = r * math.sin(angle), r * math.cos(angle)
            nx, ny = uni(-radius, radius) * noise, uni(-radius, radius) * noise
            label = 1 if math.dist((x + nx, y + ny), (0, 0)) < radius * 0.5 else -1
            points.append((x, y, label))

    half(math.ceil(num_samples / 2), 0, radius * 0.5)
    half(num_samples // 2, radius * 0.7, radius)
    return points


def _tf_xor(num_samples, noise, rand):
    def uni(a, b):
        return rand() * (b - a) + a

    points = []
    for _ in range(num_samples):
        x = uni(-5, 5)
        x += 0.3 if x > 0 else -0.3
        y = uni(-5, 5)
        y += 0.3 if y > 0 else -0.3
        nx, ny = uni(-5, 5) * noise, uni(-5, 5) * noise
        points.append((x, y, 1 if (x + nx) * (y + ny) >= 0 else -1))
    return points


def _tf_gauss(num_samples, noise, rand):
    variance = 0.5 + (noise - 0) / (0.5 - 0) * (4 - 0.5)  # d3 linear [0, .5] -> [.5, 4]

    def normal_random(mean, var):
        s = 2.0
        while s > 1:
            v1, v2 = 2 * rand() - 1, 2 * rand() - 1
            s = v1 * v1 + v2 * v2
        return mean + math.sqrt(var) * (math.sqrt(-2 * math.log(s) / s) * v1)

    points = []
    for cx, cy, label, count in ((2, 2, 1, math.ceil(num_samples / 2)),
                                 (-2, -2, -1, num_samples // 2)):  # fmt: skip
        for _ in range(count):
            x = normal_random(cx, variance)
            y = normal_random(cy, variance)
            points.append((x, y, label))
    return points


def _tf_spiral(num_samples, noise, rand):
    def uni(a, b):
        return rand() * (b - a) + a

    n, points = num_samples / 2, []
    for delta, label, count in ((0, 1, math.ceil(n)), (math.pi, -1, num_samples // 2)):
        for i in range(count):
            r = i / n * 5
            t = 1.75 * i / n * 2 * math.pi + delta
            x = r * math.sin(t) + uni(-1, 1) * noise
            y = r * math.cos(t) + uni(-1, 1) * noise
            points.append((x, y, label))
    return points


def _tf_regress(label_fn):
    def generate(num_samples, noise, rand):
        def uni(a, b):
            return rand() * (b - a) + a

        points = []
        for _ in range(num_samples):
            x, y = uni(-6, 6), uni(-6, 6)
            nx, ny = uni(-6, 6) * noise, uni(-6, 6) * noise
            points.append((x, y, label_fn(x + nx, y + ny)))
        return points

    return generate


def _tf_plane_label(x, y):
    return (x + y) / 10  # d3 linear [-10, 10] -> [-1, 1]


def _tf_gauss_label(x, y):
    label = 0
    for cx, cy, sign in ((-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1),
                         (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)):  # fmt: skip
        new = sign * min(max(1 - math.dist((x, y), (cx, cy)) / 2, 0), 1)
        if abs(new) > abs(label):
            label = new
    return label


TF_REFERENCE = {
    "circle": _tf_circle,
    "xor": _tf_xor,
    "gauss": _tf_gauss,
    "spiral": _tf_spiral,
    "reg-plane": _tf_regress(_tf_plane_label),
    "reg-gauss": _tf_regress(_tf_gauss_label),
}


@pytest.mark.parametrize("name", TF_NAMES)
@pytest.mark.parametrize("n_samples", [2, 7, 500])
@pytest.mark.parametrize("noise", [0.0, 0.25, 0.5])
def test_generators_match_scalar_transcription_of_dataset_ts(name, n_samples, noise):
    X, y = make_dataset(name, n_samples, noise, rng=np.random.default_rng(7))
    scalar_rng = np.random.default_rng(7)
    ref = np.array(TF_REFERENCE[name](n_samples, noise, scalar_rng.random), dtype=float)
    np.testing.assert_allclose(X, ref[:, :2], rtol=0, atol=1e-12)
    np.testing.assert_allclose(y, ref[:, 2], rtol=0, atol=1e-12)


# ------------------------------------------------------------------ formula properties


def test_circle_labels_at_zero_noise_are_radius_below_2_5(rng):
    X, y = ds.make_circle(2000, 0.0, rng=rng)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_array_equal(y, np.where(radius < 2.5, 1.0, -1.0))
    assert np.all((radius <= 2.5) | ((radius >= 3.5) & (radius <= 5.0)))
    assert (y[:1000] == 1).all() and (y[1000:] == -1).all()


def test_circle_noise_flips_labels_but_keeps_points(rng):
    X, y = ds.make_circle(2000, 0.5, rng=rng)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert np.all((radius <= 2.5) | (radius >= 3.5))  # stored at the clean position
    flipped = y != np.where(radius < 2.5, 1.0, -1.0)
    assert 0.05 < flipped.mean() < 0.6


def test_xor_padding_and_labels(rng):
    X, y = ds.make_xor(2000, 0.0, rng=rng)
    assert np.all(np.abs(X) >= 0.3) and np.all(np.abs(X) <= 5.3)
    np.testing.assert_array_equal(y, np.where(X[:, 0] * X[:, 1] >= 0, 1.0, -1.0))


def test_spiral_arm_radii_and_angles():
    X, y = ds.make_spiral(400, 0.0, rng=np.random.default_rng(0))
    i = np.arange(200)
    np.testing.assert_allclose(np.hypot(X[:200, 0], X[:200, 1]), 5 * i / 200, atol=1e-12)
    np.testing.assert_allclose(np.hypot(X[200:, 0], X[200:, 1]), 5 * i / 200, atol=1e-12)
    np.testing.assert_allclose(X[200:], -X[:200], atol=1e-12)  # Δ = π mirrors the arm
    t = 1.75 * i[1:] / 200 * 2 * np.pi
    np.testing.assert_allclose(np.arctan2(X[1:200, 0], X[1:200, 1]) % (2 * np.pi),
                               t % (2 * np.pi), atol=1e-9)  # fmt: skip
    assert (y[:200] == 1).all() and (y[200:] == -1).all()


def test_spiral_noise_displaces_by_at_most_noise(rng):
    clean, _ = ds.make_spiral(500, 0.0, rng=np.random.default_rng(3))
    noisy, _ = ds.make_spiral(500, 0.4, rng=np.random.default_rng(3))
    shift = np.abs(noisy - clean)
    assert shift.max() <= 0.4 and shift.max() > 0.3


@pytest.mark.parametrize("noise", [0.0, 0.25, 0.5, 0.8])
def test_gauss_variance_mapping(noise):
    X, y = ds.make_gauss(40_000, noise, rng=np.random.default_rng(5))
    expected = 0.5 + noise / 0.5 * 3.5
    assert ds.gauss_variance(noise) == pytest.approx(expected)
    for label, centre in ((1.0, 2.0), (-1.0, -2.0)):
        pts = X[y == label]
        np.testing.assert_allclose(pts.mean(axis=0), centre, atol=0.05 * math.sqrt(expected))
        np.testing.assert_allclose(pts.var(axis=0), expected, rtol=0.05)


def test_reg_gauss_label_values_at_centres_and_far_away():
    centres = ds.REG_GAUSS_CENTRES
    np.testing.assert_array_equal(ds.reg_gauss_label(centres[:, :2]), centres[:, 2])
    # 1 - d/2 at distance 1 from the (−4, 2.5, +1) bump (the neighbours are ≥ 3 away)
    assert ds.reg_gauss_label(np.array([[-4.0, 3.5]]))[0] == pytest.approx(0.5)
    assert ds.reg_gauss_label(np.array([[-4.0, 0.0]]))[0] == 0.0  # 2.5 from both rows
    X, y = ds.make_reg_gauss(3000, 0.0, rng=np.random.default_rng(2))
    assert np.all(np.abs(y) <= 1) and np.all(np.abs(X) <= 6)


def test_reg_plane_label_is_sum_over_ten(rng):
    X, y = ds.make_reg_plane(1000, 0.0, rng=rng)
    np.testing.assert_allclose(y, X.sum(axis=1) / 10)
    assert np.all(np.abs(X) <= 6)


def test_two_moons_shape_and_classes(rng):
    X, y = ds.make_two_moons(1000, 0.0, rng=rng)
    upper = (X[y == 1] / 2.5) + [0.5, 0.25]
    lower = (X[y == -1] / 2.5) + [0.5, 0.25]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= 0).all() and (lower[:, 1] <= 0.5).all()


def test_spiral3_arms_are_120_degrees_apart():
    X, y = ds.make_spiral3(300, 0.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(np.bincount(y), [100, 100, 100])
    a = 2 * np.pi / 3
    # x = r sin t, y = r cos t: t + a gives (x cos a + y sin a, y cos a - x sin a)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    np.testing.assert_allclose(X[y == 1], X[y == 0] @ rot, atol=1e-12)
    np.testing.assert_allclose(X[y == 2], X[y == 1] @ rot, atol=1e-12)


def test_blobs_centres_and_balance():
    X, y = ds.make_blobs(4000, 0.0, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(np.bincount(y), [1000] * 4)
    for k in range(4):
        np.testing.assert_allclose(X[y == k].mean(axis=0), ds.BLOB_CENTRES[k], atol=0.1)
    assert np.abs(X).max() < 6.0


# ------------------------------------------------------------------ registry and shapes


def test_registry_contents():
    assert tuple(DATASETS)[:4] == ("circle", "xor", "gauss", "spiral")
    assert dataset_names("regression") == ("reg-plane", "reg-gauss")
    assert set(dataset_names("multiclass")) >= {"spiral3", "blobs"}
    assert "two_moons" in dataset_names("classification")
    for spec in DATASETS.values():
        assert isinstance(spec, DatasetSpec)
        assert spec.problem in ds.PROBLEMS
        assert (spec.n_classes == 2) == (spec.problem == "classification")
        assert (spec.n_classes >= 3) == (spec.problem == "multiclass")
    assert DATASETS["circle"].label == "Circle" and DATASETS["circle"].n_samples == 500
    assert DATASETS["reg-gauss"].n_samples == 1200
    with pytest.raises(TypeError):
        DATASETS["new"] = DATASETS["circle"]  # type: ignore[index]


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(DATASETS)),
    n_samples=st.integers(2, 1500),
    noise=st.floats(0.0, 0.8),
    seed=st.integers(0, 2**32 - 1),
)
def test_every_dataset_shape_dtype_labels(name, n_samples, noise, seed):
    spec = DATASETS[name]
    X, y = make_dataset(name, n_samples, noise, rng=np.random.default_rng(seed))
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and np.isfinite(X).all() and np.isfinite(y).all()
    if spec.problem == "classification":
        assert y.dtype == np.float64 and set(np.unique(y)) <= {-1.0, 1.0}
        assert (y == 1).sum() == (n_samples + 1) // 2 or name in ("circle", "xor")
    elif spec.problem == "multiclass":
        assert y.dtype == np.int64
        counts = np.bincount(y, minlength=spec.n_classes)
        assert len(counts) == spec.n_classes and counts.max() - counts.min() <= 1
    else:
        assert y.dtype == np.float64
    if name not in ("gauss", "blobs", "two_moons"):  # bounded generators
        assert np.abs(X).max() <= 6.0 + 1e-12


@settings(max_examples=25, deadline=None)
@given(name=st.sampled_from(sorted(DATASETS)), seed=st.integers(0, 2**32 - 1))
def test_same_seed_same_data(name, seed):
    a = make_dataset(name, noise=0.3, rng=np.random.default_rng(seed))
    b = make_dataset(name, noise=0.3, rng=np.random.default_rng(seed))
    c = make_dataset(name, noise=0.3, rng=np.random.default_rng(seed + 1))
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_default_sample_counts(rng):
    assert make_dataset("circle", rng=rng)[0].shape == (500, 2)
    assert make_dataset("reg-plane", rng=rng)[0].shape == (1200, 2)
    assert ds.make_spiral(rng=rng)[0].shape == (500, 2)


def test_unknown_name_suggests_closest(rng):
    with pytest.raises(ValueError, match=r"Unknown dataset 'circel'.*'spiral'.*'circle'\?"):
        make_dataset("circel", rng=rng)
    with pytest.raises(ValueError, match=r"Did you mean 'circle'\?"):
        get_dataset_spec("Circle")
    with pytest.raises(ValueError, match="problem"):
        dataset_names("clustering")


@pytest.mark.parametrize("noise", [-0.01, 0.81, float("nan"), "0.1", True])
def test_noise_out_of_range(rng, noise):
    with pytest.raises(ValueError, match=r"'noise' parameter of make_dataset .*\[0\.0, 0\.8\]"):
        make_dataset("circle", noise=noise, rng=rng)


@pytest.mark.parametrize("n_samples", [1, 0, -5, 100_001, 2.5, True])
def test_n_samples_out_of_range(rng, n_samples):
    with pytest.raises(ValueError, match=r"'n_samples' parameter .*\[2, 100000\]"):
        make_dataset("xor", n_samples, rng=rng)


def test_generators_validate_directly(rng):
    with pytest.raises(ValueError, match="'noise' parameter of make_spiral3"):
        ds.make_spiral3(100, 2.0, rng=rng)


# ------------------------------------------------------------------ train/test split


def test_split_is_one_permutation_cut_at_floor(rng):
    X = np.arange(1000, dtype=float).reshape(500, 2)
    y = np.arange(500)
    X_tr, y_tr, X_te, y_te = train_test_split(X, y, 0.7, rng=np.random.default_rng(9))
    assert len(y_tr) == 350 and len(y_te) == 150
    order = np.random.default_rng(9).permutation(500)
    np.testing.assert_array_equal(np.concatenate([y_tr, y_te]), order)
    np.testing.assert_array_equal(X_tr[:, 0], 2 * y_tr)
    np.testing.assert_array_equal(X_te[:, 1], 2 * y_te + 1)


@pytest.mark.parametrize(("n", "fraction", "n_train"),
                         [(500, 0.5, 250), (100, 0.57, 57), (7, 0.5, 3), (11, 0.9, 9)])  # fmt: skip
def test_split_sizes_match_tf_floor(n, fraction, n_train):
    X, y = np.zeros((n, 2)), np.zeros(n)
    assert len(train_test_split(X, y, fraction, rng=np.random.default_rng(0))[1]) == n_train


@pytest.mark.parametrize("fraction", [0.05, 0.95, float("nan")])
def test_split_fraction_validated(fraction):
    with pytest.raises(ValueError, match=r"'train_fraction' .*\[0\.1, 0\.9\]"):
        train_test_split(np.zeros((10, 2)), np.zeros(10), fraction, rng=np.random.default_rng())


def test_split_rejects_mismatch_and_empty_side():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="same length"):
        train_test_split(np.zeros((10, 2)), np.zeros(9), rng=rng)
    with pytest.raises(ValueError, match="empty"):
        train_test_split(np.zeros((2, 2)), np.zeros(2), 0.1, rng=rng)
