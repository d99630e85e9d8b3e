"""The ``Run`` record (everything a saved file holds) and its link to the ``Trainer``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ..config import NetConfig
from ..training import History, Snapshot, Trainer, TrainSettings

Array = np.ndarray


@dataclass(frozen=True, eq=False)
class Run:
    """Everything needed to look at (and continue) a training run.

    Attributes
    ----------
    cfg : NetConfig
    Theta : tuple of ndarray
        ``Theta[l]`` is Θ^(l+1), shape (s_{l+1}, s_l + 1), float64.
    settings : TrainSettings
    history : History
    dataset : Dataset
        A ``bp_core.datasets.Dataset``.  ``to_json`` / ``save_npz`` also accept any object
        with ``X_train``, ``y_train``, ``X_test``, ``y_test`` and ``task`` (the trainer's
        ``LabelledData``); it is loaded back as a ``Dataset``.
    epoch, steps : int
        Completed epochs and gradient steps.
    """

    cfg: NetConfig
    Theta: tuple[Array, ...]
    settings: TrainSettings
    history: History
    dataset: Any
    epoch: int
    steps: int


def copy_history(h: History) -> History:
    """A copy of ``h`` that shares no list with it (every field, whatever History holds)."""
    values = {}
    for f in fields(History):
        v = getattr(h, f.name)
        if isinstance(v, list):  # a column, or a table with one list per row
            v = [list(row) if isinstance(row, list) else row for row in v]
        values[f.name] = v
    return History(**values)


def run_from_trainer(trainer: Trainer, dataset: Any) -> Run:
    """A ``Run`` of the trainer's current state (Θ and the history are copied)."""
    return Run(
        cfg=trainer.cfg,
        Theta=tuple(np.array(T, dtype=np.float64, copy=True) for T in trainer.Theta),
        settings=trainer.settings,
        history=copy_history(trainer.history),
        dataset=dataset,
        epoch=trainer.epoch,
        steps=trainer.steps,
    )


def restore_trainer(run: Run, rng: np.random.Generator) -> Trainer:
    """A ``Trainer`` that carries on from ``run``: its Θ, settings, history, epoch and steps.

    The optimizer starts afresh (its state is not saved) and the only Θ snapshot is the
    current one.
    """
    trainer = Trainer(run.cfg, run.Theta, run.dataset, run.settings, rng)
    trainer.history = copy_history(run.history)
    trainer.epoch, trainer.steps = run.epoch, run.steps
    trainer.snapshots = [Snapshot(run.epoch, run.steps, trainer.Theta)]
    return trainer


__all__ = ["Run", "copy_history", "restore_trainer", "run_from_trainer"]
