"""Update rules on the unrolled parameter vector θ = [Θ^(1)(:); Θ^(2)(:); …] (the course
unrolls the same way for fminunc), as pure functions of the old state.

Working on one vector makes every update a handful of whole-vector operations, however
many layers the network has.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray
State = dict[str, Array | int]


@dataclass(frozen=True)
class Optimizer:
    """An update rule.

    ``init(theta) -> state`` and ``update(theta, grad, state, hp) -> (new theta, new state)``
    with ``theta`` and ``grad`` of shape (n_weights,), never modifying their arguments.
    ``hp`` holds α and the rule's own constants.
    """

    name: str
    label: str
    init: Callable[[Array], State]
    update: Callable[[Array, Array, State, dict], tuple[Array, State]]
    formula: str
    #: The largest α worth offering with this rule, or None for no cap (Adam's steps are
    #: ≈ α per weight whatever the size of D, so α = 1 throws the weights around).
    max_alpha: float | None = None


def _no_state(theta: Array) -> State:
    return {}


def _gd(theta: Array, grad: Array, state: State, hp: dict) -> tuple[Array, State]:
    # Θ := Θ − α D
    return theta - hp["alpha"] * grad, state


def _momentum_init(theta: Array) -> State:
    return {"v": np.zeros_like(theta)}


def _momentum(theta: Array, grad: Array, state: State, hp: dict) -> tuple[Array, State]:
    # v := μ v − α D ;  Θ := Θ + v
    v = hp["momentum"] * state["v"] - hp["alpha"] * grad
    return theta + v, {"v": v}


def _adam_init(theta: Array) -> State:
    return {"m": np.zeros_like(theta), "v": np.zeros_like(theta), "t": 0}


def _adam(theta: Array, grad: Array, state: State, hp: dict) -> tuple[Array, State]:
    b1, b2 = hp["beta1"], hp["beta2"]
    t = state["t"] + 1
    # m := β1 m + (1 − β1) D ;  v := β2 v + (1 − β2) D² ;  Θ := Θ − α m̂ / (√v̂ + ε)
    m = b1 * state["m"] + (1 - b1) * grad
    v = b2 * state["v"] + (1 - b2) * (grad * grad)
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    return theta - hp["alpha"] * m_hat / (np.sqrt(v_hat) + hp["adam_eps"]), {"m": m, "v": v, "t": t}


OPTIMIZERS: dict[str, Optimizer] = {
    opt.name: opt
    for opt in (
        Optimizer("gd", "gradient descent", _no_state, _gd, r"\Theta := \Theta - \alpha D"),
        Optimizer(
            "momentum",
            "momentum",
            _momentum_init,
            _momentum,
            r"v := \mu v - \alpha D,\quad \Theta := \Theta + v",
        ),
        Optimizer(
            "adam",
            "Adam",
            _adam_init,
            _adam,
            r"\Theta := \Theta - \alpha\,\hat m / (\sqrt{\hat v} + \epsilon)",
            max_alpha=0.01,
        ),
    )
}
