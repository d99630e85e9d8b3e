"""The WebSocket route ``/bp/live/ws``: who may connect, and what they may say.

1. The Origin header must name this very host (the page that Streamlit served); anything
   else is refused before the socket is accepted.
2. The first message must be ``{"t": "hello", "token": …}`` within :data:`HELLO_TIMEOUT_S`
   with the token of a live session; a wrong token gets nothing but a close (code 4403).
3. After that the client only acknowledges frames and sends the few commands of
   :mod:`lab_ui.live.channel.protocol`, within the limits stated there: too many refused
   messages, or a flood of messages, close the socket; commands beyond the session's rate
   are dropped before they reach the session, and the view says so once.

Every close carries a code and a reason in words: 1008 (against the protocol), 1009 (a
message too big), 4403 (no such session), 4409 (replaced by a newer socket).

One socket per session: a second socket with the same token replaces the first (the old one
is closed with code 4409), so a reloaded tab takes its stream back.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from typing import Any
from urllib.parse import urlsplit

from starlette.responses import PlainTextResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from . import protocol
from .protocol import BadMessageError, TokenBucket, parse_client
from .scheduler import SCHEDULER
from .session import HUB

PATH = "/bp/live/ws"
# The limits are stated in protocol (one place); these names are kept for the tests.
HELLO_TIMEOUT_S = protocol.HELLO_TIMEOUT_S
MAX_BAD = protocol.MAX_BAD
CLOSE_FORBIDDEN = 4403
CLOSE_REPLACED = 4409
CLOSE_PROTOCOL = protocol.CLOSE_POLICY
CLOSE_TOO_BIG = protocol.CLOSE_TOO_BIG

REASON_ORIGIN = "This socket is only for pages served by this server."
REASON_FORBIDDEN = "This live view's session has ended; reload the page."
REASON_REPLACED = "This live view was opened in another tab."
REASON_FLOOD = f"More than {protocol.MESSAGE_RATE:g} messages a second."
#: What the view's notice line says while a session's commands are being dropped.
NOTICE_TOO_FAST = (
    f"Too many commands at once: some were ignored (at most {protocol.COMMAND_RATE:g} a "
    "second are taken)."
)

#: Each session's command bucket (per session, so a new socket does not refill it; weak, so
#: a closed Streamlit session frees it).
_COMMANDS: weakref.WeakKeyDictionary[Any, TokenBucket] = weakref.WeakKeyDictionary()


def _commands(session: Any) -> TokenBucket:
    """The session's command bucket (made on first use)."""
    bucket = _COMMANDS.get(session)
    if bucket is None:
        bucket = _COMMANDS[session] = TokenBucket(protocol.COMMAND_RATE, protocol.COMMAND_BURST)
    return bucket


def _reason(text: str) -> str:
    """``text`` cut to the WebSocket limit of :data:`protocol.MAX_REASON` UTF-8 bytes."""
    data = text.encode("utf-8")
    if len(data) <= protocol.MAX_REASON:
        return text
    return data[: protocol.MAX_REASON - 3].decode("utf-8", errors="ignore") + "…"


async def close(ws: WebSocket, code: int, reason: str) -> None:
    """Close ``ws`` with ``code`` and ``reason`` (cut to fit), whatever state it is in."""
    with contextlib.suppress(Exception):
        await ws.close(code=code, reason=_reason(reason))


class Outlet:
    """A socket as the scheduler thread sees it: ``send`` hands bytes to the event loop."""

    def __init__(self, ws: WebSocket, loop: asyncio.AbstractEventLoop) -> None:
        self.ws, self.loop = ws, loop
        self.closed = False
        self.sent_bytes = 0

    def send(self, data: bytes) -> None:
        if self.closed:
            return
        self.sent_bytes += len(data)
        self.loop.call_soon_threadsafe(self._spawn, data)

    def _spawn(self, data: bytes) -> None:
        task = self.loop.create_task(self._send(data))
        task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    async def _send(self, data: bytes) -> None:
        if self.closed:
            return
        try:
            await self.ws.send_bytes(data)
        except Exception:
            self.closed = True

    async def close(self, code: int, reason: str) -> None:
        self.closed = True
        await close(self.ws, code, reason)


def send_all(pairs: list[tuple[Outlet, bytes]]) -> None:
    """Hand many messages to their sockets from any thread with one wake-up of each event
    loop (a class's fan-out: one frame to every follower), instead of one per message."""
    by_loop: dict[Any, list[tuple[Outlet, bytes]]] = {}
    for outlet, data in pairs:
        if outlet.closed:
            continue
        outlet.sent_bytes += len(data)
        by_loop.setdefault(outlet.loop, []).append((outlet, data))
    for loop, items in by_loop.items():
        try:
            loop.call_soon_threadsafe(_spawn_all, items)
        except RuntimeError:  # the loop is closed: so are its sockets
            for outlet, _ in items:
                outlet.closed = True


def _spawn_all(items: list[tuple[Outlet, bytes]]) -> None:
    for outlet, data in items:
        outlet._spawn(data)


def same_origin(headers: Any) -> bool:
    """True if the Origin header names the host the request was sent to."""
    origin, host = headers.get("origin"), headers.get("host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


async def live_socket(ws: WebSocket) -> None:
    """The route handler (see the module docstring)."""
    if not same_origin(ws.headers):
        # before accept: the handshake is refused (HTTP 403, with the reason when the
        # server can send one)
        if "websocket.http.response" in ws.scope.get("extensions", {}):
            await ws.send_denial_response(PlainTextResponse(REASON_ORIGIN, status_code=403))
        else:
            await close(ws, CLOSE_PROTOCOL, REASON_ORIGIN)
        return
    await ws.accept()
    try:
        raw = await asyncio.wait_for(receive_data(ws), protocol.HELLO_TIMEOUT_S)
        hello = parse_client(raw)
        if hello["t"] != "hello":
            raise BadMessageError("the first message must be hello")
    except TimeoutError:
        await close(ws, CLOSE_PROTOCOL, f"No hello within {protocol.HELLO_TIMEOUT_S:g} s.")
        return
    except BadMessageError as err:
        await close(ws, err.code, sentence(err))
        return
    except (WebSocketDisconnect, RuntimeError):
        return  # the client went away
    session = HUB.get(hello["token"])
    if session is None:
        await close(ws, CLOSE_FORBIDDEN, REASON_FORBIDDEN)
        return
    outlet = Outlet(ws, asyncio.get_running_loop())
    with session.lock:
        old, session.outlet = session.outlet, outlet
        session.acked = session.rev  # the new client wants a frame at once
        session.dirty = True
        session.sent = type(session.sent)()  # a new client has nothing yet
    session.connected.set()
    _commands(session)  # the session's bucket, from its first socket on
    if old is not None:
        await old.close(CLOSE_REPLACED, REASON_REPLACED)
    SCHEDULER.wake(session)
    del session  # the socket holds no strong reference: a closed Streamlit session is freed
    await _receive_loop(ws, outlet, hello["token"])


async def receive_data(ws: WebSocket) -> str | bytes:
    """The next message's text or bytes (``WebSocketDisconnect`` when the client left)."""
    msg = await ws.receive()
    if msg["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(msg.get("code", 1000), msg.get("reason"))
    return msg.get("text") if msg.get("text") is not None else msg.get("bytes") or b""


def sentence(err: BadMessageError) -> str:
    """A refused message's reason as a sentence (for a close reason the page shows)."""
    text = str(err)
    return text[:1].upper() + text[1:] + "."


async def _receive_loop(ws: WebSocket, outlet: Outlet, token: str) -> None:
    bad = 0
    messages = TokenBucket(protocol.MESSAGE_RATE, protocol.MESSAGE_BURST)
    flooding = False  # commands are being dropped (the notice is up)
    try:
        while True:
            raw = await receive_data(ws)
            if not messages.take():
                await outlet.close(CLOSE_PROTOCOL, REASON_FLOOD)
                return
            try:
                cmd = parse_client(raw)
                if cmd["t"] == "hello":
                    raise BadMessageError("hello twice")
            except BadMessageError as err:
                bad += 1
                if bad > protocol.MAX_BAD:
                    reason = f"{sentence(err)} More than {protocol.MAX_BAD} bad messages."
                    await outlet.close(err.code, reason)
                    return
                continue
            session = HUB.get(token)
            if session is None or session.outlet is not outlet:
                if session is None:
                    await outlet.close(CLOSE_FORBIDDEN, REASON_FORBIDDEN)
                else:
                    await outlet.close(CLOSE_REPLACED, REASON_REPLACED)
                return
            bucket = _commands(session)
            if flooding and bucket.full():
                flooding = False  # the flood is over: take its notice down
                if session.notice == NOTICE_TOO_FAST:
                    session.notice = ""
                    session.dirty = True
                    SCHEDULER.wake(session)
            if cmd["t"] not in protocol.NOT_COMMANDS and not bucket.take():
                if not flooding:  # one notice for the whole flood
                    flooding = True
                    session.notice = NOTICE_TOO_FAST
                    session.dirty = True
                    SCHEDULER.wake(session)
                del session
                continue  # dropped before it reaches the session
            if cmd["t"] != "ping":
                session.command(cmd)
            del session
    except (WebSocketDisconnect, RuntimeError):
        return
    finally:
        outlet.closed = True
        session = HUB.get(token)
        if session is not None and session.outlet is outlet:
            session.outlet = None  # idle until it reconnects: no CPU, no frames
