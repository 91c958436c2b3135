"""What the t-SNE explorer embeds: a Distill dataset, the digits, or a network's hidden layer.

No Panel here: :func:`build_data` turns the explorer's settings (the ``tsne`` widget kind's
keys, :mod:`pyplayground.widgets.tsne`) into points, classes and colours, clamping every
value the chosen dataset cannot take and saying so in ``notes``.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from pyplayground.datasets import load_digits
from pyplayground.distill_data import BLUE, DISTILL_DATASETS, GREEN, ORANGE, make_distill_data
from pyplayground.features import feature_matrix

#: Categorical colours: Distill's three, then Tableau-10-like ones (digits, activations).
CLASS_COLORS: Final = (
    "#003399", "#ff9900", "#66aa33", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#17becf", "#bcbd22",
)  # fmt: skip
DIGITS_START: Final = 500
DIGITS_MAX: Final = 1797
MIN_POINTS: Final = 3  # fewer points cannot make a t-SNE layout worth the name
_SIZE_KEYS: Final = ("points_per_side", "points_per_cluster", "n_points", "dim", "scale")
_FIGURE_MAX: Final = {"points_per_cluster": 200}  # the article's figure 05 uses 200


@dataclass
class TSNEData:
    """Points to embed, with what the explorer shows about them.

    Attributes
    ----------
    X : ndarray of shape (n, d)
    labels : ndarray of shape (n,) or None
        Class of each point (None when the data has no classes).
    colors : list of str
        ``#rrggbb`` per point.
    title : str
        What the data is, for captions.
    description : str
    sizes : dict
        The data settings in use (after defaults and clamping), by generator keyword.
    notes : list of str
        One sentence per value that had to be changed.
    """

    X: np.ndarray
    labels: np.ndarray | None
    colors: list[str]
    title: str
    description: str = ""
    sizes: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def n_points(self) -> int:
        """Number of points."""
        return int(self.X.shape[0])


def css_to_hex(color: str) -> str:
    """``#039``, ``#003399``, ``rgb(r,g,b)`` or ``hsl(h,s%,l%)`` as ``#rrggbb``."""
    c = color.strip()
    if c.startswith("#"):
        h = c[1:]
        if len(h) == 3:
            h = "".join(ch * 2 for ch in h)
        return "#" + h.lower()
    nums = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", c)]
    if c.startswith("rgb") and len(nums) >= 3:
        r, g, b = (int(max(0, min(255, round(v)))) for v in nums[:3])
    elif c.startswith("hsl") and len(nums) >= 3:
        rf, gf, bf = colorsys.hls_to_rgb((nums[0] % 360) / 360, nums[2] / 100, nums[1] / 100)
        r, g, b = (round(v * 255) for v in (rf, gf, bf))
    else:
        raise ValueError(f"not a CSS colour this explorer knows: {color!r}")
    return f"#{r:02x}{g:02x}{b:02x}"


def slider_values(settings: Mapping[str, Any]) -> tuple[dict[str, float], list[str]]:
    """The data sliders of the chosen Distill dataset: setting, or start value for 0, clamped.

    Returns the values by generator keyword and one note per clamped value.
    """
    spec = DISTILL_DATASETS[settings["dataset"]]
    values: dict[str, float] = {}
    notes: list[str] = []
    for s in spec.sliders:
        raw = settings.get(s.param, 0) or s.start
        high = max(s.max, _FIGURE_MAX.get(s.param, s.max))
        value = min(max(raw, s.min), high)
        if value != raw:
            notes.append(
                f"{s.label} {raw:g} is outside {s.min}–{high} for {spec.label}; using {value:g}."
            )
        values[s.param] = int(value) if s.param != "scale" else float(value)
    key = spec.sliders[0].param
    first = values[key]
    while spec.n_samples(**{k: int(v) for k, v in values.items() if k != "scale"}) < MIN_POINTS:
        values[key] = int(values[key]) + 1
    if values[key] != first:
        label = spec.sliders[0].label
        notes.append(f"t-SNE needs at least {MIN_POINTS} points; using {label} {values[key]:g}.")
    return values, notes


def _distill(settings: Mapping[str, Any]) -> TSNEData:
    spec = DISTILL_DATASETS[settings["dataset"]]
    sizes, notes = slider_values(settings)
    rng = np.random.default_rng([int(settings["seed"]), 1])
    d = make_distill_data(spec.name, rng=rng, strict=False, **sizes)
    labels = d.labels if len(np.unique(d.labels)) > 1 else None
    if labels is not None:
        # Distill colours per class are BLUE/ORANGE/GREEN; keep the article's exact hues
        palette = {0: BLUE, 1: ORANGE, 2: GREEN}
        if spec.name in ("linked_rings", "unlinked_rings"):
            palette = {1: ORANGE, 0: BLUE}
        colors = [css_to_hex(palette[int(c)]) for c in labels]
    else:
        colors = [css_to_hex(c) for c in d.colors]
    return TSNEData(d.X, labels, colors, spec.label, spec.description, dict(sizes), notes)


def _digits(settings: Mapping[str, Any]) -> TSNEData:
    raw = int(settings.get("n_points", 0) or DIGITS_START)
    n = min(max(raw, 10), DIGITS_MAX)
    notes = [] if n == raw else [f"Digits: {raw} images asked, {n} used (10–{DIGITS_MAX})."]
    images, labels = load_digits()
    pick = np.sort(np.random.default_rng([int(settings["seed"]), 1]).permutation(DIGITS_MAX)[:n])
    y = labels[pick]
    return TSNEData(
        images[pick],
        y,
        [CLASS_COLORS[int(c)] for c in y],
        "8×8 digits",
        "Handwritten digits 0–9 as 64 pixel values; colour = the digit.",
        {"n_points": n},
        notes,
    )


def _activations(settings: Mapping[str, Any], peers: Mapping[str, Any]) -> TSNEData:
    source = str(settings.get("source") or "")
    pg, name, notes = _find_playground(source, peers)
    if pg is None:
        # nothing to read: a small placeholder keeps the explorer alive, the note says why
        rng = np.random.default_rng([int(settings["seed"]), 1])
        X = rng.standard_normal((30, 2))
        return TSNEData(X, None, [CLASS_COLORS[0]] * 30, "no playground", "", {}, notes)
    points = pg.points
    P = np.concatenate([points.train, points.test])
    y = np.concatenate([points.y_train, points.y_test])
    net = pg.network
    hidden = len(net.layers) - 1
    layer = int(settings.get("layer", 0) or hidden)
    if hidden == 0:
        notes.append(f"Playground {name!r} has no hidden layer; showing its input features.")
        X = feature_matrix(P, pg.state.features or ("x",))
        which = "input features"
    else:
        if layer > hidden:
            notes.append(f"Playground {name!r} has {hidden} hidden layer(s); using layer {hidden}.")
            layer = hidden
        X = net.activations(feature_matrix(P, pg.state.features or ("x",)))[layer - 1]
        which = f"hidden layer {layer} ({X.shape[1]} neurons)"
    if pg.problem == "regression":
        labels = None
        colors = [CLASS_COLORS[0]] * len(y)
    else:
        labels = (y > 0).astype(np.int64) if pg.problem == "classification" else y.astype(np.int64)
        classes = [CLASS_COLORS[1], CLASS_COLORS[0]] if pg.problem == "classification" else None
        colors = [(classes or CLASS_COLORS)[int(c) % 10] for c in labels]
    epoch = pg.last.epoch
    return TSNEData(
        np.asarray(X, dtype=np.float64),
        labels,
        colors,
        f"{which} of playground {name!r} at epoch {epoch}",
        "Each point is one of the playground's data points, placed by what the network "
        "computes for it; colour = its class.",
        {"layer": layer, "epoch": epoch},
        notes,
    )


def _find_playground(source: str, peers: Mapping[str, Any]) -> tuple[Any, str, list[str]]:
    """The headless playground of peer ``source`` (or the only playground on the page)."""
    playgrounds = {k: getattr(v, "pg", v) for k, v in peers.items() if _is_playground(v)}
    if source and source in playgrounds:
        return playgrounds[source], source, []
    if source:
        return None, source, [
            f"There is no playground {source!r} on this page (playgrounds: "
            f"{sorted(playgrounds) or 'none'})."
        ]  # fmt: skip
    if len(playgrounds) == 1:
        name = next(iter(playgrounds))
        return playgrounds[name], name, []
    return None, "", [
        "Dataset activations needs a playground on the page: set source to its id."
    ]  # fmt: skip


def _is_playground(obj: Any) -> bool:
    pg = getattr(obj, "pg", obj)
    return hasattr(pg, "network") and hasattr(pg, "points") and hasattr(pg, "state")


def build_data(settings: Mapping[str, Any], peers: Mapping[str, Any] | None = None) -> TSNEData:
    """The points the explorer embeds for ``settings`` (a full ``tsne`` state).

    Parameters
    ----------
    settings : mapping
        The widget's settings (see :data:`pyplayground.widgets.tsne.KIND`).
    peers : mapping, optional
        The page's other live parts by id (for ``dataset: activations``).

    Returns
    -------
    TSNEData
    """
    name = settings["dataset"]
    if name == "digits":
        return _digits(settings)
    if name == "activations":
        return _activations(settings, peers or {})
    return _distill(settings)


def data_key(settings: Mapping[str, Any]) -> tuple[Any, ...]:
    """What the data depends on (a change of anything else keeps the points)."""
    return (
        settings["dataset"],
        int(settings["seed"]),
        *(settings.get(k, 0) for k in _SIZE_KEYS),
        settings.get("source", ""),
        settings.get("layer", 0),
    )


__all__ = [
    "CLASS_COLORS",
    "DIGITS_MAX",
    "DIGITS_START",
    "MIN_POINTS",
    "TSNEData",
    "build_data",
    "css_to_hex",
    "data_key",
    "slider_values",
]
