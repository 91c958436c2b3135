"""Every widget of the playground page, with stable ``pg-*`` CSS classes.

:class:`Controls` only builds widgets and writes a :class:`PlaygroundState` into them
(:meth:`Controls.sync`); the app decides what a change means.  Each widget carries a
visible label, so the page is usable with the keyboard and a screen reader, and each
hideable/lockable control of :data:`pyplayground.state.CONTROLS` maps to its widgets
in :attr:`Controls.by_control`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import panel as pn
from bokeh.models import Div

from pyplayground.datasets import DATASETS
from pyplayground.features import FEATURE_NAMES, FEATURES
from pyplayground.state import (
    DROPOUT_RATES,
    EPOCHS_PER_FRAME,
    LEARNING_RATES,
    MAX_HIDDEN_LAYERS,
    MAX_NOISE,
    REGULARIZATION_RATES,
    PlaygroundState,
)

from .palette import PALETTES
from .thumbnails import THUMB_PX, dataset_icon, feature_icon

ACTIVATION_LABELS = {
    "ReLU": "relu",
    "Tanh": "tanh",
    "Sigmoid": "sigmoid",
    "Linear": "linear",
    "Leaky ReLU": "leaky_relu",
    "GELU": "gelu",
}
REGULARIZATION_LABELS = {"None": "none", "L1": "L1", "L2": "L2"}
PROBLEM_LABELS = {
    "Classification": "classification",
    "Regression": "regression",
    "Multi-class": "multiclass",
}
OPTIMIZER_LABELS = {"SGD": "sgd", "Momentum": "momentum", "Adam": "adam"}
INITIALIZER_LABELS = {
    "Uniform ±0.5 (TF)": "playground",
    "Xavier": "xavier",
    "He": "he",
    "Zeros": "zeros",
}

THUMB_CSS = """
:host .bk-btn { display: flex; flex-direction: column; align-items: center; gap: 2px;
  padding: 3px 2px; font-size: 11px; line-height: 1.1; white-space: normal; }
:host .bk-btn .bk-SVGIcon, :host .bk-btn svg { margin: 0 !important; }
"""
STATS_CSS = """
table.pg-stats { border-collapse: collapse; font-size: 13px; }
table.pg-stats td, table.pg-stats th { padding: 1px 10px 1px 0; text-align: left; }
table.pg-stats th { font-weight: 500; color: #5f6368; font-size: 11px; }
td.pg-test-loss, td.pg-train-loss { font-variant-numeric: tabular-nums; font-weight: 600; }
.pg-diverged { color: #a50e0e; background: #fce8e6; padding: 2px 6px; border-radius: 4px;
  font-size: 12px; font-weight: 600; }
"""
EPOCH_CSS = """
.pg-epoch-label { font-size: 11px; color: #5f6368; }
.pg-epoch { font-size: 22px; font-variant-numeric: tabular-nums; color: #202124; }
"""
SMALL_BUTTON_CSS = ":host .bk-btn { padding: 0 6px; font-size: 15px; font-weight: 600; }"


def _fmt(v: float) -> str:
    return f"{v:g}"


def _select(name: str, options: dict[str, Any], cls: str, width: int = 118) -> pn.widgets.Select:
    return pn.widgets.Select(
        label=name, options=options, width=width, css_classes=[cls], margin=(2, 6)
    )


def _slider(name: str, start: int, end: int, step: int, cls: str) -> pn.widgets.IntSlider:
    return pn.widgets.IntSlider(
        label=name, start=start, end=end, step=step, width=210, css_classes=[cls], margin=(2, 8)
    )


def problem_datasets(problem: str) -> list[str]:
    """Datasets offered for a problem type (TF shows only the current problem's)."""
    return [n for n, s in DATASETS.items() if s.problem == problem]


class Controls:
    """Builds and syncs the widgets; holds no state of its own beyond the widgets."""

    def __init__(self) -> None:
        btn = {"margin": (4, 4), "height": 34}
        self.reset = pn.widgets.Button(
            label="⟲ Reset",
            width=88,
            css_classes=["pg-reset"],
            description="Reset the network",
            **btn,
        )
        self.play = pn.widgets.Button(
            label="▶ Play",
            width=92,
            color="primary",
            css_classes=["pg-play"],
            description="Run/Pause",
            **btn,
        )
        self.step = pn.widgets.Button(
            label="⇥ Step", width=80, css_classes=["pg-step"], description="Train one epoch", **btn
        )
        # Bokeh Divs, not HTML panes: the page rewrites their text from each frame message
        self.epoch_div = Div(
            text=self.epoch_html(0),
            width=104,
            height=46,
            css_classes=["pg-epoch-box"],
            stylesheets=[EPOCH_CSS],
        )
        self.epoch = pn.pane.Bokeh(self.epoch_div, margin=(2, 8))
        self.learning_rate = _select(
            "Learning rate", {_fmt(v): v for v in LEARNING_RATES}, "pg-learning-rate", 96
        )
        self.activation = _select("Activation", ACTIVATION_LABELS, "pg-activation", 104)
        self.regularization = _select(
            "Regularization", REGULARIZATION_LABELS, "pg-regularization", 104
        )
        self.regularization_rate = _select(
            "Regularization rate",
            {_fmt(v): v for v in REGULARIZATION_RATES},
            "pg-regularization-rate",
            126,
        )
        self.problem = _select("Problem type", PROBLEM_LABELS, "pg-problem", 120)
        self.optimizer = _select("Optimizer", OPTIMIZER_LABELS, "pg-optimizer", 96)
        self.dropout = _select("Dropout", {_fmt(v): v for v in DROPOUT_RATES}, "pg-dropout", 72)
        self.initializer = _select("Initial weights", INITIALIZER_LABELS, "pg-initializer", 128)
        self.speed = _select("Epochs/frame", {str(v): v for v in EPOCHS_PER_FRAME}, "pg-speed", 96)

        # data column
        self.datasets = {
            name: pn.widgets.Button(
                label=spec.label,
                icon=dataset_icon(name),
                icon_size=f"{THUMB_PX}px",
                width=70,
                height=74,
                margin=(3, 3),
                css_classes=[f"pg-dataset-{name}", "pg-dataset"],
                stylesheets=[THUMB_CSS],
                description=f"Use the {spec.label} dataset",
                color="primary",
                variant="outline",
            )
            for name, spec in DATASETS.items()
        }
        self.dataset_box = pn.GridBox(ncols=3, width=230, margin=0)
        self.perc_train = _slider("Ratio of training to test data (%)", 10, 90, 10, "pg-perc-train")
        self.noise = _slider("Noise", 0, 50, 5, "pg-noise")
        self.batch_size = _slider("Batch size", 1, 30, 1, "pg-batch-size")
        self.regenerate = pn.widgets.Button(
            label="↻ Regenerate",
            width=120,
            margin=(4, 8),
            css_classes=["pg-regenerate"],
            description="New data from a new seed",
        )
        self.features = {
            name: pn.widgets.Toggle(
                label=FEATURES[name].label,
                icon=feature_icon(name),
                icon_size=f"{THUMB_PX}px",
                width=54,
                height=66,
                margin=(3, 2),
                css_classes=[f"pg-feature-{name}", "pg-feature"],
                stylesheets=[THUMB_CSS],
                color="primary",
                variant="outline",
            )
            for name in FEATURE_NAMES
        }
        self.feature_box = pn.GridBox(ncols=4, width=230, margin=0)
        self.upload = pn.widgets.FileInput(
            accept=".csv,text/csv",
            width=210,
            margin=(2, 8),
            css_classes=["pg-upload"],
            description="CSV with columns x1, x2, label",
        )
        self.upload_error = pn.pane.Alert(
            "",
            alert_type="danger",
            visible=False,
            width=214,
            css_classes=["pg-upload-error"],
            margin=(2, 8),
        )

        # network column
        self.add_layer = pn.widgets.Button(
            label="+",
            width=32,
            height=30,
            margin=(2, 2),
            css_classes=["pg-add-layer"],
            description="Add a hidden layer",
            stylesheets=[SMALL_BUTTON_CSS],
        )
        self.remove_layer = pn.widgets.Button(
            label="−",
            width=32,
            height=30,
            margin=(2, 2),
            css_classes=["pg-remove-layer"],
            description="Remove a hidden layer",
            stylesheets=[SMALL_BUTTON_CSS],
        )
        self.layers_label = pn.pane.HTML("", margin=(6, 8), css_classes=["pg-layers-label"])
        self.add_neuron = [
            pn.widgets.Button(
                label="+",
                width=28,
                height=24,
                margin=(0, 1),
                css_classes=[f"pg-add-neuron-{k}"],
                description=f"Add a neuron to hidden layer {k + 1}",
                stylesheets=[SMALL_BUTTON_CSS],
            )
            for k in range(MAX_HIDDEN_LAYERS)
        ]
        self.remove_neuron = [
            pn.widgets.Button(
                label="−",
                width=28,
                height=24,
                margin=(0, 1),
                css_classes=[f"pg-remove-neuron-{k}"],
                description=f"Remove a neuron from hidden layer {k + 1}",
                stylesheets=[SMALL_BUTTON_CSS],
            )
            for k in range(MAX_HIDDEN_LAYERS)
        ]
        self.neuron_labels = [
            pn.pane.HTML("", margin=0, width=64, css_classes=[f"pg-neurons-{k}", "pg-neurons"])
            for k in range(MAX_HIDDEN_LAYERS)
        ]
        self.edit_param = pn.widgets.Select(
            label="Edit a weight or bias",
            options={},
            width=230,
            css_classes=["pg-edit-param"],
            margin=(2, 8),
        )
        self.edit_value = pn.widgets.FloatInput(
            label="Value", width=110, step=0.1, css_classes=["pg-edit-value"], margin=(2, 8)
        )

        # output column
        self.stats_div = Div(
            text="", width=320, height=64, css_classes=["pg-stats-box"], stylesheets=[STATS_CSS]
        )
        self.stats = pn.pane.Bokeh(self.stats_div, margin=(0, 4))
        self.show_test = pn.widgets.Checkbox(
            label="Show test data", css_classes=["pg-show-test"], margin=(2, 8)
        )
        self.discretize = pn.widgets.Checkbox(
            label="Discretize output", css_classes=["pg-discretize"], margin=(2, 8)
        )
        self.palette = _select(
            "Colours", {p.label: n for n, p in PALETTES.items()}, "pg-palette", width=230
        )
        self.add_class = pn.widgets.Select(
            label="Click on the plot to add",
            options={"Off": "off"},
            width=230,
            css_classes=["pg-add-class"],
            margin=(2, 6),
        )
        self.add_x = pn.widgets.FloatInput(
            label="x₁",
            value=0.0,
            start=-6,
            end=6,
            step=0.5,
            width=70,
            css_classes=["pg-add-x"],
            margin=(2, 4),
        )
        self.add_y = pn.widgets.FloatInput(
            label="x₂",
            value=0.0,
            start=-6,
            end=6,
            step=0.5,
            width=70,
            css_classes=["pg-add-y"],
            margin=(2, 4),
        )
        self.add_point = pn.widgets.Button(
            label="Add point", width=90, margin=(20, 4, 2, 4), css_classes=["pg-add-point"]
        )
        self.notices = pn.pane.Alert(
            "", alert_type="warning", visible=False, css_classes=["pg-notices"], margin=(4, 8)
        )
        self.dismiss = pn.widgets.Button(
            label="Dismiss", visible=False, width=90, css_classes=["pg-dismiss"], margin=(4, 8)
        )
        self._syncing = 0

        self.by_control: dict[str, list[Any]] = {
            "showTestData": [self.show_test],
            "discretize": [self.discretize],
            "playButton": [self.play],
            "stepButton": [self.step],
            "resetButton": [self.reset],
            "learningRate": [self.learning_rate],
            "activation": [self.activation],
            "regularization": [self.regularization],
            "regularizationRate": [self.regularization_rate],
            "problem": [self.problem],
            "dataset": list(self.datasets.values()),
            "percTrainData": [self.perc_train],
            "noise": [self.noise],
            "batchSize": [self.batch_size],
            "numHiddenLayers": [self.add_layer, self.remove_layer],
            "numNodes": [*self.add_neuron, *self.remove_neuron],
            "regenerate": [self.regenerate],
            "features": list(self.features.values()),
            **{name: [w] for name, w in self.features.items()},
            "optimizer": [self.optimizer],
            "dropout": [self.dropout],
            "initializer": [self.initializer],
            "epochsPerFrame": [self.speed],
            "palette": [self.palette],
            "editWeights": [self.edit_param, self.edit_value],
            "addPoints": [self.add_class, self.add_x, self.add_y, self.add_point],
            "uploadCsv": [self.upload],
        }

    # -------------------------------------------------------------- syncing
    @property
    def syncing(self) -> bool:
        """True while :meth:`sync` writes values (watchers must ignore those changes)."""
        return self._syncing > 0

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Mark widget changes made by the app itself."""
        self._syncing += 1
        try:
            yield
        finally:
            self._syncing -= 1

    @staticmethod
    def epoch_html(epoch: int) -> str:
        """TF's zero-padded counter: ``000,123``."""
        return (
            '<div class="pg-epoch-label">Epoch</div>'
            f'<div class="pg-epoch" aria-live="off">{epoch:07,d}</div>'
        )

    def sync(self, s: PlaygroundState) -> None:
        """Write every setting of ``s`` into the widgets, without triggering the app."""
        with self.writing():
            self.learning_rate.value = s.learning_rate
            self.activation.value = s.activation
            self.regularization.value = s.regularization
            self.regularization_rate.value = s.regularization_rate
            self.problem.value = s.problem
            self.optimizer.value = s.optimizer
            self.dropout.value = s.dropout
            self.initializer.value = s.initializer
            self.speed.value = s.epochs_per_frame
            self.perc_train.value = s.perc_train_data
            self.noise.end = min(max(50, s.noise), MAX_NOISE)
            self.noise.value = s.noise
            self.batch_size.value = s.batch_size
            self.show_test.value = s.show_test_data
            self.discretize.value = s.discretize
            self.palette.value = s.palette
            shown = [] if "dataset" in s.hidden else problem_datasets(s.problem)
            for name, button in self.datasets.items():
                button.variant = "solid" if name == s.active_dataset else "outline"
                button.icon = dataset_icon(name, s.palette)
            for name, toggle in self.features.items():
                on = name in s.features
                toggle.value = on
                toggle.icon = feature_icon(name, s.palette, on)
                toggle.variant = "solid" if on else "outline"
            features = (
                [] if "features" in s.hidden else [n for n in self.features if n not in s.hidden]
            )
            # the grids get only the buttons on show (hidden children of a GridBox would
            # keep their cells and leave holes)
            _set_objects(self.dataset_box, [self.datasets[n] for n in shown])
            _set_objects(self.feature_box, [self.features[n] for n in features])
            self._hide_and_lock(s)

    def _hide_and_lock(self, s: PlaygroundState) -> None:
        grids = ("dataset", "features", "numNodes", *FEATURE_NAMES)  # shown via their rows
        for control, widgets in self.by_control.items():
            for w in widgets:
                if control not in grids:
                    w.visible = control not in s.hidden
                w.disabled = control in s.locked or (
                    control in FEATURE_NAMES and "features" in s.locked
                )


def _set_objects(layout: Any, objects: list[Any]) -> None:
    if list(layout.objects) != objects:
        layout.objects = objects


__all__ = ["ACTIVATION_LABELS", "PROBLEM_LABELS", "Controls", "problem_datasets"]
