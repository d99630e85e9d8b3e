"""Tests for bp_core.training: the Trainer, TrainSettings, history, snapshots, divergence."""

from __future__ import annotations

import math
import warnings
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bp_core import datasets as ds
from bp_core.config import NetConfig
from bp_core.initializers import init_weights
from bp_core.network import backprop, cost, encode_targets
from bp_core.training import Trainer, TrainSettings
from tests.strategies import Data


def xor_data() -> Data:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])  # (4, 2)
    y = np.array([0, 1, 1, 0])
    return Data(X, y, X[:0], y[:0])


def toy_data(m: int = 10, seed: int = 0) -> Data:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, 2))  # (m, 2)
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return Data(X, y, X[:4], y[:4])


def make_trainer(data=None, sizes=(2, 3, 1), seed=0, **settings) -> Trainer:
    data = toy_data() if data is None else data
    cfg = NetConfig(sizes)
    Theta = init_weights(cfg, np.random.default_rng(seed), "ng_sqrt6")
    return Trainer(cfg, Theta, data, TrainSettings(**settings), np.random.default_rng(seed + 1))


def J_of(tr: Trainer) -> float:
    return cost(tr.cfg, tr.Theta, tr.X_train, tr.Y_train)


# --------------------------------------------------------------------------------------
# It learns
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("sizes", [(2, 4, 1), (2, 3, 1)])
def test_xor_cost_goes_down(sizes):
    tr = make_trainer(xor_data(), sizes=sizes, seed=3, alpha=2.0)
    J0 = tr.history.J_train[0]
    assert tr.run_epochs(3000)
    J = tr.history.J_train
    assert J[-1] < 0.1 * J0  # from ≈ 0.69 (= log 2, guessing) to well below 0.07
    # full-batch gradient descent with a modest α: J never goes up by more than rounding
    assert np.all(np.diff(J) <= 1e-12)
    assert tr.history.metric_train[-1] == 1.0  # all four XOR points right
    assert math.isnan(tr.history.J_test[-1])  # no test set


def test_learns_circle_to_95_percent_test_accuracy():
    data = ds.make_dataset("circle", n=400, noise=0.0, rng=np.random.default_rng(0))
    cfg = NetConfig((2, 8, 1), hidden_activation="tanh")
    Theta = init_weights(cfg, np.random.default_rng(1), "xavier")
    settings = TrainSettings(alpha=0.03, optimizer="adam", batch_size=32)
    tr = Trainer(cfg, Theta, data, settings, np.random.default_rng(2))
    assert tr.run_epochs(150)
    assert tr.history.metric_test[-1] > 0.95
    assert tr.history.metric_name == "accuracy"


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_every_optimizer_reduces_J(optimizer):
    alpha = {"gd": 0.5, "momentum": 0.1, "adam": 0.02}[optimizer]
    tr = make_trainer(toy_data(40), sizes=(2, 5, 1), alpha=alpha, optimizer=optimizer)
    J0 = J_of(tr)
    assert tr.run_epochs(200)
    assert J_of(tr) < 0.7 * J0


# --------------------------------------------------------------------------------------
# Counting steps and epochs
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "batch_size, steps_per_epoch", [(None, 1), (10, 1), (20, 1), (3, 4), (4, 3), (1, 10)]
)
def test_steps_per_epoch(batch_size, steps_per_epoch):
    tr = make_trainer(toy_data(10), batch_size=batch_size)
    assert tr.steps_per_epoch == steps_per_epoch
    assert (tr.epoch, tr.steps) == (0, 0)
    for k in range(1, steps_per_epoch + 1):
        assert tr.step()
        assert tr.steps == k
        assert tr.epoch == (1 if k == steps_per_epoch else 0)
    assert tr.run_epoch()
    assert (tr.epoch, tr.steps) == (2, 2 * steps_per_epoch)
    assert tr.run_epochs(3)
    assert (tr.epoch, tr.steps) == (5, 5 * steps_per_epoch)
    assert tr.run_epochs(0)
    assert (tr.epoch, tr.steps) == (5, 5 * steps_per_epoch)


def test_run_epoch_finishes_the_current_epoch():
    tr = make_trainer(toy_data(10), batch_size=3)  # 4 steps an epoch
    tr.step()
    tr.step()
    assert tr.run_epoch()
    assert (tr.epoch, tr.steps) == (1, 4)


def test_mini_batches_cover_each_example_once_per_epoch():
    data = toy_data(10)
    tr = make_trainer(data, batch_size=3)
    for _ in range(2):
        rows = []
        for _ in range(tr.steps_per_epoch):
            tr.step()
            rows.append(tr.last_batch[0])
        seen = np.concatenate(rows)  # (10, 2), batches of 3, 3, 3, 1
        assert [len(r) for r in rows] == [3, 3, 3, 1]
        order = np.lexsort(seen.T)
        np.testing.assert_array_equal(seen[order], data.X_train[np.lexsort(data.X_train.T)])


def test_run_epochs_rejects_negative():
    with pytest.raises(ValueError):
        make_trainer().run_epochs(-1)


# --------------------------------------------------------------------------------------
# The updates, against backprop and hand-computed optimizer formulas
# --------------------------------------------------------------------------------------


def test_one_full_batch_gd_step_is_theta_minus_alpha_D_exactly():
    data = toy_data(10)
    tr = make_trainer(data, alpha=0.3)
    Theta0 = [T.copy() for T in tr.Theta]
    trace = backprop(tr.cfg, Theta0, data.X_train, encode_targets(tr.cfg, data.y_train))
    tr.step()
    for T_new, T0, D in zip(tr.Theta, Theta0, trace.D, strict=True):
        np.testing.assert_array_equal(T_new, T0 - 0.3 * D)  # Θ := Θ − α D, bit for bit


def _grad(tr: Trainer, Theta) -> list[np.ndarray]:
    return list(backprop(tr.cfg, Theta, tr.X_train, tr.Y_train).D)


def test_momentum_against_hand_computed_updates():
    alpha, mu = 0.5, 0.8
    tr = make_trainer(toy_data(6), sizes=(2, 2, 1), alpha=alpha, optimizer="momentum", momentum=mu)
    T0 = [T.copy() for T in tr.Theta]
    # step 1: v1 = μ·0 − α D(Θ0) = −α D(Θ0);  Θ1 = Θ0 + v1
    D0 = _grad(tr, T0)
    v1 = [-alpha * D for D in D0]
    T1 = [T + v for T, v in zip(T0, v1, strict=True)]
    # step 2: v2 = μ v1 − α D(Θ1);  Θ2 = Θ1 + v2
    D1 = _grad(tr, T1)
    v2 = [mu * v - alpha * D for v, D in zip(v1, D1, strict=True)]
    T2 = [T + v for T, v in zip(T1, v2, strict=True)]
    tr.step()
    for got, want in zip(tr.Theta, T1, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-16)
    tr.step()
    for got, want in zip(tr.Theta, T2, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-14, atol=1e-16)


def test_adam_against_hand_computed_updates():
    alpha, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    tr = make_trainer(toy_data(6), sizes=(2, 2, 1), alpha=alpha, optimizer="adam")
    T0 = [T.copy() for T in tr.Theta]
    D0 = _grad(tr, T0)
    # step 1 (t = 1): m = (1−β1) D, v = (1−β2) D², so m̂ = D and v̂ = D²:
    # Θ1 = Θ0 − α D / (|D| + ε), i.e. every weight moves by α against the sign of its D
    T1 = [T - alpha * D / (np.abs(D) + eps) for T, D in zip(T0, D0, strict=True)]
    tr.step()
    for got, want in zip(tr.Theta, T1, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    # step 2 (t = 2): m = β1 m1 + (1−β1) D1, v = β2 v1 + (1−β2) D1², bias-corrected by 1 − β^2
    D1 = _grad(tr, T1)
    T2 = []
    for T, Da, Db in zip(T1, D0, D1, strict=True):
        m = b1 * (1 - b1) * Da + (1 - b1) * Db
        v = b2 * (1 - b2) * Da**2 + (1 - b2) * Db**2
        T2.append(T - alpha * (m / (1 - b1**2)) / (np.sqrt(v / (1 - b2**2)) + eps))
    tr.step()
    for got, want in zip(tr.Theta, T2, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)


# --------------------------------------------------------------------------------------
# History and snapshots
# --------------------------------------------------------------------------------------


def test_history_lengths_and_layer_columns():
    tr = make_trainer(toy_data(12), sizes=(2, 4, 3, 1), batch_size=5)
    tr.run_epochs(6)
    h = tr.history
    assert len(h) == 7  # epoch 0 (before training) and after each of 6 epochs
    assert h.epoch == list(range(7))
    assert h.step == [3 * e for e in range(7)]  # ceil(12 / 5) = 3 steps an epoch
    for col in ("J_train", "J_test", "metric_train", "metric_test"):
        assert len(getattr(h, col)) == 7
    L = tr.cfg.L
    arrays = h.as_arrays()
    assert arrays["grad_norm"].shape == (7, L - 1)  # one ‖D^(l)‖ per Θ
    assert arrays["mean_abs_delta"].shape == (7, L - 1)  # δ^(2) … δ^(L)
    assert arrays["saturation"].shape == (7, L - 2)  # hidden layers only
    assert np.all((arrays["saturation"] >= 0) & (arrays["saturation"] <= 1))
    # the recorded J is the cost of the weights at that time
    assert h.J_train[-1] == pytest.approx(J_of(tr), rel=1e-12)


def test_history_without_gradients():
    tr = make_trainer(record_gradients=False, batch_size=4)
    tr.run_epochs(3)
    assert len(tr.history) == 4
    # the per-layer columns stay aligned with the epochs, NaN meaning "not recorded"
    arrays = tr.history.as_arrays()
    assert arrays["grad_norm"].shape == (4, tr.cfg.L - 1)
    assert arrays["saturation"].shape == (4, tr.cfg.L - 2)
    assert np.isnan(arrays["grad_norm"]).all() and np.isnan(arrays["mean_abs_delta"]).all()


def test_full_batch_reuses_the_record_backprop_and_stays_exact():
    """Full batch: the epoch record's backprop is the next step's; the result is unchanged."""
    a = make_trainer(alpha=0.5, record_gradients=False)
    b = make_trainer(alpha=0.5, record_gradients=True)
    for _ in range(5):
        D = backprop(a.cfg, a.Theta, a.X_train, a.Y_train).D
        expected = [T - 0.5 * Dl for T, Dl in zip(a.Theta, D, strict=True)]
        a.step()
        b.step()
        for got, want, other in zip(a.Theta, expected, b.Theta, strict=True):
            np.testing.assert_array_equal(got, want)
            np.testing.assert_array_equal(got, other)
    # with full batch the gradients come for free, so they are recorded either way
    assert not np.isnan(a.history.as_arrays()["grad_norm"]).any()


def test_record_every():
    tr = make_trainer(record_every=3, batch_size=5)
    tr.run_epochs(7)
    assert tr.history.epoch == [0, 3, 6]
    with pytest.raises(ValueError, match="record_every"):
        TrainSettings(record_every=0)


def test_snapshots_thin_out_and_theta_at():
    data = toy_data(10)
    tr = make_trainer(data, max_snapshots=4)
    ref = make_trainer(data)  # the same full-batch run, to know Θ after every epoch
    Theta_after = {0: [T.copy() for T in ref.Theta]}
    for e in range(1, 21):
        ref.run_epoch()
        Theta_after[e] = [T.copy() for T in ref.Theta]
    tr.run_epochs(20)
    # kept 0…4, then every 2nd (0, 2, 4, 6), every 4th (0, 4, 8, 12), every 8th (0, 8, 16)
    assert [s.epoch for s in tr.snapshots] == [0, 8, 16]
    assert len(tr.snapshots) <= 4
    for s in tr.snapshots:
        assert s.step == s.epoch  # full batch: one step an epoch
        for got, want in zip(s.Theta, Theta_after[s.epoch], strict=True):
            np.testing.assert_array_equal(got, want)
    for epoch, expected in [(0, 0), (7, 0), (8, 8), (15, 8), (16, 16), (20, 16), (99, 16)]:
        for got, want in zip(tr.Theta_at(epoch), Theta_after[expected], strict=True):
            np.testing.assert_array_equal(got, want)


def test_snapshots_are_not_changed_by_later_training():
    tr = make_trainer()
    tr.run_epochs(2)
    first = [T.copy() for T in tr.snapshots[0].Theta]
    tr.run_epochs(5)
    for got, want in zip(tr.snapshots[0].Theta, first, strict=True):
        np.testing.assert_array_equal(got, want)


# --------------------------------------------------------------------------------------
# Divergence
# --------------------------------------------------------------------------------------


def _regression_data(scale: float, m: int) -> Data:
    rng = np.random.default_rng(0)
    X = rng.uniform(-scale, scale, size=(m, 2))  # (m, 2), large inputs
    y = X.sum(axis=1)
    return Data(X, y, X[:0], y[:0], task="regression")


def _exploding_trainer(batch_size) -> Trainer:
    cfg = NetConfig((2, 3, 1), hidden_activation="linear", output="linear", loss="mse")
    Theta = init_weights(cfg, np.random.default_rng(1))
    data = _regression_data(1e3, 200)
    settings = TrainSettings(alpha=1e6, batch_size=batch_size)
    return Trainer(cfg, Theta, data, settings, np.random.default_rng(2))


def test_divergence_of_theta_stops_training_and_keeps_last_finite_theta():
    tr = _exploding_trainer(batch_size=1)  # J is only checked once an epoch: Θ blows up first
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        before = [T.copy() for T in tr.Theta]
        for _ in range(tr.steps_per_epoch):
            before = [T.copy() for T in tr.Theta]
            if not tr.step():
                break
        assert tr.diverged
        d = tr.divergence
        # the step that failed is reported, and was not counted
        assert d.step == tr.steps + 1 and tr.steps >= 1
        # the layer: the first Θ^(l) whose update Θ − α D is not finite (worked out here)
        Xb, Yb = tr.last_batch
        D = backprop(tr.cfg, before, Xb, Yb).D
        bad = [l for l in range(len(D)) if not np.all(np.isfinite(before[l] - 1e6 * D[l]))]
        assert d.layer == bad[0] + 1
        assert f"Θ^({d.layer})" in d.message and f"step {d.step}" in d.message
        # Θ is the last finite one, untouched by the failed step
        for got, want in zip(tr.Theta, before, strict=True):
            np.testing.assert_array_equal(got, want)
            assert np.all(np.isfinite(got))
        steps = tr.steps
        assert tr.step() is False and tr.run_epoch() is False and tr.run_epochs(3) is False
        assert tr.steps == steps
    assert all(math.isfinite(v) for v in tr.history.J_train)


def test_divergence_of_J_full_batch():
    tr = _exploding_trainer(batch_size=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert tr.run_epochs(100) is False
        assert tr.diverged and tr.divergence.layer is None
        assert "J" in tr.divergence.message
        assert all(np.all(np.isfinite(T)) for T in tr.Theta)
        assert tr.step() is False
    assert all(math.isfinite(v) for v in tr.history.J_train)


def test_divergence_of_J_reports_the_step_that_caused_it():
    tr = _exploding_trainer(batch_size=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        tr.run_epochs(100)
    assert tr.divergence.step == tr.steps


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


def test_with_settings_mid_run():
    data = toy_data(10)
    tr = make_trainer(data, alpha=0.1)
    tr.run_epochs(3)
    n_rows = len(tr.history)
    tr.with_settings(TrainSettings(alpha=0.7))
    Theta0 = [T.copy() for T in tr.Theta]
    D = backprop(tr.cfg, Theta0, data.X_train, encode_targets(tr.cfg, data.y_train)).D
    tr.step()
    for got, T0, Dl in zip(tr.Theta, Theta0, D, strict=True):
        np.testing.assert_array_equal(got, T0 - 0.7 * Dl)  # the new α is used
    assert len(tr.history) == n_rows + 1 and tr.epoch == 4  # the history goes on
    tr.with_settings(TrainSettings(alpha=0.05, batch_size=3, optimizer="adam"))
    assert tr.steps_per_epoch == 4
    steps = tr.steps
    assert tr.run_epoch()
    assert tr.steps == steps + 4 and tr.epoch == 5
    # a new optimizer starts with a fresh state: momentum's v = 0, so its first step is
    # v = μ·0 − α D = −α D, the plain gradient step
    tr.with_settings(TrainSettings(alpha=0.05, optimizer="momentum", momentum=0.5))
    Theta0 = [T.copy() for T in tr.Theta]
    D = backprop(tr.cfg, Theta0, data.X_train, encode_targets(tr.cfg, data.y_train)).D
    tr.step()
    for got, T0, Dl in zip(tr.Theta, Theta0, D, strict=True):
        np.testing.assert_array_equal(got, T0 - 0.05 * Dl)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"alpha": 0},
        {"alpha": -0.1},
        {"alpha": math.nan},
        {"alpha": math.inf},
        {"alpha": "0.1"},
        {"batch_size": 0},
        {"batch_size": -3},
        {"batch_size": 2.5},
        {"batch_size": True},
        {"optimizer": "sgd-nesterov"},
        {"momentum": 1.0},
        {"momentum": -0.1},
        {"beta1": 1.5},
        {"beta2": math.nan},
        {"max_snapshots": 1},
    ],
)
def test_train_settings_validation(kwargs):
    with pytest.raises(ValueError):
        TrainSettings(**kwargs)


def test_train_settings_messages_are_for_students():
    with pytest.raises(ValueError, match="learning rate"):
        TrainSettings(alpha=0)
    with pytest.raises(ValueError, match="batch size"):
        TrainSettings(batch_size=0)
    with pytest.raises(ValueError, match="'adam'"):
        TrainSettings(optimizer="nope")


# --------------------------------------------------------------------------------------
# The Θ given to the trainer is never modified
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_trainer_never_modifies_the_theta_passed_in(optimizer):
    cfg = NetConfig((2, 3, 1))
    Theta = init_weights(cfg, np.random.default_rng(0))
    original = [T.copy() for T in Theta]
    tr = Trainer(
        cfg,
        Theta,
        toy_data(),
        TrainSettings(optimizer=optimizer, batch_size=3),
        np.random.default_rng(1),
    )
    tr.run_epochs(5)
    for T, T0 in zip(Theta, original, strict=True):
        np.testing.assert_array_equal(T, T0)
    # and changing the caller's arrays afterwards does not change the trainer
    now = [T.copy() for T in tr.Theta]
    for T in Theta:
        T[...] = 123.0
    for got, want in zip(tr.Theta, now, strict=True):
        np.testing.assert_array_equal(got, want)


# --------------------------------------------------------------------------------------
# A bounded history, the batch's J, λ mid-run, settings as plain fields
# --------------------------------------------------------------------------------------


def test_history_stays_bounded_over_20000_epochs_and_keeps_the_whole_run():
    data = xor_data()
    tr = make_trainer(data, sizes=(2, 2, 1), alpha=0.5, record_gradients=False)
    bound = tr.history.max_rows
    assert bound == 2000
    tr.run_epochs(20_000)
    h = tr.history
    assert len(h) <= bound
    assert len(h) > bound // 2  # thinned, not emptied
    ep = np.array(h.epoch)
    assert ep[0] == 0 and ep[-1] == 20_000  # first and last epochs kept
    assert np.all(np.diff(ep) > 0)  # still increasing
    st = np.array(h.step)
    assert np.all(np.diff(st) > 0) and st[-1] == tr.steps
    cols = [h.epoch, h.step, h.J_train, h.J_test, h.metric_train, h.metric_test]
    cols += [h.grad_norm, h.mean_abs_delta, h.saturation]
    assert all(len(c) == len(h) for c in cols)  # aligned
    # recent epochs at full resolution, old ones coarser
    assert ep[-1] - ep[-2] == 1 and ep[1] - ep[0] > 1
    # each row still belongs to its epoch: J_train is J at that epoch's snapshot Θ
    snap = tr.snapshots[-1]
    row = h.epoch.index(snap.epoch)
    assert h.J_train[row] == pytest.approx(cost(tr.cfg, snap.Theta, tr.X_train, tr.Y_train))


def test_history_thinning_keeps_columns_aligned_with_gradients():
    tr = make_trainer(toy_data(12), sizes=(2, 3, 3, 1), alpha=0.3)
    tr.history.max_rows = 40  # an instance may set its own bound
    tr.run_epochs(500)
    h = tr.history
    assert len(h) <= 40 and h.epoch[0] == 0 and h.epoch[-1] == 500
    assert len(h.grad_norm) == len(h.mean_abs_delta) == len(h.saturation) == len(h)
    assert all(len(r) == 3 for r in h.grad_norm) and all(len(r) == 2 for r in h.saturation)
    arrays = h.as_arrays()
    assert arrays["grad_norm"].shape == (len(h), 3)


def test_history_append_needs_every_column():
    tr = make_trainer()
    with pytest.raises(ValueError, match="columns"):
        tr.history.append(epoch=1, step=1)


def _deep_size(h) -> int:
    """Bytes held by the History's columns: the lists, their rows and their numbers."""
    import sys

    total = 0
    for name in ("epoch", "step", "J_train", "J_test", "metric_train", "metric_test"):
        col = getattr(h, name)
        total += sys.getsizeof(col) + sum(sys.getsizeof(v) for v in col)
    for name in ("grad_norm", "mean_abs_delta", "saturation"):
        col = getattr(h, name)
        total += sys.getsizeof(col)
        total += sum(sys.getsizeof(r) + sum(sys.getsizeof(v) for v in r) for r in col)
    return total


def test_history_bytes_per_session_are_as_documented():
    """The History docstring's figures: ~0.7 kB a row for 2-4-2-1, ~1.3 kB for 8 hidden
    layers, so a full history (2,000 rows) stays below ~1.4 MB / ~2.7 MB."""
    for sizes, per_row in (((2, 4, 2, 1), 700), ((2, *([8] * 8), 1), 1350)):
        tr = make_trainer(toy_data(20), sizes=sizes, alpha=0.1)
        tr.history.max_rows = 400  # the same per-row cost, a faster test
        tr.run_epochs(1000)
        h = tr.history
        assert len(h) <= 400
        # a full history never holds more than max_rows rows' worth, lists' spare room included
        assert _deep_size(h) < per_row * h.max_rows, (sizes, _deep_size(h) / h.max_rows)
        assert _deep_size(h) > per_row * len(h) / 3  # the measurement measures something


def test_last_batch_J_is_the_J_of_the_steps_batch():
    data = toy_data(10)
    tr = make_trainer(data, alpha=0.2, batch_size=4)
    assert tr.last_batch_J is None  # no step yet
    Theta0 = [T.copy() for T in tr.Theta]
    tr.step()
    Xb, Yb = tr.last_batch
    assert Xb.shape[0] == 4
    # J on that batch at the weights the step started from
    assert tr.last_batch_J == pytest.approx(cost(tr.cfg, Theta0, Xb, Yb), rel=1e-12)
    assert tr.last_batch_J != pytest.approx(cost(tr.cfg, tr.Theta, Xb, Yb), rel=1e-9)
    for _ in range(2):  # the last batch of the epoch has the 2 examples left
        Theta0 = [T.copy() for T in tr.Theta]
        tr.step()
    Xb, Yb = tr.last_batch
    assert Xb.shape[0] == 2
    assert tr.last_batch_J == pytest.approx(cost(tr.cfg, Theta0, Xb, Yb), rel=1e-12)


def test_last_batch_J_full_batch_equals_the_epoch_record():
    data = toy_data(10)
    tr = make_trainer(data, alpha=0.2)
    tr.with_lambda(0.5)
    tr.run_epoch()
    J_before = tr.history.J_train[-1]
    tr.step()
    assert tr.last_batch_J == J_before  # the record's own trace was reused, J included


def test_with_lambda_keeps_theta_optimizer_state_history_and_snapshots():
    data = toy_data(10)
    tr = make_trainer(data, alpha=0.1, optimizer="momentum")
    tr.run_epochs(5)
    rows, snaps = len(tr.history), list(tr.snapshots)
    Theta0 = [T.copy() for T in tr.Theta]
    v0 = tr.optimizer_state["v"].copy()
    tr.with_lambda(2.0)
    assert tr.cfg.lambda_ == 2.0 and tr.cfg.layer_sizes == (2, 3, 1)
    assert len(tr.history) == rows and tr.snapshots == snaps and tr.epoch == 5
    for T, T0 in zip(tr.Theta, Theta0, strict=True):
        np.testing.assert_array_equal(T, T0)
    np.testing.assert_array_equal(tr.optimizer_state["v"], v0)
    # the next step uses the new λ (not the cached full-batch trace of the old one) and the
    # kept momentum: v := μ v − α D with D regularized by λ = 2
    D = backprop(tr.cfg, Theta0, data.X_train, encode_targets(tr.cfg, data.y_train)).D
    tr.step()
    from bp_core.network import reshape_params, unroll

    v = 0.9 * v0 - 0.1 * unroll(D)
    for got, want in zip(tr.Theta, reshape_params(tr.cfg, unroll(Theta0) + v), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-13, atol=1e-15)
    assert len(tr.history) == rows + 1
    assert tr.history.J_train[-1] == pytest.approx(J_of(tr))  # recorded J has the new λ
    with pytest.raises(ValueError, match="≥ 0"):
        tr.with_lambda(-1.0)
    assert tr.cfg.lambda_ == 2.0


def test_train_settings_round_trip_through_dataclass_fields():
    import dataclasses

    s = TrainSettings(alpha=0.3, batch_size=7, optimizer="adam", record_every=3)
    assert dataclasses.is_dataclass(s) and s.__dataclass_params__.frozen
    fs = dataclasses.fields(TrainSettings)
    assert all(f.init for f in fs)  # every field is a constructor argument
    plain = {f.name: getattr(s, f.name) for f in fs}
    assert TrainSettings(**plain) == s
    assert plain["record_every"] == 3
    assert all(isinstance(v, int | float | str | bool | type(None)) for v in plain.values())


# ---------------------------------------------------------------------------------------------
# fast_forward: only the rows the history keeps, everything else bit for bit run_epochs
# ---------------------------------------------------------------------------------------------


def _same_state(a: Trainer, b: Trainer) -> None:
    from dataclasses import fields

    from bp_core.training import History

    assert (a.epoch, a.steps, a.divergence) == (b.epoch, b.steps, b.divergence)
    assert np.array_equal(a.theta_vec, b.theta_vec)
    sa, sb = a.optimizer_state, b.optimizer_state
    assert set(sa) == set(sb) and all(np.array_equal(sa[k], sb[k]) for k in sa)
    assert a.rng.bit_generator.state == b.rng.bit_generator.state
    for f in fields(History):
        assert getattr(a.history, f.name) == getattr(b.history, f.name), f.name
    assert [
        (s.epoch, s.step, s.history_len, s.batch, s.rng_state["state"]) for s in a.snapshots
    ] == [(s.epoch, s.step, s.history_len, s.batch, s.rng_state["state"]) for s in b.snapshots]
    for s, t in zip(a.snapshots, b.snapshots, strict=True):
        assert np.array_equal(s.theta_vec, t.theta_vec)


def _pair(max_rows: int = 40, data=None, sizes=(2, 3, 1), **settings) -> tuple[Trainer, Trainer]:
    pair = make_trainer(data, sizes, **settings), make_trainer(data, sizes, **settings)
    for tr in pair:
        tr.history.max_rows = max_rows  # thinning after 40 rows: a long run in a few epochs
    return pair


@pytest.mark.parametrize(
    "settings",
    [
        {"alpha": 1.0},
        {"alpha": 0.01, "batch_size": 3, "optimizer": "adam", "max_snapshots": 4},
        {"alpha": 0.3, "batch_size": 4, "optimizer": "momentum", "record_gradients": False},
        {"alpha": 1.0, "record_every": 3},
    ],
)
def test_fast_forward_is_run_epochs_bit_for_bit(settings):
    a, b = _pair(**settings)
    a.run_epochs(437), b.fast_forward(437)
    assert len(a.history) <= 40 and a.history.epoch[0] == 0
    _same_state(a, b)
    # from the middle of an epoch, then again from an end of epoch
    a.step(), b.step()
    a.run_epochs(91), b.fast_forward(91)
    _same_state(a, b)
    a.run_epochs(0), b.fast_forward(0)
    _same_state(a, b)


def test_fast_forward_from_a_restored_point_replaces_the_future_as_training_does():
    a, b = _pair(alpha=0.3, batch_size=4, optimizer="momentum")
    a.run_epochs(120), b.run_epochs(120)
    a.restore(60), b.restore(60)
    a.run_epochs(100), b.fast_forward(100)
    assert not a.rewound and not b.rewound
    _same_state(a, b)


def test_fast_forward_stops_where_run_epochs_diverges_with_the_same_history():
    # linear regression on unscaled inputs with α = 10: J overflows after a few epochs
    rng = np.random.default_rng(3)
    X = rng.uniform(-6, 6, size=(40, 2))
    data = Data(X, X.sum(axis=1) / 10, X[:5], X[:5].sum(axis=1) / 10, "regression")
    a = Trainer(
        NetConfig((2, 1), output="linear", loss="mse"),
        [np.zeros((1, 3))],
        data,
        TrainSettings(alpha=10.0),
        np.random.default_rng(0),
    )
    b = Trainer(a.cfg, [np.zeros((1, 3))], data, a.settings, np.random.default_rng(0))
    for tr in (a, b):
        tr.history.max_rows = 8
    assert not a.run_epochs(400) and not b.fast_forward(400)
    assert a.divergence is not None and a.epoch < 400
    _same_state(a, b)


def test_fast_forward_reports_each_epoch_and_can_stop():
    tr = make_trainer(alpha=1.0)
    seen = []
    assert tr.fast_forward(50, lambda t: seen.append(t.epoch) or t.epoch < 20)
    assert seen == list(range(1, 21)) and tr.epoch == 20
    with pytest.raises(ValueError, match="whole number ≥ 0"):
        tr.fast_forward(-1)


def test_the_thinning_policy_is_one_function():
    from bp_core.training import History

    assert History.kept_rows(10) == [0, 2, 4, 5, 6, 7, 8, 9]
    h = History("accuracy")
    h.max_rows = 9
    for e in range(10):  # the 10th row thins
        h.append(
            epoch=e,
            step=e,
            J_train=0.0,
            J_test=0.0,
            metric_train=0.0,
            metric_test=0.0,
            grad_norm=[],
            mean_abs_delta=[],
            saturation=[],
        )
    assert h.epoch == [e for e in range(10) if e in History.kept_rows(10)]


# --------------------------------------------------------------------------------------
# full_trace: the whole training set's backprop at the current Θ, shared with the steps
# --------------------------------------------------------------------------------------

_ACTIONS = ("step", "epoch", "trace", "edit", "lambda", "batch", "restore")


def _trace_equal(a, b) -> None:
    assert a.J == b.J
    for name in ("a", "z", "delta", "Delta", "D"):
        for x, y in zip(getattr(a, name), getattr(b, name), strict=True):
            assert (x is None and y is None) or np.array_equal(x, y), name


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from(_ACTIONS), min_size=1, max_size=12),
    st.integers(0, 3),
    st.sampled_from([1, 3]),
)
def test_full_trace_is_backprop_at_the_current_weights_and_never_changes_training(
    actions, seed, every
):
    """After any sequence of steps, hand edits, λ and batch-size changes and time travel,
    ``full_trace()`` is exactly ``backprop`` over X_train at Θ, and a trainer that was asked
    for it trains on bit for bit like one that was not."""
    asked, plain = (make_trainer(seed=seed, alpha=0.5, record_every=every) for _ in range(2))
    for i, action in enumerate(actions):
        for tr in (asked, plain):
            if action == "step":
                tr.step()
            elif action == "epoch":
                tr.run_epoch()
            elif action == "edit":
                tr.set_weight(1, 1, 0, 0.25 * (i + 1))
            elif action == "lambda":
                tr.with_lambda(0.1 * (i % 3))
            elif action == "batch":
                tr.with_settings(replace(tr.settings, batch_size=(None, 3, 4)[i % 3]))
            elif action == "restore" and tr.epoch > 0:
                tr.restore(tr.epoch - 1)
        if action == "trace" or i % 2:
            got = asked.full_trace()
            _trace_equal(got, backprop(asked.cfg, asked.Theta, asked.X_train, asked.Y_train))
    asked.run_epochs(3)
    plain.run_epochs(3)
    for x, y in zip(asked.Theta, plain.Theta, strict=True):
        assert np.array_equal(x, y)
    assert asked.history.J_train == plain.history.J_train
