"""Fair sharing of the live channel's one scheduler thread: work that takes longer than a
frame (a burst of *Step one epoch* on the largest network, a link's replay) is trained a
slice at a time, coalesced and bounded, and every other session keeps getting its frames.

These are properties, not timings: the other session receives frames *while* the big
session's work is pending, and the big session's work is done in many bounded slices.  The
bounds on gaps are generous (the machine running the tests may be busy)."""

from __future__ import annotations

import json
import threading
import time

import numpy as np
import pytest
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient

from lab_ui.live.channel import LiveSession, endpoint, protocol, work
from lab_ui.live.channel.session import ViewSettings
from lab_ui.playground import timeline_ui
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema

ORIGIN = {"origin": "http://testserver"}
#: The largest network the Playground builds: 10 hidden layers of 32, Adam, batch 1.
BIG = {
    "hidden": ",".join(["32"] * 10),
    "optimizer": "adam",
    "alpha": "0.01",
    "batch": "1",
    "n_points": "2000",
}
#: A frame gap no fair scheduler comes near (one epoch of BIG alone is ~0.5 s).
GENEROUS_GAP_S = 1.5


def _lab(**settings):
    ss: dict = {}
    schema.init_session(ss, {k: str(v) for k, v in settings.items()})
    return lab_mod.sync_lab(ss)


def _session(**settings) -> LiveSession:
    live = LiveSession()
    live.publish(_lab(**settings), ViewSettings())
    return live


@pytest.fixture(scope="module")
def client():
    app = Starlette(routes=[WebSocketRoute(endpoint.PATH, endpoint.live_socket)])
    with TestClient(app) as c:
        yield c


def _hello(ws, live: LiveSession) -> dict:
    ws.send_text(json.dumps({"t": "hello", "token": live.token}))
    return protocol.unpack(ws.receive_bytes())


def _send(ws, **msg) -> None:
    ws.send_text(json.dumps(msg))


@pytest.fixture
def slices(monkeypatch):
    """Every slice of work trained: (kind, seconds, gradient steps)."""
    seen: list[tuple[str, float, int]] = []

    def wrap(cls):
        real = cls.run_for

        def run_for(self, budget_s):
            steps, t0 = self.trainer.steps, time.perf_counter()
            done = real(self, budget_s)
            seen.append((cls.__name__, time.perf_counter() - t0, self.trainer.steps - steps))
            return done

        monkeypatch.setattr(cls, "run_for", run_for)

    wrap(work.StepWork)
    wrap(timeline_ui.Replay)
    return seen


def _big_work(kind: str, big: LiveSession, ws) -> None:
    """Give the big session 8 epochs of work: 8 *Step one epoch* presses, or a link's
    replay to epoch 8 handed to the scheduler as a page does."""
    if kind == "steps":
        for _ in range(8):
            _send(ws, t="step", n="epoch")
    else:
        tr = big.lab.trainer
        big.run_work(timeline_ui.Replay(tr, 8 * tr.steps_per_epoch))


@pytest.mark.parametrize("kind", ["steps", "replay"])
def test_a_big_sessions_work_is_sliced_and_another_keeps_its_frames(client, slices, kind):
    big = _session(**BIG)
    other = _session()
    with (
        client.websocket_connect(endpoint.PATH, headers=ORIGIN) as wb,
        client.websocket_connect(endpoint.PATH, headers=ORIGIN) as wo,
    ):
        fb, fo = _hello(wb, big), _hello(wo, other)
        _send(wo, t="play")
        _big_work(kind, big, wb)
        got, pending_seen = [], 0
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            _send(wo, t="ack", rev=fo["rev"])
            fo = protocol.unpack(wo.receive_bytes())
            got.append(time.monotonic())
            pending_seen += big.work is not None
        # the other session was served while the big session's work was pending
        assert pending_seen >= 5
        gaps = np.diff(got)
        assert len(got) >= 10 and gaps.max() < GENEROUS_GAP_S
        # the big session's client sees the progress in its status line
        _send(wb, t="ack", rev=fb["rev"])
        fb = protocol.unpack(wb.receive_bytes())
        if big.work is not None:
            what = "Training 8 epochs: " if kind == "steps" else "Replaying the link: epoch "
            assert what in fb["status"]
        _send(wb, t="pause")  # stops the work where it is
        _send(wo, t="pause")
        deadline = time.monotonic() + 5
        while big.work is not None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert big.work is None
    # many slices, each a few milliseconds of training, never a whole epoch at once
    mine = [s for s in slices if s[0] == ("StepWork" if kind == "steps" else "Replay")]
    spe = big.lab.trainer.steps_per_epoch
    assert len(mine) >= 10
    assert max(steps for _, _, steps in mine) < spe // 4
    assert np.median([t for _, t, _ in mine]) < 0.05


def test_steps_are_coalesced_then_refused_beyond_the_bound():
    live = _session(**BIG)
    tr = live.lab.trainer
    with live.lock:  # the scheduler waits (it never blocks on a held lock)
        for _ in range(10):
            live.command({"t": "step", "n": "epoch"})
        live.take_steps()
        w = live.work
        assert isinstance(w, work.StepWork) and w.epochs == 10
        assert w.target == 10 * tr.steps_per_epoch
        assert "Training 10 epochs: 0 %" in live.status_text(live.lab)
        for _ in range(work.MAX_PENDING_EPOCHS):
            live.command({"t": "step", "n": "epoch"})
        live.take_steps()
        assert live.work is w and w.epochs == work.MAX_PENDING_EPOCHS
        assert live.notice == work.refused_sentence()
        assert "20 epochs are already waiting to be trained: this Step was ignored" in live.notice
        live.command({"t": "step", "n": "batch"})  # a mini-batch more is beyond it too
        live.take_steps()
        assert w.batches == 0
        live.command({"t": "pause"})
        live.take_steps()
        assert live.work is None and w.cancelled == "paused"
        assert "stepped" in live.events  # the page re-runs: its slider shows where it stopped
        assert tr.steps < tr.steps_per_epoch  # nothing trained while the lock was held


def test_a_step_press_trains_the_rest_of_the_epoch_then_whole_ones():
    live = _session(batch=10)  # 25 mini-batches an epoch
    tr = live.lab.trainer
    with live.lock:
        for n in ("batch", "batch", "epoch", "epoch", "batch"):
            live.command({"t": "step", "n": n})
        live.take_steps()
        w = live.work
        assert w.target == 2 * 25 + 1 and w.label().startswith("Training 2 epochs and 3 mini-b")
        while not w.run_for(0.01):
            pass
    assert tr.steps == 51


def test_the_scheduler_never_waits_for_a_sessions_lock(client):
    held = _session()
    other = _session()
    with (
        client.websocket_connect(endpoint.PATH, headers=ORIGIN) as wh,
        client.websocket_connect(endpoint.PATH, headers=ORIGIN) as wo,
    ):
        _hello(wh, held)
        fo = _hello(wo, other)
        _send(wo, t="play")
        got = threading.Event()
        with held.lock:  # its page is busy (a Reset, a page run) …
            _send(wh, t="play")  # … and it wants frames
            _send(wh, t="ack", rev=1)
            for _ in range(5):  # the other one is served meanwhile
                _send(wo, t="ack", rev=fo["rev"])
                fo = protocol.unpack(wo.receive_bytes())
            got.set()
        assert got.is_set() and fo["playing"]
        fh = protocol.unpack(wh.receive_bytes())  # and the held one once its lock is free
        assert fh["t"] == "frame"
        _send(wh, t="pause")
        _send(wo, t="pause")


def test_a_replay_through_the_scheduler_is_bit_for_bit_the_straight_run():
    live = LiveSession()  # a page's first run: no Lab published, no client yet
    query = {"batch": "16", "optimizer": "adam", "alpha": "0.01"}
    lab, straight = _lab(**query), _lab(**query).trainer
    tr = lab.trainer
    r = timeline_ui.Replay(tr, 40 * tr.steps_per_epoch)
    live.run_work(r)
    assert r.finished.wait(60)
    straight.run_epochs(40)
    assert r.why == "" and (tr.epoch, tr.steps) == (40, straight.steps)
    assert np.array_equal(tr.theta_vec, straight.theta_vec)
    assert tr.history.J_train == straight.history.J_train
    assert live.work is None


def test_a_replay_stops_at_its_cap_and_says_where(monkeypatch):
    monkeypatch.setattr(timeline_ui, "PROGRESS_AFTER_S", 0.0)
    tr = _lab(**BIG).trainer
    r = timeline_ui.Replay(tr, 60 * tr.steps_per_epoch, max_s=0.4)
    r.estimate = 0.2  # estimated as quick, then slower than that (a busy machine)
    t0 = time.perf_counter()
    while not r.run_for(0.01):
        pass
    took = time.perf_counter() - t0
    assert r.stopped and 0.4 <= took < 0.4 + 0.3
    assert r.why.startswith(f"The replay stopped at epoch {tr.epoch}")
    assert r.why.endswith("after 1 s, the most a link's replay takes here: press Play to continue.")
    assert r.said() == r.why and tr.steps < 60 * tr.steps_per_epoch


def test_a_long_replay_says_what_it_did(monkeypatch):
    monkeypatch.setattr(timeline_ui, "PROGRESS_AFTER_S", 0.0)
    tr = _lab().trainer
    r = timeline_ui.Replay(tr, 5 * tr.steps_per_epoch)
    while not r.run_for(0.01):
        pass
    assert r.why == "" and r.said().startswith("Replayed 5 of 5 epochs in ")


# -- memory: a freed session gives the allocator's pages back ---------------------------------


def test_a_freed_session_trims_the_allocator(monkeypatch):
    import gc

    from lab_ui.live.channel import memory

    calls: list[int] = []
    monkeypatch.setattr(memory, "_MALLOC_TRIM", lambda pad: calls.append(pad) or 1)
    monkeypatch.setattr(memory, "TRIM_DELAY_S", 0.0)
    live = _session()
    del live
    gc.collect()
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.01)
    assert calls == [0]


def test_without_malloc_trim_nothing_is_done(monkeypatch):
    from lab_ui.live.channel import memory

    monkeypatch.setattr(memory, "_MALLOC_TRIM", None)
    assert memory.trim() is False
