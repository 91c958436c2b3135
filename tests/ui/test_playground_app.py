"""The playground page without a browser: build it, drive its widgets, check the models.

Before a page has acknowledged a frame the app writes every frame into the Python-side
Bokeh models as well, so these tests read the same data the browser would draw.
"""

from __future__ import annotations

import io
import itertools
import json
import shutil
import subprocess
from types import SimpleNamespace

import numpy as np
import pytest

pn = pytest.importorskip("panel")

from pyplayground.features import FEATURE_NAMES  # noqa: E402
from pyplayground.model_io import loads  # noqa: E402
from pyplayground.state import PlaygroundState  # noqa: E402
from pyplayground.ui.playground import frame as frame_module  # noqa: E402
from pyplayground.ui.playground.app import (  # noqa: E402
    GRID,
    GRID_PLAYING_BIG,
    MAX_AHEAD,
    PlaygroundApp,
)
from pyplayground.ui.playground.geometry import Geometry, link_width  # noqa: E402
from pyplayground.ui.playground.network_view import THUMB, node_key  # noqa: E402
from pyplayground.ui.playground.palette import PALETTES, heat_colors  # noqa: E402
from pyplayground.ui.playground.plots import Decimator  # noqa: E402
from pyplayground.ui.playground.png import encode_png  # noqa: E402


@pytest.fixture
def app() -> PlaygroundApp:
    return PlaygroundApp()


def nodes(app: PlaygroundApp) -> dict:
    return app.network_view.nodes.data


def thumbs(app: PlaygroundApp) -> list[np.ndarray]:
    """Each neuron's thumbnail, cut out of the mosaic image."""
    mosaic = np.asarray(app.network_view.mosaic.data["img"][0])
    cells = mosaic.ravel()[app.network_view._cells]
    return list(cells.reshape(-1, THUMB, THUMB))


def heat_image(app: PlaygroundApp) -> np.ndarray:
    return np.asarray(app.heatmap.heat.data["img"][0])


# ------------------------------------------------------------------ building


def test_default_page_matches_tf_playground(app: PlaygroundApp) -> None:
    s = app.pg.state
    assert (s.learning_rate, s.activation, s.regularization, s.network_shape) == (
        0.03,
        "tanh",
        "none",
        (4, 2),
    )
    c = app.controls
    assert c.learning_rate.value == 0.03 and c.activation.value == "tanh"
    assert c.noise.value == 0 and c.perc_train.value == 50 and c.batch_size.value == 10
    assert [n for n, t in c.features.items() if t.value] == ["x", "y"]
    assert "000,000" in c.epoch_div.text
    # 2 inputs + 4 + 2 hidden + 1 output, each with a THUMB x THUMB heatmap
    assert len(nodes(app)["key"]) == len(thumbs(app)) == 9
    assert all(np.isfinite(t).all() for t in thumbs(app))
    mosaic = np.asarray(app.network_view.mosaic.data["img"][0])
    assert np.isnan(mosaic).sum() == mosaic.size - 9 * THUMB * THUMB  # no overlaps
    assert len(app.network_view.links.data["w"]) == 2 * 4 + 4 * 2 + 2 * 1
    assert heat_image(app).shape == (GRID, GRID)
    assert len(app.heatmap.train.data["x"]) == 250


def test_page_renders_to_bokeh_models(app: PlaygroundApp) -> None:
    from bokeh.document import Document

    doc = Document()
    app.__panel__().server_doc(doc)
    names = {m.name for m in doc.models if m.name}
    assert {"pg-nodes", "pg-links", "pg-heat", "pg-frame", "pg-bridge"} <= names
    classes = {c for m in doc.models for c in (getattr(m, "css_classes", None) or [])}
    for cls in (
        "pg-play",
        "pg-step",
        "pg-reset",
        "pg-learning-rate",
        "pg-activation",
        "pg-regularization",
        "pg-regularization-rate",
        "pg-problem",
        "pg-noise",
        "pg-batch-size",
        "pg-perc-train",
        "pg-speed",
        "pg-add-layer",
        "pg-remove-layer",
        "pg-dataset-circle",
        "pg-dataset-spiral",
        "pg-feature-x",
        "pg-feature-sinY",
        "pg-epoch-box",
        "pg-stats-box",
    ):
        assert cls in classes, cls


# ------------------------------------------------------------------ training


def test_tick_trains_one_epoch_and_updates_every_view(app: PlaygroundApp) -> None:
    before = thumbs(app)
    heat = heat_image(app).copy()
    weights = np.asarray(app.network_view.links.data["w"]).copy()
    assert app.tick()
    assert app.pg.last.epoch == 1
    assert "000,001" in app.controls.epoch_div.text
    assert not np.array_equal(heat_image(app), heat)
    assert not np.array_equal(np.asarray(app.network_view.links.data["w"]), weights)
    changed = [
        not np.array_equal(a, np.asarray(b)) for a, b in zip(before, thumbs(app), strict=True)
    ]
    assert not any(changed[:2]) and all(changed[2:])  # inputs are static, the rest moved
    assert list(app.loss_chart.source.data["epoch"]) == [0, 1]
    frame = app.channel.source.data
    assert frame["epoch"] == [1] and frame["chart_mode"] == [1]
    # the frame carries the thumbnails alone, in the nodes' order; the mosaic is built from
    # them with each node's first cell
    sent = np.asarray(frame["thumbs"][0]).reshape(-1, frame["thumb"][0], frame["thumb"][0])
    np.testing.assert_array_equal(sent, np.stack(thumbs(app)))
    assert nodes(app)["cell"] == [int(c) for c in app.network_view._cells[:: THUMB * THUMB]]
    assert len(frame["main"][0]) == GRID * GRID


def test_speed_setting_trains_several_epochs_per_frame(app: PlaygroundApp) -> None:
    app.controls.speed.value = 10
    app.tick()
    assert app.pg.last.epoch == 10
    assert app.pg.state.epochs_per_frame == 10


def test_play_pause_and_step(app: PlaygroundApp) -> None:
    app.toggle_play()
    assert app.runner.playing and "Pause" in app.controls.play.label
    app.toggle_play()
    assert not app.runner.playing and "Play" in app.controls.play.label
    app.step()
    app.step()
    assert app.pg.last.epoch == 2 and not app.runner.playing


def test_waits_for_the_page_when_it_falls_behind(app: PlaygroundApp) -> None:
    app._painted_frame(app.channel.frame)  # the page is live and up to date
    for _ in range(MAX_AHEAD + 1):
        assert app.tick()
    assert app.page_behind
    epoch = app.pg.last.epoch
    assert not app.tick() and app.pg.last.epoch == epoch  # no training while behind
    app.bridge.model.text = f"ack|{app.channel.frame}|0|0|99"  # the page catches up
    assert app.tick() and app.pg.last.epoch == epoch + 1


def test_the_frame_channel_takes_only_messages_that_name_it(app: PlaygroundApp) -> None:
    """Acks and the direct path's handshake of other channels, or of none, do nothing."""
    channel = app.channel
    own = channel.source.id
    for stray in (
        SimpleNamespace(type="pg-ready"),  # no channel: e.g. an older page script
        SimpleNamespace(type="pg-ready", channel="p9999"),  # another playground's
        SimpleNamespace(type="pg-interactive", channel=own),  # not a frame message
        SimpleNamespace(type="pg-ack", frame=7, channel="p9999"),
    ):
        channel.receive(stray)
    assert not channel.direct and not app.live
    channel.receive(SimpleNamespace(type="pg-ack", frame=7, channel=own))
    assert app.live and app._painted == 7
    channel.receive(SimpleNamespace(type="pg-ready", channel=own))
    assert channel.direct


def test_live_frames_leave_python_models_alone(app: PlaygroundApp) -> None:
    app._painted_frame(app.channel.frame)
    heat = heat_image(app).copy()
    app.tick()
    assert np.array_equal(heat_image(app), heat)  # only the frame source changed
    assert app.channel.source.data["epoch"] == [1]


# ------------------------------------------------------------------ controls


def test_learning_rate_changes_live_without_reset(app: PlaygroundApp) -> None:
    for _ in range(3):
        app.tick()
    app.controls.learning_rate.value = 0.3
    assert app.pg.state.learning_rate == 0.3 and app.pg.trainer.config.learning_rate == 0.3
    assert app.pg.last.epoch == 3


def test_activation_resets_to_the_same_initial_weights(app: PlaygroundApp) -> None:
    w0 = app.pg.network.params.copy()
    app.toggle_play()
    for _ in range(3):
        app.tick()
    app.controls.activation.value = "relu"
    assert app.pg.last.epoch == 0 and not app.runner.playing  # TF pauses on reset
    app.controls.activation.value = "tanh"
    np.testing.assert_array_equal(app.pg.network.params, w0)
    for _ in range(2):
        app.tick()
    app.reset()
    np.testing.assert_array_equal(app.pg.network.params, w0)  # same seed, same weights


def test_dataset_buttons_follow_the_problem_type(app: PlaygroundApp) -> None:
    c = app.controls

    def shown() -> set[str]:
        return {n for n, b in c.datasets.items() if b in c.dataset_box.objects}

    assert shown() == {"circle", "xor", "gauss", "spiral", "two_moons"}
    c.problem.value = "regression"
    assert shown() == {"reg-plane", "reg-gauss"}
    assert app.pg.problem == "regression"
    c.problem.value = "multiclass"
    assert app.pg.state.dataset in ("spiral3", "blobs") and app.pg.n_outputs >= 3
    assert app.heatmap._class_r.visible and not app.heatmap._heat_r.visible
    assert "class 2" in app.legend.object


def test_dataset_click_regenerates_data(app: PlaygroundApp) -> None:
    x = np.asarray(app.heatmap.train.data["x"]).copy()
    app.controls.datasets["spiral"].clicks += 1
    assert app.pg.state.dataset == "spiral"
    assert app.controls.datasets["spiral"].variant == "solid"
    assert not np.array_equal(np.asarray(app.heatmap.train.data["x"]), x)


def test_feature_toggles_change_the_inputs(app: PlaygroundApp) -> None:
    c = app.controls
    c.features["xSquared"].value = True
    assert app.pg.state.features == ("x", "y", "xSquared")
    assert app.pg.network.n_inputs == 3 and len(thumbs(app)) == 10
    c.features["x"].value = False
    c.features["y"].value = False
    c.features["xSquared"].value = False  # the last feature stays on
    assert app.pg.state.features == ("xSquared",)
    assert c.features["xSquared"].value is True


def test_layer_and_neuron_buttons_respect_limits(app: PlaygroundApp) -> None:
    c = app.controls
    for _ in range(8):
        c.add_layer.clicks += 1
    assert app.pg.state.network_shape == (4, 2, 2, 2, 2, 2)
    assert c.add_layer.disabled
    for _ in range(10):
        c.add_neuron[5].clicks += 1
    assert app.pg.state.network_shape[5] == 8 and c.add_neuron[5].disabled
    for _ in range(10):
        c.remove_neuron[0].clicks += 1
    assert app.pg.state.network_shape[0] == 1 and c.remove_neuron[0].disabled
    assert "6</span> HIDDEN LAYERS" in c.layers_label.object
    assert sum(o in app.layer_groups for o in app.layer_row.objects) == 6
    for _ in range(8):
        c.remove_layer.clicks += 1
    assert app.pg.state.network_shape == () and c.remove_layer.disabled
    assert not app.layer_row.objects
    assert len(app.network_view.links.data["w"]) == 2  # inputs straight to the output


def test_layer_buttons_line_up_with_the_columns(app: PlaygroundApp) -> None:
    geo = Geometry(app.network_view.sizes)
    x = 0
    for k in range(2):
        x += app.layer_spacers[k].width
        assert abs(x + 32 - geo.column_x(k + 1)) <= 1
        x += 64


def test_largest_network_draws(app: PlaygroundApp) -> None:
    app.apply(app.pg.state.replace(features=FEATURE_NAMES, network_shape=(8,) * 6))
    app.toggle_play()
    app.tick()
    assert heat_image(app).shape == (GRID_PLAYING_BIG, GRID_PLAYING_BIG)  # cheaper while playing
    app.toggle_play()
    app.step()
    assert heat_image(app).shape == (GRID, GRID)
    assert len(thumbs(app)) == 7 + 48 + 1
    assert len(app.network_view.links.data["w"]) == 7 * 8 + 5 * 64 + 8
    np.testing.assert_allclose(
        app.network_view.links.data["width"], link_width(app.network_view._weights(app.pg.network))
    )


def test_noise_batch_ratio_and_regenerate(app: PlaygroundApp) -> None:
    c = app.controls
    c.perc_train.value = 70
    assert len(app.heatmap.train.data["x"]) == 350
    c.noise.value = 25
    assert app.pg.state.noise == 25
    c.batch_size.value = 3
    assert app.pg.trainer.config.batch_size == 3
    seed = app.pg.state.seed
    for _ in range(2):
        app.tick()
    app.regenerate()
    assert app.pg.state.seed != seed and app.pg.last.epoch == 2  # training continues


def test_show_test_data_discretize_and_palette(app: PlaygroundApp) -> None:
    c = app.controls
    assert not app.heatmap._test_r.visible
    c.show_test.value = True
    assert app.heatmap._test_r.visible
    c.discretize.value = True
    assert set(np.unique(heat_image(app))) <= {-1.0, 1.0}
    c.palette.value = "colorblind"
    assert app.network_view.heat_mapper.palette == heat_colors(PALETTES["colorblind"])
    assert "#7b3294" in app.legend.object
    assert set(app.heatmap.train.data["color"]) <= set(heat_colors(PALETTES["colorblind"]))


# ------------------------------------------------------------------ interaction


def test_hovering_a_neuron_shows_it_large(app: PlaygroundApp) -> None:
    out = heat_image(app).copy()
    app.bridge.model.text = f"hover|{node_key(1, 0)}|0|0|1"
    assert app.hovered == node_key(1, 0)
    expected = app.pg.grid(GRID)[1][0][::-1]
    np.testing.assert_allclose(heat_image(app), expected, atol=1e-6)
    app.bridge.model.text = "hover|-1|0|0|2"
    np.testing.assert_allclose(heat_image(app), out)


def test_editing_a_weight_and_the_output_bias(app: PlaygroundApp) -> None:
    app.bridge.model.text = "edit|2|1|0|1"  # weight from H1.2 to H2.1
    c = app.controls
    assert c.edit_param.value == "w:2:1:0"
    assert c.edit_value.value == pytest.approx(app.pg.network.layers[1].w[1, 0], abs=1e-4)
    c.edit_value.value = 2.5
    assert app.pg.network.layers[1].w[1, 0] == 2.5
    assert app.network_view.links.data["w"][4 * 2 + 1 * 2 + 0] == 2.5
    app.select_edit(3, -1, 0)  # the output bias (TF Playground issue #90)
    c.edit_value.value = -0.7
    assert app.pg.network.layers[2].b[0] == pytest.approx(-0.7)
    assert nodes(app)["bias"][-1] == pytest.approx(-0.7)


def test_click_on_the_plot_adds_a_point(app: PlaygroundApp) -> None:
    n = len(app.heatmap.train.data["x"])
    app.bridge.model.text = "tap|1.5|-2|0|1"
    assert len(app.heatmap.train.data["x"]) == n  # adding is off by default
    app.controls.add_class.value = 1.0
    app.bridge.model.text = "tap|1.5|-2|0|2"
    assert len(app.heatmap.train.data["x"]) == n + 1
    app.controls.add_x.value, app.controls.add_y.value = -3.0, 4.0
    app.controls.add_point.clicks += 1
    assert app.pg.points.train[-1].tolist() == [-3.0, 4.0]


def test_csv_upload_and_its_errors(app: PlaygroundApp) -> None:
    good = "x1,x2,label\n" + "\n".join(f"{i % 7 - 3},{i % 5 - 2},{(-1) ** i}" for i in range(40))
    app.upload_csv(good.encode(), "mine.csv")
    assert not app.controls.upload_error.visible
    assert len(app.pg.points.train) + len(app.pg.points.test) == 40
    app.upload_csv(b"x1,x2,label\n1,2,1\n3,oops,1\n", "bad.csv")
    assert app.controls.upload_error.visible
    assert (
        "bad.csv:3" in app.controls.upload_error.object and "x2" in app.controls.upload_error.object
    )
    app.upload_csv(b"\xff\xfe\x00", "binary.csv")
    assert "UTF-8" in app.controls.upload_error.object


def test_divergence_pauses_and_reset_recovers(app: PlaygroundApp) -> None:
    app.apply(app.pg.state.replace(learning_rate=10.0, problem="regression", activation="linear"))
    app.toggle_play()
    for _ in range(50):
        app.tick()
        if app.pg.trainer.status == "diverged":
            break
    assert app.pg.trainer.status == "diverged"
    assert not app.runner.playing
    assert "Diverged" in app.controls.stats_div.text
    app.toggle_play()
    assert not app.runner.playing  # cannot play a diverged network
    app.reset()
    assert app.pg.trainer.status == "ok" and "Diverged" not in app.controls.stats_div.text


def test_rapid_changes_while_playing_keep_views_in_step(app: PlaygroundApp) -> None:
    c = app.controls
    app.toggle_play()
    actions = [
        lambda: setattr(c.add_layer, "clicks", c.add_layer.clicks + 1),
        lambda: setattr(c.add_neuron[0], "clicks", c.add_neuron[0].clicks + 1),
        lambda: setattr(c.features["sinX"], "value", not c.features["sinX"].value),
        lambda: setattr(c.learning_rate, "value", 0.1),
        lambda: setattr(c.problem, "value", "multiclass"),
        lambda: setattr(c.problem, "value", "classification"),
        lambda: setattr(c.remove_layer, "clicks", c.remove_layer.clicks + 1),
        lambda: app.toggle_play(),
    ]
    for i in range(40):
        actions[i % len(actions)]()
        app.tick()
        net = app.pg.network
        sizes = (net.n_inputs, *net.hidden_sizes, net.n_outputs)
        assert app.network_view.sizes == sizes
        assert len(nodes(app)["key"]) == len(thumbs(app)) == sum(sizes)
        assert len(app.network_view.links.data["w"]) == sum(
            a * b for a, b in itertools.pairwise(sizes)
        )
        assert c.activation.value == app.pg.state.activation
        assert [n for n, t in c.features.items() if t.value] == list(app.pg.state.features)


# ------------------------------------------------------------------ URL


def test_initial_hash_sets_everything() -> None:
    app = PlaygroundApp(
        initial_hash="#activation=relu&learningRate=0.1&networkShape=3&"
        "dataset=xor&seed=0.5&xSquared=true&playButton_hide=true&"
        "noise_lock=true"
    )
    s = app.pg.state
    assert (s.activation, s.learning_rate, s.network_shape, s.dataset) == ("relu", 0.1, (3,), "xor")
    assert s.features == ("x", "y", "xSquared")
    assert not app.controls.play.visible and app.controls.noise.disabled
    hidden = PlaygroundApp(initial_hash="#xSquared_hide=true&dataset_hide=true")
    assert hidden.controls.features["xSquared"] not in hidden.controls.feature_box.objects
    assert len(hidden.controls.feature_box.objects) == 6 and not hidden.controls.dataset_box.objects
    assert not app.controls.notices.visible


def test_hostile_hash_shows_notices_once_and_still_works() -> None:
    app = PlaygroundApp(
        initial_hash="#learningRate=abc&networkShape=99,99,-4&noise=1e9&"
        "dataset=%3Cscript%3E&bogus=1&seed=%00"
    )
    assert app.controls.notices.visible and "&lt;script&gt;" in app.controls.notices.object
    assert app.tick()
    app.controls.dismiss.clicks += 1
    assert not app.controls.notices.visible


def test_load_hash_and_url_writing() -> None:
    class FakeLocation:
        hash = ""

        class param:
            @staticmethod
            def watch(fn, name):
                pass

    app = PlaygroundApp()
    app.url.location = location = FakeLocation()
    app.load_hash("activation=sigmoid&networkShape=5,5")
    assert app.pg.state.activation == "sigmoid" and app.pg.state.network_shape == (5, 5)
    app.controls.learning_rate.value = 1.0
    text = location.hash
    assert text.startswith("#") and "learningRate=1&" in text
    again, notices = PlaygroundState.from_hash(text)
    assert again == app.pg.state and not notices


# ------------------------------------------------------------------ exports


def test_exports(app: PlaygroundApp) -> None:
    app.tick()
    net = loads(app.sharing._model_json().getvalue())
    np.testing.assert_allclose(net.params, app.pg.network.params)
    code = app.sharing._python().getvalue()
    compile(code, "model.py", "exec")
    png = app.sharing._png().getvalue()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert app.sharing.lesson_text.value.startswith(":::{playground}")


def test_png_encoder_round_trips() -> None:
    img = np.random.default_rng(0).integers(0, 256, (5, 7, 4), dtype=np.uint8)
    data = encode_png(img)
    PIL = pytest.importorskip("PIL.Image")
    decoded = np.asarray(PIL.open(io.BytesIO(data)).convert("RGBA"))
    np.testing.assert_array_equal(decoded, img)


def test_decimator_keeps_the_series_short() -> None:
    dec = Decimator(max_points=10)
    data: dict[str, list[float]] = {"x": []}
    for x in range(1000):
        if dec.accept(x):
            data["x"].append(x)
            if dec.full():
                data = dec.halve(data)
    assert len(data["x"]) < 20 and dec.stride > 1 and data["x"][-1] > 999 - dec.stride


def test_frame_javascript_parses() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    code = frame_module.unpack_js("")
    assert "A11Y_NAMES" not in code and "aria-label" in code
    src = f"(function(cb_obj, nodes, links) {{ {code} }});"
    result = subprocess.run([node, "--check", "-"], input=src, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_model_json_is_valid_json(app: PlaygroundApp) -> None:
    data = json.loads(app.sharing._model_json().getvalue())
    assert data["training"]["hash"] == app.pg.state.to_hash()
