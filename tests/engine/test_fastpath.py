"""The training fast path (``engine.fastpath``) gives the general path's gradients.

Without BLAS (Pyodide) the two agree bit for bit except where ``add.reduce`` sums a
single-column batch pairwise; with BLAS they may differ in the last bit.  Either way the
tolerance here is 1e-15 absolute on gradients of order 1, and whole training runs stay
within 1e-12 of the general path.
"""

from __future__ import annotations

import numpy as np
import pytest

from pyplayground.engine import ACTIVATIONS, Dense, Network, build_mlp
from pyplayground.engine.fastpath import FastGradient
from pyplayground.trainer import TrainConfig, Trainer

PROBLEMS = {"classification": 1, "regression": 1, "multiclass": 3}


def _data(problem: str, n: int, n_in: int, rng: np.random.Generator) -> tuple:
    X = rng.normal(size=(n, n_in))
    if problem == "multiclass":
        y = rng.integers(0, 3, size=(n, 1)).astype(np.float64)
    elif problem == "classification":
        y = np.where(rng.normal(size=(n, 1)) > 0, 1.0, -1.0)
    else:
        y = rng.normal(size=(n, 1))
    return X, y


@pytest.mark.parametrize("problem", sorted(PROBLEMS))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("hidden", [(), (3,), (4, 2), (8,) * 6])
def test_same_gradients_as_the_general_path(
    problem: str, activation: str, hidden: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(3)
    net = build_mlp(7, hidden, PROBLEMS[problem], activation=activation, problem=problem, rng=rng)
    X, y = _data(problem, 25, 7, rng)
    fast = FastGradient(net, X, y)
    for start, stop in ((0, 10), (10, 20), (20, 25), (0, 25)):  # full, partial, whole
        net.grads[...] = 0.0
        net.accumulate_grad(X[start:stop], y[start:stop])
        general = net.grads.copy()
        net.grads[...] = np.nan  # every entry must be written
        fast.accumulate_grad(start, stop)
        np.testing.assert_allclose(net.grads, general, rtol=0, atol=1e-15)


def test_reads_the_current_weights() -> None:
    rng = np.random.default_rng(0)
    net = build_mlp(2, (4, 2), rng=rng)
    X, y = _data("classification", 10, 2, rng)
    fast = FastGradient(net, X, y)
    fast.accumulate_grad(0, 10)
    before = net.grads.copy()
    net.params *= 1.5  # in place, as optimizers update
    fast.accumulate_grad(0, 10)
    net.accumulate_grad(X, y)
    assert not np.array_equal(before, net.grads)
    expected = net.grads.copy()
    fast.accumulate_grad(0, 10)
    np.testing.assert_allclose(net.grads, expected, rtol=0, atol=1e-15)


def test_dropout_is_not_supported() -> None:
    rng = np.random.default_rng(0)
    net = build_mlp(2, (4,), dropout=0.2, rng=rng)
    assert not FastGradient.supports(net)
    with pytest.raises(ValueError, match="general path"):
        FastGradient(net, np.zeros((3, 2)), np.zeros((3, 1)))
    assert FastGradient.supports(Network([Dense(2, 1)]))


@pytest.mark.parametrize(
    "config",
    [
        TrainConfig(),
        TrainConfig(batch_size=7, optimizer="adam"),
        TrainConfig(batch_size=7, partial_batch="carry", regularization="L1",
                    regularization_rate=0.01),
        TrainConfig(batch_size=3, shuffle=True, optimizer="momentum",
                    regularization="L2", regularization_rate=0.003),
    ],
)  # fmt: skip
def test_training_matches_the_general_path(config: TrainConfig, monkeypatch) -> None:
    """50 epochs through the Trainer with and without the fast path."""

    def run(fast: bool) -> np.ndarray:
        rng = np.random.default_rng(7)
        net = build_mlp(2, (4, 2), rng=rng)
        X, y = _data("classification", 103, 2, rng)
        trainer = Trainer(net, X, y, config=config, rng=np.random.default_rng(1))
        if not fast:
            monkeypatch.setattr(FastGradient, "supports", staticmethod(lambda network: False))
        trainer.step(50)
        assert (trainer._fast is not None) == fast
        monkeypatch.undo()
        return net.params.copy()

    np.testing.assert_allclose(run(True), run(False), rtol=0, atol=1e-12)
