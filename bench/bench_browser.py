"""Browser benchmark of the Playground's live view (headless Chromium, real Streamlit server).

For each scenario it starts ``streamlit run app.py`` on a free loopback port, opens the
Playground, presses Play and reports:

* frames/s actually painted (the page's ``window.__bpPaintTimes``, one entry per painted frame);
* epochs/s trained (``window.__bpLast.epoch`` over the same window);
* blank frames (sampled every animation frame: live view missing, boundary image missing,
  diagram canvas empty) and remounts of the component;
* whether a zoom on the decision boundary survives playing;
* time from opening the URL to the first painted chart, cold (fresh server) and warm;
* latency of a "Step 1 epoch" click (click → the new epoch painted), measured in the page.

It prints a table and writes JSON to ``bench/results/``.  Usage::

    python bench/bench_browser.py                 # default + deep-sigmoid scenarios
    python bench/bench_browser.py --gc-compare    # also runner.postScriptGC=true
    python bench/bench_browser.py --seconds 8 --scenarios default
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# the same server start/stop the browser tests use
from tests.browser.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    free_port,
    start_app,
    stop_app,
)

RESULTS = ROOT / "bench" / "results"

#: name → (URL query, extra streamlit flags)
SCENARIOS: dict[str, tuple[str, list[str]]] = {
    "default": ("", []),
    "deep_sigmoid_8x32": ("?hidden=" + ",".join(["32"] * 8) + "&acts=sigmoid", []),
    "default_gc_on": ("", ["--runner.postScriptGC", "true"]),
}

# Installed in the page before anything runs: samples every animation frame.
SAMPLER = """
window.__bpBench = { frames: 0, blank: 0, reasons: {}, on: false };
(function loop() {
  const b = window.__bpBench;
  if (b.on) {
    b.frames++;
    const root = document.querySelector('.bp-live');
    let why = null;
    if (!root) why = 'no live view';
    else {
      const el = root.querySelector('[data-role=boundary]');
      const img = el && el.querySelector('.layer-below image, image');
      const cv = root.querySelector('canvas[data-role=net]');
      const href = img && (img.getAttribute('href') ||
        img.getAttributeNS('http://www.w3.org/1999/xlink', 'href') || '');
      if (!href || !href.startsWith('data:image')) why = 'no boundary image';
      else if (!cv || cv.width < 10) why = 'empty diagram';
    }
    if (why) { b.blank++; b.reasons[why] = (b.reasons[why] || 0) + 1; }
  }
  requestAnimationFrame(loop);
})();
"""


def first_chart(browser, url: str) -> tuple[float, object, object]:
    """Seconds from goto(url) to the first painted frame; returns (s, context, page)."""
    ctx = browser.new_context(viewport={"width": 1500, "height": 1300})
    page = ctx.new_page()
    page.add_init_script(SAMPLER)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function("window.__bpPainted > 0", timeout=120_000, polling="raf")
    first = time.perf_counter() - t0
    page.wait_for_function(
        "window.__bpMarks && window.__bpMarks.firstBoundary", timeout=120_000, polling="raf"
    )
    return first, ctx, page


def page_marks(page) -> dict:
    """Milliseconds after navigation start: DOM ready, component mounted, plotly.js loaded,
    first frame painted."""
    m = page.evaluate(
        "({dom: performance.timing.domContentLoadedEventEnd - performance.timing.navigationStart,"
        " ...window.__bpMarks})"
    )
    return {k: round(v) for k, v in m.items() if isinstance(v, (int, float))}


def click_button(page, label: str) -> None:
    page.get_by_role("button", name=label).click()


def measure_playing(page, seconds: float) -> dict:
    click_button(page, "Play")
    page.wait_for_function(
        "document.querySelector('.bp-live')?.dataset.playing === '1'", timeout=90_000
    )
    time.sleep(1.0)  # warm-up
    start = page.evaluate(
        "(() => { window.__bpBench.on = true; window.__bpBench.frames = 0;"
        " window.__bpBench.blank = 0; window.__bpBench.reasons = {};"
        " return {t: performance.now(), e: window.__bpLast.epoch,"
        " n: window.__bpPainted, mounts: window.__bpMounts}; })()"
    )
    time.sleep(seconds)
    end = page.evaluate(
        "(() => { window.__bpBench.on = false;"
        " return {t: performance.now(), e: window.__bpLast.epoch, n: window.__bpPainted,"
        " times: window.__bpPaintTimes.slice(-2000), mounts: window.__bpMounts,"
        " stats: window.__bpStats.slice(-2000),"
        " bench: window.__bpBench, recv: window.__bpReceived}; })()"
    )
    dt = (end["t"] - start["t"]) / 1000
    times = [t for t in end["times"] if start["t"] <= t <= end["t"]]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    stats = [r for r in end["stats"] if start["t"] <= r[0] <= end["t"]]
    revs = [r[3] for r in stats]
    server = [r[1] for r in stats]
    draw = [r[2] for r in stats]
    return {
        "seconds": round(dt, 2),
        "painted_fps": round((end["n"] - start["n"]) / dt, 1),
        "epochs_per_s": round((end["e"] - start["e"]) / dt, 1),
        "frame_gap_ms_median": round(statistics.median(gaps), 1) if gaps else None,
        "frame_gap_ms_p95": round(sorted(gaps)[int(0.95 * (len(gaps) - 1))], 1) if gaps else None,
        "server_ms_median": round(statistics.median(server), 1) if server else None,
        "draw_ms_median": round(statistics.median(draw), 1) if draw else None,
        "frames_sent_not_painted": (revs[-1] - revs[0] + 1 - len(revs)) if revs else None,
        "raf_samples": end["bench"]["frames"],
        "blank_frames": end["bench"]["blank"],
        "blank_reasons": end["bench"]["reasons"],
        "remounts": end["mounts"] - start["mounts"],
    }


def measure_zoom(page, seconds: float = 3.0) -> dict:
    """Zoom the boundary (Plotly.relayout in the page) while playing; is it kept?

    The y range follows the x range (equal aspect), so the ranges read right after the zoom
    are compared with the ranges after ``seconds`` of playing.
    """
    read = (
        "(() => { const fl = document.querySelector('.bp-live [data-role=boundary]')"
        "._fullLayout; return [fl.xaxis.range, fl.yaxis.range]; })()"
    )
    page.evaluate(
        "Plotly.relayout(document.querySelector('.bp-live [data-role=boundary]'),"
        " {'xaxis.range': [-2, 2], 'yaxis.range': [-2, 2]})"
    )
    time.sleep(0.3)
    before = page.evaluate(read)
    e0 = page.evaluate("window.__bpLast.epoch")
    time.sleep(seconds)
    after = page.evaluate(read)
    e1 = page.evaluate("window.__bpLast.epoch")
    kept = (
        all(
            abs(a - b) < 1e-9
            for r0, r1 in zip(before, after, strict=True)
            for a, b in zip(r0, r1, strict=True)
        )
        and abs(before[0][0] + 2) < 1e-9
    )
    return {"zoom_kept": kept, "ranges_after": after, "epochs_during_zoom": e1 - e0}


STEP_JS = """
async () => {
  const btn = [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim() === 'Step 1 epoch');
  const e0 = window.__bpLast.epoch;
  const t0 = performance.now();
  btn.click();
  await new Promise((resolve, reject) => {
    const give_up = t0 + 10000;
    const check = () => {
      if (window.__bpLast.epoch !== e0) resolve();
      else if (performance.now() > give_up) reject(new Error('no new epoch'));
      else requestAnimationFrame(check);
    };
    check();
  });
  return performance.now() - t0;
}
"""


def measure_step(page, repeats: int = 5) -> dict:
    click_button(page, "Pause")
    page.wait_for_function(
        "document.querySelector('.bp-live')?.dataset.playing === '0'", timeout=90_000
    )
    time.sleep(0.5)
    lat = []
    for _ in range(repeats):
        lat.append(page.evaluate(STEP_JS))
        time.sleep(0.3)
    return {
        "step_ms_median": round(statistics.median(lat), 1),
        "step_ms_max": round(max(lat), 1),
        "step_ms_all": [round(x, 1) for x in lat],
    }


def run_scenario(name: str, seconds: float) -> dict:
    from playwright.sync_api import sync_playwright

    query, extra = SCENARIOS[name]
    port = free_port()
    proc = start_app(port, extra)
    url = f"http://127.0.0.1:{port}/{query}"
    out: dict = {"scenario": name, "url_query": query, "streamlit_flags": extra}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cold, ctx, _ = first_chart(browser, url)
            ctx.close()
            warm, ctx, page = first_chart(browser, url)
            out["first_chart_cold_s"] = round(cold, 2)
            out["first_chart_warm_s"] = round(warm, 2)
            out["first_chart_marks_ms"] = marks = page_marks(page)
            out["first_boundary_warm_s"] = round(marks.get("firstBoundary", 0) / 1000, 2)
            # warm server and warm browser cache: reload the same tab
            t0 = time.perf_counter()
            page.reload()
            page.wait_for_function("window.__bpPainted > 0", timeout=120_000, polling="raf")
            out["first_chart_reload_s"] = round(time.perf_counter() - t0, 2)
            page.wait_for_function(
                "window.__bpMarks && window.__bpMarks.firstBoundary", timeout=120_000
            )
            out["first_chart_reload_marks_ms"] = marks = page_marks(page)
            out["first_boundary_reload_s"] = round(marks.get("firstBoundary", 0) / 1000, 2)
            out.update(measure_playing(page, seconds))
            out.update(measure_zoom(page))
            out.update(measure_step(page))
            errors = page.locator('[data-testid="stException"]').count()
            out["exceptions_on_page"] = errors
            RESULTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(RESULTS / f"{name}.png"), full_page=True)
            ctx.close()
            browser.close()
    finally:
        stop_app(proc)
    return out


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=6.0, help="playing time measured")
    ap.add_argument(
        "--scenarios",
        nargs="*",
        default=["default", "deep_sigmoid_8x32"],
        choices=sorted(SCENARIOS),
    )
    ap.add_argument(
        "--gc-compare",
        action="store_true",
        help="also run the default scenario with runner.postScriptGC=true",
    )
    args = ap.parse_args()
    names = list(args.scenarios)
    if args.gc_compare and "default_gc_on" not in names:
        names.append("default_gc_on")
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": load_average(),
        },
        "runs": [],
    }
    for name in names:
        print(f"running {name} …", flush=True)
        try:
            results["runs"].append(run_scenario(name, args.seconds))
        except Exception as err:  # report and go on with the next scenario
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
    results["machine"]["load_after"] = load_average()

    cols = [
        ("scenario", "scenario", 22),
        ("painted_fps", "frames/s", 9),
        ("epochs_per_s", "epochs/s", 9),
        ("frame_gap_ms_p95", "gap p95 ms", 11),
        ("blank_frames", "blank", 6),
        ("remounts", "remounts", 9),
        ("zoom_kept", "zoom kept", 10),
        ("first_chart_cold_s", "cold s", 7),
        ("first_chart_warm_s", "warm s", 7),
        ("first_boundary_warm_s", "bnd warm", 9),
        ("first_chart_reload_s", "reload s", 9),
        ("first_boundary_reload_s", "bnd rel", 8),
        ("server_ms_median", "srv ms", 7),
        ("draw_ms_median", "draw ms", 8),
        ("step_ms_median", "step ms", 8),
        ("step_ms_max", "step max", 9),
    ]
    print()
    print(" ".join(h.ljust(w) for _, h, w in cols))
    for run in results["runs"]:
        print(" ".join(str(run.get(k)).ljust(w) for k, _, w in cols))
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
