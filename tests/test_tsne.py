"""t-SNE: parity with scikit-learn (test-only oracle), gradients, validation, NaN guards, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pyplayground.distill_data import make_distill_data
from pyplayground.engine.gradcheck import numerical_gradient, rel_error
from pyplayground.tsne import (
    TSNE,
    TSNEStep,
    TSNEStepper,
    joint_probabilities,
    joint_probabilities_nn,
    kl_divergence,
    kl_gradient,
)
from pyplayground.tsne_cli import main as tsne_main

sklearn_manifold = pytest.importorskip("sklearn.manifold")
threadpoolctl = pytest.importorskip("threadpoolctl")


@pytest.fixture(scope="module", autouse=True)
def _one_blas_thread():
    # the machine is shared: keep OpenBLAS/OpenMP (ours and scikit-learn's) on one thread
    with threadpoolctl.threadpool_limits(1):
        yield


def blobs(n: int = 300, n_features: int = 10, centers: int = 4, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    c = rng.normal(scale=8.0, size=(centers, n_features))
    return c[np.arange(n) % centers] + rng.normal(size=(n, n_features))


def linked_rings(n_per_ring: int = 150) -> np.ndarray:
    return make_distill_data("linked_rings", rng=np.random.default_rng(0), n_points=n_per_ring).X


DATASETS = {"blobs": blobs, "linked_rings": linked_rings}
SK_METHOD = {"exact": "exact", "fft": "barnes_hut"}


# --------------------------------------------------------------------------------------------
# Parity with scikit-learn
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs():
    """Fit ours and scikit-learn's on the same data and settings, once per module."""
    from sklearn.manifold import TSNE as SKTSNE

    cache: dict[tuple[str, str], dict] = {}

    def get(data: str, method: str) -> dict:
        key = (data, method)
        if key not in cache:
            X = DATASETS[data]()
            sk = SKTSNE(method=SK_METHOD[method], init="pca", random_state=0, perplexity=30.0)
            Ysk = sk.fit_transform(X)
            ours = TSNE(method=method, init="pca", random_state=0, perplexity=30.0)
            Y = ours.fit_transform(X)
            cache[key] = {"X": X, "sk": sk, "Ysk": Ysk, "ours": ours, "Y": Y}
        return cache[key]

    return get


@pytest.mark.parametrize("method", ["exact", "fft"])
@pytest.mark.parametrize("data", list(DATASETS))
def test_final_kl_within_10_percent_of_sklearn(runs, data, method):
    r = runs(data, method)
    ours, sk = r["ours"].kl_divergence_, r["sk"].kl_divergence_
    assert np.isfinite(ours)
    assert ours <= 1.10 * sk, (ours, sk)
    # the same comparison under one objective: the exact KL of both embeddings
    P = joint_probabilities(r["X"], 30.0)
    assert kl_divergence(r["Y"], P) <= 1.10 * kl_divergence(r["Ysk"], P)


@pytest.mark.parametrize("method", ["exact", "fft"])
@pytest.mark.parametrize("data", list(DATASETS))
def test_trustworthiness_within_002_of_sklearn(runs, data, method):
    from sklearn.manifold import trustworthiness

    r = runs(data, method)
    ours = trustworthiness(r["X"], r["Y"], n_neighbors=5)
    theirs = trustworthiness(r["X"], r["Ysk"], n_neighbors=5)
    assert ours >= theirs - 0.02, (ours, theirs)


def test_fitted_attributes(runs):
    r = runs("blobs", "exact")
    model = r["ours"]
    assert model.embedding_.shape == (300, 2)
    assert model.embedding_ is r["Y"]
    assert model.n_iter_ == 1000
    assert model.learning_rate_ == 50.0  # max(300 / 12 / 4, 50)
    assert model.n_features_in_ == 10
    np.testing.assert_allclose(model.embedding_.mean(axis=0), 0.0, atol=1e-9)  # re-centred


def test_dense_affinities_match_sklearn():
    from sklearn.manifold._t_sne import _joint_probabilities

    X = blobs(120)
    d = ((X[:, None] - X[None]) ** 2).sum(-1)
    theirs = _joint_probabilities(d, 20.0, 0)  # condensed
    ours = joint_probabilities(X, 20.0)
    iu = np.triu_indices(len(X), 1)
    np.testing.assert_allclose(ours[iu], theirs, rtol=1e-4, atol=1e-10)
    assert ours.sum() == pytest.approx(1.0)
    np.testing.assert_array_equal(np.diag(ours), 0.0)
    np.testing.assert_array_equal(ours, ours.T)


def test_sparse_affinities_match_sklearn():
    from sklearn.manifold._t_sne import _joint_probabilities_nn
    from sklearn.neighbors import NearestNeighbors

    X = blobs(150)
    k = int(3 * 10.0 + 1)
    graph = NearestNeighbors(n_neighbors=k).fit(X).kneighbors_graph(mode="distance")
    graph.data **= 2
    theirs = _joint_probabilities_nn(graph, 10.0, 0).toarray()
    rows, cols, vals = joint_probabilities_nn(X, 10.0)
    ours = np.zeros_like(theirs)
    ours[rows, cols] = vals
    ours[cols, rows] = vals
    assert (rows < cols).all()
    np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-10)


def test_perplexity_search_hits_the_target_entropy():
    from pyplayground.tsne import _binary_search_perplexity

    rng = np.random.default_rng(3)
    D = rng.gamma(2.0, size=(50, 80)) * rng.uniform(0.01, 100, size=(50, 1))
    P = _binary_search_perplexity(D, 12.0)
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    H = -(P * np.log(np.where(P > 0, P, 1))).sum(axis=1)
    np.testing.assert_allclose(H, np.log(12.0), atol=1e-5)


@settings(max_examples=60, deadline=None)
@given(
    X=hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 12), st.integers(1, 4)),
        elements=st.sampled_from([0.0, 1.0, -1.0, 1e-300, 3.5, 1e200, -7e150]),
    ),
    perplexity=st.floats(0.5, 11.9),
)
def test_affinities_are_finite_for_any_finite_input(X, perplexity):
    """Duplicates, constant columns and wild scales: never NaN (tsnejs#2, PR #5)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow/invalid warnings either
        P = joint_probabilities(X, perplexity)
        rows, cols, vals = joint_probabilities_nn(X, perplexity)
    assert (rows < cols).all()
    assert np.isfinite(P).all()
    assert P.sum() == pytest.approx(1.0, abs=1e-9)
    np.testing.assert_array_equal(P, P.T)
    assert np.isfinite(vals).all()
    assert 2 * vals.sum() == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------
# Gradients
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n_components", [1, 2, 3])
def test_exact_gradient_matches_finite_differences(rng, n_components):
    X = rng.normal(size=(12, 4))
    P = joint_probabilities(X, 4.0)
    Y = rng.normal(size=(12, n_components))

    def f(_):  # numerical_gradient nudges Y in place; f reads it through the closure
        return kl_divergence(Y, P)

    grad, Z = kl_gradient(Y, P)
    assert rel_error(grad, numerical_gradient(f, Y)) < 1e-7
    d2 = ((Y[:, None] - Y[None]) ** 2).sum(-1)
    assert pytest.approx((1 / (1 + d2)).sum() - len(Y)) == Z


def test_exaggerated_gradient_matches_a_loop_reference(rng):
    X = rng.normal(size=(10, 3))
    P = joint_probabilities(X, 3.0)
    Y = rng.normal(size=(10, 2))
    grad, _ = kl_gradient(Y, P, exaggeration=12.0)
    num = 1 / (1 + ((Y[:, None] - Y[None]) ** 2).sum(-1))
    np.fill_diagonal(num, 0)
    Q = num / num.sum()
    ref = np.zeros_like(Y)
    for i in range(10):
        for j in range(10):
            ref[i] += 4 * (12.0 * P[i, j] - Q[i, j]) * num[i, j] * (Y[i] - Y[j])
    np.testing.assert_allclose(grad, ref, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize(("n", "n_components"), [(2, 2), (7, 1), (150, 2), (333, 3), (640, 2)])
def test_stepper_float32_exact_gradient_matches_float64(n, n_components):
    # The stepper's exact gradient works in float32 over the upper triangle in row blocks
    # (1 to 6 blocks here).  Against the float64 kl_gradient, which the finite-difference
    # test above checks: float32 rounding (relative 6e-8 per element) of the kernel and the
    # weights gives about 1e-4 relative on a spread-out, nearly converged layout (where
    # attraction and repulsion almost cancel), far below what changes an optimisation.
    from pyplayground.tsne import _ExactKernel

    X = blobs(n, centers=min(4, n))
    model = TSNE(n_components, perplexity=min(30.0, n - 1.0), random_state=0, init="random")
    stepper = model.start(X)
    stepper.step(300, compute_kl=False)  # a spread-out layout, |y| up to about 20-40
    Y, P = stepper.embedding, stepper.affinities
    assert len(stepper._kernel.blocks) == max(1, min(8, n // 100))
    for exaggeration in (1.0, 12.0):
        grad, kl = stepper._kernel(Y, exaggeration, stepper._plogp)
        ref, _ = kl_gradient(Y, P, exaggeration)
        assert grad.dtype == np.float64
        assert rel_error(grad, ref) < 2e-3
        assert kl == pytest.approx(kl_divergence(Y, P), rel=1e-5, abs=1e-6)
    if n < 3:
        return
    # duplicated points (distance exactly 0) and a far outlier stay finite
    Y[1] = Y[0]
    Y[-1] = 1e4
    grad, kl = _ExactKernel(P, n_components)(Y, 1.0, stepper._plogp)
    assert np.isfinite(grad).all() and np.isfinite(kl)
    assert rel_error(grad, kl_gradient(Y, P)[0]) < 2e-3


@pytest.mark.parametrize("n_components", [1, 2])
def test_fft_repulsion_matches_exact_repulsion(n_components):
    from pyplayground.tsne import _kernel_matrix
    from pyplayground.tsne_fft import _FFTRepulsion

    rng = np.random.default_rng(5)
    # a t-SNE-like layout: dense clusters spread over a wide area
    centres = rng.uniform(-40, 40, size=(8, n_components))
    Y = centres[np.arange(600) % 8] + rng.normal(scale=4.0, size=(600, n_components))
    k = _kernel_matrix(Y)
    np.fill_diagonal(k, 0.0)
    Z = k.sum()
    k2 = k * k
    exact = k2.sum(1)[:, None] * Y - k2 @ Y
    F, Zf = _FFTRepulsion(len(Y))(Y)
    assert Zf == pytest.approx(Z, rel=2e-3)
    assert rel_error(F, exact) < 5e-3  # 3-node FIt-SNE interpolation alone: ~2e-2


def test_fft_gradient_close_to_exact_gradient_with_the_same_sparse_p():
    model = TSNE(method="fft", random_state=0)
    stepper = model.start(blobs(300))
    stepper.step(300, compute_kl=False)
    Y = stepper.embedding
    rows, cols, vals = stepper.affinities
    P = np.zeros((300, 300))
    P[rows, cols] = vals
    P[cols, rows] = vals
    exact, _ = kl_gradient(Y, P)
    approx, kl = stepper._gradient(1.0, True)
    assert rel_error(approx, exact) < 0.05
    pos = P > 0
    num = 1 / (1 + ((Y[:, None] - Y[None]) ** 2).sum(-1))
    np.fill_diagonal(num, 0)
    exact_kl = float(np.sum(P[pos] * np.log(P[pos] / (num[pos] / num.sum()))))
    assert kl == pytest.approx(exact_kl, rel=1e-3)


# --------------------------------------------------------------------------------------------
# Step interface
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["exact", "fft"])
def test_steps_equal_fit_transform_for_the_same_seed(method):
    X = blobs(150)
    settings = dict(method=method, random_state=3, perplexity=20.0, n_iter=400)
    model = TSNE(**settings, n_iter_without_progress=1000)
    Y = model.fit_transform(X)
    stepper = TSNE(**settings).start(X)
    assert isinstance(stepper, TSNEStepper)
    first = stepper.step(1)
    assert isinstance(first, TSNEStep)
    assert first.iteration == 1
    stepper.step(249)
    last = stepper.step(150)
    assert last.iteration == stepper.iteration == 400 == model.n_iter_
    np.testing.assert_array_equal(last.embedding, Y)
    assert last.kl_divergence == model.kl_divergence_


def test_step_returns_copies_and_zero_steps_is_allowed():
    stepper = TSNE(perplexity=5, random_state=0).start(blobs(40))
    start = stepper.step(0)
    assert start.iteration == 0
    assert np.isnan(start.kl_divergence)
    start.embedding[:] = 99.0
    assert not np.any(stepper.embedding == 99.0)
    frame = stepper.step(5, compute_kl=False)
    assert np.isnan(frame.kl_divergence)
    assert np.isfinite(frame.grad_norm)
    assert np.isfinite(stepper.kl_divergence())
    with pytest.raises(ValueError, match=r"'n_steps' parameter of TSNEStepper\.step"):
        stepper.step(-1)
    with pytest.raises(ValueError, match="n_steps"):
        stepper.step(2.5)  # type: ignore[arg-type]


def test_same_seed_same_result_and_generator_is_consumed():
    X = blobs(60)
    a = TSNE(perplexity=10, n_iter=100, random_state=4, init="random").fit_transform(X)
    b = TSNE(perplexity=10, n_iter=100, random_state=4, init="random").fit_transform(X)
    np.testing.assert_array_equal(a, b)
    gen = np.random.default_rng(4)
    c = TSNE(perplexity=10, n_iter=100, random_state=gen, init="random").fit_transform(X)
    d = TSNE(perplexity=10, n_iter=100, random_state=gen, init="random").fit_transform(X)
    assert not np.array_equal(c, d)


def test_small_gradient_ends_exaggeration_first_then_the_run():
    # scikit-learn's rule: a small gradient while exaggerated only ends that phase
    model = TSNE(perplexity=10, random_state=0, min_grad_norm=1e6).fit(blobs(60))
    assert model.n_iter_ == 100  # phase 1 ended at 50, the run at the next check
    assert np.isfinite(model.kl_divergence_)


def test_init_array_and_params_api():
    X = blobs(30)
    init = np.random.default_rng(0).normal(size=(30, 2)) * 1e-4
    stepper = TSNE(perplexity=5, init=init).start(X)
    np.testing.assert_array_equal(stepper.embedding, init)
    model = TSNE(perplexity=5.0, method="fft")
    assert model.get_params()["perplexity"] == 5.0
    assert model.set_params(perplexity=7.0) is model
    assert model.perplexity == 7.0
    assert repr(model) == "TSNE(perplexity=7.0, method='fft')"
    with pytest.raises(ValueError, match="Invalid parameter 'perplexty'"):
        model.set_params(perplexty=3)


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

INVALID = [
    ("perplexity", -5, "must be a float in the range (0, inf). Got -5 instead."),
    ("perplexity", 0, "must be a float in the range (0, inf). Got 0 instead."),
    ("perplexity", float("nan"), "must be a float in the range (0, inf). Got nan instead."),
    ("perplexity", True, "must be a float in the range (0, inf). Got True instead."),
    ("perplexity", "30", "must be a float in the range (0, inf). Got '30' instead."),
    ("n_components", 0, "must be an int in the range [1, inf). Got 0 instead."),
    ("n_components", 2.0, "must be an int in the range [1, inf). Got 2.0 instead."),
    ("early_exaggeration", 0.5, "must be a float in the range [1, inf). Got 0.5 instead."),
    (
        "learning_rate",
        "fast",
        "must be a str among {'auto'} or a float in the range (0, inf). Got 'fast' instead.",
    ),
    (
        "learning_rate",
        0.0,
        "must be a str among {'auto'} or a float in the range (0, inf). Got 0.0 instead.",
    ),
    ("n_iter", 0, "must be an int in the range [1, inf). Got 0 instead."),
    ("n_iter_early_exag", -1, "must be an int in the range [0, inf). Got -1 instead."),
    ("n_iter_without_progress", -2, "must be an int in the range [-1, inf). Got -2 instead."),
    ("min_grad_norm", -1e-7, "must be a float in the range [0, inf). Got -1e-07 instead."),
    (
        "method",
        "tree",
        "must be a str among {'barnes_hut', 'exact', 'fft'}. Got 'tree' instead.",
    ),
    (
        "init",
        "spectral",
        "must be a str among {'pca', 'random'} or an instance of 'numpy.ndarray'. "
        "Got 'spectral' instead.",
    ),
    (
        "random_state",
        -1,
        "must be an int in the range [0, inf), an instance of 'numpy.random.Generator' or "
        "None. Got -1 instead.",
    ),
]


@pytest.mark.parametrize(
    ("name", "value", "message"), INVALID, ids=[f"{n}={v!r}" for n, v, _ in INVALID]
)
def test_invalid_parameters_fail_at_fit_with_sklearn_style_messages(name, value, message):
    model = TSNE(**{name: value})  # the constructor only stores
    assert getattr(model, name) is value
    with pytest.raises(ValueError) as info:
        model.fit_transform(blobs(40))
    assert str(info.value) == f"The {name!r} parameter of TSNE {message}"


def test_the_issue_example_message_verbatim():
    with pytest.raises(ValueError) as info:
        TSNE(perplexity=-5).fit_transform(blobs(20))
    assert str(info.value) == (
        "The 'perplexity' parameter of TSNE must be a float in the range (0, inf). Got -5 instead."
    )


def test_fft_method_supports_at_most_two_components():
    with pytest.raises(ValueError, match="supports n_components of 1 or 2; got 3"):
        TSNE(n_components=3, method="barnes_hut").fit(blobs(40))
    Y = TSNE(n_components=1, method="fft", perplexity=5, n_iter=300, random_state=0).fit_transform(
        blobs(60)
    )
    assert Y.shape == (60, 1)
    assert np.isfinite(Y).all()


BAD_X = [
    (np.array([[1.0, np.nan], [0.0, 1.0], [2.0, 2.0]]), "Input X contains NaN."),
    (np.array([[1.0, np.inf], [0.0, 1.0], [2.0, 2.0]]), "Input X contains infinity"),
    (np.ones(5), r"Expected a 2-D array of shape \(n_samples, n_features\), got shape \(5,\)"),
    (np.ones((1, 3)), r"Found array with 1 sample\(s\) \(shape=\(1, 3\)\) while a minimum of 2"),
    (np.ones((4, 0)), r"Found array with 0 feature\(s\)"),
    ([["a", "b"], ["c", "d"]], "TSNE expects numeric data"),
]


@pytest.mark.parametrize(("X", "message"), BAD_X, ids=["nan", "inf", "1d", "one", "nofeat", "str"])
def test_bad_input_is_rejected(X, message):
    with pytest.raises(ValueError, match=message):
        TSNE(perplexity=0.5).fit_transform(X)


def test_perplexity_must_be_below_n_samples():
    with pytest.raises(
        ValueError, match=r"perplexity \(30\.0\) must be less than n_samples \(20\)"
    ):
        TSNE().fit(blobs(20))
    with pytest.raises(ValueError, match=r"must be less than n_samples \(20\)"):
        TSNE(perplexity=20).start(blobs(20))


def test_init_array_shape_and_values_are_checked():
    with pytest.raises(ValueError, match=r"\(n_samples, n_components\) = \(30, 2\); got \(30, 3\)"):
        TSNE(perplexity=5, init=np.zeros((30, 3))).fit(blobs(30))
    bad = np.zeros((30, 2))
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="'init' array contains NaN"):
        TSNE(perplexity=5, init=bad).fit(blobs(30))


# --------------------------------------------------------------------------------------------
# NaN guards: the inputs that break tsnejs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["exact", "fft"])
def test_constant_data_warns_and_stays_finite(method):
    with pytest.warns(UserWarning, match="All samples of X are identical"):
        model = TSNE(perplexity=5, method=method, n_iter=300, random_state=0)
        Y = model.fit_transform(np.full((40, 3), 7.0))
    assert np.isfinite(Y).all()
    assert np.isfinite(model.kl_divergence_)


@pytest.mark.parametrize("method", ["exact", "fft"])
def test_duplicated_points_stay_finite(method):
    X = np.repeat(blobs(30), 3, axis=0)  # every point three times
    model = TSNE(perplexity=10, method=method, n_iter=300, random_state=0)
    Y = model.fit_transform(X)
    assert np.isfinite(Y).all()
    assert np.isfinite(model.kl_divergence_)


def test_unscaled_features_give_the_same_embedding_as_scaled_ones():
    # karpathy/tsnejs#2: NaN after one step on unscaled features.  Input is rescaled first,
    # so (with exact power-of-two factors) huge or tiny features give the identical run.
    X = blobs(50)
    a = TSNE(perplexity=10, n_iter=250, random_state=0).fit_transform(X)
    b = TSNE(perplexity=10, n_iter=250, random_state=0).fit_transform(X * 2.0**480)
    c = TSNE(perplexity=10, n_iter=250, random_state=0).fit_transform(X * 2.0**-480)
    assert np.isfinite(b).all()
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a, c)
    P = joint_probabilities(X * 1e150, 10.0)  # any factor: the affinities agree closely
    np.testing.assert_allclose(P, joint_probabilities(X, 10.0), rtol=1e-6, atol=1e-12)


def test_edge_sizes_and_unreachable_perplexity_stay_finite():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        two = TSNE(perplexity=1.5, n_iter=300, random_state=0).fit_transform([[0.0], [1.0]])
        # perplexity in (n - 1, n) is accepted (as scikit-learn) but cannot be reached
        near = TSNE(perplexity=9.5, n_iter=300, random_state=0).fit_transform(blobs(10))
    assert np.isfinite(two).all()
    assert np.isfinite(near).all()
    P = joint_probabilities(blobs(10), 9.5)
    np.testing.assert_allclose(P[~np.eye(10, dtype=bool)], 1 / 90, rtol=0.05)


def test_divergence_raises_instead_of_returning_nan():
    stepper = TSNE(perplexity=5, learning_rate=1e300, random_state=0).start(blobs(30))
    with pytest.raises(FloatingPointError, match="lower the learning rate"):
        stepper.step(20)
    assert np.isfinite(stepper.embedding).all()


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def test_cli_text_output(capsys):
    code = tsne_main(
        [
            "--dataset",
            "two_clusters",
            "--param",
            "points_per_cluster=20",
            "--perplexity",
            "10",
            "--steps",
            "200",
            "--seed",
            "1",
        ]
    )
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0].startswith("# t-SNE of two_clusters: 40 samples x 2 features, method exact")
    assert out[1].startswith("# KL divergence ")
    assert out[2] == "y0,y1"
    rows = np.array([[float(v) for v in line.split(",")] for line in out[3:]])
    assert rows.shape == (40, 2)


def test_cli_json_matches_the_library(capsys):
    args = [
        "--dataset",
        "trefoil_knot",
        "--perplexity",
        "10",
        "--learning-rate",
        "20",
        "--steps",
        "150",
        "--seed",
        "2",
        "--method",
        "barnes_hut",
        "--json",
    ]
    assert tsne_main(args) == 0
    out = json.loads(capsys.readouterr().out)
    X = make_distill_data("trefoil_knot", rng=np.random.default_rng(2)).X
    stepper = TSNE(perplexity=10, learning_rate=20.0, method="fft", random_state=2).start(X)
    stepper.step(150)
    np.testing.assert_allclose(out["embedding"], stepper.embedding, atol=1e-6)
    assert out["kl_divergence"] == pytest.approx(stepper.kl_divergence())
    assert out["n_samples"] == 50
    assert out["steps"] == 150
    assert len(out["colors"]) == 50
    assert out["colors"][0] == "hsl(0,50%,50%)"


def test_cli_reads_csv_with_header_and_labels(tmp_path, capsys):
    X = blobs(30, n_features=3)
    lines = ["a,b,label,c"] + [f"{r[0]},{r[1]},k{i % 2},{r[2]}" for i, r in enumerate(X)]
    path = tmp_path / "points.csv"
    path.write_text("\n".join(lines) + "\n")
    assert tsne_main(["--dataset", str(path), "--perplexity", "5", "--steps", "100", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_features"] == 3
    assert out["labels"][:2] == ["k0", "k1"]
    assert out["colors"] is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dataset", "two_cluster"], "Did you mean 'two_clusters'"),
        (["--dataset", "gaussian_cloud", "--param", "n_points=20"], "must be less than n_samples"),
        (["--param", "dim"], "--param expects NAME=VALUE"),
        (["--param", "dim=x"], "is not a number"),
        (["--param", "dim=500"], "ranges over [1, 100]"),
        (["--learning-rate", "fast"], "--learning-rate must be a number or 'auto'"),
        (["--perplexity", "-5"], "The 'perplexity' parameter of TSNE must be a float"),
        (["--dataset", "missing.csv"], "cannot read 'missing.csv'"),
        (["--steps", "-1"], "--steps must be >= 0"),
    ],
)
def test_cli_errors_exit_2_with_a_message(args, message, capsys):
    assert tsne_main(args) == 2
    assert message in capsys.readouterr().err


def test_cli_bad_csv_cell_names_the_line(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("1,2\n3,oops\n")
    assert tsne_main(["--dataset", str(path)]) == 2
    assert "bad.csv:2: column 2 holds 'oops', not a number." in capsys.readouterr().err


def test_cli_divergence_exits_3(capsys):
    assert tsne_main(["--learning-rate", "1e300", "--steps", "5"]) == 3
    assert "diverged" in capsys.readouterr().err


def test_cli_list_and_module_entry_point():
    result = subprocess.run(
        [sys.executable, "-m", "pyplayground.tsne_cli", "--list"],
        capture_output=True,
        text=True,
        check=True,
    )
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert len(names) == 18
    assert names[0] == "grid"
