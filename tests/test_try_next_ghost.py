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


def _to_the_stop(at: AppTest) -> None:
    """Train the preset's run to its stop, as Play does, and let the page re-run (the pause
    at the stop re-runs it)."""
    preset = PRESETS[at.session_state["preset"]]
    live = at.session_state[SESSION_KEY]
    with live.lock:
        at.session_state["lab"].trainer.run_epochs(preset.stop_epoch)
    at.run()
    assert not at.exception, [e.value for e in at.exception]


def test_try_next_keeps_the_run_as_a_ghost_and_trains_the_suggestion_beside_it():
    at = _open({"preset": "dying_relu"})
    preset = PRESETS["dying_relu"]
    live = at.session_state[SESSION_KEY]
    old = at.session_state["lab"]
    _to_the_stop(at)  # the student played to the lesson's stop (epoch 100)
    button = _button(at)
    assert button is not None and "α = 0.3" in button.label
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    # the old run, kept: its label, its 100 epochs of curves
    assert len(live.mech.ghosts) == 1
    ghost = live.mech.ghosts[0]
    assert ghost["label"].startswith("ghost 1: α = ")
    assert ghost["epochs"] == 100 and ghost["epoch"][-1] == 100
    # the suggestion: α = 0.3, a new run from epoch 0, playing, pausing at the ghost's epoch
    lab = at.session_state["lab"]
    assert lab is not old and lab.trainer.epoch == 0
    assert lab.trainer.settings.alpha == dict(preset.compare)["alpha"] == 0.3
    assert at.session_state["stop"] == 100
    assert live.lab is lab and live.playing
    assert "ghost 1" in live.notice and "epoch 100" in live.notice
    # the URL holds the suggestion's settings (a link reopens them) and its stop
    assert at.query_params.get("alpha") in (["0.3"], "0.3")
    assert at.query_params.get("stop") in (["100"], "100")


def test_the_button_is_below_the_view_at_the_stop_not_in_the_folded_story():
    """Issue: the button sat inside the folded story (an expander), unseen.  It is drawn
    below the live view once the lesson's stop is reached, and only then."""
    at = _open({"preset": "alpha_too_large"})
    assert _button(at) is None  # epoch 0: not yet
    story = [e for e in at.expander if e.label.startswith("**Preset:")]
    assert len(story) == 1 and not story[0].button  # never inside the folded story
    _to_the_stop(at)  # this one diverges before its stop: that is its lesson's end too
    button = _button(at)
    assert button is not None and "α = 0.03" in button.label
    assert not [e for e in at.expander if e.label.startswith("**Preset:")][0].button
    boxes = [c for c in at.main.children.values() if getattr(c, "key", None) == "bp_try_next"]
    assert len(boxes) == 1 and any(b.key == try_next_ui.BUTTON_KEY for b in boxes[0].button)


def test_the_url_drops_the_stop_once_the_run_has_passed_it():
    """Issue: after a try next the URL kept ``stop=`` for good.  The stop holds while the
    suggestion trains to the ghost's epoch; once the run goes past it the setting goes back
    to 0 and the URL drops it.  A stop set by hand stays."""
    at = _open({"preset": "dying_relu"})
    live = at.session_state[SESSION_KEY]
    _to_the_stop(at)
    _button(at).click().run()
    assert at.query_params.get("stop") in (["100"], "100")
    with live.lock:  # the suggestion reaches the ghost's epoch: the stop still applies
        live.playing = False
        at.session_state["lab"].trainer.run_epochs(100)
    at.run()
    assert at.session_state["stop"] == 100 and "stop" in at.query_params
    with live.lock:  # Play goes on past it
        at.session_state["lab"].trainer.run_epochs(5)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["stop"] == 0
    assert "stop" not in at.query_params
    # a stop set by hand is the student's: never cleared
    at2 = _open({"stop": "3"})
    with at2.session_state[SESSION_KEY].lock:
        at2.session_state["lab"].trainer.run_epochs(6)
    at2.run()
    assert at2.session_state["stop"] == 3


def test_a_fifth_run_is_refused_with_the_reason():
    at = _open({"preset": "dying_relu"})
    live = at.session_state[SESSION_KEY]
    _to_the_stop(at)
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
