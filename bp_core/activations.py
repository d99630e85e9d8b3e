"""Hidden-unit activations g and their derivatives g', written side by side.

Each activation is a pair ``(g, g_prime)`` of pure functions of ``z`` (never in place).
``g_prime(z, a)`` is handed ``a = g(z)`` as well, because the course writes the derivative
that way: σ'(z) = σ(z)(1 − σ(z)) = a .* (1 − a).  Passing ``a`` saves recomputing g(z); it
is still the derivative *at z*, and a planted bug (``g_prime_of_a``) shows what happens when
it is evaluated at the wrong point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """An activation function g with its derivative g' beside it.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"sigmoid"``.
    label : str
        What the UI shows.
    g : callable
        ``g(z) -> a``, elementwise; any shape.
    g_prime : callable
        ``g_prime(z, a) -> g'(z)``, elementwise; ``a`` must equal ``g(z)``.
    peak_slope : float
        The largest value g' takes; a unit counts as saturated where g'(z) is below 5 % of it.
    """

    name: str
    label: str
    g: Callable[[Array], Array]
    g_prime: Callable[[Array, Array], Array]
    peak_slope: float = 1.0


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), computed as (1 + tanh(z/2)) / 2.

    The same function, but tanh never overflows (1 / (1 + e^(−z)) does for z < −709) and it
    is several times faster than the log-sum-exp form.  Its absolute error is ~1e-16, so in
    the far tail (z < −37) it returns 0 where e^z would be ~1e-17; J never takes log σ
    (see ``losses``), so this cannot reach the cost.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_prime(z: Array, a: Array) -> Array:
    """σ'(z) = σ(z)(1 − σ(z)) = a .* (1 − a)."""
    return a * (1.0 - a)


def tanh(z: Array) -> Array:
    """tanh(z)."""
    return np.tanh(z)


def tanh_prime(z: Array, a: Array) -> Array:
    """tanh'(z) = 1 − tanh(z)² = 1 − a²."""
    return 1.0 - a * a


def relu(z: Array) -> Array:
    """max(0, z)."""
    return np.maximum(z, 0.0)


def relu_prime(z: Array, a: Array) -> Array:
    """1 where z > 0, else 0 (the value 0 is taken at the kink z = 0)."""
    return (z > 0.0).astype(np.float64)


LEAKY_SLOPE = 0.01


def leaky_relu(z: Array) -> Array:
    """z where z > 0, else 0.01 z."""
    return np.where(z > 0.0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z: Array, a: Array) -> Array:
    """1 where z > 0, else 0.01."""
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def linear(z: Array) -> Array:
    """The identity, g(z) = z (returns a copy, never the same array)."""
    return np.array(z, dtype=np.float64, copy=True)


def linear_prime(z: Array, a: Array) -> Array:
    """g'(z) = 1."""
    return np.ones_like(z, dtype=np.float64)


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation("sigmoid", "sigmoid σ(z)", sigmoid, sigmoid_prime, peak_slope=0.25),
        Activation("tanh", "tanh", tanh, tanh_prime),
        Activation("relu", "ReLU", relu, relu_prime),
        Activation("leaky_relu", "leaky ReLU", leaky_relu, leaky_relu_prime),
        Activation("linear", "linear (identity)", linear, linear_prime),
    )
}
