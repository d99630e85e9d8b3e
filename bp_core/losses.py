"""Output units and losses.  The loss owns its output error δ^(L).

Output units (``OUTPUTS``) map z^(L) to the hypothesis h = a^(L).  Each also gives the
vector–Jacobian product ``vjp(z, a, v) = (∂a/∂z)ᵀ v`` per example, which is v .* g'(z) for an
elementwise unit (``elementwise_vjp``, built from the activation's own g') and
a .* (v − Σ_k v_k a_k) for softmax.  Like an ``Activation``, an output carries its LaTeX,
the LaTeX of ∂a/∂z, its symbols and its range; also how many units it needs
(``min_units``, :meth:`Output.units_for`) and, for an output whose values are probabilities,
its own form of cross-entropy (:class:`CrossEntropyForm`: per unit for sigmoid, over the
classes for softmax).

Losses (``LOSSES``) return the per-example cost and δ^(L) = ∂J_i/∂z^(L), and also the two
things the derivation differentiates by hand: the textbook J_i as a function of h alone
(``J_of_h``) and ∂J_i/∂h (``dJ_dh``), and whether, with a given output unit, δ^(L) is
simply ŷ − y (:meth:`Loss.delta_is_residual`) and why:

* cross-entropy with a sigmoid or softmax output: δ^(L) = a^(L) − y (the course's result);
* squared error: δ^(L) = (∂a/∂z)ᵀ (a^(L) − y), i.e. (ŷ − y) .* g'(z^(L)) for an elementwise
  output, which shrinks when the output saturates (ŷ − y again for a linear output).

Numerical safety: cross-entropy is computed from z^(L) in log-sum-exp form, never from
log(h), so log(0) cannot occur: for a sigmoid unit −y log σ(z) − (1−y) log(1−σ(z)) =
log(1 + e^z) − y z, and for softmax −Σ_k y_k log softmax(z)_k = Σ_k y_k (logsumexp(z) − z_k).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS, Activation, _fill_latex_defaults

Array = np.ndarray


@dataclass(frozen=True)
class CrossEntropyForm:
    """Cross-entropy for one kind of output unit: −log of the probability the output gives
    the target (per unit for independent sigmoid units, over the classes for softmax).

    Attributes
    ----------
    cost : callable
        ``cost(z, Y) -> (m,)``, computed from z^(L) in log-sum-exp form, so log 0 never
        occurs (what training uses).
    J_of_h : callable
        ``J_of_h(h, Y) -> (m,)``: the textbook J_i in the output h alone (it takes log h, so
        it is for checking, not for training).
    dJ_dh : callable
        ``dJ_dh(h, Y) -> (m, K)``: ∂J_i/∂h, the derivative of ``J_of_h``.
    dJ_dh_latex : str
        LaTeX of ∂J_i/∂ŷ_k (the right side only, in ŷ_k and y_k).
    """

    cost: Callable[[Array, Array], Array]
    J_of_h: Callable[[Array, Array], Array]
    dJ_dh: Callable[[Array, Array], Array]
    dJ_dh_latex: str
    #: The summed cost Σ_i J_i as a PyTorch expression in tensors ``z`` (m, K) and ``y``.
    torch_cost: str = ""


@dataclass(frozen=True)
class Output:
    """An output unit h = g_out(z^(L)).

    Attributes
    ----------
    name, label : str
        Registry key and display name.
    g : callable
        ``g(z) -> a`` on z of shape (m, s_L).
    vjp : callable
        ``vjp(z, a, v) -> (∂a/∂z)ᵀ v``, all of shape (m, s_L).
    target_low, target_high : float
        How a negative / positive class is written in Y for this unit (tanh uses −1 and +1).
    latex : str
        LaTeX of h = g(z).  Default: the label in ``\\text{}``.
    latex_prime : str
        LaTeX of ∂a/∂z (g'(z) for an elementwise unit, the Jacobian for softmax).
    value_range : (float, float) or None
        The open interval the outputs lie in; None when unbounded.
    symbol : str
        LaTeX of the function's name alone (``\\sigma``, ``\\mathrm{softmax}``).
    elementwise : bool
        True when each a_k depends on z_k alone (∂a/∂z diagonal, so (∂a/∂z)ᵀ v = v .* g'(z));
        False for softmax.
    short : str
        The symbol as plain text ("σ", "softmax").  Default: made from ``symbol``.
    min_units : int
        The fewest output units it works with: 2 for softmax (with 1 unit it always outputs
        1), else 1.
    cross_entropy : CrossEntropyForm or None
        Its form of cross-entropy, when its outputs are probabilities (sigmoid, softmax);
        None otherwise.
    """

    name: str
    label: str
    g: Callable[[Array], Array]
    vjp: Callable[[Array, Array, Array], Array]
    target_low: float = 0.0
    target_high: float = 1.0
    latex: str = ""
    latex_prime: str = ""
    value_range: tuple[float, float] | None = None
    symbol: str = ""
    elementwise: bool = True
    short: str = ""
    min_units: int = 1
    cross_entropy: CrossEntropyForm | None = None
    #: h = g(z) as a PyTorch expression in a tensor ``z`` ("" when there is none).
    torch: str = ""

    def __post_init__(self) -> None:
        _fill_latex_defaults(self)

    def units_for(self, n_classes: int) -> int:
        """Output units s_L for a classification problem with ``n_classes`` classes: the
        course's one unit for two classes and one per class (one-vs-all) for more; never
        fewer than ``min_units`` (softmax: one per class, always)."""
        return max(self.min_units, n_classes) if n_classes > 2 else self.min_units


def elementwise_vjp(act: Activation) -> Callable[[Array, Array, Array], Array]:
    """(∂a/∂z)ᵀ v = v .* g'(z) for an output unit that applies ``act`` elementwise.

    ∂a/∂z is diagonal with g'(z) on it, so the product is elementwise; g' is the activation's
    own ``g_prime``, never written a second time.
    """
    g_prime = act.g_prime

    def vjp(z: Array, a: Array, v: Array) -> Array:
        return v * g_prime(z, a)  # (m, s_L)

    return vjp


def elementwise_output(act: Activation, label: str, **facts) -> Output:
    """An ``Output`` that is ``act`` applied to every output unit: same g, g', LaTeX, range.

    ``facts`` override or add ``Output`` fields (e.g. ``target_low=-1.0``).
    """
    fields = dict(
        latex=act.latex,
        latex_prime=act.latex_prime,
        value_range=act.value_range,
        symbol=act.symbol,
        short=act.short,
        torch=act.torch,
    )
    fields.update(facts)
    return Output(act.name, label, act.g, elementwise_vjp(act), **fields)


def softmax(z: Array) -> Array:
    """Row-wise softmax of z (m, K); subtracts the row maximum so exp never overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))  # (m, K)
    return e / e.sum(axis=1, keepdims=True)  # (m, K)


def _softmax_vjp(z: Array, a: Array, v: Array) -> Array:
    # (∂a/∂z)ᵀ v with ∂a_k/∂z_j = a_k (1[k=j] − a_j)  →  a .* (v − Σ_k v_k a_k)
    return a * (v - (v * a).sum(axis=1, keepdims=True))  # (m, K)


def _bernoulli_cost(z: Array, Y: Array) -> Array:
    # −y log σ(z) − (1 − y) log(1 − σ(z)) = log(1 + e^z) − y z, summed over the K units
    return (np.logaddexp(0.0, z) - Y * z).sum(axis=1)  # (m,)


def _bernoulli_J_of_h(h: Array, Y: Array) -> Array:
    # J_i = −Σ_k [y_k log h_k + (1 − y_k) log(1 − h_k)]
    return -(Y * np.log(h) + (1.0 - Y) * np.log(1.0 - h)).sum(axis=1)  # (m,)


def _bernoulli_dJ_dh(h: Array, Y: Array) -> Array:
    # ∂J_i/∂h_k = −y_k/h_k + (1 − y_k)/(1 − h_k) = (h_k − y_k) / (h_k (1 − h_k))
    return (h - Y) / (h * (1.0 - h))  # (m, K)


#: Cross-entropy of independent sigmoid units: each is the probability of its class.
BERNOULLI_CROSS_ENTROPY = CrossEntropyForm(
    _bernoulli_cost,
    _bernoulli_J_of_h,
    _bernoulli_dJ_dh,
    r"\frac{\hat y_k - y_k}{\hat y_k(1-\hat y_k)}",
    "torch.nn.functional.binary_cross_entropy_with_logits(z, y, reduction='sum')",
)


def _categorical_cost(z: Array, Y: Array) -> Array:
    # −Σ_k y_k log softmax(z)_k = Σ_k y_k (logsumexp(z) − z_k)
    z_max = z.max(axis=1, keepdims=True)  # (m, 1)
    lse = z_max + np.log(np.exp(z - z_max).sum(axis=1, keepdims=True))  # (m, 1)
    return (Y * (lse - z)).sum(axis=1)  # (m,)


def _categorical_J_of_h(h: Array, Y: Array) -> Array:
    # J_i = −Σ_k y_k log h_k
    return -(Y * np.log(h)).sum(axis=1)  # (m,)


def _categorical_dJ_dh(h: Array, Y: Array) -> Array:
    # ∂J_i/∂h_k = −y_k / h_k
    return -Y / h  # (m, K)


#: Cross-entropy of a softmax output: one distribution over the K classes.
CATEGORICAL_CROSS_ENTROPY = CrossEntropyForm(
    _categorical_cost,
    _categorical_J_of_h,
    _categorical_dJ_dh,
    r"-\frac{y_k}{\hat y_k}",
    "-(y * torch.log_softmax(z, dim=1)).sum()",
)


OUTPUTS: dict[str, Output] = {
    out.name: out
    for out in (
        elementwise_output(
            ACTIVATIONS["sigmoid"],
            "sigmoid (one probability per output unit)",
            cross_entropy=BERNOULLI_CROSS_ENTROPY,
        ),
        Output(
            "softmax",
            "softmax (probabilities over classes)",
            softmax,
            _softmax_vjp,
            latex=r"\mathrm{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}",
            latex_prime=r"\frac{\partial a_k}{\partial z_j} = a_k\,\big([k=j] - a_j\big)",
            value_range=(0.0, 1.0),
            symbol=r"\mathrm{softmax}",
            elementwise=False,
            short="softmax",
            min_units=2,
            cross_entropy=CATEGORICAL_CROSS_ENTROPY,
            torch="torch.softmax(z, dim=1)",
        ),
        elementwise_output(ACTIVATIONS["linear"], "linear (regression)"),
        elementwise_output(ACTIVATIONS["tanh"], "tanh (targets −1 / +1)", target_low=-1.0),
    )
}


@dataclass(frozen=True)
class Loss:
    """A loss: its per-example cost and the output error δ^(L) it implies.

    Attributes
    ----------
    name, label : str
        Registry key and display name.
    outputs : tuple of str
        The output units this loss is defined for.
    example_cost : callable
        ``example_cost(output, z, a, Y) -> (m,)``, the unregularized cost of each example.
    delta : callable
        ``delta(output, z, a, Y) -> (m, s_L)``, δ^(L) = ∂J_i/∂z^(L) for each example.
    formula : str
        LaTeX of J without regularization, for the UI.
    J_of_h : callable or None
        ``J_of_h(output, h, Y) -> (m,)``: the textbook J_i written as a function of the output
        h alone, the form the course differentiates (it takes log h, so it is for checking,
        not for training).  None if the loss does not give one.
    dJ_dh : callable or None
        ``dJ_dh(output, h, Y) -> (m, s_L)``: ∂J_i/∂h, the derivative of ``J_of_h``.
    dJ_dh_latex : callable or None
        ``dJ_dh_latex(output) -> str``: LaTeX of ∂J_i/∂ŷ_k for that output unit (the right
        side only, in ŷ_k and y_k).
    delta_latex : callable or None
        ``delta_latex(output) -> str``: LaTeX of δ^(L) in its simplest form for that output
        unit (the right side only, in ŷ, y and g'(z^{(L)}), with the literal superscript
        ``(L)``), e.g. ``\\hat y - y`` for cross-entropy.
    delta_text : callable or None
        ``delta_text(output) -> str``: the same as plain text ("ŷ − y").
    residual_outputs : tuple of (str, str)
        The output units with which δ^(L) is exactly ŷ − y, each with one sentence for a
        student saying why (the output's slope cancels, or is 1).
    delta_note : str
        One sentence on δ^(L) with any other output unit.
    outputs_note : str
        Which outputs the loss needs and what to use instead, for the message that refuses
        any other output (e.g. cross-entropy with a linear output).
    """

    name: str
    label: str
    outputs: tuple[str, ...]
    example_cost: Callable[[Output, Array, Array, Array], Array]
    delta: Callable[[Output, Array, Array, Array], Array]
    formula: str
    J_of_h: Callable[[Output, Array, Array], Array] | None = None
    dJ_dh: Callable[[Output, Array, Array], Array] | None = None
    dJ_dh_latex: Callable[[Output], str] | None = None
    delta_latex: Callable[[Output], str] | None = None
    delta_text: Callable[[Output], str] | None = None
    residual_outputs: tuple[tuple[str, str], ...] = ()
    delta_note: str = ""
    outputs_note: str = ""
    #: ``torch_cost(output) -> str``: Σ_i J_i as a PyTorch expression in tensors ``z``, ``h``
    #: and ``y`` (the PyTorch export writes it; None when there is none).
    torch_cost: Callable[[Output], str] | None = None

    def delta_is_residual(self, output: Output) -> bool:
        """True when, with this output unit, δ^(L) = ŷ − y exactly (the output's g' cancels
        or is 1): cross-entropy with sigmoid or softmax, squared error with a linear output."""
        return any(name == output.name for name, _ in self.residual_outputs)

    def delta_why(self, output: Output) -> str:
        """One sentence for a student: why δ^(L) takes its form with this output unit."""
        for name, why in self.residual_outputs:
            if name == output.name:
                return why
        return self.delta_note

    def output_error(self, output: str) -> str:
        """The sentence that refuses ``output`` for this loss (it is not in ``outputs``)."""
        allowed = ", ".join(f"'{name}'" for name in self.outputs)
        note = self.outputs_note or f"The {self.label} loss needs one of the outputs {allowed}."
        return f"{note} The output unit is {output!r}."


def _cross_entropy_form(output: Output) -> CrossEntropyForm:
    if output.cross_entropy is None:
        raise ValueError(
            f"Cross-entropy needs an output whose values are probabilities; {output.label!r} "
            "has no cross-entropy form."
        )
    return output.cross_entropy


def _cross_entropy_cost(output: Output, z: Array, a: Array, Y: Array) -> Array:
    # the output's own form: per sigmoid unit, or over the classes for softmax
    return _cross_entropy_form(output).cost(z, Y)  # (m,)


def _cross_entropy_delta(output: Output, z: Array, a: Array, Y: Array) -> Array:
    # δ^(L) = a^(L) − y   (sigmoid or softmax output with cross-entropy)
    return a - Y  # (m, s_L)


def _cross_entropy_J_of_h(output: Output, h: Array, Y: Array) -> Array:
    return _cross_entropy_form(output).J_of_h(h, Y)  # (m,)


def _cross_entropy_dJ_dh(output: Output, h: Array, Y: Array) -> Array:
    return _cross_entropy_form(output).dJ_dh(h, Y)  # (m, K)


def _mse_cost(output: Output, z: Array, a: Array, Y: Array) -> Array:
    # ½ Σ_k (h_k − y_k)²; averaged over m this is J = 1/(2m) Σ_i Σ_k (ŷ − y)²
    r = a - Y  # (m, s_L)
    return 0.5 * (r * r).sum(axis=1)  # (m,)


def _mse_delta(output: Output, z: Array, a: Array, Y: Array) -> Array:
    # δ^(L) = (∂a/∂z)ᵀ (ŷ − y); for an elementwise output (ŷ − y) .* g'(z^(L))
    return output.vjp(z, a, a - Y)  # (m, s_L)


def _mse_J_of_h(output: Output, h: Array, Y: Array) -> Array:
    # J_i = ½ Σ_k (h_k − y_k)²
    return 0.5 * ((h - Y) ** 2).sum(axis=1)  # (m,)


def _mse_dJ_dh(output: Output, h: Array, Y: Array) -> Array:
    # ∂J_i/∂h_k = h_k − y_k
    return h - Y  # (m, s_L)


def _mse_delta_latex(output: Output) -> str:
    if output.elementwise:
        return r"(\hat y - y)\,.\!*\,g'(z^{(L)})"
    return r"\Big(\frac{\partial \hat y}{\partial z^{(L)}}\Big)^T(\hat y - y)"


def _mse_delta_text(output: Output) -> str:
    if output.elementwise:
        return f"(ŷ − y) .* {output.short}′(z)"
    return "(∂ŷ/∂z)ᵀ (ŷ − y)"


LOSSES: dict[str, Loss] = {
    loss.name: loss
    for loss in (
        Loss(
            "cross_entropy",
            "cross-entropy (the course's)",
            ("sigmoid", "softmax"),
            _cross_entropy_cost,
            _cross_entropy_delta,
            r"J(\Theta) = \frac{1}{m}\sum_{i=1}^{m}\sum_{k=1}^{K}\left[-y_k^{(i)}\log h_k"
            r" - (1-y_k^{(i)})\log(1-h_k)\right]",
            _cross_entropy_J_of_h,
            _cross_entropy_dJ_dh,
            lambda out: _cross_entropy_form(out).dJ_dh_latex,
            lambda out: r"\hat y - y",
            lambda out: "ŷ − y",
            residual_outputs=(
                (
                    "sigmoid",
                    "With cross-entropy the sigmoid's slope ŷ(1 − ŷ) cancels the denominator "
                    "of ∂J/∂ŷ, leaving ŷ − y.",
                ),
                (
                    "softmax",
                    "With cross-entropy the softmax's Jacobian turns −y/ŷ into ŷ − y, because "
                    "the targets yₖ add up to 1.",
                ),
            ),
            torch_cost=lambda out: _cross_entropy_form(out).torch_cost,
            outputs_note="Cross-entropy needs outputs that are probabilities between 0 and 1 "
            "(sigmoid or softmax). Use squared error (mse) with a linear or tanh output.",
        ),
        Loss(
            "mse",
            "squared error",
            ("sigmoid", "softmax", "linear", "tanh"),
            _mse_cost,
            _mse_delta,
            r"J(\Theta) = \frac{1}{2m}\sum_{i=1}^{m}\sum_{k=1}^{K}\left(h_k - y_k^{(i)}\right)^2",
            _mse_J_of_h,
            _mse_dJ_dh,
            lambda out: r"\hat y_k - y_k",
            _mse_delta_latex,
            _mse_delta_text,
            residual_outputs=(
                ("linear", "With squared error and a linear output g′(z) = 1, leaving ŷ − y."),
            ),
            torch_cost=lambda out: "0.5 * ((h - y) ** 2).sum()",
            delta_note="With squared error the output's slope g′(z) stays in, so δ shrinks "
            "when the output saturates.",
        ),
    )
}


def output_delta_curves(output: str, z: Array | None = None, y: float = 1.0) -> dict[str, Array]:
    """δ^(L) of one output unit with target y along z, under every loss defined for it.

    Each curve is that loss's own ``delta``; ``z`` defaults to −8 … 8 (161 points).

    Returns
    -------
    dict
        ``"z"`` and ``"h"`` (n,), then one (n,) curve per loss name that allows this output
        (``"cross_entropy"``, ``"mse"``).
    """
    z = np.linspace(-8.0, 8.0, 161) if z is None else z
    out = OUTPUTS[output]
    Z = np.asarray(z, dtype=np.float64).reshape(-1, 1)  # (n, 1)
    A = out.g(Z)  # (n, 1)
    Y = np.full_like(Z, y)
    res = {"z": Z[:, 0], "h": A[:, 0]}
    for name, loss in LOSSES.items():
        if output in loss.outputs:
            res[name] = loss.delta(out, Z, A, Y)[:, 0]
    return res
