"""The explorer's 2-D mode: attack one point of a playground's data in the input plane.

A mixin of :class:`~.app.AdversarialExplorer`: the data and the live network come from the
playground named by the ``source`` setting (a peer's headless ``.pg``), or from a small
built-in circle network trained in the background; the plane view shows the chosen
point's gradient-sign step and its smallest flipping step.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import panel as pn
from panel.io.callbacks import PeriodicCallback

from pyplayground.engine._types import Array
from pyplayground.playground import Playground
from pyplayground.state import PlaygroundState

from .points import PlaneNet, PointAttack, attack_point

POLL_MS: Final = 400  # between looks at the source playground's network
BUILTIN_EPOCHS: Final = 300


class PointsMode:
    """The 2-D mode's part of the explorer (state, computing, drawing, metrics)."""

    state: dict[str, Any]
    peers: dict[str, Any]
    point_result: PointAttack | None
    _builtin: Playground | None
    _plane_key: Any
    _points_key: Any
    _ticks: int
    _poll: PeriodicCallback | None
    plane: Any
    c: Any

    def _start_pump(self) -> bool:
        raise NotImplementedError

    def _compute(self) -> None:
        raise NotImplementedError

    def _render(self, *, direct: bool = False) -> None:
        raise NotImplementedError

    def _request(self) -> None:
        raise NotImplementedError

    def pick_point_at(self, x1: float, x2: float) -> None:
        """Attack the data point nearest to (x1, x2)."""
        _, xy, _ = self._plane_data()
        if len(xy) == 0:
            return
        index = int(np.argmin(((xy - [x1, x2]) ** 2).sum(axis=1)))
        self.c.point.value = index  # the watcher updates the state and recomputes

    def _plane_source(self) -> Playground:
        peer = self.peers.get(self.state["source"]) if self.state["source"] else None
        pg = getattr(peer, "pg", None)
        if isinstance(pg, Playground):
            return pg
        if self._builtin is None:
            self._builtin = Playground(PlaygroundState(dataset="circle", noise=10))
            if not self._start_pump():
                self._builtin.step(BUILTIN_EPOCHS)
        return self._builtin

    def _plane_data(self) -> tuple[Playground, Array, Array]:
        pg = self._plane_source()
        p = pg.points
        return pg, np.vstack([p.test, p.train]), np.concatenate([p.y_test, p.y_train])

    def _compute_point(self) -> None:
        pg, xy, labels = self._plane_data()
        i = self.state["point"]
        if pg.problem == "regression" or not 0 <= i < len(xy):
            self.point_result = None
            return
        model = PlaneNet(pg.network, pg.state.features)
        self.point_result = attack_point(model, xy[i], int(labels[i]), self.state["eps"])

    def _render_points(self) -> None:
        pg, xy, labels = self._plane_data()
        model = PlaneNet(pg.network, pg.state.features)
        with pn.io.hold():
            key = (id(pg.network), float(pg.network.params.sum()), pg.state.features)
            if key != self._plane_key:
                self._plane_key = key
                self.plane.show_model(model)
            pkey = (id(pg.points), len(xy))
            if pkey != self._points_key:
                self._points_key = pkey
                self.plane.show_points(pg.problem, xy, labels)
            self.plane.show_attack(pg.problem, self.point_result)
            self.c.point_info.object = self._point_html(pg)

    def _point_html(self, pg: Playground) -> str:
        if pg.problem == "regression":
            return "The 2-D mode needs a classification problem."
        r = self.point_result
        source = "the playground above" if pg is not self._builtin else "a built-in network"
        if r is None:
            return f"Click a point of {source} (or type its number) to attack it."
        flip = "no flip up to 4" if r.flip_eps is None else f"<b>{r.flip_eps:.3f}</b>"
        verdict = '<span class="pg-fooled">flipped</span>' if r.fooled else "not flipped"
        return (
            f"Point {self.state['point']} at ({r.x[0]:.2f}, {r.x[1]:.2f}), label {r.label}: "
            f"predicted {r.pred} → {r.adv_pred} at ε = {r.eps:.2f} ({verdict}).<br>"
            f"Smallest flipping step: {flip}. The arrow is the step "
            f"ε·sign(∇L) = ε·({r.direction[0]:+.0f}, {r.direction[1]:+.0f}); the cross marks "
            "where the prediction flips."
        )

    def _polling(self) -> bool:
        return self.state["mode"] == "points" and bool(self.state["source"])

    def _start_poll(self) -> None:
        """Watch the source playground (it trains on its own) with a slow periodic callback."""
        if self._poll is not None or not self._polling() or pn.state.curdoc is None:
            return
        poll = PeriodicCallback(callback=self._poll_tick, period=POLL_MS, background=True)
        poll.start()
        self._poll = poll if getattr(poll, "_cb", None) is not None else None

    def _poll_tick(self) -> None:
        if self.state["mode"] != "points" or self._builtin is not None:
            return
        pg = self._plane_source()
        key = (id(pg.network), float(pg.network.params.sum()), pg.state.features)
        if key != self._plane_key:
            self._request()

    def _points_work(self) -> bool:
        if self._builtin is not None and self._builtin.last.epoch < BUILTIN_EPOCHS:
            self._builtin.step(5)
            if self._builtin.last.epoch % 25 == 0:
                self._compute()
                self._render()
            return True
        return False

    def _point_metrics(self, out: dict[str, Any]) -> None:
        r = self.point_result
        out["curve_done"] = False
        if r is None:
            return
        pg = self._plane_source()
        problem = pg.problem

        def prob(o: Array, cls: int) -> float:
            if problem == "multiclass":
                return float(o[cls])
            return float((1.0 + o[0] * cls) / 2.0)

        out.update(
            point_selected=True, fooled=r.fooled, true_label=r.label, predicted=r.pred,
            adv_predicted=r.adv_pred, target_reached=False,
            confidence=prob(r.out_adv, r.adv_pred), true_probability=prob(r.out_adv, r.label),
            changed_pixels=int(np.count_nonzero(r.x_adv != r.x)), min_flip_eps=r.flip_eps,
            excess_eps=None if r.flip_eps is None else r.eps - r.flip_eps,
        )  # fmt: skip


__all__ = ["BUILTIN_EPOCHS", "POLL_MS", "PointsMode"]
