"""The live view's front end, its pure parts under node's own test runner (tests/js/*.test.mjs:
colour scales, number formats, frame merging and the history's bound, layout and hit-testing,
base64 → Float32Array), and the frame version both sides agree on.

Without ``node`` the JS tests are skipped with the reason, except under ``CI=true``, where
they must run (``.ci/run`` installs Debian's ``nodejs``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lab_ui.live import frames

ROOT = Path(__file__).resolve().parents[1]
JS_TESTS = ROOT / "tests" / "js"
FRAME_JS = ROOT / "backprop_lab" / "live_view" / "frame.js"
IN_CI = os.environ.get("CI") == "true"
TIMEOUT_S = 120


def test_js_units_pass_under_node():
    node = shutil.which("node")
    if node is None:
        reason = "node is not installed (the JS unit tests in tests/js need it)"
        if IN_CI:
            pytest.fail(f"The JS unit tests must run under CI=true, but {reason}.")
        pytest.skip(reason)
    # the files by name: `node --test <folder>` means different things across node versions
    files = sorted(str(p.relative_to(ROOT)) for p in JS_TESTS.glob("*.test.mjs"))
    assert files, f"no *.test.mjs in {JS_TESTS}"
    run = subprocess.run(
        [node, "--test", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    if run.returncode != 0:
        pytest.fail(f"node --test failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")


def test_the_js_frame_version_is_the_python_one():
    """A frame's layout changes on both sides at once: frame.js draws only FRAME_VERSION."""
    m = re.search(r"^export const FRAME_VERSION = (\d+);", FRAME_JS.read_text(), re.MULTILINE)
    assert m, f"no `export const FRAME_VERSION = <n>;` in {FRAME_JS}"
    assert int(m.group(1)) == frames.FRAME_VERSION
