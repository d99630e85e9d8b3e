"""The mistakes a student makes by hand, each written as a ``Variant`` of the computation.

The registry ``MISTAKES`` is keyed by name; each entry carries its sentence for the
student, the equation written right and wrong, the cells it changes, and when it applies.
The planted bugs of ``bp_core.bugs`` that are the same mistake are used as they are (their
title, equations, explanation and wrong backward step).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from ..activations import Activation
from ..bugs import PLANTED_BUGS
from ..config import NetConfig
from ..losses import LOSSES, OUTPUTS
from ..network import CORRECT_STEPS
from .cells import Variant

Array = np.ndarray

#: z values at which two ways of writing g' are compared (does a mistake change g' at all?).
_PROBE = np.array([[-2.0, -0.7, 0.4, 1.5]])


def _changes_g_prime(wrong: Callable[[Activation, Array, Array], Array]):
    """``applies``: the mistake's g' differs from the right one for some hidden unit."""

    def applies(cfg: NetConfig) -> bool:
        for g in cfg.hidden_units:
            a = g.g(_PROBE)
            if not np.allclose(wrong(g, _PROBE, a), g.g_prime(_PROBE, a)):
                return True
        return False

    return applies


def _slope_cancels(cfg: NetConfig) -> bool:
    """The loss's own δ^(L) is ŷ − y with this output unit (its g'(z^(L)) cancels, as with
    cross-entropy and a sigmoid), checked on the loss entry itself at a few z."""
    out, loss = OUTPUTS[cfg.output], LOSSES[cfg.loss]
    a = out.g(_PROBE)
    y = np.ones_like(a)
    return bool(np.allclose(loss.delta(out, _PROBE, a, y), a - y))


def _always(cfg: NetConfig) -> bool:
    return cfg.L >= 3


def _a_for_g_prime(Theta_l: Array, delta_next: Array, z_l: Array, a_l: Array, g: Activation):
    return (delta_next @ Theta_l)[:, 1:] * a_l  # a^(l) where g'(z^(l)) belongs


def _g_prime_from_z(Theta_l: Array, delta_next: Array, z_l: Array, a_l: Array, g: Activation):
    # the course's g' written in a (σ' = a(1 − a), tanh' = 1 − a²), with z put in for a
    return (delta_next @ Theta_l)[:, 1:] * g.g_prime(z_l, z_l)


def _cross_entropy_delta(loss, out, z_L: Array, a_L: Array, Y: Array) -> Array:
    return LOSSES["cross_entropy"].delta(out, z_L, a_L, Y)  # ŷ − y, whatever the loss


@dataclass(frozen=True)
class ExerciseMistake:
    """A mistake a student makes by hand.

    Attributes
    ----------
    name, title : str
        Registry key and a short title.
    sentence : str
        What went wrong, in one sentence for the student.
    right, wrong : str
        The equation written right and written with the mistake (LaTeX).
    changes : str
        Which cells it changes, in words.
    variants : tuple of Variant
        How the cells are computed with the mistake (wrong_theta has two: Θ^(l−1) and
        Θ^(l+1)).
    applies : callable
        ``applies(cfg) -> bool``: False where the mistake cannot change any cell.
    bug : str or None
        The planted bug of ``bp_core.bugs`` it is, if any.
    """

    name: str
    title: str
    sentence: str
    right: str
    wrong: str
    changes: str
    variants: tuple[Variant, ...]
    applies: Callable[[NetConfig], bool] = _always
    bug: str | None = None


def _from_bug(name: str, changes: str, applies: Callable[[NetConfig], bool] = _always):
    """A planted bug of ``bp_core.bugs`` as a hand mistake: its title, equations, sentence
    and its wrong backward step, unchanged."""
    bug = PLANTED_BUGS[name]
    return ExerciseMistake(
        name,
        bug.title,
        bug.explanation,
        bug.correct,
        bug.buggy,
        changes,
        (Variant(steps=bug.steps),),
        applies,
        bug=name,
    )


_HIDDEN = r"\delta^{(l)} = (\Theta^{(l)})^T\delta^{(l+1)} \,.\!*\, g'(z^{(l)})"

MISTAKES: dict[str, ExerciseMistake] = {
    m.name: m
    for m in (
        _from_bug(
            "forget_g_prime",
            "every hidden δ: (Θ⁽ˡ⁾)ᵀδ⁽ˡ⁺¹⁾ without the factor g'(z⁽ˡ⁾)",
            _changes_g_prime(lambda g, z, a: np.ones_like(z)),
        ),
        _from_bug(
            "g_prime_of_a",
            "every hidden δ: g' evaluated at a⁽ˡ⁾ instead of z⁽ˡ⁾ (not for ReLU, where "
            "g'(a) = g'(z) always)",
            _changes_g_prime(lambda g, z, a: g.g_prime(a, g.g(a))),
        ),
        _from_bug(
            "keep_bias_row",
            "every hidden δ: unit j gets row j − 1 of (Θ⁽ˡ⁾)ᵀδ⁽ˡ⁺¹⁾ (unit 1 the bias row 0) "
            "times its own g'(z⁽ˡ⁾ⱼ)",
        ),
        _from_bug(
            "extra_output_g_prime",
            "δ⁽ᴸ⁾ = (ŷ − y) .* g'(z⁽ᴸ⁾) under cross-entropy (with squared error that is the "
            "right formula, so this mistake applies to cross-entropy only)",
            _slope_cancels,
        ),
        ExerciseMistake(
            "missing_output_g_prime",
            "Cross-entropy's δ^(L) used with squared error",
            "With squared error the output's slope does not cancel: "
            "δ⁽ᴸ⁾ = (ŷ − y) .* g'(z⁽ᴸ⁾), not ŷ − y.",
            r"\delta^{(L)} = (a^{(L)} - y) \,.\!*\, g'(z^{(L)})",
            r"\delta^{(L)} = a^{(L)} - y",
            "δ⁽ᴸ⁾ = ŷ − y under squared error (applies to squared error only)",
            (Variant(steps=replace(CORRECT_STEPS, output_delta=_cross_entropy_delta)),),
            lambda cfg: not _slope_cancels(cfg),
        ),
        _from_bug("flipped_sign", "δ⁽ᴸ⁾: the negative of the right value (y − ŷ)"),
        ExerciseMistake(
            "no_bias_unit",
            "Leaving out the bias unit a₀ = 1",
            "The bias unit a₀ = 1 belongs in front of every a⁽ˡ⁾, in z⁽ˡ⁺¹⁾ = Θ⁽ˡ⁾a⁽ˡ⁾ and "
            "in D⁽ˡ⁾ = δ⁽ˡ⁺¹⁾(a⁽ˡ⁾)ᵀ alike: its weight Θⱼ,₀ is the bias.",
            r"z^{(l+1)}_j = \Theta^{(l)}_{j,0}\cdot 1 + \sum_{k\ge1}\Theta^{(l)}_{j,k}a^{(l)}_k,"
            r"\quad D^{(l)}_{j,0} = \delta^{(l+1)}_j\cdot 1",
            r"z^{(l+1)}_j = \sum_{k\ge1}\Theta^{(l)}_{j,k}a^{(l)}_k,"
            r"\quad D^{(l)}_{j,0} = \delta^{(l+1)}_j\cdot 0 = 0",
            "z: the bias term Θ⁽ˡ⁾ⱼ,₀ left out; D: the bias column D⁽ˡ⁾ⱼ,₀ written 0 "
            "(a₀ taken as 0 instead of 1)",
            (Variant(bias_unit=0.0),),
        ),
        ExerciseMistake(
            "a_for_g_prime",
            "The activation a instead of its slope g'(z)",
            "The hidden δ is multiplied by the slope g'(z⁽ˡ⁾) of the unit, not by its output a⁽ˡ⁾.",
            _HIDDEN,
            r"\delta^{(l)} = (\Theta^{(l)})^T\delta^{(l+1)} \,.\!*\, a^{(l)}",
            "every hidden δ: (Θ⁽ˡ⁾)ᵀδ⁽ˡ⁺¹⁾ .* a⁽ˡ⁾",
            (Variant(steps=replace(CORRECT_STEPS, hidden_delta=_a_for_g_prime)),),
            _changes_g_prime(lambda g, z, a: a),
        ),
        ExerciseMistake(
            "g_prime_from_z",
            "g'(z) written with z where the formula has a",
            "The course writes g' in terms of a = g(z): σ'(z) = a(1 − a), tanh'(z) = 1 − a²; "
            "putting z itself in, as z(1 − z), gives another number.",
            r"\sigma'(z^{(l)}) = a^{(l)} \,.\!*\, (1 - a^{(l)})",
            r"\sigma'(z^{(l)}) = z^{(l)} \,.\!*\, (1 - z^{(l)})",
            "every hidden δ: g' computed from z in place of a (z(1 − z) for σ, 1 − z² for "
            "tanh; not for ReLU, whose g' does not use a)",
            (Variant(steps=replace(CORRECT_STEPS, hidden_delta=_g_prime_from_z)),),
            _changes_g_prime(lambda g, z, a: g.g_prime(z, z)),
        ),
        ExerciseMistake(
            "wrong_theta",
            "The neighbouring layer's Θ",
            "z⁽ˡ⁺¹⁾ and δ⁽ˡ⁾ both use Θ⁽ˡ⁾, the weights between layers l and l + 1, not "
            "Θ⁽ˡ⁻¹⁾ or Θ⁽ˡ⁺¹⁾.",
            r"z^{(l+1)} = \Theta^{(l)} a^{(l)},\quad \delta^{(l)} = (\Theta^{(l)})^T"
            r"\delta^{(l+1)} \,.\!*\, g'(z^{(l)})",
            r"z^{(l+1)} = \Theta^{(l\pm1)} a^{(l)},\quad \delta^{(l)} = (\Theta^{(l\pm1)})^T"
            r"\delta^{(l+1)} \,.\!*\, g'(z^{(l)})",
            "z and hidden δ: Θ⁽ˡ⁻¹⁾ or Θ⁽ˡ⁺¹⁾ read at the same (j, k), in the cells where "
            "that matrix has the entries needed",
            (Variant(theta_shift=-1), Variant(theta_shift=+1)),
        ),
    )
}


@functools.lru_cache(maxsize=64)
def mistakes_for(cfg: NetConfig) -> tuple[ExerciseMistake, ...]:
    """The mistakes that can change a cell of this configuration, in registry order."""
    return tuple(m for m in MISTAKES.values() if m.applies(cfg))
