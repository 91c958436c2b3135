"""Model JSON files: exact round trips and precise error messages."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from pyplayground.engine import ACTIVATIONS, Dense, Network, build_mlp
from pyplayground.model_io import (
    FORMAT,
    ModelFormatError,
    dumps,
    load_model,
    loads,
    network_from_dict,
    network_to_dict,
    resolve_features,
    save_model,
)

PROBLEM_OUTPUTS = {"classification": 1, "regression": 1, "multiclass": 3}


def _net(problem: str = "classification", hidden=(4, 2), features=("x", "y", "sinX"), seed=0):
    return build_mlp(
        len(features),
        hidden,
        PROBLEM_OUTPUTS[problem],
        problem=problem,
        feature_names=features,
        rng=np.random.default_rng(seed),
    )


def _assert_same(a: Network, b: Network) -> None:
    assert a.problem == b.problem
    assert a.feature_names == b.feature_names
    assert [lay.activation for lay in a.layers] == [lay.activation for lay in b.layers]
    assert [lay.dropout for lay in a.layers] == [lay.dropout for lay in b.layers]
    np.testing.assert_array_equal(a.params, b.params)
    np.testing.assert_array_equal(a.frozen, b.frozen)


# --------------------------------------------------------------------------------------------
# Writing and round trips
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("problem", list(PROBLEM_OUTPUTS))
def test_round_trip_is_exact(problem, rng):
    net = _net(problem)
    back = loads(dumps(net))
    _assert_same(net, back)
    x = rng.normal(size=(20, 3))
    np.testing.assert_array_equal(net.predict(x), back.predict(x))


def test_layout_matches_the_documented_format():
    net = _net("multiclass")
    d = network_to_dict(net)
    assert list(d) == ["format", "problem", "features", "layers"]
    assert d["format"] == FORMAT == "pyplayground-model/1"
    assert d["features"] == ["x", "y", "sinX"]
    assert [lay["activation"] for lay in d["layers"]] == ["tanh", "tanh", "softmax"]
    first = d["layers"][0]
    assert np.array(first["weights"]).shape == (3, 4)  # n_in x n_out, row i = input i
    assert first["weights"][2][1] == net.layers[0].w[2, 1]
    assert first["biases"] == net.layers[0].b.tolist()
    assert "frozen" not in first and "dropout" not in first
    json.dumps(d, allow_nan=False)  # plain JSON


def test_multiclass_softmax_maps_back_to_linear_logits():
    back = network_from_dict(network_to_dict(_net("multiclass")))
    assert back.layers[-1].activation == "linear"
    out = back.predict(np.zeros((1, 3)))
    assert out.sum() == pytest.approx(1.0)


def test_frozen_links_dropout_and_training_metadata_survive(tmp_path):
    net = build_mlp(
        2, [3], problem="regression", dropout=0.25, feature_names=["x", "y"],
        rng=np.random.default_rng(1),
    )  # fmt: skip
    net.layers[0].frozen[1, 2] = True
    net.layers[0].w[1, 2] = 0.0
    path = tmp_path / "m.json"
    save_model(net, path, training={"learning_rate": 0.03, "epochs": 7})
    d = json.loads(path.read_text())
    assert d["training"] == {"learning_rate": 0.03, "epochs": 7}
    assert d["layers"][0]["frozen"][1] == [False, False, True]
    assert d["layers"][0]["dropout"] == 0.25
    back = load_model(path)
    _assert_same(net, back)
    assert back.frozen.sum() == 1


def test_features_default_to_network_names_or_generic():
    net = build_mlp(3, [2], rng=np.random.default_rng(0))
    assert network_to_dict(net)["features"] == ["input0", "input1", "input2"]
    assert network_to_dict(net, ["a", "b", "c"])["features"] == ["a", "b", "c"]
    assert resolve_features(_net()) == ["x", "y", "sinX"]


def test_digits_style_generic_feature_names_round_trip():
    names = [f"pixel{i}" for i in range(64)]
    net = build_mlp(64, [16], 10, problem="multiclass", feature_names=names,
                    rng=np.random.default_rng(0))  # fmt: skip
    _assert_same(net, loads(dumps(net)))


@pytest.mark.parametrize(
    ("features", "match"),
    [(["x"], "1 feature names given for a network with 3 inputs"),
     (["x", "x", "y"], "non-empty and distinct"),
     ("xyz", "not the string")],
)  # fmt: skip
def test_network_to_dict_rejects_bad_feature_names(features, match):
    with pytest.raises(ValueError, match=match):
        network_to_dict(_net(), features)


def test_network_to_dict_rejects_nonfinite_and_mismatched_heads():
    net = _net()
    net.params[0] = np.nan
    with pytest.raises(ValueError, match="infinite or NaN"):
        network_to_dict(net)
    bad = Network([Dense(2, 1, "relu")], "classification")
    with pytest.raises(ValueError, match="output layer's activation is 'relu'"):
        network_to_dict(bad)


# --------------------------------------------------------------------------------------------
# Property tests
# --------------------------------------------------------------------------------------------


@st.composite
def networks(draw):
    problem = draw(st.sampled_from(list(PROBLEM_OUTPUTS)))
    n_in = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 5), max_size=3))
    n_out = draw(st.integers(3, 5)) if problem == "multiclass" else 1
    acts = draw(st.lists(st.sampled_from(sorted(ACTIVATIONS)), min_size=len(hidden),
                         max_size=len(hidden)))  # fmt: skip
    net = build_mlp(n_in, hidden, n_out, activation=acts, problem=problem,
                    feature_names=[f"f{i}" for i in range(n_in)],
                    rng=np.random.default_rng(0))  # fmt: skip
    finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
    net.params[...] = draw(arrays(np.float64, net.n_params, elements=finite))
    net.frozen[...] = draw(arrays(np.bool_, net.n_params)) & net.weight_mask
    return net


@settings(max_examples=150, deadline=None)
@given(net=networks())
def test_json_round_trip_property(net):
    back = loads(dumps(net))
    _assert_same(net, back)
    assert dumps(back) == dumps(net)


@settings(max_examples=50, deadline=None)
@given(net=networks(), seed=st.integers(0, 2**32 - 1))
def test_round_trip_preserves_predictions(net, seed):
    rng = np.random.default_rng(seed)
    net.params[...] = rng.normal(size=net.n_params)
    x = rng.normal(size=(8, net.n_inputs))
    np.testing.assert_array_equal(loads(dumps(net)).predict(x), net.predict(x))


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


def _good() -> dict:
    return network_to_dict(_net("classification", hidden=(4, 2)))


def _set(path: list, value):
    def edit(d):
        target = d
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return d

    return edit


_DELETE = object()

ERROR_CASES = {
    "top level not object": (lambda d: [d], "m.json: (top level): expected a JSON object"),
    "format missing": (_set(["format"], _DELETE), "m.json: format: missing required field"),
    "format newer": (_set(["format"], "pyplayground-model/2"),
                     "m.json: format: expected 'pyplayground-model/1', got 'pyplayground-model/2' "
                     "(written by a newer pyplayground?)"),
    "format other": (_set(["format"], "keras"), "format: expected 'pyplayground-model/1'"),
    "problem unknown": (_set(["problem"], "ranking"), "m.json: problem: expected one of"),
    "problem type": (_set(["problem"], 3), "m.json: problem: expected a string, got a number"),
    "features not list": (_set(["features"], "x,y"), "m.json: features: expected an array"),
    "features empty": (_set(["features"], []), "m.json: features: expected at least one"),
    "feature empty name": (_set(["features", 1], ""), "m.json: features[1]: expected a non-empty"),
    "feature repeated": (_set(["features", 2], "x"), "m.json: features: feature 'x' is listed"),
    "features count": (_set(["features"], ["x", "y"]),
                       "m.json: layers[0].weights: expected 2 rows (one per feature), got 3."),
    "layers missing": (_set(["layers"], _DELETE), "m.json: layers: missing required field"),
    "layers empty": (_set(["layers"], []), "m.json: layers: expected at least one"),
    "layer not object": (_set(["layers", 1], [1, 2]), "m.json: layers[1]: expected an object"),
    "rows do not chain": (_set(["layers", 1, "weights"], [[0.1, 0.2]] * 3),
                          "m.json: layers[1].weights: expected 4 rows (the previous layer's "
                          "outputs), got 3."),
    "ragged": (_set(["layers", 0, "weights", 1], [0.1, 0.2]),
               "m.json: layers[0].weights[1]: expected 4 columns like row 0"),
    "row not list": (_set(["layers", 0, "weights", 1], 0.5),
                     "m.json: layers[0].weights[1]: expected an array, got a number"),
    "empty rows": (_set(["layers", 2, "weights"], [[], []]),
                   "m.json: layers[2].weights[0]: expected at least 1 column"),
    "weights missing": (_set(["layers", 0, "weights"], _DELETE),
                        "m.json: layers[0].weights: missing required field"),
    "bias count": (_set(["layers", 1, "biases"], [0.1]),
                   "m.json: layers[1].biases: expected 2 values (one per column of weights), "
                   "got 1"),
    "string weight": (_set(["layers", 0, "weights", 0, 3], "0.5"),
                      "m.json: layers[0].weights[0][3]: expected a number, got a string"),
    "bool bias": (_set(["layers", 0, "biases", 2], True),
                  "m.json: layers[0].biases[2]: expected a number, got a boolean"),
    "nan weight": (_set(["layers", 2, "weights", 1, 0], float("nan")),
                   "m.json: layers[2].weights[1][0]: expected a finite number, got nan"),
    "inf bias": (_set(["layers", 2, "biases", 0], float("-inf")),
                 "m.json: layers[2].biases[0]: expected a finite number, got -inf"),
    "unknown activation": (_set(["layers", 0, "activation"], "swish"),
                           "m.json: layers[0].activation: unknown activation 'swish'; expected "
                           "one of ['gelu', 'leaky_relu', 'linear', 'relu', 'sigmoid', 'tanh']"),
    "activation type": (_set(["layers", 0, "activation"], None),
                        "m.json: layers[0].activation: expected a string, got null"),
    "hidden softmax": (_set(["layers", 0, "activation"], "softmax"),
                       "m.json: layers[0].activation: 'softmax' is only allowed on the output"),
    "wrong output act": (_set(["layers", 2, "activation"], "sigmoid"),
                         "m.json: layers[2].activation: the output layer of a classification "
                         "model must use 'tanh', got 'sigmoid'."),
    "two outputs": (lambda d: _set(["layers", 2], {"weights": [[0.0, 1.0]] * 2, "biases": [0, 0],
                                                   "activation": "tanh"})(d),
                    "m.json: layers[2].weights: a classification output layer needs exactly 1"),
    "frozen shape": (_set(["layers", 0, "frozen"], [[True]]),
                     "m.json: layers[0].frozen: expected a 3 x 4 array of booleans"),
    "frozen type": (_set(["layers", 2, "frozen"], [[0], [1]]),
                    "m.json: layers[2].frozen[0][0]: expected true or false, got a number"),
    "dropout range": (_set(["layers", 0, "dropout"], 1.0),
                      "m.json: layers[0].dropout: expected a number in [0, 1), got 1.0"),
    "training type": (_set(["training"], "sgd"), "m.json: training: expected an object"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_name_source_and_json_path(case):
    edit, message = ERROR_CASES[case]
    d = edit(copy.deepcopy(_good()))
    with pytest.raises(ModelFormatError) as info:
        network_from_dict(d, source="m.json")
    assert message in str(info.value)


def test_model_format_error_is_a_value_error():
    assert issubclass(ModelFormatError, ValueError)


def test_output_activation_is_fixed_per_problem():
    d = network_to_dict(_net("multiclass"))
    d["layers"][-1]["activation"] = "linear"  # the engine's internal name is not accepted
    with pytest.raises(ModelFormatError, match="multiclass model must use 'softmax'"):
        network_from_dict(d)
    d = network_to_dict(_net("regression"))
    d["layers"][-1]["activation"] = "tanh"
    with pytest.raises(ModelFormatError, match="regression model must use 'linear'"):
        network_from_dict(d)


def test_multiclass_needs_three_classes():
    d = network_to_dict(_net("multiclass"))
    d["layers"][-1]["weights"] = [[0.0, 1.0] for _ in range(2)]
    d["layers"][-1]["biases"] = [0.0, 0.0]
    with pytest.raises(ModelFormatError, match=r"layers\[2\].weights: .* needs >= 3 columns"):
        network_from_dict(d)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"format": "pyplayground-model/1",\n "problem": }',
            "m.json: line 2, column 13: invalid JSON",
        ),
        ("", "m.json: line 1, column 1: invalid JSON"),
        (b"\xff\xfe{", "m.json: not UTF-8 text"),
        ('{"a": NaN}', "m.json: format: missing required field"),
    ],
)
def test_loads_reports_invalid_json(text, message):
    with pytest.raises(ModelFormatError) as info:
        loads(text, source="m.json")
    assert message in str(info.value)


def test_nonstandard_nan_literal_is_rejected_with_its_path():
    d = _good()
    d["layers"][1]["biases"][0] = float("nan")
    text = json.dumps(d)  # Python writes the non-standard NaN literal
    assert "NaN" in text
    with pytest.raises(ModelFormatError, match=r"^m.json: layers\[1\].biases\[0\]: .*finite"):
        loads(text, source="m.json")


def test_load_model_names_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"format": "pyplayground-model/1"}')
    with pytest.raises(ModelFormatError, match=r"broken\.json: problem: missing required field"):
        load_model(path)
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "absent.json")


def test_documented_example_loads():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "model-format.md").read_text()
    example = doc.split("```json\n", 1)[1].split("```", 1)[0]
    net = loads(example, source="docs/model-format.md")
    assert repr(net) == "Network(2-2-1, problem='classification')"
    np.testing.assert_array_equal(net.layers[0].w, [[0.81, -0.42], [0.13, 0.97]])
