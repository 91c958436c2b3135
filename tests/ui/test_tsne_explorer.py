"""The t-SNE explorer without a browser: controls, metrics, sharing, activations, lesson tasks.

Every check reads what the component or its session really computed (embeddings, Bokeh
sources, widget values), never a value the test put there itself.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import param
import pytest
from bokeh.document import Document

from pyplayground.lesson_tracker import TaskTracker
from pyplayground.lessons import Lesson
from pyplayground.playground import Playground
from pyplayground.sitegen.lessons import compile_lesson
from pyplayground.state import PlaygroundState
from pyplayground.ui.tsne import TSNEExplorer
from pyplayground.ui.tsne import metrics as M
from pyplayground.ui.tsne.data import build_data, css_to_hex
from pyplayground.ui.tsne.session import TSNESession
from pyplayground.ui.tsne.share import encode_hash, parse_hash, state_tag
from pyplayground.ui.widgets import LessonWidget, make_widget
from pyplayground.widgets.tsne import KIND

LESSON = Path(__file__).resolve().parents[2] / "lessons" / "05-tsne.md"


def explorer(**settings) -> TSNEExplorer:
    return TSNEExplorer(state=KIND.state(settings))


def play(app: TSNEExplorer, frames: int) -> None:
    app.playing = True  # ticks run without a server; the periodic callback is not started
    for _ in range(frames):
        if not app.tick():
            break


def click(button) -> None:
    button.clicks += 1


def drag(slider, value) -> None:
    """What releasing a slider does in the page: ``value``, then ``value_throttled``."""
    slider.value = value
    with param.edit_constant(slider):
        slider.value_throttled = value


# ------------------------------------------------------------------ building


def test_the_component_builds_renders_and_follows_the_widget_protocol() -> None:
    app = make_widget("tsne", {"perplexity": 5})
    assert isinstance(app, TSNEExplorer) and isinstance(app, LessonWidget)
    root = app.__panel__().get_root(Document())
    assert root is not None
    assert set(app.metrics()) == {m.name for m in KIND.metrics}
    assert app.state_values() == KIND.state({"perplexity": 5})
    seen = []
    app.on_update = seen.append
    click(app.controls.step_once)
    assert seen == [app] and app.session.step == 1
    # every dataset has a thumbnail button in the menu
    assert set(app.controls.datasets) == set(KIND.param_map["dataset"].choices)
    assert all("<svg" in b.icon for b in app.controls.datasets.values())


def test_tick_steps_and_sends_one_source_update_per_frame() -> None:
    app = explorer(dataset="two_clusters")
    doc = Document()
    doc.add_root(app.__panel__().get_root(doc))
    events = []
    doc.on_change(lambda event: events.append(event))
    app.playing = True
    x0 = np.array(app.embedding_plot.source.data["x"])
    app._counter_at = app._readout_at = 1e18  # counter and readout are throttled: not now
    assert app.tick()
    changed = [e for e in events if getattr(e, "model", None) is not None]
    assert len(changed) == 1, [type(e).__name__ for e in changed]
    assert changed[0].model is app.embedding_plot.source
    assert not np.allclose(app.embedding_plot.source.data["x"], x0)


def test_play_pause_step_restart_and_the_step_counter() -> None:
    app = explorer()
    click(app.controls.play)
    assert app.playing and "Pause" in app.controls.play.label
    play(app, 80)
    step = app.session.step
    assert step > 80  # 1 step per frame at first, then as many as the time budget allows
    click(app.controls.play)
    assert not app.playing and "Play" in app.controls.play.label
    assert f">{step:,}<" in app.controls.step_div.text
    assert not app.tick()  # paused: nothing runs
    click(app.controls.step_once)
    assert app.session.step == step + 1
    click(app.controls.restart_button)
    assert app.session.step == 0 and ">0<" in app.controls.step_div.text


def test_auto_pause_then_play_on() -> None:
    app = explorer(pause_at=60)
    play(app, 500)
    assert app.session.step == 60 and not app.playing
    assert "auto-paused" in app.controls.step_div.text
    click(app.controls.play)  # the learner un-pauses: no limit any more
    assert app.playing
    play(app, 10)
    assert app.session.step > 60


# ------------------------------------------------------------------ controls


def test_dataset_thumbnail_switches_data_and_resets_its_sliders() -> None:
    app = explorer(dataset="two_clusters", points_per_cluster=20)
    assert app.session.n_points == 40
    click(app.controls.datasets["trefoil_knot"])
    s = app.session
    assert s.settings["dataset"] == "trefoil_knot" and s.settings["points_per_cluster"] == 0
    assert s.data.X.shape == (50, 3) and s.step == 0
    assert app.controls.datasets["trefoil_knot"].variant == "solid"
    assert app.controls.datasets["two_clusters"].variant == "outline"
    slider = app.controls.sliders["n_points"]
    assert slider.visible and (slider.start, slider.end, slider.value) == (1, 200, 50)
    assert (
        not app.controls.sliders["points_per_cluster"].visible
        and not app.controls.sliders["dim"].visible
    )
    assert "Trefoil Knot" in app.controls.description.object


def test_each_slider_changes_its_setting_and_restarts() -> None:
    app = explorer(dataset="two_different_sized_clusters")
    play(app, 5)
    cases = {
        "points_per_cluster": (30, lambda s: s.n_points == 60),
        "dim": (7, lambda s: s.data.X.shape[1] == 7),
        "scale": (10.0, lambda s: M.size_ratio(s.data.X, s.data.labels) < 0.2),
        "perplexity": (12, lambda s: s.perplexity_used == 12),
        "epsilon": (3, lambda s: s.steppers[0].learning_rate == 3),
    }
    for key, (value, holds) in cases.items():
        drag(app.controls.sliders[key], value)
        s = app.session
        assert s.settings[key] == value and s.step == 0, key
        assert holds(s), key
    assert "#tsne=" in app.controls.link.value and "perplexity%3D12" in app.controls.link.value


def test_view_method_seed_and_layer_controls() -> None:
    app = explorer(dataset="trefoil_knot", n_points=100)
    first = app.session.embedding().copy()
    app.controls.seed.value = 7
    assert app.session.settings["seed"] == 7
    play(app, 3)
    assert not np.allclose(app.session.embedding()[:, 0], first[:, 0])
    app.controls.method.value = "fft"
    assert app.session.method_used == "fft" and app.session.steppers[0].method == "fft"
    app.controls.view.value = "runs"
    assert len(app.session.steppers) == 5 and app.plots.objects == [app.runs_plot.pane]
    play(app, 3)
    xs = [np.asarray(app.runs_plot.source.data[f"x{r}"]) for r in range(5)]
    assert not np.allclose(xs[0], xs[1])  # different random starts
    app.controls.view.value = "pca"
    assert app.beside_plot.figure.title.text == "PCA (linear)"
    assert not app.controls.layer.visible
    click(app.controls.datasets["activations"])
    assert app.controls.layer.visible and app.controls.refresh.visible


def test_original_data_is_drawn_with_depth_for_3d_and_as_pca_above() -> None:
    app = explorer(dataset="trefoil_knot")
    src = app.beside_plot.source.data
    z = app.session.data.X[:, 2]
    assert np.ptp(src["size"]) > 5  # nearer points bigger
    assert list(src["size"]) == sorted(src["size"])  # far ones drawn first
    assert src["size"][-1] == src["size"].max() and "3-D" in app.beside_plot.figure.title.text
    assert np.all(np.diff(z[app.session.draw_order()]) >= 0)  # drawn far to near
    click(app.controls.datasets["random_walk"])
    assert app.beside_plot.figure.title.text == "PCA of the original 100-D data"


# ------------------------------------------------------------------ metrics


def test_metrics_come_from_the_current_embedding() -> None:
    app = explorer(dataset="three_clusters", perplexity=50)
    before = app.metrics()
    assert before["step"] == 0 and before["kl"] is None
    play(app, 400)
    s = app.session
    app.playing = False
    m = app.metrics()
    Y, labels = s.embedding(), s.data.labels
    nbrs = M.knn(Y)
    assert m["step"] == s.step > 0 and m["n_points"] == 150
    assert m["knn_agreement"] == pytest.approx(np.mean(labels[nbrs] == labels[:, None]))
    centres = np.stack([Y[labels == c].mean(0) for c in range(3)])
    d = np.sqrt(((centres[:, None] - centres[None]) ** 2).sum(-1))[np.triu_indices(3, 1)]
    assert m["distance_ratio"] == pytest.approx(d.max() / d.min())
    assert m["distance_ratio"] != before["distance_ratio"]
    assert m["kl"] is not None and np.isfinite(m["kl"])
    # trustworthiness agrees with scikit-learn's definition on a small case
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 5))
    E = X[:, :2] + 0.3 * rng.normal(size=(40, 2))
    sklearn = pytest.importorskip("sklearn.manifold")
    ours = M.trustworthiness(M.knn(E), M.data_ranks(X))
    assert ours == pytest.approx(sklearn.trustworthiness(X, E, n_neighbors=5))


def test_large_embeddings_use_a_fixed_sample_for_neighbour_metrics() -> None:
    s = TSNESession(KIND.state({"dataset": "digits", "n_points": 900, "method": "exact"}))
    s.advance(300)
    rows = s.sample()
    assert rows is not None and len(rows) == 600 and np.array_equal(rows, s.sample())
    Y, labels = s.embedding(), s.data.labels
    full_knn = M.knn_agreement(M.knn(Y), labels)
    full_trust = M.trustworthiness(M.knn(Y), M.data_ranks(s.data.X))
    m = s.metrics()
    assert m["knn_agreement"] == pytest.approx(full_knn, abs=0.03)
    assert m["trustworthiness"] == pytest.approx(full_trust, abs=0.02)
    np.testing.assert_array_equal(np.sort(M.knn(Y, rows=rows), 1), np.sort(M.knn(Y)[rows], 1))


def test_metrics_tell_the_articles_cases_apart() -> None:
    def after(steps: int, **settings) -> dict:
        s = TSNESession(KIND.state(settings))
        while s.step < steps:
            s.advance(100)
        return s.metrics()

    noise = {"dataset": "gaussian_cloud", "n_points": 300, "dim": 100}
    assert after(500, perplexity=2, **noise)["clumps"] >= 20
    assert after(500, perplexity=30, **noise)["clumps"] <= 6
    lines = {"dataset": "two_long_linear_clusters", "points_per_cluster": 75}
    assert after(1000, perplexity=2, **lines)["elongation"] < 0.8
    assert after(1000, perplexity=50, **lines)["elongation"] >= 0.95
    sizes = after(1000, dataset="two_different_sized_clusters", scale=10, perplexity=30)
    assert sizes["data_size_ratio"] < 0.15 and sizes["cluster_size_ratio"] > 0.8


def test_perplexity_is_clamped_below_the_number_of_points_with_a_note() -> None:
    app = explorer(dataset="two_clusters", perplexity=100)  # Distill figure 01
    m = app.metrics()
    assert m["perplexity_clamped"] is True and m["perplexity_used"] == 99
    assert app.session.steppers[0].n_samples == 100
    assert "not below the number of points (100); using 99" in app.controls.notes.object
    drag(app.controls.sliders["perplexity"], 30)
    assert app.metrics()["perplexity_clamped"] is False and app.controls.notes.object == ""
    tiny = explorer(dataset="circle_evenly_spaced", n_points=1, perplexity=30)
    assert tiny.session.n_points == 3 and tiny.metrics()["perplexity_used"] == 2
    assert "at least 3 points" in tiny.controls.notes.object


# ------------------------------------------------------------------ state and sharing


def test_load_state_restarts_paused_in_the_new_settings() -> None:
    app = explorer()
    click(app.controls.play)
    play(app, 20)
    target = KIND.state({"dataset": "grid", "points_per_side": 12, "perplexity": 8})
    app.load_state(target)
    assert not app.playing and app.session.step == 0
    assert app.state_values() == target and app.session.n_points == 144
    assert (
        app.controls.sliders["points_per_side"].value == 12
        and app.controls.sliders["perplexity"].value == 8
    )


def test_share_link_round_trips_and_reproduces_the_view() -> None:
    app = explorer(dataset="grid")
    app.set_setting("seed", 42)
    click(app.controls.datasets["two_different_sized_clusters"])
    drag(app.controls.sliders["scale"], 9.0)
    drag(app.controls.sliders["perplexity"], 7)
    link = app.controls.link.value
    assert link.startswith("#tsne=")
    state, notes = parse_hash(link, app.tag)
    assert notes == [] and state == app.state_values()
    # the same lesson block, opened with the link: same settings, same data, same layout
    other = explorer(dataset="grid")
    other.apply_hash(link)
    assert other.state_values() == app.state_values()
    np.testing.assert_array_equal(other.session.data.X, app.session.data.X)
    app.restart()
    play(app, 30)
    play(other, 30)
    np.testing.assert_allclose(other.session.embedding(), app.session.embedding())
    # another widget's link (another tag) is ignored
    third = explorer(dataset="trefoil_knot")
    third.apply_hash(link)
    assert third.state_values()["dataset"] == "trefoil_knot"


def test_a_link_with_bad_values_applies_the_rest_and_says_what_was_skipped() -> None:
    app = explorer()
    text = "#" + encode_hash({**KIND.defaults(), "perplexity": 12.0}, app.tag)
    text = text.replace("perplexity%3D12", "perplexity%3D12%26epsilon%3D999%26bogus%3D1%26seed%3Dx")
    app.apply_hash(text)
    assert app.state_values()["perplexity"] == 12.0 and app.state_values()["epsilon"] == 10.0
    notes = app.controls.notes.object
    assert "epsilon" in notes and "bogus" in notes and "seed" in notes
    assert parse_hash("#other=1", app.tag) == (None, [])
    assert state_tag(KIND.defaults()) != state_tag(KIND.state({"perplexity": 5}))


def test_css_colours_become_hex() -> None:
    assert css_to_hex("#039") == "#003399"
    assert css_to_hex("rgb(20,127,255)") == "#147fff"
    assert css_to_hex("hsl(120,50%,50%)") == "#40bf40"


# ------------------------------------------------------------------ activations


def _trained_circle(epochs: int) -> SimpleNamespace:
    pg = Playground(PlaygroundState().replace(dataset="circle", network_shape=(4, 2)))
    if epochs:
        pg.step(epochs)
    return SimpleNamespace(pg=pg)  # what a LessonPlayground exposes


def test_activations_of_a_peer_playgrounds_hidden_layer() -> None:
    peer = _trained_circle(0)
    pg = peer.pg
    state = KIND.state({"dataset": "activations", "source": "net", "layer": 1})
    data = build_data(state, {"net": peer})
    points = np.concatenate([pg.points.train, pg.points.test])
    assert data.n_points == len(points) and data.X.shape[1] == 4  # layer 1 has 4 neurons
    from pyplayground.features import feature_matrix

    expected = pg.network.activations(feature_matrix(points, pg.state.features))[0]
    np.testing.assert_allclose(data.X, expected)
    y = np.concatenate([pg.points.y_train, pg.points.y_test])
    np.testing.assert_array_equal(data.labels, (y > 0).astype(int))
    last = build_data(KIND.state({"dataset": "activations", "source": "net"}), {"net": peer})
    assert last.X.shape[1] == 2 and "hidden layer 2" in last.title
    missing = build_data(KIND.state({"dataset": "activations", "source": "nope"}), {"net": peer})
    assert "no playground 'nope'" in missing.notes[0]


def test_training_the_peer_separates_the_classes_in_the_hidden_layer() -> None:
    peer = _trained_circle(0)
    app = TSNEExplorer(KIND.state({"dataset": "activations", "source": "net"}), {"net": peer})
    play(app, 200)
    untrained = app.session.metrics()["separation"]
    peer.pg.step(200)
    click(app.controls.refresh)  # read the network again
    assert app.session.step == 0 and "epoch 200" in app.session.data.title
    play(app, 200)
    app.playing = False
    trained = app.metrics()["separation"]
    assert untrained < 1.2 < 1.5 < trained
    app.controls.layer.value = 1  # the first hidden layer: 4 neurons
    assert app.session.data.X.shape[1] == 4 and "hidden layer 1" in app.session.data.title


# ------------------------------------------------------------------ the lesson's tasks


def _lesson() -> Lesson:
    return Lesson.from_dict(compile_lesson(LESSON))


def _part(lesson: Lesson, task_id: str, peers: dict) -> tuple[TSNEExplorer, str]:
    part_id = lesson.task(task_id).playground
    spec = lesson.widgets[part_id]
    return TSNEExplorer(dict(spec.state), peers), part_id


def _feed(tracker: TaskTracker, app: TSNEExplorer, part_id: str, task_id: str) -> bool:
    tracker.update(app.metrics(), app.state_values(), playground=part_id)
    return tracker.status(task_id).done


def _run(tracker, app, part_id, task_id, steps: int) -> bool:
    while app.session.step < steps:
        app.session.advance(100)
        if app.session.paused_at_limit:
            app.session.lift_limit_if_reached()
        if _feed(tracker, app, part_id, task_id):
            return True
    return False


TASK_IDS = [t.id for t in _lesson().tasks]


@pytest.mark.parametrize("task_id", TASK_IDS)
def test_lesson_task_is_done_by_its_solution_and_not_by_play_alone(task_id: str) -> None:
    lesson = _lesson()
    peers = {"net": _trained_circle(300 if task_id == "layers" else 0)}
    app, part = _part(lesson, task_id, peers)
    tracker = TaskTracker(lesson)
    assert not _feed(tracker, app, part, task_id)
    task = lesson.task(task_id)
    if task.solution is not None:
        assert not _run(tracker, app, part, task_id, 1000), "pressing play alone solved it"
        app.load_state(TaskTracker(lesson).solution_state(task_id))
    else:  # layers: the hints' action (the playground is trained): read the network again
        app.restart(new_data=True)
    tracker = TaskTracker(lesson)
    done = _feed(tracker, app, part, task_id) or _run(tracker, app, part, task_id, 1500)
    assert done, tracker.status(task_id).conditions


def test_lesson_layers_task_is_not_done_with_an_untrained_network() -> None:
    lesson = _lesson()
    app, part = _part(lesson, "layers", {"net": _trained_circle(0)})
    assert not _run(TaskTracker(lesson), app, part, "layers", 1000)


# ------------------------------------------------------------------ standalone


def test_it_runs_alone_under_panel_serve(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    script = tmp_path / "tsne_alone.py"
    script.write_text("from pyplayground.ui.tsne import TSNEExplorer\nTSNEExplorer().servable()\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "panel", "serve", str(script), "--port", str(port),
         "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/tsne_alone", timeout=30) as r:
                    page = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
                time.sleep(0.5)
        assert "<title>" in page  # the session (and the explorer) is built for this request
    finally:
        proc.terminate()
        log = proc.communicate(timeout=20)[0]
    assert "Traceback" not in log and "ERROR" not in log, log
