"""Grading a student's cells: right, right given their own earlier work, or wrong (and
which mistake explains it)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .cells import RIGHT, Cell, Variant, close, compute, groups_of, tolerance
from .making import Exercise
from .mistakes import mistakes_for

Array = np.ndarray

# --------------------------------------------------------------------------------------
# Computing the cells from a sheet of values
# --------------------------------------------------------------------------------------


def _getter(ex: Exercise, values: Mapping[str, float]) -> Callable[[str, int], Array]:
    s = ex.cfg.layer_sizes

    def get(symbol: str, l: int) -> Array:
        if symbol == "a" and l == 1:
            return ex.x[None, :]  # a^(1) = x, (1, s_1)
        return np.array([[values[f"{symbol}{l}_{j}"] for j in range(1, s[l - 1] + 1)]])

    return get


def _cells_of_group(ex: Exercise, group: tuple[str, int]) -> list[Cell]:
    return [c for c in ex.cells if c.group == group]


def layer_values(
    ex: Exercise, group: tuple[str, int], values: Mapping[str, float], variant: Variant = RIGHT
) -> dict[str, float]:
    """The cells of one vector (``("z", 2)``, ``("D", 1)`` …) computed by ``variant`` from
    the earlier cells in ``values`` (a full sheet: every earlier cell has a value).  NaN
    where the variant cannot be applied."""
    with np.errstate(all="ignore"):
        flat = compute(ex.cfg, ex.Theta, ex.y, group, _getter(ex, values), variant)
    return {c.name: float(v) for c, v in zip(_cells_of_group(ex, group), flat, strict=True)}


def full_pass(ex: Exercise, variant: Variant = RIGHT) -> dict[str, float]:
    """Every cell computed with ``variant`` wherever it applies, each from the cells before
    it as computed so (a student making the mistake consistently); the right rule where the
    variant gives no value."""
    values: dict[str, float] = {}
    for group in groups_of(ex.cells):
        wrong = layer_values(ex, group, values, variant)
        right = layer_values(ex, group, values, RIGHT) if variant != RIGHT else wrong
        values.update({k: wrong[k] if math.isfinite(wrong[k]) else right[k] for k in wrong})
    return values


# --------------------------------------------------------------------------------------
# Grading
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """The grade of one cell.

    Attributes
    ----------
    correct : bool
        The entry is within ``tolerance(expected)`` of the true value.
    expected : float
        The true value.
    carried : bool
        The entry is what the right equation gives from the student's own earlier entries
        (the true values for the earlier cells left empty): right given their earlier work.
    mistake : str or None
        For a wrong entry (neither correct nor carried): the ``MISTAKES`` name that explains
        it, or None.
    entry : float
        The value graded.
    """

    correct: bool
    expected: float
    carried: bool
    mistake: str | None
    entry: float


def _entries(ex: Exercise, entries: Mapping[str, float]) -> dict[str, float]:
    names = {c.name for c in ex.cells}
    out = {}
    for name, value in entries.items():
        if name not in names:
            ex.cell(name)  # raises, naming the cells
        try:
            v = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"The entry for {name} must be a number.") from None
        if not math.isfinite(v):
            raise ValueError(f"The entry for {name} must be a finite number.")
        out[name] = v
    return out


def check(ex: Exercise, entries: Mapping[str, float]) -> dict[str, Verdict]:
    """Grade the cells given (a student may check part way), in the order of the cells.

    Parameters
    ----------
    ex : Exercise
    entries : mapping of cell name to float
        Any subset of the cells.

    Returns
    -------
    dict of str to Verdict
        One verdict per entry.  A wrong entry's mistake is looked for, in this order: the
        mistake made at this cell from the student's own earlier entries, then from the true
        earlier values, then the mistake made consistently from the start (``full_pass``);
        among several, the closest.

    Raises
    ------
    ValueError
        For a name that is not a cell of the exercise, or an entry that is not a number.
    """
    given = _entries(ex, entries)
    sheet = {**ex.answers, **given}  # the student's values, the true ones where left empty
    mistakes = mistakes_for(ex.cfg)
    passes: dict[tuple[str, int], dict[str, float]] = {}
    verdicts: dict[str, Verdict] = {}
    for group in groups_of(ex.cells):
        names = [c.name for c in _cells_of_group(ex, group) if c.name in given]
        if not names:
            continue
        carried = layer_values(ex, group, sheet, RIGHT)
        own: list[tuple[int, str, dict[str, float]]] = []
        for m in mistakes:
            for i, variant in enumerate(m.variants):
                own.append((0, m.name, layer_values(ex, group, sheet, variant)))
                own.append((1, m.name, layer_values(ex, group, ex.answers, variant)))
                if (m.name, i) not in passes:
                    passes[(m.name, i)] = full_pass(ex, variant)
                own.append((2, m.name, passes[(m.name, i)]))
        for name in names:
            e, expected = given[name], ex.answers[name]
            ok, kept = close(e, expected), close(e, carried[name])
            mistake = None
            if not ok and not kept:
                found = [
                    (rank, abs(e - vals[name]) / tolerance(vals[name]), m_name)
                    for rank, m_name, vals in own
                    if math.isfinite(vals[name]) and close(e, vals[name])
                ]
                mistake = min(found)[2] if found else None
            verdicts[name] = Verdict(ok, expected, kept, mistake, e)
    return {name: verdicts[name] for name in (c.name for c in ex.cells) if name in verdicts}
