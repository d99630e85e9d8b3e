"""After time travel the curves stay whole (issue 15, item 9): the frame of a rewound run
carries the history of every epoch reached, and its epoch is the one travelled to (the
view marks it on the curves); training on from there replaces the later rows."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from lab_ui.live import frames
from lab_ui.live.channel import protocol
from lab_ui.live.frame import ClientState, View
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema


def _message(lab) -> dict:
    return protocol.unpack(frames.build_frame(lab, View(res=4)).for_client(ClientState()))


def test_a_rewound_frame_keeps_the_whole_history_and_says_its_epoch():
    ss: dict = {}
    schema.init_session(ss, {"alpha": "0.3"})
    lab = lab_mod.sync_lab(ss)
    tr = lab.trainer
    tr.run_epochs(40)
    tr.restore(10)
    msg = _message(lab)
    assert msg["epoch"] == 10
    assert msg["history"]["epoch"][-1] == 40  # the curves stay whole …
    assert len(tr.history) < len(tr.reached_history)  # … though the run is at epoch 10
    tr.run_epochs(2)  # training on from epoch 10 replaces the later rows
    msg = _message(lab)
    assert msg["epoch"] == msg["history"]["epoch"][-1] == 12
