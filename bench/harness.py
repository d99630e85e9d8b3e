"""How the benchmarks and the browser tests start the app and the browser: one module, used by
``bench/*.py`` and by ``tests/browser/conftest.py`` alike.

* :func:`free_port` — a free TCP port on 127.0.0.1;
* :func:`start_app` / :func:`stop_app` — ``streamlit run app.py`` on a loopback port, returned
  once ``/_stcore/health`` answers; stopped by its PID (terminate, then kill);
* :data:`CHROMIUM` and :data:`CHROMIUM_ARGS` — Debian's Chromium and the flags every headless
  run uses (never ``playwright install``);
* :func:`launch_chromium` — that browser through playwright;
* :func:`new_page` — a page of a given size in a context of its own, as a returning student
  sees the app (the first-visit tour already seen; ``first_visit=True`` for the tour's tests).

Server logs go to ``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from lab_ui.live.tour import STORAGE_KEY as TOUR_STORAGE_KEY

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
IN_CI = os.environ.get("CI", "").lower() == "true"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, extra: list[str] | None = None, root: Path = ROOT) -> subprocess.Popen:
    """Start ``streamlit run app.py`` (of the checkout at ``root``) on 127.0.0.1:port; returns
    once /_stcore/health answers."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", PYTHONUNBUFFERED="1")
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(root / "app.py"),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
        *(extra or []),
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    log = open(ARTIFACTS / f"streamlit-{port}.log", "w")  # noqa: SIM115 (closed with the process)
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode}; see {log.name}")
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("streamlit did not answer /_stcore/health within 60 s")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)


_FUNCTION = re.compile(r"^\s*(async\s+)?(function\b|\([\w\s,]*\)\s*=>|\w+\s*=>)")


def _predicates_as_functions() -> None:
    """``wait_for_function("window.x > 0")`` keeps working under the app's
    Content-Security-Policy (lab_ui/live/headers.py: no 'unsafe-eval'): playwright polls an
    expression with eval in the page, which the policy refuses, but calls a function
    directly, so an expression is passed on as ``() => (expression)``."""
    from playwright.sync_api import Frame, Page

    for cls in (Page, Frame):
        method = cls.wait_for_function
        if getattr(method, "_bp_wrapped", False):
            continue

        def wait_for_function(self, expression, *args, _method=method, **kwargs):
            if isinstance(expression, str) and not _FUNCTION.match(expression):
                expression = f"() => ({expression})"
            return _method(self, expression, *args, **kwargs)

        wait_for_function._bp_wrapped = True
        cls.wait_for_function = wait_for_function


def launch_chromium(playwright: Any) -> Any:
    """Debian's headless Chromium through a running ``sync_playwright()`` object, with string
    predicates of ``wait_for_function`` passed as functions (see above)."""
    _predicates_as_functions()
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


#: Marks the first-visit tour (backprop_lab/live_view/tour.js) as seen in a new context.
TOUR_SEEN_SCRIPT = f"try {{ localStorage.setItem('{TOUR_STORAGE_KEY}', '1'); }} catch (e) {{}}"


def new_page(browser: Any, width: int, height: int, *, first_visit: bool = False) -> Any:
    """A page ``width`` × ``height`` in a new browser context (close it with
    ``page.context.close()``); unless ``first_visit``, the tour has been seen."""
    context = browser.new_context(viewport={"width": width, "height": height})
    if not first_visit:
        context.add_init_script(TOUR_SEEN_SCRIPT)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page
