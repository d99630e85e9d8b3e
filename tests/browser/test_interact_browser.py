"""Hand edits in the live view, in a real browser: a click on the boundary draws a training
point and Shift+click removes it (a drag still pans, a double-click still zooms out), a click
on an edge opens its live chain rule, the weight can be set from there, and the PNG button
downloads what is shown.  Screenshots go to test-artifacts/."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from lab_ui.live import frames

pytestmark = pytest.mark.browser

ROOT = ".bp-live"
VIEW = "window.__bp.state"
CARDS = [
    "bp-boundary-card",
    "bp-net-card",
    "bp-chain-card",
    "bp-maps-card",
    "bp-curves-card",
    "bp-grads-card",
]


def _attr(page, name: str) -> str:
    return page.evaluate(f"document.querySelector('{ROOT}')?.dataset.{name} || ''")


def _open(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.wait_for_function(f"document.querySelector('{ROOT} .bp-draw').style.display === ''")


def _points(page) -> int:
    return int(_attr(page, "trainPoints") or -1)


def _plot_xy(page, fx: float, fy: float) -> tuple[float, float]:
    """Page coordinates of the point at fractions (fx, fy) of the boundary's plot area."""
    box = page.locator(f"{ROOT} canvas[data-role=boundary]").bounding_box()
    g = page.evaluate(
        f"(() => {{ const g = {VIEW}.hits.boundary; return [g.m.l, g.m.t, g.side]; }})()"
    )
    return box["x"] + g[0] + fx * g[2], box["y"] + g[1] + fy * g[2]


def _overlaps(page) -> list:
    boxes = page.evaluate(
        f"""() => {json_list(CARDS)}.map((c) => {{
              const el = document.querySelector('{ROOT} .' + c);
              if (!el || el.offsetParent === null) return [c, null];
              const r = el.getBoundingClientRect();
              return [c, [r.left, r.top, r.right, r.bottom]]; }})"""
    )
    items = [(k, v) for k, v in boxes if v]
    bad = []
    for i, (ka, a) in enumerate(items):
        for kb, b in items[i + 1 :]:
            if a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1:
                bad.append((ka, kb))
    return bad


def _seg_dist(px: float, py: float, s: list) -> float:
    x1, y1, x2, y2 = s[:4]
    dx, dy = x2 - x1, y2 - y1
    t = max(0.0, min(1.0, ((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy or 1)))
    return ((x1 + t * dx - px) ** 2 + (y1 + t * dy - py) ** 2) ** 0.5


def _clear_spot(candidates: list, segs: list) -> tuple[list, tuple[float, float]]:
    """An edge among ``candidates`` and a point on it at least 8 px from every other edge."""
    for s in candidates:
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75):
            p = (s[0] + t * (s[2] - s[0]), s[1] + t * (s[3] - s[1]))
            if all(_seg_dist(*p, o) > 8 for o in segs if o is not s):
                return s, p
    raise AssertionError("no edge of Θ^(2) stands clear of the others")


def json_list(items: list[str]) -> str:
    return "[" + ",".join(f"'{c}'" for c in items) + "]"


def test_click_draws_a_point_shift_click_removes_it_and_a_drag_still_pans(page, app_url, artifacts):
    _open(page, app_url + "/?seed=11")
    m = _points(page)
    assert m > 0
    page.locator(f"{ROOT} .bp-cls[data-cls='1']").click()
    x, y = _plot_xy(page, 0.9, 0.1)  # a corner of the circle data: empty there
    page.mouse.click(x, y)
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.trainPoints === {m + 1}")
    last = page.evaluate(
        f"(() => {{ const t = {VIEW}.points.train; const n = t.x.length - 1;"
        " return [t.x[n], t.y[n], t.label[n]]; })()"
    )
    assert last[2] == 1 and last[0] > 4 and last[1] > 4  # upper right, class 1
    assert "Added a training point of class 1" in page.locator(f"{ROOT} .bp-notice").inner_text()
    page.screenshot(path=str(artifacts / "interact-drawn.png"))
    # Shift+click on it: the nearest training point within 12 px goes
    page.keyboard.down("Shift")
    page.mouse.click(x + 3, y)
    page.keyboard.up("Shift")
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.trainPoints === {m}")
    # a drag of more than 4 px pans and draws nothing; a double-click zooms back out
    page.mouse.move(x - 200, y + 200)
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(x - 200 + 5 * k, y + 200 + 3 * k)
    page.mouse.up()
    page.wait_for_timeout(600)
    zoom = page.evaluate(f"{VIEW}.zoom")
    assert zoom is not None and _points(page) == m
    page.mouse.dblclick(x - 150, y + 150)
    page.wait_for_timeout(600)
    assert page.evaluate(f"{VIEW}.zoom") is None and _points(page) == m
    # the wheel still zooms
    page.mouse.move(x - 150, y + 150)
    page.mouse.wheel(0, -240)
    page.wait_for_function(f"{VIEW}.zoom !== null")
    assert not _attr(page, "error")


def test_no_class_chooser_for_regression(page, app_url):
    page.goto(app_url + "/?dataset=plane")
    page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
    page.wait_for_timeout(500)
    assert page.evaluate(f"document.querySelector('{ROOT} .bp-draw').style.display") == "none"


def test_an_edge_opens_its_live_chain_rule_and_the_weight_can_be_set(page, app_url, artifacts):
    _open(page, app_url + "/?seed=3")
    segs = page.evaluate(f"{VIEW}.hits.net.segs.map((s) => s.slice(0, 7))")
    seg, (px, py) = _clear_spot([s for s in segs if s[4] == 1 and s[6] == 2], segs)  # Θ^(2)_j,2
    box = page.locator(f"{ROOT} canvas[data-role=net]").bounding_box()
    page.mouse.click(box["x"] + px, box["y"] + py)
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.chain !== ''")
    l, j, k = (int(v) for v in _attr(page, "chain").split(","))
    assert (l, j, k) == (2, seg[5], 2)
    card = page.locator(f"{ROOT} .bp-chain-card")
    text = card.inner_text()
    assert "∂J/∂Θ" in text and "(1/m) Σ" in text and "λ term" in text and "example i" in text
    assert "the update it makes (gradient descent" in text
    assert not _overlaps(page)
    card.screenshot(path=str(artifacts / "interact-chain.png"))
    page.screenshot(path=str(artifacts / "interact-chain-page.png"), full_page=True)
    # live: while playing the numbers change frame by frame
    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch >= 3")
    before = card.inner_text()
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.epoch >= 8")
    # the card is redrawn with a later frame than the epoch's label: wait for it (bounded)
    page.wait_for_function(
        "(before) => document.querySelector('.bp-live .bp-chain-card').innerText !== before",
        arg=before,
        timeout=10_000,
    )
    page.get_by_role("button", name="Play", exact=True, pressed=True).click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.playing === '0'")
    # set the weight by hand: the next frame has it (Θ, a, δ, D and the boundary)
    rev = int(_attr(page, "rev"))
    page.locator(f"{ROOT} input[data-role=chain-value]").fill("1.75")
    page.locator(f"{ROOT} button[data-role=set-weight]").click()
    page.wait_for_function(
        f"document.querySelector('{ROOT} .bp-chain-card').dataset.theta === '1.75'"
    )
    assert int(_attr(page, "rev")) > rev
    assert "Θ(2)" in card.inner_text() and "1.75" in card.inner_text()
    assert "Set Θ⁽²⁾" in page.locator(f"{ROOT} .bp-notice").inner_text()
    net = page.evaluate(f"[{VIEW}.drawn.net.edges, {VIEW}.drawn.net.sizes]")
    Theta_l = frames.decode_f32(net[0][l - 1]).reshape(net[1][l], net[1][l - 1] + 1)
    assert Theta_l[j - 1, k] == 1.75  # the diagram's edge (forward: Θ) has it too
    # × closes it
    page.locator(f"{ROOT} button[data-role=chain-close]").click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.chain === ''")
    assert not card.is_visible()
    # or pick it by its indices: Θ^(3)_1,0, the bias of the output unit
    for role, v in (("pick-l", "3"), ("pick-j", "1"), ("pick-k", "0")):
        page.locator(f"{ROOT} input[data-role={role}]").fill(v)
    page.locator(f"{ROOT} button[data-role=pick-show]").click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.chain === '3,1,0'")
    assert "no λ term" in card.inner_text()
    page.locator(f"{ROOT} input[data-role=pick-l]").fill("9")
    page.locator(f"{ROOT} button[data-role=pick-show]").click()
    page.wait_for_function(f"document.querySelector('{ROOT}').dataset.chain === ''")
    assert "There is no Θ^(9)" in page.locator(f"{ROOT} .bp-notice").inner_text()


def test_the_png_button_downloads_the_boundary_and_the_network(page, app_url, artifacts):
    _open(page, app_url)
    with page.expect_download() as info:
        page.locator(f"{ROOT} button[data-role=png]").click()
    download = info.value
    assert download.suggested_filename == "backprop-lab-epoch-0.png"
    path = artifacts / "interact-download.png"
    download.save_as(str(path))
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    sizes = page.evaluate(
        "['boundary', 'net'].map((r) => { const c = document.querySelector("
        f"'{ROOT} canvas[data-role=' + r + ']'); return [c.width, c.height]; }})"
    )
    dpr = page.evaluate("window.devicePixelRatio || 1")
    gap = round(16 * dpr)
    assert width == sizes[0][0] + sizes[1][0] + 3 * gap
    assert height > max(h for _, h in sizes)


def test_class_names_from_a_csv_are_text_in_the_chooser(page, app_url, tmp_path):
    labels = ("<img src=y onerror=window.__xss=3>", "<b>bold</b>", "plain")
    rng = np.random.default_rng(0)
    lines = ["x1,x2,label"] + [
        f"{rng.normal():.3f},{rng.normal():.3f},{labels[i % 3]}" for i in range(60)
    ]
    path = tmp_path / "three.csv"
    path.write_text("\n".join(lines) + "\n")
    _open(page, app_url)
    page.locator(
        '[data-testid="stSidebar"] [data-testid="stFileUploaderDropzoneInput"]'
    ).set_input_files(str(path))
    page.wait_for_function(f"document.querySelectorAll('{ROOT} .bp-cls').length === 3")
    text = page.locator(f"{ROOT} .bp-draw").inner_text()
    assert "<b>bold</b>" in text and "<img src=y" in text  # shown as the text it is
    assert page.locator(f"{ROOT} .bp-draw img, {ROOT} .bp-draw b").count() == 0
    # draw a point of the class named "<b>bold</b>" (the class numbers follow the labels'
    # sorted order); the notice names it as text too
    k = page.evaluate(
        f"[...document.querySelectorAll('{ROOT} .bp-cls')]"
        ".findIndex((b) => b.textContent.includes('<b>bold</b>'))"
    )
    page.locator(f"{ROOT} .bp-cls[data-cls='{k}']").click()
    m = _points(page)
    x, y = _plot_xy(page, 0.5, 0.5)
    page.mouse.click(x, y)
    page.wait_for_function(f"+document.querySelector('{ROOT}').dataset.trainPoints === {m + 1}")
    assert "“<b>bold</b>”" in page.locator(f"{ROOT} .bp-notice").inner_text()
    assert page.evaluate("window.__xss === undefined")
