"""The live view's run state in words (issue 15, item 10), without a browser: every frame
carries ``state``, the text of the view's status region: "Epoch N · paused", "Playing" (the
same text for every frame while playing, so a screen reader is not flooded), a lesson's
stop message when paused at a stop, and the divergence sentence after a divergence."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bp_core.presets import PRESETS
from lab_ui.live import stops
from lab_ui.live.channel import LiveSession
from lab_ui.live.channel.session import ViewSettings
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema


def _session(query: dict | None = None) -> LiveSession:
    ss: dict = {}
    schema.init_session(ss, query or {})
    lab = lab_mod.sync_lab(ss)
    live = LiveSession()
    live.lesson_stops = lab_mod.lesson_stops(ss, lab)
    live.publish(lab, ViewSettings())
    return live


def test_paused_frames_say_the_epoch_and_paused():
    live = _session()
    assert live.frame().message()["state"] == "Epoch 0 · paused"
    live.lab.trainer.run_epochs(3)
    assert live.frame().message()["state"] == "Epoch 3 · paused"


def test_playing_frames_all_say_playing_whatever_the_epoch():
    live = _session()
    live.playing = True
    said = set()
    for _ in range(5):
        live.lab.trainer.run_epochs(1)
        said.add(live.frame().message()["state"])
    assert said == {"Playing"}


def test_a_lessons_stop_is_said_with_the_epoch():
    p = PRESETS["zero_init_symmetry"]
    live = _session({"preset": p.name})
    first = p.all_stops[0]
    live.lab.trainer.run_epochs(first.epoch)
    live.landed(first.epoch)
    state = live.frame().message()["state"]
    assert state.startswith(f"Epoch {first.epoch} · paused: Epoch {first.epoch}: the four rows")


def test_a_divergence_is_said_with_what_to_do():
    live = _session({"preset": "alpha_too_large"})
    assert not live.lab.trainer.run_epochs(100)  # diverges at epoch 72
    state = live.frame().message()["state"]
    assert state == stops.diverged_sentence(live.lab.trainer)
    assert state.startswith("Training diverged at epoch 72: press Reset")
