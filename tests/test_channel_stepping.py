"""The live view's status region during a Step of several epochs: "Stepping: epoch N of M"
until the Step ends, never "paused" while it trains (``Status.state``, from
``LiveSession.state_text`` and ``StepWork.state``)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from lab_ui.live.channel import LiveSession
from tests.live_helpers import live_session

STEPPING = re.compile(r"^Stepping: epoch (\d+) of (\d+)$")


def _session() -> LiveSession:
    return live_session(batch=50)  # 250 examples: 5 mini-batches an epoch


@settings(max_examples=12, deadline=None)
@given(
    epochs=st.integers(2, 5),
    into=st.integers(0, 4),  # mini-batches into an epoch when the Step is pressed
    more=st.integers(0, 2),  # Step one epoch pressed again while it trains
)
def test_a_step_of_several_epochs_says_it_is_stepping_until_it_ends(epochs, into, more):
    live = _session()
    tr = live.lab.trainer
    said: list[str] = []
    with live.lock:  # the scheduler thread takes no turn in between
        for _ in range(into):
            tr.step()
        start = tr.epoch
        for _ in range(epochs):
            live.pending.append("epoch")
        live.take_steps()
        assert live.state_text(live.lab) == f"Stepping: epoch 1 of {epochs}"
        assert live.frame().status.state == f"Stepping: epoch 1 of {epochs}"  # the frame's
        turns = 0
        while tr.steps < live.work.target:  # the scheduler's slices, one gradient step each
            tr.step()
            turns += 1
            if turns == 2 and more:
                for _ in range(more):
                    live.pending.append("epoch")
                live.take_steps()
            said.append(live.state_text(live.lab))
        live.work_turn(0.0)  # the work sees its target reached: it ends
        assert live.work is None
        said.append(live.state_text(live.lab))
    total = epochs + more
    assert (tr.epoch, tr.batch_in_epoch) == (start + total, 0)
    assert said[-1] == f"Epoch {start + total} · paused"  # the Step has ended
    # each slice's state (the last, at the target, just before the work is dropped)
    during = [STEPPING.match(s) for s in said[:-1]]
    assert all(during), said  # never "paused" while it trains
    numbers = [(int(m[1]), int(m[2])) for m in during]
    assert all(1 <= n <= m <= total for n, m in numbers)
    assert [n for n, _ in numbers] == sorted(n for n, _ in numbers)  # it counts up
    assert numbers[-1] == (total, total)
