"""What travels on the live channel, and how it is checked.

Client → server: small JSON text messages, each ``{"t": kind, …}`` with one of the kinds in
:data:`CLIENT_KINDS`.  Anything else is refused by :func:`parse_client` with a reason.

The limits, all here (the endpoint, :mod:`lab_ui.live.channel.endpoint`, enforces them):

* one message: at most :data:`MAX_CLIENT_MESSAGE` (1024) bytes; a longer one is refused with
  close code 1009 (too big);
* nesting: ``[`` and ``{`` at most :data:`MAX_DEPTH` (4) deep; deeper is refused (1008);
* the hello must come within :data:`HELLO_TIMEOUT_S` (10) seconds, else the socket is closed
  (1008);
* refused messages after the hello: :data:`MAX_BAD` (5) are dropped, the next one closes the
  socket (1008, or 1009 if it was too big);
* commands: :data:`COMMAND_RATE` (40) a second per session, bursts of :data:`COMMAND_BURST`
  (40); beyond it commands are dropped and the view says so once; the socket stays open;
* messages of any kind: :data:`MESSAGE_RATE` (600) a second per socket, bursts of
  :data:`MESSAGE_BURST` (600); beyond it the socket is closed (1008).

Before the hello, the first refused message closes the socket (1008, or 1009 if too big).
Every close carries its code and a reason in words (at most 123 bytes, the WebSocket limit).

A *command* is what a student does (play, pause, step, zoom, draw or remove a point, open
the chain-rule panel, set a weight); an ``ack`` (one per frame painted, so never more than
the screen's refresh rate) and a ``ping`` are not commands.  The command rate is a token
bucket: a student's double-clicks and a held key (key repeat is about 30 a second on every
desktop system; Play/Pause/Step have keys) stay under it, a script that floods does not.

Server → client: one binary message per frame.  Layout::

    uint32 (little-endian)  n, the length of the header
    n bytes                 the header: UTF-8 JSON, the frame with every ``bytes`` value
                            replaced by {"$b": [offset, length]}
    the rest                the binary values, each starting on a 4-byte boundary so the
                            browser can view them as Float32Array without copying
"""

from __future__ import annotations

import json
import math
import struct
from collections.abc import Callable
from time import monotonic
from typing import Any

from lab_ui.live.frame import MAX_WEIGHT, json_nulls

#: Bytes in one client message at most (the longest real one, a remove_point, is ~130).
MAX_CLIENT_MESSAGE = 1024
#: Arrays and objects nested at most this deep (the deepest real message is 2:
#: ``{"t": "zoom", "extent": [...]}``).  Checked before the JSON is parsed, so a message
#: of a thousand ``[`` never reaches the parser's recursion limit.
MAX_DEPTH = 4
#: Seconds a new socket has to send its hello.
HELLO_TIMEOUT_S = 10.0
#: Refused messages a socket may send after its hello (a page of another version may send
#: a kind this server does not know); the next one closes it.
MAX_BAD = 5
#: Commands per second a session may send, sustained, and at once (a token bucket).  Key
#: repeat is ~30 a second, so a held Step or Space key never reaches it; beyond it commands
#: are dropped with one notice, never the socket.
COMMAND_RATE = 40.0
COMMAND_BURST = 40
#: Messages of any kind per second, sustained, and at once (a token bucket).  A browser
#: sends one ack per frame painted (at most the screen's refresh rate, 60-360 Hz) plus its
#: commands; a socket beyond this is closed.
MESSAGE_RATE = 600.0
MESSAGE_BURST = 600
#: Close codes (RFC 6455): a message against the protocol, a message too big.
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009
#: Bytes in a close reason at most (RFC 6455: 125 bytes less the 2 of the code).
MAX_REASON = 123
TOKEN_CHARS = 64  # a token is at most this long (secrets.token_urlsafe(32) is 43)
#: The mechanism panels' commands (:func:`_mechanism`, applied by lab_ui.live.compare).
MECHANISM_KINDS = ("landscape", "slowmo", "ghost", "race")
CLIENT_KINDS = (
    "hello",
    "ack",
    "play",
    "pause",
    "step",
    "zoom",
    "ping",
    "add_point",  # {"at": [x1, x2], "c": class}: draw a training point
    "remove_point",  # {"at": [x1, x2], "px": [dx1, dx2]}: the nearest within 12 px goes
    "chain",  # {"w": [l, j, k] or null}: the weight of the chain-rule panel (null: closed)
    "set_weight",  # {"w": [l, j, k], "value": v}: set Θ^(l)_jk by hand
    *MECHANISM_KINDS,
)
STEP_KINDS = ("batch", "epoch")
#: |coordinate| of a drawn point at most (CSV values are within ±1e9, bp_core's
#: CSV_MAX_ABS; where a point may lie relative to the data is checked when it is applied,
#: lab_ui.live.drawing.point_limits).
MAX_COORD = 1e10
#: Classes a drawn point may name (bp_core's CSV_MAX_CLASSES; the data's own number of
#: classes is checked when it is applied).
MAX_CLASS = 100
#: l, j and k of a weight at most (the network's own sizes are checked when it is applied).
MAX_INDEX = 100_000
#: |Θ| a weight may be set to by hand: MAX_WEIGHT, declared with the frame (its chain part
#: says it to the view).


#: The kinds that are not commands (see the module docstring).
NOT_COMMANDS = ("hello", "ack", "ping")


class BadMessageError(ValueError):
    """A client message that does not follow the protocol.

    ``code`` is the WebSocket close code it earns: :data:`CLOSE_TOO_BIG` for a message
    longer than :data:`MAX_CLIENT_MESSAGE`, :data:`CLOSE_POLICY` for anything else.
    """

    def __init__(self, reason: str, code: int = CLOSE_POLICY) -> None:
        super().__init__(reason)
        self.code = code


class TokenBucket:
    """At most ``rate`` events a second sustained and ``burst`` at once.

    The bucket holds up to ``burst`` tokens, refills at ``rate`` a second, and each event
    takes one; :meth:`take` says whether there was one.  ``clock`` (seconds) defaults to
    this module's ``monotonic``, which a test may replace.
    """

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] | None = None) -> None:
        self.rate, self.burst, self._clock = rate, burst, clock
        self.tokens = float(burst)
        self.at = self._now()

    def _now(self) -> float:
        return (self._clock or monotonic)()

    def _refill(self) -> None:
        now = self._now()
        self.tokens = min(self.burst, self.tokens + max(0.0, now - self.at) * self.rate)
        self.at = now

    def take(self) -> bool:
        """Take a token if there is one (True), else False."""
        self._refill()
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False

    def full(self) -> bool:
        """True when the bucket has refilled completely (no flood is going on)."""
        self._refill()
        return self.tokens >= self.burst


def _finite(x: Any) -> bool:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:  # an integer of hundreds of digits: no float holds it
        return False


def frame_number(msg: dict[str, Any]) -> int:
    """An acknowledgement's frame number (``rev``: a whole number ≥ 0), or BadMessageError."""
    rev = msg.get("rev")
    if not isinstance(rev, int) or isinstance(rev, bool) or rev < 0:
        raise BadMessageError("ack without a frame number")
    return rev


def parse_client(raw: str | bytes) -> dict[str, Any]:
    """Validate one client message and return it as a dict with only the known fields.

    Raises
    ------
    BadMessageError
        Too long, not UTF-8, nested too deep, not JSON, not an object, an unknown kind, or a
        field of the wrong type.
    """
    if len(raw) > MAX_CLIENT_MESSAGE:  # a str has at least as many bytes as characters
        raise BadMessageError(_too_big(), CLOSE_TOO_BIG)
    if isinstance(raw, str):
        size = len(raw.encode("utf-8", errors="surrogatepass"))
    else:
        size = len(raw)
        try:
            raw = bytes(raw).decode("utf-8")
        except UnicodeDecodeError:
            raise BadMessageError("the message is not UTF-8 text") from None
    if size > MAX_CLIENT_MESSAGE:
        raise BadMessageError(_too_big(), CLOSE_TOO_BIG)
    if _depth(raw) > MAX_DEPTH:
        raise BadMessageError(f"the message is nested more than {MAX_DEPTH} levels deep")
    try:
        msg = json.loads(raw)
    except ValueError:
        raise BadMessageError("the message is not JSON") from None
    if not isinstance(msg, dict):
        raise BadMessageError("not a JSON object")
    kind = msg.get("t")
    if kind not in CLIENT_KINDS:
        raise BadMessageError("unknown message kind")
    if kind == "hello":
        token = msg.get("token")
        if not isinstance(token, str) or not 0 < len(token) <= TOKEN_CHARS:
            raise BadMessageError("hello without a token")
        return {"t": kind, "token": token}
    if kind == "ack":
        return {"t": kind, "rev": frame_number(msg)}
    if kind == "step":
        n = msg.get("n")
        if n not in STEP_KINDS:
            raise BadMessageError("step must be 'batch' or 'epoch'")
        return {"t": kind, "n": n}
    if kind == "zoom":
        ext = msg.get("extent")
        if ext is None:
            return {"t": kind, "extent": None}
        if (
            not isinstance(ext, list)
            or len(ext) != 4
            or not all(_finite(v) and abs(v) < 1e6 for v in ext)
            or not (ext[0] < ext[1] and ext[2] < ext[3])
        ):
            raise BadMessageError("zoom needs [x_min, x_max, y_min, y_max]")
        return {"t": kind, "extent": [float(v) for v in ext]}
    if kind == "add_point":
        c = msg.get("c")
        if not _whole(c) or not 0 <= c < MAX_CLASS:
            raise BadMessageError(f"add_point needs a class 0 … {MAX_CLASS - 1}")
        return {"t": kind, "at": _pair(msg.get("at"), "at"), "c": c}
    if kind == "remove_point":
        px = _pair(msg.get("px"), "px")
        if not (px[0] > 0 and px[1] > 0):
            raise BadMessageError("remove_point needs the size of a pixel, two positive numbers")
        return {"t": kind, "at": _pair(msg.get("at"), "at"), "px": px}
    if kind == "chain":
        w = msg.get("w")
        return {"t": kind, "w": None if w is None else _weight(w)}
    if kind == "set_weight":
        value = msg.get("value")
        if not _finite(value) or abs(value) > MAX_WEIGHT:
            raise BadMessageError(f"set_weight needs a finite value within ±{MAX_WEIGHT:g}")
        return {"t": kind, "w": _weight(msg.get("w")), "value": float(value)}
    if kind in MECHANISM_KINDS:
        return _mechanism(kind, msg)
    return {"t": kind}


def _mechanism(kind: str, msg: dict[str, Any]) -> dict[str, Any]:
    """The mechanism panels' commands (:mod:`lab_ui.live.compare`):
    ``{"t": "landscape", "open": bool, "w": [[l, j, k], [l, j, k]] or null (optional)}``,
    ``{"t": "slowmo"}``, ``{"t": "ghost", "op": "keep" | "clear"}``,
    ``{"t": "race", "op": "start" | "stop", "opts": [optimizer names] (optional, ≤ 8)}``."""
    if kind == "landscape":
        if not isinstance(msg.get("open"), bool):
            raise BadMessageError("landscape needs open: true or false")
        out: dict[str, Any] = {"t": kind, "open": msg["open"]}
        if "w" in msg:
            w = msg["w"]
            if w is not None and (not isinstance(w, list) or len(w) != 2):
                raise BadMessageError("landscape's w is two weights [l, j, k] or null")
            out["w"] = None if w is None else [_weight(v) for v in w]
        return out
    if kind == "ghost":
        if msg.get("op") not in ("keep", "clear"):
            raise BadMessageError("ghost's op is 'keep' or 'clear'")
        return {"t": kind, "op": msg["op"]}
    if kind == "race":
        if msg.get("op") not in ("start", "stop"):
            raise BadMessageError("race's op is 'start' or 'stop'")
        opts = msg.get("opts")
        if opts is not None and (
            not isinstance(opts, list)
            or len(opts) > 8
            or not all(isinstance(o, str) and 0 < len(o) <= 40 for o in opts)
        ):
            raise BadMessageError("race's opts are at most 8 optimizer names")
        return {"t": kind, "op": msg["op"], "opts": opts}
    return {"t": kind}


def _too_big() -> str:
    return f"the message is longer than {MAX_CLIENT_MESSAGE} bytes"


def _depth(raw: str) -> int:
    """How deep ``[`` and ``{`` nest in ``raw``, outside JSON strings (no parsing needed)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _whole(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _pair(v: Any, name: str) -> list[float]:
    """Two finite numbers within ±MAX_COORD, as floats."""
    if not isinstance(v, list) or len(v) != 2 or not all(_finite(x) for x in v):
        raise BadMessageError(f"{name} must be two finite numbers")
    if not all(abs(x) <= MAX_COORD for x in v):
        raise BadMessageError(f"{name} is beyond ±{MAX_COORD:g}")
    return [float(x) for x in v]


def _weight(w: Any) -> list[int]:
    """[l, j, k] in the course's numbering: l, j ≥ 1, k ≥ 0 (the bias), each ≤ MAX_INDEX."""
    if (
        not isinstance(w, list)
        or len(w) != 3
        or not all(_whole(v) and 0 <= v <= MAX_INDEX for v in w)
        or w[0] < 1
        or w[1] < 1
    ):
        raise BadMessageError("a weight is [l, j, k] with l, j ≥ 1 and k ≥ 0")
    return [int(v) for v in w]


_PLAIN = (int, float, str, type(None), bool)


def _extract(obj: Any, blobs: list[bytes], offset: list[int]) -> Any:
    """A copy of ``obj`` with every bytes value moved to ``blobs`` (4-byte aligned).

    Lists of plain values (a history column) are passed through as they are; a non-finite
    float in one is caught by ``pack``."""
    if isinstance(obj, bytes | bytearray | memoryview):
        b = bytes(obj)
        start = offset[0]
        blobs.append(b)
        pad = (-len(b)) % 4
        if pad:
            blobs.append(b"\0" * pad)
        offset[0] += len(b) + pad
        return {"$b": [start, len(b)]}
    if isinstance(obj, dict):
        return {k: _extract(v, blobs, offset) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        if all(type(v) in _PLAIN for v in obj):
            return obj
        return [_extract(v, blobs, offset) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None  # JSON has no NaN or ±inf; the view shows "–"
    return obj


def pack(message: dict[str, Any]) -> bytes:
    """One server message as bytes (see the module docstring for the layout)."""
    blobs: list[bytes] = []
    header = _extract(message, blobs, [0])
    try:
        head = json.dumps(header, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN or ±inf in a list of plain values: send it as null
        head = json.dumps(json_nulls(header), separators=(",", ":"), allow_nan=False)
    head = head.encode("utf-8")
    pad = (-(4 + len(head))) % 4
    head += b" " * pad  # JSON ignores trailing blanks; keeps the binary part aligned
    return struct.pack("<I", len(head)) + head + b"".join(blobs)


def unpack(data: bytes) -> dict[str, Any]:
    """Inverse of :func:`pack` (for tests and the load client): bytes values come back."""
    (n,) = struct.unpack_from("<I", data, 0)
    header = json.loads(data[4 : 4 + n])
    body = memoryview(data)[4 + n :]

    def fill(obj: Any) -> Any:
        if isinstance(obj, dict):
            if set(obj) == {"$b"}:
                start, length = obj["$b"]
                return bytes(body[start : start + length])
            return {k: fill(v) for k, v in obj.items()}
        if isinstance(obj, list):
            return [fill(v) for v in obj]
        return obj

    return fill(header)
