"""Output units and losses.  The loss owns its output error δ^(L).

Output units (``OUTPUTS``) map z^(L) to the hypothesis h = a^(L).  Each also gives the
vector–Jacobian product ``vjp(z, a, v) = (∂a/∂z)ᵀ v`` per example, which is v .* g'(z) for an
elementwise unit and a .* (v − Σ_k v_k a_k) for softmax.

Losses (``LOSSES``) return the per-example cost and δ^(L) = ∂J_i/∂z^(L):

* cross-entropy with a sigmoid or softmax output: δ^(L) = a^(L) − y (the course's result);
* squared error: δ^(L) = (∂a/∂z)ᵀ (a^(L) − y), i.e. (ŷ − y) .* g'(z^(L)) for an elementwise
  output, which shrinks when the output saturates.

Numerical safety: cross-entropy is computed from z^(L) in log-sum-exp form, never from
log(h), so log(0) cannot occur: for a sigmoid unit −y log σ(z) − (1−y) log(1−σ(z)) =
log(1 + e^z) − y z, and for softmax −Σ_k y_k log softmax(z)_k = Σ_k y_k (logsumexp(z) − z_k).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .activations import sigmoid

Array = np.ndarray


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
    """

    name: str
    label: str
    g: Callable[[Array], Array]
    vjp: Callable[[Array, Array, Array], Array]
    target_low: float = 0.0
    target_high: float = 1.0


def softmax(z: Array) -> Array:
    """Row-wise softmax of z (m, K); subtracts the row maximum so exp never overflows."""
    e = np.exp(z - z.max(axis=1, keepdims=True))  # (m, K)
    return e / e.sum(axis=1, keepdims=True)  # (m, K)


def _softmax_vjp(z: Array, a: Array, v: Array) -> Array:
    # (∂a/∂z)ᵀ v with ∂a_k/∂z_j = a_k (1[k=j] − a_j)  →  a .* (v − Σ_k v_k a_k)
    return a * (v - (v * a).sum(axis=1, keepdims=True))  # (m, K)


OUTPUTS: dict[str, Output] = {
    out.name: out
    for out in (
        Output(
            "sigmoid",
            "sigmoid (one probability per output unit)",
            sigmoid,
            lambda z, a, v: v * a * (1.0 - a),
        ),
        Output("softmax", "softmax (probabilities over classes)", softmax, _softmax_vjp),
        Output(
            "linear",
            "linear (regression)",
            lambda z: np.array(z, dtype=np.float64),
            lambda z, a, v: np.array(v, dtype=np.float64),
        ),
        Output(
            "tanh",
            "tanh (targets −1 / +1)",
            np.tanh,
            lambda z, a, v: v * (1.0 - a * a),
            target_low=-1.0,
        ),
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
    """

    name: str
    label: str
    outputs: tuple[str, ...]
    example_cost: Callable[[Output, Array, Array, Array], Array]
    delta: Callable[[Output, Array, Array, Array], Array]
    formula: str


def _cross_entropy_cost(output: Output, z: Array, a: Array, Y: Array) -> Array:
    if output.name == "softmax":
        # −Σ_k y_k log softmax(z)_k = Σ_k y_k (logsumexp(z) − z_k)
        z_max = z.max(axis=1, keepdims=True)  # (m, 1)
        lse = z_max + np.log(np.exp(z - z_max).sum(axis=1, keepdims=True))  # (m, 1)
        return (Y * (lse - z)).sum(axis=1)  # (m,)
    # −y log σ(z) − (1 − y) log(1 − σ(z)) = log(1 + e^z) − y z, summed over the K units
    return (np.logaddexp(0.0, z) - Y * z).sum(axis=1)  # (m,)


def _cross_entropy_delta(output: Output, z: Array, a: Array, Y: Array) -> Array:
    # δ^(L) = a^(L) − y   (sigmoid or softmax output with cross-entropy)
    return a - Y  # (m, s_L)


def _mse_cost(output: Output, z: Array, a: Array, Y: Array) -> Array:
    # ½ Σ_k (h_k − y_k)²; averaged over m this is J = 1/(2m) Σ_i Σ_k (ŷ − y)²
    r = a - Y  # (m, s_L)
    return 0.5 * (r * r).sum(axis=1)  # (m,)


def _mse_delta(output: Output, z: Array, a: Array, Y: Array) -> Array:
    # δ^(L) = (∂a/∂z)ᵀ (ŷ − y); for an elementwise output (ŷ − y) .* g'(z^(L))
    return output.vjp(z, a, a - Y)  # (m, s_L)


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
        ),
        Loss(
            "mse",
            "squared error",
            ("sigmoid", "softmax", "linear", "tanh"),
            _mse_cost,
            _mse_delta,
            r"J(\Theta) = \frac{1}{2m}\sum_{i=1}^{m}\sum_{k=1}^{K}\left(h_k - y_k^{(i)}\right)^2",
        ),
    )
}
