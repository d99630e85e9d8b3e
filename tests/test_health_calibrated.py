"""The health findings (bp_core.health) are calibrated on the presets: each fires on the
preset that exists to show it, at every recorded epoch where that preset's claim holds, and
none cries wolf on a run that learns well.  Every preset is trained to each of its stops and
``diagnose`` must give exactly the findings listed here (kind and course layer).

Thresholds (bp_core.health, each with its reason there): ``VANISHING_RATIO`` = 100,
``DEAD_FRACTION`` = 1/2 of a layer, ``EXPLODING_RATIO`` = 100 with J risen to
``EXPLODING_J_RISE`` = 1.1 × its lowest, ``SATURATION_LIMIT`` = 1/2.  Fixed seeds (the
presets'); about 10 s.
"""

from __future__ import annotations

import pytest

from bp_core import health
from bp_core.presets import PRESETS, PresetRun, build_preset

#: (preset, stop epoch) → the findings ``diagnose`` gives there: (kind, course layer).
EXPECTED: dict[tuple[str, int], set[tuple[str, int | None]]] = {
    ("xor_hidden_layer", 300): set(),
    ("circle_squares", 100): set(),
    ("deep_sigmoid_vanishing", 60): {("vanishing", layer) for layer in range(1, 6)},
    # the plateau: every ‖D^(l)‖ below 10⁻⁶, none 100 times below the last (the stop says so)
    ("deep_sigmoid_vanishing", 200): set(),
    # diverged at epoch 72, before its stop: the divergence and the growth of ‖D^(1)‖
    ("alpha_too_large", 100): {("exploding", None), ("exploding", 1)},
    # λ = 0 lets the weights grow until layer 3's tanh units sit on their flat ends
    ("lambda_overfitting", 1000): {("saturated", 3)},
    ("zero_init_symmetry", 300): set(),
    # once the symmetry broke, α = 3 drove layer 2's sigmoids onto their flat ends
    ("zero_init_symmetry", 2000): {("saturated", 2)},
    ("spiral_depth", 400): set(),
    ("softmax_blobs", 200): set(),
    ("saturated_output", 100): set(),
    ("ex4_digits", 100): set(),
    ("dying_relu", 100): {("dead", 2), ("dead", 3), ("dead", 4)},
}

#: The runs that learn well: silent at their stops.
LEARN_WELL = ("xor_hidden_layer", "circle_squares", "spiral_depth", "softmax_blobs", "ex4_digits")

#: The preset that exists to show each kind.
SHOWCASE = {
    "vanishing": "deep_sigmoid_vanishing",
    "dead": "dying_relu",
    "exploding": "alpha_too_large",
}


def _found(trainer) -> set[tuple[str, int | None]]:
    return {(f.kind, f.layer) for f in health.diagnose(trainer)}


def test_every_stop_of_every_preset_is_listed():
    assert set(EXPECTED) == {(n, s.epoch) for n, p in PRESETS.items() for s in p.all_stops}
    assert all(EXPECTED[(n, PRESETS[n].stop_epoch)] == set() for n in LEARN_WELL)


@pytest.mark.parametrize("name", list(PRESETS))
def test_exactly_the_expected_findings_at_every_stop(name):
    data, cfg, tr = build_preset(PRESETS[name])
    for stop in PRESETS[name].all_stops:
        if not tr.diverged:
            tr.run_epochs(stop.epoch - tr.epoch)
        assert _found(tr) == EXPECTED[(name, stop.epoch)], (name, stop.epoch)


@pytest.mark.parametrize("kind", list(SHOWCASE))
def test_the_finding_fires_wherever_its_showcase_claim_holds(kind):
    """At every recorded epoch from the claim's ``since`` to the stop (the claim holds there:
    tests/test_lessons_hold.py) the finding is among the diagnosis."""
    p = PRESETS[SHOWCASE[kind]]
    data, cfg, tr = build_preset(p)
    other = p.comparison()
    _, cfg2, tr2 = build_preset(other)
    missing = []
    for epoch in range(1, p.stop_epoch + 1):
        ok = tr.run_epoch()
        tr2.run_epoch()
        if epoch >= p.claim.since or not ok:
            numbers = p.claim.measure(
                PresetRun(p, data, cfg, tr, epoch, 0.0),
                PresetRun(other, data, cfg2, tr2, epoch, 0.0),
            )
            assert p.claim.holds(numbers)
            if kind not in {k for k, _ in _found(tr)}:
                missing.append(epoch)
        if not ok:
            break
    assert not missing, (kind, missing[:5])


def test_exploding_fires_while_alpha_too_large_climbs():
    """Before the divergence too: from epoch 5, J has risen at every epoch and ‖D^(1)‖ is
    100 times its earlier median or more."""
    data, cfg, tr = build_preset(PRESETS["alpha_too_large"])
    quiet = []
    for epoch in range(1, 72):
        assert tr.run_epoch()
        if epoch >= 5 and ("exploding", 1) not in _found(tr):
            quiet.append(epoch)
    assert not quiet


@pytest.mark.parametrize("name", LEARN_WELL)
def test_silent_on_the_runs_that_learn_well(name):
    """The learning runs never see a vanishing, exploding or dead finding at any epoch from
    the claim's ``since`` to the stop."""
    p = PRESETS[name]
    data, cfg, tr = build_preset(p)
    noisy = []
    for epoch in range(1, p.stop_epoch + 1):
        tr.run_epoch()
        if epoch >= p.claim.since and epoch % 10 == 0:
            if _found(tr):
                noisy.append((epoch, _found(tr)))
    assert not noisy, noisy[:3]


def test_one_dead_relu_of_three_is_normal_and_half_is_reported():
    import numpy as np

    import bp_core as bp

    cfg = bp.NetConfig((2, 4, 1), "relu")
    X = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    alive = [0.1, 1.0, 0.5]
    dead = [-100.0, 1.0, 1.0]
    for n_dead, reported in ((1, False), (2, True), (4, True)):
        Theta1 = np.array([dead] * n_dead + [alive] * (4 - n_dead))  # (4, 3)
        Theta = [Theta1, np.ones((1, 5))]
        assert len(health.dead_units(cfg, Theta, X)[2]) == n_dead
        assert bool(health.find_dead_units(cfg, Theta, X)) is reported
        assert len(health.find_dead_units(cfg, Theta, X, fraction=0)) == 1
