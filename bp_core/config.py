"""The network's configuration: sizes, activations, output unit, loss, λ and the kind of
regularization (L2, the course's, or L1)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .activations import ACTIVATIONS, Activation
from .losses import LOSSES, OUTPUTS, Output


def _names(registry: dict) -> str:
    return ", ".join(f"'{k}'" for k in registry)


#: The course's hidden activation, used when none is given.
DEFAULT_ACTIVATION = "sigmoid"


@dataclass(frozen=True)
class Regularization:
    """A penalty on the weights, added to J with strength λ (the bias column is never
    penalized).  ``bp_core.network.regularization`` and ``bp_core.network.gradient`` compute
    it with this entry's ``cost`` and ``slope``; the entry also carries what the UI shows.

    Attributes
    ----------
    name, label : str
        Registry key and what the UI shows.
    J_term : str
        LaTeX of the term added to J.
    D_term : str
        LaTeX of the term it adds to D^(l)_{jk}, k ≥ 1.
    formula : str
        The term added to J in plain text, e.g. "λ/(2m) ΣΘ²".
    description : str
        One sentence for a student.
    cost : callable
        ``cost(weights, lambda_, m) -> float``: the term added to J, given the non-bias
        weights Θ^(l)_{jk}, k ≥ 1, of every layer (an iterable of arrays).
    slope : callable
        ``slope(W) -> array of W's shape``: the penalty's derivative per weight before the
        factor λ/m (Θ for L2, sign(Θ) for L1), so D^(l)_{jk} gets + (λ/m) slope(Θ^(l)_{jk}).
    """

    name: str
    label: str
    J_term: str
    D_term: str
    formula: str
    description: str
    cost: Callable[[Iterable[np.ndarray], float, int], float]
    slope: Callable[[np.ndarray], np.ndarray]
    #: The penalty of one ``torch.nn.Linear`` ``layer`` (its weights, not its bias) as a
    #: PyTorch expression, without the factor λ/m ("" when there is none).
    torch: str = ""


def _l2_cost(weights: Iterable[np.ndarray], lambda_: float, m: int) -> float:
    # λ/(2m) Σ_l Σ_{j,k≥1} (Θ^(l)_{jk})²
    return lambda_ / (2 * m) * sum(float(np.sum(W**2)) for W in weights)


def _l2_slope(W: np.ndarray) -> np.ndarray:
    # ∂/∂Θ ½Θ² = Θ
    return W


def _l1_cost(weights: Iterable[np.ndarray], lambda_: float, m: int) -> float:
    # (λ/m) Σ_l Σ_{j,k≥1} |Θ^(l)_{jk}|
    return lambda_ / m * sum(float(np.sum(np.abs(W))) for W in weights)


def _l1_slope(W: np.ndarray) -> np.ndarray:
    # ∂|Θ|/∂Θ = sign(Θ) (the subgradient 0 at exactly Θ = 0)
    return np.sign(W)


#: The regularizations ``NetConfig(regularization=...)`` accepts; "l2" is the course's.
REGULARIZATIONS: dict[str, Regularization] = {
    r.name: r
    for r in (
        Regularization(
            "l2",
            "L2 (weight decay, the course's)",
            r"\frac{\lambda}{2m}\sum_l\sum_{j,\,k\ge1}(\Theta^{(l)}_{jk})^2",
            r"\frac{\lambda}{m}\Theta^{(l)}_{jk}",
            "λ/(2m) ΣΘ²",
            "Large weights cost their square: every weight shrinks in proportion to its size.",
            _l2_cost,
            _l2_slope,
            torch="0.5 * (layer.weight ** 2).sum()",
        ),
        Regularization(
            "l1",
            "L1 (lasso)",
            r"\frac{\lambda}{m}\sum_l\sum_{j,\,k\ge1}|\Theta^{(l)}_{jk}|",
            r"\frac{\lambda}{m}\,\operatorname{sign}(\Theta^{(l)}_{jk})",
            "(λ/m) Σ|Θ|",
            "Every weight costs its size: each is pulled towards 0 by the same step λ/m "
            "whatever its size, so the weights the data do not need end up near 0.",
            _l1_cost,
            _l1_slope,
            torch="layer.weight.abs().sum()",
        ),
    )
}

#: The course's regularization, used when none is given.
DEFAULT_REGULARIZATION = "l2"


@dataclass(frozen=True, init=False)
class NetConfig:
    """A fully connected network s_1 → s_2 → … → s_L.

    Parameters
    ----------
    layer_sizes : sequence of int
        (s_1, …, s_L): input size first, output size last; at least two layers, each ≥ 1.
    activations : str or sequence of str
        The hidden layers' activations g: one name from ``ACTIVATIONS`` per hidden layer
        (L − 2 names, layer 2 first), or a single name for every hidden layer.  Default
        ``"sigmoid"``, the course's.  Stored as a tuple, so ``activations[l - 2]`` is the g of
        course layer l.  The old keyword ``hidden_activation=`` means the same.
    output : str
        ``"sigmoid"``, ``"softmax"``, ``"linear"`` or ``"tanh"`` (see ``OUTPUTS``).
    loss : str
        ``"cross_entropy"`` or ``"mse"`` (see ``LOSSES``).
    lambda_ : float
        Regularization strength λ ≥ 0.
    regularization : str
        ``"l2"`` (default, the course's: J gets + λ/(2m) ΣΘ²) or ``"l1"`` (J gets
        + (λ/m) Σ|Θ|); the bias column is excluded either way (see ``REGULARIZATIONS``).
    hidden_activation : str or sequence of str, optional
        Old name of ``activations`` (keyword only; the README's engine example uses it); give
        one of the two, not both.

    Raises
    ------
    ValueError
        With a sentence saying what is wrong, for any invalid value or combination.

    Notes
    -----
    ``activations`` is the one canonical name.  ``hidden_activation`` (the value as it was
    given, a name or a tuple) is its old name, kept because the README's engine example
    passes it; ``hidden_units`` (their ``Activation`` entries) and ``layer_g`` (g of layers
    2 … L) are derived from it.  ``unit(layer)`` gives the entry of any course layer.
    """

    layer_sizes: tuple[int, ...]
    activations: tuple[str, ...]
    output: str
    loss: str
    lambda_: float
    regularization: str

    def __init__(
        self,
        layer_sizes: Sequence[int] = (2, 4, 1),
        activations: str | Sequence[str] | None = None,
        output: str = "sigmoid",
        loss: str = "cross_entropy",
        lambda_: float = 0.0,
        regularization: str = DEFAULT_REGULARIZATION,
        *,
        hidden_activation: str | Sequence[str] | None = None,
    ) -> None:
        if activations is not None and hidden_activation is not None:
            raise ValueError(
                "Give the hidden activations once: either activations= or its old name "
                "hidden_activation=, not both."
            )
        given = activations if activations is not None else hidden_activation
        given = DEFAULT_ACTIVATION if given is None else given
        set_ = object.__setattr__
        set_(self, "layer_sizes", layer_sizes)
        set_(self, "_given_activation", given)
        set_(self, "output", output)
        set_(self, "loss", loss)
        set_(self, "lambda_", lambda_)
        set_(self, "regularization", regularization)
        self._validate(given)

    def _validate(self, given) -> None:
        sizes = self.layer_sizes
        if isinstance(sizes, str | bytes) or not isinstance(sizes, Sequence):
            raise ValueError("layer_sizes must be a list of layer sizes, such as (2, 4, 1).")
        if len(sizes) < 2:
            raise ValueError(
                "A network needs at least an input layer and an output layer "
                f"(got {len(sizes)} layer size)."
            )
        clean = []
        for i, s in enumerate(sizes, start=1):
            if isinstance(s, bool) or not float(s).is_integer():
                raise ValueError(f"Layer {i} must have a whole number of units (got {s!r}).")
            if int(s) < 1:
                raise ValueError(f"Layer {i} must have at least 1 unit (got {int(s)}).")
            clean.append(int(s))
        object.__setattr__(self, "layer_sizes", tuple(clean))

        n_hidden = len(clean) - 2
        if isinstance(given, str):
            acts = (given,) * n_hidden
        elif isinstance(given, bytes) or not isinstance(given, Sequence):
            raise ValueError(
                f"The hidden activations must be a name such as 'sigmoid' or a list of names "
                f"(got {given!r})."
            )
        else:
            acts = tuple(given)
        if len(acts) != n_hidden:
            layers = "1 hidden layer" if n_hidden == 1 else f"{n_hidden} hidden layers"
            names = "1 activation" if len(acts) == 1 else f"{len(acts)} activations"
            raise ValueError(
                f"The network has {layers}, but {names} {'was' if len(acts) == 1 else 'were'} "
                "given: give one name for all hidden layers, or one per hidden layer."
            )
        for name in acts:
            if not isinstance(name, str) or name not in ACTIVATIONS:
                raise ValueError(
                    f"Unknown activation {name!r}; choose one of {_names(ACTIVATIONS)}."
                )
        object.__setattr__(self, "activations", acts)
        if not isinstance(given, str):
            object.__setattr__(self, "_given_activation", acts)

        if self.output not in OUTPUTS:
            raise ValueError(
                f"Unknown output unit {self.output!r}; choose one of {_names(OUTPUTS)}."
            )
        if self.loss not in LOSSES:
            raise ValueError(f"Unknown loss {self.loss!r}; choose one of {_names(LOSSES)}.")
        if self.output not in LOSSES[self.loss].outputs:
            raise ValueError(LOSSES[self.loss].output_error(self.output))
        out = OUTPUTS[self.output]
        if clean[-1] < out.min_units:
            raise ValueError(
                f"A {out.short} output needs at least {out.min_units} output units (one per "
                f"class), but the output layer has {clean[-1]}. Use a sigmoid output for two "
                "classes."
            )
        try:
            lam = float(self.lambda_)
        except (TypeError, ValueError):
            raise ValueError(f"λ must be a number (got {self.lambda_!r}).") from None
        if not math.isfinite(lam) or lam < 0:
            raise ValueError(f"λ (regularization) must be a finite number ≥ 0 (got {lam}).")
        object.__setattr__(self, "lambda_", lam)
        reg = self.regularization
        if not isinstance(reg, str) or reg not in REGULARIZATIONS:
            choices = " or ".join(f"'{k}' (J + {r.formula})" for k, r in REGULARIZATIONS.items())
            raise ValueError(f"Unknown regularization {reg!r}; choose {choices}.")

    # ----------------------------------------------------------------------------------
    # The old name of ``activations``, kept working (read-only)
    # ----------------------------------------------------------------------------------

    # Kept because the README's engine example passes ``hidden_activation="sigmoid"`` and the
    # README's public names are a contract (an alias is allowed where the README lists the old
    # name); the other old alias, ``hidden_activations``, is gone: use ``activations``.
    @property
    def hidden_activation(self) -> str | tuple[str, ...]:
        """Old name of ``activations``: the value as given (one name, or one per layer)."""
        return self._given_activation

    @cached_property
    def hidden_units(self) -> tuple[Activation, ...]:
        """The ``Activation`` (g and g') of every hidden layer, looked up once; entry l − 2 is
        course layer l's.  (Derived from ``activations``.)"""
        return tuple(ACTIVATIONS[name] for name in self.activations)

    @cached_property
    def layer_g(self) -> tuple[Callable[[np.ndarray], np.ndarray], ...]:
        """g for layers 2 … L: the hidden activations, then the output unit.  (Derived from
        ``activations`` and ``output``; ``layer_g[l - 2]`` is g of course layer l.)"""
        return (*(act.g for act in self.hidden_units), OUTPUTS[self.output].g)

    @cached_property
    def units(self) -> tuple[Activation | Output | None, ...]:
        """The registry entry of every layer, by the index rule: ``units[l - 1]`` is course
        layer l's — None for the input layer, an ``Activation`` for a hidden layer, the
        ``Output`` for layer L."""
        return (None, *self.hidden_units, OUTPUTS[self.output])

    def unit(self, layer: int) -> Activation | Output:
        """The ``Activation`` (hidden layer) or ``Output`` (layer L) of course layer 2 … L."""
        if isinstance(layer, bool) or not isinstance(layer, int | np.integer):
            raise ValueError(f"A layer is a whole number 2 … {self.L} (got {layer!r}).")
        if not 2 <= layer <= self.L:
            raise ValueError(
                f"Layer {layer} has no activation: the layers with one are 2 … {self.L} "
                "(layer 1 is the input)."
            )
        return self.units[layer - 1]

    @cached_property
    def L(self) -> int:
        """Number of layers, input and output included."""
        return len(self.layer_sizes)

    @cached_property
    def theta_shapes(self) -> tuple[tuple[int, int], ...]:
        """Shape (s_{l+1}, s_l + 1) of every Θ^(l), bias column included."""
        s = self.layer_sizes
        return tuple((s[l + 1], s[l] + 1) for l in range(self.L - 1))

    @cached_property
    def n_weights(self) -> int:
        """Total number of entries of all Θ, biases included."""
        return sum(r * c for r, c in self.theta_shapes)

    @cached_property
    def theta_offsets(self) -> tuple[int, ...]:
        """Where each Θ^(l) starts in the unrolled parameter vector (and, last, its length)."""
        ends = [0]
        for r, c in self.theta_shapes:
            ends.append(ends[-1] + r * c)
        return tuple(ends)
