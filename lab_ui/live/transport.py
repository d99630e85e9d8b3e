"""Packing numbers for the browser: one byte per value (numpy only, no streamlit).

The live view receives the decision boundary and the per-neuron maps as bytes.  This is a
transport concern, not the engine's, so it lives here rather than in ``bp_core.grids``
(which computes the grids themselves).
"""

from __future__ import annotations

import math

import numpy as np

Array = np.ndarray

__all__ = ["dequantize", "quantize"]


def _check_levels(lo: float, hi: float, levels: int) -> tuple[float, float, int]:
    lo, hi = float(lo), float(hi)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi and math.isfinite(hi - lo)):
        raise ValueError(f"quantize needs finite lo < hi; got lo={lo}, hi={hi}.")
    if isinstance(levels, bool) or not isinstance(levels, int | np.integer):
        raise ValueError(f"levels must be a whole number; got {levels!r}.")
    if not 2 <= int(levels) <= 256:
        raise ValueError(f"levels must be between 2 and 256 (one byte); got {levels}.")
    return lo, hi, int(levels)


def quantize(grid: Array, lo: float, hi: float, levels: int = 256) -> Array:
    """Map values in [lo, hi] to the bytes 0 … levels − 1 (nearest level).

    Values below lo or above hi are clipped to lo or hi first.  ``dequantize`` undoes it with
    an error of at most (hi − lo) / (2 (levels − 1)), i.e. (hi − lo)/510 for 256 levels.

    Parameters
    ----------
    grid : ndarray of any shape, finite
    lo, hi : float
        The value range, lo < hi.
    levels : int
        2 … 256.

    Returns
    -------
    ndarray of uint8, the shape of ``grid``
    """
    lo, hi, levels = _check_levels(lo, hi, levels)
    G = np.asarray(grid, dtype=np.float64)
    if not np.all(np.isfinite(G)):
        raise ValueError("quantize got NaN or infinite values; the grid cannot be drawn.")
    # q = round((clip(v) − lo) / (hi − lo) · (levels − 1))
    t = (np.clip(G, lo, hi) - lo) / (hi - lo)  # same shape, in [0, 1]
    return np.rint(t * (levels - 1)).astype(np.uint8)


def dequantize(q: Array, lo: float, hi: float, levels: int = 256) -> Array:
    """Undo ``quantize``: byte q → lo + q / (levels − 1) · (hi − lo).

    Returns
    -------
    ndarray of float64, the shape of ``q``
    """
    lo, hi, levels = _check_levels(lo, hi, levels)
    Q = np.asarray(q)
    if Q.dtype != np.uint8:
        raise ValueError(f"dequantize expects bytes (uint8); got {Q.dtype}.")
    return lo + Q.astype(np.float64) / (levels - 1) * (hi - lo)
