"""Page layout: TF Playground's arrangement (top bar; data, network and output columns)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import panel as pn

from pyplayground.state import MAX_HIDDEN_LAYERS

from .palette import PALETTES, heat_colors

if TYPE_CHECKING:
    from .app import PlaygroundApp

_H = "font-size:13px;font-weight:600;letter-spacing:.06em;color:#3c4043;margin:4px 0 2px 0"
_P = "font-size:12px;color:#5f6368;margin:0"
PAGE_CSS = """
:host { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
"""


def heading(text: str) -> pn.pane.HTML:
    """A section heading (an ``h2``, so screen readers can jump between sections)."""
    return pn.pane.HTML(f'<h2 style="{_H}">{text}</h2>', margin=(4, 8, 0, 8))


def note(text: str, width: int = 220) -> pn.pane.HTML:
    """Explanatory text (hidden with ``hideText``)."""
    return pn.pane.HTML(f'<p style="{_P}">{text}</p>', margin=(0, 8), width=width)


def legend_html(palette: str, n_classes: int = 0) -> str:
    """TF's colour legend (a gradient from -1 to 1), or the class colours for multi-class."""
    pal = PALETTES[palette]
    if n_classes:
        items = "".join(
            f'<span style="margin-right:10px"><span aria-hidden="true" style="display:inline-'
            f"block;width:10px;height:10px;border-radius:5px;vertical-align:middle;background:"
            f'{pal.classes[k % len(pal.classes)]}"></span> class {k}</span>'
            for k in range(n_classes)
        )
        return (
            f'<div style="font-size:11px;color:#3c4043">{items}</div>'
            f'<p style="{_P};font-size:11px">The colour is the most likely class; paler '
            "means less sure. Neurons and weights keep the −1 … +1 colours.</p>"
        )
    colors = ", ".join(heat_colors(pal))
    return (
        '<div style="display:flex;align-items:center;gap:6px;font-size:11px;color:#3c4043">'
        f'<span>−1</span><div style="width:144px;height:10px;border-radius:2px;'
        f'background:linear-gradient(to right, {colors})"></div><span>1</span></div>'
        f'<p style="{_P};font-size:11px">Colours show data, neuron and weight values.</p>'
    )


def build_layout(app: PlaygroundApp) -> pn.viewable.Viewable:
    """Compose the page; stores the pieces the app updates on ``app``."""
    c = app.controls
    title = pn.pane.HTML(
        '<h1 style="font-size:22px;font-weight:500;margin:4px 0">pyplayground</h1>'
        f'<p style="{_P}">Tinker with a neural network right here in your browser. '
        "Everything runs locally (NumPy in WebAssembly).</p>",
        margin=(4, 12),
    )
    # a wrapping Row, not a FlexBox: FlexBox is a ReactiveHTML, which needs nh3 (no wasm wheel)
    top = pn.Row(
        c.reset,
        c.play,
        c.step,
        c.epoch,
        c.learning_rate,
        c.activation,
        c.regularization,
        c.regularization_rate,
        c.problem,
        c.optimizer,
        c.dropout,
        c.initializer,
        c.speed,
        margin=(4, 8),
        css_classes=["pg-topbar"],
        sizing_mode="stretch_width",
        styles={
            "background": "#f1f3f4",
            "border-radius": "6px",
            "padding": "4px 6px",
            "flex-wrap": "wrap",
            "align-items": "flex-end",
            # Bokeh's min-width would be all controls in one line, so the bar could never
            # wrap; the page's own min-width keeps it one line wherever there is room
            "min-width": "0",
        },
    )
    texts = [
        title,
        note("Which dataset do you want to use?"),
        note("Which properties do you want to feed in? Click to toggle."),
        note("A CSV file with columns x1, x2 and label (±1, class ids or values)."),
        note(
            "Hover a neuron to see it larger on the right. Hover a link or a bias square to "
            "see its value; click it (or pick it below) to type a new one.",
            width=600,
        ),
    ]
    export_box = pn.Card(
        app.sharing.panel(),
        title="Export & share",
        collapsed=False,
        width=236,
        margin=(6, 4),
        css_classes=["pg-export-card"],
    )
    app.export_box = export_box
    data_col = pn.Column(
        heading("DATA"),
        texts[1],
        c.dataset_box,
        c.perc_train,
        c.noise,
        c.batch_size,
        c.regenerate,
        heading("FEATURES"),
        texts[2],
        c.feature_box,
        heading("YOUR OWN DATA"),
        texts[3],
        c.upload,
        c.upload_error,
        export_box,
        width=240,
        margin=(0, 4),
        # a lesson page too narrow for three columns moves this one after the output column,
        # so the network and its output stay side by side (web/static/lesson.css)
        styles={"order": "var(--pg-data-column-order, 0)"},
    )
    app.layer_spacers = [pn.Spacer(width=0, height=10, margin=0) for _ in range(MAX_HIDDEN_LAYERS)]
    app.layer_groups = [
        pn.Column(
            pn.Row(c.add_neuron[k], c.remove_neuron[k], margin=0, align="center"),
            c.neuron_labels[k],
            width=64,
            margin=0,
            styles={"text-align": "center"},
        )
        for k in range(MAX_HIDDEN_LAYERS)
    ]
    app.layer_row = layer_row = pn.Row(margin=0, height=48)
    net_col = pn.Column(
        pn.Row(c.add_layer, c.remove_layer, c.layers_label, margin=(0, 0, 0, 170)),
        layer_row,
        app.network_view,
        texts[4],
        pn.Row(c.edit_param, c.edit_value, margin=0),
        pn.Tabs(
            ("Gradient flow", app.grad_flow),
            ("Confusion matrix", app.confusion),
            margin=(6, 8),
            css_classes=["pg-tabs"],
        ),
        width=620,
        margin=(0, 4),
    )
    out_col = pn.Column(
        heading("OUTPUT"),
        c.stats,
        app.loss_chart,
        app.heatmap,
        app.legend,
        pn.Row(c.show_test, c.discretize, margin=0),
        c.add_class,
        pn.Row(c.add_x, c.add_y, c.add_point, margin=0),
        c.palette,
        width=340,
        margin=(0, 4),
    )
    app.text_panes = texts
    return pn.Column(
        title,
        pn.Row(c.notices, c.dismiss, margin=0),
        top,
        # Lesson pages set --pg-columns-wrap: wrap (web/static/lesson.css), so that on a
        # narrow page a column moves below the others instead of being cut off.
        pn.Row(
            data_col,
            net_col,
            out_col,
            margin=0,
            css_classes=["pg-columns"],
            styles={
                "flex-wrap": "var(--pg-columns-wrap, nowrap)",
                "max-width": "var(--pg-app-max-width, none)",
            },
        ),
        stylesheets=[PAGE_CSS],
        css_classes=["pg-app"],
        margin=0,
    )


__all__ = ["build_layout", "heading", "legend_html", "note"]
