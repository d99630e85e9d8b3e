"""A slow, obvious hand computation of an exercise, cell by cell, with plain Python floats.

Written the way a student works on paper: one number at a time, with for-loops and the
course's formulas, sharing no code with ``bp_core`` (not its activations, losses, steps or
mistake variants).  ``sheet(ex)`` gives every cell's true value; ``sheet(ex, mistake)``
gives the cells of a student who makes ``mistake`` wherever it can be made and carries on
consistently from their own numbers; ``own_cell(ex, mistake)`` gives the cells where the
mistake is made once, from the true earlier values.

Cells are named as on the screen: "z2_1", "a2_1", "delta3_1", "D1_2_0" (j from 1, k from 0).
"""

from __future__ import annotations

import math
import re

NO = object()  # "this mistake cannot be made at this cell"


def g(name: str, z: float) -> float:
    if name == "sigmoid":
        return 1.0 / (1.0 + math.exp(-z))
    if name == "tanh":
        return math.tanh(z)
    if name == "relu":
        return z if z > 0 else 0.0
    raise KeyError(name)


def g_prime(name: str, z: float) -> float:
    """The slope at z, written straight from calculus."""
    if name == "sigmoid":
        s = g("sigmoid", z)
        return s * (1.0 - s)
    if name == "tanh":
        return 1.0 - math.tanh(z) ** 2
    if name == "relu":
        return 1.0 if z > 0 else 0.0
    raise KeyError(name)


def _course_g_prime_with(name: str, value: float) -> float:
    """The course's g' formula written in a (σ' = a(1 − a), tanh' = 1 − a²), with ``value``
    put in for a — the mistake g_prime_from_z puts z in."""
    if name == "sigmoid":
        return value * (1.0 - value)
    if name == "tanh":
        return 1.0 - value * value
    raise KeyError(name)


def applies(mistake: str, act: str, loss: str) -> bool:
    """Where the test expects a mistake to be able to change a cell at all."""
    if mistake in ("g_prime_of_a", "g_prime_from_z"):
        return act != "relu"  # ReLU's g'(a) = g'(z) always, and its g' does not use a
    if mistake == "extra_output_g_prime":
        return loss == "cross_entropy"
    if mistake == "missing_output_g_prime":
        return loss == "mse"
    return True


def _theta(ex, l: int, mistake: str | None, shift: int):
    """Θ^(l) as the student reads it: a list of rows, or Θ^(l + shift) with wrong_theta."""
    L = len(ex.cfg.layer_sizes)
    if mistake == "wrong_theta":
        src = l + shift
        if not 1 <= src <= L - 1:
            return None
        return [list(map(float, row)) for row in ex.Theta[src - 1]]
    return [list(map(float, row)) for row in ex.Theta[l - 1]]


def _entry(T, r: int, c: int):
    """T[r][c] if the student's matrix has it, else NO."""
    if T is None or r >= len(T) or c >= len(T[r]):
        return NO
    return T[r][c]


def cell_value(ex, name, get, mistake: str | None = None, shift: int = 0):
    """One cell from the earlier cells ``get(name)``, right or with ``mistake``; NO where
    the mistake cannot be made."""
    sizes = ex.cfg.layer_sizes
    L = len(sizes)
    act, loss = ex.cfg.activations[0], ex.cfg.loss
    kind, l_text, tail = re.fullmatch(r"(z|a|delta|D)(\d+)((?:_\d+)+)", name).groups()
    idx = [int(l_text), *(int(p) for p in tail[1:].split("_"))]

    def a(l, k):  # a^(l)_k with the bias unit a_0 = 1 (x for l = 1)
        if k == 0:
            return 0.0 if mistake == "no_bias_unit" else 1.0
        return float(ex.x[k - 1]) if l == 1 else get(f"a{l}_{k}")

    if kind == "z":  # z^(l)_j = Σ_k Θ^(l−1)_{j,k} a^(l−1)_k
        l, j = idx
        T = _theta(ex, l - 1, mistake, shift)
        total = 0.0
        for k in range(sizes[l - 2] + 1):
            w = _entry(T, j - 1, k)
            if w is NO:
                return NO
            total += w * a(l - 1, k)
        return total
    if kind == "a":  # a^(l)_j = g(z^(l)_j), the output a sigmoid
        l, j = idx
        return g(act if l < L else "sigmoid", get(f"z{l}_{j}"))
    if kind == "delta" and idx[0] == L:
        l, j = idx
        h, z, y = get(f"a{L}_{j}"), get(f"z{L}_{j}"), float(ex.y[j - 1])
        slope = g_prime("sigmoid", z)
        right = (h - y) if loss == "cross_entropy" else (h - y) * slope
        if mistake == "flipped_sign":
            return -right
        if mistake == "extra_output_g_prime" and loss == "cross_entropy":
            return (h - y) * slope
        if mistake == "missing_output_g_prime" and loss == "mse":
            return h - y
        return right
    if kind == "delta":  # δ^(l)_j = Σ_i Θ^(l)_{i,j} δ^(l+1)_i · g'(z^(l)_j)
        l, j = idx
        T = _theta(ex, l, mistake, shift)
        col = j - 1 if mistake == "keep_bias_row" else j  # the bias row kept, all shifted
        back = 0.0
        for i in range(1, sizes[l] + 1):
            w = _entry(T, i - 1, col)
            if w is NO:
                return NO
            back += w * get(f"delta{l + 1}_{i}")
        z, av = get(f"z{l}_{j}"), get(f"a{l}_{j}")
        if mistake == "forget_g_prime":
            return back
        if mistake == "g_prime_of_a":
            return back * g_prime(act, av)
        if mistake == "a_for_g_prime":
            return back * av
        if mistake == "g_prime_from_z" and act != "relu":
            return back * _course_g_prime_with(act, z)
        return back * g_prime(act, z)
    # D^(l)_{j,k} = δ^(l+1)_j a^(l)_k (m = 1, λ = 0)
    l, j, k = idx
    return get(f"delta{l + 1}_{j}") * a(l, k)


def names(ex) -> list[str]:
    """The cells in the order of the computation."""
    s = ex.cfg.layer_sizes
    L = len(s)
    out = []
    for l in range(2, L + 1):
        out += [f"z{l}_{j}" for j in range(1, s[l - 1] + 1)]
        out += [f"a{l}_{j}" for j in range(1, s[l - 1] + 1)]
    for l in range(L, 1, -1):
        out += [f"delta{l}_{j}" for j in range(1, s[l - 1] + 1)]
    for l in range(L - 1, 0, -1):
        out += [f"D{l}_{j}_{k}" for j in range(1, s[l] + 1) for k in range(s[l - 1] + 1)]
    return out


def sheet(ex, mistake: str | None = None, shift: int = 0) -> dict[str, float]:
    """Every cell, each from the cells before it as computed here; with ``mistake`` made
    wherever it can be (the right rule elsewhere)."""
    values: dict[str, float] = {}
    for n in names(ex):
        v = cell_value(ex, n, values.__getitem__, mistake, shift)
        values[n] = cell_value(ex, n, values.__getitem__) if v is NO else v
    return values


def own_cell(ex, mistake: str, shift: int = 0) -> dict[str, float]:
    """Each cell with the mistake made at that cell alone, from the true earlier values
    (only the cells where it can be made)."""
    true = sheet(ex)
    out = {}
    for n in names(ex):
        v = cell_value(ex, n, true.__getitem__, mistake, shift)
        if v is not NO:
            out[n] = v
    return out
