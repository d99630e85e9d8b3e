"""Training that takes longer than a frame, done a slice at a time by the scheduler.

A *Step one epoch* on the largest network (10 × 32 units, batch 1, 1,000 training points:
1,000 Adam steps) takes about half a second on one core, and a link's replay to epoch 60
half a minute.  Done at once, either held the scheduler's one thread (and, through the
interpreter lock, the server's event loop) that long, and every other session's live view
stopped.  So a session's training that does not fit in a frame becomes its *work*: an
object with

* ``trainer``: the trainer it trains (the session holds its lock while it does);
* ``run_for(budget_s) -> bool``: train for about ``budget_s`` (at least one gradient step),
  True once it is done;
* ``label() -> str``: how far it is, for the status line ("Training 3 epochs: 42 %");
  a Step's work also says it in the run's state (``StepWork.state()``: "Stepping: epoch 2 of 3",
  where the view would otherwise say "paused");
* ``cancel(reason) -> None``: stop where it is (Pause, Play, a new Lab);
* ``event``: what the page is told when it is done ("stepped": it re-runs), or "".

The scheduler gives a session with work one slice per turn, like a playing session's
training (:data:`SLICE_MIN_S` at least), and sends its client a frame with the progress at
most every :data:`PROGRESS_EVERY_S`; the other sessions keep their turns.  :class:`StepWork`
is the Step buttons' work; a link's replay is
:class:`lab_ui.playground.timeline_ui.Replay`.
"""

from __future__ import annotations

import time
from typing import Any

from lab_ui.live import stops

#: Epochs of steps that may wait to be trained; a Step beyond them is refused, in words.
#: Ten *Step one epoch* presses become one piece of work of ten epochs ("Training 10 epochs").
MAX_PENDING_EPOCHS = 20
#: While work is under way, its client gets a frame (with the progress) at most this often.
PROGRESS_EVERY_S = 0.25
#: A turn of work trains at least this long (a playing session's budget when few play): about
#: what building another session's frame costs, so one session's work takes about one more
#: session's share of the scheduler's thread.
SLICE_MIN_S = 0.002


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many}"


def refused_sentence() -> str:
    """Why a Step was not taken (the work already waiting is at its bound)."""
    return (
        f"{MAX_PENDING_EPOCHS} epochs are already waiting to be trained: this Step was ignored "
        "(Pause stops them)."
    )


class StepWork:
    """The steps a session's client asked for (Step, Step one epoch), coalesced into one
    target number of gradient steps, trained a slice at a time.

    Parameters
    ----------
    trainer : bp_core.training.Trainer
    """

    event = "stepped"

    def __init__(self, trainer: Any) -> None:
        self.trainer = trainer
        self.start = self.target = trainer.steps
        self.epochs = 0  # Step one epoch presses taken
        self.batches = 0  # Step (one mini-batch) presses taken
        self.cancelled = ""
        self.first_epoch: int | None = None  # the epoch it started in (state() counts from it)

    def add(self, kind: str) -> str:
        """Take one more press (``"batch"`` or ``"epoch"``, the rest of the epoch then under
        way); returns "" or, when :data:`MAX_PENDING_EPOCHS` epochs would be waiting, the
        reason it was refused."""
        tr = self.trainer
        spe = tr.steps_per_epoch
        if kind == "batch":
            target = self.target + 1
        else:  # to the end of the epoch the target is in (epochs start where this one did)
            start = tr.steps - tr.batch_in_epoch
            target = start + ((self.target - start) // spe + 1) * spe
        if target - tr.steps > MAX_PENDING_EPOCHS * spe:
            return refused_sentence()
        self.target = target
        if kind == "batch":
            self.batches += 1
        else:
            self.epochs += 1
            if self.first_epoch is None:
                self.first_epoch = tr.epoch  # the epoch the first Step one epoch finishes
        return ""

    def stop_at(self, epoch: int) -> None:
        """Never train past the end of epoch ``epoch`` (a stop ahead): the work ends there.
        Called when steps are added and before every slice, so a stop set (or a batch size
        changed) while the work is under way holds too."""
        self.target = min(self.target, stops.steps_at(self.trainer, epoch))

    def run_for(self, budget_s: float) -> bool:
        """Train for about ``budget_s`` seconds (one gradient step at least); True when done."""
        tr = self.trainer
        if tr.steps < self.start:  # the trainer went back (a restored epoch): stop
            return True
        t0 = time.perf_counter()
        while tr.steps < self.target and not tr.diverged:
            tr.step()
            if time.perf_counter() - t0 >= budget_s:
                break
        return tr.steps >= self.target or tr.diverged

    @property
    def fraction(self) -> float:
        total = self.target - self.start
        return 1.0 if total <= 0 else min(max((self.trainer.steps - self.start) / total, 0.0), 1.0)

    def label(self) -> str:
        """ "Training 3 epochs: 42 %" (what was asked for, and how much of it is done)."""
        parts = []
        if self.epochs:
            parts.append(_count(self.epochs, "epoch", "epochs"))
        if self.batches:
            parts.append(_count(self.batches, "mini-batch", "mini-batches"))
        what = " and ".join(parts) or "steps"
        return f"Training {what}: {int(100 * self.fraction)} %"

    def state(self) -> str:
        """The run's state in words while the work is under way (the view's status region:
        ``Status.state``), "Stepping: epoch 2 of 3": the epoch being trained, counted among
        the epochs this Step trains (the rest of the epoch under way is the first); a Step
        of mini-batches only, "Stepping: mini-batch 2 of 5".  It changes once an epoch (a
        screen reader reads each change), not with each frame."""
        tr = self.trainer
        spe = max(1, tr.steps_per_epoch)
        if not self.epochs:
            total = max(1, self.target - self.start)
            now = min(max(tr.steps - self.start + 1, 1), total)
            return f"Stepping: mini-batch {now} of {total}"
        left = max(0, self.target - tr.steps)  # steps still to train
        # epochs that end by the target, from the one under way (batch_in_epoch: not
        # steps % spe, which a batch-size change mid-epoch puts out of step)
        ahead = -(-(tr.batch_in_epoch + left) // spe)  # ceil
        first = tr.epoch if self.first_epoch is None else self.first_epoch
        total = max(1, tr.epoch + ahead - first)
        now = min(max(tr.epoch + 1 - first, 1), total)
        return f"Stepping: epoch {now} of {total}"

    def cancel(self, reason: str = "") -> None:
        self.cancelled = reason or "cancelled"


__all__ = ["MAX_PENDING_EPOCHS", "PROGRESS_EVERY_S", "SLICE_MIN_S", "StepWork", "refused_sentence"]
