"""Entries registered before the app starts, in a real browser: a server started with
``BACKPROP_LAB_PLUGINS=tests.toy_entries`` (and one module name that does not exist) offers
the toy activation, optimizer and data set; a link chooses them, Play trains, and the live
view's diagram names the toy activation by its short symbol.  The bad name is reported in
the server's log and breaks nothing."""

from __future__ import annotations

import os

import pytest

from bench.harness import ARTIFACTS, free_port, start_app, stop_app
from lab_ui.plugins import PLUGINS_VARIABLE
from tests.toy_entries import TOY_ACTIVATION, TOY_ACTIVATION_SHORT, TOY_DATASET, TOY_OPTIMIZER

pytestmark = pytest.mark.browser

ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
BAD_PLUGIN = "no_such_plugin_module_for_the_test"
LINK = (
    f"/?dataset={TOY_DATASET}&acts={TOY_ACTIVATION},{TOY_ACTIVATION}"
    f"&optimizer={TOY_OPTIMIZER}&alpha=0.01"
)


@pytest.fixture(scope="module")
def toy_server():
    """The app on a free loopback port with the toy entries as a plugin (stopped by its PID
    after the module's tests): (its URL, its log file)."""
    port = free_port()
    saved = os.environ.get(PLUGINS_VARIABLE)
    os.environ[PLUGINS_VARIABLE] = f"tests.toy_entries,{BAD_PLUGIN}"
    try:
        proc = start_app(port)  # the server's environment is copied when it starts
    finally:
        if saved is None:
            del os.environ[PLUGINS_VARIABLE]
        else:
            os.environ[PLUGINS_VARIABLE] = saved
    try:
        yield f"http://127.0.0.1:{port}", ARTIFACTS / f"streamlit-{port}.log"
    finally:
        stop_app(proc)


def _no_errors(page) -> None:
    assert page.locator(ERRORS).count() == 0, page.locator(ERRORS).all_inner_texts()
    assert not page.evaluate("document.querySelector('.bp-live')?.dataset.error || ''")


def test_the_playground_plays_with_the_toy_entries(page, toy_server, artifacts):
    url, log = toy_server
    page.goto(url + LINK)
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    _no_errors(page)
    # the sidebar's choosers show the toy entries, named by their entries (the sidebar is
    # drawn after the live view's first frame)
    for label, shown in (
        ("Data set", "Toy ring"),
        ("Optimizer", "RMSprop"),
        ("g of layer 2", TOY_ACTIVATION_SHORT),
        ("g of layer 3", TOY_ACTIVATION_SHORT),
    ):
        chooser = page.get_by_role("combobox", name=label)
        chooser.wait_for(timeout=30_000)
        assert chooser.input_value() == shown, (label, chooser.input_value())
    # the live view's diagram gets each layer's g from the server: the toy's short symbol
    shorts = page.evaluate("window.__bp?.state?.drawn?.net?.acts_short || []")
    assert shorts[1:3] == [TOY_ACTIVATION_SHORT, TOY_ACTIVATION_SHORT], shorts

    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    page.wait_for_function("window.__bp?.last?.epoch >= 5", timeout=60_000)
    page.get_by_role("button", name="Play", exact=True, pressed=True).click()
    page.get_by_role("button", name="Play", exact=True, pressed=False).wait_for()
    _no_errors(page)
    page.locator(".bp-live").screenshot(path=str(artifacts / "toy-entries-playground.png"))
    # the J curve is finite: the toy RMSprop trained the toy softsign net on the toy ring
    assert page.evaluate("window.__bp?.last?.epoch") >= 5

    # the bad plugin name: one clear line in the server's log, and nothing else broke
    text = log.read_text(encoding="utf-8", errors="replace")
    assert f"{PLUGINS_VARIABLE}: the plugin module '{BAD_PLUGIN}' was not loaded" in text
    assert "ModuleNotFoundError" in text and "Traceback" not in text


def test_the_other_pages_show_the_toy_activation(page, toy_server):
    url, _ = toy_server
    page.goto(url + LINK)
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.get_by_role("button", name="Step 1 epoch").click()
    page.wait_for_function("window.__bp?.last?.epoch === 1", timeout=30_000)
    page.get_by_role("link", name="Derivation").click()
    page.get_by_text("The slope of g at layer 2: softsign (toy)").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
    page.get_by_role("link", name="Step through backprop").click()
    page.get_by_text("Step 1 of").wait_for(timeout=30_000)
    assert page.locator('[data-testid="stException"]').count() == 0
