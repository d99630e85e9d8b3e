"""Two real Chromium sessions through nginx in front of two Streamlit processes (deploy/).

The protocol-level test is ``tests/test_deploy_proxy.py``; this one checks what only a real
browser shows: that Chromium sends nginx's route cookie on both WebSockets (Streamlit's
and the live channel), so the live view's token reaches the process that issued it and the
page paints advancing epochs.  Without nginx it is skipped, except under ``CI=true``.
"""

from __future__ import annotations

import re
import time


def _epoch(page) -> int:
    return int(page.evaluate("window.__bp?.last?.epoch ?? -1"))


def test_two_browsers_each_on_their_own_process(browser, cluster):
    contexts = []
    try:
        pages = []
        for query in ("", "?dataset=xor"):
            ctx = browser.new_context(viewport={"width": 1300, "height": 1100})
            contexts.append(ctx)
            page = ctx.new_page()
            page.set_default_timeout(45_000)
            page.goto(cluster.url + "/" + query)
            page.wait_for_function("window.__bp?.painted > 0", polling=200)
            pages.append(page)
        for page in pages:
            page.click(".bp-live [data-role=play]")
        for page in pages:
            page.wait_for_function(
                "document.querySelector('.bp-live')?.dataset.playing === '1'", polling=200
            )
        e0 = [_epoch(p) for p in pages]
        for page, e in zip(pages, e0, strict=True):
            page.wait_for_function(f"window.__bp?.last?.epoch > {e + 5}", polling=200)
        routes = []
        for ctx in contexts:
            cookies = {c["name"]: c["value"] for c in ctx.cookies()}
            routes.append(cookies.get("bp_route"))
        errors = [
            p.evaluate("document.querySelector('.bp-live')?.dataset.error || ''") for p in pages
        ]
    finally:
        for ctx in contexts:
            ctx.close()

    assert errors == ["", ""]
    assert sorted(routes) == ["1", "2"], routes  # one browser on each process
    # Both WebSockets of each browser carried its route cookie (so reached its process).
    # nginx logs a WebSocket when it closes: wait (at most 10 s) for all four.
    pattern = r'"GET (/_stcore/stream|/bp/live/ws) HTTP/1.1" 101 \d+ up=(\S+) route=(\S*)'
    for _ in range(50):
        sockets = re.findall(pattern, cluster.access_log())
        if len(sockets) >= 4:
            break
        time.sleep(0.2)
    for route, port in zip(("1", "2"), cluster.ports, strict=True):
        mine = {(path, up) for path, up, r in sockets if r == route}
        assert mine == {
            ("/_stcore/stream", f"127.0.0.1:{port}"),
            ("/bp/live/ws", f"127.0.0.1:{port}"),
        }, sockets
    assert all(r in ("1", "2") for _, _, r in sockets), sockets
