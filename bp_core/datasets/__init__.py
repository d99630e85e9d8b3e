"""Datasets for Backprop Lab: toy 2-D problems, 8x8 handwritten digits and your own CSV.

Conventions (the same as the rest of ``bp_core`` and the course):

- **Rows are examples.** ``X`` has shape (m, n): m examples, n features (the course's
  s_1 input units). A label vector ``y`` has shape (m,).
- **Classification labels are the integers 0..K-1** (int64), where K = ``n_classes``.
  Names for the classes, when there are any ("cat", "dog", "7"), live in
  ``Dataset.class_names``; ``class_names[k]`` names label k.
- **Regression targets are float64.** A regression dataset has ``n_classes == 0``.
- **The input plane.** The toy problems live in the square [-6, 6] x [-6, 6], the same
  coordinates as TensorFlow Playground. The two coordinates are called x1 and x2. A
  *feature map* (``FEATURES``) turns the raw points (m, 2) into the network's inputs
  (m, n), e.g. ``("x1", "x2", "x1*x2")``. Because the raw points are kept
  (``Dataset.raw_train``), the UI can colour the whole plane by the network's output:
  it calls ``Dataset.inputs_from_plane`` on a grid of points.
- **Randomness is explicit.** Every function that draws random numbers takes an
  ``rng: np.random.Generator``; the same seed always gives the same data.
- **Noise** is a number in [0, 1]. TensorFlow Playground's noise slider runs from 0 to 50 %,
  which is ``noise`` 0 to 0.5 here; values above 0.5 go further than Playground does.
  What noise does depends on the problem (see ``DATASET_INFO[name].noise``): for circle,
  xor, plane and gaussian_bumps the target is computed at a randomly moved copy of the
  point (so labels near the boundary get mixed up), for spiral and moons the points
  themselves are moved, and for gaussians and blobs the clouds get wider.

This module imports numpy and the standard library only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._checks import _check_fraction, _check_n, _check_rng
from .csv_file import (
    CSV_CLASSIFICATION_MAX_DISTINCT,
    CSV_MAX_ABS,
    CSV_MAX_BYTES,
    CSV_MAX_CELL_CHARS,
    CSV_MAX_CLASSES,
    CSV_MAX_FEATURES,
    CSV_MAX_LINE_CHARS,
    CSV_MAX_NAME_CHARS,
    CSV_MAX_ROWS,
    CSV_MIN_ROWS,
    load_csv,
)
from .digits import load_digits
from .features import FEATURES, Standardizer, _check_features, feature_map
from .records import Dataset, _assemble
from .registry import (
    BUILTIN_DATASETS,
    CSV_LABEL,
    DATASET_INFO,
    DATASET_NAMES,
    DEFAULT_HEADS,
    DEFAULT_N_CLASSES,
    GENERATORS,
    TASKS,
    DatasetInfo,
    dataset_entry,
    default_head,
    register_dataset,
    unregister_dataset,
)
from .toy import (
    INPUT_RANGE,
    make_blobs,
    make_circle,
    make_gaussian_bumps,
    make_gaussians,
    make_moons,
    make_plane,
    make_spiral,
    make_xor,
)

__all__ = [
    "BUILTIN_DATASETS",
    "CSV_CLASSIFICATION_MAX_DISTINCT",
    "CSV_LABEL",
    "CSV_MAX_ABS",
    "CSV_MAX_BYTES",
    "CSV_MAX_CELL_CHARS",
    "CSV_MAX_CLASSES",
    "CSV_MAX_FEATURES",
    "CSV_MAX_LINE_CHARS",
    "CSV_MAX_NAME_CHARS",
    "CSV_MAX_ROWS",
    "CSV_MIN_ROWS",
    "DATASET_INFO",
    "DATASET_NAMES",
    "DEFAULT_HEADS",
    "DEFAULT_N_CLASSES",
    "FEATURES",
    "GENERATORS",
    "INPUT_RANGE",
    "TASKS",
    "Dataset",
    "DatasetInfo",
    "Standardizer",
    "dataset_entry",
    "default_head",
    "feature_map",
    "load_csv",
    "load_digits",
    "make_blobs",
    "make_circle",
    "make_dataset",
    "make_gaussian_bumps",
    "make_gaussians",
    "make_moons",
    "make_plane",
    "make_spiral",
    "make_xor",
    "register_dataset",
    "unregister_dataset",
]


def make_dataset(
    name: str,
    *,
    n: int = 500,
    noise: float = 0.0,
    train_fraction: float = 0.5,
    rng: np.random.Generator,
    features: Sequence[str] = ("x1", "x2"),
    n_classes: int | None = None,
    standardize: bool = False,
) -> Dataset:
    """Make a named dataset: generate, shuffle, split, apply the feature map.

    Everything about the data set comes from its registry entry (``DATASET_INFO[name]``):
    its generator, task, number of classes, and whether its examples are points of the plane.

    Parameters
    ----------
    name : str
        One of ``DATASET_NAMES``.  For a data set that is not ``sized`` (the digits) ``n`` is
        ignored; for one that is not ``planar`` ``features`` is ignored (its own features,
        e.g. the 64 pixels, are the inputs); ``noise`` does what the entry's ``noise`` says.
    n : int, default 500
        Number of examples m before the split, at least 2.
    noise : float, default 0.0
        In [0, 1]; see ``DATASET_INFO[name].noise`` for what it does.
    train_fraction : float, default 0.5
        Share of the examples used for training, strictly between 0 and 1; both parts
        must get at least one example.
    rng : np.random.Generator
        Source of randomness for generating and shuffling.
    features : sequence of str, default ("x1", "x2")
        Names from ``FEATURES``, the network's inputs.
    n_classes : int or None
        Number of classes K where K is a setting (``classes_setting``, e.g. "blobs": 2..10,
        default 3); other datasets have a fixed number and accept only None or that number.
    standardize : bool, default False
        Fit a ``Standardizer`` on the training features and apply it to both parts.

    Returns
    -------
    Dataset
        ``X_train`` of shape (m_train, len(features)), ``raw_train`` of shape
        (m_train, 2), and so on; m_train = round(train_fraction * n).  For data that are not
        planar, ``X_train`` has the entry's ``feature_names`` as columns, ``raw_train`` is
        None and ``image_shape`` is the entry's.
    """
    info = dataset_entry(name)
    _check_rng(rng)
    k = info.classes(n_classes)
    if not info.planar:
        X, y = info.generate(n, noise, rng, k)
        return _assemble(
            name=name,
            X=X,
            y=y,
            raw=None,
            train_fraction=train_fraction,
            rng=rng,
            task=info.task,
            n_classes=int(k),
            feature_names=info.feature_names,
            class_names=tuple(str(c) for c in range(int(k))),
            image_shape=info.image_shape,
            standardize=standardize,
        )
    names = _check_features(features)
    if info.sized:
        _check_n(n, minimum=2)
    _check_fraction(train_fraction)
    raw, y = info.generate(n, noise, rng, k)
    k = int(k)
    class_names = tuple(str(c) for c in range(k))
    return _assemble(
        name=name,
        X=feature_map(raw, names),
        y=y,
        raw=raw,
        train_fraction=train_fraction,
        rng=rng,
        task=info.task,
        n_classes=k,
        feature_names=names,
        class_names=class_names,
        standardize=standardize,
        plane_features=names,
    )
