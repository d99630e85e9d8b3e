"""The live channel's limits (stated once, in ``lab_ui.live.channel.protocol``) and what the
route does beyond each: every refused socket is closed with a code and a reason in words,
and a flood of commands is dropped with one notice, never the socket of a student holding a
key down.  The route runs in Starlette's TestClient with the real scheduler thread."""

from __future__ import annotations

import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient, WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

from lab_ui.live.channel import LiveSession, endpoint, protocol
from lab_ui.live.channel.session import ViewSettings
from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema

ORIGIN = {"origin": "http://testserver"}
LIMITS = {
    "MAX_CLIENT_MESSAGE": 1024,
    "MAX_DEPTH": 4,
    "HELLO_TIMEOUT_S": 10.0,
    "MAX_BAD": 5,
    "COMMAND_RATE": 40.0,
    "COMMAND_BURST": 40,
    "MESSAGE_RATE": 600.0,
    "MESSAGE_BURST": 600,
}


def _session() -> LiveSession:
    ss: dict = {}
    schema.init_session(ss, {})
    live = LiveSession()
    live.publish(lab_mod.sync_lab(ss), ViewSettings())
    return live


@pytest.fixture(scope="module")
def client():
    app = Starlette(routes=[WebSocketRoute(endpoint.PATH, endpoint.live_socket)])
    with TestClient(app) as c:
        yield c


class _Clock:
    """A clock that moves only when told (the buckets' clock in a test)."""

    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch) -> _Clock:
    """Freeze the buckets' clock: TestClient sends slowly, so real time would refill them."""
    c = _Clock()
    monkeypatch.setattr(protocol, "monotonic", c)
    return c


def _frame(ws) -> dict:
    return protocol.unpack(ws.receive_bytes())


def _hello(ws, live: LiveSession) -> dict:
    ws.send_text(json.dumps({"t": "hello", "token": live.token}))
    return _frame(ws)


def _closed(ws) -> WebSocketDisconnect:
    """Read until the server closes; the close (code and reason)."""
    with pytest.raises(WebSocketDisconnect) as err:
        for _ in range(10_000):
            ws.receive_bytes()
    return err.value


def _assert_reason(err: WebSocketDisconnect) -> None:
    assert err.reason and err.reason[0].isupper() and err.reason.endswith(".")
    assert len(err.reason.encode("utf-8")) <= protocol.MAX_REASON


# -- the limits are stated in one place ---------------------------------------------------------


def test_the_limits_are_constants_of_the_protocol_and_its_docstring_states_them():
    doc = " ".join(protocol.__doc__.split())
    for name, value in LIMITS.items():
        assert getattr(protocol, name) == value, name
        assert f":data:`{name}` ({value:g})" in doc, name
    assert "1009" in doc and "1008" in doc
    assert endpoint.MAX_BAD == protocol.MAX_BAD  # the endpoint states none of its own
    assert endpoint.HELLO_TIMEOUT_S == protocol.HELLO_TIMEOUT_S


def test_a_held_key_and_double_clicks_stay_under_the_command_rate():
    key_repeat = 30  # per second, the fastest usual desktop setting (≈33 on macOS)
    assert protocol.COMMAND_RATE > key_repeat * 1.2
    assert protocol.COMMAND_BURST >= 10  # a burst of double-clicks
    refresh = 360  # Hz, the fastest screens: one ack per frame painted
    assert protocol.MESSAGE_RATE > refresh + protocol.COMMAND_RATE


# -- parse_client: size and depth -------------------------------------------------------------


def _ping_of_bytes(n: int) -> str:
    head = '{"t": "ping", "pad": "'
    return head + "x" * (n - len(head) - 2) + '"}'


def test_a_message_of_exactly_the_limit_is_read_and_one_byte_more_is_too_big():
    assert protocol.parse_client(_ping_of_bytes(protocol.MAX_CLIENT_MESSAGE)) == {"t": "ping"}
    with pytest.raises(protocol.BadMessageError) as err:
        protocol.parse_client(_ping_of_bytes(protocol.MAX_CLIENT_MESSAGE + 1))
    assert err.value.code == protocol.CLOSE_TOO_BIG


def test_the_size_limit_counts_utf8_bytes_not_characters():
    raw = '{"t": "ping", "pad": "' + "€" * 400 + '"}'  # 424 characters, 1224 bytes
    assert len(raw) < protocol.MAX_CLIENT_MESSAGE < len(raw.encode())
    with pytest.raises(protocol.BadMessageError) as err:
        protocol.parse_client(raw)
    assert err.value.code == protocol.CLOSE_TOO_BIG
    with pytest.raises(protocol.BadMessageError) as err:
        protocol.parse_client(raw.encode())
    assert err.value.code == protocol.CLOSE_TOO_BIG


@pytest.mark.parametrize(
    "raw",
    ["[" * 1020, "{" * 1000, '{"t":' * 200 + "1" + "}" * 200],
    ids=["arrays", "braces", "objects"],
)
def test_deep_nesting_is_refused_before_the_parser_sees_it(raw):
    with pytest.raises(protocol.BadMessageError) as err:
        protocol.parse_client(raw[: protocol.MAX_CLIENT_MESSAGE])
    assert err.value.code == protocol.CLOSE_POLICY
    assert "nested" in str(err.value)


def test_nesting_up_to_the_limit_is_read_and_brackets_in_strings_do_not_count():
    inner = "1"
    for _ in range(protocol.MAX_DEPTH - 1):
        inner = f"[{inner}]"
    assert protocol.parse_client('{"t": "ping", "x": ' + inner + "}") == {"t": "ping"}
    with pytest.raises(protocol.BadMessageError):
        protocol.parse_client('{"t": "ping", "x": [' + inner + "]}")
    brackets = '{"t": "ping", "x": "[[[[[[{{{{{\\"[[[[["}'
    assert protocol.parse_client(brackets) == {"t": "ping"}


def test_every_real_message_is_well_within_the_limits():
    big = -1.2345678901234567e-300
    real = [
        {"t": "hello", "token": "x" * protocol.TOKEN_CHARS},
        {"t": "remove_point", "at": [big, big], "px": [1.2345678901234567e-300] * 2},
        {"t": "zoom", "extent": [-999999.1234567891, -1.5, -999999.1234567891, 2.5]},
        {"t": "set_weight", "w": [100000, 100000, 100000], "value": -9999.123456789012},
    ]
    for msg in real:
        raw = json.dumps(msg, separators=(",", ":"))
        assert len(raw) < protocol.MAX_CLIENT_MESSAGE // 4
        assert protocol.parse_client(raw)["t"] == msg["t"]


@given(st.one_of(st.text(max_size=1200), st.binary(max_size=1200)))
def test_any_text_or_bytes_is_read_or_refused_with_a_close_code(raw):
    try:
        msg = protocol.parse_client(raw)
    except protocol.BadMessageError as err:
        assert err.code in (protocol.CLOSE_POLICY, protocol.CLOSE_TOO_BIG)
        return
    assert msg["t"] in protocol.CLIENT_KINDS


@given(st.lists(st.sampled_from('[]{}"\\:,1 ab'), max_size=1024).map("".join))
def test_bracket_soup_is_read_or_refused_never_a_crash(raw):
    try:
        protocol.parse_client(raw)
    except protocol.BadMessageError:
        pass


# -- the token bucket ---------------------------------------------------------------------------


def test_the_token_bucket_allows_its_burst_then_its_rate():
    clock = _Clock()
    bucket = protocol.TokenBucket(rate=8.0, burst=5, clock=clock)
    assert [bucket.take() for _ in range(6)] == [True] * 5 + [False]
    clock.t += 0.125  # one token back
    assert bucket.take() and not bucket.take()
    clock.t += 60.0  # never more than the burst
    assert sum(bucket.take() for _ in range(20)) == 5
    # 32 a second for 10 seconds against 8 a second: a quarter gets through
    passed = 0
    for _ in range(320):
        clock.t += 1 / 32
        passed += bucket.take()
    assert passed == 80


def test_a_held_key_is_never_dropped_by_the_command_bucket():
    clock = _Clock()
    bucket = protocol.TokenBucket(protocol.COMMAND_RATE, protocol.COMMAND_BURST, clock=clock)
    for _ in range(30 * 60):  # a key held for a minute at 30 repeats a second
        clock.t += 1 / 30
        assert bucket.take()


# -- the route: every close has a code and a reason ----------------------------------------


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("not json", 1008, "not JSON"),
        ("[" * 1020, 1008, "nested more than 4"),
        ('{"t":' * 200 + "1" + "}" * 200, 1009, "longer than 1024 bytes"),
        ("x" * 5000, 1009, "longer than 1024 bytes"),
        (b"\xff\xfe", 1008, "not UTF-8"),
        ('{"t": "launch"}', 1008, "unknown message kind"),
        ('{"t": "play"}', 1008, "first message must be hello"),
        ('{"t": "hello"}', 1008, "hello without a token"),
    ],
    ids=["not-json", "deep", "deep-and-big", "big", "not-utf8", "unknown", "no-hello", "no-token"],
)
def test_junk_before_the_hello_is_closed_at_once_with_its_code_and_reason(client, raw, code, words):
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        ws.send_bytes(raw) if isinstance(raw, bytes) else ws.send_text(raw)
        err = _closed(ws)
    assert err.code == code and words.lower() in err.reason.lower()
    _assert_reason(err)


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("not json", 1008, "not JSON"),
        ("[" * 1020, 1008, "nested"),
        ("{" * 1000, 1008, "nested"),
        ("x" * 5000, 1009, "longer than"),
        (json.dumps({"t": "hello", "token": "x"}), 1008, "hello twice"),
        ('{"t": "step", "n": "all"}', 1008, "step must be"),
    ],
    ids=["not-json", "deep-arrays", "deep-braces", "big", "hello-twice", "bad-field"],
)
def test_junk_after_the_hello_is_dropped_up_to_the_limit_then_closed(client, raw, code, words):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        for _ in range(protocol.MAX_BAD):
            ws.send_text(raw)
        ws.send_text(json.dumps({"t": "step", "n": "batch"}))
        ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
        assert _frame(ws)["step"] == 1  # still served after MAX_BAD refused messages
        ws.send_text(raw)
        err = _closed(ws)
    assert err.code == code and words.lower() in err.reason.lower()
    assert f"More than {protocol.MAX_BAD} bad messages" in err.reason
    _assert_reason(err)
    assert live.outlet is None


def test_a_single_deep_message_no_longer_drops_the_socket(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        ws.send_text("[" * 1020)
        ws.send_text(json.dumps({"t": "step", "n": "batch"}))
        ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
        assert _frame(ws)["step"] == 1


def test_no_hello_in_time_is_closed_with_a_reason(client, monkeypatch):
    monkeypatch.setattr(protocol, "HELLO_TIMEOUT_S", 0.2)
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        err = _closed(ws)
    assert err.code == 1008 and "No hello within 0.2 s" in err.reason
    _assert_reason(err)


def test_a_forged_token_and_a_replaced_socket_get_their_reasons(client):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        ws.send_text(json.dumps({"t": "hello", "token": "x" * 43}))
        err = _closed(ws)
    assert err.code == endpoint.CLOSE_FORBIDDEN and "reload" in err.reason
    _assert_reason(err)
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as first:
        _hello(first, live)
        with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as second:
            _hello(second, live)
            err = _closed(first)
    assert err.code == endpoint.CLOSE_REPLACED and "another tab" in err.reason
    _assert_reason(err)


def test_another_origin_is_refused_with_a_403_and_the_reason(client):
    with pytest.raises(WebSocketDenialResponse) as err:
        with client.websocket_connect(endpoint.PATH, headers={"origin": "http://evil.example"}):
            pass
    assert err.value.status_code == 403 and "this server" in err.value.text


def test_a_flood_of_messages_is_closed_with_a_reason(client, clock):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _hello(ws, live)
        for _ in range(protocol.MESSAGE_BURST + 50):
            ws.send_text('{"t": "ack", "rev": 0}')
        err = _closed(ws)
    assert err.code == 1008 and f"More than {protocol.MESSAGE_RATE:g} messages" in err.reason
    _assert_reason(err)


# -- the command rate: dropped with one notice, never the socket ------------------------------


def _count_commands(live: LiveSession) -> list[str]:
    seen: list[str] = []
    real = live.command

    def command(msg):
        seen.append(msg["t"])
        real(msg)

    live.command = command  # the endpoint calls the session's method: count what reaches it
    return seen


def _frames_until(ws, f, pred, limit=50) -> dict:
    for _ in range(limit):
        if pred(f):
            return f
        ws.send_text(json.dumps({"t": "ack", "rev": f["rev"]}))
        f = _frame(ws)
    raise AssertionError("no such frame")


def test_a_flood_of_commands_is_dropped_with_one_notice_and_the_socket_stays_open(client, clock):
    live = _session()
    seen = _count_commands(live)
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        f = _hello(ws, live)
        for _ in range(200):
            ws.send_text('{"t": "zoom", "extent": null}')
        f = _frames_until(ws, f, lambda f: f["notice"] == endpoint.NOTICE_TOO_FAST)
        assert seen.count("zoom") == protocol.COMMAND_BURST
        assert "ignored" in f["notice"] and "40 a second" in f["notice"]
        # acks are not commands: they still reach the session
        assert seen.count("ack") >= 1
        # the flood is over once the bucket is full again: the notice goes
        clock.t += protocol.COMMAND_BURST / protocol.COMMAND_RATE
        ws.send_text(json.dumps({"t": "step", "n": "batch"}))
        f = _frames_until(ws, f, lambda f: "stepped" in f["events"])
        assert f["notice"] == "" and seen.count("step") == 1


def test_a_held_key_at_key_repeat_speed_is_never_dropped(client, clock):
    live = _session()
    seen = _count_commands(live)
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _hello(ws, live)
        for i in range(300):  # 10 s of → held down, then Space: 30 repeats a second
            clock.t += 1 / 30
            ws.send_text(json.dumps({"t": "step", "n": "batch"} if i < 150 else {"t": "play"}))
        ws.send_text('{"t": "ping"}')
        deadline = time.monotonic() + 5
        while len(seen) < 300 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert seen.count("step") == 150 and seen.count("play") == 150
    assert live.notice != endpoint.NOTICE_TOO_FAST


def test_double_clicks_are_never_dropped(client, clock):
    live = _session()
    seen = _count_commands(live)
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as ws:
        _hello(ws, live)
        for i in range(200):  # two clicks 80 ms apart, four times a second, for 25 s
            clock.t += 0.08 if i % 2 else 0.17
            ws.send_text(json.dumps({"t": "step", "n": "epoch"}))
        ws.send_text('{"t": "ping"}')
        deadline = time.monotonic() + 5
        while len(seen) < 200 and time.monotonic() < deadline:
            time.sleep(0.01)
    assert seen.count("step") == 200


def test_the_command_bucket_belongs_to_the_session_not_the_socket(client, clock):
    live = _session()
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as first:
        _hello(first, live)
        bucket = endpoint._COMMANDS[live]
        for _ in range(100):
            first.send_text('{"t": "zoom", "extent": null}')
        first.send_text('{"t": "ping"}')
    with client.websocket_connect(endpoint.PATH, headers=ORIGIN) as second:
        _hello(second, live)
        assert endpoint._COMMANDS[live] is bucket  # a reconnect does not refill it
