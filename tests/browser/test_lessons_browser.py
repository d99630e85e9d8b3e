"""A lesson's stop in a real browser: ``?preset=zero_init_symmetry``, Play runs at the
preset's 20 epochs a frame and pauses by itself exactly at the stop epoch (300) with the
one-line message of what to look at; Play again goes on past it and says the claim was
about the run up to the stop.  A screenshot of the stop goes to test-artifacts/."""

from __future__ import annotations

import pytest

from bp_core.presets import PRESETS
from lab_ui.shared import lab as lab_mod

pytestmark = pytest.mark.browser

ROOT = ".bp-live"


def _root(page, name: str) -> str:
    return page.evaluate(f"document.querySelector('{ROOT}')?.dataset.{name} || ''")


def _notice(page) -> str:
    return page.evaluate(f"document.querySelector('{ROOT} .bp-notice')?.textContent || ''")


def test_play_pauses_at_the_lessons_stop_with_its_message_then_goes_on(page, app_url, artifacts):
    stop = PRESETS["zero_init_symmetry"].all_stops[0]
    page.goto(app_url + "/?preset=zero_init_symmetry")
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    # the preset's predict-then-reveal questions wait for Play: skip them
    for _ in range(len(PRESETS["zero_init_symmetry"].questions)):
        page.get_by_role("button", name="Skip").first.click()
        page.wait_for_timeout(300)
    page.locator(f"{ROOT} button[data-role=play]").click()
    page.wait_for_function(
        f"document.querySelector('{ROOT}').dataset.epoch === '{stop.epoch}' && "
        f"document.querySelector('{ROOT}').dataset.playing === '0'",
        timeout=60_000,
    )
    page.wait_for_function(
        f"document.querySelector('{ROOT} .bp-notice').textContent.startsWith('Epoch 300:')"
    )
    assert _notice(page) == lab_mod.stop_line(PRESETS["zero_init_symmetry"], stop)
    page.wait_for_timeout(800)
    assert _root(page, "epoch") == str(stop.epoch), "training went on past the stop"
    page.screenshot(path=str(artifacts / "lesson-stop.png"))
    page.locator(f"{ROOT} button[data-role=play]").click()  # on past the stop
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch > {stop.epoch}")
    assert "up to epoch 300" in _notice(page)
    page.locator(f"{ROOT} button[data-role=play]").click()  # pause
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.playing === '0'")
