"""Datasets for Backprop Lab: toy 2-D problems, 8x8 handwritten digits and your own CSV.

Conventions (the same as the rest of ``bp_core`` and the course):

- **Rows are examples.** ``X`` has shape (m, n): m examples, n features (the course's
  s_1 input units). A label vector ``y`` has shape (m,).
- **Classification labels are the integers 0..K-1** (int64), where K = ``n_classes``.
  Names for the classes, when there are any ("cat", "dog", "7"), live in
  ``Dataset.class_names``; ``class_names[k]`` names label k.
- **Regression targets are float64.** A regression dataset has ``n_classes == 0``.
- **The input plane.** The toy problems live in the square [-6, 6] x [-6, 6], the same
  coordinates as TensorFlow Playground. The two coordinates are called x1 and x2. A
  *feature map* (``FEATURES``) turns the raw points (m, 2) into the network's inputs
  (m, n), e.g. ``("x1", "x2", "x1*x2")``. Because the raw points are kept
  (``Dataset.raw_train``), the UI can colour the whole plane by the network's output:
  it calls ``Dataset.inputs_from_plane`` on a grid of points.
- **Randomness is explicit.** Every function that draws random numbers takes an
  ``rng: np.random.Generator``; the same seed always gives the same data.
- **Noise** is a number in [0, 1]. TensorFlow Playground's noise slider runs from 0 to 50 %,
  which is ``noise`` 0 to 0.5 here; values above 0.5 go further than Playground does.
  What noise does depends on the problem (see ``DATASET_INFO[name].noise``): for circle,
  xor, plane and gaussian_bumps the target is computed at a randomly moved copy of the
  point (so labels near the boundary get mixed up), for spiral and moons the points
  themselves are moved, and for gaussians and blobs the clouds get wider.

This module imports numpy and the standard library only.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CSV_CLASSIFICATION_MAX_DISTINCT",
    "CSV_MAX_BYTES",
    "CSV_MAX_CLASSES",
    "CSV_MAX_FEATURES",
    "CSV_MAX_ROWS",
    "CSV_MIN_ROWS",
    "DATASET_INFO",
    "DATASET_NAMES",
    "DEFAULT_N_CLASSES",
    "FEATURES",
    "GENERATORS",
    "INPUT_RANGE",
    "TASKS",
    "Dataset",
    "DatasetInfo",
    "Standardizer",
    "feature_map",
    "load_csv",
    "load_digits",
    "make_blobs",
    "make_circle",
    "make_dataset",
    "make_gaussian_bumps",
    "make_gaussians",
    "make_moons",
    "make_plane",
    "make_spiral",
    "make_xor",
]

#: The toy problems live in the square [-6, 6] x [-6, 6] (TensorFlow Playground's plane).
INPUT_RANGE: tuple[float, float] = (-6.0, 6.0)

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


# --------------------------------------------------------------------------------------
# Toy generators: fn(n, noise, rng) -> (X (n, 2) float64, y (n,))
# --------------------------------------------------------------------------------------


def make_circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A disc of class 1 inside a ring of class 0 (Playground's "Circle").

    Half the points (the first ``n - n // 2``) are drawn with radius in [0, 2.5], the rest
    with radius in [3.5, 5]. A point's label is 1 when the point *moved by noise* lies
    within radius 3 (the middle of the gap), else 0; the move is uniform in [-5, 5]^2 times
    ``noise``. So with ``noise == 0`` the rule is exactly ``y == (‖x‖ < 3)`` and a gap of
    width 1 separates the classes. (Playground draws the border at 2.5 instead.)

    Parameters
    ----------
    n : int
        Number of examples m, at least 1.
    noise : float
        Label noise in [0, 1].
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
        Points (x1, x2) in the plane.
    y : ndarray of shape (n,), int64
        Labels: 1 inside the circle, 0 outside.
    """
    n, noise = _check_inputs(n, noise, rng)
    n_in = n - n // 2
    r = np.concatenate([rng.uniform(0.0, 2.5, n_in), rng.uniform(3.5, 5.0, n - n_in)])  # (n,)
    angle = rng.uniform(0.0, 2.0 * np.pi, n)  # (n,)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])  # (n, 2)
    moved = X + rng.uniform(-5.0, 5.0, (n, 2)) * noise  # (n, 2)
    y = (np.hypot(moved[:, 0], moved[:, 1]) < 3.0).astype(np.int64)  # (n,)
    return X, y


def make_xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The four quadrants: class 1 where x1 and x2 have the same sign (Playground's "Xor").

    Coordinates are uniform in [-5, 5] and then pushed 0.3 away from the axes, so with
    ``noise == 0`` there is a gap along both axes. The label is 1 when x1 * x2 >= 0 at the
    point moved by uniform [-5, 5]^2 times ``noise``, else 0.

    Parameters
    ----------
    n : int
        Number of examples m, at least 1.
    noise : float
        Label noise in [0, 1].
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64
        1 in the first and third quadrants, 0 in the second and fourth.
    """
    n, noise = _check_inputs(n, noise, rng)
    X = rng.uniform(-5.0, 5.0, (n, 2))  # (n, 2)
    X = X + np.where(X > 0, 0.3, -0.3)  # (n, 2) padding away from the axes
    moved = X + rng.uniform(-5.0, 5.0, (n, 2)) * noise  # (n, 2)
    y = (moved[:, 0] * moved[:, 1] >= 0).astype(np.int64)  # (n,)
    return X, y


def _gaussian_variance(noise: float) -> float:
    # Playground maps noise 0..0.5 linearly to variance 0.5..4; we extend the same line.
    return 0.5 + 7.0 * noise


def make_gaussians(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds, class 1 around (2, 2) and class 0 around (-2, -2).

    Each coordinate has variance 0.5 + 7 * noise (Playground's 0.5 at no noise and 4 at
    noise 0.5), so noise makes the clouds wider until they overlap.

    Parameters
    ----------
    n : int
        Number of examples m, at least 1.
    noise : float
        Width of the clouds, in [0, 1].
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64
        The first ``n - n // 2`` rows are class 1, the rest class 0.
    """
    n, noise = _check_inputs(n, noise, rng)
    n_pos = n - n // 2
    centres = np.where((np.arange(n) < n_pos)[:, None], 2.0, -2.0)  # (n, 1)
    X = centres + rng.normal(0.0, math.sqrt(_gaussian_variance(noise)), (n, 2))  # (n, 2)
    y = (np.arange(n) < n_pos).astype(np.int64)  # (n,)
    return X, y


def make_spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, 1.75 turns each (Playground's "Spiral").

    Point i of an arm with k points has radius r = 5 i / k and angle
    t = 1.75 * 2π i / k (+ π for the class-0 arm), at (r sin t, r cos t). Each coordinate
    is then moved by uniform [-1, 1] times ``noise``.

    Parameters
    ----------
    n : int
        Number of examples m, at least 1.
    noise : float
        Jitter of the points, in [0, 1].
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64
        The first ``n - n // 2`` rows are the class-1 arm, the rest the class-0 arm.
    """
    n, noise = _check_inputs(n, noise, rng)
    parts_X, parts_y = [], []
    for label, count, phase in ((1, n - n // 2, 0.0), (0, n // 2, np.pi)):
        frac = np.arange(count) / max(count, 1)  # (count,) i / k
        r = 5.0 * frac  # (count,)
        t = 1.75 * 2.0 * np.pi * frac + phase  # (count,)
        parts_X.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))  # (count, 2)
        parts_y.append(np.full(count, label, dtype=np.int64))
    X = np.concatenate(parts_X) + rng.uniform(-1.0, 1.0, (n, 2)) * noise  # (n, 2)
    return X, np.concatenate(parts_y)


def make_moons(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half-moons, the classic of scikit-learn's ``make_moons``.

    On the unit scale, class 0 is (cos t, sin t) and class 1 is (1 - cos t, 0.5 - sin t)
    for t uniform in [0, π]. The picture is centred and stretched by 3 so it spans about
    [-4.5, 4.5] x [-2.25, 2.25]; each coordinate then gets Gaussian jitter with standard
    deviation 1.5 * noise (half a moon radius at noise 1).

    Parameters
    ----------
    n : int
        Number of examples m, at least 1.
    noise : float
        Jitter of the points, in [0, 1].
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64
        The first ``n - n // 2`` rows are class 0 (upper moon), the rest class 1.
    """
    n, noise = _check_inputs(n, noise, rng)
    n_upper = n - n // 2
    t = rng.uniform(0.0, np.pi, n)  # (n,)
    upper = np.arange(n) < n_upper  # (n,)
    x1 = np.where(upper, np.cos(t), 1.0 - np.cos(t))  # (n,)
    x2 = np.where(upper, np.sin(t), 0.5 - np.sin(t))  # (n,)
    X = 3.0 * (np.column_stack([x1, x2]) - [0.5, 0.25])  # (n, 2)
    X = X + rng.normal(0.0, 1.5 * noise, (n, 2))  # (n, 2)
    return X, (~upper).astype(np.int64)


def make_blobs(
    n: int, noise: float, rng: np.random.Generator, n_classes: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """K Gaussian blobs, one per class, with centres evenly spaced on a circle of radius 4.

    Blob k is centred at angle π/2 + 2πk/K. Each coordinate has variance
    0.5 + 7 * noise, as in ``make_gaussians``. The classes get equal shares of n (the first
    ``n % K`` classes get one extra example).

    Parameters
    ----------
    n : int
        Number of examples m, at least 1.
    noise : float
        Width of the blobs, in [0, 1].
    rng : np.random.Generator
        Source of randomness.
    n_classes : int, default 3
        Number of classes K, from 2 to 10.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), int64
        Labels 0..K-1, in blocks.
    """
    n, noise = _check_inputs(n, noise, rng)
    if isinstance(n_classes, bool) or not isinstance(n_classes, int | np.integer):
        raise ValueError(f"n_classes must be a whole number from 2 to 10; got {n_classes!r}.")
    if not 2 <= n_classes <= 10:
        raise ValueError(f"Blobs can have from 2 to 10 classes; got n_classes={n_classes}.")
    k = int(n_classes)
    y = np.repeat(np.arange(k, dtype=np.int64), _split_counts(n, k))  # (n,)
    angle = np.pi / 2 + 2.0 * np.pi * np.arange(k) / k  # (K,)
    centres = 4.0 * np.column_stack([np.cos(angle), np.sin(angle)])  # (K, 2)
    X = centres[y] + rng.normal(0.0, math.sqrt(_gaussian_variance(noise)), (n, 2))  # (n, 2)
    return X, y


def make_plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression on a tilted plane: y = (x1 + x2) / 10 (Playground's "Plane").

    Points are uniform in [-6, 6]^2. The target is computed at the point moved by uniform
    [-6, 6]^2 times ``noise``, which for a plane is the same as adding noise
    (u1 + u2) * noise / 10 to y. With ``noise == 0``, y = (x1 + x2) / 10 exactly, in
    [-1.2, 1.2].

    Parameters
    ----------
    n : int
        Number of examples m, at least 1.
    noise : float
        Target noise in [0, 1].
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), float64
    """
    n, noise = _check_inputs(n, noise, rng)
    X = rng.uniform(-6.0, 6.0, (n, 2))  # (n, 2)
    moved = X + rng.uniform(-6.0, 6.0, (n, 2)) * noise  # (n, 2)
    y = (moved[:, 0] + moved[:, 1]) / 10.0  # (n,)
    return X, y


#: Centres (c1, c2) and signs of the six bumps of ``make_gaussian_bumps`` (Playground's).
_BUMPS = np.array(
    [
        [-4.0, 2.5, 1.0],
        [0.0, 2.5, -1.0],
        [4.0, 2.5, 1.0],
        [-4.0, -2.5, -1.0],
        [0.0, -2.5, 1.0],
        [4.0, -2.5, -1.0],
    ]
)  # (6, 3): c1, c2, sign


def make_gaussian_bumps(
    n: int, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Regression on six bumps, up and down like a checkerboard.

    y = Σ_k s_k exp(-‖x - c_k‖² / 2) with centres c_k at (-4, 0, 4) x (2.5, -2.5) and signs
    s_k = ±1 alternating (TensorFlow Playground's "Multi gaussian" layout, with smooth
    Gaussian bumps instead of Playground's cones). y lies in about [-1, 1]. Points are
    uniform in [-6, 6]^2; the target is computed at the point moved by uniform
    [-6, 6]^2 times ``noise``.

    Parameters
    ----------
    n : int
        Number of examples m, at least 1.
    noise : float
        Target noise in [0, 1].
    rng : np.random.Generator
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (n, 2), float64
    y : ndarray of shape (n,), float64
    """
    n, noise = _check_inputs(n, noise, rng)
    X = rng.uniform(-6.0, 6.0, (n, 2))  # (n, 2)
    moved = X + rng.uniform(-6.0, 6.0, (n, 2)) * noise  # (n, 2)
    sq_dist = ((moved[:, None, :] - _BUMPS[None, :, :2]) ** 2).sum(axis=2)  # (n, 6)
    y = np.exp(-sq_dist / 2.0) @ _BUMPS[:, 2]  # (n,)
    return X, y


#: Toy generators by name: ``fn(n, noise, rng) -> (X (n, 2), y (n,))``.
GENERATORS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "circle": make_circle,
    "xor": make_xor,
    "gaussians": make_gaussians,
    "spiral": make_spiral,
    "moons": make_moons,
    "blobs": make_blobs,
    "plane": make_plane,
    "gaussian_bumps": make_gaussian_bumps,
}


@dataclass(frozen=True)
class DatasetInfo:
    """What the UI needs to know about a named dataset before making it.

    Attributes
    ----------
    task : str
        "classification" or "regression".
    n_classes : int
        Default number of classes K (0 for regression).
    planar : bool
        True when the examples are points of the input plane (x1, x2).
    description : str
        One sentence for a student.
    noise : str
        What the noise setting does for this dataset ("" when it is ignored).
    """

    task: str
    n_classes: int
    planar: bool
    description: str
    noise: str


#: Facts about every dataset name, including "digits".
DATASET_INFO: dict[str, DatasetInfo] = {
    "circle": DatasetInfo(
        "classification",
        2,
        True,
        "A disc of one class inside a ring of the other.",
        "labels are decided at a randomly moved point, so the border gets mixed up",
    ),
    "xor": DatasetInfo(
        "classification",
        2,
        True,
        "Opposite quadrants share a class: no single line works.",
        "labels are decided at a randomly moved point, so the borders get mixed up",
    ),
    "gaussians": DatasetInfo(
        "classification",
        2,
        True,
        "Two round clouds of points: one straight line separates them.",
        "the clouds get wider until they overlap",
    ),
    "spiral": DatasetInfo(
        "classification",
        2,
        True,
        "Two interleaved spiral arms: the hardest toy problem.",
        "the points are moved randomly off the arms",
    ),
    "moons": DatasetInfo(
        "classification",
        2,
        True,
        "Two interleaving half-moons.",
        "the points are moved randomly off the moons",
    ),
    "blobs": DatasetInfo(
        "classification",
        3,
        True,
        "K round clouds, one per class (multi-class softmax/one-vs-all).",
        "the clouds get wider until they overlap",
    ),
    "plane": DatasetInfo(
        "regression",
        0,
        True,
        "Regression: the target is a tilted plane, y = (x1 + x2) / 10.",
        "random noise is added to the target",
    ),
    "gaussian_bumps": DatasetInfo(
        "regression",
        0,
        True,
        "Regression: the target is six Gaussian bumps, up and down.",
        "the target is read at a randomly moved point",
    ),
    "digits": DatasetInfo(
        "classification",
        10,
        False,
        "1,797 real 8x8 images of handwritten digits 0-9 (64 pixels).",
        "",
    ),
}

#: All dataset names in the order the UI should list them.
DATASET_NAMES: tuple[str, ...] = (
    "circle",
    "xor",
    "gaussians",
    "spiral",
    "moons",
    "blobs",
    "plane",
    "gaussian_bumps",
    "digits",
)

#: "classification" or "regression" for each dataset name.
TASKS: dict[str, str] = {name: info.task for name, info in DATASET_INFO.items()}

#: Default number of classes K for each dataset name (0 for regression).
DEFAULT_N_CLASSES: dict[str, int] = {name: info.n_classes for name, info in DATASET_INFO.items()}


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
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(
                f"This standardizer was fitted on {self.n_features} features, "
                f"so X must have shape (m, {self.n_features}); got {X.shape}."
            )
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
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(
                f"This standardizer was fitted on {self.n_features} features, "
                f"so X must have shape (m, {self.n_features}); got {X.shape}."
            )
        return X * self.std + self.mean  # (m, n)


# --------------------------------------------------------------------------------------
# The Dataset record
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split ready for the network. Treat the arrays as read-only.

    Attributes
    ----------
    name : str
        Dataset name, e.g. "circle", "digits" or the CSV file name.
    X_train : ndarray of shape (m_train, n), float64
        Training inputs, after the feature map and (if chosen) standardization.
    y_train : ndarray of shape (m_train,)
        Training labels: int64 in 0..K-1 for classification, float64 for regression.
    X_test : ndarray of shape (m_test, n), float64
    y_test : ndarray of shape (m_test,)
    task : str
        "classification" or "regression".
    n_classes : int
        Number of classes K (0 for regression).
    feature_names : tuple of str, length n
        Name of each column of X.
    class_names : tuple of str, length K or 0
        ``class_names[k]`` names label k; may be empty.
    image_shape : tuple of (int, int) or None
        Shape to draw one row of X as an image, e.g. (8, 8) for digits.
    raw_train : ndarray of shape (m_train, 2) or None
        The training points in the input plane before the feature map, for drawing;
        None when the data are not points of a plane.
    raw_test : ndarray of shape (m_test, 2) or None
    standardizer : Standardizer or None
        Fitted on the training features when standardization was chosen.
    plane_features : tuple of str
        ``FEATURES`` names that turn plane points into X's columns (before
        standardization); empty when the dataset is not planar.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str
    n_classes: int
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()
    image_shape: tuple[int, int] | None = None
    raw_train: np.ndarray | None = None
    raw_test: np.ndarray | None = None
    standardizer: Standardizer | None = None
    plane_features: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.task not in _TASK_NAMES:
            raise ValueError(f"task must be 'classification' or 'regression'; got {self.task!r}.")
        n = self.X_train.shape[1] if self.X_train.ndim == 2 else -1
        parts = (("train", self.X_train, self.y_train), ("test", self.X_test, self.y_test))
        for label, X, y in parts:
            if X.ndim != 2 or X.shape[1] != n or y.shape != (X.shape[0],):
                raise ValueError(
                    f"X_{label} must have shape (m, {n}) and y_{label} shape (m,); "
                    f"got {X.shape} and {y.shape}."
                )
        if len(self.feature_names) != n:
            raise ValueError(f"There are {n} feature columns but {len(self.feature_names)} names.")
        if (self.raw_train is None) != (self.raw_test is None):
            raise ValueError("raw_train and raw_test must both be given or both be None.")

    @property
    def n_features(self) -> int:
        """Number of input features n (the course's s_1)."""
        return int(self.X_train.shape[1])

    @property
    def m_train(self) -> int:
        """Number of training examples."""
        return int(self.X_train.shape[0])

    @property
    def m_test(self) -> int:
        """Number of test examples."""
        return int(self.X_test.shape[0])

    @property
    def is_planar(self) -> bool:
        """True when the examples are points of a plane that the UI can draw."""
        return self.raw_train is not None

    def inputs_from_plane(self, points: np.ndarray) -> np.ndarray:
        """Turn points of the input plane into network inputs exactly as the data were.

        Applies the feature map and then the standardizer, if any. Use it on a grid of
        points to draw the decision boundary.

        Parameters
        ----------
        points : array_like of shape (k, 2)
            Points (x1, x2) of the plane.

        Returns
        -------
        ndarray of shape (k, n), float64
            Rows comparable with ``X_train``.
        """
        if not self.is_planar:
            raise ValueError(f"The {self.name!r} data are not points of a plane.")
        X = feature_map(points, self.plane_features)  # (k, n)
        return self.standardizer.transform(X) if self.standardizer is not None else X


# --------------------------------------------------------------------------------------
# Shuffling, splitting and assembling
# --------------------------------------------------------------------------------------


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


def _split_indices(
    m: int, train_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle 0..m-1 and cut it into (train, test) index arrays."""
    fraction = _check_fraction(train_fraction)
    m_train = math.floor(fraction * m + 0.5)
    if not 1 <= m_train <= m - 1:
        raise ValueError(
            f"With {m} examples and train_fraction={fraction:g}, the "
            f"{'training' if m_train < 1 else 'test'} set would be empty; "
            "use more examples or a train_fraction nearer 0.5."
        )
    order = rng.permutation(m)  # (m,)
    return order[:m_train], order[m_train:]


def _assemble(
    *,
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    raw: np.ndarray | None,
    train_fraction: float,
    rng: np.random.Generator,
    task: str,
    n_classes: int,
    feature_names: tuple[str, ...],
    class_names: tuple[str, ...] = (),
    image_shape: tuple[int, int] | None = None,
    standardize: bool = False,
    plane_features: tuple[str, ...] = (),
) -> Dataset:
    train, test = _split_indices(X.shape[0], train_fraction, rng)
    X_train, X_test = X[train], X[test]  # (m_train, n), (m_test, n)
    standardizer = None
    if standardize:
        standardizer = Standardizer.fit(X_train)
        X_train, X_test = standardizer.transform(X_train), standardizer.transform(X_test)
    return Dataset(
        name=name,
        X_train=X_train,
        y_train=y[train],
        X_test=X_test,
        y_test=y[test],
        task=task,
        n_classes=n_classes,
        feature_names=feature_names,
        class_names=class_names,
        image_shape=image_shape,
        raw_train=None if raw is None else raw[train],
        raw_test=None if raw is None else raw[test],
        standardizer=standardizer,
        plane_features=plane_features if raw is not None else (),
    )


def make_dataset(
    name: str,
    *,
    n: int = 500,
    noise: float = 0.0,
    train_fraction: float = 0.5,
    rng: np.random.Generator,
    features: Sequence[str] = ("x1", "x2"),
    n_classes: int | None = None,
    standardize: bool = False,
) -> Dataset:
    """Make a named dataset: generate, shuffle, split, apply the feature map.

    Parameters
    ----------
    name : str
        One of ``DATASET_NAMES``. "digits" is passed on to ``load_digits``; for it ``n``,
        ``noise`` and ``features`` are ignored (all 1,797 images are used, pixels as
        features).
    n : int, default 500
        Number of examples m before the split, at least 2.
    noise : float, default 0.0
        In [0, 1]; see ``DATASET_INFO[name].noise`` for what it does.
    train_fraction : float, default 0.5
        Share of the examples used for training, strictly between 0 and 1; both parts
        must get at least one example.
    rng : np.random.Generator
        Source of randomness for generating and shuffling.
    features : sequence of str, default ("x1", "x2")
        Names from ``FEATURES``, the network's inputs.
    n_classes : int or None
        Number of classes for "blobs" (2..10, default 3); other datasets have a fixed
        number and accept only None or that number.
    standardize : bool, default False
        Fit a ``Standardizer`` on the training features and apply it to both parts.

    Returns
    -------
    Dataset
        ``X_train`` of shape (m_train, len(features)), ``raw_train`` of shape
        (m_train, 2), and so on; m_train = round(train_fraction * n).
    """
    if name == "digits":
        _check_rng(rng)
        if n_classes not in (None, 10):
            raise ValueError(f"The digits always have 10 classes; got n_classes={n_classes}.")
        return load_digits(train_fraction=train_fraction, rng=rng, standardize=standardize)
    if name not in GENERATORS:
        raise ValueError(f"Unknown dataset {name!r}. Valid names: {', '.join(DATASET_NAMES)}.")
    _check_rng(rng)
    names = _check_features(features)
    _check_n(n, minimum=2)
    _check_fraction(train_fraction)
    info = DATASET_INFO[name]
    if name == "blobs":
        k = info.n_classes if n_classes is None else n_classes
        raw, y = make_blobs(n, noise, rng, n_classes=k)
        k = int(k)
    else:
        if n_classes is not None and n_classes != info.n_classes:
            if info.task == "regression":
                what = "is a regression problem"
            else:
                what = f"always has {info.n_classes} classes"
            raise ValueError(f"{name!r} {what}; n_classes={n_classes} does not apply.")
        raw, y = GENERATORS[name](n, noise, rng)
        k = info.n_classes
    class_names = tuple(str(c) for c in range(k))
    return _assemble(
        name=name,
        X=feature_map(raw, names),
        y=y,
        raw=raw,
        train_fraction=train_fraction,
        rng=rng,
        task=info.task,
        n_classes=k,
        feature_names=names,
        class_names=class_names,
        standardize=standardize,
        plane_features=names,
    )


# --------------------------------------------------------------------------------------
# Handwritten digits
# --------------------------------------------------------------------------------------

_DIGITS_PATH = Path(__file__).resolve().parent / "data" / "digits.npz"


@lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The stored images (1797, 64) uint8 and labels (1797,) uint8, read-only."""
    if not _DIGITS_PATH.is_file():
        raise FileNotFoundError(
            f"The digits data file is missing: {_DIGITS_PATH}. "
            "Regenerate it with `python bench/make_digits_data.py`."
        )
    with np.load(_DIGITS_PATH, allow_pickle=False) as data:
        images, labels = data["images"], data["labels"]
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


def load_digits(
    *,
    train_fraction: float = 0.7,
    rng: np.random.Generator,
    scale: bool = True,
    standardize: bool = False,
) -> Dataset:
    """The 1,797 8x8 images of handwritten digits (UCI), shuffled and split.

    Source and licence (CC BY 4.0): ``bp_core/data/README.md``.

    Parameters
    ----------
    train_fraction : float, default 0.7
        Share of the images used for training, strictly between 0 and 1.
    rng : np.random.Generator
        Source of randomness for the shuffle.
    scale : bool, default True
        Divide the pixel counts 0..16 by 16 so the inputs are in [0, 1].
    standardize : bool, default False
        Also fit a ``Standardizer`` on the training pixels and apply it to both parts.

    Returns
    -------
    Dataset
        ``X_train`` of shape (m_train, 64) float64, one flattened image per row (pixel
        ``px{r}_{c}`` is row r, column c); ``y_train`` int64 digits 0..9;
        ``image_shape == (8, 8)``; ``raw_train is None``.
    """
    _check_rng(rng)
    images, labels = _digits_arrays()
    X = images.astype(np.float64)  # (1797, 64)
    if scale:
        X = X / 16.0
    return _assemble(
        name="digits",
        X=X,
        y=labels.astype(np.int64),
        raw=None,
        train_fraction=train_fraction,
        rng=rng,
        task="classification",
        n_classes=10,
        feature_names=tuple(f"px{r}_{c}" for r in range(8) for c in range(8)),
        class_names=tuple(str(d) for d in range(10)),
        image_shape=(8, 8),
        standardize=standardize,
    )


# --------------------------------------------------------------------------------------
# CSV files
# --------------------------------------------------------------------------------------

#: Limits for uploaded CSV files.
CSV_MAX_ROWS = 20_000
CSV_MAX_FEATURES = 50
CSV_MIN_ROWS = 4
CSV_MAX_BYTES = 16 * 1024 * 1024
#: At most this many distinct integer/name labels make a classification problem by default.
CSV_CLASSIFICATION_MAX_DISTINCT = 20
#: A classification problem from a CSV file may have at most this many classes.
CSV_MAX_CLASSES = 100


def _read_csv_text(source: Any) -> tuple[str, str]:
    """Return (text, display name) for any accepted CSV source."""
    name = "csv"
    if isinstance(source, os.PathLike):
        path = Path(source)
        name = path.name
        if path.stat().st_size > CSV_MAX_BYTES:
            raise ValueError(
                f"The file {name} is larger than {CSV_MAX_BYTES // (1024 * 1024)} MB; the limit "
                f"is {CSV_MAX_ROWS:,} rows and {CSV_MAX_FEATURES} feature columns."
            )
        data: str | bytes = path.read_bytes()
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str):
        stripped = source.strip()
        if "\n" not in stripped and "," not in stripped and stripped.lower().endswith(".csv"):
            raise ValueError(
                f"{source!r} looks like a file name. A str is read as the CSV text itself; "
                "to read a file, pass pathlib.Path('...') instead."
            )
        data = source
    elif hasattr(source, "read"):
        data = source.read(CSV_MAX_BYTES + 1)
        if not isinstance(data, str | bytes):
            raise TypeError("The file object's read() must return str or bytes.")
        file_name = getattr(source, "name", None)
        if isinstance(file_name, str) and file_name:
            name = Path(file_name).name
    else:
        raise TypeError(
            "source must be CSV text (str), bytes, a path (pathlib.Path) or an open file; "
            f"got {type(source).__name__}."
        )
    if len(data) > CSV_MAX_BYTES:
        raise ValueError(
            f"The file is larger than {CSV_MAX_BYTES // (1024 * 1024)} MB; the limit is "
            f"{CSV_MAX_ROWS:,} rows and {CSV_MAX_FEATURES} feature columns."
        )
    nul = "\x00" if isinstance(data, str) else b"\x00"
    if nul in data:
        at = data.index(nul)
        line = data[:at].count("\n" if isinstance(data, str) else b"\n") + 1
        raise ValueError(
            f"Line {line} contains binary data (a zero byte), so this is not a CSV text file. "
            "Export it from your spreadsheet as 'CSV UTF-8'."
        )
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data[: err.start].count(b"\n") + 1
            raise ValueError(
                f"Line {line} is not UTF-8 text (byte 0x{data[err.start]:02x} at position "
                f"{err.start}). Save the file as 'CSV UTF-8' and try again."
            ) from None
    else:
        text = data.removeprefix("\ufeff")
    return text, name


def _parse_number(cell: str) -> float | None:
    """float(cell), or None when the cell is not a number (non-finite values stay)."""
    try:
        return float(cell)
    except ValueError:
        return None


def _label_kind_error(
    labels: list[tuple[int, str, float | None]], label_col: str
) -> ValueError | None:
    """An error when some labels are numbers and others are names, else None."""
    numeric = [item for item in labels if item[2] is not None]
    names = [item for item in labels if item[2] is None]
    if not numeric or not names:
        return None
    if len(numeric) >= len(names):
        line, cell, _ = names[0]
        return ValueError(
            f"Line {line}, column '{label_col}': '{cell}' is not a number, but most labels are "
            "numbers. Labels must be all numbers or all names (like 'cat' and 'dog')."
        )
    line, cell, _ = numeric[0]
    return ValueError(
        f"Line {line}, column '{label_col}': '{cell}' is a number, but most labels are names. "
        "Labels must be all numbers or all names (like 'cat' and 'dog')."
    )


def load_csv(
    source: str | bytes | os.PathLike[str] | Any,
    *,
    train_fraction: float = 0.7,
    rng: np.random.Generator,
    task: str | None = None,
    standardize: bool = False,
    features: Sequence[str] | None = None,
) -> Dataset:
    """Read your own data from a CSV file with a header row and a final ``label`` column.

    The file looks like::

        x1,x2,label
        0.5,-1.2,1
        -0.3,0.8,0

    The feature columns may have any (distinct) names; the last column must be called
    ``label`` and holds the target. Labels that are all integers, or all names such as
    ``cat``/``dog``, with at most 20 different values make a classification problem (they
    are mapped to 0..K-1 in sorted order, and ``class_names`` keeps the originals);
    otherwise it is regression. Blank lines are skipped; spaces around cells are ignored.

    Parameters
    ----------
    source : str, bytes, os.PathLike or file-like
        A str is the CSV *text*; bytes are the file's contents (UTF-8); a path
        (``pathlib.Path``) is read from disk; a file-like object (e.g. Streamlit's
        ``UploadedFile``) is read with ``.read()``.
    train_fraction : float, default 0.7
        Share of the rows used for training, strictly between 0 and 1.
    rng : np.random.Generator
        Source of randomness for the shuffle.
    task : {"classification", "regression"} or None
        Overrides the automatic choice.
    standardize : bool, default False
        Fit a ``Standardizer`` on the training features and apply it to both parts.
    features : sequence of str or None
        Only for files with exactly two feature columns: treat them as (x1, x2) and apply
        this feature map, e.g. ``("x1", "x2", "x1*x2")``. None keeps the columns as they are.

    Returns
    -------
    Dataset
        ``X_train`` of shape (m_train, n) float64; ``y_train`` int64 (classification) or
        float64 (regression); ``raw_train`` of shape (m_train, 2) when there are exactly
        two feature columns, else None.

    Raises
    ------
    ValueError
        For any malformed file, with the line number and/or column name of the problem:
        empty file, missing header, no final ``label`` column, fewer than two columns,
        rows with the wrong number of fields, empty cells, features that are not finite
        numbers, labels mixing numbers and names, fewer than 4 rows, a single class,
        non-UTF-8 or binary content, more than 20,000 rows or 50 feature columns.
    """
    _check_rng(rng)
    if task is not None and task not in _TASK_NAMES:
        raise ValueError(f"task must be 'classification', 'regression' or None; got {task!r}.")
    fraction = _check_fraction(train_fraction)
    text, file_name = _read_csv_text(source)
    if not text.strip():
        raise ValueError(
            "The file is empty: line 1 should be a header such as 'x1,x2,label', "
            "followed by one row per example."
        )

    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    header_line = 1
    X_rows: list[list[float]] = []
    labels: list[tuple[int, str, float | None]] = []  # (line, cell, number or None)
    try:
        for fields in reader:
            line = reader.line_num
            if not fields or (len(fields) == 1 and not fields[0].strip()):
                continue  # blank line
            cells = [cell.strip() for cell in fields]
            if header is None:
                header, header_line = _check_header(cells, line), line
                continue
            if len(X_rows) >= CSV_MAX_ROWS:
                raise ValueError(
                    f"Line {line}: the file has more than {CSV_MAX_ROWS:,} data rows; "
                    f"the limit is {CSV_MAX_ROWS:,}."
                )
            if len(cells) != len(header):
                raise ValueError(
                    f"Line {line} has {len(cells)} fields but the header on line {header_line} "
                    f"has {len(header)} columns ({', '.join(header)}). Check for a missing or "
                    "extra comma."
                )
            row = []
            for column, cell in zip(header[:-1], cells[:-1], strict=True):
                row.append(_feature_value(cell, line, column))
            X_rows.append(row)
            labels.append(_label_cell(cells[-1], line, header[-1]))
    except csv.Error as err:
        raise ValueError(f"Line {reader.line_num}: the CSV is malformed ({err}).") from None

    if header is None:  # e.g. only blank quoted cells
        raise ValueError("The file is empty: line 1 should be a header such as 'x1,x2,label'.")
    m = len(X_rows)
    if m < CSV_MIN_ROWS:
        where = f"after the header on line {header_line}"
        raise ValueError(
            f"The file has only {m} data row{'s' if m != 1 else ''} {where}; at least "
            f"{CSV_MIN_ROWS} are needed, some to train on and some to test on."
        )
    label_col = header[-1]
    mixed = _label_kind_error(labels, label_col)
    if mixed is not None:
        raise mixed

    y, chosen_task, class_names = _encode_labels(labels, label_col, task)
    X = np.array(X_rows, dtype=np.float64)  # (m, n)
    feature_names = tuple(header[:-1])
    raw = X if X.shape[1] == 2 else None
    plane_features: tuple[str, ...] = ("x1", "x2") if raw is not None else ()
    if features is not None:
        if raw is None:
            raise ValueError(
                f"A feature map needs exactly two feature columns to use as x1 and x2; this "
                f"file has {X.shape[1]} ({', '.join(feature_names)})."
            )
        plane_features = _check_features(features)
        X = feature_map(raw, plane_features)  # (m, len(features))
        feature_names = plane_features
    if not 1 <= math.floor(fraction * m + 0.5) <= m - 1:
        raise ValueError(
            f"The file has {m} data rows; with train_fraction={fraction:g} the training or "
            "test set would be empty. Use a train_fraction nearer 0.5 or add rows."
        )
    return _assemble(
        name=file_name,
        X=X,
        y=y,
        raw=raw,
        train_fraction=fraction,
        rng=rng,
        task=chosen_task,
        n_classes=len(class_names) if chosen_task == "classification" else 0,
        feature_names=feature_names,
        class_names=class_names,
        standardize=standardize,
        plane_features=plane_features,
    )


def _check_header(cells: list[str], line: int) -> list[str]:
    if all(_parse_number(cell) is not None for cell in cells):
        raise ValueError(
            f"Line {line} holds numbers, but the first line must be a header naming the columns, "
            "for example 'x1,x2,label'."
        )
    if len(cells) < 2:
        raise ValueError(
            f"Line {line} (the header) has only {len(cells)} column; at least 2 are needed: "
            "one or more features and then 'label'."
        )
    for j, cell in enumerate(cells, start=1):
        if not cell:
            raise ValueError(f"Line {line} (the header): column {j} has no name.")
    seen: set[str] = set()
    for cell in cells:
        if cell in seen:
            raise ValueError(f"Line {line} (the header): the column name '{cell}' appears twice.")
        seen.add(cell)
    lowered = [cell.lower() for cell in cells]
    if lowered[-1] != "label":
        if "label" in lowered:
            j = lowered.index("label") + 1
            raise ValueError(
                f"Line {line} (the header): column 'label' is column {j} of {len(cells)}, "
                "but it must be the last column."
            )
        raise ValueError(
            f"Line {line} (the header): there is no column named 'label'. The last column "
            f"must be called 'label' and hold the target; the last column here is '{cells[-1]}'."
        )
    if len(cells) - 1 > CSV_MAX_FEATURES:
        raise ValueError(
            f"Line {line} (the header): the file has {len(cells) - 1} feature columns; "
            f"the limit is {CSV_MAX_FEATURES}."
        )
    return cells


def _feature_value(cell: str, line: int, column: str) -> float:
    if not cell:
        raise ValueError(f"Line {line}, column '{column}': the cell is empty.")
    value = _parse_number(cell)
    if value is None:
        raise ValueError(f"Line {line}, column '{column}': '{cell}' is not a number.")
    if not math.isfinite(value):
        raise ValueError(
            f"Line {line}, column '{column}': '{cell}' is not a finite number; "
            "NaN and infinity are not allowed."
        )
    return value


def _label_cell(cell: str, line: int, column: str) -> tuple[int, str, float | None]:
    if not cell:
        raise ValueError(f"Line {line}, column '{column}': the cell is empty.")
    value = _parse_number(cell)
    if value is not None and not math.isfinite(value):
        raise ValueError(
            f"Line {line}, column '{column}': '{cell}' is not a finite number; "
            "NaN and infinity are not allowed as labels."
        )
    return line, cell, value


def _encode_labels(
    labels: list[tuple[int, str, float | None]], label_col: str, task: str | None
) -> tuple[np.ndarray, str, tuple[str, ...]]:
    """Turn label cells into (y (m,), task, class_names)."""
    if labels[0][2] is None:  # all names
        if task == "regression":
            raise ValueError(
                f"Column '{label_col}': labels like '{labels[0][1]}' are names, not numbers, "
                "so this file cannot be used for regression."
            )
        names = sorted({cell for _, cell, _ in labels})
        lookup = {name: k for k, name in enumerate(names)}
        y = np.array([lookup[cell] for _, cell, _ in labels], dtype=np.int64)  # (m,)
        _check_class_count(len(names), labels[0][1], label_col)
        return y, "classification", tuple(names)

    values = np.array([value for _, _, value in labels], dtype=np.float64)  # (m,)
    distinct = np.unique(values)  # (K,) sorted
    all_int = bool(np.all(values == np.round(values)))
    if task is None:
        small = all_int and len(distinct) <= CSV_CLASSIFICATION_MAX_DISTINCT
        task = "classification" if small else "regression"
    if task == "regression":
        return values, "regression", ()
    _check_class_count(len(distinct), labels[0][1], label_col)
    y = np.searchsorted(distinct, values).astype(np.int64)  # (m,)
    if all_int:
        class_names = tuple(str(int(v)) for v in distinct)
    else:
        class_names = tuple(str(float(v)) for v in distinct)
    return y, "classification", class_names


def _check_class_count(k: int, example: str, label_col: str) -> None:
    if k == 1:
        raise ValueError(
            f"Column '{label_col}': every row has the label '{example}'; a classifier needs at "
            "least two different labels."
        )
    if k > CSV_MAX_CLASSES:
        raise ValueError(
            f"Column '{label_col}' has {k} different labels; a classifier here can have at most "
            f"{CSV_MAX_CLASSES} classes. For numeric targets, use task='regression'."
        )
