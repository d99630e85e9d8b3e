"""Toy problems on the input plane, ``fn(n, noise, rng) -> (X (n, 2), y (n,))``.

Each is the generator of one entry of the data set registry (``registry.DATASET_INFO``),
where everything else known about the data set lives.
"""

from __future__ import annotations

import math

import numpy as np

from ._checks import _check_inputs, _split_counts

#: The toy problems live in the square [-6, 6] x [-6, 6] (TensorFlow Playground's plane).
INPUT_RANGE: tuple[float, float] = (-6.0, 6.0)

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
