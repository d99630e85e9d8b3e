"""Editing a data set by hand: add a training point of the input plane, remove one.

A ``Dataset`` is frozen, so every edit returns a new one; the arrays of the old one are never
changed.  Only the *training* set is edited (the test set stays what it was, so the test
curves keep measuring the same thing).

A new point goes through the data set's own feature map and standardizer, exactly as the
grid of the decision boundary does (``Dataset.inputs_from_plane``):

    x = standardize(feature_map(point))    # (1, n)

The standardizer is **not** fitted again: its mean and standard deviation stay those of the
training set it was made on, so the inputs of the points already there, and with them what
Θ means, do not move when a point is drawn.

Appending then removing the last point gives back arrays equal to the original ones
(``tests/test_datasets_edit.py``).

This module imports numpy and the standard library only.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

import numpy as np

from .records import Dataset

__all__ = ["add_point", "nearest_point", "remove_point"]


def _planar(dataset: Dataset) -> None:
    if not dataset.is_planar:
        raise ValueError(
            f"The {dataset.name!r} data are not points of a plane, so points cannot be drawn."
        )


def _point(point: Sequence[float]) -> np.ndarray:
    p = np.asarray(point, dtype=np.float64)
    if p.shape != (2,):
        raise ValueError(f"A point of the plane is two numbers (x1, x2); got shape {p.shape}.")
    if not np.all(np.isfinite(p)):
        raise ValueError("A point of the plane needs two finite numbers (no NaN or infinity).")
    return p


def _label(dataset: Dataset, label: float) -> np.ndarray:
    """The label as a length-1 array of ``y_train``'s dtype (int64 class or float64 target)."""
    if isinstance(label, bool) or not isinstance(label, int | float | np.integer | np.floating):
        raise ValueError(f"The label must be a number (got {label!r}).")
    if dataset.task == "classification":
        K = dataset.n_classes
        if float(label) != int(label) or not 0 <= int(label) < K:
            raise ValueError(
                f"The class must be one of 0 … {K - 1} for the {dataset.name!r} data "
                f"(got {label!r})."
            )
        return np.array([int(label)], dtype=dataset.y_train.dtype)  # (1,)
    if not math.isfinite(float(label)):
        raise ValueError(f"A regression target must be a finite number (got {label!r}).")
    return np.array([float(label)], dtype=dataset.y_train.dtype)  # (1,)


def add_point(dataset: Dataset, point: Sequence[float], label: float) -> Dataset:
    """A copy of ``dataset`` with one more training example: ``point`` with ``label``.

    Parameters
    ----------
    dataset : Dataset
        A planar data set (``raw_train`` is not None).
    point : sequence of 2 floats
        (x1, x2) in the input plane.
    label : int or float
        A class 0 … K − 1 (classification) or a finite target (regression).

    Returns
    -------
    Dataset
        ``raw_train`` of shape (m_train + 1, 2), ``X_train`` (m_train + 1, n) whose last row
        is ``dataset.inputs_from_plane(point)``, ``y_train`` (m_train + 1,); everything else
        (the test set, the standardizer, the names) is the same object as before.

    Raises
    ------
    ValueError
        The data are not planar, the point is not two finite numbers, or the label is not a
        class of the data (or not a finite target).
    """
    _planar(dataset)
    p = _point(point)[None, :]  # (1, 2)
    y = _label(dataset, label)  # (1,)
    # x = standardize(feature_map(point)), with the data's own map and (unchanged) standardizer
    x = dataset.inputs_from_plane(p)  # (1, n)
    return dataclasses.replace(
        dataset,
        X_train=np.concatenate([dataset.X_train, x]),  # (m_train + 1, n)
        y_train=np.concatenate([dataset.y_train, y]),  # (m_train + 1,)
        raw_train=np.concatenate([dataset.raw_train, p]),  # (m_train + 1, 2)
    )


def remove_point(dataset: Dataset, index: int) -> Dataset:
    """A copy of ``dataset`` without training example ``index`` (0-based row).

    Parameters
    ----------
    dataset : Dataset
        A planar data set with at least two training examples.
    index : int
        Row of ``X_train`` / ``raw_train`` / ``y_train`` to drop, 0 … m_train − 1.

    Returns
    -------
    Dataset
        ``X_train`` of shape (m_train − 1, n) and so on; the test set is unchanged.

    Raises
    ------
    ValueError
        The data are not planar, ``index`` is not a row, or it is the last training example
        (a network cannot train on none).
    """
    _planar(dataset)
    m = dataset.m_train
    if isinstance(index, bool) or not isinstance(index, int | np.integer) or not 0 <= index < m:
        raise ValueError(f"There is no training example {index!r}: rows are 0 … {m - 1}.")
    if m <= 1:
        raise ValueError("The last training example cannot be removed: the network needs one.")
    keep = np.arange(m) != int(index)  # (m_train,)
    return dataclasses.replace(
        dataset,
        X_train=dataset.X_train[keep],  # (m_train − 1, n)
        y_train=dataset.y_train[keep],  # (m_train − 1,)
        raw_train=dataset.raw_train[keep],  # (m_train − 1, 2)
    )


def nearest_point(
    dataset: Dataset, point: Sequence[float], scale: Sequence[float] = (1.0, 1.0)
) -> tuple[int, float]:
    """The training example nearest to ``point``, distances measured in units of ``scale``.

    Parameters
    ----------
    point : sequence of 2 floats
        (x1, x2) in the input plane.
    scale : sequence of 2 positive floats
        The length of one unit along x1 and along x2 (the live view passes the size of one
        screen pixel, so the distance is in pixels even when the axes are scaled unequally).

    Returns
    -------
    (index, distance)
        The 0-based row of ``raw_train`` and its distance, √(Σ ((raw − point) / scale)²).
    """
    _planar(dataset)
    p = _point(point)
    s = _point(scale)
    if not np.all(s > 0):
        raise ValueError(f"The scale must be two positive numbers (got {tuple(s)}).")
    d = np.hypot(*((dataset.raw_train - p) / s).T)  # (m_train,)
    i = int(np.argmin(d))
    return i, float(d[i])
