"""What travels on the live channel, and how it is checked.

Client → server: small JSON text messages, at most :data:`MAX_CLIENT_MESSAGE` bytes, each
``{"t": kind, …}`` with one of the kinds in :data:`CLIENT_KINDS`.  Anything else is refused
by :func:`parse_client` with a reason (the endpoint counts refusals and closes a socket that
sends too many).

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
from typing import Any

MAX_CLIENT_MESSAGE = 1024  # bytes
TOKEN_CHARS = 64  # a token is at most this long (secrets.token_urlsafe(32) is 43)
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
#: |Θ| a weight may be set to by hand.
MAX_WEIGHT = 1e4


class BadMessageError(ValueError):
    """A client message that does not follow the protocol."""


def _finite(x: Any) -> bool:
    if not isinstance(x, int | float) or isinstance(x, bool):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:  # an integer of hundreds of digits: no float holds it
        return False


def parse_client(raw: str | bytes) -> dict[str, Any]:
    """Validate one client message and return it as a dict with only the known fields.

    Raises
    ------
    BadMessageError
        Too long, not JSON, not an object, an unknown kind, or a field of the wrong type.
    """
    if len(raw) > MAX_CLIENT_MESSAGE:
        raise BadMessageError(f"message longer than {MAX_CLIENT_MESSAGE} bytes")
    try:
        msg = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadMessageError("not JSON") from None
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
        rev = msg.get("rev")
        if not isinstance(rev, int) or isinstance(rev, bool) or rev < 0:
            raise BadMessageError("ack without a frame number")
        return {"t": kind, "rev": rev}
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
    return {"t": kind}


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


def _nulls(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _nulls(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_nulls(v) for v in obj]
    return obj


def pack(message: dict[str, Any]) -> bytes:
    """One server message as bytes (see the module docstring for the layout)."""
    blobs: list[bytes] = []
    header = _extract(message, blobs, [0])
    try:
        head = json.dumps(header, separators=(",", ":"), allow_nan=False)
    except ValueError:  # a NaN or ±inf in a list of plain values: send it as null
        head = json.dumps(_nulls(header), separators=(",", ":"), allow_nan=False)
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
