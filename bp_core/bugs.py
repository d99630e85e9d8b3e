"""Planted bugs: classic backpropagation mistakes, each one wrong step of the backward pass.

Every entry swaps exactly one of the four steps in ``network.BackwardSteps`` for a wrong
version, so the gradient check can be shown failing, and where.  The correct line and the
buggy line are kept as text for the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .activations import Activation
from .config import DEFAULT_REGULARIZATION, REGULARIZATIONS
from .losses import Loss, Output
from .network import CORRECT_STEPS, BackwardSteps, output_delta

Array = np.ndarray


@dataclass(frozen=True)
class PlantedBug:
    """One deliberate mistake.

    Attributes
    ----------
    name, title : str
        Registry key and display title.
    correct, buggy : str
        The right equation and the mistaken one, as LaTeX.
    explanation : str
        What goes wrong, for a student.
    steps : BackwardSteps
        The backward pass with the mistake planted.
    """

    name: str
    title: str
    correct: str
    buggy: str
    explanation: str
    steps: BackwardSteps


def _forget_g_prime(
    Theta_l: Array, delta_next: Array, z_l: Array, a_l: Array, g: Activation
) -> Array:
    return (delta_next @ Theta_l)[:, 1:]  # .* g'(z^(l)) forgotten


def _g_prime_of_a(
    Theta_l: Array, delta_next: Array, z_l: Array, a_l: Array, g: Activation
) -> Array:
    return (delta_next @ Theta_l)[:, 1:] * g.g_prime(a_l, g.g(a_l))  # g'(a) instead of g'(z)


def _keep_bias_row(
    Theta_l: Array, delta_next: Array, z_l: Array, a_l: Array, g: Activation
) -> Array:
    # keeps the bias unit's δ_0 and cuts the last unit's row to make the shapes fit
    back = delta_next @ Theta_l  # (m, s_l + 1)
    return back[:, :-1] * g.g_prime(z_l, a_l)


def _penalty_slope(Theta_l: Array, regularization: str) -> Array:
    """The regularization's slope per weight: Θ for L2, sign(Θ) for L1 (the correct step
    is ``network.gradient``; these bugs get it wrong in one other way each)."""
    return REGULARIZATIONS[regularization].slope(Theta_l)


def _regularize_bias(
    Delta_l: Array,
    Theta_l: Array,
    m: int,
    lambda_: float,
    regularization: str = DEFAULT_REGULARIZATION,
) -> Array:
    # bias column regularized too
    return Delta_l / m + (lambda_ / m) * _penalty_slope(Theta_l, regularization)


def _drop_one_over_m(
    Delta_l: Array,
    Theta_l: Array,
    m: int,
    lambda_: float,
    regularization: str = DEFAULT_REGULARIZATION,
) -> Array:
    D_l = Delta_l.copy()  # 1/m forgotten
    D_l[:, 1:] += lambda_ * _penalty_slope(Theta_l[:, 1:], regularization)
    return D_l


def _forget_regularization(
    Delta_l: Array,
    Theta_l: Array,
    m: int,
    lambda_: float,
    regularization: str = DEFAULT_REGULARIZATION,
) -> Array:
    return Delta_l / m  # (λ/m) Θ forgotten (L1: (λ/m) sign(Θ))


def _extra_output_g_prime(loss: Loss, out: Output, z_L: Array, a_L: Array, Y: Array) -> Array:
    # δ^(L) multiplied by g'(z^(L)) once more
    return out.vjp(z_L, a_L, output_delta(loss, out, z_L, a_L, Y))


def _flipped_sign(loss: Loss, out: Output, z_L: Array, a_L: Array, Y: Array) -> Array:
    return -output_delta(loss, out, z_L, a_L, Y)  # y − ŷ instead of ŷ − y


PLANTED_BUGS: dict[str, PlantedBug] = {
    bug.name: bug
    for bug in (
        PlantedBug(
            "forget_g_prime",
            "Forgetting g'(z) in the hidden δ",
            r"\delta^{(l)} = (\Theta^{(l)})^T\delta^{(l+1)} \,.\!*\, g'(z^{(l)})",
            r"\delta^{(l)} = (\Theta^{(l)})^T\delta^{(l+1)}",
            "Without g'(z) the error is passed back as if every hidden unit were linear.",
            replace(CORRECT_STEPS, hidden_delta=_forget_g_prime),
        ),
        PlantedBug(
            "g_prime_of_a",
            "Using g'(a) instead of g'(z)",
            r"g'(z^{(l)}) = a^{(l)} \,.\!*\, (1 - a^{(l)})",
            r"g'(a^{(l)}) = \sigma(a^{(l)}) \,.\!*\, (1 - \sigma(a^{(l)}))",
            "The derivative is evaluated at the unit's output a instead of its input z "
            "(invisible for ReLU and linear units, whose g' has the same sign pattern).",
            replace(CORRECT_STEPS, hidden_delta=_g_prime_of_a),
        ),
        PlantedBug(
            "keep_bias_row",
            "Keeping the bias row of δ",
            r"\delta^{(l)} = \left[(\Theta^{(l)})^T\delta^{(l+1)}\right]_{1:s_l}"
            r" .\!*\, g'(z^{(l)})",
            r"\delta^{(l)} = \left[(\Theta^{(l)})^T\delta^{(l+1)}\right]_{0:s_l-1}"
            r" .\!*\, g'(z^{(l)})",
            "The bias unit a_0 = 1 has no error term; keeping its row (and losing the last "
            "unit's to make the shapes fit) shifts every δ by one unit.",
            replace(CORRECT_STEPS, hidden_delta=_keep_bias_row),
        ),
        PlantedBug(
            "regularize_bias",
            "Regularizing the bias column",
            r"D^{(l)}_{ij} = \tfrac{1}{m}\Delta^{(l)}_{ij} + \tfrac{\lambda}{m}\Theta^{(l)}_{ij}"
            r"\ (j \ge 1)",
            r"D^{(l)}_{ij} = \tfrac{1}{m}\Delta^{(l)}_{ij} + \tfrac{\lambda}{m}\Theta^{(l)}_{ij}"
            r"\ (\text{all } j)",
            "J does not penalize the bias weights, so their gradient has no λ term "
            "(only shows when λ > 0).",
            replace(CORRECT_STEPS, gradient=_regularize_bias),
        ),
        PlantedBug(
            "drop_one_over_m",
            "Dropping the 1/m",
            r"D^{(l)} = \tfrac{1}{m}\Delta^{(l)} + \tfrac{\lambda}{m}\Theta^{(l)}",
            r"D^{(l)} = \Delta^{(l)} + \lambda\Theta^{(l)}",
            "J is an average over m examples, so its gradient is too; without 1/m the "
            "gradient is m times too large (invisible when m = 1).",
            replace(CORRECT_STEPS, gradient=_drop_one_over_m),
        ),
        PlantedBug(
            "forget_regularization",
            "Forgetting the regularization term",
            r"D^{(l)} = \tfrac{1}{m}\Delta^{(l)} + \tfrac{\lambda}{m}\Theta^{(l)}",
            r"D^{(l)} = \tfrac{1}{m}\Delta^{(l)}",
            "J includes λ/(2m) ΣΘ², so D must include its derivative (only shows when λ > 0).",
            replace(CORRECT_STEPS, gradient=_forget_regularization),
        ),
        PlantedBug(
            "extra_output_g_prime",
            "An extra g' on δ^(L) for cross-entropy",
            r"\delta^{(L)} = a^{(L)} - y",
            r"\delta^{(L)} = (a^{(L)} - y) \,.\!*\, g'(z^{(L)})",
            "With cross-entropy the output's g' cancels in ∂J/∂z^(L); multiplying by it again "
            "is the squared-error formula in the wrong place (invisible for a linear output).",
            replace(CORRECT_STEPS, output_delta=_extra_output_g_prime),
        ),
        PlantedBug(
            "flipped_sign",
            "Flipping the sign of δ^(L)",
            r"\delta^{(L)} = a^{(L)} - y",
            r"\delta^{(L)} = y - a^{(L)}",
            "Every gradient points the wrong way: gradient descent would climb J.",
            replace(CORRECT_STEPS, output_delta=_flipped_sign),
        ),
    )
}
