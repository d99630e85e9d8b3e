"""Stand-ins for the deployment tests: nginx run from a config, small servers that say which
process they are, a DNS server that knows a few names, and a client for each.

Everything listens on loopback (127.0.0.0/8) on free ports, and every test stops what it
started.  Used by ``tests/test_deploy_class_routing.py`` and ``tests/test_deploy_k8s.py``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import json
import os
import socket
import struct
import subprocess
import threading
import time
from pathlib import Path

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import serve

from deploy.run_cluster import LOOPBACK, find_nginx, health

START_TIMEOUT_S = 15.0


def nginx_or_skip() -> str:
    """The nginx binary; without one the test skips with the reason (fails under CI=true)."""
    nginx = find_nginx()
    if nginx is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the deployment tests must run under CI=true, but nginx is missing")
        pytest.skip("nginx is not installed (apt-get install nginx; /usr/sbin/nginx)")
    return nginx


def nginx_check(nginx: str, conf: Path, run_dir: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` of ``conf`` with ``run_dir`` as its prefix."""
    cmd = [nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "error.log")]
    return subprocess.run([*cmd, "-t", "-q"], capture_output=True, text=True, timeout=30)


class Nginx:
    """nginx in the foreground with ``conf``; ``url`` answers once ``start`` returns."""

    def __init__(self, nginx: str, conf: Path, run_dir: Path, port: int) -> None:
        self.cmd = [nginx, "-p", str(run_dir), "-c", str(conf), "-e", str(run_dir / "error.log")]
        self.run_dir = run_dir
        self.url = f"http://{LOOPBACK}:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self, probe: str = "/") -> Nginx:
        with open(self.run_dir / "nginx.out", "w") as out:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        while health(self.url + probe) is None:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((self.run_dir / "error.log").read_text(errors="replace"))
            time.sleep(0.1)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


class StandIns:
    """One small server per process, all in one thread with its own event loop.

    ``addresses[i - 1]`` is process i's (host, port).  Each answers a WebSocket with one
    JSON message ``{"process": i, "path": …}`` and a plain request with ``process i``;
    ``seen[i]`` lists the paths process i was asked for.
    """

    def __init__(self, addresses: list[tuple[str, int]]) -> None:
        self.addresses = addresses
        self.seen: dict[int, list[str]] = {i: [] for i in range(1, len(addresses) + 1)}
        self._loop = asyncio.new_event_loop()
        self._servers: dict[int, object] = {}
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def ports(self) -> list[int]:
        return [port for _host, port in self.addresses]

    def _start_one(self, i: int) -> concurrent.futures.Future:
        async def handler(ws) -> None:
            await ws.send(json.dumps({"process": i, "path": ws.request.path}))
            await ws.wait_closed()

        def process_request(conn, request):
            self.seen[i].append(request.path)
            if request.headers.get("Upgrade", "").lower() != "websocket":
                return conn.respond(200, f"process {i}\n")
            return None

        async def start() -> None:
            host, port = self.addresses[i - 1]
            self._servers[i] = await serve(handler, host, port, process_request=process_request)

        return asyncio.run_coroutine_threadsafe(start(), self._loop)

    def start(self) -> StandIns:
        self._thread.start()
        for i in self.seen:
            self._start_one(i).result(START_TIMEOUT_S)
        return self

    def counts(self) -> dict[int, int]:
        return {i: len(seen) for i, seen in self.seen.items()}

    def stop_one(self, i: int) -> None:
        async def stop() -> None:
            server = self._servers.pop(i)
            server.close()
            await server.wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(START_TIMEOUT_S)

    def stop(self) -> None:
        for i in list(self._servers):
            self.stop_one(i)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(START_TIMEOUT_S)


class DnsStub:
    """A DNS server on loopback UDP that knows ``names`` (name → IPv4 address).

    Enough of RFC 1035 for nginx's resolver: one question; an A record for a known name,
    no record (NOERROR) for its other types, NXDOMAIN for any other name.
    """

    def __init__(self, names: dict[str, str]) -> None:
        self.names = {n.lower().rstrip("."): ip for n, ip in names.items()}
        self.asked: list[str] = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((LOOPBACK, 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> DnsStub:
        self._thread.start()
        return self

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(512)
            except TimeoutError:
                continue
            except OSError:
                return
            reply = self.answer(data)
            if reply:
                self.sock.sendto(reply, peer)

    def answer(self, query: bytes) -> bytes | None:
        if len(query) < 12:
            return None
        qid, _flags, qdcount = struct.unpack("!HHH", query[:6])
        if qdcount != 1:
            return None
        labels, pos = [], 12
        while pos < len(query) and query[pos]:
            n = query[pos]
            labels.append(query[pos + 1 : pos + 1 + n].decode("ascii", "replace"))
            pos += 1 + n
        question = query[12 : pos + 5]  # the name, its 0 byte, type and class
        qtype = struct.unpack("!H", query[pos + 1 : pos + 3])[0]
        name = ".".join(labels).lower()
        self.asked.append(name)
        ip = self.names.get(name)
        rcode = 0 if ip else 3  # NOERROR, NXDOMAIN
        answers = b""
        if ip and qtype == 1:  # A
            answers = struct.pack("!HHHIH", 0xC00C, 1, 1, 5, 4) + socket.inet_aton(ip)
        header = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 1 if answers else 0, 0, 0)
        return header + question + answers

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


def open_socket(url: str, path: str, cookie: str | None = None) -> tuple[dict, list[str]]:
    """Open a WebSocket through ``url``: (the stand-in's message, the answer's Set-Cookies)."""

    async def go() -> tuple[dict, list[str]]:
        headers = {"Cookie": cookie} if cookie else {}
        async with connect(
            url.replace("http://", "ws://") + path,
            additional_headers=headers,
            proxy=None,
            open_timeout=10,
        ) as ws:
            msg = json.loads(await asyncio.wait_for(ws.recv(), 10))
            return msg, ws.response.headers.get_all("Set-Cookie")

    # its own thread and loop: a browser test's Playwright may run a loop in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result(30)


def get(url: str, path: str, cookie: str | None = None) -> tuple[int, dict[str, str], str]:
    """A plain GET through ``url``: (status, headers in lower case, body)."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        r = conn.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode()
    finally:
        conn.close()
