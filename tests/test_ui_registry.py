"""The registries carry the course facts; the UI keeps no copies.

An activation registered at run time with nothing but ``g`` and ``g_prime`` (softplus) is
offered by every control and walked through by every page: the Playground, Step through,
Gradients and Derivation open with it selected, and the live view's frame is built for it.
The ``softplus`` fixture is imported by the other UI test files too.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import bp_core as bp
from bp_core.datasets import make_dataset
from bp_core.training import Trainer, TrainSettings
from tests.apptest_helpers import ok as _ok

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
MAIN = str(ROOT / "lab_ui" / "main.py")
PAGES = ["../pages/2_Step_through.py", "../pages/3_Gradients.py", "../pages/4_Derivation.py"]


def _softplus(z):
    """log(1 + e^z), without overflow."""
    return np.logaddexp(0.0, z)


def _softplus_prime(z, a):
    """softplus'(z) = σ(z)."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@pytest.fixture
def softplus():
    """softplus registered with ``bp_core.register_activation`` (g and g' only) for one test."""
    assert "softplus" not in bp.ACTIVATIONS
    act = bp.register_activation(bp.Activation("softplus", "softplus", _softplus, _softplus_prime))
    try:
        yield act
    finally:
        bp.unregister_activation("softplus")


def test_every_page_opens_with_a_new_activation_selected(softplus):
    at = AppTest.from_file(MAIN, default_timeout=90)
    at.query_params["acts"] = "softplus,softplus"
    at.run()
    _ok(at)
    lab = at.session_state["lab"]
    assert lab.cfg.activations == ("softplus", "softplus")
    # the Playground's per-layer select offers it (named from the registry entry)
    select = next(s for s in at.selectbox if s.key == "w_act_0")
    assert "softplus" in select.options and select.value == "softplus"
    live = at.session_state["live"]  # the live view's Step button, as the channel applies it
    live.command({"t": "step", "n": "epoch"})
    live.apply_pending()
    assert live.wait_for_work()  # trained by the scheduler, a slice a turn
    at.run()
    _ok(at)
    assert at.session_state["lab"].trainer.epoch == 1
    for page in PAGES:
        at.switch_page(page).run()
        _ok(at)
        assert at.session_state["lab"] is lab
    # Step through: walk to the hidden δ step, which uses softplus' g'
    at.switch_page(PAGES[0]).run()
    at.slider(key="w_stp_step").set_value(at.slider(key="w_stp_step").max - 8).run()
    _ok(at)
    # Derivation: every line (the g' line of a softplus layer included) checks out
    at.switch_page(PAGES[2]).run()
    _ok(at)
    assert at.success, "all derivation lines should check out"


def test_the_playground_switches_one_layer_to_a_new_activation(softplus):
    at = AppTest.from_file(MAIN, default_timeout=90).run()
    at.selectbox(key="w_act_1").set_value("softplus").run()
    _ok(at)
    assert at.session_state["lab"].cfg.activations == ("sigmoid", "softplus")


def test_the_frame_builder_takes_a_new_activation(softplus):
    from types import SimpleNamespace

    from lab_ui.live import frames
    from lab_ui.live.frame import View, ViewSettings

    ds = make_dataset("circle", n=100, noise=0.1, rng=np.random.default_rng(0), standardize=True)
    cfg = bp.NetConfig((2, 4, 3, 1), ("softplus", "tanh"))
    Theta = bp.init_weights(cfg, np.random.default_rng(1))
    tr = Trainer(cfg, Theta, ds, TrainSettings(), np.random.default_rng(2))
    tr.run_epochs(2)
    for mode in ("forward", "backward"):
        run = SimpleNamespace(dataset=ds, trainer=tr, uirev="u")  # what a Lab has
        f = frames.build_frame(run, View(ViewSettings(mode=mode), res=12)).message()
        json.dumps(f, allow_nan=False)
        assert [m["act"] for m in f["maps"]["layers"]] == ["softplus", "tanh", "sigmoid"]
    # softplus has no value_range: its map is scaled from the data, tanh's is (−1, 1)
    sp, th = f["maps"]["layers"][:2]
    assert sp["lo"] < sp["hi"] and (th["lo"], th["hi"]) == (-1.0, 1.0)


DELETED = {
    "lab_ui/step/stepper.py": "G_LATEX",
    "lab_ui/live/frames.py": "ACT_RANGE",
    "lab_ui/playground/playground_ui.py": "DATASET_LABELS",
}


@pytest.mark.parametrize("path", sorted({*DELETED, "lab_ui/playground/playground_ui.py"}))
def test_no_ui_table_keyed_by_a_registry_name(path):
    """No dict literal in the UI whose keys are activation, output, loss or dataset names."""
    names = {*bp.ACTIVATIONS, *bp.OUTPUTS, *bp.LOSSES}
    from bp_core.datasets import DATASET_NAMES

    names |= set(DATASET_NAMES)
    tree = ast.parse((ROOT / path).read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
            assert len(keys & names) < 2, (path, sorted(keys & names))
    src = (ROOT / path).read_text()
    assert DELETED.get(path, "LOSS_LABELS") not in src
