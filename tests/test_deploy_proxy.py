"""Two Streamlit processes behind nginx (deploy/): each browser stays on its own process.

Starts ``deploy/run_cluster.py``'s cluster (nginx + 2 ``streamlit run app.py`` on free
loopback ports) and opens two sessions through nginx with the Streamlit-protocol client of
``bench/streamlit_client.py`` (page, health, Streamlit's WebSocket, one script run, then the
live channel).  Without nginx this is skipped with the reason, except under ``CI=true``
(``.ci/run`` installs nginx), where it must run.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re

from bench.streamlit_client import (
    LiveClient,
    StreamlitSession,
    wrong_token_probe,
)
from deploy.run_cluster import render_config

PLAY_S = 4.0  # each session plays this long
TEST_TIMEOUT_S = 50.0


def _requests(log: str) -> list[tuple[str, str, str]]:
    """(path, upstream, route cookie) per request in nginx's access log."""
    return re.findall(r'"GET (\S+) HTTP/1.1" \d+ \d+ up=(\S+) route=(\S*)', log)


async def _two_sessions(url: str) -> dict:
    """Open A (default data) then B (xor data), play both at once, and the probes."""
    a = StreamlitSession(url)
    b = StreamlitSession(url, query_string="dataset=xor")
    lives: list[LiveClient] = []
    try:
        token_a = await a.open()
        token_b = await b.open()  # A's sockets are open: least_conn sends B to the other process
        live_a, live_b = LiveClient(a), LiveClient(b)
        lives += [live_a, live_b]
        first_a = await live_a.hello(token_a)
        first_b = await live_b.hello(token_b)
        await live_a.play()
        await live_b.play()
        await asyncio.gather(live_a.run(PLAY_S), live_b.run(PLAY_S))
        await live_a.pause()
        await live_b.pause()

        wrong = await wrong_token_probe(a, timeout=5)
        # A's own token, but routed (by the cookie) to the process that did not issue it.
        other = StreamlitSession(url)
        other.cookies.values["bp_route"] = "2" if a.cookies.values.get("bp_route") == "1" else "1"
        elsewhere = LiveClient(other, fps_cap=None)
        lives.append(elsewhere)
        elsewhere_frame = await elsewhere.hello(token_a, first_frame_timeout=5)
        return {
            "tokens": (token_a, token_b),
            "routes": (a.cookies.values.get("bp_route"), b.cookies.values.get("bp_route")),
            "first": (first_a, first_b),
            "stats": (live_a.stats, live_b.stats),
            "wrong": wrong,
            "elsewhere": (elsewhere_frame, elsewhere.stats),
        }
    finally:
        for live in lives:
            await live.close()
        await a.close()
        await b.close()


def test_two_sessions_behind_nginx(cluster):
    # its own thread and event loop: the browser tests' Playwright may run a loop in this one
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        out = pool.submit(
            asyncio.run, asyncio.wait_for(_two_sessions(cluster.url), TEST_TIMEOUT_S)
        ).result()
    token_a, token_b = out["tokens"]
    stats_a, stats_b = out["stats"]

    # Two sessions, two tokens, one on each process (the route cookie nginx set).
    assert token_a != token_b
    assert set(out["routes"]) == {"1", "2"}, out["routes"]

    # Both played: many frames, epochs advancing, playing seen.
    for st in (stats_a, stats_b):
        assert st.frames >= 20, st.frames
        assert st.playing_seen
        assert st.last_epoch > st.first_epoch >= 0
        assert st.close_code in (None, 1000), st.close_code

    # Never each other's frames: each stream carries only its own data set's uirev.
    assert len(stats_a.uirevs) == 1 and len(stats_b.uirevs) == 1
    assert stats_a.uirevs != stats_b.uirevs
    assert out["first"][0]["uirev"] in stats_a.uirevs
    assert out["first"][1]["uirev"] in stats_b.uirevs

    # A made-up token through the proxy: closed (4403) with no frame.
    assert out["wrong"] == {"frames": 0, "close_code": 4403}
    # A real token on the process that did not issue it: the same.
    elsewhere_frame, elsewhere_stats = out["elsewhere"]
    assert elsewhere_frame is None and elsewhere_stats.frames == 0
    assert elsewhere_stats.close_code == 4403

    # Sticky: every request of a browser went to the process its route cookie names, and
    # both of a session's WebSockets (Streamlit's and the live channel) to the same one.
    reqs = _requests(cluster.access_log())
    by_route: dict[str, set[str]] = {}
    for _path, up, route in reqs:
        if route in ("1", "2"):
            by_route.setdefault(route, set()).add(up)
    upstreams = [f"127.0.0.1:{p}" for p in cluster.ports]
    assert by_route == {"1": {upstreams[0]}, "2": {upstreams[1]}}, by_route
    live = {up for path, up, route in reqs if path == "/bp/live/ws" and route != "-"}
    stream = {up for path, up, _ in reqs if path == "/_stcore/stream"}
    assert stream == set(upstreams) and set(upstreams) <= live


def test_config_names_every_process_and_listens_on_loopback(tmp_path):
    text = render_config(8080, [9001, 9002, "10.0.0.7:8501"], tmp_path)
    assert "listen 127.0.0.1:8080;" in text
    assert "daemon off;" in text
    assert f"pid {tmp_path}/nginx.pid;" in text
    for i, addr in enumerate(["127.0.0.1:9001", "127.0.0.1:9002", "10.0.0.7:8501"], 1):
        assert f"upstream bp_route_{i} {{\n        server {addr} max_fails=3" in text
        assert f"        {i} bp_route_{i};" in text
        assert re.escape(addr) in text
    # both WebSockets upgraded, with Host passed through in every location
    for loc in ("location = /_stcore/stream {", "location = /bp/live/ws {", "location / {"):
        block = text.split(loc, 1)[1].split("}", 1)[0]
        assert "proxy_set_header Host $http_host;" in block
    for loc in ("location = /_stcore/stream {", "location = /bp/live/ws {"):
        block = text.split(loc, 1)[1].split("}", 1)[0]
        assert "proxy_set_header Upgrade $http_upgrade;" in block
        assert "proxy_set_header Connection $connection_upgrade;" in block
    assert "{{" not in text.split("http {", 1)[1]
