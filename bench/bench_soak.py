"""Soak: 10 Playground sessions playing for half an hour; does the server's memory stay put?

::

    python bench/bench_soak.py                      # 10 sessions, 30 minutes
    python bench/bench_soak.py --minutes 5 --sessions 10 --warmup-minutes 1
    python bench/bench_soak.py --proxy --ttl 30     # through nginx (deploy.run_cluster)

Starts ``streamlit run app.py`` on a free loopback port (the browser tests' ``start_app``),
opens ``--sessions`` protocol clients (``bench/streamlit_client.py``: Streamlit's own
protocol, then the live channel, acked at 60 Hz), presses Play in all of them and keeps
them playing for ``--minutes``.  Every ``--every`` s (10) it samples the server's RSS
(``/proc/PID/status``), its CPU over the interval, the frames all sessions received and
the load average.  It reports the RSS after the warm-up (``--warmup-minutes``, 2) and at
the end, the growth between them, then closes every session (live channel and Streamlit
socket) and samples for ``--after`` s more (60) to see whether the memory comes back.
Streamlit keeps a closed session's state for ``server.disconnectedSessionTTL`` (120 s),
and drops it only when its session storage (a TTL cache) is next written: so after
``--after`` the script opens and closes one new session, then says hello on the live channel
with every old token (a freed session's token is refused with 4403) and reads the RSS once
more.

Before the sessions it also opens one session, plays it for ``--warm-s`` s (5) and closes
it (then one more session comes and goes so that Streamlit drops it): the RSS then is the
*warm idle*, the idle process plus what the first page run imports and caches once (plotly,
the pages' modules, Streamlit's own per-script caches).  The summary gives the RSS after
close against both idles.

``--tracemalloc`` starts the server with ``BACKPROP_LAB_MEMDEBUG``
(:mod:`lab_ui.live.channel.memory`) and asks it for a tracemalloc report at idle, warm idle,
at the end of playing, after closing and after the last probe; the report is written beside
the JSON (``soak_<time>.tracemalloc.txt``).  Tracing costs memory: the RSS figures of such
a run are not the ones to quote.  ``--server-env NAME=VALUE`` starts the server with that
variable set (``MALLOC_ARENA_MAX=2``, ``PYTHONMALLOC=malloc``: the allocator settings the
README's memory section compares).  ``--memreport`` asks for the same report without tracing
(the RSS split, glibc's and CPython's allocators, the app's live objects), which does not
change the figures much (``soak_<time>.memory.txt``).

With ``--proxy`` the server is one process behind nginx (``deploy.run_cluster.Cluster``),
reached through nginx as a lecture hall reaches it; the RSS is that process's.

Writes ``bench/results/soak_<time>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.bench_load import (  # noqa: E402
    OPEN_CONCURRENCY,
    _open_one,
    cpu_seconds,
    load_average,
    rss_mb,
)
from bench.harness import free_port, start_app, stop_app  # noqa: E402
from bench.streamlit_client import LiveClient, StreamlitSession  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def rss_parts(pid: int) -> dict[str, float]:
    """The server's RssAnon (its heaps) and RssFile (mapped files: libraries), MB."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("RssAnon", "RssFile"):
                out[key] = round(int(rest.split()[0]) / 1024, 1)
    return out


def request_report(path: Path | None, label: str, timeout: float = 120.0) -> None:
    """Ask the server for a memory report (``--memreport``, ``--tracemalloc``); wait for it."""
    if path is None:
        return
    request = Path(f"{path}.request")
    size = path.stat().st_size if path.exists() else 0
    request.write_text(label)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and (not path.exists() or path.stat().st_size == size):
        time.sleep(0.2)


async def one_session_comes_and_goes(url: str) -> None:
    """Open one Streamlit session and close it: Streamlit's session storage (a TTL cache)
    drops the expired sessions when it is next written (see :func:`probe_old_tokens`)."""
    fresh = StreamlitSession(url)
    try:
        await fresh.open()
    finally:
        await fresh.close()


async def warm_idle(url: str, pid: int, args: argparse.Namespace) -> float:
    """Open one session, play it ``--warm-s`` s, close it, wait for it to be dropped, and
    return the RSS: the idle process plus what the first page run imports once."""
    sem = asyncio.Semaphore(1)
    stream, live, _token, _ = await _open_one(url, args.query, args.fps_cap or None, sem)
    try:
        await live.play()
        await live.run(args.warm_s)
        await live.pause()
    finally:
        await live.close()
        await stream.close()
    await asyncio.sleep((args.ttl or 120) + 2.0)
    await one_session_comes_and_goes(url)
    await asyncio.sleep(3.0)
    print(f"  warm idle: {rss_parts(pid)}", flush=True)
    return rss_mb(pid)


async def soak(url: str, pid: int, args: argparse.Namespace) -> dict[str, Any]:
    sem = asyncio.Semaphore(OPEN_CONCURRENCY)
    opened = await asyncio.gather(
        *[_open_one(url, args.query, args.fps_cap or None, sem) for _ in range(args.sessions)]
    )
    lives = [o[1] for o in opened]
    streams = [o[0] for o in opened]
    tokens = [o[2] for o in opened]
    samples: list[dict[str, Any]] = []
    total_s = 60 * args.minutes
    errors: list[str] = []

    def sample(phase: str, t_start: float, last: dict[str, float]) -> None:
        now = time.monotonic()
        cpu = cpu_seconds(pid)
        frames = sum(lv.stats.frames for lv in lives)
        row = {
            "phase": phase,
            "t_s": round(now - t_start, 1),
            "rss_mb": round(rss_mb(pid), 1),
            **rss_parts(pid),
            "cpu_pct": round(100 * (cpu - last["cpu"]) / (now - last["t"]), 1),
            "fps_per_session": round((frames - last["frames"]) / (now - last["t"]) / len(lives), 1),
            "load": load_average(),
        }
        last.update(t=now, cpu=cpu, frames=frames)
        samples.append(row)
        if args.verbose or int(row["t_s"]) % 60 < args.every:
            print(
                f"  {phase:>7} t={row['t_s']:>7.0f} s  RSS {row['rss_mb']:>6} MB  CPU "
                f"{row['cpu_pct']:>5} %  {row['fps_per_session']:>5} frames/s/session  "
                f"load {row['load']}",
                flush=True,
            )

    try:
        for live in lives:
            await live.play()
        t_start = time.monotonic()
        last = {"t": t_start, "cpu": cpu_seconds(pid), "frames": 0}
        runs = [asyncio.ensure_future(live.run(total_s + 1.0)) for live in lives]
        while time.monotonic() - t_start < total_s:
            await asyncio.sleep(min(args.every, total_s - (time.monotonic() - t_start)))
            sample("playing", t_start, last)
            for r in runs:
                if r.done() and r.exception() is not None:
                    errors.append(repr(r.exception()))
        await asyncio.to_thread(request_report, args.report, "end of playing")
        results = await asyncio.gather(*runs, return_exceptions=True)
        errors += [repr(r) for r in results if isinstance(r, BaseException)]
        closes = [lv.stats.close_code for lv in lives]
        frames_total = [lv.stats.frames for lv in lives]
        epochs = [(lv.stats.first_epoch, lv.stats.last_epoch) for lv in lives]
    finally:
        for live in lives:
            try:
                await live.pause()
            except Exception:  # noqa: S110 (a closed socket is fine here)
                pass
        await asyncio.gather(*[lv.close() for lv in lives], return_exceptions=True)
        await asyncio.gather(*[s.close() for s in streams], return_exceptions=True)
    t_closed = time.monotonic()
    last = {"t": t_closed, "cpu": cpu_seconds(pid), "frames": sum(lv.stats.frames for lv in lives)}
    while time.monotonic() - t_closed < args.after:
        await asyncio.sleep(min(args.every, args.after - (time.monotonic() - t_closed)))
        sample("closed", t_closed, last)
    await asyncio.to_thread(request_report, args.report, f"{args.after:g} s after closing")
    reclaim = await probe_old_tokens(url, tokens, pid)
    await asyncio.to_thread(request_report, args.report, "after one more session")
    print(
        f"  after one more session came and went: {reclaim['old_sessions_alive']}/"
        f"{len(tokens)} old sessions still answer on the live channel; "
        f"RSS {reclaim['rss_mb']} MB (anon {reclaim.get('RssAnon')}, "
        f"file {reclaim.get('RssFile')})",
        flush=True,
    )
    return {
        "reclaim": reclaim,
        "samples": samples,
        "errors": errors[:10],
        "close_codes_while_playing": closes,
        "frames_per_session": frames_total,
        "epochs_first_last": epochs,
    }


async def probe_old_tokens(url: str, tokens: list[str], pid: int) -> dict[str, Any]:
    """Are the closed sessions gone?  Streamlit keeps a disconnected session in a TTL cache
    (``server.disconnectedSessionTTL``) that drops expired entries only when it is next
    written, i.e. when some session disconnects.  So open one new session and close it,
    then say hello on the live channel with each old token: a freed session's token is
    refused (4403), a session still in memory answers with a frame."""
    await one_session_comes_and_goes(url)
    await asyncio.sleep(3.0)
    alive = 0
    for token in tokens:
        probe = LiveClient(StreamlitSession(url), fps_cap=None)  # the channel needs no cookie
        try:
            alive += await probe.hello(token, first_frame_timeout=5.0) is not None
        except TimeoutError:
            pass
        finally:
            await probe.close()
    return {"old_sessions_alive": alive, "rss_mb": round(rss_mb(pid), 1), **rss_parts(pid)}


def summarize(
    out: dict[str, Any], args: argparse.Namespace, rss_idle: float, rss_warm: float | None
) -> dict[str, Any]:
    play = [s for s in out["samples"] if s["phase"] == "playing"]
    closed = [s for s in out["samples"] if s["phase"] == "closed"]
    warm = next((s for s in play if s["t_s"] >= 60 * args.warmup_minutes - 1), play[0])
    end = play[-1]
    after = closed[-1] if closed else None
    after60 = next((s for s in closed if s["t_s"] >= 59), after)
    closed_rss = out["reclaim"]["rss_mb"]
    return {
        "rss_idle_mb": round(rss_idle, 1),
        "rss_warm_idle_mb": round(rss_warm, 1) if rss_warm is not None else None,
        "after_close_vs_idle": round(closed_rss / rss_idle, 3),
        "after_close_vs_warm_idle": round(closed_rss / rss_warm, 3) if rss_warm else None,
        "rss_after_warmup_mb": warm["rss_mb"],
        "warmup_at_s": warm["t_s"],
        "rss_end_mb": end["rss_mb"],
        "growth_pct": round(100 * (end["rss_mb"] - warm["rss_mb"]) / warm["rss_mb"], 2),
        "rss_peak_mb": max(s["rss_mb"] for s in play),
        "rss_60s_after_close_mb": after60["rss_mb"] if after60 else None,
        "rss_last_after_close_mb": after["rss_mb"] if after else None,
        "old_sessions_alive_after_one_more": out["reclaim"]["old_sessions_alive"],
        "rss_after_one_more_mb": out["reclaim"]["rss_mb"],
        "last_after_close_s": after["t_s"] if after else None,
        "fps_per_session_median": sorted(s["fps_per_session"] for s in play)[len(play) // 2],
        "fps_per_session_min_interval": min(s["fps_per_session"] for s in play),
        "cpu_pct_median": sorted(s["cpu_pct"] for s in play)[len(play) // 2],
        "load_first_last": (play[0]["load"], end["load"]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--minutes", type=float, default=30.0, help="playing time (30)")
    ap.add_argument("--warmup-minutes", type=float, default=2.0, help="RSS baseline at (2)")
    ap.add_argument("--every", type=float, default=10.0, help="sampling interval, s (10)")
    ap.add_argument("--after", type=float, default=60.0, help="sampling after closing, s (60)")
    ap.add_argument("--fps-cap", type=float, default=60.0, help="acks per s per client; 0 = none")
    ap.add_argument("--query", default="", help="the Playground's URL query (settings)")
    ap.add_argument(
        "--ttl", type=int, default=None, help="server.disconnectedSessionTTL, s (Streamlit: 120)"
    )
    ap.add_argument("--proxy", action="store_true", help="one process behind nginx")
    ap.add_argument(
        "--warm-s", type=float, default=5.0, help="one session played first, s (5; 0 = none)"
    )
    ap.add_argument(
        "--tracemalloc", action="store_true", help="the server's tracemalloc report (debug)"
    )
    ap.add_argument(
        "--memreport", action="store_true", help="the same report without tracing (debug)"
    )
    ap.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the server (repeatable), e.g. MALLOC_ARENA_MAX=2 "
        "or PYTHONMALLOC=malloc",
    )
    ap.add_argument("--verbose", action="store_true", help="print every sample")
    ap.add_argument("--json", type=Path, default=None, help="default bench/results/soak_*.json")
    args = ap.parse_args(argv)
    if args.minutes * 60 < 2 * args.every or args.warmup_minutes >= args.minutes:
        ap.error("--minutes must exceed --warmup-minutes and two sampling intervals")

    extra = ["--server.disconnectedSessionTTL", str(args.ttl)] if args.ttl is not None else []
    stamp = time.strftime("%Y%m%d_%H%M%S")
    path = args.json or RESULTS / f"soak_{stamp}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    args.report = None
    if args.tracemalloc or args.memreport:
        args.report = path.with_suffix(".tracemalloc.txt" if args.tracemalloc else ".memory.txt")
        os.environ["BACKPROP_LAB_MEMDEBUG"] = str(args.report)  # the server inherits it
        os.environ["BACKPROP_LAB_MEMDEBUG_TRACE"] = "1" if args.tracemalloc else "0"
    for item in args.server_env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            ap.error(f"--server-env wants NAME=VALUE, not {item!r}")
        os.environ[name] = value  # the server inherits it
    if args.proxy:
        from deploy.run_cluster import Cluster

        cluster = Cluster(processes=1, streamlit_args=extra).start()
        url, pid, stop = cluster.url, cluster.pids[0], cluster.stop
    else:
        port = free_port()
        proc = start_app(port, extra)
        url, pid = f"http://127.0.0.1:{port}", proc.pid

        def stop() -> None:
            stop_app(proc)

    try:
        time.sleep(1.0)
        rss_idle = rss_mb(pid)
        print(f"  idle: {rss_parts(pid)}", flush=True)
        request_report(args.report, "idle")
        rss_warm = None
        if args.warm_s > 0:
            rss_warm = asyncio.run(warm_idle(url, pid, args))
            request_report(args.report, "warm idle")
        print(
            f"soak: {args.sessions} sessions × {args.minutes:g} min at {url}"
            f"{' (through nginx)' if args.proxy else ''} "
            f"(idle RSS {rss_idle:.1f} MB, warm idle {rss_warm} MB, load {load_average()})",
            flush=True,
        )
        out = asyncio.run(soak(url, pid, args))
    finally:
        stop()
    summary = summarize(out, args, rss_idle, rss_warm)
    print()
    for k, v in summary.items():
        print(f"{k:>30}: {v}")
    if out["errors"]:
        print(f"errors: {out['errors']}")
    if args.report is not None:
        print(f"memory report: {args.report}")
    doc = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "server_env": args.server_env,
        "cpus": os.cpu_count(),
        "summary": summary,
        **out,
    }
    path.write_text(json.dumps(doc, indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
