"""A run as an .npz file (numpy's zip of arrays): ``save_npz`` and ``load_npz``.

The arrays are ``Theta_1`` … ``Theta_{L-1}`` (course superscripts: ``Theta_1`` is Θ^(1)),
``X_train``, ``y_train``, ``X_test``, ``y_test`` and, when present, ``raw_train``,
``raw_test``, ``standardizer_mean``, ``standardizer_std`` and the optimizer's vectors
``optimizer_v`` (momentum), ``optimizer_m`` and ``optimizer_v`` (Adam), each (n_weights,);
everything else (format, version, configuration, settings, history, the data set's names,
the optimizer's counts such as Adam's t, the app settings) is one JSON text stored in the
0-d unicode array ``meta``.

Reading never unpickles: every member's header is inspected first, so object arrays are
refused without being read, and the arrays are read with ``np.load(..., allow_pickle=False)``.
Sizes come from the headers, so absurd ones are refused before memory is allocated; the
meta text passes the same JSON gate as a .json run (``bp_core.io.schema``).
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from typing import Any

import numpy as np

from . import schema
from .run import Run

Array = np.ndarray

#: At most this many members in an .npz run (a run has at most 31).
MAX_MEMBERS = 64


def save_npz(run: Run, file: str | os.PathLike[str] | Any) -> None:
    """Write the run to ``file`` (a path or a writable binary file) with np.savez_compressed.

    Θ and the data must be finite, the meta text within ``MAX_META_CHARS`` and the numbers
    within ``MAX_NUMBERS``: a file that could not be loaded back is never written.
    """
    meta = schema.meta_dict(run)
    meta["dataset"] = schema.data_meta(run.dataset)
    if run.optimizer_state is not None:  # the counts here, the vectors as arrays below
        meta[schema.OPTIMIZER_STATE_KEY] = schema.optimizer_counts(run.optimizer_state)
    text = json.dumps(meta, allow_nan=False)  # ASCII: one character is one byte
    problem = schema.json_size_problem(text.encode("ascii"), "its meta text")
    if problem is not None:
        raise ValueError(f"Cannot save this run: {problem}")
    arrays: dict[str, Array] = {"meta": np.array(text)}  # 0-d <U
    for l, T in enumerate(run.Theta, start=1):
        arrays[f"Theta_{l}"] = schema.finite(np.asarray(T, dtype=np.float64))
    arrays.update({k: schema.finite(A) for k, A in schema.data_arrays(run.dataset).items()})
    if run.optimizer_state is not None:
        for k, v in schema.optimizer_vectors(run.optimizer_state).items():
            arrays[schema.OPTIMIZER_ARRAY_PREFIX + k] = v  # (n_weights,)
    total = sum(A.size for k, A in arrays.items() if k != "meta")
    if total > schema.MAX_NUMBERS:
        raise ValueError(
            f"Cannot save this run: it holds {total:,} numbers, more than the "
            f"{schema.MAX_NUMBERS:,} a run file may hold."
        )
    np.savez_compressed(file, **arrays)


def _member(name: str) -> str:
    """A member's name for a message: as it is when it is a plain short name, else quoted."""
    plain = name.isascii() and name.isidentifier() and len(name) <= schema.QUOTE_CHARS
    return name if plain else schema.quote(name)


def _read_bytes(file: Any) -> bytes:
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
    elif isinstance(file, str | os.PathLike):
        try:
            size = os.path.getsize(file)
        except OSError as e:
            raise ValueError(
                f"Cannot open {schema.quote(os.fspath(file), 80)}: {e.strerror}."
            ) from None
        if size > schema.MAX_FILE_BYTES:
            raise schema.fail(f"it is larger than {schema.MAX_FILE_BYTES:,} bytes.")
        with open(file, "rb") as f:
            data = f.read()
    elif hasattr(file, "read"):
        data = file.read(schema.MAX_FILE_BYTES + 1)
        if not isinstance(data, bytes | bytearray):
            raise schema.fail("expected a file opened in binary mode.")
        data = bytes(data)
    else:
        raise schema.fail(
            f"expected a file name, bytes or a binary file, not {type(file).__name__}."
        )
    if len(data) > schema.MAX_FILE_BYTES:
        raise schema.fail(f"it is larger than {schema.MAX_FILE_BYTES:,} bytes.")
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
        raise schema.fail(
            f"its part {schema.quote(member)} is not a readable numpy array."
        ) from None
    return tuple(shape), dtype


def _check_headers(headers: dict[str, tuple[tuple[int, ...], np.dtype]]) -> None:
    """No objects, only numbers (and the meta text), sizes within the limits."""
    total = 0
    for k, (shape, dtype) in headers.items():
        if dtype.hasobject:
            raise schema.fail(
                f"its array {schema.quote(k)} holds Python objects (a pickle). Pickles can run "
                "code when loaded, so they are refused."
            )
        if k == "meta":
            if dtype.kind != "U" or shape != ():
                raise schema.fail("its 'meta' part should be one text.")
            if dtype.itemsize // 4 > schema.MAX_META_CHARS:
                raise schema.fail(
                    f"its 'meta' text is longer than {schema.MAX_META_CHARS:,} characters."
                )
            continue
        if dtype.kind not in "fiu" or dtype.names is not None or dtype.shape:
            raise schema.fail(
                f"its array {schema.quote(k)} should hold plain numbers, not {dtype}."
            )
        total += math.prod(shape)
        if total > schema.MAX_NUMBERS:
            raise schema.fail(f"it holds more than {schema.MAX_NUMBERS:,} numbers.")


def load_npz(file: str | os.PathLike[str] | bytes | Any) -> Run:
    """Read a run written by ``save_npz`` (a path, the file's bytes, or a binary file).

    Order of the checks: the file's size; a zip of at most ``MAX_MEMBERS`` .npy members;
    every member's header (no objects, plain numbers, at most ``MAX_NUMBERS`` in all, the
    meta text at most ``MAX_META_CHARS``); the meta text (JSON gate, format, version, keys,
    configuration); the arrays' names and shapes against the configuration, the data set's
    names, the settings and the history — all before any array is read; then the arrays
    (``allow_pickle=False``) and their values.

    Raises
    ------
    ValueError
        With a sentence saying what is wrong (see ``bp_core.io`` for every check).
    """
    data = _read_bytes(file)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        members = zf.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise schema.fail("it is not an .npz file (not a zip archive).") from None
    with zf:
        if len(members) > MAX_MEMBERS or not all(m.endswith(".npy") for m in members):
            raise schema.fail("it holds parts that are not numpy arrays.")
        keys = [m[: -len(".npy")] for m in members]
        if len(set(keys)) != len(keys):
            raise schema.fail("it holds two arrays with the same name.")
        if "meta" not in keys:
            raise schema.fail("it has no 'meta' part, so it is not a saved run.")
        headers = {k: _npy_header(zf, m) for k, m in zip(keys, members, strict=True)}
    _check_headers(headers)

    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        meta = schema.parse_json(str(npz["meta"][()]), "its 'meta' text")
        if not isinstance(meta, dict):
            raise schema.fail("its 'meta' text is not a saved run.")
        schema.check_header(meta)
        schema.check_keys(
            meta,
            (*schema.TOP_KEYS, "dataset"),
            (schema.OPTIMIZER_STATE_KEY, schema.APP_SETTINGS_KEY),
            "The file's meta",
        )
        app = schema.check_app_settings(meta.get(schema.APP_SETTINGS_KEY))
        cfg = schema.config_from_dict(meta["config"])
        theta_keys = [f"Theta_{l}" for l in range(1, cfg.L)]
        expected = {"meta", *theta_keys, *schema.DATA_ARRAYS}
        missing = sorted(expected - set(keys))
        if missing:
            raise schema.fail(f"it is missing the arrays {', '.join(missing)}.")
        optimizer_arrays = schema.optimizer_arrays()
        known = {*schema.OPTIONAL_ARRAYS, *optimizer_arrays}
        extra = sorted(set(keys) - expected - known)
        if extra:
            more = f" and {len(extra) - 3} more" if len(extra) > 3 else ""
            raise schema.fail(
                "it holds arrays this version of Backprop Lab does not know: "
                f"{', '.join(_member(k) for k in extra[:3])}{more}."
            )
        schema.check_pairs(set(keys))
        for l, k in enumerate(theta_keys, start=1):
            schema.check_theta_shape(l, headers[k][0], cfg)
        shapes = {k: headers[k][0] for k in schema.ARRAY_NDIM if k in headers}
        parts = schema.read_parts(meta, cfg, meta["dataset"], shapes)
        prefix = schema.OPTIMIZER_ARRAY_PREFIX
        opt_keys = [k for k in keys if k in optimizer_arrays]
        has_state = schema.OPTIMIZER_STATE_KEY in meta
        if opt_keys and not has_state:
            raise schema.fail(
                f"it holds the optimizer's {', '.join(opt_keys)} but no optimizer state."
            )
        if has_state:
            vector_shapes = {k[len(prefix) :]: headers[k][0] for k in opt_keys}
            counts = schema.check_optimizer_state(
                meta[schema.OPTIMIZER_STATE_KEY], vector_shapes, parts
            )
        # only now are the arrays read (still without pickles)
        Theta = [np.asarray(npz[k], dtype=np.float64) for k in theta_keys]
        arrays = {k: npz[k] for k in shapes}
        state = None
        if has_state:
            vectors = {k[len(prefix) :]: np.asarray(npz[k], dtype=np.float64) for k in opt_keys}
            state = {**vectors, **counts}
    for k, A in arrays.items():
        # labels keep their integer type (checked later); everything else is float64
        if not (k.startswith("y_") and A.dtype.kind in "iu"):
            arrays[k] = np.asarray(A, dtype=np.float64)
    return schema.make_run(parts, Theta, arrays, state, app)
