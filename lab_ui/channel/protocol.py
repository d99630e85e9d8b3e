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
CLIENT_KINDS = ("hello", "ack", "play", "pause", "step", "zoom", "ping")
STEP_KINDS = ("batch", "epoch")


class BadMessageError(ValueError):
    """A client message that does not follow the protocol."""


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


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
    return {"t": kind}


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
