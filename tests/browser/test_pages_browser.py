"""Step through, Gradients and Derivation in a real browser: they open by URL, their main
controls answer, and no error element appears."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

ERRORS = '[data-testid="stException"]'


def _open(page, url: str, heading: str) -> None:
    page.goto(url)
    page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    page.wait_for_timeout(500)
    assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).all_inner_texts()


def _choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the Streamlit select box whose label is ``label``."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option).click()


def test_step_through_walks_forward_and_back(page, app_url, artifacts):
    _open(page, f"{app_url}/Step_through", "Step through backprop")
    page.get_by_text(re.compile(r"Step 1 of \d+")).first.wait_for()
    next_button = page.get_by_role("button", name=re.compile("Next"))
    next_button.click()
    page.get_by_text(re.compile(r"Step 2 of \d+")).first.wait_for()
    next_button.click()
    page.get_by_text(re.compile(r"Step 3 of \d+")).first.wait_for()
    page.screenshot(path=str(artifacts / "step-through-3.png"), full_page=True)
    page.get_by_role("button", name=re.compile("Prev")).click()
    page.get_by_text(re.compile(r"Step 2 of \d+")).first.wait_for()
    assert page.locator(ERRORS).count() == 0


DIAGRAM = '[data-testid="bp-net-view"]'

# Pixels of the Step page's diagram canvas near an RGB colour (the lit.js ring colours), and
# those that are painted at all (not transparent).
_COUNT = """([sel, rgb]) => {
  const c = document.querySelector(sel + " canvas");
  const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let near = 0, painted = 0;
  for (let p = 0; p < d.length; p += 4) {
    if (d[p + 3] > 0) painted++;
    const off = Math.abs(d[p] - rgb[0]) + Math.abs(d[p + 1] - rgb[1]) + Math.abs(d[p + 2] - rgb[2]);
    if (d[p + 3] > 200 && off < 30) near++;
  }
  return { near, painted, w: c.width, h: c.height };
}"""
GREEN, PURPLE = [44, 160, 44], [106, 61, 154]  # lit.js LIT_RGB: written, read


def test_step_diagram_is_painted_and_lit_for_the_step(page, app_url, artifacts):
    """The Step page's diagram is the live view's (diagram.js) with the step's units ringed:
    computed green, read purple."""
    _open(page, f"{app_url}/Step_through", "Step through backprop")
    root = page.locator(DIAGRAM)
    root.wait_for()
    page.wait_for_function(f"document.querySelector('{DIAGRAM}').dataset.painted >= 1")
    assert root.get_attribute("data-lit") == "read — · written 1 · edges —"
    assert root.get_attribute("data-mode") == "forward"
    step1 = page.evaluate(_COUNT, [DIAGRAM, GREEN])
    assert step1["painted"] > 0.02 * step1["w"] * step1["h"], step1
    assert step1["near"] > 20, step1  # layer 1's units are ringed green
    assert page.evaluate(_COUNT, [DIAGRAM, PURPLE])["near"] == 0
    page.get_by_role("button", name=re.compile("Next")).click()
    page.wait_for_function(
        f"document.querySelector('{DIAGRAM}').dataset.lit === 'read 1 · written 2 · edges 1'"
    )
    assert page.evaluate(_COUNT, [DIAGRAM, PURPLE])["near"] > 20  # layer 1 read
    assert page.evaluate(_COUNT, [DIAGRAM, GREEN])["near"] > 20  # layer 2 computed
    root.screenshot(path=str(artifacts / "step-diagram-2.png"))
    # a backward step: δ and D, and nothing broke
    page.get_by_role("button", name=re.compile("Next")).click()
    page.get_by_text(re.compile(r"Step 3 of \d+")).first.wait_for()
    page.get_by_role("heading", name="Step through backprop").click()  # focus the page
    page.keyboard.press("End")  # the last step (keys_ui.STEP_KEYS): an update
    page.wait_for_function(f"document.querySelector('{DIAGRAM}').dataset.mode === 'backward'")
    root.screenshot(path=str(artifacts / "step-diagram-last.png"))
    assert root.get_attribute("data-error") == ""
    assert page.locator(ERRORS).count() == 0


def test_gradient_check_passes_then_fails_with_a_planted_bug(page, app_url, artifacts):
    _open(page, f"{app_url}/Gradients", "Gradients")
    page.get_by_text("backprop agrees with the finite differences").wait_for()
    _choose(page, "Backpropagation to check", "planted bug: Forgetting g'(z) in the hidden δ")
    page.get_by_text("the gradient check FAILS").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts / "gradients-bug.png"), full_page=True)
    assert page.locator(ERRORS).count() == 0


def test_derivation_lines_all_check_out(page, app_url, artifacts):
    _open(page, f"{app_url}/Derivation", "Derivation")
    summary = page.get_by_text(re.compile(r"(\d+) of (\d+) lines check out")).first
    summary.wait_for()
    n_ok, n_all = map(int, re.search(r"(\d+) of (\d+)", summary.inner_text()).groups())
    assert n_ok == n_all > 0
    page.screenshot(path=str(artifacts / "derivation.png"), full_page=True)
    assert page.locator(ERRORS).count() == 0
