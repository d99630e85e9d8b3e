"""The Playground's first-visit tour in a real browser (backprop_lab/live_view/tour.js, its
steps from lab_ui/live/tour.py): a fresh browser sees it, Next / Back move through it with
the focus on each step's text, Skip hides it, a reload does not show it again, the "Tour"
button opens it again and Escape closes it; presenter mode, a class's follower and
``tour=0`` never see it.  Screenshots of each step at 1440 × 900 and 1280 × 720 go to
``$BP_SHOTS_DIR`` (default: the git-ignored test-artifacts/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.harness import ARTIFACTS, new_page
from lab_ui.live.tour import STORAGE_KEY, TOUR_STEPS

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("BP_SHOTS_DIR") or ARTIFACTS)
ROOT = ".bp-live"
TOUR = '[data-testid="bp-tour"]'


def _context(browser, width: int, height: int):
    page = new_page(browser, width, height, first_visit=True)
    return page.context, page


def _painted(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)


def _step(page) -> int:
    return int(page.locator(TOUR).get_attribute("data-step") or 0)


def _inside_window(page) -> None:
    r = page.locator(TOUR).evaluate(
        "e => { const r = e.getBoundingClientRect(); "
        "return [r.left, r.top, r.right, r.bottom, innerWidth, innerHeight]; }"
    )
    assert r[0] >= 0 and r[1] >= 0 and r[2] <= r[4] and r[3] <= r[5], r


@pytest.mark.parametrize("size", [(1440, 900), (1280, 720)], ids=["1440x900", "1280x720"])
def test_a_first_visit_sees_the_tour_once(browser, app_url, size):
    context, page = _context(browser, *size)
    try:
        _painted(page, app_url + "/")
        dialog = page.get_by_role("dialog", name=TOUR_STEPS[0].title)
        dialog.wait_for(timeout=30_000)
        n = len(TOUR_STEPS)
        # each step: its words (as text), its place in the window, the focus on its text
        for i, step in enumerate(TOUR_STEPS):
            page.locator(f"{TOUR}[data-step='{i + 1}']").wait_for()
            assert page.locator(f"{TOUR} .bp-tour-title").inner_text() == step.title
            assert page.locator(f"{TOUR} .bp-tour-text").inner_text() == step.text
            assert page.locator(f"{TOUR} .bp-tour-head").inner_text() == f"Step {i + 1} of {n}"
            assert page.evaluate("document.activeElement.id") == "bp-tour-text"
            assert page.locator(".bp-tour-target").count() == 1  # what it points at
            page.wait_for_timeout(300)
            _inside_window(page)
            page.screenshot(path=str(SHOTS / f"tour-{size[0]}x{size[1]}-{i + 1}.png"))
            if i == 1:  # Back, then on again
                page.get_by_role("button", name="Back").click()
                assert _step(page) == 1
                page.get_by_role("button", name="Next").click()
                assert _step(page) == 2
            if i < n - 1:
                page.get_by_role("button", name="Next").click()
        assert page.get_by_role("button", name="Back").is_enabled()
        # Skip hides it and the browser remembers
        page.get_by_role("button", name="Skip tour").click()
        assert page.locator(TOUR).count() == 0
        assert page.locator(".bp-tour-target").count() == 0
        assert page.evaluate(f"localStorage.getItem('{STORAGE_KEY}')") == "1"
        # a reload does not show it again
        _painted(page, app_url + "/")
        page.wait_for_timeout(3_000)
        assert page.locator(TOUR).count() == 0
        # the Tour button opens it again; Escape closes it
        page.locator(f"{ROOT} button[data-role=tour]").click()
        page.get_by_role("dialog", name=TOUR_STEPS[0].title).wait_for()
        page.keyboard.press("Escape")
        assert page.locator(TOUR).count() == 0
    finally:
        context.close()


@pytest.mark.parametrize(
    "query", ["?presenter=1", "?tour=0", "?preset=xor_hidden_layer", "?seed=11&alpha=0.3"], ids=str
)
def test_no_tour_in_presenter_mode_with_tour_0_or_a_link(browser, app_url, query):
    context, page = _context(browser, 1440, 900)
    try:
        _painted(page, f"{app_url}/{query}")
        page.wait_for_timeout(3_500)
        assert page.locator(TOUR).count() == 0
        tour_button = page.locator(f"{ROOT} button[data-role=tour]")
        if query == "?presenter=1":  # no steps at all on the projector
            assert not tour_button.is_visible()
        else:  # a student can still take it
            assert tour_button.is_visible()
    finally:
        context.close()
