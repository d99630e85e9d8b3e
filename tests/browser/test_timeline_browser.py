"""Time travel in a real browser: play, pause, move the Epoch slider → the live view shows
that epoch; the page's link (its URL) reopens at the same epoch."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = ".bp-live"
SHOTS = Path("/tmp/shots_h1")


def _epoch(page) -> int:
    return int(page.evaluate(f"document.querySelector('{ROOT}')?.dataset.epoch || '-1'"))


def _wait_epoch(page, epoch: int, timeout: int = 30_000) -> None:
    page.wait_for_function(
        f"document.querySelector('{ROOT}')?.dataset.epoch === '{epoch}'", timeout=timeout
    )


def test_pause_scrub_to_an_epoch_and_reload_the_link(page, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url + "/?alpha=0.3")
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch >= 40", timeout=60_000)
    page.get_by_role("button", name="Play", exact=True, pressed=True).click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.playing === '0'")
    # the page re-runs on Pause: the Epoch slider appears, at the current epoch
    slider = page.get_by_role("slider", name="Epoch")
    slider.wait_for(timeout=30_000)
    paused = _epoch(page)
    assert paused >= 40
    page.wait_for_url(re.compile(rf"epoch={paused}\b"), timeout=30_000)
    page.screenshot(path=str(SHOTS / "timeline-paused.png"), full_page=True)

    slider.focus()
    page.keyboard.press("Home")  # the first kept epoch: 0
    _wait_epoch(page, 0)
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    _wait_epoch(page, 7)
    page.wait_for_url(re.compile(r"epoch=7\b"), timeout=30_000)
    assert "alpha=0.3" in page.url
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "timeline-epoch7.png"), full_page=True)
    status7 = page.locator(f"{ROOT} .bp-status").inner_text()
    assert "epoch 7" in status7

    # the link reopens at the same epoch, replayed from the settings
    page.reload()
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    _wait_epoch(page, 7)
    assert page.locator(f"{ROOT} .bp-status").inner_text() == status7
    page.screenshot(path=str(SHOTS / "timeline-reloaded.png"), full_page=True)

    # Play goes on from epoch 7
    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch > 7", timeout=60_000)
    page.get_by_role("button", name="Play", exact=True, pressed=True).click()


def test_copy_link_copies_the_current_url(browser, app_url):
    context = browser.new_context(viewport={"width": 1500, "height": 1300})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_url)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app_url + "/?batch=64&epoch=3")
        page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
        _wait_epoch(page, 3)
        button = page.locator("[data-testid=bp-copy-link]")
        button.click()
        page.get_by_text("Copied").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert "epoch=3" in copied and "batch=64" in copied
        assert copied == page.url
        # the link is also there as plain text
        code = page.locator("[data-testid=stCode]").filter(has_text="epoch=3").first
        assert "batch=64" in code.inner_text()
        page.screenshot(path=str(SHOTS / "copy-link.png"), full_page=True)
    finally:
        context.close()


def test_after_step_the_slider_and_the_url_follow(page, app_url):
    page.goto(app_url + "/?batch=64")  # 250 training examples: 4 mini-batches an epoch
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    for _ in range(2):
        page.get_by_role("button", name="Step 1 epoch").click()
        page.wait_for_timeout(300)
    page.get_by_role("button", name="Step 1 mini-batch").click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.step === '9'")
    # the page re-runs after a Step: the URL carries the epoch and the step, the slider is there
    page.wait_for_url(re.compile(r"epoch=2&step=9\b"), timeout=30_000)
    slider = page.get_by_role("slider", name="Epoch")
    slider.wait_for(timeout=30_000)
    # the live view writes the URL as soon as it paints; the slider follows with the page's run
    expect(slider).to_have_attribute("aria-valuetext", "2 + 1 of 4 steps", timeout=30_000)
    page.screenshot(path=str(SHOTS / "after-step.png"), full_page=True)
    # the link reopens mid-epoch, at the same step
    page.reload()
    page.wait_for_function(f"document.querySelector('{ROOT}')?.dataset.step === '9'")
    assert _epoch(page) == 2
