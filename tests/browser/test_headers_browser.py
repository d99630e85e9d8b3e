"""The app under its own Content-Security-Policy in a real browser (lab_ui/live/headers.py):
every page loads with no CSP violation, the live view paints and plays over its WebSocket,
and only this site may show the app in a frame."""

from __future__ import annotations

import time

import pytest

pytestmark = pytest.mark.browser

#: Collects every CSP violation the page reports, from the first script on.
VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(
  `${e.effectiveDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
"""
PAGES = [
    ("/Step_through", "Step through backprop"),
    ("/Gradients", "Gradients"),
    ("/Derivation", "Derivation"),
    ("/?preset=digits", None),
    ("/?presenter=1", None),
]


@pytest.fixture
def csp_page(browser):
    """A page that reports CSP violations (window.__csp) and keeps the console's CSP errors."""
    context = browser.new_context(viewport={"width": 1500, "height": 1300})
    context.add_init_script(VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.csp_console = []
    page.on(
        "console",
        lambda m: page.csp_console.append(m.text) if "Content Security Policy" in m.text else None,
    )
    try:
        yield page
    finally:
        context.close()


def _violations(page) -> list[str]:
    return page.evaluate("window.__csp || []") + page.csp_console


def _painted(page) -> int:
    return page.evaluate("(window.__bp && window.__bp.painted) || 0")


def test_the_playground_paints_and_plays_with_no_csp_violation(csp_page, app_url, artifacts):
    page = csp_page
    response = page.goto(app_url + "/?batch=10")
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "'unsafe-eval'" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    page.wait_for_function("() => window.__bp && window.__bp.painted > 0", timeout=60_000)
    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    n0 = _painted(page)
    page.wait_for_function(f"() => window.__bp.painted > {n0 + 20}", timeout=60_000)
    epoch = page.evaluate("document.querySelector('.bp-live').dataset.epoch")
    assert int(epoch) > 0  # frames came over /bp/live/ws: connect-src allows it
    page.get_by_role("button", name="Play", exact=True, pressed=True).click()
    page.keyboard.press("?")  # the keys overlay
    page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts / "csp-playground.png"))
    assert _violations(page) == []


@pytest.mark.parametrize(("path", "heading"), PAGES)
def test_every_page_loads_with_no_csp_violation(csp_page, app_url, path, heading):
    page = csp_page
    page.goto(app_url + path)
    if heading:
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
    else:
        page.wait_for_function("() => window.__bp && window.__bp.painted > 0", timeout=60_000)
    deadline = time.monotonic() + 4  # charts, LaTeX and images drawn while scrolling down
    while time.monotonic() < deadline:
        page.mouse.wheel(0, 900)
        page.wait_for_timeout(200)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert _violations(page) == []


def _frame_page(page, outer_url: str, app_url: str) -> None:
    """Open ``outer_url``, a page made here (never sent to a server), framing the app."""
    page.route(
        outer_url,
        lambda route: route.fulfill(
            content_type="text/html",
            body=f'<!doctype html><iframe id="app" src="{app_url}/" width="1200" height="900">'
            "</iframe>",
        ),
    )
    page.goto(outer_url)


def _child_url(page) -> str:
    frames = [f for f in page.frames if f is not page.main_frame]
    return frames[0].url if frames else ""


def test_another_site_cannot_frame_the_app(csp_page, app_url):
    page = csp_page
    _frame_page(page, "http://course.example/lecture", app_url)
    deadline = time.monotonic() + 15
    while not _child_url(page).startswith("chrome-error:") and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    # Chromium refuses the frame (frame-ancestors 'self'): its error page instead of the app
    assert _child_url(page).startswith("chrome-error:"), _child_url(page)
    assert page.frame_locator("#app").locator('[data-testid="stApp"]').count() == 0


def test_the_app_may_frame_itself(csp_page, app_url):
    page = csp_page
    _frame_page(page, app_url + "/__framed_by_the_test", app_url)
    frame = page.frame_locator("#app")
    frame.locator('[data-testid="stApp"]').first.wait_for(timeout=60_000)
    assert _child_url(page).startswith(app_url)
