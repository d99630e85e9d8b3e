"""Gradient checking: backprop's D against centred finite differences (checkNNGradients).

``central_difference`` is the one finite-difference loop of ``bp_core``: the numerical
gradient, the sampled check of a big network and every line of the derivation checks
(``bp_core.checks``) call it.  ``gradient_check`` compares every weight; for networks too big
to check within ~2 s, ``sampled_gradient_check`` compares a sample of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .config import NetConfig
from .indexing import weight_name
from .network import (
    CORRECT_STEPS,
    BackwardSteps,
    _backprop,
    _cost,
    _forward,
    check_inputs,
    reshape_params,
    unroll,
)

Array = np.ndarray

#: Networks with at most this many weights get the full check (every entry of every Θ).
FULL_CHECK_MAX_WEIGHTS = 600
#: Otherwise this many entries in all are checked, spread over the layers.
SAMPLED_ENTRIES = 360
#: The sampled gradient check uses at most this many examples.
MAX_CHECK_EXAMPLES = 20


def central_difference(
    f: Callable[[Array], float],
    x: Array,
    eps: float = 1e-4,
    entries: Sequence[int] | None = None,
) -> Array:
    """∂f/∂x by centred differences: (f(x + ε e) − f(x − ε e)) / 2ε for each entry e of x.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.  It is handed one working copy of x, nudged in place and restored
        after each entry, so it must not keep a reference to it.
    x : ndarray, any shape
        The point; never modified.
    eps : float
        The perturbation ε > 0.
    entries : sequence of int, optional
        Flat (C-order) indices of the entries to differentiate; default: all of them.

    Returns
    -------
    ndarray
        Shape of x for all entries, else shape (len(entries),).  Costs 2 evaluations of f per
        entry.
    """
    if not eps > 0:
        raise ValueError(f"ε must be a positive number (got {eps}).")
    work = np.array(x, dtype=np.float64, copy=True)
    flat = work.reshape(-1)  # a view: nudging flat[i] nudges work
    which = range(flat.size) if entries is None else entries
    out = np.empty(len(which))
    for n, i in enumerate(which):
        keep = flat[i]
        flat[i] = keep + eps
        f_plus = f(work)
        flat[i] = keep - eps
        f_minus = f(work)
        flat[i] = keep
        # ∂f/∂x_i ≈ (f(x + ε) − f(x − ε)) / 2ε
        out[n] = (f_plus - f_minus) / (2 * eps)
    return out.reshape(work.shape) if entries is None else out


def _J_of_unrolled(cfg: NetConfig, X: Array, Y: Array) -> Callable[[Array], float]:
    """θ (n_weights,) → J(Θ), regularization included; no input checks (done once)."""

    def J(theta_vec: Array) -> float:
        Th = reshape_params(cfg, theta_vec)
        a, z, _ = _forward(cfg, Th, X)
        return _cost(cfg, Th, z[-1], a[-1], Y)

    return J


def numerical_gradient(
    cfg: NetConfig, Theta: Sequence[Array], X: Array, Y: Array, eps: float = 1e-4
) -> list[Array]:
    """∂J/∂Θ by centred differences, as the course's computeNumericalGradient.

    Unrolls Θ into θ and, for every entry θ_i, takes (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε
    (``central_difference``).  Costs 2 · n_weights forward passes.

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
    numgrad = central_difference(_J_of_unrolled(cfg, X, Y), unroll(Theta), eps)  # (n_weights,)
    return [np.array(G) for G in reshape_params(cfg, numgrad)]


def relative_difference(numeric: Sequence[Array], analytic: Sequence[Array]) -> float:
    """‖n − g‖ / ‖n + g‖ over all entries (0 when both are exactly 0)."""
    n = np.concatenate([np.ravel(x) for x in numeric])
    g = np.concatenate([np.ravel(x) for x in analytic])
    denom = np.linalg.norm(n + g)
    if denom == 0.0:
        return 0.0 if np.linalg.norm(n - g) == 0.0 else float("inf")
    return float(np.linalg.norm(n - g) / denom)


def _steps(bug: str | None) -> BackwardSteps:
    """The backward pass to check: the correct one, or the one with a planted bug."""
    from .bugs import PLANTED_BUGS  # bugs.py builds on network.py; imported here, not at top

    if bug is None:
        return CORRECT_STEPS
    if bug not in PLANTED_BUGS:
        names = ", ".join(f"'{k}'" for k in PLANTED_BUGS)
        raise ValueError(f"Unknown planted bug {bug!r}; choose one of {names}.")
    return PLANTED_BUGS[bug].steps


@dataclass(frozen=True)
class GradientCheck:
    """Numeric and backprop gradients side by side.

    Attributes
    ----------
    numeric, analytic : tuple of ndarray
        Finite-difference and backprop ∂J/∂Θ^(l); entry l − 1 has the shape of Θ^(l).
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
        """One row per weight: (l, row, col, numeric, backprop) with l the course's Θ^(l) and
        row, col Python indices (the weight is Θ^(l)_{row + 1, col}; see ``bp_core.indexing``)."""
        out = []
        for l, (n, g) in enumerate(zip(self.numeric, self.analytic, strict=True), start=1):
            for (row, col), nv in np.ndenumerate(n):
                out.append((l, row, col, float(nv), float(g[row, col])))
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
    steps = _steps(bug)
    Th, Xc, Yc = check_inputs(cfg, Theta, X, Y)
    trace = _backprop(cfg, Th, Xc, Yc, steps)
    numeric = numerical_gradient(cfg, Th, Xc, Yc, eps)
    return GradientCheck(
        numeric=tuple(numeric),
        analytic=tuple(trace.D),
        relative_difference=relative_difference(numeric, trace.D),
        tolerance=tolerance,
    )


# --------------------------------------------------------------------------------------
# The same check on a sample of the weights, for networks too big to check them all
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SampledCheck:
    """A gradient check on some (or all) entries of Θ.

    Attributes
    ----------
    entries : tuple of (int, int, int)
        (l, row, col) of each checked weight: l the course's Θ^(l), row = j − 1 the Python
        row, col = k (0 = the bias), so the entry is ``Theta[l - 1][row, col]``.  ``weights``
        gives the course's (l, j, k).
    numeric, backprop : ndarray of shape (n_entries,)
        Centred finite difference and backprop's D at those entries.
    relative_difference : float
        ‖n − g‖ / ‖n + g‖ over the checked entries (``relative_difference``).
    tolerance : float
    complete : bool
        True when every weight of the network was checked.
    n_weights : int
        Number of weights in the network.
    m : int
        Number of examples the check used.
    """

    entries: tuple[tuple[int, int, int], ...]
    numeric: Array
    backprop: Array
    relative_difference: float
    tolerance: float
    complete: bool
    n_weights: int
    m: int

    @property
    def passed(self) -> bool:
        return self.relative_difference < self.tolerance

    @property
    def weights(self) -> tuple[tuple[int, int, int], ...]:
        """The checked weights in the course's (l, j, k): j from 1, k = 0 the bias
        (``entries`` keeps the Python row j − 1 for older callers)."""
        return tuple((l, row + 1, col) for l, row, col in self.entries)

    @property
    def names(self) -> tuple[str, ...]:
        """``weight_name`` of every checked weight, e.g. "Θ^(1)_1,0"."""
        return tuple(weight_name(*w) for w in self.weights)

    @property
    def errors(self) -> Array:
        """|numeric − backprop| per checked entry, shape (n_entries,)."""
        return np.abs(self.numeric - self.backprop)

    def table(self) -> dict[str, list]:
        """The course's two columns (numeric, backprop) and |difference|, one row per weight,
        as columns keyed by name; the first, "weight", names the entry Θ^(l)_{j,k}."""
        return {
            "weight": list(self.names),
            "numeric": self.numeric.tolist(),
            "backprop": self.backprop.tolist(),
            "|difference|": self.errors.tolist(),
        }

    def worst_layer(self) -> int:
        """Course l of the Θ^(l) holding the largest |numeric − backprop|."""
        return int(self.entries[int(np.argmax(self.errors))][0]) if self.entries else 1

    def error_maps(self, shapes: Sequence[tuple[int, int]]) -> list[Array]:
        """|n − g| placed in each Θ's shape (entry l − 1 for Θ^(l)), NaN where an entry was
        not checked."""
        maps = [np.full(s, np.nan) for s in shapes]
        for (l, row, col), e in zip(self.entries, self.errors, strict=True):
            maps[l - 1][row, col] = e
        return maps


def _sample_entries(cfg: NetConfig, total: int, seed: int) -> list[tuple[int, int, int]]:
    """(l, row, col) of about ``total`` weights: every weight of a small Θ^(l), else some of
    its bias column and a random sample of the rest."""
    rng = np.random.default_rng(seed)
    per_layer = max(total // (cfg.L - 1), 4)
    out = []
    for l, (r, c) in enumerate(cfg.theta_shapes, start=1):
        if r * c <= per_layer:
            out += [(l, row, col) for row in range(r) for col in range(c)]
            continue
        bias = [(l, row, 0) for row in range(min(r, max(per_layer // 4, 1)))]  # bias column
        flat = rng.choice(r * (c - 1), size=per_layer - len(bias), replace=False)
        out += bias + sorted((l, int(f // (c - 1)), int(f % (c - 1)) + 1) for f in flat)
    return out


def sampled_gradient_check(
    cfg: NetConfig,
    Theta: Sequence[Array],
    X: Array,
    Y: Array,
    bug: str | None = None,
    eps: float = 1e-4,
    tolerance: float = 1e-7,
    seed: int = 0,
) -> SampledCheck:
    """The course's gradient check, on every weight of a small network or a sample of a big one.

    Networks with at most ``FULL_CHECK_MAX_WEIGHTS`` weights use ``gradient_check`` itself;
    bigger ones compare ``SAMPLED_ENTRIES`` entries (always some of each bias column) so the
    check stays under ~2 s.  Either way at most ``MAX_CHECK_EXAMPLES`` examples.

    Parameters
    ----------
    X : ndarray of shape (m, s_1)
    Y : ndarray of shape (m, s_L)
    bug : str or None
        A key of ``bp_core.PLANTED_BUGS``.
    """
    X, Y = X[:MAX_CHECK_EXAMPLES], Y[:MAX_CHECK_EXAMPLES]
    if cfg.n_weights <= FULL_CHECK_MAX_WEIGHTS:
        chk = gradient_check(cfg, Theta, X, Y, eps=eps, tolerance=tolerance, bug=bug)
        rows = chk.rows()
        return SampledCheck(
            entries=tuple((l, row, col) for l, row, col, _, _ in rows),
            numeric=np.array([r[3] for r in rows]),
            backprop=np.array([r[4] for r in rows]),
            relative_difference=chk.relative_difference,
            tolerance=tolerance,
            complete=True,
            n_weights=cfg.n_weights,
            m=X.shape[0],
        )
    steps = _steps(bug)
    Th, X, Y = check_inputs(cfg, Theta, X, Y)
    trace = _backprop(cfg, Th, X, Y, steps, with_cost=False)
    entries = _sample_entries(cfg, SAMPLED_ENTRIES, seed)
    o, shapes = cfg.theta_offsets, cfg.theta_shapes  # Θ^(l) starts at o[l - 1] in θ
    flat = [o[l - 1] + row * shapes[l - 1][1] + col for l, row, col in entries]
    numeric = central_difference(_J_of_unrolled(cfg, X, Y), unroll(Th), eps, entries=flat)
    analytic = np.array([trace.D[l - 1][row, col] for l, row, col in entries])
    return SampledCheck(
        entries=tuple(entries),
        numeric=numeric,
        backprop=analytic,
        relative_difference=relative_difference([numeric], [analytic]),
        tolerance=tolerance,
        complete=False,
        n_weights=cfg.n_weights,
        m=X.shape[0],
    )
