"""A class in real browsers: a lecturer's projector (presenter mode, 1920 × 1080) and three
students (1440 × 900), each in its own browser context.

The students join by the link, follow the lecturer's Play (their epoch advances with the
lecturer's), one picks its own diagram (backward), all three answer, the projector reads
"3 answers", Reveal shows the answer on the students' pages, Take a copy gives one student an
independent run while the others keep following, and End class tells the students.
Screenshots go to ``$BP_SHOTS_DIR`` (default: the git-ignored test-artifacts/).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bench.harness import ARTIFACTS, new_page

pytestmark = pytest.mark.browser

SHOTS = Path(os.environ.get("BP_SHOTS_DIR") or ARTIFACTS)
ROOT = ".bp-live"


def _epoch(page) -> int:
    return int(page.evaluate(f"document.querySelector('{ROOT}')?.dataset.epoch || '-1'"))


def _wait_epoch_above(page, n: int, timeout: int = 60_000) -> None:
    page.wait_for_function(
        f"+(document.querySelector('{ROOT}')?.dataset.epoch || -1) > {n}", timeout=timeout
    )


def _context(browser, width, height):
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    return ctx, page


def test_a_class_follows_answers_reveals_copies_and_ends(browser, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    contexts = []
    try:
        ctx, lecturer = _context(browser, 1920, 1080)
        contexts.append(ctx)
        lecturer.goto(f"{app_url}/?presenter=1")
        lecturer.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
        lecturer.get_by_role("button", name="Start a class").click()
        code_el = lecturer.locator(".bp-class-code")
        code_el.wait_for()
        code = code_el.inner_text().strip()
        assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code), code
        lecturer.locator(".bp-class").get_by_text(re.compile(r"0 students")).wait_for()

        students = []
        for i in range(3):
            ctx, page = _context(browser, 1440, 900)
            contexts.append(ctx)
            # the first one types the code in lowercase: it still joins
            page.goto(f"{app_url}/?class={code.lower() if i == 0 else code}")
            page.get_by_text(f"Following class {code}").wait_for(timeout=60_000)
            page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
            students.append(page)
        lecturer.locator(".bp-class-head").get_by_text("3 students").wait_for()
        # the lecturer reloads: its key (a cookie) takes the class back, students and all
        lecturer.reload()
        lecturer.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
        assert lecturer.locator(".bp-class-code").inner_text().strip() == code
        lecturer.locator(".bp-class-head").get_by_text("3 students").wait_for()
        cookie = [c for c in lecturer.context.cookies() if c["name"] == "bp_class_lecturer"]
        assert cookie and cookie[0]["sameSite"] == "Strict" and cookie[0]["value"].startswith(code)
        for s in students:  # nothing that drives the run is there
            assert s.get_by_role("button", name="Play", exact=True).count() == 0

        # Play: the students' epochs follow the lecturer's
        lecturer.get_by_role("button", name="Play", exact=True).click()
        for s in students:
            _wait_epoch_above(s, 3)
        lecturer.get_by_role("button", name="Play", exact=True, pressed=True).click()
        lecturer.wait_for_function(f"document.querySelector('{ROOT}').dataset.playing === '0'")
        lecturer.wait_for_timeout(500)
        paused_at = _epoch(lecturer)
        for s in students:
            s.wait_for_function(f"document.querySelector('{ROOT}').dataset.epoch === '{paused_at}'")

        # a student's own diagram: backward (δ, D) while the projector stays forward
        students[2].get_by_role("button", name="Backward: δ, D").click()
        students[2].locator("[data-role=net-title]").get_by_text(re.compile("^Backward")).wait_for()
        assert lecturer.locator("[data-role=net-title]").inner_text().startswith("Forward")

        # Ask (the default: the sign of an edge's D); everyone answers
        lecturer.get_by_role("button", name="Ask the class").click()
        for s in students:
            s.get_by_role("button", name="Answer").wait_for()
            s.get_by_role("button", name="+", exact=True).click()
            s.get_by_role("button", name="Answer").click()
            s.get_by_text("Your answer: +").wait_for()
        lecturer.locator(".bp-class-tally").get_by_text("3 answers").wait_for()

        lecturer.get_by_role("button", name="Reveal").click()
        for s in students:
            s.locator(".bp-class-right").get_by_text(re.compile("Right answer|= 0")).wait_for()
            assert s.get_by_role("button", name="Answer").count() == 0  # closed
        lecturer.locator(".bp-class-bars").wait_for()
        lecturer.screenshot(path=str(SHOTS / "class_projector.png"))
        students[0].screenshot(path=str(SHOTS / "class_student.png"))

        # Take a copy: student 0 gets its own run at the lecturer's epoch
        students[0].get_by_role("button", name="Take a copy").click()
        students[0].get_by_role("button", name="Follow again").wait_for(timeout=60_000)
        own = students[0]
        own.wait_for_function(
            f"document.querySelector('{ROOT}')?.dataset.epoch === '{paused_at}'", timeout=60_000
        )
        own.get_by_role("button", name="Play", exact=True).click()
        _wait_epoch_above(own, paused_at + 5)
        assert _epoch(lecturer) == paused_at  # the copy's Play is not the lecturer's
        own.get_by_role("button", name="Play", exact=True, pressed=True).click()
        own.screenshot(path=str(SHOTS / "class_copy.png"))
        # the others still follow the lecturer
        lecturer.get_by_role("button", name="Play", exact=True).click()
        for s in students[1:]:
            _wait_epoch_above(s, paused_at + 2)
        lecturer.get_by_role("button", name="Play", exact=True, pressed=True).click()
        # Follow again: back in the class, at the lecturer's epoch
        own.get_by_role("button", name="Follow again").click()
        own.get_by_text(f"Following class {code}").wait_for()
        lecturer.wait_for_timeout(500)
        own.wait_for_function(
            f"document.querySelector('.bp-follower')?.dataset.epoch === '{_epoch(lecturer)}'"
        )

        lecturer.get_by_role("button", name="End class").click()
        for s in students:  # said, then the page is the student's own Playground
            s.get_by_text(f"Class {code} has ended").first.wait_for()
            s.get_by_role("button", name="Play", exact=True).wait_for()
            assert s.get_by_text(f"Following class {code}").count() == 0
        students[1].screenshot(path=str(SHOTS / "class_ended.png"))
    finally:
        for ctx in contexts:
            ctx.close()


#: The lecturer's tab hidden: the browser gives it no animation frames (they are held here,
#: and given back when it shows again), so its view paints and acknowledges nothing.
HIDE = """() => {
  window.__held = [];
  window.__raf = window.requestAnimationFrame;
  window.requestAnimationFrame = (cb) => { window.__held.push(cb); return 0; };
}"""
SHOW = """() => {
  window.requestAnimationFrame = window.__raf;
  for (const cb of window.__held.splice(0)) window.requestAnimationFrame(cb);
}"""


def test_a_hidden_lecturer_tab_a_students_zoom_and_a_second_lecturer_tab(browser, app_url):
    lecturer = new_page(browser, 1440, 900)
    lecturer.goto(app_url)
    lecturer.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    lecturer.get_by_role("button", name="Start a class").click()
    code = lecturer.locator(".bp-class-code").inner_text().strip()
    student = new_page(browser, 1440, 900)
    try:
        student.goto(f"{app_url}/?class={code}")
        student.get_by_text(f"Following class {code}").wait_for(timeout=60_000)
        student.wait_for_function("window.__bp?.painted > 0", timeout=60_000)

        # the student's zoom is the lecturer's: said over the boundary; the wheel does nothing
        hint = student.locator("[data-testid=bp-class-zoom-hint]")
        assert hint.inner_text().startswith("The lecturer's view: zoom is the lecturer's")
        box = student.locator("canvas[data-role=boundary]").bounding_box()
        student.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        student.mouse.wheel(0, -400)
        student.wait_for_timeout(400)
        assert student.evaluate("window.__bp.state.zoom") is None
        assert "bp-tried" in (hint.get_attribute("class") or "")

        # the lecturer plays, then its tab is hidden: the student's run goes on
        lecturer.get_by_role("button", name="Play", exact=True).click()
        _wait_epoch_above(student, 2)
        lecturer.evaluate(HIDE)
        lecturer.wait_for_timeout(300)
        painted = lecturer.evaluate("window.__bp.painted")
        shown = _epoch(lecturer)
        seen = _epoch(student)
        _wait_epoch_above(student, seen + 20, timeout=30_000)
        assert lecturer.evaluate("window.__bp.painted") == painted  # it painted nothing
        assert _epoch(lecturer) == shown
        # its tab shows again: it catches up with the run the class saw
        lecturer.evaluate(SHOW)
        _wait_epoch_above(lecturer, seen + 20, timeout=30_000)
        lecturer.get_by_role("button", name="Play", exact=True, pressed=True).click()

        # a second tab with the lecturer's key takes the class over; the first is told
        second = lecturer.context.new_page()
        second.goto(app_url)
        second.get_by_text(f"This tab now teaches class {code}").wait_for(timeout=60_000)
        lecturer.get_by_text(f"Class {code} moved to another tab").first.wait_for()
        # its page re-runs by itself (the view's "class" event): the class's buttons go
        lecturer.get_by_role("button", name=f"Teach class {code} from this tab").wait_for()
        assert lecturer.get_by_role("button", name="Ask the class").count() == 0
        assert second.get_by_role("button", name="Ask the class").count() == 1
        lecturer.screenshot(path=str(SHOTS / "class_moved.png"))
        second.get_by_role("button", name="End class").click()
        student.get_by_text(f"Class {code} has ended").first.wait_for()
    finally:
        student.context.close()
        lecturer.context.close()


@pytest.mark.parametrize("here", [True, False], ids=["this-process", "by-its-socket"])
def test_a_code_no_class_has_says_so_and_offers_the_playground(wide, app_url, here):
    from lab_ui.classroom.codes import ALPHABET

    # replica 0's codes begin with A: looked up by the page; others by the class socket
    code = ("A" if here else next(c for c in ALPHABET if c != "A")) + "ZZZZZ"
    wide.add_init_script(
        "new MutationObserver(() => { if (document.body && document.body.innerText"
        ".includes('Following class')) window.__following = true; })"
        ".observe(document, {subtree: true, childList: true, characterData: true});"
    )
    wide.goto(f"{app_url}/?class={code}")
    wide.get_by_text(f"No class has the code “{code}”").wait_for(timeout=60_000)
    assert not wide.evaluate("Boolean(window.__following)")  # never, not even for a moment
    wide.get_by_role("button", name="Go to the Playground").click()
    wide.get_by_role("button", name="Start a class").wait_for(timeout=60_000)
    assert "class=" not in wide.url
    assert not wide.evaluate("Boolean(window.__following)")
