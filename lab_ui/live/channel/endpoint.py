"""The WebSocket route ``/bp/live/ws``: who may connect, and what they may say.

1. The Origin header must name this very host (the page that Streamlit served); anything
   else is refused before the socket is accepted.
2. The first message must be ``{"t": "hello", "token": …}`` within :data:`HELLO_TIMEOUT_S`
   with the token of a live session; a wrong token gets nothing but a close (code 4403).
3. After that the client only acknowledges frames and sends the few commands of
   :mod:`lab_ui.live.channel.protocol`; a socket that sends more than :data:`MAX_BAD` invalid
   messages, or more than :data:`MAX_RATE` messages a second, is closed.

One socket per session: a second socket with the same token replaces the first (the old one
is closed with code 4409), so a reloaded tab takes its stream back.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any
from urllib.parse import urlsplit

from starlette.websockets import WebSocket, WebSocketDisconnect

from .protocol import BadMessageError, parse_client
from .scheduler import SCHEDULER
from .session import HUB

PATH = "/bp/live/ws"
HELLO_TIMEOUT_S = 10.0
MAX_BAD = 5
MAX_RATE = 240  # messages per second (a 60 Hz client sends ~60 acks)
CLOSE_FORBIDDEN = 4403
CLOSE_REPLACED = 4409
CLOSE_PROTOCOL = 1008


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

    async def close(self, code: int) -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            await self.ws.close(code=code)


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
        await ws.close(code=CLOSE_PROTOCOL)  # before accept: the handshake is refused
        return
    await ws.accept()
    try:
        raw = await asyncio.wait_for(ws.receive_text(), HELLO_TIMEOUT_S)
        hello = parse_client(raw)
        if hello["t"] != "hello":
            raise BadMessageError("the first message must be hello")
    except (TimeoutError, BadMessageError, WebSocketDisconnect, KeyError, RuntimeError):
        with contextlib.suppress(Exception):
            await ws.close(code=CLOSE_PROTOCOL)
        return
    session = HUB.get(hello["token"])
    if session is None:
        await ws.close(code=CLOSE_FORBIDDEN)
        return
    outlet = Outlet(ws, asyncio.get_running_loop())
    with session.lock:
        old, session.outlet = session.outlet, outlet
        session.acked = session.rev  # the new client wants a frame at once
        session.dirty = True
        session.sent = type(session.sent)()  # a new client has nothing yet
    session.connected.set()
    if old is not None:
        await old.close(CLOSE_REPLACED)
    SCHEDULER.wake(session)
    del session  # the socket holds no strong reference: a closed Streamlit session is freed
    await _receive_loop(ws, outlet, hello["token"])


async def _receive_loop(ws: WebSocket, outlet: Outlet, token: str) -> None:
    bad, window_start, count = 0, time.monotonic(), 0
    try:
        while True:
            msg = await ws.receive()
            if msg["type"] == "websocket.disconnect":
                return
            now = time.monotonic()
            if now - window_start >= 1.0:
                window_start, count = now, 0
            count += 1
            if count > MAX_RATE:
                await outlet.close(CLOSE_PROTOCOL)
                return
            raw = msg.get("text") if msg.get("text") is not None else msg.get("bytes") or b""
            try:
                cmd = parse_client(raw)
                if cmd["t"] == "hello":
                    raise BadMessageError("hello twice")
            except BadMessageError:
                bad += 1
                if bad > MAX_BAD:
                    await outlet.close(CLOSE_PROTOCOL)
                    return
                continue
            session = HUB.get(token)
            if session is None or session.outlet is not outlet:
                await outlet.close(CLOSE_REPLACED if session else CLOSE_FORBIDDEN)
                return
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
