"""The Playground fits the screen, measured in a real browser with getBoundingClientRect.

* Presenter mode at 1920 × 1080 and 1280 × 720, with a preset's story and its open
  predict-then-reveal question: the boundary, the diagram and the J chart canvases and the
  Play toggle lie inside the window without scrolling; the story is folded to one line; the
  question is on the page (below the live view).
* A student at 1440 × 900, with the same story and question: the boundary and the diagram
  lie in the first 900 px.

Screenshots go to ``$BP_SHOTS_DIR`` (default: the git-ignored test-artifacts/).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.harness import ARTIFACTS, new_page

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("BP_SHOTS_DIR") or ARTIFACTS)
ROOT = ".bp-live"
PRESET = "zero_init_symmetry"  # a story and a question before Play

#: What must lie inside the window: the canvases by their role, and the Play toggle.
BOUNDARY, NET, CURVES = (f"{ROOT} canvas[data-role={r}]" for r in ("boundary", "net", "curves"))
PLAY = f"{ROOT} button[data-role=play]"

RECTS_JS = """(sels) => {
  const out = {};
  for (const s of sels) {
    const e = document.querySelector(s);
    if (!e) { out[s] = null; continue; }
    const r = e.getBoundingClientRect();
    out[s] = {left: r.left, top: r.top, right: r.right, bottom: r.bottom, w: r.width, h: r.height};
  }
  out.view = {w: window.innerWidth, h: window.innerHeight};
  return out;
}"""


def _page(browser, width: int, height: int):
    page = new_page(browser, width, height)
    return page.context, page


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.wait_for_timeout(300)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        timeout=60_000
    )
    page.get_by_text("how many different rows will", exact=False).wait_for()
    # the views fit their height to the window once the page around them has arrived
    # (live_view.js refit: at the latest a second later)
    page.wait_for_timeout(2_000)
    assert page.locator('[data-testid="stException"]').count() == 0


def _inside(page, selectors: list[str]) -> dict:
    rects = page.evaluate(RECTS_JS, selectors)
    view = rects.pop("view")
    for sel, r in rects.items():
        assert r is not None, f"no {sel}"
        assert r["w"] > 0 and r["h"] > 0, f"{sel} is not shown: {r}"
        assert r["top"] >= 0 and r["left"] >= 0, f"{sel} starts outside the window: {r}"
        assert r["bottom"] <= view["h"] + 0.5, f"{sel} ends below the window ({view}): {r}"
        assert r["right"] <= view["w"] + 0.5, f"{sel} ends right of the window ({view}): {r}"
    return rects


def _story_is_one_line(page) -> None:
    story = page.locator(".st-key-bp_story summary").first
    assert story.is_visible()
    label = story.locator('[data-testid="stMarkdownContainer"] p').first
    assert label.inner_text().startswith("Preset: ")
    line = label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 0")
    height = label.evaluate("e => e.getBoundingClientRect().height")
    assert height < 1.6 * max(line, 16), f"the story's line wraps: {height} px"
    # folded: what to watch is not shown until it is opened
    assert not page.get_by_text("Watch.", exact=False).first.is_visible()


def _question_below_the_view(page) -> None:
    q = page.locator(".st-key-bp_questions").first
    assert q.count() == 1
    live_bottom = page.locator(ROOT).first.evaluate("e => e.getBoundingClientRect().bottom")
    assert q.evaluate("e => e.getBoundingClientRect().top") >= live_bottom


@pytest.mark.parametrize("size", [(1920, 1080), (1280, 720)], ids=["1920x1080", "1280x720"])
def test_presenter_mode_fits_the_projector(browser, app_url, size):
    context, page = _page(browser, *size)
    try:
        _open(page, f"{app_url}/?presenter=1&preset={PRESET}")
        assert page.locator(f"{ROOT}.bp-presenter").count() == 1
        page.screenshot(path=str(SHOTS / f"fit-presenter-{size[0]}x{size[1]}.png"))
        _inside(page, [BOUNDARY, NET, CURVES, PLAY])
        _story_is_one_line(page)
        _question_below_the_view(page)
        # no scrolling needed: the page is at its top
        assert page.evaluate("document.querySelector('[data-testid=stMain]')?.scrollTop || 0") == 0
    finally:
        context.close()


def test_a_student_sees_the_boundary_and_the_diagram_above_the_fold(browser, app_url):
    context, page = _page(browser, 1440, 900)
    try:
        _open(page, f"{app_url}/?preset={PRESET}")
        page.screenshot(path=str(SHOTS / "fit-student-1440x900.png"))
        rects = _inside(page, [BOUNDARY, NET, PLAY])
        # still a plot one can read: the boundary's square is at least 140 px (layout.js)
        assert rects[BOUNDARY]["h"] >= 140
        _story_is_one_line(page)
        _question_below_the_view(page)
        # opened, the story shows what to watch (the views below it may then scroll)
        page.locator(".st-key-bp_story summary").first.click()
        page.get_by_text("Watch.", exact=False).first.wait_for()
        page.wait_for_timeout(1_500)
        page.screenshot(path=str(SHOTS / "fit-student-1440x900-story-open.png"))
    finally:
        context.close()


TEXT_JS = """() => {
  const px = (e) => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize);
  const sizes = (sel) => [...document.querySelectorAll(sel)]
    .filter((e) => e.textContent.trim()).map(px);
  return {
    plotly: sizes('.js-plotly-plot text'),
    cells: sizes('[data-testid=stTable] td, [data-testid=stTable] th'),
    frames: document.querySelectorAll('[data-testid=stDataFrame]').length,
  };
}"""


@pytest.mark.parametrize("path", ["/Gradients?presenter=1", "/?presenter=1&preset=softmax_blobs"])
def test_presenter_tables_and_figures_are_24px_or_more(hd, app_url, path):
    """The gradient check's table (an st.table in presenter mode: a data frame's canvas text
    cannot grow) and the figures' text (the confusion matrix's counts, the axes) ≥ 24 px."""
    page = hd
    page.goto(app_url + path)
    page.wait_for_timeout(300)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(
        timeout=60_000
    )
    page.locator(".js-plotly-plot text").first.wait_for()
    page.wait_for_timeout(1_500)
    sizes = page.evaluate(TEXT_JS)
    assert sizes["plotly"] and min(sizes["plotly"]) >= 24, sizes["plotly"][:10]
    if path.startswith("/Gradients"):
        assert sizes["frames"] == 0 and sizes["cells"], sizes
        assert min(sizes["cells"]) >= 24, sizes["cells"][:10]
