"""The Dataset record, and shuffling/splitting examples into train and test."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._checks import _TASK_NAMES, _check_fraction
from .features import Standardizer, feature_map

# --------------------------------------------------------------------------------------
# The Dataset record
# --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Dataset:
    """A train/test split ready for the network. Treat the arrays as read-only.

    Attributes
    ----------
    name : str
        Dataset name, e.g. "circle", "digits" or the CSV file name.
    X_train : ndarray of shape (m_train, n), float64
        Training inputs, after the feature map and (if chosen) standardization.
    y_train : ndarray of shape (m_train,)
        Training labels: int64 in 0..K-1 for classification, float64 for regression.
    X_test : ndarray of shape (m_test, n), float64
    y_test : ndarray of shape (m_test,)
    task : str
        "classification" or "regression".
    n_classes : int
        Number of classes K (0 for regression).
    feature_names : tuple of str, length n
        Name of each column of X.
    class_names : tuple of str, length K or 0
        ``class_names[k]`` names label k; may be empty.
    image_shape : tuple of (int, int) or None
        Shape to draw one row of X as an image, e.g. (8, 8) for digits.
    raw_train : ndarray of shape (m_train, 2) or None
        The training points in the input plane before the feature map, for drawing;
        None when the data are not points of a plane.
    raw_test : ndarray of shape (m_test, 2) or None
    standardizer : Standardizer or None
        Fitted on the training features when standardization was chosen.
    plane_features : tuple of str
        ``FEATURES`` names that turn plane points into X's columns (before
        standardization); empty when the dataset is not planar.
    """

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str
    n_classes: int
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()
    image_shape: tuple[int, int] | None = None
    raw_train: np.ndarray | None = None
    raw_test: np.ndarray | None = None
    standardizer: Standardizer | None = None
    plane_features: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.task not in _TASK_NAMES:
            raise ValueError(f"task must be 'classification' or 'regression'; got {self.task!r}.")
        n = self.X_train.shape[1] if self.X_train.ndim == 2 else -1
        parts = (("train", self.X_train, self.y_train), ("test", self.X_test, self.y_test))
        for label, X, y in parts:
            if X.ndim != 2 or X.shape[1] != n or y.shape != (X.shape[0],):
                raise ValueError(
                    f"X_{label} must have shape (m, {n}) and y_{label} shape (m,); "
                    f"got {X.shape} and {y.shape}."
                )
        if len(self.feature_names) != n:
            raise ValueError(f"There are {n} feature columns but {len(self.feature_names)} names.")
        if (self.raw_train is None) != (self.raw_test is None):
            raise ValueError("raw_train and raw_test must both be given or both be None.")

    @property
    def n_features(self) -> int:
        """Number of input features n (the course's s_1)."""
        return int(self.X_train.shape[1])

    @property
    def m_train(self) -> int:
        """Number of training examples."""
        return int(self.X_train.shape[0])

    @property
    def m_test(self) -> int:
        """Number of test examples."""
        return int(self.X_test.shape[0])

    @property
    def is_planar(self) -> bool:
        """True when the examples are points of a plane that the UI can draw."""
        return self.raw_train is not None

    def images(self, X: np.ndarray) -> np.ndarray:
        """Rows of inputs as the images they came from: the standardization undone, so the
        pixels are the raw ones (the digits' 0 … 16), not the network's scaled inputs.

        Parameters
        ----------
        X : array_like of shape (k, n)
            Rows of ``X_train`` or ``X_test``.

        Returns
        -------
        ndarray of shape (k, rows, cols), float64
            ``image_shape`` = (rows, cols); raises ValueError for data that are not images.
        """
        if self.image_shape is None:
            raise ValueError(f"The data set {self.name!r} is not made of images.")
        X = np.asarray(X, dtype=np.float64).reshape(-1, self.n_features)  # (k, n)
        raw = self.standardizer.inverse_transform(X) if self.standardizer is not None else X
        return raw.reshape(-1, *self.image_shape)  # (k, rows, cols)

    def inputs_from_plane(self, points: np.ndarray) -> np.ndarray:
        """Turn points of the input plane into network inputs exactly as the data were.

        Applies the feature map and then the standardizer, if any. Use it on a grid of
        points to draw the decision boundary.

        Parameters
        ----------
        points : array_like of shape (k, 2)
            Points (x1, x2) of the plane.

        Returns
        -------
        ndarray of shape (k, n), float64
            Rows comparable with ``X_train``.
        """
        if not self.is_planar:
            raise ValueError(f"The {self.name!r} data are not points of a plane.")
        X = feature_map(points, self.plane_features)  # (k, n)
        return self.standardizer.transform(X) if self.standardizer is not None else X


# --------------------------------------------------------------------------------------
# Shuffling, splitting and assembling
# --------------------------------------------------------------------------------------


def _split_indices(
    m: int, train_fraction: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle 0..m-1 and cut it into (train, test) index arrays."""
    fraction = _check_fraction(train_fraction)
    m_train = math.floor(fraction * m + 0.5)
    if not 1 <= m_train <= m - 1:
        raise ValueError(
            f"With {m} examples and train_fraction={fraction:g}, the "
            f"{'training' if m_train < 1 else 'test'} set would be empty; "
            "use more examples or a train_fraction nearer 0.5."
        )
    order = rng.permutation(m)  # (m,)
    return order[:m_train], order[m_train:]


def _assemble(
    *,
    name: str,
    X: np.ndarray,
    y: np.ndarray,
    raw: np.ndarray | None,
    train_fraction: float,
    rng: np.random.Generator,
    task: str,
    n_classes: int,
    feature_names: tuple[str, ...],
    class_names: tuple[str, ...] = (),
    image_shape: tuple[int, int] | None = None,
    standardize: bool = False,
    plane_features: tuple[str, ...] = (),
) -> Dataset:
    train, test = _split_indices(X.shape[0], train_fraction, rng)
    X_train, X_test = X[train], X[test]  # (m_train, n), (m_test, n)
    standardizer = None
    if standardize:
        standardizer = Standardizer.fit(X_train)
        X_train, X_test = standardizer.transform(X_train), standardizer.transform(X_test)
    return Dataset(
        name=name,
        X_train=X_train,
        y_train=y[train],
        X_test=X_test,
        y_test=y[test],
        task=task,
        n_classes=n_classes,
        feature_names=feature_names,
        class_names=class_names,
        image_shape=image_shape,
        raw_train=None if raw is None else raw[train],
        raw_test=None if raw is None else raw[test],
        standardizer=standardizer,
        plane_features=plane_features if raw is not None else (),
    )
