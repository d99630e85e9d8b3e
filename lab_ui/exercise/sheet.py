"""The Exercise page's text: cell labels, how the cells are laid out, the hint for a cell,
reading what a student typed, and a verdict in words.

Pure (no streamlit, no session).  Every number comes from ``bp_core.exercise``; how g, g' and
δ^(L) are written comes from their registry entries (``bp_core.ACTIVATIONS``,
``bp_core.OUTPUTS``, ``bp_core.LOSSES``).  Labels use the course's 1-based indices as the
cells' names do (``bp_core.exercise``): "z2_1" is shown z⁽²⁾₁, "D1_2_0" D⁽¹⁾₂,₀.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from bp_core import ACTIVATIONS, LOSSES
from bp_core import exercise as bp_ex
from lab_ui.shared import text
from lab_ui.shared.latex import number as tex_number

#: The verdicts' words, by kind.
MARKS = {
    "right": "✓ right",
    "carried": "✓ right given your earlier entries",
    "wrong": "✗ wrong",
}


def network_sizes(name: str) -> tuple[int, ...]:
    """The layer sizes of a network offered: ``"2-3-2"`` → (2, 3, 2)."""
    if name not in bp_ex.NETWORKS:
        networks = ", ".join(bp_ex.NETWORKS)
        raise ValueError(f"{text.quote(name)} is not one of the networks {networks}.")
    return bp_ex.NETWORKS[name]


def new_seed(rng: np.random.Generator, old: int | None = None) -> int:
    """Another exercise number, 0 … 999,999 (never the same as ``old``)."""
    while True:
        seed = int(rng.integers(0, bp_ex.MAX_SEED + 1))
        if seed != old:
            return seed


# ---------------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------------


def label(cell: bp_ex.Cell) -> str:
    """The cell as plain text: "z⁽²⁾₁", "a⁽³⁾₁", "δ⁽²⁾₂", "D⁽¹⁾₂,₀"."""
    if cell.k is not None:
        return text.weight(cell.l, cell.j, cell.k, "D")
    return text.sup(cell.symbol, cell.l) + text.subscript(cell.j)


@dataclass(frozen=True)
class Section:
    """One part of the sheet: a title, a line of explanation and rows of cells.

    ``rows[i]`` is one row of the sheet: a vector (z⁽ˡ⁾, a⁽ˡ⁾, δ⁽ˡ⁾) or one row j of a
    matrix D⁽ˡ⁾ (its columns k = 0 … s_l).  ``heads[i]`` names the row ("" for the rows of
    a matrix after its first).
    """

    title: str
    note: str
    heads: tuple[str, ...]
    rows: tuple[tuple[bp_ex.Cell, ...], ...]


def sections(ex: bp_ex.Exercise) -> list[Section]:
    """The cells in the order of the computation, in three parts: forward, δ, D."""
    by_group: dict[tuple[str, int], list[bp_ex.Cell]] = {}
    for c in ex.cells:
        by_group.setdefault(c.group, []).append(c)
    L = ex.cfg.L
    fwd_heads, fwd_rows, d_heads, d_rows, g_heads, g_rows = [], [], [], [], [], []
    for (symbol, l), cells in by_group.items():
        if symbol in ("z", "a"):
            fwd_heads.append(text.sup(symbol, l))
            fwd_rows.append(tuple(cells))
        elif symbol == "delta":
            d_heads.append(text.sup("delta", l))
            d_rows.append(tuple(cells))
        else:
            for j in range(1, ex.cfg.layer_sizes[l] + 1):  # row j of D^(l), named once
                g_heads.append(text.sup("D", l) if j == 1 else "")
                g_rows.append(tuple(c for c in cells if c.j == j))
    return [
        Section(
            "Forward propagation",
            f"z⁽ˡ⁺¹⁾ = Θ⁽ˡ⁾ a⁽ˡ⁾ with the bias unit a₀ = 1, then a⁽ˡ⁺¹⁾ = g(z⁽ˡ⁺¹⁾); "
            f"the output layer L = {L} is a sigmoid.",
            tuple(fwd_heads),
            tuple(fwd_rows),
        ),
        Section(
            "Backpropagation: the error terms δ",
            f"δ⁽{text.superscript(L)}⁾ first, then back to δ⁽²⁾: "
            "δ⁽ˡ⁾ = (Θ⁽ˡ⁾)ᵀ δ⁽ˡ⁺¹⁾ .* g′(z⁽ˡ⁾), without the bias row.",
            tuple(d_heads),
            tuple(d_rows),
        ),
        Section(
            "The gradients D⁽ˡ⁾ = ∂J/∂Θ⁽ˡ⁾",
            "One example and λ = 0, so D⁽ˡ⁾ = Δ⁽ˡ⁾ = δ⁽ˡ⁺¹⁾ (a⁽ˡ⁾)ᵀ: row j, column k "
            "(k = 0 is the bias unit a₀ = 1), the shape of Θ⁽ˡ⁾.",
            tuple(g_heads),
            tuple(g_rows),
        ),
    ]


# ---------------------------------------------------------------------------------------------
# What a student typed
# ---------------------------------------------------------------------------------------------

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_entry(raw: object) -> float | None:
    """What a student typed in a cell, as a number; None for an empty cell.

    Accepts a decimal such as ``0.25``, ``-1.5``, ``−1.5`` (the typographic minus), ``.5``,
    ``1e-3`` or ``0,25`` (a decimal comma); spaces around it are ignored.

    Raises
    ------
    ValueError
        With a sentence for the student that quotes (shortened, escaped) what they typed.
    """
    if raw is None:
        return None
    s = str(raw).strip()
    if s == "":
        return None
    t = s.replace("−", "-").replace("–", "-").replace(" ", "")
    if "," in t and "." not in t and t.count(",") == 1:
        t = t.replace(",", ".")
    if not _NUMBER.fullmatch(t):
        raise ValueError(
            f"{text.quote(s, 20)} is not a number: type a decimal such as 0.25 or −1.5."
        )
    v = float(t)
    if not math.isfinite(v):
        raise ValueError(f"{text.quote(s, 20)} is too large: type a decimal such as 0.25.")
    return v


def next_empty(ex: bp_ex.Exercise, filled: set[str]) -> bp_ex.Cell | None:
    """The first cell, in the order of the computation, that is not filled in."""
    return next((c for c in ex.cells if c.name not in filled), None)


# ---------------------------------------------------------------------------------------------
# Hints: the equation of one cell
# ---------------------------------------------------------------------------------------------


def _tex(symbol: str, l: int, *idx: int) -> str:
    sym = {"z": "z", "a": "a", "delta": r"\delta", "Theta": r"\Theta", "D": "D"}[symbol]
    return f"{sym}^{{({l})}}_{{{','.join(map(str, idx))}}}"


def _signed(v: float) -> str:
    """A number for a sum: ``(-0.2)`` in parentheses when negative."""
    s = tex_number(v, 4)
    return f"({s})" if v < 0 else s


def hint_latex(ex: bp_ex.Exercise, cell: bp_ex.Cell) -> str:
    """The equation for one cell, in the course's symbols with this exercise's Θ, x and y
    put in where they are given (the student's own earlier cells stay symbols)."""
    cfg, s = ex.cfg, ex.cfg.layer_sizes
    l, j = cell.l, cell.j
    here = _tex(cell.symbol, l, *((j,) if cell.k is None else (j, cell.k)))
    if cell.symbol == "z":
        T = ex.Theta[l - 2]  # Θ^(l−1)
        terms, nums = [], []
        for k in range(s[l - 2] + 1):
            a_k = "1" if k == 0 else _tex("a", l - 1, k)
            terms.append(f"{_tex('Theta', l - 1, j, k)}\\,{a_k}")
            if k == 0:
                nums.append(_signed(T[j - 1, 0]))
            elif l - 1 == 1:  # a^(1) = x: given
                nums.append(f"{_signed(T[j - 1, k])}\\cdot{_signed(ex.x[k - 1])}")
            else:
                nums.append(f"{_signed(T[j - 1, k])}\\,{a_k}")
        return f"{here} = " + " + ".join(terms) + r" \;=\; " + " + ".join(nums)
    if cell.symbol == "a":
        unit = cfg.unit(l)
        return f"{here} = {unit.symbol}\\big({_tex('z', l, j)}\\big),\\qquad {unit.latex}"
    if cell.symbol == "delta" and l == cfg.L:
        out = cfg.unit(l)
        rule = LOSSES[cfg.loss].delta_latex(out).replace("(L)", f"({l})")
        return (
            f"{here} = \\Big[{rule}\\Big]_{{{j}}}\\quad\\text{{with }}\\hat y = a^{{({l})}},"
            f"\\ y_{{{j}}} = {tex_number(ex.y[j - 1])},\\quad {out.latex_prime}"
        )
    if cell.symbol == "delta":
        unit = cfg.unit(l)
        T = ex.Theta[l - 1]  # Θ^(l)
        terms = [
            f"{_tex('Theta', l, i, j)}\\,{_tex('delta', l + 1, i)}" for i in range(1, s[l] + 1)
        ]
        nums = [f"{_signed(T[i - 1, j])}\\,{_tex('delta', l + 1, i)}" for i in range(1, s[l] + 1)]
        slope = f"{unit.symbol}'\\big({_tex('z', l, j)}\\big)"
        return (
            f"{here} = \\Big(" + " + ".join(terms) + f"\\Big)\\,{slope}"
            r" \;=\; \Big(" + " + ".join(nums) + f"\\Big)\\,{slope},\\qquad {unit.latex_prime}"
        )
    a_k = "1" if cell.k == 0 else _tex("a", l, cell.k)
    given = ""
    if cell.k and l == 1:
        given = f" = {_tex('delta', l + 1, j)}\\cdot{_signed(ex.x[cell.k - 1])}"
    why = r"\quad(k = 0\text{: the bias unit } a_0 = 1)" if cell.k == 0 else ""
    return (
        f"{here} = \\Delta^{{({l})}}_{{{j},{cell.k}}} = {_tex('delta', l + 1, j)}\\,{a_k}"
        f"{given}{why}\\qquad(m = 1,\\ \\lambda = 0)"
    )


# ---------------------------------------------------------------------------------------------
# Verdicts in words
# ---------------------------------------------------------------------------------------------


def verdict_kind(v: bp_ex.Verdict) -> str:
    """ "right", "carried" (right given the student's own earlier entries) or "wrong"."""
    return "right" if v.correct else "carried" if v.carried else "wrong"


def verdict_text(v: bp_ex.Verdict) -> str:
    """The verdict as plain text: "✓ right", "✗ wrong: Flipping the sign of δ⁽ᴸ⁾"."""
    kind = verdict_kind(v)
    if kind == "wrong" and v.mistake is not None:
        return f"{MARKS['wrong']}: {mistake_title(v.mistake)}"
    return MARKS[kind]


def mistake_title(name: str) -> str:
    """A mistake's title with the course's superscripts: "Flipping the sign of δ⁽ᴸ⁾"."""
    return text.course(bp_ex.MISTAKES[name].title)


def mistake_sentence(name: str) -> str:
    """A mistake's sentence for the student, superscripts and subscripts as Unicode."""
    return text.course(bp_ex.MISTAKES[name].sentence)


@dataclass(frozen=True)
class Tally:
    """How a check went: counts per kind, the empty cells, and each mistake's cells."""

    right: int
    carried: int
    wrong: int
    empty: int
    mistakes: dict[str, tuple[str, ...]]

    @property
    def sentence(self) -> str:
        parts = [f"{self.right} right"]
        if self.carried:
            parts.append(f"{self.carried} right given your earlier entries")
        parts.append(f"{self.wrong} wrong")
        if self.empty:
            parts.append(f"{self.empty} not filled in")
        return ", ".join(parts) + "."


def tally(ex: bp_ex.Exercise, verdicts: dict[str, bp_ex.Verdict]) -> Tally:
    kinds = [verdict_kind(v) for v in verdicts.values()]
    mistakes: dict[str, list[str]] = {}
    for c in ex.cells:
        v = verdicts.get(c.name)
        if v is not None and verdict_kind(v) == "wrong" and v.mistake is not None:
            mistakes.setdefault(v.mistake, []).append(label(c))
    return Tally(
        kinds.count("right"),
        kinds.count("carried"),
        kinds.count("wrong"),
        len(ex.cells) - len(verdicts),
        {k: tuple(v) for k, v in mistakes.items()},
    )


def choice_text(ex: bp_ex.Exercise) -> str:
    """ "network 2 → 2 → 1 · tanh hidden units · sigmoid output · cross-entropy": the
    choices, as the page and the sheets write them beside the exercise number."""
    act = ACTIVATIONS[ex.cfg.activations[0]].label
    loss = text.short_label(LOSSES[ex.cfg.loss].label)
    return (
        f"network {text.architecture(ex.cfg.layer_sizes)} · {act} hidden units · "
        f"sigmoid output · {loss}"
    )


def value_text(v: float) -> str:
    """An answer as the page and the sheets write it: 4 significant digits, "−" for minus."""
    return text.number(v, 4).replace("-", "−")
