"""Gradient checking: backprop's D against centred finite differences (checkNNGradients)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .config import NetConfig
from .network import CORRECT_STEPS, _backprop, _cost, _forward, check_inputs

Array = np.ndarray


def numerical_gradient(
    cfg: NetConfig, Theta: Sequence[Array], X: Array, Y: Array, eps: float = 1e-4
) -> list[Array]:
    """∂J/∂Θ by centred differences, as the course's computeNumericalGradient.

    For every entry θ: (J(θ + ε) − J(θ − ε)) / (2ε).  Costs 2 · n_weights forward passes.

    Parameters
    ----------
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, s_L)
    eps : float
        The perturbation ε > 0.

    Returns
    -------
    list of ndarray
        Same shapes as ``Theta``.
    """
    if not eps > 0:
        raise ValueError(f"ε must be a positive number (got {eps}).")
    Theta, X, Y = check_inputs(cfg, Theta, X, Y)

    def J(Th: list[Array]) -> float:
        a, z, _ = _forward(cfg, Th, X)
        return _cost(cfg, Th, z[-1], a[-1], Y)

    numgrad = []
    for l, T in enumerate(Theta):
        G = np.zeros_like(T)  # (s_{l+1}, s_l + 1)
        for idx in np.ndindex(T.shape):
            plus = [t.copy() if k == l else t for k, t in enumerate(Theta)]
            minus = [t.copy() if k == l else t for k, t in enumerate(Theta)]
            plus[l][idx] += eps
            minus[l][idx] -= eps
            G[idx] = (J(plus) - J(minus)) / (2 * eps)
        numgrad.append(G)
    return numgrad


def relative_difference(numeric: Sequence[Array], analytic: Sequence[Array]) -> float:
    """‖n − g‖ / ‖n + g‖ over all entries (0 when both are exactly 0)."""
    n = np.concatenate([np.ravel(x) for x in numeric])
    g = np.concatenate([np.ravel(x) for x in analytic])
    denom = np.linalg.norm(n + g)
    if denom == 0.0:
        return 0.0 if np.linalg.norm(n - g) == 0.0 else float("inf")
    return float(np.linalg.norm(n - g) / denom)


@dataclass(frozen=True)
class GradientCheck:
    """Numeric and backprop gradients side by side.

    Attributes
    ----------
    numeric, analytic : tuple of ndarray
        Finite-difference and backprop ∂J/∂Θ^(l+1), shapes of ``Theta``.
    relative_difference : float
        ‖n − g‖ / ‖n + g‖.
    tolerance : float
        The check passes when ``relative_difference < tolerance``.
    """

    numeric: tuple[Array, ...]
    analytic: tuple[Array, ...]
    relative_difference: float
    tolerance: float

    @property
    def passed(self) -> bool:
        """True when backprop agrees with the finite differences."""
        return self.relative_difference < self.tolerance

    def rows(self) -> list[tuple[int, int, int, float, float]]:
        """One row per weight: (l, j, k, numeric, backprop), l 1-based like Θ^(l)."""
        out = []
        for l, (n, g) in enumerate(zip(self.numeric, self.analytic, strict=True), start=1):
            for (j, k), nv in np.ndenumerate(n):
                out.append((l, j, k, float(nv), float(g[j, k])))
        return out

    def entry_errors(self) -> tuple[Array, ...]:
        """|n − g| per entry, shapes of ``Theta``: where a planted bug goes wrong."""
        return tuple(np.abs(n - g) for n, g in zip(self.numeric, self.analytic, strict=True))


def gradient_check(
    cfg: NetConfig,
    Theta: Sequence[Array],
    X: Array,
    Y: Array,
    eps: float = 1e-4,
    tolerance: float = 1e-7,
    bug: str | None = None,
) -> GradientCheck:
    """Compare backprop's D with the numerical gradient on the given network and data.

    Parameters
    ----------
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, s_L)
    bug : str or None
        A key of ``PLANTED_BUGS`` to check a deliberately wrong backward pass instead.

    Returns
    -------
    GradientCheck
    """
    from .bugs import PLANTED_BUGS  # bugs.py builds on network.py; imported here, not at top

    if bug is not None and bug not in PLANTED_BUGS:
        names = ", ".join(f"'{k}'" for k in PLANTED_BUGS)
        raise ValueError(f"Unknown planted bug {bug!r}; choose one of {names}.")
    steps = PLANTED_BUGS[bug].steps if bug else CORRECT_STEPS
    Th, Xc, Yc = check_inputs(cfg, Theta, X, Y)
    trace = _backprop(cfg, Th, Xc, Yc, steps)
    numeric = numerical_gradient(cfg, Th, Xc, Yc, eps)
    return GradientCheck(
        numeric=tuple(numeric),
        analytic=tuple(trace.D),
        relative_difference=relative_difference(numeric, trace.D),
        tolerance=tolerance,
    )
