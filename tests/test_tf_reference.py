"""The vectorised Trainer against a plain-Python transcription of TF Playground.

``TFNetwork`` below re-implements ``nn.ts`` (``Node``/``Link`` objects,
``forwardProp``, ``backProp``, ``updateWeights``) and ``playground.ts``
``oneStep`` from /work/shared/reference/tf-playground.md §3, using only
lists, floats and :mod:`math`.  NumPy appears only to set up data and to
compare results.  Both implementations start from the same weights (copied
from the engine network) and must agree epoch by epoch to ~1e-10.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyplayground.engine import Network, build_mlp
from pyplayground.trainer import TrainConfig, Trainer

TOL = 1e-10


# ------------------------------------------------------------------ nn.ts in Python
def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


# name -> (output, der), der takes the total input as in nn.ts
TF_ACTIVATIONS = {
    "tanh": (math.tanh, lambda x: 1.0 - math.tanh(x) ** 2),
    "relu": (lambda x: max(0.0, x), lambda x: 0.0 if x <= 0 else 1.0),
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * (1.0 - _sigmoid(x))),
    "linear": (lambda x: x, lambda x: 1.0),
}
TF_REGULARIZATIONS = {
    "none": None,
    "L1": lambda w: -1.0 if w < 0 else (1.0 if w > 0 else 0.0),
    "L2": lambda w: w,
}


class Node:
    def __init__(self, activation: str, bias: float) -> None:
        self.output_fn, self.der_fn = TF_ACTIVATIONS[activation]
        self.bias = bias
        self.input_links: list[Link] = []
        self.outputs: list[Link] = []
        self.total_input = 0.0
        self.output = 0.0
        self.output_der = 0.0
        self.input_der = 0.0
        self.acc_input_der = 0.0
        self.num_accumulated_ders = 0

    def update_output(self) -> float:
        self.total_input = self.bias
        for link in self.input_links:
            self.total_input += link.weight * link.source.output
        self.output = self.output_fn(self.total_input)
        return self.output


class Link:
    def __init__(self, source: Node, dest: Node, weight: float, regularization: str) -> None:
        self.source, self.dest = source, dest
        self.weight = weight
        self.is_dead = False
        self.error_der = 0.0
        self.acc_error_der = 0.0
        self.num_accumulated_ders = 0
        self.regularization = TF_REGULARIZATIONS[regularization]


class TFNetwork:
    """TF Playground's per-node network, built from the engine network's weights."""

    def __init__(self, net: Network, regularization: str = "none") -> None:
        self.layers: list[list[Node]] = [[Node("linear", 0.0) for _ in range(net.n_inputs)]]
        for layer in net.layers:
            w, b = layer.w.tolist(), layer.b.tolist()
            nodes = [Node(layer.activation, b[j]) for j in range(layer.n_out)]
            for i, src in enumerate(self.layers[-1]):
                for j, dest in enumerate(nodes):
                    link = Link(src, dest, w[i][j], regularization)
                    src.outputs.append(link)
                    dest.input_links.append(link)
            self.layers.append(nodes)

    def forward_prop(self, inputs: list[float]) -> float:
        for node, value in zip(self.layers[0], inputs, strict=True):
            node.output = value
        for layer in self.layers[1:]:
            for node in layer:
                node.update_output()
        return self.layers[-1][0].output

    def back_prop(self, target: float) -> None:
        out = self.layers[-1][0]
        out.output_der = out.output - target  # SQUARE.der
        for layer_idx in range(len(self.layers) - 1, 0, -1):
            for node in self.layers[layer_idx]:
                node.input_der = node.output_der * node.der_fn(node.total_input)
                node.acc_input_der += node.input_der
                node.num_accumulated_ders += 1
            for node in self.layers[layer_idx]:
                for link in node.input_links:
                    if link.is_dead:
                        continue
                    link.error_der = node.input_der * link.source.output
                    link.acc_error_der += link.error_der
                    link.num_accumulated_ders += 1
            if layer_idx == 1:
                continue
            for node in self.layers[layer_idx - 1]:
                node.output_der = 0.0
                for link in node.outputs:
                    node.output_der += link.weight * link.dest.input_der

    def update_weights(self, learning_rate: float, regularization_rate: float) -> None:
        for layer in self.layers[1:]:
            for node in layer:
                if node.num_accumulated_ders > 0:
                    node.bias -= learning_rate * node.acc_input_der / node.num_accumulated_ders
                    node.acc_input_der = 0.0
                    node.num_accumulated_ders = 0
                for link in node.input_links:
                    if link.is_dead:
                        continue
                    regul_der = link.regularization(link.weight) if link.regularization else 0.0
                    if link.num_accumulated_ders > 0:
                        link.weight -= (
                            learning_rate / link.num_accumulated_ders
                        ) * link.acc_error_der
                        new_weight = link.weight - (learning_rate * regularization_rate) * regul_der
                        if link.regularization is TF_REGULARIZATIONS["L1"] and (
                            link.weight * new_weight < 0
                        ):
                            link.weight = 0.0
                            link.is_dead = True
                        else:
                            link.weight = new_weight
                        link.acc_error_der = 0.0
                        link.num_accumulated_ders = 0

    def has_accumulated(self) -> bool:
        return any(node.num_accumulated_ders > 0 for layer in self.layers[1:] for node in layer)

    def one_step(self, data, batch_size, lr, reg_rate, *, apply_partial=False) -> None:
        """playground.ts ``oneStep``; ``apply_partial`` flushes a leftover batch at the end."""
        for i, (inputs, label) in enumerate(data):
            self.forward_prop(inputs)
            self.back_prop(label)
            if (i + 1) % batch_size == 0:
                self.update_weights(lr, reg_rate)
        if apply_partial and self.has_accumulated():
            self.update_weights(lr, reg_rate)

    def loss(self, data) -> float:
        total = 0.0
        for inputs, label in data:
            total += 0.5 * (self.forward_prop(inputs) - label) ** 2
        return total / len(data)

    def weights(self) -> list[list[list[float]]]:
        """``w[l][i][j]``: weight from node ``i`` of layer ``l`` to node ``j`` of ``l + 1``."""
        return [
            [[link.weight for link in src.outputs] for src in layer] for layer in self.layers[:-1]
        ]

    def biases(self) -> list[list[float]]:
        return [[node.bias for node in layer] for layer in self.layers[1:]]

    def dead(self) -> list[list[list[bool]]]:
        return [
            [[link.is_dead for link in src.outputs] for src in layer] for layer in self.layers[:-1]
        ]


# ----------------------------------------------------------------------- helpers
def _circle(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """TF-like circle data in raw coordinates (|x| up to 5), labels ±1."""
    r = np.concatenate([rng.uniform(0, 2.5, n // 2), rng.uniform(3.5, 5, n - n // 2)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    y = np.where(r < 3, 1.0, -1.0)
    order = rng.permutation(n)
    return X[order], y[order]


def _as_data(X: np.ndarray, y: np.ndarray) -> list[tuple[list[float], float]]:
    return [(list(map(float, xi)), float(yi)) for xi, yi in zip(X, y, strict=True)]


def _assert_same(net: Network, ref: TFNetwork, when: str) -> None:
    for k, layer in enumerate(net.layers):
        np.testing.assert_allclose(layer.w, ref.weights()[k], rtol=TOL, atol=TOL, err_msg=when)
        np.testing.assert_allclose(layer.b, ref.biases()[k], rtol=TOL, atol=TOL, err_msg=when)


def _run(
    *,
    n: int,
    batch_size: int,
    activation: str = "tanh",
    problem: str = "classification",
    regularization: str = "none",
    regularization_rate: float = 0.0,
    learning_rate: float = 0.03,
    partial_batch: str = "apply",
    epochs: int = 15,
    seed: int = 0,
) -> tuple[Trainer, TFNetwork, list]:
    """Train engine and reference side by side, comparing after every epoch."""
    rng = np.random.default_rng(seed)
    X, y = _circle(n, rng)
    if problem == "regression":
        y = np.tanh(0.3 * X[:, 0]) - 0.1 * X[:, 1]
    Xt, yt = _circle(10, rng)
    net = build_mlp(2, [4, 2], activation=activation, problem=problem, rng=rng)
    cfg = TrainConfig(
        learning_rate=learning_rate, batch_size=batch_size, regularization=regularization,
        regularization_rate=regularization_rate, partial_batch=partial_batch,
    )  # fmt: skip
    trainer = Trainer(net, X, y, Xt, yt, config=cfg)
    ref = TFNetwork(net, regularization)
    data, test = _as_data(X, y), _as_data(Xt, yt)
    history = []

    start = trainer.evaluate()  # TF also reports the loss of the initial network
    assert start.train_loss == pytest.approx(ref.loss(data), rel=TOL, abs=TOL)
    for epoch in range(1, epochs + 1):
        result = trainer.step()
        ref.one_step(
            data, batch_size, learning_rate, regularization_rate,
            apply_partial=partial_batch == "apply",
        )  # fmt: skip
        when = f"epoch {epoch}"
        assert result.epoch == epoch
        assert result.status == "ok", result.message
        _assert_same(net, ref, when)
        assert result.train_loss == pytest.approx(ref.loss(data), rel=TOL, abs=TOL), when
        assert result.test_loss == pytest.approx(ref.loss(test), rel=TOL, abs=TOL), when
        np.testing.assert_array_equal(
            np.concatenate([lay.frozen.ravel() for lay in net.layers]),
            [d for layer in ref.dead() for row in layer for d in row],
            err_msg=f"dead links differ at {when}",
        )
        history.append(net.params.copy())
    return trainer, ref, history


# ------------------------------------------------------------------------- tests
def test_reference_matches_numpy_forward(rng) -> None:
    """Sanity check of the transcription itself: same forward pass as the engine."""
    net = build_mlp(2, [3, 2], activation=["relu", "sigmoid"], rng=rng)
    ref = TFNetwork(net)
    X = rng.normal(size=(5, 2))
    out = net.predict(X)[:, 0]
    np.testing.assert_allclose(out, [ref.forward_prop(list(xi)) for xi in X], rtol=1e-13)


def test_a_batch_divides_n() -> None:
    _run(n=20, batch_size=5)


def test_a_batch_size_one_and_full_batch() -> None:
    _run(n=12, batch_size=1, epochs=5)
    _run(n=12, batch_size=12, epochs=5)


def test_b_carry_reproduces_tf_carry_over() -> None:
    """22 samples in batches of 5: 2 left over each epoch, carried into the next."""
    _run(n=22, batch_size=5, partial_batch="carry")


def test_b_carry_with_small_remainder() -> None:
    _run(n=21, batch_size=4, partial_batch="carry", epochs=8)


def test_b_apply_averages_last_batch_over_its_own_size() -> None:
    """``apply``: the reference flushes the 2 leftover samples at the end of the epoch."""
    _, ref, history = _run(n=22, batch_size=5, partial_batch="apply", epochs=10)
    assert not ref.has_accumulated()
    _, carry_ref, carry_history = _run(n=22, batch_size=5, partial_batch="carry", epochs=10)
    assert carry_ref.has_accumulated()  # TF leaves the leftover pending
    for epoch, (a, c) in enumerate(zip(history, carry_history, strict=True), start=1):
        assert np.max(np.abs(a - c)) > 1e-6, f"apply and carry agree at epoch {epoch}"


def test_b_apply_equals_an_explicit_extra_update() -> None:
    """Independent of the reference: one epoch of ``apply`` on 7 samples in batches of 5
    equals two full-batch SGD steps, on samples 0-4 and then on samples 5-6."""
    rng = np.random.default_rng(3)
    X, y = _circle(7, rng)
    net = build_mlp(2, [3], rng=rng)
    manual = net.copy()
    Trainer(net, X, y, config=TrainConfig(learning_rate=0.1, batch_size=5)).step()
    for sl in (slice(0, 5), slice(5, 7)):
        manual.loss_and_grad(X[sl], y[sl])  # mean gradient over the slice
        manual.params -= 0.1 * manual.grads
    np.testing.assert_allclose(net.params, manual.params, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize(("n", "partial_batch"), [(20, "apply"), (22, "carry")])
def test_c_l1_kills_links_like_tf(n: int, partial_batch: str) -> None:
    trainer, _, history = _run(
        n=n, batch_size=4, regularization="L1", regularization_rate=0.1, epochs=30,
        partial_batch=partial_batch,
    )  # fmt: skip
    net = trainer.network
    frozen = net.frozen.copy()
    n_weights = int(net.weight_mask.sum())
    assert 0 < frozen.sum() < n_weights, "want some, not all, links dead"
    np.testing.assert_array_equal(net.params[frozen], 0.0)  # exactly zero
    assert not np.any(frozen & ~net.weight_mask)  # biases never die
    # once dead, a link stays exactly 0 in every later epoch
    stack = np.array(history)
    for idx in np.flatnonzero(frozen):
        first_zero = int(np.argmax(stack[:, idx] == 0.0))
        np.testing.assert_array_equal(stack[first_zero:, idx], 0.0)
    # and it stays frozen under further (unregularized) training
    trainer.configure(regularization="none", regularization_rate=0.0)
    trainer.step(5)
    np.testing.assert_array_equal(net.frozen, frozen)
    np.testing.assert_array_equal(net.params[frozen], 0.0)


def test_c_l1_kills_every_link_eventually() -> None:
    """The reference notes: L1 at rate 0.3 kills all links of a 2-4-2-1 net."""
    trainer, _, _ = _run(
        n=20, batch_size=10, regularization="L1", regularization_rate=0.3, epochs=100
    )
    net = trainer.network
    assert np.array_equal(net.frozen, net.weight_mask)


def test_d_l2() -> None:
    _run(n=22, batch_size=5, regularization="L2", regularization_rate=0.1)
    _run(n=22, batch_size=5, regularization="L2", regularization_rate=0.03,
         partial_batch="carry")  # fmt: skip


@pytest.mark.parametrize("activation", ["relu", "sigmoid", "linear"])
def test_e_hidden_activations(activation: str) -> None:
    _run(n=20, batch_size=5, activation=activation)


def test_e_mixed_hidden_activations_with_carry() -> None:
    _run(n=17, batch_size=3, activation=["relu", "sigmoid"], partial_batch="carry")


@pytest.mark.parametrize("partial_batch", ["apply", "carry"])
def test_f_regression_head(partial_batch: str) -> None:
    _run(n=22, batch_size=5, problem="regression", partial_batch=partial_batch,
         regularization="L2", regularization_rate=0.01, learning_rate=0.01)  # fmt: skip
