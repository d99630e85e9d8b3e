"""The mechanism panels in a real browser, in presenter mode at 1440 × 900 and 1920 × 1080:
the loss landscape drawn, slow motion's phases advancing with their equations, a ghost kept
and labelled, and two optimizers racing on one chart.

Screenshots go to ``$BP_SHOTS_DIR`` (default: the git-ignored test-artifacts/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.harness import ARTIFACTS

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("BP_SHOTS_DIR") or ARTIFACTS)
SHOTS.mkdir(parents=True, exist_ok=True)
ROOT = ".bp-live"


def _attr(page, name: str) -> str:
    return page.evaluate(f"document.querySelector('{ROOT}')?.dataset.{name} || ''")


def _wait_attr(page, js_condition: str, timeout: int = 30_000) -> None:
    page.wait_for_function(
        "(() => { const d = document.querySelector('.bp-live')?.dataset; "
        f"return d && ({js_condition}); }})()",
        timeout=timeout,
    )


def _painted_pixels(page, selector: str) -> int:
    """Non-blank pixels of a canvas (drawn, not empty)."""
    return page.evaluate(
        """(sel) => {
          const c = document.querySelector(sel);
          if (!c || !c.width) return 0;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          let n = 0;
          for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
          return n;
        }""",
        selector,
    )


@pytest.mark.parametrize("size", [(1440, 900), (1920, 1080)])
def test_landscape_slow_motion_ghost_and_race(browser, app_url, size):
    w, h = size
    context = browser.new_context(viewport={"width": w, "height": h})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(app_url + "/?presenter=1")
        page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
        page.wait_for_timeout(500)
        btn = lambda name: page.locator(f"{ROOT} .bp-btn", has_text=name).first  # noqa: E731

        # 4. the loss landscape: open, drawn, its caption names the weights
        btn("Loss landscape").click()
        _wait_attr(page, "d.landscapeId && d.landscapeId !== ''")
        assert _painted_pixels(page, f"{ROOT} canvas[data-role=landscape]") > 10_000
        caption = page.locator(f"{ROOT} [data-role=landscape-caption]").inner_text()
        assert "J(Θ) over Θ" in caption and "−D" in caption
        page.locator(f"{ROOT} [data-role=landscape-card]").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"mech-landscape-{w}x{h}.png"))
        # training moves it: a new landscape while playing
        first = _attr(page, "landscapeId")
        step0 = int(_attr(page, "step"))
        page.get_by_role("button", name="Play", exact=True, pressed=False).click()
        _wait_attr(page, f"+d.step > {step0 + 20} && d.landscapeId !== '{first}'")
        page.get_by_role("button", name="Play", exact=True, pressed=True).click()
        _wait_attr(page, "d.playing === '0'")
        btn("Loss landscape").click()  # closed again

        # 5. slow motion: phases advance with their equation text, then the real step
        step0 = int(_attr(page, "step"))
        page.locator(f"{ROOT} [data-role=status]").click()  # focus the page, not a button
        page.keyboard.press("s")
        _wait_attr(page, "d.slowmo === 'on' && d.phase === '1'")
        assert page.locator(f"{ROOT} [data-role=slowmo-title]").inner_text().endswith("a⁽¹⁾ = x")
        _wait_attr(page, "+d.phase >= 2")
        assert "z⁽²⁾ = Θ⁽¹⁾ a⁽¹⁾" in page.locator(f"{ROOT} [data-role=slowmo-title]").inner_text()
        page.keyboard.press(" ")  # pause
        _wait_attr(page, "d.slowPaused === '1'")
        held = _attr(page, "phase")
        page.wait_for_timeout(1500)
        assert _attr(page, "phase") == held
        # the equation line: the course's equation, then the same with the example's numbers
        eq = page.locator(f"{ROOT} [data-role=slowmo-eq]").inner_text().splitlines()
        assert len(eq) == 2 and eq[0] != eq[1], eq
        assert eq[1].startswith(eq[0].split(" = ")[0] + " = ") and "[" in eq[1], eq
        page.keyboard.press("ArrowRight")
        _wait_attr(page, f"+d.phase === {int(held) + 1}")
        assert int(_attr(page, "step")) == step0  # → steps a phase, not a mini-batch
        page.locator(f"{ROOT} [data-role=slowmo-card]").evaluate(
            "e => e.scrollIntoView({block: 'start'})"
        )
        page.screenshot(path=str(SHOTS / f"mech-slowmo-{w}x{h}.png"))
        page.keyboard.press(" ")  # go on: the update phase makes the real step
        _wait_attr(page, f"+d.step === {step0 + 1}", timeout=60_000)
        page.keyboard.press("Escape")
        _wait_attr(page, "d.slowmo === ''")

        # 6. keep as ghost: a faded, labelled curve and an outline on the plane
        btn("Keep as ghost").click()
        _wait_attr(page, "d.ghosts === '1'")
        caption = page.locator(f"{ROOT} [data-role=compare-caption]").inner_text()
        assert "ghost 1: α =" in caption
        kept = int(_attr(page, "epoch"))
        btn("Reset").click()  # the run starts again; the ghost stays
        _wait_attr(page, "d.epoch === '0'", timeout=60_000)
        page.get_by_role("button", name="Play", exact=True, pressed=False).click()
        _wait_attr(page, f"+d.epoch > {kept // 3}")
        page.get_by_role("button", name="Play", exact=True, pressed=True).click()
        _wait_attr(page, "d.playing === '0'")
        assert _attr(page, "ghosts") == "1"
        page.locator(f"{ROOT} [data-role=compare-card]").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"mech-ghost-{w}x{h}.png"))
        page.locator(f"{ROOT} [data-role=boundary]").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"mech-ghost-outline-{w}x{h}.png"))

        # race the optimizers: every racer's curve on the one chart
        btn("Race optimizers").click()
        _wait_attr(page, "+d.racers >= 2")
        step0 = int(_attr(page, "step"))
        page.get_by_role("button", name="Play", exact=True, pressed=False).click()
        _wait_attr(page, f"+d.step > {step0 + 30}")
        page.get_by_role("button", name="Play", exact=True, pressed=True).click()
        _wait_attr(page, "d.playing === '0'")
        caption = page.locator(f"{ROOT} [data-role=compare-caption]").inner_text()
        assert "(this run)" in caption and ("Adam" in caption or "momentum" in caption)
        assert _painted_pixels(page, f"{ROOT} canvas[data-role=compare]") > 10_000
        page.locator(f"{ROOT} [data-role=compare-card]").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"mech-race-{w}x{h}.png"))
        btn("Clear ghosts").click()
        _wait_attr(page, "d.ghosts === '0' && d.racers === '0'")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
