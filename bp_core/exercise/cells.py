"""The cells of an exercise, the tolerance, and how each cell is computed by hand.

A *cell* is one number the student fills in: an entry of z^(l), a^(l), δ^(l) or D^(l),
named in the course's indices as the screen shows them (the index rule of
``bp_core.network``): ``"z2_1"`` is z^(2)_1, ``"delta3_1"`` is δ^(3)_1 and ``"D1_2_0"`` is
D^(1)_{2,0} — unit j counted from 1, input k from 0, k = 0 the bias unit.

``compute`` holds the one rule per kind of cell, each a step of ``bp_core.network``
(``add_bias``, ``hidden_delta``, ``accumulate``, ``gradient``, the loss's own δ^(L)), fed
with the earlier cells.  A ``Variant`` changes one ingredient of it — the bias unit's value,
which Θ is read, or one backward step — and that is how a mistake is written
(``bp_core.exercise.mistakes``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..config import NetConfig
from ..losses import LOSSES, OUTPUTS
from ..network import CORRECT_STEPS, BackwardSteps, add_bias

Array = np.ndarray

# --------------------------------------------------------------------------------------
# The tolerance
# --------------------------------------------------------------------------------------


REL_TOL = 1e-2
ABS_TOL = 5e-3
#: The tolerance in words, for the page.
TOLERANCE_TEXT = "within 1 % of the true value or within 0.005, whichever is looser"


def tolerance(value: float) -> float:
    """How far an entry may be from ``value`` and still count: max(0.005, 1 % of |value|)."""
    return max(ABS_TOL, REL_TOL * abs(float(value)))


def close(entry: float, value: float) -> bool:
    """True when ``entry`` is within ``tolerance(value)`` of ``value``."""
    return abs(float(entry) - float(value)) <= tolerance(value)


# --------------------------------------------------------------------------------------
# Cells
# --------------------------------------------------------------------------------------


_LATEX = {"z": "z", "a": "a", "delta": r"\delta", "D": "D"}


@dataclass(frozen=True)
class Cell:
    """One number the student fills in.

    Attributes
    ----------
    symbol : {"z", "a", "delta", "D"}
    l : int
        The course superscript: layer l for z, a, δ; the l of D^(l) (and Θ^(l)).
    j : int
        Unit j of layer l (of layer l + 1 for D), counted from 1.
    k : int or None
        D only: unit k of layer l, 0 = the bias unit.
    """

    symbol: str
    l: int
    j: int
    k: int | None = None

    @property
    def name(self) -> str:
        """``"z2_1"``, ``"delta3_1"``, ``"D1_2_0"``."""
        tail = f"_{self.j}" if self.k is None else f"_{self.j}_{self.k}"
        return f"{self.symbol}{self.l}{tail}"

    @property
    def latex(self) -> str:
        """``z^{(2)}_{1}``, ``D^{(1)}_{2,0}``."""
        sub = f"{self.j}" if self.k is None else f"{self.j},{self.k}"
        return f"{_LATEX[self.symbol]}^{{({self.l})}}_{{{sub}}}"

    @property
    def group(self) -> tuple[str, int]:
        """The vector (or matrix, for D) the cell is an entry of: ("z", 2), ("D", 1)."""
        return self.symbol, self.l


def cells_of(cfg: NetConfig) -> tuple[Cell, ...]:
    """Every cell of a network, in the order of the computation (see the module docstring)."""
    return _cells(cfg.layer_sizes)


@functools.lru_cache(maxsize=64)
def _cells(s: tuple[int, ...]) -> tuple[Cell, ...]:
    L = len(s)
    cells: list[Cell] = []
    for l in range(2, L + 1):  # forward: z^(l), then a^(l)
        cells += [Cell("z", l, j) for j in range(1, s[l - 1] + 1)]
        cells += [Cell("a", l, j) for j in range(1, s[l - 1] + 1)]
    for l in range(L, 1, -1):  # backward: δ^(L) … δ^(2)
        cells += [Cell("delta", l, j) for j in range(1, s[l - 1] + 1)]
    for l in range(L - 1, 0, -1):  # D^(L−1) … D^(1), row j, column k (0 = bias)
        cells += [Cell("D", l, j, k) for j in range(1, s[l] + 1) for k in range(s[l - 1] + 1)]
    return tuple(cells)


def groups_of(cells: Sequence[Cell]) -> list[tuple[str, int]]:
    """The cells' vectors in the order of the computation."""
    out: list[tuple[str, int]] = []
    for c in cells:
        if c.group not in out:
            out.append(c.group)
    return out


# --------------------------------------------------------------------------------------
# One way of computing the cells: right, or with one mistake
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """The ingredients of a hand computation; the defaults are the course's.

    Attributes
    ----------
    bias_unit : float
        The value used for a_0 in z^(l+1) = Θ^(l) a^(l) and in Δ^(l) = δ^(l+1) (a^(l))ᵀ
        (1, or 0 when the bias unit is left out).
    theta_shift : int
        Θ^(l + theta_shift) is read where Θ^(l) belongs (0: the right one).  Only its
        entries with the same (j, k) are used; a cell that needs an entry the other matrix
        does not have gets no value (NaN: the mistake cannot be made there).
    steps : BackwardSteps
        The backward steps (δ^(L), hidden δ, Δ, D), as in ``bp_core.network``.
    """

    bias_unit: float = 1.0
    theta_shift: int = 0
    steps: BackwardSteps = CORRECT_STEPS

    def changes(self, group: tuple[str, int], L: int) -> bool:
        """Whether this variant computes the cells of ``group`` by another rule than the
        course's (from the same earlier cells); a = g(z) is never changed."""
        symbol, l = group
        s, right = self.steps, CORRECT_STEPS
        if symbol == "z":
            return self.bias_unit != 1.0 or self.theta_shift != 0
        if symbol == "delta" and l == L:
            return s.output_delta is not right.output_delta
        if symbol == "delta":
            return s.hidden_delta is not right.hidden_delta or self.theta_shift != 0
        if symbol == "D":
            return (
                self.bias_unit != 1.0
                or s.accumulate is not right.accumulate
                or s.gradient is not right.gradient
            )
        return False


RIGHT = Variant()


def _theta_read(Theta: Sequence[Array], l: int, shift: int) -> Array:
    """The matrix a student reads for Θ^(l): Θ^(l + shift)'s entries at Θ^(l)'s (j, k),
    NaN where Θ^(l + shift) has no such entry.  (s_{l+1}, s_l + 1)"""
    want = Theta[l - 1].shape
    if shift == 0:
        return Theta[l - 1]
    out = np.full(want, np.nan)  # (s_{l+1}, s_l + 1)
    src = l + shift
    if 1 <= src <= len(Theta):
        other = Theta[src - 1]
        r, c = min(want[0], other.shape[0]), min(want[1], other.shape[1])
        out[:r, :c] = other[:r, :c]
    return out


def _with_bias(a_l: Array, bias_unit: float) -> Array:
    """a^(l) with the bias unit in front, a_0 = ``bias_unit``.  (1, s_l + 1)"""
    a1 = add_bias(a_l)  # (1, s_l + 1)
    a1[:, 0] = bias_unit
    return a1


def compute(
    cfg: NetConfig,
    Theta: Sequence[Array],
    y: Array,
    group: tuple[str, int],
    get: Callable[[str, int], Array],
    v: Variant,
) -> Array:
    """The cells of one vector (or matrix) computed from earlier cells, flattened in cell
    order.  ``get(symbol, l)`` gives an earlier vector as a row (1, s_l); ``get("a", 1)``
    is x."""
    symbol, l = group
    L = cfg.L
    if symbol == "z":
        # z^(l) = Θ^(l−1) a^(l−1), a_0 = 1
        a1 = _with_bias(get("a", l - 1), v.bias_unit)  # (1, s_{l−1} + 1)
        return (a1 @ _theta_read(Theta, l - 1, v.theta_shift).T).ravel()  # (s_l,)
    if symbol == "a":
        # a^(l) = g(z^(l))
        return cfg.unit(l).g(get("z", l)).ravel()  # (s_l,)
    if symbol == "delta" and l == L:
        # δ^(L) = ∂J/∂z^(L): the loss's own (ŷ − y for cross-entropy)
        loss, out = LOSSES[cfg.loss], OUTPUTS[cfg.output]
        return v.steps.output_delta(loss, out, get("z", L), get("a", L), y[None, :]).ravel()
    if symbol == "delta":
        # δ^(l) = (Θ^(l))ᵀ δ^(l+1) .* g'(z^(l)), without the bias row
        T = _theta_read(Theta, l, v.theta_shift)  # (s_{l+1}, s_l + 1)
        g = cfg.unit(l)
        return v.steps.hidden_delta(T, get("delta", l + 1), get("z", l), get("a", l), g).ravel()
    # D^(l) = Δ^(l)/m with m = 1, λ = 0; Δ^(l) = δ^(l+1) (a^(l))ᵀ, a_0 = 1
    a1 = _with_bias(get("a", l), v.bias_unit)  # (1, s_l + 1)
    Delta_l = v.steps.accumulate(get("delta", l + 1), a1)  # (s_{l+1}, s_l + 1)
    return v.steps.gradient(Delta_l, Theta[l - 1], 1, 0.0).ravel()
