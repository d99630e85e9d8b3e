"""The 8x8 handwritten digits (UCI), shipped as bp_core/data/digits.npz."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from ._checks import _check_rng
from .records import Dataset, _assemble

# --------------------------------------------------------------------------------------
# Handwritten digits
# --------------------------------------------------------------------------------------

_DIGITS_PATH = Path(__file__).resolve().parent.parent / "data" / "digits.npz"


@lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The stored images (1797, 64) uint8 and labels (1797,) uint8, read-only."""
    if not _DIGITS_PATH.is_file():
        raise FileNotFoundError(
            f"The digits data file is missing: {_DIGITS_PATH}. "
            "Regenerate it with `python bench/make_digits_data.py`."
        )
    with np.load(_DIGITS_PATH, allow_pickle=False) as data:
        images, labels = data["images"], data["labels"]
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


#: The name of each pixel feature: ``px{r}_{c}`` is row r, column c of the 8x8 image.
DIGIT_PIXELS: tuple[str, ...] = tuple(f"px{r}_{c}" for r in range(8) for c in range(8))


def digits_examples(
    n: int, noise: float, rng: np.random.Generator, scale: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """The digits' generator on the registry: all 1,797 images, whatever ``n`` and ``noise``
    (nothing is drawn from ``rng``).

    Returns
    -------
    X : ndarray of shape (1797, 64), float64
        One flattened image per row, pixels 0..16 divided by 16 when ``scale``.
    y : ndarray of shape (1797,), int64
        The digits 0..9.
    """
    _check_rng(rng)
    images, labels = _digits_arrays()
    X = images.astype(np.float64)  # (1797, 64)
    if scale:
        X = X / 16.0
    return X, labels.astype(np.int64)


def load_digits(
    *,
    train_fraction: float = 0.7,
    rng: np.random.Generator,
    scale: bool = True,
    standardize: bool = False,
) -> Dataset:
    """The 1,797 8x8 images of handwritten digits (UCI), shuffled and split.

    Source and licence (CC BY 4.0): ``bp_core/data/README.md``.

    Parameters
    ----------
    train_fraction : float, default 0.7
        Share of the images used for training, strictly between 0 and 1.
    rng : np.random.Generator
        Source of randomness for the shuffle.
    scale : bool, default True
        Divide the pixel counts 0..16 by 16 so the inputs are in [0, 1].
    standardize : bool, default False
        Also fit a ``Standardizer`` on the training pixels and apply it to both parts.

    Returns
    -------
    Dataset
        ``X_train`` of shape (m_train, 64) float64, one flattened image per row (pixel
        ``px{r}_{c}`` is row r, column c); ``y_train`` int64 digits 0..9;
        ``image_shape == (8, 8)``; ``raw_train is None``.
    """
    X, y = digits_examples(0, 0.0, rng, scale=scale)  # (1797, 64), (1797,)
    return _assemble(
        name="digits",
        X=X,
        y=y,
        raw=None,
        train_fraction=train_fraction,
        rng=rng,
        task="classification",
        n_classes=10,
        feature_names=DIGIT_PIXELS,
        class_names=tuple(str(d) for d in range(10)),
        image_shape=(8, 8),
        standardize=standardize,
    )
