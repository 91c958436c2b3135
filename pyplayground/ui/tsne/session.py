"""The t-SNE explorer without a UI: settings → data → one or five running optimisations.

:class:`TSNESession` is what :class:`~pyplayground.ui.tsne.app.TSNEExplorer` draws and what
the tests drive.  It uses Distill's tsnejs schedule (early exaggeration 4 for 100 steps,
learning rate = epsilon, random initial layout of scale 1e-4) on our NumPy t-SNE.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, Final

import numpy as np

from pyplayground.tsne import TSNE, TSNEStepper, _pca
from pyplayground.widgets.tsne import AUTO_EXACT_MAX, KIND, N_RUNS

from . import metrics as M
from .data import TSNEData, build_data, data_key

EXAGGERATION: Final = 4.0  # tsnejs
EXAGGERATION_STEPS: Final = 100
_EXPENSIVE_EVERY: Final = 25  # steps between re-computing the neighbour metrics while playing
_EXPENSIVE_EVERY_S: Final = 0.4  # ... and seconds
SAMPLE_MAX: Final = 600  # above this many points, neighbour metrics use a fixed sample


class TSNESession:
    """Data and running t-SNE optimisations for one settings dict.

    Parameters
    ----------
    settings : mapping, optional
        A full ``tsne`` state (``KIND.state(...)``); None = the defaults.
    peers : mapping, optional
        The page's other live parts by id (``dataset: activations`` reads a playground).
    """

    def __init__(
        self, settings: Mapping[str, Any] | None = None, peers: Mapping[str, Any] | None = None
    ) -> None:
        self.peers = dict(peers or {})
        self.settings: dict[str, Any] = KIND.state(dict(settings or {}))
        self._key: tuple[Any, ...] | None = None
        self.data: TSNEData
        self.steppers: list[TSNEStepper] = []
        self.step = 0
        self.kl: float | None = None
        self.error: str | None = None
        self._cache: dict[str, Any] = {}
        self._limit_lifted = False
        self.restart()

    # ------------------------------------------------------------ settings
    @property
    def n_points(self) -> int:
        """Points being embedded."""
        return self.data.n_points

    @property
    def perplexity_used(self) -> float:
        """The perplexity in use: the setting, clamped below the number of points."""
        return float(min(float(self.settings["perplexity"]), self.n_points - 1))

    @property
    def perplexity_clamped(self) -> bool:
        """Whether the perplexity setting was at or above the number of points."""
        return float(self.settings["perplexity"]) > self.perplexity_used

    @property
    def method_used(self) -> str:
        """``exact`` or ``fft`` (``auto`` resolved)."""
        method = self.settings["method"]
        if method == "auto":
            return "exact" if self.n_points <= AUTO_EXACT_MAX else "fft"
        return str(method)

    @property
    def n_runs(self) -> int:
        """Optimisations running side by side (5 in the ``runs`` view)."""
        return N_RUNS if self.settings["view"] == "runs" else 1

    def notes(self) -> list[str]:
        """Everything the learner should know about the values in use."""
        out = list(self.data.notes)
        if self.perplexity_clamped:
            out.append(
                f"Perplexity {self.settings['perplexity']:g} is not below the number of "
                f"points ({self.n_points}); using {self.perplexity_used:g}. A perplexity "
                f"must be smaller than the number of points."
            )
        if self.error:
            out.append(self.error)
        return out

    def configure(self, settings: Mapping[str, Any]) -> None:
        """Switch to a full settings dict and restart (new data only if it depends on them)."""
        self.settings = KIND.state(dict(settings))
        self.restart()

    def restart(self, *, new_data: bool = False) -> None:
        """Start the optimisation(s) again from step 0 (data rebuilt when settings changed).

        ``new_data`` rebuilds the data even if its settings did not change (a playground's
        activations after more training).
        """
        key = data_key(self.settings)
        if new_data or key != self._key or self.settings["dataset"] == "activations":
            self.data = build_data(self.settings, self.peers)
            self._key = key
            self._cache = {}
        self.error = None
        self._limit_lifted = False
        self.steppers = []
        for run in range(self.n_runs):
            self.steppers.append(self._start(run))
        self.step = 0
        self.kl = None
        self._cache.pop("metrics", None)

    def _start(self, run: int) -> TSNEStepper:
        seed = int(self.settings["seed"])
        tsne = TSNE(
            perplexity=self.perplexity_used,
            early_exaggeration=EXAGGERATION,
            n_iter_early_exag=EXAGGERATION_STEPS,
            learning_rate=float(self.settings["epsilon"]),
            method=self.method_used,
            init="random",
            random_state=np.random.default_rng([seed, 2, run]),
        )
        if run > 0 and self.steppers:
            # the affinities do not depend on the seed: share the first run's
            first = self.steppers[0]
            Y0 = 1e-4 * np.random.default_rng([seed, 2, run]).standard_normal((self.n_points, 2))
            return TSNEStepper(
                Y0,
                first.method,
                first.affinities,
                learning_rate=first.learning_rate,
                early_exaggeration=first.early_exaggeration,
                n_iter_early_exag=first.n_iter_early_exag,
            )
        return tsne.start(self.data.X)

    # ------------------------------------------------------------ stepping
    @property
    def limit(self) -> int:
        """The auto-pause step, or 0 (none, or already passed once by the learner)."""
        return 0 if self._limit_lifted else int(self.settings["pause_at"])

    @property
    def paused_at_limit(self) -> bool:
        """True once the auto-pause step is reached (until the learner plays on)."""
        return self.limit > 0 and self.step >= self.limit

    def lift_limit_if_reached(self) -> None:
        """The learner plays on after the auto-pause: no limit until the next restart."""
        if self.paused_at_limit:
            self._limit_lifted = True

    def advance(self, k: int = 1, *, compute_kl: bool = False) -> int:
        """Run ``k`` steps of every run (fewer at the auto-pause step); returns steps done."""
        if self.limit > 0:
            k = min(k, self.limit - self.step)
        if k <= 0 or self.error:
            return 0
        try:
            for i, stepper in enumerate(self.steppers):
                result = stepper.step(k, compute_kl=compute_kl and i == 0)
                if i == 0 and compute_kl:
                    self.kl = float(result.kl_divergence)
        except FloatingPointError as exc:
            self.error = f"The optimisation diverged ({exc}); restart or lower epsilon."
            return 0
        self.step += k
        return k

    def embedding(self, run: int = 0) -> np.ndarray:
        """The current layout of run ``run``, shape (n, 2)."""
        return self.steppers[run].embedding

    # ------------------------------------------------------------ the other views
    def pca(self) -> np.ndarray:
        """The data's first two principal components, shape (n, 2)."""
        if "pca" not in self._cache:
            X = self.data.X
            if X.shape[1] == 1:
                self._cache["pca"] = np.column_stack([X[:, 0] - X[:, 0].mean(), np.zeros(len(X))])
            else:
                rng = np.random.default_rng([int(self.settings["seed"]), 3])
                self._cache["pca"] = _pca(X, 2, rng)
        return self._cache["pca"]

    def original(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
        """The original data as drawn: x, y, point size (depth for 3-D) and a caption.

        1-D data lies on a line, 2-D is drawn as is, 3-D as x-y with nearer points (larger
        z) bigger and drawn last (Distill's depth cue), higher dimensions as their PCA.
        """
        X = self.data.X
        d = X.shape[1]
        size = np.full(len(X), 7.0)
        if d == 1:
            return X[:, 0], np.zeros(len(X)), size, "original data (1-D)"
        if d == 2:
            return X[:, 0], X[:, 1], size, "original data (2-D)"
        if d == 3:
            z = X[:, 2]
            span = float(z.max() - z.min())
            size = 4.0 + 14.0 * ((z - z.min()) / span if span > 0 else 0.5)
            return X[:, 0], X[:, 1], size, "original data (3-D; bigger = nearer)"
        P = self.pca()
        return P[:, 0], P[:, 1], size, f"PCA of the original {d}-D data"

    def draw_order(self) -> np.ndarray:
        """Indices of the points, far ones first (3-D data); identity otherwise."""
        X = self.data.X
        if X.shape[1] == 3:
            return np.argsort(X[:, 2], kind="stable")
        return np.arange(len(X))

    # ------------------------------------------------------------ metrics
    def sample(self) -> np.ndarray | None:
        """The points whose neighbours the metrics look at: all (None) or a fixed sample."""
        if self.n_points <= SAMPLE_MAX:
            return None
        if "sample" not in self._cache:
            rng = np.random.default_rng([int(self.settings["seed"]), 4])
            self._cache["sample"] = np.sort(rng.choice(self.n_points, SAMPLE_MAX, replace=False))
        return self._cache["sample"]

    def _ranks(self) -> np.ndarray | None:
        if "ranks" not in self._cache:
            self._cache["ranks"] = M.data_ranks(self.data.X)
        return self._cache["ranks"]

    def metrics(self, *, fresh: bool = True) -> dict[str, Any]:
        """The kind's metrics from the current embedding(s).

        ``fresh=False`` (animation frames) re-uses the values computed less than 25 steps
        or 0.4 s ago instead of recomputing them every frame (step and KL are current).
        Above 600 points the neighbour metrics (class agreement, trustworthiness, clumps,
        agreement of runs) are computed on a fixed random sample of 600 points.
        """
        cached = self._cache.get("metrics")
        if cached is not None and (
            cached["step"] == self.step
            or (
                not fresh
                and (
                    self.step - cached["step"] < _EXPENSIVE_EVERY
                    or time.monotonic() - self._cache["metrics_at"] < _EXPENSIVE_EVERY_S
                )
            )
        ):
            return {**cached, "step": self.step, "kl": self.kl}
        Y = self.embedding(0)
        labels = self.data.labels
        rows = self.sample()
        nbrs = M.knn(Y, rows=rows)
        Ys = Y if rows is None else Y[rows]
        pause_at = int(self.settings["pause_at"])
        reached = pause_at > 0 and self.step >= pause_at
        n_runs_done = self.n_runs if self.settings["view"] == "runs" and reached else 0
        out = {
            "step": self.step,
            "kl": self.kl,
            "n_points": self.n_points,
            "perplexity_used": self.perplexity_used,
            "perplexity_clamped": self.perplexity_clamped,
            "knn_agreement": M.knn_agreement(nbrs, labels, rows),
            "trustworthiness": M.trustworthiness(nbrs, self._ranks(), rows),
            "cluster_size_ratio": M.size_ratio(Y, labels),
            "data_size_ratio": self._data_metric("data_size_ratio", M.size_ratio),
            "distance_ratio": M.distance_ratio(Y, labels),
            "separation": M.separation(Y, labels),
            "clumps": M.clumps(Ys),
            "elongation": M.elongation(Y, labels),
            "runs_done": n_runs_done,
            "runs_agreement": self._runs_agreement(),
        }
        self._cache["metrics"] = out
        self._cache["metrics_at"] = time.monotonic()
        return dict(out)

    def _runs_agreement(self) -> float | None:
        if self.n_runs < 2:
            return None
        rows = self.sample()
        layouts = [self.embedding(r) for r in range(self.n_runs)]
        return M.runs_agreement([Y if rows is None else Y[rows] for Y in layouts])

    def _data_metric(self, name: str, fn: Any) -> Any:
        key = "data:" + name
        if key not in self._cache:
            self._cache[key] = fn(self.data.X, self.data.labels)
        return self._cache[key]


__all__ = ["EXAGGERATION", "EXAGGERATION_STEPS", "SAMPLE_MAX", "TSNESession"]
