"""Gradient health in words: what the numbers of a training run say, one finding at a time.

Each :class:`Finding` names its kind, the course layer it is about, the numbers behind it
and one plain sentence for a student.  The kinds (``HEALTH_KINDS``):

* **vanishing** — ‖D^(l)‖ is ``VANISHING_RATIO`` (100) times or more below the last layer's
  ‖D^(L−1)‖: the error δ shrinks on its way back and the first layers barely learn.
* **saturated** — more than ``SATURATION_LIMIT`` (50 %) of the (example, unit) pairs of a
  sigmoid or tanh layer have g'(z) below 5 % of its peak, the rule of
  ``bp_core.training.History.saturation``.  Only activations with a bounded range saturate
  (``Activation.value_range``); a ReLU's flat side is a *dead* unit instead.
* **dead** — at least ``DEAD_FRACTION`` (half) of the units of a hidden layer l are dead: a
  unit j is dead when a^(l)_j = 0 and g'(z^(l)_j) = 0 for every one of the m training
  examples (a ReLU whose z ≤ 0 everywhere): it passes nothing forward, its δ is 0, and its
  weights can never change again.
* **exploding** — the latest ‖D^(l)‖ of the history is ``EXPLODING_RATIO`` (100) times or
  more its median over the earlier records *and* J has risen to ``EXPLODING_J_RISE`` (1.1)
  times its lowest recorded value or more; or training diverged (``Trainer.divergence``).

Calibration (``tests/test_health_calibrated.py`` trains every preset to each of its stops
and asserts exactly the findings it expects; the thresholds' reasons are on the constants):
each finding fires on the preset that exists to show it at every recorded epoch where that
preset's claim holds (vanishing on ``deep_sigmoid_vanishing``, dead on ``dying_relu``,
exploding on ``alpha_too_large``), and none fires on the runs that learn well
(``xor_hidden_layer``, ``circle_squares``, ``spiral_depth``, ``softmax_blobs``,
``ex4_digits``) at their stops.

Layer numbers follow the course (the index rule of ``bp_core.network``): a finding about
D^(l) (vanishing, exploding) names the l of Θ^(l), 1 … L − 1; a finding about units
(saturated, dead) names the layer l of a^(l), 2 … L − 1.  ``Finding.units`` lists the units
j = 1 … s_l a dead-unit finding is about.

:func:`diagnose` gives every finding for a trainer: the current Θ's numbers from one
backpropagation over the training set, the growth of ‖D‖ from the trainer's history.  The
``find_*`` functions each look for one kind in numbers you give them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .config import NetConfig
from .network import BackpropTrace, backprop, forward
from .training import Divergence, Trainer

Array = np.ndarray

#: ‖D^(L−1)‖ / ‖D^(l)‖ at or above this is a vanishing gradient.  Why 100: two orders of
#: magnitude is what a log-scale chart shows at a glance, and it separates the presets well —
#: the 8 × 32 sigmoid net sits at 10⁴–10⁶ up to its stop (epoch 60), while every preset that
#: learns well stays below 10 at its stop (the spiral's 3 ReLU layers: 7.6 at epoch 400).
VANISHING_RATIO = 100.0
#: Below this the last layer's ‖D^(L−1)‖ is rounding noise (a dead or converged network),
#: and no layer is said to vanish against it.
MIN_LAST_NORM = 1e-12
#: A sigmoid or tanh layer with a larger fraction of saturated (example, unit) pairs is
#: reported.  Why a half: most of the layer's δ is then nearly 0; a few saturated units are
#: normal late in training, when the network is sure of most points.
SATURATION_LIMIT = 0.5
#: A unit counts as saturated where g'(z) is below this fraction of g's peak slope (the rule
#: of ``History.saturation``).
SATURATED_SLOPE = 0.05
#: The latest ‖D^(l)‖ at or above this many times its earlier median is an exploding gradient
#: (when J rises too, see ``EXPLODING_J_RISE``).  Why 100: with α too large ‖D‖ grows about
#: 140-fold an epoch (``alpha_too_large``), so it passes 100 within one or two records; a
#: network that learns well stays below 10 (the spiral's and XOR's largest: 10 and 9.3).
EXPLODING_RATIO = 100.0
#: …and J at the latest record must be at least this many times its lowest recorded value:
#: overshooting makes J rise.  Why: a gradient may grow a hundredfold while J falls — a ReLU
#: network sharpening its boundary with Adam — and that is learning, not exploding.
EXPLODING_J_RISE = 1.1
#: At least this fraction of a hidden layer's units dead is reported.  Why a half: a few dead
#: ReLUs are normal with He initialization and Adam, the other units carry the signal (the
#: spiral reaches 98 % with 3 of layer 4's 8 units dead); with half or more dead the layer has
#: lost most of its width (``dying_relu``: 69 %, 75 % and 100 % of its three layers).
DEAD_FRACTION = 0.5
#: Earlier history records needed before growth of ‖D‖ is judged.
MIN_EARLIER_RECORDS = 3

#: Every kind of finding, most urgent first (the order ``diagnose`` reports them in).
HEALTH_KINDS: tuple[str, ...] = ("exploding", "vanishing", "dead", "saturated")


@dataclass(frozen=True)
class Finding:
    """One thing worth knowing about a network's gradients.

    Attributes
    ----------
    kind : str
        One of ``HEALTH_KINDS``.
    layer : int or None
        The course layer: l of D^(l) for "vanishing" and "exploding" (None when training
        diverged because J, not one Θ^(l), became non-finite), l of a^(l) for "saturated"
        and "dead".
    numbers : dict of str to float
        The numbers behind the finding, e.g. ``{"norm": …, "last_norm": …, "ratio": …}``.
    message : str
        One plain sentence for a student.
    units : tuple of int
        For "dead": the units j = 1 … s_l (course numbering) that are dead; else empty.
    """

    kind: str
    layer: int | None
    numbers: dict[str, float]
    message: str
    units: tuple[int, ...] = field(default=())


def _fmt(x: float) -> str:
    """A number for a sentence: 3 significant digits, powers of ten when very small/large."""
    if x == 0 or not math.isfinite(x):
        return str(x) if x else "0"
    return f"{x:.3g}" if 1e-3 <= abs(x) < 1e5 else f"{x:.1e}"


def _times(x: float) -> str:
    """A ratio as "1,234" (or "3.4e+07" when huge)."""
    if not math.isfinite(x):
        return "infinitely many"
    return f"{x:,.0f}" if x < 1e7 else f"{x:.1e}"


# --------------------------------------------------------------------------------------
# One kind at a time
# --------------------------------------------------------------------------------------


def find_vanishing(grad_norm: Sequence[float], ratio: float = VANISHING_RATIO) -> list[Finding]:
    """Layers whose ‖D^(l)‖ is ``ratio`` times or more below the last layer's.

    Parameters
    ----------
    grad_norm : sequence of float, length L − 1
        ``grad_norm[l - 1]`` is ‖D^(l)‖ (a row of ``History.grad_norm``).
    ratio : float
        The threshold ‖D^(L−1)‖ / ‖D^(l)‖.

    Returns
    -------
    list of Finding
        One "vanishing" finding per layer l = 1 … L − 2 (none when the numbers are not all
        finite or the last layer's ‖D‖ is below ``MIN_LAST_NORM``).
    """
    norms = [float(n) for n in grad_norm]
    if len(norms) < 2 or not all(math.isfinite(n) for n in norms) or norms[-1] < MIN_LAST_NORM:
        return []
    last, L1 = norms[-1], len(norms)  # ‖D^(L−1)‖ and L − 1
    out = []
    for l, n in enumerate(norms[:-1], start=1):
        if n * ratio > last:
            continue
        factor = last / n if n > 0 else math.inf
        out.append(
            Finding(
                "vanishing",
                l,
                {"norm": n, "last_norm": last, "ratio": factor},
                f"‖D^({l})‖ = {_fmt(n)} is {_times(factor)} times smaller than "
                f"‖D^({L1})‖ = {_fmt(last)}: the error δ shrinks on its way back through the "
                f"layers, so Θ^({l}) barely learns (a vanishing gradient) — try tanh or ReLU "
                "units, fewer layers or another initialization.",
            )
        )
    return out


def saturation_fractions(cfg: NetConfig, trace: BackpropTrace) -> list[float]:
    """Fraction of (example, unit) pairs of each hidden layer l = 2 … L − 1 with g'(z^(l))
    below ``SATURATED_SLOPE`` of g's peak slope (entry l − 2), as ``History.saturation``."""
    out = []
    for l in range(2, cfg.L):  # hidden layers
        act = cfg.unit(l)
        slope = act.g_prime(trace.z[l - 1], trace.a[l - 1])  # g'(z^(l)), (m, s_l)
        out.append(float(np.mean(slope < SATURATED_SLOPE * act.peak_slope)))
    return out


def find_saturated(
    cfg: NetConfig, saturation: Sequence[float], limit: float = SATURATION_LIMIT
) -> list[Finding]:
    """Sigmoid and tanh layers (bounded g) with more than ``limit`` of their units saturated.

    Parameters
    ----------
    saturation : sequence of float, length L − 2
        ``saturation[l - 2]`` is hidden layer l's saturated fraction (a row of
        ``History.saturation``, or ``saturation_fractions``).
    """
    if len(saturation) != cfg.L - 2:
        raise ValueError(
            f"Give one saturation fraction per hidden layer ({cfg.L - 2}), not {len(saturation)}."
        )
    out = []
    for l, frac in enumerate(saturation, start=2):
        act = cfg.unit(l)
        frac = float(frac)
        if act.value_range is None or not frac > limit:  # unbounded g does not saturate
            continue
        out.append(
            Finding(
                "saturated",
                l,
                {"fraction": frac},
                f"{frac:.0%} of layer {l}'s outputs sit on the flat ends of g "
                f"(g'(z) below {SATURATED_SLOPE:.0%} of its peak), so δ^({l}) is nearly 0 "
                f"there and Θ^({l - 1}) learns slowly — try smaller initial weights, scaled "
                "features or a smaller α.",
            )
        )
    return out


def dead_units(cfg: NetConfig, Theta: Sequence[Array], X: Array) -> dict[int, tuple[int, ...]]:
    """The dead units of every hidden layer: a^(l)_j = 0 and g'(z^(l)_j) = 0 for all m rows
    of X.

    Parameters
    ----------
    Theta : sequence of ndarray
        ``Theta[l - 1]`` is Θ^(l), shape (s_{l+1}, s_l + 1).
    X : ndarray of shape (m, s_1)

    Returns
    -------
    dict of int to tuple of int
        Course layer l (2 … L − 1) → the dead units j (1-based), for the layers that have any.
    """
    fw = forward(cfg, Theta, X)
    out = {}
    for l in range(2, cfg.L):  # hidden layers
        a_l, z_l = fw.a[l - 1], fw.z[l - 1]  # (m, s_l)
        slope = cfg.unit(l).g_prime(z_l, a_l)  # g'(z^(l)), (m, s_l)
        dead = np.all(a_l == 0, axis=0) & np.all(slope == 0, axis=0)  # (s_l,)
        if dead.any():
            out[l] = tuple(int(j) + 1 for j in np.flatnonzero(dead))
    return out


def find_dead_units(
    cfg: NetConfig, Theta: Sequence[Array], X: Array, fraction: float = DEAD_FRACTION
) -> list[Finding]:
    """One "dead" finding per hidden layer with at least ``fraction`` of its units dead
    (output 0 for every row of X).

    Parameters
    ----------
    fraction : float
        The least fraction of a layer's units dead that is reported (``DEAD_FRACTION``;
        pass 0 for every layer with a dead unit).
    """
    out = []
    for l, units in dead_units(cfg, Theta, X).items():
        s_l = cfg.layer_sizes[l - 1]
        n = len(units)
        if n < fraction * s_l:
            continue
        listed = ", ".join(str(j) for j in units[:8]) + (", …" if n > 8 else "")
        if n == 1:
            which = f"Unit {listed} of layer {l} is dead: it outputs"
        else:
            whole = f"All {s_l}" if n == s_l else f"{n} of the {s_l}"
            which = f"{whole} units of layer {l} are dead ({listed}): they output"
        out.append(
            Finding(
                "dead",
                l,
                {"dead": float(n), "units": float(s_l), "fraction": n / s_l},
                f"{which} 0 for every training example, so g'(z) = 0, δ^({l}) is 0 there and "
                "their weights can never change again — try a smaller α, another "
                "initialization or leaky ReLU.",
                units=units,
            )
        )
    return out


def find_exploding(
    grad_norm: Sequence[Sequence[float]],
    divergence: Divergence | None = None,
    ratio: float = EXPLODING_RATIO,
    J: Sequence[float] | None = None,
) -> list[Finding]:
    """Layers whose latest ‖D^(l)‖ is ``ratio`` times or more its earlier median while J
    rises, and the divergence, if training diverged.

    Parameters
    ----------
    grad_norm : sequence of rows
        ``History.grad_norm``: row e has ‖D^(l)‖ at entry l − 1.  Rows with NaN (gradients
        not recorded) are skipped; the last finite row is the latest, and at least
        ``MIN_EARLIER_RECORDS`` finite rows must come before it.
    divergence : bp_core.training.Divergence or None
        ``Trainer.divergence``.
    J : sequence of float or None
        ``History.J_train``, a value per row: when given, growth of ‖D‖ is reported only
        while the latest finite J is at least ``EXPLODING_J_RISE`` times the lowest before it.
    """
    out = []
    if divergence is not None:
        what = "the cost J" if divergence.layer is None else f"Θ^({divergence.layer})"
        out.append(
            Finding(
                "exploding",
                divergence.layer,
                {"diverged": 1.0, "epoch": float(divergence.epoch), "step": float(divergence.step)},
                f"Training stopped at step {divergence.step} (epoch {divergence.epoch}) because "
                f"{what} became infinite or NaN: each step overshot more than the last — try a "
                "smaller learning rate α.",
            )
        )
    rows = [
        [float(x) for x in row]
        for row in grad_norm
        if len(row) and all(math.isfinite(float(x)) for x in row)
    ]
    if len(rows) <= MIN_EARLIER_RECORDS:
        return out
    if J is not None:
        costs = [float(x) for x in J if math.isfinite(float(x))]
        if len(costs) < 2 or not costs[-1] >= EXPLODING_J_RISE * min(costs[:-1]):
            return out  # J is not rising: a larger gradient is the network learning
    latest, earlier = rows[-1], np.array(rows[:-1])  # (records − 1, L − 1)
    median = np.median(earlier, axis=0)  # (L − 1,)
    for l, (now, med) in enumerate(zip(latest, median, strict=True), start=1):
        med = float(med)
        if not (med > 0 and now >= ratio * med):
            continue
        factor = now / med
        out.append(
            Finding(
                "exploding",
                l,
                {"latest": now, "median": med, "ratio": factor},
                f"‖D^({l})‖ has grown to {_fmt(now)}, {_times(factor)} times its earlier median "
                f"{_fmt(med)}: each step overshoots more than the last (an exploding gradient) — "
                "try a smaller learning rate α.",
            )
        )
    return out


# --------------------------------------------------------------------------------------
# Everything for a trainer
# --------------------------------------------------------------------------------------


def diagnose(trainer: Trainer) -> list[Finding]:
    """Every finding for a ``bp_core.training.Trainer``, most urgent kind first.

    One backpropagation over the training set at the current Θ gives ‖D^(l)‖, the saturated
    fractions and the dead units; the history's ‖D^(l)‖ rows and ``trainer.divergence`` give
    the exploding gradients.

    Returns
    -------
    list of Finding
        In the order of ``HEALTH_KINDS``, layer by layer within a kind; empty when all is well.
    """
    cfg = trainer.cfg
    # the weights kept just before a divergence may overflow: the findings say so in words
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        trace = backprop(cfg, trainer.Theta, trainer.X_train, trainer.Y_train)
        grad_norm = [float(np.linalg.norm(D)) for D in trace.D]  # ‖D^(l)‖ at entry l − 1
        found = [
            *find_exploding(
                trainer.history.grad_norm, trainer.divergence, J=trainer.history.J_train
            ),
            *find_vanishing(grad_norm),
            *find_dead_units(cfg, trainer.Theta, trainer.X_train),
            *find_saturated(cfg, saturation_fractions(cfg, trace)),
        ]
    return sorted(found, key=lambda f: HEALTH_KINDS.index(f.kind))  # stable: layers stay in order


__all__ = [
    "DEAD_FRACTION",
    "EXPLODING_J_RISE",
    "EXPLODING_RATIO",
    "HEALTH_KINDS",
    "MIN_EARLIER_RECORDS",
    "MIN_LAST_NORM",
    "SATURATED_SLOPE",
    "SATURATION_LIMIT",
    "VANISHING_RATIO",
    "Finding",
    "dead_units",
    "diagnose",
    "find_dead_units",
    "find_exploding",
    "find_saturated",
    "find_vanishing",
    "saturation_fractions",
]
