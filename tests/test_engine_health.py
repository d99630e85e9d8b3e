"""Gradient health in words (bp_core.health), on small hand-made situations.

Each kind of finding is provoked on purpose — a network whose weights are set by hand, or a
history written by hand — and its absence is checked on a healthy one, so no test here
passes by finding nothing.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

import bp_core as bp
from bp_core import datasets as ds
from bp_core import health
from bp_core.training import Divergence, Trainer, TrainSettings


def _trainer(cfg, Theta, data=None, alpha=0.1, seed=0):
    if data is None:
        data = ds.make_dataset("circle", n=80, rng=np.random.default_rng(seed), standardize=True)
    return Trainer(cfg, Theta, data, TrainSettings(alpha=alpha), np.random.default_rng(seed))


def _kinds(findings):
    return [(f.kind, f.layer) for f in findings]


# --------------------------------------------------------------------------------------
# Vanishing
# --------------------------------------------------------------------------------------


def test_vanishing_from_numbers():
    # ‖D^(1)‖ = 1e-5 and ‖D^(2)‖ = 1e-3 against ‖D^(3)‖ = 0.5: ratios 50,000 and 500
    found = health.find_vanishing([1e-5, 1e-3, 0.5])
    assert _kinds(found) == [("vanishing", 1), ("vanishing", 2)]
    assert found[0].numbers == {"norm": 1e-5, "last_norm": 0.5, "ratio": pytest.approx(5e4)}
    assert "‖D^(1)‖" in found[0].message and "‖D^(3)‖" in found[0].message
    assert "50,000 times smaller" in found[0].message


@pytest.mark.parametrize(
    "norms, layers",
    [
        ([0.01, 1.0], [1]),  # exactly 100 times: reported
        ([0.0101, 1.0], []),  # 99 times: not
        ([0.1, 0.5], []),
        ([0.0, 1.0], [1]),  # no gradient at all reaches layer 1
        ([1e-9, 1e-13], []),  # the last layer's ‖D‖ is rounding noise
        ([1e-9, math.nan], []),  # not recorded
        ([1.0], []),  # one layer: nothing to compare
    ],
)
def test_vanishing_threshold(norms, layers):
    assert [f.layer for f in health.find_vanishing(norms)] == layers


def test_vanishing_in_a_deep_sigmoid_network_at_the_start():
    """Eight layers of 8 sigmoid units: σ' ≤ 1/4 shrinks δ at every layer back."""
    cfg = bp.NetConfig((2, *(8,) * 8, 1), "sigmoid")
    tr = _trainer(cfg, bp.init_weights(cfg, np.random.default_rng(0), "ng_sqrt6"))
    found = [f for f in health.diagnose(tr) if f.kind == "vanishing"]
    assert found and found[0].layer == 1 and found[0].numbers["ratio"] >= 1e3
    # its numbers are the history's ‖D‖ (same Θ, same training set)
    assert found[0].numbers["norm"] == pytest.approx(tr.history.grad_norm[-1][0], rel=1e-12)
    # with tanh at the same scale (g'(0) = 1) nothing vanishes
    cfg_t = bp.NetConfig((2, *(8,) * 8, 1), "tanh")
    tr_t = _trainer(cfg_t, bp.init_weights(cfg_t, np.random.default_rng(0), "ng_sqrt6"))
    assert not [f for f in health.diagnose(tr_t) if f.kind == "vanishing"]


# --------------------------------------------------------------------------------------
# Saturation
# --------------------------------------------------------------------------------------


def test_saturated_from_numbers_only_for_bounded_units():
    cfg = bp.NetConfig((2, 3, 3, 3, 1), ("sigmoid", "relu", "tanh"))
    found = health.find_saturated(cfg, [0.9, 0.9, 0.51])
    assert _kinds(found) == [("saturated", 2), ("saturated", 4)]  # ReLU's layer 3: not
    assert found[0].numbers == {"fraction": 0.9}
    assert "90% of layer 2" in found[0].message and "Θ^(1)" in found[0].message
    assert health.find_saturated(cfg, [0.5, 0.0, 0.2]) == []  # 50 % is not above the limit
    with pytest.raises(ValueError, match="one saturation fraction per hidden layer"):
        health.find_saturated(cfg, [0.9])


def test_saturation_of_big_weights_and_the_history_agree():
    """Θ^(1) with weights of 40 puts z^(2) far out on σ's flat ends for almost every example."""
    cfg = bp.NetConfig((2, 3, 1), "sigmoid")
    Theta = [np.array([[0.0, 40.0, 0.0], [0.0, 0.0, -40.0], [1.0, 30.0, 30.0]]), np.ones((1, 4))]
    tr = _trainer(cfg, Theta)
    trace = bp.backprop(cfg, tr.Theta, tr.X_train, tr.Y_train)
    fractions = health.saturation_fractions(cfg, trace)
    assert fractions == pytest.approx(tr.history.saturation[-1], abs=0)  # History's own rule
    assert fractions[0] > 0.8
    assert _kinds(f for f in health.diagnose(tr) if f.kind == "saturated") == [("saturated", 2)]
    small = [T / 400 for T in Theta]  # the same directions, z 400 times smaller: no saturation
    assert not [f for f in health.diagnose(_trainer(cfg, small)) if f.kind == "saturated"]


# --------------------------------------------------------------------------------------
# Dead units
# --------------------------------------------------------------------------------------


def _relu_net():
    """2-3-1 ReLU: unit 2 has bias −100, so z^(2)_2 < 0 for every point of the plane."""
    cfg = bp.NetConfig((2, 3, 1), "relu")
    Theta1 = np.array([[0.1, 1.0, 0.5], [-100.0, 1.0, 1.0], [0.2, -0.5, 1.0]])  # (3, 3)
    return cfg, [Theta1, np.array([[0.0, 1.0, 1.0, 1.0]])]


def test_a_relu_unit_below_zero_everywhere_is_dead():
    cfg, Theta = _relu_net()
    X = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    assert health.dead_units(cfg, Theta, X) == {2: (2,)}
    # one dead unit of three is below DEAD_FRACTION (a few dead ReLUs are normal) …
    assert health.find_dead_units(cfg, Theta, X) == []
    # … and reported when every layer with a dead unit is asked for
    (f,) = health.find_dead_units(cfg, Theta, X, fraction=0)
    assert (f.kind, f.layer, f.units) == ("dead", 2, (2,))
    assert f.numbers == {"dead": 1.0, "units": 3.0, "fraction": pytest.approx(1 / 3)}
    assert f.message.startswith("Unit 2 of layer 2 is dead")
    # its δ is 0 for every example, so D^(1)'s row 2 is 0: the weights never change
    Y = np.ones((50, 1))
    assert not np.any(bp.backprop(cfg, Theta, X, Y).D[0][1])


def test_alive_for_one_example_is_not_dead():
    cfg, Theta = _relu_net()
    X = np.vstack([np.random.default_rng(0).uniform(-6, 6, (50, 2)), [[60.0, 60.0]]])
    assert health.dead_units(cfg, Theta, X) == {}  # z^(2)_2 = 20 > 0 for the last row


def test_a_whole_dead_layer_and_zero_tanh_units_are_told_apart():
    cfg = bp.NetConfig((2, 2, 3, 1), ("relu", "tanh"))
    Theta = [np.array([[-5.0, 0.1, 0.1], [-9.0, 0.0, 1.0]]), np.zeros((3, 3)), np.ones((1, 4))]
    X = np.random.default_rng(1).uniform(-1, 1, (20, 2))
    # layer 2: both ReLUs dead; layer 3: tanh(0) = 0 for every example but g'(0) = 1, so alive
    (f,) = health.find_dead_units(cfg, Theta, X)
    assert (f.layer, f.units) == (2, (1, 2))
    assert f.message.startswith("All 2 units of layer 2 are dead (1, 2)")


# --------------------------------------------------------------------------------------
# Exploding
# --------------------------------------------------------------------------------------


def test_exploding_from_a_hand_made_history():
    rows = [[1.0, 2.0]] * 5 + [[150.0, 2.5]]  # ‖D^(1)‖ 150 times its earlier median
    (f,) = health.find_exploding(rows)
    assert (f.kind, f.layer) == ("exploding", 1)
    assert f.numbers == {"latest": 150.0, "median": 1.0, "ratio": 150.0}
    assert "150 times its earlier median" in f.message and "smaller learning rate α" in f.message
    assert health.find_exploding([[1.0, 2.0]] * 5 + [[99.0, 2.0]]) == []  # 99 times: not yet
    assert health.find_exploding([[1.0, 2.0]] * 2 + [[500.0, 2.0]]) == []  # too few records
    assert len(health.find_exploding([[1.0, 2.0]] * health.MIN_EARLIER_RECORDS + [[500.0, 2.0]]))
    nan = [[math.nan, math.nan]]
    assert len(health.find_exploding([[1.0, 2.0]] * 4 + nan * 3 + [[500.0, 2.0]])) == 1


def test_growth_of_D_while_J_falls_is_learning_not_exploding():
    rows = [[1.0, 2.0]] * 5 + [[150.0, 2.5]]
    assert health.find_exploding(rows, J=[1.0, 0.9, 0.8, 0.7, 0.6, 0.5]) == []
    assert health.find_exploding(rows, J=[1.0, 0.9, 0.8, 0.7, 0.6, 0.65]) == []  # < 1.1 × 0.6
    (f,) = health.find_exploding(rows, J=[1.0, 0.9, 0.8, 0.7, 0.6, 0.67])  # above 1.1 × 0.6
    assert (f.kind, f.layer) == ("exploding", 1)


def test_divergence_is_an_exploding_finding():
    d = Divergence(epoch=7, step=13, layer=2, message="…")
    (f,) = health.find_exploding([], d)
    assert (f.kind, f.layer) == ("exploding", 2)
    assert f.numbers == {"diverged": 1.0, "epoch": 7.0, "step": 13.0}
    assert f.message.startswith("Training stopped at step 13 (epoch 7) because Θ^(2) became")


def test_a_diverging_trainer_is_diagnosed_exploding_first():
    """Linear regression on unscaled inputs with α = 10 (the alpha_too_large preset, smaller)."""
    data = ds.make_dataset("plane", n=100, noise=0.1, rng=np.random.default_rng(1))
    cfg = bp.NetConfig((2, 1), output="linear", loss="mse")
    tr = _trainer(cfg, [np.zeros((1, 3))], data, alpha=10.0)
    assert not tr.run_epochs(200) and tr.diverged
    found = health.diagnose(tr)
    assert found[0].kind == "exploding" and found[0].numbers["diverged"] == 1.0
    assert found[0].layer == tr.divergence.layer
    growth = [f for f in found if f.kind == "exploding" and "ratio" in f.numbers]
    assert growth and growth[0].numbers["ratio"] >= 100


# --------------------------------------------------------------------------------------
# Everything together
# --------------------------------------------------------------------------------------


def test_a_healthy_network_has_no_findings():
    data = ds.make_dataset("xor", n=200, rng=np.random.default_rng(0), standardize=True)
    cfg = bp.NetConfig((2, 8, 1), "tanh")
    tr = _trainer(cfg, bp.init_weights(cfg, np.random.default_rng(0)), data, alpha=1.0)
    tr.run_epochs(100)
    assert health.diagnose(tr) == []


def test_findings_come_most_urgent_first_and_are_frozen():
    cfg = bp.NetConfig((2, 3, 3, 1), ("relu", "sigmoid"))
    Theta = [
        np.array([[-100.0, 1.0, 1.0], [-100.0, 1.0, 0.0], [0.0, 0.0, 1.0]]),  # units 1, 2 dead
        np.full((3, 4), 30.0),  # layer 3's sigmoids pinned at 1: saturated
        np.ones((1, 4)),
    ]
    tr = _trainer(cfg, Theta)
    tr.history.grad_norm[:] = [[1.0, 1.0, 1.0]] * 5 + [[1.0, 1.0, 1e3]]  # as if D^(3) exploded
    tr.history.J_train[:] = [0.5] * 5 + [2.0]  # while J rose
    kinds = [f.kind for f in health.diagnose(tr)]
    assert kinds[0] == "exploding" and "dead" in kinds and "saturated" in kinds
    assert kinds == sorted(kinds, key=health.HEALTH_KINDS.index)
    f = health.diagnose(tr)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.kind = "fine"
    assert set(health.HEALTH_KINDS) == {"vanishing", "saturated", "dead", "exploding"}
    assert bp.diagnose is health.diagnose and bp.Finding is health.Finding
