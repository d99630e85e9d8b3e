"""How well the network does: accuracy, confusion matrix, R²; and which of them a kind of
problem is scored by (``TASK_METRICS``), with what a page needs to show it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


def _same_length(y_true: Array, y_pred: Array, what: str) -> tuple[Array, Array]:
    y_true, y_pred = np.atleast_1d(np.asarray(y_true)), np.atleast_1d(np.asarray(y_pred))
    if y_true.ndim != 1 or y_pred.ndim != 1 or y_true.shape != y_pred.shape:
        raise ValueError(
            f"{what} needs one prediction per label, in two flat lists of the same length "
            f"(got {y_true.size} labels and {y_pred.size} predictions)."
        )
    return y_true, y_pred


def accuracy(y_true: Array, y_pred: Array) -> float:
    """Fraction of examples whose predicted class equals the label; both (m,)."""
    y_true, y_pred = _same_length(y_true, y_pred, "Accuracy")
    if y_true.size == 0:
        raise ValueError("Accuracy needs at least one example.")
    return float(np.mean(y_true == y_pred))


def confusion_matrix(y_true: Array, y_pred: Array, n_classes: int) -> Array:
    """Counts C[i, j] of examples of class i predicted as class j.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (m,), ints in 0 … n_classes − 1

    Returns
    -------
    ndarray of shape (n_classes, n_classes), int64
    """
    if isinstance(n_classes, bool) or not isinstance(n_classes, int | np.integer) or n_classes < 1:
        raise ValueError(f"A confusion matrix needs at least 1 class (got {n_classes!r}).")
    y_true, y_pred = _same_length(y_true, y_pred, "A confusion matrix")
    for name, y in (("labels", y_true), ("predictions", y_pred)):
        if y.size and not np.array_equal(y, np.round(y)):
            raise ValueError(f"The {name} must be whole class numbers, not fractions.")
        if y.size and (y.min() < 0 or y.max() >= n_classes):
            raise ValueError(f"The {name} must be classes 0 … {n_classes - 1}.")
    y_true, y_pred = y_true.astype(np.int64), y_pred.astype(np.int64)
    C = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C


def r2(y_true: Array, y_pred: Array) -> float:
    """Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)²; both (m,).

    A constant target has no variance to explain: R² is then 1 for a perfect fit, else 0.
    """
    y_true, y_pred = _same_length(y_true, y_pred, "R²")
    if y_true.size == 0:
        raise ValueError("R² needs at least one example.")
    y_true, y_pred = y_true.astype(np.float64), y_pred.astype(np.float64)
    ss_res = float(np.sum((y_true - y_pred) ** 2))
    ss_tot = float(np.sum((y_true - y_true.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


@dataclass(frozen=True)
class Metric:
    """The score a kind of problem is measured by.

    Attributes
    ----------
    name : str
        As shown and stored in a run's history ("accuracy", "R²").
    file_name : str
        The name in a CSV column header (ASCII: "accuracy", "R2").
    score : callable
        ``score(y_true, y_pred) -> float``, both (m,).
    percent : bool
        A fraction in [0, 1], shown as a percentage.
    """

    name: str
    file_name: str
    score: Callable[[Array, Array], float]
    percent: bool


#: The score of each task: classification by accuracy, regression by R².
TASK_METRICS: dict[str, Metric] = {
    "classification": Metric("accuracy", "accuracy", accuracy, percent=True),
    "regression": Metric("R²", "R2", r2, percent=False),
}


def metric_named(name: str) -> Metric:
    """The :class:`Metric` whose ``name`` a history stores.  Raises ValueError."""
    for m in TASK_METRICS.values():
        if m.name == name:
            return m
    names = ", ".join(repr(m.name) for m in TASK_METRICS.values())
    raise ValueError(f"Unknown metric {name!r}; a run is scored by {names}.")
