"""The live channel without a browser: the protocol, the route's security cases, pacing,
fair sharing and memory.  The route runs in Starlette's TestClient with the real scheduler
thread; sessions hold real Labs (bp_core networks)."""

from __future__ import annotations

import gc
import json
import time

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from lab_ui.live import frame as frame_mod
from lab_ui.live import frames
from lab_ui.live.channel import HUB, LiveSession, endpoint, protocol
from lab_ui.live.channel.scheduler import SCHEDULER, TRAIN_BUDGET_S
from lab_ui.live.channel.session import WINDOW, ViewSettings
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema

ORIGIN = {"origin": "http://testserver"}


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


def _frame(ws) -> dict:
    return protocol.unpack(ws.receive_bytes())


def _hello(ws, live: LiveSession) -> dict:
    ws.send_text(json.dumps({"t": "hello", "token": live.token}))
    return _frame(ws)


# -- protocol ---------------------------------------------------------------------------


def test_pack_round_trips_bytes_and_aligns_them():
    msg = {"a": b"\x01\x02\x03", "b": [b"\x00" * 8, {"c": b"xyz"}], "n": 1.5, "nan": float("nan")}
    data = protocol.pack(msg)
    (n,) = np.frombuffer(data[:4], dtype="<u4")
    assert (4 + n) % 4 == 0
    back = protocol.unpack(data)
    assert back["a"] == b"\x01\x02\x03" and back["b"][0] == b"\x00" * 8
    assert back["b"][1]["c"] == b"xyz" and back["n"] == 1.5 and back["nan"] is None
    header = json.loads(data[4 : 4 + n])
    assert all(off % 4 == 0 for off in (header["a"]["$b"][0], header["b"][1]["c"]["$b"][0]))


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not json",
        "[1, 2]",
        '{"t": "launch"}',
        '{"t": "ack"}',
        '{"t": "ack", "rev": -1}',
        '{"t": "ack", "rev": true}',
        '{"t": "step", "n": "all"}',
        '{"t": "zoom", "extent": [1, 0, 0, 1]}',
        '{"t": "zoom", "extent": [0, 1, 0, NaN]}',
        '{"t": "hello", "token": ""}',
        '{"t": "hello", "token": "' + "x" * 100 + '"}',
        '{"t": "ping", "pad": "' + "x" * 2000 + '"}',
        b"\xff\xfe",
        '{"t": "zoom", "extent": [' + "9" * 400 + ", 1, 0, 1]}",  # no float holds it
        # drawing: junk, NaN coordinates, a class out of range, far beyond any data
        '{"t": "add_point"}',
        '{"t": "add_point", "at": [0, 0]}',
        '{"t": "add_point", "at": [NaN, 0], "c": 0}',
        '{"t": "add_point", "at": [0, Infinity], "c": 0}',
        '{"t": "add_point", "at": [0, 1e11], "c": 0}',
        '{"t": "add_point", "at": [0, 0, 0], "c": 0}',
        '{"t": "add_point", "at": "0,0", "c": 0}',
        '{"t": "add_point", "at": [0, 0], "c": 100}',
        '{"t": "add_point", "at": [0, 0], "c": -1}',
        '{"t": "add_point", "at": [0, 0], "c": 1.5}',
        '{"t": "add_point", "at": [0, 0], "c": true}',
        '{"t": "add_point", "at": [true, 0], "c": 0}',
        '{"t": "remove_point", "at": [0, 0]}',
        '{"t": "remove_point", "at": [0, 0], "px": [0, 0.1]}',
        '{"t": "remove_point", "at": [0, 0], "px": [-1, 0.1]}',
        '{"t": "remove_point", "at": [NaN, 0], "px": [0.1, 0.1]}',
        # the chain-rule panel and editing a weight
        '{"t": "chain", "w": [0, 1, 0]}',
        '{"t": "chain", "w": [1, 0, 0]}',
        '{"t": "chain", "w": [1, 1, -1]}',
        '{"t": "chain", "w": [1, 1]}',
        '{"t": "chain", "w": [1, 1, 1.0]}',
        '{"t": "chain", "w": "1,1,0"}',
        '{"t": "chain", "w": [1, 1, 1000001]}',
        '{"t": "set_weight", "w": [1, 1, 0]}',
        '{"t": "set_weight", "w": [1, 1, 0], "value": NaN}',
        '{"t": "set_weight", "w": [1, 1, 0], "value": 1e5}',
        '{"t": "set_weight", "w": [1, 1, 0], "value": "0.5"}',
        '{"t": "set_weight", "w": null, "value": 0.5}',
    ],
)
def test_bad_client_messages_are_refused(raw):
    with pytest.raises(protocol.BadMessageError):
        protocol.parse_client(raw)


@given(
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=20),
        lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=5), c, max_size=4),
    )
)
def test_parse_client_only_raises_bad_message(value):
    raw = (
        json.dumps({"t": "ack", "rev": value}) if not isinstance(value, dict) else json.dumps(value)
    )
    try:
        msg = protocol.parse_client(raw)
    except protocol.BadMessageError:
        return
    assert msg["t"] in protocol.CLIENT_KINDS


_ANY = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=4), c, max_size=3),
    max_leaves=8,
)


@given(
    kind=st.sampled_from(["add_point", "remove_point", "chain", "set_weight"]),
    fields=st.dictionaries(st.sampled_from(["at", "c", "px", "w", "value"]), _ANY, max_size=5),
)
def test_edit_messages_of_any_shape_only_raise_bad_message(kind, fields):
    raw = json.dumps({"t": kind, **fields})
    if len(raw) > protocol.MAX_CLIENT_MESSAGE:
        return
    try:
        msg = protocol.parse_client(raw)
    except protocol.BadMessageError:
        return
    assert msg["t"] == kind
    for v in (*msg.get("at", ()), *msg.get("px", ()), msg.get("value", 0.0)):
        assert type(v) is float and abs(v) <= protocol.MAX_COORD  # finite, bounded floats


def test_good_edit_messages_keep_only_their_fields():
    assert protocol.parse_client('{"t": "add_point", "at": [1, -2.5], "c": 1, "x": 9}') == {
        "t": "add_point",
        "at": [1.0, -2.5],
        "c": 1,
    }
    assert protocol.parse_client('{"t": "chain", "w": null}') == {"t": "chain", "w": None}
    msg = protocol.parse_client('{"t": "set_weight", "w": [2, 1, 0], "value": -3}')
    assert msg == {"t": "set_weight", "w": [2, 1, 0], "value": -3.0}


# -- the route ------------------------------------------------------------------------------


def test_a_valid_token_gets_its_sessions_frames_and_plays(client):
    live = _session(seed=3)
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        assert f["t"] == "frame" and f["epoch"] == 0 and f["uirev"] == live.lab.uirev
        assert f["points"] != "same" and f["history"] != "same"  # the first frame is whole
        ws.send_text(json.dumps({"t": "play"}))
        rev = f["rev"]
        for _ in range(6):
            f = _frame(ws)
            assert f["rev"] == rev + 1  # in order, none skipped
            rev = f["rev"]
            ws.send_text(json.dumps({"t": "ack", "rev": rev - 1}))  # drawing the one before
        assert f["playing"] and f["epoch"] > 0
        assert f["points"] == "same"  # unchanged data are not sent again
        ws.send_text(json.dumps({"t": "pause"}))
        events = []
        for _ in range(WINDOW + 1):  # the frames already on their way, then the paused one
            ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
            f = _frame(ws)
            events += f["events"]
            if not f["playing"]:
                break
        # the event may ride on a frame built while the Pause arrived; a paused frame follows
        assert not f["playing"] and events.count("paused") == 1


def test_no_more_than_the_window_without_an_acknowledgement(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _hello(ws, live)
        ws.send_text(json.dumps({"t": "play"}))
        for _ in range(WINDOW - 1):
            _frame(ws)
        time.sleep(0.3)
        assert live.rev == WINDOW  # playing, but the client has taken none of them yet
        epoch = live.lab.trainer.epoch
        time.sleep(0.2)
        assert live.lab.trainer.epoch == epoch  # nothing trained for a frame nobody asked for
        ws.send_text(json.dumps({"t": "ack", "rev": 1}))
        assert _frame(ws)["rev"] == WINDOW + 1


def test_a_forged_token_gets_nothing(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"t": "hello", "token": live.token[:-1] + "x"}))
        with pytest.raises(WebSocketDisconnect) as err:
            ws.receive_bytes()
        assert err.value.code == endpoint.CLOSE_FORBIDDEN
    assert live.outlet is None and live.rev == 0
    assert not live.connected.is_set()  # the page would not stop waiting for a forger


def test_connected_is_set_by_the_sessions_own_hello(client):
    """The Playground's first run in a browser waits on ``connected`` (so the live view is
    drawn before the sidebar): only the session's own client sets it."""
    live = _session()
    assert not live.connected.is_set()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _hello(ws, live)
        assert live.connected.wait(timeout=5)


def test_another_origin_is_refused_before_the_socket_opens(client):
    live = _session()
    for headers in ({"origin": "http://evil.example"}, {"origin": "null"}, {}):
        with pytest.raises(WebSocketDisconnect):
            with client.websocket_connect(endpoint.PATH, headers=headers) as ws:
                ws.send_text(json.dumps({"t": "hello", "token": live.token}))
                ws.receive_bytes()
    assert live.rev == 0


def test_junk_messages_are_ignored_then_the_socket_is_closed(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _hello(ws, live)
        ws.send_text('{"t": "ack", "rev": "one"}')  # ignored
        ws.send_bytes(b"\x00" * 5000)  # too long: ignored
        ws.send_text(json.dumps({"t": "step", "n": "batch"}))
        ws.send_text(json.dumps({"t": "ack", "rev": 1}))
        assert _frame(ws)["rev"] == 2  # still served
        for _ in range(endpoint.MAX_BAD + 1):
            ws.send_text("{{{")
        with pytest.raises(WebSocketDisconnect) as err:
            while True:
                ws.receive_bytes()
        assert err.value.code == endpoint.CLOSE_PROTOCOL
    assert live.outlet is None


def test_a_second_tab_with_the_token_takes_the_stream_over(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as first:
        _hello(first, live)
        with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as second:
            f = _hello(second, live)
            assert f["t"] == "frame"
            # the new tab has nothing yet: the points and the whole history again
            assert f["points"]["train"]["x"] and "metric_name" in f["history"]
            with pytest.raises(WebSocketDisconnect) as err:
                first.receive_bytes()
            assert err.value.code == endpoint.CLOSE_REPLACED


def test_a_playing_client_gets_the_history_once_then_only_new_rows(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        kept = f["history"]
        assert kept["epoch"] == [0] and kept["metric_name"] == "accuracy"
        ws.send_text(json.dumps({"t": "play"}))
        appended = 0
        for _ in range(8):
            ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
            f = _frame(ws)
            h = f["history"]
            assert h == "same" or set(h) == {"append"}  # never the whole again
            if h != "same":
                appended += len(h["append"]["epoch"])
                for c in frame_mod.HISTORY_COLUMNS:
                    kept[c] = kept[c] + h["append"][c]
            assert kept["epoch"][-1] == f["epoch"]  # the rows up to the frame's epoch
            assert f["server_ms"] >= 0 and f["version"] == frame_mod.FRAME_VERSION
        ws.send_text(json.dumps({"t": "pause"}))
        with live.lock:
            rows = live.lab.trainer.history.epoch
            assert appended and kept["epoch"] == rows[: len(kept["epoch"])]


def test_sessions_never_see_each_others_network(client):
    a = _session(seed=1, hidden="4,2")
    b = _session(seed=2, hidden="8", dataset="xor")
    with (
        client.websocket_connect(endpoint.PATH, headers=ORIGIN) as wa,
        client.websocket_connect(endpoint.PATH, headers=ORIGIN) as wb,
    ):
        fa, fb = _hello(wa, a), _hello(wb, b)
        for ws in (wa, wb):
            ws.send_text(json.dumps({"t": "play"}))
        for _ in range(4):
            wa.send_text(json.dumps({"t": "ack", "rev": fa["rev"]}))
            wb.send_text(json.dumps({"t": "ack", "rev": fb["rev"]}))
            fa, fb = _frame(wa), _frame(wb)
            assert fa["uirev"] == a.lab.uirev and fb["uirev"] == b.lab.uirev
            assert fa["net"]["sizes"] == [2, 4, 2, 1] and fb["net"]["sizes"] == [2, 8, 1]


def test_steps_asked_for_are_taken_before_the_next_frame(client):
    live = _session(batch=10)  # 250 training examples: 25 mini-batches an epoch
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        ws.send_text(json.dumps({"t": "step", "n": "batch"}))
        ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
        f = _frame(ws)
        assert f["step"] == 1 and f["epoch"] == 0 and not f["playing"]
        assert f["events"] == ["stepped"]  # the page re-runs: its epoch slider and link follow
        ws.send_text(json.dumps({"t": "step", "n": "epoch"}))
        ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
        f = _frame(ws)
        assert f["epoch"] == 1 and f["step"] == 25


def test_a_zoom_is_drawn_by_the_server(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        ws.send_text(json.dumps({"t": "zoom", "extent": [-1.0, 1.0, -0.5, 0.5]}))
        ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
        f = _frame(ws)
        assert f["boundary"]["x"] == [-1.0, 1.0] and f["boundary"]["y"] == [-0.5, 0.5]


# -- sharing and memory ---------------------------------------------------------------------


def test_the_training_budget_is_shared_among_playing_sessions():
    assert SCHEDULER.budget() <= TRAIN_BUDGET_S
    SCHEDULER._active.clear()
    for i in range(4):
        SCHEDULER._active[-1 - i] = time.monotonic()
    assert SCHEDULER.budget() == pytest.approx(TRAIN_BUDGET_S / 4)
    SCHEDULER._active.clear()


def test_a_closed_streamlit_session_frees_its_live_session():
    live = _session()
    token = live.token
    assert HUB.get(token) is live
    del live
    gc.collect()
    assert HUB.get(token) is None


def test_serving_without_a_client_sends_nothing():
    live = _session()
    assert not live.wants_frame()  # no socket
    assert live.serve(0.001) is None


def test_a_paused_session_costs_the_scheduler_nothing(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
        time.sleep(0.2)
        turns, rev = SCHEDULER.turns, live.rev
        for _ in range(20):  # acknowledgements alone ask for nothing new
            ws.send_text(json.dumps({"t": "ack", "rev": live.rev}))
        time.sleep(0.3)
        assert live.rev == rev and SCHEDULER.turns == turns


# -- hand edits: points and weights -----------------------------------------------------------


def _next(ws, f) -> dict:
    ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
    return _frame(ws)


def test_a_point_message_changes_the_labs_data_and_the_points_are_sent_again(client):
    live = _session(seed=5)
    lab = live.lab
    m = lab.dataset.m_train
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        assert len(f["points"]["train"]["x"]) == m and f["draw"]["classes"] == 2
        ws.send_text(json.dumps({"t": "add_point", "at": [1.25, -0.5], "c": 1}))
        f = _next(ws, f)
        assert lab.dataset.m_train == m + 1 and live.lab is lab
        pts = f["points"]["train"]
        assert len(pts["x"]) == m + 1 and (pts["x"][-1], pts["y"][-1], pts["label"][-1]) == (
            1.25,
            -0.5,
            1,
        )
        assert f["draw"]["drawn"] == 1 and "Added a training point of class 1" in f["notice"]
        assert f["points"]["drawn"] == [m]  # the new last row, ringed in the view
        assert f["events"] == ["edited"]  # the page re-runs: it lists the hand edits
        assert lab.edits[-1] == "added a point of class 1"
        ws.send_text(json.dumps({"t": "play"}))
        f = _next(ws, f)
        assert f["points"] == "same"  # unchanged since: not sent again
        # shift+click on it: the nearest point within 12 px goes
        ws.send_text(json.dumps({"t": "remove_point", "at": [1.26, -0.5], "px": [0.01, 0.01]}))
        for _ in range(4):
            f = _next(ws, f)
            if f["points"] != "same":
                break
        assert len(f["points"]["train"]["x"]) == m and lab.dataset.m_train == m
        ws.send_text(json.dumps({"t": "pause"}))


def test_points_the_data_cannot_take_are_refused_with_a_reason(client, monkeypatch):
    from lab_ui.live import drawing

    monkeypatch.setattr(drawing, "MAX_DRAWN", 2)
    live = _session()
    lab = live.lab
    m = lab.dataset.m_train
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        for msg, words in [
            ({"t": "add_point", "at": [0, 0], "c": 7}, "0 … 1"),  # a class it lacks
            ({"t": "add_point", "at": [0, 500], "c": 0}, "far outside the data"),
            ({"t": "remove_point", "at": [5.9, 5.9], "px": [1e-4, 1e-4]}, "No training point"),
        ]:
            ws.send_text(json.dumps(msg))
            f = _next(ws, f)
            assert words in f["notice"] and lab.dataset.m_train == m
            assert f["events"] == []  # nothing changed: the page need not re-run
        for x in (0.0, 0.5, 1.0):  # too many points: the third is refused
            ws.send_text(json.dumps({"t": "add_point", "at": [x, 0], "c": 0}))
            f = _next(ws, f)
        assert lab.dataset.m_train == m + 2 and "At most 2 points" in f["notice"]
        assert f["draw"]["drawn"] == 2


def test_a_set_weight_message_changes_theta_in_the_next_frame(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        ws.send_text(json.dumps({"t": "chain", "w": [1, 2, 1]}))
        f = _next(ws, f)
        c = f["chain"]
        assert c["w"] == [1, 2, 1] and c["theta"] == live.lab.trainer.Theta[0][1, 1]
        ws.send_text(json.dumps({"t": "set_weight", "w": [1, 2, 1], "value": 2.5}))
        f = _next(ws, f)
        assert live.lab.trainer.Theta[0][1, 1] == 2.5 and f["chain"]["theta"] == 2.5
        edges = frames.decode_f32(f["net"]["edges"][0]).reshape(4, 3)  # Θ^(1)
        assert edges[1, 1] == 2.5
        assert live.lab.edits[-1] == "set Θ⁽¹⁾₂,₁ to 2.5"
        ws.send_text(json.dumps({"t": "set_weight", "w": [1, 9, 1], "value": 1.0}))
        f = _next(ws, f)
        assert "no row j = 9" in f["notice"]
        ws.send_text(json.dumps({"t": "chain", "w": None}))
        assert _next(ws, f)["chain"] is None


def test_a_weight_the_network_lacks_closes_the_panel_and_says_why():
    live = _session()  # 2-4-2-1: Θ^(1) … Θ^(3)
    live.command({"t": "chain", "w": [5, 1, 0]})
    f = live.frame().message()
    assert f["chain"] is None and live.chain is None
    assert "There is no Θ^(5)" in f["notice"] and "There is no Θ^(5)" in live.notice
    live.command({"t": "chain", "w": [3, 1, 2]})
    assert live.frame().message()["chain"]["w"] == [3, 1, 2]
