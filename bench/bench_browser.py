"""Browser benchmark of the Playground's live view (headless Chromium, real Streamlit server),
with TF Playground and this app's own earlier version measured in the same run.

For each scenario it starts ``streamlit run app.py`` on a free loopback port, opens the
Playground at 1440×900, presses Play and reports:

* frames/s actually painted (``window.__bp.paintTimes``, one entry per painted frame) and the
  page's requestAnimationFrame rate;
* epochs/s trained (the root's ``data-epoch`` over the same window);
* blank frames (sampled every animation frame: live view missing, a canvas empty) and
  remounts of the component;
* whether a zoom on the decision boundary (mouse wheel) survives playing;
* time from opening the URL to the decision boundary painted, on a warm server (a fresh
  browser context, so nothing cached in the browser) and on a reload;
* latency of Pause and of "Step 1 mini-batch" clicked *while playing* (click → the frame
  that shows it painted), measured in the page;
* the server's CPU per painted frame (from /proc over the window: training included) and
  its own build-and-send cost per frame (``server_ms`` in every frame: the building thread's
  CPU time, a moving mean over its last 120 frames, training excluded; ``server_wall_ms``:
  the same frames' wall time, which adds any wait for the server's other threads);
* **first full frame**: navigation start → every part of the live view painted (boundary,
  diagram, maps, curves: the hook's ``marks.firstFull``), in a new browser context each time,
  beside **Streamlit's own minimal page** (a one-line ``st.write`` script served by a second
  ``streamlit run`` started here): navigation start → its text painted; the two are loaded
  in turn, ``--repeats`` times each, medians and their ratio;
* **a key answered** on every page (default scenario): key down → the first visible change of
  what the key changes (Playground: → and Space, answered by the live view; Step through: →,
  the step number; Gradients and Derivation: →, one mini-batch: the epoch shown), and key down
  → the whole page settled (nothing of it stale any more).

Peers in the same run (each skipped with the reason if it cannot be had):

* ``--tfp-dist DIR``: TensorFlow Playground built from its public source (see
  bench/README.md), served on loopback, measured by bench_tfp.measure_tfp in the same
  Chromium settings;
* ``--baseline-rev REV``: this repository at REV (default: the round-1 commit whose live
  view re-ran a Streamlit fragment per frame), exported to a temporary folder and measured
  by the same code.

It prints a table and writes JSON to ``bench/results/``.  Usage::

    python bench/bench_browser.py                       # default + deep-sigmoid scenarios
    python bench/bench_browser.py --seconds 8 --scenarios default --no-baseline
    python bench/bench_browser.py --only-start --no-tfp --no-baseline   # first frame and keys
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# the one harness the browser tests use too
from bench.harness import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_app,
    stop_app,
)

RESULTS = ROOT / "bench" / "results"
VIEWPORT = {"width": 1440, "height": 900}
BASELINE_REV = "abb4bd5"  # round 1: one Streamlit fragment run per frame

#: name → URL query
SCENARIOS: dict[str, str] = {
    "default": "",
    "deep_sigmoid_8x32": "?hidden=" + ",".join(["32"] * 8) + "&acts=sigmoid",
}

# Installed in the page before anything runs: samples every animation frame.
SAMPLER = """
window.__rafSampler = { frames: 0, blank: 0, reasons: {}, on: false };
(function loop() {
  const b = window.__rafSampler;
  if (b.on) {
    b.frames++;
    const root = document.querySelector('.bp-live');
    let why = null;
    if (!root) why = 'no live view';
    else {
      const net = root.querySelector('canvas[data-role=net]');
      const bnd = root.querySelector('canvas[data-role=boundary]')
        || root.querySelector('[data-role=boundary] .main-svg');
      if (!bnd || (bnd.width !== undefined && bnd.width < 10)) why = 'no boundary';
      else if (!net || net.width < 10) why = 'empty diagram';
    }
    if (why) { b.blank++; b.reasons[why] = (b.reasons[why] || 0) + 1; }
  }
  requestAnimationFrame(loop);
})();
"""


def start_server(app_dir: Path, port: int) -> subprocess.Popen:
    """``streamlit run app.py`` in ``app_dir`` on 127.0.0.1:port (the tests' settings)."""
    return start_app(port, root=app_dir)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# The test hook of this app before it was one object (round 1 had window.__bpMarks,
# __bpPainted, …): read through window.__bp, so the same code measures both.
LEGACY_HOOK = """
Object.defineProperty(window, '__bp', { configurable: true, get() { return {
  marks: window.__bpMarks, painted: window.__bpPainted, paintTimes: window.__bpPaintTimes || [],
  stats: window.__bpStats || [], mounts: window.__bpMounts, last: window.__bpLast }; } });
"""


def first_boundary(browser, url: str, legacy: bool = False) -> tuple[float, object, object]:
    """Seconds from goto(url) to the boundary painted, in a new context; (s, context, page)."""
    ctx = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    page = ctx.new_page()
    page.add_init_script(SAMPLER)
    if legacy:
        page.add_init_script(LEGACY_HOOK)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function("window.__bp?.marks?.firstBoundary", timeout=120_000, polling="raf")
    return time.perf_counter() - t0, ctx, page


def page_marks(page) -> dict:
    """Milliseconds after navigation start: DOM ready, component mounted, first paint."""
    m = page.evaluate(
        "({dom: performance.timing.domContentLoadedEventEnd - performance.timing.navigationStart,"
        " ...window.__bp?.marks})"
    )
    return {k: round(v) for k, v in m.items() if isinstance(v, (int, float))}


# ---------- first full frame, beside Streamlit's own minimal page ---------------------------

MINIMAL_TEXT = "Backprop Lab bench: Streamlit's minimal page"

# Installed before the page runs: the time (after navigation start) of the animation frame
# in which Streamlit's minimal page first shows its text.
TEXT_SEEN = """
window.__textSeen = null;
(function () {
  const want = __WANT__;
  const check = () => {
    for (const el of document.querySelectorAll('[data-testid="stMarkdownContainer"]')) {
      if (el.textContent.includes(want)) {
        requestAnimationFrame(() => { window.__textSeen = performance.now(); });
        return true;
      }
    }
    return false;
  };
  new MutationObserver((_, obs) => { if (check()) obs.disconnect(); })
    .observe(document, { subtree: true, childList: true, characterData: true });
})();
""".replace("__WANT__", json.dumps(MINIMAL_TEXT))


def start_minimal_page() -> tuple[subprocess.Popen, str, Path]:
    """Streamlit's own minimal page: a one-line ``st.write`` script, its own server on a free
    loopback port (the harness's settings); returns (process, URL, its folder)."""
    folder = Path(tempfile.mkdtemp(prefix="bp-minimal-"))
    (folder / "app.py").write_text(f"import streamlit as st\n\nst.write({MINIMAL_TEXT!r})\n")
    port = free_port()
    proc = start_app(port, extra=["--server.fileWatcherType", "none"], root=folder)
    return proc, f"http://127.0.0.1:{port}/", folder


def minimal_page_ms(browser, url: str) -> float:
    """Navigation start → the minimal page's text painted (ms), in a new browser context."""
    ctx = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    try:
        page = ctx.new_page()
        page.add_init_script(TEXT_SEEN)
        page.goto(url)
        page.wait_for_function("window.__textSeen", timeout=60_000, polling="raf")
        return float(page.evaluate("window.__textSeen"))
    finally:
        ctx.close()


def first_full_marks(browser, url: str) -> dict:
    """Navigation start → each mark of the live view (ms), in a new browser context; firstFull:
    every part painted."""
    ctx = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    try:
        page = ctx.new_page()
        page.goto(url)
        page.wait_for_function("window.__bp?.marks?.firstFull", timeout=120_000, polling="raf")
        return page_marks(page)
    finally:
        ctx.close()


def measure_first_full(browser, url: str, minimal_url: str | None, repeats: int) -> dict:
    """The Playground's first full frame and the minimal page's text, loaded in turn."""
    ours, base = [], []
    for _ in range(repeats):
        if minimal_url:
            base.append(minimal_page_ms(browser, minimal_url))
        ours.append(first_full_marks(browser, url))
    out: dict = {}
    for mark in ("dom", "mounted", "firstPaint", "firstBoundary", "firstFull"):
        vals = [m[mark] for m in ours if mark in m]
        if vals:
            out[f"{mark}_ms_median"] = round(statistics.median(vals))
    out["first_full_ms_all"] = [m.get("firstFull") for m in ours]
    if base:
        out["minimal_page_ms_median"] = round(statistics.median(base))
        out["minimal_page_ms_all"] = [round(b) for b in base]
        if "firstFull_ms_median" in out:
            out["first_full_vs_minimal"] = round(
                out["firstFull_ms_median"] / out["minimal_page_ms_median"], 2
            )
    return out


# ---------- a key answered, on every page ----------------------------------------------------

# Installed by probe_key before the key: on key down (the event's own timeStamp) it watches
# every animation frame for the first visible change of what the key changes ("shown") and
# for the whole page settled ("settled": that change on the page itself and no element of the
# page stale).  kind: which page's change to watch.
KEY_PROBE = """
(kind) => {
  const live = () => document.querySelector('.bp-live');
  const texts = (sel) => [...document.querySelectorAll(sel)].map(e => e.textContent).join('\\n');
  const where = () => texts('[data-role=where]');  // the key listener's own line, if any
  const stepOf = (sel) => [...document.querySelectorAll(sel)]
    .map(e => (e.textContent.match(/^Step (\\d+) of/) || [])[1]).filter(Boolean).join(',');
  const noStale = () => !document.querySelector('[data-stale="true"]');
  const playText = () => {  // the Play toggle: its pressed state and its icon flip at once
    const b = live().querySelector('button[data-role=play]');
    return b ? `${b.getAttribute('aria-pressed')} ${b.textContent}` : '';
  };
  const probes = {
    live_step: { snap: () => live().dataset.step, shown: (b) => live().dataset.step !== b },
    live_play: {  // the Play button flips at once; the next frame confirms (data-playing)
      snap: () => [playText(), live().dataset.playing],
      shown: (b) => playText() !== b[0] || live().dataset.playing !== b[1],
      settled: (b) => live().dataset.playing !== b[1],
    },
    step: {
      snap: () => [stepOf('[data-role=where]'), stepOf('h3')],
      shown: (b) => stepOf('[data-role=where]') !== b[0] || stepOf('h3') !== b[1],
      settled: (b) => stepOf('h3') !== b[1] && noStale(),
    },
    epoch: {
      snap: () => [where(), texts('[data-testid=stCaptionContainer]')],
      shown: (b) => where() !== b[0] || texts('[data-testid=stCaptionContainer]') !== b[1],
      settled: (b) => texts('[data-testid=stCaptionContainer]') !== b[1] && noStale(),
    },
    numbers: {  // the page's metrics (its other numbers are in data grids: canvases)
      snap: () => [where(), texts('[data-testid=stMetricValue]')],
      shown: (b) => where() !== b[0] || texts('[data-testid=stMetricValue]') !== b[1],
      settled: (b) => texts('[data-testid=stMetricValue]') !== b[1] && noStale(),
    },
  };
  const p = probes[kind];
  const before = p.snap();
  const r = (window.__keyProbe = { t0: null, shown: null, settled: null, done: false });
  const settled = p.settled || p.shown;
  // checked on every change of the page (a MutationObserver: the time the change is made,
  // painted at the end of that frame) and on every animation frame
  let obs = null;
  const check = () => {
    if (r.t0 === null || r.done) return;
    const now = performance.now();
    if (r.shown === null && p.shown(before)) r.shown = now - r.t0;
    if (r.settled === null && settled(before)) r.settled = now - r.t0;
    if (r.shown !== null && r.settled !== null) r.done = true;
    else if (now - r.t0 > 20000) { r.done = true; r.timeout = true; }
    if (r.done && obs) obs.disconnect();
  };
  const watch = () => { check(); if (!r.done) requestAnimationFrame(watch); };
  window.addEventListener('keydown', (ev) => {
    r.t0 = ev.timeStamp;
    obs = new MutationObserver(check);
    const all = { subtree: true, childList: true, attributes: true, characterData: true };
    obs.observe(document.body, all);
    check();
    requestAnimationFrame(watch);
  }, { capture: true, once: true });
}
"""


def probe_key(page, key: str, kind: str) -> dict:
    """Press ``key``; key down → the change shown and → the page settled (ms)."""
    page.evaluate(KEY_PROBE, kind)
    page.keyboard.press(key)
    page.wait_for_function("window.__keyProbe && window.__keyProbe.done", timeout=60_000)
    r = page.evaluate("window.__keyProbe")
    if r.get("timeout"):
        raise RuntimeError(f"{key} on {page.url}: no change within 20 s ({kind})")
    return {"shown": r["shown"], "settled": r["settled"]}


def settle(page, ms: int = 400) -> None:
    """Wait until nothing on the page is stale (a run finished), then a little more."""
    page.wait_for_function("!document.querySelector('[data-stale=true]')", timeout=60_000)
    page.wait_for_timeout(ms)


def _key_stats(name: str, probes: list[dict]) -> dict:
    shown = [p["shown"] for p in probes]
    settled = [p["settled"] for p in probes]
    return {
        f"key_{name}_shown_ms_median": round(statistics.median(shown), 1),
        f"key_{name}_shown_ms_max": round(max(shown), 1),
        f"key_{name}_settled_ms_median": round(statistics.median(settled), 1),
    }


def measure_keys(browser, base: str, repeats: int = 4) -> dict:
    """A key answered on every page: key down → its visible change (and → the page settled)."""
    out: dict = {}
    ctx = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    try:
        page = ctx.new_page()
        # Playground: → one mini-batch (25 a epoch), Space Play / Pause: the live view's own
        page.goto(base + "/?batch=10")
        page.wait_for_function("window.__bp?.painted > 0", timeout=60_000)
        page.locator(".bp-live .bp-status").click()  # the page has the focus, no widget
        page.wait_for_timeout(500)
        steps = []
        for _ in range(repeats):
            steps.append(probe_key(page, "ArrowRight", "live_step"))
            settle(page)  # a step re-runs the page (its Epoch slider, its link)
        out.update(_key_stats("playground_next", steps))
        plays = []
        for _ in range(repeats):
            plays.append(probe_key(page, " ", "live_play"))
            settle(page)
        out.update(_key_stats("playground_space", plays))
        if page.evaluate("document.querySelector('.bp-live').dataset.playing") == "1":
            page.keyboard.press(" ")
        # the pages whose keys go through Streamlit
        for path, heading, name, kind in (
            ("/Step_through", "Step through backprop", "step_through_next", "step"),
            ("/Gradients", "Gradients", "gradients_next", "epoch"),
            ("/Derivation", "Derivation", "derivation_next", "numbers"),
        ):
            try:
                page.goto(base + path)
                page.locator(".bp-keyboard").wait_for(timeout=60_000)
                settle(page, 800)
                page.get_by_role("heading", name=heading).first.click()  # focus the page
                got = []
                for _ in range(repeats):
                    got.append(probe_key(page, "ArrowRight", kind))
                    settle(page)
                out.update(_key_stats(name, got))
            except Exception as err:  # noqa: BLE001 (reported, the other pages go on)
                out[f"key_{name}_error"] = f"{type(err).__name__}: {err}"[:300]
    finally:
        ctx.close()
    return out


EPOCH_JS = (
    "+(document.querySelector('.bp-live')?.dataset.epoch || (window.__bp?.last||{}).epoch || 0)"
)


def measure_playing(page, seconds: float, server_pid: int) -> dict:
    page.get_by_role("button", name="Play", exact=True, pressed=False).click()
    page.wait_for_function(
        "document.querySelector('.bp-live')?.dataset.playing === '1'", timeout=90_000
    )
    time.sleep(1.5)  # warm-up
    start = page.evaluate(
        "(() => { window.__rafSampler.on = true; window.__rafSampler.frames = 0;"
        " window.__rafSampler.blank = 0; window.__rafSampler.reasons = {};"
        f" return {{t: performance.now(), e: {EPOCH_JS},"
        " n: window.__bp?.painted, mounts: window.__bp?.mounts}; })()"
    )
    cpu0 = cpu_seconds(server_pid)
    time.sleep(seconds)
    cpu1 = cpu_seconds(server_pid)
    end = page.evaluate(
        "(() => { window.__rafSampler.on = false;"
        f" return {{t: performance.now(), e: {EPOCH_JS}, n: window.__bp?.painted,"
        " times: window.__bp.paintTimes.slice(-4000), mounts: window.__bp?.mounts,"
        " stats: (window.__bp.stats || []).slice(-4000),"
        " bench: window.__rafSampler}; })()"
    )
    dt = (end["t"] - start["t"]) / 1000
    painted = end["n"] - start["n"]
    times = [t for t in end["times"] if start["t"] <= t <= end["t"]]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    stats = [r for r in end["stats"] if start["t"] <= r[0] <= end["t"]]
    server = [r[1] for r in stats]  # the build thread's CPU ms per frame (a moving mean)
    server_wall = [r[4] for r in stats if len(r) > 4]  # the same frames' wall ms
    draw = [r[2] for r in stats]
    return {
        "seconds": round(dt, 2),
        "painted_fps": round(painted / dt, 1),
        "raf_fps": round(end["bench"]["frames"] / dt, 1),
        "epochs_per_s": round((end["e"] - start["e"]) / dt, 1),
        "frame_gap_ms_median": round(statistics.median(gaps), 1) if gaps else None,
        "frame_gap_ms_p95": round(sorted(gaps)[int(0.95 * (len(gaps) - 1))], 1) if gaps else None,
        "server_cpu_ms_per_frame": round(1000 * (cpu1 - cpu0) / painted, 2) if painted else None,
        "server_cpu_pct": round(100 * (cpu1 - cpu0) / dt, 1),
        "server_build_ms_per_frame": round(statistics.median(server), 2) if server else None,
        "server_build_wall_ms_per_frame": (
            round(statistics.median(server_wall), 2) if server_wall else None
        ),
        "draw_ms_median": round(statistics.median(draw), 1) if draw else None,
        "blank_frames": end["bench"]["blank"],
        "blank_reasons": end["bench"]["reasons"],
        "remounts": (end["mounts"] or 0) - (start["mounts"] or 0),
    }


def measure_zoom(page, seconds: float = 3.0) -> dict:
    """Zoom the boundary with the mouse wheel while playing; is the zoom kept?"""
    canvas = page.locator(".bp-live canvas[data-role=boundary]")
    if canvas.count() == 0:
        return {"zoom_kept": None}
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)
    for _ in range(3):
        page.mouse.wheel(0, -120)
        time.sleep(0.05)
    time.sleep(0.5)
    read = "(() => { const v = window.__bp.state; return [v.zoom, v.drawn.boundary.x]; })()"
    zoom0, _ = page.evaluate(read)
    time.sleep(seconds)
    zoom1, drawn_x = page.evaluate(read)
    kept = bool(zoom0) and zoom0 == zoom1 and abs(drawn_x[0] - zoom0[0]) < 1e-6
    return {"zoom_kept": kept, "zoom_extent": zoom1}


LATENCY_JS = """
async ([label, test]) => {
  const btn = label === 'Pause'  // the Play toggle, pressed while playing
    ? document.querySelector('.bp-live button[data-role=play][aria-pressed=true]')
    : [...document.querySelectorAll('.bp-live button')]
      .find(b => b.innerText.trim().endsWith(label));
  const root = document.querySelector('.bp-live');
  const before = {step: +root.dataset.step, painted: window.__bp?.painted};
  const t0 = performance.now();
  btn.click();
  await new Promise((resolve, reject) => {
    const give_up = t0 + 10000;
    const check = () => {
      const ok = test === 'paused' ? root.dataset.playing === '0'
        : +root.dataset.step !== before.step && root.dataset.playing === '0';
      if (ok) resolve();
      else if (performance.now() > give_up) reject(new Error('not answered'));
      else requestAnimationFrame(check);
    };
    check();
  });
  return performance.now() - t0;
}
"""


def measure_latency(page, repeats: int = 5) -> dict:
    """Pause, and Step 1 mini-batch, each clicked while playing: click → painted answer."""
    out: dict = {}
    for name, label, test in (("pause", "Pause", "paused"), ("step", "Step 1 mini-batch", "step")):
        lat = []
        for _ in range(repeats):
            if page.evaluate("document.querySelector('.bp-live').dataset.playing") != "1":
                page.get_by_role("button", name="Play", exact=True, pressed=False).click()
            page.wait_for_function("document.querySelector('.bp-live').dataset.playing === '1'")
            time.sleep(0.6)
            lat.append(page.evaluate(LATENCY_JS, [label, test]))
            time.sleep(0.2)
        out[f"{name}_ms_median"] = round(statistics.median(lat), 1)
        out[f"{name}_ms_max"] = round(max(lat), 1)
    return out


def run_scenario(
    name: str,
    seconds: float,
    app_dir: Path = ROOT,
    label: str = "",
    *,
    minimal_url: str | None = None,
    repeats: int = 5,
    keys: bool = False,
    only_start: bool = False,
) -> dict:
    from playwright.sync_api import sync_playwright

    query = SCENARIOS[name]
    port = free_port()
    proc = start_server(app_dir, port)
    url = f"http://127.0.0.1:{port}/{query}"
    out: dict = {"scenario": name + label, "url_query": query}
    # the live channel (round 2 on): lab_ui/channel, later lab_ui/live/channel
    new_design = any((app_dir / "lab_ui" / d / "channel").is_dir() for d in ("", "live"))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            legacy = not (app_dir / "backprop_lab" / "live_view" / "hook.js").is_file()
            cold, ctx, _ = first_boundary(browser, url, legacy)  # also warms the server up
            ctx.close()
            warm, ctx, page = first_boundary(browser, url, legacy)
            out["boundary_cold_s"] = round(cold, 2)
            out["boundary_warm_s"] = round(warm, 2)
            out["marks_warm_ms"] = page_marks(page)
            t0 = time.perf_counter()
            page.reload()
            page.wait_for_function("window.__bp?.marks?.firstBoundary", timeout=120_000)
            out["boundary_reload_s"] = round(time.perf_counter() - t0, 2)
            if not only_start:
                out.update(measure_playing(page, seconds, proc.pid))
                if new_design:
                    out.update(measure_zoom(page))
                    out.update(measure_latency(page))
            out["exceptions_on_page"] = page.locator('[data-testid="stException"]').count()
            RESULTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(RESULTS / f"{name}{label}.png"))
            ctx.close()
            if new_design:
                out.update(measure_first_full(browser, url, minimal_url, repeats))
            if keys and new_design:
                out.update(measure_keys(browser, f"http://127.0.0.1:{port}"))
            browser.close()
    finally:
        stop_app(proc)
    return out


def run_tfp(dist: Path, seconds: float) -> dict:
    """TF Playground in the same Chromium settings (bench_tfp), or why it was not run."""
    if not (dist / "index.html").is_file():
        return {"scenario": "TF Playground", "error": f"not run: no build at {dist}"}
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_tfp

    server, url = bench_tfp.serve_dist(dist)
    try:
        r = bench_tfp.measure_tfp(url, seconds)
    finally:
        bench_tfp.stop_server(server)
    return {"scenario": "TF Playground", **r}


def export_baseline(rev: str) -> Path:
    """This repository at ``rev`` in a temporary folder (git archive)."""
    dest = Path(tempfile.mkdtemp(prefix="bp-baseline-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=8.0, help="playing time measured")
    ap.add_argument(
        "--scenarios",
        nargs="*",
        default=["default", "deep_sigmoid_8x32"],
        choices=sorted(SCENARIOS),
    )
    ap.add_argument(
        "--tfp-dist", type=Path, default=Path(os.environ.get("TFP_DIST", "/work/peer/tfp/dist"))
    )
    ap.add_argument("--no-tfp", action="store_true")
    ap.add_argument("--baseline-rev", default=BASELINE_REV)
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument(
        "--repeats", type=int, default=5, help="loads of the first full frame (and minimal page)"
    )
    ap.add_argument("--no-minimal", action="store_true", help="no minimal-page baseline")
    ap.add_argument("--no-keys", action="store_true", help="no key latencies")
    ap.add_argument(
        "--only-start", action="store_true", help="no playing: first frame and keys only"
    )
    args = ap.parse_args()
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": load_average(),
        },
        "runs": [],
    }
    jobs: list[tuple[str, object]] = []
    if not args.no_tfp:
        jobs.append(("TF Playground", lambda: run_tfp(args.tfp_dist, args.seconds)))
    minimal = None
    if not args.no_minimal:
        try:
            minimal = start_minimal_page()
        except (RuntimeError, OSError) as err:
            results["runs"].append({"scenario": "minimal page", "error": f"not run: {err}"})
    for i, name in enumerate(args.scenarios):
        jobs.append(
            (
                name,
                lambda name=name, first=i == 0: run_scenario(
                    name,
                    args.seconds,
                    minimal_url=minimal[1] if minimal else None,
                    repeats=args.repeats,
                    keys=first and not args.no_keys,
                    only_start=args.only_start,
                ),
            )
        )
    baseline_dir = None
    if not args.no_baseline:
        try:
            baseline_dir = export_baseline(args.baseline_rev)
            jobs.append(
                (
                    "default @" + args.baseline_rev,
                    lambda: run_scenario(
                        "default", args.seconds, baseline_dir, f" @{args.baseline_rev}"
                    ),
                )
            )
        except (subprocess.CalledProcessError, OSError) as err:
            results["runs"].append({"scenario": "baseline", "error": f"not run: {err}"[:200]})
    try:
        for name, job in jobs:
            print(f"running {name} …", flush=True)
            try:
                results["runs"].append(job())
            except Exception as err:  # report and go on with the next one
                where = traceback.extract_tb(err.__traceback__)
                step = next(
                    (
                        f"{fr.name}:{fr.lineno}"
                        for fr in reversed(where)
                        if fr.filename.endswith("bench_browser.py")
                    ),
                    "?",
                )
                results["runs"].append(
                    {"scenario": name, "error": f"{type(err).__name__} in {step}: {err}"[:400]}
                )
                print(f"  {name} failed in {step}: {type(err).__name__}", flush=True)
    finally:  # every server and folder this run made goes, whatever happened
        if baseline_dir is not None:
            shutil.rmtree(baseline_dir, ignore_errors=True)
        if minimal is not None:
            stop_app(minimal[0])
            shutil.rmtree(minimal[2], ignore_errors=True)
    results["machine"]["load_after"] = load_average()

    tfp = next(
        (r for r in results["runs"] if r["scenario"] == "TF Playground" and "error" not in r), None
    )
    if tfp:
        tfp.setdefault("painted_fps", tfp.get("frames_per_s"))
        tfp.setdefault("epochs_per_s", tfp.get("iterations_per_s"))
    for r in results["runs"]:
        if tfp and r.get("painted_fps") and tfp.get("painted_fps"):
            r["fps_vs_tfp"] = round(r["painted_fps"] / tfp["painted_fps"], 2)
    cols = [
        ("scenario", "scenario", 26),
        ("painted_fps", "frames/s", 9),
        ("fps_vs_tfp", "× TFP", 6),
        ("raf_fps", "rAF/s", 6),
        ("epochs_per_s", "epochs/s", 9),
        ("frame_gap_ms_p95", "gap p95", 8),
        ("blank_frames", "blank", 6),
        ("remounts", "remounts", 9),
        ("zoom_kept", "zoom", 6),
        ("boundary_warm_s", "bnd warm s", 11),
        ("boundary_reload_s", "bnd reload", 11),
        ("server_cpu_ms_per_frame", "srv cpu/fr", 11),
        ("server_build_ms_per_frame", "build ms", 9),
        ("server_build_wall_ms_per_frame", "wall ms", 8),
        ("server_cpu_pct", "srv cpu%", 9),
        ("pause_ms_median", "pause ms", 9),
        ("step_ms_median", "step ms", 8),
        ("firstFull_ms_median", "1st full ms", 12),
        ("minimal_page_ms_median", "minimal ms", 11),
        ("first_full_vs_minimal", "× minimal", 10),
    ]
    print()
    print(" ".join(h.ljust(w) for _, h, w in cols))
    for run in results["runs"]:
        if "error" in run:
            print(run["scenario"].ljust(26), run["error"])
            continue
        print(" ".join(str(run.get(k)).ljust(w) for k, _, w in cols))
    for run in results["runs"]:
        keys = {k: v for k, v in run.items() if k.startswith("key_") and "_median" in k}
        if keys:
            print(f"\nkeys ({run['scenario']}): key down → shown / → page settled, median ms")
            for page in (
                "playground_next",
                "playground_space",
                "step_through_next",
                "gradients_next",
                "derivation_next",
            ):
                shown = keys.get(f"key_{page}_shown_ms_median")
                if shown is not None:
                    settled = keys.get(f"key_{page}_settled_ms_median")
                    print(f"  {page:20} {shown:8} / {settled}")
    print(
        f"\nload average before/after: {results['machine']['load_before']} / "
        f"{results['machine']['load_after']} on {os.cpu_count()} CPUs"
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"bench_browser_{time.strftime('%Y%m%d_%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
