"""Settings → a run: the one place a set of settings becomes a data set, a network and its
trainer.

:class:`RunSettings` is every training setting of the Playground's sidebar as one frozen,
typed record, with the names of its settings schema (``lab_ui.shared.schema``), checked once
when it is made.  :func:`build_run` turns it into a :class:`BuiltRun`: the data set, the
``NetConfig``, the initial Θ and the ``Trainer``.  The Playground, every preset, a link's
replay, an imported run's settings and the exported Python script all call it, so they all
train the very same network, bit for bit:

* data: ``make_dataset(dataset, n=n_points, noise=noise, train_fraction=train_pct / 100,
  rng=default_rng(seed), features=features, n_classes=n_classes, standardize=standardize)``,
  K passed only where the data set's registry entry makes it a setting (``classes_setting``);
  or a ready Dataset (an uploaded CSV file, :func:`csv_dataset`);
* the output layer s_L (:func:`output_units`): 1 unit for regression, 1 for two classes
  (unless the output is softmax), else one per class K;
* ``NetConfig(layer_sizes=(n_features, *hidden, s_L), activations=acts, output=output,
  loss=loss, lambda_=lambda_, regularization=regularization)``;
* Θ: ``init_weights(cfg, default_rng([seed, 1, 0]), method=init)``;
* ``Trainer(cfg, Θ, data, settings.train_settings(cfg, m_train), default_rng([seed, 2]))``,
  keeping as many snapshots as fit in :data:`SNAPSHOT_BYTES`.

The built record is called ``BuiltRun`` rather than ``Run`` because ``bp_core.io.Run`` is
something else: a saved copy of a run (Θ, history, optimizer state as numbers in a file).  A
``BuiltRun`` is live — its trainer trains in place.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from . import datasets
from .config import NetConfig
from .datasets import Dataset, dataset_entry, make_dataset
from .datasets.features import _check_features
from .initializers import INITIALIZERS, init_weights
from .losses import OUTPUTS
from .optimizers import OPTIMIZERS
from .training import Trainer, TrainSettings

# ---------------------------------------------------------------------------------------------
# The memory the snapshots may take
# ---------------------------------------------------------------------------------------------

#: The snapshots (the training states kept to go back and forth to, see
#: ``Trainer.restore``) may take this much memory per run.  Each holds Θ and the optimizer's
#: memory (``Optimizer.memory_vectors``: none for gradient descent, v for momentum, m and v
#: for Adam): 8 n, 16 n or 24 n bytes for n weights, plus :data:`SNAPSHOT_OVERHEAD`; while
#: scrubbing, the latest state is kept as one more, with its epoch's order of the examples
#: (8 m bytes).  So ``(max_snapshots + 1) × (8 n (1 + vectors) + SNAPSHOT_OVERHEAD) + 8 m ≤
#: SNAPSHOT_BYTES``: the default 2-4-2-1 net keeps 256, the 8 × 32 net 31 with gradient
#: descent and 10 with Adam, the biggest (the digits' 64 inputs, 10 × 32, Adam) 6; at least 2,
#: which every network the settings allow fits (a 50-feature CSV file, 10 × 32, 100 classes,
#: Adam keeps 4).
SNAPSHOT_BYTES = 2 * 1024 * 1024
#: A snapshot's bytes besides its arrays (the record, Θ's views, the generator's state):
#: measured 1.6 kB (one hidden layer) … 3.3 kB (ten).
SNAPSHOT_OVERHEAD = 4096


def snapshots_kept(cfg: NetConfig, optimizer: str, m_train: int = 0) -> int:
    """How many snapshots fit in :data:`SNAPSHOT_BYTES` for this network and optimizer.

    Parameters
    ----------
    cfg : NetConfig
    optimizer : str
        A key of ``OPTIMIZERS``.
    m_train : int
        Training examples (a mid-epoch state keeps their order).

    Returns
    -------
    int
        2 … 256.
    """
    per = 8 * cfg.n_weights * (1 + OPTIMIZERS[optimizer].memory_vectors) + SNAPSHOT_OVERHEAD
    return int(min(256, max(2, (SNAPSHOT_BYTES - 8 * m_train) // per - 1)))


def output_units(task: str, n_classes: int, output: str) -> int:
    """Output units s_L: 1 for regression or two classes (unless softmax), else K.

    The course's logistic output uses one unit for two classes and one unit per class
    (one-vs-all) for K > 2; softmax always has one unit per class.
    """
    if task == "regression":
        return 1
    return OUTPUTS[output].units_for(n_classes)  # the output's entry: softmax needs ≥ 2


# ---------------------------------------------------------------------------------------------
# The settings
# ---------------------------------------------------------------------------------------------


def _whole(x: object) -> bool:
    return isinstance(x, int | np.integer) and not isinstance(x, bool)


def _number(x: object) -> bool:
    return (
        isinstance(x, int | float | np.integer | np.floating)
        and not isinstance(x, bool)
        and math.isfinite(x)
    )


def _names_tuple(value: object, what: str) -> tuple:
    if isinstance(value, str | bytes) or not isinstance(value, list | tuple):
        raise ValueError(f"{what} must be a list, such as (4, 2); got {value!r}.")
    return tuple(value)


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    """Every setting that decides what is trained: the Playground's data, network and training
    settings, with the names of its settings schema (``lab_ui.shared.schema``).

    Checked once, when made: a value a student could not have meant raises ValueError with
    a sentence saying which and why.  Whether the data set's name is registered is checked
    by :func:`build_run` (a ready Dataset, e.g. a CSV file, needs none).

    Attributes
    ----------
    dataset : str
        A ``bp_core.datasets.DATASET_INFO`` name (any name when ``build_run`` is given the
        data).
    noise : float
        In [0, 1]; what it does is the data set's (``DatasetInfo.noise``).
    n_points : int
        Examples m before the split, ≥ 2 (ignored for fixed data such as the digits).
    train_pct : int or float
        Percent of the examples used for training, strictly between 0 and 100.
    n_classes : int
        K, used where the data set makes it a setting (blobs), ≥ 2.
    seed : int
        ≥ 0: the data from ``default_rng(seed)``, Θ from ``default_rng([seed, 1, 0])``, the
        order of the examples from ``default_rng([seed, 2])``.
    features : tuple of str
        ``bp_core.datasets.FEATURES`` names, the inputs made from a point of the plane.
    standardize : bool
        Feature scaling (mean 0, std 1 on the training set).
    hidden : tuple of int
        Units s_2 … s_{L−1} of the hidden layers (may be empty), each ≥ 1.
    acts : tuple of str
        One ``ACTIVATIONS`` name per hidden layer.
    output, loss : str
        ``OUTPUTS`` and ``LOSSES`` names.
    init : str
        An ``INITIALIZERS`` name.
    alpha : float
        Learning rate α > 0.
    lambda_ : float
        Regularization strength λ ≥ 0.
    regularization : str
        A ``REGULARIZATIONS`` name ("l2", the course's, or "l1").
    batch : int
        Examples per gradient step; 0 for the full batch (the course's gradient descent).
    optimizer : str
        An ``OPTIMIZERS`` name.
    """

    dataset: str
    noise: float
    n_points: int
    train_pct: float
    n_classes: int
    seed: int
    features: tuple[str, ...]
    standardize: bool
    hidden: tuple[int, ...]
    acts: tuple[str, ...]
    output: str
    loss: str
    init: str
    alpha: float
    lambda_: float
    regularization: str
    batch: int
    optimizer: str

    def __post_init__(self) -> None:
        put = object.__setattr__  # frozen: normalized once, here
        # ---- data
        if not isinstance(self.dataset, str) or not self.dataset:
            raise ValueError(f"The data set must be given by its name; got {self.dataset!r}.")
        if not _number(self.noise) or not 0 <= self.noise <= 1:
            raise ValueError(f"The noise must be a number from 0 to 1; got {self.noise!r}.")
        put(self, "noise", float(self.noise))
        if not _whole(self.n_points) or self.n_points < 2:
            raise ValueError(
                f"The number of examples must be a whole number ≥ 2; got {self.n_points!r}."
            )
        put(self, "n_points", int(self.n_points))
        if not _number(self.train_pct) or not 0 < self.train_pct < 100:
            raise ValueError(
                "The training share (percent of the examples trained on) must be strictly "
                f"between 0 and 100; got {self.train_pct!r}."
            )
        if not _whole(self.n_classes) or self.n_classes < 2:
            raise ValueError(
                f"The number of classes K must be a whole number ≥ 2; got {self.n_classes!r}."
            )
        put(self, "n_classes", int(self.n_classes))
        if not _whole(self.seed) or self.seed < 0:
            raise ValueError(f"The random seed must be a whole number ≥ 0; got {self.seed!r}.")
        put(self, "seed", int(self.seed))
        put(self, "features", _check_features(_names_tuple(self.features, "The features")))
        if not isinstance(self.standardize, bool | np.bool_):
            raise ValueError(
                f"Feature scaling (standardize) is true or false; got {self.standardize!r}."
            )
        put(self, "standardize", bool(self.standardize))
        # ---- network: NetConfig's own checks, on a stand-in input and output layer
        hidden = _names_tuple(self.hidden, "The hidden layers")
        if not all(_whole(s) for s in hidden):
            raise ValueError(f"Each hidden layer has a whole number of units; got {hidden!r}.")
        put(self, "hidden", tuple(int(s) for s in hidden))
        put(self, "acts", _names_tuple(self.acts, "The activations"))
        if len(self.acts) != len(self.hidden):
            raise ValueError(
                f"Give one activation per hidden layer: {len(self.hidden)} hidden layers, "
                f"{len(self.acts)} activations."
            )
        if not _number(self.lambda_):
            raise ValueError(f"λ must be a finite number ≥ 0; got {self.lambda_!r}.")
        put(self, "lambda_", float(self.lambda_))
        NetConfig(
            layer_sizes=(1, *self.hidden, 2),
            activations=self.acts,
            output=self.output,
            loss=self.loss,
            lambda_=self.lambda_,
            regularization=self.regularization,
        )
        if self.init not in INITIALIZERS:
            names = ", ".join(f"'{k}'" for k in INITIALIZERS)
            raise ValueError(f"Unknown initialization {self.init!r}; choose one of {names}.")
        # ---- training: TrainSettings' own checks
        if not _whole(self.batch) or self.batch < 0:
            raise ValueError(
                f"The batch size must be a whole number ≥ 1, or 0 for the full batch; "
                f"got {self.batch!r}."
            )
        put(self, "batch", int(self.batch))
        if not _number(self.alpha):
            raise ValueError(f"The learning rate α must be a positive number (got {self.alpha}).")
        put(self, "alpha", float(self.alpha))
        self.train_settings()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> RunSettings:
        """The settings from a mapping by name (a session's state, a preset's settings, a
        run file's ``app_settings``): every field is read, other keys are ignored, lists
        become tuples.  ValueError names the settings that are missing."""
        names = [f.name for f in fields(cls)]
        missing = [n for n in names if n not in values]
        if missing:
            raise ValueError(f"These training settings are missing: {', '.join(missing)}.")
        return cls(**{n: values[n] for n in names})

    def as_dict(self) -> dict[str, Any]:
        """The settings by name (a fresh dict)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def train_settings(self, cfg: NetConfig | None = None, m_train: int = 0) -> TrainSettings:
        """The ``TrainSettings`` of α, batch size and optimizer; given the network and the
        number of training examples, keeping as many snapshots as fit in
        :data:`SNAPSHOT_BYTES` (else 256)."""
        return TrainSettings(
            alpha=self.alpha,
            batch_size=None if self.batch == 0 else self.batch,
            optimizer=self.optimizer,
            max_snapshots=256 if cfg is None else snapshots_kept(cfg, self.optimizer, m_train),
        )

    def net_config(self, dataset: Dataset) -> NetConfig:
        """The ``NetConfig`` for ``dataset``: its features in, :func:`output_units` out."""
        s_L = output_units(dataset.task, dataset.n_classes, self.output)
        return NetConfig(
            layer_sizes=(dataset.n_features, *self.hidden, s_L),
            activations=self.acts,
            output=self.output,
            loss=self.loss,
            lambda_=self.lambda_,
            regularization=self.regularization,
        )


#: The names of every training setting, in order (``RunSettings``' fields).
RUN_SETTINGS: tuple[str, ...] = tuple(f.name for f in fields(RunSettings))


# ---------------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BuiltRun:
    """What :func:`build_run` makes: the settings, and the data set, network and trainer
    they describe (the trainer trains in place).

    Attributes
    ----------
    settings : RunSettings
    dataset : Dataset
    cfg : NetConfig
    trainer : Trainer
        At epoch 0, Θ as drawn from ``default_rng([seed, 1, 0])``.
    """

    settings: RunSettings
    dataset: Dataset
    cfg: NetConfig
    trainer: Trainer


def run_dataset(settings: RunSettings) -> Dataset:
    """The registered data set the settings describe, drawn from ``default_rng(seed)``.

    Raises ValueError for a name that is not registered (``DATASET_INFO``).
    """
    info = dataset_entry(settings.dataset)
    return make_dataset(
        settings.dataset,
        n=settings.n_points,
        noise=settings.noise,
        train_fraction=settings.train_pct / 100,
        rng=np.random.default_rng(settings.seed),
        features=settings.features,
        n_classes=settings.n_classes if info.classes_setting else None,
        standardize=settings.standardize,
    )


def csv_dataset(
    settings: RunSettings, source: Any, features: tuple[str, ...] | None = None
) -> Dataset:
    """A CSV file's data split, shuffled and scaled as the settings say
    (``bp_core.datasets.load_csv`` with ``train_pct``, ``seed`` and ``standardize``).

    Parameters
    ----------
    settings : RunSettings
    source : bytes, str, path or file
        What ``load_csv`` reads.
    features : tuple of str or None
        For a file of points (x1, x2): the feature map; None keeps the file's columns.

    Returns
    -------
    Dataset
        Give it to :func:`build_run`.  Raises ValueError (``load_csv``'s sentence) for a
        file it refuses.
    """
    return datasets.load_csv(
        source,
        train_fraction=settings.train_pct / 100,
        rng=np.random.default_rng(settings.seed),
        standardize=settings.standardize,
        features=features,
    )


def build_run(
    settings: RunSettings | Mapping[str, Any], dataset: Dataset | None = None
) -> BuiltRun:
    """The data set, network, initial Θ and trainer the settings describe.

    The one place settings become a network that trains (see the module docstring for the
    rule); the Playground, the presets, a link's replay and the exported script call it.

    Parameters
    ----------
    settings : RunSettings or mapping
        A mapping is read with :meth:`RunSettings.from_mapping`.
    dataset : Dataset, optional
        Ready data (an uploaded CSV file, parsed once: :func:`csv_dataset`); the data
        settings are then not used, and ``seed`` still draws Θ and the order of the examples.

    Returns
    -------
    BuiltRun
        ``trainer`` at epoch 0.

    Raises
    ------
    ValueError
        With a sentence for a student: a setting refused, a data set that is not registered,
        or a network the data cannot have (e.g. softmax for a regression).
    """
    s = settings if isinstance(settings, RunSettings) else RunSettings.from_mapping(settings)
    data = run_dataset(s) if dataset is None else dataset
    cfg = s.net_config(data)
    Theta = init_weights(cfg, np.random.default_rng([s.seed, 1, 0]), method=s.init)
    trainer = Trainer(
        cfg, Theta, data, s.train_settings(cfg, data.m_train), np.random.default_rng([s.seed, 2])
    )
    return BuiltRun(s, data, cfg, trainer)


__all__ = [
    "RUN_SETTINGS",
    "SNAPSHOT_BYTES",
    "SNAPSHOT_OVERHEAD",
    "BuiltRun",
    "RunSettings",
    "build_run",
    "csv_dataset",
    "output_units",
    "run_dataset",
    "snapshots_kept",
]
