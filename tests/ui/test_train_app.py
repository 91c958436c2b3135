"""TrainApp without a browser: the model, the timer, and Jupyter-style rendering."""

from __future__ import annotations

import numpy as np
import pytest

pn = pytest.importorskip("panel")

from bokeh.models import Model  # noqa: E402

from pyplayground.trainer import StepResult  # noqa: E402
from pyplayground.ui import train_app  # noqa: E402
from pyplayground.ui.train_app import GRID, TrainApp, diverging_palette  # noqa: E402


class FakeCallback:
    """Stands in for pn.state.add_periodic_callback's PeriodicCallback."""

    def __init__(self, callback, period):
        self.callback, self.period, self.running = callback, period, True

    def start(self):
        self.running = True

    def stop(self):
        self.running = False


@pytest.fixture
def timers(monkeypatch) -> list[FakeCallback]:
    made: list[FakeCallback] = []

    def add_periodic_callback(callback, period=500, **_kwargs):
        made.append(FakeCallback(callback, period))
        return made[-1]

    monkeypatch.setattr(train_app.pn.state, "add_periodic_callback", add_periodic_callback)
    return made


def test_starts_at_epoch_zero_with_a_boundary_image() -> None:
    app = TrainApp()
    assert app.epoch == 0
    image = app.image_source.data["image"][0]
    assert image.shape == (GRID, GRID) and np.all(np.abs(image) <= 1)
    assert list(app.loss_source.data["epoch"]) == [0]
    assert len(app.points_source.data["x"]) == 250  # half of 500 points train


def test_a_tick_trains_and_streams_the_loss() -> None:
    app = TrainApp(dataset="xor", epochs_per_tick=2)
    image = app.image_source.data["image"][0].copy()
    result = app.tick()
    assert result.epoch == app.epoch == 2
    assert list(app.loss_source.data["epoch"]) == [0, 2]
    assert not np.array_equal(app.image_source.data["image"][0], image)
    assert app._epoch_view.value == 2


def test_training_learns_the_circle() -> None:
    app = TrainApp(dataset="circle", learning_rate=0.1, epochs_per_tick=10)
    first = app.loss_source.data["train"][0]
    for _ in range(15):
        result = app.tick()
    assert result.train_loss < 0.5 * first
    assert result.test_accuracy > 0.9


def test_changing_the_data_resets_but_the_learning_rate_does_not() -> None:
    app = TrainApp()
    app.tick()
    x = np.array(app.points_source.data["x"])
    app.learning_rate = 0.3
    assert app.epoch == 1 and app.trainer.config.learning_rate == 0.3
    app.dataset = "spiral"
    assert app.epoch == 0
    assert not np.array_equal(np.array(app.points_source.data["x"]), x)
    app.tick()
    app.noise = 0.25
    assert app.epoch == 0


def test_the_play_button_starts_and_pauses_the_timer(timers) -> None:
    app = TrainApp(period_ms=40)
    app._play.clicks += 1  # what a click in the browser does
    assert app.running and app._play.name == "Pause"
    (timer,) = timers
    assert timer.running and timer.period == 40 and timer.callback == app.tick
    app._play.clicks += 1
    assert not app.running and not timer.running and app._play.name == "Train"
    app._play.clicks += 1
    assert timer.running and len(timers) == 1  # the same timer restarts


def test_divergence_stops_the_timer_and_says_why(timers, monkeypatch) -> None:
    app = TrainApp()
    app.running = True
    ok = app.tick()
    diverged = StepResult(
        ok.epoch + 1,
        float("inf"),
        float("inf"),
        0.5,
        0.5,
        "diverged",
        "a weight became infinite or NaN",
    )
    monkeypatch.setattr(app.trainer, "step", lambda epochs: diverged)
    assert app.tick() is diverged
    assert not app.running and app.message == "a weight became infinite or NaN"
    assert np.isfinite(app._loss_y.end)  # the plot keeps a finite range


def test_palette_runs_from_orange_through_grey_to_blue() -> None:
    palette = diverging_palette(5)
    assert palette[0] == train_app.NEGATIVE and palette[-1] == train_app.POSITIVE
    assert palette[2] == train_app.NEUTRAL


def test_renders_like_jupyter_does() -> None:
    pn.extension()
    app = TrainApp()
    bundle = app._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    assert "application/vnd.holoviews_exec.v0+json" in data
    root = pn.panel(app).get_root()
    classes = {
        c for m in root.select({"type": Model}) for c in (getattr(m, "css_classes", None) or [])
    }
    assert {"pg-play", "pg-epoch", "pg-dataset", "pg-noise"} <= classes


def test_saves_as_a_standalone_page(tmp_path) -> None:
    path = tmp_path / "train.html"
    TrainApp().__panel__().save(str(path), embed=False)
    assert "pg-play" in path.read_text()
