"""Tests for editing one weight by hand (``Trainer.set_weight``), the optimizer's state as a
read-only property, and time travel (``Trainer.restore``): continuing from a snapshot is bit
for bit the same as never having stopped."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_core.config import NetConfig
from bp_core.initializers import init_weights
from bp_core.network import backprop, cost
from bp_core.training import Trainer, TrainSettings
from tests.strategies import Data


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
    # the snapshots of earlier epochs are kept as they were; the one of this very epoch
    # becomes the edited state (going back to epoch 4 finds the edit)
    assert tr.snapshots[:-1] == snaps[:-1]
    assert len(tr.snapshots) == len(snaps)
    old = snaps[-1]
    for T, S in zip(old.Theta, snap_theta, strict=True):
        assert np.array_equal(T, S)
    assert old.Theta[0][0, 1] != 3.0
    assert tr.snapshots[-1].Theta[0][0, 1] == 3.0
    assert tr.snapshots[-1].step == steps
    assert np.array_equal(tr.optimizer_state["v"], state["v"])


def test_set_weight_records_this_steps_history_row_again_at_the_new_theta():
    tr = make_trainer(sizes=(2, 3, 1), alpha=0.3)
    tr.run_epochs(3)
    rows, J_before = len(tr.history), list(tr.history.J_train)
    tr.set_weight(2, 1, 0, 4.0)  # the output unit's bias: J changes
    assert len(tr.history) == rows and tr.history.epoch == [0, 1, 2, 3]
    assert tr.history.J_train[:-1] == J_before[:-1]
    J_now = cost(tr.cfg, tr.Theta, tr.X_train, tr.Y_train)
    assert tr.history.J_train[-1] == pytest.approx(J_now, rel=1e-12)
    assert tr.history.J_train[-1] != J_before[-1]
    assert [s.epoch for s in tr.snapshots] == [0, 1, 2, 3]
    # mid-epoch (mini-batches): no row belongs to this step, the rows stay as they were
    tr = make_trainer(batch_size=5)
    tr.run_epochs(2)
    tr.step()
    J_before = list(tr.history.J_train)
    tr.set_weight(1, 1, 0, 4.0)
    assert tr.history.J_train == J_before


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
def test_optimizer_state_is_a_copy_and_loads_only_what_fits(optimizer, keys):
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
    with pytest.raises(ValueError, match="keeps"):
        tr.optimizer_state = {"other": np.zeros(3)}
    if keys:
        with pytest.raises(ValueError, match="must be like"):
            tr.optimizer_state = {k: np.zeros(2) if k != "t" else 0 for k in keys}
    tr.optimizer_state = state  # a state that fits is loaded, as a copy
    for k in keys:
        assert np.array_equal(tr.optimizer_state[k], state[k])


# --------------------------------------------------------------------------------------
# Time travel: restore(epoch)
# --------------------------------------------------------------------------------------

OPTIMIZERS = [("gd", 0.3), ("momentum", 0.1), ("adam", 0.01)]


def _same_theta(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def _history_rows(h) -> list[tuple]:
    cols = h.as_arrays()
    return [tuple(np.asarray(cols[k][i]).tobytes() for k in cols) for i in range(len(h))]


@pytest.mark.parametrize(("optimizer", "alpha"), OPTIMIZERS)
@pytest.mark.parametrize("batch_size", [None, 4, 5, 1])
def test_train_30_restore_10_train_20_is_bit_identical(optimizer, alpha, batch_size):
    settings = dict(optimizer=optimizer, alpha=alpha, batch_size=batch_size)
    straight = make_trainer(**settings)
    straight.run_epochs(30)
    tr = make_trainer(**settings)
    tr.run_epochs(30)
    snap = tr.restore(10)
    assert (snap.epoch, tr.epoch) == (10, 10)
    assert tr.steps == 10 * tr.steps_per_epoch
    assert tr.history.epoch == list(range(11))
    assert _same_theta(tr.Theta, straight.snapshots[10].Theta)
    tr.run_epochs(20)
    assert (tr.epoch, tr.steps) == (straight.epoch, straight.steps)
    assert np.array_equal(tr.theta_vec, straight.theta_vec)
    assert _same_theta(tr.Theta, straight.Theta)
    state, want = tr.optimizer_state, straight.optimizer_state
    assert sorted(state) == sorted(want)
    for k in state:
        assert np.array_equal(state[k], want[k])
    assert _history_rows(tr.history) == _history_rows(straight.history)
    assert [s.epoch for s in tr.snapshots] == [s.epoch for s in straight.snapshots]
    assert not tr.rewound


@pytest.mark.parametrize(("optimizer", "alpha"), OPTIMIZERS)
def test_scrubbing_back_and_forth_loses_nothing(optimizer, alpha):
    tr = make_trainer(optimizer=optimizer, alpha=alpha, batch_size=5)
    tr.run_epochs(30)
    theta30, hist30 = tr.theta_vec.copy(), _history_rows(tr.history)
    assert tr.timeline() == [(e, 3 * e) for e in range(31)]
    tr.restore(10)
    assert tr.rewound and tr.epoch == 10 and len(tr.history) == 11
    # the later states are still there to go to
    assert tr.timeline() == [(e, 3 * e) for e in range(31)]
    tr.restore(20)
    assert tr.epoch == 20 and len(tr.history) == 21
    tr.restore(3)
    assert tr.epoch == 3 and tr.history.epoch == [0, 1, 2, 3]
    tr.restore(30)  # the latest state again: exactly as it was
    assert not tr.rewound
    assert np.array_equal(tr.theta_vec, theta30)
    assert _history_rows(tr.history) == hist30
    tr.restore(1000)  # at or before: the latest
    assert tr.epoch == 30


def test_training_on_from_an_earlier_point_replaces_the_future():
    tr = make_trainer(batch_size=4)
    tr.run_epochs(30)
    tr.restore(10)
    tr.step()  # training goes on from epoch 10: epochs 11 … 30 are gone
    assert not tr.rewound
    assert [s.epoch for s in tr.snapshots] == list(range(11))
    assert tr.timeline()[-1] == (10, 31)
    assert tr.history.epoch == list(range(11))
    tr.restore(30)
    assert (tr.epoch, tr.steps) == (10, 31)  # the latest state now is the one just reached


def test_restore_a_mid_epoch_state_and_continue_bit_identically():
    straight = make_trainer(batch_size=4, optimizer="momentum", alpha=0.1)
    straight.run_epochs(7)
    tr = make_trainer(batch_size=4, optimizer="momentum", alpha=0.1)
    tr.run_epochs(5)
    tr.step()  # epoch 5 and one mini-batch of epoch 6 (3 per epoch)
    assert tr.timeline()[-2:] == [(5, 15), (5, 16)]
    tr.restore(2)
    tr.restore(5)  # the latest state, mid-epoch: its order of examples comes back too
    assert (tr.epoch, tr.steps) == (5, 16)
    tr.restore(5, step=15)  # the end of epoch 5
    assert (tr.epoch, tr.steps) == (5, 15)
    tr.restore(5, step=16)
    tr.run_epochs(2)
    assert np.array_equal(tr.theta_vec, straight.theta_vec)


def test_restore_refuses_in_words():
    tr = make_trainer()
    tr.run_epochs(3)
    for bad in (-1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="must be a whole number ≥ 0"):
            tr.restore(bad)
    tr.snapshots = tr.snapshots[2:]  # as after loading a run: nothing from before epoch 2
    with pytest.raises(ValueError) as err:
        tr.restore(1)
    assert str(err.value) == (
        "Nothing was kept from before epoch 1: the earliest state kept is epoch 2 (step 2)."
    )


def test_restore_to_the_present_changes_nothing():
    tr = make_trainer(batch_size=4)
    tr.run_epochs(4)
    tr.step()
    vec, rng = tr.theta_vec, tr.rng.bit_generator.state
    tr.restore(4)  # the present state (epoch 4 and one step) is the latest at or before 4
    assert tr.theta_vec is vec and tr.rng.bit_generator.state == rng
    assert not tr.rewound


def _exploding_trainer(batch_size=None) -> Trainer:
    # linear units, inputs of size 1,000 and α = 10⁶: Θ or J becomes infinite within an epoch
    cfg = NetConfig((2, 3, 1), hidden_activation="linear", output="linear", loss="mse")
    Theta = init_weights(cfg, np.random.default_rng(1))
    X = np.random.default_rng(0).uniform(-1e3, 1e3, size=(40, 2))  # (40, 2)
    data = Data(X, X.sum(axis=1), X[:0], X[:0, 0], task="regression")
    settings = TrainSettings(alpha=1e6, batch_size=batch_size)
    return Trainer(cfg, Theta, data, settings, np.random.default_rng(2))


@pytest.mark.parametrize(("batch_size", "counted"), [(None, 0), (1, 1)])
def test_divergence_goes_and_comes_back_with_the_state(batch_size, counted):
    tr = _exploding_trainer(batch_size)
    tr.run_epochs(50)
    assert tr.diverged
    div, where = tr.divergence, tr.timeline()[-1]
    # the last state: full batch, J of the step's Θ was infinite (that step counted); one
    # example a batch, Θ of the next step was (not counted, and still in epoch 0)
    assert where[1] == div.step - counted
    tr.restore(0, step=0)
    assert not tr.diverged and (tr.epoch, tr.steps) == (0, 0)
    tr.restore(*where)  # the latest state: diverged, as it was
    assert tr.divergence == div and tr.timeline()[-1] == where
    tr.restore(0, step=0)
    tr.run_epochs(50)  # training on from epoch 0 diverges again, at the same step
    assert tr.divergence == div and tr.timeline()[-1] == where


def test_set_weight_while_rewound_starts_a_new_future():
    tr = make_trainer(batch_size=4)
    tr.run_epochs(20)
    tr.restore(10)
    tr.set_weight(1, 1, 0, 0.5)
    assert not tr.rewound
    assert tr.timeline()[-1] == (10, 30)
    assert [s.epoch for s in tr.snapshots] == list(range(11))
    assert tr.snapshots[-1].Theta[0][0, 0] == 0.5  # the edited state is the one kept
    tr.run_epochs(2)
    tr.restore(10)
    assert tr.Theta[0][0, 0] == 0.5


def test_changed_optimizer_restarts_its_memory_on_restore():
    tr = make_trainer(optimizer="momentum", alpha=0.1)
    tr.run_epochs(6)
    tr.with_settings(TrainSettings(optimizer="adam", alpha=0.01))
    tr.run_epochs(2)
    tr.restore(3)  # a snapshot of momentum's memory: Adam starts afresh
    state = tr.optimizer_state
    assert sorted(state) == ["m", "t", "v"] and state["t"] == 0
    assert not np.any(state["m"])


def test_restored_history_after_thinning_keeps_rows_at_or_before_the_step():
    tr = make_trainer(max_snapshots=4)
    tr.history.max_rows = 10
    tr.run_epochs(40)
    epochs = [s.epoch for s in tr.snapshots]
    assert epochs == [0, 16, 32]
    assert tr.history.epoch == [0, 32, 34, 35, 36, 37, 38, 39, 40]  # thinned twice
    tr.restore(20)  # at or before: epoch 16
    assert tr.epoch == 16
    # thinning dropped the row of epoch 16: the rows at or before it are what is left
    assert tr.history.epoch == [0]
    tr.restore(34)  # at or before: epoch 32
    assert tr.history.epoch == [0, 32]
    assert tr.history.max_rows == 10


def test_snapshot_keeps_the_old_fields_and_knows_its_bytes():
    tr = make_trainer(sizes=(2, 3, 1), optimizer="adam", alpha=0.01)
    tr.run_epochs(2)
    s = tr.snapshots[-1]
    assert (s.epoch, s.step) == (2, 2)
    assert [T.shape for T in s.Theta] == [(3, 3), (1, 4)]
    n = tr.cfg.n_weights  # 13
    assert s.nbytes == 3 * 8 * n  # Θ, Adam's m and v (full batch: no order kept)


@settings(max_examples=25, deadline=None)
@given(
    optimizer=st.sampled_from(OPTIMIZERS),
    batch_size=st.sampled_from([None, 1, 3, 5, 12]),
    first=st.integers(1, 12),
    back=st.integers(0, 12),
    extra_steps=st.integers(0, 7),
    seed=st.integers(0, 50),
)
def test_going_on_from_any_restored_point_is_never_having_stopped(
    optimizer, batch_size, first, back, extra_steps, seed
):
    """Train ``first`` epochs and ``extra_steps`` mini-batches, go back to epoch ``back``
    (or the latest before it), then train to the same step count: the same Θ, bit for bit,
    as a trainer that never stopped."""
    name, alpha = optimizer
    kw = dict(seed=seed, optimizer=name, alpha=alpha, batch_size=batch_size)
    tr, straight = make_trainer(**kw), make_trainer(**kw)
    tr.run_epochs(first)
    for _ in range(extra_steps):
        tr.step()
    target = tr.steps + 5
    snap = tr.restore(min(back, first))
    assert snap.step <= tr.timeline()[-1][1]
    assert tr.history.step[-1] <= tr.steps
    while tr.steps < target:
        tr.step()
    while straight.steps < target:
        straight.step()
    assert np.array_equal(tr.theta_vec, straight.theta_vec)
    assert tr.rng.bit_generator.state == straight.rng.bit_generator.state
    assert _history_rows(tr.history) == _history_rows(straight.history)


# --------------------------------------------------------------------------------------
# with_data: going on after a point was drawn or removed
# --------------------------------------------------------------------------------------


def _plus_one_point(data: Data, x=(0.5, -0.25), label=1) -> Data:
    return Data(
        np.vstack([data.X_train, [x]]),
        np.append(data.y_train, label),
        data.X_test,
        data.y_test,
    )


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("batch_size", [None, 4])
def test_with_data_keeps_theta_optimizer_memory_counts_and_history(optimizer, batch_size):
    data = toy_data()
    tr = make_trainer(data=data, optimizer=optimizer, batch_size=batch_size, alpha=0.1)
    tr.run_epochs(5)
    tr.step()  # mid-epoch (with mini-batches): the next pass must start over
    Theta, state = [T.copy() for T in tr.Theta], tr.optimizer_state
    epoch, steps, rows = tr.epoch, tr.steps, len(tr.history)
    new = _plus_one_point(data)
    tr.with_data(new)
    assert [np.array_equal(T, U) for T, U in zip(tr.Theta, Theta, strict=True)] == [True] * 2
    for k, v in state.items():
        assert np.array_equal(tr.optimizer_state[k], v)
    assert (tr.epoch, tr.steps, len(tr.history)) == (epoch, steps, rows)
    assert tr.m == 13 and tr.steps_per_epoch == (1 if batch_size is None else 4)
    assert all(s.batch == 0 for s in tr.snapshots)  # mid-epoch orders were of the old data

    # going on equals a trainer that had these Θ, this optimizer memory and this generator
    ref = make_trainer(data=new, optimizer=optimizer, batch_size=batch_size, alpha=0.1)
    ref.theta_vec = tr.theta_vec.copy()
    ref.Theta = tuple(T.copy() for T in tr.Theta)
    ref.optimizer_state = tr.optimizer_state
    ref.rng.bit_generator.state = tr.rng.bit_generator.state
    ref.epoch, ref.steps = tr.epoch, tr.steps
    tr.run_epochs(3)
    ref.run_epochs(3)
    assert np.array_equal(tr.theta_vec, ref.theta_vec)
    assert tr.history.epoch[-1] == ref.epoch  # the new epochs are recorded on the new data


def test_with_data_refuses_data_that_do_not_fit_and_changes_nothing():
    tr = make_trainer()
    tr.run_epochs(2)
    before = tr.theta_vec.copy()
    bad = Data(np.zeros((5, 3)), np.zeros(5, dtype=np.int64), None, None)  # 3 features, not 2
    with pytest.raises(ValueError):
        tr.with_data(bad)
    assert np.array_equal(tr.theta_vec, before) and tr.m == 12


def test_with_data_while_rewound_replaces_the_later_states():
    tr = make_trainer()
    tr.run_epochs(10)
    tr.restore(4)
    assert tr.rewound
    tr.with_data(_plus_one_point(toy_data()))
    assert not tr.rewound
    assert tr.timeline()[-1] == (4, tr.steps)
