"""Every named data set, one :class:`DatasetInfo` entry each: everything known about it — its
label, task, generator, default output unit and loss, whether its number of classes K is a
setting, whether its examples are points of the input plane, how to draw one example — lives
on its entry, so adding a data set is one entry given to :func:`register_dataset`.

``DATASET_NAMES``, ``TASKS``, ``DEFAULT_N_CLASSES`` and ``GENERATORS`` are views of
``DATASET_INFO``: they read it whenever they are used, so a data set registered later is in
them too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from ._checks import _TASK_NAMES
from .digits import DIGIT_PIXELS, digits_examples
from .toy import (
    make_blobs,
    make_circle,
    make_gaussian_bumps,
    make_gaussians,
    make_moons,
    make_plane,
    make_spiral,
    make_xor,
)

#: The output unit and loss the app starts with for each task, ``(output, loss)`` names of
#: ``bp_core.OUTPUTS`` and ``bp_core.LOSSES``.  Classification uses the course's logistic
#: units: sigmoid outputs with cross-entropy, one unit for two classes and one unit per class
#: (one-vs-all) for K > 2, which is how ``bp_core.runs.output_units`` sizes the output layer;
#: softmax is the student's choice, not the default.  Regression uses a linear output with
#: squared error.
DEFAULT_HEADS: dict[str, tuple[str, str]] = {
    "classification": ("sigmoid", "cross_entropy"),
    "regression": ("linear", "mse"),
}


def default_head(task: str) -> tuple[str, str]:
    """The ``(output, loss)`` the app picks for a task.

    Parameters
    ----------
    task : {"classification", "regression"}

    Returns
    -------
    tuple of (str, str)
        ``("sigmoid", "cross_entropy")`` for classification, ``("linear", "mse")`` for
        regression (see ``DEFAULT_HEADS``).
    """
    if task not in DEFAULT_HEADS:
        raise ValueError(f"task must be 'classification' or 'regression'; got {task!r}.")
    return DEFAULT_HEADS[task]


#: A generator: ``generator(n, noise, rng) -> (X (n, s), y (n,))``; with ``n_classes=K``
#: as well when K is a setting of the data set.  X holds points of the plane (s = 2) for a
#: planar data set, else the examples' own features.
Generator = Callable[..., tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True, kw_only=True)
class DatasetInfo:
    """One named data set: how to make it and what the UI needs to know about it.

    Attributes
    ----------
    name : str
        Registry key (letters, digits, ``_``): it goes into links and file names.
    label : str
        The name a student sees in the data set chooser, e.g. "Two moons".
    task : str
        "classification" or "regression".
    n_classes : int
        Number of classes K (the default when K is a setting); 0 for regression.
    generator : callable
        ``generator(n, noise, rng) -> (X (n, s), y (n,))`` (see :meth:`generate`): y int64
        labels 0 … K − 1, or float64 targets for regression.
    description : str
        One sentence for a student.
    noise : str
        What the noise setting does for this data set ("" when it is ignored).
    planar : bool, default True
        The examples are points (x1, x2) of the input plane: the feature map applies and the
        boundary can be drawn.  False: X holds the examples' own ``feature_names``.
    sized : bool, default True
        The number of examples m is a setting (False: the data are fixed, e.g. the digits).
    classes_setting : bool, default False
        K is a setting: the generator takes ``n_classes=K`` (2 … 10), e.g. blobs.
    head : (str, str) or None
        The ``(output, loss)`` the app starts with; None: the task's (:func:`default_head`).
    feature_names : tuple of str
        For a data set that is not planar: the name of each column of X.
    image_shape : (int, int) or None
        How to draw one example as an image (``(8, 8)`` for the digits), or None.
    defaults : mapping of str to value
        Settings that suit this data set better than the app's defaults, by the settings
        schema's names (e.g. ``{"alpha": 0.3}``: the regression sets diverge with the
        default α = 3); the app sets them when the data set is chosen.  Empty: none.
    """

    name: str
    label: str
    task: str
    n_classes: int
    generator: Generator
    description: str
    noise: str = ""
    planar: bool = True
    sized: bool = True
    classes_setting: bool = False
    head: tuple[str, str] | None = None
    feature_names: tuple[str, ...] = ()
    image_shape: tuple[int, int] | None = None
    defaults: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        name = self.name
        if not isinstance(self.defaults, Mapping) or not all(
            isinstance(k, str) and k.isidentifier() for k in self.defaults
        ):
            raise ValueError(
                f"Data set {name!r}: defaults maps setting names to values; got {self.defaults!r}."
            )
        object.__setattr__(self, "defaults", MappingProxyType(dict(self.defaults)))
        if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
            raise ValueError(
                "A data set's name must be a word of letters, digits and _ (it goes into "
                f"links and file names); got {name!r}."
            )
        if self.task not in _TASK_NAMES:
            raise ValueError(
                f"Data set {name!r}: task must be 'classification' or 'regression'; "
                f"got {self.task!r}."
            )
        for what in ("label", "description"):
            if not isinstance(getattr(self, what), str) or not getattr(self, what).strip():
                raise ValueError(f"Data set {name!r} needs a {what} (a non-empty text).")
        if not isinstance(self.noise, str):
            raise ValueError(f"Data set {name!r}: noise says what noise does, in words (or '').")
        if not callable(self.generator):
            raise ValueError(f"Data set {name!r} needs a generator function.")
        k = self.n_classes
        if isinstance(k, bool) or not isinstance(k, int):
            raise ValueError(f"Data set {name!r}: n_classes must be a whole number; got {k!r}.")
        if self.task == "regression" and (k != 0 or self.classes_setting):
            raise ValueError(f"Data set {name!r} is a regression: its n_classes is 0.")
        if self.task == "classification" and k < 2:
            raise ValueError(
                f"Data set {name!r}: a classification has at least 2 classes; got {k}."
            )
        if self.head is None:
            object.__setattr__(self, "head", default_head(self.task))
        elif not (
            isinstance(self.head, tuple)
            and len(self.head) == 2
            and all(isinstance(h, str) and h for h in self.head)
        ):
            raise ValueError(
                f"Data set {name!r}: head is (output, loss), two names; got {self.head!r}."
            )
        object.__setattr__(self, "feature_names", tuple(self.feature_names))
        if not self.planar and not self.feature_names:
            raise ValueError(
                f"Data set {name!r} is not planar: give the names of its features (feature_names)."
            )
        shape = self.image_shape
        if shape is not None and (
            len(shape) != 2
            or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in shape)
            or self.planar
            or shape[0] * shape[1] != len(self.feature_names)
        ):
            raise ValueError(
                f"Data set {name!r}: image_shape (rows, columns) must hold its "
                f"{len(self.feature_names)} features exactly, and only data that are not "
                f"points of the plane are drawn as images; got {shape!r}."
            )

    def classes(self, n_classes: int | None) -> int:
        """K for a requested number of classes (None: the default), or ValueError when the
        data set's K is fixed and another is asked for."""
        if n_classes is None:
            return self.n_classes
        if self.classes_setting:
            return n_classes  # the generator checks it
        if n_classes != self.n_classes:
            if self.task == "regression":
                what = "is a regression problem"
            else:
                what = f"always has {self.n_classes} classes"
            raise ValueError(f"{self.name!r} {what}; n_classes={n_classes} does not apply.")
        return self.n_classes

    def generate(
        self, n: int, noise: float, rng: np.random.Generator, n_classes: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """The examples: ``(X, y)`` from the generator, K passed on when it is a setting.

        Returns
        -------
        X : ndarray of shape (m, 2) for planar data, else (m, len(feature_names))
        y : ndarray of shape (m,)
        """
        if self.classes_setting:
            return self.generator(n, noise, rng, n_classes=n_classes)
        return self.generator(n, noise, rng)


#: Every data set by name, in the order the UI lists them; add one with
#: :func:`register_dataset`.
DATASET_INFO: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo(
            name="circle",
            label="Circle",
            task="classification",
            n_classes=2,
            generator=make_circle,
            description="A disc of one class inside a ring of the other.",
            noise="labels are decided at a randomly moved point, so the border gets mixed up",
        ),
        DatasetInfo(
            name="xor",
            label="Exclusive or (XOR)",
            task="classification",
            n_classes=2,
            generator=make_xor,
            description="Opposite quadrants share a class: no single line works.",
            noise="labels are decided at a randomly moved point, so the borders get mixed up",
        ),
        DatasetInfo(
            name="gaussians",
            label="Two Gaussians",
            task="classification",
            n_classes=2,
            generator=make_gaussians,
            description="Two round clouds of points: one straight line separates them.",
            noise="the clouds get wider until they overlap",
        ),
        DatasetInfo(
            name="spiral",
            label="Spiral",
            task="classification",
            n_classes=2,
            generator=make_spiral,
            description="Two interleaved spiral arms: the hardest toy problem.",
            noise="the points are moved randomly off the arms",
        ),
        DatasetInfo(
            name="moons",
            label="Two moons",
            task="classification",
            n_classes=2,
            generator=make_moons,
            description="Two interleaving half-moons.",
            noise="the points are moved randomly off the moons",
        ),
        DatasetInfo(
            name="blobs",
            label="Blobs (K classes)",
            task="classification",
            n_classes=3,
            classes_setting=True,
            generator=make_blobs,
            description="K round clouds, one per class (multi-class softmax/one-vs-all).",
            noise="the clouds get wider until they overlap",
        ),
        DatasetInfo(
            name="plane",
            label="Plane (regression)",
            task="regression",
            n_classes=0,
            generator=make_plane,
            description="Regression: the target is a tilted plane, y = (x1 + x2) / 10.",
            noise="random noise is added to the target",
            # the default α = 3 diverges (step 508 on the default network); 0.3: R² 0.98
            defaults={"alpha": 0.3},
        ),
        DatasetInfo(
            name="gaussian_bumps",
            label="Gaussian bumps (regression)",
            task="regression",
            n_classes=0,
            generator=make_gaussian_bumps,
            description="Regression: the target is six Gaussian bumps, up and down.",
            noise="the target is read at a randomly moved point",
            # the default α = 3 diverges (step 508 on the default network); 1: R² 0.30 after
            # 2,000 epochs (0.3: 0.06)
            defaults={"alpha": 1.0},
        ),
        DatasetInfo(
            name="digits",
            label="Handwritten digits 8×8",
            task="classification",
            n_classes=10,
            generator=digits_examples,
            description="1,797 real 8x8 images of handwritten digits 0-9 (64 pixels).",
            planar=False,
            sized=False,
            feature_names=DIGIT_PIXELS,
            image_shape=(8, 8),
        ),
    )
}

#: The data sets bp_core ships with; :func:`unregister_dataset` keeps them.
BUILTIN_DATASETS: tuple[str, ...] = tuple(DATASET_INFO)

#: The label of an uploaded CSV file in the data set chooser (the UI may add the file name).
CSV_LABEL = "Your CSV file"


def register_dataset(entry: DatasetInfo) -> DatasetInfo:
    """Add a data set to ``DATASET_INFO``: the Playground's chooser, links, run files and
    ``bp_core.build_run`` take it from then on.

    Parameters
    ----------
    entry : DatasetInfo
        Its name must be new; every fact is checked when the entry is made.

    Returns
    -------
    DatasetInfo
        The entry.

    Raises
    ------
    ValueError
        For something that is not a ``DatasetInfo`` or a name already taken.
    """
    if not isinstance(entry, DatasetInfo):
        raise ValueError(
            "register_dataset takes a bp_core.datasets.DatasetInfo entry, not "
            f"{type(entry).__name__}."
        )
    if entry.name in DATASET_INFO:
        raise ValueError(f"A data set named {entry.name!r} is registered already.")
    DATASET_INFO[entry.name] = entry
    return entry


def unregister_dataset(name: str) -> None:
    """Remove a data set added with :func:`register_dataset` (ValueError for a built-in one
    or a name that is not registered)."""
    if name in BUILTIN_DATASETS:
        raise ValueError(f"{name!r} is one of bp_core's own data sets and stays.")
    if name not in DATASET_INFO:
        raise ValueError(f"No data set named {name!r} is registered.")
    del DATASET_INFO[name]


def dataset_entry(name: str) -> DatasetInfo:
    """The registry entry of ``name``, or ValueError naming the data sets there are."""
    info = DATASET_INFO.get(name) if isinstance(name, str) else None
    if info is None:
        raise ValueError(f"Unknown dataset {name!r}. Valid names: {', '.join(DATASET_INFO)}.")
    return info


# ---------------------------------------------------------------------------------------------
# Views of the registry (read when used)
# ---------------------------------------------------------------------------------------------


class _Names(Sequence):
    """The registered names in order, read from ``DATASET_INFO`` whenever used."""

    def __getitem__(self, i: Any) -> Any:
        return tuple(DATASET_INFO)[i]

    def __len__(self) -> int:
        return len(DATASET_INFO)

    def __contains__(self, name: object) -> bool:
        return name in DATASET_INFO

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(DATASET_INFO))

    def __repr__(self) -> str:
        return repr(tuple(DATASET_INFO))


class _Facts(Mapping):
    """``{name: fact(entry)}`` for the entries ``keep`` accepts, read whenever used."""

    def __init__(self, fact: Callable[[DatasetInfo], Any], keep=lambda info: True) -> None:
        self._fact, self._keep = fact, keep

    def __getitem__(self, name: str) -> Any:
        info = DATASET_INFO[name]
        if not self._keep(info):
            raise KeyError(name)
        return self._fact(info)

    def __iter__(self) -> Iterator[str]:
        return iter([n for n, info in DATASET_INFO.items() if self._keep(info)])

    def __len__(self) -> int:
        return sum(1 for info in DATASET_INFO.values() if self._keep(info))

    def __repr__(self) -> str:
        return repr(dict(self))


#: All dataset names in the order the UI should list them (the registry's order).
DATASET_NAMES: Sequence[str] = _Names()

#: "classification" or "regression" for each dataset name.
TASKS: Mapping[str, str] = _Facts(lambda info: info.task)

#: Default number of classes K for each dataset name (0 for regression).
DEFAULT_N_CLASSES: Mapping[str, int] = _Facts(lambda info: info.n_classes)

#: The generators of the data sets whose examples are points of the plane, by name:
#: ``fn(n, noise, rng) -> (X (n, 2), y (n,))`` (blobs also takes ``n_classes``).
GENERATORS: Mapping[str, Generator] = _Facts(lambda info: info.generator, lambda i: i.planar)
