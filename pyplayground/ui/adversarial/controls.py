"""The explorer's widgets, each with a visible label and a stable ``pg-adv-...`` class."""

from __future__ import annotations

from typing import Any, Final

import panel as pn
from bokeh.models import Div

from pyplayground.widgets.adversarial import MAX_EPS_DIGITS, N_TEST_DIGITS

MODEL_LABELS: Final = {
    "plain": "plain",
    "robust (adv. trained)": "robust",
    "retrained": "retrained",
}
ATTACK_LABELS: Final = {"FGSM": "fgsm", "PGD": "pgd", "JSMA": "jsma"}
TEXT_CSS: Final = """
:host { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
.pg-big { font-size: 20px; font-weight: 600; }
.pg-fooled { color: #c92a2a; }
.pg-held { color: #1e6b30; }
.pg-note { color: #5f6368; font-size: 13px; }
"""


class Controls:
    """Builds the widgets (no logic; the explorer wires and syncs them)."""

    def __init__(self) -> None:
        self.model = pn.widgets.RadioButtonGroup(
            label="Model", options=MODEL_LABELS, value="plain", css_classes=["pg-adv-model"],
            color="primary", variant="outline", margin=(2, 6),
        )  # fmt: skip
        self.attack = pn.widgets.RadioButtonGroup(
            label="Attack", options=ATTACK_LABELS, value="fgsm", css_classes=["pg-adv-attack"],
            color="primary", variant="outline", margin=(2, 6),
        )  # fmt: skip
        self.eps = pn.widgets.FloatSlider(
            label="Strength ε", start=0.0, end=MAX_EPS_DIGITS, step=0.005, value=0.1,
            format="0.000", css_classes=["pg-adv-eps"], width=250, margin=(4, 10),
        )  # fmt: skip
        self.pgd_steps = pn.widgets.IntSlider(
            label="PGD steps", start=1, end=50, value=10, css_classes=["pg-adv-steps"],
            width=250, margin=(4, 10),
        )  # fmt: skip
        self.targeted = pn.widgets.Checkbox(
            label="Targeted attack", value=False, css_classes=["pg-adv-targeted"], margin=(6, 10)
        )
        self.target = pn.widgets.Select(
            label="Target class", options={str(k): k for k in range(10)}, value=7, width=110,
            css_classes=["pg-adv-target"], margin=(2, 10),
        )  # fmt: skip
        self.digit = pn.widgets.IntInput(
            label="Test digit # (0–359)", start=0, end=N_TEST_DIGITS - 1, value=0, width=130,
            css_classes=["pg-adv-digit"], margin=(2, 10),
        )  # fmt: skip
        self.digit_class = pn.widgets.Select(
            label="Next digit of class", options=["—", *map(str, range(10))], value="—",
            width=110, css_classes=["pg-adv-class"], margin=(2, 10),
        )  # fmt: skip
        self.clear = pn.widgets.Button(
            label="Clear drawing", css_classes=["pg-adv-clear"], width=120, margin=(4, 10),
            description="Start a drawing on an empty canvas",
        )  # fmt: skip
        self.retrain = pn.widgets.Button(
            label="Retrain in the page", css_classes=["pg-adv-retrain"], width=160,
            margin=(4, 10), description="Train a fresh model here (the 'retrained' model)",
        )  # fmt: skip
        self.adv_training = pn.widgets.Checkbox(
            label="with adversarial training", value=True, css_classes=["pg-adv-advtrain"],
            margin=(2, 10),
        )  # fmt: skip
        self.point = pn.widgets.IntInput(
            label="Point # (−1: none)", start=-1, end=100_000, value=-1, width=130,
            css_classes=["pg-adv-point"], margin=(2, 10),
        )  # fmt: skip
        # Bokeh Divs: the page writes a redraw's text straight into them (views.Packet)
        self.pred_div = Div(text="", css_classes=["pg-adv-pred"], stylesheets=[TEXT_CSS],
                            width=330)  # fmt: skip
        self.info_div = Div(text="", css_classes=["pg-adv-info"], stylesheets=[TEXT_CSS],
                            width=330)  # fmt: skip
        self.status = pn.pane.HTML(
            "", css_classes=["pg-adv-status"], stylesheets=[TEXT_CSS], width=250, margin=(2, 10)
        )
        self.point_info = pn.pane.HTML(
            "", css_classes=["pg-adv-point-info"], stylesheets=[TEXT_CSS], width=300,
            margin=(2, 10),
        )  # fmt: skip

    def by_key(self) -> dict[str, Any]:
        """Widgets that show a state key, by key."""
        return {
            "model": self.model,
            "attack": self.attack,
            "eps": self.eps,
            "pgd_steps": self.pgd_steps,
            "targeted": self.targeted,
            "target": self.target,
            "digit": self.digit,
            "adv_training": self.adv_training,
            "point": self.point,
        }


__all__ = ["ATTACK_LABELS", "MODEL_LABELS", "TEXT_CSS", "Controls"]
