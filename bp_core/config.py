"""The network's configuration: sizes, activations, output unit, loss and λ."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .activations import ACTIVATIONS, Activation
from .losses import LOSSES, OUTPUTS


def _names(registry: dict) -> str:
    return ", ".join(f"'{k}'" for k in registry)


@dataclass(frozen=True)
class NetConfig:
    """A fully connected network s_1 → s_2 → … → s_L.

    Parameters
    ----------
    layer_sizes : sequence of int
        (s_1, …, s_L): input size first, output size last; at least two layers, each ≥ 1.
    hidden_activation : str or sequence of str
        One name from ``ACTIVATIONS`` for every hidden layer, or one name per hidden layer
        (L − 2 names).
    output : str
        ``"sigmoid"``, ``"softmax"``, ``"linear"`` or ``"tanh"`` (see ``OUTPUTS``).
    loss : str
        ``"cross_entropy"`` or ``"mse"`` (see ``LOSSES``).
    lambda_ : float
        Regularization strength λ ≥ 0.

    Raises
    ------
    ValueError
        With a sentence saying what is wrong, for any invalid value or combination.
    """

    layer_sizes: tuple[int, ...] = (2, 4, 1)
    hidden_activation: str | tuple[str, ...] = "sigmoid"
    output: str = "sigmoid"
    loss: str = "cross_entropy"
    lambda_: float = 0.0

    def __post_init__(self) -> None:
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
        act = self.hidden_activation
        acts = (act,) * n_hidden if isinstance(act, str) else tuple(act)
        if len(acts) != n_hidden:
            raise ValueError(
                f"There are {n_hidden} hidden layers but {len(acts)} hidden activations were "
                "given: give one name for all hidden layers, or one per hidden layer."
            )
        for name in acts:
            if name not in ACTIVATIONS:
                raise ValueError(
                    f"Unknown activation {name!r}; choose one of {_names(ACTIVATIONS)}."
                )
        if not isinstance(act, str):
            object.__setattr__(self, "hidden_activation", acts)

        if self.output not in OUTPUTS:
            raise ValueError(
                f"Unknown output unit {self.output!r}; choose one of {_names(OUTPUTS)}."
            )
        if self.loss not in LOSSES:
            raise ValueError(f"Unknown loss {self.loss!r}; choose one of {_names(LOSSES)}.")
        if self.output not in LOSSES[self.loss].outputs:
            raise ValueError(
                f"Cross-entropy needs outputs that are probabilities between 0 and 1 "
                f"(sigmoid or softmax), but the output unit is {self.output!r}. "
                "Use squared error (mse) with a linear or tanh output."
            )
        if self.output == "softmax" and clean[-1] < 2:
            raise ValueError(
                "A softmax output needs at least 2 output units (one per class); "
                "with 1 unit it always outputs 1. Use a sigmoid output for two classes."
            )
        try:
            lam = float(self.lambda_)
        except (TypeError, ValueError):
            raise ValueError(f"λ must be a number (got {self.lambda_!r}).") from None
        if not math.isfinite(lam) or lam < 0:
            raise ValueError(f"λ (regularization) must be a finite number ≥ 0 (got {lam}).")
        object.__setattr__(self, "lambda_", lam)

    @cached_property
    def L(self) -> int:
        """Number of layers, input and output included."""
        return len(self.layer_sizes)

    @cached_property
    def hidden_activations(self) -> tuple[str, ...]:
        """One activation name per hidden layer: entry l − 2 is g for layer l (course index)."""
        act = self.hidden_activation
        return (act,) * (self.L - 2) if isinstance(act, str) else tuple(act)

    @cached_property
    def hidden_units(self) -> tuple[Activation, ...]:
        """The ``Activation`` (g and g') of every hidden layer, looked up once."""
        return tuple(ACTIVATIONS[name] for name in self.hidden_activations)

    @cached_property
    def layer_g(self) -> tuple[Callable[[np.ndarray], np.ndarray], ...]:
        """g for layers 2 … L: the hidden activations, then the output unit."""
        return (*(act.g for act in self.hidden_units), OUTPUTS[self.output].g)

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
