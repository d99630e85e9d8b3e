"""The status line after a hand edit (issue 15, item 9): a point drawn (or a weight set)
changes J and the accuracy at once, measured on the data and Θ as edited; once the trainer
records its next row, the line reads the history again."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import re

import pytest

from bp_core import backprop
from lab_ui.live import drawing
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text


def _lab():
    ss: dict = {}
    schema.init_session(ss, {"alpha": "0.3"})
    lab = lab_mod.sync_lab(ss)
    lab.trainer.run_epochs(5)
    return lab


def _J(line: str) -> str:
    return re.search(r"J train (\S+)", line).group(1)


def test_drawing_points_updates_j_and_the_accuracy_at_once():
    lab = _lab()
    before = lab_mod.status_line(lab)
    for x in (-4.0, -3.0, 3.0, 4.0):  # points of class 1 far out in the ring: J rises
        drawing.draw_point(lab, (x, x), 1)
    after = lab_mod.status_line(lab)
    assert after != before
    tr = lab.trainer
    J_now = backprop(lab.cfg, tr.Theta, tr.X_train, tr.Y_train).J
    assert _J(after) == text.number(J_now)
    assert lab_mod.measured_now(lab) is not None
    # the next recorded epoch: the history again (measured on the new data as well)
    tr.run_epochs(1)
    assert lab_mod.measured_now(lab) is None
    assert _J(lab_mod.status_line(lab)) == text.number(tr.history.J_train[-1])


def test_setting_a_weight_updates_j_at_once():
    lab = _lab()
    before = _J(lab_mod.status_line(lab))
    drawing.set_weight(lab, 1, 1, 1, 5.0)
    after = _J(lab_mod.status_line(lab))
    tr = lab.trainer
    assert after != before
    assert after == text.number(backprop(lab.cfg, tr.Theta, tr.X_train, tr.Y_train).J)


@pytest.mark.parametrize("steps", [0, 3])
def test_no_edit_reads_the_history(steps):
    lab = _lab()
    for _ in range(steps):
        lab.trainer.step()
    assert lab_mod.measured_now(lab) is None
    assert _J(lab_mod.status_line(lab)) == text.number(lab.trainer.history.J_train[-1])
