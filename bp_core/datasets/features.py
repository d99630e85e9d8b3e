"""Feature maps (raw plane points (m, 2) -> network inputs (m, n)) and standardization."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# --------------------------------------------------------------------------------------
# Feature maps: raw plane points (m, 2) -> network inputs (m, n)
# --------------------------------------------------------------------------------------

#: Feature functions of the raw points, by name: ``fn(raw (m, 2)) -> (m,)``.
FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": lambda raw: raw[:, 0],
    "x2": lambda raw: raw[:, 1],
    "x1^2": lambda raw: raw[:, 0] ** 2,
    "x2^2": lambda raw: raw[:, 1] ** 2,
    "x1*x2": lambda raw: raw[:, 0] * raw[:, 1],
    "sin(x1)": lambda raw: np.sin(raw[:, 0]),
    "sin(x2)": lambda raw: np.sin(raw[:, 1]),
}


def _check_features(features: Any) -> tuple[str, ...]:
    valid = ", ".join(repr(name) for name in FEATURES)
    if isinstance(features, str) or not isinstance(features, Sequence):
        raise ValueError(
            f"features must be a list of feature names such as ['x1', 'x2']; got {features!r}. "
            f"Valid names: {valid}."
        )
    if len(features) == 0:
        raise ValueError(f"Choose at least one input feature. Valid names: {valid}.")
    for name in features:
        if name not in FEATURES:
            raise ValueError(f"Unknown feature {name!r}. Valid names: {valid}.")
    if len(set(features)) != len(features):
        raise ValueError(f"Each feature may be chosen only once; got {list(features)}.")
    return tuple(features)


def feature_map(raw: np.ndarray, features: Sequence[str]) -> np.ndarray:
    """Turn raw points of the plane into the network's input features.

    Vectorized: works for any number of points, e.g. a grid over the plane.

    Parameters
    ----------
    raw : array_like of shape (m, 2)
        Points (x1, x2), one per row.
    features : sequence of str
        Names from ``FEATURES``, e.g. ``("x1", "x2", "x1*x2")``; at least one, no repeats.

    Returns
    -------
    X : ndarray of shape (m, len(features)), float64
        Column j is ``FEATURES[features[j]](raw)``.

    Raises
    ------
    ValueError
        If a feature name is unknown (the message lists the valid names), the list is empty,
        or ``raw`` does not have two columns.
    """
    names = _check_features(features)
    raw = np.asarray(raw, dtype=np.float64)
    if raw.ndim != 2 or raw.shape[1] != 2:
        raise ValueError(
            f"raw must hold points (x1, x2), one per row, shape (m, 2); got shape {raw.shape}."
        )
    if raw.shape[0] == 0:
        return np.empty((0, len(names)))
    return np.column_stack([FEATURES[name](raw) for name in names])  # (m, n)


# --------------------------------------------------------------------------------------
# Standardization
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Standardizer:
    """Shift and scale each feature: ``(X - mean) / std``, fitted on the training set.

    Attributes
    ----------
    mean : ndarray of shape (n,)
        Mean of each feature over the training examples.
    std : ndarray of shape (n,)
        Standard deviation of each feature (population, ddof=0); a constant feature gets
        std 1, so it becomes 0 instead of a division by zero.
    """

    mean: np.ndarray
    std: np.ndarray

    @classmethod
    def fit(cls, X: np.ndarray) -> Standardizer:
        """Measure the mean and standard deviation of each column of X.

        Parameters
        ----------
        X : array_like of shape (m, n)
            Training examples, one per row; m >= 1.

        Returns
        -------
        Standardizer
            With ``mean`` and ``std`` of shape (n,).
        """
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] == 0:
            raise ValueError(
                f"Standardizer.fit needs a table X of shape (m, n) with m >= 1; got {X.shape}."
            )
        if not np.all(np.isfinite(X)):
            raise ValueError("Standardizer.fit got NaN or infinite values in X.")
        mean = X.mean(axis=0)  # (n,)
        std = X.std(axis=0)  # (n,)
        tiny = 1e-12 * np.maximum(1.0, np.abs(mean))  # (n,) below this a column is constant
        std = np.where(std > tiny, std, 1.0)  # (n,)
        return cls(mean=mean, std=std)

    @property
    def n_features(self) -> int:
        """Number of features n this standardizer was fitted on."""
        return int(self.mean.shape[0])

    def _checked(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(
                f"This standardizer was fitted on {self.n_features} features, "
                f"so X must have shape (m, {self.n_features}); got {X.shape}."
            )
        return X

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Standardize X with the fitted mean and std.

        Parameters
        ----------
        X : array_like of shape (m, n)

        Returns
        -------
        ndarray of shape (m, n), float64
            ``(X - mean) / std``.
        """
        X = self._checked(X)
        return (X - self.mean) / self.std  # (m, n)

    def inverse_transform(self, X: np.ndarray) -> np.ndarray:
        """Undo ``transform``.

        Parameters
        ----------
        X : array_like of shape (m, n)

        Returns
        -------
        ndarray of shape (m, n), float64
            ``X * std + mean``.
        """
        X = self._checked(X)
        return X * self.std + self.mean  # (m, n)
