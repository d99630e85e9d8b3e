"""Every preset's claim holds at every epoch from the epoch its statement names
(``Claim.since``) to its stop (``Preset.stop_epoch``), not only at the end; a later stop's
own claim (a second beat of the lesson) holds at that stop; and a stop is where the story
says the run is.

How it is measured: the preset and its comparison are trained side by side one epoch at a
time (the trainer records a history row, with every ‖D^(l)‖, at every epoch), and the
claim's own ``measure`` and ``holds`` are applied after each epoch — to the run as the live
view shows it at that epoch.  Fixed seeds (the presets'), so the runs are the app's, bit
for bit; the tolerances are the claims' own.  About 10 s in all.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from bp_core.presets import PRESETS, PresetRun, Stop, build_preset

NAMES = list(PRESETS)


def _run(preset):
    data, cfg, tr = build_preset(preset)
    return lambda: PresetRun(preset, data, cfg, tr, tr.epoch, 0.0)


@pytest.mark.parametrize("name", NAMES)
def test_the_claim_holds_at_every_epoch_from_since_to_the_stop(name):
    p = PRESETS[name]
    run = _run(p)
    other = p.comparison()
    comp = _run(other) if other is not None else None
    checked, failed = [], []
    for epoch in range(1, p.stop_epoch + 1):
        r = run()
        ok = r.trainer.run_epoch()
        if comp is not None:
            comp().trainer.run_epoch()
        if epoch < p.claim.since and ok:
            continue
        n = p.claim.measure(run(), comp() if comp is not None else None)
        checked.append(epoch)
        if not p.claim.holds(n):
            failed.append((epoch, n))
        if not ok:  # diverged: the run ends here (the live view pauses and says so)
            break
    assert checked, name
    assert not failed, (p.claim.statement, failed[:3])
    if not run().trainer.diverged:
        assert checked == list(range(p.claim.since, p.stop_epoch + 1))


@pytest.mark.parametrize("name", [n for n, p in PRESETS.items() if len(p.all_stops) > 1])
def test_a_later_stop_tells_a_true_second_beat(name):
    p = PRESETS[name]
    run = _run(p)
    for stop in p.all_stops[1:]:
        run().trainer.run_epochs(stop.epoch - run().trainer.epoch)
        assert run().trainer.epoch == stop.epoch and stop.claim is not None
        n = stop.claim.measure(run(), None)
        assert stop.claim.holds(n), (stop.claim.statement, n)


def test_zero_init_rows_identical_at_every_epoch_to_the_stop_then_the_symmetry_breaks():
    """The story: identical (to 9 digits) up to epoch 300; float64 rounding then grows until
    the symmetry breaks near epoch 1,700 (the second stop, 2,000, is past it)."""
    p = PRESETS["zero_init_symmetry"]
    data, cfg, tr = build_preset(p)
    spread = {}
    for epoch in range(1, 2001):
        tr.run_epoch()
        T = tr.Theta[0]  # (4, 3): one row per hidden unit
        spread[epoch] = float(np.ptp(T, axis=0).max() / np.abs(T).max()) if T.any() else 0.0
    assert max(spread[e] for e in range(1, 301)) <= 1e-9
    assert spread[1500] < 0.1 and spread[1900] > 0.5  # broken between 1,500 and 1,900
    assert spread[2000] >= 0.5


def test_deep_sigmoid_story_numbers():
    """Up to the stop (60) ‖D^(1)‖ sits four to six orders of magnitude below ‖D^(9)‖ and J
    falls only to log 2; at the second stop (200) every ‖D^(l)‖ is below 10⁻⁶."""
    p = PRESETS["deep_sigmoid_vanishing"]
    data, cfg, tr = build_preset(p)
    tr.run_epochs(200)
    g = np.array(tr.history.grad_norm)  # (201, 9), row = epoch
    ratio = g[1:61, -1] / g[1:61, 0]
    assert ratio.min() >= 1e4 and ratio.max() <= 1e6
    assert abs(tr.history.J_train[60] - math.log(2)) <= 1e-3
    assert g[200].max() < 1e-6


def test_every_preset_has_stops_starting_at_its_claim():
    for name, p in PRESETS.items():
        stops = p.all_stops
        assert stops[0].epoch == p.stop_epoch == p.epochs, name
        assert all(
            isinstance(s, Stop) and s.message.startswith(f"Epoch {s.epoch:,}:") for s in stops
        )
        assert all("\n" not in s.message and len(s.message) <= 240 for s in stops), name
        assert 1 <= p.claim.since <= p.stop_epoch
        # the statement names the epochs it is checked at
        assert f"{p.claim.since}" in p.claim.statement or p.claim.since == p.stop_epoch, name


def test_stops_are_checked():
    p = PRESETS["xor_hidden_layer"]
    with pytest.raises(ValueError, match="whole number"):
        Stop(0, "Epoch 0: x")
    with pytest.raises(ValueError, match="needs a message"):
        Stop(3, " ")
    from dataclasses import replace

    with pytest.raises(ValueError, match="start at its claim's epoch"):
        replace(p, stops=(Stop(5, "Epoch 5: x"),))
    with pytest.raises(ValueError, match="go up"):
        replace(p, stops=(Stop(300, "Epoch 300: x"), Stop(300, "Epoch 300: y")))
    with pytest.raises(ValueError, match="since"):
        replace(p, claim=replace(p.claim, since=301))
    assert "up to epoch 300" in p.all_stops[0].after()
