"""The mechanism panels on the live channel (lab_ui.live.compare), without a browser: a session
with the landscape open sends it, slow motion is sent once, ghosts are bounded to
MAX_RUNS, and a race trains every racer from the same Θ within the frame budget."""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pytest

import bp_core as bp
from bp_core.landscape import steepest_weights
from bp_core.race import race_runs
from lab_ui.live import compare, frames
from lab_ui.live.channel import LiveSession, protocol
from lab_ui.shared import schema
from tests.live_helpers import live_session


def _do(live: LiveSession, **msg) -> dict:
    """Send one command as the endpoint would (parsed), apply it, and build the next frame."""
    live.command(protocol.parse_client(__import__("json").dumps(msg)))
    live.mech.apply(live)
    return live.frame().message()


def test_the_landscape_is_sent_only_while_its_panel_is_open():
    live = live_session()
    assert "landscape" not in live.frame().message()
    msg = _do(live, t="landscape", open=True)
    ls = msg["landscape"]
    tr = live.lab.trainer
    trace = bp.backprop(tr.cfg, tr.Theta, tr.X_train, tr.Y_train)
    assert [tuple(ls["w1"]), tuple(ls["w2"])] == steepest_weights(trace.D)
    assert ls["auto"] and ls["n"] == 41 and ls["m"] == tr.m
    J = frames.decode_f32(ls["J"]).reshape(41, 41)
    assert J[20, 20] == pytest.approx(trace.J, rel=1e-5)  # float32 on the wire
    assert ls["path"][0][-1] == pytest.approx(ls["theta"][0], rel=1e-5)
    # two edges picked by hand
    msg = _do(live, t="landscape", open=True, w=[[1, 1, 1], [2, 1, 0]])
    assert msg["landscape"]["w1"] == [1, 1, 1] and not msg["landscape"]["auto"]
    msg = _do(live, t="landscape", open=False)
    assert "landscape" not in msg


def test_the_landscape_is_remade_at_most_every_few_frames_while_playing():
    live = live_session()
    _do(live, t="landscape", open=True)
    live.playing = True
    ids = []
    for _ in range(2 * compare.LANDSCAPE_EVERY):
        live.lab.trainer.step()
        ids.append(live.frame().message()["landscape"]["id"])
    assert len(set(ids)) <= 3  # one new landscape per LANDSCAPE_EVERY frames at most


def test_the_landscape_plan_keeps_the_largest_network_within_its_work():
    sizes = (64, *(32,) * 10, 10)
    n, m = compare.landscape_plan(sizes, 1, 1600)
    assert compare.landscape_work(sizes, 1, n, m) <= compare.LANDSCAPE_WORK * 1.05
    assert n >= compare.LANDSCAPE_MIN_N and m >= 20
    assert compare.landscape_plan((2, 4, 2, 1), 1, 250) == (41, 250)  # the default: all


def test_slow_motion_sends_its_phases_once_with_step_throughs_titles():
    live = live_session()
    live.playing = True
    msg = _do(live, t="slowmo")
    assert not live.playing
    sm = msg["slowmo"]
    cfg = live.lab.cfg
    from lab_ui.step import stepper

    assert len(sm["phases"]) == stepper.n_forward_steps(cfg) + stepper.n_backward_steps(cfg)
    assert sm["phases"][1]["title"] == "z⁽²⁾ = Θ⁽¹⁾ a⁽¹⁾"
    assert [p["kind"] for p in sm["phases"]][-1] == "update"
    assert all(p["numbers"] for p in sm["phases"][1:])
    assert "slowmo" not in live.frame().message()


def test_ghosts_are_kept_labelled_and_bounded():
    live = live_session()
    live.frame()  # the view has a boundary: the ghost keeps it as an outline
    msg = _do(live, t="ghost", op="keep")
    g = msg["ghosts"]["runs"]
    assert len(g) == 1 and g[0]["label"].startswith("ghost 1: α =")
    assert g[0]["outline"]["kind"] == "binary"
    assert "ghosts" not in live.frame().message()  # sent when they change only
    for _ in range(compare.MAX_RUNS - 1):
        _do(live, t="ghost", op="keep")
    assert len(live.mech.ghosts) == compare.MAX_RUNS
    msg = _do(live, t="ghost", op="keep")  # a fifth: refused, with a reason
    assert len(live.mech.ghosts) == compare.MAX_RUNS
    assert f"At most {compare.MAX_RUNS} runs" in msg["notice"]
    msg = _do(live, t="ghost", op="clear")
    assert msg["ghosts"]["runs"] == []


def test_a_race_trains_every_optimizer_from_the_same_theta():
    live = live_session()
    lab = live.lab
    lab.trainer.run_epochs(3)
    Theta0 = [T.copy() for T in lab.trainer.Theta]
    msg = _do(live, t="race", op="start")
    racers = live.mech.racers
    assert {r.optimizer for r in racers} == set(bp.OPTIMIZERS) - {lab.settings.optimizer}
    for r in racers:
        for a, b in zip(r.trainer.Theta, Theta0, strict=True):
            np.testing.assert_array_equal(a, b)
        assert r.trainer.settings.alpha == lab.trainer.settings.alpha
    assert len(msg["race"]["runs"]) == 1 + len(racers)
    # train: every racer catches up to the same number of steps within the budget
    start = lab.trainer.steps
    for _ in range(5):
        lab.trainer.step()
    live.mech.train(lab, 1.0)
    assert all(r.trainer.steps == lab.trainer.steps - start for r in racers)
    # a racer with this run's own optimizer is this run, step for step
    same = race_runs(lab.settings, lab.dataset, Theta0, [lab.settings.optimizer])[0].trainer
    for _ in range(5):
        same.step()
    np.testing.assert_array_equal(same.theta_vec, lab.trainer.theta_vec)
    # the budget is shared: this run gets its share of it
    assert live.mech.share(0.012) == pytest.approx(0.012 / (1 + len(racers)))


def test_a_race_counts_towards_the_bound():
    live = live_session()
    for _ in range(compare.MAX_RUNS - 1):
        _do(live, t="ghost", op="keep")
    _do(live, t="race", op="start")
    assert live.mech.runs == compare.MAX_RUNS  # one racer only: the room left
    assert "left out" in live.notice
    msg = _do(live, t="ghost", op="keep")
    assert f"At most {compare.MAX_RUNS} runs" in msg["notice"]


def test_mechanism_messages_are_checked():
    bad = [
        '{"t":"landscape"}',
        '{"t":"landscape","open":true,"w":[[1,1,1]]}',
        '{"t":"ghost","op":"eat"}',
        '{"t":"race","op":"start","opts":[1,2]}',
    ]
    for raw in bad:
        with pytest.raises(protocol.BadMessageError):
            protocol.parse_client(raw)


def test_old_links_with_speed_slow_still_open():
    """ "slow" is no longer a speed (slow motion is the live view's own mode); an old link
    with speed=slow opens at one mini-batch a frame, without a note."""
    values, notes = schema.settings_from_query({"speed": "slow"})
    assert values["speed"] == "step" and not notes
    assert "slow" not in schema.SPEEDS
