"""The lesson app with widgets (``:::{tsne}``, ``:::{adversarial}``): built by kind, given
the page's playgrounds as peers, checked on every ``on_update``, "Show me" and "Reset
progress" go through ``load_state``.  A recording stand-in replaces the real components
(those have their own tests) so that this checks the app's side of the protocol only."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

pn = pytest.importorskip("panel")

from pyplayground.lessons import Lesson  # noqa: E402
from pyplayground.sitegen.lessons import compile_lesson  # noqa: E402
from pyplayground.ui import lesson_app  # noqa: E402
from pyplayground.ui.widgets import LessonWidget, widget_class  # noqa: E402
from pyplayground.widgets import KINDS, get_kind  # noqa: E402

LESSON = """---
schema: playground-lesson/1
id: widgets
title: Widgets
summary: s
level: beginner
minutes: 5
runtime: browser
---

# Widgets

:::{playground} net
:::

:::{tsne} explore
perplexity: 5
:::

:::{task} raise
:title: Raise the perplexity and run
check:
  all:
    - {state: perplexity, op: ">=", value: 30}
    - {metric: step, op: ">=", value: 10, for_epochs: 2}
hints: [Drag the slider.]
solution: {perplexity: 40}
:::
"""


class FakeWidget(pn.viewable.Viewer):
    """Follows the widget protocol and records what the app does with it."""

    def __init__(self, state: Mapping[str, Any] | None = None, peers: Any = None) -> None:
        super().__init__()
        self.settings = dict(state or {})
        self.peers = dict(peers or {})
        self.step = 0
        self.loaded: list[dict[str, Any]] = []
        self.on_update = None

    def metrics(self) -> dict[str, Any]:
        return {"step": self.step, "kl": 1.0}

    def state_values(self) -> dict[str, Any]:
        return dict(self.settings)

    def load_state(self, state: Mapping[str, Any]) -> None:
        self.loaded.append(dict(state))
        self.settings, self.step = dict(state), 0
        self.redraw()

    def redraw(self) -> None:
        if self.on_update is not None:
            self.on_update(self)

    def __panel__(self) -> Any:
        return pn.pane.Markdown("fake")


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> lesson_app.LessonApp:
    path = tmp_path / "01-widgets.md"
    path.write_text(LESSON, encoding="utf-8")
    made: list[tuple[str, dict, dict]] = []

    def fake_make(kind: str, state: Any = None, peers: Any = None) -> FakeWidget:
        made.append((kind, dict(state), dict(peers)))
        return FakeWidget(get_kind(kind).state(state or {}), peers)

    monkeypatch.setattr(lesson_app, "make_widget", fake_make)
    built = lesson_app.LessonApp(Lesson.from_dict(compile_lesson(path)))
    built.made = made  # type: ignore[attr-defined]
    return built


def test_widgets_are_built_with_their_settings_and_the_playgrounds_as_peers(app) -> None:
    ((kind, state, peers),) = app.made
    assert kind == "tsne" and state["perplexity"] == 5.0
    assert peers == {"net": app.playgrounds["net"]}
    assert list(app.parts) == ["net", "explore"]
    keys = [key for key, _ in app.roots()]
    assert keys == ["progress", "playground:net", "widget:explore", "task:raise"]
    assert dict(app.roots())["widget:explore"] is app.widgets["explore"]


def test_a_widget_update_checks_its_tasks(app) -> None:
    widget = app.widgets["explore"]
    widget.settings["perplexity"] = 30.0
    for step in (10, 11):
        widget.step = step
        widget.redraw()
    assert app.tracker.status("raise").done
    assert app.tracker.n_done == 1
    # the task view shows it (✓) and the progress bar counts it
    assert "1 of 1" in app.progress_view.text.object


def test_show_me_and_reset_go_through_load_state(app) -> None:
    widget = app.widgets["explore"]
    app.show_me("raise")
    assert widget.loaded[-1]["perplexity"] == 40.0
    assert "explorable now has settings that work" in app.task_views["raise"].message.object
    app.reset_progress()
    assert widget.loaded[-1]["perplexity"] == 5.0
    assert not app.tracker.status("raise").done


def test_every_kind_names_a_component_that_follows_the_protocol() -> None:
    for name in KINDS:
        cls = widget_class(name)
        for attr in ("metrics", "state_values", "load_state"):
            assert callable(getattr(cls, attr, None)), (name, attr)
        assert issubclass(cls, pn.viewable.Viewer)
    assert isinstance(FakeWidget(), LessonWidget)
