"""Hypothesis strategies and small fixtures shared by several test files."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as hs

from lab_ui.shared import schema


def valid_values(s: schema.Setting) -> hs.SearchStrategy:
    """Any value the schema accepts for setting ``s`` (the CSV data set left out: it needs
    an uploaded file)."""
    allowed = s.allowed()
    if s.kind == "bool":
        return hs.booleans()
    if s.kind == "choice" or (s.kind in ("int", "float") and allowed):
        return hs.sampled_from([a for a in allowed if a != schema.CSV_DATASET])
    if s.kind == "int":
        return hs.integers(int(s.lo), int(s.hi))
    if s.kind == "float":
        return hs.floats(s.lo, s.hi).map(lambda v: float(f"{v:g}"))
    if s.kind == "ints":
        return hs.lists(hs.integers(int(s.lo), int(s.hi)), max_size=s.max_len).map(tuple)
    return hs.lists(
        hs.sampled_from(allowed), min_size=max(s.min_len, 1), max_size=s.max_len, unique=True
    ).map(tuple)


@dataclass
class Data:
    """The least a Trainer needs (``LabelledData``)."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str = "classification"
