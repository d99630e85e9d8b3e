"""The Exercise page in a real browser: opened by its URL with an exercise number, cells typed
in, Check pressed, the verdicts seen (right, wrong with the mistake named, not a number), a
hint; screenshots at 1440 × 900 and 1280 × 720 (in /tmp and test-artifacts/), with nothing
wider than the window."""

from __future__ import annotations

from pathlib import Path

import pytest

from bp_core import exercise as bp_ex

pytestmark = pytest.mark.browser

ERRORS = '[data-testid="stException"]'
SEED = 7
QUERY = f"ex_seed={SEED}&ex_net=2-2-1&ex_act=sigmoid&ex_loss=cross_entropy"
SIZES = {"1440x900": (1440, 900), "1280x720": (1280, 720)}


def _type(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")  # the page re-runs with the value
    page.wait_for_timeout(400)


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it fits)."""
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_fill_cells_check_and_see_the_verdicts(browser, app_url, artifacts, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(f"{app_url}/Exercise?{QUERY}")
        page.get_by_role("heading", name="Exercise: backpropagation by hand").wait_for(
            timeout=60_000
        )
        page.get_by_text(f"Exercise {SEED}", exact=True).first.wait_for()
        page.locator(".katex").first.wait_for()  # x, y and Θ as LaTeX
        page.get_by_role("img").first.wait_for()  # the network with its numbers
        shot = f"exercise-{size}-open.png"
        page.screenshot(path=str(Path("/tmp") / shot))
        page.screenshot(path=str(artifacts / shot))
        assert _overflow(page) == 0

        ex = bp_ex.make_exercise(SEED, (2, 2, 1), "sigmoid", "cross_entropy")
        a = ex.answers
        _type(page, "z⁽²⁾₁", f"{a['z2_1']:.4g}")  # right
        _type(page, "z⁽²⁾₂", f"{a['z2_2'] + 1:.4g}")  # a slip
        _type(page, "a⁽²⁾₁", "abc")  # not a number
        _type(page, "δ⁽³⁾₁", f"{-a['delta3_1']:.4g}")  # y − ŷ: the flipped sign
        page.get_by_role("button", name="Check", exact=True).click()

        page.get_by_text("✓ right", exact=True).first.wait_for()
        page.get_by_text("✗ wrong", exact=True).first.wait_for()
        title = "Flipping the sign of δ⁽ᴸ⁾"  # the planted bug's title, superscript as text
        page.get_by_text(f"✗ wrong: {title}").first.wait_for()
        page.get_by_text("is not a number").first.wait_for()
        page.get_by_text("Not graded, as they are not numbers").wait_for()
        page.get_by_text("1 right, 2 wrong").wait_for()  # the tally, above the cells
        page.get_by_role("button", name="Hint", exact=True).click()
        page.get_by_text("Hint for a⁽²⁾₁").wait_for()  # the first cell without a number
        assert page.locator(ERRORS).count() == 0
        assert _overflow(page) == 0
        page.get_by_text("✗ wrong", exact=True).first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        shot = f"exercise-{size}-checked.png"
        page.screenshot(path=str(Path("/tmp") / shot))
        page.screenshot(path=str(artifacts / shot))
    finally:
        context.close()
