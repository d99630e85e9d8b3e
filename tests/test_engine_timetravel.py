"""Tests for editing one weight by hand (``Trainer.set_weight``), the optimizer's state as a
read-only property, and time travel (``Trainer.restore``): continuing from a snapshot is bit
for bit the same as never having stopped."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from bp_core.config import NetConfig
from bp_core.initializers import init_weights
from bp_core.network import backprop
from bp_core.training import Trainer, TrainSettings


@dataclass
class Data:
    """The least a Trainer needs (``LabelledData``)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str = "classification"


def toy_data(m: int = 12, seed: int = 0) -> Data:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 2))  # (m, 2)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return Data(X, y, X[:4], y[:4])


def make_trainer(sizes=(2, 3, 1), seed=0, data=None, **settings) -> Trainer:
    cfg = NetConfig(sizes)
    Theta = init_weights(cfg, np.random.default_rng(seed), "ng_sqrt6")
    data = toy_data() if data is None else data
    return Trainer(cfg, Theta, data, TrainSettings(**settings), np.random.default_rng(seed + 1))


# --------------------------------------------------------------------------------------
# set_weight
# --------------------------------------------------------------------------------------


def test_set_weight_changes_exactly_that_entry_in_theta_and_theta_vec():
    tr = make_trainer(sizes=(2, 3, 1))  # Θ^(1): (3, 3), Θ^(2): (1, 4)
    tr.run_epochs(3)
    before = [T.copy() for T in tr.Theta]
    vec_before = tr.theta_vec.copy()
    tr.set_weight(1, 2, 0, 0.5)  # Θ^(1)_2,0: row 1, column 0 (the bias of unit 2 of layer 2)
    assert tr.Theta[0][1, 0] == 0.5
    # the unrolled vector is Θ^(1) row by row, then Θ^(2): entry 1 * 3 + 0 = 3
    assert tr.theta_vec[3] == 0.5
    changed = np.flatnonzero(tr.theta_vec != vec_before)
    assert changed.tolist() == [3]
    tr.set_weight(2, 1, 3, -2.0)  # Θ^(2)_1,3: the last column of the output row
    assert tr.Theta[1][0, 3] == -2.0
    assert tr.theta_vec[9 + 3] == -2.0
    expected = [T.copy() for T in before]
    expected[0][1, 0], expected[1][0, 3] = 0.5, -2.0
    for T, E in zip(tr.Theta, expected, strict=True):
        assert np.array_equal(T, E)
    # Θ stays the views of θ the trainer always has
    assert np.shares_memory(tr.Theta[0], tr.theta_vec)


def test_set_weight_keeps_history_snapshots_counts_and_optimizer_state():
    tr = make_trainer(optimizer="momentum", alpha=0.1)
    tr.run_epochs(4)
    rows, snaps, state = len(tr.history), list(tr.snapshots), tr.optimizer_state
    snap_theta = [T.copy() for T in tr.snapshots[-1].Theta]
    epoch, steps = tr.epoch, tr.steps
    tr.set_weight(1, 1, 1, 3.0)
    assert (len(tr.history), tr.epoch, tr.steps) == (rows, epoch, steps)
    assert tr.snapshots == snaps
    # the snapshot taken before the edit still holds the old Θ
    for T, S in zip(tr.snapshots[-1].Theta, snap_theta, strict=True):
        assert np.array_equal(T, S)
    assert tr.snapshots[-1].Theta[0][0, 1] != 3.0
    assert np.array_equal(tr.optimizer_state["v"], state["v"])


def test_the_step_after_set_weight_starts_from_the_edited_theta():
    # full batch: the record's cached backprop (at the old Θ) must not be reused
    tr = make_trainer(alpha=0.3)
    tr.run_epochs(2)
    tr.set_weight(1, 3, 2, 1.25)
    Theta = [T.copy() for T in tr.Theta]
    D = backprop(tr.cfg, Theta, tr.X_train, tr.Y_train).D
    tr.step()
    for T, T0, D_l in zip(tr.Theta, Theta, D, strict=True):
        # Θ := Θ − α D, at the edited Θ
        np.testing.assert_allclose(T, T0 - 0.3 * D_l, rtol=0, atol=1e-15)


def test_set_weight_keeps_the_last_batch_J():
    # the J of the last step's batch, at the weights that step started from: an edit after
    # the step does not change what that step saw
    tr, twin = make_trainer(batch_size=4), make_trainer(batch_size=4)
    for t in (tr, twin):
        t.step()
        t.step()
    tr.set_weight(1, 1, 0, 0.0)
    assert tr.last_batch_J is not None
    assert tr.last_batch_J == twin.last_batch_J


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((0, 1, 0), "There is no Θ^(0): this network has Θ^(1) … Θ^(2)."),
        ((3, 1, 0), "There is no Θ^(3): this network has Θ^(1) … Θ^(2)."),
        ((1, 4, 0), "Θ^(1) has no row j = 4: its rows are j = 1 … 3 (the units of layer 2)."),
        ((1, 0, 0), "Θ^(1) has no row j = 0"),
        ((2, 2, 0), "Θ^(2) has no row j = 2: its rows are j = 1 … 1"),
        ((1, 1, 3), "Θ^(1) has no column k = 3: its columns are k = 0 (bias) … 2"),
        ((2, 1, -1), "Θ^(2) has no column k = -1"),
        ((1.5, 1, 0), "l must be a whole number (got 1.5)."),
    ],
)
def test_set_weight_refuses_a_weight_the_network_does_not_have(args, words):
    tr = make_trainer(sizes=(2, 3, 1))
    vec = tr.theta_vec.copy()
    with pytest.raises(ValueError) as err:
        tr.set_weight(*args, 1.0)
    assert words in str(err.value)
    assert np.array_equal(tr.theta_vec, vec)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (float("nan"), "The new value of Θ^(1)_1,0 must be a finite number (got nan)."),
        (float("inf"), "The new value of Θ^(1)_1,0 must be a finite number (got inf)."),
        ("0.5", "The new value of Θ^(1)_1,0 must be a number (got '0.5')."),
        (True, "The new value of Θ^(1)_1,0 must be a number (got True)."),
        (None, "The new value of Θ^(1)_1,0 must be a number (got None)."),
    ],
)
def test_set_weight_refuses_a_value_that_is_not_a_finite_number(value, words):
    tr = make_trainer()
    vec = tr.theta_vec.copy()
    with pytest.raises(ValueError) as err:
        tr.set_weight(1, 1, 0, value)
    assert str(err.value) == words
    assert np.array_equal(tr.theta_vec, vec)


def test_set_weight_accepts_numpy_numbers_and_ints():
    tr = make_trainer()
    tr.set_weight(1, 1, 0, np.float32(0.25))
    tr.set_weight(1, 1, 1, 2)
    tr.set_weight(1, 1, 2, np.int64(-1))
    assert tr.Theta[0][0].tolist() == [0.25, 2.0, -1.0]


# --------------------------------------------------------------------------------------
# optimizer_state
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("optimizer", "keys"), [("gd", []), ("momentum", ["v"]), ("adam", ["m", "t", "v"])]
)
def test_optimizer_state_is_a_read_only_copy(optimizer, keys):
    tr = make_trainer(optimizer=optimizer, alpha=0.01)
    tr.run_epochs(3)
    state = tr.optimizer_state
    assert sorted(state) == keys
    if optimizer == "adam":
        assert state["t"] == 3 and isinstance(state["t"], int)
    for k in ("m", "v"):
        if k in state:
            assert state[k].shape == (tr.cfg.n_weights,)
            state[k][:] = 99.0  # changing the copy changes nothing in the trainer
            assert not np.any(tr.optimizer_state[k] == 99.0)
    with pytest.raises(AttributeError):
        tr.optimizer_state = {}
