"""Behaviour of the headless Trainer: learning, determinism, divergence, live settings."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

from pyplayground.engine import build_mlp
from pyplayground.trainer import StepResult, TrainConfig, Trainer


# ------------------------------------------------------------------ toy data (NumPy)
def circle(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TF-style circle: label +1 inside radius 2.5, -1 in the ring 3.5-5."""
    r = np.concatenate([rng.uniform(0, 2.5, n // 2), rng.uniform(3.5, 5, n - n // 2)])
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([r * np.sin(angle), r * np.cos(angle)]), np.where(r < 3, 1.0, -1.0)


def xor(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TF-style xor: quadrants, pushed 0.3 away from the axes."""
    X = rng.uniform(-5, 5, size=(n, 2))
    X += np.sign(X) * 0.3
    return X, np.where(X[:, 0] * X[:, 1] > 0, 1.0, -1.0)


def blobs(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Three Gaussian blobs, integer class labels 0..2."""
    y = np.arange(n) % 3
    centres = np.array([[-3.0, -2.0], [3.0, -2.0], [0.0, 3.0]])
    return centres[y] + rng.normal(scale=1.0, size=(n, 2)), y.astype(np.float64)


def make_trainer(
    seed: int = 0,
    data=circle,
    hidden=(4, 2),
    n: int = 200,
    problem: str = "classification",
    activation="tanh",
    dropout: float = 0.0,
    **config,
) -> Trainer:
    rng = np.random.default_rng(seed)
    X, y = data(n, rng)
    Xt, yt = data(n // 2, rng)
    n_out = 3 if problem == "multiclass" else 1
    net = build_mlp(
        2, hidden, n_out, activation=activation, problem=problem, dropout=dropout, rng=rng
    )
    return Trainer(net, X, y, Xt, yt, config=TrainConfig(**config), rng=rng)


# -------------------------------------------------------------------------- learning
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_circle_reaches_low_loss(seed: int) -> None:
    trainer = make_trainer(seed, circle, (4, 2), n=300)
    first = trainer.evaluate()
    result = trainer.step(200)
    assert result.epoch == 200 and result.status == "ok"
    assert result.test_loss < 0.03 < 0.1 < first.test_loss
    assert result.train_accuracy >= 0.98 and result.test_accuracy >= 0.98


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_xor_reaches_low_loss(seed: int) -> None:
    result = make_trainer(seed, xor, (8,), n=300).step(100)
    assert result.test_loss < 0.05
    assert result.test_accuracy >= 0.95


def test_multiclass_learns_and_accuracy_is_argmax() -> None:
    trainer = make_trainer(0, blobs, (6,), n=150, problem="multiclass", learning_rate=0.1)
    result = trainer.step(30)
    assert result.train_accuracy > 0.9
    net = trainer.network
    probs = net.predict(trainer.X_train)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
    expected = np.mean(np.argmax(probs, axis=1) == trainer.y_train[:, 0])
    assert result.train_accuracy == expected
    expected_test = np.mean(np.argmax(net.predict(trainer.X_test), axis=1) == trainer.y_test[:, 0])
    assert result.test_accuracy == expected_test


def test_multiclass_accuracy_on_hand_made_logits() -> None:
    """Accuracy uses argmax of the logits: set weights so the answer is known."""
    net = build_mlp(2, [], 3, problem="multiclass", rng=np.random.default_rng(0))
    net.layers[0].w[...] = [[1.0, 0.0, -1.0], [0.0, 1.0, 0.0]]
    net.layers[0].b[...] = 0.0
    X = np.array([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [-2.0, 0.0]])
    y = np.array([0.0, 1.0, 2.0, 0.0])  # the last one is wrong: 3 of 4 right
    result = Trainer(net, X, y).evaluate()
    assert result.train_accuracy == 0.75
    assert result.test_accuracy is None and result.test_loss is None


def test_classification_accuracy_is_sign_of_output_and_regression_has_none() -> None:
    net = build_mlp(1, [], rng=np.random.default_rng(0))
    net.layers[0].w[...] = 1.0
    net.layers[0].b[...] = 0.0
    X = np.array([[1.0], [-1.0], [0.0], [-2.0]])
    y = np.array([1.0, -1.0, 1.0, 1.0])  # output 0 counts as +1 (TF's discretize)
    assert Trainer(net, X, y).evaluate().train_accuracy == 0.75
    reg = make_trainer(problem="regression", data=lambda n, r: (r.normal(size=(n, 2)),
                                                                r.normal(size=n)))  # fmt: skip
    result = reg.step()
    assert result.train_accuracy is None and result.test_accuracy is None


# ----------------------------------------------------------------------- determinism
def _weights_after(seed: int, epochs: int = 20) -> np.ndarray:
    trainer = make_trainer(seed, dropout=0.2, shuffle=True, optimizer="adam", batch_size=7)
    trainer.step(epochs)
    return trainer.network.params.copy()


def test_same_seed_gives_identical_weights() -> None:
    np.testing.assert_array_equal(_weights_after(3), _weights_after(3))
    assert not np.array_equal(_weights_after(3), _weights_after(4))


def test_step_n_equals_n_single_steps() -> None:
    a, b = make_trainer(5), make_trainer(5)
    ra = a.step(7)
    for _ in range(7):
        rb = b.step()
    np.testing.assert_array_equal(a.network.params, b.network.params)
    assert ra == rb


# ------------------------------------------------------------------------ divergence
DIVERGING = {
    # deep ReLU regression nets at learning rate 10; seeds chosen to hit both paths
    "nan-weights": {"seed": 3, "hidden": (8,) * 4},
    "infinite-loss": {"seed": 0, "hidden": (8,) * 4},
}


def _diverging_trainer(seed: int, hidden: tuple[int, ...]) -> Trainer:
    def data(n: int, rng: np.random.Generator):
        X = rng.uniform(-6, 6, size=(n, 2))
        return X, X[:, 0] / 6

    return make_trainer(
        seed, data, hidden, problem="regression", activation="relu",
        learning_rate=10.0, batch_size=10,
    )  # fmt: skip


def _run_until_diverged(trainer: Trainer, max_epochs: int = 30) -> StepResult:
    for _ in range(max_epochs):
        result = trainer.step()
        if result.status != "ok":
            return result
    pytest.fail("training at learning rate 10 did not diverge")


def _assert_not_nan(result: StepResult) -> None:
    for name in ("train_loss", "test_loss"):
        value = getattr(result, name)
        assert not math.isnan(value), name  # inf is allowed, NaN is not
        assert value > 0
    for name in ("train_accuracy", "test_accuracy"):
        value = getattr(result, name)
        assert value is None or math.isfinite(value), name


@pytest.mark.parametrize("case", list(DIVERGING))
def test_divergence_is_reported_and_sticky(case: str) -> None:
    trainer = _diverging_trainer(**DIVERGING[case])
    result = _run_until_diverged(trainer)
    epoch = result.epoch
    assert result.status == trainer.status == "diverged"
    assert re.search(rf"\bepoch {epoch}\b", result.message), result.message
    assert "learning rate (10.0)" in result.message, result.message
    assert np.isfinite(trainer.network.params).all()
    _assert_not_nan(result)
    frozen_params = trainer.network.params.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stuck trainer stays quiet
        for _ in range(3):
            again = trainer.step(5)
            assert again.status == "diverged"
            assert again.epoch == epoch
            assert again.message == result.message
            _assert_not_nan(again)
    np.testing.assert_array_equal(trainer.network.params, frozen_params)
    # restart() clears the status (weights are kept; the UI resets them)
    trainer.restart()
    assert trainer.status == "ok" and trainer.epoch == 0


@pytest.mark.parametrize("case", list(DIVERGING))
def test_divergence_reports_no_nan_grad_norms(case: str) -> None:
    """grad_norms is a reported number too: it must not be NaN after divergence."""
    trainer = _diverging_trainer(**DIVERGING[case])
    result = _run_until_diverged(trainer)
    assert not any(math.isnan(g) for g in result.grad_norms), result.grad_norms
    assert not any(math.isnan(g) for g in trainer.step().grad_norms)


def test_classification_head_saturates_instead_of_diverging() -> None:
    """The tanh output bounds the loss: lr 10 stalls but never produces NaN."""
    trainer = make_trainer(0, xor, (8,) * 6, activation="relu", learning_rate=10.0)
    result = trainer.step(20)
    assert np.isfinite(trainer.network.params).all()
    assert result.status in ("ok", "diverged")
    _assert_not_nan(result)


# --------------------------------------------------------------------- live settings
def test_configure_learning_rate_is_live_and_keeps_weights() -> None:
    trainer = make_trainer(1, learning_rate=0.03)
    trainer.step(3)
    before = trainer.network.params.copy()
    twin = Trainer(trainer.network.copy(), trainer.X_train, trainer.y_train,
                   config=TrainConfig(learning_rate=0.3))  # fmt: skip
    trainer.configure(learning_rate=0.3)
    np.testing.assert_array_equal(trainer.network.params, before)
    assert trainer.config.learning_rate == 0.3 and trainer.epoch == 3
    trainer.step()
    twin.step()
    np.testing.assert_array_equal(trainer.network.params, twin.network.params)


def test_configure_learning_rate_keeps_optimizer_state() -> None:
    trainer = make_trainer(1, optimizer="momentum")
    trainer.step(2)
    optimizer = trainer.optimizer
    velocity = optimizer.velocity.copy()
    trainer.configure(learning_rate=0.01)
    assert trainer.optimizer is optimizer
    np.testing.assert_array_equal(trainer.optimizer.velocity, velocity)


def test_configure_rejects_invalid_values_and_keeps_config() -> None:
    trainer = make_trainer()
    with pytest.raises(ValueError, match="learning_rate"):
        trainer.configure(learning_rate=-1.0)
    with pytest.raises(ValueError, match="batch_size"):
        trainer.configure(batch_size=0)
    assert trainer.config == TrainConfig()


def test_shuffle_changes_the_order_but_still_learns() -> None:
    fixed, shuffled = make_trainer(0, n=300), make_trainer(0, n=300, shuffle=True)
    np.testing.assert_array_equal(fixed.network.params, shuffled.network.params)
    fixed.step()
    shuffled.step()
    assert not np.array_equal(fixed.network.params, shuffled.network.params)
    result = shuffled.step(99)
    assert result.test_loss < 0.03 and result.test_accuracy >= 0.97
    # the data itself is not reordered in place
    np.testing.assert_array_equal(shuffled.X_train, fixed.X_train)


# --------------------------------------------------------------------------- dropout
def test_dropout_trains_and_is_identity_at_eval() -> None:
    trainer = make_trainer(0, circle, (8, 8), n=300, dropout=0.2, learning_rate=0.03)
    plain = make_trainer(0, circle, (8, 8), n=300, learning_rate=0.03)
    np.testing.assert_array_equal(trainer.network.params, plain.network.params)
    first = trainer.evaluate()
    trainer.step()
    plain.step()
    assert not np.array_equal(trainer.network.params, plain.network.params)  # masks used
    result = trainer.step(149)
    assert result.test_loss < 0.5 * first.test_loss and result.test_accuracy >= 0.95
    # evaluation is deterministic and equals a hand-written forward pass without masks
    net = trainer.network
    assert trainer.evaluate() == trainer.evaluate()
    a = trainer.X_test
    for layer in net.layers:
        a = np.tanh(a @ layer.w + layer.b)
    np.testing.assert_allclose(net.predict(trainer.X_test), a, rtol=1e-12)


# ------------------------------------------------------------------------ grad norms
@pytest.mark.parametrize("hidden", [(), (3,), (4, 2), (5, 5, 5, 5)])
def test_grad_norms_has_one_entry_per_layer(hidden: tuple[int, ...]) -> None:
    trainer = make_trainer(0, hidden=hidden)
    result = trainer.step()
    net = trainer.network
    assert len(result.grad_norms) == len(net.layers) == len(hidden) + 1
    assert all(math.isfinite(g) and g > 0 for g in result.grad_norms)
    for g, layer in zip(result.grad_norms, net.layers, strict=True):
        assert g == pytest.approx(float(np.sqrt(np.mean(layer.dw**2))))
