"""The adversarial attack explorer: a lesson widget that also runs on its own.

``AdversarialExplorer(state=None, peers=None)`` follows the protocol of
:mod:`pyplayground.ui.widgets`: ``on_update`` after every redraw, :meth:`metrics`,
:meth:`state_values`, :meth:`load_state`.  ``AdversarialExplorer().servable()`` works
under ``panel serve``.

Staying responsive in the Pyodide worker:

* A change is computed at once when nothing was computed in the last ``QUIET_S``
  seconds; during a burst (a dragged slider) it only marks the state dirty, and the
  next tick of the *pump* (a periodic callback) computes the latest value: values that
  arrived in between are never computed.
* A redraw of the digits mode is one Bokeh change (:class:`~.views.Packet`), or in the
  worker, after the first, one message posted straight to the page.
* In the worker the page also posts the strength slider's value straight to the worker,
  one value in flight at a time (``views.EPS_JS``): each is computed and drawn at once
  (:meth:`AdversarialExplorer.set_eps_direct`).  The value still syncs through Bokeh, late
  and through older values during a drag: once the direct path is in use, those syncs only
  update the widget, never the state, so the picture never steps back.
* The test-set curves (:class:`~.lab.CurveJob`), retraining and the smallest fooling
  strength run in the pump's ticks, at most ``BUDGET_S`` of work per tick, after any
  pending redraw.  Without a served document (tests, plain Python) there is no pump:
  changes are computed at once and :meth:`run_background` does the background work.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import panel as pn
from bokeh.layouts import column, row
from panel.io.callbacks import PeriodicCallback

from pyplayground.engine import Network
from pyplayground.engine._types import Array
from pyplayground.playground import Playground
from pyplayground.ui.playground.bridge import Bridge
from pyplayground.widgets.adversarial import KIND, MAX_EPS_DIGITS, MAX_EPS_POINTS

from .controls import TEXT_CSS, Controls
from .drawing import rasterize
from .lab import (
    SEED,
    CurveJob,
    LiveResult,
    Retrainer,
    accuracy,
    attack_digit,
    curve_strengths,
    min_flip,
    shipped_model,
    test_digits,
)
from .plane import PlaneView
from .points import PointAttack
from .points_mode import PointsMode
from .views import (
    CurvePlot,
    DigitImages,
    Packet,
    ProbabilityBars,
    a11y_callback,
    eps_callback,
    packet_fields,
)

PERIOD_MS: Final = 10
BUDGET_S: Final = 0.010
QUIET_S: Final = 0.03
NOTIFY_QUIET_S: Final = 0.06  # on_update waits for the slider to be still this long
IDLE_TICKS: Final = 200  # the pump stops after this many ticks with nothing to do
CURVE_EVERY: Final = 12  # ticks between partial-curve redraws
RETRAIN_EPOCHS: Final = 15


class Drawing:
    """A hand-drawn digit: strokes on top of a base image (a test digit, or blank)."""

    def __init__(self, base: Array) -> None:
        self.base = np.asarray(base, dtype=np.float64).copy()
        self.xs: list[list[float]] = []
        self.ys: list[list[float]] = []

    @property
    def image(self) -> Array:
        """The digit the model sees, in [0, 1]."""
        return np.clip(self.base + rasterize(self.xs, self.ys), 0.0, 1.0)


class AdversarialExplorer(PointsMode, pn.viewable.Viewer):
    """Attack a digit (or a 2-D point) live; see the test-set curves and the defence.

    Parameters
    ----------
    state : mapping, optional
        Full or partial settings (the keys of ``KIND.params``); defaults otherwise.
    peers : mapping, optional
        The page's other live parts by id; ``state["source"]`` names the playground whose
        network the 2-D mode attacks.
    """

    def __init__(
        self,
        state: Mapping[str, Any] | None = None,
        peers: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(**params)
        self.state: dict[str, Any] = KIND.state(dict(state or {}))
        self.peers = dict(peers or {})
        self.on_update: Any = None
        self.models: dict[str, Network] = {n: shipped_model(n) for n in ("plain", "robust")}
        self._accuracy = {n: accuracy(m) for n, m in self.models.items()}
        self.retrainer: Retrainer | None = None
        self.drawing: Drawing | None = None
        self.result: LiveResult | None = None
        self.grad: Array = np.zeros(64)
        self.point_result: PointAttack | None = None
        self.min_flip_eps: float | None = None
        self._flip_key: Any = None
        self._flip_pending = False
        self._jobs: dict[Any, CurveJob] = {}
        self.job: CurveJob | None = None
        self._builtin: Playground | None = None
        self._plane_key: Any = None
        self._points_key: Any = None
        self.computations = 0  # live computations (tests check the coalescing)
        self._dirty = False
        self._pump: PeriodicCallback | None = None
        self._poll: PeriodicCallback | None = None
        self._ticks = 0
        self._idle = 0
        self._last_compute = -1e9
        self._t_compute = 0.0
        self._syncing = False
        self._eps_direct = False  # the page posts the strength straight to the worker
        self._notify_at: float | None = None  # when a deferred on_update is due
        self.bridge = Bridge()
        self.c = Controls()
        self.images = DigitImages()
        self.bars = ProbabilityBars()
        self.curves = CurvePlot()
        self.packet = Packet(self.images, self.bars, self.curves, self.c.pred_div, self.c.info_div)
        self.packet.attach(self.images.orig_fig)
        self.plane = PlaneView(self.bridge)
        for fig in (self.images.orig_fig, self.plane.figure):
            fig.js_on_change("inner_width", a11y_callback())
        self._wire()
        self._sync_widgets()
        self._layout = self._build_layout()
        self._compute()
        self._render(direct=True)

    # ------------------------------------------------------------ wiring
    def _wire(self) -> None:
        for key, widget in self.c.by_key().items():
            widget.param.watch(lambda e, k=key: self._changed(k, e.new), "value")
        self.c.digit_class.param.watch(self._next_of_class, "value")
        self.c.eps.jscallback(**eps_callback(self.packet.source.id))
        self.packet.on_eps = self.set_eps_direct
        self.c.clear.on_click(lambda _e: self.clear_drawing())
        self.c.retrain.on_click(lambda _e: self.retrain())
        self.images.strokes.on_change("data", self._strokes_changed)
        self.images.orig_fig.js_on_event(
            "tap", self.bridge.callback("adv-dot", "return [cb_obj.x, cb_obj.y, 0];")
        )
        self.bridge.on("adv-dot", lambda a, b, _c: self.draw_stroke([a], [b]))
        self.bridge.on("adv-tap", lambda a, b, _c: self.pick_point_at(a, b))

    def _changed(self, key: str, value: Any) -> None:
        if self._syncing or value is None or (key == "eps" and self._eps_direct):
            return
        try:
            value = KIND.param_map[key].check(value)
        except ValueError:
            return
        if value == self.state.get(key):
            return
        self.state[key] = value
        if key == "digit":
            self.drawing = None
            self.images.strokes.data = {"xs": [], "ys": []}
        if key == "model" and value == "retrained" and self.retrainer is None:
            self.retrain()
            return
        if key in ("attack", "model"):
            self._show_visibility()
        self._request()

    def _sync_widgets(self) -> None:
        """Show ``self.state`` in the widgets (without reacting to it)."""
        self._syncing = True
        try:
            points = self.state["mode"] == "points"
            self.c.eps.end = MAX_EPS_POINTS if points else MAX_EPS_DIGITS
            self.c.eps.step = 0.01 if points else 0.005
            for key, widget in self.c.by_key().items():
                value = self.state[key]
                if key == "eps" and not points:
                    value = min(value, MAX_EPS_DIGITS)
                if widget.value != value:
                    widget.value = value
        finally:
            self._syncing = False
        self._show_visibility()

    def _show_visibility(self) -> None:
        s = self.state
        self.c.pgd_steps.visible = s["attack"] == "pgd"
        self.c.targeted.disabled = s["attack"] == "jsma"
        self.c.retrain.visible = self.c.adv_training.visible = s["model"] == "retrained"

    def set_eps_direct(self, value: Any) -> None:
        """A strength posted straight from the page's slider: compute and draw it now.

        The page sends the next value only after this one's answer, so nothing here needs
        coalescing; from the first such value on, the slider's Bokeh sync is not acted on
        (it brings the same values, later).  ``on_update`` (the lesson's task checks, whose
        texts cost the worker a Bokeh change each) waits until the slider has been still for
        ``NOTIFY_QUIET_S``, so that it does not delay the next value of a drag.
        """
        self._eps_direct = True
        try:
            eps = KIND.param_map["eps"].check(float(value))
        except (TypeError, ValueError):
            return
        if eps == self.state["eps"]:
            return
        self.state["eps"] = eps
        self._compute()
        self._render(notify=False)
        if self._start_pump():
            self._notify_at = time.perf_counter() + NOTIFY_QUIET_S
        else:
            self._notify()

    # ------------------------------------------------------------ actions
    def _next_of_class(self, event: Any) -> None:
        if event.new in (None, "—"):
            return
        _, y = test_digits()
        start = self.state["digit"]
        order = [(start + 1 + k) % len(y) for k in range(len(y))]
        index = next(i for i in order if y[i] == int(event.new))
        self.c.digit.value = index
        self.c.digit_class.value = "—"

    def clear_drawing(self) -> None:
        """Start a drawing on an empty canvas."""
        self.drawing = Drawing(np.zeros(64))
        self.images.strokes.data = {"xs": [], "ys": []}
        self._request()

    def draw_stroke(self, xs: list[float], ys: list[float]) -> None:
        """Add one stroke (canvas units, [0, 8]², y up); a single point makes a dot."""
        if self.drawing is None:
            self.drawing = Drawing(self._clean_input()[0])
        self.drawing.xs.append([float(v) for v in xs])
        self.drawing.ys.append([float(v) for v in ys])
        self._request()

    def _strokes_changed(self, _attr: str, _old: Any, new: Any) -> None:
        xs, ys = list(new.get("xs", [])), list(new.get("ys", []))
        if not xs:
            return
        if self.drawing is None:
            self.drawing = Drawing(self._clean_input()[0])
        dots = [(x, y) for x, y in zip(self.drawing.xs, self.drawing.ys, strict=True)
                if len(x) == 1]  # fmt: skip
        self.drawing.xs = [list(map(float, s)) for s in xs] + [d[0] for d in dots]
        self.drawing.ys = [list(map(float, s)) for s in ys] + [d[1] for d in dots]
        self._request()

    def retrain(self) -> None:
        """Train a fresh model in the page (adversarially if ``adv_training``) and select it."""
        self.retrainer = Retrainer(
            adversarial=self.state["adv_training"],
            epochs=RETRAIN_EPOCHS,
            rng=np.random.default_rng(SEED),
        )
        self.state["model"] = "retrained"
        self._sync_widgets()
        if not self._start_pump():
            while not self.retrainer.done:
                self.retrainer.step(budget_s=1.0)
        self._request()

    # ------------------------------------------------------------ computing
    def _request(self) -> None:
        """Recompute and redraw now, or, during a burst, at the pump's next tick."""
        if self._pump is not None and time.perf_counter() - self._last_compute < QUIET_S:
            self._dirty = True
            return
        self._compute()
        self._render()
        self._start_pump()

    def current_model(self) -> Network:
        """The selected digits model."""
        if self.state["model"] == "retrained":
            if self.retrainer is None:
                self.retrain()
            assert self.retrainer is not None
            return self.retrainer.net
        return self.models[self.state["model"]]

    def _clean_input(self) -> tuple[Array, int | None]:
        if self.drawing is not None:
            return self.drawing.image, None
        X, y = test_digits()
        i = self.state["digit"]
        return X[i], int(y[i])

    def _compute(self) -> None:
        self._t_compute = time.perf_counter()
        self._dirty = False
        self.computations += 1
        if self.state["mode"] == "points":
            self._compute_point()
        else:
            self._compute_digit()
        self._last_compute = time.perf_counter()

    def _compute_digit(self) -> None:
        s, net = self.state, self.current_model()
        x, label = self._clean_input()
        if label is None:
            label = int(np.argmax(net.predict(x.reshape(1, -1))[0]))
        self.result = attack_digit(
            net, x, label, attack=s["attack"], eps=min(s["eps"], MAX_EPS_DIGITS),
            targeted=s["targeted"], target=s["target"], pgd_steps=s["pgd_steps"],
        )  # fmt: skip
        saved = net.grads.copy()
        try:
            _, dx = net.input_gradient(x.reshape(1, -1), np.array([float(label)]))
        finally:
            net.grads[...] = saved
        self.grad = dx[0]
        key = (id(net), self._model_version(), x.tobytes(), label)
        if key != self._flip_key:
            self._flip_key, self.min_flip_eps, self._flip_pending = key, None, True
            if self._pump is None:
                self._compute_flip()
        self._ensure_job()

    def _model_version(self) -> Any:
        r = self.retrainer
        return None if r is None or self.state["model"] != "retrained" else (id(r), r.epoch)

    def _compute_flip(self) -> None:
        x, _ = self._clean_input()
        net = self.current_model()
        self.min_flip_eps = min_flip(net, x, clip=(0.0, 1.0), max_eps=MAX_EPS_DIGITS)
        self._flip_pending = False

    def _job_key(self) -> Any:
        s = self.state
        names = ["plain", "robust"]
        if s["model"] == "retrained" and self.retrainer is not None and self.retrainer.done:
            names.append("retrained")
        steps = s["pgd_steps"] if s["attack"] == "pgd" else 0
        return (s["attack"], steps, tuple(names), id(self.retrainer) if len(names) > 2 else 0)

    def _ensure_job(self) -> None:
        key = self._job_key()
        job = self._jobs.get(key)
        if job is None:
            models = dict(self.models)
            if "retrained" in key[2] and self.retrainer is not None:
                models["retrained"] = self.retrainer.net
            job = self._jobs[key] = CurveJob(models, key[0], pgd_steps=max(key[1], 1))
        if job is not self.job:
            self.job = job
            self._show_curves()

    # ------------------------------------------------------------ drawing
    def _render(self, *, direct: bool = False, notify: bool = True) -> None:
        if self.state["mode"] == "points":
            self._render_points()
        else:
            fields = self._fields()
            if direct:
                self.images.set_direct(fields)
                self.bars.set_direct(fields["p_clean"], fields["p_adv"])
                self.c.pred_div.text = fields["pred_html"]
                self.c.info_div.text = fields["info_html"]
                self.curves.cursor.data = {"x": [fields["eps"]] * 2, "y": [0, 1]}
            else:
                # Python's share of the latency (computing + packing), for the benchmark
                fields["py_ms"] = 1000 * (time.perf_counter() - self._t_compute)
                self.packet.send(fields)
        self._show_status()
        if notify:
            self._notify()

    def _notify(self) -> None:
        self._notify_at = None
        if self.on_update is not None:
            self.on_update(self)

    def _fields(self) -> dict[str, Any]:
        assert self.result is not None
        flip = "…" if self._flip_pending else self.min_flip_eps
        return packet_fields(self.result, self.grad, drawn=self.drawing is not None, flip=flip)

    def _show_curves(self) -> None:
        job = self.job
        if job is None or self.state["mode"] == "points":
            return
        curves = {name: job.partial(name) for name in job.models}
        self.curves.show(curves, float(curve_strengths(job.attack)[-1]))

    def _show_status(self) -> None:
        parts = []
        r = self.retrainer
        if r is not None and self.state["model"] == "retrained":
            kind = "with" if r.adversarial else "without"
            acc = 100 * accuracy(r.net)
            parts.append(
                f"Retrained model ({kind} adversarial training): epoch {r.epoch} of {r.epochs}, "
                f"test accuracy {acc:.1f}%"
            )
        if self.state["mode"] == "digits" and self.job is not None:
            # in quarters: each new text re-lays out the page, which costs its main thread
            done = "done" if self.job.done else f"{25 * int(4 * self.job.progress)}%"
            parts.append(f"Curves ({self.job.attack.upper()}, 360 test digits): {done}")
        if self._builtin is not None and self.state["mode"] == "points":
            parts.append(f"Built-in network: epoch {self._builtin.last.epoch}")
        text = "<br>".join(html.escape(p) for p in parts)
        if self.c.status.object != text:
            self.c.status.object = text

    # ------------------------------------------------------------ the pump
    def _start_pump(self) -> bool:
        """Start the periodic callback if a served document can run one; True if running."""
        if self._pump is not None:
            self._idle = 0
            return True
        if pn.state.curdoc is None:
            return False
        pump = PeriodicCallback(callback=self._pump_tick, period=PERIOD_MS, background=True)
        pump.start()
        if getattr(pump, "_cb", None) is None:  # no loop and no session: cannot run here
            pump.stop()
            return False
        self._pump, self._idle = pump, 0
        return True

    def _stop_pump(self) -> None:
        pump, self._pump = self._pump, None
        if pump is not None:
            pump.stop()

    async def _pump_tick(self) -> None:
        if not self.tick():
            self._idle += 1
            if self._idle > IDLE_TICKS:
                self._stop_pump()
        else:
            self._idle = 0
        await asyncio.sleep(0)  # let the worker read the page's messages between ticks

    def tick(self) -> bool:
        """One unit of work: a pending redraw first, then background work; False if idle."""
        self._ticks += 1
        if self._dirty:
            self._compute()
            self._render()
            return True
        if self._notify_at is not None and time.perf_counter() >= self._notify_at:
            self._notify()
            return True
        if self.state["mode"] == "points":
            return self._points_work()
        r = self.retrainer
        if r is not None and not r.done and self.state["model"] == "retrained":
            epoch = r.epoch
            r.step(BUDGET_S)
            if r.epoch != epoch:
                self._compute()
                self._render()
            return True
        if self._flip_pending and self.result is not None:
            self._compute_flip()
            self._render()
            return True
        if self.job is not None and not self.job.done:
            self.job.step(BUDGET_S)
            if self.job.done or self._ticks % CURVE_EVERY == 0:
                self._show_curves()
                self._show_status()
            if self.job.done:
                self._notify()
            return True
        return self._notify_at is not None  # a deferred on_update is not due yet

    def run_background(self, max_ticks: int = 100_000) -> int:
        """Run ticks until there is nothing left to do (tests, notebooks); returns ticks run."""
        for n in range(max_ticks):
            if not self.tick():
                return n
        return max_ticks

    # ------------------------------------------------------------ protocol
    def metrics(self) -> dict[str, Any]:
        """Live values for task checks (keys: ``KIND.metrics``; None: not known yet)."""
        out: dict[str, Any] = dict.fromkeys(KIND.metric_map)
        s = self.state
        out["eps"] = float(s["eps"])
        out["drawn"] = self.drawing is not None
        out["point_selected"] = False
        out["retrain_epochs"] = self.retrainer.epoch if self.retrainer is not None else 0
        if s["mode"] == "points":
            self._point_metrics(out)
            return out
        r = self.result
        if r is not None:
            out.update(
                fooled=r.fooled, true_label=r.label, predicted=r.pred, adv_predicted=r.adv_pred,
                target_reached=r.target_reached, confidence=float(r.p_adv[r.adv_pred]),
                true_probability=float(r.p_adv[r.label]), changed_pixels=r.changed,
            )  # fmt: skip
        flip = self.min_flip_eps
        if flip is not None and not self._flip_pending:
            out["min_flip_eps"] = flip
            out["excess_eps"] = float(s["eps"]) - flip
        name = s["model"]
        out["test_accuracy"] = (
            self._accuracy[name] if name in self._accuracy else accuracy(self.current_model())
        )
        job = self.job
        if job is not None:
            out["curve_done"] = job.done
            out["curve_progress"] = job.progress
            eps = min(float(s["eps"]), MAX_EPS_DIGITS)
            out["robust_accuracy_at_eps"] = job.accuracy_at(name, eps)
            plain, robust = job.accuracy_at("plain", eps), job.accuracy_at("robust", eps)
            if plain is not None and robust is not None:
                out["defence_gain_at_eps"] = robust - plain
        return out

    def state_values(self) -> dict[str, Any]:
        """The current settings (every key of ``KIND.params``)."""
        return dict(self.state)

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Switch to the settings ``state`` (full or partial) and redraw ("Show me", reset)."""
        self.state = KIND.state(dict(state))
        self.drawing = None
        self.images.strokes.data = {"xs": [], "ys": []}
        self._sync_widgets()
        self._apply_mode()
        self._compute()
        self._render()
        self._start_pump()
        self._start_poll()

    # ------------------------------------------------------------ layout
    def _apply_mode(self) -> None:
        box = self._points_box if self.state["mode"] == "points" else self._digits_box
        if self._layout.objects != [box]:
            self._layout.objects = [box]

    def _build_layout(self) -> pn.viewable.Viewable:
        c = self.c
        note = pn.pane.HTML(
            '<span class="pg-note">Draw on the original with the mouse; '
            "<b>Clear drawing</b> starts from an empty canvas.</span>",
            stylesheets=[TEXT_CSS], width=250, margin=(0, 10),
        )  # fmt: skip
        left = pn.Column(
            pn.pane.HTML("<b>Model</b>", stylesheets=[TEXT_CSS], margin=(4, 10, 0, 10)),
            c.model, c.retrain, c.adv_training,
            pn.pane.HTML("<b>Attack</b>", stylesheets=[TEXT_CSS], margin=(4, 10, 0, 10)),
            c.attack, c.eps, c.pgd_steps, pn.Row(c.targeted, c.target, margin=0),
            pn.Row(c.digit, c.digit_class, margin=0), c.clear, note, c.status,
            width=290, css_classes=["pg-adv-controls"],
        )  # fmt: skip
        figures = column(
            row(self.images.orig_fig, self.images.pert_fig, self.images.adv_fig,
                self.images.grad_fig),
            row(column(c.pred_div, c.info_div, self.bars.figure), self.curves.figure),
            self.bridge.model,
        )  # fmt: skip
        self._digits_box = pn.Row(left, pn.pane.Bokeh(figures), css_classes=["pg-adv-digits"])
        self._points_box = pn.Row(
            pn.Column(c.eps, c.point, c.point_info, c.status, width=320),
            pn.pane.Bokeh(column(self.plane.figure, self.bridge.model)),
            css_classes=["pg-adv-points"],
        )
        self._layout = pn.Column(css_classes=["pg-adv"])
        self._apply_mode()
        return self._layout

    def __panel__(self) -> pn.viewable.Viewable:
        """The explorer; starts the background work once the page is shown."""
        pn.state.onload(self._start_pump)
        pn.state.onload(self._start_poll)
        return self._layout


__all__ = ["AdversarialExplorer", "Drawing"]
