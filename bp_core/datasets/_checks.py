"""Input checks shared by the dataset makers (student-readable messages)."""

from __future__ import annotations

from typing import Any

import numpy as np

_TASK_NAMES = ("classification", "regression")

# --------------------------------------------------------------------------------------
# Input checks shared by the generators
# --------------------------------------------------------------------------------------


def _check_rng(rng: Any) -> None:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            "rng must be a numpy random Generator, for example np.random.default_rng(0); "
            f"got {type(rng).__name__}."
        )


def _check_n(n: Any, minimum: int = 1) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise ValueError(f"The number of examples n must be a whole number; got {n!r}.")
    if n < minimum:
        raise ValueError(f"The number of examples n must be at least {minimum}; got {n}.")
    return int(n)


def _check_noise(noise: Any) -> float:
    try:
        value = float(noise)
    except (TypeError, ValueError):
        raise ValueError(f"noise must be a number between 0 and 1; got {noise!r}.") from None
    if not (0.0 <= value <= 1.0):
        raise ValueError(
            f"noise must be between 0 and 1 (0.5 is TensorFlow Playground's 50 %); got {noise!r}."
        )
    return value


def _check_inputs(n: Any, noise: Any, rng: Any) -> tuple[int, float]:
    _check_rng(rng)
    return _check_n(n), _check_noise(noise)


def _split_counts(n: int, k: int) -> np.ndarray:
    """Sizes of k groups that share n examples as evenly as possible, shape (k,)."""
    return np.full(k, n // k) + (np.arange(k) < n % k)


def _check_fraction(train_fraction: Any) -> float:
    try:
        value = float(train_fraction)
    except (TypeError, ValueError):
        raise ValueError(
            f"train_fraction must be a number between 0 and 1; got {train_fraction!r}."
        ) from None
    if not 0.0 < value < 1.0:
        raise ValueError(
            "train_fraction is the share of examples used for training and must be strictly "
            f"between 0 and 1; got {train_fraction!r}."
        )
    return value
