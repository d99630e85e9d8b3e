"""Toy registry entries, added the way a third party would add its own: through bp_core's
public ``register_*`` functions, never by writing into a registry dict.

* :func:`register_toy_optimizer` — RMSprop (``"toy_rmsprop"``): v := β₂ v + (1 − β₂) D²,
  Θ := Θ − α D / (√v + ε), reading β₂ and ε from the ``TrainSettings`` it is given.
* :func:`register_toy_dataset` — ``"toy_ring"``: two classes on the plane, class 1 beyond
  radius 3 (a generator of its own, noise moving the points).
* :func:`register_toy_activation` — softsign (``"toy_softsign"``): g(z) = z / (1 + |z|),
  g'(z) = 1 / (1 + |z|)² = (1 − |a|)², range (−1, 1), short symbol "ssgn".
* :func:`register_all` — all three; the hook ``lab_ui.plugins`` calls for a server started
  with ``BACKPROP_LAB_PLUGINS=tests.toy_entries``.

Each ``register_*`` is idempotent (a second call returns the entry already registered) and
has an ``unregister_*``; the fixtures ``toy_optimizer`` and ``toy_dataset`` register for one
test and unregister after it, so registry counts in other tests never see them.  Import the
fixtures into a test module to use them (``from tests.toy_entries import toy_dataset``).
"""

from __future__ import annotations

import numpy as np
import pytest

import bp_core as bp

TOY_OPTIMIZER = "toy_rmsprop"
TOY_DATASET = "toy_ring"

# ---------------------------------------------------------------------------------------------
# A toy optimizer: RMSprop
# ---------------------------------------------------------------------------------------------


def _rmsprop_init(theta: np.ndarray) -> dict:
    return {"r": np.zeros_like(theta)}  # (n_weights,) running mean of D²


def _rmsprop(theta: np.ndarray, grad: np.ndarray, state: dict, settings) -> tuple:
    b2 = settings.beta2
    # r := β₂ r + (1 − β₂) D² ;  Θ := Θ − α D / (√r + ε)
    r = b2 * state["r"] + (1 - b2) * (grad * grad)  # (n_weights,)
    return theta - settings.alpha * grad / (np.sqrt(r) + settings.adam_eps), {"r": r}


def register_toy_optimizer() -> bp.Optimizer:
    """Register RMSprop as ``"toy_rmsprop"`` (once; later calls return the same entry)."""
    if TOY_OPTIMIZER in bp.OPTIMIZERS:
        return bp.OPTIMIZERS[TOY_OPTIMIZER]
    entry = bp.Optimizer(
        name=TOY_OPTIMIZER,
        label="RMSprop (toy)",
        init=_rmsprop_init,
        update=_rmsprop,
        formula=(
            r"r := \beta_2 r + (1-\beta_2) D^2,\quad "
            r"\Theta := \Theta - \alpha D / (\sqrt{r} + \epsilon)"
        ),
        max_alpha=0.03,
        constants=("beta2", "adam_eps"),
    )
    bp.register_optimizer(entry)
    return entry


def unregister_toy_optimizer() -> None:
    """Remove ``"toy_rmsprop"`` again (nothing happens when it is not registered)."""
    if TOY_OPTIMIZER in bp.OPTIMIZERS:
        bp.unregister_optimizer(TOY_OPTIMIZER)


# ---------------------------------------------------------------------------------------------
# A toy data set: a disc inside a ring, by a generator of its own
# ---------------------------------------------------------------------------------------------


def _toy_ring(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n points uniform in [−5, 5]², label 1 beyond radius 3; noise moves the points."""
    X = rng.uniform(-5.0, 5.0, (n, 2))  # (n, 2)
    y = (np.hypot(X[:, 0], X[:, 1]) > 3.0).astype(np.int64)  # (n,)
    return X + rng.normal(0.0, 1.0, (n, 2)) * noise, y


def register_toy_dataset() -> bp.DatasetInfo:
    """Register ``"toy_ring"`` (once; later calls return the same entry)."""
    if TOY_DATASET in bp.DATASET_INFO:
        return bp.DATASET_INFO[TOY_DATASET]
    entry = bp.DatasetInfo(
        name=TOY_DATASET,
        label="Toy ring",
        task="classification",
        n_classes=2,
        generator=_toy_ring,
        description="Points of the plane, class 1 outside a circle of radius 3.",
        noise="the points are moved randomly",
    )
    bp.register_dataset(entry)
    return entry


def unregister_toy_dataset() -> None:
    """Remove ``"toy_ring"`` again (nothing happens when it is not registered)."""
    if TOY_DATASET in bp.DATASET_INFO:
        bp.unregister_dataset(TOY_DATASET)


# ---------------------------------------------------------------------------------------------
# Fixtures: registered for one test
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def toy_optimizer():
    """``"toy_rmsprop"`` registered for one test."""
    was = TOY_OPTIMIZER in bp.OPTIMIZERS
    entry = register_toy_optimizer()
    try:
        yield entry
    finally:
        if not was:
            unregister_toy_optimizer()


@pytest.fixture
def toy_dataset():
    """``"toy_ring"`` registered for one test."""
    was = TOY_DATASET in bp.DATASET_INFO
    entry = register_toy_dataset()
    try:
        yield entry
    finally:
        if not was:
            unregister_toy_dataset()


# ---------------------------------------------------------------------------------------------
# A toy activation: softsign
# ---------------------------------------------------------------------------------------------

TOY_ACTIVATION = "toy_softsign"
#: Its short symbol (what the select boxes and the live view's diagram show).
TOY_ACTIVATION_SHORT = "ssgn"


def _softsign(z: np.ndarray) -> np.ndarray:
    """g(z) = z / (1 + |z|), elementwise."""
    return z / (1.0 + np.abs(z))


def _softsign_prime(z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """g'(z) = 1 / (1 + |z|)² = (1 − |a|)², since 1 − |a| = 1 / (1 + |z|)."""
    return (1.0 - np.abs(a)) ** 2


def register_toy_activation() -> bp.Activation:
    """Register softsign as ``"toy_softsign"`` (once; later calls return the same entry)."""
    if TOY_ACTIVATION in bp.ACTIVATIONS:
        return bp.ACTIVATIONS[TOY_ACTIVATION]
    entry = bp.Activation(
        name=TOY_ACTIVATION,
        label="softsign (toy)",
        g=_softsign,
        g_prime=_softsign_prime,
        peak_slope=1.0,  # g'(0) = 1
        latex=r"\mathrm{ssgn}(z) = \frac{z}{1+|z|}",
        latex_prime=r"\mathrm{ssgn}'(z) = \frac{1}{(1+|z|)^2} = (1-|a|)^2",
        value_range=(-1.0, 1.0),
        symbol=r"\mathrm{ssgn}",
        short=TOY_ACTIVATION_SHORT,
    )
    bp.register_activation(entry)
    return entry


def unregister_toy_activation() -> None:
    """Remove ``"toy_softsign"`` again (nothing happens when it is not registered)."""
    if TOY_ACTIVATION in bp.ACTIVATIONS:
        bp.unregister_activation(TOY_ACTIVATION)


@pytest.fixture
def toy_activation():
    """``"toy_softsign"`` registered for one test."""
    was = TOY_ACTIVATION in bp.ACTIVATIONS
    entry = register_toy_activation()
    try:
        yield entry
    finally:
        if not was:
            unregister_toy_activation()


# ---------------------------------------------------------------------------------------------
# All three: the plugin hook (BACKPROP_LAB_PLUGINS=tests.toy_entries) and a fixture
# ---------------------------------------------------------------------------------------------


def register_all() -> None:
    """Register the toy activation, optimizer and data set (each once).

    ``lab_ui.plugins`` calls this when the server is started with
    ``BACKPROP_LAB_PLUGINS=tests.toy_entries``; importing this module alone registers nothing,
    so the test process's registries stay as bp_core made them.
    """
    register_toy_activation()
    register_toy_optimizer()
    register_toy_dataset()


def unregister_all() -> None:
    """Remove the three toy entries again."""
    unregister_toy_activation()
    unregister_toy_optimizer()
    unregister_toy_dataset()


@pytest.fixture
def toy_entries():
    """The toy activation, optimizer and data set registered for one test (and only those
    registered by it are removed after it)."""
    was = {
        "activation": TOY_ACTIVATION in bp.ACTIVATIONS,
        "optimizer": TOY_OPTIMIZER in bp.OPTIMIZERS,
        "dataset": TOY_DATASET in bp.DATASET_INFO,
    }
    register_all()
    try:
        yield
    finally:
        if not was["activation"]:
            unregister_toy_activation()
        if not was["optimizer"]:
            unregister_toy_optimizer()
        if not was["dataset"]:
            unregister_toy_dataset()
