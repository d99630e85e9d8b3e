"""Class sessions (lab_ui.classroom): codes, the class model and its bounds, the fan-out of
the lecturer's frames, and the class socket in Starlette's TestClient with the real
scheduler."""

from __future__ import annotations

import json
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from lab_ui.classroom import bounds, codes, copy, endpoint, model, questions
from lab_ui.classroom.model import CLASSES, Classes, JoinGuard
from lab_ui.classroom.questions import quick_question
from lab_ui.live.channel import LiveSession, protocol
from lab_ui.live.channel.session import WINDOW, ViewSettings
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema
from tests.live_helpers import live_session

ORIGIN = {"origin": "http://testserver"}


class FakeOutlet:
    def __init__(self) -> None:
        self.closed = False
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sent.append(data)


# -- codes ------------------------------------------------------------------------------


def test_codes_read_aloud_and_name_their_replica(monkeypatch):
    assert not set("0O1IL") & set(codes.ALPHABET) and len(set(codes.ALPHABET)) == 31
    monkeypatch.setenv(codes.ENV_REPLICA, "3")
    for _ in range(50):
        c = codes.new_code()
        assert len(c) == 6 and c[0] == codes.ALPHABET[3] and codes.normalize(c) == c
    assert codes.normalize(" " + c.lower() + " ") == c  # typed in lowercase


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "ABCDE",
        "ABCDEFG",
        "ABCDE0",
        "ABCDEO",
        "ABCDE1",
        "ABCDEL",
        "ABC DE",
        None,
        123456,
        "ÀBCDEF",
    ],
)
def test_normalize_refuses_what_is_not_a_code(bad):
    assert codes.normalize(bad) is None


@pytest.mark.parametrize(
    "value, index", [("", 0), ("0", 0), ("2", 2), ("x", 0), ("-1", 0), ("31", 0), ("30", 30)]
)
def test_replica_index_from_the_environment(monkeypatch, value, index):
    monkeypatch.setenv(codes.ENV_REPLICA, value)
    assert codes.replica_index() == index


# -- the class model ----------------------------------------------------------------------


def test_a_class_keeps_only_a_hash_of_the_lecturer_secret():
    live = live_session()
    classes = Classes()
    klass, secret = classes.create(live)
    assert len(secret) >= 40 and secret not in klass.secret_hash
    assert klass.check(secret) and not klass.check(secret + "x") and not klass.check("")
    assert not klass.check(None) and live.classroom is klass
    assert classes.get(klass.code.lower()) is klass


def test_the_number_of_classes_and_students_is_bounded():
    classes = Classes()
    lives = [live_session() for _ in range(bounds.MAX_CLASSES)]
    made = [classes.create(live)[0] for live in lives]
    with pytest.raises(ValueError, match="classes"):
        classes.create(live_session())
    with pytest.raises(ValueError):
        classes.create(lives[0], max_students=bounds.MAX_STUDENTS + 1)
    small = made[0]
    small.max_students = 2
    assert small.join("a" * 16, FakeOutlet())[0] is not None
    assert small.join("b" * 16, FakeOutlet())[0] is not None
    assert small.join("c" * 16, FakeOutlet()) == (None, None, "full")
    f, old, _ = small.join("a" * 16, FakeOutlet())  # a reload takes its place back
    assert f is not None and old is not None and small.students() == 2


def test_a_class_ends_after_its_lecturer_is_gone_too_long(monkeypatch):
    classes = Classes()
    klass, _ = classes.create(live_session())
    outlet = FakeOutlet()
    klass.join("a" * 16, outlet)
    klass.seen_at -= bounds.LECTURER_GONE_S + 1
    assert classes.get(klass.code) is None and klass.ended and outlet.closed


def test_the_students_are_told_when_the_lecturers_screen_goes_away_and_comes_back():
    live = live_session()
    klass, _ = Classes().create(live)
    outlet = FakeOutlet()
    klass.join("b" * 16, outlet)
    live.outlet = FakeOutlet()  # the projector's socket is open
    assert klass.watch() is False and outlet.sent == []
    live.outlet = None  # its tab closed, or its connection lost
    assert klass.watch() is True and klass.watch() is True  # said once
    notices = [protocol.unpack(m) for m in outlet.sent]
    assert [n["text"] for n in notices] == [model.LECTURER_AWAY]
    live.outlet = FakeOutlet()
    assert klass.watch() is False
    assert protocol.unpack(outlet.sent[-1])["text"] == model.LECTURER_BACK


def test_the_watch_thread_ends_an_expired_class_by_itself(monkeypatch):
    monkeypatch.setattr(bounds, "WATCH_S", 0.02)
    classes = Classes()
    klass, _ = classes.create(live_session())
    outlet = FakeOutlet()
    klass.join("c" * 16, outlet)
    klass.seen_at -= bounds.LECTURER_GONE_S + 1  # nothing touches the class after this
    for _ in range(200):
        if klass.ended:
            break
        time.sleep(0.01)
    assert klass.ended and outlet.closed and len(classes) == 0


def test_questions_answers_tally_and_reveal():
    live = live_session()
    klass, _ = Classes().create(live)
    fids = [f"student{i:012d}" for i in range(4)]
    for fid in fids:
        klass.join(fid, FakeOutlet())
    q = klass.ask(quick_question("choice", "Which?", choices=["x", "y", "z"], answer=1))
    assert klass.answer(fids[0], q.qid, 0) == 0
    assert klass.answer(fids[0], q.qid, 1) == 1  # changed before the reveal
    assert klass.answer(fids[1], q.qid, 1) == 1
    assert klass.answer(fids[2], q.qid, 2) == 2
    assert klass.answer(fids[3], q.qid, 3) is None  # no choice D
    assert klass.answer(fids[3], q.qid + 1, 0) is None  # not the open question
    assert klass.answer("stranger" * 3, q.qid, 0) is None  # not a follower
    part = klass.parts()["class"]["question"]
    assert part["answers_text"] == "3 answers" and part["reveal"] is None and part["open"]
    klass.reveal(live.lab.trainer)
    part = klass.parts()["class"]["question"]
    assert not part["open"] and part["reveal"]["counts"] == [0, 2, 1]
    assert part["reveal"]["right"] == 1 and "B: y" in part["reveal"]["text"]
    assert klass.answer(fids[3], q.qid, 0) is None  # closed
    assert questions.answers_text(1) == "1 answer" and questions.answers_text(0) == "0 answers"


def test_a_number_question_counts_within_its_tolerance():
    klass, _ = Classes().create(live_session())
    for i in range(5):
        klass.join(f"student{i:012d}", FakeOutlet())
    q = klass.ask(quick_question("number", "J after 10 epochs?", answer=0.5, tolerance=0.1))
    for i, a in enumerate([0.3, 0.45, 0.55, 0.6, 9]):
        klass.answer(f"student{i:012d}", q.qid, a)
    klass.reveal()
    assert klass.parts()["class"]["question"]["reveal"]["counts"] == [1, 3, 1]


def test_the_sign_question_is_answered_by_the_engine():
    from lab_ui.live import frames

    live = live_session()
    klass, _ = Classes().create(live)
    q = klass.ask(quick_question("sign", "", weight=(1, 1, 1)))
    assert "D" in q.text and q.answer is None
    klass.reveal(live.lab.trainer)
    D = frames.chain_part(live.lab.trainer, [1, 1, 1])["D"]
    assert q.answer == (0 if D > 0 else 1) and "epoch" in q.reveal_text


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "choice", "prompt": "?", "choices": ["one"], "answer": 0},
        {"kind": "choice", "prompt": "?", "choices": ["a", ""], "answer": 0},
        {"kind": "choice", "prompt": "?", "choices": ["a", "b"], "answer": 2},
        {"kind": "number", "prompt": "?", "answer": float("nan")},
        {"kind": "number", "prompt": "?", "answer": 1.0, "tolerance": -1},
        {"kind": "sign", "prompt": "?", "weight": (0, 1, 0)},
        {"kind": "essay", "prompt": "?"},
    ],
)
def test_a_quick_question_that_makes_no_sense_is_refused_in_words(kwargs):
    with pytest.raises(ValueError, match=r"\w+ .*\."):
        quick_question(**kwargs)


def test_questions_per_class_are_bounded_and_tallies_export_as_csv():
    klass, _ = Classes().create(live_session())
    for i in range(bounds.MAX_QUESTIONS + 5):
        klass.ask(quick_question("choice", f"=cmd|{i}", choices=["a", "b"], answer=0))
    assert len(klass.tallies()) == bounds.MAX_QUESTIONS
    csv = klass.tallies_csv().decode("utf-8")
    assert csv.splitlines()[0].startswith("question,kind,text,answers")
    assert "'=cmd|" in csv  # no formula reaches a spreadsheet


def test_end_class_keeps_nothing_and_closes_the_followers():
    live = live_session()
    classes = Classes()
    klass, _ = classes.create(live)
    outlet = FakeOutlet()
    klass.join("a" * 16, outlet)
    klass.ask(quick_question("choice", "?", choices=["a", "b"], answer=0))
    classes.end(klass.code)
    assert klass.ended and outlet.closed and not klass.questions and not klass.followers
    assert live.classroom is None and classes.get(klass.code) is None


def test_failed_joins_are_rate_limited_per_address():
    now = [0.0]
    guard = JoinGuard(clock=lambda: now[0])
    for _ in range(bounds.JOIN_FAIL_BURST):
        assert guard.allowed("10.0.0.1")
        guard.failed("10.0.0.1")
    assert not guard.allowed("10.0.0.1") and guard.allowed("10.0.0.2")
    now[0] += 1 / bounds.JOIN_FAIL_RATE
    assert guard.allowed("10.0.0.1")


def test_the_guard_forgets_the_oldest_address_beyond_its_bound():
    guard = JoinGuard()
    for i in range(bounds.MAX_ADDRESSES + 10):
        guard.failed(f"a{i}", f"tab{i:020d}")
    assert len(guard._buckets) == bounds.MAX_ADDRESSES
    assert len(guard._tabs) == bounds.MAX_ADDRESSES


def test_one_students_typos_do_not_block_a_hall_behind_one_address():
    now = [0.0]
    guard = JoinGuard(clock=lambda: now[0])
    nat = "203.0.113.7"  # a whole lecture hall behind one NAT address
    typist = "typist-" + "t" * 16
    for _ in range(bounds.JOIN_FAIL_BURST):
        guard.failed(nat, typist)
    assert not guard.allowed(nat, typist)  # this tab waits …
    for i in range(50):  # … and every other student of the hall still joins
        assert guard.allowed(nat, f"student-{i:016d}")
    now[0] += 1 / bounds.JOIN_FAIL_RATE
    assert guard.allowed(nat, typist)


@settings(max_examples=25, deadline=None)
@given(tabs=st.lists(st.text("ab", min_size=1, max_size=3), min_size=1, max_size=400))
def test_made_up_tab_ids_cannot_guess_faster_than_the_address_bound(tabs):
    """Whatever tab ids a guesser sends, one address's wrong codes stay within its bucket:
    at most JOIN_FAIL_ADDRESS_BURST at once (no time passes here)."""
    guard = JoinGuard(clock=lambda: 0.0)
    tried = 0
    for tab in tabs:
        if guard.allowed("198.51.100.1", tab):
            guard.failed("198.51.100.1", tab)
            tried += 1
    assert tried <= bounds.JOIN_FAIL_ADDRESS_BURST
    assert tried >= min(len(tabs), bounds.JOIN_FAIL_BURST)  # a first tab is never refused


# -- the fan-out ----------------------------------------------------------------------------


def test_one_frame_goes_to_every_ready_follower_paced_by_its_own_acks():
    live = live_session()
    klass, _ = Classes().create(live)
    outlets = [FakeOutlet() for _ in range(5)]
    followers = [klass.join(f"student{i:012d}", o)[0] for i, o in enumerate(outlets)]
    live.outlet = FakeOutlet()
    live.playing = True
    for _ in range(WINDOW + 2):  # the lecturer acks everything; the followers never do
        live.acked = live.rev
        live.serve(0.001)
    assert all(len(o.sent) == WINDOW for o in outlets)  # at most WINDOW unacknowledged
    rev = followers[0].unacked[-1]
    klass.acked(followers[0], rev)  # it painted them: the next frame is the latest
    live.acked = live.rev
    live.serve(0.001)
    assert len(outlets[0].sent) == WINDOW + 1 and len(outlets[1].sent) == WINDOW
    msg = protocol.unpack(outlets[0].sent[-1])
    assert msg["t"] == "frame" and msg["class"]["students"] == 5
    assert msg["rev"] == live.rev and msg["epoch"] == live.lab.trainer.epoch
    # followers with the same state share one message (the first frames were equal bytes)
    assert outlets[1].sent[0] is outlets[2].sent[0]


def test_a_follower_that_acks_after_the_lecturer_paused_gets_the_latest_frame():
    live = live_session()
    klass, _ = Classes().create(live)
    out = FakeOutlet()
    f = klass.join("a" * 16, out)[0]
    live.outlet = FakeOutlet()
    for _ in range(WINDOW + 1):
        live.acked, live.dirty = live.rev, True
        live.serve(0.001)
    assert len(out.sent) == WINDOW and f.missed
    live.acked = live.rev
    assert not live.wants_frame()  # paused, nothing new
    klass.acked(f, f.unacked[-1])
    assert live.wants_frame()  # the ack marked the lecturer dirty
    live.serve(0.001)
    assert len(out.sent) == WINDOW + 1


def _hidden_lecturer():
    """A playing lecturer whose screen painted its first frames and then stopped (its tab
    hidden: no animation frames, so no acknowledgements), and two followers."""
    live = live_session()
    klass, _ = Classes().create(live)
    outs = [FakeOutlet(), FakeOutlet()]
    fs = [klass.join(f"student{i:012d}", o)[0] for i, o in enumerate(outs)]
    live.outlet = FakeOutlet()
    live.playing = True
    with live.lock:  # the real scheduler thread stays out while the test serves
        for _ in range(WINDOW):  # the lecturer's screen takes none of these
            live.serve(0.001)
    assert live.acked < live.rev - (WINDOW - 1)  # its window is full
    return live, klass, outs, fs


def test_a_hidden_lecturer_screen_lets_the_followers_pace_the_frames(monkeypatch):
    monkeypatch.setattr(bounds, "LECTURER_STALL_S", 0.0, raising=False)
    live, klass, outs, fs = _hidden_lecturer()
    with live.lock:
        epoch0, lecturer_frames = live.lab.trainer.epoch, len(live.outlet.sent)
        for _ in range(30):  # each follower paints what it got and asks for the next
            for f in fs:
                if f.unacked:
                    klass.acked(f, f.unacked[-1])
            assert live.wants_frame()
            live.serve(0.001)
    assert all(len(o.sent) >= 30 for o in outs)  # the class goes on …
    last = protocol.unpack(outs[0].sent[-1])
    assert last["epoch"] > epoch0 and last["rev"] == live.rev  # … with the run training on
    assert len(live.outlet.sent) == lecturer_frames  # the hidden screen gets no backlog
    # its tab shows again: it paints what it had and gets the newest frame at once
    live.command({"t": "ack", "rev": live.own_rev})
    with live.lock:
        assert live.client_ready()
        data = live.serve(0.001)
    assert data is not None and protocol.unpack(data)["rev"] == live.rev


def test_a_lecturer_screen_that_paints_paces_the_class_itself():
    live, klass, outs, fs = _hidden_lecturer()
    live.painted_at = time.monotonic()  # it took a frame just now: it is only slow
    for f in fs:
        klass.acked(f, f.unacked[-1])
    assert not klass.paces(live) and not live.wants_frame()  # the followers do not pace


def test_the_watch_sets_the_class_going_when_the_lecturers_screen_stops(monkeypatch):
    """Everyone took every frame when the lecturer's tab was hidden: no acknowledgement is
    left to ask for the next, so the watch does (every WATCH_S)."""
    live, klass, outs, fs = _hidden_lecturer()
    with live.lock:
        for f in fs:  # they painted everything before the lecturer's screen counts as gone
            klass.acked(f, f.unacked[-1])
        live.painted_at -= bounds.LECTURER_STALL_S + 1
        klass.acked_rev = live.rev - WINDOW  # (as if the newest frames went by unpainted)
        assert not live.wants_frame()
        assert klass.watch() is False  # connected: not "away"
        assert live.wants_frame()
        sent = [len(o.sent) for o in outs]
        live.serve(0.001)
    assert [len(o.sent) for o in outs] == [n + 1 for n in sent]
    assert not any(protocol.unpack(m)["t"] == "notice" for m in outs[0].sent)


# -- a second lecturer tab ----------------------------------------------------------------


def test_a_second_lecturer_tab_takes_the_class_over_and_the_first_is_told():
    from lab_ui.classroom import lecturer_ui

    first = live_session()
    klass, secret = CLASSES.create(first)
    try:
        first.outlet = FakeOutlet()  # the first tab is open
        second = live_session()
        got, key, took_over = lecturer_ui.reclaim(second, f"{klass.code}.{secret}")
        assert got is klass and key == secret and took_over
        assert klass.leads(second) and not klass.leads(first) and first.classroom is None
        assert first.notice == model.moved_away(klass.code) and "class" in first.events
        f = first.frame()  # the first tab's view says it in words
        assert "moved to another tab" in f.status.notice and "class" not in f.extra
        assert klass.code in model.moved_here(klass.code)
        # the first tab takes it back: the second is told, the first's notice goes
        assert klass.attach(first) is False  # (the second tab's screen was not connected)
        assert first.notice == "" and second.notice == model.moved_away(klass.code)
        # a reload (the old tab's socket is gone) is no take-over
        first.outlet = None
        assert lecturer_ui.reclaim(live_session(), f"{klass.code}.{secret}")[2] is False
    finally:
        CLASSES.end(klass.code)


# -- the class socket ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    app = Starlette(routes=[WebSocketRoute(endpoint.PATH, endpoint.class_socket)])
    with TestClient(app) as c:
        yield c


@pytest.fixture()
def lecture():
    live = live_session()
    klass, secret = CLASSES.create(live)
    live.outlet = FakeOutlet()
    yield live, klass
    CLASSES.end(klass.code)


def _join(client, code, fid="tab-" + "x" * 16):
    ws = client.websocket_connect(f"{endpoint.PATH}?class={code}", headers=ORIGIN)
    return ws


def _lecturer_painted(live) -> None:
    """The lecturer's own view took every frame, as its socket would say it (the scheduler
    is woken as the endpoint wakes it: a session it had put aside waits for a wake-up)."""
    from lab_ui.live.channel.scheduler import SCHEDULER

    live.command({"t": "ack", "rev": live.rev})
    SCHEDULER.wake(live)


def _next(ws, kind="frame", limit=50):
    for _ in range(limit):
        msg = protocol.unpack(ws.receive_bytes())
        if msg["t"] == kind:
            return msg
    raise AssertionError(f"no {kind} message")


def test_the_socket_follows_answers_and_hears_the_end(client, lecture):
    live, klass = lecture
    with _join(client, klass.code.lower()) as ws:
        ws.send_text(json.dumps({"t": "hello", "token": "tab-" + "x" * 16}))
        f = _next(ws)
        assert f["class"]["code"] == klass.code and f["class"]["students"] == 1
        q = klass.ask(quick_question("choice", "Which?", choices=["a", "b"], answer=1))
        ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
        ws.send_text(json.dumps({"t": "answer", "q": q.qid, "a": 1}))
        assert _next(ws, "you") == {"t": "you", "q": q.qid, "a": 1}
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            _lecturer_painted(live)
            f = _next(ws)
            ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
            if f["class"]["question"] and f["class"]["question"]["answers_text"] == "1 answer":
                break
        else:
            raise AssertionError("the tally never reached the follower")
        ws.send_text(json.dumps({"t": "play"}))  # not a class message: ignored, counted bad
        ws.send_text(json.dumps({"t": "copy"}))
        c = _next(ws, "copy")
        assert c["name"].endswith(".npz") and c["run"][:2] == b"PK"
        CLASSES.end(klass.code)
        with pytest.raises(WebSocketDisconnect) as err:
            while True:
                ws.receive_bytes()
        assert err.value.code == model.CLOSE_ENDED and "ended" in err.value.reason
    assert not live.playing  # nothing the follower sent reached the run


def test_a_reload_rejoins_with_its_answer(client, lecture):
    _, klass = lecture
    q = klass.ask(quick_question("choice", "?", choices=["a", "b"], answer=0))
    hello = json.dumps({"t": "hello", "token": "tab-" + "y" * 16})
    with _join(client, klass.code) as ws:
        ws.send_text(hello)
        _next(ws)
        ws.send_text(json.dumps({"t": "answer", "q": q.qid, "a": 0}))
        _next(ws, "you")
    with _join(client, klass.code) as ws:
        ws.send_text(hello)
        assert _next(ws, "you") == {"t": "you", "q": q.qid, "a": 0}
    assert len(q.responses) == 1


def test_a_wrong_code_is_refused_in_words_and_counts_against_the_address(client, monkeypatch):
    monkeypatch.setattr(model, "JOINS", JoinGuard())
    monkeypatch.setattr(endpoint, "JOINS", model.JOINS)
    for _ in range(bounds.JOIN_FAIL_BURST):
        with _join(client, "ZZZZZZ") as ws, pytest.raises(WebSocketDisconnect) as err:
            ws.receive_bytes()
        assert err.value.code == model.CLOSE_NO_CLASS and "No class" in err.value.reason
    with _join(client, "ZZZZZZ") as ws, pytest.raises(WebSocketDisconnect) as err:
        ws.receive_bytes()
    assert err.value.code == model.CLOSE_TOO_MANY and "wait" in err.value.reason


def test_a_wrong_code_counts_per_tab_so_a_hall_behind_one_address_still_joins(
    client, lecture, monkeypatch
):
    monkeypatch.setattr(model, "JOINS", JoinGuard())
    monkeypatch.setattr(endpoint, "JOINS", model.JOINS)
    _, klass = lecture
    typist = "typist-" + "t" * 16
    for _ in range(bounds.JOIN_FAIL_BURST + 1):  # one student's typos, all from one tab
        with (
            client.websocket_connect(
                f"{endpoint.PATH}?class=ZZZZZZ&tab={typist}", headers=ORIGIN
            ) as ws,
            pytest.raises(WebSocketDisconnect) as err,
        ):
            ws.receive_bytes()
    assert err.value.code == model.CLOSE_TOO_MANY  # that tab waits
    neighbour = "neighbour-" + "n" * 16  # the student beside it, same NAT address
    with client.websocket_connect(
        f"{endpoint.PATH}?class={klass.code}&tab={neighbour}", headers=ORIGIN
    ) as ws:
        ws.send_text(json.dumps({"t": "hello", "token": neighbour}))
        assert _next(ws)["class"]["code"] == klass.code
    assert endpoint.tab_of("<script>") == "" and endpoint.tab_of(neighbour) == neighbour


def test_another_origin_is_refused(client, lecture):
    _, klass = lecture
    with pytest.raises(WebSocketDisconnect):
        with client.websocket_connect(
            f"{endpoint.PATH}?class={klass.code}", headers={"origin": "http://evil.example"}
        ) as ws:
            ws.receive_bytes()


@pytest.mark.parametrize(
    "raw",
    [
        '{"t": "play"}',
        '{"t": "set_weight", "w": [1, 1, 0], "value": 3}',
        '{"t": "answer", "q": 1}',
        '{"t": "answer", "q": 1, "a": NaN}',
        '{"t": "answer", "q": 1, "a": true}',
        '{"t": "answer", "q": 1, "a": 1e12}',
        '{"t": "hello", "token": "short"}',
        '{"t": "ack", "rev": -1}',
        "[" * 200,
        '{"t": "ping", "pad": "' + "x" * 300 + '"}',
    ],
)
def test_the_class_protocol_takes_only_its_own_messages(raw):
    with pytest.raises(protocol.BadMessageError):
        endpoint.parse_class(raw)


def test_a_copy_is_the_lecturers_run_bit_for_bit():
    import numpy as np

    from lab_ui.playground import runs

    live = live_session()
    live.lab.trainer.run_epochs(3)
    klass, _ = Classes().create(live)
    msg = copy.copy_message(klass)
    run = runs.read_run(msg["run"], msg["name"])
    for a, b in zip(run.Theta, live.lab.trainer.Theta, strict=True):
        assert np.array_equal(a, b)
    assert run.epoch == live.lab.trainer.epoch


def test_the_readme_states_the_bounds_of_a_class():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Class sessions", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("|") and "`" in line]
    named = {}
    for row in rows:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row.strip("|"))]
        named[cells[2].strip("`")] = float(cells[1])
    assert set(named) == set(bounds.__all__)
    for name, value in named.items():
        assert getattr(bounds, name) == value, name


def test_a_copy_imported_by_a_student_trains_on_exactly_as_the_lecturers_run():
    import numpy as np

    from lab_ui.playground import runs

    ss: dict = {}
    schema.init_session(ss, {"optimizer": "adam", "batch": "16"})
    live = LiveSession()
    live.publish(lab_mod.sync_lab(ss), ViewSettings())
    live.lab.trainer.run_epochs(4)
    klass, _ = Classes().create(live)
    klass.app_settings = runs.playground_settings(ss)
    msg = copy.copy_message(klass)
    student: dict = {}
    schema.init_session(student, {})
    lab = runs.import_run(student, msg["run"], msg["name"])
    assert copy.restore_generator(lab.trainer, msg["rng"])
    assert not copy.restore_generator(lab.trainer, '{"bit_generator": "MT19937"}')
    assert not copy.restore_generator(lab.trainer, "x" * 5000)
    assert lab.trainer.epoch == live.lab.trainer.epoch == 4
    lab.trainer.run_epochs(3)  # the same mini-batches, the same Adam state, the same steps
    live.lab.trainer.run_epochs(3)
    for a, b in zip(lab.trainer.Theta, live.lab.trainer.Theta, strict=True):
        assert np.array_equal(a, b)


def test_a_follower_may_choose_its_own_diagram_mode():
    live = live_session()
    klass, _ = Classes().create(live)
    a, b = FakeOutlet(), FakeOutlet()
    fa = klass.join("a" * 16, a)[0]
    klass.join("b" * 16, b)
    klass.set_mode(fa, "backward")
    live.outlet = FakeOutlet()
    live.acked, live.dirty = live.rev, True
    live.serve(0.001)
    ma, mb = protocol.unpack(a.sent[-1]), protocol.unpack(b.sent[-1])
    assert ma["net"]["mode"] == "backward" and mb["net"]["mode"] == "forward"
    assert ma["epoch"] == mb["epoch"] and ma["class"] == mb["class"]
    klass.set_mode(fa, "sideways")  # not a mode: the lecturer's again
    assert fa.mode is None
    assert endpoint.parse_class('{"t": "mode", "m": null}') == {"t": "mode", "m": None}
    with pytest.raises(protocol.BadMessageError):
        endpoint.parse_class('{"t": "mode", "m": "up"}')


def test_a_bad_replica_number_is_logged_in_one_line(monkeypatch, caplog):
    monkeypatch.setenv(codes.ENV_REPLICA, "seven")
    with caplog.at_level("WARNING"):
        assert codes.replica_index() == 0
    (record,) = caplog.records
    assert "\n" not in record.getMessage() and "seven" in record.getMessage()
