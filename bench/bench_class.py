"""A class on one process: one lecturer playing, 50 / 100 / 200 followers, and an answer burst.

The lecturer is a Streamlit protocol client (:mod:`bench.streamlit_client`): it opens the
Playground, presses *Start a class* (the class code comes from the page), plays over its
live channel, and later presses *Ask the class*.  Each follower speaks the class socket's own
protocol (``/bp/class/ws?class=CODE``: hello with a tab id, an ack per frame on the next tick
of a 60 Hz clock as a browser's animation frame would, answers); a few real Chromium pages
can follow too (``--browsers``; their painted frames are counted by the live view's hook).

Per step (followers added to reach 50, 100, 200): frames/s per follower (mean, minimum), the
lecturer's frames/s, the server's CPU (its process CPU seconds / wall seconds) and RSS, this
client's CPU and the machine's load average.  Then the answer burst: the lecturer pauses and
asks; every follower answers at a random moment within one second; the time from the last
answer sent until the lecturer's frame shows the whole tally ("N answers"), and until every
follower's does.

Goal (issue 17): 200 followers ≥ 20 frames/s each with the server ≤ 1 core; the tally
complete ≤ 1 s after the last answer.

Every loop is bounded and every wait has a timeout; the server is started on a free loopback
port (or ``--port``) and stopped by its PID at the end.

    python bench/bench_class.py --steps 50,100,200 --seconds 10 --browsers 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import re
import secrets
import statistics
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from bench.bench_load import cpu_seconds, load_average, rss_mb, self_cpu_seconds  # noqa: E402
from bench.harness import CHROMIUM, CHROMIUM_ARGS, free_port, start_app, stop_app  # noqa: E402
from bench.streamlit_client import (  # noqa: E402
    CHROME_UA,
    HTTP_TIMEOUT_S,
    NO_PROXY,
    LiveClient,
    StreamlitSession,
)

CLASS_PATH = "/bp/class/ws"
REV = re.compile(rb'"rev":(\d+)')
EPOCH = re.compile(rb'"epoch":(\d+)')
QUESTION = re.compile(rb'"question":\{"id":(\d+)')
ANSWERS = re.compile(rb'"answers":(\d+)')
CODE = re.compile(r'bp-class-code">([A-Z0-9]{6})<')
TICK = 1 / 60  # a 60 Hz screen: a browser acks in the animation frame that paints
MAX_FOLLOWERS = 500


class Follower:
    """One student's class socket, speaking the protocol (no drawing)."""

    def __init__(self, netloc: str, origin: str, code: str) -> None:
        self.netloc, self.origin, self.code = netloc, origin, code
        self.tab = secrets.token_urlsafe(18)
        self.times: deque[float] = deque(maxlen=100_000)
        self.epoch = -1
        self.question: int | None = None
        self.answers = 0
        self.full_at: float | None = None  # when its frame first showed the whole tally
        self.want_answers: int | None = None
        self.answered_at: float | None = None
        self.close_code: int | None = None
        self.ws: Any = None
        self._t0 = time.monotonic()

    async def open(self) -> None:
        self.ws = await connect(
            f"ws://{self.netloc}{CLASS_PATH}?class={self.code}",
            origin=self.origin,  # type: ignore[arg-type]
            additional_headers={"User-Agent": CHROME_UA},
            compression=None,
            **NO_PROXY,
            open_timeout=HTTP_TIMEOUT_S,
            max_size=64 << 20,
            user_agent_header=None,
        )
        await self.ws.send(json.dumps({"t": "hello", "token": self.tab}))

    async def run(self, until: float) -> None:
        """Take frames (ack each on the next 60 Hz tick) until ``until`` (monotonic)."""
        while time.monotonic() < until:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), max(0.01, until - time.monotonic()))
            except TimeoutError:
                continue
            except ConnectionClosed as err:
                self.close_code = err.rcvd.code if err.rcvd else None
                return
            now = time.monotonic()
            if not isinstance(raw, bytes):
                continue
            head = raw[:8192]
            rev = REV.search(head)
            if rev is None:  # a "you" / "notice" message
                continue
            self.times.append(now)
            ep = EPOCH.search(head)
            self.epoch = int(ep.group(1)) if ep else self.epoch
            n = int.from_bytes(raw[:4], "little")
            body = raw[4 : 4 + n]
            q = QUESTION.search(body)
            if q is not None:
                self.question = int(q.group(1))
                a = ANSWERS.search(body, q.end())
                self.answers = int(a.group(1)) if a else 0
                if self.want_answers and self.answers >= self.want_answers and not self.full_at:
                    self.full_at = now
            tick = self._t0 + math.ceil((now - self._t0) / TICK) * TICK
            if tick > now:
                await asyncio.sleep(tick - now)
            with contextlib.suppress(ConnectionClosed):
                await self.ws.send(f'{{"t":"ack","rev":{int(rev.group(1))}}}')

    async def answer(self, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.question is None:
            return
        msg = {"t": "answer", "q": self.question, "a": random.randint(0, 1)}
        self.answered_at = time.monotonic()
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(json.dumps(msg))

    def fps(self, t0: float, t1: float) -> float:
        return sum(1 for t in self.times if t0 <= t <= t1) / (t1 - t0)

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.ws.close(), 5)


class Lecturer:
    """The lecturer's Streamlit session and live channel; records the class part it sees."""

    def __init__(self, url: str) -> None:
        self.session = StreamlitSession(url)
        self.live: LiveClient | None = None
        self.code = ""
        self.want: int | None = None
        self.full_at: float | None = None
        self._task: asyncio.Task | None = None
        self.stop = False

    async def open(self) -> None:
        token = await self.session.open()
        run = await self.session.click("Start a class")
        found = [m.group(1) for h in run.html for m in [CODE.search(h)] if m]
        if not found:
            raise RuntimeError(f"no class code on the page after Start a class: {run.alerts}")
        self.code = found[0]
        self.live = LiveClient(self.session, fps_cap=60.0)
        await self.live.hello(token)
        await self.live.play()
        self._task = asyncio.create_task(self._frames())

    async def _frames(self) -> None:
        assert self.live is not None
        while not self.stop:
            try:
                head = await self.live.next_frame(30.0)
            except TimeoutError:
                continue
            if head is None:
                return
            q = (head.get("class") or {}).get("question") or {}
            if self.want and q.get("answers", 0) >= self.want and not self.full_at:
                self.full_at = time.monotonic()

    async def ask(self) -> None:
        await self.session.click("Ask the class")

    async def close(self) -> None:
        self.stop = True
        if self.live is not None:
            with contextlib.suppress(Exception):
                await self.live.pause()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        if self.live is not None:
            await self.live.close()
        await self.session.close()


async def _browser_pages(url: str, code: str, n: int) -> tuple[Any, list[Any]]:
    if n <= 0:
        return None, []
    from playwright.async_api import async_playwright

    pw = await async_playwright().start()
    browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    pages = []
    for _ in range(n):
        ctx = await browser.new_context(viewport={"width": 1440, "height": 900})
        page = await ctx.new_page()
        await page.goto(f"{url}/?class={code}", timeout=60_000)
        pages.append(page)
    deadline = time.monotonic() + 60
    for page in pages:  # each has painted a frame
        while time.monotonic() < deadline:
            if await page.evaluate("() => (window.__bp && window.__bp.painted) || 0") > 0:
                break
            await asyncio.sleep(0.2)
    return (pw, browser), pages


async def _painted(pages: list[Any]) -> list[int]:
    return [await p.evaluate("() => (window.__bp && window.__bp.painted) || 0") for p in pages]


async def bench(url: str, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    host = url.split("//", 1)[1]
    lecturer = Lecturer(url)
    await lecturer.open()
    followers: list[Follower] = []
    tasks: list[asyncio.Task] = []
    end_all = time.monotonic() + 3600  # every follower stops by then at the latest
    steps = [int(s) for s in args.steps.split(",")]
    rows = []
    browsers, pages = None, []
    try:
        for n in steps:
            n = min(n, MAX_FOLLOWERS)
            sem = asyncio.Semaphore(20)

            async def add(f: Follower, sem: asyncio.Semaphore = sem) -> None:
                async with sem:
                    await f.open()

            new = [Follower(host, url, lecturer.code) for _ in range(n - len(followers))]
            await asyncio.gather(*(add(f) for f in new))
            followers += new
            tasks += [asyncio.create_task(f.run(end_all)) for f in new]
            if args.browsers and browsers is None:
                browsers, pages = await _browser_pages(url, lecturer.code, args.browsers)
            await asyncio.sleep(args.warmup)
            c0, m0, w0 = cpu_seconds(pid), self_cpu_seconds(), time.monotonic()
            p0 = await _painted(pages)
            lf0 = lecturer.live.stats.frames
            await asyncio.sleep(args.seconds)
            c1, m1, w1 = cpu_seconds(pid), self_cpu_seconds(), time.monotonic()
            p1 = await _painted(pages)
            fps = [f.fps(w0, w1) for f in followers]
            sent = sum(fps) + (lecturer.live.stats.frames - lf0) / (w1 - w0)  # messages a second
            rows.append(
                {
                    "followers": len(followers),
                    "fps_mean": round(statistics.mean(fps), 1),
                    "fps_median": round(statistics.median(fps), 1),
                    "fps_min": round(min(fps), 1),
                    "lecturer_fps": round((lecturer.live.stats.frames - lf0) / (w1 - w0), 1),
                    # ms to build, pack and fan out one frame (the session's mean, server side)
                    "frame_server_ms": (lecturer.live.stats.log or [(0, 0, None)])[-1][2],
                    "browser_painted_fps": [
                        round((b - a) / (w1 - w0), 1) for a, b in zip(p0, p1, strict=True)
                    ],
                    "server_cores": round((c1 - c0) / (w1 - w0), 2),
                    # server CPU per frame message sent (building included): what one core
                    # would carry, whatever the machine's other load does to the wall clock
                    "server_cpu_us_per_message": round(1e6 * (c1 - c0) / (w1 - w0) / sent, 1)
                    if sent
                    else None,
                    "server_rss_mb": round(rss_mb(pid), 1),
                    "client_cores": round((m1 - m0) / (w1 - w0), 2),
                    "load_avg": load_average(),
                    "epoch": lecturer.live.stats.last_epoch,
                }
            )
            print(json.dumps(rows[-1]), flush=True)
        # the answer burst: pause, ask, everyone answers within one second
        await lecturer.live.pause()
        await asyncio.sleep(1.0)
        n = len(followers)
        lecturer.want = n
        for f in followers:
            f.want_answers = n
        await lecturer.ask()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and any(f.question is None for f in followers):
            await asyncio.sleep(0.05)
        asked = sum(f.question is not None for f in followers)
        await asyncio.gather(*(f.answer(random.random()) for f in followers))
        last = max((f.answered_at or 0) for f in followers)
        first = min((f.answered_at or last) for f in followers)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            lecturer.full_at is None or any(f.full_at is None for f in followers)
        ):
            await asyncio.sleep(0.02)
        seen = [f.full_at - last for f in followers if f.full_at]
        burst = {
            "followers": n,
            "saw_question": asked,
            "answers_spread_s": round(last - first, 3),
            "lecturer_tally_after_last_s": round(lecturer.full_at - last, 3)
            if lecturer.full_at
            else None,
            "followers_tally_after_last_s_median": round(statistics.median(seen), 3)
            if seen
            else None,
            "followers_tally_after_last_s_max": round(max(seen), 3) if seen else None,
            "followers_with_full_tally": len(seen),
            "load_avg": load_average(),
        }
        print(json.dumps(burst), flush=True)
        return {"steps": rows, "burst": burst, "code": lecturer.code}
    finally:
        for t in tasks:
            t.cancel()
        for t in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        await asyncio.gather(*(f.close() for f in followers), return_exceptions=True)
        if browsers is not None:
            pw, browser = browsers
            with contextlib.suppress(Exception):
                await browser.close()
            with contextlib.suppress(Exception):
                await pw.stop()
        await lecturer.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--steps", default="50,100,200", help="followers at each step")
    ap.add_argument("--seconds", type=float, default=10.0, help="measured seconds a step")
    ap.add_argument("--warmup", type=float, default=3.0)
    ap.add_argument("--browsers", type=int, default=2, help="real Chromium pages following")
    ap.add_argument("--port", type=int, default=0, help="default: a free loopback port")
    ap.add_argument("--out", default="", help="the JSON results (default: bench/results/)")
    args = ap.parse_args(argv)
    if not args.out:  # beside the other benches' results
        stamp = time.strftime("%Y%m%d_%H%M%S")
        args.out = str(ROOT / "bench" / "results" / f"bench_class_{stamp}.json")
    port = args.port or free_port()
    proc = start_app(port)
    try:
        out = asyncio.run(bench(f"http://127.0.0.1:{port}", proc.pid, args))
    finally:
        stop_app(proc)
    out["cpus"] = os.cpu_count()
    if args.out:
        Path(args.out).write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
