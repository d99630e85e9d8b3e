"""Hidden-unit activations g and their derivatives g', written side by side.

Each activation is a pair ``(g, g_prime)`` of pure functions of ``z`` (never in place), and
its registry entry carries every course fact about g that a page shows: its label, its
LaTeX, the LaTeX of g' in the course's form, its symbol (LaTeX and plain text), its range,
its steepest slope.  Adding an activation is one ``Activation`` given to
:func:`register_activation` (checked: a new name, every fact, g' really the slope of g); the
config, the engine and every page pick it up, and no other code names it.
``g_prime(z, a)`` is handed ``a = g(z)`` as well, because the course writes the derivative
that way: σ'(z) = σ(z)(1 − σ(z)) = a .* (1 − a).  Passing ``a`` saves recomputing g(z); it
is still the derivative *at z*, and a planted bug (``g_prime_of_a``) shows what happens when
it is evaluated at the wrong point.
"""

from __future__ import annotations

import re
import unicodedata
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
    short : str
        The same symbol as plain text, where LaTeX cannot go (select boxes, the live view's
        diagram, titles): "σ", "tanh", "ReLU".  Default: made from ``symbol``.
    kinks : tuple of float
        The z where g' jumps (ReLU's 0), so a finite difference across them means nothing;
        empty for a smooth g.
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
    short: str = ""
    kinks: tuple[float, ...] = ()
    #: g as a PyTorch expression in a tensor ``z`` (the PyTorch export writes it; "" when
    #: there is none, and that export then says so).
    torch: str = ""

    def __post_init__(self) -> None:
        _fill_latex_defaults(self)
        object.__setattr__(self, "kinks", tuple(float(k) for k in self.kinks))


def _latex_text(s: str) -> str:
    """``s`` made safe inside ``\\text{}`` / ``\\mathrm{}``: braces and backslashes dropped,
    LaTeX's special characters escaped."""
    s = s.replace("\\", "").replace("{", "").replace("}", "")
    for ch in "_&%$#":
        s = s.replace(ch, "\\" + ch)
    return s


def _greek(name: str) -> str:
    try:
        return unicodedata.lookup(f"GREEK SMALL LETTER {name.upper()}")
    except KeyError:
        return name  # \tanh → "tanh"


def plain_symbol(tex: str) -> str:
    r"""A LaTeX symbol as plain text: ``\sigma`` → "σ", ``\mathrm{ReLU}`` → "ReLU",
    ``\tanh`` → "tanh" (the default of ``Activation.short``)."""
    out = re.sub(r"\\(?:mathrm|operatorname|text)(?![A-Za-z])", "", str(tex))
    out = re.sub(r"\\([A-Za-z]+)", lambda m: _greek(m.group(1)), out)
    return out.replace("{", "").replace("}", "").replace("\\", "").strip()


def _fill_latex_defaults(entry) -> None:
    """Give a registry entry registered with just its name, label and functions its LaTeX
    and its plain-text symbol (``Activation`` and ``losses.Output`` both call this from
    ``__post_init__``)."""
    text = _latex_text(entry.label)
    if not entry.symbol:
        object.__setattr__(entry, "symbol", r"\mathrm{" + _latex_text(entry.name) + "}")
    if not entry.short:
        object.__setattr__(entry, "short", plain_symbol(entry.symbol) or entry.name)
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


#: Every hidden activation by name; add one with :func:`register_activation`.
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
            short="σ",
            torch="torch.sigmoid(z)",
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
            short="tanh",
            torch="torch.tanh(z)",
        ),
        Activation(
            "relu",
            "ReLU",
            relu,
            relu_prime,
            latex=r"\mathrm{ReLU}(z) = \max(0, z)",
            latex_prime=r"\mathrm{ReLU}'(z) = \begin{cases}1 & z > 0\\ 0 & z \le 0\end{cases}",
            symbol=r"\mathrm{ReLU}",
            short="ReLU",
            kinks=(0.0,),
            torch="torch.relu(z)",
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
            short="LReLU",
            kinks=(0.0,),
            torch=f"torch.nn.functional.leaky_relu(z, {LEAKY_SLOPE!r})",
        ),
        Activation(
            "linear",
            "linear (identity)",
            linear,
            linear_prime,
            latex=r"\mathrm{id}(z) = z",
            latex_prime=r"\mathrm{id}'(z) = 1",
            symbol=r"\mathrm{id}",
            short="id",
            torch="z",
        ),
    )
}

#: The activations bp_core ships with; :func:`unregister_activation` keeps them.
BUILTIN_ACTIVATIONS: tuple[str, ...] = tuple(ACTIVATIONS)

#: Where a new g and g' are tried: away from 0, where a kink (ReLU's) would sit.
_PROBE_Z = np.array([[-3.7, -1.3, -0.41], [0.23, 1.1, 2.9]])


def _balanced(tex: str) -> bool:
    depth = 0
    for ch in tex.replace(r"\{", "").replace(r"\}", ""):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


def _check_activation(entry: Activation) -> None:
    """Raise ValueError with a sentence if ``entry`` lacks a fact or its facts disagree."""
    if not isinstance(entry, Activation):
        raise ValueError(
            f"register_activation takes a bp_core.Activation entry, not {type(entry).__name__}."
        )
    name = entry.name
    if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
        raise ValueError(
            "An activation's name must be a word of letters, digits and _ (it goes into links "
            f"and files); got {name!r}."
        )
    if name in ACTIVATIONS:
        raise ValueError(f"An activation named {name!r} is registered already.")
    if not isinstance(entry.label, str) or not entry.label.strip():
        raise ValueError(f"Activation {name!r} needs a label: the name a student sees.")
    for field, what in (("g", "g(z)"), ("g_prime", "g_prime(z, a)")):
        if not callable(getattr(entry, field)):
            raise ValueError(f"Activation {name!r} needs its function {what}.")
    for field in ("latex", "latex_prime", "symbol", "short"):
        tex = getattr(entry, field)
        if not isinstance(tex, str) or not tex.strip():
            raise ValueError(f"Activation {name!r} needs its {field} (a non-empty string).")
        if field != "short" and not _balanced(tex):
            raise ValueError(f"The {field} of activation {name!r} has unbalanced braces: {tex!r}.")
    peak = entry.peak_slope
    if isinstance(peak, bool) or not isinstance(peak, int | float) or not 0 < peak < np.inf:
        raise ValueError(
            f"Activation {name!r}: peak_slope must be a positive number (got {peak!r})."
        )
    z = _PROBE_Z
    with np.errstate(all="ignore"):
        a = np.asarray(entry.g(z.copy()), dtype=np.float64)
        if a.shape != z.shape or not np.all(np.isfinite(a)):
            raise ValueError(
                f"Activation {name!r}: g(z) must return finite numbers of z's shape, elementwise."
            )
        slope = np.asarray(entry.g_prime(z.copy(), a.copy()), dtype=np.float64)
        if slope.shape != z.shape or not np.all(np.isfinite(slope)):
            raise ValueError(
                f"Activation {name!r}: g_prime(z, a) must return finite numbers of z's shape."
            )
        eps = 1e-6
        numeric = (np.asarray(entry.g(z + eps)) - np.asarray(entry.g(z - eps))) / (2 * eps)
    if not np.allclose(slope, numeric, rtol=1e-4, atol=1e-6):
        raise ValueError(
            f"Activation {name!r}: g_prime is not the slope of g (at z = 1.1 it gives "
            f"{slope[1, 1]:.6g}, but (g(z + ε) − g(z − ε))/2ε is {numeric[1, 1]:.6g})."
        )
    if np.max(slope) > peak * (1 + 1e-9):
        raise ValueError(
            f"Activation {name!r}: peak_slope {peak:g} must be the largest value g' takes, "
            f"but g' reaches {np.max(slope):.6g}."
        )
    if entry.value_range is not None:
        lo, hi = entry.value_range
        if np.any(a < lo) or np.any(a > hi):
            raise ValueError(f"Activation {name!r}: g leaves its value_range ({lo:g}, {hi:g}).")


def register_activation(entry: Activation) -> Activation:
    """Add a hidden activation to ``ACTIVATIONS``, so the engine, every page, link and run file
    offer it.

    Parameters
    ----------
    entry : Activation
        A new name (letters, digits, ``_``), a label, g and g' (checked against g by central
        differences at a few points), LaTeX and symbols (filled in when not given), a
        ``peak_slope`` that g' does not exceed and a ``value_range`` g stays in.

    Returns
    -------
    Activation
        The entry.

    Raises
    ------
    ValueError
        With a sentence saying which fact is missing or wrong, or that the name is taken.
    """
    _check_activation(entry)
    ACTIVATIONS[entry.name] = entry
    return entry


def unregister_activation(name: str) -> None:
    """Remove an activation added with :func:`register_activation` (ValueError for one of
    bp_core's own or a name that is not registered)."""
    if name in BUILTIN_ACTIVATIONS:
        raise ValueError(f"{name!r} is one of bp_core's own activations and stays.")
    if name not in ACTIVATIONS:
        raise ValueError(f"No activation named {name!r} is registered.")
    del ACTIVATIONS[name]
