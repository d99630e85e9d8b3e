"""What the UI needs to know about every named dataset, and the output unit and loss that
suit each task: one entry per dataset, so adding a dataset is one entry."""

from __future__ import annotations

from dataclasses import dataclass

from ._checks import _TASK_NAMES

#: The output unit and loss the app starts with for each task, ``(output, loss)`` names of
#: ``bp_core.OUTPUTS`` and ``bp_core.LOSSES``.  Classification uses the course's logistic
#: units: sigmoid outputs with cross-entropy, one unit for two classes and one unit per class
#: (one-vs-all) for K > 2, which is how ``lab_ui.live.frames.n_outputs`` sizes the output layer;
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


@dataclass(frozen=True)
class DatasetInfo:
    """What the UI needs to know about a named dataset before making it.

    Attributes
    ----------
    task : str
        "classification" or "regression".
    n_classes : int
        Default number of classes K (0 for regression).
    planar : bool
        True when the examples are points of the input plane (x1, x2).
    description : str
        One sentence for a student.
    noise : str
        What the noise setting does for this dataset ("" when it is ignored).
    label : str
        The name a student sees in the data set chooser, e.g. "Two moons".
    """

    task: str
    n_classes: int
    planar: bool
    description: str
    noise: str
    label: str = ""

    def __post_init__(self) -> None:
        if self.task not in _TASK_NAMES:
            raise ValueError(f"task must be 'classification' or 'regression'; got {self.task!r}.")

    @property
    def head(self) -> tuple[str, str]:
        """The ``(output, loss)`` the app starts with for this dataset (``default_head``)."""
        return default_head(self.task)


#: Facts about every dataset name, including "digits".
DATASET_INFO: dict[str, DatasetInfo] = {
    "circle": DatasetInfo(
        task="classification",
        n_classes=2,
        planar=True,
        description="A disc of one class inside a ring of the other.",
        noise="labels are decided at a randomly moved point, so the border gets mixed up",
        label="Circle",
    ),
    "xor": DatasetInfo(
        task="classification",
        n_classes=2,
        planar=True,
        description="Opposite quadrants share a class: no single line works.",
        noise="labels are decided at a randomly moved point, so the borders get mixed up",
        label="Exclusive or (XOR)",
    ),
    "gaussians": DatasetInfo(
        task="classification",
        n_classes=2,
        planar=True,
        description="Two round clouds of points: one straight line separates them.",
        noise="the clouds get wider until they overlap",
        label="Two Gaussians",
    ),
    "spiral": DatasetInfo(
        task="classification",
        n_classes=2,
        planar=True,
        description="Two interleaved spiral arms: the hardest toy problem.",
        noise="the points are moved randomly off the arms",
        label="Spiral",
    ),
    "moons": DatasetInfo(
        task="classification",
        n_classes=2,
        planar=True,
        description="Two interleaving half-moons.",
        noise="the points are moved randomly off the moons",
        label="Two moons",
    ),
    "blobs": DatasetInfo(
        task="classification",
        n_classes=3,
        planar=True,
        description="K round clouds, one per class (multi-class softmax/one-vs-all).",
        noise="the clouds get wider until they overlap",
        label="Blobs (K classes)",
    ),
    "plane": DatasetInfo(
        task="regression",
        n_classes=0,
        planar=True,
        description="Regression: the target is a tilted plane, y = (x1 + x2) / 10.",
        noise="random noise is added to the target",
        label="Plane (regression)",
    ),
    "gaussian_bumps": DatasetInfo(
        task="regression",
        n_classes=0,
        planar=True,
        description="Regression: the target is six Gaussian bumps, up and down.",
        noise="the target is read at a randomly moved point",
        label="Gaussian bumps (regression)",
    ),
    "digits": DatasetInfo(
        task="classification",
        n_classes=10,
        planar=False,
        description="1,797 real 8x8 images of handwritten digits 0-9 (64 pixels).",
        noise="",
        label="Handwritten digits 8×8",
    ),
}

#: The label of an uploaded CSV file in the data set chooser (the UI may add the file name).
CSV_LABEL = "Your CSV file"

#: All dataset names in the order the UI should list them (the registry's order).
DATASET_NAMES: tuple[str, ...] = tuple(DATASET_INFO)

#: "classification" or "regression" for each dataset name.
TASKS: dict[str, str] = {name: info.task for name, info in DATASET_INFO.items()}

#: Default number of classes K for each dataset name (0 for regression).
DEFAULT_N_CLASSES: dict[str, int] = {name: info.n_classes for name, info in DATASET_INFO.items()}
