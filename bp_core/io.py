"""Save and load a training run: configuration, Θ, history, settings and the data set.

Two formats, the same content:

* **JSON** (``to_json`` / ``from_json``): one object, readable in any text editor.
* **.npz** (``save_npz`` / ``load_npz``): numpy's zip of arrays, compressed.  The arrays are
  ``Theta_1`` … ``Theta_{L-1}`` (course superscripts: ``Theta_1`` is Θ^(1)), ``X_train``,
  ``y_train``, ``X_test``, ``y_test`` and, when present, ``raw_train``, ``raw_test``,
  ``standardizer_mean``, ``standardizer_std``; everything else (format, version,
  configuration, settings, history, the data set's names) is one JSON text stored in the
  0-d unicode array ``meta``.

Loading treats the file as untrusted.  It is read with ``np.load(..., allow_pickle=False)``,
and before any array is read its header is inspected, so object arrays (pickles) are refused
without being unpickled and absurd sizes are refused before memory is allocated.  Every
problem — not JSON, not an .npz, a wrong or missing format version, missing keys, **unknown
keys (rejected, not ignored, so a typo or a newer file never loads half-understood)**, wrong
types, Θ shapes that do not match the configuration, NaN or inf in Θ or the data, more than
``MAX_NUMBERS`` numbers, layers wider than ``MAX_LAYER_SIZE`` or more than ``MAX_LAYERS``
layers — raises ``ValueError`` with a sentence for the student.  Every object is rebuilt with
its normal constructor (``NetConfig``, ``TrainSettings``, ``Dataset``, …), so their checks run.

Not saved: the optimizer's state (momentum's velocity, Adam's moments), the random generator
and the Θ snapshots; a restored run resumes with a fresh optimizer state.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from .config import NetConfig
from .datasets import Dataset, Standardizer
from .training import History, Snapshot, Trainer, TrainSettings

Array = np.ndarray

FORMAT_NAME = "backprop-lab-run"
FORMAT_VERSION = 1

#: Limits on what a file may hold (checked before anything big is allocated).
MAX_NUMBERS = 10_000_000
MAX_LAYER_SIZE = 1024
MAX_LAYERS = 20
MAX_JSON_CHARS = 250_000_000
MAX_META_CHARS = 20_000_000
MAX_FILE_BYTES = 200_000_000

__all__ = [
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "MAX_JSON_CHARS",
    "MAX_LAYERS",
    "MAX_LAYER_SIZE",
    "MAX_META_CHARS",
    "MAX_NUMBERS",
    "Run",
    "from_json",
    "load_npz",
    "restore_trainer",
    "run_from_trainer",
    "save_npz",
    "to_json",
]


@dataclass(frozen=True, eq=False)
class Run:
    """Everything needed to look at (and continue) a training run.

    Attributes
    ----------
    cfg : NetConfig
    Theta : tuple of ndarray
        ``Theta[l]`` is Θ^(l+1), shape (s_{l+1}, s_l + 1), float64.
    settings : TrainSettings
    history : History
    dataset : Dataset
        A ``bp_core.datasets.Dataset``.  ``to_json`` / ``save_npz`` also accept any object
        with ``X_train``, ``y_train``, ``X_test``, ``y_test`` and ``task`` (the trainer's
        ``LabelledData``); it is loaded back as a ``Dataset``.
    epoch, steps : int
        Completed epochs and gradient steps.
    """

    cfg: NetConfig
    Theta: tuple[Array, ...]
    settings: TrainSettings
    history: History
    dataset: Any
    epoch: int
    steps: int


def run_from_trainer(trainer: Trainer, dataset: Any) -> Run:
    """A ``Run`` of the trainer's current state (Θ and the history are copied)."""
    return Run(
        cfg=trainer.cfg,
        Theta=tuple(np.array(T, dtype=np.float64, copy=True) for T in trainer.Theta),
        settings=trainer.settings,
        history=_history_from_dict(_history_to_dict(trainer.history), trainer.cfg),
        dataset=dataset,
        epoch=trainer.epoch,
        steps=trainer.steps,
    )


def restore_trainer(run: Run, rng: np.random.Generator) -> Trainer:
    """A ``Trainer`` that carries on from ``run``: its Θ, settings, history, epoch and steps.

    The optimizer starts afresh (its state is not saved) and the only Θ snapshot is the
    current one.
    """
    trainer = Trainer(run.cfg, run.Theta, run.dataset, run.settings, rng)
    trainer.history = _history_from_dict(_history_to_dict(run.history), run.cfg)
    trainer.epoch, trainer.steps = run.epoch, run.steps
    trainer.snapshots = [Snapshot(run.epoch, run.steps, trainer.Theta)]
    return trainer


# --------------------------------------------------------------------------------------
# Plain-data views of each part (what goes into the JSON)
# --------------------------------------------------------------------------------------

_CONFIG_KEYS = ("layer_sizes", "hidden_activation", "output", "loss", "lambda_")
_SETTINGS_KEYS = tuple(f.name for f in fields(TrainSettings))
_HISTORY_ROWS = ("epoch", "step", "J_train", "J_test", "metric_train", "metric_test")
_HISTORY_LAYERS = ("grad_norm", "mean_abs_delta", "saturation")
_HISTORY_KEYS = ("metric_name", *_HISTORY_ROWS, *_HISTORY_LAYERS)
_DATA_ARRAYS = ("X_train", "y_train", "X_test", "y_test")
_RAW_ARRAYS = ("raw_train", "raw_test")
_DATA_KEYS = (
    "name",
    "task",
    "n_classes",
    "feature_names",
    "class_names",
    "image_shape",
    "plane_features",
)
_TOP_KEYS = ("format", "version", "config", "settings", "history", "epoch", "steps")


def _config_to_dict(cfg: NetConfig) -> dict:
    act = cfg.hidden_activation
    return {
        "layer_sizes": list(cfg.layer_sizes),
        "hidden_activation": act if isinstance(act, str) else list(act),
        "output": cfg.output,
        "loss": cfg.loss,
        "lambda_": cfg.lambda_,
    }


def _settings_to_dict(settings: TrainSettings) -> dict:
    return {k: getattr(settings, k) for k in _SETTINGS_KEYS}


def _float_out(v: float) -> float | str | None:
    # JSON has no NaN or infinity: NaN is written as null, ±inf as the strings "inf", "-inf"
    v = float(v)
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _history_to_dict(h: History) -> dict:
    d: dict[str, Any] = {"metric_name": h.metric_name}
    d["epoch"] = [int(v) for v in h.epoch]
    d["step"] = [int(v) for v in h.step]
    for k in ("J_train", "J_test", "metric_train", "metric_test"):
        d[k] = [_float_out(v) for v in getattr(h, k)]
    for k in _HISTORY_LAYERS:
        d[k] = [[_float_out(v) for v in row] for row in getattr(h, k)]
    return d


def _data_meta(data: Any) -> dict:
    X_train = np.asarray(data.X_train)
    n = X_train.shape[1] if X_train.ndim == 2 else 0
    task = data.task
    n_classes = getattr(data, "n_classes", None)
    if n_classes is None:
        y = np.asarray(data.y_train)
        n_classes = 0 if task == "regression" or y.size == 0 else int(y.max()) + 1
    shape = getattr(data, "image_shape", None)
    return {
        "name": str(getattr(data, "name", "data")),
        "task": task,
        "n_classes": int(n_classes),
        "feature_names": list(getattr(data, "feature_names", [f"x{j + 1}" for j in range(n)])),
        "class_names": list(getattr(data, "class_names", ())),
        "image_shape": None if shape is None else [int(s) for s in shape],
        "plane_features": list(getattr(data, "plane_features", ())),
    }


def _data_arrays(data: Any) -> dict[str, Array]:
    """The data set's arrays by file key (the optional ones only when present)."""
    out = {k: np.asarray(getattr(data, k)) for k in _DATA_ARRAYS}
    if getattr(data, "raw_train", None) is not None:
        for k in _RAW_ARRAYS:
            out[k] = np.asarray(getattr(data, k))
    std = getattr(data, "standardizer", None)
    if std is not None:
        out["standardizer_mean"] = np.asarray(std.mean)
        out["standardizer_std"] = np.asarray(std.std)
    return out


def _meta(run: Run) -> dict:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "config": _config_to_dict(run.cfg),
        "settings": _settings_to_dict(run.settings),
        "history": _history_to_dict(run.history),
        "epoch": int(run.epoch),
        "steps": int(run.steps),
    }


def _finite(A: Array) -> Array:
    if A.dtype.kind == "f" and not np.all(np.isfinite(A)):
        raise ValueError("Cannot save NaN or infinite values in Θ or the data.")
    return A


def _array_to_json(A: Array) -> list:
    return _finite(A).tolist()  # floats are written with repr: they read back bit for bit


# --------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------


def to_json(run: Run) -> str:
    """The run as one JSON text (Θ and the data written exactly: floats round-trip bit for bit).

    NaN in the history is written as ``null`` and ±inf as ``"inf"`` / ``"-inf"`` (JSON has
    neither); Θ and the data must be finite.
    """
    doc = _meta(run)
    doc["Theta"] = [_array_to_json(np.asarray(T, dtype=np.float64)) for T in run.Theta]
    data = _data_meta(run.dataset)
    for k, A in _data_arrays(run.dataset).items():
        data[k] = _array_to_json(A)
    doc["dataset"] = data
    return json.dumps(doc, allow_nan=False, ensure_ascii=False)


def save_npz(run: Run, file: str | os.PathLike[str] | Any) -> None:
    """Write the run to ``file`` (a path or a writable binary file) with np.savez_compressed.

    Θ and the data must be finite (a file that could not be loaded back is never written).
    """
    meta = _meta(run)
    meta["dataset"] = _data_meta(run.dataset)
    arrays: dict[str, Array] = {"meta": np.array(json.dumps(meta, allow_nan=False))}  # 0-d <U
    for l, T in enumerate(run.Theta, start=1):
        arrays[f"Theta_{l}"] = _finite(np.asarray(T, dtype=np.float64))
    arrays.update({k: _finite(A) for k, A in _data_arrays(run.dataset).items()})
    np.savez_compressed(file, **arrays)


# --------------------------------------------------------------------------------------
# Reading: every check raises ValueError with a sentence for the student
# --------------------------------------------------------------------------------------


def _fail(msg: str) -> ValueError:
    return ValueError(f"This file cannot be loaded as a Backprop Lab run: {msg}")


def _check_keys(d: Any, required: tuple[str, ...], optional: tuple[str, ...], where: str) -> dict:
    if not isinstance(d, dict):
        raise _fail(f"{where} should be a set of named fields (a JSON object).")
    missing = [k for k in required if k not in d]
    if missing:
        raise _fail(f"{where} is missing {', '.join(repr(k) for k in missing)}.")
    extra = sorted(k for k in d if k not in required and k not in optional)
    if extra:
        raise _fail(
            f"{where} has fields this version of Backprop Lab does not know: "
            f"{', '.join(repr(str(k)) for k in extra)}."
        )
    return d


def _int(v: Any, what: str, lo: int = 0) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _fail(f"{what} should be a whole number, not {type(v).__name__}.")
    if v < lo:
        raise _fail(f"{what} should be at least {lo} (got {v}).")
    return v


def _num(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise _fail(f"{what} should be a number, not {type(v).__name__}.")
    try:
        return float(v)
    except OverflowError:
        raise _fail(f"{what} is too large a number.") from None


def _str(v: Any, what: str) -> str:
    if not isinstance(v, str):
        raise _fail(f"{what} should be text, not {type(v).__name__}.")
    return v


def _strs(v: Any, what: str) -> tuple[str, ...]:
    if not isinstance(v, list):
        raise _fail(f"{what} should be a list of names.")
    return tuple(_str(s, f"each of {what}") for s in v)


def _check_header(d: dict) -> None:
    fmt = d.get("format")
    if fmt != FORMAT_NAME:
        raise _fail(f"it is not a saved run (its format is {fmt!r}, expected {FORMAT_NAME!r}).")
    if "version" not in d:
        raise _fail("it has no format version.")
    version = d["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version != FORMAT_VERSION:
        raise _fail(
            f"it has format version {version!r}, but this Backprop Lab reads version "
            f"{FORMAT_VERSION} only."
        )


def _config_from_dict(d: Any) -> NetConfig:
    d = _check_keys(d, _CONFIG_KEYS, (), "The configuration")
    sizes = d["layer_sizes"]
    if not isinstance(sizes, list):
        raise _fail("the layer sizes should be a list of whole numbers.")
    if len(sizes) > MAX_LAYERS:
        raise _fail(f"the network has {len(sizes)} layers; at most {MAX_LAYERS} are allowed.")
    for i, s in enumerate(sizes, start=1):
        _int(s, f"the size of layer {i}", lo=1)
        if s > MAX_LAYER_SIZE:
            raise _fail(f"layer {i} has {s} units; at most {MAX_LAYER_SIZE} are allowed.")
    act = d["hidden_activation"]
    if isinstance(act, list):
        act = _strs(act, "the hidden activations")
    else:
        act = _str(act, "the hidden activation")
    try:
        return NetConfig(
            layer_sizes=tuple(sizes),
            hidden_activation=act,
            output=_str(d["output"], "the output unit"),
            loss=_str(d["loss"], "the loss"),
            lambda_=_num(d["lambda_"], "λ"),
        )
    except ValueError as e:
        raise _fail(f"its network configuration is invalid. {e}") from None


def _settings_from_dict(d: Any) -> TrainSettings:
    d = _check_keys(d, _SETTINGS_KEYS, (), "The training settings")
    kw: dict[str, Any] = {}
    for k in ("alpha", "momentum", "beta1", "beta2", "adam_eps"):
        kw[k] = _num(d[k], f"the setting {k}")
    if not (math.isfinite(kw["adam_eps"]) and kw["adam_eps"] > 0):
        raise _fail(f"Adam's ε should be a small positive number (got {kw['adam_eps']}).")
    bs = d["batch_size"]
    kw["batch_size"] = None if bs is None else _int(bs, "the batch size", lo=1)
    kw["optimizer"] = _str(d["optimizer"], "the optimizer")
    if not isinstance(d["record_gradients"], bool):
        raise _fail("record_gradients should be true or false.")
    kw["record_gradients"] = d["record_gradients"]
    kw["max_snapshots"] = _int(d["max_snapshots"], "max_snapshots", lo=2)
    try:
        return TrainSettings(**kw)
    except ValueError as e:
        raise _fail(f"its training settings are invalid. {e}") from None


def _float_in(v: Any, what: str) -> float:
    if v is None:
        return math.nan
    if isinstance(v, str) and v in ("inf", "-inf"):
        return math.inf if v == "inf" else -math.inf
    return _num(v, what)


def _history_from_dict(d: Any, cfg: NetConfig) -> History:
    d = _check_keys(d, _HISTORY_KEYS, (), "The history")
    rows = {k: d[k] for k in _HISTORY_ROWS + _HISTORY_LAYERS}
    for k, v in rows.items():
        if not isinstance(v, list):
            raise _fail(f"the history's {k} should be a list.")
    n = len(rows["epoch"])
    budget = sum(len(v) for v in rows.values())
    if budget > MAX_NUMBERS:
        raise _fail("the history is absurdly long.")
    for k in _HISTORY_ROWS:
        if len(rows[k]) != n:
            raise _fail(f"the history's {k} has {len(rows[k])} entries but epoch has {n}.")
    widths = {"grad_norm": cfg.L - 1, "mean_abs_delta": cfg.L - 1, "saturation": cfg.L - 2}
    h = History(_str(d["metric_name"], "the history's metric name"))
    h.epoch = [_int(v, "each epoch in the history") for v in rows["epoch"]]
    h.step = [_int(v, "each step in the history") for v in rows["step"]]
    for k in ("J_train", "J_test", "metric_train", "metric_test"):
        setattr(h, k, [_float_in(v, f"each {k} in the history") for v in rows[k]])
    for k, w in widths.items():
        table = rows[k]
        if len(table) > n:  # fewer rows: recording gradients was switched off mid-run
            raise _fail(f"the history's {k} has {len(table)} rows but epoch has only {n}.")
        out = []
        for row in table:
            if not isinstance(row, list) or len(row) != w:
                raise _fail(f"each row of the history's {k} should list {w} numbers (one a layer).")
            out.append([_float_in(v, f"each {k} in the history") for v in row])
        setattr(h, k, out)
    return h


def _shape_of_nested(v: Any, ndim: int, what: str, budget: list[int]) -> tuple[int, ...]:
    """Check that v is a rectangular nested list of numbers with ``ndim`` levels; returns its
    shape.  ``budget[0]`` counts down the numbers still allowed (checked before allocating)."""
    if ndim == 0:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise _fail(f"{what} should hold numbers only, but holds {type(v).__name__}.")
        return ()
    if not isinstance(v, list):
        raise _fail(f"{what} should be a {ndim}-dimensional table of numbers.")
    if ndim == 1:
        budget[0] -= len(v)
        if budget[0] < 0:
            raise _fail(f"it holds more than {MAX_NUMBERS:,} numbers.")
        for x in v:
            _shape_of_nested(x, 0, what, budget)
        return (len(v),)
    shapes = {_shape_of_nested(x, ndim - 1, what, budget) for x in v}
    if len(shapes) > 1:
        raise _fail(f"{what} has rows of different lengths.")
    inner = shapes.pop() if shapes else (0,) * (ndim - 1)
    return (len(v), *inner)


def _array_from_json(v: Any, ndim: int, what: str, budget: list[int]) -> Array:
    shape = _shape_of_nested(v, ndim, what, budget)
    try:
        A = np.array(v, dtype=np.float64)
    except OverflowError:  # a whole number with hundreds of digits
        raise _fail(f"{what} holds a number too large for a float.") from None
    return A.reshape(shape)


def _theta(Theta: list[Array], cfg: NetConfig) -> tuple[Array, ...]:
    if len(Theta) != cfg.L - 1:
        raise _fail(
            f"a {cfg.L}-layer network needs {cfg.L - 1} Θ matrices, but it has {len(Theta)}."
        )
    out = []
    for l, (T, shape) in enumerate(zip(Theta, cfg.theta_shapes, strict=True), start=1):
        if T.shape != shape:
            raise _fail(
                f"Θ^({l}) should have shape {shape} for this configuration but has shape {T.shape}."
            )
        T = np.asarray(T, dtype=np.float64)
        if not np.all(np.isfinite(T)):
            raise _fail(f"Θ^({l}) contains NaN or inf.")
        out.append(T)
    return tuple(out)


def _labels(y: Array, task: str, n_classes: int, what: str) -> Array:
    if task == "regression":
        return np.asarray(y, dtype=np.float64)
    if y.size and (not np.array_equal(y, np.round(y)) or y.min() < 0 or y.max() >= n_classes):
        raise _fail(f"{what} should be class labels 0 … {n_classes - 1}.")
    return np.asarray(y, dtype=np.int64)


def _dataset(meta: Any, arrays: dict[str, Array], cfg: NetConfig) -> Dataset:
    """Rebuild the Dataset from its names (``meta``) and arrays (already shape-checked)."""
    task = _str(meta["task"], "the task")
    if task not in ("classification", "regression"):
        raise _fail(f"the task should be 'classification' or 'regression' (got {task!r}).")
    n_classes = _int(meta["n_classes"], "the number of classes")
    for k, A in arrays.items():
        if not np.all(np.isfinite(A)):
            raise _fail(f"the data ({k}) contain NaN or inf.")
    shape = meta["image_shape"]
    if shape is not None:
        if not isinstance(shape, list) or len(shape) != 2:
            raise _fail("the image shape should be two whole numbers.")
        shape = tuple(_int(s, "the image shape", lo=1) for s in shape)
    X_train, X_test = arrays["X_train"], arrays["X_test"]
    if X_test.size == 0:  # an empty test set: JSON's [] does not say how many columns
        X_test = X_test.reshape(0, X_train.shape[1] if X_train.ndim == 2 else 0)
    if arrays.get("raw_test") is not None and arrays["raw_test"].size == 0:
        arrays["raw_test"] = arrays["raw_test"].reshape(0, 2)
    if X_train.ndim != 2 or X_train.shape[1] != cfg.layer_sizes[0]:
        raise _fail(
            f"the network has {cfg.layer_sizes[0]} inputs but the training data have shape "
            f"{X_train.shape}."
        )
    std = None
    if "standardizer_mean" in arrays:
        mean, sd = arrays["standardizer_mean"], arrays["standardizer_std"]
        if mean.shape != (X_train.shape[1],) or sd.shape != mean.shape or np.any(sd <= 0):
            raise _fail("the standardizer needs one mean and one positive std per feature.")
        std = Standardizer(mean=mean, std=sd)
    raw = {k: arrays.get(k) for k in _RAW_ARRAYS}
    for k, R in raw.items():
        if R is not None and (R.ndim != 2 or R.shape[1] != 2):
            raise _fail(f"{k} should hold points (x1, x2), shape (m, 2); got {R.shape}.")
    try:
        return Dataset(
            name=_str(meta["name"], "the data set's name"),
            X_train=X_train,
            y_train=_labels(arrays["y_train"], task, n_classes, "y_train"),
            X_test=X_test,
            y_test=_labels(arrays["y_test"], task, n_classes, "y_test"),
            task=task,
            n_classes=n_classes,
            feature_names=_strs(meta["feature_names"], "the feature names"),
            class_names=_strs(meta["class_names"], "the class names"),
            image_shape=shape,
            raw_train=raw["raw_train"],
            raw_test=raw["raw_test"],
            standardizer=std,
            plane_features=_strs(meta["plane_features"], "the plane features"),
        )
    except ValueError as e:
        raise _fail(f"its data set is inconsistent. {e}") from None


_ARRAY_NDIM = {
    "X_train": 2,
    "y_train": 1,
    "X_test": 2,
    "y_test": 1,
    "raw_train": 2,
    "raw_test": 2,
    "standardizer_mean": 1,
    "standardizer_std": 1,
}


def _check_pairs(keys: set[str]) -> None:
    for a, b in (("raw_train", "raw_test"), ("standardizer_mean", "standardizer_std")):
        if (a in keys) != (b in keys):
            raise _fail(f"it has {a if a in keys else b} without {b if a in keys else a}.")


def _run(meta: dict, Theta: list[Array], arrays: dict[str, Array]) -> Run:
    cfg = _config_from_dict(meta["config"])
    return Run(
        cfg=cfg,
        Theta=_theta(Theta, cfg),
        settings=_settings_from_dict(meta["settings"]),
        history=_history_from_dict(meta["history"], cfg),
        dataset=_dataset(meta["dataset"], arrays, cfg),
        epoch=_int(meta["epoch"], "the epoch count"),
        steps=_int(meta["steps"], "the step count"),
    )


def from_json(text: str | bytes) -> Run:
    """Read a run written by ``to_json``.

    Raises
    ------
    ValueError
        With a sentence saying what is wrong (see the module docstring for every check).
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise _fail("it is not a text (JSON) file.") from None
    if not isinstance(text, str):
        raise _fail("expected the text of a JSON file.")
    if len(text) > MAX_JSON_CHARS:
        raise _fail(f"it is larger than {MAX_JSON_CHARS:,} characters.")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):
        raise _fail("it is not valid JSON.") from None
    if not isinstance(doc, dict):
        raise _fail("it is JSON, but not a saved run (expected an object with named fields).")
    _check_header(doc)
    _check_keys(doc, (*_TOP_KEYS, "Theta", "dataset"), (), "The file")
    cfg = _config_from_dict(doc["config"])  # sizes checked before Θ is allocated
    budget = [MAX_NUMBERS]
    Th = doc["Theta"]
    if not isinstance(Th, list):
        raise _fail("Θ should be a list of matrices.")
    if len(Th) != cfg.L - 1:
        raise _fail(f"a {cfg.L}-layer network needs {cfg.L - 1} Θ matrices, but it has {len(Th)}.")
    Theta = [_array_from_json(T, 2, f"Θ^({l})", budget) for l, T in enumerate(Th, start=1)]
    data = doc["dataset"]
    optional = (*_RAW_ARRAYS, "standardizer_mean", "standardizer_std")
    _check_keys(data, (*_DATA_KEYS, *_DATA_ARRAYS), optional, "The data set")
    _check_pairs(set(data))
    arrays = {
        k: _array_from_json(data[k], _ARRAY_NDIM[k], k, budget) for k in _ARRAY_NDIM if k in data
    }
    return _run(doc, Theta, arrays)


# --------------------------------------------------------------------------------------
# .npz: headers are inspected before any array is read
# --------------------------------------------------------------------------------------


def _read_bytes(file: Any) -> bytes:
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        try:
            size = os.path.getsize(file)
        except OSError as e:
            raise ValueError(f"Cannot open {os.fspath(file)!r}: {e.strerror}.") from None
        if size > MAX_FILE_BYTES:
            raise _fail(f"it is larger than {MAX_FILE_BYTES:,} bytes.")
        with open(file, "rb") as f:
            data = f.read()
    elif hasattr(file, "read"):
        data = file.read(MAX_FILE_BYTES + 1)
        if not isinstance(data, bytes | bytearray):
            raise _fail("expected a file opened in binary mode.")
        data = bytes(data)
    else:
        raise _fail(f"expected a file name, bytes or a binary file, not {type(file).__name__}.")
    if len(data) > MAX_FILE_BYTES:
        raise _fail(f"it is larger than {MAX_FILE_BYTES:,} bytes.")
    return data


def _npy_header(zf: zipfile.ZipFile, member: str) -> tuple[tuple[int, ...], np.dtype]:
    try:
        with zf.open(member) as fp:
            version = np.lib.format.read_magic(fp)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(fp)
            elif version in ((2, 0), (3, 0)):
                shape, _, dtype = np.lib.format.read_array_header_2_0(fp)
            else:
                raise ValueError(version)
    except Exception:
        raise _fail(f"its part {member!r} is not a readable numpy array.") from None
    return tuple(shape), dtype


def load_npz(file: str | os.PathLike[str] | bytes | Any) -> Run:
    """Read a run written by ``save_npz`` (a path, the file's bytes, or a binary file).

    Object arrays are refused from their header, before reading; the arrays are then read
    with ``np.load(..., allow_pickle=False)``.

    Raises
    ------
    ValueError
        With a sentence saying what is wrong (see the module docstring for every check).
    """
    data = _read_bytes(file)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _fail("it is not an .npz file (not a zip archive).") from None
    with zf:
        if len(members) > 64 or not all(m.endswith(".npy") for m in members):
            raise _fail("it holds parts that are not numpy arrays.")
        keys = [m[: -len(".npy")] for m in members]
        if len(set(keys)) != len(keys):
            raise _fail("it holds two arrays with the same name.")
        if "meta" not in keys:
            raise _fail("it has no 'meta' part, so it is not a saved run.")
        headers = {k: _npy_header(zf, m) for k, m in zip(keys, members, strict=True)}

    # 1. Every header: no objects, only numbers (and the meta text), sizes within limits.
    total = 0
    for k, (shape, dtype) in headers.items():
        if dtype.hasobject:
            raise _fail(
                f"its array {k!r} holds Python objects (a pickle). Pickles can run code when "
                "loaded, so they are refused."
            )
        if k == "meta":
            if dtype.kind != "U" or shape != ():
                raise _fail("its 'meta' part should be one text.")
            if dtype.itemsize // 4 > MAX_META_CHARS:
                raise _fail(f"its 'meta' text is longer than {MAX_META_CHARS:,} characters.")
            continue
        if dtype.kind not in "fiu" or dtype.names is not None or dtype.shape:
            raise _fail(f"its array {k!r} should hold plain numbers, not {dtype}.")
        total += math.prod(shape)
        if total > MAX_NUMBERS:
            raise _fail(f"it holds more than {MAX_NUMBERS:,} numbers.")

    # 2. The meta text, then the configuration: Θ's names and shapes follow from it.
    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        try:
            meta = json.loads(str(npz["meta"][()]))
        except (ValueError, RecursionError):
            raise _fail("its 'meta' text is not valid JSON.") from None
        if not isinstance(meta, dict):
            raise _fail("its 'meta' text is not a saved run.")
        _check_header(meta)
        _check_keys(meta, (*_TOP_KEYS, "dataset"), (), "The file's meta")
        cfg = _config_from_dict(meta["config"])
        theta_keys = [f"Theta_{l}" for l in range(1, cfg.L)]
        _check_keys(meta["dataset"], _DATA_KEYS, (), "The data set")
        expected = {"meta", *theta_keys, *_DATA_ARRAYS}
        optional = {*_RAW_ARRAYS, "standardizer_mean", "standardizer_std"}
        missing = sorted(expected - set(keys))
        if missing:
            raise _fail(f"it is missing the arrays {', '.join(missing)}.")
        extra = sorted(set(keys) - expected - optional)
        if extra:
            raise _fail(
                f"it holds arrays this version of Backprop Lab does not know: {', '.join(extra)}."
            )
        _check_pairs(set(keys))
        for l, k in enumerate(theta_keys, start=1):
            if headers[k][0] != cfg.theta_shapes[l - 1]:
                raise _fail(
                    f"Θ^({l}) should have shape {cfg.theta_shapes[l - 1]} for this configuration "
                    f"but has shape {headers[k][0]}."
                )
        for k in set(keys) & set(_ARRAY_NDIM):
            if len(headers[k][0]) != _ARRAY_NDIM[k]:
                raise _fail(f"{k} should be {_ARRAY_NDIM[k]}-dimensional, not {headers[k][0]}.")
        # 3. Only now read the arrays (still without pickles).
        Theta = [np.asarray(npz[k], dtype=np.float64) for k in theta_keys]
        arrays = {k: npz[k] for k in _ARRAY_NDIM if k in keys}
    for k, A in arrays.items():
        # labels keep their integer type (checked later); everything else is float64
        if not (k.startswith("y_") and A.dtype.kind in "iu"):
            arrays[k] = np.asarray(A, dtype=np.float64)
    return _run(meta, Theta, arrays)
