"""Browser benchmark of the Playground's live view (headless Chromium, real Streamlit server),
with TF Playground and this app's own earlier version measured in the same run.

For each scenario it starts ``streamlit run app.py`` on a free loopback port, opens the
Playground at 1440×900, presses Play and reports:

* frames/s actually painted (``window.__bpPaintTimes``, one entry per painted frame) and the
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
  its own build-and-send time per frame (``server_ms`` in every frame: training excluded).

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
window.__bpBench = { frames: 0, blank: 0, reasons: {}, on: false };
(function loop() {
  const b = window.__bpBench;
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


def first_boundary(browser, url: str) -> tuple[float, object, object]:
    """Seconds from goto(url) to the boundary painted, in a new context; (s, context, page)."""
    ctx = browser.new_context(viewport=VIEWPORT)
    page = ctx.new_page()
    page.add_init_script(SAMPLER)
    t0 = time.perf_counter()
    page.goto(url)
    page.wait_for_function(
        "window.__bpMarks && window.__bpMarks.firstBoundary", timeout=120_000, polling="raf"
    )
    return time.perf_counter() - t0, ctx, page


def page_marks(page) -> dict:
    """Milliseconds after navigation start: DOM ready, component mounted, first paint."""
    m = page.evaluate(
        "({dom: performance.timing.domContentLoadedEventEnd - performance.timing.navigationStart,"
        " ...window.__bpMarks})"
    )
    return {k: round(v) for k, v in m.items() if isinstance(v, (int, float))}


EPOCH_JS = (
    "+(document.querySelector('.bp-live')?.dataset.epoch || (window.__bpLast||{}).epoch || 0)"
)


def measure_playing(page, seconds: float, server_pid: int) -> dict:
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "document.querySelector('.bp-live')?.dataset.playing === '1'", timeout=90_000
    )
    time.sleep(1.5)  # warm-up
    start = page.evaluate(
        "(() => { window.__bpBench.on = true; window.__bpBench.frames = 0;"
        " window.__bpBench.blank = 0; window.__bpBench.reasons = {};"
        f" return {{t: performance.now(), e: {EPOCH_JS},"
        " n: window.__bpPainted, mounts: window.__bpMounts}; })()"
    )
    cpu0 = cpu_seconds(server_pid)
    time.sleep(seconds)
    cpu1 = cpu_seconds(server_pid)
    end = page.evaluate(
        "(() => { window.__bpBench.on = false;"
        f" return {{t: performance.now(), e: {EPOCH_JS}, n: window.__bpPainted,"
        " times: window.__bpPaintTimes.slice(-4000), mounts: window.__bpMounts,"
        " stats: (window.__bpStats || []).slice(-4000),"
        " bench: window.__bpBench}; })()"
    )
    dt = (end["t"] - start["t"]) / 1000
    painted = end["n"] - start["n"]
    times = [t for t in end["times"] if start["t"] <= t <= end["t"]]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    stats = [r for r in end["stats"] if start["t"] <= r[0] <= end["t"]]
    server = [r[1] for r in stats]
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
        "draw_ms_median": round(statistics.median(draw), 1) if draw else None,
        "blank_frames": end["bench"]["blank"],
        "blank_reasons": end["bench"]["reasons"],
        "remounts": end["mounts"] - start["mounts"],
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
    read = (
        "(() => { const v = document.querySelector('.bp-live').parentElement.__bpView;"
        " return [v.zoom, v.drawnFrame.boundary.x]; })()"
    )
    zoom0, _ = page.evaluate(read)
    time.sleep(seconds)
    zoom1, drawn_x = page.evaluate(read)
    kept = bool(zoom0) and zoom0 == zoom1 and abs(drawn_x[0] - zoom0[0]) < 1e-6
    return {"zoom_kept": kept, "zoom_extent": zoom1}


LATENCY_JS = """
async ([label, test]) => {
  const btn = [...document.querySelectorAll('.bp-live button')]
    .find(b => b.innerText.trim().endsWith(label));
  const root = document.querySelector('.bp-live');
  const before = {step: +root.dataset.step, painted: window.__bpPainted};
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
                page.get_by_role("button", name="Play").click()
            page.wait_for_function("document.querySelector('.bp-live').dataset.playing === '1'")
            time.sleep(0.6)
            lat.append(page.evaluate(LATENCY_JS, [label, test]))
            time.sleep(0.2)
        out[f"{name}_ms_median"] = round(statistics.median(lat), 1)
        out[f"{name}_ms_max"] = round(max(lat), 1)
    return out


def run_scenario(name: str, seconds: float, app_dir: Path = ROOT, label: str = "") -> dict:
    from playwright.sync_api import sync_playwright

    query = SCENARIOS[name]
    port = free_port()
    proc = start_server(app_dir, port)
    url = f"http://127.0.0.1:{port}/{query}"
    out: dict = {"scenario": name + label, "url_query": query}
    new_design = (app_dir / "lab_ui" / "channel").is_dir()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cold, ctx, _ = first_boundary(browser, url)  # also warms the server up
            ctx.close()
            warm, ctx, page = first_boundary(browser, url)
            out["boundary_cold_s"] = round(cold, 2)
            out["boundary_warm_s"] = round(warm, 2)
            out["marks_warm_ms"] = page_marks(page)
            t0 = time.perf_counter()
            page.reload()
            page.wait_for_function(
                "window.__bpMarks && window.__bpMarks.firstBoundary", timeout=120_000
            )
            out["boundary_reload_s"] = round(time.perf_counter() - t0, 2)
            out.update(measure_playing(page, seconds, proc.pid))
            if new_design:
                out.update(measure_zoom(page))
                out.update(measure_latency(page))
            out["exceptions_on_page"] = page.locator('[data-testid="stException"]').count()
            RESULTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(RESULTS / f"{name}{label}.png"))
            ctx.close()
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
    for name in args.scenarios:
        jobs.append((name, lambda name=name: run_scenario(name, args.seconds)))
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
    if baseline_dir is not None:
        shutil.rmtree(baseline_dir, ignore_errors=True)
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
        ("server_cpu_pct", "srv cpu%", 9),
        ("pause_ms_median", "pause ms", 9),
        ("step_ms_median", "step ms", 8),
    ]
    print()
    print(" ".join(h.ljust(w) for _, h, w in cols))
    for run in results["runs"]:
        if "error" in run:
            print(run["scenario"].ljust(26), run["error"])
            continue
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
