"""Choosing examples: a slice of the training set with its encoded targets Y."""

from __future__ import annotations

import numpy as np

from .config import NetConfig
from .network import encode_targets

Array = np.ndarray


def examples(
    cfg: NetConfig, X: Array, y: Array, task: str, start: int, count: int
) -> tuple[Array, Array]:
    """Rows start … start + count − 1 of (X, y) with their encoded targets Y.

    ``start`` is a 0-based row, clamped to the data; ``count`` is at least 1 and at most what
    is left from ``start``.

    Parameters
    ----------
    X : ndarray of shape (m, s_1)
    y : ndarray of shape (m,)
    task : {"classification", "regression"}

    Returns
    -------
    X : ndarray of shape (k, s_1)
    Y : ndarray of shape (k, s_L)
    """
    m = X.shape[0]
    if m == 0:
        raise ValueError("There are no training examples.")
    start = min(max(int(start), 0), m - 1)
    stop = min(start + max(int(count), 1), m)
    return X[start:stop], encode_targets(cfg, np.asarray(y)[start:stop], task)
