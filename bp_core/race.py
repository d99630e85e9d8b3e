"""Race optimizers: the same network, data and Θ, trained by different update rules.

Each racer is a run of :func:`bp_core.runs.build_run` (the one settings → run builder) with
only the optimizer changed, whose trainer then starts from the Θ given (a copy) instead of
the initial Θ the seed draws, and draws the order of the examples from the same generator
(``default_rng([seed, 2])``), so racers with the same rule are identical step for step and
racers with different rules differ in their rule alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from .datasets import Dataset
from .optimizers import OPTIMIZERS
from .runs import BuiltRun, RunSettings, build_run
from .training import Trainer


def race_runs(
    settings: RunSettings,
    dataset: Dataset,
    Theta: Sequence[np.ndarray],
    optimizers: Sequence[str],
) -> list[BuiltRun]:
    """One run per optimizer, all starting from ``Theta`` on ``dataset``.

    Parameters
    ----------
    settings : RunSettings
        The run's settings; only ``optimizer`` is changed per racer.
    dataset : Dataset
        The data every racer trains on (the current run's own, points drawn by hand included).
    Theta : sequence of ndarray
        ``Theta[l - 1]`` is Θ^(l): the weights every racer starts from (copied).
    optimizers : sequence of str
        ``OPTIMIZERS`` names.

    Returns
    -------
    list of BuiltRun
        In the order of ``optimizers``; each trainer at its epoch 0, Θ equal to ``Theta``.
    """
    unknown = [name for name in optimizers if name not in OPTIMIZERS]
    if unknown:
        raise ValueError(f"Unknown optimizer {unknown[0]!r}; choose from {', '.join(OPTIMIZERS)}.")
    runs = []
    for name in optimizers:
        built = build_run(dataclasses.replace(settings, optimizer=name), dataset)
        trainer = Trainer(
            built.cfg,
            [np.array(T, dtype=np.float64) for T in Theta],  # Θ copied
            built.dataset,
            built.trainer.settings,
            np.random.default_rng([settings.seed, 2]),  # build_run's generator of the order
        )
        runs.append(dataclasses.replace(built, trainer=trainer))
    return runs


__all__ = ["race_runs"]
