"""Finite-difference gradient checks for every differentiable op (style.md §8 rules 1-2).

Everything runs in float64 and must agree with central differences to a
relative error below 1e-7 (``rel_error`` is norm based, see ``gradcheck``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from pyplayground.engine import (
    ACTIVATIONS,
    REGULARIZERS,
    Dense,
    Network,
    activation_backward,
    activation_forward,
    build_mlp,
    dense_backward,
    dense_forward,
    dropout_backward,
    dropout_forward,
    half_squared_error,
    numerical_gradient,
    rel_error,
    softmax_cross_entropy,
)

TOL = 1e-7
Inputs = dict[str, np.ndarray]


def _away_from_zero(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values with |z| in [0.1, 2]: far from the kinks of relu/leaky_relu (h = 1e-5)."""
    return rng.choice([-1.0, 1.0], size=shape) * rng.uniform(0.1, 2.0, size=shape)


@dataclass(frozen=True)
class Op:
    """A forward/backward pair, with a maker for float64 example inputs."""

    name: str
    make: Callable[[np.random.Generator], Inputs]
    forward: Callable[[Inputs], tuple[np.ndarray, Any]]
    backward: Callable[[np.ndarray, Any], Inputs]


def _dense_op() -> Op:
    def make(rng: np.random.Generator) -> Inputs:
        return {"x": rng.normal(size=(5, 4)), "w": rng.normal(size=(4, 3)), "b": rng.normal(size=3)}

    def backward(dout: np.ndarray, cache: Any) -> Inputs:
        dx, dw, db = dense_backward(dout, cache)
        return {"x": dx, "w": dw, "b": db}

    return Op("dense", make, lambda p: dense_forward(p["x"], p["w"], p["b"]), backward)


def _activation_op(name: str) -> Op:
    return Op(
        f"activation-{name}",
        lambda rng: {"z": _away_from_zero(rng, (6, 4))},
        lambda p: activation_forward(p["z"], name),
        lambda dout, cache: {"z": activation_backward(dout, cache)},
    )


def _dropout_op(rate: float) -> Op:
    def forward(p: Inputs) -> tuple[np.ndarray, Any]:
        # a fresh generator with a fixed seed on every call: the same mask each time
        return dropout_forward(p["x"], rate, rng=np.random.default_rng(42), training=True)

    return Op(
        f"dropout-{rate}",
        lambda rng: {"x": rng.normal(size=(8, 5))},
        forward,
        lambda dout, cache: {"x": dropout_backward(dout, cache)},
    )


ALL_OPS = [
    _dense_op(),
    *(_activation_op(name) for name in ACTIVATIONS),
    _dropout_op(0.3),
    _dropout_op(0.7),
]


def test_every_activation_is_covered() -> None:
    assert {op.name for op in ALL_OPS} >= {f"activation-{n}" for n in ACTIVATIONS}


@pytest.mark.parametrize("op", ALL_OPS, ids=lambda op: op.name)
def test_backward_matches_finite_differences(op: Op, rng: np.random.Generator) -> None:
    inputs = op.make(rng)
    out, cache = op.forward(inputs)
    dout = rng.normal(size=out.shape)
    grads = op.backward(dout, cache)
    assert set(grads) == set(inputs)

    def f(_: np.ndarray) -> float:  # numerical_gradient nudges inputs in place
        return float(np.sum(op.forward(inputs)[0] * dout))

    for key, analytic in grads.items():
        numeric = numerical_gradient(f, inputs[key])
        assert analytic.shape == inputs[key].shape
        assert rel_error(analytic, numeric) < TOL, key


def test_dropout_mask_is_used_and_scaled() -> None:
    x = np.ones((200, 50))
    out, cache = dropout_forward(x, 0.25, rng=np.random.default_rng(0), training=True)
    assert cache is not None
    kept = out != 0
    assert 0.7 < kept.mean() < 0.8
    np.testing.assert_allclose(out[kept], 1.0 / 0.75)
    np.testing.assert_array_equal(dropout_backward(x, cache), out)


def test_dropout_is_identity_at_eval() -> None:
    x = np.arange(6.0).reshape(2, 3)
    out, cache = dropout_forward(x, 0.5, rng=None, training=False)
    assert cache is None and out is x
    assert dropout_backward(x, None) is x


# ---------------------------------------------------------------------------- losses
@pytest.mark.parametrize("y_shape", [(7,), (7, 1)], ids=["y-1d", "y-2d"])
def test_half_squared_error_single_output(y_shape: tuple[int, ...], rng) -> None:
    out = rng.normal(size=(7, 1))
    y = rng.choice([-1.0, 1.0], size=y_shape)
    loss, dout = half_squared_error(out, y)
    assert loss == pytest.approx(0.5 * np.mean((out[:, 0] - y.reshape(-1)) ** 2), rel=1e-14)
    numeric = numerical_gradient(lambda _: half_squared_error(out, y)[0], out)
    assert rel_error(dout, numeric) < TOL


def test_half_squared_error_sums_over_outputs(rng) -> None:
    out = rng.normal(size=(6, 3))
    y = rng.normal(size=(6, 3))
    loss, dout = half_squared_error(out, y)
    assert loss == pytest.approx(0.5 * np.sum((out - y) ** 2) / 6, rel=1e-14)
    numeric = numerical_gradient(lambda _: half_squared_error(out, y)[0], out)
    assert rel_error(dout, numeric) < TOL


def test_softmax_cross_entropy(rng) -> None:
    logits = rng.normal(scale=2.0, size=(9, 4))
    y = rng.integers(0, 4, size=9).astype(np.float64)
    loss, dlogits = softmax_cross_entropy(logits, y)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(9), y.astype(int)])), rel=1e-13)
    numeric = numerical_gradient(lambda _: softmax_cross_entropy(logits, y)[0], logits)
    assert rel_error(dlogits, numeric) < TOL


# ------------------------------------------------------------------------ regularizers
@pytest.mark.parametrize("name", list(REGULARIZERS))
def test_regularizer_derivative_matches_penalty(name: str, rng) -> None:
    reg = REGULARIZERS[name]
    # L1 is differentiable only away from 0; L2 and none everywhere
    w = _away_from_zero(rng, (4, 3)) if name == "L1" else rng.normal(size=(4, 3))
    analytic = reg.derivative(w)
    numeric = numerical_gradient(lambda _: reg.penalty(w), w)
    if name == "none":
        np.testing.assert_array_equal(analytic, 0.0)
        np.testing.assert_array_equal(numeric, 0.0)
    else:
        assert rel_error(analytic, numeric) < TOL


def test_l2_derivative_is_exactly_w_and_l1_is_sign(rng) -> None:
    w = rng.normal(size=10)
    w[3] = 0.0
    np.testing.assert_array_equal(REGULARIZERS["L2"].derivative(w), w)
    assert REGULARIZERS["L2"].penalty(w) == 0.5 * float(np.sum(w * w))
    np.testing.assert_array_equal(REGULARIZERS["L1"].derivative(w), np.sign(w))
    assert REGULARIZERS["L1"].derivative(w)[3] == 0.0


# ----------------------------------------------------------------------- whole network
def _mixed_net(problem: str, rng: np.random.Generator) -> Network:
    n_outputs = 4 if problem == "multiclass" else 1
    return build_mlp(
        3,
        [5, 4, 4, 3, 3],
        n_outputs,
        activation=["tanh", "gelu", "sigmoid", "leaky_relu", "relu"],
        problem=problem,
        init="xavier",
        rng=rng,
    )


def _targets(problem: str, n: int, rng: np.random.Generator) -> np.ndarray:
    if problem == "classification":
        return rng.choice([-1.0, 1.0], size=n)
    if problem == "regression":
        return rng.normal(size=n)
    return rng.integers(0, 4, size=n).astype(np.float64)


@pytest.mark.parametrize("problem", ["classification", "regression", "multiclass"])
def test_network_loss_and_grad_matches_finite_differences(problem: str, rng) -> None:
    net = _mixed_net(problem, rng)
    net.params += rng.normal(scale=0.3, size=net.n_params)  # biases away from 0 too
    x = rng.normal(size=(11, 3))
    y = _targets(problem, 11, rng)
    loss = net.loss_and_grad(x, y)
    assert loss == pytest.approx(net.loss(x, y), rel=1e-15)
    analytic = net.grads.copy()
    # net.params is the buffer every layer views, so nudging it moves the network
    numeric = numerical_gradient(lambda _: net.loss(x, y), net.params)
    assert rel_error(analytic, numeric) < TOL
    # every layer receives gradient (no layer silently skipped)
    for layer in net.layers:
        assert np.any(layer.dw != 0)


def test_network_with_linear_hidden_layer_and_single_layer(rng) -> None:
    for hidden, acts in (([4], ["linear"]), ([], [])):
        net = build_mlp(2, hidden, activation=acts, problem="regression", rng=rng)
        x, y = rng.normal(size=(6, 2)), rng.normal(size=6)
        net.loss_and_grad(x, y)
        analytic = net.grads.copy()
        numeric = numerical_gradient(lambda _, n=net, x=x, y=y: n.loss(x, y), net.params)
        assert rel_error(analytic, numeric) < TOL


@pytest.mark.parametrize("problem", ["classification", "multiclass"])
def test_input_gradient_matches_finite_differences(problem: str, rng) -> None:
    net = _mixed_net(problem, rng)
    x = rng.normal(size=(5, 3))
    y = _targets(problem, 5, rng)
    loss, dx = net.input_gradient(x, y)
    assert loss == pytest.approx(net.loss(x, y), rel=1e-15)
    assert rel_error(dx, numerical_gradient(lambda _: net.loss(x, y), x)) < TOL


def test_network_with_dropout_matches_finite_differences_for_a_fixed_mask(rng) -> None:
    layers = [Dense(3, 6, "tanh", dropout=0.4), Dense(6, 1, "linear")]
    net = Network(layers, "regression")
    net.params[...] = rng.normal(size=net.n_params)
    x, y = rng.normal(size=(7, 3)), rng.normal(size=7)

    def f(_: np.ndarray) -> float:
        out, _caches = net.forward(x, training=True, rng=np.random.default_rng(9))
        return net.head.loss(out, y)[0]

    net.loss_and_grad(x, y, training=True, rng=np.random.default_rng(9))
    analytic = net.grads.copy()
    assert rel_error(analytic, numerical_gradient(f, net.params)) < TOL
