"""Hidden-unit activations g and their derivatives g', written side by side.

Each activation is a pair ``(g, g_prime)`` of pure functions of ``z`` (never in place), and
its registry entry carries every course fact about g that a page shows: its LaTeX, the LaTeX
of g' in the course's form, its range.  Adding an activation is one ``Activation`` in
``ACTIVATIONS``; the config, the engine and every page pick it up.
``g_prime(z, a)`` is handed ``a = g(z)`` as well, because the course writes the derivative
that way: σ'(z) = σ(z)(1 − σ(z)) = a .* (1 − a).  Passing ``a`` saves recomputing g(z); it
is still the derivative *at z*, and a planted bug (``g_prime_of_a``) shows what happens when
it is evaluated at the wrong point.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """An activation function g with its derivative g' beside it.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"sigmoid"``.
    label : str
        What the UI shows.
    g : callable
        ``g(z) -> a``, elementwise; any shape.
    g_prime : callable
        ``g_prime(z, a) -> g'(z)``, elementwise; ``a`` must equal ``g(z)``.
    peak_slope : float
        The largest value g' takes; a unit counts as saturated where g'(z) is below 5 % of it.
    latex : str
        LaTeX of g(z), e.g. ``\\sigma(z) = \\frac{1}{1+e^{-z}}``.  Default: the label as
        ``\\text{label}(z)``.
    latex_prime : str
        LaTeX of g'(z) in the course's form, in terms of a = g(z) where the course writes it
        so (σ'(z) = a .* (1 − a)).  Default: ``\\text{label}'(z)``.
    value_range : (float, float) or None
        The open interval g maps onto, e.g. (0, 1) for σ; None when it is unbounded.
    symbol : str
        LaTeX of the function's name alone, for equations such as a = g(z): ``\\sigma``.
        Default: the name in ``\\mathrm{}``.
    """

    name: str
    label: str
    g: Callable[[Array], Array]
    g_prime: Callable[[Array, Array], Array]
    peak_slope: float = 1.0
    latex: str = ""
    latex_prime: str = ""
    value_range: tuple[float, float] | None = None
    symbol: str = ""

    def __post_init__(self) -> None:
        _fill_latex_defaults(self)


def _latex_text(s: str) -> str:
    """``s`` made safe inside ``\\text{}`` / ``\\mathrm{}``: braces and backslashes dropped,
    LaTeX's special characters escaped."""
    s = s.replace("\\", "").replace("{", "").replace("}", "")
    for ch in "_&%$#":
        s = s.replace(ch, "\\" + ch)
    return s


def _fill_latex_defaults(entry) -> None:
    """Give a registry entry registered with just its name, label and functions its LaTeX
    (``Activation`` and ``losses.Output`` both call this from ``__post_init__``)."""
    text = _latex_text(entry.label)
    if not entry.symbol:
        object.__setattr__(entry, "symbol", r"\mathrm{" + _latex_text(entry.name) + "}")
    if not entry.latex:
        object.__setattr__(entry, "latex", r"\text{" + text + "}(z)")
    if not entry.latex_prime:
        object.__setattr__(entry, "latex_prime", r"\text{" + text + "}'(z)")
    if entry.value_range is not None:
        lo, hi = (float(v) for v in entry.value_range)
        if not lo < hi:
            raise ValueError(f"The range of {entry.name!r} must be (low, high) with low < high.")
        object.__setattr__(entry, "value_range", (lo, hi))


def sigmoid(z: Array) -> Array:
    """σ(z) = 1 / (1 + e^(−z)), computed as (1 + tanh(z/2)) / 2.

    The same function, but tanh never overflows (1 / (1 + e^(−z)) does for z < −709) and it
    is several times faster than the log-sum-exp form.  Its absolute error is ~1e-16, so in
    the far tail (z < −37) it returns 0 where e^z would be ~1e-17; J never takes log σ
    (see ``losses``), so this cannot reach the cost.
    """
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def sigmoid_prime(z: Array, a: Array) -> Array:
    """σ'(z) = σ(z)(1 − σ(z)) = a .* (1 − a)."""
    return a * (1.0 - a)


def tanh(z: Array) -> Array:
    """tanh(z)."""
    return np.tanh(z)


def tanh_prime(z: Array, a: Array) -> Array:
    """tanh'(z) = 1 − tanh(z)² = 1 − a²."""
    return 1.0 - a * a


def relu(z: Array) -> Array:
    """max(0, z)."""
    return np.maximum(z, 0.0)


def relu_prime(z: Array, a: Array) -> Array:
    """1 where z > 0, else 0 (the value 0 is taken at the kink z = 0)."""
    return (z > 0.0).astype(np.float64)


LEAKY_SLOPE = 0.01


def leaky_relu(z: Array) -> Array:
    """z where z > 0, else 0.01 z."""
    return np.where(z > 0.0, z, LEAKY_SLOPE * z)


def leaky_relu_prime(z: Array, a: Array) -> Array:
    """1 where z > 0, else 0.01."""
    return np.where(z > 0.0, 1.0, LEAKY_SLOPE)


def linear(z: Array) -> Array:
    """The identity, g(z) = z (returns a copy, never the same array)."""
    return np.array(z, dtype=np.float64, copy=True)


def linear_prime(z: Array, a: Array) -> Array:
    """g'(z) = 1."""
    return np.ones_like(z, dtype=np.float64)


ACTIVATIONS: dict[str, Activation] = {
    act.name: act
    for act in (
        Activation(
            "sigmoid",
            "sigmoid σ(z)",
            sigmoid,
            sigmoid_prime,
            peak_slope=0.25,
            latex=r"\sigma(z) = \frac{1}{1+e^{-z}}",
            latex_prime=r"\sigma'(z) = \sigma(z)\,\big(1-\sigma(z)\big) = a\,.\!*\,(1-a)",
            value_range=(0.0, 1.0),
            symbol=r"\sigma",
        ),
        Activation(
            "tanh",
            "tanh",
            tanh,
            tanh_prime,
            latex=r"\tanh(z) = \frac{e^{z}-e^{-z}}{e^{z}+e^{-z}}",
            latex_prime=r"\tanh'(z) = 1-\tanh^2(z) = 1 - a\,.\!*\,a",
            value_range=(-1.0, 1.0),
            symbol=r"\tanh",
        ),
        Activation(
            "relu",
            "ReLU",
            relu,
            relu_prime,
            latex=r"\mathrm{ReLU}(z) = \max(0, z)",
            latex_prime=r"\mathrm{ReLU}'(z) = \begin{cases}1 & z > 0\\ 0 & z \le 0\end{cases}",
            symbol=r"\mathrm{ReLU}",
        ),
        Activation(
            "leaky_relu",
            "leaky ReLU",
            leaky_relu,
            leaky_relu_prime,
            latex=(
                r"\mathrm{LReLU}(z) = \begin{cases}z & z > 0\\ "
                + f"{LEAKY_SLOPE:g}"
                + r"\,z & z \le 0\end{cases}"
            ),
            latex_prime=(
                r"\mathrm{LReLU}'(z) = \begin{cases}1 & z > 0\\ "
                + f"{LEAKY_SLOPE:g}"
                + r" & z \le 0\end{cases}"
            ),
            symbol=r"\mathrm{LReLU}",
        ),
        Activation(
            "linear",
            "linear (identity)",
            linear,
            linear_prime,
            latex=r"\mathrm{id}(z) = z",
            latex_prime=r"\mathrm{id}'(z) = 1",
            symbol=r"\mathrm{id}",
        ),
    )
}
