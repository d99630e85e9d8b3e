"""Backpropagation by hand: a tiny network with friendly numbers, graded cell by cell.

``make_exercise(seed)`` draws a network small enough to work on paper (Θ to one decimal,
inputs small whole numbers, one example: m = 1 and λ = 0, so D^(l) = Δ^(l)).  The student
fills in every *cell* — each entry of z^(l), a^(l), δ^(l) and D^(l) — and ``check`` grades
the cells given so far:

* **right**: within the tolerance of the true value (``tolerance``: 1 % of it or 0.005,
  whichever is looser);
* **right given your earlier work** (``Verdict.carried``): what the correct equation gives
  from the student's *own* earlier entries, an examiner's follow-through, so one slip in
  z^(2) does not mark everything after it wrong;
* **wrong**, with the mistake that explains it when one does (``MISTAKES``).

Cells are named in the course's indices as the screen shows them (the index rule of
``bp_core.network``): ``"z2_1"`` is z^(2)_1, ``"a3_1"`` is a^(3)_1, ``"delta2_2"`` is
δ^(2)_2 and ``"D1_2_0"`` is D^(1)_{2,0}: unit j counted from 1, input k from 0, k = 0 the
bias unit.  Their order is the computation's, as on the Step-through page: z^(2), a^(2), …,
a^(L); δ^(L), …, δ^(2); D^(L−1), …, D^(1) (each D row by row).

How a cell is computed is one rule per kind of cell, each a step of ``bp_core.network``
(``add_bias``, ``hidden_delta``, ``accumulate``, ``gradient``, the loss's own δ^(L)); a
mistake (``Variant``) changes one ingredient: the bias unit's value, which Θ is read, or
one backward step (the planted bugs of ``bp_core.bugs`` are used as they are).
"""

from .cells import ABS_TOL, REL_TOL, TOLERANCE_TEXT, Cell, Variant, cells_of, close, tolerance
from .grading import Verdict, check, full_pass, layer_values
from .making import (
    CELL_NAMES,
    EXERCISE_ACTIVATIONS,
    EXERCISE_LOSSES,
    MAX_SEED,
    NETWORKS,
    SIZES,
    Exercise,
    flaws,
    make_exercise,
)
from .mistakes import MISTAKES, ExerciseMistake, mistakes_for

__all__ = [
    "ABS_TOL",
    "CELL_NAMES",
    "MAX_SEED",
    "NETWORKS",
    "EXERCISE_ACTIVATIONS",
    "EXERCISE_LOSSES",
    "MISTAKES",
    "REL_TOL",
    "SIZES",
    "TOLERANCE_TEXT",
    "Cell",
    "Exercise",
    "ExerciseMistake",
    "Variant",
    "Verdict",
    "cells_of",
    "check",
    "close",
    "flaws",
    "full_pass",
    "layer_values",
    "make_exercise",
    "mistakes_for",
    "tolerance",
]
