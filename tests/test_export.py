"""The exported standalone predictor reproduces Network.predict."""

from __future__ import annotations

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pyplayground.engine import ACTIVATIONS, Network, build_mlp
from pyplayground.export import ACTIVATION_SOURCE, FEATURE_SOURCE, export_python
from pyplayground.features import FEATURE_NAMES, FEATURES, feature_matrix

N_OUT = {"classification": 1, "regression": 1, "multiclass": 4}


def _load(source: str, path: Path):
    path.write_text(source)
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _net(problem: str, features, activation="tanh", hidden=(5, 3), seed=0) -> Network:
    return build_mlp(
        len(features), hidden, N_OUT[problem], activation=activation, problem=problem,
        feature_names=features, rng=np.random.default_rng(seed),
    )  # fmt: skip


def test_registries_cover_the_engine_and_features():
    assert set(ACTIVATION_SOURCE) == set(ACTIVATIONS)
    assert tuple(FEATURE_SOURCE) == FEATURE_NAMES


@pytest.mark.parametrize("problem", list(N_OUT))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_predict_matches_network(problem, activation, tmp_path, rng):
    net = _net(problem, FEATURE_NAMES, activation)
    net.params[...] = rng.normal(size=net.n_params)  # beyond the init's small range
    module = _load(export_python(net), tmp_path / "model.py")
    points = rng.uniform(-6, 6, size=(200, 2))
    expected = net.predict(feature_matrix(points, FEATURE_NAMES))
    np.testing.assert_allclose(module.predict(points), expected, rtol=0, atol=1e-12)
    matrix = feature_matrix(points, FEATURE_NAMES)
    np.testing.assert_allclose(module.predict_features(matrix), expected, rtol=0, atol=1e-12)
    assert problem == module.PROBLEM
    assert module.FEATURES == FEATURE_NAMES


def test_feature_formulas_match_features_module(tmp_path, rng):
    net = _net("regression", FEATURE_NAMES)
    module = _load(export_python(net), tmp_path / "m.py")
    points = rng.normal(size=(50, 2)) * 4
    np.testing.assert_array_equal(module.features(points), feature_matrix(points, FEATURE_NAMES))


@pytest.mark.parametrize("name", list(FEATURES))
def test_single_feature_models(name, tmp_path, rng):
    net = _net("regression", (name,), hidden=(2,))
    module = _load(export_python(net), tmp_path / "m.py")
    points = rng.normal(size=(7, 2))
    np.testing.assert_array_equal(module.features(points), feature_matrix(points, [name]))


def test_weights_are_embedded_exactly(tmp_path):
    net = _net("classification", ("x", "y"), hidden=(3,))
    net.params[0] = 0.1 + 0.2  # a float whose shortest repr needs 17 digits
    module = _load(export_python(net), tmp_path / "m.py")
    for (w, b, _act), layer in zip(module.LAYERS, net.layers, strict=True):
        np.testing.assert_array_equal(w, layer.w)
        np.testing.assert_array_equal(b, layer.b)


def test_classify_and_linear_model(tmp_path):
    net = _net("classification", ("xTimesY",), hidden=())
    net.layers[0].w[0, 0], net.layers[0].b[0] = 5.0, 0.0
    module = _load(export_python(net), tmp_path / "m.py")
    labels = module.classify([[1.0, 1.0], [1.0, -1.0], [-2.0, -3.0]])
    assert labels.tolist() == [1, -1, 1]


def test_generated_module_imports_only_numpy_and_stdlib():
    tree = ast.parse(export_python(_net("multiclass", ("x", "y"))))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    assert imported == {"__future__", "csv", "sys", "numpy"}


def test_generic_inputs_need_a_feature_matrix(tmp_path, rng):
    names = [f"pixel{i}" for i in range(6)]
    net = _net("multiclass", names)
    module = _load(export_python(net), tmp_path / "digits_model.py")
    assert module.POINT_INPUT is False
    x = rng.uniform(0, 1, size=(10, 6))
    np.testing.assert_allclose(module.predict_features(x), net.predict(x), rtol=0, atol=1e-12)
    with pytest.raises(ValueError, match="not computed from"):
        module.predict([[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"shape \(n, 6\)"):
        module.predict_features(np.zeros((2, 5)))


def test_main_reads_a_csv(tmp_path):
    net = _net("classification", ("x", "y", "sinX"))
    script = tmp_path / "model.py"
    script.write_text(export_python(net))
    csv_path = tmp_path / "points.csv"
    csv_path.write_text("label,x2,x1\n1,0.5,1.5\n-1,-2,0.25\n")
    done = subprocess.run(
        [sys.executable, str(script), str(csv_path)], capture_output=True, text=True, check=True
    )
    lines = done.stdout.strip().splitlines()
    assert lines[0] == "x1,x2,output,label"
    outputs = [float(line.split(",")[2]) for line in lines[1:]]
    expected = net.predict(feature_matrix(np.array([[1.5, 0.5], [0.25, -2.0]]), net.feature_names))
    np.testing.assert_allclose(outputs, expected[:, 0], rtol=0, atol=1e-12)
    usage = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert usage.returncode == 2
    assert "python model.py data.csv" in usage.stdout


def test_main_reads_generic_feature_columns(tmp_path):
    net = _net("regression", ["a", "b", "c"])
    module = _load(export_python(net), tmp_path / "m.py")
    csv_path = tmp_path / "f.csv"
    csv_path.write_text("c,b,a\n3,2,1\n")
    assert module.main([str(csv_path)]) == 0
    assert module.main([]) == 2


def test_export_rejects_unusable_networks():
    net = _net("regression", ("x", "y"))
    with pytest.raises(ValueError, match="3 feature names given for a network with 2 inputs"):
        export_python(net, ["x", "y", "sinX"])
    net.params[-1] = np.inf
    with pytest.raises(ValueError, match="infinite or NaN"):
        export_python(net)
