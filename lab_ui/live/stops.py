"""Where Play pauses by itself: a lesson's stops (the epochs of its questions).

The page gives the live session the epochs to stop at (``LiveSession.stops``: epoch → the
reason Play is refused once stopped there, "" for none); while playing, the session trains
a frame's worth with :func:`train_to_stop` instead of ``lab_ui.shared.lab.train_for_frame``
when a stop lies ahead, so training never runs past it, however fast the speed.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any


def next_stop(epoch: int, stops: Mapping[int, str]) -> int | None:
    """The first stop after ``epoch`` (None when there is none)."""
    ahead = [e for e in stops if e > epoch]
    return min(ahead) if ahead else None


def train_to_stop(lab: Any, speed: str, budget_s: float, stop: int) -> bool:
    """Train one frame's worth (as ``train_for_frame``: ``speed`` epochs, or one mini-batch,
    within ``budget_s``) but never past epoch ``stop``.  Returns True when training has
    reached ``stop`` (it pauses there)."""
    tr = lab.trainer
    if speed in ("slow", "step"):
        target = 1
    else:
        target = int(speed) * tr.steps_per_epoch - tr.batch_in_epoch
    t0 = time.perf_counter()
    done = 0
    while done < target and not tr.diverged and tr.epoch < stop:
        tr.step()
        done += 1
        if time.perf_counter() - t0 > budget_s:
            break
    return tr.epoch >= stop


def steps_at(tr: Any, stop: int) -> int:
    """The trainer's gradient-step count when it has finished epoch ``stop`` (from the epoch
    and the mini-batches of it done now: not ``steps % steps_per_epoch``, which a change of
    batch size or data mid-epoch puts out of step with the epochs)."""
    return tr.steps - tr.batch_in_epoch + (stop - tr.epoch) * tr.steps_per_epoch


def diverged_sentence(tr: Any) -> str:
    """Why Play is refused after training diverged, and what to do."""
    d = tr.divergence
    return f"Training diverged at epoch {d.epoch}: press Reset, or choose a smaller α."


__all__ = ["diverged_sentence", "next_stop", "steps_at", "train_to_stop"]
