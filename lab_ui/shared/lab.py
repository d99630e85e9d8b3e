"""The session's Lab: the data set, the network and its trainer that the settings describe.

One :class:`Lab` per session lives in ``st.session_state["lab"]``; every page gets it from
:func:`sync_lab`, which brings it in line with the settings (:mod:`lab_ui.shared.schema`):

* a data setting changed → new data set, new Θ, new history;
* a network setting changed → same data, new Θ, new history;
* λ or the regularization (L2 / L1) changed → same Θ and history (``Trainer.with_lambda``,
  ``Trainer.with_regularization``: training settings, even though bp_core keeps them in the
  ``NetConfig``);
* α, batch size or optimizer changed → same Θ and history (``Trainer.with_settings``).

An uploaded CSV file is parsed once, on upload, into a ``Dataset`` (:class:`CsvFile`), and
the first Lab on it uses that Dataset.  No streamlit import: the state is a plain mapping.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bp_core import BackpropTrace, NetConfig, backprop, init_weights
from bp_core import datasets as bp_datasets
from bp_core.examples import examples
from bp_core.gradcheck import SampledCheck, sampled_gradient_check
from bp_core.optimizers import OPTIMIZERS
from bp_core.training import Trainer, TrainSettings
from lab_ui.live.frames import n_outputs
from lab_ui.shared import schema, text
from lab_ui.shared.schema import CSV_DATASET, SCHEMA


@dataclass
class Lab:
    """Everything one session trains and shows.  Lives in ``st.session_state["lab"]``.

    ``cache`` holds results the pages reuse while the network is unchanged (keyed by what
    they depend on, see :func:`memo`).
    """

    data_sig: tuple
    net_sig: tuple
    train_sig: tuple
    dataset: Any  # bp_core.datasets.Dataset
    cfg: NetConfig
    trainer: Trainer
    uirev: str
    built_at: float = field(default_factory=time.time)
    rev: int = 0  # frames sent
    problem: str = ""  # why the last requested change could not be applied (Markdown-safe)
    cache: dict = field(default_factory=dict)
    #: What was done by hand since the Lab was built (points drawn, a weight edited, a
    #: setting changed mid-run), one short plain sentence each, newest last, at most 20.  A
    #: link replays the settings from epoch 0, so it cannot bring these back: the page says so.
    edits: list = field(default_factory=list)

    def note_edit(self, what: str) -> None:
        """Record one hand edit (see ``edits``)."""
        self.edits = [*self.edits[-19:], what]


@dataclass(frozen=True)
class CsvFile:
    """An uploaded CSV file: its name and bytes, and the Dataset it was parsed into once.

    ``data_sig`` is the data settings the Dataset was made with; other settings (a new
    split, scaling or feature map) read the kept bytes again.
    """

    name: str
    token: str
    data: bytes
    dataset: Any  # bp_core.datasets.Dataset
    data_sig: tuple

    @property
    def planar(self) -> bool:
        return self.dataset.raw_train is not None

    @property
    def task(self) -> str:
        return self.dataset.task


# ---------------------------------------------------------------------------------------------
# The course's rules the settings follow
# ---------------------------------------------------------------------------------------------


def head_for_task(task: str) -> tuple[str, str]:
    """The course's output unit and loss for a kind of problem: (output, loss), by the one
    rule ``bp_core.datasets.default_head``."""
    return tuple(bp_datasets.default_head(task))


def task_of(state: Mapping[str, Any], name: str) -> str:
    """Classification or regression, for a data set name (the CSV file's own task)."""
    if name == CSV_DATASET:
        csv = state.get("_csv")
        return csv.task if csv is not None else "classification"
    return bp_datasets.TASKS.get(name, "classification")


def apply_head(state: MutableMapping[str, Any], task: str) -> str:
    """Set output and loss to the course's for ``task``; returns the notice saying so, or ""."""
    output, loss = head_for_task(task)
    if (state["output"], state["loss"]) == (output, loss):
        return ""
    schema.set_setting(state, "output", output)
    schema.set_setting(state, "loss", loss)
    labels = schema.BY_NAME["output"].fmt, schema.BY_NAME["loss"].fmt
    return f"Output unit set to {labels[0](output)} with {labels[1](loss)} for a {task} problem."


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def _sig(state: Mapping[str, Any], group: str, skip: tuple[str, ...] = ()) -> tuple:
    return tuple((s.name, state[s.name]) for s in SCHEMA if s.group == group and s.name not in skip)


def data_sig(state: Mapping[str, Any]) -> tuple:
    """What the data set depends on (the CSV file's hash included)."""
    sig = _sig(state, "data")
    if state["dataset"] == CSV_DATASET:
        csv = state.get("_csv")
        sig += (("csv", csv.token if csv is not None else None),)
    return sig


def _net_sig(state: Mapping[str, Any]) -> tuple:
    return _sig(state, "net")


def _train_sig(state: Mapping[str, Any]) -> tuple:
    return _sig(state, "train")


def read_csv(
    state: Mapping[str, Any], data: bytes, name: str, features: tuple[str, ...] | None = None
) -> Any:
    """Parse CSV bytes with the session's split, seed and scaling (bp_core.datasets.load_csv).

    Raises ValueError (bp_core's message) for a file it refuses.
    """
    return bp_datasets.load_csv(
        data,
        train_fraction=state["train_pct"] / 100,
        rng=np.random.default_rng(state["seed"]),
        standardize=state["standardize"],
        features=features,
    )


def load_csv_file(state: MutableMapping[str, Any], data: bytes, name: str) -> CsvFile:
    """Parse an uploaded file once and keep it: returns the CsvFile (not yet selected).

    Raises ValueError, quoting the file's own text as bp_core read it.
    """
    token = hashlib.sha1(data).hexdigest()[:12]
    ds = read_csv(state, data, name)
    ds = dataclasses.replace(ds, name=name)
    sig = dict(data_sig(state))
    sig.update(dataset=CSV_DATASET, features=("x1", "x2"), csv=token)
    return CsvFile(name, token, data, ds, tuple(sig.items()))


def make_dataset_from(state: Mapping[str, Any]) -> Any:
    """The data set the settings describe (bp_core builds it).  Raises ValueError."""
    name = state["dataset"]
    if name == CSV_DATASET:
        csv: CsvFile | None = state.get("_csv")
        if csv is None:
            raise ValueError("No CSV file is loaded; upload one first.")
        if csv.data_sig == data_sig(state):
            return csv.dataset  # parsed once, on upload
        feats = tuple(state["features"]) if csv.planar else None
        ds = read_csv(state, csv.data, csv.name, feats)
        return dataclasses.replace(ds, name=csv.name)
    rng = np.random.default_rng(state["seed"])
    n_classes = state["n_classes"] if name == "blobs" else None
    return bp_datasets.make_dataset(
        name,
        n=state["n_points"],
        noise=state["noise"],
        train_fraction=state["train_pct"] / 100,
        rng=rng,
        features=state["features"],
        n_classes=n_classes,
        standardize=state["standardize"],
    )


def make_config(state: Mapping[str, Any], dataset: Any) -> NetConfig:
    """The NetConfig the settings describe for ``dataset``.  Raises ValueError."""
    hidden = tuple(state["hidden"])
    s_L = n_outputs(dataset.task, dataset.n_classes, state["output"])
    return NetConfig(
        layer_sizes=(dataset.n_features, *hidden, s_L),
        activations=schema.fit_acts(hidden, state["acts"]),
        output=state["output"],
        loss=state["loss"],
        lambda_=state["lambda_"],
        regularization=state["regularization"],
    )


#: The snapshots (the training states kept to go back and forth to, see
#: ``Trainer.restore``) may take this much memory per session.  Each holds Θ and the
#: optimizer's memory (none for gradient descent, v for momentum, m and v for Adam): 8 n,
#: 16 n or 24 n bytes for n weights, plus :data:`SNAPSHOT_OVERHEAD`; while scrubbing, the
#: latest state is kept as one more, with its epoch's order of the examples (8 m bytes).  So
#: ``(max_snapshots + 1) × (8 n (1 + vectors) + SNAPSHOT_OVERHEAD) + 8 m ≤ SNAPSHOT_BYTES``:
#: the default 2-4-2-1 net keeps 256, the 8 × 32 net 31 with gradient descent and 10 with
#: Adam, the biggest (the digits' 64 inputs, 10 × 32, Adam) 6; at least 2, which every network
#: the settings allow fits (a 50-feature CSV file, 10 × 32, 100 classes, Adam keeps 4).
SNAPSHOT_BYTES = 2 * 1024 * 1024
#: A snapshot's bytes besides its arrays (the record, Θ's views, the generator's state):
#: measured 1.6 kB (one hidden layer) … 3.3 kB (ten).
SNAPSHOT_OVERHEAD = 4096


def snapshots_kept(cfg: NetConfig, optimizer: str, m_train: int = 0) -> int:
    """How many snapshots fit in :data:`SNAPSHOT_BYTES` for this network and optimizer
    (2 … 256)."""
    memory = OPTIMIZERS[optimizer].init(np.zeros(1))  # what the optimizer keeps per weight
    vectors = sum(isinstance(v, np.ndarray) for v in memory.values())
    per = 8 * cfg.n_weights * (1 + vectors) + SNAPSHOT_OVERHEAD
    return int(min(256, max(2, (SNAPSHOT_BYTES - 8 * m_train) // per - 1)))


def make_settings(
    state: Mapping[str, Any], cfg: NetConfig | None = None, m_train: int = 0
) -> TrainSettings:
    """TrainSettings from α, batch size and optimizer (and, given the network and the number
    of training examples, how many snapshots fit in :data:`SNAPSHOT_BYTES`).  Raises
    ValueError."""
    batch = state["batch"]
    kept = 256
    if cfg is not None and state["optimizer"] in OPTIMIZERS:
        kept = snapshots_kept(cfg, state["optimizer"], m_train)
    return TrainSettings(
        alpha=float(state["alpha"]),
        batch_size=None if batch == 0 else int(batch),
        optimizer=state["optimizer"],
        max_snapshots=kept,
    )


def build_lab(state: Mapping[str, Any], dataset: Any | None = None) -> Lab:
    """A fresh Lab from the settings (new Θ from the seed, empty history).  Raises ValueError."""
    if dataset is None:
        dataset = make_dataset_from(state)
    cfg = make_config(state, dataset)
    Theta = init_weights(cfg, np.random.default_rng([state["seed"], 1, 0]), method=state["init"])
    settings = make_settings(state, cfg, dataset.m_train)
    trainer = Trainer(cfg, Theta, dataset, settings, np.random.default_rng([state["seed"], 2]))
    dsig, nsig = data_sig(state), _net_sig(state)
    uirev = f"{abs(hash((dsig, nsig))):x}"
    return Lab(dsig, nsig, _train_sig(state), dataset, cfg, trainer, uirev)


def sync_lab(state: MutableMapping[str, Any]) -> Lab:
    """Bring the session's Lab in line with the settings; return it.

    A change bp_core refuses (ValueError) leaves the old Lab running and puts the
    student-facing reason in ``lab.problem``.  The very first Lab falls back to the
    defaults if the settings are refused.
    """
    lab: Lab | None = state.get("lab")
    if lab is None:
        try:
            lab = build_lab(state)
        except ValueError as err:
            for s in SCHEMA:
                if s.group in schema.NETWORK_GROUPS:
                    state[s.name] = s.default
            lab = build_lab(state)
            lab.problem = f"{text.plain(err)} The default settings are used instead."
        state["lab"] = lab
        _check_example(state, lab)
        return lab
    lab.problem = ""
    dsig, nsig, tsig = data_sig(state), _net_sig(state), _train_sig(state)
    try:
        if dsig != lab.data_sig:
            new = build_lab(state)
        elif nsig != lab.net_sig:
            new = build_lab(state, lab.dataset)
        elif tsig != lab.train_sig:
            new = lab
            # refused (ValueError) before anything changes
            settings = make_settings(state, lab.cfg, lab.dataset.m_train)
            # refused (ValueError) before anything changes, like the settings above
            dataclasses.replace(lab.cfg, regularization=state["regularization"])
            lab.trainer.with_lambda(state["lambda_"])  # keeps Θ and the history
            lab.trainer.with_regularization(state["regularization"])  # keeps Θ and the history
            if settings != lab.trainer.settings:
                lab.trainer.with_settings(settings)
            lab.cfg = lab.trainer.cfg
            if lab.trainer.steps:  # mid-run: a link replays only the settings as they are now
                _note_setting_changes(lab, dict(lab.train_sig), dict(tsig))
            lab.train_sig = tsig
            lab.cache.clear()
        else:
            return lab
    except ValueError as err:
        lab.problem = f"{text.plain(err)} The network was not changed."
        return lab
    if new is not lab:
        if dsig != lab.data_sig:
            state["playing"] = False
        state["lab"] = new
        _check_example(state, new)
    return new


def _note_setting_changes(lab: Lab, old: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """One ``lab.note_edit`` per training setting changed mid-run ("α set to 0.3 at epoch 12")."""
    for name, value in new.items():
        if old.get(name) != value:
            s = schema.BY_NAME[name]
            shown = s.fmt(value) if s.fmt is not None else str(value)
            lab.note_edit(f"{s.label} set to {shown} at epoch {lab.trainer.epoch}.")


def _check_example(state: MutableMapping[str, Any], lab: Lab) -> None:
    """An ``example`` beyond the training set falls back to 0 (the whole batch), with a note."""
    i, m = state.get("example", 0), lab.dataset.m_train
    if i > m:
        schema.set_setting(state, "example", 0)
        state["_url_notes"] = [
            *state.get("_url_notes", []),
            f"Example i = {text.quote(i)} is beyond the {m} training examples: the diagram "
            "shows the whole batch (i = 0) instead.",
        ]


def adopt_lab(state: Mapping[str, Any], dataset: Any, trainer: Trainer) -> Lab:
    """A Lab around a trainer made elsewhere (an imported run), signed with the settings as
    they are now, so :func:`sync_lab` keeps it.  Set the settings to describe it first."""
    dsig, nsig = data_sig(state), _net_sig(state)
    uirev = f"{abs(hash((dsig, nsig, time.time_ns()))):x}"  # a new picture: the view resets
    return Lab(dsig, nsig, _train_sig(state), dataset, trainer.cfg, trainer, uirev)


def reset_lab(state: MutableMapping[str, Any]) -> Lab:
    """Back to epoch 0: the same data, Θ drawn again from the same seed."""
    new = build_lab(state, state["lab"].dataset)
    state["lab"] = new
    state["playing"] = False
    return new


def memo(lab: Lab, key: tuple, compute: Callable[[], Any]) -> Any:
    """``compute()`` once per ``key`` while the network is unchanged (the gradient check is
    costly: pages ask again on every run).  The trainer's step count is part of the key."""
    full = (lab.trainer.steps, lab.trainer.cfg, *key)
    if full not in lab.cache:
        if len(lab.cache) > 16:
            lab.cache.clear()
        lab.cache[full] = compute()
    return lab.cache[full]


# ---------------------------------------------------------------------------------------------
# What the pages compute on the Lab (course numbering in, bp_core's indices inside)
# ---------------------------------------------------------------------------------------------


def example_rows(lab: Lab, first: int, count: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Training examples i = first … first + count − 1 (the course counts from 1) and their
    encoded targets: X of shape (k, s_1), Y of shape (k, s_L)."""
    tr = lab.trainer
    return examples(lab.cfg, tr.X_train, tr.y_train, tr.task, int(first) - 1, int(count))


def training_trace(lab: Lab) -> BackpropTrace:
    """Backprop on the whole training set at the current Θ (computed once per Θ)."""
    tr = lab.trainer
    return memo(lab, ("trace",), lambda: backprop(lab.cfg, tr.Theta, tr.X_train, tr.Y_train))


def gradient_check(lab: Lab, bug: str | None, m: int) -> SampledCheck:
    """The course's gradient check on the first ``m`` training examples, with a planted bug
    or none (computed once per Θ, bug and m: it takes up to ~2 s)."""
    X, Y = example_rows(lab, 1, m)
    return memo(
        lab,
        ("check", bug, m),
        lambda: sampled_gradient_check(lab.cfg, lab.trainer.Theta, X, Y, bug=bug),
    )


def weight_contributions(lab: Lab, weight: tuple[int, int, int], m: int) -> np.ndarray:
    """Each of the first ``m`` examples' share δ^(l+1)_j a^(l)_k of Δ^(l)_jk; ``weight`` is the
    course's (l, j, k).  Shape (m,)."""
    X, Y = example_rows(lab, 1, m)
    return backprop(lab.cfg, lab.trainer.Theta, X, Y).weight_contributions(*weight)


def layer_of(values: Any, l: int) -> Any:
    """Entry l of a per-layer sequence in the course's numbering: ``layer_of(Theta, 1)`` is
    Θ^(1) = ``Theta[0]`` (Python index = course superscript − 1)."""
    return values[int(l) - 1]


# ---------------------------------------------------------------------------------------------
# Training and the status line
# ---------------------------------------------------------------------------------------------


def train_for_frame(lab: Lab, speed: str, budget_s: float = 0.045) -> int:
    """Train one frame's worth: ``speed`` epochs (or 1 mini-batch), within ``budget_s``.

    Returns the number of gradient steps taken.  Stops early on divergence.
    """
    tr = lab.trainer
    if speed in ("slow", "step"):
        target = 1
    else:
        target = int(speed) * tr.steps_per_epoch - (tr.steps % tr.steps_per_epoch)
    t0 = time.perf_counter()
    done = 0
    while done < target and not tr.diverged:
        tr.step()
        done += 1
        if time.perf_counter() - t0 > budget_s:
            break
    return done


def status_line(lab: Lab, playing: bool = False, rate: float | None = None) -> str:
    """The Playground's status line: epoch, steps, J, the metric, the last mini-batch's J.

    Every number through :func:`lab_ui.shared.text.number` (a diverged value reads "diverged").
    """
    tr, h = lab.trainer, lab.trainer.history
    parts = [f"epoch {tr.epoch}", f"{tr.steps} gradient steps"]
    if h.J_train:
        parts.append(f"J train {text.number(h.J_train[-1])}")
        if h.J_test and np.isfinite(h.J_test[-1]):
            parts.append(f"J test {text.number(h.J_test[-1])}")
        fmt = text.percent if h.metric_name == "accuracy" else text.number
        test = f", test {fmt(h.metric_test[-1])}" if np.isfinite(h.metric_test[-1]) else ""
        parts.append(f"{h.metric_name} train {fmt(h.metric_train[-1])}{test}")
    batch_J = tr.last_batch_J
    if batch_J is not None and tr.batch_size < tr.m:
        parts.append(f"last mini-batch ({tr.batch_size} examples): J {text.number(batch_J)}")
    if playing and rate is not None:
        parts.append(f"{text.number(rate, 3)} epochs/s")
    return " · ".join(parts)


__all__ = [
    "CsvFile",
    "example_rows",
    "gradient_check",
    "layer_of",
    "training_trace",
    "weight_contributions",
    "Lab",
    "adopt_lab",
    "apply_head",
    "build_lab",
    "data_sig",
    "head_for_task",
    "load_csv_file",
    "make_config",
    "make_dataset_from",
    "make_settings",
    "memo",
    "snapshots_kept",
    "reset_lab",
    "status_line",
    "sync_lab",
    "task_of",
    "train_for_frame",
]
