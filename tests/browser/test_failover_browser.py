"""A lost replica costs one reconnect, not the run: two real Chromium pages behind nginx on
the same Streamlit process (``cluster``: nginx + 2 processes), that process killed.

* Page A was playing.  Without a reload it says the connection was lost (the Play toggle
  showing Play), comes back on the other process at the very epoch and step it showed, with
  Θ equal to the one it showed and to a straight run of the same settings to that epoch
  (float32, as frames carry it), and plays on from there.
* Page B was paused mid-epoch with a point drawn by hand: it comes back at its epoch and
  step, says the drawn point was lost with the server (a link cannot replay it), and does
  not play on by itself.

How (backprop_lab/live_view/channel.js): the live view keeps the page's URL at the epoch it
painted; when its socket closes it retries, and the process that answers does not know its
token (4403), so it has Streamlit run the page again with that URL: a new session there
replays the run from the URL, as a link does.  Timings go to test-artifacts/failover.json.
Without nginx it is skipped, except under ``CI=true``.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
import streamlit

from lab_ui.shared import lab as lab_mod
from lab_ui.shared import schema

pytestmark = pytest.mark.browser

ROOT = ".bp-live"
SHOTS = "/tmp"  # the two screenshots the issue asks for, 1440 × 900


def _wait(page, js: str, timeout_s: float, what: str):
    """Poll ``js`` (an expression) until it is truthy; its value.  (page.evaluate, not
    wait_for_function: a Content-Security-Policy without 'unsafe-eval' stops the latter.)"""
    end = time.monotonic() + timeout_s
    value = None
    while time.monotonic() < end:
        value = page.evaluate(js)
        if value:
            return value
        time.sleep(0.1)
    shown = page.evaluate(
        f"""(() => {{ const r = document.querySelector('{ROOT}');
          return r && {{ ...r.dataset, notice: r.querySelector('[data-role=notice]')?.innerText,
                         url: location.search }}; }})()"""
    )
    raise AssertionError(f"{what}: not within {timeout_s:g} s (last value {value!r}; {shown})")


def _live(page, name: str) -> str:
    return page.evaluate(f"document.querySelector('{ROOT}')?.dataset.{name} ?? ''")


def _route(context) -> str | None:
    return {c["name"]: c["value"] for c in context.cookies()}.get("bp_route")


def _straight_theta(url: str, epochs: int, steps: int) -> list[np.ndarray]:
    """Θ of the page's settings trained straight (no page, no replay) to ``epochs`` and
    ``steps`` gradient steps."""
    query = {k: v for k, v in parse_qsl(urlsplit(url).query) if k not in ("epoch", "step")}
    state: dict = {}
    schema.init_session(state, query)
    trainer = lab_mod.build_lab(state).trainer
    trainer.run_epochs(epochs)
    while trainer.steps < steps:
        trainer.step()
    assert (trainer.epoch, trainer.steps) == (epochs, steps)
    return [np.asarray(T) for T in trainer.Theta]


def _as_f32(theta: list[list[float]]) -> list[np.ndarray]:
    return [np.asarray(t, dtype=np.float32) for t in theta]


def test_a_killed_replica_costs_one_reconnect_not_the_run(browser, cluster):
    contexts = []
    try:
        # --- page A: playing, on whichever process nginx picks
        ctx_a = browser.new_context(viewport={"width": 1440, "height": 900})
        contexts.append(ctx_a)
        a = ctx_a.new_page()
        a.set_default_timeout(60_000)
        a.goto(cluster.url + "/?dataset=xor")
        _wait(a, "window.__bp?.painted > 0", 90, "page A painted")
        route = _route(ctx_a)
        assert route in ("1", "2"), route
        victim = int(route) - 1

        # --- page B: on the same process (its route cookie), paused mid-epoch, a point drawn
        ctx_b = browser.new_context(viewport={"width": 1440, "height": 900})
        contexts.append(ctx_b)
        ctx_b.add_cookies([{"name": "bp_route", "value": route, "url": cluster.url}])
        b = ctx_b.new_page()
        b.set_default_timeout(60_000)
        b.goto(cluster.url + "/?dataset=xor&batch=64")  # 250 points: 4 gradient steps an epoch
        _wait(b, "window.__bp?.painted > 0", 90, "page B painted")
        for role, step in (("step-epoch", 4), ("step-epoch", 8), ("step-batch", 9)):
            b.click(f"{ROOT} [data-role={role}]")
            _wait(b, f"document.querySelector('{ROOT}').dataset.step === '{step}'", 30, role)
        b.locator(f"{ROOT} canvas[data-role=boundary]").click()  # a training point, class 0
        _wait(b, "window.__bp.state.edits.length > 0", 30, "the drawn point listed as an edit")
        _wait(b, "/[?&]epoch=2&step=9\\b/.test(location.search)", 30, "B's URL at epoch 2, step 9")
        points_b = int(_live(b, "trainPoints"))
        assert _route(ctx_b) == route

        a.click(f"{ROOT} [data-role=play]")
        _wait(a, f"+document.querySelector('{ROOT}').dataset.epoch >= 40", 60, "A at epoch 40")
        assert _live(a, "playing") == "1"

        # --- kill the process both pages are on
        killed_at = a.evaluate("performance.now()")
        cluster.apps[victim].kill()
        cluster.apps[victim].wait(timeout=10)

        lost = _wait(
            a,
            f"""(() => {{
              const r = document.querySelector('{ROOT}');
              return r.dataset.conn === 'lost' && {{
                at: performance.now(), playing: r.dataset.playing,
                text: r.querySelector('[data-role=connection]').innerText,
                play: r.querySelector('[data-role=play]').innerText,
                disabled: r.querySelector('[data-role=play]').disabled }};
            }})()""",
            30,
            "A says the connection was lost",
        )
        a.screenshot(path=f"{SHOTS}/failover-reconnecting.png")
        said = lost["text"]
        assert "Connection lost — reconnecting… (attempt" in said or "replaying the run to" in said
        # the Play toggle shows the real state: nothing plays (and it waits for the connection)
        assert (lost["playing"], lost["play"].strip(), lost["disabled"]) == ("0", "▶ Play", True)

        # --- A comes back at its epoch, on the other process, and plays on
        rejoined = _wait(a, "window.__bp.state.rejoined", 90, "A back")
        before, after = rejoined["before"], rejoined["after"]
        assert rejoined["same"] and rejoined["playOn"], rejoined["text"]
        assert before["epoch"] >= 40
        assert (after["epoch"], after["step"]) == (before["epoch"], before["step"])
        assert _route(ctx_a) == str(2 - victim)  # the cookie followed the live process
        # Θ is the one the page showed, and a straight run's
        assert before["theta"] and after["theta"]
        shown, back = _as_f32(before["theta"]), _as_f32(after["theta"])
        straight = _straight_theta(a.url, before["epoch"], before["step"])
        for T_shown, T_back, T in zip(shown, back, straight, strict=True):
            assert np.array_equal(T_back, T_shown)
            assert np.array_equal(T_back, T.astype(np.float32).ravel())
        _wait(
            a,
            f"document.querySelector('{ROOT}').dataset.playing === '1' && "
            f"+document.querySelector('{ROOT}').dataset.epoch > {before['epoch'] + 5}",
            60,
            "A playing on",
        )
        playing_at = a.evaluate("performance.now()")
        a.screenshot(path=f"{SHOTS}/failover-back.png")
        assert rejoined["text"].endswith("replayed from its settings, bit for bit. Playing on.")
        assert _live(a, "error") == ""

        # --- B comes back at epoch 2, step 9, and says what was lost
        rejoined_b = _wait(b, "window.__bp.state.rejoined", 90, "B back")
        assert rejoined_b["same"] and not rejoined_b["playOn"]
        assert (rejoined_b["after"]["epoch"], rejoined_b["after"]["step"]) == (2, 9)
        assert "Lost with the server" in rejoined_b["text"]
        assert "added a point of class 0" in rejoined_b["lost"]
        assert (
            b.locator(f"{ROOT} [data-role=connection]")
            .inner_text()
            .startswith("Reconnected at epoch 2 (gradient step 9)")
        )
        assert _live(b, "playing") == "0"
        assert int(_live(b, "trainPoints")) == points_b - 1  # the drawn point is gone
        assert np.array_equal(
            _as_f32(rejoined_b["after"]["theta"])[0], _as_f32(rejoined_b["before"]["theta"])[0]
        )
    finally:
        for ctx in contexts:
            ctx.close()

    times = {
        "epoch": before["epoch"],
        "drop_to_message_s": round((lost["at"] - killed_at) / 1000, 2),
        "drop_to_dropped_s": round((before["at"] - killed_at) / 1000, 2),
        "drop_to_server_gone_s": round((before["goneAt"] - killed_at) / 1000, 2),
        "drop_to_page_run_asked_s": round((before["askedAt"] - killed_at) / 1000, 2),
        "drop_to_reconnected_s": round((after["at"] - killed_at) / 1000, 2),
        "drop_to_playing_s": round((playing_at - killed_at) / 1000, 2),
    }
    from bench.harness import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "failover.json").write_text(json.dumps(times, indent=2))
    print("failover:", times)


def test_streamlit_still_has_what_the_live_view_reads():
    """page.js leans on two things Streamlit does not document (see its header): the status
    widget's test ids (is Streamlit's socket down? is the page running?) and its `popstate`
    listener (run the page again with the URL).  An upgrade that renames or drops them fails
    here, by name, before a lecture finds out; the test above checks the behaviour."""
    page_js = Path(__file__).resolve().parents[2] / "backprop_lab" / "live_view" / "page.js"
    ids = set(re.findall(r'data-testid="(st\w+)"', page_js.read_text(encoding="utf-8")))
    assert ids == {"stConnectionStatus", "stStatusWidgetRunningIcon"}, ids
    bundle = Path(streamlit.__file__).parent / "static" / "static" / "js"
    text = "".join(p.read_text(encoding="utf-8", errors="replace") for p in bundle.glob("*.js"))
    for testid in sorted(ids):
        assert f"`{testid}`" in text or f'"{testid}"' in text, f"Streamlit has no {testid} now"
    assert re.search(r"addEventListener\(.popstate.,\s*this\.onHistoryChange", text), (
        "Streamlit no longer runs the page on popstate (page.js rerunWithUrl)"
    )
