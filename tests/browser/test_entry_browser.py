"""Every page opened by its own URL as the first request of a fresh server runs through
``lab_ui/main.py`` (wide layout, the four-page menu, the session's state), and nothing the
app loads comes from outside this machine (fonts, favicon, scripts)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from bench.harness import free_port, start_app, stop_app

pytestmark = pytest.mark.browser

PAGES = [
    ("Playground", "Backprop Lab · Playground"),
    ("Step_through", "Step through backprop"),
    ("Gradients", "Gradients"),
    ("Derivation", "Derivation"),
    ("Exercise", "Exercise"),
]
MENU = ["Playground", "Step through backprop", "Gradients", "Derivation", "Exercise"]


@pytest.mark.parametrize(("path", "heading"), PAGES, ids=[p for p, _ in PAGES])
def test_page_opened_first_on_a_fresh_server_runs_through_main(browser, artifacts, path, heading):
    port = free_port()
    proc = start_app(port)
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    requested: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"http://127.0.0.1:{port}/{path}")
        page.get_by_role("heading", name=heading).first.wait_for(timeout=60_000)
        page.wait_for_timeout(1500)
        nav = page.locator('[data-testid="stSidebarNav"] a')
        names = [t.strip().splitlines()[-1] for t in nav.all_inner_texts()]  # after the icon
        assert names == MENU, names  # no extra "app" or "main" entry: legacy mode is off
        # main.py ran: wide layout from its set_page_config
        assert page.locator('[data-testid="stMainBlockContainer"]').bounding_box()["width"] > 1000
        page.screenshot(path=str(artifacts / f"fresh-{path}.png"))
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
        stop_app(proc)
    hosts = {urlparse(u).hostname for u in requested if urlparse(u).scheme in ("http", "https")}
    assert hosts <= {"127.0.0.1"}, hosts
