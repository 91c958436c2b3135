"""The playground page: TF Playground's layout driven by a headless :class:`Playground`.

Every user action becomes a new :class:`~pyplayground.state.PlaygroundState` passed to
:meth:`Playground.set_state`; afterwards every widget and plot is re-read from the
playground (never from the widget that changed), so rapid clicks while training can
never leave the page and the model out of step.  A frame (:meth:`PlaygroundApp.draw`) is
one message to the page (see :mod:`.frame`), and training waits until the page has shown
the previous frame, so it runs exactly as fast as the page can draw (one epoch per drawn
frame at speed 1, like TF Playground).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import panel as pn
import param

from pyplayground.datasets import DATASETS, CSVFormatError
from pyplayground.features import FEATURE_NAMES
from pyplayground.playground import Playground
from pyplayground.state import MAX_HIDDEN_LAYERS, MAX_NEURONS, PlaygroundState
from pyplayground.trainer import StepResult

from .bridge import Bridge
from .controls import Controls, problem_datasets
from .frame import ADD_POINT, MAX_AHEAD, NO_CHART, RESET_CHART, Frame, FrameChannel
from .geometry import Geometry
from .layout import build_layout, legend_html
from .network_view import MOSAIC, NetworkView, split_key
from .paint import paint_args
from .plots import LOSS_SERIES, ConfusionMatrix, GradientFlow, HeatmapPlot, LossChart, swatch
from .runner import Runner
from .sharing import Sharing
from .url_sync import UrlSync

GRID = 100  # resolution of the output heatmap (TF Playground's); thumbnails sample it
# While training runs, a network with more parameters than BIG_NET is drawn from a 64 x 64
# grid (the heatmap is smoothed when scaled up): its 100 x 100 pass costs the Pyodide
# worker ~12 ms a frame for the largest network (7 inputs, 6 x 8), the 64 x 64 one ~5 ms.
# Frames drawn while paused (a step, a hover, an edit) always use GRID.
GRID_PLAYING_BIG = 64
BIG_NET = 150
CONFUSION_EVERY = 10  # frames between confusion-matrix updates while playing


def consistent(s: PlaygroundState) -> PlaygroundState:
    """Make the dataset fit the problem type (the UI switches problem and dataset apart)."""
    if s.problem != "regression" and DATASETS[s.dataset].problem != s.problem:
        s = s.replace(dataset=problem_datasets(s.problem)[0])
    return s


class PlaygroundApp(pn.viewable.Viewer):
    """The full playground page.

    Parameters
    ----------
    initial_hash : str
        A URL hash (TF Playground keys) to start from, as if the page was opened with it.
    """

    initial_hash = param.String(default="", doc="URL hash to start from.")
    hovered = param.Integer(default=-1, doc="Key of the neuron shown large (-1: output).")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        state, notices = PlaygroundState.from_hash(self.initial_hash)
        self.pg, problem = _start(state)
        notices += problem
        self.bridge = Bridge()
        self.controls = Controls()
        palette = self.pg.state.palette
        self.network_view = NetworkView(bridge=self.bridge, palette=palette)
        self.heatmap = HeatmapPlot(bridge=self.bridge, palette=palette)
        self.loss_chart = LossChart()
        self.grad_flow = GradientFlow()
        self.confusion = ConfusionMatrix()
        self.sharing = Sharing(lambda: self.pg)
        self.runner = Runner(self._tick)
        self.legend = pn.pane.HTML(legend_html(palette), margin=(0, 4), css_classes=["pg-legend"])
        self.channel = FrameChannel(
            self.bridge,
            nodes=self.network_view.nodes,
            mosaic=self.network_view.mosaic,
            links=self.network_view.links,
            heat=self.heatmap.heat,
            heat_classes=self.heatmap.classes,
            loss=self.loss_chart.source,
            grads=self.grad_flow.source,
            epoch_div=self.controls.epoch_div,
            stats_div=self.controls.stats_div,
            confusion=self.confusion.source,
            n_grads=self.grad_flow.n_layers,
            grad_figure=self.grad_flow.figure,
            confusion_figure=self.confusion.figure,
            paint=paint_args(
                net_figure=self.network_view.figure,
                net_painted=self.network_view.painted,
                net_heat_mapper=self.network_view.heat_mapper,
                net_line_mapper=self.network_view.line_mapper,
                mosaic_shape=MOSAIC,
                heat_figure=self.heatmap.figure,
                heat_painted=self.heatmap.painted,
                heat_mapper=self.heatmap.heat_mapper,
                class_mapper=self.heatmap.class_mapper,
                heat_extent=self.heatmap.extent,
                loss_figure=self.loss_chart.figure,
                loss_painted=self.loss_chart.painted,
                loss_series=list(LOSS_SERIES),
            ),
            on_ack=self._painted_frame,
        )
        self.channel.attach(self.network_view.figure)
        self._edit_keys: dict[str, tuple[str, int, int, int]] = {}
        self._painted: int | None = None  # last frame the page reported painted
        self._in_tick = False
        self._reset_charts = True
        self._wire()
        self.layout = build_layout(self)
        self._refresh_points()
        self._refresh_structure()
        self._after_change()
        self.show_notices(notices)
        self.url = UrlSync(self.load_hash)
        if self.url.active:
            self.url.write(self.pg.state.to_hash())

    # ------------------------------------------------------------- wiring
    def _wire(self) -> None:
        c = self.controls
        fields = {
            c.learning_rate: "learning_rate",
            c.activation: "activation",
            c.regularization: "regularization",
            c.regularization_rate: "regularization_rate",
            c.optimizer: "optimizer",
            c.dropout: "dropout",
            c.initializer: "initializer",
            c.speed: "epochs_per_frame",
            c.perc_train: "perc_train_data",
            c.noise: "noise",
            c.batch_size: "batch_size",
            c.show_test: "show_test_data",
            c.discretize: "discretize",
            c.palette: "palette",
        }
        for widget, attr in fields.items():
            widget.param.watch(lambda e, attr=attr: self._set(attr, e.new), "value")
        c.problem.param.watch(lambda e: self._set("problem", e.new), "value")
        c.reset.on_click(lambda e: self.reset())
        c.play.on_click(lambda e: self.toggle_play())
        c.step.on_click(lambda e: self.step())
        c.regenerate.on_click(lambda e: self.regenerate())
        for name, button in c.datasets.items():
            button.on_click(lambda e, name=name: self.choose_dataset(name))
        for name, toggle in c.features.items():
            toggle.param.watch(lambda e, name=name: self.toggle_feature(name), "value")
        c.add_layer.on_click(lambda e: self.change_layers(+1))
        c.remove_layer.on_click(lambda e: self.change_layers(-1))
        for k in range(MAX_HIDDEN_LAYERS):
            c.add_neuron[k].on_click(lambda e, k=k: self.change_neurons(k, +1))
            c.remove_neuron[k].on_click(lambda e, k=k: self.change_neurons(k, -1))
        c.edit_param.param.watch(lambda e: self._show_edit_value(), "value")
        c.edit_value.param.watch(lambda e: self._edit(e.new), "value")
        c.upload.param.watch(lambda e: self.upload_csv(e.new, c.upload.filename), "value")
        c.add_point.on_click(lambda e: self.add_point(c.add_x.value, c.add_y.value))
        c.dismiss.on_click(lambda e: self.show_notices([]))
        self.bridge.on("hover", lambda a, b, cc: self.hover(int(a)))
        self.bridge.on("edit", lambda a, b, cc: self.select_edit(int(a), int(b), int(cc)))
        self.bridge.on("tap", lambda a, b, cc: self.add_point(a, b))

    # ------------------------------------------------------------ actions
    def _set(self, attr: str, value: Any) -> None:
        if self.controls.syncing:
            return
        self.apply(self.pg.state.replace(**{attr: value}))

    def apply(self, new: PlaygroundState) -> str:
        """Move the playground to ``new`` and redraw; returns what changed (see Playground)."""
        old = self.pg.state
        try:
            kind = self.pg.set_state(consistent(new))
        except Exception as exc:  # a bug below the UI must not leave the page half-updated
            self.pg, problem = _start(old)
            self.show_notices(
                [f"That change failed ({exc!r}); the previous settings are back.", *problem]
            )
            kind = "data"
        if kind in ("reset", "data"):
            self.runner.playing = False  # TF Playground pauses on every reset
        if kind == "data" or old.palette != self.pg.state.palette:
            self._refresh_points()
        if kind in ("reset", "data"):
            self._refresh_structure()
        self._after_change()
        return kind

    def load_hash(self, text: str) -> None:
        """Apply a URL hash (page load or a hash edited by the user)."""
        state, notices = PlaygroundState.from_hash(text)
        self.runner.playing = False
        self.pg.custom = None
        self.apply(state)
        self.show_notices(notices)

    def reset(self) -> None:
        """Back to the seed's initial weights, epoch 0, paused."""
        self.runner.playing = False
        self.pg.reset()
        self._refresh_structure()
        self._after_change()

    def toggle_play(self) -> None:
        """Play/pause."""
        if not self.runner.playing and self.pg.trainer.status == "diverged":
            return
        self.runner.playing = not self.runner.playing
        self._update_play_button()

    def step(self) -> None:
        """Pause and train exactly one epoch."""
        self._pause()
        self.pg.step(1)
        self.draw(chart_mode=ADD_POINT)

    def regenerate(self) -> None:
        """New seed and data; training continues (TF Playground's Regenerate)."""
        self.pg.regenerate()
        self._refresh_points()
        self._after_change()

    def choose_dataset(self, name: str) -> None:
        """Click on a dataset thumbnail."""
        if "dataset" in self.pg.state.locked:
            return
        spec = DATASETS[name]
        s = self.pg.state
        if spec.problem == "regression":
            self.apply(s.replace(problem="regression", reg_dataset=name))
        else:
            self.apply(s.replace(problem=spec.problem, dataset=name))

    def toggle_feature(self, name: str) -> None:
        """Click on a feature thumbnail (the last active feature cannot be removed)."""
        if self.controls.syncing:
            return
        s = self.pg.state
        on = set(s.features) ^ {name}
        if not on:
            self._sync_controls()
            return
        self.apply(s.replace(features=tuple(n for n in FEATURE_NAMES if n in on)))

    def change_layers(self, delta: int) -> None:
        """Add (+1) or remove (-1) a hidden layer; a new layer starts with 2 neurons."""
        shape = self.pg.state.network_shape
        if delta > 0 and len(shape) < MAX_HIDDEN_LAYERS:
            self.apply(self.pg.state.replace(network_shape=(*shape, 2)))
        elif delta < 0 and shape:
            self.apply(self.pg.state.replace(network_shape=shape[:-1]))

    def change_neurons(self, layer: int, delta: int) -> None:
        """Add or remove a neuron of hidden layer ``layer`` (0-based), within 1..8."""
        shape = list(self.pg.state.network_shape)
        if layer >= len(shape):
            return
        shape[layer] = min(max(shape[layer] + delta, 1), MAX_NEURONS)
        self.apply(self.pg.state.replace(network_shape=tuple(shape)))

    def hover(self, key: int) -> None:
        """Show neuron ``key`` large in the output view (-1: the output again)."""
        if key == self.hovered:
            return
        self.hovered = key
        if not self.runner.playing:
            self.draw(confusion=False)

    def add_point(self, x: float, y: float) -> None:
        """Add a training point of the chosen class at (x, y)."""
        label = self.controls.add_class.value
        s = self.pg.state
        if label in (None, "off") or "addPoints" in s.locked or "addPoints" in s.hidden:
            return
        if not (-6 <= x <= 6 and -6 <= y <= 6):
            return
        self.pg.add_point(x, y, float(label))
        self._refresh_points()
        if not self.runner.playing:
            self.draw()

    def upload_csv(self, data: bytes | None, filename: str | None) -> None:
        """Train on an uploaded CSV; errors name the line and column."""
        c = self.controls
        if not data:
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self._upload_error(f"The file is not UTF-8 text: {exc}")
            return
        self.runner.playing = False
        try:
            self.pg.use_csv(text, source_name=filename or "upload.csv")
        except (CSVFormatError, ValueError) as exc:
            self._upload_error(str(exc))
            return
        c.upload_error.visible = False
        self._refresh_points()
        self._refresh_structure()
        self._after_change()

    def _upload_error(self, message: str) -> None:
        self.controls.upload_error.object = message
        self.controls.upload_error.visible = True

    # ---------------------------------------------------------- editing
    def select_edit(self, layer: int, i: int, j: int) -> None:
        """Open the editor on a weight (``i >= 0``) or a bias (``i == -1``) of ``layer``."""
        s = self.pg.state
        if "editWeights" in s.locked or "editWeights" in s.hidden:
            return
        key = f"b:{layer}:{j}" if i < 0 else f"w:{layer}:{i}:{j}"
        if key in self._edit_keys:
            self.controls.edit_param.value = key
            self._show_edit_value()

    def _param_value(self, key: str) -> float:
        kind, layer, i, j = self._edit_keys[key]
        dense = self.pg.network.layers[layer - 1]
        return float(dense.b[j] if kind == "b" else dense.w[i, j])

    def _show_edit_value(self) -> None:
        key = self.controls.edit_param.value
        if key not in self._edit_keys:
            return
        with self.controls.writing():
            self.controls.edit_value.value = round(self._param_value(key), 4)

    def _edit(self, value: float | None) -> None:
        key = self.controls.edit_param.value
        if self.controls.syncing or value is None or key not in self._edit_keys:
            return
        kind, layer, i, j = self._edit_keys[key]
        try:
            if kind == "b":
                self.pg.set_bias(layer - 1, j, value)
            else:
                self.pg.set_weight(layer - 1, i, j, value)
        except ValueError:
            self._show_edit_value()
            return
        self.draw()

    # ---------------------------------------------------------- training
    def _painted_frame(self, frame: int) -> None:
        self._painted = max(self._painted or 0, frame)
        # start the next frame now rather than at the timer's next poll (up to a period
        # later): the page has just shown the previous one
        if self.runner.playing and not self.page_behind and not self._in_tick:
            self.tick()

    @property
    def live(self) -> bool:
        """True once the page has reported painting a frame (frames then go to it only)."""
        return self._painted is not None

    @property
    def page_behind(self) -> bool:
        """True while the page has not painted recent frames (training then waits)."""
        return self._painted is not None and self.channel.frame - self._painted > MAX_AHEAD

    def _tick(self) -> bool:
        if self.page_behind or self._in_tick:
            return False
        self._in_tick = True
        try:
            return self._tick_frame()
        finally:
            self._in_tick = False

    def _tick_frame(self) -> bool:
        if self.pg.trainer.status == "diverged":
            self._pause()
            return False
        try:
            result = self.pg.step()
            self.draw(
                chart_mode=ADD_POINT,
                direct=True,
                confusion=self.runner.frames % CONFUSION_EVERY == 0,
            )
        except Exception as exc:  # never leave a dead periodic callback running
            self._pause()
            self.show_notices([f"Training stopped by an internal error: {exc!r}"])
            raise
        if result.status == "diverged":
            self._pause()
        return True

    def _pause(self) -> None:
        self.runner.playing = False
        self._update_play_button()

    def tick(self) -> bool:
        """One animation frame: train ``epochs_per_frame`` epochs and draw."""
        return self.runner.tick()

    # ----------------------------------------------------------- drawing
    def draw(
        self, *, chart_mode: int = NO_CHART, confusion: bool = True, direct: bool = False
    ) -> Frame:
        """Redraw every live view from the playground: one frame, one message.

        ``direct`` (animation ticks only) lets the frame bypass Bokeh in the worker.
        """
        if self._reset_charts:
            chart_mode, self._reset_charts = RESET_CHART, False
        frame = self._make_frame(chart_mode)
        if confusion:
            frame.confusion = self._confusion_counts()
        self.heatmap.set_mode(frame.classes)
        self.channel.send(frame, direct=direct)
        if not self.live:
            with pn.io.hold():
                self._apply_direct(frame)
        return frame

    def grid_size(self) -> int:
        """Resolution of this frame's heatmaps (see GRID_PLAYING_BIG)."""
        big = self.pg.network.n_params > BIG_NET
        return GRID_PLAYING_BIG if self.runner.playing and big else GRID

    def _make_frame(self, chart_mode: int) -> Frame:
        pg = self.pg
        grids = pg.grid(self.grid_size())
        thumbs, bias, w = self.network_view.frame_arrays(grids, pg.network)
        main, classes = self._main_image(grids)
        r = pg.last
        return Frame(
            thumbs=thumbs,
            bias=bias,
            w=w,
            main=main,
            classes=classes,
            epoch=r.epoch,
            train_loss=_num(r.train_loss),
            test_loss=_num(r.test_loss),
            grads=np.array(r.grad_norms, dtype=np.float32),
            epoch_html=Controls.epoch_html(r.epoch),
            stats_html=self._stats_html(r),
            chart_mode=chart_mode,
        )

    def _apply_direct(self, f: Frame) -> None:
        self.network_view.apply(f.thumbs, f.bias, f.w)
        self.heatmap.apply(f.main, classes=f.classes)
        self.controls.epoch_div.text = f.epoch_html
        self.controls.stats_div.text = f.stats_html
        if f.confusion is not None:
            self.confusion.update(f.confusion)
        if f.chart_mode == RESET_CHART:
            self.loss_chart.reset(f.epoch, f.train_loss, f.test_loss)
            self.grad_flow.reset()
        elif f.chart_mode == ADD_POINT:
            self.loss_chart.add(f.epoch, f.train_loss, f.test_loss)
            self.grad_flow.add(f.epoch, [float(g) for g in f.grads])

    def _main_image(self, grids: list[np.ndarray]) -> tuple[np.ndarray, bool]:
        discretize = self.pg.state.discretize
        last = len(grids) - 1
        layer, unit = split_key(self.hovered) if self.hovered >= 0 else (last, -1)
        multiclass = self.pg.problem == "multiclass"
        if layer > last or unit >= grids[layer].shape[0]:
            layer, unit = last, -1
        if unit < 0:
            out = grids[last]
            img = self.heatmap.frame_image(
                out if multiclass else out[0], classes=multiclass, discretize=discretize
            )
            return img, multiclass
        values = grids[layer][unit]
        if multiclass and layer == last:
            values = values * 2.0 - 1.0
        return self.heatmap.frame_image(values, classes=False, discretize=discretize), False

    def _confusion_counts(self) -> np.ndarray | None:
        if self.pg.problem == "regression" or not len(self.pg.points.test):
            return None
        return self.pg.confusion_matrix("test")

    def _update_confusion_axes(self) -> None:
        problem = self.pg.problem
        if problem == "regression":
            self.confusion.set_classes(0)
        elif problem == "classification":
            self.confusion.set_classes(2, ["−1", "+1"])
        else:
            self.confusion.set_classes(self.pg.n_outputs)

    @staticmethod
    def _stats_html(r: StepResult) -> str:
        def loss(v: float | None) -> str:
            return "–" if v is None else ("∞" if not np.isfinite(v) else f"{v:.3f}")

        def acc(v: float | None) -> str:
            return "" if v is None else f"{100 * v:.1f}%"

        head = (
            "<th></th><th>loss</th><th>accuracy</th>"
            if r.train_accuracy is not None
            else ("<th></th><th>loss</th><th></th>")
        )
        if r.status == "diverged":  # short here; the whole explanation in the tooltip
            head = (
                f'<th colspan="3" class="pg-status pg-diverged" role="alert" '
                f'title="{_escape(r.message)}">⚠ Diverged: lower the learning rate, '
                "then Reset</th>"
            )
        return (
            f'<table class="pg-stats"><tr>{head}</tr>'
            f"<tr><td>{swatch('#000000')} Test</td>"
            f'<td class="pg-test-loss">{loss(r.test_loss)}</td>'
            f'<td class="pg-test-acc">{acc(r.test_accuracy)}</td></tr>'
            f"<tr><td>{swatch('#777777')} Training</td>"
            f'<td class="pg-train-loss">{loss(r.train_loss)}</td>'
            f'<td class="pg-train-acc">{acc(r.train_accuracy)}</td></tr></table>'
        )

    # --------------------------------------------------------- refreshing
    def _refresh_points(self) -> None:
        self.heatmap.set_palette(self.pg.state.palette)
        p = self.pg.points
        n_classes = self.pg.n_outputs if self.pg.problem == "multiclass" else 0
        self.heatmap.set_points(
            (p.train, p.y_train), (p.test, p.y_test), self.pg.problem, n_classes
        )

    def _refresh_structure(self) -> None:
        pg = self.pg
        net = pg.network
        feats = pg.state.features or ("x",)
        self.network_view.set_structure(net, feats)
        self.grad_flow.set_layers(len(net.layers))
        self._reset_charts = True
        self._edit_keys = self._parameter_keys()
        c = self.controls
        with c.writing():
            labels = {self._edit_label(k): k for k in self._edit_keys}
            c.edit_param.options = labels
            if c.edit_param.value not in self._edit_keys:
                c.edit_param.value = next(iter(self._edit_keys.keys()), None)
        self._show_edit_value()
        self._update_layer_controls()
        self._update_add_classes()
        self._update_confusion_axes()

    def _parameter_keys(self) -> dict[str, tuple[str, int, int, int]]:
        keys: dict[str, tuple[str, int, int, int]] = {}
        for layer, dense in enumerate(self.pg.network.layers, start=1):
            for j in range(dense.n_out):
                keys[f"b:{layer}:{j}"] = ("b", layer, -1, j)
                for i in range(dense.n_in):
                    keys[f"w:{layer}:{i}:{j}"] = ("w", layer, i, j)
        return keys

    def _edit_label(self, key: str) -> str:
        kind, layer, i, j = self._edit_keys[key]
        sizes = self.network_view.sizes
        feats = self.pg.state.features or ("x",)
        dst = NetworkView._node_name(layer, j, sizes, feats)
        if kind == "b":
            return f"bias of {dst}"
        return f"weight {NetworkView._node_name(layer - 1, i, sizes, feats)} → {dst}"

    def _update_layer_controls(self) -> None:
        c = self.controls
        s = self.pg.state
        shape = s.network_shape
        n = len(shape)
        c.layers_label.object = (
            f'<span class="pg-layers-count">{n}</span> HIDDEN LAYER{"" if n == 1 else "S"}'
        )
        geo = Geometry(self.network_view.sizes)
        x_prev = 0.0
        row: list[Any] = []
        for k in range(n):
            spacer = self.layer_spacers[k]
            left = geo.column_x(k + 1) - 32
            spacer.width = max(round(left - x_prev), 0)
            x_prev += spacer.width + 64
            row.append(spacer)
            if "numNodes" not in s.hidden:
                row.append(self.layer_groups[k])
            noun = "neuron" if shape[k] == 1 else "neurons"
            c.neuron_labels[k].object = f'<div class="pg-neuron-count">{shape[k]} {noun}</div>'
        # the row's children are replaced, not shown and hidden: a group made visible after
        # the first render stayed collapsed in the browser
        if list(self.layer_row.objects) != row:
            self.layer_row.objects = row

    def _update_add_classes(self) -> None:
        problem = self.pg.problem
        if problem == "classification":
            options = {"Off": "off", "Class −1 (negative)": -1.0, "Class +1 (positive)": 1.0}
        elif problem == "regression":
            options = {"Off": "off", "Value −1": -1.0, "Value 0": 0.0, "Value +1": 1.0}
        else:
            options = {"Off": "off", **{f"Class {k}": float(k) for k in range(self.pg.n_outputs)}}
        c = self.controls
        if list(c.add_class.options) != list(options):
            c.add_class.options = options
            c.add_class.value = "off"

    def _after_change(self) -> None:
        s = self.pg.state
        self.network_view.set_palette(s.palette)
        self.heatmap.set_palette(s.palette)
        self.heatmap.show_test = s.show_test_data
        self.legend.object = legend_html(
            s.palette, self.pg.n_outputs if self.pg.problem == "multiclass" else 0
        )
        self._sync_controls()
        self.sharing.update(s)
        if getattr(self, "url", None) is not None:
            self.url.write(s.to_hash())
        self.draw()

    def _sync_controls(self) -> None:
        s = self.pg.state
        self.controls.sync(s)
        self._update_play_button()
        self._update_layer_controls()
        for w in self.text_panes:
            w.visible = not s.hide_text
        c = self.controls
        c.add_layer.disabled = "numHiddenLayers" in s.locked or len(s.network_shape) >= 6
        c.remove_layer.disabled = "numHiddenLayers" in s.locked or not s.network_shape
        for k, size in enumerate(s.network_shape):
            c.add_neuron[k].disabled = "numNodes" in s.locked or size >= MAX_NEURONS
            c.remove_neuron[k].disabled = "numNodes" in s.locked or size <= 1
        self.export_box.visible = "export" not in s.hidden

    def _update_play_button(self) -> None:
        playing = self.runner.playing
        self.controls.play.label = "❚❚ Pause" if playing else "▶ Play"

    def show_notices(self, notices: list[str]) -> None:
        """Tell the user (once) what was wrong in the URL and what was used instead."""
        c = self.controls
        if notices:
            items = "".join(f"<li>{_escape(n)}</li>" for n in notices[:12])
            more = f"<li>… and {len(notices) - 12} more</li>" if len(notices) > 12 else ""
            c.notices.object = (
                f"<b>Some settings in the link were not understood:</b><ul>{items}{more}</ul>"
            )
        c.notices.visible = bool(notices)
        c.dismiss.visible = bool(notices)

    def __panel__(self) -> pn.viewable.Viewable:
        return self.layout


def _start(state: PlaygroundState) -> tuple[Playground, list[str]]:
    """A Playground for ``state``, or for the defaults if building it fails."""
    try:
        return Playground(consistent(state)), []
    except Exception as exc:
        return Playground(), [f"These settings could not be used ({exc!r}); showing the defaults."]


def _num(v: float | None) -> float:
    return float(v) if v is not None and np.isfinite(v) else float("nan")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["BIG_NET", "GRID", "GRID_PLAYING_BIG", "PlaygroundApp", "consistent"]
