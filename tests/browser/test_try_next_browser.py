"""A preset's "try next" in one click, in a real browser (issue 15, item 5): the lesson runs to
its stop, the story's button keeps that run as a ghost (faded curves and boundary outline,
labelled) and the suggestion (α = 0.03) trains beside it, pausing at the ghost's epoch.
Screenshots at 1440×900 go to /tmp."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bench.harness import ARTIFACTS, new_page

pytestmark = pytest.mark.browser

ROOT = ".bp-live"
SHOTS = ARTIFACTS  # git-ignored


def _wait(page, cond: str, timeout: int = 60_000) -> None:
    root = f"document.querySelector('{ROOT}')?.dataset"
    page.wait_for_function(
        f"(() => {{ const d = {root}; return d && ({cond}); }})()", timeout=timeout
    )


def test_try_next_runs_the_suggestion_beside_a_ghost(browser, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = new_page(browser, 1440, 900)
    context = page.context
    try:
        page.goto(app_url + "/?preset=dying_relu")
        page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
        # the questions are drawn after the view's first frame
        page.get_by_role("button", name="Skip").first.wait_for()
        for _ in range(3):  # the lesson's predict-then-reveal questions wait for Play
            skip = page.get_by_role("button", name="Skip")
            if skip.count() == 0:
                break
            skip.first.click()
            page.wait_for_timeout(800)
        page.get_by_role("button", name="Play", exact=True, pressed=False).click()
        _wait(page, "d.playing === '0' && +d.epoch > 0")  # paused at the lesson's stop
        stop = int(page.evaluate(f"document.querySelector('{ROOT}').dataset.epoch"))
        # at the stop, below the live view (not in the folded story): there to be seen
        button = page.get_by_role("button", name="Try it beside this run: Learning rate α = 0.3")
        expect(button).to_be_visible(timeout=30_000)
        assert page.locator(".st-key-bp_story").get_by_role("button").count() == 0
        button.click()
        _wait(page, "d.ghosts === '1'")
        _wait(page, f"d.playing === '0' && d.epoch === '{stop}'", timeout=90_000)
        caption = page.locator(f"{ROOT} [data-role=compare-caption]").inner_text()
        assert "ghost 1: α =" in caption
        # (while it trains the notice says "Kept as ghost 1 …"; at the ghost's epoch, the stop)
        expect(page.locator(f"{ROOT} [data-role=notice]")).to_contain_text(
            f"Epoch {stop}: stopped here"
        )
        assert "alpha=0.3" in page.url and f"stop={stop}" in page.url
        page.locator(f"{ROOT} canvas[data-role=boundary]").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "try-next-1440x900.png"))
        page.locator(f"{ROOT} [data-role=compare-card]").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "try-next-curves-1440x900.png"))
    finally:
        context.close()
