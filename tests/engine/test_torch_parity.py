"""The NumPy engine against PyTorch (CPU, float64) as an independent oracle.

Same initial weights and data: outputs, losses, every layer's gradients and
the weights after each update must agree to 1e-10, over several updates so
the optimizer state (momentum buffer, Adam moments, step count) is compared
too.  Regularization is decoupled in the engine (applied from the pre-step
weight after the optimizer step); for plain SGD that equals torch's
``weight_decay`` on the weights, for the others torch gets the same manual step.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from pyplayground.engine import Network, build_mlp
from pyplayground.trainer import TrainConfig, Trainer

torch = pytest.importorskip("torch")
F = torch.nn.functional

pytestmark = pytest.mark.torch

RTOL, ATOL = 1e-10, 1e-12
DT = torch.float64

TORCH_ACTIVATIONS: dict[str, Callable] = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "sigmoid": torch.sigmoid,
    "linear": lambda z: z,
    "leaky_relu": lambda z: F.leaky_relu(z, negative_slope=0.01),
    "gelu": lambda z: F.gelu(z, approximate="tanh"),
}
HIDDEN = {
    "gelu-leaky-sigmoid": ["gelu", "leaky_relu", "sigmoid"],
    "tanh-relu-linear": ["tanh", "relu", "linear"],
}
PROBLEMS = ["classification", "regression", "multiclass"]
LR = {"sgd": 0.1, "momentum": 0.05, "adam": 0.01}


class TorchMLP:
    """The same MLP in torch, with weights laid out like the engine's ``(n_in, n_out)``."""

    def __init__(self, net: Network) -> None:
        self.ws = [torch.tensor(lay.w, dtype=DT, requires_grad=True) for lay in net.layers]
        self.bs = [torch.tensor(lay.b, dtype=DT, requires_grad=True) for lay in net.layers]
        self.acts = [TORCH_ACTIVATIONS[lay.activation] for lay in net.layers]
        self.problem = net.problem

    def forward(self, x: np.ndarray):
        a = torch.tensor(x, dtype=DT)
        for w, b, act in zip(self.ws, self.bs, self.acts, strict=True):
            a = act(a @ w + b)
        return a

    def loss(self, out, y: np.ndarray):
        if self.problem == "multiclass":
            return F.cross_entropy(out, torch.tensor(y, dtype=torch.long))
        yt = torch.tensor(y, dtype=DT).reshape(out.shape)
        return 0.5 * ((out - yt) ** 2).sum(dim=1).mean()  # sum over outputs, mean over samples

    def make_optimizer(self, name: str, lr: float, weight_decay: float):
        groups = [
            {"params": self.ws, "weight_decay": weight_decay},
            {"params": self.bs, "weight_decay": 0.0},  # biases are never regularized
        ]
        if name == "sgd":
            return torch.optim.SGD(groups, lr=lr)
        if name == "momentum":
            return torch.optim.SGD(groups, lr=lr, momentum=0.9, dampening=0.0)
        return torch.optim.Adam(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)

    def step(self, opt, x, y, *, lr: float, decoupled_l2: float) -> tuple[float, np.ndarray]:
        """One update on ``(x, y)``; returns the pre-update loss and outputs."""
        opt.zero_grad()
        out = self.forward(x)
        loss = self.loss(out, y)
        loss.backward()
        before = [w.detach().clone() for w in self.ws]
        opt.step()
        if decoupled_l2:
            with torch.no_grad():
                for w, w0 in zip(self.ws, before, strict=True):
                    w -= lr * decoupled_l2 * w0  # R'(w) = w, from the pre-step weight
        return float(loss.detach()), out.detach().numpy()


def _data(problem: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    x = rng.normal(size=(n, 3))
    if problem == "classification":
        y = np.where(x[:, 0] * x[:, 1] > 0, 1.0, -1.0)
    elif problem == "regression":
        y = np.sin(x[:, 0]) + 0.5 * x[:, 2]
    else:
        y = (np.digitize(x[:, 0], [-0.5, 0.5]) + (x[:, 1] > 1)).astype(np.float64) % 3
    return x, y


def _net(problem: str, hidden: list[str], rng: np.random.Generator) -> Network:
    n_out = 3 if problem == "multiclass" else 1
    return build_mlp(
        3, [5, 4, 4], n_out, activation=hidden, problem=problem, init="xavier", rng=rng
    )


def _close(a, b, what: str) -> None:
    a = a.detach().numpy() if hasattr(a, "detach") else np.asarray(a)
    b = b.detach().numpy() if hasattr(b, "detach") else np.asarray(b)
    np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=what)


def _assert_weights_equal(net: Network, model: TorchMLP, when: str) -> None:
    for i, layer in enumerate(net.layers):
        _close(layer.w, model.ws[i], f"w[{i}] {when}")
        _close(layer.b, model.bs[i], f"b[{i}] {when}")


@pytest.mark.parametrize("reg", ["none", "L2"])
@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("hidden", list(HIDDEN))
@pytest.mark.parametrize("problem", PROBLEMS)
def test_full_batch_updates_match_torch(problem, hidden, optimizer, reg, rng) -> None:
    """Per update: outputs, loss, all gradients, post-update weights, reported loss."""
    net = _net(problem, HIDDEN[hidden], rng)
    x, y = _data(problem, 16, rng)
    lr, lam = LR[optimizer], (0.05 if reg == "L2" else 0.0)
    cfg = TrainConfig(
        learning_rate=lr, batch_size=16, optimizer=optimizer,
        regularization=reg, regularization_rate=lam,
    )  # fmt: skip
    trainer = Trainer(net, x, y, config=cfg)
    model = TorchMLP(net)
    # plain SGD: torch's coupled weight_decay is the same update as the decoupled step
    coupled = optimizer == "sgd"
    opt = model.make_optimizer(optimizer, lr, lam if coupled else 0.0)

    for k in range(5):
        out_engine, _ = net.forward(x)
        loss_torch, out_torch = model.step(opt, x, y, lr=lr, decoupled_l2=0.0 if coupled else lam)
        _close(out_engine, out_torch, f"outputs before update {k}")
        assert net.loss(x, y) == pytest.approx(loss_torch, rel=RTOL, abs=ATOL)
        result = trainer.step()
        for i, layer in enumerate(net.layers):  # gradients of the update just made
            _close(layer.dw, model.ws[i].grad, f"dw[{i}] at update {k}")
            _close(layer.db, model.bs[i].grad, f"db[{i}] at update {k}")
        _assert_weights_equal(net, model, f"after update {k}")
        with torch.no_grad():
            loss_after = float(model.loss(model.forward(x), y))
        assert result.train_loss == pytest.approx(loss_after, rel=RTOL, abs=ATOL)
        assert result.status == "ok"


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adam"])
@pytest.mark.parametrize("problem", PROBLEMS)
def test_mini_batch_epochs_match_torch(problem, optimizer, rng) -> None:
    """Batches of 4 on 14 samples: 3 full batches then a partial batch of 2 (default
    ``partial_batch="apply"``: averaged over its own size), for 3 epochs."""
    net = _net(problem, HIDDEN["gelu-leaky-sigmoid"], rng)
    x, y = _data(problem, 14, rng)
    lr, lam = LR[optimizer], 0.02
    cfg = TrainConfig(
        learning_rate=lr, batch_size=4, optimizer=optimizer,
        regularization="L2", regularization_rate=lam,
    )  # fmt: skip
    trainer = Trainer(net, x, y, config=cfg)
    model = TorchMLP(net)
    opt = model.make_optimizer(optimizer, lr, 0.0)
    for epoch in range(3):
        for start in range(0, 14, 4):
            model.step(opt, x[start : start + 4], y[start : start + 4], lr=lr, decoupled_l2=lam)
        trainer.step()
        _assert_weights_equal(net, model, f"after epoch {epoch}")
    if optimizer == "adam":
        assert trainer.optimizer.t == int(opt.state[model.ws[0]]["step"]) == 12
