"""A preset's "try next" in one click (issue 15, item 5), driven with AppTest: the current run
is kept as a ghost (labelled with its α, its curves and its epochs), the preset's comparison
settings are applied through the schema, and the suggestion trains from epoch 0 beside it,
pausing at the epoch the ghost reached.  A preset without a comparison has no button."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

from bp_core.presets import PRESETS
from lab_ui.live.live_view import SESSION_KEY
from lab_ui.playground import try_next_ui

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

APP = str(Path(__file__).resolve().parents[1] / "lab_ui" / "main.py")
TIMEOUT = 60


def _open(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _button(at: AppTest):
    found = [b for b in at.button if b.key == try_next_ui.BUTTON_KEY]
    return found[0] if found else None


def test_try_next_keeps_the_run_as_a_ghost_and_trains_the_suggestion_beside_it():
    at = _open({"preset": "alpha_too_large"})
    preset = PRESETS["alpha_too_large"]
    live = at.session_state[SESSION_KEY]
    old = at.session_state["lab"]
    with live.lock:
        old.trainer.run_epochs(40)  # the student played a while
    button = _button(at)
    assert button is not None and "α = 0.03" in button.label
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    # the old run, kept: its label, its 40 epochs of curves
    assert len(live.mech.ghosts) == 1
    ghost = live.mech.ghosts[0]
    assert ghost["label"].startswith("ghost 1: α = ")
    assert ghost["epochs"] == 40 and ghost["epoch"][-1] == 40
    # the suggestion: α = 0.03, a new run from epoch 0, playing, pausing at the ghost's epoch
    lab = at.session_state["lab"]
    assert lab is not old and lab.trainer.epoch == 0
    assert lab.trainer.settings.alpha == dict(preset.compare)["alpha"] == 0.03
    assert at.session_state["stop"] == 40
    assert live.lab is lab and live.playing
    assert "ghost 1" in live.notice and "epoch 40" in live.notice
    # the URL holds the suggestion's settings (a link reopens them)
    assert at.query_params.get("alpha") in (["0.03"], "0.03")


def test_a_fifth_run_is_refused_with_the_reason():
    at = _open({"preset": "dying_relu"})
    live = at.session_state[SESSION_KEY]
    for _ in range(4):
        with live.lock:
            live.mech.ghost("keep", at.session_state["lab"], live)
    _button(at).click().run()
    assert not at.exception
    assert len(live.mech.ghosts) == 4
    assert at.session_state["lab"].trainer.settings.alpha != 0.3  # nothing applied
    assert any("At most 4 runs" in t.value for t in at.toast) or any(
        "At most 4 runs" in i.value for i in at.info
    )


def test_no_button_without_a_comparison():
    assert not PRESETS["ex4_digits"].compare
    at = _open({"preset": "softmax_blobs"})
    assert _button(at) is None
