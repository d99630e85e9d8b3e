"""Presets (bp_core.presets): each is valid for the Playground's schema, is built exactly as
the Playground builds it, and its claim holds when it is trained — and would not hold for
the run it is contrasted with.

Every preset (and its comparison) is trained once per test session (the ``outcomes``
fixture) and the tests share the runs.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import bp_core as bp
from bp_core import health
from bp_core.presets import (
    PRESETS,
    TRAINING_SETTINGS,
    Mistake,
    Preset,
    build_preset,
    evaluate_preset,
    misclassified,
    output_units,
    train_preset,
)
from lab_ui.live.frames import n_outputs
from lab_ui.shared import schema
from lab_ui.shared.lab import build_lab

NAMES = list(PRESETS)


@pytest.fixture(scope="module")
def outcomes():
    """Every preset and its comparison, trained for the preset's epochs (about 6 s)."""
    return {name: evaluate_preset(p) for name, p in PRESETS.items()}


def _all_settings(preset):
    yield preset.settings
    if preset.comparison_settings is not None:
        yield preset.comparison_settings


# --------------------------------------------------------------------------------------
# The records
# --------------------------------------------------------------------------------------


def _sentences(text):
    return len(re.findall(r"[.!?](?:\s+(?=[A-Z‖Θλαδ])|$)", text))


def test_at_least_ten_presets_each_complete():
    assert len(PRESETS) >= 10
    for name, p in PRESETS.items():
        assert p.name == name and p.title and p.claim.statement
        assert 2 <= _sentences(p.watch) <= 3, (name, p.watch)
        assert 1 <= _sentences(p.try_next) <= 3, (name, p.try_next)
        assert set(p.settings) >= set(TRAINING_SETTINGS)
        assert p.epochs >= 1


@pytest.mark.parametrize("name", NAMES)
def test_settings_are_valid_for_the_playground_schema(name):
    for s in _all_settings(PRESETS[name]):
        for key, value in s.items():
            setting = schema.BY_NAME[key]
            assert schema.validate(setting, value) == value, key
            text = schema.to_text(setting, value)  # and survive the URL
            assert schema.validate(setting, text) == value, key
        assert len(s["acts"]) == len(s["hidden"])
        assert s["alpha"] <= (bp.OPTIMIZERS[s["optimizer"]].max_alpha or np.inf)
        assert s["dataset"] != schema.CSV_DATASET


@pytest.mark.parametrize("name", NAMES)
def test_built_exactly_as_the_playground_builds_it(name):
    """The Playground's own build_lab on the same settings: the same data, network, Θ and
    training settings, and three more epochs give the same Θ bit for bit."""
    for s in _all_settings(PRESETS[name]):
        state = {x.name: x.default for x in schema.SCHEMA} | s
        lab = build_lab(state)
        data, cfg, trainer = build_preset(s)
        assert lab.cfg == cfg
        for a, b in zip(lab.trainer.Theta, trainer.Theta, strict=True):
            assert a.tobytes() == b.tobytes()
        for k in ("X_train", "y_train", "X_test", "y_test"):
            assert np.array_equal(getattr(lab.dataset, k), getattr(data, k)), k
        for k in ("alpha", "batch_size", "optimizer", "momentum", "beta1", "beta2"):
            assert getattr(lab.trainer.settings, k) == getattr(trainer.settings, k), k
        if s["dataset"] != "digits":  # (the digits are the slow one; their build is the same)
            lab.trainer.run_epochs(3), trainer.run_epochs(3)
            for a, b in zip(lab.trainer.Theta, trainer.Theta, strict=True):
                assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("task", ["classification", "regression"])
@pytest.mark.parametrize("K", [0, 2, 3, 10])
@pytest.mark.parametrize("output", ["sigmoid", "softmax", "linear", "tanh"])
def test_output_units_follow_the_playgrounds_rule(task, K, output):
    assert output_units(task, K, output) == n_outputs(task, K, output)


def test_a_preset_must_set_everything_once():
    p = PRESETS["xor_hidden_layer"]
    with pytest.raises(ValueError, match="missing: seed"):
        Preset("x", "x", tuple(kv for kv in p.values if kv[0] != "seed"), 1, "", "", p.claim)
    with pytest.raises(ValueError, match="unknown: colour"):
        Preset("x", "x", (*p.values, ("colour", "red")), 1, "", "", p.claim)
    with pytest.raises(ValueError, match="one activation per hidden layer"):
        Preset("x", "x", p.values, 1, "", "", p.claim, compare=(("hidden", (3, 3)),))
    with pytest.raises(ValueError, match="epochs"):
        Preset("x", "x", p.values, 0, "", "", p.claim)


def test_train_preset_takes_other_epochs_and_names_the_comparison():
    p = PRESETS["xor_hidden_layer"]
    run = train_preset(p, epochs=3)
    assert run.trainer.epoch == 3 and run.epochs == 3 and len(run.history) == 4
    other = p.comparison()
    assert other.name == "xor_hidden_layer:compare" and other.settings["hidden"] == ()
    assert PRESETS["softmax_blobs"].comparison() is None


# --------------------------------------------------------------------------------------
# The claims
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_the_claim_holds(outcomes, name):
    o = outcomes[name]
    assert o.holds, (o.preset.claim.statement, o.numbers)
    assert o.preset.check(o.run, o.comparison)
    assert o.run.trainer.epoch == o.preset.epochs or o.run.trainer.diverged


@pytest.mark.parametrize("name", NAMES)
def test_the_claim_can_fail(outcomes, name):
    """Swapped runs (the comparison in the preset's place) or an untrained network do not
    bear the claim out: the check says something about training."""
    o = outcomes[name]
    p = o.preset
    if o.comparison is not None:
        assert not p.check(o.comparison, o.run), p.claim.statement
    else:
        assert not p.check(train_preset(p, epochs=1)), p.claim.statement


def test_xor_needs_a_hidden_layer(outcomes):
    o = outcomes["xor_hidden_layer"]
    assert o.run.cfg.layer_sizes == (2, 8, 1) and o.comparison.cfg.layer_sizes == (2, 1)
    assert o.numbers["train"] >= 0.95 and o.numbers["compare_train"] <= 0.75


def test_circle_from_squares_needs_no_hidden_layer(outcomes):
    o = outcomes["circle_squares"]
    assert o.run.cfg.L == 2 and o.numbers["train"] >= 0.95 and o.numbers["test"] >= 0.95
    Theta = o.run.Theta[0]  # z = Θ_10 + Θ_11 x1² + Θ_12 x2²: a disc of class 1
    assert Theta[0, 1] < 0 and Theta[0, 2] < 0


def test_deep_sigmoid_gradients_vanish_but_not_with_tanh(outcomes):
    o = outcomes["deep_sigmoid_vanishing"]
    assert o.run.cfg.L == 10 and set(o.run.cfg.activations) == {"sigmoid"}
    assert o.numbers["largest_ratio"] <= 1e-2  # ‖D^(1)‖ ≥ 100× below ‖D^(9)‖ at every record
    assert o.numbers["compare_ratio"] >= 100 * o.numbers["ratio"]
    (first, *_) = [f for f in health.diagnose(o.run.trainer) if f.kind == "vanishing"]
    assert first.layer == 1
    assert not [f for f in health.diagnose(o.comparison.trainer) if f.kind == "vanishing"]


def test_too_large_alpha_diverges_with_a_message(outcomes):
    o = outcomes["alpha_too_large"]
    tr = o.run.trainer
    assert tr.diverged and tr.epoch < o.preset.epochs
    assert tr.divergence.message.startswith("Training stopped at step")
    assert "smaller learning rate α" in tr.divergence.message
    assert all(np.isfinite(T).all() for T in tr.Theta)  # the last finite weights are kept
    assert not tr.run_epoch()  # and it refuses to go on
    assert health.diagnose(tr)[0].kind == "exploding"
    assert not o.comparison.trainer.diverged


def test_lambda_shrinks_the_gap_and_the_weights(outcomes):
    n = outcomes["lambda_overfitting"].numbers
    assert n["train"] == 1.0 and n["gap"] >= 0.15
    assert n["compare_gap"] <= n["gap"] - 0.05
    assert n["compare_weight_norm"] <= 0.5 * n["weight_norm"]


def test_zero_init_units_stay_identical(outcomes):
    o = outcomes["zero_init_symmetry"]
    Theta1 = o.run.Theta[0]  # (4, 3): one row per hidden unit
    np.testing.assert_allclose(Theta1, np.broadcast_to(Theta1[0], Theta1.shape), rtol=1e-9)
    assert np.abs(Theta1).max() > 0.01  # it did move
    assert np.ptp(o.comparison.Theta[0], axis=0).max() > 0.1  # random init: units differ


def test_spiral_needs_depth(outcomes):
    o = outcomes["spiral_depth"]
    assert o.run.cfg.layer_sizes == (2, 8, 8, 8, 1) and o.comparison.cfg.layer_sizes == (2, 24, 1)
    assert o.numbers["train"] >= 0.95 and o.numbers["compare_train"] <= 0.80


def test_softmax_on_six_blobs(outcomes):
    o = outcomes["softmax_blobs"]
    assert o.run.cfg.output == "softmax" and o.run.cfg.layer_sizes[-1] == 6
    assert o.numbers["train"] >= 0.95 and o.numbers["test"] >= 0.95


def test_cross_entropy_escapes_a_saturated_start_and_squared_error_does_not(outcomes):
    o = outcomes["saturated_output"]
    n = o.numbers
    assert n["median_abs_z_start"] >= 10 and n["J_fraction"] <= 0.1
    assert n["compare_J_fraction"] >= 0.95
    assert o.run.metric_train >= 0.95 and o.comparison.metric_train <= 0.05
    assert o.comparison.cfg.loss == "mse" and o.run.cfg.loss == "cross_entropy"


def test_ex4_in_miniature(outcomes):
    o = outcomes["ex4_digits"]
    s = o.preset.settings
    assert o.run.cfg.layer_sizes == (64, 25, 10) and o.run.cfg.activations == ("sigmoid",)
    assert (s["lambda_"], s["batch"], s["optimizer"]) == (1.0, 0, "gd")
    assert o.numbers["train"] >= 0.95 and o.numbers["test"] >= 0.90
    wrong = misclassified(o.run)
    data = o.run.dataset
    assert len(wrong) == round((1 - o.run.metric_test) * data.m_test)
    pred = bp.predict(o.run.cfg, o.run.Theta, data.X_test)
    for w in wrong:
        assert isinstance(w, Mistake) and w.label == data.y_test[w.index] != w.predicted
        assert pred[w.index] == w.predicted
    assert all(a.index < b.index for a, b in zip(wrong, wrong[1:], strict=False))
    assert len(misclassified(o.run, "train")) == round((1 - o.run.metric_train) * data.m_train)


def test_misclassified_refuses_what_it_cannot_list(outcomes):
    with pytest.raises(ValueError, match="part must be"):
        misclassified(outcomes["ex4_digits"].run, "validation")
    with pytest.raises(ValueError, match="Only a classification"):
        misclassified(outcomes["alpha_too_large"].comparison)
    assert misclassified(outcomes["ex4_digits"].run.trainer) == misclassified(
        outcomes["ex4_digits"].run
    )


def test_dying_relus(outcomes):
    o = outcomes["dying_relu"]
    dead = health.dead_units(o.run.cfg, o.run.Theta, o.run.trainer.X_train)
    assert any(len(units) == o.run.cfg.layer_sizes[l - 1] for l, units in dead.items())
    found = [f for f in health.diagnose(o.run.trainer) if f.kind == "dead"]
    assert any(f.numbers["fraction"] == 1.0 for f in found)
    assert o.numbers["compare_train"] >= 0.95
