"""The class socket ``/bp/class/ws?class=CODE``: the followers' frames and their answers.

Everything a student does in a class travels here, so a student's Streamlit session may be
on another replica than the class (a proxy routes this path by the code's first character).

1. The Origin must name this host (as the live channel's, :mod:`lab_ui.live.channel.endpoint`).
2. A tab, or an address, whose failed joins ran out (:class:`~lab_ui.classroom.model.JoinGuard`:
   per tab, ``&tab=ID`` in the URL, the id of its hello; and per address, all its tabs) is
   refused before anything is looked up (4429), so codes cannot be enumerated, and one
   student's typos do not hold back a lecture hall behind one NAT address.
3. The first message is ``{"t": "hello", "token": ID}`` within the live channel's hello time:
   ID is the tab's anonymous id (16 … 64 characters of ``A-Za-z0-9_-``); the same id again
   takes its place back (its answer kept) and closes the older socket (4409).
4. After it, only :data:`KINDS`: ``ack`` (a frame taken for painting), ``mode`` (the
   student's own diagram mode, ``{"m": "forward" | "backward" | null}``), ``answer``
   (``{"q": id, "a": choice index or number}``, at most
   :data:`~lab_ui.classroom.bounds.ANSWER_RATE` a second), ``copy`` (Take a copy: the owner
   replies with the lecturer's run as a run file) and ``ping``.  Nothing a follower sends can
   reach the lecturer's run.

Close codes, each with a reason in words: 1008/1009 (against the protocol, too big), 4404
(no class has this code), 4409 (opened again in another tab), 4410 (the class has ended),
4413 (the class is full), 4429 (too many failed joins from this tab or this address).

Server → follower: the lecturer's frames (the live channel's layout), and packed messages
``{"t": "you", "q", "a"}`` (its answer, as taken), ``{"t": "copy", "name", "run"}`` (the run
file's bytes) and ``{"t": "notice", "text"}``.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from lab_ui.live.channel import endpoint as live_endpoint
from lab_ui.live.channel import protocol
from lab_ui.live.channel.endpoint import Outlet, close, receive_data, same_origin, sentence
from lab_ui.live.channel.protocol import BadMessageError, TokenBucket

from . import bounds, codes, copy
from .model import (
    CLASSES,
    CLOSE_ENDED,
    CLOSE_FULL,
    CLOSE_NO_CLASS,
    CLOSE_REPLACED,
    CLOSE_TOO_MANY,
    JOINS,
    MODES,
    Classroom,
    Follower,
    ended_reason,
)

PATH = "/bp/class/ws"
KINDS = ("hello", "ack", "answer", "copy", "mode", "ping")
FOLLOWER_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")

REASON_NO_CLASS = "No class has this code: check it with your lecturer."
REASON_FULL = "This class is full."
REASON_TOO_MANY = (
    "Too many wrong class codes from this browser tab or this network: wait a minute, "
    "then check the code with your lecturer."
)
REASON_REPLACED = "This class was opened in another tab."
NOTICE_TOO_FAST = "Too many answers at once: wait a moment."


def parse_class(raw: str | bytes) -> dict[str, Any]:
    """One follower message, checked (:class:`BadMessageError` with the reason otherwise)."""
    if len(raw) > bounds.MAX_MESSAGE or (
        isinstance(raw, str)
        and len(raw.encode("utf-8", errors="surrogatepass")) > bounds.MAX_MESSAGE
    ):
        raise BadMessageError(
            f"the message is longer than {bounds.MAX_MESSAGE} bytes", protocol.CLOSE_TOO_BIG
        )
    try:
        msg = json.loads(raw)
    except (ValueError, RecursionError):
        raise BadMessageError("the message is not JSON") from None
    if not isinstance(msg, dict):
        raise BadMessageError("not a JSON object")
    kind = msg.get("t")
    if kind not in KINDS:
        raise BadMessageError("a class takes only hello, ack, answer, copy, mode and ping")
    if kind == "hello":
        fid = msg.get("token")
        if not isinstance(fid, str) or not FOLLOWER_ID.fullmatch(fid):
            raise BadMessageError("hello without a tab id")
        return {"t": kind, "token": fid}
    if kind == "ack":
        return {"t": kind, "rev": protocol.frame_number(msg)}
    if kind == "mode":
        m = msg.get("m")
        if m is not None and m not in MODES:
            raise BadMessageError("mode is 'forward', 'backward' or null (the lecturer's)")
        return {"t": kind, "m": m}
    if kind == "answer":
        q, a = msg.get("q"), msg.get("a")
        if not isinstance(q, int) or isinstance(q, bool) or q < 0:
            raise BadMessageError("answer without a question number")
        if (
            isinstance(a, bool)
            or not isinstance(a, int | float)
            or not math.isfinite(a)
            or abs(a) > bounds.MAX_NUMBER
        ):
            raise BadMessageError("an answer is a choice's number or a finite number")
        return {"t": kind, "q": q, "a": a}
    return {"t": kind}


def client_address(ws: WebSocket) -> str:
    return ws.client.host if ws.client is not None else "?"


def tab_of(raw: Any) -> str:
    """The tab's anonymous id from the URL's ``tab`` (what its hello will say), or "" when
    there is none or it is not of that form (such joins count as one tab of their address)."""
    return raw if isinstance(raw, str) and FOLLOWER_ID.fullmatch(raw) else ""


async def _refuse(ws: WebSocket, code: int, reason: str) -> None:
    await ws.accept()
    await close(ws, code, reason)


async def class_socket(ws: WebSocket) -> None:
    """The route handler (see the module docstring)."""
    if not same_origin(ws.headers):
        if "websocket.http.response" in ws.scope.get("extensions", {}):
            await ws.send_denial_response(
                PlainTextResponse(live_endpoint.REASON_ORIGIN, status_code=403)
            )
        else:
            await close(ws, protocol.CLOSE_POLICY, live_endpoint.REASON_ORIGIN)
        return
    address = client_address(ws)
    tab = tab_of(ws.query_params.get("tab"))
    if not JOINS.allowed(address, tab):
        await _refuse(ws, CLOSE_TOO_MANY, REASON_TOO_MANY)
        return
    code = codes.normalize(ws.query_params.get("class"))
    klass = CLASSES.get(code) if code else None
    if klass is None or klass.ended:
        JOINS.failed(address, tab)
        await _refuse(ws, CLOSE_NO_CLASS, REASON_NO_CLASS)
        return
    await ws.accept()
    try:
        raw = await asyncio.wait_for(receive_data(ws), protocol.HELLO_TIMEOUT_S)
        hello = parse_class(raw)
        if hello["t"] != "hello":
            raise BadMessageError("the first message must be hello")
    except TimeoutError:
        await close(ws, protocol.CLOSE_POLICY, f"No hello within {protocol.HELLO_TIMEOUT_S:g} s.")
        return
    except BadMessageError as err:
        await close(ws, err.code, sentence(err))
        return
    except (WebSocketDisconnect, RuntimeError):
        return
    outlet = Outlet(ws, asyncio.get_running_loop())
    follower, old, refused = klass.join(hello["token"], outlet)
    if follower is None:
        if refused == "full":
            await close(ws, CLOSE_FULL, f"{REASON_FULL} ({klass.max_students} students)")
        else:
            await close(ws, CLOSE_ENDED, ended_reason(klass.code))
        return
    if old is not None:
        await old.outlet.close(CLOSE_REPLACED, REASON_REPLACED)
    mine = klass.your_answer(follower.fid)
    if mine is not None:  # a reload: its answer is still there
        outlet.send(protocol.pack(mine))
    try:
        await _receive_loop(ws, klass, follower)
    finally:
        outlet.closed = True
        klass.leave(follower)


async def _receive_loop(ws: WebSocket, klass: Classroom, f: Follower) -> None:
    bad = 0
    messages = TokenBucket(protocol.MESSAGE_RATE, protocol.MESSAGE_BURST)
    try:
        while True:
            raw = await receive_data(ws)
            if f.outlet.closed:
                return
            if klass.expired():
                CLASSES.sweep()
                await f.outlet.close(CLOSE_ENDED, ended_reason(klass.code))
                return
            if not messages.take():
                await f.outlet.close(protocol.CLOSE_POLICY, live_endpoint.REASON_FLOOD)
                return
            try:
                msg = parse_class(raw)
                if msg["t"] == "hello":
                    raise BadMessageError("hello twice")
            except BadMessageError as err:
                bad += 1
                if bad > protocol.MAX_BAD:
                    reason = f"{sentence(err)} More than {protocol.MAX_BAD} bad messages."
                    await f.outlet.close(err.code, reason)
                    return
                continue
            kind = msg["t"]
            if kind == "ack":
                klass.acked(f, msg["rev"])
            elif kind == "answer":
                if not f.answers.take():
                    f.outlet.send(protocol.pack({"t": "notice", "text": NOTICE_TOO_FAST}))
                    continue
                taken = klass.answer(f.fid, msg["q"], msg["a"])
                if taken is not None:
                    f.outlet.send(protocol.pack({"t": "you", "q": msg["q"], "a": taken}))
            elif kind == "mode":
                klass.set_mode(f, msg["m"])
            elif kind == "copy":
                if not f.copies.take():
                    f.outlet.send(protocol.pack({"t": "notice", "text": copy.TOO_OFTEN}))
                    continue
                message = await asyncio.to_thread(copy.copy_message, klass)
                f.outlet.send(protocol.pack(message))
    except (WebSocketDisconnect, RuntimeError):
        return


__all__ = ["KINDS", "PATH", "class_socket", "parse_class"]
