"""A short Python script that reproduces a training run with bp_core: ``python_snippet``.

The script makes the data set (``bp_core.datasets.make_dataset``, or ``load_csv`` for a
CSV file read by its file name), the configuration (``NetConfig``), the initial Θ
(``init_weights``) and the trainer (``Trainer`` with its ``TrainSettings``), each random
generator seeded as given, then takes the run's gradient steps.  Run as it is written, its
final ``trainer.Theta`` equals the run's, bit for bit, when the run was trained only by
its settings (no weight edited, no setting changed mid-run: ``notes`` then say so in the
script).

Every value is written with ``repr`` (floats round-trip exactly, and a name from a file —
a CSV's name, a class label — becomes a quoted Python string, never code or a comment's
text); nothing from outside is written unquoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from ..config import DEFAULT_REGULARIZATION, NetConfig
from ..training import TrainSettings

#: A seed as ``numpy.random.default_rng`` takes it: a whole number or a list of them.
Seed = int | tuple[int, ...]


@dataclass(frozen=True)
class DataSpec:
    """How a data set was made, for :func:`python_snippet`.

    Attributes
    ----------
    name : str
        A ``bp_core.datasets.DATASET_NAMES`` name, or the CSV file's name when ``csv``.
    seed : int or tuple of int
        The seed of the generator that drew (and split) the data.
    train_fraction : float
        Share of the examples used for training.
    standardize : bool
        Feature scaling (mean 0, std 1 on the training set).
    features : tuple of str or None
        The feature map of the plane's points (``FEATURES`` names); None for a CSV file's
        own columns.
    n, noise, n_classes : int, float, int or None
        ``make_dataset``'s size, noise and number of classes (None: the data set's own);
        unused for a CSV file.
    csv : bool
        The data come from the CSV file ``name`` (read from the script's folder).
    """

    name: str
    seed: Seed
    train_fraction: float
    standardize: bool
    features: tuple[str, ...] | None = ("x1", "x2")
    n: int = 500
    noise: float = 0.0
    n_classes: int | None = None
    csv: bool = False


def _seed(seed: Seed) -> str:
    if isinstance(seed, int):
        return repr(int(seed))
    return "[" + ", ".join(repr(int(s)) for s in seed) + "]"


def _kwargs(obj: object, defaults: object, indent: str) -> str:
    """``name=value`` for each field of a dataclass that differs from ``defaults``."""
    lines = []
    for f in fields(obj):
        if not f.init:
            continue
        v = getattr(obj, f.name)
        if v != getattr(defaults, f.name):
            lines.append(f"{indent}{f.name}={v!r},")
    return "\n".join(lines)


def _comment(text: str) -> str:
    """A comment line: one line of printable characters (a note may quote a file's name)."""
    words = "".join(c if c.isprintable() else " " for c in str(text)).split()
    return "# " + " ".join(words)


def python_snippet(
    cfg: NetConfig,
    settings: TrainSettings,
    data: DataSpec,
    *,
    init: str,
    init_seed: Seed,
    train_seed: Seed,
    epochs: int,
    steps: int | None = None,
    notes: Sequence[str] = (),
) -> str:
    """The source of a script that trains the same network on the same data.

    Parameters
    ----------
    cfg : NetConfig
        The configuration; ``cfg.layer_sizes[0]`` must be the data set's features.
    settings : TrainSettings
        Only the fields that differ from ``TrainSettings()``'s are written.
    data : DataSpec
        How the data set was made.
    init : str
        The ``INITIALIZERS`` name Θ was drawn with.
    init_seed, train_seed : int or tuple of int
        Seeds of the generators that drew Θ and the mini-batch order.
    epochs : int
        Completed epochs of the run (written in a comment and used when ``steps`` is None).
    steps : int or None
        Gradient steps of the run: the script takes exactly these (whole epochs first, then
        the rest of a mini-batch epoch); None for ``epochs`` whole epochs.
    notes : sequence of str
        Sentences of our own (not data) written as comments at the top, e.g. that the run
        was edited by hand.  Each becomes one comment line.

    Returns
    -------
    str
        Python source; running it prints the epoch, J on the training set and Θ's shapes.
    """
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 0:
        raise ValueError(f"The number of epochs must be a whole number ≥ 0 (got {epochs!r}).")
    if steps is not None and (not isinstance(steps, int) or isinstance(steps, bool) or steps < 0):
        raise ValueError(f"The number of steps must be a whole number ≥ 0 (got {steps!r}).")
    head = [
        '"""Reproduce a Backprop Lab run with bp_core (pip install -e . in the repository)."""',
        "",
        *(_comment(n) for n in notes),
        *(["from pathlib import Path", ""] if data.csv else []),
        "import numpy as np",
        "",
        "from bp_core import NetConfig, datasets, init_weights",
        "from bp_core.training import Trainer, TrainSettings",
        "",
    ]
    if data.csv:
        feats = "" if data.features is None else f"\n    features={tuple(data.features)!r},"
        data_lines = [
            "# The data: the CSV file you uploaded, read by its file name from this script's",
            "# folder (put the file next to the script, or change the name below).",
            "data = datasets.load_csv(",
            f"    Path({data.name!r}),",
            f"    train_fraction={float(data.train_fraction)!r},",
            f"    rng=np.random.default_rng({_seed(data.seed)}),",
            f"    standardize={bool(data.standardize)!r},{feats}",
            ")",
        ]
    else:
        data_lines = [
            "# The data: bp_core's generator, seeded as in the Lab",
            "data = datasets.make_dataset(",
            f"    {data.name!r},",
            f"    n={int(data.n)!r},",
            f"    noise={float(data.noise)!r},",
            f"    train_fraction={float(data.train_fraction)!r},",
            f"    rng=np.random.default_rng({_seed(data.seed)}),",
            f"    features={tuple(data.features or ('x1', 'x2'))!r},",
            f"    n_classes={data.n_classes!r},",
            f"    standardize={bool(data.standardize)!r},",
            ")",
        ]
    cfg_lines = [
        "# The network s_1 → … → s_L (s_1 = the data's features)",
        "cfg = NetConfig(",
        f"    layer_sizes={tuple(cfg.layer_sizes)!r},",
        f"    activations={tuple(cfg.activations)!r},",
        f"    output={cfg.output!r},",
        f"    loss={cfg.loss!r},",
        f"    lambda_={float(cfg.lambda_)!r},",
    ]
    if cfg.regularization != DEFAULT_REGULARIZATION:
        cfg_lines.append(f"    regularization={cfg.regularization!r},")
    cfg_lines.append(")")
    train_kw = _kwargs(settings, TrainSettings(), "    ")
    train_lines = [
        "# Θ^(1) … Θ^(L-1), drawn from their own generator",
        f"Theta = init_weights(cfg, np.random.default_rng({_seed(init_seed)}), method={init!r})",
        "settings = TrainSettings(" + (f"\n{train_kw}\n)" if train_kw else ")"),
        "# the trainer's generator draws the order of the examples each epoch (mini-batches)",
        f"rng = np.random.default_rng({_seed(train_seed)})",
        "trainer = Trainer(cfg, Theta, data, settings, rng)",
    ]
    if steps is None:
        run_lines = [f"trainer.run_epochs({int(epochs)!r})"]
    else:
        run_lines = [
            f"# {int(epochs)} epochs, {int(steps)} gradient steps",
            f"whole, rest = divmod({int(steps)!r}, trainer.steps_per_epoch)",
            "trainer.run_epochs(whole)",
            "for _ in range(rest):  # the start of an epoch not finished",
            "    trainer.step()",
        ]
    tail = [
        "",
        'print("epoch", trainer.epoch, "steps", trainer.steps)',
        'print("J train", trainer.history.J_train[-1])',
        "for l, T in enumerate(trainer.Theta, start=1):",
        '    print(f"Theta({l}) shape {T.shape}")',
    ]
    blocks = [data_lines, cfg_lines, train_lines, run_lines]
    body: list[str] = []
    for block in blocks:
        body += [*block, ""]
    return "\n".join(head + body[:-1] + tail) + "\n"


__all__ = ["DataSpec", "Seed", "python_snippet"]
