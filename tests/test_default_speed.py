"""The default speed lets a first visit watch the boundary form (issue 15, item 9): at the
default epochs per frame and 60 frames a second, the default circle is still far from learnt
after the first second and is learnt within a few seconds; a preset keeps its own speed."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bp_core.presets import PRESETS
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema

FPS = 60


def test_the_default_circle_forms_over_seconds_not_in_the_first_one():
    ss: dict = {}
    schema.init_session(ss, {})
    per_frame = int(ss["speed"])
    lab = lab_mod.sync_lab(ss)
    tr = lab.trainer
    tr.run_epochs(per_frame * FPS)  # the first second
    assert tr.history.metric_train[-1] < 0.8, "learnt within the first second"
    seconds = 1
    while tr.history.metric_train[-1] < 0.95 and seconds < 30:
        tr.run_epochs(per_frame * FPS)
        seconds += 1
    assert 3 <= seconds <= 15, seconds


def test_a_preset_keeps_its_own_speed():
    for name, p in PRESETS.items():
        own = p.settings.get("speed")
        if own is None:
            continue
        ss: dict = {}
        schema.init_session(ss, {"preset": name})
        assert ss["speed"] == own, name
