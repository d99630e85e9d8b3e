"""Stops through the live channel, without a browser: Play pauses by itself exactly at a
lesson's stop epoch (or the *Stop at epoch* setting's) with its one-line message, Play again
goes on and says the claim was about the run up to the stop; Step never trains past a stop;
Play after a divergence is refused with the reason and what to do, and the frame says it is
not playing.  The route runs in Starlette's TestClient with the real scheduler thread."""

from __future__ import annotations

import json

import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient

from bp_core.presets import PRESETS
from lab_ui.live import stops
from lab_ui.live.channel import LiveSession, endpoint, protocol
from lab_ui.live.channel.session import ViewSettings
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema, text

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
        assert f["notice"] == text.course(first.message)
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
        steps_per_epoch, epoch, steps = 25, 1, 31  # 6 mini-batches into epoch 2

    assert stops.steps_at(Tr, 3) == 75


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
