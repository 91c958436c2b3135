"""The ``:::{adversarial} ID`` live part: settings and metrics of the attack explorer."""

from __future__ import annotations

from typing import Final

from ._spec import MetricSpec, ParamSpec, WidgetKind

KIND: Final = WidgetKind(
    name="adversarial",
    title="adversarial attack explorer",
    description="Attack a digits classifier live: FGSM, PGD and JSMA, with a strength slider.",
    params=(
        ParamSpec("attack", "choice", "fgsm", "attack", choices=("fgsm", "pgd", "jsma")),
        ParamSpec("eps", "number", 0.1, "strength", minimum=0, maximum=1),
    ),
    metrics=(
        MetricSpec("fooled", "boolean", "model fooled", "The adversarial digit is misclassified."),
    ),
    counter=None,
    factory="pyplayground.ui.adversarial:AdversarialExplorer",
    default_height=560,
)
