"""What a run file holds, its limits, and every check made when one is read.

Both formats (``json_file``, ``npz_file``) write the same plain data (what JSON can hold:
objects, lists, numbers, text, true/false, null) and read it back through this module, so
each check is written once:

* **The JSON gate** (:func:`parse_json`): a JSON text — a whole ``.json`` run or the ``meta``
  text of an ``.npz`` — is measured *before* it is parsed: at most ``MAX_JSON_BYTES`` bytes,
  at most ``MAX_JSON_VALUES`` values (counted from its commas and brackets) and at most
  ``MAX_JSON_DEPTH`` levels of nesting.  Parsing a JSON text costs about 20 times its size in
  memory, so a file is refused before that cost is paid.
* **Settings rebuilt from their fields** (:func:`to_plain`, :func:`from_plain`): a
  ``NetConfig`` or ``TrainSettings`` is written as one entry per dataclass field and read
  back by walking ``dataclasses.fields`` with each field's type hint, so a field added to
  either class is saved and loaded without touching this module (and a file that lacks it is
  refused rather than silently given the default — unless the field is listed in
  ``FIELDS_ADDED`` with the value every file had before it existed).
* **Every value in range**: whole numbers between their lower bound and ``MAX_COUNT``,
  numbers finite, names at most ``MAX_NAME_CHARS`` characters, layer sizes at most
  ``MAX_LAYER_SIZE``, the number of classes no more than the output layer can tell apart,
  an image shape whose pixels are exactly the features, array shapes that agree with each
  other and with the network — all checked before the arrays are allocated.
* **Counters that tell one story** (:func:`check_counts`): no more epochs than gradient
  steps, history rows in the order a trainer records them and none after the run itself, at
  most one row per epoch (plus the start); the optimizer's step count no more than the
  run's.  Every state a real run reaches passes (full batch, mini-batches with a partial
  last one, saved mid-epoch, diverged, with the batch size or the data changed mid-run).

Every problem raises ``ValueError("This file cannot be loaded as a Backprop Lab run: …")``
with a sentence for the student; text from the file is quoted at most ``QUOTE_CHARS``
characters long (cut with "…") and through ``repr``, so it cannot garble the message.
"""

from __future__ import annotations

import json
import math
import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal, Union

import numpy as np

from ..config import NetConfig
from ..datasets import FEATURES, Dataset, Standardizer
from ..optimizers import OPTIMIZERS
from ..training import History, TrainSettings
from .run import Run

Array = np.ndarray

FORMAT_NAME = "backprop-lab-run"
FORMAT_VERSION = 1

# --------------------------------------------------------------------------------------
# Limits (all checked before anything big is allocated)
# --------------------------------------------------------------------------------------

#: Numbers in Θ, the data and the history together.
MAX_NUMBERS = 10_000_000
#: Units in one layer, and layers in one network.
MAX_LAYER_SIZE = 1024
MAX_LAYERS = 20
#: A JSON text (a .json run, or an .npz's meta text): 8 MB.  The largest run the app makes
#: (20,000 CSV rows of 2 features, or the digits) is about 2 MB as JSON; bigger runs belong
#: in an .npz, whose arrays are binary.
MAX_JSON_BYTES = 8 * 1024 * 1024
#: The same limit for a JSON text given as a str (each character is at least one byte).
MAX_JSON_CHARS = MAX_JSON_BYTES
#: Values (numbers, texts, lists, objects) in one JSON text, counted before it is parsed.
MAX_JSON_VALUES = 1_000_000
#: Levels of nesting in a JSON text (the format needs 4: file → dataset → X_train → row).
MAX_JSON_DEPTH = 8
#: Characters of an .npz's meta text (it holds no arrays, only names, settings and history).
MAX_META_CHARS = MAX_JSON_BYTES
#: Bytes of an .npz file.
MAX_FILE_BYTES = 200_000_000
#: Any whole number in a file (epochs, steps, batch size, history entries).
MAX_COUNT = 10**12
#: Characters of a name (the data set, a feature, a class, the metric).
MAX_NAME_CHARS = 255
#: Characters of a choice in the configuration or settings ("tanh", "adam", …).
MAX_WORD_CHARS = 40
#: Characters of file text quoted in a message.
QUOTE_CHARS = 40
#: Entries of a run's ``app_settings`` (the Playground writes about 20).
MAX_APP_SETTINGS = 100

# --------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------


def fail(msg: str) -> ValueError:
    """The ValueError for a file that cannot be loaded (the caller raises it)."""
    return ValueError(f"This file cannot be loaded as a Backprop Lab run: {msg}")


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """``repr`` of ``text`` cut to ``limit`` characters ("…" marks the cut)."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def describe(v: Any) -> str:
    """A few words for a value read from a file, e.g. "the text 'fast'" or "a list of 3"."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        s = repr(v)
        return s if len(s) <= 24 else s[:23] + "…"
    if isinstance(v, str):
        return f"the text {quote(v)}"
    if isinstance(v, list):
        return f"a list of {len(v)}"
    if isinstance(v, dict):
        return "a set of named fields"
    return type(v).__name__


def _names_list(keys: Sequence[str], most: int = 3) -> str:
    shown = ", ".join(quote(str(k)) for k in keys[:most])
    return shown + (f" and {len(keys) - most} more" if len(keys) > most else "")


# --------------------------------------------------------------------------------------
# The JSON gate: measure the text, then parse it
# --------------------------------------------------------------------------------------

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _depth(brackets: bytes) -> int:
    """Deepest nesting of a run of brackets ``[]{}`` (a prefix count of opens minus closes)."""
    if not brackets:
        return 0
    b = np.frombuffer(brackets, dtype=np.uint8)  # (k,)
    step = ((b == ord("[")) | (b == ord("{"))).astype(np.int32) * 2 - 1  # (k,) +1 open, -1 close
    return int(np.cumsum(step, dtype=np.int32).max())


def json_size_problem(data: bytes, what: str = "it") -> str | None:
    """Why a JSON text is too big or too deep to parse (None when it is fine).

    ``data`` is the UTF-8 text.  Costs a few passes over bytes and makes no Python objects:
    the values are bounded by the commas and opening brackets; the depth is measured on the
    brackets alone, and when that says "too deep", again with the texts ("…") left out, since
    a name may contain brackets.
    """
    if len(data) > MAX_JSON_BYTES:
        return (
            f"{what} is larger than {MAX_JSON_BYTES // 2**20} MB ({len(data):,} bytes; the "
            f"limit is {MAX_JSON_BYTES:,}). Save big runs as .npz instead of JSON."
        )
    opens = data.count(b"[") + data.count(b"{")
    closes = data.count(b"]") + data.count(b"}")
    if data.count(b",") + opens + 1 > MAX_JSON_VALUES:
        return (
            f"{what} holds more than {MAX_JSON_VALUES:,} values (numbers, names and lists). "
            "Save big runs as .npz instead of JSON."
        )
    if closes > opens + 1:  # never valid JSON, and it would make the depth meaningless
        return f"{what} is not valid JSON (more closing brackets than opening ones)."
    if _depth(data.translate(None, _NOT_BRACKETS)) > MAX_JSON_DEPTH:
        skeleton = _JSON_STRING.sub(b'""', data)  # leave out texts, which may hold brackets
        if _depth(skeleton.translate(None, _NOT_BRACKETS)) > MAX_JSON_DEPTH:
            return f"{what} nests lists more than {MAX_JSON_DEPTH} levels deep; a run needs 4."
    return None


def check_json_size(data: bytes, what: str = "it") -> None:
    """Refuse a JSON text that is too big or too deep, before parsing it."""
    problem = json_size_problem(data, what)
    if problem is not None:
        raise fail(problem)


def parse_json(text: Any, what: str = "it") -> Any:
    """Check a JSON text (str or UTF-8 bytes) with :func:`check_json_size`, then parse it."""
    if isinstance(text, str):
        if len(text) > MAX_JSON_CHARS:
            raise fail(
                f"{what} is larger than {MAX_JSON_CHARS:,} characters. Save big runs as .npz "
                "instead of JSON."
            )
        data = text.encode("utf-8", errors="surrogatepass")
    elif isinstance(text, bytes | bytearray | memoryview):
        data = bytes(text)
        if len(data) > MAX_JSON_BYTES:
            check_json_size(data, what)  # refuses it, before decoding
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise fail(f"{what} is not a text (JSON) file.") from None
    else:
        raise fail(f"expected the text of a JSON file, not {type(text).__name__}.")
    check_json_size(data, what)
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise fail(f"{what} is not valid JSON.") from None


# --------------------------------------------------------------------------------------
# Plain values: one converter per type hint
# --------------------------------------------------------------------------------------


def _phrase(hint: Any) -> str:
    """How a type hint is said in a message: "a whole number", "a list of texts", …"""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is type(None):
        return "null"
    if hint is bool:
        return "true or false"
    if hint is int:
        return "a whole number"
    if hint is float:
        return "a number"
    if hint is str:
        return "text"
    if origin in (Union, types.UnionType):
        return " or ".join(_phrase(a) for a in args)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (tuple, list, Sequence):
        inner = _phrase(args[0]) if args else "values"
        inner = {"a whole number": "whole numbers", "a number": "numbers", "text": "texts"}.get(
            inner, inner
        )
        return f"a list of {inner}"
    return str(hint)


def _fits(v: Any, hint: Any) -> bool:
    """Whether v has the outer shape of ``hint`` (the union member to convert it with)."""
    origin = typing.get_origin(hint)
    if hint is type(None):
        return v is None
    if hint is bool:
        return isinstance(v, bool)
    if hint is int:
        return isinstance(v, int) and not isinstance(v, bool)
    if hint is float:
        return isinstance(v, int | float) and not isinstance(v, bool)
    if hint is str:
        return isinstance(v, str)
    if origin is Literal:
        return v in typing.get_args(hint)
    if origin in (tuple, list, Sequence):
        return isinstance(v, list)
    return False


def from_plain_value(v: Any, hint: Any, what: str) -> Any:
    """The value of type ``hint`` that v (read from JSON) stands for; ValueError if none.

    bool, int (0 … ``MAX_COUNT``), float (finite), str (≤ ``MAX_WORD_CHARS``), None,
    ``Literal[...]``, unions of these and ``tuple[X, ...]`` (≤ ``MAX_LAYERS`` items, from a
    JSON list) are understood.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (Union, types.UnionType):
        for member in args:
            if _fits(v, member):
                return from_plain_value(v, member, what)
        raise fail(f"{what} should be {_phrase(hint)}, not {describe(v)}.")
    if origin in (tuple, list, Sequence) and args and (len(args) == 1 or args[1] is Ellipsis):
        if not isinstance(v, list):
            raise fail(f"{what} should be {_phrase(hint)}, not {describe(v)}.")
        if len(v) > MAX_LAYERS:
            raise fail(f"{what} lists {len(v)} items; at most {MAX_LAYERS} are allowed.")
        items = tuple(from_plain_value(x, args[0], f"each of {what}") for x in v)
        return list(items) if origin is list else items
    if hint in (bool, int, float, str, type(None)) or origin is Literal:
        if not _fits(v, hint):
            raise fail(f"{what} should be {_phrase(hint)}, not {describe(v)}.")
        if hint is int and not 0 <= v <= MAX_COUNT:
            raise fail(f"{what} should be between 0 and {MAX_COUNT:,} (got {describe(v)}).")
        if hint is float:
            try:
                v = float(v)
            except OverflowError:  # a whole number with hundreds of digits
                raise fail(f"{what} is too large a number.") from None
            if not math.isfinite(v):
                raise fail(f"{what} should be a finite number (got {v}).")
        if hint is str and len(v) > MAX_WORD_CHARS:
            raise fail(
                f"{what} is {len(v):,} characters long ({quote(v)}); at most "
                f"{MAX_WORD_CHARS} are allowed."
            )
        return v
    raise TypeError(f"bp_core.io cannot store a value of type {hint!r} ({what}).")


def to_plain_value(v: Any, what: str) -> Any:
    """A dataclass field's value as plain JSON data (tuples become lists)."""
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, int | np.integer):
        return int(v)
    if isinstance(v, float | np.floating):
        if not math.isfinite(v):
            raise ValueError(f"Cannot save the run: {what} is not a finite number ({v}).")
        return float(v)
    if isinstance(v, tuple | list):
        return [to_plain_value(x, what) for x in v]
    raise TypeError(f"bp_core.io cannot store {what} of type {type(v).__name__}.")


# --------------------------------------------------------------------------------------
# Settings records (NetConfig, TrainSettings): one entry per dataclass field
# --------------------------------------------------------------------------------------

#: How each field is named in messages (a field not listed is called by its name).
FIELD_WORDS: dict[str, str] = {
    "layer_sizes": "the layer sizes",
    "hidden_activation": "the hidden activation",
    "activations": "the hidden activations",
    "output": "the output unit",
    "loss": "the loss",
    "lambda_": "λ",
    "regularization": "the regularization",
    "alpha": "the learning rate α",
    "batch_size": "the batch size",
    "optimizer": "the optimizer",
    "momentum": "the momentum",
    "beta1": "Adam's β1",
    "beta2": "Adam's β2",
    "adam_eps": "Adam's ε",
}

#: Lower bounds a file's value must meet, beyond what the class itself checks: whole
#: numbers (``AT_LEAST``), and numbers that must be positive (``ABOVE_ZERO``).
AT_LEAST: dict[str, int] = {"batch_size": 1, "record_every": 1, "max_snapshots": 2}
ABOVE_ZERO: frozenset[str] = frozenset({"adam_eps"})

#: A field renamed in a class: old name → new name.  A file that has the old name is read
#: as the new one, but only once the class has a field of the new name; a class that has
#: both writes only the new one.
FIELD_ALIASES: dict[type, dict[str, str]] = {NetConfig: {"hidden_activation": "activations"}}


#: A field added to a class after files of this format version were written: a file without
#: it is read with the value it always had before the field existed (files from before L1
#: regularization are L2).  A file that has the field must give it like any other.
FIELDS_ADDED: dict[type, dict[str, Any]] = {NetConfig: {"regularization": "l2"}}


def _aliases(cls: type) -> dict[str, str]:
    names = {f.name for f in fields(cls)}
    return {old: new for old, new in FIELD_ALIASES.get(cls, {}).items() if new in names}


def stored_fields(cls: type) -> tuple[str, ...]:
    """The names ``cls`` is written with: its init fields, without aliases it replaced."""
    dropped = set(_aliases(cls))
    return tuple(f.name for f in fields(cls) if f.init and f.name not in dropped)


def to_plain(obj: Any) -> dict[str, Any]:
    """A settings dataclass as ``{field: plain value}`` for every stored field."""
    return {
        name: to_plain_value(getattr(obj, name), FIELD_WORDS.get(name, name))
        for name in stored_fields(type(obj))
    }


def from_plain(cls: type, d: Any, where: str, part: str) -> Any:
    """Rebuild ``cls`` from ``to_plain``'s dict: every stored field, converted by its hint.

    The hint is the constructor's parameter's when it has one (what the constructor accepts,
    e.g. ``str | Sequence[str]`` for ``NetConfig(activations=...)``), else the field's.

    ``where`` names the object in messages ("The training settings"), ``part`` the same in
    the middle of a sentence ("training settings").
    """
    names = stored_fields(cls)
    if isinstance(d, dict):
        for old, new in _aliases(cls).items():
            if old in d and new not in d:  # a file written before the field was renamed
                d = {new if k == old else k: v for k, v in d.items()}
        for added, value in FIELDS_ADDED.get(cls, {}).items():
            if added in names and added not in d:  # a file written before the field existed
                d = {**d, added: value}
    check_keys(d, names, (), where)
    hints = {**typing.get_type_hints(cls), **typing.get_type_hints(cls.__init__)}
    kw: dict[str, Any] = {}
    for name in names:
        what = FIELD_WORDS.get(name, name)
        v = from_plain_value(d[name], hints[name], what)
        if name in AT_LEAST and v is not None and v < AT_LEAST[name]:
            raise fail(f"{what} should be at least {AT_LEAST[name]} (got {v}).")
        if name in ABOVE_ZERO and not v > 0:
            raise fail(f"{what} should be a small positive number (got {v}).")
        kw[name] = v
    try:
        return cls(**kw)
    except ValueError as e:
        raise fail(f"its {part} cannot be used. {e}") from None


def config_from_dict(d: Any) -> NetConfig:
    """The ``NetConfig``; layer counts and sizes are checked before it is built."""
    if isinstance(d, dict) and isinstance(d.get("layer_sizes"), list):
        sizes = d["layer_sizes"]
        if len(sizes) > MAX_LAYERS:
            raise fail(f"the network has {len(sizes)} layers; at most {MAX_LAYERS} are allowed.")
        for i, s in enumerate(sizes, start=1):
            s = from_plain_value(s, int, f"the size of layer {i}")
            if s < 1:
                raise fail(f"the size of layer {i} should be at least 1 (got {s}).")
            if s > MAX_LAYER_SIZE:
                raise fail(f"layer {i} has {s} units; at most {MAX_LAYER_SIZE} are allowed.")
    return from_plain(NetConfig, d, "The configuration", "network configuration")


def settings_from_dict(d: Any) -> TrainSettings:
    """The ``TrainSettings``, every field checked."""
    return from_plain(TrainSettings, d, "The training settings", "training settings")


# --------------------------------------------------------------------------------------
# Keys and the header
# --------------------------------------------------------------------------------------


def check_keys(d: Any, required: Sequence[str], optional: Sequence[str], where: str) -> dict:
    """``d`` must be a JSON object with every ``required`` key and no key outside both lists."""
    if not isinstance(d, dict):
        raise fail(f"{where} should be a set of named fields (a JSON object).")
    missing = [k for k in required if k not in d]
    if missing:
        raise fail(f"{where} is missing {_names_list(missing)}.")
    extra = sorted(str(k) for k in d if k not in required and k not in optional)
    if extra:
        raise fail(
            f"{where} has fields this version of Backprop Lab does not know: {_names_list(extra)}."
        )
    return d


def check_header(d: dict) -> None:
    """The format name and version, before anything else is read."""
    fmt = d.get("format")
    if fmt != FORMAT_NAME:
        raise fail(
            f"it is not a saved run (its format is {describe(fmt)}, expected {FORMAT_NAME!r})."
        )
    if "version" not in d:
        raise fail("it has no format version.")
    version = d["version"]
    if isinstance(version, bool) or not isinstance(version, int) or version != FORMAT_VERSION:
        if isinstance(version, str):
            shown = quote(version)
        else:
            shown = repr(version) if isinstance(version, bool) else describe(version)
        raise fail(
            f"it has format version {shown}, but this Backprop Lab reads version "
            f"{FORMAT_VERSION} only."
        )


def count(v: Any, what: str, lo: int = 0) -> int:
    """A whole number lo … ``MAX_COUNT`` (epochs, steps, entries of the history)."""
    if isinstance(v, bool) or not isinstance(v, int):
        raise fail(f"{what} should be a whole number, not {describe(v)}.")
    if v < lo:
        raise fail(f"{what} should be at least {lo} (got {v}).")
    if v > MAX_COUNT:
        raise fail(f"{what} should be at most {MAX_COUNT:,} (got {describe(v)}).")
    return v


def number(v: Any, what: str) -> float:
    """A JSON number as a float (±inf when it overflows is refused)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        raise fail(f"{what} should be a number, not {describe(v)}.")
    try:
        return float(v)
    except OverflowError:
        raise fail(f"{what} is too large a number.") from None


def name(v: Any, what: str) -> str:
    """A name (data set, feature, class, metric): text of at most ``MAX_NAME_CHARS``."""
    if not isinstance(v, str):
        raise fail(f"{what} should be text, not {describe(v)}.")
    if len(v) > MAX_NAME_CHARS:
        raise fail(
            f"{what} is {len(v):,} characters long ({quote(v)}); at most {MAX_NAME_CHARS} "
            "are allowed."
        )
    return v


def names(v: Any, what: str, most: int) -> tuple[str, ...]:
    """A list of at most ``most`` names."""
    if not isinstance(v, list):
        raise fail(f"{what} should be a list of names, not {describe(v)}.")
    if len(v) > most:
        raise fail(
            f"it gives {len(v):,} {what.removeprefix('the ')}, but this run has room for at "
            f"most {most:,}."
        )
    return tuple(name(s, f"each of {what}") for s in v)


# --------------------------------------------------------------------------------------
# The history
# --------------------------------------------------------------------------------------


def _float_out(v: float) -> float | str | None:
    # JSON has no NaN or infinity: NaN is written as null, ±inf as the strings "inf", "-inf"
    v = float(v)
    if math.isnan(v):
        return None
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _float_in(v: Any, what: str) -> float:
    if v is None:
        return math.nan
    if isinstance(v, str) and v in ("inf", "-inf"):
        return math.inf if v == "inf" else -math.inf
    return number(v, what)


def _history_kinds() -> dict[str, str]:
    """Each History field by kind: "name", "counts" (list[int]), "column" (list[float]) or
    "table" (list[list[float]], one row per epoch and one number per layer)."""
    kinds = {}
    for f, hint in ((f, typing.get_type_hints(History)[f.name]) for f in fields(History)):
        if hint is str:
            kinds[f.name] = "name"
        elif hint == list[int]:
            kinds[f.name] = "counts"
        elif hint == list[float]:
            kinds[f.name] = "column"
        elif hint == list[list[float]]:
            kinds[f.name] = "table"
        else:
            raise TypeError(f"bp_core.io cannot store the History field {f.name} ({hint!r}).")
    return kinds


#: Numbers per row of each per-layer table, for a network of L layers.
HISTORY_WIDTHS = {"grad_norm": lambda L: L - 1, "mean_abs_delta": lambda L: L - 1}
HISTORY_WIDTHS["saturation"] = lambda L: L - 2


def history_to_dict(h: History) -> dict[str, Any]:
    """Every History field; NaN as null and ±inf as "inf" / "-inf"."""
    d: dict[str, Any] = {}
    for key, kind in _history_kinds().items():
        v = getattr(h, key)
        if kind == "name":
            d[key] = v
        elif kind == "counts":
            d[key] = [int(x) for x in v]
        elif kind == "column":
            d[key] = [_float_out(x) for x in v]
        else:
            d[key] = [[_float_out(x) for x in row] for row in v]
    return d


def history_from_dict(d: Any, cfg: NetConfig, epoch: int, steps: int) -> History:
    """The History, its columns of equal length and its tables one number per layer wide."""
    kinds = _history_kinds()
    d = check_keys(d, tuple(kinds), (), "The history")
    lists = {k: d[k] for k, kind in kinds.items() if kind != "name"}
    for k, v in lists.items():
        if not isinstance(v, list):
            raise fail(f"the history's {k} should be a list, not {describe(v)}.")
    if sum(len(v) for v in lists.values()) > MAX_NUMBERS:
        raise fail(f"its history holds more than {MAX_NUMBERS:,} numbers.")
    n = len(d["epoch"])
    values: dict[str, Any] = {}
    for k, kind in kinds.items():
        v = d[k]
        if kind == "name":
            values[k] = name(v, f"the history's {k}")
            continue
        if kind in ("counts", "column") and len(v) != n:
            raise fail(
                f"the history's column {k} has {len(v):,} entries, but its column epoch has "
                f"{n:,}; every column needs one entry per row."
            )
        if kind == "counts":
            values[k] = [count(x, f"each {k} in the history") for x in v]
        elif kind == "column":
            values[k] = [_float_in(x, f"each {k} in the history") for x in v]
        else:
            if len(v) > n:  # fewer rows: recording gradients was switched off mid-run
                raise fail(
                    f"the history's table {k} has {len(v):,} rows, but its column epoch has "
                    f"only {n:,}."
                )
            width = HISTORY_WIDTHS[k](cfg.L) if k in HISTORY_WIDTHS else None
            rows = []
            for row in v:
                if not isinstance(row, list) or (width is not None and len(row) != width):
                    wanted = "numbers"
                    if width is not None:
                        wanted = f"{_n(width, 'number')} (one per layer)"
                    raise fail(f"each row of the history's table {k} should list {wanted}.")
                rows.append([_float_in(x, f"each {k} in the history") for x in row])
            values[k] = rows
    history = History(**values)
    check_counts(history, epoch, steps)
    return history


def _n(k: int, noun: str) -> str:
    """``k`` and the noun, plural unless k is 1: "1 epoch", "3 epochs"."""
    return f"{k:,} {noun}" if k == 1 else f"{k:,} {noun}s"


def check_counts(history: History, epoch: int, steps: int) -> None:
    """The run's counters and its history must tell one story a trainer can have lived.

    What ``bp_core.training.Trainer`` does: a gradient step takes the next mini-batch of the
    epoch's order; after ``steps_per_epoch = ceil(m_train / batch size)`` steps the epoch
    ends (``epoch`` + 1, the mini-batch within the epoch back to 0) and, every
    ``record_every`` epochs, a history row (epoch, step, J, …) is added.  While the batch size
    and the data stay the same, ``steps = epoch × steps_per_epoch + batch`` with
    ``0 ≤ batch < steps_per_epoch`` (the run may be saved mid-epoch).  But the batch size,
    α and the data may change mid-run (``with_settings``, ``with_data``: the epoch under
    way is abandoned and the next step starts a new one), and the file holds only the
    latest settings, so the equality cannot be checked against them; what holds for every
    run, full batch or mini-batch, stopped mid-epoch, diverged, rewound or edited, is:

    1. every epoch takes at least one gradient step (a full batch), so ``epoch ≤ steps``;
    2. the history's rows are in the order they were recorded: epochs increasing, and
       between two rows at least as many steps as epochs (likewise from the start, 0 and 0,
       to the first row, and from the last row to the run's own epoch and steps), so no row
       lies after the run itself;
    3. hence at most ``epoch + 1`` rows (one at the start and one per epoch).

    The optimizer's step count (Adam's t) is checked against ``steps`` in
    :func:`check_optimizer_state`.  Raises the file's ValueError naming the contradiction.
    """
    if epoch > steps:
        raise fail(
            f"it says {_n(epoch, 'epoch')} were trained in only {_n(steps, 'gradient step')}, "
            "but every epoch takes at least one gradient step."
        )
    epochs, at = history.epoch, history.step
    if epochs and max(epochs) > epoch:
        raise fail(
            f"its history has a row for epoch {max(epochs):,}, after the run's last epoch "
            f"({epoch:,})."
        )
    if at and max(at) > steps:
        raise fail(
            f"its history has a row at gradient step {max(at):,}, after the run's last step "
            f"({steps:,})."
        )
    if len(epochs) > epoch + 1:
        raise fail(
            f"its history has {len(epochs):,} rows, but a run of {_n(epoch, 'epoch')} records "
            f"at most {epoch + 1:,} (one at the start and one per epoch)."
        )
    # (epoch, step) of the start, every row, and the run's end
    points = [(0, 0), *zip(epochs, at, strict=True), (epoch, steps)]
    for i in range(1, len(points)):
        (e0, s0), (e1, s1) = points[i - 1], points[i]
        row = f"row {i} of its history (epoch {e1:,}, step {s1:,})"
        if i == len(points) - 1:
            row = f"the run's end (epoch {e1:,}, step {s1:,})"
        if 1 < i < len(points) - 1 and e1 <= e0:
            raise fail(
                f"its history's epochs do not increase: row {i - 1} is epoch {e0:,} and "
                f"row {i} epoch {e1:,}."
            )
        if 1 < i < len(points) - 1 and s1 < s0:
            raise fail(
                f"its history's gradient steps go down: row {i - 1} is at step {s0:,} and "
                f"row {i} at step {s1:,}."
            )
        if s1 - s0 < e1 - e0:
            since = "the start" if i == 1 else f"row {i - 1} (epoch {e0:,}, step {s0:,})"
            raise fail(
                f"from {since} to {row} it trains {_n(e1 - e0, 'epoch')} in "
                f"{_n(s1 - s0, 'gradient step')}, but every epoch takes at least one "
                "gradient step."
            )


# --------------------------------------------------------------------------------------
# The data set: names (meta) and arrays
# --------------------------------------------------------------------------------------

DATA_ARRAYS = ("X_train", "y_train", "X_test", "y_test")
RAW_ARRAYS = ("raw_train", "raw_test")
STANDARDIZER_ARRAYS = ("standardizer_mean", "standardizer_std")
OPTIONAL_ARRAYS = (*RAW_ARRAYS, *STANDARDIZER_ARRAYS)
ARRAY_NDIM = {
    "X_train": 2,
    "y_train": 1,
    "X_test": 2,
    "y_test": 1,
    "raw_train": 2,
    "raw_test": 2,
    "standardizer_mean": 1,
    "standardizer_std": 1,
}
DATA_KEYS = (
    "name",
    "task",
    "n_classes",
    "feature_names",
    "class_names",
    "image_shape",
    "plane_features",
)
#: Dataset fields stored another way: the arrays by name, the standardizer as two arrays.
DATA_FIELDS_AS_ARRAYS = (*DATA_ARRAYS, *RAW_ARRAYS, "standardizer")
TOP_KEYS = ("format", "version", "config", "settings", "history", "epoch", "steps")
TASK_NAMES = ("classification", "regression")


def data_meta(data: Any) -> dict[str, Any]:
    """The data set's names and sizes (everything but its arrays) as plain data."""
    X_train = np.asarray(data.X_train)
    n = X_train.shape[1] if X_train.ndim == 2 else 0
    task = data.task
    n_classes = getattr(data, "n_classes", None)
    if n_classes is None:
        ys = [np.asarray(data.y_train), np.asarray(data.y_test)]
        top = max((int(y.max()) + 1 for y in ys if y.size), default=0)
        n_classes = 0 if task == "regression" else max(2, top)
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


def data_arrays(data: Any) -> dict[str, Array]:
    """The data set's arrays by file key (the optional ones only when present)."""
    out = {k: np.asarray(getattr(data, k)) for k in DATA_ARRAYS}
    if getattr(data, "raw_train", None) is not None:
        for k in RAW_ARRAYS:
            out[k] = np.asarray(getattr(data, k))
    std = getattr(data, "standardizer", None)
    if std is not None:
        out["standardizer_mean"] = np.asarray(std.mean)
        out["standardizer_std"] = np.asarray(std.std)
    return out


def check_pairs(keys: set[str]) -> None:
    """Arrays that only come in pairs: raw_train/raw_test, the standardizer's mean/std."""
    for a, b in (RAW_ARRAYS, STANDARDIZER_ARRAYS):
        if (a in keys) != (b in keys):
            raise fail(f"it has {a if a in keys else b} without {b if a in keys else a}.")


@dataclass(frozen=True)
class DataMeta:
    """The data set's names and sizes, checked against the network and the array shapes."""

    name: str
    task: str
    n_classes: int
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    image_shape: tuple[int, int] | None
    plane_features: tuple[str, ...]


def check_data_meta(meta: Any, cfg: NetConfig, shapes: dict[str, tuple[int, ...]]) -> DataMeta:
    """Check the data set's names and every array's shape before any array is allocated.

    ``shapes`` has the shape of every array the file holds (from the .npz headers, or from
    walking the JSON lists).  Empty test sets may come as shape (0,) or (0, 0): JSON's ``[]``
    does not say how many columns it has.
    """
    meta = check_keys(meta, DATA_KEYS, (), "The data set")
    task = meta["task"]
    if task not in TASK_NAMES:
        raise fail(f"the task should be 'classification' or 'regression' (got {describe(task)}).")
    s_1, s_L = cfg.layer_sizes[0], cfg.layer_sizes[-1]

    # array shapes: X (m, n) with n = s_1, y (m,), raw (m, 2), standardizer (n,)
    for k, shape in shapes.items():
        if len(shape) != ARRAY_NDIM[k]:
            raise fail(f"{k} should be {ARRAY_NDIM[k]}-dimensional, not of shape {shape}.")
    for k in RAW_ARRAYS:
        shape = shapes.get(k)
        if shape is not None and shape[1] != 2 and shape[0] != 0:
            raise fail(f"{k} should hold points (x1, x2), shape (m, 2); got {shape}.")
    X_shape = shapes["X_train"]
    if X_shape[1] != s_1:
        raise fail(f"the network has {s_1} inputs but the training data have shape {X_shape}.")
    m_train, m_test = X_shape[0], shapes["X_test"][0]
    if shapes["X_test"][1] != s_1 and m_test != 0:
        raise fail(
            f"its data set is inconsistent: X_test has {shapes['X_test'][1]} columns but "
            f"X_train has {s_1}."
        )
    rows = {"y_train": m_train, "raw_train": m_train, "y_test": m_test, "raw_test": m_test}
    for k, m in rows.items():
        if k in shapes and shapes[k][0] != m:
            X_k = "X_train" if k.endswith("train") else "X_test"
            raise fail(
                f"its data set is inconsistent: {X_k} has {m} rows but {k} has {shapes[k][0]}."
            )
    for k in STANDARDIZER_ARRAYS:
        if k in shapes and shapes[k] != (s_1,):
            raise fail("the standardizer needs one mean and one positive std per feature.")

    # the number of classes: what the output layer can tell apart
    n_classes = count(meta["n_classes"], "the number of classes")
    if task == "regression":
        if n_classes != 0:
            raise fail(f"a regression data set has no classes, but n_classes is {n_classes}.")
        if s_L != 1:
            raise fail(f"a regression network has 1 output unit, but this one has {s_L}.")
    else:
        if n_classes < 2:
            raise fail(
                "a classification data set has at least 2 classes (its class labels 0 … K − 1), "
                f"but n_classes is {n_classes}."
            )
        if n_classes > max(2, s_L):
            raise fail(
                f"the data set has {n_classes:,} classes, but the network's {s_L} output "
                f"unit{'s' if s_L != 1 else ''} can tell apart at most {max(2, s_L)}."
            )

    feature_names = names(meta["feature_names"], "the feature names", s_1)
    if len(feature_names) != s_1:
        raise fail(
            f"the data set has {_n(s_1, 'feature')} but {_n(len(feature_names), 'feature name')}."
        )
    class_names = names(meta["class_names"], "the class names", n_classes)
    if class_names and len(class_names) != n_classes:
        raise fail(f"the data set has {n_classes} classes but {len(class_names)} class names.")

    shape = meta["image_shape"]
    if shape is not None:
        if not isinstance(shape, list) or len(shape) != 2:
            raise fail("the image shape should be two whole numbers (rows, columns).")
        shape = tuple(count(s, "the image shape", lo=1) for s in shape)
        if shape[0] * shape[1] != s_1:
            raise fail(
                f"the image shape {shape[0]:,} × {shape[1]:,} does not fit the {s_1} features "
                "(rows × columns must be the number of features)."
            )

    plane = names(meta["plane_features"], "the plane features", s_1)
    planar = "raw_train" in shapes
    for f in plane:
        if f not in FEATURES:
            raise fail(f"the plane feature {quote(f)} is not one of {', '.join(FEATURES)}.")
    if planar and not plane:
        raise fail("the data set has points of the plane (raw_train) but no plane features.")
    if plane and not planar:
        raise fail("the data set names plane features but has no points of the plane.")
    if plane and len(plane) != s_1:
        raise fail(f"the data set has {len(plane)} plane features for {s_1} input columns.")
    return DataMeta(
        name=name(meta["name"], "the data set's name"),
        task=task,
        n_classes=n_classes,
        feature_names=feature_names,
        class_names=class_names,
        image_shape=shape,
        plane_features=plane,
    )


def _labels(y: Array, meta: DataMeta, what: str) -> Array:
    if meta.task == "regression":
        return np.asarray(y, dtype=np.float64)
    K = meta.n_classes
    if y.size and (not np.array_equal(y, np.round(y)) or y.min() < 0 or y.max() >= K):
        raise fail(f"{what} should be class labels 0 … {K - 1}.")
    return np.asarray(y, dtype=np.int64)


def build_dataset(meta: DataMeta, arrays: dict[str, Array]) -> Dataset:
    """The Dataset from checked names and arrays (shapes already checked, values not yet)."""
    for k, A in arrays.items():
        if not np.all(np.isfinite(A)):
            raise fail(f"the data ({k}) contain NaN or inf.")
    n = arrays["X_train"].shape[1]
    X_test = arrays["X_test"]
    if X_test.size == 0:  # an empty test set: JSON's [] does not say how many columns
        X_test = X_test.reshape(0, n)
    raw = {k: arrays.get(k) for k in RAW_ARRAYS}
    if raw["raw_test"] is not None and raw["raw_test"].size == 0:
        raw["raw_test"] = raw["raw_test"].reshape(0, 2)
    std = None
    if "standardizer_mean" in arrays:
        mean, sd = arrays["standardizer_mean"], arrays["standardizer_std"]
        if np.any(sd <= 0):
            raise fail("the standardizer needs one mean and one positive std per feature.")
        std = Standardizer(mean=mean, std=sd)
    try:
        return Dataset(
            name=meta.name,
            X_train=arrays["X_train"],
            y_train=_labels(arrays["y_train"], meta, "y_train"),
            X_test=X_test,
            y_test=_labels(arrays["y_test"], meta, "y_test"),
            task=meta.task,
            n_classes=meta.n_classes,
            feature_names=meta.feature_names,
            class_names=meta.class_names,
            image_shape=meta.image_shape,
            raw_train=raw["raw_train"],
            raw_test=raw["raw_test"],
            standardizer=std,
            plane_features=meta.plane_features,
        )
    except ValueError as e:
        raise fail(f"its data set is inconsistent. {e}") from None


# --------------------------------------------------------------------------------------
# Θ and the whole run
# --------------------------------------------------------------------------------------


def check_theta_count(n: int, cfg: NetConfig) -> None:
    if n != cfg.L - 1:
        matrices = "Θ matrix" if cfg.L == 2 else "Θ matrices"
        raise fail(f"a {cfg.L}-layer network needs {cfg.L - 1} {matrices}, but it has {n:,}.")


def check_theta_shape(l: int, shape: tuple[int, ...], cfg: NetConfig) -> None:
    """Θ^(l) (1-based, as in the course) must have the configuration's shape."""
    expected = cfg.theta_shapes[l - 1]
    if tuple(shape) != expected:
        raise fail(
            f"Θ^({l}) should have shape {expected} for this configuration but has shape "
            f"{tuple(shape)}."
        )


def theta(Theta: Sequence[Array], cfg: NetConfig) -> tuple[Array, ...]:
    """Θ as float64, finite, each of the configuration's shape."""
    check_theta_count(len(Theta), cfg)
    out = []
    for l, T in enumerate(Theta, start=1):
        check_theta_shape(l, T.shape, cfg)
        T = np.asarray(T, dtype=np.float64)
        if not np.all(np.isfinite(T)):
            raise fail(f"Θ^({l}) contains NaN or inf.")
        out.append(T)
    return tuple(out)


def meta_dict(run: Run) -> dict[str, Any]:
    """The run's plain data except Θ, the data set and the optimizer state."""
    d = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "config": to_plain(run.cfg),
        "settings": to_plain(run.settings),
        "history": history_to_dict(run.history),
        "epoch": int(run.epoch),
        "steps": int(run.steps),
    }
    if getattr(run, "app_settings", None) is not None:
        d[APP_SETTINGS_KEY] = app_settings_to_plain(run.app_settings)
    return d


def finite(A: Array) -> Array:
    """A when it is finite (a file that could not be loaded back is never written)."""
    if A.dtype.kind == "f" and not np.all(np.isfinite(A)):
        raise ValueError("Cannot save NaN or infinite values in Θ or the data.")
    return A


@dataclass(frozen=True, eq=False)
class Parts:
    """The run's small parts, read and checked before any array is allocated."""

    cfg: NetConfig
    settings: TrainSettings
    history: History
    epoch: int
    steps: int
    data: DataMeta


def read_parts(
    meta: dict, cfg: NetConfig, names_of_data: Any, shapes: dict[str, tuple[int, ...]]
) -> Parts:
    """Settings, history, counts and the data set's names and shapes, all checked.

    ``meta`` has passed :func:`check_header` and :func:`check_keys`; ``names_of_data`` is the
    data set's entry without its arrays, ``shapes`` the shapes of the arrays.
    """
    epoch = count(meta["epoch"], "the epoch count")
    steps = count(meta["steps"], "the step count")
    return Parts(
        cfg=cfg,
        settings=settings_from_dict(meta["settings"]),
        history=history_from_dict(meta["history"], cfg, epoch, steps),
        epoch=epoch,
        steps=steps,
        data=check_data_meta(names_of_data, cfg, shapes),
    )


def make_run(
    parts: Parts,
    Theta: Sequence[Array],
    arrays: dict[str, Array],
    optimizer_state: dict[str, Array | int] | None = None,
    app_settings: dict[str, Any] | None = None,
) -> Run:
    """The Run from checked parts and the arrays (whose values are checked here).

    ``optimizer_state`` has passed :func:`check_optimizer_state` (its vectors' values are
    checked here); None for a file without one.  ``app_settings`` has passed
    :func:`check_app_settings`.
    """
    if optimizer_state is not None:
        for k, v in optimizer_state.items():
            if isinstance(v, np.ndarray) and not np.all(np.isfinite(v)):
                raise fail(f"the optimizer's {k} contains NaN or inf.")
    return Run(
        cfg=parts.cfg,
        Theta=theta(Theta, parts.cfg),
        settings=parts.settings,
        history=parts.history,
        dataset=build_dataset(parts.data, arrays),
        epoch=parts.epoch,
        steps=parts.steps,
        optimizer_state=optimizer_state,
        app_settings=app_settings,
    )


# --------------------------------------------------------------------------------------
# The settings of the program that made the run (optional, kept as they are)
# --------------------------------------------------------------------------------------

#: The file's key for ``Run.app_settings``.  Optional: most files have none.
APP_SETTINGS_KEY = "app_settings"


def _app_value(v: Any, what: str, inner: bool = False) -> Any:
    """One plain value: true/false, a whole or finite number, a short text, or (not nested)
    a list of at most ``MAX_LAYERS`` of those."""
    if v is None or isinstance(v, bool):
        return v
    if isinstance(v, int | np.integer):
        if not -MAX_COUNT <= int(v) <= MAX_COUNT:
            raise fail(f"{what} should be at most {MAX_COUNT:,} in size (got {describe(v)}).")
        return int(v)
    if isinstance(v, float | np.floating):
        if not math.isfinite(v):
            raise fail(f"{what} should be a finite number (got {v}).")
        return float(v)
    if isinstance(v, str):
        return name(v, what)
    if isinstance(v, list | tuple) and not inner:
        if len(v) > MAX_LAYERS:
            raise fail(f"{what} lists {len(v)} items; at most {MAX_LAYERS} are allowed.")
        return [_app_value(x, f"each of {what}", inner=True) for x in v]
    raise fail(f"{what} should be a plain value, not {describe(v)}.")


def check_app_settings(d: Any) -> dict[str, Any] | None:
    """A file's ``app_settings``: at most ``MAX_APP_SETTINGS`` names (each at most
    ``MAX_WORD_CHARS`` characters), each a plain value (see ``Run.app_settings``); None
    stays None.  Raises the file's ValueError otherwise."""
    if d is None:
        return None
    if not isinstance(d, dict):
        raise fail("its app settings should be a set of named fields (a JSON object).")
    if len(d) > MAX_APP_SETTINGS:
        raise fail(f"it has {len(d):,} app settings; at most {MAX_APP_SETTINGS} are allowed.")
    out = {}
    for k, v in d.items():
        if not isinstance(k, str) or not k or len(k) > MAX_WORD_CHARS:
            raise fail(f"the app setting {quote(str(k))} has no short name.")
        out[k] = _app_value(v, f"the app setting {quote(k)}")
    return out


def app_settings_to_plain(d: Any) -> dict[str, Any]:
    """``Run.app_settings`` as plain JSON data (tuples become lists), checked as on reading:
    a file that could not be loaded back is never written."""
    plain = {str(k): list(v) if isinstance(v, tuple) else v for k, v in dict(d).items()}
    try:
        return check_app_settings(plain)
    except ValueError as e:
        raise ValueError(f"Cannot save the run's app settings: {e}") from None


# --------------------------------------------------------------------------------------
# The optimizer's state: momentum's velocity v, Adam's moments m, v and step count t
# --------------------------------------------------------------------------------------

#: The file's key for the optimizer's state.  Optional: a file written before the state was
#: saved has none, and its run resumes with a fresh state.
OPTIMIZER_STATE_KEY = "optimizer_state"
#: In an .npz each vector of the state is the array ``optimizer_<name>`` (``optimizer_m``,
#: ``optimizer_v``); its counts (Adam's t) are in the meta text's ``optimizer_state``.  In a
#: .json run ``optimizer_state`` holds both, the vectors as lists.
OPTIMIZER_ARRAY_PREFIX = "optimizer_"


def optimizer_layout(optimizer: str) -> dict[str, str]:
    """What the state of ``optimizer`` holds: ``{name: "vector" | "count"}``.

    Read from the optimizer's own ``init`` (``bp_core.optimizers``), so an optimizer added
    there is saved without touching this module: a vector has one number per weight
    (n_weights,), a count is a whole number.
    """
    state = OPTIMIZERS[optimizer].init(np.zeros(1))
    return {k: "count" if isinstance(v, int | np.integer) else "vector" for k, v in state.items()}


def optimizer_arrays() -> tuple[str, ...]:
    """Every array name an .npz may give a vector of an optimizer's state (read from
    ``OPTIMIZERS`` when called, so a registered optimizer's state is saved and loaded too)."""
    return tuple(
        sorted(
            {
                OPTIMIZER_ARRAY_PREFIX + k
                for name in OPTIMIZERS
                for k, kind in optimizer_layout(name).items()
                if kind == "vector"
            }
        )
    )


def optimizer_counts(state: dict[str, Any]) -> dict[str, int]:
    """The state's counts (Adam's t) as plain whole numbers."""
    return {k: int(v) for k, v in state.items() if isinstance(v, int | np.integer)}


def optimizer_vectors(state: dict[str, Any]) -> dict[str, Array]:
    """The state's vectors (n_weights,) as float64, refused when not finite."""
    return {
        k: finite(np.asarray(v, dtype=np.float64))
        for k, v in state.items()
        if not isinstance(v, int | np.integer)
    }


def check_optimizer_state(
    counts: Any, vector_shapes: dict[str, tuple[int, ...]], parts: Parts
) -> dict[str, int]:
    """Check a file's optimizer state against its optimizer and network, before any of its
    vectors is allocated; returns the counts.

    ``counts`` is the file's object of counts (for a .json run: ``optimizer_state`` without
    its vectors), ``vector_shapes`` the shape of every vector the file gives, by name.
    """
    name = parts.settings.optimizer
    layout = optimizer_layout(name)
    vectors = sorted(k for k, kind in layout.items() if kind == "vector")
    if sorted(vector_shapes) != vectors:
        given = ", ".join(quote(str(k), 12) for k in sorted(vector_shapes)[:4]) or "none"
        if len(vector_shapes) > 4:
            given += f" and {len(vector_shapes) - 4:,} more"
        needed = ", ".join(repr(k) for k in vectors) or "none"
        raise fail(
            f"its optimizer state does not fit the optimizer {name!r}: it gives the vectors "
            f"{given}, but {name!r} keeps {needed}."
        )
    n = parts.cfg.n_weights
    for k in vectors:
        if tuple(vector_shapes[k]) != (n,):
            raise fail(
                f"the optimizer's {k} should hold one number per weight ({n:,}), but has shape "
                f"{tuple(vector_shapes[k])}."
            )
    wanted = [k for k, kind in layout.items() if kind == "count"]
    d = check_keys(counts, wanted, (), "The optimizer state")
    out = {}
    for k in wanted:
        out[k] = count(d[k], f"the optimizer's step count {k}")
        if out[k] > parts.steps:
            raise fail(
                f"the optimizer's step count {k} is {out[k]:,}, more than the run's "
                f"{parts.steps:,} gradient steps."
            )
    return out
