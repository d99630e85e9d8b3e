"""The ``Run`` record (everything a saved file holds) and its link to the ``Trainer``."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from ..config import NetConfig
from ..training import History, Trainer, TrainSettings

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
    optimizer_state : dict or None
        The optimizer's memory between steps, as ``bp_core.optimizers`` keeps it for
        ``settings.optimizer``: ``{}`` for gradient descent, ``{"v": (n_weights,)}`` for
        momentum's velocity, ``{"m": (n_weights,), "v": (n_weights,), "t": int}`` for Adam's
        moments and step count.  None when it is not known (a file written before it was
        saved): training then resumes with a fresh optimizer state.
    app_settings : dict or None
        The settings of the program that made the run, by name (the Playground's noise,
        seed and initialization, which no bp_core record holds), kept as they are and never
        read by bp_core: each value plain (true/false, a whole or finite number, a text of
        at most ``MAX_NAME_CHARS``, or a list of at most ``MAX_LAYERS`` of those).  None
        when the file has none.
    """

    cfg: NetConfig
    Theta: tuple[Array, ...]
    settings: TrainSettings
    history: History
    dataset: Any
    epoch: int
    steps: int
    optimizer_state: dict[str, Array | int] | None = None
    app_settings: dict[str, Any] | None = None


def copy_history(h: History) -> History:
    """A copy of ``h`` that shares no list with it (every field, whatever History holds)."""
    values = {}
    for f in fields(History):
        v = getattr(h, f.name)
        if isinstance(v, list):  # a column, or a table with one list per row
            v = [list(row) if isinstance(row, list) else row for row in v]
        values[f.name] = v
    return History(**values)


def copy_optimizer_state(state: dict[str, Any]) -> dict[str, Array | int]:
    """A copy of an optimizer state: every vector copied as float64, every count an int."""
    return {
        k: int(v) if isinstance(v, int | np.integer) else np.array(v, dtype=np.float64, copy=True)
        for k, v in state.items()
    }


def _finite_state(state: dict[str, Any]) -> bool:
    return all(isinstance(v, int | np.integer) or np.all(np.isfinite(v)) for v in state.values())


def run_from_trainer(trainer: Trainer, dataset: Any) -> Run:
    """A ``Run`` of the trainer's current state (Θ, the history and the optimizer's state are
    copied).

    The optimizer state is the trainer's (momentum's v, Adam's m, v and t); it is left out
    (None) only if it holds an infinite value, which a file cannot store.
    """
    state = copy_optimizer_state(trainer.optimizer_state)  # (n_weights,) vectors and counts
    return Run(
        cfg=trainer.cfg,
        Theta=tuple(np.array(T, dtype=np.float64, copy=True) for T in trainer.Theta),
        settings=trainer.settings,
        history=copy_history(trainer.history),
        dataset=dataset,
        epoch=trainer.epoch,
        steps=trainer.steps,
        optimizer_state=state if _finite_state(state) else None,
    )


def restore_trainer(run: Run, rng: np.random.Generator) -> Trainer:
    """A ``Trainer`` that carries on from ``run``: its Θ, settings, history, epoch, steps and
    optimizer state.

    Training on from a run saved at the end of an epoch gives, bit for bit, the Θ that
    training on without saving would have given — for mini-batches when ``rng`` is in the
    state the original trainer's generator was in (the generator itself is not saved; full
    batch does not draw from it).  A run without an optimizer state (``optimizer_state`` is
    None: a file written before it was saved) resumes with a fresh one.  The only Θ snapshot
    is the current one.
    """
    trainer = Trainer(run.cfg, run.Theta, run.dataset, run.settings, rng)
    trainer.history = copy_history(run.history)
    trainer.epoch, trainer.steps = run.epoch, run.steps
    if run.optimizer_state is not None:
        fresh = trainer.optimizer_state
        state = copy_optimizer_state(run.optimizer_state)
        if set(state) != set(fresh) or any(
            np.shape(state[k]) != np.shape(v) for k, v in fresh.items()
        ):
            raise ValueError(
                f"The run's optimizer state ({', '.join(sorted(state)) or 'empty'}) does not "
                f"fit its optimizer {run.settings.optimizer!r} and this network "
                f"(it needs {', '.join(sorted(fresh)) or 'nothing'})."
            )
        trainer._opt_state = state
    # the one snapshot: this state, optimizer's memory and generator included (restore())
    trainer.snapshots = [trainer._capture()]
    return trainer


__all__ = ["Run", "copy_history", "copy_optimizer_state", "restore_trainer", "run_from_trainer"]
