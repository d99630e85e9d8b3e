"""Export and import (lab_ui.playground.runs): every file holds what the Lab has, and a run file
comes back
as the same Lab.

* run files (JSON and .npz): Θ, the history, the optimizer state and the data set re-import to
  identical arrays (hypothesis over data sets, networks, optimizers and batch sizes), and the
  imported Lab is kept by the next ``sync_lab`` and trains on as the original would;
* a refused file changes nothing and says why;
* CSV: the headers in course numbering and the values, read back with pandas, exactly;
* HTML: plotly.js inside the page (no script is fetched from anywhere) and the data in it;
* PNG: the boundary and the neuron maps decode (tests/test_png.py's decoder) to the size and
  the colours drawn;
* file names: our own words only, whatever the CSV file was called.
"""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bp_core import datasets as bp_datasets
from bp_core import io as bio
from lab_ui.playground import runs
from lab_ui.shared import figures, schema
from lab_ui.shared import lab as lab_mod
from tests.test_png import decode as decode_png

# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


def _session(**values) -> dict:
    state: dict = {}
    schema.init_session(state, {})
    for k, v in values.items():
        schema.set_setting(state, k, v)
    if "dataset" in values:
        lab_mod.apply_head(state, lab_mod.task_of(state, values["dataset"]))
    lab_mod.sync_lab(state)
    return state


def _trained(epochs: int = 3, **values) -> dict:
    state = _session(**values)
    state["lab"].trainer.run_epochs(epochs)
    return state


def _same_run(a: bio.Run, b: bio.Run) -> None:
    """Θ, history, optimizer state and data set identical (arrays bit for bit)."""
    assert a.cfg == b.cfg and a.settings == b.settings
    assert (a.epoch, a.steps) == (b.epoch, b.steps)
    for T, U in zip(a.Theta, b.Theta, strict=True):
        assert np.array_equal(T, U)
    ha, hb = a.history.as_arrays(), b.history.as_arrays()
    for k in ha:
        assert np.array_equal(ha[k], hb[k], equal_nan=True), k
    assert a.history.metric_name == b.history.metric_name
    assert set(a.optimizer_state) == set(b.optimizer_state)
    for k, v in a.optimizer_state.items():
        assert np.array_equal(v, b.optimizer_state[k]), k
    for k in ("X_train", "y_train", "X_test", "y_test", "raw_train", "raw_test"):
        A, B = getattr(a.dataset, k), getattr(b.dataset, k)
        assert (A is None) == (B is None), k
        if A is not None:
            assert np.array_equal(A, B), k
    for k in ("name", "task", "n_classes", "feature_names", "class_names", "plane_features"):
        assert getattr(a.dataset, k) == getattr(b.dataset, k), k


configs = st.fixed_dictionaries(
    {
        "dataset": st.sampled_from(["circle", "xor", "blobs", "plane", "moons"]),
        "hidden": st.sampled_from([(), (3,), (4, 2)]),
        "optimizer": st.sampled_from(["gd", "momentum", "adam"]),
        "batch": st.sampled_from([0, 16]),
        "n_points": st.sampled_from([100, 200]),
        "standardize": st.booleans(),
    }
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs, st.integers(0, 3))
def test_run_files_reimport_to_identical_arrays(values, epochs):
    if values["optimizer"] == "adam":
        values = {**values, "alpha": 0.01}
    values = {**values, "acts": ("tanh",) * len(values["hidden"])}
    state = _trained(epochs, **values)
    lab = state["lab"]
    run = runs.run_of(lab)
    for data in (runs.run_json(run), runs.run_npz(run)):
        back = runs.read_run(data)
        _same_run(run, back)
        # and as the session's Lab: same Θ, history, data and optimizer state
        fresh = _session()
        new = runs.import_run(fresh, data, "run file")
        assert lab_mod.sync_lab(fresh) is new  # the signatures match: not rebuilt
        _same_run(run, runs.run_of(new))
        for k, v in values.items():
            assert fresh[k] == v, k


def test_an_imported_run_trains_on_as_the_original_would():
    state = _trained(4, optimizer="momentum", alpha=0.3)
    lab = state["lab"]
    data = runs.run_npz(runs.run_of(lab))
    fresh = _session(seed=9)  # another seed: the file's data and Θ win anyway
    new = runs.import_run(fresh, data, "saved.npz")
    lab.trainer.run_epochs(3)
    lab_mod.sync_lab(fresh).trainer.run_epochs(3)  # full batch: no generator involved
    for T, U in zip(lab.trainer.Theta, new.trainer.Theta, strict=True):
        assert np.array_equal(T, U)
    assert new.trainer.epoch == 7 and any("imported" in e for e in new.edits)
    assert any("Imported" in n for n in fresh["_notes"])
    assert any(runs.NOT_IN_A_RUN_NOTE in n for n in fresh["_notes"])


def test_an_imported_run_shows_its_settings_and_a_later_change_rebuilds_from_them():
    state = _trained(2, dataset="spiral", hidden=(5,), acts=("relu",), alpha=0.3, batch=16)
    data = runs.run_json(runs.run_of(state["lab"]))
    fresh = _session()
    runs.import_run(fresh, data, "r.json")
    for k in ("dataset", "hidden", "acts", "alpha", "batch", "output", "loss", "n_points"):
        assert fresh[k] == state[k], k
    assert fresh["preset"] == ""
    schema.set_setting(fresh, "hidden", (3,))  # a network change: new Θ, the file's data kept
    lab = lab_mod.sync_lab(fresh)
    assert lab.cfg.layer_sizes == (2, 3, 1) and lab.trainer.epoch == 0


def test_a_csv_run_is_imported_with_its_data():
    rng = np.random.default_rng(2)
    X = rng.uniform(-2, 2, size=(80, 2))
    body = "a,b,label\n" + "".join(
        f"{float(x)!r},{float(y)!r},{'yes' if x * y > 0 else 'no'}\n" for x, y in X
    )
    state = _session()
    csv = lab_mod.load_csv_file(state, body.encode(), "evil](http://x).csv")
    state["_csv"] = csv
    schema.set_setting(state, "dataset", schema.CSV_DATASET)
    lab = lab_mod.sync_lab(state)
    lab.trainer.run_epochs(2)
    data = runs.run_json(runs.run_of(lab))
    fresh = _session()
    new = runs.import_run(fresh, data, "csv run.json")
    assert fresh["dataset"] == schema.CSV_DATASET and fresh["_csv"].dataset is new.dataset
    assert lab_mod.sync_lab(fresh) is new
    _same_run(runs.run_of(lab), runs.run_of(new))
    # a data change reads the kept CSV text again: same rows, a new split
    schema.set_setting(fresh, "train_pct", 70)
    again = lab_mod.sync_lab(fresh)
    assert again is not new and again.dataset.m_train == 56 and not again.problem
    assert set(again.dataset.class_names) == {"no", "yes"}
    assert runs.file_stem(new).startswith("backprop-lab_csv_epoch2")


BAD_FILES = [
    (b"", "not valid JSON"),
    (b"PK\x03\x04 not really a zip", "not an .npz"),
    (b'{"format": "something else"}', "not a saved run"),
    (b"\xff\xfe garbage", "not a text"),
]


@pytest.mark.parametrize("data,words", BAD_FILES)
def test_a_refused_file_changes_nothing(data, words):
    state = _trained(2)
    before = dict(state)
    lab = state["lab"]
    with pytest.raises(ValueError, match=words):
        runs.import_run(state, data, "bad")
    assert state == before and state["lab"] is lab and lab.trainer.epoch == 2


def test_a_run_the_playground_cannot_show_is_refused_in_words():
    state = _trained(1, alpha=0.3)
    run = runs.run_of(state["lab"])
    from dataclasses import replace

    odd = replace(run, settings=replace(run.settings, alpha=0.05))
    fresh = _session()
    before = dict(fresh)
    with pytest.raises(ValueError, match="Playground cannot show .*Learning rate"):
        runs.import_run(fresh, runs.run_json(odd), "odd.json")
    assert fresh == before


# ---------------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------------


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data))  # pandas' default parser reads repr floats exactly


def test_history_csv_headers_and_values():
    lab = _trained(5)["lab"]
    h = lab.trainer.history
    df = _read_csv(runs.table_csv(runs.history_table(h)))
    assert list(df.columns) == [
        "epoch",
        "step",
        "J_train",
        "J_test",
        "accuracy_train",
        "accuracy_test",
        "norm_D(1)",
        "norm_D(2)",
        "norm_D(3)",
        "mean_abs_delta(2)",
        "mean_abs_delta(3)",
        "mean_abs_delta(4)",
        "saturation(2)",
        "saturation(3)",
    ]
    assert df["epoch"].tolist() == list(range(6))
    assert np.array_equal(df["J_train"].to_numpy(), np.array(h.J_train))
    assert np.array_equal(df["norm_D(3)"].to_numpy(), np.array(h.grad_norm)[:, 2])
    assert np.array_equal(df["saturation(2)"].to_numpy(), np.array(h.saturation)[:, 0])


def test_regression_history_names_its_metric_r2():
    lab = _trained(1, dataset="plane")["lab"]
    cols = runs.history_table(lab.trainer.history).columns
    assert "R2_train" in cols and "R2_test" in cols


def test_matrix_csv_headers_and_values():
    lab = _trained(3)["lab"]
    run = runs.run_of(lab)
    trace = lab_mod.training_trace(lab)  # the Lab's own full-batch backprop
    df = _read_csv(runs.table_csv(runs.matrix_table(run, "Theta", 2)))
    T = lab.trainer.Theta[1]  # Θ^(2), (2, 5)
    assert list(df.columns) == [
        "j",
        "Theta(2)_j,0 (bias)",
        "Theta(2)_j,1",
        "Theta(2)_j,2",
        "Theta(2)_j,3",
        "Theta(2)_j,4",
    ]
    assert df["j"].tolist() == [1, 2]
    assert np.array_equal(df.iloc[:, 1:].to_numpy(), T)
    for kind, got in (("Delta", trace.Delta), ("D", trace.D)):
        df = _read_csv(runs.table_csv(runs.matrix_table(run, kind, 1)))
        assert df.columns[1] == f"{kind}(1)_j,0 (bias)"
        assert np.array_equal(df.iloc[:, 1:].to_numpy(), got[0])
    df = _read_csv(runs.table_csv(runs.matrix_table(run, "delta", 3)))
    assert list(df.columns) == ["i", "delta(3)_1", "delta(3)_2"]
    assert df["i"].tolist() == list(range(1, lab.dataset.m_train + 1))
    assert np.array_equal(df.iloc[:, 1:].to_numpy(), trace.delta[2])
    df = _read_csv(runs.table_csv(runs.matrix_table(run, "a", 1)))  # a^(1) = x
    assert np.array_equal(df.iloc[:, 1:].to_numpy(), lab.dataset.X_train)
    with pytest.raises(ValueError, match="no delta\\(1\\)"):
        runs.matrix_table(run, "delta", 1)
    assert len(runs.matrix_choices(4)) == 3 * 3 + 4 + 3


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def _plotly_data(html: str) -> list[list[dict]]:
    """The data of every Plotly.newPlot call in the page, typed arrays decoded."""
    out = []
    dec = json.JSONDecoder()
    for m in re.finditer(r"Plotly\.newPlot\(\s*\"[^\"]+\",\s*", html):
        data, _ = dec.raw_decode(html, m.end())
        out.append(data)
    return out


def _values(v):
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
    return np.asarray([np.nan if x is None else x for x in v], dtype=np.float64)


def test_html_has_plotly_inside_and_the_data():
    state = _trained(4, dataset="xor")
    lab = state["lab"]
    html = runs.figures_html(runs.run_of(lab), state).decode("utf-8")
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all("src" not in s for s in scripts), scripts  # nothing fetched
    assert not re.search(r"""<(script|link)[^>]+(src|href)\s*=\s*["']?https?:""", html)
    assert "plotly.js v" in html and len(html) > 3_000_000  # the bundle itself, inline
    plots = _plotly_data(html)
    assert len(plots) == 3  # boundary, network, curves
    boundary, network, curves = plots
    ds = lab.dataset
    train0 = next(t for t in boundary if t.get("name") == "train: class 0")
    sel = ds.y_train == 0
    assert np.array_equal(_values(train0["x"]), ds.raw_train[sel, 0])
    assert np.array_equal(_values(train0["y"]), ds.raw_train[sel, 1])
    hover = next(t for t in network if t.get("hoverinfo") == "text" and "Θ" in t["text"][0])
    assert len(hover["text"]) == lab.cfg.n_weights
    J = next(t for t in curves if t.get("name") == "J train")
    assert np.array_equal(_values(J["y"]), np.array(lab.trainer.history.J_train))


def test_html_without_a_plane_has_the_network_and_the_curves():
    state = _trained(0, dataset="digits", hidden=(4,), acts=("sigmoid",))
    plots = _plotly_data(runs.figures_html(runs.run_of(state["lab"]), state).decode())
    assert len(plots) == 2


# ---------------------------------------------------------------------------------------------
# PNG
# ---------------------------------------------------------------------------------------------


def test_boundary_png_decodes_to_the_picture_with_the_points():
    state = _trained(20, dataset="xor", alpha=0.3)
    lab = state["lab"]
    run = runs.run_of(lab)
    img = decode_png(runs.boundary_png(run, state))
    side = runs.EXPORT_RES * 4
    assert img.shape == (side, side, 3)
    part, trace = runs.export_grid(run, runs.EXPORT_RES)
    rgb = figures.boundary_rgb(part, trace.a[-1])  # (res, res, 3), row 0 the top
    # a pixel far from every point has its grid cell's colour
    (x0, x1), (y0, y1) = part["img_x"], part["img_y"]
    raw = np.vstack([lab.dataset.raw_train, lab.dataset.raw_test])
    px = (raw[:, 0] - x0) / (x1 - x0) * side
    py = (y1 - raw[:, 1]) / (y1 - y0) * side
    rows, cols = np.mgrid[0:side, 0:side]
    far = np.ones((side, side), bool)
    # beyond a point's outermost ring (its fill radius and its rings, figures.POINT_RINGS)
    reach = 3.6 + max(sum(w for _, w in rings) for rings in figures.POINT_RINGS.values())
    for cx, cy in zip(px, py, strict=True):
        far &= np.hypot(cols + 0.5 - cx, rows + 0.5 - cy) > reach + 0.5
    assert far.sum() > 1000
    assert np.array_equal(img[far], rgb[rows[far] // 4, cols[far] // 4])
    # the centre of a training point has its class colour
    i = 0
    c = img[int(py[i]), int(px[i])]
    assert tuple(c) == figures.CLASS_RGB[int(lab.dataset.y_train[i])]


def test_boundary_colours_are_the_live_views():
    part = {"kind": "binary", "lo": 0.0, "hi": 1.0, "mid": 0.5, "nx": 3, "ny": 1}
    h = np.array([[0.0], [0.5], [1.0]])
    rgb = figures.boundary_rgb(part, h)
    assert [tuple(c) for c in rgb[0]] == [
        figures.NEGATIVE_RGB,
        figures.ZERO_RGB,
        figures.POSITIVE_RGB,
    ]
    # half way: Math.round(248 + (8 − 248)·0.5) = 128 …
    assert tuple(figures.diverging_rgb(np.array(0.5))) == (128, 184, 219)


def test_maps_png_has_a_tile_per_unit():
    lab = _trained(2, hidden=(4, 2))["lab"]
    img = decode_png(runs.maps_png(runs.run_of(lab)))
    r, gap = runs.MAPS_RES * 2, 4
    assert img.shape == (3 * (r + gap) + gap, 4 * (r + gap) + gap, 3)
    # layer 3's third tile does not exist: white there
    top, left = gap + 1 * (r + gap), gap + 2 * (r + gap)
    assert np.all(img[top : top + r, left : left + r] == 255)


def test_no_png_without_a_plane():
    state = _trained(0, dataset="digits", hidden=(4,), acts=("sigmoid",))
    with pytest.raises(ValueError, match="not points of a plane"):
        runs.boundary_png(runs.run_of(state["lab"]), state)
    keys = [d.key for d in runs.downloads(state["lab"], state, ("Theta", 1))]
    assert "png_boundary" not in keys and "png_maps" not in keys


# ---------------------------------------------------------------------------------------------
# What is offered
# ---------------------------------------------------------------------------------------------

SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def test_every_file_name_is_safe_and_every_file_is_made_on_demand():
    state = _session()
    csv = lab_mod.load_csv_file(state, b"x1,x2,label\n0,1,0\n1,0,1\n0,0,0\n1,1,1\n", "../a b.csv")
    state["_csv"] = csv
    schema.set_setting(state, "dataset", schema.CSV_DATASET)
    lab = lab_mod.sync_lab(state)
    items = runs.downloads(lab, state, ("D", 2))
    assert {d.key for d in items} == {
        "json",
        "npz",
        "history",
        "matrix",
        "html",
        "png_boundary",
        "png_maps",
    }
    for d in items:
        assert SAFE.match(d.file_name) and "a b" not in d.file_name, d.file_name
        assert d.mime == runs.MIME[d.file_name.rsplit(".", 1)[1]]
        data = d.make()
        assert isinstance(data, bytes) and data
    assert next(d for d in items if d.key == "matrix").file_name.endswith("_D2.csv")


def test_every_file_holds_the_run_as_it_was_offered():
    state = _trained(1)
    lab = state["lab"]
    Theta = [T.copy() for T in lab.trainer.Theta]
    items = {d.key: d for d in runs.downloads(lab, state, ("Theta", 1))}
    lab.trainer.run_epochs(2)  # trained on after the page was drawn (Play, then a click)
    assert all("_epoch1" in d.file_name for d in items.values())
    assert runs.read_run(items["json"].make()).epoch == 1
    assert runs.read_run(items["npz"].make()).epoch == 1
    assert _read_csv(items["history"].make())["epoch"].tolist() == [0, 1]
    assert np.array_equal(_read_csv(items["matrix"].make()).iloc[:, 1:].to_numpy(), Theta[0])
    assert "at epoch 1</title>" in items["html"].make().decode()


def test_json_is_not_offered_for_a_run_too_big_for_it():
    digits = _session(dataset="digits", hidden=(32,), acts=("sigmoid",))["lab"]
    assert not runs.json_too_big(digits)
    assert runs.run_json(runs.run_of(digits))  # 1,797 images of 64 pixels fit in JSON
    state = _session()
    rng = np.random.default_rng(0)
    m = 300_000  # 300,000 points: 1.5 million numbers with their labels and plane points
    raw = rng.uniform(-6, 6, size=(m, 2))
    big = bp_datasets.Dataset(
        name="circle",
        X_train=raw[:-10],
        y_train=(raw[:-10, 0] > 0).astype(np.int64),
        X_test=raw[-10:],
        y_test=(raw[-10:, 0] > 0).astype(np.int64),
        task="classification",
        n_classes=2,
        feature_names=("x1", "x2"),
        raw_train=raw[:-10],
        raw_test=raw[-10:],
        plane_features=("x1", "x2"),
    )
    lab = lab_mod.build_lab(state, big)
    assert runs.json_too_big(lab)
    with pytest.raises(ValueError, match="npz"):
        bio.to_json(runs.run_of(lab))
    assert runs.read_run(runs.run_npz(runs.run_of(lab))).dataset.m_train == m - 10


# ---------------------------------------------------------------------------------------------
# The Playground settings travel in the file (app_settings)
# ---------------------------------------------------------------------------------------------


def test_a_downloaded_run_brings_back_every_playground_setting():
    state = _trained(
        2, dataset="moons", noise=0.35, seed=42, init="xavier", hidden=(3,), acts=("tanh",)
    )
    items = {d.key: d for d in runs.downloads(state["lab"], state, ("Theta", 1))}
    for key in ("json", "npz"):
        fresh = _session()
        runs.import_run(fresh, items[key].make(), f"r.{key}")
        for s in schema.SCHEMA:
            if s.group in schema.NETWORK_GROUPS:
                assert fresh[s.name] == state[s.name], (key, s.name)
        assert not any(runs.NOT_IN_A_RUN_NOTE in n for n in fresh["_notes"])
        # a later network change draws Θ from the file's seed and initialization
        schema.set_setting(fresh, "hidden", (4,))
        schema.set_setting(state, "hidden", (4,))
        got, want = lab_mod.sync_lab(fresh).trainer.Theta, lab_mod.build_lab(state).trainer.Theta
        for T, U in zip(got, want, strict=True):
            assert np.array_equal(T, U)
        schema.set_setting(state, "hidden", (3,))


def test_a_bad_or_unknown_app_setting_is_left_out_with_a_note():
    from dataclasses import replace

    state = _trained(1, seed=3)
    run = runs.run_of(state["lab"], state)
    app = {**run.app_settings, "seed": 10**7, "noise": 0.2, "from_the_future": 1}
    fresh = _session(seed=5)
    runs.import_run(fresh, runs.run_json(replace(run, app_settings=app)), "r.json")
    assert fresh["seed"] == 5 and fresh["noise"] == 0.2
    assert any("Random seed" in n and "was not used" in n for n in fresh["_notes"])


def test_a_run_with_drawn_points_keeps_them_and_says_the_count_is_not_offered():
    from dataclasses import replace

    from bp_core.datasets.edit import add_point

    state = _trained(2)
    run = runs.run_of(state["lab"])
    drawn = replace(run, dataset=add_point(add_point(run.dataset, (1.0, 2.0), 1), (0.0, 0.5), 0))
    fresh = _session(n_points=200)
    new = runs.import_run(fresh, runs.run_npz(drawn), "drawn.npz")
    assert new.dataset.m_train == run.dataset.m_train + 2
    assert np.array_equal(new.dataset.raw_train[-1], [0.0, 0.5])
    assert fresh["n_points"] == 200  # 502 is not a choice: the sidebar keeps its value
    assert any("keeps your value" in n for n in fresh["_notes"])
    assert lab_mod.sync_lab(fresh) is new
