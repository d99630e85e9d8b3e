"""Matrices, vectors and symbols as LaTeX for ``st.latex``, in the course's notation.

Pure functions (no streamlit, no session).  Index rule as in ``bp_core``: Python index =
course superscript − 1; every function here takes the *course* layer number ``l`` (1-based)
and writes it as the superscript, so ``sup("Theta", 1)`` is Θ^(1).

Large matrices are abbreviated: the first rows/columns, a ⋯ / ⋮ / ⋱ and the last one, so
an 8 × 32 network still prints in a line; ``max_rows=None`` / ``max_cols=None`` print all.
"""

from __future__ import annotations

import math

import numpy as np

from lab_ui.shared import text

Array = np.ndarray

#: Course symbols → their LaTeX names.
SYMBOLS: dict[str, str] = {
    "Theta": r"\Theta",
    "a": "a",
    "z": "z",
    "delta": r"\delta",
    "Delta": r"\Delta",
    "D": "D",
    "g_prime": "g'",
}


def sup(symbol: str, l: int | str) -> str:
    """``sup("Theta", 2)`` → ``\\Theta^{(2)}``; ``l`` is the course's 1-based superscript."""
    return f"{SYMBOLS.get(symbol, symbol)}^{{({l})}}"


def shape_latex(shape: tuple[int, ...]) -> str:
    """``(3, 4)`` → ``\\in\\mathbb{R}^{3\\times 4}``."""
    return r"\in\mathbb{R}^{" + r"\times ".join(str(int(s)) for s in shape) + "}"


def number(x: float, digits: int = 3) -> str:
    """One number for a matrix cell: ``lab_ui.shared.text.number``'s rule (``digits`` significant
    digits, scientific beyond 10⁵ or below 10⁻⁴) written as LaTeX, e.g. 1.5\\times 10^{-7}."""
    x = float(x)
    if math.isnan(x):
        return r"\text{NaN}"
    if math.isinf(x):
        return r"\infty" if x > 0 else r"-\infty"
    shown = text.number(x, digits)
    if "e" in shown:
        mant, exp = shown.split("e")
        return rf"{mant}\!\times\!10^{{{int(exp)}}}"
    return shown


def _keep(n: int, limit: int | None) -> list[int | None]:
    """Indices to print out of n, with None where the ellipsis goes."""
    if limit is None or n <= limit:
        return list(range(n))
    head = max(limit - 2, 1)  # head rows, the ellipsis, the last row: ``limit`` lines in all
    return [*range(head), None, n - 1]


def matrix_latex(
    M: Array,
    max_rows: int | None = 6,
    max_cols: int | None = 6,
    digits: int = 3,
    bias_row: bool = False,
    bias_col: bool = False,
) -> str:
    """A 2-D array as a ``bmatrix``, abbreviated when larger than max_rows × max_cols.

    Parameters
    ----------
    M : ndarray of shape (r, c) or (r,)
        A 1-D array is written as a column vector, as the course writes a^(l) and δ^(l).
    max_rows, max_cols : int or None
        Largest number of rows / columns printed in full; None prints everything.
    bias_row, bias_col : bool
        Mark row 0 / column 0 as the bias (drawn in grey), e.g. a^(l) with a_0 = 1 on top.

    Returns
    -------
    str
        ``\\begin{bmatrix} … \\end{bmatrix}``.
    """
    M = np.asarray(M, dtype=np.float64)
    if M.ndim == 1:
        M = M.reshape(-1, 1)
    if M.ndim != 2:
        raise ValueError(f"matrix_latex needs a vector or a matrix (got {M.ndim} dimensions).")
    rows, cols = _keep(M.shape[0], max_rows), _keep(M.shape[1], max_cols)
    lines = []
    for i in rows:
        cells = []
        for j in cols:
            if i is None and j is None:
                cells.append(r"\ddots")
            elif i is None:
                cells.append(r"\vdots")
            elif j is None:
                cells.append(r"\cdots")
            else:
                cell = number(M[i, j], digits)
                grey = (bias_row and i == 0) or (bias_col and j == 0)
                cells.append(r"\color{gray}{" + cell + "}" if grey else cell)
        lines.append(" & ".join(cells))
    return r"\begin{bmatrix}" + r" \\ ".join(lines) + r"\end{bmatrix}"


def is_abbreviated(shape: tuple[int, ...], max_rows: int | None, max_cols: int | None) -> bool:
    """True when ``matrix_latex`` with these limits would leave entries out."""
    r = shape[0]
    c = shape[1] if len(shape) > 1 else 1
    return (max_rows is not None and r > max_rows) or (max_cols is not None and c > max_cols)


def with_bias(symbol_latex: str) -> str:
    """``a^{(2)}`` → the same with a note that a_0 = 1 is on top: ``[1; a^{(2)}]``."""
    return r"\begin{bmatrix}1\\ " + symbol_latex + r"\end{bmatrix}"


def dimension_lines(layer_sizes: tuple[int, ...]) -> list[tuple[str, str]]:
    """The shape bookkeeping of backprop for one example, layer by layer.

    For each Θ^(l) (course l = 1 … L − 1) returns ``(latex, explanation)`` pairs showing where
    the transpose and the dropped bias row come from, with the network's actual sizes.

    Parameters
    ----------
    layer_sizes : tuple of int
        (s_1, …, s_L).

    Returns
    -------
    list of (str, str)
    """
    s = tuple(int(x) for x in layer_sizes)
    L = len(s)
    out: list[tuple[str, str]] = []
    for l in range(1, L):
        s_l, s_next = s[l - 1], s[l]
        th, dn = sup("Theta", l), sup("delta", l + 1)
        out.append(
            (
                rf"\underbrace{{z^{{({l + 1})}}}}_{{{s_next}\times 1}} = "
                rf"\underbrace{{{th}}}_{{{s_next}\times {s_l + 1}}}\;"
                rf"\underbrace{{a^{{({l})}}}}_{{{s_l + 1}\times 1}}",
                f"Θ^({l}) has s_{l + 1} = {s_next} rows (one per unit of layer {l + 1}) and "
                f"s_{l} + 1 = {s_l + 1} columns: the bias a_0 = 1 is column 0.",
            )
        )
        if l >= 2:
            out.append(
                (
                    rf"\underbrace{{({th})^T}}_{{{s_l + 1}\times {s_next}}}\;"
                    rf"\underbrace{{{dn}}}_{{{s_next}\times 1}} \in \mathbb{{R}}^{{{s_l + 1}}}"
                    rf"\;\xrightarrow{{\text{{drop row 0}}}}\;"
                    rf"\underbrace{{{sup('delta', l)}}}_{{{s_l}\times 1}}"
                    rf" = [\,\cdot\,]_{{1:{s_l}}} \,.\!*\, "
                    rf"\underbrace{{g'(z^{{({l})}})}}_{{{s_l}\times 1}}",
                    f"The transpose sends the error back along the same weights Θ^({l}) "
                    f"used forward. The result has s_{l} + 1 = {s_l + 1} rows; row 0 belongs to "
                    f"the bias unit a_0 = 1, which is a constant, not computed from z, so it has "
                    f"no error term and is dropped, leaving {s_l} rows to match g'(z^({l})).",
                )
            )
        out.append(
            (
                rf"\underbrace{{{sup('Delta', l)}}}_{{{s_next}\times {s_l + 1}}} = "
                rf"\sum_i \underbrace{{{dn}}}_{{{s_next}\times 1}}\;"
                rf"\underbrace{{(a^{{({l})}})^T}}_{{1\times {s_l + 1}}}",
                f"An outer product: Δ^({l}) and D^({l}) have exactly Θ^({l})'s shape, "
                f"so Θ := Θ − αD lines up entry by entry.",
            )
        )
    return out
