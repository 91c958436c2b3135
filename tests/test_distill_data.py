"""The 18 Distill t-SNE datasets: registry, shapes, slider ranges, constructions, determinism."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pyplayground.distill_data import (
    BLUE,
    DISTILL_DATASETS,
    DISTILL_FIGURES,
    GREEN,
    ORANGE,
    DistillSpec,
    angle_color,
    distill_names,
    get_distill_spec,
    make_distill_data,
)

# The article's menu, in order (demo-configs.js).
MENU = [
    "Grid",
    "Two Clusters",
    "Three Clusters",
    "Two Different-Sized Clusters",
    "Two Long Linear Clusters",
    "Cluster In Cluster",
    "Circle (Evenly Spaced)",
    "Circle (Randomly Spaced)",
    "Gaussian Cloud",
    "Ellipsoidal Gaussian Cloud",
    "Trefoil Knot",
    "Linked Rings",
    "Unlinked Rings",
    "Orthogonal Steps",
    "Random Walk",
    "Random Jump",
    "Equally Spaced",
    "Uniform Distribution",
]

# (min, max, start) of every slider, from demo-configs.js.
SLIDERS = {
    "grid": {"points_per_side": (2, 20, 10)},
    "two_clusters": {"points_per_cluster": (1, 100, 50), "dim": (1, 100, 2)},
    "three_clusters": {"points_per_cluster": (1, 100, 50), "dim": (1, 100, 2)},
    "two_different_sized_clusters": {
        "points_per_cluster": (1, 100, 50),
        "dim": (1, 100, 2),
        "scale": (1, 10, 5),
    },
    "two_long_linear_clusters": {"points_per_cluster": (1, 100, 50)},
    "cluster_in_cluster": {"points_per_cluster": (1, 100, 50), "dim": (1, 100, 2)},
    "circle_evenly_spaced": {"n_points": (1, 100, 50)},
    "circle_randomly_spaced": {"n_points": (1, 100, 50)},
    "gaussian_cloud": {"n_points": (1, 500, 50), "dim": (1, 100, 2)},
    "ellipsoidal_gaussian_cloud": {"n_points": (1, 500, 50), "dim": (1, 100, 2)},
    "trefoil_knot": {"n_points": (1, 200, 50)},
    "linked_rings": {"n_points": (1, 200, 50)},
    "unlinked_rings": {"n_points": (1, 200, 50)},
    "orthogonal_steps": {"n_points": (1, 500, 50)},
    "random_walk": {"n_points": (1, 1000, 100), "dim": (1, 1000, 100)},
    "random_jump": {"n_points": (1, 1000, 100), "dim": (1, 1000, 100)},
    "equally_spaced": {"n_points": (2, 100, 50)},
    "uniform_distribution": {"n_points": (2, 200, 50), "dim": (1, 10, 3)},
}

DETERMINISTIC = {
    "grid",
    "circle_evenly_spaced",
    "trefoil_knot",
    "linked_rings",
    "unlinked_rings",
    "orthogonal_steps",
}


def expected_shape(name: str, p: dict[str, int]) -> tuple[int, int]:
    """(n_samples, n_features) from the JS construction."""
    if name == "grid":
        return p["points_per_side"] ** 2, 2
    if name in ("two_clusters", "cluster_in_cluster", "two_different_sized_clusters"):
        return 2 * p["points_per_cluster"], p["dim"]
    if name == "three_clusters":
        return 3 * p["points_per_cluster"], p["dim"]
    if name == "two_long_linear_clusters":
        return 2 * p["points_per_cluster"], 2
    if name.startswith("circle"):
        return p["n_points"], 2
    if name == "trefoil_knot":
        return p["n_points"], 3
    if name in ("linked_rings", "unlinked_rings"):
        return 2 * p["n_points"], 3
    if name in ("orthogonal_steps", "equally_spaced"):
        return p["n_points"], p["n_points"]
    return p["n_points"], p["dim"]


def gen(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# --------------------------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------------------------


def test_registry_holds_the_18_datasets_in_menu_order():
    assert len(DISTILL_DATASETS) == 18
    assert [DISTILL_DATASETS[n].label for n in distill_names()] == MENU
    assert set(distill_names()) == set(SLIDERS)


@pytest.mark.parametrize("name", list(SLIDERS))
def test_sliders_match_the_article(name):
    spec = DISTILL_DATASETS[name]
    got = {s.param: (s.min, s.max, s.start) for s in spec.sliders}
    assert got == SLIDERS[name]
    assert spec.defaults == {k: v[2] for k, v in SLIDERS[name].items()}
    assert spec.random == (name not in DETERMINISTIC)
    assert spec.description


@pytest.mark.parametrize("name", list(SLIDERS))
@pytest.mark.parametrize("where", ["min", "start", "max"])
def test_shape_colors_labels_at_slider_values(name, where):
    col = {"min": 0, "max": 1, "start": 2}[where]
    params = {k: v[col] for k, v in SLIDERS[name].items()}
    data = make_distill_data(name, rng=gen(), **params)
    shape = expected_shape(name, params)
    assert data.X.shape == shape
    assert data.X.dtype == np.float64
    assert np.isfinite(data.X).all()
    assert len(data.colors) == shape[0]
    assert all(isinstance(c, str) and c for c in data.colors)
    assert data.labels.shape == (shape[0],)
    assert data.labels.dtype == np.int64
    assert DISTILL_DATASETS[name].n_samples(**params) == shape[0]


@pytest.mark.parametrize("name", list(SLIDERS))
def test_same_seed_same_data_and_seed_matters_only_for_random_sets(name):
    a = make_distill_data(name, rng=gen(7))
    b = make_distill_data(name, rng=gen(7))
    c = make_distill_data(name, rng=gen(8))
    np.testing.assert_array_equal(a.X, b.X)
    assert a.colors == b.colors
    if name in DETERMINISTIC:
        np.testing.assert_array_equal(a.X, c.X)
    else:
        assert not np.array_equal(a.X, c.X)


@pytest.mark.parametrize("name", sorted(DETERMINISTIC))
def test_deterministic_generators_need_no_rng(name):
    spec = get_distill_spec(name)
    data = spec.generator(**spec.defaults)
    np.testing.assert_array_equal(data.X, make_distill_data(name, rng=gen()).X)


def test_lookup_by_key_menu_name_or_hyphens():
    assert get_distill_spec("Two Clusters").name == "two_clusters"
    assert get_distill_spec("two-clusters").name == "two_clusters"
    assert get_distill_spec("circle (evenly spaced)").name == "circle_evenly_spaced"
    with pytest.raises(ValueError, match=r"Unknown Distill dataset 'two_cluster'.*'two_clusters'"):
        get_distill_spec("two_cluster")
    with pytest.raises(ValueError, match="Unknown Distill dataset"):
        get_distill_spec(3)  # type: ignore[arg-type]


def test_make_rejects_unknown_parameters_and_out_of_range_values():
    with pytest.raises(ValueError, match=r"Unknown parameter 'n' for 'grid'"):
        make_distill_data("grid", rng=gen(), n=3)
    with pytest.raises(ValueError, match=r"ranges over \[1, 100\]. Got 200 instead"):
        make_distill_data("three_clusters", rng=gen(), points_per_cluster=200)
    with pytest.raises(ValueError, match="Got True instead"):
        make_distill_data("grid", rng=gen(), points_per_side=True)
    # figure 05 uses 200 points per cluster: allowed when not strict
    data = make_distill_data("three_clusters", rng=gen(), strict=False, points_per_cluster=200)
    assert data.X.shape == (600, 2)
    # the generators themselves still refuse impossible values
    with pytest.raises(ValueError, match=r"'n_points' parameter of gaussian_cloud must be an int"):
        make_distill_data("gaussian_cloud", rng=gen(), strict=False, n_points=0)
    with pytest.raises(ValueError, match="'dim' parameter"):
        make_distill_data("gaussian_cloud", rng=gen(), strict=False, dim=2.5)
    with pytest.raises(TypeError, match=r"numpy\.random\.Generator"):
        make_distill_data("gaussian_cloud", rng=np.random.RandomState(0))  # type: ignore[arg-type]


def test_figures_reference_registered_datasets():
    assert [f.id for f in DISTILL_FIGURES] == [f"{i:02d}" for i in range(1, 14)]
    for fig in DISTILL_FIGURES:
        assert fig.dataset in DISTILL_DATASETS
        assert len(fig.perplexities) == len(fig.steps) == 5
        assert fig.epsilon == 10.0
        data = make_distill_data(fig.dataset, rng=gen(), strict=False, **fig.params)
        assert len(data.X) == DISTILL_DATASETS[fig.dataset].n_samples(**fig.params)
    assert DISTILL_FIGURES[1].steps == (10, 20, 60, 120, 1000)
    assert DISTILL_FIGURES[11].perplexities == (2,) * 5


# --------------------------------------------------------------------------------------------
# Constructions (demo-configs.js, formula by formula)
# --------------------------------------------------------------------------------------------


def test_grid_is_the_integer_lattice_with_spatial_colours():
    data = make_distill_data("grid", rng=gen(), points_per_side=3)
    np.testing.assert_array_equal(data.X, [[x, y] for x in range(3) for y in range(3)])
    assert data.colors[0] == "rgb(20,0,0)"
    assert data.colors[-1] == "rgb(20,255,255)"
    assert data.colors[1] == "rgb(20,0,127)"  # ~~(0.5 * 255) = 127


def test_cluster_sets_interleave_and_shift_along_axis_0():
    X, colors, labels = make_distill_data("two_clusters", rng=gen(), points_per_cluster=100, dim=5)
    assert colors[:4] == (BLUE, ORANGE, BLUE, ORANGE)
    np.testing.assert_array_equal(labels[:4], [0, 1, 0, 1])
    shift = X[1::2].mean(0) - X[0::2].mean(0)
    assert shift[0] == pytest.approx(10, abs=0.6)
    assert np.abs(shift[1:]).max() < 0.6
    X, colors, labels = make_distill_data("three_clusters", rng=gen(), points_per_cluster=100)
    assert colors[:3] == (BLUE, ORANGE, GREEN)
    means = [X[labels == k, 0].mean() for k in range(3)]
    np.testing.assert_allclose(means, [0, 10, 50], atol=0.5)


def test_different_sized_and_nested_clusters_scale_their_spread():
    X, _, labels = make_distill_data(
        "two_different_sized_clusters", rng=gen(), points_per_cluster=100, dim=3, scale=10
    )
    assert X[labels == 0].std() == pytest.approx(1.0, rel=0.2)
    assert X[labels == 1].std(0)[1] == pytest.approx(0.1, rel=0.25)
    assert X[labels == 1, 0].mean() == pytest.approx(20, abs=0.1)
    X, _, labels = make_distill_data("cluster_in_cluster", rng=gen(), points_per_cluster=100)
    assert X[labels == 1].std() / X[labels == 0].std() == pytest.approx(50, rel=0.25)


def test_long_linear_clusters_are_offset_diagonals():
    n = 100
    X, _, labels = make_distill_data("two_long_linear_clusters", rng=gen(), points_per_cluster=n)
    a, b = X[labels == 0], X[labels == 1]
    i = np.arange(n)
    assert (a - i[:, None]).std() == pytest.approx(0.03 * n, rel=0.2)
    np.testing.assert_allclose((b - a).mean(0), [n / 5, -n / 5], atol=0.8)


def test_circles_lie_on_the_unit_circle_with_angle_hues():
    X, colors, _ = make_distill_data("circle_evenly_spaced", rng=gen(), n_points=4)
    np.testing.assert_allclose(X, [[1, 0], [0, 1], [-1, 0], [0, -1]], atol=1e-15)
    assert colors == ("hsl(0,50%,50%)", "hsl(75,50%,50%)", "hsl(150,50%,50%)", "hsl(225,50%,50%)")
    X, colors, _ = make_distill_data("circle_randomly_spaced", rng=gen(), n_points=100)
    np.testing.assert_allclose(np.hypot(X[:, 0], X[:, 1]), 1.0)
    angles = np.mod(np.arctan2(X[:, 1], X[:, 0]), 2 * np.pi)
    hues = np.array([int(c[4:].split(",")[0]) for c in colors])
    assert np.abs(hues - np.trunc(300 * angles / (2 * np.pi))).max() <= 1  # hue = angle


def test_angle_color_truncates_like_javascript():
    assert angle_color(0.0) == "hsl(0,50%,50%)"
    assert angle_color(math.pi) == "hsl(150,50%,50%)"
    assert angle_color(2 * math.pi * 0.999) == "hsl(299,50%,50%)"


def test_gaussian_clouds_have_the_stated_spreads():
    X = make_distill_data("gaussian_cloud", rng=gen(), n_points=500, dim=4).X
    np.testing.assert_allclose(X.std(0), 1.0, rtol=0.15)
    X = make_distill_data("ellipsoidal_gaussian_cloud", rng=gen(), n_points=500, dim=4).X
    np.testing.assert_allclose(X.std(0), 1.0 / np.arange(1, 5), rtol=0.15)


def test_trefoil_follows_its_parametrisation():
    X = make_distill_data("trefoil_knot", rng=gen(), n_points=8).X
    t = 2 * np.pi * np.arange(8) / 8
    expected = np.column_stack(
        [np.sin(t) + 2 * np.sin(2 * t), np.cos(t) - 2 * np.cos(2 * t), -np.sin(3 * t)]
    )
    np.testing.assert_allclose(X, expected)


@pytest.mark.parametrize(("name", "offset"), [("linked_rings", 1.0), ("unlinked_rings", 3.0)])
def test_rings_are_unit_circles_rotated_about_x(name, offset):
    X, colors, labels = make_distill_data(name, rng=gen(), n_points=40)
    c, s = math.cos(0.4), math.sin(0.4)
    unrotate = np.array([[1, 0, 0], [0, c, -s], [0, s, c]])  # inverse of the JS rotate()
    U = X @ unrotate.T
    ring1, ring2 = U[labels == 1], U[labels == 0]
    assert colors[:2] == (ORANGE, BLUE)
    np.testing.assert_allclose(ring1[:, 2], 0, atol=1e-12)  # x-y plane
    np.testing.assert_allclose(np.hypot(ring1[:, 0], ring1[:, 1]), 1)
    np.testing.assert_allclose(ring2[:, 1], 0, atol=1e-12)  # x-z plane, shifted in x
    np.testing.assert_allclose(np.hypot(ring2[:, 0] - offset, ring2[:, 2]), 1)


def test_orthogonal_steps_and_equally_spaced_points():
    X = make_distill_data("orthogonal_steps", rng=gen(), n_points=4).X
    np.testing.assert_array_equal(X, np.tril(np.ones((4, 4)), -1))
    X = make_distill_data("equally_spaced", rng=gen(), n_points=5).X
    np.testing.assert_array_equal(X, np.diag(np.diag(X)))
    assert not np.allclose(np.diag(X), 1.0)
    X = make_distill_data("equally_spaced", rng=gen(), n_points=5, noise=0.0).X
    np.testing.assert_array_equal(X, np.eye(5))


def test_random_walk_and_jump():
    X = make_distill_data("random_walk", rng=gen(), n_points=400, dim=50).X
    steps = np.diff(X, axis=0)
    assert steps.std() == pytest.approx(1.0, rel=0.05)
    J = make_distill_data("random_jump", rng=gen(), n_points=400, dim=50).X
    # the jump noise (std √dim) dominates consecutive differences
    assert np.diff(J, axis=0).std() == pytest.approx(math.sqrt(1 + 2 * 50), rel=0.05)


def test_uniform_cube_is_in_the_unit_cube():
    X = make_distill_data("uniform_distribution", rng=gen(), n_points=200, dim=10).X
    assert X.min() >= 0.0
    assert X.max() < 1.0


def test_specs_are_frozen():
    spec = DISTILL_DATASETS["grid"]
    assert isinstance(spec, DistillSpec)
    with pytest.raises(AttributeError):
        spec.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        DISTILL_DATASETS["x"] = spec  # type: ignore[index]
