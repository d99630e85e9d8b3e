"""The network over the whole input plane: decision boundaries and every neuron's picture.

A *grid* samples the 2-D input plane (x1, x2) at ``resolution × resolution`` points and runs
one forward pass over all of them at once.  Heatmap convention, used by every function here:

    ``grid[i, j]`` is the value at the point (x1 = x1[j], x2 = x2[i]),

so **rows index x2 and columns index x1**, x2 growing with the row number (Plotly's heatmap
puts row 0 at the bottom, which is what a student expects of a plot of the plane).

The network does not see raw points: a data set may apply a feature map (x1², sin x1, …) and a
standardization first.  Every function therefore takes ``raw_to_features``, a callable from raw
points (n, 2) to network inputs X (n, s_1); ``features_fn(dataset)`` builds it from a
``bp_core.datasets.Dataset``.

(Packing a grid into bytes for the browser is not the engine's job: ``quantize`` /
``dequantize`` live in ``lab_ui/live/transport.py``.)
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .config import NetConfig
from .network import ForwardTrace, decode_outputs, forward

Array = np.ndarray
Extent = tuple[float, float, float, float]
RawToFeatures = Callable[[Array], Array]

#: Largest resolution accepted (a 1024 × 1024 grid is about a million points).
MAX_RESOLUTION = 1024

__all__ = [
    "MAX_RESOLUTION",
    "extent_for",
    "features_fn",
    "grid_forward",
    "identity_features",
    "neuron_grids",
    "output_grid",
    "plane_grid",
    "prediction_grid",
]


# --------------------------------------------------------------------------------------
# The plane
# --------------------------------------------------------------------------------------


def _check_extent(extent: Any) -> Extent:
    try:
        values = tuple(float(v) for v in extent)
    except (TypeError, ValueError):
        raise ValueError(
            f"The extent must be four numbers (x1_min, x1_max, x2_min, x2_max); got {extent!r}."
        ) from None
    if len(values) != 4:
        raise ValueError(
            "The extent must be four numbers (x1_min, x1_max, x2_min, x2_max); "
            f"got {len(values)} numbers."
        )
    if not all(math.isfinite(v) for v in values):
        raise ValueError(f"The extent must be finite numbers; got {values}.")
    x1_min, x1_max, x2_min, x2_max = values
    if not (x1_min < x1_max and x2_min < x2_max):
        raise ValueError(f"The extent needs x1_min < x1_max and x2_min < x2_max; got {values}.")
    return values  # type: ignore[return-value]


def _check_resolution(resolution: Any) -> int:
    if isinstance(resolution, bool) or not isinstance(resolution, int | np.integer):
        raise ValueError(f"The resolution must be a whole number; got {resolution!r}.")
    res = int(resolution)
    if not 2 <= res <= MAX_RESOLUTION:
        raise ValueError(
            f"The resolution must be between 2 and {MAX_RESOLUTION} points per side; got {res}."
        )
    return res


def plane_grid(extent: Extent, resolution: int) -> tuple[Array, Array, Array]:
    """Sample the input plane on a regular grid.

    Parameters
    ----------
    extent : (x1_min, x1_max, x2_min, x2_max)
        The rectangle to cover, edges included.
    resolution : int
        Points per side, 2 … ``MAX_RESOLUTION``.

    Returns
    -------
    x1 : ndarray of shape (res,)
        Column coordinates, increasing.
    x2 : ndarray of shape (res,)
        Row coordinates, increasing.
    points : ndarray of shape (res * res, 2)
        Row k = i * res + j is the point (x1[j], x2[i]), so any per-point vector v (res*res,)
        becomes a heatmap with ``v.reshape(res, res)`` (rows x2, columns x1).
    """
    x1_min, x1_max, x2_min, x2_max = _check_extent(extent)
    res = _check_resolution(resolution)
    x1 = np.linspace(x1_min, x1_max, res)  # (res,)
    x2 = np.linspace(x2_min, x2_max, res)  # (res,)
    X1, X2 = np.meshgrid(x1, x2)  # (res, res) each; X1[i, j] = x1[j], X2[i, j] = x2[i]
    points = np.column_stack([X1.ravel(), X2.ravel()])  # (res * res, 2)
    return x1, x2, points


def extent_for(raw_points: Array, margin: float = 0.1) -> Extent:
    """A rectangle around some points, widened by ``margin`` of its width on every side.

    Parameters
    ----------
    raw_points : ndarray of shape (m, 2)
        Points (x1, x2) of the plane, m ≥ 1, finite.
    margin : float
        Fraction of the width (height) added on the left and right (bottom and top), ≥ 0.
        A side of zero width (all points on one line) is widened by ± ``max(1, |v|) · margin``
        or ± 1 when margin is 0, so the rectangle is never empty.

    Returns
    -------
    (x1_min, x1_max, x2_min, x2_max) : tuple of float
    """
    P = np.asarray(raw_points, dtype=np.float64)
    if P.ndim != 2 or P.shape[1] != 2 or P.shape[0] < 1:
        raise ValueError(
            f"extent_for needs points (x1, x2), one per row, shape (m, 2); got shape {P.shape}."
        )
    if not np.all(np.isfinite(P)):
        raise ValueError("extent_for got NaN or infinite coordinates.")
    margin = float(margin)
    if not (math.isfinite(margin) and margin >= 0):
        raise ValueError(f"The margin must be a number ≥ 0; got {margin}.")
    out: list[float] = []
    for c in range(2):
        lo, hi = float(P[:, c].min()), float(P[:, c].max())
        pad = margin * (hi - lo)
        if hi == lo:
            pad = max(1.0, abs(lo)) * margin if margin > 0 else 1.0
        out += [lo - pad, hi + pad]
    return out[0], out[1], out[2], out[3]


def identity_features(points: Array) -> Array:
    """The plain map (x1, x2) → X = [x1, x2], for a network that reads the raw points."""
    return np.asarray(points, dtype=np.float64)  # (n, 2)


def features_fn(dataset: Any) -> RawToFeatures:
    """The ``raw_to_features`` map of a planar data set: its feature map, then its
    standardizer, exactly as its ``X_train`` was made (``Dataset.inputs_from_plane``).

    Raises
    ------
    ValueError
        If the data are not points of a plane (e.g. digits, most CSV files).
    """
    if not getattr(dataset, "is_planar", False):
        name = getattr(dataset, "name", "these")
        raise ValueError(
            f"The {name!r} data are not points of a plane, so there is no decision boundary "
            "to draw over (x1, x2)."
        )
    return dataset.inputs_from_plane


# --------------------------------------------------------------------------------------
# Forward passes over the grid
# --------------------------------------------------------------------------------------


def grid_forward(
    cfg: NetConfig,
    Theta: Sequence[Array],
    raw_to_features: RawToFeatures,
    extent: Extent,
    resolution: int,
) -> ForwardTrace:
    """One forward pass over every grid point (see ``plane_grid`` for their order).

    Returns
    -------
    ForwardTrace
        ``a[l - 1]`` is a^(l), of shape (res * res, s_l); ``a[0]`` is the features X of the
        points.
    """
    _, _, points = plane_grid(extent, resolution)  # (res * res, 2)
    X = np.asarray(raw_to_features(points), dtype=np.float64)  # (res * res, s_1)
    n = points.shape[0]
    if X.ndim != 2 or X.shape[0] != n:
        raise ValueError(
            f"raw_to_features must return one row of inputs per point, shape ({n}, s_1); "
            f"got shape {X.shape}."
        )
    return forward(cfg, Theta, X)


def _as_grids(a: Array, res: int) -> Array:
    # a (res * res, s) → (s, res, res); unit j's picture is [j], rows x2, columns x1
    return np.ascontiguousarray(a.T.reshape(a.shape[1], res, res))


def neuron_grids(
    cfg: NetConfig,
    Theta: Sequence[Array],
    raw_to_features: RawToFeatures,
    extent: Extent,
    resolution: int,
) -> list[Array]:
    """Every unit's activation a^(l)_j over the plane, for l = 2 … L (one forward pass).

    Parameters
    ----------
    cfg : NetConfig
    Theta : sequence of ndarray
        ``Theta[l - 1]`` is Θ^(l), of shape (s_{l+1}, s_l + 1).
    raw_to_features : callable
        Raw points (n, 2) → network inputs X (n, s_1).
    extent : (x1_min, x1_max, x2_min, x2_max)
    resolution : int

    Returns
    -------
    list of ndarray
        L − 1 entries; entry l − 2 is layer l's pictures, shape (s_l, res, res), with
        ``[j − 1][i, k]`` = a^(l)_j at (x1[k], x2[i]) (course unit j, 1-based; rows x2).
        The last entry is the output layer h_Θ.
    """
    res = _check_resolution(resolution)
    trace = grid_forward(cfg, Theta, raw_to_features, extent, res)
    return [_as_grids(a, res) for a in trace.a[1:]]


def output_grid(
    cfg: NetConfig,
    Theta: Sequence[Array],
    raw_to_features: RawToFeatures,
    extent: Extent,
    resolution: int,
) -> Array:
    """The network's output h_Θ(x) over the plane.

    Returns
    -------
    ndarray
        One output unit: shape (res, res), the value of h (a probability for a sigmoid
        output).  K > 1 units: shape (K, res, res), ``[k]`` being output unit k + 1 (class k's
        probability for softmax).  Rows index x2, columns x1.  For the predicted class at
        each point use ``prediction_grid``.
    """
    h = neuron_grids(cfg, Theta, raw_to_features, extent, resolution)[-1]  # (K, res, res)
    return h[0] if h.shape[0] == 1 else h


def prediction_grid(
    cfg: NetConfig,
    Theta: Sequence[Array],
    raw_to_features: RawToFeatures,
    extent: Extent,
    resolution: int,
    task: str = "classification",
) -> Array:
    """The prediction at every point: the class label (int64) or, for regression, the value.

    Uses ``bp_core.network.decode_outputs``, so it agrees with ``predict``.

    Returns
    -------
    ndarray of shape (res, res)
        Rows index x2, columns x1.
    """
    res = _check_resolution(resolution)
    trace = grid_forward(cfg, Theta, raw_to_features, extent, res)
    return decode_outputs(cfg, trace.h, task).reshape(res, res)  # (res, res)


# quantize / dequantize (one byte per grid value, for the browser) are a transport concern:
# they moved to lab_ui/live/transport.py.
