"""A short Python script that reproduces a training run with bp_core: ``python_snippet``.

The script reads like the app: it writes the run's settings as one ``RunSettings`` (every
setting of the Playground's sidebar, by name) and calls ``build_run`` — bp_core's one
builder, the same call the Playground makes — for the data set, the network, the initial Θ
and the trainer; for an uploaded CSV file it first reads the file by its name
(``csv_dataset``, the Playground's own split, seed and scaling).  Then it takes the run's
gradient steps.  Run as it is written, its final ``trainer.Theta`` equals the run's, bit for
bit, when the run was trained only by its settings (no weight edited, no setting changed
mid-run: ``notes`` then say so in the script).

Every value is written with ``repr`` (floats round-trip exactly, and a name from a file —
a CSV's name — becomes a quoted Python string, never code or a comment's text); nothing from
outside is written unquoted.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..runs import RunSettings


def _comment(text: str) -> str:
    """A comment line: one line of printable characters (a note may quote a file's name)."""
    words = "".join(c if c.isprintable() else " " for c in str(text)).split()
    return "# " + " ".join(words)


def _whole(n: object) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and n >= 0


def python_snippet(
    settings: RunSettings,
    *,
    epochs: int,
    steps: int | None = None,
    csv_file: str | None = None,
    csv_features: tuple[str, ...] | None = None,
    notes: Sequence[str] = (),
) -> str:
    """The source of a script that trains the same network on the same data.

    Parameters
    ----------
    settings : RunSettings
        The run's settings, every one written out.
    epochs : int
        Completed epochs of the run (written in a comment and used when ``steps`` is None).
    steps : int or None
        Gradient steps of the run: the script takes exactly these (whole epochs first, then
        the rest of a mini-batch epoch); None for ``epochs`` whole epochs.
    csv_file : str or None
        The data come from this CSV file, read from the script's folder
        (``bp_core.csv_dataset``); None: the registered data set ``settings.dataset``.
    csv_features : tuple of str or None
        The feature map a file of points was read with (None: the file's own columns).
    notes : sequence of str
        Sentences of our own (not data) written as comments at the top, e.g. that the run
        was edited by hand.  Each becomes one comment line.

    Returns
    -------
    str
        Python source; running it prints the epoch, J on the training set and Θ's shapes.
    """
    if not isinstance(settings, RunSettings):
        raise ValueError(
            f"python_snippet writes a bp_core.RunSettings, not {type(settings).__name__}."
        )
    if not _whole(epochs):
        raise ValueError(f"The number of epochs must be a whole number ≥ 0 (got {epochs!r}).")
    if steps is not None and not _whole(steps):
        raise ValueError(f"The number of steps must be a whole number ≥ 0 (got {steps!r}).")
    csv = csv_file is not None
    head = [
        '"""Reproduce a Backprop Lab run with bp_core (pip install -e . in the repository)."""',
        "",
        *(_comment(n) for n in notes),
        *(["from pathlib import Path", ""] if csv else []),
        "import numpy as np",
        "",
        "from bp_core import RunSettings, build_run" + (", csv_dataset" if csv else ""),
        "",
    ]
    settings_lines = [
        "# The Playground's settings: data, network, training",
        "settings = RunSettings(",
        *(f"    {name}={value!r}," for name, value in settings.as_dict().items()),
        ")",
    ]
    if csv:
        feats = "" if csv_features is None else f", features={tuple(csv_features)!r}"
        build_lines = [
            "# The data: the CSV file you uploaded, read by its file name from this script's",
            "# folder (put the file next to the script, or change the name below), split and",
            "# scaled as the settings say",
            f"data = csv_dataset(settings, Path({csv_file!r}){feats})",
            "# bp_core's one builder, as in the app: the network, Θ from",
            "# default_rng([seed, 1, 0]) and the trainer (its generator default_rng([seed, 2]))",
            "run = build_run(settings, data)",
            "trainer = run.trainer",
        ]
    else:
        build_lines = [
            "# bp_core's one builder, as in the app: the data set from default_rng(seed), the",
            "# network, Θ from default_rng([seed, 1, 0]) and the trainer (its generator",
            "# default_rng([seed, 2]) draws the order of the examples each epoch)",
            "run = build_run(settings)",
            "trainer = run.trainer",
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
        '    print(f"Theta({l}) shape {T.shape}, norm {np.linalg.norm(T):.6g}")',
    ]
    body: list[str] = []
    for block in (settings_lines, build_lines, run_lines):
        body += [*block, ""]
    return "\n".join(head + body[:-1] + tail) + "\n"


__all__ = ["python_snippet"]
