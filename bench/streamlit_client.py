"""A Backprop Lab session without a browser: Streamlit's own protocol, then the live channel.

What a browser does when it opens the Playground, step by step, with nothing rendered:

1. ``GET /`` (the page; a reverse proxy in front may set its affinity cookie here), then
   ``GET /_stcore/health`` and ``GET /_stcore/host-config`` as Streamlit's front end does
   before it opens its socket.  The health answer sets the ``_streamlit_xsrf`` cookie (only
   that route and ``/_stcore/script-health`` set it; ``GET /`` does not, and every answer
   re-masks it, so its text changes while the token inside stays the same).
2. The WebSocket ``/_stcore/stream`` with the subprotocols the front end offers
   (``["streamlit", <xsrf cookie or "PLACEHOLDER_AUTH_TOKEN">]``; a third entry would be the
   last session id, for a reconnect), ``Origin: http://HOST`` and the cookies.  Streamlit
   answers with the subprotocol ``streamlit``.
3. A ``BackMsg`` ``rerun_script`` with the page's client state (query string, no widget
   states, the context info a browser reports), built with :mod:`streamlit.proto`.
4. ``ForwardMsg``\\ s until the script run finishes; the live view's element is a
   ``bidi_component`` named ``backprop-lab.live_view`` whose data (bytes, UTF-8 JSON) carries
   ``{"schema": 2, "token": …, "ws": "bp/live/ws"}``.
5. The live channel ``ws://HOST/bp/live/ws`` (same Origin and cookies): ``hello`` with the
   token, ``play``, and an ``ack`` per frame taken.  A browser acknowledges a frame in the
   animation-frame callback that paints it, so by default this client acknowledges on the
   next tick of a 60 Hz clock (``fps_cap``), as a 60 Hz screen would.

The Streamlit socket stays open while the live channel plays (a closed one ends the session
after ``server.disconnectedSessionTTL``, and its token with it).

Cheap enough to run 40 sessions in one asyncio process: one task per socket, frames are
parsed only as far as their JSON header.  Every wait has a timeout and every loop a bound;
only loopback hosts are accepted, and proxies from the environment are ignored.

Use it::

    async with StreamlitSession("http://127.0.0.1:8501") as s:
        token = await s.open()                  # steps 1-4
        async with LiveClient(s) as live:       # step 5
            await live.hello(token)
            await live.play()
            await live.run(seconds=10)
            print(live.stats.frames, live.stats.last_epoch)
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import math
import struct
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

LIVE_COMPONENT = "backprop-lab.live_view"
STREAM_PATH = "/_stcore/stream"
XSRF_COOKIE = "_streamlit_xsrf"
PLACEHOLDER_AUTH_TOKEN = "PLACEHOLDER_AUTH_TOKEN"  # what the front end sends without a cookie
HTTP_TIMEOUT_S = 15.0
OPEN_TIMEOUT_S = 60.0  # first script run on a cold, loaded server
MAX_FORWARD_MSGS = 5000  # per script run
MAX_HTTP_BYTES = 4 << 20
#: websockets ≥ 15 reads proxy settings from the environment unless told not to; older
#: versions (Streamlit allows ≥ 12; this module needs the asyncio API of ≥ 13) never did.
NO_PROXY: dict[str, Any] = (
    {"proxy": None} if int(websockets.__version__.split(".")[0]) >= 15 else {}
)
CHROME_UA = "Mozilla/5.0 (X11; Linux x86_64) backprop-lab-bench/1 (Streamlit protocol client)"


class ClientError(RuntimeError):
    """The server did not behave as the protocol says (with what happened)."""


def check_loopback(host: str) -> None:
    """Refuse any host that is not this machine."""
    if host == "localhost":
        return
    try:
        if ipaddress.ip_address(host).is_loopback:
            return
    except ValueError:
        pass
    raise ClientError(f"{host!r} is not a loopback address: this client only talks to 127.0.0.1")


# --------------------------------------------------------------------------------------
# HTTP (just enough for cookies and a health check)
# --------------------------------------------------------------------------------------


@dataclass
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header_values(self, name: str) -> list[str]:
        name = name.lower()
        return [v for k, v in self.headers if k.lower() == name]


def _dechunk(body: bytes) -> bytes:
    out, i = bytearray(), 0
    for _ in range(100_000):
        j = body.find(b"\r\n", i)
        if j < 0:
            break
        size = int(body[i:j].split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out += body[j + 2 : j + 2 + size]
        i = j + 2 + size + 2
    return bytes(out)


async def http_get(
    host: str, port: int, path: str, headers: dict[str, str], timeout: float = HTTP_TIMEOUT_S
) -> HttpResponse:
    """One ``GET`` over HTTP/1.1 with ``Connection: close``; the body is read to the end."""
    check_loopback(host)

    async def go() -> HttpResponse:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
            lines += [f"{k}: {v}" for k, v in headers.items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
            await writer.drain()
            raw = await reader.read(MAX_HTTP_BYTES)
            for _ in range(10_000):
                more = await reader.read(MAX_HTTP_BYTES)
                if not more or len(raw) > MAX_HTTP_BYTES:
                    break
                raw += more
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        try:
            status = int(lines[0].split()[1])
        except (IndexError, ValueError):
            raise ClientError(f"GET {path}: not an HTTP answer: {lines[0]!r}") from None
        hdrs = [tuple(x.strip() for x in ln.split(":", 1)) for ln in lines[1:] if ":" in ln]
        if any(k.lower() == "transfer-encoding" and "chunked" in v.lower() for k, v in hdrs):
            body = _dechunk(body)
        return HttpResponse(status, hdrs, body)  # type: ignore[arg-type]

    return await asyncio.wait_for(go(), timeout)


class CookieJar:
    """Name → value, as a browser keeps them for one host (paths and expiry ignored)."""

    def __init__(self) -> None:
        self.values: dict[str, str] = {}

    def update(self, response: HttpResponse) -> None:
        for v in response.header_values("set-cookie"):
            name, _, rest = v.partition("=")
            self.values[name.strip()] = rest.split(";", 1)[0].strip()

    def header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.values.items())


# --------------------------------------------------------------------------------------
# Streamlit's protocol
# --------------------------------------------------------------------------------------


def rerun_script_msg(base_url: str, query_string: str = "", page_script_hash: str = "") -> bytes:
    """The ``BackMsg`` a browser sends to run the page's script (first run: no widgets)."""
    msg = BackMsg()
    cs = msg.rerun_script
    cs.query_string = query_string
    cs.page_script_hash = page_script_hash
    cs.page_name = ""
    cs.widget_states.SetInParent()
    cs.is_auto_rerun = False
    ci = cs.context_info
    ci.timezone = "UTC"
    ci.timezone_offset = 0
    ci.locale = "en-US"
    ci.url = base_url.rstrip("/") + "/" + (f"?{query_string}" if query_string else "")
    ci.is_embedded = False
    ci.color_scheme = "light"
    return msg.SerializeToString()


def click_msg(
    base_url: str, widget_id: str, query_string: str = "", page_script_hash: str = ""
) -> bytes:
    """The ``BackMsg`` a browser sends when a button is pressed: a run with its trigger."""
    msg = BackMsg()
    msg.ParseFromString(rerun_script_msg(base_url, query_string, page_script_hash))
    widget = msg.rerun_script.widget_states.widgets.add()
    widget.id = widget_id
    widget.trigger_value = True
    return msg.SerializeToString()


def heartbeat_msg() -> bytes:
    msg = BackMsg()
    msg.app_heartbeat = True
    return msg.SerializeToString()


@dataclass
class ScriptRun:
    """What one script run sent: message kinds, the live view's data, errors shown."""

    kinds: dict[str, int] = field(default_factory=dict)
    live_data: dict[str, Any] | None = None
    session_id: str | None = None
    exceptions: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)  # st.info / st.warning / … bodies
    finished: int | None = None  # ForwardMsg.script_finished status
    seconds: float = 0.0
    buttons: dict[str, str] = field(default_factory=dict)  # a button's label → its widget id
    html: list[str] = field(default_factory=list)  # st.html bodies


class StreamlitSession:
    """One Streamlit session as a browser holds it (cookies + the ``/_stcore/stream`` socket).

    Parameters
    ----------
    base_url : str
        ``http://127.0.0.1:PORT`` (loopback only), optionally through a reverse proxy.
    query_string : str
        The page URL's query (the Playground reads its settings from it).
    """

    def __init__(self, base_url: str, query_string: str = "") -> None:
        parts = urlsplit(base_url)
        if parts.scheme != "http" or not parts.hostname or not parts.port:
            raise ClientError(f"base_url must be http://HOST:PORT, got {base_url!r}")
        check_loopback(parts.hostname)
        self.base_url = base_url.rstrip("/")
        self.host, self.port = parts.hostname, parts.port
        self.netloc = f"{self.host}:{self.port}"
        self.origin = f"http://{self.netloc}"
        self.query_string = query_string
        self.cookies = CookieJar()
        self.ws: ClientConnection | None = None
        self.run: ScriptRun | None = None
        self._reader: asyncio.Task | None = None

    def headers(self) -> dict[str, str]:
        h = {"User-Agent": CHROME_UA, "Origin": self.origin}
        if self.cookies.values:
            h["Cookie"] = self.cookies.header()
        return h

    async def get(self, path: str) -> HttpResponse:
        h = {"User-Agent": CHROME_UA, "Accept": "*/*"}
        if self.cookies.values:
            h["Cookie"] = self.cookies.header()
        r = await http_get(self.host, self.port, path, h)
        self.cookies.update(r)
        return r

    async def open(self, timeout: float = OPEN_TIMEOUT_S, token: bool = True) -> str:
        """Steps 1-4 of the module docstring; returns the live channel's token (with
        ``token=False``: "" when the page's live view has none, e.g. a class's follower,
        whose data is then ``self.run.live_data``)."""
        page = "/" + (f"?{self.query_string}" if self.query_string else "")
        r = await self.get(page)
        if r.status != 200:
            raise ClientError(f"GET {page}: HTTP {r.status}")
        for path in ("/_stcore/health", "/_stcore/host-config"):
            r = await self.get(path)
            if r.status != 200:
                raise ClientError(f"GET {path}: HTTP {r.status} {r.body[:200]!r}")
        xsrf = self.cookies.values.get(XSRF_COOKIE)
        self.ws = await connect(
            f"ws://{self.netloc}{STREAM_PATH}",
            subprotocols=["streamlit", xsrf or PLACEHOLDER_AUTH_TOKEN],  # type: ignore[list-item]
            additional_headers={k: v for k, v in self.headers().items() if k != "Origin"},
            origin=self.origin,  # type: ignore[arg-type]
            compression=None,  # server.enableWebsocketCompression is off by default
            **NO_PROXY,
            open_timeout=HTTP_TIMEOUT_S,
            max_size=64 << 20,
            user_agent_header=None,
        )
        if self.ws.subprotocol != "streamlit":
            raise ClientError(f"Streamlit chose subprotocol {self.ws.subprotocol!r}")
        run = await asyncio.wait_for(self.rerun(), timeout)
        if run.live_data is None:
            raise ClientError(
                f"the script run showed no {LIVE_COMPONENT} (messages {run.kinds}, "
                f"exceptions {run.exceptions[:2]})"
            )
        live_token = run.live_data.get("token")
        if token and (not isinstance(live_token, str) or not live_token):
            raise ClientError(f"the live view's data has no token: {run.live_data}")
        # From now on only keep the socket drained (the server may send more).
        self._reader = asyncio.create_task(self._drain())
        return live_token if isinstance(live_token, str) else ""

    async def rerun(self, message: bytes | None = None) -> ScriptRun:
        """Send ``rerun_script`` (or ``message``: :func:`click_msg`) and read ForwardMsgs
        until ``script_finished``."""
        assert self.ws is not None
        t0 = time.perf_counter()
        run = ScriptRun()
        await self.ws.send(message or rerun_script_msg(self.base_url, self.query_string))
        for _ in range(MAX_FORWARD_MSGS):
            raw = await self.ws.recv()
            if isinstance(raw, str):
                raise ClientError("Streamlit sent a text frame")
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type") or "?"
            run.kinds[kind] = run.kinds.get(kind, 0) + 1
            if kind == "new_session":
                run.session_id = msg.new_session.initialize.session_id or None
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                el = msg.delta.new_element
                which = el.WhichOneof("type")
                if which == "bidi_component" and el.bidi_component.component_name == (
                    LIVE_COMPONENT
                ):
                    bc = el.bidi_component
                    if bc.WhichOneof("data") == "bytes":
                        run.live_data = json.loads(bc.bytes.decode("utf-8"))
                    elif bc.WhichOneof("data") == "json":
                        run.live_data = json.loads(bc.json)
                elif which == "exception":
                    run.exceptions.append(el.exception.message)
                elif which == "alert":
                    run.alerts.append(el.alert.body)
                elif which == "button":
                    run.buttons[el.button.label] = el.button.id
                elif which == "html":
                    run.html.append(el.html.body)
            elif kind == "script_finished":
                run.finished = msg.script_finished
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    break  # done (or a compile error); a rerun sends another run
        else:
            raise ClientError(f"no script_finished within {MAX_FORWARD_MSGS} messages")
        run.seconds = time.perf_counter() - t0
        self.run = run
        return run

    async def click(self, label: str, timeout: float = OPEN_TIMEOUT_S) -> ScriptRun:
        """Press the button ``label`` of the last run (after :meth:`open`); the run it
        causes."""
        assert self.run is not None
        widget_id = self.run.buttons.get(label)
        if widget_id is None:
            raise ClientError(f"no button {label!r} in the last run: {sorted(self.run.buttons)}")
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        msg = click_msg(self.base_url, widget_id, self.query_string)
        run = await asyncio.wait_for(self.rerun(msg), timeout)
        self._reader = asyncio.create_task(self._drain())
        return run

    async def _drain(self) -> None:
        assert self.ws is not None
        with contextlib.suppress(ConnectionClosed, asyncio.CancelledError):
            async for _ in self.ws:
                pass

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
        self.ws = None

    async def __aenter__(self) -> StreamlitSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


# --------------------------------------------------------------------------------------
# The live channel
# --------------------------------------------------------------------------------------


def frame_header(data: bytes) -> dict[str, Any]:
    """A frame's JSON header only (``lab_ui.live.channel.protocol.unpack`` without the arrays)."""
    (n,) = struct.unpack_from("<I", data, 0)
    return json.loads(data[4 : 4 + n])


@dataclass
class LiveStats:
    """What one live channel received."""

    frames: int = 0
    bytes: int = 0
    first_epoch: int | None = None
    last_epoch: int | None = None
    last_step: int | None = None
    last_rev: int = 0
    uirevs: set = field(default_factory=set)
    playing_seen: bool = False
    close_code: int | None = None
    #: (monotonic receive time, epoch, the frame's server_ms, its ack_to_frame_ms) per frame,
    #: the first MAX_KEPT
    log: list = field(default_factory=list)

    MAX_KEPT = 100_000

    def take(self, head: dict[str, Any], nbytes: int, now: float) -> None:
        self.frames += 1
        self.bytes += nbytes
        ep = head.get("epoch")
        if self.first_epoch is None:
            self.first_epoch = ep
        self.last_epoch, self.last_step = ep, head.get("step")
        self.last_rev = head.get("rev", self.last_rev)
        if head.get("uirev") is not None and len(self.uirevs) < 100:
            self.uirevs.add(head["uirev"])
        self.playing_seen |= bool(head.get("playing"))
        if len(self.log) < self.MAX_KEPT:
            self.log.append((now, ep, head.get("server_ms"), head.get("ack_to_frame_ms")))

    def between(self, t0: float, t1: float) -> dict[str, Any]:
        """Frames/s, epochs/s, the last server_ms and ack_to_frame_ms over [t0, t1]
        (monotonic times)."""
        rows = [r for r in self.log if t0 <= r[0] <= t1]
        dt = t1 - t0
        if not rows or dt <= 0:
            return {
                "frames": 0,
                "frames_per_s": 0.0,
                "epochs_per_s": 0.0,
                "server_ms": None,
                "ack_to_frame_ms": None,
            }
        span = rows[-1][0] - rows[0][0]
        e0, e1 = rows[0][1], rows[-1][1]
        ok = span > 0 and e0 is not None and e1 is not None
        return {
            "frames": len(rows),
            "frames_per_s": len(rows) / dt,
            "epochs_per_s": (e1 - e0) / span if ok else 0.0,
            "server_ms": rows[-1][2],
            "ack_to_frame_ms": rows[-1][3],
        }


class LiveClient:
    """The live view's side of ``/bp/live/ws`` for one session (no drawing).

    Parameters
    ----------
    session : StreamlitSession
        Gives the host, Origin and cookies (a reverse proxy routes on the cookies).
    fps_cap : float or None
        Acknowledge a frame no sooner than the next tick of a clock at this rate (a browser
        acks in the animation frame that paints it); None acks at once.
    path : str
        The channel's path (the component's data says ``bp/live/ws``).
    """

    def __init__(
        self, session: StreamlitSession, fps_cap: float | None = 60.0, path: str = "/bp/live/ws"
    ) -> None:
        self.session = session
        self.fps_cap = fps_cap
        self.path = "/" + path.lstrip("/")
        self.ws: ClientConnection | None = None
        self.stats = LiveStats()
        self._clock0 = time.monotonic()

    async def connect(self) -> None:
        s = self.session
        headers = {"User-Agent": CHROME_UA}
        if s.cookies.values:
            headers["Cookie"] = s.cookies.header()
        self.ws = await connect(
            f"ws://{s.netloc}{self.path}",
            origin=s.origin,  # type: ignore[arg-type]
            additional_headers=headers,
            compression=None,
            **NO_PROXY,
            open_timeout=HTTP_TIMEOUT_S,
            max_size=64 << 20,
            user_agent_header=None,
        )

    async def send(self, msg: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(msg, separators=(",", ":")))

    async def hello(self, token: str, first_frame_timeout: float = 30.0) -> dict[str, Any] | None:
        """Say hello; return the first frame's header (None if the socket was closed)."""
        if self.ws is None:
            await self.connect()
        await self.send({"t": "hello", "token": token})
        return await self.next_frame(first_frame_timeout)

    async def play(self) -> None:
        await self.send({"t": "play"})

    async def pause(self) -> None:
        await self.send({"t": "pause"})

    async def next_frame(self, timeout: float) -> dict[str, Any] | None:
        """Wait for one frame (header only) and acknowledge it; None when closed."""
        assert self.ws is not None
        try:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
        except ConnectionClosed as err:
            self.stats.close_code = err.rcvd.code if err.rcvd else None
            return None
        now = time.monotonic()
        if isinstance(raw, str):
            raise ClientError("the live channel sent text")
        head = frame_header(raw)
        if head.get("t") != "frame":
            return head
        self.stats.take(head, len(raw), now)
        await self._ack(head["rev"], now)
        return head

    async def _ack(self, rev: int, now: float) -> None:
        if self.fps_cap:
            period = 1.0 / self.fps_cap
            tick = self._clock0 + math.ceil((now - self._clock0) / period) * period
            if tick > now:
                await asyncio.sleep(tick - now)
        await self.send({"t": "ack", "rev": rev})

    async def run(self, seconds: float, frame_timeout: float = 30.0) -> int:
        """Take and acknowledge frames for ``seconds``; returns the frames taken."""
        end = time.monotonic() + seconds
        n = 0
        while True:
            left = end - time.monotonic()
            if left <= 0:
                return n
            try:
                head = await self.next_frame(min(frame_timeout, left + 0.5))
            except TimeoutError:
                if time.monotonic() >= end:
                    return n
                raise ClientError(f"no frame for {frame_timeout} s") from None
            if head is None:
                return n
            n += 1

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)
            if self.ws.close_code is not None and self.stats.close_code is None:
                self.stats.close_code = self.ws.close_code
        self.ws = None

    async def __aenter__(self) -> LiveClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def wrong_token_probe(session: StreamlitSession, timeout: float = 10.0) -> dict[str, Any]:
    """Open the live channel with a made-up token: how it ends, and whether frames came."""
    live = LiveClient(session, fps_cap=None)
    frames = 0
    code = None
    try:
        await live.connect()
        await live.send({"t": "hello", "token": "x" * 43})
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                raw = await asyncio.wait_for(live.ws.recv(), end - time.monotonic())  # type: ignore[union-attr]
            except ConnectionClosed as err:
                code = err.rcvd.code if err.rcvd else None
                break
            except TimeoutError:
                break
            if isinstance(raw, bytes):
                frames += 1
    finally:
        await live.close()
    return {"frames": frames, "close_code": code}


async def play_session(
    base_url: str, seconds: float, *, query_string: str = "", fps_cap: float | None = 60.0
) -> LiveStats:
    """Open a session, play for ``seconds``, close; returns the live channel's statistics."""
    async with StreamlitSession(base_url, query_string) as s:
        token = await s.open()
        async with LiveClient(s, fps_cap=fps_cap) as live:
            if await live.hello(token) is None:
                raise ClientError(f"the live channel closed at hello ({live.stats.close_code})")
            await live.play()
            await live.run(seconds)
            await live.pause()
            return live.stats


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Open one Playground session and play.")
    ap.add_argument("url", help="http://127.0.0.1:PORT (loopback only)")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--query", default="", help="the page's query string")
    args = ap.parse_args(argv)
    st = asyncio.run(play_session(args.url, args.seconds, query_string=args.query))
    print(
        f"{st.frames} frames ({st.frames / args.seconds:.1f}/s), epoch {st.first_epoch} → "
        f"{st.last_epoch}, {st.bytes / max(1, st.frames) / 1024:.1f} kB/frame, "
        f"server_ms {st.log[-1][2] if st.log else None}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
