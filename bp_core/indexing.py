"""One weight's address: the course's (l, j, k) and Python's (index, row, col), and its name.

A weight is Θ^(l)_{jk} (the rule is stated once, in ``bp_core.network``):

* l = 1 … L − 1, the course layer of Θ^(l) (which maps layer l to layer l + 1);
* j = 1 … s_{l+1}, its row: unit j of layer l + 1, counted from 1;
* k = 0 … s_l, its column: unit k of layer l, with k = 0 the bias unit a_0 = 1.

In Python it is ``Theta[l - 1][j - 1, k]``: index l − 1, row j − 1, column k.  The pages show
(l, j, k) and use these helpers, so no page translates indices itself.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

_SYMBOLS = {"Theta": ("Θ", r"\Theta"), "Delta": ("Δ", r"\Delta"), "D": ("D", "D")}


def _whole(name: str, v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int | np.integer):
        raise ValueError(f"{name} must be a whole number (got {v!r}).")
    return int(v)


def _shapes(shapes) -> tuple[tuple[int, int], ...]:
    """Θ shapes from a NetConfig (its ``theta_shapes``) or a sequence of (rows, cols)."""
    return tuple(getattr(shapes, "theta_shapes", shapes))


def weight_to_index(
    l: int, j: int, k: int, shapes: Sequence[tuple[int, int]] | object | None = None
) -> tuple[int, int, int]:
    """The course's Θ^(l)_{jk} → (index, row, col), so that it is ``Theta[index][row, col]``.

    Parameters
    ----------
    l, j, k : int
        Course layer of Θ (1 …), row (1 …) and column (0 = bias).
    shapes : NetConfig or sequence of (int, int), optional
        When given, the weight must exist in a network with these Θ shapes.

    Returns
    -------
    (l − 1, j − 1, k)

    Raises
    ------
    ValueError
        Saying which of l, j, k is out of range, in the course's numbering.
    """
    l, j, k = _whole("l", l), _whole("j", j), _whole("k", k)
    if shapes is None:
        if l < 1 or j < 1 or k < 0:
            raise ValueError(
                f"Θ^({l})_{j},{k} does not exist: l and j count from 1, k from 0 (the bias)."
            )
        return l - 1, j - 1, k
    sh = _shapes(shapes)
    if not 1 <= l <= len(sh):
        raise ValueError(f"There is no Θ^({l}): this network has Θ^(1) … Θ^({len(sh)}).")
    rows, cols = sh[l - 1]
    if not 1 <= j <= rows:
        raise ValueError(
            f"Θ^({l}) has no row j = {j}: its rows are j = 1 … {rows} (the units of layer {l + 1})."
        )
    if not 0 <= k < cols:
        raise ValueError(
            f"Θ^({l}) has no column k = {k}: its columns are k = 0 (bias) … {cols - 1} "
            f"(the units of layer {l})."
        )
    return l - 1, j - 1, k


def weight_from_index(index: int, row: int, col: int) -> tuple[int, int, int]:
    """(index, row, col) of ``Theta[index][row, col]`` → the course's (l, j, k)."""
    index, row, col = _whole("index", index), _whole("row", row), _whole("col", col)
    if index < 0 or row < 0 or col < 0:
        raise ValueError(f"Python indices count from 0 (got {(index, row, col)}).")
    return index + 1, row + 1, col


def weight_name(l: int, j: int, k: int, symbol: str = "Theta", latex: bool = False) -> str:
    """The name of Θ^(l)_{jk} (or of Δ^(l)_{jk}, D^(l)_{jk}) as the pages show it.

    Parameters
    ----------
    l, j, k : int
        The course's numbering (see the module docstring).
    symbol : {"Theta", "Delta", "D"}
    latex : bool
        False: plain text ``Θ^(1)_2,0``; True: ``\\Theta^{(1)}_{2,0}``.
    """
    if symbol not in _SYMBOLS:
        raise ValueError(f"symbol must be one of {', '.join(map(repr, _SYMBOLS))}.")
    text, tex = _SYMBOLS[symbol]
    if latex:
        return f"{tex}^{{({l})}}_{{{j},{k}}}"
    return f"{text}^({l})_{j},{k}"
