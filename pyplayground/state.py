"""The playground's state: one immutable value, one set of names.

Every setting of the playground has exactly one external name, TF Playground's
URL hash key (``learningRate``, ``networkShape``, ``percTrainData`` ...).  The
same names are used in the page URL, in lesson files and in saved state, so a
TF Playground link opened here reproduces the same configuration.

Two ways in:

* :meth:`PlaygroundState.from_hash` / :meth:`from_dict` with ``strict=False``
  never fail: unknown keys are ignored, wrong types fall back to the default
  and out-of-range values are clamped; each fix is reported as a notice so the
  user can be told once.
* ``strict=True`` (lessons) raises :class:`StateError` naming the key, the bad
  value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Final
from urllib.parse import quote, unquote

from .datasets import DATASETS
from .engine import ACTIVATIONS, INITIALIZERS, OPTIMIZERS, REGULARIZERS
from .features import FEATURE_NAMES

LEARNING_RATES: Final = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES: Final = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
DROPOUT_RATES: Final = (0.0, 0.1, 0.2, 0.3, 0.5)
EPOCHS_PER_FRAME: Final = (1, 2, 5, 10, 20, 50, 100)
PALETTES: Final = ("default", "colorblind")
PROBLEMS: Final = ("classification", "regression", "multiclass")
MAX_HIDDEN_LAYERS: Final = 6
MAX_NEURONS: Final = 8
MAX_BATCH: Final = 30
MAX_NOISE: Final = 80
SEED_RE: Final = re.compile(r"^[A-Za-z0-9._-]{1,40}$")

#: Controls that can be hidden (``<name>_hide``) or locked (``<name>_lock``).
CONTROLS: Final = MappingProxyType(
    {
        "showTestData": "Show test data",
        "discretize": "Discretize output",
        "playButton": "Play button",
        "stepButton": "Step button",
        "resetButton": "Reset button",
        "learningRate": "Learning rate",
        "activation": "Activation",
        "regularization": "Regularization",
        "regularizationRate": "Regularization rate",
        "problem": "Problem type",
        "dataset": "Which dataset",
        "percTrainData": "Ratio train data",
        "noise": "Noise level",
        "batchSize": "Batch size",
        "numHiddenLayers": "# of hidden layers",
        "numNodes": "Neurons per layer",
        "regenerate": "Regenerate button",
        "features": "Input features",
        **{name: f"Feature {name}" for name in FEATURE_NAMES},
        "optimizer": "Optimizer",
        "dropout": "Dropout",
        "initializer": "Initializer",
        "epochsPerFrame": "Speed (epochs per frame)",
        "palette": "Colour palette",
        "editWeights": "Editing weights",
        "addPoints": "Adding points",
        "uploadCsv": "CSV upload",
        "export": "Export buttons",
    }
)

#: TF Playground keys that are accepted but have no effect here (as there).
IGNORED_KEYS: Final = frozenset({"cosX", "cosY", "collectStats", "tutorial"})


class StateError(ValueError):
    """A state value that is not allowed (strict parsing, e.g. in lessons)."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key


def _choices(key: str, values: tuple[Any, ...]) -> str:
    return f"'{key}' must be one of {list(values)}"


def _suggest(name: str, names: Any) -> str:
    close = difflib.get_close_matches(str(name), list(names), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """How one state field is named, parsed and bounded."""

    key: str
    attr: str
    kind: str  # "choice" | "number_choice" | "int" | "bool" | "shape" | "seed" | "names"
    choices: tuple[Any, ...] = ()
    low: float = 0
    high: float = 0
    step: int = 1
    label: str = ""


@dataclass(frozen=True, slots=True)
class PlaygroundState:
    """Everything that defines a playground configuration (see :data:`FIELDS`)."""

    activation: str = "tanh"
    regularization: str = "none"
    batch_size: int = 10
    dataset: str = "circle"
    reg_dataset: str = "reg-plane"
    learning_rate: float = 0.03
    regularization_rate: float = 0.0
    noise: int = 0
    network_shape: tuple[int, ...] = (4, 2)
    seed: str = "0.12345"
    show_test_data: bool = False
    discretize: bool = False
    perc_train_data: int = 50
    features: tuple[str, ...] = ("x", "y")
    problem: str = "classification"
    optimizer: str = "sgd"
    dropout: float = 0.0
    initializer: str = "playground"
    epochs_per_frame: int = 1
    palette: str = "default"
    hide_text: bool = False
    hidden: frozenset[str] = field(default_factory=frozenset)
    locked: frozenset[str] = field(default_factory=frozenset)

    # -------------------------------------------------------------- derived
    @property
    def active_dataset(self) -> str:
        """The dataset in use for the current problem type."""
        return self.reg_dataset if self.problem == "regression" else self.dataset

    @property
    def n_classes(self) -> int:
        """Number of classes of the active dataset (0 for regression)."""
        return DATASETS[self.active_dataset].n_classes

    def seed_int(self) -> int:
        """A 63-bit integer derived from the seed string (stable across platforms)."""
        digest = hashlib.sha256(self.seed.encode()).digest()
        return int.from_bytes(digest[:8], "little") >> 1

    def data_seed(self) -> list[int]:
        """Seed for data generation; independent of the weights' stream."""
        return [self.seed_int(), 0]

    def init_seed(self) -> list[int]:
        """Seed for initial weights: the same after every Reset (TF Playground issue #25)."""
        return [self.seed_int(), 1]

    def replace(self, **changes: Any) -> PlaygroundState:
        """Return a copy with attributes changed (attribute names, not URL keys)."""
        return dataclasses.replace(self, **changes)

    # ----------------------------------------------------------- external
    def to_dict(self) -> dict[str, Any]:
        """All settings under their URL keys (JSON-ready)."""
        out: dict[str, Any] = {}
        for spec in FIELDS.values():
            if spec.kind == "feature":
                out[spec.key] = spec.key in self.features
            else:
                value = getattr(self, spec.attr)
                out[spec.key] = list(value) if isinstance(value, tuple) else value
        out["hidden"] = sorted(self.hidden)
        out["locked"] = sorted(self.locked)
        return out

    def to_hash(self) -> str:
        """Serialise as TF Playground's hash: ``k=v&k=v…`` in its key order."""
        parts = []
        for spec in FIELDS.values():
            if spec.kind == "feature":
                value: Any = spec.key in self.features
            else:
                value = getattr(self, spec.attr)
            parts.append(f"{spec.key}={quote(_format(value), safe=',.-_')}")
        parts += [f"{name}_hide=true" for name in sorted(self.hidden)]
        parts += [f"{name}_lock=true" for name in sorted(self.locked)]
        return "&".join(parts)

    @classmethod
    def from_hash(
        cls, text: str, *, base: PlaygroundState | None = None
    ) -> tuple[PlaygroundState, list[str]]:
        """Parse a URL hash or query (``#a=1&b=2`` or ``?a=1``) leniently.

        Returns the state and a list of human-readable notices about ignored
        or corrected values.  Never raises for any input string.
        """
        text = text.lstrip("#?")
        raw: dict[str, str] = {}
        repeated: list[str] = []
        for part in text.split("&"):
            if not part:
                continue
            key, _, value = part.partition("=")
            key = unquote(key)[:100]
            if key in raw:
                repeated.append(f"{key}: given more than once; using the last value")
            raw[key] = unquote(value)[:1000]
        state, notices = cls.from_dict(raw, base=base, strict=False, from_url=True)
        return state, repeated + notices

    @classmethod
    def from_dict(
        cls,
        data: Mapping[str, Any],
        *,
        base: PlaygroundState | None = None,
        strict: bool = False,
        from_url: bool = False,
    ) -> tuple[PlaygroundState, list[str]]:
        """Build a state from URL keys over ``base`` (defaults if None).

        With ``strict=True`` the first problem raises :class:`StateError`;
        otherwise it becomes a notice and the value is corrected or ignored.
        """
        return _Parser(base or cls(), strict, from_url).parse(data)


def _format(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _field(key: str, attr: str, kind: str, label: str, **kw: Any) -> FieldSpec:
    return FieldSpec(key, attr, kind, label=label, **kw)


# TF Playground serialises xTimesY before the squares (state.ts key order)
_URL_FEATURE_ORDER = ("x", "y", "xTimesY", "xSquared", "ySquared", "sinX", "sinY")
assert set(_URL_FEATURE_ORDER) == set(FEATURE_NAMES)
_NUMBER_RE = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$")

_CLASSIFY = tuple(n for n, s in DATASETS.items() if s.problem != "regression")
_REGRESS = tuple(n for n, s in DATASETS.items() if s.problem == "regression")

#: Every field, in TF Playground's URL key order, then ours.
FIELDS: Final = MappingProxyType(
    {
        f.key: f
        for f in (
            _field("activation", "activation", "choice", "Activation", choices=tuple(ACTIVATIONS)),
            _field(
                "regularization",
                "regularization",
                "choice",
                "Regularization",
                choices=tuple(REGULARIZERS),
            ),
            _field("batchSize", "batch_size", "int", "Batch size", low=1, high=MAX_BATCH),
            _field("dataset", "dataset", "choice", "Dataset", choices=_CLASSIFY),
            _field("regDataset", "reg_dataset", "choice", "Regression dataset", choices=_REGRESS),
            _field(
                "learningRate",
                "learning_rate",
                "number_choice",
                "Learning rate",
                choices=LEARNING_RATES,
            ),
            _field(
                "regularizationRate",
                "regularization_rate",
                "number_choice",
                "Regularization rate",
                choices=REGULARIZATION_RATES,
            ),
            _field("noise", "noise", "int", "Noise", low=0, high=MAX_NOISE, step=5),
            _field("networkShape", "network_shape", "shape", "Hidden layers"),
            _field("seed", "seed", "seed", "Seed"),
            _field("showTestData", "show_test_data", "bool", "Show test data"),
            _field("discretize", "discretize", "bool", "Discretize output"),
            _field(
                "percTrainData",
                "perc_train_data",
                "int",
                "Training data %",
                low=10,
                high=90,
                step=10,
            ),
            *(
                _field(name, "features", "feature", f"Feature {name}")
                for name in _URL_FEATURE_ORDER
            ),
            _field("problem", "problem", "choice", "Problem type", choices=PROBLEMS),
            _field("optimizer", "optimizer", "choice", "Optimizer", choices=tuple(OPTIMIZERS)),
            _field("dropout", "dropout", "number_choice", "Dropout", choices=DROPOUT_RATES),
            _field(
                "initializer", "initializer", "choice", "Initializer", choices=tuple(INITIALIZERS)
            ),
            _field(
                "epochsPerFrame",
                "epochs_per_frame",
                "number_choice",
                "Epochs per frame",
                choices=EPOCHS_PER_FRAME,
            ),
            _field("palette", "palette", "choice", "Palette", choices=PALETTES),
            _field("hideText", "hide_text", "bool", "Hide text"),
        )
    }
)


class _Parser:
    """Applies URL-keyed values onto a base state (lenient or strict)."""

    def __init__(self, base: PlaygroundState, strict: bool, from_url: bool) -> None:
        self.base = base
        self.strict = strict
        self.from_url = from_url
        self.notices: list[str] = []

    def problem(self, key: str, message: str) -> None:
        if self.strict:
            raise StateError(key, message)
        self.notices.append(f"{key}: {message}")

    def parse(self, data: Mapping[str, Any]) -> tuple[PlaygroundState, list[str]]:
        changes: dict[str, Any] = {}
        features = set(self.base.features)
        hidden, locked = set(self.base.hidden), set(self.base.locked)
        for key, value in data.items():
            if not isinstance(key, str):
                self.problem(str(key)[:40], "setting names must be strings; ignored")
                continue
            if key in ("hidden", "locked") and not self.from_url:
                target = hidden if key == "hidden" else locked
                target |= self._controls(key, value)
            elif key.endswith(("_hide", "_lock")):
                name = key[:-5]
                if name not in CONTROLS:
                    self.problem(key, f"{name!r} is not a control{_suggest(name, CONTROLS)}")
                elif self._bool(key, value):
                    (hidden if key.endswith("_hide") else locked).add(name)
            elif key == "initZero":
                if self._bool(key, value):
                    changes["initializer"] = "zeros"
            elif key in IGNORED_KEYS:
                continue
            elif key not in FIELDS:
                self.problem(key, f"unknown setting ignored{_suggest(key, FIELDS)}")
            elif FIELDS[key].kind == "feature":
                if self._bool(key, value):
                    features.add(key)
                else:
                    features.discard(key)
            else:
                parsed = self._value(FIELDS[key], value)
                if parsed is not None:
                    changes[FIELDS[key].attr] = parsed
        changes["features"] = tuple(n for n in FEATURE_NAMES if n in features)
        changes["hidden"] = frozenset(hidden)
        changes["locked"] = frozenset(locked)
        state = dataclasses.replace(self.base, **changes)
        return self._consistent(state), self.notices

    def _controls(self, key: str, value: Any) -> set[str]:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v]
        if not isinstance(value, list | tuple | set | frozenset):
            self.problem(key, f"must be a list of control names. Got {value!r}")
            return set()
        out = set()
        for i, name in enumerate(value):
            if isinstance(name, str) and name in CONTROLS:
                out.add(name)
            else:
                self.problem(
                    f"{key}[{i}]", f"{name!r} is not a control{_suggest(str(name), CONTROLS)}"
                )
        return out

    def _bool(self, key: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and self.from_url:
            return value != "false"  # TF Playground: anything but "false" is true
        self.problem(key, f"must be true or false. Got {value!r}")
        return False

    def _value(self, spec: FieldSpec, value: Any) -> Any:
        kind, key = spec.kind, spec.key
        if kind == "bool":
            return self._bool(key, value)
        if kind == "choice":
            if value in spec.choices:
                return value
            self.problem(
                key, f"{value!r} is not allowed; {_choices(key, spec.choices)}"
                f"{_suggest(str(value), spec.choices)}",
            )  # fmt: skip
            return None
        if kind == "seed":
            text = str(value)
            if isinstance(value, bool) or not SEED_RE.match(text):
                self.problem(key, f"{value!r} is not a valid seed (1-40 letters, digits, . _ -)")
                return None
            return text
        if kind == "shape":
            return self._shape(key, value)
        number = self._number(key, value)
        if number is None:
            return None
        if kind == "number_choice":
            return self._snap(spec, number)
        return self._int_in_range(spec, number)

    def _number(self, key: str, value: Any) -> float | None:
        if isinstance(value, bool):
            self.problem(key, f"must be a number. Got {value!r}")
            return None
        if isinstance(value, str) and not _NUMBER_RE.match(value):
            self.problem(key, f"must be a number. Got {value[:40]!r}")
            return None
        try:
            number = float(value)
        except (TypeError, ValueError, OverflowError):
            self.problem(key, f"must be a number. Got {value!r}")
            return None
        if not math.isfinite(number):
            self.problem(key, f"must be a finite number. Got {value!r}")
            return None
        return number

    def _snap(self, spec: FieldSpec, number: float) -> Any:
        if number in spec.choices:
            return type(spec.choices[-1])(number)
        nearest = min(spec.choices, key=lambda c: abs(math.log1p(c) - math.log1p(max(number, 0))))
        self.problem(spec.key, f"{number:g} is not one of {list(spec.choices)}; using {nearest:g}")
        return nearest

    def _int_in_range(self, spec: FieldSpec, number: float) -> int:
        key = spec.key
        if key == "noise" and self.from_url and number > spec.high:
            fixed = 50  # TF Playground forces a noise above 80 to 50
        else:
            fixed = min(max(round(number), int(spec.low)), int(spec.high))
        if fixed != number:
            self.problem(
                key, f"{number:g} is outside [{spec.low:g}, {spec.high:g}] or not whole; "
                f"using {fixed}",
            )  # fmt: skip
        return fixed

    def _shape(self, key: str, value: Any) -> tuple[int, ...] | None:
        if isinstance(value, str):
            items: list[Any] = [v for v in value.split(",") if v.strip() != ""]
        elif isinstance(value, list | tuple):
            items = list(value)
        else:
            self.problem(key, f"must be a list of layer sizes. Got {value!r}")
            return None
        sizes = []
        for item in items:
            n = self._number(key, item)
            if n is None:
                return None
            sizes.append(n)
        fixed = [min(max(round(n), 1), MAX_NEURONS) for n in sizes][:MAX_HIDDEN_LAYERS]
        if fixed != sizes:
            self.problem(
                key,
                f"{','.join(f'{n:g}' for n in sizes)[:60]} is outside the limits "
                f"(0-{MAX_HIDDEN_LAYERS} "
                f"layers of 1-{MAX_NEURONS} neurons); using {_format(tuple(fixed))}",
            )
        return tuple(fixed)

    def _consistent(self, state: PlaygroundState) -> PlaygroundState:
        spec = DATASETS[state.dataset]
        if state.problem == "multiclass" and spec.problem != "multiclass":
            default = next(n for n, s in DATASETS.items() if s.problem == "multiclass")
            self.problem(
                "dataset", f"{state.dataset!r} is not a multiclass dataset; using {default!r}"
            )
            state = dataclasses.replace(state, dataset=default)
        elif state.problem == "classification" and spec.problem != "classification":
            self.problem("dataset", f"{state.dataset!r} is a multiclass dataset; using 'circle'")
            state = dataclasses.replace(state, dataset="circle")
        return state


__all__ = [
    "CONTROLS",
    "DROPOUT_RATES",
    "EPOCHS_PER_FRAME",
    "FIELDS",
    "LEARNING_RATES",
    "PALETTES",
    "PROBLEMS",
    "REGULARIZATION_RATES",
    "FieldSpec",
    "PlaygroundState",
    "StateError",
]
