"""Tests for the playground state: defaults, URL hash (TF Playground keys), strict parsing."""

from __future__ import annotations

import hashlib
import math
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyplayground.datasets import DATASETS
from pyplayground.features import FEATURE_NAMES
from pyplayground.state import (
    CONTROLS,
    FIELDS,
    MAX_HIDDEN_LAYERS,
    MAX_NEURONS,
    SEED_RE,
    PlaygroundState,
    StateError,
)

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TF_URL = (
    "#activation=relu&batchSize=10&dataset=spiral&regDataset=reg-plane&learningRate=0.03"
    "&regularizationRate=0&noise=0&networkShape=4,2&seed=0.32165&showTestData=false"
    "&discretize=false&percTrainData=50&x=true&y=true&xTimesY=false&xSquared=false"
    "&ySquared=false&cosX=false&sinX=true&cosY=false&sinY=true&collectStats=false"
    "&problem=classification&initZero=false&hideText=false&playButton_hide=true"
)

#: TF Playground's serialisation order (state.ts), reference §1.7.
TF_KEY_ORDER = [
    "activation", "regularization", "batchSize", "dataset", "regDataset", "learningRate",
    "regularizationRate", "noise", "networkShape", "seed", "showTestData", "discretize",
    "percTrainData", "x", "y", "xTimesY", "xSquared", "ySquared", "cosX", "sinX", "cosY", "sinY",
    "collectStats", "tutorial", "problem", "initZero", "hideText",
]  # fmt: skip


def _datasets(problem: str) -> list[str]:
    return [n for n, s in DATASETS.items() if s.problem == problem]


def assert_valid(s: PlaygroundState) -> None:
    """Every field of ``s`` is inside what FIELDS allows, and the state is consistent."""
    assert isinstance(s, PlaygroundState)
    for spec in FIELDS.values():
        if spec.kind == "feature":
            continue
        value = getattr(s, spec.attr)
        if spec.kind in ("choice", "number_choice"):
            assert value in spec.choices, (spec.key, value)
        elif spec.kind == "int":
            assert isinstance(value, int) and not isinstance(value, bool), (spec.key, value)
            assert spec.low <= value <= spec.high, (spec.key, value)
        elif spec.kind == "bool":
            assert isinstance(value, bool), (spec.key, value)
        elif spec.kind == "shape":
            assert isinstance(value, tuple) and len(value) <= MAX_HIDDEN_LAYERS, value
            assert all(isinstance(n, int) and 1 <= n <= MAX_NEURONS for n in value), value
        elif spec.kind == "seed":
            assert isinstance(value, str) and SEED_RE.match(value), value
    assert s.features == tuple(n for n in FEATURE_NAMES if n in s.features)
    assert s.hidden <= set(CONTROLS) and s.locked <= set(CONTROLS)
    ds_problem = DATASETS[s.dataset].problem
    if s.problem == "multiclass":
        assert ds_problem == "multiclass"
    elif s.problem == "classification":
        assert ds_problem == "classification"
    assert DATASETS[s.reg_dataset].problem == "regression"
    for v in (s.learning_rate, s.regularization_rate, s.dropout):
        assert math.isfinite(v)


# ------------------------------------------------------------------ defaults


def test_defaults_are_tf_playgrounds():
    s = PlaygroundState()
    assert s.activation == "tanh"
    assert s.learning_rate == 0.03
    assert s.regularization == "none"
    assert s.regularization_rate == 0
    assert s.batch_size == 10
    assert s.noise == 0
    assert s.perc_train_data == 50
    assert s.network_shape == (4, 2)
    assert s.features == ("x", "y")
    assert s.problem == "classification"
    assert s.dataset == "circle"
    assert s.reg_dataset == "reg-plane"
    assert s.show_test_data is False and s.discretize is False
    assert s.hide_text is False
    assert s.hidden == frozenset() and s.locked == frozenset()
    assert s.active_dataset == "circle" and s.n_classes == 2
    assert_valid(s)


def test_empty_hash_gives_defaults_without_notices():
    for text in ("", "#", "?", "#&&", "&"):
        assert PlaygroundState.from_hash(text) == (PlaygroundState(), [])


def test_default_round_trip_and_hash_shape():
    s = PlaygroundState()
    h = s.to_hash()
    assert not h.startswith("#")
    assert "learningRate=0.03" in h and "networkShape=4,2" in h and "x=true" in h
    assert PlaygroundState.from_hash("#" + h) == (s, [])
    assert PlaygroundState.from_hash("?" + h) == (s, [])


def test_to_hash_uses_tf_key_order():
    """The docstring promises TF Playground's key order for the keys TF knows."""
    keys = [part.split("=")[0] for part in PlaygroundState().to_hash().split("&")]
    tf_keys = [k for k in keys if k in TF_KEY_ORDER]
    assert tf_keys == sorted(tf_keys, key=TF_KEY_ORDER.index)


def test_to_dict_uses_url_keys_and_is_json_ready():
    import json

    d = PlaygroundState(hidden=frozenset({"noise", "playButton"})).to_dict()
    assert set(FIELDS) <= set(d)
    assert d["networkShape"] == [4, 2] and d["x"] is True and d["xSquared"] is False
    assert d["hidden"] == ["noise", "playButton"] and d["locked"] == []
    assert json.loads(json.dumps(d)) == d


# ------------------------------------------------------------ round trips


def _value_strategy(spec):
    if spec.kind in ("choice", "number_choice"):
        return st.sampled_from(spec.choices)
    if spec.kind == "int":
        return st.integers(int(spec.low), int(spec.high))
    if spec.kind == "bool":
        return st.booleans()
    if spec.kind == "shape":
        return st.lists(st.integers(1, MAX_NEURONS), max_size=MAX_HIDDEN_LAYERS).map(tuple)
    if spec.kind == "seed":
        return st.from_regex(SEED_RE, fullmatch=True)
    raise AssertionError(spec.kind)


@st.composite
def valid_states(draw) -> PlaygroundState:
    kwargs = {}
    for spec in FIELDS.values():
        if spec.kind == "feature" or spec.attr in ("dataset", "problem"):
            continue
        kwargs[spec.attr] = draw(_value_strategy(spec))
    problem = draw(st.sampled_from(FIELDS["problem"].choices))
    pool = _datasets(problem) if problem != "regression" else list(FIELDS["dataset"].choices)
    kwargs["problem"] = problem
    kwargs["dataset"] = draw(st.sampled_from(pool))
    kwargs["features"] = tuple(
        n for n in FEATURE_NAMES if n in draw(st.sets(st.sampled_from(FEATURE_NAMES)))
    )
    kwargs["hidden"] = frozenset(draw(st.sets(st.sampled_from(sorted(CONTROLS)))))
    kwargs["locked"] = frozenset(draw(st.sets(st.sampled_from(sorted(CONTROLS)))))
    return PlaygroundState(**kwargs)


@FAST
@given(valid_states())
def test_hash_round_trip(s):
    assert_valid(s)
    back, notices = PlaygroundState.from_hash(s.to_hash())
    assert notices == []
    assert back == s
    assert back.to_hash() == s.to_hash()


@FAST
@given(valid_states())
def test_hash_round_trip_over_a_different_base(s):
    """A full hash fully determines the state, whatever the base."""
    base = PlaygroundState(activation="relu", network_shape=(8,), features=("sinX",))
    base = base.replace(hidden=frozenset(), locked=frozenset())
    back, notices = PlaygroundState.from_hash("#" + s.to_hash(), base=base)
    assert notices == [] and back == s


@FAST
@given(valid_states())
def test_dict_round_trip_strict(s):
    back, notices = PlaygroundState.from_dict(s.to_dict(), strict=True)
    assert notices == [] and back == s
    lenient, notices = PlaygroundState.from_dict(s.to_dict())
    assert notices == [] and lenient == s


def test_from_hash_keeps_base_for_missing_keys():
    base = PlaygroundState(activation="relu", network_shape=(3,), seed="abc")
    s, notices = PlaygroundState.from_hash("learningRate=0.1", base=base)
    assert notices == []
    assert s == base.replace(learning_rate=0.1)


# -------------------------------------------------------- TF Playground URL


def test_real_tf_playground_url_reproduces_configuration():
    s, notices = PlaygroundState.from_hash(TF_URL)
    assert notices == []
    assert s == PlaygroundState(
        activation="relu",
        dataset="spiral",
        seed="0.32165",
        features=("x", "y", "sinX", "sinY"),
        hidden=frozenset({"playButton"}),
    )
    assert s.initializer == "playground"  # initZero=false keeps the default init


def test_tf_url_without_regularization_key_means_none():
    """TF omits null-valued keys such as regularization=None when serialising."""
    s, notices = PlaygroundState.from_hash(TF_URL.replace("&regularizationRate=0", ""))
    assert notices == [] and s.regularization == "none" and s.regularization_rate == 0


def test_tf_boolean_rule_anything_but_false_is_true():
    s, notices = PlaygroundState.from_hash("showTestData=1&discretize=&x=false&xSquared=yes")
    assert notices == []
    assert s.show_test_data is True and s.discretize is True
    assert s.features == ("y", "xSquared")


def test_init_zero_and_ignored_tf_keys():
    s, notices = PlaygroundState.from_hash("initZero=true&cosX=true&cosY=true&collectStats=true")
    assert notices == [] and s.initializer == "zeros"
    s, notices = PlaygroundState.from_hash("tutorial=anything")
    assert notices == [] and s == PlaygroundState()


def test_hide_and_lock_keys():
    s, notices = PlaygroundState.from_hash(
        "playButton_hide=true&noise_hide=false&xSquared_hide=true&learningRate_lock=true"
    )
    assert notices == []
    assert s.hidden == {"playButton", "xSquared"} and s.locked == {"learningRate"}


def test_hide_unknown_control_is_a_notice_with_suggestion():
    s, notices = PlaygroundState.from_hash("playButon_hide=true")
    assert s.hidden == frozenset()
    assert len(notices) == 1 and "playButon_hide" in notices[0] and "playButton" in notices[0]


def test_problem_regression_url_selects_reg_dataset():
    s, notices = PlaygroundState.from_hash("problem=regression&regDataset=reg-gauss")
    assert notices == [] and s.active_dataset == "reg-gauss" and s.n_classes == 0


# ----------------------------------------------------- hostile / malformed


HUNDRED_LAYERS = ",".join(["8"] * 100)


@pytest.mark.parametrize(
    ("text", "attr", "expected", "key"),
    [
        ("batchSize=abc", "batch_size", 10, "batchSize"),
        ("batchSize=", "batch_size", 10, "batchSize"),
        ("batchSize=100000", "batch_size", 30, "batchSize"),
        ("batchSize=0", "batch_size", 1, "batchSize"),
        ("batchSize=-3", "batch_size", 1, "batchSize"),
        ("batchSize=10.4", "batch_size", 10, "batchSize"),
        ("batchSize=1e400", "batch_size", 10, "batchSize"),
        ("batchSize=NaN", "batch_size", 10, "batchSize"),
        ("networkShape=" + HUNDRED_LAYERS, "network_shape", (8,) * 6, "networkShape"),
        ("networkShape=4,0,99", "network_shape", (4, 1, 8), "networkShape"),
        ("networkShape=-2", "network_shape", (1,), "networkShape"),
        ("networkShape=a,b", "network_shape", (4, 2), "networkShape"),
        ("networkShape=4,inf", "network_shape", (4, 2), "networkShape"),
        ("networkShape=2.6", "network_shape", (3,), "networkShape"),
        ("noise=-5", "noise", 0, "noise"),
        ("noise=90", "noise", 50, "noise"),  # TF: > 80 is forced to 50
        ("noise=1000000", "noise", 50, "noise"),
        ("noise=nan", "noise", 0, "noise"),
        ("noise=inf", "noise", 0, "noise"),
        ("percTrainData=0", "perc_train_data", 10, "percTrainData"),
        ("percTrainData=100", "perc_train_data", 90, "percTrainData"),
        ("learningRate=NaN", "learning_rate", 0.03, "learningRate"),
        ("learningRate=Infinity", "learning_rate", 0.03, "learningRate"),
        ("learningRate=-inf", "learning_rate", 0.03, "learningRate"),
        ("learningRate=0.05", "learning_rate", 0.03, "learningRate"),
        ("learningRate=1000", "learning_rate", 10.0, "learningRate"),
        ("learningRate=-1", "learning_rate", 0.00001, "learningRate"),
        ("regularizationRate=-1", "regularization_rate", 0.0, "regularizationRate"),
        ("epochsPerFrame=3", "epochs_per_frame", 2, "epochsPerFrame"),
        ("dropout=0.9", "dropout", 0.5, "dropout"),
        ("activation=softmax", "activation", "tanh", "activation"),
        ("activation=RELU", "activation", "tanh", "activation"),
        ("regularization=L3", "regularization", "none", "regularization"),
        ("dataset=moons", "dataset", "circle", "dataset"),
        ("regDataset=circle", "reg_dataset", "reg-plane", "regDataset"),
        ("problem=clustering", "problem", "classification", "problem"),
        ("seed=", "seed", "0.12345", "seed"),
        ("seed=%3Cscript%3E", "seed", "0.12345", "seed"),
        ("seed=" + "1" * 41, "seed", "0.12345", "seed"),
        ("seed=a%20b", "seed", "0.12345", "seed"),
        ("seed=%00", "seed", "0.12345", "seed"),
    ],
)
def test_bad_values_are_fixed_with_one_notice(text, attr, expected, key):
    s, notices = PlaygroundState.from_hash("#" + text)
    assert getattr(s, attr) == expected
    assert len(notices) == 1, notices
    assert notices[0].startswith(key), notices
    assert_valid(s)
    # nothing else changed
    assert s == PlaygroundState().replace(**{attr: expected})


@pytest.mark.parametrize(
    ("text", "attr", "expected"),
    [
        ("networkShape=", "network_shape", ()),  # 0 hidden layers is valid
        ("networkShape=8,8,8,8,8,8", "network_shape", (8,) * 6),
        ("networkShape=1", "network_shape", (1,)),
        ("noise=65", "noise", 65),  # TF raises the slider max for 50 < noise <= 80
        ("noise=80", "noise", 80),
        ("batchSize=30", "batch_size", 30),
        ("batchSize=1", "batch_size", 1),
        ("learningRate=1e-05", "learning_rate", 0.00001),
        ("learningRate=0.00001", "learning_rate", 0.00001),
        ("learningRate=10", "learning_rate", 10.0),
        ("regularizationRate=0.003", "regularization_rate", 0.003),
        ("seed=abc_DEF-1.2", "seed", "abc_DEF-1.2"),
    ],
)
def test_edge_values_are_accepted_silently(text, attr, expected):
    s, notices = PlaygroundState.from_hash(text)
    assert notices == [] and getattr(s, attr) == expected
    assert PlaygroundState.from_hash(s.to_hash()) == (s, [])


def test_unknown_keys_each_give_a_notice_with_suggestion():
    s, notices = PlaygroundState.from_hash("datset=xor&foo=1&learningrate=0.1")
    assert s == PlaygroundState()
    assert len(notices) == 3
    assert "datset" in notices[0] and "'dataset'" in notices[0]
    assert notices[1].startswith("foo")
    assert "'learningRate'" in notices[2]


def test_percent_garbage_never_raises():
    s, notices = PlaygroundState.from_hash("%zz=%%&dataset=%E2%82&%=&&=&seed=%00&%GG%=1")
    assert_valid(s)
    assert s == PlaygroundState()
    assert len(notices) == 6  # %zz, dataset, %, '', seed, %GG%


def test_percent_encoded_valid_values_are_decoded():
    s, notices = PlaygroundState.from_hash("networkShape=3%2C5&dataset=%73piral")
    assert notices == [] and s.network_shape == (3, 5) and s.dataset == "spiral"


def test_repeated_keys_last_wins_like_tf():
    s, _ = PlaygroundState.from_hash("dataset=xor&dataset=spiral&noise=90&noise=10")
    assert s.dataset == "spiral" and s.noise == 10


def test_repeated_keys_give_a_notice():
    """A conflicting repeated key silently drops a value; the user should be told."""
    s, notices = PlaygroundState.from_hash("dataset=xor&dataset=spiral")
    assert s.dataset == "spiral"
    assert any("dataset" in n for n in notices), notices


def test_many_problems_give_one_notice_each():
    text = "foo=1&batchSize=x&noise=-5&networkShape=" + HUNDRED_LAYERS + "&seed=&bar_hide=true"
    s, notices = PlaygroundState.from_hash(text)
    assert len(notices) == 6
    assert [n.split(":")[0] for n in notices] == [
        "foo", "batchSize", "noise", "networkShape", "seed", "bar_hide",
    ]  # fmt: skip
    assert_valid(s)


def test_long_keys_and_values_are_truncated_not_fatal():
    s, notices = PlaygroundState.from_hash("k" * 10_000 + "=" + "v" * 100_000)
    assert s == PlaygroundState() and len(notices) == 1 and len(notices[0]) < 1000
    s, notices = PlaygroundState.from_hash("networkShape=" + ",".join(["3"] * 50_000))
    assert s.network_shape == (3,) * 6 and len(notices) == 1 and len(notices[0]) < 1000


URL_ALPHABET = st.characters(codec="utf-8") | st.sampled_from("%&=#?,.-_+ 0123456789abcdefE")


@FAST
@given(st.text(alphabet=URL_ALPHABET, max_size=300))
def test_fuzz_arbitrary_text_never_raises(text):
    s, notices = PlaygroundState.from_hash(text)
    assert_valid(s)
    assert all(isinstance(n, str) for n in notices)


KNOWN_KEYS = [*FIELDS, "initZero", "cosX", "collectStats", "tutorial", "hidden", "locked",
              *(f"{c}_hide" for c in CONTROLS), *(f"{c}_lock" for c in CONTROLS)]  # fmt: skip


@FAST
@given(st.dictionaries(st.sampled_from(KNOWN_KEYS), st.text(alphabet=URL_ALPHABET, max_size=40)))
def test_fuzz_known_keys_with_arbitrary_strings(data):
    text = "&".join(f"{quote(k)}={quote(v)}" for k, v in data.items())
    s, _ = PlaygroundState.from_hash(text)
    assert_valid(s)
    # raw (undecoded) values through from_dict as the URL parser would see them
    s2, _ = PlaygroundState.from_dict(data, from_url=True)
    assert_valid(s2)
    # anything valid survives a round trip silently
    assert PlaygroundState.from_hash(s.to_hash()) == (s, [])


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
JSON_VALUES = JSON_SCALARS | st.lists(JSON_SCALARS, max_size=8)


@FAST
@given(st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=10), JSON_VALUES))
def test_fuzz_from_dict_lenient_never_raises(data):
    s, notices = PlaygroundState.from_dict(data)
    assert_valid(s)
    assert all(isinstance(n, str) for n in notices)


@FAST
@given(st.dictionaries(st.sampled_from(KNOWN_KEYS), JSON_VALUES, min_size=1))
def test_fuzz_from_dict_strict_raises_only_state_error(data):
    try:
        s, notices = PlaygroundState.from_dict(data, strict=True)
    except StateError as e:
        assert e.key and str(e).startswith(e.key)
    else:
        assert notices == []
        assert_valid(s)


@pytest.mark.parametrize(
    "data",
    [
        {"networkShape": [10**400]},  # json.loads accepts arbitrarily large integers
        {"batchSize": 10**400},
        {"hidden": [["playButton"]]},  # unhashable item in a control list
        {1: 2},  # non-string key
    ],
)
def test_from_dict_lenient_never_raises_on_odd_json(data):
    """The module docstring promises that strict=False never fails."""
    s, notices = PlaygroundState.from_dict(data)
    assert_valid(s)
    assert len(notices) == 1


# ------------------------------------------------------------------ strict


@pytest.mark.parametrize(
    ("data", "key", "fragments"),
    [
        ({"datset": "circle"}, "datset", ["did you mean 'dataset'"]),
        ({"activation": "rleu"}, "activation", ["'tanh'", "'relu'", "did you mean 'relu'"]),
        ({"dataset": "spirl"}, "dataset", ["'circle'", "'spiral'", "did you mean 'spiral'"]),
        ({"learningRate": 0.05}, "learningRate", ["0.03", "0.1"]),
        ({"batchSize": 100}, "batchSize", ["100", "[1, 30]"]),
        ({"noise": -5}, "noise", ["-5", "[0, 80]"]),
        ({"networkShape": [9, 9]}, "networkShape", ["1-8 neurons", "0-6"]),
        ({"networkShape": "abc"}, "networkShape", ["number"]),
        ({"showTestData": "yes"}, "showTestData", ["true or false"]),
        ({"x": 1}, "x", ["true or false"]),
        ({"seed": ""}, "seed", ["seed"]),
        ({"learningRate": float("nan")}, "learningRate", ["finite"]),
        ({"playButon_hide": True}, "playButon_hide", ["did you mean 'playButton'"]),
        ({"hidden": ["playButon"]}, "hidden[0]", ["did you mean 'playButton'"]),
        ({"locked": "noise,nosie"}, "locked[1]", ["did you mean 'noise'"]),
        ({"problem": "multiclass", "dataset": "circle"}, "dataset", ["'circle'", "multiclass"]),
    ],
)
def test_strict_raises_state_error_naming_key_and_allowed(data, key, fragments):
    with pytest.raises(StateError) as info:
        PlaygroundState.from_dict(data, strict=True)
    assert info.value.key == key
    message = str(info.value)
    assert message.startswith(f"{key}:")
    for fragment in fragments:
        assert fragment in message, (fragment, message)
    assert isinstance(info.value, ValueError)


def test_strict_accepts_a_lesson_dict():
    s, notices = PlaygroundState.from_dict(
        {
            "activation": "relu",
            "networkShape": [3],
            "xSquared": True,
            "noise": 10,
            "hidden": ["playButton", "noise"],
            "locked": ["learningRate"],
            "initZero": False,
            "problem": "multiclass",
            "dataset": "blobs",
        },
        strict=True,
    )
    assert notices == []
    assert s.network_shape == (3,) and s.features == ("x", "y", "xSquared")
    assert s.hidden == {"playButton", "noise"} and s.locked == {"learningRate"}
    assert s.n_classes == 4


def test_lenient_dict_rejects_string_booleans_outside_urls():
    s, notices = PlaygroundState.from_dict({"showTestData": "false", "x": "false"})
    assert len(notices) == 2
    assert s.show_test_data is False and "x" not in s.features


# ---------------------------------------------------------- consistency


def test_multiclass_with_binary_dataset_is_corrected():
    s, notices = PlaygroundState.from_hash("problem=multiclass&dataset=circle")
    assert s.problem == "multiclass"
    assert DATASETS[s.dataset].problem == "multiclass"
    assert len(notices) == 1 and notices[0].startswith("dataset")
    assert s.n_classes >= 3


def test_multiclass_without_dataset_key_is_corrected_from_base():
    s, notices = PlaygroundState.from_hash("problem=multiclass")
    assert DATASETS[s.dataset].problem == "multiclass" and len(notices) == 1


def test_classification_with_multiclass_dataset_is_corrected():
    s, notices = PlaygroundState.from_hash("dataset=spiral3")
    assert s.problem == "classification" and s.dataset == "circle" and len(notices) == 1


def test_valid_multiclass_and_regression_pass_silently():
    s, notices = PlaygroundState.from_hash("problem=multiclass&dataset=blobs")
    assert notices == [] and s.n_classes == 4
    s, notices = PlaygroundState.from_hash("problem=regression&dataset=spiral3")
    assert notices == [] and s.active_dataset == "reg-plane"


# ----------------------------------------------------------------- seeds


def test_seed_int_is_sha256_based_and_stable():
    s = PlaygroundState(seed="0.12345")
    assert s.seed_int() == 431952489351731366  # computed once; must never change
    digest = hashlib.sha256(b"0.12345").digest()
    assert s.seed_int() == int.from_bytes(digest[:8], "little") >> 1
    assert 0 <= PlaygroundState(seed="zzz").seed_int() < 2**63


def test_data_and_init_seeds_differ_and_depend_on_seed():
    s = PlaygroundState(seed="0.32165")
    assert s.data_seed() != s.init_seed()
    assert s.data_seed() == PlaygroundState(seed="0.32165").data_seed()
    assert s.init_seed() == s.replace(activation="relu").init_seed()
    other = PlaygroundState(seed="0.32166")
    assert other.data_seed() != s.data_seed() and other.init_seed() != s.init_seed()


@FAST
@given(st.from_regex(SEED_RE, fullmatch=True), st.from_regex(SEED_RE, fullmatch=True))
def test_distinct_seeds_give_distinct_ints(a, b):
    sa, sb = PlaygroundState(seed=a), PlaygroundState(seed=b)
    assert (sa.seed_int() == sb.seed_int()) == (a == b)


def test_state_is_immutable_and_hashable():
    s = PlaygroundState()
    with pytest.raises(AttributeError):
        s.noise = 5  # type: ignore[misc]
    assert hash(s) == hash(PlaygroundState())
    assert s.replace(noise=5) != s and s.noise == 0
