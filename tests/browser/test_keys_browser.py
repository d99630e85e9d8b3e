"""Keys in a real browser at 1920 × 1080: the Playground's live view in presenter mode (and a
clicker's PageDown), the Step-through's key listener (lab_ui.live.keys_ui), keys typed into a
widget left alone, and the listener gone when its page is left."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bench.harness import ARTIFACTS

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("BP_SHOTS_DIR") or ARTIFACTS)
SHOTS.mkdir(parents=True, exist_ok=True)
ROOT = ".bp-live"


def _wait(page, cond: str) -> None:
    page.wait_for_function(
        f"(() => {{ const d = document.querySelector('{ROOT}').dataset; return {cond}; }})()"
    )


def _step_heading(page) -> int:
    text = page.get_by_text(re.compile(r"^Step \d+ of \d+")).first.inner_text()
    return int(re.match(r"Step (\d+)", text).group(1))


def _sent(page) -> int:
    return page.evaluate("window.__bp?.keysSent || 0")


def test_playground_keys_in_presenter_mode_and_a_clicker(hd, app_url):
    page = hd
    page.goto(app_url + "/?presenter=1&batch=10")  # 25 mini-batches an epoch
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.locator(f"{ROOT} .bp-status").click()  # focus the page, not a widget
    page.keyboard.press("ArrowRight")
    _wait(page, "d.step === '1'")
    page.keyboard.press(".")
    _wait(page, "d.step === '2'")
    page.keyboard.press("PageDown")  # a presentation clicker's "next"
    _wait(page, "d.step === '3'")
    page.keyboard.press("Shift+ArrowRight")  # the rest of the epoch
    _wait(page, "d.epoch === '1' && d.step === '25'")
    page.keyboard.press("Space")
    _wait(page, "d.playing === '1'")
    _wait(page, "+d.epoch >= 4")
    page.keyboard.press("Space")
    _wait(page, "d.playing === '0'")
    # the server's own frame says paused (frames trained before the Pause may still arrive)
    page.locator(f"{ROOT} [data-role=runstate]").filter(has_text="paused").wait_for()
    page.keyboard.press("r")
    _wait(page, "d.epoch === '0' && d.step === '0'")
    page.keyboard.press("?")
    keylist = page.locator(f"{ROOT} .bp-keylist")
    assert keylist.is_visible()
    rows = keylist.locator("kbd").all_inner_texts()
    assert rows[0] == "Space" and any("PageDown" in r for r in rows) and "R" in rows
    assert "Reset" in keylist.inner_text()
    assert float(keylist.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 24
    page.screenshot(path=str(SHOTS / "keys-playground-presenter.png"))
    page.keyboard.press("Escape")
    assert not keylist.is_visible()


def test_step_through_keys_move_the_walk_through(hd, app_url):
    page = hd
    page.goto(app_url + "/Step_through")
    page.get_by_text(re.compile(r"^Step 1 of \d+")).first.wait_for(timeout=60_000)
    page.locator(".bp-keyboard").wait_for()
    page.get_by_role("heading", name="Step through backprop").click()  # focus the page
    page.keyboard.press("ArrowRight")
    page.get_by_text(re.compile(r"^Step 2 of \d+")).first.wait_for()
    page.keyboard.press("PageDown")
    page.get_by_text(re.compile(r"^Step 3 of \d+")).first.wait_for()
    page.keyboard.press("PageUp")
    page.get_by_text(re.compile(r"^Step 2 of \d+")).first.wait_for()
    page.keyboard.press("End")
    page.get_by_text(re.compile(r"^Step (\d+) of \1 ·")).first.wait_for()  # the last step
    page.keyboard.press("r")
    page.get_by_text(re.compile(r"^Step 1 of \d+")).first.wait_for()
    # "?" shows the list of this page's keys, on the page
    panel = page.locator(".bp-keyboard [data-role=keys-list]")
    assert not panel.is_visible()
    page.keyboard.press("?")
    panel.wait_for(state="visible")
    assert "next step" in panel.inner_text() and "PageUp" in panel.inner_text()
    page.screenshot(path=str(SHOTS / "keys-step-through-list.png"))
    page.keyboard.press("?")
    panel.wait_for(state="hidden")
    # a key typed into a widget is the widget's
    sent = _sent(page)
    page.get_by_label(re.compile(r"^Example i")).click()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("r")
    page.wait_for_timeout(800)
    assert _sent(page) == sent and _step_heading(page) == 1


def test_the_listener_is_removed_with_its_page(hd, app_url):
    page = hd
    page.goto(app_url + "/Gradients")
    page.get_by_text("after 0 epochs on the Playground").wait_for(timeout=60_000)
    page.locator(".bp-keyboard").wait_for()
    page.get_by_role("heading", name="Gradients").first.click()
    page.keyboard.press("PageDown")  # one mini-batch: with the whole batch, one epoch
    page.get_by_text("after 1 epochs on the Playground").wait_for()
    sent = _sent(page)
    assert sent == 1
    page.get_by_role("link", name="Playground").first.click()
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.wait_for_function("!document.querySelector('.bp-keyboard')")  # its page's run is over
    page.locator(f"{ROOT} .bp-status").click()
    page.keyboard.press("ArrowRight")  # the live view's now, and only the live view's
    _wait(page, "d.step === '2'")
    page.wait_for_timeout(500)
    assert _sent(page) == sent  # the Gradients page's listener did not answer


def _reset_shown(page) -> None:
    """The run is at epoch 0 and stays there, and the page shows it (no Epoch slider to go
    back with, no epoch in the URL)."""
    _wait(page, "d.epoch === '0' && d.step === '0' && d.playing === '0'")
    runstate = page.locator(f"{ROOT} [data-role=runstate]")
    runstate.filter(has_text=re.compile(r"^Epoch 0 · paused$")).wait_for()
    page.get_by_text("Train a few epochs: then the Epoch slider").wait_for()
    page.wait_for_timeout(1500)  # a re-run still on its way does not bring the old run back
    _wait(page, "d.epoch === '0' && d.step === '0'")
    assert page.get_by_role("slider", name="Epoch").count() == 0
    assert not re.search(r"[?&](epoch|step)=", page.url)


def test_reset_right_after_pause_is_never_lost(hd, app_url):
    """Reset pressed at once after Pause (issue: it could be lost while the page re-ran).

    The Pause's frame makes the view send the page an event (a Streamlit trigger); Reset is
    another trigger of the same component, and Streamlit keeps only the newest of two
    triggers that reach the server before its script thread takes the first.  The first
    round presses the keys one after the other; the second makes that interleaving certain:
    the Pause waits on the live channel's socket until Reset's trigger is out, and both
    triggers wait on Streamlit's socket until they can go to the server back to back,
    Reset's first."""
    page = hd
    hold = {"on": False}
    held: dict = {"reset": None, "paused": None, "pause": None}
    servers: dict = {}

    def route(name: str):
        def handler(ws) -> None:
            servers[name] = ws.connect_to_server()

            def from_page(message) -> None:
                raw = message if isinstance(message, bytes) else message.encode()
                if hold["on"]:
                    for what, mark in (
                        ("reset", b'"c":"reset"'),
                        ("paused", b'"e":"paused"'),
                        ("pause", b'"t":"pause"'),
                    ):
                        if mark in raw and held[what] is None:
                            held[what] = message
                            return
                servers[name].send(message)

            ws.on_message(from_page)

        return handler

    page.route_web_socket(re.compile(r"/_stcore/stream"), route("streamlit"))
    page.route_web_socket(re.compile(r"/bp/live/ws"), route("live"))
    page.goto(app_url + "/?batch=10")  # 25 mini-batches an epoch
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.locator(f"{ROOT} .bp-status").click()  # focus the page, not a widget

    def play_some() -> None:
        page.keyboard.press("Space")
        _wait(page, "d.playing === '1'")
        _wait(page, "+d.epoch >= 3")

    def until(what: str) -> None:
        for _ in range(500):
            if held[what] is not None:
                return
            page.wait_for_timeout(20)
        raise AssertionError(f"the view never sent its {what!r} message")

    # 1. the keys, one right after the other
    play_some()
    page.keyboard.press("Space")
    page.keyboard.press("r")
    _reset_shown(page)

    # 2. Reset's trigger, then the Pause's event, on the server's socket back to back
    play_some()
    hold["on"] = True
    page.keyboard.press("Space")
    until("pause")  # the Pause, held on the live channel's socket …
    page.keyboard.press("r")
    until("reset")  # … until Reset's trigger is out (held on Streamlit's)
    servers["live"].send(held["pause"])
    until("paused")  # the paused frame's event, in a rerun request of its own
    hold["on"] = False
    # the event, Reset, the event again: whether the script thread has taken the first
    # request or not when Reset's arrives, the newest trigger is the event's
    for message in (held["paused"], held["reset"], held["paused"]):
        servers["streamlit"].send(message)
    _reset_shown(page)
