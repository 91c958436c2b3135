"""Hypothesis properties of the engine: softmax, the grid evaluator, network copies."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from pyplayground.engine import (
    ACTIVATIONS,
    Network,
    build_mlp,
    evaluate_grid,
    softmax,
    softmax_cross_entropy,
)

logit_matrices = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=8),
    elements=st.floats(-500.0, 500.0, allow_nan=False, allow_infinity=False),
)


@given(logit_matrices)
def test_softmax_rows_are_distributions(logits: np.ndarray) -> None:
    p = softmax(logits)
    assert p.shape == logits.shape
    assert np.all(p >= 0) and np.all(p <= 1)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-12)
    # the largest logit gets the largest probability
    rows = np.arange(len(p))
    assert np.all(p[rows, logits.argmax(axis=1)] == p.max(axis=1))


@given(logit_matrices, st.floats(-1e3, 1e3), st.data())
def test_softmax_is_shift_invariant(logits: np.ndarray, shift: float, data) -> None:
    p = softmax(logits)
    np.testing.assert_allclose(softmax(logits + shift), p, rtol=1e-9, atol=1e-12)
    per_row = data.draw(hnp.arrays(np.float64, (len(logits), 1), elements=st.floats(-1e3, 1e3)))
    np.testing.assert_allclose(softmax(logits + per_row), p, rtol=1e-9, atol=1e-12)


@given(logit_matrices, st.data())
def test_cross_entropy_is_finite_and_matches_softmax(logits: np.ndarray, data) -> None:
    n, k = logits.shape
    y = np.array(data.draw(st.lists(st.integers(0, k - 1), min_size=n, max_size=n)), float)
    loss, dlogits = softmax_cross_entropy(logits, y)
    assert np.isfinite(loss) and loss >= 0
    onehot = np.eye(k)[y.astype(int)]
    np.testing.assert_allclose(dlogits, (softmax(logits) - onehot) / n, atol=1e-15)


# --------------------------------------------------------------------- grid evaluator
@st.composite
def networks(draw) -> Network:
    problem = draw(st.sampled_from(["classification", "regression", "multiclass"]))
    n_inputs = draw(st.integers(1, 5))
    hidden = draw(st.lists(st.integers(1, 6), max_size=3))
    acts = [draw(st.sampled_from(sorted(ACTIVATIONS))) for _ in hidden]
    n_outputs = draw(st.integers(3, 5)) if problem == "multiclass" else 1
    init = draw(st.sampled_from(["playground", "xavier", "he"]))
    seed = draw(st.integers(0, 2**32 - 1))
    return build_mlp(
        n_inputs, hidden, n_outputs, activation=acts, problem=problem, init=init,
        rng=np.random.default_rng(seed),
    )  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(networks(), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_evaluate_grid_matches_activations(net: Network, n_points: int, seed: int) -> None:
    grid = np.random.default_rng(seed).uniform(-6, 6, size=(n_points, net.n_inputs))
    reference = net.activations(grid)
    for dtype, rtol in ((np.float32, 1e-4), (np.float64, 1e-12)):
        outs = evaluate_grid(net, grid, dtype=dtype)
        assert len(outs) == len(net.layers) + 1
        np.testing.assert_allclose(outs[0], grid.T, rtol=rtol)
        for k, (got, ref) in enumerate(zip(outs[1:], reference, strict=True)):
            assert got.dtype == dtype, k
            assert got.shape == (net.layers[k].n_out, n_points)
            assert got.flags.c_contiguous, k  # row k reshapes to a heatmap without a copy
            scale = 1.0 + float(np.max(np.abs(ref)))
            np.testing.assert_allclose(got, ref.T, rtol=rtol, atol=rtol * scale, err_msg=str(k))


# ----------------------------------------------------------------------- copies
@settings(max_examples=30, deadline=None)
@given(networks(), st.integers(0, 2**32 - 1))
def test_copy_is_independent(net: Network, seed: int) -> None:
    rng = np.random.default_rng(seed)
    net.frozen[np.flatnonzero(net.weight_mask)[:1]] = True
    clone = net.copy()
    x = rng.normal(size=(4, net.n_inputs))
    np.testing.assert_array_equal(clone.params, net.params)
    np.testing.assert_array_equal(clone.frozen, net.frozen)
    np.testing.assert_array_equal(clone.predict(x), net.predict(x))
    assert [(lay.activation, lay.dropout) for lay in clone.layers] == [
        (lay.activation, lay.dropout) for lay in net.layers
    ]
    assert clone.problem == net.problem
    # no memory shared between any buffers or layer views
    for a in (clone.params, clone.grads, clone.frozen):
        for b in (net.params, net.grads, net.frozen):
            assert not np.shares_memory(a, b)
    for mine, theirs in zip(clone.layers, net.layers, strict=True):
        assert np.shares_memory(mine.w, clone.params)  # views into its own buffer
        assert not np.shares_memory(mine.w, theirs.w)
        assert not np.shares_memory(mine.frozen, theirs.frozen)

    original = net.params.copy()
    original_frozen = net.frozen.copy()
    y = rng.normal(size=4) if net.problem != "multiclass" else np.zeros(4)
    clone.loss_and_grad(x, y)
    clone.params -= 0.5 * clone.grads + 1.0
    clone.frozen[...] = ~clone.frozen
    clone.set_parameter(0, "b", (0,), 123.0)
    np.testing.assert_array_equal(net.params, original)
    np.testing.assert_array_equal(net.frozen, original_frozen)
    # and the other way round
    clone_params = clone.params.copy()
    net.params[...] = 0.0
    net.frozen[...] = True
    np.testing.assert_array_equal(clone.params, clone_params)
    assert not np.all(clone.frozen[clone.weight_mask])
