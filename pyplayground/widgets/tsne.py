"""The ``:::{tsne} ID`` live part: settings and metrics of the t-SNE explorer.

Data settings use the generators' own keywords (``points_per_side``, ``points_per_cluster``,
``n_points``, ``dim``, ``scale``); ``0`` means "the article's start value" for the chosen
dataset, so one block can switch datasets without carrying another dataset's sizes.  A
setting that the chosen dataset has no slider for is ignored.  Values outside a dataset's
slider are clamped by the explorer, with a visible note (``points_per_cluster`` accepts up
to 200, the article's figure 05).

``perplexity`` is what the learner asks for; the explorer uses at most ``n_points - 1``
(Distill's figure 01 asks 100 of 100 points) and says so; ``perplexity_used`` is the value
in use.
"""

from __future__ import annotations

from typing import Final

from pyplayground.distill_data import DISTILL_DATASETS

from ._spec import MetricSpec, ParamSpec, WidgetKind

#: Datasets beyond Distill's 18: the 8×8 digits and a playground network's hidden layer.
EXTRA_DATASETS: Final = ("digits", "activations")
#: What is drawn beside the t-SNE embedding.
VIEWS: Final = ("data", "pca", "runs")
#: Gradient methods; ``auto`` is exact up to :data:`AUTO_EXACT_MAX` points, else fft.
METHODS: Final = ("auto", "exact", "fft")
AUTO_EXACT_MAX: Final = 1000
#: Runs shown side by side in the ``runs`` view.
N_RUNS: Final = 5

_START = "0 = the article's start value for the chosen dataset."

KIND: Final = WidgetKind(
    name="tsne",
    title="t-SNE explorer",
    description=(
        "t-SNE animated step by step on the 18 datasets of Distill's \"How to Use t-SNE "
        'Effectively", the 8×8 digits, or the hidden-layer activations of a playground '
        "on the same page; the original data or PCA beside it, or five runs at once."
    ),
    params=(
        ParamSpec(
            "dataset",
            "choice",
            "two_clusters",
            "dataset",
            "Which data to embed (``activations``: a playground's hidden layer, see source).",
            choices=(*DISTILL_DATASETS, *EXTRA_DATASETS),
        ),
        ParamSpec("points_per_side", "int", 0, "points per side", _START, minimum=0, maximum=20),
        ParamSpec(
            "points_per_cluster", "int", 0, "points per cluster", _START, minimum=0, maximum=200
        ),
        ParamSpec(
            "n_points",
            "int",
            0,
            "number of points",
            _START + " For digits: how many of the 1,797 images (start 500).",
            minimum=0,
            maximum=2000,
        ),
        ParamSpec("dim", "int", 0, "dimensions", _START, minimum=0, maximum=1000),
        ParamSpec("scale", "number", 0.0, "scale", _START, minimum=0, maximum=10),
        ParamSpec(
            "perplexity",
            "number",
            30.0,
            "perplexity",
            "Effective number of neighbours; clamped below the number of points.",
            minimum=1,
            maximum=100,
        ),
        ParamSpec(
            "epsilon",
            "number",
            10.0,
            "epsilon (learning rate)",
            "tsnejs's learning rate.",
            minimum=1,
            maximum=20,
        ),
        ParamSpec(
            "seed",
            "int",
            0,
            "seed",
            "Seed of the data and of the initial layout.",
            minimum=0,
            maximum=2**31 - 1,
        ),
        ParamSpec(
            "method",
            "choice",
            "auto",
            "gradient",
            f"exact O(N²), or fft (approximate, for large N); auto = exact up to "
            f"{AUTO_EXACT_MAX} points.",
            choices=METHODS,
        ),
        ParamSpec(
            "view",
            "choice",
            "data",
            "beside the embedding",
            "data: the original data (PCA of it above 3-D); pca: PCA; runs: five runs "
            "with seeds seed..seed+4.",
            choices=VIEWS,
        ),
        ParamSpec(
            "source",
            "text",
            "",
            "playground",
            "For dataset activations: the id of a playground on the same page.",
        ),
        ParamSpec(
            "layer",
            "int",
            0,
            "hidden layer",
            "For dataset activations: hidden layer 1, 2, ...; 0 = the last one.",
            minimum=0,
            maximum=6,
        ),
        ParamSpec(
            "pause_at",
            "int",
            5000,
            "auto-pause step",
            "Pause by itself at this step (the article's 5,000); 0 = never.",
            minimum=0,
            maximum=100_000,
        ),
    ),
    metrics=(
        MetricSpec("step", "integer", "step", "Optimisation steps since the last restart."),
        MetricSpec("kl", "number", "KL divergence", "KL(P‖Q) of the current embedding."),
        MetricSpec("n_points", "integer", "points", "Number of points being embedded."),
        MetricSpec(
            "perplexity_used",
            "number",
            "perplexity in use",
            "The perplexity actually used: the setting, clamped below the number of points.",
        ),
        MetricSpec(
            "perplexity_clamped",
            "boolean",
            "perplexity clamped",
            "True when the perplexity setting was at or above the number of points.",
        ),
        MetricSpec(
            "knn_agreement",
            "number",
            "class agreement of neighbours",
            "Fraction of each point's 5 nearest neighbours in the embedding that share its "
            "class (1 = classes perfectly separated; needs a dataset with classes).",
            percent=True,
        ),
        MetricSpec(
            "trustworthiness",
            "number",
            "trustworthiness",
            "How well the embedding's 5 nearest neighbours were near in the original data "
            "(1 = no false neighbours; Venna & Kaski).",
            percent=True,
        ),
        MetricSpec(
            "cluster_size_ratio",
            "number",
            "cluster size ratio",
            "Spread (RMS radius) of the smallest class divided by that of the largest, "
            "in the embedding (1 = equal sizes).",
        ),
        MetricSpec(
            "data_size_ratio",
            "number",
            "cluster size ratio in the data",
            "The same ratio in the original data.",
        ),
        MetricSpec(
            "distance_ratio",
            "number",
            "cluster distance ratio",
            "Largest distance between class centres divided by the smallest, in the "
            "embedding (Three Clusters: 4 in the data).",
        ),
        MetricSpec(
            "separation",
            "number",
            "class separation",
            "Smallest distance between two class centres in the embedding divided by the "
            "classes' mean RMS radius: large when the classes are separate compact groups.",
        ),
        MetricSpec(
            "clumps",
            "integer",
            "clumps",
            "Groups of 5 or more points in the embedding, joining points closer than 3× the "
            "median nearest-neighbour distance: 1 for an even spread, many for clumps.",
        ),
        MetricSpec(
            "elongation",
            "number",
            "elongation",
            "Mean over classes of the first principal axis's share of the class's variance "
            "in the embedding (1 = every class on a straight line, 0.5 = round).",
        ),
        MetricSpec("runs_done", "integer", "runs done", "Runs (view runs) at the pause step."),
        MetricSpec(
            "runs_agreement",
            "number",
            "agreement between runs",
            "View runs: mean correlation of all pairwise distances between every two runs "
            "(1 = the same layout up to rotation and scale).",
        ),
    ),
    counter="step",
    factory="pyplayground.ui.tsne:TSNEExplorer",
    default_height=600,
)
