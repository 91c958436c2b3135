"""The t-SNE explorer: Distill's "How to Use t-SNE Effectively" playground, in Panel.

A menu of dataset thumbnails, the data sliders of the chosen dataset, perplexity and
epsilon, play / pause / step / restart with a step counter and auto-pause, the original
data (or PCA, or five runs) beside the embedding, and a "share this view" link.

It follows the lesson-widget protocol (:mod:`pyplayground.ui.widgets`): built as
``TSNEExplorer(state=None, peers=None)``, calls ``on_update(self)`` after every redraw,
answers :meth:`metrics`, :meth:`state_values`, :meth:`load_state`; and runs alone under
``panel serve`` (``TSNEExplorer().servable()``).

Animation: a Panel periodic callback (as :mod:`pyplayground.ui.playground.runner`); each
tick runs as many steps as fit a time budget (one step per frame for the first steps, so
the start can be watched) and then sends one ``ColumnDataSource`` update.  The tick is a
coroutine ending in ``await asyncio.sleep(0)`` so that, in the Pyodide worker, the page's
messages (Pause) are read between ticks.
"""

from __future__ import annotations

import asyncio
import html
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

import panel as pn
from panel.io.callbacks import PeriodicCallback

from pyplayground.widgets.tsne import KIND

from .controls import SIZE_LABELS, Controls, step_html
from .plots import BesidePlot, EmbeddingPlot, RunsPlot
from .session import TSNESession
from .share import HashReader, encode_hash, parse_hash, state_tag

PERIOD_MS: Final = 30
BUDGET_S: Final = 0.025  # compute per frame; the Bokeh update (~10 ms in the worker) comes on top
SLOW_STEPS: Final = 40  # one step per frame at the start, so it can be watched
MAX_STEPS_PER_FRAME: Final = 50
KL_EVERY: Final = 8  # frames between KL evaluations while playing
COUNTER_EVERY_S: Final = 0.2  # the step counter is redrawn at most this often while playing
READOUT_EVERY_S: Final = 1.0  # the numbers under the controls, while playing
# Frames (source updates) are at least this far apart: the page repaints every point of a
# frame on a 2-D canvas (about 20 µs per point in software rendering), so big layouts
# get fewer frames with more steps each, and the page's main thread stays free.
FRAME_MIN_S: Final = 0.03
PAINT_S_PER_POINT: Final = 2e-5


class TSNEExplorer(pn.viewable.Viewer):
    """The t-SNE explorer (see the module docstring).

    Parameters
    ----------
    state : mapping, optional
        Full ``tsne`` settings (``KIND.state(...)``); None = the defaults.
    peers : mapping, optional
        The page's other live parts by id (``dataset: activations`` reads a playground's
        hidden layer; a ``LessonPlayground`` exposes its session as ``.pg``).
    """

    def __init__(
        self,
        state: Mapping[str, Any] | None = None,
        peers: Mapping[str, Any] | None = None,
        **params: Any,
    ) -> None:
        super().__init__(**params)
        self.on_update: Callable[[Any], None] | None = None
        self.initial_state = KIND.state(dict(state or {}))
        self.tag = state_tag(self.initial_state)
        self.session = TSNESession(self.initial_state, peers)
        self.playing = False
        self._callback: Any = None
        self._in_tick = False
        self._frame = 0
        self._steps_per_frame = 1
        self._counter_at = 0.0
        self._readout_at = 0.0
        self._drawn_at = 0.0
        self._link_notes: list[str] = []
        self._syncing = False
        self.controls = Controls(self.tag)
        self.hash_reader = HashReader()
        # model names carry the tag: unique per explorer on a page (tests, benchmarks)
        self.embedding_plot = EmbeddingPlot(tag=self.tag)
        self.beside_plot = BesidePlot(tag=self.tag)
        self.runs_plot = RunsPlot(tag=self.tag)
        self.plots = pn.Row(self.beside_plot.pane, self.embedding_plot.pane, margin=0)
        self._layout = self.controls.layout(self.plots, self.hash_reader)
        self._wire()
        self.redraw()

    # ------------------------------------------------------------------ widgets
    def _wire(self) -> None:
        c = self.controls
        c.play.on_click(lambda _e: self.toggle_play())
        c.step_once.on_click(lambda _e: self.step())
        c.restart_button.on_click(lambda _e: self.restart())
        for name, button in c.datasets.items():
            button.on_click(lambda _e, name=name: self.choose_dataset(name))
        for key, slider in c.sliders.items():
            slider.param.watch(lambda e, key=key: self._slider_moved(key, e.new), "value_throttled")
        c.layer.param.watch(lambda e: self._set("layer", e.new), "value")
        c.refresh.on_click(lambda _e: self.restart(new_data=True))
        c.seed.param.watch(lambda e: self._set("seed", int(e.new)), "value")
        c.method.param.watch(lambda e: self._set("method", e.new), "value")
        c.view.param.watch(lambda e: self._set("view", e.new), "value")
        self.hash_reader.param.watch(lambda e: self.apply_hash(e.new), "value")

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout

    # ------------------------------------------------------------------ protocol
    def metrics(self) -> dict[str, Any]:
        """The kind's metrics from the current embedding (see ``KIND.metrics``)."""
        return self.session.metrics(fresh=not self.playing)

    def state_values(self) -> dict[str, Any]:
        """The current settings (the kind's keys)."""
        return dict(self.session.settings)

    def load_state(self, state: Mapping[str, Any]) -> None:
        """Switch to a full settings dict and restart, paused ("Show me", "Reset progress")."""
        self._set_playing(False)
        self._link_notes = []
        self.session.configure(KIND.state(dict(state)))
        self.redraw()

    # ------------------------------------------------------------------ actions
    def toggle_play(self) -> None:
        """Play or pause (play after the auto-pause step runs on without a limit)."""
        self._set_playing(not self.playing)

    def step(self) -> None:
        """One optimisation step, then a redraw."""
        self.session.lift_limit_if_reached()
        self.session.advance(1, compute_kl=True)
        self.redraw(full=False)

    def restart(self, *, new_data: bool = False) -> None:
        """Start again from step 0 (``new_data``: re-read a playground's activations)."""
        self.session.restart(new_data=new_data)
        self.redraw()

    def choose_dataset(self, name: str) -> None:
        """Switch dataset; its sliders start at the article's start values."""
        new = dict(self.session.settings, dataset=name)
        new.update({k: KIND.param_map[k].default for k in SIZE_LABELS})
        self._configure(new)

    def set_setting(self, key: str, value: Any) -> None:
        """Change one setting (checked against the kind) and restart."""
        self._set(key, value)

    def apply_hash(self, text: str) -> None:
        """Apply a page hash made by "share this view" (ignored if it is not ours)."""
        state, notes = parse_hash(text, self.tag)
        if state is None:
            return
        self._set_playing(False)
        self.session.configure(state)
        self._link_notes = [f"The link's {n}" for n in notes]
        self.redraw()

    # ------------------------------------------------------------------ changes
    def _slider_moved(self, key: str, value: Any) -> None:
        if key in SIZE_LABELS:
            value = float(value) if key == "scale" else int(value)
        self._set(key, value)

    def _set(self, key: str, value: Any) -> None:
        if self._syncing or self.session.settings.get(key) == value:
            return
        self._configure(dict(self.session.settings, **{key: value}))

    def _configure(self, new: Mapping[str, Any]) -> None:
        self._link_notes = []
        self.session.configure(KIND.state(dict(new)))
        self.redraw()

    # ------------------------------------------------------------------ animation
    def _set_playing(self, on: bool) -> None:
        if on:
            self.session.lift_limit_if_reached()
            if self.session.error:
                on = False
        self.playing = on
        if on and self._callback is None:
            self._callback = PeriodicCallback(callback=self._run, period=PERIOD_MS, background=True)
            self._callback.start()
        elif not on and self._callback is not None:
            callback, self._callback = self._callback, None
            callback.stop()
        self.controls.play.label = "❚❚ Pause" if on else "▶ Play"
        if not on:
            self._draw_positions()  # the last steps may not have been drawn yet
            self._show_counter(force=True)
            self._show_text()

    async def _run(self) -> None:
        if self.playing:
            self.tick()
        await asyncio.sleep(0)

    def tick(self) -> bool:
        """One tick: as many steps as fit the time budget, then one update (a frame).

        Frames are at least ``FRAME_MIN_S`` plus 20 µs per point apart; a tick sooner
        than that steps without drawing (and without calling ``on_update``).

        Returns False when nothing ran (paused, busy, or at the auto-pause step).
        """
        if not self.playing or self._in_tick:
            return False
        self._in_tick = True
        try:
            s = self.session
            k = 1 if s.step < SLOW_STEPS else self._steps_per_frame
            t0 = time.perf_counter()
            done = s.advance(k, compute_kl=self._frame % KL_EVERY == 0)
            elapsed = time.perf_counter() - t0
            if done:
                per_step = max(elapsed / done, 1e-5)
                self._steps_per_frame = int(min(max(BUDGET_S / per_step, 1), MAX_STEPS_PER_FRAME))
            self._frame += 1
            stop = s.error is not None or s.paused_at_limit or not done
            gap = FRAME_MIN_S + PAINT_S_PER_POINT * s.n_points * s.n_runs
            drawn = stop or time.monotonic() - self._drawn_at >= gap
            if drawn and not stop:
                self._draw_positions()  # (a stop draws in _set_playing)
            self._show_counter(force=stop)
            if time.monotonic() - self._readout_at >= READOUT_EVERY_S:
                self._show_readout()
            if stop:
                self._set_playing(False)
            if drawn:  # tasks are checked after every redraw, not after every tick
                self._notify()
            return bool(done)
        finally:
            self._in_tick = False

    # ------------------------------------------------------------------ drawing
    def redraw(self, full: bool = True) -> None:
        """Redraw every view from the session (``full``: new points, widgets, texts)."""
        if full:
            self._sync_widgets()
            self._reset_plots()
        else:
            self._draw_positions()
        self._show_counter(force=True)
        self._show_text()
        self._notify()

    def _notify(self) -> None:
        callback = self.on_update
        if callback is not None:
            callback(self)

    def _layouts(self) -> list[Any]:
        return [self.session.embedding(r) for r in range(self.session.n_runs)]

    def _reset_plots(self) -> None:
        s = self.session
        colors = s.data.colors
        if s.settings["view"] == "runs":
            self.runs_plot.reset(self._layouts(), colors)
            self.plots.objects = [self.runs_plot.pane]
            return
        self.embedding_plot.reset(s.embedding(), colors, f"t-SNE of {s.n_points} points")
        if s.settings["view"] == "pca":
            P = s.pca()
            order = s.draw_order()
            size = [7.0] * s.n_points
            self.beside_plot.show(P[:, 0], P[:, 1], size, colors, order, "PCA (linear)")
        else:
            x, y, size, title = s.original()
            self.beside_plot.show(x, y, size, colors, s.draw_order(), title)
        self.plots.objects = [self.beside_plot.pane, self.embedding_plot.pane]

    def _draw_positions(self) -> None:
        self._drawn_at = time.monotonic()
        if self.session.settings["view"] == "runs":
            self.runs_plot.move(self._layouts())
        else:
            self.embedding_plot.move(self.session.embedding())

    def _show_counter(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._counter_at < COUNTER_EVERY_S:
            return
        self._counter_at = now
        s = self.session
        note = "auto-paused" if s.paused_at_limit and not self.playing else ""
        text = step_html(s.step, note)
        if self.controls.step_div.text != text:
            self.controls.step_div.text = text

    def _show_text(self) -> None:
        s = self.session
        notes = [*self._link_notes, *s.notes()]
        self.controls.notes.object = "".join(
            f"<div class='pg-tsne-note' role='status'>{html.escape(n)}</div>" for n in notes
        )
        self.controls.link.value = "#" + encode_hash(s.settings, self.tag)
        self._show_readout()

    def _show_readout(self) -> None:
        self._readout_at = time.monotonic()
        s = self.session
        m = s.metrics(fresh=not self.playing)
        rows = [
            ("points", f"{s.n_points}"),
            ("perplexity", f"{s.perplexity_used:g}"),
            ("gradient", s.method_used),
        ]
        if m["kl"] is not None:
            rows.append(("KL divergence", f"{m['kl']:.3f}"))
        if m["knn_agreement"] is not None:
            rows.append(("same-class neighbours", f"{100 * m['knn_agreement']:.0f}%"))
        if m["runs_agreement"] is not None:
            rows.append(("agreement of runs", f"{m['runs_agreement']:.2f}"))
        self.controls.readout.object = (
            "<table class='pg-tsne-metrics'>"
            + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in rows)
            + "</table>"
        )

    def _sync_widgets(self) -> None:
        self._syncing = True
        try:
            self.controls.sync(self.session)
        finally:
            self._syncing = False


__all__ = ["TSNEExplorer"]
