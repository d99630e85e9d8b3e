"""Initial weights Θ^(l) of shape (s_{l+1}, s_l + 1), bias in column 0."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .config import NetConfig

Array = np.ndarray


@dataclass(frozen=True)
class Initializer:
    """A way to draw one Θ given fan-in L_in = s_l and fan-out L_out = s_{l+1}.

    Attributes
    ----------
    name, label : str
        Registry key and what the UI shows.
    draw : callable
        ``draw(L_in, L_out, rng) -> Theta`` of shape (L_out, L_in + 1).
    description : str
        One sentence for a student.
    for_training : bool
        False for a fixed pattern meant for checking gradients (the course's
        debugInitializeWeights), which the Playground does not offer for training.
    """

    name: str
    label: str
    draw: Callable[[int, int, np.random.Generator], Array]
    description: str
    for_training: bool = True


def _uniform(eps: float, L_in: int, L_out: int, rng: np.random.Generator) -> Array:
    return rng.uniform(-eps, eps, size=(L_out, L_in + 1))  # (s_{l+1}, s_l + 1)


def _ng_uniform(L_in: int, L_out: int, rng: np.random.Generator) -> Array:
    # ex4's randInitializeWeights: Θ ~ U(−ε, ε) with ε_init = 0.12
    return _uniform(0.12, L_in, L_out, rng)


def _ng_sqrt6(L_in: int, L_out: int, rng: np.random.Generator) -> Array:
    # ε_init = √6 / √(L_in + L_out)
    return _uniform(np.sqrt(6.0) / np.sqrt(L_in + L_out), L_in, L_out, rng)


def _with_zero_bias(W: Array) -> Array:
    return np.hstack([np.zeros((W.shape[0], 1)), W])  # (s_{l+1}, s_l + 1)


def _xavier(L_in: int, L_out: int, rng: np.random.Generator) -> Array:
    # Glorot & Bengio (2010), normal form: Var(w) = 2 / (L_in + L_out), biases 0
    return _with_zero_bias(rng.normal(0.0, np.sqrt(2.0 / (L_in + L_out)), size=(L_out, L_in)))


def _he(L_in: int, L_out: int, rng: np.random.Generator) -> Array:
    # He et al. (2015): Var(w) = 2 / L_in, biases 0 (meant for ReLU layers)
    return _with_zero_bias(rng.normal(0.0, np.sqrt(2.0 / L_in), size=(L_out, L_in)))


def _zeros(L_in: int, L_out: int, rng: np.random.Generator) -> Array:
    return np.zeros((L_out, L_in + 1))


def debug_weights(L_in: int, L_out: int) -> Array:
    """The course's debugInitializeWeights: sin(1), sin(2), … / 10 filled column by column.

    Octave's ``reshape(sin(1:numel(W)), size(W)) / 10`` fills columns first, hence ``order="F"``.

    Returns
    -------
    ndarray of shape (L_out, L_in + 1)
    """
    n = L_out * (L_in + 1)
    return np.sin(np.arange(1, n + 1)).reshape((L_out, L_in + 1), order="F") / 10.0


INITIALIZERS: dict[str, Initializer] = {
    init.name: init
    for init in (
        Initializer(
            "ng_uniform",
            "uniform ±0.12 (course)",
            _ng_uniform,
            "Θ ~ U(−ε, ε) with ε = 0.12, as in ex4's randInitializeWeights.",
        ),
        Initializer(
            "ng_sqrt6",
            "uniform ±√6/√(L_in+L_out)",
            _ng_sqrt6,
            "Θ ~ U(−ε, ε) with ε = √6/√(L_in + L_out), the course's rule of thumb.",
        ),
        Initializer(
            "xavier", "Xavier / Glorot", _xavier, "Weights ~ N(0, 2/(L_in + L_out)), biases 0."
        ),
        Initializer("he", "He", _he, "Weights ~ N(0, 2/L_in), biases 0; suits ReLU."),
        Initializer(
            "zeros",
            "all zeros (symmetry problem)",
            _zeros,
            "Every Θ = 0: all hidden units compute the same thing and stay identical.",
        ),
        Initializer(
            "debug",
            "debug (sin, deterministic)",
            lambda i, o, rng: debug_weights(i, o),
            "The course's debugInitializeWeights: sin(1), sin(2), … / 10.",
            for_training=False,
        ),
    )
}


def init_weights(
    cfg: NetConfig, rng: np.random.Generator, method: str = "ng_uniform"
) -> list[Array]:
    """Draw Θ^(1), …, Θ^(L−1).

    Parameters
    ----------
    cfg : NetConfig
    rng : numpy.random.Generator
        The only source of randomness (unused by ``"zeros"`` and ``"debug"``).
    method : str
        A key of ``INITIALIZERS``.

    Returns
    -------
    list of ndarray
        ``Theta[l - 1]`` is Θ^(l), of shape (s_{l+1}, s_l + 1) (the index rule of
        ``bp_core.network``).
    """
    if method not in INITIALIZERS:
        names = ", ".join(f"'{k}'" for k in INITIALIZERS)
        raise ValueError(f"Unknown initialization {method!r}; choose one of {names}.")
    draw = INITIALIZERS[method].draw
    s = cfg.layer_sizes  # s[l - 1] is s_l
    # Θ^(l) maps layer l (L_in = s_l) to layer l + 1 (L_out = s_{l+1})
    return [draw(s[l - 1], s[l], rng).astype(np.float64) for l in range(1, cfg.L)]
