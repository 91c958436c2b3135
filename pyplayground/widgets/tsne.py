"""The ``:::{tsne} ID`` live part: settings and metrics of the t-SNE explorer."""

from __future__ import annotations

from typing import Final

from pyplayground.distill_data import DISTILL_DATASETS

from ._spec import MetricSpec, ParamSpec, WidgetKind

#: Datasets beyond Distill's 18.
EXTRA_DATASETS: Final = ("digits",)

KIND: Final = WidgetKind(
    name="tsne",
    title="t-SNE explorer",
    description="t-SNE on Distill's datasets and the 8×8 digits, animated step by step.",
    params=(
        ParamSpec(
            "dataset",
            "choice",
            "two_clusters",
            "dataset",
            "Which data to embed.",
            choices=(*DISTILL_DATASETS, *EXTRA_DATASETS),
        ),
        ParamSpec("perplexity", "number", 30.0, "perplexity", minimum=2, maximum=100),
        ParamSpec("epsilon", "number", 10.0, "learning rate (epsilon)", minimum=1, maximum=20),
        ParamSpec("seed", "int", 0, "seed", minimum=0, maximum=2**31 - 1),
    ),
    metrics=(
        MetricSpec("step", "integer", "step", "Optimisation steps since the last restart."),
        MetricSpec("kl", "number", "KL divergence", "KL(P‖Q) of the current embedding."),
    ),
    counter="step",
    factory="pyplayground.ui.tsne:TSNEExplorer",
    default_height=560,
)
