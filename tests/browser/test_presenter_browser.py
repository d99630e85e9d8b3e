"""Presenter mode in a real browser at 1920 × 1080: the computed font sizes of the body text
(≥ 24 px), no sidebar and no header, Play / Step / Reset visible and working, a way back.

Screenshots go to ``$BP_SHOTS_DIR`` (default: the git-ignored test-artifacts/).
"""

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
MIN_PX = 24
#: The body text of a page in presenter mode: Streamlit's elements and the live view's own.
BODY = (
    '[data-testid="stMarkdownContainer"] p',
    '[data-testid="stCaptionContainer"]',
    '[data-testid="stWidgetLabel"] p',
    'button[data-testid^="stBaseButton"] p',
    '[data-testid="stPageLink"] p, [data-testid="stPageLink"] span',
    '[data-testid="stMetricLabel"] p',
    '[data-testid="stMetricValue"]',
    '[data-testid="stSelectbox"] input',
    ".bp-live .bp-btn",
    ".bp-live .bp-status",
    ".bp-live .bp-title",
    ".bp-live .bp-legend",
    ".bp-live .bp-check",
    ".bp-keyboard .bp-keyboard-btn",
    ".bp-still .bp-title",  # the Step-through page's diagram (net_view.js)
    ".bp-still .bp-legend",
)
SIZES_JS = """(selectors) => {
  const out = {};
  for (const sel of selectors) {
    const els = [...document.querySelectorAll(sel)].filter(
      (e) => e.getClientRects().length && (e.value || e.textContent).trim());
    const px = els.map((e) => parseFloat(getComputedStyle(e).fontSize));
    if (els.length) out[sel] = Math.min(...px);
  }
  return out;
}"""


def _sizes(page) -> dict[str, float]:
    return page.evaluate(SIZES_JS, list(BODY))


def _attr(page, name: str) -> str:
    return page.evaluate(f"document.querySelector('{ROOT}')?.dataset.{name} || ''")


def _settled(page) -> None:
    """The script run is over (every element of the page, its style included, has arrived)."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        timeout=60_000
    )
    page.wait_for_timeout(700)


def _open(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    _settled(page)
    assert page.locator('[data-testid="stException"]').count() == 0


def _no_chrome(page) -> None:
    for sel in ('[data-testid="stSidebar"]', 'header[data-testid="stHeader"]'):
        assert not page.locator(sel).first.is_visible(), f"{sel} is visible"


def test_presenter_playground_large_text_no_sidebar_and_the_live_controls(hd, app_url):
    page = hd
    page.goto(app_url + "/?presenter=1&preset=xor_hidden_layer")
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    _settled(page)
    _no_chrome(page)
    assert page.locator(f"{ROOT}.bp-presenter").count() == 1
    sizes = _sizes(page)
    for sel in (BODY[0], BODY[1], BODY[2], BODY[4], *BODY[8:13]):
        assert sel in sizes, f"no visible {sel}"
    small = {s: px for s, px in sizes.items() if px < MIN_PX}
    assert not small, small
    story = page.get_by_text(re.compile(r"^Preset: ")).first
    assert story.is_visible()
    assert float(story.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= MIN_PX
    page.screenshot(path=str(SHOTS / "presenter-playground.png"))
    # the lesson's predict-then-reveal questions hold Play and Step: skip them first
    for _ in range(5):
        skip = page.get_by_role("button", name="Skip")
        if skip.count() == 0:
            break
        skip.first.click()
        page.wait_for_timeout(1500)
    # Play / Step / Reset: the live view's own buttons, visible and answered
    for name in ("Play", "Step 1 mini-batch", "Step 1 epoch", "Reset"):
        assert page.locator(f"{ROOT} .bp-btn", has_text=name).is_visible()
    step0 = int(_attr(page, "step"))
    page.locator(f"{ROOT} .bp-btn", has_text="Step 1 mini-batch").click()
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.step === {step0 + 1}")
    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.playing === '1'")
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch >= 3")
    pause = page.get_by_role("button", name="Play", exact=True, pressed=True)
    if pause.is_visible():  # else the lesson already paused itself at its stop epoch
        pause.click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.playing === '0'")
    page.screenshot(path=str(SHOTS / "presenter-playground-trained.png"))
    page.locator(f"{ROOT} .bp-btn", has_text="Reset").click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.epoch === '0'")
    # the way back: the switch at the top of the page
    page.get_by_text("Presenter mode").first.click()
    page.locator('[data-testid="stSidebar"]').wait_for(state="visible")
    page.get_by_role("combobox", name="Data set").wait_for()  # the sidebar's controls are back
    page.wait_for_function(f"!document.querySelector('{ROOT}').classList.contains('bp-presenter')")
    _settled(page)
    assert _sizes(page)[BODY[0]] < MIN_PX  # normal text again


def test_presenter_gradients_large_text_and_its_step_buttons(hd, app_url):
    page = hd
    _open(page, f"{app_url}/Gradients?presenter=1", "Gradients")
    page.get_by_text("backprop agrees with the finite differences").wait_for()
    _settled(page)
    _no_chrome(page)
    sizes = _sizes(page)
    for sel in (BODY[0], BODY[1], BODY[2], BODY[3], BODY[4], BODY[7], BODY[13]):
        assert sel in sizes, f"no visible {sel}"
    small = {s: px for s, px in sizes.items() if px < MIN_PX}
    assert not small, small
    page.screenshot(path=str(SHOTS / "presenter-gradients.png"))
    page.get_by_role("button", name="Step 1 epoch").click()
    page.get_by_text("after 1 epochs on the Playground").wait_for()
    page.get_by_role("button", name="↺ Reset", exact=True).click()
    page.get_by_text("after 0 epochs on the Playground").wait_for()


def test_presenter_derivation_metrics_and_step_through_text(hd, app_url):
    page = hd
    _open(page, f"{app_url}/Derivation?presenter=1", "Derivation")
    page.locator('[data-testid="stMetricValue"]').first.wait_for()
    _settled(page)
    _no_chrome(page)
    sizes = _sizes(page)
    assert BODY[5] in sizes and BODY[6] in sizes, sizes
    small = {s: px for s, px in sizes.items() if px < MIN_PX}
    assert not small, small
    page.screenshot(path=str(SHOTS / "presenter-derivation.png"))
    page.get_by_role("link", name="Step through backprop").click()
    page.get_by_text(re.compile(r"Step 1 of \d+")).first.wait_for()
    page.locator(".bp-still[data-painted]").wait_for()  # its diagram (net_view.js)
    _settled(page)
    _no_chrome(page)
    sizes = _sizes(page)
    assert BODY[-1] in sizes, sizes
    small = {s: px for s, px in sizes.items() if px < MIN_PX}
    assert not small, small
    page.screenshot(path=str(SHOTS / "presenter-step-through.png"))
