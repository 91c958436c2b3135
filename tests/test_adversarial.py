"""Tests for pyplayground.adversarial, the shipped digits models and ``pyplayground attack``.

FGSM and PGD are compared with PyTorch re-implementations of the same attacks on the same
weights (float64, autograd gradients): the adversarial inputs must be identical.  JSMA is
checked on its defining property by replaying every choice against a saliency map built
from PyTorch's Jacobian.
"""

from __future__ import annotations

import json
import math
from importlib import resources

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyplayground import attack_cli
from pyplayground.adversarial import (
    ATTACKS,
    accuracy_vs_strength,
    example_losses,
    fgsm,
    get_attack,
    jsma,
    min_flip_strength,
    pgd,
    predict_labels,
)
from pyplayground.datasets import digits_train_test_split
from pyplayground.engine import build_mlp
from pyplayground.model_io import network_to_dict, save_model
from pyplayground.models import MODELS, load_builtin, model_metadata

try:
    import torch
    from torch import nn
    from torch.nn import functional as F
except ImportError:  # the PyTorch comparisons are skipped; everything else still runs
    torch = nn = F = None

needs_torch = pytest.mark.skipif(torch is None, reason="needs PyTorch (the reference)")


# --------------------------------------------------------------------------------------------
# Fixtures and the PyTorch reference
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def test_set():
    _, _, X, y = digits_train_test_split()
    return X, y


@pytest.fixture(scope="module")
def plain():
    return load_builtin("digits_mlp")


@pytest.fixture(scope="module")
def robust():
    return load_builtin("digits_mlp_robust")


@pytest.fixture
def binary_net(rng):
    """A 2-D playground-style classifier (tanh head, labels ±1, unbounded inputs)."""
    return build_mlp(2, [6, 4], 1, activation="tanh", problem="classification", rng=rng)


def _torch_activation(name):
    return {
        "relu": nn.ReLU,
        "tanh": nn.Tanh,
        "sigmoid": nn.Sigmoid,
        "linear": nn.Identity,
        "softmax": nn.Identity,  # the logits; softmax is part of the loss
        "leaky_relu": lambda: nn.LeakyReLU(0.01),
        "gelu": lambda: nn.GELU(approximate="tanh"),
    }[name]()


def torch_model(net):
    """nn.Sequential (float64) with the weights of the model file of ``net``."""
    mods = []
    for layer in network_to_dict(net)["layers"]:
        w = torch.tensor(layer["weights"], dtype=torch.float64)
        lin = nn.Linear(w.shape[0], w.shape[1]).double()
        with torch.no_grad():
            lin.weight.copy_(w.T)
            lin.bias.copy_(torch.tensor(layer["biases"], dtype=torch.float64))
        mods += [lin, _torch_activation(layer["activation"])]
    return nn.Sequential(*mods)


def torch_loss(tm, problem, x, labels):
    out = tm(x)
    if problem == "multiclass":
        return F.cross_entropy(out, torch.as_tensor(labels, dtype=torch.int64))
    y = torch.as_tensor(labels, dtype=torch.float64).reshape(out.shape)
    return 0.5 * ((out - y) ** 2).sum() / out.shape[0]


def torch_grad_sign(tm, problem, x, labels):
    x = x.detach().clone().requires_grad_(True)
    (g,) = torch.autograd.grad(torch_loss(tm, problem, x, labels), x)
    return torch.sign(g)


def torch_project(xa, x, eps, clip):
    xa = torch.clamp(xa, x - eps, x + eps)
    if clip is not None:
        xa = xa.clamp(*clip)
    over = (xa - x).abs() > eps
    return torch.where(over, torch.nextafter(xa, x), xa)


def torch_fgsm(net, x, labels, eps, targeted=False, clip=(0.0, 1.0)):
    tm, xt = torch_model(net), torch.tensor(x)
    s = torch_grad_sign(tm, net.problem, xt, labels)
    return torch_project(xt + eps * (-s if targeted else s), xt, eps, clip).numpy()


def torch_pgd(net, x, labels, eps, alpha, n_steps, noise, targeted=False, clip=(0.0, 1.0)):
    tm, xt = torch_model(net), torch.tensor(x)
    xa = torch_project(xt + torch.tensor(noise), xt, eps, clip)
    sign = -1.0 if targeted else 1.0
    for _ in range(n_steps):
        xa = torch_project(xa + sign * alpha * torch_grad_sign(tm, net.problem, xa, labels),
                           xt, eps, clip)  # fmt: skip
    return xa.numpy()


# --------------------------------------------------------------------------------------------
# FGSM and PGD against PyTorch
# --------------------------------------------------------------------------------------------


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("name", MODELS)
@pytest.mark.parametrize("eps", [0.0, 0.03, 0.1, 0.25, 1.0])
@pytest.mark.parametrize("targeted", [False, True])
def test_fgsm_identical_to_torch(name, eps, targeted, test_set):
    net = load_builtin(name)
    X, y = test_set
    labels = (y + 3) % 10 if targeted else y
    res = fgsm(net, X, None if targeted else y, eps, target=labels if targeted else None)
    np.testing.assert_array_equal(res.x_adv, torch_fgsm(net, X, labels, eps, targeted))


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("targeted", [False, True])
@pytest.mark.parametrize("eps, alpha, n_steps", [(0.1, 0.025, 10), (0.05, 0.01, 7), (0.3, 0.1, 3)])
def test_pgd_identical_to_torch_with_the_same_start(plain, test_set, eps, alpha, n_steps, targeted):
    X, y = test_set
    noise = np.random.default_rng(7).uniform(-eps, eps, size=X.shape)
    labels = (y + 1) % 10 if targeted else y
    res = pgd(
        plain, X, y, eps, alpha=alpha, n_steps=n_steps, init_noise=noise,
        target=labels if targeted else None,
    )  # fmt: skip
    expected = torch_pgd(plain, X, labels, eps, alpha, n_steps, noise, targeted)
    np.testing.assert_array_equal(res.x_adv, expected)
    # random_start draws exactly U(-eps, eps) of that shape from the given generator
    again = pgd(
        plain, X, y, eps, alpha=alpha, n_steps=n_steps, random_start=True,
        rng=np.random.default_rng(7), target=labels if targeted else None,
    )  # fmt: skip
    np.testing.assert_array_equal(again.x_adv, res.x_adv)


@pytest.mark.torch
@needs_torch
def test_pgd_without_start_is_iterated_fgsm_and_matches_torch(plain, test_set):
    X, y = test_set
    res = pgd(plain, X[:50], y[:50], 0.1, alpha=0.02, n_steps=5)
    expected = torch_pgd(plain, X[:50], y[:50], 0.1, 0.02, 5, np.zeros((50, 64)))
    np.testing.assert_array_equal(res.x_adv, expected)
    one = pgd(plain, X, y, 0.1, alpha=0.1, n_steps=1)
    np.testing.assert_array_equal(one.x_adv, fgsm(plain, X, y, 0.1).x_adv)


@pytest.mark.torch
@needs_torch
def test_binary_2d_model_unclipped_matches_torch(binary_net, rng):
    x = rng.uniform(-6, 6, size=(200, 2))
    y = predict_labels(binary_net, x)
    res = fgsm(binary_net, x, y, 0.7, clip=None)
    np.testing.assert_array_equal(res.x_adv, torch_fgsm(binary_net, x, y, 0.7, clip=None))
    noise = rng.uniform(-0.5, 0.5, size=x.shape)
    res = pgd(binary_net, x, y, 0.5, alpha=0.1, n_steps=8, init_noise=noise, clip=None)
    expected = torch_pgd(binary_net, x, y, 0.5, 0.1, 8, noise, clip=None)
    np.testing.assert_array_equal(res.x_adv, expected)
    assert np.abs(res.x_adv).max() > 6  # no [0, 1] clipping: points may leave the plot
    assert set(np.unique(res.pred_adv)) <= {-1, 1}


# --------------------------------------------------------------------------------------------
# The L∞ bound, clipping and the effect on the loss
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("eps", [0.03, 0.15, 0.3])
def test_linf_bound_needs_the_ulp_fix_and_holds_exactly(plain, test_set, eps):
    X, y = test_set
    naive = np.clip(np.clip(X + eps, X - eps, X + eps), 0, 1)
    assert (np.abs(naive - X) > eps).any()  # x + eps rounds outside the ball at these eps
    for res in (fgsm(plain, X, y, eps), pgd(plain, X, y, eps, n_steps=5)):
        assert np.abs(res.x_adv - X).max() <= eps
        assert res.x_adv.min() >= 0.0 and res.x_adv.max() <= 1.0
        np.testing.assert_allclose(res.linf, eps, atol=1e-15)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    eps=st.floats(0.0, 1.0),
    alpha_frac=st.floats(0.0, 1.0),
    n_steps=st.integers(1, 6),
    seed=st.integers(0, 2**32 - 1),
    targeted=st.booleans(),
)
def test_bounds_hold_exactly_for_any_parameters(plain, test_set, eps, alpha_frac, n_steps, seed,
                                                targeted):  # fmt: skip
    X, y = test_set
    idx = np.random.default_rng(seed).choice(len(X), 12, replace=False)
    x = X[idx]
    target = (y[idx] + 1) % 10 if targeted else None
    for res in (
        fgsm(plain, x, y[idx], eps, target=target),
        pgd(plain, x, y[idx], eps, alpha=alpha_frac * 1.0, n_steps=n_steps, target=target,
            random_start=True, rng=np.random.default_rng(seed)),
    ):  # fmt: skip
        assert np.abs(res.x_adv - x).max() <= eps
        assert res.x_adv.min() >= 0.0 and res.x_adv.max() <= 1.0


def test_attacks_increase_the_loss(plain, test_set):
    X, y = test_set
    before = example_losses(plain, X, y)
    small = example_losses(plain, fgsm(plain, X, y, 0.02).x_adv, y)
    assert np.mean(small > before) > 0.95
    f = example_losses(plain, fgsm(plain, X, y, 0.1).x_adv, y)
    p = example_losses(plain, pgd(plain, X, y, 0.1, n_steps=20).x_adv, y)
    assert before.mean() < f.mean() < p.mean()
    t = (y + 1) % 10
    t_before = example_losses(plain, X, t)
    t_after = example_losses(plain, fgsm(plain, X, None, 0.05, target=t).x_adv, t)
    assert np.mean(t_after < t_before) > 0.95


def test_pgd_is_stronger_than_fgsm(plain, test_set):
    X, y = test_set
    acc_f = np.mean(fgsm(plain, X, y, 0.1).pred_adv == y)
    acc_p = np.mean(pgd(plain, X, y, 0.1, n_steps=20).pred_adv == y)
    assert acc_p < acc_f


def test_attack_leaves_the_model_unchanged(plain, test_set):
    X, y = test_set
    params, grads = plain.params.copy(), plain.grads.copy()
    fgsm(plain, X, y, 0.1)
    pgd(plain, X[:20], y[:20], 0.1, n_steps=3)
    jsma(plain, X[:5], y[:5], 0.1, target=1)
    np.testing.assert_array_equal(plain.params, params)
    np.testing.assert_array_equal(plain.grads, grads)


def test_result_fields_and_json(plain, test_set):
    X, y = test_set
    res = fgsm(plain, X[:4], y[:4], 0.1)
    np.testing.assert_allclose(res.out_clean.sum(axis=1), 1.0)  # probabilities
    np.testing.assert_array_equal(res.pred_adv, res.out_adv.argmax(axis=1))
    np.testing.assert_array_equal(res.success, res.pred_adv != y[:4])
    d = json.loads(json.dumps(res.as_dict(include_inputs=True)))
    assert d["attack"] == "fgsm" and len(d["x_adv"]) == 4 and d["params"]["eps"] == 0.1


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


def test_shipped_models_accuracy_and_robustness(plain, robust, test_set):
    X, y = test_set
    acc = {n: np.mean(predict_labels(m, X) == y) for n, m in (("p", plain), ("r", robust))}
    assert acc["p"] >= 0.95 and acc["r"] >= 0.95
    adv_p = np.mean(fgsm(plain, X, y, 0.1).pred_adv == y)
    adv_r = np.mean(fgsm(robust, X, y, 0.1).pred_adv == y)
    assert adv_r > adv_p + 0.2
    for name, model in zip(MODELS, (plain, robust), strict=True):
        meta = model_metadata(name)
        assert meta["test_accuracy"] == pytest.approx(
            np.mean(predict_labels(model, X) == y), abs=1e-4
        )
        assert meta["test_accuracy_fgsm_0.1"] == pytest.approx(
            np.mean(fgsm(model, X, y, 0.1).pred_adv == y), abs=1e-4
        )
    assert repr(plain) == "Network(64-32-10, problem='multiclass')"


def test_model_files_are_small_and_load_by_resource():
    for name in MODELS:
        blob = resources.files("pyplayground.models").joinpath(f"{name}.json").read_bytes()
        assert len(blob) < 40_000
    assert load_builtin() is not load_builtin()  # fresh network per call
    with pytest.raises(ValueError, match="Unknown built-in model 'mnist'"):
        load_builtin("mnist")


@pytest.mark.slow
def test_training_script_is_deterministic():
    from pyplayground.model_io import dumps
    from pyplayground.models import _train_digits

    trained = _train_digits.train_both()
    for name, (net, meta) in trained.items():
        shipped = json.loads(
            resources.files("pyplayground.models").joinpath(f"{name}.json").read_text()
        )
        assert json.loads(dumps(net, training=meta)) == shipped


# --------------------------------------------------------------------------------------------
# JSMA: the defining property, checked with PyTorch's Jacobian
# --------------------------------------------------------------------------------------------


def _torch_saliency(tm, x, t, domain, increase, pairs):
    """Best score and the score of every candidate (−inf where not allowed)."""
    logits = tm(torch.tensor(x))
    jac = torch.autograd.functional.jacobian(tm, torch.tensor(x)).numpy()  # (10, 64)
    a, b = jac[t], jac.sum(axis=0) - jac[t]
    if pairs:
        a, b = a[:, None] + a[None, :], b[:, None] + b[None, :]
        valid = domain[:, None] & domain[None, :] & ~np.eye(len(x), dtype=bool)
    else:
        valid = domain.copy()
    valid &= (a > 0) & (b < 0) if increase else (a < 0) & (b > 0)
    return int(logits.argmax()), np.where(valid, -a * b, -np.inf)


@pytest.mark.torch
@needs_torch
@pytest.mark.parametrize("pairs, theta, gamma", [(True, 1.0, 0.2), (False, 1.0, 0.15),
                                                 (True, -1.0, 0.2), (True, 0.5, 0.3)])  # fmt: skip
def test_jsma_changes_only_what_the_saliency_map_picks(plain, test_set, pairs, theta, gamma):
    X, y = test_set
    x, t = X[:30], (y[:30] + 4) % 10
    res = jsma(plain, x, y[:30], gamma, target=t, theta=theta, pairs=pairs)
    tm, k = torch_model(plain), 2 if pairs else 1
    max_iter = math.floor(gamma * 64 / k)
    increase = theta > 0
    for i in range(len(x)):
        cur = x[i].copy()
        domain = cur < 1 if increase else cur > 0
        for sel in res.pixels[i]:
            pred, scores = _torch_saliency(tm, cur, t[i], domain, increase, pairs)
            assert pred != t[i]  # it only continues while the target is not reached
            got = scores[sel[0], sel[1]] if pairs else scores[sel[0]]
            assert np.isfinite(got) and got >= scores.max() * (1 - 1e-9)
            cur[sel] = np.clip(cur[sel] + theta, 0, 1)
            domain[sel] = False
        np.testing.assert_array_equal(cur, res.x_adv[i])  # nothing else was changed
        changed = set(np.flatnonzero(res.x_adv[i] != x[i]))
        assert changed <= set(res.pixels[i].ravel())
        assert len(res.pixels[i]) == res.n_iter[i] <= max_iter
        pred, scores = _torch_saliency(tm, cur, t[i], domain, increase, pairs)
        stopped = pred == t[i] or res.n_iter[i] == max_iter or not np.isfinite(scores.max())
        assert stopped, f"example {i} stopped early"
        assert res.success[i] == (pred == t[i])
    assert res.l0.max() <= k * max_iter
    assert res.success.any()


def test_jsma_reaches_targets_on_most_digits(plain, test_set):
    X, y = test_set
    res = jsma(plain, X, y, 0.2, target=(y + 1) % 10)
    assert res.success_rate > 0.7
    np.testing.assert_array_equal(res.success, res.pred_adv == (y + 1) % 10)
    already = jsma(plain, X[:3], None, 0.1, target=predict_labels(plain, X[:3]))
    assert already.success.all() and (already.n_iter == 0).all()
    np.testing.assert_array_equal(already.x_adv, X[:3])


# --------------------------------------------------------------------------------------------
# Sweeps
# --------------------------------------------------------------------------------------------


def test_accuracy_vs_strength_matches_single_attacks(plain, test_set):
    X, y = test_set
    curve = accuracy_vs_strength(plain, X, y, "fgsm", [0.0, 0.05, 0.1])
    assert curve.accuracy[0] == curve.clean_accuracy == np.mean(predict_labels(plain, X) == y)
    assert curve.accuracy[2] == np.mean(fgsm(plain, X, y, 0.1).pred_adv == y)
    assert curve.accuracy[0] > curve.accuracy[1] > curve.accuracy[2]
    pg = accuracy_vs_strength(plain, X[:60], y[:60], "pgd", [0.1], n_steps=3)
    assert pg.accuracy[0] == np.mean(pgd(plain, X[:60], y[:60], 0.1, n_steps=3).pred_adv == y[:60])
    js = accuracy_vs_strength(plain, X[:40], y[:40], "jsma", [0.0, 0.2])
    assert (
        js.success_rate[1]
        == jsma(plain, X[:40], y[:40], 0.2, target=(y[:40] + 1) % 10).success_rate
    )
    assert json.loads(json.dumps(curve.as_dict()))["attack"] == "fgsm"


def test_min_flip_strength_flips_and_a_bit_less_does_not(plain, test_set):
    X, y = test_set
    for i in range(12):
        r = min_flip_strength(plain, X[i], y[i], tol=1e-5)
        assert r.eps is not None and 0 < r.eps - r.eps_below <= 1e-5
        at = fgsm(plain, X[i : i + 1], np.array([y[i]]), r.eps)
        below = fgsm(plain, X[i : i + 1], np.array([y[i]]), r.eps_below)
        assert at.pred_adv[0] != r.pred_clean and at.pred_adv[0] == r.pred_adv
        assert below.pred_adv[0] == r.pred_clean
        np.testing.assert_array_equal(at.x_adv[0], r.x_adv)
        grid = np.linspace(0, r.eps_below, 200)
        assert all(fgsm(plain, X[i : i + 1], y[i : i + 1], e).pred_adv[0] == r.pred_clean
                   for e in grid)  # fmt: skip


def test_min_flip_strength_on_a_2d_model(binary_net, rng):
    x = rng.uniform(-1, 1, size=2)
    r = min_flip_strength(binary_net, x, clip=None, max_eps=12.0, tol=1e-6)
    assert r.eps is not None
    step = np.sign(binary_net.input_gradient(x[None], np.array([r.pred_clean], float))[1][0])
    flip = predict_labels(binary_net, (x + r.eps * step)[None])[0]
    keep = predict_labels(binary_net, (x + r.eps_below * step)[None])[0]
    assert flip == -r.pred_clean and keep == r.pred_clean
    never = min_flip_strength(binary_net, x, clip=None, max_eps=1e-9)
    assert never.eps is None


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------


_ERRORS = [
    (lambda m, X, y: fgsm(m, X, y, 1.5), r"'eps' parameter of fgsm .*\[0\.0, 1\.0\]. Got 1\.5"),
    (lambda m, X, y: fgsm(m, X, y, -0.1), r"'eps' parameter of fgsm"),
    (lambda m, X, y: pgd(m, X, y, float("nan")), r"'eps' parameter of pgd"),
    (lambda m, X, y: pgd(m, X, y, 0.1, alpha=2.0), r"'alpha' parameter of pgd .*\[0\.0, 1\.0\]"),
    (lambda m, X, y: pgd(m, X, y, 0.1, n_steps=0), r"'n_steps' .* int in \[1, 1000\]"),
    (lambda m, X, y: pgd(m, X, y, 0.1, random_start=True), r"'rng' parameter of pgd"),
    (lambda m, X, y: pgd(m, X, y, 0.1, init_noise=np.ones_like(X)), r"'init_noise'"),
    (lambda m, X, y: jsma(m, X, y, 0.0, target=1), r"'gamma' parameter of jsma .*\(0\.0, 1\.0\]"),
    (lambda m, X, y: jsma(m, X, y, 0.1, target=1, theta=0), r"'theta' .* non-zero"),
    (lambda m, X, y: jsma(m, X, y, 0.1, target=10), r"'target' parameter of jsma .*\[0, 9\]"),
    (lambda m, X, y: fgsm(m, X, None, 0.1, target=-1), r"'target' parameter of fgsm .*\[0, 9\]"),
    (lambda m, X, y: fgsm(m, X, None, 0.1), r"needs the labels 'y'"),
    (lambda m, X, y: fgsm(m, X, y[:2], 0.1), r"'y' parameter .* one entry per example \(5\)"),
    (lambda m, X, y: fgsm(m, X[:, :63], y, 0.1), r"'x' parameter .* shape \(n_samples, 64\)"),
    (lambda m, X, y: fgsm(m, X + 1.0, y, 0.1), r"clip range \[0\.0, 1\.0\].*clip=None"),
    (lambda m, X, y: fgsm(m, X, y, 0.1, clip=(1, 0)), r"'clip' parameter .* lo < hi"),
    (lambda m, X, y: get_attack("cw"), r"'attack' parameter must be one of \['fgsm', 'pgd', 'jsma"),
    (lambda m, X, y: accuracy_vs_strength(m, X, y, "deepfool", [0.1]), r"'attack' parameter"),
    (lambda m, X, y: min_flip_strength(m, X[:2]), r"must be one example"),
    (lambda m, X, y: min_flip_strength(m, X[0], max_eps=3.0), r"'max_eps' .*\[0\.0, 1\.0\]"),
    (lambda m, X, y: min_flip_strength(m, X[0], tol=0), r"'tol' .*\(0\.0, inf\)"),
]


@pytest.mark.parametrize("call, match", _ERRORS)
def test_invalid_parameters_raise_naming_the_parameter(plain, test_set, call, match):
    X, y = test_set
    with pytest.raises(ValueError, match=match):
        call(plain, X[:5], y[:5])


def test_non_classifiers_and_binary_jsma_are_rejected(binary_net, rng):
    reg = build_mlp(2, [3], 1, problem="regression", rng=rng)
    with pytest.raises(ValueError, match=r"'model' parameter of fgsm must be a classifier"):
        fgsm(reg, np.zeros((1, 2)), np.zeros(1), 0.1, clip=None)
    with pytest.raises(ValueError, match=r"jsma must be a multiclass network"):
        jsma(binary_net, np.zeros((1, 2)), None, 0.5, target=1, clip=None)
    with pytest.raises(ValueError, match=r"labels -1 or \+1"):
        fgsm(binary_net, np.zeros((1, 2)), np.array([0]), 0.1, clip=None)
    assert set(ATTACKS) == {"fgsm", "pgd", "jsma"}


# --------------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------------


def _cli_json(capsys, *argv):
    assert attack_cli.main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_fgsm_json_matches_library(capsys, plain, test_set):
    X, y = test_set
    out = _cli_json(capsys, "--attack", "fgsm", "--eps", "0.1")
    res = fgsm(plain, X, y, 0.1)
    assert out["n_examples"] == 360 and out["adversarial_accuracy"] == np.mean(res.pred_adv == y)
    assert out["success_rate"] == res.success_rate and out["clean_accuracy"] > 0.95
    assert [e["pred_adv"] for e in out["examples"]] == res.pred_adv.tolist()
    assert out["examples"][0].keys() >= {"index", "label", "pred_clean", "pred_adv", "success"}


def test_cli_pgd_jsma_targeted_and_model_file(capsys, robust, test_set, tmp_path):
    X, y = test_set
    out = _cli_json(capsys, "--model", "digits_mlp_robust", "--attack", "pgd", "--eps", "0.1",
                    "--steps", "3", "--random-start", "--seed", "5", "--limit", "40")  # fmt: skip
    res = pgd(robust, X[:40], y[:40], 0.1, n_steps=3, random_start=True,
              rng=np.random.default_rng(5))  # fmt: skip
    assert out["adversarial_accuracy"] == np.mean(res.pred_adv == y[:40])
    assert out["params"]["seed"] == 5 and out["params"]["n_steps"] == 3
    out = _cli_json(capsys, "--attack", "jsma", "--gamma", "0.2", "--target", "3", "--limit", "30")
    assert out["n_examples"] + out["n_excluded"] == 30
    assert all(e["label"] != 3 and e["target"] == 3 for e in out["examples"])
    assert all(e["success"] == (e["pred_adv"] == 3) for e in out["examples"])
    path = tmp_path / "m.json"
    save_model(robust, path)
    out = _cli_json(capsys, "--model", str(path), "--limit", "10")
    assert out["model"] == str(path) and out["n_examples"] == 10
    assert attack_cli.main(["--limit", "3"]) == 0
    assert "accuracy under attack" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, flag",
    [
        (["--eps", "1.5"], "--eps"),
        (["--eps", "-0.1"], "--eps"),
        (["--attack", "cw"], "--attack"),
        (["--attack", "jsma"], "--target"),
        (["--attack", "jsma", "--target", "1", "--gamma", "0"], "--gamma"),
        (["--attack", "jsma", "--target", "1", "--theta", "0"], "--theta"),
        (["--target", "10"], "--target"),
        (["--attack", "pgd", "--steps", "0"], "--steps"),
        (["--attack", "pgd", "--alpha", "3"], "--alpha"),
        (["--attack", "fgsm", "--steps", "3"], "--steps"),
        (["--attack", "fgsm", "--gamma", "0.1"], "--gamma"),
        (["--limit", "0"], "--limit"),
        (["--model", "no/such/file.json"], "--model"),
        (["--eps", "abc"], "--eps"),
    ],
)
def test_cli_errors_exit_2_naming_the_flag(capsys, argv, flag):
    assert attack_cli.main(argv) == 2
    err = capsys.readouterr().err
    assert flag in err and "error" in err


def test_cli_rejects_bad_model_files(capsys, tmp_path, binary_net):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    assert attack_cli.main(["--model", str(bad)]) == 2
    assert "--model" in capsys.readouterr().err
    small = tmp_path / "2d.json"
    save_model(binary_net, small)
    assert attack_cli.main(["--model", str(small)]) == 2
    assert "64 inputs" in capsys.readouterr().err
