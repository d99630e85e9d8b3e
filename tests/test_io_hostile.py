"""Hostile run files: each is refused with a sentence, before its cost is paid.

Every file is built here, small, except where size itself is the point (then a cheap bytes
object just over the limit).  Each test asserts the words of the message, that the message
is short and quotes no more than a few dozen characters of the file, and — where the point
is *when* the refusal happens — that the expensive step (parsing the JSON, reading the
arrays) never ran.
"""

from __future__ import annotations

import io
import json
import time
import tracemalloc

import numpy as np
import pytest

from bp_core import datasets as ds
from bp_core import io as bio
from bp_core.config import NetConfig
from bp_core.initializers import init_weights
from bp_core.training import Trainer, TrainSettings

schema = bio.schema


def _run(data, cfg) -> bio.Run:
    Theta = init_weights(cfg, np.random.default_rng(0), "xavier")
    tr = Trainer(cfg, Theta, data, TrainSettings(alpha=0.1), np.random.default_rng(1))
    tr.run_epochs(2)
    return bio.run_from_trainer(tr, data)


@pytest.fixture(scope="module")
def planar_doc() -> dict:
    data = ds.make_dataset("circle", n=20, rng=np.random.default_rng(0))
    return json.loads(bio.to_json(_run(data, NetConfig((2, 3, 1)))))


@pytest.fixture(scope="module")
def image_doc() -> dict:
    """A small 'image' data set: 4 features drawn as 2 × 2 pixels, 3 classes."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(9, 4)), np.arange(9) % 3
    data = ds.Dataset(
        name="tiles",
        X_train=X[:6],
        y_train=y[:6],
        X_test=X[6:],
        y_test=y[6:],
        task="classification",
        n_classes=3,
        feature_names=("a", "b", "c", "d"),
        class_names=("r", "g", "b"),
        image_shape=(2, 2),
    )
    return json.loads(bio.to_json(_run(data, NetConfig((4, 3, 3), output="softmax"))))


def _edited(doc: dict, path: tuple, value) -> dict:
    d = json.loads(json.dumps(doc))
    target = d
    for p in path[:-1]:
        target = target[p]
    target[path[-1]] = value
    return d


def refused(call, *words: str) -> str:
    """Run ``call``; it must raise ValueError whose message has every word, ≤ 300 chars."""
    with pytest.raises(ValueError) as err:
        call()
    message = str(err.value)
    for w in words:
        assert w in message, message
    assert len(message) <= 300, message
    return message


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if json.loads (the expensive step) runs."""

    def forbidden(*args, **kwargs):
        raise AssertionError("the JSON text was parsed before it was refused")

    monkeypatch.setattr(schema.json, "loads", forbidden)


# --------------------------------------------------------------------------------------
# JSON: measured before it is parsed
# --------------------------------------------------------------------------------------


def test_json_just_over_the_byte_limit_is_refused_unparsed(no_parsing):
    data = b" " * (bio.MAX_JSON_BYTES + 1)  # cheap: one bytes object, no structure
    t = time.perf_counter()
    refused(lambda: bio.from_json(data), "larger than 8 MB", "8,388,609 bytes", ".npz")
    assert time.perf_counter() - t < 0.5


def test_json_text_just_over_the_character_limit_is_refused_unparsed(no_parsing):
    text = " " * (bio.MAX_JSON_CHARS + 1)
    refused(lambda: bio.from_json(text), "larger than 8,388,608 characters")


def test_a_37_mb_json_is_refused_at_once_and_without_memory():
    """The review's case: 37 MB of numbers took 10.8 s and +559 MB before its refusal."""
    data = b'{"format": "backprop-lab-run", "x": [' + b"0.5," * 9_250_000 + b"0.5]}"
    tracemalloc.start()
    t = time.perf_counter()
    refused(lambda: bio.from_json(data), "larger than 8 MB")
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 0.1 and peak < 1_000_000, (elapsed, peak)


def test_too_many_values_are_counted_before_parsing(no_parsing):
    data = b"[" + b"0," * bio.MAX_JSON_VALUES + b"0]"  # 2 MB, 1,000,001 values
    refused(lambda: bio.from_json(data), "more than 1,000,000 values", ".npz")


def test_deep_nesting_is_measured_before_parsing(no_parsing):
    depth = bio.MAX_JSON_DEPTH + 1
    refused(lambda: bio.from_json("[" * depth + "]" * depth), "more than 8 levels deep")


def test_brackets_inside_names_are_not_nesting(planar_doc):
    name = '[[[[[[[[[[ {{{{{{{{ \\" ]] "[[[['  # brackets, a backslash and quotes in a name
    doc = _edited(planar_doc, ("dataset", "name"), name)
    assert bio.from_json(json.dumps(doc)).dataset.name == name


def test_more_closing_than_opening_brackets(no_parsing):
    refused(lambda: bio.from_json("]]]]"), "not valid JSON")


def test_a_bom_before_the_json_is_accepted(planar_doc):
    data = b"\xef\xbb\xbf" + json.dumps(planar_doc).encode()
    assert bio.from_json(data).dataset.name == "circle"


# --------------------------------------------------------------------------------------
# Every field in range (JSON): the numbers that used to load and then raise MemoryError
# --------------------------------------------------------------------------------------

CASES = [
    (("dataset", "n_classes"), 10**9, ["1,000,000,000 classes", "at most 2"]),
    (("dataset", "n_classes"), 3, ["3 classes", "1 output unit", "at most 2"]),
    (("dataset", "n_classes"), 10**400, ["at most 1,000,000,000,000", "…"]),
    (("dataset", "image_shape"), [10**9, 10**9], ["1,000,000,000 × 1,000,000,000", "2 features"]),
    (("dataset", "image_shape"), [1, 3], ["1 × 3", "2 features"]),
    (("dataset", "image_shape"), [0, 2], ["image shape", "at least 1"]),
    (("dataset", "feature_names"), ["x" * 300, "x2"], ["300 characters", "'xxxxx", "…"]),
    (("dataset", "feature_names"), ["x1"] * 10**5, ["100,000 feature names", "room for at most 2"]),
    (("dataset", "class_names"), ["0", "1", "2"], ["3 class names", "room for at most 2"]),
    (("dataset", "class_names"), ["only one"], ["2 classes but 1 class names"]),
    (("dataset", "plane_features"), ["x1", "x9"], ["plane feature 'x9'", "x1^2"]),
    (("dataset", "plane_features"), [], ["points of the plane", "no plane features"]),
    (("dataset", "name"), "n" * 1000, ["1,000 characters", "at most 255"]),
    (("dataset", "task"), "t" * 1000, ["task should be", "…"]),
    (("epoch",), 10**13, ["at most 1,000,000,000,000"]),
    (("steps",), 10**13, ["at most 1,000,000,000,000"]),
    (("history", "epoch", 1), 10**6, ["row for epoch 1,000,000", "after the run's last epoch"]),
    (("history", "metric_name"), "m" * 300, ["300 characters"]),
    (("settings", "max_snapshots"), 10**13, ["max_snapshots", "between 0 and"]),
    (("settings", "record_every"), 0, ["record_every should be at least 1"]),
    (("settings", "record_every"), 2.5, ["record_every should be a whole number, not 2.5"]),
    (("settings", "batch_size"), 10**13, ["batch size", "between 0 and"]),
    (("settings", "alpha"), 1e999, ["learning rate α should be a finite number"]),
    (("settings", "optimizer"), "o" * 10_000, ["10,000 characters", "at most 40"]),
    (("config", "output"), "o" * 10_000, ["10,000 characters", "at most 40"]),
    (("config", "activations"), ["tanh"] * 30, ["30 items", "at most 20"]),
    (("format",), "f" * 10_000, ["not a saved run", "'fffff", "…"]),
    (("version",), "v" * 10_000, ["format version 'vvvv", "…"]),
    (("version",), [1] * 10_000, ["format version a list of 10000"]),
]


@pytest.mark.parametrize(("path", "value", "words"), CASES, ids=[str(c[:2])[:60] for c in CASES])
def test_every_meta_field_is_range_checked(planar_doc, path, value, words):
    text = json.dumps(_edited(planar_doc, path, value)).replace("Infinity", "1e999")
    refused(lambda: bio.from_json(text), *words)


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (("dataset", "n_classes"), 4, ["4 classes", "3 output units"]),
        (("dataset", "image_shape"), [4, 4], ["4 × 4", "4 features"]),
        (("dataset", "image_shape"), [4], ["two whole numbers"]),
    ],
)
def test_image_data_meta_is_range_checked(image_doc, path, value, words):
    refused(lambda: bio.from_json(json.dumps(_edited(image_doc, path, value))), *words)


def test_the_image_doc_itself_loads(image_doc):
    d = bio.from_json(json.dumps(image_doc)).dataset
    assert d.image_shape == (2, 2) and d.n_classes == 3 and d.class_names == ("r", "g", "b")


def test_regression_meta_is_range_checked():
    data = ds.make_dataset("plane", n=20, rng=np.random.default_rng(0))
    doc = json.loads(bio.to_json(_run(data, NetConfig((2, 3, 1), output="linear", loss="mse"))))
    refused(
        lambda: bio.from_json(json.dumps(_edited(doc, ("dataset", "n_classes"), 2))),
        "regression data set has no classes",
    )


def test_a_long_unknown_key_is_quoted_short(planar_doc):
    doc = dict(planar_doc)
    doc["k" * 100_000] = 1
    doc["second"] = doc["third"] = doc["fourth"] = 1
    message = refused(lambda: bio.from_json(json.dumps(doc)), "does not know", "and 1 more")
    assert "k" * 41 not in message


def test_an_unknown_activation_name_is_not_echoed_whole(planar_doc):
    doc = _edited(planar_doc, ("config", "activations"), ["s" * 39 + "!"])
    refused(lambda: bio.from_json(json.dumps(doc)), "Unknown activation")


def test_shapes_disagreeing_are_refused_before_arrays_are_made(planar_doc, monkeypatch):
    doc = _edited(planar_doc, ("dataset", "y_test"), [0] * 3)
    made = []
    real_array = np.array

    def spy(*args, **kwargs):
        made.append(1)
        return real_array(*args, **kwargs)

    text = json.dumps(doc)
    monkeypatch.setattr(bio.json_file.np, "array", spy)
    refused(lambda: bio.from_json(text), "inconsistent", "y_test has 3")
    assert made == []


# --------------------------------------------------------------------------------------
# Writing: a file that could not be loaded back is not written
# --------------------------------------------------------------------------------------


def test_to_json_refuses_what_from_json_would_refuse(monkeypatch):
    data = ds.make_dataset("circle", n=20, rng=np.random.default_rng(0))
    run = _run(data, NetConfig((2, 3, 1)))
    monkeypatch.setattr(schema, "MAX_JSON_VALUES", 50)
    refused(lambda: bio.to_json(run), "Cannot save this run as JSON", "more than 50 values")


def test_save_npz_refuses_too_many_numbers(monkeypatch):
    data = ds.make_dataset("circle", n=20, rng=np.random.default_rng(0))
    run = _run(data, NetConfig((2, 3, 1)))
    monkeypatch.setattr(schema, "MAX_NUMBERS", 10)
    refused(lambda: bio.save_npz(run, io.BytesIO()), "Cannot save this run", "more than the 10")


# --------------------------------------------------------------------------------------
# .npz: the meta text passes the same gate, and nothing is read before it is checked
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def npz_arrays() -> dict[str, np.ndarray]:
    data = ds.make_dataset("circle", n=20, rng=np.random.default_rng(0))
    buf = io.BytesIO()
    bio.save_npz(_run(data, NetConfig((2, 3, 1))), buf)
    with np.load(io.BytesIO(buf.getvalue()), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def _npz(arrays: dict, meta: dict | str | None = None, **changes) -> bytes:
    a = dict(arrays)
    if meta is not None:
        a["meta"] = np.array(meta if isinstance(meta, str) else json.dumps(meta))
    a.update(changes)
    buf = io.BytesIO()
    np.savez(buf, **a)
    return buf.getvalue()


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the .npz members actually read."""
    seen: list[str] = []
    real = np.lib.npyio.NpzFile.__getitem__

    def spy(self, key):
        seen.append(key)
        return real(self, key)

    monkeypatch.setattr(np.lib.npyio.NpzFile, "__getitem__", spy)
    return seen


@pytest.mark.parametrize(
    ("path", "value", "words"),
    [
        (("dataset", "n_classes"), 10**9, ["1,000,000,000 classes"]),
        (("dataset", "image_shape"), [10**9, 10**9], ["1,000,000,000 × 1,000,000,000"]),
        (("dataset", "feature_names"), ["f" * 5000, "x2"], ["5,000 characters"]),
        (("dataset", "class_names"), ["a"] * 50, ["50 class names", "room for at most 2"]),
        (("settings", "record_every"), -1, ["record_every", "between 0 and"]),
        (("epoch",), 10**13, ["at most 1,000,000,000,000"]),
    ],
)
def test_npz_meta_is_range_checked_before_any_array_is_read(npz_arrays, reads, path, value, words):
    meta = _edited(json.loads(str(npz_arrays["meta"][()])), path, value)
    data = _npz(npz_arrays, meta)
    reads.clear()
    refused(lambda: bio.load_npz(data), *words)
    assert reads == ["meta"]


def test_npz_shapes_are_checked_from_the_headers(npz_arrays, reads):
    data = _npz(npz_arrays, y_train=np.zeros(3, dtype=np.int64))
    reads.clear()
    refused(lambda: bio.load_npz(data), "inconsistent", "y_train has 3")
    assert reads == ["meta"]


def test_npz_meta_with_too_many_values_is_refused_unparsed(npz_arrays, no_parsing):
    data = _npz(npz_arrays, "[" + "0," * bio.MAX_JSON_VALUES + "0]")
    refused(lambda: bio.load_npz(data), "'meta' text holds more than 1,000,000 values")


def test_npz_meta_nested_too_deep(npz_arrays, no_parsing):
    data = _npz(npz_arrays, "[" * 50 + "]" * 50)
    refused(lambda: bio.load_npz(data), "'meta' text nests lists more than 8 levels")


def test_npz_member_names_are_quoted_short(npz_arrays):
    data = _npz(npz_arrays, **{"z" * 200: np.zeros(1)})
    message = refused(lambda: bio.load_npz(data), "does not know")
    assert "z" * 41 not in message
