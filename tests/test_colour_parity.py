"""The decision boundary, its points and the neuron maps are coloured by the live view's JS
(``backprop_lab/live_view/colour.js``: boundaryPixels, pointRGB, pointRings, mapPixels) on the
screen and by ``lab_ui.shared.figures`` (boundary_rgb, point_rgb, POINT_RINGS, maps_image) in
the PNG and HTML exports.  Both colour the same grid to the same RGB, pixel for pixel: node
runs colour.js on the frame parts the server builds (``lab_ui.live.frames``), Python colours
the values those parts hold.

Without ``node`` this skips with the reason, except under ``CI=true`` (as tests/test_js_units.py).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from lab_ui.live import frames
from lab_ui.playground import runs
from lab_ui.shared import figures, schema
from lab_ui.shared import lab as lab_mod

ROOT = Path(__file__).resolve().parents[1]
COLOUR_JS = (ROOT / "backprop_lab" / "live_view" / "colour.js").as_uri()
RES = 24  # grid points per side: small, every colour rule still met

# Reads {boundary: [{b, q, cls, disc}], points: [{task, v, b}], maps: [{m, q, res}]} on
# stdin, answers the RGB colour.js gives each (and the rings round a training / test point).
NODE = f"""
import {{ boundaryPixels, mapPixels, pointRGB, pointRings }} from "{COLOUR_JS}";
const bytes = (s) => new Uint8Array(Buffer.from(s, "base64"));
const rgb = (rgba) => Array.from(rgba).filter((_, i) => i % 4 !== 3);
let text = "";
process.stdin.on("data", (d) => (text += d));
process.stdin.on("end", () => {{
  const inp = JSON.parse(text);
  const out = {{
    boundary: inp.boundary.map(({{ b, q, cls, disc }}) =>
      rgb(boundaryPixels(b, bytes(q), cls ? bytes(cls) : null, disc).rgba)),
    points: inp.points.map(({{ task, v, b }}) => pointRGB(task, v, b)),
    rings: ["train", "test"].map((split) => pointRings(split)),
    maps: inp.maps.map(({{ m, q, res }}) => {{
      const all = [];
      const px = () => new Uint8ClampedArray(res * res * 4);
      for (let u = 0; u < m.units; u++) all.push(rgb(mapPixels(m, bytes(q), u, res, px())));
      return all;
    }}),
  }};
  process.stdout.write(JSON.stringify(out));
}});
"""


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        reason = "node is not installed (colour.js runs under node)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"The colour parity test must run under CI=true, but {reason}.")
        pytest.skip(reason)
    return node


def _colour_js(payload: dict) -> dict:
    run = subprocess.run(
        [_node(), "--input-type=module", "-e", NODE],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _run(epochs: int, **values):
    """A run of the Playground's settings (as a session makes it), trained a little."""
    state: dict = {}
    schema.init_session(state, {})
    for k, v in values.items():
        schema.set_setting(state, k, v)
    lab_mod.apply_head(state, lab_mod.task_of(state, values["dataset"]))
    lab_mod.sync_lab(state)
    state["lab"].trainer.run_epochs(epochs)
    return runs.run_of(state["lab"])


def _u8(b64: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(b64), dtype=np.uint8)


def _values_of(part: dict, K: int) -> np.ndarray:
    """h as the part holds it (its quantized values, dequantized), shape (res², K): what
    the view colours, given to Python too."""
    lo, hi = part["lo"], part["hi"]
    top = lo + _u8(part["q"]).astype(np.float64) / 255 * (hi - lo)  # (res²,)
    if part["kind"] != "multiclass":
        return top[:, None]
    h = np.full((top.size, K), lo - 1.0)  # every other class below the predicted one
    h[np.arange(top.size), _u8(part["cls"])] = top
    return h


RUNS = {
    "binary": {"dataset": "xor", "alpha": 0.3},
    "regression": {"dataset": "gaussian_bumps"},
    "multiclass": {"dataset": "blobs", "n_classes": 4},
}


@pytest.fixture(scope="module", params=list(RUNS))
def kind_run(request):
    return request.param, _run(8, **RUNS[request.param])


def test_js_and_python_colour_the_same_picture_the_same(kind_run):
    kind, run = kind_run
    part, trace = runs.export_grid(run, RES)
    assert part["kind"] == {"regression": "value"}.get(kind, kind)
    K = trace.a[-1].shape[1]
    small = {k: v for k, v in part.items() if k not in ("q", "cls")}
    ds = run.dataset
    labels = np.concatenate([ds.y_train, ds.y_test])[:40]  # (40,)
    maps = frames.maps_part(run.cfg, trace.a, RES)
    payload = {
        "boundary": [
            {"b": small, "q": part["q"], "cls": part.get("cls"), "disc": disc}
            for disc in (False, True)
        ],
        "points": [{"task": ds.task, "v": float(v), "b": small} for v in labels],
        "maps": [
            {"m": {k: v for k, v in m.items() if k != "q"}, "q": m["q"], "res": maps["res"]}
            for m in maps["layers"]
        ],
    }
    js = _colour_js(payload)
    h = _values_of(part, K)
    for disc, got in zip((False, True), js["boundary"], strict=True):
        want = figures.boundary_rgb(part, h, discretize=disc)  # (res, res, 3), row 0 the top
        assert np.array_equal(np.asarray(got).reshape(want.shape), want), (part["kind"], disc)
    want_points = figures.point_rgb(ds.task, labels, part)
    assert np.array_equal(np.asarray(js["points"]), want_points)
    # the neuron maps: maps_image of the same values, one tile per unit (scale 1)
    r, gap = maps["res"], 4
    for layer in maps["layers"]:
        q = _u8(layer["q"]).reshape(layer["units"], r, r).astype(np.float64)
        layer["values"] = layer["lo"] + q / 255 * (layer["hi"] - layer["lo"])
    img = figures.maps_image(maps, scale=1, gap=gap)
    for row, (layer, tiles) in enumerate(zip(maps["layers"], js["maps"], strict=True)):
        for j, tile in enumerate(tiles):
            top, left = gap + row * (r + gap), gap + j * (r + gap)
            want = img[top : top + r, left : left + r]
            assert np.array_equal(np.asarray(tile).reshape(r, r, 3), want), (layer["l"], j)


def test_the_palettes_are_the_same():
    """The colours themselves: the diverging ends and middle, and the ten class colours."""
    part = {"kind": "value", "lo": 0.0, "hi": 1.0, "mid": 0.5, "nx": 1, "ny": 1}
    js = _colour_js(
        {
            "boundary": [],
            "points": [{"task": "classification", "v": k, "b": part} for k in range(10)]
            + [{"task": "regression", "v": v, "b": part} for v in (0.0, 0.5, 1.0)],
            "maps": [],
        }
    )
    assert [tuple(c) for c in js["points"][:10]] == list(figures.CLASS_RGB)
    ends = (figures.NEGATIVE_RGB, figures.ZERO_RGB, figures.POSITIVE_RGB)
    assert [tuple(c) for c in js["points"][10:]] == list(ends)
    # a point's rings (dark and light, so it reads on any boundary), outermost first
    for split, rings in zip(("train", "test"), js["rings"], strict=True):
        want = [{"rgb": list(rgb), "width": w} for rgb, w in figures.POINT_RINGS[split]]
        assert rings == want, split
