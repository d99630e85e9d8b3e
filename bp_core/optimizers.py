"""Update rules on the unrolled parameter vector θ = [Θ^(1)(:); Θ^(2)(:); …] (the course
unrolls the same way for fminunc), as pure functions of the old state.

Working on one vector makes every update a handful of whole-vector operations, however
many layers the network has.  An update rule reads α and its own constants from the one
``TrainSettings`` record it is given (``bp_core.training``), never from a dict rebuilt for it.

A new rule is one :class:`Optimizer` entry given to :func:`register_optimizer`; the
Playground's optimizer list, α cap and run files read ``OPTIMIZERS`` when they are used.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # training imports this module: the type only, for the hints
    from .training import TrainSettings

Array = np.ndarray
State = dict[str, Array | int]


@dataclass(frozen=True)
class Optimizer:
    """An update rule and what the UI needs to know about it.

    Attributes
    ----------
    name, label : str
        Registry key (letters, digits, ``_``) and the name a student sees.
    init : callable
        ``init(theta) -> state``: the rule's memory before the first step; each entry a vector
        of shape (n_weights,) or a whole-number count.
    update : callable
        ``update(theta, grad, state, settings) -> (new theta, new state)`` with ``theta`` and
        ``grad`` of shape (n_weights,) and ``settings`` the ``TrainSettings`` (α is
        ``settings.alpha``); never modifies its arguments.
    formula : str
        LaTeX of the update.
    max_alpha : float or None
        The largest α worth offering with this rule (the Playground lowers α to it when the
        rule is chosen), or None for no cap (Adam's steps are ≈ α per weight whatever the
        size of D, so α = 1 throws the weights around).
    constants : tuple of str
        The ``TrainSettings`` fields the rule reads besides α (``("momentum",)``).
    """

    name: str
    label: str
    init: Callable[[Array], State]
    update: Callable[[Array, Array, State, TrainSettings], tuple[Array, State]]
    formula: str
    max_alpha: float | None = None
    constants: tuple[str, ...] = ()
    #: The same rule from ``torch.optim``, as a template over ``params`` and the
    #: ``TrainSettings`` fields (``{alpha!r}``, …) that the PyTorch export fills in; "" when
    #: torch has no equal rule (that export then says so).
    torch: str = ""

    def __post_init__(self) -> None:
        if (
            not isinstance(self.name, str)
            or not self.name.isidentifier()
            or not self.name.isascii()
        ):
            raise ValueError(
                "An optimizer's name must be a word of letters, digits and _ (it goes into "
                f"links and files); got {self.name!r}."
            )
        for what in ("label", "formula"):
            if not isinstance(getattr(self, what), str) or not getattr(self, what).strip():
                raise ValueError(f"Optimizer {self.name!r} needs a {what} (a non-empty text).")
        for what in ("init", "update"):
            if not callable(getattr(self, what)):
                raise ValueError(f"Optimizer {self.name!r} needs an {what} function.")
        cap = self.max_alpha
        if cap is not None and (
            isinstance(cap, bool)
            or not isinstance(cap, int | float)
            or not math.isfinite(cap)
            or cap <= 0
        ):
            raise ValueError(
                f"Optimizer {self.name!r}: max_alpha must be a positive number or None "
                f"(got {cap!r})."
            )
        object.__setattr__(self, "constants", tuple(self.constants))

    @property
    def memory_vectors(self) -> int:
        """How many numbers per weight the rule keeps between steps (0 for gradient descent,
        1 for momentum's v, 2 for Adam's m and v), read from its own ``init``."""
        return sum(isinstance(v, np.ndarray) for v in self.init(np.zeros(1)).values())


def _no_state(theta: Array) -> State:
    return {}


def _gd(theta: Array, grad: Array, state: State, settings: TrainSettings) -> tuple[Array, State]:
    # Θ := Θ − α D
    return theta - settings.alpha * grad, state


def _momentum_init(theta: Array) -> State:
    return {"v": np.zeros_like(theta)}


def _momentum(
    theta: Array, grad: Array, state: State, settings: TrainSettings
) -> tuple[Array, State]:
    # v := μ v − α D ;  Θ := Θ + v
    v = settings.momentum * state["v"] - settings.alpha * grad  # (n_weights,)
    return theta + v, {"v": v}


def _adam_init(theta: Array) -> State:
    return {"m": np.zeros_like(theta), "v": np.zeros_like(theta), "t": 0}


def _adam(theta: Array, grad: Array, state: State, settings: TrainSettings) -> tuple[Array, State]:
    b1, b2 = settings.beta1, settings.beta2
    t = state["t"] + 1
    # m := β1 m + (1 − β1) D ;  v := β2 v + (1 − β2) D² ;  Θ := Θ − α m̂ / (√v̂ + ε)
    m = b1 * state["m"] + (1 - b1) * grad  # (n_weights,)
    v = b2 * state["v"] + (1 - b2) * (grad * grad)  # (n_weights,)
    m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
    step = settings.alpha * m_hat / (np.sqrt(v_hat) + settings.adam_eps)
    return theta - step, {"m": m, "v": v, "t": t}


#: Every update rule by name; add one with :func:`register_optimizer`.
OPTIMIZERS: dict[str, Optimizer] = {
    opt.name: opt
    for opt in (
        Optimizer(
            "gd",
            "gradient descent",
            _no_state,
            _gd,
            r"\Theta := \Theta - \alpha D",
            torch="torch.optim.SGD(params, lr={alpha!r})",
        ),
        Optimizer(
            "momentum",
            "momentum",
            _momentum_init,
            _momentum,
            r"v := \mu v - \alpha D,\quad \Theta := \Theta + v",
            constants=("momentum",),
            # torch keeps b := μ b + D and steps −α b: the same as v = −α b here
            torch="torch.optim.SGD(params, lr={alpha!r}, momentum={momentum!r})",
        ),
        Optimizer(
            "adam",
            "Adam",
            _adam_init,
            _adam,
            r"\Theta := \Theta - \alpha\,\hat m / (\sqrt{\hat v} + \epsilon)",
            max_alpha=0.01,
            constants=("beta1", "beta2", "adam_eps"),
            torch="torch.optim.Adam(params, lr={alpha!r}, betas=({beta1!r}, {beta2!r}), "
            "eps={adam_eps!r})",
        ),
    )
}

#: The rules bp_core ships with; :func:`unregister_optimizer` keeps them.
BUILTIN_OPTIMIZERS: tuple[str, ...] = tuple(OPTIMIZERS)


def register_optimizer(entry: Optimizer) -> Optimizer:
    """Add an update rule to ``OPTIMIZERS``, so every page, link and run file offers it.

    Parameters
    ----------
    entry : Optimizer
        Its name must be new; ``constants`` must name ``TrainSettings`` fields, and
        ``init`` must give a state of vectors (n_weights,) and whole-number counts.

    Returns
    -------
    Optimizer
        The entry.

    Raises
    ------
    ValueError
        For something that is not an ``Optimizer``, a name already taken, an unknown
        constant or a state ``init`` does not make as described.
    """
    from .training import TrainSettings  # here: training imports this module

    if not isinstance(entry, Optimizer):
        raise ValueError(
            f"register_optimizer takes a bp_core.Optimizer entry, not {type(entry).__name__}."
        )
    if entry.name in OPTIMIZERS:
        raise ValueError(f"An optimizer named {entry.name!r} is registered already.")
    known = {f.name for f in fields(TrainSettings)} - {"alpha"}
    unknown = [c for c in entry.constants if c not in known]
    if unknown:
        raise ValueError(
            f"Optimizer {entry.name!r} reads constants TrainSettings does not have: "
            f"{', '.join(unknown)} (it has {', '.join(sorted(known))})."
        )
    state = entry.init(np.zeros(3))
    if not isinstance(state, dict) or not all(
        isinstance(k, str)
        and (
            isinstance(v, int | np.integer)
            and not isinstance(v, bool)
            or isinstance(v, np.ndarray)
            and v.shape == (3,)
        )
        for k, v in state.items()
    ):
        raise ValueError(
            f"Optimizer {entry.name!r}: init(theta) must return a dict of vectors shaped "
            "like theta and whole-number counts."
        )
    OPTIMIZERS[entry.name] = entry
    return entry


def unregister_optimizer(name: str) -> None:
    """Remove a rule added with :func:`register_optimizer` (ValueError for a built-in one or
    a name that is not registered)."""
    if name in BUILTIN_OPTIMIZERS:
        raise ValueError(f"{name!r} is one of bp_core's own optimizers and stays.")
    if name not in OPTIMIZERS:
        raise ValueError(f"No optimizer named {name!r} is registered.")
    del OPTIMIZERS[name]


__all__ = [
    "BUILTIN_OPTIMIZERS",
    "OPTIMIZERS",
    "Optimizer",
    "register_optimizer",
    "unregister_optimizer",
]
