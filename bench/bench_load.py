"""Many Playground sessions at once: what each one gets, and what the server pays.

Three parts, each printed as a table with the load average beside it, all saved as JSON
under ``bench/results/``::

    python bench/bench_load.py                         # N = 1 5 10 20 40, then 4 Chromium pages
    python bench/bench_load.py --sessions 1 10 --seconds 10 --no-pages
    python bench/bench_load.py --pages-only --pages 4
    python bench/bench_load.py --proxy                 # nginx + 1 and nginx + 2 processes
    python bench/bench_load.py --flood --burst         # one big session's work vs the others

**Protocol clients** (``bench/streamlit_client.py``): for each N the script starts a fresh
``streamlit run app.py`` on a free loopback port (the browser tests' ``start_app``), opens N
sessions the way a browser does (page, health, Streamlit's WebSocket, one script run, the
live view's token), says hello on the live channel, then presses Play in all of them at
once.  After ``--warmup`` s (5) it measures over ``--seconds`` (20): per session the frames
received per second (mean, minimum and max/min over the sessions) and epochs trained per
second; the server's CPU (``/proc/PID/stat``, utime + stime over the window; 100 % = one
core) and RSS at the end of the window; the server's own cost per frame (the frames'
``server_ms``: mean build + pack time, training excluded).  Each client acknowledges a frame
on the next tick of a 60 Hz clock, as a browser does in the animation frame that paints it
(``--fps-cap 0``: at once); the server lets a client have two frames unpainted (the
live channel's window), and the client, like the browser, takes them one per tick, in order.
Frames also say the server's median time from an acknowledgement to the frame it allowed
(``ack_to_frame_ms``), shown as "ack→frame".

**Chromium pages** (``--pages 4``): each page in its own Chromium process (as
``bench_tfp.py --pages``), Play pressed in all, then over the same window: frames painted
per second (``window.__bp.painted``, counted by the live view per painted frame), the page's
requestAnimationFrame rate (a poller injected before the page's scripts), epochs/s.

**Behind nginx** (``--proxy``): two of ``deploy/run_cluster.py``'s clusters side by side,
nginx + 1 Streamlit process and nginx + 2 (both started first; an idle process costs
nothing), probed in turn so that the shared machine's other load falls on both alike.  N
protocol clients go through nginx; N is raised in steps of ``--proxy-step`` (4) until not
every session gets ``--rate`` (10) frames/s, then bisected to one session.  Reported per
cluster: the largest N at which every session got ≥ 10 frames/s (target: 2 processes ≥
1.7× the sessions of one), and the total frames/s of both at the same saturating N
(``--proxy-compare-n``, 16; probed 1, 2, 2, 1).  Each probe also prints the CPU of the
servers, nginx, the client and everything else on the machine (``/proc/stat``).

**Fairness** (``--flood``, ``--burst``): a fresh server, ``--others`` (5) protocol sessions
on the default settings playing, and one session on the largest network (10 × 32, Adam,
batch 1, 2,000 points: :data:`BIG_QUERY`) connected and paused.  Over ``--seconds`` before,
the others' frames/s; then the big session either floods *Step one epoch* commands at
``--flood-rate`` (200) a second for ``--seconds`` (the endpoint takes 40 a second), or sends
one burst of ``--burst-n`` (8) at once.  Reported: each other session's frames/s before and
during and their ratio (median and lowest; target ≥ 0.8), the largest gap between two of
its frames before and during (target for the burst: ≤ 0.3 s), and what the big session's
status line and notice said (its progress, and the Steps refused beyond the bound).

The machine is shared: the load average (1 min) is printed before and after each table, and
the client's own CPU beside the server's (the clients run on the same 2 cores).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    CHROMIUM,
    free_port,
    launch_chromium,
    start_app,
    stop_app,
)
from bench.streamlit_client import LiveClient, StreamlitSession  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CLK_TCK = os.sysconf("SC_CLK_TCK")
OPEN_CONCURRENCY = 4  # sessions opened at once (a browser tab's first script run is ~0.15 s)


# --------------------------------------------------------------------------------------
# /proc
# --------------------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` in seconds (``/proc/PID/stat``)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14 and 15 of stat(5)


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MB (VmRSS)."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far (``/proc/stat``, all cores)."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + (v[4] if len(v) > 4 else 0)  # idle + iowait
    total = sum(v[:8])  # guest time is already counted in user
    return (total - idle) / CLK_TCK, total / CLK_TCK


def family(pid: int) -> list[int]:
    """``pid`` and its children (nginx: the master and its worker)."""
    out = [pid]
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def self_cpu_seconds() -> float:
    t = os.times()
    return t.user + t.system


def load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


# --------------------------------------------------------------------------------------
# N protocol clients
# --------------------------------------------------------------------------------------


async def _open_one(url: str, query: str, fps_cap: float | None, sem: asyncio.Semaphore):
    async with sem:
        t0 = time.perf_counter()
        s = StreamlitSession(url, query)
        try:
            token = await s.open()
            live = LiveClient(s, fps_cap=fps_cap)
            if await live.hello(token) is None:
                raise RuntimeError(f"live channel closed at hello ({live.stats.close_code})")
        except BaseException:
            await s.close()
            raise
        return s, live, token, time.perf_counter() - t0


async def run_load(
    url: str,
    n: int,
    *,
    warmup: float,
    seconds: float,
    pids: list[int],
    query: str = "",
    fps_cap: float | None = 60.0,
    rate: float = 10.0,
    proxy_pids: list[int] | None = None,
) -> dict[str, Any]:
    """Open ``n`` sessions on ``url``, play them all, measure over the window (see module)."""
    sem = asyncio.Semaphore(OPEN_CONCURRENCY)
    opened = await asyncio.gather(
        *[_open_one(url, query, fps_cap, sem) for _ in range(n)], return_exceptions=True
    )
    ok = [o for o in opened if not isinstance(o, BaseException)]
    errors = [repr(o) for o in opened if isinstance(o, BaseException)]
    tokens = {o[2] for o in ok}
    try:
        for _, live, _, _ in ok:
            await live.play()
        t_play = time.monotonic()
        t0, t1 = t_play + warmup, t_play + warmup + seconds
        samples: dict[str, Any] = {}

        async def sampler() -> None:
            await asyncio.sleep(max(0.0, t0 - time.monotonic()))
            samples["cpu0"] = [cpu_seconds(p) for p in pids]
            samples["proxy0"] = sum(cpu_seconds(p) for p in proxy_pids or [])
            samples["self0"] = self_cpu_seconds()
            samples["machine0"] = machine_cpu()
            samples["w0"] = time.monotonic()
            await asyncio.sleep(max(0.0, t1 - time.monotonic()))
            samples["cpu1"] = [cpu_seconds(p) for p in pids]
            samples["proxy1"] = sum(cpu_seconds(p) for p in proxy_pids or [])
            samples["self1"] = self_cpu_seconds()
            samples["machine1"] = machine_cpu()
            samples["w1"] = time.monotonic()
            samples["rss"] = [rss_mb(p) for p in pids]

        runs = [live.run(t1 - time.monotonic() + 0.3) for _, live, _, _ in ok]
        results = await asyncio.gather(sampler(), *runs, return_exceptions=True)
        errors += [repr(r) for r in results if isinstance(r, BaseException)]
    finally:
        for _s, live, _, _ in ok:
            try:
                await live.pause()
            except Exception:  # noqa: S110 (a closed socket is fine here)
                pass
        await asyncio.gather(*[live.close() for _, live, _, _ in ok], return_exceptions=True)
        await asyncio.gather(*[s.close() for s, _, _, _ in ok], return_exceptions=True)

    w0, w1 = samples["w0"], samples["w1"]
    dt = w1 - w0
    per = []
    for _s, live, _, open_s in ok:
        st = live.stats
        m = st.between(w0, w1)
        per.append(
            {
                "frames_per_s": round(m["frames_per_s"], 2),
                "epochs_per_s": round(m["epochs_per_s"], 1),
                "server_ms": m["server_ms"],
                "ack_to_frame_ms": m["ack_to_frame_ms"],
                "kB_per_frame": round(st.bytes / max(1, st.frames) / 1024, 1),
                "open_s": round(open_s, 3),
                "close_code": st.close_code,
                "playing": st.playing_seen,
            }
        )
    fps = [p["frames_per_s"] for p in per]
    eps = [p["epochs_per_s"] for p in per]
    sms = [p["server_ms"] for p in per if p["server_ms"] is not None]
    waits = [p["ack_to_frame_ms"] for p in per if p["ack_to_frame_ms"] is not None]
    cpu = [100 * (b - a) / dt for a, b in zip(samples["cpu0"], samples["cpu1"], strict=True)]
    client = 100 * (samples["self1"] - samples["self0"]) / dt
    proxy = 100 * (samples["proxy1"] - samples["proxy0"]) / dt
    (b0, t0_), (b1, t1_) = samples["machine0"], samples["machine1"]
    ncpu = (t1_ - t0_) / dt  # cores (jiffies of all cores per second of wall time)
    machine = 100 * (b1 - b0) / dt
    return {
        "sessions": n,
        "opened": len(ok),
        "distinct_tokens": len(tokens),
        "errors": errors[:5],
        "window_s": round(dt, 2),
        "fps_mean": round(statistics.fmean(fps), 2) if fps else 0.0,
        "fps_min": round(min(fps), 2) if fps else 0.0,
        "fps_max": round(max(fps), 2) if fps else 0.0,
        "fps_max_over_min": round(max(fps) / min(fps), 2) if fps and min(fps) > 0 else None,
        "total_fps": round(sum(fps), 1),
        "at_rate": sum(f >= rate for f in fps),
        "epochs_per_s_mean": round(statistics.fmean(eps), 1) if eps else 0.0,
        "epochs_per_s_min": round(min(eps), 1) if eps else 0.0,
        "server_ms_mean": round(statistics.fmean(sms), 2) if sms else None,
        # the server's median time from a client's ack to the frame it allowed (per session)
        "ack_to_frame_ms_mean": round(statistics.fmean(waits), 2) if waits else None,
        "kB_per_frame": per[0]["kB_per_frame"] if per else None,
        "open_s_median": round(statistics.median([p["open_s"] for p in per]), 2) if per else None,
        "server_cpu_pct": [round(c, 1) for c in cpu],
        "server_rss_mb": [round(r, 1) for r in samples["rss"]],
        "client_cpu_pct": round(client, 1),
        "proxy_cpu_pct": round(proxy, 1),
        "machine_cpu_pct": round(machine, 1),
        "machine_cores": round(ncpu, 2),
        # what everything else on this shared machine used meanwhile (100 % = one core)
        "others_cpu_pct": round(machine - sum(cpu) - client - proxy, 1),
        "per_session": per,
    }


def run_fresh_server(n: int, args: argparse.Namespace) -> dict[str, Any]:
    """``run_load`` against a fresh ``streamlit run app.py`` of its own."""
    port = free_port()
    proc = start_app(port)
    try:
        time.sleep(1.0)
        load0 = load_average()
        rss0 = rss_mb(proc.pid)
        out = asyncio.run(
            run_load(
                f"http://127.0.0.1:{port}",
                n,
                warmup=args.warmup,
                seconds=args.seconds,
                pids=[proc.pid],
                query=args.query,
                fps_cap=args.fps_cap or None,
                rate=args.rate,
            )
        )
        out["server_rss_mb_idle"] = round(rss0, 1)
        out["load_before"], out["load_after"] = load0, load_average()
        return out
    finally:
        stop_app(proc)


def print_load_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'N':>3} {'fps mean':>8} {'fps min':>7} {'max/min':>7} {'epochs/s':>8} "
        f"{'server_ms':>9} {'ack→frame':>9} {'total fps':>9} {'CPU %':>6} {'RSS MB':>7} "
        f"{'idle MB':>7} {'client %':>8} {'others %':>8} {'load':>11}"
    )
    for r in rows:
        print(
            f"{r['sessions']:>3} {r['fps_mean']:>8} {r['fps_min']:>7} "
            f"{r['fps_max_over_min']!s:>7} {r['epochs_per_s_mean']:>8} "
            f"{r['server_ms_mean']!s:>9} {r['ack_to_frame_ms_mean']!s:>9} {r['total_fps']:>9} "
            f"{'+'.join(str(c) for c in r['server_cpu_pct']):>6} "
            f"{'+'.join(str(m) for m in r['server_rss_mb']):>7} "
            f"{r.get('server_rss_mb_idle', ''):>7} {r['client_cpu_pct']:>8} "
            f"{r['others_cpu_pct']:>8} {r['load_before']!s:>5}/{r['load_after']!s:<5}"
        )
        if r["errors"] or r["opened"] < r["sessions"]:
            print(f"    opened {r['opened']}/{r['sessions']}; errors: {r['errors']}")


# --------------------------------------------------------------------------------------
# Real Chromium pages
# --------------------------------------------------------------------------------------

RAF_POLLER = """
window.__rafBench = { frames: 0 };
(function loop() { window.__rafBench.frames++; requestAnimationFrame(loop); })();
"""
READ_PAGE = """() => ({t: performance.now(), painted: window.__bp?.painted || 0,
  raf: window.__rafBench.frames, epoch: window.__bp?.last?.epoch ?? 0,
  received: window.__bp?.received || 0, visibility: document.visibilityState,
  server_ms: window.__bp?.last?.server_ms ?? null})"""


def measure_pages(url: str, n_pages: int, warmup: float, seconds: float, pid: int) -> dict:
    """``n_pages`` Chromium processes on the Playground, all playing (see module)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        opened = []
        try:
            for _ in range(n_pages):
                browser = launch_chromium(p)
                page = browser.new_context(viewport={"width": 1500, "height": 1300}).new_page()
                opened.append((browser, page))
                page.add_init_script(RAF_POLLER)
                page.set_default_timeout(120_000)
                page.goto(url)
                page.wait_for_function("window.__bp?.painted > 0", polling=200)
            for _, page in opened:
                page.click(".bp-live [data-role=play]")
            for _, page in opened:
                page.wait_for_function(
                    "document.querySelector('.bp-live')?.dataset.playing === '1'", polling=200
                )
            time.sleep(warmup)
            load0 = load_average()
            c0, w0 = cpu_seconds(pid), time.monotonic()
            starts = [page.evaluate(READ_PAGE) for _, page in opened]
            time.sleep(seconds)
            ends = [page.evaluate(READ_PAGE) for _, page in opened]
            c1, w1 = cpu_seconds(pid), time.monotonic()
            per = []
            for a, b in zip(starts, ends, strict=True):
                dt = (b["t"] - a["t"]) / 1000
                per.append(
                    {
                        "painted_fps": round((b["painted"] - a["painted"]) / dt, 1),
                        "raf_fps": round((b["raf"] - a["raf"]) / dt, 1),
                        "received_fps": round((b["received"] - a["received"]) / dt, 1),
                        "epochs_per_s": round((b["epoch"] - a["epoch"]) / dt, 1),
                        "server_ms": b["server_ms"],
                        "visibility": b["visibility"],
                    }
                )
            return {
                "pages": n_pages,
                "per_page": per,
                "server_cpu_pct": round(100 * (c1 - c0) / (w1 - w0), 1),
                "server_rss_mb": round(rss_mb(pid), 1),
                "load_before": load0,
                "load_after": load_average(),
            }
        finally:
            for browser, _ in opened:
                browser.close()


def run_pages(args: argparse.Namespace) -> dict:
    port = free_port()
    proc = start_app(port)
    try:
        url = f"http://127.0.0.1:{port}/" + (f"?{args.query}" if args.query else "")
        return measure_pages(url, args.pages, args.warmup, args.seconds, proc.pid)
    finally:
        stop_app(proc)


def print_pages_table(r: dict) -> None:
    print(
        f"{'page':>4} {'painted fps':>11} {'rAF fps':>8} {'received':>8} {'epochs/s':>8} "
        f"{'server_ms':>9}  visibility"
    )
    for i, p in enumerate(r["per_page"], 1):
        print(
            f"{i:>4} {p['painted_fps']:>11} {p['raf_fps']:>8} {p['received_fps']:>8} "
            f"{p['epochs_per_s']:>8} {p['server_ms']!s:>9}  {p['visibility']}"
        )
    print(
        f"server CPU {r['server_cpu_pct']} %, RSS {r['server_rss_mb']} MB; "
        f"load {r['load_before']} / {r['load_after']}"
    )


# --------------------------------------------------------------------------------------
# Behind nginx
# --------------------------------------------------------------------------------------


def run_proxy(args: argparse.Namespace) -> dict[str, Any]:
    """Clusters of 1 and 2 processes side by side (both started, probed in turn so the
    shared machine's other load falls on both alike): the largest N at which every session
    gets ``rate`` frames/s, and the total frames/s of both at the same saturating N."""
    from deploy.run_cluster import Cluster, find_nginx

    if find_nginx() is None:
        print("no nginx: --proxy skipped")
        return {}
    clusters = {k: Cluster(processes=k) for k in args.proxy_processes}
    state = {k: {"good": 0, "bad": None, "tried": {}} for k in clusters}
    compare: dict[int, list[dict]] = {k: [] for k in clusters}

    def probe(k: int, n: int) -> dict[str, Any]:
        c = clusters[k]
        time.sleep(2.0)  # the scheduler forgets the last probe's sessions after 1 s
        load0 = load_average()
        r = asyncio.run(
            run_load(
                c.url,
                n,
                warmup=args.warmup,
                seconds=args.proxy_seconds,
                pids=c.pids,
                query=args.query,
                fps_cap=args.fps_cap or None,
                rate=args.rate,
                proxy_pids=family(c.nginx.pid),
            )
        )
        r["processes"] = k
        r["load_before"], r["load_after"] = load0, load_average()
        print(
            f"  {k} process(es), N={n:>3}: fps min {r['fps_min']:>5} mean {r['fps_mean']:>5} "
            f"total {r['total_fps']:>6}, {r['at_rate']}/{n} at ≥ {args.rate:g}; CPU server "
            f"{r['server_cpu_pct']} nginx {r['proxy_cpu_pct']} client {r['client_cpu_pct']} "
            f"others {r['others_cpu_pct']} %; load {load0}",
            flush=True,
        )
        return r

    def served(r: dict[str, Any]) -> bool:
        return r["opened"] == r["sessions"] and r["at_rate"] == r["sessions"]

    try:
        for c in clusters.values():
            c.start()
        # Ramp: every cluster at N, then N + step, … (order alternating) until it fails.
        n, turn = args.proxy_step, 0
        while n <= args.proxy_max and any(st["bad"] is None for st in state.values()):
            order = list(clusters) if turn % 2 == 0 else list(reversed(clusters))
            for k in order:
                st = state[k]
                if st["bad"] is None:
                    r = st["tried"][n] = probe(k, n)
                    if served(r):
                        st["good"] = n
                    else:
                        st["bad"] = n
            n, turn = n + args.proxy_step, turn + 1
        # Bisect each between its last good and first failing N, in turn.
        while True:
            todo = [k for k, st in state.items() if st["bad"] and st["bad"] - st["good"] > 1]
            if not todo:
                break
            for k in todo if turn % 2 == 0 else reversed(todo):
                st = state[k]
                mid = (st["good"] + st["bad"]) // 2
                r = st["tried"][mid] = probe(k, mid)
                if served(r):
                    st["good"] = mid
                else:
                    st["bad"] = mid
            turn += 1
        # Throughput at one saturating N, probed 1, 2, 2, 1 (… ) to share the noise.
        if args.proxy_compare_n:
            ks = list(clusters)
            for order in (ks, ks[::-1]):
                for k in order:
                    compare[k].append(probe(k, args.proxy_compare_n))
        logs = {k: _routes_in_log(c.access_log()) for k, c in clusters.items()}
    finally:
        for c in clusters.values():
            c.stop()
    out: dict[str, Any] = {"clusters": [], "compare_n": args.proxy_compare_n}
    for k, st in state.items():
        out["clusters"].append(
            {
                "processes": k,
                "sessions_at_rate": st["good"],
                "first_failing_n": st["bad"],
                "probes": [st["tried"][m] for m in sorted(st["tried"])],
                "live_sockets_per_upstream": logs[k],
                "compare_total_fps": [r["total_fps"] for r in compare[k]],
                "compare_fps_min": [r["fps_min"] for r in compare[k]],
                "compare_others_cpu_pct": [r["others_cpu_pct"] for r in compare[k]],
                "compare_probes": compare[k],
            }
        )
    return out


def _routes_in_log(log: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for line in log.splitlines():
        if '"GET /bp/live/ws ' in line and " up=" in line:
            up = line.split(" up=", 1)[1].split()[0]
            counts[up] = counts.get(up, 0) + 1
    return counts


def print_proxy_table(out: dict[str, Any], rate: float) -> None:
    rows = out.get("clusters", [])
    label = f"sessions ≥ {rate:g} fps"
    n = out.get("compare_n")
    print(
        f"{'processes':>9} {label:>16} {'first failing N':>15} {'server cores':>12} "
        f"{'sessions/core':>13} {f'total fps @ N={n}':>18} {'fps/core':>9}  "
        "live sockets per process"
    )
    for r in rows:
        fps = "/".join(str(x) for x in r["compare_total_fps"])
        # the CPU the servers actually got at the capacity probe, and per core of it
        at = next((p for p in r["probes"] if p["sessions"] == r["sessions_at_rate"]), None)
        cores = sum(at["server_cpu_pct"]) / 100 if at else None
        per_core = f"{r['sessions_at_rate'] / cores:.1f}" if cores else "–"
        comp = r["compare_probes"]
        fpc = [p["total_fps"] / (sum(p["server_cpu_pct"]) / 100) for p in comp]
        fpc_s = f"{statistics.fmean(fpc):.0f}" if fpc else "–"
        r["server_cores_at_capacity"] = round(cores, 2) if cores else None
        r["fps_per_server_core_at_compare_n"] = round(statistics.fmean(fpc), 1) if fpc else None
        print(
            f"{r['processes']:>9} {r['sessions_at_rate']:>16} {r['first_failing_n']!s:>15} "
            f"{(f'{cores:.2f}' if cores else '–'):>12} {per_core:>13} {fps:>18} {fpc_s:>9}  "
            f"{r['live_sockets_per_upstream']}"
        )
    by = {r["processes"]: r for r in rows}
    if 1 in by and 2 in by and by[1]["sessions_at_rate"]:
        ratio = by[2]["sessions_at_rate"] / by[1]["sessions_at_rate"]
        verdict = "met" if ratio >= 1.7 else "NOT met"
        print(
            f"sessions at ≥ {rate:g} fps, 2 processes / 1: {ratio:.2f}× (target ≥ 1.7×: {verdict})"
        )
        f1, f2 = by[1]["compare_total_fps"], by[2]["compare_total_fps"]
        if f1 and f2:
            print(
                f"total frames/s at N={n}, 2 processes / 1: "
                f"{statistics.fmean(f2) / statistics.fmean(f1):.2f}×"
            )


# --------------------------------------------------------------------------------------
# Fairness: one big session's work against the others' frames
# --------------------------------------------------------------------------------------

#: The largest network the Playground builds (its Step one epoch: 1,000 Adam steps).
BIG_QUERY = "hidden=" + ",".join(["32"] * 10) + "&optimizer=adam&alpha=0.01&batch=1&n_points=2000"


def _gaps(times: list[float], t0: float, t1: float) -> float:
    """The largest gap between frames received in [t0, t1], the window's edges included
    (no frame at all: the whole window)."""
    inside = [t for t in times if t0 <= t <= t1]
    edges = [t0, *inside, t1]
    return max(b - a for a, b in zip(edges, edges[1:], strict=False))


async def run_fairness(url: str, mode: str, args: argparse.Namespace, pid: int) -> dict:
    """``--others`` sessions playing, one big session paused; a window before, then one
    while the big session floods (``mode="flood"``) or after one burst (``"burst"``)."""
    sem = asyncio.Semaphore(OPEN_CONCURRENCY)
    fps_cap = args.fps_cap or None
    opened = await asyncio.gather(
        *[_open_one(url, "", fps_cap, sem) for _ in range(args.others)],
        _open_one(url, BIG_QUERY, fps_cap, sem),
        return_exceptions=True,
    )
    errors = [repr(o) for o in opened if isinstance(o, BaseException)]
    if errors:
        for o in opened:
            if not isinstance(o, BaseException):
                await o[1].close()
                await o[0].close()
        raise RuntimeError(f"sessions did not open: {errors[:3]}")
    others, big = [o[1] for o in opened[:-1]], opened[-1][1]
    seconds = args.seconds
    big_log: list[tuple[float, str, str, int]] = []
    sent = {"commands": 0}
    try:
        for live in others:
            await live.play()
        start = time.monotonic()
        tb0 = start + args.warmup
        tb1 = td0 = tb0 + seconds
        td1 = td0 + seconds
        cpu: dict[str, float] = {}

        async def big_reader() -> None:
            while time.monotonic() < td1:
                try:
                    head = await big.next_frame(min(1.0, td1 - time.monotonic() + 0.1))
                except TimeoutError:
                    continue
                if head is None:
                    return
                big_log.append(
                    (
                        time.monotonic(),
                        head.get("status", ""),
                        head.get("notice", ""),
                        head.get("epoch", 0),
                    )
                )

        async def driver() -> None:
            await asyncio.sleep(max(0.0, tb0 - time.monotonic()))
            cpu["b0"] = cpu_seconds(pid)
            await asyncio.sleep(max(0.0, td0 - time.monotonic()))
            cpu["b1"] = cpu_seconds(pid)
            if mode == "burst":
                for _ in range(args.burst_n):
                    await big.send({"t": "step", "n": "epoch"})
                    sent["commands"] += 1
            else:
                period = 1.0 / args.flood_rate
                nxt = time.monotonic()
                while time.monotonic() < td1:
                    await big.send({"t": "step", "n": "epoch"})
                    sent["commands"] += 1
                    nxt += period
                    await asyncio.sleep(max(0.0, nxt - time.monotonic()))
            await asyncio.sleep(max(0.0, td1 - time.monotonic()))
            cpu["d1"] = cpu_seconds(pid)
            cpu["rss"] = rss_mb(pid)

        runs = [live.run(td1 - time.monotonic() + 0.3) for live in others]
        results = await asyncio.gather(driver(), big_reader(), *runs, return_exceptions=True)
        errors += [repr(r) for r in results if isinstance(r, BaseException)]
    finally:
        for live in [*others, big]:
            with contextlib.suppress(Exception):
                await live.pause()
        await asyncio.gather(*[x.close() for x in [*others, big]], return_exceptions=True)
        await asyncio.gather(*[o[0].close() for o in opened], return_exceptions=True)
    per = []
    for live in others:
        times = [r[0] for r in live.stats.log]
        before = sum(tb0 <= t <= tb1 for t in times) / seconds
        during = sum(td0 <= t <= td1 for t in times) / seconds
        per.append(
            {
                "fps_before": round(before, 2),
                "fps_during": round(during, 2),
                "ratio": round(during / before, 3) if before else None,
                "max_gap_before_s": round(_gaps(times, tb0, tb1), 3),
                "max_gap_during_s": round(_gaps(times, td0, td1), 3),
            }
        )
    ratios = [p["ratio"] for p in per if p["ratio"] is not None]
    progress = [st for t, st, _, _ in big_log if td0 <= t and (" · Training " in st)]
    notices = sorted({n for t, _, n, _ in big_log if td0 <= t and n})
    epochs = [e for t, _, _, e in big_log if td0 <= t]
    return {
        "mode": mode,
        "others": args.others,
        "errors": errors[:5],
        "window_s": seconds,
        "commands_sent": sent["commands"],
        "fps_before_median": round(statistics.median(p["fps_before"] for p in per), 2),
        "fps_during_median": round(statistics.median(p["fps_during"] for p in per), 2),
        "ratio_median": round(statistics.median(ratios), 3) if ratios else None,
        "ratio_min": round(min(ratios), 3) if ratios else None,
        "max_gap_before_s": max(p["max_gap_before_s"] for p in per),
        "max_gap_during_s": max(p["max_gap_during_s"] for p in per),
        "server_cpu_before_pct": round(100 * (cpu["b1"] - cpu["b0"]) / seconds, 1),
        "server_cpu_during_pct": round(100 * (cpu["d1"] - cpu["b1"]) / seconds, 1),
        "server_rss_mb": round(cpu["rss"], 1),
        "big_frames_during": len(epochs),
        "big_epochs_trained": (max(epochs) - min(epochs)) if epochs else 0,
        "big_progress_seen": progress[:1] + progress[-1:],
        "big_notices": notices[:3],
        "per_session": per,
    }


async def run_replay(url: str, args: argparse.Namespace, pid: int) -> dict[str, Any]:
    """``--others`` sessions playing; then a browser opens a link to epoch
    ``--replay-epoch`` on the largest network: how long its first script run took (the
    replay's cap is 60 s), what the page said, and the others' frames meanwhile."""
    sem = asyncio.Semaphore(OPEN_CONCURRENCY)
    fps_cap = args.fps_cap or None
    opened = await asyncio.gather(
        *[_open_one(url, "", fps_cap, sem) for _ in range(args.others)], return_exceptions=True
    )
    ok = [o for o in opened if not isinstance(o, BaseException)]
    others = [o[1] for o in ok]
    out: dict[str, Any] = {"mode": "replay", "others": len(others), "epoch": args.replay_epoch}
    link = StreamlitSession(url, f"{BIG_QUERY}&epoch={args.replay_epoch}")
    try:
        for live in others:
            await live.play()
        t_play = time.monotonic()
        await asyncio.sleep(args.warmup)
        tb0 = time.monotonic()
        runs = [asyncio.ensure_future(live.run(10_000)) for live in others]
        await asyncio.sleep(args.seconds)
        td0 = time.monotonic()
        c0 = cpu_seconds(pid)
        try:
            await link.open(timeout=300)
            run = link.run
        finally:
            td1 = time.monotonic()
        c1 = cpu_seconds(pid)
        out["script_run_s"] = round(run.seconds, 2) if run else None
        out["page_said"] = [a for a in (run.alerts if run else []) if "eplay" in a]
        out["server_cpu_during_pct"] = round(100 * (c1 - c0) / (td1 - td0), 1)
        for r in runs:
            r.cancel()
        await asyncio.gather(*runs, return_exceptions=True)
        per = []
        for live in others:
            times = [r[0] for r in live.stats.log]
            before = sum(tb0 <= t <= td0 for t in times) / (td0 - tb0)
            during = sum(td0 <= t <= td1 for t in times) / (td1 - td0)
            per.append((before, during, _gaps(times, td0, td1)))
        out["fps_before_median"] = round(statistics.median(b for b, _, _ in per), 2)
        out["fps_during_median"] = round(statistics.median(d for _, d, _ in per), 2)
        out["ratio_min"] = round(min(d / b for b, d, _ in per if b), 3)
        out["max_gap_during_s"] = round(max(g for _, _, g in per), 3)
        out["played_s"] = round(td1 - t_play, 1)
    finally:
        await link.close()
        for live in others:
            with contextlib.suppress(Exception):
                await live.pause()
        await asyncio.gather(*[x.close() for x in others], return_exceptions=True)
        await asyncio.gather(*[o[0].close() for o in ok], return_exceptions=True)
    return out


def print_replay(r: dict[str, Any]) -> None:
    print(
        f"replay: a link to epoch {r['epoch']} on the largest network, {r['others']} others "
        f"playing; load {r['load_before']} / {r['load_after']}"
    )
    print(f"  its first script run took {r['script_run_s']} s (cap 60 s); the page said:")
    for a in r["page_said"]:
        print(f"    {a}")
    print(
        f"  others' frames/s (median) before {r['fps_before_median']}, during "
        f"{r['fps_during_median']} (lowest ratio {r['ratio_min']}); largest gap "
        f"{r['max_gap_during_s']} s; server CPU during {r['server_cpu_during_pct']} %"
    )


def run_fairness_fresh(mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """``run_fairness`` against a fresh ``streamlit run app.py`` of its own."""
    port = free_port()
    proc = start_app(port)
    try:
        time.sleep(1.0)
        load0 = load_average()
        url = f"http://127.0.0.1:{port}"
        if mode == "replay":
            out = asyncio.run(run_replay(url, args, proc.pid))
        else:
            out = asyncio.run(run_fairness(url, mode, args, proc.pid))
        out["load_before"], out["load_after"] = load0, load_average()
        return out
    finally:
        stop_app(proc)


def print_fairness(r: dict[str, Any]) -> None:
    target = "ratio ≥ 0.8" if r["mode"] == "flood" else "max gap ≤ 0.3 s"
    print(
        f"{r['mode']}: {r['others']} others playing, {r['commands_sent']} step-epoch commands "
        f"from the big session; load {r['load_before']} / {r['load_after']}"
    )
    print(
        f"  others' frames/s (median) before {r['fps_before_median']}, during "
        f"{r['fps_during_median']}; ratio median {r['ratio_median']}, lowest {r['ratio_min']}"
    )
    print(
        f"  largest frame gap of any other session: before {r['max_gap_before_s']} s, during "
        f"{r['max_gap_during_s']} s   (target: {target})"
    )
    print(
        f"  server CPU before {r['server_cpu_before_pct']} %, during "
        f"{r['server_cpu_during_pct']} %; RSS {r['server_rss_mb']} MB"
    )
    print(
        f"  big session: {r['big_frames_during']} frames, {r['big_epochs_trained']} epochs "
        f"trained in the window; status {r['big_progress_seen']}; notices {r['big_notices']}"
    )
    if r["errors"]:
        print(f"  errors: {r['errors']}")


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def _kind(args: argparse.Namespace) -> str:
    if args.flood or args.burst or args.replay:
        return "fair_"
    return "proxy_" if args.proxy else ""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 5, 10, 20, 40])
    ap.add_argument("--warmup", type=float, default=5.0, help="playing before measuring (5)")
    ap.add_argument("--seconds", type=float, default=20.0, help="measured window (20)")
    ap.add_argument("--fps-cap", type=float, default=60.0, help="acks per s per client; 0 = none")
    ap.add_argument("--query", default="", help="the Playground's URL query (settings)")
    ap.add_argument("--rate", type=float, default=10.0, help="frames/s counted as served (10)")
    ap.add_argument("--pages", type=int, default=4, help="Chromium pages at once (4; 0 = none)")
    ap.add_argument("--no-pages", action="store_true", help="skip the Chromium pages")
    ap.add_argument("--pages-only", action="store_true", help="only the Chromium pages")
    ap.add_argument("--proxy", action="store_true", help="only the runs behind nginx")
    ap.add_argument("--proxy-processes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--proxy-step", type=int, default=4, help="N step of the ramp (4)")
    ap.add_argument("--proxy-max", type=int, default=48, help="largest N tried (48)")
    ap.add_argument("--proxy-seconds", type=float, default=10.0, help="window per probe (10)")
    ap.add_argument(
        "--proxy-compare-n", type=int, default=16, help="N for the throughput comparison (16)"
    )
    ap.add_argument("--flood", action="store_true", help="only: a big session floods Steps")
    ap.add_argument("--burst", action="store_true", help="only: a big session's burst of Steps")
    ap.add_argument("--others", type=int, default=5, help="sessions playing beside it (5)")
    ap.add_argument("--flood-rate", type=float, default=200.0, help="Steps a second (200)")
    ap.add_argument("--burst-n", type=int, default=8, help="Steps in the burst (8)")
    ap.add_argument("--replay", action="store_true", help="only: a long link's replay")
    ap.add_argument("--replay-epoch", type=int, default=60, help="the link's epoch (60)")
    ap.add_argument("--json", type=Path, default=None, help="default bench/results/load_*.json")
    args = ap.parse_args(argv)

    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    if args.flood or args.burst or args.replay:
        results["fairness"] = []
        for mode in [m for m in ("flood", "burst", "replay") if getattr(args, m)]:
            print(f"{mode} …", flush=True)
            r = run_fairness_fresh(mode, args)
            results["fairness"].append(r)
            (print_replay if mode == "replay" else print_fairness)(r)
    elif args.proxy:
        print(f"behind nginx: processes {args.proxy_processes}, ramp step {args.proxy_step}")
        results["proxy"] = run_proxy(args)
        print()
        print_proxy_table(results["proxy"], args.rate)  # also adds the per-core figures
        print(f"load average now {load_average()} on {os.cpu_count()} CPUs")
    else:
        if not args.pages_only:
            rows = []
            for n in args.sessions:
                print(f"{n} protocol client(s) …", flush=True)
                rows.append(run_fresh_server(n, args))
            results["load"] = rows
            print()
            print_load_table(rows)
        if args.pages and not args.no_pages:
            if not Path(CHROMIUM).exists():
                print(f"no Chromium at {CHROMIUM}: pages skipped")
            else:
                print(f"\n{args.pages} Chromium pages …", flush=True)
                results["pages"] = run_pages(args)
                print_pages_table(results["pages"])
    path = args.json or RESULTS / f"load_{_kind(args)}{time.strftime('%Y%m%d_%H%M%S')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
