"""The Playground driven with Streamlit's AppTest: every control, Step/Reset/Play, pages.

AppTest does not fire ``run_every`` ticks, so Play is checked as a state toggle; the real
ticking is covered by tests/browser.
"""

from __future__ import annotations

import os

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import live as _live
from tests.apptest_helpers import ok as _ok
from tests.apptest_helpers import open_app as _open
from tests.apptest_helpers import widget as _widget

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def _lab(at: AppTest):
    return at.session_state["lab"]


def _reset(at: AppTest) -> AppTest:
    """The live view's Reset (a Streamlit event from the component) re-runs the page after
    ``reset_lab``; AppTest cannot send component events, so call it directly."""
    from lab_ui.shared import lab as lab_mod

    with at.session_state["live"].lock:
        lab_mod.reset_lab(at.session_state)
    return at.run()


def test_playground_opens_with_the_course_defaults():
    at = _open()
    lab = _lab(at)
    assert at.title[0].value.startswith("Backprop Lab")
    assert lab.cfg.output == "sigmoid" and lab.cfg.loss == "cross_entropy"
    assert lab.cfg.layer_sizes == (2, 4, 2, 1)
    assert lab.trainer.epoch == 0
    assert at.session_state["playing"] is False


def test_step_reset_and_play():
    at = _open()
    _live(at, "step", "batch")
    _ok(at)
    assert _lab(at).trainer.steps == 1
    _live(at, "step", "epoch")
    _ok(at)
    assert _lab(at).trainer.epoch >= 1
    Theta0 = [T.copy() for T in _lab(at).trainer.snapshots[0].Theta]
    _reset(at)
    _ok(at)
    assert _lab(at).trainer.epoch == 0 and _lab(at).trainer.steps == 0
    for a, b in zip(_lab(at).trainer.Theta, Theta0, strict=True):  # same initial Θ
        assert (a == b).all()
    _live(at, "play")
    _ok(at)
    assert at.session_state["live"].playing is True
    _live(at, "pause")
    assert at.session_state["live"].playing is False


@pytest.mark.parametrize(
    "name",
    ["circle", "xor", "gaussians", "spiral", "moons", "blobs", "plane", "gaussian_bumps", "digits"],
)
def test_every_dataset_trains_a_step(name):
    at = _open()
    _widget(at, "w_dataset").set_value(name).run()
    _ok(at)
    lab = _lab(at)
    assert lab.dataset.name == name
    _live(at, "step", "epoch")
    _ok(at)
    assert _lab(at).trainer.epoch == 1
    if lab.dataset.task == "regression":
        assert at.session_state["output"] == "linear" and at.session_state["loss"] == "mse"
    # image data have no input plane: the page shows test images and a confusion matrix
    image_panel = [h for h in at.subheader if "What the network makes of" in h.value]
    assert len(image_panel) == (1 if name == "digits" else 0)


def test_data_controls_rebuild_the_data():
    at = _open()
    first = _lab(at).dataset
    _widget(at, "w_noise").set_value(0.5).run()
    _ok(at)
    assert _lab(at).dataset is not first
    _widget(at, "w_train_pct").set_value(80).run()
    _ok(at)
    ds = _lab(at).dataset
    assert ds.m_train == 400 and ds.m_test == 100
    _widget(at, "w_features").set_value(["x1", "x2", "x1*x2", "sin(x1)"]).run()
    _ok(at)
    assert _lab(at).cfg.layer_sizes[0] == 4
    _widget(at, "w_standardize").set_value(False).run()
    _ok(at)
    assert _lab(at).dataset.standardizer is None
    seed = at.session_state["seed"]
    _button(at, "b_new_data").click().run()
    _ok(at)
    assert at.session_state["seed"] == seed + 1


def test_architecture_editor_and_extremes():
    at = _open()
    _button(at, "b_add_layer").click().run()
    _ok(at)
    assert _lab(at).cfg.layer_sizes == (2, 4, 2, 2, 1)
    _widget(at, "w_units_0").set_value(32).run()
    _ok(at)
    assert _lab(at).cfg.layer_sizes[1] == 32
    _widget(at, "w_act_1").set_value("relu").run()
    _ok(at)
    assert _lab(at).cfg.activations[1] == "relu"
    _button(at, "b_rm_0").click().run()
    _ok(at)
    assert _lab(at).cfg.layer_sizes == (2, 2, 2, 1)
    # the extremes of the issue: 8 × 32 sigmoid, α = 10, λ = 100, batch size 1
    _button(at, "b_deep").click().run()
    _ok(at)
    assert _lab(at).cfg.layer_sizes == (2, *(32,) * 8, 1)
    _widget(at, "w_alpha").set_value(10.0).run()
    _widget(at, "w_lambda_").set_value(100.0).run()
    _widget(at, "w_batch").set_value(1).run()
    _ok(at)
    _live(at, "step", "batch")
    _ok(at)
    _widget(at, "w_mode").set_value("backward").run()
    _widget(at, "w_example").set_value(3).run()
    _ok(at)
    assert _lab(at).trainer.settings.batch_size == 1


def test_output_loss_init_and_training_controls():
    at = _open()
    _widget(at, "w_output").set_value("softmax").run()
    _ok(at)
    assert _lab(at).cfg.layer_sizes[-1] == 2
    _widget(at, "w_loss").set_value("mse").run()
    _ok(at)
    _widget(at, "w_output").set_value("linear").run()
    _widget(at, "w_loss").set_value("cross_entropy").run()  # refused by bp_core
    _ok(at)
    assert at.warning, "a refused combination must say why"
    assert _lab(at).cfg.loss == "mse"  # the old network keeps running
    _widget(at, "w_loss").set_value("mse").run()
    _widget(at, "w_init").set_value("xavier").run()
    _widget(at, "w_optimizer").set_value("adam").run()
    _widget(at, "w_alpha").set_value(0.01).run()
    _widget(at, "w_speed").set_value("step").run()
    for key in ("w_show_test", "w_discretize", "w_log_cost"):
        _widget(at, key).set_value(not at.session_state[key]).run()
    _ok(at)
    tr = _lab(at).trainer
    assert tr.settings.optimizer == "adam" and tr.settings.alpha == 0.01


def test_divergence_pauses_and_says_what_to_try():
    at = _open()
    _widget(at, "w_dataset").set_value("plane").run()
    _widget(at, "w_standardize").set_value(False).run()
    _widget(at, "w_act_0").set_value("linear").run()
    _widget(at, "w_act_1").set_value("linear").run()
    _widget(at, "w_alpha").set_value(10.0).run()
    for _ in range(10):
        _live(at, "step", "epoch")
        _ok(at)
        if _lab(at).trainer.diverged:
            break
    assert _lab(at).trainer.diverged
    assert any("smaller learning rate" in w.value for w in at.warning)
    _live(at, "play")  # refuses to play a diverged network
    assert at.session_state["live"].playing is False
    _reset(at)
    _ok(at)
    assert not _lab(at).trainer.diverged


def test_state_survives_page_switches():
    at = _open()
    _widget(at, "w_alpha").set_value(0.3).run()
    _live(at, "step", "epoch")
    lab = _lab(at)
    for page in (
        "../pages/2_Step_through.py",
        "../pages/3_Gradients.py",
        "../pages/4_Derivation.py",
    ):
        at.switch_page(page).run()
        assert not at.exception, page
    at.switch_page("../pages/1_Playground.py").run()
    _ok(at)
    assert _lab(at) is lab and lab.trainer.epoch == 1
    assert at.session_state["alpha"] == 0.3
    assert _widget(at, "w_alpha").value == 0.3


def test_url_settings_are_validated():
    at = _open({"alpha": "0.3", "hidden": "8,8,8", "dataset": "xor", "lambda_": "banana"})
    lab = _lab(at)
    assert at.session_state["alpha"] == 0.3
    assert lab.cfg.layer_sizes == (2, 8, 8, 8, 1) and lab.dataset.name == "xor"
    assert at.session_state["lambda_"] == 0.0
    assert any("Regularization" in i.value for i in at.info)


def test_csv_upload_good_and_bad():
    at = _open()
    bad = b"x1,x2,label\n1,2\n"
    at.file_uploader(key="w_csv").set_value(("bad.csv", bad, "text/csv")).run()
    _ok(at)
    assert any("was not loaded" in w.value for w in at.warning)
    assert _lab(at).dataset.name == "circle"  # untouched
    rows = "\n".join(f"{i % 7 - 3},{(i * 3) % 5 - 2},{i % 2}" for i in range(40))
    at.file_uploader(key="w_csv").set_value(
        ("mine.csv", f"x1,x2,label\n{rows}\n".encode(), "text/csv")
    )
    at.run()
    _ok(at)
    assert at.session_state["dataset"] == "csv"
    assert _lab(at).dataset.name == "mine.csv"
    _live(at, "step", "epoch")
    _ok(at)


def test_regularization_l1_mid_run_keeps_theta_and_history():
    at = _open()
    at.select_slider(key="w_lambda_").set_value(0.1).run()
    _live(at, "step", "epoch")
    _ok(at)
    lab = _lab(at)
    Theta = [T.copy() for T in lab.trainer.Theta]
    rows = len(lab.trainer.history.J_train)
    assert "λ/(2m) ΣΘ²" in at.select_slider(key="w_lambda_").help
    _widget(at, "w_regularization").set_value("l1").run()
    _ok(at)
    lab = _lab(at)
    assert lab.cfg.regularization == "l1" and lab.trainer.cfg.regularization == "l1"
    assert lab.cfg.lambda_ == 0.1
    assert len(lab.trainer.history.J_train) == rows
    for a, b in zip(lab.trainer.Theta, Theta, strict=True):
        assert (a == b).all()
    assert "(λ/m) Σ|Θ|" in at.select_slider(key="w_lambda_").help
    assert at.query_params["reg"] in ("l1", ["l1"])
    # a link with reg=l1 opens with it
    assert _lab(_open({"reg": "l1", "lambda_": "0.1"})).cfg.regularization == "l1"


def test_step_through_writes_the_chosen_regularization():
    import dataclasses

    import numpy as np

    import bp_core as bp
    from bp_core.config import REGULARIZATIONS
    from lab_ui.step.stepper import build_steps

    cfg = bp.NetConfig((2, 3, 1), ("sigmoid",), "sigmoid", "cross_entropy", lambda_=0.1)
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(4, 2)), (rng.random((4, 1)) > 0.5).astype(float)
    for reg, mark in (
        ("l2", r"\frac{\lambda}{m}\Theta^{(1)}_{jk}"),
        ("l1", r"\operatorname{sign}"),
    ):
        c = dataclasses.replace(cfg, regularization=reg)
        Theta = bp.init_weights(c, np.random.default_rng(1))
        steps = build_steps(c, Theta, bp.backprop(c, Theta, X, Y), Y, 1.0)
        J_step = next(s for s in steps if s.title == "J(Θ)")
        assert REGULARIZATIONS[reg].J_term in J_step.symbolic
        D_1 = [s for s in steps if s.title.startswith("D⁽¹⁾")]
        assert len(D_1) == 1 and mark in D_1[0].symbolic, D_1[0].symbolic


def test_a_browsers_first_run_sends_the_first_frame_and_draws_the_held_back_widgets(monkeypatch):
    """A browser's first run (``first_paint_pending``): the live view's data carries the
    session's whole first frame (painted as the view mounts, before its socket opens), and
    the widgets held back until that frame — the presenter switch atop the sidebar, *Start a
    class* — are still drawn on that run; a later run sends no frame."""
    import json

    from lab_ui.live import live_view
    from lab_ui.live.frame import FRAME_VERSION
    from tests.apptest_helpers import component_data

    monkeypatch.setattr(live_view, "first_paint_pending", lambda: True)
    monkeypatch.setattr(live_view, "FIRST_PAINT_WAIT_S", 0.05)  # no browser acknowledges it
    at = _open()
    data = component_data(at, "backprop-lab.live_view")
    frame = json.loads(data["frame"])
    lab = _lab(at)
    assert frame["version"] == FRAME_VERSION and frame["t"] == "frame"
    assert frame["net"]["sizes"] == list(lab.cfg.layer_sizes)
    assert frame["epoch"] == lab.trainer.epoch and frame["history"]["epoch"]  # whole
    assert frame["boundary"]["q"] and frame["points"] not in (None, "same")
    assert [t for t in at.sidebar.toggle if t.label == "Presenter mode"]
    assert [b for b in at.sidebar.button if b.label == "Start a class"]
    monkeypatch.setattr(live_view, "first_paint_pending", lambda: False)
    at.run()
    _ok(at)
    assert "frame" not in component_data(at, "backprop-lab.live_view")
    assert [t for t in at.sidebar.toggle if t.label == "Presenter mode"]
