"""The 2-D mode's model: a playground network seen as a function of the plane (x1, x2).

Playground networks may take derived features (x1², sin x1, ...).  :class:`PlaneNet`
puts the feature map in front of the network and backpropagates through it (chain
rule with the features' derivatives), so attacks move the *point* in the plane, never a
feature on its own.  It is duck-compatible with :class:`~pyplayground.engine.Network`
as far as :mod:`pyplayground.adversarial` needs (``forward``, ``input_gradient``,
``grads``, ``head``, ``problem``, ``n_inputs``, ``n_outputs``), so ``fgsm`` and
``min_flip_strength`` run on it unchanged, with ``clip=None``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from pyplayground.adversarial import fgsm, min_flip_strength
from pyplayground.engine import Network
from pyplayground.engine._types import Array
from pyplayground.features import feature_matrix

_Deriv = Callable[[Array, Array], tuple[Array | float, Array | float]]
#: ∂feature/∂x1 and ∂feature/∂x2 of each playground feature.
DERIVATIVES: Final[dict[str, _Deriv]] = {
    "x": lambda x1, x2: (1.0, 0.0),
    "y": lambda x1, x2: (0.0, 1.0),
    "xSquared": lambda x1, x2: (2 * x1, 0.0),
    "ySquared": lambda x1, x2: (0.0, 2 * x2),
    "xTimesY": lambda x1, x2: (x2, x1),
    "sinX": lambda x1, x2: (np.cos(x1), 0.0),
    "sinY": lambda x1, x2: (0.0, np.cos(x2)),
}
MAX_EPS: Final = 4.0


class PlaneNet:
    """``network(features(x1, x2))`` as a model of the two plane coordinates.

    Parameters
    ----------
    network : Network
        A playground network (``"classification"`` or ``"multiclass"``), used live.
    features : sequence of str
        Its input features, in order.
    """

    def __init__(self, network: Network, features: Sequence[str]) -> None:
        self.network = network
        self.features = tuple(features) or ("x",)

    problem = property(lambda self: self.network.problem)
    n_outputs = property(lambda self: self.network.n_outputs)
    head = property(lambda self: self.network.head)
    grads = property(lambda self: self.network.grads)
    n_inputs = 2

    def _features(self, x: Array) -> Array:
        return feature_matrix(np.asarray(x, dtype=np.float64), self.features)

    def forward(self, x: Array, **kwargs: Any) -> tuple[Array, Any]:
        """The network's outputs (logits or tanh) at the points ``x`` of shape (n, 2)."""
        return self.network.forward(self._features(x), **kwargs)

    def predict(self, x: Array) -> Array:
        """What the playground shows: probabilities or the tanh output."""
        return self.network.predict(self._features(x))

    def input_gradient(self, x: Array, y: Array) -> tuple[float, Array]:
        """Loss and its gradient with respect to the plane coordinates, shape (n, 2)."""
        x = np.asarray(x, dtype=np.float64)
        loss, dfeat = self.network.input_gradient(self._features(x), y)
        x1, x2 = x[:, 0], x[:, 1]
        dx = np.zeros_like(x)
        for k, name in enumerate(self.features):
            d1, d2 = DERIVATIVES[name](x1, x2)
            dx[:, 0] += dfeat[:, k] * d1
            dx[:, 1] += dfeat[:, k] * d2
        return loss, dx


def labels_of(problem: str, out: Array) -> Array:
    """Predicted classes: ±1 (sign of tanh) or argmax."""
    if problem == "multiclass":
        return np.argmax(out, axis=1)
    return np.where(out[:, 0] >= 0, 1, -1)


@dataclass(frozen=True, slots=True)
class PointAttack:
    """One point attacked in the plane.

    ``x_adv`` is the FGSM step at ``eps`` (untargeted, away from the clean prediction);
    ``flip_eps`` the smallest step that changes the prediction (None: none up to
    :data:`MAX_EPS`) and ``x_flip`` the point it reaches.
    """

    x: Array
    label: int
    pred: int
    x_adv: Array
    adv_pred: int
    eps: float
    direction: Array
    flip_eps: float | None
    x_flip: Array
    out_clean: Array
    out_adv: Array

    @property
    def fooled(self) -> bool:
        """The step changed the prediction."""
        return self.adv_pred != self.pred


def attack_point(model: PlaneNet, x: Array, label: int, eps: float) -> PointAttack:
    """FGSM on one point (away from its clean prediction) and its smallest flipping step."""
    x1 = np.asarray(x, dtype=np.float64).reshape(1, 2)
    out = model.predict(x1)
    pred = int(labels_of(model.problem, out)[0])
    if eps > 0:
        res = fgsm(model, x1, np.array([pred]), eps, clip=None)  # type: ignore[arg-type]
        x_adv, out_adv = res.x_adv[0], res.out_adv[0]
        adv_pred = int(res.pred_adv[0])
    else:
        x_adv, out_adv, adv_pred = x1[0].copy(), out[0], pred
    _, g = model.input_gradient(x1, np.array([pred], dtype=np.float64))
    flip = min_flip_strength(model, x1, clip=None, max_eps=MAX_EPS, tol=1e-3)  # type: ignore[arg-type]
    return PointAttack(
        x=x1[0],
        label=int(label),
        pred=pred,
        x_adv=x_adv,
        adv_pred=adv_pred,
        eps=float(eps),
        direction=np.sign(g[0]),
        flip_eps=flip.eps,
        x_flip=np.asarray(flip.x_adv, dtype=np.float64).reshape(2),
        out_clean=out[0],
        out_adv=out_adv,
    )


__all__ = ["DERIVATIVES", "MAX_EPS", "PlaneNet", "PointAttack", "attack_point", "labels_of"]
