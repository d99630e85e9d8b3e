"""A run as one JSON text: ``to_json`` and ``from_json``.

The text is one object: ``format``, ``version``, ``config``, ``settings``, ``history``,
``epoch``, ``steps``, ``Theta`` (a list of matrices, each a list of rows), ``dataset``
(its names and its arrays as lists), ``optimizer_state`` (momentum's ``v``, Adam's ``m``,
``v`` as lists of n_weights numbers and its ``t``; ``{}`` for gradient descent; absent from
files written before it was saved) and, when the run has them, ``app_settings``.  Floats
are written with ``repr``, so they read back bit for bit.  Reading measures the text before
parsing it and checks every shape before any array is allocated (see ``bp_core.io.schema``).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from . import schema
from .run import Run

Array = np.ndarray


def _array_to_json(A: Array) -> list:
    return schema.finite(A).tolist()  # floats are written with repr: they read back bit for bit


def to_json(run: Run) -> str:
    """The run as one JSON text (Θ and the data written exactly: floats round-trip bit for bit).

    NaN in the history is written as ``null`` and ±inf as ``"inf"`` / ``"-inf"`` (JSON has
    neither); Θ and the data must be finite.  A run that ``from_json`` would refuse as too
    large (more than ``MAX_JSON_BYTES`` bytes or ``MAX_JSON_VALUES`` values) is not written:
    save it with ``save_npz``.
    """
    doc = schema.meta_dict(run)
    doc["Theta"] = [_array_to_json(np.asarray(T, dtype=np.float64)) for T in run.Theta]
    data = schema.data_meta(run.dataset)
    for k, A in schema.data_arrays(run.dataset).items():
        data[k] = _array_to_json(A)
    doc["dataset"] = data
    if run.optimizer_state is not None:  # vectors as lists, counts as numbers
        state: dict[str, Any] = schema.optimizer_counts(run.optimizer_state)
        for k, v in schema.optimizer_vectors(run.optimizer_state).items():
            state[k] = _array_to_json(v)
        doc[schema.OPTIMIZER_STATE_KEY] = state
    text = json.dumps(doc, allow_nan=False, ensure_ascii=False)
    problem = schema.json_size_problem(text.encode("utf-8"), "the JSON text")
    if problem is not None:
        raise ValueError(f"Cannot save this run as JSON: {problem}")
    return text


def _shape_of_nested(v: Any, ndim: int, what: str, budget: list[int]) -> tuple[int, ...]:
    """Check that v is a rectangular nested list of numbers with ``ndim`` levels; returns its
    shape.  ``budget[0]`` counts down the numbers still allowed (checked before allocating)."""
    if ndim == 0:
        if isinstance(v, bool) or not isinstance(v, int | float):
            raise schema.fail(f"{what} should hold numbers only, but holds {schema.describe(v)}.")
        return ()
    if not isinstance(v, list):
        raise schema.fail(f"{what} should be a {ndim}-dimensional table of numbers.")
    if ndim == 1:
        budget[0] -= len(v)
        if budget[0] < 0:
            raise schema.fail(f"it holds more than {schema.MAX_NUMBERS:,} numbers.")
        for x in v:
            _shape_of_nested(x, 0, what, budget)
        return (len(v),)
    shapes = {_shape_of_nested(x, ndim - 1, what, budget) for x in v}
    if len(shapes) > 1:
        raise schema.fail(f"{what} has rows of different lengths.")
    inner = shapes.pop() if shapes else (0,) * (ndim - 1)
    return (len(v), *inner)


def _array_from_json(v: Any, shape: tuple[int, ...], what: str) -> Array:
    try:
        A = np.array(v, dtype=np.float64)
    except OverflowError:  # a whole number with hundreds of digits
        raise schema.fail(f"{what} holds a number too large for a float.") from None
    return A.reshape(shape)


def from_json(text: str | bytes) -> Run:
    """Read a run written by ``to_json``.

    Order of the checks: the text's size, number of values and nesting (before parsing);
    the format and version; the keys; the configuration; the shape of Θ and of every data
    array, the data set's names, the settings and the history (before any array is
    allocated); then the values (finite, labels in range).

    Raises
    ------
    ValueError
        With a sentence saying what is wrong (see ``bp_core.io`` for every check).
    """
    doc = schema.parse_json(text)
    if not isinstance(doc, dict):
        raise schema.fail("it is JSON, but not a saved run (expected an object with named fields).")
    schema.check_header(doc)
    schema.check_keys(
        doc,
        (*schema.TOP_KEYS, "Theta", "dataset"),
        (schema.OPTIMIZER_STATE_KEY, schema.APP_SETTINGS_KEY),
        "The file",
    )
    app = schema.check_app_settings(doc.get(schema.APP_SETTINGS_KEY))
    cfg = schema.config_from_dict(doc["config"])  # sizes checked before Θ is allocated
    budget = [schema.MAX_NUMBERS]
    Th = doc["Theta"]
    if not isinstance(Th, list):
        raise schema.fail(f"Θ should be a list of matrices, not {schema.describe(Th)}.")
    schema.check_theta_count(len(Th), cfg)
    theta_shapes = []
    for l, T in enumerate(Th, start=1):
        theta_shapes.append(_shape_of_nested(T, 2, f"Θ^({l})", budget))
        schema.check_theta_shape(l, theta_shapes[-1], cfg)
    data = doc["dataset"]
    schema.check_keys(
        data, (*schema.DATA_KEYS, *schema.DATA_ARRAYS), schema.OPTIONAL_ARRAYS, "The data set"
    )
    schema.check_pairs(set(data))
    shapes = {
        k: _shape_of_nested(data[k], ndim, k, budget)
        for k, ndim in schema.ARRAY_NDIM.items()
        if k in data
    }
    parts = schema.read_parts(doc, cfg, {k: data[k] for k in schema.DATA_KEYS}, shapes)
    opt = doc.get(schema.OPTIMIZER_STATE_KEY)  # None: a file from before it was saved
    if opt is not None:
        if not isinstance(opt, dict):
            raise schema.fail("the optimizer state should be a set of named fields.")
        vector_shapes = {
            k: _shape_of_nested(v, 1, f"the optimizer's {schema.quote(str(k))}", budget)
            for k, v in opt.items()
            if isinstance(v, list)
        }
        counts = {k: v for k, v in opt.items() if not isinstance(v, list)}
        counts = schema.check_optimizer_state(counts, vector_shapes, parts)
    # only now are arrays allocated (at most MAX_NUMBERS numbers, all shapes known)
    Theta = [
        _array_from_json(T, shape, f"Θ^({l})")
        for l, (T, shape) in enumerate(zip(Th, theta_shapes, strict=True), start=1)
    ]
    arrays = {k: _array_from_json(data[k], shape, k) for k, shape in shapes.items()}
    state = None
    if opt is not None:
        state = {
            **{
                k: _array_from_json(opt[k], shp, f"the optimizer's {k}")
                for k, shp in vector_shapes.items()
            },
            **counts,
        }
    return schema.make_run(parts, Theta, arrays, state, app)
