"""Trainer.with_regularization: L2 ↔ L1 mid-run keeps Θ, the history and the snapshots."""

from __future__ import annotations

import numpy as np
import pytest

from bp_core import backprop
from bp_core.presets import PRESETS, build_preset


def _trainer():
    settings = {**PRESETS["xor_hidden_layer"].settings, "lambda_": 0.1}
    return build_preset(settings)[2]


def test_switching_keeps_theta_and_history_and_changes_the_cost():
    tr = _trainer()
    tr.run_epochs(3)
    Theta = [T.copy() for T in tr.Theta]
    rows, snaps = len(tr.history.J_train), len(tr.snapshots)
    J_l2 = tr.evaluate(tr.X_train, tr.Y_train)[0]
    tr.with_regularization("l1")
    assert tr.cfg.regularization == "l1" and tr.cfg.lambda_ == 0.1
    for a, b in zip(tr.Theta, Theta, strict=True):
        np.testing.assert_array_equal(a, b)
    assert len(tr.history.J_train) == rows and len(tr.snapshots) == snaps
    # J + (λ/m) Σ|Θ| differs from J + λ/(2m) ΣΘ² at the same Θ
    assert abs(tr.evaluate(tr.X_train, tr.Y_train)[0] - J_l2) > 1e-6
    # the next full-batch step descends the L1 gradient: Θ − α D with D's sign(Θ) term
    D = backprop(tr.cfg, tr.Theta, tr.X_train, tr.Y_train).D
    expected = [T - tr.settings.alpha * D_l for T, D_l in zip(Theta, D, strict=True)]
    tr.step()
    for a, b in zip(tr.Theta, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12)
    assert len(tr.history.J_train) > rows


def test_switching_to_the_same_is_a_no_op_and_an_unknown_one_is_refused():
    tr = _trainer()
    cfg = tr.cfg
    tr.with_regularization("l2")
    assert tr.cfg is cfg
    with pytest.raises(ValueError, match="regularization"):
        tr.with_regularization("l3")
    assert tr.cfg is cfg
