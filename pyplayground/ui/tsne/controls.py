"""The explorer's widgets: dataset menu, sliders, run buttons, view and share controls.

:class:`Controls` builds them (with their stable ``pg-tsne-...`` CSS classes and visible
labels) and shows a session's settings in them; the explorer wires their events.
"""

from __future__ import annotations

import html
from typing import Any, Final

import panel as pn
import param
from bokeh.models import Div

from pyplayground.distill_data import DISTILL_DATASETS
from pyplayground.ui.clipboard import copy_button
from pyplayground.widgets.tsne import VIEWS

from .data import DIGITS_MAX, DIGITS_START
from .session import TSNESession
from .share import COPY_LINK_JS
from .thumbnails import THUMB_PX, dataset_icon

LABELS: Final = {
    **{n: s.label for n, s in DISTILL_DATASETS.items()},
    "digits": "8×8 Digits",
    "activations": "Hidden Layer",
}
SIZE_LABELS: Final = {
    "points_per_side": "Points per side",
    "points_per_cluster": "Points per cluster",
    "n_points": "Number of points",
    "dim": "Dimensions",
    "scale": "Scale",
}
VIEW_LABELS: Final = {"Original data": "data", "PCA": "pca", "5 runs": "runs"}
METHOD_LABELS: Final = {"auto": "auto", "exact": "exact", "fft (approximate)": "fft"}

THUMB_CSS: Final = """
:host .bk-btn { display: flex; flex-direction: column; align-items: center; gap: 2px;
  padding: 3px 2px; font-size: 10.5px; line-height: 1.1; white-space: normal; }
:host .bk-btn svg { margin: 0 !important; }
"""
STEP_CSS: Final = """
.pg-tsne-step-label { font-size: 11px; color: #5f6368; }
.pg-tsne-step-value { font-size: 22px; font-variant-numeric: tabular-nums; color: #202124; }
"""
TEXT_CSS: Final = """
:host { font: 13px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #333; }
.pg-tsne-note { background: #fff4e5; border-left: 3px solid #f90; padding: 3px 8px;
  margin: 3px 0; }
.pg-tsne-metrics td { padding: 0 10px 0 0; font-variant-numeric: tabular-nums; }
"""


def _css(key: str) -> str:
    return "pg-tsne-" + key.replace("_", "-")


def step_html(step: int, note: str = "") -> str:
    """The step counter's HTML."""
    extra = f" <span class='pg-tsne-step-label'>{html.escape(note)}</span>" if note else ""
    return (
        "<div class='pg-tsne-step-label'>Step</div>"
        f"<div><span class='pg-tsne-step-value'>{step:,}</span>{extra}</div>"
    )


def set_slider(slider: Any, value: float) -> None:
    """Show ``value``; ``value_throttled`` too, or releasing the slider at its old
    throttled value would send no change."""
    slider.value = value
    with param.edit_constant(slider):
        slider.value_throttled = value


class Controls:
    """Every widget of one explorer; ``tag`` makes its Bokeh model names unique."""

    def __init__(self, tag: str) -> None:
        btn = {"margin": (4, 4), "height": 34}
        self.play = pn.widgets.Button(
            label="▶ Play",
            width=84,
            color="primary",
            css_classes=["pg-tsne-play"],
            description="Run or pause the optimisation",
            **btn,
        )
        self.step_once = pn.widgets.Button(
            label="⇥ Step",
            width=72,
            css_classes=["pg-tsne-step-once"],
            description="One optimisation step",
            **btn,
        )
        self.restart_button = pn.widgets.Button(
            label="⟲ Restart",
            width=86,
            css_classes=["pg-tsne-restart"],
            description="Start again from step 0",
            **btn,
        )
        self.step_div = Div(
            text=step_html(0),
            width=200,
            height=44,
            css_classes=["pg-tsne-step"],
            name=f"pg-tsne-step-{tag}",
            stylesheets=[STEP_CSS],
        )
        self.datasets = {
            name: pn.widgets.Button(
                label=label,
                icon=dataset_icon(name),
                icon_size=f"{THUMB_PX}px",
                width=74,
                height=88,
                margin=(2, 2),
                css_classes=["pg-tsne-dataset", f"pg-tsne-dataset-{name}"],
                stylesheets=[THUMB_CSS],
                description=f"Use the {label} data",
                color="primary",
                variant="outline",
            )
            for name, label in LABELS.items()
        }
        self.sliders: dict[str, Any] = {}
        for key, label in SIZE_LABELS.items():
            cls = pn.widgets.FloatSlider if key == "scale" else pn.widgets.IntSlider
            self.sliders[key] = cls(
                label=label,
                start=1,
                end=100,
                value=1,
                step=1,
                width=230,
                margin=(2, 8),
                css_classes=[_css(key), "pg-tsne-slider"],
            )
        self.sliders["perplexity"] = pn.widgets.IntSlider(
            label="Perplexity",
            start=1,
            end=100,
            step=1,
            value=30,
            width=230,
            margin=(2, 8),
            css_classes=["pg-tsne-perplexity", "pg-tsne-slider"],
        )
        self.sliders["epsilon"] = pn.widgets.IntSlider(
            label="Epsilon (learning rate)",
            start=1,
            end=20,
            step=1,
            value=10,
            width=230,
            margin=(2, 8),
            css_classes=["pg-tsne-epsilon", "pg-tsne-slider"],
        )
        self.layer = pn.widgets.Select(
            label="Hidden layer",
            options={"last": 0, **{str(i): i for i in range(1, 7)}},
            width=110,
            margin=(2, 8),
            css_classes=["pg-tsne-layer"],
        )
        self.refresh = pn.widgets.Button(
            label="↻ Read the network again",
            width=200,
            css_classes=["pg-tsne-refresh"],
            margin=(2, 8),
            description="Take the playground's activations now",
        )
        self.seed = pn.widgets.IntInput(
            label="Seed",
            start=0,
            end=2**31 - 1,
            value=0,
            width=110,
            margin=(2, 8),
            css_classes=["pg-tsne-seed"],
        )
        self.method = pn.widgets.Select(
            label="Gradient",
            options=METHOD_LABELS,
            width=110,
            margin=(2, 8),
            css_classes=["pg-tsne-method"],
        )
        self.view = pn.widgets.RadioButtonGroup(
            label="Beside the embedding",
            options=VIEW_LABELS,
            value="data",
            css_classes=["pg-tsne-view"],
            margin=(2, 8),
            width=230,
        )
        self.description = pn.pane.HTML(
            "",
            stylesheets=[TEXT_CSS],
            width=560,
            margin=(2, 8),
            css_classes=["pg-tsne-description"],
        )
        self.notes = pn.pane.HTML(
            "", stylesheets=[TEXT_CSS], width=700, margin=(2, 8), css_classes=["pg-tsne-notes"]
        )
        self.readout = pn.pane.HTML(
            "", stylesheets=[TEXT_CSS], width=230, margin=(2, 8), css_classes=["pg-tsne-readout"]
        )
        self.link = pn.widgets.TextInput(
            label="Link to this view",
            value="",
            width=230,
            margin=(2, 8),
            css_classes=["pg-tsne-link"],
        )
        self.copy_link, self.copy_status = copy_button(
            "Copy link",
            'window.location.href.split("#")[0] + src.value',
            "Link copied",
            "pg-tsne-copy-link",
            args={"src": self.link},
            before_js=COPY_LINK_JS,
            width=120,
            margin=(2, 8),
            description="Copy a link that reproduces this view",
        )

    def layout(self, plots: pn.Row, extra: Any) -> pn.Column:
        """The explorer: menu, description, controls beside ``plots``, then ``extra``."""
        menu = pn.GridBox(
            *self.datasets.values(), ncols=10, margin=(0, 4), css_classes=["pg-tsne-menu"]
        )
        run_row = pn.Row(self.play, self.step_once, self.restart_button, margin=0)
        controls = pn.Column(
            run_row,
            pn.pane.Bokeh(self.step_div, margin=(0, 8)),
            *[self.sliders[k] for k in (*SIZE_LABELS, "perplexity", "epsilon")],
            pn.Row(self.layer, margin=0),
            self.refresh,
            pn.Row(self.seed, self.method, margin=0),
            pn.pane.HTML(
                "<span style='font-size:12px;color:#5f6368'>Beside the embedding</span>",
                margin=(4, 8, 0, 8),
            ),
            self.view,
            self.readout,
            self.link,
            self.copy_link,
            self.copy_status,
            width=270,
            margin=0,
            css_classes=["pg-tsne-controls"],
        )
        return pn.Column(
            menu,
            self.description,
            pn.Row(controls, pn.Column(plots, self.notes, margin=0), margin=0),
            extra,
            css_classes=["pg-tsne"],
            margin=(4, 4),
        )

    def sync(self, s: TSNESession) -> None:
        """Show the session's settings (the caller ignores the widget events this causes)."""
        settings = s.settings
        name = settings["dataset"]
        for key, button in self.datasets.items():
            button.variant = "solid" if key == name else "outline"
        spec = DISTILL_DATASETS.get(name)
        sliders = {sl.param: sl for sl in spec.sliders} if spec else {}
        for key in SIZE_LABELS:
            widget = self.sliders[key]
            if key in sliders:
                sl = sliders[key]
                value = s.data.sizes[key]
                widget.label = sl.label
                widget.start, widget.end = sl.min, max(sl.max, value)
                set_slider(widget, value)
                widget.visible = True
            elif name == "digits" and key == "n_points":
                widget.label = "Number of images"
                widget.start, widget.end = 10, DIGITS_MAX
                set_slider(widget, int(s.data.sizes.get("n_points", DIGITS_START)))
                widget.visible = True
            else:
                widget.visible = False
        set_slider(self.sliders["perplexity"], round(float(settings["perplexity"])))
        set_slider(self.sliders["epsilon"], round(float(settings["epsilon"])))
        activations = name == "activations"
        self.layer.visible = self.refresh.visible = activations
        self.layer.value = int(settings["layer"])
        self.seed.value = int(settings["seed"])
        self.method.value = settings["method"]
        self.view.value = settings["view"] if settings["view"] in VIEWS else "data"
        label = LABELS[name]
        text = s.data.description or (spec.description if spec else "")
        title = s.data.title if activations else label
        self.description.object = (
            f"<b>{html.escape(title)}</b> — {html.escape(text)}" if text else html.escape(title)
        )


__all__ = ["LABELS", "SIZE_LABELS", "Controls", "set_slider", "step_html"]
