"""TensorFlow Playground itself in headless Chromium: frames/s and iterations/s while playing.

The peer's side of the live-view comparison.  Nothing of TF Playground is kept in this
repository: build it from a checkout (bench/README.md says how) and point this script at the
built ``dist/`` directory, or at a URL where it is already served on this machine::

    python bench/bench_tfp.py                          # dist: $TFP_DIST or /work/peer/tfp/dist
    python bench/bench_tfp.py --tfp-dist DIR --pages 1 3 --seconds 10 --warmup 3
    python bench/bench_tfp.py --url http://127.0.0.1:8000/   # already served

With ``--tfp-dist`` the script serves the directory itself (``python -m http.server --bind
127.0.0.1`` on a free port) and stops the server at the end.  Each page is opened in its own
Chromium process (Debian's, never a downloaded one), viewport 1440×900, and every request that
is not to 127.0.0.1 is aborted (the page asks for Google fonts and analytics).  The script
presses the Playground's play button, waits ``--warmup`` seconds, then for ``--seconds`` counts

* **frames/s**: requestAnimationFrame callbacks of a poller injected into the page before its
  own scripts run (one per frame the page's compositor produced);
* **iterations/s**: the Playground's own counter (the ``#iter-number`` text) over the same
  window.  The Playground runs one ``oneStep()`` (one epoch) per d3 timer tick, so this is
  also its epochs/s as a user sees it.

``--pages N`` opens N separate browsers at once, all playing during the same window, and
reports each page's figures (separate processes, so no page is a throttled background tab).

For a later side-by-side bench, import it::

    from bench.bench_tfp import serve_dist, stop_server, measure_tfp, measure_tfp_pages
    server, url = serve_dist(Path("/work/peer/tfp/dist"))
    try:
        one = measure_tfp(url, seconds=10)          # dict
        three = measure_tfp_pages(url, 3, seconds=10)  # list of dicts
    finally:
        stop_server(server)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# the same Chromium and arguments as the browser tests and bench_browser.py
from bench.harness import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
DEFAULT_TFP_DIST = Path("/work/peer/tfp/dist")
VIEWPORT = {"width": 1440, "height": 900}

#: Installed before the page's own scripts: counts animation frames and keeps their times.
RAF_POLLER = """
window.__tfpBench = { frames: 0, times: [] };
(function loop(t) {
  const b = window.__tfpBench;
  b.frames++;
  if (b.times.length < 20000) b.times.push(t);
  requestAnimationFrame(loop);
})(performance.now());
"""

READ_COUNTERS = """
() => {
  const el = document.querySelector('#iter-number');
  return {t: performance.now(), frames: window.__tfpBench.frames,
          iter: el ? el.textContent : null, visibility: document.visibilityState};
}
"""


# --------------------------------------------------------------------------------------
# The static server
# --------------------------------------------------------------------------------------


def serve_dist(dist: Path, port: int | None = None, timeout: float = 20.0):
    """Serve a built TF Playground ``dist/`` on 127.0.0.1.  Returns (process, url)."""
    dist = Path(dist)
    if not (dist / "index.html").is_file() or not (dist / "bundle.js").is_file():
        raise FileNotFoundError(
            f"{dist} has no index.html and bundle.js: build TF Playground first "
            "(npm install && npm run build in its checkout; see bench/README.md)"
        )
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory",
         str(dist)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    give_up = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "index.html", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > give_up:
            stop_server(proc)
            raise RuntimeError(f"the static server for {dist} did not start on port {port}")
        time.sleep(0.1)


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


# --------------------------------------------------------------------------------------
# The page
# --------------------------------------------------------------------------------------


def _loopback_only(route) -> None:
    url = route.request.url
    if url.startswith(("http://127.0.0.1", "data:", "blob:", "about:")):
        route.continue_()
    else:
        route.abort()


def open_tfp(p, url: str):
    """A new Chromium process with TF Playground loaded.  Returns (browser, page)."""
    browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.route("**/*", _loopback_only)
    page = ctx.new_page()
    page.add_init_script(RAF_POLLER)
    page.goto(url, wait_until="load")
    page.wait_for_selector("#play-pause-button", state="visible", timeout=60_000)
    page.wait_for_function("document.querySelector('#iter-number').textContent !== ''")
    return browser, page


def press_play(page) -> None:
    page.click("#play-pause-button")
    page.wait_for_function(
        "document.querySelector('#play-pause-button').classList.contains('playing')",
        timeout=10_000,
    )


def _iter(text: str | None) -> int:
    return int(text.replace(",", "")) if text else 0


def _result(start: dict, end: dict, times: list[float]) -> dict:
    dt = (end["t"] - start["t"]) / 1000
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    return {
        "seconds": round(dt, 2),
        "frames_per_s": round((end["frames"] - start["frames"]) / dt, 1),
        "iterations_per_s": round((_iter(end["iter"]) - _iter(start["iter"])) / dt, 1),
        "iterations_at_end": _iter(end["iter"]),
        "frame_gap_ms_median": round(statistics.median(gaps), 1) if gaps else None,
        "frame_gap_ms_p95": round(sorted(gaps)[int(0.95 * (len(gaps) - 1))], 1) if gaps else None,
        "visibility": end["visibility"],
    }


def measure_tfp_pages(url: str, n_pages: int, seconds: float = 10.0, warmup: float = 3.0) -> list:
    """Open ``n_pages`` separate Chromium processes on ``url``, press play in each, and after
    ``warmup`` s measure all of them over the same ``seconds``.  One dict per page:
    frames_per_s (rAF callbacks/s), iterations_per_s (the #iter-number counter), frame gaps."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        opened = []
        try:
            for _ in range(n_pages):
                opened.append(open_tfp(p, url))
            for _, page in opened:
                press_play(page)
            time.sleep(warmup)
            starts = [page.evaluate(READ_COUNTERS) for _, page in opened]
            time.sleep(seconds)
            ends = [page.evaluate(READ_COUNTERS) for _, page in opened]
            out = []
            for (_, page), start, end in zip(opened, starts, ends, strict=True):
                times = page.evaluate("window.__tfpBench.times")
                times = [t for t in times if start["t"] <= t <= end["t"]]
                out.append({"page": len(out) + 1, **_result(start, end, times)})
            return out
        finally:
            for browser, _ in opened:
                browser.close()


def measure_tfp(url: str, seconds: float = 10.0, warmup: float = 3.0) -> dict:
    """One page of TF Playground playing: frames/s, iterations/s, frame gaps."""
    return measure_tfp_pages(url, 1, seconds, warmup)[0]


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--tfp-dist",
        type=Path,
        default=None,
        help=f"built TF Playground to serve ($TFP_DIST, else {DEFAULT_TFP_DIST})",
    )
    ap.add_argument("--url", default=None, help="TF Playground already served here (loopback)")
    ap.add_argument("--seconds", type=float, default=10.0, help="measured window (10)")
    ap.add_argument("--warmup", type=float, default=3.0, help="playing before measuring (3)")
    ap.add_argument(
        "--pages", type=int, nargs="+", default=[1], help="browsers at once; several: 1 3"
    )
    ap.add_argument("--json", type=Path, default=None, help="default bench/results/bench_tfp_*")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: nothing measured")
        return 2

    server = None
    if args.url:
        url = args.url
    else:
        dist = args.tfp_dist or Path(os.environ.get("TFP_DIST") or DEFAULT_TFP_DIST)
        try:
            server, url = serve_dist(dist)
        except (FileNotFoundError, RuntimeError) as err:
            print(f"TF Playground not measured: {err}")
            return 2
        print(f"serving {dist} at {url}")
    results = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "url": url,
        "seconds": args.seconds,
        "warmup": args.warmup,
        "viewport": VIEWPORT,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_before": load_average(),
        },
        "runs": [],
    }
    try:
        for n in args.pages:
            print(f"measuring {n} page(s) at once …", flush=True)
            pages = measure_tfp_pages(url, n, args.seconds, args.warmup)
            results["runs"].append({"pages": n, "per_page": pages})
    finally:
        if server is not None:
            stop_server(server)
    results["machine"]["load_after"] = load_average()

    print()
    head = f"{'pages':>5} {'page':>4} {'frames/s':>9} {'iter/s':>8} {'gap med ms':>11}"
    print(head + f" {'gap p95 ms':>11} {'iterations':>11}  visibility")
    for run in results["runs"]:
        for r in run["per_page"]:
            print(
                f"{run['pages']:>5} {r['page']:>4} {r['frames_per_s']:>9} "
                f"{r['iterations_per_s']:>8} {r['frame_gap_ms_median']!s:>11} "
                f"{r['frame_gap_ms_p95']!s:>11} {r['iterations_at_end']:>11}  {r['visibility']}"
            )
    print(
        f"\nload average before/after: {results['machine']['load_before']} / "
        f"{results['machine']['load_after']} on {os.cpu_count()} CPUs"
    )
    path = args.json or RESULTS / f"bench_tfp_{time.strftime('%Y%m%d_%H%M%S')}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2))
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
