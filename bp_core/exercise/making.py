"""Making an exercise: friendly numbers, drawn until every mistake shows and no cell is
ambiguous (``flaws``)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..activations import Activation
from ..config import NetConfig
from ..network import BackpropTrace, backprop
from .cells import ABS_TOL, REL_TOL, Cell, Variant, cells_of, compute, groups_of
from .mistakes import mistakes_for

Array = np.ndarray

# --------------------------------------------------------------------------------------
# What an exercise may be
# --------------------------------------------------------------------------------------


#: The networks the Exercise page offers (any 3 or 4 layers of 1 … 4 units work).
SIZES: tuple[tuple[int, ...], ...] = ((2, 2, 1), (2, 3, 1), (2, 3, 2), (3, 3, 2, 1))
#: The same by the names the page and its URL use: "2-3-2" → (2, 3, 2).
NETWORKS: dict[str, tuple[int, ...]] = {"-".join(map(str, s)): s for s in SIZES}
#: The hidden activations an exercise may use (registry names of ``ACTIVATIONS``).
EXERCISE_ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu")
#: The losses an exercise may use; the output unit is always the course's sigmoid.
EXERCISE_LOSSES: tuple[str, ...] = ("cross_entropy", "mse")
OUTPUT = "sigmoid"
MAX_LAYERS, MAX_UNITS = 4, 4
MAX_SEED = 999_999
#: Every cell name of every network of ``SIZES`` ("z2_1" … "D1_3_2"), e.g. to declare keys.
CELL_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(c.name for s in SIZES for c in cells_of(NetConfig(s, "sigmoid")))
)

#: Friendly numbers: every weight is one of ±0.1, ±0.2, … ±3.0 (never 0), every input a
#: whole number from −3 to 3 other than 0.  (Weights up to 1 are too small: with squared
#: error δ^(L) is at most 4/27, and a mistake in a hidden δ could not show by ten
#: tolerances.)
THETA_VALUES: tuple[float, ...] = tuple(k / 10 for k in range(-30, 31) if k != 0)
X_VALUES: tuple[float, ...] = (-3.0, -2.0, -1.0, 1.0, 2.0, 3.0)
#: A ReLU unit's z is at least this far from 0, so g'(z) is never in doubt.
RELU_MARGIN = 0.1
#: Each mistake changes at least one cell by more than this many tolerances.
SHOWS_BY = 10.0
#: The search for a clear exercise: numbers re-drawn one at a time, at most this many times
#: from one start, from at most this many starts.
MAX_STEPS, MAX_STARTS = 800, 200

# --------------------------------------------------------------------------------------
# The exercise
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Exercise:
    """One exercise: a tiny network, one example, and every cell's answer.

    Attributes
    ----------
    seed : int
        ``make_exercise(seed, …)`` gives this exercise again.
    cfg : NetConfig
        Sizes, hidden activation, output (sigmoid), loss; λ = 0.
    Theta : tuple of ndarray
        ``Theta[l - 1]`` is Θ^(l), shape (s_{l+1}, s_l + 1), bias in column 0; one decimal.
    x : ndarray of shape (s_1,)
        The example's inputs, small whole numbers.
    y : ndarray of shape (s_L,)
        Its targets, 0 or 1.
    answers : dict of str to float
        Every cell's true value, keyed by cell name (``"z2_1"``, ``"D1_2_0"`` …).
    cells : tuple of Cell
        The cells in the order of the computation.
    trace : BackpropTrace
        ``bp_core.backprop`` on the one example (m = 1), where the answers come from.
    """

    seed: int
    cfg: NetConfig
    Theta: tuple[Array, ...]
    x: Array
    y: Array
    answers: dict[str, float]
    cells: tuple[Cell, ...]
    trace: BackpropTrace = field(repr=False)

    @property
    def X(self) -> Array:
        """The example as the engine takes it, one row: (1, s_1)."""
        return self.x[None, :]

    @property
    def Y(self) -> Array:
        """Its target as one row: (1, s_L)."""
        return self.y[None, :]

    def cell(self, name: str) -> Cell:
        """The cell called ``name``; ValueError if the exercise has none."""
        for c in self.cells:
            if c.name == name:
                return c
        raise ValueError(
            f"This exercise has no cell {str(name)[:40]!r}: its cells are "
            f"{self.cells[0].name} … {self.cells[-1].name}."
        )


def _check_choice(seed, sizes, activation, loss) -> tuple[int, tuple[int, ...]]:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ValueError(f"The exercise number (seed) must be a whole number, not {seed!r}.")
    if not 0 <= int(seed) <= MAX_SEED:
        raise ValueError(f"The exercise number (seed) must be between 0 and {MAX_SEED}.")
    try:
        sizes = tuple(int(s) for s in sizes)
    except (TypeError, ValueError):
        raise ValueError("The network's sizes must be whole numbers, such as (2, 2, 1).") from None
    if not 3 <= len(sizes) <= MAX_LAYERS or not all(1 <= s <= MAX_UNITS for s in sizes):
        raise ValueError(
            f"An exercise network has 3 or {MAX_LAYERS} layers (so at least one hidden layer) "
            f"of 1 … {MAX_UNITS} units each, small enough for paper; got {sizes}."
        )
    if activation not in EXERCISE_ACTIVATIONS:
        raise ValueError(
            f"The hidden activation must be one of {', '.join(EXERCISE_ACTIVATIONS)} "
            f"(got {activation!r})."
        )
    if loss not in EXERCISE_LOSSES:
        raise ValueError(f"The loss must be one of {', '.join(EXERCISE_LOSSES)} (got {loss!r}).")
    return int(seed), sizes


def _draw(cfg: NetConfig, rng: np.random.Generator) -> tuple[tuple[Array, ...], Array, Array]:
    """Friendly numbers: every Θ entry from ``THETA_VALUES``, x from ``X_VALUES``, y a
    class (one-hot when there are several output units)."""
    Theta = tuple(rng.choice(THETA_VALUES, size=shape) for shape in cfg.theta_shapes)
    x = rng.choice(X_VALUES, size=cfg.layer_sizes[0]).astype(np.float64)  # (s_1,)
    return Theta, x, _draw_y(cfg, rng)


def _draw_y(cfg: NetConfig, rng: np.random.Generator) -> Array:
    """A target: 0 or 1 for one output unit, a one-hot class for several.  (s_L,)"""
    K = cfg.layer_sizes[-1]
    if K == 1:
        return np.array([float(rng.integers(0, 2))])  # (1,)
    return np.eye(K)[int(rng.integers(0, K))]  # (K,) one-hot


def _build(seed: int, cfg: NetConfig, Theta, x: Array, y: Array) -> Exercise:
    trace = backprop(cfg, Theta, x[None, :], y[None, :])  # m = 1: X (1, s_1), Y (1, s_L)
    cells = cells_of(cfg)
    answers = {}
    for c in cells:
        if c.symbol == "D":
            answers[c.name] = float(trace.D[c.l - 1][c.j - 1, c.k])
        else:
            answers[c.name] = float(getattr(trace, c.symbol)[c.l - 1][0, c.j - 1])
    return Exercise(seed, cfg, Theta, x, y, answers, cells, trace)


def make_exercise(
    seed: int,
    sizes: Sequence[int] = (2, 2, 1),
    activation: str = "sigmoid",
    loss: str = "cross_entropy",
) -> Exercise:
    """A tiny network with friendly numbers and one example, to backpropagate by hand.

    Parameters
    ----------
    seed : int
        0 … 999,999; the same seed (and choices) gives the same exercise.
    sizes : sequence of int
        (s_1, …, s_L), 3 or 4 layers of 1 … 4 units (``SIZES`` lists the page's).
    activation : {"sigmoid", "tanh", "relu"}
        The hidden layers' g; the output unit is a sigmoid.
    loss : {"cross_entropy", "mse"}

    Returns
    -------
    Exercise
        Chosen so that every mistake of ``mistakes_for(cfg)`` changes at least one cell by
        more than ten tolerances and no cell is ambiguous (``flaws(ex)`` is empty): the
        numbers are drawn, then drawn again one at a time until that holds.

    Raises
    ------
    ValueError
        For a choice outside those above.
    """
    seed, sizes = _check_choice(seed, sizes, activation, loss)
    Theta, x, y = _search(seed, sizes, activation, loss)
    cfg = NetConfig(sizes, activation, OUTPUT, loss, lambda_=0.0)
    return _build(seed, cfg, tuple(T.copy() for T in Theta), x.copy(), y.copy())


@functools.lru_cache(maxsize=256)
def _search(
    seed: int, sizes: tuple[int, ...], activation: str, loss: str
) -> tuple[tuple[Array, ...], Array, Array]:
    """The numbers of exercise ``seed``: drawn, then re-drawn one at a time, a change kept
    unless it makes the exercise less clear (``_clarity``), until it is clear; from a fresh
    draw after ``MAX_STEPS``.  Deterministic: everything comes from ``default_rng(seed)``."""
    cfg = NetConfig(sizes, activation, OUTPUT, loss, lambda_=0.0)
    rng = np.random.default_rng(seed)
    for _ in range(MAX_STARTS):
        Theta, x, y = _draw(cfg, rng)
        score = _clarity(_build(seed, cfg, Theta, x, y), explain=False)[0]
        for _ in range(MAX_STEPS):
            if score == 0.0:
                return Theta, x, y
            T2, x2, y2 = _redraw_one(cfg, Theta, x, y, rng)
            s2 = _clarity(_build(seed, cfg, T2, x2, y2), explain=False)[0]
            if s2 <= score:
                Theta, x, y, score = T2, x2, y2, s2
        if score == 0.0:
            return Theta, x, y
    raise ValueError(  # a guard: every network of SIZES is found within a few starts
        f"No clear exercise was found for {sizes} with seed {seed}; try another seed."
    )


# --------------------------------------------------------------------------------------
# What makes an exercise clear
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _slices(sizes: tuple[int, ...]) -> tuple[tuple[tuple[str, int], slice], ...]:
    """Where each vector's cells sit in the list of cells: ((group, slice), …) in order."""
    out, start = [], 0
    cells = cells_of(NetConfig(sizes, "sigmoid"))
    for g in groups_of(cells):
        n = sum(1 for c in cells if c.group == g)
        out.append((g, slice(start, start + n)))
        start += n
    return tuple(out)


def _own_rows(ex: Exercise, variants: Sequence[Variant]) -> Array:
    """Every cell computed by each variant from the *true* earlier cells.

    Returns
    -------
    ndarray of shape (len(variants), n_cells)
        Row i, column c: cell c as variant i computes it (NaN where it cannot).
    """
    tr, cfg = ex.trace, ex.cfg

    def get(symbol: str, l: int) -> Array:
        return getattr(tr, symbol)[l - 1]  # (1, s_l); a[0] is x

    rows = np.tile(_right_row(ex), (len(variants), 1))  # (n_variants, n_cells)
    with np.errstate(all="ignore"):
        for g, where in _slices(cfg.layer_sizes):
            for i, v in enumerate(variants):
                if v.changes(g, cfg.L):
                    rows[i, where] = compute(cfg, ex.Theta, ex.y, g, get, v)
    return rows


def _right_row(ex: Exercise) -> Array:
    """The true values in cell order.  (n_cells,)"""
    return np.fromiter(ex.answers.values(), dtype=np.float64, count=len(ex.answers))


def _kinked(g: Activation) -> bool:
    """g' jumps at z = 0 (ReLU): there a student cannot tell which slope to take."""
    eps = np.array([[-1e-7, 1e-7]])
    slopes = g.g_prime(eps, g.g(eps))
    return not np.isclose(slopes[0, 0], slopes[0, 1])


@functools.lru_cache(maxsize=64)
def _variants_of(cfg: NetConfig) -> tuple[tuple[Variant, ...], tuple[str, ...], Array]:
    """Every variant of every mistake that applies, its mistake's name, and which pairs of
    variants belong to different mistakes, (n_variants, n_variants) upper triangle."""
    mistakes = mistakes_for(cfg)
    variants = tuple(v for m in mistakes for v in m.variants)
    owner = tuple(m.name for m in mistakes for _ in m.variants)
    o = np.array(owner)
    pairs = np.triu(o[:, None] != o[None, :], k=1)  # (n_variants, n_variants)
    return variants, owner, pairs


def _clarity(ex: Exercise, explain: bool = True) -> tuple[float, list[str]]:
    """How far the exercise is from clear (0.0 = clear) and, with ``explain``, why.

    The rules are ``flaws``'s; the score adds 1 per rule broken (and, for a mistake that
    shows too little, how far it is from showing), so a search can climb towards clear.
    """
    cfg = ex.cfg
    why: list[str] = []
    score = 0.0
    for l in range(2, cfg.L):
        if _kinked(cfg.unit(l)):
            near = int(np.sum(np.abs(ex.trace.z[l - 1]) < RELU_MARGIN))
            score += near
            if near and explain:
                why.append(f"A unit of layer {l} has z within {RELU_MARGIN:g} of the kink at 0.")
    variants, owner, pairs = _variants_of(cfg)
    names = [c.name for c in ex.cells]
    right = _right_row(ex)  # (n_cells,)
    rows = _own_rows(ex, variants)  # (n_variants, n_cells)
    tol_r = np.maximum(ABS_TOL, REL_TOL * np.abs(right))  # (n_cells,)
    with np.errstate(invalid="ignore"):
        diff = np.abs(rows - right)  # (n_variants, n_cells), NaN where not applicable
        tol_v = np.maximum(ABS_TOL, REL_TOL * np.abs(rows))
        touched = np.isfinite(rows) & (diff > 1e-9)
        clear = touched & (diff > tol_r + tol_v)
        grey = touched & (diff > tol_r / 2) & ~clear
        shown = np.where(touched, diff / tol_r, 0.0).max(axis=1)  # (n_variants,)
        # (n_variants, n_variants, n_cells): two mistakes that both change a cell clearly,
        # to values within each other's windows
        alike = np.abs(rows[:, None, :] - rows[None, :, :]) <= tol_v[:, None] + tol_v[None, :]
    alike &= clear[:, None, :] & clear[None, :, :] & pairs[:, :, None]
    for name in dict.fromkeys(owner):
        best = max(float(shown[i]) for i, o in enumerate(owner) if o == name)
        if best <= SHOWS_BY:
            score += 1.0 + (SHOWS_BY - best) / SHOWS_BY
            if explain:
                why.append(
                    f"The mistake {name} changes no cell by more than {SHOWS_BY:g} tolerances."
                )
    score += float(grey.sum()) + float(alike.sum())
    if explain:
        for i, c in zip(*np.nonzero(grey), strict=True):
            why.append(f"The mistake {owner[i]} changes {names[c]} by an unclear amount.")
        for i, j, c in zip(*np.nonzero(alike), strict=True):
            why.append(
                f"The mistakes {owner[i]} and {owner[j]} give {names[c]} nearly the same value."
            )
    if score == 0.0 or explain:
        # the same on slightly different numbers: a mistake that leaves a cell unchanged
        # here but not there coincides with the right value by accident (ReLU z = 1: a = g')
        nudged = _nudged(ex)
        rows_n = _own_rows(nudged, variants)
        with np.errstate(invalid="ignore"):
            touched_n = np.isfinite(rows_n) & (np.abs(rows_n - _right_row(nudged)) > 1e-9)
        accident = touched_n & ~touched
        score += float(accident.sum())
        if explain:
            for i, c in zip(*np.nonzero(accident), strict=True):
                why.append(f"The mistake {owner[i]} gives {names[c]} its right value by accident.")
    return score, why


def _nudged(ex: Exercise) -> Exercise:
    """The same exercise with every weight and input moved by a tiny, fixed amount."""
    rng = np.random.default_rng(12345)
    Theta = tuple(T + 1e-4 * rng.uniform(0.5, 1.0, T.shape) for T in ex.Theta)
    x = ex.x + 1e-4 * rng.uniform(0.5, 1.0, ex.x.shape)
    return _build(ex.seed, ex.cfg, Theta, x, ex.y)


def flaws(ex: Exercise) -> list[str]:
    """Why the exercise is not clear, one sentence each ([] for a clear one).

    Clear means, with every value below computed from the true earlier cells:

    * **each mistake shows**: every mistake of ``mistakes_for(ex.cfg)`` changes at least
      one cell by more than ``SHOWS_BY`` (10) tolerances;
    * **no kink in doubt**: no hidden unit whose g' jumps at 0 (ReLU) has |z| below
      ``RELU_MARGIN`` (0.1);
    * **no coincidence**: a mistake that leaves a cell exactly right does so for any
      numbers (it does not touch that cell: forgetting ReLU's g' = 1 where z > 0), never
      by accident (a ReLU unit with z = 1, where a = g'(z));
    * **no grey zone**: where a mistake changes a cell, the change is either more than the
      two tolerance windows together (|v − right| > tol(right) + tol(v): graded wrong and
      named, whatever the rounding) or at most half a tolerance (too small to matter:
      graded right, whatever the rounding);
    * **one name per wrong value**: two mistakes that change a cell clearly give values
      clearly apart, so a wrong entry is explained by one mistake at most.
    """
    return _clarity(ex)[1]


def _redraw_one(
    cfg: NetConfig, Theta, x: Array, y: Array, rng: np.random.Generator
) -> tuple[tuple[Array, ...], Array, Array]:
    """The same numbers with one of them (a weight, an input, or the target) drawn again."""
    Theta = [T.copy() for T in Theta]
    x, y = x.copy(), y.copy()
    slot = int(rng.integers(sum(T.size for T in Theta) + x.size + 1))
    for T in Theta:
        if slot < T.size:
            T.flat[slot] = rng.choice(THETA_VALUES)
            return tuple(Theta), x, y
        slot -= T.size
    if slot < x.size:
        x[slot] = rng.choice(X_VALUES)
        return tuple(Theta), x, y
    return tuple(Theta), x, _draw_y(cfg, rng)
