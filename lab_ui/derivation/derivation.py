"""The Derivation page's text: LaTeX, titles and explanations for each checked line.

Pure functions (no streamlit, no session).  The numbers come from ``bp_core.checks``
(``derivation_checks`` returns both sides of every line, with the layer and the g it used);
this module only writes them up, taking every formula of g, g' and the loss from its
registry entry (``Activation.latex_prime``, ``Activation.symbol``, ``Loss.formula``,
``Loss.dJ_dh_latex``, ``Loss.delta_latex``), so a tanh layer is labelled with tanh'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bp_core import ACTIVATIONS, LOSSES, OUTPUTS, REGULARIZATIONS, NetConfig, weight_name
from bp_core.checks import LineCheck, derivation_checks

Array = np.ndarray

_ELEMENTWISE = r"\,.\!*\,"


@dataclass(frozen=True)
class DerivationLine:
    """One line of the derivation as the page shows it: the numbers of ``check`` and their text.

    Attributes
    ----------
    check : bp_core.checks.LineCheck
        Both sides, computed by ``bp_core``.
    title, latex, explanation : str
    left_name, right_name : str
        What each side is (e.g. "backprop δ^(3)", "finite difference ∂J_i/∂z^(3)").
    labels : tuple of str
        One label per entry, e.g. "unit 2 of layer 3".
    """

    check: LineCheck
    title: str
    latex: str
    explanation: str
    left_name: str
    right_name: str
    labels: tuple[str, ...]

    @property
    def key(self) -> str:
        return self.check.key

    @property
    def left(self) -> Array:
        return self.check.left

    @property
    def right(self) -> Array:
        return self.check.right

    @property
    def tolerance(self) -> float:
        return self.check.tolerance

    @property
    def max_diff(self) -> float:
        return self.check.max_diff

    @property
    def ok(self) -> bool:
        return self.check.ok

    def table(self) -> dict[str, list]:
        """The two sides side by side with their difference, one row per entry, as columns
        keyed by name; the first, "entry", names the row."""
        left, right = np.ravel(self.left), np.ravel(self.right)
        return {
            "entry": list(self.labels),
            self.left_name: left.tolist(),
            self.right_name: right.tolist(),
            "difference": (left - right).tolist(),
        }


def unit_label(layer: int, j: int) -> str:
    """``unit_label(3, 2)`` → "unit 2 of layer 3"."""
    return f"unit {j} of layer {layer}"


def entry_labels(check: LineCheck) -> tuple[str, ...]:
    """One label per entry of the check: units, weights (``bp_core.weight_name``) or m."""
    if check.key in ("J",):
        return (f"m = {check.m}",)
    if check.key == "D":
        return tuple(weight_name(*w) for w in check.entries)
    return tuple(unit_label(layer, j) for layer, j in check.entries)


def _unit(cfg: NetConfig, layer: int, name: str | None):
    """The registry entry the check used for ``layer``: an activation, or the output unit."""
    return OUTPUTS[name] if layer == cfg.L else ACTIVATIONS[name]


def _g_prime_of(symbol: str, layer: int | str) -> str:
    return f"{symbol}'(z^{{({layer})}})"


def describe(cfg: NetConfig, check: LineCheck) -> DerivationLine:
    """The title, LaTeX and explanation of one checked line, for the network ``cfg``."""
    L, loss, out = cfg.L, LOSSES[cfg.loss], OUTPUTS[cfg.output]
    penalty = REGULARIZATIONS[cfg.regularization]  # its J and D terms (L2 or L1)
    key, labels = check.key, entry_labels(check)
    if key == "J":
        return DerivationLine(
            check,
            "The cost J(Θ)",
            f"{loss.formula} + {penalty.J_term}",
            "bp_core computes J with the loss's own cost of z (for cross-entropy in "
            "log-sum-exp form, so log 0 never happens); the right side is the textbook "
            "formula evaluated on h.",
            "bp_core J(Θ)",
            "textbook formula",
            labels,
        )
    if key == "g_prime":
        unit = _unit(cfg, check.layer, check.unit)
        where = "the output layer" if check.layer == L else f"hidden layer {check.layer}"
        return DerivationLine(
            check,
            f"The slope of g at layer {check.layer}: {unit.label}",
            unit.latex_prime,
            f"Evaluated at this example's z^({check.layer}), with the g of {where} "
            f"({unit.label}); the right side is (g(z + ε) − g(z − ε)) / 2ε.",
            f"g'(z), {unit.name} formula",
            "finite difference",
            labels,
        )
    if key == "dJ_dh":
        rhs = loss.dJ_dh_latex(out) if loss.dJ_dh_latex else ""
        return DerivationLine(
            check,
            "How the cost changes with the output",
            r"\frac{\partial J_i}{\partial \hat y_k}" + (f" = {rhs}" if rhs else ""),
            "J_i is one example's cost and ŷ = h_Θ(x) = a^(L); the right side nudges ŷ_k by ±ε.",
            "formula",
            "finite difference",
            labels,
        )
    if key in ("delta_L", "delta_L_mse"):
        return _output_delta(cfg, check, labels, mse=key == "delta_L_mse")
    if key.startswith("delta_"):
        layer = check.layer
        unit = _unit(cfg, layer, check.unit)
        return DerivationLine(
            check,
            f"The error of hidden layer {layer}",
            rf"\delta^{{({layer})}} = \frac{{\partial J_i}}{{\partial z^{{({layer})}}}} = "
            rf"\big[(\Theta^{{({layer})}})^T\delta^{{({layer + 1})}}\big]_{{1:s_{{{layer}}}}}"
            + _ELEMENTWISE
            + _g_prime_of(unit.symbol, layer),
            "Chain rule through the next layer: z^(l+1) = Θ^(l) a^(l) and a^(l) = g(z^(l)), "
            f"here with g = {unit.label}.",
            f"backprop δ^({layer})",
            f"finite difference ∂J_i/∂z^({layer})",
            labels,
        )
    if key == "D":
        chk = check.gradient
        if chk is None or chk.complete:
            which = "every weight"
        else:
            which = f"{len(chk.entries)} of the {chk.n_weights} weights (a sample, to stay fast)"
        return DerivationLine(
            check,
            "The gradient",
            r"\frac{\partial J}{\partial \Theta^{(l)}_{jk}} = D^{(l)}_{jk} = "
            r"\frac{1}{m}\Delta^{(l)}_{jk} + " + penalty.D_term + r"\,[k\ge1],\quad "
            r"\Delta^{(l)} = \sum_{i=1}^m \delta^{(l+1)}_{(i)}\big(a^{(l)}_{(i)}\big)^T",
            f"On {check.m} examples; {which} nudged by ±ε.",
            "backprop D",
            "finite difference ∂J/∂Θ",
            labels,
        )
    raise ValueError(f"Unknown derivation line {key!r}.")


def _output_delta(cfg: NetConfig, check: LineCheck, labels, mse: bool) -> DerivationLine:
    L, out = cfg.L, OUTPUTS[cfg.output]
    loss = LOSSES["mse"] if mse else LOSSES[cfg.loss]
    zL = f"z^{{({L})}}"
    if out.elementwise:
        chain = r"\frac{\partial J_i}{\partial \hat y}" + _ELEMENTWISE + _g_prime_of(out.symbol, L)
    else:
        chain = rf"\Big(\frac{{\partial \hat y}}{{\partial {zL}}}\Big)^T" + (
            r"\frac{\partial J_i}{\partial \hat y}"
        )
    simplest = loss.delta_latex(out) if loss.delta_latex else ""
    simplest = simplest.replace("{(L)}", f"{{({L})}}").replace("g'", f"{out.symbol}'")
    if mse:
        latex = (
            rf"J_i = \tfrac12\sum_k(\hat y_k - y_k)^2 \;\Rightarrow\; \delta^{{({L})}} = {chain}"
            + (f" = {simplest}" if simplest else "")
            + rf",\quad {out.latex_prime}"
        )
        return DerivationLine(
            check,
            "The output error under squared error",
            latex,
            "The same network and example with squared error instead: the output's slope stays in.",
            f"bp_core squared-error δ^({L})",
            f"finite difference ∂J_i/∂z^({L})",
            labels,
        )
    latex = rf"\delta^{{({L})}} = \frac{{\partial J_i}}{{\partial {zL}}} = {chain}"
    if simplest:
        latex += f" = {simplest}"
    why = f"The right side nudges each z^({L})_k by ±ε and recomputes J_i."
    if loss.delta_is_residual(out):  # the loss says why δ^(L) = ŷ − y with this output
        why = f"{loss.delta_why(out)} {why}"
    return DerivationLine(
        check,
        "The output error",
        latex,
        why,
        f"backprop δ^({L})",
        f"finite difference ∂J_i/∂z^({L})",
        labels,
    )


def derivation_lines(
    cfg: NetConfig,
    Theta: Sequence[Array],
    X: Array,
    Y: Array,
    X_all: Array,
    Y_all: Array,
) -> list[DerivationLine]:
    """``bp_core.checks.derivation_checks`` with each line's text, in the derivation's order.

    Parameters as in ``derivation_checks``: (X, Y) one example, (X_all, Y_all) the examples
    J(Θ) and the gradient are checked on.
    """
    return [describe(cfg, c) for c in derivation_checks(cfg, Theta, X, Y, X_all, Y_all)]
