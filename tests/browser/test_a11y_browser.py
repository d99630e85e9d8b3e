"""The live view read as a screen reader (or any outside test) reads it (issue 15, item 10):
the Play toggle keeps the name "Play" and says whether it plays with aria-pressed; a polite
status region holds the run's state in words ("Epoch 12 · paused", "Playing"); the epoch is
its own element, labelled "Epoch"; the buttons' icons are hidden from their names; the Epoch
slider of time travel exposes aria-valuenow.  Screenshots at 1440×900 go to /tmp."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from bench.harness import ARTIFACTS

pytestmark = pytest.mark.browser

ROOT = ".bp-live"
SHOTS = ARTIFACTS  # git-ignored


def _epoch(page) -> int:
    return int(page.evaluate(f"document.querySelector('{ROOT}')?.dataset.epoch || '-1'"))


def _slider_valuenow(page, name: str) -> float | None:
    """aria-valuenow of the slider named ``name`` as Chromium's accessibility tree has it
    (what a screen reader reads), through the DevTools protocol."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    for node in nodes:
        role = node.get("role", {}).get("value")
        label = str(node.get("name", {}).get("value", ""))
        if role == "slider" and label == name and "value" in node:
            return float(node["value"]["value"])
    return None


def test_the_live_view_reads_in_words(wide, app_url):
    page = wide
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(app_url + "/?alpha=0.3")
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    live = page.locator(ROOT)

    # one Play toggle, named "Play" whatever it does, not pressed
    play = live.get_by_role("button", name="Play", exact=True)
    expect(play).to_have_count(1)
    expect(play).to_have_accessible_name("Play")
    expect(play).to_have_attribute("aria-pressed", "false")
    # icons are hidden from the names: Reset is "Reset", not "↺ Reset"
    expect(live.get_by_role("button", name="Reset", exact=True)).to_have_count(1)
    keys = live.get_by_role("button", name="Keys", exact=True)  # the "?" button
    expect(keys).to_have_attribute("aria-expanded", "false")
    icons = live.locator(".bp-icon")
    assert icons.count() >= 2
    for i in range(icons.count()):
        expect(icons.nth(i)).to_have_attribute("aria-hidden", "true")

    # the run's state in words, in a polite status region; the epoch on its own
    state = live.locator("[role=status][data-role=runstate]")
    expect(state).to_have_attribute("aria-live", "polite")
    expect(state).to_have_text("Epoch 0 · paused")
    epoch = live.get_by_role("timer", name="Epoch")
    expect(epoch).to_have_count(1)
    expect(epoch).to_have_text("Epoch 0")

    play.click()
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(play).to_have_accessible_name("Play")  # the same name while playing
    expect(state).to_have_text("Playing")
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch >= 30", timeout=60_000)
    assert int(epoch.inner_text().split()[-1]) >= 30
    page.screenshot(path=str(SHOTS / "a11y-playing-1440x900.png"))

    play.click()  # pause: the same button
    expect(play).to_have_attribute("aria-pressed", "false")
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.playing === '0'")
    # frames trained before the server took the Pause may still arrive: the state says
    # "paused" once the server's own frame does, and then the epoch agrees with it
    expect(state).to_have_text(re.compile(r"^Epoch \d+ · paused$"), timeout=15_000)
    n = int(state.inner_text().split()[1])
    expect(epoch).to_have_text(f"Epoch {n}")
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.epoch === '{n}'")

    # the Epoch slider of time travel (the page re-runs on Pause) says where it stands
    # (Streamlit's slider is a native <input type=range>: its aria-valuenow is the value the
    # browser exposes in the accessibility tree, not an attribute on the element)
    slider = page.get_by_role("slider", name="Epoch", exact=True)
    slider.wait_for(timeout=30_000)
    assert _slider_valuenow(page, "Epoch") == n
    slider.focus()
    page.keyboard.press("Home")
    page.wait_for_function(f"document.querySelector('{ROOT}')?.dataset.epoch === '0'")
    assert _slider_valuenow(page, "Epoch") == 0
    expect(state).to_have_text("Epoch 0 · paused")
    page.screenshot(path=str(SHOTS / "a11y-paused-1440x900.png"))


def test_the_epoch_slider_is_named_epoch_once(page, app_url):
    """Streamlit's slider names its thumb by its label twice ("Epoch Epoch": aria-label and
    aria-labelledby); the Playground's Epoch slider is named "Epoch", once
    (``lab_ui.shared.widgets.slider_name_once_ui``).  Fails loudly if a Streamlit upgrade
    changes the slider's markup."""
    page.goto(app_url + "/?alpha=0.3&epoch=5")  # a link at epoch 5: the slider is there
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    slider = page.get_by_role("slider", name="Epoch", exact=True)
    expect(slider).to_have_count(1, timeout=30_000)
    expect(slider).to_have_accessible_name("Epoch")
    expect(page.get_by_role("slider", name="Epoch Epoch")).to_have_count(0)
    assert _slider_valuenow(page, "Epoch") == 5  # Chromium's own tree: the same one name
