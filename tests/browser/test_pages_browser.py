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
