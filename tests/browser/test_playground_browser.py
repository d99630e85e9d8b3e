"""The Playground in a real browser: Play changes the boundary, Pause, Step, no errors."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


def _painted(page) -> int:
    return page.evaluate("window.__bp?.painted || 0")


def _epoch(page) -> int:
    return int(page.evaluate("window.__bp?.last?.epoch ?? -1"))


def _boundary_image(page) -> str:
    # the boundary is a canvas: its pixels as a PNG data URL
    return page.evaluate(
        "(() => { const el = document.querySelector('.bp-live canvas[data-role=boundary]');"
        " return el ? el.toDataURL('image/png') : ''; })()"
    )


def _no_errors(page) -> None:
    assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).all_inner_texts()
    assert not page.evaluate("document.querySelector('.bp-live')?.dataset.error || ''")


def test_play_pause_step(page, app_url, artifacts):
    page.goto(app_url)
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.wait_for_function("window.__bp?.marks?.firstBoundary", timeout=60_000)
    page.wait_for_timeout(300)
    _no_errors(page)
    page.screenshot(path=str(artifacts / "playground-start.png"), full_page=True)
    before = _boundary_image(page)
    assert before.startswith("data:image/png")
    assert _epoch(page) == 0

    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    page.wait_for_function("window.__bp?.last?.epoch >= 50", timeout=60_000)
    n0 = _painted(page)
    time.sleep(1.0)
    assert _painted(page) > n0, "the live view stopped painting while playing"
    assert _boundary_image(page) != before, "the decision boundary did not change"
    page.screenshot(path=str(artifacts / "playground-playing.png"), full_page=True)

    page.get_by_role("button", name="Play", exact=True, pressed=True).click()
    try:
        page.get_by_role("button", name="Play", exact=True, pressed=False).wait_for()
    except Exception:
        page.screenshot(path=str(artifacts / "playground-pause-failed.png"), full_page=True)
        raise
    time.sleep(0.5)
    paused_at = _epoch(page)
    time.sleep(1.0)
    assert _epoch(page) == paused_at, "training went on after Pause"

    page.get_by_role("button", name="Step 1 epoch").click()
    page.wait_for_function(f"window.__bp?.last?.epoch === {paused_at + 1}", timeout=30_000)
    _no_errors(page)

    # backward view, one example: the diagram's title says so
    page.get_by_text("Backward: δ").click()
    page.wait_for_function(
        "document.querySelector('.bp-live [data-role=net-title]').textContent"
        ".startsWith('Backward')"
    )
    page.screenshot(path=str(artifacts / "playground-backward.png"), full_page=True)
    _no_errors(page)
    assert page.evaluate("window.__bp?.mounts") == 1, "the live view was remounted"


def test_other_pages_open_and_state_survives(page, app_url):
    page.goto(app_url)
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.get_by_role("button", name="Step 1 epoch").click()
    page.wait_for_function("window.__bp?.last?.epoch === 1")
    for name in ("Step through backprop", "Gradients", "Derivation"):
        page.get_by_role("link", name=name).click()
        page.wait_for_timeout(1500)
        assert page.locator('[data-testid="stException"]').count() == 0, name
    page.get_by_role("link", name="Playground").click()
    page.wait_for_function("window.__bp?.last?.epoch === 1", timeout=30_000)
    _no_errors(page)


@pytest.mark.parametrize(
    "query",
    [
        "?hidden=" + ",".join(["32"] * 8) + "&acts=sigmoid&mode=backward&example=3&batch=1",
        "?dataset=digits&output=softmax&hidden=16",
        "?dataset=blobs&output=softmax&discretize=true",
        "?dataset=gaussian_bumps&output=linear&loss=mse&alpha=10&lambda_=100",
    ],
)
def test_extreme_setups_draw_without_errors(page, app_url, artifacts, query):
    page.goto(app_url + "/" + query)
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.get_by_role("button", name="Step 1 epoch").click()
    page.wait_for_function("window.__bp?.last?.epoch === 1", timeout=60_000)
    _no_errors(page)
    name = query.split("&")[0].strip("?").replace("=", "-").replace(",", "_")[:40]
    page.locator(".bp-live").screenshot(path=str(artifacts / f"extreme-{name}.png"))
