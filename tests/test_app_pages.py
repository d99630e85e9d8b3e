"""The Step-through, Gradients and Derivation pages driven with Streamlit's AppTest.

Each page is opened directly (``AppTest.from_file("pages/…")``, the settings seeded through
the URL parameters that ``lab_ui.state`` validates) and once through ``app.py``'s navigation.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import bp_core as bp
from lab_ui.step.stepper import n_backward_steps, n_forward_steps

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
STEP, GRAD, DERIV = (
    str(ROOT / "pages" / f) for f in ("2_Step_through.py", "3_Gradients.py", "4_Derivation.py")
)
TIMEOUT = 90
#: The biggest network the Playground allows, with the largest λ.
EXTREME = {"hidden": ",".join(["32"] * 10), "acts": ",".join(["sigmoid"] * 10), "lambda_": "100"}


def _open(page: str, query: dict[str, str] | None = None) -> AppTest:
    at = AppTest.from_file(page, default_timeout=TIMEOUT)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def _step_no(at: AppTest) -> int:
    head = at.subheader[0].value  # "Step k of n · …"
    return int(head.split()[1])


def test_step_through_visits_every_step_with_next_and_back_with_prev():
    at = _open(STEP)
    assert not at.error
    cfg = at.session_state["lab"].cfg
    n = n_forward_steps(cfg) + n_backward_steps(cfg)
    assert at.subheader[0].value.startswith(f"Step 1 of {n}")
    seen = [at.latex[0].value]
    for k in range(2, n + 1):
        _button(at, "b_stp_next").click().run()
        _ok(at)
        assert _step_no(at) == k
        seen.append(at.latex[0].value)
    assert _button(at, "b_stp_next").disabled
    assert "Gradient-descent update" in at.subheader[0].value
    assert any(r"\delta^{(" + str(cfg.L) + ")}" in s for s in seen)
    assert any(r"\Delta^{(1)}" in s for s in seen)
    for k in range(n - 1, 0, -1):
        _button(at, "b_stp_prev").click().run()
        _ok(at)
        assert _step_no(at) == k
    assert _button(at, "b_stp_prev").disabled


def test_step_through_the_last_mini_batch_and_the_slider():
    at = _open(STEP, {"batch": "8"})
    at.radio(key="w_stp_source").set_value(at.radio(key="w_stp_source").options[1]).run()
    _ok(at)
    at.slider(key="w_stp_step").set_value(3).run()
    _ok(at)
    assert _step_no(at) == 3
    assert "columns" in " ".join(c.value for c in at.caption)


def test_step_through_extreme_network_abbreviates():
    at = _open(STEP, EXTREME)
    assert not at.error
    assert at.session_state["lab"].cfg.layer_sizes[1:-1] == (32,) * 10
    at.slider(key="w_stp_step").set_value(4).run()  # z^(3) = Θ^(2) a^(2): a 32 × 33 matrix
    _ok(at)
    assert r"\cdots" in at.latex[1].value
    last = at.slider(key="w_stp_step").max
    at.slider(key="w_stp_step").set_value(last).run()
    _ok(at)
    assert _step_no(at) == last


def test_gradient_check_passes_for_correct_backprop():
    at = _open(GRAD)
    assert not at.error
    assert any("agrees with the finite differences" in s.value for s in at.success)


@pytest.mark.parametrize("bug", list(bp.PLANTED_BUGS))
def test_gradient_check_fails_for_each_planted_bug(bug):
    at = _open(GRAD, {"lambda_": "1"})  # λ > 0 so the regularization bugs show, m = 10 > 1
    at.selectbox(key="w_grad_bug").set_value(bug).run()
    _ok(at)
    assert any("FAILS" in e.value for e in at.error), bug
    assert at.info and bp.PLANTED_BUGS[bug].explanation in at.info[0].value


def test_gradients_page_widgets_and_extreme_network():
    at = _open(GRAD, EXTREME)
    assert not at.error
    assert any("a sample" in c.value for c in at.caption)  # says it checked a sample
    at.selectbox(key="w_grad_layer").set_value(11).run()
    _ok(at)
    at.selectbox(key="w_contrib_l").set_value(5).run()
    _ok(at)
    at.number_input(key="w_contrib_j").set_value(32).run()
    at.number_input(key="w_contrib_k").set_value(0).run()
    _ok(at)
    at.slider(key="w_grad_m").set_value(1).run()
    _ok(at)


def test_derivation_checks_all_small():
    at = _open(DERIV)
    assert not at.error
    assert at.success and "of" in at.success[0].value
    diffs = [float(m.value) for m in at.metric if m.label in ("max |difference|", "|difference|")]
    assert diffs and max(diffs) < 1e-6
    assert at.latex and any(r"\sigma'(z)" in x.value for x in at.latex)


def test_derivation_other_example_and_slice():
    at = _open(DERIV, {"loss": "mse", "output": "sigmoid"})
    at.number_input(key="w_der_example").set_value(7).run()
    at.selectbox(key="w_der_slice_l").set_value(2).run()
    at.select_slider(key="w_der_slice_w").set_value(10.0).run()
    _ok(at)
    assert not at.error
    diffs = [float(m.value) for m in at.metric if m.label.endswith("|difference|")]
    assert max(diffs) < 1e-6


def test_derivation_extreme_network():
    at = _open(DERIV, EXTREME)
    assert not at.error
    diffs = [float(m.value) for m in at.metric if m.label.endswith("|difference|")]
    assert max(diffs) < 1e-6


@pytest.mark.parametrize(
    "page", ["../pages/2_Step_through.py", "../pages/3_Gradients.py", "../pages/4_Derivation.py"]
)
def test_pages_open_through_the_app_and_share_the_network(page):
    at = AppTest.from_file(str(ROOT / "lab_ui" / "main.py"), default_timeout=TIMEOUT).run()
    _ok(at)
    lab = at.session_state["lab"]
    at.switch_page(page).run()
    _ok(at)
    assert not at.error
    assert at.session_state["lab"] is lab  # the session's one network survives the switch


@pytest.mark.parametrize("page", [STEP, GRAD, DERIV], ids=["step", "grad", "deriv"])
@pytest.mark.parametrize(
    "query",
    [
        {"hidden": ""},  # no hidden layer: logistic regression
        {"dataset": "digits", "output": "softmax", "hidden": "32"},
        {"dataset": "plane", "output": "linear", "loss": "mse", "acts": "relu,relu"},
        {"dataset": "blobs", "output": "softmax", "acts": "leaky_relu,linear", "lambda_": "100"},
    ],
    ids=["no-hidden", "digits", "regression", "blobs"],
)
def test_pages_work_for_other_architectures_and_data(page, query):
    at = _open(page, query)
    assert not at.error
    assert not at.session_state["lab"].problem
    if page == DERIV:
        diffs = [float(m.value) for m in at.metric if m.label.endswith("|difference|")]
        assert max(diffs) < 1e-6


def _diagram(at: AppTest) -> dict:
    """The data the Step page's diagram component got (the live view's diagram.js draws it)."""
    import json

    from lab_ui.live import net_view

    found = [n for n in at.get("bidi_component") if n.proto.component_name == net_view.COMPONENT]
    assert len(found) == 1, "the page mounts one diagram"
    return json.loads(found[0].proto.bytes)


def test_step_diagram_is_the_live_views_with_what_the_step_touches():
    from lab_ui.live import frames

    at = _open(STEP)
    lab = at.session_state["lab"]
    tr, cfg = lab.trainer, lab.cfg
    # step 1, a^(1) = x: the first training example alone (the page's default source)
    data = _diagram(at)
    assert data["lit"] == {"read": [], "written": [1], "edges": [], "bias": True, "backward": False}
    net = frames.net_part(
        cfg,
        tr.Theta,
        tr.X_train,
        tr.Y_train,
        mode="forward",
        example=0,
        input_names=[frames.pretty_feature(n) for n in lab.dataset.feature_names],
        output_names=frames.output_names(lab.dataset, cfg.layer_sizes[-1]),
    )
    assert data["net"] == net, "the one frame builder's net part, as the live view gets it"
    _button(at, "b_stp_next").click().run()  # step 2: z^(2) = Θ^(1) a^(1)
    assert _diagram(at)["lit"] == {
        "read": [1],
        "written": [2],
        "edges": [1],
        "bias": True,
        "backward": False,
    }
    # the first backward step, δ^(L): nodes δ, edges D, marked as a backward step
    at.slider(key="w_stp_step").set_value(n_forward_steps(cfg) + 1).run()
    _ok(at)
    data = _diagram(at)
    assert data["net"]["mode"] == "backward" and data["lit"]["backward"]
    assert data["lit"]["written"] == [cfg.L]


def test_step_position_survives_a_page_switch():
    at = AppTest.from_file(str(ROOT / "lab_ui" / "main.py"), default_timeout=TIMEOUT).run()
    at.switch_page("../pages/2_Step_through.py").run()
    _button(at, "b_stp_next").click().run()
    _button(at, "b_stp_next").click().run()
    assert _step_no(at) == 3
    at.switch_page("../pages/3_Gradients.py").run()
    _ok(at)
    at.switch_page("../pages/2_Step_through.py").run()
    _ok(at)
    assert _step_no(at) == 3
