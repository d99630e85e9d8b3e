"""The live view in a real browser: its own channel, its buttons and keys, text from data
shown as text, sessions kept apart, views that never overlap, and a page out of date."""

from __future__ import annotations

import json
import re
import struct

import numpy as np
import pytest

from lab_ui.live import frames

pytestmark = pytest.mark.browser

ROOT = ".bp-live"
XSS_COLUMN = "<img src=x onerror=window.__xss=1>"
XSS_LABELS = ("<img src=y onerror=window.__xss=2>", "<b>bold</b>", "plain")


def _attr(page, name: str) -> str:
    return page.evaluate(f"document.querySelector('{ROOT}')?.dataset.{name} || ''")


def _wait_painted(page) -> None:
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)


def _epoch(page) -> int:
    return int(_attr(page, "epoch") or -1)


def _step(page) -> int:
    return int(_attr(page, "step") or -1)


def test_keys_play_pause_step_and_reset(page, app_url, artifacts):
    page.goto(app_url + "/?batch=10")  # 25 mini-batches an epoch
    _wait_painted(page)
    page.locator(f"{ROOT} .bp-status").click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")  # one mini-batch
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.step === '1'")
    page.keyboard.press(".")
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.step === '2'")
    page.keyboard.press("Shift+ArrowRight")  # the rest of the epoch
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.epoch === '1'")
    assert _step(page) == 25
    page.keyboard.press("Space")  # play
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch >= 5")
    page.keyboard.press("Space")  # pause
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.playing === '0'")
    page.wait_for_timeout(300)
    paused = _epoch(page)
    page.wait_for_timeout(800)
    assert _epoch(page) == paused, "training went on after Pause"
    page.keyboard.press("r")  # reset: through Streamlit, back to epoch 0
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.epoch === '0'")
    # keys typed into a widget are the widget's, not the live view's
    page.get_by_label("Random seed").click()
    page.keyboard.press("ArrowRight")
    page.wait_for_timeout(500)
    assert _step(page) == 0
    page.screenshot(path=str(artifacts / "live-keys.png"))


def test_the_live_view_paints_while_playing_without_streamlit_reruns(page, app_url):
    sent: list[str] = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda p: sent.append(ws.url)))
    page.goto(app_url)
    _wait_painted(page)
    page.wait_for_timeout(500)
    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    page.wait_for_timeout(300)
    del sent[:]  # count from here: while playing
    page.wait_for_function("window.__bp?.painted > 30", timeout=60_000)
    n0 = page.evaluate("window.__bp?.painted")
    page.wait_for_timeout(1500)
    assert page.evaluate("window.__bp?.painted") > n0 + 10
    stream = [u for u in sent if u.endswith("/_stcore/stream")]
    live = [u for u in sent if u.endswith("/bp/live/ws")]
    assert len(live) > 20  # acknowledgements on the live channel
    assert len(stream) <= 2, "playing must not re-run the Streamlit script"
    page.get_by_role("button", name="Play", exact=True, pressed=True).click()


def test_csv_labels_and_column_names_are_text_not_html(page, app_url, artifacts, tmp_path):
    rng = np.random.default_rng(0)
    lines = [f"{XSS_COLUMN},x2,label"]
    for i in range(90):
        lines.append(f"{rng.normal():.3f},{rng.normal():.3f},{XSS_LABELS[i % 3]}")
    path = tmp_path / "class.csv"
    path.write_text("\n".join(lines) + "\n")
    page.goto(app_url)
    _wait_painted(page)
    page.locator(
        '[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]'
    ).set_input_files(str(path))
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.sizes.endsWith('-3')")
    page.wait_for_timeout(500)
    # hover every unit of the diagram (the output units carry the class labels)
    canvas = page.locator(f"{ROOT} canvas[data-role=net]")
    nodes = page.evaluate("window.__bp.state.hits.net.nodes.map((n) => [n.x, n.y])")
    seen = []
    for x, y in nodes:
        canvas.hover(position={"x": x, "y": y})
        tip = page.locator(f"{ROOT} .bp-tip")
        if tip.is_visible():
            seen.append(tip.inner_text())
    text = "\n".join(seen)
    assert len(seen) == len(nodes)
    assert XSS_LABELS[1] in text and XSS_COLUMN in text  # shown as the text they are
    assert page.evaluate("window.__xss === undefined"), "script from the CSV ran"
    assert page.locator(f"{ROOT} img, {ROOT} .bp-tip b b").count() == 0
    page.screenshot(path=str(artifacts / "live-csv-labels.png"))


def test_two_sessions_never_show_each_others_network(browser, app_url):
    a = browser.new_context(viewport={"width": 1440, "height": 900})
    b = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        pa, pb = a.new_page(), b.new_page()
        pa.goto(app_url + "/?hidden=8")
        pb.goto(app_url + "/?hidden=3,3,3&dataset=xor")
        for p in (pa, pb):
            _wait_painted(p)
            p.get_by_role("button", name="Play").click()
        for p in (pa, pb):
            p.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch > 20")
        for _ in range(5):
            assert _attr(pa, "sizes") == "2-8-1"
            assert _attr(pb, "sizes") == "2-3-3-3-1"
            pa.wait_for_timeout(200)
        assert _attr(pa, "uirev") != _attr(pb, "uirev")
    finally:
        a.close()
        b.close()


def test_a_forged_token_from_the_page_gets_nothing(page, app_url):
    page.goto(app_url)
    _wait_painted(page)
    result = page.evaluate(
        """() => new Promise((resolve) => {
            const u = new URL('/bp/live/ws', location.href); u.protocol = 'ws:';
            const ws = new WebSocket(u.href); let got = 0;
            ws.onopen = () => ws.send(JSON.stringify({t: 'hello', token: 'x'.repeat(43)}));
            ws.onmessage = () => { got += 1; };
            ws.onclose = (e) => resolve({code: e.code, got});
            setTimeout(() => resolve({code: -1, got}), 10000);
        })"""
    )
    assert result == {"code": 4403, "got": 0}


def _boxes(page) -> dict:
    return page.evaluate(
        f"""() => Object.fromEntries(['bp-boundary-card','bp-net-card','bp-maps-card',
            'bp-curves-card','bp-grads-card'].map((c) => {{
              const el = document.querySelector('{ROOT} .' + c);
              if (!el || el.offsetParent === null) return [c, null];
              const r = el.getBoundingClientRect();
              return [c, [r.left, r.top, r.right, r.bottom]]; }}))"""
    )


def _overlaps(boxes: dict) -> list:
    items = [(k, v) for k, v in boxes.items() if v]
    bad = []
    for i, (ka, a) in enumerate(items):
        for kb, b in items[i + 1 :]:
            if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1:
                bad.append((ka, kb, a, b))
    return bad


def _choose_nth(page, label: str, n: int) -> None:
    """Pick option n of a select box (re-opened if a re-run redrew it while opening)."""
    for _ in range(4):
        page.get_by_role("combobox", name=label).click()
        option = page.get_by_role("option").nth(n)
        try:  # a re-run can close the list between the option showing and the click
            option.wait_for(timeout=3000)
            option.click(timeout=3000)
        except Exception:
            page.keyboard.press("Escape")
            page.wait_for_timeout(500)
            continue
        return
    raise AssertionError(f"the select box {label!r} did not open")


def test_views_never_overlap_after_fifty_mixed_changes(page, app_url, artifacts):
    page.goto(app_url)
    _wait_painted(page)
    rng = np.random.default_rng(7)
    for i in range(50):
        action = int(rng.integers(5))
        if action == 0:
            page.get_by_role("button", name="Play", exact=True).click()  # a toggle
        elif action == 1:
            _choose_nth(page, "Data set", int(rng.integers(6)))
        elif action == 2:
            add = page.get_by_role("button", name="Add layer")
            if add.is_enabled(timeout=60_000):  # asked, not inferred from a slow click
                add.click(timeout=60_000)
            else:  # ten hidden layers (the button is disabled): remove one
                page.locator('[data-testid="stSidebar"] button:has-text("close")').first.click(
                    timeout=60_000
                )
        elif action == 3:
            page.get_by_role("button", name="Step 1 epoch").click()
        else:
            page.get_by_text("Backward: δ").or_(page.get_by_text("Forward: a")).first.click()
        page.wait_for_timeout(250)
        bad = _overlaps(_boxes(page))
        if bad:
            page.screenshot(path=str(artifacts / f"live-overlap-{i}.png"), full_page=True)
        assert not bad, (i, bad)
    page.screenshot(path=str(artifacts / "live-after-50-changes.png"), full_page=True)
    assert not page.evaluate(f"document.querySelector('{ROOT}').dataset.error || ''")
    assert json.loads(page.evaluate("JSON.stringify(window.__bp?.mounts)")) == 1


def test_a_frame_of_another_version_stops_the_view_and_asks_for_a_reload(page, app_url):
    """A page loaded before the server was upgraded gets frames it cannot draw: it says so."""
    other = str(frames.FRAME_VERSION + 1).encode()

    def handler(ws):
        server = ws.connect_to_server()

        def to_page(msg):
            if isinstance(msg, bytes):  # a frame: uint32 header length, JSON header, binary
                (n,) = struct.unpack_from("<I", msg, 0)
                head = re.sub(rb'"version":\d+', b'"version":' + other, msg[4 : 4 + n])
                msg = struct.pack("<I", len(head)) + head + msg[4 + n :]
            ws.send(msg)

        server.on_message(to_page)

    page.route_web_socket(re.compile(r"/bp/live/ws"), handler)
    page.goto(app_url)
    page.wait_for_function(f"document.querySelector('{ROOT}')?.dataset.stale === '1'")
    notice = page.locator(f"{ROOT} .bp-notice")
    assert notice.is_visible()
    assert notice.inner_text() == (
        "This page is out of date (the server was upgraded): reload the page."
    )
    # only the first frame, which came with the page (its own version), was drawn; nothing
    # from the socket's frames of the other version
    painted = page.evaluate("window.__bp.painted")
    assert painted <= 1 and page.evaluate("window.__bp.firstFrom") == "page"
    page.wait_for_timeout(500)
    assert page.evaluate("window.__bp.painted") == painted


def test_the_first_frame_comes_with_the_page_before_the_socket(page, app_url):
    """A browser's first run sends the first frame in the page's data: with the live
    socket held closed, the view still paints the whole first frame (boundary, diagram,
    maps, curves), and says where it came from."""
    held: list = []
    # the live socket never reaches the server (its frames would come from there)
    page.route_web_socket(re.compile(r".*/bp/live/ws.*"), lambda ws: held.append(ws))
    page.goto(app_url)
    page.wait_for_function("window.__bp?.marks?.firstFull", timeout=60_000)
    assert page.evaluate("window.__bp.firstFrom") == "page"
    assert held, "the live view did not try its socket"
    assert _epoch(page) == 0 and _attr(page, "sizes") == "2-4-2-1"
    assert int(_attr(page, "trainPoints")) > 0
