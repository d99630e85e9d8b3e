"""Tests for bp_core.io: saving and loading runs as JSON and .npz, and refusing bad files."""

from __future__ import annotations

import io
import json
import math
import pickle
import zipfile
from dataclasses import dataclass, replace

import numpy as np
import pytest

from bp_core import datasets as ds
from bp_core import io as bio
from bp_core.config import NetConfig
from bp_core.initializers import init_weights
from bp_core.training import Trainer, TrainSettings

# --------------------------------------------------------------------------------------
# Runs to save
# --------------------------------------------------------------------------------------


def _train(data, cfg, settings, epochs=4, seed=0) -> bio.Run:
    Theta = init_weights(cfg, np.random.default_rng(seed), "xavier")
    tr = Trainer(cfg, Theta, data, settings, np.random.default_rng(seed + 1))
    tr.run_epochs(epochs)
    return bio.run_from_trainer(tr, data)


def planar_run() -> bio.Run:
    data = ds.make_dataset(
        "circle",
        n=80,
        rng=np.random.default_rng(0),
        features=("x1", "x2", "x1^2", "sin(x2)"),
        standardize=True,
    )
    cfg = NetConfig((4, 5, 3, 1), hidden_activation=("tanh", "relu"), lambda_=0.01)
    return _train(data, cfg, TrainSettings(alpha=0.1, batch_size=16, optimizer="adam"))


def digits_run() -> bio.Run:
    data = ds.load_digits(rng=np.random.default_rng(0))
    cfg = NetConfig((64, 10, 10), output="softmax")
    return _train(data, cfg, TrainSettings(alpha=0.5, record_gradients=False), epochs=2)


def regression_run() -> bio.Run:
    data = ds.make_dataset("plane", n=40, rng=np.random.default_rng(2))
    cfg = NetConfig((2, 3, 1), output="linear", loss="mse")
    return _train(data, cfg, TrainSettings(alpha=0.01, optimizer="momentum"))


@dataclass
class Minimal:
    """Only what the trainer needs: no names, no raw points, no test set."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str = "classification"


def minimal_run() -> bio.Run:
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1, 1, 0])
    return _train(Minimal(X, y, X[:0], y[:0]), NetConfig((2, 2, 1)), TrainSettings(alpha=1.0))


RUNS = {"planar": planar_run, "digits": digits_run, "regression": regression_run}
RUNS["minimal"] = minimal_run


@pytest.fixture(scope="module")
def run() -> bio.Run:
    return planar_run()


@pytest.fixture(scope="module")
def doc(run) -> dict:
    return json.loads(bio.to_json(run))


def npz_bytes(run: bio.Run) -> bytes:
    buf = io.BytesIO()
    bio.save_npz(run, buf)
    return buf.getvalue()


# --------------------------------------------------------------------------------------
# Round trips
# --------------------------------------------------------------------------------------


def assert_same_run(a: bio.Run, b: bio.Run) -> None:
    assert b.cfg == a.cfg
    assert b.settings == a.settings
    assert (b.epoch, b.steps) == (a.epoch, a.steps)
    assert len(b.Theta) == len(a.Theta)
    for Tb, Ta in zip(b.Theta, a.Theta, strict=True):
        assert Tb.dtype == np.float64
        np.testing.assert_array_equal(Tb, Ta)
        assert Tb.tobytes() == np.asarray(Ta, dtype=np.float64).tobytes()  # bit for bit
    assert b.history.metric_name == a.history.metric_name
    ha, hb = a.history.as_arrays(), b.history.as_arrays()
    for k in ha:
        np.testing.assert_array_equal(hb[k], ha[k])  # NaN counts as equal to NaN here
    da, db = a.dataset, b.dataset
    assert isinstance(db, ds.Dataset)
    for k in ("X_train", "y_train", "X_test", "y_test"):
        A, B = np.asarray(getattr(da, k)), getattr(db, k)
        np.testing.assert_array_equal(B, A)
        assert B.shape == A.shape
        assert B.dtype.kind == A.dtype.kind
    assert db.task == da.task
    if isinstance(da, ds.Dataset):
        for k in ("name", "n_classes", "feature_names", "class_names", "image_shape"):
            assert getattr(db, k) == getattr(da, k)
        assert db.plane_features == da.plane_features
        assert db.is_planar == da.is_planar
        if da.is_planar:
            np.testing.assert_array_equal(db.raw_train, da.raw_train)
            np.testing.assert_array_equal(db.raw_test, da.raw_test)
        assert (db.standardizer is None) == (da.standardizer is None)
        if da.standardizer is not None:
            np.testing.assert_array_equal(db.standardizer.mean, da.standardizer.mean)
            np.testing.assert_array_equal(db.standardizer.std, da.standardizer.std)


@pytest.mark.parametrize("kind", list(RUNS))
def test_json_round_trip(kind):
    run = RUNS[kind]()
    text = bio.to_json(run)
    assert_same_run(run, bio.from_json(text))
    assert_same_run(run, bio.from_json(text.encode()))


@pytest.mark.parametrize("kind", list(RUNS))
def test_npz_round_trip(kind, tmp_path):
    run = RUNS[kind]()
    path = tmp_path / "run.npz"
    bio.save_npz(run, path)
    assert_same_run(run, bio.load_npz(path))
    assert_same_run(run, bio.load_npz(str(path)))
    data = npz_bytes(run)
    assert_same_run(run, bio.load_npz(data))
    assert_same_run(run, bio.load_npz(io.BytesIO(data)))


def test_json_is_strict_json_with_nan_and_inf_in_history():
    run = minimal_run()  # no test set: J_test and metric_test are NaN
    run.history.grad_norm[0][0] = math.inf
    run.history.mean_abs_delta[0][0] = -math.inf
    text = bio.to_json(run)

    def no_constants(name):
        raise AssertionError(f"bare {name} in the JSON")

    json.loads(text, parse_constant=no_constants)  # NaN / Infinity never written
    back = bio.from_json(text)
    assert math.isnan(back.history.J_test[0])
    assert back.history.grad_norm[0][0] == math.inf
    assert back.history.mean_abs_delta[0][0] == -math.inf
    assert_same_run(run, back)


def test_the_two_formats_agree(run):
    assert_same_run(bio.from_json(bio.to_json(run)), bio.load_npz(npz_bytes(run)))


def test_npz_layout(run):
    with np.load(io.BytesIO(npz_bytes(run)), allow_pickle=False) as f:
        names = set(f.files)
        meta = json.loads(str(f["meta"][()]))
        assert f["meta"].shape == () and f["meta"].dtype.kind == "U"
    assert {"Theta_1", "Theta_2", "Theta_3", "X_train", "raw_test", "standardizer_std"} <= names
    assert meta["format"] == bio.FORMAT_NAME and meta["version"] == bio.FORMAT_VERSION
    assert "Theta" not in meta  # Θ is stored as arrays, not text


def test_loaded_run_trains_on(run):
    loaded = bio.load_npz(npz_bytes(run))
    tr = bio.restore_trainer(loaded, np.random.default_rng(5))
    assert (tr.epoch, tr.steps) == (run.epoch, run.steps)
    assert len(tr.history) == len(run.history)
    for T, T0 in zip(tr.Theta, run.Theta, strict=True):
        np.testing.assert_array_equal(T, T0)
    assert tr.run_epoch()
    assert tr.epoch == run.epoch + 1 and len(tr.history) == len(run.history) + 1


def test_saving_nan_theta_is_refused(run):
    bad = replace(run, Theta=(np.full_like(run.Theta[0], np.nan), *run.Theta[1:]))
    with pytest.raises(ValueError, match="NaN"):
        bio.to_json(bad)
    with pytest.raises(ValueError, match="NaN"):
        bio.save_npz(bad, io.BytesIO())


# --------------------------------------------------------------------------------------
# Invalid or hostile JSON
# --------------------------------------------------------------------------------------


def _edit(doc: dict, path: tuple, value=None, delete=False) -> str:
    d = json.loads(json.dumps(doc))
    target = d
    for p in path[:-1]:
        target = target[p]
    if delete:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return json.dumps(d)


@pytest.mark.parametrize(
    "text, match",
    [
        ("this is not json", "not valid JSON"),
        ("", "not valid JSON"),
        ("[1, 2, 3]", "not a saved run"),
        ("[" * 100_000 + "]" * 100_000, "more than 8 levels deep"),
        ("[1]]]]", "not valid JSON"),
        (b"\xff\xfe\x00", "not a text"),
        (12, "text of a JSON file"),
    ],
)
def test_json_not_a_run(text, match):
    with pytest.raises(ValueError, match=match):
        bio.from_json(text)


@pytest.mark.parametrize(
    "path, value, delete, match",
    [
        (("format",), "something-else", False, "not a saved run"),
        (("format",), None, True, "not a saved run"),
        (("version",), None, True, "no format version"),
        (("version",), 2, False, "version 2"),
        (("version",), "1", False, "version '1'"),
        (("version",), True, False, "version True"),
        (("config",), None, True, "missing 'config'"),
        (("Theta",), None, True, "missing 'Theta'"),
        (("history",), None, True, "missing 'history'"),
        (("settings",), None, True, "missing 'settings'"),
        (("dataset",), None, True, "missing 'dataset'"),
        (("epoch",), None, True, "missing 'epoch'"),
        (("config", "loss"), None, True, "missing 'loss'"),
        (("settings", "alpha"), None, True, "missing 'alpha'"),
        (("history", "J_train"), None, True, "missing 'J_train'"),
        (("dataset", "X_train"), None, True, "missing 'X_train'"),
        (("dataset", "raw_test"), None, True, "raw_train without raw_test"),
        (("surprise",), 1, False, "does not know: 'surprise'"),
        (("config", "dropout"), 0.5, False, "does not know: 'dropout'"),
        (("dataset", "labels"), [], False, "does not know: 'labels'"),
    ],
)
def test_json_format_version_and_keys(doc, path, value, delete, match):
    with pytest.raises(ValueError, match=match):
        bio.from_json(_edit(doc, path, value, delete))


@pytest.mark.parametrize(
    "path, value, match",
    [
        (("config",), [1, 2], "named fields"),
        (("config", "layer_sizes"), "4-5-1", "list of whole numbers"),
        (("config", "layer_sizes"), [4, 2.5, 1], "whole number"),
        (("config", "layer_sizes"), [4, 0, 1], "at least 1"),
        (("config", "layer_sizes"), [4, True, 1], "whole number"),
        (("config", "activations"), 3, "text"),
        (("config", "activations"), "swish", "Unknown activation"),
        (("config", "output"), "linear", "Cross-entropy needs"),
        (("config", "lambda_"), "0.1", "number"),
        (("config", "lambda_"), -1, "λ"),
        (("settings", "alpha"), 0, "learning rate"),
        (("settings", "alpha"), "fast", "number"),
        (("settings", "batch_size"), 0, "at least 1"),
        (("settings", "batch_size"), 1.5, "whole number"),
        (("settings", "optimizer"), "rmsprop", "Unknown optimizer"),
        (("settings", "adam_eps"), -1, "Adam"),
        (("settings", "record_gradients"), "yes", "true or false"),
        (("epoch",), -1, "at least 0"),
        (("steps",), 1.5, "whole number"),
        (("history", "epoch"), [0, 1], "entries"),
        (("history", "J_train"), "low", "list"),
        (("history", "J_train", 0), "low", "number"),
        (("history", "grad_norm", 0), [1.0], "one per layer"),
        (("dataset", "task"), "clustering", "task"),
        (("dataset", "n_classes"), 1, "class labels 0"),
        (("dataset", "feature_names"), ["x1"], "4 features but 1 feature name"),
        (("dataset", "image_shape"), [8], "image shape"),
        (("dataset", "y_train", 0), 7, "class labels"),
        (("dataset", "y_train", 0), "cat", "numbers only"),
        (("dataset", "y_train"), [0, 1], "inconsistent"),
        (("dataset", "X_train", 0), [1.0, 2.0], "different lengths"),
        (("dataset", "standardizer_std", 0), 0.0, "positive std"),
        (("dataset", "raw_train"), [[1.0, 2.0, 3.0]], "x1, x2"),
    ],
)
def test_json_wrong_types_and_values(doc, path, value, match):
    with pytest.raises(ValueError, match=match):
        bio.from_json(_edit(doc, path, value))


@pytest.mark.parametrize(
    "edit, match",
    [
        (lambda d: d["Theta"].pop(), "needs 3 Θ matrices"),
        (lambda d: d["Theta"][0].pop(), r"Θ\^\(1\) should have shape \(5, 5\)"),
        (lambda d: [row.pop() for row in d["Theta"][1]], r"Θ\^\(2\) should have shape"),
        (lambda d: d["Theta"][2][0].__setitem__(0, "0.5"), "numbers only"),
        (lambda d: d["Theta"][2][0].__setitem__(0, None), "numbers only"),
        (lambda d: d["Theta"][2][0].__setitem__(0, 10**400), "too large"),
        (lambda d: d["config"].__setitem__("lambda_", 10**400), "too large"),
        (lambda d: d["Theta"].__setitem__(0, 0.5), "2-dimensional"),
        (lambda d: d["Theta"][1].__setitem__(0, [0.1]), "different lengths"),
        (lambda d: d["config"].__setitem__("layer_sizes", [4, 5, 3, 2]), "shape"),
        (lambda d: d["config"].__setitem__("layer_sizes", [3, 5, 3, 1]), "shape"),
    ],
)
def test_json_theta_must_match_the_config(doc, edit, match):
    d = json.loads(json.dumps(doc))
    edit(d)
    with pytest.raises(ValueError, match=match):
        bio.from_json(json.dumps(d))


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_json_nan_or_inf_in_theta(doc, token):
    d = json.loads(json.dumps(doc))
    d["Theta"][1][0][0] = 12345.678
    text = json.dumps(d).replace("12345.678", token)
    with pytest.raises(ValueError, match=r"Θ\^\(2\) contains NaN or inf"):
        bio.from_json(text)


def test_json_inf_in_data(doc):
    d = json.loads(json.dumps(doc))
    d["dataset"]["X_test"][0][0] = 12345.678
    with pytest.raises(ValueError, match="NaN or inf"):
        bio.from_json(json.dumps(d).replace("12345.678", "1e999"))


@pytest.mark.parametrize(
    "sizes, match",
    [
        ([4, 2000, 1], "2000 units; at most 1024"),
        ([4, *([3] * 20), 1], "22 layers; at most 20"),
    ],
)
def test_json_absurd_network_is_refused_before_theta_is_built(doc, sizes, match):
    with pytest.raises(ValueError, match=match):
        bio.from_json(_edit(doc, ("config", "layer_sizes"), sizes))


def test_json_too_many_numbers(doc, monkeypatch):
    n_numbers = sum(np.asarray(doc["dataset"][k]).size for k in ("X_train", "X_test"))
    monkeypatch.setattr(bio.schema, "MAX_NUMBERS", n_numbers)  # Θ alone takes us over
    with pytest.raises(ValueError, match="more than"):
        bio.from_json(json.dumps(doc))


def test_json_too_long(monkeypatch, doc):
    monkeypatch.setattr(bio.schema, "MAX_JSON_CHARS", 100)
    with pytest.raises(ValueError, match="larger than 100 characters"):
        bio.from_json(json.dumps(doc))


# --------------------------------------------------------------------------------------
# Invalid or hostile .npz files
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def arrays(run) -> dict[str, np.ndarray]:
    """A valid file's arrays, to spoil one at a time."""
    with np.load(io.BytesIO(npz_bytes(run)), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def _npz(arrays: dict, **changes) -> bytes:
    a = dict(arrays)
    for k, v in changes.items():
        if v is None:
            a.pop(k)
        else:
            a[k] = v
    buf = io.BytesIO()
    np.savez(buf, **a)  # allow_pickle=True by default: hostile files may hold pickles
    return buf.getvalue()


def _meta(arrays, **changes) -> np.ndarray:
    meta = json.loads(str(arrays["meta"][()]))
    meta.update(changes)
    return np.array(json.dumps(meta))


def test_npz_not_a_zip():
    for data in (b"", b"hello", json.dumps({"a": 1}).encode(), b"PK\x03\x04garbage"):
        with pytest.raises(ValueError, match="not an .npz file"):
            bio.load_npz(data)
    buf = io.BytesIO()
    np.save(buf, np.zeros(3))  # a single .npy, not an .npz
    with pytest.raises(ValueError, match="not an .npz file"):
        bio.load_npz(buf.getvalue())


def test_npz_missing_file(tmp_path):
    with pytest.raises(ValueError, match="Cannot open"):
        bio.load_npz(tmp_path / "nope.npz")


def test_npz_with_other_members():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("readme.txt", "hi")
    with pytest.raises(ValueError, match="not numpy arrays"):
        bio.load_npz(buf.getvalue())


def test_npz_corrupt_member(arrays):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("meta.npy", b"not an npy header at all")
    with pytest.raises(ValueError, match="not a readable numpy array"):
        bio.load_npz(buf.getvalue())


@pytest.mark.parametrize(
    "changes, match",
    [
        ({"meta": None}, "no 'meta' part"),
        ({"meta": np.array(["a", "b"])}, "should be one text"),
        ({"meta": np.array(1.0)}, "should be one text"),
        ({"meta": np.array("{not json")}, "not valid JSON"),
        ({"meta": np.array("[1]")}, "not a saved run"),
        ({"Theta_2": None}, "missing the arrays Theta_2"),
        ({"y_test": None}, "missing the arrays y_test"),
        ({"raw_test": None}, "raw_train without raw_test"),
        ({"standardizer_mean": None}, "standardizer_std without standardizer_mean"),
        ({"extra": np.zeros(2)}, "does not know: extra"),
        ({"Theta_4": np.zeros((1, 1))}, "does not know: Theta_4"),
        ({"Theta_1": np.zeros((5, 4))}, r"Θ\^\(1\) should have shape \(5, 5\)"),
        ({"Theta_3": np.zeros(4)}, r"Θ\^\(3\) should have shape \(1, 4\)"),
        ({"X_train": np.zeros(5)}, "X_train should be 2-dimensional"),
        ({"Theta_1": np.full((5, 5), "a")}, "plain numbers"),
        ({"Theta_1": np.zeros((5, 5), dtype=complex)}, "plain numbers"),
        ({"Theta_1": np.zeros((5, 5), dtype=bool)}, "plain numbers"),
        ({"Theta_1": np.zeros(5, dtype=[("a", "f8"), ("b", "f8")])}, "plain numbers"),
    ],
)
def test_npz_invalid(arrays, changes, match):
    with pytest.raises(ValueError, match=match):
        bio.load_npz(_npz(arrays, **changes))


@pytest.mark.parametrize(
    "meta_changes, match",
    [
        ({"version": 99}, "version 99"),
        ({"format": "zip"}, "not a saved run"),
        ({"extra": 1}, "does not know: 'extra'"),
        ({"config": {"layer_sizes": [4, 1]}}, "missing"),
        ({"epoch": "many"}, "whole number"),
    ],
)
def test_npz_invalid_meta(arrays, meta_changes, match):
    with pytest.raises(ValueError, match=match):
        bio.load_npz(_npz(arrays, meta=_meta(arrays, **meta_changes)))


def test_npz_meta_without_version(arrays):
    meta = json.loads(str(arrays["meta"][()]))
    del meta["version"]
    with pytest.raises(ValueError, match="no format version"):
        bio.load_npz(_npz(arrays, meta=np.array(json.dumps(meta))))


def test_npz_nan_in_theta(arrays):
    T = arrays["Theta_2"].copy()
    T[1, 1] = np.inf
    with pytest.raises(ValueError, match=r"Θ\^\(2\) contains NaN or inf"):
        bio.load_npz(_npz(arrays, Theta_2=T))


def test_npz_nan_in_data(arrays):
    X = arrays["X_train"].copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN or inf"):
        bio.load_npz(_npz(arrays, X_train=X))


def test_npz_absurd_layers(arrays):
    meta = json.loads(str(arrays["meta"][()]))
    meta["config"]["layer_sizes"] = [4, 100_000, 1]
    with pytest.raises(ValueError, match="at most 1024"):
        bio.load_npz(_npz(arrays, meta=np.array(json.dumps(meta))))


def test_npz_absurd_size_refused_from_the_header(arrays):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for k, A in arrays.items():
            if k == "X_test":
                continue
            member = io.BytesIO()
            np.save(member, A, allow_pickle=False)
            z.writestr(f"{k}.npy", member.getvalue())
        huge = io.BytesIO()
        np.lib.format.write_array_header_2_0(
            huge, {"descr": "<f8", "fortran_order": False, "shape": (100_000, 100_000)}
        )
        z.writestr("X_test.npy", huge.getvalue())  # claims 10^10 numbers, holds none
    data = buf.getvalue()
    with pytest.raises(ValueError, match="more than 10,000,000 numbers"):
        bio.load_npz(data)


def test_npz_duplicate_members(arrays):
    buf = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buf, "w") as z:
        for k in ("meta", "meta"):
            member = io.BytesIO()
            np.save(member, arrays[k], allow_pickle=False)
            z.writestr(f"{k}.npy", member.getvalue())
    with pytest.raises(ValueError, match="same name"):
        bio.load_npz(buf.getvalue())


def test_npz_meta_too_long_refused_from_the_header():
    huge_meta = io.BytesIO()
    np.lib.format.write_array_header_2_0(
        huge_meta, {"descr": "<U100000000", "fortran_order": False, "shape": ()}
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("meta.npy", huge_meta.getvalue())
    with pytest.raises(ValueError, match="longer than"):
        bio.load_npz(buf.getvalue())


# A pickle that records being unpickled: loading it must never call _record_unpickling.
UNPICKLED: list[str] = []


def _record_unpickling(what: str) -> str:
    UNPICKLED.append(what)
    return what


class Trap:
    def __reduce__(self):
        return (_record_unpickling, ("a pickle was loaded",))


def test_sanity_the_trap_springs_when_unpickled():
    UNPICKLED.clear()
    pickle.loads(pickle.dumps(Trap()))
    assert UNPICKLED == ["a pickle was loaded"]
    UNPICKLED.clear()


@pytest.mark.parametrize("key", ["Theta_1", "X_train", "meta", "y_train", "bonus"])
def test_npz_pickled_object_array_is_refused_without_unpickling(arrays, key):
    UNPICKLED.clear()
    trap = np.empty(2, dtype=object)
    trap[0], trap[1] = Trap(), Trap()
    data = _npz(arrays, **{key: trap})
    # the file really does hold a pickle that would run code
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b"_record_unpickling" in z.read(f"{key}.npy")
    with pytest.raises(ValueError, match="pickle"):
        bio.load_npz(data)
    assert UNPICKLED == []


def test_npz_is_always_read_without_pickles(run, monkeypatch):
    calls = []
    real_load = np.load

    def spy(*args, **kwargs):
        calls.append(kwargs.get("allow_pickle"))
        return real_load(*args, **kwargs)

    monkeypatch.setattr(np, "load", spy)
    bio.load_npz(npz_bytes(run))
    assert calls and all(c is False for c in calls)
