"""Predict, then reveal, in a real browser: a preset's questions are asked before Play, the
live view's Play is refused until they are answered, training pauses at the reveal epoch,
and the reveal outlines its evidence in the live view; the chain-rule panel hides D until
the student says + or −.  A screenshot of a reveal at 1440 × 900 goes to test-artifacts/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

ROOT = ".bp-live"


@pytest.fixture
def page1440(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


def _root(page, name: str) -> str:
    return page.evaluate(f"document.querySelector('{ROOT}')?.dataset.{name} || ''")


def test_a_question_waits_for_play_and_its_reveal_outlines_the_evidence(
    page1440, app_url, artifacts
):
    page = page1440
    page.goto(app_url + "/?preset=zero_init_symmetry")
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.get_by_text("how many different rows will", exact=False).wait_for()
    # Play is refused while the question is open
    page.locator(f"{ROOT} button[data-role=play]").click()
    page.wait_for_function(
        f"document.querySelector('{ROOT} .bp-notice').textContent.includes('Answer the question')"
    )
    assert _root(page, "epoch") == "0"
    # answer both questions (a number, then a choice)
    box = page.get_by_label("Your prediction (a number)")
    box.fill("1")
    box.press("Enter")
    page.get_by_role("button", name="Answer").click()
    page.get_by_text("Will the network learn the circle", exact=False).wait_for()
    page.get_by_text("A. No: 80 %", exact=False).click()
    page.get_by_role("button", name="Answer").click()
    page.get_by_text("training pauses at epoch 300", exact=False).first.wait_for()
    # Play now trains, and pauses by itself at the reveal epoch
    page.locator(f"{ROOT} button[data-role=play]").click()
    page.wait_for_function(
        f"document.querySelector('{ROOT}').dataset.epoch === '300'", timeout=60_000
    )
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.highlight !== ''")
    assert _root(page, "epoch") == "300"
    page.get_by_text("Predictions: 2 of 2 right").wait_for()
    key = _root(page, "highlight")
    card = {"theta_rows": "bp-net-card", "boundary": "bp-boundary-card"}[key]
    assert page.evaluate(
        f"document.querySelector('{ROOT} .{card}').classList.contains('bp-highlight')"
    )
    assert page.evaluate(f"document.querySelectorAll('{ROOT} .bp-highlight').length") == 1
    page.screenshot(path=str(artifacts / "questions-reveal-1440.png"))
    page.screenshot(path="/tmp/questions-reveal-1440.png")
    page.locator(f"{ROOT} .bp-highlight").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/questions-reveal-1440-evidence.png")
    # Continue: the other reveal's evidence is outlined instead
    page.get_by_role("button", name="Continue").first.click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.highlight !== '{key}'")


def test_predict_the_sign_in_the_chain_rule_panel(page, app_url):
    page.goto(app_url + "/")
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.get_by_text("Predict the sign of D").click()
    for role, v in (("pick-l", "1"), ("pick-j", "1"), ("pick-k", "1")):
        page.locator(f"{ROOT} input[data-role={role}]").fill(v)
    page.locator(f"{ROOT} button[data-role=pick-show]").click()
    card = f"document.querySelector('{ROOT} .bp-chain-card')"
    page.wait_for_function(f"{card}.dataset.sign === 'ask'")
    body = page.locator(f"{ROOT} .bp-chain-body").inner_text()
    assert "positive or negative" in body and "bp_core's backprop" not in body  # D hidden
    page.locator(f"{ROOT} button[data-role=sign-plus]").click()
    page.wait_for_function(f"['right', 'wrong'].includes({card}.dataset.sign)")
    assert "bp_core's backprop" in page.locator(f"{ROOT} .bp-chain-body").inner_text()
    page.get_by_text("of 1 right", exact=False).wait_for()  # the page counted it
