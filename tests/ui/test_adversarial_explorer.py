"""The adversarial explorer without a browser: controls, metrics against the library run
directly, one Bokeh change per redraw, coalescing, curves in chunks, drawing, 2-D mode,
the lesson's tasks."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

pn = pytest.importorskip("panel")

from bokeh.document import Document  # noqa: E402

from pyplayground.adversarial import (  # noqa: E402
    accuracy_vs_strength,
    fgsm,
    jsma,
    min_flip_strength,
    pgd,
)
from pyplayground.lesson_tracker import TaskTracker  # noqa: E402
from pyplayground.lessons import Lesson  # noqa: E402
from pyplayground.playground import Playground  # noqa: E402
from pyplayground.sitegen.lessons import compile_lesson  # noqa: E402
from pyplayground.state import PlaygroundState  # noqa: E402
from pyplayground.ui.adversarial import AdversarialExplorer  # noqa: E402
from pyplayground.ui.adversarial.drawing import rasterize  # noqa: E402
from pyplayground.ui.adversarial.lab import CurveJob, shipped_model  # noqa: E402
from pyplayground.ui.adversarial.lab import test_digits as digits_data  # noqa: E402
from pyplayground.ui.adversarial.points import PlaneNet  # noqa: E402
from pyplayground.ui.widgets import LessonWidget, make_widget, widget_class  # noqa: E402
from pyplayground.widgets import get_kind  # noqa: E402

KIND = get_kind("adversarial")
LESSON = Path(__file__).resolve().parents[2] / "lessons" / "06-adversarial.md"


@pytest.fixture(scope="module")
def explorer() -> AdversarialExplorer:
    return AdversarialExplorer()


@pytest.fixture
def fresh() -> AdversarialExplorer:
    return AdversarialExplorer()


def digit(i: int) -> tuple[np.ndarray, int]:
    X, y = digits_data()
    return X[i : i + 1], int(y[i])


def packet(e: AdversarialExplorer) -> dict:
    return {k: v[0] for k, v in e.packet.source.data.items()}


# ---------------------------------------------------------------- protocol


def test_the_kind_names_this_component_and_it_follows_the_protocol() -> None:
    assert widget_class("adversarial") is AdversarialExplorer
    w = make_widget("adversarial", {"eps": 0.2})
    assert isinstance(w, LessonWidget)
    assert w.state_values() == {**KIND.defaults(), "eps": 0.2}
    assert set(w.metrics()) == set(KIND.metric_map)
    seen = []
    w.on_update = seen.append
    w.c.eps.value = 0.25
    assert seen == [w]
    assert isinstance(w.__panel__(), pn.Column)


def test_metrics_are_those_of_the_attack_run_directly(fresh: AdversarialExplorer) -> None:
    x, label = digit(0)
    net = shipped_model("plain")
    res = fgsm(net, x, [label], 0.1)
    m = fresh.metrics()
    assert m["true_label"] == label
    assert m["predicted"] == res.pred_clean[0]
    assert m["adv_predicted"] == res.pred_adv[0]
    assert m["fooled"] == bool(res.pred_adv[0] != label)
    assert m["confidence"] == pytest.approx(res.out_adv[0].max())
    assert m["true_probability"] == pytest.approx(res.out_adv[0][label])
    assert m["changed_pixels"] == res.l0[0]
    assert m["test_accuracy"] == pytest.approx(0.9833, abs=1e-4)
    flip = min_flip_strength(net, x, tol=1e-3).eps
    assert m["min_flip_eps"] == pytest.approx(flip)
    assert m["excess_eps"] == pytest.approx(0.1 - flip)
    # what the page shows is the same result: probabilities (sum 1), images, eps
    p = packet(fresh) if fresh.packet.source.data else None
    assert p is None  # the first redraw goes straight into the views, not as a packet
    adv_img = np.asarray(fresh.images.adv.data["img"][0])
    assert np.allclose(adv_img[::-1].ravel(), res.x_adv[0], atol=1e-6)
    before = np.array(fresh.bars.source.data["before"])
    after = np.array(fresh.bars.source.data["after"])
    assert before.sum() == pytest.approx(1, abs=1e-5) and after.sum() == pytest.approx(1, abs=1e-5)
    assert np.allclose(after, res.out_adv[0], atol=1e-6)


@pytest.mark.parametrize(
    ("settings", "run"),
    [
        (
            {"attack": "pgd", "eps": 0.08, "pgd_steps": 7, "digit": 5},
            lambda net, x, y: pgd(net, x, [y], 0.08, n_steps=7),
        ),
        (
            {"attack": "pgd", "eps": 0.1, "targeted": True, "target": 7, "digit": 50},
            lambda net, x, y: pgd(net, x, [y], 0.1, target=7),
        ),
        (
            {"attack": "fgsm", "eps": 0.2, "targeted": True, "target": 2, "digit": 3},
            lambda net, x, y: fgsm(net, x, [y], 0.2, target=2),
        ),
        (
            {"attack": "jsma", "eps": 0.2, "target": 7, "digit": 50, "model": "robust"},
            lambda net, x, y: jsma(net, x, [y], 0.2, target=7),
        ),
    ],
)
def test_every_attack_matches_the_library(fresh: AdversarialExplorer, settings, run) -> None:
    fresh.load_state({**KIND.defaults(), **settings})
    x, label = digit(settings["digit"])
    res = run(shipped_model(settings.get("model", "plain")), x, label)
    m = fresh.metrics()
    assert m["adv_predicted"] == res.pred_adv[0]
    assert m["changed_pixels"] == res.l0[0]
    assert m["target_reached"] == (
        res.target is not None and bool(res.pred_adv[0] == res.target[0])
    )
    p = packet(fresh)
    assert np.allclose(np.asarray(p["adv"]).reshape(8, 8)[::-1].ravel(), res.x_adv[0], atol=1e-6)
    assert np.allclose(p["p_adv"], res.out_adv[0], atol=1e-6)
    assert p["eps"] == pytest.approx(settings["eps"])


# ---------------------------------------------------------------- controls


def test_each_control_changes_what_it_should(fresh: AdversarialExplorer) -> None:
    c = fresh.c
    base = fresh.metrics()
    c.eps.value = 0.3
    p = packet(fresh)
    assert p["eps"] == 0.3 and fresh.state_values()["eps"] == 0.3
    assert fresh.metrics()["changed_pixels"] >= base["changed_pixels"]
    assert "0.300" in p["info_html"]
    n = fresh.packet.n
    c.attack.value = "pgd"
    assert fresh.state["attack"] == "pgd" and fresh.packet.n == n + 1
    assert c.pgd_steps.visible and "PGD" in packet(fresh)["info_html"]
    c.pgd_steps.value = 3
    assert fresh.state["pgd_steps"] == 3 and fresh.packet.n == n + 2
    c.model.value = "robust"
    assert fresh.state["model"] == "robust"
    assert fresh.metrics()["test_accuracy"] == pytest.approx(0.9833, abs=1e-4)
    assert not np.allclose(packet(fresh)["p_adv"], p["p_adv"])
    c.targeted.value = True
    c.target.value = 4
    assert fresh.state["targeted"] and fresh.state["target"] == 4
    assert "target 4" in packet(fresh)["pred_html"]
    c.digit.value = 12
    assert fresh.metrics()["true_label"] == digits_data()[1][12]
    c.digit_class.value = "9"
    assert digits_data()[1][fresh.state["digit"]] == 9 and fresh.state["digit"] > 12
    assert c.digit_class.value == "—"
    c.attack.value = "jsma"
    assert c.targeted.disabled and not c.pgd_steps.visible
    assert fresh.metrics()["changed_pixels"] <= 64 * 0.3 + 1


def test_a_redraw_is_one_bokeh_change() -> None:
    e = AdversarialExplorer()
    doc = Document()
    doc.add_root(e.__panel__().get_root(doc))
    changes: list = []
    doc.on_change(lambda event: changes.append(event))
    e.c.eps.value = 0.2
    seen = [
        (type(ev.model).__name__, getattr(ev, "attr", None), ev.model.name)
        for ev in changes
        if hasattr(ev, "model")
    ]
    # the slider's own value, then the packet: nothing else goes to the page
    assert seen == [("Slider", "value", None), ("ColumnDataSource", "data", "pg-adv-packet")]
    assert len(changes) == 2


def test_a_burst_of_changes_is_computed_once_with_the_latest_value() -> None:
    e = AdversarialExplorer()
    e._pump = FakePump()  # as if served: the pump's ticks do the work
    e._last_compute = time.perf_counter()
    before = e.computations
    for v in (0.11, 0.12, 0.13, 0.14, 0.15):
        e.c.eps.value = v
    assert e.computations == before and e._dirty
    assert e.tick()
    assert e.computations == before + 1 and not e._dirty
    assert packet(e)["eps"] == 0.15 and e.metrics()["eps"] == 0.15
    # a change after a quiet spell is computed at once
    e._last_compute -= 1.0
    e.c.eps.value = 0.2
    assert e.computations == before + 2 and packet(e)["eps"] == 0.2


class FakePump:
    stopped = False

    def stop(self) -> None:
        self.stopped = True


def test_a_strength_posted_straight_from_the_page_is_drawn_at_once_and_answered() -> None:
    e = AdversarialExplorer()
    sent: list[dict] = []
    e.packet.direct, e.packet.post = True, sent.append  # as in the worker, after the first
    updates: list = []
    e.on_update = updates.append
    before = e.computations
    e.packet.request(0.2, 1)
    # computed and drawn at once; the packet carries the answer to request 1
    assert e.computations == before + 1 and e.state_values()["eps"] == 0.2
    assert [(m["type"], m.get("req"), m["eps"]) for m in sent] == [("pg-adv-packet", 1, 0.2)]
    assert updates == [e]  # without a pump, on_update at once
    # the slider's late Bokeh sync brings older values, then the same one: never acted on
    for v in (0.125, 0.15, 0.2):
        e.c.eps.value = v
    assert e.computations == before + 1 and len(sent) == 1
    assert e.state_values()["eps"] == 0.2 and e.metrics()["eps"] == 0.2
    # the value already drawn, or a bad one: nothing computed, but always an answer
    e.packet.request(0.2, 2)
    e.packet.request("nonsense", 3)
    assert e.computations == before + 1
    assert [(m["type"], m["req"]) for m in sent[1:]] == [("pg-adv-ack", 2), ("pg-adv-ack", 3)]
    # a Python-side change of the settings still redraws (through load_state)
    e.load_state({**e.state_values(), "eps": 0.05})
    assert e.state_values()["eps"] == 0.05 and sent[-1]["eps"] == 0.05 and "req" not in sent[-1]


def test_during_a_drag_on_update_waits_until_the_slider_is_still() -> None:
    from pyplayground.ui.adversarial import app

    e = AdversarialExplorer()
    e.packet.direct, e.packet.post = True, [].append
    e._pump = FakePump()  # as if served
    updates: list = []
    e.on_update = updates.append
    for req, v in enumerate((0.11, 0.12, 0.13), start=1):
        e.packet.request(v, req)
    assert updates == [] and e._notify_at is not None
    assert e.tick()  # not due yet: the pump keeps running
    assert updates == []
    time.sleep(app.NOTIFY_QUIET_S)
    assert e.tick() and updates == [e]
    assert e.metrics()["eps"] == 0.13 and e._notify_at is None


def _node(script: str) -> dict:
    import json
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    out = subprocess.run([node, "-e", script], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_page_keeps_one_strength_in_flight_and_sends_the_latest_next() -> None:
    from pyplayground.ui.adversarial.views import eps_callback

    code = eps_callback("p")["value"]
    result = _node(
        """
        const posted = [];
        globalThis.pyodideWorker = {postMessage: (m) => posted.push(m)};
        const packet = {id: "p"};
        globalThis.window = {pgAdvPackets: {p: packet}};
        const slider = {id: "s", value: 0};
        const change = new Function("cb_obj", "packet_id", CODE);
        const move = (v) => { slider.value = v; change(slider, "p"); };
        const q = () => packet._pgEps;
        const log = {};
        move(0.1);                            // sent at once
        move(0.105); move(0.11); move(0.115); // in flight: only the latest is kept
        log.first = posted.map((m) => [m.type, m.req, m.value]);
        q().answer(7);                        // not the request in flight: ignored
        log.stale = posted.length;
        q().answer(1);                        // the answer sends the latest value
        log.second = posted.slice(1).map((m) => [m.req, m.value]);
        q().answer(2);                        // nothing new: idle again
        log.idle = !q().inflight;
        move(0.12);
        log.third = posted.slice(2).map((m) => [m.req, m.value]);
        q().answer(3);
        move(0.125); move(0.12); move(0.125); // back to the value in flight: not sent again
        q().answer(4);
        log.end = [posted.length, q().inflight];
        window.pgAdvPackets = {};             // no direct path yet: the page posts nothing
        move(0.3);
        log.off = posted.length;
        console.log(JSON.stringify(log));
        """.replace("CODE", repr(code))
    )
    assert result["first"] == [["pg-adv-eps", 1, 0.1]]
    assert result["stale"] == 1
    assert result["second"] == [[2, 0.115]]
    assert result["idle"] is True
    assert result["third"] == [[3, 0.12]]
    assert result["end"] == [4, False] and result["off"] == 4


def test_the_page_holds_panels_patch_of_the_slider_until_it_is_still() -> None:
    from pyplayground.ui.adversarial.views import HOLD_JS, HOLD_MS

    code = HOLD_JS.replace("HOLD_MS", str(HOLD_MS))
    result = _node(
        """
        const posted = [];
        const worker = {postMessage: (m) => posted.push(m.type + ":" + (m.n ?? ""))};
        CODE
        const hold = worker._pgHold;
        hold.ids.add("s");
        const patch = (id, n) => ({type: "patch", n: n,
                                   patch: {events: [{kind: "ModelChanged", model: {id: id},
                                                     attr: "value", new: 1}]}});
        const log = {};
        worker.postMessage(patch("other", 1));   // another model's patch: passes
        worker.postMessage(patch("s", 2));       // the slider's: held
        worker.postMessage({type: "pg-adv-eps", n: 3});  // direct messages pass
        worker.postMessage(patch("other", 4));   // behind a held patch: held, in order
        log.before = posted.slice();
        log.timer = hold.timer != null;
        setTimeout(() => {                       // released once the slider is still
          log.after = posted.slice();
          console.log(JSON.stringify(log));
        }, HOLD + 50);
        """.replace("CODE", code).replace("HOLD +", f"{HOLD_MS} +")
    )
    assert result["before"] == ["patch:1", "pg-adv-eps:3"] and result["timer"]
    assert result["after"] == ["patch:1", "pg-adv-eps:3", "patch:2", "patch:4"]


# ---------------------------------------------------------------- curves


def test_the_curves_are_computed_in_small_units_and_match_the_library(monkeypatch) -> None:
    from pyplayground.ui.adversarial import app

    monkeypatch.setattr(app, "BUDGET_S", 0.0)  # one unit of work per tick
    e = AdversarialExplorer()
    assert e.metrics()["curve_done"] is False
    assert e.metrics()["robust_accuracy_at_eps"] is None
    ticks = e.run_background()
    assert ticks == e.job.units_run  # without a pump the flip strength came at once
    assert e.job.units_run == 2 * 9  # 2 models x 360 digits in chunks of 40
    m = e.metrics()
    assert m["curve_done"] and m["curve_progress"] == 1.0
    X, y = digits_data()
    for name in ("plain", "robust"):
        ref = accuracy_vs_strength(shipped_model(name), X, y, "fgsm", e.job.strengths)
        assert np.allclose(e.job.curve(name), ref.accuracy)
        shown = np.array(e.curves.sources[name].data["acc"])
        assert np.allclose(shown, ref.accuracy)
    plain = np.interp(0.1, e.job.strengths, e.job.curve("plain"))
    robust = np.interp(0.1, e.job.strengths, e.job.curve("robust"))
    assert m["robust_accuracy_at_eps"] == pytest.approx(plain)
    assert m["defence_gain_at_eps"] == pytest.approx(robust - plain)
    assert m["defence_gain_at_eps"] > 0.3


@pytest.mark.parametrize("attack", ["pgd", "jsma"])
def test_each_unit_of_curve_work_is_small(attack: str) -> None:
    models = {"plain": shipped_model("plain"), "robust": shipped_model("robust")}
    job = CurveJob(models, attack)
    n = 0
    while not job.done:
        assert job.step(budget_s=0.0) == 1
        n += 1
    assert n >= 90 and job.units_run == n
    X, y = digits_data()
    ref = accuracy_vs_strength(models["plain"], X, y, attack, job.strengths)
    assert np.allclose(job.curve("plain"), ref.accuracy)


# ---------------------------------------------------------------- state


def test_load_state_switches_settings_widgets_and_results(fresh: AdversarialExplorer) -> None:
    fresh.draw_stroke([1, 7], [1, 7])
    state = {**KIND.defaults(), "attack": "pgd", "eps": 0.15, "digit": 42, "model": "robust"}
    fresh.load_state(state)
    assert fresh.state_values() == state
    assert fresh.c.attack.value == "pgd" and fresh.c.eps.value == 0.15
    assert fresh.c.digit.value == 42 and fresh.c.model.value == "robust"
    m = fresh.metrics()
    assert m["drawn"] is False and m["true_label"] == digits_data()[1][42]
    x, label = digit(42)
    assert m["adv_predicted"] == pgd(shipped_model("robust"), x, [label], 0.15).pred_adv[0]


# ---------------------------------------------------------------- drawing


def test_drawing_a_digit_and_clearing_the_canvas(fresh: AdversarialExplorer) -> None:
    fresh.clear_drawing()
    assert fresh.metrics()["drawn"] and not fresh.result.x.any()
    fresh.draw_stroke([4.0, 4.0], [1.0, 7.0])  # a vertical bar: a 1
    expected = rasterize([[4.0, 4.0]], [[1.0, 7.0]])
    assert np.allclose(fresh.result.x, expected)
    assert fresh.metrics()["predicted"] == 1
    assert fresh.metrics()["true_label"] == 1  # a drawing's label is the clean prediction
    # strokes from the page's freehand tool arrive as a change of the strokes source
    fresh.images.strokes.data = {"xs": [[2.0, 6.0]], "ys": [[7.0, 7.0]]}
    assert np.allclose(fresh.result.x, rasterize([[2.0, 6.0]], [[7.0, 7.0]]))
    assert "drawn digit" in packet(fresh)["pred_html"]
    # a tap adds a dot through the bridge
    fresh.bridge.emit("adv-dot", 1.5, 1.5)
    assert fresh.result.x.reshape(8, 8)[6, 1] > 0
    fresh.c.digit.value = 7
    assert not fresh.metrics()["drawn"]


def test_drawing_on_a_test_digit_adds_to_it(fresh: AdversarialExplorer) -> None:
    x, _ = digit(0)
    fresh.draw_stroke([0.5, 7.5], [0.5, 0.5])
    assert np.all(fresh.result.x >= x[0]) and fresh.result.x.sum() > x.sum()


def test_rasterize_matches_the_digits_scale() -> None:
    img = rasterize([[4.0, 4.0]], [[0.5, 7.5]]).reshape(8, 8)
    assert img.max() <= 1.0 and img[:, 3:5].min() >= 0.5 and img[:, :2].max() == 0


# ---------------------------------------------------------------- 2-D mode


@pytest.fixture(scope="module")
def peer() -> SimpleNamespace:
    pg = Playground(PlaygroundState(features=("x", "y", "xSquared", "sinY"), noise=10))
    pg.step(150)
    return SimpleNamespace(pg=pg)


def test_the_plane_gradient_goes_through_derived_features(peer: SimpleNamespace) -> None:
    pg = peer.pg
    model = PlaneNet(pg.network, pg.state.features)
    x = pg.points.test[:4]
    y = pg.points.y_test[:4].astype(float)
    _, dx = model.input_gradient(x, y)
    h, num = 1e-6, np.zeros_like(x)
    for j in range(2):
        e = np.zeros(2)
        e[j] = h
        up = [pg.network.loss(model._features(x[i : i + 1] + e), y[i : i + 1]) for i in range(4)]
        dn = [pg.network.loss(model._features(x[i : i + 1] - e), y[i : i + 1]) for i in range(4)]
        num[:, j] = (np.array(up) - np.array(dn)) / (2 * h) / 4  # dx is of the mean loss
    assert np.allclose(dx, num, rtol=1e-4, atol=1e-9)


def test_clicking_a_point_finds_its_smallest_flipping_step(peer: SimpleNamespace) -> None:
    e = AdversarialExplorer(state={"mode": "points", "source": "net"}, peers={"net": peer})
    m = e.metrics()
    assert not m["point_selected"] and m["min_flip_eps"] is None
    pts = np.vstack([peer.pg.points.test, peer.pg.points.train])
    target = pts[17]
    e.bridge.emit("adv-tap", target[0] + 0.01, target[1] - 0.01)
    assert e.state["point"] == 17 and e.c.point.value == 17
    model = PlaneNet(peer.pg.network, peer.pg.state.features)
    flip = min_flip_strength(model, target, clip=None, max_eps=4.0, tol=1e-3)
    m = e.metrics()
    assert m["point_selected"] and m["min_flip_eps"] == pytest.approx(flip.eps)
    e.c.eps.value = round(flip.eps + 0.01, 2)
    assert e.metrics()["fooled"] and e.metrics()["excess_eps"] <= 0.011
    e.c.eps.value = round(flip.eps - 0.01, 2)
    assert not e.metrics()["fooled"]
    marks = e.plane.marks.data
    assert marks["kind"] == ["point", "perturbed", "flip"]
    assert np.allclose([marks["x"][2], marks["y"][2]], flip.x_adv.reshape(2))
    assert "Smallest flipping step" in e.c.point_info.object


def test_the_view_follows_the_source_playground_as_it_trains() -> None:
    pg = Playground(PlaygroundState(noise=10))
    pg.step(20)
    e = AdversarialExplorer(
        state={"mode": "points", "source": "net", "point": 5}, peers={"net": SimpleNamespace(pg=pg)}
    )
    heat = np.array(e.plane.heat.data["img"][0])
    flip = e.metrics()["min_flip_eps"]
    e._poll_tick()  # nothing changed: nothing redrawn
    assert e.computations == 1
    pg.step(100)
    e._poll_tick()
    assert e.computations == 2
    assert not np.allclose(np.array(e.plane.heat.data["img"][0]), heat)
    model = PlaneNet(pg.network, pg.state.features)
    x = np.vstack([pg.points.test, pg.points.train])[5]
    now = min_flip_strength(model, x, clip=None, max_eps=4.0, tol=1e-3).eps
    assert e.metrics()["min_flip_eps"] == now and now != flip


def test_without_a_peer_a_built_in_network_is_trained() -> None:
    e = AdversarialExplorer(state={"mode": "points", "point": 3})
    assert e._builtin is not None and e._builtin.last.epoch >= 300
    assert e._builtin.last.test_accuracy > 0.9
    assert e.metrics()["point_selected"]


# ---------------------------------------------------------------- retraining


def test_retraining_in_the_page_gives_a_working_model(fresh: AdversarialExplorer) -> None:
    fresh.c.adv_training.value = False
    fresh.c.model.value = "retrained"
    m = fresh.metrics()
    assert m["retrain_epochs"] == 15 and m["test_accuracy"] > 0.9
    assert not fresh.retrainer.adversarial
    fresh.run_background()
    assert fresh.job.curve("retrained") is not None
    assert fresh.curves.sources["retrained"].data["acc"]


# ---------------------------------------------------------------- the lesson


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    return Lesson.from_dict(compile_lesson(LESSON))


@pytest.mark.parametrize("task_id", ["smallest-eps", "one-to-seven", "few-pixels", "defence"])
def test_every_digits_task_is_open_at_the_start_and_done_with_its_solution(
    lesson: Lesson, task_id: str
) -> None:
    task = lesson.task(task_id)
    spec = lesson.widgets[task.playground]
    e = AdversarialExplorer(state=spec.state)
    tracker = TaskTracker(lesson)
    e.run_background()
    (status,) = [
        s
        for s in tracker.update(e.metrics(), e.state_values(), playground=task.playground)
        if s.task_id == task_id
    ]
    assert not status.done
    e.load_state(tracker.solution_state(task_id))
    e.run_background()
    (status,) = [
        s
        for s in tracker.update(e.metrics(), e.state_values(), playground=task.playground)
        if s.task_id == task_id
    ]
    assert status.done, status


def test_the_two_dimensional_task_is_done_by_a_near_boundary_click(
    lesson: Lesson, peer: SimpleNamespace
) -> None:
    spec = lesson.widgets["plane"]
    e = AdversarialExplorer(state=spec.state, peers={"net": peer})
    tracker = TaskTracker(lesson)
    statuses = tracker.update(e.metrics(), e.state_values(), playground="plane")
    assert not statuses[0].done
    pts = np.vstack([peer.pg.points.test, peer.pg.points.train])
    model = PlaneNet(peer.pg.network, peer.pg.state.features)
    flips = [min_flip_strength(model, p, clip=None, max_eps=4.0, tol=1e-3).eps for p in pts[:40]]
    i = int(np.nanargmin([np.inf if f is None else f for f in flips]))
    e.c.point.value = i
    e.c.eps.value = round(flips[i] + 0.02, 2)
    statuses = tracker.update(e.metrics(), e.state_values(), playground="plane")
    assert statuses[0].done, statuses[0]


def test_the_lesson_page_app_builds_the_explorers_and_checks_their_tasks(lesson: Lesson) -> None:
    from pyplayground.ui.lesson_app import LessonApp

    app = LessonApp(lesson)
    digits, plane = app.widgets["digits"], app.widgets["plane"]
    assert isinstance(digits, AdversarialExplorer) and isinstance(plane, AdversarialExplorer)
    assert plane.peers["net"] is app.playgrounds["net"]  # the 2-D mode attacks this one
    assert plane._plane_source() is app.playgrounds["net"].pg
    assert app.tracker.n_done == 0
    app.show_me("one-to-seven")
    assert digits.state_values()["target"] == 7 and app.tracker.status("one-to-seven").done
    app.show_me("defence")
    assert not app.tracker.status("defence").done
    digits.run_background()  # the curves finish: the explorer redraws, the task is checked
    assert app.tracker.status("defence").done
    app.reset_progress()
    assert digits.state_values() == lesson.widgets["digits"].state


def test_it_runs_standalone_under_panel_serve(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys
    import urllib.request

    script = tmp_path / "adversarial_app.py"
    script.write_text(
        "from pyplayground.ui.adversarial import AdversarialExplorer\n"
        "AdversarialExplorer().servable(title='attack explorer')\n"
    )
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "panel", "serve", str(script), "--port", str(port),
         "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}"],
        cwd=Path(__file__).resolve().parents[2], stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:  # each GET creates a session: the server runs the script
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/adversarial_app") as r:
                    html = r.read().decode()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read()
                time.sleep(0.3)
        assert r.status == 200 and "attack explorer" in html
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert "Traceback" not in (proc.stdout.read() if proc.stdout else "")
