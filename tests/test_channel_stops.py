"""Stops through the live channel, without a browser: Play pauses by itself exactly at a
lesson's stop epoch (or the *Stop at epoch* setting's) with its one-line message, Play again
goes on and says the claim was about the run up to the stop; Step never trains past a stop;
Play after a divergence is refused with the reason and what to do, and the frame says it is
not playing.  The route runs in Starlette's TestClient with the real scheduler thread."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient

from bp_core.presets import PRESETS
from lab_ui.live import stops
from lab_ui.live.channel import LiveSession, endpoint, protocol
from lab_ui.live.channel.session import ViewSettings
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema

ORIGIN = {"origin": "http://testserver"}


def _session(query: dict, speed: str = "20") -> tuple[LiveSession, dict]:
    ss: dict = {}
    schema.init_session(ss, query)
    lab = lab_mod.sync_lab(ss)
    live = LiveSession()
    live.lesson_stops = lab_mod.lesson_stops(ss, lab)
    live.publish(lab, ViewSettings(speed=speed))
    return live, ss


@pytest.fixture(scope="module")
def client():
    app = Starlette(routes=[WebSocketRoute(endpoint.PATH, endpoint.live_socket)])
    with TestClient(app) as c:
        yield c


def _frame(ws) -> dict:
    return protocol.unpack(ws.receive_bytes())


def _send(ws, **msg) -> None:
    ws.send_text(json.dumps(msg))


def _play_until_paused(ws, f: dict, limit: int = 2000) -> tuple[dict, list[str]]:
    events: list[str] = []
    for _ in range(limit):
        _send(ws, t="ack", rev=f["rev"])
        f = _frame(ws)
        events += f["events"]
        if not f["playing"]:
            return f, events
    raise AssertionError("Play never paused")


def test_play_pauses_exactly_at_the_presets_stop_then_goes_on(client):
    p = PRESETS["zero_init_symmetry"]
    live, _ = _session({"preset": p.name})
    first, second = p.all_stops
    assert set(live.lesson_stops) == {first.epoch, second.epoch}
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _send(ws, t="hello", token=live.token)
        f = _frame(ws)
        _send(ws, t="play")
        f, events = _play_until_paused(ws, f)
        # the frames in flight are drained: the last one is paused at the stop
        assert f["epoch"] == first.epoch == live.lab.trainer.epoch
        assert f["step"] == first.epoch * live.lab.trainer.steps_per_epoch
        assert f["notice"] == lab_mod.stop_line(p, first)
        assert f["notice"].endswith(lab_mod.TRY_NEXT_POINTER)  # the lesson has a run to try
        assert f["notice"].startswith("Epoch 300: the four rows of Θ⁽¹⁾ are still identical")
        assert "paused" in events
        _send(ws, t="play")  # again: on past the stop
        _send(ws, t="ack", rev=f["rev"])
        f = _frame(ws)
        assert f["playing"] and "up to epoch 300" in f["notice"]
        for _ in range(3):
            _send(ws, t="ack", rev=f["rev"])
            f = _frame(ws)
        assert f["epoch"] > first.epoch
        _send(ws, t="pause")
        f, _ = _play_until_paused(ws, f)
        assert not f["playing"]


def test_the_stop_setting_stops_any_run_and_step_lands_on_it(client):
    live, ss = _session({"stop": "3", "batch": "10"})  # 25 mini-batches an epoch
    assert ss["stop"] == 3 and list(live.lesson_stops) == [3]
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _send(ws, t="hello", token=live.token)
        f = _frame(ws)
        _send(ws, t="step", n="batch")  # mid-epoch 1 …
        for _ in range(5):  # … then five epochs asked for: they stop at epoch 3
            _send(ws, t="step", n="epoch")
        for _ in range(200):
            _send(ws, t="ack", rev=f["rev"])
            f = _frame(ws)
            if live.work is None and f["epoch"] >= 3:
                break
        assert (f["epoch"], f["step"]) == (3, 75)
        assert f["notice"].startswith("Epoch 3: stopped here")
        _send(ws, t="step", n="epoch")  # from the stop, a Step goes on
        for _ in range(50):
            _send(ws, t="ack", rev=f["rev"])
            f = _frame(ws)
            if f["epoch"] == 4:
                break
        assert f["epoch"] == 4


def test_play_lands_on_a_stop_even_at_the_fastest_speed(client):
    live, _ = _session({"stop": "7"}, speed="100")
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _send(ws, t="hello", token=live.token)
        f = _frame(ws)
        _send(ws, t="play")
        f, _ = _play_until_paused(ws, f)
        assert f["epoch"] == 7 and live.lab.trainer.steps == 7  # full batch: 1 step an epoch


def test_play_after_divergence_is_refused_with_why_and_what_to_do(client):
    live, _ = _session({"preset": "alpha_too_large"})
    assert not live.lab.trainer.run_epochs(100)  # diverges at epoch 72
    epoch = live.lab.trainer.divergence.epoch
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _send(ws, t="hello", token=live.token)
        f = _frame(ws)
        _send(ws, t="play")
        _send(ws, t="ack", rev=f["rev"])
        f = _frame(ws)
        assert not f["playing"] and not live.playing
        assert f["notice"] == (
            f"Training diverged at epoch {epoch}: press Reset, or choose a smaller α."
        )
        assert epoch == 72


def test_a_changed_setting_drops_the_lessons_stops_but_keeps_the_stop_setting():
    ss: dict = {}
    schema.init_session(ss, {"preset": "deep_sigmoid_vanishing", "stop": "5"})
    lab = lab_mod.sync_lab(ss)
    assert set(lab_mod.lesson_stops(ss, lab)) == {5, 60, 200}
    schema.set_setting(ss, "alpha", 0.1)  # a new experiment: the lesson's messages do not fit it
    lab = lab_mod.sync_lab(ss)
    assert set(lab_mod.lesson_stops(ss, lab)) == {5}


def test_next_stop_and_the_steps_at_a_stop():
    assert stops.next_stop(0, {300: "", 2000: ""}) == 300
    assert stops.next_stop(300, {300: "", 2000: ""}) == 2000  # at the stop: Play goes on
    assert stops.next_stop(2000, {300: ""}) is None

    class Tr:
        steps_per_epoch, epoch, steps, batch_in_epoch = 25, 1, 31, 6  # 6 into epoch 2

    assert stops.steps_at(Tr, 3) == 75

    class Resized:  # the batch size changed 3 mini-batches ago: the epoch began at step 28
        steps_per_epoch, epoch, steps, batch_in_epoch = 10, 1, 31, 3

    assert stops.steps_at(Resized, 3) == 48


def test_play_says_it_goes_past_a_stop_only_from_the_stop_on():
    """After time travel back before the stop (the Epoch slider), Play does not claim to go
    past it; a new Lab (Reset) forgets it."""
    live, _ = _session({"stop": "3"})
    tr = live.lab.trainer
    tr.run_epochs(3)
    live.landed(3)
    assert live.notice.startswith("Epoch 3: stopped here") and live.after_stop[0] == 3
    tr.restore(1)
    live.command({"t": "play"})
    assert live.playing and "past epoch 3" not in live.notice and live.after_stop is None
    live.command({"t": "pause"})
    tr.run_epochs(2)
    live.landed(3)
    live.command({"t": "play"})
    assert live.notice == "Playing on past epoch 3."
    live.command({"t": "pause"})


# -- Step work never passes a stop -----------------------------------------------------------
# The scheduler takes a session's steps into its work (``take_steps``) and trains it a slice a
# turn (``work_turn``); the tests below make those two calls themselves, holding the session's
# lock so that the scheduler thread cannot take a turn in between.


def _work_until_done(live: LiveSession, limit: int = 10_000) -> None:
    for _ in range(limit):
        if live.work is None:
            return
        live.work_turn(0.002)
    raise AssertionError("the Step work never finished")


def _not_past(tr, stop: int) -> bool:
    """True while training has not gone past the end of epoch ``stop``."""
    return tr.epoch < stop or (tr.epoch == stop and tr.batch_in_epoch == 0)


def test_step_work_stops_at_a_stop_set_after_it_was_asked_for():
    live, _ = _session({"batch": "10"})  # 25 mini-batches an epoch, no stop yet
    tr = live.lab.trainer
    with live.lock:
        for _ in range(4):
            live.pending.append("epoch")
        live.take_steps()  # four epochs asked for …
        live.work_turn(0.0)  # … one slice of them trained …
        live.lesson_stops = {2: ("Epoch 2: look here.", "Playing on past epoch 2.")}  # … a stop
        _work_until_done(live)
    assert (tr.epoch, tr.steps, tr.batch_in_epoch) == (2, 50, 0)
    assert live.notice == "Epoch 2: look here."


@pytest.mark.parametrize("change", ["batch size", "data"])
def test_step_work_lands_on_a_stop_after_a_mid_epoch_change(change):
    """A change of batch size (or of the data: a point drawn) mid-epoch starts the epoch
    afresh at any step count, so the end of an epoch is no longer a multiple of the steps per
    epoch: Step one epoch and the stop must follow the trainer's epoch, not that arithmetic."""
    live, _ = _session({"batch": "10", "stop": "3"})  # 25 mini-batches an epoch
    tr = live.lab.trainer
    with live.lock:
        for _ in range(13):
            tr.step()
        if change == "batch size":
            tr.with_settings(dataclasses.replace(tr.settings, batch_size=25))  # 10 an epoch
        else:
            tr.with_data(live.lab.dataset)  # the same points again: the epoch starts afresh
        spe = tr.steps_per_epoch
        for _ in range(spe - 2):  # into the epoch, past the step count's multiple of spe
            live.pending.append("batch")
        live.take_steps()
        _work_until_done(live)
        assert tr.epoch == 0 and tr.batch_in_epoch == spe - 2
        live.pending.append("epoch")  # Step one epoch: to the end of this epoch
        live.take_steps()
        _work_until_done(live)
        assert (tr.epoch, tr.batch_in_epoch) == (1, 0)
        for _ in range(5):  # five more epochs asked for: they stop at epoch 3
            live.pending.append("epoch")
        live.take_steps()
        _work_until_done(live)
    assert _not_past(tr, 3)
    assert (tr.epoch, tr.batch_in_epoch) == (3, 0)
    assert live.notice.startswith("Epoch 3: stopped here")


def _passed(before: tuple[int, int], tr, stop: int) -> bool:
    """Training went on past the end of epoch ``stop`` from ``before`` (epoch, mini-batches
    into it), which was short of it (a Step *from* the stop goes on, as it should)."""
    short = before[0] < stop
    return short and not _not_past(tr, stop)


@settings(max_examples=60, deadline=None)
@given(
    presses=st.lists(st.sampled_from(["batch", "epoch", "turn", "resize"]), max_size=30),
    stop=st.integers(1, 3),
)
def test_step_work_never_passes_a_stop(presses, stop):
    """Any order of Step, Step one epoch, a slice of training and a batch-size change
    mid-run: no slice of the Step work trains from before the stop to past it."""
    live, _ = _session({"batch": "32", "stop": str(stop)})  # 8 mini-batches an epoch
    tr = live.lab.trainer
    sizes = iter([16, 64, 128, 32] * 10)

    def turn() -> None:
        before = (tr.epoch, tr.batch_in_epoch)
        live.work_turn(0.0)  # one slice: at least one gradient step
        assert not _passed(before, tr, stop), (before, tr.epoch, tr.batch_in_epoch)

    with live.lock:
        for press in presses:
            if press == "turn":
                turn()
            elif press == "resize":
                tr.with_settings(dataclasses.replace(tr.settings, batch_size=next(sizes)))
            else:
                live.pending.append(press)
                live.take_steps()
        for _ in range(10_000):
            if live.work is None:
                break
            turn()
