"""The first playground page: pick a dataset, press Train, watch a network learn.

:class:`TrainApp` is a ``panel.viewable.Viewer``. Training runs as ticks of
``pn.state.add_periodic_callback`` (no threads, loops or sleeps), so the same module runs
in the browser's Pyodide worker, under ``panel serve`` and in Jupyter. Every tick trains
``epochs_per_tick`` epochs with the NumPy engine, streams the losses into the loss figure
(``ColumnDataSource.stream``) and recomputes the 100×100 decision-boundary image.

Widgets tests rely on carry stable CSS classes: ``pg-dataset``, ``pg-play``, ``pg-reset``,
``pg-learning-rate``, ``pg-noise``, ``pg-epoch``, ``pg-status``, ``pg-boundary`` and ``pg-loss``.
"""

from __future__ import annotations

import numpy as np
import panel as pn
import param
from bokeh.models import ColumnDataSource, LinearColorMapper, Range1d
from bokeh.plotting import figure

from pyplayground.datasets import make_dataset, train_test_split
from pyplayground.engine import build_mlp
from pyplayground.features import feature_grid, feature_matrix
from pyplayground.trainer import StepResult, TrainConfig, Trainer

DATASETS = ("circle", "xor", "gauss", "spiral")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
FEATURES = ("x", "y")  # the raw coordinates (TF Playground's X1, X2)
GRID = 100  # the boundary image is GRID × GRID
EXTENT = 6.0  # both axes span [-EXTENT, EXTENT]
NEGATIVE, NEUTRAL, POSITIVE = "#f59322", "#e8eaeb", "#0877bd"  # TF Playground's colours


def diverging_palette(n: int = 256) -> list[str]:
    """``n`` colours from orange (-1) through light grey (0) to blue (+1)."""
    stops = np.array(
        [[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in (NEGATIVE, NEUTRAL, POSITIVE)],
        dtype=float,
    )
    t = np.linspace(0.0, 2.0, n)
    low = np.minimum(t.astype(int), 1)
    rgb = stops[low] + (stops[low + 1] - stops[low]) * (t - low)[:, None]
    return ["#{:02x}{:02x}{:02x}".format(*np.rint(c).astype(int)) for c in rgb]


class TrainApp(pn.viewable.Viewer):
    """Train a small network on a TF Playground dataset and watch it learn."""

    dataset = param.Selector(
        default="circle", objects=list(DATASETS), doc="Which TF Playground dataset to learn."
    )
    learning_rate = param.Selector(
        default=0.03, objects=list(LEARNING_RATES), doc="Step size of gradient descent."
    )
    hidden = param.List(default=[4, 2], item_type=int, doc="Hidden layer sizes.")
    batch_size = param.Integer(default=10, bounds=(1, 500), doc="Samples per update.")
    noise = param.Number(default=0.0, bounds=(0.0, 0.5), doc="Dataset noise (0-0.5).")
    seed = param.Integer(default=0, doc="Seed of the data, the split and the weights.")
    epochs_per_tick = param.Integer(
        default=1, bounds=(1, 100), doc="Epochs trained by every tick of the timer."
    )
    period_ms = param.Integer(default=50, bounds=(10, 5000), doc="Milliseconds per tick.")
    running = param.Boolean(default=False, doc="Whether the timer is training.")
    epoch = param.Integer(default=0, bounds=(0, None), doc="Epochs trained so far (output).")
    message = param.String(default="", doc="Why training stopped, if it did (output).")

    def __init__(self, **params):
        super().__init__(**params)
        self._callback = None
        self._grid = feature_grid(FEATURES, n=GRID, extent=EXTENT)
        self.loss_source = ColumnDataSource(
            data={"epoch": [], "train": [], "test": []}, name="pg-loss-source"
        )
        self.image_source = ColumnDataSource(
            data={"image": [np.zeros((GRID, GRID))]}, name="pg-image-source"
        )
        self.points_source = ColumnDataSource(
            data={"x": [], "y": [], "color": []}, name="pg-points-source"
        )
        self._play = pn.widgets.Button(
            label="Train", color="primary", width=110, css_classes=["pg-play"]
        )
        self._play.on_click(lambda _event: self.param.update(running=not self.running))
        self._reset = pn.widgets.Button(label="Reset", width=110, css_classes=["pg-reset"])
        self._reset.on_click(lambda _event: self.reset())
        self._epoch_view = pn.indicators.Number(
            label="Epoch",
            value=0,
            format="{value:,}",
            font_size="28pt",
            title_size="11pt",
            css_classes=["pg-epoch"],
        )
        self._loss_x = Range1d(0, 10)
        self._loss_y = Range1d(0, 1)
        self._loss_max = 1.0
        self._layout = self._make_layout()
        self.reset()

    # ------------------------------------------------------------------- model
    @param.depends("dataset", "noise", "hidden", "seed", "batch_size", watch=True)
    def reset(self) -> None:
        """New data, new weights, epoch 0 (the timer keeps its running state)."""
        rng = np.random.default_rng(self.seed)
        X, y = make_dataset(self.dataset, noise=self.noise, rng=rng)
        Xtr, ytr, Xte, yte = train_test_split(X, y, 0.5, rng=rng)
        network = build_mlp(len(FEATURES), list(self.hidden), 1, rng=rng)
        config = TrainConfig(learning_rate=self.learning_rate, batch_size=self.batch_size)
        self.trainer = Trainer(
            network,
            feature_matrix(Xtr, FEATURES),
            ytr,
            feature_matrix(Xte, FEATURES),
            yte,
            config=config,
        )
        first = self.trainer.evaluate()
        with pn.io.hold():
            self.points_source.data = {
                "x": Xtr[:, 0],
                "y": Xtr[:, 1],
                "color": np.where(ytr > 0, POSITIVE, NEGATIVE),
            }
            self.loss_source.data = {
                "epoch": [0],
                "train": [first.train_loss],
                "test": [first.test_loss],
            }
            self._show(first, first=True)

    @param.depends("learning_rate", watch=True)
    def _configure(self) -> None:
        self.trainer.configure(learning_rate=self.learning_rate)

    def boundary(self) -> np.ndarray:
        """The network's output on the grid as a (GRID, GRID) image, row 0 at the bottom."""
        out = self.trainer.network.predict(self._grid)[:, 0]
        return np.flipud(out.reshape(GRID, GRID))  # the grid's row 0 is the top (y=+6)

    def tick(self) -> StepResult:
        """Train ``epochs_per_tick`` epochs and update every view (one timer tick)."""
        result = self.trainer.step(self.epochs_per_tick)
        with pn.io.hold():
            self.loss_source.stream(
                {"epoch": [result.epoch], "train": [result.train_loss], "test": [result.test_loss]},
                rollover=10_000,
            )
            self._show(result)
        if result.status != "ok":
            self.running = False
        return result

    def _show(self, result: StepResult, first: bool = False) -> None:
        self.epoch = result.epoch
        self.message = result.message if result.status != "ok" else ""
        self._epoch_view.value = result.epoch
        self.image_source.data = {"image": [self.boundary()]}
        losses = [v for v in (result.train_loss, result.test_loss) if v is not None]
        finite = [v for v in losses if np.isfinite(v)]
        self._loss_max = max(finite + ([] if first else [self._loss_max]), default=1.0)
        self._loss_x.end = max(10, result.epoch)
        self._loss_y.end = 1.05 * self._loss_max if self._loss_max > 0 else 1.0

    # ------------------------------------------------------------------- timer
    @param.depends("running", watch=True)
    def _run(self) -> None:
        self._play.label = "Pause" if self.running else "Train"
        if self.running:
            if self._callback is None:
                self._callback = pn.state.add_periodic_callback(self.tick, period=self.period_ms)
            else:
                self._callback.start()
        elif self._callback is not None:
            self._callback.stop()

    # ------------------------------------------------------------------- views
    def _make_layout(self) -> pn.viewable.Viewable:
        boundary = figure(
            width=380,
            height=380,
            x_range=(-EXTENT, EXTENT),
            y_range=(-EXTENT, EXTENT),
            toolbar_location=None,
            title="Decision boundary",
            name="pg-boundary-figure",
        )
        mapper = LinearColorMapper(palette=diverging_palette(), low=-1.0, high=1.0)
        boundary.image(
            image="image",
            x=-EXTENT,
            y=-EXTENT,
            dw=2 * EXTENT,
            dh=2 * EXTENT,
            source=self.image_source,
            color_mapper=mapper,
        )
        boundary.scatter(
            "x", "y", color="color", line_color="white", size=6, source=self.points_source
        )
        # Ranges set from Python (_show): auto ranges (DataRange1d) are computed in the
        # browser and sent back to Python on every tick, which keeps the worker busy.
        loss = figure(
            width=380,
            height=220,
            toolbar_location=None,
            title="Loss",
            x_axis_label="epoch",
            x_range=self._loss_x,
            y_range=self._loss_y,
            name="pg-loss-figure",
        )
        loss.line(
            "epoch", "train", source=self.loss_source, color="#333333", legend_label="training"
        )
        loss.line(
            "epoch",
            "test",
            source=self.loss_source,
            color="#999999",
            line_dash="dashed",
            legend_label="test",
        )
        loss.legend.location = "top_right"
        dataset = pn.widgets.RadioButtonGroup.from_param(
            self.param.dataset, label="Dataset", css_classes=["pg-dataset"]
        )
        rate = pn.widgets.Select.from_param(
            self.param.learning_rate,
            label="Learning rate",
            css_classes=["pg-learning-rate"],
            width=230,
        )
        noise = pn.widgets.FloatSlider.from_param(
            self.param.noise, label="Noise", step=0.05, css_classes=["pg-noise"], width=230
        )
        status = pn.pane.Str(
            self.param.message, css_classes=["pg-status"], styles={"color": "#c62828"}
        )
        controls = pn.Column(
            dataset,
            rate,
            noise,
            pn.Row(self._play, self._reset),
            self._epoch_view,
            status,
            width=250,
        )
        return pn.Row(
            controls,
            pn.pane.Bokeh(boundary, css_classes=["pg-boundary"]),
            pn.pane.Bokeh(loss, css_classes=["pg-loss"]),
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return self._layout
